"""Names and label values are checked as Go checks them: the whole string, lengths in bytes."""

from minikctl.api.validation import is_dns1123_label, is_dns1123_subdomain, is_valid_label_value


def test_trailing_newline_is_not_a_valid_name():
    assert is_dns1123_subdomain("foo") == []
    assert is_dns1123_subdomain("foo\n") != []
    assert is_dns1123_label("foo\n") != []
    assert is_valid_label_value("b\n") != []


def test_lengths_are_counted_in_bytes():
    assert is_valid_label_value("a" * 63) == []
    assert "must be no more than 63 characters" in is_valid_label_value("é" * 40)[0]

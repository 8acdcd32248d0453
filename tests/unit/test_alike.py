"""engine/alike.py: a moving text is read as an RFC 3339 time only when it has a time's separators."""

from __future__ import annotations

import pytest

from minikctl.engine import alike
from minikctl.kube.timefmt import parse_rfc3339

TEXTS = ["2024-05-01T10:00:00Z", "2024-05-01t10:00:00z", "2024-05-01T10:00:00.5+02:00", "2024-05-01 10:00:00Z",
         "2024-05-01", "2024/05/01T10:00:00Z", "20240501T100000Z", "cj000-29453766", "Created job cj000-29453766",
         "", "T", "----------T", "2024-13-01T10:00:00Z", "0000-01-01T00:00:00Z", "2024-05-01T10:00:00"]


@pytest.mark.parametrize("text", TEXTS)
def test_a_text_without_a_time_s_separators_does_not_parse(text):
    """What ``_leaf`` skips without parsing is what ``parse_rfc3339`` refuses (ValueError)."""
    if not (text[4:5] == "-" and text[10:11] in alike._T):
        with pytest.raises(ValueError):
            parse_rfc3339(text)


def test_times_and_texts_move_as_parsing_them_all_moves_them():
    """Times a minute apart move by the minute; texts that are no times are left to the shift (none here)."""
    a, b, c = "2024-05-01T10:00:00Z", "2024-05-01T10:01:00Z", "2024-05-01T10:02:00Z"
    assert alike._leaf(a, b, c, 3, None) == "2024-05-01T10:05:00Z"
    with pytest.raises(alike.NotAlike, match="a text changed"):
        alike._leaf("x 2024-05-01T10:00:00Z", "x 2024-05-01T10:01:00Z", "x 2024-05-01T10:02:00Z", 1, None)
    with pytest.raises(alike.NotAlike, match="a time moved unevenly"):
        alike._leaf(a, b, "2024-05-01T10:03:00Z", 1, None)

from fractions import Fraction

import pytest

from minikctl.kube.quantity import ERR_FORMAT_WRONG, ERR_SUFFIX, canonical, is_quantity, parse_quantity


@pytest.mark.parametrize(
    "text,value",
    [
        ("500m", Fraction(1, 2)),
        ("1", Fraction(1)),
        ("1.5", Fraction(3, 2)),
        ("128Mi", Fraction(128 * 2**20)),
        ("1Gi", Fraction(2**30)),
        ("1k", Fraction(1000)),
        ("2M", Fraction(2_000_000)),
        ("1e3", Fraction(1000)),
        ("1E3", Fraction(1000)),
        ("1.5e-3", Fraction(3, 2000)),
        ("10u", Fraction(1, 100000)),
        ("3n", Fraction(3, 10**9)),
        (".5", Fraction(1, 2)),
        ("-1.5", Fraction(-3, 2)),
        ("0.9n", Fraction(1, 10**9)),  # rounded up to a whole nano
        ("8Ei", Fraction(2**63 - 1)),  # binary SI is capped at int64
        (2, Fraction(2)),
        (0.25, Fraction(1, 4)),
    ],
)
def test_parse_values(text, value):
    assert parse_quantity(text) == value


@pytest.mark.parametrize(
    "text,canon",
    [
        ("1.5", "1500m"),
        ("1.5Gi", "1536Mi"),
        ("0.5Gi", "512Mi"),
        ("1024Ki", "1Mi"),
        ("1.1Ki", "1126400m"),
        ("500m", "500m"),
        ("2000m", "2"),
        ("1000", "1k"),
        ("1200", "1200"),
        ("0.1", "100m"),
        ("1.0", "1"),
        ("128Mi", "128Mi"),
        ("1e3", "1e3"),
        ("12e6", "12e6"),
        ("1000E", "1e21"),
        ("0", "0"),
        ("0Mi", "0"),
        ("-1.5", "-1500m"),
        (0.5, "500m"),
        (1000, "1k"),
    ],
)
def test_canonical(text, canon):
    assert canonical(text) == canon


@pytest.mark.parametrize("bad", ["", "abc", "1.5x", "1e", "1Kb", "1 Gi", "1i", "--1", "1K"])
def test_invalid(bad):
    assert not is_quantity(bad)
    with pytest.raises(ValueError):
        parse_quantity(bad)


def test_error_texts():
    with pytest.raises(ValueError, match="^quantities must match the regular expression"):
        parse_quantity("1.5x")
    assert ERR_FORMAT_WRONG.endswith("'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    with pytest.raises(ValueError) as e:
        parse_quantity("1K")
    assert str(e.value) == ERR_SUFFIX


def test_valid():
    for good in ["1", "100m", "64Mi", "1e3", "+1", "1.G"]:
        assert is_quantity(good)

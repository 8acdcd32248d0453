"""Kubernetes ``resource.Quantity``: parsing and canonical printing.

Values are exact ``fractions.Fraction`` numbers. The parser follows the grammar
of apimachinery's quantity type::

    <quantity> ::= <sign>? <number> <suffix>
    <number>   ::= digits | digits "." digits? | "." digits
    <suffix>   ::= "" | n u m k M G T P E          (decimal SI)
                 | Ki Mi Gi Ti Pi Ei               (binary SI)
                 | ("e" | "E") <sign>? digits      (decimal exponent)

Non-zero values finer than one nano are rounded away from zero to the next
nano; binary-SI values are capped at 2**63-1. ``canonical`` gives the string
the API server (and so ``kubectl get -o yaml`` / ``describe``) prints: the
largest suffix that keeps an integer mantissa (``1.5`` -> ``1500m``,
``1.5Gi`` -> ``1536Mi``), or the input itself when it was already in the
short canonical shape the API server keeps verbatim.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

__all__ = [
    "QUANTITY_REGEX",
    "ERR_FORMAT_WRONG",
    "ERR_NUMERIC",
    "ERR_SUFFIX",
    "Quantity",
    "parse",
    "parse_quantity",
    "canonical",
    "is_quantity",
]

QUANTITY_REGEX = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = "quantities must match the regular expression '" + QUANTITY_REGEX + "'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

_DEC_SUFFIX = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DEC_BY_EXP = {v: k for k, v in _DEC_SUFFIX.items()}
_BIN_SUFFIX = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_BIN_BY_POW = {0: "", 1: "Ki", 2: "Mi", 3: "Gi", 4: "Ti", 5: "Pi", 6: "Ei"}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_DIGITS = frozenset("0123456789")
_NANO = Fraction(1, 10**9)
_MAX_INT64 = 2**63 - 1


class Quantity:
    """A parsed quantity: exact ``value``, the suffix ``format`` and, when the
    API server would keep the input string as is, that string."""

    __slots__ = ("value", "format", "_kept")

    def __init__(self, value: Fraction, format: str = DECIMAL_SI, kept: str | None = None) -> None:
        self.value = value
        self.format = format
        self._kept = kept

    def __str__(self) -> str:
        if self._kept is not None:
            return self._kept
        return _canonical_string(self.value, self.format)

    def __repr__(self) -> str:
        return f"Quantity({str(self)!r})"


def _split(s: str) -> tuple[bool, str, str, str, str]:
    """The scanner of the Go parser: (positive, value-text, num, denom, suffix)."""
    positive = True
    pos = 0
    end = len(s)
    if pos < end and s[0] in "+-":
        positive = s[0] == "+"
        pos += 1
    # leading zeros
    while True:
        if pos >= end:
            return positive, "0", "0", "", ""
        if s[pos] == "0":
            pos += 1
        else:
            break
    start = pos
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    num = s[start:pos] or "0"
    if pos >= end:
        return positive, s, num, "", ""
    denom = ""
    if s[pos] == ".":
        pos += 1
        dstart = pos
        while pos < end and s[pos] in _DIGITS:
            pos += 1
        denom = s[dstart:pos]
        if pos >= end:
            return positive, s, num, denom, ""
    value = s[:pos]
    suffix_start = pos
    while pos < end and s[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos >= end:
        return positive, value, num, denom, s[suffix_start:]
    if s[pos] in "+-":
        pos += 1
    while pos < end:
        if s[pos] not in _DIGITS:
            raise ValueError(ERR_FORMAT_WRONG)
        pos += 1
    return positive, value, num, denom, s[suffix_start:]


def _interpret(suffix: str) -> tuple[int, int, str]:
    """(base, exponent, format) for a suffix, as the quantity suffixer reads it."""
    if suffix in _DEC_SUFFIX:
        return 10, _DEC_SUFFIX[suffix], DECIMAL_SI
    if suffix in _BIN_SUFFIX:
        return 2, _BIN_SUFFIX[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        rest = suffix[1:]
        body = rest[1:] if rest[:1] in ("+", "-") else rest
        if body and all(c in _DIGITS for c in body):
            exp = int(rest)
            if -(2**31) <= exp < 2**31:
                return 10, exp, DECIMAL_EXPONENT
    raise ValueError(ERR_SUFFIX)


def _to_text(s: str | int | float) -> str:
    if isinstance(s, bool):
        raise ValueError(ERR_FORMAT_WRONG)
    if isinstance(s, int):
        return str(s)
    if isinstance(s, float):
        if s != s or s in (float("inf"), float("-inf")):
            raise ValueError(ERR_FORMAT_WRONG)
        return str(int(s)) if s.is_integer() else repr(s)
    if isinstance(s, Quantity):
        return str(s)
    if not isinstance(s, str):
        raise ValueError(ERR_FORMAT_WRONG)
    return s.strip()


def parse(s: str | int | float) -> Quantity:
    """Parse a quantity; raises ``ValueError`` with the Go error text on bad input."""
    return _parse_text(_to_text(s))


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> Quantity:
    if not text:
        raise ValueError(ERR_FORMAT_WRONG)
    if text == "0":
        return Quantity(Fraction(0), DECIMAL_SI, "0")
    positive, value_text, num, denom, suffix = _split(text)
    base, exponent, fmt = _interpret(suffix)

    digits = num + denom
    mag = Fraction(int(digits)) / (10 ** len(denom))
    if base == 10:
        mag = mag * (Fraction(10) ** exponent)
    else:
        mag = mag * (2**exponent)

    kept: str | None = None
    # The API server keeps the caller's string when it is already canonical
    # (int64 fast path of ParseQuantity).
    if fmt == BINARY_SI:
        if not denom and len(num) + int(exponent * 3 / 10) + 1 <= 15:
            ival = int(digits)
            if exponent % 10 == 0 and (ival & 7) != 0:
                kept = text
    else:
        scale = exponent - len(denom)
        if 18 - len(digits) >= 0 and scale >= -9:
            if scale % 3 == 0 and not digits.endswith("000") and digits[0] != "0":
                kept = text

    if mag != 0:
        q = mag / _NANO
        if q.denominator != 1:  # round away from zero to the next nano
            mag = (q.numerator // q.denominator + 1) * _NANO
    if fmt == BINARY_SI and mag > _MAX_INT64:
        mag = Fraction(_MAX_INT64)
        kept = None
    if fmt == BINARY_SI and 0 < mag < 1:
        fmt = DECIMAL_SI
    value = mag if positive else -mag
    return Quantity(value, fmt, kept)


def parse_quantity(s: str | int | float) -> Fraction:
    """The exact value of a quantity string (``"500m"`` -> ``Fraction(1, 2)``)."""
    return parse(s).value


def is_quantity(s: object) -> bool:
    try:
        parse(s)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def canonical(s: str | int | float) -> str:
    """The string the API server stores for a quantity (``"0.5"`` -> ``"500m"``)."""
    return str(parse(s))


def _canonical_string(value: Fraction, fmt: str) -> str:
    if value == 0:
        return "0"
    if fmt == BINARY_SI:
        if -1024 < value < 1024 or value.denominator != 1:
            fmt = DECIMAL_SI
    sign = "-" if value < 0 else ""
    mag = -value if value < 0 else value
    if fmt == BINARY_SI:
        n = int(mag)
        p = 0
        while p < 6 and n % 1024 == 0:
            n //= 1024
            p += 1
        return f"{sign}{n}{_BIN_BY_POW[p]}"
    # decimal: mantissa * 10**exp, exp a multiple of 3, as large as possible
    exp = 0
    while mag.denominator != 1:
        mag *= 1000
        exp -= 3
    n = mag.numerator
    while n % 1000 == 0 and n != 0:
        n //= 1000
        exp += 3
    if fmt == DECIMAL_SI and exp in _DEC_BY_EXP:
        return f"{sign}{n}{_DEC_BY_EXP[exp]}"
    if exp == 0:
        return f"{sign}{n}"
    return f"{sign}{n}e{exp}"

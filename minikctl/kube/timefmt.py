"""Durations and timestamps the way Kubernetes and Go print and parse them.

* ``human_duration``: apimachinery ``duration.HumanDuration`` (AGE columns, "(5m ago)").
* ``parse_go_duration`` / ``format_go_duration``: Go ``time.ParseDuration`` and
  ``Duration.String()``; durations are carried as integer milliseconds.
* ``rfc3339`` / ``rfc3339_micro`` / ``parse_rfc3339`` / ``rfc1123z``: metav1.Time,
  metav1.MicroTime and describe's timestamp format.  Times are integer milliseconds
  since the Unix epoch, always rendered in UTC.

Everything here is pure arithmetic: no wall clock, no locale.
"""

from __future__ import annotations

import functools

import datetime as _dt

NS_PER_US = 1_000
NS_PER_MS = 1_000_000
NS_PER_S = 1_000_000_000
NS_PER_MIN = 60 * NS_PER_S
NS_PER_H = 60 * NS_PER_MIN
_MAX_INT64 = (1 << 63) - 1
# The last instant a metav1.Time can hold: Go's Time.MarshalJSON refuses years past 9999 (RFC 3339 has four
# digits). The virtual clock stops there, and anything due later never happens.
MAX_CLOCK_MS = 253_402_300_799_000  # 9999-12-31T23:59:59Z

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


# ---------------------------------------------------------------------------
# HumanDuration


def _to_ns(seconds: float) -> int:
    if isinstance(seconds, int):
        return seconds * NS_PER_S
    return int(round(seconds * NS_PER_S))


def _go_div(a: int, b: int) -> int:
    """Go integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


class Later:
    """"Now" while a printed row is computed on write (store/rows.py): the row function's ``now_ms - t`` is an
    ``Elapsed`` instead of a number, and ``human_duration`` of it is a placeholder that ``fill_times`` formats
    when the row is read, at that read's now. Any other use of it (a comparison, ``int()``) raises TypeError: the
    row is then computed from the object at read time."""

    __slots__ = ()

    def __sub__(self, since):
        if type(since) is not int:
            raise TypeError("a printed row's time must be integer milliseconds")
        return Elapsed(since, 1)


class Elapsed:
    """``(now - since) / div`` not yet evaluated (see ``Later``)."""

    __slots__ = ("since", "div")

    def __init__(self, since: int, div) -> None:
        self.since = since
        self.div = div

    def __truediv__(self, div):
        if type(div) not in (int, float):
            raise TypeError("bad divisor")
        return Elapsed(self.since, self.div * div)


TIME_MARK = "\x00"  # a placeholder's delimiters: stored bodies never hold a raw NUL in a row (store/rows.py)


def fill_times(cell: str, now_ms: int) -> str:
    """A stored cell with ``human_duration`` placeholders (``\\0since/div\\0``) formatted at ``now_ms``."""
    parts = cell.split(TIME_MARK)
    for i in range(1, len(parts), 2):
        since, _, div = parts[i].partition("/")
        parts[i] = human_duration((now_ms - int(since)) / float(div) if "." in div else
                                  (now_ms - int(since)) / int(div) if div != "1" else now_ms - int(since))
    return "".join(parts)


def human_duration(seconds: float) -> str:
    """apimachinery HumanDuration of an elapsed time given in seconds."""
    if type(seconds) is Elapsed:
        return f"{TIME_MARK}{seconds.since}/{seconds.div!r}{TIME_MARK}"
    d = _to_ns(seconds)
    secs = _go_div(d, NS_PER_S)
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 60 * 2:
        return f"{secs}s"
    minutes = d // NS_PER_MIN
    if minutes < 10:
        s = (d // NS_PER_S) % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = d // NS_PER_H
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if dy == 0 else f"{years}y{dy}d"
    return f"{hours // 24 // 365}y"


def short_human_duration(seconds: float) -> str:
    """apimachinery ShortHumanDuration (``59s``, ``1m``, ``23h``, ``1d``, ``1y``)."""
    d = _to_ns(seconds)
    secs = _go_div(d, NS_PER_S)
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 60:
        return f"{secs}s"
    minutes = d // NS_PER_MIN
    if minutes < 60:
        return f"{minutes}m"
    hours = d // NS_PER_H
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{hours // 24 // 365}y"


# ---------------------------------------------------------------------------
# Go time.ParseDuration / Duration.String

_UNITS = {
    "ns": 1,
    "us": NS_PER_US,
    "\u00b5s": NS_PER_US,  # micro sign
    "\u03bcs": NS_PER_US,  # Greek mu
    "ms": NS_PER_MS,
    "s": NS_PER_S,
    "m": NS_PER_MIN,
    "h": NS_PER_H,
}


def _go_quote(s: str) -> str:
    from minikctl.kube.errors import go_quote

    return go_quote(s)


def parse_go_duration_ns(s: str) -> int:
    """Go ``time.ParseDuration``, result in nanoseconds.  Raises ``ValueError`` with Go's text."""
    orig = s
    bad = f"time: invalid duration {_go_quote(orig)}"
    neg = False
    if s and s[0] in "+-":
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if s == "":
        raise ValueError(bad)
    total = 0
    while s:
        if not (s[0] == "." or s[0].isascii() and s[0].isdigit()):
            raise ValueError(bad)
        i = 0
        while i < len(s) and s[i].isascii() and s[i].isdigit():
            i += 1
        int_part = s[:i]
        s = s[i:]
        frac_part = ""
        if s.startswith("."):
            s = s[1:]
            j = 0
            while j < len(s) and s[j].isascii() and s[j].isdigit():
                j += 1
            frac_part = s[:j]
            s = s[j:]
            if int_part == "" and frac_part == "":
                raise ValueError(bad)  # "." alone
        j = 0
        while j < len(s) and s[j] != "." and not (s[j].isascii() and s[j].isdigit()):
            j += 1
        if j == 0:
            raise ValueError(f"time: missing unit in duration {_go_quote(orig)}")
        unit_s = s[:j]
        s = s[j:]
        if unit_s not in _UNITS:
            raise ValueError(f"time: unknown unit {_go_quote(unit_s)} in duration {_go_quote(orig)}")
        unit = _UNITS[unit_s]
        v = int(int_part or "0")
        if v > (1 << 63) // unit:
            raise ValueError(bad)
        v *= unit
        if frac_part:
            # Go keeps the fraction as a float64 scaled by the unit and truncates.
            v += int(float("0." + frac_part) * unit)
        if v > 1 << 63:
            raise ValueError(bad)
        total += v
        if total > 1 << 63:
            raise ValueError(bad)
    if neg:
        return -total
    if total > _MAX_INT64:
        raise ValueError(bad)
    return total


def parse_go_duration(s: str) -> int:
    """Go ``time.ParseDuration`` in milliseconds (truncated toward zero, like ``d.Milliseconds()``)."""
    return _go_div(parse_go_duration_ns(s), NS_PER_MS)


def _fmt_frac(v: int, prec: int) -> tuple[str, int]:
    """Go's fmtFrac: fractional digits of v/10**prec, trailing zeros removed."""
    digits = []
    printed = False
    for _ in range(prec):
        digit = v % 10
        printed = printed or digit != 0
        if printed:
            digits.append(str(digit))
        v //= 10
    frac = ""
    if printed:
        frac = "." + "".join(reversed(digits))
    return frac, v


def format_go_duration_ns(ns: int) -> str:
    """Go ``time.Duration.String()`` for a duration in nanoseconds."""
    neg = ns < 0
    u = -ns if neg else ns
    sign = "-" if neg else ""
    if u < NS_PER_S:
        if u == 0:
            return "0s"
        if u < NS_PER_US:
            return f"{sign}{u}ns"
        if u < NS_PER_MS:
            frac, whole = _fmt_frac(u, 3)
            return f"{sign}{whole}{frac}\u00b5s"
        frac, whole = _fmt_frac(u, 6)
        return f"{sign}{whole}{frac}ms"
    frac, whole_s = _fmt_frac(u, 9)
    out = f"{whole_s % 60}{frac}s"
    mins = whole_s // 60
    if mins > 0:
        out = f"{mins % 60}m" + out
        hours = mins // 60
        if hours > 0:
            out = f"{hours}h" + out
    return sign + out


def format_go_duration(ms: int) -> str:
    """Go ``time.Duration.String()`` for a duration in milliseconds (``1m30s``, ``1h0m0s``, ``500ms``)."""
    return format_go_duration_ns(int(ms) * NS_PER_MS)


# ---------------------------------------------------------------------------
# Timestamps


_MIN_MS = -62_135_596_800_000  # 0001-01-01T00:00:00Z


def _to_datetime(ms: int) -> _dt.datetime:
    # a time past what RFC 3339 can write (a grace period of 2^63 seconds) is written as the last one
    return _EPOCH + _dt.timedelta(milliseconds=min(max(int(ms), _MIN_MS), MAX_CLOCK_MS))


@functools.lru_cache(maxsize=4096)
def rfc3339(ms: int) -> str:
    """metav1.Time serialisation: ``2025-01-01T00:00:00Z`` (seconds precision, UTC)."""
    t = _to_datetime(ms)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"


def rfc3339_micro(ms: int) -> str:
    """metav1.MicroTime serialisation: ``2025-01-01T00:00:00.123000Z``."""
    t = _to_datetime(ms)
    return (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
        f".{t.microsecond:06d}Z"
    )


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc1123z(ms: int) -> str:
    """Go ``time.RFC1123Z`` in UTC: ``Mon, 02 Jan 2006 15:04:05 +0000``."""
    t = _to_datetime(ms)
    return (
        f"{_DAYS[t.weekday()]}, {t.day:02d} {_MONTHS[t.month - 1]} {t.year:04d} "
        f"{t.hour:02d}:{t.minute:02d}:{t.second:02d} +0000"
    )


def _parse_error(s: str, elem: str = "", value: str = "") -> ValueError:
    layout = "2006-01-02T15:04:05Z07:00"
    if elem:
        return ValueError(
            f'parsing time {_go_quote(s)} as "{layout}": cannot parse {_go_quote(value)} as "{elem}"'
        )
    return ValueError(f'parsing time {_go_quote(s)} as "{layout}": cannot parse')


@functools.lru_cache(maxsize=4096)
def parse_rfc3339(s: str) -> int:
    """Parse an RFC 3339 timestamp (``Z`` or ``±hh:mm``, optional fraction) to epoch milliseconds.

    Fractions finer than a millisecond are truncated.  Raises ``ValueError``.
    """
    def digits(pos: int, n: int, elem: str) -> int:
        part = s[pos : pos + n]
        if len(part) != n or not (part.isascii() and part.isdigit()):
            raise _parse_error(s, elem, s[pos:])
        return int(part)

    def expect(pos: int, ch: str, elem: str) -> None:
        if s[pos : pos + 1] != ch:
            raise _parse_error(s, elem, s[pos:])

    year = digits(0, 4, "2006")
    expect(4, "-", "-")
    month = digits(5, 2, "01")
    expect(7, "-", "-")
    day = digits(8, 2, "02")
    if s[10:11] not in ("T", "t"):
        raise _parse_error(s, "T", s[10:])
    hour = digits(11, 2, "15")
    expect(13, ":", ":")
    minute = digits(14, 2, "04")
    expect(16, ":", ":")
    second = digits(17, 2, "05")
    pos = 19
    frac_ms = 0
    if s[pos : pos + 1] in (".", ","):
        j = pos + 1
        while j < len(s) and s[j].isascii() and s[j].isdigit():
            j += 1
        frac = s[pos + 1 : j]
        if not frac:
            raise _parse_error(s, "Z07:00", s[pos:])
        frac_ms = int((frac + "000")[:3])
        pos = j
    rest = s[pos:]
    if rest in ("Z", "z"):
        offset_min = 0
    elif len(rest) == 6 and rest[0] in "+-" and rest[3] == ":" and rest[1:3].isdigit() and rest[4:6].isdigit():
        offset_min = int(rest[1:3]) * 60 + int(rest[4:6])
        if int(rest[1:3]) >= 24 or int(rest[4:6]) >= 60:
            raise ValueError(f"parsing time {_go_quote(s)}: time zone offset hour out of range")
        if rest[0] == "-":
            offset_min = -offset_min
    else:
        raise _parse_error(s, "Z07:00", rest)
    try:
        t = _dt.datetime(year, month, day, hour, minute, second, tzinfo=_dt.timezone.utc)
    except ValueError:
        field = "month" if not 1 <= month <= 12 else "day" if hour < 24 and minute < 60 and second < 60 else ""
        if not field:
            field = "hour" if hour >= 24 else "minute" if minute >= 60 else "second"
        raise ValueError(f"parsing time {_go_quote(s)}: {field} out of range") from None
    delta = t - _EPOCH
    total_ms = (delta.days * 86400 + delta.seconds) * 1000 + frac_ms
    return total_ms - offset_min * 60_000


def age(timestamp: str | None, now_ms: int) -> str:
    """The AGE cell: the human duration since an RFC 3339 time (printers.go translateTimestampSince)."""
    if not timestamp:
        return "<unknown>"
    return human_duration((now_ms - parse_rfc3339(timestamp)) / 1000.0)


# ---------------------------------------------------------------------------
# Go time.Parse(time.RFC3339, s) errors (metav1.Time's decoding)

_RFC3339_LAYOUT = "2006-01-02T15:04:05Z07:00"


@functools.lru_cache(maxsize=4096)
def rfc3339_parse_error(value: str) -> str | None:
    """The error Go's ``time.Parse(time.RFC3339, value)`` returns (what a server answers for a bad metav1.Time),
    or None when it parses. Cached: a pod's decoding checks each of its timestamps, mostly the same few."""
    from minikctl.kube.errors import go_quote

    head = f"parsing time {go_quote(value)}"

    def bad(rest: str, elem: str) -> str:
        return f'{head} as "{_RFC3339_LAYOUT}": cannot parse {go_quote(rest)} as "{elem}"'

    def digits(s: str, n: int) -> bool:
        return len(s) >= n and all("0" <= c <= "9" for c in s[:n])

    s = value
    if not digits(s, 4):
        return bad(s, "2006")
    year, s = int(s[:4]), s[4:]
    fields = []
    for sep, elem in (("-", "01"), ("-", "02"), ("T", "15"), (":", "04"), (":", "05")):
        if not s.startswith(sep):
            return bad(s, sep)
        s = s[1:]
        if not digits(s, 2):
            return bad(s, elem)
        fields.append(int(s[:2]))
        s = s[2:]
    month, day, hour, minute, second = fields
    if not 1 <= month <= 12:
        return f"{head}: month out of range"
    if len(s) >= 2 and s[0] in ".," and "0" <= s[1] <= "9":
        i = 1
        while i < len(s) and "0" <= s[i] <= "9":
            i += 1
        s = s[i:]
    if s.startswith("Z"):
        s = s[1:]
    else:
        if len(s) < 6 or s[0] not in "+-" or not digits(s[1:], 2) or s[3] != ":" or not digits(s[4:], 2):
            return bad(s, "Z07:00")
        if int(s[1:3]) >= 24:
            return f"{head}: time zone offset hour out of range"
        if int(s[4:6]) >= 60:
            return f"{head}: time zone offset minute out of range"
        s = s[6:]
    if s:
        return f"{head}: extra text: {go_quote(s)}"
    if hour >= 24:
        return f"{head}: hour out of range"
    if minute >= 60:
        return f"{head}: minute out of range"
    if second >= 60:
        return f"{head}: second out of range"
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    mdays = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    if not 1 <= day <= mdays:
        return f"{head}: day out of range"
    return None

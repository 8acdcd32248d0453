"""Cron schedules as a CronJob reads them: ``github.com/robfig/cron/v3``'s standard parser and ``Next``.

The CronJob controller (``pkg/controller/cronjob``) parses ``formatSchedule(cj)`` -- the schedule, prefixed with
``TZ=<spec.timeZone> `` when a time zone is set -- with ``cron.ParseStandard`` and asks the schedule for
``Next(t)``. This module is that parser (same fields, names, ranges, steps, ``?``, descriptors such as ``@hourly``
and ``@every 1h30m``, the same error texts, which the API server's validation prints) and that ``Next``: the
earliest whole second after ``t`` whose fields match. Times are epoch milliseconds; a schedule without a time
zone runs in UTC (the controller manager's ``time.Local`` on a cluster).

``Next`` follows ``SpecSchedule.Next`` (parser.go / spec.go of robfig/cron v3): months, then days (day of month
OR day of week when both are restricted, AND when either is ``*``), hours, minutes, seconds, restarting from the
month when a field wraps; it gives up after five years (the zero time: None here). Where the Go code steps one
minute or one second at a time, this one jumps to the next allowed value, which lands on the same instants.
Wall-clock fields in a time zone come from the system's tz database (``zoneinfo``), with Go's ``time.Date``
normalisation for times that fall in a daylight-saving gap.
"""

from __future__ import annotations

import datetime as _dt
import re

STAR = 1 << 63  # starBit: the field was "*" or "?"

# bounds (min, max, names) of minute, hour, day of month, month, day of week
_MONTHS = {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                           "nov", "dec"])}
_DAYS = {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}
BOUNDS = [(0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, _MONTHS), (0, 6, _DAYS)]
DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")


def _bits(lo: int, hi: int, step: int = 1) -> int:
    return sum(1 << i for i in range(lo, hi + 1, step))


def _all(lo: int, hi: int) -> int:
    return _bits(lo, hi) | STAR


class Schedule:
    """A parsed schedule: bit sets per field (``SpecSchedule``) or a constant delay (``@every``)."""

    __slots__ = ("second", "minute", "hour", "dom", "month", "dow", "every_s", "tz", "_memo")

    def __init__(self, minute: int = 0, hour: int = 0, dom: int = 0, month: int = 0, dow: int = 0,
                 every_s: int = 0, tz: str | None = None) -> None:
        self.second = 1  # the standard parser's seconds field is "0"
        self.minute, self.hour, self.dom, self.month, self.dow = minute, hour, dom, month, dow
        self.every_s = every_s
        self.tz = tz
        self._memo: dict[int, int | None] = {}  # second -> Next (a controller asks the same few times again)

    def next(self, t_ms: int) -> int | None:
        """Schedule.Next: the first activation time after ``t_ms`` (ms), None when there is none in five years."""
        if self.every_s:
            # ConstantDelaySchedule.Next: t rounded down to the second, plus the delay
            return (t_ms - t_ms % 1000) + self.every_s * 1000
        second = t_ms // 1000
        found = self._memo.get(second, -1)
        if found == -1:
            if len(self._memo) > 1024:
                self._memo.clear()
            found = self._memo[second] = _next(self, t_ms)
        return found


# ---- the parser --------------------------------------------------------------------------------
def _go_quote(s: str) -> str:
    from minikctl.kube.errors import go_quote

    return go_quote(s)


def _parse_int(expr: str) -> int:
    """mustParseInt: strconv.Atoi, then negative numbers refused."""
    if not re.fullmatch(r"[+-]?[0-9]+", expr):
        raise ValueError(f"failed to parse int from {expr}: strconv.Atoi: parsing {_go_quote(expr)}: invalid syntax")
    n = int(expr)
    if n < 0:
        raise ValueError(f"negative number ({n}) not allowed: {expr}")
    return n


def _range(expr: str, lo: int, hi: int, names: dict) -> int:
    """getRange: ``*``/``?``, ``N``, ``N-M``, each with an optional ``/step`` (``N/step`` means ``N-max/step``)."""
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")
    single = len(low_high) == 1
    extra = 0

    def int_or_name(x: str) -> int:
        if names and x.lower() in names:
            return names[x.lower()]
        return _parse_int(x)

    if low_high[0] in ("*", "?"):
        start, end, extra = lo, hi, STAR
    else:
        start = int_or_name(low_high[0])
        if len(low_high) == 1:
            end = start
        elif len(low_high) == 2:
            end = int_or_name(low_high[1])
        else:
            raise ValueError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _parse_int(range_and_step[1])
        if single:
            end = hi
        if step > 1:
            extra = 0
    else:
        raise ValueError(f"too many slashes: {expr}")
    if start < lo:
        raise ValueError(f"beginning of range ({start}) below minimum ({lo}): {expr}")
    if end > hi:
        raise ValueError(f"end of range ({end}) above maximum ({hi}): {expr}")
    if start > end:
        raise ValueError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise ValueError(f"step of range should be a positive number: {expr}")
    return _bits(start, end, step) | extra


def _field(expr: str, bounds: tuple) -> int:
    lo, hi, names = bounds
    bits = 0
    for part in expr.split(","):
        bits |= _range(part, lo, hi, names)
    return bits


def _every_s(descriptor: str) -> int:
    """time.ParseDuration of what follows ``@every ``, then Every(): at least a second, whole seconds."""
    from minikctl.kube.timefmt import parse_go_duration_ns

    try:
        ns = parse_go_duration_ns(descriptor[len("@every "):])
    except ValueError as e:
        raise ValueError(f"failed to parse duration {descriptor}: {e}") from None
    return max(1, ns // 1_000_000_000)


_CACHE: dict[str, Schedule] = {}


def parse(spec: str) -> Schedule:
    """cron.ParseStandard; raises ValueError with robfig/cron's message."""
    found = _CACHE.get(spec)
    if found is not None:
        return found
    sched = _parse(spec)
    if len(_CACHE) < 4096:
        _CACHE[spec] = sched
    return sched


def _parse(spec: str) -> Schedule:
    if not spec:
        raise ValueError("empty spec string")
    tz = None
    if spec.startswith("TZ=") or spec.startswith("CRON_TZ="):
        i = spec.find(" ")
        eq = spec.find("=")
        tz = spec[eq + 1:i] if i >= 0 else spec[eq + 1:]
        if zone(tz) is None and tz not in ("", "UTC"):
            raise ValueError(f"provided bad location {tz}: unknown time zone {tz}")
        spec = spec[i:].strip() if i >= 0 else ""
    if spec.startswith("@"):
        return _descriptor(spec, tz)
    fields = spec.split()
    if len(fields) != 5:
        raise ValueError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    minute, hour, dom, month, dow = (_field(f, b) for f, b in zip(fields, BOUNDS))
    return Schedule(minute, hour, dom, month, dow, tz=tz)


def _descriptor(spec: str, tz: str | None) -> Schedule:
    """parseDescriptor."""
    minutes, hours, doms, months, dows = (_all(lo, hi) for lo, hi, _ in BOUNDS)
    if spec in ("@yearly", "@annually"):
        return Schedule(1, 1, 1 << 1, 1 << 1, dows, tz=tz)
    if spec == "@monthly":
        return Schedule(1, 1, 1 << 1, months, dows, tz=tz)
    if spec == "@weekly":
        return Schedule(1, 1, doms, months, 1, tz=tz)
    if spec in ("@daily", "@midnight"):
        return Schedule(1, 1, doms, months, dows, tz=tz)
    if spec == "@hourly":
        return Schedule(1, hours, doms, months, dows, tz=tz)
    if spec.startswith("@every "):
        return Schedule(every_s=_every_s(spec), tz=tz)
    raise ValueError(f"unrecognized descriptor: {spec}")


def parse_error(spec: str) -> str:
    """The error text of cron.ParseStandard, or "" when the schedule parses (the API server's validation)."""
    try:
        parse(spec)
    except ValueError as e:
        return str(e)
    return ""


# ---- time zones and wall clocks -------------------------------------------------------------------
_ZONES: dict[str, object] = {}


def zone(name: str | None):
    """time.LoadLocation: a tzinfo, or None for an unknown zone ("" and "UTC" are UTC)."""
    if not name or name == "UTC":
        return _dt.timezone.utc
    if name in _ZONES:
        return _ZONES[name]
    found = None
    if name.lower() != "local":
        try:
            import zoneinfo

            found = zoneinfo.ZoneInfo(name)
        except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
            found = None
    _ZONES[name] = found
    return found


_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()


class _Clock:
    """Wall-clock fields of epoch seconds in one zone, and Go's time.Date back to epoch seconds."""

    def __init__(self, tz) -> None:
        self.tz = tz
        self.utc = tz is _dt.timezone.utc

    def wall(self, unix: int) -> tuple[int, int, int, int, int, int, int]:
        """(year, month, day, hour, minute, second, weekday with Sunday=0)."""
        if self.utc:
            days, rem = divmod(unix, 86400)
            d = _dt.date.fromordinal(days + _EPOCH_ORDINAL)
            h, rem = divmod(rem, 3600)
            return d.year, d.month, d.day, h, rem // 60, rem % 60, (days + 4) % 7
        t = _dt.datetime.fromtimestamp(unix, self.tz)
        return t.year, t.month, t.day, t.hour, t.minute, t.second, (t.weekday() + 1) % 7

    def _offset(self, unix: int) -> int:
        return int(_dt.datetime.fromtimestamp(unix, self.tz).utcoffset().total_seconds())

    def date(self, year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
        """time.Date(year, month, day, hour, minute, second, 0, loc), out-of-range fields normalised."""
        y, m = year + (month - 1) // 12, (month - 1) % 12 + 1
        days = _dt.date(y, m, 1).toordinal() - _EPOCH_ORDINAL + day - 1
        unix = days * 86400 + hour * 3600 + minute * 60 + second
        if self.utc:
            return unix
        # look up the zone offset for the wall time taken as UTC, then again at the adjusted instant
        offset = self._offset(unix)
        if offset:
            offset = self._offset(unix - offset)
        return unix - offset


_CLOCKS: dict[object, _Clock] = {}


def _clock(tz_name: str | None) -> _Clock:
    tz = zone(tz_name) or _dt.timezone.utc
    c = _CLOCKS.get(tz)
    if c is None:
        c = _CLOCKS[tz] = _Clock(tz)
    return c


def _day_matches(s: Schedule, day: int, weekday: int) -> bool:
    dom_match = (1 << day) & s.dom != 0
    dow_match = (1 << weekday) & s.dow != 0
    if s.dom & STAR or s.dow & STAR:
        return dom_match and dow_match
    return dom_match or dow_match


def _next_bit(bits: int, start: int, hi: int) -> int | None:
    for i in range(start, hi + 1):
        if (1 << i) & bits:
            return i
    return None


def _next(s: Schedule, t_ms: int) -> int | None:
    c = _clock(s.tz)
    unix = t_ms // 1000 + 1  # the upcoming second
    added = False
    year_limit = c.wall(unix)[0] + 5
    while True:  # WRAP
        y, mo, d, h, mi, sec, wd = c.wall(unix)
        if y > year_limit:
            return None
        wrapped = False
        while not (1 << mo) & s.month:
            if not added:
                added = True
                unix = c.date(y, mo, 1)
                y, mo, d, h, mi, sec, wd = c.wall(unix)
            unix = c.date(y, mo + 1, d, h, mi, sec)  # AddDate(0, 1, 0)
            y, mo, d, h, mi, sec, wd = c.wall(unix)
            if mo == 1:
                wrapped = True
                break
        if wrapped:
            continue
        while not _day_matches(s, d, wd):
            if not added:
                added = True
                unix = c.date(y, mo, d)
                y, mo, d, h, mi, sec, wd = c.wall(unix)
            unix = c.date(y, mo, d + 1, h, mi, sec)  # AddDate(0, 0, 1)
            y, mo, d, h, mi, sec, wd = c.wall(unix)
            if h != 0:  # daylight saving moved midnight
                unix += (24 - h) * 3600 if h > 12 else -h * 3600
                y, mo, d, h, mi, sec, wd = c.wall(unix)
            if d == 1:
                wrapped = True
                break
        if wrapped:
            continue
        while not (1 << h) & s.hour:
            if not added:
                added = True
                unix = c.date(y, mo, d, h)
            unix += 3600
            y, mo, d, h, mi, sec, wd = c.wall(unix)
            if h == 0:
                wrapped = True
                break
        if wrapped:
            continue
        if not (1 << mi) & s.minute:
            if not added:
                added = True
                unix -= unix % 60  # Truncate(time.Minute)
                sec = 0
            nxt = _next_bit(s.minute, mi + 1, 59)
            if nxt is None:  # the minutes wrap to 0: start over from the month
                unix += (60 - mi) * 60
                continue
            unix += (nxt - mi) * 60
            mi = nxt
        if not (1 << sec) & s.second:
            # the seconds field is 0: step to the next whole minute, which wraps the seconds
            unix += 60 - sec
            continue
        return unix * 1000

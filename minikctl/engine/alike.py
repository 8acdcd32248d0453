"""The store at three consecutive minute boundaries, and what the two minutes between them did alike.

Two skips over minutes that repeat themselves learn from this comparison (engine/cronskip.py: CronJobs scheduled
every minute; engine/flapskip.py: readiness that flaps): each reads the store at minute boundaries (``State``),
compares two consecutive minutes value by value (``ahead``: a number, a resourceVersion, an RFC 3339 time moved
by the same amount in both, a text whose names and uids moved with their counters, ``Shift``), and writes the
store as many minutes on as the advance allows. Anything not alike raises ``NotAlike`` (``UNLIKE`` also catches
what a body of an unexpected shape raises): the caller then steps the minutes.
"""

from __future__ import annotations

import json
import os
import re

from minikctl.kube import jsontext
from minikctl.kube.timefmt import parse_rfc3339, rfc3339

MINUTE = 60_000
EVENT_NAME_COUNTER = 1_000_000  # the event counter's part of an event's name (store/events.py event_name)
IGNORED_META = ("changes:oldest", "checked_revision")  # the change log's compaction and the store's own checks
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
dumps = jsontext.encoder()  # json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode
# the values that move found in the texts (``text_moves``) rather than in the decoded trees; MINIKCTL_NO_TEXT_MOVES=1
# decodes them all (tests/unit/test_flap_skip.py compares the two)
TEXT_MOVES = os.environ.get("MINIKCTL_NO_TEXT_MOVES", "") in ("", "0")
# the events a jump writes filled into a text made once per learned event (``Shift.new_events``);
# MINIKCTL_NO_EVENT_TEXTS=1 writes each as ``Shift.new_event`` does (tests/unit/test_cronjob_skip.py compares the two)
EVENT_TEXTS = os.environ.get("MINIKCTL_NO_EVENT_TEXTS", "") in ("", "0")
# those texts' holes numbered once per skip, each spec moved once a minute into a list (``Shift._event_plan``);
# MINIKCTL_NO_PLANNED_EVENTS=1 moves them through a memo made each minute (tests/unit/test_cronjob_skip.py compares
# the two)
PLANNED_EVENTS = os.environ.get("MINIKCTL_NO_PLANNED_EVENTS", "") in ("", "0")


class NotAlike(Exception):
    """Two minutes did not move the store alike (or a skipped span would not be what stepping gives)."""


UNLIKE = (NotAlike, ValueError, KeyError, TypeError, IndexError, AttributeError)


class State:
    """The store at a minute boundary, as far as the skip reads it. ``rows``: the printed rows pending are stored
    first (they are not read here: without, each object's row is made once, for its last write, when the
    transaction ends, as stepping makes it)."""

    def __init__(self, tx, rows: bool = True) -> None:
        tx.flush(rows=rows)
        conn = tx.conn
        self.now = tx.now_ms
        self.meta = {k: v for k, v in tx.meta_items().items() if k not in IGNORED_META}
        self.objects = {(k, ns, n): (rv, body) for k, ns, n, rv, body in
                        conn.execute("SELECT kind, namespace, name, rv, body FROM objects")}
        self.runtime = {(k, ns, n): (wake, body) for k, ns, n, wake, body in
                        conn.execute("SELECT kind, namespace, name, wake_ms, body FROM runtime")}
        self.events = {(ns, n): (uid, rv, last, body) for ns, n, uid, rv, last, body in
                       conn.execute("SELECT namespace, name, involved_uid, rv, last_ms, body FROM events")}
        self.streams = {row[0]: row[1:] for row in conn.execute("SELECT id, namespace, pod FROM log_streams")}
        self.revision = tx.revision()


def counter(meta: dict, name: str) -> int:
    return int(meta.get("counter:" + name, "0"))


class Names:
    """The uids and name suffixes the counters gave, both ways (one skip reads them at every learned minute)."""

    def __init__(self, tx) -> None:
        self.tx = tx
        self.uid_of: dict[int, str] = {}
        self.suffix_of: dict[int, str] = {}
        self.uids: dict[str, int] = {}
        self.suffixes: dict[str, int] = {}

    def cover(self, uid_lo: int, uid_hi: int, suffix_lo: int, suffix_hi: int) -> None:
        for u in range(max(1, uid_lo), uid_hi + 1):
            if u not in self.uid_of:
                text = self.uid_of[u] = self.tx.uid_at(u)
                self.uids[text] = u
        for u in range(max(1, suffix_lo), suffix_hi + 1):
            if u not in self.suffix_of:
                text = self.suffix_of[u] = self.tx.suffix_at(u)
                self.suffixes[text] = u

    def uid_at(self, u: int) -> str:
        text = self.uid_of.get(u)
        if text is None:
            text = self.uid_of[u] = self.tx.uid_at(u)
        return text

    def suffix_at(self, u: int) -> str:
        text = self.suffix_of.get(u)
        if text is None:
            text = self.suffix_of[u] = self.tx.suffix_at(u)
        return text


def split_tokens(text: str, pattern, spec) -> list:
    """``text`` cut at the matches of ``pattern`` that ``spec`` gives a spec for (what moves them): the texts
    between them and their specs in turn, a text first and last (``[text]`` when none moves)."""
    parts = []
    at = 0
    for m in pattern.finditer(text):
        found = spec(m.group(0))
        if found is not None:
            parts.append(text[at:m.start()])
            parts.append(found)
            at = m.end()
    parts.append(text[at:])
    return parts


class Shift:
    """Names and uids n minutes later: a uid or name suffix the counters gave moves with its counter, a scheduled
    Job's name (``<cronjob>-<minutes since the epoch>``) with its minute."""

    WINDOW = 12  # minutes of counters back that names may come from (a Job lives for its history limit's minutes)

    def __init__(self, names: Names, s1: "State", s2: "State", cronjobs: list[str], window: int = 0) -> None:
        if window > self.WINDOW:  # a Job lives for longer (engine/cronskip.py: its CronJob's history limits)
            self.WINDOW = window
        self.du = counter(s2.meta, "uid") - counter(s1.meta, "uid")
        self.ds = counter(s2.meta, "suffix") - counter(s1.meta, "suffix")
        self.de = counter(s2.meta, "event") - counter(s1.meta, "event")
        self.dr = s2.revision - s1.revision
        u2, s2_ = counter(s2.meta, "uid"), counter(s2.meta, "suffix")
        names.cover(u2 - self.WINDOW * self.du, u2, s2_ - self.WINDOW * self.ds, s2_)
        self.names = names
        self.uids = {text: u for text, u in names.uids.items() if u > u2 - self.WINDOW * self.du}
        self.suffixes = {text: u for text, u in names.suffixes.items() if u > s2_ - self.WINDOW * self.ds}
        self.cronjobs = set(cronjobs)
        self._minute = s2.now // MINUTE
        self._texts: dict[str, list] = {}  # a text -> its parts: the texts between tokens, and the tokens' specs
        self._specs: dict[str, tuple | None] = {}  # a token -> its spec (``_spec``)
        self._events: dict[str, tuple] = {}  # a learned event's stored body -> its decoded and checked array,
        # and its items' texts
        self._event_texts: dict[tuple, tuple] = {}  # a learned event (key, row) -> its text (``_event_text``)
        self._event_plans: dict[tuple, tuple] = {}  # a learned event (key, row) -> ``_event_plan``
        self._plan_specs: list = []  # the specs of the planned events' holes, numbered
        self._plan_index: dict = {}  # spec -> its number

    def uid(self, text: str, n: int) -> str:
        u = self.uids.get(text)
        return text if u is None else self.names.uid_at(u + n * self.du)

    def _spec(self, text: str):
        """What a token is, as ``token`` moves it: ("u", uid counter), ("j", cronjob, minute) for a Job's name,
        ("p", cronjob, minute, suffix counter) for its pod's, or None (a token that stays)."""
        u = self.uids.get(text)
        if u is not None:
            return ("u", u)
        # <cronjob>-<minute> (a Job) or <cronjob>-<minute>-<suffix> (its pod; a suffix may be all digits)
        head, _, last = text.rpartition("-")
        if head in self.cronjobs and last.isdigit() and abs(int(last) - self._minute) <= self.WINDOW:
            return ("j", head, int(last))
        cronjob, _, minute = head.rpartition("-")
        s = self.suffixes.get(last)
        if cronjob in self.cronjobs and minute.isdigit() and s is not None \
                and abs(int(minute) - self._minute) <= self.WINDOW:
            return ("p", cronjob, int(minute), s)
        return None

    def _moved(self, spec: tuple, n: int) -> str:
        if spec[0] == "u":
            return self.names.uid_at(spec[1] + n * self.du)
        if spec[0] == "j":
            return f"{spec[1]}-{spec[2] + n}"
        return f"{spec[1]}-{spec[2] + n}-{self.names.suffix_at(spec[3] + n * self.ds)}"

    def _token_spec(self, text: str):
        try:
            return self._specs[text]
        except KeyError:
            spec = self._specs[text] = self._spec(text)
            return spec

    def token(self, text: str, n: int) -> str:
        if n == 0:
            return text
        spec = self._token_spec(text)
        return text if spec is None else self._moved(spec, n)

    def _uid_spec(self, text: str):
        """What ``uid`` moves ``text`` by (a spec of ``_moved``), or None."""
        u = self.uids.get(text)
        return None if u is None else ("u", u)

    def _text_parts(self, text: str) -> list:
        """The texts between the tokens that move and the tokens' specs (``_spec``), read once per skip."""
        parts = self._texts.get(text)
        if parts is None:
            parts = split_tokens(text, TOKEN, self._spec)
            if len(self._texts) >= 100_000:
                self._texts.clear()
            self._texts[text] = parts
        return parts

    def text(self, text: str, n: int) -> str:
        """The text with every token moved n minutes on (``token``)."""
        if not n:
            return text
        parts = self._text_parts(text)
        if len(parts) == 1:
            return text
        return "".join(p if type(p) is str else self._moved(p, n) for p in parts)

    def event_name(self, name: str, n: int) -> str:
        """``<involved object>.<hex of the time in ns + the event counter>`` n minutes later."""
        head, _, hexed = name.rpartition(".")
        value = int(hexed, 16)
        at, count = divmod(value, EVENT_NAME_COUNTER)
        value = (at + n * MINUTE) * EVENT_NAME_COUNTER + (count + n * self.de) % EVENT_NAME_COUNTER
        return f"{self.token(head, n)}.{value:x}"

    def new_event(self, key: tuple, row: tuple, n: int) -> tuple:
        """An event first written in a learned minute, as the minute n later writes it."""
        ns, name = key
        uid, rv, last, body = row
        found = self._events.get(body)
        if found is None:
            b = json.loads(body)
            if type(b) is not list or b[0] != 0:
                raise NotAlike("an event of another shape")
            if not b[13].isdigit():
                raise NotAlike("an event's involved resourceVersion")
            # the array's text is its items' texts joined (the store's encoder writes a list so): only the items
            # that move are encoded again for each minute
            # (the involved object's resourceVersion, a string of digits, as a number: its text n minutes on is
            # that number moved, quoted, as the encoder writes a string of digits)
            found = self._events[body] = (b, [dumps(x) for x in b], int(b[13]))
        b, items, involved_rv = found
        items = items.copy()
        items[1] = dumps(self.uid(b[1], n))
        items[7] = dumps(self.text(b[7], n))
        if b[12] != 0:
            items[12] = dumps(self.token(b[12], n))
        items[13] = f'"{involved_rv + n * self.dr}"'
        return (ns, self.event_name(name, n)), (self.uid(uid, n), rv + n * self.dr, last + n * MINUTE,
                                                "[" + ",".join(items) + "]")

    # ---- the same, from a text made once per learned event -------------------------------------------------------
    def _count_key(self, count: int):
        """What ``_counts(n)`` takes for an event name's counter part ``count`` (``event_name``)."""
        return count

    def _counts(self, n: int):
        """key -> the event counter (before its modulo) that ``event_name`` gives n minutes on."""
        step = n * self.de
        return lambda count: count + step

    def _event_text(self, key: tuple, row: tuple) -> tuple:
        """``new_event``'s result as a text with holes: ``(ns, head, at, count key, uid, rv, last, format,
        holes)``, where ``head`` (the name before its last '.') and ``uid`` are texts that stay or specs of
        ``_moved``, and ``format`` is the body with a ``%s`` for each of ``holes``: a spec of ``_moved`` (a token
        that moves) or an int (the involved object's resourceVersion, which moves by the revisions). The body's
        texts between the holes are ``dumps``' of the array's items (a string's escapes are per character, and a
        moved token has only letters, digits and '-': ``TOKEN``, ``Names``), so that filling the holes gives
        ``new_event``'s text."""
        ns, name = key
        uid, rv, last, body = row
        b = json.loads(body)
        if type(b) is not list or b[0] != 0:
            raise NotAlike("an event of another shape")
        if not b[13].isdigit():
            raise NotAlike("an event's involved resourceVersion")
        items: list = [[dumps(x)] for x in b]  # each item's segments: texts, specs, the involved resourceVersion
        spec = self._uid_spec(b[1])
        if spec is not None:
            items[1] = ['"', spec, '"']
        pieces = self._text_parts(b[7])
        if len(pieces) > 1:
            items[7] = ['"', *(dumps(p)[1:-1] if type(p) is str else p for p in pieces), '"']
        spec = self._token_spec(b[12]) if b[12] != 0 else None
        if spec is not None:
            items[12] = ['"', spec, '"']
        items[13] = ['"', int(b[13]), '"']
        texts: list = []  # "[" + ",".join(items) + "]" as a %-format of the holes, and the holes
        holes: list = []
        for i, segments in enumerate(items):
            texts.append("[" if i == 0 else ",")
            for p in segments:
                if type(p) is str:
                    texts.append(p.replace("%", "%%"))
                else:
                    texts.append("%s")
                    holes.append(p)
        texts.append("]")
        head, _, hexed = name.rpartition(".")
        at, count = divmod(int(hexed, 16), EVENT_NAME_COUNTER)
        return (ns, self._token_spec(head) or head, at, self._count_key(count), self._uid_spec(uid) or uid, rv,
                last, "".join(texts), holes)

    def new_events(self, events, n: int, floor: int) -> list:
        """``new_event`` of each learned event (key, row) whose time n minutes on is after ``floor``, as a row of
        the events table (namespace, name, involved uid, resourceVersion, last time, body): each event's text is
        made once (``_event_text``), its holes numbered once among the specs of every event (``_event_plan``),
        and each spec moved once a minute, when an event first needs it."""
        if not PLANNED_EVENTS:
            return self._new_events_by_spec(events, n, floor)
        plans = self._event_plans
        dt = n * MINUTE
        todo = []
        for key, row in events:
            if row[2] + dt <= floor:
                continue
            found = plans.get((key, row))
            if found is None:
                found = plans[(key, row)] = self._event_plan(key, row)
            todo.append(found)
        specs = self._plan_specs
        vals: list = [None] * len(specs)
        moved = self._moved
        counts = self._counts(n)
        dr = n * self.dr
        rows = []
        for ns, head, at, count, uid, rv, last, text, holes, involved in todo:
            values = []
            for i in holes:
                v = vals[i]
                if v is None:
                    v = vals[i] = moved(specs[i], n)
                values.append(v)
            values.append(involved + dr)
            if type(head) is int:
                v = vals[head]
                if v is None:
                    v = vals[head] = moved(specs[head], n)
                head = v
            if type(uid) is int:
                v = vals[uid]
                if v is None:
                    v = vals[uid] = moved(specs[uid], n)
                uid = v
            value = (at + dt) * EVENT_NAME_COUNTER + counts(count) % EVENT_NAME_COUNTER
            rows.append((ns, f"{head}.{value:x}", uid, rv + dr, last + dt, text % tuple(values)))
        return rows

    def _event_plan(self, key: tuple, row: tuple) -> tuple:
        """``_event_text`` with each spec (the holes', the name's head, the involved uid) as its number in
        ``_plan_specs``, the involved object's resourceVersion (the last hole, an int) apart."""
        ns, head, at, count, uid, rv, last, text, holes = self._event_text(key, row)
        if not holes or type(holes[-1]) is not int or any(type(p) is int for p in holes[:-1]):
            raise NotAlike("an event's holes of another shape")
        index = self._plan_index
        specs = self._plan_specs

        def number(spec) -> int:
            i = index.get(spec)
            if i is None:
                i = index[spec] = len(specs)
                specs.append(spec)
            return i

        return (ns, number(head) if type(head) is tuple else head, at, count,
                number(uid) if type(uid) is tuple else uid, rv, last, text,
                tuple(number(p) for p in holes[:-1]), holes[-1])

    def _new_events_by_spec(self, events, n: int, floor: int) -> list:
        """``new_events`` with each event's holes moved through a memo of the specs, made again each call."""
        texts = self._event_texts
        moved = self._moved
        done: dict = {}  # spec -> its text n minutes on

        def at_n(spec):
            v = done.get(spec)
            if v is None:
                v = done[spec] = moved(spec, n)
            return v

        counts = self._counts(n)
        dt = n * MINUTE
        dr = n * self.dr
        rows = []
        for key, row in events:
            if row[2] + dt <= floor:
                continue
            found = texts.get((key, row))
            if found is None:
                found = texts[(key, row)] = self._event_text(key, row)
            ns, head, at, count, uid, rv, last, text, holes = found
            values = tuple(p + dr if type(p) is int else at_n(p) for p in holes)
            if type(head) is tuple:
                head = at_n(head)
            if type(uid) is tuple:
                uid = at_n(uid)
            value = (at + dt) * EVENT_NAME_COUNTER + counts(count) % EVENT_NAME_COUNTER
            rows.append((ns, f"{head}.{value:x}", uid, rv + dr, last + dt, text % values))
        return rows


def ahead(a, b, c, n: int, shift: "Shift | None"):
    """The value that ``a``, ``b``, ``c`` (a value at three consecutive minute boundaries) has n minutes after
    ``c``, when both minutes moved it alike; else NotAlike."""
    if a == b == c:
        return c
    t = _shape(a, b, c)
    if t is dict:
        return {k: ahead(a[k], b[k], c[k], n, shift) for k in c}
    if t is list:
        return [ahead(x, y, z, n, shift) for x, y, z in zip(a, b, c)]
    return _leaf(a, b, c, n, shift)


def _shape(a, b, c) -> type:
    """The type of ``a``, ``b``, ``c`` (not all equal), which ``ahead`` and ``moves`` go down: NotAlike unless the
    three are of one type, dicts with the same keys in the same order, or lists of one length."""
    t = type(c)
    if type(a) is not t or type(b) is not t:
        raise NotAlike("a value changed type")
    if t is dict:
        if list(a) != list(c) or list(b) != list(c):
            raise NotAlike("keys changed")
    elif t is list:
        if not len(a) == len(b) == len(c):
            raise NotAlike("a list changed length")
    return t


_T = ("T", "t")  # the date's and the time's separator parse_rfc3339 takes


def _leaf(a, b, c, n: int, shift: "Shift | None"):
    """``ahead`` of a value that is neither a dict nor a list, of one type at the three boundaries and not equal at
    all three."""
    t = type(c)
    if t is int:
        if b - a != c - b:
            raise NotAlike("a number moved unevenly")
        return c + n * (c - b)
    if t is str:
        if a.isdigit() and b.isdigit() and c.isdigit() and str(int(c)) == c:
            if int(b) - int(a) != int(c) - int(b):
                raise NotAlike("a number moved unevenly")
            return str(int(c) + n * (int(c) - int(b)))
        try:
            # a text whose 5th character is not '-' or 11th not 'T' or 't' is no time (parse_rfc3339 raises
            # ValueError), read without making the error's message
            if not (a[4:5] == b[4:5] == c[4:5] == "-" and a[10:11] in _T and b[10:11] in _T and c[10:11] in _T):
                raise ValueError
            ta, tb, tc = parse_rfc3339(a), parse_rfc3339(b), parse_rfc3339(c)
        except (ValueError, TypeError):
            pass
        else:
            if tb - ta != tc - tb or rfc3339(tc) != c or rfc3339(tb) != b:
                raise NotAlike("a time moved unevenly")
            return rfc3339(tc + n * (tc - tb))
        if shift is not None and shift.text(a, 1) == b and shift.text(b, 1) == c:
            return shift.text(c, n)
        raise NotAlike(f"a text changed: {c[:80]!r}")
    raise NotAlike("a value changed")


def moves(a, b, c, shift: "Shift | None"):
    """What ``ahead(a, b, c, n, shift)`` moves, for ``moved``: None where the three are equal, else the moving
    keys (a dict) or indexes (a list) with what moves under each, or the three values of a leaf. Checked as
    ``ahead(a, b, c, 1, shift)`` checks (the same NotAlike); kept rather than the three trees, so that the values
    n minutes on are made along the paths that move only (a record is mostly parts that stay)."""
    if a == b == c:
        return None
    t = _shape(a, b, c)
    if t is dict:
        out = []
        for k in c:
            m = moves(a[k], b[k], c[k], shift)
            if m is not None:
                out.append((k, m))
        return (dict, out)
    if t is list:
        out = []
        for i, (x, y, z) in enumerate(zip(a, b, c)):
            m = moves(x, y, z, shift)
            if m is not None:
                out.append((i, m))
        return (list, out)
    _leaf(a, b, c, 1, shift)
    return (None, a, b)


def moved(m, c, n: int, shift: "Shift | None"):
    """``ahead(a, b, c, n, shift)`` from ``m = moves(a, b, c, shift)``: the same value (a dict's keys in the same
    order, what stays the very objects of ``c``)."""
    if m is None:
        return c
    t = m[0]
    if t is None:
        return _leaf(m[1], m[2], c, n, shift)
    out = c.copy()
    for k, sub in m[1]:
        out[k] = moved(sub, c[k], n, shift)
    return out


def strict_json(text: str):
    value = json.loads(text)
    if dumps(value) != text:
        raise NotAlike("a body not written as the store writes it")
    return value


# ---- what moves, read in the texts -----------------------------------------------------------------------------
_VALUE_END = re.compile(r"[,\]}]")
_WINDOW = 256  # characters compared at once before the window doubles (``_same_run``)


def _same_run(x: str, i: int, y: str, j: int, z: str, k: int) -> int:
    """The length of the longest common prefix of ``x[i:]``, ``y[j:]`` and ``z[k:]``: windows compared whole (C
    comparisons of slices), doubling while equal, the first that differs halved down to its first character."""
    n = 0
    step = _WINDOW
    limit = min(len(x) - i, len(y) - j, len(z) - k)
    while n < limit:
        m = min(step, limit - n)
        w = z[k + n:k + n + m]
        if w == x[i + n:i + n + m] and w == y[j + n:j + n + m]:
            n += m
            step += step
            continue
        while m > 1:  # the first n characters are common, the next m hold a difference: halved, the half kept
            h = m >> 1  # that holds the first (the slices compared shrink with it)
            w = z[k + n:k + n + h]
            if w == x[i + n:i + n + h] and w == y[j + n:j + n + h]:
                n += h
                m -= h
            else:
                m = h
        return n
    return n


def _quotes(z: str, start: int, end: int) -> int:
    """The quotes of ``z[start:end]`` that open or close a string (not escaped: after an even run of backslashes),
    ``start`` not inside such a run: the quotes after at least r backslashes, counted for each r, alternately added
    and taken away (a quote after an odd run is taken away once more than added)."""
    total = z.count('"', start, end)
    if not total:
        return 0
    n = z.count('\\"', start, end)  # most texts have no escaped quote: two counts
    if not n:
        return total
    total -= n
    r = 2
    while True:
        n = z.count("\\" * r + '"', start, end)
        if not n:
            return total
        total += -n if r & 1 else n
        r += 1


def _escaped(z: str, at: int) -> bool:
    """Whether the quote at ``at`` is escaped (after an odd run of backslashes)."""
    p = at
    while p and z[p - 1] == "\\":
        p -= 1
    return (at - p) & 1 == 1


def _string_end(t: str, start: int) -> int:
    """The end of the string whose opening quote is at ``start`` (after its closing quote), or 0."""
    p = t.find('"', start + 1)
    while p > 0 and _escaped(t, p):
        p = t.find('"', p + 1)
    return p + 1


def _token(t: str):
    """``json.loads`` of a leaf's text: a string without escapes or control characters and a natural number
    written without leading zeros read directly (what ``json.loads`` gives them), anything else decoded."""
    if t[:1] == '"':
        if "\\" not in t and t.isprintable() and len(t) > 1 and t[-1] == '"':
            return t[1:-1]
    elif t.isascii() and t.isdigit() and (t[0] != "0" or t == "0"):
        return int(t)
    return json.loads(t)


def text_moves(x: str, y: str, z: str, shift: "Shift | None", mark: str | None = None):
    """``moves`` of the three texts' values, read in the texts: the leaves (numbers, strings, literals) whose
    texts differ, found by comparing the texts, each decoded alone. Returns ``(spans, ends)``: ``spans`` the
    leaves that move, each ``(start, end, a, b, c)`` (its place in ``z``, its three values: checked as ``moves``
    checks a leaf, the same NotAlike), ``ends`` every leaf whose text differs, ``(end in z, in x, in y)`` (to find
    a place of ``z`` in the others); or None when the texts do not tell (the caller decodes them and calls
    ``moves``).

    What the texts tell is what the trees tell when the three are written as the store writes them (``dumps``,
    which the caller checks of ``z``: ``strict_json``): the text outside the leaves that differ is common, so the
    trees are the same there (the same keys in the same order, the same values), and a leaf's text is its
    value's. Whether a place is inside a string is the parity of the quotes before it that are not escaped
    (outside strings there is no backslash). Leaves whose values are equal though their texts are not (``1`` and
    ``1.0``) do not move, as ``moves`` finds them equal; ``NaN`` (never equal to itself) is left to the trees. A
    difference that is not a leaf's (a key, a list's length, a value of another shape) gives None. ``mark``: the
    key (with its quotes and colon, ``'"ffwd_after":'``) of leaves the caller gives ``c``'s value in ``a`` and
    ``b`` (``flapskip._same_marks``): they do not move."""
    if "NaN" in z or "Infinity" in z or "NaN" in x or "NaN" in y or "Infinity" in x or "Infinity" in y:
        return None
    spans: list = []
    ends: list = []
    i = j = k = 0
    safe = 0  # a place of z outside strings (0 or the end of a leaf), and the quotes before it
    quotes = 0
    lx, ly, lz = len(x), len(y), len(z)
    while True:
        r = _same_run(x, i, y, j, z, k)
        i += r
        j += r
        k += r
        if i == lx and j == ly and k == lz:
            return spans, ends
        before = _quotes(z, safe, k)
        if (quotes + before) & 1:  # inside a string: the leaf is the string, from its opening quote
            start = z.rfind('"', 0, k)
            while start > 0 and _escaped(z, start):
                start = z.rfind('"', 0, start)
            back = k - start
            sx, sy, sz = i - back, j - back, start
            ex, ey, ez = _string_end(x, sx), _string_end(y, sy), _string_end(z, sz)
            if not (ex and ey and ez) or x[ex:ex + 1] == ":" or y[ey:ey + 1] == ":" or z[ez:ez + 1] == ":":
                return None  # a key
        else:  # a number or a literal, after its delimiter
            start = max(z.rfind(",", 0, k), z.rfind(":", 0, k), z.rfind("[", 0, k), z.rfind("{", 0, k)) + 1
            back = k - start
            sx, sy, sz = i - back, j - back, start
            mx, my, mz = _VALUE_END.search(x, sx), _VALUE_END.search(y, sy), _VALUE_END.search(z, sz)
            if mx is None or my is None or mz is None:
                return None
            ex, ey, ez = mx.start(), my.start(), mz.start()
        tx, ty, tz = x[sx:ex], y[sy:ey], z[sz:ez]
        if tx == ty == tz:
            return None  # the difference is after the leaf: not a leaf's
        try:
            a, b, c = _token(tx), _token(ty), _token(tz)
        except ValueError:
            return None  # not a leaf (a container begins there)
        if type(a) in (dict, list) or type(b) in (dict, list) or type(c) in (dict, list):
            return None
        ends.append((ez, ex, ey))
        if not (mark is not None and z.endswith(mark, 0, sz)) and not a == b == c:
            t = type(c)
            if type(a) is not t or type(b) is not t:
                raise NotAlike("a value changed type")
            _leaf(a, b, c, 1, shift)
            spans.append((sz, ez, a, b, c))
        # the quotes up to the leaf's end: those before k counted already, unless k splits a run of backslashes
        # and the quote after it (``_quotes`` counts each run with its quote); ez >= k (the leaf differs)
        quotes += before + _quotes(z, k, ez) if z[k - 1:k] != "\\" else _quotes(z, safe, ez)
        safe = ez
        i, j, k = ex, ey, ez


def text_moved(z: str, spans: list, n: int, shift: "Shift | None", memo: dict | None = None) -> str:
    """The text n minutes after ``z`` from ``text_moves``' spans: ``dumps(moved(moves(a, b, c), c, n))`` when ``z``
    is ``dumps(c)`` (each leaf's text put in its place). ``memo``: each leaf's new text by its type and three values
    (``_leaf`` is a function of them, ``n`` and ``shift``), kept by a caller that moves many texts whose leaves
    move alike (the twins of engine/flapskip.py: a thousand pods' times and counts, the same in each)."""
    out = []
    at = 0
    for start, end, a, b, c in spans:
        out.append(z[at:start])
        if memo is None:
            out.append(dumps(_leaf(a, b, c, n, shift)))
        else:
            key = (type(c), a, b, c)  # a and b are of c's type (``text_moves``): 1 and True are not one key
            text = memo.get(key)
            if text is None:
                text = memo[key] = dumps(_leaf(a, b, c, n, shift))
            out.append(text)
        at = end
    out.append(z[at:])
    return "".join(out)


def text_place(ends: list, at: int) -> tuple[int, int]:
    """The place in ``x`` and in ``y`` of the place ``at`` of ``z`` (not inside a leaf that differs)."""
    px = py = at
    for ez, ex, ey in ends:
        if ez > at:
            break
        px, py = ex + at - ez, ey + at - ez
    return px, py

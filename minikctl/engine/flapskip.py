"""A long advance over a cluster that repeats itself every minute: learned by stepping, then skipped.

Pods whose readiness flaps (a container that makes and removes the file its exec readiness probe reads, every 30 s,
behind Services: ``bench/services_speed.py``) write the same things every minute: each pod's status twice (its
Ready condition's lastTransitionTime, its resourceVersion), the ``Unhealthy`` events again (their counts, times and
revisions), the Endpoints and EndpointSlices of their Services, a history entry per transition
(``store/history.py``). Stepping that costs milliseconds per pod per transition: a thousand pods for an hour are
120,000 transitions. A minute of it moves the store by arithmetic, so a long advance (``skip``), as the CronJob
skip does (``engine/cronskip.py``; both compare states with ``engine/alike.py``):

1. steps a minute (and stops there when no pod changed in it), then steps minute by minute and keeps the last three
   states (the first of them the store at the start when every container has run a minute already) (``alike.State``, with each pod's newest history entry and the log streams) until two consecutive minutes
   moved everything alike (``_Learned``): every meta counter by the same amount; every object, runtime record and
   event by the same arithmetic on each value (numbers, resourceVersions, RFC 3339 times); no object, runtime record,
   event or log line came or went (the event TTL aside); the second minute's history entries and change-log rows
   those of the first, shifted by a minute and by the minute's revisions. A runtime record that did not change keeps
   its wake-up, and a timer that stayed at its instant in a record that changed keeps it: the jump ends before it.
2. moves the store by N minutes at once (``_Learned.jump``): the meta counters and the clock, the objects
   (``Tx.restore``), the runtime records and the events as the N-th minute leaves them, the history entries of
   the skipped minutes (each minute's shifted, the oldest beyond ``history.MAX_ENTRIES`` dropped as each append
   drops them), and the events the TTL has expired by then deleted.

Why the rest is what stepping gives: between two commands the cluster's whole state is in the store (each
command builds its loop afresh), and the engine is deterministic and moves with the clock: from a state that is
the state a minute earlier moved by a minute (and by the minute's revisions and counters), it writes what it
wrote a minute earlier, moved alike. What does not move with the clock is a fixed instant: a runtime record's
wake-up or timer that did not change (the jump ends before it) and an event's expiry (the events last written the TTL
before the jump's end are deleted, as the expiry at the end of stepping deletes them). The parked readiness probes
(``kubelet/parked.py``) have taken their revisions when a run of the loop ends, so the minute boundaries hold
none of them.

Two things differ from stepping, neither observable through the API:

- the change log is **compacted** up to the jump's revision (``Tx.compact_changes(keep=0)``), the rule of the
  CronJob skip (docs/engine-time.md): kube-apiserver compacts etcd's history every 5 minutes
  (``--etcd-compaction-interval``), and a watch from an older resourceVersion gets 410 Gone. Stepping keeps the
  last 20,000 revisions (store/changelog.py KEEP).
- a process's ``ffwd_after`` (when the kubelet next looks whether its loop is steady, ``PodWorker.
  fast_forward_loop``) keeps the value the last stepped minute gave it: an instant in the past or near, at which
  the loop is looked at again and found as it was (a look changes nothing but this mark). The golden test
  compares runtime records without it, as tests/unit/test_engine_flap.py does.

Off while anything in the process watches (a tap: ``get -w``, ``wait``, events watched, the API server's
journal), while a CronJob has a timer (``cronskip``'s), while a pod's container is not running or has restarted
(``_steady``), when nothing moves (there is nothing to skip), and with store meta ``engine:profile``
``{"ffwd": false}`` (docs/engine-time.md), which the golden test (tests/unit/test_flap_skip.py) compares it with.
The pods' runtime records are compared once per group of twins (``_Twins``) unless MINIKCTL_NO_FLAP_TWINS=1
(compared with it there too), and so are their objects (``_ObjectTwins``) unless MINIKCTL_NO_FLAP_OBJECT_TWINS=1.
Each state finds every pod's newest history entry by walking the table's key (``_HISTORY_WALKED``) unless
MINIKCTL_NO_FLAP_HISTORY_HEADS=1 (every entry grouped).
"""

from __future__ import annotations

import json
import os
import sqlite3
from bisect import bisect_left
from typing import TYPE_CHECKING

from minikctl.engine import alike
from minikctl.engine.alike import (UNLIKE, Names, NotAlike, Shift, State, _leaf, _quotes, ahead, dumps, moved,
                                   moves, strict_json, text_moved, text_moves, text_place)
from minikctl.engine.cronskip import cronjob_timer, unwatched
from minikctl.engine.kubelet.statustwins import _MARKS, MARK, NO_IP, _mask, _Template, identity_tokens
from minikctl.engine.kubelet.waketwins import tokens_of
from minikctl.store import history

if TYPE_CHECKING:
    from typing import Callable

PERIOD = 60_000
AFTER_MS = 10 * PERIOD  # an advance shorter than this is stepped (learning alone takes two to a few minutes)
LEARN_PERIODS = 8  # minutes stepped at most looking for two alike
# the pods' runtime records compared once per group of twins (``_Twins``); MINIKCTL_NO_FLAP_TWINS=1 compares each
# one alone (tests/unit/test_flap_skip.py compares the two)
TWINS = os.environ.get("MINIKCTL_NO_FLAP_TWINS", "") in ("", "0")
# the pods' objects compared once per group of twins too (``_ObjectTwins``); MINIKCTL_NO_FLAP_OBJECT_TWINS=1
# compares each one alone (tests/unit/test_flap_skip.py compares the two)
OBJECT_TWINS = os.environ.get("MINIKCTL_NO_FLAP_OBJECT_TWINS", "") in ("", "0")
# what the twins read of each pod read by SQLite from its text (``_pod_identities``); MINIKCTL_NO_FLAP_POD_FIELDS=1
# decodes each pod's text whole (tests/unit/test_flap_skip.py holds the two against each other)
POD_FIELDS = os.environ.get("MINIKCTL_NO_FLAP_POD_FIELDS", "") in ("", "0")
# the jump's new leaf texts made once per leaf's values (``alike.text_moved``'s ``memo``);
# MINIKCTL_NO_FLAP_LEAF_TEXTS=1 makes each one (tests/unit/test_flap_skip.py compares the two)
LEAF_TEXTS = os.environ.get("MINIKCTL_NO_FLAP_LEAF_TEXTS", "") in ("", "0")
_MAX_MODELS = 256  # masked texts kept per comparison (each three records' texts): records of a few templates


class _FlapState(State):
    """``alike.State`` and what else a flapping minute writes: each pod's newest history entry, the log
    streams whole (a line written is a minute that is not skipped here)."""

    def __init__(self, tx) -> None:
        super().__init__(tx, rows=False)  # the skip reads no printed row, and the jump writes them all again
        conn = tx.conn
        self.history = {uid: seq for uid, seq in conn.execute(_HISTORY_HEADS)}
        self.log_streams = list(conn.execute("SELECT * FROM log_streams ORDER BY id"))


# each pod's newest history entry (``_FlapState``): the table's key is (uid, seq), so SQLite walks from one uid to the
# next through that index (the recursive CTE, https://www.sqlite.org/lang_with.html#recursive_query_examples, is
# the "skip-scan" of a GROUP BY that SQLite does not do by itself for max()) and reads each uid's last entry, two
# index lookups per pod rather than every entry read: a thousand pods with 2,000 entries each (history.MAX_ENTRIES,
# a day of flapping) in 8 ms rather than 340, the same with a dozen each. MINIKCTL_NO_FLAP_HISTORY_HEADS=1 groups
# every entry (tests/unit/test_flap_skip.py holds the two against each other).
_HISTORY_GROUPED = "SELECT uid, max(seq) FROM history GROUP BY uid"
_HISTORY_WALKED = (
    "WITH RECURSIVE u(uid) AS (SELECT min(uid) FROM history UNION ALL "
    "SELECT (SELECT min(uid) FROM history WHERE uid > u.uid) FROM u WHERE u.uid IS NOT NULL) "
    "SELECT uid, (SELECT max(seq) FROM history AS h WHERE h.uid = u.uid) FROM u WHERE uid IS NOT NULL")
_HISTORY_HEADS = _HISTORY_WALKED if os.environ.get("MINIKCTL_NO_FLAP_HISTORY_HEADS", "") in ("", "0") \
    else _HISTORY_GROUPED


def _same_marks(records: tuple, last: dict) -> None:
    """Give the processes of the earlier records the ``ffwd_after`` marks of the ``last`` (the kubelet's own
    bookkeeping, kept as the last stepped minute left it: the module's docstring)."""
    for cname, c in (last.get("containers") or {}).items() if isinstance(last, dict) else ():
        for slot in ("current", "previous"):
            inst = c.get(slot) if isinstance(c, dict) else None
            proc = inst.get("process") if isinstance(inst, dict) else None
            if not isinstance(proc, dict) or "ffwd_after" not in proc:
                continue
            for rec in records:
                other = (((rec.get("containers") or {}).get(cname) or {}).get(slot) or {}).get("process")
                if isinstance(other, dict) and "ffwd_after" in other:
                    other["ffwd_after"] = proc["ffwd_after"]


_MARK = '"ffwd_after":'  # a process's mark as its record's text holds it (behavior/process.py ``ffwd_after``)
_TIMERS_KEY = '"timers":'


def _marks_known(last) -> int | None:
    """How many processes of a runtime record ``_same_marks`` gives marks to (None: a record of another shape)."""
    containers = last.get("containers") if isinstance(last, dict) else None
    if containers is None:
        return 0
    if not isinstance(containers, dict):
        return None
    count = 0
    for c in containers.values():
        for slot in ("current", "previous"):
            inst = c.get(slot) if isinstance(c, dict) else None
            proc = inst.get("process") if isinstance(inst, dict) else None
            if isinstance(proc, dict) and "ffwd_after" in proc:
                count += 1
    return count


_DECODER = json.JSONDecoder()


def _text_timers(x: str, y: str, z: str, c, ends: list) -> set | None:
    """``_timers(a) & _timers(b) & _timers(c)`` of three records whose texts differ at leaves only
    (``alike.text_moves``' ``ends``): the timers of ``a`` and ``b`` decoded alone, at the place of ``c``'s in their
    texts. None when that place is not found."""
    if not isinstance(c, dict) or "timers" not in c:
        return set()
    head = {}
    for key in c:
        if key == "timers":
            break
        head[key] = c[key]
    item = len(dumps(head)) if head else 1  # where the item begins in z: after the head's items and a comma
    at = item + len(_TIMERS_KEY)
    if z[item:at] != _TIMERS_KEY:
        return None
    px, py = text_place(ends, at)
    try:
        ta, tb = _DECODER.raw_decode(x, px)[0], _DECODER.raw_decode(y, py)[0]
    except ValueError:
        return None
    return _timers({"timers": ta}) & _timers({"timers": tb}) & _timers(c)


def _timers(record) -> set:
    """The instants of a runtime record's timers (a pod's record: ``kubelet/records.py``)."""
    timers = record.get("timers") if isinstance(record, dict) else None
    return {t["at"] for t in timers if isinstance(t, dict) and type(t.get("at")) is int} \
        if isinstance(timers, list) else set()


class _Twins:
    """The pods' runtime records of one comparison, compared once per group of twins: records whose three texts,
    each masked with its pod's identity strings (``waketwins.tokens_of``, masked as ``statustwins._mask`` masks
    them: its containers' IDs and spec hashes, its token volume's name, uid, pod IP and name), are the texts of a
    record compared already (the *model*) masked with its own. A thousand pods of one template flapping together
    write a few such groups.

    A twin's texts are then its model's masked texts with its own strings put back (a text holds no ``MARK``:
    the store's encoder escapes every control character, so masking is undone by putting the tokens back). The
    model is kept only when every mark of its masked texts is inside a string (a key or a value), not inside an
    escape sequence (``_marks_of``), and no leaf that differs between its three texts holds a mark
    (``text_moves`` of the masked texts: ``_token`` fails on a mark, a control character, and no model is kept);
    no token holds a quote or a backslash (``tokens``: the resourceVersion's, a key and its value, is left out).
    So a twin's texts have the model's shape, with other characters inside some strings that differ nowhere
    between its three texts: its last text is written as the store writes it when the model's is
    (``strict_json``: nothing in those strings needs escaping, and two keys of a dict cannot become one, as each
    masks back to its own), its leaves that differ are the model's, with the same values, each as far on in its
    texts as the tokens before it are longer than their marks (``_place``), and so are the places
    ``text_moves`` gives; its processes' ``ffwd_after`` marks and its timers that stay are the model's too (keys,
    numbers and literals are the model's). Any record that does not match is compared alone, as before.

    A record is matched by its last text masked, then its tokens put back in the model's earlier two (``find``):
    the texts masking gives back the model's are the model's with the record's tokens put back, and the argument
    above needs only that (a record whose earlier texts are so, though masking one would also rewrite a token
    found elsewhere in it, is a twin by the same argument). One text masked instead of three, and one join each
    for the other two: a third of the time. MINIKCTL_NO_FLAP_TWINS=1 compares every record alone
    (tests/unit/test_flap_skip.py compares the two)."""

    def __init__(self, shift: Shift) -> None:
        self.shift = shift
        # masked z -> [(x's and y's masked texts made into templates, the model: (spans, ends, stay, marks of x, y,
        # z) or None)]: a record's z masked finds the models its x and y may be, and each is tried by putting the
        # record's tokens back in the model's x and y (``_Template.fill``, one join) rather than by masking them
        self.models: dict = {}
        self.count = 0

    @staticmethod
    def tokens(pod, z: str) -> list | None:
        if not isinstance(pod, dict):
            return None
        tokens = tokens_of(pod, z)
        if tokens is None:
            return None
        # printable, without quote or backslash (the resourceVersion's, a key and its value, is left out; so is the
        # mark of a pod without IP, a control character)
        tokens = [t for t in tokens if '"' not in t and "\\" not in t and t.isprintable()]
        return tokens if len(set(tokens)) == len(tokens) else None

    def masked(self, tokens: list, x: str, y: str, z: str) -> str | None:
        """``z`` masked (None when one of the three texts holds a mark)."""
        if MARK in x or MARK in y or MARK in z:
            return None
        return _mask(z, tokens)

    def find(self, mz: str, tokens: list, x: str, y: str) -> list | None:
        """The entry of ``models`` (under ``z`` masked, ``mz``) whose x and y, the record's tokens put back, are
        ``x`` and ``y``: the record's three texts are then the model's masked texts with its tokens put back, which
        is what masking them to the model's texts tells (``_mask`` undone by ``_Template.fill``: the class's
        docstring); None when there is none."""
        for entry in self.models.get(mz, ()):
            if entry[0].fill(tokens) == x and entry[1].fill(tokens) == y:
                return entry
        return None

    def match(self, entry: list, tokens: list, x: str, y: str, z: str):
        """(spans, ends, stay) of a twin of ``entry`` (``find``), placed in its texts; None when the entry has no
        model."""
        model = entry[2]
        if model is None or "NaN" in x or "NaN" in y or "NaN" in z or "Infinity" in x or "Infinity" in y \
                or "Infinity" in z:
            return None
        grow = tuple([len(t) - 3 for t in tokens])  # a token's length less its mark's ("\x01A\x01")
        placed = entry[3]  # the places are a function of the growths alone: made once for twins whose tokens
        got = placed.get(grow)  # are as long (a thousand pods' names and IPs have a few lengths)
        if got is None:
            spans, ends, stay, mx, my, mz = model
            px, py, pz = _Places(mx, grow), _Places(my, grow), _Places(mz, grow)
            got = placed[grow] = ([(pz.at(a), pz.at(b), va, vb, vc) for a, b, va, vb, vc in spans],
                                  [(pz.at(ez), px.at(ex), py.at(ey)) for ez, ex, ey in ends], stay)
        return got

    def learn(self, mz: str, tokens: list, x: str, y: str, marks: bool, stay: set) -> None:
        """Keep a model for the texts of a record compared alone (``z`` masked ``mz``), its timers that stay
        ``stay``, when they tell (the class's docstring)."""
        if self.count >= _MAX_MODELS:
            return
        self.count += 1
        tx, ty, tz = _mask(x, tokens), _mask(y, tokens), mz
        entry = [_Template(tx), _Template(ty), None, {}]  # the templates, the model, its places by growths
        self.models.setdefault(mz, []).append(entry)
        mx, my, mz_ = _marks_of(tx), _marks_of(ty), _marks_of(tz)
        if mx is None or my is None or mz_ is None:
            return
        found = text_moves(tx, ty, tz, self.shift, _MARK if marks else None)
        if found is None:
            return
        entry[2] = (found[0], found[1], stay, _Marks(mx), _Marks(my), _Marks(mz_))


def _marks_of(t: str, exact: bool = False) -> list | None:
    """The marks of a masked text, [(place, role)], each inside a string and not inside an escape sequence (no
    backslash in the five characters before it: ``\\uXXXX`` is the longest; ``exact``: no escape sequence that
    begins before it reaches it, ``_in_escape``, which lets a mark follow an escaped quote, as a pod IP does in the
    key of its managedFields entry, ``k:{\\"ip\\":\\"10.244.0.2\\"}``); None when one is not."""
    out = []
    at = 0
    quotes = 0
    while True:
        p = t.find(MARK, at)
        if p < 0:
            return out
        quotes += _quotes(t, at, p)
        if not quotes & 1 or (_in_escape(t, p) if exact else "\\" in t[max(0, p - 5):p]):
            return None
        out.append((p, ord(t[p + 1]) - 65))
        at = p + 3


def _starts_escape(t: str, q: int) -> bool:
    """Whether the backslash at ``q`` begins an escape sequence: it ends a run of backslashes of odd length."""
    r = q
    while r >= 0 and t[r] == "\\":
        r -= 1
    return (q - r) & 1 == 1


def _in_escape(t: str, p: int) -> bool:
    """Whether the place ``p`` of a JSON text, inside a string, is inside an escape sequence that begins before it:
    right after the backslash that begins one, or within the four digits of a ``\\uXXXX``
    (https://www.rfc-editor.org/rfc/rfc8259#section-7)."""
    if p and t[p - 1] == "\\" and _starts_escape(t, p - 1):
        return True
    for q in range(max(0, p - 5), p - 1):
        if t[q] == "\\" and t[q + 1] == "u" and _starts_escape(t, q):
            return True
    return False


class _Marks:
    """The marks of a model's masked text (``_marks_of``): their places and roles apart."""

    __slots__ = ("places", "roles")

    def __init__(self, marks: list) -> None:
        self.places = [p for p, _role in marks]
        self.roles = [role for _p, role in marks]


class _Places:
    """Places in a twin's text of places of a model's masked text (not inside a mark): each moved on by the
    growth of the marks before it, its token's length less its mark's (``grow``, by role), summed once per text."""

    __slots__ = ("places", "sums")

    def __init__(self, marks: _Marks, grow: list) -> None:
        sums = [0]
        total = 0
        for role in marks.roles:
            total += grow[role]
            sums.append(total)
        self.places = marks.places
        self.sums = sums

    def at(self, at: int) -> int:
        return at + self.sums[bisect_left(self.places, at)]  # the marks before ``at``: those placed before it


_RV_KEY = '"resourceVersion":"'  # an object's resourceVersion as its text holds it (a string in its metadata)


class _ObjectTwins:
    """The pods' objects of one comparison, compared once per group of twins as their runtime records are
    (``_Twins``, whose argument this one follows). A thousand pods of one template flapping together are a few
    groups, but for one string: each pod's resourceVersion, which moves in its three texts and differs from pod to
    pod. Its digits get a role of their own (the last, after the identity strings the kubelet's status twins mask:
    its containers' IDs, its token volume's name, uid, pod IP and name, ``statustwins.identity_tokens``), filled
    in each text with the pod's revision there (the objects' ``rv`` column): ``"resourceVersion":"<digits>"``,
    found exactly once in the text (after the identity strings are masked), becomes
    ``"resourceVersion":"<mark>"``, a mark inside a string.

    A record is a twin of a model when its last text masked is the model's, and the model's other two texts, its
    tokens and its revisions there put back, are its own (``find``): its three texts are then the model's masked
    texts with its strings put back. Its leaves that move are the model's (with the same values, ``text_moves``
    of the masked texts, which finds no leaf that differs holding a mark), each as far on in its last text as
    the tokens before it are longer than their marks (``_Places``: the revision's digits may be longer or shorter
    than the model's, 9999 then 10000), and its resourceVersion, whose three values are checked as ``text_moves``
    checks a leaf (``alike._leaf``). Its last text is written as the store writes it when the model's is (the
    model was compared alone: ``strict_json``), as ``_Twins`` argues: no token holds a quote, a backslash or a
    character that is not printable, and the digits none either. MINIKCTL_NO_FLAP_OBJECT_TWINS=1 compares every
    pod's object alone (tests/unit/test_flap_skip.py compares the two)."""

    def __init__(self, shift: Shift) -> None:
        self.shift = shift
        # masked z -> [[x's and y's masked texts as templates, the model: (spans, the place of the revision's mark
        # in the masked z, the marks of the masked z) or None, its placed spans by growths]]
        self.models: dict = {}
        self.count = 0

    @staticmethod
    def tokens(pod) -> list | None:
        """The identity strings of ``pod`` (its containers' IDs as its statuses hold them, then those of
        ``identity_tokens``) without the resourceVersion's (a key and its value); None when they cannot be
        masked."""
        if not isinstance(pod, dict):
            return None
        meta, status = pod.get("metadata"), pod.get("status")
        if type(meta) is not dict or type(status) is not dict:
            return None
        ids = []
        for key in ("initContainerStatuses", "containerStatuses"):
            got = status.get(key)
            for cs in got if type(got) is list else ():
                cid = cs.get("containerID") if type(cs) is dict else None
                if cid is not None:
                    ids.append(cid)
        ip = status.get("podIP")
        tokens = identity_tokens(ids, meta, pod.get("spec"), ip if ip else NO_IP, len(_MARKS) - 1)
        if tokens is None:
            return None
        tokens = [t for t in tokens if '"' not in t and "\\" not in t and t.isprintable()]
        return tokens if len(set(tokens)) == len(tokens) else None

    @staticmethod
    def masked(tokens: list, text: str, rv: str) -> str | None:
        """``text`` masked with ``tokens``, then its resourceVersion ``rv`` with the last role's mark; None when
        the text holds a mark, or that resourceVersion is not found exactly once once the tokens are masked."""
        if MARK in text:
            return None
        out = _mask(text, tokens)
        found = _RV_KEY + rv + '"'
        if out.count(found) != 1:
            return None
        return out.replace(found, _RV_KEY + _MARKS[len(tokens)] + '"')

    def find(self, mz: str, tokens: list, x: str, y: str, rx: str, ry: str) -> list | None:
        """The entry of ``models`` under ``mz`` whose x and y, the record's tokens and revisions put back, are
        ``x`` and ``y``; None when there is none."""
        entries = self.models.get(mz)
        if not entries:
            return None
        tx, ty = tokens + [rx], tokens + [ry]
        for entry in entries:
            if entry[0].fill(tx) == x and entry[1].fill(ty) == y:
                return entry
        return None

    def match(self, entry: list, tokens: list, z: str, rvs: tuple) -> list | None:
        """The spans of a twin of ``entry`` (``find``) in its last text ``z``, its resourceVersion's among them
        when it moves; None when the entry has no model."""
        model = entry[2]
        if model is None or "NaN" in z or "Infinity" in z:
            return None
        rx, ry, rz = rvs
        grow = tuple([len(t) - 3 for t in tokens] + [len(rz) - 3])  # each token's length less its mark's
        got = entry[3].get(grow)
        if got is None:
            spans, at, marks = model
            pz = _Places(marks, grow)
            # the revision's leaf: from the quote before its mark to the one after it
            got = entry[3][grow] = ([(pz.at(a), pz.at(b), va, vb, vc) for a, b, va, vb, vc in spans],
                                    pz.at(at - 1), pz.at(at + 3) + 1)
        spans, start, end = got
        if rx == ry == rz:
            return spans
        if z[start:end] != '"' + rz + '"':
            return None
        _leaf(rx, ry, rz, 1, self.shift)  # as ``text_moves`` checks a leaf that moves
        out = list(spans)
        out.insert(bisect_left([s[0] for s in spans], start), (start, end, rx, ry, rz))
        return out

    def learn(self, mz: str, tokens: list, x: str, y: str, rx: str, ry: str) -> None:
        """Keep a model for the texts of a pod's object compared alone (``z`` masked ``mz``), when they tell."""
        if self.count >= _MAX_MODELS:
            return
        self.count += 1
        tx, ty = self.masked(tokens, x, rx), self.masked(tokens, y, ry)
        if tx is None or ty is None:
            return
        entry = [_Template(tx), _Template(ty), None, {}]
        self.models.setdefault(mz, []).append(entry)
        mx, my, mzm = _marks_of(tx, True), _marks_of(ty, True), _marks_of(mz, True)
        if mx is None or my is None or mzm is None:
            return
        at = [p for p, role in mzm if role == len(tokens)]
        if len(at) != 1:
            return
        try:
            found = text_moves(tx, ty, mz, self.shift)
        except UNLIKE:
            return
        if found is None:
            return
        entry[2] = (found[0], at[0], _Marks(mzm))


# what the twins read of a pod (``_ObjectTwins.tokens``, ``waketwins.tokens_of`` through ``statustwins.
# identity_tokens``), by SQLite from its stored text: null where a field is missing; the pods whose metadata, spec
# and status are all objects (json.c keeps the text's parse for the calls after the first)
_POD_FIELDS = (
    "SELECT namespace, name, rv, json_extract(body, '$.metadata.uid', '$.metadata.name', '$.metadata.resourceVersion', "
    "'$.spec.volumes', '$.status.podIP', '$.status.containerStatuses', '$.status.initContainerStatuses') "
    "FROM objects WHERE kind='Pod' AND json_type(body, '$.metadata') = 'object' "
    "AND json_type(body, '$.spec') = 'object' AND json_type(body, '$.status') = 'object'")


def _pod_identities(tx, objects: dict) -> dict:
    """key -> what the twins read of each pod whose stored revision is the one ``objects`` holds and whose
    metadata, spec and status are objects (its uid, name and resourceVersion, its volumes, pod IP and containers'
    statuses, a missing one left out), read by SQLite from
    its text rather than the text decoded whole in Python: a thousand pods in 30 ms rather than 80-130. The twins'
    argument does not rest on these strings (a twin's texts are its model's with them put back, which ``find``
    checks), only which records are twins does; tests/unit/test_flap_skip.py holds them against the texts
    decoded. Empty when SQLite cannot read a text (the pods are then decoded)."""
    out = {}
    try:
        rows = tx.conn.execute(_POD_FIELDS).fetchall()
    except sqlite3.Error:
        return out
    for ns, name, rv, fields in rows:
        key = ("Pod", ns, name)
        got = objects.get(key)
        if got is None or got[0] != rv or type(fields) is not str:
            continue
        uid, pname, prv, volumes, ip, statuses, inits = json.loads(fields)
        meta = {k: v for k, v in (("uid", uid), ("name", pname), ("resourceVersion", prv)) if v is not None}
        status = {k: v for k, v in (("podIP", ip), ("containerStatuses", statuses), ("initContainerStatuses", inits))
                  if v is not None}
        out[key] = {"metadata": meta, "spec": {} if volumes is None else {"volumes": volumes}, "status": status}
    return out


class _Learned:
    """What two consecutive minutes (s0 → s1 → s2) did alike, or NotAlike."""

    def __init__(self, tx, names: Names, s0: _FlapState, s1: _FlapState, s2: _FlapState, ttl: int) -> None:
        if not (s1.now - s0.now == s2.now - s1.now == PERIOD):
            raise NotAlike("not two minutes")
        if set(s0.meta) != set(s1.meta) or set(s1.meta) != set(s2.meta):
            raise NotAlike("meta keys changed")
        for key, v2 in s2.meta.items():
            if v2 != s1.meta[key] or v2 != s0.meta[key]:
                ahead(s0.meta[key], s1.meta[key], v2, 1, None)
        if not (set(s0.objects) == set(s1.objects) == set(s2.objects)):
            raise NotAlike("objects came or went")
        if not (set(s0.runtime) == set(s1.runtime) == set(s2.runtime)):
            raise NotAlike("runtime records came or went")
        if not (s0.log_streams == s1.log_streams == s2.log_streams):
            raise NotAlike("log lines were written")
        if any(k not in s1.events for k in s2.events) or any(k not in s0.events for k in s1.events):
            raise NotAlike("new events")
        for state, before in ((s1, s0), (s2, s1)):
            for key, row in before.events.items():
                if key not in state.events and row[2] > state.now - ttl:
                    raise NotAlike("an event deleted before its time")
        self.s2, self.ttl = s2, ttl
        self.shift = Shift(names, s1, s2, [])
        if self.shift.du or self.shift.ds:
            raise NotAlike("names or uids were made")
        self.dr = s2.revision - s1.revision
        twins = _Twins(self.shift) if TWINS and alike.TEXT_MOVES else None
        # the pods whose objects moved, decoded: their identity strings mask their records for the twins, which
        # alone read them (none kept without twins, and none once the records are compared: a thousand pods' trees
        # are some 10 MB)
        pods: dict | None = {} if twins is not None else None
        objects = _ObjectTwins(self.shift) if OBJECT_TWINS and alike.TEXT_MOVES else None
        views = _pod_identities(tx, s2.objects) if POD_FIELDS and (objects is not None or pods is not None) \
            else None
        self.objects = self._lasting(s0.objects, s1.objects, s2.objects, pods=pods, objects=objects, views=views)
        del objects, views
        stay: list = []  # the timers of moving records that stay at their instants
        self.runtime = self._lasting(s0.runtime, s1.runtime, s2.runtime, marks=True, timers=stay, twins=twins,
                                     pods=pods)
        del pods, twins
        # a record that did not move keeps its wake-up: the jump ends before it, and before such a timer
        fixed = [wake for key, (wake, _b) in s2.runtime.items() if wake is not None and key not in self.runtime]
        self.fixed = min(fixed + stay, default=None)
        self.events = self._lasting(s0.events, s1.events, s2.events)
        self.history = self._history(tx, s0, s1, s2)
        self._changes_alike(tx, s0, s1, s2)
        self._before = (s0, s1)

    def _lasting(self, m0: dict, m1: dict, m2: dict, marks: bool = False, timers: list | None = None,
                 twins: "_Twins | None" = None, pods: dict | None = None,
                 objects: "_ObjectTwins | None" = None, views: dict | None = None) -> dict:
        """The entries that changed: key -> their columns, each (how, what moves, its value at s2): a plain value
        (0); a JSON column decoded (1, with s2's ``ffwd_after`` marks given to the earlier ones when ``marks``),
        each checked to move alike (``alike.moves``, as ``ahead`` one minute on checks it); or a JSON column whose
        leaves that move were read in the texts (2: ``alike.text_moves``, the same leaves and checks, the text of
        s2 kept), unless ``alike.TEXT_MOVES`` is off. ``timers`` gets the instants of the timers that stay in all
        three records (``_timers``). ``twins``: a pod's record is compared once per group of twins (``_Twins``),
        masked with the identity strings of its pod in ``pods``, which the objects' pass fills with the pods it
        decodes (None: not kept). ``objects``: a pod's object is compared once per group of twins
        (``_ObjectTwins``). ``views``: what the twins read of the pods at m2, by key (``_pod_identities``), which
        the objects' pass gives them rather than each pod's text decoded (decoded when it is compared alone)."""
        out = {}
        shift = self.shift
        by_text = alike.TEXT_MOVES
        for key, v2 in m2.items():
            v0, v1 = m0[key], m1[key]
            if v0 == v1 == v2:
                continue
            cols = []
            for x, y, z in zip(v0, v1, v2):
                if type(z) is str and z[:1] in "{[":
                    masked = entry = tokens = None
                    if twins is not None and key[0] == "Pod" and type(x) is str and type(y) is str:
                        tokens = twins.tokens(pods.get(key) if pods is not None else None, z)
                        masked = None if tokens is None else twins.masked(tokens, x, y, z)
                        entry = None if masked is None else twins.find(masked, tokens, x, y)
                        twin = None if entry is None else twins.match(entry, tokens, x, y, z)
                        if twin is not None:
                            cols.append((2, twin[0], z))
                            if timers is not None:
                                timers.extend(twin[2])
                            continue
                    omasked = otokens = rvs = None
                    if objects is not None and key[0] == "Pod" and type(x) is str and type(y) is str:
                        # its identity strings (the runtime records' twins read them too)
                        view = views.get(key) if views is not None else None
                        c = None
                        if view is None:
                            view = c = json.loads(z)
                        if type(v0[0]) is int and type(v1[0]) is int and type(v2[0]) is int:
                            rvs = (str(v0[0]), str(v1[0]), str(v2[0]))  # its revisions: the objects' ``rv``
                            otokens = objects.tokens(view)
                        omasked = None if otokens is None else objects.masked(otokens, z, rvs[2])
                        oentry = None if omasked is None else objects.find(omasked, otokens, x, y, rvs[0], rvs[1])
                        twin = None if oentry is None else objects.match(oentry, otokens, z, rvs)
                        if pods is not None and twins is None:
                            pods[key] = view
                        if twin is not None:
                            cols.append((2, twin, z))
                            continue
                        if oentry is not None:
                            omasked = None  # a model compared already (or none kept): not learned again
                        if c is None:
                            c = json.loads(z)
                        if dumps(c) != z:  # ``strict_json``
                            raise NotAlike("a body not written as the store writes it")
                    else:
                        # the last is checked to be written as the store writes it (what is written is its shape
                        # moved on); the earlier two give only the steps of its values
                        c = strict_json(z)
                    if pods is not None and twins is None and key[0] == "Pod":
                        pods[key] = c
                    if by_text and type(x) is str and type(y) is str:
                        # the values that move read in the texts, where they alone differ (``alike.text_moves``):
                        # the marks all the processes' (``_same_marks``) and the timers of the earlier two read alone
                        found = None
                        if not marks or _marks_known(c) == z.count(_MARK):
                            found = text_moves(x, y, z, shift, _MARK if marks else None)
                        stay = None
                        if found is not None and timers is not None:
                            stay = _text_timers(x, y, z, c, found[1])
                            if stay is None:
                                found = None
                        if found is not None:
                            cols.append((2, found[0], z))
                            if omasked is not None:
                                objects.learn(omasked, otokens, x, y, rvs[0], rvs[1])
                            if stay:
                                timers.extend(stay)
                            if masked is not None and entry is None:
                                twins.learn(masked, tokens, x, y, marks, stay or set())
                            continue
                    a, b = json.loads(x), json.loads(y)
                    if marks:
                        _same_marks((a, b), c)
                    cols.append((1, moves(a, b, c, shift), c))
                    if timers is not None:
                        timers.extend(_timers(a) & _timers(b) & _timers(c))
                else:
                    cols.append((0, moves(x, y, z, shift), z))
            out[key] = cols
        return out

    def _extrapolate(self, cols: list, n: int, memo: dict | None = None) -> tuple:
        """The columns n minutes after s2 (a JSON column encoded as the store writes it): what ``ahead`` gives from
        the three boundaries, made along the paths that move (``alike.moved``), or its leaves' texts put in s2's
        text (``alike.text_moved``, with the jump's ``memo`` of leaf texts)."""
        shift = self.shift
        out = []
        for how, m, c in cols:
            if how == 2:  # a text and the leaves that move in it
                out.append(text_moved(c, m, n, shift, memo))
                continue
            v = moved(m, c, n, shift)
            out.append(dumps(v) if how else v)
        return tuple(out)

    def _history(self, tx, s0: _FlapState, s1: _FlapState, s2: _FlapState) -> dict:
        """uid -> the entries (seq, at_ms, body) of the second minute, checked to be the first minute's moved by a
        minute (and by as many entries)."""
        if not (set(s0.history) == set(s1.history) == set(s2.history)):
            raise NotAlike("pods' histories came or went")
        out = {}
        for uid, seq2 in s2.history.items():
            seq0, seq1 = s0.history[uid], s1.history[uid]
            if seq2 == seq1 == seq0:
                continue
            if seq2 - seq1 != seq1 - seq0:
                raise NotAlike("a history moved unevenly")
            rows = list(tx.conn.execute("SELECT seq, at_ms, body FROM history WHERE uid=? AND seq>? ORDER BY seq",
                                        (uid, seq0)))
            k = seq1 - seq0
            first, second = rows[:k], rows[k:]
            if len(second) != k or [(s + k, at + PERIOD, body) for s, at, body in first] != second:
                raise NotAlike("the minutes' history entries differ")
            out[uid] = (k, second)
        return out

    def _changes_alike(self, tx, s0: _FlapState, s1: _FlapState, s2: _FlapState) -> None:
        """The second minute's change-log rows are the first's, each dr revisions on, all MODIFIED. Compared by
        SQLite, row to row (``rv`` is the table's key, so rows matched one to one and as many in both minutes are
        the two lists equal in order; ``IS`` compares text byte for byte), not read into Python: a thousand pods
        write some 4,000 rows a minute."""
        dr = s1.revision - s0.revision
        if dr != self.dr:
            raise NotAlike("the minutes' changes differ")
        conn = tx.conn
        first, second, other = conn.execute(
            "SELECT count(CASE WHEN rv <= ? THEN 1 END), count(CASE WHEN rv > ? THEN 1 END), "
            "count(CASE WHEN rv > ? AND type IS NOT 'MODIFIED' THEN 1 END) FROM changes WHERE rv > ? AND rv <= ?",
            (s1.revision, s1.revision, s1.revision, s0.revision, s2.revision)).fetchone()
        (matched,) = conn.execute(
            "SELECT count(*) FROM changes AS a JOIN changes AS b ON b.rv = a.rv + ? WHERE a.rv > ? AND a.rv <= ? "
            "AND a.type IS b.type AND a.kind IS b.kind AND a.namespace IS b.namespace AND a.name IS b.name "
            "AND a.uid IS b.uid AND a.body IS b.body", (dr, s0.revision, s1.revision)).fetchone()
        if not first == second == matched:
            raise NotAlike("the minutes' changes differ")
        if other:
            raise NotAlike("objects came or went")

    def periods(self, to_ms: int) -> int:
        """How many minutes the jump may cover: up to ``to_ms`` and before any wake-up that does not move."""
        end = to_ms if self.fixed is None else min(to_ms, self.fixed - 1)
        return max(0, (end - self.s2.now) // PERIOD)

    # ---- the jump -------------------------------------------------------------------------------------------
    def jump(self, tx, n: int) -> None:
        """Move the store n minutes on from s2 (the clock at s2)."""
        s0, s1 = self._before
        s2 = self.s2
        tx.flush(rows=False)  # the objects' rows are made again by their writes below
        for key, v2 in s2.meta.items():
            v = ahead(s0.meta[key], s1.meta[key], v2, n, None)
            if v != v2:
                tx.set_meta(key, v)
        # the objects and the records written as one at a time would, in the same order, each in one statement; the
        # twins' leaves move alike (their times, counts): each new leaf text made once (``alike.text_moved``)
        memo: dict | None = {} if LEAF_TEXTS else None
        restored = []
        for key, cols in self.objects.items():
            rv, body = self._extrapolate(cols, n, memo)  # the body's text, as the store's encoder writes it
            if type(body) is not str or body[:1] != "{":
                raise NotAlike("an object's body")
            restored.append((*key, rv, body))
        tx.restore_many(restored)
        tx.put_runtimes([(*key, *self._extrapolate(cols, n, memo)) for key, cols in self.runtime.items()])
        conn = tx.conn
        # one statement for all the events (a thousand flapping pods have as many): the same rows written
        conn.executemany("UPDATE events SET rv=?, last_ms=?, body=? WHERE namespace=? AND name=?",
                         [self._extrapolate(cols, n, memo)[1:] + key for key, cols in self.events.items()])
        conn.execute("DELETE FROM events WHERE last_ms <= ?", (s2.now + n * PERIOD - self.ttl,))
        entries = []  # each pod's entries of the second minute: (uid, k, seq, at_ms, body)
        trim = []
        for uid, (k, second) in self.history.items():
            entries.extend([(uid, k, seq, at, body) for seq, at, body in second])
            last = second[-1][0] + n * k
            if last >= history.MAX_ENTRIES:
                trim.append((uid, last - history.MAX_ENTRIES))
        # each pod's entries of the second minute, i minutes and i*k entries on, for i in 1..n: made by SQLite (a
        # thousand pods for an hour are some 100,000 rows) from those entries as read (``_history``), given as one
        # JSON array and made a table once; the rows are not read from the table written to, which has SQLite hold
        # all the rows made in a temporary table before inserting them (insert.c ``readsTable``: a quarter of the
        # statement's time for 100,000 rows). The table has no rowid, so the order of the inserts leaves no trace.
        conn.execute(_HISTORY_INSERT, (n, dumps(entries), PERIOD))
        conn.executemany("DELETE FROM history WHERE uid=? AND seq<=?", trim)
        tx.history_moved()


# the jump's history entries (``_Learned.jump``). Each entry of the second minute, then each minute: CROSS JOIN keeps
# SQLite's nesting as written (https://www.sqlite.org/optoverview.html#crossjoin), so each pod's entries go in
# within its own keys, and the entries are read from the table made once of the JSON array (MATERIALIZED, SQLite
# 3.35: https://www.sqlite.org/lang_with.html#materialization_hints; a CTE read once is otherwise flattened into the
# statement and its five json_extract made again for every row) rather than found by an automatic index on the pod
# for each of its minutes: a fifth less time for 114,000 rows. An older SQLite gets the statement that reads the
# CTE twice (the pods, then their minutes, then their entries: a CTE read twice is materialized), the same rows
# (tests/unit/test_flap_skip.py compares the two).
_HISTORY_BY_ENTRY = (
    "WITH RECURSIVE i(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM i WHERE m < ?), "
    "h(uid, k, seq, at_ms, body) AS MATERIALIZED (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
    "json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]') FROM json_each(?)) "
    "INSERT INTO history (uid, seq, at_ms, body) SELECT h.uid, h.seq + i.m * h.k, h.at_ms + i.m * ?, h.body "
    "FROM h CROSS JOIN i")
_HISTORY_BY_POD = (
    "WITH RECURSIVE i(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM i WHERE m < ?), "
    "h(uid, k, seq, at_ms, body) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
    "json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]') "
    "FROM json_each(?)), s(uid) AS (SELECT DISTINCT uid FROM h) "
    "INSERT INTO history (uid, seq, at_ms, body) SELECT h.uid, h.seq + i.m * h.k, h.at_ms + i.m * ?, h.body "
    "FROM s CROSS JOIN i CROSS JOIN h ON h.uid = s.uid")
_HISTORY_INSERT = _HISTORY_BY_ENTRY if sqlite3.sqlite_version_info >= (3, 35, 0) else _HISTORY_BY_POD


def eligible(cluster, to_ms: int) -> bool:
    """Whether a run to ``to_ms`` may skip repeating minutes: long enough, nobody watching, not turned off, no
    CronJob's timer (the CronJob skip's)."""
    tx = cluster.tx
    if to_ms - tx.now_ms < AFTER_MS:
        return False
    if not unwatched(cluster) or cronjob_timer(tx):
        return False
    # only a process that wakes by itself (a ``proc`` timer: a loop that sleeps) changes a pod on its own; without
    # one, steady probes are dormant and failing ones parked, and stepping the advance costs little already
    tx.flush(rows=False)
    if not _proc_timer(tx):
        return False
    return _steady(tx)


_TIMERS_END = '"timer_seq":'  # the key after a pod record's timers (kubelet/records.py PodRecord.to_json)


def _proc_timer(tx) -> bool:
    """Whether a pod's runtime record has a ``proc`` timer. Looked for in the text before its ``timer_seq`` key
    (the timers come first; a record without that key is read whole): a thousand records without one are some
    9 MB of text, a few hundred bytes each to search rather than all of it (a quarter of the time; reading the
    rows is the rest). A JSON string holds no bare quote, so the pattern is found only as a timer's kind."""
    return tx.conn.execute(
        "SELECT 1 FROM runtime WHERE kind='Pod' AND instr(CASE WHEN instr(body, ?) > 0 "
        "THEN substr(body, 1, instr(body, ?)) ELSE body END, ?) LIMIT 1",
        (_TIMERS_END, _TIMERS_END, '"kind":"proc"')).fetchone() is not None


def _steady(tx) -> bool:
    """Every pod's containers are running and none has restarted. A restarted container may be in a crash loop,
    which the kubelet jumps over up to a run's end (``PodWorker.cycle_single``): a minute's run would end inside
    it and store the pod there, as a run of the loop that ends at that instant stores it, not as one long run
    does; a container not running yet (or any more) may start one."""
    tx.flush_objects()
    return tx.conn.execute(_UNSTEADY).fetchone() is None


# a pod whose containers are not all running, or one of which restarted (``_steady``). Each pod's text is parsed
# once, for its two lists of statuses together (a JSON array of the two values, null where one is missing), and
# the lists are read from that short text: the text is some 4 KB, the lists a fifth of it, and SQLite parses a text
# again for each function given it (json.c ``jsonParseCached`` keeps few, and not for ``json_each``): a quarter
# less time than parsing each pod's text three times (23 -> 17 ms for a thousand pods). tests/unit/test_flap_skip.py
# holds it against the three parses on pods of many shapes.
_UNSTEADY = (
    "SELECT 1 FROM (SELECT json_extract(body, '$.status.containerStatuses', '$.status.initContainerStatuses') "
    "AS both_ FROM objects WHERE kind='Pod') WHERE json_type(both_, '$[0]') IS NOT 'array' "
    "OR EXISTS (SELECT 1 FROM json_each(both_, '$[0]') AS c "
    "WHERE json_extract(c.value, '$.restartCount') > 0 OR json_type(c.value, '$.state.running') IS NULL) "
    "OR EXISTS (SELECT 1 FROM json_each(both_, '$[1]') AS c WHERE json_extract(c.value, '$.restartCount') > 0) "
    "LIMIT 1")


def _started_before(tx, at_ms: int) -> bool:
    """Whether every running container of every pod started before ``at_ms`` (and some pod has one)."""
    from minikctl.kube.timefmt import rfc3339

    tx.flush_objects()
    rows = tx.conn.execute(
        "SELECT count(*), max(json_extract(c.value, '$.state.running.startedAt')) FROM objects, "
        "json_each(objects.body, '$.status.containerStatuses') AS c WHERE objects.kind='Pod'").fetchone()
    return bool(rows[0]) and type(rows[1]) is str and rows[1] < rfc3339(at_ms)


def skip(cluster, to_ms: int, give_way: "Callable[[], bool] | None" = None) -> None:
    """Step minute by minute until two minutes are alike, then jump as far as the advance and the records that do
    not move allow (the module's docstring); the caller steps the rest to ``to_ms``. ``give_way()`` true ends the
    learning (the minutes stepped so far are kept)."""
    import gc

    from minikctl.engine.loop import _defer_full_collections

    # the states, what moves and the jump are made beside the loop's caches: full collections as rare as in a run
    # of the loop (``Loop.run``), which traverse them all (three during the learning of a thousand flapping pods)
    thresholds = _defer_full_collections()
    try:
        _skip(cluster, to_ms, give_way)
    finally:
        gc.set_threshold(*thresholds)


def _skip(cluster, to_ms: int, give_way: "Callable[[], bool] | None") -> None:
    tx = cluster.tx
    ttl = tx.event_ttl_ms()
    # the store now, as a run of the loop to this instant leaves it, when every container has run a minute already
    # (a pod's first minute makes what no later one makes: its first probe failures' events): the first minute
    # may then be the first of the two learned
    early = None
    if _started_before(tx, tx.now_ms - PERIOD):
        cluster.loop.run(tx.now_ms)
        early = _FlapState(tx)
    # a first minute in the caller's loop: a cluster whose pods did not change in it has nothing worth learning
    # (steady probes are dormant, failing ones parked: stepping it is cheap already)
    revision = tx.revision()
    cluster.loop.run(tx.now_ms + PERIOD)
    tx.flush(rows=False)
    if tx.conn.execute("SELECT 1 FROM changes WHERE rv > ? AND kind='Pod' LIMIT 1", (revision,)).fetchone() is None:
        return
    if not _steady(tx):
        return
    states = [_FlapState(tx)] if early is None else [early, _FlapState(tx)]
    names = Names(tx)
    for _ in range(LEARN_PERIODS):
        if to_ms - tx.now_ms < 3 * PERIOD or (give_way is not None and give_way()):
            return
        cluster.loop.run(tx.now_ms + PERIOD)
        if not _steady(tx):
            return
        states = states[-2:] + [_FlapState(tx)]
        if len(states) < 3:
            continue
        try:
            learned = _Learned(tx, names, *states, ttl)
            n = learned.periods(to_ms)
        except UNLIKE:  # not alike (yet), or a shape the skip does not know: stepped
            continue
        if n < 1 or not learned.dr:
            return  # nothing moves (or nothing may be skipped): the advance is stepped
        start = tx.now_ms
        try:
            with tx.savepoint():
                cluster.drop_loop()  # the components' caches hold the learned minutes
                learned.jump(tx, n)
                tx.set_now(start + n * PERIOD)
                tx.compact_changes(keep=0)  # the skipped revisions have no rows (the module's docstring)
        except UNLIKE:
            cluster.drop_loop()
        return

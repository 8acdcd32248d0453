"""v1 Events: recorded by the API's event recorder, aggregated as client-go's EventCorrelator does (the same event
again: its count; the 10th distinct message of one object, type, reason and source within 10 minutes: one
"(combined from similar events)" event; the correlator's spam filter, which throttles how often an object's
events are sent, is not modelled).

Stored in their own table (``events``), keyed by namespace and name, with the columns needed to find an object's
events (``involved_uid``), expire them (``last_ms``) and watch them (``rv``, their resourceVersion). An event's
``body`` is compact (``pack``): a JSON array of what the columns and the recorder's fixed shape do not say already
(its uid, times as seconds, count, type, reason, message, source, the involved object's kind and
resourceVersion...), made whole again when read (``unpack``, the same dict in the same key order); an event of
any other shape keeps its whole JSON. Repeats are aggregated by a key (``dedup``: the same involved object, type,
reason, message and source) derived from the body. Aggregation happens in memory during a transaction and is
written back at the flush, so a crash loop that repeats the same few events thousands of times per advance costs a
few rows. (Stores of format minikctl-store/2 kept each event's whole JSON and its key in columns of their own,
with an index on the key: 1.2 KiB an event; ``migrate`` rewrites them.)

The aggregator's view of an object's events is the recorder's own memory, not the API server's: client-go keeps
its EventCorrelator's cache in the memory of the component that records (the kubelet, the controller manager), and
the TTL is kube-apiserver's. An event the TTL removes may still be counted by the aggregator (its 10-minute window,
and the run of events before it with no gap over 10 minutes): such entries are kept in the ``correlator`` table
when their event goes, so that where a long advance is cut into committed steps (each of which reads the view
back from the store) does not change which events are combined.

Events live an hour after their last write, as the API server's ``--event-ttl`` (1h) leases them in etcd: every
flush drops those last written that long ago or more on the virtual clock (a long advance flushes now and then, so
what it records stays bounded too). A store keeps the TTL it was created with (``MINIKCTL_EVENT_TTL``, a duration;
0 keeps events for ever), in its meta ``event_ttl_ms``.
"""

from __future__ import annotations

import json
import os
import sqlite3

from minikctl.kube import jsontext

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    namespace TEXT NOT NULL, name TEXT NOT NULL, involved_uid TEXT NOT NULL,
    rv INTEGER NOT NULL, last_ms INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (namespace, name)
);
CREATE INDEX IF NOT EXISTS events_involved ON events (involved_uid);
CREATE INDEX IF NOT EXISTS events_last ON events (last_ms)
"""
# the EventAggregator's records of events the API server no longer has (expired by the TTL, or deleted with their
# namespace) while the recorder would still count them (``EventLog._remember``); a store made before it gets it
# from the next writer (``ensure_correlator``)
CORRELATOR = """
CREATE TABLE IF NOT EXISTS correlator (
    involved_uid TEXT NOT NULL, grp TEXT NOT NULL, message TEXT NOT NULL, last_ms INTEGER NOT NULL,
    PRIMARY KEY (involved_uid, grp, message)
)"""

EVENT_TTL_MS = 3_600_000  # kube-apiserver --event-ttl (default 1h)


def ttl_from_environment() -> int:
    """The event TTL of a new store: ``MINIKCTL_EVENT_TTL`` (a Go duration), else an hour."""
    import os

    raw = os.environ.get("MINIKCTL_EVENT_TTL")
    if not raw:
        return EVENT_TTL_MS
    from minikctl.kube.errors import ClientError
    from minikctl.kube.timefmt import parse_go_duration

    try:
        ms = parse_go_duration(raw.strip() + ("s" if raw.strip().isdigit() and raw.strip() != "0" else ""))
    except ValueError as e:
        raise ClientError(f"invalid MINIKCTL_EVENT_TTL {raw!r}: {e}") from None
    return max(0, ms)
FLUSH_EVERY = 20_000  # events held in memory before a flush (and expiry) during a long advance

# check_circular=False: what is written is decoded JSON or built from it, never a cycle (the check keeps a dict
# of every container it enters; the bytes are the same: Lib/json/encoder.py JSONEncoder.iterencode)
_dumps = jsontext.encoder()  # json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode
AGGREGATE_MAX_EVENTS = 10  # record.defaultAggregateMaxEvents
AGGREGATE_INTERVAL_MS = 600_000  # record.defaultAggregateIntervalInSeconds
AGGREGATED = "\x01combined"  # the message part of a combined event's dedup key

# ---- the compact body -------------------------------------------------------------------------------------
# what record_event makes, key by key: an event of exactly this shape is stored compact
_KEYS = ("apiVersion", "kind", "metadata", "involvedObject", "reason", "message", "source", "firstTimestamp",
         "lastTimestamp", "count", "type", "eventTime", "reportingComponent", "reportingInstance")
_META = ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
_INVOLVED = ("apiVersion", "kind", "name", "namespace", "uid", "resourceVersion")
_SOURCE = ("component",)
_SOURCE_HOST = ("component", "host")
_secs: dict = {}  # timestamp text -> its whole seconds, for the texts rfc3339 writes back the same


def _seconds(text) -> int | None:
    """The epoch seconds of a metav1.Time text, when rfc3339 writes them back as the same text; else None."""
    found = _secs.get(text)
    if found is None and type(text) is str:
        from minikctl.kube.timefmt import parse_rfc3339, rfc3339

        try:
            ms = parse_rfc3339(text)
        except ValueError:
            return None
        if ms % 1000 or rfc3339(ms) != text:
            return None
        if len(_secs) >= 100_000:
            _secs.clear()
        found = _secs[text] = ms // 1000
    return found


def dedup_key(uid: str, type_: str, reason: str, message: str, component: str, field_path: str = "") -> tuple:
    """The key under which repeats of an event are aggregated (the message part is AGGREGATED for the combined
    event of similar ones): a tuple of its parts, so that two events differ whatever characters their strings hold
    (a message with a NUL in it is not another event's message and component)."""
    return (uid, type_, reason, message, component, field_path) if field_path else (
        uid, type_, reason, message, component)


def event_name(involved_name: str, at_ms: int, n: int) -> str:
    """A new event's name, as the kubelet's recorder makes it ("<name>.<hex of the time in ns>", the event counter's
    ``n`` in the nanoseconds): names sort in the order events were created, so same-second events list (and
    describe) chronologically."""
    return f"{involved_name}.{at_ms * 1_000_000 + n % 1_000_000:x}"


def _key_text(key: tuple):
    """A key as an event of another shape stores it (``pack``): its parts joined by NULs, as stores always wrote
    them, or, when a part holds a NUL itself (that text would be another key's too), the list of its parts."""
    for part in key:
        if type(part) is not str or "\0" in part:
            return list(key)
    return "\0".join(key)


def _text_key(text) -> tuple | None:
    """The key ``_key_text`` wrote (a list, or NUL-joined parts: a list's JSON holds no NUL, a joined key does)."""
    if type(text) is list:
        return tuple(text)
    return tuple(text.split("\0")) if type(text) is str else None


def _group_text(grp: tuple) -> str:
    """An aggregation group (type, reason, component) as the ``correlator`` table keeps it: its parts joined by NULs,
    or the JSON list of them when a part holds a NUL (a JSON text holds none: ``_text_group`` tells them apart)."""
    return _dumps(list(grp)) if any("\0" in part for part in grp) else "\0".join(grp)


def _text_group(text: str) -> tuple:
    return tuple(text.split("\0")) if "\0" in text else tuple(json.loads(text))


def pack(ns: str, name: str, involved_uid: str, last_ms: int, dedup: tuple, ev: dict) -> str:
    """The stored body of an event (``unpack`` reads it back): a JSON array of what the row's columns (namespace,
    name, involved object's uid, resourceVersion, last time) and the recorder's fixed shape do not say, or the
    event's whole JSON with its ``dedup`` when it has another shape.

    [combined, uid, last - first (s), first - creationTimestamp (s), count, type, reason, message, source component,
    source host, involved apiVersion, involved kind, involved name (0: the part of the event's name before its
    last '.'), involved resourceVersion, fieldPath]"""
    meta, inv, src = ev.get("metadata"), ev.get("involvedObject"), ev.get("source")
    compact = (tuple(ev) == _KEYS and ev["apiVersion"] == "v1" and ev["kind"] == "Event" and ev["eventTime"] is None
               and type(meta) is dict and tuple(meta) == _META and meta["name"] == name and meta["namespace"] == ns
               and type(meta["uid"]) is str and type(meta["resourceVersion"]) is str
               and type(inv) is dict and tuple(inv)[:6] == _INVOLVED and inv["namespace"] == ns
               and inv["uid"] == involved_uid and type(src) is dict and type(ev["count"]) is int
               and ev["reportingComponent"] == src.get("component") and type(ev["reportingComponent"]) is str)
    if compact:
        fp = ""
        if len(inv) == 7:
            fp = inv.get("fieldPath")
            compact = type(fp) is str and fp != ""
        elif len(inv) != 6:
            compact = False
    if compact:
        host = src.get("host", "")
        compact = (tuple(src) == (_SOURCE_HOST if host else _SOURCE) and type(host) is str
                   and ev["reportingInstance"] == host)
    if compact:
        first, created, last = (_seconds(ev["firstTimestamp"]), _seconds(meta["creationTimestamp"]),
                                _seconds(ev["lastTimestamp"]))
        compact = first is not None and created is not None and last is not None and last * 1000 == last_ms
    if compact:
        values = (ev["type"], ev["reason"], ev["message"], inv["apiVersion"], inv["kind"], inv["name"],
                  inv["resourceVersion"])
        compact = all(type(v) is str for v in values)
    if compact:
        type_, reason, message, component = ev["type"], ev["reason"], ev["message"], src["component"]
        if dedup == dedup_key(involved_uid, type_, reason, message, component, fp):
            combined = 0
        elif dedup == dedup_key(involved_uid, type_, reason, AGGREGATED, component, fp):
            combined = 1
        else:
            compact = False
    if not compact:
        return _dumps({"dedup": _key_text(dedup), "event": ev})
    inv_name = inv["name"]
    return _dumps([combined, meta["uid"], last - first, first - created, ev["count"], type_, reason, message,
                   component, host, inv["apiVersion"], inv["kind"],
                   0 if name.rpartition(".")[0] == inv_name else inv_name, inv["resourceVersion"], fp])


def _fresh_body(combined: bool, at: int, uid, type_, reason, message, api, kind, inv_name, inv_rv, component,
                host, fp) -> str | None:
    """What ``pack`` gives for an event ``record_event`` has just made at ``at`` from these values (count 1, its
    three times ``at``, its name the involved object's and a counter), written without checking its shape again:
    the shape is the recorder's own, only the types of the values given to it and the times are checked here. None
    when ``pack`` would keep the event whole (a value that is not a string, a time off the second).

    The text is ``_dumps`` of the array ``pack`` writes, [combined, uid, 0, 0, 1, type, reason, message, component,
    host, api, kind, 0, involved resourceVersion, fieldPath]: the encoder writes an array of strings and integers as
    its items' texts between commas (Lib/json/encoder.py ``_iterencode_list``), so the text is made of the pieces
    between the event's uid and the involved object's resourceVersion, the same for every event of one object's
    kind, type, reason, message and source (``_pieces``: made once), and those two strings encoded."""
    memo = _second  # _on_the_second's memo of the instant asked last (the events of one instant ask once)
    if not (memo[1] if memo[0] == at else _on_the_second(at)):
        return None  # (pack compares the stored last time with the one parsed back from the text)
    if type(uid) is not str or type(inv_name) is not str or type(inv_rv) is not str:
        return None
    key = (combined, type_, reason, message, component, host, api, kind, fp)
    pieces = _pieces.get(key, _pieces)
    if pieces is _pieces:
        pieces = None
        if all(type(v) is str for v in key[1:]):
            pieces = (f"[{int(combined)},", ",0,0,1," + ",".join(_dumps(v) for v in key[1:8]) + ",0,",
                      "," + _dumps(fp) + "]")
        if len(_pieces) >= 4096:
            _pieces.clear()
        _pieces[key] = pieces
    if pieces is None:
        return None
    return pieces[0] + _quote(uid) + pieces[1] + _quote(inv_rv) + pieces[2]


_pieces: dict = {}  # (combined, type, reason, message, component, host, api, kind, fieldPath) -> _fresh_body's
# the text _dumps gives for a string: both encoders write a str with the function given to them for strings, this one
# with ensure_ascii=False (Lib/json/encoder.py JSONEncoder.encode and c_make_encoder's ``encoder``)
_quote = json.encoder.encode_basestring


_second: list = [None, False]  # the last instant _on_the_second was asked about, and its answer


def _on_the_second(at: int) -> bool:
    """Whether an event made at ``at`` has a time ``pack`` stores compact: on the second, and its rfc3339 text parsed
    back the same (the events of one instant ask once)."""
    memo = _second
    if memo[0] != at:
        ok = not at % 1000 and _seconds((_rfc3339 or _import_rfc3339())(at)) == at // 1000
        memo[0], memo[1] = at, ok
    return memo[1]


def unpack(ns: str, name: str, involved_uid: str, rv: int, last_ms: int, body: str) -> tuple[dict, str | None]:
    """The event a row holds and its dedup key (None for a whole event of another store's layout)."""
    b = json.loads(body)
    return _event(ns, name, involved_uid, rv, last_ms, b), _key(involved_uid, b)


def _key(involved_uid: str, b) -> tuple | None:
    """The dedup key of a decoded body."""
    if type(b) is dict:
        return _text_key(b["dedup"]) if "event" in b and "dedup" in b and "apiVersion" not in b else None
    return dedup_key(involved_uid, b[5], b[6], AGGREGATED if b[0] else b[7], b[8], b[14])


def _event(ns: str, name: str, involved_uid: str, rv: int, last_ms: int, b) -> dict:
    """The event of a decoded body."""
    if type(b) is dict:  # a whole event: of another shape (with its key), or as stores before kept them
        return b["event"] if "event" in b and "dedup" in b and "apiVersion" not in b else b
    from minikctl.kube.timefmt import rfc3339

    _combined, uid, span, age, count, type_, reason, message, component, host, api, kind, inv_name, inv_rv, fp = b
    if inv_name == 0:
        inv_name = name.rpartition(".")[0]
    last = last_ms // 1000
    inv = {"apiVersion": api, "kind": kind, "name": inv_name, "namespace": ns, "uid": involved_uid,
           "resourceVersion": inv_rv}
    if fp:
        inv["fieldPath"] = fp
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": ns, "uid": uid, "resourceVersion": str(rv),
                         "creationTimestamp": rfc3339((last - span - age) * 1000)},
            "involvedObject": inv, "reason": reason, "message": message,
            "source": {"component": component, "host": host} if host else {"component": component},
            "firstTimestamp": rfc3339((last - span) * 1000), "lastTimestamp": rfc3339(last * 1000), "count": count,
            "type": type_, "eventTime": None, "reportingComponent": component, "reportingInstance": host}


_COLUMNS = "namespace, name, involved_uid, rv, last_ms, body"  # what unpack takes, in its order
# an object's stored events in the order they were inserted (EventLog._cached_event takes them in that order): the
# order of the index on involved_uid, whose entries of one uid follow their rowids, so SQLite sorts nothing
_OF_UID = f"SELECT {_COLUMNS} FROM events WHERE involved_uid=? ORDER BY rowid"


def migrate(conn) -> int:
    """Rewrite the events table of a minikctl-store/2 store (whole JSON bodies, a dedup column and its unique
    index) in this layout: the same events, compact. Returns how many."""
    conn.execute("ALTER TABLE events RENAME TO events_v2")
    for index in ("events_involved", "events_dedup", "events_last"):
        conn.execute(f"DROP INDEX IF EXISTS {index}")
    for stmt in SCHEMA.strip().split(";"):
        conn.execute(stmt)
    n = 0
    batch = []
    for ns, name, uid, dedup, last_ms, body in conn.execute(
            "SELECT namespace, name, involved_uid, dedup, last_ms, body FROM events_v2"):
        ev = json.loads(body)
        rv = (ev.get("metadata") or {}).get("resourceVersion")
        rv = int(rv) if type(rv) is str and rv.isdigit() else 0
        batch.append((ns, name, uid, rv, last_ms, pack(ns, name, uid, last_ms, _text_key(dedup), ev)))
        n += 1
        if len(batch) >= 5000:
            conn.executemany(f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", batch)
            batch = []
    if batch:
        conn.executemany(f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", batch)
    conn.execute("DROP TABLE events_v2")
    return n


def ensure_correlator(conn) -> None:
    """The ``correlator`` table in a store made before it."""
    conn.execute(CORRELATOR)


def live_chain(entries, now: int) -> list:
    """The entries ([last_ms, message], ...) of one aggregation group that an event at ``now`` or later can still
    count (``EventLog._aggregated``): the run back from ``now`` with no gap over 10 minutes, up to and with the
    latest combined entry (every event after it is combined, whatever came before). Empty when the group's record
    has expired (client-go's ``EventAggregate`` starts a new one when the last event is older than the interval)."""
    out = []
    last = now
    for entry in sorted(entries, reverse=True):
        if last - entry[0] > AGGREGATE_INTERVAL_MS:
            break
        out.append(entry)
        if entry[1] == AGGREGATED:
            break
        last = entry[0]
    return out


def since(conn, rv: int, namespace: str | None = None) -> list[dict]:
    """The stored events whose resourceVersion is after ``rv`` (in ``namespace``; None: all), in no order (a watch
    of events reads them)."""
    sql = f"SELECT {_COLUMNS} FROM events WHERE rv > ?" + (" AND namespace=?" if namespace is not None else "")
    return [unpack(*r)[0] for r in conn.execute(sql, (rv, namespace) if namespace is not None else (rv,))]


# a new event recorded with ``kept=False`` is held as its stored body, its dict made only when read again
# (record_event); MINIKCTL_NO_LAZY_EVENTS=1 makes every dict as it is recorded
LAZY_EVENTS = os.environ.get("MINIKCTL_NO_LAZY_EVENTS", "") in ("", "0")
# an object's stored events decoded only as far as a look-up of their type and reason needs them
# (EventLog._pending); MINIKCTL_NO_LAZY_EVENT_ROWS=1 decodes every row as it is read
LAZY_ROWS = os.environ.get("MINIKCTL_NO_LAZY_EVENT_ROWS", "") in ("", "0")
_needles: dict = {}  # (type, reason) -> the text a compact body holds for them, or None (_needle)
# a replayed wake-up's new events recorded together (EventLog.record_events); MINIKCTL_NO_EVENT_RUNS=1 records
# each with its own record_event
RUNS = os.environ.get("MINIKCTL_NO_EVENT_RUNS", "") in ("", "0")
_STEPPED = ("counter:event", "counter:uid", "revision")  # the store meta a new event steps (record_events)


def _needle(pair: tuple) -> str | None:
    """',"<type>","<reason>",': how a compact body (``pack``) holds the type and reason of ``pair`` as its 6th and
    7th values, when both are strings of printable ASCII characters but quotes and backslashes (written as they
    are); else None."""
    found = _needles.get(pair, _needles)
    if found is _needles:
        found = None
        if all(type(v) is str and v.isascii() and v.isprintable() and '"' not in v and "\\" not in v for v in pair):
            found = f',"{pair[0]}","{pair[1]}",'
        if len(_needles) >= 4096:
            _needles.clear()
        _needles[pair] = found
    return found

_rfc3339 = None  # kube.timefmt.rfc3339, imported by the first event recorded (a command that records none never needs it)


def _import_rfc3339():
    global _rfc3339
    from minikctl.kube.timefmt import rfc3339

    _rfc3339 = rfc3339
    return rfc3339


class EventLog:
    """The Tx's part that records and reads events (mixed into store.db.Tx)."""

    conn: object
    _meta: dict
    watch_events = False
    # the engine's writes held back (``engine/kubelet/parked.py``): called with False before a revision is taken,
    # with True before the events are flushed, so that they happen first
    held = None
    _events: dict
    _ev_rows: dict
    _ev_uids: set
    _ev_raw: dict
    _no_events: set  # uids no stored event or aggregator record names (store/db.py Tx._no_events)
    _groups: dict  # uid -> (type, reason, component) -> [[last_ms, message], ...]: the aggregator's records
    # the TTL floor up to which this transaction deleted the stored events (None: not yet, or undone since)
    _expired_floor: int | None = None
    # whether the ``correlator`` table has rows (None: not read since the last flush or savepoint rollback)
    _correlated: bool | None = None

    def record_event(
        self,
        involved: dict,
        type_: str,
        reason: str,
        message: str,
        component: str,
        host: str = "",
        at_ms: int | None = None,
        field_path: str = "",
        *,
        kept: bool = True,
    ) -> dict | None:
        """Create or aggregate a v1 Event about ``involved`` (same object, reason, message, source → count+1).

        ``kept=False``: the caller drops the event returned (and nobody watches events), so a new event can only
        change through this log's own methods; its stored body is then made now (``_fresh_body``) and kept with it
        until one of them changes it, instead of being checked and packed at the flush; and, unless
        ``MINIKCTL_NO_LAZY_EVENTS`` is set, the event's dict is not made (None is returned): the entry holds the
        involved uid and the revision in its place, and ``_cached_event`` makes the dict from the body (``_event``,
        as ``unpack`` makes a stored one: the same dict in the same key order) when a repeat, a bump or the
        aggregator's combined event reads it again."""
        rfc3339 = _rfc3339 or _import_rfc3339()
        at = self.now_ms if at_ms is None else at_ms
        meta = involved["metadata"]
        ns = meta.get("namespace", "default")
        uid = meta.get("uid", "")
        dedup = dedup_key(uid, type_, reason, message, component, field_path)
        # a replayed event (``kept``) leaves the object's other stored events undecoded (``_pending``)
        pair = None if kept else (type_, reason)
        cached = self._cached_event(dedup, uid, pair)
        if cached is not None:
            cached = self._alive(cached, dedup, uid, at)
        combined = False
        groups = self._groups.get(uid)  # _aggregated's answer without a group of this type, reason and source: no
        if not field_path and groups and (type_, reason, component) in groups and self._aggregated(
                uid, type_, reason, component, message, at, cached is not None):
            # client-go's EventAggregator: the 10th distinct message of one object, type, reason and source
            # within 10 minutes, and every one after it, go to one event, its message the latest one's
            message = "(combined from similar events): " + message
            dedup = dedup_key(uid, type_, reason, AGGREGATED, component)
            combined = True
            cached = self._alive(self._cached_event(dedup, uid, pair), dedup, uid, at)
            if cached:
                cached[2]["message"] = message
        if not field_path:
            self._grouped(uid, type_, reason, component, dedup[3], at)
        if cached:
            ev = cached[2]
            ev["count"] = ev.get("count", 1) + 1
            ev["lastTimestamp"] = rfc3339(at)
            cached[4] = at
            cached[5] = None  # changed: packed at the flush
            ev["metadata"]["resourceVersion"] = str(self.next_rv())
            cached[3] = cached[3] or True
            self._watched_event(ev, "MODIFIED")
            return ev
        if len(self._events) >= FLUSH_EVERY:
            self.flush_events()
        name = event_name(meta["name"], at, self.counter("event"))
        ev_uid = self.new_uid()
        rv = self.next_rv()
        api, kind, inv_rv = involved.get("apiVersion", "v1"), involved.get("kind", ""), meta.get("resourceVersion", "")
        # written at the next flush (with whatever aggregation happens before it)
        body = None
        if not kept and not self.watch_events:
            # combined: its key is the group's (AGGREGATED), never the one of its own message, which has the prefix
            body = _fresh_body(combined, at, ev_uid, type_, reason, message, api, kind, meta["name"], inv_rv,
                               component, host, field_path if field_path else "")
            if body is not None and LAZY_EVENTS and type(uid) is str:
                # its dict is made from the body only if one of this log's methods reads it again (``_cached_event``)
                self._events[dedup] = [ns, name, (uid, rv), "new", at, body]
                return None
        stamp = rfc3339(at)  # its three times
        ev = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": name,
                "namespace": ns,
                "uid": ev_uid,
                "resourceVersion": str(rv),
                "creationTimestamp": stamp,
            },
            "involvedObject": {
                "apiVersion": api,
                "kind": kind,
                "name": meta["name"],
                "namespace": ns,
                "uid": meta.get("uid", ""),
                "resourceVersion": inv_rv,
                **({"fieldPath": field_path} if field_path else {}),
            },
            "reason": reason,
            "message": message,
            "source": {"component": component, **({"host": host} if host else {})},
            "firstTimestamp": stamp,
            "lastTimestamp": stamp,
            "count": 1,
            "type": type_,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": host,
        }
        self._events[dedup] = [ns, name, ev, "new", at, body]
        self._watched_event(ev, "ADDED")
        return ev

    def record_events(self, involved: dict, calls: list) -> None:
        """``record_event(involved, *args, kept=False)`` of each ``args`` of ``calls`` in turn (a replayed wake-up's
        events about its pod, engine/kubelet/waketwins.py ``_replay``), the events that are new, on the second and
        of strings recorded the way ``record_event`` records them lazily (their body made as they are recorded,
        ``_fresh_body``), with the involved object's fields, the instant and the body's pieces read once for the
        run. An event that is not (a repeat, one the aggregator may combine, one with its own time, an object or
        strings of other types, a watched log, one off the second) and every one after it are
        recorded by ``record_event`` itself: what was looked up for it so far (``_cached_event``) it looks up again
        and finds the same."""
        meta = involved["metadata"]
        uid = meta.get("uid", "")
        inv_name = meta["name"]
        inv_rv = meta.get("resourceVersion", "")
        api, kind = involved.get("apiVersion", "v1"), involved.get("kind", "")
        at = self.now_ms
        k = 0
        if (RUNS and LAZY_EVENTS and not self.watch_events and self.held is None and type(uid) is str
                and type(inv_name) is str
                and type(inv_rv) is str and type(api) is str and type(kind) is str
                and (_second[1] if _second[0] == at else _on_the_second(at))):
            ns = meta.get("namespace", "default")
            events = self._events
            groups = self._groups
            quote = _quote
            uid_at = self.uid_at
            ev_uids, ev_raw, ev_rows = self._ev_uids, self._ev_raw, self._ev_rows
            # the counters counter("event"), new_uid and next_rv step (nothing is held: next_rv's ``held`` is
            # None), kept here and written back once
            stored = self._meta
            n_event = int(stored.get("counter:event", "0"))
            n_uid = int(stored.get("counter:uid", "0"))
            revision = int(stored["revision"])
            drawn = None  # the last uid drawn
            try:
                for args in calls:
                    type_, reason, message, component, host, at_ms, field_path = args
                    if at_ms is not None or type(type_) is not str or type(reason) is not str \
                            or type(message) is not str or type(component) is not str or type(host) is not str \
                            or (field_path and type(field_path) is not str):
                        break
                    dedup = dedup_key(uid, type_, reason, message, component, field_path)
                    field_path = field_path or ""
                    if uid not in ev_uids or dedup in events:
                        if self._cached_event(dedup, uid, (type_, reason)) is not None:
                            break
                    else:  # ``_cached_event`` of an object whose stored events were read: its rows of the pair
                        if uid in ev_raw:
                            self._pending(uid, (type_, reason))
                        if dedup in ev_rows:
                            break  # a repeat of a stored event: record_event finds it (_cached_event)
                    if not field_path:  # an event with a field path is never aggregated nor grouped
                        group = groups.get(uid)
                        if group and (type_, reason, component) in group:
                            break  # the aggregator's records of the pair (``_aggregated``)
                        self._grouped(uid, type_, reason, component, message, at)
                    if len(events) >= FLUSH_EVERY:
                        if drawn is not None:  # the counters as record_event leaves them, before the flush
                            stored["counter:event"], stored["counter:uid"] = str(n_event), str(n_uid)
                            stored["revision"] = str(revision)
                        self.flush_events()
                    n_event += 1
                    n_uid += 1
                    revision += 1
                    rv = revision
                    name = event_name(inv_name, at, n_event)
                    ev_uid = drawn = uid_at(n_uid)
                    key = (False, type_, reason, message, component, host, api, kind, field_path)
                    pieces = _pieces.get(key)
                    if pieces is None:  # made (_fresh_body), then read from its memo
                        body = _fresh_body(False, at, ev_uid, type_, reason, message, api, kind, inv_name, inv_rv,
                                           component, host, field_path)
                    else:
                        body = pieces[0] + quote(ev_uid) + pieces[1] + quote(inv_rv) + pieces[2]
                    events[dedup] = [ns, name, (uid, rv), "new", at, body]
                    k += 1
            finally:
                if drawn is not None:  # the counters as record_event leaves them
                    stored["counter:event"] = str(n_event)
                    stored["counter:uid"] = str(n_uid)
                    stored["revision"] = str(revision)
                    self._dirty.update(_STEPPED)
                    self._drawn_uid = drawn
        for args in calls[k:] if k else calls:
            self.record_event(involved, *args, kept=False)

    def _aggregated(self, uid: str, type_: str, reason: str, component: str, message: str, at: int,
                    seen: bool) -> bool:
        """EventAggregator.EventAggregate (client-go tools/record/events_cache.go; 10 events, 600 s): whether
        this event goes to its group's combined event. The group's record is read back from its events: the run
        of them with no gap over 10 minutes that ends within 10 minutes of now; once a combined event is in it,
        every later event is combined; else the 10th distinct message starts it."""
        group = self._groups.get(uid, {}).get((type_, reason, component))
        if not group:
            return False
        last = at
        messages: set[str] = set()
        for when, msg in sorted(group, reverse=True):
            if last - when > AGGREGATE_INTERVAL_MS:
                break
            if msg == AGGREGATED:
                return True
            messages.add(msg)
            last = when
        if seen and message in messages:
            return False
        messages.add(message)
        return len(messages) >= AGGREGATE_MAX_EVENTS

    def _grouped(self, uid: str, type_: str, reason: str, component: str, message: str, at: int) -> None:
        """Note an occurrence in the aggregator's view of the object's events."""
        group = self._groups.setdefault(uid, {}).setdefault((type_, reason, component), [])
        for entry in group:
            if entry[1] == message:
                entry[0] = at
                return
        group.append([at, message])

    def _watched_event(self, ev: dict, type_: str) -> None:
        """Events reach the change feed only while someone watches them (``get events -w``): the kubelet's
        stepping stops at every change in the feed, and events are far more frequent than object writes."""
        if self.watch_events:
            from minikctl.store.changelog import Change

            meta = ev["metadata"]
            self.feed.append(Change(int(meta["resourceVersion"]), type_, "Event", meta["namespace"], meta["name"],
                                    meta["uid"], _dumps(ev), ev, self.writer))

    def _cached_event(self, dedup: tuple, uid: str, pair: tuple | None = None) -> list | None:
        """The entry of the event ``dedup`` names (``_events``), read from the store if it is stored, or None. An
        object's stored events are read at its first look-up (with the aggregator's view of them, ``_groups``);
        ``pair``, the (type, reason) of ``dedup`` when a replayed event (record_event ``kept=False``) looks it up: the
        object's compact rows are then decoded only as far as a look-up of their own type and reason needs them
        (``_pending``); any other look-up decodes them all, at once."""
        cached = self._events.get(dedup)
        if cached is not None:
            made = cached[2]
            if type(made) is tuple:  # recorded without its dict (record_event ``kept``): made now, from its body
                cached[2] = _event(cached[0], cached[1], made[0], made[1], cached[4], json.loads(cached[5]))
            return cached
        if uid not in self._ev_uids:
            self._ev_uids.add(uid)
            groups = self._groups[uid] = {}  # the aggregator's view, read again with the rows
            # an object this transaction created has no stored event yet (Tx._no_events)
            if uid not in self._no_events:
                found = self.conn.execute(_OF_UID, (uid,)).fetchall()
                correlated = self._correlator_rows()
                if not found:
                    pass
                elif pair is not None and LAZY_ROWS and not correlated and all(r[5][:1] == "[" for r in found):
                    self._ev_raw[uid] = found
                else:
                    self._decoded(uid, [(row, json.loads(row[5])) for row in found])
                if correlated:
                    for grp, message, last_ms in self.conn.execute(
                            "SELECT grp, message, last_ms FROM correlator WHERE involved_uid=?", (uid,)):
                        group = groups.setdefault(_text_group(grp), [])
                        for entry in group:
                            if entry[1] == message:
                                entry[0] = max(entry[0], last_ms)
                                break
                        else:
                            group.append([last_ms, message])
        if uid in self._ev_raw:
            self._pending(uid, pair)
        found = self._ev_rows.pop(dedup, None)
        if found is None:
            return None
        row, b = found
        cached = self._events[dedup] = [row[0], row[1], _event(*row[:5], b), False, row[4], None]
        return cached

    def _decoded(self, uid: str, decoded: list) -> None:
        """Stored rows of ``uid`` and their decoded bodies, in the order read, into the rows to look up and the
        aggregator's view."""
        rows = self._ev_rows
        groups = self._groups[uid]
        for row, b in decoded:
            d = _key(uid, b)
            if d is None:
                continue  # a whole event with no key: a migrated store has none
            rows[d] = (row, b)
            if len(d) == 5:
                groups.setdefault((d[1], d[2], d[4]), []).append([row[4], d[3]])

    def _pending(self, uid: str, pair: tuple | None) -> None:
        """Decode the stored rows of ``uid`` not decoded yet that a look-up of ``pair`` (type, reason) needs: those
        whose compact body holds the two strings as its 6th and 7th values, written as ``_dumps`` writes them (for
        strings of printable ASCII but quotes and backslashes, the same text in any body that holds them), in the
        order read; every row when ``pair`` is None or of other strings, or when a row found that way is of another
        pair. A row of another pair adds nothing a look-up of ``pair`` reads: its key and its aggregator's group
        are of its own pair; and the rows of one pair are decoded together, in their order."""
        raw = self._ev_raw[uid]
        needle = _needle(pair) if pair is not None else None
        if needle is not None:
            hits = [r for r in raw if needle in r[5]]
            if not hits:
                return
            decoded = [(r, json.loads(r[5])) for r in hits]
            if all(b[5] == pair[0] and b[6] == pair[1] for _r, b in decoded):
                if len(hits) == len(raw):
                    del self._ev_raw[uid]
                else:
                    self._ev_raw[uid] = [r for r in raw if needle not in r[5]]
                self._decoded(uid, decoded)
                return
        del self._ev_raw[uid]
        self._decoded(uid, [(row, json.loads(row[5])) for row in raw])

    def _alive(self, cached: list | None, dedup: tuple, uid: str, at: int) -> list | None:
        """``cached`` (an event about to be written again at ``at``), or None when the API server's TTL has removed
        it since its last write: what becomes of an event depends on the instants of its writes, not on where the
        store's expiry ran (each commit runs it, so a long advance cut into steps runs it more often). The events
        written so far are then flushed, which writes it as it was and expires it (its entry stays in the
        aggregator's view). The recorder then creates a new event (new name, count 1): client-go's recorder, whose
        cache still has the old one, would get NotFound for its patch and create it again under the old name with
        its count going on (``recordToSink``); the engine forgets it as the API server did."""
        if cached is None:
            return None
        ttl = self.event_ttl_ms()
        if ttl <= 0 or cached[4] > at - ttl:
            return cached
        self.flush_events()
        found = self._cached_event(dedup, uid)
        return None if found is not None and found[4] <= at - ttl else found

    def flush_events(self) -> None:
        """Write back the events aggregated in memory since the last flush."""
        from minikctl.kube.timefmt import parse_rfc3339

        if self.held is not None:
            self.held(True)
        # what was read ahead may now be out of date: read again when next needed
        self._ev_rows.clear()
        self._ev_uids.clear()
        self._ev_raw.clear()
        if not self._events:
            self._expire_events()
            return
        new, changed = [], []
        fresh = self._no_events
        for dedup, (ns, name, ev, state, last, body) in self._events.items():
            if not state:
                continue
            if type(ev) is tuple:  # recorded without its dict, unchanged since (its body as made)
                uid, rv = ev
                if fresh:
                    fresh.discard(uid)
                (new if state == "new" else changed).append((ns, name, uid, rv, last, body))
                continue
            uid = ev["involvedObject"].get("uid", "")
            if fresh:
                fresh.discard(uid)  # stored from now on
            rv = ev["metadata"].get("resourceVersion")
            if body is None:
                last_ms = parse_rfc3339(ev["lastTimestamp"])
                body = pack(ns, name, uid, last_ms, dedup, ev)
            else:
                last_ms = last  # as made (_fresh_body): unchanged since
            row = (ns, name, uid, int(rv) if type(rv) is str and rv.isdigit() else 0, last_ms, body)
            (new if state == "new" else changed).append(row)
        if new or changed:  # an event written with a time the TTL has passed: the next expiry looks again
            oldest = min(r[4] for r in new + changed)
            if self._expired_floor is not None and oldest <= self._expired_floor:
                self._expired_floor = None
        if new:
            self.conn.executemany(f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", new)
        if changed:
            self.conn.executemany("UPDATE events SET rv=?, last_ms=?, body=? WHERE namespace=? AND name=?",
                                  [(r[3], r[4], r[5], r[0], r[1]) for r in changed])
        self._events.clear()
        self._expire_events()

    def event_ttl_ms(self) -> int:
        """The store's event TTL (meta ``event_ttl_ms``; a store made before it had one: an hour); 0 keeps events."""
        return int(self._meta.get("event_ttl_ms", EVENT_TTL_MS))

    def _expire_events(self) -> None:
        """The event TTL: stored events last written the TTL ago or more are gone (called once the events held in
        memory are written)."""
        if self.read_only:  # a read transaction takes no write lock: the next writer deletes them
            return
        ttl = self.event_ttl_ms()
        floor = self.now_ms - ttl
        if ttl > 0 and floor > 0:
            if self._expired_floor is not None and floor <= self._expired_floor:
                return  # done at this floor already, and nothing written since is older (every savepoint flushes)
            self._remember("last_ms <= ?", (floor,))
            self.conn.execute("DELETE FROM events WHERE last_ms <= ?", (floor,))
            self._expired_floor = floor

    def _correlator_rows(self) -> bool:
        """Whether the ``correlator`` table holds anything (read once between two flushes)."""
        found = self._correlated
        if found is None:
            try:
                found = self.conn.execute("SELECT 1 FROM correlator LIMIT 1").fetchone() is not None
            except sqlite3.OperationalError:  # a store made before the table, read without writing
                found = False
            self._correlated = found
        return found

    def _remember(self, where: str, params: tuple) -> None:
        """Before the stored events ``where`` selects are deleted by the API server (the TTL, a namespace's events
        deleted with it): their entries that the recorder's aggregator still counts go to the ``correlator`` table,
        and the entries there it no longer counts are dropped (``live_chain``, seen from now). The events of the
        objects concerned are read from the store as written (call after ``flush_events`` has written them)."""
        conn = self.conn
        # no DISTINCT (the set removes repeats): with it SQLite walks the whole events_involved index for its order
        # and looks up every event's row to test ``where`` (EXPLAIN QUERY PLAN: "SCAN events USING INDEX
        # events_involved"), where the expiry's range on events_last touches only the rows that go
        uids = {r[0] for r in conn.execute(f"SELECT involved_uid FROM events WHERE {where}", params)}
        known = self._correlator_rows()
        if known:
            uids.update(r[0] for r in conn.execute("SELECT DISTINCT involved_uid FROM correlator"))
        if not uids:
            return
        gone = {(r[0], r[1]) for r in conn.execute(f"SELECT namespace, name FROM events WHERE {where}", params)}
        now = self.now_ms
        keep: dict[tuple, int] = {}
        for uid in sorted(uids):
            groups: dict[str, list] = {}
            expiring: set = set()
            for ns, name, _uid, _rv, last_ms, body in conn.execute(
                    f"SELECT {_COLUMNS} FROM events WHERE involved_uid=?", (uid,)):
                parts = _key(uid, json.loads(body)) or ()
                if len(parts) != 5:
                    continue  # an event with a fieldPath, or of another layout: never aggregated
                grp = _group_text((parts[1], parts[2], parts[4]))
                groups.setdefault(grp, []).append([last_ms, parts[3]])
                if (ns, name) in gone:
                    expiring.add((grp, parts[3], last_ms))
            if known:
                for grp, message, last_ms in conn.execute(
                        "SELECT grp, message, last_ms FROM correlator WHERE involved_uid=?", (uid,)):
                    groups.setdefault(grp, []).append([last_ms, message])
                    expiring.add((grp, message, last_ms))
            for grp, entries in groups.items():
                for last_ms, message in live_chain(entries, now):
                    if (grp, message, last_ms) in expiring and last_ms > keep.get((uid, grp, message), -1):
                        keep[(uid, grp, message)] = last_ms
        if known:
            conn.executemany("DELETE FROM correlator WHERE involved_uid=?", [(u,) for u in sorted(uids)])
        if keep:
            conn.executemany("INSERT OR REPLACE INTO correlator (involved_uid, grp, message, last_ms) "
                             "VALUES (?, ?, ?, ?)", [(*k, ms) for k, ms in keep.items()])
        self._correlated = bool(keep)  # every uid with rows was rewritten above

    def bump_event(self, involved: dict, type_: str, reason: str, message: str, component: str,
                   field_path: str, times: int, last_ms: int, revisions: int = 1, rv: int | None = None,
                   keep_rv: bool = False) -> bool:
        """Add ``times`` to an existing aggregated event's count and move its lastTimestamp
        (the engine's fast-forward over periodic cycles). False when there is no such event. ``revisions``: how
        many writes of the event this stands for (each moved the store's revision; the event has the last);
        ``rv``: the revision the last of them took already (none is taken here); ``keep_rv``: the writes take
        their revisions later (engine/kubelet/parked.py ``Jump``), the event keeps its own until then."""
        from minikctl.kube.timefmt import rfc3339

        meta = involved["metadata"]
        uid = meta.get("uid", "")
        dedup = dedup_key(uid, type_, reason, message, component, field_path)
        cached = self._cached_event(dedup, uid)
        if not cached:
            return False
        ev = cached[2]
        ev["count"] = ev.get("count", 1) + int(times)
        ev["lastTimestamp"] = rfc3339(last_ms)
        cached[4] = last_ms
        cached[5] = None  # changed: packed at the flush
        if keep_rv:
            rv = int(ev["metadata"]["resourceVersion"])
        elif rv is None:
            rv = self.next_rv()
            if revisions > 1:
                rv += revisions - 1
                self.set_meta("revision", str(rv))
        ev["metadata"]["resourceVersion"] = str(rv)
        cached[3] = cached[3] or True
        self._watched_event(ev, "MODIFIED")
        return True

    def events_for(self, uid: str) -> list[dict]:
        self.flush_events()
        rows = self.conn.execute(f"SELECT {_COLUMNS} FROM events WHERE involved_uid=? ORDER BY last_ms, name", (uid,))
        return [unpack(*r)[0] for r in rows]

    def list_events(self, namespace: str | None = None) -> list[dict]:
        self.flush_events()
        if namespace is None:
            rows = self.conn.execute(f"SELECT {_COLUMNS} FROM events ORDER BY namespace, name")
        else:
            # the API server lists by name (<object>.<hex time>): grouped by object, then in time order
            rows = self.conn.execute(f"SELECT {_COLUMNS} FROM events WHERE namespace=? ORDER BY name", (namespace,))
        return [unpack(*r)[0] for r in rows]

    def delete_events_in(self, namespace: str) -> None:
        """Every event of a namespace gone (the namespace controller's deletecollection of events)."""
        self.flush_events()
        self._remember("namespace=?", (namespace,))
        self.conn.execute("DELETE FROM events WHERE namespace=?", (namespace,))

    def delete_events_for(self, uid: str) -> None:
        self.flush_events()
        self._remember("involved_uid=?", (uid,))
        self.conn.execute("DELETE FROM events WHERE involved_uid=?", (uid,))

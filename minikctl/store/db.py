"""The embedded store: one SQLite file, one ``BEGIN IMMEDIATE`` transaction per command.

Tables
  meta      key/value: format marker, seed, virtual clock (ms), revision counter, id counters.
  objects   every API object as compact JSON, keyed by (kind, namespace, name); ``rv`` mirrors
            ``metadata.resourceVersion``.
  runtime   the engine's hidden per-pod state (never shown through the API) with the pod's next
            wake-up time, indexed so that advancing the clock only touches pods that are due.
  events    v1 Event objects, with the columns needed to aggregate repeats and find a pod's events.

Everything that looks random (UIDs, container IDs, name suffixes) is derived from the store's seed
and a counter, so the same commands on a fresh store give the same output.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager

from minikctl.kube.errors import ClientError
from minikctl.store import history

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~4 ms a command)
if TYPE_CHECKING:
    from typing import Any, Iterator

FORMAT = "minikctl-store/1"
DEFAULT_EPOCH_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z: the virtual clock of a new store
DEFAULT_SEED = "minikctl"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
    uid TEXT NOT NULL, rv INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (kind, namespace, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runtime (
    namespace TEXT NOT NULL, name TEXT NOT NULL, wake_ms INTEGER, body TEXT NOT NULL,
    PRIMARY KEY (namespace, name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS runtime_wake ON runtime (wake_ms) WHERE wake_ms IS NOT NULL;
CREATE TABLE IF NOT EXISTS events (
    namespace TEXT NOT NULL, name TEXT NOT NULL, involved_uid TEXT NOT NULL,
    dedup TEXT NOT NULL, last_ms INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (namespace, name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_involved ON events (involved_uid);
CREATE UNIQUE INDEX IF NOT EXISTS events_dedup ON events (dedup);
"""

CLUSTER = ""  # namespace value used for cluster-scoped objects


# one encoder for every write (json.dumps with options builds a new one per call); same bytes
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _projection(fields: tuple[str, ...]) -> str:
    """SQL building a JSON object with only ``fields`` (e.g. "metadata.name", "status") of each row's body."""
    tree: dict = {}
    for path in fields:
        if not all(part.replace("_", "").isalnum() for part in path.split(".")):
            raise ValueError(f"bad field path {path!r}")
        node = tree
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = None

    def build(node: dict, prefix: str) -> str:
        items = [f"'{k}', " + (build(v, f"{prefix}.{k}") if v else f"json_extract(body, '{prefix}.{k}')")
                 for k, v in node.items()]
        return "json_object(" + ", ".join(items) + ")"

    return build(tree, "$")


def store_path(explicit: str | None = None) -> str:
    """--store / MINIKCTL_STORE, else $MINIKCTL_HOME/store.db (default ~/.minikctl)."""
    if explicit:
        return os.path.expanduser(explicit)
    env = os.environ.get("MINIKCTL_STORE")
    if env:
        return os.path.expanduser(env)
    home = os.environ.get("MINIKCTL_HOME") or os.path.join(os.path.expanduser("~"), ".minikctl")
    return os.path.join(home, "store.db")


class Store:
    """A connection to one store file."""

    def __init__(self, path: str) -> None:
        self.path = path
        parent = os.path.dirname(path) or "."
        try:
            os.makedirs(parent, exist_ok=True)
        except OSError as e:
            raise ClientError(f'cannot create the store directory "{parent}": {e.strerror}') from None
        if os.path.exists(path) and not os.access(path, os.R_OK | os.W_OK):
            raise ClientError(f'the store "{path}" is not readable and writable')
        try:
            self.conn = sqlite3.connect(path, timeout=120, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.DatabaseError as e:
            raise ClientError(f'the store "{path}" is not a minikctl store ({e})') from None

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator["Tx"]:
        """One command = one transaction. Rolled back on any exception (nothing half-done is kept)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.DatabaseError as e:
            raise ClientError(f'the store "{self.path}" is not a minikctl store ({e})') from None
        tx = Tx(self.conn, self.path)
        try:
            tx.ensure_schema()
            yield tx
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            tx.flush_events()
            tx.flush_runtime()
            tx.flush_objects()
            tx.flush_meta()
            self.conn.execute("COMMIT")


class Tx:
    """Everything a command may do to the store, inside its transaction."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._meta: dict[str, str] = {}
        self._dirty: set[str] = set()
        # events touched in this transaction, written back once (a crash loop aggregates the same few
        # events thousands of times per advance): dedup key -> [namespace, name, event, dirty]
        self._events: dict[str, list] = {}
        # stored events not yet in _events, read per involved object in one query (a pod's few
        # events are looked up together): dedup -> (namespace, name, body); _ev_uids = uids read
        self._ev_rows: dict[str, tuple] = {}
        self._ev_uids: set[str] = set()
        self._history: dict[str, tuple] = {}  # uid -> last (seq, summary) recorded in this transaction
        # while the engine advances (start_due_queue .. end_due_queue): the wake-up order is kept in
        # memory and runtime records are written back once, at the end, instead of at every step
        self._due: list | None = None  # heap of (wake_ms, namespace, name); stale entries skipped
        self._due_bound = 0  # the queue holds every record due at or before this
        self._wakes: dict[tuple, int | None] = {}  # (namespace, name) -> current wake_ms, for the queue
        self._rt: dict[tuple, tuple] = {}  # (namespace, name) -> (wake_ms, body) not yet written
        # objects updated during the queue, written back with it: (kind, namespace, name) -> (rv, body);
        # _stored = keys read from the table during the queue (an update of those cannot miss)
        self._obj: dict[tuple, tuple] = {}
        self._stored: set[tuple] = set()

    # ---- schema and meta ---------------------------------------------------------------
    def ensure_schema(self) -> None:
        try:
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as e:
            raise ClientError(f'the store "{self.path}" is not a minikctl store ({e})') from None
        if "meta" not in tables:
            if tables:
                raise ClientError(f'the store "{self.path}" is not a minikctl store (unexpected tables)')
            for stmt in _SCHEMA.strip().split(";"):
                if stmt.strip():
                    self.conn.execute(stmt)
            seed = os.environ.get("MINIKCTL_SEED", DEFAULT_SEED)
            for k, v in (("format", FORMAT), ("seed", seed), ("clock_ms", str(DEFAULT_EPOCH_MS)), ("revision", "0")):
                self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (k, v))
            self._create_default_namespaces()
        if "history" not in tables:
            history.ensure(self.conn)
        self._meta = dict(self.conn.execute("SELECT key, value FROM meta"))
        if self._meta.get("format") != FORMAT:
            raise ClientError(f'the store "{self.path}" is not a minikctl store (format {self._meta.get("format")!r})')

    def _create_default_namespaces(self) -> None:
        self._meta = dict(self.conn.execute("SELECT key, value FROM meta"))
        for ns in ("default", "kube-node-lease", "kube-public", "kube-system"):
            self.create({"apiVersion": "v1", "kind": "Namespace",
                         "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}},
                         "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
        self.flush_meta()

    def meta(self, key: str, default: str | None = None) -> str | None:
        return self._meta.get(key, default)

    def set_meta(self, key: str, value: str) -> None:
        self._meta[key] = value
        self._dirty.add(key)

    def flush_meta(self) -> None:
        for key in sorted(self._dirty):
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, self._meta[key]))
        self._dirty.clear()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested all-or-nothing step: one object of a multi-object command fails without a trace."""
        self.flush_events()
        self.flush_runtime()
        self.flush_objects()
        meta, dirty = dict(self._meta), set(self._dirty)
        self.conn.execute("SAVEPOINT step")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO SAVEPOINT step")
            self.conn.execute("RELEASE SAVEPOINT step")
            self._meta, self._dirty = meta, dirty
            self._events.clear()
            self._ev_rows.clear()
            self._ev_uids.clear()
            self._obj.clear()  # written inside the step: rolled back with it
            self._rt.clear()
            self._history.clear()
            raise
        else:
            self.conn.execute("RELEASE SAVEPOINT step")

    # ---- clock and deterministic identifiers ------------------------------------------
    @property
    def now_ms(self) -> int:
        return int(self._meta["clock_ms"])

    def set_now(self, ms: int) -> None:
        if ms != self.now_ms:
            self.set_meta("clock_ms", str(ms))

    def counter(self, name: str) -> int:
        """Next value of a named persistent counter (starting at 1)."""
        key = "counter:" + name
        value = int(self._meta.get(key, "0")) + 1
        self.set_meta(key, str(value))
        return value

    def digest(self, *parts: object) -> str:
        """64 hex chars derived from the seed and the given parts."""
        import hashlib  # here, not at the top: OpenSSL's import costs ~5 ms that read-only commands never need

        h = hashlib.sha256(self._meta["seed"].encode())
        for p in parts:
            h.update(b"\0" + str(p).encode())
        return h.hexdigest()

    def new_uid(self) -> str:
        h = self.digest("uid", self.counter("uid"))
        # UUIDv4 shape: version nibble 4, variant 8-b
        return f"{h[0:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"

    def name_suffix(self, n: int = 5) -> str:
        """Like apiserver's generateName suffix: n characters from the non-vowel alphabet."""
        alphabet = "bcdfghjklmnpqrstvwxz2456789"
        h = self.digest("suffix", self.counter("suffix"))
        value = int(h, 16)
        out = []
        for _ in range(n):
            value, r = divmod(value, len(alphabet))
            out.append(alphabet[r])
        return "".join(out)

    def next_rv(self) -> int:
        rv = int(self._meta["revision"]) + 1
        self.set_meta("revision", str(rv))
        return rv

    # ---- objects ----------------------------------------------------------------------
    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        if self._obj:
            pending = self._obj.get((kind, namespace, name))
            if pending is not None:
                return json.loads(pending[1])
        row = self.conn.execute(
            "SELECT body FROM objects WHERE kind=? AND namespace=? AND name=?", (kind, namespace, name)
        ).fetchone()
        if row is None:
            return None
        if self._due is not None:
            self._stored.add((kind, namespace, name))
        return json.loads(row[0])

    def flush_objects(self) -> None:
        """Write back the object updates kept in memory during the due queue."""
        if self._obj:
            self.conn.executemany("UPDATE objects SET rv=?, body=? WHERE kind=? AND namespace=? AND name=?",
                                  [(rv, body, k, ns, name) for (k, ns, name), (rv, body) in self._obj.items()])
            self._obj.clear()

    def exists(self, kind: str, namespace: str, name: str) -> bool:
        if (kind, namespace, name) in self._obj:
            return True
        return self.conn.execute(
            "SELECT 1 FROM objects WHERE kind=? AND namespace=? AND name=?", (kind, namespace, name)
        ).fetchone() is not None

    def list(self, kind: str, namespace: str | None = None, fields: tuple[str, ...] = ()) -> list[dict]:
        """Objects of a kind, ordered by namespace then name (etcd key order).

        ``fields`` (dotted paths) projects each object to just those fields inside SQLite, so a caller
        that prints a few columns of 10,000 objects does not decode them whole; missing fields are None.
        """
        self.flush_objects()
        body = _projection(fields) if fields else "body"
        if namespace is None:
            rows = self.conn.execute(f"SELECT {body} FROM objects WHERE kind=? ORDER BY namespace, name", (kind,))
        else:
            rows = self.conn.execute(
                f"SELECT {body} FROM objects WHERE kind=? AND namespace=? ORDER BY name", (kind, namespace)
            )
        loads = json.loads
        return [loads(r[0]) for r in rows]

    def names(self, kind: str, namespace: str | None = None, prefix: str = "") -> list[str]:
        """Names only (cheap: no JSON decoding), for completion."""
        self.flush_objects()
        sql = "SELECT name FROM objects WHERE kind=? AND name >= ? AND name < ?"
        args: list[Any] = [kind, prefix, prefix + "\U0010ffff"]
        if namespace is not None:
            sql += " AND namespace=?"
            args.append(namespace)
        return [r[0] for r in self.conn.execute(sql + " ORDER BY name", args)]

    def create(self, obj: dict) -> dict:
        """Persist a new object; fills uid, resourceVersion, creationTimestamp, generation."""
        from minikctl.kube.timefmt import rfc3339

        meta = obj.setdefault("metadata", {})
        meta["uid"] = self.new_uid()
        meta["creationTimestamp"] = rfc3339(self.now_ms)
        if obj.get("kind") not in ("Namespace", "Event"):
            meta.setdefault("generation", 1)
        rv = self.next_rv()
        meta["resourceVersion"] = str(rv)
        ns = meta.get("namespace", CLUSTER)
        self.conn.execute(
            "INSERT INTO objects (kind, namespace, name, uid, rv, body) VALUES (?, ?, ?, ?, ?, ?)",
            (obj["kind"], ns, meta["name"], meta["uid"], rv, _dumps(obj)),
        )
        if obj["kind"] == "Pod":
            history.record(self.conn, obj, self.now_ms, self._history)
        return obj

    def update(self, obj: dict) -> dict:
        """Write a changed object back with a new resourceVersion."""
        meta = obj["metadata"]
        rv = self.next_rv()
        meta["resourceVersion"] = str(rv)
        if self._due is not None:
            key = (obj["kind"], meta.get("namespace", CLUSTER), meta["name"])
            if key in self._obj or key in self._stored:  # known to be stored: written back with the queue
                self._obj[key] = (rv, _dumps(obj))
                if obj["kind"] == "Pod":
                    history.record(self.conn, obj, self.now_ms, self._history)
                return obj
        cur = self.conn.execute(
            "UPDATE objects SET rv=?, body=? WHERE kind=? AND namespace=? AND name=?",
            (rv, _dumps(obj), obj["kind"], meta.get("namespace", CLUSTER), meta["name"]),
        )
        if cur.rowcount != 1:
            raise KeyError(f"{obj['kind']} {meta.get('namespace')}/{meta['name']} is not stored")
        if obj["kind"] == "Pod":
            history.record(self.conn, obj, self.now_ms, self._history)
        return obj

    def delete(self, kind: str, namespace: str, name: str) -> None:
        self._obj.pop((kind, namespace, name), None)  # the row itself is still there: deleted below
        self._stored.discard((kind, namespace, name))
        if kind == "Pod":
            row = self.conn.execute("SELECT uid FROM objects WHERE kind=? AND namespace=? AND name=?",
                                    (kind, namespace, name)).fetchone()
            if row:
                history.forget(self.conn, row[0], self._history)
        self.conn.execute("DELETE FROM objects WHERE kind=? AND namespace=? AND name=?", (kind, namespace, name))
        if kind == "Pod":
            self._rt.pop((namespace, name), None)
            if self._due is not None:
                self._wakes[(namespace, name)] = None
            self.conn.execute("DELETE FROM runtime WHERE namespace=? AND name=?", (namespace, name))

    def count(self, kind: str) -> int:
        self.flush_objects()
        return self.conn.execute("SELECT count(*) FROM objects WHERE kind=?", (kind,)).fetchone()[0]

    # ---- engine runtime state -----------------------------------------------------------
    def get_runtime(self, namespace: str, name: str) -> dict | None:
        pending = self._rt.get((namespace, name))
        if pending is not None:
            return json.loads(pending[1])
        row = self.conn.execute("SELECT body FROM runtime WHERE namespace=? AND name=?", (namespace, name)).fetchone()
        return json.loads(row[0]) if row else None

    def put_runtime(self, namespace: str, name: str, state: dict, wake_ms: int | None) -> None:
        if self._due is not None:
            key = (namespace, name)
            self._rt[key] = (wake_ms, _dumps(state))
            self._queue_wake(key, wake_ms)
            return
        self.conn.execute(
            "INSERT OR REPLACE INTO runtime (namespace, name, wake_ms, body) VALUES (?, ?, ?, ?)",
            (namespace, name, wake_ms, _dumps(state)),
        )

    def set_wake(self, namespace: str, name: str, wake_ms: int | None) -> None:
        key = (namespace, name)
        if self._due is not None:
            self._queue_wake(key, wake_ms)
            pending = self._rt.get(key)
            if pending is not None:
                self._rt[key] = (wake_ms, pending[1])
                return
        self.conn.execute("UPDATE runtime SET wake_ms=? WHERE namespace=? AND name=?", (wake_ms, namespace, name))

    def flush_runtime(self) -> None:
        """Write back the runtime records kept in memory by the due queue."""
        if self._rt:
            self.conn.executemany(
                "INSERT OR REPLACE INTO runtime (namespace, name, wake_ms, body) VALUES (?, ?, ?, ?)",
                [(ns, name, wake, body) for (ns, name), (wake, body) in self._rt.items()])
            self._rt.clear()

    def start_due_queue(self, bound_ms: int) -> bool:
        """Keep the wake-up order of every record due at or before ``bound_ms`` in memory (until
        ``end_due_queue``): ``next_due``/``next_due_other`` up to the bound then cost no query, and
        runtime records are written once at the end. False when a queue is already running."""
        import heapq

        if self._due is not None:
            return False
        # a long advance reads and rewrites thousands of rows in one transaction: with the default 2 MiB
        # page cache it spills and re-reads pages. Only advances get the larger cache: a plain read of a
        # big store (get pods on 10,000 pods) would otherwise keep ~50 MiB of pages it never needs again.
        self.conn.execute("PRAGMA cache_size=-65536")
        self.flush_runtime()
        rows = [tuple(r) for r in self.conn.execute(
            "SELECT wake_ms, namespace, name FROM runtime WHERE wake_ms IS NOT NULL AND wake_ms <= ?", (bound_ms,))]
        heapq.heapify(rows)
        self._due = rows
        self._due_bound = bound_ms
        self._wakes = {(r[1], r[2]): r[0] for r in rows}
        return True

    def end_due_queue(self) -> None:
        self._due = None
        self._wakes = {}
        self._stored = set()
        self.flush_runtime()
        self.flush_objects()

    def _queue_wake(self, key: tuple, wake_ms: int | None) -> None:
        self._wakes[key] = wake_ms
        if wake_ms is not None and wake_ms <= self._due_bound:
            import heapq

            heapq.heappush(self._due, (wake_ms, key[0], key[1]))

    def _queue_first(self, skip: tuple | None) -> tuple | None:
        """The first live entry of the queue other than ``skip``'s (stale entries are dropped)."""
        import heapq

        q, wakes = self._due, self._wakes
        held = []
        found = None
        while q:
            e = q[0]
            key = (e[1], e[2])
            if wakes.get(key) != e[0]:
                heapq.heappop(q)
            elif key == skip:
                held.append(heapq.heappop(q))
            else:
                found = e
                break
        for e in held:
            heapq.heappush(q, e)
        return found

    def next_due(self, until_ms: int) -> tuple[int, str, str] | None:
        """The earliest (wake_ms, namespace, name) with wake_ms <= until_ms, in total order."""
        if self._due is not None and until_ms <= self._due_bound:
            e = self._queue_first(None)
            return e if e is not None and e[0] <= until_ms else None
        self.flush_runtime()
        return self.conn.execute(
            "SELECT wake_ms, namespace, name FROM runtime WHERE wake_ms IS NOT NULL AND wake_ms <= ? "
            "ORDER BY wake_ms, namespace, name LIMIT 1",
            (until_ms,),
        ).fetchone()

    def next_due_other(self, until_ms: int, namespace: str, name: str) -> tuple[int, str, str] | None:
        """Like ``next_due`` but ignoring one pod (the engine keeps stepping a pod in memory
        while it stays first in the total order)."""
        if self._due is not None and until_ms <= self._due_bound:
            e = self._queue_first((namespace, name))
            return e if e is not None and e[0] <= until_ms else None
        self.flush_runtime()
        return self.conn.execute(
            "SELECT wake_ms, namespace, name FROM runtime WHERE wake_ms IS NOT NULL AND wake_ms <= ? "
            "AND NOT (namespace = ? AND name = ?) ORDER BY wake_ms, namespace, name LIMIT 1",
            (until_ms, namespace, name),
        ).fetchone()

    def runtime_keys(self) -> list[tuple[str, str]]:
        self.flush_runtime()
        return [tuple(r) for r in self.conn.execute("SELECT namespace, name FROM runtime ORDER BY namespace, name")]

    # ---- events -------------------------------------------------------------------------
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
    ) -> dict:
        """Create or aggregate a v1 Event about ``involved`` (same object, reason, message, source → count+1)."""
        from minikctl.kube.timefmt import rfc3339

        at = self.now_ms if at_ms is None else at_ms
        meta = involved["metadata"]
        ns = meta.get("namespace", "default")
        uid = meta.get("uid", "")
        dedup = "\0".join((uid, type_, reason, message, component))
        if field_path:
            dedup += "\0" + field_path
        cached = self._cached_event(dedup, uid)
        if cached:
            ev = cached[2]
            ev["count"] = ev.get("count", 1) + 1
            ev["lastTimestamp"] = rfc3339(at)
            ev["metadata"]["resourceVersion"] = str(self.next_rv())
            cached[3] = cached[3] or True
            return ev
        # like the kubelet's recorder ("<name>.<hex of the time in ns>"): names sort in the order
        # events were created, so same-second events list (and describe) chronologically
        name = f"{meta['name']}.{at * 1_000_000 + self.counter('event') % 1_000_000:x}"
        ev = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": name,
                "namespace": ns,
                "uid": self.new_uid(),
                "resourceVersion": str(self.next_rv()),
                "creationTimestamp": rfc3339(at),
            },
            "involvedObject": {
                "apiVersion": involved.get("apiVersion", "v1"),
                "kind": involved.get("kind", ""),
                "name": meta["name"],
                "namespace": ns,
                "uid": meta.get("uid", ""),
                "resourceVersion": meta.get("resourceVersion", ""),
                **({"fieldPath": field_path} if field_path else {}),
            },
            "reason": reason,
            "message": message,
            "source": {"component": component, **({"host": host} if host else {})},
            "firstTimestamp": rfc3339(at),
            "lastTimestamp": rfc3339(at),
            "count": 1,
            "type": type_,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": host,
        }
        # written at the next flush (with whatever aggregation happens before it)
        self._events[dedup] = [ns, name, ev, "new"]
        return ev

    def _cached_event(self, dedup: str, uid: str) -> list | None:
        cached = self._events.get(dedup)
        if cached is None:
            if uid not in self._ev_uids:
                self._ev_uids.add(uid)
                rows = self._ev_rows
                for ns, name, d, body in self.conn.execute(
                        "SELECT namespace, name, dedup, body FROM events WHERE involved_uid=?", (uid,)):
                    rows[d] = (ns, name, body)
            row = self._ev_rows.pop(dedup, None)
            if row is None:
                return None
            cached = self._events[dedup] = [row[0], row[1], json.loads(row[2]), False]
        return cached

    def flush_events(self) -> None:
        """Write back the events aggregated in memory since the last flush."""
        from minikctl.kube.timefmt import parse_rfc3339

        # what was read ahead may now be out of date: read again when next needed
        self._ev_rows.clear()
        self._ev_uids.clear()
        if not self._events:
            return
        new, changed = [], []
        for dedup, (ns, name, ev, state) in self._events.items():
            if state == "new":
                new.append((ns, name, ev["involvedObject"].get("uid", ""), dedup, parse_rfc3339(ev["lastTimestamp"]),
                            _dumps(ev)))
            elif state:
                changed.append((parse_rfc3339(ev["lastTimestamp"]), _dumps(ev), ns, name))
        if new:
            self.conn.executemany(
                "INSERT INTO events (namespace, name, involved_uid, dedup, last_ms, body) VALUES (?, ?, ?, ?, ?, ?)",
                new)
        if changed:
            self.conn.executemany("UPDATE events SET last_ms=?, body=? WHERE namespace=? AND name=?", changed)
        self._events.clear()

    def bump_event(self, involved: dict, type_: str, reason: str, message: str, component: str,
                   field_path: str, times: int, last_ms: int) -> bool:
        """Add ``times`` to an existing aggregated event's count and move its lastTimestamp
        (the engine's fast-forward over periodic cycles). False when there is no such event."""
        from minikctl.kube.timefmt import rfc3339

        meta = involved["metadata"]
        uid = meta.get("uid", "")
        dedup = "\0".join((uid, type_, reason, message, component))
        if field_path:
            dedup += "\0" + field_path
        cached = self._cached_event(dedup, uid)
        if not cached:
            return False
        ev = cached[2]
        ev["count"] = ev.get("count", 1) + int(times)
        ev["lastTimestamp"] = rfc3339(last_ms)
        ev["metadata"]["resourceVersion"] = str(self.next_rv())
        cached[3] = cached[3] or True
        return True

    def events_for(self, uid: str) -> list[dict]:
        self.flush_events()
        rows = self.conn.execute("SELECT body FROM events WHERE involved_uid=? ORDER BY last_ms, name", (uid,))
        return [json.loads(r[0]) for r in rows]

    def list_events(self, namespace: str | None = None) -> list[dict]:
        self.flush_events()
        if namespace is None:
            rows = self.conn.execute("SELECT body FROM events ORDER BY namespace, name")
        else:
            # the API server lists by name (<object>.<hex time>): grouped by object, then in time order
            rows = self.conn.execute("SELECT body FROM events WHERE namespace=? ORDER BY name", (namespace,))
        return [json.loads(r[0]) for r in rows]

    def delete_events_for(self, uid: str) -> None:
        self.flush_events()
        self.conn.execute("DELETE FROM events WHERE involved_uid=?", (uid,))


def open_store(explicit: str | None = None) -> Store:
    return Store(store_path(explicit))

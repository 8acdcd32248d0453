"""Runtime records: the simulated cluster's hidden state, never shown through the API.

One row per (kind, namespace, name): a kubelet's record of a pod (``Pod``), a node's own state (``Node``,
namespace ""), a controller's timers for an object (``CronJob``, ``Job``, ...). Each row carries the next
virtual instant it wants to be woken at (``wake_ms``), indexed, so that moving the clock touches only what
is due. The records' shapes belong to their owners (``minikctl/engine``); the store keeps them as JSON.

While the cluster's loop runs (``start_due_queue`` .. ``end_due_queue``) the wake-up order of everything due
before its horizon is kept in a heap, and records are written back once at the end rather than at every step.
The total order of wake-ups is (wake_ms, kind, namespace, name).
"""

from __future__ import annotations

import heapq
import json

from minikctl.kube import jsontext

SCHEMA = """
CREATE TABLE IF NOT EXISTS runtime (
    kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, wake_ms INTEGER, body TEXT NOT NULL,
    PRIMARY KEY (kind, namespace, name)
);
CREATE INDEX IF NOT EXISTS runtime_wake ON runtime (wake_ms) WHERE wake_ms IS NOT NULL
"""

# check_circular=False: what is written is decoded JSON or built from it, never a cycle (the check keeps a dict
# of every container it enters; the bytes are the same: Lib/json/encoder.py JSONEncoder.iterencode)
_dumps = jsontext.encoder()  # json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode
_DUE = "SELECT wake_ms, kind, namespace, name FROM runtime WHERE wake_ms IS NOT NULL AND wake_ms <= ? "


# the clock's last instant (kube.timefmt.MAX_CLOCK_MS): a wake-up after it never happens, and an absurd one
# (a container's `sleep 99999999999999999999999`) must never reach SQLite's 64-bit INTEGER
_LAST_MS = 253_402_300_799_000


def _wake(wake_ms):
    return None if wake_ms is None or wake_ms > _LAST_MS else int(wake_ms)


class RuntimeRecords:
    """The Tx's part that reads and writes runtime records (mixed into store.db.Tx)."""

    conn: object
    _due: list | None
    _due_bound: int
    _wakes: dict
    _rt: dict
    _stored: set

    def get_runtime(self, kind: str, namespace: str, name: str) -> dict | None:
        pending = self._rt.get((kind, namespace, name))
        if pending is not None:
            return None if pending[1] is None else json.loads(pending[1])
        row = self.conn.execute("SELECT body FROM runtime WHERE kind=? AND namespace=? AND name=?",
                                (kind, namespace, name)).fetchone()
        if not row:
            return None
        try:
            value = json.loads(row[0])
        except (ValueError, TypeError):
            value = None
        if not isinstance(value, dict):
            from minikctl.store.damage import damaged

            raise damaged(self.path, f"the runtime record {kind} {namespace}/{name} is not a JSON object")
        return value

    def put_runtime(self, kind: str, namespace: str, name: str, state: dict | None, wake_ms: int | None,
                    body: str | None = None) -> str:
        """Store a record; returns its JSON text (what ``runtime_text`` reads back while nothing else wrote it).
        ``body``: ``state`` as JSON already (an owner that keeps a large record's text as it changes), ``state`` then
        None."""
        key = (kind, namespace, name)
        wake_ms = _wake(wake_ms)
        if body is None:
            body = _dumps(state)
        if self._due is not None:
            self._rt[key] = (wake_ms, body)
            self._queue_wake(key, wake_ms)
            return body
        self.conn.execute("INSERT OR REPLACE INTO runtime (kind, namespace, name, wake_ms, body) VALUES (?, ?, ?, ?, ?)",
                          (kind, namespace, name, wake_ms, body))
        return body

    def put_runtimes(self, rows: list) -> None:
        """``put_runtime`` of each (kind, namespace, name, wake_ms, body text) in turn: one statement when no due
        queue keeps them in memory."""
        if self._due is not None:
            for kind, namespace, name, wake_ms, body in rows:
                self.put_runtime(kind, namespace, name, None, wake_ms, body=body)
            return
        self.conn.executemany(
            "INSERT OR REPLACE INTO runtime (kind, namespace, name, wake_ms, body) VALUES (?, ?, ?, ?, ?)",
            [(kind, namespace, name, _wake(wake_ms), body) for kind, namespace, name, wake_ms, body in rows])

    def runtime_text(self, kind: str, namespace: str, name: str) -> str | None:
        """A record's JSON text as stored (None: there is none), without decoding it: an owner that keeps its records
        decoded knows one is current when this is the text its ``put_runtime`` returned."""
        pending = self._rt.get((kind, namespace, name))
        if pending is not None:
            return pending[1]
        row = self.conn.execute("SELECT body FROM runtime WHERE kind=? AND namespace=? AND name=?",
                                (kind, namespace, name)).fetchone()
        return None if row is None else row[0]

    def delete_runtime(self, kind: str, namespace: str, name: str) -> None:
        key = (kind, namespace, name)
        if self._due is not None:
            self._rt[key] = (None, None)  # a tombstone, applied at the flush
            self._wakes[key] = None
            return
        self.conn.execute("DELETE FROM runtime WHERE kind=? AND namespace=? AND name=?", key)

    def set_wake(self, kind: str, namespace: str, name: str, wake_ms: int | None) -> None:
        key = (kind, namespace, name)
        wake_ms = _wake(wake_ms)
        if self._due is not None:
            self._queue_wake(key, wake_ms)
            pending = self._rt.get(key)
            if pending is not None:
                if pending[1] is not None:
                    self._rt[key] = (wake_ms, pending[1])
                return
        self.conn.execute("UPDATE runtime SET wake_ms=? WHERE kind=? AND namespace=? AND name=?",
                          (wake_ms, kind, namespace, name))

    def flush_runtime(self) -> None:
        """Write back the records kept in memory by the due queue."""
        if self._rt:
            put = [(*key, wake, body) for key, (wake, body) in self._rt.items() if body is not None]
            gone = [key for key, (_w, body) in self._rt.items() if body is None]
            if gone:
                self.conn.executemany("DELETE FROM runtime WHERE kind=? AND namespace=? AND name=?", gone)
            if put:
                self.conn.executemany(
                    "INSERT OR REPLACE INTO runtime (kind, namespace, name, wake_ms, body) VALUES (?, ?, ?, ?, ?)", put)
            self._rt.clear()

    def start_due_queue(self, bound_ms: int) -> bool:
        """Keep the wake-up order of every record due at or before ``bound_ms`` in memory (until
        ``end_due_queue``): ``next_due``/``next_due_other`` up to the bound then cost no query, and
        runtime records are written once at the end. False when a queue is already running."""
        if self._due is not None:
            return False
        # a long advance reads and rewrites thousands of rows in one transaction: with the default 2 MiB
        # page cache it spills and re-reads pages. Only advances get the larger cache: a plain read of a
        # big store (get pods on 10,000 pods) would otherwise keep ~50 MiB of pages it never needs again.
        self.conn.execute("PRAGMA cache_size=-65536")
        self.flush_runtime()
        rows = [tuple(r) for r in self.conn.execute(_DUE, (bound_ms,))]
        heapq.heapify(rows)
        self._due = rows
        self._due_bound = bound_ms
        self._wakes = {r[1:]: r[0] for r in rows}
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
            heapq.heappush(self._due, (wake_ms, *key))

    def _queue_first(self, skip: tuple | None) -> tuple | None:
        """The first live entry of the queue other than ``skip``'s (stale entries are dropped)."""
        q, wakes = self._due, self._wakes
        held = []
        found = None
        while q:
            e = q[0]
            key = e[1:]
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

    def next_due(self, until_ms: int) -> tuple[int, str, str, str] | None:
        """The earliest (wake_ms, kind, namespace, name) with wake_ms <= until_ms, in total order."""
        if self._due is not None and until_ms <= self._due_bound:
            e = self._queue_first(None)
            return e if e is not None and e[0] <= until_ms else None
        self.flush_runtime()
        return self.conn.execute(_DUE + "ORDER BY wake_ms, kind, namespace, name LIMIT 1", (until_ms,)).fetchone()

    def next_due_other(self, until_ms: int, kind: str, namespace: str, name: str) -> tuple | None:
        """Like ``next_due`` but ignoring one record (an owner keeps stepping a record in memory while it
        stays first in the total order)."""
        if self._due is not None and until_ms <= self._due_bound:
            e = self._queue_first((kind, namespace, name))
            return e if e is not None and e[0] <= until_ms else None
        self.flush_runtime()
        return self.conn.execute(
            _DUE + "AND NOT (kind = ? AND namespace = ? AND name = ?) ORDER BY wake_ms, kind, namespace, name LIMIT 1",
            (until_ms, kind, namespace, name)).fetchone()

    def runtime_keys(self, kind: str | None = None) -> list[tuple[str, str, str]]:
        self.flush_runtime()
        if kind is None:
            return [tuple(r) for r in self.conn.execute("SELECT kind, namespace, name FROM runtime "
                                                        "ORDER BY kind, namespace, name")]
        return [tuple(r) for r in self.conn.execute("SELECT kind, namespace, name FROM runtime WHERE kind=? "
                                                    "ORDER BY namespace, name", (kind,))]

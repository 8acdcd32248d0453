"""What every request of ``minikctl serve`` shares: the clock's ``Pacer`` and the ``State`` (store path, a pool
of connections, the watch hub). ``State.run(fn)`` is one request's transaction: open the store (a pooled
connection), ``BEGIN IMMEDIATE``, let virtual time catch up with the wall clock, run ``fn(cluster)`` inside a
savepoint (a failed request leaves no trace but the time that passed), let the cluster react, commit, then hand the
changes with their bodies to the watch hub."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from minikctl.kube import errors as E

READ_TICK_MS = 100  # a read moves the clock only when at least this much virtual time is owed


# ---- time ---------------------------------------------------------------------------------------------------
class Pacer:
    """Virtual time owed to the cluster: wall time since the last take × speed, or a fixed tick per request."""

    def __init__(self, speed: float = 1.0, tick_ms: int | None = None) -> None:
        self.speed = speed
        self.tick_ms = tick_ms
        self.lock = threading.Lock()
        self.last = time.monotonic()
        self.frac = 0.0

    def owed(self) -> float:
        """Milliseconds owed now, without taking them (a fixed tick counts as owed: a request always moves it)."""
        with self.lock:
            if self.tick_ms is not None:
                return float(self.tick_ms)
            return (time.monotonic() - self.last) * 1000.0 * self.speed + self.frac

    def take(self, step: bool = False) -> int:
        """Milliseconds of virtual time to advance now (``step``: a watch pump's step, not a request)."""
        with self.lock:
            now = time.monotonic()
            elapsed, self.last = now - self.last, now
            if self.tick_ms is not None:
                if self.tick_ms == 0:
                    return 0
                if not step:
                    return self.tick_ms
                owed = elapsed * self.tick_ms + self.frac  # --tick D: D per wall second while streaming
            else:
                owed = elapsed * 1000.0 * self.speed + self.frac
            ms = int(owed)
            self.frac = owed - ms
            return ms


@contextmanager
def _read_transaction(st):
    """A read-only transaction (``BEGIN``, then ``ROLLBACK``): it never takes the write lock, not even for the
    change log's compaction a commit would run, so it never waits for writers."""
    from minikctl.store.db import Tx

    st.conn.execute("BEGIN")
    try:
        tx = Tx(st.conn, st.path)
        tx.read_only = True  # nothing it does may take the write lock (a deferred transaction cannot wait for it)
        tx.ensure_schema()
        yield tx
    finally:
        st.conn.execute("ROLLBACK")


# ---- state --------------------------------------------------------------------------------------------------
class State:
    """What every request shares: the store path, a pool of connections, the pacer, the watch hub."""

    def __init__(self, store_path: str, pacer: Pacer, address: str = "") -> None:
        self.store_path = store_path
        self.pacer = pacer
        self.address = address
        self._pool: list = []
        self._pool_lock = threading.Lock()
        self.hub = None  # the watch hub (serve/watch.py), which reads through this state: server.new_state sets it
        self.closing = threading.Event()

    def _acquire(self):
        with self._pool_lock:
            if self._pool:
                return self._pool.pop()
        from minikctl.store.db import Store

        return Store(self.store_path)

    def _release(self, st) -> None:
        with self._pool_lock:
            if len(self._pool) < 16:
                self._pool.append(st)
                return
        st.close()

    def run(self, fn, *, validate: str = "strict", write: bool = True, step: bool = False, tick: bool = True):
        """``fn(cluster)`` in one store transaction after the clock caught up; its result, or its error.

        ``write=False``: a read (the cluster is not settled after it); ``tick=False``: a read that does not
        move the clock either (a plain read transaction, which never waits for writers)."""
        from minikctl.cluster import Cluster

        if not write and tick and self.pacer.owed() < READ_TICK_MS:
            tick = False  # a read soon after the last tick: a plain read transaction, no clock write
        st = self._acquire()
        journal: list = []
        error: BaseException | None = None
        result = None
        ok = False
        hub_lock = self.hub.cond
        locked = False
        try:
            with (st.transaction() if tick else _read_transaction(st)) as tx:
                tx.journal = journal
                cluster = Cluster(tx, validate=validate)
                owed = self.pacer.take(step) if tick else 0
                if owed:
                    cluster.tick(owed)
                try:
                    with tx.savepoint():
                        result = fn(cluster)
                        if write:
                            cluster.settle()
                except (E.MinikctlError, ValueError, KeyError, TypeError, RecursionError) as e:
                    error = e
                if journal:
                    # from the commit until the bodies are published, the watch pump waits (it reads the
                    # change log only with this lock held): it never sees a revision of ours without its body
                    hub_lock.acquire()
                    locked = True
            ok = True
            if journal:
                self.hub.publish(journal, locked=True)
        finally:
            if locked:
                hub_lock.release()
            if ok:
                self._release(st)
            else:
                st.close()
        if error is not None:
            raise error
        return result

    def close(self) -> None:
        self.closing.set()
        self.hub.stop()
        with self._pool_lock:
            for st in self._pool:
                st.close()
            self._pool.clear()

"""A controller's timers with the work queue's rate limiter: ``AddAfter`` and ``AddRateLimited``/``Forget``.

The StatefulSet and DaemonSet controllers requeue an object whose sync failed (a refused pod creation, say)
through client-go's ``workqueue.DefaultControllerRateLimiter()`` (``util/workqueue/default_rate_limiters.go``):
an ``ItemExponentialFailureRateLimiter(5*time.Millisecond, 1000*time.Second)`` per key — 5 ms after the first
failure, doubling, at most 1000 s — reset (``Forget``) by a sync that succeeds. The limiter's overall token
bucket (10 qps, burst 100) is not simulated.

The runtime record of the owner (its kind, namespace, name) keeps both: ``{"at": wake ms, "failures": n}``. As in
client-go's delaying queue (``delaying_queue.go``, ``insert``), a key waits at most once: a second ``AddAfter``
only moves it earlier, never adds a later wake-up (so a set requeued for 10 s and then asked again for 11 s
syncs once, at 10 s).
"""

from __future__ import annotations

BASE_DELAY_MS = 5
MAX_DELAY_MS = 1_000_000


class RateLimitedTimers:
    """Mixed into a ``base.Controller``: ``wake_at`` / ``due`` that keep the failure count, and
    ``requeue_failed`` / ``forget`` for the outcome of a sync."""

    tx = None
    kind = ""

    def _record(self, namespace: str, name: str) -> dict:
        return self.tx.get_runtime(self.kind, namespace, name) or {}

    def _store(self, namespace: str, name: str, rec: dict) -> None:
        if rec.get("at") is None:
            rec.pop("at", None)
        if not rec.get("failures"):
            rec.pop("failures", None)
        if not rec:
            if self.tx.get_runtime(self.kind, namespace, name) is not None:
                self.tx.delete_runtime(self.kind, namespace, name)
            return
        self.tx.put_runtime(self.kind, namespace, name, rec, rec.get("at"))

    def wake_at(self, namespace: str, name: str, at_ms: int) -> None:
        """queue.AddAfter: sync again at ``at_ms``, unless the key already waits for an earlier time."""
        rec = self._record(namespace, name)
        if rec.get("at") is not None and rec["at"] <= at_ms:
            return
        rec["at"] = int(at_ms)
        self._store(namespace, name, rec)

    def due(self, kind: str, namespace: str, name: str, until: int, horizon: int | None) -> None:
        rec = self._record(namespace, name)
        rec.pop("at", None)
        self._store(namespace, name, rec)
        self.sync(namespace, name, self.tx.get(self.kind, namespace, name))

    def requeue_failed(self, namespace: str, name: str) -> None:
        """queue.AddRateLimited: the sync failed; try again after 5 ms * 2^(failures so far), at most 1000 s."""
        rec = self._record(namespace, name)
        failures = int(rec.get("failures") or 0)
        delay = min(BASE_DELAY_MS * (1 << min(failures, 40)), MAX_DELAY_MS)
        rec["failures"] = failures + 1
        self._store(namespace, name, rec)
        self.wake_at(namespace, name, self.tx.now_ms + delay)

    def forget(self, namespace: str, name: str) -> None:
        """queue.Forget: the sync succeeded; the next failure starts from 5 ms again."""
        rec = self.tx.get_runtime(self.kind, namespace, name)
        if rec and rec.get("failures"):
            rec.pop("failures", None)
            self._store(namespace, name, rec)

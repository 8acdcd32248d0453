"""The TTL-after-finished controller: ``pkg/controller/ttlafterfinished/ttlafterfinished_controller.go``.

A finished Job (``Complete`` or ``Failed`` condition True) with ``spec.ttlSecondsAfterFinished`` is deleted when
the TTL runs out, counted from the terminal condition's ``lastTransitionTime`` (``jobFinishTime``), with
``propagationPolicy: Foreground`` and a uid precondition (``processJob``): the Job stays, ``foregroundDeletion``
finalizer set, until the garbage collector has deleted its pods. Until then the controller keeps a wake-up at the
expiry instant (``enqueueAfter``), in a runtime record of its own (kind ``JobTTL``).
"""

from __future__ import annotations

from minikctl.kube.timefmt import parse_rfc3339
from minikctl.store.changelog import DELETED

WRITER = "ttl-after-finished-controller"
TIMER = "JobTTL"  # its runtime records: (JobTTL, namespace, job name)


def finish_time_ms(job: dict) -> int | None:
    """jobFinishTime: the lastTransitionTime of the Complete or Failed condition."""
    for c in (job.get("status") or {}).get("conditions") or []:
        if c.get("type") in ("Complete", "Failed") and c.get("status") == "True":
            return parse_rfc3339(c["lastTransitionTime"]) if c.get("lastTransitionTime") else None
    return None


def needs_cleanup(job: dict) -> bool:
    """needsCleanup: a TTL is set and the Job has finished."""
    return (job.get("spec") or {}).get("ttlSecondsAfterFinished") is not None and finish_time_ms(job) is not None


class TTLAfterFinishedController:
    name = WRITER
    watches = ("Job",)
    owns = (TIMER,)

    def __init__(self, loop) -> None:
        self.tx = loop.tx
        self.api = loop.api.as_writer(WRITER)
        self.queue: dict[tuple, None] = {}

    def observe(self, ch) -> None:
        """addJob / updateJob: finished Jobs with a TTL, not being deleted."""
        if ch.type == DELETED:
            return
        if not (ch.obj.get("metadata") or {}).get("deletionTimestamp") and needs_cleanup(ch.obj):
            self.queue[(ch.namespace, ch.name)] = None

    def has_work(self) -> bool:
        return bool(self.queue)

    def work(self) -> None:
        while self.queue:
            key = next(iter(self.queue))
            del self.queue[key]
            self.process_job(*key)

    def due(self, kind: str, namespace: str, name: str, until: int, horizon: int | None) -> None:
        self.tx.delete_runtime(kind, namespace, name)
        self.process_job(namespace, name)

    def finish(self) -> None:
        pass

    def process_job(self, namespace: str, name: str) -> None:
        """processJob / processTTL: delete the Job when its TTL has expired, else come back at the expiry."""
        job = self.tx.get("Job", namespace, name)
        if job is None or (job.get("metadata") or {}).get("deletionTimestamp") or not needs_cleanup(job):
            return
        expire = finish_time_ms(job) + int(job["spec"]["ttlSecondsAfterFinished"]) * 1000
        if expire > self.tx.now_ms:
            rec = self.tx.get_runtime(TIMER, namespace, name)
            if rec is None or rec.get("wake") != expire:
                self.tx.put_runtime(TIMER, namespace, name, {"wake": expire, "uid": job["metadata"].get("uid")},
                                    expire)
            return
        self.api.delete(job, propagation="Foreground")

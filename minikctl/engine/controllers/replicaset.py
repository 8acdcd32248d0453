"""The ReplicaSet controller (kubernetes v1.32 ``pkg/controller/replicaset/replica_set.go``), component
``replicaset-controller``.

``syncReplicaSet``: list the namespace's pods, keep the active ones (``FilterActivePods``), claim them
(``ClaimPods``: adopt matching orphans, release owned pods whose labels no longer match), then
``manageReplicas``: create the missing pods from the template (at most ``burstReplicas`` = 500 per sync, in
slow-start batches of 1, 2, 4, ... that stop after a batch with a failure) or delete the surplus ones, the least
valuable first (``getPodsToDelete``: ``ActivePodsWithRanks``). Then ``calculateStatus`` (replicas,
fullyLabeledReplicas, readyReplicas, availableReplicas with minReadySeconds, the ReplicaFailure condition) is
written through the status subresource when it changed (``updateReplicaSetStatus``).

Timing, as the controller's own queue would give it on the virtual clock: it syncs at the instant it observes a
change of the ReplicaSet or of one of its pods (a pod deleted or marked for deletion is replaced at once); a pod
that turned ready is looked at again minReadySeconds + 1 s later (``updatePod``'s ``enqueueAfter``), when it is
available; a sync whose pod creations or deletions failed is retried with the workqueue's exponential back-off
(5 ms doubling up to 1000 s; ``DefaultTypedControllerRateLimiter``), reset by the first sync that succeeds.
The informer's expectations (waiting to observe its own creations) are not needed: what the controller writes is
visible to its next sync at once.
"""

from __future__ import annotations

import json
import math

from minikctl.engine.controllers.base import (Controller, controller_ref, is_pod_active, is_pod_ready,
                                              new_controller_ref, pod_from_template)
from minikctl.engine.controllers.informer import Informer
from minikctl.kube import errors as E
from minikctl.kube.selectors import LabelSelector
from minikctl.kube.timefmt import parse_rfc3339, rfc3339

BURST_REPLICAS = 500  # replicaset.BurstReplicas
SLOW_START_INITIAL_BATCH_SIZE = 1  # controller.SlowStartInitialBatchSize
BASE_DELAY_MS = 5  # workqueue.DefaultTypedControllerRateLimiter: 5 ms * 2^failures ...
MAX_DELAY_MS = 1_000_000  # ... up to 1000 s
POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}  # podPhaseToOrdinal


# ---- pod helpers (pkg/api/v1/pod/util.go, pkg/controller/controller_utils.go) --------------------------------

def ready_condition(pod: dict) -> dict | None:
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c
    return None


def _ts(value: str | None) -> int | None:
    """A metav1.Time as ms (None: the zero time)."""
    return parse_rfc3339(value) if value else None


def is_pod_available(pod: dict, min_ready_seconds: int, now_ms: int) -> bool:
    """podutil.IsPodAvailable: ready, and (minReadySeconds == 0 or its Ready condition's lastTransitionTime +
    minReadySeconds is strictly before now)."""
    if not is_pod_ready(pod):
        return False
    if not min_ready_seconds:
        return True
    since = _ts((ready_condition(pod) or {}).get("lastTransitionTime"))
    return since is not None and since + min_ready_seconds * 1000 < now_ms


def _pod_facts(pod: dict) -> tuple:
    """What every sync reads of a pod (the informer keeps it with the pod's version): active (IsPodActive), its
    controller reference, its labels, ready, and since when (podReadyTime; None when not ready or the zero time),
    its uid and its node (what a scale-down reads of the related pods, ``pods_to_delete``)."""
    ready = is_pod_ready(pod)
    return (is_pod_active(pod), controller_ref(pod), _labels(pod), ready, _pod_ready_time(pod) if ready else None,
            (pod.get("metadata") or {}).get("uid"), (pod.get("spec") or {}).get("nodeName"))


def _written_pod_facts(pod: dict) -> tuple:
    """``_pod_facts`` of a pod as it is written (store/db.py ``Tx.facts``: every pod write of a cluster with a
    ReplicaSet controller), in one pass over the conditions: the controller reference and the labels copied, as the
    writer may change its object after the write. The Ready condition whose lastTransitionTime counts is the first
    one (``ready_condition``), ready is any of them True (``is_pod_ready``)."""
    meta = pod.get("metadata") or {}
    status = pod.get("status") or {}
    ref = None
    for r in meta.get("ownerReferences") or []:
        if r.get("controller"):
            ref = dict(r)
            break
    first = None
    ready = False
    for c in status.get("conditions") or []:
        if c.get("type") == "Ready":
            if first is None:
                first = c
            if c.get("status") == "True":
                ready = True
                break
    active = status.get("phase") not in ("Succeeded", "Failed") and not meta.get("deletionTimestamp")
    return (active, ref, dict(meta.get("labels") or {}), ready, _ts(first.get("lastTransitionTime")) if ready else None,
            meta.get("uid"), (pod.get("spec") or {}).get("nodeName"))


def _available(facts: tuple, min_ready_seconds: int, now_ms: int) -> bool:
    """is_pod_available over a pod's _pod_facts."""
    if not facts[3]:
        return False
    if not min_ready_seconds:
        return True
    since = facts[4]
    return since is not None and since + min_ready_seconds * 1000 < now_ms


def _pod_ready_time(pod: dict) -> int | None:
    """podReadyTime: the Ready condition's lastTransitionTime when ready (None: zero)."""
    if is_pod_ready(pod):
        return _ts((ready_condition(pod) or {}).get("lastTransitionTime"))
    return None


def _deletion_cost(pod: dict) -> int:
    """helper.GetDeletionCostFromPodAnnotations (an unparsable or out-of-range value counts as 0)."""
    raw = ((pod.get("metadata") or {}).get("annotations") or {}).get(POD_DELETION_COST)
    if raw is None:
        return 0
    try:
        v = int(raw.strip()) if raw.strip() == raw else None
    except ValueError:
        return 0
    if v is None or not -(1 << 31) <= v < (1 << 31):
        return 0
    return v


def _max_container_restarts(pod: dict) -> tuple[int, int]:
    """maxContainerRestarts: (the highest restart count of the regular containers, of the sidecars)."""
    status = pod.get("status") or {}
    regular = max([int(c.get("restartCount") or 0) for c in status.get("containerStatuses") or []] or [0])
    sidecars = {c.get("name") for c in (pod.get("spec") or {}).get("initContainers") or []
                if c.get("restartPolicy") == "Always"}
    side = max([int(c.get("restartCount") or 0) for c in status.get("initContainerStatuses") or []
                if c.get("name") in sidecars] or [0])
    return regular, side


def _log_rank_diff(t1: int, t2: int, now_ms: int) -> int:
    """logarithmicRankDiff over nanosecond durations."""
    d1, d2 = (now_ms - t1) * 1_000_000, (now_ms - t2) * 1_000_000
    r1 = int(math.log2(d1)) if d1 > 0 else -1
    r2 = int(math.log2(d2)) if d2 > 0 else -1
    return r1 - r2


def _after_or_zero(t1: int | None, t2: int | None) -> bool:
    if t1 is None or t2 is None:
        return t1 is None
    return t1 > t2


def _rank_facts(pod: dict, rank: int) -> tuple:
    """What ActivePodsWithRanks.Less reads of a pod, read once."""
    spec, meta = pod.get("spec") or {}, pod.get("metadata") or {}
    ready = is_pod_ready(pod)
    return (bool(spec.get("nodeName")), _PHASE_ORDINAL.get((pod.get("status") or {}).get("phase"), 0), ready,
            _deletion_cost(pod), rank, _pod_ready_time(pod) if ready else None, _max_container_restarts(pod),
            _ts(meta.get("creationTimestamp")), meta.get("uid", ""))


def _less(a: tuple, b: tuple, now_ms: int) -> bool:
    """controller.ActivePodsWithRanks.Less (v1.32, with the default-on PodDeletionCost and LogarithmicScaleDown)
    over _rank_facts: the pod that sorts first is deleted first."""
    assigned_a, phase_a, ready_a, cost_a, rank_a, rt_a, restarts_a, created_a, uid_a = a
    assigned_b, phase_b, ready_b, cost_b, rank_b, rt_b, restarts_b, created_b, uid_b = b
    # 1. unassigned < assigned
    if assigned_a != assigned_b:
        return not assigned_a
    # 2. PodPending < PodUnknown < PodRunning
    if phase_a != phase_b:
        return phase_a < phase_b
    # 3. not ready < ready
    if ready_a != ready_b:
        return not ready_a
    # 4. lower pod-deletion-cost < higher
    if cost_a != cost_b:
        return cost_a < cost_b
    # 5. doubled up (more active related pods on the same node) < not doubled up
    if rank_a != rank_b:
        return rank_a > rank_b
    # 6. been ready for a shorter time < longer (logarithmic buckets)
    if ready_a and ready_b and rt_a != rt_b:
        if rt_a is None or rt_b is None:
            return _after_or_zero(rt_a, rt_b)
        diff = _log_rank_diff(rt_a, rt_b, now_ms)
        if diff == 0:
            return uid_a < uid_b
        return diff < 0
    # 7. higher restart counts < lower (regular containers, then sidecars)
    if restarts_a[0] != restarts_b[0]:
        return restarts_a[0] > restarts_b[0]
    if restarts_a[1] != restarts_b[1]:
        return restarts_a[1] > restarts_b[1]
    # 8. empty creation time < newer < older (logarithmic buckets)
    if created_a != created_b:
        if created_a is None or created_b is None:
            return _after_or_zero(created_a, created_b)
        diff = _log_rank_diff(created_a, created_b, now_ms)
        if diff == 0:
            return uid_a < uid_b
        return diff < 0
    return False


def active_pods_with_ranks_less(a: dict, b: dict, rank_a: int, rank_b: int, now_ms: int) -> bool:
    """ActivePodsWithRanks.Less of two pods with their ranks."""
    return _less(_rank_facts(a, rank_a), _rank_facts(b, rank_b), now_ms)


def pods_to_delete(filtered: list[dict], related: list[dict], diff: int, now_ms: int,
                   on_node: dict[str, int] | None = None) -> list[dict]:
    """getPodsToDelete: all of them when diff covers them, else the first ``diff`` in rank order, the rank of a
    pod being the number of active related pods on its node (getPodsRankedByRelatedPodsOnSameNode). ``on_node``:
    those numbers, counted by the caller from the related pods' facts (``related`` is then not read)."""
    import functools

    if diff >= len(filtered):
        return filtered[:diff]
    if on_node is None:
        on_node = {}
        for pod in related:
            if is_pod_active(pod):
                node = (pod.get("spec") or {}).get("nodeName") or ""
                on_node[node] = on_node.get(node, 0) + 1
    facts = [(_rank_facts(p, on_node.get((p.get("spec") or {}).get("nodeName") or "", 0)), i)
             for i, p in enumerate(filtered)]

    def cmp(x, y) -> int:
        if _less(x[0], y[0], now_ms):
            return -1
        if _less(y[0], x[0], now_ms):
            return 1
        return 0

    # sort.Sort is not stable; a stable sort gives the order Go's pdqsort gives small slices (insertion sort)
    ordered = sorted(facts, key=functools.cmp_to_key(cmp))
    return [filtered[i] for _, i in ordered[:diff]]


def slow_start_batches(count: int, initial: int = SLOW_START_INITIAL_BATCH_SIZE) -> list[int]:
    """The batch sizes of slowStartBatch: initial, then doubling, never more than what remains."""
    out, remaining, size = [], count, min(count, initial)
    while size > 0:
        out.append(size)
        remaining -= size
        size = min(2 * size, remaining)
    return out


def _selector(obj: dict) -> LabelSelector | None:
    try:
        return LabelSelector.from_match((obj.get("spec") or {}).get("selector"))
    except E.MinikctlError:
        return None


def _labels(obj: dict) -> dict:
    return (obj.get("metadata") or {}).get("labels") or {}


class ReplicaSetController(Controller):
    name = "replicaset-controller"
    kind = "ReplicaSet"
    owned = ("Pod",)

    def __init__(self, loop) -> None:
        super().__init__(loop)
        self.pods = Informer(self.tx, "Pod", _pod_facts, _written_pod_facts)
        self.replica_sets = Informer(self.tx, "ReplicaSet")  # the lister (Tx.list would flush held writes)
        self._queued: dict[tuple, tuple] = {}  # (namespace, name) -> (instant, record text) of the last queue.Add

    # ---- the informers ----------------------------------------------------------------------------------
    def observe(self, ch) -> None:
        if ch.kind == "Pod":
            self.pods.observe(ch)
        elif ch.kind == "ReplicaSet":
            self.replica_sets.observe(ch)
        super().observe(ch)

    def observe_orphan(self, ch) -> None:
        """addPod / updatePod of an orphan: every ReplicaSet whose selector matches it may adopt it."""
        if ch.kind != "Pod" or (ch.obj.get("metadata") or {}).get("deletionTimestamp"):
            return
        labels = _labels(ch.obj)
        if not labels:
            return
        for rs in self.owners(ch.namespace):
            sel = _selector(rs)
            if sel is not None and not sel.empty() and sel.matches(labels):
                self.enqueue(ch.namespace, rs["metadata"]["name"])

    # ---- the work queue on the virtual clock ----------------------------------------------------------------
    # One runtime record per ReplicaSet mirrors its entries in the controller's rate-limited delaying queue:
    #   "now"       queue.Add at this instant (a change observed): synced at the end of the instant;
    #   "wait"      the earliest delayed entry: AddAfter (minReadySeconds) and AddRateLimited (a failed sync)
    #               share one waiting entry per key, the earliest kept, and it survives an immediate sync;
    #   "failures"  the rate limiter's count for the key (5 ms * 2^failures), reset by queue.Forget.
    def _record(self, namespace: str, name: str) -> dict:
        return dict(self.tx.get_runtime(self.kind, namespace, name) or {})

    def _store(self, namespace: str, name: str, rec: dict) -> None:
        rec = {k: v for k, v in rec.items() if v}
        wakes = [v for k, v in rec.items() if k in ("now", "wait")]
        if not rec:
            if self.tx.get_runtime(self.kind, namespace, name) is not None:
                self.tx.delete_runtime(self.kind, namespace, name)
            return
        if self.tx.get_runtime(self.kind, namespace, name) != rec:
            self.tx.put_runtime(self.kind, namespace, name, rec, min(wakes) if wakes else None)

    def enqueue(self, namespace: str, name: str) -> None:
        """queue.Add: the ReplicaSet is synced once at the end of the current instant, after every pod change of
        that instant (kind ``Pod`` timers run before ``ReplicaSet`` ones), as the controller's queue coalesces a
        burst of pod events into one sync.

        Every pod change of the instant asks again: once the record says "now" for this instant, the text it was
        left with (``_queued``) tells without decoding it that nothing has taken the entry out since."""
        key = (namespace, name)
        now = self.tx.now_ms
        queued = self._queued.get(key)
        if queued is not None and queued[0] == now and self.tx.runtime_text(self.kind, namespace, name) == queued[1]:
            return
        rec = self._record(namespace, name)
        if rec.get("now") != now:
            rec["now"] = now
            self._store(namespace, name, rec)
        self._queued[key] = (now, self.tx.runtime_text(self.kind, namespace, name))

    def due(self, kind: str, namespace: str, name: str, until: int, horizon: int | None) -> None:
        rec = self._record(namespace, name)
        now = self.tx.now_ms
        for entry in ("now", "wait"):
            if rec.get(entry) is not None and rec[entry] <= now:
                del rec[entry]
        self._store(namespace, name, rec)
        self.sync(namespace, name, self.tx.get(self.kind, namespace, name))

    def _requeue(self, namespace: str, name: str, wait_ms: int | None, failed: bool) -> None:
        """After a sync: AddAfter / AddRateLimited (the earliest waiting entry kept), or Forget on success."""
        rec = self._record(namespace, name)
        failures = int(rec.get("failures") or 0)
        if failed:
            delay = min(BASE_DELAY_MS * (1 << min(failures, 40)), MAX_DELAY_MS)
            at = self.tx.now_ms + delay
            wait_ms = at if wait_ms is None else min(wait_ms, at)
            rec["failures"] = failures + 1
        else:
            rec.pop("failures", None)
        if wait_ms is not None:
            rec["wait"] = wait_ms if rec.get("wait") is None else min(rec["wait"], wait_ms)
        self._store(namespace, name, rec)

    # ---- syncReplicaSet ---------------------------------------------------------------------------------------
    def sync(self, namespace: str, name: str, rs: dict | None) -> None:
        if rs is None:
            if self.tx.get_runtime(self.kind, namespace, name) is not None:
                self.tx.delete_runtime(self.kind, namespace, name)  # DeleteExpectations, its queue entries
            return
        selector = _selector(rs)
        if selector is None:
            return  # "error converting pod selector to selector": nothing to do until it is fixed
        uid = rs["metadata"].get("uid", "")
        # a pod another controller owns is of no interest here (but for ranking a scale-down, which lists again):
        # its stored text names a controller reference ("controller":true, the store's compact JSON) and not this
        # ReplicaSet's uid. An orphan may have owners that are not its controller (ClaimPods adopts it all the
        # same). (Informer entries and their facts: a pod is decoded only when more than its facts is read of it.)
        pods = self.pods.list(namespace, lambda body: uid in body or '"controller":true' not in body, _pod_facts,
                              lazy=True)
        claimed = self.claim_pods(rs, selector, [pf for pf in pods if pf[1][0]])  # the active ones
        filtered = [entry for entry, _ in claimed]
        error = None
        if not (rs.get("metadata") or {}).get("deletionTimestamp"):
            error = self.manage_replicas(filtered, rs)
        now = self.tx.now_ms
        status = calculate_status(rs, claimed, error, now)
        rs = self.update_rs_status(rs, status)
        # the pods that are ready but not yet available: look again when the first one becomes available
        mrs = int((rs.get("spec") or {}).get("minReadySeconds") or 0)
        wake = None
        if mrs > 0:
            for _pod, facts in claimed:
                since = facts[4]
                if since is not None and not _available(facts, mrs, now):
                    at = since + mrs * 1000 + 1000  # updatePod: enqueueAfter(minReadySeconds + 1s)
                    wake = at if wake is None else min(wake, at)
        self._requeue(namespace, name, wake, error is not None)

    def claim_pods(self, rs: dict, selector: LabelSelector, pods: list[tuple]) -> list[tuple]:
        """PodControllerRefManager.ClaimPods (controller_ref_manager.go ClaimObject), over (informer entry,
        _pod_facts) pairs."""
        meta = rs["metadata"]
        uid = meta.get("uid")
        deleting = bool(meta.get("deletionTimestamp"))
        out = []
        obj = Informer.obj
        for entry, facts in pods:
            ref = facts[1]
            if ref is not None:
                if ref.get("uid") != uid:
                    continue
                if selector.matches(facts[2]):
                    out.append((entry, facts))
                    continue
                if not deleting:
                    self._release(obj(entry), uid)
                continue
            if deleting or not selector.matches(facts[2]) \
                    or (obj(entry).get("metadata") or {}).get("deletionTimestamp"):
                continue
            adopted = self._adopt(obj(entry), rs)
            out.append(([None, None, adopted, None], _pod_facts(adopted)))
        return out

    def manage_replicas(self, filtered: list[list], rs: dict) -> str | None:
        """manageReplicas over the claimed pods' informer entries; returns the error (its message) when a creation
        or deletion failed."""
        spec = rs.get("spec") or {}
        diff = len(filtered) - int(spec.get("replicas") if spec.get("replicas") is not None else 1)
        if diff < 0:
            diff = min(-diff, BURST_REPLICAS)
            template = spec.get("template") or {}
            ref = new_controller_ref(rs)
            for size in slow_start_batches(diff):
                failed = None
                for _ in range(size):  # the goroutines of one batch all run
                    pod = pod_from_template(template, rs, ref, copy_spec=False)  # Api.create copies it
                    if self.create_pod(rs, pod) is None:
                        failed = failed or self.create_error
                if failed is not None:
                    if "NamespaceTerminating" in failed or "because it is being terminated" in failed:
                        return None  # HasStatusCause(err, NamespaceTerminatingCause): nothing to do
                    return failed
            return None
        if diff > 0:
            diff = min(diff, BURST_REPLICAS)
            # the related pods' facts (active, node), not the pods: a thousand pods of the other ReplicaSets of a
            # rollout are not decoded at each step of its scale-down
            pods = self.pods.list(rs["metadata"].get("namespace", "default"), None, _pod_facts, lazy=True)
            on_node: dict[str, int] = {}
            for facts in self.indirectly_related_pods(rs, pods):
                if facts[0]:
                    node = facts[6] or ""
                    on_node[node] = on_node.get(node, 0) + 1
            error = None
            for pod in pods_to_delete([Informer.obj(entry) for entry in filtered], [], diff, self.tx.now_ms,
                                      on_node):
                err = self.delete_pod_error(rs, pod)
                if err is not None and error is None:
                    error = err
            return error
        return None

    def indirectly_related_pods(self, rs: dict, all_pods: list[tuple]) -> list[tuple]:
        """getIndirectlyRelatedPods: the pods the selectors of every ReplicaSet with the same controller match, over
        (informer entry, _pod_facts) pairs: their facts."""
        ref = controller_ref(rs)
        if ref is None:
            return []
        related, seen = [], set()
        for other in self.replica_sets.list(rs["metadata"].get("namespace", "default")):
            oref = controller_ref(other)
            if oref is None or oref.get("uid") != ref.get("uid"):
                continue
            sel = _selector(other)
            if sel is None:
                continue
            for _entry, facts in all_pods:
                puid = facts[5]
                if puid not in seen and sel.matches(facts[2]):
                    seen.add(puid)
                    related.append(facts)
        return related

    def delete_pod_error(self, owner: dict, pod: dict) -> str | None:
        """RealPodControl.DeletePod: SuccessfulDelete / FailedDelete; a pod already gone is no error."""
        try:
            self.api.delete(pod)
        except E.MinikctlError as e:
            if isinstance(e, E.StatusError) and e.reason == "NotFound":
                return None
            msg = e.server_message() if isinstance(e, E.StatusError) else str(e)
            self.event(owner, "Warning", "FailedDelete", f"Error deleting: {msg}")
            return msg
        self.event(owner, "Normal", "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}")
        return None

    def update_rs_status(self, rs: dict, status: dict) -> dict:
        """updateReplicaSetStatus: nothing to write when the counts, the conditions and observedGeneration are
        current; else the status with observedGeneration = generation."""
        old = rs.get("status") or {}
        gen = (rs.get("metadata") or {}).get("generation", 0)
        keys = ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas")
        if all(int(old.get(k) or 0) == int(status.get(k) or 0) for k in keys) \
                and gen == int(old.get("observedGeneration") or 0) \
                and (old.get("conditions") or None) == (status.get("conditions") or None):
            return rs
        status["observedGeneration"] = gen
        return self.update_status(rs, _omit_empty_status(status))


def _omit_empty_status(status: dict) -> dict:
    """The JSON a v1 ReplicaSetStatus marshals to: replicas always, the other counts and conditions omitempty."""
    out = {"replicas": int(status.get("replicas") or 0)}
    for k in ("fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"):
        if status.get(k):
            out[k] = int(status[k])
    if status.get("conditions"):
        out["conditions"] = status["conditions"]
    return out


def calculate_status(rs: dict, filtered: list[tuple], error: str | None, now_ms: int) -> dict:
    """calculateStatus (replica_set_utils.go), over (pod, _pod_facts) pairs."""
    spec = rs.get("spec") or {}
    status = json.loads(json.dumps(rs.get("status") or {}))
    template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    mrs = int(spec.get("minReadySeconds") or 0)
    fully = ready = available = 0
    for _pod, facts in filtered:
        labels = facts[2]
        if all(labels.get(k) == v for k, v in template_labels.items()):
            fully += 1
        if facts[3]:
            ready += 1
            if _available(facts, mrs, now_ms):
                available += 1
    conds = status.get("conditions") or []
    failure = next((c for c in conds if c.get("type") == "ReplicaFailure"), None)
    if error is not None and failure is None:
        diff = len(filtered) - int(spec.get("replicas") if spec.get("replicas") is not None else 1)
        reason = "FailedCreate" if diff < 0 else "FailedDelete" if diff > 0 else ""
        cond = {"lastTransitionTime": rfc3339(now_ms), "message": error, "reason": reason, "status": "True",
                "type": "ReplicaFailure"}
        status["conditions"] = [c for c in conds if c.get("type") != "ReplicaFailure"] + [cond]
    elif error is None and failure is not None:
        status["conditions"] = [c for c in conds if c.get("type") != "ReplicaFailure"]
    status["replicas"] = len(filtered)
    status["fullyLabeledReplicas"] = fully
    status["readyReplicas"] = ready
    status["availableReplicas"] = available
    return status


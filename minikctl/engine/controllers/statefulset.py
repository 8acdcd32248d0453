"""The StatefulSet controller (``pkg/controller/statefulset``, kubernetes v1.32), an ordinary client of the API.

Ported, function by function:
  stateful_set.go           sync (adoptOrphanRevisions, getPodsForStatefulSet with ``isMemberOf``),
                            syncStatefulSet (requeue after minReadySeconds), the pod informer's
                            updatePod (requeue minReadySeconds + 1 s after a pod turns ready)
  stateful_set_control.go   UpdateStatefulSet, performUpdate, getStatefulSetRevisions, truncateHistory,
                            updateStatefulSet (processReplica, processCondemned, the rolling update),
                            computeReplicaStatus/updateStatus, updateStatefulSetStatus
  stateful_set_utils.go     ordinals, identity (names, hostname/subdomain, labels), storage, revisions
                            (getPatch, newRevision, ApplyRevision, nextRevision), newVersionedStatefulSetPod,
                            inconsistentStatus, completeRollingUpdate
  stateful_pod_control.go   CreateStatefulPod, UpdateStatefulPod, DeleteStatefulPod and their events
                            (``create Pod web-0 in StatefulSet web successful``)

What minikctl leaves out: PersistentVolumeClaims are not served, so ``volumeClaimTemplates`` give each pod the
volume a real cluster gives it (``persistentVolumeClaim: {claimName: www-web-0}``) but no claim object is created
(and no claim events are recorded); the kubelet runs such a volume as an empty one kept with the pod (describe pod
says so on a ``Simulated:`` line). ``persistentVolumeClaimRetentionPolicy`` is accepted and has nothing to act on.
``maxUnavailable`` is the alpha MaxUnavailableStatefulSet feature, off in v1.32 (the API server drops it).

Timing: the controller syncs at the instant it observes a change of the set or of one of its pods, so with
OrderedReady ``web-1`` is created at the very instant ``web-0`` is Running and Ready (and available, with
minReadySeconds); a sync that failed (a refused pod) is retried after 5 ms, doubling up to 1000 s.
"""

from __future__ import annotations

import copy
import re

from minikctl.engine.controllers import history as H
from minikctl.engine.controllers.base import Controller, controller_ref, is_pod_available, is_pod_ready
from minikctl.engine.controllers.base import new_controller_ref, pod_from_template, ready_since_ms
from minikctl.engine.controllers.workqueue import RateLimitedTimers
from minikctl.kube import errors as E
from minikctl.kube.selectors import selector_matches
from minikctl.store.changelog import DELETED

WRITER = "statefulset-controller"
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"  # apps.StatefulSetPodNameLabel
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"  # apps.PodIndexLabel (PodIndexLabel: on in v1.32)
REVISION_LABEL = H.REVISION_LABEL  # apps.StatefulSetRevisionLabel

POD_FIELDS = ("apiVersion", "kind", "metadata", "spec.volumes", "status.phase", "status.conditions")  # what it reads
MAX_BATCH_SIZE = 500  # stateful_set_control.go MaxBatchSize
_STATEFUL_POD = re.compile(r"^(.*)-([0-9]+)$")  # statefulPodRegex


# ---- stateful_set_utils.go ---------------------------------------------------------------------------------
def parent_and_ordinal(pod: dict) -> tuple[str, int]:
    """getParentNameAndOrdinal: ``web-3`` -> ("web", 3); -1 when the name has no ordinal (or it overflows int32)."""
    m = _STATEFUL_POD.match((pod.get("metadata") or {}).get("name", ""))
    if not m:
        return "", -1
    i = int(m.group(2))
    return m.group(1), (i if i < (1 << 31) else -1)


def get_ordinal(pod: dict) -> int:
    return parent_and_ordinal(pod)[1]


def start_ordinal(sts: dict) -> int:
    """getStartOrdinal: spec.ordinals.start, else 0."""
    ordinals = (sts.get("spec") or {}).get("ordinals")
    return int((ordinals or {}).get("start") or 0) if ordinals is not None else 0


def end_ordinal(sts: dict) -> int:
    """getEndOrdinal (inclusive)."""
    return start_ordinal(sts) + int((sts.get("spec") or {}).get("replicas") or 0) - 1


def in_ordinal_range(pod: dict, sts: dict) -> bool:
    """podInOrdinalRange."""
    o = get_ordinal(pod)
    return start_ordinal(sts) <= o <= end_ordinal(sts)


def pod_name(sts: dict, ordinal: int) -> str:
    return f"{sts['metadata']['name']}-{ordinal}"


def claim_name(sts: dict, claim: dict, ordinal: int) -> str:
    """getPersistentVolumeClaimName: ``<claim>-<set>-<ordinal>``."""
    return f"{(claim.get('metadata') or {}).get('name', '')}-{sts['metadata']['name']}-{ordinal}"


def is_member_of(sts: dict, pod: dict) -> bool:
    """isMemberOf: the pod's name says it is one of this set's."""
    return parent_and_ordinal(pod)[0] == sts["metadata"]["name"]


def identity_matches(sts: dict, pod: dict) -> bool:
    parent, ordinal = parent_and_ordinal(pod)
    meta = pod.get("metadata") or {}
    return (ordinal >= 0 and sts["metadata"]["name"] == parent and meta.get("name") == pod_name(sts, ordinal)
            and meta.get("namespace", "default") == sts["metadata"].get("namespace", "default")
            and (meta.get("labels") or {}).get(POD_NAME_LABEL) == meta.get("name"))


def storage_matches(sts: dict, pod: dict) -> bool:
    ordinal = get_ordinal(pod)
    if ordinal < 0:
        return False
    volumes = {v.get("name"): v for v in (pod.get("spec") or {}).get("volumes") or []}
    for claim in (sts.get("spec") or {}).get("volumeClaimTemplates") or []:
        v = volumes.get((claim.get("metadata") or {}).get("name"))
        if v is None or (v.get("persistentVolumeClaim") or {}).get("claimName") != claim_name(sts, claim, ordinal) \
                or v.get("persistentVolumeClaim") is None:
            return False
    return True


def update_storage(sts: dict, pod: dict) -> None:
    """updateStorage: a persistentVolumeClaim volume per claim template (replacing a volume of the same name)."""
    ordinal = get_ordinal(pod)
    templates = (sts.get("spec") or {}).get("volumeClaimTemplates") or []
    names = [(c.get("metadata") or {}).get("name", "") for c in templates]
    new = [{"name": n, "persistentVolumeClaim": {"claimName": claim_name(sts, c, ordinal)}}
           for n, c in zip(names, templates)]
    spec = pod.setdefault("spec", {})
    new += [v for v in spec.get("volumes") or [] if v.get("name") not in names]
    if new:
        spec["volumes"] = new
    else:
        spec.pop("volumes", None)


def update_identity(sts: dict, pod: dict) -> None:
    """updateIdentity: name, namespace, the pod-name and pod-index labels."""
    ordinal = get_ordinal(pod)
    meta = pod.setdefault("metadata", {})
    meta["name"] = pod_name(sts, ordinal)
    meta["namespace"] = sts["metadata"].get("namespace", "default")
    labels = meta.setdefault("labels", {})
    labels[POD_NAME_LABEL] = meta["name"]
    labels[POD_INDEX_LABEL] = str(ordinal)


def init_identity(sts: dict, pod: dict) -> None:
    """initIdentity: updateIdentity, then hostname and subdomain (set on creation only)."""
    update_identity(sts, pod)
    spec = pod.setdefault("spec", {})
    spec["hostname"] = pod["metadata"]["name"]
    service = (sts.get("spec") or {}).get("serviceName") or ""
    if service:
        spec["subdomain"] = service


def phase(pod: dict) -> str:
    return (pod.get("status") or {}).get("phase") or ""


def is_created(pod: dict) -> bool:
    return phase(pod) != ""


def is_terminating(pod: dict) -> bool:
    return bool((pod.get("metadata") or {}).get("deletionTimestamp"))


def is_running_and_ready(pod: dict) -> bool:
    return phase(pod) == "Running" and is_pod_ready(pod)


def is_running_and_available(pod: dict, min_ready: int, now_ms: int) -> bool:
    """isRunningAndAvailable: podutil.IsPodAvailable."""
    return is_pod_available(pod, min_ready, now_ms)


def is_unavailable(pod: dict | None, min_ready: int, now_ms: int) -> bool:
    """isUnavailable: not available, or terminating (a pod not made yet is unavailable)."""
    return pod is None or not is_running_and_available(pod, min_ready, now_ms) or is_terminating(pod)


def allows_burst(sts: dict) -> bool:
    return (sts.get("spec") or {}).get("podManagementPolicy") == "Parallel"


def pod_revision(pod: dict) -> str:
    return ((pod.get("metadata") or {}).get("labels") or {}).get(REVISION_LABEL, "")


def new_stateful_pod(sts: dict, ordinal: int) -> dict:
    """newStatefulSetPod: GetPodFromTemplate with the set's controller reference, the ordinal's name, identity and
    storage."""
    pod = pod_from_template((sts.get("spec") or {}).get("template") or {}, sts, new_controller_ref(sts))
    pod["metadata"]["name"] = pod_name(sts, ordinal)
    init_identity(sts, pod)
    update_storage(sts, pod)
    return pod


def new_versioned_pod(current_set: dict, update_set: dict, current_rev: str, update_rev: str, ordinal: int) -> dict:
    """newVersionedStatefulSetPod: below the partition (or, without rollingUpdate, below status.currentReplicas)
    a pod of the current revision, else of the update revision. The Go condition's precedence is kept:
    (RollingUpdate && rollingUpdate == nil && ordinal < start+currentReplicas) || (rollingUpdate != nil &&
    ordinal < start+partition)."""
    spec = current_set.get("spec") or {}
    strategy = spec.get("updateStrategy") or {}
    ru = strategy.get("rollingUpdate")
    start = start_ordinal(current_set)
    current_replicas = int((current_set.get("status") or {}).get("currentReplicas") or 0)
    if (strategy.get("type") == "RollingUpdate" and ru is None and ordinal < start + current_replicas) or \
            (ru is not None and ordinal < start + int(ru.get("partition") or 0)):
        pod = new_stateful_pod(current_set, ordinal)
        pod["metadata"].setdefault("labels", {})[REVISION_LABEL] = current_rev
        return pod
    pod = new_stateful_pod(update_set, ordinal)
    pod["metadata"].setdefault("labels", {})[REVISION_LABEL] = update_rev
    return pod


def new_revision(sts: dict, revision: int, collision_count: int) -> dict:
    """newRevision: the template patch as a ControllerRevision, with the set's annotations copied."""
    cr = H.new_controller_revision(sts, ((sts.get("spec") or {}).get("template") or {}).get("metadata", {})
                                   .get("labels"), H.template_patch(sts), revision, collision_count)
    annotations = dict((sts.get("metadata") or {}).get("annotations") or {})
    if annotations:
        cr["metadata"]["annotations"] = annotations
    return cr


def inconsistent_status(sts: dict, status: dict) -> bool:
    old = sts.get("status") or {}
    return (status.get("observedGeneration", 0) > (old.get("observedGeneration") or 0)
            or any((status.get(k) or 0) != (old.get(k) or 0)
                   for k in ("replicas", "currentReplicas", "readyReplicas", "updatedReplicas", "availableReplicas"))
            or any((status.get(k) or "") != (old.get(k) or "") for k in ("currentRevision", "updateRevision")))


def complete_rolling_update(sts: dict, status: dict) -> None:
    replicas = int((sts.get("spec") or {}).get("replicas") or 0)
    if ((sts.get("spec") or {}).get("updateStrategy") or {}).get("type") == "RollingUpdate" and \
            status["updatedReplicas"] == replicas and status["readyReplicas"] == replicas and \
            status["replicas"] == replicas:
        status["currentReplicas"] = status["updatedReplicas"]
        status["currentRevision"] = status["updateRevision"]


def status_json(status: dict) -> dict:
    """apps/v1 StatefulSetStatus as JSON: zero omitempty fields left out (replicas and availableReplicas always
    there, collisionCount a pointer)."""
    out = {}
    for key in ("availableReplicas", "collisionCount", "conditions", "currentReplicas", "currentRevision",
                "observedGeneration", "readyReplicas", "replicas", "updateRevision", "updatedReplicas"):
        v = status.get(key)
        if key in ("replicas", "availableReplicas"):
            out[key] = int(v or 0)
        elif key == "collisionCount":
            if v is not None:
                out[key] = int(v)
        elif v:
            out[key] = v
    return out


class _SyncError(Exception):
    """A step of the sync failed (its event is recorded): the set is requeued with the rate limiter."""


class StatefulSetController(RateLimitedTimers, Controller):
    name = WRITER
    kind = "StatefulSet"
    owned = ("Pod",)

    # ---- the informers ---------------------------------------------------------------------------------
    def observe(self, ch) -> None:
        super().observe(ch)
        if ch.kind == "Pod" and ch.type != DELETED:
            self._pod_became_ready(ch)

    def _pod_became_ready(self, ch) -> None:
        """updatePod: a pod that turns ready requeues its set minReadySeconds + 1 s later."""
        ref = controller_ref(ch.obj)
        if ref is None or ref.get("kind") != self.kind:
            return
        since = ready_since_ms(ch.obj)
        if since is None or since < self.tx.now_ms - 999:  # became ready at this instant (second-precision time)
            return
        sts = self.tx.get(self.kind, ch.namespace, ref.get("name", ""))
        if sts is None or sts["metadata"].get("uid") != ref.get("uid"):
            return
        mrs = int((sts.get("spec") or {}).get("minReadySeconds") or 0)
        if mrs > 0:
            self.wake_at(ch.namespace, ref["name"], self.tx.now_ms + (mrs + 1) * 1000)

    def observe_orphan(self, ch) -> None:
        """addPod/updatePod of an orphan: every set whose selector matches it may adopt it."""
        labels = (ch.obj.get("metadata") or {}).get("labels") or {}
        for sts in self.owners(ch.namespace):
            if selector_matches((sts.get("spec") or {}).get("selector"), labels):
                self.enqueue(ch.namespace, sts["metadata"]["name"])

    # ---- sync ----------------------------------------------------------------------------------------
    def sync(self, namespace: str, name: str, sts: dict | None) -> None:
        if sts is None:
            return  # "StatefulSet has been deleted": the garbage collector takes its pods and revisions
        selector = (sts.get("spec") or {}).get("selector")
        try:
            from minikctl.kube.selectors import selector_string

            selector_string(selector)
        except E.MinikctlError:
            return  # a selector that does not convert: a non-transient error, no retry
        try:
            self._adopt_orphan_revisions(sts)
            pods = self.owned_objects(sts, "Pod", match=lambda p: is_member_of(sts, p), fields=POD_FIELDS)
            status = self.update_stateful_set(sts, pods)
        except _SyncError:
            self.requeue_failed(namespace, name)
            return
        self.forget(namespace, name)
        spec = sts.get("spec") or {}
        mrs = int(spec.get("minReadySeconds") or 0)
        if mrs > 0 and status is not None and status.get("availableReplicas", 0) != int(spec.get("replicas") or 0):
            self.wake_at(namespace, name, self.tx.now_ms + mrs * 1000)

    # ---- revisions ---------------------------------------------------------------------------------------
    def list_revisions(self, sts: dict) -> list[dict]:
        """ListRevisions: the revisions in the namespace the selector matches, controlled by the set or by none."""
        uid = sts["metadata"].get("uid")
        selector = (sts.get("spec") or {}).get("selector")
        out = []
        for rev in self.tx.list("ControllerRevision", sts["metadata"].get("namespace", "default")):
            if not selector_matches(selector, (rev.get("metadata") or {}).get("labels") or {}):
                continue
            ref = controller_ref(rev)
            if ref is None or ref.get("uid") == uid:
                out.append(rev)
        return out

    def _adopt_orphan_revisions(self, sts: dict) -> None:
        """adoptOrphanRevisions: orphans the selector matches get the set's controller reference."""
        if sts["metadata"].get("deletionTimestamp"):
            return  # canAdoptFunc: a set being deleted adopts nothing
        for rev in self.list_revisions(sts):
            if controller_ref(rev) is None:
                self._adopt(rev, sts)

    def _create_revision(self, sts: dict, revision: dict, collision_count: list) -> dict:
        """CreateControllerRevision: on a name collision with different data, bump the collision count and rename."""
        raw = H.raw_data(revision)
        ns = sts["metadata"].get("namespace", "default")
        while True:
            h = H.hash_controller_revision(raw, collision_count[0])
            clone = copy.deepcopy(revision)
            clone["metadata"]["name"] = H.controller_revision_name(sts["metadata"]["name"], h)
            existing = self.tx.get("ControllerRevision", ns, clone["metadata"]["name"])
            if existing is None:
                return self.api.create(clone)
            if H.raw_data(existing) == raw:
                return existing
            collision_count[0] += 1

    def _update_revision(self, revision: dict, number: int) -> dict:
        """UpdateControllerRevision: the same data under a new revision number (a rollback)."""
        if int(revision.get("revision") or 0) == number:
            return revision
        new = copy.deepcopy(revision)
        new["revision"] = number
        stored, _ = self.api.update(revision, new, verb="replacing")
        return stored

    def get_revisions(self, sts: dict, revisions: list[dict]) -> tuple[dict, dict, int]:
        """getStatefulSetRevisions: (current, update, collisionCount); may create the update revision, or renumber
        an equal older one."""
        collision = [int((sts.get("status") or {}).get("collisionCount") or 0)]
        update = new_revision(sts, H.next_revision(revisions), collision[0])
        equal = H.find_equal_revisions(revisions, update)
        if equal and H.equal_revision(revisions[-1], equal[-1]):
            update = revisions[-1]
        elif equal:
            update = self._update_revision(equal[-1], int(update["revision"]))
        else:
            update = self._create_revision(sts, update, collision)
        current_name = (sts.get("status") or {}).get("currentRevision")
        current = next((r for r in revisions if r["metadata"]["name"] == current_name), None)
        return (current or update), update, collision[0]

    def truncate_history(self, sts: dict, pods: list[dict], revisions: list[dict], current: dict | None,
                         update: dict | None) -> None:
        """truncateHistory: the oldest revisions neither current, update nor a pod's are deleted down to
        revisionHistoryLimit."""
        live = {r["metadata"]["name"] for r in (current, update) if r is not None}
        live |= {pod_revision(p) for p in pods}
        hist = [r for r in revisions if r["metadata"]["name"] not in live]
        limit = int((sts.get("spec") or {}).get("revisionHistoryLimit", 10))
        if limit < 0 or len(hist) <= limit:
            return
        for rev in hist[: len(hist) - limit]:
            live_rev = self.tx.get("ControllerRevision", rev["metadata"].get("namespace", "default"),
                                   rev["metadata"]["name"])
            if live_rev is not None:
                self.api.delete(live_rev)

    # ---- stateful_set_control.go -------------------------------------------------------------------------
    def update_stateful_set(self, sts: dict, pods: list[dict]) -> dict | None:
        """UpdateStatefulSet / performUpdate: revisions, the pods, the status, then the history limit."""
        revisions = H.sort_revisions(self.list_revisions(sts))
        current, update, collision = self.get_revisions(sts, revisions)
        failed = False
        try:
            status = self._update_pods(sts, current, update, collision, pods)
        except _SyncError as e:
            failed = True
            status = e.args[0] if e.args else None
        if status is not None:
            self._write_status(sts, status)
        self.truncate_history(sts, pods, revisions, current, update)
        if failed:
            raise _SyncError(status)
        return status

    def _write_status(self, sts: dict, status: dict) -> None:
        """updateStatefulSetStatus: completeRollingUpdate, then a status write when something differs."""
        complete_rolling_update(sts, status)
        if not inconsistent_status(sts, status):
            return
        new = copy.deepcopy(sts)
        new["status"] = status_json(status)
        self.api.update(sts, new, subresource="status", verb="patching")

    def _replica_status(self, pods: list, mrs: int, current: dict, update: dict) -> dict:
        """computeReplicaStatus."""
        now = self.tx.now_ms
        cur_name, upd_name = current["metadata"]["name"], update["metadata"]["name"]
        st = {"replicas": 0, "readyReplicas": 0, "availableReplicas": 0, "currentReplicas": 0, "updatedReplicas": 0}
        for pod in pods:
            if pod is None:
                continue
            if is_created(pod):
                st["replicas"] += 1
            if is_running_and_ready(pod):
                st["readyReplicas"] += 1
                if is_running_and_available(pod, mrs, now):
                    st["availableReplicas"] += 1
            if is_created(pod) and not is_terminating(pod):
                rev = pod_revision(pod)
                if rev == cur_name:
                    st["currentReplicas"] += 1
                if rev == upd_name:
                    st["updatedReplicas"] += 1
        return st

    def _update_status(self, status: dict, mrs: int, current: dict, update: dict, *lists: list) -> None:
        """updateStatus: the five counts over the pod lists."""
        for k in ("replicas", "readyReplicas", "availableReplicas", "currentReplicas", "updatedReplicas"):
            status[k] = 0
        for pods in lists:
            for k, v in self._replica_status(pods, mrs, current, update).items():
                status[k] += v

    def _update_pods(self, sts: dict, current: dict, update: dict, collision: int, pods: list[dict]) -> dict:
        """updateStatefulSet: create, delete and replace pods towards the target state; returns the status."""
        now = self.tx.now_ms
        spec = sts.get("spec") or {}
        mrs = int(spec.get("minReadySeconds") or 0)
        current_set = H.apply_revision(sts, current)
        update_set = H.apply_revision(sts, update)
        status: dict = {"observedGeneration": int(sts["metadata"].get("generation") or 0),
                        "currentRevision": current["metadata"]["name"],
                        "updateRevision": update["metadata"]["name"], "collisionCount": collision}
        self._update_status(status, mrs, current, update, pods)

        start = start_ordinal(sts)
        replicas: list = [None] * max(0, int(spec.get("replicas") or 0))
        condemned: list = []
        for pod in pods:
            if in_ordinal_range(pod, sts):
                replicas[get_ordinal(pod) - start] = pod
            elif get_ordinal(pod) >= 0:
                condemned.append(pod)
        # for the empty indices: newVersionedStatefulSetPod, made when processReplica comes to them (None until
        # then: a pod not created, unavailable, counted nowhere)
        self._make_pod = lambda ordinal: new_versioned_pod(current_set, update_set, current["metadata"]["name"],
                                                           update["metadata"]["name"], ordinal)
        self._start = start
        condemned.sort(key=get_ordinal, reverse=True)  # descendingOrdinal

        first_unavailable = None
        for pod in replicas:
            if is_unavailable(pod, mrs, now):
                first_unavailable = pod
                break
        if first_unavailable is None:
            for pod in reversed(condemned):
                if is_unavailable(pod, mrs, now):
                    first_unavailable = pod
                    break

        if sts["metadata"].get("deletionTimestamp"):
            return status  # a set being deleted only gets its status updated
        monotonic = not allows_burst(sts)

        def finish() -> dict:
            self._update_status(status, mrs, current, update, replicas, condemned)
            return status

        try:
            if _run_for_all(len(replicas), lambda i: self._process_replica(sts, update_set, monotonic, replicas, i),
                            monotonic):
                return finish()
            # (fixPodClaim: no claims to fix)
            if _run_for_all(len(condemned), lambda i: self._process_condemned(sts, first_unavailable, monotonic,
                                                                              condemned, i), monotonic):
                return finish()
        except _SyncError:
            raise _SyncError(finish()) from None
        self._update_status(status, mrs, current, update, replicas, condemned)
        strategy = spec.get("updateStrategy") or {}
        if strategy.get("type") == "OnDelete":
            return status  # pods are replaced only when someone deletes them
        update_min = int((strategy.get("rollingUpdate") or {}).get("partition") or 0) \
            if strategy.get("rollingUpdate") is not None else 0
        upd_name = update["metadata"]["name"]
        for target in range(len(replicas) - 1, update_min - 1, -1):
            pod = replicas[target]
            if pod is None:
                return status
            if pod_revision(pod) != upd_name and not is_terminating(pod):
                try:
                    self._delete_pod(sts, pod)  # "Pod of StatefulSet is terminating for update"
                except _SyncError:
                    raise _SyncError(status) from None
                status["currentReplicas"] -= 1
                return status
            if is_unavailable(pod, mrs, now):
                return status  # wait for the updated pod
        return status

    def _process_replica(self, sts: dict, update_set: dict, monotonic: bool, replicas: list, i: int) -> bool:
        """processReplica: True when the sync must stop here (monotonic)."""
        if replicas[i] is None:
            replicas[i] = self._make_pod(self._start + i)
        pod = replicas[i]
        mrs = int((sts.get("spec") or {}).get("minReadySeconds") or 0)
        if phase(pod) in ("Failed", "Succeeded"):
            if not is_terminating(pod):
                self._delete_pod(sts, pod)
            return True  # the new pod comes on the next sync, once this one is gone
        if not is_created(pod):
            self._create_pod(sts, pod)
            if monotonic:
                return True
        if is_terminating(pod) and monotonic:
            return True  # waiting for the pod to terminate
        if not is_running_and_ready(pod) and monotonic:
            return True  # waiting for the pod to be Running and Ready
        if not is_running_and_available(pod, mrs, self.tx.now_ms) and monotonic:
            return True  # waiting for the pod to be available
        if identity_matches(sts, pod) and storage_matches(sts, pod):
            return False
        self._update_pod(update_set, pod)
        return False

    def _process_condemned(self, sts: dict, first_unhealthy, monotonic: bool, condemned: list, i: int) -> bool:
        """processCondemned: scale down from the highest ordinal, one at a time when monotonic."""
        pod = condemned[i]
        mrs = int((sts.get("spec") or {}).get("minReadySeconds") or 0)
        if is_terminating(pod):
            return monotonic  # monotonic: wait for it to go
        if not is_running_and_ready(pod) and monotonic and pod is not first_unhealthy:
            return True
        if not is_running_and_available(pod, mrs, self.tx.now_ms) and monotonic and pod is not first_unhealthy:
            return True
        self._delete_pod(sts, pod)  # "Pod of StatefulSet is terminating for scale down"
        return True

    # ---- stateful_pod_control.go -------------------------------------------------------------------------
    def _pod_event(self, verb: str, sts: dict, pod: dict, err: str | None) -> None:
        """recordPodEvent: ``<verb> Pod <pod> in StatefulSet <set> successful`` / ``... failed error: <err>``."""
        pname, sname = pod["metadata"]["name"], sts["metadata"]["name"]
        if err is None:
            self.event(sts, "Normal", f"Successful{verb.title()}", f"{verb} Pod {pname} in StatefulSet {sname} successful")
        else:
            self.event(sts, "Warning", f"Failed{verb.title()}",
                       f"{verb} Pod {pname} in StatefulSet {sname} failed error: {err}")

    def _create_pod(self, sts: dict, pod: dict) -> None:
        """CreateStatefulPod (no claims: PersistentVolumeClaims are not served). AlreadyExists is returned with no
        event; any other refusal is a FailedCreate event."""
        try:
            self.api.create(pod)
        except E.MinikctlError as e:
            if isinstance(e, E.StatusError) and e.reason == "AlreadyExists":
                raise _SyncError() from None
            self._pod_event("create", sts, pod, _error_text(e))
            raise _SyncError() from None
        self._pod_event("create", sts, pod, None)

    def _update_pod(self, sts: dict, pod: dict) -> None:
        """UpdateStatefulPod: restore the pod's identity and storage."""
        pod = self.tx.get("Pod", pod["metadata"].get("namespace", "default"), pod["metadata"]["name"]) or pod
        new = copy.deepcopy(pod)
        if not identity_matches(sts, new):
            update_identity(sts, new)
        if not storage_matches(sts, new):
            update_storage(sts, new)
        try:
            self.api.update(pod, new, verb="replacing")
        except E.MinikctlError as e:
            self._pod_event("update", sts, pod, _error_text(e))
            raise _SyncError() from None
        self._pod_event("update", sts, pod, None)

    def _delete_pod(self, sts: dict, pod: dict) -> None:
        """DeleteStatefulPod."""
        live = self.tx.get("Pod", pod["metadata"].get("namespace", "default"), pod["metadata"]["name"])
        if live is None:
            return
        try:
            self.api.delete(live)
        except E.MinikctlError as e:
            self._pod_event("delete", sts, pod, _error_text(e))
            raise _SyncError() from None
        self._pod_event("delete", sts, pod, None)


def _run_for_all(n: int, fn, monotonic: bool) -> bool:
    """runForAll: monotonic, in order until one asks to stop (True); otherwise slowStartBatch(1, n, fn): batches
    of 1, 2, 4, ... (at most MaxBatchSize 500), and a batch with a failure ends the run. A failure (_SyncError)
    propagates once the rest of its batch has run."""
    if monotonic:
        for i in range(n):
            if fn(i):
                return True
        return False
    done, batch = 0, min(n, 1)
    while batch > 0:
        failed = None
        for i in range(done, done + batch):
            try:
                fn(i)
            except _SyncError as e:
                failed = e
        if failed is not None:
            raise failed
        done += batch
        batch = min(2 * batch, n - done, MAX_BATCH_SIZE)
    return False


def _error_text(e: Exception) -> str:
    return e.server_message() if isinstance(e, E.StatusError) else str(e)

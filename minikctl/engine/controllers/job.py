"""The Job controller: a port of kube-controller-manager's ``pkg/controller/job`` (v1.32).

What it does, as the real one does (function names are upstream's, in ``job_controller.go`` unless noted):
  - ``syncJob``: counts the Job's pods (``getPodsForJob``: its own pods, releasing those whose labels stopped
    matching, adopting matching orphans with the tracking finalizer), sets ``startTime``, decides whether the
    Job has failed (``FailureTarget``: backoffLimit exceeded -- failed pods, or with ``restartPolicy: OnFailure``
    the restarts of its running pods (``pastBackoffLimitOnFailure``) --, activeDeadlineSeconds, a FailJob rule of
    the podFailurePolicy (``pod_failure_policy.go``), maxFailedIndexes/failed indexes) or succeeded
    (``SuccessCriteriaMet``: completions reached, or a successPolicy rule of an Indexed Job), else creates or
    deletes pods (``manageJob``: parallelism, remaining completions, suspend, the pod failure back-off of
    ``backoff_utils.go`` -- 10 s doubling, capped at ``MaxJobPodFailureBackOff`` = 10 min);
  - ``trackJobStatusAndRemoveFinalizers``: a finished pod is first recorded in
    ``status.uncountedTerminatedPods``, its ``batch.kubernetes.io/job-tracking`` finalizer is removed, then it
    is counted in ``succeeded``/``failed`` (Indexed Jobs: ``completedIndexes``/``failedIndexes``); the terminal
    condition (``Failed`` after ``FailureTarget``, ``Complete`` after ``SuccessCriteriaMet``) is added once no
    pod is uncounted or terminating (``enactJobFinished``, JobManagedBy/JobPodReplacementPolicy on in 1.32);
  - pods it no longer controls keep no tracking finalizer (``syncOrphanPod``).

Timing (the controller's own): a Job's creation or spec change syncs it at once (``enqueueSyncJobImmediately``);
a pod event or a status write syncs it one second later (``enqueueSyncJobBatched``, ``syncJobBatchPeriod``);
active deadlines and pod back-offs wake it at their instant. Everything goes through the API (pods are created
through admission; a refusal is a ``FailedCreate`` event and the controller carries on). The back-off record,
which the real controller keeps in memory (``backoffStore``), is kept in the Job's runtime record.
"""

from __future__ import annotations

import json

from minikctl.api import stamp as _stamp
from minikctl.engine.controllers.base import Controller, as_stored, controller_ref, is_pod_ready, new_controller_ref, \
    pod_from_template, status_base
from minikctl.kube import errors as E
from minikctl.kube.selectors import selector_matches
from minikctl.kube.timefmt import parse_rfc3339, rfc3339
from minikctl.kube.treecopy import tree_copy
from minikctl.store.changelog import ADDED, DELETED

WRITER = "job-controller"
TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"  # batch.JobTrackingFinalizer
_TRACKING_TEXT = json.dumps(TRACKING_FINALIZER)  # as the store's encoder writes it (no character it escapes)
COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index"  # batch.JobCompletionIndexAnnotation
INDEX_FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count"
INDEX_IGNORED_FAILURE_COUNT = "batch.kubernetes.io/job-index-ignored-failure-count"
CONTROLLER_UID = "batch.kubernetes.io/controller-uid"
COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX"
JOB_CONTROLLER_NAME = "kubernetes.io/job-controller"  # batch.JobControllerName (spec.managedBy)

SYNC_BATCH_MS = 1000  # syncJobBatchPeriod
DEFAULT_BACKOFF_MS = 10_000  # DefaultJobPodFailureBackOff
MAX_BACKOFF_MS = 600_000  # MaxJobPodFailureBackOff (10 min; the docs still say six)
MAX_UNCOUNTED_PODS = 500  # MaxUncountedPods
MAX_POD_CREATE_DELETE_PER_SYNC = 500  # MaxPodCreateDeletePerSync
MAX_GENERATED_NAME_LENGTH = 58  # names.MaxGeneratedNameLength
UNKNOWN_INDEX = -1


def _copy(obj):
    return json.loads(json.dumps(obj))


def _copy_read(obj):
    """A copy of an object just read from the store (``Tx.get``: decoded from its stored JSON, held nowhere
    else). Such a tree holds only dicts, lists, strings, numbers, booleans and None, no node twice, so
    ``tree_copy`` (kube/treecopy.py) gives exactly what ``_copy``'s JSON round trip gives, at a third of the cost
    (the Job controller copies every Job it writes a status for, and every pod it takes its finalizer off).
    ``_copy`` stays for what the controller built itself (a template, what ``Api.update`` returns)."""
    return tree_copy(obj)


def _copy_written(stored: dict, feed: list):
    """A copy of what ``Api.update`` just stored: the change it logged last (store/db.py ``Tx.update``) holds
    the text written for that very object, the store's encoder's JSON (same keys in the same order), so decoding
    it gives what ``_copy``'s JSON round trip gives without encoding the object a second time (the Job
    controller's every status write: ~40 % of its copy). Anything else logged since: ``_copy``."""
    if feed and feed[-1].obj is stored:
        return feed[-1].snapshot()
    return _copy(stored)


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _untracked(text: str) -> dict | None:
    """``Tx.get_with_body``'s ``decode`` for ``syncOrphanPod``, which only looks for the tracking finalizer: a pod
    whose stored text has the finalizer's name nowhere has no such finalizer, and stands as a pod of no metadata
    but its own (undecoded); else None (decoded). A finished Job queues every pod of its own (cleanupPodFinalizers),
    and their finalizers are mostly off by then. Off with the stamps (MINIKCTL_NO_STAMP=1, api/stamp.py)."""
    return {"metadata": {}} if _TRACKING_TEXT not in text else None


def _status(obj: dict) -> dict:
    return obj.get("status") or {}


def _phase(pod: dict) -> str:
    return _status(pod).get("phase") or ""


def _ts(value: str | None) -> int | None:
    return parse_rfc3339(value) if value else None


# ---- pods ---------------------------------------------------------------------------------------
def has_tracking_finalizer(pod: dict) -> bool:
    return TRACKING_FINALIZER in (_meta(pod).get("finalizers") or [])


def is_pod_terminating(pod: dict) -> bool:
    """controller.IsPodTerminating: being deleted and not terminal."""
    return bool(_meta(pod).get("deletionTimestamp")) and _phase(pod) not in ("Succeeded", "Failed")


def is_pod_active(pod: dict) -> bool:
    """controller.FilterActivePods' test."""
    return _phase(pod) not in ("Succeeded", "Failed") and not _meta(pod).get("deletionTimestamp")


def completion_index(pod: dict) -> int:
    """getCompletionIndex: the completion-index annotation as a non-negative int, else -1."""
    v = (_meta(pod).get("annotations") or {}).get(COMPLETION_INDEX)
    if v is None:
        return UNKNOWN_INDEX
    try:
        i = int(v, 10)
    except ValueError:
        return UNKNOWN_INDEX
    return i if i >= 0 and v.lstrip("+-").isdigit() else UNKNOWN_INDEX


def _int32_annotation(pod: dict, key: str) -> int:
    """parseInt32 of an annotation (0 when missing, unparsable, negative or too big)."""
    v = (_meta(pod).get("annotations") or {}).get(key)
    if v is None:
        return 0
    try:
        n = int(v, 10)
    except ValueError:
        return 0
    return n if 0 <= n <= 2**31 - 1 else 0


def index_failure_count(pod: dict) -> int:
    return _int32_annotation(pod, INDEX_FAILURE_COUNT)


def index_absolute_failure_count(pod: dict) -> int:
    return _int32_annotation(pod, INDEX_FAILURE_COUNT) + _int32_annotation(pod, INDEX_IGNORED_FAILURE_COUNT)


def _ready_time(pod: dict) -> int | None:
    for c in _status(pod).get("conditions") or []:
        if c.get("type") == "Ready" and c.get("status") == "True":
            return _ts(c.get("lastTransitionTime")) or 0
    return None


def _max_restarts(pod: dict) -> int:
    return max([int(cs.get("restartCount") or 0) for cs in _status(pod).get("containerStatuses") or []] or [0])


def _active_pods_key(pod: dict):
    """controller.ActivePods' order (pods to delete first come first): unassigned < assigned, Pending < Unknown <
    Running, not ready < ready, ready for less time < more, more restarts < fewer, newer < older."""
    spec = pod.get("spec") or {}
    ready = is_pod_ready(pod)
    rt = _ready_time(pod) if ready else None
    created = _ts(_meta(pod).get("creationTimestamp"))
    return (1 if spec.get("nodeName") else 0, {"Pending": 0, "Unknown": 1, "Running": 2}.get(_phase(pod), 0),
            1 if ready else 0, -(rt or 0) if ready else 0, -_max_restarts(pod),
            -(created or 0) if created else float("-inf"))


def sort_active_pods(pods: list[dict]) -> list[dict]:
    return sorted(pods, key=_active_pods_key)


def finished_time(pod: dict) -> int:
    """getFinishedTime (backoff_utils.go): the latest container finishedAt once all containers finished, else the
    Ready=False transition, else deletionTimestamp - grace, else the creation time."""
    status = _status(pod)
    latest = None
    statuses = status.get("containerStatuses") or []
    for cs in statuses:
        term = (cs.get("state") or {}).get("terminated")
        if not term or not term.get("finishedAt"):
            latest = None
            break
        t = parse_rfc3339(term["finishedAt"])
        latest = t if latest is None or t > latest else latest
    if latest is not None:
        return latest
    for c in status.get("conditions") or []:
        if c.get("type") == "Ready":
            if c.get("status") == "False" and c.get("lastTransitionTime"):
                return parse_rfc3339(c["lastTransitionTime"])
            break
    meta = _meta(pod)
    if meta.get("deletionTimestamp"):
        return parse_rfc3339(meta["deletionTimestamp"]) - int(meta.get("deletionGracePeriodSeconds") or 0) * 1000
    return _ts(meta.get("creationTimestamp")) or 0


def remaining_backoff_ms(now_ms: int, failures: int, last_failure_ms: int | None) -> int:
    """getRemainingTimeForFailuresCount: 10 s doubling per failure after the first, capped at 10 min, counted
    from the last failure."""
    if failures == 0 or last_failure_ms is None:
        return 0
    backoff = DEFAULT_BACKOFF_MS
    for _ in range(1, failures):
        backoff *= 2
        if backoff >= MAX_BACKOFF_MS:
            backoff = MAX_BACKOFF_MS
            break
    elapsed = now_ms - last_failure_ms
    return 0 if backoff < elapsed else backoff - elapsed


# ---- pod failure policy (pod_failure_policy.go) ---------------------------------------------------------
def _exit_codes_match(code: int, req: dict) -> bool:
    values = req.get("values") or []
    if req.get("operator") == "In":
        return code in values
    if req.get("operator") == "NotIn":
        return code not in values
    return False


def _matching_container(statuses: list, req: dict) -> dict | None:
    for cs in statuses or []:
        term = (cs.get("state") or {}).get("terminated")
        if term is None:
            continue
        if req.get("containerName") is None or req["containerName"] == cs.get("name"):
            code = int(term.get("exitCode") or 0)
            if code != 0 and _exit_codes_match(code, req):
                return cs
    return None


def match_pod_failure_policy(policy: dict | None, pod: dict) -> tuple[str | None, bool, str | None]:
    """matchPodFailurePolicy: (FailJob message, count the failure?, the matched action)."""
    if policy is None:
        return None, True, None
    status = _status(pod)
    meta = _meta(pod)
    for index, rule in enumerate(policy.get("rules") or []):
        action = rule.get("action")
        if rule.get("onExitCodes") is not None:
            req = rule["onExitCodes"]
            cs = _matching_container(status.get("containerStatuses"), req) or \
                _matching_container(status.get("initContainerStatuses"), req)
            if cs is None:
                continue
            if action == "Ignore":
                return None, False, "Ignore"
            if action == "FailIndex":
                return None, True, "FailIndex"
            if action == "Count":
                return None, True, "Count"
            if action == "FailJob":
                code = int(cs["state"]["terminated"].get("exitCode") or 0)
                return (f"Container {cs.get('name')} for pod {meta.get('namespace')}/{meta.get('name')} failed with "
                        f"exit code {code} matching FailJob rule at index {index}"), True, "FailJob"
        elif rule.get("onPodConditions") is not None:
            found = None
            for cond in status.get("conditions") or []:
                for pattern in rule["onPodConditions"]:
                    if cond.get("type") == pattern.get("type") and cond.get("status") == pattern.get("status", "True"):
                        found = cond
                        break
                if found:
                    break
            if found is None:
                continue
            if action == "Ignore":
                return None, False, "Ignore"
            if action == "FailIndex":
                return None, True, "FailIndex"
            if action == "Count":
                return None, True, "Count"
            if action == "FailJob":
                return (f"Pod {meta.get('namespace')}/{meta.get('name')} has condition {found.get('type')} matching "
                        f"FailJob rule at index {index}"), True, "FailJob"
    return None, True, None


# ---- indexes (indexed_job_utils.go) -------------------------------------------------------------------
def parse_indexes(text: str | None, completions: int) -> list[list[int]]:
    """parseIndexesFromString: "1,3-5" -> [[1, 1], [3, 5]], cut at ``completions``."""
    if not text:
        return []
    out: list[list[int]] = []
    for part in text.split(","):
        limits = part.split("-")
        try:
            first = int(limits[0])
        except ValueError:
            continue
        if first >= completions:
            break
        if len(limits) > 1:
            try:
                last = int(limits[1])
            except ValueError:
                continue
            last = min(last, completions - 1)
        else:
            last = first
        if out and out[-1][1] == first - 1:
            out[-1][1] = last
        else:
            out.append([first, last])
    return out


def merge_intervals(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    """orderedIntervals.merge."""
    out: list[list[int]] = []

    def add(iv: list[int]) -> None:
        if not out or iv[0] > out[-1][1] + 1:
            out.append([iv[0], iv[1]])
        elif out[-1][1] < iv[1]:
            out[-1][1] = iv[1]

    i = j = 0
    while i < len(a) and j < len(b):
        if a[i][0] < b[j][0]:
            add(a[i])
            i += 1
        else:
            add(b[j])
            j += 1
    for iv in a[i:]:
        add(iv)
    for iv in b[j:]:
        add(iv)
    return out


def with_indexes(intervals: list[list[int]], indexes) -> list[list[int]]:
    return merge_intervals(intervals, [[i, i] for i in sorted(indexes)])


def intervals_total(intervals: list[list[int]] | None) -> int:
    return sum(last - first + 1 for first, last in intervals or [])


def intervals_has(intervals: list[list[int]] | None, ix: int) -> bool:
    return any(first <= ix <= last for first, last in intervals or [])


def intervals_text(intervals: list[list[int]]) -> str:
    """orderedIntervals.String: "0-2,4", two neighbours as "5,6"."""
    parts = []
    for first, last in intervals:
        if last > first:
            parts.append(f"{first}{',' if last == first + 1 else '-'}{last}")
        else:
            parts.append(str(first))
    return ",".join(parts)


def pod_generate_name_with_index(job_name: str, index: int) -> str:
    """podGenerateNameWithIndex: ``<job>-<index>-``, the job name cut so the whole stays within 58 characters."""
    append = f"-{index}-"
    prefix = job_name + append
    if len(prefix) > MAX_GENERATED_NAME_LENGTH:
        prefix = prefix[:MAX_GENERATED_NAME_LENGTH - len(append)] + append
    return prefix


def _condition(ctype: str, status: str, reason: str, message: str, now_ms: int) -> dict:
    """newCondition (reason and message are omitempty)."""
    c = {"type": ctype, "status": status, "lastProbeTime": rfc3339(now_ms), "lastTransitionTime": rfc3339(now_ms)}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def find_condition(conditions: list | None, ctype: str) -> dict | None:
    for c in conditions or []:
        if c.get("type") == ctype:
            return c
    return None


def finished_condition(job: dict) -> str | None:
    """util.FinishedCondition: "Complete" or "Failed" when the Job has finished."""
    for c in _status(job).get("conditions") or []:
        if c.get("type") in ("Complete", "Failed") and c.get("status") == "True":
            return c["type"]
    return None


def is_job_finished(job: dict) -> bool:
    return finished_condition(job) is not None


class _SyncCtx:
    """syncJobCtx."""

    __slots__ = ("job", "pods", "finished", "active_pods", "succeeded", "failed", "prev_succeeded_indexes",
                 "succeeded_indexes", "failed_indexes", "backoff", "uncounted_succeeded", "uncounted_failed",
                 "delayed_deletion", "terminating", "ready")


class JobController(Controller):
    """pkg/controller/job: Jobs run pods to completion."""

    name = WRITER
    KEEPS_TEXT = True  # its status writes take the Job as stored from what the sync read (``_write_status``)
    kind = "Job"
    owned = ("Pod",)

    def __init__(self, loop) -> None:
        super().__init__(loop)
        self.orphans: dict[tuple, None] = {}  # (namespace, pod) whose tracking finalizer may have to go
        self._generation: dict[tuple, int] = {}  # (namespace, job) -> generation last synced
        # pods by the uid of their controlling Job, and orphans by their controller-uid label (getPodJobs),
        # built from the store on first use and kept current from the change log
        self._by_owner: dict[str, dict[tuple, None]] | None = None
        self._orphans_by_label: dict[str | None, dict[tuple, None]] = {}
        self._pod_keys: dict[tuple, tuple] = {}  # (ns, name) -> (owner uid or None, controller-uid label or None)
        self._jobs: dict[tuple, tuple] = {}  # (ns, name) -> (uid, finished?) of the Jobs seen (resolveControllerRef)
        self._recs: dict[tuple, dict] = {}  # runtime records read in this run (only this controller writes them)
        # what the status write takes as the Job stored while the store holds the text the sync read it as
        # (``last_read``) or last wrote (``_write_status``): (the sync's Job, the text, its status then)
        self._as_stored: tuple[dict, str, dict] | None = None

    # ---- the informers (addPod/updatePod/deletePod, addJob/updateJob/deleteJob) -------------------------
    def observe(self, ch) -> None:
        if ch.kind == "Job":
            self._observe_job(ch)
            return
        if ch.kind != "Pod":
            return
        pod = ch.obj
        meta = _meta(pod)
        key = (ch.namespace, ch.name)
        if self._by_owner is not None:
            self._index_pod(key, None if ch.type == DELETED else pod)
        ref = controller_ref(pod)
        if ref is None:
            if ch.type == DELETED:
                return
            if has_tracking_finalizer(pod):
                self.orphans[key] = None  # an orphan keeps no tracking finalizer
            cuid = (meta.get("labels") or {}).get(CONTROLLER_UID)
            if cuid:  # getPodJobs: a Job whose selector matches may adopt it
                job = self._job_by_uid(ch.namespace, cuid)
                if job is not None:
                    self.wake_at(ch.namespace, _meta(job)["name"], self.tx.now_ms + SYNC_BATCH_MS)
            return
        if ref.get("kind") != "Job":
            return
        found = self._job_info(ch.namespace, ref.get("name", ""))
        if found is not None and found[0] != ref.get("uid"):
            found = None
        if ch.type == DELETED or meta.get("deletionTimestamp"):
            # deletePod: a pod of a Job that is gone or finished loses its finalizer here
            if found is None or found[1]:
                if has_tracking_finalizer(pod) and ch.type != DELETED:
                    self.orphans[key] = None
                return
        elif found is None:
            return
        self.wake_at(ch.namespace, ref.get("name", ""), self.tx.now_ms + SYNC_BATCH_MS)

    def _job_info(self, namespace: str, name: str) -> tuple | None:
        """(uid, finished?) of a Job, from the Jobs this run has seen (the informer's cache), else the store."""
        key = (namespace, name)
        if key not in self._jobs:
            job = self.tx.get("Job", namespace, name)
            self._jobs[key] = None if job is None else (_meta(job).get("uid"), is_job_finished(job))
        return self._jobs[key]

    def _observe_job(self, ch) -> None:
        key = (ch.namespace, ch.name)
        self._jobs[key] = None if ch.type == DELETED else (ch.uid, is_job_finished(ch.obj))
        if ch.type == DELETED:
            self._generation.pop(key, None)
            self.enqueue(*key)
            self._cleanup_pod_finalizers(ch.obj)
            return
        gen = _meta(ch.obj).get("generation")
        if ch.type == ADDED or ch.by == "" or (key in self._generation and self._generation[key] != gen):
            self.enqueue(*key)  # enqueueSyncJobImmediately: creation, spec change (a user's write)
        else:
            self.wake_at(ch.namespace, ch.name, self.tx.now_ms + SYNC_BATCH_MS)  # enqueueSyncJobBatched
        if is_job_finished(ch.obj):
            self._cleanup_pod_finalizers(ch.obj)

    def _cleanup_pod_finalizers(self, job: dict) -> None:
        """cleanupPodFinalizers: the Job's pods that still have the finalizer go to the orphan queue."""
        meta = _meta(job)
        for key in list(self._pods_of(meta.get("namespace", "default"), meta.get("uid", ""))):
            self.orphans[key] = None

    def has_work(self) -> bool:
        return bool(self.queue or self.orphans)

    def work(self) -> None:
        super().work()
        while self.orphans:
            key = next(iter(self.orphans))
            del self.orphans[key]
            self._sync_orphan_pod(*key)

    # ---- timers: the runtime record keeps the next wake-up and the back-off record --------------------------
    def _record(self, namespace: str, name: str) -> dict:
        key = (namespace, name)
        rec = self._recs.get(key)
        if rec is None:
            rec = self._recs[key] = self.tx.get_runtime(self.kind, namespace, name) or {}
        return rec

    def _store(self, namespace: str, name: str, rec: dict) -> None:
        if rec:
            self.tx.put_runtime(self.kind, namespace, name, rec, rec.get("wake"))
        else:
            self.tx.delete_runtime(self.kind, namespace, name)

    def wake_at(self, namespace: str, name: str, at_ms: int) -> None:
        rec = self._record(namespace, name)
        if rec.get("wake") is not None and rec["wake"] <= at_ms:
            return
        rec["wake"] = int(at_ms)
        self._store(namespace, name, rec)

    def due(self, kind: str, namespace: str, name: str, until: int, horizon: int | None) -> None:
        rec = self._record(namespace, name)
        rec.pop("wake", None)
        self._store(namespace, name, rec)
        self.sync(namespace, name, self.read(namespace, name))

    def _save_backoff(self, namespace: str, name: str, failures: int, last_ms: int | None) -> None:
        """backoffStore.updateBackoffRecord."""
        rec = self._record(namespace, name)
        before = dict(rec)
        if failures == 0 and last_ms is None:
            rec.pop("failuresAfterLastSuccess", None)
            rec.pop("lastFailureMs", None)
        else:
            rec["failuresAfterLastSuccess"] = failures
            rec["lastFailureMs"] = last_ms
        if rec != before:
            self._store(namespace, name, rec)

    def _remove_backoff(self, namespace: str, name: str) -> None:
        """backoffStore.removeBackoffRecord (a finished or deleted Job); a pending wake-up stays."""
        rec = self._record(namespace, name)
        if "failuresAfterLastSuccess" in rec or "lastFailureMs" in rec:
            self._save_backoff(namespace, name, 0, None)

    # ---- the pod index ------------------------------------------------------------------------------------
    def _index(self) -> dict:
        if self._by_owner is None:
            self._by_owner = {}
            self.tx.flush_objects()
            rows = self.tx.conn.execute(
                "SELECT namespace, name, json_extract(body, '$.metadata.ownerReferences'), "
                "json_extract(body, '$.metadata.labels.\"batch.kubernetes.io/controller-uid\"') "
                "FROM objects WHERE kind='Pod'")
            for ns, name, refs, cuid in rows:
                owner = None
                for ref in json.loads(refs) if refs else []:
                    if ref.get("controller"):
                        owner = ref.get("uid") if ref.get("kind") == "Job" else ""
                        break
                self._put_key((ns, name), owner, cuid)
        return self._by_owner

    def _put_key(self, key: tuple, owner: str | None, cuid: str | None) -> None:
        self._pod_keys[key] = (owner, cuid)
        if owner is None:
            self._orphans_by_label.setdefault(cuid, {})[key] = None
        elif owner:
            self._by_owner.setdefault(owner, {})[key] = None

    def _index_pod(self, key: tuple, pod: dict | None) -> None:
        old = self._pod_keys.pop(key, None)
        if old is not None:
            owner, cuid = old
            if owner is None:
                self._orphans_by_label.get(cuid, {}).pop(key, None)
            elif owner:
                self._by_owner.get(owner, {}).pop(key, None)
        if pod is None:
            return
        ref = controller_ref(pod)
        owner = None if ref is None else (ref.get("uid") if ref.get("kind") == "Job" else "")
        self._put_key(key, owner, (_meta(pod).get("labels") or {}).get(CONTROLLER_UID))

    def _pods_of(self, namespace: str, uid: str) -> list[tuple]:
        return [k for k in self._index().get(uid, {}) if k[0] == namespace]

    def _job_by_uid(self, namespace: str, uid: str) -> dict | None:
        row = self.tx.conn.execute("SELECT name FROM objects WHERE kind='Job' AND namespace=? AND uid=?",
                                   (namespace, uid)).fetchone()
        return self.tx.get("Job", namespace, row[0]) if row else None

    def get_pods_for_job(self, job: dict) -> list[dict]:
        """getPodsForJob / ClaimPods: the pods this Job controls (released when their labels stop matching its
        selector), and matching orphans it adopts (owner reference and tracking finalizer)."""
        meta = _meta(job)
        ns, uid = meta.get("namespace", "default"), meta.get("uid", "")
        selector = (job.get("spec") or {}).get("selector")
        out = []
        for key in sorted(self._pods_of(ns, uid)):
            pod = self.tx.get("Pod", *key)
            if pod is None:
                continue
            labels = _meta(pod).get("labels") or {}
            if selector is not None and not selector_matches(selector, labels) \
                    and not _meta(pod).get("deletionTimestamp"):
                self._release(pod, uid)
                continue
            out.append(pod)
        if meta.get("deletionTimestamp") or selector is None:
            return out
        cuid = (selector.get("matchLabels") or {}).get(CONTROLLER_UID)
        candidates = (self._orphans_by_label.get(cuid, {}) if cuid
                      else {k: None for bucket in self._orphans_by_label.values() for k in bucket})
        for key in sorted(k for k in candidates if k[0] == ns):
            pod = self.tx.get("Pod", *key)
            if pod is None or controller_ref(pod) is not None or _meta(pod).get("deletionTimestamp"):
                continue
            if selector_matches(selector, _meta(pod).get("labels") or {}):
                out.append(self._adopt_pod(pod, job))
        return sorted(out, key=lambda p: _meta(p).get("name", ""))

    def _adopt_pod(self, pod: dict, job: dict) -> dict:
        new = _copy_read(pod)
        m = new["metadata"]
        m["ownerReferences"] = (m.get("ownerReferences") or []) + [new_controller_ref(job)]
        if TRACKING_FINALIZER not in (m.get("finalizers") or []):
            m["finalizers"] = (m.get("finalizers") or []) + [TRACKING_FINALIZER]
        stored, _ = self.api.update(pod, new, verb="patching")
        return stored

    # ---- orphans (syncOrphanPod) ----------------------------------------------------------------------------
    def _sync_orphan_pod(self, namespace: str, name: str) -> None:
        found = self.tx.get_with_body("Pod", namespace, name, decode=_untracked if _stamp.ENABLED else None)
        pod = None if found is None else found[0]
        if pod is None or not has_tracking_finalizer(pod):
            return
        ref = controller_ref(pod)
        if ref is not None:
            if ref.get("kind") != "Job" or ref.get("apiVersion") != "batch/v1":
                return
            job = self.tx.get("Job", namespace, ref.get("name", ""))
            if job is not None and _meta(job).get("uid") == ref.get("uid"):
                managed = (job.get("spec") or {}).get("managedBy")
                if managed is not None and managed != JOB_CONTROLLER_NAME:
                    return
                if not is_job_finished(job):
                    return  # adopted: the Job's sync removes it when the pod is counted
        self._remove_finalizer(pod)

    def _remove_finalizer(self, pod: dict) -> dict | None:
        """removeTrackingFinalizerPatch: ``$deleteFromPrimitiveList/finalizers`` (a patch: the live pod keeps
        everything else); None when the pod is gone."""
        pod = self.tx.get("Pod", _meta(pod).get("namespace", "default"), _meta(pod)["name"])
        if pod is None:
            return None
        if not has_tracking_finalizer(pod):
            return pod
        new = _copy_read(pod)
        fins = [f for f in new["metadata"].get("finalizers") or [] if f != TRACKING_FINALIZER]
        if fins:
            new["metadata"]["finalizers"] = fins
        else:
            new["metadata"].pop("finalizers", None)
        try:
            stored, _ = self.api.update(pod, new, verb="patching", trusted=True)
        except E.NotFound:
            return None
        return stored

    # ---- syncJob ----------------------------------------------------------------------------------------------
    def sync(self, namespace: str, name: str, job: dict | None) -> None:
        if job is None:
            self._recs[(namespace, name)] = {}
            self.tx.delete_runtime(self.kind, namespace, name)  # removeBackoffRecord
            return
        self._generation[(namespace, name)] = _meta(job).get("generation")
        managed = (job.get("spec") or {}).get("managedBy")
        if managed is not None and managed != JOB_CONTROLLER_NAME:
            return  # managedByExternalController
        if is_job_finished(job):
            self._remove_backoff(namespace, name)
            return
        spec = job.get("spec") or {}
        mode = spec.get("completionMode")
        if mode is not None and mode not in ("NonIndexed", "Indexed"):
            self.event(job, "Warning", "UnknownCompletionMode", "Skipped Job sync because completion mode is unknown")
            return
        # ``job`` is the sync's own copy: every caller (Controller.work, due) passes what it just read from the store
        read, self.last_read = self.last_read, None
        self._as_stored = None
        if read is not None and read[0] is job and isinstance(job.get("spec"), dict) \
                and isinstance(job.get("status"), dict):
            # from here on the sync changes the Job's status alone (its spec, metadata and the rest are only read)
            self._as_stored = (job, read[1], tree_copy(job["status"]))
        spec = job.setdefault("spec", {})
        status = job.setdefault("status", {})
        now = self.tx.now_ms
        uncounted = status.get("uncountedTerminatedPods") or {}
        status["uncountedTerminatedPods"] = {k: list(v) for k, v in uncounted.items() if v}

        pods = self.get_pods_for_job(job)
        ctx = _SyncCtx()
        ctx.job = job
        ctx.pods = pods
        ctx.active_pods = [p for p in pods if is_pod_active(p)]
        ctx.ready = sum(1 for p in ctx.active_pods if is_pod_ready(p))
        ctx.uncounted_succeeded = set(uncounted.get("succeeded") or [])
        ctx.uncounted_failed = set(uncounted.get("failed") or [])
        ctx.terminating = sum(1 for p in pods if is_pod_terminating(p))  # trackTerminatingPods: on in 1.32
        ctx.prev_succeeded_indexes, ctx.succeeded_indexes, ctx.failed_indexes = [], [], None
        ctx.delayed_deletion = {}
        active = len(ctx.active_pods)
        new_succeeded, new_failed = self._new_finished_pods(ctx)
        ctx.succeeded = int(status.get("succeeded") or 0) + len(new_succeeded) + len(ctx.uncounted_succeeded)
        policy = spec.get("podFailurePolicy")
        counted_failed = sum(1 for p in new_failed if match_pod_failure_policy(policy, p)[1])
        ctx.failed = int(status.get("failed") or 0) + counted_failed + len(ctx.uncounted_failed)

        suspended = spec.get("suspend") is True
        if not status.get("startTime") and not suspended:
            status["startTime"] = rfc3339(now)

        ctx.backoff = self._new_backoff_record(namespace, name, new_succeeded, new_failed)

        exceeds_backoff = ctx.failed > int(spec.get("backoffLimit") if spec.get("backoffLimit") is not None else 6)
        ctx.finished = _success_criteria_met(job)
        if ctx.finished is None:
            target = find_condition(status.get("conditions"), "FailureTarget")
            if target is not None and target.get("status") == "True":
                ctx.finished = _condition("Failed", "True", target.get("reason", ""), target.get("message", ""), now)
            else:
                msg = self._fail_job_message(job, pods)
                if msg is not None:
                    ctx.finished = _condition("FailureTarget", "True", "PodFailurePolicy", msg, now)
        if ctx.finished is None:
            if exceeds_backoff or past_backoff_limit_on_failure(job, pods):
                ctx.finished = _condition("FailureTarget", "True", "BackoffLimitExceeded",
                                          "Job has reached the specified backoff limit", now)
            elif self._past_active_deadline(job):
                ctx.finished = _condition("FailureTarget", "True", "DeadlineExceeded",
                                          "Job was active longer than specified deadline", now)
            elif spec.get("activeDeadlineSeconds") is not None and not suspended:
                start = parse_rfc3339(status["startTime"])
                self.wake_at(namespace, name, start + int(spec["activeDeadlineSeconds"]) * 1000)

        indexed = spec.get("completionMode") == "Indexed"
        if indexed:
            completions = int(spec.get("completions") or 0)
            ctx.prev_succeeded_indexes = parse_indexes(status.get("completedIndexes"), completions)
            new_ix = {completion_index(p) for p in pods
                      if _phase(p) == "Succeeded" and 0 <= completion_index(p) < completions
                      and has_tracking_finalizer(p)}
            ctx.succeeded_indexes = with_indexes(ctx.prev_succeeded_indexes, new_ix)
            ctx.succeeded = intervals_total(ctx.succeeded_indexes)
            if spec.get("backoffLimitPerIndex") is not None:
                ctx.failed_indexes = self._failed_indexes(job, pods)
                if ctx.finished is None:
                    mfi = spec.get("maxFailedIndexes")
                    total_failed = intervals_total(ctx.failed_indexes)
                    if mfi is not None and total_failed > int(mfi):
                        ctx.finished = _condition("FailureTarget", "True", "MaxFailedIndexesExceeded",
                                                  "Job has exceeded the specified maximal number of failed indexes",
                                                  now)
                    elif total_failed > 0 and total_failed + intervals_total(ctx.succeeded_indexes) >= completions:
                        ctx.finished = _condition("FailureTarget", "True", "FailedIndexes", "Job has failed indexes",
                                                  now)
                ctx.delayed_deletion = self._pods_with_delayed_deletion(ctx)
            if ctx.finished is None:
                msg = match_success_policy(spec.get("successPolicy"), completions, ctx.succeeded_indexes)
                if msg is not None:
                    ctx.finished = _condition("SuccessCriteriaMet", "True", "SuccessPolicy", msg, now)

        suspend_changed = False
        if ctx.finished is not None:
            deleted_ready, deleted = self._delete_active_pods(job, ctx.active_pods)
            if deleted != active:
                ctx.finished = None
            active -= deleted
            ctx.terminating += deleted
            ctx.ready -= deleted_ready
        else:
            managed_called = False
            if not _meta(job).get("deletionTimestamp"):
                active = self._manage_job(job, ctx)
                managed_called = True
            completions = spec.get("completions")
            if completions is None:
                complete = ctx.succeeded > 0 and active == 0
            else:
                complete = ctx.succeeded >= int(completions) and active == 0
            if complete:
                # newSuccessCondition: SuccessCriteriaMet first (JobSuccessPolicy on), reason CompletionsReached
                ctx.finished = _condition("SuccessCriteriaMet", "True", "CompletionsReached",
                                          "Reached expected number of succeeded pods", now)
            elif managed_called:
                conds = status.setdefault("conditions", [])
                if suspended:
                    if _ensure_condition(conds, "Suspended", "True", "JobSuspended", "Job suspended", now):
                        suspend_changed = True
                        self.event(job, "Normal", "Suspended", "Job suspended")
                else:
                    if _ensure_condition(conds, "Suspended", "False", "JobResumed", "Job resumed", now):
                        suspend_changed = True
                        self.event(job, "Normal", "Resumed", "Job resumed")
                        # a resumed Job's activeDeadlineSeconds counts from now
                        status["startTime"] = rfc3339(now)
                if not conds:
                    status.pop("conditions", None)

        needs_update = (suspend_changed or active != int(status.get("active") or 0)
                        or ctx.ready != status.get("ready") or ctx.terminating != status.get("terminating"))
        _set_int(status, "active", active)
        status["ready"] = ctx.ready
        status["terminating"] = ctx.terminating
        self._track_status_and_remove_finalizers(ctx, needs_update)

    def _new_finished_pods(self, ctx: _SyncCtx) -> tuple[list, list]:
        """getNewFinishedPods: finished pods still with the finalizer, not yet in uncountedTerminatedPods."""
        indexed = (ctx.job.get("spec") or {}).get("completionMode") == "Indexed"
        completions = int((ctx.job.get("spec") or {}).get("completions") or 0)
        succeeded, failed = [], []
        for p in ctx.pods:
            uid = _meta(p).get("uid")
            if not has_tracking_finalizer(p):
                continue
            if indexed:
                ix = completion_index(p)
                if ix == UNKNOWN_INDEX or ix >= completions:
                    continue
            if _phase(p) == "Succeeded" and uid not in ctx.uncounted_succeeded:
                succeeded.append(p)
            elif is_pod_failed(p, ctx.job) and uid not in ctx.uncounted_failed:
                failed.append(p)
        return succeeded, failed

    def _new_backoff_record(self, namespace: str, name: str, succeeded: list, failed: list) -> tuple[int, int | None]:
        """backoffStore.newBackoffRecord: (failures after the last success, the last failure's time)."""
        rec = self._record(namespace, name)
        failures, last = int(rec.get("failuresAfterLastSuccess") or 0), rec.get("lastFailureMs")
        succ_times = sorted(finished_time(p) for p in succeeded)
        fail_times = sorted(finished_time(p) for p in failed)
        if not succ_times:
            if not fail_times:
                return failures, last
            return failures + len(fail_times), fail_times[-1]
        if not fail_times:
            return 0, None
        failures, last = 0, None
        last_success = succ_times[-1]
        for t in reversed(fail_times):
            if not t > last_success:
                break
            if last is None:
                last = t
            failures += 1
        return failures, last

    def _fail_job_message(self, job: dict, pods: list) -> str | None:
        """getFailJobMessage: the message of the first failed pod matching a FailJob rule."""
        policy = (job.get("spec") or {}).get("podFailurePolicy")
        if policy is None:
            return None
        for p in pods:
            if is_pod_failed(p, job):
                msg = match_pod_failure_policy(policy, p)[0]
                if msg is not None:
                    return msg
        return None

    def _past_active_deadline(self, job: dict) -> bool:
        spec = job.get("spec") or {}
        start = _status(job).get("startTime")
        if spec.get("activeDeadlineSeconds") is None or not start or spec.get("suspend") is True:
            return False
        return self.tx.now_ms - parse_rfc3339(start) >= int(spec["activeDeadlineSeconds"]) * 1000

    def _failed_indexes(self, job: dict, pods: list) -> list[list[int]]:
        """calculateFailedIndexes."""
        spec = job.get("spec") or {}
        completions = int(spec.get("completions") or 0)
        prev = parse_indexes(_status(job).get("failedIndexes"), completions) \
            if _status(job).get("failedIndexes") is not None else []
        new = {completion_index(p) for p in pods
               if 0 <= completion_index(p) < completions and has_tracking_finalizer(p) and _is_index_failed(job, p)}
        return with_indexes(prev, new)

    def _pods_with_delayed_deletion(self, ctx: _SyncCtx) -> dict[int, dict]:
        """getPodsWithDelayedDeletionPerIndex: per index, the last failed pod, kept (with its finalizer) until its
        replacement carries the failure count."""
        spec = ctx.job.get("spec") or {}
        completions = int(spec.get("completions") or 0)
        active_ix = {completion_index(p) for p in ctx.active_pods} - {UNKNOWN_INDEX}
        out: dict[int, dict] = {}
        for p in ctx.pods:
            if not has_tracking_finalizer(p):
                continue
            ix = completion_index(p)
            if ix == UNKNOWN_INDEX or ix >= completions or not is_pod_failed(p, ctx.job):
                continue
            if intervals_has(ctx.succeeded_indexes, ix) or intervals_has(ctx.failed_indexes, ix) or ix in active_ix:
                continue
            last = out.get(ix)
            if last is None or (index_absolute_failure_count(last) <= index_absolute_failure_count(p)
                                and not finished_time(p) < finished_time(last)):
                out[ix] = p
        return out

    # ---- manageJob ----------------------------------------------------------------------------------------------
    def _manage_job(self, job: dict, ctx: _SyncCtx) -> int:
        spec = job.get("spec") or {}
        meta = _meta(job)
        active = len(ctx.active_pods)
        parallelism = int(spec.get("parallelism") if spec.get("parallelism") is not None else 1)
        if spec.get("suspend") is True:
            to_delete = active_pods_for_removal(job, ctx.active_pods, active)
            removed_ready, removed = self._delete_job_pods(job, to_delete)
            ctx.terminating += removed
            ctx.ready -= removed_ready
            return active - removed
        completions = spec.get("completions")
        if completions is None:
            want = active if ctx.succeeded > 0 else parallelism
        else:
            want = max(0, min(int(completions) - ctx.succeeded, parallelism))
        rm_at_least = max(active - want, 0)
        to_delete = active_pods_for_removal(job, ctx.active_pods, rm_at_least)[:MAX_POD_CREATE_DELETE_PER_SYNC]
        if to_delete:
            removed_ready, removed = self._delete_job_pods(job, to_delete)
            ctx.terminating += removed
            ctx.ready -= removed_ready
            return active - removed
        terminating = ctx.terminating if only_replace_failed_pods(job) else 0
        diff = want - terminating - active
        if diff <= 0:
            return active
        per_index = spec.get("backoffLimitPerIndex") is not None
        remaining = 0 if per_index else remaining_backoff_ms(self.tx.now_ms, *ctx.backoff)
        if remaining > 0:
            self.wake_at(meta.get("namespace", "default"), meta["name"],
                         self.tx.now_ms + max(remaining, SYNC_BATCH_MS))  # enqueueSyncJobWithDelay
            return 0
        diff = min(diff, MAX_POD_CREATE_DELETE_PER_SYNC)
        indexes: list[int] = []
        if spec.get("completionMode") == "Indexed":
            indexes = first_pending_indexes(ctx, diff, int(spec.get("completions") or 0))
            if per_index:
                indexes, remaining = self._creation_info_for_independent_indexes(indexes, ctx.delayed_deletion)
                if remaining > 0:
                    self.wake_at(meta.get("namespace", "default"), meta["name"],
                                 self.tx.now_ms + max(remaining, SYNC_BATCH_MS))
                    return 0
            diff = len(indexes)
        template = _copy(spec.get("template") or {})
        if spec.get("completionMode") == "Indexed":
            _add_completion_index_env(template)
        tmeta = template.setdefault("metadata", {})
        if TRACKING_FINALIZER not in (tmeta.get("finalizers") or []):
            tmeta["finalizers"] = (tmeta.get("finalizers") or []) + [TRACKING_FINALIZER]
        active += diff
        # slow start: batches of 1, 2, 4, ...; a batch with a failure stops the rest
        batch = min(diff, 1)
        while diff > 0:
            errors = 0
            for _ in range(batch):
                index = indexes.pop(0) if indexes else UNKNOWN_INDEX
                tmpl = template
                generate_name = ""
                if index != UNKNOWN_INDEX:
                    tmpl = _copy(template)
                    tm = tmpl.setdefault("metadata", {})
                    tm.setdefault("annotations", {})[COMPLETION_INDEX] = str(index)
                    tm.setdefault("labels", {})[COMPLETION_INDEX] = str(index)  # PodIndexLabel
                    tmpl.setdefault("spec", {})["hostname"] = f"{meta['name']}-{index}"
                    generate_name = pod_generate_name_with_index(meta["name"], index)
                    if per_index:
                        _add_index_failure_count_annotation(tmpl, job, ctx.delayed_deletion.get(index))
                pod = pod_from_template(tmpl, job)
                if generate_name:
                    pod["metadata"]["generateName"] = generate_name
                if self.create_pod(job, pod) is None:
                    active -= 1
                    errors += 1
            diff -= batch
            if errors and diff > 0:
                active -= diff  # skipped: retried at a later sync
                break
            batch = min(2 * batch, diff)
        return active

    def _creation_info_for_independent_indexes(self, indexes: list[int], delayed: dict) -> tuple[list[int], int]:
        """getPodCreationInfoForIndependentIndexes."""
        now_list, min_remaining = [], None
        for ix in indexes:
            last = delayed.get(ix)
            if last is None:
                remaining = 0
            else:
                remaining = remaining_backoff_ms(self.tx.now_ms, index_absolute_failure_count(last) + 1,
                                                 finished_time(last))
            if remaining == 0:
                now_list.append(ix)
            elif min_remaining is None or remaining < min_remaining:
                min_remaining = remaining
        if now_list:
            return now_list, 0
        return now_list, min_remaining or 0

    def _delete_job_pods(self, job: dict, pods: list[dict]) -> tuple[int, int]:
        """deleteJobPods: the tracking finalizer is removed first, then the pod is deleted."""
        ready = deleted = 0
        for pod in pods:
            stored = self._remove_finalizer(pod)
            if stored is None:
                continue  # failDelete: not counted
            if self._delete(job, stored):
                deleted += 1
            ready += 1 if is_pod_ready(pod) else 0
        return ready, deleted

    def _delete_active_pods(self, job: dict, pods: list[dict]) -> tuple[int, int]:
        """deleteActivePods: deletions that keep the finalizers (the pods are counted as they terminate)."""
        ready = deleted = 0
        for pod in pods:
            if self._delete(job, pod):
                deleted += 1
            if is_pod_ready(pod):
                ready += 1
        return ready, deleted

    def _delete(self, job: dict, pod: dict) -> bool:
        """RealPodControl.DeletePod: ``SuccessfulDelete`` / ``FailedDelete`` (a pod already gone counts as deleted)."""
        live = self.tx.get("Pod", _meta(pod).get("namespace", "default"), _meta(pod)["name"])
        if live is None:
            return True
        try:
            self.api.delete(live)
        except E.MinikctlError as e:
            msg = e.server_message() if isinstance(e, E.StatusError) else str(e)
            self.event(job, "Warning", "FailedDelete", f"Error deleting: {msg}")
            return False
        self.event(job, "Normal", "SuccessfulDelete", f"Deleted pod: {_meta(pod)['name']}")
        return True

    # ---- trackJobStatusAndRemoveFinalizers ------------------------------------------------------------------------
    def _track_status_and_remove_finalizers(self, ctx: _SyncCtx, needs_flush: bool) -> None:
        job = ctx.job
        spec = job.get("spec") or {}
        status = job["status"]
        meta = _meta(job)
        now = self.tx.now_ms
        indexed = spec.get("completionMode") == "Indexed"
        completions = int(spec.get("completions") or 0)
        pods = sorted(ctx.pods, key=completion_index) if indexed else ctx.pods
        with_finalizer = {_meta(p).get("uid") for p in pods if has_tracking_finalizer(p)}
        if _clean_uncounted(status, with_finalizer):
            needs_flush = True
        uncounted = status["uncountedTerminatedPods"]
        to_remove: list[dict] = []
        new_succeeded_ix: list[int] = []
        policy = spec.get("podFailurePolicy")
        reached_max = False
        for pod in pods:
            if not has_tracking_finalizer(pod):
                continue
            uid = _meta(pod).get("uid")
            failed = is_pod_failed(pod, job)
            if not _can_remove_finalizer(ctx, pod, failed):
                continue
            to_remove.append(pod)
            if _phase(pod) == "Succeeded" and uid not in ctx.uncounted_failed:
                if indexed:
                    ix = completion_index(pod)
                    if ix != UNKNOWN_INDEX and ix < completions and not intervals_has(ctx.prev_succeeded_indexes, ix):
                        new_succeeded_ix.append(ix)
                        needs_flush = True
                elif uid not in ctx.uncounted_succeeded:
                    needs_flush = True
                    uncounted.setdefault("succeeded", []).append(uid)
            elif failed or (ctx.finished is not None and ctx.finished["type"] != "SuccessCriteriaMet"):
                ix = completion_index(pod)
                if uid not in ctx.uncounted_failed and (not indexed or (ix != UNKNOWN_INDEX and ix < completions)):
                    if policy is None or match_pod_failure_policy(policy, pod)[1]:
                        needs_flush = True
                        uncounted.setdefault("failed", []).append(uid)
            if len(new_succeeded_ix) + len(uncounted.get("succeeded") or []) + len(uncounted.get("failed") or []) \
                    >= MAX_UNCOUNTED_PODS:
                reached_max = True
                break
        if indexed:
            ctx.succeeded_indexes = with_indexes(ctx.succeeded_indexes, new_succeeded_ix)
            text = intervals_text(ctx.succeeded_indexes)
            if text != (status.get("completedIndexes") or ""):
                needs_flush = True
            _set_int(status, "succeeded", intervals_total(ctx.succeeded_indexes))
            if text:
                status["completedIndexes"] = text
            else:
                status.pop("completedIndexes", None)
            failed_text = None if ctx.failed_indexes is None else intervals_text(ctx.failed_indexes)
            if failed_text != status.get("failedIndexes"):
                if failed_text is None:
                    status.pop("failedIndexes", None)
                else:
                    status["failedIndexes"] = failed_text
                needs_flush = True
        if ctx.finished is not None and ctx.finished["type"] == "FailureTarget":
            status.setdefault("conditions", []).append(ctx.finished)
            needs_flush = True
            ctx.finished = _condition("Failed", "True", ctx.finished.get("reason", ""),
                                      ctx.finished.get("message", ""), now)
        if ctx.finished is not None and ctx.finished["type"] == "SuccessCriteriaMet":
            if _success_criteria_met(job) is None:
                status.setdefault("conditions", []).append(ctx.finished)
                needs_flush = True
            ctx.finished = _condition("Complete", "True", ctx.finished.get("reason", ""),
                                      ctx.finished.get("message", ""), now)
        # flushUncountedAndRemoveFinalizers
        if needs_flush:
            job = ctx.job = self._write_status(job)
            status = job["status"]
            self._save_backoff(meta.get("namespace", "default"), meta["name"], *ctx.backoff)
            needs_flush = False
        for pod in to_remove:  # removeTrackingFinalizerFromPods (a pod already gone counts as done)
            self._remove_finalizer(pod)
            with_finalizer.discard(_meta(pod).get("uid"))
        status.setdefault("uncountedTerminatedPods", {})
        if _clean_uncounted(status, with_finalizer):
            needs_flush = True
        finished = not reached_max and self._enact_job_finished(ctx, status)
        if finished:
            needs_flush = True
        if needs_flush:
            ctx.job = self._write_status(job)
            if finished:
                self._record_job_finished(ctx.job, ctx.finished)

    def _enact_job_finished(self, ctx: _SyncCtx, status: dict) -> bool:
        """enactJobFinished: the terminal condition once no pod is uncounted or terminating."""
        cond = ctx.finished
        if cond is None:
            return False
        unc = status.get("uncountedTerminatedPods") or {}
        if unc.get("succeeded") or unc.get("failed"):
            return False
        if ctx.terminating > 0:  # delayTerminalCondition()
            return False
        _ensure_condition(status.setdefault("conditions", []), cond["type"], cond["status"], cond.get("reason", ""),
                          cond.get("message", ""), self.tx.now_ms)
        if cond["type"] == "Complete":
            status["completionTime"] = cond["lastTransitionTime"]
        return True

    def _record_job_finished(self, job: dict, cond: dict) -> None:
        """recordJobFinished: ``Completed`` "Job completed", or a Warning with the failure's reason and message."""
        spec = job.get("spec") or {}
        if cond["type"] == "Complete":
            if spec.get("completions") is not None and int(_status(job).get("succeeded") or 0) > int(spec["completions"]):
                self.event(job, "Warning", "TooManySucceededPods",
                           "Too many succeeded pods running after completion count reached")
            self.event(job, "Normal", "Completed", "Job completed")
        else:
            self.event(job, "Warning", cond.get("reason", ""), cond.get("message", ""))

    def _write_status(self, job: dict) -> dict:
        """updateJobStatus: the status subresource (the status as the controller built it).

        While the store still holds the text the Job was last read or written as (``_as_stored``), the Job stored
        is that object with the status it had then; the write's result, decoded from the text written, is the
        sync's Job from then on, and the object stored is what a second write of the sync starts from."""
        held, self._as_stored = self._as_stored, None
        decode = as_stored(job, held[1], held[2]) if held is not None and held[0] is job else None
        found = self.tx.get_with_body("Job", _meta(job).get("namespace", "default"), _meta(job)["name"],
                                      decode=decode)
        live = None if found is None else found[0]
        if live is None or _meta(live).get("uid") != _meta(job).get("uid"):
            return job
        status = dict(job.get("status") or {})
        status["uncountedTerminatedPods"] = {k: v for k, v in (status.get("uncountedTerminatedPods") or {}).items()
                                             if v}
        if (live.get("status") or {}) == status:
            return live
        new = status_base(live)
        new["status"] = status
        stored, _ = self.api.update(live, new, subresource="status", verb="patching", trusted=True)
        written = _copy_written(stored, self.tx.feed)
        if _stamp.ENABLED and self.tx.feed and self.tx.feed[-1].obj is stored:
            # ``stored`` is the text written, decoded; what it holds is never changed after (``written`` is the
            # sync's copy)
            self._as_stored = (written, self.tx.feed[-1].body, stored["status"])
        return written


# ---- helpers of syncJob ---------------------------------------------------------------------------------------
def _set_int(status: dict, key: str, value: int) -> None:
    """An int32 ``omitempty`` field: absent when 0."""
    if value:
        status[key] = value
    else:
        status.pop(key, None)


def _ensure_condition(conditions: list, ctype: str, status: str, reason: str, message: str, now_ms: int) -> bool:
    """ensureJobConditionStatus: update the condition of that type, or append it unless its status is False."""
    for i, c in enumerate(conditions):
        if c.get("type") == ctype:
            if c.get("status") != status or c.get("reason", "") != reason or c.get("message", "") != message:
                conditions[i] = _condition(ctype, status, reason, message, now_ms)
                return True
            return False
    if status != "False":
        conditions.append(_condition(ctype, status, reason, message, now_ms))
        return True
    return False


def _success_criteria_met(job: dict) -> dict | None:
    """hasSuccessCriteriaMetCondition."""
    c = find_condition(_status(job).get("conditions"), "SuccessCriteriaMet")
    return c if c is not None and c.get("status") == "True" else None


def _clean_uncounted(status: dict, with_finalizer: set) -> bool:
    """cleanUncountedPodsWithoutFinalizers: pods whose finalizer is gone move from the uncounted lists to the
    counters."""
    unc = status.setdefault("uncountedTerminatedPods", {})
    updated = False
    for key in ("succeeded", "failed"):
        uids = unc.get(key) or []
        left = [u for u in uids if u in with_finalizer]
        if len(left) != len(uids):
            updated = True
            _set_int(status, key, int(status.get(key) or 0) + len(uids) - len(left))
            if left:
                unc[key] = left
            else:
                unc.pop(key, None)
    return updated


def _can_remove_finalizer(ctx: _SyncCtx, pod: dict, failed: bool) -> bool:
    """canRemoveFinalizer."""
    if _meta(ctx.job).get("deletionTimestamp") or ctx.finished is not None or _phase(pod) == "Succeeded":
        return True
    if not failed:
        return False
    if (ctx.job.get("spec") or {}).get("backoffLimitPerIndex") is not None:
        ix = completion_index(pod)
        if ix != UNKNOWN_INDEX:
            p = ctx.delayed_deletion.get(ix)
            if p is not None and _meta(p).get("uid") == _meta(pod).get("uid"):
                return False
    return True


def only_replace_failed_pods(job: dict) -> bool:
    """onlyReplaceFailedPods: podReplacementPolicy Failed, or a podFailurePolicy."""
    spec = job.get("spec") or {}
    return spec.get("podReplacementPolicy") == "Failed" or spec.get("podFailurePolicy") is not None


def is_pod_failed(pod: dict, job: dict) -> bool:
    """isPodFailed: Failed, or (unless only failed pods are replaced) being deleted without having succeeded."""
    if _phase(pod) == "Failed":
        return True
    if only_replace_failed_pods(job):
        return False
    return bool(_meta(pod).get("deletionTimestamp")) and _phase(pod) != "Succeeded"


def past_backoff_limit_on_failure(job: dict, pods: list[dict]) -> bool:
    """pastBackoffLimitOnFailure: with restartPolicy OnFailure, the restarts of the pending and running pods'
    containers reach backoffLimit (any restart when it is 0)."""
    spec = job.get("spec") or {}
    if ((spec.get("template") or {}).get("spec") or {}).get("restartPolicy") != "OnFailure":
        return False
    total = 0
    for p in pods:
        if _phase(p) in ("Running", "Pending"):
            st = _status(p)
            for cs in (st.get("initContainerStatuses") or []) + (st.get("containerStatuses") or []):
                total += int(cs.get("restartCount") or 0)
    limit = int(spec.get("backoffLimit") if spec.get("backoffLimit") is not None else 6)
    if limit == 0:
        return total > 0
    return total >= limit


def _is_index_failed(job: dict, pod: dict) -> bool:
    """isIndexFailed."""
    spec = job.get("spec") or {}
    counted = False
    if is_pod_failed(pod, job):
        if spec.get("podFailurePolicy") is not None:
            _msg, count, action = match_pod_failure_policy(spec["podFailurePolicy"], pod)
            if action == "FailIndex":
                return True
            counted = count
        else:
            counted = True
    return counted and index_failure_count(pod) >= int(spec.get("backoffLimitPerIndex") or 0)


def _add_index_failure_count_annotation(template: dict, job: dict, replaced: dict | None) -> None:
    """addIndexFailureCountAnnotation / getNewIndexFailureCounts."""
    count = ignored = 0
    if replaced is not None:
        count = index_failure_count(replaced)
        ignored = _int32_annotation(replaced, INDEX_IGNORED_FAILURE_COUNT)
        policy = (job.get("spec") or {}).get("podFailurePolicy")
        if policy is not None and not match_pod_failure_policy(policy, replaced)[1]:
            ignored += 1
        else:
            count += 1
    ann = template.setdefault("metadata", {}).setdefault("annotations", {})
    ann[INDEX_FAILURE_COUNT] = str(count)
    if ignored > 0:
        ann[INDEX_IGNORED_FAILURE_COUNT] = str(ignored)


def _add_completion_index_env(template: dict) -> None:
    """addCompletionIndexEnvVariables: JOB_COMPLETION_INDEX from the pod's completion-index label (PodIndexLabel)."""
    spec = template.setdefault("spec", {})
    for key in ("initContainers", "containers"):
        for c in spec.get(key) or []:
            env = c.get("env") or []
            if any(e.get("name") == COMPLETION_INDEX_ENV for e in env):
                continue
            c["env"] = env + [{"name": COMPLETION_INDEX_ENV, "valueFrom": {"fieldRef": {
                "apiVersion": "v1", "fieldPath": f"metadata.labels['{COMPLETION_INDEX}']"}}}]


def first_pending_indexes(ctx: _SyncCtx, count: int, completions: int) -> list[int]:
    """firstPendingIndexes: the lowest indexes neither succeeded, failed, active nor (replacing only failed pods)
    terminating."""
    if count == 0:
        return []
    active = {completion_index(p) for p in ctx.active_pods} - {UNKNOWN_INDEX}
    non_pending = with_indexes(ctx.succeeded_indexes, active)
    if only_replace_failed_pods(ctx.job):
        terminating = {completion_index(p) for p in ctx.pods if is_pod_terminating(p)} - {UNKNOWN_INDEX}
        non_pending = with_indexes(non_pending, terminating)
    if ctx.failed_indexes is not None:
        non_pending = merge_intervals(non_pending, ctx.failed_indexes)
    out: list[int] = []
    candidate = 0
    for first, last in non_pending:
        while candidate < completions and len(out) < count and candidate < first:
            out.append(candidate)
            candidate += 1
        if candidate < last + 1:
            candidate = last + 1
    while candidate < completions and len(out) < count:
        out.append(candidate)
        candidate += 1
    return out


def active_pods_for_removal(job: dict, pods: list[dict], rm_at_least: int) -> list[dict]:
    """activePodsForRemoval: Indexed Jobs first drop duplicated, out-of-range and index-less pods; then the pods
    first in controller.ActivePods order."""
    rm: list[dict] = []
    left = list(pods)
    spec = job.get("spec") or {}
    if spec.get("completionMode") == "Indexed":
        completions = int(spec.get("completions") or 0)
        rm, left = [], []
        by_index: dict[int, list] = {}
        for p in sorted(pods, key=completion_index):
            ix = completion_index(p)
            if ix == UNKNOWN_INDEX or ix >= completions:
                rm.append(p)
            else:
                by_index.setdefault(ix, []).append(p)
        for ix in sorted(by_index):
            group = by_index[ix]
            if len(group) == 1:
                left.append(group[0])
            else:
                group = sort_active_pods(group)
                rm += group[:-1]
                left.append(group[-1])
    if len(rm) < rm_at_least:
        left = sort_active_pods(left)
        rm += left[:rm_at_least - len(rm)]
    return rm


def match_success_policy(policy: dict | None, completions: int, succeeded: list[list[int]]) -> str | None:
    """matchSuccessPolicy (success_policy.go): "Matched rules at index N" for the first rule met."""
    if policy is None or not succeeded:
        return None
    for index, rule in enumerate(policy.get("rules") or []):
        if rule.get("succeededIndexes") is not None:
            required = parse_indexes(rule["succeededIndexes"], completions)
            if not required:
                continue
            contains = 0
            for first, last in required:
                for sf, sl in succeeded:
                    overlap = min(last, sl) - max(first, sf) + 1
                    if overlap > 0:
                        contains += overlap
            count = rule.get("succeededCount")
            if contains == intervals_total(required) or (count is not None and contains >= int(count)):
                return f"Matched rules at index {index}"
        elif rule.get("succeededCount") is not None and intervals_total(succeeded) >= int(rule["succeededCount"]):
            return f"Matched rules at index {index}"
    return None

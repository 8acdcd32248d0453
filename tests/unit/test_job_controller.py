"""The Job controller (engine/controllers/job.py) at exact virtual instants, against kube-controller-manager's
``pkg/controller/job`` (v1.32: job_controller.go, backoff_utils.go, indexed_job_utils.go, pod_failure_policy.go)
and the behaviour kubernetes.io documents (concepts/workloads/controllers/job.md, tasks/job/pod-failure-policy.md,
tasks/job/indexed-parallel-processing-static.md)."""

from __future__ import annotations

import re

import pytest

from minikctl.cluster import Cluster
from minikctl.engine.controllers import job as J
from minikctl.kube.timefmt import parse_rfc3339, rfc3339
from minikctl.store.db import Store

S = 1000


@pytest.fixture
def cl(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        c = Cluster(tx)
        c.settle()
        yield c
    st.close()


def job(name: str, script: str, restart: str = "Never", **spec) -> dict:
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": "default"},
            "spec": {**spec, "template": {"spec": {
                "containers": [{"name": "main", "image": "busybox:1.28", "command": ["sh", "-c", script]}],
                "restartPolicy": restart}}}}


def create(cl: Cluster, obj: dict) -> dict:
    out = cl.api.create(obj)
    cl.settle()
    return out


def at(cl: Cluster, t0: int, seconds: float) -> None:
    cl.advance_to(t0 + int(seconds * S))


def get(cl: Cluster, kind: str, name: str) -> dict | None:
    return cl.tx.get(kind, "default", name)


def pods(cl: Cluster, job_name: str) -> list[dict]:
    return sorted((p for p in cl.tx.list("Pod", "default")
                   if (p["metadata"].get("labels") or {}).get("job-name") == job_name),
                  key=lambda p: p["metadata"]["creationTimestamp"] + p["metadata"]["name"])


def conditions(obj: dict) -> list[tuple]:
    return [(c["type"], c["status"], c.get("reason"), c.get("message"))
            for c in (obj.get("status") or {}).get("conditions") or []]


def events(cl: Cluster, name: str) -> list[tuple]:
    return [(e["type"], e["reason"], e["message"]) for e in cl.tx.list_events("default")
            if e["involvedObject"]["name"] == name and e["involvedObject"]["kind"] == "Job"]


def finished_at(pod: dict) -> int:
    return parse_rfc3339(pod["status"]["containerStatuses"][0]["state"]["terminated"]["finishedAt"])


# ---- pods from the template (manageJob, GetPodFromTemplate) -------------------------------------------------
def test_the_pod_template_example_runs_one_labelled_tracked_pod(cl):
    """The pod-template example's Job: one pod `hello-<5 chars>` with the four job labels, the tracking finalizer
    and the Job as its controller (job_controller.go manageJob, controller_utils.go GetPodFromTemplate)."""
    created = create(cl, job("hello", 'echo "Hello, Kubernetes!" && sleep 3600', "OnFailure"))
    uid = created["metadata"]["uid"]
    assert created["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    [pod] = pods(cl, "hello")
    meta = pod["metadata"]
    assert re.fullmatch(r"hello-[bcdfghjklmnpqrstvwxz2456789]{5}", meta["name"])
    assert meta["generateName"] == "hello-"
    assert meta["labels"] == {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "hello",
                              "controller-uid": uid, "job-name": "hello"}
    assert meta["finalizers"] == ["batch.kubernetes.io/job-tracking"]
    assert meta["ownerReferences"] == [{"apiVersion": "batch/v1", "kind": "Job", "name": "hello", "uid": uid,
                                        "controller": True, "blockOwnerDeletion": True}]
    status = get(cl, "Job", "hello")["status"]
    assert status == {"active": 1, "ready": 0, "startTime": rfc3339(cl.now_ms), "terminating": 0,
                      "uncountedTerminatedPods": {}}
    assert events(cl, "hello") == [("Normal", "SuccessfulCreate", f"Created pod: {meta['name']}")]
    at(cl, parse_rfc3339(status["startTime"]), 10)
    status = get(cl, "Job", "hello")["status"]
    assert (status["active"], status["ready"]) == (1, 1)  # countReadyPods


def test_success_is_criteria_met_then_complete_one_batch_second_after_the_pod(cl):
    """A pod's change syncs its Job one second later (syncJobBatchPeriod); SuccessCriteriaMet then Complete, both
    with reason CompletionsReached, completionTime, the finalizer removed and ``Completed`` "Job completed"
    (trackJobStatusAndRemoveFinalizers, enactJobFinished, recordJobFinished)."""
    t0 = cl.now_ms
    create(cl, job("pi", "sleep 5; echo 3.14159"))
    [pod] = pods(cl, "pi")
    at(cl, t0, 30)
    pod = get(cl, "Pod", pod["metadata"]["name"])
    assert pod["status"]["phase"] == "Succeeded" and "finalizers" not in pod["metadata"]
    done = get(cl, "Job", "pi")
    succeeded_at = parse_rfc3339(done["status"]["completionTime"])
    # the pod's last status write (phase Succeeded) is its Ready=False transition; the Job follows a second later
    ready = next(c for c in pod["status"]["conditions"] if c["type"] == "Ready")
    assert succeeded_at == parse_rfc3339(ready["lastTransitionTime"]) + S
    assert conditions(done) == [
        ("SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods"),
        ("Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods")]
    assert done["status"]["succeeded"] == 1 and "active" not in done["status"]
    assert done["status"]["uncountedTerminatedPods"] == {} and done["status"]["ready"] == 0
    assert events(cl, "pi")[-1] == ("Normal", "Completed", "Job completed")


def test_the_status_goes_through_uncounted_pods_before_the_counters(tmp_path):
    """A finished pod is first written in status.uncountedTerminatedPods, its finalizer is removed, then it is
    counted (trackJobStatusAndRemoveFinalizers): a watcher sees both writes."""
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        cl = Cluster(tx)
        cl.settle()
        watch = cl.watch(("Job",))
        create(cl, job("pi", "sleep 2"))
        cl.advance_to(cl.now_ms + 20 * S)
        statuses = [ch.snapshot()["status"] for ch in watch if ch.type == "MODIFIED"]
    uid_list = [s["uncountedTerminatedPods"].get("succeeded") for s in statuses]
    i = next(i for i, u in enumerate(uid_list) if u)
    assert "succeeded" not in statuses[i] and [c["type"] for c in statuses[i]["conditions"]] == ["SuccessCriteriaMet"]
    assert statuses[i + 1]["succeeded"] == 1 and statuses[i + 1]["uncountedTerminatedPods"] == {}
    assert [c["type"] for c in statuses[i + 1]["conditions"]] == ["SuccessCriteriaMet", "Complete"]


# ---- failures: backoffLimit and the pod failure back-off ------------------------------------------------------
@pytest.mark.parametrize("failures, seconds", [(1, 10), (2, 20), (3, 40), (4, 80), (5, 160), (6, 320), (7, 600),
                                               (8, 600)])
def test_pod_failure_back_off_doubles_and_is_capped_at_ten_minutes(failures, seconds):
    """getRemainingTimeForFailuresCount with DefaultJobPodFailureBackOff 10s and MaxJobPodFailureBackOff 10m
    (backoff_utils.go); the docs still say six minutes."""
    assert J.remaining_backoff_ms(1_000_000, failures, 1_000_000) == seconds * S
    assert J.remaining_backoff_ms(1_000_000 + 3 * S, failures, 1_000_000) == (seconds - 3) * S
    assert J.remaining_backoff_ms(1_000_000, 0, None) == 0


def test_never_replaces_failed_pods_after_the_back_off_until_backoff_limit(cl):
    """restartPolicy Never: each failed pod counts once; replacements 10 s then 20 s after the previous pod's
    finish time; failed > backoffLimit gives FailureTarget then Failed, reason BackoffLimitExceeded, and the
    Warning event with the condition's message (job.md "Pod backoff failure policy")."""
    t0 = cl.now_ms
    create(cl, job("fail", "exit 1", backoffLimit=2))
    at(cl, t0, 120)
    ps = pods(cl, "fail")
    assert len(ps) == 3
    created = [parse_rfc3339(p["metadata"]["creationTimestamp"]) for p in ps]
    assert created[1] == finished_at(ps[0]) + 10 * S
    assert created[2] == finished_at(ps[1]) + 20 * S
    done = get(cl, "Job", "fail")
    assert done["status"]["failed"] == 3
    msg = "Job has reached the specified backoff limit"
    assert conditions(done) == [("FailureTarget", "True", "BackoffLimitExceeded", msg),
                                ("Failed", "True", "BackoffLimitExceeded", msg)]
    assert "completionTime" not in done["status"]
    assert events(cl, "fail")[-1] == ("Warning", "BackoffLimitExceeded", msg)
    assert all("finalizers" not in p["metadata"] for p in ps)


def test_on_failure_counts_container_restarts_against_backoff_limit(cl):
    """restartPolicy OnFailure: the kubelet restarts the container in place; pastBackoffLimitOnFailure sums the
    restarts of running pods and fails the Job when they reach backoffLimit, deleting the pod
    (deleteActivePods: ``SuccessfulDelete``); Failed comes once the pod has terminated."""
    t0 = cl.now_ms
    watch = cl.watch(("Pod",))
    create(cl, job("flaky", "sleep 1; exit 3", "OnFailure", backoffLimit=2))
    [pod] = pods(cl, "flaky")
    name = pod["metadata"]["name"]
    at(cl, t0, 200)
    # the instant the kubelet reported the second restart: the Job fails one batch second later
    second = min(int(ch.rv) for ch in watch if ch.by == "kubelet" and
                 ((ch.snapshot().get("status") or {}).get("containerStatuses") or [{}])[0].get("restartCount") == 2)
    second_at = next(ch for ch in watch if ch.rv == second)
    restarted = parse_rfc3339(second_at.snapshot()["status"]["containerStatuses"][0]["state"]["running"]["startedAt"])
    done = get(cl, "Job", "flaky")
    target = next(c for c in done["status"]["conditions"] if c["type"] == "FailureTarget")
    assert target["reason"] == "BackoffLimitExceeded"
    assert parse_rfc3339(target["lastTransitionTime"]) == restarted + S
    assert ("Normal", "SuccessfulDelete", f"Deleted pod: {name}") in events(cl, "flaky")
    assert [c[0] for c in conditions(done)] == ["FailureTarget", "Failed"]
    assert done["status"]["failed"] == 1 and len(pods(cl, "flaky")) == 0  # no replacement, the pod is gone


def test_active_deadline_fails_the_job_at_start_plus_deadline(cl):
    """activeDeadlineSeconds: at startTime + deadline the Job gets FailureTarget DeadlineExceeded and its running
    pods are deleted; Failed follows when they have terminated (status.terminating counts them meanwhile)."""
    t0 = cl.now_ms
    create(cl, job("slow", "sleep 3600", activeDeadlineSeconds=10, backoffLimit=5))
    start = parse_rfc3339(get(cl, "Job", "slow")["status"]["startTime"])
    cl.advance_to(start + 10 * S - 1)
    assert conditions(get(cl, "Job", "slow")) == []
    cl.advance_to(start + 10 * S)
    status = get(cl, "Job", "slow")["status"]
    assert conditions({"status": status}) == [("FailureTarget", "True", "DeadlineExceeded",
                                               "Job was active longer than specified deadline")]
    assert status["terminating"] == 1 and "active" not in status
    at(cl, t0, 120)
    done = get(cl, "Job", "slow")
    assert [c[0] for c in conditions(done)] == ["FailureTarget", "Failed"]
    assert done["status"]["failed"] == 1 and done["status"]["terminating"] == 0 and pods(cl, "slow") == []


# ---- parallelism and completions --------------------------------------------------------------------------------
def test_parallelism_never_runs_more_pods_than_remaining_completions(cl):
    """completions 3, parallelism 2: two pods, then one more when one succeeds (manageJob's wantActive)."""
    t0 = cl.now_ms
    create(cl, job("par", "sleep 5", completions=3, parallelism=2))
    assert len(pods(cl, "par")) == 2
    at(cl, t0, 60)
    done = get(cl, "Job", "par")
    assert len(pods(cl, "par")) == 3 and done["status"]["succeeded"] == 3
    assert [c[0] for c in conditions(done)] == ["SuccessCriteriaMet", "Complete"]


def test_a_work_queue_job_completes_when_one_pod_succeeded_and_none_is_active(cl):
    """completions unset, parallelism 2: complete once any pod succeeded and no pod is active."""
    t0 = cl.now_ms
    create(cl, job("queue", "sleep 2", parallelism=2))
    assert len(pods(cl, "queue")) == 2
    at(cl, t0, 60)
    done = get(cl, "Job", "queue")
    assert done["status"]["succeeded"] == 2 and [c[0] for c in conditions(done)] == ["SuccessCriteriaMet", "Complete"]


def test_indexed_job_pods_carry_their_index(cl):
    """completionMode Indexed: pods `<job>-<index>-<5 chars>`, the completion-index annotation and label,
    hostname `<job>-<index>`, JOB_COMPLETION_INDEX from the label; completedIndexes "0-2"
    (indexed_job_utils.go, indexed-parallel-processing-static.md)."""
    t0 = cl.now_ms
    create(cl, job("idx", "echo item-$JOB_COMPLETION_INDEX; sleep 2", completions=3, parallelism=2,
                   completionMode="Indexed"))
    first = pods(cl, "idx")
    assert len(first) == 2
    at(cl, t0, 60)
    ps = sorted(pods(cl, "idx"), key=lambda p: p["metadata"]["annotations"][J.COMPLETION_INDEX])
    for i, p in enumerate(ps):
        assert re.fullmatch(rf"idx-{i}-[a-z0-9]{{5}}", p["metadata"]["name"])
        assert p["metadata"]["annotations"][J.COMPLETION_INDEX] == str(i)
        assert p["metadata"]["labels"][J.COMPLETION_INDEX] == str(i)
        assert p["metadata"]["generateName"] == f"idx-{i}-"
        assert p["spec"]["hostname"] == f"idx-{i}"
        assert {"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {
            "apiVersion": "v1", "fieldPath": "metadata.labels['batch.kubernetes.io/job-completion-index']"}}} \
            in p["spec"]["containers"][0]["env"]
        assert [line for _ms, line in cl.logs(p, "main", False)] == [f"item-{i}"]
    done = get(cl, "Job", "idx")
    assert done["status"]["completedIndexes"] == "0-2" and done["status"]["succeeded"] == 3


def test_indexes_print_as_intervals():
    """orderedIntervals.String and parseIndexesFromString."""
    assert J.intervals_text(J.parse_indexes("0,1,2,4,6,7", 10)) == "0-2,4,6,7"
    assert J.intervals_text(J.with_indexes([[0, 0]], {1})) == "0,1"
    assert J.parse_indexes("1-3,9", 5) == [[1, 3]]


# ---- podFailurePolicy and backoffLimitPerIndex ---------------------------------------------------------------------
def test_fail_job_rule_fails_at_once_with_the_rule_s_message(cl):
    """pod-failure-policy.md's job-pod-failure-policy-failjob: exit 42 matches FailJob: FailureTarget then Failed,
    reason PodFailurePolicy, "Container main for pod default/<pod> failed with exit code 42 matching FailJob rule
    at index 0", the other pod deleted, no retry."""
    t0 = cl.now_ms
    create(cl, job("pfp", "sleep 30; exit 42", completions=8, parallelism=2, backoffLimit=6, podFailurePolicy={
        "rules": [{"action": "FailJob", "onExitCodes": {"containerName": "main", "operator": "In", "values": [42]}}]}))
    at(cl, t0, 120)
    done = get(cl, "Job", "pfp")
    target = next(c for c in done["status"]["conditions"] if c["type"] == "FailureTarget")
    assert target["reason"] == "PodFailurePolicy"
    assert re.fullmatch(r"Container main for pod default/pfp-[a-z0-9]{5} failed with exit code 42 matching FailJob "
                        r"rule at index 0", target["message"])
    assert [c[0] for c in conditions(done)] == ["FailureTarget", "Failed"]
    assert conditions(done)[1][2:] == conditions(done)[0][2:]
    assert len(pods(cl, "pfp")) == 2  # no replacement


def test_ignore_rule_does_not_count_a_disruption(cl):
    """An Ignore rule on the DisruptionTarget condition: the pod's failure is not counted against backoffLimit 0
    and the pod is replaced (pod-failure-policy.md, job-pod-failure-policy-ignore)."""
    t0 = cl.now_ms
    create(cl, job("ign", "sleep 90", backoffLimit=0, podFailurePolicy={
        "rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]}))
    at(cl, t0, 5)
    [pod] = pods(cl, "ign")
    live = cl.tx.get("Pod", "default", pod["metadata"]["name"])
    live["status"]["conditions"].append({"type": "DisruptionTarget", "status": "True", "reason": "EvictionByEvictionAPI",
                                         "message": "Eviction API: evicting", "lastTransitionTime": rfc3339(cl.now_ms)})
    cl.api.write_status(live)
    cl.api.delete(cl.tx.get("Pod", "default", pod["metadata"]["name"]))
    cl.settle()
    at(cl, t0, 300)
    done = get(cl, "Job", "ign")
    assert "failed" not in done["status"] and [c[0] for c in conditions(done)] == ["SuccessCriteriaMet", "Complete"]
    # the disrupted pod was replaced once it had failed (podReplacementPolicy Failed with a podFailurePolicy)
    [replacement] = pods(cl, "ign")
    assert replacement["metadata"]["name"] != pod["metadata"]["name"]
    assert [e[1] for e in events(cl, "ign")] == ["SuccessfulCreate", "SuccessfulCreate", "Completed"]


def test_backoff_limit_per_index_with_fail_index(cl):
    """pod-failure-policy.md / job-backoff-limit-per-index-failindex: index 0 (exit 1) is retried once, index 1
    (exit 42, FailIndex) is not, indexes 2 and 3 succeed: failedIndexes "0,1", failed 3, FailedIndexes."""
    t0 = cl.now_ms
    script = ('case $JOB_COMPLETION_INDEX in 0) exit 1;; 1) exit 42;; esac; exit 0')
    create(cl, job("bl", script, completions=4, parallelism=2, completionMode="Indexed", backoffLimitPerIndex=1,
                   podFailurePolicy={"rules": [{"action": "FailIndex", "onExitCodes": {"operator": "In",
                                                                                        "values": [42]}}]}))
    at(cl, t0, 180)
    done = get(cl, "Job", "bl")
    by_index: dict[str, int] = {}
    for p in pods(cl, "bl"):
        ix = p["metadata"]["annotations"][J.COMPLETION_INDEX]
        by_index[ix] = by_index.get(ix, 0) + 1
    assert by_index == {"0": 2, "1": 1, "2": 1, "3": 1}
    assert done["status"]["failedIndexes"] == "0,1" and done["status"]["failed"] == 3
    assert done["status"]["completedIndexes"] == "2,3"
    assert [c[:3] for c in conditions(done)] == [("FailureTarget", "True", "FailedIndexes"),
                                                 ("Failed", "True", "FailedIndexes")]


# ---- suspend ------------------------------------------------------------------------------------------------------
def test_suspend_and_resume(cl):
    """job.md "Suspending a Job": a suspended Job has no pods and a Suspended condition; resuming creates them,
    resets startTime, flips the condition (JobResumed) and records Suspended/Resumed events."""
    t0 = cl.now_ms
    create(cl, job("s", "sleep 100", suspend=True))
    assert pods(cl, "s") == []
    j = get(cl, "Job", "s")
    assert conditions(j) == [("Suspended", "True", "JobSuspended", "Job suspended")]
    assert "startTime" not in j["status"]
    at(cl, t0, 30)
    live = get(cl, "Job", "s")
    new = {**live, "spec": {**live["spec"], "suspend": False}}
    cl.api.update(live, new)
    cl.settle()
    j = get(cl, "Job", "s")
    assert conditions(j) == [("Suspended", "False", "JobResumed", "Job resumed")]
    assert j["status"]["startTime"] == rfc3339(t0 + 30 * S) and len(pods(cl, "s")) == 1
    assert [e[1] for e in events(cl, "s")] == ["Suspended", "SuccessfulCreate", "Resumed"]
    # suspending a running Job deletes its pods (the finalizer removed first: deleteJobPods)
    at(cl, t0, 40)
    live = get(cl, "Job", "s")
    cl.api.update(live, {**live, "spec": {**live["spec"], "suspend": True}})
    cl.settle()
    [pod] = pods(cl, "s")
    assert pod["metadata"].get("deletionTimestamp") and "finalizers" not in pod["metadata"]
    assert ("Normal", "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}") in events(cl, "s")
    # the second "Job suspended" is the same event again: the recorder's correlator counts it
    [suspended] = [e for e in cl.tx.list_events("default") if e["reason"] == "Suspended"]
    assert suspended["count"] == 2


# ---- deletion, TTL, orphans -------------------------------------------------------------------------------------------
def test_ttl_after_finished_deletes_the_job_and_its_pods(cl):
    """ttlSecondsAfterFinished: the TTL-after-finished controller deletes the Job (Foreground) at its finish time
    plus the TTL; the garbage collector deletes its pods (ttlafterfinished_controller.go processJob)."""
    t0 = cl.now_ms
    create(cl, job("ttl", "sleep 3", ttlSecondsAfterFinished=100))
    at(cl, t0, 20)
    finish = parse_rfc3339(get(cl, "Job", "ttl")["status"]["completionTime"])
    cl.advance_to(finish + 100 * S - 1)
    assert get(cl, "Job", "ttl") is not None and len(pods(cl, "ttl")) == 1
    cl.advance_to(finish + 100 * S)
    assert get(cl, "Job", "ttl") is None and pods(cl, "ttl") == []


def test_deleting_a_job_in_the_background_removes_its_pod(cl):
    """kubectl delete job (propagationPolicy Background): the garbage collector deletes the pod; the Job being
    gone, the controller removes the pod's tracking finalizer and the pod goes after its grace period."""
    t0 = cl.now_ms
    create(cl, job("bg", "sleep 3600", "OnFailure"))
    at(cl, t0, 5)
    cl.api.delete(get(cl, "Job", "bg"), propagation="Background")
    cl.settle()
    [pod] = pods(cl, "bg")
    assert pod["metadata"].get("deletionTimestamp") and "finalizers" not in pod["metadata"]
    at(cl, t0, 60)
    assert pods(cl, "bg") == []


def test_orphaned_pods_lose_the_tracking_finalizer(cl):
    """--cascade=orphan: the pods stay, without the owner reference and without the tracking finalizer
    (syncOrphanPod)."""
    t0 = cl.now_ms
    create(cl, job("or", "sleep 3600"))
    at(cl, t0, 5)
    cl.api.delete(get(cl, "Job", "or"), propagation="Orphan")
    cl.settle()
    [pod] = pods(cl, "or")
    assert "ownerReferences" not in pod["metadata"] and "finalizers" not in pod["metadata"]
    assert pod["status"]["phase"] == "Running"


def test_a_deleted_pod_is_counted_failed_and_replaced_after_the_back_off(cl):
    """podReplacementPolicy TerminatingOrFailed (the default): a pod being deleted counts as failed at once
    (isPodFailed) and is replaced after the 10 s back-off counted from deletionTimestamp - grace."""
    t0 = cl.now_ms
    create(cl, job("rep", "sleep 3600"))
    at(cl, t0, 5)
    [pod] = pods(cl, "rep")
    cl.api.delete(get(cl, "Pod", pod["metadata"]["name"]))
    cl.settle()
    cl.advance_to(t0 + 5 * S + 10 * S - 1)
    assert len(pods(cl, "rep")) == 1 and get(cl, "Job", "rep")["status"]["failed"] == 1
    cl.advance_to(t0 + 5 * S + 10 * S)
    assert len(pods(cl, "rep")) == 2


def test_a_refused_pod_is_a_failed_create_event_and_the_controller_carries_on(cl):
    """A pod admission refuses (here the Priority plugin: no such PriorityClass) is a FailedCreate event
    (RealPodControl.createPods); the Job stays active-less and nothing half-written is left."""
    j = job("bad", "true")
    j["spec"]["template"]["spec"]["priorityClassName"] = "nope"
    create(cl, j)
    assert pods(cl, "bad") == []
    [(type_, reason, message)] = events(cl, "bad")
    assert (type_, reason) == ("Warning", "FailedCreate") and message.startswith("Error creating: ")
    assert "nope" in message
    assert "active" not in get(cl, "Job", "bad")["status"]

"""The CronJob controller (engine/controllers/cronjob.py) on the virtual clock, against kube-controller-manager's
``pkg/controller/cronjob`` (v1.32: cronjob_controllerv2.go, utils.go) and concepts/workloads/controllers/cron-jobs.md."""

from __future__ import annotations

import pytest

from minikctl.cluster import Cluster
from minikctl.engine.controllers import cronjob as C
from minikctl.kube.timefmt import parse_rfc3339, rfc3339
from minikctl.store.db import DEFAULT_EPOCH_MS, Store

S, M = 1000, 60_000


@pytest.fixture
def cl(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        c = Cluster(tx)
        c.settle()
        yield c
    st.close()


def cronjob(name: str, schedule: str, script: str = "date; echo Hello from the Kubernetes cluster", **spec) -> dict:
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name, "namespace": "default"},
            "spec": {"schedule": schedule, **spec, "jobTemplate": {"spec": {"template": {"spec": {
                "containers": [{"name": "hello", "image": "busybox:1.28", "command": ["/bin/sh", "-c", script]}],
                "restartPolicy": "OnFailure"}}}}}}


def jobs(cl: Cluster) -> list[dict]:
    return cl.tx.list("Job", "default")


def job_names(cl: Cluster) -> list[str]:
    return [j["metadata"]["name"] for j in jobs(cl)]


def cj_events(cl: Cluster, name: str) -> list[tuple]:
    return [(e["type"], e["reason"], e["message"], e.get("count", 1)) for e in cl.tx.list_events("default")
            if e["involvedObject"]["kind"] == "CronJob" and e["involvedObject"]["name"] == name]


def minutes(ms: int) -> int:
    return ms // M


def test_jobs_are_created_100ms_after_each_scheduled_minute_of_a_long_advance(cl):
    """Each scheduled time is a wake-up (nextScheduleTimeDuration: next time + nextScheduleDelta 100 ms); the Job is
    named <cronjob>-<minutes since the epoch> (getJobName), carries the scheduled-timestamp annotation and the
    CronJob as controller (getJobFromTemplate2); status.active and lastScheduleTime follow (syncCronJob)."""
    t0 = cl.now_ms
    assert t0 % M == 0
    cl.api.create(cronjob("hello", "*/5 * * * *", "sleep 600", concurrencyPolicy="Allow"))
    cl.advance_to(t0 + 5 * M + 99)
    assert jobs(cl) == []
    cl.advance_to(t0 + 5 * M + 100)
    [job] = jobs(cl)
    meta = job["metadata"]
    assert meta["name"] == f"hello-{minutes(t0) + 5}"
    assert meta["creationTimestamp"] == rfc3339(t0 + 5 * M)  # created at +100 ms, printed in whole seconds
    assert meta["annotations"] == {C.SCHEDULED_TIMESTAMP: rfc3339(t0 + 5 * M)}
    cj = cl.tx.get("CronJob", "default", "hello")
    assert meta["ownerReferences"] == [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "hello",
                                        "uid": cj["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]
    assert cj["status"]["lastScheduleTime"] == rfc3339(t0 + 5 * M)
    [ref] = cj["status"]["active"]
    assert {k: ref[k] for k in ("apiVersion", "kind", "name", "namespace", "uid")} == {
        "apiVersion": "batch/v1", "kind": "Job", "name": meta["name"], "namespace": "default", "uid": meta["uid"]}
    assert cj_events(cl, "hello") == [("Normal", "SuccessfulCreate", f"Created job {meta['name']}", 1)]
    # one long advance: a Job at each scheduled instant
    cl.advance_to(t0 + 30 * M + 100)
    assert sorted(job_names(cl)) == [f"hello-{minutes(t0) + k}" for k in (5, 10, 15, 20, 25, 30)]
    created = sorted(parse_rfc3339(j["metadata"]["creationTimestamp"]) for j in jobs(cl))
    assert created == [t0 + k * M for k in (5, 10, 15, 20, 25, 30)]


def test_history_limits_delete_the_oldest_finished_jobs_and_their_pods(cl):
    """cleanupFinishedJobs / removeOldestJobs: beyond successfulJobsHistoryLimit (3) the oldest Complete Jobs are
    deleted in the background (their pods go through the garbage collector): ``SuccessfulDelete`` "Deleted job X";
    each finished active Job is ``SawCompletedJob`` "Saw completed job: X, status: Complete" and lastSuccessfulTime
    follows its completionTime."""
    t0 = cl.now_ms
    cl.api.create(cronjob("hello", "* * * * *"))
    cl.advance_to(t0 + 10 * M + 30 * S)
    names = sorted(job_names(cl))
    assert names == [f"hello-{minutes(t0) + k}" for k in (8, 9, 10)]
    pods = cl.tx.list("Pod", "default")
    assert sorted(p["metadata"]["ownerReferences"][0]["name"] for p in pods) == names
    reasons = [e[1] for e in cj_events(cl, "hello")]
    assert reasons.count("SuccessfulCreate") == 10 and reasons.count("SawCompletedJob") == 10
    assert reasons.count("SuccessfulDelete") == 7
    assert ("Normal", "SuccessfulDelete", f"Deleted job hello-{minutes(t0) + 1}", 1) in cj_events(cl, "hello")
    # the tenth distinct message of one reason within ten minutes is aggregated by the recorder
    # (client-go tools/record/events_cache.go, EventAggregate: maxEvents 10, maxIntervalInSeconds 600)
    assert ("Normal", "SawCompletedJob", "(combined from similar events): Saw completed job: "
            f"hello-{minutes(t0) + 10}, status: Complete", 1) in cj_events(cl, "hello")
    status = cl.tx.get("CronJob", "default", "hello")["status"]
    newest = cl.tx.get("Job", "default", names[-1])
    assert status["lastSuccessfulTime"] == newest["status"]["completionTime"] and "active" not in status


def test_failed_jobs_history_limit(cl):
    """failedJobsHistoryLimit 1: only the newest Failed Job is kept."""
    t0 = cl.now_ms
    cj = cronjob("boom", "* * * * *", "exit 1", failedJobsHistoryLimit=1)
    cj["spec"]["jobTemplate"]["spec"]["backoffLimit"] = 0
    cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    cl.api.create(cj)
    cl.advance_to(t0 + 4 * M + 30 * S)
    [job] = jobs(cl)
    assert job["metadata"]["name"] == f"boom-{minutes(t0) + 4}"
    assert [c["type"] for c in job["status"]["conditions"]] == ["FailureTarget", "Failed"]
    assert ("Normal", "SawCompletedJob", f"Saw completed job: boom-{minutes(t0) + 4}, status: Failed", 1) \
        in cj_events(cl, "boom")


def test_forbid_skips_a_run_while_the_previous_job_is_active(cl):
    """concurrencyPolicy Forbid: ``JobAlreadyActive`` and no new Job while one is active."""
    t0 = cl.now_ms
    cl.api.create(cronjob("f", "* * * * *", "sleep 150", concurrencyPolicy="Forbid"))
    cl.advance_to(t0 + 2 * M + 30 * S)
    assert job_names(cl) == [f"f-{minutes(t0) + 1}"]
    assert ("Normal", "JobAlreadyActive",
            "Not starting job because prior execution is running and concurrency policy is Forbid", 1) \
        in cj_events(cl, "f")
    # lastScheduleTime stayed at the first run: when that Job finishes (~3:31), the most recent missed time (3:00)
    # is unmet and nothing is active any more, so it runs at once, late (the v2 controller's known behaviour)
    cl.advance_to(t0 + 3 * M + 50 * S)
    assert sorted(job_names(cl)) == [f"f-{minutes(t0) + 1}", f"f-{minutes(t0) + 3}"]
    late = cl.tx.get("Job", "default", f"f-{minutes(t0) + 3}")
    first = cl.tx.get("Job", "default", f"f-{minutes(t0) + 1}")
    assert late["metadata"]["creationTimestamp"] == first["status"]["completionTime"]
    assert late["metadata"]["annotations"][C.SCHEDULED_TIMESTAMP] == rfc3339(t0 + 3 * M)


def test_replace_deletes_the_running_job(cl):
    """concurrencyPolicy Replace: the active Job is deleted (``SuccessfulDelete``) and the new one created."""
    t0 = cl.now_ms
    cl.api.create(cronjob("r", "* * * * *", "sleep 3600", concurrencyPolicy="Replace"))
    cl.advance_to(t0 + 2 * M + 200)
    assert job_names(cl) == [f"r-{minutes(t0) + 2}"]
    assert ("Normal", "SuccessfulDelete", f"Deleted job r-{minutes(t0) + 1}", 1) in cj_events(cl, "r")
    [ref] = cl.tx.get("CronJob", "default", "r")["status"]["active"]
    assert ref["name"] == f"r-{minutes(t0) + 2}"


def test_suspend_and_too_many_missed_start_times(cl):
    """A suspended CronJob creates nothing; resumed after 3 hours of a per-minute schedule it has missed more than
    100 times: ``TooManyMissedTimes`` and one Job for the most recent time (mostRecentScheduleTime)."""
    t0 = cl.now_ms
    cl.api.create(cronjob("s", "* * * * *", suspend=True))
    cl.advance_to(t0 + 3 * 3600 * S + 30 * S)
    assert jobs(cl) == []
    live = cl.tx.get("CronJob", "default", "s")
    cl.api.update(live, {**live, "spec": {**live["spec"], "suspend": False}})
    cl.settle()
    assert job_names(cl) == [f"s-{minutes(t0) + 180}"]
    assert ("Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease "
            ".spec.startingDeadlineSeconds or check clock skew", 1) in cj_events(cl, "s")


def test_starting_deadline_seconds_skips_a_time_missed_for_too_long(cl):
    """startingDeadlineSeconds: a scheduled time missed by more than the deadline is not run any more."""
    t0 = cl.now_ms
    cl.api.create(cronjob("d", "*/10 * * * *", startingDeadlineSeconds=30, suspend=True))
    cl.advance_to(t0 + 10 * M + 45 * S)  # 45 s after the 10th minute, suspended
    live = cl.tx.get("CronJob", "default", "d")
    cl.api.update(live, {**live, "spec": {**live["spec"], "suspend": False}})
    cl.settle()
    assert jobs(cl) == []
    cl.advance_to(t0 + 20 * M + 100)
    assert job_names(cl) == [f"d-{minutes(t0) + 20}"]


def test_time_zone(cl):
    """spec.timeZone: the schedule runs in that zone (formatSchedule's TZ= prefix); the annotation is the
    scheduled time in the zone (RFC 3339)."""
    t0 = cl.now_ms  # 2026-01-01T00:00:00Z, 01:00 in Paris
    assert t0 == DEFAULT_EPOCH_MS
    cl.api.create(cronjob("tz", "0 9 * * *", timeZone="Europe/Paris"))
    cl.advance_to(t0 + 8 * 3600 * S + 200)
    [job] = jobs(cl)
    assert job["metadata"]["annotations"][C.SCHEDULED_TIMESTAMP] == "2026-01-01T09:00:00+01:00"
    assert job["metadata"]["name"] == f"tz-{minutes(t0) + 8 * 60}"


def test_a_schedule_change_waits_for_the_new_schedule(cl):
    """updateCronJob: a new schedule requeues the CronJob at the new schedule's next time."""
    t0 = cl.now_ms
    cl.api.create(cronjob("c", "0 * * * *"))
    cl.advance_to(t0 + 10 * M)
    live = cl.tx.get("CronJob", "default", "c")
    cl.api.update(live, {**live, "spec": {**live["spec"], "schedule": "*/15 * * * *"}})
    cl.settle()
    assert jobs(cl) == []
    cl.advance_to(t0 + 15 * M + 100)
    assert job_names(cl) == [f"c-{minutes(t0) + 15}"]


def test_unexpected_job_from_a_manual_run(cl):
    """A Job controlled by the CronJob but not in its active list (kubectl create job --from=cronjob/...) is
    ``UnexpectedJob``."""
    cl.api.create(cronjob("u", "0 0 1 1 *"))
    cj = cl.tx.get("CronJob", "default", "u")
    from minikctl.cli.create_batch import job_from_cronjob

    manual = job_from_cronjob("u-manual", cj, None)
    manual["metadata"] = {k: v for k, v in manual["metadata"].items() if v is not None}
    cl.api.create({**manual, "metadata": {**manual["metadata"], "namespace": "default"}})
    cl.settle()
    assert [e[:3] for e in cj_events(cl, "u")] == [
        ("Warning", "UnexpectedJob", "Saw a job that the controller did not create or forgot: u-manual")]


@pytest.mark.parametrize("last, now, expected", [
    ("2026-01-01T00:00:00Z", "2026-01-01T00:00:30Z", None),
    ("2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z", "2026-01-01T00:01:00Z"),
    ("2026-01-01T00:00:00Z", "2026-01-01T00:05:30Z", "2026-01-01T00:05:00Z"),
])
def test_most_recent_schedule_time(last, now, expected):
    """utils.go mostRecentScheduleTime: the latest schedule time in (lastScheduleTime, now]."""
    from minikctl.kube import cron

    cj = {"metadata": {"creationTimestamp": "2025-12-31T00:00:00Z"}, "spec": {}, "status": {"lastScheduleTime": last}}
    _earliest, recent, _missed, err = C.most_recent_schedule_time(cj, parse_rfc3339(now), cron.parse("* * * * *"), True)
    assert err is None
    assert (rfc3339(recent) if recent is not None else None) == expected

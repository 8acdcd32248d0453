"""The same virtual span cut differently gives the same store: one ``advance_to`` of N minutes and the same span in
several pieces (each its own transaction, as ``clock advance`` commands) leave the same objects with their
resourceVersions, events, container logs, change log, printed rows and timeline history (docs/engine-time.md:
the engine's stepping and its fast paths do not depend on where an advance ends). The crash loop's jump
(``PodWorker.cycle_single``) is also compared with every cycle stepped: store meta ``engine:profile``
``{"crashloop": false}`` turns it off."""

from __future__ import annotations

import json
import sqlite3

import pytest

from minikctl.cluster import Cluster
from minikctl.store.db import Store


def _sh(name: str, script: str, **kw) -> dict:
    return {"name": name, "image": "busybox:1.36", "command": ["sh", "-c", script], **kw}


def _pod(name: str, containers: list, init: list | None = None, **spec) -> dict:
    s = {"containers": containers, **spec}
    if init:
        s["initContainers"] = init
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": s}


def _deployment(name: str, replicas: int, containers: list, **spec) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}}, **spec,
                     "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": containers}}}}


def _job(name: str, backoff_limit: int, restart_policy: str, containers: list) -> dict:
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": "default"},
            "spec": {"backoffLimit": backoff_limit,
                     "template": {"spec": {"restartPolicy": restart_policy, "containers": containers}}}}


def _workload(kind: str, name: str, containers: list, **spec) -> dict:
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": name}}, **spec,
                     "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": containers}}}}


def _service(name: str, app: str) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
            "spec": {"selector": {"app": app}, "ports": [{"port": 80}]}}


def _labeled(pod: dict, app: str) -> dict:
    pod["metadata"]["labels"] = {"app": app}
    return pod


_RUNS = [_sh("c", "echo boom; sleep 3; exit 1")]  # Ready for the 3 s each instance runs

SCENARIOS = {
    "crash-loop": [_pod("crash", [_sh("c", "exit 1")])],
    "crash-loop-runs": [_pod("crash", [_sh("c", "echo boom; sleep 3; exit 1")])],
    "never-ready": [_pod("web", [{"name": "c", "image": "nginx:1.14.2", "readinessProbe": {
        "httpGet": {"path": "/", "port": 8080}, "periodSeconds": 5}}])],
    "chatty": [_pod("chatty", [_sh("c", "i=0; while true; do echo $i; i=$((i+1)); sleep 1; done")])],
    "init-liveness": [_pod("init", [{"name": "app", "image": "nginx:1.14.2", "livenessProbe": {
        "httpGet": {"path": "/", "port": 8080}, "periodSeconds": 5, "failureThreshold": 2}}],
        init=[_sh("setup", "echo init; sleep 2")])],
    "job-backoff": [{"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "namespace": "default"},
                     "spec": {"backoffLimit": 3, "template": {"spec": {"restartPolicy": "Never",
                                                                       "containers": [_sh("c", "exit 1")]}}}}],
    # a Job's pod restarted in place (OnFailure): the Job controller counts its restarts against backoffLimit
    # (pkg/controller/job/job_controller.go pastBackoffLimitOnFailure) and deletes it once past; 8: the back-off is
    # capped before that
    "job-on-failure": [_job("j", 2, "OnFailure", [_sh("c", "exit 1")])],
    "job-on-failure-capped": [_job("j", 8, "OnFailure", [_sh("c", "echo boom; exit 1")]),
                              _pod("b", [_sh("c", "echo boom; sleep 3; exit 1")])],
    # beside other pods: each jump's writes take their revisions between the other pods' (kubelet/parked.py)
    "two-crash-loops": [_pod("a", [_sh("c", "exit 1")]), _pod("b", [_sh("c", "echo boom; sleep 3; exit 1")])],
    "crash-loop-and-chatty": [_pod("a", [_sh("c", "exit 1")]),
                              _pod("chatty", [_sh("c", "while true; do echo tick > /tmp/t; cat /tmp/t; sleep 1; done")])],
    "many-crash-loops": [_pod(f"loop-{i}", [_sh("c", "echo boom; exit 1")]) for i in range(5)],
    "crash-loop-and-never-ready": [_pod("a", [_sh("c", "exit 1")]),
                                   _pod("web", [{"name": "c", "image": "nginx:1.14.2", "readinessProbe": {
                                       "httpGet": {"path": "/", "port": 8080}, "periodSeconds": 5}}])],
    # an init container crash-looping before the app container ever ran: its cycles are jumped as a one-container
    # pod's (PodWorker.looping_alone, cycle_single)
    "init-crash-loop": [_pod("ic", [_sh("app", "sleep 3600")], init=[_sh("init", "echo init fails; exit 1")])],
    "init-crash-loop-runs": [_pod("ic", [_sh("app", "sleep 3600"), _sh("app2", "sleep 3600")],
                                  init=[_sh("init", "echo init; sleep 3; exit 1")])],
    "init-crash-loop-and-others": [_pod("ic", [_sh("app", "sleep 3600")], init=[_sh("init", "exit 1")]),
                                   _pod("b", [_sh("c", "echo boom; sleep 3; exit 1")]),
                                   _pod("web", [{"name": "c", "image": "nginx:1.14.2", "readinessProbe": {
                                       "httpGet": {"path": "/", "port": 8080}, "periodSeconds": 5}}])],
    # a sidecar (an init container restarted Always) crash-looping before the app container started
    "sidecar-crash-loop": [_pod("sc", [_sh("app", "sleep 3600")], init=[_sh("side", "exit 1", restartPolicy="Always")])],
    # app containers crash-looping in step: their capped cycles are jumped together (PodWorker.looping,
    # cycle_single), each cycle's writes as one SyncPod makes them for all
    "lockstep-crash-loops": [_pod("ls", [_sh("a", "exit 1"), _sh("b", "exit 2")])],
    "lockstep-crash-loops-three": [_pod("ls", [_sh("a", "echo one; exit 1"), _sh("b", "echo two >&2; exit 2"),
                                               _sh("c", "printf 'three\\n3\\n'; exit 3")])],
    "lockstep-crash-loops-sleep": [_pod("ls", [_sh("a", "echo boom; sleep 3; exit 1"), _sh("b", "sleep 3; exit 2")])],
    # pods alike (their wake-ups worked once, kubelet/waketwins.py) beside a one-container crash loop
    "lockstep-crash-loops-alike": [_pod(f"ls-{i}", [_sh("a", "echo boom; exit 1"), _sh("b", "exit 2")])
                                   for i in range(3)] + [_pod("one", [_sh("c", "echo boom; sleep 3; exit 1")])],
    # a Deployment's crash-looping pods: the ReplicaSet controller syncs at each status write of its pods, and
    # writes nothing (controllers/__init__.py replica_set_syncs_write_nothing)
    "deployment-crash-loop": [{"apiVersion": "apps/v1", "kind": "Deployment",
                               "metadata": {"name": "d", "namespace": "default"},
                               "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "d"}},
                                        "template": {"metadata": {"labels": {"app": "d"}},
                                                     "spec": {"containers": [_sh("c", "exit 1")]}}}}],
    # beside a healthy Deployment's pods and a bare crash loop whose container runs
    "deployments-crash-loop-and-healthy": [_deployment("d", 3, [_sh("c", "echo boom; exit 1")]),
                                           _deployment("web", 2, [{"name": "c", "image": "nginx:1.14.2"}]),
                                           _pod("b", [_sh("c", "echo boom; sleep 3; exit 1")])],
    # crash-looping pods other controllers react to between the cycles (their status writes go through those
    # controllers' gates, controllers/__init__.py): the cycles are stepped (PodWorker.jump_writes)
    "deployment-crash-loop-runs": [_deployment("d", 2, _RUNS)],
    "deployment-crash-loop-min-ready": [_deployment("d", 2, [_sh("c", "exit 1")], minReadySeconds=5)],
    "deployment-crash-loop-progress-deadline": [_deployment("d", 2, [_sh("c", "exit 1")], progressDeadlineSeconds=60)],
    "deployment-crash-loop-runs-progress-deadline": [_deployment("d", 2, _RUNS, progressDeadlineSeconds=60,
                                                                 minReadySeconds=2)],
    "statefulset-crash-loop": [_workload("StatefulSet", "s", [_sh("c", "exit 1")], replicas=2, serviceName="s")],
    "statefulset-crash-loop-runs": [_workload("StatefulSet", "s", _RUNS, replicas=3, serviceName="s")],
    "daemonset-crash-loop": [_workload("DaemonSet", "ds", [_sh("c", "exit 1")])],
    "daemonset-crash-loop-runs": [_workload("DaemonSet", "ds", _RUNS)],
    "service-crash-loop": [_labeled(_pod("a", [_sh("c", "exit 1")]), "a"), _service("a", "a")],
    "service-crash-loop-runs": [_labeled(_pod("a", _RUNS), "a"), _service("a", "a"),
                                _pod("b", [_sh("c", "echo boom; sleep 3; exit 1")])],
}

# the same span (3 min, or 30 min for the scenarios that need the back-off capped) cut differently
CUTS = [[180_000], [60_000, 60_000, 60_000], [37_000, 143_000]]


def _run(path: str, objs: list, cuts: list, profile: dict | None = None) -> dict:
    st = Store(path)
    with st.transaction() as tx:
        cl = Cluster(tx)
        if profile:
            tx.set_meta("engine:profile", json.dumps(profile))
        for o in objs:
            cl.api.create(o)
        cl.settle()
    for ms in cuts:
        if ms < 0:  # the span in steps committed one instant at a time (a long ``clock advance`` on a busy machine)
            with st.transaction() as tx:
                target = tx.now_ms - ms
            done = False
            while not done:
                with st.transaction() as tx:
                    done = Cluster(tx).advance_to(target, wall_budget_s=0.0)
            continue
        with st.transaction() as tx:
            Cluster(tx).advance_to(tx.now_ms + ms)
    with st.transaction() as tx:
        from minikctl.store import history

        uids = [r[0] for r in tx.conn.execute("SELECT DISTINCT uid FROM history ORDER BY uid")]
        timeline = {uid: history.entries(tx.conn, uid) for uid in uids}
    st.close()
    conn = sqlite3.connect(path)
    try:
        out = {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}")))
               for t in ("objects", "events", "changes", "rows")}
        # container logs per instance (the streams' row ids are the store's own)
        out["logs"] = [repr(r) for r in conn.execute(
            "SELECT s.namespace, s.pod, s.instance, s.next_seq, s.bytes, s.last_ms, l.seq, l.ms, l.n, l.body "
            "FROM log_streams s JOIN logs l ON l.stream = s.id ORDER BY s.namespace, s.pod, s.instance, l.ms, l.seq")]
        out["meta"] = sorted(r for r in map(tuple, conn.execute("SELECT * FROM meta")) if r[0] != "engine:profile")
    finally:
        conn.close()
    out["timeline"] = repr(timeline)
    return out


LONG = [[1_800_000], [600_000, 600_000, 600_000], [37_000, 1_763_000]]
# scenario -> (spans where it is cut-dependent, why)
CUT_DEPENDENT: dict = {}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("span", ["short", "long"])
def test_an_advance_cut_in_pieces_gives_the_same_store(tmp_path, request, scenario, span):
    spans, why = CUT_DEPENDENT.get(scenario, ((), ""))
    if span in spans:
        request.applymarker(pytest.mark.xfail(strict=True, reason=why))
    cuts_all = CUTS if span == "short" else LONG
    whole = _run(str(tmp_path / "whole.db"), SCENARIOS[scenario], cuts_all[0])
    for i, cuts in enumerate(cuts_all[1:]):
        cut = _run(str(tmp_path / f"cut{i}.db"), SCENARIOS[scenario], cuts)
        for table in whole:
            assert cut[table] == whole[table], (scenario, cuts, table)


@pytest.mark.parametrize("scenario", ["crash-loop", "crash-loop-runs", "two-crash-loops", "many-crash-loops",
                                      "crash-loop-and-chatty", "crash-loop-and-never-ready", "init-crash-loop",
                                      "init-crash-loop-runs", "init-crash-loop-and-others", "sidecar-crash-loop",
                                      "deployment-crash-loop", "deployments-crash-loop-and-healthy",
                                      "lockstep-crash-loops", "lockstep-crash-loops-three",
                                      "lockstep-crash-loops-sleep", "lockstep-crash-loops-alike", "job-on-failure",
                                      "job-on-failure-capped", "deployment-crash-loop-runs",
                                      "deployment-crash-loop-min-ready", "deployment-crash-loop-progress-deadline",
                                      "deployment-crash-loop-runs-progress-deadline", "statefulset-crash-loop",
                                      "statefulset-crash-loop-runs", "daemonset-crash-loop",
                                      "daemonset-crash-loop-runs", "service-crash-loop", "service-crash-loop-runs"])
@pytest.mark.parametrize("span", [CUTS[0], LONG[0]])
def test_the_crash_loop_jump_writes_what_stepping_writes(tmp_path, scenario, span):
    stepped = _run(str(tmp_path / "stepped.db"), SCENARIOS[scenario], span, {"crashloop": False})
    jumped = _run(str(tmp_path / "jumped.db"), SCENARIOS[scenario], span)
    for table in stepped:
        assert jumped[table] == stepped[table], (scenario, table)


@pytest.mark.parametrize("scenario", ["lockstep-crash-loops", "lockstep-crash-loops-three"])
def test_containers_crash_looping_in_step_are_jumped_together(tmp_path, scenario):
    """The comparison above holds because their cycles are jumped, not stepped: after 30 min the timeline keeps
    one row for the capped cycles of all the pod's containers (history.record_crash_loop), which stepping never
    writes."""
    _run(str(tmp_path / "jumped.db"), SCENARIOS[scenario], LONG[0])
    conn = sqlite3.connect(str(tmp_path / "jumped.db"))
    try:
        loops = [json.loads(b)["crashloop"] for (b,) in conn.execute("SELECT body FROM history")
                 if '"crashloop"' in b]
    finally:
        conn.close()
    names = [c["name"] for c in SCENARIOS[scenario][0]["spec"]["containers"]]
    assert loops and all(loop.get("containers") == names and loop.get("capped") for loop in loops)


@pytest.mark.parametrize("scenario", ["two-crash-loops", "many-crash-loops", "crash-loop-and-chatty",
                                      "crash-loop-and-never-ready", "init-crash-loop-and-others",
                                      "deployments-crash-loop-and-healthy"])
def test_an_advance_committed_in_steps_gives_the_same_store(tmp_path, scenario):
    """A run stopped at its wall deadline leaves the jumped writes still to come to the next (meta kubelet:jumps)."""
    whole = _run(str(tmp_path / "whole.db"), SCENARIOS[scenario], LONG[0])
    steps = _run(str(tmp_path / "steps.db"), SCENARIOS[scenario], [-LONG[0][0]])
    for table in whole:
        assert steps[table] == whole[table], (scenario, table)


def _jumped(path: str) -> bool:
    """Whether the timeline holds a crash loop's jumped cycles (history.record_crash_loop)."""
    conn = sqlite3.connect(path)
    try:
        return any('"crashloop"' in b for (b,) in conn.execute("SELECT body FROM history"))
    finally:
        conn.close()


@pytest.mark.parametrize("span", [CUTS[0], LONG[0]])
def test_the_owned_jump_switch_steps_the_pod(tmp_path, span):
    """engine:profile {"ownedjump": false}: a settled ReplicaSet's crash-looping pod is stepped, as a pod whose
    controller may write for it is; by default it is jumped (its writes taking their revisions later), and both
    give the store stepping gives."""
    stepped = _run(str(tmp_path / "stepped.db"), SCENARIOS["deployment-crash-loop"], span, {"crashloop": False})
    once = _run(str(tmp_path / "once.db"), SCENARIOS["deployment-crash-loop"], span, {"ownedjump": False})
    _run(str(tmp_path / "lazy.db"), SCENARIOS["deployment-crash-loop"], span)
    assert _jumped(str(tmp_path / "lazy.db")) and not _jumped(str(tmp_path / "once.db"))
    for table in stepped:
        assert once[table] == stepped[table], table


@pytest.mark.parametrize("objs", [
    # a container that runs is Ready while it runs: the ReplicaSet's and the Deployment's status move at each
    # restart and exit (the Deployment's Available condition's times, written at one jumped write, were the
    # advance's first cycle's)
    [_deployment("d", 2, [_sh("c", "echo boom; sleep 3; exit 1")])],
    # minReadySeconds: a sync's availability depends on its instant
    [_deployment("d", 2, [_sh("c", "exit 1")], minReadySeconds=5)],
    # a Service selecting the pod: each Ready flip moves the Endpoints (their last-change-trigger-time)
    SCENARIOS["service-crash-loop-runs"],
], ids=["runs", "min-ready", "service"])
def test_a_pod_whose_controllers_may_write_is_stepped(tmp_path, objs):
    """Its cycles are stepped, not jumped: the comparisons above hold because of it."""
    _run(str(tmp_path / "lazy.db"), objs, LONG[0])
    assert not _jumped(str(tmp_path / "lazy.db"))

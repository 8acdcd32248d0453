"""Steady loops fast-forwarded (``engine/behavior/periodic.py``, ``PodWorker.fast_forward_loop``) print the same
bytes as the same loops stepped one wake-up at a time (store meta ``engine:profile`` = {"ffwd": false}): every log
line with its time, what ``--tail`` and ``--since`` read, the pod's status and events, also when something needs
the process in the middle of a fast-forwarded stretch (an exec, a deletion, a later advance)."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest

from minikctl.cluster import Cluster
from minikctl.store.db import Store
from tests.unit.flap_world import FLAP, exec_ready, service, stepping

COUNTER = 'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done'
SCRIPTS = {
    "counter": COUNTER,
    "two-counters": 'i=0; j=100; while true; do printf "%d %d\\n" $i $j; echo "t=$(date +%s)"; i=$((i+1)); '
                    'j=$((j-3)); sleep 2; done',
    "quiet": "while true; do sleep 5; done",
    "half-second": "while true; do echo hello; sleep 0.5; done",
    "digits": 'i=95; while true; do echo "$i"; i=$((i+1)); sleep 1; done',
    # not steady: each is stepped, and must still match
    "file": "n=0; while true; do echo $n > /tmp/x; cat /tmp/x; n=$((n+1)); sleep 1; done",
    "bounded": "i=0; while [ $i -lt 50 ]; do echo $i; i=$((i+1)); sleep 1; done; echo done",
    "branch": "i=0; while true; do i=$((i+1)); if [ $i -gt 30 ]; then echo big; fi; echo $i; sleep 1; done",
    "throttled": COUNTER,  # limits.cpu 100m: each CPU slice moves the clock 200 ms
}


def _pod(name: str, script: str) -> dict:
    c = {"name": "c", "image": "busybox:1.28", "command": ["sh", "-c", script]}
    if name == "throttled":
        c["resources"] = {"limits": {"cpu": "100m"}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [c]}}


@contextmanager
def _first_transaction(st, ffwd: bool):
    """The first transaction of a new store, with its cluster, set to fast-forward or (``ffwd`` False) to step every
    wake-up, as the golden tests' reference does."""
    with st.transaction() as tx:
        cl = Cluster(tx)
        if not ffwd:
            stepping(tx)
        yield tx, cl


def _world(tmp_path, name: str, ffwd: bool, script: str):
    st = Store(str(tmp_path / f"{name}-{ffwd}.db"))
    with _first_transaction(st, ffwd) as (tx, cl):
        cl.api.create(_pod(name, script))
        cl.settle()
    return st


def _look(st, name: str) -> dict:
    with st.transaction() as tx:
        cl = Cluster(tx)
        pod = tx.get("Pod", "default", name)
        now = tx.now_ms
        out = {"status": pod["status"], "all": cl.logs(pod, "c", False)}
        for tail in (1, 3, 25):
            out[f"tail{tail}"] = cl.logs(pod, "c", False, tail=tail)
        for back in (1_000, 7_500, 100_000):
            out[f"since{back}"] = cl.logs(pod, "c", False, since_ms=now - back)
        out["after"] = cl.logs(pod, "c", False, after_seq=max(0, len(out["all"]) - 4), numbered=True)
        events = tx.list_events()
        out["events"] = sorted((e.get("reason"), e.get("message"), e.get("count"), e.get("firstTimestamp"),
                                e.get("lastTimestamp")) for e in events)
        return out


def _advance(st, ms: int) -> None:
    with st.transaction() as tx:
        Cluster(tx).advance_to(tx.now_ms + ms)


def _exec(st, name: str, argv: list[str]):
    with st.transaction() as tx:
        cl = Cluster(tx)
        return cl.exec(tx.get("Pod", "default", name), "c", argv)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_fast_forward_prints_what_stepping_prints(tmp_path, name):
    worlds = {ffwd: _world(tmp_path, name, ffwd, SCRIPTS[name]) for ffwd in (True, False)}
    seen = {}
    for ffwd, st in worlds.items():
        looks = []
        _advance(st, 95_300)
        looks.append(_look(st, name))
        looks.append(_exec(st, name, ["sh", "-c", "echo hi"]))  # needs the process in the middle of a stretch
        _advance(st, 1)
        looks.append(_look(st, name))
        for _ in range(3):  # a few single seconds, then a long way
            _advance(st, 1_000)
        _advance(st, 400_020)
        looks.append(_look(st, name))
        seen[ffwd] = looks
        st.close()
    assert seen[True] == seen[False]
    assert seen[True][-1]["all"] or name == "quiet", "the loop printed"


def test_fast_forward_skips_the_iterations(tmp_path):
    """The point of it: a day of the counter pod wakes its pod worker a handful of times, not 86,400 times."""
    from minikctl.engine.kubelet import worker

    calls = []
    orig = worker.PodWorker.on_proc

    def counting(self, *a):
        calls.append(self.now)
        return orig(self, *a)

    worker.PodWorker.on_proc = counting
    try:
        st = _world(tmp_path, "counter", True, COUNTER)
        _advance(st, 86_400_000)
        look = _look(st, "counter")
    finally:
        worker.PodWorker.on_proc = orig
    assert len(calls) < 50
    assert look["tail1"][0][1].startswith("86")


def test_a_deleted_pod_takes_its_fast_forwarded_lines_along(tmp_path):
    st = _world(tmp_path, "counter", True, COUNTER)
    _advance(st, 60_000)
    with st.transaction() as tx:
        cl = Cluster(tx)
        cl.api.delete(tx.get("Pod", "default", "counter"), grace=0)
        cl.settle()
    _advance(st, 5_000)
    with st.transaction() as tx:
        assert tx.get("Pod", "default", "counter") is None
        assert tx.conn.execute("SELECT count(*) FROM logs").fetchone()[0] == 0
        assert tx.conn.execute("SELECT count(*) FROM log_streams").fetchone()[0] == 0


def _never_ready(name: str, **extra) -> dict:
    c = {"name": "c", "image": "nginx:1.14.2", "readinessProbe": {"httpGet": {"path": "/", "port": 8080},
                                                                   "periodSeconds": 10}, **extra}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [c]}}


@pytest.mark.parametrize("case", ["nginx", "chatty", "with-liveness"])
def test_failing_readiness_fast_forwarded_as_stepped(tmp_path, case):
    """A readiness probe that never passes: the Unhealthy event's count, its times and resourceVersion, the pod's
    status and the store's revision are those of probing every period."""
    extra = {}
    if case == "chatty":
        extra = {"image": "busybox:1.28", "command": ["sh", "-c", COUNTER]}
    if case == "with-liveness":
        extra = {"livenessProbe": {"tcpSocket": {"port": 80}, "periodSeconds": 7}}
    seen = {}
    for ffwd in (True, False):
        st = Store(str(tmp_path / f"r-{ffwd}.db"))
        with _first_transaction(st, ffwd) as (tx, cl):
            cl.api.create(_never_ready("r", **extra))
            cl.settle()
        looks = []
        for ms in (35_000, 1_234_567, 10_000, 7_200_000):
            _advance(st, ms)
            with st.transaction() as tx:
                pod = tx.get("Pod", "default", "r")
                events = tx.list_events()  # one namespace: by name
                looks.append((pod["status"], pod["metadata"]["resourceVersion"], tx.meta("revision"),
                              [(e["reason"], e["message"], e["count"], e["firstTimestamp"], e["lastTimestamp"],
                                e["metadata"]["resourceVersion"]) for e in events]))
        seen[ffwd] = looks
        st.close()
    assert seen[True] == seen[False]
    unhealthy = [e for e in seen[True][-1][3] if e[0] == "Unhealthy"]
    assert unhealthy and unhealthy[0][2] > 800


@pytest.mark.parametrize("script", ["while true; do :; done", "i=0; while true; do i=$((i+1)); done",
                                    "i=0; while true; do echo $i; i=$((i+1)); done"])
def test_a_loop_that_never_sleeps_is_fast_forwarded_as_stepped(tmp_path, script):
    """A loop without a sleep runs on CPU time (no budget stops it); a steady one is fast-forwarded slice by
    slice in closed form, and stays the same bytes as stepping."""
    seen = {}
    for ffwd in (True, False):
        st = _world(tmp_path, "busy", ffwd, script)
        looks = []
        for ms in (2_000, 3_333):
            _advance(st, ms)
            looks.append(_look(st, "busy"))
        seen[ffwd] = looks
        st.close()
    assert seen[True] == seen[False]
    assert seen[True][-1]["status"]["containerStatuses"][0]["state"].get("running")


def test_a_fast_writer_is_fast_forwarded_across_log_rotations(tmp_path):
    """A loop printing 8 KiB lines without sleeping (1.6 MB a virtual second at ``limits.cpu: 10m``) fills the
    10 MiB log file in seconds; the kubelet rotates it at the next 10 s monitor instant. Stretches run up to each
    rotation and stepping resumes there: the same lines, file sizes and status as stepping every wake-up, and the
    store stays small."""
    script = ("x=0123456789abcdef; x=$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x$x$x; "
              "while true; do echo $x; done")
    pod = _pod("writer", script)
    pod["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "10m"}}
    seen = {}
    for ffwd in (True, False):
        st = Store(str(tmp_path / f"writer-{ffwd}.db"))
        with _first_transaction(st, ffwd) as (tx, cl):
            cl.api.create(pod)
            cl.settle()
        looks = []
        for ms in (3_000, 9_000, 14_000, 31_000):
            _advance(st, ms)
            looks.append(_look(st, "writer"))
        seen[ffwd] = looks
        st.close()
    assert seen[True] == seen[False]
    firsts = [look["all"][0][0] for look in seen[True]]
    assert firsts == sorted(set(firsts)), firsts  # each look after a rotation: the file starts later each time
    assert len(seen[True][0]["all"]) * 8200 > 4 * 1024 * 1024  # megabytes before the first rotation
    assert (tmp_path / "writer-True.db").stat().st_size < 40 * 1024 * 1024


@pytest.mark.parametrize("case", ["flapping", "failing-exec", "two-flapping"])
def test_exec_readiness_fast_forwarded_as_stepped(tmp_path, case):
    """An exec readiness probe that reads a file: never there (the probe fails forever), or made and removed by the
    container's loop every 30 s (readiness flapping, behind a Service). Each pod's status and resourceVersion, the
    store's revision, every event with its count, times and resourceVersion, the Endpoints and EndpointSlices are
    those of running every probe; with two pods out of phase, neither pod's jump takes the other's revisions."""
    script = "while true; do sleep 5; done" if case == "failing-exec" else FLAP
    names = ["a", "b"] if case == "two-flapping" else ["a"]
    seen = {}
    for ffwd in (True, False):
        st = Store(str(tmp_path / f"x-{ffwd}.db"))
        with _first_transaction(st, ffwd) as (tx, cl):
            cl.api.create(service("s", app="x"))
            for i, name in enumerate(names):
                cl.api.create(exec_ready(name, script, app="x"))
                cl.settle()
                if i + 1 < len(names):
                    cl.advance_to(tx.now_ms + 13_000)  # the second pod starts out of phase
        looks = [_look_all(st, ms, names) for ms in (35_000, 1_234_567, 10_000, 7_200_000)]
        seen[ffwd] = looks
        st.close()
    assert seen[True] == seen[False]
    unhealthy = [e for e in seen[True][-1][2] if e[0] == "Unhealthy"]
    assert unhealthy and unhealthy[0][2] > (700 if case == "failing-exec" else 200)


def _look_all(st, ms: int, names: list) -> tuple:
    """After advancing ``ms``: each pod's status and resourceVersion, the store's revision, every event (reason,
    message, count, times, resourceVersion), the Service "s"'s Endpoints and EndpointSlices."""
    _advance(st, ms)
    with st.transaction() as tx:
        pods = [tx.get("Pod", "default", n) for n in names]
        events = tx.list_events()  # one namespace: by name
        netw = [tx.get("Endpoints", "default", "s")]
        netw += [json.loads(r[0]) for r in tx.conn.execute(
            "SELECT body FROM objects WHERE kind='EndpointSlice' ORDER BY name")]
        return ([(p["status"], p["metadata"]["resourceVersion"]) for p in pods], tx.meta("revision"),
                [(e["reason"], e["message"], e["count"], e["firstTimestamp"], e["lastTimestamp"],
                  e["metadata"]["resourceVersion"]) for e in events], netw)


def _crash(name: str, **labels) -> dict:
    c = {"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3; exit 1"]}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "labels": labels},
            "spec": {"containers": [c]}}


@pytest.mark.parametrize("case", ["aligned", "staggered"])
def test_never_ready_network_probes_among_busy_pods_as_stepped(tmp_path, case):
    """Several pods whose httpGet readiness probe never passes (created at one instant, or a few seconds apart),
    among pods that write meanwhile: one flapping behind a Service (its status and the Endpoints/EndpointSlices
    change every 30 s), one crash-looping (a status write at each restart). Every pod's
    status and resourceVersion, the store's revision, every event with its count, times and resourceVersion and
    the Service's Endpoints/EndpointSlices are those of stepping every probe."""
    never = ["n0", "n1", "n2", "n3"]
    names = never + ["flap", "crash"]
    seen = {}
    for ffwd in (True, False):
        st = Store(str(tmp_path / f"m-{ffwd}.db"))
        with _first_transaction(st, ffwd) as (tx, cl):
            cl.api.create(service("s", app="x"))
            cl.api.create(exec_ready("flap", FLAP, app="x"))
            cl.api.create(_crash("crash", app="x"))
            for i, name in enumerate(never):
                pod = _never_ready(name)
                pod["metadata"]["labels"] = {"app": "x"}
                cl.api.create(pod)
                if case == "staggered":
                    cl.settle()
                    cl.advance_to(tx.now_ms + 3_000 + 1_000 * i)
            cl.settle()
        looks = [_look_all(st, ms, names) for ms in (35_000, 1_234_567, 10_000, 3_600_000)]
        seen[ffwd] = looks
        st.close()
    for a, b in zip(seen[True], seen[False]):
        assert a[1] == b[1]  # the store's revision first: the plainest sign of a write out of order
        assert a == b
    unhealthy = [e for e in seen[True][-1][2] if e[0] == "Unhealthy" and e[1].startswith("Readiness probe failed: Get")]
    assert len(unhealthy) >= len(never) and min(e[2] for e in unhealthy) > 400


def test_a_parked_probe_taken_back_when_a_controller_acts_on_its_pod(tmp_path):
    """A never-ready pod of a Job whose activeDeadlineSeconds passes in the middle of an advance: the Job
    controller deletes the pod at its own timer, before the end of the probe runs done at once; the runs after
    it are taken back from the pod's record (the pod's termination, its events and revisions are stepping's)."""
    seen = {}
    for ffwd in (True, False):
        st = Store(str(tmp_path / f"j-{ffwd}.db"))
        with _first_transaction(st, ffwd) as (tx, cl):
            tmpl = _never_ready("x")
            tmpl["spec"]["restartPolicy"] = "Never"
            cl.api.create({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "namespace": "default"},
                           "spec": {"activeDeadlineSeconds": 95, "backoffLimit": 0,
                                    "template": {"metadata": {}, "spec": tmpl["spec"]}}})
            cl.api.create(_never_ready("other"))
            cl.settle()
        looks = []
        for ms in (3_600_000, 600_000):
            _advance(st, ms)
            with st.transaction() as tx:
                objs = [json.loads(r[0]) for r in tx.conn.execute(
                    "SELECT body FROM objects WHERE kind IN ('Pod', 'Job') ORDER BY kind, name")]
                events = tx.list_events()  # one namespace: by name
                looks.append(([(o["kind"], o["metadata"]["name"], o.get("status"), o["metadata"]["resourceVersion"])
                               for o in objs], tx.meta("revision"),
                              [(e["involvedObject"]["name"], e["reason"], e["message"], e["count"],
                                e["lastTimestamp"], e["metadata"]["resourceVersion"]) for e in events]))
        seen[ffwd] = looks
        st.close()
    assert seen[True] == seen[False]
    assert any(e[1] == "DeadlineExceeded" for e in seen[True][0][2])


def test_segments_cut_where_a_counter_changes_width():
    """``periodic._last_of_width`` (arithmetic on the powers of ten) cuts the iterations where ``_key`` (each
    counter's rendered width, computed at every iteration) changes, for counters going up and down across zero."""
    import random

    from minikctl.engine.behavior import periodic

    rng = random.Random(7)
    for _ in range(300):
        steps = {f"v{i}": rng.choice([-1, 1, -3, 7, 10, -25, 999, 0]) for i in range(rng.randint(1, 3))}
        desc = {"base": {"vars": {k: str(rng.randint(-1200, 1200)) for k in steps}}, "steps": steps}
        n = rng.randint(1, 400)
        a = 1
        while a <= n:
            last = periodic._last_of_width(desc, a, n)
            assert a <= last <= n
            assert all(periodic._key(desc, j) == periodic._key(desc, a) for j in range(a, last + 1)), (desc, a, last)
            assert last == n or periodic._key(desc, last + 1) != periodic._key(desc, a), (desc, a, last)
            a = last + 1

"""Kubelet state machine with a scripted process model (independent of the shell interpreter).

The process model here is deliberately tiny: argv ``["run"]`` runs forever, ``["sleep", N]`` exits 0
after N s, ``["exit", C]`` exits C at once, ``["oom"]`` is OOM-killed at once. SIGTERM is ignored
(PID 1 without a handler) except by ``["run", "term-ok"]``. Exec probes succeed while the file
``/tmp/healthy`` exists in the container's filesystem.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import engine_driver as engine
from minikctl.engine.kubelet import procs
from minikctl.store.db import DEFAULT_EPOCH_MS, Store

T0 = DEFAULT_EPOCH_MS
IMG = "example.com/app:1"  # not in the catalog: any executable exists
IMG2 = "example.com/other:2"


class FakeProc:
    def __init__(self, d):
        self.d = d
        self.logs = d.setdefault("logs", [])

    @property
    def exited(self):
        return self.d.get("exit_ms") is not None

    exit_code = property(lambda self: self.d.get("code"))
    exit_ms = property(lambda self: self.d.get("exit_ms"))
    reason = property(lambda self: self.d.get("reason", ""))
    message = property(lambda self: "")
    wake_ms = property(lambda self: None if self.exited else self.d.get("wake"))
    assumptions = property(lambda self: ["fake process"])

    def _exit(self, ms, code, reason=""):
        self.d.update(exit_ms=ms, code=code, reason=reason)

    def step(self, now, fs):
        if self.d.get("wake") is not None and now >= self.d["wake"]:
            self._exit(now, 0)

    def signal(self, sig, now, fs):
        if sig == "KILL" or self.d["argv"][-1] == "term-ok":
            self._exit(now, 137 if sig == "KILL" else 0)

    def to_dict(self):
        return self.d


def fake_spawn(argv, env, image, now, mem, fs, stdin_open=False, net=None):
    p = FakeProc({"argv": list(argv), "t0": now})
    p.logs.append([now, "stdout", f"started {argv[0]}"])
    if argv[0] == "sleep":
        p.d["wake"] = now + int(argv[1]) * 1000
    elif argv[0] == "exit":
        p._exit(now, int(argv[1]))
    elif argv[0] == "oom":
        p._exit(now, 137, "OOMKilled")
    elif argv[0] == "touch-sleep":  # creates /tmp/healthy, removes it after N s (as exec-liveness)
        fs.write("/tmp/healthy", "")
        p.d["wake"] = None
    return p


def fake_exec(argv, env, fs, image, now, timeout, proc=None):
    if fs.exists("/tmp/healthy"):
        return 0, "", 0
    return 1, "cat: can't open '/tmp/healthy': No such file or directory\n", 0


@pytest.fixture(autouse=True)
def fake_processes(monkeypatch):
    monkeypatch.setattr(procs, "spawn", fake_spawn)
    monkeypatch.setattr(procs, "load_process", lambda d: FakeProc(d))
    monkeypatch.setattr(procs, "run_exec", fake_exec)
    monkeypatch.setattr(procs, "argv_for", lambda c, img, env: list(c.get("command") or ["run"]))
    monkeypatch.setattr(procs, "http_get", lambda p, port, path, now, ip, scheme: (200, ""))
    monkeypatch.setattr(procs, "tcp_connect", lambda p, port, now, ip: (True, ""))


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "s.db")
    yield s
    s.close()


def mkpod(name, containers, init=None, **spec):
    def d(c):
        c = dict(c)
        c.setdefault("imagePullPolicy", "IfNotPresent")
        c.setdefault("terminationMessagePath", "/dev/termination-log")
        c.setdefault("terminationMessagePolicy", "File")
        return c
    s = {"containers": [d(c) for c in containers], "restartPolicy": "Always", "terminationGracePeriodSeconds": 30}
    if init:
        s["initContainers"] = [d(c) for c in init]
    s.update(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": s,
            "status": {"phase": "Pending", "qosClass": "BestEffort"}}


def create(tx, pod):
    tx.create(pod)
    engine.pod_created(tx, pod)
    engine.advance(tx, tx.now_ms)
    return get(tx, pod["metadata"]["name"])


def get(tx, name):
    return tx.get("Pod", "default", name)


def at(tx, sec):
    engine.advance(tx, T0 + sec * 1000)


def cs(tx, name, i=0, key="containerStatuses"):
    return get(tx, name)["status"][key][i]


def events(tx, name):
    p = get(tx, name)
    return [(e["reason"], e["message"], e["count"]) for e in tx.events_for(p["metadata"]["uid"])]


def test_start_ready_running(store):
    with store.transaction() as tx:
        create(tx, mkpod("a", [{"name": "c", "image": IMG}]))
        assert cs(tx, "a")["state"] == {"waiting": {"reason": "ContainerCreating"}}
        at(tx, 1)
        p = get(tx, "a")
        assert p["status"]["phase"] == "Running" and cs(tx, "a")["ready"] is True
        assert sorted(e[0] for e in events(tx, "a")) == ["Created", "Pulled", "Pulling", "Scheduled", "Started"]


def test_crash_loop_delays_and_fast_forward(store):
    with store.transaction() as tx:
        create(tx, mkpod("crash", [{"name": "c", "image": IMG, "command": ["exit", "1"]}]))
        starts, last = [], -1
        for sec in range(1, 1400):
            at(tx, sec)
            st = cs(tx, "crash")
            if st["restartCount"] != last:
                starts.append(sec)
                last = st["restartCount"]
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        assert starts[:2] == [1, 2]
        # first crash: restarted once observed (rho); then the back-off counted from each exit
        assert gaps[1:8] == [10, 20, 40, 80, 160, 300, 300]


def _crash_state(path: Path, stepwise: bool):
    s = Store(path)
    with s.transaction() as tx:
        create(tx, mkpod("crash", [{"name": "c", "image": IMG, "command": ["exit", "1"]}]))
        if stepwise:
            for sec in range(0, 7200, 7):
                at(tx, sec)
        at(tx, 7200)
        p = get(tx, "crash")
        evs = [(e["reason"], e["count"], e["firstTimestamp"], e["lastTimestamp"])
               for e in tx.events_for(p["metadata"]["uid"])]
        out = (json.dumps(p["status"], sort_keys=True), evs)
    s.close()
    return out


def test_fast_forward_matches_stepping(tmp_path):
    big = _crash_state(tmp_path / "a.db", False)
    small = _crash_state(tmp_path / "b.db", True)
    assert big == small
    st = json.loads(big[0])["containerStatuses"][0]
    assert st["restartCount"] > 20


def test_liveness_kill_and_restart(store):
    with store.transaction() as tx:
        probe = {"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5, "periodSeconds": 5,
                 "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3}
        create(tx, mkpod("l", [{"name": "c", "image": IMG, "command": ["run"], "livenessProbe": probe}]))
        at(tx, 5)
        assert not [e for e in events(tx, "l") if e[0] == "Unhealthy"]
        # no /tmp/healthy: failures at 6, 11, 16 -> kill at 16; SIGTERM ignored; SIGKILL at 46
        at(tx, 16)
        ev = events(tx, "l")
        assert ("Unhealthy", "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n",
                3) in ev
        assert ("Killing", "Container c failed liveness probe, will be restarted", 1) in ev
        at(tx, 45)
        assert cs(tx, "l")["restartCount"] == 0
        at(tx, 46)
        st = cs(tx, "l")
        assert st["restartCount"] == 1 and st["lastState"]["terminated"]["exitCode"] == 137
        assert st["state"] == {"running": {"startedAt": "2026-01-01T00:00:46Z"}}


def test_readiness_and_startup(store):
    with store.transaction() as tx:
        rp = {"tcpSocket": {"port": 80}, "initialDelaySeconds": 3, "periodSeconds": 10, "timeoutSeconds": 1,
              "successThreshold": 1, "failureThreshold": 3}
        create(tx, mkpod("r", [{"name": "c", "image": IMG, "command": ["run"], "readinessProbe": rp}]))
        at(tx, 3)
        assert cs(tx, "r")["ready"] is False
        cr = [c for c in get(tx, "r")["status"]["conditions"] if c["type"] == "ContainersReady"][0]
        assert cr["message"] == "containers with unready status: [c]"
        at(tx, 4)
        assert cs(tx, "r")["ready"] is True
        # steady passing probes cost no writes
        rv = get(tx, "r")["metadata"]["resourceVersion"]
        at(tx, 3600)
        assert get(tx, "r")["metadata"]["resourceVersion"] == rv
        sp = dict(rp, failureThreshold=30)
        create(tx, mkpod("s", [{"name": "c", "image": IMG, "command": ["run"], "startupProbe": sp}]))
        st = cs(tx, "s")
        assert st["started"] is False and st["ready"] is False
        at(tx, 3604)
        st = cs(tx, "s")
        assert st["started"] is True and st["ready"] is True


def test_init_then_app_and_never_failure(store):
    with store.transaction() as tx:
        init = [{"name": "i1", "image": IMG, "command": ["sleep", "2"]},
                {"name": "i2", "image": IMG, "command": ["sleep", "3"]}]
        create(tx, mkpod("p", [{"name": "app", "image": IMG}], init=init))
        at(tx, 1)
        assert "running" in cs(tx, "p", 0, "initContainerStatuses")["state"]
        at(tx, 4)
        assert "running" in cs(tx, "p", 1, "initContainerStatuses")["state"]
        at(tx, 7)
        assert get(tx, "p")["status"]["phase"] == "Pending"
        at(tx, 8)
        assert get(tx, "p")["status"]["phase"] == "Running"
        init = [{"name": "bad", "image": IMG, "command": ["exit", "2"]}]
        create(tx, mkpod("n", [{"name": "app", "image": IMG}], init=init, restartPolicy="Never"))
        at(tx, 10)
        assert get(tx, "n")["status"]["phase"] == "Failed"


def test_oom_and_never_policy(store):
    with store.transaction() as tx:
        create(tx, mkpod("o", [{"name": "c", "image": IMG, "command": ["oom"]}]))
        at(tx, 1)
        st = cs(tx, "o")
        assert st["state"]["terminated"]["reason"] == "OOMKilled" and st["state"]["terminated"]["exitCode"] == 137
        at(tx, 3)
        st = cs(tx, "o")
        assert st["restartCount"] == 1 and st["state"]["waiting"]["reason"] == "CrashLoopBackOff"
        assert st["lastState"]["terminated"]["reason"] == "OOMKilled"
        create(tx, mkpod("nv", [{"name": "c", "image": IMG, "command": ["sleep", "5"]}],
                         restartPolicy="Never"))
        at(tx, 20)
        p = get(tx, "nv")
        assert p["status"]["phase"] == "Succeeded"
        assert [c["reason"] for c in p["status"]["conditions"] if c["type"] == "ContainersReady"] == ["PodCompleted"]
        assert [c["status"] for c in p["status"]["conditions"] if c["type"] == "PodReadyToStartContainers"] == ["False"]


def test_graceful_delete(store):
    with store.transaction() as tx:
        create(tx, mkpod("d", [{"name": "c", "image": IMG, "command": ["run"]}]))
        create(tx, mkpod("e", [{"name": "c", "image": IMG, "command": ["run", "term-ok"]}]))
        at(tx, 5)
        engine.pod_deleting(tx, get(tx, "d"), 30)
        engine.pod_deleting(tx, get(tx, "e"), 30)
        assert get(tx, "d")["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:35Z"
        assert ("Killing", "Stopping container c", 1) in events(tx, "d")
        at(tx, 6)
        assert get(tx, "e") is None
        at(tx, 35)
        p = get(tx, "d")
        assert p["status"]["phase"] == "Failed" and cs(tx, "d")["state"]["terminated"]["exitCode"] == 137
        at(tx, 36)
        assert get(tx, "d") is None


def test_deadline_and_image_change(store):
    with store.transaction() as tx:
        create(tx, mkpod("dl", [{"name": "c", "image": IMG, "command": ["run"]}],
                         activeDeadlineSeconds=10))
        at(tx, 10)
        p = get(tx, "dl")
        assert (p["status"]["phase"], p["status"]["reason"]) == ("Failed", "DeadlineExceeded")
        create(tx, mkpod("img", [{"name": "c", "image": IMG, "command": ["run", "term-ok"]}]))
        at(tx, 12)
        old = get(tx, "img")
        new = json.loads(json.dumps(old))
        new["spec"]["containers"][0]["image"] = IMG2
        tx.update(new)
        engine.pod_updated(tx, old, new)
        ev = events(tx, "img")
        assert ("Killing", "Container c definition changed, will be restarted", 1) in ev
        at(tx, 13)
        st = cs(tx, "img")
        assert st["restartCount"] == 1 and st["image"] == "example.com/other:2"


def test_readiness_gate(store):
    with store.transaction() as tx:
        create(tx, mkpod("g", [{"name": "c", "image": IMG, "command": ["run"]}],
                         readinessGates=[{"conditionType": "example.com/gate"}]))
        at(tx, 2)
        ready = [c for c in get(tx, "g")["status"]["conditions"] if c["type"] == "Ready"][0]
        assert ready["reason"] == "ReadinessGatesNotReady"
        old = get(tx, "g")
        new = json.loads(json.dumps(old))
        new["status"]["conditions"].insert(0, {"type": "example.com/gate", "status": "True",
                                               "lastProbeTime": None, "lastTransitionTime": "2026-01-01T00:00:02Z"})
        tx.update(new)
        engine.pod_updated(tx, old, new)
        conds = get(tx, "g")["status"]["conditions"]
        assert conds[0]["type"] == "example.com/gate"
        assert [c["status"] for c in conds if c["type"] == "Ready"] == ["True"]


def _two_crashers(path: Path, stepwise: bool):
    s = Store(path)
    with s.transaction() as tx:
        create(tx, mkpod("two", [{"name": "a", "image": IMG, "command": ["exit", "1"]},
                                 {"name": "b", "image": IMG, "command": ["sleep", "3"]}]))
        create(tx, mkpod("sync2", [{"name": "a", "image": IMG, "command": ["exit", "1"]},
                                   {"name": "b", "image": IMG, "command": ["exit", "2"]}]))
        if stepwise:
            for sec in range(0, 9000, 3):
                at(tx, sec)
        at(tx, 9000)
        out = []
        for name in ("two", "sync2"):
            p = get(tx, name)
            evs = sorted((e["reason"], e["message"], e["count"], e["firstTimestamp"], e["lastTimestamp"])
                         for e in tx.events_for(p["metadata"]["uid"]))
            out.append((json.dumps(p["status"], sort_keys=True), evs))
        out.append(engine.next_wake(tx))
    s.close()
    return out


def test_fast_forward_two_containers_matches_stepping(tmp_path):
    big = _two_crashers(tmp_path / "a.db", False)
    small = _two_crashers(tmp_path / "b.db", True)
    assert big == small
    sts = json.loads(big[1][0])["containerStatuses"]
    assert min(st["restartCount"] for st in sts) > 20

"""Documented pod behaviours on a real store, with the §10.3 timing profile's exact times."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import engine_driver as engine
from minikctl.kube.errors import BadRequest
from minikctl.store.db import DEFAULT_EPOCH_MS, Store

T0 = DEFAULT_EPOCH_MS
S = 1000


def ts(sec: int) -> str:
    from minikctl.kube.timefmt import rfc3339

    return rfc3339(T0 + sec * S)


def _default_container(c: dict) -> dict:
    c = copy.deepcopy(c)
    img = c.get("image", "")
    tagged = ":" in img.rsplit("/", 1)[-1] or "@" in img
    c.setdefault("imagePullPolicy", "IfNotPresent" if tagged and not img.endswith(":latest") else "Always")
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    for k in ("livenessProbe", "readinessProbe", "startupProbe"):
        if k in c:
            p = c[k]
            for f, v in (("periodSeconds", 10), ("timeoutSeconds", 1), ("successThreshold", 1),
                         ("failureThreshold", 3)):
                p.setdefault(f, v)
    return c


def mkpod(name: str, containers: list[dict], init: list[dict] | None = None, ns: str = "default", **spec) -> dict:
    s = {"containers": [_default_container(c) for c in containers], "restartPolicy": "Always",
         "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler"}
    if init:
        s["initContainers"] = [_default_container(c) for c in init]
    s.update(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
            "spec": s, "status": {"phase": "Pending", "qosClass": "BestEffort"}}


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "s.db")
    yield s
    s.close()


def create(tx, pod: dict) -> dict:
    tx.create(pod)
    engine.pod_created(tx, pod)
    engine.advance(tx, tx.now_ms)
    return get(tx, pod)


def get(tx, pod: dict) -> dict:
    return tx.get("Pod", pod["metadata"].get("namespace", "default"), pod["metadata"]["name"])


def at(tx, sec: int) -> None:
    engine.advance(tx, T0 + sec * S)


def evs(tx, pod: dict) -> list[tuple]:
    """The pod's events in the order they were first recorded."""
    p = get(tx, pod) or pod
    es = sorted(tx.events_for(p["metadata"]["uid"]), key=lambda e: (e["firstTimestamp"] or "", _created(e)))
    return [(e["type"], e["reason"], e["message"], e["count"]) for e in es]


def _created(e: dict) -> int:
    return int(e["metadata"]["resourceVersion"]) if e["count"] == 1 else 0


def cstatus(pod: dict, i: int = 0) -> dict:
    return pod["status"]["containerStatuses"][i]


NGINX = {"name": "nginx", "image": "nginx:1.14.2", "ports": [{"containerPort": 80, "protocol": "TCP"}]}


def test_nginx_starts_after_two_second_pull(store):
    with store.transaction() as tx:
        pod = create(tx, mkpod("nginx", [NGINX]))
        assert pod["spec"]["nodeName"] == "node1"
        st = pod["status"]
        assert st["phase"] == "Pending"
        assert cstatus(pod)["state"] == {"waiting": {"reason": "ContainerCreating"}}
        assert st["podIP"] == "10.244.0.2" and st["podIPs"] == [{"ip": "10.244.0.2"}]
        assert st["hostIP"] == "192.168.49.2" and st["startTime"] == ts(0)
        at(tx, 1)  # the catalog's nginx pull takes 2 s: still pulling
        pod = get(tx, pod)
        assert pod["status"]["phase"] == "Pending"
        assert cstatus(pod)["state"] == {"waiting": {"reason": "ContainerCreating"}}
        at(tx, 2)
        pod = get(tx, pod)
        st = pod["status"]
        assert st["phase"] == "Running"
        cs = cstatus(pod)
        assert cs["state"] == {"running": {"startedAt": ts(2)}}
        assert cs["ready"] is True and cs["started"] is True and cs["restartCount"] == 0
        assert cs["image"] == "docker.io/library/nginx:1.14.2"
        assert cs["imageID"] == ("docker.io/library/nginx@sha256:"
                                 "f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d")
        assert cs["containerID"].startswith("containerd://") and len(cs["containerID"]) == 13 + 64
        conds = [(c["type"], c["status"], c["lastTransitionTime"]) for c in st["conditions"]]
        assert conds == [("PodReadyToStartContainers", "True", ts(0)), ("Initialized", "True", ts(0)),
                         ("Ready", "True", ts(2)), ("ContainersReady", "True", ts(2)),
                         ("PodScheduled", "True", ts(0))]
        assert evs(tx, pod) == [
            ("Normal", "Scheduled", "Successfully assigned default/nginx to node1", 1),
            ("Normal", "Pulling", 'Pulling image "nginx:1.14.2"', 1),
            ("Normal", "Pulled", 'Successfully pulled image "nginx:1.14.2" in 2s (2s including waiting). '
                                 'Image size: 44710204 bytes.', 1),
            ("Normal", "Created", "Created container: nginx", 1),
            ("Normal", "Started", "Started container nginx", 1),
        ]
        ev = [e for e in tx.events_for(pod["metadata"]["uid"]) if e["reason"] == "Created"][0]
        assert ev["involvedObject"]["fieldPath"] == "spec.containers{nginx}"
        assert ev["source"] == {"component": "kubelet", "host": "node1"}
        # a second pod: image already present, next IP
        pod2 = create(tx, mkpod("nginx2", [NGINX]))
        assert pod2["status"]["podIP"] == "10.244.0.3"
        assert pod2["status"]["phase"] == "Running"
        assert ("Normal", "Pulled", 'Container image "nginx:1.14.2" already present on machine', 1) in evs(tx, pod2)


LIVENESS = {
    "name": "liveness", "image": "registry.k8s.io/busybox:1.27.2",
    "args": ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
    "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5, "periodSeconds": 5},
}


def test_liveness_exec_timeline(store):
    with store.transaction() as tx:
        pod = create(tx, mkpod("liveness-exec", [LIVENESS]))
        at(tx, 30)
        assert [e[1] for e in evs(tx, pod)] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
        # started at 1; rm at 31 (process before probe); failures at 31, 36, 41 -> kill at 41
        at(tx, 40)
        unhealthy = [e for e in evs(tx, pod) if e[1] == "Unhealthy"]
        assert unhealthy == [("Warning", "Unhealthy",
                              "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n", 2)]
        at(tx, 41)
        e = evs(tx, pod)
        assert ("Normal", "Killing", "Container liveness failed liveness probe, will be restarted", 1) in e
        ev = [x for x in tx.events_for(get(tx, pod)["metadata"]["uid"]) if x["reason"] == "Unhealthy"][0]
        assert (ev["count"], ev["firstTimestamp"], ev["lastTimestamp"]) == (3, ts(31), ts(41))
        # sh ignores SIGTERM: SIGKILL at the end of the 30 s grace, restarted at once
        at(tx, 70)
        assert cstatus(get(tx, pod))["restartCount"] == 0
        at(tx, 71)
        cs = cstatus(get(tx, pod))
        assert cs["restartCount"] == 1
        assert cs["state"] == {"running": {"startedAt": ts(71)}}
        term = cs["lastState"]["terminated"]
        assert (term["exitCode"], term["reason"], term["startedAt"], term["finishedAt"]) == (137, "Error", ts(1), ts(71))
        assert get(tx, pod)["status"]["phase"] == "Running"


def test_crash_loop_backoff_sequence(store):
    with store.transaction() as tx:
        pod = create(tx, mkpod("crash", [{"name": "crash", "image": "busybox:1.36",
                                          "command": ["sh", "-c", "echo boom; exit 1"]}]))
        starts = []
        last = None
        for sec in range(1, 1500):
            at(tx, sec)
            cs = cstatus(get(tx, pod))
            if "running" in cs["state"] or "terminated" in cs["state"]:
                key = (cs["restartCount"])
                if key != last:
                    starts.append(sec)
                    last = key
        # first start at 1 (pull), exit at once; restart after rho (2); then back-off 10, 20, 40, ... from each exit
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        assert starts[:2] == [1, 2]
        assert gaps[1:7] == [10, 20, 40, 80, 160, 300]
        cs = cstatus(get(tx, pod))
        pod_now = get(tx, pod)
        uid = pod_now["metadata"]["uid"]
        if "waiting" in cs["state"]:
            assert cs["state"]["waiting"]["reason"] == "CrashLoopBackOff"
            assert cs["state"]["waiting"]["message"].startswith("back-off ")
        bo = [e for e in evs(tx, pod) if e[1] == "BackOff"]
        assert bo and bo[0][2] == f"Back-off restarting failed container crash in pod crash_default({uid})"
        assert pod_now["status"]["phase"] == "Running"


def test_crash_loop_waiting_message(store):
    with store.transaction() as tx:
        pod = create(tx, mkpod("c", [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "exit 3"]}]))
        at(tx, 3)  # start 1, exit 1, restart 2 (immediate), exit 2, observed 3 -> back-off 10s
        cs = cstatus(get(tx, pod))
        uid = get(tx, pod)["metadata"]["uid"]
        assert cs["state"] == {"waiting": {"reason": "CrashLoopBackOff",
                                           "message": f"back-off 10s restarting failed container=c pod=c_default({uid})"}}
        assert cs["lastState"]["terminated"]["exitCode"] == 3
        assert cs["lastState"]["terminated"]["reason"] == "Error"
        assert cs["restartCount"] == 1


def test_init_containers_run_in_order(store):
    with store.transaction() as tx:
        init = [{"name": "init-a", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 2"]},
                {"name": "init-b", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3"]}]
        pod = create(tx, mkpod("myapp", [dict(NGINX, name="app")], init=init))
        p = get(tx, pod)
        assert p["status"]["phase"] == "Pending"
        assert p["status"]["containerStatuses"][0]["state"] == {"waiting": {"reason": "PodInitializing"}}
        init_c = [c for c in p["status"]["conditions"] if c["type"] == "Initialized"][0]
        assert init_c["status"] == "False" and init_c["reason"] == "ContainersNotInitialized"
        assert init_c["message"] == "containers with incomplete status: [init-a init-b]"
        at(tx, 1)  # init-a pulled (1s) and running until 3
        ist = get(tx, pod)["status"]["initContainerStatuses"]
        assert "running" in ist[0]["state"] and ist[1]["state"] == {"waiting": {"reason": "PodInitializing"}}
        at(tx, 3)
        ist = get(tx, pod)["status"]["initContainerStatuses"]
        assert ist[0]["state"]["terminated"]["reason"] == "Completed"
        assert ist[1]["state"] == {"waiting": {"reason": "PodInitializing"}}
        at(tx, 4)  # observed at 3 + rho; busybox present: init-b starts at 4, ends at 7
        ist = get(tx, pod)["status"]["initContainerStatuses"]
        assert ist[0]["ready"] is True and "running" in ist[1]["state"]
        at(tx, 8)  # init-b observed at 8: app starts (nginx pull 2s -> 10)
        p = get(tx, pod)
        assert p["status"]["phase"] == "Pending"
        at(tx, 9)
        p = get(tx, pod)
        assert p["status"]["phase"] == "Pending"
        assert p["status"]["containerStatuses"][0]["state"] == {"waiting": {"reason": "PodInitializing"}}
        at(tx, 10)
        p = get(tx, pod)
        assert p["status"]["phase"] == "Running"
        assert cstatus(p)["state"] == {"running": {"startedAt": ts(10)}}
        assert [c["status"] for c in p["status"]["conditions"]] == ["True"] * 5


def test_init_failure_restart_never_fails_pod(store):
    with store.transaction() as tx:
        init = [{"name": "bad", "image": "busybox:1.36", "command": ["sh", "-c", "exit 2"]}]
        pod = create(tx, mkpod("x", [dict(NGINX, name="app")], init=init, restartPolicy="Never"))
        at(tx, 5)
        p = get(tx, pod)
        assert p["status"]["phase"] == "Failed"
        assert p["status"]["initContainerStatuses"][0]["state"]["terminated"]["exitCode"] == 2


def test_oomkilled_loop(store):
    with store.transaction() as tx:
        c = {"name": "memory-demo-2-ctr", "image": "polinux/stress",
             "resources": {"requests": {"memory": "50Mi"}, "limits": {"memory": "100Mi"}},
             "command": ["stress"], "args": ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]}
        pod = create(tx, mkpod("memory-demo-2", [c]))
        at(tx, 60)
        cs = cstatus(get(tx, pod))
        assert cs["restartCount"] >= 2
        last = cs["lastState"]["terminated"]
        assert (last["exitCode"], last["reason"]) == (137, "OOMKilled")
        assert any(e[1] == "BackOff" for e in evs(tx, pod))


def test_termination_message_from_file(store):
    with store.transaction() as tx:
        c = {"name": "termination-demo-container", "image": "debian", "command": ["/bin/sh"],
             "args": ["-c", "sleep 10 && echo Sleep expired > /dev/termination-log"]}
        pod = create(tx, mkpod("termination-demo", [c]))
        at(tx, 13)
        cs = cstatus(get(tx, pod))
        t = cs["lastState"]["terminated"] if cs["lastState"] else cs["state"]["terminated"]
        assert t["message"] == "Sleep expired\n" and t["exitCode"] == 0 and t["reason"] == "Completed"


def test_image_pull_failure_and_backoff(store):
    with store.transaction() as tx:
        pod = create(tx, mkpod("bad", [{"name": "bad", "image": "nginx:nope"}]))
        # an unknown tag of a catalogued repository takes the repository's pull time (nginx: 2 s) to fail
        at(tx, 1)
        assert cstatus(get(tx, pod))["state"] == {"waiting": {"reason": "ContainerCreating"}}
        at(tx, 2)
        cs = cstatus(get(tx, pod))
        assert cs["state"]["waiting"]["reason"] == "ErrImagePull"
        assert cs["state"]["waiting"]["message"].startswith("rpc error: code = NotFound")
        at(tx, 3)
        cs = cstatus(get(tx, pod))
        assert cs["state"] == {"waiting": {"reason": "ImagePullBackOff",
                                           "message": 'Back-off pulling image "nginx:nope"'}}
        reasons = [(e[0], e[1], e[2]) for e in evs(tx, pod)]
        assert ("Normal", "BackOff", 'Back-off pulling image "nginx:nope"') in reasons
        assert ("Warning", "Failed", "Error: ErrImagePull") in reasons
        assert ("Warning", "Failed", "Error: ImagePullBackOff") in reasons
        at(tx, 11)
        assert [e for e in evs(tx, pod) if e[1] == "Pulling"][0][3] == 1
        at(tx, 12)  # next attempt at 2 + 10
        pulling = [e for e in evs(tx, pod) if e[1] == "Pulling"][0]
        assert pulling[3] == 2
        with pytest.raises(BadRequest) as ei:
            engine.pod_logs(tx, get(tx, pod), "bad", False)
        assert ei.value.render() == ('Error from server (BadRequest): container "bad" in pod "bad" is waiting to '
                                     'start: trying and failing to pull image')


def test_graceful_delete_nginx_and_sleep(store):
    with store.transaction() as tx:
        ng = create(tx, mkpod("web", [NGINX]))
        sl = create(tx, mkpod("sleeper", [{"name": "s", "image": "busybox:1.36", "command": ["sleep", "3600"]}]))
        at(tx, 5)
        engine.pod_deleting(tx, get(tx, ng), 30)
        engine.pod_deleting(tx, get(tx, sl), 30)
        p = get(tx, sl)
        assert p["metadata"]["deletionTimestamp"] == ts(35)
        assert p["metadata"]["deletionGracePeriodSeconds"] == 30
        assert ("Normal", "Killing", "Stopping container s", 1) in evs(tx, sl)
        at(tx, 6)
        assert get(tx, ng) is None  # nginx exits on SIGTERM; removed rho later
        at(tx, 35)
        p = get(tx, sl)
        assert p is not None and p["status"]["phase"] == "Failed"
        assert cstatus(p)["state"]["terminated"]["exitCode"] == 137
        at(tx, 36)
        assert get(tx, sl) is None


def test_unbound_or_zero_grace_removed_at_once(store):
    with store.transaction() as tx:
        p = create(tx, mkpod("huge", [{"name": "c", "image": "nginx:1.14.2",
                                        "resources": {"requests": {"memory": "1000Gi"}}}]))
        engine.pod_deleting(tx, p, 30)
        assert get(tx, p) is None
        q = create(tx, mkpod("web", [NGINX]))
        engine.pod_deleting(tx, q, 0)
        assert get(tx, q) is None


def test_active_deadline(store):
    with store.transaction() as tx:
        pod = create(tx, mkpod("dl", [{"name": "s", "image": "busybox:1.36", "command": ["sleep", "3600"]}],
                               activeDeadlineSeconds=10))
        at(tx, 10)
        p = get(tx, pod)
        assert p["status"]["phase"] == "Failed"
        assert p["status"]["reason"] == "DeadlineExceeded"
        assert p["status"]["message"] == "Pod was active on the node longer than the specified deadline"
        assert ("Normal", "DeadlineExceeded", "Pod was active on the node longer than the specified deadline", 1) \
            in evs(tx, pod)


def test_logs_current_and_previous(store):
    with store.transaction() as tx:
        pod = create(tx, mkpod("l", [{"name": "c", "image": "busybox:1.36",
                                      "command": ["sh", "-c", "echo one; echo two; exit 1"]}]))
        with pytest.raises(BadRequest) as ei:
            engine.pod_logs(tx, get(tx, pod), "c", False)
        assert 'is waiting to start: ContainerCreating' in ei.value.render()
        at(tx, 1)
        assert [l for _, l in engine.pod_logs(tx, get(tx, pod), "c", False)] == ["one", "two"]
        with pytest.raises(BadRequest) as ei:
            engine.pod_logs(tx, get(tx, pod), "c", True)
        assert ei.value.render() == ('Error from server (BadRequest): previous terminated container "c" in pod "l" '
                                     'not found')
        at(tx, 2)
        assert [l for _, l in engine.pod_logs(tx, get(tx, pod), "c", True)] == ["one", "two"]


def _script(path: Path) -> tuple[str, str]:
    s = Store(path)
    with s.transaction() as tx:
        create(tx, mkpod("liveness-exec", [LIVENESS]))
        create(tx, mkpod("crash", [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "exit 1"]}]))
        create(tx, mkpod("web", [NGINX]))
        at(tx, 200)
        engine.pod_deleting(tx, tx.get("Pod", "default", "web"), 30)
        at(tx, 400)
        pods = json.dumps(tx.list("Pod"), sort_keys=True)
        events = json.dumps(tx.list_events(), sort_keys=True)
    s.close()
    return pods, events


def test_determinism(tmp_path: Path):
    a = _script(tmp_path / "a.db")
    b = _script(tmp_path / "b.db")
    assert a == b


def test_next_wake(store):
    with store.transaction() as tx:
        assert engine.next_wake(tx) is None
        create(tx, mkpod("web", [NGINX]))
        assert engine.next_wake(tx) == T0 + 2000


def test_exec_changes_probe_result(store):
    with store.transaction() as tx:
        c = {"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "touch /tmp/healthy; sleep 3600"],
             "readinessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 5}}
        pod = create(tx, mkpod("ex", [c]))
        at(tx, 10)
        assert cstatus(get(tx, pod))["ready"] is True
        code, out, _ = engine.pod_exec(tx, get(tx, pod), "c", ["rm", "/tmp/healthy"])
        assert code == 0
        at(tx, 30)  # probes at 11, 16, 21 fail -> not ready
        cs = cstatus(get(tx, pod))
        assert cs["ready"] is False
        assert [e for e in evs(tx, pod) if e[1] == "Unhealthy"][0][2].startswith("Readiness probe failed: cat: ")


def test_sidecar_starts_before_app_and_counts_for_ready(store):
    with store.transaction() as tx:
        side = {"name": "log", "image": "busybox:1.36", "restartPolicy": "Always",
                "command": ["sh", "-c", "while true; do echo tick; sleep 10; done"]}
        pod = create(tx, mkpod("sc", [dict(NGINX, name="app")], init=[side]))
        at(tx, 1)
        p = get(tx, pod)
        assert "running" in p["status"]["initContainerStatuses"][0]["state"]
        assert p["status"]["initContainerStatuses"][0]["started"] is True
        # the app's pull starts one relist after the sidecar started at 1 (computeInitContainerActions waits for
        # the sidecar to be seen running): 2, nginx pull 2 s -> running at 4
        at(tx, 3)
        p = get(tx, pod)
        assert p["status"]["phase"] == "Pending"
        assert cstatus(p)["state"] == {"waiting": {"reason": "PodInitializing"}}
        at(tx, 4)
        p = get(tx, pod)
        assert p["status"]["phase"] == "Running"
        assert cstatus(p)["state"] == {"running": {"startedAt": ts(4)}}
        assert [c["status"] for c in p["status"]["conditions"]] == ["True"] * 5


def test_poststart_failure_kills_container(store):
    with store.transaction() as tx:
        c = {"name": "c", "image": "nginx:1.14.2",
             "lifecycle": {"postStart": {"exec": {"command": ["sh", "-c", "exit 3"]}}}}
        pod = create(tx, mkpod("ps", [c]))
        at(tx, 2)  # nginx pulled and started at 2
        e = evs(tx, pod)
        assert [x for x in e if x[1] == "FailedPostStartHook"]
        assert ("Normal", "Killing", "FailedPostStartHook", 1) in e


def test_missing_executable_is_start_error(store):
    with store.transaction() as tx:
        pod = create(tx, mkpod("se", [{"name": "c", "image": "nginx:1.14.2", "command": ["nosuchprog"]}]))
        at(tx, 2)  # pulled (2 s), start fails at once
        cs = cstatus(get(tx, pod))
        msg = ('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create '
               'failed: unable to start container process: exec: "nosuchprog": executable file not found in $PATH: '
               'unknown')
        assert cs["state"] == {"waiting": {"reason": "RunContainerError", "message": msg}}
        t = cs["lastState"]["terminated"]
        assert (t["exitCode"], t["reason"], t["startedAt"]) == (128, "StartError", "1970-01-01T00:00:00Z")
        assert ("Warning", "Failed", "Error: " + msg, 1) in evs(tx, pod)
        at(tx, 4)  # observed at 3, restarted at once and fails again, observed at 4 -> back-off
        cs = cstatus(get(tx, pod))
        assert cs["state"]["waiting"]["reason"] == "CrashLoopBackOff" and cs["restartCount"] == 1


def test_http_liveness_agnhost_restarts(store):
    with store.transaction() as tx:
        c = {"name": "liveness", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40", "args": ["liveness"],
             "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                               "initialDelaySeconds": 3, "periodSeconds": 3}}
        pod = create(tx, mkpod("liveness-http", [c]))
        start = None
        for sec in range(1, 40):
            at(tx, sec)
            cs = cstatus(get(tx, pod))
            if start is None and "running" in cs["state"]:
                start = sec
        un = [e for e in evs(tx, pod) if e[1] == "Unhealthy"]
        assert un and un[0][2] == "Liveness probe failed: HTTP probe failed with statuscode: 500"
        assert any(e[1] == "Killing" and e[2] == "Container liveness failed liveness probe, will be restarted"
                   for e in evs(tx, pod))


def test_grpc_liveness_passes(store):
    with store.transaction() as tx:
        c = {"name": "etcd", "image": "registry.k8s.io/etcd:3.5.1-0",
             "command": ["/usr/local/bin/etcd", "--data-dir", "/var/lib/etcd"],
             "ports": [{"containerPort": 2379, "protocol": "TCP"}],
             "livenessProbe": {"grpc": {"port": 2379}, "initialDelaySeconds": 10}}
        pod = create(tx, mkpod("etcd-with-grpc", [c]))
        at(tx, 60)
        assert not [e for e in evs(tx, pod) if e[1] in ("Unhealthy", "Killing")]
        assert cstatus(get(tx, pod))["restartCount"] == 0


def test_prestop_sleep_delays_sigterm(store):
    with store.transaction() as tx:
        c = dict(NGINX, lifecycle={"preStop": {"sleep": {"seconds": 5}}})
        pod = create(tx, mkpod("ps", [c]))
        at(tx, 2)
        engine.pod_deleting(tx, get(tx, pod), 30)
        at(tx, 6)
        assert get(tx, pod) is not None
        at(tx, 7)  # nginx exits at once on SIGTERM at 2 + 5; removed rho later
        p = get(tx, pod)
        assert p is not None and cstatus(p)["state"]["terminated"]["exitCode"] == 0
        assert p["status"]["phase"] == "Succeeded"
        at(tx, 8)
        assert get(tx, pod) is None


def _crash_run(path: Path, step: int | None) -> tuple:
    s = Store(path)
    with s.transaction() as tx:
        pod = create(tx, mkpod("crash", [{"name": "c", "image": "busybox:1.36",
                                          "command": ["sh", "-c", "echo boom $HOSTNAME; sleep 2; exit 1"]}]))
        if step:
            for sec in range(0, 5000, step):
                at(tx, sec)
        at(tx, 5000)
        p = get(tx, pod)
        out = (json.dumps(p["status"], sort_keys=True),
               [(e["reason"], e["message"], e["count"], e["firstTimestamp"], e["lastTimestamp"])
                for e in sorted(tx.events_for(p["metadata"]["uid"]), key=lambda e: e["reason"])],
               engine.pod_logs(tx, p, "c", True), engine.next_wake(tx))
    s.close()
    return out


def test_crash_loop_fast_forward_equals_stepping(tmp_path: Path):
    jumped = _crash_run(tmp_path / "a.db", None)
    stepped = _crash_run(tmp_path / "b.db", 1)
    assert jumped == stepped
    st = json.loads(jumped[0])["containerStatuses"][0]
    assert st["restartCount"] >= 15


def test_host_network_pod_uses_node_ip(store):
    with store.transaction() as tx:
        pod = create(tx, mkpod("hn", [NGINX], hostNetwork=True))
        assert pod["status"]["podIP"] == "192.168.49.2"
        nxt = create(tx, mkpod("web", [NGINX]))
        assert nxt["status"]["podIP"] == "10.244.0.2"


def test_assumptions_and_volume_mount_status(store):
    with store.transaction() as tx:
        c = dict(NGINX, volumeMounts=[{"name": "kube-api-access-abcde", "readOnly": True,
                                       "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}])
        pod = create(tx, mkpod("vm", [c], volumes=[{"name": "kube-api-access-abcde", "projected": {"sources": []}}]))
        at(tx, 2)
        cs = cstatus(get(tx, pod))
        assert cs["volumeMounts"] == [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                                       "name": "kube-api-access-abcde", "readOnly": True,
                                       "recursiveReadOnly": "Disabled"}]
        assert set(engine.pod_assumptions(tx, get(tx, pod))) == {"nginx"}


def test_lifecycle_hooks_demo(store):
    with store.transaction() as tx:
        c = {"name": "lifecycle-demo-container", "image": "nginx",
             "lifecycle": {
                 "postStart": {"exec": {"command": ["/bin/sh", "-c",
                                                    "echo Hello from the postStart handler > /usr/share/message"]}},
                 "preStop": {"exec": {"command": ["/bin/sh", "-c",
                                                  "nginx -s quit; while killall -0 nginx; do sleep 1; done"]}}}}
        pod = create(tx, mkpod("lifecycle-demo", [c]))
        at(tx, 2)  # nginx pulled (2 s) and started at 2
        p = get(tx, pod)
        assert p["status"]["phase"] == "Running"
        code, out, _ = engine.pod_exec(tx, p, "lifecycle-demo-container", ["cat", "/usr/share/message"])
        assert (code, out) == (0, "Hello from the postStart handler\n")
        engine.pod_deleting(tx, get(tx, pod), 30)
        at(tx, 3)
        assert get(tx, pod) is None  # preStop made nginx quit at 2; removed rho later: gone long before the grace period ends


def test_profile_pull_time_knob(store):
    with store.transaction() as tx:
        tx.set_meta("engine:profile", json.dumps({"pull_ms": 2500}))
        pod = create(tx, mkpod("slow", [NGINX]))
        at(tx, 2)
        assert cstatus(get(tx, pod))["state"] == {"waiting": {"reason": "ContainerCreating"}}
        at(tx, 3)
        assert ("Normal", "Pulled", 'Successfully pulled image "nginx:1.14.2" in 2.5s (2.5s including waiting). '
                                    'Image size: 44710204 bytes.', 1) in evs(tx, pod)


def test_failing_init_container_crash_loops_under_always(store):
    with store.transaction() as tx:
        init = [{"name": "init-fail", "image": "busybox:1.36", "command": ["sh", "-c", "echo no; exit 1"]}]
        pod = create(tx, mkpod("ic", [dict(NGINX, name="app")], init=init))
        at(tx, 3)  # start 1, exit 1; restart 2 (first crash, immediate), exit 2; observed 3 -> back-off 10s
        p = get(tx, pod)
        ist = p["status"]["initContainerStatuses"][0]
        assert p["status"]["phase"] == "Pending"
        assert ist["state"]["waiting"]["reason"] == "CrashLoopBackOff" and ist["restartCount"] == 1
        assert ist["lastState"]["terminated"]["exitCode"] == 1
        assert p["status"]["containerStatuses"][0]["state"] == {"waiting": {"reason": "PodInitializing"}}
        at(tx, 12)
        assert get(tx, pod)["status"]["initContainerStatuses"][0]["restartCount"] == 2
        ev = [e for e in tx.events_for(p["metadata"]["uid"]) if e["reason"] == "BackOff"][0]
        assert ev["involvedObject"]["fieldPath"] == "spec.initContainers{init-fail}"


def test_backoff_event_counts_the_ten_second_resyncs(store):
    with store.transaction() as tx:
        pod = create(tx, mkpod("bo", [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "exit 1"]}]))
        at(tx, 153)
        # decisions at 3, 13, 33, 73, 153; re-syncs while waiting: 23 | 43 53 63 | 83 ... 143
        ev = [e for e in tx.events_for(get(tx, pod)["metadata"]["uid"]) if e["reason"] == "BackOff"][0]
        assert (ev["count"], ev["firstTimestamp"], ev["lastTimestamp"]) == (16, ts(3), ts(153))

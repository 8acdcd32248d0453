"""Issue 9: where the simulated kubelet differed from the v1.32 kubelet. Each test names the source it follows
(``kubernetes/kubernetes``, release 1.32; client-go for the back-off), on a real store with the interpreter and
the §10.3 timing profile (busybox pull 1 s, nginx pull 2 s, ρ = 1 s)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_engine_lifecycle import NGINX, at, create, cstatus, evs, get, mkpod, ts

import engine_driver as engine
from minikctl.store.db import Store

BUSYBOX = {"name": "c", "image": "busybox:1.36"}


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "s.db")
    yield s
    s.close()


def conditions(pod: dict) -> dict:
    return {c["type"]: (c["status"], c.get("reason", "")) for c in pod["status"]["conditions"]}


# ---- 1. terminal pods: PodCompleted / PodFailed --------------------------------------------------------------
def test_succeeded_pod_has_pod_completed_on_initialized_without_init_containers(store):
    """``pkg/kubelet/status/generate.go`` ``GeneratePodInitializedCondition``: "If all init containers are known
    and succeeded, just return PodCompleted" (``podPhase == PodSucceeded && len(unknownContainers) == 0``) --
    with no init containers there are none unknown. ``GenerateContainersReadyCondition`` gives ContainersReady
    ``PodCompleted``, and ``GeneratePodReadyCondition`` copies it onto Ready."""
    with store.transaction() as tx:
        pod = create(tx, mkpod("done", [dict(BUSYBOX, command=["sh", "-c", "echo ok"])], restartPolicy="Never"))
        at(tx, 3)
        p = get(tx, pod)
        assert p["status"]["phase"] == "Succeeded"
        assert conditions(p) == {"PodReadyToStartContainers": ("False", ""), "Initialized": ("True", "PodCompleted"),
                                 "Ready": ("False", "PodCompleted"), "ContainersReady": ("False", "PodCompleted"),
                                 "PodScheduled": ("True", "")}


def test_succeeded_pod_with_init_containers_and_failed_pod(store):
    with store.transaction() as tx:
        init = [dict(BUSYBOX, name="i", command=["sh", "-c", "echo init"])]
        pod = create(tx, mkpod("done", [dict(BUSYBOX, command=["sh", "-c", "echo ok"])], init=init,
                               restartPolicy="OnFailure"))
        bad = create(tx, mkpod("bad", [dict(BUSYBOX, command=["sh", "-c", "exit 2"])], restartPolicy="Never"))
        at(tx, 5)
        p = get(tx, pod)
        assert p["status"]["phase"] == "Succeeded"
        assert conditions(p)["Initialized"] == ("True", "PodCompleted")
        assert conditions(p)["Ready"] == conditions(p)["ContainersReady"] == ("False", "PodCompleted")
        b = get(tx, bad)
        assert b["status"]["phase"] == "Failed"
        # a failed pod: ContainersReady and Ready are PodFailed; Initialized stays True without a reason
        assert conditions(b)["Initialized"] == ("True", "")
        assert conditions(b)["Ready"] == conditions(b)["ContainersReady"] == ("False", "PodFailed")


# ---- 2. a started sidecar lets what follows start one relist later ----------------------------------------
def test_regular_containers_start_one_sync_after_the_sidecar(store):
    """``kuberuntime_manager.go`` ``computeInitContainerActions``: the container after a restartable init
    container is started only when the runtime status read at the start of a sync shows the sidecar
    ``ContainerStateRunning`` (and started); ``computePodActions`` returns early while the pod has not been
    initialized. The sidecar started in one sync is seen running at the next relist (PLEG, 1 s)."""
    with store.transaction() as tx:
        side = {"name": "side", "image": "busybox:1.36", "restartPolicy": "Always",
                "command": ["sh", "-c", "while true; do sleep 10; done"]}
        side2 = dict(side, name="side2")
        app = dict(BUSYBOX, name="app", command=["sh", "-c", "sleep 3600"])
        pod = create(tx, mkpod("sc", [app], init=[side, side2]))
        at(tx, 1)  # busybox pulled: side starts at 1
        p = get(tx, pod)
        assert "running" in p["status"]["initContainerStatuses"][0]["state"]
        assert "waiting" in p["status"]["initContainerStatuses"][1]["state"]
        at(tx, 2)  # side seen running: side2 starts (image present)
        p = get(tx, pod)
        assert p["status"]["initContainerStatuses"][1]["state"] == {"running": {"startedAt": ts(2)}}
        assert cstatus(p)["state"] == {"waiting": {"reason": "PodInitializing"}}
        at(tx, 3)  # side2 seen running: the app starts
        p = get(tx, pod)
        assert cstatus(p)["state"] == {"running": {"startedAt": ts(3)}}
        assert p["status"]["phase"] == "Running"


def test_sidecar_with_startup_probe_lets_the_app_start_when_the_probe_succeeds(store):
    """With a startup probe the probe's success triggers a sync (``startupManager`` updates) in which the
    sidecar is already seen running: the app starts at that instant."""
    with store.transaction() as tx:
        side = {"name": "side", "image": "busybox:1.36", "restartPolicy": "Always",
                "command": ["sh", "-c", "sleep 3; touch /tmp/ok; sleep 3600"],
                "startupProbe": {"exec": {"command": ["cat", "/tmp/ok"]}, "periodSeconds": 1,
                                 "failureThreshold": 30}}
        app = dict(BUSYBOX, name="app", command=["sh", "-c", "sleep 3600"])
        pod = create(tx, mkpod("sp", [app], init=[side]))
        at(tx, 4)  # side started at 1, /tmp/ok at 4: the probe at 4 succeeds
        p = get(tx, pod)
        assert p["status"]["initContainerStatuses"][0]["started"] is True
        assert cstatus(p)["state"] == {"running": {"startedAt": ts(4)}}


# ---- 3. set image while the first pull runs -------------------------------------------------------------
def test_image_change_during_the_first_pull(store):
    """``kuberuntime_manager.go`` ``SyncPod``: the image pull (``EnsureImageExists``) blocks the sync that
    started it, which then creates the container from the spec it started with; the pod worker's pending update
    (the new image) is synced next, and ``computePodActions`` kills the container whose hash no longer matches
    (``containerChanged``: "Container %s definition changed", ", will be restarted") and starts the new one."""
    with store.transaction() as tx:
        pod = create(tx, mkpod("x", [NGINX]))
        p = get(tx, pod)
        p["spec"]["containers"][0]["image"] = "nginx:does-not-exist"
        tx.update(p)
        engine.pod_updated(tx, pod, p)
        at(tx, 2)  # the pull of nginx:1.14.2 ends: that container runs, is replaced at once
        e = evs(tx, pod)
        assert ("Normal", "Pulled", 'Successfully pulled image "nginx:1.14.2" in 2s (2s including waiting). '
                                    'Image size: 44710204 bytes.', 1) in e
        assert ("Normal", "Killing", "Container nginx definition changed, will be restarted", 1) in e
        assert ("Normal", "Pulling", 'Pulling image "nginx:does-not-exist"', 1) in e
        at(tx, 6)
        st = cstatus(get(tx, pod))
        assert st["state"]["waiting"]["reason"] in ("ErrImagePull", "ImagePullBackOff")
        # the status is made from the latest instance (convertToAPIContainerStatuses): the one that ran
        # nginx:1.14.2, now terminated; no container ever ran the missing image
        assert st["image"] == "docker.io/library/nginx:1.14.2" and st["imageID"].startswith("docker.io/library/nginx@")
        assert st["ready"] is False and st["restartCount"] == 0
        assert st["lastState"]["terminated"]["containerID"].startswith("containerd://")
        assert not [x for x in evs(tx, pod) if x[1] == "Pulled" and "does-not-exist" in x[2]]


# ---- 4. crash back-off after liveness kills ----------------------------------------------------------------
def _starts(tx, pod: dict, until: int) -> list[int]:
    """The seconds at which a new instance of the first container started, stepping 1 s at a time."""
    from minikctl.kube.timefmt import parse_rfc3339
    from minikctl.store.db import DEFAULT_EPOCH_MS

    seen: list[int] = []
    for sec in range(until + 1):
        at(tx, sec)
        run = (cstatus(get(tx, pod))["state"].get("running") or {}).get("startedAt")
        if run is not None:
            t = (parse_rfc3339(run) - DEFAULT_EPOCH_MS) // 1000
            if t not in seen:
                seen.append(t)
    return seen


def test_liveness_kill_back_off_follows_do_back_off(store):
    """``kuberuntime_manager.go`` ``doBackOff`` with client-go ``flowcontrol.Backoff`` (10 s doubling, no jitter):
    the kill and the restart happen in one ``SyncPod``, whose ``podStatus`` was read before the kill, so
    ``doBackOff`` checks the *previous* exited instance (F) first. When that check blocks the restart
    (``IsInBackOffSince``: now - F < backoff), ``Next`` is not called -- the entry is not refreshed -- and every
    later sync sees the killed instance as the latest exited one, so the restart waits ``backoff`` from the kill.

    nginx (pulled by 2), liveness failing from 1 s after each start, 5 failures: killed 5 s after each start,
    exiting at once on SIGTERM. Kills at 7, 12 (restart: no exited instance, then no entry -> 10 s), 17 (F = 12,
    5 < 10: blocked, restart at 17 + 10 = 27, -> 20 s), 32 (F = 17, 15 < 20: blocked, 32 + 20 = 52, -> 40 s),
    57 (F = 32, 25 < 40: blocked, 57 + 40 = 97). The issue's 8, 13, 28, 53, 98 are these shifted by 1 s.
    (Measuring every wait from the previous exit gave 7, 12, 22, 37, 67.)"""
    with store.transaction() as tx:
        c = dict(NGINX, livenessProbe={"httpGet": {"path": "/", "port": 8080}, "initialDelaySeconds": 1,
                                       "periodSeconds": 1, "failureThreshold": 5})
        pod = create(tx, mkpod("lv", [c]))
        assert _starts(tx, pod, 100) == [2, 7, 12, 27, 52, 97]
        st = cstatus(get(tx, pod))
        assert st["restartCount"] == 5
        kills = [e for e in evs(tx, pod) if e[1] == "Killing"]  # at 7, 12, 17, 32, 57
        assert kills == [("Normal", "Killing", "Container nginx failed liveness probe, will be restarted", 5)]


# ---- 5. FailedPreStopHook --------------------------------------------------------------------------------
def test_failed_prestop_hook_is_recorded_when_the_hook_fails(store):
    """``kuberuntime_container.go`` ``executePreStopHook``: the hook runs in a goroutine; when it returns an
    error the kubelet records ``FailedPreStopHook`` with the fixed text "PreStopHook failed" ("do not record the
    message in the event so that secrets won't leak from the server"). ``killContainer`` then stops the container
    with what is left of the grace period (the hook's whole seconds off, at least ``minimumGracePeriodInSeconds``
    = 2)."""
    with store.transaction() as tx:
        c = dict(NGINX, lifecycle={"preStop": {"exec": {"command": ["sh", "-c", "sleep 3; echo nope; exit 1"]}}})
        pod = create(tx, mkpod("ps", [c]))
        at(tx, 2)
        engine.pod_deleting(tx, get(tx, pod), 30)
        at(tx, 4)
        assert not [e for e in evs(tx, pod) if e[1] == "FailedPreStopHook"]
        assert cstatus(get(tx, pod))["state"].get("running")
        at(tx, 5)  # the hook fails at 2 + 3; SIGTERM then: nginx exits at once
        p = get(tx, pod)
        assert ("Warning", "FailedPreStopHook", "PreStopHook failed", 1) in evs(tx, p)
        ev = [e for e in tx.events_for(p["metadata"]["uid"]) if e["reason"] == "FailedPreStopHook"][0]
        assert ev["firstTimestamp"] == ts(5) and ev["involvedObject"]["fieldPath"] == "spec.containers{nginx}"
        assert cstatus(p)["state"]["terminated"]["finishedAt"] == ts(5)


def test_prestop_hook_past_the_grace_period(store):
    """A hook still running when the grace period ends: ``executePreStopHook`` stops waiting after the grace
    period, ``killContainer`` gives the container the 2 s minimum after SIGTERM, and the hook's exec fails when
    its container stops -- the event is recorded then."""
    with store.transaction() as tx:
        c = dict(NGINX, lifecycle={"preStop": {"exec": {"command": ["sh", "-c", "sleep 100"]}}})
        pod = create(tx, mkpod("slow", [c], terminationGracePeriodSeconds=5))
        at(tx, 2)
        engine.pod_deleting(tx, get(tx, pod), 5)
        at(tx, 6)
        assert not [e for e in evs(tx, pod) if e[1] == "FailedPreStopHook"]
        at(tx, 7)  # grace over at 7: SIGTERM, nginx exits at once; the hook fails with it
        p = get(tx, pod)
        assert cstatus(p)["state"]["terminated"]["finishedAt"] == ts(7)
        ev = [e for e in tx.events_for(p["metadata"]["uid"]) if e["reason"] == "FailedPreStopHook"]
        assert [(e["message"], e["firstTimestamp"]) for e in ev] == [("PreStopHook failed", ts(7))]


def test_sigkill_comes_two_seconds_after_a_hook_that_used_the_grace_period(store):
    """``killContainer``: ``gracePeriod - executePreStopHook(...)``, then ``if gracePeriod <
    minimumGracePeriodInSeconds { gracePeriod = minimumGracePeriodInSeconds }``."""
    with store.transaction() as tx:
        c = dict(BUSYBOX, command=["sh", "-c", "trap '' TERM; sleep 3600"],
                 lifecycle={"preStop": {"sleep": {"seconds": 30}}})
        pod = create(tx, mkpod("stubborn", [c], terminationGracePeriodSeconds=10))
        at(tx, 1)
        engine.pod_deleting(tx, get(tx, pod), 10)
        at(tx, 12)
        assert cstatus(get(tx, pod))["state"].get("running")  # SIGTERM at 11 ignored
        at(tx, 13)
        st = cstatus(get(tx, pod))
        assert st["state"]["terminated"]["exitCode"] == 137 and st["state"]["terminated"]["finishedAt"] == ts(13)


# ---- 6. FailedPostStartHook -------------------------------------------------------------------------------
def test_failed_poststart_hook_texts(store):
    """``kuberuntime_container.go`` ``startContainer``: ``FailedPostStartHook`` "PostStartHook failed" (no
    handler message in the event), then ``killContainer(..., "FailedPostStartHook", ...)``; the handler's message
    (``pkg/kubelet/lifecycle/handlers.go``: "Exec lifecycle hook (%v) for Container %q in Pod %q failed - error:
    %v, message: %q", the error being the CRI client's "command '%s' exited with %d: %s") goes to the reason
    cache, so the stopped container waits with reason ``PostStartHookError`` and that message."""
    with store.transaction() as tx:
        c = dict(NGINX, lifecycle={"postStart": {"exec": {"command": ["sh", "-c", "echo bad; exit 3"]}}})
        pod = create(tx, mkpod("ps", [c]))
        at(tx, 2)  # started at 2, hook fails at once, SIGTERM: nginx exits at once
        p = get(tx, pod)
        e = evs(tx, p)
        assert ("Warning", "FailedPostStartHook", "PostStartHook failed", 1) in e
        assert ("Normal", "Killing", "FailedPostStartHook", 1) in e
        st = cstatus(p)
        uid = p["metadata"]["uid"]
        assert st["state"]["waiting"] == {
            "reason": "PostStartHookError",
            "message": f'Exec lifecycle hook ([sh -c echo bad; exit 3]) for Container "nginx" in Pod '
                       f'"ps_default({uid})" failed - error: command \'sh -c echo bad; exit 3\' exited with 3: bad\n, '
                       f'message: "bad\\n"'}
        assert st["lastState"]["terminated"]["finishedAt"] == ts(2)
        at(tx, 3)  # seen at 3: the first exit, restarted at once (its hook fails again, it stops again)
        st = cstatus(get(tx, pod))
        assert st["restartCount"] == 1 and st["lastState"]["terminated"]["startedAt"] == ts(3)
        assert ("Warning", "FailedPostStartHook", "PostStartHook failed", 2) in evs(tx, pod)


def test_failed_poststart_hook_is_recorded_when_the_hook_returns(store):
    with store.transaction() as tx:
        c = dict(NGINX, lifecycle={"postStart": {"exec": {"command": ["sh", "-c", "sleep 4; exit 1"]}}})
        pod = create(tx, mkpod("slow", [c]))
        at(tx, 5)
        assert not [e for e in evs(tx, pod) if e[1] == "FailedPostStartHook"]
        at(tx, 6)
        ev = [e for e in tx.events_for(get(tx, pod)["metadata"]["uid"]) if e["reason"] == "FailedPostStartHook"]
        assert [(e["message"], e["firstTimestamp"]) for e in ev] == [("PostStartHook failed", ts(6))]


def test_http_poststart_hook_fails_only_when_the_request_fails(store):
    """``handlers.go`` ``runHTTPHandler`` returns the request's error only: a hook answered 404 succeeded; a
    refused connection fails with "HTTP lifecycle hook (%s) for Container %q in Pod %q failed - error: %v"."""
    with store.transaction() as tx:
        ok = dict(NGINX, lifecycle={"postStart": {"httpGet": {"path": "/missing", "port": 80}}})
        bad = dict(NGINX, lifecycle={"postStart": {"httpGet": {"path": "/x", "port": 8080}}})
        p1 = create(tx, mkpod("http-404", [ok]))
        p2 = create(tx, mkpod("http-refused", [bad]))
        at(tx, 2)
        assert not [e for e in evs(tx, p1) if e[1] == "FailedPostStartHook"]
        p = get(tx, p2)
        st = cstatus(p)
        assert st["state"]["waiting"]["reason"] == "PostStartHookError"
        ip = p["status"]["podIP"]
        assert st["state"]["waiting"]["message"] == (
            f'HTTP lifecycle hook (/x) for Container "nginx" in Pod "http-refused_default({p["metadata"]["uid"]})" '
            f'failed - error: Get "http://{ip}:8080/x": dial tcp {ip}:8080: connect: connection refused')

"""Issue 9: where the simulated kubelet differed from the v1.32 kubelet. Each test names the source it follows
(``kubernetes/kubernetes``, release 1.32; client-go for the back-off), on a real store with the interpreter and
the §10.3 timing profile (busybox pull 1 s, nginx pull 2 s, ρ = 1 s)."""

from __future__ import annotations

from test_engine_lifecycle import NGINX, at, create, cstatus, evs, get, mkpod, store, ts  # noqa: F401

import engine_driver as engine

BUSYBOX = {"name": "c", "image": "busybox:1.36"}


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

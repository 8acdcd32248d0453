"""The pod garbage collector's orphan sweep (``pkg/controller/podgc/gc_controller.go``, ``gcOrphaned``).

When a Node object is deleted, the pods bound to it have no kubelet left to end them. The collector puts the node
in quarantine for 40 s (``quarantineTime``); if it is still gone then, each of its pods is marked Failed with the
``DisruptionTarget`` condition (reason ``DeletionByPodGC``, "PodGC: node no longer exists") and deleted with a
grace period of 0 (``markFailedAndDeletePodWithCondition``). Their owners (a DaemonSet, a ReplicaSet, ...) see the
deletions and react. Upstream sweeps every 20 s (``gcCheckPeriod``); here the sweep happens exactly when the
quarantine ends. Only pods of nodes seen deleted are swept (a pod created with the name of a node that never
existed stays Pending, as before). No events: the collector records none.
"""

from __future__ import annotations

import copy

from minikctl.store.changelog import DELETED

WRITER = "pod-garbage-collector"
KIND = "PodGC"  # its runtime records: one per deleted node, waking when the quarantine ends
QUARANTINE_MS = 40_000


class PodGarbageCollector:
    name = WRITER
    watches = ("Node",)
    owns = (KIND,)

    def __init__(self, loop) -> None:
        self.tx = loop.tx
        self.api = loop.api.as_writer(WRITER)

    def observe(self, ch) -> None:
        if ch.kind == "Node" and ch.type == DELETED:
            self.tx.put_runtime(KIND, "", ch.name, {}, self.tx.now_ms + QUARANTINE_MS)

    def has_work(self) -> bool:
        return False

    def work(self) -> None:
        pass

    def finish(self) -> None:
        pass

    def due(self, kind: str, namespace: str, name: str, until: int, horizon: int | None) -> None:
        from minikctl.api.registry import pod as pods

        self.tx.delete_runtime(KIND, "", name)
        if self.tx.exists("Node", "", name):
            return  # the node came back
        for pod in self.tx.list("Pod"):
            if (pod.get("spec") or {}).get("nodeName") != name:
                continue
            if (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                new = copy.deepcopy(pod)
                new.setdefault("status", {})["phase"] = "Failed"
                pods.set_condition(new, {"type": "DisruptionTarget", "status": "True", "reason": "DeletionByPodGC",
                                         "message": "PodGC: node no longer exists", "lastProbeTime": None,
                                         "lastTransitionTime": None}, self.tx.now_ms)
                pod = self.api.write_status(new)
            self.api.delete(pod, grace=0)

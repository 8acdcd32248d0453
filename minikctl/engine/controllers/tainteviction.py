"""Taint-based eviction (``pkg/controller/tainteviction/taint_eviction.go``, v1.32).

A pod on a node with ``NoExecute`` taints (the node lifecycle controller's ``not-ready``/``unreachable`` taints, or
any a user sets) is deleted unless it tolerates all of them (``processPodOnNode``): at once when one is not
tolerated, else when the shortest ``tolerationSeconds`` of the tolerations used runs out, counted from when the
controller saw the taint (``getMinTolerationTime``: a toleration without seconds tolerates for ever, zero or
less means now). Every pod gets 300 s for ``not-ready`` and ``unreachable`` from the DefaultTolerationSeconds
admission plugin. When the taints go before that, the deletion is cancelled with the Normal event
``TaintManagerEviction`` "Cancelling deletion of Pod NS/NAME".

A deletion (``deletePodHandler``): the Normal event ``TaintManagerEviction`` "Marking for deletion Pod NS/NAME",
the ``DisruptionTarget`` condition (reason ``DeletionByTaintManager``, "Taint manager: deleting due to NoExecute
taint") through the status subresource, then a delete with the pod's own grace period
(``addConditionAndDeletePod``). On a node whose kubelet is gone the pod then stays ``Terminating`` until the
kubelet comes back or someone force-deletes it; its ReplicaSet replaces it meanwhile. Pods already being deleted
are left alone.

Writer and event source: ``taint-eviction-controller``. Runtime records (kind ``TaintEviction``, one per node with
deletions scheduled): {"pods": {"NS/NAME": {"uid", "start", "at"}}}, waking at the earliest ``at``; the pods due
at one instant are deleted together (their owners then sync once).
"""

from __future__ import annotations

import json

from minikctl.store.changelog import DELETED

WRITER = "taint-eviction-controller"
KIND = "TaintEviction"


def no_execute_taints(node: dict | None) -> list[dict]:
    return [t for t in ((node or {}).get("spec") or {}).get("taints") or [] if t.get("effect") == "NoExecute"]


def tolerates(tol: dict, taint: dict) -> bool:
    """v1.Toleration.ToleratesTaint."""
    if tol.get("effect") and tol.get("effect") != taint.get("effect"):
        return False
    if tol.get("key") and tol.get("key") != taint.get("key"):
        return False
    op = tol.get("operator") or "Equal"
    if op == "Exists":
        return True
    return op == "Equal" and (tol.get("value") or "") == (taint.get("value") or "")


def min_toleration_ms(pod: dict, taints: list[dict]) -> int | None:
    """GetMatchingTolerations + getMinTolerationTime: None when a taint is not tolerated (evict now is 0 ms),
    -1 when every used toleration lasts for ever."""
    tols = [t for t in (pod.get("spec") or {}).get("tolerations") or [] if isinstance(t, dict)]
    used = []
    for taint in taints:
        match = [t for t in tols if tolerates(t, taint)]
        if not match:
            return None
        used.extend(match)
    least = None
    for t in used:
        secs = t.get("tolerationSeconds")
        if secs is None:
            continue
        if secs <= 0:
            return 0
        least = secs if least is None else min(least, secs)
    return -1 if least is None else least * 1000


class TaintEvictionController:
    name = WRITER
    watches = ("Node", "Pod")
    owns = (KIND,)

    def __init__(self, loop) -> None:
        self.tx = loop.tx
        self.api = loop.api.as_writer(WRITER)
        self.nodes: dict[str, None] = {}
        self.pods: dict[tuple[str, str], None] = {}
        self._tainted: dict[str, bool] = {}  # node name: has NoExecute taints (this run's cache)
        self._recorded: dict[str, bool] = {}  # node name: has scheduled deletions (this run's cache)

    def _has_record(self, node: str) -> bool:
        got = self._recorded.get(node)
        if got is None:
            got = self._recorded[node] = self.tx.get_runtime(KIND, "", node) is not None
        return got

    def _has_taints(self, node: str) -> bool:
        got = self._tainted.get(node)
        if got is None:
            got = self._tainted[node] = bool(no_execute_taints(self.tx.get("Node", "", node)))
        return got

    # ---- the informers ----------------------------------------------------------------------------
    def observe(self, ch) -> None:
        if ch.kind == "Node":
            self._tainted.pop(ch.name, None)
            if ch.type != DELETED:
                self.nodes[ch.name] = None
            return
        node = (ch.obj.get("spec") or {}).get("nodeName")
        if not node:
            return
        if ch.type == DELETED:
            if self._has_record(node) and self._unschedule(node, f"{ch.namespace}/{ch.name}", ch.uid):
                self._cancel_event(ch.obj)
            return
        if self._has_taints(node) or (self._has_record(node)
                                      and self._scheduled(node, f"{ch.namespace}/{ch.name}") is not None):
            self.pods[(ch.namespace, ch.name)] = None

    def has_work(self) -> bool:
        return bool(self.nodes or self.pods)

    def work(self) -> None:
        while self.nodes:
            name = next(iter(self.nodes))
            del self.nodes[name]
            node = self.tx.get("Node", "", name)
            if node is None:
                continue
            taints = no_execute_taints(node)
            for pod in self.tx.list("Pod"):
                if (pod.get("spec") or {}).get("nodeName") == name:
                    self.process(pod, taints)
        while self.pods:
            key = next(iter(self.pods))
            del self.pods[key]
            pod = self.tx.get("Pod", *key)
            if pod is not None:
                node = self.tx.get("Node", "", (pod.get("spec") or {}).get("nodeName") or "")
                self.process(pod, no_execute_taints(node))

    def finish(self) -> None:
        pass

    # ---- the scheduled deletions of a node ---------------------------------------------------------
    def _scheduled(self, node: str, key: str) -> dict | None:
        rec = self.tx.get_runtime(KIND, "", node)
        return None if rec is None else (rec.get("pods") or {}).get(key)

    def _put(self, node: str, pods: dict) -> None:
        self._recorded[node] = bool(pods)
        if pods:
            self.tx.put_runtime(KIND, "", node, {"pods": pods}, min(p["at"] for p in pods.values()))
        else:
            self.tx.delete_runtime(KIND, "", node)

    def _schedule(self, node: str, key: str, entry: dict) -> None:
        pods = dict(((self.tx.get_runtime(KIND, "", node) or {}).get("pods") or {}))
        pods[key] = entry
        self._put(node, pods)

    def _unschedule(self, node: str, key: str, uid: str | None = None) -> bool:
        """Cancel a pod's scheduled deletion (of that UID when given): True when there was one."""
        rec = self.tx.get_runtime(KIND, "", node)
        pods = dict((rec or {}).get("pods") or {})
        entry = pods.get(key)
        if entry is None or (uid is not None and entry.get("uid") != uid):
            return False
        del pods[key]
        self._put(node, pods)
        return True

    # ---- one pod ----------------------------------------------------------------------------------
    def process(self, pod: dict, taints: list[dict]) -> None:
        """processPodOnNode."""
        meta = pod["metadata"]
        ns, name = meta.get("namespace", "default"), meta["name"]
        node = (pod.get("spec") or {}).get("nodeName") or ""
        key = f"{ns}/{name}"
        scheduled = self._scheduled(node, key)
        if scheduled is not None and scheduled.get("uid") != meta.get("uid"):
            self._unschedule(node, key)
            scheduled = None
        if not taints or meta.get("deletionTimestamp"):
            if scheduled is not None:
                self._unschedule(node, key)
                if not meta.get("deletionTimestamp"):
                    self._cancel_event(pod)
            return
        wait = min_toleration_ms(pod, taints)
        now = self.tx.now_ms
        if wait is None:
            if scheduled is not None:
                self._unschedule(node, key)
            self.evict(pod)
            return
        if wait < 0:
            if scheduled is not None:
                self._unschedule(node, key)
                self._cancel_event(pod)
            return
        if scheduled is not None:
            return  # scheduled earlier: that deletion stands (its start plus the wait comes first)
        if wait == 0:
            self.evict(pod)
            return
        self._schedule(node, key, {"uid": meta.get("uid"), "start": now, "at": now + wait})

    def due(self, kind: str, namespace: str, name: str, until: int, horizon: int | None) -> None:
        """The deletions of node ``name`` that are due: all of them at once, in name order."""
        pods = dict(((self.tx.get_runtime(KIND, "", name) or {}).get("pods") or {}))
        now = self.tx.now_ms
        ready = {k: pods.pop(k) for k in sorted(k for k, e in pods.items() if e["at"] <= now)}
        self._put(name, pods)
        for k, entry in ready.items():
            ns, pname = k.split("/", 1)
            pod = self.tx.get("Pod", ns, pname)
            if pod is not None and pod["metadata"].get("uid") == entry.get("uid"):
                self.evict(pod)

    def evict(self, pod: dict) -> None:
        """deletePodHandler: the event, the DisruptionTarget condition, the delete."""
        from minikctl.api.registry import pod as pods
        from minikctl.kube import errors as E

        meta = pod["metadata"]
        ns, name = meta.get("namespace", "default"), meta["name"]
        self.api.event(pod, "Normal", "TaintManagerEviction", f"Marking for deletion Pod {ns}/{name}", WRITER)
        new = json.loads(json.dumps(pod))
        if pods.set_condition(new, {"type": "DisruptionTarget", "status": "True", "reason": "DeletionByTaintManager",
                                    "message": "Taint manager: deleting due to NoExecute taint",
                                    "lastProbeTime": None, "lastTransitionTime": None}, self.tx.now_ms):
            pod = self.api.write_status(new)
        try:
            self.api.delete(pod)
        except E.NotFound:
            pass

    def _cancel_event(self, pod: dict) -> None:
        meta = pod["metadata"]
        self.api.event(pod, "Normal", "TaintManagerEviction",
                       f"Cancelling deletion of Pod {meta.get('namespace', 'default')}/{meta['name']}", WRITER)

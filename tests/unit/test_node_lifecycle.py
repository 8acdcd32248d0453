"""Nodes that fail: a stopped kubelet, the node lifecycle controller and taint-based eviction, at exact virtual times.

Sources (kubernetes v1.32): pkg/controller/nodelifecycle/node_lifecycle_controller.go (``tryUpdateNodeHealth``:
Ready/MemoryPressure/DiskPressure/PIDPressure → Unknown, "NodeStatusUnknown", "Kubelet stopped posting node status."
once the probe is older than --node-monitor-grace-period, 50 s since PR #126287; ``monitorNodeHealth``: the
NodeNotReady event and ``MarkPodsNotReady``; ``doNoScheduleTaintingPass``/``doNoExecuteTaintingPass``;
``handleDisruption``/``ComputeZoneState``: a zone with no Ready node evicts nothing),
pkg/controller/util/node/controller_utils.go (``RecordNodeStatusChange``), pkg/controller/util/controller_utils.go
(``MarkPodsNotReady``, ``SwapNodeControllerTaint``), pkg/controller/tainteviction/taint_eviction.go
(``processPodOnNode``, ``getMinTolerationTime``, ``deletePodHandler``, ``addConditionAndDeletePod``), and the
kubernetes.io pages "Nodes" (node status, heartbeats) and "Taints and Tolerations" (taint based evictions:
tolerationSeconds 300 added by the DefaultTolerationSeconds admission controller).
"""

from __future__ import annotations

import pytest

from minikctl.cluster import Cluster
from minikctl.kube.errors import ClientError
from minikctl.kube.kinds import LEASE
from minikctl.kube.timefmt import rfc3339
from minikctl.store.db import DEFAULT_EPOCH_MS, Store

T0 = DEFAULT_EPOCH_MS


@pytest.fixture
def cl(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        c = Cluster(tx)
        c.api.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node2", "labels": {"pool": "b"}}})
        c.settle()
        yield c


def at(cl: Cluster, s: float) -> None:
    cl.advance_to(T0 + int(s * 1000))


def pod(name: str, node: str, **spec) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "nginx"}], **spec}}


def cond(obj: dict, type_: str) -> dict:
    return next(c for c in obj["status"]["conditions"] if c["type"] == type_)


def messages(cl: Cluster, obj: dict) -> list[str]:
    return [f"{e['source']['component']} {e['type']} {e['reason']}: {e['message']}"
            for e in cl.tx.events_for(obj["metadata"]["uid"])]


def stop(cl: Cluster, name: str) -> None:
    cl.loop.kubelet.stop_node(name)
    cl.settle()


def start(cl: Cluster, name: str) -> None:
    cl.loop.kubelet.start_node(name)
    cl.settle()


def node(cl: Cluster, name: str = "node2") -> dict:
    return cl.tx.get("Node", "", name)


def test_stopped_kubelet_node_goes_unknown_after_the_grace_period(cl):
    cl.api.create(pod("web", "node2"))
    at(cl, 10)
    assert cond(cl.tx.get("Pod", "default", "web"), "Ready")["status"] == "True"
    at(cl, 23)
    stop(cl, "node2")
    # the lease stops at its last renewal (00:00:20): its 10 s grid ends when the kubelet stopped
    at(cl, 60)
    assert cl.api.get(LEASE, "kube-node-lease", "node2")["spec"]["renewTime"] == "2026-01-01T00:00:20.000000Z"
    assert cl.api.get(LEASE, "kube-node-lease", "node1")["spec"]["renewTime"] == "2026-01-01T00:01:00.000000Z"
    # the look at 00:00:20 saw the last renewal; 50 s later the node is marked
    at(cl, 69.999)
    assert cond(node(cl), "Ready")["status"] == "True"
    at(cl, 70)
    n = node(cl)
    for t in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure"):
        c = cond(n, t)
        assert (c["status"], c["reason"], c["message"]) == ("Unknown", "NodeStatusUnknown",
                                                             "Kubelet stopped posting node status.")
        assert c["lastTransitionTime"] == rfc3339(T0 + 70_000)
        assert c["lastHeartbeatTime"] == rfc3339(T0)  # kept: the kubelet's last post
    assert n["spec"]["taints"] == [
        {"effect": "NoSchedule", "key": "node.kubernetes.io/unreachable", "timeAdded": "2026-01-01T00:01:10Z"},
        {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "timeAdded": "2026-01-01T00:01:10Z"}]
    assert "node-controller Normal NodeNotReady: Node node2 status is now: NodeNotReady" in messages(cl, n)
    p = cl.tx.get("Pod", "default", "web")
    ready = cond(p, "Ready")
    assert (ready["status"], ready["lastTransitionTime"]) == ("False", "2026-01-01T00:01:10Z")
    assert cond(p, "ContainersReady")["status"] == "True"  # only Ready is marked
    assert "node-controller Warning NodeNotReady: Node is not ready" in messages(cl, p)
    assert p["status"]["containerStatuses"][0]["ready"] is True


def test_taint_eviction_after_300s_and_the_replicaset_replaces_the_pods(cl):
    cl.api.create({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web", "namespace": "default"},
                   "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                            "template": {"metadata": {"labels": {"app": "web"}},
                                         "spec": {"nodeSelector": {"pool": "b"},
                                                  "containers": [{"name": "c", "image": "nginx"}]}}}})
    at(cl, 10)
    first = sorted(p["metadata"]["name"] for p in cl.tx.list("Pod", "default"))
    assert len(first) == 2
    stop(cl, "node2")  # last renewal at 00:00:10 → marked at 00:01:00
    at(cl, 60)
    assert cond(node(cl), "Ready")["status"] == "Unknown"
    at(cl, 359.999)
    assert not any(p["metadata"].get("deletionTimestamp") for p in cl.tx.list("Pod", "default"))
    at(cl, 360)  # 300 s of the default toleration for node.kubernetes.io/unreachable:NoExecute
    pods = {p["metadata"]["name"]: p for p in cl.tx.list("Pod", "default")}
    for name in first:
        p = pods[name]
        assert p["metadata"]["deletionTimestamp"] == "2026-01-01T00:06:30Z"  # the pod's 30 s grace
        dt = cond(p, "DisruptionTarget")
        assert (dt["status"], dt["reason"], dt["message"]) == (
            "True", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint")
        assert (f"taint-eviction-controller Normal TaintManagerEviction: Marking for deletion Pod default/{name}"
                in messages(cl, p))
    # the replacements cannot go to node2 (nodeSelector) nor anywhere else: they wait, unschedulable
    new = [p for n, p in pods.items() if n not in first]
    assert len(new) == 2 and all(not p["spec"].get("nodeName") for p in new)
    # the kubelet is gone: the evicted pods stay Terminating
    at(cl, 600)
    assert all(cl.tx.get("Pod", "default", n) is not None for n in first)
    # it comes back: Ready, taints gone, the evicted pods finish terminating, the new ones are scheduled there
    start(cl, "node2")
    n = node(cl)
    assert cond(n, "Ready")["status"] == "True" and cond(n, "Ready")["reason"] == "KubeletReady"
    assert "taints" not in n["spec"]
    assert not [m for m in messages(cl, n) if m.startswith("kubelet")]  # the kubelet's nodeRef has the name as UID
    kubelet_events = [f"{e['source']['component']} {e['type']} {e['reason']}: {e['message']}"
                      for e in cl.tx.events_for("node2")]
    assert kubelet_events == ["kubelet Normal Starting: Starting kubelet.",
                              "kubelet Normal NodeHasSufficientMemory: Node node2 status is now: NodeHasSufficientMemory",
                              "kubelet Normal NodeHasNoDiskPressure: Node node2 status is now: NodeHasNoDiskPressure",
                              "kubelet Normal NodeHasSufficientPID: Node node2 status is now: NodeHasSufficientPID",
                              "kubelet Normal NodeReady: Node node2 status is now: NodeReady"]
    at(cl, 640)
    left = {p["metadata"]["name"]: p for p in cl.tx.list("Pod", "default")}
    assert not set(first) & set(left)
    assert len(left) == 2 and all(p["spec"].get("nodeName") == "node2" for p in left.values())


def test_restart_before_the_toleration_runs_out_cancels_the_eviction(cl):
    cl.api.create(pod("web", "node2"))
    at(cl, 10)
    stop(cl, "node2")
    at(cl, 100)
    p = cl.tx.get("Pod", "default", "web")
    assert cond(p, "Ready")["status"] == "False"
    start(cl, "node2")
    at(cl, 500)
    p = cl.tx.get("Pod", "default", "web")
    assert not p["metadata"].get("deletionTimestamp")
    assert cond(p, "Ready")["status"] == "True"
    assert ("taint-eviction-controller Normal TaintManagerEviction: Cancelling deletion of Pod default/web"
            in messages(cl, p))


def test_toleration_seconds_and_untolerated_taints(cl):
    tol = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
            "tolerationSeconds": 20}]
    cl.api.create(pod("short", "node2", tolerations=tol))
    forever = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}]
    cl.api.create(pod("forever", "node2", tolerations=forever))
    at(cl, 10)
    stop(cl, "node2")
    at(cl, 79.999)
    assert not cl.tx.get("Pod", "default", "short")["metadata"].get("deletionTimestamp")
    at(cl, 80)  # marked at 60 s, + 20 s
    assert cl.tx.get("Pod", "default", "short")["metadata"].get("deletionTimestamp")
    at(cl, 3600)
    assert not cl.tx.get("Pod", "default", "forever")["metadata"].get("deletionTimestamp")
    # a NoExecute taint nobody tolerates (a user's, on a healthy node): evicted at once
    cl.api.create(pod("victim", "node1"))
    at(cl, 3610)
    old = node(cl, "node1")
    new = {**old, "spec": {**old["spec"], "taints": [{"key": "dedicated", "value": "x", "effect": "NoExecute"}]}}
    cl.api.update(old, new)
    cl.settle()
    assert cl.tx.get("Pod", "default", "victim")["metadata"].get("deletionTimestamp") == rfc3339(T0 + 3_640_000)


def test_a_zone_without_any_ready_node_evicts_nothing(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        cl = Cluster(tx)
        cl.api.create(pod("web", "node1"))
        at(cl, 10)
        stop(cl, "node1")
        at(cl, 1000)
        n = node(cl, "node1")
        assert cond(n, "Ready")["status"] == "Unknown"
        # the NoSchedule taint only: full disruption stops the NoExecute tainting
        assert [(t["key"], t["effect"]) for t in n["spec"]["taints"]] == [("node.kubernetes.io/unreachable", "NoSchedule")]
        p = cl.tx.get("Pod", "default", "web")
        assert not p["metadata"].get("deletionTimestamp")
        assert cond(p, "Ready")["status"] == "False"


def test_stopped_kubelet_runs_nothing_and_catches_up(cl):
    cl.api.create(pod("later", "node2", restartPolicy="Never",
                      containers=[{"name": "c", "image": "busybox", "command": ["sh", "-c", "sleep 30"]}]))
    at(cl, 5)
    stop(cl, "node2")
    cl.api.create(pod("pending", "node2"))
    at(cl, 40)
    p = cl.tx.get("Pod", "default", "later")
    assert p["status"]["phase"] == "Running"  # nobody reports the exit
    assert "containerStatuses" not in cl.tx.get("Pod", "default", "pending").get("status", {})
    start(cl, "node2")
    assert cl.tx.get("Pod", "default", "later")["status"]["phase"] == "Succeeded"
    assert cl.tx.get("Pod", "default", "pending")["status"]["phase"] in ("Pending", "Running")


def test_stop_and_start_refusals(cl):
    with pytest.raises(ClientError):
        cl.loop.kubelet.start_node("node2")  # running
    stop(cl, "node2")
    with pytest.raises(ClientError):
        cl.loop.kubelet.stop_node("node2")


def test_logs_and_exec_of_a_stopped_kubelet_are_refused(cl):
    """The API server proxies logs/exec to the kubelet's port 10250; a stopped kubelet refuses the connection."""
    from minikctl.kube.errors import StatusError

    cl.api.create(pod("web", "node2"))
    at(cl, 10)
    stop(cl, "node2")
    p = cl.tx.get("Pod", "default", "web")
    with pytest.raises(StatusError) as e:
        cl.logs(p, "c", False)
    assert e.value.render() == ('Error from server: Get "https://192.168.49.3:10250/containerLogs/default/web/c": '
                                'dial tcp 192.168.49.3:10250: connect: connection refused')
    with pytest.raises(StatusError) as e:
        cl.exec(p, "c", ["ls"])
    assert e.value.render() == ("Error from server: error dialing backend: dial tcp 192.168.49.3:10250: "
                                "connect: connection refused")


def test_new_noexecute_taints_are_rate_limited_per_zone(tmp_path):
    """--node-eviction-rate 0.1 node/s with a burst of 1 (zoneNoExecuteTainter, a RateLimitedTimedQueue, in
    node_lifecycle_controller.go): two nodes of one zone that go down together are tainted NoExecute 10 s apart;
    their NoSchedule taints are not rate limited; a node of another zone has its own limiter."""
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        cl = Cluster(tx)
        for name, zone in (("node2", "a"), ("node3", "a"), ("node4", "a"), ("node5", "b"), ("node6", "b")):
            cl.api.create({"apiVersion": "v1", "kind": "Node", "metadata": {
                "name": name, "labels": {"topology.kubernetes.io/zone": zone}}})
        cl.settle()
        at(cl, 5)
        for name in ("node3", "node2", "node5"):
            stop(cl, name)
        at(cl, 100)

        def added(name: str) -> dict:
            return {(t["key"], t["effect"]): t["timeAdded"] for t in node(cl, name)["spec"].get("taints") or []}

        unknown = "2026-01-01T00:00:50Z"  # the look at 00:00:00 saw the last renewal (at creation); +50 s
        assert cond(node(cl, "node2"), "Ready")["lastTransitionTime"] == unknown
        # zone a: node2 and node3 went down at the same look: by name, node2 first, node3 a token (10 s) later
        assert added("node2") == {("node.kubernetes.io/unreachable", "NoSchedule"): unknown,
                                  ("node.kubernetes.io/unreachable", "NoExecute"): unknown}
        assert added("node3") == {("node.kubernetes.io/unreachable", "NoSchedule"): unknown,
                                  ("node.kubernetes.io/unreachable", "NoExecute"): "2026-01-01T00:01:00Z"}
        # zone b has a limiter of its own
        assert added("node5")[("node.kubernetes.io/unreachable", "NoExecute")] == unknown
        # zone "" (node1, no zone label) is untouched
        assert not node(cl, "node1")["spec"].get("taints")

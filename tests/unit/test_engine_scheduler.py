"""Scheduler: binding, unschedulable pods, retry on deletion (a real store in a tmp dir)."""

import json
from pathlib import Path

import pytest

import engine_driver as engine
from minikctl.engine.controllers.scheduler import filter_node, pod_requests, unschedulable_message
from minikctl.store.db import Store


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "s.db")
    yield s
    s.close()


def mkpod(name, requests=None, **spec):
    c = {"name": "app", "image": "nginx:1.14.2", "imagePullPolicy": "IfNotPresent",
         "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
    if requests:
        c["resources"] = {"requests": dict(requests), "limits": dict(requests)}
    s = {"containers": [c], "restartPolicy": "Always", "terminationGracePeriodSeconds": 30}
    s.update(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": s, "status": {"phase": "Pending", "qosClass": "BestEffort"}}


def create(tx, pod):
    tx.create(pod)
    engine.pod_created(tx, pod)
    return tx.get("Pod", "default", pod["metadata"]["name"])


def test_ensure_node_defaults(store):
    with store.transaction() as tx:
        node = engine.ensure_node(tx)
        assert node["metadata"]["name"] == "node1"
        assert node["status"]["capacity"] == {"cpu": "4", "ephemeral-storage": "100Gi", "memory": "16Gi",
                                              "pods": "110"}
        assert {"address": "192.168.49.2", "type": "InternalIP"} in node["status"]["addresses"]
        assert engine.ensure_node(tx)["metadata"]["uid"] == node["metadata"]["uid"]


def test_insufficient_memory_stays_pending_with_event(store):
    with store.transaction() as tx:
        pod = create(tx, mkpod("memory-demo-3", {"memory": "1000Gi"}))
        assert "nodeName" not in pod["spec"]
        assert pod["status"]["phase"] == "Pending"
        cond = pod["status"]["conditions"]
        assert cond == [{
            "lastProbeTime": None, "lastTransitionTime": "2026-01-01T00:00:00Z",
            "message": "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: "
                       "1 No preemption victims found for incoming pod.",
            "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}]
        evs = tx.events_for(pod["metadata"]["uid"])
        assert [(e["type"], e["reason"], e["source"]["component"]) for e in evs] == [
            ("Warning", "FailedScheduling", "default-scheduler")]
        # retried at least every 5 minutes; the event is aggregated
        engine.advance(tx, tx.now_ms + 600_000)
        evs = tx.events_for(pod["metadata"]["uid"])
        assert len(evs) == 1 and evs[0]["count"] == 3
        assert tx.get("Pod", "default", "memory-demo-3")["status"]["phase"] == "Pending"


def test_cpu_and_memory_reasons_sorted():
    node = {"metadata": {"name": "node1", "labels": {}}, "spec": {},
            "status": {"allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}}}
    pod = mkpod("x", {"cpu": "100", "memory": "1000Gi"})
    reasons, helps = filter_node(pod, node, {})
    assert reasons == ["Insufficient cpu", "Insufficient memory"] and helps
    assert unschedulable_message([(reasons, helps)]) == (
        "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 nodes are available: "
        "1 No preemption victims found for incoming pod.")


def test_node_selector_mismatch_message():
    node = {"metadata": {"name": "node1", "labels": {"kubernetes.io/hostname": "node1"}}, "spec": {},
            "status": {"allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}}}
    reasons, helps = filter_node(mkpod("x", nodeSelector={"disktype": "ssd"}), node, {})
    assert unschedulable_message([(reasons, helps)]) == (
        "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are "
        "available: 1 Preemption is not helpful for scheduling.")


def test_taints_and_tolerations():
    node = {"metadata": {"name": "node1", "labels": {}},
            "spec": {"taints": [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]},
            "status": {"allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}}}
    reasons, _ = filter_node(mkpod("x"), node, {})
    assert reasons == ["node(s) had untolerated taint {dedicated: gpu}"]
    tol = [{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}]
    assert filter_node(mkpod("x", tolerations=tol), node, {})[0] == []
    assert filter_node(mkpod("x", tolerations=[{"operator": "Exists"}]), node, {})[0] == []


def test_pod_request_counts_init_max_and_sidecars():
    pod = mkpod("x", {"cpu": "1"})
    pod["spec"]["initContainers"] = [
        {"name": "i", "resources": {"requests": {"cpu": "3"}}},
        {"name": "s", "restartPolicy": "Always", "resources": {"requests": {"cpu": "500m"}}},
    ]
    assert pod_requests(pod)["cpu"] == 3  # max(1 + 0.5 sidecar, init 3)


def test_scheduling_gates_then_bind_on_removal(store):
    with store.transaction() as tx:
        pod = create(tx, mkpod("gated", schedulingGates=[{"name": "example.com/wait"}]))
        assert pod["status"]["conditions"][0]["reason"] == "SchedulingGated"
        assert pod["status"]["conditions"][0]["message"] == "Scheduling is blocked due to non-empty scheduling gates"
        old = pod
        new = json.loads(json.dumps(pod))
        del new["spec"]["schedulingGates"]
        tx.update(new)
        engine.pod_updated(tx, old, new)
        p = tx.get("Pod", "default", "gated")
        assert p["spec"]["nodeName"] == "node1"
        assert [c["status"] for c in p["status"]["conditions"] if c["type"] == "PodScheduled"] == ["True"]


def test_unschedulable_pod_binds_when_room_frees(store):
    with store.transaction() as tx:
        big = create(tx, mkpod("big", {"memory": "10Gi"}))
        assert big["spec"]["nodeName"] == "node1"
        other = create(tx, mkpod("other", {"memory": "10Gi"}))
        assert "nodeName" not in other["spec"]
        engine.pod_deleting(tx, tx.get("Pod", "default", "big"), 0)
        engine.advance(tx, tx.now_ms)
        assert tx.get("Pod", "default", "other")["spec"]["nodeName"] == "node1"
        evs = [e["reason"] for e in tx.events_for(other["metadata"]["uid"])]
        assert evs.count("FailedScheduling") == 1 and evs.count("Scheduled") == 1


def test_node_change_reschedules(store):
    with store.transaction() as tx:
        pod = create(tx, mkpod("sel", nodeSelector={"disktype": "ssd"}))
        assert "nodeName" not in pod["spec"]
        node = engine.ensure_node(tx)
        node["metadata"]["labels"]["disktype"] = "ssd"
        tx.update(node)
        engine.cluster_changed(tx)
        engine.advance(tx, tx.now_ms)
        assert tx.get("Pod", "default", "sel")["spec"]["nodeName"] == "node1"

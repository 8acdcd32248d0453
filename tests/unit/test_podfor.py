"""Which pod a TYPE/NAME stands for (cli/podfor.py), as kubectl 1.32's polymorphichelpers choose it: logs by
podutils.ByLogging, exec/attach by sort.Reverse(podutils.ActivePods) (kubectl/pkg/util/podutils/podutils.go)."""

from __future__ import annotations

import pytest

from minikctl.cli import podfor
from minikctl.kube.errors import ClientError


def pod(name: str, *, node: str = "node1", phase: str = "Running", ready_since: str | None = None,
        restarts: int = 0, created: str = "2026-01-01T00:00:00Z", deleting: str | None = None) -> dict:
    conditions = []
    if ready_since:
        conditions.append({"type": "Ready", "status": "True", "lastTransitionTime": ready_since})
    meta = {"name": name, "creationTimestamp": created}
    if deleting:
        meta["deletionTimestamp"] = deleting
    return {"metadata": meta, "spec": {"nodeName": node} if node else {},
            "status": {"phase": phase, "conditions": conditions, "containerStatuses": [{"restartCount": restarts}]}}


def logging_order(*pods: dict) -> list[str]:
    return [p["metadata"]["name"] for p in podfor._sorted(list(pods), podfor._by_logging_less)]


def attach_order(*pods: dict) -> list[str]:
    return [p["metadata"]["name"] for p in podfor._sorted(list(pods), lambda a, b: podfor._active_pods_less(b, a))]


def test_by_logging_prefers_assigned_running_ready_long_ready_restarted_old_pods():
    assert logging_order(pod("unassigned", node=""), pod("assigned")) == ["assigned", "unassigned"]
    assert logging_order(pod("pending", phase="Pending"), pod("running")) == ["running", "pending"]
    assert logging_order(pod("notready"), pod("ready", ready_since="2026-01-01T00:01:00Z")) == ["ready", "notready"]
    assert logging_order(pod("late", ready_since="2026-01-01T00:05:00Z"),
                         pod("early", ready_since="2026-01-01T00:01:00Z")) == ["early", "late"]
    assert logging_order(pod("calm"), pod("crashy", restarts=3)) == ["crashy", "calm"]
    assert logging_order(pod("new", created="2026-01-01T00:05:00Z"), pod("old")) == ["old", "new"]


def test_attach_prefers_running_ready_not_deleting_recently_ready_pods():
    assert attach_order(pod("pending", phase="Pending"), pod("running")) == ["running", "pending"]
    assert attach_order(pod("deleting", deleting="2026-01-01T00:10:00Z"), pod("live")) == ["live", "deleting"]
    # ActivePods puts the most recently ready first among ready pods; reversed, the longest ready comes first
    assert attach_order(pod("late", ready_since="2026-01-01T00:05:00Z"),
                        pod("early", ready_since="2026-01-01T00:01:00Z")) == ["early", "late"]
    assert attach_order(pod("new", created="2026-01-01T00:05:00Z"), pod("old")) == ["old", "new"]


@pytest.mark.parametrize("kind", ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"])
def test_kinds_with_a_selector(kind):
    assert podfor.selector_for({"kind": kind, "apiVersion": "apps/v1", "spec": {"selector": {"matchLabels": {
        "a": "b"}}}}, "get the logs from") == {"matchLabels": {"a": "b"}}


def test_kinds_without_a_selector():
    with pytest.raises(ClientError) as e:
        podfor.selector_for({"kind": "ConfigMap", "apiVersion": "v1"}, "attach to")
    assert e.value.render() == "error: cannot attach to *v1.ConfigMap: selector for *v1.ConfigMap not implemented"

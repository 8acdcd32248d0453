"""describe node as kubectl 1.32 prints it (staging/src/k8s.io/kubectl/pkg/describe/describe.go: NodeDescriber,
describeNode, describeNodeLease, describeNodeResource, getPodsTotalRequestsAndLimits, findNodeRoles,
printNodeTaintsMultiline; pkg/util/resource PodRequestsAndLimits). The whole output is compared with the real
kubectl in tests/e2e/test_kubectl_oracle.py; these pin the parts the oracle's world does not reach."""

from __future__ import annotations

from describe_ctx import MemoryCtx

from minikctl.kube.timefmt import parse_rfc3339
from minikctl.printers.describe import describe_node, node_roles, pod_requests_and_limits, taint_text

NOW = parse_rfc3339("2026-01-02T00:00:00Z")
T = "2026-01-01T00:00:00Z"


def node(**spec) -> dict:
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": "n1", "uid": "uid-n1", "creationTimestamp": T, "labels": {"kubernetes.io/role": "gpu"}},
            "spec": spec,
            "status": {"capacity": {"cpu": "2", "memory": "4Gi", "pods": "10"},
                       "nodeInfo": {"kubeletVersion": "v1.32.0"}}}


def pod(name: str, phase: str = "Running", node_name: str = "n1", **resources) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "creationTimestamp": T},
            "spec": {"nodeName": node_name, "containers": [{"name": "c", "resources": resources}]},
            "status": {"phase": phase}}


def event(name: str, uid: str, reason: str, last: str) -> dict:
    return {"apiVersion": "v1", "kind": "Event", "metadata": {"name": name, "namespace": ""},
            "involvedObject": {"kind": "Node", "name": "n1", "namespace": "", "uid": uid}, "type": "Normal",
            "reason": reason, "message": reason, "source": {"component": "kubelet"}, "count": 1,
            "firstTimestamp": last, "lastTimestamp": last}


def test_roles_and_taints():
    n = node()
    n["metadata"]["labels"].update({"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/": "x"})
    assert node_roles(n) == ["control-plane", "gpu"]
    assert taint_text({"key": "k", "value": "v", "effect": "NoSchedule"}) == "k=v:NoSchedule"
    assert taint_text({"key": "k", "effect": "NoExecute"}) == "k:NoExecute"


def test_without_lease_pods_or_allocatable():
    """No Lease: kubectl prints the error of its GET. Capacity stands in for a missing Allocatable."""
    n = node(taints=[{"key": "b", "effect": "NoSchedule"}, {"key": "a", "effect": "NoExecute"}], providerID="kind://x")
    text = describe_node(n, MemoryCtx([n], now_ms=NOW))
    assert "Roles:              gpu\n" in text
    assert ("Taints:             a:NoExecute\n                    b:NoSchedule\n"
            "Unschedulable:      false\n") in text
    assert 'Lease:              Failed to get lease: leases.coordination.k8s.io "n1" not found\n' in text
    assert "\nProviderID:                   kind://x\n" in text
    assert "Non-terminated Pods:          (0 in total)\n" in text
    assert text.endswith("  cpu                0 (0%)    0 (0%)\n"
                         "  memory             0 (0%)    0 (0%)\n"
                         "  ephemeral-storage  0 (0%)    0 (0%)\n"
                         "Events:              <none>\n")


def test_requests_limits_and_percentages():
    """Requests and limits summed as Quantity.Add does (the first addend's format; String() of a sum is canonical),
    percentages truncated towards zero; terminated pods and other nodes' pods are left out."""
    n = node()
    pods = [pod("a", requests={"cpu": "100m", "memory": "64Mi"}, limits={"cpu": "1"}),
            pod("b", requests={"cpu": "250m", "memory": "100M"}, limits={"memory": "1Gi"}),
            pod("done", phase="Succeeded", requests={"cpu": "1"}),
            pod("elsewhere", node_name="n2", requests={"cpu": "1"})]
    text = describe_node(n, MemoryCtx([n, *pods], now_ms=NOW))
    assert ("  default                     a       100m (5%)     1 (50%)     64Mi (1%)        0 (0%)         24h\n"
            "  default                     b       250m (12%)    0 (0%)      100M (2%)        1Gi (25%)      24h\n") in text
    assert "  cpu                350m (17%)      1 (50%)\n" in text
    assert "  memory             167108864 (3%)  1Gi (25%)\n" in text


def test_init_containers_sidecars_and_overhead():
    """PodRequestsAndLimits: the largest init container against the containers, restartable init containers
    (sidecars) added to both, overhead on requests and on non-zero limits."""
    p = pod("p", requests={"cpu": "500m"}, limits={"cpu": "1", "memory": "1Gi"})
    p["spec"]["initContainers"] = [
        {"name": "side", "restartPolicy": "Always", "resources": {"requests": {"cpu": "200m", "memory": "10Mi"}}},
        {"name": "init", "resources": {"requests": {"cpu": "2"}, "limits": {"memory": "2Gi"}}},
    ]
    p["spec"]["overhead"] = {"cpu": "50m", "memory": "5Mi"}
    reqs, limits = pod_requests_and_limits(p)
    assert {k: str(v) for k, v in reqs.items()} == {"cpu": "2250m", "memory": "15Mi"}
    assert {k: str(v) for k, v in limits.items()} == {"cpu": "1050m", "memory": "2053Mi"}


def test_zero_allocatable_prints_gos_nan_conversion():
    """The per-pod percentages divide without a zero check: NaN/Inf converted to int64 on amd64."""
    n = node()
    n["status"]["allocatable"] = {"cpu": "0", "memory": "0"}
    text = describe_node(n, MemoryCtx([n, pod("a")], now_ms=NOW))
    assert "0 (-9223372036854775808%)" in text
    assert "  cpu                0 (0%)    0 (0%)\n" in text  # the totals check for zero


def test_lease_and_events_by_uid_and_by_name():
    """The events of both searches (involvedObject.uid the node's uid, then its name, as the kubelet records
    them), merged then sorted by lastTimestamp."""
    n = node()
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
             "metadata": {"name": "n1", "namespace": "kube-node-lease"},
             "spec": {"holderIdentity": "n1", "acquireTime": "2026-01-01T00:00:01.000000Z",
                      "renewTime": "2026-01-01T23:59:50.000000Z"}}
    events = [event("n1.2", "n1", "Starting", "2026-01-01T00:00:05Z"),
              event("n1.1", "uid-n1", "RegisteredNode", "2026-01-01T00:00:10Z"),
              event("n1.3", "n1", "NodeReady", "2026-01-01T00:00:07Z")]
    text = describe_node(n, MemoryCtx([n, lease], events, now_ms=NOW))
    assert ("Lease:\n  HolderIdentity:  n1\n  AcquireTime:     Thu, 01 Jan 2026 00:00:01 +0000\n"
            "  RenewTime:       Thu, 01 Jan 2026 23:59:50 +0000\n") in text
    assert [ln.split()[1] for ln in text.split("Events:\n")[1].splitlines()[2:]] == [
        "Starting", "NodeReady", "RegisteredNode"]
    assert "Events:" not in describe_node(n, MemoryCtx([n, lease], events, now_ms=NOW, show_events=False))

"""The default scheduler for the single simulated node, and the node object itself.

Filters follow kube-scheduler's default profile order (one failing plugin per node):
NodeUnschedulable, NodeName, TaintToleration, NodeAffinity (nodeSelector + required node affinity),
NodeResourcesFit (requests only; a pod's request is max(sum of containers, biggest init step)).
"""

from __future__ import annotations

from fractions import Fraction

NODE_NAME = "node1"
NODE_IP = "192.168.49.2"
SCHEDULER = "default-scheduler"


def default_node(now_rfc3339: str) -> dict:
    cap = {"cpu": "4", "ephemeral-storage": "100Gi", "memory": "16Gi", "pods": "110"}
    cond = lambda t, s, r, m: {  # noqa: E731
        "lastHeartbeatTime": now_rfc3339, "lastTransitionTime": now_rfc3339,
        "message": m, "reason": r, "status": s, "type": t}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": NODE_NAME,
            "labels": {
                "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": NODE_NAME, "kubernetes.io/os": "linux",
                "node-role.kubernetes.io/control-plane": "",
            },
        },
        "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]},
        "status": {
            "addresses": [{"address": NODE_IP, "type": "InternalIP"}, {"address": NODE_NAME, "type": "Hostname"}],
            "allocatable": dict(cap),
            "capacity": dict(cap),
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "nodeInfo": {
                "architecture": "amd64", "containerRuntimeVersion": "containerd://1.7.24",
                "kernelVersion": "6.8.0", "kubeProxyVersion": "v1.32.0", "kubeletVersion": "v1.32.0",
                "operatingSystem": "linux", "osImage": "Ubuntu 22.04.5 LTS",
                "bootID": "", "machineID": "", "systemUUID": "",
            },
        },
    }


def node_ip(node: dict) -> str:
    for a in (node.get("status") or {}).get("addresses") or []:
        if a.get("type") == "InternalIP":
            return a.get("address", "")
    return ""


def _q(v) -> Fraction:
    from minikctl.kube.quantity import parse_quantity

    try:
        return parse_quantity(v)
    except Exception:  # validated objects only reach here; be lenient anyway
        return Fraction(0)


def _requests(c: dict) -> dict[str, Fraction]:
    res = c.get("resources") or {}
    req = dict(res.get("requests") or {})
    for k, v in (res.get("limits") or {}).items():  # API defaulting copies limits into missing requests
        req.setdefault(k, v)
    return {k: _q(v) for k, v in req.items()}


def pod_requests(pod: dict) -> dict[str, Fraction]:
    spec = pod.get("spec") or {}
    total: dict[str, Fraction] = {}
    for c in spec.get("containers") or []:
        for k, v in _requests(c).items():
            total[k] = total.get(k, Fraction(0)) + v
    sidecars: dict[str, Fraction] = {}
    init_max: dict[str, Fraction] = {}
    for c in spec.get("initContainers") or []:
        r = _requests(c)
        if c.get("restartPolicy") == "Always":
            for k, v in r.items():
                total[k] = total.get(k, Fraction(0)) + v
                sidecars[k] = sidecars.get(k, Fraction(0)) + v
            step = dict(sidecars)
        else:
            step = {k: v + sidecars.get(k, Fraction(0)) for k, v in r.items()}
            for k, v in sidecars.items():
                step.setdefault(k, v)
        for k, v in step.items():
            init_max[k] = max(init_max.get(k, Fraction(0)), v)
    for k, v in init_max.items():
        total[k] = max(total.get(k, Fraction(0)), v)
    for k, v in ((spec.get("overhead") or {})).items():
        total[k] = total.get(k, Fraction(0)) + _q(v)
    return total


def _tolerates(tolerations: list[dict], taint: dict) -> bool:
    for t in tolerations or []:
        if t.get("effect") and t.get("effect") != taint.get("effect"):
            continue
        key = t.get("key", "")
        if key and key != taint.get("key"):
            continue
        op = t.get("operator", "Equal")
        if op == "Exists":
            return True
        if not key:
            continue
        if t.get("value", "") == taint.get("value", ""):
            return True
    return False


def _match_expr(labels: dict, expr: dict) -> bool:
    key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
    if op == "In":
        return key in labels and labels[key] in values
    if op == "NotIn":
        return key not in labels or labels[key] not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    if op in ("Gt", "Lt"):
        try:
            lv, v = int(labels[key]), int(values[0])
        except (KeyError, ValueError, IndexError):
            return False
        return lv > v if op == "Gt" else lv < v
    return False


def _affinity_ok(pod: dict, node: dict) -> bool:
    labels = (node.get("metadata") or {}).get("labels") or {}
    spec = pod.get("spec") or {}
    for k, v in (spec.get("nodeSelector") or {}).items():
        if labels.get(k) != v:
            return False
    req = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
           .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    terms = req.get("nodeSelectorTerms")
    if terms:
        name = (node.get("metadata") or {}).get("name")
        ok_any = False
        for term in terms:
            exprs = term.get("matchExpressions") or []
            fields = term.get("matchFields") or []
            if not exprs and not fields:
                continue
            if all(_match_expr(labels, e) for e in exprs) and all(
                    _match_expr({"metadata.name": name}, f) for f in fields):
                ok_any = True
                break
        if not ok_any:
            return False
    return True


def _go_quote_taint(t: dict) -> str:
    return "{" + t.get("key", "") + ": " + t.get("value", "") + "}"


def filter_node(pod: dict, node: dict, bound: list[dict]) -> tuple[list[str], bool]:
    """Reasons the node does not fit (empty = fits) and whether preemption could help."""
    spec = pod.get("spec") or {}
    nspec = node.get("spec") or {}
    if nspec.get("unschedulable") and not _tolerates(
            spec.get("tolerations"), {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}):
        return ["node(s) were unschedulable"], False
    untolerated = [t for t in nspec.get("taints") or []
                   if t.get("effect") in ("NoSchedule", "NoExecute") and not _tolerates(spec.get("tolerations"), t)]
    if untolerated:
        return ["node(s) had untolerated taint " + _go_quote_taint(untolerated[0])], False
    if not _affinity_ok(pod, node):
        return ["node(s) didn't match Pod's node affinity/selector"], False
    alloc = {k: _q(v) for k, v in ((node.get("status") or {}).get("allocatable") or {}).items()}
    used: dict[str, Fraction] = {}
    count = 0
    for p in bound:
        count += 1
        for k, v in pod_requests(p).items():
            used[k] = used.get(k, Fraction(0)) + v
    reasons = []
    if count + 1 > alloc.get("pods", Fraction(110)):
        reasons.append("Too many pods")
    want = pod_requests(pod)
    for k in sorted(want):
        if want[k] == 0:
            continue
        if k in ("cpu", "memory", "ephemeral-storage") or k in alloc:
            if used.get(k, Fraction(0)) + want[k] > alloc.get(k, Fraction(0)):
                reasons.append(f"Insufficient {k}")
        elif k.startswith("hugepages-") or "/" in k:
            reasons.append(f"Insufficient {k}")
    return reasons, bool(reasons)


def unschedulable_message(reasons: list[str], preemption_helps: bool, nodes: int = 1) -> str:
    counts: dict[str, int] = {}
    for r in reasons:
        counts[r] = counts.get(r, 0) + 1
    parts = sorted(f"{n} {r}" for r, n in counts.items())
    pre = "No preemption victims found for incoming pod" if preemption_helps else "Preemption is not helpful for scheduling"
    return (f"0/{nodes} nodes are available: " + ", ".join(parts) + ". "
            f"preemption: 0/{nodes} nodes are available: {nodes} {pre}.")

"""Leases (coordination.k8s.io/v1): ``pkg/registry/coordination/lease/strategy.go`` and ``printLease``.

minikctl's kubelets hold one Lease per node in ``kube-node-lease`` (``engine/nodes.node_lease``), as a real kubelet
does (``k8s.io/component-helpers/apimachinery/lease``): named after the node, owned by it, ``holderIdentity`` the
node's name, ``leaseDurationSeconds`` 40, renewed every 10 s (a quarter of the duration; a real kubelet adds up to
4 % of jitter). Renewing means a write every 10 virtual seconds per node, on every command that lets time pass;
instead the server answers with the lease as its kubelet last renewed it (``present``): the stored ``renewTime``
is the kubelet's first renewal, and a read sees the latest instant of that 10 s grid not after now. Nothing is
written, ``resourceVersion`` does not move with renewals (a real lease's does) and a watch sees no renewals.
A stopped kubelet (``minikctl node stop``) renews nothing: the grid ends at the instant it stopped; when it
starts again it renews at once, a real write of ``renewTime`` that starts a new grid.
"""

from __future__ import annotations

from minikctl.api.registry import cells
from minikctl.kube.timefmt import parse_rfc3339, rfc3339_micro

NODE_LEASE_NAMESPACE = "kube-node-lease"
RENEW_INTERVAL_MS = 10_000  # nodelease.NewController: renewInterval = leaseDuration * 0.25 (40 s * 0.25)

# leaseColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "HOLDER", "AGE"]
WIDE_COLUMNS: list[str] = []


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printLease: HOLDER is spec.holderIdentity (empty when unset)."""
    return [cells.name(obj), str((obj.get("spec") or {}).get("holderIdentity") or ""), cells.age(obj, now_ms)]


def _kubelet_held(obj: dict) -> bool:
    """A node lease its kubelet keeps renewing: in kube-node-lease, held by and owned by the node of its name."""
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    name = meta.get("name")
    return (meta.get("namespace") == NODE_LEASE_NAMESPACE and spec.get("holderIdentity") == name
            and bool(spec.get("renewTime"))
            and any(r.get("kind") == "Node" and r.get("name") == name for r in meta.get("ownerReferences") or []))


def present(obj: dict, now_ms: int, tx=None) -> dict:
    """The lease as the server answers it at ``now_ms``: a node lease's ``renewTime`` moved to its kubelet's last
    renewal (the stored object is never changed)."""
    if not _kubelet_held(obj):
        return obj
    if tx is not None:
        rec = tx.get_runtime("Node", "", obj["metadata"]["name"])  # the node's runtime record (engine/nodes.py)
        stopped = None if rec is None else rec.get("stopped_at")
        if stopped is not None:
            now_ms = min(now_ms, stopped)
    spec = obj["spec"]
    try:
        first = parse_rfc3339(spec["renewTime"])
    except (TypeError, ValueError):
        return obj
    if now_ms < first + RENEW_INTERVAL_MS:
        return obj
    last = first + (now_ms - first) // RENEW_INTERVAL_MS * RENEW_INTERVAL_MS
    return {**obj, "spec": {**spec, "renewTime": rfc3339_micro(last)}}

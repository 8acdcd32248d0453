"""Simulated nodes: what a node's kubelet registers, and each node's own state.

Every Node object is a simulated node (the convention KWOK users know): a node created through the API gets
the status a kubelet would register (conditions, capacity, addresses, node info) for whatever the manifest
left out, a pod CIDR from the node IPAM controller, and a kubelet that runs the pods bound to it. ``node1``
exists on every new store.

Per node the engine keeps a runtime record (kind ``Node``) with what is not in the Node object:
  index       the node's number (1 for node1): its address 192.168.49.(1+index) and pod CIDR 10.244.(index-1).0/24
  requested   the sum of the requests of the pods bound to it, and their count under "#pods" (the scheduler's
              cache: ``NodeInfo.Requested``)
  images      the images its runtime has pulled
  last_ip     the last pod IP handed out from its CIDR
  stopped_at  when its kubelet was stopped (``minikctl node stop``), absent while it runs: a stopped kubelet
              renews no lease, posts no status and runs no pod worker; its containers keep their last state

Each node's kubelet also holds the node's Lease in ``kube-node-lease`` (``node_lease``), created when the node
registers; its renewals every 10 s are what the server answers on a read (``api/registry/lease.py``).
"""

from __future__ import annotations

import json
from functools import lru_cache

from minikctl.kube.timefmt import rfc3339, rfc3339_micro

DEFAULT_NODE = "node1"
DEFAULT_CAPACITY = {"cpu": "4", "ephemeral-storage": "100Gi", "memory": "16Gi", "pods": "110"}
KIND = "Node"


def node_ip(index: int) -> str:
    return f"192.168.49.{1 + index}"


def pod_cidr(index: int) -> str:
    return f"10.244.{index - 1}.0/24"


def registered_status(name: str, index: int, now_ms: int, status: dict | None = None) -> dict:
    """What a kubelet registers for its node (``kubelet_node_status.go`` setters), over what the object has."""
    now = rfc3339(now_ms)
    status = json.loads(json.dumps(status or {}))

    def cond(t: str, s: str, r: str, m: str) -> dict:
        return {"lastHeartbeatTime": now, "lastTransitionTime": now, "message": m, "reason": r, "status": s, "type": t}

    cap = status.get("capacity") or dict(DEFAULT_CAPACITY)
    status["capacity"] = cap
    status.setdefault("allocatable", dict(cap))
    status.setdefault("addresses", [{"address": node_ip(index), "type": "InternalIP"},
                                    {"address": name, "type": "Hostname"}])
    if not status.get("conditions"):
        status["conditions"] = [
            cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ]
    info = {"architecture": "amd64", "containerRuntimeVersion": "containerd://1.7.24", "kernelVersion": "6.8.0",
            "kubeProxyVersion": "v1.32.0", "kubeletVersion": "v1.32.0", "operatingSystem": "linux",
            "osImage": "Ubuntu 22.04.5 LTS", "bootID": "", "machineID": "", "systemUUID": ""}
    status["nodeInfo"] = {**info, **(status.get("nodeInfo") or {})}
    return status


def default_labels(name: str) -> dict:
    return {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}


def new_node(name: str, index: int, now_ms: int, control_plane: bool = False) -> dict:
    labels = default_labels(name)
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels},
            "spec": {"podCIDR": pod_cidr(index), "podCIDRs": [pod_cidr(index)]},
            "status": registered_status(name, index, now_ms)}


LEASE_NAMESPACE = "kube-node-lease"
LEASE_DURATION_SECONDS = 40  # kubelet's nodeLeaseDurationSeconds default


def node_lease(node: dict, now_ms: int) -> dict:
    """The Lease a kubelet's node lease controller creates for its node (k8s.io/component-helpers/apimachinery/
    lease/controller.go ``newLease``, owner set by the kubelet's ``setNodeOwnerFunc``): no acquireTime, renewed
    from ``now_ms`` on."""
    meta = node["metadata"]
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": meta["name"], "namespace": LEASE_NAMESPACE,
                         "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": meta["name"],
                                              "uid": meta.get("uid", "")}]},
            "spec": {"holderIdentity": meta["name"], "leaseDurationSeconds": LEASE_DURATION_SECONDS,
                     "renewTime": rfc3339_micro(now_ms)}}


def internal_ip(node: dict) -> str:
    for a in (node.get("status") or {}).get("addresses") or []:
        if a.get("type") == "InternalIP":
            return a.get("address", "")
    return ""


def _fraction(value):
    """Fraction(value) of a request's value: the same few strings over and over (every pod of a Deployment asks the
    same), and parsing one costs a regular expression match. ``fractions`` is imported on first use (a command that
    reads no request does not load it)."""
    if type(value) is not str:
        from fractions import Fraction

        return Fraction(value)
    return _parsed_fraction(value)


@lru_cache(maxsize=4096)  # the requests' values as written ("1/10", "209715200"), parsed once
def _parsed_fraction(text: str):
    from fractions import Fraction

    return Fraction(text)


class NodeState:
    """A node's runtime record, read once and written back by ``save`` (one per node per loop run)."""

    __slots__ = ("name", "index", "_requested", "_requested_text", "images", "last_ip", "stopped_at", "unschedulable",
                 "status_sync_at", "version", "_tx", "_dirty")

    def __init__(self, tx, name: str, rec: dict) -> None:
        self._tx = tx
        self.name = name
        self.index = int(rec.get("index", 1))
        self._requested: dict | None = None  # parsed on first use (fractions costs ~3 ms a command)
        self._requested_text = rec.get("requested") or {}
        self.version = 0  # counts the changes of ``requested`` (the scheduler's caches are keyed on it)
        self.images: list[str] = list(rec.get("images") or [])
        self.last_ip = int(rec.get("last_ip", 0))
        self.stopped_at: int | None = rec.get("stopped_at")
        self.unschedulable = bool(rec.get("unschedulable"))  # as its kubelet last recorded it (an event each change)
        self.status_sync_at: int | None = rec.get("status_sync_at")  # its next node status sync with work to do
        self._dirty = False

    @classmethod
    def load(cls, tx, name: str) -> "NodeState | None":
        rec = tx.get_runtime(KIND, "", name)
        return None if rec is None else cls(tx, name, rec)

    @classmethod
    def create(cls, tx, name: str, index: int) -> "NodeState":
        st = cls(tx, name, {"index": index})
        st._dirty = True
        st.save()
        return st

    @property
    def requested(self) -> dict:
        """What the pods bound to the node request, as exact Fractions by resource name."""
        if self._requested is None:
            from fractions import Fraction

            self._requested = {k: Fraction(v) for k, v in self._requested_text.items()}
        return self._requested

    def add_requests(self, req: dict, sign: int) -> None:
        requested = self.requested
        for k, v in req.items():
            add = _fraction(v) if sign == 1 else sign * _fraction(v)
            held = requested.get(k)
            requested[k] = add if held is None else held + add
        self.version += 1
        self._dirty = True

    def has_image(self, normalized: str) -> bool:
        return normalized in self.images

    def add_image(self, normalized: str) -> None:
        if normalized not in self.images:
            self.images.append(normalized)
            self.images.sort()
            self._dirty = True

    def next_pod_ip(self) -> str:
        self.last_ip += 1
        self._dirty = True
        return f"10.244.{self.index - 1}.{2 + (self.last_ip - 1) % 253}"

    def set_stopped(self, at_ms: int | None) -> None:
        self.stopped_at = at_ms
        self._dirty = True

    def save(self, force: bool = False) -> None:
        if not (self._dirty or force):
            return
        rec = {"index": self.index, "requested": {k: str(self.requested[k]) for k in sorted(self.requested)},
               "images": self.images, "last_ip": self.last_ip}
        if self.stopped_at is not None:
            rec["stopped_at"] = self.stopped_at
        if self.unschedulable:
            rec["unschedulable"] = True
        if self.status_sync_at is not None:
            rec["status_sync_at"] = self.status_sync_at
        self._tx.put_runtime(KIND, "", self.name, rec, self.status_sync_at)
        self._dirty = False


def stopped_at(tx, name: str) -> int | None:
    """When the kubelet of node ``name`` was stopped (None: it runs, or the node has no kubelet)."""
    rec = tx.get_runtime(KIND, "", name)
    return None if rec is None else rec.get("stopped_at")


def bootstrap(tx) -> None:
    """node1, the node of every new store, registered with its kubelet's state and its node lease."""
    node = tx.create(new_node(DEFAULT_NODE, 1, tx.now_ms, control_plane=True))
    tx.create(node_lease(node, tx.now_ms))
    tx.set_meta("counter:nodes", "1")
    NodeState.create(tx, DEFAULT_NODE, 1)

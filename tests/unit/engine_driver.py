"""The engine driven the way the unit tests of the kubelet and the scheduler drive it: inside one store
transaction, objects written straight to the store (their change feed is what the engine reacts to), virtual
time moved through the cluster's loop. Names follow the engine's former hook functions so tests read as
before; each call is what a command does with ``minikctl.cluster.Cluster``."""

from __future__ import annotations

from minikctl.cluster import Cluster


def _cluster(tx) -> Cluster:
    return Cluster(tx)


def pod_created(tx, pod: dict) -> None:
    """The pod was stored (``tx.create``): let the scheduler and the kubelet react."""
    _cluster(tx).settle()


def pod_updated(tx, old: dict, new: dict) -> None:
    """The pod was rewritten (``tx.update``): let the cluster react."""
    _cluster(tx).settle()


def cluster_changed(tx) -> None:
    _cluster(tx).settle()


def pod_deleting(tx, pod: dict, grace: int) -> None:
    cl = _cluster(tx)
    cl.api.delete(pod, grace=grace)
    cl.settle()


def advance(tx, to_ms: int) -> None:
    _cluster(tx).advance_to(to_ms)


def next_wake(tx) -> int | None:
    return _cluster(tx).next_wake()


def pod_logs(tx, pod: dict, container: str, previous: bool):
    return _cluster(tx).logs(pod, container, previous)


def pod_exec(tx, pod: dict, container: str, argv: list[str], timeout_s: float | None = None):
    return _cluster(tx).exec(pod, container, argv, timeout_s)


def pod_assumptions(tx, pod: dict):
    return _cluster(tx).assumptions(pod)


def ensure_node(tx) -> dict:
    _cluster(tx)  # a new store gets its node
    return tx.get("Node", "", "node1")

"""minikctl top: there is no metrics pipeline in the simulation, so it answers as a cluster without metrics-server."""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Group, Opt


def _no_metrics() -> None:
    from minikctl.kube.errors import ClientError

    raise ClientError("Metrics API not available")


def top_pod(
    args: list[str] | None = Arg(None, help="[NAME]"),
    namespace: str | None = c.NAMESPACE,
    all_namespaces: bool = c.ALL_NAMESPACES,
    selector: str | None = c.SELECTOR,
    containers: bool = Opt(False, "--containers", help="Show the metrics of each container."),
) -> None:
    """Display resource (CPU/memory) usage of pods (simulated pods report none)."""
    _no_metrics()


def top_node(
    args: list[str] | None = Arg(None, help="[NAME]"),
    selector: str | None = c.SELECTOR,
) -> None:
    """Display resource (CPU/memory) usage of nodes (the simulated node reports none)."""
    _no_metrics()


COMMANDS = {"top": Group("Display resource (CPU/memory) usage.", {"pod": top_pod, "pods": top_pod, "po": top_pod,
                                                                   "node": top_node, "nodes": top_node,
                                                                   "no": top_node})}

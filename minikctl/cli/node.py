"""minikctl node stop|start NAME: stop and start a simulated node's kubelet (not a kubectl command).

A stopped kubelet renews no Lease and posts no status; its pods' containers stay as they were. The node
lifecycle controller then marks the node (Ready=Unknown, the ``unreachable`` taints) once the node-monitor
grace period has passed, and taint-based eviction follows (engine/controllers/nodelifecycle.py,
tainteviction.py). Starting it again makes the node Ready and lets its kubelet catch up with its pods.
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Group


def _switch(name: str, store: str | None, tick: str | None, start: bool) -> None:
    from minikctl.kube import errors as E

    with c.session(store, tick) as cluster:
        if not cluster.tx.exists("Node", "", name):
            raise E.NotFound("nodes", name)
        kubelet = cluster.loop.kubelet
        if start:
            kubelet.start_node(name)
        else:
            kubelet.stop_node(name)
    c.out(f"node/{name} {'started' if start else 'stopped'}\n")


def stop(name: str = Arg(..., help="The node whose kubelet stops."), store: str | None = c.STORE,
         tick: str | None = c.TICK) -> None:
    """Stop a node's kubelet: no more lease renewals or status; the node lifecycle controller reacts."""
    _switch(name, store, tick, start=False)


def start(name: str = Arg(..., help="The node whose kubelet starts again."), store: str | None = c.STORE,
          tick: str | None = c.TICK) -> None:
    """Start a stopped node's kubelet again: the node becomes Ready, its pods are synced."""
    _switch(name, store, tick, start=True)


COMMANDS = {"node": Group("Stop and start simulated nodes' kubelets.", {"stop": stop, "start": start})}

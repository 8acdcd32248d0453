"""Room on the simulated nodes for a bench's pods: the default node allows 110 pods, 4 CPUs and 16Gi
(minikctl/engine/nodes.py DEFAULT_CAPACITY), fewer than most benches create.

The node's status is rewritten the way README.md shows capacity being faked on a real cluster (a status write
of ``capacity`` and ``allocatable``), by the benches' own client, before what they time or right at its start.
"""

from __future__ import annotations


def give_room(cluster, pods: int, nodes=("node1",)) -> None:
    """Each of ``nodes`` (node1 unless told) gets room for ``pods`` pods, 1000 CPUs and 1Ti of memory, in its
    capacity and its allocatable, written as one status write per node."""
    for name in nodes:
        node = cluster.tx.get("Node", "", name)
        for key in ("capacity", "allocatable"):
            node["status"][key].update({"pods": str(pods), "cpu": "1000", "memory": "1Ti"})
        cluster.api.write_status(node)

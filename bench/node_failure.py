"""Node failure: 10 nodes with 100 running pods each (a ReplicaSet of 1,000 nginx pods spread by the
scheduler), one node's kubelet stopped, then `clock advance 10m`: the node lifecycle controller marks it after the
grace period, taint-based eviction deletes its pods 300 s later and the ReplicaSet replaces them elsewhere.
Prints wall and CPU time of the advance (target < 2 s).

Usage: python bench/node_failure.py [--nodes N] [--per-node P]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minikctl.cluster import Cluster  # noqa: E402
from minikctl.store.db import Store  # noqa: E402
from node_room import give_room  # noqa: E402  (bench/node_room.py, beside this script)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=10)
    ap.add_argument("--per-node", type=int, default=100)
    a = ap.parse_args()
    total = a.nodes * a.per_node
    with tempfile.TemporaryDirectory() as d:
        store = Store(Path(d) / "s.db")
        with store.transaction() as tx:
            cluster = Cluster(tx)
            for i in range(2, a.nodes + 1):
                cluster.api.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"node{i}"}})
            cluster.settle()
            # room for the replacements too
            give_room(cluster, 2 * a.per_node + 10, [f"node{i}" for i in range(1, a.nodes + 1)])
            cluster.api.create({
                "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web", "namespace": "default"},
                "spec": {"replicas": total, "selector": {"matchLabels": {"app": "web"}},
                         "template": {"metadata": {"labels": {"app": "web"}},
                                      "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2"}]}}}})
            cluster.settle()
            cluster.advance_to(tx.now_ms + 10_000)  # pulled and running -- not timed
            on = {}
            for p in tx.list("Pod", "default"):
                on[p["spec"].get("nodeName")] = on.get(p["spec"].get("nodeName"), 0) + 1
            cluster.loop.kubelet.stop_node("node2")
            cluster.settle()
        with store.transaction() as tx:
            cluster = Cluster(tx)
            t0, c0 = time.perf_counter(), time.process_time()
            cluster.advance_to(tx.now_ms + 600_000)
            tx.flush_events()
            wall = time.perf_counter() - t0
            cpu = time.process_time() - c0
            evicted = sum(1 for p in tx.list("Pod", "default") if p["metadata"].get("deletionTimestamp"))
            running = sum(1 for p in tx.list("Pod", "default") if not p["metadata"].get("deletionTimestamp")
                          and p["spec"].get("nodeName") != "node2")
        store.close()
    print(f"node failure: {a.nodes} nodes, {total} pods ({on.get('node2', 0)} on the stopped node2), advance 600s: "
          f"wall {wall:.3f}s (cpu {cpu:.3f}s), {evicted} evicted pods left Terminating, {running} pods on the "
          f"other nodes — target < 2 s: {'OK' if wall < 2 else 'MISSED'}")


if __name__ == "__main__":
    main()

"""StatefulSet and DaemonSet controller speed. Prints wall and CPU time of each scenario.

  1. a StatefulSet of N replicas (OrderedReady, nginx-slim) from apply to every pod Running and Ready: N ordered
     creations, each at the instant its predecessor is ready;
  2. the same with podManagementPolicy Parallel;
  3. its rolling update to a new image, to completion (N ordered replacements);
  4. a DaemonSet on N nodes from apply to every pod Ready, then its rolling update (maxUnavailable 10%).

Usage: python bench/stsds_speed.py [--replicas N] [--nodes N]
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minikctl.cluster import Cluster  # noqa: E402
from minikctl.store.db import Store  # noqa: E402
from node_room import give_room  # noqa: E402  (bench/node_room.py, beside this script)


def web(n: int, policy: str) -> dict:
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"serviceName": "nginx", "replicas": n, "podManagementPolicy": policy,
                     "selector": {"matchLabels": {"app": "nginx"}},
                     "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [
                         {"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24",
                          "resources": {"requests": {"cpu": "1m"}}}]}}}}


def daemonset() -> dict:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "agent"}},
                     "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}},
                     "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [
                         {"name": "agent", "image": "registry.k8s.io/nginx-slim:0.24"}]}}}}


def timed(label: str, fn) -> None:
    with tempfile.TemporaryDirectory() as d:
        store = Store(Path(d) / "s.db")
        with store.transaction() as tx:
            cl = Cluster(tx)
            w0, c0 = time.perf_counter(), time.process_time()
            detail = fn(cl)
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(f"{label:<58} {wall:6.2f} s wall  {cpu:6.2f} s cpu   {detail}")


def ready(cl: Cluster, kind: str, name: str, field: str, want: int, limit_ms: int) -> int:
    start = cl.now_ms
    cl.run_until(lambda: int((cl.tx.get(kind, "default", name).get("status") or {}).get(field) or 0) >= want,
                 start + limit_ms)
    return cl.now_ms - start


def sts_scenario(n: int, policy: str, update: bool):
    def run(cl: Cluster) -> str:
        give_room(cl, max(110, n))
        cl.api.create(web(n, policy))
        took = ready(cl, "StatefulSet", "web", "readyReplicas", n, 3_600_000)
        out = f"all {n} ready after {took / 1000:.0f} virtual s"
        if update:
            old = cl.tx.get("StatefulSet", "default", "web")
            new = copy.deepcopy(old)
            new["spec"]["template"]["spec"]["containers"][0]["image"] = "registry.k8s.io/nginx-slim:0.27"
            cl.api.update(old, new)
            start = cl.now_ms
            cl.run_until(lambda: (cl.tx.get("StatefulSet", "default", "web")["status"].get("currentRevision")
                                  == cl.tx.get("StatefulSet", "default", "web")["status"].get("updateRevision")),
                         start + 3_600_000)
            out += f"; updated after {(cl.now_ms - start) / 1000:.0f} virtual s"
        return out
    return run


def ds_scenario(nodes: int):
    def run(cl: Cluster) -> str:
        for i in range(2, nodes + 1):
            cl.api.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"node{i}"}})
        cl.settle()
        cl.api.create(daemonset())
        took = ready(cl, "DaemonSet", "agent", "numberReady", nodes, 3_600_000)
        old = cl.tx.get("DaemonSet", "default", "agent")
        new = copy.deepcopy(old)
        new["spec"]["template"]["spec"]["containers"][0]["image"] = "registry.k8s.io/nginx-slim:0.27"
        cl.api.update(old, new)
        upd = ready(cl, "DaemonSet", "agent", "updatedNumberScheduled", nodes, 3_600_000)
        cl.run_until(lambda: (cl.tx.get("DaemonSet", "default", "agent")["status"].get("numberAvailable") or 0)
                     >= nodes, cl.now_ms + 3_600_000)
        return f"{nodes} pods ready after {took / 1000:.0f} virtual s; updated after {upd / 1000:.0f} virtual s"
    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicas", type=int, default=100)
    ap.add_argument("--nodes", type=int, default=100)
    a = ap.parse_args()
    timed(f"StatefulSet {a.replicas} replicas OrderedReady, to all Ready", sts_scenario(a.replicas, "OrderedReady", False))
    timed(f"StatefulSet {a.replicas} replicas Parallel, to all Ready", sts_scenario(a.replicas, "Parallel", False))
    timed(f"StatefulSet {a.replicas} replicas, Ready then rolled to a new image",
          sts_scenario(a.replicas, "OrderedReady", True))
    timed(f"DaemonSet on {a.nodes} nodes, Ready then rolled (maxUnavailable 10%)", ds_scenario(a.nodes))


if __name__ == "__main__":
    main()

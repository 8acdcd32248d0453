"""Deployment speed: a Deployment of 1,000 replicas on 10 simulated nodes (110 pods each).

  1. apply: create the Deployment and let virtual time run until every pod is Ready (what
     ``minikctl apply -f`` then ``minikctl rollout status`` do) — target < 3 s wall;
  2. rolling update: change the image (``set image``) and run until the rollout is complete — target < 5 s wall.

Each phase is one store transaction through ``minikctl.cluster.Cluster``, committed, as a command's is; the figures
are wall and CPU time and the virtual time the phase covered.

Usage: python bench/deployment_speed.py [--replicas N] [--nodes N] [--profile]
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from command_gc import collect_as_a_command  # noqa: E402  (bench/command_gc.py, beside this script)
from minikctl.cluster import Cluster  # noqa: E402
from minikctl.store.db import Store  # noqa: E402


def deployment(replicas: int) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "big", "namespace": "default", "labels": {"app": "big"}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "big"}},
                     "template": {"metadata": {"labels": {"app": "big"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2",
                                                           "ports": [{"containerPort": 80}]}]}}}}


def node(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}}


def rolled_out(cluster: Cluster, replicas: int) -> bool:
    d = cluster.tx.get("Deployment", "default", "big")
    st = d.get("status") or {}
    return (d["metadata"].get("generation") == st.get("observedGeneration") and st.get("updatedReplicas") == replicas
            and st.get("replicas") == replicas and st.get("availableReplicas") == replicas)


def phase(store: Store, label: str, action, replicas: int) -> float:
    t0, c0 = time.perf_counter(), time.process_time()
    with store.transaction() as tx:
        cluster = Cluster(tx)
        cluster.tick(1000)
        v0 = tx.now_ms
        action(cluster)
        cluster.settle()
        done = cluster.run_until(lambda: rolled_out(cluster, replicas), tx.now_ms + 3600_000)
        virtual = (tx.now_ms - v0) / 1000
        pods = tx.count("Pod")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{label:<34} wall {wall:6.2f} s   cpu {cpu:6.2f} s   virtual {virtual:5.0f} s   pods {pods}"
          f"{'' if done else '   NOT DONE'}")
    return wall


def main() -> int:
    collect_as_a_command()  # bench/command_gc.py: the collector as the command sets it
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicas", type=int, default=1000)
    ap.add_argument("--nodes", type=int, default=10)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        store = Store(str(Path(d) / "store.db"))
        t0 = time.perf_counter()
        with store.transaction() as tx:
            cluster = Cluster(tx)  # node1 is there on a new store
            for i in range(2, args.nodes + 1):
                cluster.api.create(node(f"node{i}"))
            cluster.settle()
        print(f"{args.nodes} nodes{'':<25} wall {time.perf_counter() - t0:6.2f} s")

        def apply(cluster: Cluster) -> None:
            cluster.api.create(deployment(args.replicas))

        def set_image(cluster: Cluster) -> None:
            live = cluster.tx.get("Deployment", "default", "big")
            new = copy.deepcopy(live)
            new["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.16.1"
            cluster.api.update(live, new)

        run = [("apply: all pods Ready", apply), ("rolling update: rollout complete", set_image)]
        if args.profile:
            import cProfile
            import pstats

            for label, action in run:
                prof = cProfile.Profile()
                prof.enable()
                phase(store, label, action, args.replicas)
                prof.disable()
                pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
        else:
            for label, action in run:
                phase(store, label, action, args.replicas)
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

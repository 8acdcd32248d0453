"""Engine speed: 1,000 running pods with liveness+readiness probes advanced 1 h, and 1,000
crash-looping pods advanced 24 h. Prints events/s and wall time for each (targets: < 2 s each).

Usage: python bench/engine_speed.py [--pods N]

How the engine stays cheap: steady passing probes go dormant (re-armed when anything else happens
in the pod, or when a listener changes by itself); one-container crash loops are fast-forwarded
from their second back-off decision (doubling then capped back-off computed in closed form, event
counts bumped in bulk); a pod is stepped in memory while it stays first in the total order.
The node is given room for every pod (the default node allows 110). During an advance the wake-up
order is kept in memory and runtime records and pod updates are written back once, at its end; a pod's
stored events are read in one query.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minikctl.cluster import Cluster  # noqa: E402
from minikctl.store.db import Store  # noqa: E402
from node_room import give_room  # noqa: E402  (bench/node_room.py, beside this script)
from command_gc import collect_as_a_command  # noqa: E402  (bench/command_gc.py, beside this script)


def pod(name: str, container: dict) -> dict:
    c = {"imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log",
         "terminationMessagePolicy": "File", **container}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [c], "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
                     "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler"},
            "status": {"phase": "Pending", "qosClass": "BestEffort"}}


def probe(kind: str) -> dict:
    return {"httpGet": {"path": "/", "port": 80, "scheme": "HTTP"}, "initialDelaySeconds": 5 if kind == "l" else 0,
            "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3}


def make_store(path: Path, n: int, make, start: bool = True, digits: int = 4) -> Store:
    """A new store at ``path`` whose node has room for ``n`` pods, with the pods ``make(name)`` gives (names
    ``p0000``... with ``digits`` digits), settled, and with ``start`` the next 10 s run (pulled, started, and
    crashing where they crash) -- not timed."""
    store = Store(path)
    with store.transaction() as tx:
        cluster = Cluster(tx)  # a new store gets its node
        give_room(cluster, max(110, n))  # room for every pod (the default allows 110)
        for i in range(n):
            tx.create(make(f"p{i:0{digits}d}"))
        cluster.settle()
        if start:
            cluster.advance_to(tx.now_ms + 10_000)
    return store


def scenario(label: str, n: int, make, advance_ms: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        store = make_store(Path(d) / "s.db", n, make)
        with store.transaction() as tx:
            cluster = Cluster(tx)
            before = sum(e.get("count", 1) for e in tx.list_events())
            rv0 = int(tx.meta("revision"))
            t0, c0 = time.perf_counter(), time.process_time()
            cluster.advance_to(tx.now_ms + advance_ms)
            tx.flush_events()  # events aggregated in memory are written back at commit: part of the cost
            wall = time.perf_counter() - t0
            cpu = time.process_time() - c0
            after = sum(e.get("count", 1) for e in tx.list_events())
            writes = int(tx.meta("revision")) - rv0
        store.close()
    events = after - before
    # cpu: this process's CPU time, steadier than wall time on a shared or throttled machine
    print(f"{label}: {n} pods, advance {advance_ms // 1000}s: wall {wall:.3f}s (cpu {cpu:.3f}s), "
          f"{events} events ({events / wall if wall else 0:.0f} events/s), {writes} object/event writes"
          f" — target < 2 s: {'OK' if wall < 2 else 'MISSED'}")


def main() -> None:
    collect_as_a_command()  # bench/command_gc.py: the collector as the command sets it
    # the events of the advance are counted as written: none expire during it (a new store keeps events for an
    # hour, the apiserver's --event-ttl; MINIKCTL_EVENT_TTL=1h on the command line measures that cost too)
    os.environ.setdefault("MINIKCTL_EVENT_TTL", "0")
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=1000)
    a = ap.parse_args()
    scenario("probed nginx", a.pods, lambda name: pod(name, {
        "name": "nginx", "image": "nginx:1.14.2", "ports": [{"containerPort": 80, "protocol": "TCP"}],
        "livenessProbe": probe("l"), "readinessProbe": probe("r")}), 3_600_000)
    scenario("crash loop", a.pods, lambda name: pod(name, {
        "name": "crash", "image": "busybox:1.36", "command": ["sh", "-c", "echo boom; exit 1"]}), 86_400_000)


if __name__ == "__main__":
    main()

"""Services speed: P pods behind S Services, every pod's readiness flapping every 30 s (a container that makes and
removes the file its exec readiness probe reads), the clock advanced H virtual hours in one `clock advance` (one
transaction, as the command runs it). The endpoints and EndpointSlice controllers must batch: each Service is
synced once per instant for all the pod changes that queued it (their work queues), from informer caches.

Prints the wall and CPU time of the advance, the pods' Ready transitions, and the writes of Endpoints and
EndpointSlices. ``--no-services`` runs the same pods without Services (the cost of the pods alone; on a checkout
without Services that is all it can run), so the controllers' share is the difference.

Target (issue 12): 1,000 pods behind 10 Services, readiness flapping every 30 s, `clock advance 1h` < 3 s.

``--phases`` prints the CPU time of the advance's parts, each measured around its own calls (the process clock
read on entering and leaving them): the stepped minutes (``Loop.run``) and, within them, the kubelet's wake-ups, the
changes handed to the watchers and the endpoints controllers' syncs; the flapping-minutes skip's states, comparison
and jump (engine/flapskip.py). A profiler charges each Python call its own overhead, which makes the parts made of
many small calls look several times larger than they are; these are the CPU times.

Usage: python bench/services_speed.py [--pods 1000] [--services 10] [--hours 1] [--no-services] [--profile]
       [--phases]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minikctl.cluster import Cluster  # noqa: E402
from minikctl.store.db import Store  # noqa: E402
from node_room import give_room  # noqa: E402  (bench/node_room.py, beside this script)
from command_gc import collect_as_a_command  # noqa: E402  (bench/command_gc.py, beside this script)

FLAP = "while true; do touch /tmp/ready; sleep 30; rm -f /tmp/ready; sleep 30; done"


def pod(i: int, services: int) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"p{i:04d}", "namespace": "default", "labels": {"svc": f"s{i % services}"}},
            "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", FLAP],
                                     "ports": [{"containerPort": 8080, "name": "http"}],
                                     "readinessProbe": {"exec": {"command": ["cat", "/tmp/ready"]},
                                                        "periodSeconds": 10, "failureThreshold": 1}}]}}


def service(j: int) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"s{j}", "namespace": "default"},
            "spec": {"selector": {"svc": f"s{j}"}, "ports": [{"port": 80, "targetPort": "http"}]}}


WRITES: dict = {}
PHASES: dict = {}  # name -> CPU seconds spent in it (``_time_phases``)


def _time_phases() -> None:
    """Measure the CPU time of the advance's parts around their calls (``--phases``)."""
    from minikctl.engine import flapskip
    from minikctl.engine.controllers import endpoints
    from minikctl.engine.kubelet import Kubelet
    from minikctl.engine.loop import Loop

    parts = [("stepped minutes (Loop.run)", Loop, "run"),
             ("  kubelet wake-ups (Kubelet.due)", Kubelet, "due"),
             ("  changes to watchers (Loop.dispatch)", Loop, "dispatch"),
             ("  endpoints syncs (_ServicePods.due)", endpoints._ServicePods, "due"),
             ("skip: states (_FlapState)", flapskip._FlapState, "__init__"),
             ("skip: comparison (_Learned)", flapskip._Learned, "__init__"),
             ("skip: jump (_Learned.jump)", flapskip._Learned, "jump")]
    for label, owner, name in parts:
        PHASES[label] = 0.0  # printed in this order
        orig = getattr(owner, name)

        def timed(*args, _orig=orig, _label=label, **kw):
            c0 = time.process_time()
            try:
                return _orig(*args, **kw)
            finally:
                PHASES[_label] += time.process_time() - c0

        setattr(owner, name, timed)


def _count_writes() -> None:
    """Count the Endpoints and EndpointSlice writes through the API (the change log keeps only the last 20,000)."""
    from minikctl.api.server import Api

    for verb in ("create", "update"):
        orig = getattr(Api, verb)

        def counted(self, obj, *args, _orig=orig, **kw):
            kind = obj.get("kind", "")
            if kind in ("Endpoints", "EndpointSlice"):
                WRITES[kind] = WRITES.get(kind, 0) + 1
            return _orig(self, obj, *args, **kw)

        setattr(Api, verb, counted)


def main() -> None:
    collect_as_a_command()  # bench/command_gc.py: the collector as the command sets it
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=1000)
    ap.add_argument("--services", type=int, default=10)
    ap.add_argument("--hours", type=float, default=1)
    ap.add_argument("--no-services", action="store_true")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--phases", action="store_true")
    a = ap.parse_args()
    _count_writes()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "s.db"
        store = Store(path)
        with store.transaction() as tx:
            cl = Cluster(tx)
            give_room(cl, max(110, 2 * a.pods))
            if not a.no_services:
                for j in range(a.services):
                    cl.api.create(service(j))
            for i in range(a.pods):
                cl.api.create(pod(i, a.services))
            cl.settle()
        with store.transaction() as tx:  # every pod running, its first probes done
            Cluster(tx).advance_to(tx.now_ms + 15_000)
        before = dict(WRITES)
        if a.phases:
            _time_phases()  # after the setup: the advance's parts alone
        prof = cProfile.Profile(time.process_time) if a.profile else None
        t0, c0 = time.perf_counter(), time.process_time()
        if prof:
            prof.enable()
        with store.transaction() as tx:
            Cluster(tx).advance_to(tx.now_ms + int(a.hours * 3600_000))
        if prof:
            prof.disable()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        after = dict(WRITES)
        ready = store.conn.execute(
            "SELECT count(*) FROM objects, json_each(objects.body, '$.status.conditions') AS c WHERE kind='Pod' "
            "AND json_extract(c.value, '$.type')='Ready' AND json_extract(c.value, '$.status')='True'").fetchone()[0]
        store.close()
        what = "no Services" if a.no_services else f"{a.services} Services"
        print(f"{a.pods} pods, {what}, readiness flapping every 30 s, advance {a.hours:g} h: {wall:.2f} s wall, "
              f"{cpu:.2f} s cpu; Endpoints writes {after.get('Endpoints', 0) - before.get('Endpoints', 0)}, "
              f"EndpointSlice writes {after.get('EndpointSlice', 0) - before.get('EndpointSlice', 0)}; {ready} pods ready "
              "at the end; target < 3 s")
        for label, spent in PHASES.items():
            print(f"{label:40s} {spent:6.2f} s cpu")
        if prof:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()

"""Cost that grows with what happens, not with how long (issue 10): chatty pods, pods that never get ready, a big
store's first minute, and what a running pod takes in the store.

  chatty       N pods running the ``counter`` loop of the kubernetes.io debugging tutorials (a line a second with a
               counter and ``date``), ``clock advance 24h``; then ``logs --tail=10`` of one of them, in process and
               through the CLI (targets: < 5 s, < 100 ms)
  never-ready  N nginx pods whose readiness probe never passes, ``clock advance 24h`` (target < 2 s)
  never-ready-busy  the same among one pod whose readiness flaps every 30 s behind a Service (its status, the
               Endpoints and EndpointSlices written between the probes, whose writes take their revisions in
               order), ``clock advance 24h`` (target < 2 s)
  big          10,000 pods created (as ``apply -f`` stores them: bound and settled at the instant, nothing pulled or
               started), on a node with room for all of them, then ``clock advance 1m``: every pull and start
               (target < 3 s)
  store        bytes of the store per running pod (counter pods, after the advance; target <= 12 KiB)
  tick         ``get pods`` and ``logs --tail=10`` through the CLI on the chatty store, with the default 1 s tick
               and with ``MINIKCTL_TICK=0`` (target: <= 1.5x)
  writer       one pod printing 2 KiB lines without sleeping (about 40 MB a virtual second), ``clock advance 10m``:
               the time and the store's size (the issue's bad input: no hang, a bounded store)

Usage: python bench/chatty_speed.py [--pods N] [--only chatty,never-ready,never-ready-busy,big,store,tick,writer] [--hours H]
Prints wall and CPU time per case. Run it with this checkout's code and with another's (PYTHONPATH) to compare.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from minikctl.cluster import Cluster  # noqa: E402
from minikctl.store.db import Store  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import engine_speed  # noqa: E402  (the pods and stores of the issue-4 benches)
from engine_speed import pod  # noqa: E402
from node_room import give_room  # noqa: E402
from command_gc import collect_as_a_command  # noqa: E402  (bench/command_gc.py, beside this script)

COUNTER = 'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done'


def counter(name: str) -> dict:
    return pod(name, {"name": "count", "image": "busybox:1.28", "command": ["sh", "-c", COUNTER]})


def never_ready(name: str) -> dict:
    return pod(name, {"name": "nginx", "image": "nginx:1.14.2", "readinessProbe": {
        "httpGet": {"path": "/", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 1,
        "successThreshold": 1, "failureThreshold": 3}})


def flapping(name: str) -> dict:
    """Ready for 30 s, not ready for 30 s, again and again (an exec probe reading a file its loop makes and
    removes)."""
    p = pod(name, {"name": "c", "image": "busybox:1.36", "command": [
        "sh", "-c", "while true; do touch /tmp/ready; sleep 30; rm -f /tmp/ready; sleep 30; done"],
        "readinessProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 10, "failureThreshold": 1}})
    p["metadata"]["labels"] = {"app": "flap"}
    return p


def make_store(path: Path, n: int, make, start: bool = True) -> Store:
    return engine_speed.make_store(path, n, make, start, digits=5)


def timed_advance(store: Store, ms: int) -> tuple[float, float]:
    with store.transaction() as tx:
        cluster = Cluster(tx)
        t0, c0 = time.perf_counter(), time.process_time()
        cluster.advance_to(tx.now_ms + ms)
        tx.flush_events()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return wall, cpu


def cli(args: list[str], store: Path, env: dict | None = None) -> tuple[float, str]:
    e = dict(os.environ, MINIKCTL_STORE=str(store), **(env or {}))
    e.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled modules are cached (the first run warms them)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "minikctl", *args], env=e, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    if out.returncode:
        raise SystemExit(f"minikctl {' '.join(args)} failed: {out.stderr}")
    return wall, out.stdout


def store_bytes(path: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()
    return path.stat().st_size


WRITER = ("x=0123456789abcdef; x=$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x$x$x; x=$x$x; "
          "while true; do echo $x; done")  # 2 KiB lines without a sleep: about 40 MB a virtual second


def writer(name: str) -> dict:
    return pod(name, {"name": "w", "image": "busybox:1.36", "command": ["sh", "-c", WRITER]})


def main() -> None:
    collect_as_a_command()  # bench/command_gc.py: the collector as the command sets it
    os.environ.setdefault("MINIKCTL_EVENT_TTL", "0")
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=1000)
    ap.add_argument("--hours", type=float, default=24)
    ap.add_argument("--only", default="chatty,never-ready,never-ready-busy,big,store,tick,writer")
    a = ap.parse_args()
    only = set(a.only.split(","))
    ms = int(a.hours * 3_600_000)
    with tempfile.TemporaryDirectory() as d:
        if only & {"chatty", "store", "tick"}:
            path = Path(d) / "chatty.db"
            # timed from the pods' creation: their pulls and starts, the loops' first iterations and whatever the
            # engine does to skip the rest all count
            store = make_store(path, a.pods, counter, start=False)
            wall, cpu = timed_advance(store, ms)
            print(f"chatty: {a.pods} counter pods, advance {a.hours:g}h from their creation: wall {wall:.3f}s "
                  f"(cpu {cpu:.3f}s) — target < 5 s: {'OK' if wall < 5 else 'MISSED'}")
            with store.transaction() as tx:
                cluster = Cluster(tx)
                p = tx.get("Pod", "default", "p00000")
                t0 = time.perf_counter()
                try:
                    lines = cluster.logs(p, "count", False, tail=10)
                except TypeError:  # a checkout before the log table reads every line
                    lines = cluster.logs(p, "count", False)[-10:]
                wall = time.perf_counter() - t0
            store.close()
            print(f"chatty: logs --tail=10 in process: {wall * 1000:.1f} ms, last line {lines[-1][1]!r}")
            wall = min(cli(["logs", "p00000", "--tail=10"], path, {"MINIKCTL_TICK": "0"})[0] for _ in range(4))
            base = min(cli(["version", "--client"], path)[0] for _ in range(3))
            print(f"chatty: minikctl logs p00000 --tail=10: {wall * 1000:.0f} ms (minikctl version --client: "
                  f"{base * 1000:.0f} ms) — target < 100 ms: {'OK' if wall < 0.1 else 'MISSED'}")
            if "store" in only:
                size = store_bytes(path)
                print(f"store: {size / a.pods / 1024:.1f} KiB per running pod ({size / 1024 / 1024:.1f} MiB)"
                      f" — target <= 12 KiB: {'OK' if size / a.pods <= 12 * 1024 else 'MISSED'}")
            if "tick" in only:
                for args in (["get", "pods"], ["logs", "p00000", "--tail=10"]):
                    best = {}
                    for tick in ("0", "1s"):
                        env = {"MINIKCTL_TICK": tick} if tick == "0" else {}
                        best[tick] = min(cli(args, path, env)[0] for _ in range(3))
                    ratio = best["1s"] / best["0"]
                    print(f"tick: minikctl {' '.join(args)}: {best['1s'] * 1000:.0f} ms with the 1 s tick, "
                          f"{best['0'] * 1000:.0f} ms without ({ratio:.2f}x) — target <= 1.5x: "
                          f"{'OK' if ratio <= 1.5 else 'MISSED'}")
        if "never-ready" in only:
            store = make_store(Path(d) / "ready.db", a.pods, never_ready, start=False)
            wall, cpu = timed_advance(store, ms)
            store.close()
            print(f"never-ready: {a.pods} pods, advance {a.hours:g}h from their creation: wall {wall:.3f}s (cpu {cpu:.3f}s)"
                  f" — target < 2 s: {'OK' if wall < 2 else 'MISSED'}")
        if "never-ready-busy" in only:
            store = make_store(Path(d) / "busy.db", a.pods, never_ready, start=False)
            with store.transaction() as tx:
                cluster = Cluster(tx)
                give_room(cluster, max(110, a.pods + 1))  # room for one more
                cluster.api.create({"apiVersion": "v1", "kind": "Service",
                                    "metadata": {"name": "flap", "namespace": "default"},
                                    "spec": {"selector": {"app": "flap"}, "ports": [{"port": 80, "targetPort": 8080}]}})
                cluster.api.create(flapping("flap"))
                cluster.settle()
            wall, cpu = timed_advance(store, ms)
            store.close()
            print(f"never-ready-busy: {a.pods} pods and one flapping behind a Service, advance {a.hours:g}h: "
                  f"wall {wall:.3f}s (cpu {cpu:.3f}s) — target < 2 s: {'OK' if wall < 2 else 'MISSED'}")
        if "writer" in only:  # issue 10's bad input: megabytes a virtual second, never a hang, a bounded store
            path = Path(d) / "writer.db"
            store = make_store(path, 1, writer, start=False)
            wall, cpu = timed_advance(store, 600_000)
            store.close()
            print(f"writer: one pod printing 2 KiB lines without sleeping, advance 10m: wall {wall:.3f}s "
                  f"(cpu {cpu:.3f}s), store {store_bytes(path) / 1024 / 1024:.1f} MiB")
        if "big" in only:
            # as `apply -f` leaves them: created and settled at the instant (bound, pulls begun), nothing run yet
            store = make_store(Path(d) / "big.db", 10_000, lambda name: pod(name, {"name": "nginx",
                                                                                   "image": "nginx:1.14.2"}),
                               start=False)
            wall, cpu = timed_advance(store, 60_000)
            store.close()
            print(f"big: 10000 pods, advance 1m: wall {wall:.3f}s (cpu {cpu:.3f}s)"
                  f" — target < 3 s: {'OK' if wall < 3 else 'MISSED'}")


if __name__ == "__main__":
    main()

"""Listing benchmark: what ``get`` costs on big stores (issue 10's "listing reads what it prints").

    .venv/bin/python bench/listing_speed.py [--runs 5] [--sizes 10000,50000] [--cache DIR]

Builds a store per size (N running pods, one in a thousand labelled app=x, the others app=bench; in-process,
through the API, then one settle), kept in ``--cache`` (default: a directory under the system's temp dir named
after this checkout) so that later runs start at once. Then times whole processes with ``MINIKCTL_TICK=0`` (no
engine work: the figures are the listing's own) and prints, per case, the median wall and CPU (user + sys)
times and the largest peak RSS beside the issue's target (a busy machine moves wall times more than CPU). Asserts nothing: people read the targets.

Cases: ``get pods`` at each size; at 10,000, ``get pods -l app=x`` (10 pods) against ``get pod X``,
``get pods --field-selector metadata.name=X``, ``get pods -o json`` and ``-o yaml``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

def minikctl() -> list[str]:
    script = Path(sys.executable).with_name("minikctl")
    return [str(script)] if script.exists() else [sys.executable, "-m", "minikctl"]


def measure(argv: list[str], env: dict, runs: int) -> tuple[float, float, float]:
    """(median wall ms, median CPU ms, max peak RSS MiB) over ``runs`` runs after one warm-up."""
    walls, cpus, peaks = [], [], []
    for i in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - start) * 1000
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(argv)} failed")
        if i:
            walls.append(wall)
            cpus.append((usage.ru_utime + usage.ru_stime) * 1000)
            peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(walls), statistics.median(cpus), max(peaks)


def populate(path: Path, n: int) -> None:
    """N pods created through the API in one transaction, then the cluster settles (scheduled, running)."""
    code = f"""
import os, sys
os.environ["MINIKCTL_STORE"] = {str(path)!r}
from minikctl.cluster import Cluster
from minikctl.store.db import open_store
store = open_store()
with store.transaction() as tx:
    cluster = Cluster(tx)
    for i in range({n}):
        cluster.api.create({{"apiVersion": "v1", "kind": "Pod", "metadata": {{
            "name": f"pod-{{i:05d}}", "namespace": "default",
            "labels": {{"app": "x" if i % 1000 == 7 else "bench", "n": str(i)}}}},
            "spec": {{"containers": [{{"name": "web", "image": "nginx:1.14.2"}}]}}}})
    cluster.settle()
store.close()
"""
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    code = code.replace(repr(str(path)), repr(str(tmp)))
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ, MINIKCTL_TICK="0"))
    subprocess.run([sys.executable, "-c", f"import sqlite3; c = sqlite3.connect({str(tmp)!r}); "
                    "c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()"], check=True)
    tmp.rename(path)
    for p in (Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    shutil.rmtree(Path(str(tmp) + ".queue"), ignore_errors=True)  # the builder's lock directory (store/lock.py)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="10000,50000")
    ap.add_argument("--cache", default=None)
    args = ap.parse_args()
    mk = minikctl()
    tag = hashlib.sha256(mk[0].encode()).hexdigest()[:10]  # one cache per installed minikctl
    cache = Path(args.cache or Path(tempfile.gettempdir()) / f"minikctl-listing-{tag}")
    cache.mkdir(parents=True, exist_ok=True)
    print(f"minikctl from {mk[0]}; stores in {cache}; MINIKCTL_TICK=0; median of {args.runs} runs")
    print(f"{'case':48} {'wall ms':>8} {'cpu ms':>7} {'peak MiB':>9}  target")
    for n in [int(s) for s in args.sizes.split(",") if s]:
        path = cache / f"pods-{n}.db"
        if not path.exists():
            t0 = time.perf_counter()
            populate(path, n)
            print(f"(built {path.name} in {time.perf_counter() - t0:.1f} s)")
        env = dict(os.environ, MINIKCTL_TICK="0", MINIKCTL_STORE=str(path))
        cases = [(f"get pods ({n:,} pods)", ["get", "pods"],
                  "< 150 ms, < 40 MiB" if n <= 10_000 else "< 500 ms, < 80 MiB")]
        if n == 10_000:
            cases += [("get pod X", ["get", "pod", "pod-00007"], ""),
                      ("get pods -l app=x (10 of 10,000)", ["get", "pods", "-l", "app=x"], "< 1.5x get pod X"),
                      ("get pods --field-selector metadata.name=X", ["get", "pods", "--field-selector",
                                                                       "metadata.name=pod-00007"], ""),
                      ("get pods -o json", ["get", "pods", "-o", "json"], "< 1 s, < 60 MiB"),
                      ("get pods -o yaml", ["get", "pods", "-o", "yaml"], ""),
                      ("get pods -o name", ["get", "pods", "-o", "name"], "")]
        for label, argv, target in cases:
            ms, cpu, mib = measure([*mk, *argv], env, args.runs)
            print(f"{label:48} {ms:8.0f} {cpu:7.0f} {mib:9.1f}  {target}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

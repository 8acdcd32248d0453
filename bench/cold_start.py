"""Cold-start benchmark: median wall time and peak RSS of whole minikctl processes, beside kubectl.

Run with the installed command (a venv's console script, so .pyc files exist):
    .venv/bin/python bench/cold_start.py [--runs 15]
Prints one row per case; asserts nothing (targets are read by people, not by tests).
"""

from __future__ import annotations

import argparse
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


def measure(argv: list[str], env: dict, runs: int) -> tuple[float, float]:
    """(median wall ms, max peak RSS MiB) over ``runs`` runs after one warm-up."""
    walls, peaks = [], []
    for i in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - start) * 1000
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}")
        if i:
            walls.append(wall)
            peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(walls), max(peaks)


def pod_yaml(i: int) -> str:
    return (f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{i:05d}\n  labels:\n    app: bench\nspec:\n"
            f"  containers:\n  - name: web\n    image: nginx:1.14.2\n    ports:\n    - containerPort: 80\n")


def populate(home: Path, n: int) -> None:
    """Create n pods through the API in-process (setup only; the timed runs are separate processes)."""
    os.environ["MINIKCTL_HOME"] = str(home)
    from minikctl.cluster import Cluster
    from minikctl.store.db import open_store

    store = open_store()
    with store.transaction() as tx:
        cluster = Cluster(tx)
        for i in range(n):
            cluster.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {
                "name": f"pod-{i:05d}", "namespace": "default", "labels": {"app": "bench"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.14.2"}]}})
        cluster.settle()
    store.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    mk = minikctl()
    rows: list[tuple[str, float, float]] = []
    tmp = Path(tempfile.mkdtemp(prefix="minikctl-bench-"))
    try:
        base = dict(os.environ, MINIKCTL_TICK="0")
        kubectl = shutil.which("kubectl")
        if kubectl:
            rows.append(("kubectl version --client (yardstick)", *measure([kubectl, "version", "--client"], base, args.runs)))
        rows.append(("minikctl version", *measure([*mk, "version"], dict(base, MINIKCTL_HOME=str(tmp / "v")), args.runs)))
        for n in (0, 100, 10_000):
            home = tmp / f"get{n}"
            populate(home, n)
            runs = args.runs if n < 10_000 else max(3, args.runs // 3)
            rows.append((f"get pods ({n:,} pods)", *measure([*mk, "get", "pods"], dict(base, MINIKCTL_HOME=str(home)), runs)))
            if n == 100:  # a TAB press after `get pod ` (the completion protocol), same store
                rows.append(("TAB: __complete get pod '' (100 pods)",
                             *measure([*mk, "__complete", "get", "pod", ""], dict(base, MINIKCTL_HOME=str(home)), runs)))
        big = tmp / "1000.yaml"
        big.write_text("---\n".join(pod_yaml(i) for i in range(1000)))
        walls, peaks = [], []
        for i in range(3):
            home = tmp / f"apply{i}"
            start = time.perf_counter()
            proc = subprocess.Popen([*mk, "apply", "-f", str(big)], env=dict(base, MINIKCTL_HOME=str(home)),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(proc.pid, 0)
            walls.append((time.perf_counter() - start) * 1000)
            peaks.append(usage.ru_maxrss / 1024)
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit("apply of the 1,000-pod file failed")
        rows.append(("apply -f 1,000-pod file", statistics.median(walls), max(peaks)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    yard = rows[0][1] if kubectl else None
    print(f"{'case':<40} {'median ms':>10} {'peak MiB':>9} {'x kubectl':>10}")
    for name, wall, peak in rows:
        ratio = f"{wall / yard:.1f}x" if yard else "-"
        print(f"{name:<40} {wall:>10.1f} {peak:>9.1f} {ratio:>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

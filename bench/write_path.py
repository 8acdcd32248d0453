"""Write-path benchmark: what the verbs that change one pod cost, beside ``kubectl version --client``, and
``apply -f`` of many pods (issue 10's "the write path").

    .venv/bin/python bench/write_path.py [--runs 5] [--apply 10000]

A store with one running pod (``MINIKCTL_TICK=0``: no engine work but what the write itself causes); each
case is timed as a whole process, median wall and CPU (user + sys) time and the largest peak RSS, then its
ratio to kubectl's (CPU: the machine's other load moves wall times more). ``apply -f`` of N pods (one file)
is timed once per run on a new store. Each verb runs in turn with kubectl, run by run, and its ratio is the median
of the pairs' CPU ratios. Asserts nothing: the targets are printed for people to read.
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


def measure(argvs, env: dict, runs: int, setup=None) -> tuple[float, float, float]:
    """(median wall ms, median CPU ms, max peak RSS MiB) over ``runs`` runs after one warm-up; ``argvs(i)``
    gives the i-th run's command."""
    walls, cpus, peaks = [], [], []
    for i in range(runs + 1):
        if setup is not None:
            setup(i)
        start = time.perf_counter()
        proc = subprocess.Popen(argvs(i), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - start) * 1000
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(argvs(i))} failed")
        if i:
            walls.append(wall)
            cpus.append((usage.ru_utime + usage.ru_stime) * 1000)
            peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(walls), statistics.median(cpus), max(peaks)


def measure_paired(argvs, others, env: dict, runs: int) -> tuple[float, float, float, float]:
    """``measure`` of ``argvs``, each run followed by one of ``others``: also the median of the runs' CPU ratios."""
    walls, cpus, peaks, ratios = [], [], [], []
    for i in range(runs + 1):
        got = []
        for argv in (argvs(i), others(i)):
            start = time.perf_counter()
            proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"{' '.join(argv)} failed")
            got.append(((time.perf_counter() - start) * 1000, (usage.ru_utime + usage.ru_stime) * 1000,
                        usage.ru_maxrss / 1024))
        if i:
            (wall, cpu, peak), (_w, other_cpu, _p) = got
            walls.append(wall)
            cpus.append(cpu)
            peaks.append(peak)
            ratios.append(cpu / other_cpu if other_cpu else float("inf"))
    return statistics.median(walls), statistics.median(cpus), max(peaks), statistics.median(ratios)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--apply", type=int, default=10_000, help="pods in the apply -f case (0: skip it)")
    args = ap.parse_args()
    mk = minikctl()
    tmp = Path(tempfile.mkdtemp(prefix="minikctl-write-"))
    try:
        store = tmp / "one.db"
        env = dict(os.environ, MINIKCTL_TICK="0", MINIKCTL_STORE=str(store))
        subprocess.run([*mk, "run", "p", "--image=nginx:1.14.2"], env=env, check=True, capture_output=True)
        subprocess.run([*mk, "clock", "advance", "30s"], env=env, check=True, capture_output=True)
        print(f"minikctl from {mk[0]}; MINIKCTL_TICK=0; median of {args.runs} runs")
        print(f"{'case':48} {'wall ms':>8} {'cpu ms':>7} {'peak MiB':>9} {'cpu / kubectl':>14}  target")
        kubectl = shutil.which("kubectl")
        if kubectl:
            wall, cpu, mib = measure(lambda i: [kubectl, "version", "--client"], env, args.runs)
            print(f"{'kubectl version --client (yardstick)':48} {wall:8.0f} {cpu:7.0f} {mib:9.1f}")
        cases = [
            ("label pod p", lambda i: [*mk, "label", "pod", "p", f"run=r{i}", "--overwrite"]),
            ("annotate pod p", lambda i: [*mk, "annotate", "pod", "p", f"note=n{i}", "--overwrite"]),
            ("patch pod p (a label, strategic)", lambda i: [*mk, "patch", "pod", "p", "-p",
                                                            f'{{"metadata":{{"labels":{{"x":"v{i}"}}}}}}']),
            ("set image pod/p", lambda i: [*mk, "set", "image", "pod/p", f"p=nginx:1.{i}"]),
        ]
        for label, argv in cases:
            if kubectl:  # in turn with kubectl, run by run: the ratio is the median of the pairs' (a busy machine
                # moves both of a pair alike)
                wall, cpu, mib, ratio_cpu = measure_paired(argv, lambda i: [kubectl, "version", "--client"], env,
                                                           args.runs)
                ratio = f"{ratio_cpu:14.2f}"
            else:
                wall, cpu, mib = measure(argv, env, args.runs)
                ratio = f"{'':14}"
            print(f"{label:48} {wall:8.0f} {cpu:7.0f} {mib:9.1f} {ratio}  <= 1.2x", flush=True)
        if args.apply:
            n = args.apply
            manifest = tmp / "pods.yaml"
            manifest.write_text("".join(
                f"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{i:05d}\n  labels:\n    app: bench\n"
                f"spec:\n  containers:\n  - name: web\n    image: nginx:1.14.2\n" for i in range(n)))

            def fresh(i: int) -> None:
                for suffix in ("", "-wal", "-shm"):
                    (tmp / f"apply.db{suffix}").unlink(missing_ok=True)

            aenv = dict(env, MINIKCTL_STORE=str(tmp / "apply.db"))
            wall, cpu, mib = measure(lambda i: [*mk, "apply", "-f", str(manifest)], aenv, max(1, args.runs // 2),
                                     setup=fresh)
            print(f"{f'apply -f ({n:,} pods, new store)':48} {wall:8.0f} {cpu:7.0f} {mib:9.1f} {'':14}  < 5 s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Issue 11's benchmarks: lock fairness under a long advance, apply linearity, and the fuzz corpus's time.

    .venv/bin/python bench/robustness.py locks     [--pods 100] [--writers 50] [--advance 24h] [--period 60]
    .venv/bin/python bench/robustness.py apply     [--sizes 2000,4000,8000,16000]
    .venv/bin/python bench/robustness.py corpus
    .venv/bin/python bench/robustness.py           (all three)

locks: a store with N busy pods (each `echo; sleep PERIOD` forever), one `clock advance` in the background, then W
writers (label) started together and R readers (get pods); prints each group's wall times, the slowest writer's
wait beyond an uncontended write, and whether the readers waited. The advance is stopped (by its pid) once the
writers and readers are done, if it has not finished by then.
apply: `apply -f` of N pods on a fresh store, CPU seconds (user+sys of the child) per pod.
corpus: the time of tests/fuzz's regression corpus (in-process, like the suite).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINIKCTL = [str(Path(sys.executable).with_name("minikctl"))]


def _env(home: Path) -> dict:
    env = dict(os.environ, MINIKCTL_HOME=str(home), MINIKCTL_LOCK_TRACE="1")
    env.pop("MINIKCTL_TICK", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled modules, not sources read every time
    return env


def run(home: Path, *args: str, stdin: str | None = None) -> tuple[float, subprocess.CompletedProcess]:
    env = _env(home)
    t0 = time.monotonic()
    done = subprocess.run([*MINIKCTL, *args], input=stdin, capture_output=True, text=True, env=env)
    return time.monotonic() - t0, done


def pods_yaml(n: int, command: str | None = None) -> str:
    cmd = f"\n    command: [sh, -c, '{command}']" if command else ""
    return "".join(f"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\nspec:\n  containers:\n  - name: c\n"
                   f"    image: busybox{cmd}\n" for i in range(n))


def bench_locks(pods: int, writers: int, readers: int, advance: str, period: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="minikctl-locks-"))
    try:
        _t, done = run(home, "apply", "-f", "-", stdin=pods_yaml(pods, f"while true; do echo tick; sleep {period}; done"))
        assert done.returncode == 0, done.stderr
        run(home, "clock", "advance", "5s")
        base = statistics.median(run(home, "label", "pod", f"p{i}", "warm=1")[0] for i in range(3))
        env = _env(home)
        t0 = time.monotonic()
        adv = subprocess.Popen([*MINIKCTL, "clock", "advance", advance], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        time.sleep(2.0)
        with ThreadPoolExecutor(max_workers=writers + readers) as pool:
            w = [pool.submit(run, home, "label", "pod", f"p{i % pods}", f"w{i}=1") for i in range(writers)]
            r = [pool.submit(run, home, "get", "pods", "-o", "name") for _ in range(readers)]
            wres = [f.result() for f in w]
            rres = [f.result() for f in r]
        advance_done = adv.poll() is not None
        if not advance_done:
            adv.terminate()
        adv.communicate()
        bad = [d.stderr for _t, d in wres + rres if d.returncode]
        wtimes = sorted(t for t, _d in wres)
        rtimes = sorted(t for t, _d in rres)
        told = sum("holds the store" in d.stderr for _t, d in wres)
        waits = sorted(_lock(d.stderr)[0] for _t, d in wres)
        holds = sorted(_lock(d.stderr)[1] for _t, d in wres)
        rwaits = sorted(_lock(d.stderr)[0] for _t, d in rres)
        print(f"locks: {pods} busy pods (sleep {period}), clock advance {advance} "
              f"({'finished' if advance_done else 'still running, stopped'} after {time.monotonic() - t0:.1f}s)")
        print(f"  uncontended label: {base:.2f}s")
        print(f"  {writers} writers: median {statistics.median(wtimes):.2f}s, slowest {wtimes[-1]:.2f}s; slowest wait "
              f"beyond an uncontended write {max(0.0, wtimes[-1] - base):.2f}s; {told} told who holds the store")
        print(f"  writers' wait for their turn (the store's queue): median {statistics.median(waits):.2f}s, slowest "
              f"{waits[-1]:.2f}s; turn held: median {statistics.median(holds):.3f}s, longest {holds[-1]:.3f}s")
        print(f"  {readers} readers: median {statistics.median(rtimes):.2f}s, slowest {rtimes[-1]:.2f}s; waited for a "
              f"turn: {sum(1 for w in rwaits if w > 0)} (slowest {rwaits[-1]:.2f}s)")
        print(f"  failures: {len(bad)}" + (f" (first: {bad[0][:200]})" if bad else ""))
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _lock(stderr: str) -> tuple[float, float]:
    """(waited, held) from MINIKCTL_LOCK_TRACE's lines (summed over a command's turns); (0, 0) for a reader that
    took none."""
    waited = held = 0.0
    for line in stderr.splitlines():
        if line.startswith("lock: waited "):
            parts = line.split()
            waited += float(parts[2].rstrip("s"))
            held += float(parts[4].rstrip("s"))
    return waited, held


def bench_apply(sizes: list[int]) -> None:
    base = None
    for n in sizes:
        home = Path(tempfile.mkdtemp(prefix="minikctl-apply-"))
        path = home / "pods.yaml"
        path.write_text(pods_yaml(n))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall, done = run(home, "apply", "-f", str(path))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        assert done.returncode == 0, done.stderr[:500]
        per = cpu / n * 1000
        base = base or per
        print(f"apply {n:>6} pods: {cpu:7.1f}s CPU ({per:.2f} ms/pod, {per / base:.2f}x the first), {wall:7.1f}s wall, "
              f"peak RSS {after.ru_maxrss / 1024:.0f} MiB")
        shutil.rmtree(home, ignore_errors=True)


def bench_corpus() -> None:
    t0 = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-s",
                           str(ROOT / "tests" / "fuzz" / "test_fuzz_corpus.py")], capture_output=True, text=True,
                          cwd=ROOT)
    line = next((ln for ln in done.stdout.splitlines() if "corpus:" in ln), "")
    print(f"corpus: {line.strip()} (pytest run {time.monotonic() - t0:.1f}s, exit {done.returncode})")


def main() -> int:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "minikctl")], check=False)
    ap = argparse.ArgumentParser()
    ap.add_argument("what", nargs="?", choices=["locks", "apply", "corpus", "all"], default="all")
    ap.add_argument("--pods", type=int, default=100)
    ap.add_argument("--writers", type=int, default=50)
    ap.add_argument("--readers", type=int, default=10)
    ap.add_argument("--advance", default="24h")
    ap.add_argument("--period", type=int, default=60)
    ap.add_argument("--sizes", default="2000,4000,8000,16000")
    a = ap.parse_args()
    if a.what in ("locks", "all"):
        bench_locks(a.pods, a.writers, a.readers, a.advance, a.period)
    if a.what in ("apply", "all"):
        bench_apply([int(s) for s in a.sizes.split(",")])
    if a.what in ("corpus", "all"):
        bench_corpus()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

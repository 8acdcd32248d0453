"""Interactive sessions, the timeline picture and the progress bar: what they cost in wall time.

    .venv/bin/python bench/interactive_speed.py [--runs 5] [--minikctl PATH]

Prints the median wall time of whole minikctl processes on a store with kubernetes.io's liveness-exec pod and a
busybox pod that sleeps:
- ``exec POD -- true`` (a plain exec: the path an interactive session does not take);
- ``exec -i POD -- sh`` with a piped script of 100 lines (each line one command of the container's shell);
- ``timeline POD --chart`` (the picture, 5 virtual minutes, 4 restarts) and ``timeline POD`` to a pipe (the table);
- ``clock advance 10m`` (the progress bar is never imported when stderr is a pipe);
- ``get pods`` while another process holds an ``exec -it`` prompt on a pseudo-terminal, and with none (the prompt
  must hold no lock).
``--minikctl`` runs another build (e.g. a checkout of main) for a before/after comparison in the same run; a case
that build cannot do is printed as such. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIVENESS = "https://k8s.io/examples/pods/probe/exec-liveness.yaml"


def default_minikctl() -> str:
    return str(Path(sys.executable).with_name("minikctl"))


def timed(argv: list[str], env: dict, runs: int, stdin: str | None = None) -> tuple[float, str]:
    walls = []
    out = ""
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True)
        walls.append((time.perf_counter() - start) * 1000)
        out = done.stdout
    return statistics.median(walls), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--minikctl", default=default_minikctl())
    args = ap.parse_args()
    m = args.minikctl
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, MINIKCTL_HOME=home, MINIKCTL_TICK="0", COLUMNS="100", NO_COLOR="1")
        env.pop("MINIKCTL_STORE", None)
        subprocess.run([m, "apply", "-f", LIVENESS], env=env, check=True, capture_output=True)
        subprocess.run([m, "run", "sleeper", "--image=busybox", "--", "sleep", "36000"], env=env, check=True,
                       capture_output=True)
        subprocess.run([m, "clock", "advance", "5m"], env=env, check=True, capture_output=True)
        rows = []
        ms, _ = timed([m, "exec", "sleeper", "--", "true"], env, args.runs)
        rows.append(("exec POD -- true", f"{ms:.0f} ms"))
        script = "".join(f"echo line {i}\n" for i in range(100))
        ms, out = timed([m, "exec", "-i", "sleeper", "--", "sh"], env, args.runs, script)
        ok = out.count("line ") == 100
        rows.append(("exec -i POD -- sh, 100 piped lines", f"{ms:.0f} ms" + ("" if ok else " (stdin not read)")))
        ms, out = timed([m, "timeline", "liveness-exec", "--chart"], env, args.runs)
        rows.append(("timeline POD --chart", f"{ms:.0f} ms, {out.count(chr(10))} lines"))
        ms, _ = timed([m, "timeline", "liveness-exec"], env, args.runs)
        rows.append(("timeline POD (table, piped)", f"{ms:.0f} ms"))
        ms, _ = timed([m, "clock", "advance", "10m"], env, args.runs)
        rows.append(("clock advance 10m (stderr a pipe)", f"{ms:.0f} ms"))
        ms_free, _ = timed([m, "get", "pods"], env, args.runs)
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e"))
        from ptyrun import Pty

        term = Pty([m, "exec", "-it", "sleeper", "--", "sh"], dict(env, MINIKCTL_LOCK_TIMEOUT="0"), timeout=10)
        try:
            term.expect("# ")
            ms_prompt, out = timed([m, "get", "pods"], dict(env, MINIKCTL_LOCK_TIMEOUT="0"), args.runs)
            rows.append(("get pods while an exec -it prompt waits", f"{ms_prompt:.0f} ms (none waiting: "
                         f"{ms_free:.0f} ms)" + ("" if "liveness-exec" in out else " (failed)")))
        except AssertionError:
            rows.append(("get pods while an exec -it prompt waits", "no prompt in this build"))
        finally:
            term.send("exit\n")
            term.finish()
    width = max(len(r[0]) for r in rows)
    print(f"minikctl: {m}")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


if __name__ == "__main__":
    main()

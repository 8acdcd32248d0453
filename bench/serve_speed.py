"""How fast `minikctl serve` answers, and whether its watches lose or reorder events.

    .venv/bin/python bench/serve_speed.py [--gets 1000] [--pods 100] [--kubectl-runs 20]
                                          [--watchers 50] [--writers 10] [--duration 60]

1. A fresh store behind `minikctl serve` (the clock follows the wall clock, as by default), ``--pods`` pods
   created through the API and left running; then ``--gets`` sequential ``GET /api/v1/namespaces/default/pods``
   on one kept-alive connection: median and p90 latency, requests per second. Side by side, in the same run,
   ``kubectl get --raw`` of the same path through the same server (``--kubectl-runs`` times: one process each,
   so this is kubectl's start-up plus one request).
2. ``--watchers`` concurrent watches of ConfigMaps (each from the resourceVersion of its own list) while
   ``--writers`` writers create, update (as fast as they can) and finally delete a ConfigMap each, for
   ``--duration`` seconds. Every write's resourceVersion is recorded from its response; every watcher must then
   have seen exactly those revisions, in increasing order, with the body written at that revision: any lost,
   duplicated, out-of-order or wrong event is counted and fails the run (exit code 1).

Loopback only; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def minikctl_argv() -> list[str]:
    script = Path(sys.executable).with_name("minikctl")
    return [str(script)] if script.exists() else [sys.executable, "-m", "minikctl"]


def start_server(home: Path) -> tuple[subprocess.Popen, int, Path]:
    env = {k: v for k, v in os.environ.items() if k not in ("MINIKCTL_STORE", "MINIKCTL_TICK")}
    env["MINIKCTL_HOME"] = str(home)
    kubeconfig = home / "kubeconfig"
    proc = subprocess.Popen([*minikctl_argv(), "serve", "--port", "0", "--kubeconfig-out", str(kubeconfig)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    m = re.search(r":(\d+)\s*$", line.strip())
    if not m:
        raise SystemExit(f"serve did not start: {line!r} {proc.stderr.read()}")
    return proc, int(m.group(1)), kubeconfig


def request(conn: http.client.HTTPConnection, method: str, path: str, body=None,
            ctype: str = "application/json") -> tuple[int, dict]:
    data = json.dumps(body) if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": ctype} if data else {})
    resp = conn.getresponse()
    raw = resp.read()
    return resp.status, json.loads(raw) if raw else {}


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))]


# ---- 1. GET latency -------------------------------------------------------------------------------------------
def bench_gets(port: int, kubeconfig: Path, home: Path, n_pods: int, n_gets: int, kubectl_runs: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for i in range(n_pods):
        code, _ = request(conn, "POST", "/api/v1/namespaces/default/pods", {
            "metadata": {"name": f"p{i:03d}"},
            "spec": {"containers": [{"name": "main", "image": "nginx:1.25"}]}})
        assert code == 201, code
    time.sleep(4)  # let them start (image pulls take 2 s of the paced clock)
    path = "/api/v1/namespaces/default/pods"
    code, body = request(conn, "GET", path)
    running = sum(1 for p in body["items"] if (p.get("status") or {}).get("phase") == "Running")
    size = len(json.dumps(body))
    lat = []
    t_all = time.perf_counter()
    for _ in range(n_gets):
        t0 = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        lat.append(time.perf_counter() - t0)
        assert resp.status == 200
    total = time.perf_counter() - t_all
    conn.close()
    out = {"pods": len(body["items"]), "running": running, "response_bytes": size, "gets": n_gets,
           "median_ms": statistics.median(lat) * 1000, "p90_ms": pct(lat, 0.9) * 1000, "req_per_s": n_gets / total}
    kubectl = shutil.which("kubectl")
    if kubectl and kubectl_runs:
        env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
        env["KUBECACHEDIR"] = str(home / "kube-cache")
        times = []
        for _ in range(kubectl_runs):
            t0 = time.perf_counter()
            done = subprocess.run([kubectl, "--kubeconfig", str(kubeconfig), "get", "--raw", path],
                                  capture_output=True, text=True, env=env, timeout=60)
            times.append(time.perf_counter() - t0)
            assert done.returncode == 0, done.stderr
        out["kubectl_get_raw_median_ms"] = statistics.median(times) * 1000
        out["kubectl_runs"] = kubectl_runs
    return out


# ---- 2. watchers and writers ----------------------------------------------------------------------------------
class Watcher(threading.Thread):
    def __init__(self, port: int, deadline: float) -> None:
        super().__init__(daemon=True)
        self.port, self.deadline = port, deadline
        self.events: list[tuple[str, int, str, str]] = []  # (type, rv, name, seq)
        self.error = ""
        self.ready = threading.Event()

    def run(self) -> None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            code, body = request(conn, "GET", "/api/v1/namespaces/bench/configmaps")
            self.start_rv = int(body["metadata"]["resourceVersion"])
            timeout = int(self.deadline - time.time()) + 1
            conn.request("GET", f"/api/v1/namespaces/bench/configmaps?watch=1&resourceVersion={self.start_rv}"
                                f"&timeoutSeconds={timeout}")
            resp = conn.getresponse()
            self.ready.set()
            while True:
                line = resp.readline()
                if not line:
                    break
                ev = json.loads(line)
                obj = ev["object"]
                meta = obj.get("metadata") or {}
                self.events.append((ev["type"], int(meta.get("resourceVersion") or 0), meta.get("name", ""),
                                    (obj.get("data") or {}).get("seq", "")))
            conn.close()
        except Exception as e:  # noqa: BLE001 - reported
            self.error = f"{type(e).__name__}: {e}"
            self.ready.set()


class Writer(threading.Thread):
    def __init__(self, port: int, name: str, until: float) -> None:
        super().__init__(daemon=True)
        self.port, self.name, self.until = port, name, until
        self.writes: list[tuple[str, int, str]] = []  # (type, rv, seq)
        self.latency: list[float] = []
        self.error = ""

    def run(self) -> None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            base = "/api/v1/namespaces/bench/configmaps"
            t0 = time.perf_counter()
            code, obj = request(conn, "POST", base, {"metadata": {"name": self.name}, "data": {"seq": "0"}})
            self.latency.append(time.perf_counter() - t0)
            assert code == 201, obj
            self.writes.append(("ADDED", int(obj["metadata"]["resourceVersion"]), "0"))
            seq = 0
            while time.time() < self.until:
                seq += 1
                t0 = time.perf_counter()
                code, obj = request(conn, "PATCH", f"{base}/{self.name}", {"data": {"seq": str(seq)}},
                                    "application/merge-patch+json")
                self.latency.append(time.perf_counter() - t0)
                assert code == 200, obj
                self.writes.append(("MODIFIED", int(obj["metadata"]["resourceVersion"]), str(seq)))
            code, obj = request(conn, "DELETE", f"{base}/{self.name}")
            assert code == 200, obj
            self.deleted = True
            conn.close()
        except Exception as e:  # noqa: BLE001
            self.error = f"{type(e).__name__}: {e}"


def bench_watch(port: int, n_watchers: int, n_writers: int, duration: float) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    code, _ = request(conn, "POST", "/api/v1/namespaces", {"metadata": {"name": "bench"}})
    assert code == 201
    conn.close()
    until = time.time() + duration
    watchers = [Watcher(port, until + 15) for _ in range(n_watchers)]
    for w in watchers:
        w.start()
    for w in watchers:
        w.ready.wait(60)
    writers = [Writer(port, f"w{i:02d}", until) for i in range(n_writers)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(duration + 120)
    for w in watchers:  # each watch ends by its timeoutSeconds, 15 s after the writers stopped
        w.join(60)
    expected: dict[int, tuple[str, str, str]] = {}
    for w in writers:
        for type_, rv, seq in w.writes:
            expected[rv] = (type_, w.name, seq)
    lost = dup = disorder = wrong = 0
    per_watcher = []
    for w in watchers:
        seen = [e for e in w.events if e[0] != "DELETED"]
        rvs = [rv for _t, rv, _n, _s in seen]
        disorder += sum(1 for a, b in zip(rvs, rvs[1:]) if b <= a)
        dup += len(rvs) - len(set(rvs))
        got = {rv: (t, n, s) for t, rv, n, s in seen}
        lost += len(set(expected) - set(got))
        wrong += sum(1 for rv, v in got.items() if rv in expected and expected[rv] != v)
        deletes = sum(1 for e in w.events if e[0] == "DELETED")
        per_watcher.append(len(w.events))
        lost += max(0, n_writers - deletes)
    lat = [x for w in writers for x in w.latency]
    return {"watchers": n_watchers, "writers": n_writers, "duration_s": duration,
            "writes": len(expected), "writes_per_s": len(expected) / duration,
            "write_median_ms": statistics.median(lat) * 1000 if lat else 0,
            "write_p90_ms": pct(lat, 0.9) * 1000 if lat else 0,
            "events_per_watcher_min": min(per_watcher), "events_per_watcher_max": max(per_watcher),
            "lost": lost, "duplicated": dup, "out_of_order": disorder, "wrong_body": wrong,
            "errors": [w.error for w in watchers + writers if w.error]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gets", type=int, default=1000)
    ap.add_argument("--pods", type=int, default=100)
    ap.add_argument("--kubectl-runs", type=int, default=20)
    ap.add_argument("--watchers", type=int, default=50)
    ap.add_argument("--writers", type=int, default=10)
    ap.add_argument("--duration", type=float, default=60)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="minikctl-serve-bench-"))
    proc, port, kubeconfig = start_server(home)
    failed = False
    try:
        g = bench_gets(port, kubeconfig, home, args.pods, args.gets, args.kubectl_runs)
        print(f"GET /api/v1/namespaces/default/pods ({g['pods']} pods, {g['running']} running, "
              f"{g['response_bytes'] / 1024:.0f} KiB), {g['gets']} requests on one connection:")
        print(f"  median {g['median_ms']:.1f} ms, p90 {g['p90_ms']:.1f} ms, {g['req_per_s']:.1f} requests/s")
        if "kubectl_get_raw_median_ms" in g:
            print(f"  kubectl get --raw (same path, same server, {g['kubectl_runs']} runs): median "
                  f"{g['kubectl_get_raw_median_ms']:.0f} ms per invocation")
        w = bench_watch(port, args.watchers, args.writers, args.duration)
        print(f"{w['watchers']} watchers + {w['writers']} writers for {w['duration_s']:.0f} s: {w['writes']} writes "
              f"({w['writes_per_s']:.1f}/s, median {w['write_median_ms']:.1f} ms, p90 {w['write_p90_ms']:.1f} ms); "
              f"events per watcher {w['events_per_watcher_min']}..{w['events_per_watcher_max']}")
        print(f"  lost {w['lost']}, duplicated {w['duplicated']}, out of order {w['out_of_order']}, "
              f"wrong body {w['wrong_body']}, client errors {len(w['errors'])}")
        for e in w["errors"][:5]:
            print("   ", e)
        failed = bool(w["lost"] or w["duplicated"] or w["out_of_order"] or w["wrong_body"] or w["errors"])
    finally:
        proc.terminate()
        try:
            _out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
        if "Traceback" in err:
            print(err, file=sys.stderr)
            failed = True
        shutil.rmtree(home, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

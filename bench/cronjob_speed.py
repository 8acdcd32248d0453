"""CronJob speed: N CronJobs scheduled every minute (history limits 3 successful / 1 failed), the clock advanced
H virtual hours in one `clock advance` (one transaction, as the command runs it). Prints, per hour and in total:
the wall time, Jobs created, and the store's size (file bytes, objects, events, runtime records) -- which must stay
bounded: the history limits delete old Jobs and, through the garbage collector, their pods.

Target (issue 8): 100 CronJobs, 24 h, < 5 s.

Usage: python bench/cronjob_speed.py [--cronjobs 100] [--hours 24] [--step 1h] [--profile]
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
from minikctl.kube.timefmt import parse_go_duration  # noqa: E402
from minikctl.store.db import Store  # noqa: E402
from node_room import give_room  # noqa: E402  (bench/node_room.py, beside this script)
from command_gc import collect_as_a_command  # noqa: E402  (bench/command_gc.py, beside this script)


def cronjob(i: int) -> dict:
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": f"cj{i:03d}", "namespace": "default"},
            "spec": {"schedule": "* * * * *", "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
                     "jobTemplate": {"spec": {"template": {"spec": {
                         "containers": [{"name": "hello", "image": "busybox:1.28", "imagePullPolicy": "IfNotPresent",
                                         "command": ["/bin/sh", "-c", "date; echo Hello from the Kubernetes cluster"]}],
                         "restartPolicy": "OnFailure"}}}}}}


def size(store: Store, path: Path) -> str:
    conn = store.conn
    counts = {k: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for k, t in (("objects", "objects"), ("events", "events"), ("runtime", "runtime"),
                           ("changes", "changes"))}
    jobs = conn.execute("SELECT count(*) FROM objects WHERE kind='Job'").fetchone()[0]
    pods = conn.execute("SELECT count(*) FROM objects WHERE kind='Pod'").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return (f"{path.stat().st_size / 1e6:.1f} MB; {counts['objects']} objects ({jobs} jobs, {pods} pods), "
            f"{counts['events']} events, {counts['runtime']} runtime records, {counts['changes']} change rows")


def main() -> None:
    collect_as_a_command()  # bench/command_gc.py: the collector as the command sets it
    ap = argparse.ArgumentParser()
    ap.add_argument("--cronjobs", type=int, default=100)
    ap.add_argument("--hours", type=float, default=24)
    ap.add_argument("--step", default="", help="advance in steps of this duration (default: one advance)")
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "s.db"
        store = Store(path)
        with store.transaction() as tx:
            cl = Cluster(tx)
            give_room(cl, max(110, 5 * a.cronjobs))
            for i in range(a.cronjobs):
                cl.api.create(cronjob(i))
            cl.settle()
        total_ms = int(a.hours * 3600 * 1000)
        step_ms = parse_go_duration(a.step) if a.step else total_ms
        done = 0
        wall = cpu = 0.0
        prof = cProfile.Profile(time.process_time) if a.profile else None
        while done < total_ms:
            span = min(step_ms, total_ms - done)
            t0, c0 = time.perf_counter(), time.process_time()
            if prof:
                prof.enable()
            with store.transaction() as tx:
                cl = Cluster(tx)
                cl.advance_to(tx.now_ms + span)
            if prof:
                prof.disable()
            dt_s = time.perf_counter() - t0
            cpu_s = time.process_time() - c0
            wall += dt_s
            cpu += cpu_s
            done += span
            created = store.conn.execute("SELECT value FROM meta WHERE key='counter:uid'").fetchone()[0]
            print(f"{done / 3600_000:6.2f} h: advance {dt_s:7.2f} s wall, {cpu_s:7.2f} s cpu (total {wall:7.2f} s wall, "
                  f"{cpu:7.2f} s cpu); uids so far {created}; "
                  f"store {size(store, path)}", flush=True)
        store.close()
        runs = max(1, int(a.cronjobs * a.hours * 60))
        print(f"{a.cronjobs} CronJobs every minute, {a.hours:g} h: {wall:.2f} s wall, {cpu:.2f} s cpu "
              f"({runs} scheduled runs, {cpu / runs * 1e3:.2f} ms cpu each); target < 5 s for 100 CronJobs over 24 h")
        if prof:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()

"""The pods whose readiness flaps, as the readiness tests build them (tests/unit/test_engine_flap.py,
test_flap_skip.py, test_engine_ffwd.py; bench/services_speed.py's in large): a container that makes and removes
the file its exec readiness probe reads every 30 s, the Service in front of it, a store stepped one command at a
time, and the runtime records as those tests compare them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from minikctl.cluster import Cluster
from minikctl.store.db import Store

FLAP = "while true; do touch /tmp/ready; sleep 30; rm -f /tmp/ready; sleep 30; done"


def exec_ready(name: str, script: str, **labels) -> dict:
    """A pod running ``script`` whose readiness is ``cat /tmp/ready`` every 10 s."""
    c = {"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", script],
         "ports": [{"containerPort": 8080, "name": "http"}],
         "readinessProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 10, "failureThreshold": 1}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "labels": labels},
            "spec": {"containers": [c]}}


def service(name: str, **selector) -> dict:
    """A Service in front of the pods' ``http`` port; its selector ``svc=<name>`` unless given."""
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
            "spec": {"selector": selector or {"svc": name}, "ports": [{"port": 80, "targetPort": "http"}]}}


def stepping(tx) -> None:
    """Every wake-up stepped, nothing fast-forwarded or skipped: the golden tests' reference (docs/engine-time.md)."""
    tx.set_meta("engine:profile", json.dumps({"ffwd": False}))


def steps(path: str):
    """A new store at ``path`` and its ``step(fn)``: one command's transaction, ``fn(cluster)`` then settle."""
    st = Store(path)

    def step(fn) -> None:
        with st.transaction() as tx:
            cl = Cluster(tx)
            fn(cl)
            cl.settle()

    return st, step


def runtime_records(home: Path) -> dict:
    """The runtime records without the kubelet's own bookkeeping, which nothing outside it reads: when the process
    may next be looked at for a steady loop (``ffwd_after``), and the sequence numbers of the record's timers (its
    timers are kept in the order they fire)."""
    conn = sqlite3.connect(home / "store.db")
    try:
        out = {}
        for kind, ns, name, wake, body in conn.execute("SELECT kind, namespace, name, wake_ms, body FROM runtime"):
            r = json.loads(body)
            r.pop("timer_seq", None)
            for t in r.get("timers") or []:
                t.pop("seq", None)
            if "timers" in r:
                r["timers"].sort(key=lambda t: (t["at"], t["rank"]))
            for c in (r.get("containers") or {}).values():
                for inst in (c.get("current"), c.get("previous")):
                    if inst and inst.get("process"):
                        inst["process"].pop("ffwd_after", None)
            out[(kind, ns, name)] = (wake, r)
        return out
    finally:
        conn.close()


def dump(path) -> list[str]:
    """The whole store at ``path`` as SQL statements (sqlite3's ``iterdump``), to compare two stores line by line."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()

"""The engine's store writes, pinned: a scripted scenario (crash loops under each restart policy, probed
nginx, init containers, a multi-container pod, deletions in the middle of a crash loop, a long advance
over many identical crash loops) ends in exactly the stored objects, events, timeline history, meta and
runtime records of ``golden/engine/scenario.json``.

The golden was produced by the engine before its speed work (fast paths must not change a byte:
resourceVersions, uids, timestamps, event counts and names). Runtime records are compared without the
parts that belong to the behavior package (process records, filesystems and the crash-loop signature
hashed from them), so interpreter changes do not disturb this test.

Regenerate (only for an intended change of behaviour): ``python tests/unit/test_engine_equivalence.py``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden" / "engine" / "scenario.json"


def _pod(name: str, containers: list, restart: str = "Always", init: list | None = None, **spec) -> dict:
    s = {"containers": containers, "restartPolicy": restart, **spec}
    if init:
        s["initContainers"] = init
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": name}}, "spec": s}


def _sh(name: str, script: str, **kw) -> dict:
    return {"name": name, "image": "busybox:1.36", "command": ["sh", "-c", script], **kw}


def _http(port: int = 80, delay: int = 0, period: int = 10) -> dict:
    return {"httpGet": {"path": "/", "port": port}, "initialDelaySeconds": delay, "periodSeconds": period}


def _first_pods() -> list[dict]:
    return [
        _pod("crash-a", [_sh("c", "echo boom; exit 1")]),
        _pod("crash-b", [_sh("c", "echo slow; sleep 7; exit 3")]),
        _pod("crash-msg", [_sh("c", "echo 'bad thing' > /dev/termination-log; exit 2")]),
        _pod("onfail-bad", [_sh("c", "echo nope; exit 1")], restart="OnFailure"),
        _pod("onfail-ok", [_sh("c", "echo done; exit 0")], restart="OnFailure"),
        _pod("never-bad", [_sh("c", "echo once; exit 1")], restart="Never"),
        _pod("nginx", [{"name": "nginx", "image": "nginx:1.14.2", "ports": [{"containerPort": 80}],
                        "livenessProbe": _http(delay=5), "readinessProbe": _http()}]),
        _pod("nginx-badlive", [{"name": "nginx", "image": "nginx:1.14.2", "livenessProbe": _http(8080, 3, 5)}]),
        _pod("init-ok", [_sh("app", "echo app; sleep 3600")], init=[_sh("init", "echo init; sleep 2")]),
        _pod("init-crash", [_sh("app", "sleep 3600")], init=[_sh("init", "echo init fails; exit 1")]),
        _pod("multi", [_sh("a", "echo a; exit 1"), _sh("b", "echo b; sleep 20; exit 2")]),
        _pod("deadline", [_sh("c", "exit 1")], activeDeadlineSeconds=500),
        _pod("del-mid", [_sh("c", "echo x; exit 1")]),
        _pod("del-now", [_sh("c", "echo y; exit 1")]),
    ]


def run_scenario(store_path: str) -> dict:
    from minikctl.cluster import Cluster
    from minikctl.store.db import Store

    st = Store(store_path)

    def step(fn) -> None:
        with st.transaction() as tx:
            cluster = Cluster(tx)
            fn(cluster)
            cluster.settle()

    def step_each(objs: list[dict]) -> None:
        for o in objs:  # one command per pod, as `apply -f` of one file each
            step(lambda cl, o=o: cl.api.create(o))

    def advance(ms: int):
        return lambda cl: cl.advance_to(cl.now_ms + ms)

    step_each(_first_pods())
    for ms in (1_000, 4_000, 60_000, 600_000):
        step(advance(ms))
    step(lambda cl: cl.api.delete(cl.tx.get("Pod", "default", "del-mid")))
    step(lambda cl: cl.api.delete(cl.tx.get("Pod", "default", "del-now"), grace=0))
    step(advance(3_600_000))
    step_each([_pod(f"loop-{i:02d}", [_sh("crash", "echo boom; exit 1")]) for i in range(12)])
    step(advance(10_000))
    step(advance(86_400_000))
    step(lambda cl: cl.api.delete(cl.tx.get("Pod", "default", "loop-03")))
    step(advance(45_000))
    dump: dict = {}
    with st.transaction() as tx:
        for table in ("meta", "objects", "events", "history", "runtime"):
            rows = [list(r) for r in tx.conn.execute(f"SELECT * FROM {table}")]
            if table == "events":  # each event whole, as the golden has them (stored compact: store/events.py)
                rows = [_event_row(tx.conn, r[0], r[1]) for r in rows]
            if table == "meta":  # the golden was made with format 2, whose events were whole; the rest is the same
                assert dict(rows)["format"] == "minikctl-store/3"
                rows = [[k, "minikctl-store/2" if k == "format" else v] for k, v in rows]
            if table == "runtime":
                rows = [r[:4] + [_runtime_view(json.loads(r[4])) if r[0] == "Pod" else json.loads(r[4])]
                        for r in rows]
            rows.sort(key=lambda r: json.dumps(r[:4]))
            if table == "history":  # thousands of entries: their digest, with a few in full
                digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()
                rows = {"count": len(rows), "sha256": digest, "first": rows[:8], "last": rows[-8:]}
            dump[table] = rows
        # container logs (store/logs.py), per instance: what `logs` and `logs -p` read
        dump["logs"] = [list(r) for r in tx.conn.execute(
            "SELECT s.namespace, s.pod, s.instance, s.next_seq, s.bytes, s.last_ms, l.seq, l.ms, l.n, l.body "
            "FROM log_streams s JOIN logs l ON l.stream = s.id ORDER BY s.namespace, s.pod, s.instance, l.ms, l.seq")]
    st.close()
    return dump


def _event_row(conn, namespace: str, name: str) -> list:
    """A stored event as format 2 kept it: namespace, name, involved_uid, dedup, last_ms and its whole JSON."""
    from minikctl.store import events

    row = conn.execute(f"SELECT {events._COLUMNS} FROM events WHERE namespace=? AND name=?",
                       (namespace, name)).fetchone()
    ev, dedup = events.unpack(*row)
    # the key's parts joined by NULs, as format 2's column held it (the store keeps the parts: events.dedup_key)
    return [row[0], row[1], row[2], "\0".join(dedup), row[4],
            json.dumps(ev, separators=(",", ":"), ensure_ascii=False)]


def _runtime_view(R: dict) -> dict:
    """A runtime record (``minikctl/engine/kubelet/records.py``) without what the behavior package owns."""
    R.pop("filesystem", None)
    if R.get("cycle"):
        R["cycle"].pop("signature", None)
    for C in (R.get("containers") or {}).values():
        for key in ("current", "previous"):
            if C.get(key):
                C[key].pop("process", None)
    return R


def test_engine_store_writes_match_golden(tmp_path):
    got = run_scenario(str(tmp_path / "s.db"))
    want = json.loads(GOLDEN.read_text())
    for table in want:
        assert got[table] == want[table], f"table {table} differs from the golden"
    assert sorted(got) == sorted(want)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        out = run_scenario(str(Path(d) / "s.db"))
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else GOLDEN
    path.write_text(json.dumps(out, indent=0, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"wrote {path}")

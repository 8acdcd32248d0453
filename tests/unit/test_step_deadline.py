"""A long advance committed in steps (``clock advance``: ``Cluster.advance_to(..., wall_budget_s=...)``) stops
between two instants once its step's wall time is spent, also while the kubelet steps one pod in memory because it
is alone in the advance (``Kubelet.due``): a pod looping by itself must not hold the store for the whole advance,
or every other command waits for it (tests/e2e/test_locking.py). Stopping there leaves the store what one run
gives."""

from __future__ import annotations

import sqlite3

LOOP = "while true; do echo tick > /tmp/t; cat /tmp/t; sleep 1; done"  # writes a file: not a steady loop


def _pod(name: str, script: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", script]}]}}


def _world(path: str):
    from minikctl.cluster import Cluster
    from minikctl.store.db import Store

    st = Store(path)
    with st.transaction() as tx:
        cl = Cluster(tx)
        cl.api.create(_pod("chatty", LOOP))
        cl.api.create(_pod("quiet", "sleep 999999"))
        cl.settle()
    return st


def _dump(path: str) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_a_pod_looping_alone_stops_at_the_steps_deadline(tmp_path):
    from minikctl.cluster import Cluster

    span = 5 * 60_000
    one = _world(str(tmp_path / "one.db"))
    with one.transaction() as tx:
        target = tx.now_ms + span
        assert Cluster(tx).advance_to(target)
    one.close()

    steps = _world(str(tmp_path / "steps.db"))
    done, commits = False, 0
    while not done:
        with steps.transaction() as tx:
            # a budget already spent: each step ends at the first instant after the one it began with
            done = Cluster(tx).advance_to(target, wall_budget_s=0.0)
        commits += 1
        assert commits < 1000
    steps.close()
    # the chatty pod wakes every second: one instant a step, not the whole span in the first step
    assert commits > span // 1000 // 2, commits
    # the rows in any order: a meta key written again at each commit (INSERT OR REPLACE) moves to its table's end
    assert sorted(_dump(str(tmp_path / "steps.db"))) == sorted(_dump(str(tmp_path / "one.db")))

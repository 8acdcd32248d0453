"""Events expire an hour after their last write, as kube-apiserver's --event-ttl (1h) leases them in etcd
(store/events.py); a store created with MINIKCTL_EVENT_TTL keeps that TTL (0: for ever)."""

from __future__ import annotations

import pytest

from minikctl.cluster import Cluster
from minikctl.store.db import Store

HOUR = 3_600_000


def _pod() -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default", "uid": "u1"}}


def test_an_event_goes_an_hour_after_its_last_write(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        Cluster(tx)
        t0 = tx.now_ms
        tx.record_event(_pod(), "Normal", "Pinged", "once", "test")
        tx.set_now(t0 + HOUR - 1000)
        assert [e["reason"] for e in tx.list_events("default")] == ["Pinged"]
        tx.record_event(_pod(), "Normal", "Pinged", "once", "test")  # the same event again: count 2, written now
        tx.set_now(t0 + 2 * HOUR - 1001)  # (event times are whole seconds)
        [ev] = tx.list_events("default")
        assert ev["count"] == 2
        tx.set_now(t0 + 2 * HOUR - 1000)
        assert tx.list_events("default") == []
    with st.transaction() as tx:
        assert tx.list_events(None) == []


def test_a_store_made_with_another_ttl_keeps_it(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "0")
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        Cluster(tx)
        tx.record_event(_pod(), "Normal", "Pinged", "once", "test")
        tx.set_now(tx.now_ms + 1000 * HOUR)
        assert len(tx.list_events("default")) == 1
    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "2h")
    st2 = Store(tmp_path / "t.db")
    with st2.transaction() as tx:
        Cluster(tx)
        tx.record_event(_pod(), "Normal", "Pinged", "once", "test")
        tx.set_now(tx.now_ms + HOUR + 1)
        assert len(tx.list_events("default")) == 1
        tx.set_now(tx.now_ms + HOUR)
        assert tx.list_events("default") == []


# ---- the aggregator's view does not depend on where commits fall -------------------------------------------------
# client-go's EventAggregator (tools/record/events_cache.go) lives in the recording component's memory; the TTL is
# kube-apiserver's. With a TTL at or under the aggregator's 10 minutes, events it still counts have expired from the
# store: one long advance and the same advance cut into committed steps must combine the same events.


def _cronjob(name: str, script: str) -> dict:
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name, "namespace": "default"},
            "spec": {"schedule": "* * * * *", "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
                     "jobTemplate": {"spec": {"backoffLimit": 0, "template": {"spec": {
                         "containers": [{"name": "c", "image": "busybox:1.28", "command": ["sh", "-c", script]}],
                         "restartPolicy": "Never"}}}}}}


def _cut(path, steps, ffwd: bool = True) -> list[str]:
    st = Store(str(path))
    with st.transaction() as tx:
        cl = Cluster(tx)
        if not ffwd:
            tx.set_meta("engine:profile", '{"ffwd": false}')
        cl.api.create(_cronjob("hello", "date; echo Hello"))
        cl.api.create(_cronjob("fails", "echo giving up; exit 3"))
        cl.settle()
    for span in steps:
        with st.transaction() as tx:
            Cluster(tx).advance_to(tx.now_ms + span)
    out = []
    for (table,) in st.conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").fetchall():
        out += [f"{table} {row!r}" for row in sorted(st.conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
                if row[0] != "engine:profile"]
    st.close()
    return out


@pytest.mark.parametrize("ttl", ["1m", "5m", "10m"])
def test_short_ttl_the_same_events_however_the_advance_is_cut(tmp_path, monkeypatch, ttl):
    monkeypatch.setenv("MINIKCTL_EVENT_TTL", ttl)
    minute = 60_000
    whole = _cut(tmp_path / "whole.db", [25 * minute])
    assert any(r.startswith("correlator ") for r in whole)  # entries the aggregator counts after their event went
    assert any("(combined from similar events)" in r for r in whole)
    odd = [97_000, 6 * minute + 1, 3 * minute]
    for name, steps in (("minutes", [minute] * 25), ("odd", odd + [25 * minute - sum(odd)])):
        assert _cut(tmp_path / f"{name}.db", steps) == whole


def test_an_expired_event_counted_by_the_aggregator(tmp_path, monkeypatch):
    """Nine distinct messages two minutes apart, then a tenth: combined (the aggregator still counts the first ones,
    whose events a 5-minute TTL removed), whether each is recorded in its own transaction or all in one."""
    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "5m")
    results = []
    for split in (False, True):
        st = Store(tmp_path / f"s{split}.db")
        with st.transaction() as tx:
            Cluster(tx)
            t0 = tx.now_ms
        tx = None
        for i in range(10):
            if tx is None or split:
                if tx is not None:
                    ctx.__exit__(None, None, None)
                ctx = st.transaction()
                tx = ctx.__enter__()
            tx.set_now(t0 + i * 120_000)
            tx.record_event(_pod(), "Warning", "Failed", f"attempt {i}", "test")
        events = [(e["message"], e["count"]) for e in tx.list_events("default")]
        ctx.__exit__(None, None, None)
        results.append(events)
        assert ("(combined from similar events): attempt 9", 1) in events
    assert results[0] == results[1]


def test_an_event_written_again_after_the_ttl_is_a_new_event(tmp_path, monkeypatch):
    """The API server removed it: the next write makes a new one (new name, count 1), in one transaction as across
    commits (store/events.py ``EventLog._alive``)."""
    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "1m")
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        Cluster(tx)
        t0 = tx.now_ms
        first = tx.record_event(_pod(), "Normal", "Pinged", "once", "test")["metadata"]["name"]
        tx.set_now(t0 + 90_000)
        again = tx.record_event(_pod(), "Normal", "Pinged", "once", "test")
        assert again["metadata"]["name"] != first and again["count"] == 1
        assert [e["count"] for e in tx.list_events("default")] == [1]


def test_short_ttl_long_advance_over_cronjobs_as_stepped(tmp_path, monkeypatch):
    """The skip over alike CronJob minutes drops expired events without the aggregator's entries of them: with a TTL
    under its window the minutes are stepped (cluster.py ``_skips_keep_aggregator``), and the store is stepping's."""
    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "5m")
    span = 40 * 60_000
    assert _cut(tmp_path / "fast.db", [span]) == _cut(tmp_path / "stepped.db", [span], ffwd=False)

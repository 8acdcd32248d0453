"""Events expire an hour after their last write, as kube-apiserver's --event-ttl (1h) leases them in etcd
(store/events.py); a store created with MINIKCTL_EVENT_TTL keeps that TTL (0: for ever)."""

from __future__ import annotations

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

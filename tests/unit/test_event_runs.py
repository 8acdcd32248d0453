"""A replayed wake-up's new events recorded together (store/events.py ``EventLog.record_events``, engine/kubelet/
waketwins.py ``_replay``; ``MINIKCTL_NO_EVENT_RUNS``): the store is byte for byte the one written by recording each
with ``record_event`` (events, their names, counts, times, revisions and bodies, the aggregator's records, store
meta), for runs of new events and runs that meet a repeat, an event the aggregator may combine, one with its own
time or a value of another type, a flush in their midst, and over transactions that read back what earlier ones
stored; and the pods of bench/chatty_speed.py's ``big`` case at a small size start the same way both ways."""

from __future__ import annotations

import sqlite3
from collections import Counter

import pytest

from minikctl.cluster import Cluster
from minikctl.engine.kubelet import waketwins
from minikctl.store import events
from minikctl.store.db import Store
from tests.unit.flap_world import dump
from tests.unit.test_wake_twins import _starting


@pytest.fixture
def runs(monkeypatch):
    """Counts the events ``record_events`` recorded itself (``fast``) and those it left to ``record_event``."""
    seen: Counter = Counter()
    record, batch = events.EventLog.record_event, events.EventLog.record_events

    def counted_record(self, *args, **kw):
        seen["one"] += 1
        return record(self, *args, **kw)

    def counted_batch(self, involved, calls):
        before = seen["one"]
        batch(self, involved, calls)
        seen["fast"] += len(calls) - (seen["one"] - before)

    monkeypatch.setattr(events.EventLog, "record_event", counted_record)
    monkeypatch.setattr(events.EventLog, "record_events", counted_batch)
    return seen


def _args(type_, reason, message, component="kubelet", host="node-1", at_ms=None, field_path=""):
    return [type_, reason, message, component, host, at_ms, field_path]


def _recorded(path, together: bool, monkeypatch) -> list:
    monkeypatch.setattr(events, "RUNS", together)
    monkeypatch.setattr(events, "FLUSH_EVERY", 7)  # a flush in the midst of a run
    st = Store(path)
    pods = [{"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": f"p{i}", "namespace": "default", "uid": f"u{i}", "resourceVersion": str(7 + i)}}
            for i in range(5)]
    fp = "spec.containers{c}"

    def rec(tx, pod, calls):
        if together:
            tx.record_events(pod, calls)
        else:
            for args in calls:
                tx.record_event(pod, *args, kept=False)

    for step in range(3):
        with st.transaction() as tx:
            Cluster(tx)
            tx.set_now(tx.now_ms - tx.now_ms % 1000 + 1000 * step)
            rec(tx, pods[0], [_args("Normal", "Pulled", f"pulled {step % 2}", field_path=fp),
                              _args("Normal", "Created", "created", field_path=fp),
                              _args("Normal", "Started", "started", field_path=fp)])  # repeats at later steps
            rec(tx, pods[4], [_args("Normal", f"Reason{step}{i}", "new") for i in range(4)])
            rec(tx, pods[1], [_args("Normal", "Scheduled", "assigned"), _args("Normal", "Pulled", "pulled"),
                              _args("Normal", "Pulled", "pulled")])  # a repeat in the run: count 2
            rec(tx, pods[2], [_args("Normal", "Says", f"message {step * 6 + i}", "test", "") for i in range(6)])
            rec(tx, pods[3], [_args("Normal", "Odd", "its own time", at_ms=tx.now_ms - 500),
                              _args("Normal", "After", "after it")])
            rec(tx, pods[3], [_args("Normal", "Other", "a host of another type", host=None),
                              _args("Warning", "Late", "late", field_path=fp)])
    st.close()
    conn = sqlite3.connect(path)
    try:
        return [*conn.execute("SELECT * FROM events ORDER BY namespace, name"),
                *conn.execute("SELECT * FROM correlator ORDER BY involved_uid, grp, message"),
                *conn.execute("SELECT key, value FROM meta ORDER BY key")]
    finally:
        conn.close()


def test_events_recorded_together_are_those_recorded_one_by_one(tmp_path, monkeypatch, runs):
    together = _recorded(tmp_path / "together.db", True, monkeypatch)
    assert runs["fast"] >= 15 and runs["one"] >= 10
    apart = _recorded(tmp_path / "apart.db", False, monkeypatch)
    assert len(together) >= 40
    assert together == apart


def test_starting_pods_record_their_events_together(tmp_path, monkeypatch, runs):
    monkeypatch.setattr(waketwins, "EVENT_RUNS", True)
    on = _starting(tmp_path / "on.db", True, monkeypatch)
    assert runs["fast"] >= 60
    monkeypatch.setattr(waketwins, "EVENT_RUNS", False)
    off = _starting(tmp_path / "off.db", True, monkeypatch)
    assert on == off
    assert on == dump(tmp_path / "on.db")

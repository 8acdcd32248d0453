"""An event recorded with ``kept=False`` held as its stored body, its dict made only when it is read again
(store/events.py ``LAZY_EVENTS``, ``MINIKCTL_NO_LAZY_EVENTS``), and an object's stored events decoded only as far as
a look-up of their type and reason needs them (``LAZY_ROWS``, ``MINIKCTL_NO_LAZY_EVENT_ROWS``): the store is byte for
byte the one written with either switched off (events, their names, counts, times, revisions and bodies, the
aggregator's records, store meta), over transactions that read back what earlier ones stored."""

from __future__ import annotations

import sqlite3
from collections import Counter

import pytest

from minikctl.cluster import Cluster
from minikctl.engine.kubelet import waketwins
from minikctl.store import events
from minikctl.store.db import Store
from tests.unit.test_wake_twins import _starting

# a message that holds, as text, how a compact body holds the type and reason "Normal" "Pulled" (escaped in a JSON
# string, it is not found as the needle; written raw, in a reason, it would be)
TRICKY = ',"Normal","Pulled",'


@pytest.fixture
def used(monkeypatch):
    """Counts the events recorded without their dict (``lazy``), the dicts made from their bodies (``made``), the
    look-ups that left rows undecoded (``partial``) and those that decoded every pending row (``all``)."""
    seen: Counter = Counter()
    record, cached, pending = events.EventLog.record_event, events.EventLog._cached_event, events.EventLog._pending

    def counted_record(self, *args, **kw):
        ev = record(self, *args, **kw)
        if ev is None:
            seen["lazy"] += 1
        return ev

    def counted_cached(self, dedup, uid, pair=None):
        entry = self._events.get(dedup)
        lazy = entry is not None and type(entry[2]) is tuple
        found = cached(self, dedup, uid, pair)
        if lazy:
            seen["made"] += 1
        return found

    def counted_pending(self, uid, pair):
        before = len(self._ev_raw[uid])
        pending(self, uid, pair)
        after = len(self._ev_raw.get(uid, ()))
        seen["partial" if after else "all"] += 1
        seen["rows left"] += after
        seen["rows decoded"] += before - after

    monkeypatch.setattr(events.EventLog, "record_event", counted_record)
    monkeypatch.setattr(events.EventLog, "_cached_event", counted_cached)
    monkeypatch.setattr(events.EventLog, "_pending", counted_pending)
    return seen


def _dump(path) -> list:
    conn = sqlite3.connect(path)
    try:
        return [*conn.execute("SELECT * FROM events ORDER BY namespace, name"),
                *conn.execute("SELECT * FROM correlator ORDER BY involved_uid, grp, message"),
                *conn.execute("SELECT key, value FROM meta ORDER BY key")]
    finally:
        conn.close()


def _recorded(path) -> list:
    """Events of four objects recorded over five transactions, each reading back what the ones before stored: a
    repeat of a stored event after events of other reasons, a bump, a field path, ten and more distinct messages (the
    combined event), a message holding another pair's text, a reason of other characters, an event off the second,
    an object's events deleted (the aggregator's records kept) then recorded again, repeats within a transaction."""
    st = Store(path)
    pods = [{"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": f"p{i}", "namespace": "default", "uid": f"u{i}", "resourceVersion": str(7 + i)}}
            for i in range(5)]
    t0 = None

    def tx_do(fn) -> None:
        nonlocal t0
        with st.transaction() as tx:
            Cluster(tx)
            if t0 is None:
                t0 = tx.now_ms - tx.now_ms % 1000

            def rec(i, *args, kept=False):
                tx.record_event(pods[i], *args, kept=kept)
            fn(tx, rec)

    def first(tx, rec) -> None:
        rec(0, "Normal", "Scheduled", "assigned", "default-scheduler", "", t0)
        rec(0, "Normal", "Pulling", "pulling", "kubelet", "node-1", t0)
        rec(1, "Warning", "Unhealthy", "probe failed", "kubelet", "node-1", t0, "spec.containers{c}")
        for i in range(8):
            rec(2, "Normal", "Says", f"message {i}", "test", "", t0 + i * 1000)
        rec(3, "Normal", "Tricky", TRICKY, "kubelet", "node-1", t0)
        rec(3, "Normal", "Odd \"reason\"", "quoted", "kubelet", "node-1", t0)
        rec(4, "Normal", "Pulled", "pulled", "kubelet", "node-1", t0, kept=True)
        rec(4, "Normal", "Pulled", "pulled", "kubelet", "node-1", t0 + 1000)  # a repeat in the transaction
        rec(4, "Normal", "Created", "created", "kubelet", "node-1", t0 + 1500)  # off the second

    def second(tx, rec) -> None:
        rec(0, "Normal", "Pulled", "pulled", "kubelet", "node-1", t0 + 5000)  # other rows left undecoded
        rec(0, "Normal", "Created", "created", "kubelet", "node-1", t0 + 5000)
        rec(0, "Normal", "Pulling", "pulling", "kubelet", "node-1", t0 + 6000)  # stored: count 2
        tx.bump_event(pods[0], "Normal", "Scheduled", "assigned", "default-scheduler", "", 3, t0 + 7000)
        rec(0, "Normal", "Created", "created", "kubelet", "node-1", t0 + 8000)  # made this transaction: count 2
        rec(1, "Normal", "Killing", "stopping", "kubelet", "node-1", t0 + 8000)
        tx.bump_event(pods[1], "Normal", "Killing", "stopping", "kubelet", "", 2, t0 + 9000)  # made this transaction
        rec(1, "Warning", "Unhealthy", "probe failed", "kubelet", "node-1", t0 + 5000, "spec.containers{c}")
        rec(3, "Normal", "Pulled", "pulled", "kubelet", "node-1", t0 + 5000)  # finds the tricky message
        rec(3, "Normal", "Tricky", TRICKY, "kubelet", "node-1", t0 + 6000)
        rec(3, "Normal", "Odd \"reason\"", "quoted", "kubelet", "node-1", t0 + 6000)
        rec(2, "Normal", "Other", "not a Says", "test", "", t0 + 9000)
        for i in range(8, 12):  # the 10th distinct message: combined from then on
            rec(2, "Normal", "Says", f"message {i}", "test", "", t0 + i * 1000)

    def third(tx, rec) -> None:
        rec(2, "Normal", "Says", "message 12", "test", "", t0 + 20_000)  # the stored combined event again
        rec(2, "Normal", "Other", "not a Says", "test", "", t0 + 20_000)
        tx.flush_events()
        rec(2, "Normal", "Says", "message 13", "test", "", t0 + 21_000)  # read again after the flush
        rec(4, "Normal", "Started", "started", "kubelet", "node-1", t0 + 21_000)
        tx.delete_events_for("u0")  # the aggregator still counts them (the correlator table)

    def fourth(tx, rec) -> None:
        rec(0, "Normal", "Pulling", "pulling", "kubelet", "node-1", t0 + 30_000)
        rec(0, "Normal", "Pulled", "pulled", "kubelet", "node-1", t0 + 30_000)
        rec(4, "Normal", "Started", "started", "kubelet", "node-1", t0 + 31_000)

    def fifth(tx, rec) -> None:  # past the TTL of the first ones: written anew
        later = t0 + events.EVENT_TTL_MS + 2000
        rec(4, "Normal", "Pulled", "pulled", "kubelet", "node-1", later)
        rec(3, "Normal", "Tricky", TRICKY, "kubelet", "node-1", later)
        rec(1, "Warning", "Unhealthy", "probe failed", "kubelet", "node-1", later, "spec.containers{c}")

    for fn in (first, second, third, fourth, fifth):
        tx_do(fn)
    st.close()
    return _dump(path)


def test_events_recorded_without_their_dicts_store_what_the_dicts_give(tmp_path, monkeypatch, used):
    on = _recorded(tmp_path / "on.db")
    assert used["lazy"] >= 20 and used["made"] >= 3  # recorded without dicts; a repeat, a bump made them
    assert used["partial"] >= 3 and used["rows left"] >= 3 and used["all"] >= 3  # rows left undecoded; fallbacks
    seen = dict(used)
    assert len(on) >= 30
    for lazy_events, lazy_rows in ((False, True), (True, False), (False, False)):
        monkeypatch.setattr(events, "LAZY_EVENTS", lazy_events)
        monkeypatch.setattr(events, "LAZY_ROWS", lazy_rows)
        used.clear()
        off = _recorded(tmp_path / f"off-{lazy_events}-{lazy_rows}.db")
        assert (used["lazy"] > 0) == lazy_events and (used["partial"] > 0) == lazy_rows
        assert used["lazy"] <= seen["lazy"]
        assert len(off) == len(on)
        assert off == on


def test_starting_pods_store_what_they_store_with_dicts_and_decoded_rows(tmp_path, monkeypatch, used):
    """bench/chatty_speed.py ``big`` at a small size (tests/unit/test_wake_twins.py ``_starting``), its events
    replayed from twins: the same store with both switches off, and with the twins off. Each event is recorded by
    itself (the runs of them, ``record_events``, hold them lazily too: tests/unit/test_event_runs.py)."""
    monkeypatch.setattr(waketwins, "EVENT_RUNS", False)
    on = _starting(tmp_path / "on.db", True, monkeypatch)
    assert used["lazy"] >= 60 and used["partial"] >= 20 and used["rows left"] >= 40
    monkeypatch.setattr(events, "LAZY_EVENTS", False)
    monkeypatch.setattr(events, "LAZY_ROWS", False)
    used.clear()
    off = _starting(tmp_path / "off.db", True, monkeypatch)
    assert used["lazy"] == 0 and used["partial"] == 0
    assert len(on) == len(off)
    assert on == off
    monkeypatch.setattr(waketwins, "ENABLED", False)
    stepped = _starting(tmp_path / "stepped.db", False, monkeypatch)
    assert on == stepped


def test_needle_only_for_plain_strings():
    assert events._needle(("Normal", "Pulled")) == ',"Normal","Pulled",'
    for pair in (("Normal", 'a"b'), ("Normal", "a\\b"), ("Normal", "é"), ("Normal", "a\nb"), (None, "x")):
        assert events._needle(pair) is None


def test_an_objects_events_are_read_in_their_order_by_the_index_with_no_sort(tmp_path):
    """The look-up of an object's stored events asks for the order they were inserted in, which the index on the
    involved uid gives as it is: SQLite's plan walks that index and sorts nothing."""
    st = Store(str(tmp_path / "s.db"))
    with st.transaction() as tx:
        plan = " ".join(str(r[-1]) for r in tx.conn.execute("EXPLAIN QUERY PLAN " + events._OF_UID, ("u",)))
    st.close()
    assert "events_involved" in plan
    assert "TEMP B-TREE" not in plan.upper()

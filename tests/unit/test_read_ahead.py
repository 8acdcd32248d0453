"""The stored events and the last history entry of the pods due at one instant, read at once (store/db.py
``Tx.due_pod_uids``, ``Tx._history_ahead``; store/events.py ``EventLog._stored_rows``): a store advanced so is byte
for byte the store advanced with each pod's read at its own look-up (``MINIKCTL_NO_READ_AHEAD=1``, ``db.READ_AHEAD``
cleared), with wake-ups made from twins or worked one by one, with the events flushed in the middle of an instant
(``FLUSH_EVERY``), over pods flapping behind Services with the flap skip on and off."""

from __future__ import annotations

from collections import Counter

import pytest

from minikctl.store import db, events
from tests.unit.test_wake_twins import _flapping, _starting


@pytest.fixture
def ahead(monkeypatch):
    """Counts what was read ahead and then looked up: a pod's stored events (``rows``: with some rows, ``empty``:
    none), its last history entry (``history``)."""
    seen: Counter = Counter()
    stored_rows, history_ahead = events.EventLog._stored_rows, db.Tx._history_ahead

    def counted_rows(self, uid):
        was = uid in self._ev_ahead
        rows = stored_rows(self, uid)
        if was or self._ev_ahead:  # popped from what an earlier call or this one read ahead
            seen["rows" if rows else "empty"] += 1
        return rows

    def counted_history(self, uid):
        before = len(self._history)
        history_ahead(self, uid)
        seen["history"] += sum(1 for v in list(self._history.values())[before:] if v)

    monkeypatch.setattr(events.EventLog, "_stored_rows", counted_rows)
    monkeypatch.setattr(db.Tx, "_history_ahead", counted_history)
    return seen


@pytest.mark.parametrize("twins", [True, False])
@pytest.mark.parametrize("flush_every", [events.FLUSH_EVERY, 7])
def test_starting_pods_read_ahead_store_what_one_by_one_gives(tmp_path, monkeypatch, ahead, twins, flush_every):
    monkeypatch.setattr(events, "FLUSH_EVERY", flush_every)
    monkeypatch.setattr(db, "READ_AHEAD", True)
    on = _starting(tmp_path / "on.db", twins, monkeypatch)
    assert ahead["rows"] >= 20 and ahead["history"] >= 20  # their Scheduled and Pulling events, their entries
    read = dict(ahead)
    monkeypatch.setattr(db, "READ_AHEAD", False)
    off = _starting(tmp_path / "off.db", twins, monkeypatch)
    assert dict(ahead) == read  # switched off: nothing read ahead
    assert len(on) == len(off)
    assert on == off


@pytest.mark.parametrize("ffwd", [True, False])
def test_flapping_pods_read_ahead_store_what_one_by_one_gives(tmp_path, monkeypatch, ahead, ffwd):
    monkeypatch.setattr(db, "READ_AHEAD", True)
    on = _flapping(tmp_path / "on.db", True, ffwd, monkeypatch)
    assert ahead["rows"] >= 20 and ahead["history"] >= 20
    monkeypatch.setattr(db, "READ_AHEAD", False)
    off = _flapping(tmp_path / "off.db", True, ffwd, monkeypatch)
    assert len(on) == len(off)
    assert on == off

"""The store's layout: compact events (read back whole, any shape), format 2 stores migrated, deflated log
stretches, the page size of a new store, and list_current's answers kept until their kind is written."""

from __future__ import annotations

import json
import sqlite3

import pytest

from minikctl.store import events, logs
from minikctl.store.db import FORMAT, PAGE_SIZE, Store

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

# the events table of format 2 (minikctl-store/2)
SCHEMA_2 = """
CREATE TABLE events (
    namespace TEXT NOT NULL, name TEXT NOT NULL, involved_uid TEXT NOT NULL,
    dedup TEXT NOT NULL, last_ms INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (namespace, name)
);
CREATE INDEX events_involved ON events (involved_uid);
CREATE UNIQUE INDEX events_dedup ON events (dedup);
CREATE INDEX events_last ON events (last_ms)
"""


def pod(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": {}}


def record_some(tx) -> tuple[dict, dict]:
    """Events of every kind the recorder makes: a repeat, one with a field path and a host, ten distinct messages
    of one reason (the tenth and later combined), a node's. Returns (pod, node)."""
    p = tx.create(pod("p"))
    node = tx.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}})
    tx.record_event(p, "Normal", "Scheduled", "Successfully assigned default/p to n1", "default-scheduler")
    tx.record_event(p, "Normal", "Pulling", 'Pulling image "busybox:1.36" — ünïcode', "kubelet", host="n1",
                    field_path="spec.containers{c}")
    tx.set_now(tx.now_ms + 61_500)
    tx.record_event(p, "Normal", "Pulling", 'Pulling image "busybox:1.36" — ünïcode', "kubelet", host="n1",
                    field_path="spec.containers{c}")
    for i in range(12):
        tx.set_now(tx.now_ms + 1000)
        tx.record_event(p, "Warning", "FailedMount", f"volume v{i} not found", "kubelet", host="n1")
    tx.record_event(node, "Normal", "NodeReady", "Node n1 status is now: NodeReady", "kubelet", host="n1")
    return p, node


def stored(tx) -> list[tuple[str, str]]:
    tx.flush_events()
    return [(r[0], r[1]) for r in tx.conn.execute("SELECT name, body FROM events ORDER BY name")]


def test_events_are_stored_compact_and_read_back_whole(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        p, node = record_some(tx)
        recorded = {e["metadata"]["name"]: _dumps(e) for e in tx._events.values() for e in [e[2]]}
        bodies = stored(tx)
        assert len(bodies) == 13  # Scheduled, Pulling (twice), 9 FailedMount, the combined one, NodeReady
        assert all(body.startswith("[") for _, body in bodies)  # all of the recorder's shape
        assert max(len(body) for _, body in bodies) < 200
        read = {e["metadata"]["name"]: _dumps(e) for e in tx.list_events()}
        assert read == recorded  # the same dicts, the same key order
        combined = [e for e in tx.events_for(p["metadata"]["uid"]) if e["message"].startswith("(combined")]
        assert len(combined) == 1 and combined[0]["count"] == 3
        assert [e["reason"] for e in tx.events_for(node["metadata"]["uid"])] == ["NodeReady"]
    with st.transaction() as tx:  # read again, aggregated again: the dedup keys come back from the bodies
        p = tx.get("Pod", "default", "p")
        ev = tx.record_event(p, "Normal", "Pulling", 'Pulling image "busybox:1.36" — ünïcode', "kubelet", host="n1",
                             field_path="spec.containers{c}")
        assert ev["count"] == 3
        ev = tx.record_event(p, "Warning", "FailedMount", "volume v99 not found", "kubelet", host="n1")
        assert ev["count"] == 4 and ev["message"] == "(combined from similar events): volume v99 not found"
        assert len(stored(tx)) == 13


def test_an_event_of_another_shape_is_kept_whole():
    ev = {"apiVersion": "v1", "kind": "Event",
          "metadata": {"name": "p.1", "namespace": "default", "uid": "e", "resourceVersion": "7",
                       "creationTimestamp": "2026-01-01T00:00:00Z"},
          "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": "p", "namespace": "default", "uid": "u",
                             "resourceVersion": "3"},
          "reason": "R", "message": "m", "source": {"component": "kubelet"},
          "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:01Z", "count": 2,
          "type": "Normal", "eventTime": None, "reportingComponent": "kubelet", "reportingInstance": ""}
    key = events.dedup_key("u", "Normal", "R", "m", "kubelet")
    body = events.pack("default", "p.1", "u", 1_767_225_601_000, key, ev)
    assert body.startswith("[")
    assert events.unpack("default", "p.1", "u", 7, 1_767_225_601_000, body) == (ev, key)
    odd = [
        {**ev, "series": {"count": 2}},  # a key more
        {**ev, "lastTimestamp": "2026-01-01T00:00:01.500000Z"},  # a time rfc3339 would not write back
        {**ev, "reportingInstance": "elsewhere"},
        {**ev, "count": "2"},
        {**ev, "metadata": {**ev["metadata"], "resourceVersion": 7}},
    ]
    for other in odd:
        body = events.pack("default", "p.1", "u", 1_767_225_601_000, key, other)
        assert body.startswith("{")
        back, back_key = events.unpack("default", "p.1", "u", 7, 1_767_225_601_000, body)
        assert _dumps(back) == _dumps(other) and back_key == key
    # a key the event's fields do not give (not the recorder's): kept whole too
    other_key = (*key[:-1], key[-1] + "x")
    body = events.pack("default", "p.1", "u", 1_767_225_601_000, other_key, ev)
    assert body.startswith("{") and events.unpack("default", "p.1", "u", 7, 1_767_225_601_000, body)[1] == other_key
    assert '"dedup":"u\\u0000Normal\\u0000R\\u0000m\\u0000kubeletx"' in body  # the text stores always held


def test_a_nul_in_an_event_message_is_no_other_event(tmp_path):
    """The parts of an event's key are kept apart: a message holding a NUL followed by another event's component
    is not that event (joined by NULs, the two keys were one text: one event counted twice)."""
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        p = tx.create(pod("p"))
        a = tx.record_event(p, "Warning", "Unhealthy", "probe said a\0kubelet", "x")
        b = tx.record_event(p, "Warning", "Unhealthy", "probe said a", "kubelet\0x")
        assert a["count"] == 1 and b["count"] == 1 and a["metadata"]["name"] != b["metadata"]["name"]
    with st.transaction() as tx:  # read back from the store: each found by its own key
        p = tx.get("Pod", "default", "p")
        a = tx.record_event(p, "Warning", "Unhealthy", "probe said a\0kubelet", "x")
        b = tx.record_event(p, "Warning", "Unhealthy", "probe said a", "kubelet\0x")
        assert (a["count"], b["count"]) == (2, 2)
        assert sorted(e["message"] for e in tx.events_for(p["metadata"]["uid"])) == [
            "probe said a", "probe said a\0kubelet"]
    # an event of another shape keeps a key with a NUL in a part as the list of its parts, read back the same
    key = events.dedup_key("u", "Normal", "R", "m\0kubelet", "x")
    ev = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "p.1"}, "message": "m\0kubelet"}
    body = events.pack("default", "p.1", "u", 1_767_225_601_000, key, ev)
    assert events.unpack("default", "p.1", "u", 7, 1_767_225_601_000, body)[1] == key
    assert '"dedup":["u","Normal","R","m\\u0000kubelet","x"]' in body
    # and so does the correlator table's group of an expired event (type, reason, component)
    for grp, text in ((("Warning", "R", "kubelet"), "Warning\0R\0kubelet"),
                      (("Warning", "R\0kubelet", "x"), '["Warning","R\\u0000kubelet","x"]'),
                      (("Warning", "R", "kubelet\0x"), '["Warning","R","kubelet\\u0000x"]')):
        assert events._group_text(grp) == text and events._text_group(text) == grp


def test_a_format_2_store_is_migrated(tmp_path):
    path = tmp_path / "s.db"
    st = Store(path)
    with st.transaction() as tx:
        p, _node = record_some(tx)
        tx.flush_events()
        whole = [(e["metadata"]["name"], _dumps(e)) for e in tx.list_events()]
        keys = {}
        for row in tx.conn.execute(f"SELECT {events._COLUMNS} FROM events"):
            keys[row[1]] = events.unpack(*row)[1]
    st.close()
    # the same store as format 2 kept it: whole events, their dedup keys in a column
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT namespace, name, involved_uid, last_ms FROM events").fetchall()
    conn.execute("DROP TABLE events")
    conn.executescript(SCHEMA_2)
    by_name = dict(whole)
    conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
                     [(ns, name, uid, "\0".join(keys[name]), last, by_name[name]) for ns, name, uid, last in rows])
    conn.execute("UPDATE meta SET value='minikctl-store/2' WHERE key='format'")
    conn.commit()
    conn.close()
    st = Store(path)
    with st.transaction() as tx:
        assert tx.meta("format") == FORMAT
        assert [(e["metadata"]["name"], _dumps(e)) for e in tx.list_events()] == whole
        assert all(body.startswith("[") for _, body in stored(tx))
        ev = tx.record_event(tx.get("Pod", "default", "p"), "Normal", "Scheduled",
                             "Successfully assigned default/p to n1", "default-scheduler")
        assert ev["count"] == 2  # found by its key
        columns = [r[1] for r in tx.conn.execute("PRAGMA table_info(events)")]
        assert "dedup" not in columns and "rv" in columns
        indexes = {r[0] for r in tx.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "events_dedup" not in indexes and {"events_involved", "events_last"} <= indexes
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key='format'").fetchone() == (FORMAT,)
    conn.close()


def test_events_since_a_revision(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        p = tx.create(pod("p"))
        a = tx.record_event(p, "Normal", "A", "a", "kubelet")
        b = tx.record_event(p, "Normal", "B", "b", "kubelet")
        tx.flush_events()
        rv_a = int(a["metadata"]["resourceVersion"])
        assert [e["reason"] for e in events.since(tx.conn, rv_a)] == ["B"]
        assert [e["reason"] for e in events.since(tx.conn, rv_a, "other")] == []
        tx.record_event(p, "Normal", "A", "a", "kubelet")  # a repeat takes a new revision
        tx.flush_events()
        assert sorted(e["reason"] for e in events.since(tx.conn, int(b["metadata"]["resourceVersion"]))) == ["A"]


def test_a_stretch_is_stored_deflated_and_a_text_one_still_read(tmp_path):
    st = Store(tmp_path / "s.db")
    desc = json.dumps({"base": {"argv": ["sh", "-c", "echo ü"] * 50}, "lines": 1})
    with st.transaction() as tx:
        logs.append(tx, "default", "p", "i1", [(1000, "first")])
        logs.append_stretch(tx, "default", "p", "i1", 2000, 11_000, 10, 400, desc)
        (raw,) = tx.conn.execute("SELECT body FROM logs WHERE n > 1").fetchone()
        assert isinstance(raw, bytes) and len(raw) < len(desc) / 4
        assert logs.entries(tx, "i1", end_ms=20_000) == [(0, 1000, 1, "first"), (1, 2000, 10, desc)]
        assert logs.entries(tx, "i1", end_ms=20_000, tail=3) == [(1, 2000, 10, desc)]
        # a stretch written as text (a store before this layout) reads the same
        tx.conn.execute("UPDATE logs SET body=? WHERE n > 1", (desc,))
        assert logs.entries(tx, "i1", end_ms=20_000, since_ms=5000) == [(1, 2000, 10, desc)]
        with logs.read_together(tx, ["i1", "none"]):
            assert logs.entries(tx, "i1", end_ms=20_000) == [(0, 1000, 1, "first"), (1, 2000, 10, desc)]
            assert logs.entries(tx, "none", end_ms=20_000) == []


def test_copies_of_a_log(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        logs.append(tx, "default", "p", "a", [(1000, "x"), (1500, "y")])
        logs.append(tx, "default", "p", "c", [(1, "stale")])
        # to two new instances (one there already: replaced), then "a" itself moved in place
        logs.copies(tx, "a", [("b", 10_000), ("c", 20_000), ("a", 5)], "default", "p")
        got = {i: logs.entries(tx, i, end_ms=10**9) for i in "abc"}
        assert got == {"a": [(0, 1005, 1, "x"), (1, 1505, 1, "y")], "b": [(0, 11_000, 1, "x"), (1, 11_500, 1, "y")],
                       "c": [(0, 21_000, 1, "x"), (1, 21_500, 1, "y")]}
        assert logs.state(tx, "c") == (2, logs.state(tx, "a")[1], 21_500)
        logs.drop(tx, ["a", "b"])
        assert logs.state(tx, "a") is None and logs.state(tx, "b") is None and logs.state(tx, "c") is not None


def _logs_of(tx, instances):
    return {i: (logs.state(tx, i), logs.entries(tx, i, end_ms=10**9)) for i in instances}


@pytest.mark.parametrize("targets", [[("n1", 50_000), ("n2", 30_000)], [("n1", 50_000), ("cur", 0)],
                                     [("cur", 7), ("n1", 50_000)]])
def test_moving_twin_logs_is_copying_then_dropping(tmp_path, targets):
    """The crash-loop fast-forward moves its two instances' streams (move_twins) where it copied the current one and
    dropped both: the same logs."""
    got = []
    for way in ("copy", "move"):
        st = Store(tmp_path / f"{way}.db")
        with st.transaction() as tx:
            logs.append(tx, "default", "p", "prev", [(1000, "boom"), (1200, "bye")])
            logs.append(tx, "default", "p", "cur", [(11_000, "boom"), (11_200, "bye")])
            with logs.read_together(tx, ["cur", "prev"]) as read:
                pass
            if way == "copy":
                logs.copies(tx, "cur", targets, "default", "p")
                logs.drop(tx, [i for i in ("cur", "prev") if i not in [t for t, _ in targets]])
            else:
                assert logs.move_twins(tx, read, "cur", 10_900, "prev", 900, targets)
            got.append(_logs_of(tx, ["cur", "prev", "n1", "n2"]))
        st.close()
    assert got[0] == got[1]


def test_twin_logs_that_differ_are_not_moved(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        logs.append(tx, "default", "p", "prev", [(1000, "boom")])
        logs.append(tx, "default", "p", "cur", [(11_000, "boom"), (11_200, "again")])
        logs.append(tx, "default", "p", "taken", [(5, "x")])
        with logs.read_together(tx, ["cur", "prev"]) as read:
            pass
        before = _logs_of(tx, ["cur", "prev", "n1"])
        assert not logs.move_twins(tx, read, "cur", 10_900, "prev", 900, [("n1", 9), ("n2", 8)])
        assert not logs.move_twins(tx, read, "cur", 10_000, "prev", 900, [("n1", 9), ("n2", 8)])
        assert _logs_of(tx, ["cur", "prev", "n1"]) == before
        logs.append(tx, "default", "p", "cur2", [(10_000, "boom")])
        with logs.read_together(tx, ["cur2", "prev"]) as read:
            pass
        # a target with a log already: nothing changed
        assert not logs.move_twins(tx, read, "cur2", 10_000, "prev", 1000, [("n1", 9), ("taken", 8)])
        assert _logs_of(tx, ["cur2", "prev", "taken"])["taken"][1] == [(0, 5, 1, "x")]
        assert logs.state(tx, "cur2") is not None and logs.state(tx, "n1") is None
        assert logs.move_twins(tx, read, "cur2", 10_000, "prev", 1000, [("n1", 9), ("n2", 8)])
        assert _logs_of(tx, ["n1", "n2"]) == {"n1": ((1, logs.line_bytes("boom"), 10_009), [(0, 10_009, 1, "boom")]),
                                              "n2": ((1, logs.line_bytes("boom"), 10_008), [(0, 10_008, 1, "boom")])}


def test_a_new_store_has_big_pages_an_old_one_keeps_its_own(tmp_path):
    st = Store(tmp_path / "new.db")
    with st.transaction():
        pass
    assert st.conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
    st.close()
    old = tmp_path / "old.db"  # a file made with 4 KiB pages (as every store before)
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA page_size=4096")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    assert old.stat().st_size > 0
    st = Store(old)
    with st.transaction() as tx:
        tx.create(pod("p"))
    assert st.conn.execute("PRAGMA page_size").fetchone()[0] == 4096


def test_list_current_is_kept_until_its_kind_is_written(tmp_path):
    st = Store(tmp_path / "s.db")
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "default"},
           "spec": {"clusterIP": "10.96.0.5"}}
    with st.transaction() as tx:
        assert tx.list_current("Service", "default") == []
        tx.create(pod("p"))  # another kind: the answer stands
        assert tx.list_current("Service", "default") is tx.list_current("Service", "default")
        s = tx.create(dict(svc))
        assert [o["metadata"]["name"] for o in tx.list_current("Service", "default")] == ["s"]
        s["spec"]["clusterIP"] = "10.96.0.6"
        tx.update(s)
        assert tx.list_current("Service", "default")[0]["spec"]["clusterIP"] == "10.96.0.6"
        with pytest.raises(RuntimeError):
            with tx.savepoint():
                tx.create({**svc, "metadata": {"name": "t", "namespace": "default"}})
                assert len(tx.list_current("Service", "default")) == 2
                raise RuntimeError
        assert len(tx.list_current("Service", "default")) == 1
        tx.delete("Service", "default", "s")
        assert tx.list_current("Service", "default") == []


def test_lines_of_a_new_instance_and_of_one_thought_new(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        logs.append(tx, "default", "p", "a", [(1000, "x")], new=True)
        logs.append(tx, "default", "p", "a", [(2000, "y")], new=True)  # it had a log after all: appended to
        logs.append(tx, "default", "p", "a", [(3000, "z")])
        assert logs.entries(tx, "a", end_ms=10**9) == [(0, 1000, 1, "x"), (1, 2000, 1, "y"), (2, 3000, 1, "z")]
        assert logs.state(tx, "a") == (3, 3 * logs.LINE_OVERHEAD + 3, 3000)


def test_a_fresh_body_is_the_array_pack_writes():
    """``_fresh_body`` makes the text from pieces kept per event (its strings but the uid and the involved
    resourceVersion): the very text of the array ``pack`` writes, for strings the encoder escapes too."""
    import itertools

    strs = ["", "a", 'q"uote', "back\\slash", "nul\0x", "ünï\u2028", "\x01ctl", "kubelet", "spec.containers{c}"]
    at = 1_767_225_601_000
    n = 0
    for combined in (False, True):
        for t, r, m, c, h, kind, fp in itertools.product(strs[:3], strs[4:6], strs, strs[6:8], ["", "n1"],
                                                        ["Pod", 'K"'], ["", "fp\\"]):
            for uid, rv in (("d9251-9de", "17"), ('u"\\', "\0")):
                want = _dumps([int(combined), uid, 0, 0, 1, t, r, m, c, h, "v1", kind, 0, rv, fp])
                assert events._fresh_body(combined, at, uid, t, r, m, "v1", kind, "p", rv, c, h, fp) == want
                n += 1
        # a value that is not a string, a time off the second: pack keeps such an event whole
        assert events._fresh_body(combined, at, "u", "T", 1, "m", "v1", "Pod", "p", "1", "c", "", "") is None
        assert events._fresh_body(combined, at, "u", "T", "r", "m", "v1", "Pod", "p", 1, "c", "", "") is None
        assert events._fresh_body(combined, at + 1, "u", "T", "r", "m", "v1", "Pod", "p", "1", "c", "", "") is None
    assert n == 3456

"""The store: transactions, deterministic identifiers, revisions, the clock, events, savepoints."""

from __future__ import annotations

import sqlite3

import pytest

from minikctl.kube.errors import ClientError
from minikctl.store.db import DEFAULT_EPOCH_MS, Store


def pod(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": {}}


def test_new_cluster_has_default_namespaces_node1_and_epoch(tmp_path):
    from minikctl.cluster import Cluster

    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        assert tx.list("Namespace") == []  # the store keeps what it is given
        Cluster(tx)
        assert [n["metadata"]["name"] for n in tx.list("Namespace")] == [
            "default", "kube-node-lease", "kube-public", "kube-system"]
        assert [n["metadata"]["name"] for n in tx.list("Node")] == ["node1"]
        assert tx.now_ms == DEFAULT_EPOCH_MS
    with st.transaction() as tx:
        Cluster(tx)  # only once
        assert len(tx.list("Namespace")) == 4 and len(tx.list("Node")) == 1


def test_ids_are_deterministic_per_seed(tmp_path):
    uids = []
    for name in ("a.db", "b.db"):
        st = Store(tmp_path / name)
        with st.transaction() as tx:
            uids.append([tx.create(pod(f"p{i}"))["metadata"]["uid"] for i in range(3)])
    assert uids[0] == uids[1]
    assert len(set(uids[0])) == 3
    assert all(len(u) == 36 and u[14] == "4" for u in uids[0])


def test_resource_versions_are_a_global_revision(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        a = tx.create(pod("a"))
        b = tx.create(pod("b"))
        rv_a, rv_b = int(a["metadata"]["resourceVersion"]), int(b["metadata"]["resourceVersion"])
        assert rv_b == rv_a + 1
        a["metadata"]["labels"] = {"x": "y"}
        assert int(tx.update(a)["metadata"]["resourceVersion"]) == rv_b + 1


def test_rollback_on_error_keeps_nothing(tmp_path):
    st = Store(tmp_path / "s.db")
    with pytest.raises(RuntimeError):
        with st.transaction() as tx:
            tx.create(pod("gone"))
            tx.set_now(tx.now_ms + 5000)
            raise RuntimeError("boom")
    with st.transaction() as tx:
        assert tx.get("Pod", "default", "gone") is None
        assert tx.now_ms == DEFAULT_EPOCH_MS


def test_savepoint_undoes_one_step_and_its_counters(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        kept = tx.create(pod("kept"))
        with pytest.raises(ValueError):
            with tx.savepoint():
                tx.create(pod("dropped"))
                raise ValueError
        again = tx.create(pod("again"))
        assert tx.get("Pod", "default", "dropped") is None
        assert int(again["metadata"]["resourceVersion"]) == int(kept["metadata"]["resourceVersion"]) + 1


def test_change_log_pending_across_steps_is_written_once_whatever_the_steps_undo(tmp_path):
    """The changes not yet written stay pending across savepoints; a step undone after it wrote the log (a full
    flush, or the log's own batch, inside it) takes back only its own, and those before it are written later."""
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        tx.create(pod("a"))
        with tx.savepoint():
            tx.create(pod("b"))
        with pytest.raises(ValueError):
            with tx.savepoint():
                tx.create(pod("c"))
                tx.flush()  # the pending changes (a, b, c) written inside the step
                with tx.savepoint():
                    tx.create(pod("d"))
                raise ValueError
        with pytest.raises(ValueError):
            with tx.savepoint():
                with tx.savepoint():
                    tx.create(pod("e"))
                    tx.flush()
                    tx.create(pod("f"))
                raise ValueError
        tx.create(pod("g"))
    conn = sqlite3.connect(tmp_path / "s.db")
    try:
        logged = [r[0] for r in conn.execute("SELECT name FROM changes WHERE kind='Pod' ORDER BY rv")]
    finally:
        conn.close()
    assert logged == ["a", "b", "g"]


def test_events_aggregate_and_list_in_order(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        p = tx.create(pod("p"))
        tx.record_event(p, "Normal", "Pulling", 'Pulling image "x"', "kubelet")
        tx.set_now(tx.now_ms + 1000)
        tx.record_event(p, "Normal", "Started", "Started container c", "kubelet")
        tx.set_now(tx.now_ms + 1000)
        ev = tx.record_event(p, "Normal", "Pulling", 'Pulling image "x"', "kubelet")
        assert ev["count"] == 2 and ev["firstTimestamp"] != ev["lastTimestamp"]
        assert [e["reason"] for e in tx.events_for(p["metadata"]["uid"])] == ["Started", "Pulling"]


def test_not_a_store(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ClientError, match="is not a minikctl store"):
        st = Store(bad)
        with st.transaction():
            pass
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(ClientError, match="unexpected tables"):
        with Store(other).transaction():
            pass


def test_list_projects_fields(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        p = pod("p")
        p["metadata"]["labels"] = {"a": "b"}
        p["spec"] = {"containers": [{"name": "c"}], "volumes": [{"name": "v"}]}
        tx.create(p)
        slim = tx.list("Pod", "default", fields=("metadata.name", "metadata.labels", "spec.containers", "status"))
        assert slim == [{"metadata": {"name": "p", "labels": {"a": "b"}}, "spec": {"containers": [{"name": "c"}]},
                         "status": None}]
        with pytest.raises(ValueError):
            tx.list("Pod", "default", fields=("metadata.name'); DROP TABLE objects; --",))


def test_shared_reads_follow_the_writes_of_the_transaction(tmp_path):
    """get_shared keeps what it decoded until the object is written or the step that wrote it is undone."""
    st = Store(tmp_path / "s.db")
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n1"}, "status": {"phase": "Active"}}
    with st.transaction() as tx:
        assert tx.get_shared("Namespace", "", "n1") is None
        tx.create(ns)
        first = tx.get_shared("Namespace", "", "n1")
        assert first["status"]["phase"] == "Active"
        assert tx.get_shared("Namespace", "", "n1") is first  # decoded once
        changed = tx.get("Namespace", "", "n1")
        changed["status"]["phase"] = "Terminating"
        tx.update(changed)
        assert tx.get_shared("Namespace", "", "n1")["status"]["phase"] == "Terminating"
        with pytest.raises(RuntimeError):
            with tx.savepoint():
                again = tx.get("Namespace", "", "n1")
                again["status"]["phase"] = "Gone"
                tx.update(again)
                assert tx.get_shared("Namespace", "", "n1")["status"]["phase"] == "Gone"
                raise RuntimeError("undo the step")
        assert tx.get_shared("Namespace", "", "n1")["status"]["phase"] == "Terminating"
        tx.delete("Namespace", "", "n1")
        assert tx.get_shared("Namespace", "", "n1") is None


def test_exists_answers_from_what_get_found_absent_until_a_create_or_an_undone_step(tmp_path):
    """``Tx.exists`` after ``get`` found nothing answers without a query (apply -f's lookup, then its create), and
    stays right after the object's create, and after a step that deleted it and looked it up is undone."""
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        assert tx.get("Pod", "default", "a") is None and not tx.exists("Pod", "default", "a")
        tx.create(pod("a"))
        assert tx.exists("Pod", "default", "a")
        with pytest.raises(ValueError):
            with tx.savepoint():
                tx.delete("Pod", "default", "a")
                assert tx.get("Pod", "default", "a") is None and not tx.exists("Pod", "default", "a")
                raise ValueError
        assert tx.exists("Pod", "default", "a") and tx.get("Pod", "default", "a") is not None

"""The store's layout: list_current's answers kept until their kind is written, a log copied to several
instances at once."""

from __future__ import annotations

import pytest

from minikctl.store import logs
from minikctl.store.db import Store


def pod(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": {}}


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

"""The garbage collector lets an attempted object go from a few fields of the stored texts, read in SQL, when it
and its owners are live and none is being deleted (``GarbageCollector._settled``,
engine/controllers/garbagecollector.py); with ``MINIKCTL_NO_GC_PEEK=1`` (``PEEK`` False) it decodes them every
time. The stores the two give are byte for byte the same.

The scenario (upstream pkg/controller/garbagecollector/garbagecollector.go attemptToDeleteItem,
classifyReferences): a CronJob running Jobs and their pods (owner chains the collector attempts on every
creation), owners deleted in the background, in the foreground (with blocking and non-blocking dependents, a
dependent created while its owner waits for its dependents) and with the orphan policy, a dependent whose owner
was recreated under the same name (another uid), a pod with two owners, an owner of a kind not served.
"""

from __future__ import annotations

import sqlite3

import pytest

from minikctl.cluster import Cluster
from minikctl.engine.controllers import garbagecollector
from minikctl.store.db import Store


def _ref(owner: dict, block: bool | None = None) -> dict:
    r = {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": owner["metadata"]["name"],
         "uid": owner["metadata"]["uid"]}
    if block is not None:
        r["blockOwnerDeletion"] = block
    return r


def _obj(kind: str, name: str, *owners: dict, block: bool | None = None) -> dict:
    meta = {"name": name, "namespace": "default"}
    if owners:
        meta["ownerReferences"] = [_ref(o, block) for o in owners]
    if kind == "Pod":
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                "spec": {"terminationGracePeriodSeconds": 5,
                         "containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}
    return {"apiVersion": "v1", "kind": kind, "metadata": meta}


CRON = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "tick", "namespace": "default"},
        "spec": {"schedule": "*/2 * * * *", "successfulJobsHistoryLimit": 2,
                 "jobTemplate": {"spec": {"template": {"spec": {
                     "restartPolicy": "Never",
                     "containers": [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 20"]}]}}}}}}


def run(path, peek: bool, monkeypatch) -> dict:
    monkeypatch.setattr(garbagecollector, "PEEK", peek)
    seen = {True: 0, False: 0}
    settled = garbagecollector.GarbageCollector._settled

    def counted(self, key):
        out = settled(self, key)
        seen[out] += 1
        return out

    monkeypatch.setattr(garbagecollector.GarbageCollector, "_settled", counted)
    st = Store(path)
    with st.transaction() as tx:
        cl = Cluster(tx)
        api = cl.api

        def get(kind, name):
            return tx.get(kind, "default", name)

        def later(ms):
            cl.advance_to(cl.now_ms + ms)

        api.create(CRON)
        a, b = api.create(_obj("ConfigMap", "a")), api.create(_obj("ConfigMap", "b"))
        api.create(_obj("Pod", "two", a, b, block=True))  # two owners
        api.create(_obj("Secret", "child-a", a))
        fg = api.create(_obj("ConfigMap", "fg"))
        api.create(_obj("Pod", "blocker", fg, block=True))
        api.create(_obj("ConfigMap", "loose", fg, block=False))
        orphaner = api.create(_obj("ConfigMap", "orphaner"))
        api.create(_obj("Secret", "kept", orphaner))
        old = api.create(_obj("ConfigMap", "again"))
        odd = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "uid": "1234"}}
        api.create(_obj("Secret", "unresolved", odd))
        later(5 * 60_000)
        api.delete(get("ConfigMap", "a"), propagation="Background")  # "two" loses a reference, child-a goes
        api.delete(get("ConfigMap", "fg"), propagation="Foreground")  # waits for its blocker
        cl.settle()
        api.create(_obj("Secret", "late", get("ConfigMap", "fg")))  # added while its owner waits
        api.delete(get("ConfigMap", "orphaner"), propagation="Orphan")
        api.delete(get("ConfigMap", "again"))
        api.create(_obj("ConfigMap", "again"))  # same name, another uid
        api.create(_obj("Secret", "stale", old))  # its owner is the old one: dangling
        later(3 * 60_000)
        api.delete(get("CronJob", "tick"), propagation="Foreground")
        later(2 * 60_000)
        api.delete(get("ConfigMap", "b"), propagation="Background")
        later(60_000)
    st.close()
    return seen


def _dump(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [x for x in conn.iterdump()]
    finally:
        conn.close()


def test_peeked_attempts_give_the_store_of_decoded_ones(tmp_path, monkeypatch):
    seen = run(tmp_path / "peek.db", True, monkeypatch)
    assert seen[True] > 8 and seen[False] > 8  # both ways taken: let go from the texts, and decoded
    off = run(tmp_path / "decoded.db", False, monkeypatch)
    assert off == {True: 0, False: 0}
    on, off = _dump(tmp_path / "peek.db"), _dump(tmp_path / "decoded.db")
    assert len(on) == len(off) and on == off
    assert any("Secret" in x and "late" in x for x in on)  # the scenario's objects are there to compare


@pytest.mark.parametrize("peek", [True, False])
def test_the_scenario_collects(tmp_path, monkeypatch, peek):
    run(tmp_path / "s.db", peek, monkeypatch)
    conn = sqlite3.connect(tmp_path / "s.db")
    try:
        names = {(k, n) for k, n in conn.execute("SELECT kind, name FROM objects WHERE namespace='default'")}
    finally:
        conn.close()
    assert ("Secret", "child-a") not in names and ("Secret", "stale") not in names
    assert ("Secret", "kept") in names and ("Secret", "unresolved") in names
    assert ("ConfigMap", "fg") not in names and ("Secret", "late") not in names
    assert ("CronJob", "tick") not in names and not any(k == "Job" for k, _ in names)

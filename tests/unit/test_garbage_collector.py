"""The garbage collector and cascading deletion, driven through ``minikctl.cluster.Cluster`` on a temporary store,
with owner references made by hand between ConfigMaps, Secrets and Pods.

Upstream (kubernetes v1.32):
  - pkg/controller/garbagecollector/garbagecollector.go: attemptToDeleteItem, classifyReferences, isDangling,
    processDeletingDependentsItem, attemptToOrphanWorker / orphanDependents
  - pkg/controller/garbagecollector/graph_builder.go: processGraphChanges (virtual owners, owners waiting for
    their dependents, dependents of a deleted owner)
  - staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go: deletionFinalizersForGarbageCollection,
    shouldOrphanDependents, shouldDeleteDependents
"""

from __future__ import annotations

import pytest

from minikctl.api.server import gc_finalizers
from minikctl.cluster import Cluster
from minikctl.store.db import Store


@pytest.fixture
def cluster(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        yield Cluster(tx)
    st.close()


def cm(name: str, *owners: dict, block: bool | None = None, **meta) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default", **_owned(owners, block), **meta}}


def secret(name: str, *owners: dict, block: bool | None = None) -> dict:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": "default",
                                                              **_owned(owners, block)}}


def pod(name: str, *owners: dict, block: bool | None = None, grace: int = 30) -> dict:
    """busybox sleeping as PID 1: it ignores SIGTERM, so it is killed at the end of its grace period."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default",
                                                           **_owned(owners, block)},
            "spec": {"terminationGracePeriodSeconds": grace,
                     "containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}


def ref(owner: dict, block: bool | None = None) -> dict:
    r = {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": owner["metadata"]["name"],
         "uid": owner["metadata"]["uid"]}
    if block is not None:
        r["blockOwnerDeletion"] = block
    return r


def _owned(owners, block) -> dict:
    return {"ownerReferences": [ref(o, block) for o in owners]} if owners else {}


def get(cluster, kind: str, name: str) -> dict | None:
    return cluster.tx.get(kind, "default", name)


def refs_of(obj: dict) -> list[str]:
    return [r["name"] for r in obj["metadata"].get("ownerReferences") or []]


# ---- Background -------------------------------------------------------------------------------------------------
def test_background_deletion_deletes_the_dependents_at_the_same_instant(cluster):
    api = cluster.api
    owner = api.create(cm("owner"))
    api.create(cm("child", owner))
    api.create(secret("s", owner))
    api.create(pod("p", owner))
    grandchild_owner = api.create(cm("middle", owner))
    api.create(cm("grandchild", grandchild_owner))
    cluster.settle()
    cluster.advance_to(cluster.now_ms + 5000)  # the pod runs
    start = cluster.now_ms
    api.delete(get(cluster, "ConfigMap", "owner"), propagation="Background")
    cluster.settle()
    assert cluster.now_ms == start
    for kind, name in (("ConfigMap", "owner"), ("ConfigMap", "child"), ("Secret", "s"), ("ConfigMap", "middle"),
                       ("ConfigMap", "grandchild")):
        assert get(cluster, kind, name) is None, name
    p = get(cluster, "Pod", "p")  # deleted gracefully, like any pod: Terminating for its grace period
    assert p["metadata"]["deletionTimestamp"] and p["metadata"]["deletionGracePeriodSeconds"] == 30


def test_a_dependent_with_another_live_owner_only_loses_the_reference(cluster):
    api = cluster.api
    a, b = api.create(cm("a")), api.create(cm("b"))
    api.create(secret("shared", a, b))
    cluster.settle()
    api.delete(get(cluster, "ConfigMap", "a"))
    cluster.settle()
    assert refs_of(get(cluster, "Secret", "shared")) == ["b"]
    api.delete(get(cluster, "ConfigMap", "b"))
    cluster.settle()
    assert get(cluster, "Secret", "shared") is None


def test_a_dependent_of_a_same_named_new_owner_is_still_collected(cluster):
    """isDangling: an owner with the name but another uid is absent."""
    api = cluster.api
    owner = api.create(cm("owner"))
    api.create(cm("child", owner))
    cluster.settle()
    api.delete(get(cluster, "ConfigMap", "owner"))
    api.create(cm("owner"))  # same name, new uid, before the collector looks
    cluster.settle()
    assert get(cluster, "ConfigMap", "child") is None


# ---- absent owners ----------------------------------------------------------------------------------------------
def test_an_object_created_with_an_absent_owner_is_deleted(cluster):
    api = cluster.api
    ghost = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ghost", "uid": "0000-gone"}}
    api.create(secret("orphaned", ghost))
    live = api.create(cm("live"))
    wrong_uid = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "live", "uid": "not-its-uid"}}
    api.create(secret("mismatch", wrong_uid))
    api.create(secret("half", ghost, live))
    cluster.settle()
    assert get(cluster, "Secret", "orphaned") is None
    assert get(cluster, "Secret", "mismatch") is None
    assert refs_of(get(cluster, "Secret", "half")) == ["live"]  # the dangling reference is removed


def test_an_owner_that_cannot_be_resolved_leaves_the_object_alone(cluster):
    """A kind the server does not serve: upstream cannot map it and retries; nothing is deleted."""
    api = cluster.api
    odd = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "uid": "1234"}}
    api.create(secret("kept", odd))
    cluster.settle()
    assert refs_of(get(cluster, "Secret", "kept")) == ["w"]


# ---- Foreground -------------------------------------------------------------------------------------------------
def test_foreground_keeps_the_owner_until_its_blocking_dependents_are_gone(cluster):
    api, tx = cluster.api, cluster.tx
    owner = api.create(cm("owner"))
    api.create(pod("blocker", owner, block=True))
    api.create(cm("plain", owner))
    cluster.advance_to(cluster.now_ms + 5000)
    start = cluster.now_ms
    api.delete(get(cluster, "ConfigMap", "owner"), propagation="Foreground")
    cluster.settle()
    kept = get(cluster, "ConfigMap", "owner")
    assert kept["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert kept["metadata"]["deletionTimestamp"] and kept["metadata"]["deletionGracePeriodSeconds"] == 0
    assert get(cluster, "ConfigMap", "plain") is None  # non-blocking dependents go too, at once
    blocker = get(cluster, "Pod", "blocker")
    assert blocker["metadata"]["deletionGracePeriodSeconds"] == 30
    assert "finalizers" not in blocker["metadata"]  # a dependent without dependents is deleted in the background
    cluster.advance_to(start + 29_000)
    assert get(cluster, "ConfigMap", "owner") is not None
    assert cluster.run_until(lambda: get(cluster, "Pod", "blocker") is None, start + 60_000)
    assert 30_000 <= tx.now_ms - start <= 32_000  # killed at the end of the grace period
    assert get(cluster, "ConfigMap", "owner") is None  # at the same instant as its last blocking dependent


def test_foreground_without_blocking_dependents_deletes_the_owner_at_once(cluster):
    api = cluster.api
    owner = api.create(cm("owner"))
    api.create(pod("p", owner, block=False))
    api.create(secret("s", owner))
    cluster.advance_to(cluster.now_ms + 5000)
    api.delete(get(cluster, "ConfigMap", "owner"), propagation="Foreground")
    cluster.settle()
    assert get(cluster, "ConfigMap", "owner") is None
    assert get(cluster, "Secret", "s") is None
    assert get(cluster, "Pod", "p")["metadata"]["deletionTimestamp"]


def test_foreground_goes_down_the_chain(cluster):
    """A dependent that owns others is deleted in the foreground itself: owner -> middle -> pod."""
    api = cluster.api
    owner = api.create(cm("owner"))
    middle = api.create(cm("middle", owner, block=True))
    api.create(pod("leaf", middle, block=True))
    cluster.advance_to(cluster.now_ms + 5000)
    start = cluster.now_ms
    api.delete(get(cluster, "ConfigMap", "owner"), propagation="Foreground")
    cluster.settle()
    assert get(cluster, "ConfigMap", "middle")["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert get(cluster, "ConfigMap", "owner")["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert cluster.run_until(lambda: get(cluster, "ConfigMap", "owner") is None, start + 60_000)
    assert get(cluster, "ConfigMap", "middle") is None and get(cluster, "Pod", "leaf") is None
    assert cluster.now_ms - start >= 30_000


def test_a_blocking_dependent_that_lets_go_frees_its_owner(cluster):
    api = cluster.api
    owner = api.create(cm("owner"))
    other = api.create(cm("other"))
    api.create(pod("p", owner, other, block=True))
    cluster.advance_to(cluster.now_ms + 5000)
    api.delete(get(cluster, "ConfigMap", "owner"), propagation="Foreground")
    cluster.settle()
    # the pod has a live owner left: it is kept, without the reference to the waiting owner, which then goes
    assert get(cluster, "ConfigMap", "owner") is None
    p = get(cluster, "Pod", "p")
    assert refs_of(p) == ["other"] and not p["metadata"].get("deletionTimestamp")


# ---- Orphan -----------------------------------------------------------------------------------------------------
def test_orphan_takes_the_owner_reference_off_the_dependents(cluster):
    api = cluster.api
    owner, other = api.create(cm("owner")), api.create(cm("other"))
    api.create(cm("child", owner))
    api.create(secret("both", owner, other))
    api.create(pod("p", owner, block=True))
    cluster.settle()
    api.delete(get(cluster, "ConfigMap", "owner"), propagation="Orphan")
    cluster.settle()
    assert get(cluster, "ConfigMap", "owner") is None
    assert "ownerReferences" not in get(cluster, "ConfigMap", "child")["metadata"]
    assert refs_of(get(cluster, "Secret", "both")) == ["other"]
    p = get(cluster, "Pod", "p")
    assert "ownerReferences" not in p["metadata"] and not p["metadata"].get("deletionTimestamp")


# ---- the API server's side ----------------------------------------------------------------------------------
@pytest.mark.parametrize("finalizers, policy, want", [
    ([], "Foreground", ["foregroundDeletion"]),
    ([], "Orphan", ["orphan"]),
    ([], "Background", []),
    ([], None, []),
    (["x/keep", "orphan"], "Foreground", ["x/keep", "foregroundDeletion"]),
    (["foregroundDeletion"], "Background", []),
    (["orphan"], None, ["orphan"]),
    (["foregroundDeletion", "x/keep"], None, ["x/keep", "foregroundDeletion"]),
])
def test_deletion_finalizers_for_garbage_collection(finalizers, policy, want):
    assert gc_finalizers(finalizers, policy) == want


def test_a_finalizer_of_someone_else_keeps_the_owner_after_the_collector_is_done(cluster):
    api = cluster.api
    owner = api.create(cm("owner", finalizers=["example.com/hold"]))
    api.create(cm("child", owner, block=True))
    cluster.settle()
    api.delete(get(cluster, "ConfigMap", "owner"), propagation="Foreground")
    cluster.settle()
    kept = get(cluster, "ConfigMap", "owner")
    assert kept["metadata"]["finalizers"] == ["example.com/hold"] and get(cluster, "ConfigMap", "child") is None

"""The describers' own logic, without kubectl: which ReplicaSets a Deployment shows, pod counts per controller,
the generic describer's labels (the byte-for-byte comparisons with kubectl are in
tests/e2e/test_describe_workloads_oracle.py)."""

from __future__ import annotations

from minikctl.printers import describe_workloads as dw
from minikctl.printers.describe import smart_label
from minikctl.printers.describers import DESCRIBERS
from tests.describe_ctx import MemoryCtx


def _rs(name, uid_owner, created, image, replicas=1, labels=None):
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": "default", "creationTimestamp": created,
                         "labels": labels or {"app": "a"},
                         "ownerReferences": [{"kind": "Deployment", "name": "d", "uid": uid_owner, "controller": True}]},
            "spec": {"replicas": replicas, "template": {"metadata": {"labels": {"app": "a", "pod-template-hash": name}},
                                                        "spec": {"containers": [{"name": "c", "image": image}]}}},
            "status": {"replicas": replicas}}


DEPLOY = {"apiVersion": "apps/v1", "kind": "Deployment",
          "metadata": {"name": "d", "namespace": "default", "uid": "u-d"},
          "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "a"}},
                   "template": {"metadata": {"labels": {"app": "a"}, "creationTimestamp": None},
                                "spec": {"containers": [{"name": "c", "image": "v2"}]}}}}


def test_new_replica_set_is_the_oldest_with_the_deployments_template():
    objs = [_rs("b", "u-d", "2025-01-02T00:00:00Z", "v2"), _rs("a", "u-d", "2025-01-01T00:00:00Z", "v1", 0),
            _rs("c", "u-d", "2025-01-02T00:00:00Z", "v2"), _rs("x", "other", "2025-01-01T00:00:00Z", "v2"),
            _rs("y", "u-d", "2025-01-01T00:00:00Z", "v2", labels={"app": "b"})]
    old, new = dw.replica_sets_of(DEPLOY, MemoryCtx(objs))
    assert [r["metadata"]["name"] for r in old] == ["a", "c"]  # creation time, then name; zero replicas included
    assert new["metadata"]["name"] == "b"


def test_equal_ignore_hash_treats_nil_and_empty_alike():
    a = {"metadata": {"labels": {"app": "a", "pod-template-hash": "1"}, "creationTimestamp": None},
         "spec": {"containers": [{"name": "c", "image": "i", "env": []}], "volumes": []}}
    b = {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
    assert dw.equal_ignore_hash(a, b)
    assert not dw.equal_ignore_hash(a, {**b, "spec": {"containers": [{"name": "c", "image": "j"}]}})


def test_pod_counts_skip_orphans_and_other_owners():
    owner = {"kind": "ReplicaSet", "metadata": {"name": "r", "namespace": "default", "uid": "u1"},
             "spec": {"selector": {"matchLabels": {"app": "a"}}}}

    def pod(name, uid, phase):
        refs = [{"kind": "ReplicaSet", "name": "r", "uid": uid, "controller": True}] if uid else []
        return {"kind": "Pod", "metadata": {"name": name, "namespace": "default", "labels": {"app": "a"},
                                            "ownerReferences": refs}, "status": {"phase": phase}}

    pods = [pod("a", "u1", "Running"), pod("b", "u1", "Pending"), pod("c", "u1", "Failed"), pod("d", None, "Running"),
            pod("e", "u2", "Running"), pod("f", "u1", "Succeeded"), pod("g", "u1", "Unknown")]
    assert dw.pod_status_for_controller(owner, MemoryCtx(pods)) == (1, 1, 1, 1)


def test_cap_indexes():
    assert dw.cap_indexes("") == "<none>"
    assert dw.cap_indexes("1-3,7") == "1-3,7"
    long = ",".join(str(i) for i in range(40))
    assert dw.cap_indexes(long) == long[: long.index(",", 50) + 1] + "..."


def test_smart_label():
    assert smart_label("apiVersion") == "API Version"
    assert smart_label("ownerReferences") == "Owner References"
    assert smart_label("uid") == "UID"
    assert smart_label("$patch") == "$patch"
    assert smart_label("terminationGracePeriodSeconds") == "Termination Grace Period Seconds"
    assert smart_label("PDFLoader") == "PDF Loader"


def test_describers_table():
    assert set(DESCRIBERS) == {"Node", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ConfigMap",
                               "Secret", "ServiceAccount", "ControllerRevision", "Service", "Endpoints",
                               "EndpointSlice"}

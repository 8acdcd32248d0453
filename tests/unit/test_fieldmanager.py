"""Field ownership (api/fieldmanager.py): FieldsV1 sets, Update entries, server-side apply and its conflicts."""

from __future__ import annotations

import json

import pytest

from minikctl.api import fieldmanager as fm
from minikctl.kube.kinds import CONFIGMAP, DEPLOYMENT, POD

POD_OBJ = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "labels": {"app": "x"}},
           "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}],
                    "tolerations": [{"key": "k"}]}}


def test_field_sets_know_associative_lists_sets_and_atomic_lists():
    fs = fm.field_set(POD_OBJ, fm.schema_for(POD))
    assert fs == {"f:metadata": {"f:labels": {"f:app": {}}}, "f:spec": {
        "f:containers": {'k:{"name":"c"}': {".": {}, "f:image": {}, "f:name": {}, "f:ports": {
            'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}}}},
        "f:tolerations": {}}}
    assert list(fs["f:spec"]["f:containers"]['k:{"name":"c"}']) == [".", "f:image", "f:name", "f:ports"]
    assert fm.path_text(("f:spec", "f:containers", 'k:{"name":"c"}', "f:image")) == \
        '.spec.containers[name="c"].image'


def test_a_create_owns_what_it_sent_and_defaults_with_added_maps_as_members():
    obj = json.loads(json.dumps(POD_OBJ))
    fm.record_update(POD, fm.schema_for(POD), None, obj, "kubectl-run", "", "t0")
    (entry,) = obj["metadata"]["managedFields"]
    assert (entry["manager"], entry["operation"], entry["time"]) == ("kubectl-run", "Update", "t0")
    # a new labels map is a member itself (compare.go's Added); spec and containers are in the zero value
    assert entry["fieldsV1"]["f:metadata"] == {"f:labels": {".": {}, "f:app": {}}}
    assert "." not in entry["fieldsV1"]["f:spec"] and "." not in entry["fieldsV1"]["f:spec"]["f:containers"]
    ports = entry["fieldsV1"]["f:spec"]["f:containers"]['k:{"name":"c"}']["f:ports"]
    assert ports == {".": {}, 'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}}


def test_atomic_maps_are_leaves():
    schema = fm.schema_for(DEPLOYMENT)
    dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
           "spec": {"selector": {"matchLabels": {"a": "b"}}, "replicas": 1}}
    fm.record_update(DEPLOYMENT, schema, None, dep, "kubectl-create", "", "t")
    assert dep["metadata"]["managedFields"][0]["fieldsV1"] == {"f:spec": {"f:replicas": {}, "f:selector": {}}}


def test_apply_owns_conflicts_forces_and_removes():
    schema = fm.schema_for(CONFIGMAP)
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1", "b": "2"}}
    first = fm.apply(CONFIGMAP, schema, None, cm, "alice", False, "", "t0")
    assert [(e["manager"], e["operation"]) for e in first["metadata"]["managedFields"]] == [("alice", "Apply")]
    other = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "9"}}
    with pytest.raises(fm.ApplyConflict) as info:
        fm.apply(CONFIGMAP, schema, first, other, "bob", False, "", "t1")
    # printManager: an applier by its name only
    assert info.value.message == 'Apply failed with 1 conflict: conflict with "alice": .data.a'
    assert info.value.causes() == [{"reason": "FieldManagerConflict", "message": 'conflict with "alice"',
                                    "field": ".data.a"}]
    same = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}}
    shared = fm.apply(CONFIGMAP, schema, first, same, "bob", False, "", "t1")  # same value: co-owned
    assert len(shared["metadata"]["managedFields"]) == 2
    forced = fm.apply(CONFIGMAP, schema, first, other, "bob", True, "", "t1")
    assert forced["data"] == {"a": "9", "b": "2"}
    owners = {e["manager"]: e["fieldsV1"] for e in forced["metadata"]["managedFields"]}
    assert owners == {"alice": {"f:data": {"f:b": {}}}, "bob": {"f:data": {"f:a": {}}}}
    # alice drops b (nobody else owns it: removed) and a (bob owns it: kept)
    gone = fm.apply(CONFIGMAP, schema, forced, {"apiVersion": "v1", "kind": "ConfigMap",
                                                "metadata": {"name": "c"}, "data": {"z": "0"}}, "alice", False, "", "t2")
    assert gone["data"] == {"a": "9", "z": "0"}


def test_conflicts_with_updaters_name_their_version_and_group_by_manager():
    schema = fm.schema_for(CONFIGMAP)
    live = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1", "b": "2"}}
    fm.record_update(CONFIGMAP, schema, None, live, "kubectl-create", "", "t0")
    applied = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "3", "b": "4"}}
    with pytest.raises(fm.ApplyConflict) as info:
        fm.apply(CONFIGMAP, schema, live, applied, "kubectl", False, "", "t1")
    assert info.value.message == ('Apply failed with 2 conflicts: conflicts with "kubectl-create" using v1:\n'
                                  "- .data.a\n- .data.b")


def test_apply_merges_associative_lists_by_key():
    schema = fm.schema_for(POD)
    live = fm.apply(POD, schema, None, POD_OBJ, "m", False, "", "t")
    change = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "labels": {"app": "x"}},
              "spec": {"containers": [{"name": "c", "image": "nginx:2",
                                       "ports": [{"containerPort": 80, "protocol": "TCP"}]}],
                       "tolerations": [{"key": "k"}]}}
    out = fm.apply(POD, schema, live, change, "m", False, "", "t")
    assert out["spec"]["containers"] == [{"name": "c", "image": "nginx:2",
                                          "ports": [{"containerPort": 80, "protocol": "TCP"}]}]


def test_updates_take_what_they_change():
    schema = fm.schema_for(DEPLOYMENT)
    old = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "managedFields": [
        {"manager": "a", "operation": "Apply", "apiVersion": "apps/v1", "time": "t", "fieldsType": "FieldsV1",
         "fieldsV1": {"f:spec": {"f:replicas": {}, "f:paused": {}}}}]}, "spec": {"replicas": 1, "paused": False}}
    new = json.loads(json.dumps(old))
    new["spec"]["replicas"] = 3
    fm.record_update(DEPLOYMENT, schema, old, new, "kubectl", "scale", "t2")
    owners = {(e["manager"], e.get("subresource")): e["fieldsV1"] for e in new["metadata"]["managedFields"]}
    assert owners == {("a", None): {"f:spec": {"f:paused": {}}}, ("kubectl", "scale"): {"f:spec": {"f:replicas": {}}}}
    # an update that changes nothing leaves the entries (and their times) alone
    same = json.loads(json.dumps(new))
    fm.record_update(DEPLOYMENT, schema, new, same, "kubectl-edit", "", "t3")
    assert same["metadata"]["managedFields"] == new["metadata"]["managedFields"]


def test_status_writes_move_only_the_time_when_the_writer_owns_what_changed():
    schema = fm.schema_for(POD)
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}}
    fm.record_status(POD, schema, {}, {**pod, "status": {"phase": "Pending"}}, "kubelet", "t1")
    cur = {**pod, "status": {"phase": "Pending"}}
    fm.record_status(POD, schema, {}, cur, "kubelet", "t1")
    assert cur["metadata"]["managedFields"][0]["fieldsV1"] == {"f:status": {"f:phase": {}}}
    nxt = {**cur, "metadata": dict(cur["metadata"]), "status": {"phase": "Running"}}
    fm.record_status(POD, schema, cur["status"], nxt, "kubelet", "t2")
    (entry,) = nxt["metadata"]["managedFields"]
    assert (entry["manager"], entry["subresource"], entry["time"]) == ("kubelet", "status", "t2")
    assert entry["fieldsV1"] == {"f:status": {"f:phase": {}}}
    # entries sort by operation, then time, then manager (sortEncodedManagedFields)
    assert [e["manager"] for e in fm._sorted([{"operation": "Update", "time": "t2", "manager": "a"},
                                              {"operation": "Update", "time": "t1", "manager": "b"},
                                              {"operation": "Apply", "time": "t3", "manager": "c"}])] == ["c", "b", "a"]

"""Pieces of `minikctl serve` without a server: field ownership, protobuf bodies, discovery, routes, Status."""

from __future__ import annotations

import json

import pytest

from minikctl.kube import errors as E
from minikctl.kube.kinds import CONFIGMAP, DEPLOYMENT, POD
from minikctl.serve import discovery, fields, protobuf
from minikctl.serve.server import route, status_body

POD_OBJ = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "labels": {"app": "x"}},
           "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}],
                    "tolerations": [{"key": "k"}]}}


def test_field_sets_know_associative_lists_sets_and_atomic_lists():
    fs = fields.field_set(POD_OBJ, fields.schema_for(POD))
    assert fs == {"f:metadata": {"f:labels": {"f:app": {}}}, "f:spec": {
        "f:containers": {'k:{"name":"c"}': {".": {}, "f:name": {}, "f:image": {}, "f:ports": {
            'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}}}},
        "f:tolerations": {}}}
    assert fields.path_text(("f:spec", "f:containers", 'k:{"name":"c"}', "f:image")) == \
        '.spec.containers[name="c"].image'


def test_apply_owns_conflicts_forces_and_removes():
    schema = fields.schema_for(CONFIGMAP)
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1", "b": "2"}}
    first = fields.apply(CONFIGMAP, schema, None, cm, "alice", False, "", "t0")
    assert [(e["manager"], e["operation"]) for e in first["metadata"]["managedFields"]] == [("alice", "Apply")]
    other = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "9"}}
    with pytest.raises(fields.ApplyConflict) as info:
        fields.apply(CONFIGMAP, schema, first, other, "bob", False, "", "t1")
    assert info.value.message == 'Apply failed with 1 conflict: conflict with "alice" using v1: .data.a'
    assert info.value.causes() == [{"reason": "FieldManagerConflict", "message": 'conflict with "alice" using v1',
                                    "field": ".data.a"}]
    same = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}}
    shared = fields.apply(CONFIGMAP, schema, first, same, "bob", False, "", "t1")  # same value: co-owned
    forced = fields.apply(CONFIGMAP, schema, first, other, "bob", True, "", "t1")
    assert forced["data"] == {"a": "9", "b": "2"}
    owners = {e["manager"]: e["fieldsV1"] for e in forced["metadata"]["managedFields"]}
    assert owners == {"alice": {"f:data": {"f:b": {}}}, "bob": {"f:data": {"f:a": {}}}}
    # alice drops b (nobody else owns it: removed) and a (bob owns it: kept)
    gone = fields.apply(CONFIGMAP, schema, forced, {"apiVersion": "v1", "kind": "ConfigMap",
                                                    "metadata": {"name": "c"}, "data": {"z": "0"}},
                        "alice", False, "", "t2")
    assert gone["data"] == {"a": "9", "z": "0"}
    assert len(shared["metadata"]["managedFields"]) == 2


def test_apply_merges_associative_lists_by_key():
    schema = fields.schema_for(POD)
    live = fields.apply(POD, schema, None, POD_OBJ, "m", False, "", "t")
    change = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "labels": {"app": "x"}},
              "spec": {"containers": [{"name": "c", "image": "nginx:2",
                                       "ports": [{"containerPort": 80, "protocol": "TCP"}]}],
                       "tolerations": [{"key": "k"}]}}
    out = fields.apply(POD, schema, live, change, "m", False, "", "t")
    assert out["spec"]["containers"] == [{"name": "c", "image": "nginx:2",
                                          "ports": [{"containerPort": 80, "protocol": "TCP"}]}]


def test_updates_take_what_they_change():
    schema = fields.schema_for(DEPLOYMENT)
    old = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "managedFields": [
        {"manager": "a", "operation": "Apply", "apiVersion": "apps/v1", "time": "t", "fieldsType": "FieldsV1",
         "fieldsV1": {"f:spec": {"f:replicas": {}, "f:paused": {}}}}]}, "spec": {"replicas": 1, "paused": False}}
    new = json.loads(json.dumps(old))
    new["spec"]["replicas"] = 3
    fields.record_update(DEPLOYMENT, schema, old, new, "kubectl-scale", "", "t2")
    owners = {e["manager"]: e["fieldsV1"] for e in new["metadata"]["managedFields"]}
    assert owners == {"a": {"f:spec": {"f:paused": {}}}, "kubectl-scale": {"f:spec": {"f:replicas": {}}}}


def _field(num: int, wire: int, payload) -> bytes:
    def varint(n: int) -> bytes:
        out = b""
        while True:
            b, n = n & 0x7F, n >> 7
            out += bytes([b | (0x80 if n else 0)])
            if not n:
                return out
    if wire == 0:
        return varint(num << 3) + varint(payload)
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def test_protobuf_bodies_decode_to_the_json_the_apiserver_would_see():
    meta = _field(1, 2, b"web") + _field(3, 2, b"default") + _field(8, 2, b"")  # creationTimestamp: zero Time
    entry = _field(1, 2, b"k") + _field(2, 2, b"v")
    cm = _field(1, 2, meta) + _field(2, 2, entry) + _field(4, 0, 0)  # immutable: false (a pointer: kept)
    unknown = _field(1, 2, _field(1, 2, b"v1") + _field(2, 2, b"ConfigMap")) + _field(2, 2, cm)
    assert protobuf.decode(b"k8s\x00" + unknown) == {
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web", "namespace": "default"},
        "data": {"k": "v"}, "immutable": False}
    with pytest.raises(E.BadRequest):
        protobuf.decode(b"not protobuf")
    with pytest.raises(E.BadRequest):
        protobuf.decode(b"k8s\x00\x0a\xff")


def test_routes_and_discovery():
    r = route("/api/v1/namespaces/default/pods/web/log")
    assert (r.res.kind, r.namespace, r.name, r.sub) == ("Pod", "default", "web", "log")
    r = route("/api/v1/namespaces/default")
    assert (r.res.kind, r.namespace, r.name) == ("Namespace", None, "default")
    r = route("/apis/apps/v1/deployments")
    assert (r.res.kind, r.namespace, r.name) == ("Deployment", None, None)
    assert route("/api/v1/namespaces/default/pods/web/bogus") is None
    assert route("/apis/apps/v2/deployments") is None
    agg = discovery.aggregated(legacy=True)
    pods = next(r for r in agg["items"][0]["versions"][0]["resources"] if r["resource"] == "pods")
    assert {s["subresource"] for s in pods["subresources"]} >= {"log", "exec", "attach", "eviction", "binding"}


def test_status_bodies():
    rt = route("/apis/apps/v1/namespaces/default/deployments/web")
    st = status_body(E.NotFound("deployments.apps", "web"), rt)
    assert st == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                  "message": 'deployments.apps "web" not found', "reason": "NotFound",
                  "details": {"name": "web", "group": "apps", "kind": "deployments"}, "code": 404}
    st = status_body(E.Invalid("Pod", "p", [E.required("spec.containers")]), route("/api/v1/namespaces/d/pods"))
    assert st["code"] == 422 and st["details"]["causes"] == [
        {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers"}]

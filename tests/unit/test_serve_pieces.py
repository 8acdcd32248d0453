"""Pieces of `minikctl serve` without a server: protobuf bodies, discovery, routes, Status."""

from __future__ import annotations

import pytest

from minikctl.kube import errors as E
from minikctl.serve import discovery, protobuf
from minikctl.serve.routing import route
from minikctl.serve.server import status_body


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

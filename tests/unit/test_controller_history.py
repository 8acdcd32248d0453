"""ControllerRevision helpers against pkg/controller/history/controller_history.go and the getPatch functions
(statefulset/stateful_set_utils.go, daemon/update.go), kubernetes v1.32."""

from __future__ import annotations

import json

import pytest

from minikctl.engine.controllers import history as H


# hash/fnv's own test vectors (golang.org/src/hash/fnv/fnv_test.go: golden32 and golden32a)
@pytest.mark.parametrize("data, fnv1, fnv1a", [
    (b"", 0x811C9DC5, 0x811C9DC5),
    (b"a", 0x050C5D7E, 0xE40C292C),
    (b"ab", 0x70772D38, 0x4D2505CA),
    (b"abc", 0x439C2F4B, 0x1A47E90B),
])
def test_fnv32_and_32a(data, fnv1, fnv1a):
    assert H.fnv32(data) == fnv1
    assert H.fnv32a(data) == fnv1a


def test_hash_is_fnv1_not_1a_and_the_probe_is_decimal_text():
    """HashControllerRevision: hf := fnv.New32() (FNV-1), then strconv.FormatInt(probe) written after the data."""
    raw = b'{"spec":{}}'
    assert H.hash_controller_revision(raw, None) == H.safe_encode_string(str(H.fnv32(raw)))
    assert H.hash_controller_revision(raw, 0) == H.safe_encode_string(str(H.fnv32(raw + b"0")))
    assert H.hash_controller_revision(raw, 12) == H.safe_encode_string(str(H.fnv32(raw + b"12")))
    assert H.hash_controller_revision(raw, 0) != H.safe_encode_string(str(H.fnv32a(raw + b"0")))


def test_safe_encode_string():
    """rand.SafeEncodeString maps each byte into "bcdfghjklmnpqrstvwxz2456789" by its value modulo 27: the
    decimal digits 0-9 become 4 5 6 7 8 9 b c d f."""
    assert H.safe_encode_string("0123456789") == "456789bcdf"
    assert H.safe_encode_string("3735928559") == "7c79f6d99f"


def test_controller_revision_name_cuts_the_prefix_at_223_bytes():
    assert H.controller_revision_name("web", "abc") == "web-abc"
    assert H.controller_revision_name("x" * 300, "h") == "x" * 223 + "-h"


def test_compute_hash_appends_the_collision_count_little_endian():
    """controller.ComputeHash: FNV-32a of go-spew's dump, then binary.LittleEndian.PutUint32 into an 8-byte slice."""
    from minikctl.engine.controllers import podhash

    t = {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
    base = H.fnv32a(podhash.spew(t).encode())
    assert H.compute_hash(t, None) == H.safe_encode_string(str(base))
    assert H.compute_hash(t, 1) == H.safe_encode_string(str(H.fnv32a(b"\x01" + b"\0" * 7, base)))
    assert H.compute_hash(t, 1) != H.compute_hash(t, 2)


@pytest.mark.parametrize("value, text", [
    ({"b": 1, "a": None, "$patch": "replace"}, '{"$patch":"replace","a":null,"b":1}'),
    ({"s": "<a&b>"}, '{"s":"\\u003ca\\u0026b\\u003e"}'),  # HTML-safe escaping of json.Marshal
    ({"s": "\x01\b\f\n\t\"\\"}, '{"s":"\\u0001\\b\\f\\n\\t\\"\\\\"}'),
    ({"s": "é\u2028"}, '{"s":"é\\u2028"}'),
    ([1.5, 2.0, 1e21, 1e-7, 0.000001, 30], '[1.5,2,1e+21,1e-7,0.000001,30]'),
    ({"z": {}, "y": [], "x": False}, '{"x":false,"y":[],"z":{}}'),
])
def test_go_json(value, text):
    assert H.go_json(value) == text.encode()


def _set(image: str = "nginx:1.25", annotations: dict | None = None) -> dict:
    meta = {"name": "web", "namespace": "default", "uid": "u-1"}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta,
            "spec": {"template": {"metadata": {"creationTimestamp": None, "labels": {"app": "nginx"}},
                                  "spec": {"containers": [{"name": "nginx", "image": image, "resources": {}}]}}}}


def test_template_patch_is_go_json_of_the_template_with_patch_replace():
    """getPatch: {"spec":{"template":<template + "$patch":"replace">}}, keys sorted, creationTimestamp null kept."""
    assert H.template_patch(_set()) == (
        b'{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"nginx"}},'
        b'"spec":{"containers":[{"image":"nginx:1.25","name":"nginx","resources":{}}]}}}}')


def test_new_controller_revision():
    """NewControllerRevision: the template labels + controller.kubernetes.io/hash, a controller reference, the data,
    and the name <parent>-<HashControllerRevision(data, collisionCount)>."""
    raw = H.template_patch(_set())
    cr = H.new_controller_revision(_set(), {"app": "nginx"}, raw, 3, 0)
    h = H.hash_controller_revision(raw, 0)
    assert cr["metadata"]["name"] == f"web-{h}"
    assert cr["metadata"]["labels"] == {"app": "nginx", "controller.kubernetes.io/hash": h}
    assert cr["metadata"]["ownerReferences"] == [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                                                 "uid": "u-1", "controller": True, "blockOwnerDeletion": True}]
    assert cr["revision"] == 3 and H.raw_data(cr) == raw
    assert H.new_controller_revision(_set(), {}, raw, 1, 1)["metadata"]["name"] == f"web-{H.hash_controller_revision(raw, 1)}"


def test_equal_revision_and_sorting():
    a = H.new_controller_revision(_set(), {}, H.template_patch(_set()), 1, 0)
    b = H.new_controller_revision(_set(), {}, H.template_patch(_set()), 2, 0)
    c = H.new_controller_revision(_set("nginx:1.27"), {}, H.template_patch(_set("nginx:1.27")), 3, 0)
    assert H.equal_revision(a, b) and not H.equal_revision(a, c)
    assert H.equal_revision(None, None) and not H.equal_revision(a, None)
    assert H.find_equal_revisions([c, b, a], a) == [b, a]
    # byRevision: revision, then creationTimestamp, then name
    for r, ts in ((a, "2026-01-01T00:00:05Z"), (b, "2026-01-01T00:00:01Z"), (c, "2026-01-01T00:00:01Z")):
        r["metadata"]["creationTimestamp"] = ts
    b["revision"] = 1
    assert [r["revision"] for r in H.sort_revisions([c, a, b])] == [1, 1, 3]
    assert H.sort_revisions([a, b])[0] is b
    assert H.next_revision([]) == 1 and H.next_revision(H.sort_revisions([a, c])) == 4


def test_apply_revision_replaces_the_whole_template():
    """ApplyRevision: the revision's strategic merge patch, whose $patch: replace swaps spec.template entirely."""
    cur = _set("nginx:1.27")
    cur["spec"]["template"]["spec"]["containers"].append({"name": "side", "image": "busybox"})
    rev = {"data": json.loads(H.template_patch(_set("nginx:1.25")))}
    out = H.apply_revision(cur, rev)
    assert out["spec"]["template"] == _set("nginx:1.25")["spec"]["template"]
    assert out["metadata"] == cur["metadata"]

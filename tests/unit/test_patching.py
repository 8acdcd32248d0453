"""Tests for minikctl.api.patching.

The golden table (tests/unit/golden/patching/cases.json -> expected.json) was produced by
the real ``kubectl patch --local`` (v1.32); regen.py rebuilds it. When /usr/bin/kubectl is
present, one test re-checks a sample of the goldens against it.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import tempfile

import pytest

from minikctl.kube.errors import ClientError
from minikctl.api.patching import (
    JSONPatchError,
    StrategicMergeError,
    go_format,
    json_patch,
    merge_patch,
    strategic_merge_patch,
    three_way_patch,
)

GOLDEN = os.path.join(os.path.dirname(__file__), "golden", "patching")

with open(os.path.join(GOLDEN, "cases.json")) as _f:
    _DATA = json.load(_f)
with open(os.path.join(GOLDEN, "expected.json")) as _f:
    _EXPECTED = json.load(_f)

_BASES = _DATA["bases"]
_CASES = _DATA["cases"]


def _go_json(v):
    if isinstance(v, dict):
        return {k: _go_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_go_json(x) for x in v]
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _apply(case: dict):
    target = _BASES[case["base"]]
    ptype = case.get("type", "strategic")
    if ptype == "merge":
        return merge_patch(target, case["patch"])
    if ptype == "json":
        return json_patch(target, case["patch"])
    return strategic_merge_patch(target, case["patch"], kind=target["kind"])


def test_golden_table_is_big_enough():
    assert len(_CASES) >= 30
    assert sum(1 for c in _CASES if c.get("type", "strategic") == "strategic") >= 30
    assert set(_EXPECTED) == {c["name"] for c in _CASES}


@pytest.mark.parametrize("case", _CASES, ids=[c["name"] for c in _CASES])
def test_against_kubectl_golden(case):
    expected = _EXPECTED[case["name"]]
    target_before = copy.deepcopy(_BASES[case["base"]])
    patch_before = copy.deepcopy(case["patch"])
    if "error" in expected:
        with pytest.raises(ClientError) as ei:
            _apply(case)
        assert ei.value.render().strip() == expected["error"]
    else:
        got = _apply(case)
        # kubectl prints through encoding/json, which writes 80.0 as 80: compare in that form.
        assert json.dumps(_go_json(got), sort_keys=True) == json.dumps(expected["result"], sort_keys=True)
    # inputs are never mutated
    assert _BASES[case["base"]] == target_before
    assert case["patch"] == patch_before


def _kubectl():
    path = "/usr/bin/kubectl"
    return path if os.path.exists(path) and os.access(path, os.X_OK) else shutil.which("kubectl")


@pytest.mark.skipif(_kubectl() is None, reason="kubectl not installed")
def test_goldens_still_match_real_kubectl():
    kubectl = _kubectl()
    sample = [c for i, c in enumerate(_CASES) if i % 9 == 0]
    for case in sample:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(_BASES[case["base"]], f)
            path = f.name
        try:
            proc = subprocess.run(
                [kubectl, "patch", "--local", "-f", path, "--type", case.get("type", "strategic"),
                 "-p", json.dumps(case["patch"]), "-o", "json"],
                capture_output=True, text=True, timeout=30,
            )
        finally:
            os.unlink(path)
        exp = _EXPECTED[case["name"]]
        if "error" in exp:
            assert proc.returncode != 0 and proc.stderr.strip() == exp["error"], case["name"]
        else:
            assert proc.returncode == 0 and json.loads(proc.stdout) == exp["result"], case["name"]


# --- error types and wording ------------------------------------------------

def test_missing_merge_key_message():
    pod = {"spec": {"containers": [{"name": "a", "image": "x"}]}}
    with pytest.raises(StrategicMergeError) as ei:
        strategic_merge_patch(pod, {"spec": {"containers": [{"image": "noname"}]}})
    assert ei.value.render() == "error: map: map[image:noname] does not contain declared merge key: name"


def test_json_patch_errors_are_client_errors():
    with pytest.raises(JSONPatchError) as ei:
        json_patch({"a": 1}, {"op": "add"})
    assert isinstance(ei.value, ClientError)
    assert ei.value.render() == "error: json: cannot unmarshal object into Go value of type jsonpatch.Patch"


def test_json_patch_null_is_noop_and_root_replace():
    assert json_patch({"a": 1}, None) == {"a": 1}
    assert json_patch({"a": 1}, [{"op": "replace", "path": "", "value": {"b": 2}}]) == {"b": 2}


def test_go_format():
    assert go_format({"b": [1, "x", None], "a": True, "f": 1.5}) == "map[a:true b:[1 x <nil>] f:1.5]"
    assert go_format(1e6) == "1e+06"
    assert go_format(123456.0) == "123456"
    assert go_format(2.0) == "2"
    # observed: kubectl's merge-key error for {"x":1234567.5,"y":1e6,"z":0.00001,"w":123456.7,"v":-2.5e-7,"u":1e23 as int}
    assert go_format({"x": 1234567.5, "y": 1e6, "z": 0.00001, "w": 123456.7, "v": -2.5e-7,
                      "u": 100000000000000000000000}) == (
        "map[u:1e+23 v:-2.5e-07 w:123456.7 x:1.2345675e+06 y:1e+06 z:1e-05]"
    )


# --- merge patch ------------------------------------------------------------

def test_merge_patch_rfc7386_examples():
    # RFC 7386 appendix A (subset)
    assert merge_patch({"a": "b"}, {"a": "c"}) == {"a": "c"}
    assert merge_patch({"a": "b"}, {"b": "c"}) == {"a": "b", "b": "c"}
    assert merge_patch({"a": "b"}, {"a": None}) == {}
    assert merge_patch({"a": ["b"]}, {"a": "c"}) == {"a": "c"}
    assert merge_patch({"a": "c"}, {"a": ["b"]}) == {"a": ["b"]}
    assert merge_patch({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}) == {"a": {"b": "d"}}
    assert merge_patch({"e": None}, {"a": 1}) == {"e": None, "a": 1}
    assert merge_patch({}, {"a": {"bb": {"ccc": None}}}) == {"a": {"bb": {}}}
    assert merge_patch({"a": "foo"}, [1, None]) == [1, None]
    for bad in (None, "x", 3):
        with pytest.raises(ClientError) as ei:
            merge_patch({"a": "foo"}, bad)
        assert ei.value.render() == "error: Invalid JSON Patch"


# --- strategic: order rules of kubectl-ux §5.3 -------------------------------

def _names(obj):
    return [c["name"] for c in obj["spec"]["containers"]]


@pytest.mark.parametrize(
    "patch,expected",
    [
        ([{"name": "new"}], ["new", "app", "side"]),
        ([{"name": "side", "image": "s2"}, {"name": "new"}], ["app", "side", "new"]),
        ([{"name": "new"}, {"name": "app", "image": "a2"}], ["new", "app", "side"]),
    ],
)
def test_smp_order_rules(patch, expected):
    pod = {"spec": {"containers": [{"name": "app", "image": "a"}, {"name": "side", "image": "s"}]}}
    assert _names(strategic_merge_patch(pod, {"spec": {"containers": patch}})) == expected


def test_smp_workload_templates_use_podspec_rules():
    rs = {"kind": "ReplicaSet", "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x"}]}}}}
    out = strategic_merge_patch(rs, {"spec": {"template": {"spec": {"containers": [{"name": "b", "image": "y"}]}}}},
                                kind="ReplicaSet")
    assert [c["name"] for c in out["spec"]["template"]["spec"]["containers"]] == ["b", "a"]
    # an unknown kind replaces lists wholesale
    out = strategic_merge_patch(rs, {"spec": {"template": {"spec": {"containers": [{"name": "b"}]}}}}, kind="Foo")
    assert out["spec"]["template"]["spec"]["containers"] == [{"name": "b"}]


# --- three-way (client-side apply) ------------------------------------------

LAST = "kubectl.kubernetes.io/last-applied-configuration"


def _with_annotation(obj):
    obj = copy.deepcopy(obj)
    obj["metadata"].setdefault("annotations", {})
    ann = json.dumps(obj, sort_keys=True, separators=(",", ":")) + "\n"
    obj["metadata"]["annotations"][LAST] = ann
    return obj


def _file(labels, image="nginx", containers=None):
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default", "labels": labels},
        "spec": {"containers": containers or [{"name": "web", "image": image}]},
    }


def _live(applied, extra_labels=None):
    live = copy.deepcopy(applied)
    live["metadata"]["uid"] = "123"
    live["metadata"]["resourceVersion"] = "1"
    live["spec"]["containers"][0]["imagePullPolicy"] = "Always"
    live["spec"]["restartPolicy"] = "Always"
    live["status"] = {"phase": "Running"}
    if extra_labels:
        live["metadata"]["labels"].update(extra_labels)
    return live


def _apply_file(live, new_file):
    original = json.loads(live["metadata"]["annotations"][LAST])
    modified = _with_annotation(new_file)
    patch = three_way_patch(original, modified, live)
    return patch, strategic_merge_patch(live, patch)


def test_three_way_identical_is_empty():
    applied = _with_annotation(_file({"app": "web"}))
    live = _live(applied)
    patch, result = _apply_file(live, _file({"app": "web"}))
    assert patch == {}
    assert result == live


def test_three_way_label_dropped_from_file_is_removed_then_manual_label_survives():
    applied = _with_annotation(_file({"app": "web", "tier": "fe"}))
    live = _live(applied)
    patch, result = _apply_file(live, _file({"app": "web"}))
    assert patch["metadata"]["labels"] == {"tier": None}
    assert result["metadata"]["labels"] == {"app": "web"}
    # kubectl label pod web manual=yes
    result["metadata"]["labels"]["manual"] = "yes"
    patch2, result2 = _apply_file(result, _file({"app": "web"}))
    assert patch2 == {}
    assert result2["metadata"]["labels"] == {"app": "web", "manual": "yes"}


def test_three_way_server_defaults_are_left_alone():
    applied = _with_annotation(_file({"app": "web"}))
    live = _live(applied)
    patch, result = _apply_file(live, _file({"app": "web"}, image="nginx:2"))
    assert patch["spec"] == {
        "$setElementOrder/containers": [{"name": "web"}],
        "containers": [{"name": "web", "image": "nginx:2"}],
    }
    assert result["spec"]["containers"][0] == {"name": "web", "image": "nginx:2", "imagePullPolicy": "Always"}
    assert result["spec"]["restartPolicy"] == "Always"


def test_three_way_container_rename_gives_delete_directive():
    applied = _with_annotation(_file({"app": "web"}, containers=[{"name": "c", "image": "nginx"}]))
    live = _live(applied)
    new = _file({"app": "web"}, containers=[{"name": "c2", "image": "busybox"}])
    patch, result = _apply_file(live, new)
    assert patch["spec"] == {
        "$setElementOrder/containers": [{"name": "c2"}],
        "containers": [{"image": "busybox", "name": "c2"}, {"$patch": "delete", "name": "c"}],
    }
    assert [c["name"] for c in result["spec"]["containers"]] == ["c2"]
    assert LAST in patch["metadata"]["annotations"]


def test_three_way_primitive_merge_list_and_retain_keys():
    cur = {"metadata": {"name": "p", "finalizers": ["a", "b"]},
           "spec": {"volumes": [{"name": "v", "emptyDir": {}}]}}
    orig = copy.deepcopy(cur)
    mod = {"metadata": {"name": "p", "finalizers": ["b", "c"]},
           "spec": {"volumes": [{"name": "v", "hostPath": {"path": "/x"}}]}}
    patch = three_way_patch(orig, mod, cur)
    assert patch["metadata"]["$deleteFromPrimitiveList/finalizers"] == ["a"]
    assert patch["metadata"]["finalizers"] == ["c"]
    assert patch["metadata"]["$setElementOrder/finalizers"] == ["b", "c"]
    assert patch["spec"]["volumes"] == [
        {"name": "v", "hostPath": {"path": "/x"}, "emptyDir": None, "$retainKeys": ["hostPath", "name"]}
    ]
    out = strategic_merge_patch(cur, patch)
    assert out["metadata"]["finalizers"] == ["b", "c"]
    assert out["spec"]["volumes"] == [{"name": "v", "hostPath": {"path": "/x"}}]


def test_three_way_no_original_never_deletes():
    cur = {"metadata": {"name": "p", "labels": {"a": "1", "b": "2"}}}
    mod = {"metadata": {"name": "p", "labels": {"a": "1"}}}
    assert three_way_patch(None, mod, cur) == {}


def test_three_way_does_not_mutate_inputs():
    cur = {"metadata": {"name": "p", "finalizers": ["z", "a"]}, "spec": {"containers": [{"name": "b"}, {"name": "a"}]}}
    orig = copy.deepcopy(cur)
    mod = {"metadata": {"name": "p", "finalizers": ["a"]}, "spec": {"containers": [{"name": "a"}]}}
    snap = copy.deepcopy((orig, mod, cur))
    three_way_patch(orig, mod, cur)
    assert (orig, mod, cur) == snap


# --- three-way goldens captured from real `kubectl apply` (regen_apply.py) -------------------

with open(os.path.join(GOLDEN, "apply_cases.json")) as _f:
    _APPLY_CASES = json.load(_f)
with open(os.path.join(GOLDEN, "apply_expected.json")) as _f:
    _APPLY_EXPECTED = json.load(_f)


def _modified_from_file(file_obj, namespace="default"):
    """What kubectl's GetModifiedConfiguration produces from a file object."""
    obj = copy.deepcopy(file_obj)
    obj["metadata"].setdefault("namespace", namespace)
    obj["metadata"].setdefault("annotations", {}).pop(LAST, None)
    obj["metadata"]["annotations"][LAST] = json.dumps(obj, sort_keys=True, separators=(",", ":")) + "\n"
    return obj


def test_apply_golden_table_size():
    assert len(_APPLY_CASES) >= 20
    assert set(_APPLY_EXPECTED) == {c["name"] for c in _APPLY_CASES}


@pytest.mark.parametrize("case", _APPLY_CASES, ids=[c["name"] for c in _APPLY_CASES])
def test_three_way_against_kubectl_apply(case):
    current = case["current"]
    last = (current["metadata"].get("annotations") or {}).get(LAST)
    original = json.loads(last) if last else None
    modified = _modified_from_file(case["file"])
    patch = three_way_patch(original, modified, current)
    expected = _APPLY_EXPECTED[case["name"]]
    assert patch == expected["patch"]
    # apply's verdict: unchanged exactly when the patch is {}
    assert (patch == {}) == expected["stdout"].endswith("unchanged")
    # and applying the patch yields the file's values on top of the live object
    result = strategic_merge_patch(current, patch)
    for key, value in (case["file"]["metadata"].get("labels") or {}).items():
        assert result["metadata"]["labels"][key] == value
    assert [c["name"] for c in result["spec"]["containers"]] == [c["name"] for c in case["file"]["spec"]["containers"]]

"""tree_copy is copy.deepcopy for decoded objects: equal, of the same types, sharing no container with the
original; values JSON never gives still go through deepcopy."""

from __future__ import annotations

import copy
import json

from minikctl.kube.treecopy import maker, tree_copy

POD = json.loads("""{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a": "b"},
  "managedFields": [{"manager": "kubectl", "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:a": {}}}}}]},
  "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}], "args": []}],
           "terminationGracePeriodSeconds": 30, "hostNetwork": false, "priority": 0, "overhead": null},
  "status": {"phase": "Running", "ratio": 0.5, "conditions": [{"type": "Ready", "status": "True"}]}}""")


def _containers(value, out):
    if isinstance(value, (dict, list, tuple)):
        out.add(id(value))
        for v in value.values() if isinstance(value, dict) else value:
            _containers(v, out)
    return out


def test_a_decoded_object_is_copied_as_deepcopy_copies_it():
    got = tree_copy(POD)
    assert got == copy.deepcopy(POD) == POD
    assert json.dumps(got) == json.dumps(POD)  # the same types (false stays a bool, 0 an int) and key order
    assert not _containers(got, set()) & _containers(POD, set())
    got["spec"]["containers"][0]["image"] = "busybox"
    assert POD["spec"]["containers"][0]["image"] == "nginx"


def test_other_values_go_through_deepcopy():
    inner = [1, 2]
    src = {"t": (inner, "x"), "s": {frozenset({1})}}
    got = tree_copy(src)
    assert got == src and type(got["t"]) is tuple
    assert got["t"][0] is not inner


def test_a_maker_gives_what_marshal_gives_each_time_anew():
    import marshal

    make = maker(POD)
    first, second = make(), make()
    for got in (first, second):
        assert got == POD and json.dumps(got) == json.dumps(POD)
        assert marshal.dumps(got, 0) == marshal.dumps(POD, 0)  # the same types, keys in the same order
        assert not _containers(got, set()) & _containers(POD, set())
    assert not _containers(first, set()) & _containers(second, set())
    first["spec"]["containers"][0]["ports"].append(1)
    assert make() == POD
    odd = {"s": "quote ' \" \\ \n \ud800 é", "big": 10 ** 40, "neg": -0.0, "e": 1e-300, "t": True, "n": None}
    assert json.dumps(maker(odd)()) == json.dumps(odd) and maker(odd)() == odd


def test_no_maker_for_values_a_literal_writes_otherwise():
    assert maker({"a": float("nan")}) is None and maker({"a": float("inf")}) is None
    assert maker({1: "a"}) is None and maker({"a": (1,)}) is None and maker({"a": {1}}) is None
    deep = node = {}
    for _ in range(100):
        node["x"] = {}
        node = node["x"]
    assert maker(deep) is None

"""tree_copy is copy.deepcopy for decoded objects: equal, of the same types, sharing no container with the
original; values JSON never gives still go through deepcopy."""

from __future__ import annotations

import copy
import json

from minikctl.kube.treecopy import tree_copy

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

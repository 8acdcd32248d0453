"""The update rules' schema evaluator (api/schemacheck.py) fails exactly where jsonschema's Draft 2020-12
validator fails: the same (rule, path) pairs for the schemas api/updates.py builds, over random updates."""

from __future__ import annotations

import copy
import json
import random

import jsonschema
import pytest

from minikctl.api import schemacheck
from minikctl.api.updates import _X, _metadata_schema, _norm, _norm_pod, update_schema


def _old(i: int) -> dict:
    pod = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "a1", "namespace": "default", "uid": "u-1", "resourceVersion": "7",
                     "creationTimestamp": "2024-05-01T10:00:00Z", "labels": {"app": "web"}, "generation": 2,
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "u-2",
                                          "controller": True}]},
        "spec": {"containers": [{"name": "c", "image": "nginx", "env": [{"name": "A", "value": "1"}],
                                 "resources": {"limits": {"cpu": "1"}}}],
                 "initContainers": [{"name": "init", "image": "busybox"}],
                 "restartPolicy": "Always", "terminationGracePeriodSeconds": 30 if i % 3 else -5,
                 "activeDeadlineSeconds": 100,
                 "tolerations": [{"key": "k1", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
                 "schedulingGates": [{"name": "g1"}], "nodeSelector": {"a": "b"}},
        "status": {"phase": "Running"},
    }
    if i % 2:
        pod["metadata"]["deletionTimestamp"] = "2024-05-01T11:00:00Z"
        pod["metadata"]["deletionGracePeriodSeconds"] = 30
        pod["metadata"]["finalizers"] = ["f/one"]
        pod["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "m"}
    return pod


VALUES = [None, True, False, 0, 1, 1.0, -1, 2.5, 2147483648, "", " x", "x ", "nginx:2", "f/two", "g1", "g9", [], {},
          [{"name": "g1"}], [{"name": "g2"}], {"controller": True}, ["f/one"], [1], "2024-05-01T10:00:00Z"]
PATHS = [("metadata", "name"), ("metadata", "namespace"), ("metadata", "uid"), ("metadata", "creationTimestamp"),
         ("metadata", "deletionTimestamp"), ("metadata", "deletionGracePeriodSeconds"), ("metadata", "generation"),
         ("metadata", "finalizers"), ("metadata", "annotations"), ("metadata", "annotations", "kubernetes.io/config.mirror"),
         ("metadata", "ownerReferences"), ("metadata", "ownerReferences", 0, "controller"),
         ("metadata", "ownerReferences", 0, "uid"), ("metadata", "ownerReferences", 0, "apiVersion"),
         ("metadata",), ("spec",), ("spec", "containers"), ("spec", "containers", 0, "image"),
         ("spec", "containers", 0, "name"), ("spec", "containers", 0, "resources"), ("spec", "initContainers", 0, "image"),
         ("spec", "activeDeadlineSeconds"), ("spec", "terminationGracePeriodSeconds"), ("spec", "tolerations"),
         ("spec", "tolerations", 0, "tolerationSeconds"), ("spec", "tolerations", 0, "effect"),
         ("spec", "schedulingGates"), ("spec", "schedulingGates", 0, "name"), ("spec", "hostname"), ("spec", "nodeSelector")]


def _set(obj, path, value, delete):
    cur = obj
    for p in path[:-1]:
        if isinstance(cur, dict):
            cur = cur.setdefault(p, {})
        elif isinstance(cur, list) and isinstance(p, int) and p < len(cur):
            cur = cur[p]
        else:
            return
    last = path[-1]
    if isinstance(cur, dict):
        if delete:
            cur.pop(last, None)
        else:
            cur[last] = copy.deepcopy(value)
    elif isinstance(cur, list) and isinstance(last, int) and last < len(cur):
        if delete:
            del cur[last]
        else:
            cur[last] = copy.deepcopy(value)


def _failures(errors) -> list[tuple]:
    return sorted((json.dumps(e.schema.get(_X), sort_keys=True), json.dumps(list(e.absolute_path)))
                  for e in errors if isinstance(e.schema, dict))


@pytest.mark.parametrize("seed", range(4))
def test_the_same_failures_as_jsonschema(seed):
    rnd = random.Random(seed)
    checked = failing = 0
    for n in range(150):
        old = _old(n + seed)
        new = copy.deepcopy(old)
        for _ in range(rnd.randint(0, 3)):
            _set(new, rnd.choice(PATHS), rnd.choice(VALUES), rnd.random() < 0.25)
        try:  # (a type the decoding refuses first, e.g. containers that are no list, is not normalized)
            norms = (_norm_pod(new), _norm(new))
        except (TypeError, AttributeError):
            continue
        for schema, norm in ((update_schema(old), norms[0]),
                             ({"type": "object", "properties": {"metadata": _metadata_schema(
                                 _norm(old).get("metadata") or {})}}, norms[1])):
            expected = _failures(jsonschema.Draft202012Validator(schema).iter_errors(norm))
            got = _failures(schemacheck.iter_errors(schema, norm))
            assert got == expected, (new, expected, got)
            checked += 1
            failing += bool(expected)
    assert failing > checked // 4 and failing < checked  # both kinds of updates were tried


def test_an_unknown_keyword_is_refused():
    with pytest.raises(ValueError):
        list(schemacheck.iter_errors({"oneOf": [{}]}, 1))

"""Property-based fuzzing (hypothesis) of the decoders, the three patch types and every verb's flags: whatever
comes in, only minikctl's own errors (kubectl's or the API server's words) come out; run in-process."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minikctl.api import manifests, patching
from minikctl.kube.errors import MinikctlError

FAST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
keys = st.one_of(st.sampled_from(["apiVersion", "kind", "metadata", "name", "spec", "containers", "image", "labels",
                                  "annotations", "$patch", "$retainKeys", "$setElementOrder/containers",
                                  "$deleteFromPrimitiveList/finalizers", "ownerReferences", "status", "uid",
                                  "namespace", "finalizers", "command", "env", "value", "ports"]),
                 st.text(max_size=8))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(keys, inner, max_size=5)), max_leaves=25)
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default", "labels": {"a": "b"},
                                                       "finalizers": ["x/y"]},
       "spec": {"containers": [{"name": "c", "image": "i", "env": [{"name": "A", "value": "1"}],
                                "ports": [{"containerPort": 80, "protocol": "TCP"}]}]}}


def _only_ours(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except MinikctlError:
        return None


@FAST
@given(st.text(max_size=300))
def test_yaml_and_json_text_decode_or_refuse(text):
    _only_ours(manifests.parse_documents, text, "STDIN")
    _only_ours(manifests.parse_value, text)


@FAST
@given(values)
def test_json_documents_decode_or_refuse(value):
    text = json.dumps(value)
    docs = _only_ours(manifests.parse_documents, "{" + text[1:] if text.startswith("{") else text, "STDIN")
    if docs is not None:
        json.dumps(docs)  # what came out is JSON again


@FAST
@given(st.dictionaries(keys, values, max_size=5))
def test_merge_and_strategic_patches_apply_or_refuse(patch):
    for fn in (patching.merge_patch, lambda d, p: patching.strategic_merge_patch(d, p, kind="Pod")):
        out = _only_ours(fn, json.loads(json.dumps(POD)), patch)
        if out is not None:
            json.dumps(out)


ops = st.fixed_dictionaries({"op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test", "x"]),
                             "path": st.sampled_from(["", "/", "/kind", "/metadata/labels/a", "/spec/containers/0",
                                                      "/spec/containers/-", "/spec/containers/9", "/a~1b", "/~2",
                                                      "/metadata/finalizers/0", "x"])},
                            optional={"value": values, "from": st.sampled_from(["/metadata", "/spec", "/nope", ""])})


@FAST
@given(st.one_of(st.lists(ops, max_size=4), values))
def test_json_patches_apply_or_refuse(patch):
    out = _only_ours(patching.json_patch, json.loads(json.dumps(POD)), patch)
    if out is not None:
        json.dumps(out)


# ---- every verb's flags, in-process against a copy of a seeded store ----------------------------------------
VERBS = ["get", "describe", "delete", "logs", "wait", "label", "annotate", "patch", "exec", "run", "set", "timeline",
         "clock", "top", "api-resources", "version", "apply", "create", "replace", "drain", "cordon", "uncordon",
         "taint", "events", "api-versions"]
WORDS = st.sampled_from(["pods", "pod", "ok", "pod/ok", "node1", "nodes", "deploy", "cm", "all", "a=b", "x-", "--",
                         "sh", "-c", "echo hi", "image", "c=busybox", "show", "advance", "1s", "-f", "-", "ns", "n1",
                         "node", "k=v:NoSchedule", "k:NoExecute-", "k-", "pod/ok"])
FLAGS = st.sampled_from(["-o", "-n", "-l", "--field-selector", "--sort-by", "--grace-period", "--timeout", "--for",
                         "--tail", "--since", "--since-time", "--limit-bytes", "--type", "-p", "--dry-run", "--image",
                         "--restart", "--port", "--env", "--cascade", "--tick", "--store", "--request-timeout", "-c",
                         "--template", "-L", "--all", "--force", "--now", "-A", "--show-labels", "-w", "--overwrite",
                         "--resource-version", "--subresource", "--validate", "-R", "--ignore-daemonsets",
                         "--pod-selector", "--types"])
FLAG_VALUES = st.one_of(st.sampled_from(["", "-1", "0", "9" * 20, "banana", "../..", "json", "yaml", "name", "wide",
                                         "jsonpath={.x", "go-template={{", "custom-columns=", "1h", "2562047h",
                                         "a in (", "strict", "merge", "json", "status", "none", "server", "client",
                                         "condition=Ready", "delete", "/dev/null", "\u00e9"]),
                        st.text(max_size=6))


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    from runner import Runner

    home = tmp_path_factory.mktemp("hyp-seed")
    r = Runner(home)
    code, _o, err = r.run(["apply", "-f", "-"], "apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec:\n  containers:\n"
                          "  - {name: c, image: busybox, command: [sh, -c, 'echo hi; sleep 99999']}\n", tick="1s")
    assert code == 0, err
    import sqlite3

    conn = sqlite3.connect(r.db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return Path(r.db).read_bytes(), r.db_bytes()


@SLOW
@given(verb=st.sampled_from(VERBS), words=st.lists(WORDS, max_size=4),
       flags=st.lists(st.tuples(FLAGS, FLAG_VALUES), max_size=3), stdin=st.one_of(st.none(), st.text(max_size=80)))
def test_every_verb_with_any_flags(seed, tmp_path_factory, verb, words, flags, stdin):
    from runner import Runner

    raw, dump = seed
    home = tmp_path_factory.mktemp("hyp")
    r = Runner(home)
    Path(r.db).write_bytes(raw)
    args = [verb, *words]
    for flag, value in flags:
        args += [flag, value] if not flag.startswith("--") else [f"{flag}={value}"]
    code, out, err = r.run(args, stdin)
    assert code in (0, 1), (args, code, err)
    assert "internal error" not in err and "Traceback" not in err, (args, err)
    if code == 1 and not out:
        assert r.db_bytes() == dump, (args, err)
    shutil.rmtree(home, ignore_errors=True)

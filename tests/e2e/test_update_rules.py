"""The API server's pod update restrictions, each through `patch` and through `apply` (three-way merge)."""

from __future__ import annotations

import json

import pytest

BASE = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "initContainers": [{"name": "init", "image": "busybox:1.36", "command": ["sh", "-c", "true"]}],
        "containers": [{"name": "nginx", "image": "nginx:1.14.2"}],
        "activeDeadlineSeconds": 600,
    },
}
DEFAULT_TOLERATIONS = [
    {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
    {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300},
]
FORBIDDEN = "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`"


def _variant(change) -> dict:
    doc = json.loads(json.dumps(BASE))
    change(doc)
    return doc


# (id, strategic patch, change applied to the manifest for `apply`, expected error text or None when allowed)
CASES = [
    ("container image", {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}},
     lambda d: d["spec"]["containers"][0].update(image="nginx:1.25"), None),
    ("init container image", {"spec": {"initContainers": [{"name": "init", "image": "busybox:1.37"}]}},
     lambda d: d["spec"]["initContainers"][0].update(image="busybox:1.37"), None),
    ("activeDeadlineSeconds lowered", {"spec": {"activeDeadlineSeconds": 300}},
     lambda d: d["spec"].update(activeDeadlineSeconds=300), None),
    ("activeDeadlineSeconds raised", {"spec": {"activeDeadlineSeconds": 900}},
     lambda d: d["spec"].update(activeDeadlineSeconds=900),
     'spec.activeDeadlineSeconds: Invalid value: 900: must be less than or equal to previous value'),
    ("activeDeadlineSeconds removed", {"spec": {"activeDeadlineSeconds": None}},
     lambda d: d["spec"].pop("activeDeadlineSeconds"),
     "spec.activeDeadlineSeconds: Invalid value: \"null\": must not update from a positive integer to nil value"),
    # tolerations are replaced wholesale by strategic merge, so a manifest must list the two tolerations the
    # server added (as with a real cluster); a JSON patch can append
    ("toleration added", [{"op": "add", "path": "/spec/tolerations/-", "value": {"key": "k2", "operator": "Exists"}}],
     lambda d: d["spec"].update(tolerations=DEFAULT_TOLERATIONS + [{"key": "k2", "operator": "Exists"}]), None),
    ("toleration removed", {"spec": {"tolerations": [{"key": "k2", "operator": "Exists"}]}},
     lambda d: d["spec"].update(tolerations=[{"key": "k2", "operator": "Exists"}]),
     "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"),
    ("terminationGracePeriodSeconds changed", {"spec": {"terminationGracePeriodSeconds": 5}},
     lambda d: d["spec"].update(terminationGracePeriodSeconds=5), FORBIDDEN),
    ("restartPolicy changed", {"spec": {"restartPolicy": "Never"}},
     lambda d: d["spec"].update(restartPolicy="Never"), FORBIDDEN),
    ("labels and annotations", {"metadata": {"labels": {"tier": "fe"}, "annotations": {"note": "x"}}},
     lambda d: d["metadata"].update(labels={"app": "web", "tier": "fe"}, annotations={"note": "x"}), None),
    ("namespace immutable", {"metadata": {"namespace": "kube-system"}}, None,
     'metadata.namespace: Invalid value: "kube-system": field is immutable'),
    ("uid immutable", {"metadata": {"uid": "0000"}},
     lambda d: d["metadata"].update(uid="0000"), 'metadata.uid: Invalid value: "0000": field is immutable'),
]


@pytest.fixture
def web(cli, manifest):
    cli.ok("apply", "-f", manifest(json.dumps(BASE), "base.json"))
    return cli


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_through_patch(web, case):
    _, patch, _, expected = case
    before = web.ok("get", "pod", "web", "-o", "json", tick="0")
    kind = "json" if isinstance(patch, list) else "strategic"
    done = web("patch", "pod", "web", "--type", kind, "-p", json.dumps(patch), tick="0")
    if expected is None:
        assert done.returncode == 0, done.stderr
        assert done.stdout == "pod/web patched\n"
    else:
        assert done.returncode == 1
        assert done.stderr.startswith('The Pod "web" is invalid: ')
        assert expected in done.stderr
        assert web.ok("get", "pod", "web", "-o", "json", tick="0") == before


@pytest.mark.parametrize("case", [c for c in CASES if c[2] is not None], ids=[c[0] for c in CASES if c[2] is not None])
def test_through_apply(web, manifest, case):
    _, _, change, expected = case
    before = web.ok("get", "pod", "web", "-o", "json", tick="0")
    done = web("apply", "-f", manifest(json.dumps(_variant(change)), "changed.json"), tick="0")
    if expected is None:
        assert done.returncode == 0, done.stderr
        assert done.stdout == "pod/web configured\n"
    else:
        assert done.returncode == 1
        assert expected in done.stderr
        assert web.ok("get", "pod", "web", "-o", "json", tick="0") == before


def test_timestamps_and_generation_are_server_owned(web):
    before = json.loads(web.ok("get", "pod", "web", "-o", "json", tick="0"))
    out = web.ok("patch", "pod", "web", "-p", '{"metadata":{"generation":9,"creationTimestamp":"2001-01-01T00:00:00Z"}}', tick="0")
    assert out == "pod/web patched (no change)\n"
    after = json.loads(web.ok("get", "pod", "web", "-o", "json", tick="0"))
    assert after["metadata"]["creationTimestamp"] == before["metadata"]["creationTimestamp"]
    # a 1.32 pod has no generation (it arrived in 1.33); BeforeUpdate keeps the old (absent) one
    assert after["metadata"].get("generation") == before["metadata"].get("generation") is None


def test_stale_resource_version_conflicts(web):
    err = web.fail("patch", "pod", "web", "-p", '{"metadata":{"resourceVersion":"1"}}')
    assert err == ('Error from server (Conflict): Operation cannot be fulfilled on pods "web": the object has been '
                   "modified; please apply your changes to the latest version and try again\n")


def test_no_new_finalizers_while_deleting(web):
    web.ok("patch", "pod", "web", "--type", "merge", "-p", '{"metadata":{"finalizers":["example.com/keep"]}}')
    web.ok("delete", "pod", "web", "--wait=false")
    err = web.fail("patch", "pod", "web", "--type", "merge",
                   "-p", '{"metadata":{"finalizers":["example.com/keep","example.com/more"]}}')
    assert "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted" in err


def test_apply_keeps_fields_owned_by_others(web, manifest):
    """kubectl's three-way merge: a label added by `label` survives a re-apply; one dropped from the file goes."""
    web.ok("label", "pod", "web", "manual=yes")
    assert web.ok("apply", "-f", manifest(json.dumps(BASE), "same.json")) == "pod/web unchanged\n"
    more = _variant(lambda d: d["metadata"]["labels"].update(tier="fe"))
    assert web.ok("apply", "-f", manifest(json.dumps(more), "more.json")) == "pod/web configured\n"
    dropped = _variant(lambda d: d["metadata"].update(labels={"tier": "fe"}))
    assert web.ok("apply", "-f", manifest(json.dumps(dropped), "dropped.json")) == "pod/web configured\n"
    labels = json.loads(web.ok("get", "pod", "web", "-o", "json"))["metadata"]["labels"]
    assert labels == {"manual": "yes", "tier": "fe"}

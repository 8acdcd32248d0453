"""managedFields on the command line: kubectl's per-command field managers, `get --show-managed-fields`, and
`apply --server-side` (ownership, conflicts, the client-side → server-side migration, dry runs, bad flags)."""

from __future__ import annotations

import json

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: c
    image: {image}
"""


def owners(cli, *ref: str) -> dict:
    obj = json.loads(cli.ok("get", *ref, "-o", "json", "--show-managed-fields"))
    return {(e["manager"], e["operation"], e.get("subresource")): e["fieldsV1"]
            for e in obj["metadata"].get("managedFields") or []}


def test_each_command_records_kubectls_field_manager(cli):
    cli.ok("create", "configmap", "cm", "--from-literal=a=1")
    cli.ok("label", "configmap", "cm", "team=x")
    cli.ok("annotate", "configmap", "cm", "note=y")
    cli.ok("patch", "configmap", "cm", "-p", '{"data":{"b":"2"}}')
    assert owners(cli, "configmap", "cm") == {
        ("kubectl-create", "Update", None): {"f:data": {".": {}, "f:a": {}}},
        ("kubectl-label", "Update", None): {"f:metadata": {"f:labels": {".": {}, "f:team": {}}}},
        ("kubectl-annotate", "Update", None): {"f:metadata": {"f:annotations": {".": {}, "f:note": {}}}},
        ("kubectl-patch", "Update", None): {"f:data": {"f:b": {}}}}
    cli.ok("patch", "configmap", "cm", "-p", '{"data":{"a":"3"}}')
    assert owners(cli, "configmap", "cm")[("kubectl-patch", "Update", None)] == {"f:data": {"f:a": {}, "f:b": {}}}
    # the creator keeps the map it added (a member of its own), not its keys
    assert owners(cli, "configmap", "cm")[("kubectl-create", "Update", None)] == {"f:data": {}}
    cli.ok("run", "p", "--image=nginx")
    cli.ok("clock", "advance", "10s")
    pod = owners(cli, "pod", "p")
    run = pod[("kubectl-run", "Update", None)]
    # the server tracks the object as decoded and defaulted, not what admission added
    assert "f:dnsPolicy" in run["f:spec"] and "f:serviceAccountName" not in run["f:spec"]
    assert "f:volumes" not in run["f:spec"] and "f:tolerations" not in run["f:spec"]
    status = pod[("kubelet", "Update", "status")]["f:status"]
    assert {"f:phase", "f:podIP", "f:containerStatuses", "f:conditions"} <= set(status)
    assert 'k:{"type":"PodScheduled"}' not in status["f:conditions"]  # the binding's, nobody's
    cli.ok("create", "deployment", "d", "--image=nginx")
    cli.ok("scale", "deployment", "d", "--replicas=3")
    cli.ok("set", "image", "deployment/d", "nginx=nginx:1.25")
    cli.ok("rollout", "restart", "deployment/d")
    cli.ok("set", "env", "deployment/d", "A=1", "--field-manager=me")
    dep = owners(cli, "deployment", "d")
    assert dep[("me", "Update", None)] == {"f:spec": {"f:template": {"f:spec": {"f:containers": {
        'k:{"name":"nginx"}': {"f:env": {".": {}, 'k:{"name":"A"}': {".": {}, "f:name": {}, "f:value": {}}}}}}}}}
    assert dep[("kubectl", "Update", "scale")] == {"f:spec": {"f:replicas": {}}}
    assert set(dep) >= {("kubectl-create", "Update", None), ("kubectl-set", "Update", None),
                        ("kubectl-rollout", "Update", None), ("kube-controller-manager", "Update", "status")}


def test_managed_fields_are_hidden_unless_asked(cli):
    cli.ok("create", "configmap", "cm", "--from-literal=a=1")
    assert "managedFields" not in cli.ok("get", "configmap", "cm", "-o", "yaml")
    assert "managedFields" not in cli.ok("get", "configmaps", "-o", "json")
    shown = cli.ok("get", "configmap", "cm", "-o", "yaml", "--show-managed-fields")
    assert "  managedFields:\n  - apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1:\n      f:data:\n" in shown
    assert "    manager: kubectl-create\n    operation: Update\n" in shown
    assert "managedFields" not in cli.ok("label", "configmap", "cm", "x=y", "-o", "yaml")
    # kubectl hides them from json and yaml only: templates and columns still see them
    assert cli.ok("get", "configmap", "cm", "-o", "jsonpath={.metadata.managedFields[*].manager}") == \
        "kubectl-create kubectl-label"
    assert cli.ok("get", "configmap", "cm", "-o", "custom-columns=M:.metadata.managedFields[0].operation") == \
        "M\nUpdate\n"


def test_server_side_apply_conflicts_force_and_migration(cli, manifest):
    f = manifest(POD.format(image="nginx:1.14.2"))
    assert cli.ok("apply", "-f", f) == "pod/web created\n"
    assert ("kubectl-client-side-apply", "Update", None) in owners(cli, "pod", "web")
    g = manifest(POD.format(image="nginx:1.25"), "new.yaml")
    before = cli.db_bytes()
    err = cli.fail("apply", "--server-side", "--field-manager=other", "-f", g, tick="0")
    assert err.startswith('error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: '
                          '.spec.containers[name="c"].image\nPlease review the fields above--they currently have other '
                          "managers. Here\nare the ways you can resolve this warning:\n")
    assert err.endswith("See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts\n")
    assert cli.db_bytes() == before
    # kubectl's own manager may take over what the last-applied annotation names, and migrates the ownership
    assert cli.ok("apply", "--server-side", "-f", g) == "pod/web serverside-applied\n"
    got = owners(cli, "pod", "web")
    assert set(got) - {("kubelet", "Update", "status")} == {("kubectl", "Apply", None),
                                                            ("kubectl-last-applied", "Apply", None)}
    assert got[("kubectl", "Apply", None)] == {"f:spec": {"f:containers": {'k:{"name":"c"}': {
        ".": {}, "f:image": {}, "f:name": {}}}}}
    obj = json.loads(cli.ok("get", "pod", "web", "-o", "json"))
    last = json.loads(obj["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"])
    assert obj["spec"]["containers"][0]["image"] == last["spec"]["containers"][0]["image"] == "nginx:1.25"
    # another manager forcing takes the field over
    h = manifest(POD.format(image="nginx:1.26"), "forced.yaml")
    assert cli.ok("apply", "--server-side", "--field-manager=ops", "--force-conflicts", "-f", h) == \
        "pod/web serverside-applied\n"
    got = owners(cli, "pod", "web")
    assert got[("ops", "Apply", None)]["f:spec"]["f:containers"]['k:{"name":"c"}'] == {
        ".": {}, "f:image": {}, "f:name": {}}
    assert got[("kubectl", "Apply", None)]["f:spec"]["f:containers"]['k:{"name":"c"}'] == {".": {}, "f:name": {}}


def test_server_side_dry_run_and_output(cli, manifest):
    f = manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: '1'\n")
    assert cli.ok("apply", "--server-side", "--dry-run=server", "-f", f) == \
        "configmap/cm serverside-applied (server dry run)\n"
    assert cli.fail("get", "configmap", "cm") == 'Error from server (NotFound): configmaps "cm" not found\n'
    out = cli.ok("apply", "--server-side", "-f", f, "-o", "yaml")
    assert "managedFields" not in out and "name: cm" in out
    assert cli.ok("apply", "--server-side", "-f", f, "-o", "name") == "configmap/cm\n"
    assert owners(cli, "configmap", "cm") == {("kubectl", "Apply", None): {"f:data": {"f:a": {}}}}


def test_bad_server_side_flags(cli, manifest):
    f = manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: '1'\n")
    cli.ok("get", "pods")
    before = cli.db_bytes()
    assert cli.fail("apply", "--force-conflicts", "-f", f) == "error: --force-conflicts only works with --server-side\n"
    assert cli.fail("apply", "--server-side", "--dry-run=client", "-f", f) == \
        "error: --dry-run=client doesn't work with --server-side (did you mean --dry-run=server?)\n"
    assert cli.db_bytes() == before

"""kubectl delete --cascade through the CLI, with owner references made by hand.

kubectl 1.32 pkg/cmd/delete (delete_flags.go GetCascadingStrategy: the policy sent, the deprecated boolean values
and their warning; delete.go: one "<kind> "<name>" deleted" line per object, then --wait until it is gone) against
the simulated control plane's garbage collector (pkg/controller/garbagecollector) and the API server's
deletionFinalizersForGarbageCollection (apiserver registry/generic/registry/store.go).
"""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def owned(cli, manifest):
    """A ConfigMap `owner` with a Secret, a ConfigMap and a pod (30 s grace, ignores SIGTERM) depending on it;
    the pod blocks its owner's foreground deletion. Returns the owner's uid."""
    cli.ok("create", "cm", "owner", "--from-literal=a=b", tick="0")
    uid = cli.ok("get", "cm", "owner", "-o", "jsonpath={.metadata.uid}", tick="0")
    ref = (f"  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: owner\n    uid: {uid}\n")
    cli.ok("apply", "-f", manifest(
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: dep-secret\n{ref}---\n"
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dep-cm\n{ref}---\n"
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: dep-pod\n{ref}    blockOwnerDeletion: true\n"
        "spec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sleep, '3600']\n"), tick="0")
    cli.ok("clock", "advance", "5s", tick="0")
    return uid


def _clock(cli) -> dt.datetime:
    return dt.datetime.fromisoformat(cli.ok("clock", "show", tick="0").strip().replace("Z", "+00:00"))


def _names(cli, kinds: str) -> list[str]:
    return cli.ok("get", kinds, "-o", "name", tick="0").split()


def test_background_is_the_default(cli, owned):
    assert cli.ok("delete", "cm", "owner", tick="0") == 'configmap "owner" deleted\n'
    assert _names(cli, "cm,secrets") == ["configmap/kube-root-ca.crt"]
    # the pod is deleted too, gracefully: kubectl returned before it was gone
    assert cli.ok("get", "pod", "dep-pod", "--no-headers", tick="0").split()[2] == "Terminating"


def test_foreground_waits_for_the_blocking_dependent(cli, owned):
    before = _clock(cli)
    done = cli("delete", "cm", "owner", "--cascade=foreground", tick="0")
    assert (done.returncode, done.stdout, done.stderr) == (0, 'configmap "owner" deleted\n', "")
    # --wait: virtual time ran until the owner was gone, i.e. until the pod was killed at the end of its grace
    assert 30 <= (_clock(cli) - before).total_seconds() <= 32
    assert _names(cli, "cm,secrets,pods") == ["configmap/kube-root-ca.crt"]


def test_foreground_without_waiting_shows_the_owner_being_deleted(cli, owned):
    assert cli.ok("delete", "cm", "owner", "--cascade=foreground", "--wait=false", tick="0") == \
        'configmap "owner" deleted\n'
    assert cli.ok("get", "cm", "owner", "-o", "jsonpath={.metadata.finalizers} {.metadata.deletionTimestamp}",
                  tick="0") == '["foregroundDeletion"] 2026-01-01T00:00:05Z'
    assert _names(cli, "secrets") == []
    assert cli.ok("get", "pod", "dep-pod", "--no-headers", tick="0").split()[2] == "Terminating"
    cli.ok("clock", "advance", "31s", tick="0")
    assert cli("get", "cm", "owner", tick="0").returncode == 1


def test_orphan_keeps_the_dependents_without_the_reference(cli, owned):
    assert cli.ok("delete", "cm", "owner", "--cascade=orphan", tick="0") == 'configmap "owner" deleted\n'
    assert sorted(_names(cli, "cm,secrets,pods")) == ["configmap/dep-cm", "configmap/kube-root-ca.crt",
                                                      "pod/dep-pod", "secret/dep-secret"]
    assert cli.ok("get", "cm,secrets,pods", "-o", "jsonpath={.items[*].metadata.ownerReferences}", tick="0") == ""
    assert cli.ok("get", "pod", "dep-pod", "--no-headers", tick="0").split()[2] == "Running"


@pytest.mark.parametrize("flag, word, kept", [("false", "orphan", True), ("0", "orphan", True),
                                              ("true", "background", False), ("T", "background", False)])
def test_boolean_cascade_values_warn(cli, owned, flag, word, kept):
    done = cli("delete", "cm", "owner", f"--cascade={flag}", tick="0")
    assert (done.returncode, done.stdout) == (0, 'configmap "owner" deleted\n')
    assert done.stderr == (f"warning: --cascade={flag} is deprecated (boolean value) and can be replaced with "
                           f"--cascade={word}.\n")
    assert ("secret/dep-secret" in _names(cli, "secrets")) is kept


def test_bad_cascade_value(cli, owned):
    assert cli.fail("delete", "cm", "owner", "--cascade=sideways", tick="0") == \
        'error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan"\n'
    assert "configmap/owner" in _names(cli, "cm")


def test_dry_run_deletes_nothing(cli, owned):
    assert cli.ok("delete", "cm", "owner", "--cascade=foreground", "--dry-run=client", tick="0") == \
        'configmap "owner" deleted (dry run)\n'
    assert cli.ok("delete", "cm", "owner", "--dry-run=server", tick="0") == 'configmap "owner" deleted (server dry run)\n'
    assert len(_names(cli, "cm,secrets,pods")) == 5


def test_an_object_applied_with_an_absent_owner_is_collected(cli, manifest):
    path = manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n  ownerReferences:\n"
                    "  - {apiVersion: v1, kind: ConfigMap, name: nobody, uid: 00000000-0000-4000-8000-000000000000}\n")
    assert cli.ok("apply", "-f", path, tick="0") == "configmap/stray created\n"
    assert cli.fail("get", "cm", "stray", tick="0") == 'Error from server (NotFound): configmaps "stray" not found\n'

"""minikctl set image: kubectl's pairs, wildcard, output lines and errors (texts checked against kubectl --local)."""

from __future__ import annotations

import subprocess

import pytest
from kubectl_fake import KUBECTL

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
  - name: init
    image: busybox
  containers:
  - name: nginx
    image: nginx:1.14.2
  - name: side
    image: busybox
"""


def _images(cli) -> str:
    return cli.ok("get", "pod", "web", "-o", "jsonpath={.spec.initContainers[*].image} {.spec.containers[*].image}",
                  tick="0")


def test_set_image_updates_named_containers(cli, manifest):
    cli.ok("apply", "-f", manifest(POD), tick="0")
    assert cli.ok("set", "image", "pod/web", "nginx=nginx:1.16.1", tick="0") == "pod/web image updated\n"
    assert _images(cli) == "busybox nginx:1.16.1 busybox"
    assert cli.ok("set", "image", "pod", "web", "nginx=nginx:1.16.1", tick="0") == ""  # no change: nothing printed
    assert cli.ok("set", "image", "pod/web", "*=busybox:1.36", "--dry-run=server", tick="0") == \
        "pod/web image updated (server dry run)\n"
    assert _images(cli) == "busybox nginx:1.16.1 busybox"
    assert cli.ok("set", "image", "pods", "--all", "*=busybox:1.36", "-o", "name", tick="0") == "pod/web\n"
    assert _images(cli) == "busybox:1.36 busybox:1.36 busybox:1.36"


def test_set_image_errors(cli, manifest):
    cli.ok("apply", "-f", manifest(POD), tick="0")
    done = cli("set", "image", "pod/web", "nope=x", "nginx=nginx:1.17", tick="0")
    assert (done.returncode, done.stdout, done.stderr) == (1, "pod/web image updated\n",
                                                            'error: unable to find container named "nope"\n')
    before = cli.db_bytes()  # the errors below change nothing
    assert cli.fail("set", "image", "pod/web", "side=", tick="0") == (
        'error: failed to patch image update to pod template: Pod "web" is invalid: '
        "spec.containers[1].image: Required value\n")
    assert cli.fail("set", "image", "pod/web", tick="0") == "error: at least one image update is required\n"
    assert cli.fail("set", "image", "pod/web", "nginx-", tick="0") == "error: invalid image format: nginx-\n"
    assert cli.fail("set", "image", "nginx=x", "pod/web", tick="0") == \
        "error: all resources must be specified before image changes: pod/web\n"
    assert cli.fail("set", "image", "pod/nope", "nginx=x", tick="0") == 'Error from server (NotFound): pods "nope" not found\n'
    assert cli.db_bytes() == before
    assert cli.ok("get", "pod", "web", "-o", "jsonpath={.spec.containers[0].image}", tick="0") == "nginx:1.17"


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
@pytest.mark.parametrize("pairs", [["nope=x"], ["nginx-"], [], ["nginx=x", "side=y"], ["*=x:1"]], ids=str)
def test_file_targets_match_kubectl_local(cli, manifest, pairs):
    """With -f, kubectl --local computes the same change offline: same stdout lines and error text."""
    path = manifest(POD)
    cli.ok("apply", "-f", path, tick="0")
    real = subprocess.run([KUBECTL, "set", "image", "--local", "-f", path, *pairs, "-o", "name"],
                          capture_output=True, text=True, timeout=60)
    ours = cli("set", "image", "-f", path, *pairs, "-o", "name", tick="0")
    assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, real.stderr)

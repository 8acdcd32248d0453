"""Issue 9.3, from the command line: ``set image`` while the first pull is running. The sync that started the
pull of the old image creates its container with the old image (``SyncPod`` is blocked in
``EnsureImageExists``); the pending update then restarts it for the new one (``containerChanged``). No container
ever runs the new, missing image."""

from __future__ import annotations

import json

POD = """apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: nginx
    image: nginx:1.14.2
"""


def test_set_image_during_first_pull(cli, manifest):
    cli.ok("apply", "-f", manifest(POD), tick="0")
    assert cli.ok("set", "image", "pod/x", "nginx=nginx:does-not-exist", tick="0") == "pod/x image updated\n"
    cli.ok("clock", "advance", "10s", tick="0")
    st = json.loads(cli.ok("get", "pod", "x", "-o", "jsonpath={.status.containerStatuses[0]}", tick="0"))
    assert "running" not in st["state"]
    assert st["state"]["waiting"]["reason"] in ("ErrImagePull", "ImagePullBackOff")
    assert st["image"] == "docker.io/library/nginx:1.14.2" and st["imageID"]  # the instance that ran, now stopped
    assert st["lastState"]["terminated"]["finishedAt"] == "2026-01-01T00:00:02Z"
    out = cli.ok("get", "events", "--field-selector", "involvedObject.name=x", "-o",
                 "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}", tick="0")
    assert 'Pulled: Successfully pulled image "nginx:1.14.2"' in out
    assert "Killing: Container nginx definition changed, will be restarted" in out
    assert 'Pulling: Pulling image "nginx:does-not-exist"' in out
    assert 'Successfully pulled image "nginx:does-not-exist"' not in out

"""The image catalog's rule through the CLI (minikctl/engine/behavior/images.py docstring): a Docker Hub official
name that does not exist fails as Docker Hub answers, real upstream tags of catalogued images pull, unknown
repositories run unless the user catalog's ``unknown_images`` switch says "fail"; and the process credentials of
a pod's securityContext (``id``, ``ps``, ``ls -l``). MINIKCTL_TICK=0: only ``clock advance`` moves time."""

from __future__ import annotations

import json
import re

# containerd's resolver refusing a repository Docker Hub does not have (core/remotes/docker/resolver.go Resolve,
# authorizer.go invalidAuthorization), as the kubelet's event shows it (github.com/pfnet/image-pull-secrets-provisioner
# issue 31: `Failed to pull image "controller:latest": rpc error: code = Unknown desc = ...`)
DENIED = ('rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/ngnix:latest": '
          'failed to resolve reference "docker.io/library/ngnix:latest": pull access denied, repository does not '
          'exist or may require authorization: server message: insufficient_scope: authorization failed')


def _status(cli, name: str) -> str:
    return re.split(r"\s{2,}", cli.ok("get", "pod", name, "--no-headers", tick="0").strip())[2]


def _events(cli, name: str) -> str:
    text = cli.ok("describe", "pod", name, tick="0")
    return text[text.index("Events:"):]


def test_typo_of_an_official_image_fails_like_docker_hub(cli):
    cli.ok("run", "typo", "--image=ngnix", tick="0")
    assert _status(cli, "typo") == "ContainerCreating"
    cli.ok("clock", "advance", "1s", tick="0")  # the pull takes 1 s (lifecycle.md 10.3)
    assert _status(cli, "typo") == "ErrImagePull"
    events = _events(cli, "typo")
    assert f'Warning  Failed     0s    kubelet            Failed to pull image "ngnix": {DENIED}' in events
    assert "Error: ErrImagePull" in events
    state = json.loads(cli.ok("get", "pod", "typo", "-o", "jsonpath={.status.containerStatuses[0].state}", tick="0"))
    assert state == {"waiting": {"reason": "ErrImagePull", "message": DENIED}}
    cli.ok("clock", "advance", "1s", tick="0")  # the kubelet looks again 1 s later: back-off (lifecycle.md 3.3)
    assert _status(cli, "typo") == "ImagePullBackOff"
    assert 'Normal   BackOff    0s    kubelet            Back-off pulling image "ngnix"' in _events(cli, "typo")


def test_real_tags_pull_and_missing_tags_fail_not_found(cli, manifest):
    cli.ok("run", "n1", "--image=nginx:1.27.3", tick="0")
    cli.ok("run", "b1", "--image=busybox:1.34", "--", "sleep", "3600", tick="0")
    cli.ok("run", "n2", "--image=nginx:1.99", tick="0")
    cli.ok("clock", "advance", "3s", tick="0")
    assert _status(cli, "n1") == "Running" and _status(cli, "b1") == "Running"
    image_id = cli.ok("get", "pod", "n1", "-o", "jsonpath={.status.containerStatuses[0].imageID}", tick="0")
    assert re.fullmatch(r"docker\.io/library/nginx@sha256:[0-9a-f]{64}", image_id)
    assert 'Successfully pulled image "nginx:1.27.3" in 2s (2s including waiting)' in _events(cli, "n1")
    ref = "docker.io/library/nginx:1.99"
    assert (f'Failed to pull image "nginx:1.99": rpc error: code = NotFound desc = failed to pull and unpack image '
            f'"{ref}": failed to resolve reference "{ref}": {ref}: not found') in _events(cli, "n2")


def test_unknown_repositories_run_unless_the_catalog_says_fail(cli, tmp_path):
    cli.ok("run", "own", "--image=mycorp/app:1.0", tick="0")
    cli.ok("run", "other", "--image=registry.example.com/x:1", tick="0")
    cli.ok("clock", "advance", "2s", tick="0")
    assert _status(cli, "own") == "Running" and _status(cli, "other") == "Running"
    # the switch lives in the user catalog beside the store
    (cli.home / "images.json").write_text('{"unknown_images": "fail"}')
    cli.ok("run", "own2", "--image=mycorp/app:1.0", tick="0")
    cli.ok("run", "other2", "--image=registry.example.com/x:1", tick="0")
    cli.ok("run", "real", "--image=nginx:1.26", tick="0")
    cli.ok("clock", "advance", "1s", tick="0")
    assert _status(cli, "own2") == "ErrImagePull" and _status(cli, "other2") == "ErrImagePull"
    cli.ok("clock", "advance", "1s", tick="0")  # nginx pulls in 2 s
    assert _status(cli, "real") == "Running"
    assert ('failed to resolve reference "docker.io/mycorp/app:1.0": pull access denied, repository does not exist '
            'or may require authorization: server message: insufficient_scope: authorization failed'
            in _events(cli, "own2"))
    assert ('rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/x:1": failed '
            'to resolve reference "registry.example.com/x:1": registry.example.com/x:1: not found'
            in _events(cli, "other2"))
    # a bad switch is named with what to do, and changes nothing
    (cli.home / "images.json").write_text('{"unknown_images": "sometimes"}')
    before = cli.db_bytes()
    err = cli.fail("run", "x", "--image=busybox", tick="0")
    assert '"unknown_images" must be "run" or "fail"' in err and "images.json" in err
    assert cli.db_bytes() == before


# kubernetes.io "Configure a Security Context for a Pod or Container", pods/security/security-context.yaml as the
# page shows it today, and the outputs the page prints for `ps`, `ls -l` and `id`
SECURITY_CONTEXT = """\
apiVersion: v1
kind: Pod
metadata:
  name: security-context-demo
spec:
  securityContext:
    runAsUser: 1000
    runAsGroup: 3000
    fsGroup: 2000
    supplementalGroups: [4000]
  volumes:
  - name: sec-ctx-vol
    emptyDir: {}
  containers:
  - name: sec-ctx-demo
    image: busybox:1.28
    command: [ "sh", "-c", "sleep 1h" ]
    volumeMounts:
    - name: sec-ctx-vol
      mountPath: /data/demo
    securityContext:
      allowPrivilegeEscalation: false
"""


def test_security_context_credentials(cli, manifest):
    cli.ok("apply", "-f", manifest(SECURITY_CONTEXT), tick="0")
    cli.ok("clock", "advance", "2s", tick="0")
    assert cli.ok("exec", "security-context-demo", "--", "id", tick="0") == "uid=1000 gid=3000 groups=2000,3000,4000\n"
    ps = cli.ok("exec", "security-context-demo", "--", "ps", tick="0").splitlines()
    assert ps[0] == "PID   USER     TIME  COMMAND" and ps[1].startswith("    1 1000      0:00 ")
    ls = cli.ok("exec", "security-context-demo", "--", "ls", "-l", "/data", tick="0")
    assert re.search(r"^drwxrwsrwx +2 root +2000 +4096 .* demo$", ls, re.M), ls
    out = cli.ok("exec", "security-context-demo", "--", "sh", "-c",
                 "cd /data/demo && echo hello > testfile && ls -l && touch /tmp/mine && ls -l /tmp", tick="0")
    assert re.search(r"^-rw-r--r-- +1 1000 +2000 +6 .* testfile$", out, re.M), out  # the volume's group: fsGroup
    assert re.search(r"^-rw-r--r-- +1 1000 +3000 +0 .* mine$", out, re.M), out  # elsewhere: runAsGroup
    done = cli("exec", "security-context-demo", "--", "whoami", tick="0")
    assert done.returncode == 1 and "whoami: unknown uid 1000" in done.stdout + done.stderr
    # the container's own runAsUser wins over the pod's; without runAsGroup the group is root's
    cli.ok("run", "c2", "--image=busybox:1.36", "--overrides",
           '{"spec": {"securityContext": {"runAsUser": 1000},'
           ' "containers": [{"name": "c2", "image": "busybox:1.36", "command": ["sleep", "3600"],'
           ' "securityContext": {"runAsUser": 2000}}]}}', tick="0")
    cli.ok("run", "root", "--image=busybox:1.36", "--", "sleep", "3600", tick="0")
    cli.ok("clock", "advance", "2s", tick="0")
    assert cli.ok("exec", "c2", "--", "id", tick="0") == "uid=2000 gid=0(root) groups=0(root)\n"
    # busybox's /etc/group puts root in wheel
    assert cli.ok("exec", "root", "--", "id", tick="0") == "uid=0(root) gid=0(root) groups=0(root),10(wheel)\n"

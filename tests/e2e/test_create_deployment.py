"""kubectl create deployment (kubectl v0.32.4 pkg/cmd/create/create_deployment.go): the generated object of
--dry-run=client in every format, and the errors, against the real kubectl (kubectl_fake.py); then a real
create that the controllers roll out."""

from __future__ import annotations

import pytest

from kubectl_fake import KUBECTL, fake_kubectl

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")

CASES = [
    ["web", "--image=nginx:1.14.2"],
    ["web", "--image=nginx:1.14.2", "--replicas=3", "--port=80"],
    ["web", "--image=nginx", "--image=redis:7", "-r", "2"],
    ["web", "--image=registry.k8s.io/e2e-test-images/agnhost:2.40", "--", "/agnhost", "netexec", "--http-port=8080"],
    ["job", "--image=busybox", "--port=0", "-n", "kube-system", "--", "sh", "-c", "sleep 10"],
    ["web", "--image=nginx", "--save-config"],
]

ERRORS = [
    ["web", "--image=nginx", "--image=redis", "--", "sleep", "10"],
    ["a", "b", "--image=nginx"],
    ["--image=nginx"],
]


def _with(args: list[str], *flags: str) -> list[str]:
    cut = args.index("--") if "--" in args else len(args)
    return [*args[:cut], *flags, *args[cut:]]


@needs_kubectl
@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("fmt", [[], ["-o", "yaml"], ["-o", "json"], ["-o", "name"]], ids=lambda f: "-".join(f) or "text")
def test_dry_run_matches_kubectl(cli, tmp_path, args, fmt):
    with fake_kubectl(tmp_path) as kubectl:
        real = kubectl("create", "deployment", *_with(args, "--dry-run=client", *fmt))
    assert real.returncode == 0, real.stderr
    assert cli.ok("create", "deployment", *_with(args, "--dry-run=client", *fmt)) == real.stdout
    assert cli("get", "deployments", "-A").stdout == ""  # a dry run creates nothing


@needs_kubectl
@pytest.mark.parametrize("args", ERRORS, ids=lambda a: " ".join(a))
def test_errors_match_kubectl(cli, tmp_path, args):
    with fake_kubectl(tmp_path) as kubectl:
        real = kubectl("create", "deployment", *_with(args, "--dry-run=client"))
    assert real.returncode == 1
    assert cli.fail("create", "deployment", *_with(args, "--dry-run=client")) == \
        real.stderr.replace("kubectl create", "minikctl create")


def test_create_deployment_rolls_out(cli):
    assert cli.ok("create", "deployment", "web", "--image=nginx:1.14.2", "--replicas=2", tick="0") == \
        "deployment.apps/web created\n"
    done = cli("create", "deployment", "web", "--image=nginx", tick="0")
    assert (done.returncode, done.stderr) == (1, 'error: failed to create deployment: deployments.apps "web" already '
                                                 "exists\n")
    assert cli.ok("rollout", "status", "deploy/web", tick="0").endswith('deployment "web" successfully rolled out\n')
    rows = [line.split() for line in cli.ok("get", "pods", "--show-labels", "--no-headers", tick="0").splitlines()]
    assert len(rows) == 2 and all(r[2] == "Running" and r[-1].startswith("app=web,pod-template-hash=") for r in rows)
    assert cli.fail("create", "deployment", "x", tick="0") == 'error: required flag(s) "image" not set\n'

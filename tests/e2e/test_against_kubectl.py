"""Commands checked against the real kubectl (talking to a fake API server): run, client dry runs, api-resources."""

from __future__ import annotations

import pytest

from kubectl_fake import KUBECTL, fake_kubectl

CASES = [
    ["nginx", "--image=nginx"],
    ["web", "--image=busybox", "--restart=Never", "--labels=app=web,tier=fe", "--env=A=1", "--env", "B=2",
     "--port=8080", "--annotations=x=y", "--image-pull-policy=IfNotPresent", "--privileged", "--command", "--",
     "sh", "-c", "echo hi"],
    ["pi", "--image=perl", "--restart=OnFailure", "--", "perl", "-e", "print 1"],
    ["n", "--image=nginx", '--overrides={"spec":{"nodeName":"node1"},"metadata":{"labels":{"x":"y"}}}'],
    ["h", "--image=hazelcast/hazelcast", "-l", "app=x", "--labels=y=z", "-n", "kube-system"],
]

ERRORS = [
    ["nginx", "--image=nginx", "--restart=Bogus"],
    ["nginx", "--image=nginx", "--image-pull-policy=Bogus"],
    ["nginx", "--image=nginx", "--port=abc"],
    ["nginx", "--image=nginx", "--env=NOEQ"],
    ["nginx", "--image=nginx", "--labels=bad"],
    ["nginx", "--image=nginx", "--annotations=bad"],
    ["nginx", "--image=nginx", "--rm"],
    ["nginx", "--image=nginx", "-i"],
    ["--image=nginx"],
    ["nginx", "--image=nginx", "--overrides={bad"],
    ["nginx", "--image=nginx", "--overrides=[1]"],
    ["nginx", "--image=nginx", '--overrides={"spec":{"containers":"x"}}'],
]

def _with(args: list[str], *flags: str) -> list[str]:
    """The flags go before `--` (after it, everything is the container's command)."""
    cut = args.index("--") if "--" in args else len(args)
    return [*args[:cut], *flags, *args[cut:]]


needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


@needs_kubectl
@pytest.mark.parametrize("args", CASES, ids=lambda a: a[0])
@pytest.mark.parametrize("fmt", [[], ["-o", "yaml"], ["-o", "json"], ["-o", "name"]], ids=lambda f: "-".join(f) or "text")
def test_dry_run_output_matches_kubectl(cli, tmp_path, args, fmt):
    with fake_kubectl(tmp_path) as kubectl:
        real = kubectl("run", *_with(args, "--dry-run=client", *fmt))
    assert real.returncode == 0, real.stderr
    assert cli.ok("run", *_with(args, "--dry-run=client", *fmt)) == real.stdout
    assert cli("get", "pods", "-A").stdout == ""  # a dry run creates nothing


@needs_kubectl
@pytest.mark.parametrize("args", ERRORS, ids=lambda a: " ".join(a[1:]) or "no name")
def test_errors_match_kubectl(cli, tmp_path, args):
    with fake_kubectl(tmp_path) as kubectl:
        real = kubectl("run", *args, "--dry-run=client", "-o", "yaml")
    assert real.returncode == 1
    assert cli.fail("run", *args, "--dry-run=client", "-o", "yaml") == real.stderr.replace("kubectl run", "minikctl run")


def test_missing_image_is_an_error(cli):
    assert cli.fail("run", "nginx") == 'error: required flag(s) "image" not set\n'


def test_run_creates_a_pod_that_starts(cli):
    assert cli.ok("run", "nginx", "--image=nginx:1.14.2", tick="0") == "pod/nginx created\n"
    cli.ok("clock", "advance", "5s", tick="0")
    row = cli.ok("get", "pod", "nginx", "--show-labels", "--no-headers", tick="0").split()
    assert row[:3] == ["nginx", "1/1", "Running"] and row[-1] == "run=nginx"


def test_attached_run_prints_output_deletes_and_exits_with_the_container_code(cli):
    done = cli("run", "t", "--image=busybox", "--restart=Never", "-i", "--rm", "--",
               "sh", "-c", "echo hello; exit 3", tick="0")
    assert (done.returncode, done.stdout, done.stderr) == (3, 'hello\npod "t" deleted\n',
                                                            "pod default/t terminated (Error)\n")
    assert cli("get", "pods", tick="0").stderr == "No resources found in default namespace.\n"
    done = cli("run", "ok", "--image=busybox", "--restart=Never", "--attach", "--", "sh", "-c", "echo fine", tick="0")
    assert (done.returncode, done.stdout) == (0, "fine\n")
    assert cli.ok("get", "pod", "ok", "--no-headers", tick="0").split()[2] == "Completed"


@needs_kubectl
@pytest.mark.parametrize("verb", [["create"], ["apply"], ["create", "--save-config"]], ids=" ".join)
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_client_dry_run_prints_what_kubectl_would_send(cli, tmp_path, manifest, verb, fmt):
    """`create|apply --dry-run=client -o yaml` is the manifest as sent (namespace set, no server defaults)."""
    path = manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n"
                    "  containers:\n  - name: nginx\n    image: nginx:1.14.2\n    ports:\n    - containerPort: 80\n")
    flags = [*verb, "-f", path, "--dry-run=client", "--validate=false", "-o", fmt]
    with fake_kubectl(tmp_path) as kubectl:
        real = kubectl(*flags)
    assert real.returncode == 0, real.stderr
    assert cli.ok(*flags) == real.stdout


@needs_kubectl
@pytest.mark.parametrize("flags", [[], ["-o", "wide"], ["-o", "name"], ["--namespaced=false"], ["--namespaced=true"],
                                   ["--no-headers", "--sort-by=kind"], ["--verbs=deletecollection", "-o", "name"],
                                   ["--api-group="], ["-o", "json"], ["--sort-by=age"]], ids=" ".join)
def test_api_resources_matches_kubectl(cli, tmp_path, flags):
    """The discovery table, its filters and errors are kubectl's (kubectl reads a 1.32 server's discovery)."""
    with fake_kubectl(tmp_path) as kubectl:
        real = kubectl("api-resources", *flags)
    ours = cli("api-resources", *flags)
    assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, real.stderr)

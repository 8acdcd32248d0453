"""minikctl explain against kubectl 1.32 explain pointed at `minikctl serve` on the same schemas: the same bytes on
stdout and stderr, the same exit code (kubectl/pkg/explain/v2/templates/plaintext.tmpl, kubectl/pkg/cmd/explain)."""

from __future__ import annotations

import os
import subprocess

import pytest

from kubectl_oracle import KUBECTL
from tests.e2e.test_serve import Served

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")

CASES = [
    "pods", "pods --recursive", "pods.spec.containers", "pods.spec.containers.ports --recursive",
    "po.metadata.labels", "PODS", "pods.spec.affinity.nodeAffinity --recursive", "pods.status.conditions",
    "deployments.apps", "deploy --api-version=apps/v1", "deploy.spec.strategy.type", "statefulsets.spec --recursive",
    "cj.spec.jobTemplate.spec.template.spec.restartPolicy", "jobs.spec.podFailurePolicy", "ds.spec.updateStrategy",
    "nodes", "nodes --recursive", "events", "cm --recursive", "secrets.data", "sa", "ns.status.phase", "lease",
    "endpoints --recursive", "svc.spec", "controllerrevisions",
    # errors
    "foo", "pods.foo", "pods.spec.foo", "", "pods nodes", "deploy --api-version=v1", "deploy --api-version=apps/v2",
    "pod.spec.containers[0]", "pods -o foo",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = Served(tmp_path_factory.mktemp("explain"))
    yield server
    server.stop()


@needs_kubectl
@pytest.mark.parametrize("line", CASES)
def test_explain_is_kubectls(served, line):
    args = line.split()
    env = dict(os.environ, KUBECONFIG=str(served.kubeconfig))
    real = subprocess.run([KUBECTL, "explain", *args], capture_output=True, text=True, env=env, timeout=60)
    ours = served.cli("explain", *args)
    assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, real.stderr)


def test_explain_without_kubectl(cli):
    """The same text with no server and no kubectl around: the documents come from the bundled schemas."""
    out = cli.ok("explain", "pods.spec.containers.ports")
    assert out == ("KIND:       Pod\nVERSION:    v1\n\nFIELD: ports <[]ContainerPort>\n\n\nDESCRIPTION:\n    <empty>\n"
                   "FIELDS:\n  containerPort\t<integer> -required-\n    <no description>\n\n"
                   "  hostIP\t<string>\n    <no description>\n\n  hostPort\t<integer>\n    <no description>\n\n"
                   "  name\t<string>\n    <no description>\n\n  protocol\t<string>\n    <no description>\n\n\n")
    done = cli("explain", "pods.spec.nope")
    assert (done.returncode, done.stdout, done.stderr) == (
        1, "KIND:       Pod\nVERSION:    v1\n\n", 'error: field "nope" does not exist\n')

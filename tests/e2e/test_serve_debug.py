"""The real ``kubectl debug`` (1.32) against ``minikctl serve``: its strategic merge patch of the pod's
``ephemeralcontainers`` subresource (staging/src/k8s.io/kubectl/pkg/cmd/debug/debug.go ``debugByEphemeralContainer``)
goes through the pod strategy's ephemeral-container rules; the kubelet runs the container and ``kubectl logs -c``
reads it."""

from __future__ import annotations

import re

from test_serve import Kubectl, live, needs_kubectl, pod_yaml, wait_for  # noqa: F401  (the module's fixtures)

import pytest

from kubectl_oracle import KUBECTL


@pytest.fixture
def kubectl(live, tmp_path):  # noqa: F811
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    return Kubectl(live, tmp_path)


@needs_kubectl
def test_kubectl_debug_adds_and_runs_an_ephemeral_container(kubectl, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(pod_yaml("dbg", image="busybox", command="sleep 3600"))
    kubectl.ok("apply", "-f", str(f))
    assert wait_for(lambda: "Running" in kubectl.ok("get", "pod", "dbg"))
    done = kubectl("debug", "dbg", "--image=busybox", "--target=main", "--profile=general", "--",
                   "sh", "-c", "echo from-debugger")
    assert done.returncode == 0, done.stderr
    m = re.search(r"Defaulting debug container name to (debugger-\w{5})\.", done.stdout)
    assert m, done.stdout
    name = m.group(1)
    assert wait_for(lambda: kubectl("logs", "dbg", "-c", name).stdout == "from-debugger\n", timeout=20)
    spec = kubectl.ok("get", "pod", "dbg", "-o", "jsonpath={.spec.ephemeralContainers[0].targetContainerName}")
    assert spec == "main"
    # an existing ephemeral container cannot be removed: the server refuses the patch
    done = kubectl("patch", "pod", "dbg", "--subresource=ephemeralcontainers", "--type=json",
                   "-p", '[{"op": "remove", "path": "/spec/ephemeralContainers/0"}]')
    assert done.returncode == 1
    assert done.stderr.startswith(f'The Pod "dbg" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral '
                                  f'containers "{name}" may not be removed\n')

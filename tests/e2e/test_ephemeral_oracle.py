"""describe of a pod with ephemeral containers, as the simulator leaves it, against the real kubectl 1.32.

The pod comes from the engine (tests/unit/test_ephemeral_containers.py drives the same path): a running nginx
pod, one ephemeral container still running and one that exited. kubectl (``describe.go`` ``describeContainers``
for "Ephemeral Containers") reads it from the read-only fake API server (kubectl_oracle.py); no events, so no
ages are printed.
"""

from __future__ import annotations

import copy

import pytest

from kubectl_oracle import KUBECTL, kubectl_oracle
from minikctl.cluster import Cluster
from minikctl.printers.describe import describe_pod
from minikctl.store.db import DEFAULT_EPOCH_MS, Store

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


def test_describe_pod_with_ephemeral_containers_matches_kubectl(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        cl = Cluster(tx)
        cl.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default"},
                       "spec": {"containers": [{"name": "web", "image": "nginx"}]}})
        cl.advance_to(DEFAULT_EPOCH_MS + 10_000)
        old = tx.get("Pod", "default", "web")
        new = copy.deepcopy(old)
        new["spec"]["ephemeralContainers"] = [
            {"name": "debugger-abcde", "image": "busybox", "command": ["sh", "-c", "sleep 3600"], "stdin": True,
             "tty": True, "targetContainerName": "web", "terminationMessagePolicy": "File", "resources": {}},
            {"name": "debugger-fghjk", "image": "busybox", "command": ["sh", "-c", "exit 2"],
             "terminationMessagePolicy": "File", "resources": {}}]
        cl.api.update(old, new, subresource="ephemeralcontainers")
        cl.advance_to(DEFAULT_EPOCH_MS + 60_000)
        pod = tx.get("Pod", "default", "web")
    st.close()
    assert [s["name"] for s in pod["status"]["ephemeralContainerStatuses"]] == ["debugger-abcde", "debugger-fghjk"]
    with kubectl_oracle(tmp_path, objects=[pod]) as kubectl:
        done = kubectl("describe", "pod", "web", env={"TZ": "UTC"})
    assert done.returncode == 0, done.stderr
    assert describe_pod(pod, [], DEFAULT_EPOCH_MS + 60_000) == done.stdout

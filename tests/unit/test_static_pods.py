"""Static pods and their mirror pods.

Sources (kubernetes v1.32): pkg/kubelet/config/file.go (the file source: a directory of manifests, dot files
ignored), pkg/kubelet/config/common.go (``applyDefaults``: name ``<name>-<node>``, namespace ``default``, the
config.hash/config.seen/config.source annotations, the node name), pkg/kubelet/pod/mirror_client.go
(``CreateMirrorPod``: the ``kubernetes.io/config.mirror`` annotation and the controller reference to the Node;
``DeleteMirrorPod`` with grace 0), pkg/kubelet/kubelet.go ``SyncPod`` (a mirror pod being deleted is removed and
created again), and kubernetes.io "Create static Pods" (deleting the mirror pod through the API does not stop the
static pod; removing the file does).
"""

from __future__ import annotations

import os

import pytest

from minikctl.cluster import Cluster
from minikctl.store.db import DEFAULT_EPOCH_MS, Store

T0 = DEFAULT_EPOCH_MS

WEB = """apiVersion: v1
kind: Pod
metadata:
  name: static-web
  labels:
    role: myrole
spec:
  containers:
    - name: web
      image: nginx
      ports:
        - name: web
          containerPort: 80
          protocol: TCP
"""


@pytest.fixture
def home(tmp_path):
    d = tmp_path / "nodes" / "node1" / "manifests"
    d.mkdir(parents=True)
    return tmp_path


def run(home, fn=None, at_s: float | None = None):
    """One command on the store: the kubelets read their manifests, then ``fn(cluster)``."""
    st = Store(home / "store.db")
    with st.transaction() as tx:
        cl = Cluster(tx)
        cl.tick(0 if at_s is None else max(0, T0 + int(at_s * 1000) - tx.now_ms))
        out = fn(cl) if fn else None
        cl.settle()
    st.close()
    return out


def get(home, name="static-web-node1", ns="default"):
    return run(home, lambda cl: cl.tx.get("Pod", ns, name))


def write(home, fname, text, node="node1"):
    d = home / "nodes" / node / "manifests"
    d.mkdir(parents=True, exist_ok=True)
    (d / fname).write_text(text)


def test_a_manifest_runs_as_a_mirror_pod(home):
    run(home)
    write(home, "web.yaml", WEB)
    run(home, at_s=1)
    p = get(home)
    meta = p["metadata"]
    ann = meta["annotations"]
    assert ann["kubernetes.io/config.mirror"] == ann["kubernetes.io/config.hash"]
    assert len(ann["kubernetes.io/config.hash"]) == 32
    assert ann["kubernetes.io/config.source"] == "file"
    # seen where the last command left the clock: the kubelet watches the directory (inotify), the command's tick
    # comes after
    assert ann["kubernetes.io/config.seen"] == "2026-01-01T00:00:00Z"
    node = run(home, lambda cl: cl.tx.get("Node", "", "node1"))
    assert meta["ownerReferences"] == [{"apiVersion": "v1", "kind": "Node", "name": "node1",
                                        "uid": node["metadata"]["uid"], "controller": True}]
    assert meta["labels"] == {"role": "myrole"}
    assert p["spec"]["nodeName"] == "node1"
    assert {"operator": "Exists", "effect": "NoExecute"} in p["spec"]["tolerations"]
    assert "serviceAccountName" not in p["spec"]  # mirror pods get no service account
    run(home, at_s=10)
    p = get(home)
    assert p["status"]["phase"] == "Running"
    assert p["status"]["containerStatuses"][0]["ready"] is True


def test_deleting_the_mirror_pod_does_not_stop_the_static_pod(home):
    write(home, "web.yaml", WEB)
    run(home, at_s=0)
    run(home, at_s=10)
    before = get(home)
    cid = before["status"]["containerStatuses"][0]["containerID"]

    def delete(cl):
        cl.api.delete(cl.tx.get("Pod", "default", "static-web-node1"))

    run(home, delete, at_s=20)
    after = get(home)
    assert after["metadata"]["uid"] != before["metadata"]["uid"]  # a new mirror pod, made at once
    assert after["metadata"]["creationTimestamp"] == "2026-01-01T00:00:20Z"
    assert not after["metadata"].get("deletionTimestamp")
    st = after["status"]["containerStatuses"][0]
    assert (st["containerID"], st["restartCount"], after["status"]["phase"]) == (cid, 0, "Running")


def test_changing_and_removing_the_file(home):
    write(home, "web.yaml", WEB)
    run(home, at_s=0)
    run(home, at_s=10)
    first = get(home)
    write(home, "web.yaml", WEB.replace("image: nginx", "image: nginx:1.27"))
    run(home, at_s=20)
    second = get(home)
    assert second["metadata"]["annotations"]["kubernetes.io/config.hash"] != \
        first["metadata"]["annotations"]["kubernetes.io/config.hash"]
    assert second["spec"]["containers"][0]["image"] == "nginx:1.27"
    os.remove(home / "nodes" / "node1" / "manifests" / "web.yaml")
    run(home, at_s=30)
    assert get(home) is None
    assert run(home, lambda cl: cl.tx.get_runtime("Pod", "default", "static-web-node1")) is None


def test_bad_files_are_skipped_and_block_nothing(home):
    write(home, "bad.yaml", "garbage: [")
    write(home, "two.yaml", WEB + "---\n" + WEB)
    write(home, "deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n")
    write(home, ".hidden.yaml", WEB.replace("static-web", "hidden"))
    write(home, "notes.txt", WEB.replace("static-web", "txt"))
    write(home, "ns.yaml", WEB.replace("static-web", "other").replace("  labels:", "  namespace: nowhere\n  labels:"))
    write(home, "ok.json", '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"}, '
                           '"spec": {"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "9"]}]}}')
    run(home, at_s=1)
    names = run(home, lambda cl: sorted(p["metadata"]["name"] for p in cl.tx.list("Pod")))
    assert names == ["j-node1"]


def test_a_node_of_its_own_and_a_stopped_kubelet(home):
    run(home, lambda cl: cl.api.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node2"}}))
    run(home, lambda cl: cl.loop.kubelet.stop_node("node2"), at_s=1)
    write(home, "web.yaml", WEB, node="node2")
    run(home, at_s=2)
    assert get(home, "static-web-node2") is None  # a stopped kubelet reads nothing
    run(home, lambda cl: cl.loop.kubelet.start_node("node2"), at_s=3)
    run(home, at_s=10)
    p = get(home, "static-web-node2")
    assert p["spec"]["nodeName"] == "node2" and p["status"]["phase"] == "Running"

"""rollout history / undo / status / restart of StatefulSets and DaemonSets (kubectl v0.32.4 polymorphichelpers:
history.go StatefulSetHistoryViewer / DaemonSetHistoryViewer, rollback.go StatefulSetRollbacker /
DaemonSetRollbacker, rollout_status.go) over ControllerRevisions in the format the StatefulSet and DaemonSet
controllers write them (pkg/controller/history: name ``<owner>-<hash>``, the template's labels, ``revision``,
``data`` = {"spec": {"template": {..., "$patch": "replace"}}}, the owner's controller reference). The revisions are
the controllers' own: revision 1 of the applied template, revision 2 after ``set image``; the outputs are checked
against the real kubectl reading the same objects (kubectl_oracle)."""

from __future__ import annotations


import pytest

from kubectl_oracle import KUBECTL, kubectl_oracle, objects_from_store

STS = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports: [{containerPort: 80, name: web}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: busybox:1.35
        command: [sh, -c, sleep 3600000]
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: solo
spec:
  selector:
    matchLabels: {app: solo}
  template:
    metadata:
      labels: {app: solo}
    spec:
      containers:
      - name: solo
        image: busybox:1.36
        command: [sh, -c, sleep 3600000]
"""


@pytest.fixture
def world(cli, manifest, tmp_path):
    """The controllers write the revisions: 1 for the applied templates, 2 after ``set image`` (solo keeps one)."""
    cli.ok("apply", "-f", manifest(STS), tick="0")
    cli.ok("clock", "advance", "30s", tick="0")
    cli.ok("set", "image", "sts/web", "nginx=nginx:1.16.1", tick="0")
    cli.ok("set", "image", "ds/agent", "agent=busybox:1.36", tick="0")
    cli.ok("clock", "advance", "2m", tick="0")
    return cli


def test_history_and_undo_of_a_statefulset(world):
    cli = world
    assert cli.ok("rollout", "history", "statefulset/web", tick="0") == (
        "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n")
    one = cli.ok("rollout", "history", "sts/web", "--revision=1", tick="0")
    assert one.startswith("statefulset.apps/web with revision #1\nPod Template:\n") and "nginx:1.14.2" in one
    assert cli.fail("rollout", "history", "sts/web", "--revision=7", tick="0") == \
        "error: unable to find the specified revision\n"
    dry = cli.ok("rollout", "undo", "sts/web", "--dry-run=client", tick="0")
    assert dry.startswith("statefulset.apps/web will roll back to Pod Template:\n") and "nginx:1.14.2" in dry
    assert dry.endswith(" (dry run)\n")
    assert cli.ok("rollout", "undo", "sts/web", "--to-revision=2", tick="0") == \
        "statefulset.apps/web skipped rollback (current template already matches revision 2)\n"
    assert cli.ok("rollout", "undo", "sts/web", tick="0") == "statefulset.apps/web rolled back\n"
    image = cli.ok("get", "sts", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}", tick="0")
    assert image == "nginx:1.14.2"
    assert cli.fail("rollout", "undo", "ds/solo", tick="0") == "error: no last revision to roll back to\n"
    assert cli.fail("rollout", "undo", "ds/agent", "--to-revision=3", tick="0") == \
        "error: unable to find specified revision 3 in history\n"
    assert cli.ok("rollout", "restart", "ds/agent", tick="0") == "daemonset.apps/agent restarted\n"
    assert cli.fail("rollout", "pause", "ds/agent", tick="0") == \
        'error: daemonsets.apps "agent" pausing is not supported\n'


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
@pytest.mark.parametrize("args", [
    ("history", "statefulset/web"),
    ("history", "sts/web", "--revision=1"),
    ("history", "sts/web", "--revision=2"),
    ("history", "sts/web", "--revision=3"),
    ("history", "ds/agent"),
    ("history", "ds/agent", "--revision=1"),
    ("history", "sts/web", "-o", "yaml"),
    ("undo", "sts/web", "--dry-run=client"),
    ("undo", "sts/web", "--dry-run=client", "--to-revision=1"),
    ("undo", "ds/agent", "--dry-run=client"),
    ("undo", "ds/agent", "--dry-run=client", "--to-revision=1"),
], ids=" ".join)
def test_against_kubectl(world, tmp_path, args):
    cli = world
    with kubectl_oracle(tmp_path, objects=objects_from_store(cli.home / "store.db")) as kubectl:
        real = kubectl("rollout", *args, env={"TZ": "UTC"})
    ours = cli("rollout", *args, tick="0", env={"TZ": "UTC"})
    assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, real.stderr)


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
@pytest.mark.parametrize("args", [("sts/web",), ("ds/agent",)], ids=" ".join)
def test_status_without_watch_against_kubectl(world, tmp_path, args):
    cli = world
    with kubectl_oracle(tmp_path, objects=objects_from_store(cli.home / "store.db")) as kubectl:
        real = kubectl("rollout", "status", *args, "--watch=false")
    ours = cli("rollout", "status", *args, "--watch=false", tick="0")
    assert (ours.returncode, ours.stdout) == (real.returncode, real.stdout)

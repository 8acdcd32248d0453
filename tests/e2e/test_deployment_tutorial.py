"""The kubernetes.io Deployment tutorial (concepts/workloads/controllers/deployment.md) through minikctl's CLI,
as a 1.32 cluster shows it: nginx-deployment (nginx:1.14.2) created, rolled out, updated to nginx:1.16.1, broken
with the nginx:1.161 typo (stuck at "1 out of 3 new replicas", ImagePullBackOff), undone, scaled; a pod deleted
from a ReplicaSet is replaced; deleting the Deployment removes its ReplicaSets and pods.

Names are a 1.32 cluster's (ComputeHash over the 1.32 PodTemplateSpec): nginx-deployment-647677fc66 and
nginx-deployment-8d94c585f, as published transcripts of this tutorial on Kubernetes v1.32.0 show.
"""

from __future__ import annotations

import re

import pytest

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
"""

OLD, NEW, BAD = "nginx-deployment-647677fc66", "nginx-deployment-8d94c585f", "nginx-deployment-579478bf45"


def table(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines()]


@pytest.fixture
def tutorial(cli, manifest):
    cli.ok("apply", "-f", manifest(DEPLOYMENT))
    return cli


def test_create_and_roll_out(tutorial):
    cli = tutorial
    assert table(cli.ok("get", "deployments")) == [["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
                                                   ["nginx-deployment", "0/3", "3", "0", "1s"]]
    assert cli.ok("rollout", "status", "deployment/nginx-deployment") == \
        'deployment "nginx-deployment" successfully rolled out\n'
    assert table(cli.ok("get", "deployments")) == [["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
                                                   ["nginx-deployment", "3/3", "3", "3", "3s"]]
    assert table(cli.ok("get", "rs")) == [["NAME", "DESIRED", "CURRENT", "READY", "AGE"], [OLD, "3", "3", "3", "4s"]]
    rows = table(cli.ok("get", "pods", "--show-labels"))
    assert rows[0] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "LABELS"] and len(rows) == 4
    for row in rows[1:]:
        assert re.fullmatch(OLD + r"-[b-df-hj-np-tv-z2-9]{5}", row[0])
        assert row[1:] == ["1/1", "Running", "0", "5s", "app=nginx,pod-template-hash=647677fc66"]


def test_rolling_update_then_the_typo_then_undo(tutorial):
    cli = tutorial
    cli.ok("clock", "advance", "10s")
    assert cli.ok("set", "image", "deployment/nginx-deployment", "nginx=nginx:1.16.1") == \
        "deployment.apps/nginx-deployment image updated\n"
    lines = cli.ok("rollout", "status", "deployment/nginx-deployment").splitlines()
    wait = 'Waiting for deployment "nginx-deployment" rollout to finish: '
    assert lines[0] == wait + "1 out of 3 new replicas have been updated..."
    assert lines[-1] == 'deployment "nginx-deployment" successfully rolled out'
    assert set(lines[1:-1]) <= {wait + "1 out of 3 new replicas have been updated...",
                                wait + "2 out of 3 new replicas have been updated...",
                                wait + "1 old replicas are pending termination..."}
    assert wait + "1 old replicas are pending termination..." in lines
    rs = table(cli.ok("get", "rs"))
    assert [r[:4] for r in rs[1:]] == [[OLD, "0", "0", "0"], [NEW, "3", "3", "3"]]
    described = cli.ok("describe", "deployment", "nginx-deployment")
    assert "Annotations:            deployment.kubernetes.io/revision: 2\n" in described
    assert "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n" in described
    assert f"OldReplicaSets:  {OLD} (0/0 replicas created)\nNewReplicaSet:   {NEW} (3/3 replicas created)\n" \
        in described
    scaled = re.findall(r"ScalingReplicaSet .* deployment-controller  (.*)\n", described)
    assert scaled == [f"Scaled up replica set {OLD} from 0 to 3", f"Scaled up replica set {NEW} from 0 to 1",
                      f"Scaled down replica set {OLD} from 3 to 2", f"Scaled up replica set {NEW} from 1 to 2",
                      f"Scaled down replica set {OLD} from 2 to 1", f"Scaled up replica set {NEW} from 2 to 3",
                      f"Scaled down replica set {OLD} from 1 to 0"]
    # the typo: the new ReplicaSet's pod never pulls; maxUnavailable 0 keeps the three old pods
    cli.ok("set", "image", "deployment/nginx-deployment", "nginx=nginx:1.161")
    done = cli("rollout", "status", "deployment/nginx-deployment", "--timeout=10s")
    assert (done.returncode, done.stdout, done.stderr) == (
        1, wait + "1 out of 3 new replicas have been updated...\n", "error: timed out waiting for the condition\n")
    rs = table(cli.ok("get", "rs"))
    assert [r[:4] for r in rs[1:]] == [[BAD, "1", "1", "0"], [OLD, "0", "0", "0"], [NEW, "3", "3", "3"]]
    pods = table(cli.ok("get", "pods"))
    assert [r[1:3] for r in pods[1:] if r[0].startswith(BAD)] == [["0/1", "ImagePullBackOff"]]
    assert cli.ok("rollout", "history", "deployment/nginx-deployment") == (
        "deployment.apps/nginx-deployment \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n"
        "3         <none>\n\n")
    assert cli.ok("rollout", "undo", "deployment/nginx-deployment") == "deployment.apps/nginx-deployment rolled back\n"
    assert cli.ok("rollout", "status", "deployment/nginx-deployment") == \
        'deployment "nginx-deployment" successfully rolled out\n'
    rs = table(cli.ok("get", "rs"))
    assert [r[:4] for r in rs[1:]] == [[BAD, "0", "0", "0"], [OLD, "0", "0", "0"], [NEW, "3", "3", "3"]]
    assert cli.ok("rollout", "history", "deployment/nginx-deployment") == (
        "deployment.apps/nginx-deployment \nREVISION  CHANGE-CAUSE\n1         <none>\n3         <none>\n"
        "4         <none>\n\n")
    history = cli.ok("rollout", "history", "deployment/nginx-deployment", "--revision=4")
    assert history.startswith("deployment.apps/nginx-deployment with revision #4\nPod Template:\n")
    assert "    Image:\tnginx:1.16.1\n" in history
    assert cli.ok("scale", "deployment/nginx-deployment", "--replicas=10") == "deployment.apps/nginx-deployment scaled\n"
    assert table(cli.ok("get", "deployment", "nginx-deployment"))[1][:4] == ["nginx-deployment", "10/10", "10", "10"]


def test_a_deleted_pod_is_replaced_and_delete_cascades(tutorial):
    cli = tutorial
    cli.ok("clock", "advance", "5s")
    victim = table(cli.ok("get", "pods"))[1][0]
    assert cli.ok("delete", "pod", victim, "--wait=false") == f'pod "{victim}" deleted\n'
    rows = table(cli.ok("get", "pods"))
    statuses = {r[0]: r[2] for r in rows[1:]}
    assert victim not in statuses or statuses[victim] == "Terminating"
    running = [n for n, s in statuses.items() if n != victim]
    assert len(running) == 3 and all(n.startswith(OLD + "-") for n in running)
    assert cli.ok("delete", "deployment", "nginx-deployment") == 'deployment.apps "nginx-deployment" deleted\n'
    done = cli("get", "deploy,rs,pods")
    assert (done.stdout, done.stderr) == ("", "No resources found in default namespace.\n")


def test_rollout_verbs_errors(tutorial):
    cli = tutorial
    assert cli.fail("rollout", "status") == "error: required resource not specified\n"
    assert cli.fail("rollout", "status", "pod/nope") == 'Error from server (NotFound): pods "nope" not found\n'
    assert cli.fail("rollout", "undo", "deployment/nginx-deployment") == \
        'error: no rollout history found for deployment "nginx-deployment"\n'
    assert cli.fail("rollout", "undo", "deployment/nginx-deployment", "--to-revision=5") == \
        "error: unable to find specified revision 5 in history\n"
    assert cli.ok("rollout", "pause", "deployment/nginx-deployment") == "deployment.apps/nginx-deployment paused\n"
    assert cli.fail("rollout", "pause", "deployment/nginx-deployment") == \
        'error: deployments.apps "nginx-deployment" is already paused\n'
    assert cli.fail("rollout", "restart", "deployment/nginx-deployment") == \
        "error: deployments.apps \"nginx-deployment\" can't restart paused deployment (run rollout resume first)\n"
    assert cli.fail("rollout", "undo", "deployment/nginx-deployment", "--to-revision=1") == (
        "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try "
        "again\n")
    assert cli.ok("rollout", "resume", "deployment/nginx-deployment") == "deployment.apps/nginx-deployment resumed\n"
    assert cli.fail("rollout", "resume", "deployment/nginx-deployment") == \
        'error: deployments.apps "nginx-deployment" is not paused\n'
    assert cli.ok("rollout", "restart", "deployment/nginx-deployment") == \
        "deployment.apps/nginx-deployment restarted\n"
    rs = table(cli.ok("get", "rs", "-o", "name"))[0][0]
    assert cli.fail("rollout", "history", rs) == 'error: no history viewer has been implemented for "ReplicaSet.apps"\n'
    assert cli.fail("rollout", "history", "configmap/x") == 'Error from server (NotFound): configmaps "x" not found\n'


def test_scale_errors(tutorial):
    cli = tutorial
    assert cli.fail("scale", "deployment/nginx-deployment") == 'error: required flag(s) "replicas" not set\n'
    assert cli.fail("scale", "deployment/nginx-deployment", "--replicas=2", "--current-replicas=5") == \
        "error: Expected replicas to be 5, was 3\n"
    assert cli.fail("scale", "deployment", "--replicas=2") == \
        "error: resource(s) were provided, but no name was specified\n"
    assert cli.ok("scale", "deployment", "--all", "--replicas=2", "--dry-run=client") == \
        "deployment.apps/nginx-deployment scaled (dry run)\n"
    cli.ok("run", "web", "--image=nginx")
    assert cli.fail("scale", "pod/web", "--replicas=2") == \
        "Error from server (NotFound): the server could not find the requested resource\n"

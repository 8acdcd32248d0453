"""A node's score shared with the nodes alike in what the score plugins read (engine/controllers/scheduler.py
``Scheduler._score_key``) is the score each node would get: Deployments spread over nodes of which some are alike,
one has less cpu, one a PreferNoSchedule taint, one a label a preferred node affinity asks for, created, rolled to
a new image, scaled down and up, run with shared scores and with them switched off (MINIKCTL_NO_SHARED_SCORES=1),
leave stores equal table by table, row by row, and print the same lines with the same exit codes."""

from __future__ import annotations

from tests.conftest import Cli
from tests.unit.test_stamp_golden import dump


def _node(name: str, cpu: str = "4", extra: str = "") -> str:
    return f"""apiVersion: v1
kind: Node
metadata:
  name: {name}
{extra}status:
  capacity: {{cpu: "{cpu}", memory: 16Gi, pods: "12"}}
---
"""


NODES = (_node("node2") + _node("node3") + _node("node4", cpu="2")
         + _node("node5", extra="spec:\n  taints: [{key: soft, value: x, effect: PreferNoSchedule}]\n")
         + _node("node6", extra="  labels: {zone: a}\n"))

DEPLOYMENTS = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 30
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx:1.14.2
        resources: {requests: {cpu: 50m, memory: 64Mi}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: near
spec:
  replicas: 8
  selector:
    matchLabels: {app: near}
  template:
    metadata:
      labels: {app: near}
    spec:
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 10
            preference:
              matchExpressions: [{key: zone, operator: In, values: [a]}]
      containers:
      - name: c
        image: nginx
"""


def _session(cli: Cli, manifest, shared: bool) -> list:
    nodes, deployments = manifest(NODES, "nodes.yaml"), manifest(DEPLOYMENTS, "deployments.yaml")
    env = {} if shared else {"MINIKCTL_NO_SHARED_SCORES": "1"}
    seen = []
    for args in (["apply", "-f", nodes], ["apply", "-f", deployments], ["rollout", "status", "deployment/web"],
                 ["set", "image", "deployment/web", "c=nginx:1.16.1"], ["rollout", "status", "deployment/web"],
                 ["scale", "deployment/web", "--replicas=12"], ["scale", "deployment/near", "--replicas=20"],
                 ["clock", "advance", "40s"], ["scale", "deployment/web", "--replicas=45"],
                 ["clock", "advance", "40s"], ["get", "pods", "-o", "wide"], ["get", "events"]):
        done = cli(*args, env=env)
        seen.append((args, done.returncode, done.stdout, done.stderr))
    return seen + dump(cli.home / "store.db")


def test_shared_scores_bind_where_a_score_per_node_does(tmp_path, manifest):
    shared = _session(Cli(tmp_path / "shared"), manifest, True)
    general = _session(Cli(tmp_path / "general"), manifest, False)
    assert len(shared) == len(general)
    for a, b in zip(shared, general):
        assert a == b


def test_scores_are_shared(monkeypatch):
    """The comparison above is not empty: a hundred pods of one template spread over ten nodes alike are scored
    about once a node state (11 times), not once a pod bound (a new state of its node; 109 times)."""
    import minikctl.engine.controllers.scheduler as scheduler
    from minikctl.cluster import Cluster
    from minikctl.store.db import Store

    calls = []
    real = scheduler.score

    def counting(*args, **kw):
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(scheduler, "score", counting)

    def run(shared: bool, path) -> int:
        monkeypatch.setattr(scheduler, "SHARED_SCORES", shared)
        calls.clear()
        store = Store(str(path))
        try:
            with store.transaction() as tx:
                cluster = Cluster(tx)
                for i in range(2, 11):
                    cluster.api.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"node{i}"}})
                cluster.settle()
            with store.transaction() as tx:
                cluster = Cluster(tx)
                cluster.api.create({"apiVersion": "apps/v1", "kind": "Deployment",
                                    "metadata": {"name": "big", "namespace": "default"},
                                    "spec": {"replicas": 100, "selector": {"matchLabels": {"app": "big"}},
                                             "template": {"metadata": {"labels": {"app": "big"}},
                                                          "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
                cluster.settle()
                assert tx.count("Pod") == 100
        finally:
            store.close()
        return len(calls)

    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        shared, general = run(True, Path(d) / "a.db"), run(False, Path(d) / "b.db")
    assert general >= 100 and shared <= 20, (shared, general)

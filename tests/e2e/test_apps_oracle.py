"""What minikctl prints of the Deployments and ReplicaSets its controllers produce, byte for byte against the real
kubectl 1.32 reading the same objects (kubectl_oracle.py): describe, -o yaml|json|name|custom-columns, rollout
history|status|undo --dry-run, set ... --dry-run, scale --dry-run.

The world is the kubernetes.io Deployment tutorial (nginx-deployment: created, updated to nginx:1.16.1, broken with
nginx:1.161, undone) and the ReplicaSet page's frontend, lived 30.5 days before the wall clock so that every age
prints in whole days on both sides (see test_kubectl_oracle.py). The server-side table of a plain ``get`` can't be
compared this way: test_deployment_tutorial.py and the registry tests check those rows.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from kubectl_oracle import KUBECTL, kubectl_oracle, objects_from_store
from tests.conftest import Cli

AGE = dt.timedelta(days=30, hours=12)

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
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
  labels:
    app: guestbook
    tier: frontend
spec:
  replicas: 3
  selector:
    matchLabels:
      tier: frontend
  template:
    metadata:
      labels:
        tier: frontend
    spec:
      containers:
      - name: php-redis
        image: us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    kubernetes.io/change-cause: created by hand
spec:
  replicas: 2
  minReadySeconds: 5
  strategy:
    type: Recreate
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: busybox:1.36
        command: [sh, -c, sleep 3600000]
        env:
        - {name: MODE, value: prod}
"""


def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))


def _move_clock_to(cli: Cli, when: dt.datetime) -> None:
    seconds = int((when - _parse_time(cli.ok("clock", "show", tick="0"))).total_seconds())
    if seconds > 0:
        cli.ok("clock", "advance", f"{seconds}s", tick="0")


@dataclass
class World:
    cli: Cli
    kubectl: object

    def both(self, *args: str):
        with ThreadPoolExecutor(1) as pool:
            real = pool.submit(self.kubectl, *args, env={"TZ": "UTC"})
            ours = self.cli(*args, tick="0", env={"TZ": "UTC"})
            return real.result(), ours

    def same(self, *args: str, stdout_only: bool = False) -> None:
        real, ours = self.both(*args)
        if stdout_only:  # kubectl complains on stderr that the oracle serves no watch
            assert (ours.returncode, ours.stdout) == (real.returncode, real.stdout)
            return
        assert real.returncode == 0 or real.stderr, f"kubectl {args} failed silently"
        assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, real.stderr)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    root = tmp_path_factory.mktemp("apps-oracle")
    cli = Cli(root / "home")
    born = dt.datetime.now(dt.timezone.utc) - AGE
    if born < _parse_time(cli.ok("clock", "show", tick="0")):
        pytest.skip("the wall clock is too close to (or before) a new store's virtual epoch")
    _move_clock_to(cli, born)
    (root / "apps.yaml").write_text(DEPLOYMENT)
    cli.ok("apply", "-f", str(root / "apps.yaml"), tick="0")
    cli.ok("clock", "advance", "30s", tick="0")
    cli.ok("set", "image", "deployment/nginx-deployment", "nginx=nginx:1.16.1", tick="0")
    cli.ok("annotate", "deployment/web", "kubernetes.io/change-cause=set env MODE to test", "--overwrite", tick="0")
    cli.ok("set", "env", "deployment/web", "MODE=test", tick="0")
    cli.ok("clock", "advance", "1m", tick="0")
    cli.ok("set", "image", "deployment/nginx-deployment", "nginx=nginx:1.161", tick="0")
    cli.ok("clock", "advance", "1m", tick="0")
    cli.ok("rollout", "undo", "deployment/nginx-deployment", tick="0")
    cli.ok("clock", "advance", "1m", tick="0")
    _move_clock_to(cli, dt.datetime.now(dt.timezone.utc))
    with kubectl_oracle(root, objects=objects_from_store(root / "home" / "store.db")) as kubectl:
        yield World(cli, kubectl)


def first_pod(world: World, prefix: str) -> str:
    names = world.cli.ok("get", "pods", "-o", "name", tick="0").split()
    return next(n for n in names if n.startswith("pod/" + prefix))


@pytest.mark.parametrize("args", [
    ("deployment", "nginx-deployment"),
    ("deployment", "web"),
    ("deployments",),
    ("rs", "frontend"),
    ("rs",),
    ("replicasets", "-l", "app=nginx"),
], ids=" ".join)
def test_describe(world, args):
    world.same("describe", *args)


def test_describe_a_pod_of_a_deployment(world):
    """Controlled By: ReplicaSet/<name>. (The frontend's image is not in the catalog: minikctl's describe adds its
    Simulated: line there.)"""
    world.same("describe", first_pod(world, "nginx-deployment-8d94c585f"))


@pytest.mark.parametrize("args", [
    ("deployment", "nginx-deployment", "-o", "yaml"),
    ("deployment", "web", "-o", "json"),
    ("deployments", "-o", "yaml"),
    ("rs", "-o", "yaml"),
    ("rs", "-o", "json"),
    ("rs", "-o", "name"),
    ("deploy,rs", "-o", "name"),
    ("all", "-o", "name"),
    ("pods", "-l", "app=nginx", "-o", "yaml"),
    ("rs", "-o", "custom-columns=NAME:.metadata.name,REV:.metadata.annotations.deployment\\.kubernetes\\.io/revision,"
     "DESIRED:.spec.replicas,READY:.status.readyReplicas"),
    ("deploy", "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.conditions[*].reason}{\"\\n\"}{end}"),
    ("rs", "--sort-by=.metadata.annotations.deployment\\.kubernetes\\.io/revision", "-o", "name"),
], ids=" ".join)
def test_get(world, args):
    world.same("get", *args)


@pytest.mark.parametrize("args", [
    ("history", "deployment/nginx-deployment"),
    ("history", "deployment/nginx-deployment", "--revision=1"),
    ("history", "deployment/nginx-deployment", "--revision=3"),
    ("history", "deployment/nginx-deployment", "--revision=4"),
    ("history", "deployment/nginx-deployment", "--revision=2"),
    ("history", "deployment/web"),
    ("history", "deployments"),
    ("history", "deployment/nginx-deployment", "-o", "yaml"),
    ("history", "deployment/nginx-deployment", "--revision=4", "-o", "yaml"),
    ("history", "deployment/nginx-deployment", "-o", "name"),
    ("history", "rs/frontend"),
    ("history", "deployment/nope"),
    ("undo", "deployment/nginx-deployment", "--dry-run=client"),
    ("undo", "deployment/nginx-deployment", "--dry-run=client", "--to-revision=1"),
    ("undo", "deployment/nginx-deployment", "--dry-run=client", "--to-revision=9"),
    ("undo", "deployment/web", "--dry-run=client"),
    ("undo", "rs/frontend", "--dry-run=client"),
    ("status", "rs/frontend"),
], ids=" ".join)
def test_rollout(world, args):
    world.same("rollout", *args)


@pytest.mark.parametrize("args", [
    ("deployment/nginx-deployment",),
    ("deployment/web",),
    ("deployments",),
], ids=" ".join)
def test_rollout_status_without_watch(world, args):
    world.same("rollout", "status", *args, "--watch=false", stdout_only=True)


@pytest.mark.parametrize("args", [
    ("image", "deployment/nginx-deployment", "nginx=nginx:1.17", "--dry-run=client"),
    ("image", "deployment/nginx-deployment", "nginx=nginx:1.17", "--dry-run=client", "-o", "yaml"),
    ("image", "rs/frontend", "*=busybox", "--dry-run=client", "-o", "name"),
    ("image", "deployment/nginx-deployment", "nope=x", "--dry-run=client"),
    ("env", "deployment/web", "--list"),
    ("env", "deployment/web", "A=1", "MODE-", "--list"),
    ("env", "deployment/web", "-c", "nope", "A=1", "--list"),
    ("env", "rs/frontend", "A=1", "--dry-run=client", "-o", "yaml"),
    ("resources", "deployment/web", "--limits=cpu=200m,memory=512Mi", "--requests=cpu=0.1", "--dry-run=client",
     "-o", "yaml"),
    ("resources", "deployment/web", "--limits=cpu=200m", "-c", "nope", "--dry-run=client"),
], ids=" ".join)
def test_set_dry_runs(world, args):
    world.same("set", *args)


@pytest.mark.parametrize("args", [
    ("deployment/nginx-deployment", "--replicas=5", "--dry-run=client"),
    ("deployment/nginx-deployment", "--replicas=5", "--dry-run=client", "-o", "yaml"),
    ("rs", "--all", "--replicas=5", "--dry-run=client", "-o", "name"),
], ids=" ".join)
def test_scale_dry_runs(world, args):
    world.same("scale", *args)

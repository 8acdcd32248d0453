"""Services, Endpoints and EndpointSlices as the real kubectl 1.32 prints what minikctl's API server and controllers
made of them (kubectl_oracle.py): describe svc|endpoints|endpointslices and -o yaml|json|name, byte for byte.

The world: the kubernetes.io "Connecting Applications with Services" page's my-nginx Deployment and Service
(kubernetes.io/docs/tutorials/services/connect-applications-service/), a NodePort Service with two named ports, a
headless Service, a Service selecting nothing, one without a selector, and a pod whose readiness probe fails (it
stays under notReadyAddresses and its slice endpoint reads Ready: false: pkg/controller/endpoint syncService,
pkg/controller/endpointslice podToEndpoint). Lived 30.5 days before the wall clock, as test_apps_oracle.py does.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from kubectl_oracle import KUBECTL, kubectl_oracle, objects_from_store
from tests.conftest import Cli

AGE = dt.timedelta(days=30, hours=12)

WORLD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  selector:
    matchLabels:
      run: my-nginx
  replicas: 2
  template:
    metadata:
      labels:
        run: my-nginx
    spec:
      containers:
      - name: my-nginx
        image: nginx:1.27.4
        ports:
        - containerPort: 80
          name: web
---
apiVersion: v1
kind: Service
metadata:
  name: my-nginx
  labels:
    run: my-nginx
spec:
  ports:
  - port: 80
    protocol: TCP
  selector:
    run: my-nginx
---
apiVersion: v1
kind: Service
metadata:
  name: two-ports
spec:
  type: NodePort
  selector:
    run: my-nginx
  ports:
  - {name: http, port: 8080, targetPort: web}
  - {name: metrics, port: 9090, targetPort: 9090, nodePort: 30090}
---
apiVersion: v1
kind: Service
metadata:
  name: headless
spec:
  clusterIP: None
  selector:
    run: my-nginx
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: nobody
spec:
  selector:
    app: nothing-has-this
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: manual
spec:
  ports:
  - port: 5432
---
apiVersion: v1
kind: Pod
metadata:
  name: unready
  labels:
    run: my-nginx
spec:
  containers:
  - name: nginx
    image: nginx:1.27.4
    readinessProbe:
      tcpSocket: {port: 81}
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

    def same(self, *args: str) -> None:
        with ThreadPoolExecutor(1) as pool:
            real = pool.submit(self.kubectl, *args, env={"TZ": "UTC"})
            ours = self.cli(*args, tick="0", env={"TZ": "UTC"})
            real = real.result()
        assert real.returncode == 0 or real.stderr, f"kubectl {args} failed silently"
        # usage hints name the program ("See 'kubectl create service clusterip -h'")
        want = real.stderr.replace("See 'kubectl ", "See 'minikctl ")
        assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, want)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    root = tmp_path_factory.mktemp("network-oracle")
    cli = Cli(root / "home")
    born = dt.datetime.now(dt.timezone.utc) - AGE
    if born < _parse_time(cli.ok("clock", "show", tick="0")):
        pytest.skip("the wall clock is too close to (or before) a new store's virtual epoch")
    _move_clock_to(cli, born)
    (root / "world.yaml").write_text(WORLD)
    cli.ok("apply", "-f", str(root / "world.yaml"), tick="0")
    cli.ok("clock", "advance", "1m", tick="0")
    _move_clock_to(cli, dt.datetime.now(dt.timezone.utc))
    with kubectl_oracle(root, objects=objects_from_store(root / "home" / "store.db")) as kubectl:
        yield World(cli, kubectl)


@pytest.mark.parametrize("args", [
    ("svc", "my-nginx"),
    ("svc", "two-ports"),
    ("svc", "headless"),
    ("svc", "nobody"),
    ("svc", "manual"),
    ("svc", "kubernetes"),
    ("services",),
    ("endpoints", "my-nginx"),
    ("ep", "two-ports"),
    ("ep", "nobody"),
    ("ep", "kubernetes"),
    ("endpointslices", "-l", "kubernetes.io/service-name=my-nginx"),
    ("endpointslices", "-l", "kubernetes.io/service-name=nobody"),
    ("endpointslices", "kubernetes"),
], ids=" ".join)
def test_describe(world, args):
    world.same("describe", *args)


@pytest.mark.parametrize("args", [
    ("svc", "-o", "yaml"),
    ("svc", "two-ports", "-o", "json"),
    ("endpoints", "-o", "yaml"),
    ("endpointslices", "-o", "yaml"),
    ("svc,ep,endpointslices", "-o", "name"),
    ("all", "-o", "name"),
    ("svc", "-o", "jsonpath={range .items[*]}{.metadata.name} {.spec.clusterIP}{\"\\n\"}{end}"),
], ids=" ".join)
def test_get(world, args):
    world.same("get", *args)


def test_the_unready_pod_is_out_of_the_endpoints(world):
    # its readiness probe on port 81 fails (nothing listens there): notReadyAddresses, Ready: false
    ip = world.cli.ok("get", "pod", "unready", "-o", "jsonpath={.status.podIP}", tick="0")
    ep = world.cli.ok("get", "ep", "my-nginx", "-o", "jsonpath={.subsets[0].notReadyAddresses[*].ip}", tick="0")
    assert ep == ip
    ready = world.cli.ok("get", "ep", "my-nginx", "-o", "jsonpath={.subsets[0].addresses[*].ip}", tick="0").split()
    assert len(ready) == 2 and ip not in ready


@pytest.mark.parametrize("args", [
    ("deployment", "my-nginx", "--dry-run=client", "-o", "yaml"),
    ("deployment/my-nginx", "--port=8080", "--target-port=web", "--name=web", "--type=NodePort",
     "--dry-run=client", "-o", "json"),
    ("pod", "unready", "--port=444", "--name=frontend", "--dry-run=client", "-o", "yaml"),
    ("svc", "my-nginx", "--port=443", "--target-port=8443", "--name=nginx-https", "--dry-run=client", "-o", "yaml"),
    ("svc", "my-nginx", "--cluster-ip=None", "--protocol=UDP", "--labels=a=b", "--dry-run=client", "-o", "yaml"),
    ("deployment", "my-nginx", "--selector=run=other,tier=web", "--dry-run=client"),
    ("deployment", "my-nginx", "--session-affinity=ClientIP", "--external-ip=1.2.3.4", "--dry-run=client",
     "-o", "yaml"),
    ("pod", "unready", "--dry-run=client"),  # no container port: no port to copy
    ("svc", "manual", "--dry-run=client"),  # no selector
    ("cm", "kube-root-ca.crt", "--dry-run=client"),
    ("deployment", "my-nginx", "--selector=a in (b)", "--dry-run=client"),
    ("deployment", "my-nginx", "--session-affinity=Sticky", "--dry-run=client"),
    ("deployment", "nope", "--dry-run=client"),
    ("deployment", "--dry-run=client"),
], ids=" ".join)
def test_expose_client_side(world, args):
    # kubectl reads the object from the server and builds the Service itself (expose.go createService)
    world.same("expose", *args)


@pytest.mark.parametrize("args", [
    ("clusterip", "my-cs", "--tcp=5678:8080", "--dry-run=client", "-o", "yaml"),
    ("clusterip", "my-cs", "--clusterip=None", "--dry-run=client", "-o", "json"),
    ("clusterip", "x", "--tcp", "80:8080,443", "--dry-run=client", "-o", "json"),
    ("nodeport", "my-ns", "--tcp=5678:8080", "--node-port=30080", "--dry-run=client", "-o", "yaml"),
    ("loadbalancer", "my-lbs", "--tcp=5678:8080", "--dry-run=client", "-o", "yaml"),
    ("externalname", "my-ns", "--external-name", "bar.com", "--dry-run=client", "-o", "yaml"),
    ("clusterip", "x", "--dry-run=client"),
    ("clusterip", "x", "--tcp=abc", "--dry-run=client"),
    ("clusterip", "x", "--tcp=80:0", "--dry-run=client"),
    ("clusterip", "x", "--tcp=80:Bad_Name", "--dry-run=client"),
    ("externalname", "x", "--external-name", "a_b", "--dry-run=client"),
    ("clusterip", "--tcp=80", "--dry-run=client"),
], ids=" ".join)
def test_create_service_client_side(world, args):
    # create_service.go: the generator's object and Validate's refusals
    world.same("create", "service", *args)

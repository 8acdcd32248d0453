"""The objects the StatefulSet and DaemonSet controllers make, printed by the real kubectl 1.32 and by minikctl.

One store for the module: the StatefulSet of the kubernetes.io "StatefulSet Basics" tutorial (``web``, nginx-slim,
a ``www`` volume claim template), rolled to a second template with a partition so that it has two revisions and
pods of both; the DaemonSet of the DaemonSet concept page (``fluentd-elasticsearch`` in kube-system) on two nodes,
updated once. Everything is made by the controllers (pkg/controller/statefulset, pkg/controller/daemon), read back
from the store's SQLite file and served to kubectl by the oracle (kubectl_oracle.py). Each comparison runs
``kubectl ARGS`` and ``minikctl ARGS`` and wants the same exit code, stdout and stderr.

Ages: as in test_kubectl_oracle.py, the store's virtual clock is moved to 30.5 days before the wall clock, the
objects are made there, then the clock is moved to the wall clock (MINIKCTL_TICK=0 afterwards): every age prints
in whole days on both sides.
"""

from __future__ import annotations

import datetime as dt
import difflib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from kubectl_oracle import KUBECTL, kubectl_oracle, objects_from_store
from tests.conftest import Cli

AGE = dt.timedelta(days=30, hours=12)

WEB = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: "nginx"
  replicas: 3
  minReadySeconds: 5
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      storageClassName: "my-storage-class"
      resources:
        requests:
          storage: 1Gi
"""

FLUENTD = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
"""

NODE2 = """\
apiVersion: v1
kind: Node
metadata:
  name: node2
  labels: {disktype: ssd}
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

    def same(self, *args: str, simulated: tuple[str, ...] = ()) -> None:
        """Same exit code, stdout and stderr; ``simulated``: minikctl adds exactly these ``Simulated:`` lines (its
        own, under a pod's containers), everything else equal."""
        with ThreadPoolExecutor(1) as pool:
            real = pool.submit(self.kubectl, *args, env={"TZ": "UTC"})
            ours = self.cli(*args, tick="0", env={"TZ": "UTC"})
            real = real.result()
        assert real.returncode == 0 or real.stderr, f"kubectl {args} failed silently"
        lines = ours.stdout.splitlines(True)
        notes = [ln.strip() for ln in lines if ln.startswith("    Simulated:")]
        assert notes == list(simulated)
        out = "".join(ln for ln in lines if not ln.startswith("    Simulated:"))
        diff = "".join(difflib.unified_diff(real.stdout.splitlines(True), out.splitlines(True), "kubectl", "minikctl"))
        assert (ours.returncode, out, ours.stderr) == (real.returncode, real.stdout, real.stderr), diff


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    root = tmp_path_factory.mktemp("stsds-oracle")
    cli = Cli(root / "home")
    born = dt.datetime.now(dt.timezone.utc) - AGE
    if born < _parse_time(cli.ok("clock", "show", tick="0")):
        pytest.skip("the wall clock is too close to (or before) a new store's virtual epoch")
    _move_clock_to(cli, born)
    for name, text in (("web.yaml", WEB), ("fluentd.yaml", FLUENTD), ("node2.yaml", NODE2)):
        (root / name).write_text(text)
    cli.ok("apply", "-f", str(root / "node2.yaml"), tick="0")
    cli.ok("apply", "-f", str(root / "web.yaml"), tick="0")
    cli.ok("apply", "-f", str(root / "fluentd.yaml"), tick="0")
    cli.ok("clock", "advance", "1m", tick="0")
    # a second template for both: the set rolls out above partition 1 (web-2, web-1), the DaemonSet on every node
    cli.ok("patch", "statefulset", "web", "-p",
           '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}},"template":{"spec":{"containers":'
           '[{"name":"nginx","image":"registry.k8s.io/nginx-slim:0.27"}]}}}}', tick="0")
    cli.ok("patch", "daemonset", "fluentd-elasticsearch", "-n", "kube-system", "--type=json", "-p",
           '[{"op":"replace","path":"/spec/template/spec/containers/0/image",'
           '"value":"quay.io/fluentd_elasticsearch/fluentd:v2.6.0"}]', tick="0")
    cli.ok("clock", "advance", "5m", tick="0")
    _move_clock_to(cli, dt.datetime.now(dt.timezone.utc))
    images = cli.ok("get", "pods", "-A", "-o", "custom-columns=N:.metadata.name,I:.spec.containers[0].image",
                    "--no-headers", "--sort-by=.metadata.name", tick="0")
    images = dict(line.split() for line in images.splitlines())
    assert [images[f"web-{i}"].rsplit(":", 1)[1] for i in range(3)] == ["0.24", "0.27", "0.27"], images
    assert sorted(images.values()).count("quay.io/fluentd_elasticsearch/fluentd:v2.6.0") == 2, images
    with kubectl_oracle(root, objects=objects_from_store(root / "home" / "store.db")) as kubectl:
        yield World(cli, kubectl)


# describe: StatefulSetDescriber, DaemonSetDescriber, the generic describer for ControllerRevisions, and the pods
@pytest.mark.parametrize("args", [
    ("statefulset", "web"),
    ("sts",),
    ("daemonset", "fluentd-elasticsearch", "-n", "kube-system"),
    ("ds", "-A"),
    ("controllerrevisions",),
    ("controllerrevisions", "-n", "kube-system"),
], ids=" ".join)
def test_describe(world, args):
    world.same("describe", *args)


CLAIM_NOTE = ("Simulated:  volume www (PersistentVolumeClaim www-web-{}, not served by minikctl) is an empty volume "
              "that lives with the pod")
FLUENTD_NOTE = ("Simulated:  image 'quay.io/fluentd_elasticsearch/fluentd:v2.6.0' is not in the catalog and no command "
                "is given: assumed to be a long-running server with no listeners")


@pytest.mark.parametrize("args, notes", [
    (("pod", "web-0"), (CLAIM_NOTE.format(0),)),
    (("pod", "web-2"), (CLAIM_NOTE.format(2),)),
    (("pods", "-n", "kube-system", "-l", "name=fluentd-elasticsearch"), (FLUENTD_NOTE, FLUENTD_NOTE)),
], ids=lambda v: " ".join(v) if isinstance(v[0], str) and not v[0].startswith("Simulated") else "")
def test_describe_pods(world, args, notes):
    """A controller's pods as kubectl describes them; minikctl adds its Simulated: lines (the claim volume a
    StatefulSet pod mounts, an image the catalog does not know) and nothing else."""
    world.same("describe", *args, simulated=notes)


@pytest.mark.parametrize("args", [
    ("statefulset", "web", "-o", "yaml"),
    ("statefulset", "web", "-o", "json"),
    ("daemonset", "-n", "kube-system", "-o", "yaml"),
    ("controllerrevisions", "-A", "-o", "yaml"),
    ("controllerrevisions", "-A", "-o", "name"),
    ("pods", "-o", "yaml"),
    ("pods", "-n", "kube-system", "-o", "json"),
    ("statefulsets,daemonsets,controllerrevisions", "-A", "-o", "name"),
    ("sts", "web", "-o", "jsonpath={.status.currentRevision} {.status.updateRevision} {.status.updatedReplicas}"),
    ("pods", "-o", r"jsonpath={range .items[*]}{.metadata.name} {.metadata.labels.controller-revision-hash}{'\n'}{end}"),
    ("pods", "-A", "-o", "custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,HOST:.spec.hostname,"
                         "SUB:.spec.subdomain,INDEX:.metadata.labels.apps\\.kubernetes\\.io/pod-index"),
    ("controllerrevisions", "-A", "-o", "custom-columns=NAME:.metadata.name,REV:.revision,"
                                        "OWNER:.metadata.ownerReferences[0].name"),
    ("ds", "-A", "-o", "jsonpath={.items[0].status}"),
], ids=" ".join)
def test_get_printed_by_kubectl(world, args):
    world.same("get", *args)

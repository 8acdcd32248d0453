"""minikctl's output byte for byte against the real kubectl reading the same objects (kubectl_oracle.py).

One store per module: a few pods applied with minikctl, their objects and events loaded from the store's SQLite
file and served to kubectl by the oracle. Each comparison runs `kubectl ARGS` and `minikctl ARGS` and wants the
same exit code, stdout and stderr.

Ages. `describe` and the events tables print ages relative to "now": kubectl's now is the wall clock, minikctl's
is the store's virtual clock. The fixture moves the virtual clock (on the empty store, which costs nothing) to
30.5 days before the wall clock, creates the pods there, lets them start, then moves it to the wall clock, with
MINIKCTL_TICK=0 from then on. Every age printed is then ~30d12h (or, for the store's own namespaces and node,
more), which kubectl and minikctl both print in whole days ("30d"): the minutes the tests take cannot change
them, and nothing in the outputs is normalised. Absolute times are printed in UTC by minikctl, so kubectl runs
with TZ=UTC. Outputs whose ages would be in seconds are not compared here.

What can't be compared this way: the plain `get` table (and -o wide), which a real server prints server-side
(the oracle answers without a Table, see its docstring); with it, what --sort-by does with a real server's
Tables (minikctl/cli/get.py ``_sorted``). Differences known today are marked xfail(strict=True) with the
difference as the reason, so a fix in minikctl turns them into failures to clean up (there are none now; the
`ev` warning is a deliberate difference, see test_short_name_ev_warns_only_where_events_k8s_io_is_served).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from kubectl_oracle import (KUBECTL, DISCOVERY, kubectl_oracle, label_matches, objects_from_store,
                            parse_field_selector, parse_label_selector)
from tests.conftest import Cli

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")

PODS = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web, tier: fe}
  annotations: {team: blue}
spec:
  containers:
  - name: nginx
    image: nginx:1.14.2
    ports: [{containerPort: 80}]
    env: [{name: GREETING, value: hello}]
    resources:
      requests: {cpu: 100m, memory: 64Mi}
      limits: {cpu: 200m, memory: 128Mi}
---
apiVersion: v1
kind: Pod
metadata:
  name: envpod
  labels: {app: env}
spec:
  containers:
  - name: main
    image: busybox
    command: [sh, -c, sleep 3600000]
    env:
    - name: MY_POD
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: MY_NODE
      valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
---
apiVersion: v1
kind: Pod
metadata:
  name: done
  labels: {app: batch}
spec:
  restartPolicy: Never
  containers:
  - {name: once, image: busybox, command: [sh, -c, echo hi]}
---
apiVersion: v1
kind: Pod
metadata:
  name: init
  labels: {app: web, tier: be}
spec:
  initContainers:
  - {name: setup, image: busybox, command: [sh, -c, echo ready]}
  containers:
  - {name: app, image: redis}
---
apiVersion: v1
kind: Pod
metadata:
  name: db
  namespace: other
  labels: {app: db}
spec:
  containers:
  - {name: redis, image: "redis:7"}
---
apiVersion: v1
kind: Pod
metadata:
  name: sized
  namespace: other
spec:
  initContainers:
  - {name: setup, image: busybox, command: [sh, -c, echo ready], resources: {requests: {cpu: "1"}, limits: {memory: 1Gi}}}
  - name: sidecar
    image: busybox
    restartPolicy: Always
    command: [sh, -c, sleep 3600000]
    resources: {requests: {cpu: 300m, memory: 10Mi}}
  containers:
  - name: app
    image: busybox
    command: [sh, -c, sleep 3600000]
    resources: {requests: {cpu: 250m, memory: 100M}, limits: {cpu: "2", memory: 2Gi}}
"""

# node1 as people fake a bigger or special node: extended resources, huge pages, taints (after the pods started)
NODE_STATUS = '{"status":{"allocatable":{"cpu":"3800m","memory":"15Gi","example.com/gpu":"2","hugepages-2Mi":"512Mi"}}}'
NODE_TAINTS = ('{"spec":{"taints":[{"key":"b","value":"x","effect":"NoSchedule"},{"key":"a","effect":"PreferNoSchedule"},'
               '{"key":"a","effect":"NoSchedule"}]}}')

AGE = dt.timedelta(days=30, hours=12)


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
        """kubectl's and minikctl's runs of the same command line (side by side: each takes ~0.1 s)."""
        with ThreadPoolExecutor(1) as pool:
            real = pool.submit(self.kubectl, *args, env={"TZ": "UTC"})
            ours = self.cli(*args, tick="0", env={"TZ": "UTC"})
            return real.result(), ours

    def same(self, *args: str) -> None:
        real, ours = self.both(*args)
        assert real.returncode == 0 or real.stderr, f"kubectl {args} failed silently"
        assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, real.stderr)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    root = tmp_path_factory.mktemp("oracle")
    cli = Cli(root / "home")
    born = dt.datetime.now(dt.timezone.utc) - AGE
    # the store keeps its events (a real API server drops them an hour after their last write, --event-ttl): the
    # comparisons print month-old events
    if born < _parse_time(cli.ok("clock", "show", tick="0", env={"MINIKCTL_EVENT_TTL": "0"})):
        pytest.skip("the wall clock is too close to (or before) a new store's virtual epoch")
    _move_clock_to(cli, born)
    cli.ok("create", "namespace", "other", tick="0")
    (root / "pods.yaml").write_text(PODS)
    cli.ok("apply", "-f", str(root / "pods.yaml"), tick="0")
    cli.ok("clock", "advance", "1m", tick="0")  # scheduled, pulled, started; `done` has completed
    cli.ok("patch", "node", "node1", "--subresource=status", "-p", NODE_STATUS, tick="0")
    cli.ok("patch", "node", "node1", "-p", NODE_TAINTS, tick="0")
    _move_clock_to(cli, dt.datetime.now(dt.timezone.utc))
    phases = cli.ok("get", "pods", "-A", "-o", "custom-columns=P:.status.phase", "--no-headers", tick="0").split()
    assert sorted(phases) == ["Running"] * 5 + ["Succeeded"], phases
    with kubectl_oracle(root, objects=served_objects(cli, root / "home" / "store.db")) as kubectl:
        yield World(cli, kubectl)


def served_objects(cli: Cli, db) -> list[dict]:
    """The store's objects, node leases as the server answers them: a lease's renewals are computed on read
    (api/registry/lease.py), so the stored renewTime is the kubelet's first one."""
    objects = [o for o in objects_from_store(db) if o.get("kind") != "Lease"]
    return objects + json.loads(cli.ok("get", "leases", "-A", "-o", "json", tick="0"))["items"]


def xfail(*args: str, reason: str, strict: bool = True):
    return pytest.param(args, marks=pytest.mark.xfail(strict=strict, reason=reason))


# ---------------------------------------------------------------------------------------------------------------
# describe


@pytest.mark.parametrize("args", [
    ("pod", "web"),
    ("pod", "envpod"),
    ("pod", "done"),
    ("pod", "init"),
    ("pod", "db", "-n", "other"),
    ("pod", "web", "done"),
    ("pods", "-l", "app=web"),
    ("pods", "-A"),
    ("pod", "nope"),
    ("node", "node1"),
    ("nodes",),
    ("node", "node1", "--show-events=false"),
    ("pod", "web", "--show-events=false"),
    ("namespace", "default"),
    ("namespace", "other"),
    ("ns",),
    ("events", "-n", "other"),  # kubectl's generic describer
], ids=" ".join)
def test_describe(world, args):
    world.same("describe", *args)


# ---------------------------------------------------------------------------------------------------------------
# get with kubectl's client-side printers


@pytest.mark.parametrize("args", [
    ("pod", "web", "-o", "yaml"),
    ("pod", "envpod", "-o", "json"),
    ("pod", "done", "-o", "yaml"),
    ("pod", "db", "-n", "other", "-o", "json"),
    ("pods", "-o", "yaml"),
    ("pods", "-A", "-o", "yaml"),
    ("pods", "-A", "-o", "json"),
    ("pods", "-o", "name"),
    ("pods", "-A", "-o", "name"),
    ("pod", "web", "init", "-o", "name"),
    ("pods,nodes", "-o", "name"),
    ("pod/web", "ns/default", "node/node1", "-o", "name"),
    ("pods", "-o", "jsonpath={.items[*].metadata.name}"),
    ("pods", "-A", "-o", r"jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{'\t'}{.status.phase}{'\n'}{end}"),
    ("pod", "web", "-o", "jsonpath={.spec.containers[0].resources}"),
    ("pods", "-A", "-o", "jsonpath-as-json={.items[*].metadata.name}"),
    ("pods", "-A", "-o", "custom-columns=NAME:.metadata.name,NS:.metadata.namespace,IMAGES:.spec.containers[*].image,"
                         "NODE:.spec.nodeName,PHASE:.status.phase"),
    ("pod", "web", "-o", "custom-columns=NAME:.metadata.name,RESTARTS:.status.containerStatuses[*].restartCount",
     "--no-headers"),
    ("pods", "-o", 'go-template={{range .items}}{{.metadata.name}} {{.status.podIP}}{{"\\n"}}{{end}}'),
    ("pod", "web", "-o", "go-template={{.metadata.name}}:{{range .spec.containers}}{{.image}}{{end}}"),
    ("node", "node1", "-o", "yaml"),
    ("nodes", "-o", "json"),
    ("nodes", "-o", "name"),
    ("nodes", "-o", "custom-columns=NAME:.metadata.name,CPU:.status.capacity.cpu,MEM:.status.allocatable.memory"),
    ("node", "node1", "-o", "jsonpath={.status.addresses}"),
    ("namespaces", "-o", "yaml"),
    ("ns", "default", "-o", "json"),
    ("ns", "-o", "name"),
    ("ns", "-o", "jsonpath={.items[*].metadata.labels}"),
    ("events", "-A", "-o", "yaml"),
    ("events", "-n", "other", "-o", "json"),
    ("events", "-o", "name"),
    ("events", "-A", "--field-selector=involvedObject.name=web", "-o", "custom-columns=R:.reason,M:.message"),
], ids=" ".join)
def test_get_printed_by_kubectl(world, args):
    world.same("get", *args)


def test_short_name_ev_warns_only_where_events_k8s_io_is_served(world, tmp_path):
    """A 1.32 server serves events from core v1 and from events.k8s.io/v1, and kubectl then warns on the short name
    (`Warning: short name "ev" could also match lower priority resource events.events.k8s.io`). minikctl serves
    core events only (api-resources lists no events.k8s.io), so it does not warn, as kubectl does not against a
    server that serves what minikctl serves. Against the full 1.32 discovery the difference is that line alone."""
    objects = served_objects(world.cli, world.cli.home / "store.db")
    with kubectl_oracle(tmp_path, objects=objects, without_groups=("events.k8s.io",)) as kubectl:
        like_ours = kubectl("get", "ev", "-A", "-o", "name")
    full, ours = world.both("get", "ev", "-A", "-o", "name")
    assert (ours.returncode, ours.stdout, ours.stderr) == (like_ours.returncode, like_ours.stdout, like_ours.stderr)
    assert ours.stderr == "" and "events.k8s.io" not in world.cli.ok("api-resources", tick="0")
    assert (full.stdout, full.stderr) == (ours.stdout, 'Warning: short name "ev" could also match lower priority '
                                                       'resource events.events.k8s.io\n')


@pytest.mark.parametrize("args", [
    ("pods", "-A", "--sort-by=.metadata.name", "-o", "name"),
    ("pods", "-A", "--sort-by=.metadata.name", "-o", "yaml"),
    ("pods", "-A", "--sort-by=.metadata.name", "-o", "jsonpath={.items[*].metadata.name}"),
    ("pods", "-A", "--sort-by=.metadata.namespace", "-o", "name"),
    ("pods", "-A", "--sort-by=.status.podIP", "-o", "custom-columns=NAME:.metadata.name,IP:.status.podIP"),
    ("pods", "-A", "--sort-by=.metadata.creationTimestamp", "-o", "name"),
    ("pods", "-A", "--sort-by=.status.startTime", "-o", "name"),
    ("pods", "--sort-by={.spec.containers[0].image}", "-o", "custom-columns=N:.metadata.name,I:.spec.containers[0].image"),
    ("pods", "-A", "--sort-by=.status.phase", "-o", "custom-columns=N:.metadata.name,P:.status.phase"),
    ("pods", "-A", "--sort-by=.status.containerStatuses[0].restartCount", "-o", "name"),
    ("ns", "--sort-by=.metadata.name", "-o", "custom-columns=NAME:.metadata.name,PHASE:.status.phase"),
    ("pods", "-A", "--sort-by=.metadata.uid", "-o", "custom-columns=N:.metadata.name,U:.metadata.uid"),
    ("pods", "-A", "--sort-by=.metadata.labels.tier", "-o", "name"),  # missing < missing: db, envpod, done
    ("pods", "-A", "--sort-by=.spec.containers[0].resources.requests.cpu", "-o", "name"),
    ("events", "-A", "--sort-by=.lastTimestamp", "-o", "name"),  # ties among more than 12: Go's pdqsort
    ("events", "-A", "--sort-by=.reason", "-o", "custom-columns=R:.reason,N:.metadata.name"),
    ("pods", "--sort-by=.foo", "-o", "name"),
    ("pods", "web", "--sort-by=.foo", "-o", "name"),  # one object implied: printed unsorted
    ("pods", "web", "nope", "--sort-by=.foo", "-o", "name"),
    ("pods", "-A", "--sort-by=.status.containerStatuses[3].restartCount", "-o", "name"),
    ("pods", "-A", "--sort-by={.a}{.b}", "-o", "name"),
    ("pods", "-A", "--sort-by=.spec.containers[0].ports[0].containerPort", "-o", "name"),
    ("pods", "-A", "--sort-by=.metadata.labels.app", "-o", "jsonpath={.items[*].metadata.name}"),
    ("ns", "--sort-by=.status.phase", "-o", "name"),
], ids=" ".join)
def test_sort_by(world, args):
    world.same("get", *args)


@pytest.mark.parametrize("args", [
    ("pods", "-A", "-l", "app=web", "-o", "name"),
    ("pods", "-A", "-l", "app in (web,db)", "-o", "name"),
    ("pods", "-A", "-l", "app notin (web),tier", "-o", "name"),
    ("pods", "-A", "-l", "!tier", "-o", "name"),
    ("pods", "-A", "-l", "app!=web", "-o", "name"),
    ("pods", "-A", "--field-selector=status.phase=Running", "-o", "name"),
    ("pods", "-A", "--field-selector=status.phase!=Running,metadata.namespace==default", "-o", "name"),
    ("pods", "--field-selector=spec.nodeName=node1", "-o", "name"),
    ("pods", "--field-selector=foo=bar"),
    ("pod", "nope"),
    ("pods", "nope", "web", "-o", "yaml"),
    # printGeneric: one object implied and missing prints only the error; several missing print an empty List
    ("pod", "nope", "-o", "yaml"),
    ("pod/nope", "-o", "json"),
    ("pods", "nope", "-o", "jsonpath={.items}"),
    ("pods", "nope", "-o", "go-template={{.kind}}"),
    ("pods", "nope", "-o", "custom-columns=N:.metadata.name"),
    ("pods", "nope", "nada", "-o", "json"),
    ("pods", "nope", "nada", "-o", "name"),
    ("pods", "nope", "nada", "-o", "custom-columns=N:.metadata.name,NS:.metadata.namespace"),
    ("pods", "nope", "nada", "-o", "go-template={{.kind}}"),
    ("pods", "nope", "--ignore-not-found", "-o", "json"),
    ("pods", "nope", "nada", "--ignore-not-found", "-o", "yaml"),
    ("pods", "-n", "nothing-here", "-o", "custom-columns=N:.metadata.name"),
    ("pods,nodes", "nope", "-o", "yaml"),  # normalizeMultipleResourcesArgs: pods/nope nodes/nope
    ("pods,nodes", "web", "node1", "-o", "name"),
], ids=" ".join)
def test_selectors_and_errors(world, args):
    world.same("get", *args)


_KLOG_HEADER = re.compile(r"^F\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ ", re.M)


@pytest.mark.parametrize("args", [
    ("pods", "-A", "--sort-by=.spec.enableServiceLinks", "-o", "name"),  # bool
    ("pods", "-A", "--sort-by=.spec.containers", "-o", "name"),  # list
    ("pods", "-A", "--sort-by=.spec", "-o", "yaml"),  # map
], ids=" ".join)
def test_sort_by_unsortable(world, args):
    """isLess refuses booleans, lists and maps: kubectl exits through klog.Exitf (sorter.go:329). The klog header's
    time and pid are the process's own (minikctl prints its virtual clock), the rest is compared as it is."""
    real, ours = world.both("get", *args)
    assert real.stderr.startswith("F") and "unsortable type" in real.stderr
    assert (ours.returncode, ours.stdout, _KLOG_HEADER.sub("F ", ours.stderr)) == \
        (real.returncode, real.stdout, _KLOG_HEADER.sub("F ", real.stderr))


def _keyed_pods(keys: list) -> list[dict]:
    """Pods p0000, p0001, ... (the server lists them in that order) with label k when the key is not None."""
    pods = []
    for i, k in enumerate(keys):
        meta = {"name": f"p{i:04d}", "namespace": "default"}
        if k is not None:
            meta["labels"] = {"k": k}
        pods.append({"apiVersion": "v1", "kind": "Pod", "metadata": meta})
    return pods


@needs_kubectl
def test_sort_by_like_kubectl_at_scale(tmp_path):
    """Go's sort.Sort (pdqsort, minikctl/printers/gosort.py) against the real kubectl 1.32: sorted, reversed and
    organ-pipe inputs, many duplicates, missing values, byte-wise strings, sizes past the insertion sort (12), the
    ninther (50) and the pattern breaking with its xorshift (unbalanced partitions of many equal keys)."""
    from minikctl.printers.sorting import sort_objects

    rng = random.Random(20250101)
    cases = {
        "random": [str(rng.randrange(1000)) for _ in range(150)],
        "few": [rng.choice("abc") for _ in range(257)],
        "sawtooth": [str(i % 7) for i in range(100)],
        "missing": [rng.choice([None, "x", "y"]) for _ in range(64)],
        "sorted": sorted(str(rng.randrange(10 ** 6)) for _ in range(60)),
        "reversed": sorted((f"v{rng.randrange(999):03d}" for _ in range(55)), reverse=True),
        "pipe": [f"{i:03d}" for i in list(range(40)) + list(range(40, 0, -1))],
        "thirteen": ["0", "0", "1", "1", "0", "0", "1", "1", "0", "0", "1", "1", "1"],
        "bytes": [rng.choice(["a10", "a9", "A", "é", "z", "a-1"]) for _ in range(30)],
    }
    for name, keys in cases.items():
        pods = _keyed_pods(keys)
        with kubectl_oracle(tmp_path, objects=pods) as kubectl:
            done = kubectl("get", "pods", "--sort-by=.metadata.labels.k", "-o", "name")
        assert done.returncode == 0, done.stderr
        ours = [f"pod/{p['metadata']['name']}" for p in sort_objects(pods, ".metadata.labels.k")]
        assert ours == done.stdout.split(), name


@needs_kubectl
def test_describe_sorts_events_like_kubectl(world, tmp_path):
    """DescribeEvents' sort.Sort(SortableEvents): 20 events about one pod with three distinct lastTimestamps,
    listed by the server in name order; kubectl's order of the ties is Go's pdqsort's."""
    from minikctl.printers.describe import describe_pod

    pod = json.loads(world.cli.ok("get", "pod", "web", "-o", "json", tick="0"))
    meta = pod["metadata"]
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    stamps = [(now - dt.timedelta(days=d)).strftime("%Y-%m-%dT%H:%M:%SZ") for d in (40, 35, 31)]
    events = []
    for i in range(20):
        t = stamps[(i * 7) % 3]
        events.append({"apiVersion": "v1", "kind": "Event",
                       "metadata": {"name": f"web.{i:016x}", "namespace": "default", "uid": f"ev-{i}",
                                    "resourceVersion": "1", "creationTimestamp": t},
                       "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": "web", "namespace": "default",
                                          "uid": meta["uid"]},
                       "reason": f"Reason{i:02d}", "message": f"message {i}", "type": "Normal",
                       "source": {"component": "test"}, "count": 1, "firstTimestamp": t, "lastTimestamp": t})
    with kubectl_oracle(tmp_path, objects=[pod], events=events) as kubectl:
        real = kubectl("describe", "pod", "web", env={"TZ": "UTC"})
    assert real.returncode == 0, real.stderr
    ours = describe_pod(pod, events, int(dt.datetime.now(dt.timezone.utc).timestamp() * 1000))
    assert ours[ours.index("Events:"):] == real.stdout[real.stdout.index("Events:"):]
    stable = sorted(events, key=lambda e: e["lastTimestamp"])
    assert [ln.split()[1] for ln in real.stdout.split("Events:")[1].splitlines()[3:]] != \
        [e["reason"] for e in stable]  # the ties did move: a stable sort would not print this


# ---------------------------------------------------------------------------------------------------------------
# the oracle itself


@needs_kubectl
def test_discovery_is_enough_for_kubectl(tmp_path):
    """kubectl asks for aggregated discovery first, takes the legacy answer and reads every group version."""
    with kubectl_oracle(tmp_path) as kubectl:
        done = kubectl("api-resources")
        asked = [r["path"] for r in kubectl.requests]
    assert (done.returncode, done.stderr) == (0, "")
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines()[1:]}
    assert rows["pods"] == ["pods", "po", "v1", "true", "Pod"]
    assert rows["deployments"] == ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    assert rows["cronjobs"] == ["cronjobs", "cj", "batch/v1", "true", "CronJob"]
    assert rows["jobs"] == ["jobs", "batch/v1", "true", "Job"]
    assert rows["leases"] == ["leases", "coordination.k8s.io/v1", "true", "Lease"]
    assert rows["endpointslices"] == ["endpointslices", "discovery.k8s.io/v1", "true", "EndpointSlice"]
    assert ["events", "ev", "events.k8s.io/v1", "true", "Event"] in [line.split() for line in done.stdout.splitlines()]
    assert {"/api", "/apis", "/api/v1", "/apis/apps/v1", "/apis/batch/v1", "/apis/coordination.k8s.io/v1",
            "/apis/events.k8s.io/v1", "/apis/discovery.k8s.io/v1"} <= set(asked)
    assert "as=APIGroupDiscoveryList" in next(r["accept"] for r in kubectl.requests if r["path"] == "/apis")


def test_discovery_categories_and_subresources():
    """The data kubectl needs for `get all` and subresources, as a 1.32 server lists it."""
    every = DISCOVERY["/api/v1"]["resources"] + [r for g in DISCOVERY["/apis"]["groups"]
                                                 for r in DISCOVERY["/apis/" + g["preferredVersion"]["groupVersion"]]
                                                 ["resources"]]
    in_all = sorted(r["name"] for r in every if "all" in r.get("categories", ()))
    assert in_all == ["cronjobs", "daemonsets", "deployments", "jobs", "pods", "replicasets",
                      "replicationcontrollers", "services", "statefulsets"]
    names = {r["name"] for r in every}
    assert {"pods/log", "pods/status", "pods/exec", "pods/ephemeralcontainers", "pods/binding", "pods/eviction",
            "deployments/scale", "deployments/status", "replicasets/scale", "statefulsets/scale",
            "daemonsets/status", "jobs/status", "cronjobs/status"} <= names
    assert not {"pods/resize", "daemonsets/scale"} & names  # pods/resize came with 1.33


def _workload_objects() -> list[dict]:
    def meta(name, ns="default", **kw):
        return {"name": name, "namespace": ns, "uid": "uid-" + name, "resourceVersion": "7",
                "creationTimestamp": "2026-01-01T00:00:00Z", **kw}

    pod_spec = {"containers": [{"name": "c", "image": "nginx"}]}
    owner = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8f", "uid": "uid-web-5d8f",
              "controller": True}]
    template = {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec}
    return [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta("web"),
         "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": template}},
        {"apiVersion": "apps/v1", "kind": "ReplicaSet",
         "metadata": meta("web-5d8f", labels={"app": "web"},
                          ownerReferences=[{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                            "uid": "uid-web", "controller": True}]),
         "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": template},
         "status": {"replicas": 2}},
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta("other", labels={"app": "other"}),
         "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "other"}}, "template": template}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": meta("web-5d8f-a", labels={"app": "web"}, ownerReferences=owner),
         "spec": pod_spec, "status": {"phase": "Running"}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": meta("web-5d8f-b", labels={"app": "web"}, ownerReferences=owner),
         "spec": pod_spec, "status": {"phase": "Pending"}},
        {"apiVersion": "v1", "kind": "Event", "metadata": meta("web.1"),
         "involvedObject": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "namespace": "default",
                            "uid": "uid-web"},
         "reason": "ScalingReplicaSet", "message": "Scaled up replica set web-5d8f from 0 to 2", "type": "Normal",
         "source": {"component": "deployment-controller"}, "count": 1,
         "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:00Z"},
        {"apiVersion": "v1", "kind": "Event", "metadata": meta("other.1"),
         "involvedObject": {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "other", "namespace": "default",
                            "uid": "uid-other"},
         "reason": "SuccessfulCreate", "message": "Created pod: other-x", "type": "Normal", "count": 1,
         "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:00Z"},
    ]


@needs_kubectl
def test_describers_get_what_they_list(tmp_path):
    """describe deployment lists replica sets by selector and events by field selector; describe replicaset lists
    pods by selector: the oracle answers each with the matching objects only."""
    with kubectl_oracle(tmp_path, objects=_workload_objects()) as kubectl:
        deploy = kubectl("describe", "deployment", "web")
        rs = kubectl("describe", "rs", "web-5d8f")
        asked = kubectl.requests
    assert deploy.returncode == 0, deploy.stderr
    assert "NewReplicaSet:     web-5d8f (2/2 replicas created)" in deploy.stdout
    assert "ScalingReplicaSet  " in deploy.stdout and "Created pod: other-x" not in deploy.stdout
    assert rs.returncode == 0, rs.stderr
    assert "Pods Status:    1 Running / 1 Waiting / 0 Succeeded / 0 Failed" in rs.stdout
    lists = {(r["path"], r["query"].get("labelSelector", ""), r["query"].get("fieldSelector", "")) for r in asked
             if r["path"].endswith(("/replicasets", "/pods", "/events"))}
    assert ("/apis/apps/v1/namespaces/default/replicasets", "app=web", "") in lists
    assert ("/api/v1/namespaces/default/pods", "app=web", "") in lists
    events = sorted(f for p, _, f in lists if p.endswith("/events"))
    assert all("involvedObject.name=" in f and "involvedObject.uid=" in f for f in events), events


@needs_kubectl
def test_not_found_read_only_and_events_v1(tmp_path):
    objects = _workload_objects()
    with kubectl_oracle(tmp_path, objects=objects) as kubectl:
        missing = kubectl("get", "deployment", "nope")
        refused = kubectl("delete", "pod", "web-5d8f-a")
        ev = kubectl("get", "events.v1.events.k8s.io", "--field-selector=regarding.kind=Deployment", "-o", "json")
        bad = kubectl("get", "pods", "-l", "app in (web")
    assert (missing.returncode, missing.stderr) == (1, 'Error from server (NotFound): deployments.apps "nope" not found\n')
    assert refused.returncode == 1 and "MethodNotAllowed" in refused.stderr
    assert ev.returncode == 0, ev.stderr
    items = json.loads(ev.stdout)["items"]
    assert [(i["apiVersion"], i["regarding"]["name"], i["note"], i["deprecatedSource"]) for i in items] == [
        ("events.k8s.io/v1", "web", "Scaled up replica set web-5d8f from 0 to 2", {"component": "deployment-controller"})]
    assert bad.returncode == 1 and "BadRequest" in bad.stderr


def test_selector_parsers():
    labels = {"app": "web", "tier": "fe", "n": "3"}
    for expr, want in [("", True), ("app", True), ("!app", False), ("app=web", True), ("app==web", True),
                       ("app!=web", False), ("missing!=x", True), ("app in (db, web)", True),
                       ("app notin (db,web)", False), ("missing notin (x)", True), ("app,tier=fe", True),
                       ("app,tier=be", False), ("n>2", True), ("n<2", False), ("app in (db),!tier", False),
                       ("empty=", False)]:
        assert label_matches(parse_label_selector(expr), labels) is want, expr
    assert parse_field_selector(r"a=b,c!=d,e==f\,g") == [("a", "=", "b"), ("c", "!=", "d"), ("e", "=", "f,g")]


def test_objects_from_store_reads_by_column_name(tmp_path):
    """Columns are read by name: another column (a `kind` in events, columns in another order) changes nothing."""
    db = tmp_path / "store.db"
    conn = sqlite3.connect(db)
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}}
    event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "p.1", "namespace": "default"}}
    conn.execute("CREATE TABLE objects (body TEXT, kind TEXT, namespace TEXT, name TEXT, uid TEXT, rv INTEGER)")
    conn.execute("CREATE TABLE events (kind TEXT, namespace TEXT, name TEXT, involved_uid TEXT, dedup TEXT, "
                 "last_ms INTEGER, body TEXT)")
    conn.execute("INSERT INTO objects VALUES (?, 'Pod', 'default', 'p', 'u', 1)", (json.dumps(pod),))
    conn.execute("INSERT INTO events VALUES ('Event', 'default', 'p.1', 'u', 'd', 0, ?)", (json.dumps(event),))
    conn.commit()
    conn.close()
    assert objects_from_store(db) == [pod, event]
    assert objects_from_store(db, include_events=False) == [pod]

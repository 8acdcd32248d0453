"""cordon, uncordon, drain and taint: minikctl against the real kubectl 1.32 running the same command against
`minikctl serve` on a copy of the same store (kubectl/pkg/cmd/drain/drain.go, pkg/drain/*.go, pkg/cmd/taint/*.go),
then what the cluster does with a cordoned, drained or tainted node at exact virtual times.

Every oracle scenario avoids what Go leaves to chance (two different drain errors at once come out of a map in any
order), and the lines drain's goroutines print are compared as sets (``_settled``).
"""

from __future__ import annotations

import json
import shutil

import pytest

from kubectl_oracle import KUBECTL
from test_serve import Kubectl, Served
from tests.conftest import Cli

WORLD = """apiVersion: v1
kind: Node
metadata:
  name: node2
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
---
apiVersion: v1
kind: Pod
metadata:
  name: lone
spec:
  nodeName: node1
  containers:
  - name: c
    image: nginx:1.14.2
"""

DAEMONSET = """apiVersion: apps/v1
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
      - name: a
        image: busybox:1.36
        command: [sh, -c, "sleep 3600"]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: scratch
spec:
  replicas: 1
  selector:
    matchLabels: {app: scratch}
  template:
    metadata:
      labels: {app: scratch}
    spec:
      nodeSelector: {kubernetes.io/hostname: node1}
      containers:
      - name: s
        image: nginx:1.14.2
        volumeMounts: [{name: tmp, mountPath: /tmp/x}]
      volumes:
      - name: tmp
        emptyDir: {}
"""


def _world(tmp_path, manifest: str) -> Cli:
    cli = Cli(tmp_path / "mine")
    cli.ok("apply", "-f", "-", input=WORLD, tick="0")
    if manifest:
        cli.ok("apply", "-f", "-", input=manifest, tick="0")
    cli.ok("clock", "advance", "30s", tick="0")
    return cli


def _racy(line: str) -> bool:
    return line.startswith("evicting pod ") or (line.startswith("pod/") and line.endswith(" evicted\n"))


def _settled(out: str) -> str:
    """Runs of ``evicting pod`` and of ``pod/NAME evicted`` lines in a fixed order: kubectl evicts each pod from a
    goroutine of its own and polls it every second of wall time, so those lines come in whatever order the
    goroutines race (minikctl prints them in list order, and in the order the pods go)."""
    done: list[str] = []
    run: list[str] = []
    for line in out.splitlines(keepends=True):
        if run and not (_racy(line) and run[-1].startswith("evicting") == line.startswith("evicting")):
            done += sorted(run)
            run = []
        if _racy(line):
            run.append(line)
        else:
            done.append(line)
    return "".join(done + sorted(run))


def _compare(cli: Cli, kubectl: Kubectl, *args: str) -> None:
    theirs = kubectl(*args)
    mine = cli(*args, tick="0")
    want_err = theirs.stderr.replace("kubectl ", "minikctl ")
    assert (mine.returncode, _settled(mine.stdout), mine.stderr) == \
        (theirs.returncode, _settled(theirs.stdout), want_err), args


@pytest.fixture
def pair(tmp_path):
    """A world in minikctl's store and a copy of it served to the real kubectl (clock paced 20x, so evicted pods
    go while kubectl polls)."""
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    made = []

    def make(manifest: str = ""):
        cli = _world(tmp_path, manifest)
        served_home = tmp_path / "served"
        shutil.copytree(cli.home, served_home)
        served = Served(served_home, "--speed", "20")
        made.append(served)
        return cli, Kubectl(served, tmp_path)

    yield make
    for s in made:
        assert "Traceback" not in s.stop()


def test_drain_and_cordon_print_what_kubectl_prints(pair):
    cli, kubectl = pair()
    for args in (("cordon",), ("drain",), ("drain", "node1", "-l", "x=y"), ("cordon", "nosuch"),
                 ("drain", "node1"),  # the unmanaged pod: kubectl's doubled "cannot delete cannot delete"
                 ("drain", "node1", "--force", "--dry-run=client"),
                 ("drain", "node1", "--force", "--dry-run=server"),
                 ("drain", "node1", "--force"),
                 ("cordon", "node1"), ("uncordon", "node1"), ("uncordon", "node1"),
                 ("drain", "node1", "node2", "--force"),
                 ("uncordon", "node1", "--dry-run=client"), ("uncordon", "-l", "kubernetes.io/hostname=node2")):
        _compare(cli, kubectl, *args)


def test_drain_daemonset_and_local_storage_as_kubectl(pair):
    cli, kubectl = pair(DAEMONSET)
    for args in (("drain", "node1", "--force", "--delete-emptydir-data", "--pod-selector", "app=agent"),
                 ("drain", "node1", "--force", "--pod-selector", "app=scratch"),
                 # a warning followed by an "okay" filter is not shown (the pod has a controller)
                 ("drain", "node1", "--pod-selector", "app=scratch", "--delete-emptydir-data"),
                 ("drain", "node2", "--ignore-daemonsets", "--pod-selector", "app=agent")):
        _compare(cli, kubectl, *args)


def test_taint_as_kubectl(pair):
    cli, kubectl = pair()
    for args in (("taint", "nodes", "node2", "dedicated=special:NoSchedule"),
                 ("taint", "nodes", "node2", "dedicated=special:NoSchedule"),
                 ("taint", "nodes", "node2", "dedicated=other:NoSchedule", "--overwrite"),
                 ("taint", "nodes", "node2", "dedicated:NoExecute-"),
                 ("taint", "nodes", "node2", "gpu:NoSchedule", "dedicated-"),
                 ("taint", "node", "node2", "gpu-"),
                 ("taint", "nodes", "node2", "a=b"), ("taint", "nodes", "node2", "a=b:Sometimes"),
                 ("taint", "nodes", "node2", "x=1:NoSchedule", "x=2:NoSchedule"),
                 ("taint", "nodes", "node2", "x=1:NoSchedule", "x-"),
                 ("taint", "nodes", "node2"), ("taint", "nodes", "x=1:NoSchedule"),
                 ("taint", "pod", "lone", "x=1:NoSchedule"), ("taint", "nodes", "nosuch", "x=1:NoSchedule"),
                 ("taint", "nodes", "--all", "-l", "a=b", "x=1:NoSchedule"),
                 ("taint", "nodes", "node2", "x=1:NoSchedule", "node1"),
                 ("taint", "nodes", "--all", "zone=a:PreferNoSchedule"),
                 ("taint", "nodes", "node1", "node2", "zone-", "--dry-run=client")):
        _compare(cli, kubectl, *args)


# ---- what the cluster does -------------------------------------------------------------------------------------
def _pods(cli: Cli) -> dict:
    items = json.loads(cli.ok("get", "pods", "-o", "json", tick="0"))["items"]
    return {p["metadata"]["name"]: p for p in items}


def test_drain_waits_in_virtual_time_and_the_replacements_avoid_the_cordoned_node(tmp_path):
    cli = _world(tmp_path, "")
    before = cli.ok("clock", "show", tick="0").strip()
    out = cli.ok("drain", "node1", "--force", tick="0")
    assert out.splitlines()[0] == "node/node1 cordoned" and out.splitlines()[-1] == "node/node1 drained"
    # nginx stops at once on SIGTERM; kubectl polls every second: the drain ends 1 s of virtual time later
    assert before == "2026-01-01T00:00:30Z"
    assert cli.ok("clock", "show", tick="0").strip() == "2026-01-01T00:00:31Z"
    pods = _pods(cli)
    assert "lone" not in pods  # an unmanaged pod is gone for good
    assert len(pods) == 3 and all(p["spec"]["nodeName"] == "node2" for p in pods.values())
    node = json.loads(cli.ok("get", "node", "node1", "-o", "json", tick="0"))
    assert node["spec"]["unschedulable"] is True
    assert "SchedulingDisabled" in cli.ok("get", "nodes", tick="0")
    cli.ok("uncordon", "node1", tick="0")
    node = json.loads(cli.ok("get", "node", "node1", "-o", "json", tick="0"))
    assert "unschedulable" not in node["spec"]


def test_drain_timeout_reports_the_pods_left(tmp_path):
    cli = _world(tmp_path, "")
    slow = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: slow\nspec:\n  nodeName: node1\n"
            "  terminationGracePeriodSeconds: 120\n  containers:\n  - name: c\n    image: busybox:1.36\n"
            "    command: [sh, -c, \"trap '' TERM; sleep 3600\"]\n")
    cli.ok("apply", "-f", "-", input=slow, tick="0")
    cli.ok("clock", "advance", "5s", tick="0")
    done = cli("drain", "node1", "--force", "--pod-selector", "!app", "--timeout", "10s", tick="0")
    assert done.returncode == 1
    assert 'error when waiting for pod "slow" in namespace "default" to terminate: context deadline exceeded' \
        in done.stderr
    assert 'There are pending pods in node "node1" when an error occurred' in done.stderr
    assert done.stderr.rstrip().endswith("context deadline exceeded")
    # the pod still terminates on its own: 120 s of grace from the eviction
    cli.ok("clock", "advance", "2m", tick="0")
    assert "slow" not in _pods(cli)


def test_a_noexecute_taint_evicts_and_noschedule_keeps_pods_away(tmp_path):
    cli = _world(tmp_path, "")
    cli.ok("taint", "nodes", "node1", "maint=now:NoSchedule", tick="0")
    cli.ok("scale", "deployment", "web", "--replicas=5", tick="0")
    cli.ok("clock", "advance", "10s", tick="0")
    pods = _pods(cli)
    new = [p for n, p in pods.items() if n.startswith("web-") and p["metadata"]["creationTimestamp"] !=
           "2026-01-01T00:00:00Z"]
    assert len(new) == 2 and all(p["spec"]["nodeName"] == "node2" for p in new)
    cli.ok("taint", "nodes", "node1", "maint=now:NoExecute", tick="0")
    cli.ok("clock", "advance", "5s", tick="0")
    assert not [p for p in _pods(cli).values() if p["spec"].get("nodeName") == "node1"
                and not p["metadata"].get("deletionTimestamp")]
    err = cli.fail("taint", "nodes", "node1", "maint=later:NoExecute", tick="0")
    assert err == "error: node node1 already has maint taint(s) with same effect(s) and --overwrite is false\n"


def test_refused_commands_leave_the_store_as_it_was(tmp_path):
    cli = _world(tmp_path, "")

    def state() -> tuple[str, str]:
        return cli.ok("get", "nodes", "-o", "json", tick="0"), cli.ok("get", "pods", "-o", "json", tick="0")

    before = state()
    for args in (("taint", "nodes", "node1", "a=b"), ("cordon", "nosuch"), ("taint", "nodes", "node1", "x:NoSchedule-"),
                 ("drain", "node1", "--pod-selector", "a in (")):
        cli.fail(*args, tick="0")
    assert state() == before
    # drain refuses the unmanaged pod after it has cordoned the node, as kubectl does: that is its one change
    cli.fail("drain", "node1", tick="0")
    node = json.loads(cli.ok("get", "node", "node1", "-o", "json", tick="0"))
    assert node["spec"].get("unschedulable") is True and "lone" in _pods(cli)


def test_a_cordoned_node_gets_the_unschedulable_taint_at_once(tmp_path):
    """doNoScheduleTaintingPass (pkg/controller/nodelifecycle/node_lifecycle_controller.go): spec.unschedulable
    maps to the node.kubernetes.io/unschedulable NoSchedule taint, added with timeAdded when the node changes."""
    cli = _world(tmp_path, "")
    cli.ok("cordon", "node1", tick="0")
    node = json.loads(cli.ok("get", "node", "node1", "-o", "json", tick="0"))
    assert node["spec"]["taints"] == [{"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable",
                                       "timeAdded": "2026-01-01T00:00:30Z"}]
    described = cli.ok("describe", "node", "node1", tick="0")
    assert "Taints:             node.kubernetes.io/unschedulable:NoSchedule\n" in described
    assert "Unschedulable:      true\n" in described
    cli.ok("uncordon", "node1", tick="0")
    node = json.loads(cli.ok("get", "node", "node1", "-o", "json", tick="0"))
    assert "taints" not in node["spec"] and "unschedulable" not in node["spec"]


def test_the_kubelet_records_cordon_and_uncordon_at_its_next_status_sync(tmp_path):
    """recordNodeSchedulableEvent (pkg/kubelet/kubelet_node_status.go): at its next node status sync (every 10 s,
    here on its lease's grid: node1's lease began at 00:00:00) the kubelet records NodeNotSchedulable, and
    NodeSchedulable once the node is uncordoned."""
    cli = _world(tmp_path, "")
    cli.ok("clock", "advance", "5s", tick="0")  # 00:00:35
    cli.ok("cordon", "node1", tick="0")

    def kubelet_events() -> list[tuple[str, str]]:
        items = json.loads(cli.ok("get", "events", "--field-selector", "involvedObject.kind=Node", "-o", "json",
                                  tick="0"))["items"]
        return [(e["lastTimestamp"], e["message"]) for e in items if e["reason"].endswith("Schedulable")]

    cli.ok("clock", "advance", "4s", tick="0")
    assert kubelet_events() == []
    cli.ok("clock", "advance", "1s", tick="0")  # 00:00:40
    assert kubelet_events() == [("2026-01-01T00:00:40Z", "Node node1 status is now: NodeNotSchedulable")]
    cli.ok("uncordon", "node1", tick="0")
    cli.ok("clock", "advance", "10s", tick="0")
    assert kubelet_events()[-1] == ("2026-01-01T00:00:50Z", "Node node1 status is now: NodeSchedulable")
    described = cli.ok("describe", "node", "node1", tick="0")
    assert "  Normal  NodeNotSchedulable  " in described and "Node node1 status is now: NodeSchedulable" in described

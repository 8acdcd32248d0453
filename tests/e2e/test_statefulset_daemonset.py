"""StatefulSets and DaemonSets through the CLI, as kubernetes.io's pages walk through them.

* "StatefulSet Basics" (tutorials/stateful-application/basic-stateful-set): ``kubectl get pods -w -l app=nginx``
  shows web-0 Running and Ready before web-1 is created (OrderedReady, pkg/controller/statefulset
  stateful_set_control.go processReplica), the ordinal names, the hostname, scale down from the highest ordinal.
* "DaemonSet" (concepts/workloads/controllers/daemonset): the fluentd-elasticsearch DaemonSet runs one pod on each
  node, and a Node created with ``apply -f`` (a simulated node) gets its pod at once (pkg/controller/daemon
  daemon_controller.go addNode, manage).

The manifests are the corpus's (kubernetes/website content/en/examples); every command runs with a frozen clock
(``--tick 0``) so the virtual instants are exact.
"""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS

pytestmark = pytest.mark.skipif(not (CORPUS / "INDEX.tsv").exists(), reason="corpus not present")


def statefulset_of(path: str) -> str:
    """The StatefulSet document of a corpus file (its Service is a kind minikctl does not serve)."""
    docs = (CORPUS / path).read_text().split("\n---\n")
    return next(d for d in docs if "kind: StatefulSet" in d)


NODE2 = "apiVersion: v1\nkind: Node\nmetadata:\n  name: node2\n"


def rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines()]


def test_statefulset_basics_web0_before_web1(cli, manifest):
    path = manifest(statefulset_of("application/web/web.yaml"), "web.yaml")
    assert cli.ok("apply", "-f", path, tick="0") == "statefulset.apps/web created\n"
    watched = cli.ok("get", "pods", "-w", "-l", "app=nginx", "--request-timeout=10s", tick="0")
    seen = [(r[0], r[2]) for r in rows(watched)[1:]]
    assert seen == [("web-0", "ContainerCreating"), ("web-0", "Running"),
                    ("web-1", "Pending"), ("web-1", "Pending"), ("web-1", "Running")], watched
    created = cli.ok("get", "pods", "-l", "app=nginx", "-o",
                     "custom-columns=NAME:.metadata.name,CREATED:.metadata.creationTimestamp,"
                     "HOST:.spec.hostname,SUB:.spec.subdomain,CLAIM:.spec.volumes[0].persistentVolumeClaim.claimName",
                     tick="0")
    assert rows(created)[1:] == [["web-0", "2026-01-01T00:00:00Z", "web-0", "nginx", "www-web-0"],
                                 ["web-1", "2026-01-01T00:00:01Z", "web-1", "nginx", "www-web-1"]]
    assert rows(cli.ok("get", "statefulset", "web", tick="0")) == [["NAME", "READY", "AGE"], ["web", "2/2", "1s"]]  # the watch ended at the last change
    events = cli.ok("get", "events", "--field-selector", "involvedObject.kind=StatefulSet", "-o",
                    "custom-columns=REASON:.reason,MESSAGE:.message", "--no-headers", tick="0")
    assert events.splitlines() == [
        "SuccessfulCreate   create Pod web-0 in StatefulSet web successful",
        "SuccessfulCreate   create Pod web-1 in StatefulSet web successful"]
    # the tutorial's scale down: from the highest ordinal
    cli.ok("patch", "statefulset", "web", "-p", '{"spec":{"replicas":1}}', tick="0")
    assert cli.ok("get", "pod", "web-1", "-o", "jsonpath={.metadata.deletionTimestamp}", tick="0")
    cli.ok("clock", "advance", "1m", tick="0")
    assert [r[0] for r in rows(cli.ok("get", "pods", tick="0"))[1:]] == ["web-0"]


def test_statefulset_parallel_tutorial(cli, manifest):
    """web-parallel.yaml: podManagementPolicy Parallel starts both pods at once."""
    path = manifest(statefulset_of("application/web/web-parallel.yaml"), "web-parallel.yaml")
    cli.ok("apply", "-f", path, tick="0")
    out = cli.ok("get", "pods", "-o", "custom-columns=NAME:.metadata.name,CREATED:.metadata.creationTimestamp",
                 "--no-headers", tick="0")
    assert rows(out) == [["web-0", "2026-01-01T00:00:00Z"], ["web-1", "2026-01-01T00:00:00Z"]]


def test_describe_statefulset_and_its_revision(cli, manifest):
    path = manifest(statefulset_of("application/web/web.yaml"), "web.yaml")
    cli.ok("apply", "-f", path, tick="0")
    cli.ok("clock", "advance", "5s", tick="0")
    out = cli.ok("describe", "statefulset", "web", tick="0")
    assert "Replicas:           2 desired | 2 total\n" in out
    assert "Pods Status:        2 Running / 0 Waiting / 0 Succeeded / 0 Failed\n" in out
    assert "Volume Claims:\n  Name:          www\n" in out
    revision = cli.ok("get", "statefulset", "web", "-o", "jsonpath={.status.currentRevision}", tick="0")
    listed = rows(cli.ok("get", "controllerrevisions", tick="0"))
    assert listed == [["NAME", "CONTROLLER", "REVISION", "AGE"], [revision, "statefulset.apps/web", "1", "5s"]]
    assert "Simulated:" in cli.ok("describe", "pod", "web-0", tick="0")


def test_daemonset_one_pod_on_each_of_two_nodes(cli, manifest):
    """The DaemonSet concept page's fluentd-elasticsearch: one pod per node; a second Node created with apply gets
    its pod at the same instant."""
    cli.ok("apply", "-f", str(CORPUS / "controllers/daemonset.yaml"), tick="0")
    pods = rows(cli.ok("get", "pods", "-n", "kube-system", "-o", "wide", "--no-headers", tick="0"))
    assert [(p[0].rsplit("-", 1)[0], p[6]) for p in pods] == [("fluentd-elasticsearch", "node1")]
    cli.ok("clock", "advance", "30s", tick="0")
    assert cli.ok("apply", "-f", manifest(NODE2, "node2.yaml"), tick="0") == "node/node2 created\n"
    nodes = rows(cli.ok("get", "nodes", "--no-headers", tick="0"))
    assert [(n[0], n[1]) for n in nodes] == [("node1", "Ready"), ("node2", "Ready")]
    pods = rows(cli.ok("get", "pods", "-n", "kube-system", "-o", "wide", "--no-headers", "--sort-by=.spec.nodeName",
                       tick="0"))
    assert [p[6] for p in pods] == ["node1", "node2"]
    assert pods[1][4] == "0s"  # created at the instant node2 was
    cli.ok("clock", "advance", "10s", tick="0")
    table = rows(cli.ok("get", "daemonset", "-n", "kube-system", tick="0"))
    assert table == [["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR", "AGE"],
                     ["fluentd-elasticsearch", "2", "2", "2", "2", "2", "<none>", "40s"]]
    describe = cli.ok("describe", "daemonset", "fluentd-elasticsearch", "-n", "kube-system", tick="0")
    assert "Desired Number of Nodes Scheduled: 2\nCurrent Number of Nodes Scheduled: 2\n" in describe
    names = sorted(p[0] for p in pods)
    assert f"SuccessfulCreate  40s   daemonset-controller  Created pod: {names[0]}" in describe or \
        f"SuccessfulCreate  40s   daemonset-controller  Created pod: {names[1]}" in describe


def test_daemonset_label_selector_follows_node_labels(cli, manifest):
    """controllers/daemonset-label-selector.yaml (nodeSelector ssd: "true"): `label node` gives the node its pod,
    removing the label takes it away."""
    cli.ok("apply", "-f", str(CORPUS / "controllers/daemonset-label-selector.yaml"), tick="0")
    assert cli("get", "pods", tick="0").stderr == "No resources found in default namespace.\n"
    cli.ok("label", "node", "node1", "ssd=true", tick="0")
    assert [r[0].startswith("nginx-ssd-") for r in rows(cli.ok("get", "pods", "--no-headers", tick="0"))] == [True]
    cli.ok("label", "node", "node1", "ssd-", tick="0")
    assert rows(cli.ok("get", "pods", "--no-headers", tick="0"))[0][2] == "Terminating"


# ---- rollout status|history|undo over the controllers' ControllerRevisions (kubectl's StatefulSet and DaemonSet
# status viewers, history viewers and rollbackers: k8s.io/kubectl/pkg/polymorphichelpers) --------------------------

def history_rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    assert lines[1] == "REVISION  CHANGE-CAUSE", text
    return [line.split() for line in lines[2:] if line.strip()]


def test_rollout_of_a_statefulset(cli, manifest):
    path = manifest(statefulset_of("application/web/web.yaml"), "web.yaml")
    cli.ok("apply", "-f", path, tick="0")
    status = cli.ok("rollout", "status", "sts/web", tick="0").splitlines()
    assert status[0] == "Waiting for 2 pods to be ready..."
    assert status[-1] == "partitioned roll out complete: 2 new pods have been updated..."
    first = cli.ok("get", "sts", "web", "-o", "jsonpath={.status.currentRevision}", tick="0")
    assert cli.ok("set", "image", "sts/web", "nginx=registry.k8s.io/nginx-slim:0.27", tick="0") == \
        "statefulset.apps/web image updated\n"
    status = cli.ok("rollout", "status", "statefulset/web", tick="0").splitlines()
    assert "Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated..." in status
    assert status[-1] == "partitioned roll out complete: 2 new pods have been updated..."
    second = cli.ok("get", "sts", "web", "-o", "jsonpath={.status.updateRevision}", tick="0")
    assert history_rows(cli.ok("rollout", "history", "sts/web", tick="0")) == [["1", "<none>"], ["2", "<none>"]]
    shown = cli.ok("rollout", "history", "sts/web", "--revision=2", tick="0")
    assert shown.startswith("statefulset.apps/web with revision #2\nPod Template:\n")
    assert "registry.k8s.io/nginx-slim:0.27" in shown
    assert cli.ok("rollout", "undo", "sts/web", tick="0") == "statefulset.apps/web rolled back\n"
    cli.ok("rollout", "status", "sts/web", tick="0")
    # the controller found revision 1's template again: revision 1 became revision 3 (getStatefulSetRevisions)
    assert history_rows(cli.ok("rollout", "history", "sts/web", tick="0")) == [["2", "<none>"], ["3", "<none>"]]
    revisions = rows(cli.ok("get", "controllerrevisions", "--sort-by=.revision", "--no-headers", tick="0"))
    assert [(r[0], r[2]) for r in revisions] == [(second, "2"), (first, "3")]
    hashes = cli.ok("get", "pods", "-o", "jsonpath={.items[*].metadata.labels.controller-revision-hash}", tick="0")
    assert hashes.split() == [first, first]
    assert cli.fail("rollout", "undo", "sts/web", "--to-revision=7", tick="0") == \
        "error: unable to find specified revision 7 in history\n"


def test_rollout_of_a_daemonset(cli, manifest):
    """The "Perform a Rolling Update on a DaemonSet" task: fluentd-daemonset-update.yaml (RollingUpdate,
    maxUnavailable 1) on two nodes, a new image, then back."""
    cli.ok("apply", "-f", manifest(NODE2, "node2.yaml"), tick="0")
    cli.ok("apply", "-f", str(CORPUS / "controllers/fluentd-daemonset-update.yaml"), tick="0")
    ds = ("ds/fluentd-elasticsearch", "-n", "kube-system")
    assert cli.ok("rollout", "status", *ds, tick="0").splitlines()[-1] == \
        'daemon set "fluentd-elasticsearch" successfully rolled out'
    first = cli.ok("get", "pods", "-n", "kube-system", "-o",
                   "jsonpath={.items[0].metadata.labels.controller-revision-hash}", tick="0")
    cli.ok("set", "image", *ds, "fluentd-elasticsearch=quay.io/fluentd_elasticsearch/fluentd:v2.6.0", tick="0")
    status = cli.ok("rollout", "status", *ds, tick="0").splitlines()
    assert status[0] == 'Waiting for daemon set "fluentd-elasticsearch" rollout to finish: 0 out of 2 new pods have ' \
                        'been updated...'
    assert 'Waiting for daemon set "fluentd-elasticsearch" rollout to finish: 1 out of 2 new pods have been ' \
           'updated...' in status
    assert status[-1] == 'daemon set "fluentd-elasticsearch" successfully rolled out'
    assert history_rows(cli.ok("rollout", "history", *ds, tick="0")) == [["1", "<none>"], ["2", "<none>"]]
    assert cli.ok("rollout", "undo", *ds, tick="0") == "daemonset.apps/fluentd-elasticsearch rolled back\n"
    cli.ok("rollout", "status", *ds, tick="0")
    assert history_rows(cli.ok("rollout", "history", *ds, tick="0")) == [["2", "<none>"], ["3", "<none>"]]
    cli.ok("clock", "advance", "1m", tick="0")  # the last old pod ends its 30 s grace period (fluentd ignores SIGTERM)
    hashes = cli.ok("get", "pods", "-n", "kube-system", "-o",
                    "jsonpath={.items[*].metadata.labels.controller-revision-hash}", tick="0")
    assert hashes.split() == [first, first]
    assert cli.ok("get", "pods", "-n", "kube-system", "-o", "jsonpath={.items[*].metadata.labels.pod-template-generation}",
                  tick="0").split() == ["3", "3"]

"""The DaemonSet controller at exact virtual instants, against pkg/controller/daemon (kubernetes v1.32) and
kubernetes.io's DaemonSet pages (the fluentd-elasticsearch example, "Perform a Rolling Update on a DaemonSet").

Each test drives ``minikctl.cluster.Cluster`` in one store transaction; a Node object created through the API is a
simulated node whose kubelet registers at once.
"""

from __future__ import annotations

import copy

import pytest

from minikctl.cluster import Cluster
from minikctl.engine.controllers import history as H
from minikctl.kube.timefmt import parse_rfc3339
from minikctl.store.db import DEFAULT_EPOCH_MS, Store

T0 = DEFAULT_EPOCH_MS
NS = "kube-system"
DAEMON_TOLERATIONS = [
    {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists"},
    {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/disk-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/memory-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/pid-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable", "operator": "Exists"},
]


@pytest.fixture
def cl(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        yield Cluster(tx)


def fluentd(image: str = "registry.k8s.io/nginx-slim:0.24", **spec) -> dict:
    """controllers/daemonset.yaml of kubernetes.io (an image the kubelet's catalog knows, so pods stop at once)."""
    tspec = spec.pop("template_spec", {})
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": "fluentd-elasticsearch", "namespace": NS, "labels": {"k8s-app": "fluentd-logging"}},
            "spec": {"selector": {"matchLabels": {"name": "fluentd-elasticsearch"}},
                     "template": {"metadata": {"labels": {"name": "fluentd-elasticsearch"}},
                                  "spec": {"tolerations": [{"key": "node-role.kubernetes.io/control-plane",
                                                            "operator": "Exists", "effect": "NoSchedule"}],
                                           "containers": [{"name": "fluentd-elasticsearch", "image": image,
                                                           "resources": {"requests": {"cpu": "100m"}}}],
                                           "terminationGracePeriodSeconds": 30, **tspec}},
                     **spec}}


def node(name: str, labels: dict | None = None) -> dict:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, **({"labels": labels} if labels else {})}}


def at(cl: Cluster, ms: int) -> None:
    cl.advance_to(T0 + ms)


def pods(cl: Cluster) -> dict[str, dict]:
    """node -> pod (the live, not-deleted ones), and the rest under their names."""
    out = {}
    for p in cl.tx.list("Pod", NS):
        key = p["spec"].get("nodeName") or p["metadata"]["name"]
        if p["metadata"].get("deletionTimestamp"):
            key = "deleting:" + p["metadata"]["name"]
        out[key] = p
    return out


def the_ds(cl: Cluster) -> dict:
    return cl.tx.get("DaemonSet", NS, "fluentd-elasticsearch")


def update(cl: Cluster, kind: str, name: str, fn, ns: str = NS, subresource: str = "") -> None:
    old = cl.tx.get(kind, ns, name)
    new = copy.deepcopy(old)
    fn(new)
    cl.api.update(old, new, subresource=subresource)
    cl.settle()


def messages(cl: Cluster, obj: dict) -> list[str]:
    return [f"{e['reason']}: {e['message']}" for e in cl.tx.events_for(obj["metadata"]["uid"])]


def created_ms(obj: dict) -> int:
    return parse_rfc3339(obj["metadata"]["creationTimestamp"]) - T0


def test_a_pod_per_node_and_a_new_node_gets_its_pod_at_once(cl):
    """manage/syncNodes: a pod for each node that should run one; addNode wakes the DaemonSet at the instant the
    Node is created (its kubelet registers at the same instant)."""
    cl.api.create(fluentd())
    cl.settle()
    assert list(pods(cl)) == ["node1"]
    at(cl, 5000)
    cl.api.create(node("node2"))
    cl.settle()
    p = pods(cl)
    assert sorted(p) == ["node1", "node2"] and created_ms(p["node2"]) == 5000
    ds = the_ds(cl)
    assert messages(cl, ds) == [f"SuccessfulCreate: Created pod: {p['node1']['metadata']['name']}",
                                f"SuccessfulCreate: Created pod: {p['node2']['metadata']['name']}"]
    assert (ds["status"]["numberReady"], ds["status"]["numberUnavailable"]) == (1, 1)  # node2's pod is pulling
    at(cl, 6000)
    assert the_ds(cl)["status"] == {
        "currentNumberScheduled": 2, "desiredNumberScheduled": 2, "numberAvailable": 2, "numberMisscheduled": 0,
        "numberReady": 2, "observedGeneration": 1, "updatedNumberScheduled": 2}


def test_the_daemon_pod(cl):
    """CreatePodTemplate (the daemon tolerations after the template's, pod-template-generation and
    controller-revision-hash labels), ReplaceDaemonSetPodNodeNameNodeAffinity (matchFields metadata.name), and
    GetPodFromTemplate (generateName, controller reference); the scheduler binds the pod to that node."""
    cl.api.create(node("node2"))
    cl.api.create(fluentd())
    cl.settle()
    ds = the_ds(cl)
    rev = cl.tx.list("ControllerRevision", NS)[0]
    h = rev["metadata"]["labels"]["controller-revision-hash"]
    assert rev["metadata"]["name"] == f"fluentd-elasticsearch-{h}" and rev["revision"] == 1
    assert h == H.compute_hash(ds["spec"]["template"], None)
    assert rev["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "1"
    assert H.raw_data(rev) == H.template_patch(ds)
    pod = pods(cl)["node2"]
    assert pod["metadata"]["generateName"] == "fluentd-elasticsearch-"
    assert pod["metadata"]["labels"] == {"controller-revision-hash": h, "name": "fluentd-elasticsearch",
                                         "pod-template-generation": "1"}
    assert pod["spec"]["affinity"] == {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node2"]}]}]}}}
    assert pod["spec"]["tolerations"] == [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane",
                                           "operator": "Exists"}] + DAEMON_TOLERATIONS
    assert pod["metadata"]["ownerReferences"][0]["uid"] == ds["metadata"]["uid"]


def test_host_network_pods_also_tolerate_network_unavailable(cl):
    cl.api.create(fluentd(template_spec={"hostNetwork": True}))
    cl.settle()
    assert pods(cl)["node1"]["spec"]["tolerations"][-1] == {
        "effect": "NoSchedule", "key": "node.kubernetes.io/network-unavailable", "operator": "Exists"}


def test_node_selector_follows_the_nodes_labels(cl):
    """NodeShouldRunDaemonPod's node affinity: labelling a node gives it a pod at once (updateNode); removing the
    label deletes the pod (podsShouldBeOnNode: !shouldContinueRunning)."""
    cl.api.create(node("node2"))
    cl.api.create(fluentd(template_spec={"nodeSelector": {"ssd": "true"}}))
    cl.settle()
    assert pods(cl) == {}
    assert the_ds(cl)["status"]["desiredNumberScheduled"] == 0
    at(cl, 3000)
    update(cl, "Node", "node2", lambda n: n["metadata"].setdefault("labels", {}).update(ssd="true"), ns="")
    assert list(pods(cl)) == ["node2"]
    at(cl, 8000)
    update(cl, "Node", "node2", lambda n: n["metadata"]["labels"].pop("ssd"), ns="")
    assert [k.split(":")[0] for k in pods(cl)] == ["deleting"]
    assert the_ds(cl)["status"]["desiredNumberScheduled"] == 0


def test_taints(cl):
    """predicates: a NoSchedule taint keeps a new pod off the node but lets a running one stay
    (shouldContinueRunning); a NoExecute taint removes it; a toleration in the template lets it run."""
    cl.api.create(node("node2"))
    cl.api.create(node("node3"))
    update(cl, "Node", "node3", lambda n: n.setdefault("spec", {}).update(taints=[{"key": "gpu", "effect": "NoSchedule"}]), ns="")
    cl.api.create(fluentd())
    cl.settle()
    assert sorted(pods(cl)) == ["node1", "node2"]
    update(cl, "Node", "node2", lambda n: n.setdefault("spec", {}).update(taints=[{"key": "gpu", "effect": "NoSchedule"}]), ns="")
    assert sorted(pods(cl)) == ["node1", "node2"]
    assert (the_ds(cl)["status"]["desiredNumberScheduled"], the_ds(cl)["status"]["numberMisscheduled"]) == (1, 1)
    update(cl, "Node", "node2", lambda n: n.setdefault("spec", {}).update(taints=[{"key": "gpu", "effect": "NoExecute"}]), ns="")
    assert [k.split(":")[0] for k in sorted(pods(cl))] == ["deleting", "node1"]
    update(cl, "DaemonSet", "fluentd-elasticsearch", lambda d: d["spec"]["template"]["spec"]["tolerations"].append(
        {"key": "gpu", "operator": "Exists"}))
    cl.advance_to(cl.now_ms + 60_000)
    assert sorted(k for k in pods(cl) if not k.startswith("deleting")) == ["node1", "node2", "node3"]


def test_a_cordoned_node_keeps_its_daemon_pod(cl):
    """The daemon pods tolerate node.kubernetes.io/unschedulable: a cordoned node (spec.unschedulable) still runs
    one, and the scheduler binds it there."""
    cl.api.create(node("node2"))
    update(cl, "Node", "node2", lambda n: n.setdefault("spec", {}).update(unschedulable=True), ns="")
    cl.api.create(fluentd())
    cl.settle()
    assert pods(cl)["node2"]["status"]["conditions"][0]["type"] in ("PodScheduled", "PodReadyToStartContainers")
    assert sorted(pods(cl)) == ["node1", "node2"]


def test_rolling_update_replaces_one_node_at_a_time(cl):
    """rollingUpdate without surge (maxUnavailable 1): an old available pod is deleted only while no other node is
    unavailable; manage creates the new pod on the node the instant the old one is gone."""
    cl.api.create(node("node2"))
    cl.api.create(fluentd())
    at(cl, 5000)
    first = pods(cl)["node1"]["metadata"]["labels"]["controller-revision-hash"]
    update(cl, "DaemonSet", "fluentd-elasticsearch",
           lambda d: d["spec"]["template"]["spec"]["containers"][0].update(image="registry.k8s.io/nginx-slim:0.27"))
    ds = the_ds(cl)
    assert ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "2"
    p = pods(cl)
    # node1's old pod is deleted (nginx stops at once on SIGTERM: a terminal pod being deleted no longer counts,
    # so its replacement is created at the same instant); node2's waits for node1's new pod to be available
    deleting = [k for k in p if k.startswith("deleting:")]
    assert len(deleting) == 1 and p[deleting[0]]["spec"]["nodeName"] == "node1"
    assert p["node1"]["metadata"]["labels"]["pod-template-generation"] == "2"
    assert p["node2"]["metadata"]["labels"]["pod-template-generation"] == "1"
    assert not p["node2"]["metadata"].get("deletionTimestamp")
    at(cl, 5999)
    assert not pods(cl)["node2"]["metadata"].get("deletionTimestamp")
    at(cl, 6000)  # node1's new pod is Running and Ready (pulled in 1 s): node2's turn
    assert pods(cl)["node2"]["metadata"]["labels"]["pod-template-generation"] == "2"
    cl.run_until(lambda: all(q["metadata"]["labels"].get("pod-template-generation") == "2"
                             and q["status"].get("phase") == "Running" for q in pods(cl).values())
                 and len(pods(cl)) == 2, T0 + 120_000)
    second = the_ds(cl)["status"]
    p = pods(cl)
    assert p["node1"]["metadata"]["labels"]["controller-revision-hash"] != first
    assert created_ms(p["node2"]) > created_ms(p["node1"])  # node1 first (nodes in name order), then node2
    assert second["updatedNumberScheduled"] == 2 and second["observedGeneration"] == 2
    revs = sorted((r["revision"], r["metadata"]["labels"]["controller-revision-hash"])
                  for r in cl.tx.list("ControllerRevision", NS))
    assert revs[0] == (1, first) and revs[1][0] == 2


def test_rolling_update_with_surge_starts_the_new_pod_beside_the_old(cl):
    """maxSurge 1, maxUnavailable 0: a new pod is created next to the old one, which is deleted once the new one is
    available (podsShouldBeOnNode with surge)."""
    cl.api.create(fluentd(updateStrategy={"type": "RollingUpdate",
                                          "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}))
    at(cl, 5000)
    old = pods(cl)["node1"]["metadata"]["name"]
    update(cl, "DaemonSet", "fluentd-elasticsearch",
           lambda d: d["spec"]["template"]["spec"]["containers"][0].update(image="registry.k8s.io/nginx-slim:0.27"))
    names = [p["metadata"]["name"] for p in cl.tx.list("Pod", NS)]
    assert len(names) == 2 and old in names
    cl.run_until(lambda: len(cl.tx.list("Pod", NS)) == 1, T0 + 120_000)
    assert cl.tx.list("Pod", NS)[0]["metadata"]["name"] != old


def test_on_delete_waits_for_the_user(cl):
    cl.api.create(fluentd(updateStrategy={"type": "OnDelete"}))
    at(cl, 5000)
    old = pods(cl)["node1"]
    update(cl, "DaemonSet", "fluentd-elasticsearch",
           lambda d: d["spec"]["template"]["spec"]["containers"][0].update(image="registry.k8s.io/nginx-slim:0.27"))
    at(cl, 60_000)
    assert pods(cl)["node1"]["metadata"]["uid"] == old["metadata"]["uid"]
    assert the_ds(cl)["status"].get("updatedNumberScheduled", 0) == 0
    cl.api.delete(old)
    cl.advance_to(cl.now_ms + 60_000)
    assert pods(cl)["node1"]["metadata"]["labels"]["pod-template-generation"] == "2"


def test_revision_history_limit(cl):
    """cleanupHistory: old revisions no pod uses are deleted beyond revisionHistoryLimit, lowest revision first."""
    cl.api.create(fluentd(revisionHistoryLimit=1))
    at(cl, 5000)
    for tag in ("0.26", "0.27", "0.8"):
        update(cl, "DaemonSet", "fluentd-elasticsearch",
               lambda d: d["spec"]["template"]["spec"]["containers"][0].update(image=f"registry.k8s.io/nginx-slim:{tag}"))
        cl.advance_to(cl.now_ms + 60_000)
    assert sorted(r["revision"] for r in cl.tx.list("ControllerRevision", NS)) == [3, 4]


def test_a_deleted_node_loses_its_pod_to_the_pod_gc(cl):
    """No DaemonSet handler for a deleted Node: the pod garbage collector deletes its pods after the 40 s
    quarantine (marked Failed, reason DeletionByPodGC), and that deletion wakes the DaemonSet."""
    cl.api.create(node("node2"))
    cl.api.create(fluentd())
    at(cl, 5000)
    cl.api.delete(cl.tx.get("Node", "", "node2"))
    cl.settle()
    assert sorted(pods(cl)) == ["node1", "node2"]
    at(cl, 44_999)
    assert sorted(pods(cl)) == ["node1", "node2"]
    assert the_ds(cl)["status"]["desiredNumberScheduled"] == 2
    at(cl, 45_000)
    assert sorted(pods(cl)) == ["node1"]
    assert the_ds(cl)["status"]["desiredNumberScheduled"] == 1


def test_a_failed_pod_is_deleted_with_back_off(cl):
    """podsShouldBeOnNode: a Failed daemon pod is deleted (FailedDaemonPod event) and replaced; the node's
    failedPodsBackoff (1 s, doubling) holds back the next deletion there."""
    cl.api.create(fluentd())
    at(cl, 5000)

    def fail(p):
        p["status"]["phase"] = "Failed"

    first = pods(cl)["node1"]["metadata"]["name"]
    update(cl, "Pod", first, fail, subresource="status")
    ds = the_ds(cl)
    assert f"FailedDaemonPod: Found failed daemon pod kube-system/{first} on node node1, will try to kill it" \
        in messages(cl, ds)
    second = pods(cl)["node1"]["metadata"]["name"]
    assert second != first
    at(cl, 5500)
    update(cl, "Pod", second, fail, subresource="status")
    # within the 1 s back-off: kept, and the DaemonSet requeued for the back-off's delay (1 s)
    at(cl, 6499)
    assert pods(cl)["node1"]["metadata"]["name"] == second
    at(cl, 6500)
    assert pods(cl)["node1"]["metadata"]["name"] not in (first, second)


def test_a_refused_pod_is_a_failed_create_event(cl):
    cl.api.create(fluentd(template_spec={"priorityClassName": "nope"}))
    cl.settle()
    assert pods(cl) == {}
    msgs = messages(cl, the_ds(cl))
    assert msgs and msgs[0].startswith("FailedCreate: Error creating: pods ")
    assert msgs[0].endswith("is forbidden: no PriorityClass with name nope was found")


def test_the_status_follows_each_ready_change_of_a_pod_at_its_instant(cl):
    """updatePod queues the DaemonSet at every change of its pod, and its sync counts the pod ready as the change
    left it (numberReady, numberAvailable: updateDaemonSetStatus). A pod whose container runs 3 s and crashes turns
    Ready and not Ready again at instants a few seconds apart: within one advance the DaemonSet's status follows
    each of them before the pod's next write, as it does when the advance ends between them
    (tests/unit/test_advance_cuts.py)."""
    ds = fluentd(image="busybox:1.36")
    c = ds["spec"]["template"]["spec"]["containers"][0]
    c["command"] = ["sh", "-c", "echo boom; sleep 3; exit 1"]
    cl.api.create(ds)
    cl.settle()
    changes = cl.loop.tap(("DaemonSet", "Pod"))
    at(cl, 120_000)

    def ready(pod: dict) -> bool:
        return any(c.get("type") == "Ready" and c.get("status") == "True"
                   for c in (pod.get("status") or {}).get("conditions") or [])

    last, counted, flips = None, None, 0
    for ch in changes:
        if ch.kind == "DaemonSet":
            counted = int((ch.obj.get("status") or {}).get("numberReady") or 0)
            continue
        now = ready(ch.obj)
        if last is not None and now != last:
            # the pod's Ready moves again: the DaemonSet counted the pod as its previous change left it
            assert counted == int(last), (flips, last, counted)
            flips += 1
        last = now
    assert flips >= 6  # Ready at 1 s, not at 4 s, ... (the back-off doubling from 10 s)
    assert int(the_ds(cl)["status"]["numberReady"]) == int(last)

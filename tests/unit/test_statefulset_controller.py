"""The StatefulSet controller at exact virtual instants, against pkg/controller/statefulset (kubernetes v1.32) and
kubernetes.io's StatefulSet pages.

Each test drives ``minikctl.cluster.Cluster`` in one store transaction. The kubelet's profile fixes the pod timing
used below: ``registry.k8s.io/nginx-slim`` is pulled in 1 s the first time a node needs it, and a container without
a readiness probe is Ready when it starts; nginx stops at once on SIGTERM.
"""

from __future__ import annotations

import copy

import pytest

from minikctl.cluster import Cluster
from minikctl.engine.controllers import history as H
from minikctl.kube.kinds import by_kind
from minikctl.kube.timefmt import parse_rfc3339
from minikctl.store.db import DEFAULT_EPOCH_MS, Store

T0 = DEFAULT_EPOCH_MS
STS = by_kind("StatefulSet")
POD = by_kind("Pod")


@pytest.fixture
def cl(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        yield Cluster(tx)


def web(replicas: int = 2, image: str = "registry.k8s.io/nginx-slim:0.24", claims: bool = False, **spec) -> dict:
    """The "StatefulSet Basics" tutorial's web (kubernetes.io, application/web/web.yaml)."""
    container = {"name": "nginx", "image": image, "ports": [{"containerPort": 80, "name": "web"}]}
    obj = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "namespace": "default"},
           "spec": {"serviceName": "nginx", "replicas": replicas, "selector": {"matchLabels": {"app": "nginx"}},
                    "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [container]}},
                    **spec}}
    if claims:
        container["volumeMounts"] = [{"name": "www", "mountPath": "/usr/share/nginx/html"}]
        obj["spec"]["volumeClaimTemplates"] = [{"metadata": {"name": "www"}, "spec": {
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
    return obj


def at(cl: Cluster, ms: int) -> None:
    cl.advance_to(T0 + ms)


def pods(cl: Cluster) -> dict[str, dict]:
    return {p["metadata"]["name"]: p for p in cl.tx.list("Pod", "default")}


def created_ms(obj: dict) -> int:
    return parse_rfc3339(obj["metadata"]["creationTimestamp"]) - T0


def the_set(cl: Cluster) -> dict:
    return cl.tx.get("StatefulSet", "default", "web")


def messages(cl: Cluster, obj: dict) -> list[tuple[str, str, int]]:
    return [(e["reason"], e["message"], e.get("count", 1)) for e in cl.tx.events_for(obj["metadata"]["uid"])]


def patch_template(cl: Cluster, image: str, **spec) -> None:
    old = the_set(cl)
    new = copy.deepcopy(old)
    new["spec"]["template"]["spec"]["containers"][0]["image"] = image
    new["spec"].update(spec)
    cl.api.update(old, new)
    cl.settle()


def set_spec(cl: Cluster, **spec) -> None:
    old = the_set(cl)
    new = copy.deepcopy(old)
    new["spec"].update(spec)
    cl.api.update(old, new)
    cl.settle()


def revision_of(p: dict) -> str:
    return p["metadata"]["labels"]["controller-revision-hash"]


def test_ordered_ready_starts_web1_at_the_instant_web0_is_running_and_ready(cl):
    """OrderedReady (processReplica, monotonic): web-1 is created only once web-0 is Running and Ready; the
    controller reacts at the instant of web-0's Ready status."""
    cl.api.create(web())
    cl.settle()
    assert list(pods(cl)) == ["web-0"]
    at(cl, 999)
    assert list(pods(cl)) == ["web-0"]  # still pulling: not Running and Ready
    at(cl, 1000)
    p = pods(cl)
    assert list(p) == ["web-0", "web-1"]
    assert (p["web-0"]["status"]["phase"], created_ms(p["web-0"]), created_ms(p["web-1"])) == ("Running", 0, 1000)
    sts = the_set(cl)
    assert messages(cl, sts) == [("SuccessfulCreate", "create Pod web-0 in StatefulSet web successful", 1),
                                 ("SuccessfulCreate", "create Pod web-1 in StatefulSet web successful", 1)]


def test_the_pods_identity(cl):
    """newStatefulSetPod / initIdentity / updateStorage / setPodRevision: name <set>-<ordinal>, generateName from
    GetPodFromTemplate, the pod-name, pod-index and controller-revision-hash labels, hostname and subdomain, a
    controller reference, and a persistentVolumeClaim volume per claim template (<claim>-<set>-<ordinal>)."""
    cl.api.create(web(claims=True))
    cl.settle()
    pod = pods(cl)["web-0"]
    sts = the_set(cl)
    rev = sts["status"]["updateRevision"]
    assert pod["metadata"]["generateName"] == "web-"
    assert pod["metadata"]["labels"] == {"app": "nginx", "apps.kubernetes.io/pod-index": "0",
                                         "controller-revision-hash": rev,
                                         "statefulset.kubernetes.io/pod-name": "web-0"}
    assert (pod["spec"]["hostname"], pod["spec"]["subdomain"]) == ("web-0", "nginx")
    assert pod["metadata"]["ownerReferences"] == [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                                                   "uid": sts["metadata"]["uid"], "controller": True,
                                                   "blockOwnerDeletion": True}]
    assert pod["spec"]["volumes"][0] == {"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}}
    assert cl.assumptions(pod)["nginx"] == [
        "volume www (PersistentVolumeClaim www-web-0, not served by minikctl) is an empty volume that lives with the pod"]


def test_the_revision_and_the_status(cl):
    """getStatefulSetRevisions creates revision 1 named web-<HashControllerRevision(getPatch(set), 0)>; the status
    (updateStatefulSetStatus) counts the pods and names the revisions; collisionCount is written (a pointer)."""
    cl.api.create(web())
    cl.settle()
    sts = the_set(cl)
    name = f"web-{H.hash_controller_revision(H.template_patch(sts), 0)}"
    revs = cl.tx.list("ControllerRevision", "default")
    assert [(r["metadata"]["name"], r["revision"]) for r in revs] == [(name, 1)]
    assert revs[0]["metadata"]["labels"] == {"app": "nginx",
                                             "controller.kubernetes.io/hash": name.split("-", 1)[1]}
    assert H.raw_data(revs[0]) == H.template_patch(sts)
    at(cl, 1000)
    assert the_set(cl)["status"] == {"availableReplicas": 2, "collisionCount": 0, "currentReplicas": 2,
                                     "currentRevision": name, "observedGeneration": 1, "readyReplicas": 2,
                                     "replicas": 2, "updateRevision": name, "updatedReplicas": 2}


def test_parallel_creates_every_pod_at_once(cl):
    """podManagementPolicy Parallel (allowsBurst): no waiting for predecessors."""
    cl.api.create(web(replicas=3, podManagementPolicy="Parallel"))
    cl.settle()
    assert {n: created_ms(p) for n, p in pods(cl).items()} == {"web-0": 0, "web-1": 0, "web-2": 0}


def test_min_ready_seconds_holds_the_next_pod_until_the_first_is_available(cl):
    """processReplica waits for isRunningAndAvailable. Nothing changes when web-0 becomes available (1 s ready + 10 s):
    the set is synced again by its timers — syncStatefulSet's requeue minReadySeconds after a sync with too few
    available pods (at 0 s: for 10 s), updatePod's minReadySeconds + 1 s after a pod turned ready (at 1 s: for 12 s) —
    and the delaying queue keeps only the earliest wait of a key. At 10 s web-0 is not yet available (ready at 1 s),
    so the next wait is for 20 s: web-1 is created at 20 s, as a real controller does."""
    cl.api.create(web(minReadySeconds=10))
    cl.settle()
    at(cl, 19_999)
    assert list(pods(cl)) == ["web-0"]
    assert the_set(cl)["status"]["availableReplicas"] == 0  # the status counts it available only once synced
    at(cl, 20_000)
    assert created_ms(pods(cl)["web-1"]) == 20_000
    assert the_set(cl)["status"]["availableReplicas"] == 1
    at(cl, 29_999)
    assert the_set(cl)["status"]["availableReplicas"] == 1
    at(cl, 30_000)  # web-1 ready at 20 s: requeued for 30 s (and 31 s, merged)
    assert the_set(cl)["status"]["availableReplicas"] == 2


def test_scale_down_goes_from_the_highest_ordinal_one_at_a_time(cl):
    """processCondemned (monotonic): the condemned pods go in descending ordinal order, each only once the one before
    it is gone."""
    cl.api.create(web(replicas=3))
    at(cl, 5000)
    set_spec(cl, replicas=1)
    p = pods(cl)
    assert p["web-2"]["metadata"].get("deletionTimestamp") and not p["web-1"]["metadata"].get("deletionTimestamp")
    cl.run_until(lambda: "web-2" not in pods(cl), T0 + 60_000)
    gone = cl.now_ms
    p = pods(cl)
    assert p["web-1"]["metadata"].get("deletionTimestamp")  # at the very instant web-2 was removed
    assert parse_rfc3339(p["web-1"]["metadata"]["deletionTimestamp"]) == gone + 30_000
    cl.run_until(lambda: "web-1" not in pods(cl), T0 + 120_000)
    assert list(pods(cl)) == ["web-0"]
    msgs = [m for _, m, _ in messages(cl, the_set(cl)) if m.startswith("delete")]
    assert msgs == ["delete Pod web-2 in StatefulSet web successful", "delete Pod web-1 in StatefulSet web successful"]


def test_a_deleted_pod_is_created_again_with_its_identity(cl):
    cl.api.create(web())
    at(cl, 5000)
    old = pods(cl)["web-0"]
    cl.api.delete(old)
    cl.run_until(lambda: pods(cl)["web-0"]["metadata"]["uid"] != old["metadata"]["uid"], T0 + 60_000)
    new = pods(cl)["web-0"]
    assert created_ms(new) == cl.now_ms - T0  # at the instant the old one was removed
    assert new["spec"]["hostname"] == "web-0"


def test_rolling_update_from_the_highest_ordinal_down_to_the_partition(cl):
    """The rolling update (updateStatefulSet): the highest ordinal not at the update revision is deleted, one at a
    time, waiting for each new pod to be Running and Ready; pods below the partition keep the current revision."""
    cl.api.create(web(replicas=3))
    at(cl, 5000)
    first = the_set(cl)["status"]["currentRevision"]
    patch_template(cl, "registry.k8s.io/nginx-slim:0.27",
                   updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 1}})
    sts = the_set(cl)
    second = sts["status"]["updateRevision"]
    assert second != first and sts["status"]["currentRevision"] == first
    p = pods(cl)
    assert p["web-2"]["metadata"].get("deletionTimestamp") and not p["web-1"]["metadata"].get("deletionTimestamp")
    cl.run_until(lambda: all(revision_of(p) == second for n, p in pods(cl).items() if n != "web-0")
                 and all(p["status"]["phase"] == "Running" for p in pods(cl).values()), T0 + 120_000)
    cl.advance_to(cl.now_ms + 30_000)
    p = pods(cl)
    assert [revision_of(p[f"web-{i}"]) for i in range(3)] == [first, second, second]
    assert p["web-0"]["spec"]["containers"][0]["image"] == "registry.k8s.io/nginx-slim:0.24"
    assert created_ms(p["web-1"]) > created_ms(p["web-2"])  # web-2 first, then web-1
    st = the_set(cl)["status"]
    assert (st["currentRevision"], st["updateRevision"], st["currentReplicas"], st["updatedReplicas"]) == \
        (first, second, 1, 2)
    set_spec(cl, updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
    cl.advance_to(cl.now_ms + 60_000)
    st = the_set(cl)["status"]
    assert (st["currentRevision"], st["updateRevision"], st["currentReplicas"], st["updatedReplicas"]) == \
        (second, second, 3, 3)  # completeRollingUpdate


def test_on_delete_replaces_pods_only_when_they_are_deleted(cl):
    cl.api.create(web(updateStrategy={"type": "OnDelete"}))
    at(cl, 5000)
    first = the_set(cl)["status"]["currentRevision"]
    patch_template(cl, "registry.k8s.io/nginx-slim:0.27")
    at(cl, 60_000)
    assert {revision_of(p) for p in pods(cl).values()} == {first}
    second = the_set(cl)["status"]["updateRevision"]
    cl.api.delete(pods(cl)["web-1"])
    cl.advance_to(cl.now_ms + 60_000)
    p = pods(cl)
    assert (revision_of(p["web-0"]), revision_of(p["web-1"])) == (first, second)
    assert p["web-1"]["spec"]["containers"][0]["image"] == "registry.k8s.io/nginx-slim:0.27"


def test_going_back_to_an_old_template_renumbers_its_revision(cl):
    """getStatefulSetRevisions: an equal revision that is not the last one is not created again, its Revision is
    raised to the next number (UpdateControllerRevision) — what `rollout undo` relies on."""
    cl.api.create(web(updateStrategy={"type": "OnDelete"}))
    cl.settle()
    patch_template(cl, "registry.k8s.io/nginx-slim:0.27")
    patch_template(cl, "registry.k8s.io/nginx-slim:0.24")
    revs = {r["spec"]["template"]["spec"]["containers"][0]["image"] if "spec" in r else
            r["data"]["spec"]["template"]["spec"]["containers"][0]["image"]: r["revision"]
            for r in cl.tx.list("ControllerRevision", "default")}
    assert revs == {"registry.k8s.io/nginx-slim:0.24": 3, "registry.k8s.io/nginx-slim:0.27": 2}


def test_revision_history_limit_keeps_live_revisions(cl):
    """truncateHistory: revisions neither current, update nor used by a pod are deleted oldest first beyond
    revisionHistoryLimit."""
    cl.api.create(web(replicas=1, revisionHistoryLimit=1))
    at(cl, 5000)
    for i, tag in enumerate(("0.26", "0.27", "0.8")):
        patch_template(cl, f"registry.k8s.io/nginx-slim:{tag}")
        cl.advance_to(cl.now_ms + 30_000)
    revs = sorted((r["revision"], r["data"]["spec"]["template"]["spec"]["containers"][0]["image"])
                  for r in cl.tx.list("ControllerRevision", "default"))
    assert revs == [(3, "registry.k8s.io/nginx-slim:0.27"), (4, "registry.k8s.io/nginx-slim:0.8")]


def test_a_refused_pod_is_a_failed_create_event_and_is_retried_with_backoff(cl):
    """CreateStatefulPod's refusal: FailedCreate "create Pod web-0 in StatefulSet web failed error: ..." (the
    status is still written) and the set requeued with the workqueue's rate limiter (5 ms * 2^failures). The status
    write wakes the set once more at once (a second failure, whose 10 ms wait merges into the pending 5 ms); then
    the waits are 20 ms, 40 ms, ... (the event's count aggregates the repeats)."""
    obj = web()
    obj["spec"]["template"]["spec"]["priorityClassName"] = "nope"
    cl.api.create(obj)
    cl.settle()
    sts = the_set(cl)
    assert pods(cl) == {}
    err = 'pods "web-0" is forbidden: no PriorityClass with name nope was found'
    assert messages(cl, sts) == [("FailedCreate", f"create Pod web-0 in StatefulSet web failed error: {err}", 2)]
    assert sts["status"]["observedGeneration"] == 1 and sts["status"]["replicas"] == 0
    counts = []
    for ms in (4, 5, 24, 25, 64, 65, 145):
        at(cl, ms)
        counts.append(messages(cl, sts)[0][2])
    assert counts == [2, 3, 3, 4, 4, 5, 6]


def test_an_orphan_member_is_adopted_and_a_stranger_is_not(cl):
    """getPodsForStatefulSet: ClaimPods adopts orphans the selector matches only if isMemberOf (web-N)."""
    for name in ("web-0", "other"):
        cl.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "nginx"}},
                       "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24"}]}})
    cl.settle()
    cl.api.create(web(replicas=1))
    cl.settle()
    p = pods(cl)
    assert p["web-0"]["metadata"]["ownerReferences"][0]["name"] == "web"
    assert "ownerReferences" not in p["other"]["metadata"]


def test_an_unready_pod_blocks_the_next_ordinal(cl):
    """OrderedReady: while web-0 is Running but not Ready (its readiness probe fails), web-1 is never created."""
    obj = web()
    obj["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {
        "exec": {"command": ["false"]}, "periodSeconds": 5}
    cl.api.create(obj)
    at(cl, 120_000)
    p = pods(cl)
    assert list(p) == ["web-0"] and p["web-0"]["status"]["phase"] == "Running"
    status = the_set(cl)["status"]
    assert (status["replicas"], status.get("readyReplicas", 0)) == (1, 0)  # readyReplicas: omitempty


def test_parallel_scale_down_deletes_every_condemned_pod_at_once(cl):
    """processCondemned without monotonic: every pod above the new replica count is deleted in the same sync."""
    cl.api.create(web(replicas=3, podManagementPolicy="Parallel"))
    at(cl, 5000)
    set_spec(cl, replicas=1)
    msgs = [m for _, m, _ in messages(cl, the_set(cl)) if m.startswith("delete")]
    assert msgs == ["delete Pod web-2 in StatefulSet web successful", "delete Pod web-1 in StatefulSet web successful"]

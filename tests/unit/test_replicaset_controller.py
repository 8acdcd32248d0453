"""The ReplicaSet controller against kubernetes v1.32 pkg/controller/replicaset/replica_set.go (syncReplicaSet,
manageReplicas, getPodsToDelete), replica_set_utils.go (calculateStatus) and pkg/controller/controller_utils.go
(ActivePodsWithRanks, slow start), and the kubernetes.io ReplicaSet page (controllers/frontend.yaml: three pods
``frontend-xxxxx``, ``SuccessfulCreate ... replicaset-controller  Created pod: frontend-...``, a deleted pod
replaced, orphans with matching labels acquired)."""

from __future__ import annotations

import pytest

from apps_world import EPOCH, World, ready, replicaset
from minikctl.engine.controllers import replicaset as rsc


@pytest.fixture
def world(tmp_path):
    return World(tmp_path)


def names(pods):
    return [p["metadata"]["name"] for p in pods]


def test_creates_the_pods_of_the_template_at_once(world):
    """syncReplicaSet: too few replicas -> CreatePods with the controller reference; SuccessfulCreate events."""
    rs = world.create(replicaset())
    pods = world.pods()
    assert len(pods) == 3 and all(n.startswith("frontend-") and len(n) == len("frontend-") + 5 for n in names(pods))
    for p in pods:
        ref = p["metadata"]["ownerReferences"]
        assert ref == [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "frontend", "uid": rs["metadata"]["uid"],
                        "controller": True, "blockOwnerDeletion": True}]
        assert p["metadata"]["labels"] == {"tier": "frontend"}
        assert p["metadata"]["creationTimestamp"] == rs["metadata"]["creationTimestamp"]
    events = world.events(rs)
    assert sorted(e[2] for e in events) == sorted(f"Created pod: {n}" for n in names(pods))
    assert {e[:2] + e[3:] for e in events} == {("Normal", "SuccessfulCreate", "replicaset-controller", 1)}
    status = world.get("ReplicaSet", "frontend")["status"]
    assert status == {"replicas": 3, "fullyLabeledReplicas": 3, "observedGeneration": 1}  # none ready yet


def test_status_follows_the_pods(world):
    """calculateStatus: readyReplicas and availableReplicas when the pods turn Ready (nginx pulls in 2 s)."""
    world.create(replicaset())
    world.at(1_000)
    assert world.get("ReplicaSet", "frontend")["status"].get("readyReplicas") is None
    world.at(2_000)
    assert all(ready(p) for p in world.pods())
    status = world.get("ReplicaSet", "frontend")["status"]
    assert status == {"replicas": 3, "fullyLabeledReplicas": 3, "readyReplicas": 3, "availableReplicas": 3,
                      "observedGeneration": 1}


def test_a_deleted_pod_is_replaced_at_the_same_instant(world):
    """updatePod/deletePod: a pod with a deletionTimestamp is no longer active; the ReplicaSet creates another
    at once, while the deleted one terminates."""
    world.create(replicaset())
    world.at(5_000)
    victim = world.pods()[0]
    world.delete("Pod", victim["metadata"]["name"])
    pods = world.pods()
    assert len(pods) == 3 and victim["metadata"]["name"] not in names(pods)
    new = [p for p in pods if p["metadata"]["creationTimestamp"] != victim["metadata"]["creationTimestamp"]]
    assert len(new) == 1 and new[0]["metadata"]["creationTimestamp"] == "2026-01-01T00:00:05Z"
    assert world.get("Pod", victim["metadata"]["name"])["metadata"]["deletionTimestamp"]  # terminating, not gone


def test_scale_down_deletes_the_least_valuable_pods_first(world):
    """getPodsToDelete / ActivePodsWithRanks: not ready before ready, then the most recently ready."""
    world.create(replicaset(replicas=2))
    world.at(10_000)
    old = names(world.pods())
    world.change("ReplicaSet", "frontend", lambda o: o["spec"].update(replicas=4))
    world.at(11_000)  # the two new pods are pulling (nginx is on the node already: they start at once)
    young = [n for n in names(world.pods()) if n not in old]
    world.at(40_000)
    world.change("ReplicaSet", "frontend", lambda o: o["spec"].update(replicas=2))
    assert sorted(names(world.pods())) == sorted(old)  # ready for 30 s vs 39 s: another log2 bucket
    deleted = [e[2] for e in world.events(reason="SuccessfulDelete")]
    assert sorted(deleted) == sorted(f"Deleted pod: {n}" for n in young)


def pod(name: str, node: str = "", phase: str = "Pending", ready_at: int | None = None, created: int = 0,
        restarts: int = 0, cost: str | None = None, uid: str = "") -> dict:
    from minikctl.kube.timefmt import rfc3339

    status: dict = {"phase": phase}
    if ready_at is not None:
        status["conditions"] = [{"type": "Ready", "status": "True", "lastTransitionTime": rfc3339(EPOCH + ready_at)}]
    status["containerStatuses"] = [{"name": "c", "restartCount": restarts}]
    meta: dict = {"name": name, "uid": uid or name, "creationTimestamp": rfc3339(EPOCH + created)}
    if cost is not None:
        meta["annotations"] = {"controller.kubernetes.io/pod-deletion-cost": cost}
    return {"metadata": meta, "spec": {"nodeName": node} if node else {}, "status": status}


def test_active_pods_with_ranks_order():
    """controller_utils.go ActivePodsWithRanks.Less, rule by rule (LogarithmicScaleDown and PodDeletionCost on)."""
    now = EPOCH + 1_000_000
    pods = [
        pod("unscheduled"),
        pod("pending", node="n1"),
        pod("unknown", node="n1", phase="Unknown"),
        pod("not-ready", node="n1", phase="Running"),
        pod("costly", node="n1", phase="Running", ready_at=100_000, cost="10"),
        pod("cheap", node="n1", phase="Running", ready_at=100_000, cost="-5"),
        pod("ready-long", node="n1", phase="Running", ready_at=1_000),
        pod("ready-recent", node="n1", phase="Running", ready_at=990_000),
    ]
    order = names(rsc.pods_to_delete(list(reversed(pods)), [], len(pods) - 1, now))
    assert order == ["unscheduled", "pending", "unknown", "not-ready", "cheap", "ready-recent", "ready-long"]


def test_ranks_restarts_creation_and_doubled_up():
    now = EPOCH + 1_000_000
    # same ready time: more restarts first; then the newer creation; the pod on the busier node first
    a = pod("a", node="n1", phase="Running", ready_at=500_000, created=10_000, restarts=3)
    b = pod("b", node="n1", phase="Running", ready_at=500_000, created=10_000)
    c = pod("c", node="n1", phase="Running", ready_at=500_000, created=900_000)
    assert names(rsc.pods_to_delete([b, c, a], [], 2, now)) == ["a", "c"]
    d = pod("d", node="busy", phase="Running", ready_at=500_000)
    e = pod("e", node="calm", phase="Running", ready_at=500_000)
    related = [d, e, pod("x", node="busy", phase="Running"), pod("y", node="busy", phase="Running")]
    assert names(rsc.pods_to_delete([e, d], related, 1, now)) == ["d"]
    # ready times in the same log2 bucket: the UID decides
    f = pod("f", node="n1", phase="Running", ready_at=900_000, uid="2")  # ready 100 s: log2(1e11 ns) = 36.5
    g = pod("g", node="n1", phase="Running", ready_at=901_000, uid="1")  # ready 99 s: 36.5
    assert names(rsc.pods_to_delete([f, g], [], 1, now)) == ["g"]


def test_slow_start_batches():
    """slowStartBatch: 1, 2, 4, ... never more than what remains (SlowStartInitialBatchSize = 1)."""
    assert rsc.slow_start_batches(10) == [1, 2, 4, 3]
    assert rsc.slow_start_batches(1) == [1]
    assert rsc.slow_start_batches(0) == []


def test_burst_replicas_caps_one_sync_but_the_controller_carries_on(world):
    """manageReplicas creates at most burstReplicas (500) per sync; the pods it observes resync it."""
    from apps_world import deployment  # noqa: F401 - (same module of helpers)

    world.step(lambda cl: [cl.api.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"n{i}"}})
                           for i in range(6)])
    world.create(replicaset(replicas=600, image="busybox:1.36"))
    assert len(world.pods()) == 600
    assert world.get("ReplicaSet", "frontend")["status"]["replicas"] == 600


def test_adopts_orphans_and_releases_pods_whose_labels_change(world):
    """ClaimPods: an orphan matching the selector is adopted (it counts as a replica, so none is created);
    a pod relabelled out of the selector is released and replaced."""
    world.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pod1", "labels": {"tier": "frontend"}},
                  "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    rs = world.create(replicaset(replicas=2))
    pods = world.pods()
    assert len(pods) == 2 and "pod1" in names(pods)
    adopted = world.get("Pod", "pod1")
    assert adopted["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"]
    world.change("Pod", "pod1", lambda p: p["metadata"]["labels"].update(tier="other"))
    assert "ownerReferences" not in world.get("Pod", "pod1")["metadata"]
    assert len([p for p in world.pods() if p["metadata"]["labels"]["tier"] == "frontend"]) == 2


@pytest.mark.parametrize("same_command", [False, True])
def test_adopts_an_orphan_whose_owners_are_not_its_controller(world, same_command):
    """ClaimPods adopts a pod with no controller reference whatever other owners it has (controller_ref_manager.go
    ClaimObject: ``controllerRef == nil``), and AdoptPod adds the controller reference beside them; the pod then
    counts as a replica, so the ReplicaSet deletes one of its own. The same whether the pod is written in a later
    command (the controller's cache read from the store) or in the command that has already synced the ReplicaSet
    (the pod reaches the cache as a change's text, unread)."""
    cm = world.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "owner"}, "data": {}})
    ref = {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": cm["metadata"]["uid"]}
    orphan = {"apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": "orphan", "labels": {"tier": "frontend"}, "ownerReferences": [ref]},
              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}

    def act(cl):
        rs = cl.api.create(replicaset(replicas=2))
        if same_command:
            cl.settle()  # the ReplicaSet's pods made and its informer's cache filled
            cl.api.create(dict(orphan))
        return rs

    rs = world.step(act)
    if not same_command:
        world.create(orphan)
    refs = world.get("Pod", "orphan")["metadata"]["ownerReferences"]
    assert [r["kind"] for r in refs] == ["ConfigMap", "ReplicaSet"] and refs[1]["uid"] == rs["metadata"]["uid"]
    assert refs[1]["controller"] is True
    assert len(world.pods()) == 2


def test_min_ready_seconds_makes_pods_available_later(world):
    """IsPodAvailable: ready for more than minReadySeconds (lastTransitionTime + minReadySeconds before now);
    updatePod requeues the ReplicaSet minReadySeconds + 1 s after a pod turned ready."""
    world.create(replicaset(replicas=2, minReadySeconds=5))
    world.at(2_000)  # ready at 2 s
    assert world.get("ReplicaSet", "frontend")["status"].get("availableReplicas") is None
    world.at(7_999)
    assert world.get("ReplicaSet", "frontend")["status"].get("availableReplicas") is None
    world.at(8_000)  # 2 s + 5 s + 1 s
    assert world.get("ReplicaSet", "frontend")["status"]["availableReplicas"] == 2


def test_refused_pods_are_failed_create_events_and_a_condition(world):
    """A pod the API refuses (here the Priority admission plugin): FailedCreate "Error creating: ..." naming the
    pod by its generateName (admission runs before the name is completed), one attempt per sync (the slow start's
    first batch fails), the ReplicaFailure condition; retries with the workqueue's back-off; fixed template ->
    pods, condition removed."""
    bad = replicaset(replicas=3, image="busybox:1.36")
    bad["spec"]["template"]["spec"]["priorityClassName"] = "nope"
    rs = world.create(bad)
    assert world.pods() == []
    events = world.events(rs, "FailedCreate")
    msg = 'Error creating: pods "frontend-" is forbidden: no PriorityClass with name nope was found'
    assert events[0][:4] == ("Warning", "FailedCreate", msg, "replicaset-controller")
    first = events[0][4]
    cond = world.get("ReplicaSet", "frontend")["status"]["conditions"]
    assert [(c["type"], c["status"], c["reason"], c["message"]) for c in cond] == [
        ("ReplicaFailure", "True", "FailedCreate",
         'pods "frontend-" is forbidden: no PriorityClass with name nope was found')]
    # at 0 the first sync fails, and so does the one its status write (the condition) triggers: two attempts,
    # the rate limiter at 2; its waiting entry (5 ms, the earliest) then fires at 5, 25, 65, 145, 305, 625 ms
    assert first == 2
    world.at(1_000)
    assert world.events(rs, "FailedCreate")[0][4] == first + 6
    world.change("ReplicaSet", "frontend", lambda o: o["spec"]["template"]["spec"].pop("priorityClassName"))
    assert len(world.pods()) == 3
    assert "conditions" not in world.get("ReplicaSet", "frontend")["status"]


def test_deleting_the_replicaset_deletes_its_pods(world):
    """The garbage collector (background cascading deletion) removes the pods it owned."""
    world.create(replicaset())
    world.delete("ReplicaSet", "frontend")
    assert world.get("ReplicaSet", "frontend") is None
    assert world.pods() == []


def test_many_creations_are_combined_into_one_event(world):
    """client-go's EventAggregator (tools/record/events_cache.go: 10 events, 10 minutes): the 10th distinct
    "Created pod" message of one ReplicaSet within 10 minutes, and every one after it, go to one
    "(combined from similar events)" event whose message is the latest."""
    rs = world.create(replicaset(replicas=12, image="busybox:1.36"))
    events = world.events(rs, "SuccessfulCreate")
    assert len(events) == 10
    singles, combined = events[:9], events[9]
    assert all(e[2].startswith("Created pod: frontend-") and e[4] == 1 for e in singles)
    assert combined[2].startswith("(combined from similar events): Created pod: frontend-") and combined[4] == 3
    assert len({e[2] for e in singles}) == 9
    world.at(700_000)  # more than 10 minutes later the aggregator starts over
    world.change("ReplicaSet", "frontend", lambda o: o["spec"].update(replicas=14))
    later = world.events(rs, "SuccessfulCreate")[10:]
    assert [e[2].startswith("Created pod: frontend-") for e in later] == [True, True]

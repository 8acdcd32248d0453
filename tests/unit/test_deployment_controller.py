"""The Deployment controller against kubernetes v1.32 pkg/controller/deployment (sync.go getNewReplicaSet, scale,
calculateStatus; rolling.go; recreate.go; progress.go syncRolloutStatus; util/deployment_util.go) and the
kubernetes.io Deployment page (concepts/workloads/controllers/deployment.md): the nginx-deployment tutorial, its
rolling update's ScalingReplicaSet sequence, proportional scaling (10 -> 15 replicas during a blocked rollout:
old 8 -> 11, new 5 -> 7), pausing, progress deadlines, revision history."""

from __future__ import annotations

import pytest

from apps_world import EPOCH, World, deployment, ready
from minikctl.engine.controllers import deployment_util as du


@pytest.fixture
def world(tmp_path):
    return World(tmp_path)


def image(img):
    return lambda d: d["spec"]["template"]["spec"]["containers"][0].update(image=img)


def rs_table(world) -> dict:
    """name -> (spec.replicas, status.replicas, status.readyReplicas): `kubectl get rs`'s DESIRED CURRENT READY."""
    return {r["metadata"]["name"]: (r["spec"]["replicas"], r["status"].get("replicas", 0),
                                    r["status"].get("readyReplicas", 0)) for r in world.list("ReplicaSet")}


def conditions(obj) -> list[tuple]:
    return [(c["type"], c["status"], c["reason"], c["message"]) for c in obj["status"].get("conditions") or []]


def scaling(world) -> list[str]:
    return [e[2] for e in world.events(reason="ScalingReplicaSet")]


def test_the_tutorial_deployment(world):
    """ReplicaSet `<deployment>-<pod-template-hash>` (ComputeHash of the 1.32 template: 647677fc66, as 1.32
    clusters name it), its annotations, the pods' labels, the revision, status and conditions."""
    d = world.create(deployment())
    assert rs_table(world) == {"nginx-deployment-647677fc66": (3, 3, 0)}
    rs = world.get("ReplicaSet", "nginx-deployment-647677fc66")
    assert rs["metadata"]["labels"] == {"app": "nginx", "pod-template-hash": "647677fc66"}
    assert rs["metadata"]["annotations"] == {"deployment.kubernetes.io/desired-replicas": "3",
                                             "deployment.kubernetes.io/max-replicas": "4",
                                             "deployment.kubernetes.io/revision": "1"}
    assert rs["spec"]["selector"] == {"matchLabels": {"app": "nginx", "pod-template-hash": "647677fc66"}}
    assert rs["metadata"]["ownerReferences"][0]["uid"] == d["metadata"]["uid"]
    assert all(p["metadata"]["labels"] == {"app": "nginx", "pod-template-hash": "647677fc66"}
               and p["metadata"]["name"].startswith("nginx-deployment-647677fc66-") for p in world.pods())
    d = world.get("Deployment", "nginx-deployment")
    assert d["metadata"]["annotations"] == {"deployment.kubernetes.io/revision": "1"}
    assert d["status"] | {"conditions": None} == {"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3,
                                                  "unavailableReplicas": 3, "conditions": None}
    # NewReplicaSetCreated, then Available False appended, then (the ReplicaSet's pods counted) progress: the
    # Progressing condition is removed and set again, so it comes last
    assert conditions(d) == [
        ("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
        ("Progressing", "True", "ReplicaSetUpdated", 'ReplicaSet "nginx-deployment-647677fc66" is progressing.')]
    assert scaling(world) == ["Scaled up replica set nginx-deployment-647677fc66 from 0 to 3"]
    world.at(2_000)  # nginx pulled and started: ready
    d = world.get("Deployment", "nginx-deployment")
    assert d["status"] | {"conditions": None} == {"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3,
                                                  "readyReplicas": 3, "availableReplicas": 3, "conditions": None}
    assert conditions(d) == [
        ("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
        ("Progressing", "True", "NewReplicaSetAvailable",
         'ReplicaSet "nginx-deployment-647677fc66" has successfully progressed.')]
    progressing = d["status"]["conditions"][1]
    assert (progressing["lastTransitionTime"], progressing["lastUpdateTime"]) == ("2026-01-01T00:00:00Z",
                                                                                  "2026-01-01T00:00:02Z")


def test_rolling_update_sequence(world):
    """25% maxSurge / 25% maxUnavailable of 3: at most 4 pods, at least 3 available; the documented sequence of
    ScalingReplicaSet events (up new to 1, down old to 2, up new to 2, down old to 1, up new to 3, down old to 0)."""
    world.create(deployment())
    world.at(10_000)
    world.change("Deployment", "nginx-deployment", image("nginx:1.16.1"))
    assert rs_table(world) == {"nginx-deployment-647677fc66": (3, 3, 3), "nginx-deployment-8d94c585f": (1, 1, 0)}
    assert world.get("Deployment", "nginx-deployment")["metadata"]["annotations"][
        "deployment.kubernetes.io/revision"] == "2"
    world.at(20_000)
    assert rs_table(world) == {"nginx-deployment-647677fc66": (0, 0, 0), "nginx-deployment-8d94c585f": (3, 3, 3)}
    assert scaling(world)[1:] == [
        "Scaled up replica set nginx-deployment-8d94c585f from 0 to 1",
        "Scaled down replica set nginx-deployment-647677fc66 from 3 to 2",
        "Scaled up replica set nginx-deployment-8d94c585f from 1 to 2",
        "Scaled down replica set nginx-deployment-647677fc66 from 2 to 1",
        "Scaled up replica set nginx-deployment-8d94c585f from 2 to 3",
        "Scaled down replica set nginx-deployment-647677fc66 from 1 to 0"]
    old = world.get("ReplicaSet", "nginx-deployment-647677fc66")
    assert old["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    d = world.get("Deployment", "nginx-deployment")
    assert d["status"]["updatedReplicas"] == 3 and d["status"]["availableReplicas"] == 3


def test_a_scale_is_not_a_rollout(world):
    """isScalingEvent: a new replica count only scales the current ReplicaSet (no new revision)."""
    world.create(deployment())
    world.at(5_000)
    world.change("Deployment", "nginx-deployment", lambda d: d["spec"].update(replicas=5))
    assert rs_table(world) == {"nginx-deployment-647677fc66": (5, 5, 5)}  # nginx is on the node: ready at once
    rs = world.get("ReplicaSet", "nginx-deployment-647677fc66")
    assert rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] == "5"
    assert rs["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] == "7"  # 5 + ceil(25% of 5)
    assert scaling(world)[-1] == "Scaled up replica set nginx-deployment-647677fc66 from 3 to 5"


def test_proportional_scaling_during_a_blocked_rollout(world):
    """The documented example: 10 replicas, maxSurge 3, maxUnavailable 2; an unresolvable image leaves the new
    ReplicaSet at 5 and the old at 8; scaling to 15 shares the 5 extra replicas 3:2 (old 11, new 7)."""
    world.create(deployment(replicas=10, strategy={"type": "RollingUpdate",
                                                   "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 2}}))
    world.at(5_000)
    world.change("Deployment", "nginx-deployment", image("nginx:1.161"))
    world.at(10_000)
    table = rs_table(world)
    new = next(n for n in table if n != "nginx-deployment-647677fc66")
    assert table == {"nginx-deployment-647677fc66": (8, 8, 8), new: (5, 5, 0)}
    world.change("Deployment", "nginx-deployment", lambda d: d["spec"].update(replicas=15))
    assert rs_table(world) == {"nginx-deployment-647677fc66": (11, 11, 11), new: (7, 7, 0)}
    assert scaling(world)[-2:] == ["Scaled up replica set nginx-deployment-647677fc66 from 8 to 11",
                                   f"Scaled up replica set {new} from 5 to 7"]


@pytest.mark.parametrize("surge,unavailable,desired,expected", [
    ("25%", "25%", 3, (1, 0)), ("25%", "25%", 4, (1, 1)), ("25%", "25%", 10, (3, 2)),
    # ResolveFenceposts' own examples: both resolving to 0 makes maxUnavailable 1
    ("0%", "1%", 2, (0, 1)), ("1%", "25%", 2, (1, 0)), ("1%", "0%", 1, (1, 0)), (0, 0, 5, (0, 1)),
])
def test_resolve_fenceposts(surge, unavailable, desired, expected):
    assert du.resolve_fenceposts(surge, unavailable, desired) == expected


def test_recreate_deletes_every_old_pod_before_the_new_replica_set(world):
    """rolloutRecreate: the old ReplicaSets scaled to 0; the new one is created only once no old pod is running
    (oldPodsRunning), here when the grace period of a shell that ignores SIGTERM has run out."""
    d = deployment(strategy={"type": "Recreate"}, image="busybox:1.36")
    tspec = d["spec"]["template"]["spec"]
    tspec["containers"][0]["command"] = ["sh", "-c", "sleep 3600"]
    tspec["terminationGracePeriodSeconds"] = 10
    world.create(d)
    world.at(5_000)
    world.change("Deployment", "nginx-deployment", lambda o: o["spec"]["template"]["spec"]["containers"][0]
                 ["command"].__setitem__(2, "sleep 7200"))
    old = next(iter(rs_table(world)))
    assert rs_table(world) == {old: (0, 0, 0)}  # the old pods terminate; no new ReplicaSet yet
    assert world.pods() == [] and len(world.pods(active=False)) == 3
    world.at(14_000)
    assert list(rs_table(world)) == [old]
    world.at(16_000)  # killed at 15 s (grace 10 s): the new ReplicaSet, scaled to 3 at once
    table = rs_table(world)
    assert len(table) == 2 and table[old] == (0, 0, 0)
    new = next(n for n in table if n != old)
    assert scaling(world)[1:] == [f"Scaled down replica set {old} from 3 to 0", f"Scaled up replica set {new} from 0 to 3"]
    assert [e[3] for e in world.events(reason="ScalingReplicaSet")] == ["deployment-controller"] * 3


def test_paused_deployment_and_resume(world):
    """checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed; a paused Deployment's
    template change starts no rollout until it is resumed."""
    world.create(deployment())
    world.at(5_000)
    world.change("Deployment", "nginx-deployment", lambda d: d["spec"].update(paused=True))
    assert ("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused") in conditions(
        world.get("Deployment", "nginx-deployment"))
    world.change("Deployment", "nginx-deployment", image("nginx:1.16.1"))
    assert list(rs_table(world)) == ["nginx-deployment-647677fc66"]
    world.change("Deployment", "nginx-deployment", lambda d: d["spec"].pop("paused"))
    assert "nginx-deployment-8d94c585f" in rs_table(world)
    world.at(20_000)
    assert conditions(world.get("Deployment", "nginx-deployment"))[-1] == (
        "Progressing", "True", "NewReplicaSetAvailable",
        'ReplicaSet "nginx-deployment-8d94c585f" has successfully progressed.')


def test_progress_deadline(world):
    """DeploymentTimedOut / requeueStuckDeployment: without progress for progressDeadlineSeconds the Progressing
    condition turns False, reason ProgressDeadlineExceeded, at lastUpdateTime + deadline + 1 s."""
    world.create(deployment(progressDeadlineSeconds=30))
    world.at(5_000)
    world.change("Deployment", "nginx-deployment", image("nginx:1.161"))  # the tutorial's typo: never pulls
    d = world.get("Deployment", "nginx-deployment")
    progressing = next(c for c in d["status"]["conditions"] if c["type"] == "Progressing")
    assert progressing["lastUpdateTime"] == "2026-01-01T00:00:05Z"
    world.at(35_999)
    assert conditions(world.get("Deployment", "nginx-deployment"))[-1][2] != "ProgressDeadlineExceeded"
    world.at(36_000)
    new = next(n for n in rs_table(world) if n != "nginx-deployment-647677fc66")
    assert conditions(world.get("Deployment", "nginx-deployment"))[-1] == (
        "Progressing", "False", "ProgressDeadlineExceeded", f'ReplicaSet "{new}" has timed out progressing.')


def test_revision_history_limit_cleans_up_old_replica_sets(world):
    """cleanupDeployment: once a rollout is complete, old ReplicaSets with no pods beyond revisionHistoryLimit
    go, the oldest revisions first."""
    world.create(deployment(revisionHistoryLimit=1))
    for t, img in ((10_000, "nginx:1.16.1"), (20_000, "nginx:1.17"), (30_000, "nginx:1.25")):
        world.at(t)
        world.change("Deployment", "nginx-deployment", image(img))
    world.at(40_000)
    revisions = sorted(r["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                       for r in world.list("ReplicaSet"))
    assert revisions == ["3", "4"]


def test_deleting_the_deployment_cascades(world):
    """Background cascading deletion through the garbage collector: its ReplicaSets, then their pods."""
    world.create(deployment())
    world.at(5_000)
    world.delete("Deployment", "nginx-deployment")
    assert world.list("ReplicaSet") == [] and world.pods() == []


def test_rollback_annotation(world):
    """rollback.go: the deprecated rollbackTo (the annotation the API keeps for it) copies the revision's
    template back, with the DeploymentRollback event."""
    world.create(deployment())
    world.at(5_000)
    world.change("Deployment", "nginx-deployment", image("nginx:1.16.1"))
    world.at(10_000)
    world.change("Deployment", "nginx-deployment",
                 lambda d: d["metadata"]["annotations"].update({"deprecated.deployment.rollback.to": "1"}))
    d = world.get("Deployment", "nginx-deployment")
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.14.2"
    assert "deprecated.deployment.rollback.to" not in d["metadata"]["annotations"]
    assert world.events(reason="DeploymentRollback")[0][2] == 'Rolled back deployment "nginx-deployment" to revision 1'
    world.at(20_000)
    rs = world.get("ReplicaSet", "nginx-deployment-647677fc66")
    assert rs["spec"]["replicas"] == 3
    assert rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    assert rs["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"] == "1"
    assert all(ready(p) for p in world.pods())


def test_a_completed_rollout_whose_pods_crash_is_not_requeued_for_progress(world, monkeypatch):
    """requeueStuckDeployment (progress.go) requeues a Deployment that is not complete for a progress check, and,
    once lastUpdateTime + progressDeadlineSeconds is past, rate-limited again at every sync; for a rollout that
    completed once (Progressing NewReplicaSetAvailable) DeploymentTimedOut answers false whatever the time, so
    those syncs write nothing and are not armed. The Deployment still follows its pod: a container that runs 3 s
    and crashes makes it Available at each run and not Available at each crash, at their instants, over 20 minutes
    (past the 600 s deadline) with fewer than 500 syncs (42 here), not one every 5 ms."""
    from minikctl.engine.controllers.deployment import DeploymentController

    syncs = []
    real = DeploymentController.sync

    def counted(self, *args):
        syncs.append(self.tx.now_ms)
        return real(self, *args)

    monkeypatch.setattr(DeploymentController, "sync", counted)
    d = deployment(replicas=1, image="busybox:1.36")
    d["spec"]["template"]["spec"]["containers"][0]["command"] = ["sh", "-c", "sleep 3; exit 1"]
    world.create(d)
    world.at(20 * 60_000)
    assert len(syncs) < 500, len(syncs)
    dep = world.get("Deployment", "nginx-deployment")
    progressing = next(c for c in dep["status"]["conditions"] if c["type"] == "Progressing")
    assert progressing["reason"] == "NewReplicaSetAvailable"
    available = next(c for c in dep["status"]["conditions"] if c["type"] == "Available")
    pod = world.pods()[0]
    started = pod["status"]["containerStatuses"][0]["lastState"]["terminated"]["startedAt"]
    finished = pod["status"]["containerStatuses"][0]["lastState"]["terminated"]["finishedAt"]
    # the last run's crash turned it unavailable at the crash's instant (its run made it Available at its start)
    assert available["status"] == "False" and available["lastTransitionTime"] == finished, (available, started)

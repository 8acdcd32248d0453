"""The Deployment controller (kubernetes v1.32 ``pkg/controller/deployment``), component ``deployment-controller``.

``syncDeployment`` (deployment_controller.go): claim the ReplicaSets the selector matches
(``ClaimReplicaSets``), then, in this order: only the status while the Deployment is being deleted; the
DeploymentPaused / DeploymentResumed Progressing conditions (``checkPausedConditions``); a paused Deployment
or a scaling event (``isScalingEvent``: an active ReplicaSet's desired-replicas annotation differs from
spec.replicas) is only scaled, proportionally across its ReplicaSets (sync.go ``sync``/``scale``); a
rollback asked through the deprecated annotation (rollback.go); otherwise a rollout, RollingUpdate
(rolling.go: scale the new ReplicaSet up within maxSurge, the old ones down within maxUnavailable, unhealthy
ones first) or Recreate (recreate.go: every old pod gone before the new ReplicaSet scales up).
The new ReplicaSet is ``<deployment>-<pod-template-hash>`` (``controller.ComputeHash``, podhash.py) with the
revision, desired-replicas and max-replicas annotations; the Deployment's status and Progressing/Available
conditions come from its ReplicaSets (progress.go ``syncRolloutStatus``, sync.go ``calculateStatus``), and old
ReplicaSets beyond revisionHistoryLimit are deleted once a rollout completes (``cleanupDeployment``).

Timing: it syncs at the instant it observes a change of the Deployment or of one of its ReplicaSets (it does not
watch pods, except that a Recreate Deployment is looked at again when one of its pods is deleted); a rollout
without progress is looked at again when its progress deadline passes (``requeueStuckDeployment``:
lastUpdateTime + progressDeadlineSeconds + 1 s), which is when ProgressDeadlineExceeded appears.

Where the Go code writes twice from the same stale copy in one sync (the second write then fails with a conflict
and the Deployment is requeued), each write here starts from the stored object, which is where the requeue ends.
"""

from __future__ import annotations

from minikctl.engine.controllers import deployment_util as du
from minikctl.engine.controllers.base import Controller, controller_ref, new_controller_ref
from minikctl.engine.controllers.informer import Informer
from minikctl.engine.controllers.podhash import compute_hash
from minikctl.kube import errors as E
from minikctl.kube.selectors import LabelSelector
from minikctl.kube.treecopy import tree_copy  # copy.deepcopy's copy of decoded JSON, at a third of its cost
from minikctl.store.changelog import DELETED


def _selector(obj: dict) -> LabelSelector | None:
    try:
        return LabelSelector.from_match(du.spec(obj).get("selector"))
    except E.MinikctlError:
        return None


def _labels(obj: dict) -> dict:
    return (obj.get("metadata") or {}).get("labels") or {}


class DeploymentController(Controller):
    name = "deployment-controller"
    kind = "Deployment"
    owned = ("ReplicaSet",)
    also_watches = ("Pod",)

    def __init__(self, loop) -> None:
        super().__init__(loop)
        # the ReplicaSet lister: reading the store instead would write back every object update held in memory
        # at each sync (Tx.list flushes them), and a rollout syncs once per ReplicaSet status change
        self.replica_sets = Informer(self.tx, "ReplicaSet")

    # ---- the informers (addReplicaSet, updateReplicaSet, deleteReplicaSet, deletePod) -------------------------
    def observe(self, ch) -> None:
        if ch.kind == "ReplicaSet":
            self.replica_sets.observe(ch)
        super().observe(ch)

    def observe_orphan(self, ch) -> None:
        """An orphan ReplicaSet: every Deployment whose selector matches its labels may adopt it
        (getDeploymentsForReplicaSet: a ReplicaSet without labels, an empty selector match nothing)."""
        if ch.kind != "ReplicaSet":
            return
        labels = _labels(ch.obj)
        if not labels:
            return
        for d in self.owners(ch.namespace):
            sel = _selector(d)
            if sel is not None and not sel.empty() and sel.matches(labels):
                self.enqueue(ch.namespace, d["metadata"]["name"])

    def observe_other(self, ch) -> None:
        """deletePod: a Recreate Deployment waits for its old pods to be gone."""
        if ch.kind != "Pod" or ch.type != DELETED:
            return
        ref = controller_ref(ch.obj)
        if ref is None or ref.get("kind") != "ReplicaSet":
            return
        rs = self.tx.get("ReplicaSet", ch.namespace, ref.get("name", ""))
        if rs is None or du.uid(rs) != ref.get("uid"):
            return
        dref = controller_ref(rs)
        if dref is None or dref.get("kind") != "Deployment":
            return
        d = self.tx.get("Deployment", ch.namespace, dref.get("name", ""))
        if d is not None and du.uid(d) == dref.get("uid") and \
                (du.spec(d).get("strategy") or {}).get("type") == "Recreate":
            self.enqueue(ch.namespace, d["metadata"]["name"])

    # ---- writes ---------------------------------------------------------------------------------------------
    def _write_deployment(self, d: dict, status: bool) -> dict:
        """UpdateStatus (status=True) or Update of the working copy, against the stored object."""
        stored = self.tx.get("Deployment", d["metadata"].get("namespace", "default"), d["metadata"]["name"])
        if stored is None:
            return d
        new = tree_copy(d)
        new["metadata"]["resourceVersion"] = stored["metadata"].get("resourceVersion")
        out, _ = self.api.update(stored, new, subresource="status" if status else "", verb="patching")
        d.clear()
        d.update(tree_copy(out))
        return d

    def _update_rs(self, rs: dict, change) -> dict:
        """Update of a ReplicaSet: ``change`` applied to the stored object."""
        stored = self.tx.get("ReplicaSet", rs["metadata"].get("namespace", "default"), rs["metadata"]["name"])
        if stored is None:
            raise E.NotFound("replicasets.apps", rs["metadata"]["name"])
        new = tree_copy(stored)
        change(new)
        out, _ = self.api.update(stored, new, verb="patching")
        return out

    # ---- syncDeployment ---------------------------------------------------------------------------------------
    def sync(self, namespace: str, name: str, obj: dict | None) -> None:
        if obj is None:
            return
        d = tree_copy(obj)
        sel = du.spec(d).get("selector")
        if isinstance(sel, dict) and not sel.get("matchLabels") and not sel.get("matchExpressions"):
            self.event(d, "Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector "
                                                     "is required.")
            status = d.setdefault("status", {})
            if int(status.get("observedGeneration") or 0) < int(du.meta(d).get("generation") or 0):
                status["observedGeneration"] = du.meta(d).get("generation")
                self._write_deployment(d, status=True)
            return
        if _selector(d) is None:
            return  # "has invalid label selector"
        rs_list = self.replica_sets_for(d)
        if du.meta(d).get("deletionTimestamp"):
            self.sync_status_only(d, rs_list)
            return
        self.check_paused_conditions(d)
        if du.spec(d).get("paused"):
            self.sync_scale(d, rs_list)
            return
        if self.rollback_to(d) is not None:
            self.rollback(d, rs_list)
            return
        if self.is_scaling_event(d, rs_list):
            self.sync_scale(d, rs_list)
            return
        stype = (du.spec(d).get("strategy") or {}).get("type")
        if stype == "Recreate":
            self.rollout_recreate(d, rs_list)
        elif stype == "RollingUpdate":
            self.rollout_rolling(d, rs_list)

    def replica_sets_for(self, d: dict) -> list[dict]:
        """getReplicaSetsForDeployment: ClaimReplicaSets over every ReplicaSet of the namespace."""
        meta = d["metadata"]
        deployment_uid = meta.get("uid")
        deleting = bool(meta.get("deletionTimestamp"))
        selector = _selector(d)
        out = []
        for rs in self.replica_sets.list(meta.get("namespace", "default")):
            rs = tree_copy(rs)  # the lister's objects are shared; the sync works on its own copies
            ref = controller_ref(rs)
            if ref is not None:
                if ref.get("uid") != deployment_uid:
                    continue
                if selector.matches(_labels(rs)):
                    out.append(rs)
                elif not deleting:
                    self._release(rs, deployment_uid)
                continue
            if deleting or not selector.matches(_labels(rs)) or rs["metadata"].get("deletionTimestamp"):
                continue
            out.append(self._adopt(rs, d))
        return out

    def pod_map(self, d: dict, rs_list: list[dict]) -> dict[str, list[dict]]:
        """getPodMapForDeployment: the pods the selector matches, by the uid of their ReplicaSet."""
        selector = _selector(d)
        out: dict[str, list[dict]] = {du.uid(rs): [] for rs in rs_list}
        for pod in self.tx.list("Pod", d["metadata"].get("namespace", "default")):
            if not selector.matches(_labels(pod)):
                continue
            ref = controller_ref(pod)
            if ref is not None and ref.get("uid") in out:
                out[ref["uid"]].append(pod)
        return out

    # ---- sync.go ------------------------------------------------------------------------------------------------
    def sync_status_only(self, d: dict, rs_list: list[dict]) -> None:
        new_rs, old_rss = self.all_replica_sets_and_sync_revision(d, rs_list, False)
        self.sync_deployment_status(old_rss + [new_rs], new_rs, d)

    def sync_scale(self, d: dict, rs_list: list[dict]) -> None:
        """sync: scaling events and paused deployments."""
        new_rs, old_rss = self.all_replica_sets_and_sync_revision(d, rs_list, False)
        self.scale(d, new_rs, old_rss)
        if du.spec(d).get("paused") and self.rollback_to(d) is None:
            self.cleanup_deployment(old_rss, d)
        self.sync_deployment_status(old_rss + [new_rs], new_rs, d)

    def check_paused_conditions(self, d: dict) -> None:
        if not du.has_progress_deadline(d):
            return
        status = d.setdefault("status", {})
        cond = du.get_condition(status, "Progressing")
        if cond is not None and cond.get("reason") == du.TIMED_OUT:
            return
        paused_exists = cond is not None and cond.get("reason") == du.PAUSED
        now = self.tx.now_ms
        if du.spec(d).get("paused") and not paused_exists:
            du.set_condition(status, du.new_condition("Progressing", "Unknown", du.PAUSED, "Deployment is paused", now))
        elif not du.spec(d).get("paused") and paused_exists:
            du.set_condition(status, du.new_condition("Progressing", "Unknown", du.RESUMED, "Deployment is resumed",
                                                      now))
        else:
            return
        self._write_deployment(d, status=True)

    def all_replica_sets_and_sync_revision(self, d: dict, rs_list: list[dict], create: bool) \
            -> tuple[dict | None, list[dict]]:
        _, all_old = du.find_old_rss(d, rs_list)
        new_rs = self.new_replica_set(d, rs_list, all_old, create)
        return new_rs, all_old

    def new_replica_set(self, d: dict, rs_list: list[dict], old_rss: list[dict], create: bool) -> dict | None:
        """getNewReplicaSet."""
        existing = du.find_new_rs(d, rs_list)
        new_revision = str(du.max_revision(old_rss) + 1)
        now = self.tx.now_ms
        status = d.setdefault("status", {})
        if existing is not None:
            rs_copy = tree_copy(existing)
            annotations_updated = du.set_new_rs_annotations(d, rs_copy, new_revision, True)
            mrs = int(du.spec(d).get("minReadySeconds") or 0)
            if annotations_updated or int(du.spec(rs_copy).get("minReadySeconds") or 0) != mrs:
                def change(rs: dict) -> None:
                    rs["metadata"]["annotations"] = rs_copy["metadata"].get("annotations") or {}
                    if mrs:
                        rs["spec"]["minReadySeconds"] = mrs
                    else:
                        rs["spec"].pop("minReadySeconds", None)
                return self._update_rs(existing, change)
            needs = du.set_deployment_revision(d, du.annotations(rs_copy).get(du.REVISION, ""))
            if du.has_progress_deadline(d) and du.get_condition(status, "Progressing") is None:
                du.set_condition(status, du.new_condition("Progressing", "True", du.FOUND_NEW_RS,
                                                          f'Found new replica set "{rs_copy["metadata"]["name"]}"', now))
                needs = True
            if needs:
                self._write_deployment(d, status=True)
            return rs_copy
        if not create:
            return None
        # the new ReplicaSet does not exist: create it
        template = tree_copy(du.spec(d).get("template") or {})
        collision = status.get("collisionCount")
        pod_hash = compute_hash(template, None if collision is None else int(collision))
        tmeta = template.setdefault("metadata", {})
        tmeta["labels"] = dict(tmeta.get("labels") or {}, **{du.POD_TEMPLATE_HASH: pod_hash})
        selector = tree_copy(du.spec(d).get("selector") or {})
        selector["matchLabels"] = dict(selector.get("matchLabels") or {}, **{du.POD_TEMPLATE_HASH: pod_hash})
        rs_spec: dict = {"replicas": 0, "selector": selector, "template": template}
        if du.spec(d).get("minReadySeconds"):
            rs_spec["minReadySeconds"] = du.spec(d)["minReadySeconds"]
        meta = d["metadata"]
        new_rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
                  "metadata": {"name": f"{meta['name']}-{pod_hash}", "namespace": meta.get("namespace", "default"),
                               "labels": dict(tmeta["labels"]), "ownerReferences": [new_controller_ref(d)]},
                  "spec": rs_spec}
        count = du.new_rs_new_replicas(d, old_rss + [new_rs], new_rs)
        rs_spec["replicas"] = count
        du.set_new_rs_annotations(d, new_rs, new_revision, False)
        already = False
        try:
            created = self.api.create(new_rs)
        except E.StatusError as err:
            if err.reason == "AlreadyExists":
                already = True
                rs = self.tx.get("ReplicaSet", new_rs["metadata"]["namespace"], new_rs["metadata"]["name"])
                ref = controller_ref(rs) if rs is not None else None
                if rs is not None and ref is not None and ref.get("uid") == meta.get("uid") and \
                        du.equal_ignore_hash(du.spec(d).get("template"), du.spec(rs).get("template")):
                    created = rs
                else:
                    # a hash collision: count it, and try again under the next name
                    status["collisionCount"] = int(collision or 0) + 1
                    self._write_deployment(d, status=True)
                    self.enqueue(meta.get("namespace", "default"), meta["name"])
                    return None
            else:
                msg = f'Failed to create new replica set "{new_rs["metadata"]["name"]}": {err.server_message()}'
                if "because it is being terminated" in err.server_message():
                    return None
                if du.has_progress_deadline(d):
                    du.set_condition(status, du.new_condition("Progressing", "False", du.FAILED_RS_CREATE, msg, now))
                    self._write_deployment(d, status=True)
                self.event(d, "Warning", du.FAILED_RS_CREATE, msg)
                return None
        if not already and count > 0:
            self.event(d, "Normal", "ScalingReplicaSet",
                       f"Scaled up replica set {created['metadata']['name']} from 0 to {count}")
        needs = du.set_deployment_revision(d, new_revision)
        if not already and du.has_progress_deadline(d):
            du.set_condition(status, du.new_condition("Progressing", "True", du.NEW_REPLICA_SET,
                                                      f'Created new replica set "{created["metadata"]["name"]}"', now))
            needs = True
        if needs:
            self._write_deployment(d, status=True)
        return created

    def scale(self, d: dict, new_rs: dict | None, old_rss: list[dict]) -> None:
        """scale: one active ReplicaSet takes the whole count; a saturated new one leaves the old ones nothing;
        otherwise (RollingUpdate) the difference is shared out in proportion to the ReplicaSets' sizes."""
        active_or_latest = du.find_active_or_latest(new_rs, old_rss)
        if active_or_latest is not None:
            if du.replicas(active_or_latest) == du.replicas(d):
                return
            self.scale_and_record(active_or_latest, du.replicas(d), d)
            return
        if du.is_saturated(d, new_rs):
            for old in du.filter_active(old_rss):
                self.scale_and_record(old, 0, d)
            return
        if not du.is_rolling_update(d):
            return
        all_rss = du.filter_active(old_rss + [new_rs])
        total = du.replica_count(all_rss)
        allowed = du.replicas(d) + du.max_surge(d) if du.replicas(d) > 0 else 0
        to_add = allowed - total
        operation = ""
        if to_add > 0:  # ReplicaSetsBySizeNewer: bigger first, then newer
            all_rss.sort(key=lambda rs: (-du.replicas(rs), tuple(-x if isinstance(x, int) else _Rev(x)
                                                                  for x in du.created_key(rs))))
            operation = "up"
        elif to_add < 0:  # ReplicaSetsBySizeOlder: bigger first, then older
            all_rss.sort(key=lambda rs: (-du.replicas(rs), du.created_key(rs)))
            operation = "down"
        added = 0
        sizes: dict[str, int] = {}
        for rs in all_rss:
            if to_add != 0:
                p = du.proportion(rs, d, to_add, added)
                sizes[rs["metadata"]["name"]] = du.replicas(rs) + p
                added += p
            else:
                sizes[rs["metadata"]["name"]] = du.replicas(rs)
        for i, rs in enumerate(all_rss):
            name = rs["metadata"]["name"]
            if i == 0 and to_add != 0:
                sizes[name] = max(0, sizes[name] + to_add - added)
            self.scale_replica_set(rs, sizes[name], d, operation)

    def scale_and_record(self, rs: dict, new_scale: int, d: dict) -> tuple[bool, dict]:
        """scaleReplicaSetAndRecordEvent."""
        if du.replicas(rs) == new_scale:
            return False, rs
        return self.scale_replica_set(rs, new_scale, d, "up" if du.replicas(rs) < new_scale else "down")

    def scale_replica_set(self, rs: dict, new_scale: int, d: dict, operation: str) -> tuple[bool, dict]:
        """scaleReplicaSet: the new size and the desired/max-replicas annotations in one update;
        ``Scaled <up|down> replica set <name> from <old> to <new>``."""
        size_changes = du.replicas(rs) != new_scale
        desired, maximum = du.replicas(d), du.replicas(d) + du.max_surge(d)
        if not (size_changes or du.replicas_annotations_need_update(rs, desired, maximum)):
            return False, rs
        old_scale = du.replicas(rs)

        def change(new: dict) -> None:
            new.setdefault("spec", {})["replicas"] = new_scale
            du.set_replicas_annotations(new, desired, maximum)

        try:
            stored = self._update_rs(rs, change)
        except E.StatusError:
            return False, rs
        if size_changes:
            self.event(d, "Normal", "ScalingReplicaSet",
                       f"Scaled {operation} replica set {stored['metadata']['name']} from {old_scale} to {new_scale}")
        return size_changes, stored

    def cleanup_deployment(self, old_rss: list[dict], d: dict) -> None:
        """cleanupDeployment: delete the oldest old ReplicaSets beyond revisionHistoryLimit (empty ones only)."""
        if not du.has_revision_history_limit(d):
            return
        cleanable = [rs for rs in old_rss if rs is not None and not rs["metadata"].get("deletionTimestamp")]
        diff = len(cleanable) - int(du.spec(d)["revisionHistoryLimit"])
        if diff <= 0:
            return
        cleanable.sort(key=du.rs_by_revision_key)
        for rs in cleanable[:diff]:
            if du.status_int(rs, "replicas") != 0 or du.replicas(rs) != 0 or \
                    int(du.meta(rs).get("generation") or 0) > du.status_int(rs, "observedGeneration") or \
                    rs["metadata"].get("deletionTimestamp"):
                continue
            live = self.tx.get("ReplicaSet", rs["metadata"].get("namespace", "default"), rs["metadata"]["name"])
            if live is not None:
                self.api.delete(live)

    def sync_deployment_status(self, all_rss: list[dict | None], new_rs: dict | None, d: dict) -> None:
        new_status = self.calculate_status(all_rss, new_rs, d)
        if (d.get("status") or {}) == new_status:
            return
        d["status"] = new_status
        self._write_deployment(d, status=True)

    def calculate_status(self, all_rss: list[dict | None], new_rs: dict | None, d: dict) -> dict:
        """calculateStatus: the counts from the ReplicaSets, then the Available condition."""
        available = du.available_count(all_rss)
        total = du.replica_count(all_rss)
        unavailable = max(0, total - available)
        old = d.get("status") or {}
        status: dict = {"observedGeneration": int(du.meta(d).get("generation") or 0),
                        "replicas": du.actual_count(all_rss),
                        "updatedReplicas": du.actual_count([new_rs]),
                        "readyReplicas": du.ready_count(all_rss),
                        "availableReplicas": available,
                        "unavailableReplicas": unavailable}
        if old.get("collisionCount") is not None:
            status["collisionCount"] = old["collisionCount"]
        if old.get("conditions"):
            status["conditions"] = tree_copy(old["conditions"])
        now = self.tx.now_ms
        if available >= du.replicas(d) - du.max_unavailable(d):
            du.set_condition(status, du.new_condition("Available", "True", du.MINIMUM_REPLICAS_AVAILABLE,
                                                      "Deployment has minimum availability.", now))
        else:
            du.set_condition(status, du.new_condition("Available", "False", du.MINIMUM_REPLICAS_UNAVAILABLE,
                                                      "Deployment does not have minimum availability.", now))
        return _omit_empty(status)

    def is_scaling_event(self, d: dict, rs_list: list[dict]) -> bool:
        new_rs, old_rss = self.all_replica_sets_and_sync_revision(d, rs_list, False)
        for rs in du.filter_active(old_rss + [new_rs]):
            desired = du.desired_replicas_annotation(rs)
            if desired is None:
                continue
            if desired != du.replicas(d):
                return True
        return False

    # ---- rolling.go -----------------------------------------------------------------------------------------------
    def rollout_rolling(self, d: dict, rs_list: list[dict]) -> None:
        new_rs, old_rss = self.all_replica_sets_and_sync_revision(d, rs_list, True)
        if new_rs is None:
            return  # creation failed: retried when something changes
        all_rss = old_rss + [new_rs]
        if self.reconcile_new_rs(all_rss, new_rs, d):
            self.sync_rollout_status(all_rss, new_rs, d)
            return
        if self.reconcile_old_rss(all_rss, du.filter_active(old_rss), new_rs, d):
            self.sync_rollout_status(all_rss, new_rs, d)
            return
        if du.deployment_complete(d, d.get("status") or {}):
            self.cleanup_deployment(old_rss, d)
        self.sync_rollout_status(all_rss, new_rs, d)

    def reconcile_new_rs(self, all_rss: list[dict], new_rs: dict, d: dict) -> bool:
        if du.replicas(new_rs) == du.replicas(d):
            return False
        if du.replicas(new_rs) > du.replicas(d):
            return self.scale_and_record(new_rs, du.replicas(d), d)[0]
        count = du.new_rs_new_replicas(d, all_rss, new_rs)
        return self.scale_and_record(new_rs, count, d)[0]

    def reconcile_old_rss(self, all_rss: list[dict], old_rss: list[dict], new_rs: dict, d: dict) -> bool:
        old_count = du.replica_count(old_rss)
        if old_count == 0:
            return False
        all_count = du.replica_count(all_rss)
        min_available = du.replicas(d) - du.max_unavailable(d)
        new_unavailable = du.replicas(new_rs) - du.status_int(new_rs, "availableReplicas")
        max_scaled_down = all_count - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False
        old_rss, cleaned = self.cleanup_unhealthy_replicas(old_rss, d, max_scaled_down)
        scaled = self.scale_down_old_rss_for_rolling_update(old_rss + [new_rs], old_rss, d)
        return cleaned + scaled > 0

    def cleanup_unhealthy_replicas(self, old_rss: list[dict], d: dict, max_cleanup: int) -> tuple[list[dict], int]:
        old_rss = sorted(old_rss, key=du.created_key)
        total = 0
        for i, rs in enumerate(old_rss):
            if total >= max_cleanup:
                break
            if du.replicas(rs) == 0:
                continue
            if du.replicas(rs) == du.status_int(rs, "availableReplicas"):
                continue
            count = min(max_cleanup - total, du.replicas(rs) - du.status_int(rs, "availableReplicas"))
            _, old_rss[i] = self.scale_and_record(rs, du.replicas(rs) - count, d)
            total += count
        return old_rss, total

    def scale_down_old_rss_for_rolling_update(self, all_rss: list[dict], old_rss: list[dict], d: dict) -> int:
        min_available = du.replicas(d) - du.max_unavailable(d)
        available = du.available_count(all_rss)
        if available <= min_available:
            return 0
        total, target = 0, available - min_available
        for rs in sorted(old_rss, key=du.created_key):
            if total >= target:
                break
            if du.replicas(rs) == 0:
                continue
            count = min(du.replicas(rs), target - total)
            self.scale_and_record(rs, du.replicas(rs) - count, d)
            total += count
        return total

    # ---- recreate.go ------------------------------------------------------------------------------------------
    def rollout_recreate(self, d: dict, rs_list: list[dict]) -> None:
        new_rs, old_rss = self.all_replica_sets_and_sync_revision(d, rs_list, False)
        all_rss = old_rss + [new_rs]
        scaled = False
        for i, rs in enumerate(du.filter_active(old_rss)):
            done, _ = self.scale_and_record(rs, 0, d)
            scaled = scaled or done
        if scaled:
            self.sync_rollout_status(all_rss, new_rs, d)
            return
        if self.old_pods_running(new_rs, old_rss, self.pod_map(d, rs_list)):
            self.sync_rollout_status(all_rss, new_rs, d)
            return
        if new_rs is None:
            new_rs, old_rss = self.all_replica_sets_and_sync_revision(d, rs_list, True)
            if new_rs is None:
                return
            all_rss = old_rss + [new_rs]
        self.scale_and_record(new_rs, du.replicas(d), d)
        if du.deployment_complete(d, d.get("status") or {}):
            self.cleanup_deployment(old_rss, d)
        self.sync_rollout_status(all_rss, new_rs, d)

    @staticmethod
    def old_pods_running(new_rs: dict | None, old_rss: list[dict], pod_map: dict[str, list[dict]]) -> bool:
        if du.actual_count(old_rss) > 0:
            return True
        for rs_uid, pods in pod_map.items():
            if new_rs is not None and du.uid(new_rs) == rs_uid:
                continue
            for pod in pods:
                if (pod.get("status") or {}).get("phase") not in ("Failed", "Succeeded"):
                    return True
        return False

    # ---- progress.go ------------------------------------------------------------------------------------------
    def sync_rollout_status(self, all_rss: list[dict | None], new_rs: dict | None, d: dict) -> None:
        new_status = self.calculate_status(all_rss, new_rs, d)
        now = self.tx.now_ms
        if not du.has_progress_deadline(d):
            du.remove_condition(new_status, "Progressing")
        cur = du.get_condition(d.get("status") or {}, "Progressing")
        complete_already = (int(new_status.get("replicas") or 0) == int(new_status.get("updatedReplicas") or 0)
                            and cur is not None and cur.get("reason") == du.NEW_RS_AVAILABLE)
        name = d["metadata"]["name"]
        if du.has_progress_deadline(d) and not complete_already:
            if du.deployment_complete(d, new_status):
                msg = f'ReplicaSet "{new_rs["metadata"]["name"]}" has successfully progressed.' if new_rs \
                    else f'Deployment "{name}" has successfully progressed.'
                du.set_condition(new_status, du.new_condition("Progressing", "True", du.NEW_RS_AVAILABLE, msg, now))
            elif du.deployment_progressing(d, new_status):
                msg = f'ReplicaSet "{new_rs["metadata"]["name"]}" is progressing.' if new_rs \
                    else f'Deployment "{name}" is progressing.'
                cond = du.new_condition("Progressing", "True", du.REPLICA_SET_UPDATED, msg, now)
                if cur is not None:
                    if cur.get("status") == "True":
                        cond["lastTransitionTime"] = cur.get("lastTransitionTime")
                    du.remove_condition(new_status, "Progressing")
                du.set_condition(new_status, cond)
            elif du.deployment_timed_out(d, new_status, now):
                msg = f'ReplicaSet "{new_rs["metadata"]["name"]}" has timed out progressing.' if new_rs \
                    else f'Deployment "{name}" has timed out progressing.'
                du.set_condition(new_status, du.new_condition("Progressing", "False", du.TIMED_OUT, msg, now))
        failures = self.replica_failures(all_rss, new_rs)
        if failures:
            du.set_condition(new_status, failures[0])
        else:
            du.remove_condition(new_status, "ReplicaFailure")
        new_status = _omit_empty(new_status)
        if (d.get("status") or {}) == new_status:
            self.requeue_stuck(d, new_status)
            return
        d["status"] = new_status
        self._write_deployment(d, status=True)

    @staticmethod
    def replica_failures(all_rss: list[dict | None], new_rs: dict | None) -> list[dict]:
        out = []
        if new_rs is not None:
            out = [du.rs_to_deployment_condition(c) for c in (new_rs.get("status") or {}).get("conditions") or []
                   if c.get("type") == "ReplicaFailure"]
        if out:
            return out
        for rs in all_rss:
            if rs is None:
                continue
            out += [du.rs_to_deployment_condition(c) for c in (rs.get("status") or {}).get("conditions") or []
                    if c.get("type") == "ReplicaFailure"]
        return out

    def requeue_stuck(self, d: dict, new_status: dict) -> None:
        """requeueStuckDeployment: without progress, look again when the deadline has passed."""
        cur = du.get_condition(d.get("status") or {}, "Progressing")
        if not du.has_progress_deadline(d) or cur is None:
            return
        if du.deployment_complete(d, new_status) or cur.get("reason") == du.TIMED_OUT:
            return
        new_cond = du.get_condition(new_status, "Progressing")
        if cur.get("reason") == du.NEW_RS_AVAILABLE and new_cond is not None \
                and new_cond.get("reason") == du.NEW_RS_AVAILABLE:
            # A rollout that completed once and whose pods are now unavailable (a crash loop): upstream requeues
            # it for a progress check forever, rate-limited once the deadline is past, yet DeploymentTimedOut
            # answers false for this reason whatever the time (deployment_timed_out) and nothing else the sync
            # reads moves with time, so each of those syncs writes nothing. Not armed: what the Deployment's
            # objects do still wakes it (its pods' and ReplicaSets' changes), and a simulated hour costs no
            # 720,000 idle syncs at the 5 ms step.
            return
        from minikctl.kube.timefmt import parse_rfc3339

        ts = cur.get("lastUpdateTime")
        deadline = (parse_rfc3339(ts) if ts else 0) + int(du.spec(d)["progressDeadlineSeconds"]) * 1000
        now = self.tx.now_ms
        after = deadline - now
        meta = d["metadata"]
        if after < 1000:
            self.wake_at(meta.get("namespace", "default"), meta["name"], now + 5)  # enqueueRateLimited
        else:
            self.wake_at(meta.get("namespace", "default"), meta["name"], deadline + 1000)

    # ---- rollback.go --------------------------------------------------------------------------------------------
    @staticmethod
    def rollback_to(d: dict) -> int | None:
        raw = du.annotations(d).get(du.ROLLBACK_TO)
        if not raw:
            return None
        try:
            return du._parse_int64(raw)
        except ValueError:
            return None

    def rollback(self, d: dict, rs_list: list[dict]) -> None:
        new_rs, all_old = self.all_replica_sets_and_sync_revision(d, rs_list, True)
        all_rss = all_old + ([new_rs] if new_rs is not None else [])
        target = self.rollback_to(d)
        if target == 0:
            target = du.last_revision(all_rss)
            if target == 0:
                self.event(d, "Warning", du.ROLLBACK_REVISION_NOT_FOUND, "Unable to find last revision.")
                self._clear_rollback_to(d)
                return
        for rs in all_rss:
            if du.revision(rs) == target:
                performed = False
                if not du.equal_ignore_hash(du.spec(d).get("template"), du.spec(rs).get("template")):
                    template = tree_copy(du.spec(rs).get("template") or {})
                    labels = (template.get("metadata") or {}).get("labels")
                    if isinstance(labels, dict):
                        labels.pop(du.POD_TEMPLATE_HASH, None)
                    d["spec"]["template"] = template
                    du.set_deployment_annotations_to(d, rs)
                    performed = True
                else:
                    self.event(d, "Warning", du.ROLLBACK_TEMPLATE_UNCHANGED,
                               f'The rollback revision contains the same template as current deployment '
                               f'"{d["metadata"]["name"]}"')
                self._clear_rollback_to(d)
                if performed:
                    self.event(d, "Normal", du.ROLLBACK_DONE,
                               f'Rolled back deployment "{d["metadata"]["name"]}" to revision {target}')
                return
        self.event(d, "Warning", du.ROLLBACK_REVISION_NOT_FOUND, "Unable to find the revision to rollback to.")
        self._clear_rollback_to(d)

    def _clear_rollback_to(self, d: dict) -> None:
        du.annotations(d).pop(du.ROLLBACK_TO, None)
        self._write_deployment(d, status=False)


class _Rev:
    """A string that sorts in reverse (ReplicaSetsBySizeNewer breaks ties by the newest name first)."""

    __slots__ = ("s",)

    def __init__(self, s: str) -> None:
        self.s = s

    def __lt__(self, other: "_Rev") -> bool:
        return self.s > other.s

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Rev) and self.s == other.s


def _omit_empty(status: dict) -> dict:
    """A v1 DeploymentStatus as JSON: every field omitempty."""
    out = {}
    for k in ("observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas",
              "unavailableReplicas", "terminatingReplicas"):
        if status.get(k):
            out[k] = status[k]
    if status.get("conditions"):
        out["conditions"] = status["conditions"]
    if status.get("collisionCount") is not None:
        out["collisionCount"] = status["collisionCount"]
    return out

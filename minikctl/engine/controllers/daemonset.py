"""The DaemonSet controller (``pkg/controller/daemon``, kubernetes v1.32), an ordinary client of the API.

Ported, function by function:
  daemon_controller.go   syncDaemonSet, manage, podsShouldBeOnNode (failed pods with the failedPodsBackoff,
                         surge), syncNodes (slow-start batches of creations, burstReplicas 250), updateDaemonSetStatus
                         / storeDaemonSetStatus, NodeShouldRunDaemonPod / predicates / NewPod,
                         getNodesToDaemonPods, getUnscheduledPodsWithoutNode, podByCreationTimestampAndPhase, the
                         informers' handlers (addNode, updateNode, updatePod's requeue after minReadySeconds + 1 s)
  update.go              rollingUpdate (maxUnavailable, maxSurge), findUpdatedPodsOnNode, constructHistory,
                         snapshot, dedupCurHistories, cleanupHistory, Match, getPatch, updatedDesiredNodeCounts
  util/daemonset_util.go CreatePodTemplate, AddOrUpdateDaemonPodTolerations, ReplaceDaemonSetPodNodeNameNodeAffinity,
                         GetTargetNodeName, IsPodUpdated, SurgeCount, UnavailableCount, GetTemplateGeneration

Each pod is bound to its node by the required node affinity ``matchFields metadata.name In [node]`` the controller
adds; the scheduler then binds it there. Nodes are looked at in name order where upstream ranges over a Go map (the
order in which a rolling update picks its nodes is random upstream). A sync reads the pods as listed at its start
(an informer does not see the sync's own writes); when manage created or deleted pods, the rolling update waits
for the next sync (updateDaemonSet's SatisfiedExpectations), which their changes bring at the same instant.
The revision hash (``controller-revision-hash``) is ``controller.ComputeHash`` (podhash.py), as upstream.

Timing: the controller syncs at the instant it observes a change of the DaemonSet, of one of its pods or revisions,
or of a Node (a node added or changed); a failed sync is retried after 5 ms, doubling up to 1000 s.
"""

from __future__ import annotations

import copy

from minikctl.engine.controllers import history as H
from minikctl.engine.controllers.base import Controller, controller_ref, is_pod_available, is_pod_ready
from minikctl.engine.controllers.base import new_controller_ref, pod_from_template, ready_since_ms
from minikctl.engine.controllers.workqueue import RateLimitedTimers
from minikctl.kube import errors as E
from minikctl.kube.selectors import selector_matches
from minikctl.kube.timefmt import parse_rfc3339
from minikctl.store.changelog import ADDED, DELETED

WRITER = "daemonset-controller"
HASH_LABEL = H.REVISION_LABEL  # apps.DefaultDaemonSetUniqueLabelKey
GENERATION_LABEL = "pod-template-generation"  # apps.DaemonSetTemplateGenerationKey
TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"  # apps.DeprecatedTemplateGeneration
POD_FIELDS = ("apiVersion", "kind", "metadata", "spec.nodeName", "spec.affinity", "status.phase", "status.conditions")
BURST_REPLICAS = 250
SLOW_START_INITIAL_BATCH_SIZE = 1
BACKOFF_INITIAL_MS = 1_000  # the controller manager's failedPodsBackoff: flowcontrol.NewBackOff(1s, 15min)
BACKOFF_MAX_MS = 15 * 60_000

# AddOrUpdateDaemonPodTolerations, in its order
DAEMON_TOLERATIONS = (
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
)
NETWORK_UNAVAILABLE = ("node.kubernetes.io/network-unavailable", "NoSchedule")


# ---- util/daemonset_util.go ------------------------------------------------------------------------------------
def add_or_update_toleration(spec: dict, toleration: dict) -> None:
    """v1helper.AddOrUpdateTolerationInPodSpec: replace a toleration that MatchToleration's (same key, operator,
    value, effect) unless equal, else append."""
    out, updated = [], False
    for t in spec.get("tolerations") or []:
        if all((t.get(k) or "") == (toleration.get(k) or "") for k in ("key", "operator", "value", "effect")):
            if t == toleration:
                return
            out.append(dict(toleration))
            updated = True
            continue
        out.append(t)
    if not updated:
        out.append(dict(toleration))
    spec["tolerations"] = out


def add_daemon_tolerations(spec: dict) -> None:
    """AddOrUpdateDaemonPodTolerations: not-ready and unreachable (NoExecute), the node-condition taints
    (NoSchedule), network-unavailable for hostNetwork pods."""
    for key, effect in DAEMON_TOLERATIONS:
        add_or_update_toleration(spec, {"effect": effect, "key": key, "operator": "Exists"})
    if spec.get("hostNetwork"):
        key, effect = NETWORK_UNAVAILABLE
        add_or_update_toleration(spec, {"effect": effect, "key": key, "operator": "Exists"})


def template_generation(ds: dict) -> int | None:
    """GetTemplateGeneration: the deprecated annotation, None when absent or not a number."""
    raw = ((ds.get("metadata") or {}).get("annotations") or {}).get(TEMPLATE_GENERATION)
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def create_pod_template(template: dict, generation: int | None, hash_: str) -> dict:
    """CreatePodTemplate: the daemon tolerations, then the pod-template-generation and hash labels."""
    new = copy.deepcopy(template)
    add_daemon_tolerations(new.setdefault("spec", {}))
    labels = new.setdefault("metadata", {}).setdefault("labels", {})
    if generation is not None:
        labels[GENERATION_LABEL] = str(generation)
    if hash_:
        labels[HASH_LABEL] = hash_
    return new


def replace_node_affinity(affinity: dict | None, node: str) -> dict:
    """ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes the one term
    ``matchFields: metadata.name In [node]`` (other required terms are dropped, the rest of the affinity kept)."""
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
    affinity = copy.deepcopy(affinity) if affinity else {}
    na = affinity.setdefault("nodeAffinity", {})
    req = na.get("requiredDuringSchedulingIgnoredDuringExecution")
    if req is None:
        na["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": [term]}
    else:
        req["nodeSelectorTerms"] = [term]
    return affinity


def target_node(pod: dict) -> str | None:
    """GetTargetNodeName: spec.nodeName, else the node of the required affinity's metadata.name In [node] field
    (None when there is none, or it names more than one)."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return spec["nodeName"]
    req = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
           .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    for term in req.get("nodeSelectorTerms") or []:
        for exp in term.get("matchFields") or []:
            if exp.get("key") == "metadata.name" and exp.get("operator") == "In":
                values = exp.get("values") or []
                return values[0] if len(values) == 1 else None
    return None


def is_pod_updated(pod: dict, hash_: str, generation: int | None) -> bool:
    """IsPodUpdated: the hash label, or (for old pods) the template generation label, is current."""
    labels = (pod.get("metadata") or {}).get("labels") or {}
    return (bool(hash_) and labels.get(HASH_LABEL) == hash_) or \
        (generation is not None and labels.get(GENERATION_LABEL) == str(generation))


def _scaled(value, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.endswith("%"):
        raise ValueError("invalid value for IntOrString: invalid type: string is not a percentage")
    pct = int(text[:-1])
    import math

    return math.ceil(pct * total / 100) if round_up else math.floor(pct * total / 100)


def _rolling(ds: dict) -> dict | None:
    us = (ds.get("spec") or {}).get("updateStrategy") or {}
    return us.get("rollingUpdate") if us.get("type") == "RollingUpdate" else None


def surge_count(ds: dict, n: int) -> int:
    r = _rolling(ds)
    return 0 if r is None or r.get("maxSurge") is None else _scaled(r.get("maxSurge"), n, True)


def unavailable_count(ds: dict, n: int) -> int:
    r = _rolling(ds)
    return 0 if r is None else _scaled(r.get("maxUnavailable"), n, True)


def allows_surge(ds: dict) -> bool:
    try:
        return surge_count(ds, 1) > 0
    except ValueError:
        return False


# ---- daemon_controller.go --------------------------------------------------------------------------------------
def _untolerated(taints: list, tolerations: list, effects: tuple) -> bool:
    """v1helper.FindMatchingUntoleratedTaint with an effect filter: is one of those taints not tolerated?"""
    from minikctl.engine.controllers.scheduler import _tolerates

    return any(t.get("effect") in effects and not _tolerates(tolerations, t) for t in taints or [])


def predicate_pod(ds: dict) -> dict:
    """What NewPod gives the predicates to look at: the template's node selector, affinity and tolerations (with
    the daemon tolerations added)."""
    tspec = ((ds.get("spec") or {}).get("template") or {}).get("spec") or {}
    spec = {k: tspec[k] for k in ("nodeSelector", "affinity", "nodeName", "hostNetwork") if k in tspec}
    spec["tolerations"] = list(tspec.get("tolerations") or [])
    add_daemon_tolerations(spec)
    return {"spec": spec}


def node_should_run(node: dict, ds: dict, pod: dict | None = None) -> tuple[bool, bool]:
    """NodeShouldRunDaemonPod: (shouldRun, shouldContinueRunning). ``pod``: predicate_pod(ds), when the caller has
    it already."""
    from minikctl.engine.controllers.scheduler import _affinity_ok

    name = node["metadata"]["name"]
    pod = pod or predicate_pod(ds)
    tmpl_node = pod["spec"].get("nodeName")
    if tmpl_node and tmpl_node != name:
        return False, False
    if not _affinity_ok(pod, node):  # predicates: fitsNodeName (always here) and fitsNodeAffinity
        return False, False
    taints = (node.get("spec") or {}).get("taints") or []
    tolerations = pod["spec"].get("tolerations") or []
    if _untolerated(taints, tolerations, ("NoExecute", "NoSchedule")):
        return False, not _untolerated(taints, tolerations, ("NoExecute",))
    return True, True


def _created_ms(pod: dict) -> int:
    ts = (pod.get("metadata") or {}).get("creationTimestamp")
    return parse_rfc3339(ts) if ts else 0


def by_creation_and_phase(pods: list[dict]) -> list[dict]:
    """podByCreationTimestampAndPhase: scheduled pods first, then oldest first, then by name."""
    return sorted(pods, key=lambda p: (0 if (p.get("spec") or {}).get("nodeName") else 1, _created_ms(p),
                                       p["metadata"]["name"]))


def is_terminal(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def status_json(old: dict, counts: dict, observed: int | None) -> dict:
    """apps/v1 DaemonSetStatus as JSON: the four counts always there, the other counts omitted when zero, the rest
    (collisionCount, conditions) kept from the old status."""
    out = {k: v for k, v in old.items() if k in ("collisionCount", "conditions")}
    if observed is not None:
        out["observedGeneration"] = observed
    elif old.get("observedGeneration"):
        out["observedGeneration"] = old["observedGeneration"]
    for k in ("currentNumberScheduled", "desiredNumberScheduled", "numberMisscheduled", "numberReady"):
        out[k] = counts[k]
    for k in ("numberAvailable", "numberUnavailable", "updatedNumberScheduled"):
        if counts[k]:
            out[k] = counts[k]
    if not out.get("observedGeneration"):
        out.pop("observedGeneration", None)
    return dict(sorted(out.items()))


class _SyncError(Exception):
    """The sync failed (its events are recorded): the DaemonSet is requeued with the rate limiter."""


class DaemonSetController(RateLimitedTimers, Controller):
    name = WRITER
    kind = "DaemonSet"
    owned = ("Pod", "ControllerRevision")
    also_watches = ("Node",)

    # ---- the informers ---------------------------------------------------------------------------------
    def observe(self, ch) -> None:
        super().observe(ch)
        if ch.kind == "Pod" and ch.type != DELETED:
            self._pod_became_ready(ch)

    def observe_other(self, ch) -> None:
        """addNode: the DaemonSets that should run on the new node; updateNode: every DaemonSet (the node's old
        state is not kept, so each looks for itself whether shouldRun changed). A deleted node has no handler
        upstream: its pods go through the pod garbage collector, and their deletion wakes the DaemonSet."""
        if ch.kind != "Node" or ch.type == DELETED:
            return
        node = self.tx.get("Node", "", ch.name)
        if node is None:
            return
        for ds in self.owners():
            if ch.type != ADDED or node_should_run(node, ds)[0]:
                self.enqueue(ds["metadata"].get("namespace", "default"), ds["metadata"]["name"])

    def observe_orphan(self, ch) -> None:
        """An orphan pod or revision: every DaemonSet whose selector matches it may adopt it."""
        labels = (ch.obj.get("metadata") or {}).get("labels") or {}
        for ds in self.owners(ch.namespace):
            if selector_matches((ds.get("spec") or {}).get("selector"), labels):
                self.enqueue(ch.namespace, ds["metadata"]["name"])

    def _pod_became_ready(self, ch) -> None:
        """updatePod: a pod that turns ready requeues its DaemonSet minReadySeconds + 1 s later."""
        ref = controller_ref(ch.obj)
        if ref is None or ref.get("kind") != self.kind:
            return
        since = ready_since_ms(ch.obj)
        if since is None or since < self.tx.now_ms - 999:
            return
        ds = self.tx.get(self.kind, ch.namespace, ref.get("name", ""))
        if ds is None or ds["metadata"].get("uid") != ref.get("uid"):
            return
        mrs = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
        if mrs > 0:
            self.wake_at(ch.namespace, ref["name"], self.tx.now_ms + (mrs + 1) * 1000)

    # ---- syncDaemonSet ---------------------------------------------------------------------------------
    def sync(self, namespace: str, name: str, ds: dict | None) -> None:
        if ds is None:
            return  # "Daemon set has been deleted"
        nodes = self.tx.list("Node", None, ("metadata", "spec"))  # what the predicates read of a node
        if (ds.get("spec") or {}).get("selector") == {}:
            self.event(ds, "Warning", "SelectingAll",
                       "This daemon set is selecting all pods. A non-empty selector is required.")
            return
        if ds["metadata"].get("deletionTimestamp"):
            return  # its history may be gone already: no status either
        try:
            cur, old = self.construct_history(ds)
            hash_ = ((cur.get("metadata") or {}).get("labels") or {}).get(HASH_LABEL, "")
            # the informer's view for the whole sync: the pods as listed (and claimed) now, what each node should run
            self._ctx = {"pods": self.daemon_pods(ds), "should": {}, "pred": predicate_pod(ds)}
            failed = False
            try:
                acted = self.manage(ds, nodes, hash_)
                # expectations: the creations and deletions manage just made are not observed yet, so the
                # rolling update waits for the next sync (updateDaemonSet's SatisfiedExpectations)
                if not acted and ((ds.get("spec") or {}).get("updateStrategy") or {}).get("type") == "RollingUpdate":
                    self.rolling_update(ds, nodes, hash_)
                self.cleanup_history(ds, old)
            except _SyncError:
                failed = True
            self.update_status(ds, nodes, hash_, True)
            if failed:
                raise _SyncError()
        except _SyncError:
            self.requeue_failed(namespace, name)
            return
        finally:
            self._ctx = None
        self.forget(namespace, name)

    _ctx: dict | None = None

    def should_run(self, node: dict, ds: dict) -> tuple[bool, bool]:
        """NodeShouldRunDaemonPod, computed once per node in a sync."""
        ctx = self._ctx
        if ctx is None:
            return node_should_run(node, ds)
        name = node["metadata"]["name"]
        got = ctx["should"].get(name)
        if got is None:
            got = ctx["should"][name] = node_should_run(node, ds, ctx["pred"])
        return got

    # ---- pods by node ------------------------------------------------------------------------------------
    def daemon_pods(self, ds: dict) -> list[dict]:
        """getDaemonPods: ClaimPods over the namespace's pods (the fields the controller reads)."""
        return self.owned_objects(ds, "Pod", fields=POD_FIELDS)

    def nodes_to_pods(self, ds: dict, include_deleted_terminal: bool = False) -> dict[str, list[dict]]:
        """getNodesToDaemonPods: the claimed pods by target node (terminal pods being deleted left out). Within a
        sync, the pods listed at its start (the informer's cache does not see this sync's own writes either)."""
        out: dict[str, list[dict]] = {}
        for pod in (self._ctx["pods"] if self._ctx is not None else self.daemon_pods(ds)):
            if not include_deleted_terminal and is_terminal(pod) and pod["metadata"].get("deletionTimestamp"):
                continue
            node = target_node(pod)
            if node is None:
                continue
            out.setdefault(node, []).append(pod)
        return out

    # ---- manage ------------------------------------------------------------------------------------------
    def manage(self, ds: dict, nodes: list[dict], hash_: str) -> bool:
        """manage: True when it created or deleted pods (whose observation the expectations then wait for)."""
        node_pods = self.nodes_to_pods(ds)
        create: list[str] = []
        delete: list[str] = []
        for node in nodes:
            c, d = self.pods_should_be_on_node(node, node_pods, ds, hash_)
            create += c
            delete += d
        # getUnscheduledPodsWithoutNode: unscheduled pods meant for nodes that no longer exist
        names = {n["metadata"]["name"] for n in nodes}
        for node_name in sorted(node_pods):
            if node_name not in names:
                delete += [p["metadata"]["name"] for p in node_pods[node_name]
                           if not (p.get("spec") or {}).get("nodeName")]
        self.sync_nodes(ds, delete, create, hash_)
        return bool(delete or create)

    def pods_should_be_on_node(self, node: dict, node_pods: dict, ds: dict, hash_: str) -> tuple[list, list]:
        """podsShouldBeOnNode: (nodes needing a daemon pod, pods to delete) for one node."""
        name = node["metadata"]["name"]
        should_run, should_continue = self.should_run(node, ds)
        pods = node_pods.get(name)
        create: list[str] = []
        delete: list[str] = []
        if should_run and pods is None:
            create.append(name)
        elif should_continue:
            running = []
            for pod in pods or []:
                if pod["metadata"].get("deletionTimestamp"):
                    continue
                phase = (pod.get("status") or {}).get("phase")
                if phase == "Failed":
                    key = f"{ds['metadata'].get('uid', '')}/{(ds.get('status') or {}).get('observedGeneration', 0)}" \
                          f"/{name}"
                    delay = self._backoff_delay(ds, key)
                    if delay is not None:  # deleting failed pods on this node is held back
                        self.wake_at(ds["metadata"].get("namespace", "default"), ds["metadata"]["name"],
                                     self.tx.now_ms + delay)
                        continue
                    self._backoff_next(ds, key)
                    self.event(ds, "Warning", "FailedDaemonPod",
                               f"Found failed daemon pod {pod['metadata'].get('namespace', 'default')}/"
                               f"{pod['metadata']['name']} on node {name}, will try to kill it")
                    delete.append(pod["metadata"]["name"])
                elif phase == "Succeeded":
                    self.event(ds, "Normal", "SucceededDaemonPod",
                               f"Found succeeded daemon pod {pod['metadata'].get('namespace', 'default')}/"
                               f"{pod['metadata']['name']} on node {name}, will try to delete it")
                    delete.append(pod["metadata"]["name"])
                else:
                    running.append(pod)
            if not allows_surge(ds):
                if len(running) > 1:  # more than one: all but the oldest go
                    delete += [p["metadata"]["name"] for p in by_creation_and_phase(running)[1:]]
                return create, delete
            if len(running) <= 1:
                if not running and should_run:
                    create.append(name)  # surging: at least one pod that is not being deleted
                return create, delete
            oldest_new = oldest_old = None
            for pod in by_creation_and_phase(running):
                if ((pod.get("metadata") or {}).get("labels") or {}).get(HASH_LABEL) == hash_:
                    if oldest_new is None:
                        oldest_new = pod
                        continue
                elif oldest_old is None:
                    oldest_old = pod
                    continue
                delete.append(pod["metadata"]["name"])
            if oldest_new is not None and oldest_old is not None:
                mrs = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
                if not is_pod_ready(oldest_old) or is_pod_available(oldest_new, mrs, self.tx.now_ms):
                    delete.append(oldest_old["metadata"]["name"])
        elif not should_continue and pods:
            delete += [p["metadata"]["name"] for p in pods if not p["metadata"].get("deletionTimestamp")]
        return create, delete

    # the failedPodsBackoff (flowcontrol.Backoff), kept in the DaemonSet's runtime record
    def _backoff_delay(self, ds: dict, key: str) -> int | None:
        """IsInBackOffSinceUpdate: the current delay while ``now - lastUpdate < delay``, else None."""
        entry = (self._record(ds["metadata"].get("namespace", "default"), ds["metadata"]["name"])
                 .get("backoff") or {}).get(key)
        if entry is None:
            return None
        delay, last = entry
        return delay if self.tx.now_ms - last < delay else None

    def _backoff_next(self, ds: dict, key: str) -> None:
        """Backoff.Next: 1 s, doubling up to 15 min; an entry idle for twice the maximum starts over."""
        ns, name = ds["metadata"].get("namespace", "default"), ds["metadata"]["name"]
        rec = self._record(ns, name)
        backoff = rec.setdefault("backoff", {})
        now = self.tx.now_ms
        entry = backoff.get(key)
        if entry is None or now - entry[1] > 2 * BACKOFF_MAX_MS:
            backoff[key] = [BACKOFF_INITIAL_MS, now]
        else:
            backoff[key] = [min(entry[0] * 2, BACKOFF_MAX_MS), now]
        self._store(ns, name, rec)

    def sync_nodes(self, ds: dict, delete: list[str], create: list[str], hash_: str) -> None:
        """syncNodes: create (in slow-start batches: 1, 2, 4, ...; a batch with a failure ends them) and delete,
        at most burstReplicas of each."""
        create = create[:BURST_REPLICAS]
        delete = delete[:BURST_REPLICAS]
        ns = ds["metadata"].get("namespace", "default")
        template = create_pod_template((ds.get("spec") or {}).get("template") or {}, template_generation(ds), hash_)
        failed = False
        pos, batch = 0, min(len(create), SLOW_START_INITIAL_BATCH_SIZE)
        while pos < len(create) and batch > 0:
            errors = 0
            for node in create[pos:pos + batch]:
                t = copy.deepcopy(template)
                spec = t.setdefault("spec", {})
                spec["affinity"] = replace_node_affinity(spec.get("affinity"), node)
                if self.create_pod(ds, pod_from_template(t, ds, new_controller_ref(ds))) is None:
                    errors += 1
            pos += batch
            if errors:
                failed = True
                break  # the skipped pods are tried on the next sync
            batch = min(2 * batch, len(create) - pos)
        for pod_name in delete:
            pod = self.tx.get("Pod", ns, pod_name)
            if pod is None:
                continue
            try:
                self.api.delete(pod)
            except E.MinikctlError as e:
                msg = e.server_message() if isinstance(e, E.StatusError) else str(e)
                self.event(ds, "Warning", "FailedDelete", f"Error deleting: {msg}")
                failed = True
                continue
            self.event(ds, "Normal", "SuccessfulDelete", f"Deleted pod: {pod_name}")
        if failed:
            raise _SyncError()

    # ---- rollingUpdate (update.go) -------------------------------------------------------------------------
    def updated_desired_counts(self, ds: dict, nodes: list[dict], node_pods: dict) -> tuple[int, int, int]:
        """updatedDesiredNodeCounts: (maxSurge, maxUnavailable, desiredNumberScheduled); every node that should
        run a pod gets an (empty) entry."""
        desired = 0
        for node in nodes:
            if not self.should_run(node, ds)[0]:
                continue
            desired += 1
            node_pods.setdefault(node["metadata"]["name"], [])
        try:
            max_unavailable = unavailable_count(ds, desired)
            max_surge = surge_count(ds, desired)
        except ValueError:
            raise _SyncError() from None
        if desired > 0 and max_unavailable == 0 and max_surge == 0:
            max_unavailable = 1  # an impossible configuration: accept unavailability
        return max_surge, max_unavailable, desired

    def rolling_update(self, ds: dict, nodes: list[dict], hash_: str) -> None:
        node_pods = self.nodes_to_pods(ds)  # a fresh map: updatedDesiredNodeCounts adds entries to it
        max_surge, max_unavailable, desired = self.updated_desired_counts(ds, nodes, node_pods)
        mrs = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
        now = self.tx.now_ms
        gen = template_generation(ds)

        def available(pod: dict) -> bool:
            return is_pod_available(pod, mrs, now)

        def find_updated(pods: list[dict]):
            """findUpdatedPodsOnNode: (new, old, ok) among the pods not being deleted."""
            new = old = None
            for pod in pods:
                if pod["metadata"].get("deletionTimestamp"):
                    continue
                if is_pod_updated(pod, hash_, gen):
                    if new is not None:
                        return None, None, False
                    new = pod
                elif old is not None:
                    return None, None, False
                else:
                    old = pod
            return new, old, True

        if max_surge == 0:
            # delete just enough old pods to stay within maxUnavailable; manage creates their replacements
            unavailable = 0
            replacements: list[str] = []
            candidates: list[str] = []
            for node_name in sorted(node_pods):
                new, old, ok = find_updated(node_pods[node_name])
                if not ok:
                    unavailable += 1  # excess pods: the manage loop cleans up this node
                    continue
                if (old is None and new is None) or (old is not None and new is not None):
                    unavailable += 1
                elif new is not None:
                    if not available(new):
                        unavailable += 1
                elif not available(old):
                    replacements.append(old["metadata"]["name"])
                    unavailable += 1
                elif unavailable >= max_unavailable:
                    continue
                else:
                    candidates.append(old["metadata"]["name"])
            remaining = min(max(0, max_unavailable - unavailable), len(candidates))
            self.sync_nodes(ds, replacements + candidates[:remaining], [], hash_)
            return

        # surging: a new pod beside each old one (at most maxSurge at a time), the old one deleted once the new
        # one is available
        to_delete: list[str] = []
        should_not_run: list[str] = []
        candidate_nodes: list[str] = []
        allowed_nodes: list[str] = []
        surge = available_count = 0
        by_name = {n["metadata"]["name"]: n for n in nodes}
        for node_name in sorted(node_pods):
            new, old, ok = find_updated(node_pods[node_name])
            if not ok:
                surge += 1
                continue
            if old is not None:
                available_count += available(old)
            elif new is not None:
                available_count += available(new)
            if old is None:
                continue
            if new is None:
                node = by_name.get(node_name)
                if node is None:
                    raise _SyncError()  # "couldn't get node for nodeName"
                if not available(old):
                    if not self.should_run(node, ds)[0]:
                        to_delete.append(old["metadata"]["name"])
                        continue
                    allowed_nodes.append(node_name)
                else:
                    if not self.should_run(node, ds)[0]:
                        should_not_run.append(old["metadata"]["name"])
                        continue
                    if surge >= max_surge:
                        continue
                    candidate_nodes.append(node_name)
            else:
                if not available(new):
                    surge += 1
                    continue
                to_delete.append(old["metadata"]["name"])
        remaining = max_surge - surge
        deletable = available_count - desired
        if deletable > 0:
            to_delete += should_not_run[:min(deletable, len(should_not_run))]
        remaining = min(max(0, remaining), len(candidate_nodes))
        self.sync_nodes(ds, to_delete, allowed_nodes + candidate_nodes[:remaining], hash_)

    # ---- history (update.go) ---------------------------------------------------------------------------------
    def construct_history(self, ds: dict) -> tuple[dict, list[dict]]:
        """constructHistory: (current revision, old revisions); the current one created or renumbered as needed."""
        patch = H.template_patch(ds)
        current: list[dict] = []
        old: list[dict] = []
        for rev in self.owned_objects(ds, "ControllerRevision"):  # controlledHistories: ClaimControllerRevisions
            labels = (rev.get("metadata") or {}).get("labels") or {}
            if HASH_LABEL not in labels:
                new = copy.deepcopy(rev)
                new["metadata"].setdefault("labels", {})[HASH_LABEL] = rev["metadata"]["name"]
                rev, _ = self.api.update(rev, new, verb="replacing")
            (current if H.raw_data(rev) == patch else old).append(rev)  # Match
        next_rev = max([int(r.get("revision") or 0) for r in old], default=0) + 1
        if not current:
            return self.snapshot(ds, next_rev, patch), old
        cur = self.dedup_current(ds, current)
        if int(cur.get("revision") or 0) < next_rev:
            new = copy.deepcopy(cur)
            new["revision"] = next_rev
            self.api.update(cur, new, verb="replacing")
        return cur, old

    def snapshot(self, ds: dict, revision: int, patch: bytes) -> dict:
        """snapshot: a new revision ``<ds>-<ComputeHash(template, collisionCount)>``; a name taken by different data
        bumps status.collisionCount and fails the sync (the next one uses the new name)."""
        collision = (ds.get("status") or {}).get("collisionCount")
        hash_ = H.compute_hash((ds.get("spec") or {}).get("template") or {}, collision)
        meta = ds["metadata"]
        ns = meta.get("namespace", "default")
        labels = dict((((ds.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("labels") or {})
        labels[HASH_LABEL] = hash_
        rev_meta = {"name": f"{meta['name']}-{hash_}", "namespace": ns, "labels": labels,
                    "ownerReferences": [new_controller_ref(ds)]}
        if meta.get("annotations"):
            rev_meta["annotations"] = dict(meta["annotations"])
        import json

        history = {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": rev_meta,
                   "data": json.loads(patch), "revision": revision}
        existing = self.tx.get("ControllerRevision", ns, rev_meta["name"])
        if existing is None:
            return self.api.create(history)
        if H.raw_data(existing) == patch:
            return existing
        # a hash collision: bump the collision count, and let the next sync take the new name
        new = copy.deepcopy(ds)
        new.setdefault("status", {})["collisionCount"] = int(collision or 0) + 1
        self.api.update(ds, new, subresource="status", verb="patching")
        raise _SyncError()

    def dedup_current(self, ds: dict, current: list[dict]) -> dict:
        """dedupCurHistories: keep the current revision with the highest number, relabel pods to its hash, delete
        the duplicates."""
        if len(current) == 1:
            return current[0]
        keep = None
        best = 0
        for rev in current:
            if int(rev.get("revision") or 0) >= best:
                keep, best = rev, int(rev.get("revision") or 0)
        keep_hash = ((keep.get("metadata") or {}).get("labels") or {}).get(HASH_LABEL, "")
        for pod in self.daemon_pods(ds):
            if ((pod.get("metadata") or {}).get("labels") or {}).get(HASH_LABEL) != keep_hash:
                pod = self.tx.get("Pod", pod["metadata"].get("namespace", "default"), pod["metadata"]["name"])
                new = copy.deepcopy(pod)
                new["metadata"].setdefault("labels", {})[HASH_LABEL] = keep_hash
                self.api.update(pod, new, verb="patching")
        for rev in current:
            if rev["metadata"]["name"] != keep["metadata"]["name"]:
                self.api.delete(rev)
        return keep

    def cleanup_history(self, ds: dict, old: list[dict]) -> None:
        """cleanupHistory: delete the oldest revisions no pod uses, down to revisionHistoryLimit."""
        limit = int((ds.get("spec") or {}).get("revisionHistoryLimit", 10))
        to_kill = len(old) - limit
        if to_kill <= 0:
            return
        live = {((p.get("metadata") or {}).get("labels") or {}).get(HASH_LABEL)
                for pods in self.nodes_to_pods(ds, True).values() for p in pods}
        live.discard(None)
        live.discard("")
        for rev in sorted(old, key=lambda r: int(r.get("revision") or 0)):
            if to_kill <= 0:
                break
            if ((rev.get("metadata") or {}).get("labels") or {}).get(HASH_LABEL) in live:
                continue
            stored = self.tx.get("ControllerRevision", rev["metadata"].get("namespace", "default"),
                                 rev["metadata"]["name"])
            if stored is not None:
                self.api.delete(stored)
            to_kill -= 1

    # ---- status ------------------------------------------------------------------------------------------
    def update_status(self, ds: dict, nodes: list[dict], hash_: str, observe_generation: bool) -> None:
        """updateDaemonSetStatus / storeDaemonSetStatus."""
        ds = self.tx.get(self.kind, ds["metadata"].get("namespace", "default"), ds["metadata"]["name"]) or ds
        node_pods = self.nodes_to_pods(ds)
        mrs = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
        now = self.tx.now_ms
        gen = template_generation(ds)
        c = {"desiredNumberScheduled": 0, "currentNumberScheduled": 0, "numberMisscheduled": 0, "numberReady": 0,
             "updatedNumberScheduled": 0, "numberAvailable": 0}
        for node in nodes:
            should_run, _ = self.should_run(node, ds)
            pods = node_pods.get(node["metadata"]["name"]) or []
            if should_run:
                c["desiredNumberScheduled"] += 1
                if not pods:
                    continue
                c["currentNumberScheduled"] += 1
                pod = by_creation_and_phase(pods)[0]
                if is_pod_ready(pod):
                    c["numberReady"] += 1
                    if is_pod_available(pod, mrs, now):
                        c["numberAvailable"] += 1
                if is_pod_updated(pod, hash_, gen):
                    c["updatedNumberScheduled"] += 1
            elif pods:
                c["numberMisscheduled"] += 1
        c["numberUnavailable"] = c["desiredNumberScheduled"] - c["numberAvailable"]
        old = ds.get("status") or {}
        generation = int(ds["metadata"].get("generation") or 0)
        same = all(int(old.get(k) or 0) == v for k, v in c.items())
        if not (same and int(old.get("observedGeneration") or 0) >= generation):
            new = copy.deepcopy(ds)
            new["status"] = status_json(old, c, generation if observe_generation else None)
            self.api.update(ds, new, subresource="status", verb="patching")
        if mrs > 0 and c["numberReady"] != c["numberAvailable"]:
            self.wake_at(ds["metadata"].get("namespace", "default"), ds["metadata"]["name"], now + mrs * 1000)

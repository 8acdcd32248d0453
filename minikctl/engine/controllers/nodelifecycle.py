"""The node lifecycle controller (``pkg/controller/nodelifecycle/node_lifecycle_controller.go``, v1.32).

What it does here, on the virtual clock:

* **Health** (``monitorNodeHealth``/``tryUpdateNodeHealth``): a node's kubelet proves it is alive by renewing its
  Lease every 10 s. The controller looks every 5 s (``nodeMonitorPeriod``); the probe time is the look that
  first saw the latest renewal. When a look finds the probe older than the grace period
  (``--node-monitor-grace-period``, 50 s since v1.32, kubernetes PR #126287), the Ready, MemoryPressure,
  DiskPressure and PIDPressure conditions become ``Unknown`` with reason ``NodeStatusUnknown`` and message
  "Kubelet stopped posting node status." (lastHeartbeatTime kept, lastTransitionTime now). Looks fall on the
  5 s grid of the clock, and a look that falls exactly at the end of the grace period counts (real looks come
  a few milliseconds late). Only a stopped kubelet (``minikctl node stop``) stops renewing.
* **Not ready** (the same function, when the Ready condition it last saw was True and is not any more):
  the event ``NodeNotReady`` "Node NAME status is now: NodeNotReady" on the Node
  (``pkg/controller/util/node/controller_utils.go`` ``RecordNodeStatusChange``) and ``MarkPodsNotReady``
  (``pkg/controller/util/controller_utils.go``): each pod on the node gets Ready=False, and a Warning
  ``NodeNotReady`` "Node is not ready" event.
* **Taints** (``doNoScheduleTaintingPass``, ``doNoExecuteTaintingPass``, ``SwapNodeControllerTaint``): Ready
  ``False`` → ``node.kubernetes.io/not-ready``, ``Unknown`` → ``node.kubernetes.io/unreachable``, as a
  NoSchedule taint and a NoExecute taint, both with ``timeAdded``; Ready True again removes them
  (``markNodeAsReachable``). A cordoned node (``spec.unschedulable``) gets ``node.kubernetes.io/unschedulable``
  NoSchedule, removed when it is uncordoned. The NoExecute taints follow the zone's disruption state (``handleDisruption``,
  ``ComputeZoneState``; a zone is the ``topology.kubernetes.io/region`` and ``zone`` labels): when no node of a
  zone is Ready (full disruption) none of its nodes keeps or gets a NoExecute taint, and in a partial disruption
  (more than 2 nodes and at least 55 % not ready) no new one is added (the secondary eviction rate is 0 in
  clusters of at most 50 nodes). In a zone's normal state new NoExecute taints go through the zone's tainter
  queue (``zoneNoExecuteTainter``, a ``RateLimitedTimedQueue``) at ``--node-eviction-rate`` 0.1 node/s with a
  burst of 1 (``scheduler.EvictionRateLimiterBurst``): when several nodes go down together, the first is tainted at
  once and each next one 10 s later, in the order they went down (then by name). Swapping ``not-ready`` and
  ``unreachable`` and removing the taints are never held back (``processTaintBaseEviction``). Not modelled:
  ``--node-startup-grace-period``, the queue's 100 ms pass period (a token is used the moment it is there).

The taints' effect on pods is the taint eviction controller's (``tainteviction.py``). Writer and event source:
``node-controller``. Runtime records (kind ``NodeHealth``, one per node that needs one): the Ready status it last
saw when not True (and since when), and a wake-up at the end of the grace period of a node whose kubelet is
stopped; kind ``ZoneTainter``, one per zone that tainted a node: when its rate limiter has a token again.
"""

from __future__ import annotations

import json

from minikctl.engine import nodes as N
from minikctl.kube.timefmt import rfc3339
from minikctl.store.changelog import DELETED

WRITER = "node-controller"
KIND = "NodeHealth"
MONITOR_PERIOD_MS = 5_000       # --node-monitor-period
GRACE_PERIOD_MS = 50_000        # --node-monitor-grace-period (v1.32 default)
LEASE_RENEW_MS = 10_000         # the kubelet's lease renewals (api/registry/lease.py)
UNHEALTHY_ZONE_THRESHOLD = 0.55  # --unhealthy-zone-threshold
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"  # v1.TaintNodeUnschedulable
CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")
TAINTER = "ZoneTainter"
EVICTION_INTERVAL_MS = 10_000   # 1 / --node-eviction-rate (0.1 node/s), burst 1


def last_renewal(lease: dict | None, stopped_ms: int) -> int | None:
    """The last renewal of a node lease whose kubelet stopped at ``stopped_ms`` (its 10 s grid, from the stored
    renewTime)."""
    from minikctl.kube.timefmt import parse_rfc3339

    try:
        first = parse_rfc3339(((lease or {}).get("spec") or {})["renewTime"])
    except (KeyError, TypeError, ValueError):
        return None
    if stopped_ms < first:
        return first
    return first + (stopped_ms - first) // LEASE_RENEW_MS * LEASE_RENEW_MS


def unknown_at(last_renewal_ms: int) -> int:
    """The look that finds the probe too old: the first 5 s look at or after the renewal sees it (the probe),
    the grace period later the node is marked."""
    probe = -(-last_renewal_ms // MONITOR_PERIOD_MS) * MONITOR_PERIOD_MS
    return probe + GRACE_PERIOD_MS


def ready_status(node: dict) -> str:
    for c in (node.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c.get("status") or "Unknown"
    return "Unknown"


def zone_key(node: dict) -> str:
    """GetZoneKey: region and zone labels (empty when both are missing)."""
    labels = (node.get("metadata") or {}).get("labels") or {}
    region = labels.get("topology.kubernetes.io/region", labels.get("failure-domain.beta.kubernetes.io/region", ""))
    zone = labels.get("topology.kubernetes.io/zone", labels.get("failure-domain.beta.kubernetes.io/zone", ""))
    return "" if not region and not zone else f"{region}:\x00:{zone}"


class NodeLifecycleController:
    name = WRITER
    watches = ("Node",)
    owns = (KIND, TAINTER)

    def __init__(self, loop) -> None:
        self.loop = loop
        self.tx = loop.tx
        self.api = loop.api.as_writer(WRITER)
        self.queue: dict[str, None] = {}
        self.zones_dirty = False

    # ---- the informer ---------------------------------------------------------------------------
    def observe(self, ch) -> None:
        if ch.type == DELETED:
            self.tx.delete_runtime(KIND, "", ch.name)
            self.zones_dirty = True
            return
        self.queue[ch.name] = None

    def has_work(self) -> bool:
        return bool(self.queue) or self.zones_dirty

    def work(self) -> None:
        while self.queue:
            name = next(iter(self.queue))
            del self.queue[name]
            node = self.tx.get("Node", "", name)
            if node is not None:
                self.sync(node)
        if self.zones_dirty:
            self.zones_dirty = False
            self.taint_no_execute()

    def finish(self) -> None:
        pass

    # ---- a stopped kubelet's node ---------------------------------------------------------------
    def _stopped_at(self, name: str) -> int | None:
        state = self.loop.kubelet.node(name)
        return None if state is None else state.stopped_at

    def _put(self, name: str, rec: dict) -> None:
        if rec.get("ready", "True") == "True" and rec.get("at") is None:
            self.tx.delete_runtime(KIND, "", name)  # a healthy node needs no record
        else:
            self.tx.put_runtime(KIND, "", name, rec, rec.get("at"))

    def kubelet_stopped(self, name: str) -> None:
        """A node's kubelet stopped: wake when the grace period since its last renewal runs out."""
        stopped = self._stopped_at(name)
        if stopped is None:
            return
        last = last_renewal(self.tx.get("Lease", N.LEASE_NAMESPACE, name), stopped)
        rec = self.tx.get_runtime(KIND, "", name) or {}
        rec["at"] = max(unknown_at(last if last is not None else stopped), self.tx.now_ms)
        self._put(name, rec)

    def due(self, kind: str, namespace: str, name: str, until: int, horizon: int | None) -> None:
        if kind == TAINTER:  # a zone's rate limiter has a token again: the nodes waiting in its queue
            rec = self.tx.get_runtime(TAINTER, "", name) or {}
            self.tx.put_runtime(TAINTER, "", name, rec, None)
            self.zones_dirty = True
            return
        rec = self.tx.get_runtime(KIND, "", name) or {}
        rec.pop("at", None)
        self._put(name, rec)
        node = self.tx.get("Node", "", name)
        if node is None or self._stopped_at(name) is None:
            return
        new = json.loads(json.dumps(node))
        now = rfc3339(self.tx.now_ms)
        conds = new.setdefault("status", {}).setdefault("conditions", [])
        changed = False
        for t in CONDITIONS:
            c = next((c for c in conds if c.get("type") == t), None)
            if c is None:
                conds.append({"lastHeartbeatTime": None, "lastTransitionTime": now,
                              "message": "Kubelet never posted node status.", "reason": "NodeStatusNeverUpdated",
                              "status": "Unknown", "type": t})
                changed = True
            elif c.get("status") != "Unknown":
                c.update(status="Unknown", reason="NodeStatusUnknown", message="Kubelet stopped posting node status.",
                         lastTransitionTime=now)
                changed = True
        if changed:
            self.api.write_status(new)  # its change comes back through observe: taints, pods, events

    # ---- one node -------------------------------------------------------------------------------
    def sync(self, node: dict) -> None:
        name = node["metadata"]["name"]
        rec = self.tx.get_runtime(KIND, "", name) or {}
        seen = rec.get("ready", "True")  # no record: Ready as far as it knows
        ready = ready_status(node)
        if seen != ready:
            rec["ready"] = ready
            rec["since"] = self.tx.now_ms  # the tainter queue's order (markNodeForTainting's timestamp)
            if self._stopped_at(name) is None:
                rec.pop("at", None)
            self._put(name, rec)
            self.zones_dirty = True
            if seen == "True" and ready != "True":
                self.api.event(node, "Normal", "NodeNotReady", f"Node {name} status is now: NodeNotReady", WRITER)
                self.mark_pods_not_ready(name)
        self.taint_no_schedule(node)

    def mark_pods_not_ready(self, name: str) -> None:
        """MarkPodsNotReady: Ready=False on every pod of the node, with a NodeNotReady event each."""
        from minikctl.api.registry import pod as pods

        for pod in self.tx.list("Pod"):
            if (pod.get("spec") or {}).get("nodeName") != name:
                continue
            for c in (pod.get("status") or {}).get("conditions") or []:
                if c.get("type") != "Ready":
                    continue
                new = json.loads(json.dumps(pod))
                if pods.set_condition(new, {**c, "status": "False", "lastTransitionTime": None}, self.tx.now_ms):
                    stored = self.api.write_status(new)
                    self.api.event(stored, "Warning", "NodeNotReady", "Node is not ready", WRITER)
                break

    def _set_taints(self, node: dict, add: list[tuple[str, str]], remove: list[tuple[str, str]]) -> dict:
        """SwapNodeControllerTaint: add (with timeAdded) and remove taints (key, effect) in one update."""
        taints = list((node.get("spec") or {}).get("taints") or [])
        have = {(t.get("key"), t.get("effect")) for t in taints}
        keep = [t for t in taints if (t.get("key"), t.get("effect")) not in set(remove)]
        new_taints = keep + [{"effect": e, "key": k, "timeAdded": rfc3339(self.tx.now_ms)}
                             for k, e in add if (k, e) not in have]
        if new_taints == taints:
            return node
        new = json.loads(json.dumps(node))
        if new_taints:
            new.setdefault("spec", {})["taints"] = new_taints
        else:
            new.get("spec", {}).pop("taints", None)
        stored, _ = self.api.update(node, new, verb="patching")
        return stored

    def taint_no_schedule(self, node: dict) -> None:
        """doNoScheduleTaintingPass for the Ready condition and ``spec.unschedulable`` (a cordoned node gets the
        ``node.kubernetes.io/unschedulable`` NoSchedule taint, an uncordoned one loses it)."""
        ready = ready_status(node)
        want = {"False": NOT_READY, "Unknown": UNREACHABLE}.get(ready)
        add = [(want, "NoSchedule")] if want else []
        remove = [(k, "NoSchedule") for k in (NOT_READY, UNREACHABLE) if k != want]
        if (node.get("spec") or {}).get("unschedulable"):
            add.append((UNSCHEDULABLE, "NoSchedule"))
        else:
            remove.append((UNSCHEDULABLE, "NoSchedule"))
        self._set_taints(node, add, remove)

    def taint_no_execute(self) -> None:
        """doNoExecuteTaintingPass and handleDisruption over every zone."""
        zones: dict[str, list[dict]] = {}
        for node in self.tx.list("Node"):
            labels = (node.get("metadata") or {}).get("labels") or {}
            if "node.kubernetes.io/exclude-disruption" in labels:
                continue
            zones.setdefault(zone_key(node), []).append(node)
        for zone, nodes in zones.items():
            not_ready = sum(1 for n in nodes if ready_status(n) != "True")
            full = not_ready > 0 and not_ready == len(nodes)
            partial = not full and not_ready > 2 and not_ready / len(nodes) >= UNHEALTHY_ZONE_THRESHOLD
            limited = not full and not partial
            if limited:
                nodes = sorted(nodes, key=lambda n: ((self.tx.get_runtime(KIND, "", n["metadata"]["name"]) or {})
                                                     .get("since", 0), n["metadata"]["name"]))
            for node in nodes:
                ready = ready_status(node)
                want = None if full or ready == "True" else {"False": NOT_READY, "Unknown": UNREACHABLE}[ready]
                taints = {(t.get("key"), t.get("effect")) for t in (node.get("spec") or {}).get("taints") or []}
                if want is not None and partial and (want, "NoExecute") not in taints:
                    want = None  # no new eviction in a partially disrupted small cluster
                    if not any((k, "NoExecute") in taints for k in (NOT_READY, UNREACHABLE)):
                        continue
                new_taint = want is not None and not any((k, "NoExecute") in taints for k in (NOT_READY, UNREACHABLE))
                if limited and new_taint and not self._token(zone):
                    continue  # waits in the zone's queue for the next token
                add = [(want, "NoExecute")] if want else []
                remove = [(k, "NoExecute") for k in (NOT_READY, UNREACHABLE) if k != want]
                if partial and want is None and ready != "True":
                    remove = []
                self._set_taints(node, add, remove)

    def _token(self, zone: str) -> bool:
        """The zone tainter's token bucket (0.1 token/s, at most 1): take a token now (True), or wake the
        controller when the next one is there (False)."""
        rec = self.tx.get_runtime(TAINTER, "", zone) or {}
        free = rec.get("free", 0)
        now = self.tx.now_ms
        if now >= free:
            rec["free"] = now + EVICTION_INTERVAL_MS
            self.tx.put_runtime(TAINTER, "", zone, rec, None)
            return True
        self.tx.put_runtime(TAINTER, "", zone, rec, free)
        return False

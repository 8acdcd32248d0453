"""The simulated kubelets: one agent runs the pods bound to every simulated node.

It is an ordinary client of the API (``writer`` "kubelet"): it sees pods through the change log (the
kubelet's pod informer, filtered on ``spec.nodeName``), writes their status through the API and removes a
terminated pod with a delete of grace 0, as ``status_manager.go`` does. Each pod has a runtime record (kind
``Pod``, a ``records.PodRecord``) with its timers; ``worker.PodWorker`` runs them. The node's own state
(images, requested resources, pod IPs) is a ``nodes.NodeState``.

Also what ``kubectl logs`` / ``exec`` / ``describe`` ask of a kubelet: ``pod_logs``, ``pod_exec``,
``pod_assumptions``.
"""

from __future__ import annotations

import json
import time

from minikctl.engine import nodes as N
from minikctl.engine.kubelet.static import MIRROR, record_uid
from minikctl.kube.errors import ClientError
from minikctl.store.changelog import DELETED

WRITER = "kubelet"
CACHED_KINDS = ("ConfigMap", "Secret", "Service", "Node")  # controllers/informer.py CachedReads.KINDS
RECORDS_KEPT = 2048  # decoded pod records kept between a write and the next read (``load_record``)


class Kubelet:
    """The node agent for every simulated node, inside one run of the cluster's loop."""

    name = WRITER
    # its pods and nodes; the ConfigMaps, Secrets and Services its pods read (``reads``, kept current by their changes)
    watches = ("Pod", "Node", "ConfigMap", "Secret", "Service")
    owns = ("Pod", N.KIND)  # runtime records whose timers it serves: pods, and each node's status sync

    def __init__(self, loop) -> None:
        self.loop = loop
        self.api = loop.api.as_writer(WRITER)
        self.tx = loop.tx
        self.queue: dict[tuple, None] = {}  # (namespace, name) of pods to look at, in arrival order
        self.node_queue: dict[str, None] = {}
        self._nodes: dict[str, N.NodeState | None] = {}
        from minikctl.engine.controllers.informer import CachedReads

        self.reads = CachedReads(self.tx)
        # the pod records this kubelet wrote during the run, decoded: (namespace, name) -> (the JSON text written,
        # the record); one is taken out when it is read (``load_record``) and back when it is written
        self._records: dict[tuple, tuple] = {}
        self.static_pending = True  # the static pod manifests are read once a command (``static.py``)
        from .parked import Parked

        self.parked = Parked(loop)  # failing readiness probes run at once, written when needed
        self.reads_seq = 0  # counts the changes of ``reads`` (a wake-up's twin reads what its model read)
        self.stopped_by: str | None = None  # why ``_due_pod`` stopped stepping its pod (waketwins.py)
        from .waketwins import WakeTwins

        self.wake_twins = WakeTwins(self)  # pods that wake alike at one instant, worked once

    # ---- nodes ---------------------------------------------------------------------------
    def node(self, name: str) -> N.NodeState | None:
        if name not in self._nodes:
            self._nodes[name] = N.NodeState.load(self.tx, name)
        return self._nodes[name]

    def finish(self) -> None:
        if self.parked.parks or self.parked.jumps:
            self.parked.finish()
        for st in self._nodes.values():
            if st is not None:
                st.save()

    # ---- the informer --------------------------------------------------------------------
    def observe(self, ch) -> None:
        if ch.kind in CACHED_KINDS:
            self.reads.observe(ch)
            self.reads_seq += 1
            if ch.kind != "Node":
                return
        if ch.kind == "Node":
            if ch.type == DELETED:  # the node's kubelet goes with it (its pods wait for the pod GC)
                if self.node(ch.name) is not None:
                    self._nodes[ch.name] = None
                    self.tx.delete_runtime(N.KIND, "", ch.name)
            elif ch.by != WRITER and self.node(ch.name) is None:
                self.node_queue[ch.name] = None
            elif ch.by != WRITER:
                self._schedulable_changed(ch.name, ch.obj)
            return
        if ch.type == DELETED and MIRROR in ((ch.obj.get("metadata") or {}).get("annotations") or {}):
            self.static_pending = True  # a mirror pod gone: its static pod, if still there, gets another
        if ch.by == WRITER:
            return  # its own status writes
        if ch.type == DELETED:
            self._forget(ch)
            return
        node = (ch.obj.get("spec") or {}).get("nodeName")
        if node:
            self.queue[(ch.namespace, ch.name)] = None

    def has_work(self) -> bool:
        return bool(self.queue or self.node_queue) or self.static_pending

    def work(self) -> None:
        if self.static_pending:
            from . import static

            self.static_pending = False
            static.sync(self)
        while self.node_queue:
            name = next(iter(self.node_queue))
            del self.node_queue[name]
            self._register(name)
        while self.queue:
            key = next(iter(self.queue))
            del self.queue[key]
            found = self.tx.get_with_body("Pod", *key)
            if found is not None:
                self._sync_pod(found[0], found[1])

    # ---- node registration ------------------------------------------------------------------
    def _register(self, name: str) -> None:
        """A new Node object: the node IPAM controller gives it a pod CIDR, its kubelet registers its status."""
        node = self.tx.get("Node", "", name)
        if node is None or self.node(name) is not None:
            return
        index = self.tx.counter("nodes")
        self._nodes[name] = N.NodeState.create(self.tx, name, index)
        spec = node.setdefault("spec", {})
        if not spec.get("podCIDR"):
            spec["podCIDR"] = N.pod_cidr(index)
            spec["podCIDRs"] = [N.pod_cidr(index)]
        old = node.get("status") or {}
        node["status"] = N.registered_status(name, index, self.tx.now_ms, node.get("status"))
        self.api.write_status(node, old)
        if not self.tx.exists("Lease", N.LEASE_NAMESPACE, name):  # the node lease controller's first sync
            self.api.create(N.node_lease(node, self.tx.now_ms))
        self.loop.scheduler.capacity_changed()

    # ---- the node status sync -----------------------------------------------------------------
    def _schedulable_changed(self, name: str, node: dict) -> None:
        """A node was cordoned or uncordoned: its kubelet notices at its next node status sync
        (``tryUpdateNodeStatus`` every nodeStatusUpdateFrequency, 10 s; modelled on the node lease's 10 s grid)."""
        state = self.node(name)
        if state is None or state.status_sync_at is not None:
            return
        if bool((node.get("spec") or {}).get("unschedulable")) == state.unschedulable:
            return
        from minikctl.api.registry.lease import RENEW_INTERVAL_MS
        from minikctl.kube.timefmt import parse_rfc3339

        lease = self.tx.get("Lease", N.LEASE_NAMESPACE, name)
        try:
            first = parse_rfc3339(lease["spec"]["renewTime"])
        except (KeyError, TypeError, ValueError):
            first = self.tx.now_ms
        now = self.tx.now_ms
        # the first sync after the change (one due at this very instant counts as having run before it)
        state.status_sync_at = first if now < first else first + ((now - first) // RENEW_INTERVAL_MS + 1) * RENEW_INTERVAL_MS
        state.save(force=True)  # the wake-up is known to this run's due queue at once

    def _status_sync(self, name: str) -> None:
        """recordNodeSchedulableEvent (pkg/kubelet/kubelet_node_status.go), one of the node status setters: a
        ``NodeNotSchedulable`` or ``NodeSchedulable`` event when ``spec.unschedulable`` differs from what the kubelet
        last saw. A stopped kubelet syncs nothing (its next sync, when it starts, records the change)."""
        state = self.node(name)
        if state is None:
            self.tx.set_wake(N.KIND, "", name, None)
            return
        state.status_sync_at = None
        state.save(force=True)
        node = self.tx.get("Node", "", name)
        if node is None or state.stopped_at is not None:
            return
        want = bool((node.get("spec") or {}).get("unschedulable"))
        if want != state.unschedulable:
            state.unschedulable = want
            state.save(force=True)
            what = "NodeNotSchedulable" if want else "NodeSchedulable"
            ref = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": name}}
            self.api.event(ref, "Normal", what, f"Node {name} status is now: {what}", WRITER, name)

    # ---- a kubelet that stops and starts (``minikctl node stop|start``) ---------------------------
    def stop_node(self, name: str) -> None:
        """The node's kubelet stops: from now on it renews no lease (``api/registry/lease.py``), posts no node or
        pod status and runs no pod worker. Its containers are left as they are."""
        state = self.node(name)
        if state is None:
            raise ClientError(f'node "{name}" has no simulated kubelet')
        if state.stopped_at is not None:
            raise ClientError(f'the kubelet of node "{name}" is already stopped')
        state.set_stopped(self.tx.now_ms)
        for comp in self.loop.all_components():
            if hasattr(comp, "kubelet_stopped"):
                comp.kubelet_stopped(name)  # the node lifecycle controller's grace period starts counting

    def start_node(self, name: str) -> None:
        """The node's kubelet starts again: it renews its lease at once, posts its node status (Ready again, the
        conditions' events as ``kubelet_node_status.go``'s setters record them) and syncs every pod bound to it,
        catching up with what its containers did meanwhile (a deletion requested meanwhile is carried out)."""
        from minikctl.kube.timefmt import rfc3339, rfc3339_micro

        state = self.node(name)
        if state is None:
            raise ClientError(f'node "{name}" has no simulated kubelet')
        if state.stopped_at is None:
            raise ClientError(f'the kubelet of node "{name}" is already running')
        state.set_stopped(None)
        now = self.tx.now_ms
        lease = self.tx.get("Lease", N.LEASE_NAMESPACE, name)
        if lease is not None:
            new = json.loads(json.dumps(lease))
            new.setdefault("spec", {})["renewTime"] = rfc3339_micro(now)
            self.api.update(lease, new, verb="updating")
        node = self.tx.get("Node", "", name)
        if node is not None:
            # the kubelet's nodeRef: kind Node, its name, the name as UID (describe node lists events of both)
            ref = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": name}}
            self.api.event(ref, "Normal", "Starting", "Starting kubelet.", WRITER, name)
            fresh = {c["type"]: c for c in N.registered_status(name, state.index, now)["conditions"]}
            new = json.loads(json.dumps(node))
            conds = new.setdefault("status", {}).setdefault("conditions", [])
            for c in conds:
                want = fresh.get(c.get("type"))
                if want is None:
                    continue
                c["lastHeartbeatTime"] = rfc3339(now)
                if c.get("status") != want["status"] or c.get("reason") != want["reason"]:
                    c.update(status=want["status"], reason=want["reason"], message=want["message"],
                             lastTransitionTime=rfc3339(now))
                    # recordNodeStatusEvent: NodeHasSufficientMemory, NodeHasNoDiskPressure, ..., NodeReady
                    what = "NodeReady" if want["type"] == "Ready" else want["reason"].replace("Kubelet", "Node", 1)
                    self.api.event(ref, "Normal", what, f"Node {name} status is now: {what}", WRITER, name)
            self.api.write_status(new)
            self._schedulable_changed(name, new)
        for pod in self.tx.list("Pod"):
            if (pod.get("spec") or {}).get("nodeName") == name:
                meta = pod["metadata"]
                self.queue[(meta.get("namespace", "default"), meta["name"])] = None

    # ---- pods -------------------------------------------------------------------------------
    def load_record(self, ns: str, name: str):
        """``records.load``, without decoding again a record this kubelet wrote during the loop's life: the one it
        kept is the record while the store holds the text it wrote for it (nothing else wrote or deleted it since, no
        step was rolled back). The record is handed over: until ``save_record`` writes it, a second read decodes the
        stored text (a worker that fails half-way leaves no changed record behind)."""
        from .records import load

        kept = self._records.pop((ns, name), None)
        if kept is None or self.tx.runtime_text("Pod", ns, name) != kept[0]:
            return load(self.tx, ns, name)
        rec = kept[1]
        parked = self.parked
        if parked.parks and parked.take(ns, name, rec):
            self.save_record(ns, name, rec)
        return rec

    def save_record(self, ns: str, name: str, rec) -> None:
        from .records import save

        records = self._records
        records[(ns, name)] = (save(self.tx, ns, name, rec), rec)
        if len(records) > RECORDS_KEPT:  # the least recently written goes (a decoded record is ~20 KB)
            del records[next(iter(records))]

    def _sync_pod(self, pod: dict, body: str | None = None) -> None:
        from .worker import PodWorker, new_record, spec_hash

        meta = pod["metadata"]
        ns, name = meta.get("namespace", "default"), meta["name"]
        node_name = (pod.get("spec") or {}).get("nodeName")
        state = self.node(node_name)
        if state is None or state.stopped_at is not None:
            return  # no kubelet running on that node: the pod waits for one
        uid = record_uid(pod)
        if uid != meta.get("uid") and meta.get("deletionTimestamp"):
            self.static_pending = True  # a mirror pod being deleted: removed at once and made again
            return
        rec = self.load_record(ns, name)
        if rec is not None and rec.uid != uid:
            rec = None
        if rec is None:
            if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                return
            rec = new_record(pod)
            rec.uid = uid
            self._admit(pod, rec, state)
            k = PodWorker(self.api, pod, rec, state, self.reads)
            k._body = body
            k.need_sync(self.tx.now_ms)
            k.run_due(self.tx.now_ms)
            self.finish_pod(k)
            return
        spec = pod.get("spec") or {}
        for c in spec.get("ephemeralContainers") or []:
            if c.get("name") not in rec.containers:  # added through the ephemeralcontainers subresource
                from .records import ContainerRecord

                rec.containers[c["name"]] = ContainerRecord("ephemeral", spec_hash(c))
        k = PodWorker(self.api, pod, rec, state, self.reads)
        if meta.get("deletionTimestamp") and rec.started_at is not None and self._terminate(k, meta):
            pass  # a deletion (or a shorter grace period): the containers are stopped
        elif rec.started_at is not None:
            grace = int(spec.get("terminationGracePeriodSeconds", 30))
            for c, cr, fp in k.containers():
                h = spec_hash(c)
                if h == cr.spec_hash:
                    continue
                cr.spec_hash = h
                cr.back_off = None  # the back-off key includes the spec hash: a fresh history
                inst = cr.current
                if inst is not None and inst.finished_at is None and rec.termination is None:
                    k.kill(c, cr, fp, f"Container {c['name']} definition changed, will be restarted", grace,
                           restart=True)
                elif cr.waiting and cr.waiting.reason in ("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
                                                          "InvalidImageName", "ErrImageNeverPull"):
                    cr.waiting = None
            k.need_sync(self.tx.now_ms)
            k.wake_dormant()
        k.run_due(self.tx.now_ms)
        self.finish_pod(k)

    def _admit(self, pod: dict, rec, state: N.NodeState) -> None:
        """The pod is bound to this node: account for it, give it an address, start its sandbox."""
        from minikctl.engine.controllers.scheduler import node_requests

        meta = pod["metadata"]
        key = (meta.get("namespace", "default"), meta["name"], meta.get("uid"))
        assumed = self.loop.scheduler.assumed.pop(key, None)
        if assumed is None:  # bound by its manifest (spec.nodeName), not by the scheduler
            req = node_requests(pod)
            state.add_requests(req, 1)
        else:
            req = assumed[1]
        rec.requests = req
        rec.host_ip = N.internal_ip(self.reads.get("Node", "", state.name) or {}) or N.node_ip(state.index)
        rec.pod_ip = rec.host_ip if (pod.get("spec") or {}).get("hostNetwork") else state.next_pod_ip()
        rec.node = state.name
        rec.started_at = self.tx.now_ms
        rec.filesystem = None

    def _terminate(self, k, meta: dict) -> bool:
        """Graceful deletion: stop the containers by the deletionTimestamp (``killPod`` with the pod's grace).
        False when this deletion was already under way (nothing new to do)."""
        from minikctl.kube.timefmt import parse_rfc3339

        from .records import Termination

        rec = k.rec
        now = self.tx.now_ms
        end = parse_rfc3339(meta["deletionTimestamp"])
        if rec.termination is not None and end >= rec.termination.deadline:
            return False
        grace = int(meta.get("deletionGracePeriodSeconds", max(0, (end - now) // 1000)))
        rec.termination = Termination(now, end, grace)
        for c, cr, fp in k.containers():
            inst = cr.current
            if inst is not None and inst.kill and inst.finished_at is None:
                inst.kill.kill_at = min(inst.kill.kill_at, end)
                inst.kill.restart = False
        k.need_sync(now)
        return True

    def release(self, rec) -> None:
        """The pod no longer holds its node's resources (terminal or gone)."""
        if rec.requests is not None and not rec.released:
            rec.released = True
            state = self.node(rec.node or "")
            if state is not None:
                state.add_requests(rec.requests, -1)
            self.loop.scheduler.capacity_changed()

    def _forget(self, ch) -> None:
        """A pod was removed from the API: its sandbox goes, its resources return to the node."""
        rec = self.load_record(ch.namespace, ch.name)
        if rec is not None and rec.uid == ch.uid:
            self.release(rec)
            self.tx.delete_runtime("Pod", ch.namespace, ch.name)
            _drop_logs(self.tx, ch.namespace, ch.name, rec)
            return
        assumed = self.loop.scheduler.assumed.pop((ch.namespace, ch.name, ch.uid), None)
        if assumed is not None:
            state = self.node(assumed[0])
            if state is not None:
                state.add_requests(assumed[1], -1)
            self.loop.scheduler.capacity_changed()

    # ---- timers ---------------------------------------------------------------------------
    def due(self, kind: str, ns: str, name: str, until: int, horizon: int | None) -> None:
        if kind == N.KIND:
            self._status_sync(name)
            return
        found = self.wake_twins.due(ns, name, until, horizon)
        if found is not True:  # True: made from a twin's wake-up at this instant, or worked as a model
            self._due_pod(ns, name, until, horizon, found)

    def _due_pod(self, ns: str, name: str, until: int, horizon: int | None, found=False) -> None:
        """The pod's timers due up to ``until``, worked the general way. ``found``: the pod and its stored text as
        read just before (``Tx.get_with_body``), None when it was not found (False: not read yet)."""
        from .worker import PodWorker

        self.stopped_by = None
        tx = self.tx
        if found is False:
            found = tx.get_with_body("Pod", ns, name)
        pod, body = found if found is not None else (None, None)
        rec = self.load_record(ns, name)
        if rec is None:
            return
        if pod is None or record_uid(pod) != rec.uid:
            tx.set_wake("Pod", ns, name, None)
            return
        state = self.node(rec.node or "")
        if state is not None and state.stopped_at is not None:
            tx.set_wake("Pod", ns, name, None)  # a stopped kubelet runs no pod worker: ``start_node`` wakes it
            return
        k = PodWorker(self.api, pod, rec, state, self.reads)
        k._body = body
        if horizon is not None:
            k.horizon = max(horizon, tx.now_ms)
        k.run_due(until)
        # keep stepping this pod in memory while it stays first in the (wake, kind, namespace, name) order and
        # nobody else has anything to react to: a looping process costs no store round trip per wake-up. A run
        # with a wall deadline (a committed step of a long advance, Loop.run) stops here as it stops between two
        # instants, so that a pod looping alone does not hold the store for the whole advance
        deadline = self.loop.wall_deadline
        stop = "nohorizon" if horizon is None else "feed"
        while horizon is not None and not tx.feed and self.settle_instant(k):
            if tx.feed and any(self.loop.others_act_on(ch) for ch in tx.feed):
                # the instant's status write, which a controller or a watch acts on: it observes it at this
                # instant, not with the pod's next step (a write nobody else acts on may wait, as before)
                break
            nxt = rec.next_wake()
            if nxt is None or nxt > horizon:
                stop = "after"
                break
            if deadline is not None and nxt > tx.now_ms and time.monotonic() > deadline:
                stop = "deadline"
                break
            other = tx.next_due_other(nxt, "Pod", ns, name)
            if other is not None and tuple(other) < (nxt, "Pod", ns, name):
                stop = "other"
                break
            if self.parked.parks:  # another pod's parked probe comes first, as its timer would
                first = self.parked.first()
                if first is not None and first < (nxt, "Pod", ns, name):
                    stop = "parked"
                    break
            stop = "stepped"
            self.loop.cursor = (nxt, "Pod", ns, name)
            self.parked.take(ns, name, rec)  # a probe parked before this timer: its runs go into the record
            k.run_due(nxt)
        self.stopped_by = stop
        self.finish_pod(k)
        if horizon is not None:
            nxt = rec.next_wake()
            if nxt is None or nxt > horizon:
                # the run will not wake the pod again (its probes went dormant, its crash loop was jumped to the
                # horizon): its record is not kept decoded, only a change of the pod would read it again (and decode
                # its text). A thousand such records kept to the end of an advance are ~50,000 objects the young
                # generation's collections would go over (cli/app.py GC_THRESHOLDS)
                self._records.pop((ns, name), None)

    def settle_instant(self, k) -> bool:
        """After an instant: write the status if it changed; False when the pod is gone."""
        rec = k.rec
        if rec.gone_at is not None:
            return False
        if rec.started_at is not None:
            k.write_status()
            if (k.pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                self.release(rec)
        if k._pending_ff:
            k.settled()
        return True

    def finish_pod(self, k) -> None:
        try:
            self._finish_pod(k)
        finally:
            k.close()  # freed by reference counting once the caller drops it (PodWorker.close)

    def _finish_pod(self, k) -> None:
        rec = k.rec
        k.flush()
        ns, name = k.ns, k.name
        if rec.gone_at is not None:
            if (k.pod.get("metadata") or {}).get("finalizers"):
                rec.timers = []
                rec.gone_at = None
                k.write_status()
                self.release(rec)
                self.save_record(ns, name, rec)
                self.api.delete(k.pod, grace=0)
                return
            self.release(rec)
            self.tx.delete_runtime("Pod", ns, name)
            _drop_logs(self.tx, ns, name, rec)
            self.api.delete(k.pod, grace=0)
            return
        self.settle_instant(k)
        self.save_record(ns, name, rec)


def _drop_logs(tx, ns: str, name: str, rec) -> None:
    """A pod's logs go with it (``containerLogManager.Clean`` of each of its containers)."""
    from minikctl.store import logs as store_logs

    store_logs.drop(tx, [i.id for cr in rec.containers.values() for i in (cr.current, cr.previous) if i is not None])


# ---- what kubectl asks of a kubelet ----------------------------------------------------------
def _kubelet_reachable(tx, rec, path: str) -> None:
    """The API server dials the kubelet (port 10250) for logs and exec: a stopped one refuses the connection."""
    from minikctl.kube.errors import StatusError

    if rec is None or not rec.node or N.stopped_at(tx, rec.node) is None:
        return
    addr = f"{rec.host_ip}:10250"
    dial = f"dial tcp {addr}: connect: connection refused"
    raise StatusError(f'Get "https://{addr}/{path}": {dial}' if path else f"error dialing backend: {dial}")


def pod_logs(tx, pod: dict, container: str, previous: bool, tail: int | None = None, since_ms: int | None = None,
             after_seq: int | None = None, numbered: bool = False) -> list:
    """[(ms, line)] of one container instance (``GET /containerLogs``): all, the last ``tail``, those at or after
    ``since_ms`` or numbered ``after_seq`` and later; [(seq, ms, line)] when ``numbered``."""
    from minikctl.kube.errors import BadRequest

    from .records import load

    meta = pod["metadata"]
    rec = load(tx, meta.get("namespace", "default"), meta["name"])
    _kubelet_reachable(tx, rec, f"containerLogs/{meta.get('namespace', 'default')}/{meta['name']}/{container}")
    cr = rec.containers.get(container) if rec is not None else None
    pname = meta["name"]
    if previous:
        inst = cr.previous if cr is not None else None
        if inst is None:
            raise BadRequest(f'previous terminated container "{container}" in pod "{pname}" not found')
    else:
        inst = cr.current if cr is not None else None
        if inst is None:
            w = cr.waiting if cr is not None else None
            reason = w.reason if w else ("PodInitializing" if (pod.get("spec") or {}).get("initContainers")
                                     else "ContainerCreating")
            if reason in ("ErrImagePull", "ImagePullBackOff"):
                reason = "trying and failing to pull image"
            raise BadRequest(f'container "{container}" in pod "{pname}" is waiting to start: {reason}')
    from .containerlogs import lines

    out = lines(tx, inst, now=tx.now_ms, tail=tail, since_ms=since_ms, after_seq=after_seq)
    return out if numbered else [(ms, line) for _, ms, line in out]


def pod_exec(loop, pod: dict, container: str, argv: list[str], timeout_s: float | None = None,
             split: bool = False) -> tuple[int, str, int]:
    """Run ``argv`` in a running container (``kubectl exec``): (exit code, output, virtual ms taken); ``split``:
    the output is ``(stdout, stderr)``.

    Side effects on the container's filesystem (and on its main process, e.g. ``kill 1``) persist.
    Raises BadRequest when the container is not running.
    """
    from minikctl.kube.errors import BadRequest

    from . import procs
    from .records import load
    from .worker import PodWorker

    kubelet = loop.kubelet
    tx = loop.tx
    meta = pod["metadata"]
    ns, name = meta.get("namespace", "default"), meta["name"]
    rec = load(tx, ns, name)
    _kubelet_reachable(tx, rec, "")
    cr = rec.containers.get(container) if rec is not None else None
    inst = cr.current if cr is not None else None
    if inst is None or inst.finished_at is not None:
        raise BadRequest(f'container {container} is not valid for pod {name}' if cr is None else
                         f'unable to upgrade connection: container not found ("{container}")')
    k = PodWorker(kubelet.api, pod, rec, kubelet.node(rec.node or ""), kubelet.reads)
    c, cr, _ = k.find(container)
    img = k.image(c.get("image", ""))
    p = k.proc(inst)
    view = k.fs().view(container, c.get("volumeMounts"), img)
    env = procs.env_for(c, pod, img, tx, inst.started_at)
    code, out, ms = procs.run_exec([str(a) for a in argv], env, view, img, tx.now_ms, timeout_s, p, split)
    if p is not None and p.exited:
        k.after_proc(c, cr, inst, p)
    k.wake_dormant()  # the filesystem may have changed: steady probes look again
    k.run_due(tx.now_ms)
    kubelet.finish_pod(k)
    return code, out, ms


def pod_assumptions(tx, pod: dict) -> dict[str, list[str]]:
    """{container: [what the simulator assumed]} for describe's ``Simulated:`` lines."""
    from .records import load

    meta = pod["metadata"]
    rec = load(tx, meta.get("namespace", "default"), meta["name"])
    out: dict[str, list[str]] = {}
    if rec is None:
        return out
    spec = pod.get("spec") or {}
    claims = {v.get("name"): (v.get("persistentVolumeClaim") or {}).get("claimName", "")
              for v in spec.get("volumes") or [] if isinstance(v, dict) and v.get("persistentVolumeClaim") is not None}
    for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        cr = rec.containers.get(c["name"])
        inst = cr.current if cr is not None else None
        notes: list[str] = list(inst.assumptions) if inst is not None else []
        if inst is not None and inst.process:
            # the process's record (procs.dump_process) carries its notes: describe need not load the interpreter
            notes = list(inst.process.get("assumptions") or [])
        for m in c.get("volumeMounts") or []:
            if m.get("name") in claims:  # PersistentVolumeClaims are not served: the kubelet mounts an empty volume
                notes.append(f"volume {m['name']} (PersistentVolumeClaim {claims[m['name']]}, not served by minikctl) "
                             "is an empty volume that lives with the pod")
        out[c["name"]] = notes
    return out

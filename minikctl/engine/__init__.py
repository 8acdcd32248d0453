"""The deterministic lifecycle engine: scheduler + kubelet on a virtual clock.

Public entry points (called by the API/CLI layer inside a store transaction):

  advance(tx, to_ms)                 process every due wake-up up to ``to_ms``, then set the clock
  pod_created(tx, pod)               schedule (bind or FailedScheduling) and start the kubelet work
  pod_updated(tx, old, new)          image changes, deadlines, readiness gates, scheduling gates
  pod_deleting(tx, pod, grace)       graceful deletion (or immediate removal)
  next_wake(tx)                      earliest pending wake-up
  pod_logs(tx, pod, container, previous)   [(ms, line)] of one container instance
  pod_assumptions(tx, pod)           {container: [what the simulator assumed]}
  ensure_node(tx)                    the default node object
"""

from __future__ import annotations

import json
from fractions import Fraction

from minikctl.store.db import CLUSTER

from .scheduler import NODE_IP, NODE_NAME, SCHEDULER

__all__ = ["advance", "pod_created", "pod_updated", "pod_deleting", "next_wake", "pod_logs", "pod_assumptions",
           "ensure_node", "pod_exec", "cluster_changed"]

ALLOC_META = "engine:alloc:" + NODE_NAME
IP_COUNTER = "engine:podip"
FAR = 1 << 62


def ensure_node(tx) -> dict:
    node = tx.get("Node", CLUSTER, NODE_NAME)
    if node is None:
        from minikctl.kube.timefmt import rfc3339

        from .scheduler import default_node

        node = tx.create(default_node(rfc3339(tx.now_ms)))
    return node


# ---------------------------------------------------------------------------------------------
# node resource accounting (sum of requests of bound, non-terminal pods)


def _alloc(tx) -> dict[str, Fraction]:
    raw = tx.meta(ALLOC_META)
    return {k: Fraction(v) for k, v in json.loads(raw).items()} if raw else {}


def _alloc_add(tx, req: dict, sign: int) -> None:
    cur = _alloc(tx)
    for k, v in req.items():
        cur[k] = cur.get(k, Fraction(0)) + sign * Fraction(v)
    tx.set_meta(ALLOC_META, json.dumps({k: str(cur[k]) for k in sorted(cur)}, separators=(",", ":")))


def _release(tx, R: dict) -> None:
    if R.get("req") is not None and not R.get("rel"):
        R["rel"] = True
        _alloc_add(tx, R["req"], -1)
        _poke_unscheduled(tx)


def _poke_unscheduled(tx) -> None:
    """Cluster change: let unschedulable pods retry at once (rank 5 keeps them after the kubelet)."""
    raw = tx.meta("engine:unsched")
    if not raw:
        return
    for key in json.loads(raw):
        ns, name = key.split("/", 1)
        R = tx.get_runtime(ns, name)
        if R is None:
            continue
        R["t"] = [t for t in R["t"] if t[3] != "sched"]
        from .kubelet import R_SCHED, add_timer, save

        add_timer(R, tx.now_ms, R_SCHED, "sched")
        save(tx, ns, name, R)


def cluster_changed(tx) -> None:
    """The node (labels, taints, capacity) changed: unschedulable pods try again at once."""
    _poke_unscheduled(tx)


def _set_unsched(tx, key: str, on: bool) -> None:
    raw = tx.meta("engine:unsched")
    cur = set(json.loads(raw)) if raw else set()
    if (key in cur) == on:
        return
    cur.add(key) if on else cur.discard(key)
    tx.set_meta("engine:unsched", json.dumps(sorted(cur)))


# ---------------------------------------------------------------------------------------------
# scheduling


def _set_condition(pod: dict, cond: dict) -> bool:
    status = pod.setdefault("status", {})
    conds = status.setdefault("conditions", [])
    for i, c in enumerate(conds):
        if c.get("type") == cond["type"]:
            if c.get("status") == cond["status"]:
                cond["lastTransitionTime"] = c.get("lastTransitionTime")
            if c == cond:
                return False
            conds[i] = cond
            return True
    conds.append(cond)
    return True


def schedule_pod(tx, pod: dict, R: dict, k=None) -> None:
    """Bind ``pod`` to the node, or record why it cannot be (and retry later)."""
    from minikctl.kube.timefmt import rfc3339

    from .kubelet import R_KUBELET, R_SCHED, add_timer
    from .scheduler import filter_node, node_ip, pod_requests, unschedulable_message

    spec = pod.setdefault("spec", {})
    meta = pod["metadata"]
    key = f"{meta.get('namespace', 'default')}/{meta['name']}"
    now = tx.now_ms
    if spec.get("schedulingGates"):
        cond = {"lastProbeTime": None, "lastTransitionTime": rfc3339(now),
                "message": "Scheduling is blocked due to non-empty scheduling gates", "reason": "SchedulingGated",
                "status": "False", "type": "PodScheduled"}
        if _set_condition(pod, cond):
            tx.update(pod)
        return
    node = ensure_node(tx)
    req = {k2: str(v) for k2, v in pod_requests(pod).items()}
    if spec.get("nodeName"):
        if spec["nodeName"] != NODE_NAME:
            return  # no such node: the pod waits for a kubelet that never comes
    else:
        used = _alloc(tx)
        bound_count = used.pop("#pods", Fraction(0))
        fake_bound = {"spec": {"containers": [{"name": "x", "resources": {"requests": {
            k2: str(v) for k2, v in used.items()}}}]}}
        reasons, helps = filter_node(pod, node, [fake_bound] if used or bound_count else [])
        alloc_pods = int(((node.get("status") or {}).get("allocatable") or {}).get("pods", 110))
        if "Too many pods" in reasons:
            reasons.remove("Too many pods")
        if bound_count + 1 > alloc_pods:
            reasons.append("Too many pods")
            helps = True
        if reasons:
            msg = unschedulable_message(reasons, helps)
            cond = {"lastProbeTime": None, "lastTransitionTime": rfc3339(now), "message": msg,
                    "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}
            pod.setdefault("status", {}).setdefault("phase", "Pending")
            if _set_condition(pod, cond):
                tx.update(pod)
            tx.record_event(pod, "Warning", "FailedScheduling", msg, SCHEDULER)
            R["t"] = [t for t in R["t"] if t[3] != "sched"]
            add_timer(R, now + 300_000, R_SCHED, "sched")
            _set_unsched(tx, key, True)
            return
        spec["nodeName"] = NODE_NAME
        tx.record_event(pod, "Normal", "Scheduled", f"Successfully assigned {key} to {NODE_NAME}", SCHEDULER)
    _set_unsched(tx, key, False)
    R["t"] = [t for t in R["t"] if t[3] != "sched"]
    cond = {"lastProbeTime": None, "lastTransitionTime": rfc3339(now), "status": "True", "type": "PodScheduled"}
    _set_condition(pod, cond)
    tx.update(pod)
    R["req"] = dict(req)
    _alloc_add(tx, dict(req, **{"#pods": "1"}), 1)
    R["req"]["#pods"] = "1"
    R["hostIP"] = node_ip(node) or NODE_IP
    if spec.get("hostNetwork"):
        R["ip"] = R["hostIP"]  # host-network pods share the node's address
    else:
        n = tx.counter(IP_COUNTER)
        R["ip"] = f"10.244.0.{2 + (n - 1) % 253}"
    R["node"] = NODE_NAME
    R["start"] = now
    R["fs"] = None
    if k is not None:
        k.need_sync(now)
    else:
        add_timer(R, now, R_KUBELET, "sync")


# ---------------------------------------------------------------------------------------------
# driving pods


def _settle_instant(tx, k) -> bool:
    """After an instant: write the status if it changed; False when the pod is gone."""
    R = k.R
    if R.get("gone") is not None:
        return False
    if R.get("start") is not None:
        k.write_status()
        if (k.pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            _release(tx, R)
    return True


def _finish(tx, k) -> None:
    from .kubelet import save

    R = k.R
    k.flush()
    ns, name = k.ns, k.name
    if R.get("gone") is not None:
        if (k.pod.get("metadata") or {}).get("finalizers"):
            R["t"] = []
            R["gone"] = None
            k.write_status()
            _release(tx, R)
            save(tx, ns, name, R)
            return
        _release(tx, R)
        tx.delete("Pod", ns, name)
        return
    _settle_instant(tx, k)
    save(tx, ns, name, R)


def _process(tx, ns: str, name: str, until: int, horizon: int | None = None) -> None:
    from .kubelet import Kubelet, next_wake as _pod_wake

    pod = tx.get("Pod", ns, name)
    R = tx.get_runtime(ns, name)
    if R is None:
        return
    if pod is None or pod["metadata"].get("uid") != R.get("uid"):
        tx.set_wake(ns, name, None)
        return
    k = Kubelet(tx, pod, R)
    if horizon is not None:
        k.horizon = max(horizon, tx.now_ms)
    k.run_due(until)
    # keep stepping this pod in memory while it stays first in the (wake, namespace, name) order:
    # a looping process costs no store round trip per wake-up
    while horizon is not None and _settle_instant(tx, k):
        nxt = _pod_wake(R)
        if nxt is None or nxt > horizon:
            break
        other = tx.next_due_other(nxt, ns, name)
        if other is not None and (other[0], other[1], other[2]) < (nxt, ns, name):
            break
        k.run_due(nxt)
    _finish(tx, k)


def advance(tx, to_ms: int) -> None:
    """Process every due wake-up with wake_ms <= to_ms in (wake_ms, namespace, name) order."""
    own = tx.start_due_queue(to_ms)  # the order kept in memory, runtime records written back at the end
    try:
        while True:
            due = tx.next_due(to_ms)
            if due is None:
                break
            wake, ns, name = due
            if wake > tx.now_ms:
                tx.set_now(wake)
            _process(tx, ns, name, max(wake, tx.now_ms), to_ms)
    finally:
        if own:
            tx.end_due_queue()
    if to_ms > tx.now_ms:
        tx.set_now(to_ms)


def next_wake(tx) -> int | None:
    due = tx.next_due(FAR)
    return None if due is None else int(due[0])


def pod_created(tx, pod: dict) -> None:
    from .kubelet import Kubelet, new_record

    ensure_node(tx)
    R = new_record(pod)
    k = Kubelet(tx, pod, R)
    schedule_pod(tx, pod, R, k)
    k.run_due(tx.now_ms)
    _finish(tx, k)


def pod_updated(tx, old: dict, new: dict) -> None:
    from .kubelet import Kubelet, spec_hash

    meta = new["metadata"]
    ns, name = meta.get("namespace", "default"), meta["name"]
    R = tx.get_runtime(ns, name)
    if R is None or R.get("uid") != meta.get("uid"):
        return
    k = Kubelet(tx, new, R)
    spec = new.get("spec") or {}
    if R.get("start") is None:
        if (old.get("spec") or {}).get("schedulingGates") and not spec.get("schedulingGates"):
            schedule_pod(tx, new, R, k)
    else:
        grace = int(spec.get("terminationGracePeriodSeconds", 30))
        for c, C, fp in k.containers():
            h = spec_hash(c)
            if h == C["hash"]:
                continue
            C["hash"] = h
            C["bo"] = None  # the back-off key includes the spec hash: a fresh history
            inst = C.get("cur")
            if inst is not None and inst.get("t1") is None and R.get("term") is None:
                k.kill(c, C, fp, f"Container {c['name']} definition changed, will be restarted", grace, restart=True)
            else:
                C["wait"] = None if C.get("wait") and C["wait"][0] in ("CrashLoopBackOff", "ImagePullBackOff",
                                                                       "ErrImagePull", "InvalidImageName",
                                                                       "ErrImageNeverPull") else C.get("wait")
        k.need_sync(tx.now_ms)
        k.wake_dormant()
    k.run_due(tx.now_ms)
    _finish(tx, k)


def pod_deleting(tx, pod: dict, grace_seconds: int) -> None:
    from minikctl.kube.timefmt import rfc3339

    from .kubelet import Kubelet

    meta = pod["metadata"]
    ns, name = meta.get("namespace", "default"), meta["name"]
    R = tx.get_runtime(ns, name)
    phase = (pod.get("status") or {}).get("phase")
    bound = bool((pod.get("spec") or {}).get("nodeName"))
    if grace_seconds < 0:
        grace_seconds = 1
    if not bound or grace_seconds == 0 or phase in ("Succeeded", "Failed") or R is None or R.get("start") is None:
        if R is not None:
            _release(tx, R)
        _set_unsched(tx, f"{ns}/{name}", False)
        if meta.get("finalizers"):
            meta["deletionTimestamp"] = rfc3339(tx.now_ms)
            meta["deletionGracePeriodSeconds"] = 0
            tx.update(pod)
            return
        tx.delete("Pod", ns, name)
        return
    if R.get("term") is not None:
        # a second delete may only shorten the grace period
        if tx.now_ms + grace_seconds * 1000 >= R["term"]["end"]:
            return
    now = tx.now_ms
    meta["deletionTimestamp"] = rfc3339(now + grace_seconds * 1000)
    meta["deletionGracePeriodSeconds"] = grace_seconds
    tx.update(pod)
    R["term"] = {"at": now, "end": now + grace_seconds * 1000, "grace": grace_seconds}
    k = Kubelet(tx, pod, R)
    for c, C, fp in k.containers():
        inst = C.get("cur")
        if inst is not None and inst.get("kill") and inst.get("t1") is None:
            inst["kill"]["kill"] = min(inst["kill"]["kill"], R["term"]["end"])
            inst["kill"]["restart"] = False
    k.need_sync(now)
    k.run_due(now)
    _finish(tx, k)


# ---------------------------------------------------------------------------------------------
# logs and assumptions


def pod_logs(tx, pod: dict, container: str, previous: bool) -> list[tuple[int, str]]:
    from minikctl.kube.errors import BadRequest

    meta = pod["metadata"]
    R = tx.get_runtime(meta.get("namespace", "default"), meta["name"])
    C = (R or {}).get("c", {}).get(container)
    pname = meta["name"]
    if previous:
        inst = (C or {}).get("prev")
        if inst is None:
            raise BadRequest(f'previous terminated container "{container}" in pod "{pname}" not found')
    else:
        inst = (C or {}).get("cur")
        if inst is None:
            w = (C or {}).get("wait")
            reason = w[0] if w else ("PodInitializing" if (pod.get("spec") or {}).get("initContainers")
                                     else "ContainerCreating")
            if reason in ("ErrImagePull", "ImagePullBackOff"):
                reason = "trying and failing to pull image"
            raise BadRequest(f'container "{container}" in pod "{pname}" is waiting to start: {reason}')
    return [(int(ms), line) for ms, line in inst.get("logs") or []]


def pod_exec(tx, pod: dict, container: str, argv: list[str], timeout_s: float | None = None) -> tuple[int, str, int]:
    """Run ``argv`` in a running container (``kubectl exec``): (exit code, output, virtual ms taken).

    Side effects on the container's filesystem (and on its main process, e.g. ``kill 1``) persist.
    Raises BadRequest when the container is not running.
    """
    from minikctl.kube.errors import BadRequest

    from . import procs
    from .kubelet import Kubelet

    meta = pod["metadata"]
    ns, name = meta.get("namespace", "default"), meta["name"]
    R = tx.get_runtime(ns, name)
    C = (R or {}).get("c", {}).get(container)
    inst = (C or {}).get("cur")
    if inst is None or inst.get("t1") is not None:
        raise BadRequest(f'container {container} is not valid for pod {name}' if C is None else
                         f'unable to upgrade connection: container not found ("{container}")')
    k = Kubelet(tx, pod, R)
    c, C, _ = k.find(container)
    img = k.image(c.get("image", ""))
    p = k.proc(inst)
    view = k.fs().view(container, c.get("volumeMounts"), img)
    code, out, ms = procs.run_exec([str(a) for a in argv], procs.env_for(c, pod, img), view, img, tx.now_ms,
                                   timeout_s, p)
    if p is not None and p.exited:
        k.after_proc(c, C, inst, p)
    k.wake_dormant()  # the filesystem may have changed: steady probes look again
    k.run_due(tx.now_ms)
    _finish(tx, k)
    return code, out, ms


def pod_assumptions(tx, pod: dict) -> dict[str, list[str]]:
    meta = pod["metadata"]
    R = tx.get_runtime(meta.get("namespace", "default"), meta["name"])
    out: dict[str, list[str]] = {}
    if not R:
        return out
    spec = pod.get("spec") or {}
    for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        C = R["c"].get(c["name"]) or {}
        inst = C.get("cur")
        notes: list[str] = list((inst or {}).get("assume") or [])
        if inst is not None and inst.get("proc"):
            # the process's record (procs.dump_process) carries its notes: describe need not load the interpreter
            notes = list(inst["proc"].get("assumptions") or [])
        out[c["name"]] = notes
    return out

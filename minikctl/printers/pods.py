"""Table rows for pods: a port of the API server's printPod (1.32) and the other kinds' columns."""

from __future__ import annotations

from minikctl.kube.timefmt import human_duration, parse_rfc3339

POD_COLUMNS = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
# everything pod_row (and the table's NAMESPACE/label columns) reads: a table listing fetches only these
POD_ROW_FIELDS = ("apiVersion", "kind", "metadata.name", "metadata.namespace", "metadata.creationTimestamp",
                  "metadata.deletionTimestamp", "metadata.labels", "spec.containers", "spec.initContainers",
                  "spec.readinessGates", "spec.nodeName", "status")
POD_WIDE_COLUMNS = ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]


def age(timestamp: str | None, now_ms: int) -> str:
    if not timestamp:
        return "<unknown>"
    return human_duration((now_ms - parse_rfc3339(timestamp)) / 1000.0)


def _ts(value: str | None) -> int:
    return parse_rfc3339(value) if value else 0


def pod_row(pod: dict, now_ms: int, wide: bool = False) -> list[str]:
    """NAME READY STATUS RESTARTS AGE [IP NODE NOMINATED NODE READINESS GATES]."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    meta = pod.get("metadata") or {}
    conditions = status.get("conditions") or []

    restarts = 0
    sidecar_restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart = 0
    last_sidecar_restart = 0
    reason = status.get("reason") or status.get("phase") or ""
    for c in conditions:
        if c.get("type") == "PodScheduled" and c.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = spec.get("initContainers") or []
    sidecars = {c.get("name") for c in init_specs if c.get("restartPolicy") == "Always"}
    total += len([c for c in init_specs if c.get("restartPolicy") == "Always"])

    initializing = False
    for i, ic in enumerate(status.get("initContainerStatuses") or []):
        rc = ic.get("restartCount", 0)
        restarts += rc
        last_term = (ic.get("lastState") or {}).get("terminated")
        if last_term:
            last_restart = max(last_restart, _ts(last_term.get("finishedAt")))
        is_sidecar = ic.get("name") in sidecars
        if is_sidecar:
            sidecar_restarts += rc
            if last_term:
                last_sidecar_restart = max(last_sidecar_restart, _ts(last_term.get("finishedAt")))
        state = ic.get("state") or {}
        term = state.get("terminated")
        waiting = state.get("waiting")
        if term and term.get("exitCode", 0) == 0:
            continue
        if is_sidecar and ic.get("started"):
            if ic.get("ready"):
                ready += 1
            continue
        if term:
            if not term.get("reason"):
                if term.get("signal"):
                    reason = f"Init:Signal:{term['signal']}"
                else:
                    reason = f"Init:ExitCode:{term.get('exitCode', 0)}"
            else:
                reason = "Init:" + term["reason"]
        elif waiting and waiting.get("reason") and waiting.get("reason") != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break

    initialized_true = False
    for c in conditions:
        if c.get("type") == "Initialized":
            initialized_true = c.get("status") == "True"
            break
    if not initializing or initialized_true:
        restarts = sidecar_restarts
        last_restart = last_sidecar_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += cs.get("restartCount", 0)
            last_term = (cs.get("lastState") or {}).get("terminated")
            if last_term:
                last_restart = max(last_restart, _ts(last_term.get("finishedAt")))
            state = cs.get("state") or {}
            waiting = state.get("waiting")
            term = state.get("terminated")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif term and term.get("reason"):
                reason = term["reason"]
            elif term:
                reason = f"Signal:{term['signal']}" if term.get("signal") else f"ExitCode:{term.get('exitCode', 0)}"
            elif cs.get("ready") and "running" in state:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            pod_ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
            reason = "Running" if pod_ready else "NotReady"

    if meta.get("deletionTimestamp") and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and status.get("phase") not in ("Succeeded", "Failed"):
        reason = "Terminating"

    restarts_str = str(restarts)
    if restarts != 0 and last_restart:
        restarts_str = f"{restarts} ({human_duration((now_ms - last_restart) / 1000.0)} ago)"

    row = [meta.get("name", ""), f"{ready}/{total}", reason, restarts_str, age(meta.get("creationTimestamp"), now_ms)]
    if wide:
        ips = status.get("podIPs") or []
        ip = ips[0].get("ip") if ips else ""
        gates = spec.get("readinessGates") or []
        if gates:
            true_types = {c.get("type") for c in conditions if c.get("status") == "True"}
            gates_str = f"{sum(1 for g in gates if g.get('conditionType') in true_types)}/{len(gates)}"
        else:
            gates_str = "<none>"
        row += [
            ip or "<none>",
            spec.get("nodeName") or "<none>",
            status.get("nominatedNodeName") or "<none>",
            gates_str,
        ]
    return row


def namespace_row(ns: dict, now_ms: int, wide: bool = False) -> list[str]:
    meta = ns.get("metadata") or {}
    phase = (ns.get("status") or {}).get("phase") or "Active"
    return [meta.get("name", ""), phase, age(meta.get("creationTimestamp"), now_ms)]


def node_row(node: dict, now_ms: int, wide: bool = False) -> list[str]:
    meta = node.get("metadata") or {}
    status = node.get("status") or {}
    ready = "Unknown"
    for c in status.get("conditions") or []:
        if c.get("type") == "Ready":
            ready = "Ready" if c.get("status") == "True" else "NotReady"
    if (node.get("spec") or {}).get("unschedulable"):
        ready += ",SchedulingDisabled"
    labels = meta.get("labels") or {}
    roles = sorted(k.split("/", 1)[1] for k in labels if k.startswith("node-role.kubernetes.io/") and "/" in k)
    info = status.get("nodeInfo") or {}
    row = [meta.get("name", ""), ready, ",".join(roles) or "<none>", age(meta.get("creationTimestamp"), now_ms),
           info.get("kubeletVersion", "")]
    if wide:
        addrs = {a.get("type"): a.get("address") for a in status.get("addresses") or []}
        row += [addrs.get("InternalIP") or "<none>", addrs.get("ExternalIP") or "<none>",
                info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
                info.get("containerRuntimeVersion") or "<unknown>"]
    return row


def event_row(ev: dict, now_ms: int, wide: bool = False) -> list[str]:
    """kubectl get events: LAST SEEN TYPE REASON OBJECT MESSAGE."""
    inv = ev.get("involvedObject") or {}
    last = ev.get("lastTimestamp") or ev.get("eventTime") or (ev.get("metadata") or {}).get("creationTimestamp")
    obj = f"{(inv.get('kind') or '').lower()}/{inv.get('name', '')}"
    return [age(last, now_ms), ev.get("type", ""), ev.get("reason", ""), obj, (ev.get("message") or "").strip()]


NAMESPACE_COLUMNS = ["NAME", "STATUS", "AGE"]
NODE_COLUMNS = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
NODE_WIDE_COLUMNS = ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]
EVENT_COLUMNS = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]

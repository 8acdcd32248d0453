"""Pods: the strategy of ``pkg/registry/core/pod/strategy.go`` and the table of ``printPod``.

Defaulting and validation live in ``api/defaults.py`` / ``api/validation.py`` / ``api/updates.py`` (they are
large and shared with the pod templates of the workload kinds); this module says which of them a Pod uses and
adds what is the Pod's own: graceful deletion (``CheckGracefulDelete``), selectable fields (``GetAttrs``) and
the printed row (``pkg/printers/internalversion/printers.go`` ``printPod``, 1.32).
"""

from __future__ import annotations

from minikctl.api.registry import base
from minikctl.kube.fields import field_alias, field_getter
from minikctl.kube.timefmt import age, human_duration, parse_rfc3339, rfc3339


def default(obj: dict, ctx) -> None:
    """SetDefaults_Pod and the admission plugins of a pod's creation, in the default plugin order:
    ServiceAccount (``plugin/pkg/admission/serviceaccount``: the account must exist; the token volume, the
    account's pull secrets), Priority (``plugin/pkg/admission/priority`` refuses a priority that its class does
    not give), DefaultTolerationSeconds. Their refusals name the pod as the request did (``ctx.admission_name``:
    the generateName of a pod whose name the server generates)."""
    from minikctl.api import admission, defaults

    name = getattr(ctx, "admission_name", None)
    namespace = (obj.get("metadata") or {}).get("namespace") or "default"
    sa, err = admission.lookup_service_account(
        obj, namespace, lambda ns, n: ctx.tx.get_shared("ServiceAccount", ns, n), name)
    if err is not None:
        raise err
    defaults.default_object("Pod", obj, suffix=ctx.tx.name_suffix, service_account=sa)
    err = admission.validate_service_account(obj, sa, name) or admission.admit_priority(obj, name=name)
    if err is not None:
        raise err


def validate(obj: dict) -> list:
    from minikctl.api import validation

    return validation.validate_pod(obj, True)


def prepare_ephemeral_update(old: dict, new: dict) -> dict:
    """podEphemeralContainersStrategy.PrepareForUpdate (``dropNonEphemeralContainerUpdates``): the stored pod
    with the request's ephemeral containers (defaulted as decoding defaults them), nothing else."""
    import copy

    from minikctl.api import defaults

    body = copy.deepcopy(new)
    defaults.default_for_update("Pod", body)
    out = copy.deepcopy(old)
    meta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
    if meta.get("resourceVersion"):
        out["metadata"]["resourceVersion"] = meta["resourceVersion"]
    eph = (body.get("spec") or {}).get("ephemeralContainers") if isinstance(body.get("spec"), dict) else None
    if eph:
        out.setdefault("spec", {})["ephemeralContainers"] = eph
    else:
        out.setdefault("spec", {}).pop("ephemeralContainers", None)
    return out


def validate_ephemeral_update(old: dict, new: dict) -> list:
    """ValidatePodEphemeralContainersUpdate (pkg/apis/core/validation/validation.go v1.32): the metadata update,
    the pod's metadata and spec, its annotation rules; no ephemeral containers in a static pod; an existing
    ephemeral container may be neither removed nor changed."""
    from minikctl.api import updates, validation
    from minikctl.kube import errors as E

    errs = list(updates.validate_metadata_update(old, new))
    errs.extend(validation.validate_pod(new, False))
    errs.extend(updates.pod_annotation_update_errors(old, new))
    if updates.MIRROR_ANNOTATION in ((old.get("metadata") or {}).get("annotations") or {}):
        return [E.forbidden("", "static pods do not support ephemeral containers")]
    news = {c.get("name"): c for c in (new.get("spec") or {}).get("ephemeralContainers") or [] if isinstance(c, dict)}
    for c in (old.get("spec") or {}).get("ephemeralContainers") or []:
        name = c.get("name")
        if name not in news:
            errs.append(E.forbidden("spec.ephemeralContainers",
                                    f'existing ephemeral containers "{name}" may not be removed\n'))
        elif news[name] != c:
            errs.append(E.forbidden(f"spec.ephemeralContainers[{name}]",
                                    f'existing ephemeral containers "{name}" may not be changed\n'))
    return errs


SUBRESOURCE_UPDATES = {"ephemeralcontainers": (prepare_ephemeral_update, validate_ephemeral_update)}


def delete(api, pod: dict, grace: int | None) -> dict | None:
    """CheckGracefulDelete: a pod that never ran, or is done, goes at once; a running one gets its grace period
    (the spec's unless the request gives one), and a second request may only shorten it. The kubelet of its
    node sees the deletionTimestamp and stops the containers; it removes the pod (grace 0) when they are gone."""
    spec = pod.get("spec") or {}
    meta = pod["metadata"]
    if grace is None:
        grace = int(spec.get("terminationGracePeriodSeconds", 30))
    grace = max(0, grace)
    now = api.tx.now_ms
    if meta.get("deletionTimestamp"):
        if grace != 0 and grace >= int(meta.get("deletionGracePeriodSeconds", 0)):
            return pod  # already terminating: only a shorter grace period changes anything
        if grace != 0 and now + grace * 1000 >= parse_rfc3339(meta["deletionTimestamp"]):
            return pod
    node = spec.get("nodeName")
    phase = (pod.get("status") or {}).get("phase")
    if not node or grace == 0 or phase in ("Succeeded", "Failed") or not api.tx.exists("Node", "", node):
        return base.delete_now(api, pod)
    meta["deletionTimestamp"] = rfc3339(now + grace * 1000)
    meta["deletionGracePeriodSeconds"] = grace
    api.tx.update(pod)
    return pod


def evict(api, pod: dict, grace: int | None, *, dry_run: bool = False, propagation: str | None = None) -> dict | None:
    """The pods/eviction subresource (``EvictionREST.Create`` and ``addConditionAndDeletePod`` in
    pkg/registry/core/pod/storage/eviction.go, v1.32): the pod gets the ``DisruptionTarget`` condition (reason
    ``EvictionByEvictionAPI``, "Eviction API: evicting"; not on a dry run), then the graceful delete with the
    eviction's DeleteOptions. There are no PodDisruptionBudgets here, so no eviction is refused for one."""
    import copy

    if not dry_run:
        new = copy.deepcopy(pod)
        if set_condition(new, {"type": "DisruptionTarget", "status": "True", "reason": "EvictionByEvictionAPI",
                               "message": "Eviction API: evicting", "lastProbeTime": None,
                               "lastTransitionTime": None}, api.tx.now_ms):
            pod = api.write_status(new)
    return api.delete(copy.deepcopy(pod), grace=grace, dry_run=dry_run, propagation=propagation)


def set_condition(pod: dict, cond: dict, now_ms: int) -> bool:
    """podutil.UpdatePodCondition: replace the condition of the same type, keeping its lastTransitionTime while
    the status stays the same; True when the pod changed. ``cond["lastTransitionTime"]`` None means now."""
    if cond.get("lastTransitionTime") is None:
        cond["lastTransitionTime"] = rfc3339(now_ms)
    conds = pod.setdefault("status", {}).setdefault("conditions", [])
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


SA_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"


_KEY = None  # admitted_fields' encoder of the keys of its list elements, made at its first call


def admitted_fields(sent: dict, obj: dict) -> list[tuple]:
    """What the ServiceAccount, Priority and DefaultTolerationSeconds admission plugins add to a new pod (the
    account's name, its token volume and mounts, pull secrets, the priority, the two NoExecute tolerations): not
    the creating manager's fields unless the request sent them."""
    global _KEY
    if _KEY is None:
        import json

        _KEY = json.JSONEncoder(separators=(",", ":")).encode  # json.dumps with separators builds one per call
    key = _KEY
    spec = (sent.get("spec") if isinstance(sent, dict) else None) or {}
    out = [("f:spec", "f:" + k) for k in ("serviceAccountName", "serviceAccount", "tolerations", "priority",
                                          "preemptionPolicy", "imagePullSecrets") if k not in spec]
    sent_volumes = {v.get("name") for v in spec.get("volumes") or [] if isinstance(v, dict)}
    for v in (obj.get("spec") or {}).get("volumes") or []:
        name = v.get("name") if isinstance(v, dict) else None
        if isinstance(name, str) and name.startswith("kube-api-access-") and name not in sent_volumes:
            out.append(("f:spec", "f:volumes", "k:" + key({"name": name})))
            if not sent_volumes:
                out.append(("f:spec", "f:volumes"))
    for field in ("initContainers", "containers"):
        for c in (obj.get("spec") or {}).get(field) or []:
            if not isinstance(c, dict) or not isinstance(c.get("name"), str):
                continue
            sent_c = next((x for x in spec.get(field) or [] if isinstance(x, dict) and x.get("name") == c["name"]),
                          {})
            if any(isinstance(m, dict) and m.get("mountPath") == SA_MOUNT for m in sent_c.get("volumeMounts") or []):
                continue
            cpath = ("f:spec", "f:" + field, "k:" + key({"name": c["name"]}))
            out.append(cpath + ("f:volumeMounts", "k:" + key({"mountPath": SA_MOUNT})))
            if not sent_c.get("volumeMounts"):
                out.append(cpath + ("f:volumeMounts",))
    return out


def bind(api, pod: dict, node: str, encode=None) -> dict:
    """The pods/binding subresource (``BindingREST`` in pkg/registry/core/pod/storage/storage.go,
    ``setPodHostAndAnnotations``): the pod gets its node and the PodScheduled condition. ``encode``: Tx.update's
    (the scheduler's text of the bound pod, engine/controllers/scheduler.py ``_bind_text``)."""
    from minikctl.kube import errors as E

    spec = pod.setdefault("spec", {})
    if spec.get("nodeName"):
        raise E.Conflict("pods/binding", pod["metadata"]["name"],
                         f"pod {pod['metadata']['name']} is already assigned to node \"{spec['nodeName']}\"")
    spec["nodeName"] = node
    set_condition(pod, {"lastProbeTime": None, "lastTransitionTime": None, "status": "True",
                        "type": "PodScheduled"}, api.tx.now_ms)
    return api.write_status(pod, encode=encode)


def _host_network(obj: dict) -> str:
    return "true" if ((obj.get("spec") or {}).get("hostNetwork")) is True else "false"


def _pod_ip(obj: dict) -> str:
    status = obj.get("status") or {}
    ips = status.get("podIPs")
    if isinstance(ips, list) and ips and isinstance(ips[0], dict) and ips[0].get("ip"):
        return str(ips[0]["ip"])
    v = status.get("podIP")
    return "" if v is None else str(v)


# PodToSelectableFields
FIELDS = {
    "metadata.name": field_getter("metadata", "name"),
    "metadata.namespace": field_getter("metadata", "namespace"),
    "spec.nodeName": field_getter("spec", "nodeName"),
    "spec.restartPolicy": field_getter("spec", "restartPolicy"),
    "spec.schedulerName": field_getter("spec", "schedulerName"),
    "spec.serviceAccountName": field_getter("spec", "serviceAccountName"),
    "spec.hostNetwork": _host_network,
    "status.phase": field_getter("status", "phase"),
    "status.podIP": _pod_ip,
    "status.nominatedNodeName": field_getter("status", "nominatedNodeName"),
    # old v1 clients: the server converts spec.host to spec.nodeName
    "spec.host": field_alias("spec.nodeName", field_getter("spec", "nodeName")),
}


COLUMNS = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
# everything pod_row (and the table's NAMESPACE/label columns) reads: a table listing fetches only these
ROW_FIELDS = ("apiVersion", "kind", "metadata.name", "metadata.namespace", "metadata.creationTimestamp",
                  "metadata.deletionTimestamp", "metadata.labels", "spec.containers", "spec.initContainers",
                  "spec.readinessGates", "spec.nodeName", "status")
WIDE_COLUMNS = ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]


def _ts(value: str | None) -> int:
    return parse_rfc3339(value) if value else 0


def row(pod: dict, now_ms: int, wide: bool = False) -> list[str]:
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

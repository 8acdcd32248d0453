"""Nodes: ``pkg/registry/core/node/strategy.go`` and ``printNode``.

A Node created through the API is a simulated node (the convention of KWOK): its kubelet (minikctl/engine)
fills in what a kubelet registers (conditions, capacity, addresses, node info) and runs the pods bound to it.
Users shape nodes the way people fake capacity on a real cluster:
``patch node node1 --subresource=status -p '{"status":{"allocatable":{"memory":"2Gi"}}}'``, taints and
``unschedulable`` through ``patch node node1 -p '{"spec":{...}}'``, labels through ``label node``.
"""

from __future__ import annotations

import copy

from minikctl.kube import errors as E
from minikctl.kube.fields import field_getter
from minikctl.kube.timefmt import age

validate_on_decode = False  # no schema: the rules below say what may change


def prepare_create(obj: dict) -> None:
    """Nodes keep the status they are created with (a kubelet registers its node with one)."""


def prepare_update(old: dict, new: dict) -> dict:
    if "status" in old:
        new["status"] = copy.deepcopy(old["status"])  # the main resource ignores status changes
    return new


def prepare_status_update(old: dict, new: dict) -> dict:
    out = copy.deepcopy(old)
    if new.get("status") is not None:
        out["status"] = new["status"]
    return out


def validate(obj: dict) -> list[E.FieldError]:
    from minikctl.api import validation

    return validation.validate_object_meta(obj.get("metadata") or {}, False, validation.is_dns1123_subdomain)


def validate_status_update(old: dict, new: dict) -> list[E.FieldError]:
    return validate_update(old, new)


FIELDS = {
    "metadata.name": field_getter("metadata", "name"),
    "spec.unschedulable": lambda o: "true" if (o.get("spec") or {}).get("unschedulable") else "false",
}

COLUMNS = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
WIDE_COLUMNS = ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]


def row(node: dict, now_ms: int, wide: bool = False) -> list[str]:
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



TAINT_EFFECTS = ["NoExecute", "NoSchedule", "PreferNoSchedule"]
_SPEC_FIELDS = ("podCIDR", "podCIDRs", "providerID", "taints", "unschedulable", "configSource", "externalID")


def validate_update(old: dict, new: dict) -> list[E.FieldError]:
    from minikctl.kube.quantity import is_quantity
    from minikctl.api.updates import validate_metadata_update

    errs = list(validate_metadata_update(old, new))
    spec = new.get("spec") or {}
    for key in spec:
        if key not in _SPEC_FIELDS:
            errs.append(E.forbidden(f"spec.{key}", "field is not supported by minikctl's node"))
    for key in ("podCIDR", "podCIDRs", "providerID"):
        if spec.get(key) != (old.get("spec") or {}).get(key):
            errs.append(E.forbidden(f"spec.{key}", f"{key} may not be changed once set"))
    if "unschedulable" in spec and not isinstance(spec["unschedulable"], bool):
        errs.append(E.invalid("spec.unschedulable", spec["unschedulable"], "must be a boolean"))
    seen = set()
    for i, t in enumerate(spec.get("taints") or []):
        path = f"spec.taints[{i}]"
        if not isinstance(t, dict):
            errs.append(E.invalid(path, t, "must be an object"))
            continue
        if not t.get("key"):
            errs.append(E.required(f"{path}.key", ""))
        if t.get("effect") not in TAINT_EFFECTS:
            errs.append(E.not_supported(f"{path}.effect", t.get("effect"), TAINT_EFFECTS))
        pair = (t.get("key"), t.get("effect"))
        if pair in seen:
            errs.append(E.duplicate(path, f"{t.get('key')}:{t.get('effect')}"))
        seen.add(pair)
    status = new.get("status") or {}
    for key in ("capacity", "allocatable"):
        for name, value in (status.get(key) or {}).items():
            if not is_quantity(value):
                errs.append(E.invalid(f"status.{key}[{name}]", value,
                                      "quantities must match the regular expression "
                                      "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"))
    return errs

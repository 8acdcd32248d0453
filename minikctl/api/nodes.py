"""Updates to the simulated node: what `kubectl patch node` / `label node` may change, checked as the API server would.

The node itself is created by the engine (one Ready node, `node1`). Users shape it the way people fake capacity on a
real cluster: `patch node node1 --subresource=status -p '{"status":{"allocatable":{"memory":"2Gi"}}}'`, taints and
`unschedulable` through `patch node node1 -p '{"spec":{...}}'`, labels through `label node`.
"""

from __future__ import annotations

from minikctl.kube import errors as E

TAINT_EFFECTS = ["NoExecute", "NoSchedule", "PreferNoSchedule"]
_SPEC_FIELDS = ("podCIDR", "podCIDRs", "providerID", "taints", "unschedulable", "configSource", "externalID")


def validate_node_update(old: dict, new: dict) -> list[E.FieldError]:
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

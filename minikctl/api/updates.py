"""What a v1.32 API server lets an update change on an existing Pod.

The restrictions are written as a JSON Schema built from the *old* object
(``update_schema``): the new object must validate against it. Each rule carries
an ``x-minikctl`` annotation naming the API server error it stands for, and
``validate_pod_update`` turns schema failures into ``FieldError`` objects with
the server's exact text, in the order ``ValidatePodUpdate`` reports them
(including its early returns).

Scope: the update-only checks (``ValidateObjectMetaUpdate``, the mirror-pod
annotation, ``ValidatePodUpdate``'s spec rules, ``ValidatePodStatusUpdate``).
Full validation of the new object (names, labels, the PodSpec itself) is the
create-time validator's job and must be run by the caller as well, as the real
server does.
"""

from __future__ import annotations

import copy
import re
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Any

from minikctl.kube.errors import INVALID, FieldError, forbidden, invalid, required
from minikctl.kube.selectors import is_qualified_name
from minikctl.kube.treecopy import tree_copy

__all__ = [
    "SPEC_FORBIDDEN_DETAIL",
    "update_schema",
    "validate_pod_update",
    "validate_pod_status_update",
    "validate_metadata_update",
    "prepare_pod_update",
    "prepare_pod_status_update",
    "prepare_for_update",
    "validate_update",
    "object_meta_update_errors",
    "pod_annotation_update_errors",
    "gated_pod_update_errors",
    "validate_pod_ips",
    "validate_host_ips",
    "validate_deployment_update",
    "validate_replicaset_update",
    "validate_statefulset_update",
    "validate_daemonset_update",
    "validate_job_update",
    "validate_job_status_update",
    "validate_cronjob_update",
    "validate_config_map_update",
    "validate_secret_update",
    "validate_service_account_update",
    "validate_namespace_update",
]

MAX_INT32 = 2147483647

UPDATABLE_POD_SPEC_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)

#: First line of the ``spec: Forbidden`` detail (the real server appends a spec diff).
SPEC_FORBIDDEN_DETAIL = "pod updates may not change fields other than " + ",".join(UPDATABLE_POD_SPEC_FIELDS)

MIRROR_ANNOTATION = "kubernetes.io/config.mirror"

# spec fields with their own update rules; every other spec field is frozen
_SPECIAL_SPEC_FIELDS = (
    "containers",
    "initContainers",
    "activeDeadlineSeconds",
    "tolerations",
    "schedulingGates",
    "terminationGracePeriodSeconds",
)

_X = "x-minikctl"


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def _norm(value: Any) -> Any:
    """Semantic-equality normal form: null fields and empty lists count as absent."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if v is None or (isinstance(v, list) and not v):
                continue
            out[k] = _norm(v)
        return out
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _norm_pod(obj: Any) -> Any:
    """``_norm`` plus semantic equality of resource quantities ("1000m" equals "1")."""
    obj = _norm(obj)
    spec = obj.get("spec") if isinstance(obj, dict) else None
    if isinstance(spec, dict):
        holders = [spec]
        for key in ("containers", "initContainers", "ephemeralContainers"):
            holders.extend(c for c in spec.get(key) or [] if isinstance(c, dict))
        for h in holders:
            res = h.get("resources")
            if isinstance(res, dict):
                for kind in ("limits", "requests"):
                    if isinstance(res.get(kind), dict):
                        res[kind] = {k: _quantity_key(v) for k, v in res[kind].items()}
        if isinstance(spec.get("overhead"), dict):
            spec["overhead"] = {k: _quantity_key(v) for k, v in spec["overhead"].items()}
    return obj


def _quantity_key(value: Any) -> Any:
    from minikctl.kube.quantity import parse_quantity

    try:
        return f"quantity:{parse_quantity(value)}"
    except (ValueError, TypeError):
        return value


def _rule(name: str, **extra: Any) -> dict:
    return {"rule": name, **extra}


def _const(value: Any, rule: dict) -> dict:
    return {"const": value, _X: rule}


def _frozen_object(old: dict, rule: dict, free: tuple[str, ...] = (), extra_props: dict | None = None) -> dict:
    """Schema for an object whose keys must stay exactly as in ``old`` except ``free`` ones."""
    props = {k: _const(v, rule) for k, v in old.items() if k not in free}
    if extra_props:
        props.update(extra_props)
    for k in free:
        props.setdefault(k, {})
    return {
        "type": "object",
        "properties": props,
        "required": sorted(k for k in old if k not in free),
        "additionalProperties": False,
        _X: rule,
    }


def _go_time(ts: Any) -> str:
    """metav1.Time.String() for an RFC 3339 timestamp (``2024-01-02 03:04:05 +0000 UTC``)."""
    if not isinstance(ts, str) or not ts:
        return "0001-01-01 00:00:00 +0000 UTC"
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})", ts)
    if not m:
        return ts
    frac = (m.group(3) or "").rstrip("0").rstrip(".")
    zone = m.group(4)
    if zone == "Z":
        return f"{m.group(1)} {m.group(2)}{frac} +0000 UTC"
    return f"{m.group(1)} {m.group(2)}{frac} {zone.replace(':', '')} {zone.replace(':', '')}"


def _go_string_slice(items: list[str]) -> str:
    """%#v of a []string."""
    return "[]string{" + ", ".join('"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"' for s in items) + "}"


# ---------------------------------------------------------------------------
# schema
# ---------------------------------------------------------------------------

def _metadata_schema(old_meta: dict) -> dict:
    props: dict[str, Any] = {}
    for key in ("name", "namespace", "uid"):
        props[key] = _const(old_meta.get(key, ""), _rule("immutable", field=f"metadata.{key}", kind="string"))
    for key in ("creationTimestamp", "deletionTimestamp"):
        if key in old_meta:
            props[key] = _const(old_meta[key], _rule("immutable", field=f"metadata.{key}", kind="time"))
        else:
            props[key] = {"not": {}, _X: _rule("immutable", field=f"metadata.{key}", kind="time")}
    if "deletionGracePeriodSeconds" in old_meta:
        props["deletionGracePeriodSeconds"] = _const(
            old_meta["deletionGracePeriodSeconds"],
            _rule("immutable", field="metadata.deletionGracePeriodSeconds", kind="int"),
        )
    else:
        props["deletionGracePeriodSeconds"] = {
            "not": {}, _X: _rule("immutable", field="metadata.deletionGracePeriodSeconds", kind="int")
        }
    props["generation"] = {
        "type": "integer", "minimum": old_meta.get("generation", 0),
        _X: _rule("generation"),
    }
    if old_meta.get("deletionTimestamp"):
        props["finalizers"] = {
            "type": "array",
            "items": {"enum": list(old_meta.get("finalizers") or []), _X: _rule("new-finalizer")},
        }
    props["ownerReferences"] = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "apiVersion": {"type": "string", "pattern": r"^(?:[^/]*/)?[^/]+$",
                               _X: _rule("ownerref", child="apiVersion", detail="version must not be empty")},
                "kind": {"type": "string", "minLength": 1,
                         _X: _rule("ownerref", child="kind", detail="must not be empty")},
                "name": {"type": "string", "minLength": 1,
                         _X: _rule("ownerref", child="name", detail="must not be empty")},
                "uid": {"type": "string", "minLength": 1,
                        _X: _rule("ownerref", child="uid", detail="must not be empty")},
            },
            "allOf": [
                {"required": [k], _X: _rule("ownerref", child=k, detail=d)}
                for k, d in (("apiVersion", "version must not be empty"), ("kind", "must not be empty"),
                             ("name", "must not be empty"), ("uid", "must not be empty"))
            ],
        },
        "contains": {"type": "object", "properties": {"controller": {"const": True}}, "required": ["controller"]},
        "maxContains": 1,
        "minContains": 0,
        _X: _rule("ownerref-controller"),
    }
    annotations: dict[str, Any] = {"type": "object"}
    old_ann = old_meta.get("annotations") or {}
    if MIRROR_ANNOTATION in old_ann:
        annotations["properties"] = {
            MIRROR_ANNOTATION: _const(old_ann[MIRROR_ANNOTATION], _rule("mirror-changed")),
        }
        annotations["required"] = [MIRROR_ANNOTATION]
        annotations[_X] = _rule("mirror-changed")
    else:
        annotations["properties"] = {MIRROR_ANNOTATION: {"not": {}, _X: _rule("mirror-added")}}
    props["annotations"] = annotations
    checks = [
        {"required": [key], _X: _rule("immutable", field=f"metadata.{key}", kind="string")}
        for key in ("name", "namespace") if old_meta.get(key)
    ]
    if MIRROR_ANNOTATION in old_ann:
        checks.append({"required": ["annotations"], _X: _rule("mirror-changed")})
    return {"type": "object", "properties": props, "allOf": checks}


def _containers_schema(key: str, old_list: list) -> dict:
    n = len(old_list)
    items = []
    for i, c in enumerate(old_list):
        image = {
            "type": "string",
            "allOf": [
                {"minLength": 1, _X: _rule("image-required", index=i, list=key)},
                {"pattern": r"^(?:\S(?:[\s\S]*\S)?)?$", _X: _rule("image-whitespace", index=i, list=key)},
            ],
            _X: _rule("image-required", index=i, list=key),
        }
        item = _frozen_object(c, _rule("spec-forbidden"), free=("image",), extra_props={"image": image})
        item["allOf"] = [{"required": ["image"], _X: _rule("image-required", index=i, list=key)}]
        items.append(item)
    return {
        "type": "array",
        "allOf": [
            {"minItems": n, "maxItems": n, _X: _rule("containers-count", list=key)},
            {"prefixItems": items},
        ],
        _X: _rule("spec-forbidden"),
    }


def _toleration_match(tol: dict) -> dict:
    props = {k: {"const": v} for k, v in tol.items() if k != "tolerationSeconds"}
    props["tolerationSeconds"] = {}
    return {
        "type": "object",
        "properties": props,
        "required": sorted(k for k in tol if k != "tolerationSeconds"),
        "additionalProperties": False,
    }


def _spec_schema(old_spec: dict) -> dict:
    extra: dict[str, Any] = {}
    rule = _rule("spec-forbidden")
    extra["containers"] = _containers_schema("containers", old_spec.get("containers") or [])
    extra["initContainers"] = _containers_schema("initContainers", old_spec.get("initContainers") or [])

    ads: dict[str, Any] = {
        "type": "integer",
        "allOf": [{"minimum": 0, "maximum": MAX_INT32, _X: _rule("ads-range")}],
        _X: _rule("ads-range"),
    }
    old_ads = old_spec.get("activeDeadlineSeconds")
    if old_ads is not None:
        ads["allOf"].append({"maximum": old_ads, _X: _rule("ads-raise")})
    extra["activeDeadlineSeconds"] = ads

    old_tols = old_spec.get("tolerations") or []
    extra["tolerations"] = {
        "type": "array",
        "allOf": [{"contains": _toleration_match(t), _X: _rule("tolerations")} for t in old_tols],
        _X: _rule("tolerations"),
    }
    old_gate_names = [g.get("name") for g in old_spec.get("schedulingGates") or [] if isinstance(g, dict)]
    extra["schedulingGates"] = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"name": {"enum": old_gate_names, _X: _rule("gate-added")}},
        },
    }
    old_tgps = old_spec.get("terminationGracePeriodSeconds")
    allowed = [old_tgps]
    if isinstance(old_tgps, int) and not isinstance(old_tgps, bool) and old_tgps < 0:
        allowed.append(1)
    extra["terminationGracePeriodSeconds"] = (
        {"enum": allowed, _X: rule} if old_tgps is not None else {"not": {}, _X: rule}
    )

    free = _SPECIAL_SPEC_FIELDS
    if old_spec.get("schedulingGates"):
        free = free + ("nodeSelector", "affinity")  # gated_pod_update_errors has their rules
    schema = _frozen_object(old_spec, rule, free=free, extra_props=extra)
    checks: list[dict] = []
    if old_ads is not None:
        checks.append({"required": ["activeDeadlineSeconds"], _X: _rule("ads-removed")})
    if old_tols:
        checks.append({"required": ["tolerations"], _X: _rule("tolerations")})
    if old_spec.get("containers"):
        checks.append({"required": ["containers"], _X: _rule("containers-count", list="containers")})
    if old_spec.get("initContainers"):
        checks.append({"required": ["initContainers"], _X: _rule("containers-count", list="initContainers")})
    if "terminationGracePeriodSeconds" in old_spec:
        checks.append({"required": ["terminationGracePeriodSeconds"], _X: rule})
    schema["allOf"] = checks
    return schema


def update_schema(old: dict) -> dict:
    """A JSON Schema (2020-12) that accepts exactly the Pod updates a v1.32 API server allows.

    Validate the new object after the same normalisation (``validate_pod_update`` does it):
    null fields and empty lists count as absent and resource quantities compare by value, as
    apimachinery's semantic equality has it.
    """
    return _update_schema_normalized(_norm_pod(old))


def _update_schema_normalized(old: dict) -> dict:
    """``update_schema`` of an ``old`` already normalised (``_norm_pod``)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "metadata": _metadata_schema(old.get("metadata") or {}),
            "spec": _spec_schema(old.get("spec") or {}),
        },
    }


# ---------------------------------------------------------------------------
# schema failures -> API server field errors
# ---------------------------------------------------------------------------

def _annotation(err: Any) -> dict | None:
    schema = err.schema if isinstance(err.schema, dict) else {}
    return schema.get(_X)


def _iter_leaf_errors(errors: Any):
    for e in errors:
        if e.context:
            yield from _iter_leaf_errors(e.context)
        yield e


def _get(obj: Any, path: list) -> Any:
    for p in path:
        if isinstance(obj, dict):
            obj = obj.get(p)
        elif isinstance(obj, list) and isinstance(p, int) and p < len(obj):
            obj = obj[p]
        else:
            return None
    return obj


def _immutable_error(field: str, kind: str, value: Any) -> FieldError:
    if kind == "time":
        shown = "null" if value is None and field.endswith("deletionTimestamp") else None
        if shown is not None:
            return invalid(field, "null", "field is immutable")
        return FieldError(INVALID, field, detail=f"{_go_time(value)}: field is immutable")
    if kind == "int":
        return invalid(field, "null" if value is None else value, "field is immutable")
    return invalid(field, "" if value is None else value, "field is immutable")


def validate_pod_update(old: dict, new: dict, *, full: bool = False) -> list[FieldError]:
    """Field errors a v1.32 API server reports for updating Pod ``old`` to ``new``.

    ``new`` should already have gone through ``prepare_pod_update`` (as the server's
    rest.BeforeUpdate does). Returns ``[]`` when the update is allowed. ``full`` adds, in
    ValidatePodUpdate's order, the validation of the new object itself (validatePodMetadataAndSpec,
    and ValidatePodSpecificAnnotations a second time, as the Go code runs it twice).
    """
    from minikctl.api import schemacheck

    old_n = _norm_pod(old)
    new_n = _norm_pod(new)
    schema = _update_schema_normalized(old_n)
    found: dict[str, list] = {}
    for err in _iter_leaf_errors(schemacheck.iter_errors(schema, new_n)):
        rule = _annotation(err)
        if rule is None:
            if err.absolute_path and err.absolute_path[0] == "spec":
                rule = _rule("spec-forbidden")
            else:
                continue
        found.setdefault(rule["rule"], []).append((rule, err))

    errs: list[FieldError] = []
    errs.extend(_meta_errors(found, old_n, new_n))
    if full:
        from minikctl.api import validation

        errs.extend(validation.validate("Pod", new, create=False))  # validatePodMetadataAndSpec
    errs.extend(pod_annotation_update_errors(old_n, new_n))
    if full:
        from minikctl.api import validation

        # ValidatePodSpecificAnnotationUpdates ends with ValidatePodSpecificAnnotations (again)
        errs.extend(validation.validate_pod_specific_annotations(
            (new_n.get("metadata") or {}).get("annotations") or {}, new_n.get("spec") or {}, "metadata.annotations"))

    # ValidatePodUpdate proper
    for key in ("containers", "initContainers"):
        count_hits = [r for r, _ in found.get("containers-count", []) if r.get("list") == key]
        if count_hits:
            errs.append(forbidden(f"spec.{key}", "pod updates may not add or remove containers"))
            return errs
        new_list = (new_n.get("spec") or {}).get(key) or []
        bad_req = sorted({r["index"] for r, _ in found.get("image-required", []) if r.get("list") == key})
        bad_ws = sorted({r["index"] for r, _ in found.get("image-whitespace", []) if r.get("list") == key})
        seen = {str(e) for e in errs}  # with ``full`` the new spec's own validation has reported these already
        for i in range(len(new_list)):
            if i in bad_req and str(required(f"spec.{key}[{i}].image")) not in seen:
                errs.append(required(f"spec.{key}[{i}].image"))
            if i in bad_ws:
                e = invalid(f"spec.{key}[{i}].image", new_list[i].get("image"),
                            "must not have leading or trailing whitespace")
                if str(e) not in seen:
                    errs.append(e)

    new_spec = new_n.get("spec") or {}
    old_spec = old_n.get("spec") or {}
    new_ads = new_spec.get("activeDeadlineSeconds")
    if "ads-range" in found and new_ads is not None:
        errs.append(invalid("spec.activeDeadlineSeconds", new_ads, f"must be between 0 and {MAX_INT32}, inclusive"))
        return errs
    if "ads-raise" in found:
        errs.append(invalid("spec.activeDeadlineSeconds", new_ads, "must be less than or equal to previous value"))
        return errs
    if "ads-removed" in found:
        errs.append(invalid("spec.activeDeadlineSeconds", "null", "must not update from a positive integer to nil value"))

    if "tolerations" in found:
        errs.append(forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"))

    gate_idx = sorted({e.absolute_path[2] for _, e in found.get("gate-added", []) if len(e.absolute_path) > 2})
    for i in gate_idx:
        name = new_spec["schedulingGates"][i].get("name")
        errs.append(forbidden(f"spec.schedulingGates[{i}].name",
                              f"only deletion is allowed, but found new scheduling gate '{name}'"))

    spec_changed = "spec-forbidden" in found
    if old_spec.get("schedulingGates"):
        gated_errs, other_affinity_changed = gated_pod_update_errors(old_spec, new_spec)
        errs.extend(gated_errs)
        spec_changed = spec_changed or other_affinity_changed
    if spec_changed and new_spec != old_spec:
        errs.append(forbidden("spec", SPEC_FORBIDDEN_DETAIL))
    return errs


def _go_node_selector_requirements(reqs: Any) -> str:
    if reqs is None:
        return "[]core.NodeSelectorRequirement(nil)"
    parts = []
    for r in reqs if isinstance(reqs, list) else []:
        r = r if isinstance(r, dict) else {}
        vals = r.get("values")
        vs = "[]string(nil)" if vals is None else _go_string_slice([str(v) for v in vals])
        parts.append(f'core.NodeSelectorRequirement{{Key:{_go_q(r.get("key", ""))}, '
                     f'Operator:{_go_q(r.get("operator", ""))}, Values:{vs}}}')
    return "[]core.NodeSelectorRequirement{" + ", ".join(parts) + "}"


def _go_q(s: Any) -> str:
    from minikctl.kube.errors import go_quote

    return go_quote(str(s))


def _go_node_selector_term(term: Any) -> str:
    term = term if isinstance(term, dict) else {}
    return (f"core.NodeSelectorTerm{{MatchExpressions:{_go_node_selector_requirements(term.get('matchExpressions'))}, "
            f"MatchFields:{_go_node_selector_requirements(term.get('matchFields'))}}}")


def _required_terms(spec: dict) -> tuple[bool, list]:
    na = ((spec.get("affinity") or {}).get("nodeAffinity") or {})
    req = na.get("requiredDuringSchedulingIgnoredDuringExecution")
    if not isinstance(req, dict):
        return False, []
    return True, [t for t in req.get("nodeSelectorTerms") or []]


def _term_only_adds(new: dict, old: dict) -> bool:
    """validateNodeSelectorTermHasOnlyAdditions."""
    old_me, old_mf = old.get("matchExpressions") or [], old.get("matchFields") or []
    new_me, new_mf = new.get("matchExpressions") or [], new.get("matchFields") or []
    if not old_me and not old_mf and (new_me or new_mf):
        return False
    for o, n in ((old_me, new_me), (old_mf, new_mf)):
        if o and (len(n) < len(o) or n[:len(o)] != o):
            return False
    return True


def gated_pod_update_errors(old_spec: dict, new_spec: dict) -> tuple[list[FieldError], bool]:
    """ValidatePodUpdate's branch for a pod whose old spec has schedulingGates (v1.32): nodeSelector may
    only gain keys (validateNodeSelectorMutation), required node affinity terms may only gain requirements
    (validateNodeAffinityMutation). Returns the errors and whether the rest of ``affinity`` (pod
    (anti-)affinity) changed, which stays covered by the generic ``spec: Forbidden``."""
    from minikctl.api.validation import RawFieldError, _go_map

    errs: list[FieldError] = []
    old_ns = old_spec.get("nodeSelector") or {}
    new_ns = new_spec.get("nodeSelector")
    if (new_ns or {}) != old_ns:
        for k, v in old_ns.items():
            if (new_ns or {}).get(k) != v or k not in (new_ns or {}):
                errs.append(RawFieldError(INVALID, "spec.nodeSelector", _go_map(new_ns if new_ns else None),
                                          "only additions to spec.nodeSelector are allowed (no mutations or "
                                          "deletions)"))
                break
    old_na = (old_spec.get("affinity") or {}).get("nodeAffinity")
    new_na = (new_spec.get("affinity") or {}).get("nodeAffinity")
    if old_na != new_na:
        has_old, old_terms = _required_terms(old_spec)
        _, new_terms = _required_terms(new_spec)
        tp = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
        if has_old:
            if old_terms and len(old_terms) != len(new_terms):
                raw = ("[]core.NodeSelectorTerm(nil)" if not new_terms else
                       "[]core.NodeSelectorTerm{" + ", ".join(_go_node_selector_term(t) for t in new_terms) + "}")
                errs.append(RawFieldError(INVALID, tp, raw,
                                          "no additions/deletions to non-empty NodeSelectorTerms list are allowed"))
            else:
                for i, ot in enumerate(old_terms):
                    nt = new_terms[i] if isinstance(new_terms[i], dict) else {}
                    if not _term_only_adds(nt, ot if isinstance(ot, dict) else {}):
                        errs.append(RawFieldError(INVALID, f"{tp}[{i}]", _go_node_selector_term(nt),
                                                  "only additions are allowed (no mutations or deletions)"))

    def rest(spec: dict) -> dict:
        aff = dict(spec.get("affinity") or {})
        aff.pop("nodeAffinity", None)
        return aff

    return errs, rest(old_spec) != rest(new_spec)


def _meta_errors(found: dict, old: dict, new: dict) -> list[FieldError]:
    errs: list[FieldError] = []
    old_meta = old.get("metadata") or {}
    new_meta = new.get("metadata") or {}
    if "new-finalizer" in found:
        extra = sorted(set(new_meta.get("finalizers") or []) - set(old_meta.get("finalizers") or []))
        errs.append(forbidden(
            "metadata.finalizers",
            "no new finalizers can be added if the object is being deleted, found new finalizers "
            + _go_string_slice(extra),
        ))
    if "generation" in found:
        errs.append(invalid("metadata.generation", new_meta.get("generation", 0), "must not be decremented"))
    order = ["metadata.name", "metadata.namespace", "metadata.uid", "metadata.creationTimestamp",
             "metadata.deletionTimestamp", "metadata.deletionGracePeriodSeconds"]
    seen = {r["field"]: r for r, _ in found.get("immutable", [])}
    for field in order:
        if field in seen:
            key = field.split(".", 1)[1]
            errs.append(_immutable_error(field, seen[field]["kind"], new_meta.get(key)))
    refs = new_meta.get("ownerReferences") or []
    bad = {(e.absolute_path[2], r["child"]): r for r, e in found.get("ownerref", []) if len(e.absolute_path) > 2}
    first_controller = ""
    for i, ref in enumerate(refs):
        for child in ("apiVersion", "kind", "name", "uid"):
            r = bad.get((i, child))
            if r is not None:
                errs.append(invalid(f"metadata.ownerReferences.{child}", ref.get(child, ""), r["detail"]))
        if ref.get("controller") is True:
            cur = f"{ref.get('kind', '')}/{ref.get('name', '')}"
            if first_controller:
                from minikctl.api.validation import go_owner_refs

                errs.append(FieldError(
                    INVALID, "metadata.ownerReferences",
                    detail=f"{go_owner_refs(refs)}: Only one reference can have Controller set to true. "
                           f'Found "true" in references for {first_controller} and {cur}',
                ))
            else:
                first_controller = cur
    return errs


APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def pod_annotation_update_errors(old: dict, new: dict) -> list[FieldError]:
    """ValidatePodSpecificAnnotationUpdates (pkg/apis/core/validation/validation.go v1.32), without its
    trailing ValidatePodSpecificAnnotations: AppArmor and mirror-pod annotations may not be removed,
    changed (old keys first; Go's map order is random, sorted here) or added."""
    old_ann = ((old.get("metadata") or {}).get("annotations") or {})
    new_ann = ((new.get("metadata") or {}).get("annotations") or {})
    errs: list[FieldError] = []
    for k in sorted(old_ann):
        if k in new_ann and new_ann[k] == old_ann[k]:
            continue
        if k.startswith(APPARMOR_PREFIX):
            errs.append(forbidden(f"metadata.annotations[{k}]", "may not remove or update AppArmor annotations"))
        if k == MIRROR_ANNOTATION:
            errs.append(forbidden(f"metadata.annotations[{k}]", "may not remove or update mirror pod annotation"))
    for k in sorted(new_ann):
        if k in old_ann:
            continue
        if k.startswith(APPARMOR_PREFIX):
            errs.append(forbidden(f"metadata.annotations[{k}]", "may not add AppArmor annotations"))
        if k == MIRROR_ANNOTATION:
            errs.append(forbidden(f"metadata.annotations[{k}]", "may not add mirror pod annotation"))
    return errs


def validate_metadata_update(old: dict, new: dict) -> list[FieldError]:
    """ValidateObjectMetaUpdate alone: the update rules for kinds without spec rules (e.g. Namespace)."""
    return _metadata_only_errors(_norm(old), _norm(new))


def _metadata_only_errors(old_n: dict, new_n: dict) -> list[FieldError]:
    from minikctl.api import schemacheck

    meta_schema = {"type": "object", "properties": {"metadata": _metadata_schema(old_n.get("metadata") or {})}}
    found: dict[str, list] = {}
    for err in _iter_leaf_errors(schemacheck.iter_errors(meta_schema, new_n)):
        rule = _annotation(err)
        if rule is not None and not rule["rule"].startswith("mirror"):
            found.setdefault(rule["rule"], []).append((rule, err))
    return _meta_errors(found, old_n, new_n)


# ---------------------------------------------------------------------------
# status updates
# ---------------------------------------------------------------------------

_SYSTEM_CONDITIONS = ("PodScheduled", "Ready", "Initialized")


def _qualified_name_errors(value: str, path: str) -> list[FieldError]:
    """apimachinery IsQualifiedName (as validation.py reads it, and no pattern error for an empty name)."""
    return [invalid(path, value, m) for m in is_qualified_name(value)]


def _terminated(status: dict) -> dict | None:
    state = status.get("state") or {}
    t = state.get("terminated")
    return t if isinstance(t, dict) else None


def _state_transition_errors(new_st: list, old_st: list, path: str, restart_policy: str,
                            indices: list[int] | None = None) -> list[FieldError]:
    """ValidateContainerStateTransition (``indices``: the positions of ``old_st`` in the full old list)."""
    errs: list[FieldError] = []
    if restart_policy == "Always":
        return errs
    for j, old_s in enumerate(old_st):
        i = indices[j] if indices is not None else j
        term = _terminated(old_s)
        if term is None:
            continue
        if (term.get("exitCode") or 0) != 0 and restart_policy == "OnFailure":
            continue
        for new_s in new_st:
            if new_s.get("name") == old_s.get("name") and _terminated(new_s) is None:
                errs.append(forbidden(f"{path}[{i}].state", "may not be transitioned to non-terminated state"))
    return errs


def validate_pod_status_update(old: dict, new: dict) -> list[FieldError]:
    """Field errors for a ``--subresource=status`` update: ValidatePodStatusUpdate
    (pkg/apis/core/validation/validation.go v1.32), in its order.

    The caller copies spec and most of metadata from ``old`` first (``prepare_pod_status_update``).
    """
    from minikctl.api import schemacheck, validation

    old_n = _norm(old)
    new_n = _norm(new)
    meta_schema = {"type": "object", "properties": {"metadata": _metadata_schema(old_n.get("metadata") or {})}}
    found: dict[str, list] = {}
    for err in _iter_leaf_errors(schemacheck.iter_errors(meta_schema, new_n)):
        rule = _annotation(err)
        if rule is not None:
            found.setdefault(rule["rule"], []).append((rule, err))
    errs = _meta_errors(found, old_n, new_n)
    # ValidatePodSpecificAnnotationUpdates, ending with ValidatePodSpecificAnnotations
    errs.extend(pod_annotation_update_errors(old_n, new_n))
    errs.extend(validation.validate_pod_specific_annotations(
        (new_n.get("metadata") or {}).get("annotations") or {}, new_n.get("spec") or {}, "metadata.annotations"))

    new_status = new_n.get("status") or {}
    old_status = old_n.get("status") or {}
    for i, cond in enumerate(new_status.get("conditions") or []):
        ctype = cond.get("type", "") if isinstance(cond, dict) else ""
        if ctype in _SYSTEM_CONDITIONS:
            continue
        # 1.32 builds this path from the "metadata" path and the Go field name: metadata.conditions[i].Type
        errs.extend(_qualified_name_errors(ctype, f"metadata.conditions[{i}].Type"))

    new_spec = new_n.get("spec") or {}
    old_spec = old_n.get("spec") or {}
    if new_spec.get("nodeName") != old_spec.get("nodeName"):
        errs.append(forbidden("status.nodeName", "may not be changed directly"))
    nominated = new_status.get("nominatedNodeName") or ""
    if nominated != (old_status.get("nominatedNodeName") or "") and nominated:
        errs.extend(invalid("status.nominatedNodeName", nominated, m)
                    for m in validation.is_dns1123_subdomain(nominated))
    # Pod QoS is immutable (ValidateImmutableField)
    if (new_status.get("qosClass") or "") != (old_status.get("qosClass") or ""):
        errs.append(invalid("status.qosClass", new_status.get("qosClass") or "", "field is immutable"))

    policy = old_spec.get("restartPolicy", "Always")
    errs.extend(_state_transition_errors(new_status.get("containerStatuses") or [],
                                         old_status.get("containerStatuses") or [],
                                         "status.containerStatuses", policy))
    # ValidateInitContainerStateTransition: restartable (sidecar) init containers may leave Terminated
    sidecars = {c.get("name") for c in old_spec.get("initContainers") or []
                if isinstance(c, dict) and c.get("restartPolicy") == "Always"}
    errs.extend(_state_transition_errors(new_status.get("initContainerStatuses") or [],
                                         [s_ for s_ in old_status.get("initContainerStatuses") or []
                                          if s_.get("name") not in sidecars],
                                         "status.initContainerStatuses", policy,
                                         indices=[i for i, s_ in enumerate(old_status.get("initContainerStatuses")
                                                                           or []) if s_.get("name") not in sidecars]))
    errs.extend(_state_transition_errors(new_status.get("ephemeralContainerStatuses") or [],
                                         old_status.get("ephemeralContainerStatuses") or [],
                                         "status.ephemeralContainerStatuses", "Never"))
    errs.extend(validate_pod_ips(new_status))
    errs.extend(validate_host_ips(new_status))
    return errs


def _parse_ip_sloppy(s: Any):
    """netutils.ParseIPSloppy: Go's net.ParseIP that also takes IPv4 octets with leading zeros."""
    import ipaddress

    if not isinstance(s, str) or not s:
        return None
    if re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,3}){3}", s):
        parts = [int(p) for p in s.split(".")]
        return ipaddress.IPv4Address(".".join(map(str, parts))) if all(p <= 255 for p in parts) else None
    if ":" not in s:
        return None
    try:
        ip = ipaddress.IPv6Address(s)
    except ValueError:
        return None
    return ip.ipv4_mapped or ip


def _go_ip_structs(kind: str, ips: list) -> str:
    return f"[]core.{kind}{{" + ", ".join(f"core.{kind}{{IP:{_go_q(x.get('ip', ''))}}}" for x in ips) + "}"


def _ip_list_errors(ips: list, path: str, kind: str, dup_first: bool) -> list[FieldError]:
    from minikctl.api.validation import RawFieldError

    errs: list[FieldError] = []
    addrs = [x.get("ip", "") if isinstance(x, dict) else "" for x in ips]
    for i, a in enumerate(addrs):  # validation.IsValidIP(path.Index(i), ip)
        if _parse_ip_sloppy(a) is None:
            errs.append(invalid(f"{path}[{i}]", a, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
    if len(addrs) <= 1:
        return errs
    dups: list[FieldError] = []
    seen: set[str] = set()
    for i, a in enumerate(addrs):
        if a in seen:
            dups.append(RawFieldError("Duplicate value", f"{path}[{i}]", f"core.{kind}{{IP:{_go_q(a)}}}"))
        seen.add(a)
    if dup_first:
        errs.extend(dups)
    parsed = [_parse_ip_sloppy(a) for a in addrs]
    dual = False
    bad = next((i for i, p in enumerate(parsed) if p is None), None)
    if bad is not None:  # netutils.IsDualStackIPStrings
        errs.append(FieldError("Internal error", path,
                               detail=f"failed to check for dual stack with error:invalid IP[{bad}]: {addrs[bad]}"))
    else:
        dual = {p.version for p in parsed} == {4, 6}
    if not dual or len(addrs) > 2:
        errs.append(RawFieldError(INVALID, path, _go_ip_structs(kind, [x if isinstance(x, dict) else {} for x in ips]),
                                  "may specify no more than one IP for each IP family"))
    if not dup_first:
        errs.extend(dups)
    return errs


def validate_pod_ips(status: dict) -> list[FieldError]:
    """validatePodIPs: each status.podIPs entry a valid IP; two at most, one per family, no duplicates."""
    return _ip_list_errors(status.get("podIPs") or [], "status.podIPs", "PodIP", dup_first=False)


def validate_host_ips(status: dict) -> list[FieldError]:
    """validateHostIPs: hostIPs[0] equals hostIP, then the podIPs rules (duplicates reported first)."""
    ips = status.get("hostIPs") or []
    if not ips:
        return []
    errs: list[FieldError] = []
    first = ips[0].get("ip", "") if isinstance(ips[0], dict) else ""
    if (status.get("hostIP") or "") != first:
        errs.append(invalid("status.hostIPs[0].ip", first, "must be equal to `hostIP`"))
    return errs + _ip_list_errors(ips, "status.hostIPs", "HostIP", dup_first=True)


# ---------------------------------------------------------------------------
# what the server does to the incoming object before validating it
# ---------------------------------------------------------------------------

def prepare_pod_update(old: dict, new: dict) -> dict:
    """rest.BeforeUpdate + the Pod strategy's PrepareForUpdate: returns the object to validate.

    status is kept from ``old``; generation is the old one; an empty uid, the creation
    timestamp, a set deletion timestamp and a removed deletionGracePeriodSeconds come from ``old``.
    """
    # a copy of ``new`` but its status, which is replaced (the keys keep their order)
    out = {k: None if k == "status" else tree_copy(v) for k, v in new.items()}
    old_meta = old.get("metadata") or {}
    meta = out.setdefault("metadata", {})
    if "status" in old:
        out["status"] = tree_copy(old["status"])
    else:
        out.pop("status", None)
    _carry_meta(old_meta, meta)
    return out


def prepare_pod_status_update(old: dict, new: dict) -> dict:
    """The Pod status strategy's PrepareForUpdate: spec and metadata except labels/annotations come from ``old``."""
    out = copy.deepcopy(old)
    new_meta = new.get("metadata") or {}
    meta = out.setdefault("metadata", {})
    for key in ("labels", "annotations"):
        if key in new_meta:
            meta[key] = copy.deepcopy(new_meta[key])
        else:
            meta.pop(key, None)
    if "resourceVersion" in new_meta:
        meta["resourceVersion"] = new_meta["resourceVersion"]
    out["status"] = copy.deepcopy(new.get("status") or {})
    # podStatusStrategy.PrepareForUpdate (v1.32): ownerReferences stay the old ones, deletionTimestamp is
    # ignored, an empty qosClass is backfilled from the old status; DropDisabledPodFields on the status
    old_status = old.get("status") or {}
    if not out["status"].get("qosClass") and old_status.get("qosClass"):
        out["status"]["qosClass"] = old_status["qosClass"]
    from minikctl.api.defaults import drop_disabled_pod_status_fields

    drop_disabled_pod_status_fields(out["status"])
    return out


def _carry_meta(old_meta: dict, meta: dict) -> None:
    if "generation" in old_meta:
        meta["generation"] = old_meta["generation"]
    else:
        meta.pop("generation", None)
    if not meta.get("uid") and old_meta.get("uid"):
        meta["uid"] = old_meta["uid"]
    if old_meta.get("creationTimestamp"):
        meta["creationTimestamp"] = old_meta["creationTimestamp"]
    if old_meta.get("deletionTimestamp"):
        meta["deletionTimestamp"] = old_meta["deletionTimestamp"]
    if old_meta.get("deletionGracePeriodSeconds") is not None and meta.get("deletionGracePeriodSeconds") is None:
        meta["deletionGracePeriodSeconds"] = old_meta["deletionGracePeriodSeconds"]


# ---------------------------------------------------------------------------
# every kind: ValidateXUpdate (pkg/apis/{core,apps,batch}/validation v1.32) and the
# registry strategies' PrepareForUpdate (pkg/registry/*/*/strategy.go)
# ---------------------------------------------------------------------------

IMMUTABLE = "field is immutable"
IMMUTABLE_WHEN_SET = "field is immutable when `immutable` is set"
STATEFULSET_FORBIDDEN_DETAIL = ("updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
                                "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
                                "forbidden")
# ValidateStatefulSetUpdate copies these from the old spec before comparing (v1.32; revisionHistoryLimit
# joined the list in 1.33)
STATEFULSET_MUTABLE = ("replicas", "template", "updateStrategy", "minReadySeconds", "ordinals",
                       "persistentVolumeClaimRetentionPolicy")


def _m(obj: Any, key: str) -> dict:
    v = obj.get(key) if isinstance(obj, dict) else None
    return v if isinstance(v, dict) else {}


def _semantic(value: Any) -> Any:
    """apiequality.Semantic.DeepEqual's view: nulls and empty lists vanish, quantities compare by value."""
    return _norm_pod({"spec": value})["spec"] if isinstance(value, dict) else _norm(value)


def object_meta_update_errors(old: dict, new: dict) -> list[FieldError]:
    """core ValidateObjectMetaUpdate: apimachinery's update rules (``validate_metadata_update``), the new
    labels and annotations, and validateKubeFinalizerName on each finalizer."""
    from minikctl.api import validation

    errs = validate_metadata_update(old, new)
    meta = _m(new, "metadata")
    errs.extend(validation.validate_labels(_m(meta, "labels"), "metadata.labels"))
    errs.extend(validation.validate_annotations(_m(meta, "annotations"), "metadata.annotations"))
    for i, f in enumerate(meta.get("finalizers") or []):
        if not isinstance(f, str):
            continue
        fp = f"metadata.finalizers[{i}]"
        errs.extend(invalid(fp, f, m) for m in validation.is_qualified_name(f))
        if "/" not in f and f not in ("kubernetes", "orphan", "foregroundDeletion"):
            errs.append(invalid(fp, f, "name is neither a standard finalizer name nor is it fully qualified"))
    return errs


def _selector_immutable(old: dict, new: dict) -> list[FieldError]:
    """The strategies' ``ValidateImmutableField(newX.Spec.Selector, oldX.Spec.Selector, spec.selector)``
    (apps/v1 and batch/v1): the bad value is the new selector, ``%#v`` of a metav1.LabelSelector."""
    from minikctl.api.validation import RawFieldError, _selector_raw

    new_sel = _m(new, "spec").get("selector")
    if _semantic(new_sel) == _semantic(_m(old, "spec").get("selector")):
        return []
    raw = "null" if new_sel is None else _selector_raw(new_sel)
    return [RawFieldError(INVALID, "spec.selector", raw, IMMUTABLE)]


def validate_deployment_update(old: dict, new: dict) -> list[FieldError]:
    """deploymentStrategy.ValidateUpdate: ValidateDeploymentUpdate (ValidateObjectMetaUpdate +
    ValidateDeploymentSpec) then the selector immutability check."""
    from minikctl.api import validation

    return object_meta_update_errors(old, new) + validation._validate_deployment(new, meta=False) + \
        _selector_immutable(old, new)


def validate_replicaset_update(old: dict, new: dict) -> list[FieldError]:
    """replicaSetStrategy.ValidateUpdate: ValidateReplicaSetUpdate then the selector immutability check."""
    from minikctl.api import validation

    return object_meta_update_errors(old, new) + validation._validate_replicaset(new, meta=False) + \
        _selector_immutable(old, new)


def validate_statefulset_update(old: dict, new: dict) -> list[FieldError]:
    """ValidateStatefulSetUpdate: metadata, ValidateStatefulSetSpec, then every spec field outside
    STATEFULSET_MUTABLE frozen (one ``spec: Forbidden``)."""
    from minikctl.api import validation

    errs = object_meta_update_errors(old, new) + validation._validate_statefulset(new, meta=False)
    frozen_new = {k: v for k, v in _m(new, "spec").items() if k not in STATEFULSET_MUTABLE}
    frozen_old = {k: v for k, v in _m(old, "spec").items() if k not in STATEFULSET_MUTABLE}
    if _semantic(frozen_new) != _semantic(frozen_old):
        errs.append(forbidden("spec", STATEFULSET_FORBIDDEN_DETAIL))
    return errs


def validate_daemonset_update(old: dict, new: dict) -> list[FieldError]:
    """daemonSetStrategy.ValidateUpdate: ValidateDaemonSetUpdate (metadata, ValidateDaemonSetSpecUpdate's
    templateGeneration rules -- always met once ``prepare_for_update`` has run -- and ValidateDaemonSetSpec),
    then the selector immutability check."""
    from minikctl.api import validation

    return object_meta_update_errors(old, new) + validation._validate_daemonset(new, meta=False) + \
        _selector_immutable(old, new)


def _go_ptr_int(v: Any) -> Any:
    return "null" if v is None else v


def _raw_struct(go_type: str, value: Any) -> str:
    """A stand-in for ``%#v`` of a struct the Go code prints whole (pod templates, failure policies): the
    real text holds pointer addresses (``(*int64)(0xc000...)``) and cannot be reproduced byte for byte."""
    import json

    if value is None:
        return "null"
    return go_type + json.dumps(value, separators=(",", ":"), sort_keys=True)


def _job_template_for_compare(old_spec: dict, new_spec: dict, mutable_scheduling: bool) -> tuple[Any, Any]:
    """validatePodTemplateUpdate: with AllowMutableSchedulingDirectives (suspended job that never started),
    node affinity, nodeSelector, tolerations, labels, annotations and schedulingGates may change."""
    new_t = copy.deepcopy(new_spec.get("template") or {})
    old_t = copy.deepcopy(old_spec.get("template") or {})
    if mutable_scheduling:
        ospec, nspec = old_t.setdefault("spec", {}), new_t.get("spec") or {}
        naff, oaff = nspec.get("affinity"), ospec.get("affinity")
        if naff is None and oaff is not None:
            oaff.pop("nodeAffinity", None)
            if not oaff:
                ospec.pop("affinity", None)
        elif naff is not None and oaff is None:
            ospec["affinity"] = {"nodeAffinity": naff.get("nodeAffinity")} if naff.get("nodeAffinity") else {}
        elif naff is not None and oaff is not None:
            oaff.pop("nodeAffinity", None)
            if naff.get("nodeAffinity") is not None:
                oaff["nodeAffinity"] = naff["nodeAffinity"]
        for key in ("nodeSelector", "tolerations", "schedulingGates"):
            ospec.pop(key, None)
            if key in nspec:
                ospec[key] = nspec[key]
        ometa, nmeta = old_t.setdefault("metadata", {}), new_t.get("metadata") or {}
        for key in ("labels", "annotations"):
            ometa.pop(key, None)
            if key in nmeta:
                ometa[key] = nmeta[key]
    return _semantic(new_t), _semantic(old_t)


def validate_job_update(old: dict, new: dict) -> list[FieldError]:
    """jobStrategy.ValidateUpdate: ValidateJob(new) then ValidateJobUpdate (ValidateObjectMetaUpdate +
    ValidateJobSpecUpdate: completions, selector, template, completionMode, podFailurePolicy,
    backoffLimitPerIndex, managedBy and successPolicy immutable)."""
    from minikctl.api import validation
    from minikctl.api.validation import RawFieldError

    errs = validation.validate("Job", new)
    errs.extend(object_meta_update_errors(old, new))
    ospec, nspec = _m(old, "spec"), _m(new, "spec")
    # validateCompletions (ElasticIndexedJob is GA): Indexed jobs may change completions together with parallelism
    oc, nc = ospec.get("completions"), nspec.get("completions")
    if nspec.get("completionMode") != "Indexed":
        if oc != nc:
            errs.append(invalid("spec.completions", _go_ptr_int(nc), IMMUTABLE))
    elif oc != nc and nc is not None and nc != nspec.get("parallelism"):
        errs.append(invalid("spec.completions", nc, "can only be modified in tandem with spec.parallelism"))
    errs.extend(_selector_immutable(old, new))
    mutable = ospec.get("suspend") is True and not _m(old, "status").get("startTime")
    nt, ot = _job_template_for_compare(ospec, nspec, mutable)
    if nt != ot:
        errs.append(RawFieldError(INVALID, "spec.template", _raw_struct("core.PodTemplateSpec", nspec.get("template")),
                                  IMMUTABLE))
    if nspec.get("completionMode") != ospec.get("completionMode"):
        cm = nspec.get("completionMode")
        errs.append(invalid("spec.completionMode", "null" if cm is None else cm, IMMUTABLE))
    for key, go_type in (("podFailurePolicy", "core.PodFailurePolicy"),):
        if _semantic(nspec.get(key)) != _semantic(ospec.get(key)):
            errs.append(RawFieldError(INVALID, f"spec.{key}", _raw_struct(go_type, nspec.get(key)), IMMUTABLE))
    if nspec.get("backoffLimitPerIndex") != ospec.get("backoffLimitPerIndex"):
        errs.append(invalid("spec.backoffLimitPerIndex", _go_ptr_int(nspec.get("backoffLimitPerIndex")), IMMUTABLE))
    if nspec.get("managedBy") != ospec.get("managedBy"):
        mb = nspec.get("managedBy")
        errs.append(invalid("spec.managedBy", "null" if mb is None else mb, IMMUTABLE))
    if _semantic(nspec.get("successPolicy")) != _semantic(ospec.get("successPolicy")):
        errs.append(RawFieldError(INVALID, "spec.successPolicy",
                                  _raw_struct("core.SuccessPolicy", nspec.get("successPolicy")), IMMUTABLE))
    return errs


def validate_job_status_update(old: dict, new: dict) -> list[FieldError]:
    """ValidateJobUpdateStatus, the part kept here: ValidateObjectMetaUpdate and validateJobStatus's
    non-negative counters (the JobManagedBy-era transition rules of v1.32 are not reproduced)."""
    from minikctl.api.validation import _nonneg

    errs = object_meta_update_errors(old, new)
    st = _m(new, "status")
    for key in ("active", "succeeded", "failed", "ready", "terminating"):
        errs.extend(_nonneg(st.get(key), f"status.{key}"))
    return errs


def validate_cronjob_update(old: dict, new: dict) -> list[FieldError]:
    """ValidateCronJobUpdate: ValidateObjectMetaUpdate and validateCronJobSpec(spec, oldSpec) -- TZ stays
    allowed if the old schedule had it, the time zone is checked only when it changed, and there is no
    52-character name limit on update."""
    from minikctl.api import validation

    return object_meta_update_errors(old, new) + validation._validate_cronjob(new, old_spec=_m(old, "spec"))


def _immutable_when_set(old: dict, new: dict, keys: tuple[str, ...]) -> list[FieldError]:
    errs: list[FieldError] = []
    if old.get("immutable") is True:
        if new.get("immutable") is not True:
            errs.append(forbidden("immutable", IMMUTABLE_WHEN_SET))
        for key in keys:
            if (old.get(key) or {}) != (new.get(key) or {}):
                errs.append(forbidden(key, IMMUTABLE_WHEN_SET))
    return errs


def validate_config_map_update(old: dict, new: dict) -> list[FieldError]:
    """ValidateConfigMapUpdate: metadata, ``immutable: true`` freezes immutable/data/binaryData, then
    ValidateConfigMap(new)."""
    from minikctl.api import validation

    return object_meta_update_errors(old, new) + _immutable_when_set(old, new, ("data", "binaryData")) + \
        validation.validate_config_map(new)


def validate_secret_update(old: dict, new: dict) -> list[FieldError]:
    """ValidateSecretUpdate: metadata, ``type`` immutable, ``immutable: true`` freezes immutable/data
    (stringData was merged into data before), then ValidateSecret(new)."""
    from minikctl.api import validation

    errs = object_meta_update_errors(old, new)
    if (new.get("type") or "") != (old.get("type") or ""):
        errs.append(invalid("type", new.get("type") or "", IMMUTABLE))
    errs.extend(_immutable_when_set(old, new, ("data",)))
    return errs + validation.validate_secret(new)


def validate_service_account_update(old: dict, new: dict) -> list[FieldError]:
    """ValidateServiceAccountUpdate: metadata, then ValidateServiceAccount(new)."""
    from minikctl.api import validation

    return object_meta_update_errors(old, new) + validation.validate_service_account(new)


def validate_namespace_update(old: dict, new: dict) -> list[FieldError]:
    """ValidateNamespaceUpdate: ValidateObjectMetaUpdate only."""
    return object_meta_update_errors(old, new)


_UPDATE_VALIDATORS = {
    "Deployment": validate_deployment_update,
    "ReplicaSet": validate_replicaset_update,
    "StatefulSet": validate_statefulset_update,
    "DaemonSet": validate_daemonset_update,
    "Job": validate_job_update,
    "CronJob": validate_cronjob_update,
    "ConfigMap": validate_config_map_update,
    "Secret": validate_secret_update,
    "ServiceAccount": validate_service_account_update,
    "Namespace": validate_namespace_update,
}


def validate_update(kind: str, old: dict, new: dict, *, subresource: str = "") -> list[FieldError]:
    """All the field errors of an update, in the order the kind's strategy ValidateUpdate lists them (the
    new object's own validation included), for ``new`` prepared by ``prepare_for_update``.

    ``subresource="status"``: the status strategies (Pod: ValidatePodStatusUpdate; Job:
    ValidateJobUpdateStatus; the other kinds: ValidateObjectMetaUpdate)."""
    if subresource == "status":
        if kind == "Pod":
            return validate_pod_status_update(old, new)
        if kind == "Job":
            return validate_job_status_update(old, new)
        return object_meta_update_errors(old, new)
    if kind == "Pod":
        return validate_pod_update(old, new, full=True)
    fn = _UPDATE_VALIDATORS.get(kind)
    return fn(old, new) if fn is not None else object_meta_update_errors(old, new)


def prepare_for_update(kind: str, old: dict, new: dict, *, subresource: str = "") -> dict:
    """rest.BeforeUpdate + the kind's PrepareForUpdate: returns the object to validate and store.

    Every kind: generation, uid, creationTimestamp and the deletion fields come from ``old``. Then:
    Pod: status kept, DropDisabledPodFields against the old spec, generation never bumped (v1.32);
    Deployment: generation + 1 when spec or annotations change; ReplicaSet, StatefulSet, Job, CronJob:
    generation + 1 when spec changes; DaemonSet: templateGeneration (its annotation) + 1 and generation
    + 1 when the template changes, generation + 1 on other spec changes; workloads keep their status;
    Secret: an empty type is the old one; Namespace: spec.finalizers and status kept.
    ``subresource="status"``: only status (Pods: and labels/annotations) come from ``new``."""
    from minikctl.api import defaults

    if subresource == "status":
        if kind == "Pod":
            return prepare_pod_status_update(old, new)
        out = copy.deepcopy(old)
        out["status"] = copy.deepcopy(new.get("status") or {})
        return out
    if kind == "Pod":
        out = prepare_pod_update(old, new)
        if isinstance(out.get("spec"), dict):
            defaults.drop_disabled_pod_fields(out["spec"], old.get("spec") or {})
        return out
    out = copy.deepcopy(new)
    meta = out.setdefault("metadata", {})
    old_meta = old.get("metadata") or {}
    _carry_meta(old_meta, meta)
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "Namespace"):
        if "status" in old:
            out["status"] = copy.deepcopy(old["status"])
        else:
            out.pop("status", None)
    ospec, nspec = _m(old, "spec"), _m(out, "spec")
    tmpl_of = {"CronJob": lambda s: _m(_m(s, "jobTemplate"), "spec").get("template")}
    get_tmpl = tmpl_of.get(kind, lambda s: s.get("template"))
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"):
        nt, ot = get_tmpl(nspec), get_tmpl(ospec)
        if isinstance(nt, dict) and isinstance(nt.get("spec"), dict):
            defaults.drop_disabled_pod_fields(nt["spec"], (ot or {}).get("spec") or {})
    if kind == "StatefulSet":
        ru = _m(_m(nspec, "updateStrategy"), "rollingUpdate")
        if ru and _m(_m(ospec, "updateStrategy"), "rollingUpdate").get("maxUnavailable") is None:
            ru.pop("maxUnavailable", None)
    gen = old_meta.get("generation", 0)
    spec_changed = _semantic(nspec) != _semantic(ospec)
    if kind == "Deployment":
        if spec_changed or (meta.get("annotations") or {}) != (old_meta.get("annotations") or {}):
            meta["generation"] = gen + 1
    elif kind in ("ReplicaSet", "StatefulSet", "Job", "CronJob"):
        if spec_changed:
            meta["generation"] = gen + 1
    elif kind == "DaemonSet":
        key = defaults.DAEMONSET_TEMPLATE_GENERATION
        try:
            tg = int((old_meta.get("annotations") or {}).get(key, "0"))
        except ValueError:
            tg = 0
        if _semantic(nspec.get("template")) != _semantic(ospec.get("template")):
            tg += 1
            meta["generation"] = gen + 1
        elif spec_changed:
            meta["generation"] = gen + 1
        # Convert_apps_DaemonSet_To_v1_DaemonSet always writes the annotation (a client's value is replaced)
        meta.setdefault("annotations", {})[key] = str(tg)
    elif kind == "Secret":
        if not out.get("type") and old.get("type"):
            out["type"] = old["type"]
    elif kind == "Namespace":
        if "finalizers" in ospec:
            out.setdefault("spec", {})["finalizers"] = copy.deepcopy(ospec["finalizers"])
    return out

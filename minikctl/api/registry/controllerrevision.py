"""The ControllerRevision (apps/v1) registry module: ``pkg/registry/apps/controllerrevision/strategy.go``.

A ControllerRevision is an immutable snapshot (``data``, a strategic merge patch of a workload's template as the
StatefulSet and DaemonSet controllers write it) with a ``revision`` number. The strategy has no status and no
generation; validation is ``ValidateControllerRevision`` / ``ValidateControllerRevisionUpdate``
(``pkg/apis/apps/validation/validation.go``): a DNS-subdomain name, ``data`` mandatory, ``revision`` not negative,
and ``data`` immutable. The printed columns are the 1.32 API server's Table for ``kubectl get controllerrevisions``.
"""

from __future__ import annotations

from minikctl.api.registry import cells

RAW_FIELDS = ("data",)  # a runtime.RawExtension: stored as its writer sent it (the controllers hash its bytes)


def default(obj: dict, ctx) -> None:
    """No SetDefaults for the kind; ``revision`` is an int64 without omitempty (a real server always shows it)."""
    obj.setdefault("revision", 0)


def prepare_update(old: dict, new: dict) -> dict:
    """rest.BeforeUpdate: server-owned metadata from ``old`` (the strategy's PrepareForUpdate does nothing)."""
    from minikctl.api import updates

    new.setdefault("revision", 0)
    return updates.prepare_for_update("ControllerRevision", old, new)


def validate(obj: dict) -> list:
    """ValidateControllerRevision (apps validation.go)."""
    from minikctl.api import validation
    from minikctl.kube import errors as E

    errs = validation.validate_object_meta(obj.get("metadata") or {}, True, validation.is_dns1123_subdomain)
    if obj.get("data") is None:
        errs.append(E.required("data", "data is mandatory"))
    rev = obj.get("revision") or 0
    if isinstance(rev, int) and rev < 0:
        errs.append(E.invalid("revision", rev, "must be greater than or equal to 0"))  # ValidateNonnegativeField
    return errs


def validate_update(old: dict, new: dict) -> list:
    """ValidateControllerRevisionUpdate: metadata update rules, the object's own validation, ``data`` immutable."""
    from minikctl.api import updates
    from minikctl.kube import errors as E

    errs = updates.object_meta_update_errors(old, new)
    errs += [e for e in validate(new) if not e.field.startswith("metadata.")]
    if new.get("data") != old.get("data"):
        errs.append(E.FieldError(E.INVALID, "data", detail="field is immutable"))
    return errs


# controllerRevisionColumnDefinition in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "CONTROLLER", "REVISION", "AGE"]
WIDE_COLUMNS: list[str] = []


def controller_name(obj: dict) -> str:
    """The CONTROLLER cell: metav1.GetControllerOf (the first ownerReference with controller: true) as
    formatResourceName(GroupKind, name, withKind=true), e.g. ``statefulset.apps/web``; ``<none>`` without one.

    Raises ``ValueError`` where schema.ParseGroupVersion fails (more than one "/"): the server's printer errors then.
    """
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if not ref.get("controller"):
            continue
        api_version = ref.get("apiVersion") or ""
        if api_version.count("/") > 1:
            raise ValueError(f"unexpected GroupVersion string: {api_version}")
        group = api_version.split("/", 1)[0] if "/" in api_version else ""
        kind = ref.get("kind") or ""
        if not group and not kind:  # GroupKind.Empty(): the name alone
            return ref.get("name", "")
        group_kind = f"{kind}.{group}" if group else kind
        return group_kind.lower() + "/" + ref.get("name", "")
    return "<none>"


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printControllerRevision (v1.32 printers.go); no -o wide columns."""
    return [cells.name(obj), controller_name(obj), cells.count(obj.get("revision")), cells.age(obj, now_ms)]

"""The ControllerRevision (apps/v1) registry module.

The kind's strategy parts (defaults, validation, update rules, the controllers' hooks) are added here by others;
for now it holds the kind's printing: the columns and cells the 1.32 API server's Table has for
``kubectl get controllerrevisions``.
"""

from __future__ import annotations

from minikctl.api.registry import cells

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

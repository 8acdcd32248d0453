"""The StatefulSet (apps/v1) registry module.

The kind's strategy parts (defaults, validation, update rules, the controllers' hooks) are added here by others;
for now it holds the kind's printing: the columns and cells the 1.32 API server's Table has for
``kubectl get statefulsets [-o wide]``.
"""

from __future__ import annotations

from minikctl.api.registry import cells

# statefulSetColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "READY", "AGE"]
WIDE_COLUMNS = ["CONTAINERS", "IMAGES"]


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printStatefulSet (v1.32 printers.go): READY is status.readyReplicas/spec.replicas; no SELECTOR column."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    out = [cells.name(obj), f"{int(status.get('readyReplicas') or 0)}/{int(spec.get('replicas') or 0)}",
           cells.age(obj, now_ms)]
    if wide:
        out += list(cells.container_cells(cells.template_containers(spec.get("template"))))
    return out

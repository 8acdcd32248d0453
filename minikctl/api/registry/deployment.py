"""The Deployment (apps/v1) registry module.

The kind's strategy parts (defaults, validation, update rules, the controllers' hooks) are added here by others;
for now it holds the kind's printing: the columns and cells the 1.32 API server's Table has for
``kubectl get deployments [-o wide]``.
"""

from __future__ import annotations

from minikctl.api.registry import cells

# deploymentColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
WIDE_COLUMNS = ["CONTAINERS", "IMAGES", "SELECTOR"]


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printDeployment (v1.32 printers.go).  Unlike the other kinds, SELECTOR is LabelSelectorAsSelector(...).String():
    empty (not ``<none>``) for an empty selector, ``<invalid>`` for one that does not convert."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    out = [cells.name(obj), f"{int(status.get('readyReplicas') or 0)}/{int(spec.get('replicas') or 0)}",
           cells.count(status.get("updatedReplicas")), cells.count(status.get("availableReplicas")),
           cells.age(obj, now_ms)]
    if wide:
        from minikctl.kube.errors import BadRequest
        from minikctl.kube.selectors import selector_string

        try:
            selector = selector_string(spec.get("selector"))
        except BadRequest:
            selector = "<invalid>"
        names, images = cells.container_cells(cells.template_containers(spec.get("template")))
        out += [names, images, selector]
    return out

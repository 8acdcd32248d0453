"""The DaemonSet (apps/v1) registry module.

The kind's strategy parts (defaults, validation, update rules, the controllers' hooks) are added here by others;
for now it holds the kind's printing: the columns and cells the 1.32 API server's Table has for
``kubectl get daemonsets [-o wide]``.
"""

from __future__ import annotations

from minikctl.api.registry import cells

# daemonSetColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"]
WIDE_COLUMNS = ["CONTAINERS", "IMAGES", "SELECTOR"]


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printDaemonSet (v1.32 printers.go): the five status counts, then the template's nodeSelector
    (labels.FormatLabels) before AGE."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    template_spec = (spec.get("template") or {}).get("spec") or {}
    out = [cells.name(obj), cells.count(status.get("desiredNumberScheduled")),
           cells.count(status.get("currentNumberScheduled")), cells.count(status.get("numberReady")),
           cells.count(status.get("updatedNumberScheduled")), cells.count(status.get("numberAvailable")),
           cells.format_labels(template_spec.get("nodeSelector")), cells.age(obj, now_ms)]
    if wide:
        from minikctl.kube.selectors import format_label_selector

        names, images = cells.container_cells(template_spec.get("containers"))
        out += [names, images, format_label_selector(spec.get("selector"))]
    return out

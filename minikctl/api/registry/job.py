"""The Job (batch/v1) registry module.

The kind's strategy parts (defaults, validation, update rules, the controllers' hooks) are added here by others;
for now it holds the kind's printing: the columns and cells the 1.32 API server's Table has for
``kubectl get jobs [-o wide]``.
"""

from __future__ import annotations

from minikctl.kube.fields import field_getter
from minikctl.api.registry import cells

# jobColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
WIDE_COLUMNS = ["CONTAINERS", "IMAGES", "SELECTOR"]


def _has_condition(conditions: list, kind: str) -> bool:
    """hasJobCondition: the first condition of that type decides (its status is "True")."""
    for c in conditions:
        if c.get("type") == kind:
            return c.get("status") == "True"
    return False


def status_text(obj: dict) -> str:
    """The STATUS cell of printJob: Complete, Failed, Terminating, Suspended, FailureTarget, else Running.
    (1.32 has no SuccessCriteriaMet status: such a Job reads Running until its Complete condition.)"""
    conditions = (obj.get("status") or {}).get("conditions") or []
    if _has_condition(conditions, "Complete"):
        return "Complete"
    if _has_condition(conditions, "Failed"):
        return "Failed"
    if (obj.get("metadata") or {}).get("deletionTimestamp"):
        return "Terminating"
    if _has_condition(conditions, "Suspended"):
        return "Suspended"
    if _has_condition(conditions, "FailureTarget"):
        return "FailureTarget"
    return "Running"


def completions_text(obj: dict) -> str:
    """The COMPLETIONS cell: succeeded/completions; without completions ``succeeded/1``, or ``succeeded/1 of P``
    when parallelism P > 1."""
    spec = obj.get("spec") or {}
    succeeded = int((obj.get("status") or {}).get("succeeded") or 0)
    if spec.get("completions") is not None:
        return f"{succeeded}/{int(spec['completions'])}"
    parallelism = int(spec.get("parallelism") or 0)
    if parallelism > 1:
        return f"{succeeded}/1 of {parallelism}"
    return f"{succeeded}/1"


def duration_text(obj: dict, now_ms: int) -> str:
    """The DURATION cell: empty before startTime, now - startTime while running, completionTime - startTime after."""
    status = obj.get("status") or {}
    if not status.get("startTime"):
        return ""
    if not status.get("completionTime"):
        return cells.since(status["startTime"], now_ms)
    return cells.between(status["startTime"], status["completionTime"])


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printJob (v1.32 printers.go)."""
    spec = obj.get("spec") or {}
    out = [cells.name(obj), status_text(obj), completions_text(obj), duration_text(obj, now_ms),
           cells.age(obj, now_ms)]
    if wide:
        from minikctl.kube.selectors import format_label_selector

        names, images = cells.container_cells(cells.template_containers(spec.get("template")))
        out += [names, images, format_label_selector(spec.get("selector"))]
    return out

# JobToSelectableFields (pkg/registry/batch/job/strategy.go)
FIELDS = {"metadata.name": field_getter("metadata", "name"), "metadata.namespace": field_getter("metadata", "namespace"),
          "status.successful": lambda o: str(((o.get("status") or {}).get("succeeded")) or 0)}

"""The CronJob (batch/v1) registry module.

The kind's strategy parts (defaults, validation, update rules, the controllers' hooks) are added here by others;
for now it holds the kind's printing: the columns and cells the 1.32 API server's Table has for
``kubectl get cronjobs [-o wide]``.
"""

from __future__ import annotations

from minikctl.api.registry import cells

# cronJobColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"]
WIDE_COLUMNS = ["CONTAINERS", "IMAGES", "SELECTOR"]


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printCronJob (v1.32 printers.go): TIMEZONE ``<none>`` when unset, SUSPEND printBoolPtr (``<unset>``, True,
    False), ACTIVE the number of status.active references, LAST SCHEDULE ``<none>`` before the first run; the wide
    SELECTOR is the job template's (usually unset: ``<none>``)."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    last = status.get("lastScheduleTime")
    time_zone = spec.get("timeZone")
    out = [cells.name(obj), str(spec.get("schedule") or ""), "<none>" if time_zone is None else str(time_zone),
           cells.bool_ptr(spec.get("suspend")), str(len(status.get("active") or [])),
           cells.since(last, now_ms) if last else "<none>", cells.age(obj, now_ms)]
    if wide:
        from minikctl.kube.selectors import format_label_selector

        job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
        names, images = cells.container_cells(cells.template_containers(job_spec.get("template")))
        out += [names, images, format_label_selector(job_spec.get("selector"))]
    return out

"""Cells shared by the server-side table printers of several kinds (pkg/printers/internalversion/printers.go, 1.32).

Pure functions of an object's fields and the virtual now: no I/O, nothing heavy imported.
"""

from __future__ import annotations

from minikctl.kube.timefmt import human_duration, parse_rfc3339


def since(timestamp: str | None, now_ms: int) -> str:
    """translateTimestampSince: ``<unknown>`` for an unset time, else HumanDuration(now - t) (AGE, LAST SCHEDULE)."""
    if not timestamp:
        return "<unknown>"
    return human_duration((now_ms - parse_rfc3339(timestamp)) / 1000.0)


def between(start: str, end: str) -> str:
    """duration.HumanDuration(end.Sub(start)) for two RFC 3339 times."""
    return human_duration((parse_rfc3339(end) - parse_rfc3339(start)) / 1000.0)


def name(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("name", "")


def age(obj: dict, now_ms: int) -> str:
    return since((obj.get("metadata") or {}).get("creationTimestamp"), now_ms)


def container_cells(containers: list | None) -> tuple[str, str]:
    """layoutContainerCells: the containers' names and their images, each joined by "," (no space)."""
    containers = containers or []
    return (",".join(str(c.get("name", "")) for c in containers),
            ",".join(str(c.get("image", "")) for c in containers))


def template_containers(template: dict | None) -> list:
    """The containers of a pod template spec ({metadata, spec})."""
    return ((template or {}).get("spec") or {}).get("containers") or []


def format_labels(labels: dict | None) -> str:
    """labels.FormatLabels: sorted ``k=v`` joined by ",", ``<none>`` when there are none."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def bool_ptr(value) -> str:
    """printBoolPtr: ``<unset>`` for a nil *bool, else ``True``/``False``."""
    if value is None:
        return "<unset>"
    return "True" if value else "False"


def count(value) -> str:
    """An int32/int64 cell (a missing field is Go's zero)."""
    return str(int(value or 0))

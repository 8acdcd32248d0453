"""Events (v1): ``pkg/registry/core/event/strategy.go`` and ``printEvent``.

Events are written by the API's event recorder (``Api.event``), never by users; they live in their own table.
"""

from __future__ import annotations

from minikctl.api.registry import cells
from minikctl.kube.fields import field_getter

# ToSelectableFields of pkg/registry/core/event/strategy.go
FIELDS = {
    "metadata.name": field_getter("metadata", "name"), "metadata.namespace": field_getter("metadata", "namespace"),
    **{f"involvedObject.{k}": field_getter("involvedObject", k)
       for k in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")},
    "reason": field_getter("reason"), "reportingComponent": field_getter("reportingComponent"),
    "source": field_getter("source", "component"), "type": field_getter("type"),
}

# eventColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go): the columns
# of priority 1 (-o wide) sit between the others, so the wide table lists them all in the server's order
COLUMNS = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
WIDE_COLUMNS = ["SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME"]
WIDE_ORDER = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"]
NAME_COLUMN = (None, 9)  # the column of format "name" (the kind prefixes it): none, then NAME with -o wide


def _source(ev: dict) -> str:
    """formatEventSource: source.component (else reportingComponent), then ", " and source.host (else
    reportingInstance) when there is one."""
    src = ev.get("source") or {}
    component = src.get("component") or ev.get("reportingComponent") or ""
    instance = src.get("host") or ev.get("reportingInstance") or ""
    return f"{component}, {instance}" if instance else component


def row(ev: dict, now_ms: int, wide: bool = False) -> list[str]:
    """printEvent (v1.32 printers.go): LAST SEEN is the last timestamp (a series' last observation; the first
    time seen when unset), FIRST SEEN the first timestamp (else the event time), COUNT the count (a series' count;
    1 when unset), OBJECT ``kind/name`` in lower case."""
    first = cells.since(ev.get("firstTimestamp"), now_ms) if ev.get("firstTimestamp") else \
        cells.since(ev.get("eventTime"), now_ms)
    last = cells.since(ev["lastTimestamp"], now_ms) if ev.get("lastTimestamp") else first
    count = int(ev.get("count") or 0)
    series = ev.get("series")
    if series is not None:
        last = cells.since((series or {}).get("lastObservedTime"), now_ms)
        count = int((series or {}).get("count") or 0)
    elif count == 0:
        count = 1  # singleton events of the new API carry no count
    inv = ev.get("involvedObject") or {}
    kind = (inv.get("kind") or "").lower()
    target = f"{kind}/{inv['name']}" if inv.get("name") else kind
    message = (ev.get("message") or "").strip()
    if not wide:
        return [last, ev.get("type", ""), ev.get("reason", ""), target, message]
    return [last, ev.get("type", ""), ev.get("reason", ""), target, inv.get("fieldPath", ""), _source(ev), message,
            first, str(count), cells.name(ev)]

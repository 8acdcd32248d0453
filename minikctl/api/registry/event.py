"""Events (v1): ``pkg/registry/core/event/strategy.go`` and ``printEvent``.

Events are written by the API's event recorder (``Api.event``), never by users; they live in their own table.
"""

from __future__ import annotations

from minikctl.kube.fields import field_getter
from minikctl.kube.timefmt import age

# ToSelectableFields of pkg/registry/core/event/strategy.go
FIELDS = {
    "metadata.name": field_getter("metadata", "name"), "metadata.namespace": field_getter("metadata", "namespace"),
    **{f"involvedObject.{k}": field_getter("involvedObject", k)
       for k in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")},
    "reason": field_getter("reason"), "reportingComponent": field_getter("reportingComponent"),
    "source": field_getter("source", "component"), "type": field_getter("type"),
}

COLUMNS = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]


def row(ev: dict, now_ms: int, wide: bool = False) -> list[str]:
    """kubectl get events: LAST SEEN TYPE REASON OBJECT MESSAGE."""
    inv = ev.get("involvedObject") or {}
    last = ev.get("lastTimestamp") or ev.get("eventTime") or (ev.get("metadata") or {}).get("creationTimestamp")
    obj = f"{(inv.get('kind') or '').lower()}/{inv.get('name', '')}"
    return [age(last, now_ms), ev.get("type", ""), ev.get("reason", ""), obj, (ev.get("message") or "").strip()]



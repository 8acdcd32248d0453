"""The Secret (v1) registry module.

The kind's strategy parts (defaults, validation, update rules, the controllers' hooks) are added here by others;
for now it holds the kind's printing: the columns and cells the 1.32 API server's Table has for
``kubectl get secrets``.
"""

from __future__ import annotations

from minikctl.kube.fields import field_getter
from minikctl.api.registry import cells

# secretColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "TYPE", "DATA", "AGE"]
WIDE_COLUMNS: list[str] = []


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printSecret (v1.32 printers.go): TYPE as stored (the server defaults it to Opaque), DATA the number of keys
    of data (stringData is merged into data on write and never stored)."""
    return [cells.name(obj), str(obj.get("type") or ""), str(len(obj.get("data") or {})), cells.age(obj, now_ms)]

# SelectableFields (pkg/registry/core/secret/strategy.go)
FIELDS = {"metadata.name": field_getter("metadata", "name"), "metadata.namespace": field_getter("metadata", "namespace"),
          "type": field_getter("type")}

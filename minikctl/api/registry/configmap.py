"""The ConfigMap (v1) registry module.

The kind's strategy parts (defaults, validation, update rules, the controllers' hooks) are added here by others;
for now it holds the kind's printing: the columns and cells the 1.32 API server's Table has for
``kubectl get configmaps``.
"""

from __future__ import annotations

from minikctl.api.registry import cells

# configMapColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "DATA", "AGE"]
WIDE_COLUMNS: list[str] = []


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printConfigMap (v1.32 printers.go): DATA counts the keys of data and binaryData together."""
    data = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
    return [cells.name(obj), str(data), cells.age(obj, now_ms)]

"""The ServiceAccount (v1) registry module.

The kind's strategy parts (defaults, validation, update rules, the controllers' hooks) are added here by others;
for now it holds the kind's printing: the columns and cells the 1.32 API server's Table has for
``kubectl get serviceaccounts``.
"""

from __future__ import annotations

from minikctl.api.registry import cells

# serviceAccountColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "SECRETS", "AGE"]
WIDE_COLUMNS: list[str] = []


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printServiceAccount (v1.32 printers.go): SECRETS is the number of .secrets references (imagePullSecrets are
    not counted)."""
    return [cells.name(obj), str(len(obj.get("secrets") or [])), cells.age(obj, now_ms)]

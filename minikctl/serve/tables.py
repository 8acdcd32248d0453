"""``as=Table`` (meta.k8s.io/v1 Table): the server-side printing of ``kubectl get``, from the registry modules'
COLUMNS, WIDE_COLUMNS and row() — the cells ``minikctl get`` prints. Wide columns have priority 1, so kubectl
shows them with ``-o wide`` only."""

from __future__ import annotations

from minikctl.api import registry
from minikctl.kube.kinds import Resource


_ACRONYMS = {"IP", "IPS", "CPU", "URL", "TTL", "PVC", "UID", "QOS"}


def _title(header: str) -> str:
    """The column name printers.go uses (kubectl prints it upper-cased): ``Nominated Node``, ``IP``."""
    return " ".join(w if w in _ACRONYMS else w.capitalize() for w in header.split(" "))


def column_definitions(res: Resource) -> list[dict]:
    strat = registry.strategy(res)
    cols = []
    for i, h in enumerate(strat.COLUMNS):
        cols.append({"name": _title(h), "type": "string", "format": "name" if i == 0 and h == "NAME" else "",
                     "description": "", "priority": 0})
    for h in strat.WIDE_COLUMNS:
        cols.append({"name": _title(h), "type": "string", "format": "", "description": "", "priority": 1})
    return cols


def partial_metadata(obj: dict) -> dict:
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj.get("metadata") or {}}


def row(res: Resource, obj: dict, now_ms: int, include: str) -> dict:
    strat = registry.strategy(res)
    cells = strat.row(obj, now_ms, bool(strat.WIDE_COLUMNS))
    r: dict = {"cells": cells}
    if include == "Object":
        r["object"] = obj
    elif include != "None":
        r["object"] = partial_metadata(obj)
    return r


def table(res: Resource, objs: list[dict], now_ms: int, include: str, list_meta: dict | None = None,
          headers: bool = True) -> dict:
    out: dict = {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": list_meta or {},
                 "columnDefinitions": column_definitions(res) if headers else None,
                 "rows": [row(res, o, now_ms, include) for o in objs]}
    return out

"""The printed row of an object as the store keeps it beside the object (store/rows.py), computed by its kind's
registry module: ``row(obj, now, wide)`` (the server-side table of ``pkg/printers/internalversion/printers.go``)
and its selectable fields (``GetAttrs``).

The row is computed with ``kube.timefmt.Later`` for now: its time-dependent parts become placeholders that a
read formats at its own now (``fill_times``). A kind whose reads answer something else than the stored object
(``present``), or whose row function uses now in any other way, keeps no row: a listing computes it from the
object, as before.
"""

from __future__ import annotations

from minikctl.api import registry
from minikctl.kube import jsontext
from minikctl.kube.kinds import for_kind
from minikctl.kube.timefmt import Later
from minikctl.store import rows

# labels and selectable fields of a decoded object: never a cycle, so no circular-reference check (same bytes)
_dumps = jsontext.encoder()  # json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode
_LATER = Later()
_KINDS: dict = {}  # (apiVersion, kind) -> (strategy, selectable fields without aliases) or None


def _strategy(obj: dict):
    key = (obj.get("apiVersion"), obj.get("kind"))
    found = _KINDS.get(key, False)
    if found is False:
        res = for_kind(key[0] or "", key[1] or "")
        strat = registry.strategy(res) if res is not None else None
        if strat is None or strat.present is not None:
            found = None
        else:
            # name and namespace are the store's columns; an alias reads as the field it names
            found = (strat, {f: get for f, get in strat.FIELDS.items()
                             if f not in ("metadata.name", "metadata.namespace") and not getattr(get, "alias_of", None)})
        _KINDS[key] = found
    return found


def keeps_rows(res) -> bool:
    """Whether the store keeps the printed rows of ``res``'s objects (events live in a table of their own)."""
    return res.kind != "Event" and registry.strategy(res).present is None


def printed(obj: dict) -> tuple[str, str | None, str | None] | None:
    """(cells, labels, fields) as JSON texts, or None when the object's row is computed on read."""
    found = _strategy(obj)
    if found is None:
        return None
    strat, fields = found
    try:
        wide = strat.row(obj, _LATER, True)
        if strat.WIDE_ORDER is None:  # the wide columns follow the others: the normal row is its head
            cells = [wide[:len(strat.COLUMNS)], wide]
        else:
            cells = [strat.row(obj, _LATER, False), wide]
        values = {f: v for f, get in fields.items() if (v := get(obj))}
        if cells[1] == cells[0]:
            del cells[1]  # no wide columns: one row serves both
    except (TypeError, AttributeError, ValueError, KeyError, IndexError):
        return None  # a row that reads now otherwise (or an odd object): computed from the object when listed
    if not all(type(c) is str for row in cells for c in row):
        return None
    packed = rows.pack(cells)
    if packed is None:
        return None
    labels = (obj.get("metadata") or {}).get("labels")
    return packed, _dumps(labels) if labels and isinstance(labels, dict) else None, _dumps(values) if values else None


rows.register(printed)

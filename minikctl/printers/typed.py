"""``-o json`` of an object kubectl holds as a typed Go struct (the objects ``set``, ``rollout`` and
``create deployment`` print): encoding/json writes a struct's fields in declaration order, embedded (inline)
structs in place, maps with sorted keys. The field orders of the 1.32 types are data (typed_fields.json, generated
by tools/gen_gotypes.py from k8s.io/api and k8s.io/apimachinery v0.32.4); a field the table does not know goes
after the known ones, in key order.
"""

from __future__ import annotations

import json
import os

_DATA: dict | None = None
_FLAT: dict[str, list] = {}


def _data() -> dict:
    global _DATA
    if _DATA is None:
        with open(os.path.join(os.path.dirname(__file__), "typed_fields.json"), encoding="utf-8") as fh:
            _DATA = json.load(fh)
    return _DATA


def _fields(t: str) -> list | None:
    """A struct's JSON fields in order, embedded structs' fields in their place; None for a type that is not a
    struct of the table."""
    found = _FLAT.get(t)
    if found is None:
        raw = _data()["structs"].get(t)
        if raw is None:
            return None
        found = []
        for jname, ft in raw:
            if jname == "":
                found += _fields(ft.lstrip("*")) or []
            else:
                found.append((jname, ft))
        _FLAT[t] = found
    return found


def _sorted(v):
    if isinstance(v, dict):
        return {k: _sorted(v[k]) for k in sorted(v)}
    if isinstance(v, list):
        return [_sorted(x) for x in v]
    return v


def _order(v, t: str):
    t = t.lstrip("*")
    if isinstance(v, list):
        return [_order(x, t[2:] if t.startswith("[]") else "") for x in v]
    if not isinstance(v, dict):
        return v
    if t.startswith("map["):
        depth, j = 1, 4
        while depth:
            depth += {"[": 1, "]": -1}.get(t[j], 0)
            j += 1
        return {k: _order(v[k], t[j:]) for k in sorted(v)}
    fields = _fields(t)
    if fields is None:
        return _sorted(v)
    out = {}
    for jname, ft in fields:
        if jname in v:
            out[jname] = _order(v[jname], ft)
    for k in sorted(v):
        if k not in out:
            out[k] = _sorted(v[k])
    return out


def typed_order(obj: dict) -> dict:
    """``obj`` with its keys in the order kubectl's typed struct prints them."""
    root = _data()["roots"].get(obj.get("kind", ""))
    return _order(obj, root) if root else _sorted(obj)


def typed_json(obj: dict) -> str:
    """json.MarshalIndent(obj, "", "    ") of the typed object, newline-terminated (kubectl's JSONPrinter)."""
    from minikctl.kube import gofmt

    from minikctl.printers.serialize import without_managed_fields

    # kubectl's JSON printer sits behind OmitManagedFieldsPrinter (PrintFlags: --show-managed-fields is get's only)
    return gofmt.json_marshal(typed_order(without_managed_fields(obj)), "    ", typed=True) + "\n"


def _fill(v, t: str):
    """``v`` with the struct fields encoding/json always writes: a struct-typed field that is not a pointer has no
    empty value for ``omitempty`` (``resources: {}``, ``status: {}``), a zero metav1.Time is ``null``."""
    if t.startswith("*"):
        t = t[1:]
    if isinstance(v, list):
        return [_fill(x, t[2:]) for x in v] if t.startswith("[]") else v
    if not isinstance(v, dict) or t.startswith("map["):
        return v
    fields = _fields(t)
    if not fields:
        return v
    out = dict(v)
    for jname, ft in fields:
        if jname in out:
            out[jname] = _fill(out[jname], ft)
        elif ft == "meta.Time":
            out[jname] = None
        elif not ft.startswith(("*", "[]", "map[")) and _fields(ft):
            out[jname] = _fill({}, ft)
    return out


def typed_roundtrip(obj: dict) -> dict:
    """``obj`` as kubectl prints it after decoding it into its Go type and encoding it again (a typed builder's
    objects read from a file: ``set ... --local -o yaml``): ``creationTimestamp: null``, ``status: {}``,
    ``resources: {}`` and the like appear. Kinds without a typed table are returned as they are."""
    root = _data()["roots"].get(obj.get("kind", ""))
    return _fill(obj, root) if root else obj

"""Selectable fields (``fields.Set`` of an object, as a kind's ``GetAttrs`` builds it): getters by path.

Kept apart from ``selectors.py`` so that a kind's table of fields costs nothing to import."""

from __future__ import annotations


def _dig(obj, path: tuple[str, ...]):
    cur = obj
    for p in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(p)
    return cur


def field_getter(*path: str):
    """The getter of a selectable field: the string at ``path`` ("" when absent), as fields.Set holds it."""
    def get(obj: dict) -> str:
        v = _dig(obj, path)
        return "" if v is None else str(v)

    get.__name__ = "get_" + "_".join(path)
    return get


def field_alias(name: str, getter):
    """A selectable field that is another's old name (the server converts it: ``spec.host`` -> ``spec.nodeName``)."""
    def get(obj: dict) -> str:
        return getter(obj)

    get.alias_of = name  # type: ignore[attr-defined]
    return get

"""The part of JSON Schema (draft 2020-12) that the update rules' schemas use (api/updates.py), evaluated
without a schema library: ``patch``, ``label``, ``annotate`` and ``set image`` check an update against the old
object's rules on every call, and importing jsonschema cost more than the rest of such a command.

``iter_errors(schema, instance)`` yields one ``Failure`` per failing keyword, as
``jsonschema.Draft202012Validator(schema).iter_errors(instance)`` yields its errors: ``schema`` is the
(sub)schema holding the keyword, ``absolute_path`` where in the instance it failed. The keywords' meanings are
the specification's (https://json-schema.org/draft/2020-12/json-schema-validation): a keyword that does not
apply to the instance's type passes; ``const`` and ``enum`` compare as JSON values (``true`` is not ``1``,
``1.0`` is ``1``). A keyword outside the subset raises ValueError (a rule written with one must add it here).
"""

from __future__ import annotations

import re

_IGNORED = frozenset(("$schema", "x-minikctl", "minContains", "maxContains", "title", "description"))


class Failure:
    __slots__ = ("schema", "absolute_path", "keyword")
    context = ()

    def __init__(self, schema: dict, path: tuple, keyword: str) -> None:
        self.schema = schema
        self.absolute_path = list(path)
        self.keyword = keyword


def _is_number(v) -> bool:
    return (type(v) is int or type(v) is float) and type(v) is not bool


def _is_type(v, name: str) -> bool:
    if name == "object":
        return isinstance(v, dict)
    if name == "array":
        return isinstance(v, list)
    if name == "string":
        return isinstance(v, str)
    if name == "integer":
        return type(v) is int or (type(v) is float and v.is_integer())
    if name == "number":
        return _is_number(v)
    if name == "boolean":
        return type(v) is bool
    if name == "null":
        return v is None
    raise ValueError(f"unknown type {name!r}")


def equal(a, b) -> bool:
    """JSON equality: booleans are not numbers, 1 equals 1.0, objects and arrays compare member by member."""
    if type(a) is bool or type(b) is bool:
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    if _is_number(a) and _is_number(b):
        return a == b
    return type(a) is type(b) and a == b


def is_valid(schema: dict, instance) -> bool:
    for _ in iter_errors(schema, instance):
        return False
    return True


def iter_errors(schema: dict, instance, path: tuple = ()):
    for key, value in schema.items():
        if key in _IGNORED or key.startswith("x-"):
            continue
        check = _KEYWORDS.get(key)
        if check is None:
            raise ValueError(f"schema keyword {key!r} is not evaluated here")
        yield from check(value, instance, schema, path)


def _type(value, instance, schema, path):
    names = [value] if isinstance(value, str) else value
    if not any(_is_type(instance, n) for n in names):
        yield Failure(schema, path, "type")


def _properties(value, instance, schema, path):
    if isinstance(instance, dict):
        for name, sub in value.items():
            if name in instance:
                yield from iter_errors(sub, instance[name], path + (name,))


def _required(value, instance, schema, path):
    if isinstance(instance, dict):
        for name in value:
            if name not in instance:  # one failure per missing member
                yield Failure(schema, path, "required")


def _additional(value, instance, schema, path):
    if not isinstance(instance, dict):
        return
    known = schema.get("properties") or {}
    extra = [k for k in instance if k not in known]
    if value is False:
        if extra:
            yield Failure(schema, path, "additionalProperties")
    elif isinstance(value, dict):
        for k in extra:
            yield from iter_errors(value, instance[k], path + (k,))
    elif value is not True:
        raise ValueError("additionalProperties must be a boolean or a schema")


def _const(value, instance, schema, path):
    if not equal(instance, value):
        yield Failure(schema, path, "const")


def _enum(value, instance, schema, path):
    if not any(equal(instance, v) for v in value):
        yield Failure(schema, path, "enum")


def _not(value, instance, schema, path):
    if is_valid(value, instance):
        yield Failure(schema, path, "not")


def _minimum(value, instance, schema, path):
    if _is_number(instance) and instance < value:
        yield Failure(schema, path, "minimum")


def _maximum(value, instance, schema, path):
    if _is_number(instance) and instance > value:
        yield Failure(schema, path, "maximum")


def _min_length(value, instance, schema, path):
    if isinstance(instance, str) and len(instance) < value:
        yield Failure(schema, path, "minLength")


_PATTERNS: dict[str, re.Pattern] = {}


def _pattern(value, instance, schema, path):
    if isinstance(instance, str):
        rx = _PATTERNS.get(value)
        if rx is None:
            rx = _PATTERNS[value] = re.compile(value)
        if not rx.search(instance):
            yield Failure(schema, path, "pattern")


def _all_of(value, instance, schema, path):
    for sub in value:
        yield from iter_errors(sub, instance, path)


def _items(value, instance, schema, path):
    if isinstance(instance, list):
        start = len(schema.get("prefixItems") or ())
        for i in range(start, len(instance)):
            yield from iter_errors(value, instance[i], path + (i,))


def _prefix_items(value, instance, schema, path):
    if isinstance(instance, list):
        for i, (sub, item) in enumerate(zip(value, instance)):
            yield from iter_errors(sub, item, path + (i,))


def _min_items(value, instance, schema, path):
    if isinstance(instance, list) and len(instance) < value:
        yield Failure(schema, path, "minItems")


def _max_items(value, instance, schema, path):
    if isinstance(instance, list) and len(instance) > value:
        yield Failure(schema, path, "maxItems")


def _contains(value, instance, schema, path):
    """``contains`` with its ``minContains`` (default 1) and ``maxContains`` bounds: one failure."""
    if not isinstance(instance, list):
        return
    low = schema.get("minContains", 1)
    high = schema.get("maxContains")
    matches = sum(1 for item in instance if is_valid(value, item))
    if matches < low or (high is not None and matches > high):
        yield Failure(schema, path, "contains")


_KEYWORDS = {
    "type": _type, "properties": _properties, "required": _required, "additionalProperties": _additional,
    "const": _const, "enum": _enum, "not": _not, "minimum": _minimum, "maximum": _maximum,
    "minLength": _min_length, "pattern": _pattern, "allOf": _all_of, "items": _items, "prefixItems": _prefix_items,
    "minItems": _min_items, "maxItems": _max_items, "contains": _contains,
}

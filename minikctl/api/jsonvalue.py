"""JSON values as kubectl and the API server decode them, without the manifest decoder (api/manifests.py):
``kubectl patch -p '{...}'`` reads its patch here, and a JSON patch needs none of the YAML machinery (whose
import costs ~4 ms of a command). encoding/json's rules: numbers beyond int64 become float64, numbers beyond
float64 are refused, NaN and Infinity are not JSON, a lone UTF-16 surrogate escape decodes to U+FFFD; nesting is
bounded (``MAX_DEPTH``). api/manifests.py uses the same functions for its JSON documents."""

from __future__ import annotations

import json
import re

from minikctl.kube.errors import ClientError
from minikctl.kube.lazyre import Lazy

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

MAX_DEPTH = 1000  # nesting levels in one document
_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


class _Fail(Exception):
    """A decoding failure; ``msg`` is the text after ``error parsing <source>: ``."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg

_SURROGATE = Lazy("[\ud800-\udfff]")  # only for a document with surrogate escapes
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\\U0000[dD][89a-fA-F][0-9a-fA-F]{2}")

def _replace_surrogates(value: Any) -> Any:
    """encoding/json's decoding of a lone ``\\uD800`` escape: U+FFFD (pairs were already combined)."""
    def fix(s: str) -> str:
        return _SURROGATE.sub("\ufffd", s)

    if isinstance(value, str):
        return fix(value)
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            items = list(node.items())
            if any(_SURROGATE.search(k) for k, _ in items):
                node.clear()
                node.update((fix(k), v) for k, v in items)
                items = list(node.items())
            for k, v in items:
                if isinstance(v, str):
                    node[k] = fix(v)
                elif isinstance(v, (dict, list)):
                    stack.append(v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, str):
                    node[i] = fix(v)
                elif isinstance(v, (dict, list)):
                    stack.append(v)
    return value


class _NumberRange(ValueError):
    """A JSON number outside float64's range: encoding/json refuses it when decoding into interface{}."""

    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


_INF = float("inf")


def _json_float(text: str) -> float:
    f = float(text)
    if f in (_INF, -_INF):
        raise _NumberRange(text)
    return f


def _json_int(text: str) -> Any:
    if len(text) <= 19:
        return int(text)
    return _json_float(text)  # beyond int64 anyway: a float, or out of range (never a 5,000-digit int)

def _number_range_message(literal: str) -> str:
    return f"json: cannot unmarshal number {literal} into Go value of type float64"


def _normalize_json_numbers(obj: Any, depth_limit: int = MAX_DEPTH) -> Any:
    """Post-process a json.loads result: out-of-int64 ints become floats; depth check."""
    stack = [(obj, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > depth_limit:
            raise _Fail(f"json: exceeded max depth of {depth_limit}")
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, (dict, list)):
                    stack.append((v, depth + 1))
                elif isinstance(v, int) and not isinstance(v, bool) and not (_INT64_MIN <= v <= _INT64_MAX):
                    node[k] = float(v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, (dict, list)):
                    stack.append((v, depth + 1))
                elif isinstance(v, int) and not isinstance(v, bool) and not (_INT64_MIN <= v <= _INT64_MAX):
                    node[i] = float(v)
    return obj

class PatchNumberError(ClientError):
    """A number in a patch that the server's JSON decoder refuses (out of float64's range); the caller
    words it as the server does for its patch type."""


class _BadConstant(ValueError):
    """NaN / Infinity, which Python's json accepts and Go's does not."""


def _reject_constant(name: str) -> Any:
    raise _BadConstant(name)


def is_json(text: str) -> bool:
    """Like kubectl (sigs.k8s.io/yaml ToJSON), a ``patch -p`` argument starting with ``{`` is JSON as it is;
    anything else is YAML (api/manifests.py ``parse_value`` reads both)."""
    return text.lstrip()[:1] == "{"


def parse_json_value(text: str) -> Any:
    """A JSON ``kubectl patch -p`` argument (``is_json``): any JSON value, the caller checks the type. Errors:
    ``invalid JSON document``; a number out of float64's range is ``PatchNumberError``."""
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_json_float, parse_int=_json_int)
        value = _normalize_json_numbers(value)
    except _NumberRange as exc:
        raise PatchNumberError(_number_range_message(exc.literal)) from None
    except (json.JSONDecodeError, _BadConstant, RecursionError, _Fail):
        raise ClientError("invalid JSON document") from None
    return _replace_surrogates(value) if _SURROGATE_ESCAPE.search(text) else value

"""``kubectl get --sort-by`` (kubectl ``pkg/cmd/get/sorter.go``).

The expression is relaxed JSONPath; each object is keyed by the *first* value the path finds.
Objects without a value sort first; numbers compare numerically, strings with kubectl's natural
order (``sortorder.NaturalLess``: digit runs compare as numbers) unless both parse as resource
quantities (then by value) or both as RFC 3339 timestamps (then chronologically).  kubectl uses
Go's unstable ``sort.Sort``; this sort is stable so equal keys keep their input order.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from minikctl.kube import gofmt
from minikctl.kube.errors import ClientError, go_quote
from minikctl.printers.jsonpath import JSONPath, JSONPathError, relaxed

__all__ = ["sort_objects", "natural_less", "compare_values", "SortFieldNotFound"]


class SortFieldNotFound(ClientError):
    """No object has the field.  (kubectl 1.32 swallows this and prints ``No resources found ...``.)"""


_MISSING = object()


def natural_less(a: str, b: str) -> bool:
    """github.com/fvbommel/sortorder ``NaturalLess`` (bytewise, digit runs compared numerically)."""
    s1 = a.encode("utf-8")
    s2 = b.encode("utf-8")
    i = j = 0
    n1, n2 = len(s1), len(s2)
    while i < n1 and j < n2:
        c1, c2 = s1[i], s2[j]
        d1, d2 = 48 <= c1 <= 57, 48 <= c2 <= 57
        if d1 != d2:
            return d1
        if not d1:
            if c1 != c2:
                return c1 < c2
            i += 1
            j += 1
            continue
        while i < n1 and s1[i] == 48:
            i += 1
        while j < n2 and s2[j] == 48:
            j += 1
        nz1, nz2 = i, j
        while i < n1 and 48 <= s1[i] <= 57:
            i += 1
        while j < n2 and 48 <= s2[j] <= 57:
            j += 1
        len1, len2 = i - nz1, j - nz2
        if len1 != len2:
            return len1 < len2
        r1, r2 = s1[nz1:i], s2[nz2:j]
        if r1 != r2:
            return r1 < r2
        if nz1 != nz2:
            return nz1 < nz2
    return n1 < n2


_BIG_EXPONENT = re.compile(r"[eE][-+]?0*[0-9]{4,}$")


def _quantity(s: str) -> Any:
    # Huge decimal exponents ("1e99999999") are not worth an exact big-number expansion.
    if len(s) > 64 or _BIG_EXPONENT.search(s):
        return None
    try:
        from minikctl.kube.quantity import parse_quantity
    except ImportError:  # pragma: no cover - the module ships with minikctl
        return None
    try:
        return parse_quantity(s)
    except (ValueError, TypeError, ArithmeticError):
        return None


def _timestamp(s: str) -> Any:
    if len(s) < 20 or s[4:5] != "-" or s[10:11] not in ("T", "t"):
        return None
    from minikctl.kube.timefmt import parse_rfc3339

    try:
        return parse_rfc3339(s)
    except ValueError:
        return None


def _rank(v: Any) -> int:
    if v is None:
        return 0
    if isinstance(v, bool):
        return 1
    if isinstance(v, (int, float)):
        return 2
    if isinstance(v, str):
        return 3
    if isinstance(v, (list, tuple)):
        return 4
    return 5


def _less(a: Any, b: Any) -> bool:
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return ra < rb
    if ra == 0:
        return False
    if ra in (1, 2):
        return a < b
    if ra == 3:
        if a == b:
            return False
        ta, tb = _timestamp(a), _timestamp(b)
        if ta is not None and tb is not None and ta != tb:
            return ta < tb
        qa = _quantity(a)
        if qa is not None:
            qb = _quantity(b)
            if qb is not None:
                if qa != qb:
                    return qa < qb
                return natural_less(a, b)
        return natural_less(a, b)
    if ra == 4:
        for x, y in zip(a, b):
            if _less(x, y):
                return True
            if _less(y, x):
                return False
        return len(a) < len(b)
    return gofmt.json_marshal(a, lenient=True) < gofmt.json_marshal(b, lenient=True)


def compare_values(a: Any, b: Any) -> int:
    """-1/0/1 ordering of two sort keys as ``--sort-by`` compares them."""
    if _less(a, b):
        return -1
    if _less(b, a):
        return 1
    return 0


def _first_value(parser: JSONPath, field: str, obj: Any) -> Any:
    try:
        values = parser.find_results(obj, allow_missing_keys=True)
    except JSONPathError as e:
        raise ClientError(
            f"Failed to get values for [][]reflect.Value(nil) using {field} "
            f"(&errors.errorString{{s:{go_quote(e.raw)}}})"
        ) from None
    if len(values) == 0 or len(values[0]) == 0:
        return _MISSING
    return values[0][0]


def _sort_keys(objs: list[Any], expr: str) -> list[Any]:
    """The value each object sorts by (``_MISSING`` when the path finds nothing)."""
    field = relaxed(expr)
    try:
        parser = JSONPath(field)
    except JSONPathError as e:
        raise ClientError(e.raw) from None
    return [(_first_value(parser, field, o)) for o in objs]


def sort_objects(objs: list[Any], expr: str) -> list[Any]:
    """Sort objects ascending by the first value of the (relaxed) JSONPath ``expr``.

    Raises ``ClientError`` for a bad expression and ``SortFieldNotFound``
    (``couldn't find any field with path "{.x}" in the list of objects``) when no object has it.
    """
    if not objs:
        return []
    field = relaxed(expr)
    keys = _sort_keys(objs, expr)
    if all(k is _MISSING for k in keys):
        raise SortFieldNotFound(f'couldn\'t find any field with path "{field}" in the list of objects')

    def cmp(x: tuple[int, Any], y: tuple[int, Any]) -> int:
        kx, ky = x[1], y[1]
        if kx is _MISSING and ky is _MISSING:
            return 0
        if kx is _MISSING:
            return -1
        if ky is _MISSING:
            return 1
        return compare_values(kx, ky)

    order = sorted(enumerate(keys), key=functools.cmp_to_key(cmp))
    return [objs[i] for i, _ in order]

"""``kubectl get --sort-by`` (kubectl 1.32 ``pkg/cmd/get/sorter.go``).

The expression is relaxed JSONPath; each object is keyed by the *first* value the path finds in it. kubectl
reads objects as unstructured JSON, so ``isLess`` compares interface values (``reflect.Interface``):

* a missing value (the path finds nothing) is less than anything, even another missing value (``Less``
  returns true as soon as the left one is missing): objects without the field are reordered among themselves;
* JSON null is less than any value, and not less than another null;
* two integers (int64) or two floats (float64) compare as numbers;
* two strings compare as resource quantities when both parse as one (``1Gi`` > ``500Mi``), else byte by byte
  (natural ordering was removed, kubernetes/kubernetes#124514: ``a10`` < ``a9``; RFC 3339 times order as text);
* anything else (booleans, lists, maps, an integer against a float or a string) is unsortable: kubectl exits
  through ``klog.Exitf`` (``Unsortable``).

The sort is Go's ``sort.Sort`` (``gosort.go_sort``), not stable, started from the server's order (namespace,
then name), so ties and missing values come out exactly as kubectl prints them.
"""

from __future__ import annotations

import re
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Any

from minikctl.kube.errors import ClientError
from minikctl.printers.gosort import go_sort
from minikctl.printers.jsonpath import JSONPath, JSONPathError, relaxed

__all__ = ["sort_objects", "sort_keyed", "first_values", "relaxed_or_raw", "is_less", "key_less", "klog_line",
           "SortFieldNotFound", "Unsortable", "MISSING"]


class SortFieldNotFound(ClientError):
    """No object has the field: ``couldn't find any field with path "{.x}" in the list of objects``."""


class Unsortable(ClientError):
    """isLess refused the values: kubectl's ``klog.Exitf("Field %s in %T is an unsortable type: ...")``. ``detail``
    is the text after ``Field``'s ``%T``; the caller prints the klog line (``klog_line``)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class MissingValue:
    """The key of an object the path finds nothing in."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = MissingValue()

_BIG_EXPONENT = re.compile(r"[eE][-+]?0*[0-9]{4,}$")


def _quantity(s: str) -> Any:
    """resource.ParseQuantity, or None when the string is not a quantity. Huge decimal exponents ("1e99999999")
    are taken as no quantity rather than expanded (kubectl would compare them as quantities)."""
    if not s or len(s) > 64 or s != s.strip() or _BIG_EXPONENT.search(s):
        return None
    from minikctl.kube.quantity import parse_quantity

    try:
        return parse_quantity(s)
    except (ValueError, TypeError, ArithmeticError):
        return None


def _go_type(v: Any) -> str:
    """%T of a value of an unstructured object."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "[]interface {}"
    return "map[string]interface {}"


def is_less(a: Any, b: Any) -> bool:
    """sorter.go ``isLess`` for two values of unstructured objects (the ``reflect.Interface`` case)."""
    if a is None or b is None:
        return a is None and b is not None
    if isinstance(a, bool) or isinstance(a, (list, dict)):
        raise Unsortable(f"unsortable type: {_go_type(a)}")
    if isinstance(a, str):
        if isinstance(b, str):
            qa = _quantity(a)
            if qa is not None:
                qb = _quantity(b)
                if qb is not None:
                    return qa < qb
            return a < b  # Python compares code points: the order of the UTF-8 bytes Go compares
    elif isinstance(a, int):
        if isinstance(b, int) and not isinstance(b, bool):
            return a < b
    elif isinstance(a, float):
        if isinstance(b, float):
            return a < b
    raise Unsortable("unsortable interface: interface")


def key_less(x: Any, y: Any) -> bool:
    """RuntimeSort.Less / TableSorter.Less on two keys: a missing left key is less, then a missing right one is not."""
    if x is MISSING:
        return True
    if y is MISSING:
        return False
    return is_less(x, y)


def relaxed_or_raw(expr: str) -> str:
    """The field as kubectl's SortingPrinter and NewRuntimeSorter take it: RelaxedJSONPathExpression, or the
    expression itself when that fails."""
    try:
        return relaxed(expr)
    except ClientError:
        return expr


def first_values(objs: list[Any], field: str) -> list[Any]:
    """The value each object sorts by: the first result of the JSONPath ``field`` (``MISSING`` when none), as
    findJSONPathResults gives them. A template or evaluation error is raised as ClientError with the bare message."""
    try:
        parser = JSONPath(field)
    except JSONPathError as e:
        raise ClientError(e.raw) from None
    keys = []
    for obj in objs:
        try:
            values = parser.find_results(obj, allow_missing_keys=True)
        except JSONPathError as e:
            raise ClientError(e.raw) from None
        keys.append(MISSING if len(values) == 0 or len(values[0]) == 0 else values[0][0])
    return keys


def sort_keyed(items: list[Any], keys: list[Any], field: str) -> list[Any]:
    """``items`` in Go's sort.Sort order of their ``keys``; SortFieldNotFound when every key is missing."""
    if not items:
        return []
    if all(k is MISSING for k in keys):
        raise SortFieldNotFound(f'couldn\'t find any field with path "{field}" in the list of objects')
    pairs = list(zip(keys, items))
    go_sort(pairs, lambda x, y: key_less(x[0], y[0]))
    return [item for _, item in pairs]


def sort_objects(objs: list[Any], expr: str, *, relax: bool = True) -> list[Any]:
    """SortObjects: ``objs`` (in the server's order) sorted by the first value of the relaxed JSONPath ``expr``
    (with ``relax=False``, ``expr`` is the field itself: TableSorter's).

    Raises ClientError for a bad expression or a failing evaluation, SortFieldNotFound when no object has the
    field, Unsortable when kubectl's isLess refuses a pair it compares.
    """
    if not objs:
        return []
    field = relaxed(expr) if relax else expr
    return sort_keyed(objs, first_values(objs, field), field)


def klog_line(now_ms: int, pid: int, line: int, text: str) -> str:
    """A klog FATAL-severity line as ``klog.Exitf`` writes it: ``F`` MMDD hh:mm:ss.uuuuuu, the pid right-aligned in
    7 columns, ``sorter.go:LINE]``. The time is minikctl's virtual clock, in UTC."""
    import datetime as dt

    t = dt.datetime.fromtimestamp(now_ms / 1000, dt.timezone.utc)
    return f"F{t:%m%d %H:%M:%S}.{t.microsecond:06d} {pid:7d} sorter.go:{line}] {text}"

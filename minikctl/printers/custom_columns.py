"""``-o custom-columns=`` and ``-o custom-columns-file=`` (kubectl ``pkg/cmd/get/customcolumn.go``).

This module parses the column specs and computes the cell strings; laying the cells out (the
tabwriter: min width 6, padding 3) is left to the table printer.  Headers are printed as given.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Any, Iterable

from minikctl.kube import gofmt
from minikctl.kube.errors import ClientError
from minikctl.printers.jsonpath import JSONPath, JSONPathError, relaxed

__all__ = ["parse_spec", "parse_file", "headers", "rows", "cell", "escape_terminal"]

_FILE_FORMAT_HINT = "Expected format is one line of space separated headers, one line of space separated column specs."


def parse_spec(spec: str) -> list[tuple[str, str]]:
    """``HEADER:expr,HEADER2:expr2`` -> ``[(header, "{.expr}"), ...]`` (exprs normalised by ``relaxed``)."""
    if len(spec) == 0:
        raise ClientError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        header, sep, expr = part.partition(":")
        if not sep:
            raise ClientError(f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>")
        columns.append((header, relaxed(expr)))
    return columns


def parse_file(text: str) -> list[tuple[str, str]]:
    """A custom-columns template: a line of headers, then a line of expressions, whitespace separated."""
    lines = text.splitlines()
    if len(lines) < 1:
        raise ClientError("invalid template, missing header line. " + _FILE_FORMAT_HINT)
    hdrs = lines[0].split()
    if len(lines) < 2:
        raise ClientError("invalid template, missing spec line. " + _FILE_FORMAT_HINT)
    specs = lines[1].split()
    if len(hdrs) != len(specs):
        raise ClientError(
            f"number of headers ({len(hdrs)}) and field specifications ({len(specs)}) don't match"
        )
    return [(h, relaxed(s)) for h, s in zip(hdrs, specs)]


def headers(columns: list[tuple[str, str]]) -> list[str]:
    return [h for h, _ in columns]


def escape_terminal(s: str) -> str:
    """cli-runtime ``printers.EscapeTerminal``: ESC -> ``^[``, CR -> ``\\r``."""
    return s.replace("\x1b", "^[").replace("\r", "\\r")


def _compile(columns: list[tuple[str, str]]) -> list[JSONPath]:
    parsers = []
    for _, expr in columns:
        try:
            parsers.append(JSONPath(expr))
        except JSONPathError as e:
            # kubectl returns the parser's own error here, without the "error parsing jsonpath" prefix
            raise ClientError(e.raw) from None
    return parsers


def cell(parser: JSONPath, obj: Any) -> str:
    """One cell: ``<none>`` when nothing matched, several values joined by ``,``, each with Go ``%v``."""
    try:
        values = parser.find_results(obj, allow_missing_keys=True)
    except JSONPathError as e:
        raise ClientError(e.raw) from None
    strings = []
    if len(values) == 0 or len(values[0]) == 0:
        strings.append("<none>")
    for group in values:
        for v in group:
            strings.append(escape_terminal(gofmt.sprint(v)))
    return ",".join(strings)


def rows(columns: list[tuple[str, str]], objs: Iterable[Any]) -> list[list[str]]:
    """The cells for each object (no header row)."""
    parsers = _compile(columns)
    return [[cell(p, obj) for p in parsers] for obj in objs]

"""Manifest input: reading ``-f`` sources and decoding YAML / JSON like kubectl.

kubectl reads a file with apimachinery's ``YAMLOrJSONDecoder``: a stream whose
first non-space byte is ``{`` is a JSON stream; anything else is split into
documents on ``---`` lines and each document goes through sigs.k8s.io/yaml
(go-yaml v2, YAML 1.1 resolution), then JSON, then an unstructured object.
This module reproduces the visible results of that chain:

* plain scalars resolve with YAML 1.1 rules (``yes``/``on``/``y`` are booleans,
  timestamps stay strings, no sexagesimal numbers, ``0o17``/``0x1F``/``1e3``
  are numbers);
* non-string mapping keys become strings (``yes:`` -> ``"true"``);
* floats with an integral value become ints (JSON has no float type, and the
  unstructured decoder reads ``1000`` back as an int), ints beyond int64
  become floats;
* errors carry go-yaml's / encoding/json's wording and line numbering.

Decoding uses a small exact parser for the block-style subset that almost all
manifests use, and falls back to ruamel.yaml's (pure Python) event parser with
our own composer for everything else, including every error.  Aliases are
expanded under a node budget (billion-laughs safe); nesting depth and document
size are bounded.
"""

from __future__ import annotations

import glob as _glob
import json
import math
import os
import re
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Any, Callable

from minikctl.api.jsonvalue import (  # noqa: F401  (PatchNumberError: re-exported)
    MAX_DEPTH,
    PatchNumberError,
    _BadConstant,
    _Fail,
    _json_float,
    _json_int,
    _normalize_json_numbers,
    _number_range_message,
    _NumberRange,
    _reject_constant,
    _replace_surrogates,
    _SURROGATE,
    _SURROGATE_ESCAPE,
    is_json,
    parse_json_value,
)
from minikctl.kube import gofmt
from minikctl.kube.errors import ClientError, MultiError, go_quote

def parse_value(text: str) -> Any:
    """A ``kubectl patch -p`` argument: JSON, or YAML (1.1 rules), one document.

    Like kubectl (sigs.k8s.io/yaml ToJSON), text starting with ``{`` is taken as JSON as it is
    (api/jsonvalue.py, which a JSON patch reads without this module); anything else is YAML. Returns any JSON
    value (objects for merge patches, lists for JSON patches); the caller checks the type.
    Errors: ``invalid JSON document`` (bad JSON) and ``unable to parse "<p>": yaml: ...`` (bad YAML).
    """
    if is_json(text):
        return parse_json_value(text)
    try:
        chunks = split_yaml_documents(text)
        return _decode_yaml_document(chunks[0][0]) if chunks else None
    except _Fail as exc:
        msg = exc.msg
        prefix = "error converting YAML to JSON: "
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
        raise ClientError(f"unable to parse {go_quote(text)}: {msg}") from None


__all__ = [
    "read_sources",
    "parse_documents",
    "flatten_lists",
    "parse_value",
    "resolve_plain",
    "split_yaml_documents",
    "FILE_EXTENSIONS",
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "MAX_ALIAS_NODES",
]

FILE_EXTENSIONS = (".json", ".yaml", ".yml")
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024  # one YAML document, or one JSON stream
MAX_SOURCE_BYTES = 64 * 1024 * 1024  # one file / stdin
MAX_ALIAS_NODES = 200_000  # nodes produced by alias expansion, per document
MAX_ALIAS_BYTES = 16 * 1024 * 1024  # scalar bytes produced by alias expansion, per document

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_UINT64_MAX = (1 << 64) - 1


# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------

_GLOB_CHARS = re.compile(r"[*?\[]")


def _read_file(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_SOURCE_BYTES + 1)
    except PermissionError:
        raise ClientError(f"open {path}: permission denied") from None
    except IsADirectoryError:
        raise ClientError(f"read {path}: is a directory") from None
    except OSError as exc:
        raise ClientError(f"open {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise ClientError(f"error reading {path}: file is larger than {MAX_SOURCE_BYTES} bytes")
    return data.decode("utf-8", errors="replace")


def _walk(root: str, recursive: bool) -> list[str]:
    """filepath.Walk order: entries of a directory in lexical order, depth first."""
    out: list[str] = []
    try:
        names = sorted(os.listdir(root))
    except PermissionError:
        raise ClientError(f"open {root}: permission denied") from None
    for name in names:
        p = os.path.join(root, name)
        # filepath.Walk never follows a symbolic link: a link to a directory is an entry like a file (kept only
        # for its extension), so a link back up the tree cannot make the walk go round
        if os.path.isdir(p) and not os.path.islink(p):
            if recursive:
                out.extend(_walk(p, recursive))
            continue
        if os.path.splitext(name)[1] in FILE_EXTENSIONS:
            out.append(p)
    return out


def read_sources(
    paths: list[str],
    recursive: bool = False,
    stdin_text: Callable[[], str] | None = None,
) -> list[tuple[str, str]]:
    """Resolve ``-f`` arguments into ``(source, text)`` pairs, in kubectl's order.

    A file is read whatever its extension; a directory gives the ``.json``,
    ``.yaml`` and ``.yml`` files directly inside it (and, with ``recursive``, in
    its subdirectories), in lexical order; ``-`` is standard input (source name
    ``STDIN``); glob patterns are expanded.  Missing paths are all reported
    before anything is read.
    """
    errors: list[ClientError] = []
    stdin_seen = False
    plan: list[tuple[str, str]] = []  # (kind, path): kind in file/stdin
    found_any = False
    # -f is a pflag string slice: each value is comma-separated (string_slice.go readAsCSV), -f a.yaml,b.yaml
    paths = [part for arg in paths for part in (arg.split(",") if "," in arg else [arg])]
    for arg in paths:
        if arg == "-":
            if stdin_seen:
                errors.append(ClientError("standard input cannot be used for multiple arguments"))
                continue
            stdin_seen = True
            plan.append(("stdin", "STDIN"))
            found_any = True
            continue
        if arg.startswith("http://") or arg.startswith("https://"):  # the bundled kubernetes.io examples only
            from minikctl.api import examples

            try:
                examples.read(arg)
            except ClientError as e:
                errors.append(e)
                continue
            plan.append(("url", arg))
            found_any = True
            continue
        matches = [arg]
        if not os.path.exists(arg) and _GLOB_CHARS.search(arg):
            matches = sorted(_glob.glob(arg)) or [arg]
        this_call: list[tuple[str, str]] = []
        for p in matches:
            if not os.path.exists(p):
                errors.append(ClientError(f'the path "{p}" does not exist'))
                continue
            if os.path.isdir(p):
                this_call.extend(("file", f) for f in _walk(p, recursive))
            else:
                this_call.append(("file", p))
        plan.extend(this_call)
        if this_call:
            found_any = True
        elif not errors and not found_any:
            shown = " ".join(matches)
            errors.append(
                ClientError(f"error reading [{shown}]: recognized file extensions are [.json .yaml .yml]")
            )
    if errors:
        if len(errors) == 1:
            raise errors[0]
        raise MultiError(list(errors))
    out: list[tuple[str, str]] = []
    for kind, p in plan:
        if kind == "stdin":
            text = stdin_text() if stdin_text is not None else ""
            if len(text) > MAX_SOURCE_BYTES:
                raise ClientError(f"error reading STDIN: input is larger than {MAX_SOURCE_BYTES} bytes")
            out.append(("STDIN", text))
        elif kind == "url":
            from minikctl.api import examples

            text, warning = examples.read(p)
            if warning:
                import sys

                sys.stderr.write(warning + "\n")
            out.append((p, text))
        else:
            out.append((p, _read_file(p)))
    return out


# ---------------------------------------------------------------------------
# YAML 1.1 scalar resolution (go-yaml v2 resolve())
# ---------------------------------------------------------------------------

_BOOL_NULL = {
    **{s: True for s in ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")},
    **{s: False for s in ("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")},
    **{s: None for s in ("", "~", "null", "Null", "NULL")},
    **{s: math.nan for s in (".nan", ".NaN", ".NAN")},
    **{s: math.inf for s in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")},
    **{s: -math.inf for s in ("-.inf", "-.Inf", "-.INF")},
}
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?\Z")
_DEC = re.compile(r"[0-9]+\Z")
_TS_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_TS_TIME = re.compile(r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\.[0-9]+)?")
_TS_ZONE = re.compile(r"(Z|[-+][0-9]{2}:[0-9]{2})\Z")
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_SIMPLE_STR = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*\Z")


def _is_timestamp(s: str) -> bool:
    m = _TS_DATE.match(s)
    if not m:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12 or day < 1:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    mdays = (29 if leap else 28) if month == 2 else _MONTH_DAYS[month - 1]
    if day > mdays:
        return False
    rest = s[m.end():]
    if not rest:
        return True
    sep = rest[0]
    if sep not in "Tt ":
        return False
    rest = rest.lstrip(" ") if sep == " " else rest[1:]
    t = _TS_TIME.match(rest)
    if not t or int(t.group(1)) > 23 or int(t.group(2)) > 59 or int(t.group(3)) > 59:
        return False
    tail = rest[t.end():]
    if sep == " ":
        return tail == ""
    z = _TS_ZONE.match(tail)
    return bool(z)


def _go_parse_int(s: str) -> int | None:
    """strconv.ParseInt(s, 0, 64), falling back to ParseUint (underscores removed)."""
    neg = s[:1] == "-"
    body = s[1:] if s[:1] in "+-" else s
    if not body:
        return None
    low = body[:2].lower()
    if len(body) > 72:  # longer than any uint64 in any base (with underscores gone): out of range
        return None
    try:
        if low in ("0x", "0b", "0o"):
            digits = body[2:]
            base = {"0x": 16, "0b": 2, "0o": 8}[low]
            if not digits or digits[0] in "+-":
                return None
            v = int(digits, base)
        elif body[0] == "0" and len(body) > 1:
            if not re.fullmatch(r"[0-7]+", body[1:]):
                return None
            v = int(body[1:], 8)
        else:
            if not _DEC.match(body):
                return None
            v = int(body)
    except ValueError:
        return None
    if neg:
        v = -v
        return v if v >= _INT64_MIN else None
    return v if v <= _UINT64_MAX else None


def _go_parse_float(text: str, original: str) -> Any:
    """strconv.ParseFloat(text, 64) as go-yaml uses it: a value out of float64's range (ErrRange, e.g.
    ``1e999999`` or a 5,000-digit number) is no float, so the scalar stays the string it was."""
    f = float(text)
    if math.isinf(f):
        return original
    return f


def resolve_plain(s: str) -> Any:
    """The value go-yaml v2 gives an unquoted scalar (timestamps stay strings)."""
    if _SIMPLE_STR.match(s) and s not in _BOOL_NULL:
        return s
    if s in _BOOL_NULL:
        return _BOOL_NULL[s]
    c = s[0]
    if c == ".":
        if _DOT_FLOAT.match(s):
            return _go_parse_float(s, s)
        return s
    if c in "+-0123456789":
        if _is_timestamp(s):
            return s
        plain = s.replace("_", "")
        v = _go_parse_int(plain)
        if v is not None:
            return v
        if _YAML_STYLE_FLOAT.match(plain):
            return _go_parse_float(plain, s)
        if plain.startswith("0b") or plain.startswith("-0b"):
            b = plain[2:] if plain[0] == "0" else plain[3:]
            if b and re.fullmatch(r"[01]+", b):
                v = int(b, 2)
                return -v if plain[0] == "-" else v
        return s
    return s


# ---------------------------------------------------------------------------
# YAML -> JSON value conversion (sigs.k8s.io/yaml + unstructured)
# ---------------------------------------------------------------------------


class _Bail(Exception):
    """The fast parser met something outside its subset."""


def _go_float_g(f: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 32) with go-yaml's inf/nan names (map keys)."""
    text = gofmt.format_float(f, bits=32)
    if text == "NaN":
        return ".nan"
    if text in ("+Inf", "-Inf"):
        return ".inf" if f > 0 else "-.inf"
    return text


def _key_string(k: Any, v: Any) -> str:
    if isinstance(k, str):
        return k
    if k is True:
        return "true"
    if k is False:
        return "false"
    if isinstance(k, int):
        return str(k)
    if isinstance(k, float):
        return _go_float_g(k)
    if k is None:
        raise _Fail(
            "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), "
            f"key: <nil>, value: {_go_plus_v(v)}"
        )
    raise _Fail(f"error converting YAML to JSON: yaml: invalid map key: {_go_plus_v(k)}")


def _go_plus_v(v: Any) -> str:
    """A rough rendering of Go's %+#v for error texts."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        return "[]interface {}{" + ", ".join(_go_plus_v(x) for x in v) + "}"
    if isinstance(v, dict):
        return "map[interface {}]interface {}{" + ", ".join(
            f"{_go_plus_v(k)}:{_go_plus_v(x)}" for k, x in v.items()) + "}"
    return str(v)


def _to_json_number(v: Any) -> Any:
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise _Fail(f"error converting YAML to JSON: json: unsupported value: {gofmt.format_float(v)}")
        if v.is_integer() and abs(v) < 1e21:
            iv = int(v)
            if _INT64_MIN <= iv <= _INT64_MAX:
                return iv
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        if _INT64_MIN <= v <= _INT64_MAX:
            return v
        return float(v)
    return v


def _has_surrogates(value: Any) -> bool:
    """Whether any string (or key) in a decoded value holds a UTF-16 surrogate (iteratively)."""
    stack = [value]
    search = _SURROGATE.search
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if search(node):
                return True
        elif isinstance(node, dict):
            for k, v in node.items():
                if search(k):
                    return True
                stack.append(v)
        elif isinstance(node, list):
            stack.extend(node)
    return False


class _DecodeFail(_Fail):
    """A decoding (not parsing) failure: kubectl's ``unable to decode "<source>": ...``."""


# ---------------------------------------------------------------------------
# Document splitting (apimachinery YAMLReader)
# ---------------------------------------------------------------------------


def split_yaml_documents(text: str) -> list[tuple[str, int]]:
    """Split on lines starting with ``---`` (only spaces or a comment may follow).

    Returns (document text, first line number) pairs; the line number is
    1-based in the whole text.  Raises _Fail on a bad separator.
    """
    docs: list[tuple[str, int]] = []
    buf: list[str] = []
    start = 1
    lineno = 0
    for line in text.splitlines(keepends=True):
        lineno += 1
        if line.startswith("---"):
            trimmed = line[3:].strip()
            if trimmed and not trimmed.startswith("#"):
                raise _Fail(f"invalid Yaml document separator: {trimmed}")
            if buf:
                docs.append(("".join(buf), start))
                buf = []
            start = lineno + 1
            continue
        if not buf:
            start = lineno
        buf.append(line)
    if buf:
        docs.append(("".join(buf), start))
    return docs


# ---------------------------------------------------------------------------
# Fast path: exact parser for the common block-style subset
# ---------------------------------------------------------------------------

_KEY_RE = re.compile(r"([A-Za-z0-9_$][A-Za-z0-9_./$-]*)[ ]*:(?: +|$)")
_PLAIN_BAD_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_DQ_SIMPLE = {
    "0": "\x00", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "'": "'",
    "L": "\u2028", "P": "\u2029",
}


_FAST_MAX_DEPTH = 100  # deeper documents take the full path (no deep recursion here)
_NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


class _Fast:
    __slots__ = ("lines", "n", "ind", "struct")

    def __init__(self, text: str) -> None:
        if "\t" in text or "\r" in text or "\ufeff" in text or _NON_PRINTABLE.search(text):
            raise _Bail()
        lines = text.split("\n")
        self.lines = lines
        self.n = len(lines)
        ind: list[int] = []
        struct_: list[bool] = []
        for ln in lines:
            s = ln.lstrip(" ")
            ind.append(len(ln) - len(s))
            struct_.append(bool(s) and s[0] != "#")
        self.ind = ind
        self.struct = struct_

    def next_struct(self, i: int) -> int:
        st = self.struct
        n = self.n
        while i < n and not st[i]:
            i += 1
        return i

    def document(self) -> Any:
        i = self.next_struct(0)
        if i >= self.n:
            return None
        ind = self.ind[i]
        value, i = self.block(i, ind, self.lines[i][ind:], 1)
        if self.next_struct(i) < self.n:
            raise _Bail()
        return value

    # A node starting at line i whose first token sits at column col.
    def block(self, i: int, col: int, content: str, depth: int) -> tuple[Any, int]:
        if depth > _FAST_MAX_DEPTH:
            raise _Bail()
        if content == "-" or content.startswith("- "):
            return self.seq(i, col, content, depth)
        return self.mapping(i, col, content, depth)

    def mapping(self, i: int, col: int, content: str, depth: int) -> tuple[Any, int]:
        out: dict = {}
        lines, ind = self.lines, self.ind
        while True:
            m = _KEY_RE.match(content)
            if m is None:
                raise _Bail()
            raw_key = m.group(1)
            if raw_key == "<<":
                raise _Bail()
            key = resolve_plain(raw_key)
            rest = content[m.end():]
            if not rest or rest[0] == "#":
                j = self.next_struct(i + 1)
                if j < self.n and ind[j] > col:
                    value, nxt = self.block(j, ind[j], lines[j][ind[j]:], depth + 1)
                elif j < self.n and ind[j] == col and (lines[j][col:] == "-" or lines[j][col:].startswith("- ")):
                    value, nxt = self.seq(j, col, lines[j][col:], depth + 1)
                else:
                    value, nxt = None, i + 1
            else:
                value, nxt = self.inline(i, col, rest, depth + 1)
            out[_key_string(key, value)] = value
            j = self.next_struct(nxt)
            if j >= self.n or ind[j] < col:
                return out, j
            if ind[j] > col:
                raise _Bail()
            content = lines[j][col:]
            if content == "-" or content.startswith("- "):
                # a sequence at the key column ends the mapping only in the
                # indentless case, which is handled above; anything else is an error
                return out, j
            i = j

    def seq(self, i: int, col: int, content: str, depth: int) -> tuple[Any, int]:
        out: list = []
        lines, ind = self.lines, self.ind
        while True:
            rest = content[1:]
            stripped = rest.lstrip(" ")
            item_col = col + 1 + (len(rest) - len(stripped))
            if not stripped or stripped[0] == "#":
                j = self.next_struct(i + 1)
                if j < self.n and ind[j] > col:
                    value, nxt = self.block(j, ind[j], lines[j][ind[j]:], depth + 1)
                else:
                    value, nxt = None, i + 1
            elif stripped == "-" or stripped.startswith("- "):
                raise _Bail()
            elif _KEY_RE.match(stripped):
                value, nxt = self.mapping(i, item_col, stripped, depth + 1)
            else:
                value, nxt = self.inline(i, col, stripped, depth + 1)
            out.append(value)
            j = self.next_struct(nxt)
            if j >= self.n or ind[j] < col:
                return out, j
            if ind[j] > col:
                raise _Bail()
            content = lines[j][col:]
            if not (content == "-" or content.startswith("- ")):
                return out, j
            i = j

    def inline(self, i: int, owner_col: int, rest: str, depth: int) -> tuple[Any, int]:
        """A value written on the same line as its key / dash; returns (value, next line)."""
        c = rest[0]
        if c == "|":
            return self.literal(i, owner_col, rest)
        if c == '"':
            value, tail = _dq_line(rest)
        elif c == "'":
            end = 1
            parts = []
            while True:
                k = rest.find("'", end)
                if k < 0:
                    raise _Bail()
                parts.append(rest[end:k])
                if rest[k + 1:k + 2] == "'":
                    parts.append("'")
                    end = k + 2
                    continue
                tail = rest[k + 1:]
                break
            value = "".join(parts)
        elif c == "[":
            value, tail = _flow_seq_line(rest)
        elif c == "{":
            if not rest.startswith("{}"):
                raise _Bail()
            value, tail = {}, rest[2:]
        else:
            if c in _PLAIN_BAD_START:
                if not (c == "-" and len(rest) > 1 and rest[1] != " "):
                    raise _Bail()
            k = rest.find(" #")
            if k >= 0:
                rest = rest[:k]
            rest = rest.rstrip(" ")
            if ": " in rest or rest.endswith(":"):
                raise _Bail()
            value = resolve_plain(rest)
            tail = ""
        if tail:
            t = tail.lstrip(" ")
            if t and (t[0] != "#" or t == tail):
                raise _Bail()
        # the next structural line must not continue this scalar
        j = self.next_struct(i + 1)
        if j < self.n and self.ind[j] > owner_col:
            raise _Bail()
        return value, i + 1

    def literal(self, i: int, owner_col: int, header: str) -> tuple[str, int]:
        h = header[1:]
        k = h.find(" #")
        if k >= 0:
            h = h[:k]
        h = h.rstrip(" ")
        if h == "":
            chomp = "clip"
        elif h == "-":
            chomp = "strip"
        else:
            raise _Bail()
        lines = self.lines
        n = self.n
        j = i + 1
        # find content indentation from the first non-blank line
        max_blank = 0
        content_ind = -1
        while j < n:
            ln = lines[j]
            s = ln.lstrip(" ")
            if s:
                content_ind = len(ln) - len(s)
                break
            max_blank = max(max_blank, len(ln))
            j += 1
        if content_ind <= owner_col or content_ind < 1:
            # empty scalar (or content belongs to the parent): keep it simple
            raise _Bail()
        if max_blank > content_ind:
            raise _Bail()
        body: list[str] = []
        blanks = 0
        j = i + 1
        end = j
        while j < n:
            ln = lines[j]
            s = ln.lstrip(" ")
            if not s:
                if len(ln) > content_ind:
                    # spaces beyond the indent on an "empty" line are content
                    body.extend([""] * blanks)
                    blanks = 0
                    body.append(ln[content_ind:])
                    end = j + 1
                else:
                    blanks += 1
                j += 1
                continue
            if len(ln) - len(s) < content_ind:
                break
            body.extend([""] * blanks)
            blanks = 0
            body.append(ln[content_ind:])
            end = j + 1
            j += 1
        text = "\n".join(body)
        if chomp == "strip":
            value = text
        elif end == n:
            value = text  # the document ends without a final line break
        else:
            value = text + "\n"
        nxt = self.next_struct(end)
        if nxt < n and self.ind[nxt] > owner_col:
            raise _Bail()
        return value, end


def _dq_line(rest: str) -> tuple[str, str]:
    """A double-quoted scalar that ends on this line: (value, text after it)."""
    out: list[str] = []
    i = 1
    n = len(rest)
    while True:
        k1 = rest.find('"', i)
        k2 = rest.find("\\", i)
        if k1 < 0:
            raise _Bail()
        if k2 < 0 or k1 < k2:
            out.append(rest[i:k1])
            return "".join(out), rest[k1 + 1:]
        out.append(rest[i:k2])
        if k2 + 1 >= n:
            raise _Bail()
        e = rest[k2 + 1]
        if e in _DQ_SIMPLE:
            out.append(_DQ_SIMPLE[e])
            i = k2 + 2
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            hexs = rest[k2 + 2:k2 + 2 + width]
            if len(hexs) != width or not re.fullmatch(r"[0-9A-Fa-f]+", hexs):
                raise _Bail()
            cp = int(hexs, 16)
            if 0xD800 <= cp <= 0xDFFF or cp > 0x10FFFF:
                raise _Bail()
            out.append(chr(cp))
            i = k2 + 2 + width
        else:
            raise _Bail()


def _flow_seq_line(rest: str) -> tuple[list, str]:
    out: list = []
    i = 1
    n = len(rest)
    while True:
        while i < n and rest[i] == " ":
            i += 1
        if i >= n:
            raise _Bail()
        c = rest[i]
        if c == "]":
            if out:
                raise _Bail()  # "[a, ]": trailing comma, left to the full parser
            return out, rest[i + 1:]
        if c == '"':
            v, tail = _dq_line(rest[i:])
            i = n - len(tail)
        elif c == "'":
            k = rest.find("'", i + 1)
            if k < 0 or rest[k + 1:k + 2] == "'":
                raise _Bail()
            v = rest[i + 1:k]
            i = k + 1
        else:
            j = i
            while j < n and rest[j] not in ",]":
                j += 1
            tok = rest[i:j].rstrip(" ")
            if not tok or tok[0] in _PLAIN_BAD_START or any(ch in tok for ch in "[]{}#:'\""):
                raise _Bail()
            v = resolve_plain(tok)
            i = j
        out.append(v)
        while i < n and rest[i] == " ":
            i += 1
        if i >= n:
            raise _Bail()
        if rest[i] == ",":
            i += 1
            # an empty entry ("[a,,b]" or "[a, ]") is left to the full parser
            k = i
            while k < n and rest[k] == " ":
                k += 1
            if k < n and rest[k] in ",]":
                raise _Bail()
            continue
        if rest[i] == "]":
            return out, rest[i + 1:]
        raise _Bail()


_FLOW_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*")
_FLOW_DQ = re.compile(r'"([^"\\\n]*)"')
_FLOW_WS = re.compile(r"(?:[ \n]+|(?<=[ \n])#[^\n]*|^#[^\n]*)+", re.M)


class _FastFlow:
    """Exact parser for JSON-like flow documents (KYAML, JSON with comments...).

    Accepts ``{``/``[`` nesting, double/single-quoted one-line strings and
    simple plain tokens; anything else bails out to the full parser.
    """

    __slots__ = ("text", "n")

    def __init__(self, text: str) -> None:
        if "\t" in text or "\r" in text or "\ufeff" in text or _NON_PRINTABLE.search(text):
            raise _Bail()
        self.text = text
        self.n = len(text)

    def ws(self, i: int) -> int:
        m = _FLOW_WS.match(self.text, i)
        return m.end() if m else i

    def document(self) -> Any:
        i = self.ws(0)
        if i >= self.n or self.text[i] not in "{[":
            raise _Bail()
        value, i = self.node(i, 1)
        if self.ws(i) != self.n:
            raise _Bail()
        return value

    def node(self, i: int, depth: int) -> tuple[Any, int]:
        t = self.text
        c = t[i] if i < self.n else ""
        if c == "{":
            return self.mapping(i + 1, depth)
        if c == "[":
            return self.seq(i + 1, depth)
        return self.scalar(i)

    def scalar(self, i: int) -> tuple[Any, int]:
        t = self.text
        c = t[i] if i < self.n else ""
        if c == '"':
            m = _FLOW_DQ.match(t, i)
            if m is not None:
                return m.group(1), m.end()
            eol = t.find("\n", i)
            line = t[i:] if eol < 0 else t[i:eol]
            value, tail = _dq_line(line)
            return value, i + len(line) - len(tail)
        if c == "'":
            parts = []
            k = i + 1
            while True:
                e = t.find("'", k)
                if e < 0 or "\n" in t[k:e]:
                    raise _Bail()
                parts.append(t[k:e])
                if t[e + 1:e + 2] == "'":
                    parts.append("'")
                    k = e + 2
                    continue
                return "".join(parts), e + 1
        m = _FLOW_PLAIN.match(t, i)
        if m is None:
            raise _Bail()
        end = m.end()
        nxt = t[end:end + 1]
        if nxt not in ("", " ", "\n", ",", "]", "}", ":"):
            raise _Bail()
        return resolve_plain(m.group(0)), end

    def _after_value(self, i: int, closer: str) -> tuple[int, bool]:
        """Skip to ',' or the closer; returns (index after it, closed?)."""
        t = self.text
        j = self.ws(i)
        if j < self.n and t[j] == "#" and j == i:
            raise _Bail()  # a comment must follow whitespace
        if j >= self.n:
            raise _Bail()
        c = t[j]
        if c == ",":
            return j + 1, False
        if c == closer:
            return j + 1, True
        raise _Bail()

    def mapping(self, i: int, depth: int) -> tuple[dict, int]:
        if depth > _FAST_MAX_DEPTH:
            raise _Bail()
        t = self.text
        out: dict = {}
        while True:
            i = self.ws(i)
            if i >= self.n:
                raise _Bail()
            if t[i] == "}":
                return out, i + 1
            if t[i] in "{[?,:":
                raise _Bail()
            key, i = self.scalar(i)
            # the ':' must be on the key's line, followed by a space or a newline
            # (a quoted key may be followed by ':' directly)
            j = i
            while j < self.n and t[j] == " ":
                j += 1
            if j >= self.n or t[j] != ":":
                raise _Bail()
            if t[j + 1:j + 2] not in (" ", "\n"):
                raise _Bail()
            i = self.ws(j + 1)
            if i >= self.n or t[i] in ",}]":
                raise _Bail()  # empty values are left to the full parser
            value, i = self.node(i, depth + 1)
            out[_key_string(key, value)] = value
            i, closed = self._after_value(i, "}")
            if closed:
                return out, i

    def seq(self, i: int, depth: int) -> tuple[list, int]:
        if depth > _FAST_MAX_DEPTH:
            raise _Bail()
        t = self.text
        out: list = []
        while True:
            i = self.ws(i)
            if i >= self.n:
                raise _Bail()
            if t[i] == "]":
                return out, i + 1
            if t[i] in ",:?}":
                raise _Bail()
            value, i = self.node(i, depth + 1)
            if isinstance(value, str) and t[i:i + 1] == ":":
                raise _Bail()  # "[a: b]" is a single-pair mapping in YAML
            out.append(value)
            i, closed = self._after_value(i, "]")
            if closed:
                return out, i


def _fast_parser(text: str) -> "_Fast | _FastFlow":
    """The fast parser for this document's style (flow when it starts with ``{``/``[``)."""
    m = _FLOW_WS.match(text)
    first = text[m.end() if m else 0:][:1]
    return _FastFlow(text) if first in ("{", "[") else _Fast(text)


def _fast_finish(value: Any) -> Any:
    """Apply the JSON number conversion to a fast-path result (depth already bounded)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)):
                _fast_finish(v)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                value[k] = _to_json_number(v)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, (dict, list)):
                _fast_finish(v)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                value[i] = _to_json_number(v)
    else:
        value = _to_json_number(value)
    return value


# ---------------------------------------------------------------------------
# Full path: ruamel.yaml events + our composer
# ---------------------------------------------------------------------------

_STD_TAG = "tag:yaml.org,2002:"


def _resolve_tagged(value: str, tag: str) -> Any:
    """A scalar with an explicit tag, as go-yaml v2 decodes it.

    !!str keeps the text; !!null, !!bool, !!int, !!float and !!timestamp must
    match what the text resolves to ("cannot decode !!str `x` as a !!int");
    any other tag (``!foo``) leaves the text as a string.
    """
    short = tag[len(_STD_TAG):] if tag.startswith(_STD_TAG) else None
    if short not in ("null", "bool", "int", "float", "timestamp"):
        return value
    v = resolve_plain(value)
    if v is None:
        got = "null"
    elif isinstance(v, bool):
        got = "bool"
    elif isinstance(v, int):
        got = "int"
    elif isinstance(v, float):
        got = "float"
    elif _is_timestamp(value):
        got = "timestamp"
    else:
        got = "str"
    if got == short:
        return v
    if short == "float" and got == "int":
        return float(v)
    raise _Fail(f"error converting YAML to JSON: yaml: cannot decode !!{got} `{value}` as a !!{short}")


def _go_yaml_line(exc: Any, text_len: int = 1 << 62) -> str:
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    scanner = type(exc).__name__ == "ScannerError"
    line = 0
    pline = problem_mark.line if problem_mark is not None else 0
    problem = getattr(exc, "problem", None) or ""
    if (
        problem_mark is not None
        and (not scanner or problem.startswith(("could not find expected ':'", "found unexpected end of stream")))
        and problem_mark.column != 0
        and getattr(problem_mark, "index", -1) >= text_len
    ):
        pline += 1  # libyaml moves the STREAM-END token to a new line
    if pline != 0:
        line = pline + (1 if scanner else 0)
    elif context_mark is not None and context_mark.line != 0:
        line = context_mark.line
    return f"line {line}: " if line else ""


def _after_plain_scalar(text: str, line0: int) -> bool:
    """Whether the last content line before ``line0`` ends with a plain scalar value.

    go-yaml reports a tab that starts a line as "violates indentation" when it
    is met while scanning the continuation of a plain scalar, and as "cannot
    start any token" otherwise.
    """
    lines = text.split("\n")
    k = min(line0, len(lines)) - 1
    while k >= 0:
        ln = lines[k]
        s = ln.strip(" \t")
        if s and not s.startswith("#"):
            break
        k -= 1
    if k < 0:
        return False
    s = lines[k].strip(" \t")
    cut = s.find(" #")
    if cut >= 0:
        s = s[:cut].rstrip(" \t")
    if s.endswith(":") or s == "-":
        return False
    m = re.match(r"^(?:- +)*(?:[^\s'\"\[\]{}#&*!|>%@`,?][^:]*?:\s+|- +)?(.*)$", s)
    value = m.group(1) if m else s
    if not value:
        return False
    return value[0] not in "'\"[]{}|>&*!" and not value.endswith(("'", '"', "]", "}"))


def _go_yaml_message(exc: Any, text: str = "") -> str:
    problem = (getattr(exc, "problem", None) or str(exc)).strip()
    context = (getattr(exc, "context", None) or "").strip()
    if "mapping values are not allowed" in problem:
        return "mapping values are not allowed in this context"
    if "sequence entries are not allowed" in problem:
        return "block sequence entries are not allowed in this context"
    if "that cannot start any token" in problem:
        mark = getattr(exc, "problem_mark", None)
        if "'\\t'" in problem and mark is not None and _after_plain_scalar(text, mark.line):
            return "found a tab character that violates indentation"
        return "found character that cannot start any token"
    if problem.startswith("expected a comment or a line break") or problem.startswith(
        "expected chomping or indentation indicators"
    ):
        return "did not find expected comment or line break"
    if problem.startswith("expected URI") or problem.startswith("expected ' '"):
        return "did not find expected whitespace or line break"
    if problem.startswith("expected alphabetic or numeric character"):
        return "did not find expected alphabetic or numeric character"
    if problem.startswith("found unexpected end of stream"):
        return "found unexpected end of stream"
    if problem.startswith("found unknown escape character"):
        return "found unknown escape character while parsing a quoted scalar"
    if problem.startswith("could not find expected ':'"):
        return "could not find expected ':'"
    if problem.startswith("expected ',' or ']'") or "flow sequence" in context:
        return "did not find expected ',' or ']'"
    if problem.startswith("expected ',' or '}'") or "flow mapping" in context:
        return "did not find expected ',' or '}'"
    if "block mapping" in context:
        return "did not find expected key"
    if "block collection" in context or "block sequence" in context:
        return "did not find expected '-' indicator"
    if "<document start>" in problem:
        return "did not find expected <document start>"
    if "node content" in problem:
        return "did not find expected node content"
    if "found a tab" in problem:
        return "found a tab character that violates indentation"
    return problem


class _Composer:
    """Builds plain Python values from ruamel events with go-yaml's semantics."""

    def __init__(self) -> None:
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.alias_nodes = 0
        self.alias_bytes = 0

    def compose(self, events: Any) -> Any:
        from ruamel.yaml import events as ev

        root: list[Any] = []
        # each frame: [container, pending_key, has_key, anchor, size, depth, merge_pending]
        stack: list[list[Any]] = []

        def add(value: Any, size: int, is_merge_key: bool = False, nbytes: int = 0) -> None:
            if not stack:
                root.append(value)
                return
            top = stack[-1]
            top[4] += size
            top[7] += nbytes
            cont = top[0]
            if isinstance(cont, list):
                cont.append(value)
                return
            if not top[2]:
                top[1] = value
                top[2] = True
                top[6] = is_merge_key
                return
            key = top[1]
            top[2] = False
            if top[6]:
                top[6] = False
                self._merge(cont, value)
                return
            cont[_key_string(key, value)] = value

        # go-yaml parses the whole document before decoding it, so syntax
        # errors (raised by the event parser) win over decode-stage errors
        # (map keys, merges, aliasing): those are kept until the end.
        deferred: _Fail | None = None
        names: set[str] = set()
        started = False
        for e in events:
            if isinstance(e, ev.DocumentStartEvent):
                if started:
                    break
                started = True
                continue
            if isinstance(e, ev.DocumentEndEvent):
                break
            anchor = getattr(e, "anchor", None)
            if isinstance(e, ev.AliasEvent):
                if anchor not in names:
                    raise _Fail(f"error converting YAML to JSON: yaml: unknown anchor '{anchor}' referenced")
            elif anchor:
                names.add(anchor)
            if isinstance(e, (ev.MappingStartEvent, ev.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise _Fail(f"error converting YAML to JSON: yaml: exceeded max depth of {MAX_DEPTH}")
            if deferred is not None:
                if isinstance(e, (ev.MappingStartEvent, ev.SequenceStartEvent)):
                    stack.append([None, None, False, None, 1, 0, False, 0])
                elif isinstance(e, (ev.MappingEndEvent, ev.SequenceEndEvent)):
                    stack.pop()
                continue
            try:
                self._event(e, ev, stack, add)
            except _Fail as exc:
                deferred = exc
        if deferred is not None:
            raise deferred
        return root[0] if root else None

    def _event(self, e: Any, ev: Any, stack: list[list[Any]], add: Callable[..., None]) -> None:
        if isinstance(e, ev.ScalarEvent):
            if e.style is None and (e.tag is None or e.tag == "!"):
                v = resolve_plain(e.value) if e.tag is None else e.value
            elif e.tag is not None and e.tag != "!":
                v = _resolve_tagged(e.value, e.tag)
            else:
                v = e.value
            nbytes = len(e.value) + 1
            if e.anchor:
                self.anchors[e.anchor] = (v, 1, nbytes)
            is_merge = e.style is None and e.value == "<<" and bool(stack) and isinstance(
                stack[-1][0], dict) and not stack[-1][2]
            add(v, 1, is_merge, nbytes)
        elif isinstance(e, ev.AliasEvent):
            if any(f[3] == e.anchor for f in stack):
                raise _Fail(f"error converting YAML to JSON: yaml: anchor '{e.anchor}' value contains itself")
            v, size, nbytes = self.anchors[e.anchor]
            self.alias_nodes += size
            self.alias_bytes += nbytes
            # bounded by nodes and by bytes: a 1 MiB string aliased 1,000 times is one node each time
            if self.alias_nodes > MAX_ALIAS_NODES or self.alias_bytes > MAX_ALIAS_BYTES:
                raise _Fail("error converting YAML to JSON: yaml: document contains excessive aliasing")
            add(_deep_copy(v), size, False, nbytes)
        elif isinstance(e, (ev.MappingStartEvent, ev.SequenceStartEvent)):
            cont: Any = {} if isinstance(e, ev.MappingStartEvent) else []
            stack.append([cont, None, False, e.anchor, 1, len(stack) + 1, False, 0])
        elif isinstance(e, (ev.MappingEndEvent, ev.SequenceEndEvent)):
            frame = stack.pop()
            if frame[3]:
                self.anchors[frame[3]] = (frame[0], frame[4], frame[7])
            add(frame[0], frame[4], False, frame[7])

    def _merge(self, target: dict, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                target[k] = v
            return
        if isinstance(value, list):
            for item in reversed(value):
                if not isinstance(item, dict):
                    raise _Fail("error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value")
                for k, v in item.items():
                    target[k] = v
            return
        raise _Fail("error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value")


def _deep_copy(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _deep_copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_deep_copy(x) for x in v]
    return v


_SCANNER_CLASS: Any = None
_ANCHOR_CHAR = re.compile(r"[0-9A-Za-z_-]")


def _go_scanner() -> Any:
    """ruamel's scanner, accepting the ``\\'`` escape that go-yaml (libyaml) accepts."""
    global _SCANNER_CLASS
    if _SCANNER_CLASS is None:
        from ruamel.yaml.scanner import Scanner

        from ruamel.yaml.scanner import ScannerError

        end_space_tab = "\0 \t\r\n\x85\u2028\u2029"

        class _GoScanner(Scanner):  # type: ignore[misc]
            ESCAPE_REPLACEMENTS = {**Scanner.ESCAPE_REPLACEMENTS, "'": "'"}

            def scan_anchor(self, TokenClass: Any) -> Any:  # noqa: N803 (ruamel's signature)
                # libyaml: anchor and alias names are [0-9A-Za-z_-] only (ruamel
                # follows YAML 1.2 and would read "*a:" as the alias "a:").
                peek = self.reader.peek
                start_mark = self.reader.get_mark()
                name = "alias" if peek() == "*" else "anchor"
                self.reader.forward()
                length = 0
                while _ANCHOR_CHAR.match(peek(length) or " "):
                    length += 1
                ch = peek(length)
                if not length or ch not in "\0 \t\r\n\x85\u2028\u2029?:,]}%@`":
                    self.reader.forward(length)
                    raise ScannerError(
                        f"while scanning an {name}", start_mark,
                        "did not find expected alphabetic or numeric character", self.reader.get_mark(),
                    )
                value = self.reader.prefix(length)
                self.reader.forward(length)
                return TokenClass(value, start_mark, self.reader.get_mark())

            def scan_to_next_token(self) -> Any:
                # libyaml also skips tabs in the block context where no simple
                # key may start (e.g. right after "key:"); ruamel never does.
                peek = self.reader.peek
                forward = self.reader.forward
                if self.reader.index == 0 and peek() == "\ufeff":
                    forward()
                while True:
                    while peek() == " " or (
                        (self.flow_level > 0 or not self.allow_simple_key) and peek() == "\t"
                    ):
                        forward()
                    if peek() == "#":
                        while peek() not in "\0\r\n\x85\u2028\u2029":
                            forward()
                    if self.scan_line_break():
                        if not self.flow_level:
                            self.allow_simple_key = True
                    else:
                        return None

            def scan_plain_spaces(self, indent: Any, start_mark: Any) -> Any:
                # libyaml: spaces and tabs both separate the words of a plain
                # scalar; a tab in the indentation of a continuation line is
                # "a tab character that violates indentation".  (ruamel stops
                # the scalar at any tab.)
                peek = self.reader.peek
                chunks: list[str] = []
                length = 0
                while peek(length) in " \t":
                    length += 1
                whitespaces = self.reader.prefix(length)
                self.reader.forward(length)
                ch = peek()
                if ch in "\r\n\x85\u2028\u2029":
                    line_break = self.scan_line_break()
                    self.allow_simple_key = True
                    prefix = self.reader.prefix(3)
                    if (prefix == "---" or prefix == "...") and peek(3) in end_space_tab:
                        return None
                    breaks = []
                    while peek() in " \t\r\n\x85\u2028\u2029":
                        c = peek()
                        if c == " ":
                            self.reader.forward()
                        elif c == "\t":
                            if self.reader.column < indent:
                                raise ScannerError(
                                    "while scanning a plain scalar", start_mark,
                                    "found a tab character that violates indentation", self.reader.get_mark(),
                                )
                            self.reader.forward()
                        else:
                            breaks.append(self.scan_line_break())
                            prefix = self.reader.prefix(3)
                            if (prefix == "---" or prefix == "...") and peek(3) in end_space_tab:
                                return None
                    if line_break != "\n":
                        chunks.append(line_break)
                    elif not breaks:
                        chunks.append(" ")
                    chunks.extend(breaks)
                elif whitespaces:
                    chunks.append(whitespaces)
                return chunks

            def scan_block_scalar_indentation(self) -> Any:
                # libyaml's auto-detection: the widest of the leading blank
                # lines and the first content line.  (ruamel also refuses a
                # leading blank line that is longer than the first one; go-yaml
                # does not.)
                peek = self.reader.peek
                chunks = []
                max_indent = 0
                end_mark = self.reader.get_mark()
                while peek() in " \r\n\x85\u2028\u2029":
                    if peek() != " ":
                        chunks.append(self.scan_line_break())
                        end_mark = self.reader.get_mark()
                    else:
                        self.reader.forward()
                        if self.reader.column > max_indent:
                            max_indent = self.reader.column
                return chunks, max_indent, end_mark

        _SCANNER_CLASS = _GoScanner
    return _SCANNER_CLASS


def _slow_document(text: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    y = YAML(typ="safe", pure=True)
    y.Scanner = _go_scanner()
    y.version = (1, 1)  # parser rules of YAML 1.1 (no empty implicit keys), as libyaml
    try:
        value = _Composer().compose(y.parse(text))
    except MarkedYAMLError as exc:
        raise _Fail(
            f"error converting YAML to JSON: yaml: {_go_yaml_line(exc, len(text))}{_go_yaml_message(exc, text)}"
        ) from None
    except ReaderError:
        raise _Fail("error converting YAML to JSON: yaml: control characters are not allowed") from None
    except YAMLError as exc:
        raise _Fail(f"error converting YAML to JSON: yaml: {exc}") from None
    except RecursionError:
        raise _Fail(f"error converting YAML to JSON: yaml: exceeded max depth of {MAX_DEPTH}") from None
    return _slow_finish(value)


def _slow_finish(value: Any) -> Any:
    """JSON conversion of composed values, iteratively (depth already bounded)."""
    if not isinstance(value, (dict, list)):
        return _to_json_number(value)
    stack = [value]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for k, v in list(items):
            if isinstance(v, (dict, list)):
                stack.append(v)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                node[k] = _to_json_number(v)
    return value


_FLOW_SCAN = re.compile(r"[\[\]{}\"']")


def _depth_lower_bound(text: str) -> int:
    """A cheap lower bound of the nesting depth, to refuse absurd documents early.

    Block nesting: the longest chain of strictly increasing indentation.
    Flow nesting: the deepest bracket nesting outside quoted strings.
    """
    stack: list[int] = []
    best = 0
    for line in text.split("\n"):
        s = line.lstrip(" ")
        if not s or s[0] == "#":
            continue
        ind = len(line) - len(s)
        while stack and stack[-1] >= ind:
            stack.pop()
        stack.append(ind)
        if len(stack) > best:
            best = len(stack)
    depth = 0
    pos = 0
    n = len(text)
    while True:
        m = _FLOW_SCAN.search(text, pos)
        if m is None:
            break
        c = m.group(0)
        pos = m.end()
        if c in "[{":
            depth += 1
            if depth > best:
                best = depth
        elif c in "]}":
            depth = max(0, depth - 1)
        elif c == '"':
            while pos < n:
                k = text.find('"', pos)
                if k < 0:
                    pos = n
                    break
                b = k - 1
                while b >= pos and text[b] == "\\":
                    b -= 1
                pos = k + 1
                if (k - 1 - b) % 2 == 0:
                    break
        else:  # a quote: only a quoted scalar when it starts a token
            prev = text[m.start() - 1] if m.start() > 0 else " "
            if prev in " \t\n[{,:-":
                k = text.find("'", pos)
                while k >= 0 and text[k + 1:k + 2] == "'":
                    k = text.find("'", k + 2)
                pos = n if k < 0 else k + 1
    return best


def _decode_yaml_document(text: str) -> Any:
    value = _decode_yaml_document_unchecked(text)
    if _SURROGATE_ESCAPE.search(text) and _has_surrogates(value):
        # go-yaml refuses a surrogate escape in a double-quoted scalar (even one half of a pair)
        m = _SURROGATE_ESCAPE.search(text)
        line0 = text.count("\n", 0, m.start())
        where = f"line {line0 + 1}: " if line0 else ""
        raise _Fail(f"error converting YAML to JSON: yaml: {where}found invalid Unicode character escape code")
    return value


def _decode_yaml_document_unchecked(text: str) -> Any:
    if len(text.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise _Fail(f"yaml: document is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        fast_text = text
        if "\r" in text and text.count("\r") == text.count("\r\n"):
            # CRLF line breaks read exactly as LF ones (line breaks are
            # normalized in YAML content); lone CRs are left to the full parser
            fast_text = text.replace("\r\n", "\n")
        return _fast_finish(_fast_parser(fast_text).document())
    except (_Bail, _Fail, RecursionError):
        # outside the fast subset, or an error: the full parser decides (and
        # reports errors in go-yaml's order and wording)
        pass
    if _depth_lower_bound(text) > MAX_DEPTH:
        raise _Fail(f"error converting YAML to JSON: yaml: exceeded max depth of {MAX_DEPTH}")
    return _slow_document(text)


# ---------------------------------------------------------------------------
# JSON (encoding/json error wording)
# ---------------------------------------------------------------------------


def _go_quote_char(c: str) -> str:
    """encoding/json's quoteChar: the offending *byte*, quoted."""
    if c and ord(c) >= 0x80:
        b = c.encode("utf-8", errors="replace")[0]
        if b < 0xA0 or b == 0xAD:
            return f"'\\u{b:04x}'"
        return "'" + chr(b) + "'"
    if c == "'":
        return "'\\''"
    if c == '"':
        return "'\"'"
    q = json.dumps(c)[1:-1] if c not in "\x7f" else "\\x7f"
    if c == "\t":
        q = "\\t"
    elif c == "\n":
        q = "\\n"
    elif c == "\r":
        q = "\\r"
    elif len(q) == 6 and q.startswith("\\u00"):
        q = "\\x" + q[4:]
    return "'" + q + "'"


def _json_container_at(doc: str, pos: int) -> str:
    """'{' or '[' (innermost open container before pos) or '' at top level."""
    stack: list[str] = []
    i = 0
    in_str = False
    while i < pos:
        c = doc[i]
        if in_str:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "[{":
            stack.append(c)
        elif c in "]}":
            if stack:
                stack.pop()
        i += 1
    return stack[-1] if stack else ""


def _json_error(doc: str, exc: json.JSONDecodeError) -> str:
    pos = exc.pos
    offset = len(doc[:pos].encode("utf-8")) + 1
    msg = exc.msg
    if pos >= len(doc) or msg.startswith("Unterminated string"):
        return "unexpected EOF"
    c = doc[pos]
    if msg.startswith("Expecting property name"):
        text = f"invalid character {_go_quote_char(c)} looking for beginning of object key string"
    elif msg.startswith("Expecting ':'"):
        text = f"invalid character {_go_quote_char(c)} after object key"
    elif msg.startswith("Expecting ','") and c in ".eE" and pos > 0 and doc[pos - 1].isdigit():
        # a malformed number: Go stops inside the literal
        k = pos + 1
        if c == "." :
            what = "after decimal point in numeric literal"
        else:
            what = "in exponent of numeric literal"
            if k < len(doc) and doc[k] in "+-":
                k += 1
        if k >= len(doc):
            return "unexpected EOF"
        offset = len(doc[:k].encode("utf-8")) + 1
        text = f"invalid character {_go_quote_char(doc[k])} {what}"
    elif msg.startswith("Expecting ','"):
        where = _json_container_at(doc, pos)
        what = "object key:value pair" if where == "{" else "array element"
        text = f"invalid character {_go_quote_char(c)} after {what}"
    elif msg.startswith("Invalid control character"):
        text = f"invalid character {_go_quote_char(c)} in string literal"
    elif msg.startswith("Invalid \\uXXXX"):
        k = pos + 2
        while k < len(doc) and k < pos + 6 and doc[k] in "0123456789abcdefABCDEF":
            k += 1
        if k >= len(doc):
            return "unexpected EOF"
        offset = len(doc[:k].encode("utf-8")) + 1
        text = f"invalid character {_go_quote_char(doc[k])} in \\u hexadecimal character escape"
    elif msg.startswith("Invalid \\escape"):
        k = pos + 1
        c2 = doc[k] if k < len(doc) else ""
        offset = len(doc[:k].encode("utf-8")) + 1
        text = f"invalid character {_go_quote_char(c2)} in string escape code"
    elif msg.startswith("Expecting value"):
        for lit in ("true", "false", "null"):
            if c == lit[0]:
                k = 0
                while k < len(lit) and pos + k < len(doc) and doc[pos + k] == lit[k]:
                    k += 1
                if pos + k >= len(doc):
                    return "unexpected EOF"
                bad = doc[pos + k]
                offset = len(doc[:pos + k].encode("utf-8")) + 1
                return f"json: offset {offset}: invalid character {_go_quote_char(bad)} in literal {lit} (expecting {_go_quote_char(lit[k])})"
        if c == "-":
            if pos + 1 >= len(doc):
                return "unexpected EOF"
            offset += 1
            text = f"invalid character {_go_quote_char(doc[pos + 1])} in numeric literal"
        else:
            text = f"invalid character {_go_quote_char(c)} looking for beginning of value"
    else:
        text = msg
    return f"json: offset {offset}: {text}"


def _decode_json_stream(text: str) -> list[Any]:
    if len(text.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise _Fail(f"json: input is larger than {MAX_DOCUMENT_BYTES} bytes")
    dec = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_json_float, parse_int=_json_int)
    surrogates = _SURROGATE_ESCAPE.search(text) is not None
    out: list[Any] = []
    i = 0
    n = len(text)
    ws = " \t\r\n"
    while True:
        while i < n and text[i] in ws:
            i += 1
        if i >= n:
            return out
        try:
            value, i = dec.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise _Fail(_json_error(text, exc)) from None
        except _BadConstant:
            raise _Fail(_json_constant_error(text, i)) from None
        except RecursionError:
            raise _Fail(f"json: exceeded max depth of {MAX_DEPTH}") from None
        except _NumberRange as exc:
            raise _DecodeFail(_number_range_message(exc.literal)) from None
        value = _normalize_json_numbers(value)
        out.append(_replace_surrogates(value) if surrogates else value)


# ---------------------------------------------------------------------------
# Public decoding API
# ---------------------------------------------------------------------------


def _is_json_stream(text: str) -> bool:
    return text.lstrip()[:1] == "{"


def parse_documents(text: str, source: str) -> list[Any]:
    """Decode a YAML or JSON stream into its documents, in order.

    Empty, comment-only and ``null`` documents are skipped.  Errors raise
    ``ClientError("error parsing <source>: ...")``.
    """
    try:
        if _is_json_stream(text):
            docs = _decode_json_stream(text)
        else:
            docs = [_decode_yaml_document(chunk) for chunk, _line in split_yaml_documents(text)]
    except _DecodeFail as exc:
        raise ClientError(f'unable to decode "{source}": {exc.msg}') from None
    except _Fail as exc:
        raise ClientError(f"error parsing {source}: {exc.msg}") from None
    return [d for d in docs if d is not None]


def iter_documents(text: str, source: str):
    """The documents of a stream one by one, as kubectl's StreamVisitor meets them: yields ``(value, None)`` per
    document and ``(None, ClientError)`` where one fails. A syntax error ends the stream there (the documents
    before it stand); a JSON number out of float64's range fails only its own document."""
    try:
        if _is_json_stream(text):
            yield from _iter_json_stream(text, source)
            return
        chunks = split_yaml_documents(text)
    except _Fail as exc:
        yield None, ClientError(f"error parsing {source}: {exc.msg}")
        return
    from minikctl.api.stamp import ENABLED

    alike: list[_Alike] = []  # the last documents decoded whose like the next ones may be (_Alike)
    for chunk, _line in chunks:
        found = next((a for a in alike if a.matches(chunk)), None) if ENABLED else None
        if found is not None and found.verified:
            yield found.stamp(chunk), None
            continue
        try:
            value = _decode_yaml_document(chunk)
        except _Fail as exc:
            yield None, ClientError(f"error parsing {source}: {exc.msg}")
            return
        if found is not None:
            found.check(chunk, value)
        elif ENABLED:
            made = _Alike.of(chunk, value)
            if made is not None:
                alike.insert(0, made)
                del alike[8:]
        if value is not None:
            yield value, None


_DNS_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_plain_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _plain_name(s: str) -> bool:
    """A name that go-yaml reads as the same string wherever it stands in a document, as a plain scalar or
    inside quotes: a DNS label that begins with a letter and is no YAML 1.1 boolean or null (``resolve_plain``
    keeps such a word as it is; no character of it ends a scalar or needs an escape)."""
    return bool(_DNS_LABEL.match(s)) and s not in _BOOL_NULL


class _Alike:
    """A decoded document of a stream whose next documents may differ from it only by their ``metadata.name``
    (``apply -f`` of a generated file of thousands of pods): the same text but for the name's characters, at
    the same place, of the same length. The first such document is decoded and must give this one's value with
    its own name (``check``, ``verified``); the following ones are this value, copied, with their names
    (``stamp``), not parsed again. The names are plain (``_plain_name``): one that is not, or a document not
    alike, is decoded as always."""

    __slots__ = ("text", "start", "end", "json", "verified")

    def __init__(self, text: str, start: int, end: int, encoded: str) -> None:
        self.text, self.start, self.end, self.json = text, start, end, encoded
        self.verified = False

    @classmethod
    def of(cls, text: str, value) -> "_Alike | None":
        meta = value.get("metadata") if type(value) is dict else None
        name = meta.get("name") if type(meta) is dict else None
        if type(name) is not str or not _plain_name(name) or text.count(name) != 1:
            return None
        try:
            encoded = _plain_json(value)
        except (TypeError, ValueError, RecursionError):
            return None
        if json.loads(encoded) != value:  # a value JSON does not carry exactly (a float NaN, a tuple)
            return None
        start = text.index(name)
        return cls(text, start, start + len(name), encoded)

    def matches(self, text: str) -> bool:
        start, end = self.start, self.end
        return (len(text) == len(self.text) and text[:start] == self.text[:start]
                and text[end:] == self.text[end:] and _plain_name(text[start:end]))

    def stamp(self, text: str):
        value = json.loads(self.json)
        value["metadata"]["name"] = text[self.start:self.end]
        return value

    def check(self, text: str, value) -> None:
        """``value``, decoded from ``text`` (which ``matches``), is what ``stamp`` gives: trust the stamp from now
        on; else never again."""
        stamped = self.stamp(text)
        if value == stamped and _plain_json(value) == _plain_json(stamped):
            self.verified = True
        else:
            self.end = -1  # matches nothing any more
            self.text = ""


def _iter_json_stream(text: str, source: str):
    if len(text.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        yield None, ClientError(f"error parsing {source}: json: input is larger than {MAX_DOCUMENT_BYTES} bytes")
        return
    dec = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_json_float, parse_int=_json_int)
    lenient = json.JSONDecoder(parse_constant=_reject_constant, parse_float=float, parse_int=float)
    surrogates = _SURROGATE_ESCAPE.search(text) is not None
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return
        try:
            value, i = dec.raw_decode(text, i)
        except _NumberRange as exc:  # the document is well formed: skip it, report it, go on
            _value, i = lenient.raw_decode(text, i)
            yield None, ClientError(f'unable to decode "{source}": {_number_range_message(exc.literal)}')
            continue
        except json.JSONDecodeError as exc:
            yield None, ClientError(f"error parsing {source}: {_json_error(text, exc)}")
            return
        except _BadConstant:
            yield None, ClientError(f"error parsing {source}: {_json_constant_error(text, i)}")
            return
        except RecursionError:
            yield None, ClientError(f"error parsing {source}: json: exceeded max depth of {MAX_DEPTH}")
            return
        try:
            value = _normalize_json_numbers(value)
        except _Fail as exc:
            yield None, ClientError(f"error parsing {source}: {exc.msg}")
            return
        if value is not None:
            yield (_replace_surrogates(value) if surrogates else value), None


def flatten_lists(objs: list[Any]) -> list[Any]:
    """Replace each ``kind: List`` / ``kind: <Kind>List`` object by its items (recursively)."""
    out: list[Any] = []
    for obj in objs:
        if (
            isinstance(obj, dict)
            and isinstance(obj.get("kind"), str)
            and obj["kind"].endswith("List")
            and isinstance(obj.get("items"), list)
        ):
            out.extend(flatten_lists([i for i in obj["items"] if i is not None]))
        else:
            out.append(obj)
    return out


def _json_constant_error(doc: str, start: int) -> str:
    """Go's error for the first NaN/Infinity literal outside strings after ``start``."""
    i = start
    n = len(doc)
    while i < n:
        c = doc[i]
        if c == '"':
            i += 1
            while i < n and doc[i] != '"':
                i += 2 if doc[i] == "\\" else 1
        elif c in "NI":
            prev = doc[i - 1] if i > 0 else ""
            offset = len(doc[:i].encode("utf-8")) + 1
            if prev == "-":
                return f"json: offset {offset}: invalid character {_go_quote_char(c)} in numeric literal"
            return f"json: offset {offset}: invalid character {_go_quote_char(c)} looking for beginning of value"
        i += 1
    return "json: invalid number literal"


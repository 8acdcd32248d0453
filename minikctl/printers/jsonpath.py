"""kubectl's JSONPath dialect (client-go ``util/jsonpath``), plus the Go value formatting it relies on.

The template grammar, the evaluation rules and the error texts follow client-go as shipped with
kubectl 1.32.  Data is plain JSON-like Python (dict, list, str, int, float, bool, None).  Go walks
maps in random order for ``*`` and ``..``; here map keys are always visited in sorted order.

Public API:

* ``JSONPath(template)``: parse once (``JSONPathError`` on a bad template, worded like kubectl).
* ``JSONPath.execute(data, allow_missing_keys=True) -> str``: the text ``-o jsonpath`` prints.
* ``JSONPath.find_results(data, allow_missing_keys=True) -> list[list[Any]]``: raw values.
* ``relaxed(expr)``: kubectl's RelaxedJSONPathExpression (custom-columns, sort-by).
* ``WaitJSONPath(spec).check(obj)``: ``kubectl wait --for=jsonpath=...``.
* ``go_json(v)``, ``go_sprint(v)`` (``%v``), ``go_sharp_v(v)`` (``%#v``), ``go_float(f)``.
"""

from __future__ import annotations

import re
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Any

from minikctl.kube import gofmt
from minikctl.kube.errors import ClientError

__all__ = [
    "JSONPath",
    "JSONPathError",
    "relaxed",
    "WaitJSONPath",
    "go_json",
    "go_json_indent",
    "go_sprint",
    "go_sharp_v",
    "go_float",
    "go_type_name",
]


class JSONPathError(ClientError):
    """A JSONPath parse or execution failure.

    ``message`` is what kubectl prints after ``error: `` for ``-o jsonpath``; ``raw`` is the bare
    engine error (``nope is not found``) that other callers (custom-columns, wait) print instead.
    """

    def __init__(self, message: str, raw: str | None = None) -> None:
        super().__init__(message)
        self.raw = message if raw is None else raw


class _EvalError(Exception):
    pass


# ---------------------------------------------------------------------------
# Go formatting (minikctl.kube.gofmt); jsonpath prints values as they stand (``lenient``)


def go_float(f: float) -> str:
    """Go ``%v`` of a float64 (``strconv.FormatFloat(f, 'g', -1, 64)``): ``1.5``, ``1e+06``, ``1e-05``."""
    return gofmt.format_float(f)


def go_json(v: Any) -> str:
    """Go ``json.Marshal``: compact, map keys sorted, HTML characters escaped."""
    return gofmt.json_marshal(v, lenient=True)


def go_json_indent(v: Any, indent: str = "    ") -> str:
    """Go ``json.MarshalIndent(v, "", indent)``."""
    return gofmt.json_marshal(v, indent, lenient=True)


go_sprint = gofmt.sprint
go_sharp_v = gofmt.sharp_v
go_type_name = gofmt.type_name
_go_strconv_quote = gofmt.quote
_go_rune_repr = gofmt.rune_repr


# ---------------------------------------------------------------------------
# Nodes


class _Node:
    __slots__ = ()


class _List(_Node):
    __slots__ = ("nodes",)

    def __init__(self) -> None:
        self.nodes: list[_Node] = []


class _Text(_Node):
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Field(_Node):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class _Param:
    __slots__ = ("value", "known", "derived")

    def __init__(self, value: int = 0, known: bool = False, derived: bool = False) -> None:
        self.value = value
        self.known = known
        self.derived = derived


class _Array(_Node):
    __slots__ = ("params",)

    def __init__(self, params: list[_Param]) -> None:
        self.params = params


class _Filter(_Node):
    __slots__ = ("left", "right", "op")

    def __init__(self, left: _List, right: _List, op: str) -> None:
        self.left = left
        self.right = right
        self.op = op


class _Literal(_Node):
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class _Wildcard(_Node):
    __slots__ = ()


class _Recursive(_Node):
    __slots__ = ()


class _Union(_Node):
    __slots__ = ("lists",)

    def __init__(self, lists: list[_List]) -> None:
        self.lists = lists


class _Identifier(_Node):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


# ---------------------------------------------------------------------------
# Parser (mirrors client-go's hand-written scanner, including its quirks)

_DICT_KEY = re.compile(r"^'([^']*)'$")
_SLICE = re.compile(r"^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?$")
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)\Z", re.S)
_TERMINATORS = frozenset(" \t\r\n.,[]$@{}")


class _ParseError(Exception):
    pass


def _is_digit(ch: str) -> bool:
    return ch.isdecimal()  # unicode.IsDigit is category Nd


def _is_alnum(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or ch.isdecimal()


def _is_terminator(ch: str) -> bool:
    return ch == "" or ch in _TERMINATORS


class _Parser:
    def __init__(self, text: str) -> None:
        self.input = text
        self.pos = 0
        self.start = 0

    # scanner primitives
    def next(self) -> str:
        if self.pos >= len(self.input):
            return ""
        ch = self.input[self.pos]
        self.pos += 1
        return ch

    def backup(self, ch: str) -> None:
        if ch:
            self.pos -= 1

    def peek(self) -> str:
        return self.input[self.pos] if self.pos < len(self.input) else ""

    def consume(self) -> str:
        v = self.input[self.start : self.pos]
        self.start = self.pos
        return v

    # grammar
    def parse(self) -> _List:
        root = _List()
        text = self.input
        while True:
            idx = text.find("{", self.pos)
            if idx < 0:
                self.pos = len(text)
                if self.pos > self.start:
                    root.nodes.append(_Text(self.consume()))
                return root
            self.pos = idx
            if self.pos > self.start:
                root.nodes.append(_Text(self.consume()))
            self.pos += 1
            self.consume()
            cur = _List()
            root.nodes.append(cur)
            self.inside_action(cur)

    def inside_action(self, cur: _List) -> None:
        while True:
            rest = self.input[self.pos :]
            if rest.startswith("}"):
                self.pos += 1
                self.consume()
                return
            if rest.startswith("[?("):
                self.parse_filter(cur)
                continue
            if rest.startswith(".."):
                self.parse_recursive(cur)
                continue
            ch = self.next()
            if ch == "" or ch in "\r\n":
                raise _ParseError("unclosed action")
            if ch == " ":
                self.consume()
            elif ch in "@$":
                self.consume()
            elif ch == "[":
                self.parse_array(cur)
            elif ch in "\"'":
                self.parse_quote(cur, ch)
            elif ch == ".":
                self.parse_field(cur)
            elif ch in "+-" or _is_digit(ch):
                self.backup(ch)
                self.parse_number(cur)
            elif _is_alnum(ch):
                self.backup(ch)
                self.parse_identifier(cur)
            else:
                raise _ParseError(f"unrecognized character in action: {_go_rune_repr(ch)}")

    def parse_identifier(self, cur: _List) -> None:
        while True:
            ch = self.next()
            if _is_terminator(ch):
                self.backup(ch)
                break
        value = self.consume()
        if value in ("true", "false"):
            cur.nodes.append(_Literal(value == "true"))
        else:
            cur.nodes.append(_Identifier(value))

    def parse_recursive(self, cur: _List) -> None:
        if cur.nodes and isinstance(cur.nodes[-1], _Recursive):
            raise _ParseError("invalid multiple recursive descent")
        self.pos += 2
        self.consume()
        cur.nodes.append(_Recursive())
        if _is_alnum(self.peek()) and self.peek():
            self.parse_field(cur)

    def parse_number(self, cur: _List) -> None:
        if self.peek() in ("+", "-") and self.peek():
            self.next()
        while True:
            ch = self.next()
            if ch != "." and not (ch and _is_digit(ch)):
                self.backup(ch)
                break
        value = self.consume()
        body = value.lstrip("+-")
        if value.isascii() and body.isdigit() and value.count("-") + value.count("+") <= 1:
            n = int(value)
            if -(1 << 63) <= n < (1 << 63):
                cur.nodes.append(_Literal(n))
                return
        try:
            if not value.isascii() or not body or body == ".":
                raise ValueError
            cur.nodes.append(_Literal(float(value)))
        except ValueError:
            raise _ParseError(f"cannot parse number {value}") from None

    def parse_array(self, cur: _List) -> None:
        while True:
            ch = self.next()
            if ch == "" or ch == "\n":
                raise _ParseError("unterminated array")
            if ch == "]":
                break
        text = self.consume()[1:-1]
        if text == "*":
            text = ":"
        parts = text.split(",")
        if len(parts) > 1:
            lists = [_parse_action("[" + p.strip(" ") + "]") for p in parts]
            cur.nodes.append(_Union(lists))
            return
        m = _DICT_KEY.match(text)
        if m:
            sub = _parse_action("." + m.group(1))
            cur.nodes.extend(sub.nodes)
            return
        m = _SLICE.match(text)
        if not m:
            raise _ParseError(f"invalid array index {text}")
        groups = list(m.groups(default=""))
        params = [_Param(), _Param(), _Param()]
        for i in range(3):
            g = groups[i]
            if g != "":
                if i > 0:
                    g = g[1:]
                if i > 0 and g == "":
                    params[i].known = False
                else:
                    params[i].known = True
                    try:
                        params[i].value = int(g)
                    except ValueError:
                        raise _ParseError(f"array index {g} is not a number") from None
            else:
                if i == 1:
                    params[i].known = True
                    params[i].value = params[0].value + 1
                    params[i].derived = True
                else:
                    params[i].known = False
                    params[i].value = 0
        cur.nodes.append(_Array(params))

    def parse_filter(self, cur: _List) -> None:
        self.pos += 3
        self.consume()
        begin = end = False
        pair = ""
        while True:
            ch = self.next()
            if ch == "" or ch == "\n":
                raise _ParseError("unterminated filter")
            if ch in "\"'":
                if not begin:
                    begin = True
                    pair = ch
                    continue
                if self.input[self.pos - 2] != "\\" and ch == pair:
                    end = True
            elif ch == ")":
                if begin == end:
                    break
        if self.next() != "]":
            raise _ParseError("unclosed array expect ]")
        text = self.consume()[:-2]
        m = _FILTER.match(text)
        if m is None:
            cur.nodes.append(_Filter(_parse_action(text), _List(), "exists"))
        else:
            left = _parse_action(m.group(1))
            right = _parse_action(m.group(3))
            cur.nodes.append(_Filter(left, right, m.group(2)))

    def parse_quote(self, cur: _List, quote: str) -> None:
        while True:
            ch = self.next()
            if ch == "" or ch == "\n":
                raise _ParseError("unterminated quoted string")
            if ch == quote and self.input[self.pos - 2] != "\\":
                break
        value = self.consume()
        try:
            s = _unquote_extend(value)
        except ValueError as e:
            raise _ParseError(f"unquote string {value} error {e}") from None
        cur.nodes.append(_Text(s))

    def parse_field(self, cur: _List) -> None:
        self.consume()
        while True:
            ch = self.next()
            if ch == "\\":
                self.next()
            elif _is_terminator(ch):
                self.backup(ch)
                break
        value = self.consume()
        if value == "*":
            cur.nodes.append(_Wildcard())
        else:
            cur.nodes.append(_Field(value.replace("\\", "")))


def _parse_action(text: str) -> _List:
    root = _Parser("{" + text + "}").parse()
    first = root.nodes[0]
    assert isinstance(first, _List)
    return first


_SIMPLE_ESC = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}


def _unquote_extend(s: str) -> str:
    """client-go UnquoteExtend: Go string unquoting for '...' or "..." literals."""
    if len(s) < 2 or s[0] != s[-1] or s[0] not in "\"'":
        raise ValueError("invalid syntax")
    quote = s[0]
    body = s[1:-1]
    if "\\" not in body and quote not in body:
        return body
    out = bytearray()
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch == quote:
            raise ValueError("invalid syntax")
        if ch != "\\":
            out += ch.encode("utf-8")
            i += 1
            continue
        if i + 1 >= n:
            raise ValueError("invalid syntax")
        c = body[i + 1]
        i += 2
        if c in _SIMPLE_ESC:
            out.append(_SIMPLE_ESC[c])
        elif c in "'\"":
            if c != quote:
                raise ValueError("invalid syntax")
            out.append(ord(c))
        elif c in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[c]
            hexs = body[i : i + width]
            if len(hexs) != width or not all(h in "0123456789abcdefABCDEF" for h in hexs):
                raise ValueError("invalid syntax")
            i += width
            v = int(hexs, 16)
            if c == "x":
                out.append(v)
            else:
                if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
                    raise ValueError("invalid syntax")
                out += chr(v).encode("utf-8")
        elif c in "01234567":
            octs = body[i - 1 : i + 2]
            if len(octs) != 3 or not all(o in "01234567" for o in octs):
                raise ValueError("invalid syntax")
            v = int(octs, 8)
            if v > 255:
                raise ValueError("invalid syntax")
            i += 2
            out.append(v)
        else:
            raise ValueError("invalid syntax")
    return out.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------
# Evaluation

_NOTHING = object()  # Go's zero reflect.Value: the input of an empty range body


def _is_list(v: Any) -> bool:
    return isinstance(v, (list, tuple))


def _children(v: Any) -> list[Any]:
    if isinstance(v, dict):
        return [v[k] for k in sorted(v, key=str)]
    if _is_list(v):
        return list(v)
    if isinstance(v, str):
        return list(v.encode("utf-8"))
    return []


_INT, _FLOAT, _STR, _BOOL = "int", "float", "string", "bool"


def _basic_kind(v: Any) -> str:
    if isinstance(v, bool):
        return _BOOL
    if isinstance(v, int):
        return _INT
    if isinstance(v, float):
        return _FLOAT
    if isinstance(v, str):
        return _STR
    raise _EvalError("invalid type for comparison")


def _equal(a: Any, b: Any) -> bool:
    ka, kb = _basic_kind(a), _basic_kind(b)
    if ka != kb:
        raise _EvalError("incompatible types for comparison")
    return a == b


def _less(a: Any, b: Any) -> bool:
    ka, kb = _basic_kind(a), _basic_kind(b)
    if ka != kb:
        raise _EvalError("incompatible types for comparison")
    if ka == _BOOL:
        raise _EvalError("invalid type for comparison")
    if ka == _STR:
        # Go compares strings bytewise
        return a.encode("utf-8") < b.encode("utf-8")
    return a < b


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "<":
        return _less(a, b)
    if op == ">":
        return not (_less(a, b) or _equal(a, b))
    if op == "==":
        return _equal(a, b)
    if op == "!=":
        return not _equal(a, b)
    if op == "<=":
        return _less(a, b) or _equal(a, b)
    if op == ">=":
        return not _less(a, b)
    raise _EvalError(f"unrecognized filter operator {op}")


class _Evaluator:
    def __init__(self, allow_missing: bool) -> None:
        self.allow_missing = allow_missing
        # client-go's range bookkeeping (JSONPath.beginRange / inRange / endRange / lastEndNode)
        self.begin_range = 0
        self.in_range = 0
        self.end_range = 0
        self.last_end = -1

    def walk(self, values: list[Any], node: _Node) -> list[Any]:
        if isinstance(node, _List):
            return self.eval_list(values, node)
        if isinstance(node, _Text):
            return [node.text]
        if isinstance(node, _Field):
            return self.eval_field(values, node)
        if isinstance(node, _Array):
            return self.eval_array(values, node)
        if isinstance(node, _Filter):
            return self.eval_filter(values, node)
        if isinstance(node, _Literal):
            return [node.value for _ in values]
        if isinstance(node, _Wildcard):
            out: list[Any] = []
            for v in values:
                if v is None or v is _NOTHING:
                    continue
                out.extend(_children(v))
            return out
        if isinstance(node, _Recursive):
            return self.eval_recursive(values)
        if isinstance(node, _Union):
            out = []
            for lst in node.lists:
                out.extend(self.eval_list(values, lst))
            return out
        if isinstance(node, _Identifier):
            if node.name == "range":
                self.begin_range += 1
                return values
            if node.name == "end":
                if self.in_range > 0:
                    self.end_range += 1
                    return []
                raise _EvalError("not in range, nothing to end")
            raise _EvalError(f"unrecognized identifier {node.name}")
        raise _EvalError(f"unexpected Node {node!r}")

    def eval_list(self, values: list[Any], node: _List) -> list[Any]:
        cur = values
        for n in node.nodes:
            cur = self.walk(cur, n)
        return cur

    def eval_field(self, values: list[Any], node: _Field) -> list[Any]:
        if not values:
            return []
        out = []
        for v in values:
            if v is None:
                continue
            if isinstance(v, dict) and node.name in v:
                out.append(v[node.name])
        if not out and not self.allow_missing:
            raise _EvalError(f"{node.name} is not found")
        return out

    def eval_array(self, values: list[Any], node: _Array) -> list[Any]:
        out: list[Any] = []
        for v in values:
            if v is None or v is _NOTHING:
                continue
            if not _is_list(v):
                raise _EvalError(f"{go_type_name(v)} is not array or slice")
            length = len(v)
            p0, p1, p2 = node.params
            start = p0.value if p0.known else 0
            if start < 0:
                start += length
            end = p1.value if p1.known else length
            if end < 0 or (end == 0 and p1.derived):
                end += length
            if end == start:
                return out
            if start >= length or start < 0:
                raise _EvalError(f"array index out of bounds: index {start}, length {length}")
            if end > length or end < 0:
                raise _EvalError(f"array index out of bounds: index {end - 1}, length {length}")
            if start > end:
                raise _EvalError(f"starting index {start} is greater than ending index {end}")
            step = 1
            if p2.known:
                if p2.value <= 0:
                    raise _EvalError("step must be > 0")
                step = p2.value
            out.extend(list(v[start:end])[::step])
        return out

    def eval_recursive(self, values: list[Any]) -> list[Any]:
        out: list[Any] = []
        for v in values:
            if v is None or v is _NOTHING:
                continue
            kids = _children(v)
            if kids:
                out.append(v)
                out.extend(self.eval_recursive(kids))
        return out

    def eval_filter(self, values: list[Any], node: _Filter) -> list[Any]:
        out: list[Any] = []
        for v in values:
            if not _is_list(v):
                shown = "<nil>" if v is None or v is _NOTHING else go_sprint(v)
                raise _EvalError(f"{shown} is not array or slice and cannot be filtered")
            for item in v:
                try:
                    lefts = self.eval_list([item], node.left)
                    err = None
                except _EvalError as e:
                    lefts, err = [], e
                if node.op == "exists":
                    if lefts:
                        out.append(item)
                    continue
                if err is not None:
                    raise err
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise _EvalError("can only compare one element at a time")
                rights = self.eval_list([item], node.right)
                if not rights:
                    continue
                if len(rights) > 1:
                    raise _EvalError("can only compare one element at a time")
                if _compare(node.op, lefts[0], rights[0]):
                    out.append(item)
        return out


class JSONPath:
    """A parsed kubectl JSONPath template."""

    def __init__(self, template: str) -> None:
        self.template = template
        try:
            self._root = _Parser(template).parse()
        except _ParseError as e:
            raise JSONPathError(f"error parsing jsonpath {template}, {e}", raw=str(e)) from None

    def _find(self, data: Any, start: int, ev: _Evaluator) -> list[list[Any]]:
        """client-go FindResults over the top-level nodes from ``start``.

        A ``{range}`` runs the following nodes once per result until its ``{end}``; processing then
        resumes after the most recent ``{end}`` seen.  A range without ``{end}`` therefore runs its
        body per item and then once more at the outer level, exactly like kubectl.
        """
        nodes = self._root.nodes
        full: list[list[Any]] = []
        i = start
        while i < len(nodes):
            results = ev.walk([data], nodes[i])
            if ev.end_range > 0 and ev.end_range <= ev.in_range:
                ev.end_range -= 1
                ev.last_end = i
                break
            if ev.begin_range > 0:
                ev.begin_range -= 1
                ev.in_range += 1
                if results:
                    for value in results:
                        full.extend(self._find(value, i + 1, ev))
                else:
                    self._find(_NOTHING, i + 1, ev)
                ev.in_range -= 1
                for k in range(i + 1, len(nodes)):
                    if k == ev.last_end:
                        i = k
                        break
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    def find_results(self, data: Any, allow_missing_keys: bool = True) -> list[list[Any]]:
        """Raw results, one list per top-level template node (texts included), like FindResults.

        Raises ``JSONPathError`` whose message is the bare engine error.
        """
        ev = _Evaluator(allow_missing_keys)
        try:
            return self._find(data, 0, ev)
        except _EvalError as e:
            raise JSONPathError(str(e)) from None

    @staticmethod
    def format_value(v: Any) -> str:
        """How ``-o jsonpath`` prints one result value."""
        if isinstance(v, (dict, list, tuple)):
            return go_json(v)
        if v is None:
            return "null"
        return go_sprint(v)

    def execute(self, data: Any, allow_missing_keys: bool = True) -> str:
        """Render the template against ``data`` as ``kubectl -o jsonpath`` would (no newline added).

        On failure raises ``JSONPathError``: ``.message`` is kubectl's full printer text
        (``error executing jsonpath "<tmpl>": Error executing template: ...``; it ends with two
        newlines, kubectl's final newline is left to the caller) and ``.raw`` the bare error.
        """
        try:
            results = self.find_results(data, allow_missing_keys)
        except JSONPathError as e:
            raise JSONPathError(self.execution_message(e.raw, data), raw=e.raw) from None
        return "".join(" ".join(self.format_value(v) for v in res) for res in results)

    def execute_json(self, data: Any, allow_missing_keys: bool = True) -> str:
        """``-o jsonpath-as-json``: each result group as a 4-space indented JSON array, plus newline."""
        try:
            results = self.find_results(data, allow_missing_keys)
        except JSONPathError as e:
            raise JSONPathError(self.execution_message(e.raw, data), raw=e.raw) from None
        return "".join(go_json_indent(list(res)) + "\n" for res in results)

    def execution_message(self, raw: str, data: Any) -> str:
        return (
            f"error executing jsonpath {_go_strconv_quote(self.template)}: "
            f"Error executing template: {raw}. Printing more information for debugging the template:\n"
            f"\ttemplate was:\n\t\t{self.template}\n"
            f"\tobject given to jsonpath engine was:\n\t\t{go_sharp_v(data)}\n\n"
        )


_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$")


def relaxed(expr: str) -> str:
    """kubectl RelaxedJSONPathExpression: ``a.b``, ``.a.b``, ``{a.b}``, ``{.a.b}`` all become ``{.a.b}``."""
    if expr == "":
        return expr
    m = _RELAXED.match(expr)
    if m is None:
        raise ClientError(
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"
        )
    spec = m.group(1) if m.group(1) else m.group(2)
    return "{." + spec + "}"


def _split_wait_input(text: str) -> list[str]:
    """kubectl wait splitJSONPathInput: split on single ``=``; ``==`` stays inside an element."""
    out: list[str] = []
    cur: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "=":
            if i < len(text) - 1 and text[i + 1] == "=":
                cur.append("==")
                i += 2
                continue
            out.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(text[i])
        i += 1
    out.append("".join(cur))
    return out


class WaitJSONPath:
    """``kubectl wait --for=jsonpath='{expr}'[=value]`` (kubectl ``pkg/cmd/wait/json.go``).

    Build it from the text after ``jsonpath=``; ``check(obj)`` says whether the condition holds.
    Every failure raises ``ClientError`` with kubectl's message.
    """

    def __init__(self, spec: str) -> None:
        parts = _split_wait_input(spec)
        if len(parts) < 1 or len(parts) > 2:
            raise ClientError(
                "jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 "
                "or --for=jsonpath='{.status.readyReplicas}'"
            )
        self.expression = relaxed(parts[0])
        self.value: str | None = None
        if len(parts) == 2:
            value = parts[1].strip("'\"")
            if value == "":
                raise ClientError(
                    "jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3"
                )
            self.value = value
        if self.expression == "":
            raise ClientError("jsonpath expression cannot be empty")
        try:
            self._parser = JSONPath(self.expression)
        except JSONPathError as e:
            raise ClientError(e.raw) from None

    def check(self, obj: Any) -> bool:
        try:
            results = self._parser.find_results(obj, allow_missing_keys=True)
        except JSONPathError as e:
            raise ClientError(e.raw) from None
        if len(results) == 0 or len(results[0]) == 0:
            return False
        if len(results) > 1:
            raise ClientError("given jsonpath expression matches more than one list")
        if len(results[0]) > 1:
            raise ClientError("given jsonpath expression matches more than one value")
        if self.value is None:
            return True
        found = results[0][0]
        if isinstance(found, (dict, list, tuple)):
            raise ClientError("jsonpath leads to a nested object or list which is not supported")
        return go_sprint(found).strip() == self.value.strip()

"""kubectl's ``-o go-template``: Go's text/template language over an object decoded from JSON.

The data is what kubectl hands its template printer: ``map[string]interface{}`` whose integers are int64 and
whose other numbers are float64 (Python ``int`` / ``float``), ``[]interface{}``, string, bool and nil.
Integer literals in a template are Go ``int`` (``_Int`` here, so ``%T`` and error texts name them right).

Public API:

* ``GoTemplate(text)`` parses (``TemplateParseError`` with Go's message on failure).
* ``GoTemplate.execute(data, allow_missing_keys=True) -> str``; on failure ``TemplateExecError`` carrying
  Go's message and ``partial``, the text written before the failure (kubectl prints it).

* ``sprintf(format, args)``: Go's ``fmt.Sprintf`` over such values.

The whole language is here: actions, pipelines, parenthesised calls, variables (``:=`` and ``=``), ``if`` /
``else if`` / ``with`` / ``else with`` / ``range`` (maps in sorted key order) with ``else``, ``break``,
``continue``, ``define`` / ``template`` / ``block``, trim markers, comments, every literal, the builtin
functions and kubectl's ``base64decode`` and ``exists``.  ``call`` exists but always fails: decoded JSON
holds no functions.  Known differences: a string sliced or indexed inside a UTF-8 sequence prints U+FFFD
where Go writes the raw bytes, and nested ``{{template}}`` calls stop at depth 100 (Go: 100000).

Errors carry Go's texts and positions (``template: output:1:2: executing "output" at <.x.y>: ...``): the
parser and evaluator follow text/template's own structure (lexer items, the node each step records for
error context, the unwrapping of interface values at the end of a pipeline) so that they agree.
"""

from __future__ import annotations

from minikctl.kube import gofmt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["GoTemplate", "TemplateParseError", "TemplateExecError", "sprintf"]

NAME = "output"


class TemplateParseError(Exception):
    pass


class TemplateExecError(Exception):
    def __init__(self, message: str, partial: str) -> None:
        super().__init__(message)
        self.message = message
        self.partial = partial


class _Int(int):
    """A Go ``int`` (template literal or a function's int result), as opposed to int64 from the data."""


class _NoValue:
    """An invalid reflect.Value: a missing map key. Prints as ``<no value>``."""

    def __repr__(self) -> str:
        return "<no value>"


NOVALUE = _NoValue()


def type_name(v: Any, nil_name: str = "interface {}") -> str:
    if isinstance(v, complex):
        return "complex128"
    if isinstance(v, _Int) and not isinstance(v, bool):
        return "int"
    return gofmt.type_name(v, nil_name)


# ---------------------------------------------------------------------------
# Lexer


_KEYWORDS = {"block", "break", "continue", "define", "else", "end", "if", "range", "nil", "template", "with"}
_SPACE = " \t\r\n"


class _Item:
    __slots__ = ("typ", "val", "pos", "line")

    def __init__(self, typ: str, val: str, pos: int, line: int) -> None:
        self.typ, self.val, self.pos, self.line = typ, val, pos, line

    def __str__(self) -> str:
        if self.typ == "eof":
            return "EOF"
        if self.typ == "error":
            return self.val
        if self.typ == "keyword":
            return f"<{self.val}>"
        if len(self.val) > 10:
            return gofmt.quote(self.val[:10]) + "..."
        return gofmt.quote(self.val)


def _is_alnum(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or ch.isdigit()


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[_Item] = []
        self.line = 1

    def emit(self, typ: str, start: int, end: int) -> None:
        self.items.append(_Item(typ, self.text[start:end], start, self.line))
        self.line += self.text.count("\n", start, end)

    def fail(self, msg: str, pos: int) -> list[_Item]:
        self.items.append(_Item("error", msg, pos, self.line))
        return self.items

    def run(self) -> list[_Item]:
        t = self.text
        pos = 0
        trim_next = False
        while True:
            i = t.find("{{", pos)
            end = len(t) if i < 0 else i
            text_start = pos
            if trim_next:
                while text_start < end and t[text_start] in _SPACE:
                    text_start += 1
                # the skipped whitespace still counts for line numbers
                self.line += t.count("\n", pos, text_start)
            if i < 0:
                if text_start < end:
                    self.emit("text", text_start, end)
                self.items.append(_Item("eof", "", len(t), self.line))
                return self.items
            trim_left = t.startswith("{{- ", i) or (t.startswith("{{-", i) and i + 3 < len(t) and t[i + 3] in _SPACE)
            text_end = end
            if trim_left:
                while text_end > text_start and t[text_end - 1] in _SPACE:
                    text_end -= 1
            if text_start < text_end:
                self.emit("text", text_start, text_end)
            self.line += t.count("\n", text_end, i)
            after = i + 2 + (2 if trim_left else 0)
            if t.startswith("/*", after):
                close = t.find("*/", after + 2)
                if close < 0:
                    return self.fail("unclosed comment", after)
                self.line += t.count("\n", i, close)
                p = close + 2
                trim_next = False
                if t.startswith(" -}}", p) or (p + 3 < len(t) and t[p] in _SPACE and t.startswith("-}}", p + 1)):
                    trim_next = True
                    p += 4
                elif t.startswith("}}", p):
                    p += 2
                else:
                    return self.fail("comment ends before closing delimiter", p)
                pos = p
                continue
            self.items.append(_Item("{{", "{{", i, self.line))
            res = self.action(after)
            if res is None:
                return self.items
            pos, trim_next = res

    def _right_delim(self, p: int) -> tuple[bool, bool]:
        t = self.text
        if t.startswith("}}", p):
            return True, False
        if p + 3 < len(t) and t[p] in _SPACE and t.startswith("-}}", p + 1):
            return True, True
        return False, False

    def action(self, p: int) -> tuple[int, bool] | None:
        t = self.text
        depth = 0
        n = len(t)
        while True:
            at, trim = self._right_delim(p)
            if at:
                if depth:
                    self.fail("unclosed left paren", p)
                    return None
                start = p + (2 if trim else 0)
                self.items.append(_Item("}}", "}}", start, self.line))
                return p + (4 if trim else 2), trim
            if p >= n:
                self.fail("unclosed action", p)
                return None
            ch = t[p]
            if ch in _SPACE:
                q = p
                while q < n and t[q] in _SPACE and not self._right_delim(q)[0]:
                    q += 1
                self.emit("space", p, q)
                p = q
            elif ch == "=":
                self.emit("=", p, p + 1)
                p += 1
            elif ch == ":":
                if not t.startswith(":=", p):
                    self.fail("expected :=", p)
                    return None
                self.emit(":=", p, p + 2)
                p += 2
            elif ch == "|":
                self.emit("|", p, p + 1)
                p += 1
            elif ch == '"':
                q = p + 1
                while True:
                    if q >= n or t[q] == "\n":
                        self.fail("unterminated quoted string", p)
                        return None
                    if t[q] == "\\":
                        q += 2
                        continue
                    if t[q] == '"':
                        break
                    q += 1
                self.emit("string", p, q + 1)
                p = q + 1
            elif ch == "`":
                q = t.find("`", p + 1)
                if q < 0:
                    self.fail("unterminated raw quoted string", p)
                    return None
                self.emit("rawstring", p, q + 1)
                p = q + 1
            elif ch == "'":
                q = p + 1
                while True:
                    if q >= n or t[q] == "\n":
                        self.fail("unterminated character constant", p)
                        return None
                    if t[q] == "\\":
                        q += 2
                        continue
                    if t[q] == "'":
                        break
                    q += 1
                self.emit("char", p, q + 1)
                p = q + 1
            elif ch == "$":
                q = p + 1
                while q < n and _is_alnum(t[q]):
                    q += 1
                self.emit("variable", p, q)
                p = q
                if not self._terminator(p):
                    self.fail(f"bad character {gofmt.rune_repr(t[p])}", p)
                    return None
            elif ch == "." and p + 1 < n and t[p + 1].isdigit() and t[p + 1].isascii():
                p = self.number(p)
                if p < 0:
                    return None
            elif ch == ".":
                q = p + 1
                while q < n and _is_alnum(t[q]):
                    q += 1
                if q == p + 1 and self._terminator(q):
                    self.emit("dot", p, q)
                elif not self._terminator(q):
                    self.fail(f"bad character {gofmt.rune_repr(t[q])}", q)
                    return None
                else:
                    self.emit("field", p, q)
                p = q
            elif ch in "+-" or (ch.isdigit() and ch.isascii()):
                p = self.number(p)
                if p < 0:
                    return None
            elif _is_alnum(ch):
                q = p
                while q < n and _is_alnum(t[q]):
                    q += 1
                word = t[p:q]
                if not self._terminator(q):
                    self.fail(f"bad character {gofmt.rune_repr(t[q])}", q)
                    return None
                typ = "keyword" if word in _KEYWORDS else "bool" if word in ("true", "false") else "identifier"
                if word == "nil":
                    typ = "nil"
                self.emit(typ, p, q)
                p = q
            elif ch == "(":
                depth += 1
                self.emit("(", p, p + 1)
                p += 1
            elif ch == ")":
                depth -= 1
                if depth < 0:
                    self.fail("unexpected right paren", p)
                    return None
                self.emit(")", p, p + 1)
                p += 1
            elif ch.isascii() and ch.isprintable():
                self.emit("punct", p, p + 1)
                p += 1
            else:
                self.fail(f"unrecognized character in action: {gofmt.rune_repr(ch)}", p)
                return None

    def _terminator(self, p: int) -> bool:
        t = self.text
        if p >= len(t):
            return True
        ch = t[p]
        if ch in _SPACE or ch in ".,|:()":
            return True
        return t.startswith("}}", p)

    def scan_number(self, q: int) -> tuple[int, bool]:
        """Go's scanNumber from ``q``: the end, and False when an alphanumeric follows (one more taken)."""
        t = self.text
        n = len(t)
        if q < n and t[q] in "+-":
            q += 1
        digits = "0123456789_"
        if q < n and t[q] == "0":
            q += 1
            if q < n and t[q] in "xX":
                q += 1
                digits = "0123456789abcdefABCDEF_"
            elif q < n and t[q] in "oO":
                q += 1
                digits = "01234567_"
            elif q < n and t[q] in "bB":
                q += 1
                digits = "01_"
        while q < n and t[q] in digits:
            q += 1
        if q < n and t[q] == ".":
            q += 1
            while q < n and t[q] in digits:
                q += 1
        exp = "eE" if len(digits) == 11 else "pP" if len(digits) == 23 else ""
        if exp and q < n and t[q] in exp:
            q += 1
            if q < n and t[q] in "+-":
                q += 1
            while q < n and t[q] in "0123456789_":
                q += 1
        if q < n and t[q] == "i":
            q += 1
        if q < n and _is_alnum(t[q]):
            return q + 1, False
        return q, True

    def number(self, p: int) -> int:
        t = self.text
        q, ok = self.scan_number(p)
        if ok and q < len(t) and t[q] in "+-":  # a complex constant: 1+2i, no spaces, ends in i
            q, ok = self.scan_number(q)
            ok = ok and t[q - 1] == "i"
        if not ok:
            self.fail(f"bad number syntax: {gofmt.quote(t[p:q])}", p)
            return -1
        self.emit("number", p, q)
        return q


# ---------------------------------------------------------------------------
# Parse tree


class _Node:
    pos = 0

    def __str__(self) -> str:  # Go's Node.String()
        return ""


class _Text(_Node):
    def __init__(self, pos: int, text: str) -> None:
        self.pos, self.text = pos, text


class _Dot(_Node):
    def __init__(self, pos: int) -> None:
        self.pos = pos

    def __str__(self) -> str:
        return "."


class _Nil(_Node):
    def __init__(self, pos: int) -> None:
        self.pos = pos

    def __str__(self) -> str:
        return "nil"


class _Bool(_Node):
    def __init__(self, pos: int, val: bool) -> None:
        self.pos, self.val = pos, val

    def __str__(self) -> str:
        return "true" if self.val else "false"


class _Number(_Node):
    def __init__(self, pos: int, text: str, val: Any) -> None:
        self.pos, self.text, self.val = pos, text, val

    def __str__(self) -> str:
        return self.text


class _String(_Node):
    def __init__(self, pos: int, quoted: str, val: str) -> None:
        self.pos, self.quoted, self.val = pos, quoted, val

    def __str__(self) -> str:
        return self.quoted


class _Field(_Node):
    def __init__(self, pos: int, idents: list[str]) -> None:
        self.pos, self.idents = pos, idents

    def __str__(self) -> str:
        return "".join("." + i for i in self.idents)


class _Variable(_Node):
    def __init__(self, pos: int, idents: list[str]) -> None:
        self.pos, self.idents = pos, idents

    def __str__(self) -> str:
        return ".".join(self.idents)


class _Identifier(_Node):
    def __init__(self, pos: int, name: str) -> None:
        self.pos, self.name = pos, name

    def __str__(self) -> str:
        return self.name


class _Chain(_Node):
    def __init__(self, pos: int, node: _Node, fields: list[str]) -> None:
        self.pos, self.node, self.fields = pos, node, fields

    def __str__(self) -> str:
        s = f"({self.node})" if isinstance(self.node, _Pipe) else str(self.node)
        return s + "".join("." + f for f in self.fields)


class _Command(_Node):
    def __init__(self, pos: int) -> None:
        self.pos = pos
        self.args: list[_Node] = []

    def __str__(self) -> str:
        return " ".join(f"({a})" if isinstance(a, _Pipe) else str(a) for a in self.args)


class _Pipe(_Node):
    def __init__(self, pos: int) -> None:
        self.pos = pos
        self.decl: list[_Variable] = []
        self.is_assign = False
        self.cmds: list[_Command] = []

    def __str__(self) -> str:
        s = ""
        if self.decl:
            s = ", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := ")
        return s + " | ".join(str(c) for c in self.cmds)


class _Action(_Node):
    def __init__(self, pos: int, pipe: _Pipe) -> None:
        self.pos, self.pipe = pos, pipe


class _Control(_Node):
    def __init__(self, kind: str, pos: int, pipe: _Pipe, body: list, else_body: list | None) -> None:
        self.kind, self.pos, self.pipe, self.body, self.else_body = kind, pos, pipe, body, else_body


class _TemplateCall(_Node):
    def __init__(self, pos: int, name: str, pipe: _Pipe | None) -> None:
        self.pos, self.name, self.pipe = pos, name, pipe

    def __str__(self) -> str:
        return "{{template " + gofmt.quote(self.name) + (f" {self.pipe}" if self.pipe else "") + "}}"


class _Break(_Node):
    def __init__(self, pos: int, kind: str) -> None:
        self.pos, self.kind = pos, kind


class _End(_Node):
    def __init__(self, pos: int) -> None:
        self.pos = pos

    def __str__(self) -> str:
        return "{{end}}"


class _Else(_Node):
    def __init__(self, pos: int, line: int) -> None:
        self.pos, self.line = pos, line

    def __str__(self) -> str:
        return "{{else}}"


# ---------------------------------------------------------------------------
# Parser


_FUNCS = {"and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt", "le", "gt",
          "ge", "html", "js", "urlquery", "call", "base64decode", "exists"}


def _unquote(s: str) -> str:
    """strconv.Unquote of a Go string or char literal (already lexed, so well delimited)."""
    if s[0] == "`":
        return s[1:-1].replace("\r", "")
    body = s[1:-1]
    out: list[str] = []
    i = 0
    simple = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"',
              "'": "'"}
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        e = body[i + 1] if i + 1 < len(body) else ""
        if e in simple and (e != "'" or s[0] == "'") and (e != '"' or s[0] == '"'):
            out.append(simple[e])
            i += 2
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            hexd = body[i + 2:i + 2 + width]
            if len(hexd) != width or any(c not in "0123456789abcdefABCDEF" for c in hexd):
                raise ValueError
            out.append(chr(int(hexd, 16)) if e != "x" else bytes([int(hexd, 16)]).decode("latin-1"))
            i += 2 + width
        elif e in "01234567":
            octd = body[i + 1:i + 4]
            if len(octd) != 3 or any(c not in "01234567" for c in octd) or int(octd, 8) > 255:
                raise ValueError
            out.append(chr(int(octd, 8)))
            i += 4
        else:
            raise ValueError
    return "".join(out)


_OVERFLOW = object()  # an integer literal beyond int64: an error when executed ("... overflows int")


def _parse_number(text: str) -> Any:
    """The value of a number literal (Go's parse.newNumber): _Int, float, complex or _OVERFLOW (an integer
    beyond int64 that fits uint64, an error only when executed); ValueError(message) if Go rejects it."""
    import re

    illegal = ValueError(f"illegal number syntax: {gofmt.quote(text)}")
    if text.endswith("i"):
        m = re.fullmatch(r"([+-]?[0-9_.eE]+?)?([+-]?[0-9_.eE]*)i", text)
        try:
            if m and m.group(1) and m.group(2):
                return complex(float(m.group(1).replace("_", "")), float(m.group(2).replace("_", "")))
            return complex(0, float(text[:-1].replace("_", "")))
        except ValueError:
            raise illegal from None
    clean = text.replace("_", "")
    v = None
    body = clean.lstrip("+-")
    try:
        if re.fullmatch(r"0[0-7]+", body):
            v = int(body, 8)
        elif re.fullmatch(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[1-9][0-9]*|0", body):
            v = int(body, 0)
    except ValueError:
        v = None
    if v is not None:
        v = -v if clean.startswith("-") else v
        if gofmt.INT64_MIN <= v <= gofmt.INT64_MAX:
            return _Int(v)
        if 0 <= v < 1 << 64:
            return _OVERFLOW
    try:
        f = float.fromhex(clean) if body[:2] in ("0x", "0X") else float(clean)
    except (ValueError, OverflowError):
        raise illegal from None
    if f != f or f in (float("inf"), float("-inf")):
        raise illegal
    if not any(c in text for c in ".eEpP"):
        raise ValueError(f"integer overflow: {gofmt.quote(text)}")
    return f


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items = _Lexer(text).run()
        self.i = 0
        self.vars = ["$"]
        self.range_depth = 0
        self.cur: _Item = self.items[0]
        self.templates: dict[str, list] = {}

    def errorf(self, msg: str) -> None:
        raise TemplateParseError(f"template: {NAME}:{self.cur.line}: {msg}")

    def next(self) -> _Item:
        it = self.items[min(self.i, len(self.items) - 1)]
        self.i += 1
        self.cur = it
        return it

    def peek(self) -> _Item:
        return self.items[min(self.i, len(self.items) - 1)]

    def backup(self, n: int = 1) -> None:
        self.i -= n

    def next_non_space(self) -> _Item:
        it = self.next()
        while it.typ == "space":
            it = self.next()
        return it

    def peek_non_space(self) -> _Item:
        it = self.next_non_space()
        self.backup()
        return it

    def unexpected(self, it: _Item, context: str) -> None:
        if it.typ == "error":
            self.errorf(it.val)
        self.errorf(f"unexpected {it} in {context}")

    def expect(self, typ: str, context: str) -> _Item:
        it = self.next_non_space()
        if it.typ != typ:
            self.unexpected(it, context)
        return it

    def parse(self) -> list:
        nodes: list = []
        while self.peek().typ != "eof":
            if self.peek().typ == "{{":
                save = self.i
                self.next()
                kw = self.next_non_space()
                if kw.typ == "keyword" and kw.val == "define":
                    self.definition()
                    continue
                self.i = save
            n = self.text_or_action()
            if isinstance(n, (_End, _Else)):
                self.errorf(f"unexpected {n}")
            if n is not None:
                nodes.append(n)
        it = self.peek()
        if it.typ == "error":
            self.cur = it
            self.errorf(it.val)
        return nodes

    def add_template(self, name: str, nodes: list) -> None:
        empty = all(isinstance(n, _Text) and not n.text.strip() for n in nodes)
        old = self.templates.get(name)
        if old is None or all(isinstance(n, _Text) and not n.text.strip() for n in old):
            self.templates[name] = nodes
        elif not empty:
            self.errorf(f"template: multiple definition of template {gofmt.quote(name)}")

    def template_name(self, context: str) -> str:
        tok = self.next_non_space()
        if tok.typ not in ("string", "rawstring"):
            self.unexpected(tok, context)
        try:
            return _unquote(tok.val)
        except ValueError:
            self.errorf("invalid syntax")
        raise AssertionError

    def nested_tree(self, context: str) -> list:
        """A define's or block's body: a tree of its own (only $ is in scope, no enclosing range)."""
        saved_vars, saved_depth = self.vars, self.range_depth
        self.vars, self.range_depth = ["$"], 0
        body, end = self.item_list()
        if not isinstance(end, _End):
            self.errorf(f"unexpected {end} in {context}")
        self.vars, self.range_depth = saved_vars, saved_depth
        return body

    def definition(self) -> None:
        context = "define clause"
        name = self.template_name(context)
        self.expect("}}", context)
        self.add_template(name, self.nested_tree(context))

    def item_list(self) -> tuple[list, _Node]:
        nodes: list = []
        while self.peek_non_space().typ != "eof":
            n = self.text_or_action()
            if isinstance(n, (_End, _Else)):
                return nodes, n
            if n is not None:
                nodes.append(n)
        it = self.peek_non_space()
        self.cur = it
        if it.typ == "error":
            self.errorf(it.val)
        self.errorf("unexpected EOF")
        raise AssertionError

    def text_or_action(self) -> _Node | None:
        it = self.next_non_space()
        if it.typ == "text":
            return _Text(it.pos, it.val)
        if it.typ == "{{":
            return self.action()
        if it.typ == "error":
            self.errorf(it.val)
        self.unexpected(it, "input")
        return None

    def action(self) -> _Node:
        it = self.next_non_space()
        if it.typ == "keyword":
            w = it.val
            if w in ("if", "range", "with"):
                return self.control(w, it)
            if w == "end":
                self.expect("}}", "end")
                return _End(it.pos)
            if w == "else":
                return self.else_(it)
            if w in ("break", "continue"):
                self.expect("}}", w)
                if self.range_depth == 0:
                    self.errorf(f"{{{{{w}}}}} outside {{{{range}}}}")
                return _Break(it.pos, w)
            if w == "template":
                tok = self.peek_non_space()
                name = self.template_name("template clause")
                pipe = None
                if self.next_non_space().typ != "}}":
                    self.backup()
                    pipe = self.pipeline("template clause", "}}")
                return _TemplateCall(tok.pos, name, pipe)
            if w == "block":
                tok = self.peek_non_space()
                name = self.template_name("block clause")
                pipe = self.pipeline("block clause", "}}")
                self.add_template(name, self.nested_tree("block clause"))
                return _TemplateCall(tok.pos, name, pipe)
        self.backup()
        return _Action(it.pos, self.pipeline("command", "}}"))

    def else_(self, it: _Item) -> _Node:
        nxt = self.peek_non_space()
        if nxt.typ == "keyword" and nxt.val in ("if", "with"):
            return _Else(it.pos, it.line)  # "else if"/"else with": the keyword stays for the caller
        self.expect("}}", "else")
        return _Else(it.pos, it.line)

    def control(self, kind: str, it: _Item) -> _Node:
        mark = len(self.vars)
        pipe = self.pipeline(kind, "}}")
        if kind == "range":
            self.range_depth += 1
        body, nxt = self.item_list()
        if kind == "range":
            self.range_depth -= 1
        else_body = None
        if isinstance(nxt, _Else):
            follow = self.peek_non_space()
            if kind in ("if", "with") and follow.typ == "keyword" and follow.val == kind:
                kw = self.next_non_space()
                else_body = [self.control(kind, kw)]
            else:
                if kind == "range":
                    self.range_depth += 1
                else_body, nxt = self.item_list()
                if kind == "range":
                    self.range_depth -= 1
                if not isinstance(nxt, _End):
                    self.errorf(f"expected end; found {nxt}")
        del self.vars[mark:]
        return _Control(kind, it.pos, pipe, body, else_body)

    def pipeline(self, context: str, end: str) -> _Pipe:
        tok = self.peek_non_space()
        pipe = _Pipe(tok.pos)
        while True:  # declarations: $x :=, $x =, and range's $i, $e :=
            v = self.peek_non_space()
            if v.typ != "variable":
                break
            save = self.i
            self.next()
            nxt = self.peek_non_space()
            if nxt.typ in (":=", "="):
                pipe.is_assign = nxt.typ == "="
                self.next_non_space()
                pipe.decl.append(_Variable(v.pos, [v.val]))
                self.vars.append(v.val)
            elif nxt.typ == "punct" and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(_Variable(v.pos, [v.val]))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().typ in ("variable", "}}", ")"):
                        continue  # the second variable of a range
                    self.errorf("range can only initialize variables")
                self.errorf(f"too many declarations in {context}")
            else:
                self.i = save  # not a declaration: $x is the pipeline's first operand
            break
        while True:
            tok = self.next_non_space()
            if tok.typ == end:
                self.check_pipeline(pipe, context)
                return pipe
            if tok.typ in ("bool", "char", "number", "dot", "field", "identifier", "nil", "rawstring", "string",
                           "variable", "("):
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(tok, context)

    def check_pipeline(self, pipe: _Pipe, context: str) -> None:
        if not pipe.cmds:
            self.errorf(f"missing value for {context}")
        for i, c in enumerate(pipe.cmds[1:]):
            if isinstance(c.args[0], (_Bool, _Dot, _Nil, _Number, _String)):
                self.errorf(f"non executable command in pipeline stage {i + 2}")

    def command(self) -> _Command:
        cmd = _Command(self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            op = self.operand()
            if op is not None:
                cmd.args.append(op)
            tok = self.next()
            if tok.typ == "space":
                continue
            if tok.typ in ("}}", ")"):
                self.backup()
            elif tok.typ == "|":
                pass
            else:
                self.unexpected(tok, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def operand(self) -> _Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().typ == "field":
            chain_pos = self.peek().pos
            fields = []
            while self.peek().typ == "field":
                fields.append(self.next().val[1:])
            if isinstance(node, _Field):
                node = _Field(chain_pos, node.idents + fields)
            elif isinstance(node, _Variable):
                node = _Variable(chain_pos, node.idents + fields)
            elif isinstance(node, (_Bool, _String, _Number, _Nil, _Dot)):
                self.errorf(f"unexpected . after term {gofmt.quote(str(node))}")
            else:
                node = _Chain(chain_pos, node, fields)
        return node

    def term(self) -> _Node | None:
        tok = self.next_non_space()
        typ = tok.typ
        if typ == "identifier":
            if tok.val not in _FUNCS:
                self.errorf(f"function {gofmt.quote(tok.val)} not defined")
            return _Identifier(tok.pos, tok.val)
        if typ == "dot":
            return _Dot(tok.pos)
        if typ == "nil":
            return _Nil(tok.pos)
        if typ == "variable":
            if tok.val not in self.vars:
                self.errorf(f"undefined variable {gofmt.quote(tok.val)}")
            return _Variable(tok.pos, [tok.val])
        if typ == "field":
            return _Field(tok.pos, [tok.val[1:]])
        if typ == "bool":
            return _Bool(tok.pos, tok.val == "true")
        if typ == "char" and tok.val.startswith("'"):
            try:
                u = _unquote(tok.val)
            except ValueError:
                u = ""
            if len(u) != 1:
                self.errorf(f"malformed character constant: {tok.val}")
            return _Number(tok.pos, tok.val, _Int(ord(u)))
        if typ in ("char", "number"):
            try:
                return _Number(tok.pos, tok.val, _parse_number(tok.val))
            except ValueError as e:
                self.errorf(str(e))
        if typ == "(":
            pipe = self.pipeline("parenthesized pipeline", ")")
            return pipe
        if typ in ("string", "rawstring"):
            try:
                return _String(tok.pos, tok.val, _unquote(tok.val))
            except ValueError:
                self.errorf("invalid syntax")
        self.backup()
        return None


# ---------------------------------------------------------------------------
# Evaluation


_MAX_DEPTH = 100  # Go allows 100000 nested {{template}} calls; Python's stack ends well before that


class _ExecError(Exception):
    pass


class _BreakLoop(Exception):
    pass


class _ContinueLoop(Exception):
    pass


class _State:
    def __init__(self, tmpl: GoTemplate, missing_error: bool) -> None:
        self.tmpl = tmpl
        self.missing_error = missing_error
        self.out: list[str] = []
        self.node: _Node | None = None
        self.vars: list[tuple[str, Any]] = []
        self.dot_iface = False  # dot is a range element (an interface{} value), not a pipeline's value
        self.name = NAME  # the template being executed
        self.depth = 0

    # errors -------------------------------------------------------------

    def at(self, node: _Node) -> None:
        self.node = node

    def errorf(self, msg: str) -> None:
        if self.node is None:
            raise _ExecError(f"template: {NAME}: {msg}")
        text = self.tmpl.text
        pos = self.node.pos
        before = text[:pos]
        nl = before.rfind("\n")
        col = len(before.encode()) if nl < 0 else len(before[nl + 1:].encode())
        line = 1 + before.count("\n")
        raise _ExecError(f'template: {NAME}:{line}:{col}: executing {gofmt.quote(self.name)} at <{self.node}>: {msg}')

    # variables ----------------------------------------------------------

    def var(self, name: str) -> Any:
        for n, v in reversed(self.vars):
            if n == name:
                return v
        self.errorf(f"undefined variable: {name}")

    def set_var(self, name: str, value: Any) -> None:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i] = (name, value)
                return
        self.errorf(f"undefined variable: {name}")

    # walking ------------------------------------------------------------

    def walk_list(self, dot: Any, nodes: list) -> None:
        for n in nodes:
            self.walk(dot, n)

    def walk(self, dot: Any, node: _Node) -> None:
        self.at(node)
        if isinstance(node, _Text):
            self.out.append(node.text)
        elif isinstance(node, _Action):
            val = self.pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.at(node)
                self.out.append(_print_value(val))
        elif isinstance(node, _Control):
            mark = len(self.vars)
            try:
                if node.kind == "range":
                    self.walk_range(dot, node)
                else:
                    val = self.pipeline(dot, node.pipe)
                    if _truth(val):
                        if node.kind == "with":
                            saved, self.dot_iface = self.dot_iface, False
                            try:
                                self.walk_list(val, node.body)
                            finally:
                                self.dot_iface = saved
                        else:
                            self.walk_list(dot, node.body)
                    elif node.else_body is not None:
                        self.walk_list(dot, node.else_body)
            finally:
                del self.vars[mark:]
        elif isinstance(node, _Break):
            raise _BreakLoop if node.kind == "break" else _ContinueLoop
        elif isinstance(node, _TemplateCall):
            body = self.tmpl.templates.get(node.name)
            if body is None:
                self.errorf(f"template {gofmt.quote(node.name)} not defined")
            if self.depth >= _MAX_DEPTH:
                self.errorf(f"exceeded maximum template depth ({_MAX_DEPTH})")
            new_dot = self.pipeline(dot, node.pipe) if node.pipe else NOVALUE
            saved = (self.vars, self.name, self.dot_iface)
            self.vars, self.name, self.dot_iface = [("$", new_dot)], node.name, False
            self.depth += 1
            try:
                self.walk_list(new_dot, body)
            finally:
                self.depth -= 1
                self.vars, self.name, self.dot_iface = saved

    def walk_range(self, dot: Any, r: _Control) -> None:
        val = self.pipeline(dot, r.pipe)
        mark = len(self.vars)

        def one(key: Any, elem: Any) -> bool:
            if r.pipe.decl:
                if r.pipe.is_assign:
                    if len(r.pipe.decl) > 1:
                        self.set_var(r.pipe.decl[0].idents[0], key)
                        self.set_var(r.pipe.decl[1].idents[0], elem)
                    else:
                        self.set_var(r.pipe.decl[0].idents[0], elem)
                else:
                    if len(r.pipe.decl) > 1:
                        self.vars[mark - 2] = (self.vars[mark - 2][0], key)
                        self.vars[mark - 1] = (self.vars[mark - 1][0], elem)
                    else:
                        self.vars[mark - 1] = (self.vars[mark - 1][0], elem)
            saved, self.dot_iface = self.dot_iface, True
            try:
                self.walk_list(elem, r.body)
            except _ContinueLoop:
                pass
            except _BreakLoop:
                return False
            finally:
                self.dot_iface = saved
                del self.vars[mark:]
            return True

        if isinstance(val, list):
            if val:
                for i, e in enumerate(val):
                    if not one(_Int(i), e):
                        break
                return
        elif isinstance(val, dict):
            if val:
                for k in sorted(val):
                    if not one(k, val[k]):
                        break
                return
        elif val is NOVALUE or val is None:
            pass
        else:
            self.errorf(f"range can't iterate over {gofmt.sprint(val)}")
        if r.else_body is not None:
            self.walk_list(dot, r.else_body)

    # expressions --------------------------------------------------------

    def pipeline(self, dot: Any, pipe: _Pipe) -> Any:
        self.at(pipe)
        value: Any = _MISSING
        for cmd in pipe.cmds:
            value = self.command(dot, cmd, value)
        if value is None:  # a nil interface{} becomes the invalid value
            value = NOVALUE
        for v in pipe.decl:
            if pipe.is_assign:
                self.set_var(v.idents[0], value)
            else:
                self.vars.append((v.idents[0], value))
        return value

    def not_a_function(self, args: list, final: Any) -> None:
        if len(args) > 1 or final is not _MISSING:
            self.errorf(f"can't give argument to non-function {args[0]}")

    def command(self, dot: Any, cmd: _Command, final: Any) -> Any:
        first = cmd.args[0]
        if isinstance(first, _Field):
            self.at(first)
            return self.field_chain(dot, dot, first.idents, cmd.args, final, not self.dot_iface)
        if isinstance(first, _Chain):
            return self.chain(dot, first, cmd.args, final)
        if isinstance(first, _Identifier):
            self.at(first)
            return self.call(dot, first.name, cmd, cmd.args, final)
        if isinstance(first, _Pipe):
            self.not_a_function(cmd.args, final)
            return self.pipeline(dot, first)
        if isinstance(first, _Variable):
            return self.variable(dot, first, cmd.args, final)
        self.at(first)
        self.not_a_function(cmd.args, final)
        if isinstance(first, _Bool):
            return first.val
        if isinstance(first, _Dot):
            return dot
        if isinstance(first, _Nil):
            self.errorf("nil is not a command")
        if isinstance(first, _Number):
            return self.ideal(first)
        if isinstance(first, _String):
            return first.val
        self.errorf(f"can't evaluate command {gofmt.quote(str(first))}")

    def ideal(self, n: _Number) -> Any:
        self.at(n)
        if n.val is _OVERFLOW:
            self.errorf(f"{n.text} overflows int")
        return n.val

    def chain(self, dot: Any, chain: _Chain, args: list, final: Any) -> Any:
        self.at(chain)
        if isinstance(chain.node, _Nil):
            self.errorf(f"indirection through explicit nil in {chain}")
        base = self.arg(dot, chain.node)
        return self.field_chain(dot, base, chain.fields, args, final)

    def variable(self, dot: Any, v: _Variable, args: list, final: Any) -> Any:
        self.at(v)
        value = self.var(v.idents[0])
        if len(v.idents) == 1:
            self.not_a_function(args, final)
            return value
        return self.field_chain(dot, value, v.idents[1:], args, final)

    def field_chain(self, dot: Any, receiver: Any, idents: list[str], args: list, final: Any,
                    concrete: bool = True) -> Any:
        # the first step's receiver is dot or a pipeline's value (concrete); later ones are map elements
        for i, name in enumerate(idents):
            last = i == len(idents) - 1
            receiver = self.field(name, receiver, concrete, args if last else None, final if last else _MISSING)
            concrete = False
        return receiver

    def field(self, name: str, receiver: Any, concrete: bool, args: list | None, final: Any) -> Any:
        if receiver is NOVALUE:
            if self.missing_error:
                self.errorf(f"nil data; no entry for key {gofmt.quote(name)}")
            return NOVALUE
        if receiver is None:
            self.errorf(f"nil pointer evaluating interface {{}}.{name}")
        if isinstance(receiver, dict):
            if (args is not None and len(args) > 1) or final is not _MISSING:
                self.errorf(f"{name} is not a method but has arguments")
            if name in receiver:
                return receiver[name]
            if self.missing_error:
                self.errorf(f"map has no entry for key {gofmt.quote(name)}")
            return NOVALUE
        typ = type_name(receiver) if concrete else "interface {}"
        self.errorf(f"can't evaluate field {name} in type {typ}")

    # arguments ------------------------------------------------------------

    def arg(self, dot: Any, n: _Node, kind: str = "any") -> Any:
        """evalArg: ``kind`` is "any" (interface{} / reflect.Value, nil passes) or "string"."""
        self.at(n)
        if isinstance(n, _Dot):
            v = dot
        elif isinstance(n, _Nil):
            if kind == "string":
                self.errorf("cannot assign nil to string")
            return NOVALUE if kind == "any" else None
        elif isinstance(n, _Field):
            v = self.field_chain(dot, dot, n.idents, [n], _MISSING, not self.dot_iface)
        elif isinstance(n, _Variable):
            v = self.variable(dot, n, [], _MISSING)
        elif isinstance(n, _Pipe):
            v = self.pipeline(dot, n)
        elif isinstance(n, _Identifier):
            v = self.call(dot, n.name, n, [n], _MISSING)
        elif isinstance(n, _Chain):
            v = self.chain(dot, n, [], _MISSING)
        else:
            if kind == "string":
                if isinstance(n, _String):
                    return n.val
                self.errorf(f"expected string; found {n}")
            if isinstance(n, _Bool):
                return n.val
            if isinstance(n, _Number):
                return self.ideal(n)
            if isinstance(n, _String):
                return n.val
            self.errorf(f"can't handle {n} for arg of type interface {{}}")
        return self.validate(v, kind)

    def validate(self, v: Any, kind: str) -> Any:
        if kind == "string":
            if v is NOVALUE:
                self.errorf("invalid value; expected string")
            if not isinstance(v, str):
                self.errorf(f"wrong type for value; expected string; got {type_name(v)}")
        elif kind == "iface" and v is NOVALUE:
            return None
        return v

    def call(self, dot: Any, name: str, node: _Node, args: list, final: Any) -> Any:
        args = args[1:]
        if name in ("and", "or"):
            if not args and final is _MISSING:
                self.errorf(f"wrong number of args for {name}: want at least 1 got 0")
            v: Any = None
            for a in args:
                v = self.arg(dot, a)
                if _truth(v) == (name == "or"):
                    return v
            if final is not _MISSING:
                v = final
            return v
        spec = _SIGNATURES[name]
        fixed, variadic = spec
        n_in = len(args) + (0 if final is _MISSING else 1)
        if variadic is None and n_in != len(fixed):
            self.errorf(f"wrong number of args for {name}: want {len(fixed)} got {n_in}")
        if variadic is not None and n_in < len(fixed):
            self.errorf(f"wrong number of args for {name}: want at least {len(fixed)} got {len(args)}")
        argv = []
        for i, a in enumerate(args):
            kind = fixed[i] if i < len(fixed) else variadic
            argv.append(self.arg(dot, a, kind))
        if final is not _MISSING:
            kind = fixed[len(args)] if len(args) < len(fixed) else variadic
            argv.append(self.validate(final, kind))
        if name == "call":
            self.at(node)
            if argv[0] is NOVALUE or argv[0] is None:
                self.errorf("error calling call: call of nil")
            self.errorf(f"error calling call: non-function {args[0] if args else final} of type {type_name(argv[0])}")
        try:
            result = _BUILTINS[name](*argv)
        except _FuncError as e:
            self.at(node)
            self.errorf(f"error calling {name}: {e}")
        return result


_MISSING = object()


class _FuncError(Exception):
    pass


# ---------------------------------------------------------------------------
# Values


def _truth(v: Any) -> bool:
    if v is NOVALUE or v is None:
        return False
    return bool(v)


def _print_value(v: Any) -> str:
    if v is NOVALUE:
        return "<no value>"
    return _sprint_one(v)


def _sprint_one(v: Any) -> str:
    if isinstance(v, complex):
        return "(" + _fmt_complex(v) + ")"
    return gofmt.sprint(v)


def _fmt_complex(c: complex) -> str:
    im = gofmt.format_float(c.imag)
    return gofmt.format_float(c.real) + ("" if im.startswith(("-", "+")) else "+") + im + "i"


def _printable(args: list) -> list:
    return ["<no value>" if a is NOVALUE or a is None else a for a in args]


def go_sprint(args: list) -> str:
    """fmt.Sprint: a space between operands when neither is a string."""
    out = []
    for i, a in enumerate(args):
        if i > 0 and not isinstance(a, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(_sprint_one(a))
    return "".join(out)


def go_sprintln(args: list) -> str:
    return " ".join(_sprint_one(a) for a in args) + "\n"


def _kind(v: Any) -> str:
    if v is NOVALUE or v is None:
        return "invalid"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, complex):
        return "complex"
    if isinstance(v, str):
        return "string"
    return "other"


_BAD_COMPARISON = "incompatible types for comparison"
_BAD_TYPE = "invalid type for comparison"


def _eq(a: Any, *others: Any) -> bool:
    if not others:
        raise _FuncError("missing argument for comparison")
    k1 = _kind(a)
    for b in others:
        k2 = _kind(b)
        if k1 != k2:
            if k1 != "invalid" and k2 != "invalid":
                raise _FuncError(_BAD_COMPARISON)
            truth = False
        elif k1 == "other":
            if type(a) is not type(b):
                raise _FuncError(f"non-comparable types {gofmt.sprint(a)}: {type_name(a)}, {type_name(b)}: "
                                 f"{gofmt.sprint(b)}")
            raise _FuncError(f"non-comparable type {gofmt.sprint(a)}: {type_name(a)}")
        elif k1 == "invalid":
            truth = True
        else:
            truth = a == b
        if truth:
            return True
    return False


def _ne(a: Any, b: Any) -> bool:
    return not _eq(a, b)


def _lt(a: Any, b: Any) -> bool:
    k1, k2 = _kind(a), _kind(b)
    if k1 in ("invalid", "other") or k2 in ("invalid", "other"):
        raise _FuncError(_BAD_TYPE)
    if k1 != k2:
        raise _FuncError(_BAD_COMPARISON)
    if k1 in ("bool", "complex"):
        raise _FuncError(_BAD_TYPE)
    return a < b


def _le(a: Any, b: Any) -> bool:
    return _lt(a, b) or _eq(a, b)


def _gt(a: Any, b: Any) -> bool:
    return not _le(a, b)


def _ge(a: Any, b: Any) -> bool:
    return not _lt(a, b)


def _not(a: Any) -> bool:
    return not _truth(a)


def _len(v: Any) -> _Int:
    if v is None:
        raise _FuncError("len of nil pointer")
    if v is NOVALUE:
        raise _FuncError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(v, str):
        return _Int(len(v.encode()))
    if isinstance(v, (list, dict)):
        return _Int(len(v))
    raise _FuncError(f"len of type {type_name(v)}")


def _index_arg(i: Any, cap: int) -> int:
    if i is NOVALUE or i is None:
        raise _FuncError("cannot index slice/array with nil")
    if isinstance(i, bool) or not isinstance(i, int):
        raise _FuncError(f"cannot index slice/array with type {type_name(i)}")
    if i < 0 or i > cap:
        raise _FuncError(f"index out of range: {i}")
    return i


def _index(item: Any, *indexes: Any) -> Any:
    if item is NOVALUE:
        raise _FuncError("index of untyped nil")
    for i in indexes:
        if item is None:
            raise _FuncError("index of nil pointer")
        if isinstance(item, (list, str)):
            seq = item.encode() if isinstance(item, str) else item
            x = _index_arg(i, len(seq))
            if x == len(seq):
                raise _FuncError(f"index out of range: {x}")
            item = _Int(seq[x]) if isinstance(item, str) else seq[x]
        elif isinstance(item, dict):
            if i is NOVALUE or i is None:
                raise _FuncError("value is nil; should be of type string")
            if not isinstance(i, str):
                raise _FuncError(f"value has type {type_name(i)}; should be string")
            item = item.get(i)
        else:
            raise _FuncError(f"can't index item of type {type_name(item)}")
    return item


def _slice(item: Any, *indexes: Any) -> Any:
    if item is NOVALUE or item is None:
        raise _FuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise _FuncError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, str):
        if len(indexes) == 3:
            raise _FuncError("cannot 3-index slice a string")
        seq: Any = item.encode()
    elif isinstance(item, list):
        seq = item
    else:
        raise _FuncError(f"can't slice item of type {type_name(item)}")
    idx = [0, len(seq), len(seq)]
    for n, i in enumerate(indexes):
        idx[n] = _index_arg(i, len(seq))
    if idx[0] > idx[1]:
        raise _FuncError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise _FuncError(f"invalid slice index: {idx[1]} > {idx[2]}")
    part = seq[idx[0]:idx[1]]
    return part.decode("utf-8", "replace") if isinstance(item, str) else part


def _eval_args(args: list) -> str:
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return go_sprint(_printable(args))


def _html(*args: Any) -> str:
    s = _eval_args(list(args))
    return (s.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;"))


_JS = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D"}


def _js(*args: Any) -> str:
    out = []
    for ch in _eval_args(list(args)):
        if ch in _JS:
            out.append(_JS[ch])
        elif ch < " ":
            out.append(f"\\u{ord(ch):04X}")
        elif ord(ch) >= 0x80 and not ch.isprintable():
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def _urlquery(*args: Any) -> str:
    out = []
    for b in _eval_args(list(args)).encode():
        ch = chr(b)
        if ch.isascii() and (ch.isalnum() or ch in "-_.~"):
            out.append(ch)
        elif ch == " ":
            out.append("+")
        else:
            out.append(f"%{b:02X}")
    return "".join(out)


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _base64decode(s: str) -> str:
    """base64.StdEncoding.DecodeString, with Go's error offsets."""
    def bad(at: int) -> None:
        raise _FuncError(f"base64 decode failed: illegal base64 data at input byte {at}")

    out = bytearray()
    si = 0
    n = len(s)
    while si < n:
        quantum: list[int] = []
        j = 0
        while j < 4:
            if si == n:
                if j == 0:
                    break
                bad(si - j)
            ch = s[si]
            si += 1
            if ch in "\r\n":
                continue
            if ch == "=":
                if j in (0, 1):
                    bad(si - 1)
                while si < n and s[si] in "\r\n":
                    si += 1
                if j == 2:
                    if si == n:
                        bad(n)
                    if s[si] != "=":
                        bad(si - 1)
                    si += 1
                    while si < n and s[si] in "\r\n":
                        si += 1
                if si < n:
                    bad(si)
                break
            k = _B64.find(ch)
            if k < 0 or not ch:
                bad(si - 1)
            quantum.append(k)
            j += 1
        if len(quantum) >= 2:
            v = 0
            for k in quantum + [0] * (4 - len(quantum)):
                v = (v << 6) | k
            out += v.to_bytes(3, "big")[: len(quantum) - 1]
        if len(quantum) < 4:
            break
    return out.decode("utf-8", "replace")


def _exists(item: Any, *indices: Any) -> bool:
    """kubectl's ``exists``: whether ``index item indices...`` would succeed."""
    v = item
    for i in indices:
        if v is None or v is NOVALUE:
            return False
        if isinstance(v, (list, str)):
            if isinstance(i, bool) or not isinstance(i, int):
                return False
            seq = v.encode() if isinstance(v, str) else v
            if i < 0 or i >= len(seq):
                return False
            v = seq[i]
        elif isinstance(v, dict):
            if not isinstance(i, str):
                return False
            v = v.get(i)
        else:
            return False
    return v is not None and v is not NOVALUE


def _printf(fmt: str, *args: Any) -> str:
    return sprintf(fmt, list(args))


_BUILTINS = {
    "not": _not, "len": _len, "index": _index, "slice": _slice, "eq": _eq, "ne": _ne, "lt": _lt, "le": _le,
    "gt": _gt, "ge": _ge, "html": _html, "js": _js, "urlquery": _urlquery, "base64decode": _base64decode,
    "exists": _exists, "printf": _printf, "call": None,
    "print": lambda *a: go_sprint(list(a)), "println": lambda *a: go_sprintln(list(a)),
}

# name -> (kinds of the fixed parameters, kind of the variadic ones or None)
_SIGNATURES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "not": (("any",), None), "len": (("any",), None), "index": (("any",), "any"), "slice": (("any",), "any"),
    "eq": (("any",), "any"), "ne": (("any", "any"), None), "lt": (("any", "any"), None),
    "le": (("any", "any"), None), "gt": (("any", "any"), None), "ge": (("any", "any"), None),
    "html": ((), "iface"), "js": ((), "iface"), "urlquery": ((), "iface"), "print": ((), "iface"),
    "println": ((), "iface"), "printf": (("string",), "iface"), "base64decode": (("string",), None),
    "exists": (("iface",), "iface"), "call": (("any",), "any"),
}


# ---------------------------------------------------------------------------
# fmt.Sprintf


class _Fmt:
    """One verb's flags, width and precision, and Go's fmt rules for printing an operand with them."""

    def __init__(self, flags: str, wid: int | None, prec: int | None, verb: str) -> None:
        self.minus = "-" in flags
        self.plus = "+" in flags
        self.sharp = "#" in flags
        self.space = " " in flags
        self.zero = False
        for ch in flags:  # Go: '0' pads with zeros only when no '-' came before; '-' cancels it
            if ch == "0":
                self.zero = not self.minus
            elif ch == "-":
                self.zero = False
        self.wid, self.prec = wid, prec
        self.plus_v = self.sharp_v = False
        if verb == "v":
            self.sharp_v, self.sharp = self.sharp, False
            self.plus_v, self.plus = self.plus, False

    # padding ---------------------------------------------------------------

    def pad(self, s: str, zero: bool | None = None) -> str:
        zero = self.zero if zero is None else zero
        if self.wid is None or len(s) >= self.wid:
            return s
        fill = ("0" if zero else " ") * (self.wid - len(s))
        return s + fill if self.minus else fill + s

    def trunc(self, s: str) -> str:
        return s[: self.prec] if self.prec is not None else s

    # operands --------------------------------------------------------------

    def arg(self, v: Any, verb: str) -> str:
        """printArg: an operand at the top level."""
        if v is None:
            if verb in "Tv":
                return self.pad("<nil>")
            return self.bad_verb(verb, v, top=True)
        if verb == "T":
            return self.pad(self.trunc(type_name(v, "<nil>")))
        return self.value(v, verb, 0)

    def value(self, v: Any, verb: str, depth: int) -> str:
        if isinstance(v, bool):
            if verb in "tv":
                return self.pad("true" if v else "false")
            return self.bad_verb(verb, v)
        if isinstance(v, int):
            return self.integer(v, verb)
        if isinstance(v, float):
            return self.float_(v, verb)
        if isinstance(v, complex):
            if verb not in "vbgGxXfFeE":
                return self.bad_verb(verb, v)
            saved = self.wid
            self.wid = None
            inner = "(" + self.float_(v.real, verb) + self._plus_sign(self.float_(v.imag, verb)) + "i)"
            self.wid = saved
            return self.pad(inner, False)
        if isinstance(v, str):
            return self.string(v, verb)
        if isinstance(v, dict):
            if self.sharp_v:
                parts = [self.value(k, verb, depth + 1) + ":" + self.elem(v[k], verb, depth) for k in sorted(v)]
                return "map[string]interface {}{" + ", ".join(parts) + "}"
            parts = [self.value(k, verb, depth + 1) + ":" + self.elem(v[k], verb, depth) for k in sorted(v)]
            return "map[" + " ".join(parts) + "]"
        if isinstance(v, list):
            if self.sharp_v:
                return "[]interface {}{" + ", ".join(self.elem(x, verb, depth) for x in v) + "}"
            return "[" + " ".join(self.elem(x, verb, depth) for x in v) + "]"
        return self.pad(str(v))

    @staticmethod
    def _plus_sign(s: str) -> str:
        return s if s[:1] in ("+", "-") else "+" + s

    def elem(self, v: Any, verb: str, depth: int) -> str:
        """An element of a map or slice: an interface{} value (nil prints bare)."""
        if v is None:
            return "interface {}(nil)" if self.sharp_v else "<nil>"
        return self.value(v, verb, depth + 1)

    def bad_verb(self, verb: str, v: Any, top: bool = False) -> str:
        if v is None:
            return f"%!{verb}(<nil>)"
        return f"%!{verb}({type_name(v, '<nil>')}={self.value(v, 'v', 1)})"

    def integer(self, v: int, verb: str) -> str:
        if verb in "vd":
            base = 10
        elif verb == "b":
            base = 2
        elif verb in "oO":
            base = 8
        elif verb in "xX":
            base = 16
        elif verb == "c":
            return self.pad(chr(v) if 0 <= v <= 0x10FFFF and not 0xD800 <= v <= 0xDFFF else "\ufffd")
        elif verb == "q":
            ch = chr(v) if 0 <= v <= 0x10FFFF and not 0xD800 <= v <= 0xDFFF else "\ufffd"
            if ch == "'":
                return self.pad("'\\''")
            inner = gofmt.quote(ch)[1:-1].replace('\\"', '"')
            if self.plus and not ch.isascii():
                inner = f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
            return self.pad("'" + inner + "'")
        elif verb == "U":
            digits = format(v & 0xFFFFFFFFFFFFFFFF if v < 0 else v, "X")
            width = self.prec if self.prec is not None and self.prec > 4 else 4
            s = "U+" + digits.rjust(width, "0")
            if self.sharp and 0 <= v <= 0x10FFFF and chr(v).isprintable():
                s += " '" + chr(v) + "'"
            return self.pad(s, False)
        else:
            return self.bad_verb(verb, v)
        neg = v < 0
        u = -v if neg else v
        if self.prec is not None:
            prec = self.prec
            if prec == 0 and u == 0:
                return " " * (self.wid or 0)
        elif self.zero and not self.minus and self.wid is not None:
            prec = self.wid - (1 if neg or self.plus or self.space else 0)
        else:
            prec = 0
        digits = format(u, {10: "d", 2: "b", 8: "o", 16: "x" if verb != "X" else "X"}[base]).rjust(prec, "0")
        if self.sharp:
            if base == 2:
                digits = "0b" + digits
            elif base == 8 and not digits.startswith("0"):
                digits = "0" + digits
            elif base == 16:
                digits = ("0X" if verb == "X" else "0x") + digits
        if verb == "O":
            digits = "0o" + digits
        sign = "-" if neg else "+" if self.plus else " " if self.space else ""
        return self.pad(sign + digits, False)

    def float_(self, v: float, verb: str) -> str:
        import math

        if verb == "v":
            verb, prec = "g", -1
        elif verb in "bgGxX":
            prec = -1
        elif verb in "feEF":
            prec = 6
        else:
            return self.bad_verb(verb, v)
        if self.prec is not None:
            prec = self.prec
        num = _strconv_float(v, verb, prec)
        num = num if num[0] in "+-" else "+" + num
        if self.space and num[0] == "+" and not self.plus:
            num = " " + num[1:]
        if math.isinf(v) or math.isnan(v):
            if math.isnan(v) and not self.space and not self.plus:
                num = num[1:]
            return self.pad(num, False)
        if self.sharp and verb != "b":
            num = _sharp_float(num, verb, prec)
        if self.plus or num[0] != "+":
            if self.zero and not self.minus and self.wid is not None and self.wid > len(num):
                return num[0] + "0" * (self.wid - len(num)) + num[1:]
            return self.pad(num)
        return self.pad(num[1:])

    def string(self, s: str, verb: str) -> str:
        if verb == "v" and self.sharp_v:
            verb = "q"
        if verb in "sv":
            return self.pad(self.trunc(s))
        if verb == "q":
            s = self.trunc(s)
            if self.sharp and "`" not in s and all(c == "\t" or (c.isprintable() and c != "\ufeff") for c in s):
                return self.pad("`" + s + "`")
            q = gofmt.quote(s)
            if self.plus:
                q = "".join(c if c.isascii() else (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
                            for c in q)
            return self.pad(q)
        if verb in "xX":
            data = s.encode()
            if self.prec is not None:
                data = data[: self.prec]
            if not data:
                return " " * (self.wid or 0) if self.wid else ""
            prefix = ("0X" if verb == "X" else "0x") if self.sharp else ""
            hexs = [format(b, "02x" if verb == "x" else "02X") for b in data]
            body = (" ".join(prefix + h for h in hexs) if self.space else prefix + "".join(hexs))
            return self.pad(body)
        return self.bad_verb(verb, s)


def _strconv_float(v: float, verb: str, prec: int) -> str:
    """strconv.FormatFloat(v, verb, prec, 64) for the verbs fmt uses."""
    import math
    import struct

    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    if verb == "b":
        bits = struct.unpack(">Q", struct.pack(">d", v))[0]
        exp = (bits >> 52) & 0x7FF
        mant = bits & ((1 << 52) - 1)
        if exp == 0:
            exp += 1
        else:
            mant |= 1 << 52
        return ("-" if bits >> 63 else "") + f"{mant}p{exp - 1075:+d}"
    if verb in "xX":
        if prec >= 0:
            return _hex_float(v, prec, verb)
        mant, _, exp = v.hex().partition("p")
        mant = mant.rstrip("0").rstrip(".") if "." in mant else mant
        e = int(exp)
        s = f"{mant}p{'-' if e < 0 else '+'}{abs(e):02d}"
        return s.upper() if verb == "X" else s
    if prec < 0:
        s = gofmt.format_float(v, "e" if verb in "eE" else "f" if verb in "fF" else "g")
        return s.upper() if verb in "EG" else s
    if verb in "gG":
        return f"%.{prec}{verb}" % v
    return f"%.{prec}{'f' if verb in 'fF' else verb}" % v


def _hex_float(v: float, prec: int, verb: str) -> str:
    """strconv's %x of a float with a precision: the mantissa rounded to ``prec`` hex digits."""
    import math

    neg = math.copysign(1.0, v) < 0
    v = abs(v)
    if v == 0:
        mant, exp = 0, 0
    else:
        m, e = math.frexp(v)  # v = m * 2**e, 0.5 <= m < 1
        mant, exp = int(m * (1 << 53)), e - 1  # 1.xxx * 2**exp with 52 fraction bits
    shift = 52 - 4 * prec
    if shift > 0:
        half = 1 << (shift - 1)
        rem = mant & ((1 << shift) - 1)
        mant >>= shift
        if rem > half or (rem == half and mant & 1):
            mant += 1
        if mant >> (4 * prec + 1):
            mant >>= 1
            exp += 1
    else:
        mant <<= -shift
    lead = mant >> (4 * prec)
    frac = mant & ((1 << (4 * prec)) - 1)
    s = f"0x{lead}" + (("." + format(frac, "x").rjust(prec, "0")) if prec > 0 else "")
    s += f"p{'-' if exp < 0 else '+'}{abs(exp):02d}"
    s = ("-" if neg else "") + s
    return s.upper() if verb == "X" else s


def _sharp_float(num: str, verb: str, prec: int) -> str:
    """fmt's '#' flag on floats: always a decimal point; %g/%v keep trailing zeros up to the precision."""
    digits = 0
    if verb in "vgGx":  # not X: Go's list
        digits = 6 if prec == -1 else prec
    tail = ""
    body = num
    for i in range(1, len(num)):
        c = num[i]
        if c in "pP" or (c in "eE" and verb not in "xX"):
            body, tail = num[:i], num[i:]
            break
    has_point = "." in body
    seen_nonzero = False
    for c in body[1:]:
        if c == ".":
            continue
        if c != "0":
            seen_nonzero = True
        if seen_nonzero:
            digits -= 1
    if not has_point:
        if len(body) == 2 and body[1] == "0":
            digits -= 1
        body += "."
    if digits > 0:
        body += "0" * digits
    return body + tail


def sprintf(fmt: str, args: list) -> str:
    """Go's fmt.Sprintf over template values (NOVALUE arrives as nil)."""
    args = [None if a is NOVALUE else a for a in args]
    out: list[str] = []
    ai = 0
    i = 0
    n = len(fmt)
    reordered = False
    while i < n:
        ch = fmt[i]
        if ch != "%":
            j = fmt.find("%", i)
            j = n if j < 0 else j
            out.append(fmt[i:j])
            i = j
            continue
        i += 1
        flags = ""
        while i < n and fmt[i] in "+-# 0":
            flags += fmt[i]
            i += 1
        good = True

        def arg_index() -> None:
            # %[n]verb: the next operand is the n-th (1-based)
            nonlocal i, ai, reordered, good
            if i >= n or fmt[i] != "[":
                return
            reordered = True
            close = fmt.find("]", i)
            digits = fmt[i + 1:close] if close > 0 else ""
            if close < 0 or not digits.isdigit() or not 1 <= int(digits) <= len(args):
                good = False
                i = close + 1 if close > 0 else n
                return
            ai = int(digits) - 1
            i = close + 1

        def number() -> tuple[int | None, bool]:
            """A width or precision: digits, or * taking an int operand; (value, ok)."""
            nonlocal i, ai
            arg_index()
            if i < n and fmt[i] == "*":
                i += 1
                if ai < len(args) and isinstance(args[ai], int) and not isinstance(args[ai], bool):
                    ai += 1
                    return int(args[ai - 1]), True
                ai += 1
                return None, False
            start = i
            while i < n and fmt[i].isdigit():
                i += 1
            return (int(fmt[start:i]) if i > start else None), True

        width, ok = number()
        if not ok:
            out.append("%!(BADWIDTH)")
        if width is not None and width < 0:
            flags += "-"
            width = -width
        prec = None
        if i < n and fmt[i] == ".":
            i += 1
            prec, ok = number()
            if not ok or (prec is not None and prec < 0):
                out.append("%!(BADPREC)")
                prec = None
            elif prec is None:
                prec = 0
        arg_index()
        if i >= n:
            out.append("%!(NOVERB)")
            break
        verb = fmt[i]
        i += 1
        if verb == "%":
            out.append("%")
            continue
        if not good:
            out.append(f"%!{verb}(BADINDEX)")
            continue
        if ai >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        out.append(_Fmt(flags, width, prec, verb).arg(args[ai], verb))
        ai += 1
    if not reordered and ai < len(args):
        extra = ", ".join(f"{type_name(a, '<nil>')}={_sprint_one(a)}" if a is not None else "<nil>"
                          for a in args[ai:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


# ---------------------------------------------------------------------------


class GoTemplate:
    """A parsed text/template named "output", as kubectl builds it."""

    def __init__(self, text: str) -> None:
        self.text = text
        parser = _Parser(text)
        nodes = parser.parse()
        parser.add_template(NAME, nodes)  # a {{define "output"}} stands in for an empty main template
        self.templates = parser.templates
        self.nodes = self.templates[NAME]

    def execute(self, data: Any, allow_missing_keys: bool = True) -> str:
        st = _State(self, not allow_missing_keys)
        st.vars.append(("$", data))
        try:
            st.walk_list(data, self.nodes)
        except _ExecError as e:
            raise TemplateExecError(str(e), "".join(st.out)) from None
        except RecursionError:
            raise TemplateExecError(f"template: {NAME}: exceeded maximum template depth",
                                    "".join(st.out)) from None
        return "".join(st.out)

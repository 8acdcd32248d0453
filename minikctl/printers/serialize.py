"""kubectl-exact JSON and YAML output.

``to_json`` reproduces Go's ``json.MarshalIndent(obj, "", "    ")`` on an
unstructured object (sorted keys, Go string escaping, Go float formatting).
``to_compact_json`` is ``json.Marshal`` (used for the last-applied annotation).
``to_yaml`` reproduces ``sigs.k8s.io/yaml.Marshal`` (JSON, then go-yaml v2's
emitter): natural key order, YAML 1.1 aware quoting, literal blocks and folding
at 80 columns.

Everything here is pure and deterministic; nothing is imported lazily because
nothing expensive is needed.
"""

from __future__ import annotations

import functools
import math
import re
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Any, Iterable

from minikctl.kube import gofmt

__all__ = ["to_json", "to_compact_json", "to_yaml", "to_yaml_stream", "go_json_float", "go_yaml_float"]

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_UINT64_MAX = (1 << 64) - 1


# ---------------------------------------------------------------------------
# Go float formatting (minikctl.kube.gofmt: strconv.FormatFloat with shortest precision)
# ---------------------------------------------------------------------------


def go_json_float(f: float) -> str:
    """encoding/json's float64 text ('f' format, 'e' outside [1e-6, 1e21))."""
    if math.isnan(f) or math.isinf(f):
        raise ValueError(f"json: unsupported value: {go_yaml_float(f)}")
    return gofmt.json_float(f)


def go_yaml_float(f: float) -> str:
    """go-yaml v2's float text: strconv.FormatFloat(f, 'g', -1, 64) plus .inf/.nan."""
    if math.isnan(f):
        return ".nan"
    if math.isinf(f):
        return ".inf" if f > 0 else "-.inf"
    return gofmt.format_float(f)


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------

def without_managed_fields(obj: dict) -> dict:
    """The object without ``metadata.managedFields``, as kubectl's OmitManagedFieldsPrinter writes it."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or "managedFields" not in meta:
        return obj
    return {**obj, "metadata": {k: v for k, v in meta.items() if k != "managedFields"}}


def to_json(obj: Any, *, field_order: list[str] | None = None, typed: bool = False) -> str:
    """kubectl ``-o json``: MarshalIndent with 4 spaces, sorted keys, trailing newline.

    ``field_order`` fixes the order of the top-level keys (apply's typed ``List``
    prints ``kind, apiVersion, metadata, items``); keys not named are dropped. ``typed=True`` keeps every
    map's own order: an object kubectl built itself (run's pod) prints in its Go struct's field order.
    """
    if typed and isinstance(obj, dict):  # an object a verb prints as kubectl's typed client returned it:
        obj = without_managed_fields(obj)  # behind OmitManagedFieldsPrinter
    return gofmt.json_marshal(obj, "    ", key_order=field_order, typed=typed) + "\n"


def to_compact_json(obj: Any) -> str:
    """Go ``json.Marshal`` with sorted keys (no trailing newline)."""
    return gofmt.json_marshal(obj)


# ---------------------------------------------------------------------------
# YAML 1.1 resolution (what a plain scalar would decode to in go-yaml v2)
# ---------------------------------------------------------------------------

_RESOLVE_MAP = frozenset(
    "y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF "
    "~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF".split()
)
_YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BASE60_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_DOT_FLOAT = re.compile(r"^\.[0-9]+([eE][-+]?[0-9]+)?$")
_TS_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_TS_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\.[0-9]+)?")
_TS_ZONE = re.compile(r"^(Z|[-+][0-9]{2}:[0-9]{2})")
_DIGITS = frozenset("0123456789")


def _go_parse_int(s: str) -> bool:
    """strconv.ParseInt/ParseUint(s, 0, 64) succeeds (underscores already removed)."""
    body = s[1:] if s[:1] in "+-" else s
    neg = s[:1] == "-"
    if not body:
        return False
    low = body[:2].lower()
    try:
        if low == "0x":
            v = int(body[2:], 16) if body[2:] and all(c in "0123456789abcdefABCDEF" for c in body[2:]) else None
        elif low == "0b":
            v = int(body[2:], 2) if body[2:] and all(c in "01" for c in body[2:]) else None
        elif low == "0o":
            v = int(body[2:], 8) if body[2:] and all(c in "01234567" for c in body[2:]) else None
        elif body[0] == "0" and len(body) > 1:
            v = int(body[1:], 8) if all(c in "01234567" for c in body[1:]) else None
        else:
            v = int(body) if all(c in _DIGITS for c in body) else None
    except ValueError:
        return False
    if v is None:
        return False
    if neg:
        return -v >= _INT64_MIN
    return v <= _UINT64_MAX


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_timestamp(s: str) -> bool:
    """go-yaml v2 parseTimestamp: YYYY-M-D, optionally followed by a time."""
    m = _TS_DATE.match(s)
    if not m:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12 or day < 1:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    mdays = 29 if month == 2 and leap else (28 if month == 2 else _MONTH_DAYS[month - 1])
    if day > mdays:
        return False
    rest = s[m.end():]
    if not rest:
        return True
    sep = rest[0]
    if sep not in "Tt ":
        return False
    rest = rest.lstrip(" ") if sep == " " else rest[1:]  # Go's Parse: a layout space matches a run of spaces
    t = _TS_TIME.match(rest)
    if not t:
        return False
    if int(t.group(1)) > 23 or int(t.group(2)) > 59 or int(t.group(3)) > 59:
        return False
    tail = rest[t.end():]
    if sep == " ":
        return tail == ""
    z = _TS_ZONE.match(tail)
    if not z or z.end() != len(tail):
        return False
    if z.group(1) != "Z":
        hh, mm = int(z.group(1)[1:3]), int(z.group(1)[4:6])
        if hh > 24 or mm > 59:  # Go rejects out of range zone offsets
            return False
    return True


def plain_resolves_to_str(s: str) -> bool:
    """True when the unquoted scalar ``s`` would decode as a string (go-yaml v2)."""
    if s == "":
        return False
    c = s[0]
    if c in "yYnNtTfFoO~":
        return s not in _RESOLVE_MAP
    if c == ".":
        if s in _RESOLVE_MAP:
            return False
        return _DOT_FLOAT.match(s) is None
    if c in _DIGITS or c == "+" or c == "-":
        if s in _RESOLVE_MAP:
            return False
        if _is_timestamp(s):
            return False
        plain = s.replace("_", "")
        if _go_parse_int(plain):
            return False
        if _YAML_STYLE_FLOAT.match(plain):
            return False
        if plain.startswith("0b") or plain.startswith("-0b"):
            b = plain[2:] if plain[0] == "0" else plain[3:]
            if b and all(ch in "01" for ch in b):
                return False
        return True
    return True


# ---------------------------------------------------------------------------
# go-yaml v2 key order
# ---------------------------------------------------------------------------


def _natural_less(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    for i in range(n):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return ca < cb
        if al or bl:
            return bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdecimal():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdecimal():
            an = an * 10 + (ord(a[ai]) - 48)
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdecimal():
            bn = bn * 10 + (ord(b[bi]) - 48)
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


def _natural_cmp(a: str, b: str) -> int:
    if _natural_less(a, b):
        return -1
    if _natural_less(b, a):
        return 1
    return 0


_natural_key = functools.cmp_to_key(_natural_cmp)
_ORDER_CACHE: dict[tuple[str, ...], list[str]] = {}


def _sorted_keys(d: dict) -> list[str]:
    keys = tuple(d)
    r = _ORDER_CACHE.get(keys)
    if r is not None:
        return r
    if all(k.isalpha() for k in keys):
        r = sorted(keys)
    else:
        # go-yaml's comparator is not transitive for some keys with leading
        # zeros ("09", "0a", "9a"); kubectl's own order is then random (Go map
        # iteration).  Pre-sorting makes ours independent of dict order.
        r = sorted(sorted(keys), key=_natural_key)
    if len(_ORDER_CACHE) < 4096:
        _ORDER_CACHE[keys] = r
    return r


# ---------------------------------------------------------------------------
# go-yaml v2 emitter (block style, as yaml.Marshal uses it)
# ---------------------------------------------------------------------------

_BEST_WIDTH = 80
_PLAIN, _SINGLE, _DOUBLE, _LITERAL = 1, 2, 3, 4
_BREAKS = frozenset("\r\n\x85\u2028\u2029")
_FIRST_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_FLOWISH = frozenset(",?[]{}")


def _printable(ch: str) -> bool:
    o = ord(ch)
    if o == 0x0A or 0x20 <= o <= 0x7E:
        return True
    if 0xA0 <= o <= 0xD7FF:
        return True
    if 0xE000 <= o <= 0xFFFD and o != 0xFEFF:
        return True
    return False


class _Analysis:
    __slots__ = ("multiline", "block_plain", "single_ok", "block_ok")


_RX_SPECIAL = re.compile("[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]|\ufeff")
_RX_BREAK = re.compile("[\r\n\x85\u2028\u2029]")
_RX_BREAK_SPACE = re.compile("[\r\n\x85\u2028\u2029] ")
_RX_SPACE_BREAK = re.compile(" [\r\n\x85\u2028\u2029]")
_RX_BLOCK_IND = re.compile("(?<=.):(?:[ \t]|\\Z)|[ \t\r\n\x85\u2028\u2029\x00]#", re.S)


def _analyze(s: str) -> _Analysis:
    """yaml_emitter_analyze_scalar, with regular expressions instead of a char loop."""
    a = _Analysis()
    if not s:
        a.multiline = False
        a.block_plain = True
        a.single_ok = True
        a.block_ok = False
        return a
    c0 = s[0]
    n = len(s)
    followed0 = n == 1 or s[1] in " \t"
    block_ind = (
        s[:3] == "---"
        or s[:3] == "..."
        or c0 in _FIRST_INDICATORS
        or (c0 in "?:-" and followed0)
        or _RX_BLOCK_IND.search(s) is not None
    )
    special = _RX_SPECIAL.search(s) is not None
    line_breaks = _RX_BREAK.search(s) is not None
    leading_space = c0 == " "
    leading_break = c0 in _BREAKS
    trailing_space = s[-1] == " "
    trailing_break = s[-1] in _BREAKS
    break_space = line_breaks and _RX_BREAK_SPACE.search(s) is not None
    space_break = line_breaks and _RX_SPACE_BREAK.search(s) is not None
    a.multiline = line_breaks
    block_plain = single_ok = block_ok = True
    if leading_space or leading_break or trailing_space or trailing_break:
        block_plain = False
    if trailing_space:
        block_ok = False
    if break_space:
        block_plain = single_ok = False
    if space_break or special:
        block_plain = single_ok = block_ok = False
    if line_breaks or block_ind:
        block_plain = False
    a.block_plain = block_plain
    a.single_ok = single_ok
    a.block_ok = block_ok
    return a


def _analyze_loop(s: str) -> _Analysis:
    """The character-by-character original (kept to cross-check _analyze in tests)."""
    a = _Analysis()
    if not s:
        a.multiline = False
        a.block_plain = True
        a.single_ok = True
        a.block_ok = False
        return a
    block_ind = False
    line_breaks = special = False
    leading_space = leading_break = trailing_space = trailing_break = False
    break_space = space_break = False
    prev_space = prev_break = False
    if s[:3] == "---" or s[:3] == "...":
        block_ind = True
    preceded_ws = True
    n = len(s)
    for i, ch in enumerate(s):
        followed_ws = i + 1 >= n or s[i + 1] in " \t"
        if i == 0:
            if ch in _FIRST_INDICATORS:
                block_ind = True
            elif ch in "?:":
                if followed_ws:
                    block_ind = True
            elif ch == "-":
                if followed_ws:
                    block_ind = True
        else:
            if ch == ":":
                if followed_ws:
                    block_ind = True
            elif ch == "#":
                if preceded_ws:
                    block_ind = True
        if not _printable(ch):
            special = True
        if ch == " ":
            if i == 0:
                leading_space = True
            if i == n - 1:
                trailing_space = True
            if prev_break:
                break_space = True
            prev_space, prev_break = True, False
        elif ch in _BREAKS:
            line_breaks = True
            if i == 0:
                leading_break = True
            if i == n - 1:
                trailing_break = True
            if prev_space:
                space_break = True
            prev_space, prev_break = False, True
        else:
            prev_space = prev_break = False
        preceded_ws = ch in " \t" or ch in _BREAKS or ch == "\x00"
    a.multiline = line_breaks
    block_plain = single_ok = block_ok = True
    if leading_space or leading_break or trailing_space or trailing_break:
        block_plain = False
    if trailing_space:
        block_ok = False
    if break_space:
        block_plain = single_ok = False
    if space_break or special:
        block_plain = single_ok = block_ok = False
    if line_breaks:
        block_plain = False
    if block_ind:
        block_plain = False
    a.block_plain = block_plain
    a.single_ok = single_ok
    a.block_ok = block_ok
    return a


def _choose_style(s: str, a: _Analysis, simple_key: bool) -> int:
    """stringv's requested style, then yaml_emitter_select_scalar_style (block context)."""
    if "\n" in s:
        style = _LITERAL
    elif plain_resolves_to_str(s) and not (":" in s and _BASE60_FLOAT.match(s)):
        style = _PLAIN
    else:
        style = _DOUBLE
    if simple_key and a.multiline:
        style = _DOUBLE
    if style == _PLAIN:
        if not a.block_plain:
            style = _SINGLE
        if not s and simple_key:
            style = _SINGLE
    if style == _SINGLE and not a.single_ok:
        style = _DOUBLE
    if style == _LITERAL and (not a.block_ok or simple_key):
        style = _DOUBLE
    return style


_DQ_ESC = {
    "\x00": "\\0", "\x07": "\\a", "\x08": "\\b", "\t": "\\t", "\n": "\\n", "\x0b": "\\v",
    "\x0c": "\\f", "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N",
    "\xa0": "\\_", "\u2028": "\\L", "\u2029": "\\P",
}


_DQ_NEEDS = frozenset('"\\\ufeff') | _BREAKS


def _dq_escape(ch: str) -> str:
    if ch in _DQ_ESC:
        return _DQ_ESC[ch]
    o = ord(ch)
    if o <= 0xFF:
        return f"\\x{o:02X}"
    if o <= 0xFFFF:
        return f"\\u{o:04X}"
    return f"\\U{o:08X}"


_CACHE_MAX = 65536
_RENDER_CACHE: dict[str, str] = {}
_KEY_TEXT_CACHE: dict[str, str] = {}
_NEWLINE_PAD = ["\n" + " " * i for i in range(64)]
_SAFE_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/+=-]*\Z")


def _render_unfolded(s: str) -> str | None:
    """The scalar text when it cannot depend on the column, else None.

    That holds for one-line plain, single- and double-quoted scalars (folding
    only happens at spaces, which the caller checks against the column).
    """
    if _SAFE_PLAIN.match(s):
        if plain_resolves_to_str(s) and not (":" in s and _BASE60_FLOAT.match(s)):
            return s
        return '"' + s + '"'
    if any(c in _BREAKS for c in s):
        return None
    a = _analyze(s)
    style = _choose_style(s, a, False)
    if style == _PLAIN:
        return s
    if style == _SINGLE:
        return "'" + s.replace("'", "''") + "'"
    if style == _DOUBLE:
        parts = ['"']
        for ch in s:
            if ch in _DQ_NEEDS or not _printable(ch):
                parts.append(_dq_escape(ch))
            else:
                parts.append(ch)
        parts.append('"')
        return "".join(parts)
    return None


class _Emitter:
    """A port of the parts of go-yaml v2's emitter state that shape the output."""

    __slots__ = ("out", "col", "ws", "ind")

    def __init__(self) -> None:
        self.out: list[str] = []
        self.col = 0
        self.ws = True  # last written char is whitespace
        self.ind = True  # only indentation written on this line so far

    # -- primitives --------------------------------------------------------
    def write_indent(self, indent: int) -> None:
        if indent < 0:
            indent = 0
        if not self.ind or self.col > indent or (self.col == indent and not self.ws):
            self.out.append("\n")
            self.col = 0
        if self.col < indent:
            self.out.append(" " * (indent - self.col))
            self.col = indent
        self.ws = True
        self.ind = True

    def indicator(self, text: str, need_ws: bool, is_ws: bool, is_ind: bool) -> None:
        if need_ws and not self.ws:
            self.out.append(" ")
            self.col += 1
        self.out.append(text)
        self.col += len(text)
        self.ws = is_ws
        self.ind = self.ind and is_ind

    # -- scalars -----------------------------------------------------------
    def scalar(self, s: str, indent: int, simple_key: bool) -> None:
        """Emit a string scalar; ``indent`` is the indent of the enclosing node."""
        text = _RENDER_CACHE.get(s)
        if text is None and len(_RENDER_CACHE) < _CACHE_MAX:
            text = _render_unfolded(s)
            if text is not None:
                _RENDER_CACHE[s] = text
        if text is not None and (not simple_key or "\n" not in s):
            n = len(text)
            if self.col + 1 + n <= _BEST_WIDTH or " " not in s or simple_key:
                if not self.ws:
                    self.out.append(" ")
                    self.col += 1
                self.out.append(text)
                self.col += n
                self.ws = False
                self.ind = False
                return
        self._scalar_slow(s, indent, simple_key)

    def _scalar_slow(self, s: str, indent: int, simple_key: bool) -> None:
        a = _analyze(s)
        style = _choose_style(s, a, simple_key)
        sindent = indent + 2 if indent >= 0 else 0  # increase_indent(flow=true)
        if indent < 0:
            sindent = 2
        allow_breaks = not simple_key
        if style == _PLAIN:
            self._plain(s, sindent, allow_breaks)
        elif style == _SINGLE:
            self._single(s, sindent, allow_breaks)
        elif style == _DOUBLE:
            self._double(s, sindent, allow_breaks)
        else:
            self._literal(s, sindent)

    def raw_plain(self, text: str) -> None:
        """A plain scalar known to contain no spaces or breaks (numbers, bools, null)."""
        if not self.ws:
            self.out.append(" ")
            self.col += 1
        self.out.append(text)
        self.col += len(text)
        self.ws = False
        self.ind = False

    def _plain(self, s: str, indent: int, allow_breaks: bool) -> None:
        if not self.ws:
            self.out.append(" ")
            self.col += 1
        if " " not in s or not allow_breaks or self.col + len(s) <= _BEST_WIDTH:
            # no fold can happen: write in one piece
            self.out.append(s)
            self.col += len(s)
        else:
            spaces = False
            out = self.out
            n = len(s)
            buf: list[str] = []
            col = self.col
            for i, ch in enumerate(s):
                if ch == " ":
                    if not spaces and col > _BEST_WIDTH and i + 1 < n and s[i + 1] != " ":
                        out.append("".join(buf))
                        buf = []
                        self.col = col
                        self.ws = False
                        self.ind = False
                        self.write_indent(indent)
                        col = self.col
                    else:
                        buf.append(ch)
                        col += 1
                    spaces = True
                else:
                    buf.append(ch)
                    col += 1
                    spaces = False
            out.append("".join(buf))
            self.col = col
        self.ws = False
        self.ind = False

    def _single(self, s: str, indent: int, allow_breaks: bool) -> None:
        self.indicator("'", True, False, False)
        spaces = breaks = False
        n = len(s)
        out = self.out
        for i, ch in enumerate(s):
            if ch == " ":
                if allow_breaks and not spaces and self.col > _BEST_WIDTH and 0 < i < n - 1 and s[i + 1] != " ":
                    self.write_indent(indent)
                else:
                    out.append(" ")
                    self.col += 1
                spaces = True
            elif ch in _BREAKS:
                if not breaks and ch == "\n":
                    out.append("\n")
                    self.col = 0
                out.append("\n" if ch == "\n" else ch)
                self.col = 0
                self.ind = True
                breaks = True
            else:
                if breaks:
                    self.write_indent(indent)
                if ch == "'":
                    out.append("'")
                    self.col += 1
                out.append(ch)
                self.col += 1
                self.ind = False
                spaces = breaks = False
        self.indicator("'", False, False, False)
        self.ws = False
        self.ind = False

    def _double(self, s: str, indent: int, allow_breaks: bool) -> None:
        self.indicator('"', True, False, False)
        spaces = False
        n = len(s)
        out = self.out
        for i, ch in enumerate(s):
            esc = _dq_escape(ch) if (ch in _DQ_NEEDS or not _printable(ch)) else None
            if esc is not None:
                out.append(esc)
                self.col += len(esc)
                spaces = False
            elif ch == " ":
                if allow_breaks and not spaces and self.col > _BEST_WIDTH and 0 < i < n - 1:
                    self.write_indent(indent)
                    if s[i + 1] == " ":
                        out.append("\\")
                        self.col += 1
                else:
                    out.append(" ")
                    self.col += 1
                spaces = True
            else:
                out.append(ch)
                self.col += 1
                spaces = False
        self.indicator('"', False, False, False)
        self.ws = False
        self.ind = False

    def _literal(self, s: str, indent: int) -> None:
        self.indicator("|", True, False, False)
        # block scalar hints
        if s[:1] == " " or s[:1] in _BREAKS:
            self.indicator(str(2), False, False, False)
        chomp = ""
        if not s:
            chomp = "-"
        elif s[-1] not in _BREAKS:
            chomp = "-"
        elif len(s) == 1:
            chomp = "+"
        elif s[-2] in _BREAKS:
            chomp = "+"
        if chomp:
            self.indicator(chomp, False, False, False)
        self.out.append("\n")
        self.col = 0
        self.ind = True
        self.ws = True
        breaks = True
        out = self.out
        n = len(s)
        i = 0
        while i < n:
            ch = s[i]
            if ch in _BREAKS:
                out.append("\n" if ch in "\n" else ch)
                self.col = 0
                self.ind = True
                breaks = True
                i += 1
            else:
                if breaks:
                    self.write_indent(indent)
                j = i
                while j < n and s[j] not in _BREAKS:
                    j += 1
                out.append(s[i:j])
                self.col += j - i
                self.ind = False
                breaks = False
                i = j

    # -- nodes -------------------------------------------------------------
    def node(self, v: Any, indent: int, mapping_ctx: bool, simple_key: bool = False) -> None:
        if isinstance(v, str):
            self.scalar(v, indent, simple_key)
        elif isinstance(v, dict):
            if not v:
                self.indicator("{", True, True, False)
                self.indicator("}", False, False, False)
            else:
                self.mapping(v, indent)
        elif isinstance(v, (list, tuple)):
            if not v:
                self.indicator("[", True, True, False)
                self.indicator("]", False, False, False)
            else:
                self.sequence(v, indent, mapping_ctx)
        else:
            self.raw_plain(_yaml_number_text(v))

    def mapping(self, m: dict, indent: int) -> None:
        mind = 0 if indent < 0 else indent + 2
        out = self.out
        for k in _sorted_keys(m):
            kt = _KEY_TEXT_CACHE.get(k)
            if kt is None:
                kt = self._key_text(k)
            # write_indent(mind), inlined
            col = self.col
            if not self.ind or col > mind or (col == mind and not self.ws):
                out.append(_NEWLINE_PAD[mind] if mind < 64 else "\n" + " " * mind)
            elif col < mind:
                out.append(" " * (mind - col))
            if kt:
                out.append(kt)
                self.col = mind + len(kt)
                self.ws = False
                self.ind = False
            else:
                self.col = mind
                self.ws = True
                self.ind = True
                self.indicator("?", True, False, True)
                self.scalar(k, mind, False)
                self.write_indent(mind)
                self.indicator(":", True, False, True)
            v = m[k]
            if v.__class__ is str:
                text = _RENDER_CACHE.get(v)
                if text is not None and (" " not in v or self.col + 1 + len(text) <= _BEST_WIDTH):
                    out.append(" ")
                    out.append(text)
                    self.col += 1 + len(text)
                    continue
            elif v is None or v is True or v is False or v.__class__ is int:
                text = "null" if v is None else ("true" if v is True else ("false" if v is False else _yaml_number_text(v)))
                out.append(" ")
                out.append(text)
                self.col += 1 + len(text)
                continue
            self.node(v, mind, True)

    def _key_text(self, k: Any) -> str:
        """``key:`` as written for a simple key, or "" when the key needs ``? ``."""
        if not isinstance(k, str):
            raise TypeError(f"unsupported map key type: {type(k).__name__}")
        if any(c in _BREAKS for c in k) or len(k.encode("utf-8")) > 128:
            text = ""
        else:
            sub = _Emitter()
            sub.scalar(k, 0, True)
            text = "".join(sub.out) + ":"
        if len(_KEY_TEXT_CACHE) < _CACHE_MAX:
            _KEY_TEXT_CACHE[k] = text
        return text

    def sequence(self, seq: Any, indent: int, mapping_ctx: bool) -> None:
        indentless = mapping_ctx and not self.ind
        if indent < 0:
            sind = 0
        elif indentless:
            sind = indent
        else:
            sind = indent + 2
        for item in seq:
            self.write_indent(sind)
            self.indicator("-", True, False, True)
            self.node(item, sind, False)


def _yaml_number_text(v: Any) -> str:
    """Scalars other than strings, as they come out of JSON then go-yaml."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        if _INT64_MIN <= v <= _INT64_MAX:
            return str(v)
        return go_yaml_float(float(v))
    if isinstance(v, float):
        if v == 0:
            return "0"
        text = go_json_float(v)  # what json.Marshal hands to go-yaml
        if "." not in text and "e" not in text:
            try:
                iv = int(text)
            except ValueError:
                iv = None
            if iv is not None and _INT64_MIN <= iv <= _UINT64_MAX:
                return str(iv)
        return go_yaml_float(float(text))
    raise TypeError(f"unsupported type: {type(v).__name__}")


class Sink:
    """``to_json`` or ``to_yaml`` of one value whose text is taken as it is written (``rest``): the printer of
    a list read lazily (printers/output.stream)."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.emitter = _Emitter() if fmt == "yaml" else None
        self.out: list[str] = self.emitter.out if self.emitter is not None else []

    def run(self, obj: Any) -> None:
        if self.emitter is not None:
            self.emitter.node(obj, -1, False)
            self.emitter.write_indent(0)  # as to_yaml
        else:
            gofmt.json_marshal_into(obj, "    ", self.out)
            self.out.append("\n")  # as to_json

    def rest(self) -> str:
        text = "".join(self.out)
        self.out.clear()
        return text


def to_yaml(obj: Any) -> str:
    """kubectl ``-o yaml`` for one object (ends with a newline)."""
    e = _Emitter()
    e.node(obj, -1, False)
    e.write_indent(0)  # document end: a line break unless a block scalar left one
    return "".join(e.out)


def to_yaml_stream(objs: Iterable[Any]) -> str:
    """Several objects the way kubectl's YAML printer writes them: ``---`` between them."""
    parts = [to_yaml(o) for o in objs]
    return "---\n".join(parts)

"""Label and field selectors as the API server parses and applies them.

* ``LabelSelector.parse(s)``: apimachinery ``labels.Parse`` (lexer, parser, key/value validation,
  error texts); ``LabelSelector.from_match(d)``: ``metav1.LabelSelectorAsSelector`` for
  ``matchLabels``/``matchExpressions``.
* ``FieldSelector.parse(s, supported)``: ``fields.ParseSelector`` plus the per-kind field label
  conversion (``field label not supported: foo``); each kind's selectable fields (a field to a getter of its
  string value) are its registry module's ``FIELDS`` (api/registry/<kind>.py).
* ``selector_error(...)``: kubectl's ``EnhanceListError`` wrapping of a BadRequest.

Parse failures raise ``BadRequest`` whose message is the server's text.
"""

from __future__ import annotations

import re
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Any, Callable, Mapping

from minikctl.kube.errors import BadRequest, go_quote

__all__ = [
    "LabelSelector",
    "Requirement",
    "FieldSelector",
    "FieldTerm",
    "selector_error",
    "parse_list_selectors",
    "is_qualified_name",
    "is_valid_label_value",
    "is_dns1123_subdomain",
    "selector_string",
    "format_label_selector",
]

# ---------------------------------------------------------------------------
# apimachinery/pkg/util/validation: name checks shared with validation.py and updates.py
#
# ``exact=False`` keeps the reading validation.py has always had: lengths counted in characters (Go counts
# bytes) and one trailing newline tolerated by the pattern (Python's ``$``; Go's ``$`` is end of text).

DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*"
QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?"

_QUALIFIED_NAME_RE = re.compile(QUALIFIED_NAME_FMT)
_QUALIFIED_NAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
)
_LABEL_VALUE_RE = re.compile(LABEL_VALUE_FMT)
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_RE = re.compile(DNS1123_SUBDOMAIN_FMT)
_DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """validation.RegexError: ``<msg> (e.g. 'a',  or 'b', regex used for validation is '<fmt>')``."""
    if not examples:
        return msg + " (regex used for validation is '" + fmt + "')"
    msg += " (e.g. "
    for i, ex in enumerate(examples):
        if i > 0:
            msg += " or "
        msg += "'" + ex + "', "
    return msg + "regex used for validation is '" + fmt + "')"


def max_len_error(n: int) -> str:
    return f"must be no more than {n} characters"


def _length(value: str, exact: bool) -> int:
    return len(value.encode("utf-8")) if exact else len(value)


def _full(rx: "re.Pattern[str]", value: str, exact: bool) -> bool:
    if rx.fullmatch(value) is not None:
        return True
    return not exact and value.endswith("\n") and rx.fullmatch(value[:-1]) is not None


def is_dns1123_subdomain(value: str, *, exact: bool = True) -> list[str]:
    errs = []
    if _length(value, exact) > 253:
        errs.append(max_len_error(253))
    if not _full(_DNS1123_SUBDOMAIN_RE, value, exact):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_qualified_name(value: str, *, exact: bool = True, pattern_if_empty: bool = True) -> list[str]:
    """validation.IsQualifiedName: ``[prefix/]name`` as used for label and annotation keys.

    ``pattern_if_empty=False`` leaves out the pattern error after ``name part must be non-empty`` (Go
    reports both).
    """
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if len(prefix) == 0:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix, exact=exact))
    else:
        return [
            "a qualified name "
            + regex_error(_QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if len(name) == 0:
        errs.append("name part must be non-empty")
    elif _length(name, exact) > 63:
        errs.append("name part " + max_len_error(63))
    if (name or pattern_if_empty) and not _full(_QUALIFIED_NAME_RE, name, exact):
        errs.append(
            "name part " + regex_error(_QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
        )
    return errs


def is_valid_label_value(value: str, *, exact: bool = True) -> list[str]:
    errs = []
    if _length(value, exact) > 63:
        errs.append(max_len_error(63))
    if not _full(_LABEL_VALUE_RE, value, exact):
        errs.append(regex_error(_LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def _invalid(path: str, value: Any, detail: str) -> str:
    from minikctl.kube.errors import invalid

    return str(invalid(path, value, detail))


def _aggregate(msgs: list[str]) -> str:
    """utilerrors.Aggregate: one message as is, several de-duplicated inside ``[...]``."""
    seen: list[str] = []
    for m in msgs:
        if m not in seen:
            seen.append(m)
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"


# ---------------------------------------------------------------------------
# Requirements

IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS = "in", "notin", "=", "==", "!="
EXISTS, DOES_NOT_EXIST, GREATER_THAN, LESS_THAN = "exists", "!", "gt", "lt"
_BINARY_OPERATORS = [IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN]


def _parse_int64(s: str) -> int | None:
    """strconv.ParseInt(s, 10, 64)."""
    body = s[1:] if s[:1] in ("+", "-") else s
    if not body or not (body.isascii() and body.isdigit()):
        return None
    v = int(s)
    if not -(2**63) <= v < 2**63:
        return None
    return v


class Requirement:
    """One ``key op values`` requirement of a label selector."""

    __slots__ = ("key", "operator", "values")

    def __init__(self, key: str, operator: str, values: list[str]) -> None:
        self.key = key
        self.operator = operator
        self.values = list(values)

    @classmethod
    def new(cls, key: str, operator: str, values: list[str], path: str | None = None) -> "Requirement":
        """labels.NewRequirement, with its validation (raises ``BadRequest``)."""
        errs: list[str] = []
        prefix = (path + ".") if path else ""
        key_errs = is_qualified_name(key)
        if key_errs:
            errs.append(_invalid(prefix + "key", key, "; ".join(key_errs)))
        vpath = prefix + "values"
        if operator in (IN, NOT_IN):
            if len(values) == 0:
                errs.append(_invalid(vpath, values, "for 'in', 'notin' operators, values set can't be empty"))
        elif operator in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS):
            if len(values) != 1:
                errs.append(_invalid(vpath, values, "exact-match compatibility requires one single value"))
        elif operator in (EXISTS, DOES_NOT_EXIST):
            if len(values) != 0:
                errs.append(_invalid(vpath, values, "values set must be empty for exists and does not exist"))
        elif operator in (GREATER_THAN, LESS_THAN):
            if len(values) != 1:
                errs.append(_invalid(vpath, values, "for 'Gt', 'Lt' operators, exactly one value is required"))
            for i, v in enumerate(values):
                if _parse_int64(v) is None:
                    errs.append(_invalid(f"{vpath}[{i}]", v, "for 'Gt', 'Lt' operators, the value must be an integer"))
        else:
            from minikctl.kube.errors import not_supported

            errs.append(
                str(not_supported(prefix + "operator", operator, _BINARY_OPERATORS + [EXISTS, DOES_NOT_EXIST]))
            )
        for i, v in enumerate(values):
            v_errs = is_valid_label_value(v)
            if v_errs:
                errs.append(_invalid(f"{vpath}[{i}][{key}]", v, "; ".join(v_errs)))
        if errs:
            raise BadRequest(_aggregate(errs))
        return cls(key, operator, values)

    def matches(self, labels: Mapping[str, str]) -> bool:
        op = self.operator
        has = self.key in labels
        if op in (IN, EQUALS, DOUBLE_EQUALS):
            return has and labels[self.key] in self.values
        if op in (NOT_IN, NOT_EQUALS):
            return not has or labels[self.key] not in self.values
        if op == EXISTS:
            return has
        if op == DOES_NOT_EXIST:
            return not has
        if op in (GREATER_THAN, LESS_THAN):
            if not has or len(self.values) != 1:
                return False
            lv = _parse_int64(str(labels[self.key]))
            rv = _parse_int64(self.values[0])
            if lv is None or rv is None:
                return False
            return lv > rv if op == GREATER_THAN else lv < rv
        return False

    def __str__(self) -> str:
        op = self.operator
        s = ("!" if op == DOES_NOT_EXIST else "") + self.key
        if op in (EXISTS, DOES_NOT_EXIST):
            return s
        s += {EQUALS: "=", DOUBLE_EQUALS: "==", NOT_EQUALS: "!=", IN: " in ", NOT_IN: " notin ",
              GREATER_THAN: ">", LESS_THAN: "<"}.get(op, "")
        vals = self.values[0] if len(self.values) == 1 else ",".join(sorted(self.values))
        if op in (IN, NOT_IN):
            return s + "(" + vals + ")"
        return s + vals

    def __repr__(self) -> str:
        return f"Requirement({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Requirement)
            and (self.key, self.operator, self.values) == (other.key, other.operator, other.values)
        )


_API_OPERATORS = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST,
                  "Gt": GREATER_THAN, "Lt": LESS_THAN}


def requirement_of(expr: dict) -> Requirement | None:
    """A LabelSelectorRequirement or NodeSelectorRequirement (``{key, operator, values}``) as a Requirement;
    None for an operator that is neither (validation refuses those before anything matches)."""
    op = _API_OPERATORS.get(expr.get("operator")) if isinstance(expr, dict) else None
    if op is None:
        return None
    return Requirement(str(expr.get("key", "")), op, [str(v) for v in expr.get("values") or []])


def selector_matches(selector: dict | None, labels: Mapping[str, str] | None) -> bool:
    """metav1.LabelSelectorAsSelector(selector).Matches(labels): a nil selector matches nothing, an empty one
    everything (``staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go``)."""
    if not isinstance(selector, dict):
        return False
    labels = labels or {}
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        req = requirement_of(expr)
        if req is None or not req.matches(labels):
            return False
    return True


# ---------------------------------------------------------------------------
# Lexer / parser (labels.Parse)

_ERROR, _EOS, _CLOSE, _COMMA, _NOT, _DEQ, _EQ, _GT, _ID, _IN, _LT, _NEQ, _NOTIN, _OPEN = range(14)
_STRING2TOKEN = {
    ")": _CLOSE,
    ",": _COMMA,
    "!": _NOT,
    "==": _DEQ,
    "=": _EQ,
    ">": _GT,
    "in": _IN,
    "<": _LT,
    "!=": _NEQ,
    "notin": _NOTIN,
    "(": _OPEN,
}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")


def _lex(s: str) -> list[tuple[int, str]]:
    items: list[tuple[int, str]] = []
    pos = 0
    n = len(s)
    while True:
        while pos < n and s[pos] in _WHITESPACE:
            pos += 1
        if pos >= n or s[pos] == "\x00":
            items.append((_EOS, ""))
            return items
        if s[pos] in _SPECIAL:
            buf = ""
            last: tuple[int, str] | None = None
            while pos < n and s[pos] in _SPECIAL:
                buf += s[pos]
                pos += 1
                tok = _STRING2TOKEN.get(buf)
                if tok is not None:
                    last = (tok, buf)
                elif last is not None:
                    pos -= 1
                    break
            if last is None:  # cannot happen: every special symbol is a token
                items.append((_ERROR, f"error expected: keyword found '{buf}'"))
            else:
                items.append(last)
            continue
        start = pos
        while pos < n and s[pos] != "\x00" and s[pos] not in _SPECIAL and s[pos] not in _WHITESPACE:
            pos += 1
        word = s[start:pos]
        items.append((_STRING2TOKEN.get(word, _ID), word))


class _LabelParser:
    KEY_AND_OPERATOR, VALUES = 0, 1

    def __init__(self, s: str) -> None:
        self.items = _lex(s)
        self.pos = 0

    def _tok(self, idx: int, ctx: int) -> tuple[int, str]:
        tok, lit = self.items[min(idx, len(self.items) - 1)]
        if ctx == self.VALUES and tok in (_IN, _NOTIN):
            tok = _ID
        return tok, lit

    def lookahead(self, ctx: int) -> tuple[int, str]:
        return self._tok(self.pos, ctx)

    def consume(self, ctx: int) -> tuple[int, str]:
        self.pos += 1
        return self._tok(self.pos - 1, ctx)

    def parse(self) -> list[Requirement]:
        reqs: list[Requirement] = []
        while True:
            tok, lit = self.lookahead(self.VALUES)
            if tok in (_ID, _NOT):
                try:
                    reqs.append(self.parse_requirement())
                except BadRequest as e:
                    raise BadRequest(f"unable to parse requirement: {e.message}") from None
                t, lit2 = self.consume(self.VALUES)
                if t == _EOS:
                    return reqs
                if t == _COMMA:
                    t2, l2 = self.lookahead(self.VALUES)
                    if t2 not in (_ID, _NOT):
                        raise BadRequest(f"found '{l2}', expected: identifier after ','")
                else:
                    raise BadRequest(f"found '{lit2}', expected: ',' or 'end of string'")
            elif tok == _EOS:
                return reqs
            else:
                raise BadRequest(f"found '{lit}', expected: !, identifier, or 'end of string'")

    def parse_requirement(self) -> Requirement:
        key, op = self.parse_key_and_infer_operator()
        if op in (EXISTS, DOES_NOT_EXIST):
            return Requirement.new(key, op, [])
        op = self.parse_operator()
        if op in (IN, NOT_IN):
            values = self.parse_values()
        else:
            values = self.parse_exact_value()
        return Requirement.new(key, op, sorted(values))

    def parse_key_and_infer_operator(self) -> tuple[str, str]:
        op = ""
        tok, lit = self.consume(self.VALUES)
        if tok == _NOT:
            op = DOES_NOT_EXIST
            tok, lit = self.consume(self.VALUES)
        if tok != _ID:
            raise BadRequest(f"found '{lit}', expected: identifier")
        errs = is_qualified_name(lit)
        if errs:
            raise BadRequest(_invalid("<nil>", lit, "; ".join(errs)))
        t, _ = self.lookahead(self.VALUES)
        if t in (_EOS, _COMMA) and op != DOES_NOT_EXIST:
            op = EXISTS
        return lit, op

    def parse_operator(self) -> str:
        tok, lit = self.consume(self.KEY_AND_OPERATOR)
        ops = {_IN: IN, _EQ: EQUALS, _DEQ: DOUBLE_EQUALS, _GT: GREATER_THAN, _LT: LESS_THAN,
               _NOTIN: NOT_IN, _NEQ: NOT_EQUALS}
        if tok not in ops:
            raise BadRequest(f"found '{lit}', expected: {', '.join(_BINARY_OPERATORS)}")
        return ops[tok]

    def parse_values(self) -> set[str]:
        tok, lit = self.consume(self.VALUES)
        if tok != _OPEN:
            raise BadRequest(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead(self.VALUES)
        if tok in (_ID, _COMMA):
            s = self.parse_identifiers_list()
            tok2, _ = self.consume(self.VALUES)
            if tok2 != _CLOSE:
                raise BadRequest(f"found '{lit}', expected: ')'")
            return s
        if tok == _CLOSE:
            self.consume(self.VALUES)
            return {""}
        raise BadRequest(f"found '{lit}', expected: ',', ')' or identifier")

    def parse_identifiers_list(self) -> set[str]:
        s: set[str] = set()
        while True:
            tok, lit = self.consume(self.VALUES)
            if tok == _ID:
                s.add(lit)
                tok2, lit2 = self.lookahead(self.VALUES)
                if tok2 == _COMMA:
                    continue
                if tok2 == _CLOSE:
                    return s
                raise BadRequest(f"found '{lit2}', expected: ',' or ')'")
            if tok == _COMMA:
                if not s:
                    s.add("")
                tok2, _ = self.lookahead(self.VALUES)
                if tok2 == _CLOSE:
                    s.add("")
                    return s
                if tok2 == _COMMA:
                    self.consume(self.VALUES)
                    s.add("")
                continue
            raise BadRequest(f"found '{lit}', expected: ',', or identifier")

    def parse_exact_value(self) -> set[str]:
        tok, _ = self.lookahead(self.VALUES)
        if tok in (_EOS, _COMMA):
            return {""}
        tok, lit = self.consume(self.VALUES)
        if tok == _ID:
            return {lit}
        raise BadRequest(f"found '{lit}', expected: identifier")


class LabelSelector:
    """An AND of label requirements.  ``LabelSelector.nothing()`` matches no object at all."""

    __slots__ = ("requirements", "_nothing")

    def __init__(self, requirements: list[Requirement] | None = None, nothing: bool = False) -> None:
        # sorted by key like labels.Parse / Selector.Add (stable, so input order breaks ties)
        self.requirements = sorted(requirements or [], key=lambda r: r.key.encode("utf-8"))
        self._nothing = nothing

    @classmethod
    def parse(cls, s: str) -> "LabelSelector":
        """labels.Parse; raises ``BadRequest`` with the server's message."""
        return cls(_LabelParser(s).parse())

    @classmethod
    def everything(cls) -> "LabelSelector":
        return cls([])

    @classmethod
    def nothing(cls) -> "LabelSelector":
        return cls([], nothing=True)

    @classmethod
    def from_set(cls, labels: Mapping[str, str]) -> "LabelSelector":
        """labels.SelectorFromSet (no validation)."""
        return cls([Requirement(k, EQUALS, [str(v)]) for k, v in sorted(labels.items())])

    @classmethod
    def from_match(cls, selector: Mapping[str, Any] | None) -> "LabelSelector":
        """metav1.LabelSelectorAsSelector for ``{matchLabels, matchExpressions}``.

        ``None`` selects nothing; an empty selector selects everything.  Raises ``BadRequest``.
        """
        if selector is None:
            return cls.nothing()
        match_labels = selector.get("matchLabels") or {}
        exprs = selector.get("matchExpressions") or []
        if len(match_labels) + len(exprs) == 0:
            return cls.everything()
        reqs = []
        for k in sorted(match_labels):
            reqs.append(Requirement.new(k, EQUALS, [match_labels[k]]))
        ops = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST}
        for e in exprs:
            op = e.get("operator", "")
            if op not in ops:
                raise BadRequest(f"{go_quote(str(op))} is not a valid label selector operator")
            reqs.append(Requirement.new(e.get("key", ""), ops[op], list(e.get("values") or [])))
        return cls(reqs)

    def empty(self) -> bool:
        return not self._nothing and not self.requirements

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if self._nothing:
            return False
        lbls = labels or {}
        return all(r.matches(lbls) for r in self.requirements)

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)

    def __repr__(self) -> str:
        return f"LabelSelector({str(self)!r})"


def selector_string(selector: Mapping[str, Any] | None) -> str:
    """``metav1.LabelSelectorAsSelector(sel).String()``: ``""`` for a nil or empty selector.

    Raises ``BadRequest`` for a selector LabelSelectorAsSelector refuses (an unknown operator, a bad key or value).
    """
    return str(LabelSelector.from_match(selector))


def format_label_selector(selector: Mapping[str, Any] | None) -> str:
    """``metav1.FormatLabelSelector``: the selector's String(), ``<none>`` when that is empty, ``<error>`` when the
    selector does not convert (the SELECTOR column of ``get -o wide`` for ReplicaSets, Jobs, DaemonSets, ...)."""
    try:
        text = selector_string(selector)
    except BadRequest:
        return "<error>"
    return text or "<none>"


# ---------------------------------------------------------------------------
# Field selectors (fields.ParseSelector + field label conversion)


def _split_terms(s: str) -> list[str]:
    if not s:
        return []
    terms = []
    start = 0
    in_slash = False
    for i, c in enumerate(s):
        if in_slash:
            in_slash = False
        elif c == "\\":
            in_slash = True
        elif c == ",":
            terms.append(s[start:i])
            start = i + 1
    terms.append(s[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    for i in range(len(term)):
        rest = term[i:]
        for op in ("!=", "==", "="):
            if rest.startswith(op):
                return term[:i], op, term[i + len(op) :]
    return None


def _unescape_value(s: str) -> str:
    if not any(c in s for c in "\\,="):
        return s
    out = []
    in_slash = False
    for c in s:
        if in_slash:
            if c in "\\,=":
                out.append(c)
            else:
                raise BadRequest(f"invalid field selector: invalid escape sequence: \\{c}")
            in_slash = False
            continue
        if c == "\\":
            in_slash = True
        elif c in ",=":
            raise BadRequest(f"invalid field selector: unescaped character in value: {c}")
        else:
            out.append(c)
    if in_slash:
        raise BadRequest("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def _escape_value(s: str) -> str:
    return s.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


class FieldTerm:
    __slots__ = ("field", "op", "value", "getter")

    def __init__(self, field: str, op: str, value: str, getter: Callable[[dict], str] | None = None) -> None:
        self.field = field
        self.op = op  # "=" or "!="  ("==" is folded into "=")
        self.value = value
        self.getter = getter

    def matches(self, obj: dict) -> bool:
        actual = self.getter(obj) if self.getter is not None else ""
        return (actual == self.value) if self.op == "=" else (actual != self.value)

    def __str__(self) -> str:
        return f"{self.field}{self.op}{_escape_value(self.value)}"


class FieldSelector:
    """An AND of ``field=value`` / ``field!=value`` terms over an object's selectable fields."""

    __slots__ = ("terms",)

    def __init__(self, terms: list[FieldTerm] | None = None) -> None:
        self.terms = list(terms or [])

    @classmethod
    def parse_syntax(cls, s: str) -> "FieldSelector":
        """fields.ParseSelector: syntax only, no field label check."""
        terms = []
        for part in sorted(_split_terms(s), key=lambda p: p.encode("utf-8")):
            if part == "":
                continue
            split = _split_term(part)
            if split is None:
                raise BadRequest(f"invalid selector: '{s}'; can't understand '{part}'")
            lhs, op, rhs = split
            value = _unescape_value(rhs)
            terms.append(FieldTerm(lhs, "!=" if op == "!=" else "=", value))
        return cls(terms)

    def bind(self, supported: Mapping[str, Callable[[dict], str]]) -> "FieldSelector":
        """The field label conversion: every field must be in ``supported``."""
        bound = []
        for t in self.terms:
            getter = supported.get(t.field)
            if getter is None:
                raise BadRequest(f"field label not supported: {t.field}")
            field = getattr(getter, "alias_of", None) or t.field  # spec.host reads as spec.nodeName
            bound.append(FieldTerm(field, t.op, t.value, getter))
        return FieldSelector(bound)

    @classmethod
    def parse(cls, s: str, supported: Mapping[str, Callable[[dict], str]]) -> "FieldSelector":
        """Parse and bind a field selector; raises ``BadRequest`` with the server's message."""
        return cls.parse_syntax(s).bind(supported)

    def empty(self) -> bool:
        return not self.terms

    def matches(self, obj: dict) -> bool:
        return all(t.matches(obj) for t in self.terms)

    def __str__(self) -> str:
        return ",".join(str(t) for t in self.terms)

    def __repr__(self) -> str:
        return f"FieldSelector({str(self)!r})"


def _dig(obj: Any, *path: str) -> Any:
    cur = obj
    for p in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(p)
    return cur


from minikctl.kube.fields import field_alias, field_getter  # noqa: E402,F401  (re-exported)


# ---------------------------------------------------------------------------
# kubectl's wrapping


def selector_error(resource_gvr: str, label_sel: str, field_sel: str, err: str) -> BadRequest:
    """cli-runtime ``EnhanceListError`` for a BadRequest from a list call."""
    if not label_sel and not field_sel:
        return BadRequest(f"Unable to list {go_quote(resource_gvr)}: {err}")
    return BadRequest(
        f"Unable to find {go_quote(resource_gvr)} that match label selector {go_quote(label_sel)}, "
        f"field selector {go_quote(field_sel)}: {err}"
    )


def parse_list_selectors(
    label_sel: str,
    field_sel: str,
    supported: Mapping[str, Callable[[dict], str]],
    resource_gvr: str = "/v1, Resource=pods",
) -> tuple[LabelSelector, FieldSelector]:
    """Both selectors of a list call, checked in the server's order, errors wrapped as kubectl prints them."""
    try:
        lsel = LabelSelector.parse(label_sel or "")
        fsel = FieldSelector.parse_syntax(field_sel or "")
        fsel = fsel.bind(supported)
    except BadRequest as e:
        raise selector_error(resource_gvr, label_sel or "", field_sel or "", e.message) from None
    return lsel, fsel

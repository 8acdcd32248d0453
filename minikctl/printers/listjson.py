"""``get -o json`` of a listing from the objects' stored text, without decoding and encoding each object.

kubectl prints a List with ``json.MarshalIndent(list, "", "    ")`` (k8s.io/cli-runtime/pkg/printers/json.go,
``JSONPrinter.PrintObj``): map keys sorted, strings with encoding/json's HTML-safe escapes. ``printers/output.stream``
writes that text for the objects it is given, one at a time (``gofmt.json_marshal_into``); decoding each stored
body and walking it in Python is most of what ``get pods -o json`` of 10,000 pods costs.

The store keeps each object as ``json.dumps(obj, separators=(",", ":"), ensure_ascii=False)`` (store/db.py). Split
at its quotes, such a text is an alternation of what lies outside strings (the *frame*: braces, brackets, commas,
colons, numbers, ``true``/``false``/``null``) and the strings' contents. Objects of one listing mostly share their
frame and their keys (pods of one template differ in names, uids, IPs and times, all strings): for one frame and
one set of keys the output is a fixed text into which the string values go in some order. That text (a *plan*,
with the keys sorted as Go sorts them and ``metadata.managedFields`` left out as kubectl's
OmitManagedFieldsPrinter does) is made once by parsing one object, then every object with that frame and those
keys is printed with string operations only.

A string value goes into the output as it is stored, which is what encoding/json writes only when the escapes
Python's encoder wrote are the ones Go writes: ``\\"``, ``\\\\``, ``\\n``, ``\\r``, ``\\t``, ``\\b``, ``\\f`` and
``\\u00XX`` (lower-case) for the other control characters (encoding/json ``appendString``, Go 1.22 and later).
Go also escapes ``<``, ``>``, ``&``, U+2028 and U+2029, which can only be inside strings: they are replaced in the
whole text. What the plan does not cover is printed the general way (``ListItems.text`` returns None): any other
escape or a raw control character (not what the store writes), floats and integers of 19 digits or more (Go's
float formatting, unstructured data's int64 range: ``gofmt.json_marshal``), anything that does not parse as an
object, and a listing whose objects rarely share a frame (each would be parsed once for nothing).
``tests/unit/test_printed_rows.py`` compares both ways on varied objects.
"""

from __future__ import annotations

import re
from operator import itemgetter

from minikctl.kube import gofmt

# stand-ins for the two escapes that contain a quote or a backslash, so that the text splits at its real quotes
# (private-use characters; a text that holds one is printed the general way)
_BACKSLASH, _QUOTE = "\ue000", "\ue001"
# what a stored string may hold for its stored text to be Go's: escapes as Python's encoder writes them (after the
# two stand-ins replaced theirs), no raw control character (looked for in the UTF-8 bytes: bytes.translate is the
# cheapest scan)
_FOREIGN_ESCAPE = re.compile(r"\\(?![nrtbf]|u00(?:0[0-7bef]|1[0-9a-f]))")  # \u00XX: but \b \t \n \f \r
_CONTROLS = bytes(range(0x20))
_INT = re.compile(r"(?:0|-?[1-9][0-9]{0,17})\Z")  # within int64 whatever the digits: printed as stored
_GO_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))

MAX_SHAPES = 256  # frames (and key sets) remembered; past it, nothing new is learned
LEARN_AFTER = 2  # a frame is planned at its second sighting: a listing of all-different objects parses none
GIVE_UP = 64  # objects seen with no plan for them before the rest of the listing is printed the general way


class _Unplanned(Exception):
    """The text is not one a plan can print."""


class ListItems:
    """The text of each item of a List printed by ``json.MarshalIndent`` with 4 spaces, at the items' depth (2),
    from the object's stored text; one instance per listing (``show_managed_fields`` is kubectl's flag)."""

    def __init__(self, show_managed_fields: bool = False) -> None:
        self.keep_managed = show_managed_fields
        self.frames: dict[tuple, tuple] = {}  # frame -> (getter of its keys, {keys: plan or None})
        self.seen: dict[tuple, int] = {}  # (frame, keys) not planned yet -> sightings
        self.planned = self.unplanned = 0
        self.off = False

    def text(self, body: str) -> str | None:
        """The item's text (from its ``{`` to its ``}``), or None: print it the general way."""
        if self.off:
            return None
        try:
            raw = body.encode()
        except UnicodeEncodeError:  # a lone surrogate: Go writes U+FFFD for it (gofmt.json_string)
            return None
        if len(raw.translate(None, _CONTROLS)) != len(raw):
            return None
        if not body.isascii() and (_BACKSLASH in body or _QUOTE in body):
            return None
        escaped = "\\" in body
        if escaped:
            body = body.replace("\\\\", _BACKSLASH).replace('\\"', _QUOTE)
            if _FOREIGN_ESCAPE.search(body) is not None:
                return None
        parts = body.split('"')
        frame = tuple(parts[0::2])
        entry = self.frames.get(frame)
        if entry is None:
            entry = self._frame(frame, parts)
            if entry is None:
                return self._miss()
        keys = entry[0](parts)
        plan = entry[1].get(keys, False)
        if plan is False:
            plan = self._learn(frame, entry, keys, parts)
        if plan is None:
            return self._miss()
        self.planned += 1
        fmt, values = plan
        out = fmt % values(parts)
        if escaped:
            out = out.replace(_QUOTE, '\\"').replace(_BACKSLASH, "\\\\")
        if not out.isascii() or "<" in out or ">" in out or "&" in out:
            for c, esc in _GO_ESCAPES:
                if c in out:
                    out = out.replace(c, esc)
        return out

    def _miss(self) -> None:
        self.unplanned += 1
        if self.unplanned >= GIVE_UP and self.unplanned > self.planned:
            self.off = True  # objects that rarely share a frame: parsing them was for nothing
        return None

    def _frame(self, frame: tuple, parts: list) -> tuple | None:
        """(getter of the keys, plans by keys, the parts left out) for a new frame: its keys are the strings a
        colon follows, but those of metadata.managedFields when it is left out (pods differ in its keys: their
        IPs), where it is in this object."""
        if len(self.frames) >= MAX_SHAPES:
            return None
        skip: frozenset = frozenset()
        if not self.keep_managed:
            try:
                skip = _managed(_parse(parts))[1]
            except _Unplanned:
                pass
        at = [2 * i + 1 for i in range(len(frame) - 1) if frame[i + 1][:1] == ":" and 2 * i + 1 not in skip]
        entry = (_getter(at), {}, skip)
        self.frames[frame] = entry
        return entry

    def _learn(self, frame: tuple, entry: tuple, keys: tuple, parts: list) -> tuple | None:
        plans = entry[1]
        if len(plans) >= MAX_SHAPES:
            return None
        shape = (frame, keys)
        n = self.seen.get(shape, 0) + 1
        if n < LEARN_AFTER:
            if len(self.seen) < MAX_SHAPES:
                self.seen[shape] = n
            return None
        self.seen.pop(shape, None)
        try:
            plan = _plan(parts, self.keep_managed, entry[2])
        except _Unplanned:
            plan = None
        plans[keys] = plan
        return plan


def _getter(indexes: list[int]):
    """parts -> the tuple of the parts at ``indexes`` (itemgetter gives a bare item for one index)."""
    if len(indexes) > 1:
        return itemgetter(*indexes)
    if indexes:
        one = indexes[0]
        return lambda parts: (parts[one],)
    return lambda parts: ()


def _parse(parts: list) -> tuple:
    """The object the parts hold, as nodes (kind, body, tokens): a map's body is [(key, its part, value)], a
    list's [values], a string's its part, a literal's its text; ``tokens`` are the node's own (its strings are
    the ints among them)."""
    tokens = _tokens(parts)
    pos = 0

    def value():
        nonlocal pos
        start = pos
        tok = tokens[pos]
        pos += 1
        if tok == "{":
            members: list = []
            if tokens[pos] == "}":
                pos += 1
                return ("map", members, tokens[start:pos])
            while True:
                key = tokens[pos]
                if type(key) is not int or tokens[pos + 1] != ":":
                    raise _Unplanned
                pos += 2
                members.append((_decoded(parts[key]), key, value()))
                sep = tokens[pos]
                pos += 1
                if sep == "}":
                    break
                if sep != ",":
                    raise _Unplanned
            if len({k for k, _, _ in members}) != len(members):
                raise _Unplanned  # a key twice: json.loads keeps the last
            return ("map", members, tokens[start:pos])
        if tok == "[":
            items: list = []
            if tokens[pos] == "]":
                pos += 1
                return ("list", items, tokens[start:pos])
            while True:
                items.append(value())
                sep = tokens[pos]
                pos += 1
                if sep == "]":
                    break
                if sep != ",":
                    raise _Unplanned
            return ("list", items, tokens[start:pos])
        if type(tok) is int:
            return ("str", tok, ())
        if tok in ("true", "false", "null") or _INT.match(tok):
            return ("lit", tok, ())
        raise _Unplanned  # a float, a big integer, anything else

    try:
        top = value()
    except (IndexError, RecursionError):
        raise _Unplanned from None
    if pos != len(tokens) or top[0] != "map":
        raise _Unplanned
    return top


def _managed(top: tuple) -> tuple[int, frozenset]:
    """Where metadata.managedFields is among the object's members (-1: it has none) and the parts of its
    strings, which OmitManagedFieldsPrinter leaves out (printers/serialize.without_managed_fields)."""
    for i, (k, _at, v) in enumerate(top[1]):
        if k == "metadata" and v[0] == "map":
            for km, _at, vm in v[1]:
                if km == "managedFields":
                    return i, frozenset(t for t in vm[2] if type(t) is int)
    return -1, frozenset()


def _plan(parts: list, keep_managed: bool, skip: frozenset) -> tuple:
    """(format, getter of the string values) printing objects with these parts' frame and keys. ``skip``: the
    parts of metadata.managedFields in the frame's first object (the keys left out of a plan's key), which
    must be this object's."""
    top = _parse(parts)
    if not keep_managed:
        i, managed = _managed(top)
        if managed != skip:
            raise _Unplanned
        if i >= 0:
            k, at, meta = top[1][i]
            top[1][i] = (k, at, ("map", [m for m in meta[1] if m[0] != "managedFields"], ()))
    fmt: list[str] = []
    order: list[int] = []
    _emit(top, "\n        ", fmt, order)
    return "".join(fmt), _getter(order)


def _tokens(parts: list) -> list:
    """The parts as JSON tokens: punctuation and literals from the frame, a string as the index of its part."""
    out: list = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(i)
            continue
        for tok in re.findall(r"[{}\[\],:]|[^{}\[\],:]+", part):
            out.append(tok)
    return out


def _decoded(stored: str) -> str:
    """A key's value from its stored text (the stand-ins back to their escapes)."""
    import json

    return json.loads('"' + stored.replace(_QUOTE, '\\"').replace(_BACKSLASH, "\\\\") + '"')


def _emit(node: tuple, ind: str, fmt: list, order: list) -> None:
    """``gofmt._indented_plain``'s text for ``node`` at indentation ``ind`` (a newline and the spaces), with
    ``%s`` where a string value goes (``order``: the parts that fill them)."""
    kind, body, _ = node
    if kind == "str":
        fmt.append('"%s"')
        order.append(body)
    elif kind == "lit":
        fmt.append(body)
    elif kind == "map":
        if not body:
            fmt.append("{}")
            return
        inner = ind + "    "
        sep = "{" + inner
        for k, _at, v in sorted(body, key=lambda m: m[0]):
            fmt.append(sep + gofmt.json_string(k).replace("%", "%%") + ": ")
            _emit(v, inner, fmt, order)
            sep = "," + inner
        fmt.append(ind + "}")
    else:
        if not body:
            fmt.append("[]")
            return
        inner = ind + "    "
        sep = "[" + inner
        for v in body:
            fmt.append(sep)
            _emit(v, inner, fmt, order)
            sep = "," + inner
        fmt.append(ind + "]")

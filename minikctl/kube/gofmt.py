"""Go-style value formatting, in one place.

kubectl and the API server are Go programs, and many of the texts they print are Go's own renderings of
values: ``strconv.Quote`` (``%q``), ``fmt``'s ``%v`` and ``%#v`` of decoded JSON, ``strconv.FormatFloat``
with the shortest precision, and ``encoding/json``'s marshalling (HTML-safe string escaping, its own float
rule).  This module is the one home for those renderings; printers and API modules call it.

Values are the JSON-like Python data the rest of minikctl handles (dict, list, str, int, float, bool, None).
Map keys are always visited in sorted order, as ``fmt`` and ``encoding/json`` do.  Where callers have grown
slightly different renderings, the difference is a keyword argument here, so every caller keeps its exact
output.

Public API:

* ``shortest_digits(f) -> (digits, dp)``: the shortest round-trip decimal digits of ``abs(f)``.
* ``format_float(f, fmt="g", bits=64)``: ``strconv.FormatFloat(f, fmt, -1, bits)`` for ``'g'``, ``'e'``, ``'f'``.
* ``json_float(f)``: encoding/json's float64 text (``1e-7``, ``1e+21``, ``0.000001``).
* ``quote(s, named_escapes=True, escape_unprintable=True)``: ``strconv.Quote`` / ``%q``.
* ``json_string(s, replace_invalid=True)``: an encoding/json string literal (``<`` as ``\\u003c``, ...).
* ``json_marshal(v, indent=None, key_order=None, lenient=False)``: ``json.Marshal`` / ``json.MarshalIndent``.
* ``sprint(v, int64_only=False, negative_zero=True)``: ``fmt.Sprint`` / ``%v`` (``map[a:1]``, ``<nil>``).
* ``sharp_v(v)``: ``%#v`` (``map[string]interface {}{"a":1}``).
* ``type_name(v, nil_name="interface {}")``: the Go type of a decoded JSON value.
* ``rune_repr(ch)``: ``%#U`` (``U+0023 '#'``).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~4 ms a command)
if TYPE_CHECKING:
    from typing import Any, Iterable
    import re

__all__ = [
    "INT64_MIN",
    "INT64_MAX",
    "shortest_digits",
    "format_float",
    "json_float",
    "quote",
    "json_string",
    "json_marshal",
    "sprint",
    "sharp_v",
    "type_name",
    "rune_repr",
]

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1

_INF = float("inf")


# ---------------------------------------------------------------------------
# Floats: strconv.FormatFloat(f, fmt, -1, bits)
# ---------------------------------------------------------------------------


def shortest_digits(f: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of ``abs(f)`` and the decimal point position.

    The value equals ``0.<digits> * 10**dp``; ``f`` must be finite and non-zero (zero gives ``("0", 1)``).
    Python's ``repr`` is the shortest round-trip form, the same digits Go's shortest formatting picks.
    """
    r = repr(abs(f))
    mant, _, exp = r.partition("e")
    ip, _, fp = mant.partition(".")
    digits = ip + fp
    stripped = digits.lstrip("0")
    dp = len(ip) + (int(exp) if exp else 0) - (len(digits) - len(stripped))
    stripped = stripped.rstrip("0")
    if not stripped:
        return "0", 1
    return stripped, dp


def _shortest_digits32(f: float) -> tuple[str, int, float]:
    """Shortest digits that round-trip through float32 (strconv's bitSize 32); also the float32 value."""
    import struct

    target = struct.unpack("f", struct.pack("f", f))[0]
    if target == 0 or target in (_INF, -_INF):
        return "0", 1, target
    rep = f"{target:.8e}"
    for p in range(1, 10):
        cand = f"{target:.{p - 1}e}"
        if struct.unpack("f", struct.pack("f", float(cand)))[0] == target:
            rep = cand
            break
    mant, exp_s = rep.split("e")
    digits = mant.lstrip("-").replace(".", "").rstrip("0") or "0"
    return digits, int(exp_s) + 1, target


def _fmt_e(neg: bool, digits: str, dp: int) -> str:
    """%e with the shortest digits: ``1.5e+06``, ``1e-05`` (at least two exponent digits)."""
    exp = dp - 1
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return ("-" if neg else "") + mant + ("e-" if exp < 0 else "e+") + f"{abs(exp):02d}"


def _fmt_f(neg: bool, digits: str, dp: int) -> str:
    """%f with the shortest digits: ``0.001``, ``1500``, ``1.5``."""
    if dp <= 0:
        s = "0." + "0" * (-dp) + digits
    elif dp >= len(digits):
        s = digits + "0" * (dp - len(digits))
    else:
        s = digits[:dp] + "." + digits[dp:]
    return ("-" if neg else "") + s


def format_float(f: float, fmt: str = "g", bits: int = 64) -> str:
    """``strconv.FormatFloat(f, fmt, -1, bits)`` for fmt ``'g'`` (``%v``), ``'e'`` or ``'f'``.

    With the shortest precision ``'g'`` switches to %e when the decimal exponent is < -4 or >= 6
    (``100000``, ``1e+06``, ``0.0001``, ``1e-05``), which is also ``%v`` of a float64.  NaN and the
    infinities print as ``NaN``, ``+Inf``, ``-Inf``; negative zero as ``-0``.
    ``bits=32`` rounds to float32 first and picks the shortest digits that round-trip at that width.
    """
    if f != f:
        return "NaN"
    if f == _INF:
        return "+Inf"
    if f == -_INF:
        return "-Inf"
    if bits == 32:
        digits, dp, f32 = _shortest_digits32(f)
        if f32 in (_INF, -_INF):
            return "+Inf" if f32 > 0 else "-Inf"
        neg = f32 < 0 or (f32 == 0 and repr(f).startswith("-"))
        if f32 == 0:
            digits, dp = "0", 1
    else:
        neg = f < 0 or (f == 0 and repr(f).startswith("-"))
        digits, dp = ("0", 1) if f == 0 else shortest_digits(f)
    if fmt == "e":
        return _fmt_e(neg, digits, dp)
    if fmt == "f":
        return _fmt_f(neg, digits, dp)
    if fmt != "g":
        raise ValueError(f"unsupported float format {fmt!r}")
    exp = dp - 1
    if digits == "0":
        exp = 0
    if exp < -4 or exp >= 6:
        return _fmt_e(neg, digits, dp)
    return _fmt_f(neg, digits, dp)


def json_float(f: float) -> str:
    """encoding/json's float64 text: ``'f'`` unless ``abs(f)`` < 1e-6 or >= 1e21, then ``'e'`` with ``e-7``.

    NaN and the infinities raise ``ValueError("json: unsupported value: NaN")`` as json.Marshal fails.
    """
    if f != f or f in (_INF, -_INF):
        raise ValueError("json: unsupported value: " + format_float(f))
    if f == 0:
        return "-0" if repr(f).startswith("-") else "0"
    neg = f < 0
    digits, dp = shortest_digits(f)
    a = -f if neg else f
    if a < 1e-6 or a >= 1e21:
        s = _fmt_e(neg, digits, dp)
        # encoding/json trims e-07 to e-7 (negative exponents only)
        if s[-4] == "e" and s[-3] == "-" and s[-2] == "0":
            s = s[:-2] + s[-1]
        return s
    return _fmt_f(neg, digits, dp)


# ---------------------------------------------------------------------------
# Strings: strconv.Quote and encoding/json
# ---------------------------------------------------------------------------

_QUOTE_BASIC = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_QUOTE_NAMED = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}


def quote(s: str, *, named_escapes: bool = True, escape_unprintable: bool = True) -> str:
    """Go's ``strconv.Quote`` (``%q``): ``"a\\tb"``; printable unicode is kept as is.

    ``named_escapes=False`` writes \\a \\b \\f \\v as ``\\x07``-style escapes instead of their names, and
    ``escape_unprintable=False`` keeps non-ASCII characters that are not printable; with both off this is
    the ASCII-escapes-only rendering that field errors have always used here.
    """
    out = ['"']
    for ch in s:
        esc = _QUOTE_BASIC.get(ch)
        if esc is not None:
            out.append(esc)
            continue
        o = ord(ch)
        if o < 0x20 or o == 0x7F:
            named = _QUOTE_NAMED.get(ch) if named_escapes else None
            out.append(named if named is not None else f"\\x{o:02x}")
        elif escape_unprintable and o > 0x7F and not ch.isprintable():
            out.append(f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def rune_repr(ch: str) -> str:
    """Go ``%#U``: ``U+0023 '#'`` (the quoted character only when printable)."""
    code = f"U+{ord(ch):04X}"
    if ch.isprintable():
        return f"{code} '{ch}'"
    return code


_JSON_ESC = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
for _c in range(0x20):
    _JSON_ESC.setdefault(chr(_c), f"\\u{_c:04x}")
del _c
_JSON_NEEDS: "re.Pattern[str] | None" = None  # compiled on first use: keeps importing this module cheap
_JSON_NEEDS_VALID: "re.Pattern[str] | None" = None


def _compile_json_needs() -> None:
    global _JSON_NEEDS, _JSON_NEEDS_VALID
    import re

    _JSON_NEEDS = re.compile('["\\\\<>&\u2028\u2029\x00-\x1f\ud800-\udfff]')
    _JSON_NEEDS_VALID = re.compile('["\\\\<>&\u2028\u2029\x00-\x1f]')


def _json_esc_char(m: "re.Match[str]") -> str:
    r = _JSON_ESC.get(m.group(0))
    if r is None:  # a lone surrogate: Go writes U+FFFD for invalid UTF-8
        return "\ufffd"
    return r


def _json_esc_valid(m: "re.Match[str]") -> str:
    return _JSON_ESC[m.group(0)]


def json_string(s: str, replace_invalid: bool = True) -> str:
    """An encoding/json string literal (HTML-safe): ``"a\\u003cb"``, controls as ``\\u00XX``.

    ``replace_invalid`` writes lone surrogates (invalid UTF-8 in Go) as U+FFFD as Go does; with False they
    are passed through untouched.
    """
    if _JSON_NEEDS is None:
        _compile_json_needs()
    if replace_invalid:
        if _JSON_NEEDS.search(s) is None:
            return '"' + s + '"'
        return '"' + _JSON_NEEDS.sub(_json_esc_char, s) + '"'
    if _JSON_NEEDS_VALID.search(s) is None:
        return '"' + s + '"'
    return '"' + _JSON_NEEDS_VALID.sub(_json_esc_valid, s) + '"'


# ---------------------------------------------------------------------------
# encoding/json: Marshal and MarshalIndent
# ---------------------------------------------------------------------------


def _json_scalar(v: Any, lenient: bool = False) -> str:
    """A scalar as kubectl marshals unstructured data; ``lenient``: as it stands (see ``json_marshal``)."""
    if v is None:
        return "null"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, str):
        return json_string(v, not lenient)
    if isinstance(v, int):
        if lenient or INT64_MIN <= v <= INT64_MAX:
            return str(v)
        # kubectl's unstructured decoder turns out-of-range integers into float64
        return json_float(float(v))
    if isinstance(v, float):
        if v == 0 and not lenient:
            return "0"  # -0 reads back as the integer 0 in unstructured objects
        return json_float(v)
    if lenient:
        return json_string(str(v), False)
    raise TypeError(f"json: unsupported type: {type(v).__name__}")


def _key(k: Any, lenient: bool) -> str:
    if lenient:
        return json_string(str(k), False)
    if not isinstance(k, str):
        raise TypeError(f"json: unsupported map key type: {type(k).__name__}")
    return json_string(k)


def _keys(d: dict, lenient: bool) -> list:
    return sorted(d, key=str) if lenient else sorted(d)


def _compact(v: Any, out: list[str], lenient: bool, typed: bool = False) -> None:
    if isinstance(v, dict):
        out.append("{")
        first = True
        for k in (list(v) if typed else _keys(v, lenient)):
            if not first:
                out.append(",")
            first = False
            out.append(_key(k, lenient))
            out.append(":")
            _compact(v[k], out, lenient, typed)
        out.append("}")
    elif isinstance(v, (list, tuple)):
        out.append("[")
        first = True
        for item in v:
            if not first:
                out.append(",")
            first = False
            _compact(item, out, lenient, typed)
        out.append("]")
    else:
        out.append(_json_scalar(v, lenient))


def _indented(v: Any, ind: str, step: str, out: list[str], lenient: bool, order: Iterable[Any] | None = None,
              typed: bool = False) -> None:
    if isinstance(v, dict):
        if not v:
            out.append("{}")
            return
        inner = ind + step
        out.append("{")
        first = True
        for k in (list(order) if order is not None else list(v) if typed else _keys(v, lenient)):
            out.append("\n" + inner if first else ",\n" + inner)
            first = False
            out.append(_key(k, lenient))
            out.append(": ")
            _indented(v[k], inner, step, out, lenient, typed=typed)
        out.append("\n" + ind + "}")
    elif isinstance(v, (list, tuple)):
        if not v:
            out.append("[]")
            return
        inner = ind + step
        out.append("[")
        first = True
        for item in v:
            out.append("\n" + inner if first else ",\n" + inner)
            first = False
            _indented(item, inner, step, out, lenient, typed=typed)
        out.append("\n" + ind + "]")
    else:
        out.append(_json_scalar(v, lenient))


def json_marshal(
    v: Any, indent: str | None = None, *, key_order: Iterable[Any] | None = None, lenient: bool = False,
    typed: bool = False,
) -> str:
    """Go ``json.Marshal(v)`` (``indent=None``) or ``json.MarshalIndent(v, "", indent)``; no trailing newline.

    Map keys are sorted.  By default values are treated as kubectl's unstructured data: integers outside
    int64 become float64, ``-0.0`` prints ``0``, lone surrogates become U+FFFD, and anything not JSON-like
    (or a non-string key) raises ``TypeError``.  ``lenient=True`` prints values as they stand instead (any
    int, ``-0``, surrogates untouched, other objects as the string of their ``str()``).  ``key_order`` fixes
    the order of the top-level keys (only those listed are printed; it needs ``indent``). ``typed=True`` prints
    every map in its own key order, as Go prints a typed struct's fields.
    """
    out: list[str] = []
    if indent is None:
        _compact(v, out, lenient, typed)
    elif key_order is None and not lenient and not typed:
        _indented_plain(v, indent, out)
    else:
        order = None
        if key_order is not None and isinstance(v, dict):
            order = [k for k in key_order if k in v]
        _indented(v, "", indent, out, lenient, order, typed)
    return "".join(out)


_STRINGS: dict[str, str] = {}  # short strings as json_string writes them
_KEYS: dict[str, str] = {}  # short map keys as written before their value ('"name": ')


def _indented_plain(v: Any, step: str, out: list[str]) -> None:
    """``_indented(v, "", step, out, False)`` for decoded JSON (``-o json`` of a list of 10,000 pods): the same
    text, twice as fast (one closure, indents carried with their newline, short strings encoded once). A value
    of another class than dict, list (or tuple), str, int, bool or None is written by ``_indented``."""
    strings, keys = _STRINGS, _KEYS
    if len(strings) > 20_000 or len(keys) > 20_000:
        strings.clear()
        keys.clear()
    add = out.append

    def enc(v: Any, ind: str) -> None:
        t = v.__class__
        if t is str:
            text = strings.get(v)
            if text is None:
                text = json_string(v)
                if len(v) < 100:
                    strings[v] = text
            add(text)
        elif t is dict:
            if not v:
                add("{}")
                return
            inner = ind + step
            sep = "{" + inner
            for k in sorted(v):
                text = keys.get(k) if k.__class__ is str else None
                if text is None:
                    text = _key(k, False) + ": "
                    if len(k) < 100:
                        keys[k] = text
                add(sep + text)
                enc(v[k], inner)
                sep = "," + inner
            add(ind + "}")
        elif t is list or isinstance(v, (list, tuple)):  # a lazily read list too (printers/output.stream)
            if not v:
                add("[]")
                return
            inner = ind + step
            sep = "[" + inner
            for item in v:
                add(sep)
                enc(item, inner)
                sep = "," + inner
            add(ind + "]")
        elif t is int and INT64_MIN <= v <= INT64_MAX:
            add(str(v))
        elif v is True:
            add("true")
        elif v is False:
            add("false")
        elif v is None:
            add("null")
        else:
            _indented(v, ind[1:], step, out, False)

    enc(v, "\n")


def json_marshal_into(v: Any, indent: str, out: list[str]) -> None:
    """``json_marshal(v, indent)`` appended to ``out`` piece by piece (a caller may take the pieces as they
    come: a list's items read lazily)."""
    _indented_plain(v, indent, out)


# ---------------------------------------------------------------------------
# fmt: %v, %#v and reflect type names
# ---------------------------------------------------------------------------


def sprint(v: Any, *, int64_only: bool = False, negative_zero: bool = True) -> str:
    """Go ``fmt.Sprint`` / ``%v`` of a decoded JSON value: ``map[a:1 b:x]``, ``[a b]``, ``<nil>``, ``1e+06``.

    ``int64_only=True`` prints integers outside int64 as the float64 Go's JSON decoding makes of them;
    ``negative_zero=False`` prints ``-0.0`` as ``0``.
    """
    if v is None:
        return "<nil>"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, int):
        if int64_only and not INT64_MIN <= v <= INT64_MAX:
            return format_float(float(v))
        return str(v)
    if isinstance(v, float):
        if not negative_zero and v == 0:
            return "0"
        return format_float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        return "map[" + " ".join(
            f"{k}:{sprint(v[k], int64_only=int64_only, negative_zero=negative_zero)}" for k in sorted(v, key=str)
        ) + "]"
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(sprint(x, int64_only=int64_only, negative_zero=negative_zero) for x in v) + "]"
    return str(v)


def sharp_v(v: Any) -> str:
    """Go ``%#v`` of a decoded JSON value: ``map[string]interface {}{"a":1}``, ``interface {}(nil)``."""
    if v is None:
        return "interface {}(nil)"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_float(v)
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, dict):
        inner = ", ".join(f"{quote(str(k))}:{sharp_v(v[k])}" for k in sorted(v, key=str))
        return "map[string]interface {}{" + inner + "}"
    if isinstance(v, (list, tuple)):
        return "[]interface {}{" + ", ".join(sharp_v(x) for x in v) + "}"
    return quote(str(v))


def type_name(v: Any, nil_name: str = "interface {}") -> str:
    """The Go type of a decoded JSON value (``map[string]interface {}``, ``int64``, ...).

    ``nil_name`` is what a null is called: ``interface {}`` (the element type, as reflect.Value shows it) or
    ``<nil>`` (``%v`` of ``reflect.TypeOf(nil)``).
    """
    if v is None:
        return nil_name
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, (list, tuple)):
        return "[]interface {}"
    return type(v).__name__

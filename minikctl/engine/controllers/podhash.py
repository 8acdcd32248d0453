"""The pod-template-hash: ``controller.ComputeHash`` (kubernetes v1.32, ``pkg/controller/controller_utils.go``).

    podTemplateSpecHasher := fnv.New32a()
    hashutil.DeepHashObject(podTemplateSpecHasher, *template)       // pkg/util/hash/hash.go
    if collisionCount != nil { binary.LittleEndian.PutUint32(8 bytes, uint32(*collisionCount)); Write(...) }
    return rand.SafeEncodeString(fmt.Sprint(podTemplateSpecHasher.Sum32()))

``DeepHashObject`` writes ``dump.ForHash(obj)``: go-spew's ``%#v`` with SortKeys, DisableMethods, SpewKeys
(k8s.io/apimachinery/pkg/util/dump/dump.go; github.com/davecgh/go-spew/spew/format.go). That text names every
field of the Go ``v1.PodTemplateSpec`` in declaration order with its type, set or not, so the hash depends on
the exact struct definitions of the version: ``podtemplate_types.json`` holds those of Kubernetes 1.32
(tools/gen_gotypes.py reads them from k8s.io/api and k8s.io/apimachinery v0.32.4).

The controller hashes the template as its informer decoded it (protobuf from the API server): empty lists and
maps are nil, a zero time is ``time.Time{}``, a quantity is ``resource.ParseQuantity`` of its canonical string,
an int-or-string is {Type, IntVal, StrVal}. This module renders a stored (JSON) template that way.
"""

from __future__ import annotations

import json
import os

_TYPES: dict | None = None
_PRINTERS: dict = {}
_CACHE: dict[tuple[str, int | None], str] = {}
ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery/pkg/util/rand


def _types() -> dict:
    global _TYPES
    if _TYPES is None:
        path = os.path.join(os.path.dirname(__file__), "podtemplate_types.json")
        with open(path, encoding="utf-8") as fh:
            _TYPES = json.load(fh)
    return _TYPES


def use_types(data: dict | None) -> None:
    """Render with other struct definitions (tests reproduce hashes of older Kubernetes versions)."""
    global _TYPES
    _TYPES = data
    _PRINTERS.clear()
    _CACHE.clear()


def type_string(t: str) -> str:
    """reflect.Type.String() of a type expression (IDs printed with their Go package name)."""
    if t.startswith("*"):
        return "*" + type_string(t[1:])
    if t.startswith("[]"):
        return "[]" + type_string(t[2:])
    if t.startswith("map["):
        key, val = _split_map(t)
        return f"map[{type_string(key)}]{type_string(val)}"
    return _types()["print"].get(t, t)


def _split_map(t: str) -> tuple[str, str]:
    depth, j = 1, 4
    while depth:
        depth += {"[": 1, "]": -1}.get(t[j], 0)
        j += 1
    return t[4:j - 1], t[j:]


def _underlying(t: str) -> str:
    named = _types()["named"]
    while t in named:
        t = named[t]
    return t


_INTS = {"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr"}


# ---- quantities: resource.ParseQuantity (k8s.io/apimachinery/pkg/api/resource/quantity.go) -------------------

_DEC_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BIN_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}


def _parse_quantity_string(s: str) -> tuple[bool, str, str, str]:
    """parseQuantityString: (positive, num, denom, suffix)."""
    positive, pos, end = True, 0, len(s)
    if s[:1] == "-":
        positive, pos = False, 1
    elif s[:1] == "+":
        pos = 1
    while pos < end and s[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "", ""
    i = pos
    while i < end and s[i].isdigit():
        i += 1
    num = s[pos:i] or "0"
    pos = i
    denom = ""
    if pos < end and s[pos] == ".":
        pos += 1
        i = pos
        while i < end and s[i].isdigit():
            i += 1
        denom = s[pos:i]
        pos = i
    return positive, num, denom, s[pos:]


def parse_quantity(s: str) -> dict | None:
    """The Go fields of ParseQuantity(s) on its int64 fast path: {value, scale, s, format}; None when the value
    takes the inf.Dec path (not rendered here)."""
    if s == "0":
        return {"value": 0, "scale": 0, "s": "0", "format": "DecimalSI"}
    positive, num, denom, suffix = _parse_quantity_string(s)
    if suffix in _DEC_SUFFIXES:
        exponent, fmt = _DEC_SUFFIXES[suffix], "DecimalSI"
    elif suffix in _BIN_SUFFIXES:
        exponent, fmt = _BIN_SUFFIXES[suffix], "BinarySI"
    elif len(suffix) > 1 and suffix[0] in "eE":
        exponent, fmt = int(suffix[1:]), "DecimalExponent"
    else:
        return None
    mantissa = 1
    if fmt == "BinarySI":
        scale = 0
        if exponent >= 0 and not denom:
            mantissa = 1 << exponent
            precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        else:
            precision = -1
    else:
        scale = exponent
        precision = 18 - (len(num) + len(denom))
    if precision >= 0:
        scale -= len(denom)
        if scale >= -9:
            shifted = num + denom
            value = int(shifted)
            result = value * mantissa
            if result < (1 << 63):
                if not positive:
                    result = -result
                keep = False
                if fmt == "BinarySI":
                    keep = exponent % 10 == 0 and (value & 0x07) != 0
                else:
                    keep = scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"
                return {"value": result, "scale": scale, "s": s if keep else "", "format": fmt}
    return None


# ---- go-spew's %#v ------------------------------------------------------------------------------------------

def _printer(t: str):
    """A function (json value, show_type) -> text for the Go type ``t`` (compiled once per type)."""
    p = _PRINTERS.get(t)
    if p is None:
        _PRINTERS[t] = lambda v, show: _PRINTERS[t](v, show)  # recursion guard while compiling
        p = _PRINTERS[t] = _compile(t)
    return p


def _compile(t: str):
    ts = type_string(t)
    head = f"({ts})"
    if t.startswith("*"):
        elem = t[1:]
        elem_p = _printer(elem)
        star_head = f"(*{type_string(elem)})"

        def ptr(v, show):
            if v is None:
                return head + "<nil>" if show else "<nil>"
            return (star_head if show else "<*>") + elem_p(v, False)
        return ptr
    under = _underlying(t)
    if under.startswith("[]"):
        elem_p = _printer(under[2:])

        def slice_(v, show):
            pre = head if show else ""
            if not v:  # protobuf decodes an empty list as nil
                return pre + "<nil>"
            return pre + "[" + " ".join(elem_p(x, False) for x in v) + "]"
        return slice_
    if under.startswith("map["):
        key_t, val_t = _split_map(under)
        key_p, val_p = _printer(key_t), _printer(val_t)

        def map_(v, show):
            pre = head if show else ""
            if not v:
                return pre + "<nil>"
            keys = sorted(v, key=lambda k: k.encode("utf-8"))  # spew SortKeys: Go string order
            return pre + "map[" + " ".join(key_p(k, False) + ":" + val_p(v[k], False) for k in keys) + "]"
        return map_
    if t == "resource.Quantity":
        return _quantity_printer(head)
    if t == "intstr.IntOrString":
        def intstr(v, show):
            if isinstance(v, str):
                typ, iv, sv = 1, 0, v
            else:
                typ, iv, sv = 0, int(v or 0), ""
            return ((head if show else "") + f"{{Type:(intstr.Type){typ} IntVal:(int32){iv} StrVal:(string){sv}}}")
        return intstr
    if t == "meta.Time":
        zero = _printer("time.Time")

        def time_(v, show):
            if v:
                raise ValueError("a set time in a pod template")  # never the case in a template
            return (head if show else "") + "{Time:" + zero(None, True) + "}"
        return time_
    structs = _types()["structs"]
    if t in structs:
        fields = []
        for name, ftype, jname in structs[t]:
            fields.append((name + ":", _printer(ftype), jname))

        def struct(v, show):
            v = v if isinstance(v, dict) else {}
            parts = []
            for label, fp, jname in fields:
                if jname == "":  # embedded inline: the same JSON object
                    parts.append(label + fp(v, True))
                else:  # None: an unexported field, never in JSON (its zero value)
                    parts.append(label + fp(v.get(jname) if jname else None, True))
            return (head if show else "") + "{" + " ".join(parts) + "}"
        return struct
    if under == "string":
        return lambda v, show: (head if show else "") + ("" if v is None else str(v))
    if under == "bool":
        return lambda v, show: (head if show else "") + ("true" if v else "false")
    if under in _INTS:
        return lambda v, show: (head if show else "") + str(int(v or 0))
    if under in ("float32", "float64"):
        return lambda v, show: (head if show else "") + _go_float(float(v or 0))
    raise ValueError(f"cannot render Go type {t}")


def _quantity_printer(head: str):
    def quantity(v, show):
        q = parse_quantity(str(v)) if v is not None else None
        if q is None:
            q = {"value": 0, "scale": 0, "s": "", "format": ""}
        return ((head if show else "") + f"{{i:(resource.int64Amount){{value:(int64){q['value']} "
                f"scale:(resource.Scale){q['scale']}}} d:(resource.infDecAmount){{Dec:(*inf.Dec)<nil>}} "
                f"s:(string){q['s']} Format:(resource.Format){q['format']}}}")
    return quantity


def _go_float(f: float) -> str:
    return repr(f) if f != int(f) else str(int(f))


def spew(template: dict) -> str:
    """dump.ForHash(*template): the text ComputeHash feeds to FNV."""
    return _printer("core.PodTemplateSpec")(template, True)


def fnv32a(data: bytes, h: int = 0x811C9DC5) -> int:
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def safe_encode(s: str) -> str:
    """rand.SafeEncodeString."""
    return "".join(ALPHANUMS[ord(ch) % len(ALPHANUMS)] for ch in s)


def compute_hash(template: dict, collision_count: int | None = None) -> str:
    """controller.ComputeHash(&template, collisionCount)."""
    key = (json.dumps(template, sort_keys=True, separators=(",", ":")), collision_count)
    found = _CACHE.get(key)
    if found is not None:
        return found
    h = fnv32a(spew(template).encode("utf-8"))
    if collision_count is not None:
        h = fnv32a((collision_count & 0xFFFFFFFF).to_bytes(4, "little") + b"\0\0\0\0", h)
    out = _CACHE[key] = safe_encode(str(h))
    return out

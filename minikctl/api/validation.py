"""Admission-time checks for the kinds minikctl stores, worded as the API server words them.

Three entry points, in the order the API server applies them on create:

* ``decode_errors(kind, obj)``: JSON type mismatches, worded like Go's JSON
  decoder (``json: cannot unmarshal bool into Go struct field
  ObjectMeta.metadata.name of type string``), plus the errors of custom
  decoders (Quantity). The server reports only the first one.
* ``unknown_fields(kind, obj)``: fields the schema does not know, as dotted
  paths with ``[i]`` indices (``spec.containers[0].commnd``). Only reported
  when decoding otherwise succeeded.
* ``validate(kind, obj)``: ``pkg/apis/core/validation`` rules on the
  *defaulted* object, returning ``FieldError`` causes in the order the API
  server lists them.

The JSON Schemas in ``schemas/`` drive the first two (jsonschema is only used
by the unit tests to check the schema files). The validation rules are small
functions mirroring the upstream ones, one per rule family.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Any, Callable

from minikctl.kube import errors as E
from minikctl.kube import selectors as _sel
from minikctl.kube.errors import FieldError
from minikctl.kube.lazyre import Lazy
from minikctl.kube.selectors import (  # noqa: F401  (re-exported)
    DNS1123_LABEL_FMT,
    DNS1123_SUBDOMAIN_FMT,
    LABEL_VALUE_FMT,
    QUALIFIED_NAME_FMT,
    max_len_error,
    regex_error,
)

__all__ = [
    "SCHEMA_FILES",
    "schema_for",
    "validator_for",
    "unknown_fields",
    "decode_errors",
    "validate",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_qualified_name",
    "is_valid_label_value",
    "RawFieldError",
]

# os.path rather than pathlib: pathlib's import (with urllib.parse and ipaddress) costs ~3 ms a command
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
# a wheel carries the schemas inside the package (pyproject force-include); a checkout has them at the root
SCHEMA_DIRS = (os.path.join(_PACKAGE_DIR, "schemas"), os.path.join(os.path.dirname(_PACKAGE_DIR), "schemas"))
SCHEMA_FILES = {
    "Pod": "pod-v1.json",
    "Namespace": "namespace-v1.json",
    "Deployment": "deployment-apps-v1.json",
    "ReplicaSet": "replicaset-apps-v1.json",
    "StatefulSet": "statefulset-apps-v1.json",
    "DaemonSet": "daemonset-apps-v1.json",
    "Job": "job-batch-v1.json",
    "CronJob": "cronjob-batch-v1.json",
    "ConfigMap": "configmap-v1.json",
    "Secret": "secret-v1.json",
    "ServiceAccount": "serviceaccount-v1.json",
    "Service": "service-v1.json",
    "Endpoints": "endpoints-v1.json",
    "Lease": "lease-coordination-v1.json",
    "ControllerRevision": "controllerrevision-apps-v1.json",
    "EndpointSlice": "endpointslice-discovery-v1.json",
}


class RawFieldError(FieldError):
    """A field error whose bad value is already rendered Go-style (``map[string]string{...}``)."""

    __slots__ = ("raw",)

    def __init__(self, type_: str, field: str, raw: str, detail: str = "") -> None:
        super().__init__(type_, field, None, detail)
        self.raw = raw

    def body(self) -> str:
        s = f"{self.type}: {self.raw}"
        if self.detail:
            s += f": {self.detail}"
        return s


# ---------------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def schema_file(name: str) -> dict | None:
    """The schema file ``name`` (``pod-v1.json``) parsed, once per process: the decoder's checks here and the
    field manager (api/fieldmanager.py) read the same dict, and neither changes it. None when there is none."""
    for directory in SCHEMA_DIRS:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)
    return None


@lru_cache(maxsize=None)
def schema_for(kind: str) -> dict:
    name = SCHEMA_FILES.get(kind)
    if name is None:
        raise KeyError(f"no schema for kind {kind!r}")
    found = schema_file(name)
    if found is None:
        raise FileNotFoundError(f"schema {name} not found in {', '.join(str(d) for d in SCHEMA_DIRS)}")
    return found


@lru_cache(maxsize=None)
def validator_for(kind: str):
    """A cached ``Draft202012Validator`` for a kind (no ``check_schema`` at run time)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema_for(kind))


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _types(node: dict) -> list[str]:
    t = node.get("type")
    if t is None:
        return []
    return [t] if isinstance(t, str) else list(t)


def _is_struct(node: dict) -> bool:
    return "properties" in node


# ---------------------------------------------------------------------------------------------
# Unknown fields
# ---------------------------------------------------------------------------------------------


def unknown_fields(kind: str, obj: dict) -> list[str]:
    """Paths of fields the schema of ``kind`` does not know, in document order."""
    schema = schema_for(kind)
    out: list[str] = []
    _walk_unknown(schema, schema, obj, "", out)
    return out


def _walk_unknown(schema: dict, node: dict, value: Any, path: str, out: list[str]) -> None:
    node = _resolve(schema, node)
    if isinstance(value, dict):
        props = node.get("properties")
        if props is not None:
            for key, sub in value.items():
                child = f"{path}.{key}" if path else key
                if key not in props:
                    out.append(child)
                else:
                    _walk_unknown(schema, props[key], sub, child, out)
            return
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            for key, sub in value.items():
                child = f"{path}.{key}" if path else key
                _walk_unknown(schema, extra, sub, child, out)
    elif isinstance(value, list):
        items = node.get("items")
        if isinstance(items, dict):
            for i, sub in enumerate(value):
                _walk_unknown(schema, items, sub, f"{path}[{i}]", out)


# ---------------------------------------------------------------------------------------------
# Decode (type) errors
# ---------------------------------------------------------------------------------------------

_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1), "int": (-(2**63), 2**63 - 1)}


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _go_number_text(value: Any) -> str:
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return str(value)


def _go_type(schema: dict, node: dict) -> str:
    """The Go type name of a schema node (``string``, ``int32``, ``[]v1.Container``, ...)."""
    if "$ref" in node:
        target = _resolve(schema, node)
        if "x-go-type" in target and (_is_struct(target) or target["x-go-type"].startswith(("intstr.", "resource."))):
            return target["x-go-type"]
        if target.get("format") == "date-time":
            return "v1.Time"
        node = target
    types = [t for t in _types(node) if t != "null"]
    if "x-go-type" in node and _is_struct(node):
        return node["x-go-type"]
    if not types:
        return "interface {}"
    t = types[0]
    if t == "string":
        return "[]uint8" if node.get("format") == "byte" else "string"
    if t == "boolean":
        return "bool"
    if t == "integer":
        return node.get("format", "int")
    if t == "number":
        return "float64"
    if t == "array":
        return "[]" + _go_type(schema, node.get("items", {}))
    if t == "object":
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            return "map[string]" + _go_type(schema, extra)
        return "map[string]interface {}"
    return t


def decode_errors(kind: str, obj: dict) -> list[str]:
    """Go-decoder wording for every value of the wrong JSON type, in document order."""
    schema = schema_for(kind)
    out: list[str] = []
    top_struct = schema.get("x-go-type", "v1." + kind).split(".")[-1]
    if not isinstance(obj, dict):
        return [f"json: cannot unmarshal {_json_kind(obj)} into Go value of type {schema.get('x-go-type')}"]
    _walk_decode(schema, schema, obj, top_struct, "", out)
    return out


def decode_checks(kind: str, obj: dict) -> tuple[list[str], list[str]]:
    """``decode_errors`` and ``unknown_fields`` of ``obj``. A spec found clean once (no decode error, no unknown
    field) is not walked again for the same kind (the pods of one manifest template send the same spec): both
    walks are functions of each field's value, so the rest of the object gives the same answers without it."""
    spec = obj.get("spec") if isinstance(obj, dict) else None
    key = None
    if isinstance(spec, dict) and spec:
        try:
            key = (kind, _spec_json(spec))
        except (TypeError, ValueError, RecursionError):  # not JSON: walked as it is
            key = None
        if key is not None and key in _CLEAN_SPECS:
            rest = {k: v for k, v in obj.items() if k != "spec"}
            return decode_errors(kind, rest), unknown_fields(kind, rest)
    problems, unknown = decode_errors(kind, obj), unknown_fields(kind, obj)
    if key is not None and not problems and not unknown:
        if len(_CLEAN_SPECS) >= 1024:
            _CLEAN_SPECS.clear()
        _CLEAN_SPECS[key] = None
    return problems, unknown


_CLEAN_SPECS: dict[tuple, None] = {}  # decode_checks: (kind, spec JSON) of the specs found clean
_spec_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_DECODE_CACHE: dict[int, tuple] = {}


def _classify(schema: dict, raw: dict) -> tuple:
    """(kind, resolved node, Go type name, Go struct name) of a schema node; cached per node
    (schemas are cached for the life of the process, so node identities are stable)."""
    c = _DECODE_CACHE.get(id(raw))
    if c is None:
        node = _resolve(schema, raw)
        gotype = node.get("x-go-type", "")
        types = _types(node)
        if gotype == "resource.Quantity":
            kind = "quantity"
        elif gotype == "intstr.IntOrString":
            kind = "intstr"
        elif node.get("format") == "date-time" and "properties" not in node:
            kind = "time"
        elif "properties" in node:
            kind = "struct"
        elif "object" in types and "additionalProperties" in node:
            kind = "map"
        elif "array" in types:
            kind = "array"
        elif "string" in types:
            kind = "string"
        elif "boolean" in types:
            kind = "bool"
        elif "integer" in types:
            kind = "int"
        elif "number" in types:
            kind = "number"
        else:
            kind = "any"
        c = (kind, node, _go_type(schema, raw), gotype.split(".")[-1] if gotype else "", raw)
        _DECODE_CACHE[id(raw)] = c
    return c


def _walk_decode(schema: dict, raw: dict, value: Any, struct: str, fpath: str, out: list[str]) -> None:
    if value is None:
        return  # null decodes to the zero value
    kind, node, gotype, sname, _keep = _classify(schema, raw)

    def type_error(desc: str) -> None:
        if fpath:
            out.append(f"json: cannot unmarshal {desc} into Go struct field {struct}.{fpath} of type {gotype}")
        else:
            out.append(f"json: cannot unmarshal {desc} into Go value of type {gotype}")

    if kind == "struct":
        if not isinstance(value, dict):
            type_error(_json_kind(value))
            return
        props = node["properties"]
        sname = sname or struct
        for key, sub in value.items():
            child_schema = props.get(key)
            if child_schema is not None:
                _walk_decode(schema, child_schema, sub, sname, f"{fpath}.{key}" if fpath else key, out)
        return
    if kind == "map":
        if not isinstance(value, dict):
            type_error(_json_kind(value))
            return
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            for sub in value.values():
                _walk_decode(schema, extra, sub, struct, fpath, out)
        return
    if kind == "array":
        if not isinstance(value, list):
            type_error(_json_kind(value))
            return
        items = node.get("items", {})
        for sub in value:
            _walk_decode(schema, items, sub, struct, fpath, out)
        return
    if kind == "string":
        if not isinstance(value, str):
            type_error(_json_kind(value))
        elif node.get("format") == "byte":  # []byte fields (Secret.data, ConfigMap.binaryData) are base64
            msg = base64_error(value)
            if msg:
                out.append(msg)
        return
    if kind == "bool":
        if not isinstance(value, bool):
            type_error(_json_kind(value))
        return
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            type_error(_json_kind(value))
            return
        lo, hi = _INT_RANGES.get(node.get("format", "int"), _INT_RANGES["int"])
        if isinstance(value, float) and not value.is_integer() or not lo <= value <= hi:
            type_error("number " + _go_number_text(value))
        return
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            type_error(_json_kind(value))
        return
    if kind == "quantity":
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            out.append("quantities must match the regular expression "
                       "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
            return
        try:
            _parse_quantity(value)
        except ValueError as exc:
            out.append(str(exc))
        return
    if kind == "intstr":
        if isinstance(value, str):
            return
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            out.append(f"json: cannot unmarshal {_json_kind(value)} into Go value of type int32")
        elif isinstance(value, float) and not value.is_integer() or not -(2**31) <= value < 2**31:
            out.append(f"json: cannot unmarshal number {_go_number_text(value)} into Go value of type int32")
        return
    if kind == "time":
        if not isinstance(value, str):
            out.append(f"json: cannot unmarshal {_json_kind(value)} into Go value of type string")
        else:
            from minikctl.kube.timefmt import rfc3339_parse_error

            msg = rfc3339_parse_error(value)  # metav1.Time decodes with time.Parse(time.RFC3339, s)
            if msg:
                out.append(msg)
        return


def unstructured_errors(kind: str, obj: Any) -> list[str]:
    """What apimachinery's DefaultUnstructuredConverter.FromUnstructured (runtime/converter.go) says of the first
    value of the wrong type when it turns a map into the kind's Go type, as the API server does with the result
    of a strategic merge patch: ``cannot restore map from string``, ``cannot restore slice from map``,
    ``cannot restore struct from: string``, ``cannot convert int64 to string``. Types with their own JSON
    decoding (Quantity, IntOrString, Time, []byte) answer as their UnmarshalJSON does. [] when it converts."""
    schema = schema_for(kind)
    out: list[str] = []
    _walk_unstructured(schema, schema, obj, out)
    return out[:1]


def _go_kind(value: Any) -> str:
    """reflect.Kind of a value of an unstructured map (JSON decoded with integers kept as int64)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "slice"
    return "map"


def _go_type_of(value: Any) -> str:
    kind = _go_kind(value)
    return {"slice": "[]interface {}", "map": "map[string]interface {}"}.get(kind, kind)


def _walk_unstructured(schema: dict, raw: dict, value: Any, out: list[str]) -> None:
    if value is None or out:
        return  # nil converts to the zero value
    kind, node, gotype, _sname, _keep = _classify(schema, raw)
    if kind == "struct":  # structFromUnstructured
        if not isinstance(value, dict):
            out.append(f"cannot restore struct from: {_go_kind(value)}")
            return
        props = node["properties"]
        for key, sub in value.items():
            if key in props:
                _walk_unstructured(schema, props[key], sub, out)
        return
    if kind == "map":  # mapFromUnstructured
        if not isinstance(value, dict):
            out.append(f"cannot restore map from {_go_kind(value)}")
            return
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            for sub in value.values():
                _walk_unstructured(schema, extra, sub, out)
        return
    if kind == "array":  # sliceFromUnstructured
        if not isinstance(value, list):
            out.append(f"cannot restore slice from {_go_kind(value)}")
            return
        for sub in value:
            _walk_unstructured(schema, node.get("items", {}), sub, out)
        return
    if kind == "string" and node.get("format") == "byte":  # []byte: a base64 string
        if isinstance(value, str):
            msg = base64_error(value)
            if msg:
                out.append(msg)
        elif not isinstance(value, list):
            out.append(f"cannot restore slice from {_go_kind(value)}")
        return
    if kind in ("quantity", "intstr", "time"):  # their own UnmarshalJSON: the JSON decoder's words
        _walk_decode(schema, raw, value, "", "", out)
        return
    # simple kinds: assignable, or one of the conversions JSON allows (integers to numbers, integral floats to
    # integers, strings to strings); anything else "cannot convert"
    st = _go_type_of(value)
    ok = {"string": st == "string", "bool": st == "bool", "number": st in ("int64", "float64"),
          "int": st == "int64" or (st == "float64" and float(value).is_integer())}.get(kind, True)
    if not ok:
        out.append(f"cannot convert {st} to {gotype}")


_B64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def base64_error(text: str) -> str:
    """The error of Go's base64.StdEncoding decoding a JSON string into a []byte (``illegal base64 data at
    input byte N``), or "" when it decodes. Newlines are skipped as Go skips them."""
    chars = [(i, c) for i, c in enumerate(text) if c not in "\r\n"]
    q = 0
    while q < len(chars):
        quantum = chars[q:q + 4]
        for j, (i, c) in enumerate(quantum):
            if c == "=":
                if j < 2:
                    return f"illegal base64 data at input byte {i}"
                if j == 2 and len(quantum) < 4:
                    return f"illegal base64 data at input byte {len(text)}"  # not enough padding
                if j == 2 and quantum[3][1] != "=":
                    return f"illegal base64 data at input byte {i}"  # CorruptInputError(si - 1)
                if q + 4 < len(chars):
                    return f"illegal base64 data at input byte {chars[q + 4][0]}"
                return ""
            if c not in _B64:
                return f"illegal base64 data at input byte {i}"
        if len(quantum) < 4:
            return f"illegal base64 data at input byte {quantum[0][0]}"
        q += 4
    return ""


def decode_base64(text: Any) -> bytes:
    import base64

    try:
        return base64.b64decode(text if isinstance(text, str) else "", validate=False)
    except ValueError:
        return b""


# ---------------------------------------------------------------------------------------------
# apimachinery string checks (k8s.io/apimachinery/pkg/util/validation)
# ---------------------------------------------------------------------------------------------

CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"

_DNS1123_LABEL_RE = Lazy("^" + DNS1123_LABEL_FMT + "$")
_DNS1123_SUBDOMAIN_RE = Lazy("^" + DNS1123_SUBDOMAIN_FMT + "$")
_CONFIG_MAP_KEY_RE = Lazy("^" + CONFIG_MAP_KEY_FMT + "$")
_PORT_NAME_CHARSET_RE = Lazy("^[-a-z0-9]+$")
_PORT_NAME_LETTER_RE = Lazy("[a-z]")
_HTTP_HEADER_NAME_RE = Lazy("^[-A-Za-z0-9]+$")

IS_NEGATIVE = "must be greater than or equal to 0"
NOT_POSITIVE = "must be greater than zero"
FILE_MODE_MSG = "must be a number between 0 and 0777 (octal), both inclusive"


def inclusive_range_error(lo: int, hi: int) -> str:
    return f"must be between {lo} and {hi}, inclusive"


def is_dns1123_label(value: str) -> list[str]:
    errs = []
    if len(value.encode("utf-8")) > 63:
        errs.append(max_len_error(63))
    if not _DNS1123_LABEL_RE.fullmatch(value):
        if _DNS1123_SUBDOMAIN_RE.fullmatch(value):
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
                "and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


# Go's checks: lengths in bytes, and the whole value must match (no trailing newline slips through)
def is_dns1123_subdomain(value: str) -> list[str]:
    return _sel.is_dns1123_subdomain(value)


def is_qualified_name(value: str) -> list[str]:
    if type(value) is not str:
        return _sel.is_qualified_name(value)
    return list(_qualified_name_errors(value))


@lru_cache(maxsize=4096)  # label, annotation and finalizer keys: the same few on every object a controller makes
def _qualified_name_errors(value: str) -> tuple[str, ...]:
    return tuple(_sel.is_qualified_name(value))


def is_valid_label_value(value: str) -> list[str]:
    return _sel.is_valid_label_value(value)


def is_valid_port_num(port: int) -> list[str]:
    return [] if 1 <= port <= 65535 else [inclusive_range_error(1, 65535)]


def is_valid_port_name(port: str) -> list[str]:
    errs = []
    if len(port) > 15:
        errs.append(max_len_error(15))
    if not _PORT_NAME_CHARSET_RE.match(port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _PORT_NAME_LETTER_RE.search(port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def is_relaxed_env_var_name(value: str) -> list[str]:
    errs = []
    if not value:
        errs.append("environment variable name must be non-empty")
    for ch in value:
        if ord(ch) > 126 or ord(ch) < 32 or ch == "=":
            errs.append("a valid environment variable name must consist only of printable ASCII characters "
                        "other than '='")
            break
    return errs


def _has_chdir_prefix(value: str) -> list[str]:
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def is_config_map_key(value: str) -> list[str]:
    errs = []
    if len(value) > 253:
        errs.append(max_len_error(253))
    if not _CONFIG_MAP_KEY_RE.match(value):
        errs.append(regex_error("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                                CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    errs.extend(_has_chdir_prefix(value))
    return errs


def is_valid_id(value: int) -> list[str]:
    return [] if 0 <= value <= 2147483647 else [inclusive_range_error(0, 2147483647)]


def _dns_label_errs(value: str, path: str) -> list[FieldError]:
    return [E.invalid(path, value, m) for m in is_dns1123_label(value)]


def _subdomain_errs(value: str, path: str) -> list[FieldError]:
    return [E.invalid(path, value, m) for m in is_dns1123_subdomain(value)]


def _nonneg(value: Any, path: str) -> list[FieldError]:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        return [E.invalid(path, value, IS_NEGATIVE)]
    return []


def _go_map(m: dict | None) -> str:
    """``%#v`` of a Go map[string]string (keys sorted, as fmt prints maps)."""
    if m is None:
        return "map[string]string(nil)"
    body = ", ".join(f"{E.go_quote(str(k))}:{E.go_quote(str(v))}" for k, v in sorted(m.items()))
    return "map[string]string{" + body + "}"


def _d(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


def _list(obj: Any, key: str) -> list:
    v = _d(obj, key)
    return v if isinstance(v, list) else []


def _map(obj: Any, key: str) -> dict:
    v = _d(obj, key)
    return v if isinstance(v, dict) else {}


def _s(obj: Any, key: str) -> str:
    v = _d(obj, key)
    return v if isinstance(v, str) else ""


# ---------------------------------------------------------------------------------------------
# Object metadata
# ---------------------------------------------------------------------------------------------

TOTAL_ANNOTATION_SIZE = 256 * 1024


def validate_labels(labels: dict, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for k in sorted(labels):
        v = labels[k]
        errs.extend(E.invalid(path, k, m) for m in is_qualified_name(k))
        if isinstance(v, str):
            errs.extend(E.invalid(path, v, m) for m in is_valid_label_value(v))
    return errs


def validate_annotations(annotations: dict, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    total = 0
    for k in sorted(annotations):
        v = annotations[k] if isinstance(annotations[k], str) else ""
        errs.extend(E.invalid(path, k, m) for m in is_qualified_name(k.lower()))
        total += len(k.encode()) + len(v.encode())
    if total > TOTAL_ANNOTATION_SIZE:
        errs.append(FieldError(E.TOO_LONG, path, "", f"may not be more than {TOTAL_ANNOTATION_SIZE} bytes"))
    return errs


def validate_object_meta(meta: dict, namespaced: bool, name_fn: Callable[[str], list[str]],
                         path: str = "metadata") -> list[FieldError]:
    errs: list[FieldError] = []
    gen = _s(meta, "generateName")
    if gen:
        masked = gen[:-2] + "a" if len(gen) > 1 and gen.endswith("-") else gen  # maskTrailingDash
        errs.extend(E.invalid(f"{path}.generateName", gen, m) for m in name_fn(masked))
    name = _s(meta, "name")
    if not name:
        errs.append(E.required(f"{path}.name", "name or generateName is required"))
    else:
        errs.extend(E.invalid(f"{path}.name", name, m) for m in name_fn(name))
    ns = _s(meta, "namespace")
    if namespaced:
        if not ns:
            errs.append(E.required(f"{path}.namespace"))
        else:
            errs.extend(E.invalid(f"{path}.namespace", ns, m) for m in is_dns1123_label(ns))
    elif ns:
        errs.append(E.forbidden(f"{path}.namespace", "not allowed on this type"))
    errs.extend(_nonneg(_d(meta, "generation"), f"{path}.generation"))
    errs.extend(validate_labels(_map(meta, "labels"), f"{path}.labels"))
    errs.extend(validate_annotations(_map(meta, "annotations"), f"{path}.annotations"))
    errs.extend(validate_owner_references(_list(meta, "ownerReferences"), f"{path}.ownerReferences"))
    fins = [f for f in _list(meta, "finalizers") if isinstance(f, str)]
    for f in fins:  # apimachinery ValidateFinalizers
        errs.extend(E.invalid(f"{path}.finalizers", f, m) for m in is_qualified_name(f))
    if "orphan" in fins and "foregroundDeletion" in fins:
        errs.append(RawFieldError(E.INVALID, f"{path}.finalizers", _go_slice(fins),
                                  "finalizer orphan and foregroundDeletion cannot be both set"))
    for i, f in enumerate(fins):  # core validateKubeFinalizerName
        fp = f"{path}.finalizers[{i}]"
        errs.extend(E.invalid(fp, f, m) for m in is_qualified_name(f))
        if "/" not in f and f not in ("kubernetes", "orphan", "foregroundDeletion"):
            errs.append(E.invalid(fp, f, "name is neither a standard finalizer name nor is it fully qualified"))
    return errs


def go_owner_refs(refs: list) -> str:
    """A list of owner references as Go's %#v prints it (the value ValidateOwnerReferences reports)."""
    parts = []
    for r in refs:
        fields = []
        for key, go in (("apiVersion", "APIVersion"), ("kind", "Kind"), ("name", "Name"), ("uid", "UID")):
            fields.append(f'{go}:"{r.get(key, "")}"')
        for key, go in (("controller", "Controller"), ("blockOwnerDeletion", "BlockOwnerDeletion")):
            v = r.get(key)
            fields.append(f"{go}:(*bool)(nil)" if v is None else f"{go}:&{str(bool(v)).lower()}")
        parts.append("v1.OwnerReference{" + ", ".join(fields) + "}")
    return "[]v1.OwnerReference{" + ", ".join(parts) + "}"


def validate_owner_references(refs: list, path: str) -> list[FieldError]:
    """apimachinery's ValidateOwnerReferences (part of ValidateObjectMeta, so create checks it as update does)."""
    errs: list[FieldError] = []
    first_controller = ""
    for ref in refs:
        if ref is None:
            ref = {}  # a null item decodes as an empty OwnerReference
        if not isinstance(ref, dict):
            continue
        api_version = ref.get("apiVersion") if isinstance(ref.get("apiVersion"), str) else ""
        kind = ref.get("kind") if isinstance(ref.get("kind"), str) else ""
        version = api_version.rsplit("/", 1)[-1] if api_version.count("/") <= 1 else ""
        if not version:
            errs.append(E.invalid(f"{path}.apiVersion", api_version, "version must not be empty"))
        if not kind:
            errs.append(E.invalid(f"{path}.kind", kind, "must not be empty"))
        for key in ("name", "uid"):
            value = ref.get(key) if isinstance(ref.get(key), str) else ""
            if not value:
                errs.append(E.invalid(f"{path}.{key}", value, "must not be empty"))
        if ref.get("controller") is True:
            current = f"{kind}/{ref.get('name', '')}"
            if first_controller:
                errs.append(RawFieldError(E.INVALID, path, go_owner_refs(refs),
                                          "Only one reference can have Controller set to true. Found \"true\" in "
                                          f"references for {first_controller} and {current}"))
            else:
                first_controller = current
    return errs


# ---------------------------------------------------------------------------------------------
# Volumes
# ---------------------------------------------------------------------------------------------

VOLUME_SOURCES = (
    "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi",
    "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte", "downwardAPI", "fc",
    "flexVolume", "configMap", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk",
    "storageos", "projected", "scaleIO", "csi", "ephemeral", "image",
)
HOST_PATH_TYPES = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"]


def _validate_local_descending_path(target: str, path: str) -> list[FieldError]:
    errs = []
    if target.startswith("/"):
        errs.append(E.invalid(path, target, "must be a relative path"))
    if ".." in target.split("/"):
        errs.append(E.invalid(path, target, "must not contain '..'"))
    return errs

def _validate_local_non_reserved_path(target: str, path: str) -> list[FieldError]:
    errs = _validate_local_descending_path(target, path)
    if target.startswith("..") and not target.startswith("../"):
        errs.append(E.invalid(path, target, "must not start with '..'"))
    return errs

def _validate_mode(mode: Any, path: str) -> list[FieldError]:
    if isinstance(mode, int) and not isinstance(mode, bool) and (mode > 0o777 or mode < 0):
        return [E.invalid(path, mode, FILE_MODE_MSG)]
    return []


def _validate_key_to_paths(items: list, path: str, base: int = 0) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, kp in enumerate(items):
        p = f"{path}[{i + base}]"
        if not _s(kp, "key"):
            errs.append(E.required(f"{p}.key"))
        if not _s(kp, "path"):
            errs.append(E.required(f"{p}.path"))
        errs.extend(_validate_local_non_reserved_path(_s(kp, "path"), f"{p}.path"))
        errs.extend(_validate_mode(_d(kp, "mode"), f"{p}.mode"))
    return errs

_DOWNWARD_VOLUME_FIELDS = ["metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
                           "metadata.uid"]
_DOWNWARD_ENV_FIELDS = sorted(["metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
                               "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP",
                               "status.podIPs"])
_RESOURCE_FIELD_RESOURCES = ["limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu",
                             "requests.ephemeral-storage", "requests.memory"]


_DOWNWARD_CONVERTIBLE = {"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
                         "metadata.uid", "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName",
                         "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs", "status.podIP",
                         "status.podIPs"}


def _validate_field_selector(fs: dict, allowed: list[str], path: str) -> list[FieldError]:
    if not _s(fs, "apiVersion"):
        return [E.required(f"{path}.apiVersion")]
    fp = _s(fs, "fieldPath")
    if not fp:
        return [E.required(f"{path}.fieldPath")]
    m = re.match(r"^([^\[]+)\[(.*)\]$", fp)
    if m and len(m.group(2)) >= 2 and m.group(2)[0] == m.group(2)[-1] == "'":
        base, sub = m.group(1), m.group(2)[1:-1]
    else:
        base, sub = fp, None
    if _s(fs, "apiVersion") != "v1":
        return [E.invalid(f"{path}.fieldPath", fp, f"error converting fieldPath: unsupported pod version: "
                                                  f"{_s(fs, 'apiVersion')}")]
    if sub is not None:
        if base == "metadata.annotations":
            return [E.invalid(path, sub, x) for x in is_qualified_name(sub.lower())]
        if base == "metadata.labels":
            return [E.invalid(path, sub, x) for x in is_qualified_name(sub)]
        return [E.invalid(f"{path}.fieldPath", fp, f"error converting fieldPath: field label not supported: {fp}")]
    if fp not in _DOWNWARD_CONVERTIBLE:
        return [E.invalid(f"{path}.fieldPath", fp, f"error converting fieldPath: field label not supported: {fp}")]
    if fp not in allowed:
        return [E.not_supported(f"{path}.fieldPath", fp, allowed)]
    return []


def _validate_downward_items(items: list, path: str) -> list[FieldError]:
    """validateDownwardAPIVolumeFile for each item; upstream reports them at the source's path, not per item."""
    errs: list[FieldError] = []
    for f in items:
        fpath = _s(f, "path")
        if not fpath:
            errs.append(E.required(f"{path}.path"))
        errs.extend(_validate_local_non_reserved_path(fpath, f"{path}.path"))
        fr, rr = _d(f, "fieldRef"), _d(f, "resourceFieldRef")
        if isinstance(fr, dict):
            errs.extend(_validate_field_selector(fr, _DOWNWARD_VOLUME_FIELDS, f"{path}.fieldRef"))
            if isinstance(rr, dict):
                errs.append(E.invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified "
                                                        "simultaneously"))
        elif isinstance(rr, dict):
            errs.extend(_validate_resource_field_ref(rr, f"{path}.resourceFieldRef", volume=True))
        else:
            errs.append(E.required(path, "one of fieldRef and resourceFieldRef is required"))
        errs.extend(_validate_mode(_d(f, "mode"), f"{path}.mode"))
    return errs

def _validate_resource_field_ref(rf: dict, path: str, volume: bool = False, container_names=None) -> list[FieldError]:
    errs: list[FieldError] = []
    res = _s(rf, "resource")
    if volume and not _s(rf, "containerName"):
        errs.append(E.required(f"{path}.containerName"))
    elif not res:
        errs.append(E.required(f"{path}.resource"))
    elif res not in _RESOURCE_FIELD_RESOURCES and not res.startswith(("limits.hugepages-", "requests.hugepages-")):
        errs.append(E.not_supported(f"{path}.resource", res, _RESOURCE_FIELD_RESOURCES))
    div = _d(rf, "divisor")
    if div is not None and _quantity_or_none(div) not in (None, 0):
        d = _canon(div)
        mem = {"1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"}
        listed = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei"
        if res in ("limits.cpu", "requests.cpu") and d not in ("1m", "1"):
            errs.append(E.invalid(f"{path}.divisor", res, "only divisor's values 1m and 1 are supported with the cpu "
                                                          "resource"))
        elif res in ("limits.memory", "requests.memory") and d not in mem:
            errs.append(E.invalid(f"{path}.divisor", res, f"only divisor's values {listed} are supported with the "
                                                          "memory resource"))
        elif res in ("limits.ephemeral-storage", "requests.ephemeral-storage") and d not in mem:
            errs.append(E.invalid(f"{path}.divisor", res, f"only divisor's values {listed} are supported with the "
                                                          "local ephemeral storage resource"))
    return errs


def _validate_volume_source(vol: dict, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    n = 0
    for src in VOLUME_SOURCES:
        body = _d(vol, src)
        if body is None:
            continue
        sp = f"{path}.{src}"
        if n > 0:
            # upstream spells two of these paths its own way
            name = {"downwardAPI": "downwarAPI", "cephfs": "cephFS"}.get(src, src)
            errs.append(E.forbidden(f"{path}.{name}", "may not specify more than 1 volume type"))
            continue
        n += 1
        errs.extend(_validate_one_source(src, body if isinstance(body, dict) else {}, sp))
    if n == 0:
        errs.append(E.required(path, "must specify a volume type"))
    return errs


def _validate_one_source(src: str, body: dict, sp: str) -> list[FieldError]:
    errs: list[FieldError] = []
    if src == "emptyDir":
        sl = _d(body, "sizeLimit")
        if sl is not None:
            try:
                neg = _parse_quantity(sl) < 0
            except ValueError:
                neg = False
            if neg:
                errs.append(E.forbidden(f"{sp}.sizeLimit", "SizeLimit field must be a valid resource quantity"))
    elif src == "hostPath":
        p = _s(body, "path")
        if not p:
            errs.append(E.required(f"{sp}.path"))
            return errs
        if ".." in p.split("/"):
            errs.append(E.invalid(f"{sp}.path", p, "must not contain '..'"))
        t = _d(body, "type")
        if isinstance(t, str) and t not in HOST_PATH_TYPES:
            errs.append(E.not_supported(f"{sp}.type", t, HOST_PATH_TYPES))
    elif src == "secret":
        if not _s(body, "secretName"):
            errs.append(E.required(f"{sp}.secretName"))
        errs.extend(_validate_mode(_d(body, "defaultMode"), f"{sp}.defaultMode"))
        errs.extend(_validate_key_to_paths(_list(body, "items"), f"{sp}.items"))
    elif src == "configMap":
        if not _s(body, "name"):
            errs.append(E.required(f"{sp}.name"))
        errs.extend(_validate_mode(_d(body, "defaultMode"), f"{sp}.defaultMode"))
        errs.extend(_validate_key_to_paths(_list(body, "items"), f"{sp}.items"))
    elif src == "persistentVolumeClaim":
        if not _s(body, "claimName"):
            errs.append(E.required(f"{sp}.claimName"))
    elif src == "nfs":
        if not _s(body, "server"):
            errs.append(E.required(f"{sp}.server"))
        p = _s(body, "path")
        if not p:
            errs.append(E.required(f"{sp}.path"))
        if not p.startswith("/"):
            errs.append(E.invalid(f"{sp}.path", p, "must be an absolute path"))
    elif src == "downwardAPI":
        errs.extend(_validate_mode(_d(body, "defaultMode"), f"{sp}.defaultMode"))
        errs.extend(_validate_downward_items(_list(body, "items"), sp))
    elif src == "projected":
        errs.extend(_validate_projected(body, sp))
    elif src == "csi":
        if not _s(body, "driver"):
            errs.append(E.required(f"{sp}.driver"))
    elif src == "ephemeral":
        if _d(body, "volumeClaimTemplate") is None:
            errs.append(E.required(f"{sp}.volumeClaimTemplate"))
    elif src == "gitRepo":
        if not _s(body, "repository"):
            errs.append(E.required(f"{sp}.repository"))
        errs.extend(_validate_local_descending_path(_s(body, "directory"), f"{sp}.directory"))
    elif src == "image":
        if not _s(body, "reference"):
            errs.append(E.required(f"{sp}.reference"))
    return errs


def _validate_projected(body: dict, sp: str) -> list[FieldError]:
    errs = _validate_mode(_d(body, "defaultMode"), f"{sp}.defaultMode")
    all_paths: set[str] = set()
    for i, source in enumerate(_list(body, "sources")):
        p = f"{sp}.sources[{i}]"
        n = 0
        for kind in ("secret", "configMap"):
            part = _d(source, kind)
            if part is None:
                continue
            n += 1
            part = part if isinstance(part, dict) else {}
            kp = f"{p}.{kind}"
            if not _s(part, "name"):
                errs.append(E.required(f"{kp}.name"))
            for j, item in enumerate(_list(part, "items")):
                errs.extend(_validate_key_to_paths([item], f"{kp}.items", base=j))
                ip = _s(item, "path")
                if ip:
                    if ip in all_paths:
                        errs.append(E.invalid(sp, _s(part, "name"), "conflicting duplicate paths"))
                    all_paths.add(ip)
        dw = _d(source, "downwardAPI")
        if dw is not None:
            n += 1
            for item in _list(dw, "items"):
                errs.extend(_validate_downward_items([item], f"{p}.downwardAPI"))
                ip = _s(item, "path")
                if ip:
                    if ip in all_paths:
                        errs.append(E.invalid(sp, ip, "conflicting duplicate paths"))
                    all_paths.add(ip)
        sat = _d(source, "serviceAccountToken")
        if sat is not None:
            n += 1
            kp = f"{p}.serviceAccountToken"
            exp = _d(sat, "expirationSeconds") or 0
            if isinstance(exp, int) and exp < 600:
                errs.append(E.invalid(f"{kp}.expirationSeconds", exp, "may not specify a duration less than 10 minutes"))
            if isinstance(exp, int) and exp > 2**32:
                errs.append(E.invalid(f"{kp}.expirationSeconds", exp,
                                      "may not specify a duration larger than 2^32 seconds"))
            tp = _s(sat, "path")
            if not tp:
                errs.append(E.required(f"{sp}.path"))
            else:
                errs.extend(_validate_local_non_reserved_path(tp, f"{sp}.path"))
        ctb = _d(source, "clusterTrustBundle")
        if ctb is not None:
            n += 1
            kp = f"{p}.clusterTrustBundle"
            cp = _s(ctb, "path")
            if not cp:
                errs.append(E.required(f"{kp}.path"))
            errs.extend(_validate_local_non_reserved_path(cp, f"{kp}.path"))
            if cp in all_paths:
                errs.append(E.invalid(sp, cp, "conflicting duplicate paths"))
            all_paths.add(cp)
        if n > 1:
            errs.append(E.forbidden(p, "may not specify more than 1 volume type per source"))
    return errs

def validate_volumes(volumes: list, path: str, pod_name: str = "") -> tuple[dict, list[FieldError]]:
    errs: list[FieldError] = []
    names: dict[str, dict] = {}
    created_pvcs = {f"{pod_name}-{_s(v, 'name')}" for v in volumes if pod_name and _d(v, "ephemeral") is not None}
    for i, vol in enumerate(volumes):
        ip = f"{path}[{i}]"
        name = _s(vol, "name")
        el = _validate_volume_source(vol if isinstance(vol, dict) else {}, ip)
        if not name:
            el.append(E.required(f"{ip}.name"))
        else:
            el.extend(_dns_label_errs(name, f"{ip}.name"))
        if name in names:
            el.append(E.duplicate(f"{ip}.name", name))
        if not el:
            names[name] = vol
        else:
            errs.extend(el)
        claim = _s(_d(vol, "persistentVolumeClaim"), "claimName")
        if claim and claim in created_pvcs:
            errs.append(E.invalid(f"{ip}.persistentVolumeClaim.claimName", claim,
                                  "must not reference a PVC that gets created for an ephemeral volume"))
    return names, errs


# ---------------------------------------------------------------------------------------------
# Containers
# ---------------------------------------------------------------------------------------------

PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
PROTOCOLS = ["SCTP", "TCP", "UDP"]
TERMINATION_POLICIES = ["File", "FallbackToLogsOnError"]
STANDARD_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")


def _validate_ports(ports: list, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        p = f"{path}[{i}]"
        name = _s(port, "name")
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs.extend(E.invalid(f"{p}.name", name, m) for m in msgs)
            elif name in names:
                errs.append(E.duplicate(f"{p}.name", name))
            else:
                names.add(name)
        cp = _d(port, "containerPort") or 0
        if cp == 0:
            errs.append(E.required(f"{p}.containerPort"))
        else:
            errs.extend(E.invalid(f"{p}.containerPort", cp, m) for m in is_valid_port_num(cp))
        hp = _d(port, "hostPort") or 0
        if hp != 0:
            errs.extend(E.invalid(f"{p}.hostPort", hp, m) for m in is_valid_port_num(hp))
        proto = _s(port, "protocol")
        if not proto:
            errs.append(E.required(f"{p}.protocol"))
        elif proto not in PROTOCOLS:
            errs.append(E.not_supported(f"{p}.protocol", proto, PROTOCOLS))
    return errs


def _validate_key_selector(sel: dict, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    name = _s(sel, "name")
    errs.extend(_subdomain_errs(name, f"{path}.name"))
    key = _s(sel, "key")
    if not key:
        errs.append(E.required(f"{path}.key"))
    else:
        errs.extend(E.invalid(f"{path}.key", key, m) for m in is_config_map_key(key))
    return errs


def _validate_env(env: list, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, ev in enumerate(env):
        p = f"{path}[{i}]"
        name = _s(ev, "name")
        if not name:
            errs.append(E.required(f"{p}.name"))
        else:
            errs.extend(E.invalid(f"{p}.name", name, m) for m in is_relaxed_env_var_name(name))
        vf = _d(ev, "valueFrom")
        if not isinstance(vf, dict):
            continue
        vp = f"{p}.valueFrom"
        n = 0
        if isinstance(_d(vf, "fieldRef"), dict):
            n += 1
            errs.extend(_validate_field_selector(vf["fieldRef"], _DOWNWARD_ENV_FIELDS, f"{vp}.fieldRef"))
        if isinstance(_d(vf, "resourceFieldRef"), dict):
            n += 1
            errs.extend(_validate_resource_field_ref(vf["resourceFieldRef"], f"{vp}.resourceFieldRef"))
        if isinstance(_d(vf, "configMapKeyRef"), dict):
            n += 1
            errs.extend(_validate_key_selector(vf["configMapKeyRef"], f"{vp}.configMapKeyRef"))
        if isinstance(_d(vf, "secretKeyRef"), dict):
            n += 1
            errs.extend(_validate_key_selector(vf["secretKeyRef"], f"{vp}.secretKeyRef"))
        if n == 0:
            errs.append(E.invalid(vp, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` "
                                          "or `secretKeyRef`"))
        elif _s(ev, "value"):
            errs.append(E.invalid(vp, "", "may not be specified when `value` is not empty"))
        elif n > 1:
            errs.append(E.invalid(vp, "", "may not have more than one field specified at a time"))
    return errs


def _validate_env_from(env_from: list, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, ef in enumerate(env_from):
        p = f"{path}[{i}]"
        prefix = _s(ef, "prefix")
        if prefix:
            errs.extend(E.invalid(f"{p}.prefix", prefix, m) for m in is_relaxed_env_var_name(prefix))
        n = 0
        for kind in ("configMapRef", "secretRef"):
            ref = _d(ef, kind)
            if isinstance(ref, dict):
                n += 1
                name = _s(ref, "name")
                if not name:
                    errs.append(E.required(f"{p}.{kind}.name"))
                else:
                    errs.extend(_subdomain_errs(name, f"{p}.{kind}.name"))
        if n == 0:
            errs.append(E.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif n > 1:
            errs.append(E.invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _validate_volume_mounts(mounts: list, volumes: dict, path: str, ctr: Any = None) -> list[FieldError]:
    errs: list[FieldError] = []
    points: set[str] = set()
    for i, m in enumerate(mounts):
        p = f"{path}[{i}]"
        name = _s(m, "name")
        if not name:
            errs.append(E.required(f"{p}.name"))
        if name not in volumes:
            errs.append(E.not_found(f"{p}.name", name))
        mp = _s(m, "mountPath")
        if not mp:
            errs.append(E.required(f"{p}.mountPath"))
        if mp in points:
            errs.append(E.invalid(f"{p}.mountPath", mp, "must be unique"))
        points.add(mp)
        sub = _s(m, "subPath")
        if sub:
            errs.extend(_validate_local_descending_path(sub, f"{path}.subPath"))
        expr = _s(m, "subPathExpr")
        if expr:
            if sub:
                errs.append(E.invalid(f"{p}.subPathExpr", expr, "subPathExpr and subPath are mutually exclusive"))
            errs.extend(_validate_local_descending_path(expr, f"{path}.subPathExpr"))
        prop = _d(m, "mountPropagation")
        if isinstance(prop, str):
            allowed = ["Bidirectional", "HostToContainer", "None"]
            if prop not in allowed:
                errs.append(E.not_supported(f"{path}.mountPropagation", prop, allowed))
            privileged = _d(_d(ctr, "securityContext"), "privileged") is True
            if prop == "Bidirectional" and not privileged:
                errs.append(E.forbidden(f"{path}.mountPropagation", "Bidirectional mount propagation is available "
                                                                    "only to privileged containers"))
        rro = _d(m, "recursiveReadOnly")
        if isinstance(rro, str):
            if rro in ("Enabled", "IfPossible"):
                if not _d(m, "readOnly"):
                    errs.append(E.forbidden(f"{path}.recursiveReadOnly", "may only be specified when readOnly is true"))
                if isinstance(prop, str) and prop != "None":
                    errs.append(E.forbidden(f"{path}.recursiveReadOnly", "may only be specified when mountPropagation "
                                                                         "is None or not specified"))
            elif rro != "Disabled":
                errs.append(E.not_supported(f"{path}.recursiveReadOnly", rro, ["Disabled", "Enabled", "IfPossible"]))
    return errs


def _parse_quantity(value: "str | int | float"):
    """kube.quantity's parse_quantity, imported when a quantity is met (fractions and decimal cost ~3 ms a
    command that has none: a label, most updates)."""
    from minikctl.kube.quantity import parse_quantity

    return parse_quantity(value)


def _quantity_or_none(v: Any):
    try:
        return _parse_quantity(v)
    except (ValueError, TypeError):
        return None


def _canon(v: Any) -> str:
    from minikctl.kube.quantity import canonical

    try:
        return canonical(v)
    except ValueError:
        return str(v)


def _is_native(name: str) -> bool:
    return "/" not in name or name.split("/")[0].endswith("kubernetes.io")


_STANDARD_RESOURCES = {
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers",
    "resourcequotas", "secrets", "persistentvolumeclaims", "configmaps", "requests.storage",
    "services.nodeports", "services.loadbalancers", "storage",
}


def _validate_container_resource_name(name: str, path: str) -> list[FieldError]:
    """validateContainerResourceName (validateResourceName first)."""
    errs = [E.invalid(path, name, m) for m in is_qualified_name(name)]
    if not errs and "/" not in name and name not in _STANDARD_RESOURCES and not name.startswith(
            ("hugepages-", "requests.hugepages-")):
        errs.append(E.invalid(path, name, "must be a standard resource type or fully qualified"))
    if "/" not in name:
        if name not in STANDARD_CONTAINER_RESOURCES and not name.startswith("hugepages-"):
            errs.append(E.invalid(path, name, "must be a standard resource for containers"))
    elif not _is_native(name):
        if name.startswith("requests.") or is_qualified_name("requests." + name):
            errs.append(E.invalid(path, name, "doesn't follow extended resource name standard"))
    return errs


def _overcommit_allowed(name: str) -> bool:
    return _is_native(name) and not name.startswith("hugepages-")


def _resource_quantity_errs(name: str, value: Any, fp: str) -> list[FieldError]:
    """One limits/requests entry: the resource name, then a non-negative (and for extended resources whole) amount."""
    errs = _validate_container_resource_name(name, fp)
    q = _quantity_or_none(value)
    if q is not None and q < 0:
        errs.append(E.invalid(fp, _canon(value), IS_NEGATIVE))
    if q is not None and not _is_native(name) and q.denominator != 1:
        errs.append(E.invalid(fp, _canon(value), "must be an integer"))
    return errs


def _validate_resources(res: dict, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    limits = _map(res, "limits")
    requests = _map(res, "requests")
    lp, rp = f"{path}.limits", f"{path}.requests"
    lim_cm = req_cm = lim_hp = req_hp = False
    for name in sorted(limits):
        errs.extend(_resource_quantity_errs(name, limits[name], f"{lp}[{name}]"))
        if name.startswith("hugepages-"):
            lim_hp = True
        if name in ("cpu", "memory"):
            lim_cm = True
    for name in sorted(requests):
        errs.extend(_resource_quantity_errs(name, requests[name], f"{rp}[{name}]"))
        q = _quantity_or_none(requests[name])
        if name in limits:
            lq = _quantity_or_none(limits[name])
            if q is not None and lq is not None:
                if q != lq and not _overcommit_allowed(name):
                    errs.append(E.invalid(rp, _canon(requests[name]),
                                          f"must be equal to {name} limit of {_canon(limits[name])}"))
                elif q > lq:
                    errs.append(E.invalid(rp, _canon(requests[name]),
                                          f"must be less than or equal to {name} limit of {_canon(limits[name])}"))
        elif not _overcommit_allowed(name):
            errs.append(E.required(lp, "Limit must be set for non overcommitable resources"))
        if name.startswith("hugepages-"):
            req_hp = True
        if name in ("cpu", "memory"):
            req_cm = True
    if not lim_cm and not req_cm and (lim_hp or req_hp):
        errs.append(E.forbidden(path, "HugePages require cpu or memory"))
    return errs


def _validate_port_num_or_name(port: Any, path: str) -> list[FieldError]:
    if isinstance(port, str):
        return [E.invalid(path, port, m) for m in is_valid_port_name(port)]
    if isinstance(port, int) and not isinstance(port, bool):
        return [E.invalid(path, port, m) for m in is_valid_port_num(port)]
    return [E.invalid(path, 0, m) for m in is_valid_port_num(0)]


def _validate_handler(h: dict, kinds: tuple[str, ...], path: str, grace: Any) -> list[FieldError]:
    errs: list[FieldError] = []
    n = 0
    for kind in kinds:
        body = _d(h, kind)
        if body is None:
            continue
        kp = f"{path}.{kind}"
        if n > 0:
            errs.append(E.forbidden(kp, "may not specify more than 1 handler type"))
            continue
        n += 1
        body = body if isinstance(body, dict) else {}
        if kind == "exec":
            if not _list(body, "command"):
                errs.append(E.required(f"{kp}.command"))
        elif kind == "httpGet":
            if not _s(body, "path"):
                errs.append(E.required(f"{kp}.path"))
            errs.extend(_validate_port_num_or_name(_d(body, "port"), f"{kp}.port"))
            scheme = _s(body, "scheme")
            if scheme not in ("HTTP", "HTTPS"):
                errs.append(E.not_supported(f"{kp}.scheme", scheme, ["HTTP", "HTTPS"]))
            for hdr in _list(body, "httpHeaders"):
                hn = _s(hdr, "name")
                if not _HTTP_HEADER_NAME_RE.match(hn):
                    errs.append(E.invalid(f"{kp}.httpHeaders", hn, regex_error(
                        "a valid HTTP header must consist of alphanumeric characters or '-'", "[-A-Za-z0-9]+",
                        "X-Header-Name")))
        elif kind == "tcpSocket":
            errs.extend(_validate_port_num_or_name(_d(body, "port"), f"{kp}.port"))
        elif kind == "grpc":
            port = _d(body, "port") or 0
            errs.extend(E.invalid(f"{kp}.port", port, m) for m in is_valid_port_num(port))
        elif kind == "sleep":
            secs = _d(body, "seconds") or 0
            if isinstance(grace, int) and (secs <= 0 or secs > grace):
                errs.append(E.invalid(kp, secs, f"must be greater than 0 and less than "
                                                f"terminationGracePeriodSeconds ({grace}). Enable "
                                                f"AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep."))
    if n == 0:
        errs.append(E.required(path, "must specify a handler type"))
    return errs


PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")


def _validate_probe(probe: Any, path: str, grace: Any) -> list[FieldError]:
    if not isinstance(probe, dict):
        return []
    errs = _validate_handler(probe, PROBE_HANDLERS, path, grace)
    for f in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        errs.extend(_nonneg(_d(probe, f), f"{path}.{f}"))
    tg = _d(probe, "terminationGracePeriodSeconds")
    if isinstance(tg, int) and not isinstance(tg, bool) and tg <= 0:
        errs.append(E.invalid(f"{path}.terminationGracePeriodSeconds", tg, "must be greater than 0"))
    return errs


def _validate_liveness_or_startup(probe: Any, path: str, grace: Any) -> list[FieldError]:
    if not isinstance(probe, dict):
        return []
    errs = _validate_probe(probe, path, grace)
    st = _d(probe, "successThreshold")
    if st != 1:
        errs.append(E.invalid(f"{path}.successThreshold", st if st is not None else 0, "must be 1"))
    return errs


def _validate_readiness(probe: Any, path: str, grace: Any) -> list[FieldError]:
    if not isinstance(probe, dict):
        return []
    errs = _validate_probe(probe, path, grace)
    tg = _d(probe, "terminationGracePeriodSeconds")
    if tg is not None:
        errs.append(E.invalid(f"{path}.terminationGracePeriodSeconds", tg, "must not be set for readinessProbes"))
    return errs


def _validate_lifecycle(lc: Any, path: str, grace: Any) -> list[FieldError]:
    errs: list[FieldError] = []
    if not isinstance(lc, dict):
        return errs
    for hook in ("postStart", "preStop"):
        h = _d(lc, hook)
        if isinstance(h, dict):
            errs.extend(_validate_handler(h, LIFECYCLE_HANDLERS, f"{path}.{hook}", grace))
    return errs


SECCOMP_TYPES = ["Localhost", "RuntimeDefault", "Unconfined"]
APPARMOR_TYPES = ["Localhost", "RuntimeDefault", "Unconfined"]


def _validate_seccomp(sp: Any, path: str) -> list[FieldError]:
    if not isinstance(sp, dict):
        return []
    errs: list[FieldError] = []
    t = _s(sp, "type")
    lp = _d(sp, "localhostProfile")
    if not t:
        errs.append(E.required(f"{path}.type", "type is required when seccompProfile is set"))
    elif t not in SECCOMP_TYPES:
        errs.append(E.not_supported(f"{path}.type", t, SECCOMP_TYPES))
    if t == "Localhost":
        if lp is None:
            errs.append(E.required(f"{path}.localhostProfile", "must be set when seccomp type is Localhost"))
        else:
            errs.extend(_validate_local_descending_path(str(lp), f"{path}.localhostProfile"))
    elif lp is not None:
        errs.append(RawFieldError(E.INVALID, f"{path}.localhostProfile", _go_struct("core.SeccompProfile", sp),
                                  "can only be set when seccomp type is Localhost"))
    return errs


def _validate_apparmor(ap: Any, path: str) -> list[FieldError]:
    if not isinstance(ap, dict):
        return []
    errs: list[FieldError] = []
    t = _s(ap, "type")
    lp = _d(ap, "localhostProfile")
    if t == "Localhost":
        if lp is None:
            errs.append(E.required(f"{path}.localhostProfile", "must be set when AppArmor type is Localhost"))
        else:
            lp = str(lp)
            if lp.strip() != lp:
                errs.append(E.invalid(f"{path}.localhostProfile", lp, "must not be padded with whitespace"))
            elif not lp:
                errs.append(E.required(f"{path}.localhostProfile", "must be set when AppArmor type is Localhost"))
            if len(lp) > 4095:
                errs.append(FieldError(E.TOO_LONG, f"{path}.localhostProfile", "", "may not be more than 4095 bytes"))
    elif t in ("RuntimeDefault", "Unconfined"):
        if lp is not None:
            errs.append(E.invalid(f"{path}.localhostProfile", lp, "can only be set when AppArmor type is Localhost"))
    elif not t:
        errs.append(E.required(f"{path}.type", "type is required when appArmorProfile is set"))
    else:
        errs.append(E.not_supported(f"{path}.type", t, APPARMOR_TYPES))
    return errs


def _go_struct(name: str, obj: dict) -> str:
    return name + json.dumps(obj, separators=(",", ":"), sort_keys=True)


def _validate_container_security_context(sc: Any, path: str, host_users: bool = True) -> list[FieldError]:
    if not isinstance(sc, dict):
        return []
    errs: list[FieldError] = []
    for f in ("runAsUser", "runAsGroup"):
        v = _d(sc, f)
        if isinstance(v, int) and not isinstance(v, bool):
            errs.extend(E.invalid(f"{path}.{f}", v, m) for m in is_valid_id(v))
    pm = _d(sc, "procMount")
    if isinstance(pm, str):
        if pm not in ("Default", "Unmasked"):
            errs.append(E.not_supported(f"{path}.procMount", pm, ["Default", "Unmasked"]))
        if host_users and pm == "Unmasked":
            errs.append(E.invalid(f"{path}.procMount", pm, "`hostUsers` must be false to use `Unmasked`"))
    errs.extend(_validate_seccomp(_d(sc, "seccompProfile"), f"{path}.seccompProfile"))
    if _d(sc, "allowPrivilegeEscalation") is False:
        if _d(sc, "privileged") is True:
            errs.append(RawFieldError(E.INVALID, path, _go_struct("&core.SecurityContext", sc),
                                      "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
        for cap in _list(_d(sc, "capabilities"), "add"):
            if cap == "CAP_SYS_ADMIN":
                errs.append(RawFieldError(E.INVALID, path, _go_struct("&core.SecurityContext", sc),
                                          "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` "
                                          "CAP_SYS_ADMIN"))
    errs.extend(validate_windows_security_context_options(_d(sc, "windowsOptions"), f"{path}.windowsOptions"))
    errs.extend(_validate_apparmor(_d(sc, "appArmorProfile"), f"{path}.appArmorProfile"))
    return errs


def _validate_container_common(ctr: dict, volumes: dict, path: str, pod_restart: str = "",
                               host_users: bool = True) -> list[FieldError]:
    errs: list[FieldError] = []
    name = _s(ctr, "name")
    if not name:
        errs.append(E.required(f"{path}.name"))
    else:
        errs.extend(_dns_label_errs(name, f"{path}.name"))
    if not _s(ctr, "image"):
        errs.append(E.required(f"{path}.image"))
    tmp = _s(ctr, "terminationMessagePolicy")
    if not tmp:
        errs.append(E.required(f"{path}.terminationMessagePolicy"))
    elif tmp not in TERMINATION_POLICIES:
        errs.append(E.not_supported(f"{path}.terminationMessagePolicy", tmp, TERMINATION_POLICIES))
    errs.extend(_validate_ports(_list(ctr, "ports"), f"{path}.ports"))
    errs.extend(_validate_env(_list(ctr, "env"), f"{path}.env"))
    errs.extend(_validate_env_from(_list(ctr, "envFrom"), f"{path}.envFrom"))
    errs.extend(_validate_volume_mounts(_list(ctr, "volumeMounts"), volumes, f"{path}.volumeMounts", ctr))
    ipp = _s(ctr, "imagePullPolicy")
    if not ipp:
        errs.append(E.required(f"{path}.imagePullPolicy"))
    elif ipp not in PULL_POLICIES:
        errs.append(E.not_supported(f"{path}.imagePullPolicy", ipp, PULL_POLICIES))
    errs.extend(_validate_resources(_map(ctr, "resources"), f"{path}.resources"))
    seen_res: set[str] = set()
    rpp = f"{path}.resizePolicy"
    for i, rp in enumerate(_list(ctr, "resizePolicy")):
        rn = _s(rp, "resourceName")
        if rn in seen_res:
            errs.append(E.duplicate(f"{rpp}[{i}]", rn))
        seen_res.add(rn)
        if not rn:
            errs.append(E.required(rpp))
        elif rn not in ("cpu", "memory"):
            errs.append(E.not_supported(rpp, rn, ["cpu", "memory"]))
        pol = _s(rp, "restartPolicy")
        if not pol:
            errs.append(E.required(rpp))
        elif pol not in ("NotRequired", "RestartContainer"):
            errs.append(E.not_supported(rpp, pol, ["NotRequired", "RestartContainer"]))
        if pod_restart == "Never" and pol != "NotRequired":
            errs.append(E.invalid(rpp, pol, "must be 'NotRequired' when `restartPolicy` is 'Never'"))
    errs.extend(_validate_container_security_context(_d(ctr, "securityContext"), f"{path}.securityContext",
                                                     host_users))
    return errs


def _host_port_conflicts(containers: list, path: str, seen: set[str], base: int = 0) -> list[FieldError]:
    errs: list[FieldError] = []
    for ci, ctr in enumerate(containers):
        for pi, port in enumerate(_list(ctr, "ports")):
            hp = _d(port, "hostPort") or 0
            if hp == 0:
                continue
            key = f"{_s(port, 'protocol')}/{_s(port, 'hostIP')}/{hp}"
            if key in seen:
                errs.append(E.duplicate(f"{path}[{ci + base}].ports[{pi}].hostPort", key))
            else:
                seen.add(key)
    return errs


def _unique_name(ctr: dict, names: set[str], p: str, keep_empty: bool = True) -> list[FieldError]:
    """Duplicate-name check across containers; the name joins ``names`` (an empty one only if ``keep_empty``)."""
    name = _s(ctr, "name")
    if name in names:
        return [E.duplicate(f"{p}.name", name)]
    if name or keep_empty:
        names.add(name)
    return []


def _lifecycle_and_probes(ctr: dict, p: str, grace: Any) -> list[FieldError]:
    """lifecycle hooks, then liveness, readiness and startup probes (regular and sidecar containers)."""
    errs: list[FieldError] = []
    if _d(ctr, "lifecycle") is not None:
        errs.extend(_validate_lifecycle(ctr["lifecycle"], f"{p}.lifecycle", grace))
    errs.extend(_validate_liveness_or_startup(_d(ctr, "livenessProbe"), f"{p}.livenessProbe", grace))
    errs.extend(_validate_readiness(_d(ctr, "readinessProbe"), f"{p}.readinessProbe", grace))
    errs.extend(_validate_liveness_or_startup(_d(ctr, "startupProbe"), f"{p}.startupProbe", grace))
    return errs


def _validate_containers(containers: list, volumes: dict, path: str, grace: Any, restart: str = "",
                         host_users: bool = True) -> list[FieldError]:
    errs: list[FieldError] = []
    if not containers:
        return [E.required(path)]
    names: set[str] = set()
    for i, ctr in enumerate(containers):
        p = f"{path}[{i}]"
        ctr = ctr if isinstance(ctr, dict) else {}
        errs.extend(_validate_container_common(ctr, volumes, p, restart, host_users))
        errs.extend(_unique_name(ctr, names, p))
        errs.extend(_lifecycle_and_probes(ctr, p, grace))
        if _d(ctr, "restartPolicy") is not None:
            errs.append(E.forbidden(f"{p}.restartPolicy", "may not be set for non-init containers"))
    errs.extend(_host_port_conflicts(containers, path, set()))
    return errs


def _validate_init_containers(inits: list, others: list, volumes: dict, path: str, grace: Any,
                              restart: str = "", host_users: bool = True) -> list[FieldError]:
    errs: list[FieldError] = []
    names = {_s(c, "name") for c in others}
    for i, ctr in enumerate(inits):
        p = f"{path}[{i}]"
        ctr = ctr if isinstance(ctr, dict) else {}
        errs.extend(_validate_container_common(ctr, volumes, p, restart, host_users))
        always = False
        rp = _d(ctr, "restartPolicy")
        if rp is not None:
            if rp != "Always":
                errs.append(E.not_supported(f"{p}.restartPolicy", rp, ["Always"]))
            always = rp == "Always"
        errs.extend(_unique_name(ctr, names, p, keep_empty=False))
        # validateInitContainers checks each init container alone: checkHostPortConflicts([]core.Container{ctr},
        # fldPath) indexes that one-element slice, so a duplicate is always reported at initContainers[0]
        errs.extend(_host_port_conflicts([ctr], path, set()))
        if always:
            errs.extend(_lifecycle_and_probes(ctr, p, grace))
        else:
            msg = "may not be set for init containers without restartPolicy=Always"
            for f in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if _d(ctr, f) is not None:
                    errs.append(E.forbidden(f"{p}.{f}", msg))
    return errs


def _validate_ephemeral_containers(eph: list, containers: list, inits: list, volumes: dict,
                                   path: str, restart: str = "", host_users: bool = True) -> list[FieldError]:
    """validateEphemeralContainers (v1.32): the common container rules, a name unique across every container,
    a target that is a regular or init container, and only the fields of ``allowedEphemeralContainerFields``
    (in struct order, a field set to its zero value counts as unset); no volume subPath."""
    errs: list[FieldError] = []
    names = {_s(c, "name") for c in containers} | {_s(c, "name") for c in inits}
    others = set(names)
    for i, ctr in enumerate(eph):
        p = f"{path}[{i}]"
        ctr = ctr if isinstance(ctr, dict) else {}
        errs.extend(_validate_container_common(ctr, volumes, p, restart, host_users))
        errs.extend(_unique_name(ctr, names, p))
        target = _s(ctr, "targetContainerName")
        if target and target not in others:
            errs.append(E.not_found(f"{p}.targetContainerName", target))
        for f in ("ports", "resources", "resizePolicy", "livenessProbe", "readinessProbe", "startupProbe",
                  "lifecycle", "restartPolicy"):
            v = _d(ctr, f)
            if v:
                errs.append(E.forbidden(f"{p}.{f}", "cannot be set for an Ephemeral Container"))
        for j, vm in enumerate(_list(ctr, "volumeMounts")):
            for f in ("subPath", "subPathExpr"):
                if _s(vm, f):
                    errs.append(E.forbidden(f"{p}.volumeMounts[{j}].{f}", "cannot be set for an Ephemeral Container"))
    return errs


# ---------------------------------------------------------------------------------------------
# Pod spec
# ---------------------------------------------------------------------------------------------

RESTART_POLICIES = ["Always", "OnFailure", "Never"]
DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
NODE_SELECTOR_OPS = ["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"]
LABEL_SELECTOR_OPS = ["In", "NotIn", "Exists", "DoesNotExist"]


def _validate_tolerations(tols: list, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, t in enumerate(tols):
        p = f"{path}[{i}]"
        key = _s(t, "key")
        op = _s(t, "operator")
        eff = _s(t, "effect")
        val = _s(t, "value")
        if key:
            errs.extend(E.invalid(f"{p}.key", key, m) for m in is_qualified_name(key))
        if not key and op != "Exists":
            errs.append(E.invalid(f"{p}.operator", op, "operator must be Exists when `key` is empty, which means "
                                                       "\"match all values and all keys\""))
        if _d(t, "tolerationSeconds") is not None and eff != "NoExecute":
            errs.append(E.invalid(f"{p}.effect", eff, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        if op in ("Equal", ""):
            msgs = is_valid_label_value(val)
            if msgs:
                errs.append(E.invalid(f"{p}.operator", val, ";".join(msgs)))
        elif op == "Exists":
            if val:
                errs.append(E.invalid(f"{p}.operator", val, "value must be empty when `operator` is 'Exists'"))
        else:
            errs.append(E.not_supported(f"{p}.operator", op, ["Equal", "Exists"]))
        if eff and eff not in TAINT_EFFECTS:
            errs.append(E.not_supported(f"{p}.effect", eff, TAINT_EFFECTS))
    return errs


def _validate_node_selector_requirement(req: dict, path: str, check_values: bool = True,
                                        numeric_ops: bool = True) -> list[FieldError]:
    """A node selector requirement; with ``numeric_ops=False`` a label selector one (no Gt/Lt)."""
    errs: list[FieldError] = []
    op = _s(req, "operator")
    vals = _list(req, "values")
    if op in ("In", "NotIn"):
        if not vals:
            errs.append(E.required(f"{path}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
    elif op in ("Exists", "DoesNotExist"):
        if vals:
            errs.append(E.forbidden(f"{path}.values", "may not be specified when `operator` is 'Exists' or "
                                                      "'DoesNotExist'"))
    elif numeric_ops and op in ("Gt", "Lt"):
        if len(vals) != 1:
            errs.append(E.required(f"{path}.values", "must be specified single value when `operator` is 'Lt' or 'Gt'"))
    else:
        errs.append(E.invalid(f"{path}.operator", op, "not a valid selector operator"))
    key = _s(req, "key")
    errs.extend(E.invalid(f"{path}.key", key, m) for m in is_qualified_name(key))
    if check_values:
        for k, v in enumerate(vals):
            if isinstance(v, str):
                errs.extend(E.invalid(f"{path}.values[{k}]", v, m) for m in is_valid_label_value(v))
    return errs


def _validate_node_selector_term(term: dict, path: str, check_values: bool = True) -> list[FieldError]:
    errs: list[FieldError] = []
    for j, req in enumerate(_list(term, "matchExpressions")):
        errs.extend(_validate_node_selector_requirement(req, f"{path}.matchExpressions[{j}]", check_values))
    for j, req in enumerate(_list(term, "matchFields")):
        p = f"{path}.matchFields[{j}]"
        op = _s(req, "operator")
        if op not in ("In", "NotIn"):
            errs.append(E.invalid(f"{p}.operator", op, "not a valid selector operator"))
        elif len(_list(req, "values")) != 1:
            errs.append(E.required(f"{p}.values", "must be only one value when `operator` is 'In' or 'NotIn' for "
                                                  "node field selector"))
        if _s(req, "key") != "metadata.name":
            errs.append(E.invalid(f"{p}.key", _s(req, "key"), "not a valid field selector key"))
        else:
            for k, v in enumerate(_list(req, "values")):
                if isinstance(v, str):
                    errs.extend(_subdomain_errs(v, f"{p}.values[{k}]"))
    return errs


def validate_label_selector(sel: Any, path: str) -> list[FieldError]:
    if not isinstance(sel, dict):
        return []
    errs: list[FieldError] = []
    for j, req in enumerate(_list(sel, "matchExpressions")):
        errs.extend(_validate_node_selector_requirement(req, f"{path}.matchExpressions[{j}]", numeric_ops=False))
    errs.extend(validate_labels(_map(sel, "matchLabels"), f"{path}.matchLabels"))
    return errs


def _validate_pod_affinity_term(term: dict, path: str) -> list[FieldError]:
    errs = validate_label_selector(_d(term, "labelSelector"), f"{path}.labelSelector")
    errs.extend(validate_label_selector(_d(term, "namespaceSelector"), f"{path}.namespaceSelector"))
    for k, ns in enumerate(_list(term, "namespaces")):
        if isinstance(ns, str):
            errs.extend(E.invalid(f"{path}.namespace", ns, m) for m in is_dns1123_label(ns))
    tk = _s(term, "topologyKey")
    if not tk:
        errs.append(E.required(f"{path}.topologyKey", "can not be empty"))
    errs.extend(E.invalid(f"{path}.topologyKey", tk, m) for m in is_qualified_name(tk))
    return errs


def _validate_affinity(aff: Any, path: str) -> list[FieldError]:
    if not isinstance(aff, dict):
        return []
    errs: list[FieldError] = []
    na = _d(aff, "nodeAffinity")
    if isinstance(na, dict):
        np_ = f"{path}.nodeAffinity"
        req = _d(na, "requiredDuringSchedulingIgnoredDuringExecution")
        if isinstance(req, dict):
            rp = f"{np_}.requiredDuringSchedulingIgnoredDuringExecution"
            terms = _list(req, "nodeSelectorTerms")
            if not terms:
                errs.append(E.required(f"{rp}.nodeSelectorTerms", "must have at least one node selector term"))
            for i, term in enumerate(terms):
                errs.extend(_validate_node_selector_term(term, f"{rp}.nodeSelectorTerms[{i}]"))
        for i, pref in enumerate(_list(na, "preferredDuringSchedulingIgnoredDuringExecution")):
            pp = f"{np_}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
            w = _d(pref, "weight") or 0
            if w <= 0 or w > 100:
                errs.append(E.invalid(f"{pp}.weight", w, "must be in the range 1-100"))
            errs.extend(_validate_node_selector_term(_map(pref, "preference"), f"{pp}.preference", False))
    for kind in ("podAffinity", "podAntiAffinity"):
        pa = _d(aff, kind)
        if not isinstance(pa, dict):
            continue
        kp = f"{path}.{kind}"
        for i, term in enumerate(_list(pa, "requiredDuringSchedulingIgnoredDuringExecution")):
            errs.extend(_validate_pod_affinity_term(term, f"{kp}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"))
        for i, wt in enumerate(_list(pa, "preferredDuringSchedulingIgnoredDuringExecution")):
            pp = f"{kp}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
            w = _d(wt, "weight") or 0
            if w <= 0 or w > 100:
                errs.append(E.invalid(f"{pp}.weight", w, "must be in the range 1-100"))
            errs.extend(_validate_pod_affinity_term(_map(wt, "podAffinityTerm"), f"{pp}.podAffinityTerm"))
    return errs


_SYSCTL_SEGMENT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_SYSCTL_FMT = "^(" + _SYSCTL_SEGMENT + "[\\./])*" + _SYSCTL_SEGMENT + "$"
_SYSCTL_RE = Lazy(_SYSCTL_FMT)


# ---- host namespaces, sysctls and operating systems ------------------------------------------
# All from pkg/apis/core/validation/validation.go at v1.32. The internal PodSecurityContext holds
# hostNetwork/hostPID/hostIPC/hostUsers/shareProcessNamespace; in v1 (what we hold) they sit on the
# PodSpec, and the paths below are the ones the Go code builds.

# k8s.io/component-helpers/node/util/sysctl: the namespaced sysctls
_IPC_SYSCTLS = {"kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
                "kernel.shm", "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.msg"}


def _normalize_sysctl(name: str) -> str:
    """sysctl.NormalizeName: ``net/ipv4/conf/eno2.100/rp_filter`` -> ``net.ipv4.conf.eno2/100.rp_filter``."""
    m = re.search(r"[./]", name)
    if m is None or m.group() == ".":
        return name
    return name.translate(str.maketrans("./", "/."))


def sysctl_namespace(name: str) -> str:
    """sysctl.GetNamespace: ``"Net"``, ``"IPC"`` or ``""`` (a trailing ``*`` names a prefix)."""
    name = _normalize_sysctl(name)
    star = name.find("*")
    if star != -1:
        name = name[:star]
    if name in _IPC_SYSCTLS:
        return "IPC"
    if name.startswith("net."):
        return "Net"
    if name.startswith("fs.mqueue."):
        return "IPC"
    return ""


def validate_host_sysctl(name: str, spec: dict, path: str) -> FieldError | None:
    """ValidateHostSysctl: namespaced sysctls are refused in a pod sharing that namespace with the host."""
    ns = sysctl_namespace(name)
    if _d(spec, "hostNetwork") is True and ns == "Net":
        return E.invalid(path, name, "may not be specified when 'hostNetwork' is true")
    if _d(spec, "hostIPC") is True and ns == "IPC":
        return E.invalid(path, name, "may not be specified when 'hostIPC' is true")
    return None


def visit_containers_with_path(spec: dict, path: str):
    """podshelper.VisitContainersWithPath: init containers, containers, then ephemeral containers."""
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for i, ctr in enumerate(_list(spec, key)):
            yield (ctr if isinstance(ctr, dict) else {}), f"{path}.{key}[{i}]"


_CTRL_RE = Lazy(r"[\x00-\x1f\x7f]")
_NETBIOS_RE = Lazy(r'^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$')
_WIN_DNS_LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
_WIN_DOMAIN_DNS_RE = Lazy(f"^{_WIN_DNS_LABEL}(?:\\.{_WIN_DNS_LABEL})*$")
_WIN_USER_BAD_CHARS_RE = Lazy(r'["/\\:;|=,+*?<>@\[\]]')
_WIN_USER_DOTS_SPACES_RE = Lazy(r"^[. ]+$")


def validate_windows_security_context_options(wo: Any, path: str) -> list[FieldError]:
    """validateWindowsSecurityContextOptions (pod and container securityContext.windowsOptions)."""
    if not isinstance(wo, dict):
        return []
    errs: list[FieldError] = []
    name = _d(wo, "gmsaCredentialSpecName")
    if isinstance(name, str):
        errs.extend(E.invalid(f"{path}.gmsaCredentialSpecName", name, m) for m in is_dns1123_subdomain(name))
    spec = _d(wo, "gmsaCredentialSpec")
    if isinstance(spec, str):
        if not spec:
            errs.append(E.invalid(f"{path}.gmsaCredentialSpec", spec, "gmsaCredentialSpec cannot be an empty string"))
        elif len(spec.encode()) > 64 * 1024:
            errs.append(E.invalid(f"{path}.gmsaCredentialSpec", spec, "gmsaCredentialSpec size must be under 64 KiB"))
    user = _d(wo, "runAsUserName")
    if isinstance(user, str):
        up = f"{path}.runAsUserName"
        parts = user.split("\\")
        if not user:
            errs.append(E.invalid(up, user, "runAsUserName cannot be an empty string"))
        elif _CTRL_RE.search(user):
            errs.append(E.invalid(up, user, "runAsUserName cannot contain control characters"))
        elif len(parts) > 2:
            errs.append(E.invalid(up, user, "runAsUserName cannot contain more than one backslash"))
        else:
            domain, name_ = ("", parts[0]) if len(parts) == 1 else (parts[0], parts[1])
            if len(domain.encode()) >= 256:
                errs.append(E.invalid(up, user, "runAsUserName's Domain length must be under 256 characters"))
            if len(parts) == 2 and not (_NETBIOS_RE.match(domain) or _WIN_DOMAIN_DNS_RE.match(domain)):
                errs.append(E.invalid(up, user, "runAsUserName's Domain doesn't match the NetBios nor the DNS format"))
            if not name_:
                errs.append(E.invalid(up, user, "runAsUserName's User cannot be empty"))
            elif len(name_.encode()) > 104:
                errs.append(E.invalid(up, user, "runAsUserName's User length must not be longer than 104 characters"))
            if _WIN_USER_DOTS_SPACES_RE.match(name_):
                errs.append(E.invalid(up, user, "runAsUserName's User cannot contain only periods or spaces"))
            if _WIN_USER_BAD_CHARS_RE.search(name_):
                errs.append(E.invalid(up, user, "runAsUserName's User cannot contain the following characters: "
                                                '"/\\:;|=,+*?<>@[]'))
    return errs


def _host_process(sc: Any) -> bool | None:
    v = _d(_d(sc, "windowsOptions"), "hostProcess")
    return v if isinstance(v, bool) else None


def validate_windows_host_process_pod(spec: dict, path: str) -> list[FieldError]:
    """validateWindowsHostProcessPod (every pod spec, whatever its OS). The cluster is taken to allow
    privileged containers (kube-apiserver --allow-privileged=true, as kubeadm and kind run it), so the
    "hostProcess containers are disallowed by cluster policy" branch never fires."""
    errs: list[FieldError] = []
    pod_hp = _host_process(_d(spec, "securityContext"))
    count = hp_count = 0
    for ctr, cpath in visit_containers_with_path(spec, path):
        count += 1
        ctr_hp = _host_process(_d(ctr, "securityContext"))
        if pod_hp is not None and ctr_hp is not None and pod_hp != ctr_hp:
            errs.append(E.invalid(f"{cpath}.securityContext.windowsOptions.hostProcess", ctr_hp,
                                  f"pod hostProcess value must be identical if both are specified, was "
                                  f"{'true' if pod_hp else 'false'}"))
        if ctr_hp is True or (ctr_hp is None and pod_hp is True):
            hp_count += 1
    if hp_count > 0:
        if hp_count != count:
            errs.append(E.invalid(path, "", "If pod contains any hostProcess containers then all containers must be "
                                            "HostProcess containers"))
        if _d(spec, "hostNetwork") is not True:
            errs.append(E.invalid(f"{path}.hostNetwork", False,
                                  "hostNetwork must be true if pod contains any hostProcess containers"))
    return errs


def validate_host_users(spec: dict, path: str) -> list[FieldError]:
    """validateHostUsers: a pod in its own user namespace may not share the host's other namespaces.
    (The Go code names the last two paths with capitals: ``spec.HostPID``, ``spec.HostIPC``.)"""
    if _d(spec, "hostUsers") is not False:
        return []
    errs: list[FieldError] = []
    if _d(spec, "hostNetwork") is True:
        errs.append(E.forbidden(f"{path}.hostNetwork", "when `pod.Spec.HostUsers` is false"))
    if _d(spec, "hostPID") is True:
        errs.append(E.forbidden(f"{path}.HostPID", "when `pod.Spec.HostUsers` is false"))
    if _d(spec, "hostIPC") is True:
        errs.append(E.forbidden(f"{path}.HostIPC", "when `pod.Spec.HostUsers` is false"))
    return errs


def validate_linux(spec: dict, path: str) -> list[FieldError]:
    """validateLinux: ``spec.os.name: linux`` forbids Windows options at pod and container level."""
    msg = "windows options cannot be set for a linux pod"
    errs: list[FieldError] = []
    if _d(_d(spec, "securityContext"), "windowsOptions") is not None:
        errs.append(E.forbidden(f"{path}.securityContext.windowsOptions", msg))
    for ctr, cpath in visit_containers_with_path(spec, path):
        if _d(_d(ctr, "securityContext"), "windowsOptions") is not None:
            errs.append(E.forbidden(f"{cpath}.securityContext.windowsOptions", msg))
    return errs


# validateWindows: (v1 location, path the Go code reports) in its order
_WINDOWS_POD_FIELDS = (
    ("securityContext.appArmorProfile", "securityContext.appArmorProfile"),
    ("securityContext.seLinuxOptions", "securityContext.seLinuxOptions"),
    ("hostUsers", "hostUsers"),
    ("hostPID", "hostPID"),
    ("hostIPC", "hostIPC"),
    ("securityContext.seccompProfile", "securityContext.seccompProfile"),
    ("securityContext.fsGroup", "securityContext.fsGroup"),
    ("securityContext.fsGroupChangePolicy", "securityContext.fsGroupChangePolicy"),
    ("securityContext.sysctls", "securityContext.sysctls"),
    ("shareProcessNamespace", "shareProcessNamespace"),
    ("securityContext.runAsUser", "securityContext.runAsUser"),
    ("securityContext.runAsGroup", "securityContext.runAsGroup"),
    ("securityContext.supplementalGroups", "securityContext.supplementalGroups"),
    ("securityContext.supplementalGroupsPolicy", "securityContext.supplementalGroupsPolicy"),
    ("securityContext.seLinuxChangePolicy", "securityContext.seLinuxChangePolicy"),
)
_WINDOWS_CONTAINER_FIELDS = ("appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities",
                             "readOnlyRootFilesystem", "privileged", "allowPrivilegeEscalation", "procMount",
                             "runAsUser", "runAsGroup")


def validate_windows(spec: dict, path: str) -> list[FieldError]:
    """validateWindows: ``spec.os.name: windows`` forbids the Linux-only pod and container settings."""
    msg = "cannot be set for a windows pod"
    errs: list[FieldError] = []
    # the Go checks sit inside `if securityContext != nil`, always true: conversion to the internal type
    # creates the pod security context to hold hostNetwork/hostPID/hostIPC
    sc = _map(spec, "securityContext")
    if True:
        for where, report in _WINDOWS_POD_FIELDS:
            holder, key = (sc, where.split(".", 1)[1]) if where.startswith("securityContext.") else (spec, where)
            v = _d(holder, key)
            if where in ("hostPID", "hostIPC"):
                bad = v is True  # plain bools in the internal type
            elif where == "securityContext.sysctls":
                bad = bool(v)  # len(Sysctls) > 0
            else:
                bad = v is not None
            if bad:
                errs.append(E.forbidden(f"{path}.{report}", msg))
    for ctr, cpath in visit_containers_with_path(spec, path):
        csc = _d(ctr, "securityContext")
        if not isinstance(csc, dict):
            continue
        for key in _WINDOWS_CONTAINER_FIELDS:
            if _d(csc, key) is not None:
                errs.append(E.forbidden(f"{cpath}.securityContext.{key}", msg))
    return errs


def _validate_pod_security_context(spec: dict, path: str, allow_host_sysctls: bool = False) -> list[FieldError]:
    sc = _d(spec, "securityContext")
    if not isinstance(sc, dict):
        return []
    errs: list[FieldError] = []
    for f in ("fsGroup", "runAsUser", "runAsGroup"):
        v = _d(sc, f)
        if isinstance(v, int) and not isinstance(v, bool):
            errs.extend(E.invalid(f"{path}.{f}", v, m) for m in is_valid_id(v))
    for g, gid in enumerate(_list(sc, "supplementalGroups")):
        if isinstance(gid, int) and not isinstance(gid, bool):
            errs.extend(E.invalid(f"{path}.supplementalGroups[{g}]", gid, m) for m in is_valid_id(gid))
    # v1 keeps shareProcessNamespace and hostPID on the PodSpec; the internal type moves them into
    # the security context (Convert_v1_PodSpec_To_core_PodSpec), so the rule reads them from the spec
    if _d(spec, "shareProcessNamespace") is True and _d(spec, "hostPID") is True:
        errs.append(E.invalid(f"{path}.shareProcessNamespace", True,
                              "ShareProcessNamespace and HostPID cannot both be enabled"))
    # validateSysctls (pkg/apis/core/validation/validation.go v1.32), with ValidateHostSysctl
    names: set[str] = set()
    for i, sysctl in enumerate(_list(sc, "sysctls")):
        sn = _s(sysctl, "name")
        np_ = f"{path}.sysctls[{i}].name"
        if not sn:
            errs.append(E.required(np_))
        elif len(sn) > 253 or not _SYSCTL_RE.match(sn):
            errs.append(E.invalid(np_, sn, f"must have at most 253 characters and match regex {_SYSCTL_FMT}"))
        elif sn in names:
            errs.append(E.duplicate(np_, sn))
        if not allow_host_sysctls:
            host_err = validate_host_sysctl(sn, spec, np_)
            if host_err is not None:
                errs.append(host_err)
        names.add(sn)
    fcp = _d(sc, "fsGroupChangePolicy")
    if isinstance(fcp, str) and fcp not in ("OnRootMismatch", "Always"):
        errs.append(E.not_supported(f"{path}.fsGroupChangePolicy", fcp, ["Always", "OnRootMismatch"]))
    errs.extend(_validate_seccomp(_d(sc, "seccompProfile"), f"{path}.seccompProfile"))
    errs.extend(validate_windows_security_context_options(_d(sc, "windowsOptions"), f"{path}.windowsOptions"))
    errs.extend(_validate_apparmor(_d(sc, "appArmorProfile"), f"{path}.appArmorProfile"))
    sgp = _d(sc, "supplementalGroupsPolicy")
    if isinstance(sgp, str) and sgp not in ("Merge", "Strict"):
        errs.append(E.not_supported(f"{path}.supplementalGroupsPolicy", sgp, ["Merge", "Strict"]))
    return errs


def _validate_dns_config(spec: dict, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    cfg = _d(spec, "dnsConfig")
    if _s(spec, "dnsPolicy") == "None":
        if not isinstance(cfg, dict):
            return [E.required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not _list(cfg, "nameservers"):
            return [E.required(f"{path}.nameservers", "must provide at least one DNS nameserver when `dnsPolicy` "
                                                      "is None")]
    if not isinstance(cfg, dict):
        return errs
    ns = _list(cfg, "nameservers")
    if len(ns) > 3:
        errs.append(RawFieldError(E.INVALID, f"{path}.nameservers", _go_slice(ns),
                                  "must not have more than 3 nameservers"))
    for i, n in enumerate(ns):
        if not _is_ip(str(n)):
            errs.append(E.invalid(f"{path}.nameservers[{i}]", n, "must be a valid IP address, (e.g. 10.9.8.7 or "
                                                                 "2001:db8::ffff)"))
    searches = _list(cfg, "searches")
    if len(searches) > 32:
        errs.append(RawFieldError(E.INVALID, f"{path}.searches", _go_slice(searches),
                                  "must not have more than 32 search paths"))
    if len(" ".join(str(x) for x in searches)) > 2048:
        errs.append(RawFieldError(E.INVALID, f"{path}.searches", _go_slice(searches),
                                  "must not have more than 2048 characters (including spaces) in the search list"))
    for i, sr in enumerate(searches):
        if isinstance(sr, str):
            trimmed = sr[:-1] if sr.endswith(".") else sr
            errs.extend(_subdomain_errs(trimmed, f"{path}.searches[{i}]"))
    for i, opt in enumerate(_list(cfg, "options")):
        if not _s(opt, "name"):
            errs.append(E.required(f"{path}.options[{i}]", "must not be empty"))
    return errs


def _go_slice(items: list) -> str:
    return "[]string{" + ", ".join(E.go_quote(str(x)) for x in items) + "}"


def _validate_topology_spread(tscs: list, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, c in enumerate(tscs):
        p = f"{path}[{i}]"
        ms = _d(c, "maxSkew") or 0
        if ms <= 0:
            errs.append(E.invalid(f"{p}.maxSkew", ms, NOT_POSITIVE))
        tk = _s(c, "topologyKey")
        if not tk:
            errs.append(E.required(f"{p}.topologyKey", "can not be empty"))
        wu = _s(c, "whenUnsatisfiable")
        if wu not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(E.not_supported(f"{p}.whenUnsatisfiable", wu, ["DoNotSchedule", "ScheduleAnyway"]))
        for rest in tscs[i + 1:]:
            if _s(rest, "topologyKey") == tk and _s(rest, "whenUnsatisfiable") == wu:
                errs.append(E.duplicate(f"{p}.{{topologyKey, whenUnsatisfiable}}", f"{{{tk}, {wu}}}"))
                break
        md = _d(c, "minDomains")
        if md is not None:
            if isinstance(md, int) and md <= 0:
                errs.append(E.invalid(f"{p}.minDomains", md, NOT_POSITIVE))
            if wu != "DoNotSchedule":
                errs.append(E.invalid(f"{p}.minDomains", md, f"can only use minDomains if "
                                                            f"whenUnsatisfiable=DoNotSchedule, not {wu}"))
        for f in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            v = _d(c, f)
            if isinstance(v, str) and v not in ("Honor", "Ignore"):
                errs.append(E.not_supported(f"{p}.{f}", v, ["Honor", "Ignore"]))
        errs.extend(validate_label_selector(_d(c, "labelSelector"), f"{p}.labelSelector"))
    return errs


_VALID_SPECS: dict[tuple, None] = {}  # validate_pod_spec's calls that found nothing, by their spec's key


def validate_pod_spec(spec: dict, path: str, pod_name: str = "", is_pod: bool = False,
                      allow_host_sysctls: bool = False) -> list[FieldError]:
    """ValidatePodSpec: the rules shared by Pods and pod templates.

    A function of its arguments alone: a spec that passed is known by its key (api/speckey.py: the pods of one
    template share it) with the other arguments, and passes again without being walked; the pod's name counts
    only for the ephemeral volumes (the claims they make are named after the pod)."""
    from minikctl.api.speckey import spec_key

    found = spec_key(spec)
    if found is None:
        return _validate_pod_spec(spec, path, pod_name, is_pod, allow_host_sysctls)
    key = (found[0], path, pod_name if '"ephemeral"' in found[0] else "", is_pod, allow_host_sysctls)
    if key in _VALID_SPECS:
        return []
    errs = _validate_pod_spec(spec, path, pod_name, is_pod, allow_host_sysctls)
    if not errs:
        if len(_VALID_SPECS) >= 1024:
            _VALID_SPECS.clear()
        _VALID_SPECS[key] = None
    return errs


def _validate_pod_spec(spec: dict, path: str, pod_name: str, is_pod: bool,
                       allow_host_sysctls: bool) -> list[FieldError]:
    errs: list[FieldError] = []
    grace = _d(spec, "terminationGracePeriodSeconds")
    if grace is None:
        errs.append(E.required(f"{path}.terminationGracePeriodSeconds"))
    # the default for hostUsers is true: a spec without it runs in the host user namespace
    host_users = _d(spec, "hostUsers") is not False
    volumes, verrs = validate_volumes(_list(spec, "volumes"), f"{path}.volumes", pod_name)
    errs.extend(verrs)
    containers = _list(spec, "containers")
    inits = _list(spec, "initContainers")
    restart = _s(spec, "restartPolicy")
    errs.extend(_validate_containers(containers, volumes, f"{path}.containers", grace, restart, host_users))
    errs.extend(_validate_init_containers(inits, containers, volumes, f"{path}.initContainers", grace, restart,
                                          host_users))
    errs.extend(_validate_ephemeral_containers(_list(spec, "ephemeralContainers"), containers, inits, volumes,
                                               f"{path}.ephemeralContainers", restart, host_users))
    if _d(spec, "hostNetwork") is True:
        for ci, ctr in enumerate(containers):
            for pi, port in enumerate(_list(ctr, "ports")):
                hp, cp = _d(port, "hostPort") or 0, _d(port, "containerPort") or 0
                if (is_pod or hp != 0) and hp != cp:
                    errs.append(E.invalid(f"{path}.containers[{ci}].ports[{pi}].hostPort", hp,
                                          "must match `containerPort` when `hostNetwork` is true"))
    rp = _s(spec, "restartPolicy")
    if not rp:
        errs.append(E.required(f"{path}.restartPolicy"))
    elif rp not in RESTART_POLICIES:
        errs.append(E.not_supported(f"{path}.restartPolicy", rp, RESTART_POLICIES))
    dp = _s(spec, "dnsPolicy")
    if not dp:
        errs.append(E.required(f"{path}.dnsPolicy"))
    elif dp not in DNS_POLICIES:
        errs.append(E.not_supported(f"{path}.dnsPolicy", dp, DNS_POLICIES))
    errs.extend(validate_labels(_map(spec, "nodeSelector"), f"{path}.nodeSelector"))
    errs.extend(_validate_pod_security_context(spec, f"{path}.securityContext", allow_host_sysctls))
    errs.extend(_validate_affinity(_d(spec, "affinity"), f"{path}.affinity"))
    errs.extend(_validate_dns_config(spec, f"{path}.dnsConfig"))
    for i, rg in enumerate(_list(spec, "readinessGates")):
        ct = _s(rg, "conditionType")
        errs.extend(E.invalid(f"{path}.readinessGates[{i}].conditionType", ct, m) for m in is_qualified_name(ct))
    gates: set[str] = set()
    for i, g in enumerate(_list(spec, "schedulingGates")):
        gn = _s(g, "name")
        errs.extend(E.invalid(f"{path}.schedulingGates[{i}]", gn, m) for m in is_qualified_name(gn))
        if gn in gates:
            errs.append(E.duplicate(f"{path}.schedulingGates[{i}]", gn))
        gates.add(gn)
    errs.extend(_validate_topology_spread(_list(spec, "topologySpreadConstraints"),
                                          f"{path}.topologySpreadConstraints"))
    errs.extend(validate_windows_host_process_pod(spec, path))
    errs.extend(validate_host_users(spec, path))
    for f in ("serviceAccountName", "nodeName"):
        v = _s(spec, f)
        if v:
            errs.extend(_subdomain_errs(v, f"{path}.{f}"))
    ads = _d(spec, "activeDeadlineSeconds")
    if isinstance(ads, int) and not isinstance(ads, bool) and (ads < 1 or ads > 2**31 - 1):
        errs.append(E.invalid(f"{path}.activeDeadlineSeconds", ads, inclusive_range_error(1, 2**31 - 1)))
    for f in ("hostname", "subdomain"):
        v = _s(spec, f)
        if v:
            errs.extend(_dns_label_errs(v, f"{path}.{f}"))
    errs.extend(_validate_tolerations(_list(spec, "tolerations"), f"{path}.tolerations"))
    for i, ha in enumerate(_list(spec, "hostAliases")):
        ip = _s(ha, "ip")
        if not _is_ip(ip):
            errs.append(E.invalid(f"{path}.hostAliases[{i}].ip", ip, "must be a valid IP address, (e.g. 10.9.8.7 or "
                                                                     "2001:db8::ffff)"))
        for j, hn in enumerate(_list(ha, "hostnames")):
            if isinstance(hn, str):
                errs.extend(_subdomain_errs(hn, f"{path}.hostAliases[{i}].hostnames[{j}]"))
    pcn = _s(spec, "priorityClassName")
    if pcn:
        errs.extend(_subdomain_errs(pcn, f"{path}.priorityClassName"))
    rcn = _d(spec, "runtimeClassName")
    if isinstance(rcn, str):
        errs.extend(_subdomain_errs(rcn, f"{path}.runtimeClassName"))
    pp = _d(spec, "preemptionPolicy")
    if isinstance(pp, str) and pp not in ("Never", "PreemptLowerPriority"):
        errs.append(E.not_supported(f"{path}.preemptionPolicy", pp, ["Never", "PreemptLowerPriority"]))
    os_ = _d(spec, "os")
    if isinstance(os_, dict):
        # validateOS, then validateLinux / validateWindows only when the OS itself is valid
        osn = _s(os_, "name")
        if not osn:
            errs.append(E.required(f"{path}.os.name", "cannot be empty"))
        elif osn not in ("linux", "windows"):
            errs.append(E.not_supported(f"{path}.os", osn, ["linux", "windows"]))
        elif osn == "linux":
            errs.extend(validate_linux(spec, path))
        else:
            errs.extend(validate_windows(spec, path))
    return errs


def _is_ip(s: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(s)
    except ValueError:
        return False
    return True


def _container_names(spec: dict) -> set[str]:
    return {_s(c, "name") for k in ("containers", "initContainers", "ephemeralContainers") for c in _list(spec, k)}


def _seccomp_profile_errs(value: str, path: str) -> list[FieldError]:
    if value in ("runtime/default", "docker/default", "unconfined"):
        return []
    if value.startswith("localhost/"):
        return _validate_local_descending_path(value[len("localhost/"):], path)
    return [E.invalid(path, value, "must be a valid seccomp profile")]


def validate_pod_specific_annotations(annotations: dict, spec: dict, path: str) -> list[FieldError]:
    """ValidatePodSpecificAnnotations: mirror pods, deletion cost, seccomp and AppArmor annotations."""
    errs: list[FieldError] = []
    mirror = "kubernetes.io/config.mirror"
    if mirror in annotations and not _s(spec, "nodeName"):
        errs.append(E.invalid(f"{path}[{mirror}]", annotations[mirror],
                              "must set spec.nodeName if mirror pod annotation is set"))
    cost_key = "controller.kubernetes.io/pod-deletion-cost"
    if cost_key in annotations:
        v = str(annotations[cost_key])
        ok = bool(v) and (v[0] == "-" or v[0] in "123456789" or v == "0")
        if ok:
            try:
                ok = -(2**31) <= int(v, 10) < 2**31 and re.fullmatch(r"-?[0-9]+", v) is not None
            except ValueError:
                ok = False
        if not ok:
            errs.append(E.invalid(f"{path}[{cost_key}]", v, "must be a 32bit integer"))
    pod_key = "seccomp.security.alpha.kubernetes.io/pod"
    if pod_key in annotations:
        errs.extend(_seccomp_profile_errs(str(annotations[pod_key]), f"{path}.{pod_key}"))
    for k in sorted(annotations):
        if k.startswith("container.seccomp.security.alpha.kubernetes.io/"):
            errs.extend(_seccomp_profile_errs(str(annotations[k]), f"{path}.{k}"))
    names = _container_names(spec)
    prefix = "container.apparmor.security.beta.kubernetes.io/"
    for k in sorted(annotations):
        if not k.startswith(prefix):
            continue
        cname = k[len(prefix):]
        if cname not in names:
            errs.append(E.invalid(f"{path}[{k}]", cname, "container not found"))
        prof = str(annotations[k])
        if prof not in ("", "runtime/default", "unconfined") and not prof.startswith("localhost/"):
            errs.append(E.invalid(f"{path}[{k}]", prof, f"invalid AppArmor profile name: {E.go_quote(prof)}"))
    return errs


def validate_pod(pod: dict, create: bool = True) -> list[FieldError]:
    """ValidatePodCreate (``create=False``: only validatePodMetadataAndSpec, the part updates share)."""
    meta = _map(pod, "metadata")
    spec = _map(pod, "spec")
    errs = validate_object_meta(meta, True, is_dns1123_subdomain)
    errs.extend(validate_pod_specific_annotations(_map(meta, "annotations"), spec, "metadata.annotations"))
    errs.extend(validate_pod_spec(spec, "spec", _s(meta, "name"), is_pod=True))
    if not _s(spec, "serviceAccountName"):
        for vi, vol in enumerate(_list(spec, "volumes")):
            for si, src in enumerate(_list(_d(vol, "projected"), "sources")):
                if _d(src, "serviceAccountToken") is not None:
                    errs.append(E.forbidden(f"spec.volumes[{vi}].projected.sources[{si}].serviceAccountToken",
                                            "must not be specified when serviceAccountName is not set"))
    for key in ("containers", "initContainers"):
        for i, ctr in enumerate(_list(spec, key)):
            img = _s(ctr, "image")
            if img and img != img.strip():
                errs.append(E.invalid(f"spec.{key}[{i}].image", img, "must not have leading or trailing whitespace"))
    if not create:
        return errs
    if _list(spec, "ephemeralContainers"):
        errs.append(E.forbidden("spec.ephemeralContainers", "cannot be set on create"))
    if _s(spec, "nodeName") and _list(spec, "schedulingGates"):
        errs.append(E.forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared"))
    errs.extend(validate_seccomp_annotations_and_fields(_map(meta, "annotations"), spec))
    errs.extend(validate_apparmor_annotations_and_fields_match(_map(meta, "annotations"), spec))
    return errs


def _seccomp_match(annotation: str, prof: Any, path: str) -> FieldError | None:
    """validateSeccompAnnotationsAndFieldsMatch."""
    t = _s(prof, "type")
    if t == "Unconfined" and annotation != "unconfined":
        return E.forbidden(f"{path}.type", "seccomp type in annotation and field must match")
    if t == "RuntimeDefault" and annotation not in ("runtime/default", "docker/default"):
        return E.forbidden(f"{path}.type", "seccomp type in annotation and field must match")
    if t == "Localhost":
        if not annotation.startswith("localhost/"):
            return E.forbidden(f"{path}.type", "seccomp type in annotation and field must match")
        if _d(prof, "localhostProfile") is None or annotation[len("localhost/"):] != _d(prof, "localhostProfile"):
            return E.forbidden(f"{path}.localhostProfile", "seccomp profile in annotation and field must match")
    return None


def validate_seccomp_annotations_and_fields(annotations: dict, spec: dict) -> list[FieldError]:
    """validateSeccompAnnotationsAndFields (ValidatePodCreate, v1.32): deprecated seccomp annotations and
    the seccompProfile fields must agree when both are given."""
    errs: list[FieldError] = []
    prof = _d(_d(spec, "securityContext"), "seccompProfile")
    if isinstance(prof, dict) and "seccomp.security.alpha.kubernetes.io/pod" in annotations:
        e = _seccomp_match(str(annotations["seccomp.security.alpha.kubernetes.io/pod"]), prof,
                           "spec.securityContext.seccompProfile")
        if e is not None:
            errs.append(e)
    for ctr, cpath in visit_containers_with_path(spec, "spec"):
        cprof = _d(_d(ctr, "securityContext"), "seccompProfile")
        key = "container.seccomp.security.alpha.kubernetes.io/" + _s(ctr, "name")
        if isinstance(cprof, dict) and key in annotations:
            e = _seccomp_match(str(annotations[key]), cprof, f"{cpath}.securityContext.seccompProfile")
            if e is not None:
                errs.append(e)
    return errs


def validate_apparmor_annotations_and_fields_match(annotations: dict, spec: dict) -> list[FieldError]:
    """validateAppArmorAnnotationsAndFieldsMatchOnCreate (v1.32; windows pods are skipped)."""
    if _s(_d(spec, "os"), "name") == "windows":
        return []
    errs: list[FieldError] = []
    pod_prof = _d(_d(spec, "securityContext"), "appArmorProfile")
    for ctr, cpath in visit_containers_with_path(spec, "spec"):
        prof = _d(_d(ctr, "securityContext"), "appArmorProfile")
        prof = prof if prof is not None else pod_prof
        key = "container.apparmor.security.beta.kubernetes.io/" + _s(ctr, "name")
        if not isinstance(prof, dict) or key not in annotations:
            continue
        ann = str(annotations[key])
        ap = f"{cpath}.securityContext.appArmorProfile"
        t = _s(prof, "type")
        if (t == "Unconfined" and ann != "unconfined") or (t == "RuntimeDefault" and ann != "runtime/default") or \
                (t == "Localhost" and not ann.startswith("localhost/")):
            errs.append(E.forbidden(f"{ap}.type", "apparmor type in annotation and field must match"))
        elif t == "Localhost" and ann[len("localhost/"):] != _d(prof, "localhostProfile"):
            errs.append(E.forbidden(f"{ap}.localhostProfile", "apparmor profile in annotation and field must match"))
    return errs


# ---------------------------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------------------------


def _selector_matches(sel: dict, labels: dict) -> bool:
    for k, v in _map(sel, "matchLabels").items():
        if labels.get(k) != v:
            return False
    for req in _list(sel, "matchExpressions"):
        k, op, vals = _s(req, "key"), _s(req, "operator"), _list(req, "values")
        if op == "In" and labels.get(k) not in vals:
            return False
        if op == "NotIn" and k in labels and labels[k] in vals:
            return False
        if op == "Exists" and k not in labels:
            return False
        if op == "DoesNotExist" and k in labels:
            return False
    return True


def _selector_empty(sel: Any) -> bool:
    return not _map(sel, "matchLabels") and not _list(sel, "matchExpressions")


def validate_pod_template(tmpl: dict, path: str) -> list[FieldError]:
    """ValidatePodTemplateSpec (note: labels are reported at ``<path>.labels``, as upstream does)."""
    meta = _map(tmpl, "metadata")
    errs = validate_labels(_map(meta, "labels"), f"{path}.labels")
    errs.extend(validate_annotations(_map(meta, "annotations"), f"{path}.annotations"))
    spec = _map(tmpl, "spec")
    errs.extend(validate_pod_specific_annotations(_map(meta, "annotations"), spec, f"{path}.annotations"))
    errs.extend(validate_pod_spec(spec, f"{path}.spec"))
    if _list(spec, "ephemeralContainers"):
        errs.append(E.forbidden(f"{path}.spec.ephemeralContainers", "ephemeral containers not allowed in pod template"))
    return errs


def _template_labels_error(tmpl: dict, path: str) -> FieldError:
    labels = _d(_map(tmpl, "metadata"), "labels")
    return RawFieldError(E.INVALID, f"{path}.metadata.labels", _go_map(labels if isinstance(labels, dict) else None),
                         "`selector` does not match template `labels`")


def _selector_raw(sel: Any) -> str:
    """``%#v`` of a (dereferenced) metav1.LabelSelector."""
    sel = sel if isinstance(sel, dict) else {}
    ml = _d(sel, "matchLabels")
    labels = "map[string]string(nil)" if ml is None else _go_map(ml if isinstance(ml, dict) else {})
    exprs = _d(sel, "matchExpressions")
    if exprs is None:
        ex = "[]v1.LabelSelectorRequirement(nil)"
    else:
        parts = []
        for r in exprs if isinstance(exprs, list) else []:
            vals = _list(r, "values")
            vs = "[]string(nil)" if _d(r, "values") is None else _go_slice(vals)
            parts.append(f"v1.LabelSelectorRequirement{{Key:{E.go_quote(_s(r, 'key'))}, "
                         f"Operator:{E.go_quote(_s(r, 'operator'))}, Values:{vs}}}")
        ex = "[]v1.LabelSelectorRequirement{" + ", ".join(parts) + "}"
    return f"v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{ex}}}"


def _go_int_or_string(v: Any) -> str:
    if isinstance(v, str):
        return f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{E.go_quote(v)}}}"
    return f"intstr.IntOrString{{Type:0, IntVal:{v if isinstance(v, int) else 0}, StrVal:\"\"}}"


def _validate_selector_block(spec: dict, path: str, word: str) -> list[FieldError]:
    """Selector required, valid, and not empty (Deployment, ReplicaSet, StatefulSet)."""
    sel = _d(spec, "selector")
    if sel is None:
        return [E.required(f"{path}.selector")]
    errs = validate_label_selector(sel, f"{path}.selector")
    if _selector_empty(sel):
        errs.append(RawFieldError(E.INVALID, f"{path}.selector", _selector_raw(sel),
                                  f"empty selector is invalid for {word}"))
    return errs


def _selector_matches_template(sel: Any, tmpl: dict) -> bool:
    """labels.Selector.Matches: a nil selector matches nothing, an empty one everything."""
    if not isinstance(sel, dict):
        return False
    return _selector_matches(sel, _map(_map(tmpl, "metadata"), "labels"))


def _template_always_restarts(tmpl: dict, tp: str, kind: str) -> list[FieldError]:
    """Workload templates: restartPolicy must be Always and activeDeadlineSeconds unset."""
    errs: list[FieldError] = []
    tspec = _map(tmpl, "spec")
    rp = _s(tspec, "restartPolicy")
    if rp != "Always":
        errs.append(E.not_supported(f"{tp}.spec.restartPolicy", rp, ["Always"]))
    if _d(tspec, "activeDeadlineSeconds") is not None:
        errs.append(E.forbidden(f"{tp}.spec.activeDeadlineSeconds", f"activeDeadlineSeconds in {kind} is not Supported"))
    return errs


def _validate_template_for_replicaset(spec: dict, path: str, kind: str) -> list[FieldError]:
    """ValidatePodTemplateSpecForReplicaSet (Deployment and ReplicaSet)."""
    errs: list[FieldError] = []
    tmpl = _map(spec, "template")
    tp = f"{path}.template"
    sel = _d(spec, "selector")
    if isinstance(sel, dict) and not _selector_empty(sel) and not _selector_matches_template(sel, tmpl):
        errs.append(_template_labels_error(tmpl, tp))
    errs.extend(validate_pod_template(tmpl, tp))
    errs.extend(_template_always_restarts(tmpl, tp, kind))
    return errs


def _validate_deployment(obj: dict, meta: bool = True) -> list[FieldError]:
    """ValidateDeployment; ``meta=False``: ValidateDeploymentSpec alone (what ValidateDeploymentUpdate runs)."""
    spec = _map(obj, "spec")
    errs = validate_object_meta(_map(obj, "metadata"), True, is_dns1123_subdomain) if meta else []
    errs.extend(_nonneg(_d(spec, "replicas"), "spec.replicas"))
    errs.extend(_validate_selector_block(spec, "spec", "deployment"))
    errs.extend(_validate_template_for_replicaset(spec, "spec", "ReplicaSet"))
    strat = _map(spec, "strategy")
    st = _s(strat, "type")
    sp = "spec.strategy"
    if st == "Recreate":
        if _d(strat, "rollingUpdate") is not None:
            errs.append(E.forbidden(f"{sp}.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"))
    elif st == "RollingUpdate":
        ru = _d(strat, "rollingUpdate")
        if not isinstance(ru, dict):
            errs.append(E.required(f"{sp}.rollingUpdate", "this should be defaulted and never be nil"))
        else:
            rp = f"{sp}.rollingUpdate"
            mu, ms = _d(ru, "maxUnavailable"), _d(ru, "maxSurge")
            errs.extend(_validate_int_or_percent(mu, f"{rp}.maxUnavailable"))
            errs.extend(_validate_int_or_percent(ms, f"{rp}.maxSurge"))
            if _int_or_percent_value(mu) == 0 and _int_or_percent_value(ms) == 0:
                errs.append(RawFieldError(E.INVALID, f"{rp}.maxUnavailable", _go_int_or_string(mu),
                                          "may not be 0 when `maxSurge` is 0"))
            errs.extend(_not_more_than_100(mu, f"{rp}.maxUnavailable"))
    else:
        errs.append(RawFieldError(E.NOT_SUPPORTED, sp, _go_struct("apps.DeploymentStrategy", strat),
                                  'supported values: "Recreate", "RollingUpdate"'))
    errs.extend(_nonneg(_d(spec, "minReadySeconds"), "spec.minReadySeconds"))
    errs.extend(_nonneg(_d(spec, "revisionHistoryLimit"), "spec.revisionHistoryLimit"))
    pds = _d(spec, "progressDeadlineSeconds")
    if isinstance(pds, int) and not isinstance(pds, bool):
        errs.extend(_nonneg(pds, "spec.progressDeadlineSeconds"))
        if pds <= (_d(spec, "minReadySeconds") or 0):
            errs.append(E.invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"))
    return errs


_PERCENT_RE = Lazy(r"^[0-9]+%$")
_PERCENT_MSG = regex_error("a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%",
                           "1%", "93%")


def _int_or_percent_value(v: Any) -> int:
    if isinstance(v, str):
        if _PERCENT_RE.match(v):
            return int(v[:-1])
        try:
            return int(v)
        except ValueError:
            return 0
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def _validate_int_or_percent(v: Any, path: str) -> list[FieldError]:
    """ValidatePositiveIntOrPercent."""
    if isinstance(v, str):
        if not _PERCENT_RE.match(v):
            return [RawFieldError(E.INVALID, path, _go_int_or_string(v), _PERCENT_MSG)]
        return []
    if isinstance(v, int) and not isinstance(v, bool) and v < 0:
        return [E.invalid(path, v, IS_NEGATIVE)]
    return []


def _not_more_than_100(v: Any, path: str) -> list[FieldError]:
    if isinstance(v, str) and _PERCENT_RE.match(v) and int(v[:-1]) > 100:
        return [RawFieldError(E.INVALID, path, _go_int_or_string(v), "must not be greater than 100%")]
    return []


def _validate_replicaset(obj: dict, meta: bool = True) -> list[FieldError]:
    spec = _map(obj, "spec")
    errs = validate_object_meta(_map(obj, "metadata"), True, is_dns1123_subdomain) if meta else []
    errs.extend(_nonneg(_d(spec, "replicas"), "spec.replicas"))
    errs.extend(_nonneg(_d(spec, "minReadySeconds"), "spec.minReadySeconds"))
    errs.extend(_validate_selector_block(spec, "spec", "deployment"))
    errs.extend(_validate_template_for_replicaset(spec, "spec", "ReplicaSet"))
    return errs


def _validate_statefulset(obj: dict, meta: bool = True) -> list[FieldError]:
    """ValidateStatefulSet. Upstream does not validate the template's pod spec here (its TODO about
    volumeClaimTemplates); only its labels and annotations, restartPolicy and activeDeadlineSeconds."""
    spec = _map(obj, "spec")
    errs = validate_object_meta(_map(obj, "metadata"), True, is_dns1123_label) if meta else []
    pmp = _s(spec, "podManagementPolicy")
    if not pmp:
        errs.append(E.required("spec.podManagementPolicy"))
    elif pmp not in ("OrderedReady", "Parallel"):
        errs.append(E.invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"))
    us = _map(spec, "updateStrategy")
    ust = _s(us, "type")
    if not ust:
        errs.append(E.required("spec.updateStrategy"))
    elif ust == "OnDelete":
        if _d(us, "rollingUpdate") is not None:
            errs.append(RawFieldError(E.INVALID, "spec.updateStrategy.rollingUpdate",
                                      _go_struct("apps.RollingUpdateStatefulSetStrategy", _map(us, "rollingUpdate")),
                                      "only allowed for updateStrategy 'RollingUpdate'"))
    elif ust == "RollingUpdate":
        ru = _d(us, "rollingUpdate")
        if isinstance(ru, dict):
            rp = "spec.updateStrategy.rollingUpdate"
            errs.extend(_nonneg(_d(ru, "partition"), f"{rp}.partition"))
            mu = _d(ru, "maxUnavailable")
            if mu is not None:
                errs.extend(_validate_int_or_percent(mu, f"{rp}.maxUnavailable"))
                if _int_or_percent_value(mu) == 0:
                    errs.append(RawFieldError(E.INVALID, f"{rp}.maxUnavailable", _go_int_or_string(mu), "cannot be 0"))
                errs.extend(_not_more_than_100(mu, f"{rp}.maxUnavailable"))
    else:
        errs.append(RawFieldError(E.INVALID, "spec.updateStrategy", _go_struct("apps.StatefulSetUpdateStrategy", us),
                                  "must be 'RollingUpdate' or 'OnDelete'"))
    pol = _d(spec, "persistentVolumeClaimRetentionPolicy")
    if isinstance(pol, dict):
        for f in ("whenDeleted", "whenScaled"):
            v = _s(pol, f)
            if v not in ("Retain", "Delete"):
                errs.append(E.not_supported(f"spec.persistentVolumeClaimRetentionPolicy.{f}", v, ["Retain", "Delete"]))
    errs.extend(_nonneg(_d(spec, "replicas"), "spec.replicas"))
    errs.extend(_nonneg(_d(spec, "minReadySeconds"), "spec.minReadySeconds"))
    errs.extend(_nonneg(_d(_map(spec, "ordinals"), "start"), "spec.ordinals.start"))
    errs.extend(_validate_selector_block(spec, "spec", "statefulset"))
    tmpl = _map(spec, "template")
    tp = "spec.template"
    sel = _d(spec, "selector")
    if isinstance(sel, dict) and not _selector_empty(sel) and not _selector_matches_template(sel, tmpl):
        errs.append(_template_labels_error(tmpl, tp))
    tmeta = _map(tmpl, "metadata")
    errs.extend(validate_labels(_map(tmeta, "labels"), f"{tp}.labels"))
    errs.extend(validate_annotations(_map(tmeta, "annotations"), f"{tp}.annotations"))
    # ValidatePodTemplateSpecForStatefulSet also runs ValidatePodSpecificAnnotations on the template
    errs.extend(validate_pod_specific_annotations(_map(tmeta, "annotations"), _map(tmpl, "spec"), f"{tp}.annotations"))
    errs.extend(_template_always_restarts(tmpl, tp, "StatefulSet"))
    return errs


def _validate_daemonset(obj: dict, meta: bool = True) -> list[FieldError]:
    spec = _map(obj, "spec")
    errs = validate_object_meta(_map(obj, "metadata"), True, is_dns1123_subdomain) if meta else []
    sel = _d(spec, "selector")
    errs.extend(validate_label_selector(sel, "spec.selector"))
    tmpl = _map(spec, "template")
    tp = "spec.template"
    if not _selector_matches_template(sel, tmpl):
        errs.append(_template_labels_error(tmpl, tp))
    if isinstance(sel, dict) and _selector_empty(sel):
        errs.append(RawFieldError(E.INVALID, "spec.selector", _selector_raw(sel),
                                  "empty selector is invalid for daemonset"))
    errs.extend(validate_pod_template(tmpl, tp))
    errs.extend(_template_always_restarts(tmpl, tp, "DaemonSet"))
    errs.extend(_nonneg(_d(spec, "minReadySeconds"), "spec.minReadySeconds"))
    errs.extend(_nonneg(_d(spec, "templateGeneration"), "spec.templateGeneration"))
    us = _map(spec, "updateStrategy")
    ust = _s(us, "type")
    up = "spec.updateStrategy"
    if ust == "RollingUpdate":
        ru = _d(us, "rollingUpdate")
        if not isinstance(ru, dict):
            errs.append(E.required(f"{up}.rollingUpdate"))
        else:
            rp_ = f"{up}.rollingUpdate"
            mu, ms = _d(ru, "maxUnavailable"), _d(ru, "maxSurge")
            errs.extend(_validate_int_or_percent(mu, f"{rp_}.maxUnavailable"))
            errs.extend(_validate_int_or_percent(ms, f"{rp_}.maxSurge"))
            errs.extend(_not_more_than_100(mu, f"{rp_}.maxUnavailable"))
            errs.extend(_not_more_than_100(ms, f"{rp_}.maxSurge"))
            has_u, has_s = _int_or_percent_value(mu) != 0, _int_or_percent_value(ms) != 0
            if has_u and has_s:
                errs.append(RawFieldError(E.INVALID, f"{rp_}.maxSurge", _go_int_or_string(ms),
                                          "may not be set when maxUnavailable is non-zero"))
            elif not has_u and not has_s:
                errs.append(E.required(f"{rp_}.maxUnavailable", "cannot be 0 when maxSurge is 0"))
    elif ust != "OnDelete":
        errs.append(RawFieldError(E.NOT_SUPPORTED, up, _go_struct("apps.DaemonSetUpdateStrategy", us),
                                  'supported values: "RollingUpdate", "OnDelete"'))
    errs.extend(_nonneg(_d(spec, "revisionHistoryLimit"), "spec.revisionHistoryLimit"))
    return errs


def _validate_job_spec(spec: dict, path: str) -> list[FieldError]:
    """validateJobSpec (shared by Job and CronJob's jobTemplate)."""
    errs: list[FieldError] = []
    for f in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished",
              "backoffLimitPerIndex"):
        errs.extend(_nonneg(_d(spec, f), f"{path}.{f}"))
    mfi = _d(spec, "maxFailedIndexes")
    if mfi is not None:
        errs.extend(_nonneg(mfi, f"{path}.maxFailedIndexes"))
        if _d(spec, "backoffLimitPerIndex") is None:
            errs.append(E.required(f"{path}.backoffLimitPerIndex", "when maxFailedIndexes is specified"))
    cm = _d(spec, "completionMode")
    if isinstance(cm, str):
        if cm not in ("NonIndexed", "Indexed"):
            errs.append(E.not_supported(f"{path}.completionMode", cm, ["NonIndexed", "Indexed"]))
        if cm == "Indexed":
            if _d(spec, "completions") is None:
                errs.append(E.required(f"{path}.completions", "when completion mode is Indexed"))
            par = _d(spec, "parallelism")
            if isinstance(par, int) and par > 100000:
                errs.append(E.invalid(f"{path}.parallelism", par,
                                      "must be less than or equal to 100000 when completion mode is Indexed"))
    if cm in (None, "NonIndexed"):
        if _d(spec, "backoffLimitPerIndex") is not None:
            errs.append(E.invalid(f"{path}.backoffLimitPerIndex", _d(spec, "backoffLimitPerIndex"),
                                  "requires indexed completion mode"))
        if mfi is not None:
            errs.append(E.invalid(f"{path}.maxFailedIndexes", mfi, "requires indexed completion mode"))
    pfp = _d(spec, "podFailurePolicy")
    prp = _d(spec, "podReplacementPolicy")
    if isinstance(prp, str):
        if pfp is not None:
            if prp != "Failed":
                errs.append(E.not_supported(f"{path}.podReplacementPolicy", prp, ["Failed"]))
        elif prp not in ("Failed", "TerminatingOrFailed"):
            errs.append(E.not_supported(f"{path}.podReplacementPolicy", prp, ["Failed", "TerminatingOrFailed"]))
    tmpl = _map(spec, "template")
    tp = f"{path}.template"
    errs.extend(validate_pod_template(tmpl, tp))
    rp = _s(_map(tmpl, "spec"), "restartPolicy")
    if rp not in ("OnFailure", "Never"):
        errs.append(E.not_supported(f"{tp}.spec.restartPolicy", rp, ["OnFailure", "Never"]))
    elif pfp is not None and rp != "Never":
        errs.append(E.invalid(f"{tp}.spec.restartPolicy", rp, 'only "Never" is supported when podFailurePolicy is '
                                                              "specified"))
    return errs


def _has_label(meta: dict, key: str, expected: str, path: str) -> list[FieldError]:
    """ValidateHasLabel."""
    labels = _map(meta, "labels")
    if key not in labels:
        return [E.required(f"{path}.labels[{key}]", f"must be '{expected}'")]
    if labels[key] != expected:
        return [E.invalid(f"{path}.labels[{key}]", labels[key], f"must be '{expected}'")]
    return []


def _validate_job(obj: dict) -> list[FieldError]:
    meta = _map(obj, "metadata")
    spec = _map(obj, "spec")
    errs = validate_object_meta(meta, True, is_dns1123_subdomain)
    # validateGeneratedSelector (the selector is generated by default_object from metadata.uid)
    if _d(spec, "manualSelector") is not True and isinstance(_d(spec, "selector"), dict):
        uid, name = _s(meta, "uid"), _s(meta, "name")
        if uid:
            tmeta = _map(_map(spec, "template"), "metadata")
            tpath = "spec.template.metadata"
            for key, val in (("controller-uid", uid), ("job-name", name), ("batch.kubernetes.io/controller-uid", uid),
                             ("batch.kubernetes.io/job-name", name)):
                errs.extend(_has_label(tmeta, key, val, tpath))
            expected = {"controller-uid": uid, "job-name": name, "batch.kubernetes.io/controller-uid": uid,
                        "batch.kubernetes.io/job-name": name}
            if not _selector_matches(spec["selector"], expected):
                errs.append(RawFieldError(E.INVALID, "spec.selector", _selector_raw(spec["selector"]),
                                          "`selector` not auto-generated"))
    errs.extend(_validate_job_spec(spec, "spec"))
    sel = _d(spec, "selector")
    if sel is None:
        errs.append(E.required("spec.selector"))
    else:
        errs.extend(validate_label_selector(sel, "spec.selector"))
    if _selector_matches_template(sel, _map(spec, "template")) is False and isinstance(sel, dict):
        errs.append(_template_labels_error(_map(spec, "template"), "spec.template"))
    cm, comp = _d(spec, "completionMode"), _d(spec, "completions")
    if cm == "Indexed" and isinstance(comp, int) and comp > 0:
        host = f"{_s(meta, 'name')}-{comp - 1}"
        if is_dns1123_label(host):
            errs.append(E.invalid("metadata.name", _s(meta, "name"),
                                  f"will not able to create pod with invalid DNS label: {host}"))
    return errs


def _cron_error(schedule: str) -> str:
    """The error text of cron.ParseStandard (robfig/cron v3, kube/cron.py), or "" when the schedule parses."""
    from minikctl.kube.cron import parse_error

    return parse_error(schedule)


def _validate_cronjob(obj: dict, old_spec: dict | None = None) -> list[FieldError]:
    """ValidateCronJobCreate; with ``old_spec``, what ValidateCronJobUpdate runs after the metadata update:
    validateCronJobSpec(spec, oldSpec) without ObjectMeta and without the 52-character name limit."""
    meta = _map(obj, "metadata")
    errs = validate_object_meta(meta, True, is_dns1123_subdomain) if old_spec is None else []
    spec = _map(obj, "spec")
    sched = _s(spec, "schedule")
    if not sched:
        errs.append(E.required("spec.schedule"))
    else:
        msg = _cron_error(sched)
        if msg:
            errs.append(E.invalid("spec.schedule", sched, msg))
        # validateScheduleFormat: TZ in the schedule stays allowed on update if the old schedule had it
        allow_tz = old_spec is not None and "TZ" in _s(old_spec, "schedule")
        if allow_tz and "TZ" in sched and _d(spec, "timeZone") is not None:
            errs.append(E.invalid("spec.schedule", sched, "cannot use both timeZone field and TZ or CRON_TZ in "
                                                          "schedule"))
        elif not allow_tz and "TZ" in sched:
            errs.append(E.invalid("spec.schedule", sched,
                                  "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
    errs.extend(_nonneg(_d(spec, "startingDeadlineSeconds"), "spec.startingDeadlineSeconds"))
    tz = _d(spec, "timeZone")
    if old_spec is not None and _d(old_spec, "timeZone") == tz:
        tz = None  # validateTimeZone only runs when the time zone changed
    if isinstance(tz, str):
        if not tz:
            errs.append(E.invalid("spec.timeZone", tz, "timeZone must be nil or non-empty string"))
        elif any(p in (".", "..") or p.startswith("-") or not re.fullmatch(r"[A-Za-z.\-_0-9+]{1,14}", p)
                 for p in tz.split("/")):
            errs.append(E.invalid("spec.timeZone", tz, f"unknown time zone {tz}"))
        elif tz.lower() == "local":
            errs.append(E.invalid("spec.timeZone", tz, "timeZone must be an explicit time zone as defined in "
                                                       "https://www.iana.org/time-zones"))
    cp = _s(spec, "concurrencyPolicy")
    if not cp:
        errs.append(E.required("spec.concurrencyPolicy"))
    elif cp not in ("Allow", "Forbid", "Replace"):
        errs.append(E.not_supported("spec.concurrencyPolicy", cp, ["Allow", "Forbid", "Replace"]))
    jspec = _map(_map(spec, "jobTemplate"), "spec")
    errs.extend(_validate_job_spec(jspec, "spec.jobTemplate.spec"))
    if _d(jspec, "selector") is not None:
        errs.append(RawFieldError(E.INVALID, "spec.jobTemplate.spec.selector", _selector_raw(jspec["selector"]),
                                  "`selector` will be auto-generated"))
    if _d(jspec, "manualSelector") is True:
        errs.append(E.not_supported("spec.jobTemplate.spec.manualSelector", True, ["nil", "false"]))
    for f in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        errs.extend(_nonneg(_d(spec, f), f"spec.{f}"))
    name = _s(meta, "name")
    if old_spec is None and len(name) > 52:
        errs.append(E.invalid("metadata.name", name, "must be no more than 52 characters"))
    return errs


# ---------------------------------------------------------------------------------------------
# ConfigMap, Secret, ServiceAccount (pkg/apis/core/validation/validation.go v1.32)
# ---------------------------------------------------------------------------------------------

MAX_SECRET_SIZE = 1 * 1024 * 1024  # core.MaxSecretSize, also the ConfigMap limit


def validate_config_map(obj: dict) -> list[FieldError]:
    """ValidateConfigMap: keys are IsConfigMapKey, no key in both data and binaryData, 1 MiB in all.
    (Go walks its maps in random order; keys are sorted here.)"""
    errs = validate_object_meta(_map(obj, "metadata"), True, is_dns1123_subdomain)
    data, binary = _map(obj, "data"), _map(obj, "binaryData")
    total = 0
    for key in sorted(data):
        errs.extend(E.invalid(f"data[{key}]", key, m) for m in is_config_map_key(key))
        if key in binary:
            errs.append(E.invalid(f"data[{key}]", key, "duplicate of key present in binaryData"))
        total += len(str(data[key] or "").encode())
    for key in sorted(binary):
        errs.extend(E.invalid(f"binaryData[{key}]", key, m) for m in is_config_map_key(key))
        total += len(decode_base64(binary[key]))
    if total > MAX_SECRET_SIZE:
        # field.TooLong(field.NewPath(""), ...): the empty root path prints as "[]"
        errs.append(FieldError(E.TOO_LONG, "[]", "", f"may not be more than {MAX_SECRET_SIZE} bytes"))
    return errs


SECRET_JSON_KEYS = {"kubernetes.io/dockercfg": ".dockercfg", "kubernetes.io/dockerconfigjson": ".dockerconfigjson"}
SECRET_REDACTED = "<secret contents redacted>"


def go_json_unmarshal_error(raw: bytes) -> str:
    """What json.Unmarshal(raw, &map[string]interface{}{}) says, or "" (encoding/json's SyntaxError texts
    for the common cases: the offending character and the scanner's state)."""
    text = raw.decode("utf-8", "replace")
    if not text.strip():
        return "unexpected end of JSON input"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            return "unexpected end of JSON input"
        ch = text[exc.pos]
        shown = "'" + ch + "'" if ch != "'" else "'\\''"
        m = exc.msg
        if m.startswith("Expecting value"):
            where = "looking for beginning of value"
        elif m.startswith("Expecting property name"):
            where = "looking for beginning of object key string"
        elif m.startswith("Expecting ':'"):
            where = "after object key"
        elif m.startswith("Expecting ','"):
            before = text[:exc.pos]
            where = ("after array element" if before.rfind("[") > before.rfind("{") else "after object key:value pair")
        elif m.startswith("Extra data"):
            where = "after top-level value"
        else:
            where = "in string literal"
        return f"invalid character {shown} {where}"
    if not isinstance(value, dict):
        return f"json: cannot unmarshal {_json_kind(value)} into Go value of type map[string]interface {{}}"
    return ""


def validate_secret(obj: dict) -> list[FieldError]:
    """ValidateSecret on the object as decoded: ``stringData`` already merged into ``data``
    (``defaults.merge_string_data``), values base64 in ``data``."""
    meta = _map(obj, "metadata")
    errs = validate_object_meta(meta, True, is_dns1123_subdomain)
    data = _map(obj, "data")
    raw = {k: decode_base64(v) for k, v in data.items()}
    total = 0
    for key in sorted(data):
        errs.extend(E.invalid(f"data[{key}]", key, m) for m in is_config_map_key(key))
        total += len(raw[key])
    if total > MAX_SECRET_SIZE:
        errs.append(FieldError(E.TOO_LONG, "data", "", f"may not be more than {MAX_SECRET_SIZE} bytes"))
    typ = _s(obj, "type")
    if typ == "kubernetes.io/service-account-token":
        if not _s(_map(meta, "annotations"), "kubernetes.io/service-account.name"):
            errs.append(E.required("metadata.annotations[kubernetes.io/service-account.name]"))
    elif typ in SECRET_JSON_KEYS:
        key = SECRET_JSON_KEYS[typ]
        if key not in data:
            errs.append(E.required(f"data[{key}]"))
        else:
            msg = go_json_unmarshal_error(raw[key])
            if msg:
                errs.append(E.invalid(f"data[{key}]", SECRET_REDACTED, msg))
    elif typ == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            errs.append(E.required("data[username]"))
            errs.append(E.required("data[password]"))
    elif typ == "kubernetes.io/ssh-auth":
        if not raw.get("ssh-privatekey"):
            errs.append(E.required("data[ssh-privatekey]"))
    elif typ == "kubernetes.io/tls":
        for key in ("tls.crt", "tls.key"):
            if key not in data:
                errs.append(E.required(f"data[{key}]"))
    return errs


def validate_service_account(obj: dict) -> list[FieldError]:
    """ValidateServiceAccount: the object meta only (ValidateServiceAccountName is a DNS subdomain)."""
    return validate_object_meta(_map(obj, "metadata"), True, is_dns1123_subdomain)


def _validate_namespace(obj: dict) -> list[FieldError]:
    return validate_object_meta(_map(obj, "metadata"), False, is_dns1123_label)


_VALIDATORS: dict[str, Callable[[dict], list[FieldError]]] = {
    "Pod": validate_pod,
    "Namespace": _validate_namespace,
    "Deployment": _validate_deployment,
    "ReplicaSet": _validate_replicaset,
    "StatefulSet": _validate_statefulset,
    "DaemonSet": _validate_daemonset,
    "Job": _validate_job,
    "CronJob": _validate_cronjob,
    "ConfigMap": validate_config_map,
    "Secret": validate_secret,
    "ServiceAccount": validate_service_account,
}


def validate(kind: str, obj: dict, *, create: bool = True) -> list[FieldError]:
    """Create-time validation of a defaulted object; an empty list means valid.

    ``create=False`` drops the create-only Pod rules (ephemeral containers, nodeName with
    scheduling gates), leaving what ValidatePodUpdate re-runs on the new object."""
    if kind == "Pod":
        return validate_pod(obj, create)
    fn = _VALIDATORS.get(kind)
    if fn is None:
        return validate_object_meta(_map(obj, "metadata"), True, is_dns1123_subdomain)
    return fn(obj)

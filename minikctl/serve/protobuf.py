"""Decoding ``application/vnd.kubernetes.protobuf`` request bodies (kubectl's typed clients send them: ``kubectl
create namespace|configmap|secret|deployment|job|cronjob``, ``drain``'s evictions, typed deletes).

A body is the magic ``k8s\\x00`` then a ``runtime.Unknown`` (its TypeMeta names the kind, ``raw`` holds the object
as protobuf). The field numbers come from ``protobuf_fields.json`` (``tools/gen_protobuf_fields.py``, from the API's
``generated.proto`` files). The decoded object becomes the JSON the apiserver would have decoded from the same Go
struct: timestamps as RFC 3339, quantities and int-or-strings as themselves, raw extensions as JSON, and the zero
values Go's ``omitempty`` leaves out dropped (a protobuf encoder writes every non-pointer field; the pointer fields
whose zero value means something are kept: ``replicas: 0``, ``gracePeriodSeconds: 0``, ...).

Responses are always JSON (every client that sends protobuf also accepts JSON).
"""

from __future__ import annotations

import base64
import json
import struct
import threading
from pathlib import Path

from minikctl.kube import errors as E

MAGIC = b"k8s\x00"
_lock = threading.Lock()
_fields: dict | None = None
META = "k8s.io.apimachinery.pkg.apis.meta.v1."
_GROUP_PACKAGES = {"": "k8s.io.api.core", "apps": "k8s.io.api.apps", "batch": "k8s.io.api.batch",
                   "policy": "k8s.io.api.policy", "autoscaling": "k8s.io.api.autoscaling",
                   "discovery.k8s.io": "k8s.io.api.discovery"}
# pointer fields whose zero value is a choice (Go keeps them; they are not dropped as empty)
KEEP_ZERO = {"replicas", "terminationGracePeriodSeconds", "activeDeadlineSeconds", "backoffLimit", "parallelism",
             "completions", "suspend", "automountServiceAccountToken", "immutable", "ttlSecondsAfterFinished",
             "startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit",
             "revisionHistoryLimit", "progressDeadlineSeconds", "gracePeriodSeconds", "runAsUser", "runAsGroup",
             "runAsNonRoot", "privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "optional",
             "defaultMode", "mode", "expirationSeconds", "priority", "enableServiceLinks", "shareProcessNamespace",
             "setHostnameAsFQDN", "hostUsers", "orphanDependents", "backoffLimitPerIndex", "maxFailedIndexes",
             "manualSelector", "tolerationSeconds", "fsGroup", "terminationGracePeriodSeconds",
             "allocateLoadBalancerNodePorts", "ready", "serving", "terminating"}


def _table() -> dict:
    global _fields
    with _lock:
        if _fields is None:
            _fields = json.loads((Path(__file__).with_name("protobuf_fields.json")).read_text())
        return _fields


class _Bad(Exception):
    pass


def _varint(data: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        if i >= len(data) or shift > 63:
            raise _Bad("truncated varint")
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def _fields_of(data: bytes):
    """(field number, wire type, value) of a message's encoding."""
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
        elif wire == 1:
            if i + 8 > len(data):
                raise _Bad("truncated fixed64")
            value, i = data[i:i + 8], i + 8
        elif wire == 2:
            n, i = _varint(data, i)
            if i + n > len(data):
                raise _Bad("truncated bytes")
            value, i = data[i:i + n], i + n
        elif wire == 5:
            if i + 4 > len(data):
                raise _Bad("truncated fixed32")
            value, i = data[i:i + 4], i + 4
        else:
            raise _Bad(f"unsupported wire type {wire}")
        yield num, wire, value


def _signed(v: int, bits: int = 64) -> int:
    v &= (1 << 64) - 1
    if v >= 1 << 63:
        v -= 1 << 64
    return v


def _scalar(t: str, wire: int, value):
    if t == "string":
        return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else ""
    if t == "bytes":
        return base64.b64encode(value).decode() if isinstance(value, bytes) else ""
    if t == "bool":
        return bool(value)
    if t in ("int32", "int64"):
        return _signed(value)
    if t in ("uint32", "uint64"):
        return value
    if t == "double":
        return struct.unpack("<d", value)[0]
    if t == "float":
        return struct.unpack("<f", value)[0]
    raise _Bad(f"unsupported type {t}")


def _special(name: str, data: bytes):
    """Messages that are a single JSON value; _NOT_SPECIAL for the others."""
    short = name.rsplit(".", 1)[-1]
    if name in (META + "Time", META + "MicroTime"):
        secs = nanos = 0
        for num, _w, v in _fields_of(data):
            if num == 1:
                secs = _signed(v)
            elif num == 2:
                nanos = _signed(v)
        if secs == 0 and nanos == 0:
            return None
        from minikctl.kube.timefmt import rfc3339, rfc3339_micro

        ms = secs * 1000 + nanos // 1_000_000
        return rfc3339_micro(ms) if short == "MicroTime" else rfc3339(ms)
    if name == "k8s.io.apimachinery.pkg.api.resource.Quantity":
        for num, _w, v in _fields_of(data):
            if num == 1:
                return v.decode()
        return "0"
    if name == "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
        kind, iv, sv = 0, 0, ""
        for num, _w, v in _fields_of(data):
            if num == 1:
                kind = v
            elif num == 2:
                iv = _signed(v)
            elif num == 3:
                sv = v.decode()
        return sv if kind == 1 else iv
    if name in ("k8s.io.apimachinery.pkg.runtime.RawExtension", META + "FieldsV1"):
        for num, _w, v in _fields_of(data):
            if num == 1 and v:
                return json.loads(v)
        return None
    if name == META + "Duration":
        for num, _w, v in _fields_of(data):
            if num == 1:
                from minikctl.kube.timefmt import format_go_duration_ns

                return format_go_duration_ns(_signed(v))
        return "0s"
    return _NOT_SPECIAL


_NOT_SPECIAL = object()


def _message(name: str, data: bytes, depth: int = 0):
    if depth > 64:
        raise _Bad("nested too deeply")
    special = _special(name, data)
    if special is not _NOT_SPECIAL:
        return special
    table = _table().get(name)
    if table is None:
        raise _Bad(f"no protobuf description of {name}")
    out: dict = {}
    for num, wire, value in _fields_of(data):
        spec = table.get(str(num))
        if spec is None:
            continue  # a field this server does not know: dropped, as an old apiserver would
        json_name, kind, t = spec
        if kind == "map":
            kt, vt = t
            k = v = None
            for n2, w2, v2 in _fields_of(value):
                if n2 == 1:
                    k = _scalar(kt, w2, v2)
                elif n2 == 2:
                    v = _scalar(vt, w2, v2) if vt in _SCALARS else _message(vt, v2, depth + 1)
            if k is not None:
                out.setdefault(json_name, {})[k] = v if v is not None else ("" if vt in _SCALARS else None)
            continue
        if t in _SCALARS:
            if kind == "repeated" and wire == 2 and t not in ("string", "bytes"):
                i, items = 0, []
                while i < len(value):  # packed
                    x, i = _varint(value, i)
                    items.append(_scalar(t, 0, x))
                out.setdefault(json_name, []).extend(items)
                continue
            item = _scalar(t, wire, value)
        else:
            item = _message(t, value, depth + 1)
        if kind == "repeated":
            out.setdefault(json_name, []).append(item)
        else:
            out[json_name] = item
    for k in [k for k, v in out.items() if _empty(k, v)]:
        del out[k]
    return out


_SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "double", "float"}


def _empty(key: str, value) -> bool:
    if value is None or value == "":
        return True
    if (value is False or value == 0) and not isinstance(value, dict) and key not in KEEP_ZERO:
        return isinstance(value, (bool, int, float))
    return False


def message_name(api_version: str, kind: str) -> str:
    group, _, version = api_version.rpartition("/")
    if kind in ("DeleteOptions", "Status"):
        return META + kind
    package = _GROUP_PACKAGES.get(group)
    if package is None:
        raise _Bad(f'no kind "{kind}" is registered for version "{api_version}"')
    return f"{package}.{version}.{kind}"


def decode(body: bytes) -> dict:
    """The object of a protobuf request body, with its apiVersion and kind."""
    if not body.startswith(MAGIC):
        raise E.BadRequest("provided protobuf data did not have the expected prefix (k8s\\x00)")
    try:
        unknown = _message("k8s.io.apimachinery.pkg.runtime.Unknown", body[len(MAGIC):])
        tm = unknown.get("typeMeta") or {}
        api_version, kind = tm.get("apiVersion", ""), tm.get("kind", "")
        raw = base64.b64decode(unknown.get("raw") or "")
        obj = _message(message_name(api_version, kind), raw)
    except _Bad as e:
        raise E.BadRequest(f"unable to decode the protobuf body: {e}") from None
    except (ValueError, UnicodeDecodeError, struct.error) as e:
        raise E.BadRequest(f"unable to decode the protobuf body: {e}") from None
    return {"apiVersion": api_version, "kind": kind, **obj}

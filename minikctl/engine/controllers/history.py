"""ControllerRevisions: the history the StatefulSet and DaemonSet controllers keep of their pod templates.

Ports of ``pkg/controller/history/controller_history.go`` (kubernetes v1.32): ``NewControllerRevision``,
``HashControllerRevision``, ``ControllerRevisionName``, ``SortControllerRevisions`` (``byRevision``),
``EqualRevision``, ``FindEqualRevisions``; and of the two ``getPatch`` functions that make a revision's data
(``pkg/controller/statefulset/stateful_set_utils.go`` and ``pkg/controller/daemon/update.go``): the object's
JSON, decoded into a map, reduced to ``{"spec": {"template": <template + "$patch": "replace">}}`` and encoded
again by Go's ``encoding/json`` (map keys sorted, no spaces, ``<``, ``>`` and ``&`` escaped).

A revision's ``data`` is a ``runtime.RawExtension``: the controllers hash and compare its raw bytes. The store
keeps the decoded JSON; ``go_json`` gives back the very bytes the controller wrote, so a StatefulSet's revision
names (``web-<hash>``) are those a v1.32 cluster gives the same template.

The DaemonSet names its revisions with ``controller.ComputeHash`` instead (``pkg/controller/controller_utils.go``:
FNV-32a over go-spew's dump of the Go ``PodTemplateSpec``, then the collision count): ``podhash.compute_hash``,
the same hash a Deployment's pod-template-hash is.
"""

from __future__ import annotations

import copy
import json

from minikctl.kube.timefmt import parse_rfc3339

CONTROLLER_REVISION_HASH_LABEL = "controller.kubernetes.io/hash"  # history.ControllerRevisionHashLabel
REVISION_LABEL = "controller-revision-hash"  # apps.ControllerRevisionHashLabelKey / StatefulSetRevisionLabel

# k8s.io/apimachinery/pkg/util/rand: vowels left out so that no "bad words" form
_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


# ---- Go's encoding/json ---------------------------------------------------------------------------------------
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f",
            "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _go_string(s: str) -> str:
    """encodeState.string with HTML escaping (json.Marshal): Go 1.22+ writes \\b and \\f by name."""
    out = ['"']
    for ch in s:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ch < " ":
            out.append(f"\\u00{ord(ch):02x}")
        elif "\ud800" <= ch <= "\udfff":
            out.append("\ufffd")  # invalid UTF-8 (a lone surrogate) is written as U+FFFD
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _go_float(f: float) -> str:
    """floatEncoder for float64: shortest repr, 'f' format unless 1e-6 > |f| or |f| >= 1e21."""
    if f != f or f in (float("inf"), float("-inf")):
        raise ValueError(f"json: unsupported value: {f}")
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        text = repr(f)  # Python's shortest repr; Go cleans e-09 to e-9 and keeps e+21
        mant, _, exp = text.partition("e")
        sign = exp[0] if exp[:1] in "+-" else "+"
        digits = exp.lstrip("+-").lstrip("0") or "0"
        return f"{mant}e{sign}{digits}"
    if f == int(f):
        return str(int(f))
    from decimal import Decimal

    return format(Decimal(repr(f)), "f")  # the shortest digits, never in exponent form


def _encode(value, out: list) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_go_string(value))
    elif isinstance(value, int):
        out.append(_go_float(float(value)) if abs(value) >= 1 << 53 else str(value))  # a float64 once decoded
    elif isinstance(value, float):
        out.append(_go_float(value))
    elif isinstance(value, dict):
        out.append("{")
        first = True
        for k in sorted(value, key=lambda s: s.encode("utf-8", "surrogatepass")):  # sorted map keys (bytes)
            if not first:
                out.append(",")
            first = False
            out.append(_go_string(k))
            out.append(":")
            _encode(value[k], out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, v in enumerate(value):
            if i:
                out.append(",")
            _encode(v, out)
        out.append("]")
    else:
        raise TypeError(f"json: unsupported type: {type(value).__name__}")


def go_json(value) -> bytes:
    """``json.Marshal`` of a value ``json.Unmarshal`` decoded into ``interface{}`` (maps sorted by key)."""
    out: list = []
    _encode(value, out)
    return "".join(out).encode("utf-8")


# ---- hashes -----------------------------------------------------------------------------------------------
def fnv32(data: bytes, h: int = 0x811C9DC5) -> int:
    """hash/fnv New32 (FNV-1: multiply, then xor)."""
    for b in data:
        h = ((h * 0x01000193) & 0xFFFFFFFF) ^ b
    return h


def fnv32a(data: bytes, h: int = 0x811C9DC5) -> int:
    """hash/fnv New32a (FNV-1a: xor, then multiply)."""
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def safe_encode_string(s: str) -> str:
    """rand.SafeEncodeString: each character mapped into the vowel-free alphabet."""
    return "".join(_ALPHANUMS[ord(ch) % len(_ALPHANUMS)] for ch in s)


def hash_controller_revision(raw: bytes, probe: int | None) -> str:
    """HashControllerRevision: FNV-32 (New32, not 32a) over the raw data, then the probe's decimal text."""
    h = fnv32(raw)
    if probe is not None:
        h = fnv32(str(int(probe)).encode(), h)
    return safe_encode_string(str(h))


def compute_hash(template: dict, collision_count: int | None) -> str:
    """controller.ComputeHash (podhash.py): FNV-32a over go-spew's dump of the template, then the collision count
    as binary.LittleEndian.PutUint32 into 8 bytes."""
    from minikctl.engine.controllers.podhash import compute_hash as _compute_hash

    return _compute_hash(template, None if collision_count is None else int(collision_count))


def controller_revision_name(prefix: str, hash_: str) -> str:
    """ControllerRevisionName: ``prefix-hash``, the prefix cut to 223 bytes."""
    if len(prefix) > 223:
        prefix = prefix[:223]
    return f"{prefix}-{hash_}"


# ---- the data of a revision ----------------------------------------------------------------------------------
def template_patch(obj: dict) -> bytes:
    """getPatch (StatefulSet and DaemonSet alike): the raw strategic merge patch that replaces spec.template."""
    template = copy.deepcopy((obj.get("spec") or {}).get("template") or {})
    template["$patch"] = "replace"
    return go_json({"spec": {"template": template}})


def raw_data(revision: dict) -> bytes:
    """A stored revision's Data.Raw (the bytes its controller wrote)."""
    return go_json(revision.get("data"))


def new_controller_revision(parent: dict, template_labels: dict | None, raw: bytes, revision: int,
                            collision_count: int) -> dict:
    """NewControllerRevision: the template's labels plus the hash label, a controller reference to the parent,
    the data, the revision number; named ``<parent>-<HashControllerRevision(data, collisionCount)>``."""
    from minikctl.engine.controllers.base import new_controller_ref

    labels = dict(template_labels or {})
    h = hash_controller_revision(raw, collision_count)
    labels[CONTROLLER_REVISION_HASH_LABEL] = h
    meta = parent["metadata"]
    return {"apiVersion": "apps/v1", "kind": "ControllerRevision",
            "metadata": {"name": controller_revision_name(meta["name"], h),
                         "namespace": meta.get("namespace", "default"), "labels": labels,
                         "ownerReferences": [new_controller_ref(parent)]},
            "data": json.loads(raw), "revision": int(revision)}


def sort_revisions(revisions: list[dict]) -> list[dict]:
    """SortControllerRevisions (byRevision): revision, then creation time, then name."""
    def key(r: dict) -> tuple:
        meta = r.get("metadata") or {}
        ts = meta.get("creationTimestamp")
        return (int(r.get("revision") or 0), parse_rfc3339(ts) if ts else 0, meta.get("name", ""))

    return sorted(revisions, key=key)


def equal_revision(lhs: dict | None, rhs: dict | None) -> bool:
    """EqualRevision: both nil, or the same hash label (when both parse) and the same raw data."""
    if lhs is None or rhs is None:
        return lhs is rhs

    def label_hash(r: dict) -> int | None:
        hs = ((r.get("metadata") or {}).get("labels") or {}).get(CONTROLLER_REVISION_HASH_LABEL)
        try:
            v = int(hs, 10)  # strconv.ParseInt(hs, 10, 32)
        except (TypeError, ValueError):
            return None
        return v & 0xFFFFFFFF if -(1 << 31) <= v < (1 << 31) else None

    lh, rh = label_hash(lhs), label_hash(rhs)
    if lh is not None and rh is not None and lh != rh:
        return False
    return same_json(lhs.get("data"), rhs.get("data"))  # bytes.Equal of the raw data


def same_json(a, b) -> bool:
    """Whether two decoded JSON values encode to the same bytes (``go_json(a) == go_json(b)``) without encoding
    them: numbers by value (both are float64 once Go decodes them), booleans apart from numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same_json(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)):
        return isinstance(b, (int, float)) and a == b
    return type(a) is type(b) and a == b


def find_equal_revisions(revisions: list[dict], needle: dict) -> list[dict]:
    """FindEqualRevisions: the revisions equal to ``needle``, in their order."""
    return [r for r in revisions if equal_revision(r, needle)]


def next_revision(revisions: list[dict]) -> int:
    """nextRevision (statefulset): one more than the last (sorted) revision's number, 1 for none."""
    return int(revisions[-1].get("revision") or 0) + 1 if revisions else 1


def apply_revision(obj: dict, revision: dict) -> dict:
    """ApplyRevision (statefulset): the object with the revision's patch applied (a strategic merge patch whose
    ``$patch: replace`` swaps the whole template)."""
    data = revision.get("data") or {}
    template = ((data.get("spec") or {}) if isinstance(data.get("spec"), dict) else {}).get("template")
    if set(data) == {"spec"} and set(data["spec"]) == {"template"} and isinstance(template, dict) \
            and template.get("$patch") == "replace":
        # what the controllers write: the strategic merge patch replaces spec.template, nothing else
        out = dict(obj, spec=dict(obj.get("spec") or {}))
        out["spec"]["template"] = {k: copy.deepcopy(v) for k, v in template.items() if k != "$patch"}
        return out
    from minikctl.api.patching import strategic_merge_patch

    return strategic_merge_patch(obj, data, obj.get("kind", "StatefulSet"))

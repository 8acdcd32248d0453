"""Field ownership (``metadata.managedFields``) and server-side apply: the apiserver's field manager.

Modelled on ``staging/src/k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager`` (and its ``internal``
package: ``managedfieldsupdater.go``, ``lastappliedmanager.go``, ``lastappliedupdater.go``, ``conflict.go``,
``stripmeta.go``) over the set algebra of structured-merge-diff (``typed/compare.go``, ``merge/update.go``).
Both the in-process API (``api/server.py``) and the HTTP server (``serve/``) go through this module.

Field sets are kept as sets of paths (tuples of FieldsV1 path elements): ``f:<name>`` for a struct or map field,
``k:{"name":"c"}`` for an element of an associative list (``x-kubernetes-list-type: map`` or a patch merge key),
``v:<json>`` for an element of a set. A path that is both a member and a prefix of other members is encoded with
``.`` (``fieldpath.Set.ToJSON``); list types come from the kind's schema (``schemas/``).

* An **Update** (create, update, patch, a status write) by a manager: the fields it added or modified become its
  own (``Updater.Update``: ``(previous ∪ modified ∪ added) − removed``); every other manager loses what was
  modified, added or removed; the entry's time moves only when it took something
  (``managedFieldsUpdater.Update``).
* An **Apply**: the manager owns exactly the fields of its applied configuration (``ToFieldSet``); a field another
  manager owns that the apply would change is a conflict (409) unless forced; fields it applied before and leaves
  out now go unless another manager owns them (``Updater.prune``). Maps and associative lists merge, sets union,
  atomic lists and scalars are replaced.

Limits: no version conversion (every kind is served in one version); no cap on the number of Update entries
(``capmanagers.go``); which fields a kind's zero value carries (what a create compares against) comes from a small
table, not from Go's struct tags.
"""

from __future__ import annotations

import copy
import json
import os
import threading

from minikctl.kube import errors as E

_MISSING = object()
_ROOT = object()
# stripmeta.go: the metadata the field manager never tracks
_SKIP_META = frozenset(("name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                        "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"))
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


# ---- schemas --------------------------------------------------------------------------------------------------
class Schema:
    """The list types along an object, read from its JSON schema (``x-kubernetes-list-type``,
    ``x-kubernetes-list-map-keys``, the patch merge keys)."""

    def __init__(self, defs: dict, root) -> None:
        self.defs = defs
        self.root = root
        self._resolved: dict = {}
        self._fields: dict = {}
        self._atomic: dict = {}
        self._lists: dict = {}
        self._created: dict = {}  # _created_spec_fs: a created object's spec FieldsV1 (JSON), by the spec's key

    def resolve(self, node):
        if not isinstance(node, dict):
            return None
        key = id(node)
        hit = self._resolved.get(key)
        if hit is None:
            hit = self._resolved[key] = (self._resolve(node),)
        return hit[0]

    def _resolve(self, node):
        for _ in range(8):
            if not isinstance(node, dict):
                return None
            if node.get("allOf"):
                node = node["allOf"][0]
                continue
            ref = node.get("$ref")
            if isinstance(ref, str):
                node = self.defs.get(ref.rsplit("/", 1)[-1])
                continue
            return node
        return None

    def field(self, node, key: str):
        """The schema of ``key`` under ``node`` (memoized: the walks ask the same few questions all the time)."""
        ck = (id(node), key)
        hit = self._fields.get(ck)
        if hit is None:
            hit = self._fields[ck] = (self._field(node, key),)
        return hit[0]

    def _field(self, node, key: str):
        node = self.resolve(self.root if node is _ROOT else node)
        if node is None:
            return None
        props = node.get("properties")
        if props and key in props:
            return props[key]
        ap = node.get("additionalProperties")
        return ap if isinstance(ap, dict) else None

    def list_info(self, node) -> tuple[str, list[str]]:
        """("map", keys) | ("set", []) | ("atomic", []) for a list's schema."""
        for cand in (node, self.resolve(node) if isinstance(node, dict) and "$ref" in node else None):
            if not isinstance(cand, dict):
                continue
            lt = cand.get("x-kubernetes-list-type")
            if lt == "map":
                return "map", list(cand.get("x-kubernetes-list-map-keys") or [])
            if lt == "set":
                return "set", []
            mk = cand.get("x-kubernetes-patch-merge-key")
            if lt is None and mk and "merge" in (cand.get("x-kubernetes-patch-strategy") or ""):
                return "map", [mk]
        return "atomic", []

    def atomic(self, node) -> bool:
        """A struct or map kept whole (``x-kubernetes-map-type: atomic``: a label selector, an object reference)."""
        if not isinstance(node, dict):
            return False
        key = id(node)
        hit = self._atomic.get(key)
        if hit is None:
            r = self.resolve(node) if "$ref" in node or "allOf" in node else None
            hit = self._atomic[key] = node.get("x-kubernetes-map-type") == "atomic" or (
                isinstance(r, dict) and r.get("x-kubernetes-map-type") == "atomic")
        return hit

    def items(self, node):
        node = self.resolve(node) if isinstance(node, dict) and "$ref" in node else node
        return node.get("items") if isinstance(node, dict) else None


_schemas: dict = {}
_schemas_lock = threading.Lock()


def _schema_file(res) -> dict | None:
    """The kind's schema file under ``schemas/``, parsed (shared with api/validation.py: read once)."""
    from minikctl.api.validation import schema_file

    name = "-".join(p for p in (res.kind.lower(), res.group.split(".")[0] if res.group else "", res.version) if p)
    return schema_file(f"{name}.json")


def schema_for(res) -> Schema:
    """The kind's schema (its file under ``schemas/``, read once); a kind without one gets typed metadata."""
    key = (res.group, res.version, res.kind)
    with _schemas_lock:
        sch = _schemas.get(key)
        if sch is None:
            raw = _schema_file(res)
            if raw is not None:
                sch = Schema(raw.get("$defs") or {}, raw)
            else:
                meta = schema_for_meta()
                sch = Schema(meta.defs, {"properties": {"metadata": meta.root}})
            _schemas[key] = sch
    return sch


def schema_for_meta() -> Schema:
    raw = _schemas.get("meta")
    if raw is None:
        from minikctl.api.validation import schema_file

        raw = _schemas["meta"] = schema_file("configmap-v1.json") or {}
    return Schema(raw.get("$defs") or {}, (raw.get("properties") or {}).get("metadata"))


# ---- path sets ----------------------------------------------------------------------------------------------------
_encode_str = json.encoder.encode_basestring  # a JSON string as Go writes it (no ASCII escaping)
_key_json = json.JSONEncoder(separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode


# defaults of associative-list keys (the schemas' ``default`` for them: a port's protocol), so that an applied
# ``{containerPort: 80}`` is the live ``{containerPort: 80, protocol: TCP}``
KEY_DEFAULTS = {"protocol": "TCP"}


def _elem_key(item, keys: list[str]) -> str | None:
    if not isinstance(item, dict):
        return None
    if len(keys) == 1 and type(item.get(keys[0])) is str:
        # one key of string value (a condition's type, an address's ip): the text the loop below makes
        return f'k:{{"{keys[0]}":{_encode_str(item[keys[0]])}}}'
    parts = []
    for key in sorted(keys):
        v = item[key] if key in item else KEY_DEFAULTS.get(key, _MISSING)
        if v is _MISSING:
            continue
        if isinstance(v, str):
            parts.append(f'"{key}":{_encode_str(v)}')
        elif isinstance(v, int) and not isinstance(v, bool):
            parts.append(f'"{key}":{v}')
        else:
            parts.append(f'"{key}":{_key_json(v)}')
    return "k:{" + ",".join(parts) + "}" if parts else None


def _list_kind(schema: Schema, node):
    """(kind, keys, item schema) of a list field (memoized per schema node)."""
    key = id(node)
    hit = schema._lists.get(key)
    if hit is None:
        kind, keys = schema.list_info(node)
        hit = schema._lists[key] = (kind, keys, schema.items(schema.resolve(node)) if isinstance(node, dict) else None)
    return hit


def _elements(lst: list, kind: str, keys: list[str]) -> dict | None:
    """An associative list or set by path element (None: an element without its key, treated as atomic)."""
    out: dict = {}
    for item in lst:
        pe = _elem_key(item, keys) if kind == "map" else "v:" + _key_json(item)
        if pe is None:
            return None
        out.setdefault(pe, item)
    return out


def _top_keys(obj: dict, status: bool):
    """The top-level fields a write's field set covers: the main resource leaves status to the status
    subresource, which covers status and metadata (the strategies' ``GetResetFields``)."""
    for k, v in obj.items():
        if k in ("apiVersion", "kind"):
            continue
        if (k == "status") != status and k != "metadata":
            continue
        if k == "metadata":
            if not isinstance(v, dict):
                continue
            v = {mk: mv for mk, mv in v.items() if mk not in _SKIP_META}
            if not v:
                continue
        yield k, v


def field_set(obj, schema: Schema, status: bool = False) -> dict:
    """The FieldsV1 set of the fields present in an applied configuration (``TypedValue.ToFieldSet``)."""
    return from_paths(applied_paths(obj, schema, status))


def applied_paths(obj: dict, schema: Schema, status: bool = False) -> set:
    out: set = set()
    for k, v in _top_keys(obj, status):
        _to_set(v, schema, schema.field(_ROOT, k), ("f:" + k,), out)
    return out


def _to_set(v, schema: Schema, node, path: tuple, out: set) -> None:
    """ToFieldSet: leaves and list elements (maps and structs are not members themselves)."""
    if isinstance(v, dict):
        if not v or schema.atomic(node):
            out.add(path)
            return
        for k, sub in v.items():
            _to_set(sub, schema, schema.field(node, k), path + ("f:" + k,), out)
        return
    if isinstance(v, list):
        kind, keys, item_node = _list_kind(schema, node)
        elems = _elements(v, kind, keys) if kind != "atomic" and v else None
        if elems is None:
            out.add(path)
            return
        for pe, item in elems.items():
            out.add(path + (pe,))
            if kind == "map" and isinstance(item, dict):
                for k, sub in item.items():
                    _to_set(sub, schema, schema.field(item_node, k), path + (pe, "f:" + k), out)
        return
    out.add(path)


def _all_paths(v, schema: Schema, node, path: tuple, out: set) -> None:
    """Every path of a subtree that is there on one side only: the subtree's own path too when it has children
    (compare.go's post-item hook inserts a map, a list or an element that is added or removed as a whole)."""
    out.add(path)
    if isinstance(v, dict) and not schema.atomic(node):
        for k, sub in v.items():
            _all_paths(sub, schema, schema.field(node, k), path + ("f:" + k,), out)
    elif isinstance(v, list) and v:
        kind, keys, item_node = _list_kind(schema, node)
        elems = _elements(v, kind, keys) if kind != "atomic" else None
        if elems is None:
            return
        for pe, item in elems.items():
            if kind == "map" and isinstance(item, dict):
                _all_paths(item, schema, item_node, path + (pe,), out)
            else:
                out.add(path + (pe,))


def _compare(a, b, schema: Schema, node, path: tuple, changed: set, removed: set) -> None:
    """TypedValue.Compare: paths added or modified (``changed``) and removed from ``a`` to ``b``. Equal subtrees
    cost one comparison: a status write that changes one condition looks at that condition only."""
    if a is _MISSING:
        _all_paths(b, schema, node, path, changed)
        return
    if b is _MISSING:
        _all_paths(a, schema, node, path, removed)
        return
    if a is b or (a == b and type(a) is type(b)):
        return
    if isinstance(a, dict) and isinstance(b, dict) and (a or b) and not schema.atomic(node):
        for k, bv in b.items():
            av = a.get(k, _MISSING)
            if av is bv or (av == bv and type(av) is type(bv)):
                continue
            _compare(av, bv, schema, schema.field(node, k), path + ("f:" + k,), changed, removed)
        for k, av in a.items():
            if k not in b:
                _all_paths(av, schema, schema.field(node, k), path + ("f:" + k,), removed)
        return
    if isinstance(a, list) and isinstance(b, list) and (a or b):
        kind, keys, item_node = _list_kind(schema, node)
        if kind != "atomic":
            ea, eb = _elements(a, kind, keys), _elements(b, kind, keys)
            if ea is not None and eb is not None:
                for pe, bv in eb.items():
                    av = ea.get(pe, _MISSING)
                    if kind == "map":
                        if av is bv or av == bv:
                            continue
                        _compare(av, bv, schema, item_node, path + (pe,), changed, removed)
                    elif av is _MISSING:
                        changed.add(path + (pe,))
                for pe, av in ea.items():
                    if pe not in eb:
                        if kind == "map":
                            _all_paths(av, schema, item_node, path + (pe,), removed)
                        else:
                            removed.add(path + (pe,))
                return
    changed.add(path)


# what a kind's zero value carries (runtime.DefaultUnstructuredConverter of ``&Kind{}``: struct fields and fields
# without ``omitempty``; None: there, but null): a create compares the new object with it, so these are never
# added as a whole (``f:spec`` and ``f:containers`` have no ``.``, a new ``f:labels`` map has)
_ZERO = {"metadata": {}, "spec": {"containers": None, "template": {"metadata": {}, "spec": {"containers": None}},
                                  "strategy": {}, "updateStrategy": {}, "selector": None,
                                  "jobTemplate": {"metadata": {}, "spec": {"template": {
                                      "metadata": {}, "spec": {"containers": None}}}}}}


def _changes(old: dict, new: dict, schema: Schema, status: bool) -> tuple[set, set]:
    changed: set = set()
    removed: set = set()
    a = dict(_top_keys(old, status))
    b = dict(_top_keys(new, status))
    for k in set(a) | set(b):
        # metadata, spec and status are structs: a decoded object always has them, empty or not
        missing = {} if k in _STRUCTS else _MISSING
        _compare(_none_missing(a.get(k, missing)), _none_missing(b.get(k, missing)), schema,
                 schema.field(_ROOT, k), ("f:" + k,), changed, removed)
    return changed, removed


_STRUCTS = frozenset(("metadata", "spec", "status"))


def _none_missing(v):
    return _MISSING if v is None else v


def _zero_compare(zero, new, schema: Schema, node, path: tuple, changed: set) -> None:
    """A create's comparison with the zero value (``zero``: a struct it has, or None for a null field)."""
    if isinstance(new, dict) and new and not schema.atomic(node):
        z = zero if isinstance(zero, dict) else {}
        for k, v in new.items():
            sub, p = schema.field(node, k), path + ("f:" + k,)
            if k in z:
                _zero_compare(z[k], v, schema, sub, p, changed)
            else:
                _all_paths(v, schema, sub, p, changed)
        return
    if isinstance(new, list) and new:
        kind, keys, item_node = _list_kind(schema, node)
        elems = _elements(new, kind, keys) if kind != "atomic" else None
        if elems is not None:
            for pe, item in elems.items():
                if kind == "map" and isinstance(item, dict):
                    _all_paths(item, schema, item_node, path + (pe,), changed)
                else:
                    changed.add(path + (pe,))
            return
    changed.add(path)


def _zero_fs(zero, new, schema: Schema, node) -> dict:
    """``_zero_compare`` built as FieldsV1 directly (a create's entry without path tuples)."""
    if isinstance(new, dict) and new and not schema.atomic(node):
        z = zero if isinstance(zero, dict) else {}
        out = {}
        for k, v in new.items():
            sub = schema.field(node, k)
            out["f:" + k] = _zero_fs(z[k], v, schema, sub) if k in z else _added_fs(v, schema, sub)
        return {k: out[k] for k in sorted(out)}
    if isinstance(new, list) and new:
        kind, keys, item_node = _list_kind(schema, node)
        elems = _elements(new, kind, keys) if kind != "atomic" else None
        if elems is not None:
            out = {pe: _added_fs(item, schema, item_node) if kind == "map" else {} for pe, item in elems.items()}
            return {k: out[k] for k in sorted(out)}
    return {}


def _created_spec_fs(spec, schema: Schema, node) -> dict:
    """``_zero_fs`` of a created object's spec, worked out once per spec key (api/speckey.py: the pods of one
    template share it, their token volume's name put back in the set's keys) and kept as JSON (each call gets
    its own maps: the caller takes the admitted paths out of them)."""
    from minikctl.api.speckey import PLACEHOLDER, spec_key

    masked = _labels_masked(spec)
    # validated just before (Api.create), unchanged since; a workload's spec by its masked copy (a new object)
    found = spec_key(spec, again=True) if masked is spec else spec_key(masked)
    if found is None:
        return _zero_fs(_ZERO["spec"], spec, schema, node)
    key, name = found
    text = schema._created.get(key)
    if text is not None:
        return json.loads(text.replace(PLACEHOLDER, name) if name else text)
    fs = _zero_fs(_ZERO["spec"], spec, schema, node)
    text = _fs_json(fs)
    if len(schema._created) >= 256:
        schema._created.clear()
    # the name is nowhere in the spec but where the key has the placeholder: nowhere else in its set either
    schema._created[key] = text.replace(name, PLACEHOLDER) if name else text
    return fs


# a workload's created spec FieldsV1 kept by its spec with its label values blanked (``_labels_masked``);
# MINIKCTL_NO_SPEC_LABELS_MASKED=1 keys it by the spec itself (tests/unit/test_spec_labels_masked.py compares the two)
LABELS_MASKED = os.environ.get("MINIKCTL_NO_SPEC_LABELS_MASKED", "") in ("", "0")


def _labels_masked(spec):
    """A workload's spec (a Job's, a ReplicaSet's: a pod template and a selector) with the values of its
    selector's ``matchLabels`` and of its template's labels blanked, as ``_created_spec_fs`` keys it; the spec
    itself when it has neither (a pod's) or when one of them is not a map of strings.

    The FieldsV1 of a map of strings names its keys, never its values (``_zero_fs``, ``_added_fs``: a scalar below
    a map is ``{}`` whatever it is), so specs that differ only there have one set. A Job's selector and template
    labels hold its uid and name (pkg/registry/batch/job/strategy.go ``generateSelector``), a ReplicaSet's the
    template's hash: keyed with their values, no two Jobs' specs would share a key (each CronJob run's Job missed
    and its set was worked out again)."""
    if type(spec) is not dict or not LABELS_MASKED:
        return spec
    selector, template = spec.get("selector"), spec.get("template")
    match = selector.get("matchLabels") if type(selector) is dict else None
    tmeta = template.get("metadata") if type(template) is dict else None
    labels = tmeta.get("labels") if type(tmeta) is dict else None
    if match is None and labels is None:
        return spec
    out = dict(spec)
    for m in (match, labels):
        if m is not None and (type(m) is not dict or any(type(v) is not str for v in m.values())):
            return spec
    if match is not None:
        out["selector"] = {**selector, "matchLabels": dict.fromkeys(match, "")}
    if labels is not None:
        out["template"] = {**template, "metadata": {**tmeta, "labels": dict.fromkeys(labels, "")}}
    return out


_fs_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _fs_drop(fs: dict, path: tuple) -> None:
    """Take a path and what is below it out of a FieldsV1 set built for one write (changed in place)."""
    node = fs
    for part in path[:-1]:
        node = node.get(part)
        if node is None:
            return
    node.pop(path[-1], None)


def paths(fs: dict, prefix: tuple = ()) -> set:
    """The paths of a FieldsV1 set (``.`` makes its parent a member)."""
    out: set = set()
    for k, v in fs.items():
        if k == ".":
            if prefix:
                out.add(prefix)
        elif v:
            out |= paths(v, prefix + (k,))
        else:
            out.add(prefix + (k,))
    return out


def from_paths(ps) -> dict:
    """FieldsV1 for a set of paths: a member with members below it gets ``.``; keys in order."""
    root: dict = {}
    for p in ps:
        node = root
        for part in p:
            node = node.setdefault(part, {})
    return _finish(root, (), set(ps))


def _finish(node: dict, prefix: tuple, members: set) -> dict:
    """``from_paths``' tree below ``prefix`` (a module function: a nested one that calls itself is a reference
    cycle, left with what it holds to the cyclic collector at every status write)."""
    out = {}
    if node and prefix in members:
        out["."] = {}
    for k in sorted(node):
        out[k] = _finish(node[k], prefix + (k,), members)
    return out


def get_path(obj, path: tuple):
    cur = obj
    for part in path:
        if part.startswith("f:"):
            if not isinstance(cur, dict) or part[2:] not in cur:
                return _MISSING
            cur = cur[part[2:]]
        elif part.startswith("k:"):
            want = json.loads(part[2:])
            if not isinstance(cur, list):
                return _MISSING
            for item in cur:
                if isinstance(item, dict) and all(item.get(k, KEY_DEFAULTS.get(k)) == v for k, v in want.items()):
                    cur = item
                    break
            else:
                return _MISSING
        elif part.startswith("v:"):
            value = json.loads(part[2:])
            return value if isinstance(cur, list) and value in cur else _MISSING
        else:
            return _MISSING
    return cur


def path_text(path: tuple) -> str:
    """fieldpath.Path.String(): ``.spec.containers[name="nginx"].image``."""
    out = ""
    for part in path:
        if part.startswith("f:"):
            out += "." + part[2:]
        elif part.startswith("k:"):
            key = json.loads(part[2:])
            out += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in key.items()) + "]"
        elif part.startswith("v:"):
            out += f"[={part[2:]}]"
    return out


# ---- entries --------------------------------------------------------------------------------------------------
def _entries(obj: dict) -> list[dict]:
    return [dict(e) for e in ((obj.get("metadata") or {}).get("managedFields") or []) if isinstance(e, dict)]


def _entry(manager: str, operation: str, api_version: str, now: str, ps, subresource: str) -> dict:
    e = {"apiVersion": api_version, "fieldsType": "FieldsV1", "fieldsV1": from_paths(ps), "manager": manager,
         "operation": operation}
    if subresource:
        e["subresource"] = subresource
    e["time"] = now
    return e


def _same_entry(e: dict, manager: str, operation: str, subresource: str) -> bool:
    return e.get("manager") == manager and e.get("operation") == operation and \
        (e.get("subresource") or "") == subresource


def _sorted(entries: list[dict]) -> list[dict]:
    """sortEncodedManagedFields: by operation, time (to the second), manager, apiVersion, subresource."""
    return sorted(entries, key=lambda e: (e.get("operation") or "", e.get("time") or "", e.get("manager") or "",
                                          e.get("apiVersion") or "", e.get("subresource") or ""))


sort_entries = _sorted


def _store(obj: dict, entries: list[dict]) -> None:
    meta = obj.setdefault("metadata", {})
    if entries:
        meta["managedFields"] = _sorted(entries)
    else:
        meta.pop("managedFields", None)


def record_update(res, schema: Schema, old: dict | None, new: dict, manager: str, subresource: str,
                  now: str, admitted=None) -> None:
    """An Update by ``manager`` from ``old`` (None: a create) to ``new``; sets ``new``'s managedFields.

    ``admitted``: paths a create's mutating admission added (a pod's service account volume): the server tracks
    the object as decoded and defaulted, before admission changed it."""
    status = subresource == "status"
    if old is None:
        fs = {}
        for k, v in _top_keys(new, status):
            sub = schema.field(_ROOT, k)
            fs["f:" + k] = _created_spec_fs(v, schema, sub) if k == "spec" else \
                _zero_fs(_ZERO[k], v, schema, sub) if k in _ZERO else _added_fs(v, schema, sub)
        for a in sorted(admitted or (), key=len, reverse=True):
            _fs_drop(fs, a)
        fs = {k: fs[k] for k in sorted(fs) if fs[k] or not isinstance(new.get(k[2:]), dict) or not new[k[2:]]}
        if fs:
            e = _entry(manager, "Update", res.api_version, now, (), subresource)
            e["fieldsV1"] = fs
            _store(new, [e])
        else:
            new.get("metadata", {}).pop("managedFields", None)
        return
    else:
        changed, removed = _changes(old, new, schema, status)
        # fieldmanager.go: managedFields the update sends replace the live ones (the main resource only)
        entries = _entries(new) if not status and (new.get("metadata") or {}).get("managedFields") \
            else _entries(old)
    if not changed and not removed:
        if old is not None:
            _store(new, entries)
        return
    out = []
    mine = None
    gone = changed | removed
    for e in entries:
        ps = paths(e.get("fieldsV1") or {})
        if _same_entry(e, manager, "Update", subresource):
            mine = (e, ps)
            continue
        if ps & gone:
            ps -= gone
            if not ps:
                continue
            e["fieldsV1"] = from_paths(ps)
        out.append(e)
    took = changed - removed
    if took:
        prev = mine[1] - gone if mine else set()
        out.append(_entry(manager, "Update", res.api_version, now, prev | took, subresource))
    elif mine is not None:
        ps = mine[1] - gone
        if ps:
            mine[0]["fieldsV1"] = from_paths(ps)
            out.append(mine[0])
    _store(new, out)


def _has(fs: dict, path: tuple) -> bool:
    node = fs
    for part in path:
        node = node.get(part)
        if node is None:
            return False
    return True


def _touches(fs: dict, path: tuple) -> bool:
    """Whether a FieldsV1 set holds ``path``, something below it, or something it is below."""
    node = fs
    for part in path:
        node = node.get(part)
        if node is None:
            return False
        if not node:
            return True
    return True


def _fs_resort(node: dict) -> None:
    items = sorted(node.items())
    node.clear()
    node.update(items)


def _own(node: dict, part: str, fresh: dict) -> dict:
    """``node[part]`` as a copy ``node`` holds in its place, made once: ``fresh`` (id -> node) holds the nodes
    copied or made during this edit (kept there, so that no id is reused while it is used)."""
    child = node[part]
    if id(child) in fresh:
        return child
    child = node[part] = dict(child)
    fresh[id(child)] = child
    return child


def _fs_add(fs: dict, path: tuple, fresh: dict) -> None:
    """Add a path to a FieldsV1 set edited copy-on-write (``fs`` and the nodes along the path are fresh copies,
    each made once however many paths go through it: ``fresh``; what is off the path is shared, never changed).
    A path the set holds already, as a leaf or a member, leaves it as it is."""
    node = fs
    for part in path:
        node = node.get(part)
        if node is None:
            break
    else:
        if not node or "." in node:
            return
    node = fs
    last = len(path) - 1
    for i, part in enumerate(path):
        child = node.get(part)
        if child is None:
            child = node[part] = {}
            fresh[id(child)] = child
            _fs_resort(node)
        else:
            child = _own(node, part, fresh)
            if not child and i < last:
                child["."] = {}  # a member leaf gets members below it
                _fs_resort(child)
        node = child
    if node and "." not in node:
        node["."] = {}
        _fs_resort(node)


def _fs_remove(fs: dict, path: tuple, fresh: dict) -> None:
    trail = []
    node = fs
    for part in path:
        if part not in node:
            return
        child = _own(node, part, fresh)
        trail.append((node, part))
        node = child
    if node and set(node) != {"."}:
        node.pop(".", None)  # no longer a member itself; what is below stays
        return
    for parent, part in reversed(trail):
        del parent[part]
        if parent is fs or parent:
            if set(parent) == {"."}:
                parent.clear()  # a member left without members below it: a leaf again
            break


def _added_fs(v, schema: Schema, node) -> dict:
    """The FieldsV1 of a subtree that is new as a whole (``_all_paths``, built as the set's JSON directly)."""
    if isinstance(v, dict):
        if not v or schema.atomic(node):
            return {}
        if all(not sub or not isinstance(sub, (dict, list)) for sub in v.values()):
            # only leaves below (a condition, a port): no schema to ask
            return {".": {}, **{"f:" + k: {} for k in sorted(v)}}
        out = {"f:" + k: _added_fs(sub, schema, schema.field(node, k)) for k, sub in v.items()}
    elif isinstance(v, list) and v:
        kind, keys, item_node = _list_kind(schema, node)
        elems = _elements(v, kind, keys) if kind != "atomic" else None
        if elems is None:
            return {}
        out = {pe: _added_fs(item, schema, item_node) if kind == "map" else {} for pe, item in elems.items()}
    else:
        return {}
    out["."] = {}
    return {k: out[k] for k in sorted(out)}


def _changed_fs(a, b, schema: Schema, node):
    """The FieldsV1 of what ``_compare`` finds added or modified from ``a`` to ``b`` (None: nothing)."""
    if a is _MISSING:
        return _added_fs(b, schema, node)
    if a is b or (a == b and type(a) is type(b)):
        return None
    if isinstance(a, dict) and isinstance(b, dict) and (a or b) and not schema.atomic(node):
        out = {}
        for k, bv in b.items():
            sub = _changed_fs(a.get(k, _MISSING), bv, schema, schema.field(node, k))
            if sub is not None:
                out["f:" + k] = sub
        return {k: out[k] for k in sorted(out)} if out else None
    if isinstance(a, list) and isinstance(b, list) and (a or b):
        kind, keys, item_node = _list_kind(schema, node)
        if kind != "atomic":
            ea, eb = _elements(a, kind, keys), _elements(b, kind, keys)
            if ea is not None and eb is not None:
                out = {}
                for pe, bv in eb.items():
                    av = ea.get(pe, _MISSING)
                    if kind == "map":
                        sub = _changed_fs(av, bv, schema, item_node)
                        if sub is not None:
                            out[pe] = sub
                    elif av is _MISSING:
                        out[pe] = {}
                return {k: out[k] for k in sorted(out)} if out else None
    return {}


def record_status(res, schema: Schema, old_status, obj: dict, manager: str, now: str) -> None:
    """A component's status write (subresource ``status``) from ``old_status`` to ``obj``'s status.

    What a status write costs: a comparison of the two statuses (equal subtrees are skipped whole) and, when no
    other manager owns any of the paths it changed or removed, an edit of the component's own entry in place of
    the general update of every entry."""
    new_status = obj.get("status")
    if old_status is new_status:
        return
    meta = obj.setdefault("metadata", {})
    entries = meta.get("managedFields") or []
    if not any(_same_entry(e, manager, "Update", "status") or "f:status" in (e.get("fieldsV1") or {})
               for e in entries):
        # the component's first write, and nobody owns any status: its entry is what it added or modified
        fs = _changed_fs(old_status or {}, new_status or {}, schema, schema.field(_ROOT, "status"))
        if fs:
            mine = _entry(manager, "Update", res.api_version, now, (), "status")
            mine["fieldsV1"] = {"f:status": fs}
            _store(obj, entries + [mine])
        return
    changed: set = set()
    removed: set = set()
    _compare(old_status or {}, new_status or {}, schema, schema.field(_ROOT, "status"), ("f:status",), changed,
             removed)
    if not changed and not removed:
        return
    mine = None
    for e in entries:
        if _same_entry(e, manager, "Update", "status"):
            mine = e
        elif any(_touches(e.get("fieldsV1") or {}, p) for p in changed) or \
                any(_touches(e.get("fieldsV1") or {}, p) for p in removed):
            break
    else:
        if mine is not None and not removed and all(_has(mine.get("fieldsV1") or {}, p) for p in changed):
            # the usual case: the component already owns all it changed; only the time moves
            if mine.get("time") != now:
                _store(obj, [e if e is not mine else {**e, "time": now} for e in entries])
            return
        if mine is None:  # the component's first write: its entry is what it added or modified
            fs = from_paths(changed - removed)
        else:
            fs = dict(mine.get("fieldsV1") or {})
            fresh = {id(fs): fs}
            for p in sorted(removed, key=len, reverse=True):
                _fs_remove(fs, p, fresh)
            for p in sorted(changed - removed, key=len):
                _fs_add(fs, p, fresh)
        out = [e for e in entries if e is not mine]
        if fs:
            took = changed - removed  # the time moves when the write took something (managedFieldsUpdater)
            out.append(_entry(manager, "Update", res.api_version, now if took or mine is None else mine.get("time"),
                              (), "status"))
            out[-1]["fieldsV1"] = fs
        _store(obj, out)
        return
    old = {"metadata": meta, "status": old_status} if old_status is not None else {"metadata": meta}
    record_update(res, schema, old, obj, manager, "status", now)


# ---- apply ----------------------------------------------------------------------------------------------------
def _manager_text(e: dict, api_version: str) -> str:
    """printManager (internal/conflict.go): an updater with its API version, an applier by name (and subresource)."""
    name = json.dumps(e.get("manager", ""))
    if e.get("operation") == "Update":
        return f"{name} using {e.get('apiVersion') or api_version}"
    if e.get("subresource"):
        return f"{name} with subresource {json.dumps(e['subresource'])}"
    return name


class ApplyConflict(E.StatusError):
    """NewConflictError (internal/conflict.go): 409 with one FieldManagerConflict cause per field."""
    reason = "Conflict"
    code = 409

    def __init__(self, conflicts: list[tuple[str, tuple]]) -> None:
        self.conflicts = conflicts
        n = len(conflicts)
        if n == 1:
            who, p = conflicts[0]
            text = f"Apply failed with 1 conflict: conflict with {who}: {path_text(p)}"
        else:
            by: dict[str, list] = {}
            for who, p in conflicts:
                by.setdefault(who, []).append(p)
            lines = []
            for who in sorted(by):
                lines.append(f"conflicts with {who}:")
                lines += [f"- {path_text(p)}" for p in by[who]]
            text = f"Apply failed with {n} conflicts: " + "\n".join(lines)
        super().__init__(text)

    def causes(self) -> list[dict]:
        return [{"reason": "FieldManagerConflict", "message": f"conflict with {who}", "field": path_text(p)}
                for who, p in self.conflicts]


def _remove(obj, path: tuple) -> None:
    if not path:
        return
    parent = get_path(obj, path[:-1]) if len(path) > 1 else obj
    last = path[-1]
    if parent is _MISSING:
        return
    if last.startswith("f:") and isinstance(parent, dict):
        parent.pop(last[2:], None)
    elif last.startswith("k:") and isinstance(parent, list):
        want = json.loads(last[2:])
        parent[:] = [i for i in parent if not (isinstance(i, dict) and all(i.get(k, KEY_DEFAULTS.get(k)) == v
                                                                           for k, v in want.items()))]
    elif last.startswith("v:") and isinstance(parent, list):
        value = json.loads(last[2:])
        parent[:] = [i for i in parent if i != value]


def merge(live, applied, schema: Schema, node=_ROOT):
    """The applied configuration over the live object: maps and associative lists merge, sets union,
    anything else is replaced."""
    if isinstance(live, dict) and isinstance(applied, dict):
        out = dict(live)
        for k, v in applied.items():
            out[k] = merge(live[k], v, schema, schema.field(node, k)) if k in live else copy.deepcopy(v)
        return out
    if isinstance(live, list) and isinstance(applied, list) and isinstance(node, dict):
        kind, keys, item_node = _list_kind(schema, node)
        if kind == "map":
            out = list(live)
            for item in applied:
                ek = _elem_key(item, keys)
                for i, cur in enumerate(out):
                    if ek is not None and _elem_key(cur, keys) == ek:
                        out[i] = merge(cur, item, schema, item_node)
                        break
                else:
                    out.append(copy.deepcopy(item))
            return out
        if kind == "set":
            return list(live) + [copy.deepcopy(i) for i in applied if i not in live]
    return copy.deepcopy(applied)


def _applied_body(applied: dict, status: bool) -> dict:
    body = {k: v for k, v in applied.items() if k not in ("apiVersion", "kind")}
    if "metadata" in body:
        body["metadata"] = {k: v for k, v in (body.get("metadata") or {}).items() if k not in _SKIP_META}
    if status:
        body = {k: v for k, v in body.items() if k in ("metadata", "status")}
    else:
        body.pop("status", None)
    return body


def _conflicts(others, changed: set, api_version: str) -> list[tuple[str, tuple]]:
    out = []
    for e, ps in others:
        hit = ps & changed
        if hit:
            who = _manager_text(e, api_version)
            out += [(who, p) for p in sorted(hit)]
    return out


def apply(res, schema: Schema, live: dict | None, applied: dict, manager: str, force: bool, subresource: str,
          now: str) -> dict:
    """Server-side apply (``FieldManager.Apply``): the object to store with its managedFields, or ApplyConflict."""
    status = subresource == "status"
    applied_ps = applied_paths(applied, schema, status)
    if live is None:
        out = copy.deepcopy(applied)
        _store(out, [_entry(manager, "Apply", res.api_version, now, applied_ps, subresource)] if applied_ps else [])
        return out
    entries = _entries(live)
    previous: set = set()
    mine_entry = None
    others: list[tuple[dict, set]] = []
    for e in entries:
        ps = paths(e.get("fieldsV1") or {})
        if _same_entry(e, manager, "Apply", subresource):
            previous, mine_entry = ps, e
        else:
            others.append((e, ps))
    merged = merge(live, _applied_body(applied, status), schema)
    changed, removed = _changes(live, merged, schema, status)
    conflicts = _conflicts(others, changed, res.api_version)
    if conflicts and not force and manager == "kubectl":
        # lastAppliedManager: kubectl's server-side apply upgrading an object kept by client-side apply may take
        # over the fields of the last-applied-configuration annotation
        allowed = _last_applied_paths(live, schema, status)
        if allowed is not None:
            left = [c for c in conflicts if c[1] not in allowed]
            if left:
                conflicts = left
            else:
                force = True
    if conflicts and not force:
        raise ApplyConflict(conflicts)
    taken = changed | removed
    kept = []
    for e, ps in others:
        if ps & taken:
            ps = ps - taken
            e["fieldsV1"] = from_paths(ps)
        if ps:
            kept.append((e, ps))
    owned_by_others = set().union(*[ps for _, ps in kept]) if kept else set()
    out = merged
    # Updater.prune: what this manager applied before and no longer applies goes, unless someone else owns it
    for p in sorted(previous - applied_ps - owned_by_others, key=len, reverse=True):
        if any(q[:len(p)] == p and len(q) > len(p) for q in applied_ps | owned_by_others):
            continue
        _remove(out, p)
        for i in range(len(p) - 1, 0, -1):  # a map or list left empty by the removal goes too
            prefix = p[:i]
            if prefix[-1].startswith("k:") or any(q[:i] == prefix for q in applied_ps | owned_by_others):
                break
            if get_path(out, prefix) in ({}, []):
                _remove(out, prefix)
            else:
                break
    unchanged = previous == applied_ps and _strip_managed(out) == _strip_managed(live)
    mine = dict(mine_entry) if unchanged and mine_entry else \
        _entry(manager, "Apply", res.api_version, now, applied_ps, subresource)
    new_entries = [e for e, _ in kept] + ([mine] if applied_ps else [])
    out = copy.deepcopy(out)
    _store(out, new_entries)
    annotations = out["metadata"].get("annotations") or {}
    if manager == "kubectl" and LAST_APPLIED in annotations:
        # lastAppliedUpdater: the annotation follows what kubectl applied, for a later client-side apply
        from minikctl.kube.gofmt import json_marshal

        plain = copy.deepcopy(applied)
        (plain.get("metadata") or {}).get("annotations", {}).pop(LAST_APPLIED, None)
        annotations[LAST_APPLIED] = json_marshal(plain) + "\n"
    return out


def _strip_managed(obj: dict) -> dict:
    meta = {k: v for k, v in (obj.get("metadata") or {}).items() if k != "managedFields"}
    return {**obj, "metadata": meta}


def _last_applied_paths(live: dict, schema: Schema, status: bool) -> set | None:
    raw = ((live.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    if not raw:
        return None
    try:
        last = json.loads(raw)
    except ValueError:
        return None
    return applied_paths(last, schema, status) if isinstance(last, dict) else None

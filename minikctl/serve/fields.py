"""managedFields: who owns which field, and server-side apply (``application/apply-patch+yaml``).

Field sets use the apiserver's FieldsV1 shape: ``f:<name>`` for a struct or map field, ``k:{"name":"c"}`` for the
element of an associative list (``x-kubernetes-list-type: map`` or a patch merge key), ``v:<json>`` for the
element of a set, ``.`` for the element itself; list types come from the kind's schema (``schemas/``).

What is implemented (the common case of structured-merge-diff, without its full type system):

* every create/update/patch records an ``Update`` entry for its field manager (the ``fieldManager`` parameter,
  else the User-Agent's product name) owning the fields it changed, taken away from the other managers;
* an apply (``Apply`` entry) owns exactly the fields of the applied configuration; a field another manager owns
  with a different value is a conflict (409, the apiserver's message and causes) unless ``force=true``, which
  takes the field over; fields the manager applied before and leaves out now are removed unless another
  manager owns them; maps and associative lists merge, sets union, atomic lists and scalars are replaced.

Limits: the simulated cluster's own writes (kubelet, controllers) record no entries; no version conversion
(every kind has one version); value comparison is on the decoded JSON.
"""

from __future__ import annotations

import copy
import json

from minikctl.kube import errors as E

_MISSING = object()
_ROOT = object()
_SKIP_META = ("name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
              "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds")


class Schema:
    """The list types along an object, read from its OpenAPI definitions."""

    def __init__(self, defs: dict, root: str) -> None:
        self.defs = defs
        self.root = defs.get(root)

    def resolve(self, node):
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
        node = self.resolve(node)
        if node is None:
            return None
        props = node.get("properties")
        if props and key in props:
            return props[key]
        ap = node.get("additionalProperties")
        return ap if isinstance(ap, dict) else None

    def list_info(self, node) -> tuple[str, list[str]]:
        """("map", keys) | ("set", []) | ("atomic", [])."""
        if not isinstance(node, dict):
            return "atomic", []
        lt = node.get("x-kubernetes-list-type")
        if lt == "map":
            return "map", list(node.get("x-kubernetes-list-map-keys") or [])
        if lt == "set":
            return "set", []
        mk = node.get("x-kubernetes-patch-merge-key")
        if lt is None and mk and "merge" in (node.get("x-kubernetes-patch-strategy") or ""):
            return "map", [mk]
        return "atomic", []

    def items(self, node):
        node = self.resolve(node) if isinstance(node, dict) and "$ref" in node else node
        return node.get("items") if isinstance(node, dict) else None


def schema_for(res) -> Schema:
    from minikctl.serve.openapi import list_types

    info = list_types(res)
    return Schema(info["defs"], info["root"])


def _key_json(value) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


# defaults of associative-list keys (the schemas' ``default`` for them: a port's protocol), so that an applied
# ``{containerPort: 80}`` is the live ``{containerPort: 80, protocol: TCP}``
KEY_DEFAULTS = {"protocol": "TCP"}


def _elem_key(item, keys: list[str]) -> str | None:
    if not isinstance(item, dict):
        return None
    k = {key: item[key] if key in item else KEY_DEFAULTS[key] for key in keys
         if key in item or key in KEY_DEFAULTS}
    return "k:" + _key_json(k) if k else None


def field_set(obj, schema: Schema, node=_ROOT, top: bool = True, status: bool = False) -> dict:
    """The FieldsV1 set of the fields present in ``obj``."""
    if isinstance(obj, dict):
        out: dict = {}
        for k, v in obj.items():
            if top and k in ("apiVersion", "kind"):
                continue
            if top and k == "status" and not status:
                continue
            if top and k != "status" and k != "metadata" and status:
                continue
            sub = schema.field(schema.root if node is _ROOT else node, k)
            if top and k == "metadata":
                v = {mk: mv for mk, mv in (v or {}).items() if mk not in _SKIP_META}
                if not v:
                    continue
            out["f:" + k] = field_set(v, schema, sub, False)
        return out
    if isinstance(obj, list):
        real = node if isinstance(node, dict) else None
        kind, keys = schema.list_info(schema.resolve(real) if real is not None else None)
        if kind == "atomic" and real is not None:
            kind, keys = schema.list_info(real)
        item_node = schema.items(schema.resolve(real)) if real is not None else None
        out = {}
        if kind == "map":
            for item in obj:
                ek = _elem_key(item, keys)
                if ek is None:
                    return {}
                out[ek] = {".": {}, **field_set(item, schema, item_node, False)}
            return out
        if kind == "set":
            for item in obj:
                out["v:" + _key_json(item)] = {}
            return out
        return {}
    return {}


def paths(fs: dict, prefix: tuple = ()) -> set[tuple]:
    out: set[tuple] = set()
    for k, v in fs.items():
        if v:
            out |= paths(v, prefix + (k,))
        else:
            out.add(prefix + (k,))
    return out


def from_paths(ps) -> dict:
    root: dict = {}
    for p in sorted(ps):
        node = root
        for part in p:
            node = node.setdefault(part, {})
    return root


def get_path(obj, path: tuple):
    cur = obj
    for part in path:
        if part == ".":
            return cur
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


def _same(a, b) -> bool:
    if a is _MISSING or b is _MISSING:
        return a is b
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b or str(a) == str(b)


def path_text(path: tuple) -> str:
    """fieldpath.Path.String(): ``.spec.containers[name="nginx"].image``."""
    out = ""
    for part in path:
        if part == ".":
            continue
        if part.startswith("f:"):
            out += "." + part[2:]
        elif part.startswith("k:"):
            key = json.loads(part[2:])
            out += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in key.items()) + "]"
        elif part.startswith("v:"):
            out += f"[={part[2:]}]"
    return out


def _entries(obj: dict) -> list[dict]:
    return [dict(e) for e in ((obj.get("metadata") or {}).get("managedFields") or []) if isinstance(e, dict)]


def _entry(manager: str, operation: str, api_version: str, now: str, ps, subresource: str) -> dict:
    e = {"manager": manager, "operation": operation, "apiVersion": api_version, "time": now,
         "fieldsType": "FieldsV1", "fieldsV1": from_paths(ps)}
    if subresource:
        e["subresource"] = subresource
    return e


def _same_entry(e: dict, manager: str, operation: str, subresource: str) -> bool:
    return e.get("manager") == manager and e.get("operation") == operation and \
        (e.get("subresource") or "") == subresource


def record_update(res, schema: Schema, old: dict | None, new: dict, manager: str, subresource: str, now: str,
                  sent: dict | None = None) -> None:
    """An Update by ``manager``: it owns what it changed (on create: the fields it sent, not what defaulting and
    admission added, such as the service account's volume); the others lose it."""
    status = subresource == "status"
    new_ps = paths(field_set(new, schema, status=status))
    if old is None:
        if sent is not None:
            new_ps = paths(field_set(sent, schema, status=status))
        changed = new_ps
        entries: list[dict] = []
    else:
        entries = _entries(old) if not (new.get("metadata") or {}).get("managedFields") else _entries(new)
        old_ps = paths(field_set(old, schema, status=status))
        changed = {p for p in new_ps | old_ps if not _same(get_path(old, p), get_path(new, p))}
    out = []
    mine = set()
    for e in entries:
        ps = paths(e.get("fieldsV1") or {})
        if _same_entry(e, manager, "Update", subresource):
            mine = ps
            continue
        if changed and ps & changed:
            ps -= changed
            e["fieldsV1"] = from_paths(ps)
        if ps:
            out.append(e)
    mine = (mine | (changed & new_ps)) & new_ps if old is not None else new_ps
    if mine:
        out.append(_entry(manager, "Update", res.api_version, now, mine, subresource))
    new.setdefault("metadata", {})["managedFields"] = out
    if not out:
        del new["metadata"]["managedFields"]


class ApplyConflict(E.StatusError):
    reason = "Conflict"
    code = 409

    def __init__(self, conflicts: list[tuple[str, str, tuple]]) -> None:
        self.conflicts = conflicts
        n = len(conflicts)
        if n == 1:
            mgr, av, p = conflicts[0]
            text = f'conflict with "{mgr}" using {av}: {path_text(p)}'
        else:
            by: dict[str, list] = {}
            for mgr, av, p in conflicts:
                by.setdefault(f"{mgr}", []).append(p)
            text = "conflicts with"
            if len(by) == 1:
                for mgr, ps in by.items():
                    text += f' "{mgr}"' + "".join(f"\n- {path_text(p)}" for p in ps)
            else:
                for mgr, ps in by.items():
                    text += f'\n"{mgr}":' + "".join(f"\n- {path_text(p)}" for p in ps)
        super().__init__(f"Apply failed with {n} conflict{'s' if n > 1 else ''}: {text}")

    def causes(self) -> list[dict]:
        return [{"reason": "FieldManagerConflict", "message": f'conflict with "{mgr}" using {av}',
                 "field": path_text(p)} for mgr, av, p in self.conflicts]


def _remove(obj, path: tuple) -> None:
    if not path:
        return
    if path[-1] == ".":
        parent_path, last = path[:-2], path[-2]
    else:
        parent_path, last = path[:-1], path[-1]
    parent = get_path(obj, parent_path) if parent_path else obj
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
            sub = schema.field(schema.root if node is _ROOT else node, k)
            out[k] = merge(live[k], v, schema, sub) if k in live else copy.deepcopy(v)
        return out
    if isinstance(live, list) and isinstance(applied, list) and isinstance(node, dict):
        kind, keys = schema.list_info(schema.resolve(node))
        if kind == "atomic":
            kind, keys = schema.list_info(node)
        item_node = schema.items(schema.resolve(node))
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


def apply(res, schema: Schema, live: dict | None, applied: dict, manager: str, force: bool, subresource: str,
          now: str) -> dict:
    """Server-side apply: the object to store (with its managedFields), or ApplyConflict."""
    status = subresource == "status"
    applied_ps = paths(field_set(applied, schema, status=status))
    if live is None:
        out = copy.deepcopy(applied)
        out.setdefault("metadata", {})["managedFields"] = [_entry(manager, "Apply", res.api_version, now, applied_ps,
                                                                  subresource)]
        return out
    entries = _entries(live)
    conflicts = []
    previous: set = set()
    others: list[tuple[dict, set]] = []
    for e in entries:
        ps = paths(e.get("fieldsV1") or {})
        if _same_entry(e, manager, "Apply", subresource):
            previous = ps
            continue
        others.append((e, ps))
        if (e.get("subresource") or "") != subresource:
            continue
        for p in sorted(ps & applied_ps):
            if p[-1] == ".":
                continue
            if not _same(get_path(applied, p), get_path(live, p)):
                conflicts.append((e.get("manager", ""), e.get("apiVersion", res.api_version), p))
    if conflicts and not force and manager == "kubectl":
        # lastAppliedManager: kubectl's server-side apply upgrades an object kept by client-side apply; conflicts
        # on fields of the last-applied-configuration annotation do not count
        allowed = _last_applied_paths(live, schema, status)
        if allowed is not None:
            conflicts = [c for c in conflicts if c[2] not in allowed] or []
            if not conflicts:
                force = True
                conflicts = [c for c in _conflicts_all(entries, manager, subresource, applied, applied_ps, live, res)]
    if conflicts and not force:
        raise ApplyConflict(conflicts)
    taken = {p for _, _, p in conflicts}
    out = copy.deepcopy(live)
    owned_by_others = set().union(*[ps for _, ps in others]) if others else set()
    for p in sorted(previous - applied_ps - owned_by_others, key=len, reverse=True):
        _remove(out, p)
        # a map or list left empty by the removal goes too (unless someone still owns it)
        for i in range(len(p) - 1, 0, -1):
            prefix = p[:i]
            if prefix[-1] == "." or any(q[:i] == prefix for q in applied_ps | owned_by_others):
                break
            if get_path(out, prefix) in ({}, []):
                _remove(out, prefix)
            else:
                break
    body = {k: v for k, v in applied.items() if k not in ("apiVersion", "kind")}
    meta = {k: v for k, v in (body.get("metadata") or {}).items() if k not in _SKIP_META}
    if "metadata" in body:
        body["metadata"] = meta
    if not status:
        body.pop("status", None)
    out = merge(out, body, schema)
    new_entries = []
    for e, ps in others:
        if taken and ps & taken:
            ps = ps - taken
            e["fieldsV1"] = from_paths(ps)
        if ps:
            new_entries.append(e)
    new_entries.append(_entry(manager, "Apply", res.api_version, now, applied_ps, subresource))
    out["metadata"]["managedFields"] = new_entries
    annotations = out["metadata"].get("annotations") or {}
    if manager == "kubectl" and LAST_APPLIED in annotations:
        # lastAppliedUpdater: the annotation follows what kubectl applied, for a later client-side apply
        from minikctl.printers.serialize import to_compact_json

        plain = copy.deepcopy(applied)
        (plain.get("metadata") or {}).get("annotations", {}).pop(LAST_APPLIED, None)
        annotations[LAST_APPLIED] = to_compact_json(plain) + "\n"
    return out


LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _last_applied_paths(live: dict, schema: Schema, status: bool) -> set | None:
    raw = ((live.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    if not raw:
        return None
    try:
        last = json.loads(raw)
    except ValueError:
        return None
    return paths(field_set(last, schema, status=status)) if isinstance(last, dict) else None


def _conflicts_all(entries, manager, subresource, applied, applied_ps, live, res) -> list:
    """Every conflict of the apply (taken over when forced)."""
    out = []
    for e in entries:
        if _same_entry(e, manager, "Apply", subresource) or (e.get("subresource") or "") != subresource:
            continue
        for p in sorted(paths(e.get("fieldsV1") or {}) & applied_ps):
            if p[-1] != "." and not _same(get_path(applied, p), get_path(live, p)):
                out.append((e.get("manager", ""), e.get("apiVersion", res.api_version), p))
    return out

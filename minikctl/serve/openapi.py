"""OpenAPI v2 (``/openapi/v2``) and v3 (``/openapi/v3``, ``/openapi/v3/<api/v1|apis/g/v>``) documents built from
the JSON Schemas in ``schemas/`` (the 1.32 definitions of the kinds minikctl stores, without descriptions).

What kubectl reads in them: the PATCH operation of each kind carries ``x-kubernetes-group-version-kind`` and
the ``fieldValidation`` parameter, so ``kubectl apply/create --validate=strict`` lets the server validate
(``QueryParamVerifierV3``) instead of validating on the client; ``components.schemas`` carry the
``x-kubernetes-patch-*`` markers that ``kubectl apply`` computes its strategic merge patches from, and the
fields ``kubectl explain`` lists. Kinds served without a bundled schema (Node, Event, ControllerRevision)
get an open object schema (``x-kubernetes-preserve-unknown-fields``) with typed metadata.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from minikctl.kube.kinds import RESOURCES

VERSION = "v1.32.4"
_PACKAGES = {"": "core", "apps": "apps", "batch": "batch", "coordination.k8s.io": "coordination",
             "autoscaling": "autoscaling", "policy": "policy"}
META = "io.k8s.apimachinery.pkg.apis.meta.v1."
_lock = threading.Lock()
_cache: dict = {}


def _schema_dirs() -> list[Path]:
    here = Path(__file__).resolve().parent.parent  # minikctl/
    return [here / "schemas", here.parent / "schemas"]


def def_name(group: str, version: str, kind: str) -> str:
    return f"io.k8s.api.{_PACKAGES.get(group, group.split('.')[0])}.{version}.{kind}"


def _convert(node, ref_prefix: str):
    """JSON Schema (draft 2020-12, as schemas/ holds it) -> an OpenAPI schema object."""
    if isinstance(node, list):
        return [_convert(v, ref_prefix) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict = {}
    for k, v in node.items():
        if k in ("$schema", "$id", "$defs", "x-go-type"):
            continue
        if k == "additionalProperties" and v is False:
            continue
        if k == "$ref" and isinstance(v, str):
            out[k] = ref_prefix + v.rsplit("/", 1)[-1]
            continue
        if k == "type" and isinstance(v, list):
            types = [t for t in v if t != "null"]
            if set(types) == {"string", "integer"}:
                out.update({"type": "string", "format": "int-or-string", "x-kubernetes-int-or-string": True})
            elif set(types) == {"string", "number"}:
                out["type"] = "string"  # resource.Quantity
            elif types:
                out["type"] = types[0]
            continue
        if k in ("properties", "patternProperties"):
            out[k] = {name: _convert(sub, ref_prefix) for name, sub in v.items()}
            continue
        out[k] = _convert(v, ref_prefix)
    return out


def _load(ref_prefix: str) -> dict[str, dict]:
    """Every definition: the kinds of schemas/ and what they reach, keyed by the upstream definition name."""
    defs: dict[str, dict] = {}
    seen = set()
    for d in _schema_dirs():
        if not d.is_dir():
            continue
        for f in sorted(d.glob("*.json")):
            if f.name in seen:
                continue
            seen.add(f.name)
            raw = json.loads(f.read_text())
            for name, sub in (raw.get("$defs") or {}).items():
                defs.setdefault(name, _convert(sub, ref_prefix))
            for gvk in raw.get("x-kubernetes-group-version-kind") or []:
                defs[def_name(gvk["group"], gvk["version"], gvk["kind"])] = _convert(raw, ref_prefix)
    meta = ref_prefix + META + "ObjectMeta"
    for res in RESOURCES:
        name = def_name(res.group, res.version, res.kind)
        if name not in defs:  # no bundled schema: typed metadata, anything else
            defs[name] = {"type": "object", "x-kubernetes-preserve-unknown-fields": True,
                          "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                         "metadata": {"$ref": meta}}}
        defs[name]["x-kubernetes-group-version-kind"] = [{"group": res.group, "kind": res.kind,
                                                          "version": res.version}]
        defs[name + "List"] = {
            "type": "object", "required": ["items"],
            "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                           "items": {"type": "array", "items": {"$ref": ref_prefix + name}},
                           "metadata": {"$ref": ref_prefix + META + "ListMeta"}},
            "x-kubernetes-group-version-kind": [{"group": res.group, "kind": res.kind + "List",
                                                 "version": res.version}]}
    defs.setdefault(META + "ListMeta", {"type": "object", "properties": {
        "continue": {"type": "string"}, "remainingItemCount": {"type": "integer", "format": "int64"},
        "resourceVersion": {"type": "string"}, "selfLink": {"type": "string"}}})
    defs.setdefault(META + "Status", {"type": "object", "properties": {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "code": {"type": "integer", "format": "int32"},
        "details": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        "message": {"type": "string"}, "metadata": {"$ref": ref_prefix + META + "ListMeta"},
        "reason": {"type": "string"}, "status": {"type": "string"}},
        "x-kubernetes-group-version-kind": [{"group": "", "kind": "Status", "version": "v1"}]})
    defs.setdefault(META + "Patch", {"type": "object"})
    defs.setdefault(META + "DeleteOptions", {"type": "object", "properties": {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"},
        "dryRun": {"type": "array", "items": {"type": "string"}},
        "gracePeriodSeconds": {"type": "integer", "format": "int64"},
        "preconditions": {"type": "object", "properties": {"resourceVersion": {"type": "string"},
                                                           "uid": {"type": "string"}}},
        "propagationPolicy": {"type": "string"}}})
    defs.setdefault("io.k8s.api.autoscaling.v1.Scale", {"type": "object", "properties": {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"$ref": ref_prefix + META + "ObjectMeta"},
        "spec": {"type": "object", "properties": {"replicas": {"type": "integer", "format": "int32"}}},
        "status": {"type": "object", "properties": {"replicas": {"type": "integer", "format": "int32"},
                                                    "selector": {"type": "string"}}}},
        "x-kubernetes-group-version-kind": [{"group": "autoscaling", "kind": "Scale", "version": "v1"}]})
    return defs


def _reachable(defs: dict[str, dict], roots: list[str], ref_prefix: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in out or name not in defs:
            continue
        out[name] = defs[name]
        stack = [defs[name]]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith(ref_prefix):
                    todo.append(ref[len(ref_prefix):])
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return dict(sorted(out.items()))


# ---- paths --------------------------------------------------------------------------------------------
_COMMON_QUERY = {
    "dryRun": "When present, indicates that modifications should not be persisted. Valid values: All",
    "fieldManager": "fieldManager is a name associated with the actor or entity that is making these changes.",
    "fieldValidation": "fieldValidation instructs the server on how to handle objects in the request containing "
                       "unknown or duplicate fields. Valid values are: Ignore, Warn (the default), Strict.",
}
_LIST_QUERY = ("allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion",
               "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch")
_BOOL = ("allowWatchBookmarks", "sendInitialEvents", "watch", "force")
_INT = ("limit", "timeoutSeconds", "gracePeriodSeconds")


def _param(name: str, v3: bool, where: str = "query", required: bool = False) -> dict:
    t = "boolean" if name in _BOOL else "integer" if name in _INT else "string"
    p: dict = {"name": name, "in": where, "description": _COMMON_QUERY.get(name, name)}
    if required or where == "path":
        p["required"] = True
    if v3:
        p["schema"] = {"type": t, "uniqueItems": True}
    else:
        p["type"] = t
        p["uniqueItems"] = True
    return p


def _op(action: str, op_id: str, gvk: dict, ref: str, v3: bool, params: tuple[str, ...], body: bool = False,
        patch: bool = False, code: str = "200") -> dict:
    op: dict = {"description": f"{action} {gvk['kind']}", "operationId": op_id,
                "tags": [gvk["group"].split(".")[0] + "_" + gvk["version"] if gvk["group"] else "core_v1"]}
    op["parameters"] = [_param(p, v3) for p in params]
    if v3:
        if body:
            types = (["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json",
                      "application/strategic-merge-patch+json"] if patch else ["*/*"])
            op["requestBody"] = {"content": {t: {"schema": {"$ref": ref if not patch else
                                                            "#/components/schemas/" + META + "Patch"}}
                                             for t in types}, "required": True}
        op["responses"] = {code: {"description": "OK", "content": {
            t: {"schema": {"$ref": ref}} for t in ("application/json", "application/yaml",
                                                   "application/vnd.kubernetes.protobuf")}},
            "401": {"description": "Unauthorized"}}
    else:
        if body:
            op["parameters"].insert(0, {"name": "body", "in": "body", "required": True, "schema": {"$ref": ref}})
        op["responses"] = {code: {"description": "OK", "schema": {"$ref": ref}}, "401": {"description": "Unauthorized"}}
        if patch:
            op["consumes"] = ["application/json-patch+json", "application/merge-patch+json",
                              "application/strategic-merge-patch+json", "application/apply-patch+yaml"]
    op["x-kubernetes-action"] = action
    op["x-kubernetes-group-version-kind"] = gvk
    return op


def _paths(group: str, version: str, v3: bool) -> dict:
    prefix = f"/apis/{group}/{version}" if group else f"/api/{version}"
    refp = "#/components/schemas/" if v3 else "#/definitions/"
    tag = (group.split(".")[0] + version[:1].upper() + version[1:]) if group else "CoreV1"
    paths: dict = {}
    writes = ("dryRun", "fieldManager", "fieldValidation")
    for res in [r for r in RESOURCES if r.group == group and r.version == version]:
        gvk = {"group": group, "kind": res.kind, "version": version}
        ref = refp + def_name(group, version, res.kind)
        ns = "Namespaced" if res.namespaced else ""
        base = f"{prefix}/namespaces/{{namespace}}/{res.plural}" if res.namespaced else f"{prefix}/{res.plural}"
        scope = [_param("namespace", v3, "path")] if res.namespaced else []
        k = res.kind
        paths[base] = {
            "get": _op("list", f"list{tag}{ns}{k}", gvk, ref + "List", v3, _LIST_QUERY),
            "post": _op("post", f"create{tag}{ns}{k}", gvk, ref, v3, writes, body=True, code="201"),
            "delete": _op("deletecollection", f"deleteCollection{tag}{ns}{k}", gvk, refp + META + "Status", v3,
                          ("dryRun", "gracePeriodSeconds", "propagationPolicy") + _LIST_QUERY),
            "parameters": scope + [_param("pretty", v3)],
        }
        item = {
            "get": _op("get", f"read{tag}{ns}{k}", gvk, ref, v3, ()),
            "put": _op("put", f"replace{tag}{ns}{k}", gvk, ref, v3, writes, body=True),
            "patch": _op("patch", f"patch{tag}{ns}{k}", gvk, ref, v3, writes + ("force",), body=True, patch=True),
            "delete": _op("delete", f"delete{tag}{ns}{k}", gvk, ref, v3,
                          ("dryRun", "gracePeriodSeconds", "propagationPolicy")),
            "parameters": [_param("name", v3, "path")] + scope + [_param("pretty", v3)],
        }
        paths[base + "/{name}"] = item
        if res.namespaced:
            paths[f"{prefix}/{res.plural}"] = {"get": _op("list", f"list{tag}{k}ForAllNamespaces", gvk, ref + "List",
                                                          v3, _LIST_QUERY), "parameters": [_param("pretty", v3)]}
        for sub in ("status", "scale"):
            if sub not in res.subresources:
                continue
            sref = ref if sub == "status" else refp + "io.k8s.api.autoscaling.v1.Scale"
            sgvk = gvk if sub == "status" else {"group": "autoscaling", "kind": "Scale", "version": "v1"}
            cap = sub.capitalize()
            paths[f"{base}/{{name}}/{sub}"] = {
                "get": _op("get", f"read{tag}{ns}{k}{cap}", sgvk, sref, v3, ()),
                "put": _op("put", f"replace{tag}{ns}{k}{cap}", sgvk, sref, v3, writes, body=True),
                "patch": _op("patch", f"patch{tag}{ns}{k}{cap}", sgvk, sref, v3, writes + ("force",), body=True,
                             patch=True),
                "parameters": [_param("name", v3, "path")] + scope + [_param("pretty", v3)],
            }
    return dict(sorted(paths.items()))


def _gv_key(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


def _encode(doc: dict) -> bytes:
    return json.dumps(doc, separators=(",", ":"), sort_keys=False).encode()


def v3_document(path: str) -> bytes | None:
    """The OpenAPI v3 document of one group version (``api/v1``, ``apis/apps/v1``); None: not served."""
    with _lock:
        if "v3" not in _cache:
            _build_v3()
        return _cache["v3"].get(path.strip("/"))


def v3_root() -> bytes:
    with _lock:
        if "v3" not in _cache:
            _build_v3()
        return _cache["v3root"]


def _build_v3() -> None:
    from minikctl.serve.discovery import group_versions

    prefix = "#/components/schemas/"
    defs = _load(prefix)
    docs: dict[str, bytes] = {}
    root: dict = {"paths": {}}
    for group, version in group_versions():
        roots = [n for n in defs if any((g["group"], g["version"]) == (group, version)
                                        for g in defs[n].get("x-kubernetes-group-version-kind") or [])]
        roots += [META + "Status", META + "Patch", META + "DeleteOptions", "io.k8s.api.autoscaling.v1.Scale"]
        doc = {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": VERSION},
               "paths": _paths(group, version, True),
               "components": {"schemas": _reachable(defs, roots, prefix)}}
        body = _encode(doc)
        key = _gv_key(group, version)
        docs[key] = body
        digest = hashlib.sha512(body).hexdigest().upper()
        root["paths"][key] = {"serverRelativeURL": f"/openapi/v3/{key}?hash={digest}"}
    _cache["v3"] = docs
    _cache["v3root"] = _encode(root)


def v2_document() -> bytes:
    with _lock:
        if "v2" not in _cache:
            from minikctl.serve.discovery import group_versions

            prefix = "#/definitions/"
            defs = _load(prefix)
            paths: dict = {}
            for group, version in group_versions():
                paths.update(_paths(group, version, False))
            doc = {"swagger": "2.0", "info": {"title": "Kubernetes", "version": VERSION},
                   "paths": dict(sorted(paths.items())), "definitions": dict(sorted(defs.items()))}
            _cache["v2"] = _encode(doc)
        return _cache["v2"]

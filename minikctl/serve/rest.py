"""The verbs over one resource, as kube-apiserver's generic REST handlers (``staging/src/k8s.io/apiserver/pkg/
endpoints/handlers``) call them: every one runs in one store transaction through ``State.run`` and the same
``Api`` the command line uses (admission, the registry's strategies, the change log).

Each handler takes the request and its route and returns a ``Reply`` (or raises a ``StatusError``, which the
server turns into the apiserver's ``Status`` body).
"""

from __future__ import annotations

import base64
import copy
import json

from minikctl.kube import errors as E
from minikctl.kube.kinds import Resource

TYPE_CHECKING = False
if TYPE_CHECKING:
    from minikctl.serve.routing import Request, Route
    from minikctl.serve.state import State

MAX_BODY = 3 * 1024 * 1024


class Reply:
    """A response: a JSON body (dict) or raw bytes, a status code, headers."""

    def __init__(self, code: int, body, content_type: str = "application/json", headers: list | None = None) -> None:
        self.code, self.body, self.content_type = code, body, content_type
        self.headers = headers or []


class MethodNotAllowed(E.StatusError):
    reason = "MethodNotAllowed"
    code = 405

    def __init__(self) -> None:
        super().__init__("the server does not allow this method on the requested resource")


class NotFoundPath(E.StatusError):
    reason = "NotFound"
    code = 404

    def __init__(self) -> None:
        super().__init__("the server could not find the requested resource")


class Expired(E.StatusError):
    reason = "Expired"
    code = 410


class UnsupportedMediaType(E.StatusError):
    reason = "UnsupportedMediaType"
    code = 415


class NotAcceptable(E.StatusError):
    reason = "NotAcceptable"
    code = 406


class TooLarge(E.StatusError):
    reason = "RequestEntityTooLarge"
    code = 413


class Invalid422(E.StatusError):
    reason = "Invalid"
    code = 422


# ---- request reading ------------------------------------------------------------------------------------------
def q(req: "Request", name: str, default: str | None = None) -> str | None:
    values = req.query.get(name)
    return values[-1] if values else default


def q_bool(req: "Request", name: str) -> bool:
    v = q(req, name)
    if v is None:
        return False
    v = v.lower()
    if v in ("", "1", "true", "t"):
        return v != ""
    if v in ("0", "false", "f"):
        return False
    raise E.BadRequest(f'invalid boolean value "{v}" for "{name}"')


def q_int(req: "Request", name: str) -> int | None:
    v = q(req, name)
    if v is None or v == "":
        return None
    try:
        return int(v)
    except ValueError:
        raise E.BadRequest(f'invalid value "{v}" for "{name}": strconv.ParseInt: parsing "{v}": invalid syntax') \
            from None


def dry_run(req: "Request") -> bool:
    values = req.query.get("dryRun") or []
    for v in values:
        if v != "All":
            raise Invalid422(f'Unsupported value: "{v}": supported values: "All"')
    return bool(values)


def field_validation(req: "Request") -> str:
    v = q(req, "fieldValidation")
    if v is None or v == "":
        return "warn"
    mode = {"Strict": "strict", "Warn": "warn", "Ignore": "ignore"}.get(v)
    if mode is None:
        raise E.BadRequest(f'fieldValidation parameter unsupported: "{v}". Supported values: "Ignore", "Warn", '
                           '"Strict"')
    return mode


def field_manager(req: "Request") -> str:
    m = q(req, "fieldManager")
    if m:
        if len(m) > 128:
            raise Invalid422("fieldManager: Too long: may not be more than 128 bytes")
        return m
    ua = req.headers.get("User-Agent") or ""
    return ua.split("/", 1)[0][:128] or "unknown"


def decode_body(req: "Request", *, yaml_ok: bool = True) -> object:
    """The request body as JSON (or YAML with a YAML content type): the apiserver's decoding errors as 400."""
    ctype = (req.headers.get("Content-Type") or "application/json").split(";")[0].strip().lower()
    text = req.body.decode("utf-8", errors="replace")
    if ctype in ("application/yaml", "application/apply-patch+yaml") and yaml_ok:
        from minikctl.api.manifests import parse_value

        try:
            return parse_value(text)
        except E.ClientError as e:
            raise E.BadRequest(f"error decoding YAML: {e.message}") from None
    if ctype == "application/vnd.kubernetes.protobuf" and yaml_ok:
        from minikctl.serve import protobuf

        return protobuf.decode(req.body)
    if ctype not in ("application/json", "*/*", "") and not ctype.endswith("+json"):
        raise UnsupportedMediaType('the body of the request was in an unknown format - accepted media types '
                                   'include: application/json, application/yaml, application/vnd.kubernetes.protobuf')
    if not text.strip():
        raise E.BadRequest("the body of the request was empty")
    try:
        value = json.loads(text, parse_constant=_reject)
    except (ValueError, RecursionError) as e:
        raise E.BadRequest(f"couldn't get version/kind; json parse error: {_json_error(e)}") from None
    from minikctl.api.manifests import _normalize_json_numbers

    return _normalize_json_numbers(value)


def _reject(name: str):
    raise ValueError(f"invalid character '{name[:1]}' looking for beginning of value")


def _json_error(e: Exception) -> str:
    if isinstance(e, json.JSONDecodeError):
        return f"{e.msg} (offset {e.pos})"
    return str(e) or type(e).__name__


def body_object(req: "Request", res: Resource, route: "Route") -> dict:
    obj = decode_body(req)
    if not isinstance(obj, dict):
        raise E.BadRequest(f"couldn't get version/kind; json parse error: json: cannot unmarshal "
                           f"{_go_json_type(obj)} into Go value of type struct {{ APIVersion string "
                           f'"json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }}')
    # a typed endpoint decodes with its own kind and version as the defaults (the body may leave them out)
    kind, version = obj.get("kind") or res.kind, obj.get("apiVersion")
    if version and version != res.api_version:
        raise E.BadRequest(f"the API version in the data ({version}) does not match the expected API version "
                           f"({res.api_version})")
    if kind != res.kind:
        raise E.BadRequest(f'{kind} in version "{res.version}" cannot be handled as a {res.kind}: no kind "{kind}" '
                           f'is registered for version "{res.api_version}"')
    obj = {"apiVersion": res.api_version, "kind": kind,
           **{k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}}
    meta = obj.get("metadata")
    if meta is not None and not isinstance(meta, dict):
        raise E.BadRequest(f'{res.kind} in version "{res.version}" cannot be handled as a {res.kind}: json: cannot '
                           f'unmarshal {_go_json_type(meta)} into Go struct field {res.kind}.metadata of type '
                           'v1.ObjectMeta')
    meta = obj.setdefault("metadata", {})
    if res.namespaced and route.namespace is not None:
        own = meta.get("namespace")
        if own and own != route.namespace:
            raise E.BadRequest("the namespace of the provided object does not match the namespace sent on the "
                               "request")
        meta["namespace"] = route.namespace
    return obj


def _go_json_type(v) -> str:
    if isinstance(v, list):
        return "array"
    if isinstance(v, str):
        return "string"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    return "null" if v is None else "object"


def _short(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace")
    return text if len(text) <= 200 else text[:200] + "..."


# ---- shared pieces ------------------------------------------------------------------------------------------
def list_kind(res: Resource) -> dict:
    return {"kind": res.kind + "List", "apiVersion": res.api_version}


def _bare(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}


def find(api, res: Resource, ns: str | None, name: str) -> dict:
    obj = api.find(res, ns or "", name)
    if obj is None:
        raise E.NotFound(res.qualified, name)
    return obj


def warn_headers(api) -> list:
    out = []
    for w in api.warnings:
        text = w[len("Warning: "):] if w.startswith("Warning: ") else w
        out.append(("Warning", '299 - "' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'))
    return out


def selectors(res: Resource, label: str, field: str):
    from minikctl.api import registry
    from minikctl.kube import selectors as S

    try:
        lsel = S.LabelSelector.parse(label) if label else None
        fsel = S.FieldSelector.parse(field, registry.strategy(res).FIELDS) if field else None
    except E.StatusError as e:
        raise E.BadRequest(e.message) from None
    except ValueError as e:
        raise E.BadRequest(str(e)) from None
    return lsel, fsel


def matches(lsel, fsel, obj: dict) -> bool:
    if lsel is not None and not lsel.matches((obj.get("metadata") or {}).get("labels") or {}):
        return False
    return fsel is None or fsel.matches(obj)


def accept_kind(req: "Request") -> str:
    """What the client asked the object as: "Table", "PartialObjectMetadata", "PartialObjectMetadataList" or ""."""
    accept = req.headers.get("Accept") or ""
    for part in accept.split(","):
        params = {}
        mt, *rest = [p.strip() for p in part.split(";")]
        for p in rest:
            k, _, v = p.partition("=")
            params[k.strip()] = v.strip()
        if mt not in ("application/json", "*/*", "application/*"):
            continue
        as_ = params.get("as")
        if not as_:
            return ""
        if params.get("g") == "meta.k8s.io" and as_ in ("Table", "PartialObjectMetadata",
                                                         "PartialObjectMetadataList"):
            return as_
    if accept and all(p.split(";")[0].strip() not in ("application/json", "*/*", "application/*", "")
                      for p in accept.split(",")):
        raise NotAcceptable("only the following media types are accepted: application/json, application/yaml")
    return ""


def render_one(req: "Request", res: Resource, obj: dict, now_ms: int) -> dict:
    want = accept_kind(req)
    if want == "Table":
        from minikctl.serve import tables

        return tables.table(res, [obj], now_ms, q(req, "includeObject", "Metadata") or "Metadata",
                            {"resourceVersion": (obj.get("metadata") or {}).get("resourceVersion", "")})
    if want.startswith("PartialObjectMetadata"):
        from minikctl.serve.tables import partial_metadata

        return partial_metadata(obj)
    return obj


# ---- continue tokens ------------------------------------------------------------------------------------------
def encode_continue(rv: int, key: str) -> str:
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": key + "\u0000"}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_continue(token: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        d = json.loads(raw)
        if d.get("v") != "meta.k8s.io/v1":
            raise ValueError("unexpected version")
        return int(d["rv"]), str(d["start"])
    except (ValueError, KeyError, TypeError) as e:
        raise E.BadRequest(f"continue key is not valid: {e}") from None


def _key(obj: dict) -> str:
    meta = obj.get("metadata") or {}
    return f"{meta.get('namespace', '')}/{meta.get('name', '')}"


# ---- the verbs ------------------------------------------------------------------------------------------------
def list_objects(state: "State", req: "Request", route: "Route") -> Reply:
    res = route.res
    lsel, fsel = selectors(res, q(req, "labelSelector", "") or "", q(req, "fieldSelector", "") or "")
    limit = q_int(req, "limit") or 0
    token = q(req, "continue") or ""
    want = accept_kind(req)

    def fn(cluster):
        api = cluster.api
        tx = api.tx
        rv = tx.revision()
        start = ""
        if token:
            tok_rv, start = decode_continue(token)
            oldest = int(tx.meta("changes:oldest", "0") or 0)
            if tok_rv < oldest:
                raise Expired("The provided continue parameter is too old to display a consistent list result. You "
                              "can start a new list without the continue parameter, or use the continue token in "
                              "this response to retrieve the remainder of the results.")
            rv = tok_rv
        ns = route.namespace if res.namespaced else None
        if not want and lsel is None and fsel is None and res.kind != "Event":
            return _raw_list(tx, res, ns, start, limit, rv)
        include = q(req, "includeObject", "Metadata") or "Metadata"
        fields: tuple = ()
        if want == "Table" and include != "Object":
            from minikctl.api import registry

            row_fields = registry.strategy(res).ROW_FIELDS
            if row_fields and res.kind != "Event":  # the row's fields and metadata, projected inside SQLite
                fields = tuple(f"metadata.{m}" for m in _TABLE_META) + tuple(
                    f for f in row_fields if not f.startswith("metadata."))
        objs = api.list(res, ns, fields=fields)
        if fields:
            objs = [_no_nulls(o) for o in objs]
        objs = [o for o in objs if matches(lsel, fsel, o)]
        if start:
            objs = [o for o in objs if _key(o) + "\u0000" > start]
        meta: dict = {"resourceVersion": str(rv)}
        if limit > 0 and len(objs) > limit:
            rest = len(objs) - limit
            objs = objs[:limit]
            meta["continue"] = encode_continue(rv, _key(objs[-1]))
            meta["remainingItemCount"] = rest
        if want == "Table":
            from minikctl.serve import tables

            return tables.table(res, objs, api.now_ms, q(req, "includeObject", "Metadata") or "Metadata", meta)
        if want.startswith("PartialObjectMetadata"):
            from minikctl.serve.tables import partial_metadata

            return {"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
                    "items": [partial_metadata(o) for o in objs]}
        return {**list_kind(res), "metadata": meta, "items": [_bare(o) for o in objs]}

    return Reply(200, state.run(fn, write=False))


# the metadata a table's rows carry (PartialObjectMetadata, managedFields left out: kubectl reads names, namespaces
# and labels from it)
_TABLE_META = ("name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
               "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences",
               "finalizers")


def _no_nulls(obj: dict) -> dict:
    """A projected object (missing fields come back as null) as the object would be."""
    out = {k: v for k, v in obj.items() if v is not None}
    if isinstance(out.get("metadata"), dict):
        out["metadata"] = {k: v for k, v in out["metadata"].items() if v is not None}
    return out


_PREFIXES: dict[str, tuple[bytes, ...]] = {}


class RawJSON(bytes):
    """A response body already encoded (a list spliced from the stored bodies)."""


def _raw_list(tx, res: Resource, ns: str | None, start: str, limit: int, rv: int) -> "RawJSON":
    """A plain list without selectors: the stored JSON of each object spliced into the list as it is (no decoding
    and encoding of every object), less the items' apiVersion and kind, as the apiserver lists them."""
    tx.flush_objects()
    if ns is None:
        rows = tx.conn.execute("SELECT namespace, name, body FROM objects WHERE kind=? ORDER BY namespace, name",
                               (res.kind,))
    else:
        rows = tx.conn.execute("SELECT namespace, name, body FROM objects WHERE kind=? AND namespace=? ORDER BY name",
                               (res.kind, ns))
    prefixes = _PREFIXES.get(res.kind)
    if prefixes is None:
        av, kind = json.dumps(res.api_version), json.dumps(res.kind)
        prefixes = _PREFIXES[res.kind] = (f'{{"apiVersion":{av},"kind":{kind},'.encode(),
                                          f'{{"kind":{kind},"apiVersion":{av},'.encode(),
                                          f',"kind":{kind},"apiVersion":{av}}}'.encode(),
                                          f',"apiVersion":{av},"kind":{kind}}}'.encode())
    items: list[bytes] = []
    last = ""
    more = 0
    for namespace, name, body in rows:
        key = f"{namespace}/{name}"
        if start and key + "\u0000" <= start:
            continue
        if limit > 0 and len(items) >= limit:
            more += 1
            continue
        raw = body.encode()
        if raw.startswith(prefixes[0]) or raw.startswith(prefixes[1]):
            raw = b"{" + raw[len(prefixes[0]):]
        elif raw.endswith(prefixes[2]) or raw.endswith(prefixes[3]):
            raw = raw[:-len(prefixes[2])] + b"}"
        else:
            raw = json.dumps(_bare(json.loads(body)), separators=(",", ":"), ensure_ascii=False).encode()
        items.append(raw)
        last = key
    meta: dict = {"resourceVersion": str(rv)}
    if more:
        meta["continue"] = encode_continue(rv, last)
        meta["remainingItemCount"] = more
    head = json.dumps({**list_kind(res), "metadata": meta}, separators=(",", ":"))[:-1].encode()
    return RawJSON(head + b',"items":[' + b",".join(items) + b"]}")


def get_object(state: "State", req: "Request", route: "Route") -> Reply:
    res = route.res

    def fn(cluster):
        return render_one(req, res, find(cluster.api, res, route.namespace, route.name), cluster.now_ms)

    return Reply(200, state.run(fn, write=False))


def create(state: "State", req: "Request", route: "Route") -> Reply:
    res = route.res
    if not res.writable:
        raise MethodNotAllowed()
    obj = body_object(req, res, route)
    dry = dry_run(req)
    manager = field_manager(req)

    def fn(cluster):
        api = cluster.api
        api.field_manager = manager
        created = api.create(obj, dry_run=dry)
        return created, warn_headers(api)

    created, headers = state.run(fn, validate=field_validation(req))
    return Reply(201, created, headers=headers)


def update(state: "State", req: "Request", route: "Route") -> Reply:
    res = route.res
    if not res.updatable:
        raise MethodNotAllowed()
    if route.sub == "scale":
        return scale(state, req, route)
    obj = body_object(req, res, route)
    name = obj["metadata"].get("name")
    if name and name != route.name:
        raise E.BadRequest(f"the name of the object ({name}) does not match the name on the URL ({route.name})")
    obj["metadata"]["name"] = route.name
    dry = dry_run(req)
    manager = field_manager(req)

    def fn(cluster):
        api = cluster.api
        live = find(api, res, route.namespace, route.name)
        api.field_manager = manager
        stored, _ = api.update(live, obj, dry_run=dry, verb="replacing", subresource=route.sub or "")
        return stored, warn_headers(api)

    stored, headers = state.run(fn, validate=field_validation(req))
    return Reply(200, stored, headers=headers)


PATCH_TYPES = {"application/json-patch+json": "json", "application/merge-patch+json": "merge",
               "application/strategic-merge-patch+json": "strategic", "application/apply-patch+yaml": "apply"}


def patch_type(req: "Request") -> str:
    ctype = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    t = PATCH_TYPES.get(ctype)
    if t is None:
        raise UnsupportedMediaType("the body of the request was in an unknown format - accepted media types include: "
                                   + ", ".join(PATCH_TYPES))
    return t


def apply_patch(obj: dict, body, ptype: str, kind: str) -> dict:
    from minikctl.api import patching

    try:
        if ptype == "json":
            if not isinstance(body, list):
                raise E.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
            return patching.json_patch(obj, body)
        if not isinstance(body, dict):
            raise E.BadRequest(f"json: cannot unmarshal {_go_json_type(body)} into Go value of type "
                               "map[string]interface {}")
        if ptype == "merge":
            return patching.merge_patch(obj, body)
        return patching.strategic_merge_patch(obj, body, kind=kind)
    except patching.JSONPatchError as e:
        raise Invalid422(e.message[7:] if e.message.startswith("error: ") else e.message) from None
    except patching.PatchError as e:
        raise E.BadRequest(e.message[7:] if e.message.startswith("error: ") else e.message) from None


def patch(state: "State", req: "Request", route: "Route") -> Reply:
    res = route.res
    if not res.updatable:
        raise MethodNotAllowed()
    ptype = patch_type(req)
    if route.sub == "scale":
        return scale(state, req, route)
    if ptype == "apply":
        return server_side_apply(state, req, route)
    body = decode_body(req, yaml_ok=False)
    dry = dry_run(req)
    manager = field_manager(req)

    def fn(cluster):
        api = cluster.api
        live = find(api, res, route.namespace, route.name)
        new = apply_patch(live, body, ptype, res.kind)
        if not isinstance(new, dict):
            raise E.BadRequest("the patched object is not an object")
        from minikctl.api.patching import check_patched

        check_patched(res.kind, new, body, ptype)
        new_meta = new.get("metadata") or {}
        if new_meta.get("name") != route.name or (res.namespaced and new_meta.get("namespace") != route.namespace):
            raise E.BadRequest("the name of the object or its namespace may not be changed by a patch")
        api.field_manager = manager
        stored, _ = api.update(live, new, dry_run=dry, verb="patching", subresource=route.sub or "")
        return stored, warn_headers(api)

    stored, headers = state.run(fn, validate=field_validation(req))
    return Reply(200, stored, headers=headers)


def server_side_apply(state: "State", req: "Request", route: "Route") -> Reply:
    res = route.res
    if not q(req, "fieldManager"):
        raise Invalid422("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for "
                         "apply patch")
    manager = field_manager(req)
    force = q_bool(req, "force")
    applied = body_object(req, res, route)
    name = applied["metadata"].get("name")
    if name and name != route.name:
        raise E.BadRequest(f"the name of the object ({name}) does not match the name on the URL ({route.name})")
    applied["metadata"]["name"] = route.name
    dry = dry_run(req)

    def fn(cluster):
        api = cluster.api
        obj, created = api.apply(res, route.namespace or "", route.name, applied, manager=manager, force=force,
                                 dry_run=dry, subresource=route.sub or "")
        return 201 if created else 200, obj, warn_headers(api)

    code, obj, headers = state.run(fn, validate=field_validation(req) if q(req, "fieldValidation") else "strict")
    return Reply(code, obj, headers=headers)


def _delete_options(req: "Request") -> dict:
    opts: dict = {}
    if req.body.strip():
        body = decode_body(req, yaml_ok=True)
        if not isinstance(body, dict):
            raise E.BadRequest("couldn't get version/kind; json parse error: json: cannot unmarshal "
                               f"{_go_json_type(body)} into Go value of type struct")
        opts.update(body)
    grace = q_int(req, "gracePeriodSeconds")
    if grace is not None:
        opts["gracePeriodSeconds"] = grace
    for name in ("propagationPolicy",):
        if q(req, name):
            opts[name] = q(req, name)
    if q(req, "orphanDependents"):
        opts["orphanDependents"] = q_bool(req, "orphanDependents")
    if req.query.get("dryRun"):
        opts["dryRun"] = req.query["dryRun"]
    for v in opts.get("dryRun") or []:
        if v != "All":
            raise Invalid422(f'Unsupported value: "{v}": supported values: "All"')
    return opts


def _propagation(opts: dict) -> str | None:
    prop = opts.get("propagationPolicy")
    orphan = opts.get("orphanDependents")
    if prop and orphan is not None:
        raise Invalid422('DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "' + str(prop)
                         + '": orphanDependents and deletionPropagation cannot be both set')
    if orphan is True:
        return "Orphan"
    return prop


def _check_preconditions(res: Resource, obj: dict, opts: dict) -> None:
    pre = opts.get("preconditions") or {}
    meta = obj.get("metadata") or {}
    if pre.get("uid") and pre["uid"] != meta.get("uid"):
        raise E.Conflict(res.qualified, meta.get("name", ""),
                         f"Precondition failed: UID in precondition: {pre['uid']}, UID in object meta: {meta.get('uid')}")
    if pre.get("resourceVersion") and pre["resourceVersion"] != meta.get("resourceVersion"):
        raise E.Conflict(res.qualified, meta.get("name", ""),
                         f"Precondition failed: ResourceVersion in precondition: {pre['resourceVersion']}, "
                         f"ResourceVersion in object meta: {meta.get('resourceVersion')}")


def _success(res: Resource, obj: dict, code: int = 200) -> dict:
    meta = obj.get("metadata") or {}
    details: dict = {"name": meta.get("name", "")}
    if res.group:
        details["group"] = res.group
    details["kind"] = res.plural
    details["uid"] = meta.get("uid", "")
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}


def delete(state: "State", req: "Request", route: "Route") -> Reply:
    res = route.res
    if not res.writable and res.kind != "Namespace" and res.kind != "Node":
        raise MethodNotAllowed()
    opts = _delete_options(req)
    prop = _propagation(opts)
    grace = opts.get("gracePeriodSeconds")

    def fn(cluster):
        api = cluster.api
        live = find(api, res, route.namespace, route.name)
        _check_preconditions(res, live, opts)
        left = api.delete(copy.deepcopy(live), grace=grace, dry_run=bool(opts.get("dryRun")), propagation=prop)
        if left is not None:
            code = 202 if prop == "Foreground" else 200
            return code, left
        return 200, live if res.kind == "Pod" else _success(res, live)

    code, body = state.run(fn)
    return Reply(code, body)


def delete_collection(state: "State", req: "Request", route: "Route") -> Reply:
    res = route.res
    if "deletecollection" not in res.verbs.split(",") or not res.writable:
        raise MethodNotAllowed()
    lsel, fsel = selectors(res, q(req, "labelSelector", "") or "", q(req, "fieldSelector", "") or "")
    opts = _delete_options(req)
    prop = _propagation(opts)

    def fn(cluster):
        api = cluster.api
        out = []
        for obj in api.list(res, route.namespace if res.namespaced else None):
            if not matches(lsel, fsel, obj):
                continue
            left = api.delete(copy.deepcopy(obj), grace=opts.get("gracePeriodSeconds"),
                              dry_run=bool(opts.get("dryRun")), propagation=prop)
            out.append(_bare(left if left is not None else obj))
        return {**list_kind(res), "metadata": {"resourceVersion": str(api.tx.revision())}, "items": out}

    return Reply(200, state.run(fn))


# ---- subresources ---------------------------------------------------------------------------------------------
def scale_of(obj: dict) -> dict:
    from minikctl.kube.selectors import selector_string

    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    try:
        sel = selector_string(spec.get("selector"))
    except E.StatusError:
        sel = ""
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                         if k in meta},
            "spec": {"replicas": spec.get("replicas", 0)},
            "status": {"replicas": (obj.get("status") or {}).get("replicas", 0), "selector": sel}}


def scale(state: "State", req: "Request", route: "Route") -> Reply:
    res = route.res
    if req.method == "GET":
        return Reply(200, state.run(lambda cluster: scale_of(find(cluster.api, res, route.namespace, route.name)),
                                    write=False))
    dry = dry_run(req)
    manager = field_manager(req)
    if req.method == "PUT":
        body = decode_body(req)
        ptype = None
    else:
        ptype = patch_type(req)
        body = decode_body(req, yaml_ok=ptype == "apply")

    def fn(cluster):
        api = cluster.api
        live = find(api, res, route.namespace, route.name)
        current = scale_of(live)
        if ptype is None:
            new_scale = body
        elif ptype == "apply":
            new_scale = {**current, "spec": {**current["spec"], **((body or {}).get("spec") or {})}}
        else:
            new_scale = apply_patch(current, body, ptype, "Scale")
        if not isinstance(new_scale, dict):
            raise E.BadRequest("the body of the request was not a Scale")
        replicas = (new_scale.get("spec") or {}).get("replicas", 0)
        if not isinstance(replicas, int) or isinstance(replicas, bool):
            raise E.BadRequest(f'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal '
                               f'{_go_json_type(replicas)} into Go struct field ScaleSpec.spec.replicas of type int32')
        if replicas < 0:
            raise E.Invalid("Scale.autoscaling", route.name or "",
                            [E.invalid("spec.replicas", replicas, "must be greater than or equal to 0")])
        rv = (new_scale.get("metadata") or {}).get("resourceVersion")
        if rv and rv != live["metadata"].get("resourceVersion"):
            raise E.Conflict(res.qualified, route.name or "")
        new = copy.deepcopy(live)
        new.setdefault("spec", {})["replicas"] = replicas
        api.field_manager = manager
        stored, _ = api.update(live, new, dry_run=dry, verb="patching", subresource="scale")
        return scale_of(stored)

    return Reply(200, state.run(fn))


def binding(state: "State", req: "Request", route: "Route") -> Reply:
    from minikctl.api.registry import pod as pod_strategy

    body = decode_body(req)
    if not isinstance(body, dict) or not isinstance(body.get("target"), dict):
        raise E.BadRequest("a Binding with a target is required")
    node = body["target"].get("name") or ""
    if not node:
        raise Invalid422('Binding "' + str(route.name) + '" is invalid: target.name: Required value')

    def fn(cluster):
        api = cluster.api
        pod = find(api, route.res, route.namespace, route.name)
        if pod["metadata"].get("deletionTimestamp"):
            raise E.Conflict("pods/binding", route.name or "", f"pod {route.name} is being deleted, cannot be "
                             f"assigned to a host")
        if not dry_run(req):
            with api.writing():
                pod_strategy.bind(api, pod, node)
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}

    return Reply(201, state.run(fn))


def eviction(state: "State", req: "Request", route: "Route") -> Reply:
    body = decode_body(req)
    if not isinstance(body, dict):
        raise E.BadRequest("an Eviction is required")
    name = (body.get("metadata") or {}).get("name")
    if name and name != route.name:
        raise E.BadRequest("name in URL does not match name in Eviction object")
    opts = body.get("deleteOptions") or {}

    def fn(cluster):
        api = cluster.api
        pod = find(api, route.res, route.namespace, route.name)
        _check_preconditions(route.res, pod, opts)
        api.delete(copy.deepcopy(pod), grace=opts.get("gracePeriodSeconds"),
                   dry_run=bool(opts.get("dryRun") or req.query.get("dryRun")),
                   propagation=opts.get("propagationPolicy"))
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}

    return Reply(201, state.run(fn))


def finalize(state: "State", req: "Request", route: "Route") -> Reply:
    obj = body_object(req, route.res, route)

    def fn(cluster):
        api = cluster.api
        live = find(api, route.res, None, route.name)
        new = copy.deepcopy(live)
        new.setdefault("spec", {})["finalizers"] = list((obj.get("spec") or {}).get("finalizers") or [])
        if new == live or dry_run(req):
            return live
        return api.write_status(new)

    return Reply(200, state.run(fn))

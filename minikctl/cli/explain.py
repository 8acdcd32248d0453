"""minikctl explain: the fields of a kind, from the same OpenAPI v3 documents `minikctl serve` serves.

kubectl 1.32 explains from the server's OpenAPI v3 document with a Go template
(kubectl/pkg/explain/v2/templates/plaintext.tmpl, helper functions in funcs.go; the command in
kubectl/pkg/cmd/explain/explain.go). This module follows that template step by step over the documents built by
serve/openapi.py, so `minikctl explain X` prints what `kubectl explain X` prints against `minikctl serve`. The
bundled 1.32 schemas carry no descriptions: every description reads `<empty>` / `<no description>`, as kubectl
shows them for this server.
"""

from __future__ import annotations

from minikctl.cli.spec import Arg, Opt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NO_RESOURCE = ('You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list '
               "of supported resources.")


class _Throw(Exception):
    """The template's `throw`: what was written so far stays written, the message is the error."""


def _resolve_ref(ref: Any, doc: dict) -> dict | None:
    """funcs.go resolveRef: a `#/a/b` fragment looked up in the document; None for anything else."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    cur: Any = doc
    for key in ref[1:].split("/"):
        if not key:
            continue
        nxt = cur.get(key) if isinstance(cur, dict) else None
        if not isinstance(nxt, dict):
            return None
        cur = nxt
    return cur


def _indent(amount: int, text: str) -> str:
    pad = " " * amount
    return pad + text.replace("\n", "\n" + pad)


def _wrap(limit: int, text: str) -> str:
    """funcs.go wrap: line breaks removed, then greedy word wrapping at ``limit`` columns (kubectl's
    term.NewWordWrapWriter); a word longer than the limit stands alone on its line."""
    text = text.replace("\n", "")
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def _map_value(schema: dict, key: str) -> dict | None:
    """A non-boolean additionalProperties (or items): the template's `and .x (not (eq "bool" ...))`."""
    value = schema.get(key)
    return value if isinstance(value, dict) and value else None


def _go(value: Any) -> str:
    """A JSON value as Go's template prints it (enum elements)."""
    if value == "":
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def type_guess(schema: dict, doc: dict) -> str:
    if _map_value(schema, "items"):
        return "[]" + type_guess(schema["items"], doc)
    if _map_value(schema, "additionalProperties"):
        return "map[string]" + type_guess(schema["additionalProperties"], doc)
    if schema.get("allOf") and not schema.get("properties") and len(schema["allOf"]) == 1:
        return type_guess(schema["allOf"][0], doc)
    if schema.get("$ref"):
        ref = schema["$ref"]
        target = _resolve_ref(ref, doc)
        if not target or not target.get("type") or target.get("type") == "object":
            name = ref.split("/")[-1]
            return name.split(".")[-1] or "Object"
        return target["type"]
    if schema.get("type") == "object":
        return "Object"
    return schema.get("type") or "Object"


def _enum(schema: dict, long_view: bool, limit: int, indent: int = 0) -> str:
    values = schema.get("enum")
    if not values:
        return ""
    out = "ENUM:" if long_view else "\n" + " " * indent + "enum: "
    for i, value in enumerate(values):
        if limit > -1 and i >= limit:
            out += ", ...."
            break
        if i > 0 and not long_view:
            out += ", "
        elif long_view:
            out += "\n    "
        out += _go(value)
    return out


def _description(schema: dict, doc: dict) -> str:
    s = _resolve_ref(schema.get("$ref"), doc) or schema
    out = ""
    if s.get("description"):
        out += s["description"] + "\n"
    for sub in s.get("allOf") or []:
        out += _description(sub, doc)
    if s.get("items"):
        out += _description(s["items"], doc)
    if _map_value(s, "additionalProperties"):
        out += _description(s["additionalProperties"], doc)
    return out


def _external_docs(schema: dict, indent: int = 0, first: str = "") -> str:
    docs = schema.get("externalDocs")
    if not docs:
        return ""
    out = _indent(indent, "EXTERNAL DOCS:") + "\n"
    if docs.get("description"):
        out += _indent(indent + 4, _wrap(76 - indent, docs["description"])) + "\n"
    if docs.get("url"):
        out += _indent(indent + 4, "URL: " + docs["url"]) + "\n"
    return out


def _field_detail(name: str, schema: dict, short: bool, level: int, doc: dict) -> str:
    indent = level * 2
    field = schema["properties"][name]
    out = _indent(indent, name) + "\t<" + type_guess(field, doc) + ">"
    if name in (schema.get("required") or []):
        out += " -required-"
    out += _enum(field, False, 4, indent) + "\n"
    if not short:
        out += _indent(indent + 2, _wrap(78 - indent, field.get("description") or "<no description>")) + "\n"
        if field.get("externalDocs"):
            out += "\n" + _external_docs(field, indent + 2)
        out += "\n"
    return out


def _field_list(schema: dict, level: int, history: dict, recursive: bool, doc: dict) -> str:
    ref = schema.get("$ref") or ""
    if ref and history.get(ref):
        return ""
    history = {**history, ref: 1}
    resolved = _resolve_ref(ref, doc) or schema
    out = ""
    for name in sorted(resolved.get("properties") or {}):
        out += _field_detail(name, resolved, recursive, level, doc)
        if recursive:
            out += _field_list(resolved["properties"][name], level + 1, history, recursive, doc)
    for sub in resolved.get("allOf") or []:
        out += _field_list(sub, level, history, recursive, doc)
    if resolved.get("items"):
        out += _field_list(resolved["items"], level, history, recursive, doc)
    if _map_value(resolved, "additionalProperties"):
        out += _field_list(resolved["additionalProperties"], level, history, recursive, doc)
    return out


def _output(schema: dict, path: list[str], history: dict, recursive: bool, doc: dict) -> str:
    ref = schema.get("$ref") or ""
    next_history = {**history, ref: 1}
    resolved = _resolve_ref(ref, doc) or schema
    if not path:
        out = "DESCRIPTION:\n" + _indent(4, _wrap(76, _description(resolved, doc) or "<empty>")) + "\n"
        docs = _external_docs(resolved)
        if docs:
            out += "\n" + docs
        fields = _field_list(resolved, 1, {}, recursive, doc)
        if fields:
            out += "FIELDS:\n" + fields
        return out
    if ref and history.get(ref):
        return ""  # a cycle
    props = resolved.get("properties") or {}
    if path[0] in props:
        sub = props[path[0]]
        out = ""
        if len(path) == 1:
            out = f"FIELD: {path[0]} <{type_guess(sub, doc)}>\n" + _enum(sub, True, -1) + "\n\n"
        return out + _output(sub, path[1:], {}, recursive, doc)
    if resolved.get("items"):
        return _output(resolved["items"], path, next_history, recursive, doc)
    if _map_value(resolved, "additionalProperties"):
        return _output(resolved["additionalProperties"], path, next_history, recursive, doc)
    for sub in resolved.get("allOf") or []:
        found = _output(sub, path, next_history, recursive, doc)
        if found:
            return found
    return ""


def render(doc: dict, group: str, version: str, resource: str, path: list[str], recursive: bool,
           write) -> None:
    """plaintext.tmpl over one group version's document; ``write`` gets the text as the template writes it."""
    prefix = f"/apis/{group}" if group else "/api"
    searches = [f"{prefix}/{version}/{resource}", f"{prefix}/{version}/{resource}/{{name}}",
                f"{prefix}/{version}/namespaces/{{namespace}}/{resource}",
                f"{prefix}/{version}/namespaces/{{namespace}}/{resource}/{{name}}"]
    gvk = None
    for search in searches:
        element = (doc.get("paths") or {}).get(search)
        if not element:
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            gvk = (element.get(method) or {}).get("x-kubernetes-group-version-kind") or gvk
            if gvk:
                break
    if not gvk:
        raise _Throw(f"error: GVR ({group}/{version}, Resource={resource}) not found in OpenAPI schema")
    header = ""
    if gvk.get("group"):
        header += f"GROUP:      {gvk['group']}\n"
    header += f"KIND:       {gvk['kind']}\nVERSION:    {gvk['version']}\n\n"
    write(header)
    schemas = (doc.get("components") or {}).get("schemas") or {}
    for name in sorted(schemas):
        if gvk in (schemas[name].get("x-kubernetes-group-version-kind") or []):
            text = _output(schemas[name], path, {}, recursive, doc)
            if not text:
                raise _Throw(f'error: field "{path[-1]}" does not exist')
            write(text + "\n")
            return
    raise _Throw(f"error: GVK {_gvk_string(gvk)} not found in OpenAPI schema")


def _gvk_string(gvk: dict) -> str:
    return "map[" + " ".join(f"{k}:{gvk[k]}" for k in sorted(gvk)) + "]"


def _split(arg: str, api_version: str | None):
    """explain.go's SplitAndParseResourceRequestWithMatchingPrefix: the longest dotted prefix that names a resource
    (`deployments.apps`), the rest is the field path. (resource, group, version, fields)."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import resolve

    parts = arg.split(".")
    for i in range(len(parts), 0, -1):
        name, group = parts[0], ".".join(parts[1:i])
        try:
            res = resolve(name)
        except ClientError:
            break
        if group and res.group != group and not res.group.startswith(group + "."):
            continue
        fields = parts[i:]
        if api_version:
            g, _, v = api_version.rpartition("/")
            return res.plural, g, v, fields
        version = res.api_version.rpartition("/")[2]
        return res.plural, res.group, version, fields
    raise ClientError(f'the server doesn\'t have a resource type "{parts[0]}"', plain=True)


def explain(
    args: list[str] | None = Arg(None, help="TYPE[.FIELD...]"),
    recursive: bool = Opt(False, "--recursive", help="When true, print the name of all the fields recursively. "
                          "Otherwise, print the available fields with their description."),
    api_version: str | None = Opt(None, "--api-version", help="Use given api-version (group/version) of the "
                                  "resource."),
    output: str = Opt("plaintext", "--output", "-o", help="Format in which to render the schema. Valid values "
                      "are: (plaintext)."),
) -> None:
    """Get documentation for a resource."""
    import json
    import sys

    from minikctl.kube.errors import ClientError
    from minikctl.serve.openapi import v3_document

    args = args or []
    if not args:
        raise ClientError(NO_RESOURCE)
    if len(args) > 1:
        raise ClientError("We accept only this format: explain RESOURCE")
    if output == "plaintext-openapiv2":
        raise ClientError("--output plaintext-openapiv2 is not available: minikctl explains from the OpenAPI v3 "
                          "documents only")
    if output != "plaintext":
        raise ClientError(f"unrecognized format: {output}")
    resource, group, version, fields = _split(args[0], api_version)
    if any(c in f for f in fields for c in "[]{}*"):  # the field path is read as a JSONPath of plain field names
        raise ClientError("invalid jsonpath syntax, first node must be field node")
    body = v3_document(f"apis/{group}/{version}" if group else f"api/{version}")
    if body is None:
        raise ClientError(f'couldn\'t find resource for "{group}/{version}, Resource={resource}"')
    doc = json.loads(body)
    try:
        render(doc, group, version, resource, fields, recursive, sys.stdout.write)
    except _Throw as e:
        raise ClientError(str(e)) from None


COMMANDS = {"explain": explain}

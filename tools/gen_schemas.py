"""Generate ``schemas/*.json`` (JSON Schema draft 2020-12) for the kinds minikctl stores.

Source: the OpenAPI-derived JSON schemas for Kubernetes v1.32 ("local-strict"
flavour: ``additionalProperties: false`` on every struct) that the
``kubernetes-validate`` package on PyPI ships. That package is only needed to
regenerate; it is never a runtime dependency.

Regenerate::

    .venv/bin/pip download --no-deps kubernetes-validate -d /tmp/kv
    .venv/bin/python tools/gen_schemas.py /tmp/kv/kubernetes_validate-*.whl

(The argument may also be an unpacked ``.../kubernetes-json-schema/v1.32.0-local-strict``
directory.) Output goes to ``schemas/`` next to this ``tools/`` directory.

What the generator does to the upstream schemas:

* keeps only the definitions each kind reaches, as a self-contained ``$defs``
  (all ``$ref`` rewritten to ``#/$defs/<name>``), plus ``x-go-type`` on every
  definition (the Go type name, e.g. ``v1.Container``) for decode-error wording;
* strips ``description`` texts;
* keeps ``enum``, ``format``, ``required`` and the ``x-kubernetes-*`` list/patch
  markers;
* turns the ``oneOf`` of int-or-string and Quantity into a plain type list, so
  that ``null`` (which the Go decoder accepts) does not match both branches.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

VERSION_DIR = "v1.32.0-local-strict"

# output file -> upstream top-level file
KINDS = {
    "pod-v1.json": "pod-v1.json",
    "namespace-v1.json": "namespace-v1.json",
    "deployment-apps-v1.json": "deployment-apps-v1.json",
    "replicaset-apps-v1.json": "replicaset-apps-v1.json",
    "statefulset-apps-v1.json": "statefulset-apps-v1.json",
    "daemonset-apps-v1.json": "daemonset-apps-v1.json",
    "job-batch-v1.json": "job-batch-v1.json",
    "cronjob-batch-v1.json": "cronjob-batch-v1.json",
    "configmap-v1.json": "configmap-v1.json",
    "secret-v1.json": "secret-v1.json",
    "serviceaccount-v1.json": "serviceaccount-v1.json",
    "service-v1.json": "service-v1.json",
    "endpoints-v1.json": "endpoints-v1.json",
    "lease-coordination-v1.json": "lease-coordination-v1.json",
    "controllerrevision-apps-v1.json": "controllerrevision-apps-v1.json",
    "endpointslice-discovery-v1.json": "endpointslice-discovery-v1.json",
}

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
DROP_KEYS = {"description"}


class Source:
    def __init__(self, arg: str) -> None:
        self.path = Path(arg)
        self.zip = zipfile.ZipFile(self.path) if self.path.is_file() else None
        self.prefix = ""
        if self.zip is not None:
            for name in self.zip.namelist():
                if f"/{VERSION_DIR}/_definitions.json" in name:
                    self.prefix = name[: -len("_definitions.json")]
                    break
            else:
                raise SystemExit(f"{arg}: no {VERSION_DIR} schemas inside")

    def load(self, name: str) -> dict:
        if self.zip is not None:
            return json.loads(self.zip.read(self.prefix + name))
        return json.loads((self.path / name).read_text())


def go_type(defname: str) -> str:
    """``io.k8s.api.core.v1.Container`` -> ``v1.Container`` (Go package.Type)."""
    parts = defname.split(".")
    return f"{parts[-2]}.{parts[-1]}"


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def clean(node, refs: set[str]):
    """Copy a schema node without descriptions, with local refs, recording what it reaches."""
    if isinstance(node, list):
        return [clean(v, refs) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key in sorted(node):
        if key in DROP_KEYS:
            continue
        value = node[key]
        if key == "$ref":
            name = ref_name(value)
            refs.add(name)
            out[key] = "#/$defs/" + name
        elif key in ("properties", "$defs"):
            out[key] = {k: clean(v, refs) for k, v in sorted(value.items())}
        else:
            out[key] = clean(value, refs)
    return out


def special(name: str):
    if name == INT_OR_STRING:
        return {"type": ["string", "integer", "null"], "x-go-type": "intstr.IntOrString"}
    if name == QUANTITY:
        return {"type": ["string", "number", "null"], "x-go-type": "resource.Quantity"}
    return None


def build(src: Source, top_file: str, all_defs: dict) -> dict:
    top = src.load(top_file)
    refs: set[str] = set()
    root = clean({k: v for k, v in top.items() if k not in ("$id", "$schema")}, refs)
    defs: dict[str, dict] = {}
    pending = sorted(refs)
    while pending:
        name = pending.pop()
        if name in defs:
            continue
        sp = special(name)
        if sp is not None:
            defs[name] = sp
            continue
        more: set[str] = set()
        body = clean(all_defs[name], more)
        body["x-go-type"] = go_type(name)
        defs[name] = body
        pending.extend(sorted(more - set(defs)))
    gvk = top.get("x-kubernetes-group-version-kind", [{}])[0]
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "minikctl:" + top_file[: -len(".json")],
        "x-go-type": "v1." + gvk.get("kind", ""),
    }
    schema.update(root)
    schema["$defs"] = {k: defs[k] for k in sorted(defs)}
    return schema


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = Source(argv[1])
    all_defs = src.load("_definitions.json")["$defs"]
    out_dir = Path(__file__).resolve().parent.parent / "schemas"
    out_dir.mkdir(exist_ok=True)
    for out_name, top_file in KINDS.items():
        schema = build(src, top_file, all_defs)
        text = json.dumps(schema, indent=1, sort_keys=False) + "\n"
        (out_dir / out_name).write_text(text)
        print(f"{out_name}: {len(schema['$defs'])} definitions, {len(text)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

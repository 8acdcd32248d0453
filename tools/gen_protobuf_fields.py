"""Generate ``minikctl/serve/protobuf_fields.json``: the protobuf field numbers and types of the API types
``minikctl serve`` decodes from ``application/vnd.kubernetes.protobuf`` request bodies (kubectl's typed clients
send them: ``kubectl create namespace|configmap|secret|deployment|job|cronjob``, ``drain``'s evictions, ...).

Source: the ``generated.proto`` files of the Kubernetes API modules (field numbers never change between
releases; newer releases only add fields)::

    git clone --depth 1 https://github.com/kubernetes/api /tmp/k8s-api
    git clone --depth 1 https://github.com/kubernetes/apimachinery /tmp/k8s-apimachinery
    .venv/bin/python tools/gen_protobuf_fields.py /tmp/k8s-api /tmp/k8s-apimachinery

Output: {message: {field number: [json name, kind, type]}} for the messages reachable from the served kinds,
where kind is ``one`` or ``repeated`` or ``map`` (then type is ``[key type, value type]``) and type is a scalar
type name or a message name (fully qualified, without the leading dot).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "minikctl" / "serve" / "protobuf_fields.json"
FILES = ("core/v1", "apps/v1", "batch/v1", "policy/v1", "autoscaling/v1", "discovery/v1")
MACHINERY = ("pkg/apis/meta/v1", "pkg/api/resource", "pkg/runtime", "pkg/util/intstr", "pkg/runtime/schema")
ROOTS = [
    *(f"k8s.io.api.core.v1.{k}" for k in ("Pod", "Namespace", "Node", "Event", "ConfigMap", "Secret",
                                          "ServiceAccount", "Binding", "Service", "Endpoints")),
    *(f"k8s.io.api.apps.v1.{k}" for k in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
                                          "ControllerRevision")),
    "k8s.io.api.batch.v1.Job", "k8s.io.api.batch.v1.CronJob", "k8s.io.api.policy.v1.Eviction",
    "k8s.io.api.discovery.v1.EndpointSlice",
    "k8s.io.api.autoscaling.v1.Scale", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "k8s.io.apimachinery.pkg.runtime.Unknown",
]
SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "double", "float", "sint32", "sint64",
           "fixed32", "fixed64"}
FIELD = re.compile(r"^\s*(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;")
MAP = re.compile(r"^\s*map<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;")


def parse(path: Path) -> dict[str, dict]:
    text = path.read_text()
    package = re.search(r"^package\s+([\w.]+);", text, re.M).group(1)
    out: dict[str, dict] = {}
    current = None
    for line in text.splitlines():
        line = line.split("//", 1)[0]
        m = re.match(r"^message\s+(\w+)\s*{", line)
        if m:
            current = out.setdefault(f"{package}.{m.group(1)}", {})
            continue
        if line.startswith("}"):
            current = None
            continue
        if current is None:
            continue
        m = MAP.match(line)
        if m:
            current[m.group(4)] = [m.group(3), "map", [_qualify(m.group(1), package), _qualify(m.group(2), package)]]
            continue
        m = FIELD.match(line)
        if m:
            kind = "repeated" if m.group(1) == "repeated" else "one"
            current[m.group(4)] = [m.group(3), kind, _qualify(m.group(2), package)]
    return out


def _qualify(t: str, package: str) -> str:
    if t in SCALARS:
        return t
    return t[1:] if t.startswith(".") else f"{package}.{t}"


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    api, machinery = Path(argv[0]), Path(argv[1])
    messages: dict[str, dict] = {}
    for d in FILES:
        messages.update(parse(api / d / "generated.proto"))
    for d in MACHINERY:
        messages.update(parse(machinery / d / "generated.proto"))
    keep: dict[str, dict] = {}
    todo = list(ROOTS)
    while todo:
        name = todo.pop()
        if name in keep or name not in messages:
            continue
        keep[name] = messages[name]
        for _json, kind, t in messages[name].values():
            for sub in (t if kind == "map" else [t]):
                if sub not in SCALARS:
                    todo.append(sub)
    missing = [r for r in ROOTS if r not in keep]
    if missing:
        raise SystemExit(f"not found: {missing}")
    OUT.write_text(json.dumps(dict(sorted(keep.items())), separators=(",", ":"), sort_keys=False) + "\n")
    print(f"wrote {OUT} ({len(keep)} messages)")


if __name__ == "__main__":
    main(sys.argv[1:])

"""Generate minikctl/engine/controllers/podtemplate_types.json: the Go structs of a v1.PodTemplateSpec.

The Deployment controller names a ReplicaSet after ``controller.ComputeHash(&d.Spec.Template, collisionCount)``,
an FNV-32a over go-spew's ``%#v`` rendering of the Go value (``k8s.io/apimachinery/pkg/util/dump.ForHash``). That
rendering names every field of every struct in declaration order with its Go type, set or not, so reproducing it
needs the exact struct definitions of the Kubernetes version: this tool reads them from the Go sources and writes
them as data.

    python tools/gen_gotypes.py API_REPO APIMACHINERY_REPO [API_REF [APIMACHINERY_REF]] [-o OUT]

API_REPO / APIMACHINERY_REPO are git directories of github.com/kubernetes/api and kubernetes/apimachinery (bare
mirrors work: the files are read with ``git show REF:PATH``); the refs default to v0.32.4 (Kubernetes 1.32.4).
Read: ``core/v1/types.go`` (every struct and named type of core/v1), ``pkg/apis/meta/v1/types.go`` and
``time.go``. ``time.Time``, ``resource.Quantity``, ``intstr.IntOrString`` and ``types.UID`` are written out by hand
below (their fields are unexported or live in other packages).

Also (when writing the default output) minikctl/printers/typed_fields.json: the JSON field order of the typed objects
kubectl prints from Go structs (a Pod, the apps/v1 and batch/v1 workloads), for ``-o json`` of its mutating verbs.

Output: {"structs": {ID: [[GoName, TYPE, jsonName], ...]}, "named": {ID: TYPE}, "print": {ID: "v1.PodSpec"}}
where an ID is "<pkg>.<Name>" (pkg: core, meta, resource, intstr, types, time) and a TYPE is an expression over
IDs and builtins: "*T", "[]T", "map[K]V", a builtin (string, bool, int32, int64, uint64, ...) or an ID. Only the
types reachable from core.PodTemplateSpec are kept.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

BUILTINS = {"string", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
            "uint64", "float32", "float64", "byte", "uintptr"}
PACKAGE_OF = {"metav1": "meta", "resource": "resource", "intstr": "intstr", "types": "types", "time": "time",
              "core": "core", "meta": "meta", "runtime": "runtime"}
PRINT_PACKAGE = {"core": "v1", "meta": "v1", "resource": "resource", "intstr": "intstr", "types": "types",
                 "time": "time"}
# the objects kubectl prints from typed structs (-o json of set, rollout, create deployment): json field order
TYPED_ROOTS = {"Pod": "core.Pod", "Deployment": "apps.Deployment", "ReplicaSet": "apps.ReplicaSet",
               "StatefulSet": "apps.StatefulSet", "DaemonSet": "apps.DaemonSet",
               "ControllerRevision": "apps.ControllerRevision", "Job": "batch.Job", "CronJob": "batch.CronJob",
               "Event": "core.Event", "EventList": "core.EventList"}

# the types whose fields are unexported or that come from packages not parsed here
HAND_WRITTEN_STRUCTS = {
    # time.Time (Go 1.9+): wall and ext encode the instant, loc the zone (nil: UTC / the zero time)
    "time.Time": [["wall", "uint64", None], ["ext", "int64", None], ["loc", "*time.Location", None]],
    "time.Location": [],
    # k8s.io/apimachinery/pkg/api/resource/quantity.go
    "resource.Quantity": [["i", "resource.int64Amount", None], ["d", "resource.infDecAmount", None],
                          ["s", "string", None], ["Format", "resource.Format", None]],
    "resource.int64Amount": [["value", "int64", None], ["scale", "resource.Scale", None]],
    "resource.infDecAmount": [["Dec", "*inf.Dec", None]],
    "inf.Dec": [],
    # k8s.io/apimachinery/pkg/util/intstr/intstr.go
    "intstr.IntOrString": [["Type", "intstr.Type", None], ["IntVal", "int32", None], ["StrVal", "string", None]],
}
HAND_WRITTEN_NAMED = {"resource.Scale": "int32", "resource.Format": "string", "intstr.Type": "int64",
                      "types.UID": "string"}


def git_show(repo: str, ref: str, path: str) -> str:
    return subprocess.run(["git", "-C", repo, "show", f"{ref}:{path}"], check=True, capture_output=True,
                          text=True).stdout


_FIELD = re.compile(r"^\s*(?:(\w+)\s+)?([\w.\*\[\]{}]+)\s*(`[^`]*`)?\s*(?://.*)?$")
_TYPE_LINE = re.compile(r"^type (\w+) (.+?)\s*(?://.*)?$")


ALIASES = {  # a file's import names -> our package ids
    "core": {"metav1": "meta"},
    "meta": {},
    "apps": {"v1": "core", "metav1": "meta"},
    "batch": {"corev1": "core", "metav1": "meta"},
}


def _qualify(expr: str, pkg: str) -> str:
    """A Go type expression with every named type written as an ID."""
    out, i = "", 0
    while i < len(expr):
        if expr.startswith("*", i) or expr.startswith("[]", i):
            tok = "*" if expr[i] == "*" else "[]"
            out += tok
            i += len(tok)
            continue
        if expr.startswith("map[", i):
            depth, j = 1, i + 4
            while depth:
                depth += {"[": 1, "]": -1}.get(expr[j], 0)
                j += 1
            key = _qualify(expr[i + 4:j - 1], pkg)
            return out + f"map[{key}]" + _qualify(expr[j:], pkg)
        name = expr[i:]
        if name in BUILTINS:
            return out + ("uint8" if name == "byte" else name)
        if "." in name:
            q, _, n = name.partition(".")
            q = ALIASES.get(pkg, {}).get(q, q)
            return out + f"{PACKAGE_OF.get(q, q)}.{n}"
        return out + f"{pkg}.{name}"
    return out


def parse_go(text: str, pkg: str) -> tuple[dict, dict]:
    """(structs, named types) declared at the top level of a Go file."""
    structs: dict[str, list] = {}
    named: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^type (\w+) struct \{\s*$", line)
        if m:
            fields = []
            i += 1
            in_comment = False
            while not lines[i].startswith("}"):
                body = lines[i].strip()
                i += 1
                if in_comment or body.startswith("/*"):
                    in_comment = "*/" not in body
                    continue
                if not body or body.startswith("//"):
                    continue
                f = _FIELD.match(body)
                if f is None:
                    raise SystemExit(f"cannot read field line in {pkg}.{m.group(1)}: {body!r}")
                name, typ, tag = f.group(1), f.group(2), f.group(3) or ""
                jm = re.search(r'json:"([^"]*)"', tag)
                jname = jm.group(1).split(",")[0] if jm else ""
                inline = bool(jm and ",inline" in jm.group(1))
                if name is None:  # embedded: the field is named after the type
                    name = typ.lstrip("*").split(".")[-1]
                    if inline:
                        jname = ""
                elif jm is None:
                    jname = name  # encoding/json's default: the Go name
                fields.append([name, _qualify(typ, pkg), jname if jname != "-" else None])
            structs[f"{pkg}.{m.group(1)}"] = fields
            i += 1
            continue
        t = _TYPE_LINE.match(line)
        if t and not t.group(2).startswith(("struct", "interface", "func", "=")) and "(" not in t.group(2):
            named[f"{pkg}.{t.group(1)}"] = _qualify(t.group(2), pkg)
        i += 1
    return structs, named


def _names_in(expr: str) -> list[str]:
    return [tok for tok in re.split(r"[\*\[\]]|map", expr) if tok and tok not in BUILTINS]


def generate(api_repo: str, machinery_repo: str, api_ref: str, machinery_ref: str) -> dict:
    structs: dict[str, list] = dict(HAND_WRITTEN_STRUCTS)
    named: dict[str, str] = dict(HAND_WRITTEN_NAMED)
    for repo, ref, path, pkg in ((api_repo, api_ref, "core/v1/types.go", "core"),
                                 (machinery_repo, machinery_ref, "pkg/apis/meta/v1/types.go", "meta"),
                                 (machinery_repo, machinery_ref, "pkg/apis/meta/v1/time.go", "meta")):
        s, n = parse_go(git_show(repo, ref, path), pkg)
        structs.update(s)
        named.update(n)
    keep_s, keep_n = _reachable(structs, named, ["core.PodTemplateSpec"])
    printed = {tid: f"{PRINT_PACKAGE.get(tid.split('.')[0], tid.split('.')[0])}.{tid.split('.', 1)[1]}"
               for tid in list(keep_s) + list(keep_n)}
    return {"source": {"k8s.io/api": api_ref, "k8s.io/apimachinery": machinery_ref},
            "structs": dict(sorted(keep_s.items())), "named": dict(sorted(keep_n.items())),
            "print": dict(sorted(printed.items()))}


def generate_typed(api_repo: str, machinery_repo: str, api_ref: str, machinery_ref: str) -> dict:
    """The JSON field order of the typed objects kubectl prints: {"roots": {Kind: ID}, "structs": {ID: [[json,
    TYPE], ...]}} with "" as the json name of an inlined (embedded) struct."""
    structs: dict[str, list] = {"runtime.RawExtension": []}
    named: dict[str, str] = dict(HAND_WRITTEN_NAMED)
    for repo, ref, path, pkg in ((api_repo, api_ref, "core/v1/types.go", "core"),
                                 (api_repo, api_ref, "apps/v1/types.go", "apps"),
                                 (api_repo, api_ref, "batch/v1/types.go", "batch"),
                                 (machinery_repo, machinery_ref, "pkg/apis/meta/v1/types.go", "meta"),
                                 (machinery_repo, machinery_ref, "pkg/apis/meta/v1/time.go", "meta"),
                                 (machinery_repo, machinery_ref, "pkg/apis/meta/v1/micro_time.go", "meta")):
        s, n = parse_go(git_show(repo, ref, path), pkg)
        structs.update(s)
        named.update(n)
    for opaque in ("meta.Time", "meta.MicroTime", "resource.Quantity", "intstr.IntOrString", "meta.FieldsV1"):
        structs[opaque] = []  # marshalled as a string or number: no fields to order
    keep_s, _ = _reachable(structs, named, list(TYPED_ROOTS.values()), lenient=True)
    return {"source": {"k8s.io/api": api_ref, "k8s.io/apimachinery": machinery_ref}, "roots": TYPED_ROOTS,
            "structs": {k: [[j, t] for _, t, j in v if j is not None] for k, v in sorted(keep_s.items())}}


def _reachable(structs: dict, named: dict, roots: list[str], lenient: bool = False) -> tuple[dict, dict]:
    keep_s: dict[str, list] = {}
    keep_n: dict[str, str] = {}
    todo = list(roots)
    while todo:
        tid = todo.pop()
        if tid in keep_s or tid in keep_n:
            continue
        if tid in structs:
            keep_s[tid] = structs[tid]
            for _, typ, _ in structs[tid]:
                todo += _names_in(typ)
        elif tid in named:
            keep_n[tid] = named[tid]
            todo += _names_in(named[tid])
        elif not lenient:
            raise SystemExit(f"unknown type {tid}")
    return keep_s, keep_n


def dumps(data: dict) -> str:
    """JSON with one struct (or named type) per line: small, and a new field reads as a one-line diff."""
    lines = ["{" + f'"source": {json.dumps(data["source"])},']
    for section in ("structs", "named", "print"):
        items = list(data[section].items())
        lines.append(f'"{section}": {{')
        for i, (k, v) in enumerate(items):
            lines.append(f" {json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" + ("," if i < len(items) - 1 else ""))
        lines.append("}" + ("," if section != "print" else ""))
    return "\n".join(lines) + "}\n"


def main(argv: list[str]) -> int:
    out = Path(__file__).resolve().parent.parent / "minikctl" / "engine" / "controllers" / "podtemplate_types.json"
    if "-o" in argv:
        k = argv.index("-o")
        out = Path(argv[k + 1])
        argv = argv[:k] + argv[k + 2:]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    api_ref = argv[2] if len(argv) > 2 else "v0.32.4"
    machinery_ref = argv[3] if len(argv) > 3 else api_ref
    data = generate(argv[0], argv[1], api_ref, machinery_ref)
    out.write_text(dumps(data), encoding="utf-8")
    print(f"{out}: {len(data['structs'])} structs, {len(data['named'])} named types")
    if out.name == "podtemplate_types.json":
        typed = generate_typed(argv[0], argv[1], api_ref, machinery_ref)
        tout = Path(__file__).resolve().parent.parent / "minikctl" / "printers" / "typed_fields.json"
        lines = ["{" + f'"source": {json.dumps(typed["source"])},', f'"roots": {json.dumps(typed["roots"])},',
                 '"structs": {']
        items = list(typed["structs"].items())
        for i, (k, v) in enumerate(items):
            lines.append(f" {json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" + ("," if i < len(items) - 1 else ""))
        tout.write_text("\n".join(lines) + "}}\n", encoding="utf-8")
        print(f"{tout}: {len(typed['structs'])} structs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

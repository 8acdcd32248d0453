"""Generate the regression corpus of bad (and odd) inputs: ``python tests/fuzz/make_corpus.py`` rewrites
``tests/fuzz/corpus.jsonl``, one ``{"args": [...], "stdin": "..."}`` per line, deterministically.

The corpus covers what issue 11 found broken and its neighbours: manifests whose fields have the wrong type,
out-of-range numbers, surrogates, deep nesting, YAML oddities; the three patch types with bodies aimed at the
same fields; every verb's flags with values of the wrong shape; names and namespaces that cannot sit in a
request path. test_fuzz_corpus.py runs every line in-process against a small seeded store.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).with_name("corpus.jsonl")

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "a"}},
       "spec": {"containers": [{"name": "c", "image": "busybox", "command": ["sh", "-c", "echo hi; sleep 5"],
                                "resources": {"limits": {"cpu": "100m", "memory": "64Mi"}},
                                "ports": [{"containerPort": 80}], "env": [{"name": "A", "value": "1"}]}],
                "restartPolicy": "Always", "terminationGracePeriodSeconds": 5}}
DEPLOY = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
          "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "d"}},
                   "template": {"metadata": {"labels": {"app": "d"}},
                                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"k": "v"}}
JOB = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
       "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}
NS = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n1"}}
BASES = [POD, DEPLOY, CM, JOB, NS]

PATHS = [
    ("apiVersion",), ("kind",), ("metadata",), ("metadata", "name"), ("metadata", "namespace"),
    ("metadata", "labels"), ("metadata", "annotations"), ("metadata", "ownerReferences"),
    ("metadata", "creationTimestamp"), ("metadata", "finalizers"), ("metadata", "generateName"),
    ("spec",), ("spec", "containers"), ("spec", "containers", 0), ("spec", "containers", 0, "image"),
    ("spec", "containers", 0, "command"), ("spec", "containers", 0, "env"), ("spec", "containers", 0, "ports"),
    ("spec", "containers", 0, "resources", "limits", "cpu"), ("spec", "containers", 0, "resources", "limits",
                                                               "memory"),
    ("spec", "terminationGracePeriodSeconds"), ("spec", "activeDeadlineSeconds"), ("spec", "restartPolicy"),
    ("spec", "volumes"), ("spec", "nodeSelector"), ("spec", "tolerations"), ("spec", "affinity"),
    ("spec", "securityContext"), ("spec", "initContainers"), ("spec", "priority"), ("spec", "replicas"),
    ("spec", "selector"), ("spec", "template"), ("data",), ("status",),
]

JUNK = [
    [], {}, ["x"], {"a": "b"}, "", "x", None, True, False, 0, -1, 1.5, 2 ** 63, -(2 ** 63) - 1, 2 ** 64,
    "\u00e9\u4e2d", "a" * 70, "a" * 300, "../..", "a/b", "%", "-", "1e999999", "NaN", "0x10", "true",
    "2024-13-01T00:00:00Z", "not a time", {"$patch": "delete"}, [{}], [None], [[[]]], {"": ""},
]
RAW_VALUES = ["1e999999", "-1e999999", "9" * 5000, "-" + "9" * 400, "1e-999999", '"\\ud800"', '"\\udc00x"',
              '"\\ud83d\\ude00"', "[" * 400 + "]" * 400, '{"a":' * 300 + "1" + "}" * 300, '"\\u0000"']

YAML_DOCS = [
    "apiVersion: v1\nkind: Pod\nmetadata: {name: y1}\nspec: {containers: [{name: c, image: i}]}\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: y2\n  labels: &l {a: b}\n  annotations: *l\nspec: {containers: [{name: c, image: i}]}\n",
    "a: &a [x]\nb: *a\nc: *nope\n",
    "- a\n- b\n",
    "just a string\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: !!int x}\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: !!binary aGk=}\n",
    "apiVersion: v1\nkind: Pod\n<<: {metadata: {name: m}}\nspec: {containers: [{name: c, image: i}]}\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: tab\n",
    "\ufeffapiVersion: v1\nkind: Pod\nmetadata: {name: bom}\nspec: {containers: [{name: c, image: i}]}\n",
    "apiVersion: v1\r\nkind: Pod\r\nmetadata: {name: crlf}\r\nspec: {containers: [{name: c, image: i}]}\r\n",
    "--- !foo\napiVersion: v1\n",
    "---\n---\n---\n",
    "apiVersion: v1\nkind: List\nitems: [5, null, {kind: Pod}]\n",
    "apiVersion: v1\nkind: List\nitems: {a: b}\n",
    "apiVersion: v1\nkind: PodList\nitems: [{apiVersion: v1, kind: Pod, metadata: {name: li}, spec: {containers: [{name: c, image: i}]}}]\n",
    "? [a, b]\n: c\n",
    "{a: 1, a: 2}\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: \"\\ud800\"}\n",
    "key: \"\\x\"\n",
    "key: 'unterminated\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: " + "x" * 70000 + "}\n",
    "a: " + "[" * 1200 + "]" * 1200 + "\n",
    "\x00\x01\x02",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: y3}\nspec: {containers: [{name: c, image: i, command: [sh, -c, 'x=a; while true; do x=$x$x; done']}]}\n",
]

FORMATS = ["json", "yaml", "name", "wide", "jsonpath={..}", "jsonpath={.metadata.name", "jsonpath={range .items[*]}",
           "custom-columns=A:.x", "custom-columns=", "custom-columns=A", "go-template={{.x}}", "go-template={{",
           "go-template={{range .}}{{end}}", "jsonpath-as-json={.x}", "bogus", "jsonpath={.a[-999999999999]}",
           "go-template={{printf \"%999999999d\" 1}}", "jsonpath={.items[0:99999999999999999999]}"]
WEIRD = ["", "-1", "0", "9" * 20, "-" + "9" * 20, "banana", "1e999", "../..", "%", "\u00e9", "a" * 500, "1h",
         "-1s", "2562047h", "9999999999h", "0.5", "true", "=", ",", "a in (", "!", "a=b,c", "status.phase=Running",
         "x==y", "metadata.name!=", "0s", "1ns", "-0", "+5", " 5", "5 "]


def set_path(obj, path, value):
    cur = obj
    for key in path[:-1]:
        if isinstance(key, int):
            if not isinstance(cur, list) or len(cur) <= key:
                return False
        elif not isinstance(cur, dict):
            return False
        elif key not in cur:
            cur[key] = {}
        cur = cur[key]
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(cur, list) or len(cur) <= last:
            return False
    elif not isinstance(cur, dict):
        return False
    cur[last] = value
    return True


def deep(n: int, leaf="x"):
    v = leaf
    for _ in range(n):
        v = {"a": v}
    return v


def manifests(rng: random.Random) -> list[dict]:
    out = []
    for base in BASES:
        for path in PATHS:
            for value in rng.sample(JUNK, 4):
                obj = json.loads(json.dumps(base))
                if set_path(obj, path, value):
                    text = json.dumps(obj) if rng.random() < 0.5 else _yaml(obj)
                    out.append({"args": ["apply", "-f", "-"], "stdin": text})
    for base in BASES:
        for raw in RAW_VALUES:
            for path in rng.sample(PATHS, 3):
                obj = json.loads(json.dumps(base))
                if set_path(obj, path, "@@RAW@@"):
                    out.append({"args": [rng.choice(["apply", "create", "replace"]), "-f", "-"],
                                "stdin": json.dumps(obj).replace('"@@RAW@@"', raw)})
    for text in YAML_DOCS:
        for verb in ("apply", "create", "replace", "delete", "get"):
            out.append({"args": [verb, "-f", "-"], "stdin": text})
    # a bad document in the middle of a stream
    good = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: g%d}\n"
    for bad in YAML_DOCS[2:12]:
        out.append({"args": ["apply", "-f", "-"], "stdin": good % 1 + "---\n" + bad + "---\n" + good % 2})
    return out


def _yaml(obj) -> str:
    """A flow-style YAML rendering (JSON with unquoted simple keys)."""
    return json.dumps(obj, ensure_ascii=False) + "\n"


def patches(rng: random.Random) -> list[dict]:
    out = []
    targets = [["pod", "ok"], ["deployment", "web"], ["configmap", "cfg"], ["namespace", "default"], ["node", "node1"]]
    bodies = []
    for path in PATHS:
        for value in rng.sample(JUNK, 3):
            body: dict = {}
            set_path(body, tuple(k for k in path if not isinstance(k, int)), value)
            bodies.append(json.dumps(body))
    bodies += ['{"kind":"Service"}', '{"kind":null}', '{"apiVersion":"v2"}', '{"kind":5}', "{bad", "[]", "5", "null",
               '"x"', "a: b", "- a", '{"metadata":{"labels":' + json.dumps(deep(600)) + "}}",
               '{"spec":{"containers":[{"$patch":"delete"}]}}', '{"$patch":"replace"}', '{"$patch":"delete"}',
               '{"spec":{"$setElementOrder/containers":[{"name":"x"}]}}', '{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}',
               '{"spec":{"containers":[{"name":"c","$retainKeys":5}]}}', '{"spec":{"activeDeadlineSeconds":1e999999}}',
               '{"spec":{"activeDeadlineSeconds":' + "9" * 5000 + "}}", '{"metadata":{"name":"other"}}',
               '{"metadata":{"namespace":"kube-system"}}', '{"metadata":{"uid":"x"}}', '{"status":{"phase":"Bogus"}}']
    ops = ['[{"op":"replace","path":"/kind","value":"Service"}]', '[{"op":"remove","path":"/kind"}]',
           '[{"op":"add","path":"/spec/x","value":' + "[" * 600 + "]" * 600 + "}]",
           '[{"op":"move","from":"/nope","path":"/x"}]', '[{"op":"copy","from":"/metadata","path":"/metadata/x"}]',
           '[{"op":"test","path":"/kind","value":"Pod"}]', '[{"op":"test","path":"/kind","value":"X"}]',
           '[{"op":"add","path":"","value":5}]', '[{"op":"replace","path":"","value":{}}]',
           '[{"op":"add","path":"/spec/containers/-","value":{"name":"d","image":"i"}}]',
           '[{"op":"add","path":"/spec/containers/99999999999999999999","value":{}}]',
           '[{"op":"remove","path":"/spec/containers/-1"}]', '[{"op":"remove","path":"/metadata/~2"}]',
           '[{"op":"bogus","path":"/a"}]', '[{"path":"/a"}]', '[5]', '[[]]', '{"op":"add"}', '[]', '[{"op":"add"}]',
           '[{"op":"add","path":"a","value":1}]', '[{"op":"add","path":"/metadata/labels/a~1b","value":"x"}]',
           '[{"op":"add","path":"/metadata/labels","value":{"a":5}}]']
    for target in targets:
        for body in rng.sample(bodies, 24):
            for ptype in ("strategic", "merge"):
                out.append({"args": ["patch", *target, "--type", ptype, "-p", body]})
        for body in ops:
            out.append({"args": ["patch", *target, "--type", "json", "-p", body]})
    for body in rng.sample(bodies, 20):
        out.append({"args": ["patch", "pod", "ok", "--subresource=status", "--type", "merge", "-p", body]})
    return out


VERBS = {
    "get": [["pods"], ["pod", "ok"], ["all"], ["nodes"], ["events"], ["deploy,cm"]],
    "describe": [["pod", "ok"], ["pods"], ["node", "node1"], ["deployment", "web"]],
    "delete": [["pod", "ok"], ["pods", "--all"], ["cm", "cfg"], ["deployment", "web"]],
    "logs": [["ok"], ["pod/ok"], ["deploy/web"]],
    "wait": [["pod/ok"], ["pods", "--all"]],
    "label": [["pod", "ok", "a=b"], ["pods", "--all", "x-"]],
    "annotate": [["pod", "ok", "a=b"], ["node", "node1", "x=y"]],
    "exec": [["ok", "--", "sh", "-c", "echo hi"], ["ok", "--", "sh", "-c", "echo $((2**62*4))"]],
    "run": [["r1", "--image=busybox", "--restart=Never", "--", "sleep", "1"]],
    "set": [["image", "pod/ok", "c=busybox"], ["image", "deployment/web", "*=x"]],
    "timeline": [["ok"]],
    "clock": [["advance", "1s"], ["show"]],
    "top": [["pods"], ["nodes"]],
    "api-resources": [[]],
    "version": [[]],
    "create": [["namespace", "n2"], ["ns", "n3"]],
    "drain": [["node1"], ["node1", "--force"], ["node1", "--ignore-daemonsets", "--force"]],
    "cordon": [["node1"], []],
    "taint": [["nodes", "node1", "a=b:NoSchedule"], ["node", "node1", "a-"], ["nodes", "--all", "k:NoExecute"]],
    "events": [[], ["--for", "pod/ok"], ["-A"]],
}
FLAGS = {
    "get": ["-o", "-l", "--field-selector", "--sort-by", "-L", "-n", "--request-timeout", "--template", "--chunk-size"],
    "describe": ["-n", "-l", "--show-events"],
    "delete": ["--grace-period", "--timeout", "--cascade", "-l", "--field-selector", "-n", "-o", "--dry-run"],
    "logs": ["-c", "--tail", "--since", "--since-time", "--limit-bytes", "-n"],
    "wait": ["--for", "--timeout", "-n", "-l"],
    "label": ["-n", "-l", "--resource-version", "-o", "--dry-run"],
    "annotate": ["-n", "-l", "--resource-version", "-o"],
    "exec": ["-c", "-n"],
    "run": ["--image", "--port", "--env", "--labels", "--restart", "-n", "--dry-run", "-o", "--overrides",
            "--command", "--image-pull-policy"],
    "set": ["-n", "-o", "--dry-run"],
    "timeline": ["-n"],
    "clock": [],
    "top": ["-n", "-l"],
    "api-resources": ["-o", "--verbs", "--api-group", "--namespaced"],
    "version": ["-o"],
    "create": ["-o", "--dry-run"],
    "drain": ["--grace-period", "--timeout", "--pod-selector", "--skip-wait-for-delete-timeout", "--dry-run", "-l"],
    "cordon": ["-l", "--dry-run"],
    "taint": ["-o", "-l", "--dry-run", "--overwrite"],
    "events": ["-o", "--for", "--types", "-n"],
}


def flag_lines(rng: random.Random) -> list[dict]:
    out = []
    for verb, targets in VERBS.items():
        for flag in FLAGS[verb]:
            for value in rng.sample(WEIRD + FORMATS if flag in ("-o", "--template") else WEIRD, 7):
                target = rng.choice(targets)
                out.append({"args": [verb, *target, f"{flag}={value}" if flag.startswith("--") else flag,
                                     *([] if flag.startswith("--") else [value])]})
        for target in targets:
            out.append({"args": [verb, *target, "--tick", rng.choice(WEIRD)]})
            out.append({"args": ["--tick=" + rng.choice(WEIRD), verb, *target]})
    for name in ["..", ".", "a/b", "%", "a%2F", "\u00e9", "x" * 300, "-", "UPPER", "a b", "*"]:
        for verb in ("get", "describe", "delete", "logs", "label", "timeline"):
            extra = ["a=b"] if verb == "label" else []
            first = [] if verb in ("logs", "timeline") else ["pod"]
            out.append({"args": [verb, *first, name, *extra]})
            out.append({"args": [verb, *first, "ok", *extra, "-n", name]})
    for d in ["2562047h", "9999999999h", "-1s", "1e3h", "0", "1.5h", "banana", "", "1h" * 50]:
        out.append({"args": ["clock", "advance", d]})
    for f in ["jsonpath={.items[*].metadata.name}", "custom-columns=N:.metadata.name,I:.spec.containers[*].image"]:
        out.append({"args": ["get", "pods", "-o", f]})
    return out


def main() -> None:
    rng = random.Random(11)
    lines = manifests(rng) + patches(rng) + flag_lines(rng)
    with OUT.open("w", encoding="utf-8") as f:
        for item in lines:
            f.write(json.dumps(item, ensure_ascii=True) + "\n")
    print(f"{len(lines)} inputs -> {OUT}")


if __name__ == "__main__":
    main()

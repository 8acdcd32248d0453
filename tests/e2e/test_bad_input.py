"""Bad input: a kubectl-style error on stderr, exit code 1, no traceback, and the store unchanged."""

from __future__ import annotations

import pytest

GOOD = """apiVersion: v1
kind: Pod
metadata:
  name: ok
spec:
  containers:
  - name: c
    image: nginx:1.14.2
"""


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "error: no objects passed to apply"),
        ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: [a\n", "error: error parsing"),
        ("- just\n- a list\n", "error validating"),
        ("kind: Pod\nmetadata:\n  name: x\n", "apiVersion not set"),
        ("apiVersion: v1\nmetadata:\n  name: x\n", "kind not set"),
        ("apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n", 'no matches for kind "Foo" in version "v1"'),
        ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers:\n  - name: c\n    image: i\n",
         'The Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"'),
        ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n",
         'The Pod "x" is invalid: spec.containers[0].image: Required value'),
        ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n    image: i\n    commnd: [a]\n",
         'strict decoding error: unknown field "spec.containers[0].commnd"'),
    ],
)
def test_rejected_and_store_unchanged(cli, manifest, text, expected):
    cli.ok("apply", "-f", manifest(GOOD, "good.yaml"), tick="0")
    before = cli.db_bytes()
    err = cli.fail("apply", "-f", manifest(text), tick="0")
    assert expected in err
    assert cli.db_bytes() == before


def test_missing_path(cli):
    assert cli.fail("apply", "-f", "nothere.yaml") == 'error: the path "nothere.yaml" does not exist\n'


def test_not_found(cli):
    assert cli.fail("get", "pod", "x") == 'Error from server (NotFound): pods "x" not found\n'
    assert cli.fail("delete", "pod", "x") == 'Error from server (NotFound): pods "x" not found\n'
    assert cli.fail("describe", "pod", "x") == 'Error from server (NotFound): pods "x" not found\n'


def test_missing_namespace(cli, manifest):
    text = GOOD.replace("name: ok", "name: ok\n  namespace: nope")
    err = cli.fail("apply", "-f", manifest(text))
    assert err.endswith('Error from server (NotFound): error when creating "' + manifest(text) + '": namespaces "nope" not found\n')


def test_unknown_flag(cli):
    done = cli("get", "pods", "--bogus")
    assert done.returncode == 1
    # cobra's error, as kubectl 1.32 prints it (capital E), with the command's path
    assert done.stderr == "Error: unknown flag: --bogus\nSee 'minikctl get --help' for usage.\n"


def test_not_a_store(cli, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("this is not sqlite" * 100)
    err = cli.fail("--store", str(bad), "get", "pods")
    assert "is not a minikctl store" in err
    assert bad.read_text() == "this is not sqlite" * 100


def test_other_kinds_still_apply(cli, manifest):
    text = "apiVersion: v1\nkind: Foo\nmetadata:\n  name: f\n---\n" + GOOD
    done = cli("apply", "-f", manifest(text))
    assert done.returncode == 1
    assert done.stdout == "pod/ok created\n"
    assert 'no matches for kind "Foo"' in done.stderr


BOMB = """apiVersion: v1
kind: Pod
metadata:
  name: bomb
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_refused_in_bounded_memory(cli, manifest, tmp_path):
    import resource
    import subprocess

    path = manifest(BOMB, "bomb.yaml")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = cli("apply", "-f", path)
    assert done.returncode == 1
    assert "excessive aliasing" in done.stderr
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert max(before, peak_kib) < 200 * 1024  # well under 200 MiB: the aliases were never expanded
    del subprocess


@pytest.mark.parametrize("text, expected", [
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", "exceeded max depth"),
    ('{"a":' * 5000 + "1" + "}" * 5000, "exceeded max depth"),
])
def test_deeply_nested_documents(cli, manifest, text, expected):
    assert expected in cli.fail("apply", "-f", manifest(text, "deep.json" if text.startswith("{") else "deep.yaml"))


@pytest.mark.parametrize("args, expected", [
    (["-p", "{bad"], "error: invalid JSON document"),
    (["--type", "json", "-p", '{"op":"add"}'], "error: json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
    (["--type", "json", "-p", '[{"op":"remove","path":"/spec/nope"}]'], "Unable to remove nonexistent key: nope"),
    (["--type", "json", "-p", '[{"op":"replace","path":"/spec/containers/5/image","value":"x"}]'],
     "replace operation does not apply: doc is missing path: /spec/containers/5/image: missing value"),
    (["-p", '{"spec":{"containers":[{"image":"noname"}]}}'],
     "error: map: map[image:noname] does not contain declared merge key: name"),
    (["--type", "merge", "-p", '{"spec":{"containers":[{"name":"c"}]}}'],
     '* spec.containers[0].image: Required value'),
    (["--type", "bogus", "-p", "{}"], 'error: --type must be one of [json merge strategic], not "bogus"'),
    (["-p", '{"metadata":{"labels":' * 3000 + "1" + "}" * 3000], "error: invalid JSON document"),
])
def test_malformed_patches_leave_the_pod_unchanged(cli, manifest, args, expected):
    cli.ok("apply", "-f", manifest(GOOD, "good.yaml"), tick="0")
    before = cli.db_bytes()
    err = cli.fail("patch", "pod", "ok", *args, tick="0")
    assert expected in err
    assert cli.db_bytes() == before

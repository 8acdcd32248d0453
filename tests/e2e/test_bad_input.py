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
    assert done.stderr.startswith("error: unknown flag: --bogus")


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

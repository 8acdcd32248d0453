"""What the API server's patch handler answers (apiserver endpoints/handlers/patch.go and rest.go, v1.32)."""

from __future__ import annotations

import json


def _pod(cli):
    cli.ok("run", "p", "--image=nginx:1.14.2", tick="0")


def test_patch_defaults_to_warn_for_unknown_fields(cli):
    """kubectl patch sends no fieldValidation: the server's default is Warn (the field is dropped, a warning)."""
    _pod(cli)
    done = cli("patch", "pod", "p", "-p", '{"spec":{"foo":1}}', tick="0")
    assert done.returncode == 0
    assert done.stderr == 'Warning: unknown field "spec.foo"\n'
    assert done.stdout == "pod/p patched (no change)\n"


def test_merge_patch_type_error_is_422_on_the_patch(cli):
    """jsonPatcher.applyPatchToCurrentObject: the patched JSON does not decode: Invalid on field "patch"."""
    _pod(cli)
    before = cli.db_bytes()
    err = cli.fail("patch", "pod", "p", "--type", "merge", "-p", '{"spec":{"activeDeadlineSeconds":"x"}}', tick="0")
    assert err.startswith('The request is invalid: patch: Invalid value: "{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Pod\\"')
    assert err.endswith('": json: cannot unmarshal string into Go struct field PodSpec.spec.activeDeadlineSeconds '
                        'of type int64\n')
    patched = json.loads(json.loads(err.split("Invalid value: ", 1)[1].rsplit(": json:", 1)[0]))
    assert patched["spec"]["activeDeadlineSeconds"] == "x"
    assert cli.db_bytes() == before


def test_json_patch_type_error_is_422_too(cli):
    _pod(cli)
    err = cli.fail("patch", "pod", "p", "--type", "json", "-p",
                   '[{"op":"add","path":"/spec/activeDeadlineSeconds","value":"x"}]', tick="0")
    assert err.startswith("The request is invalid: patch: Invalid value: ")


def test_patch_that_renames_is_a_bad_request(cli):
    """checkName (endpoints/handlers/rest.go): the object's name must be the one on the URL."""
    _pod(cli)
    err = cli.fail("patch", "pod", "p", "-p", '{"metadata":{"name":"q"}}', tick="0")
    assert err == "Error from server (BadRequest): the name of the object (q) does not match the name on the URL (p)\n"

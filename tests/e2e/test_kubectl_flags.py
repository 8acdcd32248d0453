"""Flags and behaviours kubectl 1.32's own test/cmd suite exercises, each checked against the real binary.

The texts come from kubectl's sources (cited per test) and were compared with kubectl 1.32.4 driving
``minikctl serve`` or running offline (``--local``, ``--dry-run=client``).
"""

from __future__ import annotations

import json

import pytest

TIMEOUT_ERROR = ("error: Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed "
                 "by a corresponding time unit (e.g. 1s | 2m | 3h)\n")


def _pod(cli, name: str = "p", image: str = "nginx:1.14.2") -> None:
    cli.ok("run", name, f"--image={image}", tick="0")


# ---- 1. --request-timeout (client-go tools/clientcmd/helpers.go ParseTimeout) -------------------------------------
@pytest.mark.parametrize("extra", [[], ["-o", "name"], ["-o", "yaml"]])
def test_request_timeout_bare_number_is_seconds_for_a_watch(cli, extra):
    _pod(cli)
    done = cli("get", "pods", "-w", "--request-timeout=1", *extra)
    assert done.returncode == 0, done.stderr
    assert "p" in done.stdout
    if extra == ["-o", "name"]:
        assert done.stdout.splitlines()[0] == "pod/p"


def test_request_timeout_units_and_empty_are_accepted(cli):
    _pod(cli)
    for value in ("1s", "0", "", "+2", "-1s", "1m30s"):
        done = cli("get", "pods", "-o", "name", f"--request-timeout={value}")
        assert done.returncode == 0 and done.stdout == "pod/p\n", (value, done.stderr)


@pytest.mark.parametrize("value", ["1p", "abc", "-1", "0.5"])
def test_request_timeout_invalid_value(cli, value):
    _pod(cli)
    before = cli.db_bytes()
    assert cli.fail("get", "pods", f"--request-timeout={value}") == TIMEOUT_ERROR
    # a global flag: before the verb too, and on verbs that change things (nothing is changed)
    assert cli.fail(f"--request-timeout={value}", "delete", "pod", "p") == TIMEOUT_ERROR
    assert cli.fail("label", "pod", "p", "a=b", "--request-timeout", value) == TIMEOUT_ERROR
    assert cli.db_bytes() == before


def test_request_timeout_is_checked_after_the_verbs_own_arguments(cli):
    """kubectl parses it when it first builds a client config: get's missing resource type is reported first."""
    err = cli.fail("get", "--request-timeout=1p")
    assert err.startswith("You must specify the type of resource to get.")


# ---- 2. run --image: distribution/reference's ReferenceRegexp (kubectl pkg/cmd/run/run.go Run) -----------------
@pytest.mark.parametrize("image", ["InvalidImageName", "nginx:1.2:3", "a@sha256:abc", "a___b", "nginx:-x"])
def test_run_refuses_an_invalid_image_reference(cli, image):
    cli.ok("get", "pods")
    before = cli.db_bytes()
    assert cli.fail("run", "x", f"--image={image}") == f'error: Invalid image name "{image}": invalid reference format\n'
    assert cli.db_bytes() == before


@pytest.mark.parametrize("image", ["UPPER/x", "localhost:5000/foo/bar:v1", "[::1]:5000/x", "a--b", "nginx:_x",
                                   "busybox@sha256:" + "a" * 64])
def test_run_accepts_valid_image_references(cli, image):
    assert cli.ok("run", "x", f"--image={image}", "--dry-run=client", "-o", "name") == "pod/x\n"


# ---- 3. a strategic merge patch is converted server-side (apiserver endpoints/handlers/patch.go) ----------------
@pytest.mark.parametrize("patch,detail", [
    ('{"metadata":{"labels":"invalid"}}', 'Invalid value: "map[metadata:map[labels:invalid]]": cannot restore map from string'),
    ('{"spec":{"containers":"invalid"}}', 'Invalid value: "map[spec:map[containers:invalid]]": cannot restore slice from string'),
    ('{"metadata":{"labels":{"a":1}}}', 'Invalid value: "map[metadata:map[labels:map[a:1]]]": cannot convert int64 to string'),
    ('{"spec":{"securityContext":"x"}}', 'Invalid value: "map[spec:map[securityContext:x]]": cannot restore struct from: string'),
    ('{"spec":{"activeDeadlineSeconds":1.5}}', 'Invalid value: "map[spec:map[activeDeadlineSeconds:1.5]]": cannot convert float64 to int64'),
])
def test_strategic_patch_with_a_value_of_the_wrong_type(cli, patch, detail):
    _pod(cli, "valid-pod")
    before = cli.db_bytes()
    err = cli.fail("patch", "pod", "valid-pod", "-p", patch, tick="0")
    assert err == f"The request is invalid: patch: {detail}\n"
    assert cli.db_bytes() == before

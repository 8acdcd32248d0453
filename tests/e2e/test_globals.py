"""kubectl's global flags anywhere on the line (cli/globals.py; kubectl: genericclioptions/config_flags.go)."""

from __future__ import annotations


def test_namespace_before_the_verb(cli):
    cli.ok("-n", "kube-system", "run", "y", "--image=nginx:1.14.2", tick="0")
    assert cli.ok("get", "pods", "-n", "kube-system", "-o", "name", tick="0") == "pod/y\n"
    assert cli.ok("--namespace=kube-system", "get", "pods", "-o", "name", tick="0") == "pod/y\n"
    assert cli.ok("-nkube-system", "get", "pod", "y", "-o", "name", tick="0") == "pod/y\n"
    done = cli("get", "pods", tick="0")  # the global -n of one command is not the next one's
    assert done.stdout == "" and done.stderr == "No resources found in default namespace.\n"


def test_all_namespaces_before_the_verb(cli):
    cli.ok("-n", "kube-system", "run", "y", "--image=nginx:1.14.2", tick="0")
    assert cli.ok("-A", "get", "pods", "-o", "name", tick="0") == "pod/y\n"


def test_connection_flags_are_accepted_and_named_once_on_stderr(cli):
    done = cli("--context", "kind-kind", "get", "pods", "--kubeconfig=/nope", "-v=6", tick="0")
    assert done.returncode == 0
    assert done.stderr.splitlines()[0] == "Warning: --context, --kubeconfig, -v: minikctl talks to its one local store; ignored"


def test_flags_after_double_dash_are_the_command_s(cli):
    out = cli.ok("run", "x", "--image=busybox", "--restart=Never", "--dry-run=client", "-o",
                 "jsonpath={.spec.containers[0].args}", "--", "echo", "-n", "hi", tick="0")
    assert out == '["echo","-n","hi"]'


def test_version_client(cli):
    out = cli.ok("version", "--client")
    assert out.startswith("Client Version: v") and "Server" not in out

"""exec's command line and errors as kubectl 1.32's (pkg/cmd/exec/exec.go Complete/Validate/Run,
polymorphichelpers.attachablePodForObject, podcmd.FindOrDefaultContainerByName), checked against the real kubectl
through tests/e2e/kubectl_oracle.py where kubectl fails before it execs (the oracle serves no exec); node1 from the
store's creation."""

from __future__ import annotations

import json

import pytest

from kubectl_oracle import KUBECTL, kubectl_oracle, objects_from_store
from tests.conftest import Cli

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: two
spec:
  initContainers:
  - {name: setup, image: busybox, command: [sh, -c, "echo ready"]}
  containers:
  - {name: main, image: busybox, command: [sh, -c, "sleep 3600000"]}
  - {name: side, image: busybox, command: [sh, -c, "sleep 3600000"]}
---
apiVersion: v1
kind: Pod
metadata:
  name: done
spec:
  restartPolicy: Never
  containers:
  - {name: once, image: busybox, command: [sh, -c, "echo hi"]}
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("exec")
    cli = Cli(root / "home")
    (root / "pods.yaml").write_text(POD)
    cli.ok("apply", "-f", str(root / "pods.yaml"), tick="0")
    cli.ok("clock", "advance", "1m", tick="0")
    return cli


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
@pytest.mark.parametrize("args", [
    ("two", "ls"),  # no --: a usage error since kubectl 1.x deprecated the form (exec.go Complete)
    ("two", "ls", "/etc"),
    ("two",),
    (),
    ("--", "date"),
    ("foo/bar", "--", "date"),
    ("ns/default", "--", "date"),
    ("node/node1", "--", "date"),
    ("cm/nope", "--", "date"),
    ("pod/nope", "--", "date"),
    ("nope", "--", "date"),
    ("-n", "elsewhere", "nope", "--", "date"),
], ids=" ".join)
def test_exec_errors_like_kubectl(store, tmp_path, args):
    with kubectl_oracle(tmp_path, objects=objects_from_store(store.home / "store.db")) as kubectl:
        real = kubectl("exec", *args)
    ours = store("exec", *args, tick="0")
    assert real.returncode == 1
    # the usage hint names the root command (cobra's CommandPath): kubectl there, minikctl here
    expected_err = real.stderr.replace("See 'kubectl ", "See 'minikctl ")
    assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, expected_err)


def test_exec_command_after_the_dash(store):
    """Complete: the command is what follows --; a second argument before it is ignored. TYPE/NAME names a pod."""
    assert store.ok("exec", "two", "-c", "main", "ignored", "--", "echo", "hi", tick="0") == "hi\n"
    assert store.ok("exec", "pod/two", "-c", "main", "--", "echo", "hi", tick="0") == "hi\n"


def test_exec_defaulted_container_names_every_container(store):
    done = store("exec", "two", "--", "echo", "x", tick="0")
    assert (done.returncode, done.stdout) == (0, "x\n")
    assert done.stderr == 'Defaulted container "main" out of: main, side, setup (init)\n'


def test_exec_into_a_completed_pod(store):
    assert store.fail("exec", "done", "--", "ls", tick="0") == \
        "error: cannot exec into a container in a completed pod; current phase is Succeeded\n"


def test_exec_prints_the_bytes_the_command_wrote_on_their_own_streams(store):
    """kubectl exec copies the container's stdout to its stdout and the container's stderr to its stderr, byte for
    byte (remotecommand's StreamOptions, no terminal): no newline is added to an unfinished last line."""
    assert store.ok("exec", "two", "-c", "main", "--", "printf", "abc", tick="0") == "abc"
    done = store("exec", "two", "-c", "main", "--", "sh", "-c", "echo out; echo err >&2; printf tail; exit 3",
                 tick="0")
    assert (done.returncode, done.stdout, done.stderr) == (3, "out\ntail", "err\ncommand terminated with exit code 3\n")


def test_wget_to_stdout_says_so_on_stderr(store):
    """busybox wget -O - (networking/wget.c): "writing to stdout", the progress meter named "-", "written to stdout",
    all on stderr; the page alone on stdout. A host outside the cluster answers the simulator's page."""
    done = store("exec", "two", "-c", "main", "--", "wget", "-O", "-", "http://example.com/", tick="0")
    assert done.returncode == 0
    assert done.stdout == ("<html><head><title>http://example.com/</title></head><body>simulated content of "
                           "http://example.com/</body></html>\n")
    lines = done.stderr.split("\n")
    assert lines[0].startswith("Connecting to example.com (")
    assert lines[1] == "writing to stdout"
    assert lines[2].startswith("-                    100% |")
    assert lines[3:] == ["written to stdout", ""]
    quiet = store("exec", "two", "-c", "main", "--", "wget", "-qO-", "http://example.com/", tick="0")
    assert (quiet.stdout, quiet.stderr) == (done.stdout, "")
    # a file it cannot open (libbb xopen's message), exit 1
    bad = store("exec", "two", "-c", "main", "--", "wget", "-q", "-O", "/etc", "http://example.com/", tick="0")
    assert (bad.returncode, bad.stderr) == (1, "wget: can't open '/etc': Is a directory\n"
                                               "command terminated with exit code 1\n")


def test_exec_missing_binary_is_the_runtimes_error(store):
    """containerd's CRI cannot start the process: the kubelet's streaming server answers an internal error
    (ServeExec), kubectl prints it on stderr, newline-terminated, and exits 1 (no 'command terminated')."""
    done = store("exec", "two", "-c", "main", "--", "nosuchbin", "a", tick="0")
    assert (done.returncode, done.stdout) == (1, "")
    prefix = ('error: Internal error occurred: error executing command in container: failed to exec in container: '
              'failed to start exec "')
    assert done.stderr.startswith(prefix)
    exec_id, rest = done.stderr[len(prefix):].split('"', 1)
    assert len(exec_id) == 64 and all(ch in "0123456789abcdef" for ch in exec_id)
    assert rest == (': OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchbin": '
                    "executable file not found in $PATH: unknown\n")


def test_patch_node_status_on_a_fresh_store(cli):
    """node1 exists from the store's creation (cluster.bootstrap): its status can be patched at once."""
    assert cli.ok("patch", "node", "node1", "--subresource=status", "-p",
                  '{"status":{"allocatable":{"memory":"64Gi"}}}', tick="0") == "node/node1 patched\n"
    node = json.loads(cli.ok("get", "node", "node1", "-o", "json", tick="0"))
    assert node["status"]["allocatable"]["memory"] == "64Gi"
    assert node["status"]["capacity"]["memory"] == "16Gi"
    lease = json.loads(cli.ok("get", "lease", "node1", "-n", "kube-node-lease", "-o", "json", tick="0"))
    assert lease["spec"]["holderIdentity"] == "node1"


def test_watch_with_sort_by_warns(store):
    """get.go Complete: --sort-by does not apply to what a watch prints."""
    done = store("get", "pods", "-w", "--sort-by=.metadata.name", "--request-timeout=1s", "-o", "name", tick="0")
    assert done.stderr == "warning: --watch requested, --sort-by will be ignored for watch events received\n"
    done = store("get", "pods", "--watch-only", "--sort-by=.metadata.name", "--request-timeout=1s", tick="0")
    assert (done.stdout, done.stderr) == ("", "warning: --watch-only requested, --sort-by will be ignored\n")


def test_watch_sorts_only_the_first_table(store):
    """get -w prints the list it starts from through the SortingPrinter: a Table's rows are sorted and a field no
    row has fails the command (the watch returns PrintObj's error); other outputs print object by object."""
    done = store("get", "pods", "-w", "--sort-by=.foo", "--request-timeout=1s", tick="0")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.endswith('error: unable to output the provided object: couldn\'t find any field with path '
                                '"{.foo}" in the list of objects\n')
    done = store("get", "pods", "-w", "--sort-by=.foo", "--request-timeout=1s", "-o", "name", tick="0")
    assert (done.returncode, done.stdout) == (0, "pod/done\npod/two\n")


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
@pytest.mark.parametrize("args", [
    (),
    ("a", "b", "c"),
    ("nope",),
    ("pod/nope",),
    ("done",),
    ("two", "-c", "nope"),
    ("cm/nope",),
], ids=" ".join)
def test_attach_errors_like_kubectl(store, tmp_path, args):
    """attach.go Complete/Run: what kubectl says before it attaches (the oracle serves no attach)."""
    with kubectl_oracle(tmp_path, objects=objects_from_store(store.home / "store.db")) as kubectl:
        real = kubectl("attach", *args)
    ours = store("attach", *args, tick="0")
    assert real.returncode == 1
    expected_err = real.stderr.replace("See 'kubectl ", "See 'minikctl ")
    assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, expected_err)

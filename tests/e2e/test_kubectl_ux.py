"""kubectl's output formats, selectors, namespaces, edit, logs and wait, through the CLI."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.conftest import CORPUS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _two_pods(cli, manifest):
    cli.ok("create", "namespace", "dev", tick="0")
    for n in ("a", "b"):
        text = (EXAMPLES / "nginx.yaml").read_text().replace("name: nginx\n", f"name: web-{n}\n", 1)
        assert cli.ok("apply", "-f", manifest(text, f"{n}.yaml"), "-n", "dev", tick="0") == f"pod/web-{n} created\n"
    assert cli.ok("label", "pods", "-n", "dev", "--all", "tier=fe", tick="0") == "pod/web-a labeled\npod/web-b labeled\n"
    cli.ok("label", "pod", "web-a", "-n", "dev", "app=x", tick="0")
    cli.ok("clock", "advance", "5s", tick="0")


def test_tables_and_columns(cli, manifest):
    _two_pods(cli, manifest)
    assert cli.ok("get", "pods", "-A", "-L", "app", "--show-labels", tick="0") == (
        "NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE   APP   LABELS\n"
        "dev         web-a   1/1     Running   0          5s    x     app=x,tier=fe\n"
        "dev         web-b   1/1     Running   0          5s          tier=fe\n")
    assert cli.ok("get", "pods", "-n", "dev", "-o", "wide", tick="0") == (
        "NAME    READY   STATUS    RESTARTS   AGE   IP           NODE    NOMINATED NODE   READINESS GATES\n"
        "web-a   1/1     Running   0          5s    10.244.0.2   node1   <none>           <none>\n"
        "web-b   1/1     Running   0          5s    10.244.0.3   node1   <none>           <none>\n")
    assert cli.ok("get", "pods", "-n", "dev", "--no-headers", tick="0").splitlines()[0].startswith("web-a   1/1")
    assert cli.ok("get", "pods", "-n", "dev", "-l", "app in (x)", "-o", "name", tick="0") == "pod/web-a\n"
    assert cli.ok("get", "pods", "-n", "dev", "-l", "!app", "-o", "name", tick="0") == "pod/web-b\n"
    assert cli.ok("get", "pods", "-n", "dev", "--field-selector", "metadata.name=web-b", "-o",
                  "custom-columns=NAME:.metadata.name,IMG:.spec.containers[*].image", tick="0") == (
        "NAME    IMG\nweb-b   nginx:1.14.2\n")
    assert cli.ok("get", "pods", "-n", "dev", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\t\"}"
                  "{.status.phase}{\"\\n\"}{end}", tick="0") == "web-a\tRunning\nweb-b\tRunning\n"
    assert cli.ok("get", "pods", "-n", "dev", "--sort-by", "{.status.podIP}", "-o", "name", tick="0") == \
        "pod/web-a\npod/web-b\n"
    both = json.loads(cli.ok("get", "pods", "-n", "dev", "-o", "json", tick="0"))
    assert both["kind"] == "List" and both["metadata"] == {"resourceVersion": ""} and len(both["items"]) == 2
    one = json.loads(cli.ok("get", "pod", "web-a", "-n", "dev", "-o", "json", tick="0"))
    assert one["kind"] == "Pod" and one["status"]["qosClass"] == "BestEffort"


def test_selector_and_listing_errors(cli, manifest):
    _two_pods(cli, manifest)
    assert cli.fail("get", "pods", "-n", "dev", "--field-selector", "foo=bar", tick="0") == (
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", '
        'field selector "foo=bar": field label not supported: foo\n')
    assert "unable to parse requirement" in cli.fail("get", "pods", "-n", "dev", "-l", "-bad", tick="0")
    assert cli.fail("get", "pod", "x", "-n", "nope", tick="0") == \
        'Error from server (NotFound): namespaces "nope" not found\n'
    listed = cli("get", "pods", "-n", "nope", tick="0")
    assert listed.returncode == 0 and listed.stderr == "No resources found in nope namespace.\n"
    assert cli.fail("get", "pods", "-o", "foo", tick="0").startswith(
        'error: unable to match a printer suitable for the output format "foo"')


def test_namespace_lifecycle(cli, manifest):
    _two_pods(cli, manifest)
    assert cli.fail("create", "namespace", "dev", tick="0") == \
        'Error from server (AlreadyExists): namespaces "dev" already exists\n'
    assert cli.ok("delete", "namespace", "dev") == 'namespace "dev" deleted\n'
    assert "dev" not in cli.ok("get", "ns")
    gone = cli("get", "pods", "-A")
    assert gone.stdout == "" and gone.stderr == "No resources found\n"


def test_edit_through_editor(cli, manifest, tmp_path):
    cli.ok("apply", "-f", str(EXAMPLES / "nginx.yaml"))
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nsed -i 's/image: nginx:1.14.2/image: nginx:1.25/' \"$1\"\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    done = cli("edit", "pod", "nginx", env={"EDITOR": str(editor)})
    assert done.returncode == 0 and done.stdout == "pod/nginx edited\n"
    assert cli.ok("get", "pod", "nginx", "-o", "jsonpath={.spec.containers[0].image}") == "nginx:1.25"
    noop = tmp_path / "noop.sh"
    noop.write_text("#!/bin/sh\ntrue\n")
    noop.chmod(noop.stat().st_mode | stat.S_IEXEC)
    done = cli("edit", "pod", "nginx", env={"EDITOR": str(noop)})
    assert done.returncode == 0 and done.stderr == "Edit cancelled, no changes made.\n"
    bad = tmp_path / "bad.sh"
    bad.write_text("#!/bin/sh\nsed -i 's/restartPolicy: Always/restartPolicy: Never/' \"$1\"\n")
    bad.chmod(bad.stat().st_mode | stat.S_IEXEC)
    done = cli("edit", "pod", "nginx", env={"EDITOR": str(bad)})
    assert done.returncode == 1
    assert done.stderr.startswith('error: pods "nginx" is invalid\n')
    assert done.stderr.endswith("error: Edit cancelled, no valid changes were saved.\n")


def test_logs_and_wait(cli, manifest):
    cli.ok("apply", "-f", manifest(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: counter\nspec:\n  restartPolicy: Never\n  containers:\n"
        "  - name: count\n    image: busybox:1.36\n"
        "    command: [sh, -c, 'for i in 1 2 3; do echo tick $i; sleep 1; done']\n"), tick="0")
    assert cli.ok("wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/counter", tick="0") == \
        "pod/counter condition met\n"
    assert cli.ok("logs", "counter", tick="0") == "tick 1\ntick 2\ntick 3\n"
    assert cli.ok("logs", "counter", "--tail", "1", tick="0") == "tick 3\n"
    stamped = cli.ok("logs", "counter", "--timestamps", tick="0").splitlines()
    assert stamped[0].endswith("Z tick 1") and stamped[0].startswith("2026-01-01T00:00:")
    assert cli.fail("logs", "nothere", tick="0") == \
        'error: error from server (NotFound): pods "nothere" not found in namespace "default"\n'
    assert cli.fail("logs", "counter", "-c", "nope", tick="0") == "error: container nope is not valid for pod counter\n"
    assert cli.fail("wait", "--for=condition=Ready", "pod/counter", "--timeout=5s", tick="0") == \
        "error: timed out waiting for the condition on pods/counter\n"
    assert cli.ok("delete", "pod", "counter", tick="0") == 'pod "counter" deleted\n'
    assert cli.ok("wait", "--for=delete", "pod/counter", tick="0") == ""


def test_delete_flags(cli):
    cli.ok("apply", "-f", str(EXAMPLES / "nginx.yaml"))
    assert cli.fail("delete", "pod", "nginx", "--now", "--grace-period=5") == \
        "error: --now and --grace-period cannot be specified together\n"
    assert cli.fail("delete", "pod", "nginx", "--force", "--grace-period=5") == \
        "error: --force and --grace-period greater than 0 cannot be specified together\n"
    assert cli.fail("delete", "pods") == "error: resource(s) were provided, but no name was specified\n"
    assert cli.ok("delete", "pod", "nginx", "--dry-run=client") == 'pod "nginx" deleted (dry run)\n'
    assert cli.ok("delete", "pod", "nginx", "-o", "name") == "pod/nginx\n"
    assert cli.ok("delete", "pods", "--all") == "No resources found\n"
    assert cli.ok("delete", "pod", "nginx", "--ignore-not-found") == ""


@pytest.mark.skipif(not CORPUS.exists(), reason="corpus not present")
def test_exec_changes_what_probes_see(cli):
    """`exec -- touch /tmp/healthy` in liveness-exec's virtual filesystem stops the liveness kill."""
    cli.ok("apply", "-f", str(CORPUS / "pods/probe/exec-liveness.yaml"), tick="0")
    cli.ok("clock", "advance", "35s", tick="0")
    done = cli("exec", "liveness-exec", "--", "cat", "/tmp/healthy", tick="0")
    assert done.returncode == 1
    assert done.stdout == ""  # the container's stderr is kubectl's stderr, before kubectl's own line
    assert done.stderr == ("cat: can't open '/tmp/healthy': No such file or directory\n"
                           "command terminated with exit code 1\n")
    assert cli.ok("exec", "liveness-exec", "-c", "liveness", "--", "touch", "/tmp/healthy", tick="0") == ""
    cli.ok("clock", "advance", "60s", tick="0")
    row = cli.ok("get", "pod", "liveness-exec", "--no-headers", tick="0").split()
    assert row[:4] == ["liveness-exec", "1/1", "Running", "0"]
    # -c goes to the server as it is: the pod's exec subresource refuses it (registry/core/pod streamLocation)
    assert cli.fail("exec", "liveness-exec", "-c", "nope", "--", "ls", tick="0") == \
        "Error from server (BadRequest): container nope is not valid for pod liveness-exec\n"


def test_event_field_selectors(cli):
    cli.ok("apply", "-f", str(EXAMPLES / "nginx.yaml"), tick="0")
    cli.ok("clock", "advance", "5s", tick="0")
    out = cli.ok("get", "events", "--field-selector", "involvedObject.name=nginx,reason=Pulled",
                 "-o", "jsonpath={.items[*].message}", tick="0")
    assert out.startswith('Successfully pulled image "nginx:1.14.2" in 2s')
    assert cli("get", "events", "--field-selector", "type=Warning", tick="0").stderr == \
        "No resources found in default namespace.\n"
    assert "field label not supported: spec.foo" in cli.fail("get", "events", "--field-selector", "spec.foo=x")


def test_user_image_catalog_in_the_store_directory(cli, manifest):
    """$MINIKCTL_HOME/images.json adds images with their own entrypoint, size and pull time."""
    cli.home.mkdir(parents=True, exist_ok=True)
    (cli.home / "images.json").write_text(json.dumps({"repositories": {"example.com/team/myapp": {
        "entrypoint": ["sh", "-c"], "cmd": ["echo hello from myapp; sleep 5; exit 4"], "size": 12345678,
        "pull_ms": 3000, "executables": ["@busybox"], "tags": {"1.0": {}}}}}))
    cli.ok("apply", "-f", manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: myapp\nspec:\n  restartPolicy: Never\n"
                                   "  containers:\n  - name: app\n    image: example.com/team/myapp:1.0\n"), tick="0")
    cli.ok("clock", "advance", "10s", tick="0")
    assert cli.ok("get", "pod", "myapp", "--no-headers", tick="0").split()[2] == "Error"
    assert cli.ok("logs", "myapp", tick="0") == "hello from myapp\n"
    assert 'Successfully pulled image "example.com/team/myapp:1.0" in 3s (3s including waiting). Image size: 12345678 bytes.' \
        in cli.ok("describe", "pod", "myapp", tick="0")


def test_describe_says_what_the_simulator_assumed(cli, manifest):
    """A command the simulator only approximates gets a `Simulated:` line under its container in describe."""
    cli.ok("apply", "-f", manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: fetch\nspec:\n  containers:\n"
                                   "  - name: c\n    image: busybox\n"
                                   "    command: [sh, -c, 'wget -q -O- http://example.com; sleep 3600']\n"), tick="0")
    before = cli.ok("describe", "pod", "fetch", tick="0")
    assert "Simulated:" not in before  # nothing has run yet
    cli.ok("clock", "advance", "5s", tick="0")
    lines = cli.ok("describe", "pod", "fetch", tick="0").splitlines()
    assert "    Simulated:  wget/curl: every URL is assumed reachable and returns a small simulated page" in lines


def test_logs_since_and_limit_bytes(cli):
    """--since/--since-time filter by the line's time, --limit-bytes cuts the output; errors are kubectl's."""
    cli.ok("run", "c", "--image=busybox", "--", "sh", "-c", "i=0; while true; do i=$((i+1)); echo line $i; sleep 10; done",
           tick="0")
    cli.ok("clock", "advance", "60s", tick="0")  # lines at 1s, 11s, ..., 51s
    assert cli.ok("logs", "c", "--since=25s", tick="0") == "line 5\nline 6\n"
    assert cli.ok("logs", "c", "--since=0s", tick="0").count("\n") == 6
    assert cli.ok("logs", "c", "--since-time=2026-01-01T00:00:31.9Z", tick="0") == "line 4\nline 5\nline 6\n"
    assert cli.ok("logs", "c", "--tail=3", "--since=25s", tick="0") == "line 5\nline 6\n"
    assert cli.ok("logs", "c", "--limit-bytes=10", tick="0") == "line 1\nlin"
    assert cli.fail("logs", "c", "--since=-1s", tick="0") == "error: --since must be greater than 0\n"
    assert cli.fail("logs", "c", "--since=abc", tick="0") == (
        'Error: invalid argument "abc" for "--since" flag: time: invalid duration "abc"\n'
        "See 'minikctl logs --help' for usage.\n")
    assert cli.fail("logs", "c", "--since=1s", "--since-time=2026-01-01T00:00:00Z", tick="0") == \
        "error: at most one of `sinceTime` or `sinceSeconds` may be specified\n"
    assert cli.fail("logs", "c", "--since-time=garbage", tick="0") == \
        'error: parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006"\n'
    assert cli.fail("logs", "c", "--limit-bytes=-1", tick="0") == "error: --limit-bytes must be greater than 0\n"


def test_top_answers_like_a_cluster_without_metrics_server(cli):
    for args in (["top", "pods"], ["top", "pod", "x", "-n", "kube-system"], ["top", "node"]):
        assert cli.fail(*args, tick="0") == "error: Metrics API not available\n"

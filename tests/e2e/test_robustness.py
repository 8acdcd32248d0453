"""Issue 11: nothing a container does or a file says breaks the store. Every input of the issue's corpus gets
kubectl's or the API server's own words and exit code 1 (or kubectl's behaviour where it accepts), never an
internal error, and a refused input leaves the store byte for byte as it was."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess

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

HINT = "; if you choose to ignore these errors, turn validation off with --validate=false"


def pod(meta: str = "{name: x}", spec: str = "{containers: [{name: c, image: i}]}") -> str:
    return f"apiVersion: v1\nkind: Pod\nmetadata: {meta}\nspec: {spec}\n"


def pod_json(**spec) -> str:
    body = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"},
            "spec": {"containers": [{"name": "c", "image": "i"}], **spec}}
    return json.dumps(body)


@pytest.fixture
def seeded(cli):
    cli.ok("apply", "-f", "-", input=GOOD, tick="0")
    return cli


REFUSED_MANIFESTS = [
    ("apiVersion: [v1]\nkind: Pod\nmetadata: {name: x}\n",
     f'error: error validating "STDIN": error validating data: apiVersion isn\'t string type{HINT}\n'),
    ("apiVersion: {a: 1}\nkind: Pod\nmetadata: {name: x}\n",
     f'error: error validating "STDIN": error validating data: apiVersion isn\'t string type{HINT}\n'),
    ("apiVersion: v1\nkind: [Pod]\nmetadata: {name: x}\n",
     f'error: error validating "STDIN": error validating data: kind isn\'t string type{HINT}\n'),
    ("apiVersion: v1\nkind: {a: b}\nmetadata: {name: x}\n",
     f'error: error validating "STDIN": error validating data: kind isn\'t string type{HINT}\n'),
    (pod("{name: x, annotations: x}"),
     'error: unable to decode "STDIN": json: cannot unmarshal string into Go struct field '
     "ObjectMeta.metadata.annotations of type map[string]string\n"),
    (pod("{name: x, labels: [a]}"),
     'error: unable to decode "STDIN": json: cannot unmarshal array into Go struct field '
     "ObjectMeta.metadata.labels of type map[string]string\n"),
    # JSON: a number out of float64's range is refused by kubectl's decoder
    (pod_json(terminationGracePeriodSeconds="@INF@"),
     'error: unable to decode "STDIN": json: cannot unmarshal number 1e999999 into Go value of type float64\n'),
    (pod_json(activeDeadlineSeconds="@BIG@"),
     'error: unable to decode "STDIN": json: cannot unmarshal number ' + "9" * 5000 + " into Go value of type float64\n"),
    # YAML: go-yaml cannot make a float of it, so it stays a string, which the server's decoder refuses
    (pod(spec="{terminationGracePeriodSeconds: 1e999999, containers: [{name: c, image: i}]}"),
     'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: '
     "json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64\n"),
    (pod(spec="{terminationGracePeriodSeconds: " + "9" * 5000 + ", containers: [{name: c, image: i}]}"),
     'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: '
     "json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64\n"),
    (pod('{name: x, creationTimestamp: "not a time"}'),
     'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: '
     'parsing time "not a time" as "2006-01-02T15:04:05Z07:00": cannot parse "not a time" as "2006"\n'),
    (pod('{name: x, creationTimestamp: "2024-13-01T00:00:00Z"}'),
     'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: '
     'parsing time "2024-13-01T00:00:00Z": month out of range\n'),
    (pod("{name: x, ownerReferences: [{}]}"),
     'The Pod "x" is invalid: \n'
     '* metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty\n'
     '* metadata.ownerReferences.kind: Invalid value: "": must not be empty\n'
     '* metadata.ownerReferences.name: Invalid value: "": must not be empty\n'
     '* metadata.ownerReferences.uid: Invalid value: "": must not be empty\n'),
    ('a: "\\ud800"\n', "error: error parsing STDIN: error converting YAML to JSON: yaml: found invalid Unicode "
                       "character escape code\n"),
]


@pytest.mark.parametrize("text, expected", REFUSED_MANIFESTS, ids=range(len(REFUSED_MANIFESTS)))
def test_refused_manifests(seeded, text, expected):
    text = text.replace('"@INF@"', "1e999999").replace('"@BIG@"', "9" * 5000)
    before = seeded.db_bytes()
    assert seeded.fail("apply", "-f", "-", input=text, tick="0") == expected
    assert seeded.db_bytes() == before


def test_lone_surrogates_in_json_read_as_replacement_characters(cli):
    text = json.dumps({"apiVersion": "v1", "kind": "Pod",
                       "metadata": {"name": "x", "annotations": {"a": "\ud800b", "ok": "\U0001F600"}},
                       "spec": {"containers": [{"name": "c", "image": "i"}]}}, ensure_ascii=True)
    assert cli.ok("apply", "-f", "-", input=text) == "pod/x created\n"
    annotations = json.loads(cli.ok("get", "pod", "x", "-o", "json"))["metadata"]["annotations"]
    assert annotations["a"] == "\ufffdb" and annotations["ok"] == "\U0001F600"


def test_stdin_closed_reads_as_empty(cli, tmp_path):
    env = dict(os.environ, MINIKCTL_HOME=str(cli.home))
    done = subprocess.run(" ".join(cli.argv) + " apply -f - <&-", shell=True, capture_output=True, text=True,
                          env=env)
    assert (done.returncode, done.stderr) == (1, "error: no objects passed to apply\n")


def test_stdout_or_stderr_closed_is_no_internal_error(cli):
    """kubectl writes to a closed descriptor, ignores the failure and exits as it would have (0 for a command that
    succeeds, 1 for one refused): no traceback either way."""
    env = dict(os.environ, MINIKCTL_HOME=str(cli.home))
    cli.ok("run", "a", "--image=busybox", "--", "sleep", "99999")
    for redirect in (">&-", "2>&-", ">&- 2>&-"):
        done = subprocess.run(" ".join(cli.argv) + f" get pods {redirect}", shell=True, capture_output=True,
                              text=True, env=env)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (redirect, done.stderr)
    done = subprocess.run(" ".join(cli.argv) + " get nopes >&-", shell=True, capture_output=True, text=True,
                          env=env)
    assert (done.returncode, done.stderr) == (1, 'error: the server doesn\'t have a resource type "nopes"\n')


DEEP = 600


@pytest.mark.parametrize("args, expected", [
    (["--type", "merge", "-p", '{"kind":"Service"}'], "The request is invalid: patch: Invalid value: "),
    (["--type", "json", "-p", '[{"op":"replace","path":"/kind","value":"Service"}]'],
     "The request is invalid: patch: Invalid value: "),
    (["--type", "merge", "-p", '{"apiVersion":"v2"}'], "The request is invalid: patch: Invalid value: "),
    (["--type", "merge", "-p", '{"kind":5}'], "The request is invalid: patch: Invalid value: "),
    (["--type", "merge", "-p", '{"metadata":{"labels":' + '{"a":' * DEEP + "1" + "}" * (DEEP + 2)],
     "error: unable to decode: json: cannot unmarshal object into Go struct field ObjectMeta.metadata.labels"),
    # a strategic merge patch is converted into the Pod type on the server (FromUnstructured's words)
    (["-p", '{"metadata":{"labels":' + '{"a":' * DEEP + "1" + "}" * (DEEP + 2)],
     'The request is invalid: patch: Invalid value: "map[metadata:map[labels:map[a:map[a:map[a:'),
    (["--type", "merge", "-p", '{"spec":{"activeDeadlineSeconds":1e999999}}'],
     "Error from server (BadRequest): error decoding patch: json: cannot unmarshal number 1e999999 into Go value "
     "of type float64"),
])
def test_refused_patches_leave_the_store_unchanged(seeded, args, expected):
    before = seeded.db_bytes()
    err = seeded.fail("patch", "pod", "ok", *args, tick="0")
    assert err.startswith(expected), err
    assert seeded.db_bytes() == before


def test_a_deep_unknown_field_in_a_patch_is_dropped_with_a_warning(seeded):
    """kubectl patch sends no fieldValidation: the server's default (Warn) drops the unknown field, however deep."""
    before = seeded.db_bytes()
    done = seeded("patch", "pod", "ok", "--type", "json", "-p",
                  '[{"op":"add","path":"/spec/x","value":' + "[" * DEEP + "]" * DEEP + "}]", tick="0")
    assert (done.returncode, done.stdout, done.stderr) == (0, "pod/ok patched (no change)\n",
                                                          'Warning: unknown field "spec.x"\n')
    assert seeded.db_bytes() == before


def test_kind_changes_a_server_drops_or_defaults(seeded):
    assert seeded.ok("patch", "pod", "ok", "-p", '{"kind":"Service"}', tick="0") == "pod/ok patched (no change)\n"
    assert seeded.ok("patch", "pod", "ok", "--type", "merge", "-p", '{"kind":null}',
                     tick="0") == "pod/ok patched (no change)\n"
    assert seeded.ok("patch", "pod", "ok", "--type", "json", "-p", '[{"op":"remove","path":"/kind"}]',
                     tick="0") == "pod/ok patched (no change)\n"
    assert json.loads(seeded.ok("get", "pod", "ok", "-o", "json"))["kind"] == "Pod"


def test_service_patch_names_the_conversion(seeded):
    err = seeded.fail("patch", "pod", "ok", "--type", "merge", "-p", '{"kind":"Service"}')
    assert err.endswith(": converting (k8s.io/api/core/v1) Service to (k8s.io/kubernetes/pkg/apis/core) Pod: "
                        "unknown conversion\n")


@pytest.mark.parametrize("args, expected", [
    (["delete", "pod", "ok", "--grace-period=" + "9" * 20],
     f'Error: invalid argument "{"9" * 20}" for "--grace-period" flag: strconv.ParseInt: parsing "{"9" * 20}": '
     "value out of range\nSee 'minikctl delete --help' for usage.\n"),
    (["delete", "pod", "ok", "--timeout=banana"],
     'Error: invalid argument "banana" for "--timeout" flag: time: invalid duration "banana"\n'
     "See 'minikctl delete --help' for usage.\n"),
    (["get", "pods", "-n", "../.."], "invalid namespace \"../..\": [may not contain '/']\n"),
    (["get", "pods", "-n", ".."], "invalid namespace \"..\": [may not be '..']\n"),
    (["get", "pod", "ok", "-n", "a%b"], "error: invalid namespace \"a%b\": [may not contain '%']\n"),
    (["delete", "pod", "ok", "-n", ".."], "error: invalid namespace \"..\": [may not be '..']\n"),
])
def test_refused_flags(seeded, args, expected):
    before = seeded.db_bytes()
    err = seeded.fail(*args, tick="0")
    if expected is not None:
        assert err == expected
    assert seeded.db_bytes() == before


def test_the_clock_stops_at_year_9999(cli):
    for _ in range(40):
        done = cli("clock", "advance", "2562047h")
        if done.returncode:
            break
    assert "the virtual clock cannot pass 9999-12-31T23:59:59Z" in done.stderr
    cli.ok("run", "s", "--image=busybox", "--restart=Never", "--", "sleep", "3600")
    assert cli.ok("get", "pods", "-o", "name") == "pod/s\n"  # ticking at the end of time works


def test_a_huge_grace_period_is_kept_within_what_a_time_can_say(seeded):
    seeded.ok("delete", "pod", "ok", f"--grace-period={(1 << 63) - 1}", "--wait=false")
    seeded.ok("get", "pods")


@pytest.mark.parametrize("argv, reason", [
    (["sleep", "99999999999999999999999"], "Error"),  # busybox: invalid number, exit 1
    (["sleep", "18446744073709551615"], None),  # busybox: the longest sleep there is: forever
    (["sleep", "999999999999999999d"], "Error"),  # range error
])
def test_a_huge_sleep_never_bricks_the_store(cli, argv, reason):
    cli.ok("run", "s", "--image=busybox", "--restart=Never", "--", *argv)
    cli.ok("clock", "advance", "1h")
    cli.ok("get", "pods")
    phase = json.loads(cli.ok("get", "pod", "s", "-o", "json"))["status"]["phase"]
    assert phase == ("Failed" if reason else "Running")
    cli.ok("delete", "pod", "s", "--force", "--grace-period=0")


def test_gnu_sleep_of_any_length_sleeps(cli):
    cli.ok("run", "g", "--image=ubuntu", "--restart=Never", "--", "sleep", "9" * 30)
    cli.ok("clock", "advance", "1h")
    assert json.loads(cli.ok("get", "pod", "g", "-o", "json"))["status"]["phase"] == "Running"


def test_a_bad_user_image_catalog_is_named(cli):
    cli.home.mkdir(parents=True)
    (cli.home / "images.json").write_text("not json")
    err = cli.fail("run", "q", "--image=busybox", "--", "sleep", "1")
    assert f'error: the image catalog "{cli.home / "images.json"}" is not valid JSON' in err
    (cli.home / "images.json").write_text('{"repositories": {"x": {"tags": []}}}')
    err = cli.fail("run", "q", "--image=busybox", "--", "sleep", "1")
    assert 'is not a valid catalog: repositories["x"].tags must map tags to objects' in err


def test_a_store_that_is_no_file(cli, tmp_path):
    err = cli.fail("--store", "/dev/null", "get", "pods")
    assert err == 'error: the store "/dev/null" is not a regular file: give --store the path of a file (a new one is ' \
                  "created there)\n"
    err = cli.fail("--store", str(tmp_path), "get", "pods")
    assert "is a directory" in err


def test_recursive_apply_does_not_follow_symlink_loops(cli, tmp_path):
    root = tmp_path / "tree"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "p.yaml").write_text(GOOD)
    os.symlink("..", root / "sub" / "up")
    os.symlink(str(root), root / "sub" / "again")
    assert cli.ok("apply", "-R", "-f", str(root)) == "pod/ok created\n"


def test_full_disk_is_said_as_such(cli, tmp_path):
    """SQLite's SQLITE_FULL (max_page_count stands in for a full disk) ends the command cleanly, store intact."""
    cli.ok("apply", "-f", "-", input=GOOD)
    before = cli.db_bytes()
    conn = sqlite3.connect(cli.home / "store.db")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    big = "".join(f"---\n{GOOD.replace('name: ok', f'name: p{i}')}" for i in range(400))
    env = {"MINIKCTL_TEST_MAX_PAGES": str(pages + 2)}
    err = cli.fail("apply", "-f", "-", input=big, env=env)
    assert "cannot be written: the disk is full" in err and "nothing was changed" in err
    assert cli.db_bytes() == before


def _corrupt_last_page(path):
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")  # no free pages at the end: the last page holds data (a free one is not checked)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    size = os.path.getsize(path)
    with open(path, "r+b") as f:  # its header too: a page whose cells alone are garbled can pass quick_check
        f.seek(size - page)
        f.write(b"\xa5" * (page - 16))


def test_a_corrupt_last_page_is_found(cli):
    cli.ok("apply", "-f", "-", input=GOOD)
    for i in range(30):
        cli.ok("label", "pod", "ok", f"k{i}=v")
    _corrupt_last_page(cli.home / "store.db")
    err = cli.fail("label", "pod", "ok", "again=1")
    assert err.startswith(f'error: the store "{cli.home / "store.db"}" is damaged (')
    assert "sqlite3" in err and ".recover" in err


@pytest.mark.parametrize("body", ["{not json", "5", '{"kind": "Pod"}'])
def test_a_corrupt_row_is_named(cli, body):
    cli.ok("apply", "-f", "-", input=GOOD)
    conn = sqlite3.connect(cli.home / "store.db")
    conn.execute("UPDATE objects SET body=? WHERE kind='Pod' AND name='ok'", (body,))
    conn.commit()
    conn.close()
    for args in (["get", "pod", "ok"], ["get", "pods"], ["delete", "pod", "ok"]):
        err = cli.fail(*args)
        assert f'the store "{cli.home / "store.db"}" is damaged (' in err and "internal error" not in err


# ---- finding 6: partial apply, as kubectl's builder visits documents with ContinueOnError ----------------------
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\n"


def test_a_directory_applies_every_valid_file_and_reports_each_failure(cli, tmp_path):
    d = tmp_path / "dir"
    d.mkdir()
    for i in range(20):
        (d / f"{i:02}.yaml").write_text(CM % f"c{i}" if i % 7 else "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [x\n")
    done = cli("apply", "-f", str(d))
    assert done.returncode == 1
    assert done.stdout == "".join(f"configmap/c{i} created\n" for i in range(20) if i % 7)
    assert done.stderr.count("error parsing") == 3 and not done.stderr.startswith("error: ")
    names = cli.ok("get", "cm", "-o", "name").split()
    assert [n for n in names if n.startswith("configmap/c")] == sorted(f"configmap/c{i}" for i in range(20) if i % 7)


def test_a_bad_document_mid_stream_keeps_those_before_it(cli):
    text = CM % "a" + "---\n" + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [b\n" + "---\n" + CM % "c"
    done = cli("apply", "-f", "-", input=text)
    assert (done.returncode, done.stdout) == (1, "configmap/a created\n")
    assert done.stderr == ("error: error parsing STDIN: error converting YAML to JSON: yaml: line 3: did not find "
                           "expected ',' or ']'\n")


def test_a_json_document_that_fails_to_decode_fails_alone(cli):
    text = ('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}\n'
            '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"},"data":{"x":1e999999}}\n'
            '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}\n{bad\n'
            '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"}}\n')
    done = cli("apply", "-f", "-", input=text)
    assert (done.returncode, done.stdout) == (1, "configmap/a created\nconfigmap/c created\n")
    assert done.stderr.splitlines() == [
        'unable to decode "STDIN": json: cannot unmarshal number 1e999999 into Go value of type float64',
        "error parsing STDIN: json: offset 213: invalid character 'b' looking for beginning of object key string"]


def test_only_failures_leave_the_store_untouched(cli):
    cli.ok("apply", "-f", "-", input=GOOD)
    before = cli.db_bytes()
    cli.fail("apply", "-f", "-", input="apiVersion: v1\nkind: [x]\n---\nkind: Pod\n")
    assert cli.db_bytes() == before


def test_aliases_are_bounded_by_bytes(cli, tmp_path):
    path = tmp_path / "alias.yaml"
    path.write_text("a: &a " + "x" * (1 << 20) + "\nb: [" + ",".join(["*a"] * 40) + "]\n")
    assert "document contains excessive aliasing" in cli.fail("apply", "-f", str(path))


# ---- finding 2: budgets, as the kubelet reports them ----------------------------------------------------------
def test_oom_and_the_host_guard_as_the_kubelet_reports_them(cli):
    pods = "".join(
        f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  restartPolicy: Never\n  containers:\n"
        f"  - name: c\n    image: busybox\n    command: [sh, -c, 'x=a; while true; do x=$x$x; done']\n{limits}"
        for name, limits in (("limited", "    resources: {limits: {memory: 32Mi}}\n"), ("unlimited", "")))
    cli.ok("apply", "-f", "-", input=pods)
    cli.ok("clock", "advance", "10s")
    state = json.loads(cli.ok("get", "pod", "limited", "-o", "json"))["status"]["containerStatuses"][0]["state"]
    assert (state["terminated"]["exitCode"], state["terminated"]["reason"]) == (137, "OOMKilled")
    state = json.loads(cli.ok("get", "pod", "unlimited", "-o", "json"))["status"]["containerStatuses"][0]["state"]
    assert (state["terminated"]["exitCode"], state["terminated"]["reason"]) == (137, "Error")
    events = cli.ok("get", "events", "--field-selector", "reason=SimulationLimit", "-o", "json")
    items = json.loads(events)["items"]
    assert [e["involvedObject"]["name"] for e in items] == ["unlimited"]
    assert items[0]["type"] == "Warning" and "the host's guard" in items[0]["message"]

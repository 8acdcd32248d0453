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


# ---- 4. --local and --dry-run on label, annotate, set (pkg/cmd/label/label.go Validate/RunLabel,
#         pkg/cmd/annotate/annotate.go ToOptions/RunAnnotate, pkg/cmd/set/set_*.go) --------------------------------
POD_FILE = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: lp\n  labels:\n    app: x\nspec:\n  containers:\n"
            "  - name: c\n    image: nginx\n")
DEPLOY_FILE = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: foo\nspec:\n  selector:\n"
               "    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n    spec:\n"
               "      containers:\n      - name: c\n        image: nginx\n")


def test_label_local_prints_the_file_object_changed_and_touches_nothing(cli, manifest):
    pod = manifest(POD_FILE)
    cli.ok("get", "pods")
    before = cli.db_bytes()
    assert cli.ok("label", "--local", "-f", pod, "foo=bar", "-o", "yaml") == (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    app: x\n    foo: bar\n  name: lp\nspec:\n"
        "  containers:\n  - image: nginx\n    name: c\n")
    assert cli.ok("label", "--local", "-f", pod, "foo=bar") == "pod/lp labeled\n"
    assert cli.ok("label", "--local", "-f", pod, "foo=bar", "--dry-run=client") == "pod/lp labeled (dry run)\n"
    assert cli.ok("label", "--local", "-f", pod, "app-") == "pod/lp unlabeled\n"
    assert cli.ok("label", "--local", "-f", pod, "nope-") == "pod/lp not labeled\n"  # no 'not found' line
    assert cli.fail("label", "--local", "-f", pod, "app=y") == "error: 'app' already has a value (x), and --overwrite is false\n"
    assert cli.ok("annotate", "--local", "-f", pod, "a=b") == "pod/lp annotated\n"
    assert json.loads(cli.ok("annotate", "--local", "-f", pod, "a=b", "-o", "json"))["metadata"] == {
        "annotations": {"a": "b"}, "labels": {"app": "x"}, "name": "lp"}
    assert cli.db_bytes() == before


def test_label_and_annotate_local_several_objects(cli, manifest):
    both = manifest(POD_FILE) + "," + manifest(DEPLOY_FILE, "d.yaml")
    # annotate keeps one YAML printer (--- between objects); label makes one per object
    out = cli.ok("annotate", "--local", "-f", both, "a=b", "-o", "yaml")
    assert out.count("---\n") == 1 and out.count("annotations:\n    a: b\n") == 2
    out = cli.ok("label", "--local", "-f", both, "a=b", "-o", "yaml")
    assert "---" not in out and out.count("apiVersion:") == 2
    assert cli.ok("label", "--local", "-f", both, "a=b") == "pod/lp labeled\ndeployment.apps/d labeled\n"


@pytest.mark.parametrize("args, message", [
    (["label", "--local", "-f", "{pod}", "foo=bar", "--dry-run=server"],
     "cannot specify --local and --dry-run=server - did you mean --dry-run=client?"),
    (["label", "--local", "pod", "p", "foo=bar"],
     "can only use local files by -f pod.yaml or --filename=pod.json when --local=true is set"),
    (["label", "--local", "foo=bar"], "one or more files must be specified as -f pod.yaml or --filename=pod.json"),
    (["label", "--local", "-f", "{pod}"], "at least one label update is required"),
    (["annotate", "--local", "pod", "p", "a=b"],
     "can only use local files by -f rsrc.yaml or --filename=rsrc.json when --local=true is set"),
    (["annotate", "--local", "a=b"], "one or more files must be specified as -f rsrc.yaml or --filename=rsrc.json"),
    (["annotate", "--local", "-f", "{pod}", "a=b", "--dry-run=server"],
     "cannot specify --local and --dry-run=server - did you mean --dry-run=client?"),
    (["label", "foo=bar"], "one or more resources must be specified as <resource> <name> or <resource>/<name>"),
    (["annotate", "a=b"], "one or more resources must be specified as <resource> <name> or <resource>/<name>"),
    (["label", "--local", "-f", "{deploy}", "a=b", "-n", "other"],
     "the namespace from the provided object \"foo\" does not match the namespace \"other\". You must pass "
     "'--namespace=foo' to perform this operation."),
])
def test_label_annotate_local_refusals(cli, manifest, args, message):
    _pod(cli)
    files = {"pod": manifest(POD_FILE), "deploy": manifest(DEPLOY_FILE, "d.yaml")}
    before = cli.db_bytes()
    assert cli.fail(*[a.format(**files) for a in args]) == f"error: {message}\n"
    assert cli.db_bytes() == before


def test_label_dry_run_client_changes_the_fetched_object_only(cli):
    _pod(cli)
    before = cli.db_bytes()
    # the object is changed in memory: no 'label "zz" not found.' line (that one comes from the patch path)
    assert cli.ok("label", "pod", "p", "zz-", "--dry-run=client", tick="0") == "pod/p not labeled (dry run)\n"
    shown = json.loads(cli.ok("label", "pod", "p", "x=y", "--dry-run=client", "-o", "json", tick="0"))
    assert shown["metadata"]["labels"] == {"run": "p", "x": "y"}
    assert cli.ok("annotate", "pod", "p", "a=b", "--dry-run=server", "-o", "name", tick="0") == "pod/p\n"
    assert cli.db_bytes() == before
    assert cli.ok("label", "pod", "p", "zz-") == 'label "zz" not found.\npod/p not labeled\n'


def test_set_local_prints_the_typed_object(cli, manifest):
    """set's builder is typed: the file's object is decoded into its Go type, so zero-valued structs appear."""
    pod = manifest(POD_FILE)
    cli.ok("get", "pods")
    before = cli.db_bytes()
    assert cli.ok("set", "image", "--local", "-f", pod, "c=busybox", "-o", "yaml") == (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: x\n  name: lp\n"
        "spec:\n  containers:\n  - image: busybox\n    name: c\n    resources: {}\nstatus: {}\n")
    env = cli.ok("set", "env", "--local", "-f", pod, "A=1", "-o", "yaml")
    assert "  - env:\n    - name: A\n      value: \"1\"\n" in env and env.endswith("    resources: {}\nstatus: {}\n")
    res = cli.ok("set", "resources", "--local", "-f", pod, "--limits=cpu=200m", "-o", "yaml")
    assert "    resources:\n      limits:\n        cpu: 200m\n" in res
    deploy = cli.ok("set", "image", "--local", "-f", manifest(DEPLOY_FILE, "d.yaml"), "c=busybox", "-o", "yaml")
    assert "  strategy: {}\n" in deploy and deploy.endswith("status: {}\n") and "namespace: foo" in deploy
    # set env does not give its resource arguments to a local builder: the file is used
    assert cli.ok("set", "env", "--local", "-f", pod, "pod/p1", "A=1", "-o", "name") == "pod/lp\n"
    assert cli.db_bytes() == before


MISSING = ("error: You must provide one or more resources by argument or filename.\nExample resource specifications "
           "include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n")
LOCAL_ERROR = ("error: you must specify resources by --filename when --local is set.\nExample resource specifications "
               "include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n")


@pytest.mark.parametrize("args, expected", [
    (["set", "image", "--local", "pod/p", "c=busybox"], LOCAL_ERROR),
    (["set", "resources", "--local", "pod/p", "--limits=cpu=1"], LOCAL_ERROR),
    (["set", "env", "--local", "pod/p", "A=1"], MISSING),
    (["set", "image", "--local", "c=busybox"], MISSING),
    (["set", "image", "c=busybox"], MISSING),
    (["set", "resources", "--limits=cpu=1"], MISSING),
    (["set", "image", "--local", "-f", "{pod}", "c=busybox", "--dry-run=server"],
     "error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?\n"),
    (["set", "env", "--local", "-f", "{pod}", "A=1", "--dry-run=server"],
     "error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?\n"),
    (["set", "image", "--local", "-f", "{deploy}", "c=x", "-n", "other"],
     "error: the namespace from the provided object \"foo\" does not match the namespace \"other\". You must pass "
     "'--namespace=foo' to perform this operation.\n"),
])
def test_set_local_refusals(cli, manifest, args, expected):
    _pod(cli)
    files = {"pod": manifest(POD_FILE), "deploy": manifest(DEPLOY_FILE, "d.yaml")}
    before = cli.db_bytes()
    # tick 0: a refused command keeps the time that passed (its tick), nothing of its own
    assert cli.fail(*[a.format(**files) for a in args], tick="0") == expected
    assert cli.db_bytes() == before


# ---- 5. create --edit, edit --output-patch / --windows-line-endings (pkg/cmd/util/editor/editoptions.go) --------
def _editor(tmp_path, sed: str) -> dict:
    """An $EDITOR that applies a sed expression and keeps a copy of what it was given."""
    script = tmp_path / "editor.sh"
    script.write_text(f"#!/bin/sh\ncp \"$1\" \"{tmp_path}/given\"\nsed -i '{sed}' \"$1\"\n", encoding="utf-8")
    script.chmod(0o755)
    return {"EDITOR": str(script), "KUBE_EDITOR": ""}


def test_edit_output_patch_prints_the_two_way_patch(cli, tmp_path):
    _pod(cli, "e1", "nginx")
    out = cli.ok("edit", "pod", "e1", "--output-patch",
                 env=_editor(tmp_path, "0,/image: nginx$/s//image: busybox/"))  # the spec's, not the status's
    assert out == ('Patch: {"spec":{"$setElementOrder/containers":[{"name":"e1"}],"containers":[{"image":"busybox",'
                   '"name":"e1"}]}}\npod/e1 edited\n')
    assert cli.ok("get", "pod", "e1", "-o", "jsonpath={.spec.containers[0].image}") == "busybox"


def test_edit_accepts_only_json_or_yaml_output(cli, tmp_path):
    _pod(cli, "e1", "nginx")
    err = cli.fail("edit", "pod", "e1", "-o", "name", env=_editor(tmp_path, "s/nginx/busybox/"))
    assert err == 'error: unable to match a printer suitable for the output format "name", allowed formats are: json,yaml\n'
    assert not (tmp_path / "given").exists()  # refused before the editor opened


def test_edit_windows_line_endings(cli, tmp_path):
    _pod(cli, "e1", "nginx")
    done = cli("edit", "pod", "e1", "--windows-line-endings", env=_editor(tmp_path, "0,/image: nginx\\r$/s//image: busybox\\r/"))
    assert (done.returncode, done.stdout) == (0, "pod/e1 edited\n"), done.stderr
    given = (tmp_path / "given").read_bytes()
    assert given.startswith(b"# Please edit the object below.") and b"\r\n" in given and b"\n" not in given.replace(b"\r\n", b"")
    assert cli.ok("get", "pod", "e1", "-o", "jsonpath={.spec.containers[0].image}") == "busybox"


def test_create_edit_opens_the_editor_before_creating(cli, manifest, tmp_path):
    pod = manifest(POD_FILE)
    editor = _editor(tmp_path, "s/image: nginx$/image: busybox/")
    done = cli("create", "-f", pod, "--edit", env=editor)
    assert (done.returncode, done.stdout, done.stderr) == (0, "pod/lp created\n", "")
    # the builder fills in the namespace before the object is shown
    assert "  name: lp\n  namespace: default\n" in (tmp_path / "given").read_text()
    assert cli.ok("get", "pod", "lp", "-o", "jsonpath={.spec.containers[0].image}") == "busybox"
    # refused by the server: the edited copy is kept and named
    err = cli.fail("create", "-f", pod, "--edit", env=editor)
    assert err.startswith('A copy of your changes has been stored to "') and err.endswith(
        '"\nError from server (AlreadyExists): pods "lp" already exists\n')


def test_create_edit_without_a_change_creates_nothing(cli, manifest, tmp_path):
    pod = manifest(POD_FILE)
    done = cli("create", "-f", pod, "--edit", env=_editor(tmp_path, "s/nothing-matches-this//"))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "Edit cancelled, no changes made.\n")
    assert cli.fail("get", "pod", "lp") == 'Error from server (NotFound): pods "lp" not found\n'


# ---- 6. replace --grace-period/--timeout/--save-config/--force (pkg/cmd/replace/replace.go), --record ----------
def _live_file(cli, manifest, name: str = "p") -> str:
    return manifest(cli.ok("get", "pod", name, "-o", "yaml", tick="0"), "live.yaml")


@pytest.mark.parametrize("extra, message", [
    (["--grace-period=1"], "--grace-period must have --force specified"),
    (["--timeout=1s"], "--timeout must have --force specified"),
    (["--force", "--dry-run=client"], "--dry-run can not be used when --force is set"),
    (["--force", "--dry-run=server"], "--dry-run can not be used when --force is set"),
])
def test_replace_flag_rules(cli, manifest, extra, message):
    _pod(cli)
    live = _live_file(cli, manifest)
    before = cli.db_bytes()
    assert cli.fail("replace", "-f", live, *extra, tick="0") == f"error: {message}\n"
    assert cli.db_bytes() == before


def test_replace_force_deletes_then_creates(cli, manifest):
    _pod(cli)
    uid = cli.ok("get", "pod", "p", "-o", "jsonpath={.metadata.uid}")
    live = _live_file(cli, manifest)
    assert cli.ok("replace", "--force", "--grace-period=0", "-f", live) == 'pod "p" deleted\npod/p replaced\n'
    assert cli.ok("get", "pod", "p", "-o", "jsonpath={.metadata.uid}") != uid
    assert cli.ok("replace", "--force", "--timeout=1m", "-f", live, "-o", "name") == 'pod "p" deleted\npod/p\n'


def test_replace_save_config(cli, manifest):
    _pod(cli)
    live = _live_file(cli, manifest)
    assert cli.ok("replace", "-f", live, "--save-config", "-o", "name", tick="0") == "pod/p\n"
    annotations = json.loads(cli.ok("get", "pod", "p", "-o", "jsonpath={.metadata.annotations}"))
    assert json.loads(annotations["kubectl.kubernetes.io/last-applied-configuration"])["metadata"]["name"] == "p"


RECORD_WARNING = "Flag --record has been deprecated, --record will be removed in the future\n"


def test_record_is_deprecated_and_records_the_command_line(cli):
    _pod(cli)
    done = cli("label", "pod", "p", "rec=1", "--record")
    assert (done.returncode, done.stdout, done.stderr) == (0, "pod/p labeled\n", RECORD_WARNING)
    cause = lambda: json.loads(cli.ok("get", "pod", "p", "-o", "jsonpath={.metadata.annotations}"))[  # noqa: E731
        "kubernetes.io/change-cause"]
    assert cause() == "minikctl label pod p rec=1 --record=true"
    done = cli("set", "image", "pod/p", "p=busybox", "--record", "-n", "default")
    assert (done.stdout, done.stderr) == ("pod/p image updated\n", RECORD_WARNING)
    assert cause() == "minikctl set image pod/p p=busybox --record=true --namespace=default"
    cli.ok("annotate", "pod", "p", "a=1", "--record=true")
    assert cause() == "minikctl annotate pod p a=1 --record=true"
    # --record=false: the notice all the same, nothing recorded
    done = cli("label", "pod", "p", "other=2", "--record=false")
    assert (done.stdout, done.stderr) == ("pod/p labeled\n", RECORD_WARNING)
    assert cause() == "minikctl annotate pod p a=1 --record=true"


@pytest.mark.parametrize("args", [["patch", "pod", "p", "-p", "{}"], ["scale", "deploy", "nope", "--replicas=1"],
                                  ["create", "-f", "-", "--dry-run=client"], ["edit", "pod", "p"]])
def test_record_is_accepted_where_kubectl_has_it(cli, args):
    _pod(cli)
    done = cli(*args, "--record", input=POD_FILE, env={"EDITOR": "true", "KUBE_EDITOR": ""})
    assert done.stderr.startswith(RECORD_WARNING), done.stderr


@pytest.mark.parametrize("args", [["replace", "-f", "x.yaml"], ["set", "env", "pod/p", "A=1"],
                                  ["delete", "pod", "p"]])
def test_record_is_unknown_where_kubectl_lacks_it(cli, args):
    err = cli.fail(*args, "--record")
    assert err.startswith("Error: unknown flag: --record\n")


# ---- 7. get --raw through serve's handlers, get --subresource (pkg/cmd/get/get.go; rawhttp.RawGet) ------------
def test_get_raw_answers_as_the_server(cli):
    _pod(cli)
    version = cli.ok("get", "--raw", "/version")
    assert not version.endswith("\n") and json.loads(version)["gitVersion"] == "v1.32.4"
    assert cli.ok("get", "--raw", "/healthz") == "ok"
    pod = json.loads(cli.ok("get", "--raw", "/api/v1/namespaces/default/pods/p"))
    assert (pod["kind"], pod["metadata"]["name"]) == ("Pod", "p")
    listed = json.loads(cli.ok("get", "--raw", "/api/v1/namespaces/default/pods?limit=1"))
    assert listed["kind"] == "PodList" and [i["metadata"]["name"] for i in listed["items"]] == ["p"]
    deployments = json.loads(cli.ok("get", "--raw", "/apis/apps/v1/namespaces/default/deployments"))
    assert (deployments["kind"], deployments["items"]) == ("DeploymentList", [])
    assert json.loads(cli.ok("get", "--raw", "/apis/apps/v1"))["groupVersion"] == "apps/v1"
    status = json.loads(cli.ok("get", "--raw", "/api/v1/namespaces/default/pods/p/status"))
    assert status["metadata"]["name"] == "p"


@pytest.mark.parametrize("args, message", [
    (["--raw", "/api/v1/namespaces/default/pods/nope"], 'Error from server (NotFound): pods "nope" not found'),
    (["--raw", "/nope"], "Error from server (NotFound): the server could not find the requested resource"),
    (["--raw", "/version", "-o", "json"], "error: --raw and --output are mutually exclusive"),
    (["pods", "--raw", "/version"], "error: arguments may not be passed when --raw is specified"),
    (["--raw", "version"], 'error: --raw must be a valid URL path: parse "version": invalid URI for request'),
    (["--raw", "/version", "-w"],
     "error: --raw may not be specified with other flags that filter the server request or alter the output"),
])
def test_get_raw_refusals(cli, args, message):
    assert cli.fail("get", *args) == message + "\n"


def test_get_subresource(cli):
    cli.ok("create", "deployment", "dd", "--image=nginx", "--replicas=2", tick="0")
    _pod(cli)
    # printScale (pkg/printers/internalversion/printers.go): NAME, DESIRED, AVAILABLE, AGE
    out = cli.ok("get", "deploy", "dd", "--subresource", "scale", tick="0")
    assert out.splitlines()[0].split() == ["NAME", "DESIRED", "AVAILABLE", "AGE"]
    assert out.splitlines()[1].split()[:2] == ["dd", "2"]
    scale = json.loads(cli.ok("get", "deploy", "dd", "--subresource=scale", "-o", "json"))
    assert (scale["apiVersion"], scale["kind"], scale["spec"]) == ("autoscaling/v1", "Scale", {"replicas": 2})
    assert cli.ok("get", "pod", "p", "--subresource", "status", "-o", "name") == "pod/p\n"
    assert cli.ok("get", "pod", "p", "--subresource", "status").splitlines()[0].split()[:3] == ["NAME", "READY", "STATUS"]
    assert cli.fail("get", "pods", "--subresource", "status") == \
        "error: subresource cannot be used when bulk resources are specified\n"
    for sub in ("scale", "foo"):
        assert cli.fail("get", "pod", "p", "--subresource", sub) == \
            "Error from server (NotFound): the server could not find the requested resource\n"


# ---- 8. exec -f FILE (pkg/cmd/exec/exec.go), -k DIR (FilenameOptions) ----------------------------------------
def _running_pod(cli, name: str = "p") -> None:
    cli.ok("run", name, "--image=nginx:1.14.2", "--command", "--", "sh", "-c", "sleep 3600", tick="0")
    cli.ok("clock", "advance", "30s")


def test_exec_with_a_file_names_the_pod(cli, manifest):
    _running_pod(cli)
    live = manifest(cli.ok("get", "pod", "p", "-o", "yaml"), "p.yaml")
    assert cli.ok("exec", "-f", live, "--", "echo", "hi") == "hi\n"
    assert cli.fail("exec", "-f", live, "p", "--", "echo", "hi") == \
        "error: resource/name arguments cannot be provided when a path is specified\n"
    assert cli.fail("exec", "-f", live, "echo") == (
        "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n"
        "See 'minikctl exec -h' for help and examples\n")
    # the pod named in the file is fetched: one that does not exist is the server's NotFound
    assert cli.fail("exec", "-f", manifest(POD_FILE), "--", "echo", "hi") == \
        'Error from server (NotFound): pods "lp" not found\n'


@pytest.mark.parametrize("verb", [["apply"], ["create"], ["delete"], ["get"]])
def test_kustomize_is_refused(cli, manifest, tmp_path, verb):
    (tmp_path / "kd").mkdir()
    kd = str(tmp_path / "kd")
    assert cli.fail(*verb, "-k", kd) == (f'error: kustomize is not supported by minikctl: cannot process "{kd}" with '
                                         f'-k; build it with "kustomize build {kd}" and pass the output with -f -\n')
    assert cli.fail(*verb, "-k", kd, "-f", manifest(POD_FILE)) == "error: only one of -f or -k can be specified\n"
    assert cli.fail(*verb, "-k", kd, "-R") == "error: the -k flag can't be used with -f or -R\n"


def test_request_timeout_is_not_read_by_local_commands(cli, manifest):
    """--local builds no REST client config: kubectl never parses the timeout then."""
    pod = manifest(POD_FILE)
    assert cli.ok("label", "--local", "-f", pod, "a=b", "--request-timeout=1p") == "pod/lp labeled\n"
    assert cli.ok("set", "image", "--local", "-f", pod, "c=x", "--request-timeout=1p") == "pod/lp image updated\n"
    assert cli.fail("create", "-f", pod, "--edit", "--request-timeout=1p", env={"EDITOR": "false"}) == TIMEOUT_ERROR


def test_record_on_run_and_create(cli, manifest):
    done = cli("run", "r", "--image=nginx", "--record")
    assert (done.stdout, done.stderr) == ("pod/r created\n", RECORD_WARNING)
    pod = manifest(POD_FILE)
    cli.ok("create", "-f", pod, "--record")
    causes = [json.loads(cli.ok("get", "pod", n, "-o", "jsonpath={.metadata.annotations}"))["kubernetes.io/change-cause"]
              for n in ("r", "lp")]
    assert causes == ["minikctl run r --image=nginx --record=true", f"minikctl create --filename={pod} --record=true"]


def test_record_on_scale(cli):
    cli.ok("create", "deployment", "sd", "--image=nginx")
    done = cli("scale", "deploy", "sd", "--replicas=2", "--record")
    assert (done.stdout, done.stderr) == ("deployment.apps/sd scaled\n", RECORD_WARNING)
    annotations = json.loads(cli.ok("get", "deploy", "sd", "-o", "jsonpath={.metadata.annotations}"))
    assert annotations["kubernetes.io/change-cause"] == "minikctl scale deploy sd --replicas=2 --record=true"

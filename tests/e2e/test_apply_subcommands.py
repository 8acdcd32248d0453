"""apply view-last-applied / set-last-applied / edit-last-applied, -l on apply/create/delete -f, apply --prune,
and diff -f: through the CLI on a temp store, and against the real kubectl 1.32 on the same store (served by
`minikctl serve`), byte for byte where the output is kubectl's own."""

from __future__ import annotations

import json
import re
import sys

import pytest

from kubectl_oracle import KUBECTL

LAST = "kubectl.kubernetes.io/last-applied-configuration"


def pod(name: str, image: str = "nginx:1.14.2", labels: str = "app: web", ns: str = "") -> str:
    namespace = f"\n  namespace: {ns}" if ns else ""
    return (f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}{namespace}\n  labels: {{{labels}}}\nspec:\n"
            f"  containers:\n  - name: main\n    image: {image}\n")


def annotations(cli, name: str) -> dict:
    return json.loads(cli.ok("get", "pod", name, "-o", "json"))["metadata"].get("annotations") or {}


# ---- view-last-applied ----------------------------------------------------------------------------------------
def test_view_last_applied_prints_the_annotation_as_yaml_or_json(cli, manifest):
    f = manifest(pod("web"))
    cli.ok("apply", "-f", f)
    assert cli.ok("apply", "view-last-applied", "pod/web") == (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations: {}\n  labels:\n    app: web\n  name: web\n"
        "  namespace: default\nspec:\n  containers:\n  - image: nginx:1.14.2\n    name: main\n")
    out = cli.ok("apply", "view-last-applied", "pods", "web", "-o", "json")
    # json.Indent of the stored text: two spaces, and the annotation's own trailing newline kept
    assert out.startswith('{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {\n    "annotations": {},\n')
    assert out.endswith("    ]\n  }\n}\n")
    assert json.loads(out) == json.loads(annotations(cli, "web")[LAST])
    assert cli.ok("apply", "view-last-applied", "-f", f) == cli.ok("apply", "view-last-applied", "pod/web")
    assert cli.ok("apply", "view-last-applied", "-f", "-", input=pod("web")).startswith("apiVersion: v1\nkind: Pod\n")
    # by type with -l or --all: every object that has the annotation
    assert cli.ok("apply", "view-last-applied", "pods", "-l", "app=web").count("kind: Pod") == 1


def test_view_last_applied_errors(cli, manifest):
    cli.ok("run", "bare", "--image=nginx")
    # from arguments an object without the annotation is skipped silently (AddSourceToErr of a nil error)...
    done = cli("apply", "view-last-applied", "pod/bare")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    # ...from a file it is an error that names the file
    f = manifest(pod("bare", labels="run: bare"), "bare.yaml")
    assert cli.fail("apply", "view-last-applied", "-f", f) == (
        "error: error when no last-applied-configuration annotation found on resource: bare\n"
        f' "{f}": <nil>\n')
    cli.ok("apply", "-f", manifest(pod("web")))
    assert cli.fail("apply", "view-last-applied", "pod/web", "-o", "wide") == (
        "error: Unexpected -o output mode: wide, the flag 'output' must be one of yaml|json\n"
        "See 'minikctl apply view-last-applied -h' for help and examples\n")
    assert cli.fail("apply", "view-last-applied", "pod/nope") == 'Error from server (NotFound): pods "nope" not found\n'
    assert cli.fail("apply", "view-last-applied", "pods") == "error: resource(s) were provided, but no name was specified\n"
    assert cli.fail("apply", "view-last-applied").startswith("error: You must provide one or more resources")
    assert cli.fail("apply", "view-last-applied", "pods", "--all", "-l", "a=b") == (
        "error: found non-empty label selector \"a=b\" with previously set 'all' parameter. \n")
    assert cli.fail("apply", "view-last-applied", "pod/web", "-f", "x.yaml") == (
        "error: resource/name arguments cannot be provided when a path is specified\n")
    assert cli.fail("apply", "view-last-applied", "pods", "-f", "x.yaml") == (
        "error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well\n")
    assert cli.fail("apply", "view-last-applied", "pod", "web", "-l", "a=b") == (
        "error: name cannot be provided when a selector is specified\n")


# ---- set-last-applied -----------------------------------------------------------------------------------------
def test_set_last_applied_changes_only_the_annotation(cli, manifest):
    cli.ok("apply", "-f", manifest(pod("web")))
    f = manifest(pod("web", image="nginx:1.25"), "new.yaml")
    assert cli.ok("apply", "set-last-applied", "-f", f, "--dry-run=client") == "pod/web configured (dry run)\n"
    assert '"image":"nginx:1.14.2"' in annotations(cli, "web")[LAST]
    assert cli.ok("apply", "set-last-applied", "-f", f) == "pod/web configured\n"
    live = json.loads(cli.ok("get", "pod", "web", "-o", "json"))
    assert live["spec"]["containers"][0]["image"] == "nginx:1.14.2"  # the object itself is untouched
    # GetApplyPatch's encoding: the file's object, compact, sorted, with the encoder's newline (no `annotations: {}`)
    assert live["metadata"]["annotations"][LAST] == (
        '{"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"app":"web"},"name":"web","namespace":"default"},'
        '"spec":{"containers":[{"image":"nginx:1.25","name":"main"}]}}\n')
    assert cli.ok("apply", "set-last-applied", "-f", f) == "set-last-applied web: no changes required.\n"
    assert cli.ok("apply", "set-last-applied", "-f", f, "-o", "name") == "set-last-applied web: no changes required.\n"


def test_set_last_applied_needs_the_annotation_or_create_annotation(cli, manifest):
    cli.ok("run", "bare", "--image=nginx")
    f = manifest(pod("bare", labels="run: bare"))
    before = cli.db_bytes()
    assert cli.fail("apply", "set-last-applied", "-f", f, tick="0") == (
        "error: no last-applied-configuration annotation found on resource: bare, to create the annotation, run "
        "the command with --create-annotation\n")
    assert cli.db_bytes() == before
    assert cli.fail("apply", "set-last-applied", "-f", manifest(pod("nope"), "nope.yaml")) == (
        'Error from server (NotFound): pods "nope" not found\n')
    assert cli.fail("apply", "set-last-applied").startswith("error: You must provide one or more resources")
    assert cli.ok("apply", "set-last-applied", "-f", f, "--create-annotation", "-o", "name") == "pod/bare\n"
    assert json.loads(annotations(cli, "bare")[LAST])["metadata"]["labels"] == {"run": "bare"}


# ---- edit-last-applied ----------------------------------------------------------------------------------------
def _editor(tmp_path, body: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text("import sys\np = sys.argv[1]\ntext = open(p).read()\n" + body)
    return f"{sys.executable} {script}"


def test_edit_last_applied(cli, manifest, tmp_path):
    cli.ok("apply", "-f", manifest(pod("web")))
    seen = tmp_path / "seen.txt"
    copy = _editor(tmp_path, f"open({str(seen)!r}, 'w').write(text)\n")
    done = cli("apply", "edit-last-applied", "pod/web", env={"EDITOR": copy})
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "Edit cancelled, no changes made.\n")
    assert seen.read_text() == (
        "# Please edit the 'last-applied-configuration' annotations below.\n"
        "# Lines beginning with a '#' will be ignored, and an empty file will abort the edit.\n#\n"
        + cli.ok("apply", "view-last-applied", "pod/web"))
    change = _editor(tmp_path, "open(p, 'w').write(text.replace('1.14.2', '1.26'))\n")
    assert cli.ok("apply", "edit-last-applied", "pod/web", env={"EDITOR": change}) == "pod/web edited\n"
    live = json.loads(cli.ok("get", "pod", "web", "-o", "json"))
    assert live["spec"]["containers"][0]["image"] == "nginx:1.14.2"
    assert '"image":"nginx:1.26"' in live["metadata"]["annotations"][LAST]
    assert live["metadata"]["annotations"][LAST].endswith("}\n")
    assert cli.fail("apply", "edit-last-applied", "pod/web", "-o", "name", env={"EDITOR": copy}) == (
        'error: unable to match a printer suitable for the output format "name", allowed formats are: json,yaml\n')
    cli.ok("run", "bare", "--image=nginx")
    assert cli.fail("apply", "edit-last-applied", "pod/bare", env={"EDITOR": copy}) == (
        "error: no last-applied-configuration annotation found on resources, to create the annotation, use "
        "command `kubectl apply set-last-applied --create-annotation`\n")


# ---- -l on apply, create and delete -f -------------------------------------------------------------------------
def test_selector_filters_the_documents_of_the_files(cli, manifest):
    f = manifest(pod("a", labels="app: web") + "---\n" + pod("b", labels="app: db"))
    assert cli.ok("apply", "-f", f, "-l", "app=web") == "pod/a created\n"
    assert cli.ok("create", "-f", f, "-l", "app in (db)") == "pod/b created\n"
    assert cli.fail("apply", "-f", f, "-l", "app=none") == "error: no objects passed to apply\n"
    assert cli.fail("create", "-f", f, "-l", "app=none") == "error: no objects passed to create\n"
    for verb in ("apply", "create", "delete"):
        assert cli.fail(verb, "-f", f, "-l", "a b") == (
            'error: the provided selector "a b" is not valid: unable to parse requirement: found \'b\', '
            "expected: in, notin, =, ==, !=, gt, lt\n")
    assert cli.ok("delete", "-f", f, "-l", "app=none") == "No resources found\n"
    assert cli.ok("delete", "-f", f, "-l", "app!=web", "--wait=false") == 'pod "b" deleted\n'
    assert cli.ok("get", "pods", "-o", "name") == "pod/a\n"


# ---- apply --prune --------------------------------------------------------------------------------------------
def test_prune_flag_errors(cli, manifest):
    f = manifest(pod("web"))
    assert cli.fail("apply", "-f", f, "--prune") == (
        "error: all resources selected for prune without explicitly passing --all. To prune all resources, pass "
        "the --all flag. If you did not mean to prune all resources, specify a label selector\n")
    assert cli.fail("apply", "-f", f, "--prune", "--all", "-l", "a=b") == (
        "error: cannot set --all and --selector at the same time\n")
    assert cli.fail("apply", "-f", f, "--prune", "--all", "--prune-allowlist=v1/Pod") == (
        "error: invalid GroupVersionKind format: v1/Pod, please follow <group/version/kind>\n")
    assert cli.fail("apply", "-f", f, "--prune", "--all", "--prune-allowlist=core/v1/Foo") == (
        'error: no matches for kind "Foo" in version "v1"\n')
    assert cli.fail("apply", "extra", "-f", f) == (
        "error: Unexpected args: [extra]\nSee 'minikctl apply -h' for help and examples\n")
    done = cli("get", "pods")  # nothing was applied
    assert (done.stdout, done.stderr) == ("", "No resources found in default namespace.\n")


def test_prune_deletes_what_apply_made_and_the_files_left_out(cli, manifest):
    cli.ok("apply", "-f", manifest(pod("web") + "---\n" + pod("old") + "---\n" + pod("db", labels="app: db")
                                   + "---\n" + pod("other", ns="kube-public")))
    cli.ok("run", "manual", "--image=nginx", "--labels=app=web")  # no annotation: never pruned
    f = manifest(pod("web"), "web.yaml")
    done = cli("apply", "-f", f, "--prune", "-l", "app=web", "--dry-run=client")
    assert (done.returncode, done.stdout) == (0, "pod/web configured (dry run)\npod/old pruned (dry run)\n")
    assert "prune.go:71] Deprecated: kubectl apply will no longer prune non-namespaced resources" in done.stderr
    assert cli.ok("get", "pods", "-o", "name") == "pod/db\npod/manual\npod/old\npod/web\n"
    assert cli.ok("apply", "-f", f, "--prune", "-l", "app=web", "--prune-allowlist", "core/v1/Pod") == (
        "pod/web unchanged\npod/old pruned\n")
    cli.ok("clock", "advance", "1m")  # the pruned pod terminates and goes
    # --all: every kind of the allowlist in the applied namespace (other namespaces are not looked at)
    assert cli.ok("apply", "-f", f, "--prune", "--all", "--prune-allowlist=core/v1/Pod") == (
        "pod/web unchanged\npod/db pruned\n")
    cli.ok("clock", "advance", "1m")
    assert cli.ok("get", "pods", "-A", "-o", "name") == "pod/manual\npod/web\npod/other\n"


# ---- diff -----------------------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    """Temporary directory names, file times, uids and generated volume names vary from run to run."""
    text = re.sub(r"\S*/(LIVE|MERGED)-[^/\s]+/", r"/tmp/\1/", text)
    text = re.sub(r"^(---|\+\+\+) (\S+)\t.*$", r"\1 \2", text, flags=re.M)
    text = re.sub(r"uid: \S+", "uid: X", text)
    return re.sub(r"kube-api-access-\w+", "kube-api-access-X", text)


def test_diff_exit_codes_and_output(cli, manifest):
    f = manifest(pod("web"))
    done = cli("diff", "-f", f)
    assert done.returncode == 1  # not there yet: everything is new
    out = _norm(done.stdout)
    assert out.startswith("diff -u -N /tmp/LIVE/v1.Pod.default.web /tmp/MERGED/v1.Pod.default.web\n"
                          "--- /tmp/LIVE/v1.Pod.default.web\n+++ /tmp/MERGED/v1.Pod.default.web\n@@ -0,0 +1,")
    assert "+  - image: nginx:1.14.2\n" in out and LAST not in out  # diff's merged object has no annotation
    cli.ok("apply", "-f", f)
    done = cli("diff", "-f", f)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    changed = manifest(pod("web", image="nginx:1.25"), "new.yaml")
    done = cli("diff", "-f", changed)
    assert done.returncode == 1
    assert "\n-  - image: nginx:1.14.2\n+  - image: nginx:1.25\n" in done.stdout
    assert [line for line in done.stdout.splitlines() if line[:1] in "+-@d"][4:] == [
        "-  - image: nginx:1.14.2", "+  - image: nginx:1.25"]
    assert "nginx:1.14.2" in cli.ok("get", "pod", "web", "-o", "yaml")  # a dry run: nothing changed
    done = cli("diff", "-f", changed, env={"KUBECTL_EXTERNAL_DIFF": "diff -q"})
    assert done.returncode == 1 and re.fullmatch(r"Files /\S+/LIVE-\S+/v1.Pod.default.web and "
                                                 r"/\S+/MERGED-\S+/v1.Pod.default.web differ\n", done.stdout)
    done = cli("diff", "-f", changed, env={"KUBECTL_EXTERNAL_DIFF": "no-such-differ"})
    assert (done.returncode, done.stderr) == (2, 'error: failed to run "no-such-differ": executable file not found '
                                                 "in $PATH\n")


def test_diff_errors_exit_2(cli, manifest):
    done = cli("diff")
    assert (done.returncode, done.stderr) == (2, "error: must specify one of -f and -k\n")
    f = manifest(pod("web"))
    done = cli("diff", "-f", f, "extra")
    assert (done.returncode, done.stderr) == (2, "error: Unexpected args: [extra]\n"
                                                 "See 'minikctl diff -h' for help and examples\n")
    unnamed = manifest(pod("x").replace("name: x", "generateName: g-"), "gen.yaml")
    done = cli("diff", "-f", unnamed)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "error: resource name may not be empty\n")
    done = cli("diff", "-f", f, "--bogus")  # diff.go's SetFlagErrorFunc: flag errors exit 2 too
    assert (done.returncode, done.stderr) == (2, "error: unknown flag: --bogus\n"
                                                 "See 'minikctl diff -h' for help and examples\n")
    done = cli("diff", "-f", f, "--concurrency=x")
    assert (done.returncode, done.stderr) == (2, 'error: invalid argument "x" for "--concurrency" flag: '
                                                 'strconv.ParseInt: parsing "x": invalid syntax\n'
                                                 "See 'minikctl diff -h' for help and examples\n")
    cli.ok("apply", "-f", f)
    done = cli("diff", "-f", manifest(pod("web").replace("name: main", "name: other"), "bad.yaml"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith('The Pod "web" is invalid: spec: Forbidden: pod updates may not change fields')


def test_diff_masks_secret_data_and_shows_what_prune_would_delete(cli, manifest):
    secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  a: one\n  b: two\n"
    cli.ok("apply", "-f", manifest(secret, "s.yaml") + "", "-f", manifest(pod("old"), "old.yaml"))
    done = cli("diff", "-f", manifest(secret.replace("one", "uno"), "s2.yaml"), "--prune",
               "--prune-allowlist=core/v1/Pod", "--prune-allowlist=core/v1/Secret")
    assert done.returncode == 1
    out = _norm(done.stdout)
    assert "-  a: '*** (before)'\n+  a: '*** (after)'\n   b: '***'\n" in out
    assert "uno" not in out and "b25l" not in out
    assert "--- /tmp/LIVE/v1.Pod.default.old\n+++ /tmp/MERGED/v1.Pod.default.old\n@@ -1," in out
    assert "-  name: old\n" in out


# ---- against the real kubectl ---------------------------------------------------------------------------------
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from test_serve import Served

    s = Served(tmp_path_factory.mktemp("serve-apply"), "--tick", "0")
    yield s
    err = s.stop()
    assert "Traceback" not in err, err


@pytest.fixture
def kubectl(served, tmp_path):
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    from test_serve import Kubectl

    return Kubectl(served, tmp_path)


def _both(kubectl, cli, *args):
    """The real kubectl through the server, then minikctl on the same store (the clock stands still)."""
    return kubectl(*args), cli("--tick", "0", *args)


@needs_kubectl
def test_last_applied_subcommands_match_kubectl(kubectl, served, tmp_path):
    cli = served.cli
    f = tmp_path / "p.yaml"
    f.write_text(pod("la-web", labels="app: la"))
    kubectl.ok("apply", "-f", str(f))
    kubectl.ok("run", "la-bare", "--image=nginx")
    bare = tmp_path / "bare.yaml"
    bare.write_text(pod("la-bare", labels="run: la-bare"))
    for args in (["pod/la-web"], ["pod/la-web", "-o", "json"], ["pods", "-l", "app=la"], ["pod/la-bare"],
                 ["-f", str(f), "-o", "json"], ["-f", str(bare)]):
        real, mine = _both(kubectl, cli, "apply", "view-last-applied", *args)
        assert (mine.returncode, mine.stdout, mine.stderr) == (real.returncode, real.stdout, real.stderr), args
    new = tmp_path / "new.yaml"
    new.write_text(pod("la-web", image="nginx:1.25", labels="app: la"))
    real = kubectl("apply", "set-last-applied", "-f", str(new))
    assert (real.returncode, real.stdout) == (0, "pod/la-web configured\n")
    by_kubectl = annotations(cli, "la-web")[LAST]
    mine = cli("apply", "set-last-applied", "-f", str(new))
    assert (mine.returncode, mine.stdout) == (0, "set-last-applied la-web: no changes required.\n")
    cli.ok("apply", "-f", str(f))  # back to the first configuration, then minikctl sets it
    assert cli.ok("apply", "set-last-applied", "-f", str(new)) == "pod/la-web configured\n"
    assert annotations(cli, "la-web")[LAST] == by_kubectl
    real, mine = _both(kubectl, cli, "apply", "set-last-applied", "-f", str(bare))
    assert (mine.returncode, mine.stdout, mine.stderr) == (real.returncode, real.stdout, real.stderr)


@needs_kubectl
def test_diff_matches_kubectl(kubectl, served, tmp_path):
    cli = served.cli
    docs = (pod("df-web", labels="app: df") + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: df-cm\n"
            "data: {a: '1'}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: df-s\nstringData: {a: x, b: w}\n")
    first = tmp_path / "first.yaml"
    first.write_text(docs)
    kubectl.ok("apply", "-f", str(first))
    second = tmp_path / "second.yaml"
    second.write_text(docs.replace("1.14.2", "1.25").replace("'1'", "'2'").replace("a: x", "a: z")
                      + "---\n" + pod("df-new", labels="app: df"))
    only_web = tmp_path / "web.yaml"
    only_web.write_text(pod("df-web", labels="app: df"))
    for args in (["-f", str(second)], ["-f", str(first)], ["-f", str(second), "-l", "app=df"],
                 ["-f", str(only_web), "--prune", "--prune-allowlist=core/v1/ConfigMap", "-l", "app=df"],
                 ["-f", str(only_web), "--prune", "--prune-allowlist=core/v1/ConfigMap"]):
        real, mine = _both(kubectl, cli, "diff", *args)
        assert (mine.returncode, _norm(mine.stdout), mine.stderr) == (real.returncode, _norm(real.stdout),
                                                                      real.stderr), args


@needs_kubectl
def test_prune_and_selector_match_kubectl(kubectl, served, tmp_path):
    cli = served.cli
    all_ = tmp_path / "all.yaml"
    all_.write_text(pod("pr-a", labels="app: pr") + "---\n" + pod("pr-b", labels="app: pr") + "---\n"
                    + pod("pr-c", labels="app: other"))
    real, mine = _both(kubectl, cli, "apply", "-f", str(all_), "-l", "app=pr", "--dry-run=server")
    assert (mine.returncode, mine.stdout, mine.stderr) == (real.returncode, real.stdout, real.stderr)
    kubectl.ok("apply", "-f", str(all_))
    for args in (["delete", "-f", str(all_), "-l", "app=pr", "--dry-run=server"],
                 ["delete", "-f", str(all_), "-l", "app=none"],
                 ["create", "-f", str(all_), "-l", "app=other", "--dry-run=server"],
                 ["create", "-f", str(all_), "-l", "app=none"]):
        real, mine = _both(kubectl, cli, *args)
        assert (mine.returncode, mine.stdout, mine.stderr) == (real.returncode, real.stdout, real.stderr), args
    one = tmp_path / "one.yaml"
    one.write_text(pod("pr-a", labels="app: pr"))
    for args in (["--prune", "-l", "app=pr", "--prune-allowlist=core/v1/Pod", "--dry-run=client"],
                 ["--prune", "-l", "app=pr", "--prune-allowlist=core/v1/Pod", "--dry-run=server"],
                 ["--prune", "--all", "--prune-allowlist=core/v1/Pod", "--dry-run=server"],
                 ["--prune"], ["--prune", "--all", "-l", "x=y"], ["--prune", "--all", "--prune-allowlist=v1/Pod"]):
        real, mine = _both(kubectl, cli, "apply", "-f", str(one), *args)
        assert (mine.returncode, mine.stdout, mine.stderr) == (real.returncode, real.stdout, real.stderr), args


@needs_kubectl
def test_edit_last_applied_matches_kubectl(kubectl, served, tmp_path):
    import os
    import subprocess

    cli = served.cli
    f = tmp_path / "p.yaml"
    f.write_text(pod("ed-web", labels="app: ed"))
    kubectl.ok("apply", "-f", str(f))
    results = []
    for n, run in enumerate(("kubectl", "minikctl")):
        old, new = f"1.{14 + n}", f"1.{15 + n}"
        editor = _editor(tmp_path, f"open(p, 'w').write(text.replace({old!r}, {new!r}))\n")
        if run == "kubectl":
            env = dict(os.environ, EDITOR=editor, KUBECACHEDIR=str(kubectl.cache))
            env.pop("KUBE_EDITOR", None)
            done = subprocess.run([KUBECTL, "--kubeconfig", str(served.kubeconfig), "apply", "edit-last-applied",
                                   "pod/ed-web", "-o", "json"], capture_output=True, text=True, env=env, timeout=60)
        else:
            done = cli("--tick", "0", "apply", "edit-last-applied", "pod/ed-web", "-o", "json",
                       env={"EDITOR": editor, "KUBE_EDITOR": ""})
        results.append((done.returncode, done.stdout.replace(new, "NEW"), done.stderr,
                        annotations(cli, "ed-web")[LAST].replace(new, "NEW")))
    assert results[0] == results[1]
    assert results[0][0] == 0 and '"image": "nginx:NEW.2"' in results[0][1]

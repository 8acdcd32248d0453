"""ConfigMap, Secret and ServiceAccount end to end through the CLI, and `create configmap|secret|serviceaccount|
namespace` against the real kubectl 1.32.

- Client dry runs and client-side errors of the create subcommands against kubectl talking to the fake discovery
  server (kubectl_fake.py), byte for byte: kubectl 1.32 pkg/cmd/create/create_configmap.go, create_secret.go,
  create_secret_docker.go, create_secret_tls.go, create_serviceaccount.go, create_namespace.go, create.go
  (NameFromCommandArgs, CreateOptions.Complete's "Unexpected args").
- What minikctl stores for them (the ServiceAccount controller's `default`, the root CA publisher's
  `kube-root-ca.crt`, objects made by the create subcommands and by apply) served to kubectl by kubectl_oracle.py
  and printed by both: describe, -o yaml|json|name|jsonpath.
- The server side through the CLI: kubectl's wrapping of server errors, Secret stringData, immutable objects,
  namespace deletion (pkg/controller/namespace) and NamespaceLifecycle's refusal, the ServiceAccount admission
  plugin's refusal (plugin/pkg/admission/serviceaccount/admission.go).
"""

from __future__ import annotations

import re

import datetime as dt
import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from kubectl_fake import KUBECTL, fake_kubectl
from kubectl_oracle import kubectl_oracle, objects_from_store
from tests.conftest import Cli

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Sources for --from-file / --from-env-file, and key pairs for `create secret tls` (made with openssl)."""
    root = tmp_path_factory.mktemp("sources")
    d = root / "dir"
    d.mkdir()
    (d / "game.properties").write_text("lives=3\nenemies=aliens\n")
    (d / "ui.properties").write_text("color.good=purple\n")
    (d / "logo.bin").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    (d / "sub").mkdir()
    os.symlink(d / "ui.properties", d / "link")
    (root / "app.env").write_bytes(b"\xef\xbb\xbf# settings\nMODE=prod\n  LEVEL=debug=1\r\n\nHOME_FROM_ENV\nEMPTY=\n")
    (root / "bad.env").write_text("1BAD=x\n")
    (root / "page.html").write_text("<b>&amp;</b>\n")
    for name, subj in (("a", "/CN=a"), ("b", "/CN=b")):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", subj,
                        "-keyout", str(root / f"{name}.key"), "-out", str(root / f"{name}.crt")],
                       check=True, capture_output=True)
    subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(root / "ec.key")],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "req", "-x509", "-key", str(root / "ec.key"), "-out", str(root / "ec.crt"), "-days",
                    "1", "-subj", "/CN=e"], check=True, capture_output=True)
    return root


# ---------------------------------------------------------------------------------------------------------------
# create subcommands: client dry runs and client-side errors, against kubectl
CLIENT_CASES = [
    ["configmap", "game", "--from-literal=lives=3", "--from-literal=name=space invaders"],
    ["cm", "game", "--from-literal=a=1", "--from-literal=b=2", "--append-hash"],
    ["configmap", "game", "--from-file={d}/dir"],
    ["configmap", "game", "--from-file=props={d}/dir/game.properties,{d}/dir/logo.bin", "--append-hash"],
    ["configmap", "game", "--from-file={d}/page.html", "--save-config"],
    ["configmap", "game", "--from-env-file={d}/app.env", "-n", "kube-system"],
    ["configmap", "empty"],
    ["secret", "generic", "pw", "--from-literal=password=s3cr<e>t", "--from-file={d}/dir/ui.properties"],
    ["secret", "generic", "pw", "--from-literal=a=1", "--type=kubernetes.io/basic-auth", "--append-hash"],
    ["secret", "generic", "pw", "--from-env-file={d}/app.env", "--save-config"],
    ["secret", "docker-registry", "reg", "--docker-username=me", "--docker-password=p&w", "--docker-email=me@x.io"],
    ["secret", "docker-registry", "reg", "--docker-server=registry.example.com:5000", "--docker-username=me",
     "--docker-password=pw", "--append-hash"],
    ["secret", "docker-registry", "reg", "--from-file={d}/page.html"],
    ["secret", "tls", "web-tls", "--cert={d}/a.crt", "--key={d}/a.key"],
    ["secret", "tls", "web-tls", "--cert={d}/ec.crt", "--key={d}/ec.key", "--append-hash"],
    ["serviceaccount", "robot"],
    ["sa", "robot", "-n", "kube-system", "--save-config"],
    ["namespace", "dev"],
    ["ns", "dev", "--save-config"],
]

CLIENT_ERRORS = [
    ["foo"],
    ["foo", "bar", "-o", "yaml"],
    [],
    ["configmap"],
    ["cm", "a", "b"],
    ["secret", "foo"],
    ["secret", "generic"],
    ["sa"],
    ["ns", "a", "b"],
    ["configmap", "x", "--from-literal=novalue"],
    ["configmap", "x", "--from-literal==v"],
    ["configmap", "x", "--from-literal=a=1", "--from-literal=a=2"],
    ["configmap", "x", "--from-literal=bad/key=1"],
    ["configmap", "x", "--from-file=a=b=c"],
    ["configmap", "x", "--from-file==path"],
    ["configmap", "x", "--from-file=key=", ],
    ["configmap", "x", "--from-file=k={d}/dir"],
    ["configmap", "x", "--from-file={d}/missing"],
    ["configmap", "x", "--from-env-file={d}/app.env", "--from-literal=a=b"],
    ["configmap", "x", "--from-env-file={d}/dir"],
    ["configmap", "x", "--from-env-file={d}/bad.env"],
    ["configmap", "x", "-o", "wide"],
    ["configmap", "x", "--dry-run=maybe"],
    ["configmap", "x", "--validate=sometimes"],
    ["secret", "generic", "s", "--from-literal=a=1", "--from-literal=a=2"],
    ["secret", "generic", "s", "--from-literal=a b=1"],
    ["secret", "docker-registry", "r"],
    ["secret", "tls", "t"],
    ["secret", "tls", "t", "--cert={d}/missing.crt", "--key={d}/a.key"],
    ["secret", "tls", "t", "--cert={d}/a.crt", "--key={d}/b.key"],
    ["secret", "tls", "t", "--cert={d}/a.key", "--key={d}/a.crt"],
    ["secret", "tls", "t", "--cert={d}/a.crt", "--key={d}/a.crt"],
    ["secret", "tls", "t", "--cert={d}/ec.crt", "--key={d}/a.key"],
    ["secret", "tls", "t", "--cert={d}/page.html", "--key={d}/a.key"],
]


def _args(case: list[str], d) -> list[str]:
    return [a.replace("{d}", str(d)) for a in case]


FORMATS = [["-o", "yaml"], ["-o", "json"], ["-o", "name"], [], ["-o", "jsonpath={.metadata.name}"]]


@needs_kubectl
@pytest.mark.parametrize("case", CLIENT_CASES, ids=" ".join)
def test_client_dry_run_is_kubectls(cli, tmp_path, files, case):
    """--dry-run=client prints the object kubectl's generator builds (-o yaml|json|name|jsonpath, and the
    default line) and sends nothing."""
    with fake_kubectl(tmp_path) as kubectl:
        for fmt in FORMATS:
            args = ["create", *_args(case, files), "--dry-run=client", *fmt]
            real = kubectl(*args)
            assert real.returncode == 0, real.stderr
            assert cli.ok(*args) == real.stdout, fmt
    assert "robot" not in cli.ok("get", "sa", "-A") and "game" not in cli.ok("get", "cm", "-A")


@needs_kubectl
@pytest.mark.parametrize("case", CLIENT_ERRORS, ids=lambda c: " ".join(c) or "(none)")
def test_client_side_errors_are_kubectls(cli, tmp_path, files, case):
    args = ["create", *_args(case, files)]
    args += [] if any(a.startswith("--dry-run") for a in args) else ["--dry-run=client"]
    with fake_kubectl(tmp_path) as kubectl:
        real = kubectl(*args)
    ours = cli(*args)
    assert (ours.returncode, ours.stdout) == (real.returncode, real.stdout) == (1, "")
    # minikctl adds cobra's "Did you mean this?" below a group too (kubectl only does so at the root); the rest
    # is kubectl's text
    stderr = re.sub(r"\n\nDid you mean this\?\n(\t.*\n)+\n", "\n", ours.stderr)
    assert stderr == real.stderr.replace("kubectl ", "minikctl ")


@needs_kubectl
@pytest.mark.parametrize("verb", ["create", "apply", "replace"])
def test_no_table_from_create_apply_replace(cli, tmp_path, manifest, verb):
    """Their PrintFlags (NewPrintFlags("created"/"configured"/"replaced")) have no table printer: -o wide and
    custom-columns are refused as kubectl refuses them."""
    path = manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    for fmt in ("wide", "custom-columns=N:.metadata.name"):
        args = [verb, "-f", path, "--dry-run=client", "--validate=false", "-o", fmt]
        with fake_kubectl(tmp_path) as kubectl:
            real = kubectl(*args)
        ours = cli(*args)
        assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, real.stderr)
        assert real.returncode == 1


def test_create_secret_without_a_type_prints_its_help_on_stderr(cli):
    """cmdutil.DefaultSubCommandRun: the help goes to stderr and the exit code is 1."""
    done = cli("create", "secret")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("Create a secret with specified type.\n")
    assert "  generic           Create a secret from a local file, directory, or literal value\n" in done.stderr


# ---------------------------------------------------------------------------------------------------------------
# the server side, through the CLI
def test_create_sends_the_object_and_prints_kubectls_lines(cli, files):
    assert cli.ok("create", "configmap", "game", f"--from-file={files}/dir") == "configmap/game created\n"
    assert cli.ok("create", "cm", "lit", "--from-literal=k=v", "-o", "name") == "configmap/lit\n"
    assert cli.ok("create", "secret", "generic", "pw", "--from-literal=p=x", "--dry-run=server") == \
        "secret/pw created (server dry run)\n"
    assert cli.ok("create", "sa", "robot", "-n", "kube-system") == "serviceaccount/robot created\n"
    assert cli.ok("create", "ns", "dev") == "namespace/dev created\n"
    stored = json.loads(cli.ok("get", "cm", "game", "-o", "json"))
    assert sorted(stored["data"]) == ["game.properties", "ui.properties"]
    assert list(stored["binaryData"]) == ["logo.bin"] and stored["metadata"]["namespace"] == "default"
    assert cli.ok("get", "secrets") == "No resources found in default namespace.\n" or \
        cli("get", "secrets").stderr == "No resources found in default namespace.\n"
    assert cli.ok("get", "sa", "-n", "kube-system", "-o", "name") == "serviceaccount/default\nserviceaccount/robot\n"


def test_server_errors_in_each_commands_words(cli):
    """Run(): configmap and serviceaccount wrap the server's error as "failed to create <kind>: ", the secret
    commands as "failed to create secret " (no colon), namespace does not wrap it (kubectl 1.32)."""
    cli.ok("create", "cm", "x")
    cli.ok("create", "secret", "generic", "s")
    cli.ok("create", "sa", "a")
    assert cli.fail("create", "cm", "x") == 'error: failed to create configmap: configmaps "x" already exists\n'
    assert cli.fail("create", "secret", "generic", "s") == \
        'error: failed to create secret secrets "s" already exists\n'
    assert cli.fail("create", "sa", "a") == \
        'error: failed to create serviceaccount: serviceaccounts "a" already exists\n'
    assert cli.fail("create", "ns", "default") == \
        'Error from server (AlreadyExists): namespaces "default" already exists\n'
    assert cli.fail("create", "cm", "y", "-n", "nope") == 'error: failed to create configmap: namespaces "nope" not found\n'
    assert cli.fail("create", "secret", "generic", "t", "--type=kubernetes.io/tls", "--from-literal=a=b") == (
        'error: failed to create secret Secret "t" is invalid: [data[tls.crt]: Required value, '
        "data[tls.key]: Required value]\n")


def test_secret_string_data_is_merged_into_data(cli, manifest):
    path = manifest("apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  user: admin\n"
                    "  pass: override\ndata:\n  pass: b2xk\n  token: dG9r\n")
    assert cli.ok("apply", "-f", path) == "secret/creds created\n"
    stored = json.loads(cli.ok("get", "secret", "creds", "-o", "json"))
    assert stored["data"] == {"pass": "b3ZlcnJpZGU=", "token": "dG9r", "user": "YWRtaW4="}
    assert "stringData" not in stored and stored["type"] == "Opaque"
    assert cli.ok("get", "secret", "creds", "-o", "jsonpath={.data.user}") == "YWRtaW4="
    assert cli.ok("get", "secrets", "--no-headers").split()[:3] == ["creds", "Opaque", "3"]


def test_immutable_configmap_and_secret(cli, manifest):
    """ValidateConfigMapUpdate / ValidateSecretUpdate: immutable objects keep their data and stay immutable;
    their metadata may change and they may be deleted."""
    cli.ok("apply", "-f", manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: frozen\ndata:\n  a: '1'\n"
                                   "immutable: true\n"))
    cli.ok("create", "secret", "generic", "sealed", "--from-literal=k=v")
    cli.ok("patch", "secret", "sealed", "-p", '{"immutable":true}')
    assert cli.fail("patch", "cm", "frozen", "-p", '{"data":{"a":"2"}}') == \
        'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set\n'
    assert cli.fail("patch", "cm", "frozen", "-p", '{"immutable":false}') == \
        'The ConfigMap "frozen" is invalid: immutable: Forbidden: field is immutable when `immutable` is set\n'
    assert cli.fail("patch", "secret", "sealed", "-p", '{"stringData":{"k":"w"}}') == \
        'The Secret "sealed" is invalid: data: Forbidden: field is immutable when `immutable` is set\n'
    assert cli.ok("label", "cm", "frozen", "team=blue") == "configmap/frozen labeled\n"
    assert cli.ok("delete", "cm", "frozen") == 'configmap "frozen" deleted\n'
    assert cli.ok("delete", "secret", "sealed") == 'secret "sealed" deleted\n'


def test_a_pod_naming_a_missing_service_account_is_refused(cli, manifest):
    path = manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  serviceAccountName: robot\n"
                    "  containers:\n  - name: c\n    image: busybox\n")
    assert cli.fail("apply", "-f", path) == (
        f'Error from server (Forbidden): error when creating "{path}": pods "p" is forbidden: error looking up '
        'service account default/robot: serviceaccount "robot" not found\n')
    cli.ok("create", "sa", "robot")
    assert cli.ok("apply", "-f", path) == "pod/p created\n"
    assert cli.ok("get", "pod", "p", "-o", "jsonpath={.spec.serviceAccountName}") == "robot"


def test_every_namespace_has_its_default_account_and_root_ca(cli):
    assert cli.ok("get", "sa", "-A", "-o", "name").split() == ["serviceaccount/default"] * 4
    assert cli.ok("get", "cm", "-A", "--no-headers", "-o", "custom-columns=NS:.metadata.namespace,N:.metadata.name") \
        .split() == ["default", "kube-root-ca.crt", "kube-node-lease", "kube-root-ca.crt", "kube-public",
                     "kube-root-ca.crt", "kube-system", "kube-root-ca.crt"]
    cli.ok("create", "ns", "dev")
    assert cli.ok("get", "sa,cm", "-n", "dev", "-o", "name") == "serviceaccount/default\nconfigmap/kube-root-ca.crt\n"
    cli.ok("delete", "sa", "default", "-n", "dev")
    assert cli.ok("get", "sa", "-n", "dev", "-o", "name") == "serviceaccount/default\n"  # recreated at once


def test_deleting_a_namespace_deletes_everything_in_it(cli, manifest):
    cli.ok("create", "ns", "dev")
    cli.ok("run", "web", "--image=nginx", "-n", "dev")
    cli.ok("create", "cm", "c", "-n", "dev", "--from-literal=a=b")
    cli.ok("create", "secret", "generic", "s", "-n", "dev")
    cli.ok("create", "sa", "robot", "-n", "dev")
    cli.ok("clock", "advance", "10s")
    assert cli.ok("get", "events", "-n", "dev", "-o", "name")
    assert cli.ok("delete", "namespace", "dev") == 'namespace "dev" deleted\n'
    for kinds in ("pods", "configmaps", "secrets", "serviceaccounts", "events"):
        assert cli("get", kinds, "-n", "dev").stderr == "No resources found in dev namespace.\n", kinds
    assert cli.fail("get", "ns", "dev") == 'Error from server (NotFound): namespaces "dev" not found\n'


def test_creating_in_a_terminating_namespace_is_refused(cli, manifest):
    """NamespaceLifecycle: a pod with a 30 s grace period keeps the namespace Terminating that long."""
    cli.ok("create", "ns", "dev")
    cli.ok("run", "slow", "--image=busybox", "-n", "dev", "--", "sleep", "3600")
    cli.ok("clock", "advance", "5s")
    assert cli.ok("delete", "ns", "dev", "--wait=false") == 'namespace "dev" deleted\n'
    assert cli.ok("get", "ns", "dev", "--no-headers").split()[:2] == ["dev", "Terminating"]
    path = manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\n  namespace: dev\n")
    assert cli.fail("apply", "-f", path) == (
        f'Error from server (Forbidden): error when creating "{path}": configmaps "late" is forbidden: unable to '
        "create new content in namespace dev because it is being terminated\n")
    assert cli.fail("create", "sa", "late", "-n", "dev") == (
        'error: failed to create serviceaccount: serviceaccounts "late" is forbidden: unable to create new content in '
        "namespace dev because it is being terminated\n")
    cli.ok("clock", "advance", "40s")
    assert cli("get", "ns", "dev").returncode == 1


def test_delete_namespaces_with_n_warns_about_cluster_scope(cli):
    """kubectl delete (pkg/cmd/delete/delete.go, DeleteResult): -n given, a cluster-scoped object deleted ->
    one warning, before the first such deletion; the immortal namespaces are refused by the server."""
    cli.ok("create", "ns", "my-ns")
    done = cli("delete", "namespace", "-n", "my-ns", "--all")
    assert done.returncode == 1 and done.stdout == 'namespace "my-ns" deleted\n'
    assert done.stderr == (
        "Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n"
        'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n'
        'Error from server (Forbidden): namespaces "kube-node-lease" is forbidden: this namespace may not be deleted\n'
        'Error from server (Forbidden): namespaces "kube-public" is forbidden: this namespace may not be deleted\n'
        'Error from server (Forbidden): namespaces "kube-system" is forbidden: this namespace may not be deleted\n')
    cli.ok("create", "ns", "other")
    done = cli("delete", "ns", "other")
    assert (done.returncode, done.stderr) == (0, "")  # no -n: no warning
    cli.ok("create", "cm", "c", "-n", "kube-public")
    done = cli("delete", "cm", "c", "-n", "kube-public")
    assert (done.returncode, done.stderr) == (0, "")  # namespaced: no warning


def test_delete_all_with_a_field_selector_is_refused(cli):
    assert cli.fail("delete", "cm", "--all", "--field-selector=metadata.name=x") == \
        "error: cannot set --all and --field-selector at the same time\n"


# ---------------------------------------------------------------------------------------------------------------
# what minikctl stores, printed by kubectl and by minikctl (kubectl_oracle)
AGE = dt.timedelta(days=30, hours=12)


def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))


def _move_clock_to(cli: Cli, when: dt.datetime) -> None:
    seconds = int((when - _parse_time(cli.ok("clock", "show", tick="0"))).total_seconds())
    if seconds > 0:
        cli.ok("clock", "advance", f"{seconds}s", tick="0")


@pytest.fixture(scope="module")
def world(tmp_path_factory, files):
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    root = tmp_path_factory.mktemp("config-oracle")
    cli = Cli(root / "home")
    born = dt.datetime.now(dt.timezone.utc) - AGE
    if born < _parse_time(cli.ok("clock", "show", tick="0")):
        pytest.skip("the wall clock is too close to (or before) a new store's virtual epoch")
    _move_clock_to(cli, born)
    cli.ok("create", "ns", "app", tick="0")
    for args in (["cm", "one", f"--from-file={files}/dir/logo.bin", "--from-literal=mode=prod"],
                 ["cm", "props", f"--from-file={files}/dir"],
                 ["secret", "generic", "pw", "--from-literal=password=s3cret"],
                 ["secret", "generic", "basic", "--type=kubernetes.io/basic-auth", "--from-literal=username=admin"],
                 ["secret", "docker-registry", "regcred", "--docker-username=me", "--docker-password=pw"],
                 ["secret", "tls", "web-tls", f"--cert={files}/a.crt", f"--key={files}/a.key"],
                 ["sa", "robot", "--save-config"]):
        cli.ok("create", *args, "-n", "app", tick="0")
    (root / "more.yaml").write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n  namespace: app\n"
        "  labels: {team: ci}\n  annotations: {note: builds}\nsecrets:\n- name: pw\n- name: basic\n"
        "imagePullSecrets:\n- name: regcred\nautomountServiceAccountToken: false\n---\n"
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n  namespace: app\n"
        "  annotations: {kubernetes.io/service-account.name: builder}\ntype: kubernetes.io/service-account-token\n"
        "data: {token: dG9rZW4=}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: frozen\n  namespace: app\nimmutable: true\n"
        "data:\n  multi: |\n    line one\n    line two\n")
    cli.ok("apply", "-f", str(root / "more.yaml"), tick="0")
    _move_clock_to(cli, dt.datetime.now(dt.timezone.utc))
    with kubectl_oracle(root, objects=objects_from_store(root / "home" / "store.db")) as kubectl:
        yield cli, kubectl


def _same(world, *args: str) -> None:
    cli, kubectl = world
    with ThreadPoolExecutor(1) as pool:
        real = pool.submit(kubectl, *args, env={"TZ": "UTC"})
        ours = cli(*args, tick="0", env={"TZ": "UTC"})
        real = real.result()
    assert real.returncode == 0 or real.stderr, f"kubectl {args} failed silently"
    assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, real.stderr)


# describe: objects whose data has one key (kubectl walks a map with more keys in random order)
@pytest.mark.parametrize("args", [
    ("configmap", "one", "-n", "app"),
    ("configmap", "frozen", "-n", "app"),
    ("configmap", "kube-root-ca.crt"),
    ("configmaps", "-n", "kube-system"),
    ("secret", "pw", "-n", "app"),
    ("secret", "basic", "-n", "app"),
    ("secret", "regcred", "-n", "app"),
    ("secret", "token", "-n", "app"),
    ("serviceaccount", "default"),
    ("sa", "robot", "-n", "app"),
    ("sa", "builder", "-n", "app"),
    ("sa", "-n", "app"),
    ("sa", "-A"),
    ("secret", "nope", "-n", "app"),
], ids=" ".join)
def test_describe_as_kubectl(world, args):
    _same(world, "describe", *args)


@pytest.mark.parametrize("args", [
    ("cm", "-n", "app", "-o", "yaml"),
    ("cm", "-A", "-o", "json"),
    ("cm", "kube-root-ca.crt", "-o", "yaml"),
    ("secrets", "-n", "app", "-o", "yaml"),
    ("secret", "web-tls", "-n", "app", "-o", "json"),
    ("secrets", "-n", "app", "-o", "name"),
    ("sa", "-A", "-o", "yaml"),
    ("sa", "robot", "-n", "app", "-o", "json"),
    ("sa,cm,secrets", "-n", "app", "-o", "name"),
    ("secret", "pw", "-n", "app", "-o", "jsonpath={.data.password}"),
    ("secrets", "-n", "app", "-o", r"jsonpath={range .items[*]}{.metadata.name}{'\t'}{.type}{'\n'}{end}"),
    ("cm", "props", "-n", "app", "-o", "go-template={{range $k, $v := .data}}{{$k}} {{end}}"),
    ("cm", "-A", "-o", "custom-columns=NS:.metadata.namespace,NAME:.metadata.name,IMMUTABLE:.immutable"),
    ("sa", "builder", "-n", "app", "-o", "jsonpath={.imagePullSecrets[*].name} {.automountServiceAccountToken}"),
], ids=" ".join)
def test_get_printed_as_kubectl(world, args):
    _same(world, "get", *args)

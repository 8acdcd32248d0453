"""`minikctl serve` driven by the real kubectl 1.32 and the `kubernetes` Python client.

Two servers per module, each `minikctl serve` in a subprocess on a free loopback port with its own store:

* ``live``: the clock follows the wall clock (the default), so pods start, run and stop while kubectl watches;
* ``frozen``: ``--tick 0``, the clock moves only with ``minikctl clock advance``, so what kubectl prints through the
  server can be compared with what ``minikctl`` prints on the same store (``--tick 0`` there too).

Each test gets its own kubectl discovery cache (KUBECACHEDIR) and its own pod names. /usr/bin/kubectl is the Cloud
SDK dispatcher: it picks the kubectl of the server's minor version from ``/version`` (1.32 here).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from kubectl_oracle import KUBECTL
from tests.conftest import Cli, minikctl_argv

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


class Served:
    """A `minikctl serve` subprocess: ``url``, ``kubeconfig``, ``cli`` (minikctl on the same store)."""

    def __init__(self, home: Path, *args: str) -> None:
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.kubeconfig = home / "kubeconfig"
        env = {k: v for k, v in os.environ.items() if k not in ("MINIKCTL_STORE", "MINIKCTL_TICK")}
        env["MINIKCTL_HOME"] = str(home)
        self.proc = subprocess.Popen([*minikctl_argv(), "serve", "--port", "0", "--kubeconfig-out",
                                      str(self.kubeconfig), *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline()
        m = re.search(r"on (https?://\S+)", line)
        assert m, f"serve did not start: {line!r} {self.proc.stderr.read() if self.proc.poll() is not None else ''}"
        self.url = m.group(1)
        self.port = int(self.url.rsplit(":", 1)[1])
        self.cli = Cli(home)

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err

    def request(self, method: str, path: str, body: bytes | str | None = None, headers: dict | None = None,
                timeout: float = 30) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def json(self, method: str, path: str, body=None, ctype: str = "application/json", **kw) -> tuple[int, dict]:
        data = json.dumps(body) if isinstance(body, (dict, list)) else body
        code, _h, raw = self.request(method, path, data, {"Content-Type": ctype, **kw.pop("headers", {})}, **kw)
        return code, json.loads(raw) if raw else {}


class Kubectl:
    def __init__(self, served: Served, tmp_path: Path) -> None:
        self.served = served
        self.cache = tmp_path / "kube-cache"

    def __call__(self, *args: str, input: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "KUBECTL_EXTERNAL_DIFF")}
        env["KUBECACHEDIR"] = str(self.cache)
        env["TZ"] = "UTC"
        return subprocess.run([KUBECTL, "--kubeconfig", str(self.served.kubeconfig), *args], input=input,
                              capture_output=True, text=True, env=env, timeout=timeout)

    def ok(self, *args: str, **kw) -> str:
        done = self(*args, **kw)
        assert done.returncode == 0, f"kubectl {' '.join(args)}: rc={done.returncode} {done.stderr}"
        return done.stdout


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    s = Served(tmp_path_factory.mktemp("serve-live"))
    yield s
    err = s.stop()
    assert "Traceback" not in err, err


@pytest.fixture(scope="module")
def frozen(tmp_path_factory):
    s = Served(tmp_path_factory.mktemp("serve-frozen"), "--tick", "0")
    yield s
    err = s.stop()
    assert "Traceback" not in err, err


@pytest.fixture
def kubectl(live, tmp_path):
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    return Kubectl(live, tmp_path)


@pytest.fixture
def kubectl_frozen(frozen, tmp_path):
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    return Kubectl(frozen, tmp_path)


def pod_yaml(name: str, image: str = "nginx:1.14.2", command: str | None = None, labels: str = "") -> str:
    cmd = f"\n    command: [sh, -c, {json.dumps(command)}]" if command else ""
    lab = f"\n  labels: {{{labels}}}" if labels else ""
    return (f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}{lab}\nspec:\n  containers:\n  - name: main\n"
            f"    image: {image}{cmd}\n")


def wait_for(predicate, timeout: float = 15, every: float = 0.2):
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            return value
        time.sleep(every)


# ---- discovery, version, health -----------------------------------------------------------------------------
def test_health_version_and_discovery(live):
    for path in ("/healthz", "/readyz", "/livez"):
        assert live.request("GET", path)[::2] == (200, b"ok")
    code, version = live.json("GET", "/version")
    assert code == 200 and version["major"] == "1" and version["minor"] == "32"
    code, h, raw = live.request("GET", "/apis", headers={
        "Accept": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"})
    assert code == 200 and h["Content-Type"].startswith("application/json;g=apidiscovery.k8s.io;v=v2")
    groups = {item["metadata"]["name"]: item for item in json.loads(raw)["items"]}
    assert set(groups) == {"apps", "batch", "coordination.k8s.io", "discovery.k8s.io"}
    slices = groups["discovery.k8s.io"]["versions"][0]["resources"]
    assert [r["resource"] for r in slices] == ["endpointslices"]
    deploy = next(r for r in groups["apps"]["versions"][0]["resources"] if r["resource"] == "deployments")
    assert deploy["shortNames"] == ["deploy"] and deploy["categories"] == ["all"]
    assert {s["subresource"]: s["responseKind"]["kind"] for s in deploy["subresources"]} == {
        "scale": "Scale", "status": "Deployment"}
    code, legacy = live.json("GET", "/api/v1")
    names = {r["name"] for r in legacy["resources"]}
    assert {"pods", "pods/log", "pods/exec", "pods/attach", "pods/eviction", "pods/binding", "nodes",
            "namespaces/finalize", "services", "services/status", "endpoints"} <= names
    svc = next(r for r in legacy["resources"] if r["name"] == "services")
    assert svc["shortNames"] == ["svc"] and svc["categories"] == ["all"]
    code, v3 = live.json("GET", "/openapi/v3")
    assert set(v3["paths"]) == {"api/v1", "apis/apps/v1", "apis/batch/v1", "apis/coordination.k8s.io/v1",
                                "apis/discovery.k8s.io/v1"}
    code, doc = live.json("GET", v3["paths"]["api/v1"]["serverRelativeURL"])
    patch = doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "", "kind": "Pod", "version": "v1"}
    assert "fieldValidation" in [p["name"] for p in patch["parameters"]]
    assert "io.k8s.api.core.v1.PodSpec" in doc["components"]["schemas"]
    code, v2 = live.json("GET", "/openapi/v2", headers={"Accept": "application/json"})
    assert code == 200 and v2["swagger"] == "2.0" and "io.k8s.api.apps.v1.Deployment" in v2["definitions"]


@needs_kubectl
def test_kubectl_api_resources_and_version(kubectl, live):
    out = kubectl.ok("version")
    assert "Server Version: v1.32.4" in out
    mine = live.cli.ok("api-resources", tick="0")
    assert kubectl.ok("api-resources") == mine


# ---- the same store through both: kubectl's output equals minikctl's ------------------------------------------
@needs_kubectl
def test_apply_get_describe_match_the_cli(kubectl_frozen, frozen, tmp_path):
    k, cli = kubectl_frozen, frozen.cli
    f = tmp_path / "pods.yaml"
    f.write_text(pod_yaml("cmp-web", labels="app: web") + "---\n"
                 + pod_yaml("cmp-job", image="busybox", command="echo done; exit 3"))
    assert k.ok("apply", "-f", str(f)) == "pod/cmp-web created\npod/cmp-job created\n"
    cli.ok("clock", "advance", "30s", tick="0")
    for args in (["get", "pods"], ["get", "pods", "-o", "wide"], ["get", "pods", "--show-labels"],
                 ["get", "pods", "-l", "app=web"], ["get", "pods", "-A"], ["get", "all"], ["get", "nodes"],
                 ["get", "ns"], ["get", "pod", "cmp-web", "-o", "yaml"], ["get", "pods", "-o", "name"],
                 ["get", "pods", "--field-selector", "status.phase=Running"],
                 ["get", "pod", "cmp-web", "-o", "jsonpath={.status.podIP}"]):
        assert k.ok(*args) == cli.ok(*args, tick="0"), args
    # kubectl prints event ages against the wall clock, minikctl against the virtual one: compare without them
    def no_event_ages(text: str) -> str:
        head, _, events = text.partition("\nEvents:")
        rows = [re.sub(r"^(\s+\S+\s+\S+\s+)\S+", r"\1AGE", line) for line in events.splitlines()]
        return head + "\nEvents:" + "\n".join(re.sub(r" +", " ", r) for r in rows)

    assert no_event_ages(k.ok("describe", "pod", "cmp-web")) == \
        no_event_ages(cli.ok("describe", "pod", "cmp-web", tick="0"))
    assert k.ok("logs", "cmp-job") == cli.ok("logs", "cmp-job", tick="0") == "done\n"
    done = k("get", "pod", "nope")
    assert (done.returncode, done.stderr) == (1, 'Error from server (NotFound): pods "nope" not found\n')


def _ownership(text: str, prefix: str) -> list:
    """An object's managedFields without their times, with the test's name prefix and pod IPs taken out."""
    obj = json.loads(re.sub(r"10\.244\.\d+\.\d+", "IP", text.replace(prefix, "X-")))
    return [{k: v for k, v in e.items() if k != "time"} for e in obj["metadata"].get("managedFields") or []]


@needs_kubectl
def test_cli_and_kubectl_over_serve_store_the_same_ownership(kubectl_frozen, frozen, tmp_path):
    k, cli = kubectl_frozen, frozen.cli
    for who, run in (("k-", lambda *a: k.ok(*a)), ("c-", lambda *a: cli.ok(*a, tick="0"))):
        run("create", "configmap", f"{who}cm", "--from-literal=a=1")
        run("label", "configmap", f"{who}cm", "team=x")
        run("annotate", "configmap", f"{who}cm", "note=y")
        run("patch", "configmap", f"{who}cm", "-p", '{"data":{"b":"2"}}')
        run("create", "deployment", f"{who}web", "--image=nginx:1.14.2")
        run("scale", "deployment", f"{who}web", "--replicas=2")
        run("set", "image", f"deployment/{who}web", "nginx=nginx:1.25")
        f = tmp_path / f"{who}pod.yaml"
        f.write_text(pod_yaml(f"{who}mig"))
        run("apply", "-f", str(f))
        f.write_text(pod_yaml(f"{who}mig", image="nginx:1.25"))
        assert run("apply", "--server-side", "-f", str(f)) == f"pod/{who}mig serverside-applied\n"
        g = tmp_path / f"{who}cm.yaml"
        g.write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {who}cm\ndata:\n  a: '9'\n")
        assert run("apply", "--server-side", "--field-manager=ops", "--force-conflicts", "-f", str(g)) == \
            f"configmap/{who}cm serverside-applied\n"
    for kind, name in (("configmap", "cm"), ("deployment", "web"), ("pod", "mig")):
        want = _ownership(k.ok("get", kind, f"k-{name}", "-o", "json", "--show-managed-fields"), "k-")
        got = _ownership(cli.ok("get", kind, f"c-{name}", "-o", "json", "--show-managed-fields", tick="0"), "c-")
        assert got == want, kind
    managers = {(e["manager"], e["operation"], e.get("subresource")) for e in want}
    assert ("kubectl", "Apply", None) in managers and ("kubectl-last-applied", "Apply", None) in managers
    deployment = _ownership(cli.ok("get", "deployment", "c-web", "-o", "json", "--show-managed-fields", tick="0"), "c-")
    assert {(e["manager"], e["operation"], e.get("subresource")) for e in deployment} >= {
        ("kubectl-create", "Update", None), ("kubectl", "Update", "scale"), ("kubectl-set", "Update", None),
        ("kube-controller-manager", "Update", "status")}
    # a conflict reads the same from both
    h = tmp_path / "conflict.yaml"
    for who in ("k-", "c-"):
        h.write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {who}cm\ndata:\n  b: '7'\n")
        done = k("apply", "--server-side", "-f", str(h)) if who == "k-" else \
            cli("apply", "--server-side", "-f", str(h), tick="0")
        assert done.returncode == 1
        assert done.stderr.startswith('error: Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: '
                                      ".data.b\nPlease review the fields above--they currently have other managers.")
        assert done.stderr.endswith("See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts\n")


@needs_kubectl
def test_validate_strict_and_invalid_objects(kubectl, tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(pod_yaml("strict-pod") + "  foo: 1\n")
    done = kubectl("apply", "-f", str(f))
    assert done.returncode == 1
    assert done.stderr == (f'Error from server (BadRequest): error when creating "{f}": Pod in version "v1" cannot '
                           'be handled as a Pod: strict decoding error: unknown field "spec.foo"\n')
    done = kubectl("apply", "-f", str(f), "--validate=warn")
    assert done.returncode == 0 and done.stderr == 'Warning: unknown field "spec.foo"\n'
    f.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: noimage\nspec:\n  containers:\n  - name: main\n")
    done = kubectl("create", "-f", str(f))
    assert done.returncode == 1
    assert done.stderr == ('The Pod "noimage" is invalid: spec.containers[0].image: Required value\n')


# ---- streaming: get -w, logs -f, exec -----------------------------------------------------------------------
@needs_kubectl
def test_get_watch_sees_a_pod_start(kubectl, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(pod_yaml("watched", image="busybox", command="sleep 1; echo bye"))
    watch = subprocess.Popen([KUBECTL, "--kubeconfig", str(kubectl.served.kubeconfig), "get", "pods", "-w",
                              "--request-timeout=6s", "--field-selector", "metadata.name=watched"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "KUBECACHEDIR": str(kubectl.cache)})
    time.sleep(1.5)
    kubectl.ok("apply", "-f", str(f))
    out, err = watch.communicate(timeout=30)
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"], out
    statuses = [line.split()[2] for line in lines[1:]]
    assert statuses[0] == "Pending" and "Completed" in statuses, out
    assert "ContainerCreating" in statuses and "Running" in statuses, out


@needs_kubectl
def test_logs_follow_streams_while_the_container_runs(kubectl, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(pod_yaml("counter", image="busybox", command="for i in 1 2 3 4; do echo tick $i; sleep 1; done"))
    kubectl.ok("apply", "-f", str(f))
    assert wait_for(lambda: kubectl("logs", "counter").returncode == 0)
    t0 = time.monotonic()
    proc = subprocess.Popen([KUBECTL, "--kubeconfig", str(kubectl.served.kubeconfig), "logs", "-f", "counter"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "KUBECACHEDIR": str(kubectl.cache)})
    first = proc.stdout.readline()
    first_at = time.monotonic() - t0
    rest, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert first + rest == "tick 1\ntick 2\ntick 3\ntick 4\n"
    assert first_at < 3  # the first line is printed before the container is done (it runs ~4 s)
    assert kubectl.ok("logs", "counter", "--tail=1") == "tick 4\n"
    ts = kubectl.ok("logs", "counter", "--timestamps").splitlines()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z tick 1", ts[0])


@needs_kubectl
def test_exec(kubectl, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(pod_yaml("shell", image="busybox", command="sleep 3600"))
    kubectl.ok("apply", "-f", str(f))
    assert wait_for(lambda: "Running" in kubectl.ok("get", "pod", "shell"))
    done = kubectl("exec", "shell", "--", "sh", "-c", "echo hello; touch /tmp/x; exit 3")
    assert (done.returncode, done.stdout, done.stderr) == (3, "hello\n", "command terminated with exit code 3\n")
    assert kubectl.ok("exec", "shell", "--", "ls", "/tmp") == "x\n"
    done = kubectl("exec", "-i", "shell", "--", "sh", input="echo from stdin\nexit 4\n")
    assert (done.returncode, done.stdout) == (4, "from stdin\n")
    assert kubectl.ok("exec", "-i", "shell", "--", "cat", input="a\nb\n") == "a\nb\n"
    done = kubectl("exec", "shell", "-c", "nope", "--", "true")
    assert done.returncode == 1 and "container nope is not valid for pod shell" in done.stderr


# ---- writes: delete, server-side apply, patch, scale ---------------------------------------------------------
@needs_kubectl
def test_delete_graceful_and_forced(kubectl, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(pod_yaml("del-a") + "---\n" + pod_yaml("del-b"))
    kubectl.ok("apply", "-f", str(f))
    assert wait_for(lambda: kubectl.ok("get", "pods", "del-a", "del-b").count("Running") == 2)
    done = kubectl("delete", "pod", "del-a", "--grace-period=0", "--force")
    assert done.returncode == 0 and done.stdout == 'pod "del-a" force deleted\n'
    assert done.stderr.startswith("Warning: Immediate deletion does not wait")
    t0 = time.monotonic()
    assert kubectl.ok("delete", "pod", "del-b", timeout=60) == 'pod "del-b" deleted\n'  # waits until it is gone
    assert time.monotonic() - t0 < 30
    done = kubectl("get", "pod", "del-a", "del-b")
    assert done.stderr == ('Error from server (NotFound): pods "del-a" not found\n'
                           'Error from server (NotFound): pods "del-b" not found\n')


@needs_kubectl
def test_server_side_apply_ownership_and_conflicts(kubectl, tmp_path):
    f = tmp_path / "cm.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: '1'\n  b: '2'\n")
    assert kubectl.ok("apply", "--server-side", "-f", str(f)) == "configmap/ssa serverside-applied\n"
    cm = json.loads(kubectl.ok("get", "cm", "ssa", "-o", "json", "--show-managed-fields"))
    (entry,) = cm["metadata"]["managedFields"]
    assert (entry["manager"], entry["operation"]) == ("kubectl", "Apply")
    assert entry["fieldsV1"] == {"f:data": {"f:a": {}, "f:b": {}}}
    # another manager changing an owned field conflicts; --force-conflicts takes it over
    g = tmp_path / "cm2.yaml"
    g.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: '9'\n")
    done = kubectl("apply", "--server-side", "--field-manager=other", "-f", str(g))
    assert done.returncode == 1
    # printManager (the apiserver's conflict.go): an applier by its name, an updater with its API version
    assert 'Apply failed with 1 conflict: conflict with "kubectl": .data.a' in done.stderr
    assert kubectl.ok("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", str(g)) == \
        "configmap/ssa serverside-applied\n"
    # the first manager now leaves out b: it goes (nobody else owns it); a stays other's
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  c: '3'\n")
    kubectl.ok("apply", "--server-side", "-f", str(f))
    assert json.loads(kubectl.ok("get", "cm", "ssa", "-o", "json"))["data"] == {"a": "9", "c": "3"}
    # a client-side apply and a patch record Update entries
    kubectl.ok("patch", "cm", "ssa", "-p", '{"data":{"d":"4"}}')
    managers = {(e["manager"], e["operation"]) for e in json.loads(
        kubectl.ok("get", "cm", "ssa", "-o", "json", "--show-managed-fields"))["metadata"]["managedFields"]}
    assert managers == {("kubectl", "Apply"), ("other", "Apply"), ("kubectl-patch", "Update")}
    # from client-side to server-side apply and back (kubectl migrates the ownership; the server lets kubectl
    # take over what the last-applied annotation names, and keeps that annotation up to date)
    h = tmp_path / "pod.yaml"
    h.write_text(pod_yaml("migrate"))
    assert kubectl.ok("apply", "-f", str(h)) == "pod/migrate created\n"
    h.write_text(pod_yaml("migrate", image="nginx:1.25"))
    done = kubectl("apply", "--server-side", "-f", str(h))
    assert (done.returncode, done.stdout, done.stderr) == (0, "pod/migrate serverside-applied\n", "")
    pod = json.loads(kubectl.ok("get", "pod", "migrate", "-o", "json", "--show-managed-fields"))
    assert pod["spec"]["containers"][0]["image"] == "nginx:1.25"
    assert {e["manager"] for e in pod["metadata"]["managedFields"]} - {"kubelet"} == {"kubectl",
                                                                                   "kubectl-last-applied"}
    assert json.loads(pod["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"])[
        "spec"]["containers"][0]["image"] == "nginx:1.25"
    h.write_text(pod_yaml("migrate"))
    assert kubectl.ok("apply", "-f", str(h)) == "pod/migrate configured\n"
    assert kubectl.ok("get", "pod", "migrate", "-o", "jsonpath={.spec.containers[0].image}") == "nginx:1.14.2"


@needs_kubectl
def test_patch_label_and_scale(kubectl, live, tmp_path):
    f = tmp_path / "d.yaml"
    f.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: scaled\nspec:\n  replicas: 1\n"
                 "  selector:\n    matchLabels: {app: scaled}\n  template:\n    metadata:\n      labels: {app: scaled}\n"
                 "    spec:\n      containers:\n      - name: main\n        image: nginx:1.25\n")
    kubectl.ok("apply", "-f", str(f))
    assert kubectl.ok("scale", "deployment", "scaled", "--replicas=3") == "deployment.apps/scaled scaled\n"
    assert kubectl.ok("get", "deploy", "scaled", "-o", "jsonpath={.spec.replicas}") == "3"
    code, scale = live.json("GET", "/apis/apps/v1/namespaces/default/deployments/scaled/scale")
    assert (code, scale["kind"], scale["spec"], scale["status"]["selector"]) == (200, "Scale", {"replicas": 3},
                                                                                 "app=scaled")
    for ptype, body in (("strategic", '{"metadata":{"labels":{"s":"1"}}}'),
                        ("merge", '{"metadata":{"labels":{"m":"1"}}}'),
                        ("json", '[{"op":"add","path":"/metadata/labels/j","value":"1"}]')):
        assert kubectl.ok("patch", "deploy", "scaled", "--type", ptype, "-p", body) == \
            "deployment.apps/scaled patched\n"
    labels = json.loads(kubectl.ok("get", "deploy", "scaled", "-o", "jsonpath={.metadata.labels}"))
    assert labels == {"s": "1", "m": "1", "j": "1"}
    assert kubectl.ok("label", "deploy", "scaled", "s-") == "deployment.apps/scaled unlabeled\n"
    done = kubectl("patch", "deploy", "scaled", "--type", "json", "-p", '[{"op":"test","path":"/spec/replicas",'
                                                                       '"value":9}]')
    assert done.returncode == 1 and "test failed" in done.stderr


@needs_kubectl
def test_chunked_list_and_tls(kubectl, live, tmp_path):
    for i in range(5):
        live.json("POST", "/api/v1/namespaces/default/configmaps",
                  {"metadata": {"name": f"chunk-{i}"}, "data": {"i": str(i)}})
    code, page = live.json("GET", "/api/v1/namespaces/default/configmaps?limit=2&labelSelector=")
    assert code == 200 and len(page["items"]) == 2 and page["metadata"]["continue"]
    seen = [i["metadata"]["name"] for i in page["items"]]
    while page["metadata"].get("continue"):
        code, page = live.json("GET", "/api/v1/namespaces/default/configmaps?limit=2&continue="
                               + page["metadata"]["continue"])
        seen += [i["metadata"]["name"] for i in page["items"]]
    assert [n for n in seen if n.startswith("chunk-")] == [f"chunk-{i}" for i in range(5)]
    out = kubectl.ok("get", "cm", "--chunk-size=2", "-o", "name")
    assert all(f"configmap/chunk-{i}\n" in out for i in range(5))
    # TLS: a self-signed certificate the kubeconfig trusts (made with the openssl command)
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    tls = Served(tmp_path / "tls", "--tls")
    try:
        k = Kubectl(tls, tmp_path)
        assert tls.url.startswith("https://")
        assert k("get", "pods").stderr == "No resources found in default namespace.\n"
    finally:
        tls.stop()


# ---- the Python client --------------------------------------------------------------------------------------
def test_python_client_lists_creates_and_watches(live):
    pytest.importorskip("kubernetes")
    from kubernetes import client, config, watch

    api = client.CoreV1Api(config.new_client_from_config(str(live.kubeconfig)))
    names = [p.metadata.name for p in api.list_namespaced_pod("default").items]
    assert "py-pod" not in names
    events: list = []

    def run():
        w = watch.Watch()
        for ev in w.stream(api.list_namespaced_pod, "default", field_selector="metadata.name=py-pod",
                           timeout_seconds=6):
            events.append((ev["type"], ev["object"].status.phase))
            if ev["object"].status.phase == "Succeeded":
                w.stop()

    t = threading.Thread(target=run)
    t.start()
    time.sleep(1)
    pod = client.V1Pod(metadata=client.V1ObjectMeta(name="py-pod", labels={"from": "python"}),
                       spec=client.V1PodSpec(restart_policy="Never", containers=[
                           client.V1Container(name="c", image="busybox", command=["sh", "-c", "echo hi"])]))
    created = api.create_namespaced_pod("default", pod)
    assert created.metadata.uid and created.spec.containers[0].image_pull_policy == "Always"
    with pytest.raises(client.ApiException) as info:
        api.create_namespaced_pod("default", pod)
    assert info.value.status == 409 and json.loads(info.value.body)["reason"] == "AlreadyExists"
    t.join(timeout=20)
    assert events[0] == ("ADDED", "Pending") and ("MODIFIED", "Succeeded") in events, events
    assert [p.metadata.name for p in api.list_namespaced_pod("default", label_selector="from=python").items] == \
        ["py-pod"]
    assert api.read_namespaced_pod_log("py-pod", "default") == "hi\n"
    api.delete_namespaced_pod("py-pod", "default")
    assert wait_for(lambda: not api.list_namespaced_pod("default", label_selector="from=python").items)


# ---- bad input ----------------------------------------------------------------------------------------------
def _status(raw: bytes) -> tuple:
    st = json.loads(raw)
    assert st["kind"] == "Status" and st["status"] == "Failure"
    return st["code"], st["reason"]


def test_bad_input_gets_the_apiservers_status(live):
    pods = "/api/v1/namespaces/default/pods"
    cases = [
        ("POST", pods, b'{"kind":', {"Content-Type": "application/json"}, (400, "BadRequest")),
        ("POST", pods, b"[1, 2]", {"Content-Type": "application/json"}, (400, "BadRequest")),
        ("POST", pods, b"<pod/>", {"Content-Type": "text/xml"}, (415, "UnsupportedMediaType")),
        ("POST", pods, b"a: [", {"Content-Type": "application/yaml"}, (400, "BadRequest")),
        ("POST", pods, b'{"kind":"Pod","apiVersion":"v1","metadata":{"name":"bad"},"spec":{}}',
         {"Content-Type": "application/json"}, (422, "Invalid")),
        ("POST", pods, b'{"kind":"Pod","apiVersion":"apps/v1","metadata":{"name":"bad"}}',
         {"Content-Type": "application/json"}, (400, "BadRequest")),
        ("PATCH", pods + "/nope", b"{}", {"Content-Type": "application/merge-patch+json"}, (404, "NotFound")),
        ("PATCH", pods + "/nope", b"{}", {"Content-Type": "application/json"}, (415, "UnsupportedMediaType")),
        ("GET", "/api/v1/namespaces/default/widgets", None, {}, (404, "NotFound")),
        ("PUT", "/api/v1/namespaces/default/events/x", b"{}", {"Content-Type": "application/json"},
         (405, "MethodNotAllowed")),
        ("GET", pods + "?labelSelector=a%20in%20(b", None, {}, (400, "BadRequest")),
        ("GET", pods + "?fieldSelector=spec.color%3Dred", None, {}, (400, "BadRequest")),
        ("GET", pods + "?limit=2&continue=garbage", None, {}, (400, "BadRequest")),
        ("POST", pods + "?dryRun=Some", b'{"metadata":{"name":"x"}}', {"Content-Type": "application/json"},
         (422, "Invalid")),
    ]
    for method, path, body, headers, want in cases:
        code, _h, raw = live.request(method, path, body, headers)
        assert (code, _status(raw)) == (want[0], want), (method, path, body, raw)
    huge = b'{"kind":"Pod","metadata":{"name":"big"},"x":"' + b"a" * (3 * 1024 * 1024) + b'"}'
    code, h, raw = live.request("POST", pods, huge, {"Content-Type": "application/json"})
    assert (code, _status(raw)) == (413, (413, "RequestEntityTooLarge"))
    # a conflict on resourceVersion, and a dry run that stores nothing
    live.json("POST", "/api/v1/namespaces/default/configmaps", {"metadata": {"name": "rvcm"}})
    code, st = live.json("PUT", "/api/v1/namespaces/default/configmaps/rvcm",
                         {"metadata": {"name": "rvcm", "resourceVersion": "1"}, "data": {"a": "b"}})
    assert (code, st["reason"], st["details"]) == (409, "Conflict", {"name": "rvcm", "kind": "configmaps"})
    code, obj = live.json("POST", "/api/v1/namespaces/default/configmaps?dryRun=All", {"metadata": {"name": "dry"}})
    assert code == 201 and obj["metadata"]["name"] == "dry"
    assert live.json("GET", "/api/v1/namespaces/default/configmaps/dry")[0] == 404
    # 422 causes as the apiserver lists them
    code, st = live.json("POST", pods, {"metadata": {"name": "Bad_Name"}, "spec": {"containers": [
        {"name": "c", "image": "busybox"}]}})
    assert code == 422 and st["details"]["kind"] == "Pod"
    assert st["details"]["causes"][0]["reason"] == "FieldValueInvalid"
    assert st["details"]["causes"][0]["field"] == "metadata.name"


def test_too_old_resource_version_is_410_in_the_stream(live):
    conn = sqlite3.connect(live.home / "store.db", timeout=60)
    try:
        rv = int(conn.execute("SELECT value FROM meta WHERE key='revision'").fetchone()[0])
        old = conn.execute("SELECT value FROM meta WHERE key='changes:oldest'").fetchone()
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('changes:oldest', ?)", (str(rv),))
        conn.commit()
        code, _h, raw = live.request("GET", "/api/v1/namespaces/default/pods?watch=1&resourceVersion=1")
        event = json.loads(raw.splitlines()[0])
        assert code == 200 and event["type"] == "ERROR"
        assert event["object"]["code"] == 410 and event["object"]["reason"] == "Expired"
        assert event["object"]["message"] == f"too old resource version: 1 ({rv - 1})"
    finally:
        if old is None:
            conn.execute("DELETE FROM meta WHERE key='changes:oldest'")
        else:
            conn.execute("UPDATE meta SET value=? WHERE key='changes:oldest'", old)
        conn.commit()
        conn.close()


def test_slow_and_vanishing_clients_leave_the_server_serving(live):
    # a client that sends half a request and waits
    slow = socket.create_connection(("127.0.0.1", live.port))
    slow.sendall(b"GET /api/v1/namespaces/default/pods HTTP/1.1\r\nHost: x\r\n")
    # clients that open a watch and vanish mid-stream
    for _ in range(5):
        s = socket.create_connection(("127.0.0.1", live.port))
        s.sendall(b"GET /api/v1/namespaces/default/pods?watch=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        s.recv(100)
        s.close()
    # a client that announces a body it never sends in full
    half = socket.create_connection(("127.0.0.1", live.port))
    half.sendall(b"POST /api/v1/namespaces/default/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000\r\n\r\n{\"kind\"")
    t0 = time.monotonic()
    for _ in range(5):
        code, _h, _raw = live.request("GET", "/api/v1/namespaces/default/pods", timeout=10)
        assert code == 200
    assert time.monotonic() - t0 < 10
    slow.close()
    half.close()
    # the store is intact: the command line still reads and writes it
    assert live.cli("get", "pods", tick="0").returncode == 0
    assert live.cli.ok("create", "namespace", "after-bad-clients", tick="0") == \
        "namespace/after-bad-clients created\n"


def test_commands_run_while_a_watch_is_open(live):
    """A watch holds no lock: CLI commands on the same store run meanwhile."""
    s = socket.create_connection(("127.0.0.1", live.port))
    s.sendall(b"GET /api/v1/namespaces/default/pods?watch=1&timeoutSeconds=20 HTTP/1.1\r\nHost: x\r\n\r\n")
    s.recv(100)
    try:
        t0 = time.monotonic()
        for i in range(3):
            live.cli.ok("create", "namespace", f"while-watching-{i}", tick="0")
        assert time.monotonic() - t0 < 15
    finally:
        s.close()


def kubectl_on_terminal(kubectl, *args: str):
    """The real kubectl with a pseudo-terminal for its stdin, stdout and stderr (``-it``), against the server."""
    from ptyrun import Pty

    env = {**os.environ, "KUBECACHEDIR": str(kubectl.cache), "TERM": "dumb"}
    return Pty([KUBECTL, "--kubeconfig", str(kubectl.served.kubeconfig), *args], env)


@needs_kubectl
def test_attach_exec_tty_and_explain(kubectl, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(pod_yaml("tty", image="busybox", command="sleep 3600") + "---\n"
                 + pod_yaml("attached", image="busybox", command="sleep 2; for i in 1 2 3; do echo out $i; sleep 1;"
                                                                 " done") + "  restartPolicy: Never\n")
    kubectl.ok("apply", "-f", str(f))
    assert wait_for(lambda: kubectl.ok("get", "pod", "tty", "attached").count("Running") == 2)
    done = kubectl("attach", "attached", timeout=30)  # what the main process prints from now on, until it stops
    assert done.returncode == 0 and done.stdout.endswith("out 3\n"), done
    # exec -it through a pseudo-terminal: a prompt, one command per line, the exit code of `exit N`
    term = kubectl_on_terminal(kubectl, "exec", "-it", "tty", "--", "sh")
    term.expect("/ # ")
    term.send("echo hello $((6*7))\r")
    term.expect("hello 42")
    term.send("cd /tmp; X=kept\r")  # one shell for the session: its state carries
    term.expect("/tmp # ")
    term.send("echo $X in $(pwd)\r")
    term.expect("kept in /tmp")
    term.send("exit 7\r")
    assert term.finish()[0] == 7
    out = kubectl.ok("explain", "pods.spec.containers.ports")
    assert "containerPort\t<integer> -required-" in out


@needs_kubectl
def test_attach_it_types_into_the_containers_shell(kubectl, tmp_path):
    """kubectl attach -it to a container whose main process is a shell (stdin and tty in its spec): the lines
    typed go to that process (the pods/attach subresource with stdin=true, tty=true), its state is the
    container's; Ctrl-D ends the shell, and with it the container (restartPolicy Never: the pod Succeeds)."""
    f = tmp_path / "p.yaml"
    f.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: attach-shell\nspec:\n  restartPolicy: Never\n"
                 "  containers:\n  - name: main\n    image: busybox\n    command: [sh]\n    stdin: true\n"
                 "    tty: true\n")
    kubectl.ok("apply", "-f", str(f))
    assert wait_for(lambda: "Running" in kubectl.ok("get", "pod", "attach-shell"))
    term = kubectl_on_terminal(kubectl, "attach", "-it", "attach-shell")
    term.expect("If you don't see a command prompt, try pressing enter.")
    term.expect("/ # ")
    term.send("X=$((6*7)); echo in the container $X\r")
    term.expect("in the container 42")
    term.send("\x04")  # Ctrl-D at an empty line: the shell reads the end of its input
    assert term.finish()[0] == 0
    assert wait_for(lambda: "Completed" in kubectl.ok("get", "pod", "attach-shell"))
    assert "in the container 42" in kubectl.ok("logs", "attach-shell")  # its output is its log, as a runtime keeps it


def test_subresources_tables_bookmarks_and_collections(live):
    pods = "/api/v1/namespaces/default/pods"
    code, pod = live.json("POST", pods, {"metadata": {"name": "sub", "labels": {"grp": "sub"}}, "spec": {
        "containers": [{"name": "c", "image": "nginx:1.25"}]}})
    assert code == 201
    assert wait_for(lambda: live.json("GET", pods + "/sub")[1].get("spec", {}).get("nodeName"))
    # binding an assigned pod: the apiserver's conflict
    code, st = live.json("POST", pods + "/sub/binding", {"apiVersion": "v1", "kind": "Binding",
                                                           "metadata": {"name": "sub"},
                                                           "target": {"kind": "Node", "name": "node1"}})
    assert (code, st["reason"]) == (409, "Conflict") and "is already assigned to node" in st["message"]
    # the status subresource takes status only
    code, obj = live.json("PATCH", pods + "/sub/status", {"metadata": {"labels": {"x": "y"}},
                                                          "status": {"conditions": [{"type": "Custom",
                                                                                     "status": "True"}]}},
                          "application/strategic-merge-patch+json")
    assert code == 200 and any(c["type"] == "Custom" for c in obj["status"]["conditions"])
    # ephemeral containers: readable and patchable through their subresource (its own rules: test_serve_debug.py)
    assert live.json("GET", pods + "/sub/ephemeralcontainers")[0] == 200
    code, obj = live.json("PATCH", pods + "/sub/ephemeralcontainers",
                          {"metadata": {"labels": {"x": "z"}},
                           "spec": {"ephemeralContainers": [{"name": "dbg", "image": "busybox"}]}},
                          "application/strategic-merge-patch+json")
    assert code == 200, obj
    assert [c["name"] for c in obj["spec"]["ephemeralContainers"]] == ["dbg"]
    assert obj["metadata"].get("labels", {}).get("x") != "z"  # nothing but the ephemeral containers
    # Table: wide columns have priority 1; includeObject
    table_accept = {"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"}
    code, table = live.json("GET", pods + "?labelSelector=grp%3Dsub", headers=table_accept)
    assert [(c["name"], c["priority"]) for c in table["columnDefinitions"]] == [
        ("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0), ("IP", 1), ("Node", 1),
        ("Nominated Node", 1), ("Readiness Gates", 1)]
    (row,) = table["rows"]
    assert row["cells"][0] == "sub" and row["object"]["kind"] == "PartialObjectMetadata"
    code, table = live.json("GET", pods + "/sub?includeObject=None", headers=table_accept)
    assert "object" not in table["rows"][0]
    # a watch with initial events ends them with a bookmark
    code, _h, raw = live.request("GET", pods + "?watch=1&sendInitialEvents=true&allowWatchBookmarks=true"
                                 "&resourceVersionMatch=NotOlderThan&labelSelector=grp%3Dsub&timeoutSeconds=1")
    events = [json.loads(line) for line in raw.splitlines()]
    assert events[0]["type"] == "ADDED" and events[0]["object"]["metadata"]["name"] == "sub"
    assert events[1]["type"] == "BOOKMARK"
    assert events[1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    # eviction goes through the pod's delete rules (graceful: the pod terminates, then goes)
    code, st = live.json("POST", pods + "/sub/eviction", {"apiVersion": "policy/v1", "kind": "Eviction",
                                                            "metadata": {"name": "sub"}})
    assert (code, st["status"]) == (201, "Success")
    assert wait_for(lambda: live.json("GET", pods + "/sub")[0] == 404)
    # deletecollection by label
    for i in range(3):
        live.json("POST", "/api/v1/namespaces/default/configmaps",
                  {"metadata": {"name": f"dc-{i}", "labels": {"dc": "yes" if i < 2 else "no"}}})
    code, gone = live.json("DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=dc%3Dyes")
    assert code == 200 and sorted(i["metadata"]["name"] for i in gone["items"]) == ["dc-0", "dc-1"]
    code, left = live.json("GET", "/api/v1/namespaces/default/configmaps?labelSelector=dc")
    assert [i["metadata"]["name"] for i in left["items"]] == ["dc-2"]


def test_python_client_exec_over_the_v4_protocol(live):
    pytest.importorskip("kubernetes")
    from kubernetes import client, config
    from kubernetes.stream import stream

    api = client.CoreV1Api(config.new_client_from_config(str(live.kubeconfig)))
    api.create_namespaced_pod("default", client.V1Pod(
        metadata=client.V1ObjectMeta(name="py-exec"),
        spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox", command=["sleep", "3600"])])))
    assert wait_for(lambda: api.read_namespaced_pod("py-exec", "default").status.phase == "Running")
    out = stream(api.connect_get_namespaced_pod_exec, "py-exec", "default", command=["sh", "-c", "echo via v4"],
                 stdout=True, stderr=True, stdin=False, tty=False)
    assert out == "via v4\n"


@needs_kubectl
def test_kubectl_create_sends_protobuf(kubectl, live):
    """kubectl's typed clients send protobuf bodies: `create namespace|configmap|secret|deployment|...`."""
    assert kubectl.ok("create", "namespace", "pb-ns") == "namespace/pb-ns created\n"
    assert kubectl.ok("-n", "pb-ns", "create", "configmap", "pb-cm", "--from-literal=a=b") == \
        "configmap/pb-cm created\n"
    assert kubectl.ok("-n", "pb-ns", "create", "secret", "generic", "pb-s", "--from-literal=p=q") == \
        "secret/pb-s created\n"
    assert kubectl.ok("-n", "pb-ns", "create", "deployment", "pb-d", "--image=nginx:1.25", "--replicas=0") == \
        "deployment.apps/pb-d created\n"
    cm = json.loads(kubectl.ok("-n", "pb-ns", "get", "cm", "pb-cm", "-o", "json"))
    assert cm["data"] == {"a": "b"} and cm["metadata"]["namespace"] == "pb-ns"
    assert kubectl.ok("-n", "pb-ns", "get", "secret", "pb-s", "-o", "jsonpath={.data.p}") == "cQ=="
    d = json.loads(kubectl.ok("-n", "pb-ns", "get", "deploy", "pb-d", "-o", "json"))
    assert d["spec"]["replicas"] == 0  # a pointer field's zero survives the decoding
    c = d["spec"]["template"]["spec"]["containers"][0]
    assert c["image"] == "nginx:1.25" and "stdin" not in c and "tty" not in c  # omitempty zeros do not
    assert "minReadySeconds" not in d["spec"]
    # a Service: kubectl create service sends it as protobuf too; the server allocates its cluster IP
    assert kubectl.ok("-n", "pb-ns", "create", "service", "nodeport", "pb-svc", "--tcp=80:8080") == \
        "service/pb-svc created\n"
    svc = json.loads(kubectl.ok("-n", "pb-ns", "get", "svc", "pb-svc", "-o", "json"))
    assert svc["spec"]["ports"][0]["targetPort"] == 8080 and 30000 <= svc["spec"]["ports"][0]["nodePort"] <= 32767
    assert svc["spec"]["clusterIP"].startswith("10.") and svc["spec"]["selector"] == {"app": "pb-svc"}
    code, st = live.json("POST", "/api/v1/namespaces", b"k8s\x00garbage",
                         "application/vnd.kubernetes.protobuf")
    assert (code, st["reason"]) == (400, "BadRequest")


def test_events_can_be_watched(live):
    """Events live outside the change log; a watch on them polls their table at every step."""
    result: dict = {}

    def watch():
        result["raw"] = live.request("GET", "/api/v1/namespaces/default/events?watch=1&resourceVersion=0"
                                            "&fieldSelector=involvedObject.name%3Dev-pod&timeoutSeconds=4")[2]

    t = threading.Thread(target=watch)
    t.start()
    time.sleep(1)
    live.json("POST", "/api/v1/namespaces/default/pods", {"metadata": {"name": "ev-pod"}, "spec": {
        "containers": [{"name": "c", "image": "busybox", "command": ["sleep", "60"]}]}})
    t.join(30)
    events = [json.loads(line) for line in result["raw"].splitlines()]
    assert events and all(e["type"] in ("ADDED", "MODIFIED") for e in events)
    assert events[0]["object"]["reason"] == "Scheduled"

"""Every container of the website example corpus gets a sensible simulated behaviour,
and the documented multi-container scenarios work end to end."""

import json
import os

import pytest

from minikctl.engine.behavior import (
    PodFS, Process, container_env, effective_argv_env, http_get, lookup_image, run_exec,
)

CORPUS = str(__import__("pathlib").Path(__file__).resolve().parents[2] / "minikctl" / "k8s_examples")


def _pod_specs():
    from ruamel.yaml import YAML

    y = YAML(typ="safe")
    out = []
    for root, dirs, files in os.walk(CORPUS):
        dirs[:] = sorted(d for d in dirs if not d.startswith("_"))
        for f in sorted(files):
            if not f.endswith((".yaml", ".yml")):
                continue
            path = os.path.join(root, f)
            try:
                with open(path) as fh:
                    docs = list(y.load_all(fh))
            except Exception:
                continue
            for doc in docs:
                spec = _find_pod_spec(doc)
                if spec is not None:
                    out.append((os.path.relpath(path, CORPUS), doc, spec))
    return out


def _find_pod_spec(doc):
    if not isinstance(doc, dict):
        return None
    if doc.get("kind") == "Pod":
        return doc.get("spec")
    node = doc.get("spec") or {}
    for _ in range(3):
        if not isinstance(node, dict):
            return None
        if "containers" in node:
            return node
        node = (node.get("jobTemplate") or {}).get("spec") or node.get("template", {}).get("spec") or node.get("template")
    return None


def _start(pod, c, podfs, now=0, mem=None, env_extra=None):
    image = lookup_image(c.get("image", ""))
    env = container_env(c, pod, image=image)
    env.update(env_extra or {})
    argv = effective_argv_env(c, image, env)
    fs = podfs.view(c["name"], c.get("volumeMounts"), image=image)
    p = Process.spawn(argv, env, image, now, mem)
    p.step(now, fs)
    return p, fs, image


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason="corpus not available")
def test_every_corpus_container_simulates():
    seen = 0
    for path, doc, spec in _pod_specs():
        pod = {"metadata": {"name": (doc.get("metadata") or {}).get("name", "x") or "x", "namespace": "default"},
               "spec": spec, "status": {"podIP": "10.244.0.5"}}
        podfs = PodFS.new(pod)
        for c in list(spec.get("initContainers") or []) + list(spec.get("containers") or []):
            if not isinstance(c, dict) or "name" not in c:
                continue
            image = lookup_image(str(c.get("image", "")))
            if image.invalid or not image.exists:
                assert image.invalid_message or image.pull_error, path
                continue
            p, fs, _ = _start(pod, c, podfs, mem=104857600)
            p.step(120000, fs)
            d = json.loads(json.dumps(p.to_dict()))
            q = Process.from_dict(d)
            q.step(240000, fs)
            # exited processes say why; running ones are either waiting for a wake-up or blocked on purpose
            if q.exited:
                assert q.reason in ("Completed", "Error", "OOMKilled", "StartError"), path
            else:
                assert q.wake_ms is None or q.wake_ms > 240000, path
            seen += 1
    assert seen > 250


def test_indexed_job_init_and_worker_share_input():
    pod = {"metadata": {"name": "indexed-job-3"}, "spec": {"volumes": [{"name": "input", "emptyDir": {}}]}}
    podfs = PodFS.new(pod)
    init = {"name": "input", "image": "docker.io/library/bash", "command": ["bash", "-c", (
        "items=(foo bar baz qux xyz)\necho ${items[$JOB_COMPLETION_INDEX]} > /input/data.txt\n")],
        "volumeMounts": [{"mountPath": "/input", "name": "input"}]}
    worker = {"name": "worker", "image": "docker.io/library/busybox", "command": ["rev", "/input/data.txt"],
              "volumeMounts": [{"mountPath": "/input", "name": "input"}]}
    p, _, _ = _start(pod, init, podfs, env_extra={"JOB_COMPLETION_INDEX": "3"})
    assert p.exited and p.exit_code == 0
    w, _, _ = _start(pod, worker, podfs, now=2000)
    assert w.exit_code == 0 and [l[2] for l in w.logs] == ["xuq"]


def test_init_containers_page_served_by_nginx():
    pod = {"metadata": {"name": "init-demo"}, "spec": {"volumes": [{"name": "workdir", "emptyDir": {}}]}}
    podfs = PodFS.new(pod)
    init = {"name": "install", "image": "busybox:1.28", "command": ["wget", "-O", "/work-dir/index.html", "http://info.cern.ch"],
            "volumeMounts": [{"name": "workdir", "mountPath": "/work-dir"}]}
    nginx = {"name": "nginx", "image": "nginx", "volumeMounts": [{"name": "workdir", "mountPath": "/usr/share/nginx/html"}]}
    p, _, _ = _start(pod, init, podfs)
    assert p.exit_code == 0 and p.assumptions
    n, fs, img = _start(pod, nginx, podfs, now=3000)
    assert http_get(n, 80, "/", 4000, "10.244.0.5") == (200, "")
    code, page = run_exec(["cat", "/usr/share/nginx/html/index.html"], {}, fs, img, 5000, 1)
    assert code == 0 and "info.cern.ch" in page


def test_dapi_envars_pod_prints_downward_values():
    pod = {"metadata": {"name": "dapi-envars-fieldref", "namespace": "default"},
           "spec": {"nodeName": "node1", "serviceAccountName": "default"}, "status": {"podIP": "10.244.0.7"}}
    c = {"name": "test-container", "image": "registry.k8s.io/busybox:1.27.2", "command": ["sh", "-c"],
         "args": ["while true; do echo -en '\\n'; printenv MY_NODE_NAME MY_POD_NAME MY_POD_NAMESPACE; "
                  "printenv MY_POD_IP MY_POD_SERVICE_ACCOUNT; sleep 10; done;"],
         "env": [{"name": "MY_NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                 {"name": "MY_POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                 {"name": "MY_POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                 {"name": "MY_POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                 {"name": "MY_POD_SERVICE_ACCOUNT", "valueFrom": {"fieldRef": {"fieldPath": "spec.serviceAccountName"}}}]}
    p, _, _ = _start(pod, c, PodFS.new(pod))
    assert [l[2] for l in p.logs] == ["", "node1", "dapi-envars-fieldref", "default", "10.244.0.7", "default"]
    assert p.wake_ms == 10000


def test_pod_configmap_env_var_value_from_echo():
    pod = {"metadata": {"name": "dapi-test-pod"}, "spec": {}}
    c = {"name": "test-container", "image": "registry.k8s.io/busybox:1.27.2",
         "command": ["/bin/echo", "$(SPECIAL_LEVEL_KEY) $(SPECIAL_TYPE_KEY)"],
         "env": [{"name": "SPECIAL_LEVEL_KEY", "value": "very"}, {"name": "SPECIAL_TYPE_KEY", "value": "charm"}]}
    p, _, _ = _start(pod, c, PodFS.new(pod))
    assert [l[2] for l in p.logs] == ["very charm"] and p.exit_code == 0


def test_hostaliases_cat_etc_hosts():
    pod = {"metadata": {"name": "hostaliases-pod"},
           "spec": {"hostAliases": [{"ip": "127.0.0.1", "hostnames": ["foo.local", "bar.local"]}]},
           "status": {"podIP": "10.244.0.5"}}
    c = {"name": "cat-hosts", "image": "busybox:1.28", "command": ["cat"], "args": ["/etc/hosts"]}
    p, _, _ = _start(pod, c, PodFS.new(pod))
    lines = [l[2] for l in p.logs]
    assert lines[-2:] == ["# Entries added by HostAliases.", "127.0.0.1\tfoo.local\tbar.local"]


def test_commands_pod_printenv():
    pod = {"metadata": {"name": "command-demo"}, "spec": {}}
    c = {"name": "command-demo-container", "image": "debian", "command": ["printenv"], "args": ["HOSTNAME", "KUBERNETES_PORT"]}
    p, _, _ = _start(pod, c, PodFS.new(pod))
    assert [l[2] for l in p.logs] == ["command-demo", "tcp://10.96.0.1:443"] and p.reason == "Completed"

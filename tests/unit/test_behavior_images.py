"""Image catalog, effective argv and container env."""

from minikctl.engine.behavior import (
    container_env, effective_argv, expand_k8s, lookup_image, parse_reference,
)
from minikctl.engine.behavior.images import Image, derived_digest


def test_nginx_1_14_2_observed_digest_and_size():
    img = lookup_image("nginx:1.14.2")
    assert img.known and img.exists
    assert img.digest == "sha256:f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d"
    assert img.image_id == "docker.io/library/nginx@" + img.digest
    assert img.size == 44710204
    assert img.normalized == "docker.io/library/nginx:1.14.2"
    assert img.pull_ms == 2000


def test_busybox_defaults():
    img = lookup_image("busybox:1.36")
    assert img.size == 2217006
    assert img.pull_ms == 1000  # the profile default: only the nginx repository overrides it
    assert img.cmd == ["sh"] and img.entrypoint == []
    assert img.has_executable("sh") and img.has_executable("/bin/sh") and img.has_executable("wget")
    assert not img.has_executable("bash")


def test_known_repository_unknown_tag_does_not_exist():
    img = lookup_image("nginx:nonexistent")
    assert img.known and not img.exists
    assert img.pull_error == (
        'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:nonexistent": '
        'failed to resolve reference "docker.io/library/nginx:nonexistent": docker.io/library/nginx:nonexistent: not found')


def test_missing_repository_from_corpus():
    img = lookup_image("non-existing-repo/non-existing-image:example")
    assert not img.exists and "not found" in img.pull_error


def test_unknown_image_is_permissive_and_deterministic():
    a = lookup_image("example.com/team/app:v3")
    b = lookup_image("example.com/team/app:v3")
    assert not a.known and a.exists and a.executables is None
    assert a.digest == b.digest == derived_digest("example.com/team/app:v3")
    assert a.image_id == "example.com/team/app@" + a.digest


def test_reference_normalisation():
    assert parse_reference("nginx").normalized == "docker.io/library/nginx:latest"
    assert parse_reference("docker.io/redis:6.0.5").normalized == "docker.io/library/redis:6.0.5"
    assert parse_reference("registry.k8s.io/busybox").normalized == "registry.k8s.io/busybox:latest"
    assert parse_reference("localhost:5000/x/y:1").normalized == "localhost:5000/x/y:1"
    assert lookup_image("docker.io/library/busybox").known


def test_invalid_reference():
    img = lookup_image("<your-private-image>")
    assert img.invalid and not img.exists
    assert img.invalid_message == ('Failed to apply default image tag "<your-private-image>": couldn\'t parse image '
                                   'name "<your-private-image>": invalid reference format')
    assert lookup_image("gcr.io/<project>/job-wq-1").invalid


def test_image_round_trip():
    img = lookup_image("registry.k8s.io/e2e-test-images/agnhost:2.40")
    assert Image.from_dict(img.to_dict()) == img


def test_user_catalog(tmp_path):
    p = tmp_path / "catalog.json"
    p.write_text('{"repositories": {"example.com/app": {"entrypoint": ["/app"], "cmd": [], "executables": ["app"],'
                 ' "tags": {"1.0": {"size": 123}}}}}')
    img = lookup_image("example.com/app:1.0", user_catalog=str(p))
    assert img.known and img.size == 123 and img.entrypoint == ["/app"]
    assert not lookup_image("example.com/app:2.0", user_catalog=str(p)).exists
    assert lookup_image("nginx:1.14.2", user_catalog=str(p)).size == 44710204


def test_effective_argv_rules():
    img = lookup_image("nginx:1.14.2")
    assert effective_argv({}, img) == ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"]
    assert effective_argv({"args": ["nginx", "-T"]}, img) == ["/docker-entrypoint.sh", "nginx", "-T"]
    assert effective_argv({"command": ["sleep"], "args": ["1"]}, img) == ["sleep", "1"]
    assert effective_argv({"command": ["sh", "-c", "x"]}, img) == ["sh", "-c", "x"]


def test_dollar_paren_expansion():
    env = {"A": "x"}
    assert expand_k8s("$(A)-$$(A)-$(B)-$A-$$", env) == "x-$(A)-$(B)-$A-$"
    c = {"command": ["echo", "$(MSG)"], "env": [{"name": "MSG", "value": "hi $(WHO)"}, {"name": "WHO", "value": "w"}]}
    assert effective_argv(c, lookup_image("busybox")) == ["echo", "hi $(WHO)"]


def test_container_env_dependent_and_field_refs():
    pod = {"metadata": {"name": "dapi", "namespace": "ns1", "labels": {"a": "b"}},
           "spec": {"nodeName": "node1", "serviceAccountName": "sa"},
           "status": {"podIP": "10.244.0.7", "hostIP": "192.168.49.2"}}
    c = {"env": [
        {"name": "SERVICE_ADDRESS", "value": "https://$(SERVICE_IP):$(SERVICE_PORT)"},
        {"name": "SERVICE_IP", "value": "172.17.0.1"},
        {"name": "UNCHANGE_REFERENCE", "value": "$(PROTOCOL)://172.17.0.1:80"},
        {"name": "ESCAPED_REFERENCE", "value": "$$(PROTOCOL)://172.17.0.1:80"},
        {"name": "MY_POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "MY_NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
        {"name": "MY_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
        {"name": "MY_NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
        {"name": "MY_LABEL", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['a']"}}},
        {"name": "MEM", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}},
        {"name": "CM", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "k"}}},
        {"name": "SEC", "valueFrom": {"secretKeyRef": {"name": "s", "key": "p"}}},
    ], "resources": {"limits": {"memory": "64Mi"}}}
    env = container_env(c, pod, configmaps={"cfg": {"k": "v"}}, secrets={"s": {"p": "cGFzcw=="}})
    assert env["SERVICE_ADDRESS"] == "https://$(SERVICE_IP):$(SERVICE_PORT)"
    assert env["UNCHANGE_REFERENCE"] == "$(PROTOCOL)://172.17.0.1:80"
    assert env["ESCAPED_REFERENCE"] == "$(PROTOCOL)://172.17.0.1:80"
    assert (env["MY_POD_NAME"], env["MY_NS"], env["MY_IP"], env["MY_NODE"]) == ("dapi", "ns1", "10.244.0.7", "node1")
    assert env["MY_LABEL"] == "b" and env["MEM"] == "64"
    assert env["CM"] == "v" and env["SEC"] == "pass"
    assert env["HOSTNAME"] == "dapi" and env["KUBERNETES_PORT"] == "tcp://10.96.0.1:443"


def test_volume_files_for_populate():
    from minikctl.engine.behavior.argv import volume_files

    pod = {"metadata": {"name": "kubernetes-downwardapi-volume-example", "labels": {"zone": "us-est-coast", "cluster": "test-cluster1"},
                        "annotations": {"build": "two"}},
           "spec": {"containers": [{"name": "c", "resources": {"limits": {"cpu": "500m", "memory": "64Mi"}}}]}}
    dapi = {"name": "podinfo", "downwardAPI": {"items": [
        {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
        {"path": "annotations", "fieldRef": {"fieldPath": "metadata.annotations"}},
        {"path": "cpu_limit", "resourceFieldRef": {"containerName": "c", "resource": "limits.cpu", "divisor": "1m"}}]}}
    files = volume_files(dapi, pod)
    assert files == {"labels": 'cluster="test-cluster1"\nzone="us-est-coast"', "annotations": 'build="two"', "cpu_limit": "500"}
    cm = {"name": "config-volume", "configMap": {"name": "special-config", "items": [{"key": "SPECIAL_LEVEL", "path": "keys"}]}}
    assert volume_files(cm, pod, configmaps={"special-config": {"SPECIAL_LEVEL": "very", "SPECIAL_TYPE": "charm"}}) == {"keys": "very"}
    sec = {"name": "s", "secret": {"secretName": "dotfile-secret"}}
    assert volume_files(sec, pod, secrets={"dotfile-secret": {".secret-file": "dmFsdWUtMg0KDQo="}}) == {".secret-file": "value-2\r\n\r\n"}
    assert volume_files({"name": "e", "emptyDir": {}}, pod) == {}

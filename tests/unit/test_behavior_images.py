"""Image catalog, effective argv and container env."""

from minikctl.engine.behavior import (
    container_env, effective_argv, expand_k8s, lookup_image, parse_reference,
)
from minikctl.engine.behavior.images import Image, derived_digest, pull_access_denied_message


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
    # a Docker Hub repository that does not exist: Docker Hub refuses the token (insufficient_scope)
    img = lookup_image("non-existing-repo/non-existing-image:example")
    assert not img.exists and img.pull_error == pull_access_denied_message(
        "docker.io/non-existing-repo/non-existing-image:example")


# containerd core/remotes/docker/resolver.go Resolve + authorizer.go invalidAuthorization, as the kubelet reports
# it (observed: github.com/pfnet/image-pull-secrets-provisioner issue 31, "controller:latest")
DENIED_NGNIX = ('rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/ngnix:latest": '
                'failed to resolve reference "docker.io/library/ngnix:latest": pull access denied, repository does '
                'not exist or may require authorization: server message: insufficient_scope: authorization failed')


def test_unknown_official_image_name_is_refused_like_docker_hub():
    for ref in ("ngnix", "docker.io/library/ngnix:latest", "index.docker.io/ngnix"):
        img = lookup_image(ref)
        assert not img.exists and img.pull_error == DENIED_NGNIX, ref
    for typo in ("buysbox:1.36", "ngnix:1.14.2", "apline", "ubunut:22.04"):
        img = lookup_image(typo)
        assert not img.exists and "pull access denied" in img.pull_error, typo
    # an official image the catalog does not describe exists, with any tag, as a generic image
    for ref in ("postgres:16", "wordpress:6.2.1-apache", "hello-world", "memcached:1.6"):
        img = lookup_image(ref)
        assert img.exists and not img.known and img.executables is None, ref


def test_real_upstream_tags_of_catalogued_images_pull():
    # tags published by the Docker Official Images (github.com/docker-library/official-images library/nginx,
    # library/busybox, ...): releases, their moving lines, variants and aliases
    real = ["nginx:1.26", "nginx:1.27.3", "nginx:1.27.5", "nginx:1.7.9", "nginx:1.19.10", "nginx:1",
            "nginx:1.25.3-alpine", "nginx:1.27-alpine-slim", "nginx:1.27.3-perl", "nginx:1.26.2-alpine3.20",
            "nginx:mainline-alpine", "nginx:stable-perl", "nginx:alpine-perl", "nginx:bookworm", "nginx:1.25.4-otel",
            "busybox:1.34", "busybox:1.34.1", "busybox:1.28.4-uclibc", "busybox:1.36-glibc", "busybox:1.37.0-musl",
            "busybox:1", "busybox:musl", "busybox:stable-uclibc", "busybox:unstable", "busybox:1.24",
            "alpine:3.20.3", "alpine:3.5", "alpine:edge", "redis:7.2.4-alpine3.19", "redis:6.2-bookworm",
            "python:3.12-slim-bookworm", "python:3.13.0rc1", "debian:bookworm-20240110-slim", "debian:12.5",
            "ubuntu:jammy-20240111", "ubuntu:18.04", "httpd:2.4.62-alpine", "perl:5.40-slim-threaded",
            "mysql:8.0.36-oracle", "mongo:7.0.5-jammy", "rabbitmq:3.13-management-alpine", "bash:5.2.26-alpine3.19",
            "fedora:rawhide"]
    for ref in real:
        img = lookup_image(ref)
        assert img.exists and img.known, ref
        assert img.digest == derived_digest(img.normalized), ref
        assert img.entrypoint == lookup_image(ref.split(":")[0]).entrypoint, ref  # the repository's settings
    # a listed tag keeps its own facts
    assert lookup_image("nginx:1.14.2").size == 44710204


def test_tags_that_do_not_exist_upstream_fail_not_found():
    for ref in ("nginx:1.99", "nginx:latestt", "nginx:1.27.6", "nginx:1.27.99", "nginx:1.27-alpine3.17",
                "nginx:1.7.2", "nginx:1.14.2-alpinee", "nginx:2", "busybox:1.22", "busybox:1.29.0", "busybox:1.38.1",
                "busybox:1.23-glibc", "alpine:3.99", "redis:99", "python:4.0", "fedora:19", "debian:5"):
        img = lookup_image(ref)
        assert img.known and not img.exists, ref
        n = img.normalized
        assert img.pull_error == (f'rpc error: code = NotFound desc = failed to pull and unpack image "{n}": '
                                  f'failed to resolve reference "{n}": {n}: not found'), ref


def test_unknown_images_switch(tmp_path):
    # default: a repository the catalog does not describe runs as a generic image
    for ref in ("mycorp/app:1.0", "registry.example.com/x:1"):
        assert lookup_image(ref).exists, ref
    p = tmp_path / "images.json"
    p.write_text('{"unknown_images": "fail"}')
    img = lookup_image("mycorp/app:1.0", user_catalog=str(p))
    assert not img.exists and img.pull_error == pull_access_denied_message("docker.io/mycorp/app:1.0")
    img = lookup_image("registry.example.com/x:1", user_catalog=str(p))
    assert not img.exists and img.pull_error.endswith('"registry.example.com/x:1": registry.example.com/x:1: not found')
    assert not lookup_image("postgres:16", user_catalog=str(p)).exists  # the catalog is the whole world
    assert lookup_image("nginx:1.27.3", user_catalog=str(p)).exists
    assert lookup_image("registry.k8s.io/pause:3.9", user_catalog=str(p)).exists
    # the user's own repositories still run, and "run" is the default again (a catalog is read once a process)
    p = tmp_path / "own.json"
    p.write_text('{"unknown_images": "fail", "repositories": {"docker.io/mycorp/app": {"tags": {"1.0": {}}}}}')
    assert lookup_image("mycorp/app:1.0", user_catalog=str(p)).exists
    p = tmp_path / "run.json"
    p.write_text('{"unknown_images": "run"}')
    assert lookup_image("registry.example.com/y:2", user_catalog=str(p)).exists


def test_user_catalog_rules_are_checked(tmp_path):
    import pytest
    from minikctl.engine.behavior.images import load_user_catalog
    from minikctl.kube.errors import ClientError

    for i, (text, msg) in enumerate([('{"unknown_images": "maybe"}', '"unknown_images" must be "run" or "fail"'),
                      ('{"repositories": {"a.io/b": {"tag_releases": {"versions": ["x"]}}}}', "is not a version"),
                      ('{"repositories": {"a.io/b": {"tag_releases": {"variants": {"": "1.0"}}}}}', "is not a range"),
                      ('{"repositories": {"a.io/b": {"tag_releases": {"versions": ["1.{0..99999999}"]}}}}',
                       "by at most 10000 releases"),
                      ('{"repositories": {"a.io/b": {"tag_pattern": {"version": "("}}}}', "is not a regular expression")]):
        p = tmp_path / f"bad{i}.json"
        p.write_text(text)
        with pytest.raises(ClientError) as e:
            load_user_catalog(str(p))
        assert msg in str(e.value), text
    p = tmp_path / "ok.json"
    p.write_text('{"repositories": {"a.io/b": {"tags": {}, "tag_releases": {"versions": ["2.{0..3}"], '
                 '"variants": {"": "2.0..", "-slim": "2.2.."}}, "tag_pattern": {"version": "nightly-\\\\d{8}"}}}}')
    for tag, ok in (("2.3", True), ("2", True), ("2.2-slim", True), ("2.1-slim", False), ("2.4", False),
                    ("slim", True), ("nightly-20260101", True), ("nightly-2026", False)):
        assert lookup_image(f"a.io/b:{tag}", user_catalog=str(p)).exists is ok, tag


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

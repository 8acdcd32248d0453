"""ConfigMap, Secret and ServiceAccount on create: ValidateConfigMap, ValidateSecret, ValidateServiceAccount
(pkg/apis/core/validation/validation.go v1.32), SetDefaults_Secret, Convert_v1_Secret_To_core_Secret and
serviceAccountStrategy.PrepareForCreate."""

from __future__ import annotations

import base64
import copy

from minikctl.api import defaults, validation


def errors(obj: dict) -> list[str]:
    obj = copy.deepcopy(obj)
    obj.setdefault("metadata", {}).setdefault("namespace", "default")
    defaults.default_object(obj["kind"], obj, suffix=lambda n: "abcde"[:n])
    return [str(e) for e in validation.validate(obj["kind"], obj)]


def cm(**body) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, **body}


def secret(**body) -> dict:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, **body}


def b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


def test_schemas_found_for_the_new_kinds():
    for kind in ("ConfigMap", "Secret", "ServiceAccount", "Service", "Endpoints", "Lease"):
        assert validation.schema_for(kind)["properties"]["kind"]["enum"] == [kind]
    assert validation.unknown_fields("ConfigMap", cm(data={"a": "b"}, datta={})) == ["datta"]
    assert validation.decode_errors("ConfigMap", cm(data={"a": 1})) == [
        "json: cannot unmarshal number into Go struct field ConfigMap.data of type string"]


def test_config_map_keys():
    assert errors(cm(data={"good.key-1_x": "v"}, binaryData={"bin": b64("x")})) == []
    assert errors(cm(data={"bad/key": "v", "..": "v"})) == [
        "data[..]: Invalid value: \"..\": must not be '..'",
        'data[bad/key]: Invalid value: "bad/key": a valid config key must consist of alphanumeric characters, '
        "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
        "'[-._a-zA-Z0-9]+')",
    ]


def test_config_map_key_in_both_bags():
    assert errors(cm(data={"k": "v"}, binaryData={"k": b64("v")})) == [
        'data[k]: Invalid value: "k": duplicate of key present in binaryData']


def test_config_map_total_size():
    assert errors(cm(data={"a": "x" * (1024 * 1024), "b": "y"})) == [
        "[]: Too long: may not be more than 1048576 bytes"]
    assert errors(cm(data={"a": "x" * (1024 * 1024)})) == []


def test_secret_type_defaults_to_opaque_and_string_data_merges():
    s = secret(data={"a": b64("old")}, stringData={"a": "new", "b": "β"})
    defaults.default_object("Secret", s, suffix=lambda n: "x" * n)
    assert s["type"] == "Opaque"
    assert "stringData" not in s
    assert s["data"] == {"a": b64("new"), "b": b64("β")}


def test_secret_base64_decode_error():
    assert validation.decode_errors("Secret", secret(data={"a": "not base64"})) == [
        "illegal base64 data at input byte 3"]
    assert validation.decode_errors("Secret", secret(data={"a": 5})) == [
        "json: cannot unmarshal number into Go struct field Secret.data of type []uint8"]


def test_secret_type_specific_keys():
    assert errors(secret(type="kubernetes.io/tls", data={"tls.crt": b64("c")})) == [
        "data[tls.key]: Required value"]
    assert errors(secret(type="kubernetes.io/basic-auth")) == [
        "data[username]: Required value", "data[password]: Required value"]
    assert errors(secret(type="kubernetes.io/basic-auth", stringData={"password": ""})) == []
    assert errors(secret(type="kubernetes.io/ssh-auth", stringData={"ssh-privatekey": ""})) == [
        "data[ssh-privatekey]: Required value"]
    assert errors(secret(type="kubernetes.io/service-account-token")) == [
        "metadata.annotations[kubernetes.io/service-account.name]: Required value"]
    assert errors(secret(type="kubernetes.io/dockercfg")) == ["data[.dockercfg]: Required value"]
    assert errors(secret(type="kubernetes.io/dockerconfigjson", stringData={".dockerconfigjson": "{nope"})) == [
        'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character '
        "'n' looking for beginning of object key string"]
    assert errors(secret(type="kubernetes.io/dockerconfigjson", stringData={".dockerconfigjson": "[]"})) == [
        'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into '
        "Go value of type map[string]interface {}"]
    assert errors(secret(type="kubernetes.io/dockerconfigjson",
                         stringData={".dockerconfigjson": '{"auths":{}}'})) == []
    assert errors(secret(type="example.com/custom")) == []


def test_secret_total_size():
    assert errors(secret(stringData={"a": "x" * (1024 * 1024 + 1)})) == [
        "data: Too long: may not be more than 1048576 bytes"]


def test_service_account():
    sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "robot"},
          "secrets": [{"name": "tok", "namespace": "x", "uid": "1"}]}
    obj = copy.deepcopy(sa)
    defaults.default_object("ServiceAccount", obj, suffix=lambda n: "x" * n)
    assert obj["secrets"] == [{"name": "tok"}]  # cleanSecretReferences
    bad = copy.deepcopy(sa)
    bad["metadata"]["name"] = "Robot"
    assert errors(bad)[0].startswith('metadata.name: Invalid value: "Robot": a lowercase RFC 1123 subdomain')

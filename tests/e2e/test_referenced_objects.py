"""Issue 12 item 7: ConfigMaps, Secrets and the downward API have effect on a pod, at exact virtual times.

Sources (kubernetes v1.32): pkg/kubelet/volumemanager (WaitForAttachAndMount) and the configmap/secret volume
plugins' "MountVolume.SetUp failed for volume ... : configmap "x" not found"; the operation executor's exponential
back-off (pkg/util/goroutinemap/exponentialbackoff: 500 ms doubling, at most 2m2s); kubelet_pods.go
makeEnvironmentVariables (`configmap "x" not found`, `couldn't find key K in Secret NS/X`) and the pod worker's
10 s backOffPeriod after a sync error; kubernetes.io "Configure a Pod to Use a ConfigMap", "Distribute Credentials
Securely Using Secrets" and "Expose Pod Information to Containers Through Files" (the dapi-volume example).
"""

from __future__ import annotations

import json

from tests.conftest import Cli

CM_POD = """apiVersion: v1
kind: Pod
metadata:
  name: v
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: [sh, -c, "echo color=$COLOR; sleep 3600"]
    env:
    - name: COLOR
      valueFrom: {configMapKeyRef: {name: cfg, key: color}}
    - name: SIZE
      valueFrom: {configMapKeyRef: {name: other, key: size, optional: true}}
    volumeMounts:
    - {name: cfg, mountPath: /etc/cfg}
  volumes:
  - name: cfg
    configMap: {name: cfg}
"""

SECRET_ENV_POD = """apiVersion: v1
kind: Pod
metadata:
  name: e
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: [sh, -c, "echo pass=$PASS; sleep 3600"]
    env:
    - name: PASS
      valueFrom: {secretKeyRef: {name: db, key: password}}
"""


def _events(cli: Cli, pod: str, reason: str) -> dict:
    items = json.loads(cli.ok("get", "events", "--field-selector", f"involvedObject.name={pod},reason={reason}",
                              "-o", "json", tick="0"))["items"]
    return items[0] if items else {}


def _waiting(cli: Cli, pod: str) -> dict:
    obj = json.loads(cli.ok("get", "pod", pod, "-o", "json", tick="0"))
    return (obj["status"].get("containerStatuses") or [{}])[0].get("state", {}).get("waiting", {})


def test_a_missing_configmap_volume_waits_then_mounts_at_the_next_try(cli):
    cli.ok("apply", "-f", "-", input=CM_POD, tick="0")
    cli.ok("clock", "advance", "10s", tick="0")
    assert "ContainerCreating" in cli.ok("get", "pod", "v", tick="0")
    ev = _events(cli, "v", "FailedMount")
    # tries at 0, 0.5, 1.5, 3.5 and 7.5 s; the next one is due at 15.5 s
    assert (ev["message"], ev["count"], ev["type"]) == (
        'MountVolume.SetUp failed for volume "cfg" : configmap "cfg" not found', 5, "Warning")
    assert (ev["firstTimestamp"], ev["lastTimestamp"]) == ("2026-01-01T00:00:00Z", "2026-01-01T00:00:07Z")
    assert not _events(cli, "v", "Pulling")  # nothing of the pod's containers happens before its volumes
    cli.ok("create", "configmap", "cfg", "--from-literal=color=blue", tick="0")
    cli.ok("clock", "advance", "5s", tick="0")  # 00:00:15: not yet tried again
    assert "ContainerCreating" in cli.ok("get", "pod", "v", tick="0")
    cli.ok("clock", "advance", "5s", tick="0")
    assert _events(cli, "v", "Pulling")["firstTimestamp"] == "2026-01-01T00:00:15Z"
    assert cli.ok("logs", "v", tick="0") == "color=blue\n"
    out = cli.ok("exec", "v", "--", "sh", "-c", 'cat /etc/cfg/color; echo; echo "size=$SIZE"', tick="0")
    assert out == "blue\nsize=\n"  # the optional reference to a missing ConfigMap is left out


def test_a_missing_secret_key_is_a_config_error_until_the_secret_exists(cli):
    cli.ok("apply", "-f", "-", input=SECRET_ENV_POD, tick="0")
    cli.ok("clock", "advance", "15s", tick="0")
    assert _waiting(cli, "e") == {"reason": "CreateContainerConfigError", "message": 'secret "db" not found'}
    assert "CreateContainerConfigError" in cli.ok("get", "pod", "e", tick="0")
    ev = _events(cli, "e", "Failed")
    assert (ev["message"], ev["count"]) == ('Error: secret "db" not found', 2)  # the sync and its retry 10 s later
    cli.ok("create", "secret", "generic", "db", "--from-literal=user=admin", tick="0")
    cli.ok("clock", "advance", "10s", tick="0")
    assert _waiting(cli, "e")["message"] == "couldn't find key password in Secret default/db"
    cli.ok("delete", "secret", "db", tick="0")
    cli.ok("create", "secret", "generic", "db", "--from-literal=password=s3cr3t", tick="0")
    cli.ok("clock", "advance", "10s", tick="0")
    assert cli.ok("logs", "e", tick="0") == "pass=s3cr3t\n"


def test_service_account_and_downward_api_files(cli):
    cli.ok("apply", "-f", "https://k8s.io/examples/pods/inject/dapi-volume.yaml", tick="0")
    cli.ok("clock", "advance", "10s", tick="0")
    pod = "kubernetes-downwardapi-volume-example"
    labels = cli.ok("exec", pod, "--", "sh", "-c", 'cat /etc/podinfo/labels; echo "<end>"', tick="0")
    assert labels == 'cluster="test-cluster1"\nrack="rack-22"\nzone="us-est-coast"<end>\n'
    sa = cli.ok("exec", pod, "--", "sh", "-c", "ls /var/run/secrets/kubernetes.io/serviceaccount; "
                "cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo", tick="0")
    assert sa == "ca.crt\nnamespace\ntoken\ndefault\n"


def test_a_secret_volume_from_the_tutorial(cli):
    """kubernetes.io "Distribute Credentials Securely Using Secrets": secret-pod.yaml mounts test-secret."""
    cli.ok("apply", "-f", "https://k8s.io/examples/pods/inject/secret-pod.yaml", tick="0")
    cli.ok("clock", "advance", "3s", tick="0")
    ev = _events(cli, "secret-test-pod", "FailedMount")
    assert ev["message"] == 'MountVolume.SetUp failed for volume "secret-volume" : secret "test-secret" not found'
    cli.ok("create", "secret", "generic", "test-secret", "--from-literal=username=my-app",
           "--from-literal=password=39528$vdg7Jb", tick="0")
    cli.ok("clock", "advance", "10s", tick="0")
    out = cli.ok("exec", "secret-test-pod", "--", "sh", "-c",
                 "ls /etc/secret-volume; cat /etc/secret-volume/username; echo; cat /etc/secret-volume/password; echo",
                 tick="0")
    assert out == "password\nusername\nmy-app\n39528$vdg7Jb\n"

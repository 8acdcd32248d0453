"""Create-time defaulting: what `kubectl get -o yaml` shows right after create."""

from __future__ import annotations

import copy

import pytest

from minikctl.api import defaults
from minikctl.api.defaults import default_object, image_pull_policy, qos_class


def suffix(n: int) -> str:
    return "bgsgp"[:n]


def pod(**spec) -> dict:
    body = {"containers": [{"name": "app", "image": "nginx"}]}
    body.update(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": body}


def test_pod_spec_defaults():
    p = pod()
    default_object("Pod", p, suffix=suffix)
    s = p["spec"]
    assert s["restartPolicy"] == "Always"
    assert s["dnsPolicy"] == "ClusterFirst"
    assert s["schedulerName"] == "default-scheduler"
    assert s["terminationGracePeriodSeconds"] == 30
    assert s["securityContext"] == {}
    assert s["enableServiceLinks"] is True
    assert s["priority"] == 0
    assert s["preemptionPolicy"] == "PreemptLowerPriority"
    assert s["serviceAccountName"] == "default" and s["serviceAccount"] == "default"
    assert p["status"] == {"phase": "Pending", "qosClass": "BestEffort"}


def test_pod_keeps_explicit_values():
    p = pod(restartPolicy="Never", dnsPolicy="Default", terminationGracePeriodSeconds=5, serviceAccountName="robot")
    default_object("Pod", p, suffix=suffix)
    s = p["spec"]
    assert (s["restartPolicy"], s["dnsPolicy"], s["terminationGracePeriodSeconds"]) == ("Never", "Default", 5)
    assert s["serviceAccount"] == "robot"


def test_container_defaults():
    p = pod(containers=[{"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}])
    default_object("Pod", p, suffix=suffix)
    c = p["spec"]["containers"][0]
    assert c["imagePullPolicy"] == "IfNotPresent"
    assert c["terminationMessagePath"] == "/dev/termination-log"
    assert c["terminationMessagePolicy"] == "File"
    assert c["resources"] == {}
    assert c["ports"] == [{"containerPort": 80, "protocol": "TCP"}]


@pytest.mark.parametrize("image,policy", [
    ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.14.2", "IfNotPresent"),
    ("registry.k8s.io/busybox", "Always"), ("localhost:5000/app", "Always"), ("localhost:5000/app:v2", "IfNotPresent"),
    ("nginx@sha256:0123abcd", "IfNotPresent"), ("nginx:1.2@sha256:0123abcd", "IfNotPresent"),
])
def test_image_pull_policy(image, policy):
    assert image_pull_policy(image) == policy


def test_service_account_volume_and_mounts():
    p = pod(initContainers=[{"name": "init", "image": "busybox"}])
    default_object("Pod", p, suffix=suffix)
    vol = p["spec"]["volumes"][-1]
    assert vol["name"] == "kube-api-access-bgsgp"
    assert vol["projected"]["defaultMode"] == 420
    assert vol["projected"]["sources"][0] == {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}
    assert vol["projected"]["sources"][1]["configMap"]["name"] == "kube-root-ca.crt"
    assert vol["projected"]["sources"][2]["downwardAPI"]["items"][0]["fieldRef"]["fieldPath"] == "metadata.namespace"
    mount = {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-bgsgp",
             "readOnly": True}
    assert p["spec"]["containers"][0]["volumeMounts"] == [mount]
    assert p["spec"]["initContainers"][0]["volumeMounts"] == [mount]


def test_no_token_when_automount_disabled():
    p = pod(automountServiceAccountToken=False)
    default_object("Pod", p, suffix=suffix)
    assert "volumes" not in p["spec"]
    assert "volumeMounts" not in p["spec"]["containers"][0]


def test_default_tolerations():
    p = pod()
    default_object("Pod", p, suffix=suffix)
    assert p["spec"]["tolerations"] == [
        {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
        {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists",
         "tolerationSeconds": 300},
    ]
    p = pod(tolerations=[{"operator": "Exists"}])
    default_object("Pod", p, suffix=suffix)
    assert p["spec"]["tolerations"] == [{"operator": "Exists"}]


def test_probe_defaults():
    p = pod(containers=[{"name": "a", "image": "x:1", "livenessProbe": {"httpGet": {"port": 80}},
                         "readinessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 5}}])
    default_object("Pod", p, suffix=suffix)
    lp = p["spec"]["containers"][0]["livenessProbe"]
    assert lp == {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 10,
                  "successThreshold": 1, "failureThreshold": 3}
    assert p["spec"]["containers"][0]["readinessProbe"]["periodSeconds"] == 5


def test_limits_copied_to_requests_and_canonical():
    p = pod(containers=[{"name": "a", "image": "x:1", "resources": {"limits": {"cpu": "0.5", "memory": "1Gi"},
                                                                     "requests": {"memory": "0.5Gi"}}}])
    default_object("Pod", p, suffix=suffix)
    res = p["spec"]["containers"][0]["resources"]
    assert res == {"limits": {"cpu": "500m", "memory": "1Gi"}, "requests": {"memory": "512Mi", "cpu": "500m"}}
    assert p["status"]["qosClass"] == "Burstable"


@pytest.mark.parametrize("resources,qos", [
    ({"limits": {"cpu": "700m", "memory": "200Mi"}, "requests": {"cpu": "700m", "memory": "200Mi"}}, "Guaranteed"),
    ({"limits": {"memory": "200Mi"}, "requests": {"memory": "100Mi"}}, "Burstable"),
    ({}, "BestEffort"),
    ({"limits": {"cpu": "1", "memory": "1Gi"}}, "Guaranteed"),
    ({"requests": {"ephemeral-storage": "1Gi"}}, "BestEffort"),
])
def test_qos(resources, qos):
    p = pod(containers=[{"name": "a", "image": "x:1", "resources": copy.deepcopy(resources)}])
    default_object("Pod", p, suffix=suffix)
    assert p["status"]["qosClass"] == qos


def test_qos_counts_every_container():
    spec = {"containers": [
        {"name": "a", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}},
        {"name": "b", "resources": {}},
    ]}
    assert qos_class(spec) == "Burstable"


def test_volume_defaults():
    p = pod(volumes=[{"name": "s", "secret": {"secretName": "s"}}, {"name": "c", "configMap": {"name": "c"}},
                     {"name": "h", "hostPath": {"path": "/x"}}])
    default_object("Pod", p, suffix=suffix)
    v = p["spec"]["volumes"]
    assert v[0]["secret"]["defaultMode"] == 420
    assert v[1]["configMap"]["defaultMode"] == 420
    assert v[2]["hostPath"]["type"] == ""


def test_deployment_defaults():
    d = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
         "spec": {"selector": {"matchLabels": {"a": "b"}},
                  "template": {"metadata": {"labels": {"a": "b"}},
                               "spec": {"containers": [{"name": "a", "image": "x",
                                                        "resources": {"limits": {"cpu": "1"}}}]}}}}
    default_object("Deployment", d, suffix=suffix)
    s = d["spec"]
    assert s["replicas"] == 1 and s["revisionHistoryLimit"] == 10 and s["progressDeadlineSeconds"] == 600
    assert s["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    t = s["template"]
    assert t["metadata"]["creationTimestamp"] is None
    ts = t["spec"]
    assert ts["restartPolicy"] == "Always" and ts["schedulerName"] == "default-scheduler"
    # pod-only defaults stay out of templates
    for key in ("serviceAccountName", "tolerations", "priority", "enableServiceLinks", "volumes"):
        assert key not in ts
    assert ts["containers"][0]["resources"] == {"limits": {"cpu": "1"}}
    assert d["status"] == {}


def test_statefulset_daemonset_replicaset_defaults():
    base = {"selector": {"matchLabels": {"a": "b"}},
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "a", "image": "x"}]}}}
    ss = {"kind": "StatefulSet", "metadata": {"name": "s"}, "spec": copy.deepcopy(base)}
    default_object("StatefulSet", ss, suffix=suffix)
    assert ss["spec"]["podManagementPolicy"] == "OrderedReady"
    assert ss["spec"]["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert ss["spec"]["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert ss["status"] == {"availableReplicas": 0, "replicas": 0}
    ds = {"kind": "DaemonSet", "metadata": {"name": "d"}, "spec": copy.deepcopy(base)}
    default_object("DaemonSet", ds, suffix=suffix)
    assert ds["spec"]["updateStrategy"] == {"type": "RollingUpdate",
                                            "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    assert ds["spec"]["revisionHistoryLimit"] == 10
    rs = {"kind": "ReplicaSet", "metadata": {"name": "r"}, "spec": copy.deepcopy(base)}
    default_object("ReplicaSet", rs, suffix=suffix)
    assert rs["spec"]["replicas"] == 1


def test_job_defaults_and_generated_selector():
    j = {"kind": "Job", "metadata": {"name": "pi", "uid": "u-1"},
         "spec": {"template": {"spec": {"containers": [{"name": "pi", "image": "perl"}], "restartPolicy": "Never"}}}}
    default_object("Job", j, suffix=suffix)
    s = j["spec"]
    assert (s["completions"], s["parallelism"], s["backoffLimit"]) == (1, 1, 6)
    assert (s["completionMode"], s["suspend"], s["podReplacementPolicy"]) == ("NonIndexed", False,
                                                                              "TerminatingOrFailed")
    assert s["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": "u-1"}}
    labels = s["template"]["metadata"]["labels"]
    assert labels == {"batch.kubernetes.io/controller-uid": "u-1", "batch.kubernetes.io/job-name": "pi",
                      "controller-uid": "u-1", "job-name": "pi"}
    assert j["metadata"]["labels"] == labels
    assert "manualSelector" not in s


def test_cronjob_and_namespace_defaults():
    cj = {"kind": "CronJob", "metadata": {"name": "c"},
          "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {
              "containers": [{"name": "a", "image": "busybox"}], "restartPolicy": "OnFailure"}}}}}}
    default_object("CronJob", cj, suffix=suffix)
    s = cj["spec"]
    assert (s["concurrencyPolicy"], s["suspend"], s["successfulJobsHistoryLimit"], s["failedJobsHistoryLimit"]) == (
        "Allow", False, 3, 1)
    assert "backoffLimit" not in s["jobTemplate"]["spec"]
    ns = {"kind": "Namespace", "metadata": {"name": "dev"}}
    default_object("Namespace", ns, suffix=suffix)
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "dev"}
    assert ns["spec"] == {"finalizers": ["kubernetes"]} and ns["status"] == {"phase": "Active"}


def test_deterministic():
    a, b = pod(), pod()
    default_object("Pod", a, suffix=suffix)
    default_object("Pod", b, suffix=suffix)
    assert a == b
    assert defaults.SERVICE_ACCOUNT_MOUNT_PATH == "/var/run/secrets/kubernetes.io/serviceaccount"


def test_statefulset_claim_templates_and_divisor():
    ss = {"kind": "StatefulSet", "metadata": {"name": "web"},
          "spec": {"selector": {"matchLabels": {"a": "b"}},
                   "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [
                       {"name": "a", "image": "x", "env": [{"name": "MEM", "valueFrom": {
                           "resourceFieldRef": {"resource": "limits.memory"}}}]}]}},
                   "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {
                       "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}}
    default_object("StatefulSet", ss, suffix=suffix)
    vct = ss["spec"]["volumeClaimTemplates"][0]
    assert vct == {"metadata": {"name": "www", "creationTimestamp": None},
                   "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
                            "volumeMode": "Filesystem"},
                   "apiVersion": "v1", "kind": "PersistentVolumeClaim", "status": {"phase": "Pending"}}
    env = ss["spec"]["template"]["spec"]["containers"][0]["env"][0]
    assert env["valueFrom"]["resourceFieldRef"] == {"resource": "limits.memory", "divisor": "0"}


CORPUS = __import__("pathlib").Path(__file__).resolve().parents[2] / "minikctl" / "k8s_examples"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not present")
@pytest.mark.parametrize("name,qos", [("qos-pod.yaml", "Guaranteed"), ("qos-pod-2.yaml", "Burstable"),
                                      ("qos-pod-3.yaml", "BestEffort"), ("qos-pod-4.yaml", "Burstable")])
def test_corpus_qos_classes(name, qos):
    from ruamel.yaml import YAML

    doc = YAML(typ="safe", pure=True).load((CORPUS / "pods" / "qos" / name).read_text())
    default_object("Pod", doc, suffix=suffix)
    assert doc["status"]["qosClass"] == qos

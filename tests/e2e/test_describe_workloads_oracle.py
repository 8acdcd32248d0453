"""describe of the workload and config kinds, byte for byte against the real kubectl 1.32 (kubectl_oracle.py).

The objects are handcrafted the way a 1.32 API server stores them (defaults filled in, the controllers' status,
owner references, pod-template-hash labels, base64 data) and served to kubectl by the oracle; the same objects go
to ``DESCRIBERS[kind](obj, MemoryCtx(...))`` and the two texts must be equal.

Ages. kubectl prints event ages against the wall clock. Here "now" is the wall clock when the module is loaded and
every event's times are whole days and a half-hour (or more) before it, so both sides print whole days ("3d",
"30d") whatever the seconds the tests take; nothing is normalised. Absolute times print in UTC (TZ=UTC for
kubectl, minikctl always prints UTC).

Map order. kubectl walks a ConfigMap's and a Secret's data in Go's random map order; minikctl sorts the keys. For
those with more than one key the data lines are compared as sorted lists (the rest of the text exactly).
"""

from __future__ import annotations

import base64
import time

import pytest

from kubectl_oracle import KUBECTL, kubectl_oracle
from minikctl.kube.timefmt import rfc3339
from minikctl.printers.describers import DESCRIBERS
from tests.describe_ctx import MemoryCtx

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")

NOW = int(time.time()) * 1000
DAY = 86_400_000
NS = "default"


def ago(days: float, minutes: int = 30) -> str:
    return rfc3339(NOW - int(days * DAY) - minutes * 60_000)


def at(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> str:
    """A fixed absolute time (printed as RFC 1123 by describe; never an age)."""
    return f"2025-03-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"


def b64(text: str | bytes) -> str:
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


_uids = iter(range(1, 10_000))


def uid() -> str:
    return f"{next(_uids):08x}-1111-4222-8333-444455556666"


def meta(name: str, *, labels=None, annotations=None, owner: dict | None = None, created: str = at(1, 9),
         **more) -> dict:
    m = {"name": name, "namespace": NS, "uid": uid(), "resourceVersion": str(next(_uids)), "generation": 1,
         "creationTimestamp": created}
    if labels:
        m["labels"] = labels
    if annotations:
        m["annotations"] = annotations
    if owner is not None:
        m["ownerReferences"] = [{"apiVersion": owner["apiVersion"], "kind": owner["kind"],
                                 "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
                                 "controller": True, "blockOwnerDeletion": True}]
    m.update(more)
    return m


def container(name: str, image: str, **extra) -> dict:
    return {"name": name, "image": image, "imagePullPolicy": "IfNotPresent", "resources": {},
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", **extra}


def template(labels: dict, containers: list, *, annotations=None, restart="Always", **spec) -> dict:
    m = {"creationTimestamp": None, "labels": labels}
    if annotations:
        m["annotations"] = annotations
    return {"metadata": m,
            "spec": {"containers": containers, "dnsPolicy": "ClusterFirst", "restartPolicy": restart,
                     "schedulerName": "default-scheduler", "securityContext": {},
                     "terminationGracePeriodSeconds": 30, **spec}}


def pod(name: str, owner: dict, labels: dict, phase: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta(name, labels=labels, owner=owner),
            "spec": {"containers": [container("main", "busybox:1.36")], "nodeName": "node1"},
            "status": {"phase": phase}}


def event(obj: dict, reason: str, message: str, *, first: str, last: str | None = None, count: int = 1,
          kind: str = "Normal", component: str = "", reporting: str = "", event_time: str | None = None,
          series: dict | None = None) -> dict:
    ev = {"apiVersion": "v1", "kind": "Event",
          "metadata": {"name": f"{obj['metadata']['name']}.{next(_uids):x}", "namespace": NS, "uid": uid(),
                       "resourceVersion": str(next(_uids)), "creationTimestamp": first},
          "involvedObject": {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"],
                             "namespace": NS, "uid": obj["metadata"]["uid"],
                             "resourceVersion": obj["metadata"]["resourceVersion"]},
          "reason": reason, "message": message, "type": kind, "count": count,
          "source": {"component": component} if component else {},
          "reportingComponent": reporting, "reportingInstance": ""}
    if event_time is not None:
        ev["eventTime"] = event_time
        ev["firstTimestamp"] = None
        ev["lastTimestamp"] = None
    else:
        ev["firstTimestamp"] = first
        ev["lastTimestamp"] = last or first
        ev["eventTime"] = None
    if series is not None:
        ev["series"] = series
    return ev


# ------------------------------------------------------------------------------------------------------------
# the objects


def web_deployment() -> dict:
    labels = {"app": "web"}
    tpl = template(
        labels,
        [container("nginx", "nginx:1.25", ports=[{"containerPort": 80, "name": "http", "protocol": "TCP"},
                                                 {"containerPort": 443, "protocol": "TCP"}],
                   env=[{"name": "MODE", "value": "prod"},
                        {"name": "POD", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                                   "fieldPath": "metadata.name"}}},
                        {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
                        {"name": "LEVEL", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "level",
                                                                            "optional": True}}},
                        {"name": "MEM", "valueFrom": {"resourceFieldRef": {"containerName": "nginx",
                                                                           "resource": "limits.memory",
                                                                           "divisor": "1Mi"}}},
                        {"name": "MULTI", "value": "line one\nline two"}],
                   envFrom=[{"configMapRef": {"name": "cfg"}}, {"prefix": "DB_", "secretRef": {"name": "db",
                                                                                            "optional": False}}],
                   resources={"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "250m",
                                                                                        "memory": "64Mi"}},
                   livenessProbe={"httpGet": {"path": "/healthz", "port": 80, "scheme": "HTTP"},
                                  "initialDelaySeconds": 3, "timeoutSeconds": 1, "periodSeconds": 10,
                                  "successThreshold": 1, "failureThreshold": 3},
                   readinessProbe={"tcpSocket": {"port": "http"}, "timeoutSeconds": 1, "periodSeconds": 5,
                                   "successThreshold": 1, "failureThreshold": 3},
                   volumeMounts=[{"name": "html", "mountPath": "/usr/share/nginx/html", "readOnly": True},
                                 {"name": "cache", "mountPath": "/var/cache/nginx", "subPath": "nginx"}]),
         container("sidecar", "busybox:1.36", command=["sh", "-c"], args=["while true; do\n  date\n  sleep 5\ndone"])],
        annotations={"kubectl.kubernetes.io/restartedAt": "2025-03-01T09:00:00Z"},
        initContainers=[container("init", "busybox:1.36", command=["sh", "-c", "echo init"])],
        volumes=[{"name": "html", "configMap": {"name": "html", "defaultMode": 420}},
                 {"name": "cache", "emptyDir": {}}],
        serviceAccountName="web", serviceAccount="web", priorityClassName="high",
        nodeSelector={"kubernetes.io/os": "linux"},
        tolerations=[{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
        topologySpreadConstraints=[{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
                                    "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": labels}}],
    )
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": meta("web", labels=labels, generation=2,
                             annotations={"deployment.kubernetes.io/revision": "2",
                                          "kubectl.kubernetes.io/last-applied-configuration": "{}\n",
                                          "description": "the front end " + "x" * 140}),
            "spec": {"replicas": 3, "selector": {"matchLabels": labels}, "template": tpl,
                     "strategy": {"type": "RollingUpdate",
                                  "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                     "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
            "status": {"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3,
                       "availableReplicas": 3,
                       "conditions": [
                           {"type": "Available", "status": "True", "lastUpdateTime": at(1, 9, 1),
                            "lastTransitionTime": at(1, 9, 1), "reason": "MinimumReplicasAvailable",
                            "message": "Deployment has minimum availability."},
                           {"type": "Progressing", "status": "True", "lastUpdateTime": at(2, 10),
                            "lastTransitionTime": at(1, 9), "reason": "NewReplicaSetAvailable",
                            "message": 'ReplicaSet "web-7c5ddbdf54" has successfully progressed.'}]}}


def replica_set(deployment: dict, hash_: str, *, replicas: int, ready: int, revision: str, created: str,
                template_override: dict | None = None, **status) -> dict:
    tpl = template_override or deployment["spec"]["template"]
    tpl = {**tpl, "metadata": {**tpl["metadata"], "labels": {**tpl["metadata"]["labels"],
                                                              "pod-template-hash": hash_}}}
    labels = {**deployment["spec"]["selector"]["matchLabels"], "pod-template-hash": hash_}
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": meta(f"{deployment['metadata']['name']}-{hash_}", labels=labels, owner=deployment,
                             created=created,
                             annotations={"deployment.kubernetes.io/desired-replicas": "3",
                                          "deployment.kubernetes.io/max-replicas": "4",
                                          "deployment.kubernetes.io/revision": revision}),
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, "template": tpl},
            "status": {"replicas": replicas, "fullyLabeledReplicas": replicas, "readyReplicas": ready,
                       "availableReplicas": ready, "observedGeneration": 1, **status}}


def deployment_world() -> tuple[list[dict], list[dict]]:
    web = web_deployment()
    old_tpl = {**web["spec"]["template"], "spec": {**web["spec"]["template"]["spec"],
                                                    "containers": [container("nginx", "nginx:1.24")]}}
    old = replica_set(web, "5d8f7c9b6", replicas=0, ready=0, revision="1", created=at(1, 9), template_override=old_tpl)
    new = replica_set(web, "7c5ddbdf54", replicas=3, ready=3, revision="2", created=at(2, 10))
    pods = [pod(f"web-7c5ddbdf54-{s}", new, new["spec"]["selector"]["matchLabels"], phase)
            for s, phase in (("abcde", "Running"), ("fghij", "Running"), ("klmno", "Pending"))]
    orphan = {"apiVersion": "v1", "kind": "Pod",
              "metadata": meta("stray", labels=new["spec"]["selector"]["matchLabels"]),
              "spec": {"containers": [container("main", "busybox:1.36")]}, "status": {"phase": "Running"}}
    events = [
        event(web, "ScalingReplicaSet", "Scaled up replica set web-5d8f7c9b6 to 3", first=ago(30),
              component="deployment-controller"),
        event(web, "ScalingReplicaSet", "Scaled up replica set web-7c5ddbdf54 to 1", first=ago(3),
              component="deployment-controller"),
        event(web, "ScalingReplicaSet", "Scaled down replica set web-5d8f7c9b6 to 0 from 1", first=ago(3, 20),
              reporting="deployment-controller", event_time=rfc3339(NOW - 3 * DAY - 20 * 60_000) [:-1] + ".000000Z"),
        event(new, "SuccessfulCreate", "Created pod: web-7c5ddbdf54-abcde", first=ago(3, 10), last=ago(2),
              count=3, component="replicaset-controller"),
        event(new, "FailedCreate", "  Error creating: pods is forbidden\n", first=ago(4), kind="Warning",
              component="replicaset-controller",
              series={"count": 4, "lastObservedTime": rfc3339(NOW - 2 * DAY - 30 * 60_000)[:-1] + ".000000Z"}),
    ]
    return [web, old, new, *pods, orphan], events


def rollout_world() -> tuple[list[dict], list[dict]]:
    """A Deployment mid-rollout: the old ReplicaSet still has replicas; an unowned ReplicaSet matches the selector."""
    labels = {"app": "api", "tier": "backend"}
    tpl = template(labels, [container("api", "example/api:2.0")])
    api = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": meta("api", labels={"app": "api"}, created=at(5, 12),
                            annotations={"deployment.kubernetes.io/revision": "3"}),
           "spec": {"replicas": 4, "minReadySeconds": 5,
                    "selector": {"matchLabels": {"app": "api"},
                                 "matchExpressions": [{"key": "tier", "operator": "In",
                                                       "values": ["backend", "api"]}]},
                    "template": tpl,
                    "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
                    "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
           "status": {"observedGeneration": 3, "replicas": 5, "updatedReplicas": 2, "readyReplicas": 4,
                      "availableReplicas": 4, "unavailableReplicas": 1,
                      "conditions": [
                          {"type": "Available", "status": "True", "lastUpdateTime": at(5, 12),
                           "lastTransitionTime": at(5, 12), "reason": "MinimumReplicasAvailable",
                           "message": "Deployment has minimum availability."},
                          {"type": "Progressing", "status": "True", "lastUpdateTime": at(6, 8),
                           "lastTransitionTime": at(5, 12), "reason": "ReplicaSetUpdated",
                           "message": 'ReplicaSet "api-6b9f8d7c5" is progressing.'}]}}
    v1 = {**tpl, "spec": {**tpl["spec"], "containers": [container("api", "example/api:1.0")]}}
    v2 = {**tpl, "spec": {**tpl["spec"], "containers": [container("api", "example/api:1.5")]}}
    first = replica_set(api, "79d4b8c6f", replicas=0, ready=0, revision="1", created=at(5, 12), template_override=v1)
    second = replica_set(api, "5f6c7d8b9", replicas=3, ready=3, revision="2", created=at(5, 13), template_override=v2)
    third = replica_set(api, "6b9f8d7c5", replicas=2, ready=1, revision="3", created=at(6, 8))
    stray = replica_set(api, "0000000000", replicas=1, ready=1, revision="9", created=at(4))
    stray["metadata"].pop("ownerReferences")
    return [api, first, second, third, stray], []


def recreate_world() -> tuple[list[dict], list[dict]]:
    labels = {"app": "batchy"}
    dep = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": meta("batchy", labels=labels, created=at(7)),
           "spec": {"replicas": 0, "selector": {"matchLabels": labels},
                    "template": template(labels, [container("w", "busybox:1.36")]),
                    "strategy": {"type": "Recreate"}, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
                    "paused": True},
           "status": {"observedGeneration": 1}}
    # only an old ReplicaSet: NewReplicaSet <none>
    old_tpl = template(labels, [container("w", "busybox:1.35")])
    old = replica_set(dep, "6f7d9c8b5", replicas=1, ready=1, revision="1", created=at(7), template_override=old_tpl)
    return [dep, old], []


def replicaset_world() -> tuple[list[dict], list[dict]]:
    labels = {"app": "solo"}
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": meta("solo", labels=labels, created=at(8)),
          "spec": {"replicas": 3, "selector": {"matchLabels": labels},
                   "template": template(labels, [container("c", "redis:7", ports=[{"containerPort": 6379,
                                                                                    "protocol": "TCP"}])])},
          "status": {"replicas": 2, "fullyLabeledReplicas": 2, "readyReplicas": 1, "availableReplicas": 1,
                     "observedGeneration": 1,
                     "conditions": [{"type": "ReplicaFailure", "status": "True", "lastTransitionTime": at(8, 1),
                                     "reason": "FailedCreate",
                                     "message": 'pods "solo-x" is forbidden: exceeded quota'}]}}
    pods = [pod("solo-aaaaa", rs, labels, "Running"), pod("solo-bbbbb", rs, labels, "Failed"),
            pod("solo-ccccc", rs, labels, "Succeeded"), pod("solo-ddddd", rs, labels, "Unknown")]
    events = [event(rs, "FailedCreate", 'Error creating: pods "solo-x" is forbidden: exceeded quota',
                    first=ago(12), last=ago(10), count=7, kind="Warning", component="replicaset-controller")]
    return [rs, *pods], events


def statefulset_world() -> tuple[list[dict], list[dict]]:
    labels = {"app": "db"}
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet",
           "metadata": meta("db", labels=labels, created=at(9, 14, 30), generation=2),
           "spec": {"replicas": 3, "selector": {"matchLabels": labels}, "serviceName": "db",
                    "podManagementPolicy": "OrderedReady", "revisionHistoryLimit": 10,
                    "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
                    "updateStrategy": {"type": "RollingUpdate",
                                       "rollingUpdate": {"partition": 2, "maxUnavailable": "50%"}},
                    "template": template(labels, [container(
                        "postgres", "postgres:16", ports=[{"containerPort": 5432, "name": "pg", "protocol": "TCP"}],
                        volumeMounts=[{"name": "data", "mountPath": "/var/lib/postgresql/data"}])]),
                    "volumeClaimTemplates": [
                        {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                         "metadata": {"name": "data", "creationTimestamp": None, "labels": {"app": "db"},
                                      "annotations": {"backup": "daily"}},
                         "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast",
                                  "resources": {"requests": {"storage": "10Gi"}}, "volumeMode": "Filesystem"},
                         "status": {"phase": "Pending"}},
                        {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                         "metadata": {"name": "logs", "creationTimestamp": None,
                                      "annotations": {"volume.beta.kubernetes.io/storage-class": "slow"}},
                         "spec": {"accessModes": ["ReadWriteOnce", "ReadOnlyMany"], "resources": {},
                                  "volumeMode": "Filesystem"},
                         "status": {"phase": "Pending"}}]},
           "status": {"observedGeneration": 2, "replicas": 3, "readyReplicas": 3, "currentReplicas": 2,
                      "updatedReplicas": 1, "currentRevision": "db-6d4b7c9f8", "updateRevision": "db-85c9d7f6b",
                      "collisionCount": 0, "availableReplicas": 3}}
    pods = [pod(f"db-{i}", sts, {**labels, "apps.kubernetes.io/pod-index": str(i)}, "Running") for i in range(3)]
    events = [event(sts, "SuccessfulCreate", "create Pod db-0 in StatefulSet db successful", first=ago(40),
                    component="statefulset-controller")]
    cache = {"apiVersion": "apps/v1", "kind": "StatefulSet",
             "metadata": meta("cache", labels={"app": "cache"}, created=at(9)),
             "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "cache"}}, "serviceName": "cache",
                      "podManagementPolicy": "Parallel", "revisionHistoryLimit": 10,
                      "updateStrategy": {"type": "OnDelete"},
                      "template": template({"app": "cache"}, [container("redis", "redis:7")])},
             "status": {"observedGeneration": 1, "replicas": 0, "availableReplicas": 0}}
    return [sts, *pods, cache], events


def daemonset_world() -> tuple[list[dict], list[dict]]:
    labels = {"name": "fluentd"}
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet",
          "metadata": meta("fluentd", labels={"k8s-app": "fluentd-logging"}, created=at(10),
                           annotations={"deprecated.daemonset.template.generation": "1"}),
          "spec": {"selector": {"matchLabels": labels}, "revisionHistoryLimit": 10,
                   "updateStrategy": {"type": "RollingUpdate",
                                      "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                   "template": template(labels, [container(
                       "fluentd", "quay.io/fluentd_elasticsearch/fluentd:v2.5.2",
                       resources={"limits": {"memory": "200Mi"}, "requests": {"cpu": "100m", "memory": "200Mi"}},
                       volumeMounts=[{"name": "varlog", "mountPath": "/var/log"}])],
                       nodeSelector={"kubernetes.io/os": "linux", "disk": "ssd"},
                       tolerations=[{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists",
                                     "effect": "NoSchedule"}],
                       volumes=[{"name": "varlog", "hostPath": {"path": "/var/log", "type": ""}}])},
          "status": {"currentNumberScheduled": 1, "numberMisscheduled": 0, "desiredNumberScheduled": 1,
                     "numberReady": 0, "observedGeneration": 1, "updatedNumberScheduled": 1,
                     "numberUnavailable": 1}}
    pods = [pod("fluentd-x7k2p", ds, labels, "Pending")]
    events = [event(ds, "SuccessfulCreate", "Created pod: fluentd-x7k2p", first=ago(11),
                    component="daemonset-controller")]
    return [ds, *pods], events


def job(name: str, *, status: dict, owner: dict | None = None, created: str = at(12), **spec) -> dict:
    uid_ = uid()
    labels = {"batch.kubernetes.io/controller-uid": uid_, "batch.kubernetes.io/job-name": name,
              "controller-uid": uid_, "job-name": name}
    m = meta(name, labels=labels, owner=owner, created=created)
    m["uid"] = uid_
    base = {"parallelism": 1, "completions": 1, "backoffLimit": 6, "completionMode": "NonIndexed",
            "suspend": False, "manualSelector": False, "podReplacementPolicy": "TerminatingOrFailed",
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": uid_}},
            "template": template(labels, [container("pi", "perl:5.34.0",
                                                    command=["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"])],
                                 restart="Never")}
    base.update(spec)
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": m, "spec": base, "status": status}


def job_world() -> tuple[list[dict], list[dict]]:
    complete = job("pi", status={
        "startTime": at(12, 0, 0, 5), "completionTime": at(12, 0, 1, 40), "succeeded": 1, "ready": 0,
        "terminating": 0, "uncountedTerminatedPods": {},
        "conditions": [{"type": "SuccessCriteriaMet", "status": "True", "lastProbeTime": at(12, 0, 1, 40),
                        "lastTransitionTime": at(12, 0, 1, 40), "reason": "CompletionsReached",
                        "message": "Reached expected number of succeeded pods"},
                       {"type": "Complete", "status": "True", "lastProbeTime": at(12, 0, 1, 40),
                        "lastTransitionTime": at(12, 0, 1, 40), "reason": "CompletionsReached",
                        "message": "Reached expected number of succeeded pods"}]},
        ttlSecondsAfterFinished=100)
    failed = job("flaky", backoffLimit=2, activeDeadlineSeconds=600, status={
        "startTime": at(13, 8), "failed": 3, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {},
        "conditions": [{"type": "FailureTarget", "status": "True", "lastProbeTime": at(13, 8, 5),
                        "lastTransitionTime": at(13, 8, 5), "reason": "BackoffLimitExceeded",
                        "message": "Job has reached the specified backoff limit"},
                       {"type": "Failed", "status": "True", "lastProbeTime": at(13, 8, 5),
                        "lastTransitionTime": at(13, 8, 5), "reason": "BackoffLimitExceeded",
                        "message": "Job has reached the specified backoff limit"}]})
    running = job("work", parallelism=3, completions=None, status={
        "startTime": at(14, 23, 59, 59), "active": 3, "ready": 2, "succeeded": 1, "terminating": 0,
        "uncountedTerminatedPods": {}})
    running["spec"].pop("completions")
    indexed = job("indexed", completions=100, parallelism=10, completionMode="Indexed", status={
        "startTime": at(15), "active": 10, "ready": 10, "succeeded": 40, "terminating": 0,
        "completedIndexes": ",".join(str(i) for i in range(0, 80, 2)), "uncountedTerminatedPods": {}})
    suspended = job("later", suspend=True, status={
        "conditions": [{"type": "Suspended", "status": "True", "lastProbeTime": at(16),
                        "lastTransitionTime": at(16), "reason": "JobSuspended", "message": "Job suspended"}]})
    legacy = job("legacy", status={"active": 1})  # no ready count: the older Pods Statuses line
    events = [event(complete, "SuccessfulCreate", "Created pod: pi-9fk2x", first=ago(20), component="job-controller"),
              event(complete, "Completed", "Job completed", first=ago(19), component="job-controller")]
    return [complete, failed, running, indexed, suspended, legacy], events


def cronjob_world() -> tuple[list[dict], list[dict]]:
    cj = {"apiVersion": "batch/v1", "kind": "CronJob",
          "metadata": meta("hello", created=at(3)),
          "spec": {"schedule": "*/5 * * * *", "timeZone": "Europe/Paris", "concurrencyPolicy": "Allow",
                   "suspend": False, "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
                   "startingDeadlineSeconds": 200,
                   "jobTemplate": {"metadata": {"creationTimestamp": None, "labels": {"cron": "hello"}},
                                   "spec": {"backoffLimit": 6, "activeDeadlineSeconds": 60,
                                            "template": template({"cron": "hello"}, [container(
                                                "hello", "busybox:1.36",
                                                command=["/bin/sh", "-c", "date; echo Hello"])],
                                                restart="OnFailure")}}},
          "status": {"lastScheduleTime": at(17, 10, 5), "lastSuccessfulTime": at(17, 10, 0, 9),
                     "active": [{"kind": "Job", "namespace": NS, "name": "hello-29012345",
                                 "uid": uid(), "apiVersion": "batch/v1", "resourceVersion": "42"},
                                {"kind": "Job", "namespace": NS, "name": "hello-29012350",
                                 "uid": uid(), "apiVersion": "batch/v1", "resourceVersion": "43"}]}}
    child = job("hello-29012345", owner=cj, status={"startTime": at(17, 10), "active": 1, "ready": 1,
                                                      "terminating": 0, "uncountedTerminatedPods": {}})
    quiet = {"apiVersion": "batch/v1", "kind": "CronJob",
             "metadata": meta("quiet", created=at(4)),
             "spec": {"schedule": "@hourly", "concurrencyPolicy": "Forbid", "suspend": True,
                      "jobTemplate": {"metadata": {"creationTimestamp": None},
                                      "spec": {"parallelism": 2, "completions": 4,
                                               "selector": {"matchLabels": {"x": "y"}},
                                               "template": template({"x": "y"}, [container("q", "busybox:1.36")],
                                                                    restart="Never")}}},
             "status": {}}
    events = [event(cj, "SuccessfulCreate", "Created job hello-29012350", first=ago(5, 45),
                    component="cronjob-controller"),
              event(cj, "SawCompletedJob", "Saw completed job: hello-29012340, status: Complete", first=ago(6),
                    component="cronjob-controller")]
    return [cj, child, quiet], events


def secret_world() -> tuple[list[dict], list[dict]]:
    sa_uid = uid()

    def secret(name: str, type_: str, data: dict, **m) -> dict:
        return {"apiVersion": "v1", "kind": "Secret", "metadata": meta(name, **m), "type": type_,
                "data": {k: b64(v) for k, v in data.items()}}

    secrets = [
        secret("db", "Opaque", {"password": "s3cr3t!", "username": "admin", "empty": ""},
               labels={"app": "web"}),
        secret("one", "Opaque", {"only": "1234567890"}),
        secret("bare", "Opaque", {}),
        secret("sa-token", "kubernetes.io/service-account-token",
               {"token": "eyJhbGciOiJSUzI1NiJ9.payload.sig", "ca.crt": "-----BEGIN CERTIFICATE-----\n",
                "namespace": NS},
               annotations={"kubernetes.io/service-account.name": "builder",
                            "kubernetes.io/service-account.uid": sa_uid}),
        secret("regcred", "kubernetes.io/dockerconfigjson", {".dockerconfigjson": '{"auths":{}}'}),
        secret("tls", "kubernetes.io/tls", {"tls.crt": "CERT" * 100, "tls.key": "KEY" * 50}),
        secret("basic", "kubernetes.io/basic-auth", {"username": "u", "password": "p"}),
        secret("ssh", "kubernetes.io/ssh-auth", {"ssh-privatekey": "-----BEGIN OPENSSH PRIVATE KEY-----"}),
        secret("bootstrap-token-abcdef", "bootstrap.kubernetes.io/token",
               {"token-id": "abcdef", "token-secret": "0123456789abcdef", "usage-bootstrap-signing": "true"}),
        secret("binary", "Opaque", {"blob": bytes(range(256))}),
    ]
    return secrets, [sa_uid]


def configmap_world() -> tuple[list[dict], list[dict]]:
    def cm(name: str, data=None, binary=None, **m) -> dict:
        obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, **m)}
        if data is not None:
            obj["data"] = data
        if binary is not None:
            obj["binaryData"] = {k: b64(v) for k, v in binary.items()}
        return obj

    maps = [
        cm("game", {"game.properties": "enemies=aliens\nlives=3\nenemies.cheat=true\n",
                    "ui.properties": "color.good=purple\ncolor.bad=yellow\nallow.textmode=true\n",
                    "player_initial_lives": "3"}, labels={"app": "game"}),
        cm("single", {"nginx.conf": "server {\n\tlisten 80;\n\tlocation / {\n\t\troot /html;\n\t}\n}"}),
        cm("tabs", {"row": "a\tb\tc\nlonger cell\tx\ty"}),
        cm("escapes", {"colour": "\x1b[31mred\x1b[0m", "crlf": "one\r\ntwo"}),
        cm("binary", {"text": "plain"}, {"blob.bin": bytes(range(200)), "icon.png": b"\x89PNG\r\n\x1a\n"}),
        cm("only-binary", binary={"data.bin": b"\x00\x01\x02"}),
        cm("empty"),
    ]
    events = [event(maps[0], "Updated", "configmap updated", first=ago(9), component="someone")]
    return maps, events


def serviceaccount_world() -> tuple[list[dict], list[dict]]:
    secrets, (sa_uid,) = secret_world()
    builder = {"apiVersion": "v1", "kind": "ServiceAccount",
               "metadata": {**meta("builder", labels={"team": "ci"},
                                   annotations={"description": "builds things"}), "uid": sa_uid},
               "secrets": [{"name": "db"}, {"name": "gone"}, {"name": "sa-token"}],
               "imagePullSecrets": [{"name": "regcred"}, {"name": "missing-pull"}]}
    default = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("default")}
    events = [event(builder, "Audit", "token requested", first=ago(2), component="someone")]
    return [builder, default, *secrets], events


def controllerrevision_world() -> tuple[list[dict], list[dict]]:
    sts, _ = statefulset_world()
    owner = sts[0]
    cr = {"apiVersion": "apps/v1", "kind": "ControllerRevision",
          "metadata": meta("db-6d4b7c9f8", labels={"app": "db", "controller.kubernetes.io/hash": "6d4b7c9f8"},
                           owner=owner, created=at(9, 14, 30)),
          "data": {"spec": {"template": {"$patch": "replace", "metadata": {"labels": {"app": "db"}},
                                         "spec": {"containers": [{"image": "postgres:16", "name": "postgres",
                                                                  "ports": [{"containerPort": 5432}]}],
                                                  "terminationGracePeriodSeconds": 30, "enableServiceLinks": True,
                                                  "weight": 1.5, "nothing": None, "list": [1, "two", [3, 4]]}}}},
          "revision": 1}
    return [cr], []


WORLDS = {
    "deployment": deployment_world, "rollout": rollout_world, "recreate": recreate_world,
    "replicaset": replicaset_world, "statefulset": statefulset_world, "daemonset": daemonset_world,
    "job": job_world, "cronjob": cronjob_world, "configmap": configmap_world,
    "serviceaccount": serviceaccount_world, "controllerrevision": controllerrevision_world,
}

CASES = [
    ("deployment", "deployment", "web"),
    ("deployment", "replicaset", "web-7c5ddbdf54"),
    ("deployment", "replicaset", "web-5d8f7c9b6"),
    ("rollout", "deployment", "api"),
    ("recreate", "deployment", "batchy"),
    ("replicaset", "replicaset", "solo"),
    ("statefulset", "statefulset", "db"),
    ("statefulset", "statefulset", "cache"),
    ("daemonset", "daemonset", "fluentd"),
    ("job", "job", "pi"),
    ("job", "job", "flaky"),
    ("job", "job", "work"),
    ("job", "job", "indexed"),
    ("job", "job", "later"),
    ("job", "job", "legacy"),
    ("cronjob", "cronjob", "hello"),
    ("cronjob", "cronjob", "quiet"),
    ("cronjob", "job", "hello-29012345"),
    ("configmap", "configmap", "game"),
    ("configmap", "configmap", "single"),
    ("configmap", "configmap", "tabs"),
    ("configmap", "configmap", "escapes"),
    ("configmap", "configmap", "binary"),
    ("configmap", "configmap", "only-binary"),
    ("configmap", "configmap", "empty"),
    ("serviceaccount", "secret", "db"),
    ("serviceaccount", "secret", "one"),
    ("serviceaccount", "secret", "bare"),
    ("serviceaccount", "secret", "sa-token"),
    ("serviceaccount", "secret", "regcred"),
    ("serviceaccount", "secret", "tls"),
    ("serviceaccount", "secret", "basic"),
    ("serviceaccount", "secret", "ssh"),
    ("serviceaccount", "secret", "bootstrap-token-abcdef"),
    ("serviceaccount", "secret", "binary"),
    ("serviceaccount", "serviceaccount", "builder"),
    ("serviceaccount", "serviceaccount", "default"),
    ("controllerrevision", "controllerrevision", "db-6d4b7c9f8"),
]

KINDS = {"deployment": "Deployment", "replicaset": "ReplicaSet", "statefulset": "StatefulSet",
         "daemonset": "DaemonSet", "job": "Job", "cronjob": "CronJob", "configmap": "ConfigMap",
         "secret": "Secret", "serviceaccount": "ServiceAccount", "controllerrevision": "ControllerRevision"}


@pytest.fixture(scope="module")
def oracles(tmp_path_factory):
    """One oracle per world, started on first use."""
    import contextlib

    stack = contextlib.ExitStack()
    started: dict = {}

    def get(world: str):
        if world not in started:
            objects, events = WORLDS[world]()
            events = [e for e in events if isinstance(e, dict)]
            kubectl = stack.enter_context(kubectl_oracle(tmp_path_factory.mktemp(world), objects=objects,
                                                         events=events))
            started[world] = (kubectl, objects, events)
        return started[world]

    with stack:
        yield get


def _data_lines_sorted(text: str, start: str, end: str | None) -> str:
    """The text with the lines between ``start`` and ``end`` sorted (Go's map order there is random)."""
    i = text.index(start) + len(start)
    j = text.index(end, i - 1) + 1 if end else len(text)
    return text[:i] + "".join(sorted(text[i:j].splitlines(keepends=True))) + text[j:]


def _normalise(kind: str, obj: dict, text: str) -> str:
    if kind == "secret" and len(obj.get("data") or {}) > 1:
        return _data_lines_sorted(text, "\nData\n====\n", None)
    if kind == "configmap" and len(obj.get("data") or {}) + len(obj.get("binaryData") or {}) > 1:
        text = _data_lines_sorted(text, "\nData\n====\n", "\n\nBinaryData\n====\n")
        return _data_lines_sorted(text, "\nBinaryData\n====\n", "\n\n")
    return text


@pytest.mark.parametrize("world, kind, name", CASES, ids=[f"{k}/{n}" for _, k, n in CASES])
def test_describe_matches_kubectl(oracles, world, kind, name):
    kubectl, objects, events = oracles(world)
    done = kubectl("describe", kind, name, env={"TZ": "UTC"})
    assert done.returncode == 0, done.stderr
    obj = next(o for o in objects if o["kind"] == KINDS[kind] and o["metadata"]["name"] == name)
    mine = DESCRIBERS[KINDS[kind]](obj, MemoryCtx(objects, events, NOW))
    assert _normalise(kind, obj, mine) == _normalise(kind, obj, done.stdout)


def test_show_events_false_leaves_the_section_out(oracles):
    kubectl, objects, events = oracles("deployment")
    done = kubectl("describe", "deployment", "web", "--show-events=false", env={"TZ": "UTC"})
    web = next(o for o in objects if o["kind"] == "Deployment")
    mine = DESCRIBERS["Deployment"](web, MemoryCtx(objects, events, NOW, show_events=False))
    assert "Events:" not in mine
    assert mine == done.stdout


def test_pod_describe_shares_the_container_printer_with_templates(tmp_path):
    """The container/volume printing the pod describer shares with DescribePodTemplate, on a pod: resourceFieldRef
    values (divided, rounded up), container seccomp, volumeDevices, downwardAPI items, image/csi/hostPath/emptyDir
    volumes, pod-level resources, ephemeral containers, topology spread constraints, ESC/CR escaping."""
    from minikctl.printers.describe import describe_pod

    p = {"apiVersion": "v1", "kind": "Pod",
         "metadata": meta("p", labels={"app": "x"}),
         "spec": {"nodeName": "node1", "resources": {"limits": {"cpu": "2", "memory": "1Gi"}},
                  "topologySpreadConstraints": [
                      {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                       "labelSelector": {"matchLabels": {"foo": "bar"}}},
                      {"maxSkew": 2, "topologyKey": "a", "whenUnsatisfiable": "ScheduleAnyway"}],
                  "containers": [container(
                      "c", "busybox", ports=[{"containerPort": 80, "protocol": "TCP"}],
                      securityContext={"seccompProfile": {"type": "Localhost", "localhostProfile": "prof.json"}},
                      resources={"limits": {"cpu": "250m", "memory": "64Mi"},
                                 "requests": {"cpu": "125m", "memory": "32Mi"}},
                      volumeDevices=[{"name": "dev", "devicePath": "/dev/xvda"}],
                      volumeMounts=[{"name": "podinfo", "mountPath": "/etc/podinfo", "subPath": 'a"b'}],
                      env=[{"name": n, "valueFrom": {"resourceFieldRef": {"containerName": "c", "resource": r,
                                                                           "divisor": d}}}
                           for n, r, d in (("A", "requests.cpu", "0"), ("B", "limits.memory", "1Mi"),
                                           ("C", "limits.ephemeral-storage", "0"), ("D", "limits.cpu", "1m"))]
                      + [{"name": "E", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                         {"name": "F", "value": "esc\x1b[31m red\rcr"}])],
                  "ephemeralContainers": [{"name": "dbg", "image": "busybox", "targetContainerName": "c"}],
                  "volumes": [
                      {"name": "podinfo", "downwardAPI": {"items": [
                          {"path": "labels", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.labels"}},
                          {"path": "cpu", "resourceFieldRef": {"containerName": "c", "resource": "limits.cpu",
                                                               "divisor": "1m"}}]}},
                      {"name": "img", "image": {"reference": "quay.io/x:v2", "pullPolicy": "IfNotPresent"}},
                      {"name": "csi", "csi": {"driver": "inline.storage.kubernetes.io",
                                              "volumeAttributes": {"foo": "bar", "a": "b"}}},
                      {"name": "host", "hostPath": {"path": "/var/log", "type": ""}},
                      {"name": "ed", "emptyDir": {"sizeLimit": "1Gi"}}, {"name": "ed0", "emptyDir": {"sizeLimit": "0"}},
                      {"name": "dev", "persistentVolumeClaim": {"claimName": "c"}}]},
         "status": {"phase": "Pending", "qosClass": "Burstable"}}
    with kubectl_oracle(tmp_path, objects=[p]) as kubectl:
        done = kubectl("describe", "pod", "p", env={"TZ": "UTC"})
    assert done.returncode == 0, done.stderr
    assert describe_pod(p, [], NOW) == done.stdout


# ------------------------------------------------------------------------------------------------------------
# the kubernetes.io examples corpus: every Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ConfigMap,
# Secret and ServiceAccount in it, described by both (a wide sample of pod-template features)

def _corpus_objects() -> list[dict]:
    import json

    from tests.conftest import CORPUS

    if not (CORPUS / "INDEX.tsv").exists():
        return []
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    objects = []
    for line in (CORPUS / "INDEX.tsv").read_text().splitlines()[1:]:
        fields = line.split("\t")
        if fields[6] != "ok":
            continue
        try:
            docs = list(yaml.load_all((CORPUS / fields[0]).read_text()))
        except Exception:  # noqa: BLE001 - a document this loader cannot read is simply not in the sample
            continue
        for i, doc in enumerate(docs):
            if not isinstance(doc, dict) or doc.get("kind") not in DESCRIBERS or doc["kind"] == "ControllerRevision":
                continue
            doc = json.loads(json.dumps(doc, default=str))
            m = doc.setdefault("metadata", {})
            m.update(name=f"c{len(objects)}-{i}", namespace=NS, uid=uid(), creationTimestamp=at(1))
            # the server's defaults kubectl's describers dereference without a nil check
            spec = doc.get("spec")
            if isinstance(spec, dict) and doc["kind"] in ("Deployment", "ReplicaSet", "StatefulSet"):
                spec.setdefault("replicas", 1)
            for vol in (((spec or {}).get("template") or {}).get("spec") or {}).get("volumes") or []:
                for src in (vol.get("projected") or {}).get("sources") or []:
                    if isinstance(src.get("serviceAccountToken"), dict):
                        src["serviceAccountToken"].setdefault("expirationSeconds", 3600)
            if doc["kind"] == "Secret" and "stringData" in doc:
                doc.setdefault("data", {}).update({k: b64(str(v)) for k, v in doc.pop("stringData").items()})
            objects.append(doc)
    return objects


def test_corpus_workloads_and_config_describe_as_kubectl(tmp_path):
    objects = _corpus_objects()
    if not objects:
        pytest.skip("corpus not present")
    differ = []
    with kubectl_oracle(tmp_path, objects=objects) as kubectl:
        for obj in objects:
            kind, name = obj["kind"], obj["metadata"]["name"]
            done = kubectl("describe", kind.lower(), name, env={"TZ": "UTC"})
            assert done.returncode == 0, (kind, name, done.stderr)
            mine = DESCRIBERS[kind](obj, MemoryCtx(objects, [], NOW))
            if _normalise(kind.lower(), obj, mine) != _normalise(kind.lower(), obj, done.stdout):
                differ.append((kind, name))
    assert len(objects) > 80 and not differ


def test_env_field_refs_resolve_as_kubectl_does(tmp_path):
    """kubectl's scheme has no field-label conversion for Pods: only metadata.name and metadata.namespace resolve."""
    from minikctl.printers.describe import describe_pod

    paths = ["metadata.name", "metadata.namespace", "metadata.uid", "metadata.labels", "metadata.labels['app']",
             "metadata.annotations['a.b/c']", "spec.nodeName", "status.podIP", "spec.serviceAccountName"]
    env = [{"name": f"E{i}", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": p}}}
           for i, p in enumerate(paths)]
    env.append({"name": "V2", "valueFrom": {"fieldRef": {"apiVersion": "v2", "fieldPath": "metadata.name"}}})
    p = {"apiVersion": "v1", "kind": "Pod",
         "metadata": meta("p", labels={"app": "x"}, annotations={"a.b/c": "z"}),
         "spec": {"nodeName": "node1", "serviceAccountName": "sa", "containers": [container("c", "i", env=env)]},
         "status": {"phase": "Running", "podIP": "10.0.0.1", "qosClass": "BestEffort"}}
    with kubectl_oracle(tmp_path, objects=[p]) as kubectl:
        done = kubectl("describe", "pod", "p", env={"TZ": "UTC"})
    assert describe_pod(p, [], NOW) == done.stdout

"""Validation rules: for every family one accepted and one rejected case, with the exact text."""

from __future__ import annotations

import copy

import pytest

from minikctl.api import defaults, validation
from minikctl.kube.errors import Invalid

DNS_LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                 "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
                 "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
DNS_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                     "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                     "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
QUALIFIED_NAME_PART = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                       "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                       "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                   "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                   "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


def make_pod(**spec) -> dict:
    body = {"containers": [{"name": "app", "image": "nginx:1.27"}]}
    body.update(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": body}


def errors(obj: dict, kind: str = "Pod") -> list[str]:
    obj = copy.deepcopy(obj)
    defaults.default_object(kind, obj, suffix=lambda n: "abcde"[:n])
    return [str(e) for e in validation.validate(kind, obj)]


def ctr(**fields) -> dict:
    c = {"name": "app", "image": "nginx:1.27"}
    c.update(fields)
    return c


# ---- decode / unknown fields ------------------------------------------------------------------

def test_decode_errors_go_wording():
    good = make_pod()
    assert validation.decode_errors("Pod", good) == []
    bad = make_pod()
    bad["metadata"]["name"] = True
    assert validation.decode_errors("Pod", bad) == [
        "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.name of type string"]
    bad = make_pod(containers=[ctr(args=["sleep", 3600])])
    assert validation.decode_errors("Pod", bad) == [
        "json: cannot unmarshal number into Go struct field Container.spec.containers.args of type string"]
    bad = make_pod(containers=[ctr(ports={"containerPort": 80})])
    assert validation.decode_errors("Pod", bad) == [
        "json: cannot unmarshal object into Go struct field Container.spec.containers.ports of type []v1.ContainerPort"]
    bad = make_pod(containers=[ctr(ports=["80"])])
    assert validation.decode_errors("Pod", bad) == [
        "json: cannot unmarshal string into Go struct field Container.spec.containers.ports of type v1.ContainerPort"]
    bad = make_pod(containers=[ctr(ports=[{"containerPort": 1.5}])])
    assert validation.decode_errors("Pod", bad) == [
        "json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort "
        "of type int32"]
    bad = make_pod(containers=[ctr(resources={"limits": {"cpu": "1x"}})])
    assert validation.decode_errors("Pod", bad) == [
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"]
    dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
           "spec": {"template": {"spec": {"containers": [ctr(livenessProbe=[])]}}}}
    assert validation.decode_errors("Deployment", dep) == [
        "json: cannot unmarshal array into Go struct field Container.spec.template.spec.containers.livenessProbe "
        "of type v1.Probe"]


def test_int_or_string_accepts_both():
    for port in (8080, "http"):
        pod = make_pod(containers=[ctr(livenessProbe={"httpGet": {"port": port, "path": "/"}})])
        assert validation.decode_errors("Pod", pod) == []
    pod = make_pod(containers=[ctr(livenessProbe={"httpGet": {"port": True}})])
    assert validation.decode_errors("Pod", pod) == ["json: cannot unmarshal bool into Go value of type int32"]


def test_unknown_fields():
    assert validation.unknown_fields("Pod", make_pod()) == []
    bad = make_pod(containers=[ctr(commnd=["x"])], restartpolicy="Never")
    assert validation.unknown_fields("Pod", bad) == ["spec.containers[0].commnd", "spec.restartpolicy"]
    bad = make_pod()
    bad["metadata"]["label"] = {}
    assert validation.unknown_fields("Pod", bad) == ["metadata.label"]
    # map-valued fields take any key
    ok = make_pod(nodeSelector={"anything/goes": "x"})
    assert validation.unknown_fields("Pod", ok) == []


def test_schemas_are_valid_draft_2020_12():
    from jsonschema import Draft202012Validator

    for kind in validation.SCHEMA_FILES:
        Draft202012Validator.check_schema(validation.schema_for(kind))
    v = validation.validator_for("Pod")
    assert v is validation.validator_for("Pod")  # cached
    assert v.is_valid(make_pod())
    assert not v.is_valid(make_pod(containers=[ctr(bogus=1)]))


# ---- metadata ----------------------------------------------------------------------------------

def test_pod_name():
    assert errors(make_pod()) == []
    pod = make_pod()
    pod["metadata"]["name"] = "Bad_Name"
    assert errors(pod) == [f'metadata.name: Invalid value: "Bad_Name": {DNS_SUBDOMAIN_MSG}']
    pod["metadata"]["name"] = ""
    assert errors(pod) == ["metadata.name: Required value: name or generateName is required"]


def test_labels_and_annotations():
    pod = make_pod()
    pod["metadata"]["labels"] = {"app": "web", "example.com/tier": "front_end"}
    pod["metadata"]["annotations"] = {"Example.com/Note": "anything at all"}
    assert errors(pod) == []
    pod["metadata"]["labels"] = {"bad key!": "ok", "good": "bad value!"}
    assert errors(pod) == [
        f'metadata.labels: Invalid value: "bad key!": {QUALIFIED_NAME_PART}',
        f'metadata.labels: Invalid value: "bad value!": {LABEL_VALUE_MSG}',
    ]
    pod["metadata"]["labels"] = {"a/b/c": "x"}
    assert errors(pod) == [
        'metadata.labels: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, \'-\', '
        "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
        "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
        "subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    pod["metadata"]["labels"] = {"x": "v" * 64}
    assert errors(pod) == [f'metadata.labels: Invalid value: "{"v" * 64}": must be no more than 63 characters']


# ---- containers --------------------------------------------------------------------------------

def test_container_name_and_image():
    assert errors(make_pod(containers=[ctr(name="web-1")])) == []
    assert errors(make_pod(containers=[ctr(name="Web")])) == [
        f'spec.containers[0].name: Invalid value: "Web": {DNS_LABEL_MSG}']
    assert errors(make_pod(containers=[{"name": "a"}])) == ["spec.containers[0].image: Required value"]
    assert errors(make_pod(containers=[{"image": "x"}])) == ["spec.containers[0].name: Required value"]
    assert errors(make_pod(containers=[])) == ["spec.containers: Required value"]
    assert errors(make_pod(containers=[ctr(image=" nginx")])) == [
        'spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace']


def test_container_names_unique_across_kinds():
    ok = make_pod(initContainers=[ctr(name="init")])
    assert errors(ok) == []
    assert errors(make_pod(containers=[ctr(), ctr()])) == ['spec.containers[1].name: Duplicate value: "app"']
    assert errors(make_pod(initContainers=[ctr()])) == ['spec.initContainers[0].name: Duplicate value: "app"']


def test_ephemeral_containers_forbidden_on_create():
    pod = make_pod(ephemeralContainers=[{"name": "debug", "image": "busybox"}])
    assert errors(pod) == ["spec.ephemeralContainers: Forbidden: cannot be set on create"]


def test_ports():
    assert errors(make_pod(containers=[ctr(ports=[{"containerPort": 80, "name": "http"}])])) == []
    assert errors(make_pod(containers=[ctr(ports=[{"containerPort": 70000}])])) == [
        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"]
    assert errors(make_pod(containers=[ctr(ports=[{"containerPort": 80, "protocol": "HTTP"}])])) == [
        'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']
    assert errors(make_pod(containers=[ctr(ports=[{"containerPort": 80, "name": "Web_1"}])])) == [
        'spec.containers[0].ports[0].name: Invalid value: "Web_1": must contain only alpha-numeric characters '
        "(a-z, 0-9), and hyphens (-)"]
    two = [{"containerPort": 80, "name": "web"}, {"containerPort": 81, "name": "web"}]
    assert errors(make_pod(containers=[ctr(ports=two)])) == [
        'spec.containers[0].ports[1].name: Duplicate value: "web"']
    hp = [{"containerPort": 80, "hostPort": 8080}]
    assert errors(make_pod(containers=[ctr(ports=hp), ctr(name="b", ports=hp)])) == [
        'spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"']


def test_env():
    env = [{"name": "A", "value": "1"}, {"name": "my.var-1", "value": "x"},
           {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]
    assert errors(make_pod(containers=[ctr(env=env)])) == []
    assert errors(make_pod(containers=[ctr(env=[{"name": "A=B"}])])) == [
        'spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only '
        "of printable ASCII characters other than '='"]
    assert errors(make_pod(containers=[ctr(env=[{"name": ""}])])) == ["spec.containers[0].env[0].name: Required value"]
    both = [{"name": "A", "value": "x", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]
    assert errors(make_pod(containers=[ctr(env=both)])) == [
        'spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty']
    bad_path = [{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "status.phase"}}}]
    assert errors(make_pod(containers=[ctr(env=bad_path)])) == [
        'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: '
        '"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", '
        '"status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"']
    no_key = [{"name": "A", "valueFrom": {"secretKeyRef": {"name": "s"}}}]
    assert errors(make_pod(containers=[ctr(env=no_key)])) == [
        "spec.containers[0].env[0].valueFrom.secretKeyRef.key: Required value"]


def test_volumes_and_mounts():
    vols = [{"name": "data", "emptyDir": {}}, {"name": "cfg", "configMap": {"name": "c"}}]
    mounts = [{"name": "data", "mountPath": "/data"}, {"name": "cfg", "mountPath": "/etc/cfg"}]
    assert errors(make_pod(volumes=vols, containers=[ctr(volumeMounts=mounts)])) == []
    # SetDefaults_Volume (pkg/apis/core/v1/defaults.go) makes a source-less volume an emptyDir first
    assert errors(make_pod(volumes=[{"name": "x"}])) == []
    spec = {"volumes": [{"name": "x"}]}
    assert [str(e) for e in validation.validate_volumes(spec["volumes"], "spec.volumes")[1]] == [
        "spec.volumes[0]: Required value: must specify a volume type"]
    assert errors(make_pod(volumes=[{"name": "x", "emptyDir": {}, "hostPath": {"path": "/tmp"}}])) == [
        "spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"]
    assert errors(make_pod(volumes=[{"name": "Data", "emptyDir": {}}])) == [
        f'spec.volumes[0].name: Invalid value: "Data": {DNS_LABEL_MSG}']
    assert errors(make_pod(volumes=[{"name": "d", "emptyDir": {}}, {"name": "d", "emptyDir": {}}])) == [
        'spec.volumes[1].name: Duplicate value: "d"']
    assert errors(make_pod(containers=[ctr(volumeMounts=[{"name": "nope", "mountPath": "/x"}])])) == [
        'spec.containers[0].volumeMounts[0].name: Not found: "nope"']
    twice = [{"name": "data", "mountPath": "/x"}, {"name": "data", "mountPath": "/x"}]
    assert errors(make_pod(volumes=vols[:1], containers=[ctr(volumeMounts=twice)])) == [
        'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/x": must be unique']
    assert errors(make_pod(volumes=[{"name": "s", "secret": {}}])) == ["spec.volumes[0].secret.secretName: Required value"]
    assert errors(make_pod(volumes=[{"name": "s", "secret": {"secretName": "s", "defaultMode": 1000}}])) == [
        "spec.volumes[0].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), "
        "both inclusive"]
    assert errors(make_pod(volumes=[{"name": "h", "hostPath": {"path": "/x", "type": "Dir"}}])) == [
        'spec.volumes[0].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", '
        '"Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"']


def test_resources():
    res = {"requests": {"cpu": "250m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "128Mi"}}
    assert errors(make_pod(containers=[ctr(resources=res)])) == []
    res = {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}
    assert errors(make_pod(containers=[ctr(resources=res)])) == [
        'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']
    res = {"requests": {"memory": "-1Mi"}}
    assert errors(make_pod(containers=[ctr(resources=res)])) == [
        'spec.containers[0].resources.requests[memory]: Invalid value: "-1Mi": must be greater than or equal to 0']
    res = {"limits": {"gpu": "1"}}
    assert errors(make_pod(containers=[ctr(resources=res)])) == [
        'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully '
        "qualified",
        'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers',
        'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully '
        "qualified",
        'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for '
        "containers"]
    res = {"limits": {"example.com/gpu": "1"}, "requests": {"example.com/gpu": "2"}}
    assert errors(make_pod(containers=[ctr(resources=res)])) == [
        'spec.containers[0].resources.requests: Invalid value: "2": must be equal to example.com/gpu limit of 1']
    res = {"limits": {"example.com/gpu": "1"}}
    assert errors(make_pod(containers=[ctr(resources=res)])) == []


def test_probes():
    probe = {"httpGet": {"path": "/healthz", "port": 8080}, "initialDelaySeconds": 3}
    assert errors(make_pod(containers=[ctr(livenessProbe=probe, readinessProbe={"tcpSocket": {"port": "http"}})])) == []
    assert errors(make_pod(containers=[ctr(livenessProbe={"periodSeconds": 5})])) == [
        "spec.containers[0].livenessProbe: Required value: must specify a handler type"]
    two = {"exec": {"command": ["true"]}, "tcpSocket": {"port": 80}}
    assert errors(make_pod(containers=[ctr(readinessProbe=two)])) == [
        "spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"]
    st = {"exec": {"command": ["true"]}, "successThreshold": 2}
    assert errors(make_pod(containers=[ctr(livenessProbe=st)])) == [
        "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"]
    assert errors(make_pod(containers=[ctr(startupProbe=st)])) == [
        "spec.containers[0].startupProbe.successThreshold: Invalid value: 2: must be 1"]
    assert errors(make_pod(containers=[ctr(readinessProbe=st)])) == []
    neg = {"exec": {"command": ["true"]}, "initialDelaySeconds": -1}
    assert errors(make_pod(containers=[ctr(readinessProbe=neg)])) == [
        "spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0"]
    assert errors(make_pod(containers=[ctr(livenessProbe={"exec": {}})])) == [
        "spec.containers[0].livenessProbe.exec.command: Required value"]
    port = {"httpGet": {"port": 0}}
    assert errors(make_pod(containers=[ctr(livenessProbe=port)])) == [
        "spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive"]


def test_init_container_probes_need_restart_always():
    sidecar = ctr(name="side", restartPolicy="Always", readinessProbe={"exec": {"command": ["true"]}})
    assert errors(make_pod(initContainers=[sidecar])) == []
    plain = ctr(name="init", readinessProbe={"exec": {"command": ["true"]}})
    assert errors(make_pod(initContainers=[plain])) == [
        "spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without "
        "restartPolicy=Always"]
    assert errors(make_pod(initContainers=[ctr(name="i", restartPolicy="Never")])) == [
        'spec.initContainers[0].restartPolicy: Unsupported value: "Never": supported values: "Always"']
    assert errors(make_pod(containers=[ctr(restartPolicy="Always")])) == [
        "spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers"]


def test_lifecycle_hooks():
    lc = {"postStart": {"exec": {"command": ["sh", "-c", "echo hi"]}}, "preStop": {"sleep": {"seconds": 5}}}
    assert errors(make_pod(containers=[ctr(lifecycle=lc)])) == []
    assert errors(make_pod(containers=[ctr(lifecycle={"preStop": {}})])) == [
        "spec.containers[0].lifecycle.preStop: Required value: must specify a handler type"]
    assert errors(make_pod(containers=[ctr(lifecycle={"preStop": {"sleep": {"seconds": 60}}})])) == [
        "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 60: must be greater than 0 and less than "
        "terminationGracePeriodSeconds (30). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep."]


def test_image_pull_policy_and_termination_message_policy():
    assert errors(make_pod(containers=[ctr(imagePullPolicy="Never")])) == []
    assert errors(make_pod(containers=[ctr(imagePullPolicy="Sometimes")])) == [
        'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", '
        '"IfNotPresent", "Never"']
    assert errors(make_pod(containers=[ctr(terminationMessagePolicy="Log")])) == [
        'spec.containers[0].terminationMessagePolicy: Unsupported value: "Log": supported values: "File", '
        '"FallbackToLogsOnError"']


def test_restart_and_dns_policy():
    assert errors(make_pod(restartPolicy="OnFailure", dnsPolicy="Default")) == []
    assert errors(make_pod(restartPolicy="Sometimes")) == [
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']
    assert errors(make_pod(dnsPolicy="Cluster")) == [
        'spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", '
        '"Default", "None"']
    assert errors(make_pod(dnsPolicy="None")) == [
        "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"]
    assert errors(make_pod(dnsPolicy="None", dnsConfig={"nameservers": ["1.1.1.1"]})) == []


def test_security_context():
    sc = {"runAsUser": 1000, "runAsGroup": 3000, "fsGroup": 2000, "seccompProfile": {"type": "RuntimeDefault"}}
    assert errors(make_pod(securityContext=sc, containers=[ctr(securityContext={"allowPrivilegeEscalation": False})])) == []
    assert errors(make_pod(securityContext={"runAsUser": -1})) == [
        "spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive"]
    assert errors(make_pod(securityContext={"seccompProfile": {"type": "Strict"}})) == [
        'spec.securityContext.seccompProfile.type: Unsupported value: "Strict": supported values: "Localhost", '
        '"RuntimeDefault", "Unconfined"']
    assert errors(make_pod(securityContext={"seccompProfile": {}})) == [
        "spec.securityContext.seccompProfile.type: Required value: type is required when seccompProfile is set"]
    assert errors(make_pod(securityContext={"seccompProfile": {"type": "Localhost"}})) == [
        "spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is "
        "Localhost"]
    assert errors(make_pod(containers=[ctr(securityContext={"runAsUser": -5})])) == [
        "spec.containers[0].securityContext.runAsUser: Invalid value: -5: must be between 0 and 2147483647, inclusive"]


def test_tolerations():
    tol = [{"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}, {"operator": "Exists"}]
    assert errors(make_pod(tolerations=tol)) == []
    assert errors(make_pod(tolerations=[{"key": "", "operator": "Equal", "value": "x"}])) == [
        'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which '
        'means "match all values and all keys"']
    assert errors(make_pod(tolerations=[{"key": "k", "operator": "Exists", "value": "v"}])) == [
        "spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'"]
    assert errors(make_pod(tolerations=[{"key": "k", "operator": "Exists", "effect": "NoSchedule",
                                         "tolerationSeconds": 5}])) == [
        "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when "
        "`tolerationSeconds` is set"]
    assert errors(make_pod(tolerations=[{"key": "k", "operator": "Exists", "effect": "Never"}])) == [
        'spec.tolerations[0].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", '
        '"NoExecute"']


def test_affinity_basics():
    term = {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}
    aff = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}}}
    assert errors(make_pod(affinity=aff)) == []
    bad = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "zone", "operator": "In"}]}]}}}
    assert errors(make_pod(affinity=bad)) == [
        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
        ".matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]
    empty = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}}
    assert errors(make_pod(affinity=empty)) == [
        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: "
        "must have at least one node selector term"]
    pa = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {}}]}}
    tk = "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey"
    assert errors(make_pod(affinity=pa)) == [
        f"{tk}: Required value: can not be empty",
        f'{tk}: Invalid value: "": name part must be non-empty',
        f'{tk}: Invalid value: "": {QUALIFIED_NAME_PART}']


def test_readiness_gates_and_misc_names():
    assert errors(make_pod(readinessGates=[{"conditionType": "example.com/ready"}], hostname="web-0")) == []
    assert errors(make_pod(readinessGates=[{"conditionType": "bad gate"}])) == [
        f'spec.readinessGates[0].conditionType: Invalid value: "bad gate": {QUALIFIED_NAME_PART}']
    assert errors(make_pod(hostname="Web")) == [f'spec.hostname: Invalid value: "Web": {DNS_LABEL_MSG}']
    assert errors(make_pod(serviceAccountName="Bad")) == [
        f'spec.serviceAccountName: Invalid value: "Bad": {DNS_SUBDOMAIN_MSG}']
    assert errors(make_pod(activeDeadlineSeconds=0)) == [
        "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"]


def test_cause_order_and_invalid_rendering():
    pod = make_pod(containers=[{"name": "Bad"}], restartPolicy="x")
    pod["metadata"]["name"] = "Bad"
    causes = errors(pod)
    assert [c.split(":")[0] for c in causes] == [
        "metadata.name", "spec.containers[0].name", "spec.containers[0].image", "spec.restartPolicy"]
    obj = copy.deepcopy(make_pod(containers=[{"name": "a"}]))
    defaults.default_object("Pod", obj, suffix=lambda n: "abcde"[:n])
    err = Invalid("Pod", "p", validation.validate("Pod", obj))
    assert err.render() == 'The Pod "p" is invalid: spec.containers[0].image: Required value'


# ---- workloads ---------------------------------------------------------------------------------

def deployment(**spec) -> dict:
    body = {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [ctr()]}}}
    body.update(spec)
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "default"},
            "spec": body}


def test_deployment_selector_and_template():
    assert errors(deployment(), "Deployment") == []
    d = deployment()
    d["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    assert errors(d, "Deployment") == [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match '
        "template `labels`"]
    d = deployment()
    del d["spec"]["selector"]
    assert errors(d, "Deployment") == ["spec.selector: Required value"]
    assert errors(deployment(replicas=-1), "Deployment") == [
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0"]
    d = deployment()
    d["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert errors(d, "Deployment") == [
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']
    d = deployment()
    d["spec"]["template"]["spec"]["containers"][0]["name"] = "Web"
    assert errors(d, "Deployment") == [f'spec.template.spec.containers[0].name: Invalid value: "Web": {DNS_LABEL_MSG}']


def test_replicaset_daemonset_statefulset():
    for kind in ("ReplicaSet", "DaemonSet", "StatefulSet"):
        obj = deployment()
        obj["kind"] = kind
        obj["spec"].pop("replicas") if kind == "DaemonSet" else None
        assert errors(obj, kind) == [], kind
    ss = deployment()
    ss["kind"] = "StatefulSet"
    ss["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/d"}]
    ss["spec"]["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"]}}]
    assert errors(ss, "StatefulSet") == []
    ds = deployment()
    ds["kind"] = "DaemonSet"
    ds["spec"]["selector"] = {}
    assert errors(ds, "DaemonSet") == [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset"]
    ds["spec"]["selector"] = {"matchLabels": {"a": "b"}}
    assert errors(ds, "DaemonSet") == [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match '
        "template `labels`"]
    ss["metadata"]["name"] = "web.v1"
    assert errors(ss, "StatefulSet") == ['metadata.name: Invalid value: "web.v1": must not contain dots']


def test_deployment_strategy():
    ok = deployment(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "10%"}})
    assert errors(ok, "Deployment") == []
    assert errors(deployment(strategy={"type": "Recreate"}), "Deployment") == []
    zero = deployment(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}})
    assert errors(zero, "Deployment") == [
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, "
        'StrVal:""}: may not be 0 when `maxSurge` is 0']
    pct = deployment(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "ten"}})
    assert errors(pct, "Deployment") == [
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, '
        'StrVal:"ten"}: a valid percent string must be a numeric string followed by an ending \'%\' '
        "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]
    rec = deployment(strategy={"type": "Recreate", "rollingUpdate": {}})
    assert errors(rec, "Deployment") == [
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]


def job(**spec) -> dict:
    body = {"template": {"spec": {"containers": [ctr()], "restartPolicy": "Never"}}}
    body.update(spec)
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": "pi", "namespace": "default", "uid": "0000-1111"}, "spec": body}


def test_job_rules():
    assert errors(job(), "Job") == []
    j = job()
    del j["spec"]["template"]["spec"]["restartPolicy"]
    assert errors(j, "Job") == [
        'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']
    assert errors(job(backoffLimit=-1), "Job") == [
        "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"]
    assert errors(job(completions=-2, parallelism=-1), "Job") == [
        "spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
        "spec.completions: Invalid value: -2: must be greater than or equal to 0"]


def test_cronjob_rules():
    cj = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello", "namespace": "default"},
          "spec": {"schedule": "* * * * *", "jobTemplate": job()["spec"] and {"spec": job()["spec"]}}}
    assert errors(cj, "CronJob") == []
    cj["spec"]["schedule"] = "* * *"
    assert errors(cj, "CronJob") == [
        'spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]']


def test_namespace_name_is_a_label():
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}}
    assert errors(ns, "Namespace") == []
    ns["metadata"]["name"] = "dev.team"
    assert errors(ns, "Namespace") == ['metadata.name: Invalid value: "dev.team": must not contain dots']


@pytest.mark.parametrize("value,ok", [("my-name", True), ("123-abc", True), ("-a", False), ("a" * 64, False)])
def test_dns_label_helper(value, ok):
    assert (validation.is_dns1123_label(value) == []) is ok


@pytest.mark.parametrize("schedule,msg", [
    ("*/5 * * * *", ""), ("0 0 * * mon-fri", ""), ("@hourly", ""), ("0 12 1 jan,jul *", ""),
    ("61 * * * *", "end of range (61) above maximum (59): 61"),
    ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
])
def test_cron_schedule(schedule, msg):
    assert validation._cron_error(schedule) == msg


def test_cronjob_job_template_rules():
    base = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello", "namespace": "default"},
            "spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": {"spec": {
                "containers": [ctr()], "restartPolicy": "OnFailure"}}}}}}
    assert errors(base, "CronJob") == []
    cj = copy.deepcopy(base)
    cj["spec"]["jobTemplate"]["spec"]["selector"] = {"matchLabels": {"a": "b"}}
    assert errors(cj, "CronJob") == [
        'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated"]
    cj = copy.deepcopy(base)
    cj["metadata"]["name"] = "x" * 53
    assert errors(cj, "CronJob") == [f'metadata.name: Invalid value: "{"x" * 53}": must be no more than 52 characters']
    cj = copy.deepcopy(base)
    cj["spec"]["concurrencyPolicy"] = "Sometimes"
    assert errors(cj, "CronJob") == [
        'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"']


def test_job_pod_failure_policy_needs_never():
    j = job(podFailurePolicy={"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [42]}}]})
    assert errors(j, "Job") == []
    j["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure"
    assert errors(j, "Job") == [
        'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when '
        "podFailurePolicy is specified"]
    manual = job(manualSelector=True, selector={"matchLabels": {"x": "y"}})
    assert errors(manual, "Job") == [
        "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template "
        "`labels`"]


def test_downward_and_projected_volume_paths():
    ok = [{"name": "info", "downwardAPI": {"items": [{"path": "labels",
                                                      "fieldRef": {"fieldPath": "metadata.labels"}}]}}]
    assert errors(make_pod(volumes=ok)) == []
    bad = [{"name": "info", "downwardAPI": {"items": [{"path": "../x", "fieldRef": {"fieldPath": "metadata.name"}}]}}]
    assert errors(make_pod(volumes=bad)) == [
        'spec.volumes[0].downwardAPI.path: Invalid value: "../x": must not contain \'..\'']
    dup = [{"name": "all", "projected": {"sources": [
        {"configMap": {"name": "a", "items": [{"key": "k", "path": "same"}]}},
        {"secret": {"name": "b", "items": [{"key": "k", "path": "same"}]}}]}}]
    assert errors(make_pod(volumes=dup)) == [
        'spec.volumes[0].projected: Invalid value: "b": conflicting duplicate paths']
    two = [{"name": "both", "emptyDir": {}, "downwardAPI": {"items": []}}]
    assert errors(make_pod(volumes=two)) == [
        "spec.volumes[0].downwarAPI: Forbidden: may not specify more than 1 volume type"]
    prop = [{"name": "d", "emptyDir": {}}]
    mounts = [{"name": "d", "mountPath": "/d", "mountPropagation": "Bidirectional"}]
    assert errors(make_pod(volumes=prop, containers=[ctr(volumeMounts=mounts)])) == [
        "spec.containers[0].volumeMounts.mountPropagation: Forbidden: Bidirectional mount propagation is available "
        "only to privileged containers"]


def test_pod_specific_annotations():
    pod = make_pod()
    pod["metadata"]["annotations"] = {"seccomp.security.alpha.kubernetes.io/pod": "runtime/default",
                                      "container.apparmor.security.beta.kubernetes.io/app": "runtime/default",
                                      "controller.kubernetes.io/pod-deletion-cost": "-5"}
    assert errors(pod) == []
    pod["metadata"]["annotations"] = {"seccomp.security.alpha.kubernetes.io/pod": "strict",
                                      "container.apparmor.security.beta.kubernetes.io/web": "runtime/default",
                                      "controller.kubernetes.io/pod-deletion-cost": "+5"}
    assert errors(pod) == [
        'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "+5": must be a 32bit '
        "integer",
        'metadata.annotations.seccomp.security.alpha.kubernetes.io/pod: Invalid value: "strict": must be a valid '
        "seccomp profile",
        'metadata.annotations[container.apparmor.security.beta.kubernetes.io/web]: Invalid value: "web": container '
        "not found"]


def test_generate_name_and_finalizers():
    pod = make_pod()
    pod["metadata"]["generateName"] = "web-"
    pod["metadata"]["finalizers"] = ["example.com/cleanup", "kubernetes"]
    assert errors(pod) == []
    pod["metadata"]["generateName"] = "Web-"
    pod["metadata"]["finalizers"] = ["cleanup"]
    assert errors(pod) == [
        f'metadata.generateName: Invalid value: "Web-": {DNS_SUBDOMAIN_MSG}',
        'metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it '
        "fully qualified"]


def test_update_mode_skips_create_only_rules():
    pod = make_pod(ephemeralContainers=[{"name": "debug", "image": "busybox", "targetContainerName": "app"}])
    obj = copy.deepcopy(pod)
    defaults.default_object("Pod", obj, suffix=lambda n: "abcde"[:n])
    assert [str(e) for e in validation.validate("Pod", obj)] == [
        "spec.ephemeralContainers: Forbidden: cannot be set on create"]
    assert validation.validate("Pod", obj, create=False) == []


def test_decode_checks_of_a_spec_seen_clean_still_walk_the_rest():
    from minikctl.api.validation import decode_checks

    spec = {"containers": [{"name": "c", "image": "busybox"}]}
    clean = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "spec": spec}
    assert decode_checks("Pod", clean) == ([], [])
    bad_meta = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b", "labels": {"x": 1}, "bogus": 1},
                "spec": dict(spec)}
    problems, unknown = decode_checks("Pod", bad_meta)
    assert problems == ["json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"]
    assert unknown == ["metadata.bogus"]
    # the same spec with one more field is another spec: walked
    worse = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "c"},
             "spec": {"containers": [{"name": "c", "image": "busybox", "stdin": "yes"}], "extra": True}}
    problems, unknown = decode_checks("Pod", worse)
    assert problems == ["json: cannot unmarshal string into Go struct field Container.spec.containers.stdin of "
                        "type bool"]
    assert unknown == ["spec.extra"]

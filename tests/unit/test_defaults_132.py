"""Defaults audited against pkg/apis/core/v1/zz_generated.defaults.go + defaults.go (v1.32.2), the
apps/batch strategies' PrepareForCreate and pkg/api/pod/util.go's DropDisabledPodFields."""

from __future__ import annotations

from minikctl.api import defaults, validation
from minikctl.api.defaults import default_object


def suffix(n: int) -> str:
    return "bgsgp"[:n]


def pod(**spec) -> dict:
    body = {"containers": [{"name": "app", "image": "nginx:1.27"}]}
    body.update(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": body}


def defaulted(obj: dict, kind: str = "Pod") -> dict:
    default_object(kind, obj, suffix=suffix)
    return obj


def test_sourceless_volume_becomes_empty_dir():
    # SetDefaults_Volume: ptr.AllPtrFieldsNil(&obj.VolumeSource) -> EmptyDir: &v1.EmptyDirVolumeSource{}
    p = defaulted(pod(volumes=[{"name": "scratch"}], containers=[
        {"name": "app", "image": "nginx:1.27", "volumeMounts": [{"name": "scratch", "mountPath": "/s"}]}]))
    assert p["spec"]["volumes"][0] == {"name": "scratch", "emptyDir": {}}
    assert validation.validate("Pod", p) == []


def test_grpc_probe_service_defaults_to_empty_string():
    # zz_generated.defaults.go: `if a.LivenessProbe.ProbeHandler.GRPC.Service == nil { ... = "" }`
    probe = {"grpc": {"port": 9090}}
    p = defaulted(pod(containers=[{"name": "app", "image": "nginx:1.27", "livenessProbe": dict(probe),
                                   "readinessProbe": {"grpc": {"port": 9090, "service": "x"}}}],
                      initContainers=[{"name": "i", "image": "busybox", "restartPolicy": "Always",
                                       "startupProbe": {"grpc": {"port": 1}}}]))
    c = p["spec"]["containers"][0]
    assert c["livenessProbe"]["grpc"] == {"port": 9090, "service": ""}
    assert c["readinessProbe"]["grpc"] == {"port": 9090, "service": "x"}
    assert p["spec"]["initContainers"][0]["startupProbe"]["grpc"]["service"] == ""


def test_empty_slices_and_maps_are_not_stored():
    # encoding/json omitempty on Go slices and maps (k8s.io/api core/v1 types.go)
    p = defaulted(pod(containers=[{"name": "app", "image": "nginx:1.27", "args": [], "command": [], "env": [],
                                   "resources": {"limits": {}}}], nodeSelector={}, tolerations=[]))
    c = p["spec"]["containers"][0]
    assert "args" not in c and "command" not in c and "env" not in c
    assert c["resources"] == {}  # a struct (no omitempty effect), its empty map goes
    assert "nodeSelector" not in p["spec"]
    assert p["spec"]["securityContext"] == {}  # pointer to struct: kept


def test_projected_sources_and_containers_keep_empty_lists():
    # ProjectedVolumeSource.Sources `json:"sources"` has no omitempty
    p = defaulted(pod(volumes=[{"name": "v", "projected": {"sources": []}}]))
    assert p["spec"]["volumes"][0]["projected"] == {"defaultMode": 420, "sources": []}


def test_resource_lists_round_up_to_milli():
    # SetDefaults_ResourceList: val.RoundUp(milliScale)
    assert defaults.round_up_milli("0.0001") == "1m"
    assert defaults.round_up_milli("100u") == "1m"
    assert defaults.round_up_milli("2.0001") == "2001m"
    assert defaults.round_up_milli("1.5") == "1500m"
    assert defaults.round_up_milli("128Mi") == "128Mi"
    p = defaulted(pod(containers=[{"name": "app", "image": "nginx:1.27",
                                   "resources": {"limits": {"cpu": "1500u"}}}]))
    assert p["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "2m"}, "requests": {"cpu": "2m"}}


def test_volume_source_inline_defaults():
    # zz_generated.defaults.go: ISCSIInterface, RBD pool/user/keyring, AzureDisk pointers, ScaleIO
    p = defaulted(pod(volumes=[
        {"name": "a", "iscsi": {"targetPortal": "1.2.3.4", "iqn": "iqn.2001-04.com.example:x", "lun": 0}},
        {"name": "b", "rbd": {"monitors": ["m"], "image": "img"}},
        {"name": "c", "azureDisk": {"diskName": "d", "diskURI": "u"}},
        {"name": "d", "scaleIO": {"gateway": "g", "system": "s", "secretRef": {"name": "x"}}},
    ]))
    v = {x["name"]: x for x in p["spec"]["volumes"]}
    assert v["a"]["iscsi"]["iscsiInterface"] == "default"
    assert (v["b"]["rbd"]["pool"], v["b"]["rbd"]["user"], v["b"]["rbd"]["keyring"]) == ("rbd", "admin",
                                                                                      "/etc/ceph/keyring")
    assert {k: v["c"]["azureDisk"][k] for k in ("cachingMode", "fsType", "readOnly", "kind")} == {
        "cachingMode": "ReadWrite", "fsType": "ext4", "readOnly": False, "kind": "Shared"}
    assert (v["d"]["scaleIO"]["storageMode"], v["d"]["scaleIO"]["fsType"]) == ("ThinProvisioned", "xfs")


def test_existing_pod_defaults_unchanged():
    # SetDefaults_Pod / SetDefaults_PodSpec / SetDefaults_Container (already there; kept as a guard)
    p = defaulted(pod(hostNetwork=True, containers=[{"name": "app", "image": "nginx", "ports": [{"containerPort": 80}],
                                                     "resources": {"limits": {"memory": "1Gi"}}}]))
    c = p["spec"]["containers"][0]
    assert c["ports"] == [{"containerPort": 80, "hostPort": 80, "protocol": "TCP"}]
    assert c["resources"]["requests"] == {"memory": "1Gi"}
    assert (c["imagePullPolicy"], c["terminationMessagePath"], c["terminationMessagePolicy"]) == (
        "Always", "/dev/termination-log", "File")


def test_pods_get_no_generation():
    # podStrategy.PrepareForCreate in v1.32 does not set Generation (pod generation arrived in 1.33)
    p = defaulted(pod())
    assert "generation" not in p["metadata"]
    p = defaulted({**pod(), "metadata": {"name": "p", "namespace": "default", "generation": 7}})
    assert p["metadata"]["generation"] == 7  # rest.BeforeCreate leaves a client-set value alone


def test_workloads_get_generation_one():
    # deploymentStrategy/replicaSetStrategy/... PrepareForCreate: Generation = 1
    tmpl = {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    for kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"):
        o = defaulted({"kind": kind, "metadata": {"name": "w", "generation": 9},
                       "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": tmpl}}, kind)
        assert o["metadata"]["generation"] == 1, kind


def test_daemonset_template_generation_annotation():
    # daemonSetStrategy.PrepareForCreate: TemplateGeneration = 1, stored by apps/v1 as an annotation
    o = defaulted({"kind": "DaemonSet", "metadata": {"name": "d"},
                   "spec": {"selector": {"matchLabels": {"a": "b"}},
                            "template": {"metadata": {"labels": {"a": "b"}},
                                         "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}, "DaemonSet")
    assert o["metadata"]["annotations"] == {"deprecated.daemonset.template.generation": "1"}


def test_disabled_feature_fields_are_dropped():
    # DropDisabledPodFields with the v1.32 default gates (UserNamespacesSupport, InPlacePodVerticalScaling,
    # ProcMountType, SupplementalGroupsPolicy, ImageVolume, PodLevelResources all off)
    p = defaulted(pod(hostUsers=False, resources={"limits": {"cpu": "1"}},
                      securityContext={"supplementalGroupsPolicy": "Strict"},
                      volumes=[{"name": "img", "image": {"reference": "busybox"}}],
                      containers=[{"name": "app", "image": "nginx:1.27",
                                   "securityContext": {"procMount": "Unmasked"},
                                   "resizePolicy": [{"resourceName": "cpu", "restartPolicy": "NotRequired"}],
                                   "volumeMounts": [{"name": "img", "mountPath": "/img"}]}]))
    s = p["spec"]
    assert "hostUsers" not in s and "resources" not in s
    assert "supplementalGroupsPolicy" not in s["securityContext"]
    assert [v["name"] for v in s["volumes"]] == ["kube-api-access-bgsgp"]
    c = s["containers"][0]
    assert c["securityContext"] == {"procMount": "Default"}
    assert "resizePolicy" not in c
    assert [m["name"] for m in c["volumeMounts"]] == ["kube-api-access-bgsgp"]
    assert validation.validate("Pod", p) == []


def test_statefulset_max_unavailable_dropped():
    # dropStatefulSetDisabledFields: MaxUnavailableStatefulSet is alpha in v1.32
    o = defaulted({"kind": "StatefulSet", "metadata": {"name": "s"},
                   "spec": {"selector": {"matchLabels": {"a": "b"}},
                            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}},
                            "template": {"metadata": {"labels": {"a": "b"}},
                                         "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}, "StatefulSet")
    assert o["spec"]["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}


def test_apparmor_field_gets_its_annotation_and_back():
    # applyAppArmorVersionSkew (pkg/registry/core/pod/strategy.go, podStrategy.PrepareForCreate v1.32)
    p = defaulted(pod(securityContext={"appArmorProfile": {"type": "RuntimeDefault"}}))
    assert p["metadata"]["annotations"] == {"container.apparmor.security.beta.kubernetes.io/app": "runtime/default"}
    p = defaulted({**pod(), "metadata": {"name": "p", "namespace": "default", "annotations": {
        "container.apparmor.security.beta.kubernetes.io/app": "localhost/k8s-apparmor-example-deny-write"}}})
    assert p["spec"]["containers"][0]["securityContext"] == {
        "appArmorProfile": {"type": "Localhost", "localhostProfile": "k8s-apparmor-example-deny-write"}}
    assert validation.validate("Pod", p) == []


def test_match_label_keys_become_selector_requirements():
    # mutatePodAffinity (MatchLabelKeysInPodAffinity beta, on in v1.32)
    term = {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "zone",
            "matchLabelKeys": ["tier"], "mismatchLabelKeys": ["team"]}
    p = defaulted({**pod(affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}),
                   "metadata": {"name": "p", "namespace": "default", "labels": {"tier": "1", "team": "a"}}})
    sel = p["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]["labelSelector"]
    assert sel["matchExpressions"] == [{"key": "tier", "operator": "In", "values": ["1"]},
                                       {"key": "team", "operator": "NotIn", "values": ["a"]}]

"""Pod create rules added for issue 9, each checked against the v1.32 source it mirrors
(pkg/apis/core/validation/validation.go at v1.32, read from a vendored k8s.io/kubernetes v1.32.2)."""

from __future__ import annotations

import copy

from minikctl.api import defaults, validation


def make_pod(**spec) -> dict:
    body = {"containers": [{"name": "app", "image": "nginx:1.27"}]}
    body.update(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": body}


def ctr(name="app", **fields) -> dict:
    c = {"name": name, "image": "nginx:1.27"}
    c.update(fields)
    return c


def errors(obj: dict, kind: str = "Pod") -> list[str]:
    obj = copy.deepcopy(obj)
    defaults.default_object(kind, obj, suffix=lambda n: "abcde"[:n])
    return [str(e) for e in validation.validate(kind, obj)]


# ---- validateWindows / validateLinux / validateOS (ValidatePodSpec's `spec.OS != nil` switch) ----------

def test_windows_pod_forbids_host_namespaces_and_linux_security_settings():
    pod = make_pod(os={"name": "windows"}, hostPID=True, hostIPC=True, shareProcessNamespace=False,
                   securityContext={"runAsUser": 1000, "fsGroup": 2000, "sysctls": [{"name": "kernel.domainname",
                                                                                       "value": "x"}],
                                    "seccompProfile": {"type": "RuntimeDefault"}},
                   containers=[ctr(securityContext={"privileged": False, "capabilities": {"add": ["NET_ADMIN"]},
                                                    "readOnlyRootFilesystem": True})])
    assert errors(pod) == [
        "spec.hostPID: Forbidden: cannot be set for a windows pod",
        "spec.hostIPC: Forbidden: cannot be set for a windows pod",
        "spec.securityContext.seccompProfile: Forbidden: cannot be set for a windows pod",
        "spec.securityContext.fsGroup: Forbidden: cannot be set for a windows pod",
        "spec.securityContext.sysctls: Forbidden: cannot be set for a windows pod",
        "spec.shareProcessNamespace: Forbidden: cannot be set for a windows pod",
        "spec.securityContext.runAsUser: Forbidden: cannot be set for a windows pod",
        "spec.containers[0].securityContext.capabilities: Forbidden: cannot be set for a windows pod",
        "spec.containers[0].securityContext.readOnlyRootFilesystem: Forbidden: cannot be set for a windows pod",
        "spec.containers[0].securityContext.privileged: Forbidden: cannot be set for a windows pod",
    ]


def test_windows_pod_with_windows_options_is_fine():
    pod = make_pod(os={"name": "windows"}, securityContext={"windowsOptions": {"runAsUserName": "ContainerUser"}})
    assert errors(pod) == []


def test_linux_pod_forbids_windows_options_pod_and_container_level():
    # validateLinux visits init containers first (VisitContainersWithPath)
    pod = make_pod(os={"name": "linux"}, securityContext={"windowsOptions": {"runAsUserName": "u"}},
                   initContainers=[ctr("init", securityContext={"windowsOptions": {}})],
                   containers=[ctr(securityContext={"windowsOptions": {"gmsaCredentialSpecName": "gmsa"}})])
    assert errors(pod) == [
        "spec.securityContext.windowsOptions: Forbidden: windows options cannot be set for a linux pod",
        "spec.initContainers[0].securityContext.windowsOptions: Forbidden: windows options cannot be set for a "
        "linux pod",
        "spec.containers[0].securityContext.windowsOptions: Forbidden: windows options cannot be set for a linux pod",
    ]


def test_invalid_os_skips_the_os_specific_rules():
    pod = make_pod(os={"name": "plan9"}, hostPID=True)
    assert errors(pod) == ['spec.os: Unsupported value: "plan9": supported values: "linux", "windows"']


# ---- validateWindowsHostProcessPod ---------------------------------------------------------------

def test_host_process_needs_host_network():
    pod = make_pod(securityContext={"windowsOptions": {"hostProcess": True}})
    assert errors(pod) == [
        "spec.hostNetwork: Invalid value: false: hostNetwork must be true if pod contains any hostProcess containers"]
    pod["spec"]["hostNetwork"] = True
    assert errors(pod) == []


def test_host_process_mixed_containers_refused():
    pod = make_pod(hostNetwork=True, containers=[
        ctr("a", securityContext={"windowsOptions": {"hostProcess": True}}), ctr("b")])
    assert errors(pod) == ['spec: Invalid value: "": If pod contains any hostProcess containers then all containers '
                           "must be HostProcess containers"]


def test_host_process_pod_and_container_values_must_agree():
    pod = make_pod(hostNetwork=True, securityContext={"windowsOptions": {"hostProcess": True}},
                   containers=[ctr(securityContext={"windowsOptions": {"hostProcess": False}})])
    assert errors(pod) == [
        "spec.containers[0].securityContext.windowsOptions.hostProcess: Invalid value: false: pod hostProcess value "
        "must be identical if both are specified, was true",
    ]


# ---- validateWindowsSecurityContextOptions ---------------------------------------------------------

def test_windows_run_as_user_name_rules():
    def one(name):
        pod = make_pod(containers=[ctr(securityContext={"windowsOptions": {"runAsUserName": name}})])
        return errors(pod)

    p = "spec.containers[0].securityContext.windowsOptions.runAsUserName"
    assert one("NT AUTHORITY\\NETWORK SERVICE") == []
    assert one("") == [f'{p}: Invalid value: "": runAsUserName cannot be an empty string']
    assert one("a\\b\\c") == [f'{p}: Invalid value: "a\\\\b\\\\c": runAsUserName cannot contain more than one '
                              "backslash"]
    assert one("...") == [f'{p}: Invalid value: "...": runAsUserName\'s User cannot contain only periods or spaces']
    assert one("a@b") == [f'{p}: Invalid value: "a@b": runAsUserName\'s User cannot contain the following '
                          'characters: "/\\:;|=,+*?<>@[]']


# ---- ValidateHostSysctl (validateSysctls) -------------------------------------------------------------

def test_net_sysctl_with_host_network_refused():
    pod = make_pod(hostNetwork=True, securityContext={"sysctls": [{"name": "net.core.somaxconn", "value": "1024"},
                                                                  {"name": "kernel.shm_rmid_forced", "value": "1"}]})
    assert errors(pod) == ['spec.securityContext.sysctls[0].name: Invalid value: "net.core.somaxconn": may not be '
                           "specified when 'hostNetwork' is true"]
    pod["spec"]["hostNetwork"] = False
    assert errors(pod) == []


def test_ipc_sysctl_with_host_ipc_refused_slash_form_too():
    pod = make_pod(hostIPC=True, securityContext={"sysctls": [{"name": "fs/mqueue/msg_max", "value": "1"}]})
    assert errors(pod) == ['spec.securityContext.sysctls[0].name: Invalid value: "fs/mqueue/msg_max": may not be '
                           "specified when 'hostIPC' is true"]


def test_share_process_namespace_with_host_pid():
    # validatePodSpecSecurityContext reads ShareProcessNamespace/HostPID (spec level in v1)
    pod = make_pod(hostPID=True, shareProcessNamespace=True)
    assert errors(pod) == ["spec.securityContext.shareProcessNamespace: Invalid value: true: ShareProcessNamespace "
                           "and HostPID cannot both be enabled"]


# ---- validateHostUsers ----------------------------------------------------------------------------

def test_host_users_false_forbids_host_namespaces():
    spec = {"hostUsers": False, "hostNetwork": True, "hostPID": True, "hostIPC": True,
            "containers": [ctr(ports=[{"containerPort": 80, "hostPort": 80}])], "securityContext": {},
            "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30}
    for c in spec["containers"]:
        c.update(imagePullPolicy="IfNotPresent", terminationMessagePolicy="File")
        c["ports"][0]["protocol"] = "TCP"
    assert [str(e) for e in validation.validate_host_users(spec, "spec")] == [
        "spec.hostNetwork: Forbidden: when `pod.Spec.HostUsers` is false",
        "spec.HostPID: Forbidden: when `pod.Spec.HostUsers` is false",
        "spec.HostIPC: Forbidden: when `pod.Spec.HostUsers` is false",
    ]


# ---- validateInitContainers: checkHostPortConflicts([]core.Container{ctr}, fldPath) ---------------------

def test_duplicate_host_port_in_an_init_container_reports_index_zero():
    dup = [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 81, "hostPort": 8080}]
    pod = make_pod(initContainers=[ctr("i0"), ctr("i1", ports=dup)])
    assert errors(pod) == ['spec.initContainers[0].ports[1].hostPort: Duplicate value: "TCP//8080"']


# ---- ValidatePodCreate: validateSeccompAnnotationsAndFields, validateAppArmorAnnotationsAndFieldsMatchOnCreate --

def test_seccomp_annotation_and_field_must_match():
    pod = make_pod(securityContext={"seccompProfile": {"type": "RuntimeDefault"}})
    pod["metadata"]["annotations"] = {"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}
    assert errors(pod) == ["spec.securityContext.seccompProfile.type: Forbidden: seccomp type in annotation and "
                           "field must match"]
    pod["metadata"]["annotations"] = {"seccomp.security.alpha.kubernetes.io/pod": "docker/default"}
    assert errors(pod) == []


def test_apparmor_annotation_and_field_must_match():
    pod = make_pod(containers=[ctr(securityContext={"appArmorProfile": {"type": "Localhost",
                                                                        "localhostProfile": "a"}})])
    pod["metadata"]["annotations"] = {"container.apparmor.security.beta.kubernetes.io/app": "localhost/b"}
    assert errors(pod) == ["spec.containers[0].securityContext.appArmorProfile.localhostProfile: Forbidden: "
                           "apparmor profile in annotation and field must match"]


def test_statefulset_template_pod_specific_annotations():
    # pkg/apis/apps/validation ValidatePodTemplateSpecForStatefulSet -> ValidatePodSpecificAnnotations
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "s", "namespace": "default"},
           "spec": {"selector": {"matchLabels": {"a": "b"}},
                    "template": {"metadata": {"labels": {"a": "b"},
                                              "annotations": {"controller.kubernetes.io/pod-deletion-cost": "x"}},
                                 "spec": {"containers": [ctr()]}}}}
    assert errors(sts, "StatefulSet") == [
        'spec.template.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "x": must be a 32bit '
        "integer"]

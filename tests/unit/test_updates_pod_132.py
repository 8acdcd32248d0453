"""Pod update rules of ValidatePodUpdate / ValidatePodStatusUpdate (pkg/apis/core/validation/validation.go
v1.32) added for issue 9."""

from __future__ import annotations

import copy

from minikctl.api.updates import (
    SPEC_FORBIDDEN_DETAIL,
    prepare_pod_status_update,
    prepare_pod_update,
    validate_pod_status_update,
    validate_pod_update,
)


def _pod(**spec_extra):
    pod = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "a1", "namespace": "default", "uid": "u1", "resourceVersion": "7",
                     "creationTimestamp": "2024-05-01T10:00:00Z"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}], "restartPolicy": "Always",
                 "terminationGracePeriodSeconds": 30},
        "status": {"phase": "Pending", "qosClass": "BestEffort"},
    }
    pod["spec"].update(spec_extra)
    return pod


def _check(old, mutate):
    new = copy.deepcopy(old)
    mutate(new)
    return [str(e) for e in validate_pod_update(old, prepare_pod_update(old, new))]


def _status(old, mutate):
    new = copy.deepcopy(old)
    mutate(new)
    return [str(e) for e in validate_pod_status_update(old, prepare_pod_status_update(old, new))]


GATES = [{"name": "example.com/gate"}]

# ---- ValidatePodUpdate: `podIsGated := len(oldPod.Spec.SchedulingGates) > 0` ------------------------


def test_gated_pod_may_add_node_selector_keys():
    old = _pod(schedulingGates=GATES, nodeSelector={"disk": "ssd"})
    assert _check(old, lambda p: p["spec"]["nodeSelector"].update(zone="a")) == []


def test_gated_pod_may_not_change_or_remove_node_selector_keys():
    # validateNodeSelectorMutation
    old = _pod(schedulingGates=GATES, nodeSelector={"disk": "ssd"})
    assert _check(old, lambda p: p["spec"]["nodeSelector"].update(disk="hdd")) == [
        'spec.nodeSelector: Invalid value: map[string]string{"disk":"hdd"}: only additions to spec.nodeSelector '
        "are allowed (no mutations or deletions)"]
    assert _check(old, lambda p: p["spec"].pop("nodeSelector")) == [
        "spec.nodeSelector: Invalid value: map[string]string(nil): only additions to spec.nodeSelector are allowed "
        "(no mutations or deletions)"]


def test_ungated_pod_node_selector_is_frozen():
    old = _pod(nodeSelector={"disk": "ssd"})
    assert _check(old, lambda p: p["spec"]["nodeSelector"].update(zone="a")) == [
        "spec: Forbidden: " + SPEC_FORBIDDEN_DETAIL]


def _aff(*terms):
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}}


REQ = {"key": "zone", "operator": "In", "values": ["a"]}


def test_gated_pod_node_affinity_additions_only():
    # validateNodeAffinityMutation / validateNodeSelectorTermHasOnlyAdditions
    old = _pod(schedulingGates=GATES, affinity=_aff({"matchExpressions": [REQ]}))
    extra = {"key": "disk", "operator": "Exists"}
    assert _check(old, lambda p: p["spec"]["affinity"].update(_aff({"matchExpressions": [REQ, extra]}))) == []
    assert _check(old, lambda p: p["spec"]["affinity"].update(_aff({"matchExpressions": [extra]}))) == [
        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]: Invalid "
        'value: core.NodeSelectorTerm{MatchExpressions:[]core.NodeSelectorRequirement{core.NodeSelectorRequirement'
        '{Key:"disk", Operator:"Exists", Values:[]string(nil)}}, MatchFields:[]core.NodeSelectorRequirement(nil)}: '
        "only additions are allowed (no mutations or deletions)"]
    assert _check(old, lambda p: p["spec"]["affinity"].update(
        _aff({"matchExpressions": [REQ]}, {"matchExpressions": [extra]}))) == [
        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Invalid value: "
        '[]core.NodeSelectorTerm{core.NodeSelectorTerm{MatchExpressions:[]core.NodeSelectorRequirement{core.'
        'NodeSelectorRequirement{Key:"zone", Operator:"In", Values:[]string{"a"}}}, MatchFields:[]core.'
        'NodeSelectorRequirement(nil)}, core.NodeSelectorTerm{MatchExpressions:[]core.NodeSelectorRequirement{core.'
        'NodeSelectorRequirement{Key:"disk", Operator:"Exists", Values:[]string(nil)}}, MatchFields:[]core.'
        "NodeSelectorRequirement(nil)}}: no additions/deletions to non-empty NodeSelectorTerms list are allowed"]


def test_gated_pod_without_node_affinity_may_set_any():
    old = _pod(schedulingGates=GATES)
    assert _check(old, lambda p: p["spec"].update(affinity=_aff({"matchExpressions": [REQ]}))) == []


def test_gated_pod_pod_affinity_stays_frozen():
    old = _pod(schedulingGates=GATES)
    pa = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "zone"}]}}
    assert _check(old, lambda p: p["spec"].update(affinity=pa)) == ["spec: Forbidden: " + SPEC_FORBIDDEN_DETAIL]


# ---- ValidatePodSpecificAnnotationUpdates --------------------------------------------------------

def test_adding_apparmor_annotation_is_forbidden():
    old = _pod()
    key = "container.apparmor.security.beta.kubernetes.io/c"
    assert _check(old, lambda p: p["metadata"].setdefault("annotations", {}).update({key: "runtime/default"})) == [
        f"metadata.annotations[{key}]: Forbidden: may not add AppArmor annotations"]
    old["metadata"]["annotations"] = {key: "runtime/default"}
    assert _check(old, lambda p: p["metadata"]["annotations"].update({key: "unconfined"})) == [
        f"metadata.annotations[{key}]: Forbidden: may not remove or update AppArmor annotations"]
    assert _check(old, lambda p: p["metadata"]["annotations"].update(other="x")) == []


def test_mirror_annotation_still_guarded():
    old = _pod()
    assert _check(old, lambda p: p["metadata"].setdefault("annotations", {}).update(
        {"kubernetes.io/config.mirror": "x"})) == [
        "metadata.annotations[kubernetes.io/config.mirror]: Forbidden: may not add mirror pod annotation"]


# ---- ValidatePodStatusUpdate --------------------------------------------------------------------

def test_status_pod_ips_must_be_ips():
    # validatePodIPs: validation.IsValidIP(podIPsField.Index(i), ...) (the path has no ".ip")
    old = _pod()
    assert _status(old, lambda p: p["status"].update(podIP="10.0.0.1", podIPs=[{"ip": "10.0.0.1"}])) == []
    assert _status(old, lambda p: p["status"].update(podIPs=[{"ip": "not-an-ip"}])) == [
        'status.podIPs[0]: Invalid value: "not-an-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']
    assert _status(old, lambda p: p["status"].update(podIPs=[{"ip": "10.0.0.1"}, {"ip": "10.0.0.1"}])) == [
        'status.podIPs: Invalid value: []core.PodIP{core.PodIP{IP:"10.0.0.1"}, core.PodIP{IP:"10.0.0.1"}}: may '
        "specify no more than one IP for each IP family",
        'status.podIPs[1]: Duplicate value: core.PodIP{IP:"10.0.0.1"}']
    assert _status(old, lambda p: p["status"].update(podIPs=[{"ip": "10.0.0.1"}, {"ip": "fd00::1"}])) == []


def test_status_host_ips():
    # validateHostIPs
    old = _pod()
    assert _status(old, lambda p: p["status"].update(hostIP="10.0.0.2", hostIPs=[{"ip": "10.0.0.1"}])) == [
        'status.hostIPs[0].ip: Invalid value: "10.0.0.1": must be equal to `hostIP`']


def test_status_nominated_node_name_must_be_a_name():
    old = _pod()
    assert _status(old, lambda p: p["status"].update(nominatedNodeName="Node_1")) == [
        'status.nominatedNodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case '
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
        "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"
        "[a-z0-9])?)*')"]
    assert _status(old, lambda p: p["status"].update(nominatedNodeName="node1")) == []


def test_status_qos_class_is_immutable_and_backfilled():
    old = _pod()
    assert _status(old, lambda p: p["status"].update(qosClass="Guaranteed")) == [
        'status.qosClass: Invalid value: "Guaranteed": field is immutable']
    new = copy.deepcopy(old)
    new["status"].pop("qosClass")
    assert prepare_pod_status_update(old, new)["status"]["qosClass"] == "BestEffort"


def test_status_sidecar_init_container_may_restart():
    # ValidateInitContainerStateTransition skips restartable init containers
    old = _pod(restartPolicy="Never", initContainers=[{"name": "side", "image": "x", "restartPolicy": "Always"},
                                                      {"name": "init", "image": "x"}])
    term = {"state": {"terminated": {"exitCode": 0}}}
    old["status"]["initContainerStatuses"] = [{"name": "side", **term}, {"name": "init", **term}]
    run = {"state": {"running": {}}}
    assert _status(old, lambda p: p["status"].update(initContainerStatuses=[{"name": "side", **run},
                                                                            {"name": "init", **run}])) == [
        "status.initContainerStatuses[1].state: Forbidden: may not be transitioned to non-terminated state"]


def test_status_apparmor_annotation_add_forbidden_too():
    old = _pod()
    key = "container.apparmor.security.beta.kubernetes.io/c"
    assert _status(old, lambda p: p["metadata"].setdefault("annotations", {}).update({key: "unconfined"})) == [
        f"metadata.annotations[{key}]: Forbidden: may not add AppArmor annotations"]


def test_status_drops_disabled_fields():
    # dropDisabledPodStatusFields (v1.32 gates off: SupplementalGroupsPolicy, InPlacePodVerticalScaling, ...)
    old = _pod()
    new = copy.deepcopy(old)
    new["status"]["containerStatuses"] = [{"name": "c", "user": {"linux": {"uid": 0, "gid": 0}},
                                           "allocatedResources": {"cpu": "1"}}]
    assert prepare_pod_status_update(old, new)["status"]["containerStatuses"] == [{"name": "c"}]

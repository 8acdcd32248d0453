"""Tests for minikctl.api.updates: each restriction with an accepted and a rejected update."""

from __future__ import annotations

import copy

import pytest

from minikctl.kube.errors import Invalid
from minikctl.api.updates import (
    SPEC_FORBIDDEN_DETAIL,
    prepare_pod_status_update,
    prepare_pod_update,
    update_schema,
    validate_pod_status_update,
    validate_pod_update,
)

FORBIDDEN = "spec: Forbidden: " + SPEC_FORBIDDEN_DETAIL


def _pod(**spec_extra):
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "a1", "namespace": "default", "uid": "0c6a-11", "resourceVersion": "7",
            "creationTimestamp": "2024-05-01T10:00:00Z", "labels": {"app": "web"},
        },
        "spec": {
            "containers": [{"name": "c", "image": "nginx", "imagePullPolicy": "Always",
                            "env": [{"name": "A", "value": "1"}]}],
            "initContainers": [{"name": "init", "image": "busybox"}],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "tolerations": [{"key": "k1", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
        },
        "status": {"phase": "Running"},
    }
    pod["spec"].update(spec_extra)
    return pod


def _check(old, mutate):
    new = copy.deepcopy(old)
    mutate(new)
    return [str(e) for e in validate_pod_update(old, prepare_pod_update(old, new))]


def test_spec_forbidden_exact_text():
    assert FORBIDDEN == (
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
        "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
        "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
        "previously negative)"
    )


def test_invalid_rendering_matches_kubectl():
    old = _pod()
    new = copy.deepcopy(old)
    new["spec"]["restartPolicy"] = "Never"
    err = Invalid("Pod", "a1", validate_pod_update(old, new))
    assert err.render() == 'The Pod "a1" is invalid: ' + FORBIDDEN


def test_unchanged_update_is_accepted():
    assert _check(_pod(), lambda p: None) == []


# --- images ---------------------------------------------------------------------------------------

def test_container_and_init_container_image_may_change():
    def m(p):
        p["spec"]["containers"][0]["image"] = "nginx:1.27"
        p["spec"]["initContainers"][0]["image"] = "busybox:1.36"
    assert _check(_pod(), m) == []


def test_image_may_not_be_emptied():
    def m(p):
        p["spec"]["containers"][0]["image"] = ""
    assert _check(_pod(), m) == ["spec.containers[0].image: Required value"]


def test_image_may_not_be_removed():
    def m(p):
        del p["spec"]["initContainers"][0]["image"]
    assert _check(_pod(), m) == ["spec.initContainers[0].image: Required value"]


def test_image_whitespace():
    def m(p):
        p["spec"]["containers"][0]["image"] = " nginx"
    assert _check(_pod(), m) == [
        'spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace'
    ]


def test_other_container_field_is_forbidden():
    def m(p):
        p["spec"]["containers"][0]["env"][0]["value"] = "2"
    assert _check(_pod(), m) == [FORBIDDEN]


def test_adding_a_container_is_forbidden_and_stops():
    def m(p):
        p["spec"]["containers"].append({"name": "d", "image": "x"})
        p["spec"]["restartPolicy"] = "Never"
    assert _check(_pod(), m) == ["spec.containers: Forbidden: pod updates may not add or remove containers"]


def test_removing_an_init_container_is_forbidden():
    def m(p):
        p["spec"]["initContainers"] = []
    assert _check(_pod(), m) == ["spec.initContainers: Forbidden: pod updates may not add or remove containers"]


# --- activeDeadlineSeconds ------------------------------------------------------------------------

def test_active_deadline_may_be_set_when_unset():
    assert _check(_pod(), lambda p: p["spec"].__setitem__("activeDeadlineSeconds", 60)) == []


def test_active_deadline_may_be_lowered_not_raised():
    old = _pod(activeDeadlineSeconds=60)
    assert _check(old, lambda p: p["spec"].__setitem__("activeDeadlineSeconds", 30)) == []
    assert _check(old, lambda p: p["spec"].__setitem__("activeDeadlineSeconds", 90)) == [
        "spec.activeDeadlineSeconds: Invalid value: 90: must be less than or equal to previous value"
    ]


def test_active_deadline_may_not_be_removed():
    old = _pod(activeDeadlineSeconds=60)
    assert _check(old, lambda p: p["spec"].pop("activeDeadlineSeconds")) == [
        'spec.activeDeadlineSeconds: Invalid value: "null": must not update from a positive integer to nil value'
    ]


def test_active_deadline_range_returns_early():
    def m(p):
        p["spec"]["activeDeadlineSeconds"] = -5
        p["spec"]["restartPolicy"] = "Never"
    assert _check(_pod(), m) == [
        "spec.activeDeadlineSeconds: Invalid value: -5: must be between 0 and 2147483647, inclusive"
    ]


# --- tolerations ----------------------------------------------------------------------------------

def test_tolerations_may_be_added_and_seconds_changed():
    def m(p):
        p["spec"]["tolerations"][0]["tolerationSeconds"] = 10
        p["spec"]["tolerations"].append({"key": "k2", "operator": "Exists"})
    assert _check(_pod(), m) == []


def test_existing_toleration_may_not_be_modified_or_removed():
    assert _check(_pod(), lambda p: p["spec"]["tolerations"][0].__setitem__("effect", "NoSchedule")) == [
        "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"
    ]
    assert _check(_pod(), lambda p: p["spec"].pop("tolerations")) == [
        "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"
    ]


# --- terminationGracePeriodSeconds ---------------------------------------------------------------

def test_grace_period_negative_to_one_only():
    old = _pod(terminationGracePeriodSeconds=-1)
    assert _check(old, lambda p: p["spec"].__setitem__("terminationGracePeriodSeconds", 1)) == []
    assert _check(old, lambda p: p["spec"].__setitem__("terminationGracePeriodSeconds", 2)) == [FORBIDDEN]
    assert _check(_pod(), lambda p: p["spec"].__setitem__("terminationGracePeriodSeconds", 1)) == [FORBIDDEN]


# --- scheduling gates -----------------------------------------------------------------------------

def test_scheduling_gates_only_deletions():
    old = _pod(schedulingGates=[{"name": "g1"}, {"name": "g2"}])
    assert _check(old, lambda p: p["spec"].__setitem__("schedulingGates", [{"name": "g2"}])) == []
    assert _check(old, lambda p: p["spec"]["schedulingGates"].append({"name": "g3"})) == [
        "spec.schedulingGates[2].name: Forbidden: only deletion is allowed, but found new scheduling gate 'g3'"
    ]


# --- other spec fields ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: p["spec"].__setitem__("restartPolicy", "Never"),
        lambda p: p["spec"].__setitem__("nodeName", "node-2"),
        lambda p: p["spec"].pop("restartPolicy"),
        lambda p: p["spec"]["containers"][0].__setitem__("command", ["sh"]),
        lambda p: p["spec"].__setitem__("volumes", [{"name": "v", "emptyDir": {}}]),
    ],
)
def test_other_spec_changes_are_forbidden(mutate):
    assert _check(_pod(), mutate) == [FORBIDDEN]


def test_empty_list_equals_absent():
    assert _check(_pod(), lambda p: p["spec"]["containers"][0].__setitem__("ports", [])) == []


def test_labels_and_annotations_may_change():
    def m(p):
        p["metadata"]["labels"] = {"app": "web", "x": "y"}
        p["metadata"]["annotations"] = {"note": "hi"}
    assert _check(_pod(), m) == []


# --- metadata -------------------------------------------------------------------------------------

def test_name_and_namespace_immutable():
    assert _check(_pod(), lambda p: p["metadata"].__setitem__("name", "x")) == [
        'metadata.name: Invalid value: "x": field is immutable'
    ]
    assert _check(_pod(), lambda p: p["metadata"].__setitem__("namespace", "dev")) == [
        'metadata.namespace: Invalid value: "dev": field is immutable'
    ]


def test_uid_immutable_but_empty_uid_is_filled():
    assert _check(_pod(), lambda p: p["metadata"].pop("uid")) == []
    assert _check(_pod(), lambda p: p["metadata"].__setitem__("uid", "other")) == [
        'metadata.uid: Invalid value: "other": field is immutable'
    ]


def test_creation_timestamp_is_carried_and_checked():
    old = _pod()
    new = copy.deepcopy(old)
    new["metadata"]["creationTimestamp"] = "2020-01-01T00:00:00Z"
    assert prepare_pod_update(old, new)["metadata"]["creationTimestamp"] == "2024-05-01T10:00:00Z"
    assert [str(e) for e in validate_pod_update(old, new)] == [
        "metadata.creationTimestamp: Invalid value: 2020-01-01 00:00:00 +0000 UTC: field is immutable"
    ]


def test_generation_may_not_decrease():
    old = _pod()
    old["metadata"]["generation"] = 3
    new = copy.deepcopy(old)
    new["metadata"]["generation"] = 4
    assert validate_pod_update(old, new) == []
    new["metadata"]["generation"] = 2
    assert [str(e) for e in validate_pod_update(old, new)] == [
        "metadata.generation: Invalid value: 2: must not be decremented"
    ]


def test_deletion_fields_immutable_once_set():
    old = _pod()
    old["metadata"]["deletionTimestamp"] = "2024-05-01T11:00:00Z"
    old["metadata"]["deletionGracePeriodSeconds"] = 30
    new = copy.deepcopy(old)
    assert validate_pod_update(old, new) == []
    new["metadata"]["deletionGracePeriodSeconds"] = 10
    new["metadata"]["deletionTimestamp"] = "2024-05-01T12:00:00Z"
    assert [str(e) for e in validate_pod_update(old, new)] == [
        "metadata.deletionTimestamp: Invalid value: 2024-05-01 12:00:00 +0000 UTC: field is immutable",
        "metadata.deletionGracePeriodSeconds: Invalid value: 10: field is immutable",
    ]


def test_no_new_finalizers_while_deleting():
    old = _pod()
    old["metadata"]["finalizers"] = ["keep"]
    old["metadata"]["deletionTimestamp"] = "2024-05-01T11:00:00Z"
    assert _check(old, lambda p: p["metadata"].__setitem__("finalizers", [])) == []
    assert _check(old, lambda p: p["metadata"]["finalizers"].extend(["x", "a"])) == [
        'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, '
        'found new finalizers []string{"a", "x"}'
    ]
    # not being deleted: any finalizer may be added
    assert _check(_pod(), lambda p: p["metadata"].__setitem__("finalizers", ["x"])) == []


def test_owner_references_rules():
    good = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "u1", "controller": True}
    assert _check(_pod(), lambda p: p["metadata"].__setitem__("ownerReferences", [good])) == []
    bad = {"apiVersion": "apps/", "kind": "", "name": "rs", "uid": ""}
    assert _check(_pod(), lambda p: p["metadata"].__setitem__("ownerReferences", [bad])) == [
        'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ]
    two = [good, dict(good, name="rs2", uid="u2")]
    errs = _check(_pod(), lambda p: p["metadata"].__setitem__("ownerReferences", two))
    assert len(errs) == 1
    assert errs[0].startswith("metadata.ownerReferences: Invalid value: []v1.OwnerReference{")
    assert errs[0].endswith(
        'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/rs and ReplicaSet/rs2'
    )


def test_mirror_pod_annotation():
    assert _check(_pod(), lambda p: p["metadata"].__setitem__("annotations", {"kubernetes.io/config.mirror": "x"})) == [
        "metadata.annotations[kubernetes.io/config.mirror]: Forbidden: may not add mirror pod annotation"
    ]
    old = _pod()
    old["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "x"}
    assert _check(old, lambda p: p["metadata"]["annotations"].__setitem__("other", "1")) == []
    assert _check(old, lambda p: p["metadata"].pop("annotations")) == [
        "metadata.annotations[kubernetes.io/config.mirror]: Forbidden: may not remove or update mirror pod annotation"
    ]


def test_prepare_keeps_old_status():
    old = _pod()
    new = copy.deepcopy(old)
    new["status"] = {"phase": "Failed"}
    assert prepare_pod_update(old, new)["status"] == {"phase": "Running"}


def test_schema_is_plain_json_schema():
    import jsonschema

    schema = update_schema(_pod())
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    ok = _pod()
    ok["spec"]["containers"][0]["image"] = "nginx:2"
    assert v.is_valid(ok)
    bad = _pod()
    bad["spec"]["hostname"] = "h"
    assert not v.is_valid(bad)


# --- status updates -------------------------------------------------------------------------------

def _status_check(old, mutate):
    new = copy.deepcopy(old)
    mutate(new)
    return [str(e) for e in validate_pod_status_update(old, prepare_pod_status_update(old, new))]


def test_status_update_ignores_spec_and_allows_phase_and_conditions():
    def m(p):
        p["spec"]["restartPolicy"] = "Never"
        p["status"] = {"phase": "Failed", "conditions": [{"type": "Ready", "status": "False"},
                                                         {"type": "example.com/Custom", "status": "True"}]}
    old = _pod()
    new = copy.deepcopy(old)
    m(new)
    prepared = prepare_pod_status_update(old, new)
    assert prepared["spec"] == old["spec"]
    assert prepared["status"]["phase"] == "Failed"
    assert validate_pod_status_update(old, prepared) == []


def test_status_condition_type_must_be_qualified_name():
    errs = _status_check(_pod(), lambda p: p["status"].__setitem__("conditions", [{"type": "bad type!", "status": "True"}]))
    assert errs == [
        'metadata.conditions[0].Type: Invalid value: "bad type!": name part must consist of alphanumeric characters, '
        "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  "
        "or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    ]


def test_status_node_name_may_not_change():
    old = _pod()
    new = copy.deepcopy(old)
    new["spec"]["nodeName"] = "n1"
    assert [str(e) for e in validate_pod_status_update(old, new)] == [
        "status.nodeName: Forbidden: may not be changed directly"
    ]


def test_status_terminated_container_may_not_restart_under_never():
    old = _pod(restartPolicy="Never")
    old["status"]["containerStatuses"] = [{"name": "c", "state": {"terminated": {"exitCode": 0}}}]
    running = {"name": "c", "state": {"running": {"startedAt": "2024-05-01T10:00:00Z"}}}
    assert _status_check(old, lambda p: p["status"].__setitem__("containerStatuses", [running])) == [
        "status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state"
    ]
    # with restartPolicy Always it may
    old2 = copy.deepcopy(old)
    old2["spec"]["restartPolicy"] = "Always"
    assert _status_check(old2, lambda p: p["status"].__setitem__("containerStatuses", [running])) == []


def test_status_update_metadata_rules_apply():
    old = _pod()
    new = copy.deepcopy(old)
    new["metadata"]["name"] = "zzz"
    assert [str(e) for e in validate_pod_status_update(old, new)] == [
        'metadata.name: Invalid value: "zzz": field is immutable'
    ]


# --- quantities and other kinds -------------------------------------------------------------------

def test_quantities_compare_by_value():
    old = _pod()
    old["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "1", "memory": "1Gi"}}
    same = lambda p: p["spec"]["containers"][0].__setitem__("resources", {"limits": {"cpu": "1000m", "memory": "1024Mi"}})
    assert _check(old, same) == []
    more = lambda p: p["spec"]["containers"][0].__setitem__("resources", {"limits": {"cpu": "2", "memory": "1Gi"}})
    assert _check(old, more) == [FORBIDDEN]


def test_metadata_update_for_other_kinds():
    from minikctl.api.updates import validate_metadata_update

    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev", "uid": "1"}, "spec": {"finalizers": ["kubernetes"]}}
    changed = copy.deepcopy(ns)
    changed["metadata"]["labels"] = {"team": "a"}
    changed["spec"] = {}
    assert validate_metadata_update(ns, changed) == []
    changed["metadata"]["name"] = "prod"
    assert [str(e) for e in validate_metadata_update(ns, changed)] == [
        'metadata.name: Invalid value: "prod": field is immutable'
    ]

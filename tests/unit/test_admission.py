"""Admission plugins as functions: plugin/pkg/admission/priority/admission.go (v1.32) admitPod."""

from __future__ import annotations

from minikctl.api.admission import admit_priority
from minikctl.kube.errors import Forbidden


def pod(name="x", **spec) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec}}


def test_no_class_gives_zero_and_preempt_lower_priority():
    p = pod()
    assert admit_priority(p) is None
    assert (p["spec"]["priority"], p["spec"]["preemptionPolicy"]) == (0, "PreemptLowerPriority")


def test_priority_without_matching_class_is_forbidden():
    p = pod(priority=1000)
    err = admit_priority(p)
    assert isinstance(err, Forbidden)
    assert err.render() == ('Error from server (Forbidden): pods "x" is forbidden: the integer value of priority '
                            "(1000) must not be provided in pod spec; priority admission controller computed 0 "
                            "from the given PriorityClass name")
    assert "priority" in p["spec"] and p["spec"]["priority"] == 1000  # nothing mutated on refusal


def test_system_classes():
    p = pod(priorityClassName="system-cluster-critical")
    assert admit_priority(p) is None
    assert (p["spec"]["priority"], p["spec"]["preemptionPolicy"]) == (2000000000, "PreemptLowerPriority")
    p = pod(priorityClassName="system-node-critical", priority=2000001000)
    assert admit_priority(p) is None and p["spec"]["priority"] == 2000001000
    p = pod(priorityClassName="system-node-critical", priority=5)
    assert admit_priority(p).message == (
        'pods "x" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority '
        "admission controller computed 2000001000 from the given PriorityClass name")


def test_unknown_class_is_forbidden():
    assert admit_priority(pod(priorityClassName="high")).message == (
        'pods "x" is forbidden: no PriorityClass with name high was found')
    assert admit_priority(pod(priorityClassName="high"), classes={"high": (1000, None)}) is None


def test_preemption_policy_must_match_computed():
    assert admit_priority(pod(preemptionPolicy="Never")).message == (
        'pods "x" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; '
        "priority admission controller computed PreemptLowerPriority from the given PriorityClass name")


def test_generate_name_has_no_name_yet():
    # admission.NewForbidden -> apierrors.NewForbidden(resource, "", err) when the name is not generated yet
    p = pod(name="", priority=3)
    assert admit_priority(p).message.startswith("pods is forbidden: the integer value of priority (3)")


def test_update_carries_priority_over():
    old = pod()
    admit_priority(old)
    new = pod(priority=None)
    new["spec"].pop("priority")
    assert admit_priority(new, old=old) is None
    assert new["spec"]["priority"] == 0 and new["spec"]["preemptionPolicy"] == "PreemptLowerPriority"

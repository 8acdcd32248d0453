"""Admission plugins of a v1.32 API server, as pure functions over the (defaulted) object.

Each one mutates the object as the plugin does and returns the error the request fails with
(``None`` when admitted). The server calls them after defaulting and before validation, in the
order of the default mutating chain (… ServiceAccount, Priority, DefaultTolerationSeconds …).
"""

from __future__ import annotations

from typing import Any

from minikctl.kube import errors as E

__all__ = ["SYSTEM_PRIORITY_CLASSES", "admit_priority"]

# pkg/apis/scheduling: SystemPriorityClasses(), created by every API server at start-up. Their
# PreemptionPolicy is defaulted (SetDefaults_PriorityClass) to PreemptLowerPriority.
SYSTEM_PRIORITY_CLASSES = {
    "system-node-critical": (2000001000, "PreemptLowerPriority"),
    "system-cluster-critical": (2000000000, "PreemptLowerPriority"),
}


def _forbidden(pod: dict, message: str) -> E.Forbidden:
    """admission.NewForbidden: ``pods "<name>" is forbidden: <err>`` (``pods is forbidden`` without a name)."""
    name = ((pod.get("metadata") or {}).get("name") or "")
    head = f"pods {E.go_quote(name)} is forbidden" if name else "pods is forbidden"
    return E.Forbidden(f"{head}: {message}")


def admit_priority(pod: dict, old: dict | None = None,
                   classes: dict[str, tuple[int, Any]] | None = None) -> E.Forbidden | None:
    """plugin/pkg/admission/priority/admission.go (v1.32) ``admitPod``.

    Create (``old`` is None): resolve ``spec.priorityClassName`` (the system classes, plus ``classes``:
    name -> (value, preemptionPolicy or None)); without a name there is no global default class here, so
    ``getDefaultPriority`` gives 0 and ``PreemptLowerPriority``. A client-set ``priority`` or
    ``preemptionPolicy`` that differs from the computed one is Forbidden; otherwise both are set.
    Update: an unset priority/preemptionPolicy is carried over from ``old``, nothing is refused.
    """
    spec = pod.setdefault("spec", {})
    if old is not None:
        old_spec = old.get("spec") or {}
        if spec.get("priority") is None and old_spec.get("priority") is not None:
            spec["priority"] = old_spec["priority"]
        if spec.get("preemptionPolicy") is None and old_spec.get("preemptionPolicy") is not None:
            spec["preemptionPolicy"] = old_spec["preemptionPolicy"]
        return None
    known = dict(SYSTEM_PRIORITY_CLASSES)
    known.update(classes or {})
    name = spec.get("priorityClassName") or ""
    if not name:
        # getDefaultPriority: no PriorityClass has globalDefault, so 0 and PreemptLowerPriority
        priority, policy = 0, "PreemptLowerPriority"
    elif name in known:
        priority, policy = known[name]
    else:
        return _forbidden(pod, f"no PriorityClass with name {name} was found")
    given = spec.get("priority")
    if given is not None and given != priority:
        return _forbidden(pod, f"the integer value of priority ({given}) must not be provided in pod spec; "
                               f"priority admission controller computed {priority} from the given PriorityClass name")
    spec["priority"] = priority
    if policy is not None:
        given_policy = spec.get("preemptionPolicy")
        if given_policy is not None and given_policy != policy:
            return _forbidden(pod, f"the string value of PreemptionPolicy ({given_policy}) must not be provided in "
                                   f"pod spec; priority admission controller computed {policy} from the given "
                                   "PriorityClass name")
        spec["preemptionPolicy"] = policy
    return None

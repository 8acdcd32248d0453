"""The diff the API server appends to `spec: Forbidden: pod updates may not change fields other than ...`.

The server prints `cmp.Diff(oldPod.Spec, mungedPodSpec)` of its internal Go types, where the munged spec already
carries the updates that are allowed (images, activeDeadlineSeconds, added tolerations, ...), so only the forbidden
changes show. go-cmp deliberately varies its spacing from run to run, so no client can match it byte for byte; this
renders the same shape (Go field names in struct order, `-`/`+` lines, identical fields elided) from the JSON objects.
"""

from __future__ import annotations

import json
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Any

# core.PodSpec field order (pkg/apis/core/types.go); host namespaces live in PodSecurityContext there
POD_SPEC_FIELDS = (
    ("volumes", "Volumes"), ("initContainers", "InitContainers"), ("containers", "Containers"),
    ("ephemeralContainers", "EphemeralContainers"), ("restartPolicy", "RestartPolicy"),
    ("terminationGracePeriodSeconds", "TerminationGracePeriodSeconds"),
    ("activeDeadlineSeconds", "ActiveDeadlineSeconds"), ("dnsPolicy", "DNSPolicy"), ("nodeSelector", "NodeSelector"),
    ("serviceAccountName", "ServiceAccountName"), ("automountServiceAccountToken", "AutomountServiceAccountToken"),
    ("nodeName", "NodeName"), ("securityContext", "SecurityContext"), ("imagePullSecrets", "ImagePullSecrets"),
    ("hostname", "Hostname"), ("subdomain", "Subdomain"), ("setHostnameAsFQDN", "SetHostnameAsFQDN"),
    ("affinity", "Affinity"), ("schedulerName", "SchedulerName"), ("tolerations", "Tolerations"),
    ("hostAliases", "HostAliases"), ("priorityClassName", "PriorityClassName"), ("priority", "Priority"),
    ("preemptionPolicy", "PreemptionPolicy"), ("dnsConfig", "DNSConfig"), ("readinessGates", "ReadinessGates"),
    ("runtimeClassName", "RuntimeClassName"), ("overhead", "Overhead"), ("enableServiceLinks", "EnableServiceLinks"),
    ("topologySpreadConstraints", "TopologySpreadConstraints"), ("os", "OS"), ("schedulingGates", "SchedulingGates"),
    ("resourceClaims", "ResourceClaims"), ("resources", "Resources"),
)
_HOST_FIELDS = ("hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "hostUsers")


def _internal(spec: dict) -> dict:
    """The v1 spec in the internal type's shape: host namespace flags folded into securityContext."""
    out = {k: v for k, v in spec.items() if k not in _HOST_FIELDS and k != "serviceAccount"}
    host = {k: spec[k] for k in _HOST_FIELDS if k in spec}
    if host:
        out["securityContext"] = {**(spec.get("securityContext") or {}), **host}
    return out


def munged(old: dict, new: dict) -> dict:
    """The new spec with the changes a pod update may make put back to the old values."""
    spec = dict(new)
    for key in ("containers", "initContainers"):
        old_list, new_list = old.get(key) or [], new.get(key) or []
        if key in new and len(old_list) == len(new_list):
            spec[key] = [{**n, "image": o.get("image")} if isinstance(n, dict) and isinstance(o, dict) else n
                         for o, n in zip(old_list, new_list)]
    for key in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"):
        if key in old:
            spec[key] = old[key]
        else:
            spec.pop(key, None)
    return spec


def _value(v: Any) -> str:
    if v is None:
        return "nil"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return f"&{v}" if not isinstance(v, bool) else str(v)
    return json.dumps(v, separators=(", ", ": "), sort_keys=True, ensure_ascii=False)


def spec_diff(old_spec: dict, new_spec: dict) -> str:
    """`cmp.Diff(old, munged(new))`-shaped text; empty when they are equal."""
    old, new = _internal(old_spec), _internal(munged(old_spec, new_spec))
    width = max(len(go) for _, go in POD_SPEC_FIELDS) + 1
    lines = ["  core.PodSpec{"]
    same = 0

    def flush() -> None:
        nonlocal same
        if same:
            lines.append(f"  \t... // {same} identical field{'s' if same > 1 else ''}")
            same = 0

    changed = False
    for key, go in POD_SPEC_FIELDS:
        a, b = old.get(key), new.get(key)
        if a == b:
            same += 1
            continue
        changed = True
        flush()
        label = f"{go}:".ljust(width)
        if key in old:
            lines.append(f"- \t{label} {_value(a)},")
        if key in new:
            lines.append(f"+ \t{label} {_value(b)},")
    flush()
    lines.append("  }")
    return "\n".join(lines) + "\n" if changed else ""

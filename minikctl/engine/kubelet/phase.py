"""Pure status rules of a v1.32 kubelet: ``getPhase`` and the pod conditions.

Everything here works on API-shaped dicts (the pod spec and its container statuses), so the
rules can be unit-tested against the cases of ``kubelet_pods_test.go`` without any store.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Iterable


def _is_sidecar(init: dict) -> bool:
    return init.get("restartPolicy") == "Always"


def _last_terminated_exit(st: dict) -> int | None:
    term = (st.get("lastState") or {}).get("terminated")
    return None if term is None else int(term.get("exitCode", 0))


def get_phase(spec: dict, init_statuses: list[dict], statuses: list[dict], pod_is_terminal: bool,
              pod_has_initialized: bool) -> str:
    """The pod phase from the spec and the API container statuses (kubelet ``getPhase``)."""
    by_init = {s.get("name"): s for s in init_statuses or []}
    by_name = {s.get("name"): s for s in statuses or []}
    restart_policy = spec.get("restartPolicy", "Always")

    pending_restartable_init = False
    pending_regular_init = False
    failed_init = False
    unknown = running = waiting = stopped = succeeded = 0

    for c in spec.get("initContainers") or []:
        st = by_init.get(c["name"])
        state = (st or {}).get("state") or {}
        if _is_sidecar(c):
            if st is None:
                pending_restartable_init = True
                unknown += 1
                continue
            if "running" in state:
                if not st.get("started"):
                    pending_restartable_init = True
                running += 1
            elif "terminated" in state:
                pass  # ignored for the phase
            elif "waiting" in state:
                if _last_terminated_exit(st) is None:
                    pending_restartable_init = True
                    waiting += 1
            else:
                pending_restartable_init = True
                unknown += 1
            continue
        if st is None or "running" in state:
            pending_regular_init = True
            continue
        if "terminated" in state:
            if int(state["terminated"].get("exitCode", 0)) != 0:
                failed_init = True
            continue
        if "waiting" in state:
            last = _last_terminated_exit(st)
            if last is None:
                pending_regular_init = True
            elif last != 0:
                failed_init = True
            continue
        pending_regular_init = True

    for c in spec.get("containers") or []:
        st = by_name.get(c["name"])
        if st is None:
            unknown += 1
            continue
        state = st.get("state") or {}
        if "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            if int(state["terminated"].get("exitCode", 0)) == 0:
                succeeded += 1
        elif "waiting" in state:
            if _last_terminated_exit(st) is not None:
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1

    if failed_init and restart_policy == "Never":
        return "Failed"
    if pending_regular_init or (pending_restartable_init and not pod_has_initialized) or waiting > 0:
        return "Pending"
    if running > 0 and unknown == 0:
        return "Running"
    if running == 0 and stopped > 0 and unknown == 0:
        if pod_is_terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if restart_policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if restart_policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


def has_any_regular_started(statuses: Iterable[dict]) -> bool:
    for st in statuses:
        state = st.get("state") or {}
        if "running" in state or "terminated" in state:
            return True
        if (st.get("lastState") or {}).get("terminated") is not None:
            return True
    return False


def _cond(type_: str, status: bool, since: str | None, reason: str = "", message: str = "") -> dict:
    c: dict = {"lastProbeTime": None, "lastTransitionTime": since}
    if message:
        c["message"] = message
    if reason:
        c["reason"] = reason
    c["status"] = "True" if status else "False"
    c["type"] = type_
    return c


def kubelet_conditions(spec: dict, phase: str, init_statuses: list[dict], statuses: list[dict],
                       sandbox_ready: bool, regular_started: bool) -> list[tuple[str, bool, str, str]]:
    """(type, status, reason, message) for PodReadyToStartContainers, Initialized, ContainersReady
    (``pkg/kubelet/status/generate.go``: ``GeneratePodInitializedCondition``, ``GenerateContainersReadyCondition``).

    ``Ready`` is derived from ContainersReady and the readiness gates by :func:`ready_condition`.
    A pod that Succeeded has ``PodCompleted`` on Initialized (True) and ContainersReady (False), with or without
    init containers, once every container it looks at has a status; a pod that Failed has ``PodFailed`` on
    ContainersReady.
    """
    out: list[tuple[str, bool, str, str]] = [("PodReadyToStartContainers", sandbox_ready, "", "")]
    inits = spec.get("initContainers") or []
    by_init = {s.get("name"): s for s in init_statuses}
    no_statuses = not statuses and not init_statuses  # the kubelet's containerStatuses == nil
    # Initialized
    if no_statuses and inits:
        out.append(("Initialized", False, "UnknownContainerStatuses", ""))
    else:
        unknown: list[str] = []
        incomplete: list[str] = []
        for c in inits:
            st = by_init.get(c["name"])
            if st is None:
                unknown.append(c["name"])
                continue
            # isInitContainerInitialized: a sidecar once started, a regular init container once ready (exit 0)
            if _is_sidecar(c):
                if not st.get("started"):
                    incomplete.append(c["name"])
            elif not st.get("ready"):
                incomplete.append(c["name"])
        if phase == "Succeeded" and not unknown:
            out.append(("Initialized", True, "PodCompleted", ""))
        elif regular_started:
            out.append(("Initialized", True, "", ""))
        elif unknown or incomplete:
            parts = []
            if unknown:
                parts.append("containers with unknown status: [" + " ".join(unknown) + "]")
            if incomplete:
                parts.append("containers with incomplete status: [" + " ".join(incomplete) + "]")
            out.append(("Initialized", False, "ContainersNotInitialized", ", ".join(parts)))
        else:
            out.append(("Initialized", True, "", ""))
    # ContainersReady
    if no_statuses:
        out.append(("ContainersReady", False, "UnknownContainerStatuses", ""))
        return out
    by_name = {s.get("name"): s for s in statuses}
    unknown, unready = [], []
    for c in [i for i in inits if _is_sidecar(i)]:
        st = by_init.get(c["name"])
        if st is None:
            unknown.append(c["name"])
        elif not st.get("ready"):
            unready.append(c["name"])
    for c in spec.get("containers") or []:
        st = by_name.get(c["name"])
        if st is None:
            unknown.append(c["name"])
        elif not st.get("ready"):
            unready.append(c["name"])
    if phase == "Succeeded" and not unknown:
        out.append(("ContainersReady", False, "PodCompleted", ""))
    elif phase == "Failed":
        out.append(("ContainersReady", False, "PodFailed", ""))
    elif unknown or unready:
        parts = []
        if unknown:
            parts.append("containers with unknown status: [" + " ".join(unknown) + "]")
        if unready:
            parts.append("containers with unready status: [" + " ".join(unready) + "]")
        out.append(("ContainersReady", False, "ContainersNotReady", ", ".join(parts)))
    else:
        out.append(("ContainersReady", True, "", ""))
    return out


def ready_condition(spec: dict, containers_ready: tuple[str, bool, str, str],
                    conditions: list[dict]) -> tuple[str, bool, str, str]:
    """The pod ``Ready`` condition: ContainersReady plus every readiness gate."""
    _, ok, reason, message = containers_ready
    if not ok:
        return ("Ready", False, reason, message)
    by_type = {c.get("type"): c for c in conditions}
    msgs = []
    for gate in spec.get("readinessGates") or []:
        t = gate.get("conditionType", "")
        c = by_type.get(t)
        if c is None:
            msgs.append(f'corresponding condition of pod readiness gate "{t}" does not exist.')
        elif c.get("status") != "True":
            msgs.append(f'the status of pod readiness gate "{t}" is not "True", but {c.get("status")}')
    if msgs:
        return ("Ready", False, "ReadinessGatesNotReady", ", ".join(msgs))
    return ("Ready", True, "", "")


KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")


def merge_conditions(old: list[dict], computed: list[tuple[str, bool, str, str]], now: str) -> list[dict]:
    """Kubelet order: foreign conditions first (kept as they are), then the kubelet's own.

    ``lastTransitionTime`` moves only when the status flips.
    """
    by_type = {c.get("type"): c for c in old or []}
    out = [c for c in old or [] if c.get("type") not in KUBELET_CONDITIONS]
    for type_, ok, reason, message in computed:
        prev = by_type.get(type_)
        status = "True" if ok else "False"
        since = prev.get("lastTransitionTime") if prev is not None and prev.get("status") == status else now
        out.append(_cond(type_, ok, since, reason, message))
    return out

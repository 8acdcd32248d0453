"""The pod a TYPE/NAME stands for, as kubectl's ``pkg/polymorphichelpers`` finds it (``logs``, ``exec``).

``SelectorsForObject``: a Deployment, ReplicaSet, StatefulSet, DaemonSet or Job stands for the pods its
``spec.selector`` matches (in its namespace), a Service for the pods of its ``spec.selector`` map; any other kind has no selector ("selector for *v1.X not
implemented"). ``GetPodList`` lists them and, when there is none yet, watches until one appears or the
``--pod-running-timeout`` (20s) runs out -- here virtual time runs until a matching pod exists. The pods are
sorted the way each verb wants its pod first: ``logs`` by ``podutils.ByLogging`` (``logsForObject``, with "Found
N pods, using pod/X" when there are several), ``exec``/``attach`` by ``sort.Reverse(podutils.ActivePods)``
(``attachablePodForObject``).
"""

from __future__ import annotations

import functools

from minikctl.kube.errors import ClientError

SELECTOR_KINDS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job")
DEFAULT_POD_RUNNING_TIMEOUT = "20s"


def go_type(obj: dict) -> str:
    """The Go type kubectl's messages name: ``*v1.CronJob`` (every kind served here is a v1 type)."""
    version = (obj.get("apiVersion") or "v1").rsplit("/", 1)[-1]
    return f"*{version}.{obj.get('kind', '')}"


def selector_for(obj: dict, what: str) -> dict:
    """SelectorsForObject: the object's pod selector, or kubectl's error (``what``: "get the logs from",
    "attach to"). A Service's selector is a plain map of labels, and one without it selects no pod."""
    if obj.get("kind") == "Service":
        sel = (obj.get("spec") or {}).get("selector") or {}
        if not sel:
            name = (obj.get("metadata") or {}).get("name", "")
            raise ClientError(f"invalid service '{name}': Service is defined without a selector")
        return {"matchLabels": dict(sel)}
    if obj.get("kind") not in SELECTOR_KINDS:
        t = go_type(obj)
        raise ClientError(f"cannot {what} {t}: selector for {t} not implemented")
    return (obj.get("spec") or {}).get("selector") or {}


def _ts(value: str | None) -> int:
    from minikctl.kube.timefmt import parse_rfc3339

    return parse_rfc3339(value) if value else 0


def _ready(pod: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def _ready_time(pod: dict) -> int:
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready" and c.get("status") == "True":
            return _ts(c.get("lastTransitionTime"))
    return 0


def _max_restarts(pod: dict) -> tuple[int, int]:
    """maxContainerRestarts: (regular, sidecar)."""
    status = pod.get("status") or {}
    regular = max([int(cs.get("restartCount") or 0) for cs in status.get("containerStatuses") or []] or [0])
    sidecars = {c.get("name") for c in (pod.get("spec") or {}).get("initContainers") or []
                if c.get("restartPolicy") == "Always"}
    sidecar = max([int(cs.get("restartCount") or 0) for cs in status.get("initContainerStatuses") or []
                   if cs.get("name") in sidecars] or [0])
    return regular, sidecar


def _after_or_zero(t1: int, t2: int) -> bool:
    """afterOrZero: t1 after t2, a zero time being after any other."""
    if t1 == 0 or t2 == 0:
        return t1 == 0
    return t1 > t2


def _by_logging_less(a: dict, b: dict) -> bool:
    """podutils.ByLogging.Less."""
    na, nb = (a.get("spec") or {}).get("nodeName") or "", (b.get("spec") or {}).get("nodeName") or ""
    if na != nb and (not na or not nb):
        return bool(na)
    rank = {"Running": 0, "Unknown": 1, "Pending": 2}
    pa, pb = rank.get((a.get("status") or {}).get("phase"), 0), rank.get((b.get("status") or {}).get("phase"), 0)
    if pa != pb:
        return pa < pb
    ra, rb = _ready(a), _ready(b)
    if ra != rb:
        return ra
    if ra and rb and _ready_time(a) != _ready_time(b):
        return _after_or_zero(_ready_time(b), _ready_time(a))
    ma, mb = _max_restarts(a), _max_restarts(b)
    if ma != mb:
        return ma[0] > mb[0] if ma[0] != mb[0] else ma[1] > mb[1]
    ca, cb = _ts((a.get("metadata") or {}).get("creationTimestamp")), _ts((b.get("metadata") or {}).get("creationTimestamp"))
    if ca != cb:
        return _after_or_zero(cb, ca)
    return False


def _active_pods_less(a: dict, b: dict) -> bool:
    """podutils.ActivePods.Less."""
    na, nb = (a.get("spec") or {}).get("nodeName") or "", (b.get("spec") or {}).get("nodeName") or ""
    if na != nb and (not na or not nb):
        return not na
    rank = {"Pending": 0, "Unknown": 1, "Running": 2}
    pa, pb = rank.get((a.get("status") or {}).get("phase"), 0), rank.get((b.get("status") or {}).get("phase"), 0)
    if pa != pb:
        return pa < pb
    ra, rb = _ready(a), _ready(b)
    if ra != rb:
        return not ra
    da, db = (a.get("metadata") or {}).get("deletionTimestamp"), (b.get("metadata") or {}).get("deletionTimestamp")
    if bool(da) != bool(db):
        return bool(da)
    if da and db and _ts(da) != _ts(db):
        return _ts(da) < _ts(db)
    if ra and rb and _ready_time(a) != _ready_time(b):
        return _after_or_zero(_ready_time(a), _ready_time(b))
    ma, mb = _max_restarts(a), _max_restarts(b)
    if ma != mb:
        return ma[0] > mb[0] if ma[0] != mb[0] else ma[1] > mb[1]
    ca, cb = _ts((a.get("metadata") or {}).get("creationTimestamp")), _ts((b.get("metadata") or {}).get("creationTimestamp"))
    if ca != cb:
        return _after_or_zero(ca, cb)
    return False


def _sorted(pods: list[dict], less) -> list[dict]:
    def cmp(a: dict, b: dict) -> int:
        return -1 if less(a, b) else 1 if less(b, a) else 0

    return sorted(pods, key=functools.cmp_to_key(cmp))


def _timeout_ms(text: str | None) -> int:
    """cmdutil.GetPodRunningTimeoutFlag: a positive duration."""
    from minikctl.kube.timefmt import parse_go_duration

    try:
        ms = parse_go_duration(text or DEFAULT_POD_RUNNING_TIMEOUT)
    except ValueError as e:
        raise ClientError(str(e)) from None
    if ms <= 0:
        raise ClientError("--pod-running-timeout must be higher than zero")
    return ms


def pod_list(cluster, obj: dict, what: str, timeout: str | None, less) -> list[dict]:
    """GetPodList: the pods the object's selector matches, sorted; none yet: virtual time runs until one
    appears (``--pod-running-timeout``), else "timed out waiting for the condition"."""
    from minikctl.api.server import filter_objects
    from minikctl.kube.kinds import POD
    from minikctl.kube.selectors import format_label_selector

    selector = selector_for(obj, what)
    deadline = cluster.now_ms + _timeout_ms(timeout)
    ns = (obj.get("metadata") or {}).get("namespace", "default")
    text = format_label_selector(selector)
    text = "" if text == "<none>" else text

    def matching() -> list[dict]:
        pods = cluster.api.list(POD, ns)
        return filter_objects(POD, pods, text, "") if text else pods

    pods = matching()
    if not pods:
        cluster.run_until(lambda: bool(matching()), deadline, to_deadline=False)
        pods = matching()
        if not pods:
            raise ClientError("timed out waiting for the condition")
    return _sorted(pods, less)


def pods_for_logs(cluster, obj: dict, timeout: str | None, all_pods: bool) -> list[dict]:
    """logsForObject: the first pod by ByLogging ("Found N pods, using pod/X" on stderr when there are more), or
    every pod with --all-pods."""
    from minikctl.cli import common as c

    pods = pod_list(cluster, obj, "get the logs from", timeout, _by_logging_less)
    if all_pods:
        return pods
    if len(pods) > 1:
        c.err(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}")
    return pods[:1]


def attachable_pod(cluster, obj: dict, timeout: str | None) -> dict:
    """attachablePodForObject: the first pod by sort.Reverse(ActivePods) -- running, ready, longest ready."""
    if obj.get("kind") == "Pod":
        return obj
    pods = pod_list(cluster, obj, "attach to", timeout, lambda a, b: _active_pods_less(b, a))
    return pods[0]

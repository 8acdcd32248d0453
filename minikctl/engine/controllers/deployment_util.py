"""What the Deployment controller computes from objects, without writing anything: a port of kubernetes v1.32
``pkg/controller/deployment/util/deployment_util.go`` (and the few ``pkg/controller`` helpers it uses), with
Deployments and ReplicaSets as the API's JSON.
"""

from __future__ import annotations

import math

from minikctl.kube.timefmt import parse_rfc3339, rfc3339

POD_TEMPLATE_HASH = "pod-template-hash"  # apps.DefaultDeploymentUniqueLabelKey
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
ROLLBACK_TO = "deprecated.deployment.rollback.to"  # apps.DeprecatedRollbackTo
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
ANNOTATIONS_TO_SKIP = {LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO}
MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000  # sync.go maxRevHistoryLengthInChars
MAX_INT32 = 2147483647

# reasons of the conditions and events
ROLLBACK_REVISION_NOT_FOUND = "DeploymentRollbackRevisionNotFound"
ROLLBACK_TEMPLATE_UNCHANGED = "DeploymentRollbackTemplateUnchanged"
ROLLBACK_DONE = "DeploymentRollback"
REPLICA_SET_UPDATED = "ReplicaSetUpdated"
FAILED_RS_CREATE = "ReplicaSetCreateError"
NEW_REPLICA_SET = "NewReplicaSetCreated"
FOUND_NEW_RS = "FoundNewReplicaSet"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
PAUSED = "DeploymentPaused"
RESUMED = "DeploymentResumed"
MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable"
MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable"


# ---- small accessors -----------------------------------------------------------------------------------------

def meta(obj: dict) -> dict:
    return obj.setdefault("metadata", {}) if isinstance(obj, dict) else {}


def spec(obj: dict) -> dict:
    return obj.get("spec") or {}


def replicas(obj: dict | None) -> int:
    """*(x.Spec.Replicas) (defaulted to 1 by the API server when unset)."""
    if obj is None:
        return 0
    r = spec(obj).get("replicas")
    return 1 if r is None else int(r)


def status_int(obj: dict | None, key: str) -> int:
    if obj is None:
        return 0
    return int((obj.get("status") or {}).get(key) or 0)


def annotations(obj: dict) -> dict:
    return (obj.get("metadata") or {}).get("annotations") or {}


def created_key(rs: dict) -> tuple:
    """ReplicaSetsByCreationTimestamp: creation time, then name."""
    ts = (rs.get("metadata") or {}).get("creationTimestamp")
    return (parse_rfc3339(ts) if ts else -(1 << 62), (rs.get("metadata") or {}).get("name", ""))


def uid(obj: dict | None) -> str:
    return ((obj or {}).get("metadata") or {}).get("uid", "")


# ---- conditions ----------------------------------------------------------------------------------------------

def new_condition(type_: str, status: str, reason: str, message: str, now_ms: int) -> dict:
    """NewDeploymentCondition (lastUpdateTime and lastTransitionTime: now)."""
    now = rfc3339(now_ms)
    return {"lastTransitionTime": now, "lastUpdateTime": now, "message": message, "reason": reason,
            "status": status, "type": type_}


def get_condition(status: dict, type_: str) -> dict | None:
    for c in status.get("conditions") or []:
        if c.get("type") == type_:
            return c
    return None


def set_condition(status: dict, cond: dict) -> None:
    """SetDeploymentCondition: nothing when the same status and reason are there; the transition time kept
    when only the reason changes; the condition moves to the end."""
    cur = get_condition(status, cond["type"])
    if cur is not None and cur.get("status") == cond["status"] and cur.get("reason") == cond["reason"]:
        return
    if cur is not None and cur.get("status") == cond["status"]:
        cond["lastTransitionTime"] = cur.get("lastTransitionTime")
    status["conditions"] = [c for c in status.get("conditions") or [] if c.get("type") != cond["type"]] + [cond]


def remove_condition(status: dict, type_: str) -> None:
    conds = [c for c in status.get("conditions") or [] if c.get("type") != type_]
    if conds:
        status["conditions"] = conds
    else:
        status.pop("conditions", None)


def rs_to_deployment_condition(c: dict) -> dict:
    """ReplicaSetToDeploymentCondition."""
    return {"lastTransitionTime": c.get("lastTransitionTime"), "lastUpdateTime": c.get("lastTransitionTime"),
            "message": c.get("message", ""), "reason": c.get("reason", ""), "status": c.get("status"),
            "type": c.get("type")}


# ---- revisions and annotations -------------------------------------------------------------------------------

def revision(obj: dict) -> int | None:
    """Revision: 0 without the annotation; None when it does not parse (strconv.ParseInt fails)."""
    v = annotations(obj).get(REVISION)
    if v is None:
        return 0
    try:
        return _parse_int64(v)
    except ValueError:
        return None


def _parse_int64(v: str) -> int:
    s = v[1:] if v[:1] in "+-" else v
    if not s or not s.isdigit() or not s.isascii():
        raise ValueError(v)
    n = int(v)
    if not -(1 << 63) <= n < (1 << 63):
        raise ValueError(v)
    return n


def max_revision(rss: list[dict]) -> int:
    out = 0
    for rs in rss:
        v = revision(rs)
        if v is not None and v > out:
            out = v
    return out


def last_revision(rss: list[dict]) -> int:
    """LastRevision: the second highest revision."""
    top = second = 0
    for rs in rss:
        v = revision(rs)
        if v is None:
            continue
        if v >= top:
            second, top = top, v
        elif v > second:
            second = v
    return second


def set_deployment_revision(d: dict, rev: str) -> bool:
    ann = meta(d).setdefault("annotations", {})
    if ann.get(REVISION) != rev:
        ann[REVISION] = rev
        return True
    return False


def copy_deployment_annotations_to_rs(d: dict, rs: dict) -> bool:
    """copyDeploymentAnnotationsToReplicaSet."""
    changed = False
    ann = meta(rs).setdefault("annotations", {})
    for k, v in annotations(d).items():
        if k in ANNOTATIONS_TO_SKIP or (k in ann and ann[k] == v):
            continue
        ann[k] = v
        changed = True
    return changed


def set_new_rs_annotations(d: dict, rs: dict, new_revision: str, exists: bool) -> bool:
    """SetNewReplicaSetAnnotations."""
    changed = copy_deployment_annotations_to_rs(d, rs)
    ann = meta(rs).setdefault("annotations", {})
    old = ann.get(REVISION)
    had = REVISION in ann
    try:
        old_int = _parse_int64(old) if old is not None and old != "" else 0
    except ValueError:
        return False  # "Updating replica set revision OldRevision not int"
    new_int = int(new_revision)
    if old_int < new_int:
        ann[REVISION] = new_revision
        changed = True
    if had and old_int < new_int:
        history = ann.get(REVISION_HISTORY, "")
        olds = history.split(",")
        if not olds[0]:
            ann[REVISION_HISTORY] = old
        else:
            total = len(history) + len(old) + 1
            start = 0
            while total > MAX_REV_HISTORY_LENGTH_IN_CHARS and start < len(olds):
                total -= len(olds[start]) + 1
                start += 1
            if total <= MAX_REV_HISTORY_LENGTH_IN_CHARS:
                ann[REVISION_HISTORY] = ",".join(olds[start:] + [old])
    if not exists and set_replicas_annotations(rs, replicas(d), replicas(d) + max_surge(d)):
        changed = True
    return changed


def set_replicas_annotations(rs: dict, desired: int, maximum: int) -> bool:
    ann = meta(rs).setdefault("annotations", {})
    changed = False
    if ann.get(DESIRED_REPLICAS) != str(desired):
        ann[DESIRED_REPLICAS] = str(desired)
        changed = True
    if ann.get(MAX_REPLICAS) != str(maximum):
        ann[MAX_REPLICAS] = str(maximum)
        changed = True
    return changed


def replicas_annotations_need_update(rs: dict, desired: int, maximum: int) -> bool:
    ann = (rs.get("metadata") or {}).get("annotations")
    if ann is None:
        return True
    return ann.get(DESIRED_REPLICAS) != str(desired) or ann.get(MAX_REPLICAS) != str(maximum)


def _int_annotation(rs: dict, key: str) -> int | None:
    """getIntFromAnnotation (strconv.Atoi)."""
    v = annotations(rs).get(key)
    if v is None:
        return None
    try:
        return _parse_int64(v)
    except ValueError:
        return None


def desired_replicas_annotation(rs: dict) -> int | None:
    return _int_annotation(rs, DESIRED_REPLICAS)


def set_deployment_annotations_to(d: dict, rs: dict) -> None:
    """SetDeploymentAnnotationsTo: the rollback target's annotations (except the skipped ones) on the deployment."""
    kept = {k: v for k, v in annotations(d).items() if k in ANNOTATIONS_TO_SKIP}
    for k, v in annotations(rs).items():
        if k not in ANNOTATIONS_TO_SKIP:
            kept[k] = v
    meta(d)["annotations"] = kept


# ---- templates -----------------------------------------------------------------------------------------------

def _semantic(value):
    """apiequality.Semantic.DeepEqual's view of JSON: nil and empty slices/maps alike, quantities by value."""
    if isinstance(value, dict):
        return {k: _semantic(v) for k, v in value.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [_semantic(v) for v in value]
    return value


def equal_ignore_hash(t1: dict | None, t2: dict | None) -> bool:
    """EqualIgnoreHash: the templates equal once the pod-template-hash label is removed from both."""
    def strip(t: dict | None) -> dict:
        # _semantic makes new maps and lists: the hash label is taken out of its copy (no deep copy first; a rollout
        # compares the Deployment's template with every ReplicaSet's at every sync). Labels that were only the
        # hash label are gone, as _semantic drops an empty map.
        t = t or {}
        out = _semantic(t)
        labels = (t.get("metadata") or {}).get("labels") if isinstance(t.get("metadata"), dict) else None
        if isinstance(labels, dict) and POD_TEMPLATE_HASH in labels:
            meta = out.get("metadata")
            if isinstance(meta, dict) and isinstance(meta.get("labels"), dict):
                meta["labels"].pop(POD_TEMPLATE_HASH, None)
                if len(labels) == 1:
                    del meta["labels"]
        return out

    from minikctl.api.updates import _semantic as api_semantic  # quantities by value

    a, b = strip(t1), strip(t2)
    return a == b or api_semantic(a) == api_semantic(b)


def find_new_rs(d: dict, rss: list[dict]) -> dict | None:
    """FindNewReplicaSet: the oldest ReplicaSet whose template equals the deployment's."""
    template = spec(d).get("template")
    for rs in sorted(rss, key=created_key):
        if equal_ignore_hash(spec(rs).get("template"), template):
            return rs
    return None


def find_old_rss(d: dict, rss: list[dict]) -> tuple[list[dict], list[dict]]:
    """FindOldReplicaSets: (those with replicas, all of them) but the new one."""
    new = find_new_rs(d, rss)
    required, every = [], []
    for rs in rss:
        if new is not None and uid(rs) == uid(new):
            continue
        every.append(rs)
        if replicas(rs) != 0:
            required.append(rs)
    return required, every


def filter_active(rss: list[dict | None]) -> list[dict]:
    """controller.FilterActiveReplicaSets: replicas > 0."""
    return [rs for rs in rss if rs is not None and replicas(rs) > 0]


def find_active_or_latest(new: dict | None, olds: list[dict]) -> dict | None:
    """FindActiveOrLatest (sorts ``olds`` newest first, as the Go code does in place)."""
    if new is None and not olds:
        return None
    olds.sort(key=created_key, reverse=True)
    active = filter_active(olds + [new])
    if not active:
        return new if new is not None else olds[0]
    if len(active) == 1:
        return active[0]
    return None


def replica_count(rss: list[dict | None]) -> int:
    return sum(replicas(rs) for rs in rss if rs is not None)


def actual_count(rss: list[dict | None]) -> int:
    return sum(status_int(rs, "replicas") for rs in rss if rs is not None)


def ready_count(rss: list[dict | None]) -> int:
    return sum(status_int(rs, "readyReplicas") for rs in rss if rs is not None)


def available_count(rss: list[dict | None]) -> int:
    return sum(status_int(rs, "availableReplicas") for rs in rss if rs is not None)


# ---- rolling update arithmetic -------------------------------------------------------------------------------

def is_rolling_update(d: dict) -> bool:
    return (spec(d).get("strategy") or {}).get("type") == "RollingUpdate"


def scaled_value(value, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if isinstance(value, str):
        if not value.endswith("%"):
            raise ValueError("invalid value for IntOrString: invalid type: string is not a percentage")
        v = int(value[:-1])
        return -((-v * total) // 100) if round_up else (v * total) // 100
    return int(value or 0)


def resolve_fenceposts(max_surge, max_unavailable, desired: int) -> tuple[int, int]:
    """ResolveFenceposts: maxSurge rounds up, maxUnavailable down; both 0 makes maxUnavailable 1."""
    surge = scaled_value(0 if max_surge is None else max_surge, desired, True)
    unavailable = scaled_value(0 if max_unavailable is None else max_unavailable, desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def _rolling(d: dict) -> dict:
    return (spec(d).get("strategy") or {}).get("rollingUpdate") or {}


def max_unavailable(d: dict) -> int:
    if not is_rolling_update(d) or replicas(d) == 0:
        return 0
    ru = _rolling(d)
    _, unavailable = resolve_fenceposts(ru.get("maxSurge"), ru.get("maxUnavailable"), replicas(d))
    return min(unavailable, replicas(d))


def max_surge(d: dict) -> int:
    if not is_rolling_update(d):
        return 0
    ru = _rolling(d)
    surge, _ = resolve_fenceposts(ru.get("maxSurge"), ru.get("maxUnavailable"), replicas(d))
    return surge


def new_rs_new_replicas(d: dict, all_rss: list[dict], new_rs: dict) -> int:
    """NewRSNewReplicas: how many replicas the new ReplicaSet may have now."""
    stype = (spec(d).get("strategy") or {}).get("type")
    if stype == "RollingUpdate":
        surge = scaled_value(_rolling(d).get("maxSurge"), replicas(d), True)
        current = replica_count(all_rss)
        max_total = replicas(d) + surge
        if current >= max_total:
            return replicas(new_rs)
        up = min(max_total - current, replicas(d) - replicas(new_rs))
        return replicas(new_rs) + up
    if stype == "Recreate":
        return replicas(d)
    raise ValueError(f"deployment type {stype} isn't supported")


def is_saturated(d: dict, rs: dict | None) -> bool:
    if rs is None:
        return False
    desired = desired_replicas_annotation(rs)
    if desired is None:
        return False
    return replicas(rs) == replicas(d) and desired == replicas(d) and status_int(rs, "availableReplicas") == replicas(d)


def _round_to_int32(x: float) -> int:
    """integer.RoundToInt32: math.Round (halves away from zero)."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


def replica_set_fraction(rs: dict, d: dict) -> int:
    """getReplicaSetFraction."""
    if replicas(d) == 0:
        return -replicas(rs)
    deployment_replicas = replicas(d) + max_surge(d)
    annotated = _int_annotation(rs, MAX_REPLICAS)
    if annotated is None:
        annotated = status_int(d, "replicas")
    new_size = float(replicas(rs) * deployment_replicas) / float(annotated) if annotated else math.inf
    if math.isinf(new_size):
        return MAX_INT32
    return _round_to_int32(new_size) - replicas(rs)


def proportion(rs: dict | None, d: dict, to_add: int, added: int) -> int:
    """GetProportion."""
    if rs is None or replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = replica_set_fraction(rs, d)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


# ---- progress ------------------------------------------------------------------------------------------------

def has_progress_deadline(d: dict) -> bool:
    pds = spec(d).get("progressDeadlineSeconds")
    return pds is not None and int(pds) != MAX_INT32


def has_revision_history_limit(d: dict) -> bool:
    rhl = spec(d).get("revisionHistoryLimit")
    return rhl is not None and int(rhl) != MAX_INT32


def deployment_complete(d: dict, status: dict) -> bool:
    r = replicas(d)
    return (int(status.get("updatedReplicas") or 0) == r and int(status.get("replicas") or 0) == r
            and int(status.get("availableReplicas") or 0) == r
            and int(status.get("observedGeneration") or 0) >= int(meta(d).get("generation") or 0))


def deployment_progressing(d: dict, new: dict) -> bool:
    old = d.get("status") or {}

    def g(s: dict, k: str) -> int:
        return int(s.get(k) or 0)

    old_old = g(old, "replicas") - g(old, "updatedReplicas")
    new_old = g(new, "replicas") - g(new, "updatedReplicas")
    return (g(new, "updatedReplicas") > g(old, "updatedReplicas") or new_old < old_old
            or g(new, "readyReplicas") > g(old, "readyReplicas")
            or g(new, "availableReplicas") > g(old, "availableReplicas"))


def deployment_timed_out(d: dict, new: dict, now_ms: int) -> bool:
    """DeploymentTimedOut: the Progressing condition's lastUpdateTime + progressDeadlineSeconds is before now."""
    if not has_progress_deadline(d):
        return False
    cond = get_condition(new, "Progressing")
    if cond is None:
        return False
    if cond.get("reason") == NEW_RS_AVAILABLE:
        return False
    if cond.get("reason") == TIMED_OUT:
        return True
    ts = cond.get("lastUpdateTime")
    frm = parse_rfc3339(ts) if ts else 0
    return frm + int(spec(d)["progressDeadlineSeconds"]) * 1000 < now_ms


def rs_by_revision_key(rs: dict) -> tuple:
    """ReplicaSetsByRevision (an unparsable revision compares by creation time)."""
    v = revision(rs)
    return (v if v is not None else 0,) + created_key(rs)

"""kubectl's polymorphic helpers for the workloads (kubectl v0.32.4 ``pkg/polymorphichelpers``): what ``rollout``
and ``set`` do differently per kind, as tables of adapters.

  status_viewer(res)   StatusViewerFor (rollout_status.go): Deployment, DaemonSet, StatefulSet
  history_viewer(res)  HistoryViewerFor (history.go): a Deployment's ReplicaSets, a StatefulSet's or DaemonSet's
                       ControllerRevisions
  rollbacker(res)      RollbackerFor (rollback.go): a Deployment gets its template back from the ReplicaSet of the
                       revision (a JSON patch of spec.template and the annotations); a StatefulSet or DaemonSet gets
                       the revision's ``data`` as a strategic merge patch
  restart/pause/resume objectrestarter.go, objectpauser.go, objectresumer.go: the change each one makes
  pod_spec_of(obj)     updatePodSpecForObject (updatepodspec.go): the pod spec inside any kind with a pod template

Each adapter reads through the API (``api``) as kubectl's clients do. Errors carry kubectl's texts.
"""

from __future__ import annotations

import copy
import json

from minikctl.kube.errors import ClientError

CHANGE_CAUSE = "kubernetes.io/change-cause"
POD_TEMPLATE_HASH = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
# rollback.go annotationsToSkip: kept from the deployment, never copied from the ReplicaSet
ANNOTATIONS_TO_SKIP = ("kubectl.kubernetes.io/last-applied-configuration", REVISION,
                       "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas",
                       "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to")
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"

# apps.GroupKindElement.Accept: the kinds kubectl's visitors know
_VISITABLE = {("apps", "DaemonSet"), ("apps", "Deployment"), ("batch", "Job"), ("", "Pod"), ("apps", "ReplicaSet"),
              ("", "ReplicationController"), ("apps", "StatefulSet"), ("batch", "CronJob")}


def group_kind(res) -> str:
    """schema.GroupKind.String(): ``Deployment.apps``, ``Pod``."""
    return f"{res.kind}.{res.group}" if res.group else res.kind


def _visit(res, what: str, verb: str) -> None:
    """GroupKindElement.Accept's refusal of a kind it has no visitor for."""
    if (res.group, res.kind) not in _VISITABLE:
        raise ClientError(f'error retrieving {what} for "{group_kind(res)}", no visitor method exists for '
                          f'{{{res.group} {res.kind}}}')


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _revision(obj: dict) -> int | None:
    """deploymentutil.Revision: 0 without the annotation, None when it does not parse."""
    v = (_meta(obj).get("annotations") or {}).get(REVISION)
    if v is None:
        return 0
    s = v[1:] if v[:1] in "+-" else v
    if not s.isdigit() or not s.isascii():
        return None
    return int(v)


# ---- status viewers (rollout_status.go) --------------------------------------------------------------------

def _deployment_status(obj: dict, revision: int) -> tuple[str, bool]:
    name = _meta(obj).get("name", "")
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if revision > 0:
        rev = _revision(obj)
        if rev is None:
            raise ClientError(f'cannot get the revision of deployment "{name}": strconv.ParseInt: parsing '
                              f'"{(_meta(obj).get("annotations") or {}).get(REVISION)}": invalid syntax')
        if rev != revision:
            raise ClientError(f"desired revision ({revision}) is different from the running revision ({rev})")
    if _int(_meta(obj).get("generation")) <= _int(status.get("observedGeneration")):
        cond = next((c for c in status.get("conditions") or [] if c.get("type") == "Progressing"), None)
        if cond is not None and cond.get("reason") == "ProgressDeadlineExceeded":
            raise ClientError(f'deployment "{name}" exceeded its progress deadline')
        replicas = spec.get("replicas")
        updated = _int(status.get("updatedReplicas"))
        if replicas is not None and updated < _int(replicas):
            return (f'Waiting for deployment "{name}" rollout to finish: {updated} out of {_int(replicas)} new '
                    "replicas have been updated...\n"), False
        total = _int(status.get("replicas"))
        if total > updated:
            return (f'Waiting for deployment "{name}" rollout to finish: {total - updated} old replicas are '
                    "pending termination...\n"), False
        available = _int(status.get("availableReplicas"))
        if available < updated:
            return (f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated '
                    "replicas are available...\n"), False
        return f'deployment "{name}" successfully rolled out\n', True
    return "Waiting for deployment spec update to be observed...\n", False


def _daemonset_status(obj: dict, revision: int) -> tuple[str, bool]:
    name = _meta(obj).get("name", "")
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if (spec.get("updateStrategy") or {}).get("type") != "RollingUpdate":
        raise ClientError("rollout status is only available for RollingUpdate strategy type")
    if _int(_meta(obj).get("generation")) <= _int(status.get("observedGeneration")):
        updated, desired = _int(status.get("updatedNumberScheduled")), _int(status.get("desiredNumberScheduled"))
        if updated < desired:
            return (f'Waiting for daemon set "{name}" rollout to finish: {updated} out of {desired} new pods have '
                    "been updated...\n"), False
        available = _int(status.get("numberAvailable"))
        if available < desired:
            return (f'Waiting for daemon set "{name}" rollout to finish: {available} of {desired} updated pods '
                    "are available...\n"), False
        return f'daemon set "{name}" successfully rolled out\n', True
    return "Waiting for daemon set spec update to be observed...\n", False


def _statefulset_status(obj: dict, revision: int) -> tuple[str, bool]:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    strategy = spec.get("updateStrategy") or {}
    if strategy.get("type") != "RollingUpdate":
        raise ClientError("rollout status is only available for RollingUpdate strategy type")
    observed = _int(status.get("observedGeneration"))
    if observed == 0 or _int(_meta(obj).get("generation")) > observed:
        return "Waiting for statefulset spec update to be observed...\n", False
    replicas = spec.get("replicas")
    ready = _int(status.get("readyReplicas"))
    if replicas is not None and ready < _int(replicas):
        return f"Waiting for {_int(replicas) - ready} pods to be ready...\n", False
    updated = _int(status.get("updatedReplicas"))
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        partition = rolling.get("partition")
        if replicas is not None and partition is not None and updated < _int(replicas) - _int(partition):
            return (f"Waiting for partitioned roll out to finish: {updated} out of "
                    f"{_int(replicas) - _int(partition)} new pods have been updated...\n"), False
        return f"partitioned roll out complete: {updated} new pods have been updated...\n", True
    if status.get("updateRevision", "") != status.get("currentRevision", ""):
        return (f"waiting for statefulset rolling update to complete {updated} pods at revision "
                f"{status.get('updateRevision', '')}...\n"), False
    return (f"statefulset rolling update complete {_int(status.get('currentReplicas'))} pods at revision "
            f"{status.get('currentRevision', '')}...\n"), True


_STATUS = {("apps", "Deployment"): _deployment_status, ("apps", "DaemonSet"): _daemonset_status,
           ("apps", "StatefulSet"): _statefulset_status}


def status_viewer(res):
    """StatusViewerFor: fn(obj, revision) -> (message, done); raises kubectl's error for other kinds."""
    fn = _STATUS.get((res.group, res.kind))
    if fn is None:
        raise ClientError(f"no status viewer has been implemented for {group_kind(res)}")
    return fn


# ---- the objects behind a workload's history ---------------------------------------------------------------

def _selector_matches(selector: dict | None, labels: dict) -> bool:
    from minikctl.kube.selectors import LabelSelector

    return LabelSelector.from_match(selector).matches(labels)


def _controlled_by(obj: dict, owner: dict) -> bool:
    """metav1.IsControlledBy."""
    for ref in _meta(obj).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref.get("uid") == _meta(owner).get("uid")
    return False


def _created_key(obj: dict) -> tuple:
    from minikctl.kube.timefmt import parse_rfc3339

    ts = _meta(obj).get("creationTimestamp")
    return (parse_rfc3339(ts) if ts else -(1 << 62), _meta(obj).get("name", ""))


def _semantic(value):
    if isinstance(value, dict):
        return {k: _semantic(v) for k, v in value.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [_semantic(v) for v in value]
    return value


def equal_ignore_hash(t1: dict | None, t2: dict | None) -> bool:
    """equalIgnoreHash (kubectl's copy in util/deployment and polymorphichelpers/rollback.go)."""
    def strip(t):
        t = copy.deepcopy(t or {})
        labels = (t.get("metadata") or {}).get("labels")
        if isinstance(labels, dict):
            labels.pop(POD_TEMPLATE_HASH, None)
        return _semantic(t)

    return strip(t1) == strip(t2)


def deployment_replica_sets(api, deployment: dict) -> tuple[list[dict], dict | None]:
    """deploymentutil.GetAllReplicaSets: (all old ReplicaSets, the new one) among those the selector matches and
    the deployment controls; the new one is the oldest whose template equals the deployment's."""
    from minikctl.kube.kinds import by_kind

    ns = _meta(deployment).get("namespace", "default")
    selector = (deployment.get("spec") or {}).get("selector")
    owned = [rs for rs in api.list(by_kind("ReplicaSet"), ns)
             if _selector_matches(selector, _meta(rs).get("labels") or {}) and _controlled_by(rs, deployment)]
    owned.sort(key=_created_key)
    template = (deployment.get("spec") or {}).get("template")
    new = next((rs for rs in owned if equal_ignore_hash((rs.get("spec") or {}).get("template"), template)), None)
    old = [rs for rs in owned if new is None or _meta(rs).get("uid") != _meta(new).get("uid")]
    return old, new


def controlled_history(api, owner: dict) -> list[dict]:
    """controlledHistory: the ControllerRevisions the owner's selector matches and the owner controls (list
    order: by name)."""
    from minikctl.kube.kinds import by_kind

    ns = _meta(owner).get("namespace", "default")
    selector = (owner.get("spec") or {}).get("selector")
    return [cr for cr in api.list(by_kind("ControllerRevision"), ns)
            if _selector_matches(selector, _meta(cr).get("labels") or {}) and _controlled_by(cr, owner)]


def apply_history(api, owner: dict, history: dict) -> dict:
    """applyStatefulSetHistory / applyDaemonSetHistory: the revision's data as a strategic merge patch of the
    owner."""
    from minikctl.api import patching

    data = history.get("data")
    if isinstance(data, str):
        data = json.loads(data)
    return patching.strategic_merge_patch(copy.deepcopy(owner), data or {}, kind=owner.get("kind", ""))


def template_patch(obj: dict) -> dict:
    """getStatefulSetPatch / getDaemonSetPatch: {"spec": {"template": <the template>, "$patch": "replace"}} —
    what the controllers store as a ControllerRevision's data."""
    template = copy.deepcopy((obj.get("spec") or {}).get("template") or {})
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def print_template(template: dict) -> str:
    """printTemplate: DescribePodTemplate through a bare PrefixWriter (tabs as written, no tabwriter)."""
    from minikctl.printers.describe import Writer, describe_pod_template

    w = Writer()
    describe_pod_template(w, template)
    return "".join(w.chunks)


class DeploymentHistory:
    """DeploymentHistoryViewer: the revisions of a deployment are its ReplicaSets."""

    def __init__(self, api) -> None:
        self.api = api

    def _all(self, namespace: str, name: str) -> list[dict]:
        from minikctl.kube import errors as E
        from minikctl.kube.kinds import by_kind

        try:
            d = self.api.get(by_kind("Deployment"), namespace, name)
        except E.StatusError as e:
            raise ClientError(f"failed to retrieve deployment {name}: {e.server_message()}") from None
        old, new = deployment_replica_sets(self.api, d)
        return old + ([new] if new is not None else [])

    def view(self, namespace: str, name: str, revision: int) -> str:
        info: dict[int, dict] = {}
        for rs in self._all(namespace, name):
            v = _revision(rs)
            if v is None:
                continue
            template = copy.deepcopy((rs.get("spec") or {}).get("template") or {})
            cause = (_meta(rs).get("annotations") or {}).get(CHANGE_CAUSE)
            tmeta = template.setdefault("metadata", {})
            tmeta.setdefault("annotations", {})
            if cause:
                tmeta["annotations"][CHANGE_CAUSE] = cause
            info[v] = template
        if not info:
            return "No rollout history found."
        if revision > 0:
            if revision not in info:
                raise ClientError("unable to find the specified revision")
            return print_template(info[revision])
        return _history_table([(r, ((info[r].get("metadata") or {}).get("annotations") or {}).get(CHANGE_CAUSE, ""))
                               for r in sorted(info)])

    def get(self, namespace: str, name: str) -> dict[int, dict]:
        out = {}
        for rs in self._all(namespace, name):
            v = _revision(rs)
            if v is not None:
                out[v] = rs
        return out


class RevisionHistory:
    """StatefulSetHistoryViewer / DaemonSetHistoryViewer: the revisions are ControllerRevisions."""

    def __init__(self, api, kind: str) -> None:
        self.api = api
        self.kind = kind

    def _load(self, namespace: str, name: str) -> tuple[dict, list[dict]]:
        from minikctl.kube import errors as E
        from minikctl.kube.kinds import by_kind

        try:
            owner = self.api.get(by_kind(self.kind), namespace, name)
        except E.StatusError as e:
            what = "DaemonSet" if self.kind == "DaemonSet" else "Statefulset"
            raise ClientError(f"failed to retrieve {what} {name}: {e.server_message()}") from None
        return owner, controlled_history(self.api, owner)

    def view(self, namespace: str, name: str, revision: int) -> str:
        owner, history = self._load(namespace, name)
        info = {_int(h.get("revision")): h for h in history}
        if not info:
            return "No rollout history found."
        if revision > 0:
            h = info.get(revision)
            if h is None:
                raise ClientError("unable to find the specified revision")
            try:
                applied = apply_history(self.api, owner, h)
            except Exception:  # noqa: BLE001 - printHistory's "unable to parse history"
                raise ClientError(f"unable to parse history {_meta(h).get('name', '')}") from None
            return print_template((applied.get("spec") or {}).get("template") or {})
        return _history_table([(r, (_meta(info[r]).get("annotations") or {}).get(CHANGE_CAUSE, ""))
                               for r in sorted(info)])

    def get(self, namespace: str, name: str) -> dict[int, dict]:
        owner, history = self._load(namespace, name)
        return {_int(h.get("revision")): apply_history(self.api, owner, h) for h in history}


def _history_table(rows: list[tuple[int, str]]) -> str:
    """tabbedString (tabwriter minwidth 0, tabwidth 8, padding 2): REVISION and CHANGE-CAUSE."""
    from minikctl.printers.tabwriter import tabwrite

    text = "REVISION\tCHANGE-CAUSE\n" + "".join(f"{r}\t{cause or '<none>'}\n" for r, cause in rows)
    return tabwrite(text, minwidth=0, padding=2)


def history_viewer(api, res):
    """HistoryViewerFor."""
    _visit(res, "history", "history")
    if res.kind == "Deployment":
        return DeploymentHistory(api)
    if res.kind in ("StatefulSet", "DaemonSet"):
        return RevisionHistory(api, res.kind)
    raise ClientError(f'no history viewer has been implemented for "{group_kind(res)}"')


# ---- rollbackers (rollback.go) ---------------------------------------------------------------------------------

def revision_not_found(r: int) -> ClientError:
    return ClientError(f"unable to find specified revision {r} in history")


def rollback_deployment(api, obj: dict, to_revision: int, mode: str) -> str:
    """DeploymentRollbacker.Rollback: the template of the revision's ReplicaSet (hash label removed) and its
    annotations go back into the deployment with a JSON patch; returns kubectl's result word."""
    from minikctl.kube import errors as E
    from minikctl.kube.kinds import by_kind

    if to_revision < 0:
        raise revision_not_found(to_revision)
    name, ns = _meta(obj).get("name", ""), _meta(obj).get("namespace", "default")
    res = by_kind("Deployment")
    try:
        d = api.get(res, ns, name)
    except E.StatusError as e:
        raise ClientError(f"failed to retrieve Deployment {name}: {e.server_message()}") from None
    old, new = deployment_replica_sets(api, d)
    target = None
    latest, latest_rev, previous, previous_rev = None, -1, None, -1
    for rs in old + ([new] if new is not None else []):
        v = _revision(rs)
        if v is None:
            continue
        if to_revision == 0:
            if latest_rev < v:
                previous, previous_rev = latest, latest_rev
                latest, latest_rev = rs, v
            elif previous_rev < v:
                previous, previous_rev = rs, v
        elif to_revision == v:
            target = rs
            break
    if target is None:
        if to_revision > 0:
            raise revision_not_found(to_revision)
        if previous is None:
            raise ClientError(f'no rollout history found for deployment "{name}"')
        target = previous
    template = copy.deepcopy((target.get("spec") or {}).get("template") or {})
    if mode == "client":
        return print_template(template)
    if (d.get("spec") or {}).get("paused"):
        raise ClientError("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' "
                          "and try again")
    if equal_ignore_hash(template, (d.get("spec") or {}).get("template")):
        return f"skipped rollback (current template already matches revision {to_revision})"
    labels = (template.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(POD_TEMPLATE_HASH, None)
    annotations = {k: v for k, v in (_meta(d).get("annotations") or {}).items() if k in ANNOTATIONS_TO_SKIP}
    for k, v in (_meta(target).get("annotations") or {}).items():
        if k not in ANNOTATIONS_TO_SKIP:
            annotations[k] = v
    new_obj = copy.deepcopy(d)
    new_obj["spec"]["template"] = template
    new_obj["metadata"]["annotations"] = annotations
    try:
        api.update(d, new_obj, dry_run=mode == "server", verb="patching")
    except E.StatusError as e:
        raise ClientError(f"failed restoring revision {to_revision}: {e.server_message()}") from None
    return "rolled back"


def rollback_by_history(api, obj: dict, to_revision: int, mode: str, kind: str) -> str:
    """StatefulSetRollbacker / DaemonSetRollbacker: the revision's data is a strategic merge patch of the
    template."""
    from minikctl.api import patching
    from minikctl.kube import errors as E

    if to_revision < 0:
        raise revision_not_found(to_revision)
    owner, history = RevisionHistory(api, kind)._load(_meta(obj).get("namespace", "default"), _meta(obj).get("name"))
    if to_revision == 0 and len(history) <= 1:
        raise ClientError("no last revision to roll back to")
    target = None
    if to_revision == 0:
        target = sorted(history, key=lambda h: _int(h.get("revision")))[-2]
    else:
        target = next((h for h in history if _int(h.get("revision")) == to_revision), None)
    if target is None:
        raise revision_not_found(to_revision)
    if mode == "client":
        applied = apply_history(api, owner, target)
        return "will roll back to " + print_template((applied.get("spec") or {}).get("template") or {})
    data = target.get("data")
    if isinstance(data, str):
        data = json.loads(data)
    if _canonical(template_patch(owner)) == _canonical(data):
        return f"skipped rollback (current template already matches revision {to_revision})"
    patched = patching.strategic_merge_patch(copy.deepcopy(owner), data or {}, kind=kind)
    try:
        api.update(owner, patched, dry_run=mode == "server", verb="patching")
    except E.StatusError as e:
        raise ClientError(f"failed restoring revision {to_revision}: {e.server_message()}") from None
    return "rolled back"


def rollbacker(res):
    """RollbackerFor: fn(api, obj, to_revision, dry_run_mode) -> the result word."""
    _visit(res, "rollbacker", "rollback")
    if res.kind == "Deployment":
        return rollback_deployment
    if res.kind in ("StatefulSet", "DaemonSet"):
        return lambda api, obj, rev, mode: rollback_by_history(api, obj, rev, mode, res.kind)
    raise ClientError(f'no rollbacker has been implemented for "{group_kind(res)}"')


# ---- restart / pause / resume (objectrestarter.go, objectpauser.go, objectresumer.go) -------------------------

def restart(obj: dict, now_ms: int) -> dict:
    """defaultObjectRestarter: the pod template gets ``kubectl.kubernetes.io/restartedAt`` = now (RFC 3339, the
    time zone of kubectl's machine: UTC here)."""
    from minikctl.kube.timefmt import rfc3339

    kind = obj.get("kind")
    if kind not in ("Deployment", "DaemonSet", "StatefulSet"):
        raise _Refused("restarting is not supported")
    if kind == "Deployment" and (obj.get("spec") or {}).get("paused"):
        raise _Refused("can't restart paused deployment (run rollout resume first)")
    new = copy.deepcopy(obj)
    tmeta = new.setdefault("spec", {}).setdefault("template", {}).setdefault("metadata", {})
    tmeta["annotations"] = dict(tmeta.get("annotations") or {}, **{RESTARTED_AT: rfc3339(now_ms)})
    return new


def pause(obj: dict) -> dict:
    if obj.get("kind") != "Deployment":
        raise _Refused("pausing is not supported")
    if (obj.get("spec") or {}).get("paused"):
        raise _Refused("is already paused")
    new = copy.deepcopy(obj)
    new["spec"]["paused"] = True
    return new


def resume(obj: dict) -> dict:
    if obj.get("kind") != "Deployment":
        raise _Refused("resuming is not supported")
    if not (obj.get("spec") or {}).get("paused"):
        raise _Refused("is not paused")
    new = copy.deepcopy(obj)
    new["spec"].pop("paused", None)
    return new


class _Refused(Exception):
    """A patch function's error (Patch.Err): kubectl reports it as ``error: <resource> "<name>" <message>``."""


Refused = _Refused


# ---- updatePodSpecForObject ----------------------------------------------------------------------------------

_GO_TYPES = {"ConfigMap": "*v1.ConfigMap", "Secret": "*v1.Secret", "ServiceAccount": "*v1.ServiceAccount",
             "Namespace": "*v1.Namespace", "Node": "*v1.Node", "Event": "*v1.Event",
             "ControllerRevision": "*v1.ControllerRevision"}


def pod_spec_of(obj: dict) -> dict:
    """The pod spec a ``set`` verb changes (in place); refuses kinds without a pod template as kubectl does."""
    kind = obj.get("kind")
    if kind == "Pod":
        return obj.setdefault("spec", {})
    if kind in ("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet", "Job", "ReplicationController"):
        return obj.setdefault("spec", {}).setdefault("template", {}).setdefault("spec", {})
    if kind == "CronJob":
        return (obj.setdefault("spec", {}).setdefault("jobTemplate", {}).setdefault("spec", {})
                .setdefault("template", {}).setdefault("spec", {}))
    raise _Refused(f"the object is not a pod or does not have a pod template: {_GO_TYPES.get(kind, '*v1.' + str(kind))}")

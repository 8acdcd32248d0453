"""kubectl describe for the apps/v1 and batch/v1 workloads, as kubectl 1.32 prints them.

Ports of staging/src/k8s.io/kubectl/pkg/describe/describe.go (kubectl v0.32.4): DeploymentDescriber,
ReplicaSetDescriber, StatefulSetDescriber, DaemonSetDescriber, JobDescriber and CronJobDescriber, on top of the
shared pieces of describe.py (DescribePodTemplate, DescribeEvents, labels and annotations).

Every describer is a pure function ``describe_<kind>(obj, ctx) -> str``. ``ctx`` gives what kubectl fetches
from the server besides the object itself:

* ``ctx.now_ms``: the (virtual) now, for ages;
* ``ctx.events(obj)``: the core v1 Events about the object (kubectl's searchEvents); ``None`` leaves the
  Events section out, as ``--show-events=false`` does;
* ``ctx.list(kind, namespace, selector=None)``: objects of a kind in a namespace, filtered by a
  metav1.LabelSelector dict (``None``: all of them);
* ``ctx.get(kind, namespace, name)``: one object or ``None``.
"""

from __future__ import annotations

from minikctl.printers.describe import (
    Writer,
    annotations_multiline,
    controlled_by,
    describe_events,
    describe_pod_template,
    go_bool,
    labels_multiline,
    time_text,
)

POD_TEMPLATE_HASH = "pod-template-hash"  # appsv1.DefaultDeploymentUniqueLabelKey
BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _selector_string(selector: dict | None) -> str:
    """metav1.LabelSelectorAsSelector(selector).String(); raises BadRequest for a selector that does not convert."""
    from minikctl.kube.selectors import selector_string

    return selector_string(selector)


def _int_or_string(value) -> str:
    """intstr.IntOrString.String() of a *IntOrString (``<nil>`` when unset)."""
    if value is None:
        return "<nil>"
    return str(value)


def _events(w: Writer, obj: dict, ctx) -> None:
    events = ctx.events(obj)
    if events is not None:
        describe_events(w, events, ctx.now_ms)


def _is_controlled_by(obj: dict, owner: dict) -> bool:
    """metav1.IsControlledBy: the controller reference's UID is the owner's."""
    uid = _meta(owner).get("uid", "")
    for ref in _meta(obj).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref.get("uid", "") == uid
    return False


def pod_status_for_controller(obj: dict, ctx) -> tuple[int, int, int, int]:
    """getPodStatusForController: (running, waiting, succeeded, failed) of the pods the selector matches whose
    controller reference is the object (orphans and other controllers' pods skipped)."""
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    meta = _meta(obj)
    for pod in ctx.list("Pod", meta.get("namespace"), (obj.get("spec") or {}).get("selector")):
        if not _is_controlled_by(pod, obj):
            continue
        phase = (pod.get("status") or {}).get("phase")
        if phase in counts:
            counts[phase] += 1
    return counts["Running"], counts["Pending"], counts["Succeeded"], counts["Failed"]


def _pods_status(w: Writer, obj: dict, ctx) -> None:
    running, waiting, succeeded, failed = pod_status_for_controller(obj, ctx)
    w.w(0, f"Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n")


def _conditions(w: Writer, conditions: list | None) -> None:
    """The Type/Status/Reason table of the Deployment and ReplicaSet describers."""
    if not conditions:
        return
    w.w(0, "Conditions:\n  Type\tStatus\tReason\n")
    w.w(1, "----\t------\t------\n")
    for c in conditions:
        w.w(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")


# ---------------------------------------------------------------------------------------------------------------
# Deployment


def _drop_empty(value):
    """A JSON value with nulls and empty maps/lists left out (apiequality.Semantic treats nil and empty alike)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = _drop_empty(v)
            if v is None or v == {} or v == []:
                continue
            out[k] = v
        return out
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def equal_ignore_hash(template1: dict | None, template2: dict | None) -> bool:
    """deploymentutil.equalIgnoreHash: the two pod templates are equal once the pod-template-hash label is gone."""
    def normal(template: dict | None) -> dict:
        t = dict(template or {})
        meta = dict(t.get("metadata") or {})
        labels = {k: v for k, v in (meta.get("labels") or {}).items() if k != POD_TEMPLATE_HASH}
        meta["labels"] = labels
        t["metadata"] = meta
        return _drop_empty(t)

    return normal(template1) == normal(template2)


def replica_sets_of(deployment: dict, ctx) -> tuple[list[dict], dict | None]:
    """deploymentutil.GetAllReplicaSetsInChunks as the describer uses it: all the old ReplicaSets (scaled to zero
    or not: the describer takes the second result) and the new one (the oldest whose template equals the
    deployment's), among those the selector matches and the deployment controls, ordered by creation time then
    name."""
    from minikctl.kube.timefmt import parse_rfc3339

    meta = _meta(deployment)
    spec = deployment.get("spec") or {}
    owned = [rs for rs in ctx.list("ReplicaSet", meta.get("namespace"), spec.get("selector"))
             if _is_controlled_by(rs, deployment)]

    def created(rs: dict) -> tuple[int, str]:
        ts = _meta(rs).get("creationTimestamp")
        return (parse_rfc3339(ts) if ts else -62135596800000, _meta(rs).get("name", ""))

    owned.sort(key=created)
    new = next((rs for rs in owned if equal_ignore_hash((rs.get("spec") or {}).get("template"),
                                                        spec.get("template"))), None)
    old = [rs for rs in owned if rs is not new]
    return old, new


def _replica_sets_text(replica_sets: list[dict]) -> str:
    """printReplicaSetsByLabels: ``name (status.replicas/spec.replicas replicas created)``, joined by ", "."""
    text = ", ".join(f"{_meta(rs).get('name', '')} ({(rs.get('status') or {}).get('replicas') or 0}/"
                     f"{(rs.get('spec') or {}).get('replicas') or 0} replicas created)" for rs in replica_sets)
    return text or "<none>"


def describe_deployment(obj: dict, ctx) -> str:
    """DeploymentDescriber / describeDeployment."""
    meta = _meta(obj)
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    selector = _selector_string(spec.get("selector"))
    old, new = replica_sets_of(obj, ctx)
    w = Writer()
    w.w(0, f"Name:\t{meta.get('name', '')}\n")
    w.w(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.w(0, f"CreationTimestamp:\t{time_text(meta.get('creationTimestamp'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(0, f"Selector:\t{selector}\n")
    w.w(0, f"Replicas:\t{spec.get('replicas') or 0} desired | {status.get('updatedReplicas') or 0} updated | "
           f"{status.get('replicas') or 0} total | {status.get('availableReplicas') or 0} available | "
           f"{status.get('unavailableReplicas') or 0} unavailable\n")
    strategy = spec.get("strategy") or {}
    w.w(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.w(0, f"MinReadySeconds:\t{spec.get('minReadySeconds') or 0}\n")
    if strategy.get("rollingUpdate") is not None:
        ru = strategy["rollingUpdate"] or {}
        w.w(0, f"RollingUpdateStrategy:\t{_int_or_string(ru.get('maxUnavailable'))} max unavailable, "
               f"{_int_or_string(ru.get('maxSurge'))} max surge\n")
    describe_pod_template(w, spec.get("template") or {})
    _conditions(w, status.get("conditions"))
    if old or new is not None:
        w.w(0, f"OldReplicaSets:\t{_replica_sets_text(old)}\n")
        w.w(0, f"NewReplicaSet:\t{_replica_sets_text([new] if new is not None else [])}\n")
    _events(w, obj, ctx)
    return w.text()


# ---------------------------------------------------------------------------------------------------------------
# ReplicaSet, DaemonSet, StatefulSet


def describe_replicaset(obj: dict, ctx) -> str:
    """ReplicaSetDescriber / describeReplicaSet."""
    from minikctl.kube.selectors import format_label_selector

    meta = _meta(obj)
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    _selector_string(spec.get("selector"))  # kubectl refuses a selector that does not convert
    w = Writer()
    w.w(0, f"Name:\t{meta.get('name', '')}\n")
    w.w(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.w(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    owner = controlled_by(obj)
    if owner:
        w.w(0, f"Controlled By:\t{owner}\n")
    w.w(0, f"Replicas:\t{status.get('replicas') or 0} current / {spec.get('replicas') or 0} desired\n")
    _pods_status(w, obj, ctx)
    describe_pod_template(w, spec.get("template") or {})
    _conditions(w, status.get("conditions"))
    _events(w, obj, ctx)
    return w.text()


def describe_daemonset(obj: dict, ctx) -> str:
    """DaemonSetDescriber / describeDaemonSet (no Namespace line: kubectl prints none for DaemonSets)."""
    from minikctl.api.registry.cells import format_labels

    meta = _meta(obj)
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    selector = _selector_string(spec.get("selector"))
    template_spec = (spec.get("template") or {}).get("spec") or {}
    w = Writer()
    w.w(0, f"Name:\t{meta.get('name', '')}\n")
    w.w(0, f"Selector:\t{selector}\n")
    w.w(0, f"Node-Selector:\t{format_labels(template_spec.get('nodeSelector'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(0, f"Desired Number of Nodes Scheduled: {status.get('desiredNumberScheduled') or 0}\n")
    w.w(0, f"Current Number of Nodes Scheduled: {status.get('currentNumberScheduled') or 0}\n")
    w.w(0, f"Number of Nodes Scheduled with Up-to-date Pods: {status.get('updatedNumberScheduled') or 0}\n")
    w.w(0, f"Number of Nodes Scheduled with Available Pods: {status.get('numberAvailable') or 0}\n")
    w.w(0, f"Number of Nodes Misscheduled: {status.get('numberMisscheduled') or 0}\n")
    _pods_status(w, obj, ctx)
    describe_pod_template(w, spec.get("template") or {})
    _events(w, obj, ctx)
    return w.text()


def _storage_class(pvc: dict) -> str:
    """storageutil.GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName."""
    annotations = _meta(pvc).get("annotations") or {}
    if BETA_STORAGE_CLASS in annotations:
        return str(annotations[BETA_STORAGE_CLASS])
    return str((pvc.get("spec") or {}).get("storageClassName") or "")


def _labels_with_indent(w: Writer, indent: str, title: str, labels: dict | None) -> None:
    """printLabelsMultilineWithIndent(w, indent, title, "\\t", labels, none skipped)."""
    w.w(0, f"{indent}{title}:\t")
    if not labels:
        w.w(0, "<none>\n")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.w(0, indent + "\t")
        w.w(0, f"{key}={labels[key]}\n")


def describe_volume_claim_templates(w: Writer, templates: list | None) -> None:
    """describeVolumeClaimTemplates."""
    if not templates:
        w.w(0, "Volume Claims:\t<none>\n")
        return
    from minikctl.printers.describe import quantity_text

    w.w(0, "Volume Claims:\n")
    for pvc in templates:
        meta = _meta(pvc)
        spec = pvc.get("spec") or {}
        w.w(1, f"Name:\t{meta.get('name', '')}\n")
        w.w(1, f"StorageClass:\t{_storage_class(pvc)}\n")
        _labels_with_indent(w, "  ", "Labels", meta.get("labels"))
        _labels_with_indent(w, "  ", "Annotations", meta.get("annotations"))
        requests = (spec.get("resources") or {}).get("requests") or {}
        w.w(1, f"Capacity:\t{quantity_text(requests['storage']) if 'storage' in requests else '<default>'}\n")
        w.w(1, f"Access Modes:\t[{' '.join(str(m) for m in spec.get('accessModes') or [])}]\n")


def describe_statefulset(obj: dict, ctx) -> str:
    """StatefulSetDescriber / describeStatefulSet."""
    meta = _meta(obj)
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    selector = _selector_string(spec.get("selector"))
    w = Writer()
    w.w(0, f"Name:\t{meta.get('name', '')}\n")
    w.w(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.w(0, f"CreationTimestamp:\t{time_text(meta.get('creationTimestamp'))}\n")
    w.w(0, f"Selector:\t{selector}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(0, f"Replicas:\t{spec.get('replicas') or 0} desired | {status.get('replicas') or 0} total\n")
    strategy = spec.get("updateStrategy") or {}
    w.w(0, f"Update Strategy:\t{strategy.get('type', '')}\n")
    ru = strategy.get("rollingUpdate")
    if ru is not None and ru.get("partition") is not None:
        w.w(1, f"Partition:\t{ru['partition']}\n")
        if ru.get("maxUnavailable") is not None:
            w.w(1, f"MaxUnavailable:\t{_int_or_string(ru['maxUnavailable'])}\n")
    _pods_status(w, obj, ctx)
    describe_pod_template(w, spec.get("template") or {})
    describe_volume_claim_templates(w, spec.get("volumeClaimTemplates"))
    _events(w, obj, ctx)
    return w.text()


# ---------------------------------------------------------------------------------------------------------------
# Job, CronJob


def _selector_line(selector) -> str:
    from minikctl.kube.errors import BadRequest

    try:
        return f"Selector:\t{_selector_string(selector)}\n"
    except BadRequest as e:
        return f"Selector:\tFailed to get selector: {e}\n"


def cap_indexes(indexes: str | None, soft_limit: int = 50) -> str:
    """capIndexesListOrNone: the completed indexes, cut after the first comma past the soft limit."""
    if not indexes:
        return "<none>"
    ix = indexes.find(",", soft_limit)
    if ix < 0 or soft_limit >= len(indexes):
        return indexes
    return indexes[: ix + 1] + "..."


def describe_job(obj: dict, ctx) -> str:
    """JobDescriber / describeJob."""
    from minikctl.api.registry.cells import between

    meta = _meta(obj)
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    w = Writer()
    w.w(0, f"Name:\t{meta.get('name', '')}\n")
    w.w(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.w(0, _selector_line(spec.get("selector")))
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    owner = controlled_by(obj)
    if owner:
        w.w(0, f"Controlled By:\t{owner}\n")
    if spec.get("parallelism") is not None:
        w.w(0, f"Parallelism:\t{spec['parallelism']}\n")
    if spec.get("completions") is not None:
        w.w(0, f"Completions:\t{spec['completions']}\n")
    else:
        w.w(0, "Completions:\t<unset>\n")
    if spec.get("completionMode") is not None:
        w.w(0, f"Completion Mode:\t{spec['completionMode']}\n")
    if spec.get("suspend") is not None:
        w.w(0, f"Suspend:\t{go_bool(spec['suspend'])}\n")
    if spec.get("backoffLimit") is not None:
        w.w(0, f"Backoff Limit:\t{spec['backoffLimit']}\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.w(0, f"TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")
    if status.get("startTime"):
        w.w(0, f"Start Time:\t{time_text(status['startTime'])}\n")
    if status.get("completionTime"):
        w.w(0, f"Completed At:\t{time_text(status['completionTime'])}\n")
    if status.get("startTime") and status.get("completionTime"):
        w.w(0, f"Duration:\t{between(status['startTime'], status['completionTime'])}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.w(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    active, succeeded, failed = (status.get(k) or 0 for k in ("active", "succeeded", "failed"))
    if status.get("ready") is None:
        w.w(0, f"Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n")
    else:
        w.w(0, f"Pods Statuses:\t{active} Active ({status['ready']} Ready) / {succeeded} Succeeded / {failed} Failed\n")
    if spec.get("completionMode") == "Indexed":
        w.w(0, f"Completed Indexes:\t{cap_indexes(status.get('completedIndexes'))}\n")
    describe_pod_template(w, spec.get("template") or {})
    _events(w, obj, ctx)
    return w.text()


def _describe_job_template(w: Writer, job_template: dict) -> None:
    """describeJobTemplate: the CronJob's job template (selector, parallelism, completions, deadline, pods)."""
    spec = job_template.get("spec") or {}
    if spec.get("selector") is not None:
        w.w(0, _selector_line(spec["selector"]))
    else:
        w.w(0, "Selector:\t<unset>\n")
    for key, title in (("parallelism", "Parallelism"), ("completions", "Completions")):
        w.w(0, f"{title}:\t{spec[key]}\n" if spec.get(key) is not None else f"{title}:\t<unset>\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.w(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    describe_pod_template(w, spec.get("template") or {})


def describe_cronjob(obj: dict, ctx) -> str:
    """CronJobDescriber / describeCronJob."""
    from minikctl.printers.describe import bool_ptr

    meta = _meta(obj)
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    w = Writer()
    w.w(0, f"Name:\t{meta.get('name', '')}\n")
    w.w(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(0, f"Schedule:\t{spec.get('schedule', '')}\n")
    w.w(0, f"Concurrency Policy:\t{spec.get('concurrencyPolicy', '')}\n")
    w.w(0, f"Suspend:\t{bool_ptr(spec.get('suspend'))}\n")
    for key, title in (("successfulJobsHistoryLimit", "Successful Job History Limit"),
                       ("failedJobsHistoryLimit", "Failed Job History Limit")):
        w.w(0, f"{title}:\t{spec[key]}\n" if spec.get(key) is not None else f"{title}:\t<unset>\n")
    if spec.get("startingDeadlineSeconds") is not None:
        w.w(0, f"Starting Deadline Seconds:\t{spec['startingDeadlineSeconds']}s\n")
    else:
        w.w(0, "Starting Deadline Seconds:\t<unset>\n")
    _describe_job_template(w, spec.get("jobTemplate") or {})
    if status.get("lastScheduleTime"):
        w.w(0, f"Last Schedule Time:\t{time_text(status['lastScheduleTime'])}\n")
    else:
        w.w(0, "Last Schedule Time:\t<unset>\n")
    active = status.get("active") or []
    w.w(0, "Active Jobs:\t" + (", ".join(ref.get("name", "") for ref in active) or "<none>") + "\n")
    _events(w, obj, ctx)
    return w.text()

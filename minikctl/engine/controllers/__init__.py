"""The controllers of the simulated control plane, in the order they react at one instant.

Each is a component of ``engine/loop.py`` (``observe``/``work``/``due``/``finish``) and writes only through
the API. The scheduler and the kubelets are components too; the loop puts them first.

``SPECS`` names them without importing them: the loop builds a controller (imports its module) only when it has
something to do, the first time a change of a kind it watches reaches it or one of its runtime records is due
(``Loop.wake``). Until then nothing about it differs from a controller that was built and saw the same changes,
because ``gate`` says which changes a newly built controller would do nothing with: no work queued, no record
written, nothing kept but the read-through caches of its informers (which a controller built later reads from the
store as it then is). A ``label`` of a pod that no workload owns then loads no workload controller
(tests/unit/test_controller_gates.py holds each gate against its controller's ``observe``).
"""

from __future__ import annotations

from minikctl.store.changelog import ADDED, DELETED

# the Job controller's markers (engine/controllers/job.py: batch.JobTrackingFinalizer, batch.ControllerUidLabel)
JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
JOB_CONTROLLER_UID = "batch.kubernetes.io/controller-uid"
GC_FINALIZERS = ("foregroundDeletion", "orphan")  # engine/controllers/garbagecollector.py FOREGROUND, ORPHAN


class Spec:
    """A controller as the loop knows it before it is built: where it lives, the kinds it watches (``"*"``:
    every kind) and owns (its runtime records), and its gate (None: every change of a watched kind counts)."""

    __slots__ = ("module", "cls", "watches", "owns", "gate")

    def __init__(self, module: str, cls: str, watches: tuple, owns: tuple, gate=None) -> None:
        self.module = "minikctl.engine.controllers." + module
        self.cls = cls
        self.watches = watches
        self.owns = owns
        self.gate = gate

    def load(self):
        return getattr(__import__(self.module, fromlist=[self.cls]), self.cls)


def _ref(obj: dict) -> dict | None:
    """base.controller_ref (metav1.GetControllerOf), without importing the workload controllers' base."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def _gc_gate(loop, ch) -> bool:
    """GarbageCollector.observe with no graph read yet: a deletion, an object added with owner references, an
    owner deleted in the foreground or orphaning; a MODIFIED change only matters against a graph already read."""
    if ch.kind == "Event":
        return False
    if ch.type == DELETED:
        return True
    meta = ch.obj.get("metadata") or {}
    if ch.type == ADDED and meta.get("ownerReferences"):
        return True
    return bool(meta.get("deletionTimestamp")) and any(f in GC_FINALIZERS for f in meta.get("finalizers") or [])


def _namespace_gate(loop, ch) -> bool:
    """NamespaceController.observe: Namespace changes, and deletions of namespaced objects."""
    return ch.kind == "Namespace" or (ch.type == DELETED and bool(ch.namespace))


def _owner_gate(kind: str):
    """base.Controller.observe for a controller of ``kind`` whose other watches are only its owned kinds' (the
    ReplicaSet, StatefulSet and DaemonSet controllers; the DaemonSet's Node changes always count): a change of
    its own kind; one of an object it controls; an orphan, when an object of its kind exists in the namespace
    (``observe_orphan`` looks for an owner whose selector matches)."""

    def gate(loop, ch) -> bool:
        if ch.kind == kind or ch.kind == "Node":
            return True
        ref = _ref(ch.obj)
        if ref is not None:
            return ref.get("kind") == kind
        return ch.type != DELETED and loop.any_of(kind, ch.namespace)

    return gate


def _deployment_gate(loop, ch) -> bool:
    """DeploymentController.observe: its Deployments; ReplicaSets it controls or may adopt; the deletion of a pod
    a ReplicaSet controls (``observe_other``)."""
    if ch.kind == "Deployment":
        return True
    ref = _ref(ch.obj)
    if ch.kind == "Pod":
        return ch.type == DELETED and ref is not None and ref.get("kind") == "ReplicaSet"
    if ref is not None:
        return ref.get("kind") == "Deployment"
    return ch.type != DELETED and loop.any_of("Deployment", ch.namespace)


def _job_gate(loop, ch) -> bool:
    """JobController.observe: its Jobs; pods it controls; orphans with its tracking finalizer or its
    controller-uid label."""
    if ch.kind != "Pod":
        return True
    ref = _ref(ch.obj)
    if ref is not None:
        return ref.get("kind") == "Job"
    if ch.type == DELETED:
        return False
    meta = ch.obj.get("metadata") or {}
    return JOB_TRACKING_FINALIZER in (meta.get("finalizers") or []) or bool((meta.get("labels") or {}).get(
        JOB_CONTROLLER_UID))


def _taint_gate(loop, ch) -> bool:
    """TaintEvictionController.observe: Node changes; a pod's, on a node with NoExecute taints
    (``no_execute_taints``) or deletions scheduled there (its ``TaintEviction`` record)."""
    if ch.kind == "Node":
        return True
    node = (ch.obj.get("spec") or {}).get("nodeName")
    if not node:
        return False

    def read() -> bool:
        taints = ((loop.tx.get("Node", "", node) or {}).get("spec") or {}).get("taints") or []
        return any(t.get("effect") == "NoExecute" for t in taints) or \
            loop.tx.get_runtime("TaintEviction", "", node) is not None

    return loop.known(("taints", node), read)


def _endpoints_gate(loop, ch) -> bool:
    """The endpoints controllers' observe (endpoints.py _ServicePods) with cold informers: Services and the
    objects they write count; a pod's change only when a Service of its namespace has a selector."""
    if ch.kind != "Pod":
        return True
    ns = ch.namespace
    return loop.known(("selecting", ns), lambda: any(
        (svc.get("spec") or {}).get("selector") for svc in loop.tx.list("Service", ns)))


def _scheduler_gate(loop, ch) -> bool:
    """Scheduler.observe: Node changes (the unschedulable pods are tried again), deletions (they leave the
    unschedulable queue), and pods someone else wrote that wait for a node (no nodeName, not being deleted)."""
    if ch.kind == "Node" or ch.type == DELETED:
        return True
    if ch.by == "scheduler":
        return False
    return not ((ch.obj.get("spec") or {}).get("nodeName") or (ch.obj.get("metadata") or {}).get("deletionTimestamp"))


# the scheduler comes first in the loop's order, before the kubelets (``Loop.scheduler`` builds it when asked)
SCHEDULER = Spec("scheduler", "Scheduler", ("Pod", "Node"), ("Scheduler",), _scheduler_gate)

SPECS = (
    Spec("garbagecollector", "GarbageCollector", ("*",), (), _gc_gate),
    Spec("namespace", "NamespaceController", ("Namespace", "*"), (), _namespace_gate),
    Spec("serviceaccount", "ServiceAccountsController", ("Namespace", "ServiceAccount"), ()),
    Spec("rootcacert", "RootCACertPublisher", ("Namespace", "ConfigMap"), ()),
    Spec("podgc", "PodGarbageCollector", ("Node",), ("PodGC",)),
    Spec("nodelifecycle", "NodeLifecycleController", ("Node",), ("NodeHealth", "ZoneTainter")),
    Spec("tainteviction", "TaintEvictionController", ("Node", "Pod"), ("TaintEviction",), _taint_gate),
    Spec("deployment", "DeploymentController", ("Deployment", "ReplicaSet", "Pod"), ("Deployment",),
         _deployment_gate),
    Spec("replicaset", "ReplicaSetController", ("ReplicaSet", "Pod"), ("ReplicaSet",), _owner_gate("ReplicaSet")),
    Spec("statefulset", "StatefulSetController", ("StatefulSet", "Pod"), ("StatefulSet",),
         _owner_gate("StatefulSet")),
    Spec("daemonset", "DaemonSetController", ("DaemonSet", "Pod", "ControllerRevision", "Node"), ("DaemonSet",),
         _owner_gate("DaemonSet")),
    Spec("job", "JobController", ("Job", "Pod"), ("Job",), _job_gate),
    Spec("cronjob", "CronJobController", ("CronJob", "Job"), ("CronJob",)),
    Spec("ttlafterfinished", "TTLAfterFinishedController", ("Job",), ("JobTTL",)),
    Spec("endpoints", "EndpointsController", ("Service", "Pod", "Endpoints"), ("Service/endpoints",),
         _endpoints_gate),
    Spec("endpoints", "EndpointSliceController", ("Service", "Pod", "EndpointSlice"), ("Service/endpointslices",),
         _endpoints_gate),
)


def __getattr__(name: str):
    """``CONTROLLERS``: the classes themselves, in the order of ``SPECS`` (importing every controller)."""
    if name == "CONTROLLERS":
        return [spec.load() for spec in SPECS]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

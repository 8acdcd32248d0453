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

A gate reads of a pod change only its type, writer (the scheduler or not), namespace and node, its owner references,
deletion timestamp, finalizers and the Job controller's uid label, and of the store only through ``Loop.known``:
engine/loop.py ``_route_key`` keys on that, and a pod change whose gates all said no once is not asked again.
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


def replica_set_syncs_write_nothing(tx, pod: dict, ready_moves: bool) -> bool:
    """Whether the ReplicaSet controller writes nothing for the status writes of ``pod`` (each a change its gate,
    ``_owner_gate``, lets through) for as long as nobody but the controllers and the kubelet writes (a
    ``clock advance``), the pod's Ready moving (``ready_moves``) or not: what lets a crash loop's jumped status
    writes take their revisions later (``PodWorker.jump_writes``).

    A pod nobody controls: ``updatePod`` (pkg/controller/replicaset/replica_set.go) queues the ReplicaSets whose
    selector matches its labels (``getPodReplicaSets``, engine/controllers/replicaset.py ``observe_orphan``), to
    adopt it; with none in its namespace, nothing is queued, and none is made during an advance (a Deployment's
    new ReplicaSet comes with the Deployment's change, synced at its instant).

    A pod a ReplicaSet controls: each write queues a sync of it. ``syncReplicaSet`` reads of a pod only its facts
    (active, owner, labels, ready and since when: replicaset.py ``_pod_facts``), none of which a status write
    moves while the pod stays not ready, and what it writes depends on the time only through ``minReadySeconds``
    (``podutil.IsPodAvailable``), a failed sync (its ReplicaFailure condition's time, the rate-limited retry) and a
    scale-down's ranking. So its sync at an instant where nothing it reads changed since its last sync does what
    that one did after it: nothing, when

    - the ReplicaSet has no ``minReadySeconds``, is not being deleted, has the replicas it wants
      (``status.replicas`` = ``spec.replicas``, ``observedGeneration`` current, no ReplicaFailure condition) and
      nothing waiting in its queue (its runtime record: no failures, no delayed entry; a sync queued at this
      instant at most);
    - what could change its replicas does not: the Deployment controlling it (if any; another owner might scale
      it) wants that many and no other of its ReplicaSets has any (no rollout, nothing to scale:
      ``rolloutRolling`` / ``sync`` in pkg/controller/deployment), neither is being deleted, nor the namespace.

    Then a creation it makes (a pod of the set deleted meanwhile) is made from a template already created from,
    and succeeds; the sync after it is again one that writes nothing."""
    meta = pod.get("metadata") or {}
    ns = meta.get("namespace", "default")
    if meta.get("deletionTimestamp"):
        return False
    ref = _ref(pod)
    if ref is None:
        labels = meta.get("labels") or {}
        if not labels:
            return True
        from minikctl.kube import errors
        from minikctl.kube.selectors import LabelSelector

        for rs in tx.list("ReplicaSet", ns):
            try:
                sel = LabelSelector.from_match((rs.get("spec") or {}).get("selector"))
            except errors.MinikctlError:
                continue
            if sel is not None and not sel.empty() and sel.matches(labels):
                return False
        return True
    if ready_moves or ref.get("kind") != "ReplicaSet" or any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in (pod.get("status") or {}).get("conditions") or []):
        return False
    rs = tx.get("ReplicaSet", ns, ref.get("name", ""))
    if rs is None or (rs.get("metadata") or {}).get("uid") != ref.get("uid"):
        return False
    rmeta, spec, status = rs.get("metadata") or {}, rs.get("spec") or {}, rs.get("status") or {}
    replicas = int(spec["replicas"]) if spec.get("replicas") is not None else 1
    if rmeta.get("deletionTimestamp") or int(spec.get("minReadySeconds") or 0) \
            or int(status.get("replicas") or 0) != replicas \
            or int(status.get("observedGeneration") or 0) != int(rmeta.get("generation") or 0) \
            or any(c.get("type") == "ReplicaFailure" for c in status.get("conditions") or []):
        return False
    queued = tx.get_runtime("ReplicaSet", ns, rmeta.get("name", ""))
    if queued and (set(queued) - {"now"} or queued["now"] != tx.now_ms):
        return False
    space = tx.get("Namespace", "", ns)
    if space is None or (space.get("metadata") or {}).get("deletionTimestamp"):
        return False
    dref = _ref(rs)
    if dref is None:
        return True
    if dref.get("kind") != "Deployment":
        return False
    d = tx.get("Deployment", ns, dref.get("name", ""))
    if d is None or (d.get("metadata") or {}).get("uid") != dref.get("uid") \
            or (d.get("metadata") or {}).get("deletionTimestamp"):
        return False
    dspec = d.get("spec") or {}
    if (int(dspec["replicas"]) if dspec.get("replicas") is not None else 1) != replicas:
        return False
    for other in tx.list("ReplicaSet", ns):
        oref = _ref(other)
        if other is rs or oref is None or oref.get("uid") != dref.get("uid") \
                or (other.get("metadata") or {}).get("uid") == rmeta.get("uid"):
            continue
        if int((other.get("spec") or {}).get("replicas") or 0) or int((other.get("status") or {}).get("replicas")
                                                                       or 0):
            return False
    return True


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

"""What every workload controller shares: a work queue of owners, the owner of a changed object (its
controller reference), pods made from a template, events, and timers on the virtual clock.

The pieces follow ``pkg/controller/controller_utils.go`` (``GetPodFromTemplate``, ``FilterActivePods``,
``IsPodActive``), ``pkg/controller/controller_ref_manager.go`` (adoption and release by selector) and
``metav1.NewControllerRef``. A controller subclasses ``Controller``, names its kind and what it owns, and
writes ``sync(namespace, name, obj)``: the loop (engine/loop.py) calls it at the instant something changed.
"""

from __future__ import annotations

import json

from minikctl.api import stamp as _stamp
from minikctl.kube import errors as E
from minikctl.kube.selectors import selector_matches
from minikctl.kube.treecopy import tree_copy
from minikctl.store.changelog import DELETED


def status_base(live: dict) -> dict:
    """What a controller's status write (the Job's and the CronJob's updateStatus) builds its object on: ``live``,
    just read from the store and dropped after the write, with a copy of its metadata, which the write changes in
    place (``Api.update``: resourceVersion, managedFields), and its other fields shared (the status is replaced,
    the spec only read: a trusted status update neither prepares nor validates it). Gives what a copy of the
    whole object gives, without copying the spec (a CronJob's holds its Job template)."""
    new = dict(live)
    new["metadata"] = tree_copy(live["metadata"])
    return new


def controller_ref(obj: dict) -> dict | None:
    """metav1.GetControllerOf: the owner reference with ``controller: true``."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def new_controller_ref(owner: dict) -> dict:
    """metav1.NewControllerRef(owner, gvk)."""
    meta = owner["metadata"]
    return {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": meta["name"], "uid": meta["uid"],
            "controller": True, "blockOwnerDeletion": True}


def pod_from_template(template: dict, owner: dict, ref: dict | None = None, copy_spec: bool = True) -> dict:
    """GetPodFromTemplate: the template's labels, annotations and finalizers, ``<owner>-`` as generateName,
    the owner's controller reference, a copy of the template's spec (``copy_spec`` False: the template's spec
    itself, for a caller that only hands the pod to ``create_pod``, whose admission copies the request first)."""
    tmeta = template.get("metadata") or {}
    name = owner["metadata"]["name"]
    prefix = name + "-"
    from minikctl.api.validation import is_dns1123_subdomain

    if is_dns1123_subdomain(prefix + "a"):  # ValidatePodName(prefix, true): generated names must stay valid
        prefix = name
    meta: dict = {"generateName": prefix, "namespace": owner["metadata"].get("namespace", "default")}
    if tmeta.get("labels"):
        meta["labels"] = dict(tmeta["labels"])
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    if tmeta.get("finalizers"):
        meta["finalizers"] = list(tmeta["finalizers"])
    meta["ownerReferences"] = [ref or new_controller_ref(owner)]
    spec = template.get("spec") or {}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": json.loads(json.dumps(spec)) if copy_spec else spec}


def is_pod_active(pod: dict) -> bool:
    """IsPodActive: not Succeeded, not Failed, not being deleted."""
    return ((pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
            and not (pod.get("metadata") or {}).get("deletionTimestamp"))


def is_pod_ready(pod: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def ready_since_ms(pod: dict) -> int | None:
    """When the pod's Ready condition last became True (None when it is not ready)."""
    from minikctl.kube.timefmt import parse_rfc3339

    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready" and c.get("status") == "True":
            ts = c.get("lastTransitionTime")
            return parse_rfc3339(ts) if ts else 0
    return None


def is_pod_available(pod: dict, min_ready_seconds: int, now_ms: int) -> bool:
    """podutil.IsPodAvailable: ready for at least minReadySeconds."""
    since = ready_since_ms(pod)
    if since is None:
        return False
    return min_ready_seconds == 0 or since + min_ready_seconds * 1000 <= now_ms


def as_stored(obj: dict, text: str, status):
    """``Tx.get_with_body``'s ``decode`` for the status write of ``obj``, which its sync read as ``text`` (or wrote
    as it) and has changed in its status alone since: while the store still holds that text, the object stored is
    ``obj`` with ``status``, the status it had then (its spec, metadata and the rest shared, only read), not the
    text decoded again; else None (decoded)."""
    def decode(stored: str) -> dict | None:
        if stored != text:
            return None
        live = dict(obj)
        live["status"] = status
        return live
    return decode


class Controller:
    """A controller of one owner kind. Subclasses set ``name`` (its event source and writer), ``kind`` (the
    owner kind), ``owned`` (kinds whose changes wake their controller owner) and write ``sync``."""

    name = ""
    kind = ""
    owned: tuple[str, ...] = ("Pod",)
    also_watches: tuple[str, ...] = ()
    create_error: str | None = None  # the last create_pod's refusal

    def __init__(self, loop) -> None:
        self.loop = loop
        self.tx = loop.tx
        self.api = loop.api.as_writer(self.name)
        self.queue: dict[tuple, None] = {}
        self.watches = (self.kind,) + tuple(self.owned) + tuple(self.also_watches)
        self.owns = (self.kind,)
        self._owners: dict[str | None, list[dict]] = {}  # the owner kind's informer cache, per namespace

    # ---- the informers ----------------------------------------------------------------------
    def observe(self, ch) -> None:
        if ch.kind == self.kind:
            self._owners.clear()
            self.enqueue(ch.namespace, ch.name)
            return
        if ch.kind in self.owned:
            ref = controller_ref(ch.obj)
            if ref is not None and ref.get("kind") == self.kind:
                self.enqueue(ch.namespace, ref.get("name", ""))
            elif ref is None and ch.type != DELETED:
                self.observe_orphan(ch)
            return
        self.observe_other(ch)

    def owners(self, namespace: str | None = None) -> list[dict]:
        """The objects of the owner kind (in one namespace, or all), as the controller's informer lister holds
        them: read once and kept until a change of that kind is observed. Orphan pods change often (every
        status write of a pod nobody owns), and each lookup would otherwise read the store."""
        cached = self._owners.get(namespace)
        if cached is None:
            cached = self._owners[namespace] = self.tx.list(self.kind, namespace)
        return cached

    def observe_orphan(self, ch) -> None:
        """An owned-kind object without a controller: owners whose selector matches it may adopt it."""

    def observe_other(self, ch) -> None:
        """Changes of ``also_watches`` kinds."""

    def enqueue(self, namespace: str, name: str) -> None:
        self.queue[(namespace, name)] = None

    def has_work(self) -> bool:
        return bool(self.queue)

    def work(self) -> None:
        while self.queue:
            key = next(iter(self.queue))
            del self.queue[key]
            self.sync(key[0], key[1], self.read(*key))

    # whether ``read`` keeps the stored text the sync's object was decoded from (``last_read``), for a status write
    # that takes the object as stored from it (``as_stored``); off with the stamps (MINIKCTL_NO_STAMP=1, api/stamp.py)
    KEEPS_TEXT = False
    last_read: tuple[dict, str] | None = None

    def read(self, namespace: str, name: str) -> dict | None:
        """The object of ``kind`` a sync works on, read from the store (its own copy); with ``KEEPS_TEXT``, it and
        the stored text it was decoded from are kept as ``last_read``."""
        if not (self.KEEPS_TEXT and _stamp.ENABLED):
            self.last_read = None
            return self.tx.get(self.kind, namespace, name)
        found = self.last_read = self.tx.get_with_body(self.kind, namespace, name)
        return None if found is None else found[0]

    def sync(self, namespace: str, name: str, obj: dict | None) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        pass

    # ---- timers ---------------------------------------------------------------------------------
    def wake_at(self, namespace: str, name: str, at_ms: int) -> None:
        """Sync this owner again at ``at_ms`` (the earliest of the times asked for wins)."""
        rec = self.tx.get_runtime(self.kind, namespace, name)
        if rec is not None and rec.get("at") is not None and rec["at"] <= at_ms:
            return
        self.tx.put_runtime(self.kind, namespace, name, {"at": int(at_ms)}, int(at_ms))

    def due(self, kind: str, namespace: str, name: str, until: int, horizon: int | None) -> None:
        self.tx.delete_runtime(kind, namespace, name)
        self.sync(namespace, name, self.read(namespace, name))

    # ---- objects it owns ---------------------------------------------------------------------------
    def owned_objects(self, owner: dict, kind: str = "Pod", adopt: bool = True, match=None,
                      fields: tuple[str, ...] = ()) -> list[dict]:
        """The objects of ``kind`` this owner controls (``ClaimPods``): those with its controller reference
        whose labels still match (the others are released), and orphans that match (adopted). ``match`` is
        ClaimPods' extra filter (the StatefulSet's ``isMemberOf``): an object it refuses does not match.
        ``fields``: list only those paths of each object (``metadata`` must be one); writes use the whole object."""
        meta = owner["metadata"]
        uid = meta.get("uid")
        selector = (owner.get("spec") or {}).get("selector")
        ns = meta.get("namespace", "default")
        out = []
        for obj in self.tx.list(kind, ns, fields):
            ref = controller_ref(obj)
            labels = (obj.get("metadata") or {}).get("labels") or {}
            matches = (selector is None or selector_matches(selector, labels)) and (match is None or match(obj))
            if ref is not None:
                if ref.get("uid") != uid:
                    continue
                if not matches and not (obj.get("metadata") or {}).get("deletionTimestamp"):
                    self._release(self.tx.get(kind, ns, obj["metadata"]["name"]) if fields else obj, uid)
                    continue
                out.append(obj)
            elif adopt and selector is not None and matches and not meta.get("deletionTimestamp") \
                    and not (obj.get("metadata") or {}).get("deletionTimestamp"):
                out.append(self._adopt(self.tx.get(kind, ns, obj["metadata"]["name"]) if fields else obj, owner))
        return out

    def _adopt(self, obj: dict, owner: dict) -> dict:
        new = json.loads(json.dumps(obj))
        new["metadata"]["ownerReferences"] = (new["metadata"].get("ownerReferences") or []) + [new_controller_ref(owner)]
        stored, _ = self.api.update(obj, new, verb="patching")
        return stored

    def _release(self, obj: dict, uid: str) -> None:
        new = json.loads(json.dumps(obj))
        refs = [r for r in new["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
        if refs:
            new["metadata"]["ownerReferences"] = refs
        else:
            new["metadata"].pop("ownerReferences", None)
        self.api.update(obj, new, verb="patching")

    def create_pod(self, owner: dict, pod: dict) -> dict | None:
        """Create a pod through admission; ``SuccessfulCreate`` or ``FailedCreate`` on the owner (a refusal
        leaves nothing behind and the controller carries on, as the real ones do)."""
        self.create_error = None
        try:
            created = self.api.create(pod)  # admission refuses before anything is written
        except E.MinikctlError as e:
            msg = e.server_message() if isinstance(e, E.StatusError) else str(e)
            self.event(owner, "Warning", "FailedCreate", f"Error creating: {msg}")
            self.create_error = msg  # the error's text, for the controllers that report it in a condition
            return None
        self.event(owner, "Normal", "SuccessfulCreate", f"Created pod: {created['metadata']['name']}")
        return created

    def delete_pod(self, owner: dict, pod: dict) -> None:
        try:
            self.api.delete(pod)
        except E.MinikctlError as e:
            msg = e.server_message() if isinstance(e, E.StatusError) else str(e)
            self.event(owner, "Warning", "FailedDelete", f"Error deleting: {msg}")
            return
        self.event(owner, "Normal", "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}")

    def update_status(self, obj: dict, status: dict) -> dict:
        """Write the owner's status through the status subresource when it changed."""
        if (obj.get("status") or {}) == status:
            return obj
        new = json.loads(json.dumps(obj))
        new["status"] = status
        stored, _ = self.api.update(obj, new, subresource="status", verb="patching")
        return stored

    def event(self, obj: dict, type_: str, reason: str, message: str) -> None:
        self.api.event(obj, type_, reason, message, self.name)

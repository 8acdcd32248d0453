"""The garbage collector: ownerReferences and cascading deletion (``pkg/controller/garbagecollector``, v1.32).

Its graph of who owns what (``GraphBuilder``'s uidToNode) is built from the store the first time a run needs it,
then kept current from the change log. Its work, as the upstream workers do it:

  - ``attempt`` (``attemptToDeleteItem``): an object whose owner references are all dangling (the owner is gone,
    or has another uid) is deleted, with its own ``orphan``/``foregroundDeletion`` finalizer's policy or in the
    background; one with a live owner only loses the dangling references (and those to owners waiting for their
    dependents); one whose owners wait for their dependents is deleted (in the foreground when it has dependents
    of its own). An owner of a kind not served, or a namespaced owner of a cluster-scoped object, is never
    resolved, so the object stays (upstream retries it forever).
  - ``deleting`` (``processDeletingDependentsItem``): an owner deleted in the foreground (deletionTimestamp and
    the ``foregroundDeletion`` finalizer) loses the finalizer, and with it goes, once none of its dependents whose
    reference says ``blockOwnerDeletion`` is left; until then those dependents are attempted.
  - ``orphan`` (``attemptToOrphanWorker``): an owner deleted with the ``orphan`` finalizer has its reference
    taken off every dependent, then loses the finalizer.

What wakes them (``GraphBuilder.processGraphChanges``): an object added with owner references (an owner may be
absent), an object whose references changed, an owner that starts waiting for its dependents (it and all of them),
an owner with the orphan finalizer, the deletion of an object (its dependents; its owners may be waiting for it).
Everything goes through the API at the instant the collector sees the change.
"""

from __future__ import annotations

import json
import os

from minikctl.kube import errors as E
from minikctl.kube.kinds import for_kind
from minikctl.store.changelog import ADDED, DELETED

WRITER = "generic-garbage-collector"
FOREGROUND = "foregroundDeletion"  # metav1.FinalizerDeleteDependents
ORPHAN = "orphan"  # metav1.FinalizerOrphanDependents
# an attempted object whose owners are all live and none of them, nor it, being deleted is let go from a few
# fields of the stored texts, without decoding them (``_settled``); MINIKCTL_NO_GC_PEEK=1 decodes them every time.
# tests/unit/test_gc_peek.py compares the stores both ways.
PEEK = os.environ.get("MINIKCTL_NO_GC_PEEK", "") in ("", "0")
_DEP_FIELDS = ("$.metadata.deletionTimestamp", "$.metadata.ownerReferences")
_OWNER_FIELDS = ("$.metadata.uid", "$.metadata.deletionTimestamp")


def deleting_dependents(obj: dict) -> bool:
    """node.isDeletingDependents: being deleted, in the foreground."""
    meta = obj.get("metadata") or {}
    return bool(meta.get("deletionTimestamp")) and FOREGROUND in (meta.get("finalizers") or [])


def orphaning(obj: dict) -> bool:
    meta = obj.get("metadata") or {}
    return bool(meta.get("deletionTimestamp")) and ORPHAN in (meta.get("finalizers") or [])


class GarbageCollector:
    name = WRITER
    watches = ("*",)
    owns = ()

    def __init__(self, loop) -> None:
        self.tx = loop.tx
        self.api = loop.api.as_writer(WRITER)
        self.attempts: dict[tuple, None] = {}  # attemptToDelete: (kind, namespace, name)
        self.owners: dict[tuple, str] = {}  # (kind, namespace, name, uid) -> "deleting" | "orphan"
        self.gone: dict[str, None] = {}  # uids of deleted objects whose dependents are to be attempted
        self._waiting: dict[str, None] = {}  # uids of owners that started waiting: their dependents are attempted
        self._graph: dict[str, dict[tuple, dict]] | None = None  # owner uid -> {(kind, ns, name): ownerRef}
        self._refs: dict[tuple, list] = {}  # (kind, ns, name) -> its ownerReferences, as last seen
        self._cache: dict[tuple, dict | None] = {}  # owners looked up in this run (dropped when they change)
        self._peeked: dict[tuple, tuple | None] = {}  # owners' (uid, deletionTimestamp) read by ``_settled``, alike

    # ---- the graph --------------------------------------------------------------------------
    def graph(self) -> dict:
        if self._graph is None:
            self._graph = {}
            self.tx.flush_objects()
            rows = self.tx.conn.execute(
                "SELECT kind, namespace, name, json_extract(body, '$.metadata.ownerReferences') FROM objects "
                "WHERE json_extract(body, '$.metadata.ownerReferences') IS NOT NULL")
            for kind, ns, name, refs in rows:
                self._link((kind, ns, name), json.loads(refs) or [])
        return self._graph

    def _link(self, key: tuple, refs: list) -> None:
        old = self._refs.pop(key, None)
        for ref in old or []:
            deps = self._graph.get(ref.get("uid"))
            if deps is not None:
                deps.pop(key, None)
                if not deps:
                    del self._graph[ref.get("uid")]
        if refs:
            self._refs[key] = refs
            for ref in refs:
                self._graph.setdefault(ref.get("uid"), {})[key] = ref

    def dependents(self, uid: str) -> list[tuple]:
        return sorted(self.graph().get(uid, {}))

    # ---- the informer (GraphBuilder.processGraphChanges) ---------------------------------------------------
    def observe(self, ch) -> None:
        if ch.kind == "Event":
            return
        key = (ch.kind, ch.namespace, ch.name)
        self._cache.pop(key, None)
        self._peeked.pop(key, None)
        meta = ch.obj.get("metadata") or {}
        refs = meta.get("ownerReferences") or []
        old_refs = None
        if self._graph is not None:
            old_refs = self._refs.get(key)
            self._link(key, [] if ch.type == DELETED else refs)
        if ch.type == DELETED:
            for ref in refs:  # an owner waiting for its dependents may now be free
                self._queue_owner(ref, ch.namespace, "deleting")
            if not (self._graph is not None and ch.uid not in self._graph):
                self.gone[ch.uid] = None  # its dependents lost an owner (looked up in the graph at work time)
            return
        if deleting_dependents(ch.obj):
            self.owners[key + (ch.uid,)] = "deleting"
            self._waiting[ch.uid] = None  # it and all its dependents (startsWaitingForDependentsDeleted)
        elif orphaning(ch.obj):
            self.owners[key + (ch.uid,)] = "orphan"
        if ch.type == ADDED:
            if refs:
                self.attempts[key] = None  # an owner may be absent (a "virtual" node upstream)
        elif old_refs is not None and old_refs != refs:
            new_uids = {r.get("uid") for r in refs}
            for ref in old_refs:
                if ref.get("uid") not in new_uids:  # a blocking dependent let go of its owner
                    self._queue_owner(ref, ch.namespace, "deleting")
            if any(r.get("uid") not in {o.get("uid") for o in old_refs} for r in refs):
                self.attempts[key] = None

    def _queue_owner(self, ref: dict, namespace: str, what: str) -> None:
        owner = self._owner_key(ref, namespace)
        if owner is not None:
            self.owners.setdefault(owner + (ref.get("uid"),), what)

    def _owner_key(self, ref: dict, namespace: str) -> tuple | None:
        """Where an owner reference points: (kind, namespace, name); None when it cannot be resolved (a kind
        not served; a namespaced owner of a cluster-scoped object: namespacedOwnerOfClusterScopedObjectErr)."""
        res = for_kind(ref.get("apiVersion", ""), ref.get("kind", ""))
        if res is None or (res.namespaced and not namespace):
            return None
        return res.kind, namespace if res.namespaced else "", ref.get("name", "")

    def has_work(self) -> bool:
        return bool(self.attempts or self.owners or self.gone or self._waiting)

    def work(self) -> None:
        while self.has_work():
            while self._waiting:
                uid = next(iter(self._waiting))
                del self._waiting[uid]
                for dep in self.dependents(uid):
                    self.attempts[dep] = None
            while self.gone:
                uid = next(iter(self.gone))
                del self.gone[uid]
                for dep in self.dependents(uid):
                    self.attempts[dep] = None
            while self.attempts:
                key = next(iter(self.attempts))
                del self.attempts[key]
                self.attempt(key)
            while self.owners:
                (kind, ns, name, uid), what = next(iter(self.owners.items()))
                del self.owners[(kind, ns, name, uid)]
                owner = self._live((kind, ns, name))
                if owner is None or owner["metadata"].get("uid") != uid:
                    continue
                if what == "orphan":
                    self.orphan_dependents(owner)
                elif deleting_dependents(owner):
                    self.process_deleting_dependents(owner)

    def finish(self) -> None:
        pass

    # ---- attemptToDeleteItem -------------------------------------------------------------------------------
    def _live(self, key: tuple) -> dict | None:
        if key in self._cache:
            return self._cache[key]
        obj = self._cache[key] = self.tx.get(*key)
        return obj

    def _classify(self, ref: dict, namespace: str) -> str:
        """classifyReferences: "solid", "dangling" (isDangling: absent, or another uid), "waiting" (the owner
        is being deleted in the foreground), "" (not resolvable: the object is left alone)."""
        key = self._owner_key(ref, namespace)
        if key is None:
            return ""
        owner = self._live(key)
        if owner is None or owner["metadata"].get("uid") != ref.get("uid"):
            return "dangling"
        return "waiting" if deleting_dependents(owner) else "solid"

    def _settled(self, key: tuple) -> bool:
        """True when ``attempt`` would find the object there, not being deleted, with owner references all
        "solid" (classifyReferences: each owner resolvable, present with that uid, not deleting its dependents),
        and so do nothing; read from the stored texts in SQL. False when that is not known (then it is decoded):
        an owner being deleted at all, a reference not resolvable."""
        found = self.tx.peek(*key, _DEP_FIELDS)
        if not found or found[0] is not None or found[1] is None:
            return False
        namespace = key[1]
        for ref in json.loads(found[1]):
            if not isinstance(ref, dict):
                return False
            owner_key = self._owner_key(ref, namespace)
            if owner_key is None:
                return False
            if owner_key in self._cache:  # decoded already in this run: as ``_classify`` reads it
                owner = self._cache[owner_key]
                if owner is None or owner["metadata"].get("uid") != ref.get("uid") \
                        or owner["metadata"].get("deletionTimestamp"):
                    return False
                continue
            if owner_key in self._peeked:
                fields = self._peeked[owner_key]
            else:
                fields = self._peeked[owner_key] = self.tx.peek(*owner_key, _OWNER_FIELDS)
            if fields is None or fields[0] != ref.get("uid") or fields[1] is not None:
                return False
        return True

    def attempt(self, key: tuple) -> None:
        if PEEK and self._settled(key):
            return
        obj = self.tx.get(*key)
        if obj is None:
            return
        meta = obj["metadata"]
        if meta.get("deletionTimestamp") and not deleting_dependents(obj):
            return  # "being deleted" is a one-way trip: its dependents are looked at when it is gone
        if deleting_dependents(obj):
            self.process_deleting_dependents(obj)
            return
        refs = meta.get("ownerReferences") or []
        if not refs:
            return
        states = [self._classify(r, key[1]) for r in refs]
        if "" in states:
            return
        uids = [r.get("uid") for r, s in zip(refs, states) if s != "solid"]
        if "solid" in states:
            if uids:  # remove dangling references and references to owners waiting for their dependents
                self._drop_refs(obj, set(uids))
            return
        if "waiting" in states and self.graph().get(meta.get("uid")):
            self._delete(obj, "Foreground")  # it has dependents of its own: they go first
            return
        finalizers = meta.get("finalizers") or []
        self._delete(obj, "Orphan" if ORPHAN in finalizers else "Foreground" if FOREGROUND in finalizers
                     else "Background")

    # ---- processDeletingDependentsItem, attemptToOrphanWorker ----------------------------------------------
    def process_deleting_dependents(self, owner: dict) -> None:
        uid = owner["metadata"].get("uid")
        blocking = []
        for key, ref in sorted(self.graph().get(uid, {}).items()):
            if ref.get("blockOwnerDeletion") and self.tx.get(*key) is not None:
                blocking.append(key)
        if not blocking:
            self._remove_finalizer(owner, FOREGROUND)
            return
        for key in blocking:
            dep = self.tx.get(*key)
            if dep is not None and not deleting_dependents(dep):
                self.attempt(key)

    def orphan_dependents(self, owner: dict) -> None:
        uid = owner["metadata"].get("uid")
        for key in self.dependents(uid):
            dep = self.tx.get(*key)
            if dep is not None:
                self._drop_refs(dep, {uid})
        self._remove_finalizer(owner, ORPHAN)

    # ---- writes, through the API ---------------------------------------------------------------------------
    def _delete(self, obj: dict, policy: str) -> None:
        meta = obj["metadata"]
        self._cache.pop((obj["kind"], meta.get("namespace", ""), meta["name"]), None)
        self._peeked.pop((obj["kind"], meta.get("namespace", ""), meta["name"]), None)
        try:
            self.api.delete(obj, propagation=policy)
        except E.MinikctlError:
            pass  # upstream retries with back-off; here the next change of the object brings it back

    def _drop_refs(self, obj: dict, uids: set) -> None:
        """The strategic merge patch GenerateDeleteOwnerRefStrategicMergeBytes sends: those references gone."""
        new = json.loads(json.dumps(obj))
        refs = [r for r in new["metadata"].get("ownerReferences") or [] if r.get("uid") not in uids]
        if refs:
            new["metadata"]["ownerReferences"] = refs
        else:
            new["metadata"].pop("ownerReferences", None)
        self._update(obj, new)

    def _remove_finalizer(self, owner: dict, finalizer: str) -> None:
        new = json.loads(json.dumps(owner))
        left = [f for f in new["metadata"].get("finalizers") or [] if f != finalizer]
        if left:
            new["metadata"]["finalizers"] = left
        else:
            new["metadata"].pop("finalizers", None)
        self._update(owner, new)

    def _update(self, old: dict, new: dict) -> None:
        meta = old["metadata"]
        self._cache.pop((old["kind"], meta.get("namespace", ""), meta["name"]), None)
        self._peeked.pop((old["kind"], meta.get("namespace", ""), meta["name"]), None)
        try:
            self.api.update(old, new, verb="patching")
        except E.MinikctlError:
            pass

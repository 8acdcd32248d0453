"""The garbage collector: ownerReferences and cascading deletion (``pkg/controller/garbagecollector``).

It keeps a graph of who owns what (built from the store the first time a run needs it, then kept current
from the change log) and acts when an owner goes:
  - an owner deleted (Background): each of its dependents is deleted in turn (Background);
  - an owner with deletionTimestamp and the ``foregroundDeletion`` finalizer: its dependents are deleted
    (Foreground); once none that blocks it (``blockOwnerDeletion``) is left, the finalizer is removed;
  - an owner with deletionTimestamp and the ``orphan`` finalizer: the owner reference is taken off each
    dependent, then the finalizer is removed;
  - an object created with an owner reference to an owner that does not exist is deleted (the owner is
    "absent"), as the collector does when it verifies owners.
All of it through the API, at the instant the collector observes the change.
"""

from __future__ import annotations

import json

from minikctl.store.changelog import ADDED, DELETED

WRITER = "generic-garbage-collector"


class GarbageCollector:
    name = WRITER
    watches = ("*",)
    owns = ()

    def __init__(self, loop) -> None:
        self.tx = loop.tx
        self.api = loop.api.as_writer(WRITER)
        self.queue: dict[tuple, str] = {}  # (owner uid) -> what to do: "cascade" | "foreground" | "orphan"
        self.absent: dict[tuple, None] = {}  # dependents to check for absent owners
        self._graph: dict[str, dict[tuple, dict]] | None = None  # owner uid -> {(kind, ns, name): ownerRef}
        self._owners: dict[tuple, list] = {}  # (kind, ns, name) -> its ownerReferences, as last seen

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
        old = self._owners.pop(key, None)
        for ref in old or []:
            deps = self._graph.get(ref.get("uid"))
            if deps is not None:
                deps.pop(key, None)
        if refs:
            self._owners[key] = refs
            for ref in refs:
                self._graph.setdefault(ref.get("uid"), {})[key] = ref

    def dependents(self, uid: str) -> list[tuple]:
        return sorted(self.graph().get(uid, {}))

    # ---- the informer ------------------------------------------------------------------------
    def observe(self, ch) -> None:
        if ch.kind == "Event":
            return
        key = (ch.kind, ch.namespace, ch.name)
        meta = ch.obj.get("metadata") or {}
        refs = meta.get("ownerReferences") or []
        if self._graph is not None:
            self._link(key, [] if ch.type == DELETED else refs)
        if ch.type == DELETED:
            for ref in refs:  # an owner waiting for its dependents to go may now be free
                self.queue.setdefault(ref.get("uid"), "recheck")
            if self._graph is not None and not self._graph.get(ch.uid) and ch.kind == "Pod":
                return  # pods own nothing, almost always: no need to look
            self.queue[ch.uid] = "cascade"
            return
        if ch.type == ADDED and refs:
            self.absent[key] = None
        finalizers = meta.get("finalizers") or []
        if meta.get("deletionTimestamp") and ("foregroundDeletion" in finalizers or "orphan" in finalizers):
            self.queue[ch.uid] = "foreground" if "foregroundDeletion" in finalizers else "orphan"

    def has_work(self) -> bool:
        return bool(self.queue or self.absent)

    def work(self) -> None:
        while self.absent:
            key = next(iter(self.absent))
            del self.absent[key]
            self._verify_owners(key)
        while self.queue:
            uid = next(iter(self.queue))
            what = self.queue.pop(uid)
            if what == "cascade":
                self._cascade(uid)
            else:
                self._finalize(uid, what)

    def finish(self) -> None:
        pass

    # ---- what it does --------------------------------------------------------------------------
    def _live(self, key: tuple) -> dict | None:
        return self.tx.get(*key)

    def _owner_exists(self, ref: dict, namespace: str) -> bool:
        kind = ref.get("kind", "")
        obj = self.tx.get(kind, namespace, ref.get("name", "")) or self.tx.get(kind, "", ref.get("name", ""))
        return obj is not None and (obj.get("metadata") or {}).get("uid") == ref.get("uid")

    def _verify_owners(self, key: tuple) -> None:
        obj = self._live(key)
        if obj is None:
            return
        refs = (obj.get("metadata") or {}).get("ownerReferences") or []
        if refs and not any(self._owner_exists(r, key[1]) for r in refs):
            self.api.delete(obj, propagation="Background")

    def _cascade(self, uid: str) -> None:
        """The owner is gone: its dependents follow (those with other owners still alive stay, without it)."""
        for key in self.dependents(uid):
            obj = self._live(key)
            if obj is None:
                continue
            meta = obj["metadata"]
            refs = meta.get("ownerReferences") or []
            others = [r for r in refs if r.get("uid") != uid]
            if others and any(self._owner_exists(r, key[1]) for r in others):
                self._drop_ref(obj, uid)
            elif not meta.get("deletionTimestamp"):
                self.api.delete(obj, propagation="Background")

    def _finalize(self, uid: str, what: str) -> None:
        owner = self._find_uid(uid)
        if owner is None:
            return
        meta = owner["metadata"]
        finalizers = meta.get("finalizers") or []
        if not meta.get("deletionTimestamp"):
            return
        if what == "recheck":
            what = "foreground" if "foregroundDeletion" in finalizers else "orphan" if "orphan" in finalizers else ""
        finalizer = "foregroundDeletion" if what == "foreground" else "orphan"
        if finalizer not in finalizers:
            return
        blocking = False
        for key in self.dependents(uid):
            obj = self._live(key)
            if obj is None:
                continue
            if what == "orphan":
                self._drop_ref(obj, uid)
                continue
            ref = self.graph().get(uid, {}).get(key) or {}
            if not (obj.get("metadata") or {}).get("deletionTimestamp"):
                self.api.delete(obj, propagation="Foreground")
            if ref.get("blockOwnerDeletion") and self._live(key) is not None:
                blocking = True
        if blocking:
            return  # the dependents' deletion will bring the owner back here
        new = json.loads(json.dumps(owner))
        new["metadata"]["finalizers"] = [f for f in meta.get("finalizers") or [] if f != finalizer]
        if not new["metadata"]["finalizers"]:
            del new["metadata"]["finalizers"]
        self.api.update(owner, new, verb="patching")

    def _drop_ref(self, obj: dict, uid: str) -> None:
        new = json.loads(json.dumps(obj))
        refs = [r for r in new["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
        if refs:
            new["metadata"]["ownerReferences"] = refs
        else:
            new["metadata"].pop("ownerReferences", None)
        self.api.update(obj, new, verb="patching")

    def _find_uid(self, uid: str) -> dict | None:
        row = self.tx.conn.execute("SELECT kind, namespace, name FROM objects WHERE uid=?", (uid,)).fetchone()
        return self.tx.get(*row) if row else None

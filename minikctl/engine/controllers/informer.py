"""A controller's cache of one kind's objects, kept current from the change log (client-go's informer store).

A namespace is read from the store the first time a controller asks for it; from then on every change the
controller observes updates the cache, and the changes written since the last dispatch (still in ``tx.feed``)
are applied before each read, so a read is as fresh as reading the store. An entry keeps the change's JSON and
decodes it the first time it is read: a sync over 1,000 pods decodes only the pods that changed since the last
one. The objects handed out are shared: callers must not change them.

An informer whose callers read the same few facts of every object at every list (the ReplicaSet controller: is the
pod active, its controller, its labels, is it ready and since when) names the function that gives them
(``facts``) and its twin over the object as written (``written``, registered as the transaction's ``Tx.facts`` of
the kind): a change then brings the facts with it, and ``list(lazy=True)`` hands out (entry, facts) pairs whose
objects are decoded only when a caller asks for one (``obj``). A thousand pods whose status moved between two syncs
cost no decoding; the facts are those of the text, which is what the object was when it was written.
"""

from __future__ import annotations

import json

from minikctl.store.changelog import DELETED

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable


class Informer:
    FROM_WRITES = True  # the facts of a change are those worked out as it was written (tests turn it off to compare)

    def __init__(self, tx, kind: str, facts: "Callable[[dict], object] | None" = None,
                 written: "Callable[[dict], object] | None" = None) -> None:
        self.tx = tx
        self.kind = kind
        self.facts = facts
        self.written = written if self.FROM_WRITES else None
        # namespace -> name -> [resourceVersion, JSON body or None, decoded object or None, its facts or None]
        # (body and object both None: a tombstone, so an older change seen later cannot bring it back)
        self.cache: dict[str, dict[str, list]] = {}
        self._on_write = None
        if self.written is not None:
            self._on_write = tx.facts[kind] = self._facts_of_written(self.written, self.cache)
        # namespace -> the cache's names sorted (a tombstone keeps its name): sorted again only when a name is new,
        # not at every list of a sync that follows status changes
        self._names: dict[str, list[str]] = {}

    @staticmethod
    def _facts_of_written(written, cache: dict):
        """The transaction's ``facts`` of the kind: ``written`` of an object in a namespace this informer has read,
        else None. The facts of a change in another namespace are never used (``observe`` ignores it, and the
        namespace's first ``list`` reads the store, where the change already is): the pods of namespaces no
        ReplicaSet lists, a Job's, bare pods, are written without working them out."""

        def on_write(obj: dict):
            return written(obj) if obj["metadata"].get("namespace", "") in cache else None

        return on_write

    def observe(self, ch) -> None:
        cache = self.cache.get(ch.namespace)
        if cache is not None:
            self._apply(cache, ch)

    def _apply(self, cache: dict, ch) -> None:
        cur = cache.get(ch.name)
        if cur is not None and cur[0] >= ch.rv:
            return
        if cur is None:
            self._names.pop(ch.namespace, None)
        if ch.type == DELETED:
            cache[ch.name] = [ch.rv, None, None, None]
        else:
            facts = ch.facts
            if facts is not None and (self._on_write is None or self.tx.facts.get(self.kind) is not self._on_write):
                facts = None  # another reader's facts
            cache[ch.name] = [ch.rv, ch.body, None, facts]

    def list(self, namespace: str, match=None, facts=None, lazy: bool = False) -> list:
        """The namespace's objects, in name order. ``match(json)``, when given, is asked about an object not yet
        decoded: it is left out (not decoded) when it answers False, so it must only rule out objects the caller
        would ignore anyway. With ``facts``, (object, facts(object)) pairs: what a caller reads of every object at
        every sync, computed once per version of the object (one function per informer: the informer's own
        ``facts`` when it has one). ``lazy`` (with ``facts``): (entry, facts) pairs, the object of an entry decoded
        when ``obj(entry)`` asks for it."""
        cache = self.cache.get(namespace)
        if cache is None:
            cache = self.cache[namespace] = {}
            for obj in self.tx.list(self.kind, namespace):
                meta = obj.get("metadata") or {}
                cache[meta["name"]] = [int(meta.get("resourceVersion") or 0), "", obj, None]
            self._names.pop(namespace, None)
        kind = self.kind
        for ch in self.tx.feed:  # written since the last dispatch: not observed yet
            if ch.kind == kind and ch.namespace == namespace:
                self._apply(cache, ch)
        names = self._names.get(namespace)
        if names is None:
            names = self._names[namespace] = sorted(cache)
        out = []
        loads = json.loads
        if lazy:
            for name in names:
                entry = cache[name]
                f = entry[3]
                if entry[2] is None:
                    if entry[1] is None or (match is not None and not match(entry[1])):
                        continue  # deleted, or of no interest
                    if f is None:
                        entry[2] = loads(entry[1])
                if f is None:
                    f = entry[3] = facts(entry[2])
                out.append((entry, f))
            return out
        for name in names:
            entry = cache[name]
            if entry[2] is None:
                if entry[1] is None or (match is not None and not match(entry[1])):
                    continue  # deleted, or of no interest
                entry[2] = loads(entry[1])
            if facts is None:
                out.append(entry[2])
            else:
                f = entry[3]
                if f is None:
                    f = entry[3] = facts(entry[2])
                out.append((entry[2], f))
        return out

    @staticmethod
    def obj(entry: list) -> dict:
        """The object of an entry ``list(lazy=True)`` handed out (its text decoded the first time)."""
        if entry[2] is None:
            entry[2] = json.loads(entry[1])
        return entry[2]


class CachedReads:
    """What a component reads by name or lists again and again while the objects rarely change (the kubelet's
    ConfigMap, Secret, Service and Node listers: every pod it starts reads its volumes' ConfigMaps, its
    namespace's Services for the service links, its node's address), read once from the store and kept until a
    change of the object is observed or written since the last dispatch (``tx.feed``). Anything else is read
    from the transaction (``__getattr__``). The objects handed out are shared: callers must not change them."""

    KINDS = ("ConfigMap", "Secret", "Service", "Node")

    def __init__(self, tx) -> None:
        self.tx = tx
        self._objs: dict[tuple, dict | None] = {}  # (kind, namespace, name) -> the object (None: not found)
        self._lists: dict[tuple, list] = {}  # (kind, namespace, fields) -> list_current's answer
        self._derived: dict[tuple, dict] = {}  # (kind, namespace) -> {key: what ``derived`` computed from them}
        self._feed: list | None = None  # tx.feed as last looked at, and how much of it
        self._seen = 0

    def __getattr__(self, name: str):
        return getattr(self.tx, name)

    def observe(self, ch) -> None:
        if ch.kind in self.KINDS:
            self._objs.pop((ch.kind, ch.namespace, ch.name), None)
            self._derived.pop((ch.kind, ch.namespace), None)
            if self._lists:
                for key in [k for k in self._lists if k[0] == ch.kind and k[1] == ch.namespace]:
                    del self._lists[key]

    def _catch_up(self) -> None:
        """The changes written since the last dispatch (the loop hands them out later)."""
        feed = self.tx.feed
        start = self._seen if feed is self._feed and self._seen <= len(feed) else 0
        if start < len(feed):
            for ch in feed[start:]:
                self.observe(ch)
        self._feed, self._seen = feed, len(feed)

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        if kind not in self.KINDS:
            return self.tx.get(kind, namespace, name)
        self._catch_up()
        key = (kind, namespace, name)
        if key in self._objs:
            return self._objs[key]
        obj = self._objs[key] = self.tx.get(kind, namespace, name)
        return obj

    def list_current(self, kind: str, namespace: str | None = None, fields: tuple[str, ...] = ()) -> list[dict]:
        if kind not in self.KINDS or namespace is None:
            return self.tx.list_current(kind, namespace, fields)
        self._catch_up()
        key = (kind, namespace, tuple(fields))
        out = self._lists.get(key)
        if out is None:
            out = self._lists[key] = self.tx.list_current(kind, namespace, fields)
        return out

    def derived(self, kind: str, namespace: str, key, compute: "Callable[[], object]"):
        """What ``compute()`` makes of the ``kind`` objects of ``namespace`` (read through this cache), kept under
        ``key`` until a change of one of them is observed or written, as the objects themselves are: a pod's
        Service variables (kubelet/config.py ``service_links``) are worked out once for all the exec probes of the
        containers started at the same instant, not once a probe. The value is shared: callers must not change
        it."""
        self._catch_up()
        memo = self._derived.setdefault((kind, namespace), {})
        if key in memo:
            return memo[key]
        out = memo[key] = compute()
        return out

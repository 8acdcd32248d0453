"""A controller's cache of one kind's objects, kept current from the change log (client-go's informer store).

A namespace is read from the store the first time a controller asks for it; from then on every change the
controller observes updates the cache, and the changes written since the last dispatch (still in ``tx.feed``)
are applied before each read, so a read is as fresh as reading the store. An entry keeps the change's JSON and
decodes it the first time it is read: a sync over 1,000 pods decodes only the pods that changed since the last
one. The objects handed out are shared: callers must not change them.
"""

from __future__ import annotations

import json

from minikctl.store.changelog import DELETED


class Informer:
    def __init__(self, tx, kind: str) -> None:
        self.tx = tx
        self.kind = kind
        # namespace -> name -> [resourceVersion, JSON body or None, decoded object or None]
        # (body and object both None: a tombstone, so an older change seen later cannot bring it back)
        self.cache: dict[str, dict[str, list]] = {}

    def observe(self, ch) -> None:
        cache = self.cache.get(ch.namespace)
        if cache is not None:
            self._apply(cache, ch)

    @staticmethod
    def _apply(cache: dict, ch) -> None:
        cur = cache.get(ch.name)
        if cur is not None and cur[0] >= ch.rv:
            return
        cache[ch.name] = [ch.rv, None, None] if ch.type == DELETED else [ch.rv, ch.body, None]

    def list(self, namespace: str, match=None) -> list[dict]:
        """The namespace's objects, in name order. ``match(json)``, when given, is asked about an object not yet
        decoded: it is left out (not decoded) when it answers False, so it must only rule out objects the caller
        would ignore anyway."""
        cache = self.cache.get(namespace)
        if cache is None:
            cache = self.cache[namespace] = {}
            for obj in self.tx.list(self.kind, namespace):
                meta = obj.get("metadata") or {}
                cache[meta["name"]] = [int(meta.get("resourceVersion") or 0), "", obj]
        kind = self.kind
        for ch in self.tx.feed:  # written since the last dispatch: not observed yet
            if ch.kind == kind and ch.namespace == namespace:
                self._apply(cache, ch)
        out = []
        loads = json.loads
        for name in sorted(cache):
            entry = cache[name]
            if entry[2] is None:
                if entry[1] is None or (match is not None and not match(entry[1])):
                    continue  # deleted, or of no interest
                entry[2] = loads(entry[1])
            out.append(entry[2])
        return out

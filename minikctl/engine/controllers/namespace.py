"""The namespace controller: empties a Terminating namespace, then removes it (``pkg/controller/namespace``).

Every namespaced object in it is deleted through the API (pods gracefully, as ``kubectl delete`` would), its
events with them (``deleteAllContent`` deletes the events collection too; the NamespaceLifecycle admission
refuses new ones); once none is left, the namespace's ``kubernetes`` finalizer is done and the Namespace object
goes.
"""

from __future__ import annotations

from minikctl.kube.kinds import RESOURCES
from minikctl.store.changelog import DELETED

WRITER = "namespace-controller"


class NamespaceController:
    name = WRITER
    watches = ("Namespace", "*")
    owns = ()

    def __init__(self, loop) -> None:
        self.tx = loop.tx
        self.api = loop.api.as_writer(WRITER)
        self.queue: dict[str, None] = {}
        self._terminating: set[str] | None = None

    def terminating(self) -> set[str]:
        if self._terminating is None:
            self._terminating = {ns["metadata"]["name"] for ns in self.tx.list("Namespace")
                                 if (ns.get("status") or {}).get("phase") == "Terminating"}
        return self._terminating

    def observe(self, ch) -> None:
        if ch.kind == "Namespace":
            if ch.type == DELETED:
                self.terminating().discard(ch.name)
            elif (ch.obj.get("status") or {}).get("phase") == "Terminating":
                self.terminating().add(ch.name)
                self.queue[ch.name] = None
            return
        # the last objects of a namespace may go in a later command than its deletion (a pod's grace period):
        # the terminating namespaces are read from the store the first time a run sees a namespaced deletion
        if ch.type == DELETED and ch.namespace and ch.namespace in self.terminating():
            self.queue[ch.namespace] = None

    def has_work(self) -> bool:
        return bool(self.queue)

    def work(self) -> None:
        while self.queue:
            name = next(iter(self.queue))
            del self.queue[name]
            self.sync(name)

    def sync(self, name: str) -> None:
        ns = self.tx.get("Namespace", "", name)
        if ns is None or (ns.get("status") or {}).get("phase") != "Terminating":
            return
        left = False
        for res in RESOURCES:
            if not res.namespaced or res.kind == "Event":
                continue
            for obj in self.tx.list(res.kind, name):
                left = True
                if not (obj.get("metadata") or {}).get("deletionTimestamp"):
                    self.api.delete(obj)
        self.tx.delete_events_in(name)
        if not left and not self.tx.list("Pod", name, ("metadata.name",)):
            from minikctl.api.registry import namespace

            namespace.finalize(self.api, ns)

    def finish(self) -> None:
        pass

"""The namespace controller: empties a Terminating namespace, then removes it (``pkg/controller/namespace``).

Every namespaced object in it is deleted through the API (pods gracefully, as ``kubectl delete`` would);
once none is left, the namespace's ``kubernetes`` finalizer is done and the Namespace object goes.
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
        if ch.type == DELETED and ch.namespace and self._terminating and ch.namespace in self._terminating:
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
        if not left and not self.tx.list("Pod", name, ("metadata.name",)):
            from minikctl.api.registry import namespace

            namespace.finalize(self.api, ns)

    def finish(self) -> None:
        pass

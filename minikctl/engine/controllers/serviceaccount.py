"""The ServiceAccount controller: every active namespace has its ``default`` ServiceAccount
(``pkg/controller/serviceaccount/serviceaccounts_controller.go``, v1.32).

``namespaceAdded``/``namespaceUpdated`` queue the namespace, ``serviceAccountDeleted`` queues the namespace of a
deleted ServiceAccount; ``syncNamespace`` creates ``default`` when it is missing, unless the namespace is not
Active (a terminating namespace gets nothing new). Its ``serviceAccountsToEnsure`` is the one ``default``
account, created bare (name only), as kube-controller-manager's ``serviceaccount-controller`` does.
"""

from __future__ import annotations

from minikctl.kube import errors as E
from minikctl.store.changelog import DELETED

WRITER = "serviceaccount-controller"  # names.ServiceAccountController
DEFAULT = "default"


class ServiceAccountsController:
    name = WRITER
    watches = ("Namespace", "ServiceAccount")
    owns = ()

    def __init__(self, loop) -> None:
        self.tx = loop.tx
        self.api = loop.api.as_writer(WRITER)
        self.queue: dict[str, None] = {}

    def observe(self, ch) -> None:
        if ch.kind == "Namespace":
            if ch.type != DELETED:  # namespaceAdded, namespaceUpdated
                self.queue[ch.name] = None
        elif ch.type == DELETED and ch.name == DEFAULT:
            # serviceAccountDeleted queues every deleted account's namespace; only ``default`` is ever missing
            self.queue[ch.namespace] = None

    def has_work(self) -> bool:
        return bool(self.queue)

    def work(self) -> None:
        while self.queue:
            name = next(iter(self.queue))
            del self.queue[name]
            self.sync_namespace(name)

    def sync_namespace(self, name: str) -> None:
        """syncNamespace: create the missing ``default`` account of an Active namespace."""
        ns = self.tx.get("Namespace", "", name)
        if ns is None or (ns.get("status") or {}).get("phase") != "Active":
            return  # "If namespace is not active, we shouldn't try to create anything"
        if self.tx.exists("ServiceAccount", name, DEFAULT):
            return
        try:
            self.api.create({"apiVersion": "v1", "kind": "ServiceAccount",
                             "metadata": {"name": DEFAULT, "namespace": name}})
        except (E.AlreadyExists, E.Forbidden, E.NotFound):
            pass  # "we can safely ignore terminating namespace errors"

    def finish(self) -> None:
        pass

"""Namespaces: ``pkg/registry/core/namespace/strategy.go`` and ``printNamespace``.

Deleting a namespace marks it Terminating; the namespace controller (minikctl/engine) deletes what it holds
and removes it once it is empty. The four namespaces of a new cluster cannot be deleted.
"""

from __future__ import annotations

from minikctl.kube import errors as E
from minikctl.kube.fields import field_getter
from minikctl.kube.timefmt import age, rfc3339

SYSTEM = ("default", "kube-system", "kube-public", "kube-node-lease")


def default(obj: dict, ctx) -> None:
    from minikctl.api import defaults

    defaults.default_object("Namespace", obj, suffix=ctx.tx.name_suffix)


def delete(api, obj: dict, grace: int | None) -> dict | None:
    name = obj["metadata"]["name"]
    if name in SYSTEM:
        raise E.Forbidden(f'namespaces "{name}" is forbidden: this namespace may not be deleted')
    if (obj.get("status") or {}).get("phase") != "Terminating":
        obj["metadata"]["deletionTimestamp"] = rfc3339(api.tx.now_ms)
        obj.setdefault("status", {})["phase"] = "Terminating"
        api.tx.update(obj)
    return obj


def finalize(api, ns: dict) -> None:
    """The namespaces/finalize subresource with the ``kubernetes`` finalizer removed: an empty, terminating
    namespace is gone."""
    with api.writing():
        api.tx.delete("Namespace", "", ns["metadata"]["name"])


FIELDS = {"metadata.name": field_getter("metadata", "name"), "status.phase": field_getter("status", "phase")}

COLUMNS = ["NAME", "STATUS", "AGE"]


def row(ns: dict, now_ms: int, wide: bool = False) -> list[str]:
    meta = ns.get("metadata") or {}
    phase = (ns.get("status") or {}).get("phase") or "Active"
    return [meta.get("name", ""), phase, age(meta.get("creationTimestamp"), now_ms)]



"""The Deployment (apps/v1) registry module (``pkg/registry/apps/deployment/strategy.go``).

Defaults, validation and update rules come from api/defaults.py, api/validation.py and api/updates.py through
registry/base.py; this module adds the status subresource's own PrepareForUpdate and the columns and cells the
1.32 API server's Table has for ``kubectl get deployments [-o wide]``.
"""

from __future__ import annotations

from minikctl.api.registry import cells


def prepare_status_update(old: dict, new: dict) -> dict:
    """deploymentStatusStrategy.PrepareForUpdate: rest.BeforeUpdate's system metadata, then spec and labels
    from the stored object; the rest of the metadata comes from the request (the deployment controller writes
    the ``deployment.kubernetes.io/revision`` annotation through the status subresource)."""
    return status_update(old, new, keep_labels=True)


def status_update(old: dict, new: dict, keep_labels: bool) -> dict:
    import copy

    from minikctl.api import updates

    out = copy.deepcopy(new)
    if out.get("status") is None:
        out["status"] = copy.deepcopy(old.get("status") or {})
    meta = out.setdefault("metadata", {})
    old_meta = old.get("metadata") or {}
    updates._carry_meta(old_meta, meta)
    if "spec" in old:
        out["spec"] = copy.deepcopy(old["spec"])
    else:
        out.pop("spec", None)
    if keep_labels:
        if "labels" in old_meta:
            meta["labels"] = copy.deepcopy(old_meta["labels"])
        else:
            meta.pop("labels", None)
    return out

# deploymentColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
WIDE_COLUMNS = ["CONTAINERS", "IMAGES", "SELECTOR"]


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printDeployment (v1.32 printers.go).  Unlike the other kinds, SELECTOR is LabelSelectorAsSelector(...).String():
    empty (not ``<none>``) for an empty selector, ``<invalid>`` for one that does not convert."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    out = [cells.name(obj), f"{int(status.get('readyReplicas') or 0)}/{int(spec.get('replicas') or 0)}",
           cells.count(status.get("updatedReplicas")), cells.count(status.get("availableReplicas")),
           cells.age(obj, now_ms)]
    if wide:
        from minikctl.kube.errors import BadRequest
        from minikctl.kube.selectors import selector_string

        try:
            selector = selector_string(spec.get("selector"))
        except BadRequest:
            selector = "<invalid>"
        names, images = cells.container_cells(cells.template_containers(spec.get("template")))
        out += [names, images, selector]
    return out

"""The ReplicaSet (apps/v1) registry module (``pkg/registry/apps/replicaset/strategy.go``).

Defaults, validation and update rules come from api/defaults.py, api/validation.py and api/updates.py through
registry/base.py; this module adds the status subresource's own PrepareForUpdate, the selectable fields and
the columns and cells the 1.32 API server's Table has for ``kubectl get replicasets [-o wide]``.
"""

from __future__ import annotations

from minikctl.kube.fields import field_getter
from minikctl.api.registry import cells


def prepare_status_update(old: dict, new: dict) -> dict:
    """rsStatusStrategy.PrepareForUpdate: rest.BeforeUpdate's system metadata, then the spec from the stored
    object (labels and annotations come from the request)."""
    from minikctl.api.registry.deployment import status_update

    return status_update(old, new, keep_labels=False)

# replicaSetColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
WIDE_COLUMNS = ["CONTAINERS", "IMAGES", "SELECTOR"]


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printReplicaSet (v1.32 printers.go): DESIRED is spec.replicas, CURRENT and READY come from the status."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    out = [cells.name(obj), cells.count(spec.get("replicas")), cells.count(status.get("replicas")),
           cells.count(status.get("readyReplicas")), cells.age(obj, now_ms)]
    if wide:
        from minikctl.kube.selectors import format_label_selector

        names, images = cells.container_cells(cells.template_containers(spec.get("template")))
        out += [names, images, format_label_selector(spec.get("selector"))]
    return out

# ReplicaSetToSelectableFields (pkg/registry/apps/replicaset/strategy.go)
FIELDS = {"metadata.name": field_getter("metadata", "name"), "metadata.namespace": field_getter("metadata", "namespace"),
          "status.replicas": lambda o: str(((o.get("status") or {}).get("replicas")) or 0)}

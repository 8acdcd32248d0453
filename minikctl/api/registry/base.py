"""What a kind's strategy does unless its module says otherwise: an object with metadata and nothing more.

The pieces follow ``staging/src/k8s.io/apiserver/pkg/registry/rest`` (``BeforeCreate``, ``BeforeUpdate``,
``BeforeDelete``) and the generic store's graceful-deletion and finalizer handling
(``staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go``: ``updateForGracefulDeletionAndFinalizers``).
"""

from __future__ import annotations

from minikctl.kube.fields import field_getter
from minikctl.kube.timefmt import parse_rfc3339, rfc3339

TYPE_CHECKING = False
if TYPE_CHECKING:
    from minikctl.kube.errors import FieldError

validate_on_decode = True
RAW_FIELDS: tuple[str, ...] = ()  # top-level fields kept verbatim (no null stripping): runtime.RawExtension


def default(obj: dict, ctx) -> None:
    """SetDefaults_<Kind> (api/defaults.py) and the kind's PrepareForCreate defaults (generation 1 for
    workloads, a Secret's stringData, ...)."""
    from minikctl.api import defaults

    defaults.default_object(obj.get("kind", ""), obj, suffix=ctx.tx.name_suffix)


def prepare_create(obj: dict) -> None:
    """PrepareForCreate: status belongs to the server."""
    obj.pop("status", None)


def prepare_update(old: dict, new: dict) -> dict:
    """The defaults decoding gives an update's body, then BeforeUpdate + the kind's PrepareForUpdate
    (server-owned metadata from ``old``, status kept where the kind has a status subresource, generation)."""
    from minikctl.api import defaults, updates

    kind = old.get("kind", "")
    defaults.default_for_update(kind, new)
    return updates.prepare_for_update(kind, old, new)


def prepare_status_update(old: dict, new: dict) -> dict:
    """The status subresource takes only the status from the request."""
    from minikctl.api import updates

    if new.get("status") is None:
        new = dict(new, status=old.get("status") or {})
    return updates.prepare_for_update(old.get("kind", ""), old, new, subresource="status")


def validate(obj: dict) -> list["FieldError"]:
    from minikctl.api import validation

    return validation.validate(obj.get("kind", ""), obj, create=True)


def validate_update(old: dict, new: dict) -> list["FieldError"]:
    from minikctl.api import updates

    return updates.validate_update(old.get("kind", ""), old, new)


def validate_status_update(old: dict, new: dict) -> list["FieldError"]:
    from minikctl.api import updates

    return updates.validate_update(old.get("kind", ""), old, new, subresource="status")


# fields.Set of DefaultClusterScopedAttr / DefaultNamespaceScopedAttr
FIELDS = {"metadata.name": field_getter("metadata", "name"), "metadata.namespace": field_getter("metadata", "namespace")}

# rest.NewDefaultTableConvertor: Name and Created At
COLUMNS = ["NAME", "CREATED AT"]
WIDE_COLUMNS: list[str] = []
WIDE_ORDER = None  # -o wide: COLUMNS then WIDE_COLUMNS
NAME_COLUMN = (0, 0)  # NAME first, with or without -o wide
ROW_FIELDS: tuple[str, ...] = ()


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    meta = obj.get("metadata") or {}
    ts = meta.get("creationTimestamp")
    return [meta.get("name", ""), rfc3339(parse_rfc3339(ts)) if ts else "<unknown>"]


# reads answer the stored object as it is
present = None


def admitted_fields(sent: dict, obj: dict) -> list[tuple]:
    """No admission plugin adds fields to a plain object."""
    return []


def delete(api, obj: dict, grace: int | None) -> dict | None:
    """Remove the object at once, or, while finalizers remain, mark it deleted and keep it."""
    return delete_now(api, obj)


def delete_now(api, obj: dict) -> dict | None:
    """The end of every deletion: gone unless finalizers hold it (then deletionTimestamp is set, grace 0)."""
    meta = obj["metadata"]
    if meta.get("finalizers"):
        if not meta.get("deletionTimestamp") or meta.get("deletionGracePeriodSeconds"):
            if not meta.get("deletionTimestamp"):
                meta["deletionTimestamp"] = rfc3339(api.tx.now_ms)
            meta["deletionGracePeriodSeconds"] = 0
            api.tx.update(obj)
        return obj
    api.tx.delete(obj["kind"], meta.get("namespace", ""), meta["name"])
    return None

SUBRESOURCE_UPDATES: dict = {}  # no subresource with a strategy of its own

"""The in-process API server: the only code that writes objects.

Every write goes through one admission path:
  create:  decode checks -> namespace exists -> defaults -> validation -> persist -> engine hook
  update:  decode checks -> metadata/spec update rules -> validation -> persist -> engine hook
(apply, create, replace, patch, label, annotate and edit all end in ``create`` or ``update``).

An ``Api`` lives inside one store transaction; the caller commits or rolls back.
"""

from __future__ import annotations

import copy
import json

from minikctl.kube import errors as E
from minikctl.kube.kinds import Resource, for_kind
from minikctl.store.db import CLUSTER, Tx

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~4 ms a command)
if TYPE_CHECKING:
    from typing import Any

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
VALIDATE_MODES = ("strict", "warn", "ignore")


def normalize_validate(value: str) -> str:
    v = (value or "strict").lower()
    if v in ("true", "strict"):
        return "strict"
    if v in ("false", "ignore"):
        return "ignore"
    if v == "warn":
        return "warn"
    raise E.ClientError(f'invalid - validate option "{value}"; must be one of: strict (or true), warn, ignore (or false)')


class Api:
    def __init__(self, tx: Tx, *, validate: str = "strict") -> None:
        self.tx = tx
        self.validate_mode = normalize_validate(validate)
        self.warnings: list[str] = []

    # ---- time ---------------------------------------------------------------------------
    @property
    def now_ms(self) -> int:
        return self.tx.now_ms

    def advance_to(self, to_ms: int) -> None:
        if self.tx.next_due(to_ms) is None:
            # nothing is due: the clock simply moves (and the engine is not even imported)
            self.tx.set_now(max(to_ms, self.tx.now_ms))
        else:
            from minikctl import engine

            engine.advance(self.tx, to_ms)
        self._finish_namespaces()

    def tick(self, tick_ms: int) -> None:
        """Start of every command: move the clock by the tick and let the world catch up."""
        self.advance_to(self.tx.now_ms + max(0, tick_ms))

    def settle(self) -> None:
        """End of a verb: process what the verb caused at this same instant."""
        self.advance_to(self.tx.now_ms)

    # ---- reads --------------------------------------------------------------------------
    def get(self, res: Resource, namespace: str, name: str) -> dict:
        obj = self.tx.get(res.kind, namespace if res.namespaced else CLUSTER, name)
        if obj is None:
            if res.namespaced and namespace != "default" and not self.tx.exists("Namespace", CLUSTER, namespace):
                raise E.NotFound("namespaces", namespace)
            raise E.NotFound(res.plural, name)
        return obj

    def find(self, res: Resource, namespace: str, name: str) -> dict | None:
        return self.tx.get(res.kind, namespace if res.namespaced else CLUSTER, name)

    def list(
        self, res: Resource, namespace: str | None, label_selector: str = "", field_selector: str = "",
        fields: tuple[str, ...] = (),
    ) -> list[dict]:
        """Objects in ``namespace`` (None: all namespaces), filtered by selectors, in namespace/name order.

        ``fields`` limits each object to those paths (for printers that need only a few columns)."""
        if res.kind == "Event":
            objs = self.tx.list_events(namespace)
        elif res.kind == "Node":
            from minikctl import engine

            engine.ensure_node(self.tx)
            objs = self.tx.list("Node")
        else:
            objs = self.tx.list(res.kind, namespace if res.namespaced else None, fields)
        if label_selector or field_selector:
            objs = filter_objects(res, objs, label_selector, field_selector)
        return objs

    # ---- create -------------------------------------------------------------------------
    def create(self, obj: dict, *, dry_run: bool = False, source: str = "") -> dict:
        res = self._resource_of(obj)
        obj = copy.deepcopy(obj)
        meta = obj.setdefault("metadata", {})
        self._check_decode(res, obj, source, "creating")
        if res.namespaced:
            ns = meta.setdefault("namespace", "default")
        else:
            meta.pop("namespace", None)
            ns = CLUSTER
        name = meta.get("name") or ""
        if not name and meta.get("generateName"):
            name = meta["name"] = meta["generateName"] + self.tx.name_suffix(5)
        if not name:
            raise E.Invalid(res.kind, "", [E.required("metadata.name", "name or generateName is required")])
        if res.namespaced and not self.tx.exists("Namespace", CLUSTER, ns):
            raise E.NotFound("namespaces", ns).with_source("creating", source) if source else E.NotFound("namespaces", ns)
        if res.kind == "Namespace":
            ns_obj = self.tx.get("Namespace", CLUSTER, name)
            if ns_obj is not None and (ns_obj.get("status") or {}).get("phase") == "Terminating":
                raise E.Forbidden(
                    f'namespaces "{name}" is forbidden: unable to create new content in namespace {name} '
                    "because it is being terminated"
                )
        if self.tx.exists(res.kind, ns, name):
            err = E.AlreadyExists(res.plural, name)
            raise err.with_source("creating", source) if source else err
        for key in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                    "generation", "managedFields", "selfLink"):
            meta.pop(key, None)
        _strip_nulls(obj)
        obj.pop("status", None)  # PrepareForCreate: status is the server's (defaults set the initial one)
        self._default(res, obj)
        self._validate_create(res, obj)
        if dry_run:
            return obj
        obj = self.tx.create(obj)
        if res.kind == "Pod":
            from minikctl import engine

            engine.pod_created(self.tx, obj)
        return obj

    # ---- update -------------------------------------------------------------------------
    def update(self, old: dict, new: dict, *, dry_run: bool = False, source: str = "", verb: str = "patching",
               subresource: str = "") -> tuple[dict, bool]:
        """Replace ``old`` by ``new`` after admission. Returns (stored object, changed?)."""
        res = self._resource_of(old, updating=True)
        new = copy.deepcopy(new)
        if res.kind != "Node":  # no schema: the node's own rules check what may change (api/nodes.py)
            self._check_decode(res, new, source, verb)
        meta = new.setdefault("metadata", {})
        old_meta = old["metadata"]
        rv = meta.get("resourceVersion")
        if rv and rv != old_meta.get("resourceVersion"):
            raise E.Conflict(res.plural, old_meta["name"])
        if subresource == "status":
            # the status subresource ignores everything but status
            status = new.get("status")
            new = copy.deepcopy(old)
            if status is not None:
                new["status"] = status
            meta = new["metadata"]
        else:
            _strip_nulls(new)
            if res.kind == "Pod" and isinstance(new.get("spec"), dict):
                # decoding defaults the new object as on create (admission plugins do not run on update)
                from minikctl.api.defaults import default_pod_spec

                default_pod_spec(new["spec"], pod=True)
            if res.kind in ("Pod", "Node") and "status" in old:
                # the main resource ignores status changes
                new["status"] = copy.deepcopy(old["status"])
        # server-owned metadata carries over; requests cannot change creationTimestamp or generation
        # (rest.BeforeUpdate resets them silently), the rest is checked by the update rules
        for key in ("uid", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"):
            if key in old_meta and key not in meta:
                meta[key] = old_meta[key]
        for key in ("creationTimestamp", "generation"):
            if key in old_meta:
                meta[key] = old_meta[key]
            else:
                meta.pop(key, None)
        if new == old:
            return old, False
        causes = self._update_rules(res, old, new, subresource)
        if causes:
            for cause in causes:
                if cause.field == "spec" and cause.detail.startswith("pod updates may not change fields"):
                    from minikctl.api.specdiff import spec_diff

                    cause.detail += "\n" + spec_diff(old.get("spec") or {}, new.get("spec") or {})
            raise E.Invalid(res.kind, old_meta["name"], causes)
        if subresource != "status" and res.kind != "Node":
            self._validate_create(res, new, update=True)
        if new.get("spec") != old.get("spec") and "generation" in old_meta:
            meta["generation"] = int(old_meta.get("generation", 1)) + 1
        if dry_run:
            return new, True
        stored = self.tx.update(new)
        if res.kind == "Node":
            from minikctl import engine

            engine.cluster_changed(self.tx)
        if res.kind == "Pod":
            from minikctl import engine

            engine.pod_updated(self.tx, old, stored)
        return stored, True

    # ---- delete -------------------------------------------------------------------------
    def delete(self, obj: dict, *, grace: int | None = None, dry_run: bool = False) -> None:
        """Request deletion. Pods terminate through the engine; other kinds go at once (namespaces: after their pods)."""
        res = self._resource_of(obj)
        meta = obj["metadata"]
        if dry_run:
            return
        if res.kind == "Pod":
            if grace is None:
                grace = int((obj.get("spec") or {}).get("terminationGracePeriodSeconds", 30))
            if meta.get("deletionTimestamp") and grace != 0:
                # already terminating: a new, shorter grace period may still shorten it
                current = int(meta.get("deletionGracePeriodSeconds", 0))
                if grace >= current:
                    return
            from minikctl import engine

            engine.pod_deleting(self.tx, obj, max(0, grace))
        elif res.kind == "Namespace":
            name = meta["name"]
            if name in ("default", "kube-system", "kube-public", "kube-node-lease"):
                raise E.Forbidden(f'namespaces "{name}" is forbidden: this namespace may not be deleted')
            if (obj.get("status") or {}).get("phase") != "Terminating":
                from minikctl.kube.timefmt import rfc3339

                meta["deletionTimestamp"] = rfc3339(self.tx.now_ms)
                obj.setdefault("status", {})["phase"] = "Terminating"
                self.tx.update(obj)
                for pod in self.tx.list("Pod", name):
                    self.delete(pod)
            self._finish_namespaces()
        else:
            self.tx.delete(res.kind, meta.get("namespace", CLUSTER), meta["name"])

    def _finish_namespaces(self) -> None:
        for ns in self.tx.list("Namespace"):
            if (ns.get("status") or {}).get("phase") == "Terminating":
                name = ns["metadata"]["name"]
                if not self.tx.names("Pod", name):
                    self.tx.delete("Namespace", CLUSTER, name)

    # ---- admission pieces -----------------------------------------------------------------
    def _resource_of(self, obj: dict, *, updating: bool = False) -> Resource:
        res = for_kind(obj.get("apiVersion", ""), obj.get("kind", ""))
        if res is None or not (res.updatable if updating else res.writable):
            raise E.ClientError(f'no matches for kind "{obj.get("kind")}" in version "{obj.get("apiVersion")}"')
        return res

    def _check_decode(self, res: Resource, obj: dict, source: str, verb: str) -> None:
        from minikctl.api import validation

        problems = validation.decode_errors(res.kind, obj)
        if problems:
            # kubectl reads metadata itself (a bad name fails on the client); the server decodes the rest
            if "ObjectMeta" in problems[0]:
                where = f' "{source}"' if source else ""
                raise E.ClientError(f"unable to decode{where}: {problems[0]}")
            version = res.api_version.split("/")[-1]
            err = E.BadRequest(f'{res.kind} in version "{version}" cannot be handled as a {res.kind}: {problems[0]}')
            raise err.with_source(verb, source) if source else err
        unknown = validation.unknown_fields(res.kind, obj)
        if not unknown or self.validate_mode == "ignore":
            if unknown:
                _drop_paths(obj, unknown)
            return
        listed = ", ".join(f'unknown field "{u}"' for u in unknown)
        if self.validate_mode == "warn":
            for u in unknown:
                self.warnings.append(f'Warning: unknown field "{u}"')
            _drop_paths(obj, unknown)
            return
        kind = res.kind
        err = E.BadRequest(f'{kind} in version "{res.api_version.split("/")[-1]}" cannot be handled as a {kind}: '
                           f"strict decoding error: {listed}")
        raise err.with_source(verb, source) if source else err

    def _default(self, res: Resource, obj: dict) -> None:
        from minikctl.api import defaults

        defaults.default_object(res.kind, obj, suffix=self.tx.name_suffix)

    def _validate_create(self, res: Resource, obj: dict, update: bool = False) -> None:
        from minikctl.api import validation

        causes = validation.validate(res.kind, obj, create=not update)
        if causes:
            raise E.Invalid(res.kind, obj["metadata"].get("name", ""), causes)

    def _update_rules(self, res: Resource, old: dict, new: dict, subresource: str) -> list[E.FieldError]:
        from minikctl.api import updates

        if res.kind == "Node":
            from minikctl.api.nodes import validate_node_update

            return validate_node_update(old, new)
        if res.kind != "Pod":
            return updates.validate_metadata_update(old, new)
        if subresource == "status":
            return updates.validate_pod_status_update(old, new)
        return updates.validate_pod_update(old, new)


# ---- helpers --------------------------------------------------------------------------------
def _at(*path: str):
    def get(obj: dict) -> str:
        for key in path:
            obj = obj.get(key) if isinstance(obj, dict) else None
        return "" if obj is None else str(obj)
    return get


# the selectable fields of pkg/registry/core/{event,node}/strategy.go
EVENT_FIELDS = {
    "metadata.name": _at("metadata", "name"), "metadata.namespace": _at("metadata", "namespace"),
    **{f"involvedObject.{k}": _at("involvedObject", k)
       for k in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")},
    "reason": _at("reason"), "reportingComponent": _at("reportingComponent"),
    "source": _at("source", "component"), "type": _at("type"),
}
NODE_FIELDS = {
    "metadata.name": _at("metadata", "name"),
    "spec.unschedulable": lambda o: "true" if (o.get("spec") or {}).get("unschedulable") else "false",
}


def filter_objects(res: Resource, objs: list[dict], label_selector: str, field_selector: str) -> list[dict]:
    from minikctl.kube import selectors

    try:
        labels = selectors.LabelSelector.parse(label_selector) if label_selector else None
        fields_table = {"Pod": selectors.POD_FIELDS, "Event": EVENT_FIELDS, "Node": NODE_FIELDS}.get(
            res.kind, selectors.NAMESPACE_FIELDS)
        fields = selectors.FieldSelector.parse(field_selector, fields_table) if field_selector else None
    except E.StatusError as err:
        raise selectors.selector_error(res.gvr, label_selector, field_selector, err.message) from None
    except ValueError as err:
        raise selectors.selector_error(res.gvr, label_selector, field_selector, str(err)) from None
    out = []
    for o in objs:
        if labels is not None and not labels.matches((o.get("metadata") or {}).get("labels") or {}):
            continue
        if fields is not None and not fields.matches(o):
            continue
        out.append(o)
    return out


def _strip_nulls(obj: Any) -> None:
    """Null-valued map entries are dropped before an object is stored (as the API server's decoding does)."""
    if isinstance(obj, dict):
        for k in [k for k, v in obj.items() if v is None]:
            del obj[k]
        for v in obj.values():
            _strip_nulls(v)
    elif isinstance(obj, list):
        for v in obj:
            _strip_nulls(v)


def _drop_paths(obj: dict, paths: list[str]) -> None:
    """Remove unknown fields given as `a.b[0].c` paths (for --validate=warn|ignore)."""
    import re

    for path in paths:
        parts: list[Any] = []
        for piece in path.split("."):
            m = re.match(r"^([^\[]*)((?:\[\d+\])*)$", piece)
            if not m:
                parts = []
                break
            if m.group(1):
                parts.append(m.group(1))
            parts += [int(i) for i in re.findall(r"\[(\d+)\]", m.group(2))]
        cur: Any = obj
        for p in parts[:-1]:
            try:
                cur = cur[p]
            except (KeyError, IndexError, TypeError):
                cur = None
                break
        if isinstance(cur, dict) and parts and parts[-1] in cur:
            del cur[parts[-1]]


def last_applied_of(obj: dict) -> dict | None:
    raw = ((obj.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None

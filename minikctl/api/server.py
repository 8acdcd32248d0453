"""The in-process API server: the only code that writes objects, generic over the registry of kinds.

Every write goes through one admission path (kube-apiserver's generic store, ``registry/generic/registry/store.go``):
  create:  decode checks -> namespace lifecycle -> strategy.prepare_create -> strategy.default
           -> strategy.validate -> persist
  update:  decode checks -> conflict check -> strategy.prepare_update (or prepare_status_update)
           -> strategy.validate_update (then revalidate) -> persist
  delete:  strategy.delete (graceful or at once; finalizers keep an object until they are removed)
(apply, create, replace, patch, label, annotate and edit all end in ``create`` or ``update``.)

Each write becomes a change in the store's change log (``tx.feed``); the scheduler, kubelets and
controllers read it there (minikctl/engine), so this module calls no engine code and never names a kind:
what differs between kinds is in ``minikctl/api/registry/<kind>.py``.

An ``Api`` lives inside one store transaction; the caller commits or rolls back. Components of the
simulated cluster get their own ``Api`` (``writer`` names them in the change log, as a field manager does).
"""

from __future__ import annotations

import json
from contextlib import contextmanager

from minikctl.api import registry
from minikctl.kube import errors as E
from minikctl.kube import jsontext
from minikctl.kube.kinds import Resource, for_kind
from minikctl.store.db import CLUSTER, Tx
from minikctl.api import printed as _printed  # noqa: F401  (registers every object's printed row with the store)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~4 ms a command)
if TYPE_CHECKING:
    from typing import Any

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
# the field manager of a component of the cluster, by writer (the User-Agent's product: the binary's name)
COMPONENT_MANAGERS = {"kubelet": "kubelet", "scheduler": "kube-scheduler"}
VALIDATE_MODES = ("strict", "warn", "ignore")
# server-owned metadata a request cannot set on create (rest.FillObjectMetaSystemFields)
_SYSTEM_META = ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                "managedFields", "selfLink")  # generation: the kind's PrepareForCreate (workloads: 1; pods keep it)


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
    def __init__(self, tx: Tx, *, validate: str = "strict", writer: str = "") -> None:
        self.tx = tx
        self.validate_mode = normalize_validate(validate)
        self.writer = writer
        self.warnings: list[str] = []
        # the name admission plugins see while a create is admitted (extractResourceName: the request's name,
        # else its generateName; the server generates the name after mutating admission)
        self.admission_name = ""
        # the request's field manager (``fieldManager``; kubectl's per-command default): every create, update and
        # patch records it in metadata.managedFields (api/fieldmanager.py); "" records nothing
        self.field_manager = ""

    def as_writer(self, writer: str) -> "Api":
        """The same server for a component of the cluster (its writes are marked with its name; its field
        manager is its binary's: the kubelet, the scheduler, or kube-controller-manager for the controllers)."""
        api = Api(self.tx, writer=writer)
        api.field_manager = COMPONENT_MANAGERS.get(writer, "kube-controller-manager")
        return api

    @contextmanager
    def writing(self):
        """The store's writes inside are this client's (the change log names who wrote what)."""
        prev, self.tx.writer = self.tx.writer, self.writer
        try:
            yield
        finally:
            self.tx.writer = prev

    @property
    def now_ms(self) -> int:
        return self.tx.now_ms

    # ---- reads --------------------------------------------------------------------------
    def get(self, res: Resource, namespace: str, name: str) -> dict:
        obj = self.tx.get(res.kind, namespace if res.namespaced else CLUSTER, name)
        if obj is None:
            if res.namespaced and namespace != "default" and not self.tx.exists("Namespace", CLUSTER, namespace):
                raise E.NotFound("namespaces", namespace)
            raise E.NotFound(res.qualified, name)
        present = registry.strategy(res).present
        return obj if present is None else present(obj, self.tx.now_ms, self.tx)

    def find(self, res: Resource, namespace: str, name: str) -> dict | None:
        obj = self.tx.get(res.kind, namespace if res.namespaced else CLUSTER, name)
        present = registry.strategy(res).present if obj is not None else None
        return obj if present is None else present(obj, self.tx.now_ms, self.tx)

    def list(
        self, res: Resource, namespace: str | None, label_selector: str = "", field_selector: str = "",
        fields: tuple[str, ...] = (),
    ) -> list[dict]:
        """Objects in ``namespace`` (None: all namespaces), filtered by selectors, in namespace/name order.

        ``fields`` limits each object to those paths (for printers that need only a few columns)."""
        if res.kind == "Event":
            objs = self.tx.list_events(namespace)
        else:
            objs = self.tx.list(res.kind, namespace if res.namespaced else None, fields)
        present = registry.strategy(res).present
        if present is not None:
            objs = [present(o, self.tx.now_ms, self.tx) for o in objs]
        if label_selector or field_selector:
            objs = filter_objects(res, objs, label_selector, field_selector)
        return objs

    def list_printed(self, res: Resource, namespace: str | None, label_selector: str = "",
                     field_selector: str = "", *, wide: bool = False) -> list[tuple] | None:
        """What ``list`` gives, as the printed rows of its table (store/rows.py): (namespace, name, cells,
        labels) each, cells formatted at now, labels as JSON text, a dict or None. A kind that keeps no rows
        (``printed.keeps_rows``), or a store without the rows table, has them computed from its objects."""
        from minikctl.kube.timefmt import TIME_MARK, fill_times
        from minikctl.store import rows

        strat = registry.strategy(res)
        if not _printed.keeps_rows(res) or not self.tx.has_rows:
            return [((o.get("metadata") or {}).get("namespace", ""), (o.get("metadata") or {}).get("name", ""),
                     strat.row(o, self.tx.now_ms, wide), (o.get("metadata") or {}).get("labels"))
                    for o in self.list(res, namespace, label_selector, field_selector)]
        lsel, fsel = _parse_selectors(res, label_selector, field_selector)
        self.tx.flush_objects()
        self.tx.flush_rows()
        cursor, rest = rows.select(self.tx.conn, res.kind, namespace if res.namespaced else None,
                                   lsel.requirements if lsel is not None else (),
                                   fsel.terms if fsel is not None else ())
        now = self.tx.now_ms
        loads = json.loads
        filled: dict[str, str] = {}  # the same placeholder (pods created together) formatted once
        out = []
        for ns, name, cells, labels in cursor:
            if cells is None:  # a row computed on read: from the object, filtered as list() filters it
                obj = self.tx.get(res.kind, ns, name)
                if obj is None or (lsel is not None and not lsel.matches((obj.get("metadata") or {}).get("labels")
                                                                         or {})) \
                        or (fsel is not None and not fsel.matches(obj)):
                    continue
                out.append((ns, name, strat.row(obj, now, wide), (obj.get("metadata") or {}).get("labels")))
                continue
            if rest and not all(r.matches(loads(labels) if labels else {}) for r in rest):
                continue
            text = rows.unpack(cells, wide)
            if TIME_MARK in text:
                parts = text.split(TIME_MARK)
                for i in range(1, len(parts), 2):
                    mark = parts[i]
                    value = filled.get(mark)
                    if value is None:
                        value = filled[mark] = fill_times(TIME_MARK + mark + TIME_MARK, now)
                    parts[i] = value
                text = "".join(parts)
            out.append((ns, name, text.split(rows.ROW), labels))
        return out

    def check_selectors(self, res: Resource, label_selector: str, field_selector: str) -> None:
        """Refuse the selectors of a list call as ``list`` would (BadRequest), before anything is listed."""
        _parse_selectors(res, label_selector, field_selector)

    def iter_list(self, res: Resource, namespace: str | None, label_selector: str = "",
                  field_selector: str = "", stored: bool = False):
        """What ``list`` gives, one object at a time (``get -o json`` of 50,000 pods holds one of them): the
        selectors are evaluated on the printed rows' labels and fields (store/rows.py). ``stored``: an object
        read from the store and not decoded here comes as (kind, namespace, name, its stored JSON text), which
        ``decode_stored`` decodes (a printer may print it from its text: printers/listjson.py)."""
        from minikctl.store import rows

        if not _printed.keeps_rows(res) or not self.tx.has_rows:
            yield from self.list(res, namespace, label_selector, field_selector)
            return
        lsel, fsel = _parse_selectors(res, label_selector, field_selector)
        self.tx.flush_objects()
        self.tx.flush_rows()
        from minikctl.store.db import _loads_row

        if lsel is None and fsel is None:  # no selector: the objects in key order, without the rows' index
            if stored:
                kind = res.kind
                for ns, name, body in self.tx.scan(kind, namespace if res.namespaced else None):
                    yield (kind, ns, name, body)
                return
            for ns, name, body in self.tx.scan(res.kind, namespace if res.namespaced else None):
                yield _loads_row(self.tx.path, body, f"the row of {res.kind} {ns}/{name}")
            return
        cursor, rest = rows.select(self.tx.conn, res.kind, namespace if res.namespaced else None,
                                   lsel.requirements if lsel is not None else (),
                                   fsel.terms if fsel is not None else (), bodies=True)

        for ns, name, cells, labels, body in cursor:
            if cells is not None and rest and not all(r.matches(json.loads(labels) if labels else {})
                                                      for r in rest):
                continue
            if stored and cells is not None:
                yield (res.kind, ns, name, body)
                continue
            obj = _loads_row(self.tx.path, body, f"the row of {res.kind} {ns}/{name}")
            if cells is None and ((lsel is not None and not lsel.matches((obj.get("metadata") or {}).get("labels")
                                                                          or {}))
                                  or (fsel is not None and not fsel.matches(obj))):
                continue
            yield obj

    def decode_stored(self, item: tuple) -> dict:
        """The object of an ``iter_list(stored=True)`` item (kind, namespace, name, stored text)."""
        from minikctl.store.db import _loads_row

        kind, ns, name, body = item
        return _loads_row(self.tx.path, body, f"the row of {kind} {ns}/{name}")

    # ---- create -------------------------------------------------------------------------
    def create(self, obj: dict, *, dry_run: bool = False, source: str = "", managed: list | None = None) -> dict:
        """``managed``: the managedFields a server-side apply computed (else the field manager's Update)."""
        res = self._resource_of(obj)
        watch = None
        if res.kind == "Pod" and not dry_run and managed is None and self.field_manager:
            # the pods of one template are admitted once (api/stamp.py): the next are stamped from the first
            # (imported here: a command that creates no pod does not load it); a component's (a controller's) only
            # when admission generates their names
            from minikctl.api import stamp as _stamp

            key = None
            if _stamp.ENABLED:
                key = _stamp.generated_key(obj) if self.writer else (_stamp.request_key(obj)
                                                                       or _stamp.generated_key(obj))
            if key is not None:
                template = _stamp.usable(self, key, _stamp.owner_tokens(obj) if _stamp.owned(key) else None)
                if template is not None:
                    stamped = self._stamped(template, obj)
                    if stamped is not None:
                        return stamped
                watch = _stamp.watch(self, key)
        elif res.kind == "Job" and self.writer and not dry_run and managed is None and self.field_manager:
            # the Jobs of one CronJob template created at one instant are admitted once (api/stamp.py ``job_key``)
            from minikctl.api import stamp as _stamp

            key = _stamp.job_key(obj) if _stamp.ENABLED else None
            if key is not None:
                owner = _stamp.job_owner(obj)
                template = _stamp.usable(self, key, owner)
                if template is not None:
                    stamped = self._job_stamped(template, obj, owner)
                    if stamped is not None:
                        return stamped
                watch = _stamp.watch(self, key)
        strat = registry.strategy(res)
        sent = obj
        obj = _copy(obj)
        meta = obj.setdefault("metadata", {})
        if strat.validate_on_decode:
            self._check_decode(res, obj, source, "creating")
        else:
            self._check_types(res, obj, source, "creating")
        if res.namespaced:
            ns = meta.setdefault("namespace", "default")
        else:
            meta.pop("namespace", None)
            ns = CLUSTER
        name = meta.get("name") or ""
        # the mutating admission plugins run before a generateName is completed: their refusals name the object
        # by its generateName (admission.extractResourceName)
        admitted_as = name
        self.admission_name = name or meta.get("generateName") or ""
        if not name and meta.get("generateName"):
            admitted_as = meta["generateName"]
            # names.SimpleNameGenerator: the base is cut to 58 characters (63 minus the 5 random ones)
            name = meta["name"] = meta["generateName"][:58] + self.tx.name_suffix(5)
        if not name:
            raise E.Invalid(res.kind, "", [E.required("metadata.name", "name or generateName is required")],
                            res.group)
        if res.namespaced:
            self._admit_namespace(res, ns, admitted_as, source)
        if self.tx.exists(res.kind, ns, name):
            err = E.AlreadyExists(res.qualified, name)
            raise err.with_source("creating", source) if source else err
        for key in _SYSTEM_META:
            meta.pop(key, None)
        # rest.FillObjectMetaSystemFields: the uid exists before PrepareForCreate (a Job's generated selector
        # and labels carry it); the store keeps it
        meta["uid"] = self.tx.new_uid()
        _strip_nulls(obj, strat.RAW_FIELDS)
        strat.prepare_create(obj)
        try:
            strat.default(obj, self)  # defaulting and the mutating admission plugins, which may refuse
        except E.StatusError as err:
            if admitted_as != name and isinstance(err, E.Forbidden):
                err.message = err.message.replace(f'"{name}"', f'"{admitted_as}"', 1)
            raise err.with_source("creating", source) if source else err
        self._raise_invalid(res, obj, strat.validate(obj))
        if managed is not None:
            if managed:
                meta["managedFields"] = managed
        elif self.field_manager:
            self._record(res, None, obj, "", sent)
        if watch is not None and res.kind == "Job":
            _stamp.job_admitted(watch, self, obj, _stamp.job_owner(sent))
        elif watch is not None:
            _stamp.admitted(watch, self, obj, name, (sent["metadata"].get("annotations") or {}).get(LAST_APPLIED),
                            _stamp.owner_tokens(sent))
        if dry_run:
            return obj
        with self.writing():
            return self.tx.create(obj)

    def _stamped(self, template, sent: dict) -> dict | None:
        """``create`` of a pod whose template was admitted before (api/stamp.py): the template with this pod's
        name, uid, last-applied annotation and token volume name, the uid and suffix counters moved as admission
        moves them. None when the pod is not new (the general path refuses it as it does)."""
        meta = sent["metadata"]
        tx = self.tx
        name = meta.get("name")
        if not name:  # stamp.generated_key: the name admission draws, looked at before it is drawn
            name = meta["generateName"][:58] + tx.suffix_at(int(tx.meta("counter:suffix") or "0") + 1)
        if tx.exists("Pod", template.namespace, name):
            return None  # the general path draws the same name and refuses it
        if not meta.get("name"):
            tx.name_suffix(5)
        self.admission_name = meta.get("name") or meta["generateName"]
        uid = self.tx.new_uid()
        token = f"kube-api-access-{self.tx.name_suffix(5)}" if template.token_paths else None
        applied = (meta.get("annotations") or {}).get(LAST_APPLIED)
        from minikctl.api import stamp as _stamp

        owner = template.owner_places and _stamp.owner_tokens(sent)  # a Job's pod: its Job's name and uid
        obj = template.stamp(name, uid, applied, token, owner or None)
        with self.writing():
            return self.tx.create(obj, template.encode, template.remaker(name, uid, applied, token, owner or None),
                                  _stamp.OwnerSource(template, owner) if owner else template, template.summary)

    def _job_stamped(self, template, sent: dict, owner: tuple) -> dict | None:
        """``create`` of a CronJob's Job whose template was admitted before (api/stamp.py ``JobTemplate``): the
        template with this Job's uid and its owner's name and uid, the uid counter moved as admission moves it.
        None when the Job is not new (the general path refuses it as it does)."""
        name = sent["metadata"]["name"]
        if self.tx.exists("Job", template.namespace, name):
            return None
        self.admission_name = name
        obj, encode = template.stamped(self.tx.new_uid(), owner)
        with self.writing():
            return self.tx.create(obj, encode)

    def _admit_namespace(self, res: Resource, ns: str, name: str, source: str) -> None:
        """The NamespaceLifecycle admission plugin: the namespace must exist and not be terminating."""
        ns_obj = self.tx.get_shared("Namespace", CLUSTER, ns)
        if ns_obj is None:
            err = E.NotFound("namespaces", ns)
            raise err.with_source("creating", source) if source else err
        if (ns_obj.get("status") or {}).get("phase") == "Terminating":
            err = E.Forbidden(f'{res.qualified} {E.go_quote(self.admission_name)} is forbidden: unable to create new '
                              f"content in namespace {ns} because it is being terminated")
            raise err.with_source("creating", source) if source else err

    # ---- update -------------------------------------------------------------------------
    def update(self, old: dict, new: dict, *, dry_run: bool = False, source: str = "", verb: str = "patching",
               subresource: str = "", trusted: bool = False, managed: list | None = None) -> tuple[dict, bool]:
        """Replace ``old`` by ``new`` after admission. Returns (stored object, changed?).

        ``trusted``: a component of the simulated cluster writing what it built from the object it just read (a
        controller's status on the status subresource, a finalizer it takes off) and gives away (``new`` is not
        copied): decoding checks, the strategy's preparation and validation are skipped -- what it built is
        already what they would make of it --, as ``write_status`` skips them for the kubelet, which keeps long
        advances cheap; the rest (conflicts, server-owned metadata, the end of a deleted object's last
        finalizer, the change log) is the same."""
        res = self._resource_of(old, updating=True)
        strat = registry.strategy(res)
        if not trusted:
            new = _copy(new)
        if not isinstance(new, dict):
            raise E.BadRequest(f"the object to update is not a JSON object: {type(new).__name__}")
        for key in ("apiVersion", "kind"):  # the request's path names the type: a body without it gets it
            if not new.get(key):
                new[key] = old.get(key)
        if (new.get("apiVersion"), new.get("kind")) != (old.get("apiVersion"), old.get("kind")):
            raise E.BadRequest(f'the API version in the data ({new.get("apiVersion")}) and the kind '
                               f'({new.get("kind")}) do not match those of the object ({old.get("apiVersion")}, '
                               f'{old.get("kind")})')
        if strat.validate_on_decode and not trusted:
            self._check_decode(res, new, source, verb)
        else:
            self._check_types(res, new, source, verb)
        meta = new.setdefault("metadata", {})
        old_meta = old["metadata"]
        if isinstance(meta, dict) and meta.get("name") and meta.get("name") != old_meta.get("name"):
            # the request's URL names the object (endpoints/handlers/rest.go checkName)
            raise E.BadRequest(f"the name of the object ({meta['name']}) does not match the name on the URL "
                               f"({old_meta.get('name')})")
        rv = meta.get("resourceVersion")
        if rv and rv != old_meta.get("resourceVersion"):
            raise E.Conflict(res.qualified, old_meta["name"])
        if trusted:
            pass  # built by the component from ``old`` itself: stored as given (the server-owned fields below)
        elif subresource == "status":
            new = strat.prepare_status_update(old, new)
        elif subresource in strat.SUBRESOURCE_UPDATES:
            new = strat.SUBRESOURCE_UPDATES[subresource][0](old, new)
        else:
            _strip_nulls(new, strat.RAW_FIELDS)
            new = strat.prepare_update(old, new)  # rest.BeforeUpdate: server-owned metadata, generation, status
        meta = new["metadata"]
        for key in ("uid", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"):
            if key in old_meta and key not in meta:
                meta[key] = old_meta[key]
        if managed is not None:
            if managed:
                meta["managedFields"] = managed
            else:
                meta.pop("managedFields", None)
        elif subresource or not meta.get("managedFields"):
            # a client that does not know managedFields does not drop them (fieldmanager.go: the live object's)
            if old_meta.get("managedFields"):
                meta["managedFields"] = old_meta["managedFields"]
            else:
                meta.pop("managedFields", None)
        if new == old:
            return old, False
        causes = [] if trusted else (strat.validate_status_update if subresource == "status"
                                     else strat.SUBRESOURCE_UPDATES[subresource][1]
                                     if subresource in strat.SUBRESOURCE_UPDATES else strat.validate_update)(old, new)
        if causes:
            for cause in causes:
                if cause.field == "spec" and cause.detail.startswith("pod updates may not change fields"):
                    from minikctl.api.specdiff import spec_diff

                    cause.detail += "\n" + spec_diff(old.get("spec") or {}, new.get("spec") or {})
            raise E.Invalid(res.kind, old_meta["name"], causes, res.group)
        if managed is None and self.field_manager:
            self._record(res, old, new, subresource)
        if dry_run:
            return new, True
        with self.writing():
            stored = self.tx.update(new)
            if meta.get("deletionTimestamp") and not meta.get("finalizers") and old_meta.get("finalizers") \
                    and not meta.get("deletionGracePeriodSeconds"):
                # the last finalizer of a deleted object is gone: the object goes with it
                self.tx.delete(res.kind, meta.get("namespace", CLUSTER), meta["name"])
        return stored, True

    def write_status(self, obj: dict, old_status: dict | None = None, *, settled: bool = False,
                     encode=None, managed: list | None = None, printed=None, summary: str | None = None) -> dict:
        """A trusted component's status write (the kubelet's status manager): stored as given.

        The kubelet builds the status with the rules it is checked against (``ValidatePodStatusUpdate``); the
        simulated cluster skips re-checking its own writes, which keeps long advances cheap. ``old_status``: the
        status it replaces, for the component's managedFields entry (subresource ``status``); without it the
        write is not tracked (the binding subresource's node and condition are nobody's). ``settled``: the writer
        expects no other write of the object soon (the scheduler's pod that fits nowhere waits minutes): the
        store computes its printed row now, from ``obj``. ``encode``, ``printed``, ``summary``: Tx.update's.
        ``managed``: the object's managedFields after this write when the writer worked them out already, the
        very entries the comparison of ``old_status`` with the new status would give (the kubelet's status write
        of a pod started at the same instant as its twin, engine/kubelet/statustwins.py)."""
        if managed is not None:
            obj["metadata"]["managedFields"] = managed
        elif old_status is not None and self.field_manager:
            from minikctl.api import fieldmanager

            res = self._resource_of(obj, updating=True)
            fieldmanager.record_status(res, fieldmanager.schema_for(res), old_status, obj, self.field_manager,
                                       self._now())
        with self.writing():
            return self.tx.update(obj, row_now=settled, encode=encode, printed=printed, summary=summary)

    # ---- field ownership ------------------------------------------------------------------
    def _now(self) -> str:
        from minikctl.kube.timefmt import rfc3339

        return rfc3339(self.tx.now_ms)

    def _record(self, res: Resource, old: dict | None, new: dict, subresource: str, sent: dict | None = None) -> None:
        from minikctl.api import fieldmanager

        schema = fieldmanager.schema_for(res)
        if subresource == "status" and old is not None and _same_meta(old, new):
            # a status write that leaves metadata alone (the controllers'): the status comparison only
            fieldmanager.record_status(res, schema, old.get("status"), new, self.field_manager, self._now())
            return
        admitted = registry.strategy(res).admitted_fields(sent, new) if old is None and sent is not None else None
        fieldmanager.record_update(res, schema, old, new, self.field_manager, subresource, self._now(), admitted)

    def apply(self, res: Resource, namespace: str, name: str, applied: dict, *, manager: str, force: bool = False,
              dry_run: bool = False, subresource: str = "", source: str = "") -> tuple[dict, bool]:
        """Server-side apply (an ``application/apply-patch+yaml`` PATCH): (stored object, created?).

        The object is created when it does not exist; otherwise the applied configuration is merged into it
        with field ownership and conflicts (api/fieldmanager.py), then admitted as an update."""
        from minikctl.api import fieldmanager

        if not manager:
            raise E.BadRequest("fieldManager: Required value: is required for apply patch")
        if (applied.get("metadata") or {}).get("managedFields") is not None:
            raise E.BadRequest("metadata.managedFields must be nil")
        schema = fieldmanager.schema_for(res)
        live = self.find(res, namespace, name)
        if live is None:
            if subresource:
                raise E.NotFound(res.qualified, name)
            obj = fieldmanager.apply(res, schema, None, applied, manager, force, "", self._now())
            managed = obj["metadata"].pop("managedFields", [])
            return self.create(obj, dry_run=dry_run, source=source, managed=managed), True
        merged = fieldmanager.apply(res, schema, live, applied, manager, force, subresource, self._now())
        managed = merged["metadata"].get("managedFields") or []
        stored, _ = self.update(live, merged, dry_run=dry_run, source=source, verb="patching",
                                subresource=subresource, managed=managed)
        return stored, False

    # ---- delete -------------------------------------------------------------------------
    def delete(self, obj: dict, *, grace: int | None = None, dry_run: bool = False,
               propagation: str | None = None) -> dict | None:
        """Request deletion through the kind's strategy; returns the object as left (None: removed).

        ``propagation`` is DeleteOptions.propagationPolicy: ``Background`` (the object goes, the garbage
        collector then deletes its dependents), ``Foreground`` (it stays, with the ``foregroundDeletion``
        finalizer, until the collector has deleted the dependents that block it) or ``Orphan`` (the ``orphan``
        finalizer: the collector takes the owner reference off the dependents first). None: the kind's default
        (``DefaultGarbageCollectionPolicy``), background for every kind served here.
        (registry/generic/registry/store.go: ``deletionFinalizersForGarbageCollection``)"""
        res = self._resource_of(obj, deleting=True)
        if propagation not in (None, "Background", "Foreground", "Orphan"):
            raise E.BadRequest(f'Unsupported value: "{propagation}": supported values: "Orphan", "Background", '
                               '"Foreground"')
        if dry_run:
            return obj
        meta = obj["metadata"]
        old = list(meta.get("finalizers") or [])
        new = gc_finalizers(old, propagation)
        if set(new) != set(old):
            if new:
                meta["finalizers"] = new
            else:
                meta.pop("finalizers", None)
            if meta.get("deletionTimestamp"):  # already being deleted: the strategy may write nothing more
                with self.writing():
                    self.tx.update(obj)
        with self.writing():
            return registry.strategy(res).delete(self, obj, grace)

    # ---- events -------------------------------------------------------------------------
    def event(self, involved: dict, type_: str, reason: str, message: str, component: str, host: str = "",
              at_ms: int | None = None, field_path: str = "") -> dict:
        """The event recorder (client-go's EventRecorder with its correlator's aggregation)."""
        return self.tx.record_event(involved, type_, reason, message, component, host, at_ms, field_path)

    # ---- admission pieces -----------------------------------------------------------------
    def _resource_of(self, obj: dict, *, updating: bool = False, deleting: bool = False) -> Resource:
        res = for_kind(obj.get("apiVersion", ""), obj.get("kind", ""))
        if res is None or not (True if deleting else res.updatable if updating else res.writable):
            raise E.ClientError(f'no matches for kind "{obj.get("kind")}" in version "{obj.get("apiVersion")}"')
        return res

    def _raise_invalid(self, res: Resource, obj: dict, causes: list) -> None:
        if causes:
            raise E.Invalid(res.kind, obj["metadata"].get("name", ""), causes, res.group)

    def _check_types(self, res: Resource, obj: dict, source: str, verb: str) -> None:
        """A kind without a schema (Node) still decodes into Go structs: fields of the wrong JSON type are refused
        as the server's decoder refuses them."""
        def kind_of(v) -> str:
            return ("bool" if isinstance(v, bool) else "number" if isinstance(v, (int, float)) else "string"
                    if isinstance(v, str) else "array" if isinstance(v, list) else "object")

        problem = ""
        meta = obj.get("metadata")
        if meta is not None and not isinstance(meta, dict):
            problem = f"json: cannot unmarshal {kind_of(meta)} into Go struct field {res.kind}.metadata of type v1.ObjectMeta"
        meta = meta if isinstance(meta, dict) else {}
        for key in ("labels", "annotations"):
            v = meta.get(key)
            if problem or v is None:
                continue
            if not isinstance(v, dict):
                problem = (f"json: cannot unmarshal {kind_of(v)} into Go struct field ObjectMeta.metadata.{key} of "
                           "type map[string]string")
            elif any(x is not None and not isinstance(x, str) for x in v.values()):
                bad = next(x for x in v.values() if x is not None and not isinstance(x, str))
                problem = f"json: cannot unmarshal {kind_of(bad)} into Go struct field ObjectMeta.metadata.{key} of type string"
        for key, item_type in (("ownerReferences", "v1.OwnerReference"), ("finalizers", "string")):
            v = meta.get(key)
            if problem or v is None:
                continue
            if not isinstance(v, list):
                problem = (f"json: cannot unmarshal {kind_of(v)} into Go struct field ObjectMeta.metadata.{key} of "
                           f"type []{item_type}")
            else:
                want = dict if item_type != "string" else str
                bad = next((x for x in v if x is not None and not isinstance(x, want)), None)
                if bad is not None:
                    problem = (f"json: cannot unmarshal {kind_of(bad)} into Go struct field ObjectMeta.metadata.{key} "
                               f"of type {item_type}")
        for key in ("spec", "status"):
            v = obj.get(key)
            if not problem and v is not None and not isinstance(v, dict):
                problem = (f"json: cannot unmarshal {kind_of(v)} into Go struct field {res.kind}.{key} of type "
                           f"v1.{res.kind}{key.capitalize()}")
        if problem:
            err = E.BadRequest(f'{res.kind} in version "{res.version}" cannot be handled as a {res.kind}: {problem}')
            raise err.with_source(verb, source) if source else err

    def _check_decode(self, res: Resource, obj: dict, source: str, verb: str) -> None:
        from minikctl.api import validation

        problems, unknown = validation.decode_checks(res.kind, obj)
        if problems:
            # kubectl reads metadata itself (a bad name fails on the client); the server decodes the rest
            if "ObjectMeta" in problems[0]:
                where = f' "{source}"' if source else ""
                raise E.ClientError(f"unable to decode{where}: {problems[0]}")
            err = E.BadRequest(f'{res.kind} in version "{res.version}" cannot be handled as a {res.kind}: {problems[0]}')
            raise err.with_source(verb, source) if source else err
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
        err = E.BadRequest(f'{kind} in version "{res.version}" cannot be handled as a {kind}: '
                           f"strict decoding error: {listed}")
        raise err.with_source(verb, source) if source else err


# ---- helpers --------------------------------------------------------------------------------
def _same_meta(old: dict, new: dict) -> bool:
    a, b = old.get("metadata") or {}, new.get("metadata") or {}
    skip = ("managedFields", "resourceVersion")
    return len(a) == len(b) and all(k in skip or b.get(k, a) == v for k, v in a.items())


def gc_finalizers(finalizers: list[str], propagation: str | None) -> list[str]:
    """deletionFinalizersForGarbageCollection (apiserver registry/generic/registry/store.go, v1.32): the orphan
    and foregroundDeletion finalizers as the delete request's propagation policy wants them
    (shouldOrphanDependents, shouldDeleteDependents); without a policy, those the object already has stay (every
    kind served here defaults to background deletion)."""
    orphan = propagation == "Orphan" or (propagation is None and _first_gc_finalizer(finalizers) == "orphan")
    foreground = propagation == "Foreground" or (propagation is None and "foregroundDeletion" in finalizers)
    out = [f for f in finalizers if f not in ("orphan", "foregroundDeletion")]
    if orphan:
        out.append("orphan")
    if foreground:
        out.append("foregroundDeletion")
    return out


def _first_gc_finalizer(finalizers: list[str]) -> str:
    return next((f for f in finalizers if f in ("orphan", "foregroundDeletion")), "")


_dumps = jsontext.encoder()  # json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


def _copy(obj: Any) -> Any:
    """A deep copy of a request body, as the body of a request is: through JSON (several times faster than
    copy.deepcopy for the thousand pods a controller creates); copy.deepcopy for a value JSON cannot carry."""
    try:
        return json.loads(_dumps(obj))
    except (TypeError, ValueError):
        import copy  # here: a read never copies, and copy's import is a cost of every command

        return copy.deepcopy(obj)


def _parse_selectors(res: Resource, label_selector: str, field_selector: str) -> tuple:
    """A list call's label and field selectors (None for one not given), refused as the server refuses them."""
    if not (label_selector or field_selector):
        return None, None
    from minikctl.kube import selectors

    try:
        labels = selectors.LabelSelector.parse(label_selector) if label_selector else None
        fields = selectors.FieldSelector.parse(field_selector, registry.strategy(res).FIELDS) if field_selector else None
    except E.StatusError as err:
        raise selectors.selector_error(res.gvr, label_selector, field_selector, err.message) from None
    except ValueError as err:
        raise selectors.selector_error(res.gvr, label_selector, field_selector, str(err)) from None
    return labels, fields


def filter_objects(res: Resource, objs: list[dict], label_selector: str, field_selector: str) -> list[dict]:
    labels, fields = _parse_selectors(res, label_selector, field_selector)
    out = []
    for o in objs:
        if labels is not None and not labels.matches((o.get("metadata") or {}).get("labels") or {}):
            continue
        if fields is not None and not fields.matches(o):
            continue
        out.append(o)
    return out


def _strip_nulls(obj: Any, raw: tuple[str, ...] = ()) -> None:
    """Null-valued map entries are dropped before an object is stored (as the API server's decoding does);
    ``raw`` names top-level fields kept verbatim (a ``runtime.RawExtension`` is stored as sent)."""
    if isinstance(obj, dict):
        for k in [k for k, v in obj.items() if v is None]:
            del obj[k]
        for k, v in obj.items():
            if isinstance(v, (dict, list)) and k not in raw:  # a scalar has nothing to strip
                _strip_nulls(v)
    elif isinstance(obj, list):
        for v in obj:
            if isinstance(v, (dict, list)):
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

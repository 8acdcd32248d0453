"""minikctl apply / replace (and create -f, in create.py): manifests in, objects through admission, one line per
object out."""

from __future__ import annotations

import copy
import sys

from minikctl.cli import common as c
from minikctl.cli.spec import Opt


def _prepare(obj: dict, source: str, namespace: str | None):
    """Resolve the resource and namespace of a manifest object, as kubectl's builder does."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import for_kind
    from minikctl.cli.resource_args import unknown_kind_error

    res = for_kind(obj.get("apiVersion", ""), obj.get("kind", ""))
    if res is None:
        raise unknown_kind_error(obj, source)
    obj = _copy(obj)
    meta = obj.setdefault("metadata", {})
    if res.namespaced:
        own = meta.get("namespace")
        if own and namespace and own != namespace:
            raise ClientError(
                f'the namespace from the provided object "{own}" does not match the namespace "{namespace}". '
                f"You must pass '--namespace={own}' to perform this operation."
            )
        meta["namespace"] = own or c.namespace_of(namespace)
    return res, obj


def _copy(obj):
    """A deep copy of a decoded document (JSON values only): a JSON round trip, several times faster than
    copy.deepcopy, which counted for a tenth of a big apply."""
    import json

    return json.loads(json.dumps(obj))


SETTLE_EVERY = 1000  # documents after which the cluster reacts to what was applied so far (the change feed drains)
PROGRESS_FROM = 500  # documents from which a terminal shows how far apply is (never a pipe or a file)


class _Progress:
    """One line on a terminal's stderr, rewritten in place: how many documents are done."""

    def __init__(self, verb: str, total: int) -> None:
        import time

        self.verb, self.total, self.clock, self.last = verb, total, time.monotonic, 0.0

    def show(self, n: int) -> None:
        now = self.clock()
        if now - self.last >= 0.2:
            self.last = now
            sys.stderr.write(f"\r{self.verb}: {n:,}/{self.total:,} objects ({n * 100 // self.total}%)\x1b[K")
            sys.stderr.flush()

    def settling(self) -> None:
        sys.stderr.write(f"\r{self.verb}: {self.total:,}/{self.total:,} objects; the cluster reacts\x1b[K")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


def _annotated(obj: dict) -> dict:
    """The object with kubectl's last-applied-configuration annotation (compact sorted JSON of the file's object)."""
    from minikctl.api.server import LAST_APPLIED
    from minikctl.printers.serialize import to_compact_json

    plain = _copy(obj)
    annotations = plain.setdefault("metadata", {}).setdefault("annotations", {})
    annotations.pop(LAST_APPLIED, None)
    out = _copy(obj)
    out["metadata"].setdefault("annotations", {})[LAST_APPLIED] = to_compact_json(plain) + "\n"
    return out


def _run(verb, filename, recursive, namespace, output, dry_run, validate, store, tick, action) -> None:
    """Load every document, run ``action`` on each inside one session, print, and report errors at the end.

    With --dry-run=client the printed objects are the ones kubectl would have sent (no server defaults), as
    kubectl prints them; minikctl still runs them through admission, so what a server would refuse is refused.
    """
    from minikctl.kube.errors import ClientError, MinikctlError, MultiError
    from minikctl.cli import resource_args

    if not filename:
        raise ClientError("must specify one of -f and -k")
    from minikctl.cli.create_config import check_output

    check_output(output)  # apply, create and replace print json, yaml, name, templates, jsonpath: no table
    mode = c.parse_dry_run(dry_run)
    docs = resource_args.load_each(filename, recursive)
    if not docs:
        raise ClientError(f"no objects passed to {verb}")
    if all(obj is None for obj, _s, _e in docs):  # nothing to send: the store is not even opened
        raise MultiError([e for _o, _s, e in docs])
    lines: list[str] = []
    results: list[dict] = []
    errors: list[MinikctlError] = []
    progress = _Progress(verb, len(docs)) if len(docs) >= PROGRESS_FROM and sys.stderr.isatty() else None
    with c.session(store, tick, validate=validate) as cluster:
        api = cluster.api
        for n, (obj, source, failed) in enumerate(docs):
            if progress is not None:
                progress.show(n)
            if n and n % SETTLE_EVERY == 0:
                cluster.settle()  # the cluster reacts as a big file goes (same instant): bounded memory
            if failed is not None:  # this document never reached the server; the others go on
                errors.append(failed)
                continue
            try:
                with api.tx.savepoint():
                    res, obj = _prepare(obj, source, namespace)
                    word, result, *before = action(api, res, obj, source, mode)
            except MinikctlError as e:
                errors.append(e)
                continue
            lines += before
            if output and output != "name":  # the objects themselves are printed: keep them
                results.append(result)
            lines.append(c.result_line(result, word, output, mode))
        warnings = list(api.warnings)
        if progress is not None:
            progress.settling()
    if progress is not None:
        progress.clear()
    for w in warnings:
        c.err(w)
    if output in ("json", "yaml") and len(results) > 1:
        # apply's own List is a typed struct: kind, apiVersion, metadata {}, items, in that order
        from minikctl.printers import serialize

        listed = {"kind": "List", "apiVersion": "v1", "metadata": {}, "items": results}
        c.out(serialize.to_json(listed, field_order=["kind", "apiVersion", "metadata", "items"])
              if output == "json" else serialize.to_yaml(listed))
    else:
        c.print_results(results, lines, output)
    if errors:
        raise MultiError(errors)


def apply_one(api, res, obj, source, mode):
    from minikctl.kube.errors import ClientError
    from minikctl.api.patching import strategic_merge_patch, three_way_patch
    from minikctl.api.server import LAST_APPLIED, last_applied_of

    meta = obj["metadata"]
    if not meta.get("name"):
        if meta.get("generateName"):
            raise ClientError(f"from {meta['generateName']}: cannot use generate name with apply")
        raise ClientError(
            "error when retrieving current configuration of:\n"
            f'Resource: "{res.gvr}", GroupVersionKind: "/{res.api_version}, Kind={res.kind}"\n'
            f'Name: "", Namespace: "{meta.get("namespace", "")}"\n'
            f'from server for: "{source}": resource name may not be empty'
        )
    live = api.find(res, meta.get("namespace", ""), meta["name"])
    modified = _annotated(obj)
    if live is None:
        created = api.create(modified, dry_run=mode != "none", source=source)
        return "created", modified if mode == "client" else created
    if mode == "client":
        return "configured", live
    if live["metadata"].get("deletionTimestamp"):
        api.warnings.append(f"Warning: Detected changes to resource {meta['name']} which is currently being deleted.")
    original = last_applied_of(live)
    if original is None and LAST_APPLIED not in (live["metadata"].get("annotations") or {}):
        api.warnings.append(
            f"Warning: resource {res.plural}/{meta['name']} is missing the {LAST_APPLIED} annotation which is "
            "required by kubectl apply. kubectl apply should only be used on resources created declaratively by "
            "either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically."
        )
    patch = three_way_patch(original, modified, live, kind=res.kind)
    if not patch:
        return "unchanged", live
    merged = strategic_merge_patch(live, patch, kind=res.kind)
    merged["metadata"]["resourceVersion"] = live["metadata"].get("resourceVersion")
    stored, _ = api.update(live, merged, dry_run=mode != "none", source=source, verb="patching")
    return "configured", stored


def create_one(api, res, obj, source, mode, save_config=False):
    if save_config:
        obj = _annotated(obj)
    created = api.create(obj, dry_run=mode != "none", source=source)
    return "created", obj if mode == "client" else created


def replace_one(api, res, obj, source, mode, force=False):
    from minikctl.kube.errors import NotFound

    meta = obj["metadata"]
    live = api.find(res, meta.get("namespace", ""), meta.get("name", ""))
    if force:
        if live is None:
            return "replaced", api.create(obj, dry_run=mode != "none", source=source)
        api.delete(live, grace=0)
        return "replaced", api.create(obj, dry_run=mode != "none", source=source), f'{res.singular} "{meta["name"]}" deleted'

    if live is None:
        raise NotFound(res.plural, meta.get("name", "")).with_source("replacing", source)
    stored, _ = api.update(live, obj, dry_run=mode != "none", source=source, verb="replacing")
    return "replaced", obj if mode == "client" else stored


def apply(
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    server_side: bool = Opt(False, "--server-side", help="If true, apply runs in the server instead of the client."),
    force_conflicts: bool = Opt(False, "--force-conflicts", help="If true, server-side apply will force the changes "
                                "against conflicts."),
    field_manager: str | None = Opt(None, "--field-manager", help="Name of the manager used to track field "
                                    "ownership. (default: kubectl-client-side-apply; kubectl with --server-side)"),
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Apply a configuration to a resource by file name or stdin (client-side three-way merge, or server-side
    apply with --server-side)."""
    action = apply_one
    if server_side or force_conflicts:
        from minikctl.cli import serverside

        serverside.check_flags(server_side, force_conflicts, c.parse_dry_run(dry_run))
        manager = serverside.field_manager_of(field_manager, True)
        action = lambda api, res, obj, source, mode: serverside.apply_one(  # noqa: E731
            api, res, obj, source, mode, manager, force_conflicts)
    _run("apply", filename, recursive, namespace, output, dry_run, validate, store, tick, action)


def replace(
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    force: bool = Opt(False, "--force", help="Delete and re-create the resource."),
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Replace a resource by file name or stdin (a full update, subject to the update rules)."""
    _run("replace", filename, recursive, namespace, output, dry_run, validate, store, tick,
         lambda api, res, obj, source, mode: replace_one(api, res, obj, source, mode, force))


COMMANDS = {"apply": apply, "replace": replace}

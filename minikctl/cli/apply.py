"""minikctl apply / replace (and create -f, in create.py): manifests in, objects through admission, one line per
object out."""

from __future__ import annotations

import sys
from contextlib import contextmanager

from minikctl.cli import common as c
from minikctl.cli import resource_args, writes
from minikctl.cli.spec import Arg, Group, Opt


SETTLE_EVERY = 1000  # documents after which the cluster reacts to what was applied so far (the change feed drains)
PROGRESS_FROM = 500  # documents from which a terminal shows how far apply is (never a pipe or a file)


# the young generation's threshold while many documents go through (``_fewer_collections``)
YOUNG_THRESHOLD = 1_000_000


@contextmanager
def _fewer_collections(documents: int):
    """The cyclic GC's young collections put off while a file of many documents goes through, then the thresholds
    as they were. A young collection runs once 100,000 more container objects are alive than after the last one
    (cli/app.py GC_THRESHOLDS) and traverses all of them; the objects of a batch of documents (each pod's tree, its
    changes, the scheduler's copy: SETTLE_EVERY pods) outlive that many allocations and die together at its
    settle, so with the command's thresholds every batch was traversed once for nothing (16 collections, 0.6 s
    of a 10,000-pod apply's 7 s). Cycles are rare on this path (a few hundred objects in that apply), so putting
    off their collection costs no memory to speak of; what the cluster does is the same, as the GC frees only
    objects nothing reaches. https://docs.python.org/3/library/gc.html#gc.set_threshold"""
    import gc

    thresholds = gc.get_threshold()
    raised = documents >= SETTLE_EVERY and thresholds[0] < YOUNG_THRESHOLD
    if raised:
        gc.set_threshold(YOUNG_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        if raised:
            # the objects still young go to the oldest generation (freeze, then unfreeze: two list moves) rather
            # than through one young collection of all of them at the next allocation, which the threshold brought
            # back would start (a third of a second after a 10,000-pod apply, for a command about to exit). Only
            # then: an object that passed through the permanent generation may be found unreachable only by a later
            # collection than the next full one (seen in one process running many commands, the tests')
            gc.freeze()
            gc.set_threshold(*thresholds)
            gc.unfreeze()


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


def _run(verb, filename, recursive, namespace, output, dry_run, validate, store, tick, action,
         selector: str | None = None, after=None) -> None:
    """Load every document, run ``action`` on each inside one session, print, and report errors at the end.

    With --dry-run=client the printed objects are the ones kubectl would have sent (no server defaults), as
    kubectl prints them; minikctl still runs them through admission, so what a server would refuse is refused.
    ``after(api, applied, mode)`` runs in the same session once every document went through without an error
    (apply's PostProcessorFn: --prune); ``applied`` is [(resource, namespace, uid)]; it returns the objects it
    pruned, printed after the others.
    """
    from minikctl.kube.errors import ClientError, MinikctlError, MultiError

    if not filename:
        raise ClientError("must specify one of -f and -k")
    from minikctl.cli.create_config import check_output

    check_output(output)  # apply, create and replace print json, yaml, name, templates, jsonpath: no table
    mode = c.parse_dry_run(dry_run)
    docs = resource_args.load_selected(filename, recursive, selector)
    if not docs:
        raise ClientError(f"no objects passed to {verb}")
    if all(obj is None for obj, _s, _e in docs):  # nothing to send: the store is not even opened
        raise MultiError([e for _o, _s, e in docs])
    lines: list[str] = []
    results: list[dict] = []
    errors: list[MinikctlError] = []
    applied: list[tuple] = []  # (resource, namespace, uid) of each object that went through
    progress = _Progress(verb, len(docs)) if len(docs) >= PROGRESS_FROM and sys.stderr.isatty() else None
    with _fewer_collections(len(docs)), c.session(store, tick, validate=validate) as cluster:
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
                    res, obj = resource_args.prepare(obj, source, namespace)
                    word, result, *before = action(api, res, obj, source, mode)
            except MinikctlError as e:
                errors.append(e)
                continue
            lines += before
            applied.append((res, obj["metadata"].get("namespace", "") if res.namespaced else None,
                            (result.get("metadata") or {}).get("uid", "")))
            if output and output != "name":  # the objects themselves are printed: keep them
                results.append(result)
            lines.append(c.result_line(result, word, output, mode))
        pruned: list = []
        if after is not None and not errors:
            pruned = after(api, applied, mode)
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
    for obj in pruned:  # the pruner prints each object as it goes, with the "pruned" operation
        c.print_results([obj], [c.result_line(obj, "pruned", output, mode)], output)
    if errors:
        raise MultiError(errors)


# the default allowlist of kubectl/pkg/util/prune/prune.go (defaultNamespacedPruneResources, then
# defaultNonNamespacedPruneResources, as GetRESTMappings joins them; apply's prune.go uses them): (apiVersion,
# kind, namespaced)
DEFAULT_PRUNE_ALLOWLIST = (
    ("v1", "ConfigMap", True), ("v1", "Endpoints", True), ("v1", "Namespace", False),
    ("v1", "PersistentVolumeClaim", True), ("v1", "PersistentVolume", False), ("v1", "Pod", True),
    ("v1", "ReplicationController", True), ("v1", "Secret", True), ("v1", "Service", True),
    ("batch/v1", "Job", True), ("batch/v1", "CronJob", True), ("networking.k8s.io/v1", "Ingress", True),
    ("apps/v1", "DaemonSet", True), ("apps/v1", "Deployment", True), ("apps/v1", "ReplicaSet", True),
    ("apps/v1", "StatefulSet", True),
)


def prune_resources(allowlist: list[str] | None) -> list:
    """The kinds --prune looks at: parsePruneResources (prune.go) for --prune-allowlist (``group/version/kind``,
    ``core`` for the core group), else the default allowlist, of which the kinds this cluster does not serve
    are left out (a real cluster serves them; here they could hold no object to prune)."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import for_kind

    if not allowlist:
        return [r for r in (for_kind(v, k) for v, k, _n in DEFAULT_PRUNE_ALLOWLIST) if r is not None]
    out = []
    for gvk in allowlist:
        parts = gvk.split("/")
        if len(parts) != 3:
            raise ClientError(f"invalid GroupVersionKind format: {gvk}, please follow <group/version/kind>")
        group, version, kind = parts
        api_version = version if group in ("", "core") else f"{group}/{version}"
        res = for_kind(api_version, kind)
        if res is None:  # the RESTMapper's NoKindMatchError
            raise ClientError(f'no matches for kind "{kind}" in version "{api_version}"')
        out.append(res)
    return out


def validate_prune(prune: bool, all_: bool, selector: str | None) -> None:
    """ApplyOptions.Validate (apply.go), the checks of --all, --selector and --prune, in its order."""
    from minikctl.kube.errors import ClientError

    if all_ and selector:
        raise ClientError("cannot set --all and --selector at the same time")
    if prune and not all_ and not selector:
        raise ClientError("all resources selected for prune without explicitly passing --all. To prune all "
                          "resources, pass the --all flag. If you did not mean to prune all resources, specify a "
                          "label selector")


PRUNE_DEPRECATION = ("Deprecated: kubectl apply will no longer prune non-namespaced resources by default when used "
                     "with the --namespace flag in a future release. To preserve the current behaviour, list the "
                     "resources you want to target explicitly in the --prune-allowlist flag.")


def klog_warning(message: str, where: str) -> None:
    """A klog.Warning line on stderr, in klog's header format (``Wmmdd hh:mm:ss.uuuuuu   pid file:line] msg``)."""
    import datetime
    import os

    now = datetime.datetime.now()
    c.err(f"W{now:%m%d %H:%M:%S.%f} {os.getpid():>7} {where}] {message}")


def pruner(kinds: list, selector: str | None, enforced_namespace: str | None, default_list: bool = False):
    """apply's --prune post-processor (prune.go ``pruner.pruneAll``/``prune``): in every namespace an applied
    object was in (and the one -n named), then cluster-wide for the cluster-scoped kinds, list each kind with
    the selector and delete what carries the last-applied annotation and was not applied now. Returns the
    objects pruned (a client dry run deletes nothing but reports the same)."""
    from minikctl.api.server import LAST_APPLIED

    def run(api, applied, mode):
        if default_list:  # util/prune GetRESTMappings: apply's namespace is never empty, so it always warns
            klog_warning(PRUNE_DEPRECATION, "prune.go:71")
        visited_uids = {uid for _r, _ns, uid in applied}
        namespaces = {ns for _r, ns, _u in applied if ns is not None}
        if enforced_namespace:
            namespaces.add(enforced_namespace)
        scopes = [(ns, r) for ns in sorted(namespaces) for r in kinds if r.namespaced]  # Go visits a set: any order
        scopes += [("", r) for r in kinds if not r.namespaced]
        pruned = []
        for ns, res in scopes:
            for obj in api.list(res, ns, selector or ""):
                meta = obj.get("metadata") or {}
                if LAST_APPLIED not in (meta.get("annotations") or {}) or meta.get("uid") in visited_uids:
                    continue
                if mode != "client":
                    with api.tx.savepoint():
                        api.delete(obj, dry_run=mode == "server", propagation="Background")
                pruned.append(obj)
        return pruned

    return run


def apply(
    args: list[str] | None = Arg(None, help="(none: the objects come from -f)"),
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    namespace: str | None = c.NAMESPACE,
    selector: str | None = c.SELECTOR,
    all_: bool = Opt(False, "--all", help="Select all resources in the namespace of the specified resource types."),
    prune: bool = Opt(False, "--prune", help="Automatically delete resource objects, that do not appear in the "
                      "configs and are created by either apply or create --save-config. Should be used with either "
                      "-l or --all."),
    prune_allowlist: list[str] | None = Opt(None, "--prune-allowlist",
                                            help="Overwrite the default allowlist with <group/version/kind> for --prune"),
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    record: bool = c.RECORD,
    server_side: bool = Opt(False, "--server-side", help="If true, apply runs in the server instead of the client."),
    force_conflicts: bool = Opt(False, "--force-conflicts", help="If true, server-side apply will force the changes "
                                "against conflicts."),
    field_manager: str | None = Opt(None, "--field-manager", help="Name of the manager used to track field "
                                    "ownership. (default: kubectl-client-side-apply; kubectl with --server-side)"),
    kustomize: str | None = c.KUSTOMIZE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Apply a configuration to a resource by file name or stdin (client-side three-way merge, or server-side
    apply with --server-side)."""
    from minikctl.kube.errors import ClientError

    if args:  # apply.go validateArgs
        raise ClientError(f"Unexpected args: [{' '.join(args)}]\nSee 'minikctl apply -h' for help and examples")
    c.check_kustomize(kustomize, filename, recursive)
    kinds = prune_resources(prune_allowlist) if prune else []  # ApplyFlags.ToOptions, before Validate
    validate_prune(prune, all_, selector)
    after = None
    if prune:
        after = pruner(kinds, selector, c.namespace_of(namespace) if namespace or c._global["namespace"] else None,
                       default_list=not prune_allowlist)
    action = writes.apply_one
    if server_side or force_conflicts:
        from minikctl.cli import serverside

        serverside.check_flags(server_side, force_conflicts, c.parse_dry_run(dry_run))
        manager = serverside.field_manager_of(field_manager, True)
        action = lambda api, res, obj, source, mode: serverside.apply_one(  # noqa: E731
            api, res, obj, source, mode, manager, force_conflicts)
    _run("apply", filename, recursive, namespace, output, dry_run, validate, store, tick, action,
         selector=selector, after=after)


def replace(
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    force: bool = Opt(False, "--force", help="Delete and re-create the resource."),
    grace_period: int = Opt(-1, "--grace-period", help="With --force: seconds the deleted objects have to terminate "
                                                       "(-1: their own default)."),
    timeout: str = Opt("0s", "--timeout", help="With --force: how long (virtual) to wait for the deletion (0: 5m)."),
    save_config: bool = Opt(False, "--save-config", help="Store the last-applied configuration annotation."),
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Replace a resource by file name or stdin (a full update, subject to the update rules)."""
    from minikctl.kube.errors import ClientError

    timeout_ms = c.duration_flag(timeout, "--timeout", "replace")
    # ReplaceOptions.Validate (pkg/cmd/replace/replace.go), in its order
    if grace_period >= 0 and not force:
        raise ClientError("--grace-period must have --force specified")
    if timeout_ms != 0 and not force:
        raise ClientError("--timeout must have --force specified")
    if force and c.parse_dry_run(dry_run) != "none":
        raise ClientError("--dry-run can not be used when --force is set")
    if force:
        _force_replace(filename, recursive, namespace, output, validate, grace_period, timeout_ms, save_config,
                       store, tick)
        return
    _run("replace", filename, recursive, namespace, output, dry_run, validate, store, tick,
         lambda api, res, obj, source, mode: writes.replace_one(api, res, obj, source, mode, save_config=save_config))


def _force_replace(filename, recursive, namespace, output, validate, grace_period, timeout_ms, save_config,
                   store, tick) -> None:
    """forceReplace: delete what the files name (DeleteResult: ``pod "x" deleted``), wait until it is gone (5m
    unless --timeout), then create the files' objects (``pod/x replaced``)."""
    from minikctl.cli import resource_args
    from minikctl.cli.create_config import check_output
    from minikctl.cli.delete import wait_gone
    from minikctl.kube.errors import ClientError

    if not filename:
        raise ClientError("must specify one of -f and -k")
    check_output(output)
    docs = resource_args.load(filename, recursive)
    lines: list[str] = []
    results: list[dict] = []
    with c.session(store, tick, validate=validate) as cluster:
        api = cluster.api
        prepared = [(*resource_args.prepare(obj, source, namespace), source) for obj, source in docs]
        gone = []
        for res, obj, _source in prepared:
            meta = obj["metadata"]
            live = api.find(res, meta.get("namespace", ""), meta.get("name", ""))
            if live is None:
                continue
            # --force: an immediate deletion unless --grace-period says otherwise
            api.delete(live, grace=grace_period if grace_period > 0 else 0)
            lines.append(f'{res.singular} "{meta["name"]}" deleted')
            gone.append((res.kind, meta.get("namespace", ""), meta["name"], live["metadata"].get("uid"), res.plural))
        c.out("".join(line + "\n" for line in lines))
        lines = []
        if gone and wait_gone(cluster, gone, timeout_ms or 5 * 60 * 1000):
            raise ClientError("context deadline exceeded")  # wait.PollUntilContextTimeout's interruption
        for res, obj, source in prepared:
            created = api.create(writes.annotated(obj) if save_config else obj, source=source)
            results.append(created)
            lines.append(c.result_line(created, "replaced", output))
    c.print_results(results if output and output != "name" else [], lines, output)


def _subcommands() -> dict:
    from minikctl.cli import apply_last_applied as last

    return {"view-last-applied": last.view_last_applied, "set-last-applied": last.set_last_applied,
            "edit-last-applied": last.edit_last_applied}


# kubectl apply's subcommands (apply.go NewCmdApply: AddCommand of the three *-last-applied commands)
COMMANDS = {"apply": Group("Apply a configuration to a resource by file name or stdin.", _subcommands(),
                           callback=apply),
            "replace": replace}

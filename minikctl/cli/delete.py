"""minikctl delete: graceful and forced deletion; --wait advances virtual time until the objects are gone."""

from __future__ import annotations


from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

FORCE_WARNING = (
    "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. "
    "The resource may continue to run on the cluster indefinitely."
)

CLUSTER_SCOPE_WARNING = "Warning: deleting cluster-scoped resources, not scoped to the provided namespace"


def cascading_strategy(flag: str) -> str:
    """kubectl's GetCascadingStrategy (cmd/delete/delete_flags.go): the propagation policy of --cascade;
    the old boolean values still work, with a warning."""
    from minikctl.kube.errors import ClientError

    booleans = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
                "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}
    if flag in booleans:
        word = "background" if booleans[flag] else "orphan"
        c.err(f"warning: --cascade={flag} is deprecated (boolean value) and can be replaced with --cascade={word}.")
        return "Background" if booleans[flag] else "Orphan"
    strategies = {"orphan": "Orphan", "foreground": "Foreground", "background": "Background"}
    if flag not in strategies:
        raise ClientError(f'invalid cascade value ({flag}). Must be "background", "foreground", or "orphan"')
    return strategies[flag]


def effective_grace(grace_period: int, now: bool, force: bool) -> int:
    """kubectl's DeleteOptions.Complete/Validate: -1 means the object's own period."""
    from minikctl.kube.errors import ClientError

    if now and grace_period != -1:
        raise ClientError("--now and --grace-period cannot be specified together")
    if force and grace_period > 0:
        raise ClientError("--force and --grace-period greater than 0 cannot be specified together")
    if now:
        return 1
    if grace_period == 0 and not force:
        return 1
    if force and grace_period < 0:
        return 0
    return grace_period


def wait_gone(cluster, targets: list[tuple], timeout_ms: int, progress: bool = True) -> list:
    """Let virtual time run until every (kind, ns, name, uid, plural) target is gone; returns timeout errors.
    ``progress``: a bar on the terminal if it takes long (not with a machine format)."""
    from minikctl.kube.errors import ClientError

    deadline = cluster.now_ms + (timeout_ms if timeout_ms > 0 else 168 * 3600 * 1000)

    def present(t) -> bool:
        obj = cluster.tx.get(t[0], t[1], t[2])
        return obj is not None and obj["metadata"].get("uid") == t[3]

    from minikctl.cli.progress import Bar

    bar = Bar(cluster.now_ms, deadline, "waiting for deletion")
    cluster.progress = bar.update if progress else None
    try:
        cluster.run_until(lambda: not any(present(t) for t in targets), deadline)
    finally:
        cluster.progress = None
        bar.close()
    return [ClientError(f"timed out waiting for the condition on {t[4]}/{t[2]}") for t in targets if present(t)]


def delete(
    args: list[str] | None = Arg(None, help="TYPE NAME... or TYPE/NAME...", complete="resource_args"),
    namespace: str | None = c.NAMESPACE,
    all_namespaces: bool = c.ALL_NAMESPACES,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    selector: str | None = c.SELECTOR,
    field_selector: str | None = c.FIELD_SELECTOR,
    all_: bool = Opt(False, "--all", help="Delete all resources of the type in the namespace."),
    grace_period: int = Opt(-1, "--grace-period", help="Seconds given to the resource to terminate gracefully (-1: its own)."),
    now: bool = Opt(False, "--now", help="Signal the resource for immediate shutdown (grace period 1)."),
    force: bool = Opt(False, "--force", help="Remove the resource at once (with --grace-period=0)."),
    ignore_not_found: bool | None = Opt(None, "--ignore-not-found", help="Treat not found as success."),
    wait: bool = Opt(True, "--wait/--no-wait", help="Advance virtual time until the resources are gone."),
    timeout: str = Opt("0s", "--timeout", help="How long (virtual) to wait for deletion (0: a week)."),
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    cascade: str = Opt("background", "--cascade", help="background, foreground or orphan."),
    kustomize: str | None = c.KUSTOMIZE,
    speed: str | None = c.SPEED,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Delete resources by file names, stdin, resources and names, or by resources and label selector."""
    from minikctl.kube.errors import ClientError, MinikctlError, MultiError, StatusError
    from minikctl.cli import resource_args

    args = args or []
    c.check_kustomize(kustomize, filename, recursive)
    timeout_ms = c.duration_flag(timeout, "--timeout", "delete") if timeout else 0
    if output and output != "name":
        raise ClientError(f"unexpected -o output mode: {output}. We only support '-o name'")
    propagation = cascading_strategy(cascade)
    if all_ and selector:
        raise ClientError("cannot set --all and --selector at the same time")
    if all_ and field_selector:
        raise ClientError("cannot set --all and --field-selector at the same time")
    grace = effective_grace(grace_period, now, force)
    mode = c.parse_dry_run(dry_run)
    if not args and not filename:
        raise ClientError(resource_args.NO_ARGS)
    requests = resource_args.from_args(args)
    by_query = bool(all_ or selector or field_selector)
    if any(not r.names for r in requests) and not by_query:
        raise ClientError("resource(s) were provided, but no name was specified")
    if ignore_not_found is None:
        ignore_not_found = by_query
    if force and grace == 0:
        c.err(FORCE_WARNING)
    ns = c.namespace_of(namespace)
    keep = None
    if filename and selector:  # -f with -l: the builder filters the files' documents by their labels

        keep = resource_args.label_filter(selector)
    lines: list[str] = []
    errors: list[MinikctlError] = []
    with c.session(store, tick, stream=wait and mode == "none", speed=speed, by_signal=True) as cluster:
        api = cluster.api
        targets: list[tuple] = []  # (res, obj)
        if filename:
            found, missing = resource_args.live_from_files(api, filename, recursive, ns, verb="deleting",
                                                          keep=keep)
            targets += found
            errors += [e for e in missing if not (ignore_not_found and e.reason == "NotFound")]
        for req in requests:
            if req.names:
                for name in req.names:
                    try:
                        targets.append((req.res, api.get(req.res, ns, name)))
                    except StatusError as e:
                        if not (ignore_not_found and e.reason == "NotFound"):
                            errors.append(e)
            else:
                scope = None if all_namespaces else ns
                targets += [(req.res, o) for o in api.list(req.res, scope, selector or "", field_selector or "")]
        gone: list[tuple] = []
        # DeleteOptions.WarnClusterScope: -n given, not -A; printed once, at the first cluster-scoped object
        warn_cluster_scope = namespace is not None and not all_namespaces
        for res, obj in targets:
            meta = obj["metadata"]
            if warn_cluster_scope and not res.namespaced:
                c.err(CLUSTER_SCOPE_WARNING)
                warn_cluster_scope = False
            try:
                with api.tx.savepoint():
                    api.delete(obj, grace=None if grace < 0 else grace, dry_run=mode != "none",
                               propagation=propagation)
            except MinikctlError as e:
                errors.append(e)
                continue
            if output == "name":
                lines.append(res.ref(meta["name"]))
            else:
                word = "force deleted" if (force and grace == 0) else "deleted"
                # DeleteOptions.PrintObj: strings.ToLower(kind) + "." + group for grouped kinds
                lines.append(f'{res.ref(meta["name"]).split("/", 1)[0]} "{meta["name"]}" {word}{c.dry_suffix(mode)}')
            gone.append((res.kind, meta.get("namespace", ""), meta["name"], meta.get("uid"), res.plural))
        if wait and mode == "none" and gone:
            # kubectl prints each deletion as it is accepted, then waits (delete.go deleteResult, then the
            # WaitOptions): the lines are shown with the first committed step
            c.out("".join(line + "\n" for line in lines))
            lines = []
            errors += wait_gone(cluster, gone, timeout_ms, progress=output is None)
    if by_query and not targets and not errors:
        c.out("No resources found\n")
    c.out("".join(line + "\n" for line in lines))
    if errors:
        raise MultiError(errors)


COMMANDS = {"delete": delete}

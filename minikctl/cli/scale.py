"""minikctl scale (kubectl v0.32.4 ``pkg/cmd/scale/scale.go`` and ``pkg/scale/scale.go``).

The new size goes through the scale subresource: without a precondition a merge patch of ``spec.replicas``; with
``--current-replicas`` or ``--resource-version`` a read of the scale, the precondition checked, then an update
that fails with a conflict if the object changed. Kinds without a scale subresource answer as the API server
does (404). ``--timeout`` then waits (virtual time) until the status has as many replicas as asked.
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt


def scale(
    args: list[str] | None = Arg(None, help="TYPE NAME or TYPE/NAME", complete="resource_args"),
    replicas: int | None = Opt(None, "--replicas", help="The new desired number of replicas. Required."),
    current_replicas: int = Opt(-1, "--current-replicas", help="Precondition for current size. Requires that the "
                                                               "current size of the resource match this value in "
                                                               "order to scale. -1 (default) for no condition."),
    resource_version: str | None = Opt(None, "--resource-version", help="Precondition for resource version. "
                                                                        "Requires that the current resource version "
                                                                        "match this value in order to scale."),
    all_: bool = Opt(False, "--all", help="Select all resources in the namespace of the specified resource types"),
    selector: str | None = c.SELECTOR,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    timeout: str = Opt("0s", "--timeout", help="The length of (virtual) time to wait before giving up on a scale "
                                               "operation, zero means don't wait."),
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    namespace: str | None = c.NAMESPACE,
    record: bool = c.RECORD,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Set a new size for a deployment, replica set, replication controller, or stateful set."""
    import copy

    from minikctl.cli import resource_args
    from minikctl.kube.errors import ClientError, MinikctlError, MultiError, NotFound, StatusError
    from minikctl.kube.timefmt import parse_go_duration
    from minikctl.printers import output as printer

    if replicas is None:
        raise ClientError('required flag(s) "replicas" not set')
    mode = c.parse_dry_run(dry_run)
    printer.check_format(output)
    if replicas < 0:
        raise ClientError("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    if current_replicas < -1:
        raise ClientError("The --current-replicas must specify an integer of -1 or greater")
    try:
        wait_ms = parse_go_duration(timeout) if timeout else 0
    except ValueError as e:
        raise ClientError(f'invalid argument "{timeout}" for "--timeout" flag: {e}') from None
    ns = c.namespace_of(namespace)
    text: list[str] = []
    error: MinikctlError | None = None
    info_errors: list = []
    with c.session(store, tick) as cluster:
        api = cluster.api
        found: list[tuple] = []
        if filename:
            got, missing = resource_args.live_from_files(api, filename, recursive, ns)
            found += got
            info_errors += missing
        for req in resource_args.from_args(args or []):
            if req.names:
                for name in req.names:
                    try:
                        found.append((req.res, api.get(req.res, ns, name)))
                    except StatusError as e:
                        info_errors.append(e)
            elif all_ or selector:
                found += [(req.res, o) for o in api.list(req.res, ns, selector or "")]
            else:
                raise ClientError("resource(s) were provided, but no name was specified")
        if resource_version and len(found) > 1:
            raise ClientError("cannot use --resource-version with multiple resources")
        if not found:
            if info_errors:  # fmt.Errorf("no objects passed to scale %w", infoErr): the errors' own texts
                raise ClientError("no objects passed to scale " + "; ".join(
                    e.server_message() if isinstance(e, StatusError) else str(e) for e in info_errors))
            raise ClientError("no objects passed to scale")

        def line(obj: dict) -> str:
            if output and output != "name":
                return printer.render([obj], output, now_ms=api.now_ms, single=True)
            if output == "name":
                return printer.ref(obj) + "\n"
            return f"{printer.ref(obj)} scaled{c.dry_suffix(mode)}\n"

        for res, obj in found:
            if mode == "client":
                text.append(line(obj))
                continue
            try:
                if "scale" not in res.subresources:
                    err = NotFound(res.qualified, obj["metadata"]["name"])
                    err.message = "the server could not find the requested resource"
                    raise err
                live = api.get(res, obj["metadata"].get("namespace", ns), obj["metadata"]["name"])
                spec_replicas = int((live.get("spec") or {}).get("replicas", 1))
                if current_replicas != -1 and spec_replicas != current_replicas:
                    raise ClientError(f"Expected replicas to be {current_replicas}, was {spec_replicas}")
                rv = live["metadata"].get("resourceVersion", "")
                if resource_version and rv != resource_version:
                    raise ClientError(f"Expected resource version to be {resource_version}, was {rv}")
                new = copy.deepcopy(live)
                new.setdefault("spec", {})["replicas"] = replicas
                if resource_version:
                    new["metadata"]["resourceVersion"] = resource_version
                c.record(new)  # scale.go: MakeRecordMergePatch, the change cause patched in after the scale
                with api.tx.savepoint():
                    api.update(live, new, dry_run=mode == "server", verb="patching", subresource="scale")
            except MinikctlError as e:
                error = e
                break
            if wait_ms > 0 and mode == "none":
                key = (res.kind, live["metadata"].get("namespace", ""), live["metadata"]["name"])

                def reached(key=key) -> bool:  # scaleHasDesiredReplicas
                    cur = api.tx.get(*key)
                    if cur is None:
                        return True
                    want = int((cur.get("spec") or {}).get("replicas", 1))
                    if want != replicas:
                        return True
                    return int((cur.get("status") or {}).get("replicas") or 0) == want

                if not cluster.run_until(reached, api.now_ms + wait_ms):
                    error = ClientError("timed out waiting for the condition")
                    break
            text.append(line(obj))  # kubectl prints the object as it read it
    c.out("".join(text))
    if error is not None:
        raise error
    if info_errors:
        raise MultiError(info_errors)


COMMANDS = {"scale": scale}

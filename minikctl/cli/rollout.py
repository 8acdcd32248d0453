"""minikctl rollout history|pause|resume|undo|status|restart (kubectl v0.32.4 ``pkg/cmd/rollout``).

What differs per kind is in polymorphic.py (kubectl's polymorphichelpers). ``rollout status`` watches in virtual
time: it prints the status of the object as listed, then again for every later write of it (each watch event
prints a line, repeated lines included, as kubectl's ``UntilWithSync`` does) until the rollout is done,
``--timeout`` (virtual) passes, or nothing is left to happen; without ``--timeout`` (kubectl waits forever) it
waits at most 24 virtual hours.
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Group, Opt

FOREVER_MS = 24 * 3600 * 1000
ARGS = Arg(None, help="TYPE NAME or TYPE/NAME", complete="resource_args")
FIELD_MANAGER = Opt("kubectl-rollout", "--field-manager", help="Name of the manager used to track field ownership.")


def targets(api, args: list[str], namespace: str, selector: str | None, filename, recursive) -> tuple[list, list]:
    """The builder's ResourceTypeOrNameArgs(allowEmptySelector=true, ...) with ContinueOnError: (resource, object)
    pairs in argument (or list) order, and the errors of those that could not be read."""
    from minikctl.cli import resource_args
    from minikctl.kube.errors import StatusError

    found, errors = [], []
    if filename:
        got, missing = resource_args.live_from_files(api, filename, recursive, namespace)
        found += got
        errors += missing
    for req in resource_args.from_args(args):
        if req.names:
            for name in req.names:
                try:
                    found.append((req.res, api.get(req.res, namespace, name)))
                except StatusError as e:
                    errors.append(e)
        else:
            found += [(req.res, o) for o in api.list(req.res, namespace, selector or "")]
    return found, errors


def _need_resources(args, filename) -> None:
    from minikctl.kube.errors import ClientError

    if not args and not filename:
        raise ClientError("required resource not specified")


def _group_resource(res) -> str:
    return f"{res.plural}.{res.group}" if res.group else res.plural


def _printed(obj: dict, operation: str, output: str | None, mode: str = "none") -> str:
    """The name printer's line (``deployment.apps/web paused``), or the (typed) object in an -o format."""
    from minikctl.cli.set import render_object

    return render_object(obj, output, 0, f"{operation}{c.dry_suffix(mode)}")


# ---- history ---------------------------------------------------------------------------------------------------

def history(
    args: list[str] | None = ARGS,
    revision: int = Opt(0, "--revision", help="See the details, including podTemplate of the revision specified"),
    selector: str | None = c.SELECTOR,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    output: str | None = c.OUTPUT,
    namespace: str | None = c.NAMESPACE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """View rollout history."""
    from minikctl.cli import polymorphic as poly
    from minikctl.kube.errors import ClientError, MinikctlError, MultiError
    from minikctl.printers import output as printer

    _need_resources(args, filename)
    if revision < 0:
        raise ClientError(f"revision must be a positive integer: {revision}")
    printer.check_format(output)
    ns = c.namespace_of(namespace)
    text: list[str] = []
    with c.session(store, tick) as cluster:
        api = cluster.api
        found, errors = targets(api, args or [], ns, selector, filename, recursive)
        for res, obj in found:
            meta = obj["metadata"]
            try:
                viewer = poly.history_viewer(api, res)
                if output:
                    info = viewer.get(meta.get("namespace", ns), meta["name"])
                    objs = [info[revision]] if revision > 0 else [info[k] for k in sorted(info)]
                    for o in objs:
                        if o:  # the YAML printer separates the objects it prints with ---
                            sep = "---\n" if text and output == "yaml" else ""
                            text.append(sep + _printed(o, "", output))
                    continue
                view = viewer.view(meta.get("namespace", ns), meta["name"], revision)
            except MinikctlError as e:
                errors.append(e)
                continue
            with_revision = f"with revision #{revision}" if revision > 0 else ""
            text.append(_printed(obj, f"{with_revision}\n{view}", None))
    c.out("".join(text))
    if errors:
        raise MultiError(errors)


# ---- pause / resume / restart --------------------------------------------------------------------------------

def _patch_verb(args, selector, filename, recursive, output, namespace, store, tick, change, done_word: str,
                unchanged_word: str | None) -> None:
    """RunPause / RunResume / RunRestart: the change as a patch of each object; a refusal is that object's error,
    an empty change prints ``already <word>`` (pause, resume) or is an error (restart)."""
    from minikctl.cli import polymorphic as poly
    from minikctl.kube.errors import ClientError, MultiError, StatusError
    from minikctl.printers import output as printer

    _need_resources(args, filename)
    printer.check_format(output)
    ns = c.namespace_of(namespace)
    text: list[str] = []
    with c.session(store, tick) as cluster:
        api = cluster.api
        found, errors = targets(api, args or [], ns, selector, filename, recursive)
        if not found and not errors:
            c.err(f"No resources found in {ns} namespace.")
            return
        for res, obj in found:
            name = obj["metadata"]["name"]
            try:
                new = change(obj, api.now_ms)
            except poly.Refused as e:
                errors.append(ClientError(f'error: {_group_resource(res)} "{name}" {e}', plain=True))
                continue
            if new == obj:
                if unchanged_word is None:
                    errors.append(ClientError(f"failed to create patch for {name}: if restart has already been "
                                              "triggered within the past second, please wait before attempting to "
                                              "trigger another"))
                else:
                    text.append(_printed(obj, unchanged_word, output))
                continue
            try:
                with api.tx.savepoint():
                    stored, _ = api.update(obj, new, verb="patching")
            except StatusError as e:
                errors.append(ClientError(f"failed to patch: {e.server_message()}"))
                continue
            text.append(_printed(stored, done_word, output))
    c.out("".join(text))
    if errors:
        raise MultiError(errors)


def pause(
    args: list[str] | None = ARGS,
    selector: str | None = c.SELECTOR,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    output: str | None = c.OUTPUT,
    field_manager: str = FIELD_MANAGER,
    namespace: str | None = c.NAMESPACE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Mark the provided resource as paused."""
    from minikctl.cli import polymorphic as poly

    _patch_verb(args, selector, filename, recursive, output, namespace, store, tick,
                lambda obj, now: poly.pause(obj), "paused", "already paused")


def resume(
    args: list[str] | None = ARGS,
    selector: str | None = c.SELECTOR,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    output: str | None = c.OUTPUT,
    field_manager: str = FIELD_MANAGER,
    namespace: str | None = c.NAMESPACE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Resume a paused resource."""
    from minikctl.cli import polymorphic as poly

    _patch_verb(args, selector, filename, recursive, output, namespace, store, tick,
                lambda obj, now: poly.resume(obj), "resumed", "already resumed")


def restart(
    args: list[str] | None = ARGS,
    selector: str | None = c.SELECTOR,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    output: str | None = c.OUTPUT,
    field_manager: str = FIELD_MANAGER,
    namespace: str | None = c.NAMESPACE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Restart a resource."""
    from minikctl.cli import polymorphic as poly

    _patch_verb(args, selector, filename, recursive, output, namespace, store, tick,
                poly.restart, "restarted", None)


# ---- undo ------------------------------------------------------------------------------------------------------

def undo(
    args: list[str] | None = ARGS,
    to_revision: int = Opt(0, "--to-revision", help="The revision to rollback to. Default to 0 (last revision)."),
    selector: str | None = c.SELECTOR,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    dry_run: str | None = c.DRY_RUN,
    output: str | None = c.OUTPUT,
    namespace: str | None = c.NAMESPACE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Undo a previous rollout."""
    from minikctl.cli import polymorphic as poly
    from minikctl.kube.errors import MinikctlError, MultiError
    from minikctl.printers import output as printer

    _need_resources(args, filename)
    mode = c.parse_dry_run(dry_run)
    printer.check_format(output)
    ns = c.namespace_of(namespace)
    text: list[str] = []
    with c.session(store, tick) as cluster:
        api = cluster.api
        found, errors = targets(api, args or [], ns, selector, filename, recursive)
        for res, obj in found:
            try:
                rollback = poly.rollbacker(res)
                with api.tx.savepoint():
                    result = rollback(api, obj, to_revision, mode)
            except MinikctlError as e:
                errors.append(e)
                continue
            text.append(_printed(obj, result, output, mode))  # PrintObj(info.Object): the object as read
    c.out("".join(text))
    if errors:
        raise MultiError(errors)


# ---- status ----------------------------------------------------------------------------------------------------

def status(
    args: list[str] | None = ARGS,
    watch: bool = Opt(True, "--watch/--no-watch", "-w", help="Watch the status of the rollout until it's done."),
    revision: int = Opt(0, "--revision", help="Pin to a specific revision for showing its status. Defaults to 0 "
                                              "(last revision)."),
    timeout: str = Opt("0s", "--timeout", help="The length of (virtual) time to wait before ending watch, zero means "
                                               "never (at most 24 virtual hours here)."),
    selector: str | None = c.SELECTOR,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    namespace: str | None = c.NAMESPACE,
    speed: str | None = c.SPEED,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Show the status of the rollout."""
    from minikctl.cli import polymorphic as poly
    from minikctl.kube.errors import ClientError, MinikctlError, MultiError
    from minikctl.kube.timefmt import parse_go_duration
    from minikctl.store.changelog import DELETED

    _need_resources(args, filename)
    if revision < 0:
        raise ClientError(f"revision must be a positive integer: {revision}")
    try:
        limit_ms = parse_go_duration(timeout) if timeout else 0
    except ValueError as e:
        raise ClientError(f'invalid argument "{timeout}" for "--timeout" flag: {e}') from None
    ns = c.namespace_of(namespace)
    errors: list = []
    with c.session(store, tick, stream=watch, speed=speed) as cluster:
        api = cluster.api
        found, errors = targets(api, args or [], ns, selector, filename, recursive)
        for res, obj in found:
            try:
                viewer = poly.status_viewer(res)
                message, done = viewer(obj, revision)
            except MinikctlError as e:
                errors.append(e)
                continue
            c.out(message)
            if done or not watch:
                continue
            meta = obj["metadata"]
            key = (res.kind, meta.get("namespace", ""), meta["name"])
            changes = cluster.watch((res.kind,))
            state: dict = {"done": False, "error": None}

            def step(changes=changes, key=key, viewer=viewer, state=state) -> None:
                for ch in changes:
                    if state["done"] or (ch.kind, ch.namespace, ch.name) != key:
                        continue
                    if ch.type == DELETED:
                        state["done"], state["error"] = True, ClientError("object has been deleted")
                        continue
                    try:
                        text, finished = viewer(ch.snapshot() if ch.body else ch.obj, revision)
                    except MinikctlError as e:
                        state["done"], state["error"] = True, e
                        continue
                    c.out(text)
                    state["done"] = finished
                del changes[:]

            deadline = api.now_ms + (limit_ms if limit_ms > 0 else FOREVER_MS)
            cluster.settle()
            step()
            if not state["done"]:
                cluster.run_until(lambda state=state: state["done"], deadline, to_deadline=limit_ms > 0,
                                  on_step=step)
                step()
            if state["error"] is not None:
                errors.append(state["error"])
            elif not state["done"]:
                errors.append(ClientError("timed out waiting for the condition"))
        if not found and not errors:
            c.err(f"No resources found in {ns} namespace.")
    if errors:
        raise MultiError(errors)


COMMANDS = {"rollout": Group("Manage the rollout of a resource.", {
    "history": history, "pause": pause, "resume": resume, "undo": undo, "status": status, "restart": restart})}

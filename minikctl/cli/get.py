"""minikctl get: tables and every -o format, selectors, sorting, and -w over virtual time."""

from __future__ import annotations


from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

NO_RESOURCE = (
    'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported '
    "resources.\n\nerror: Required resource not specified.\n"
    'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\n'
    "See 'kubectl get -h' for help and examples"
)


def get(
    args: list[str] | None = Arg(None, help="TYPE [NAME...] or TYPE/NAME...", complete="resource_args"),
    namespace: str | None = c.NAMESPACE,
    all_namespaces: bool = c.ALL_NAMESPACES,
    output: str | None = c.OUTPUT,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    selector: str | None = c.SELECTOR,
    field_selector: str | None = c.FIELD_SELECTOR,
    no_headers: bool = Opt(False, "--no-headers", help="Do not print headers."),
    show_labels: bool = Opt(False, "--show-labels", help="Show all labels as the last column."),
    label_columns: list[str] | None = Opt(None, "--label-columns", "-L", help="Labels to show as columns."),
    show_kind: bool = Opt(False, "--show-kind", help="Show the resource type in the NAME column."),
    sort_by: str | None = Opt(None, "--sort-by", help="Sort by a JSONPath expression."),
    ignore_not_found: bool = Opt(False, "--ignore-not-found", help="Treat not found as success."),
    watch: bool = Opt(False, "--watch", "-w", help="After listing, watch changes as virtual time advances."),
    watch_only: bool = Opt(False, "--watch-only", help="Watch changes without listing first."),
    output_watch_events: bool = Opt(False, "--output-watch-events", help="Prefix watch rows with the event type."),
    template: str | None = Opt(None, "--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview]."),
    allow_missing_template_keys: bool = Opt(True, "--allow-missing-template-keys/--no-allow-missing-template-keys", help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats."),
    request_timeout: str = Opt("0", "--request-timeout", help="How much virtual time -w may cover (0: until nothing is pending, at most 24h)."),
    chunk_size: int = Opt(500, "--chunk-size", help="Accepted for compatibility (a local store is read in one go)."),
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Display one or many resources."""
    from minikctl.kube.errors import ClientError, MinikctlError, MultiError, StatusError
    from minikctl.cli import resource_args
    from minikctl.printers import output as printer
    from minikctl.api.registry import pod as pod_strategy

    args = args or []
    printer.check_format(output, template)
    output = printer.with_template(output, template)
    if not args and not filename:
        raise ClientError(NO_RESOURCE, plain=True)
    requests = resource_args.from_args(args)
    show_kind = show_kind or (bool(args) and "all" in args[0].split(","))
    if all_namespaces and any(r.names for r in requests):
        raise ClientError("a resource cannot be retrieved by name across all namespaces")
    if selector and any(r.names for r in requests):
        raise ClientError("name cannot be provided when a selector is specified")
    if filename or (not all_namespaces and any(r.res.namespaced for r in requests)):
        ns = c.namespace_of(namespace, plain=not any(r.names for r in requests))
    else:
        ns = namespace or c._global["namespace"] or "default"  # not part of any request path
    objs: list[dict] = []
    errors: list[MinikctlError] = []
    single = False
    with c.session(store, tick, read_only=not (watch or watch_only)) as cluster:
        api = cluster.api
        if filename:
            found, errors = resource_args.live_from_files(api, filename, recursive, ns)
            single = len(found) + len(errors) == 1
            objs += [obj for _res, obj in found]
        for req in requests:
            if req.names:
                single = single or (len(requests) == 1 and len(req.names) == 1)
                for name in req.names:
                    try:
                        objs.append(api.get(req.res, ns, name))
                    except StatusError as e:
                        if not (ignore_not_found and e.reason == "NotFound"):
                            errors.append(e)
            else:
                scope = None if all_namespaces else ns
                # a table of pods needs a few fields: let the store project them (10,000 pods decode twice as fast)
                slim = (req.res.kind == "Pod" and output in (None, "", "wide") and not (sort_by or field_selector
                        or watch or watch_only))
                objs += api.list(req.res, scope, selector or "", field_selector or "",
                                 fields=pod_strategy.ROW_FIELDS if slim else ())
        if sort_by:
            from minikctl.printers.sorting import SortFieldNotFound, sort_objects

            try:
                objs = sort_objects(objs, sort_by)
            except SortFieldNotFound:
                objs = []  # kubectl 1.32 swallows the printer's error: nothing printed, "No resources found"
        now = api.now_ms
        fmt_kw = dict(no_headers=no_headers, show_labels=show_labels, label_columns=label_columns or [],
                      show_kind=show_kind, all_namespaces=all_namespaces)
        if (watch or watch_only) and output not in (None, "", "wide"):
            # kubectl get -w prints the listed objects one by one (PrintObj each), never as a List
            text = "" if watch_only else "".join(
                printer.render([o], output, now_ms=now, single=True, allow_missing_keys=allow_missing_template_keys,
                               **fmt_kw) for o in objs)
        else:
            text = printer.render(objs, output, now_ms=now, single=single,
                                  allow_missing_keys=allow_missing_template_keys, **fmt_kw)
        if watch or watch_only:
            _watch(cluster, requests, objs, ns if not all_namespaces else None, selector or "", field_selector or "",
                   output, output_watch_events, request_timeout, fmt_kw, text if not watch_only else None,
                   allow_missing_template_keys)
            text = ""
    c.out(text)
    if not objs and not errors and not (watch or watch_only) and (output in (None, "", "wide")) and not ignore_not_found:
        c.err("No resources found" if all_namespaces or _cluster_scoped(requests) else f"No resources found in {ns} namespace.")
    if errors:
        raise MultiError(errors)


def _cluster_scoped(requests: list) -> bool:
    return bool(requests) and all(not r.res.namespaced for r in requests)


def _watch(cluster, requests, initial, ns, selector, field_selector, output, events, request_timeout, fmt_kw,
           initial_text, allow_missing_keys=True) -> None:
    """Let virtual time run wake-up by wake-up, printing a row for each change of a watched object (the
    change log is the watch: every write is an event, as kubectl's watch shows them)."""
    from minikctl.api.server import filter_objects
    from minikctl.kube.timefmt import parse_go_duration
    from minikctl.printers import output as printer
    from minikctl.store.changelog import DELETED

    api = cluster.api
    limit_ms = (c.duration_flag(request_timeout, "--request-timeout", "get")
                if request_timeout not in ("", "0") else 24 * 3600 * 1000)
    deadline = api.now_ms + limit_ms
    by_kind = {r.res.kind: r for r in requests}
    seen = {(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in initial}

    table_fmt = output in (None, "", "wide")
    watcher = None
    if table_fmt:
        cells_kw = {k: v for k, v in fmt_kw.items() if k != "no_headers"}
        headers, rows = printer.table_cells(initial, wide=output == "wide", now_ms=api.now_ms, **cells_kw)
        if events:
            headers = ["EVENT"] + headers
            rows = [["ADDED   "] + r for r in rows]
        watcher = printer.WatchTable(headers, rows, fmt_kw["no_headers"])
        if initial_text is not None:
            from minikctl.printers.table import table

            c.out(table(headers, rows, no_headers=fmt_kw["no_headers"]))
    elif initial_text is not None:
        c.out(initial_text)

    def emit(kind_word: str, obj: dict) -> None:
        if watcher is None:
            c.out(printer.render([obj], output, now_ms=api.now_ms, single=True, allow_missing_keys=allow_missing_keys,
                                 **{**fmt_kw, "no_headers": True}))
            return
        _, rows = printer.table_cells([obj], wide=output == "wide", now_ms=api.now_ms, **cells_kw)
        c.out(watcher.line(([f"{kind_word:<8}"] if events else []) + rows[0]))

    changes = cluster.watch(tuple(by_kind))

    def show() -> None:
        for ch in changes:
            req = by_kind[ch.kind]
            if req.res.namespaced and ns is not None and ch.namespace != ns:
                continue
            if req.names and ch.name not in req.names:
                continue
            key = (ch.kind, ch.namespace, ch.name)
            obj = ch.snapshot() if ch.body else ch.obj
            matches = ch.type != DELETED and (not (selector or field_selector)
                                              or filter_objects(req.res, [obj], selector, field_selector))
            if matches:
                emit("ADDED" if key not in seen else "MODIFIED", obj)
                seen.add(key)
            elif key in seen:
                emit("DELETED", obj)
                seen.discard(key)
        del changes[:]

    cluster.run_until(lambda: False, deadline, to_deadline=False, on_step=show)
    show()


COMMANDS = {"get": get}

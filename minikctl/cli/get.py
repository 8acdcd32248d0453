"""minikctl get: tables and every -o format, selectors, sorting, and -w over virtual time."""

from __future__ import annotations


from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

NO_RESOURCE = (
    'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported '
    "resources.\n\nerror: Required resource not specified.\n"
    'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\n'
    "See 'minikctl get -h' for help and examples"
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
    show_managed_fields: bool = Opt(False, "--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format."),
    template: str | None = Opt(None, "--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview]."),
    allow_missing_template_keys: bool = Opt(True, "--allow-missing-template-keys/--no-allow-missing-template-keys", help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats."),
    request_timeout: str = Opt("0", "--request-timeout", help="How much virtual time -w may cover: seconds, or a duration with its unit (1s, 2m, 3h; 0: until nothing is pending, or until Ctrl-C on a terminal or with --speed; at most 24h)."),
    chunk_size: int = Opt(500, "--chunk-size", help="Accepted for compatibility (a local store is read in one go)."),
    raw: str | None = Opt(None, "--raw", help="Raw URI to request from the server (the paths minikctl serve answers)."),
    subresource: str | None = Opt(None, "--subresource", help="If specified, gets the subresource of the requested "
                                                              "object (status, scale)."),
    kustomize: str | None = c.KUSTOMIZE,
    speed: str | None = c.SPEED,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Display one or many resources."""
    from minikctl.kube.errors import ClientError, MinikctlError, MultiError, StatusError
    from minikctl.cli import resource_args
    from minikctl.printers import output as printer
    from minikctl.api.registry import pod as pod_strategy

    args = args or []
    c.check_kustomize(kustomize, filename, recursive)
    if raw:
        # GetOptions.Complete and Validate (pkg/cmd/get/get.go), then RawGet: the body as the server sent it
        if args:
            raise ClientError("arguments may not be passed when --raw is specified")
        if watch or watch_only or selector:
            raise ClientError("--raw may not be specified with other flags that filter the server request or alter "
                              "the output")
        if output:
            raise ClientError("--raw and --output are mutually exclusive")
        c.out_bytes(raw_get(raw, store, tick))
        return
    printer.check_format(output, template)
    output = printer.with_template(output, template)
    if not args and not filename:
        raise ClientError(NO_RESOURCE, plain=True)
    requests = resource_args.from_args(args)
    if subresource and any(not r.names for r in requests):  # the builder's refusal
        raise ClientError("subresource cannot be used when bulk resources are specified")
    if sort_by and watch:  # get.go Complete
        c.err("warning: --watch requested, --sort-by will be ignored for watch events received")
    elif sort_by and watch_only:
        c.err("warning: --watch-only requested, --sort-by will be ignored")
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
    # what a server answering with Tables gives kubectl: one Table per object named (or read from a file) and one
    # per type listed, each (resourceVersion, objects); --sort-by sorts the tables' rows (see _sorted)
    tables: list[tuple[str, list[dict]]] = []
    # a table of listed kinds is printed from the rows the store keeps printed (store/rows.py); --sort-by, a
    # watch, names or files need the objects
    printed_only = (output in (None, "", "wide") and not (sort_by or watch or watch_only or filename or subresource)
                    and all(not r.names for r in requests)
                    and len({r.res.kind for r in requests}) == len(requests))
    if (output in printer.STREAMED and not (sort_by or watch or watch_only or filename or subresource)
            and requests and all(not r.names for r in requests)):
        # a listing's json, yaml or names: written as the objects are read, none held but the one printed
        import itertools

        with c.session(store, tick, read_only=True, speed=speed) as cluster:
            api = cluster.api
            scope = None if all_namespaces else ns
            for req in requests:  # a refused selector fails the command before anything is printed
                api.check_selectors(req.res, selector or "", field_selector or "")
            if output == "name":  # kind/name: the printed rows have them, no object is read
                for req in requests:
                    c.out("".join(req.res.ref(name) + "\n" for _ns, name, _cells, _labels in
                                  api.list_printed(req.res, scope, selector or "", field_selector or "")))
                return
            # -o json prints the objects from their stored text (printers/listjson.py)
            stored = output == "json"
            objs = (obj for req in requests
                    for obj in api.iter_list(req.res, scope, selector or "", field_selector or "", stored=stored))
            first = next(objs, None)
            if first is None and ignore_not_found:
                return  # printGeneric: --ignore-not-found and nothing found prints nothing, not an empty List
            printer.stream(objs if first is None else itertools.chain((first,), objs), output, c.out,
                           show_managed_fields=show_managed_fields, decode=api.decode_stored if stored else None)
        return
    if printed_only:
        with c.session(store, tick, read_only=True, speed=speed) as cluster:
            text = _printed_tables(cluster.api, requests, None if all_namespaces else ns, selector or "",
                                   field_selector or "", output == "wide", no_headers=no_headers,
                                   show_labels=show_labels, label_columns=label_columns or [], show_kind=show_kind,
                                   all_namespaces=all_namespaces)
        c.out(text)
        if not text and not ignore_not_found:
            c.err("No resources found" if all_namespaces or _cluster_scoped(requests)
                  else f"No resources found in {ns} namespace.")
        return
    with c.session(store, tick, read_only=not (watch or watch_only), stream=watch or watch_only,
                   speed=speed) as cluster:
        api = cluster.api
        if filename:
            found, errors = resource_args.live_from_files(api, filename, recursive, ns)
            single = len(found) + len(errors) == 1
            objs += [obj for _res, obj in found]
            tables += [(_rv(obj), [obj]) for _res, obj in found]
        for req in requests:
            if req.names:
                single = single or (len(requests) == 1 and len(req.names) == 1)
                for name in req.names:
                    try:
                        obj = api.get(req.res, ns, name)
                        if subresource:
                            obj = _subresource(req.res, obj, subresource)
                    except StatusError as e:
                        if not (ignore_not_found and e.reason == "NotFound"):
                            errors.append(e)
                        continue
                    objs.append(obj)
                    tables.append((_rv(obj), [obj]))
            else:
                scope = None if all_namespaces else ns
                # a table of pods needs a few fields: let the store project them (10,000 pods decode twice as fast)
                slim = (req.res.kind == "Pod" and output in (None, "", "wide") and not (sort_by or field_selector
                        or watch or watch_only))
                listed = api.list(req.res, scope, selector or "", field_selector or "",
                                  fields=pod_strategy.ROW_FIELDS if slim else ())
                objs += listed
                tables.append((str(api.tx.revision()), listed))
        if sort_by and not watch_only and not (watch and (output not in (None, "", "wide") or output_watch_events)):
            # a watch prints the listed objects one by one: only a Table (no -o, -o wide) gets its rows sorted
            objs = _sorted(objs, tables, sort_by, output in (None, "", "wide"), single, errors, api.now_ms, watch)
        now = api.now_ms
        fmt_kw = dict(no_headers=no_headers, show_labels=show_labels, label_columns=label_columns or [],
                      show_kind=show_kind, all_namespaces=all_namespaces, show_managed_fields=show_managed_fields)
        if not show_managed_fields and output in ("json", "yaml"):
            from minikctl.printers.serialize import without_managed_fields

            objs = [without_managed_fields(o) for o in objs]
        if (watch or watch_only) and output not in (None, "", "wide"):
            # kubectl get -w prints the listed objects one by one (PrintObj each), never as a List
            text = "" if watch_only else "".join(
                printer.render([o], output, now_ms=now, single=True, allow_missing_keys=allow_missing_template_keys,
                               **fmt_kw) for o in objs)
        elif subresource == "scale" and output in (None, "", "wide") and objs:
            text = _scale_table(objs, now, no_headers)
        elif output not in (None, "", "wide") and ((single and errors) or (ignore_not_found and not objs)):
            # printGeneric: a single object implied and not found prints only the error; with --ignore-not-found
            # and nothing found, nothing at all (no empty List)
            text = ""
        else:
            text = printer.render(objs, output, now_ms=now, single=single,
                                  allow_missing_keys=allow_missing_template_keys, **fmt_kw)
        if watch or watch_only:
            _watch(cluster, requests, objs, ns if not all_namespaces else None, selector or "", field_selector or "",
                   output, output_watch_events, request_timeout, fmt_kw, text if not watch_only else None,
                   allow_missing_template_keys)
            text = ""
    if single and errors and not objs:
        text = ""  # printGeneric: one object asked for and not found is the error alone
    c.out(text)
    if not objs and not errors and not (watch or watch_only) and (output in (None, "", "wide")) and not ignore_not_found:
        c.err("No resources found" if all_namespaces or _cluster_scoped(requests) else f"No resources found in {ns} namespace.")
    if errors:
        raise MultiError(errors)


def _printed_tables(api, requests, scope: str | None, selector: str, field_selector: str, wide: bool,
                    **flags) -> str:
    """The tables of listed kinds from their printed rows (``Api.list_printed``), as ``printer.tables`` prints
    the objects: one table per kind with rows, separated by a blank line, the kind shown when there are several.
    "" when nothing was found."""
    from minikctl.api import registry
    from minikctl.printers import output as printer

    groups = []
    for req in requests:
        printed = api.list_printed(req.res, scope, selector, field_selector, wide=wide)
        if printed:
            groups.append((registry.strategy(req.res), printed))
    show_kind = flags.pop("show_kind") or len(groups) > 1
    parts = [printer.printed_table(strat, printed, wide=wide, show_kind=show_kind, **flags)
             for strat, printed in groups]
    return "\n".join(p for p in parts if p)


def _subresource(res, obj: dict, sub: str) -> dict:
    """GET .../NAME/SUB as the server answers it: the object itself for status, an autoscaling/v1 Scale for
    scale; a subresource the kind does not serve is the server's 404."""
    from minikctl.serve.discovery import subresources_of
    from minikctl.serve.rest import NotFoundPath, scale_of

    if sub not in ("status", "scale") or sub not in subresources_of(res):
        raise NotFoundPath()
    return scale_of(obj) if sub == "scale" else obj


def _scale_table(scales: list[dict], now_ms: int, no_headers: bool) -> str:
    """The server's table of a Scale (printers.go printScale): NAME, DESIRED, AVAILABLE, AGE."""
    from minikctl.kube.timefmt import age
    from minikctl.printers.table import table

    rows = [[s["metadata"]["name"], str(s["spec"].get("replicas", 0)), str(s["status"].get("replicas", 0)),
             age(s["metadata"].get("creationTimestamp"), now_ms)] for s in scales]
    return table(["NAME", "DESIRED", "AVAILABLE", "AGE"], rows, no_headers=no_headers)


def raw_get(path: str, store: str | None, tick: str | None) -> bytes:
    """kubectl get --raw PATH against this store: the request goes through the routes and handlers of
    ``minikctl serve`` (serve/server.py Handler.serve), in process, as one request's transaction; the answer is
    the body, or the Status error the server would send (NotFound for a path it does not serve)."""
    from types import SimpleNamespace
    from urllib.parse import parse_qs, urlsplit

    from minikctl.kube.errors import ClientError
    from minikctl.serve.routing import Request, route
    from minikctl.serve.server import Handler, new_state
    from minikctl.serve.state import Pacer
    from minikctl.store.db import store_path

    url = urlsplit(path)
    if not path.startswith("/") and not url.scheme:  # url.ParseRequestURI
        raise ClientError(f'--raw must be a valid URL path: parse "{path}": invalid URI for request')
    c.request_timeout_ms(c._global["request_timeout"])
    query = parse_qs(url.query, keep_blank_values=True)
    rt = route(url.path)
    if (rt is not None and rt.watch) or (query.get("watch") or [""])[0] in ("1", "true") or \
            (rt is not None and rt.sub in ("log", "exec", "attach")):
        raise ClientError("minikctl get --raw does not stream: use the verb (get -w, logs, exec) or minikctl serve")
    state = new_state(store_path(store or c._global["store"]), Pacer(1.0, c.tick_ms(tick)))
    handler = object.__new__(Handler)  # no socket: serve() only needs the server's state
    handler.server = SimpleNamespace(state=state, verbose=False)
    handler.streaming = ""
    try:
        reply = Handler.serve(handler, Request("GET", url.path, query, {"Accept": "application/json, */*"}, b"",
                                                handler), rt)
    finally:
        state.close()
    body = reply.body
    if isinstance(body, (dict, list)):
        import json

        return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return body.encode() if isinstance(body, str) else (body or b"")


def _rv(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("resourceVersion", "")


def _sorted(objs: list[dict], tables: list[tuple[str, list[dict]]], expr: str, table_fmt: bool, single: bool,
            errors: list, now_ms: int, watching: bool = False) -> list[dict]:
    """The objects in the order kubectl 1.32 prints them with ``--sort-by`` (pkg/cmd/get/get.go, sorter.go).

    Tables (no -o, or -o wide): the server answers each request with a Table. ``RuntimeSorter.Sort`` sees
    unstructured Tables, not ``*metav1.Table``: with one it does nothing, with several it sorts the Table objects
    themselves (SortObjects), which fails unless the field is one a Table has (kubernetes/kubernetes#104318:
    ``get pods,nodes --sort-by=.metadata.name``). Then the SortingPrinter sorts each table of more than one row
    (TableSorter); its errors are dropped by get (a table whose rows lack the field is not printed at all).

    Other outputs (printGeneric): one object implied is printed as it is; otherwise the flattened list is
    sorted once (SortObjects), and an error is the command's, after the NotFound ones.

    ``watching`` (get -w, a Table): the watch's first PrintObj returns the SortingPrinter's error, which fails the
    command ("unable to output the provided object: ...").
    """
    import os

    from minikctl.kube.errors import ClientError
    from minikctl.printers import sorting
    from minikctl.printers.jsonpath import relaxed

    def exit_unsortable(e: "sorting.Unsortable", where: str, line: int, field: str) -> None:
        """klog.Exitf in Less: a FATAL line on stderr, exit code 1, nothing printed."""
        raise ClientError(sorting.klog_line(now_ms, os.getpid(), line, f"Field {field} in {where} is an unsortable "
                                                                       f"type: interface, err: {e.detail}"), plain=True)

    if table_fmt:
        if len(tables) > 1:
            field = sorting.relaxed_or_raw(expr)
            heads = [{"apiVersion": "meta.k8s.io/v1", "kind": "Table", "metadata": {"resourceVersion": rv}}
                     for rv, _ in tables]
            try:  # SortObjects relaxes the field again: an expression it cannot relax fails the command
                keys = sorting.first_values(heads, relaxed(field))
                tables = sorting.sort_keyed(tables, keys, relaxed(field))
            except sorting.Unsortable as e:
                exit_unsortable(e, "*unstructured.Unstructured", 329, relaxed(field))
        out: list[dict] = []
        for _, rows in tables:
            if len(rows) > 1:
                field = sorting.relaxed_or_raw(expr)
                try:
                    rows = sorting.sort_objects(rows, field, relax=False)
                except sorting.Unsortable as e:
                    exit_unsortable(e, "[][][]reflect.Value", 375, field)
                except ClientError as e:
                    if watching:
                        raise ClientError(f"unable to output the provided object: {e.message}") from None
                    rows = []  # the SortingPrinter's error: get ignores what PrintObj returns
            out += rows
        return out
    if single:
        return objs
    try:
        return sorting.sort_objects(objs, expr)
    except sorting.Unsortable as e:
        exit_unsortable(e, "*unstructured.Unstructured", 329, sorting.relaxed_or_raw(expr))
    except ClientError as e:
        errors.append(e)
    return []


def _cluster_scoped(requests: list) -> bool:
    return bool(requests) and all(not r.res.namespaced for r in requests)


def _watch(cluster, requests, initial, ns, selector, field_selector, output, events, request_timeout, fmt_kw,
           initial_text, allow_missing_keys=True) -> None:
    """Let virtual time run wake-up by wake-up, printing a row for each change of a watched object (the
    change log is the watch: every write is an event, as kubectl's watch shows them)."""
    from minikctl.api.server import filter_objects
    from minikctl.printers import output as printer
    from minikctl.store.changelog import DELETED

    api = cluster.api
    limit_ms = c.request_timeout_ms(request_timeout) or 24 * 3600 * 1000
    deadline = api.now_ms + limit_ms
    by_kind = {r.res.kind: r for r in requests}
    seen = {(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in initial}

    table_fmt = output in (None, "", "wide")
    watcher = None
    if table_fmt:
        cells_kw = {k: v for k, v in fmt_kw.items() if k not in ("no_headers", "show_managed_fields")}
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

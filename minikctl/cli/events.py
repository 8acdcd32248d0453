"""minikctl events (kubectl v1.32 ``pkg/cmd/events/events.go`` and ``event_printer.go``).

Lists the events of a namespace (``-A``: all), optionally only those of one object (``--for TYPE/NAME``: a field
selector on involvedObject.kind, apiVersion and name) or of some types (``--types=Normal,Warning``), sorted by when
they were last seen (``SortableEvents``: Go's unstable ``sort.Sort``, so ties come out as Go orders them), in
kubectl's own table: LAST SEEN (``HumanDuration``, with ``(xN over M)`` for repeated events), TYPE, REASON,
OBJECT (``Kind/name`` as the involved object names itself), MESSAGE. ``-o`` formats print the ``EventList`` kubectl
builds (a typed list: ``-o json`` in its struct field order). ``-w`` lists what the watch's initial state sends
(every event, unsorted), then each new or updated event as virtual time runs, as ``get -w`` does.
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Opt


def _event_time(e: dict) -> str:
    """eventTime(): a series' last observation, else lastTimestamp, else eventTime (RFC 3339 strings compare as
    times: all are UTC with the same layout, a MicroTime's fraction after the seconds)."""
    series = e.get("series") or {}
    return series.get("lastObservedTime") or e.get("lastTimestamp") or e.get("eventTime") or ""


def interval(e: dict, now_ms: int) -> str:
    """getInterval of event_printer.go."""
    from minikctl.kube.timefmt import human_duration, parse_rfc3339

    def since(ts: str | None) -> str:
        if not ts:
            return "<unknown>"
        return human_duration((now_ms - parse_rfc3339(ts)) / 1000)

    first = since(e.get("eventTime")) if e.get("eventTime") else since(e.get("firstTimestamp"))
    series = e.get("series")
    if series:
        return f"{since(series.get('lastObservedTime'))} (x{series.get('count', 0)} over {first})"
    if (e.get("count") or 0) > 1:
        return f"{since(e.get('lastTimestamp'))} (x{e['count']} over {first})"
    return first


def row(e: dict, now_ms: int, all_namespaces: bool) -> list[str]:
    """printOneEvent's cells."""
    from minikctl.printers.custom_columns import escape_terminal

    inv = e.get("involvedObject") or {}
    cells = [escape_terminal(x) for x in (e.get("type", ""), e.get("reason", ""),
                                           f"{inv.get('kind', '')}/{inv.get('name', '')}",
                                           (e.get("message") or "").strip())]
    return ([e["metadata"].get("namespace", "")] if all_namespaces else []) + [interval(e, now_ms)] + cells


def _header(all_namespaces: bool) -> list[str]:
    return (["NAMESPACE"] if all_namespaces else []) + ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]


# PrintFlags.AllowedFormats of events (no table printer but its own, so neither wide nor custom-columns)
FORMATS = ("go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json", "jsonpath-file", "name",
           "template", "templatefile", "yaml")


def events(
    all_namespaces: bool = c.ALL_NAMESPACES,
    for_: str | None = Opt(None, "--for", help="Filter events to only those pertaining to the specified resource."),
    types: list[str] | None = Opt(None, "--types", help="Output only events of given types."),
    watch: bool = Opt(False, "--watch", "-w", help="After listing the requested events, watch for more events."),
    no_headers: bool = Opt(False, "--no-headers", help="When using the default output format, don't print headers."),
    chunk_size: int = Opt(500, "--chunk-size", help="Return large lists in chunks rather than all at once."),
    output: str | None = c.OUTPUT,
    show_managed_fields: bool = Opt(False, "--show-managed-fields",
                                    help="If true, keep the managedFields when printing objects in JSON or YAML format."),
    namespace: str | None = c.NAMESPACE,
    speed: str | None = c.SPEED,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """List events."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import EVENT, resolve
    from minikctl.printers import output as printer
    from minikctl.printers.gosort import go_sort

    ns = c.namespace_of(namespace)
    field_selector = ""
    if for_:
        if "/" in for_:
            seg = for_.split("/")
            if len(seg) != 2:
                raise ClientError("arguments in resource/name form may not have more than one slash")
            try:
                res = resolve(seg[0].lower())
            except ClientError as e:
                raise ClientError(e.message, plain=True) from None  # the mapper's error, as CheckErr prints it
            field_selector = (f"involvedObject.kind={res.kind},involvedObject.apiVersion={res.api_version},"
                              f"involvedObject.name={seg[1]}")
        else:
            raise ClientError("--for must be in resource/name form")
    wanted = sorted({t for v in types or [] for t in v.split(",") if t})
    for t in wanted:
        if t.lower() not in ("normal", "warning"):
            raise ClientError("valid --types are Normal or Warning")
    if output:
        if output.partition("=")[0] not in FORMATS:
            raise ClientError(f'unable to match a printer suitable for the output format "{output}", allowed formats '
                              f"are: {','.join(FORMATS)}")
        printer.check_format(output)

    def keep(e: dict) -> bool:
        return not wanted or any(t.lower() == (e.get("type") or "").lower() for t in wanted)

    scope = None if all_namespaces else ns
    with c.session(store, tick, read_only=not watch, stream=watch, speed=speed, by_signal=False) as cluster:
        api = cluster.api
        evs = [e for e in api.list(EVENT, scope, "", field_selector) if keep(e)]
        if not watch:
            if not evs:
                c.err("No events found." if all_namespaces else f"No events found in {ns} namespace.")
                return
            go_sort(evs, lambda a, b: _event_time(a) < _event_time(b))
            c.out(_render(evs, output, api.now_ms, all_namespaces, no_headers, show_managed_fields, listing=True))
            return
        _watch(cluster, evs, scope, field_selector, keep, output, all_namespaces, no_headers, show_managed_fields)


def _render(evs: list[dict], output: str | None, now_ms: int, all_namespaces: bool, no_headers: bool,
            show_managed_fields: bool, listing: bool) -> str:
    """The EventPrinter's table of a list, or an ``-o`` printer's text: the EventList when listing (whose items
    the name printer does not print: ``-o name`` of a listing prints nothing, as kubectl's does), each event by
    itself when watching."""
    from minikctl.printers import output as printer
    from minikctl.printers.tabwriter import tabwrite

    if not output:
        lines = ([] if no_headers else [_header(all_namespaces)]) + [row(e, now_ms, all_namespaces) for e in evs]
        return tabwrite("".join("\t".join(cells) + "\n" for cells in lines), minwidth=6, padding=3)
    name = output.partition("=")[0]
    if name == "name":
        return "" if listing else printer.render(evs, output, now_ms=now_ms)
    objs = [dict(e, apiVersion="v1", kind="Event") for e in evs]
    if listing:
        objs = [{"kind": "EventList", "apiVersion": "v1", "metadata": {}, "items": objs}]
    if name == "json":
        from minikctl.printers.typed import typed_json

        return "".join(typed_json(o) for o in objs)
    return "".join(printer.render([o], output, now_ms=now_ms, single=True, show_managed_fields=show_managed_fields)
                   for o in objs)


def _watch(cluster, initial: list[dict], scope: str | None, field_selector: str, keep, output: str | None,
           all_namespaces: bool, no_headers: bool, show_managed_fields: bool) -> None:
    """runWatch: a watch from no resourceVersion sends every existing event first (in list order), then each new
    or changed one; deleted events (their hour is over) are not shown. Headers once, each line flushed."""
    from minikctl.api.server import filter_objects
    from minikctl.kube.kinds import EVENT
    from minikctl.store.changelog import DELETED

    from minikctl.printers.output import WatchTable

    api = cluster.api
    limit_ms = c.request_timeout_ms(c._global["request_timeout"]) or 24 * 3600 * 1000
    deadline = api.now_ms + limit_ms
    table: list[WatchTable] = []

    def emit(evs: list[dict]) -> None:
        if output:
            c.out(_render(evs, output, api.now_ms, all_namespaces, no_headers, show_managed_fields, listing=False))
            return
        # one tabwriter for the whole watch, flushed after each event, that remembers its columns' widths
        # (cli-runtime's tabwriter.RememberWidths): the first flush aligns the headers with the first event
        cells = row(evs[0], api.now_ms, all_namespaces)
        if not table:
            table.append(WatchTable(_header(all_namespaces), [cells], no_headers))
            if not no_headers:
                c.out(table[0].line(_header(all_namespaces)))
        c.out(table[0].line(cells))

    for e in initial:  # the watch's initial ADDED events, each printed and flushed by itself
        emit([e])
    changes = cluster.watch(("Event",))

    def show() -> None:
        fresh = []
        for ch in changes:
            if ch.type == DELETED or (scope is not None and ch.namespace != scope):
                continue
            obj = ch.snapshot() if ch.body else ch.obj
            if field_selector and not filter_objects(EVENT, [obj], "", field_selector):
                continue
            if keep(obj):
                fresh.append(obj)
        del changes[:]
        for e in fresh:
            emit([e])

    cluster.run_until(lambda: False, deadline, to_deadline=False, on_step=show)
    show()


COMMANDS = {"events": events}

"""One printer per -o format, for any list of objects (get, apply -o, patch -o, ...)."""

from __future__ import annotations

from minikctl.kube.errors import ClientError
from minikctl.printers.table import table

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~4 ms a command)
if TYPE_CHECKING:
    from typing import Callable

FORMATS = ("custom-columns", "custom-columns-file", "go-template", "go-template-file", "json", "jsonpath",
           "jsonpath-as-json", "jsonpath-file", "name", "template", "templatefile", "wide", "yaml")


TEMPLATE_FORMATS = ("go-template", "go-template-file", "template", "templatefile")
# the formats whose template --template gives (kubectl's GoTemplatePrintFlags and JSONPathPrintFlags)
_TEMPLATE_ARG_FORMATS = TEMPLATE_FORMATS + ("jsonpath", "jsonpath-file", "jsonpath-as-json")


def with_template(fmt: str | None, template: str | None) -> str | None:
    """The -o that ``-o FMT --template T`` amounts to (get's --template; check_format(fmt, template) first)."""
    if not template:
        return fmt
    if not fmt:
        return "go-template=" + template
    return fmt + "=" + template if fmt in _TEMPLATE_ARG_FORMATS else fmt


def check_format(fmt: str | None, template: str | None = None) -> None:
    """kubectl's refusal of an unknown -o.  With --template, ``-o go-template=X`` is unknown too: kubectl
    then takes the template from --template and looks for a format literally named ``go-template=X``."""
    if fmt is None or fmt == "":
        return
    name, eq, _ = fmt.partition("=")
    if name not in FORMATS or (template and eq and name in _TEMPLATE_ARG_FORMATS):
        raise ClientError(
            f'unable to match a printer suitable for the output format "{fmt}", allowed formats are: '
            + ",".join(FORMATS)
        )


def ref(obj: dict) -> str:
    from minikctl.kube.kinds import object_ref

    return object_ref(obj)


def as_list(objs: list[dict]) -> dict:
    return {"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}}


def render(objs: list[dict], fmt: str | None, *, now_ms: int, single: bool = False, no_headers: bool = False,
           show_labels: bool = False, label_columns: list[str] | None = None, show_kind: bool = False,
           all_namespaces: bool = False, allow_missing_keys: bool = True, show_managed_fields: bool = False) -> str:
    """Text for ``objs`` in format ``fmt`` (None = the default table).

    As kubectl's OmitManagedFieldsPrinter (which wraps the JSON and YAML printers only), ``metadata.managedFields``
    is left out of json and yaml unless ``show_managed_fields``."""
    check_format(fmt)
    name, _, arg = (fmt or "").partition("=")
    if not show_managed_fields and name in ("json", "yaml") and \
            any("managedFields" in (o.get("metadata") or {}) for o in objs):
        from minikctl.printers.serialize import without_managed_fields  # serialize is loaded only for json/yaml

        objs = [without_managed_fields(o) for o in objs]
    if name == "name":
        return "".join(ref(o) + "\n" for o in objs)
    if name in ("json", "yaml"):
        from minikctl.printers import serialize

        data = objs[0] if single and len(objs) == 1 else as_list(objs)
        return serialize.to_json(data) if name == "json" else serialize.to_yaml(data)
    if name in ("jsonpath", "jsonpath-file", "jsonpath-as-json"):
        from minikctl.printers.jsonpath import JSONPath

        if name == "jsonpath-file":
            arg = _read(arg)
        if not arg:
            raise ClientError("template format specified but no template given")
        jp = JSONPath(_strip_quotes(arg))
        data = objs[0] if single and len(objs) == 1 else as_list(objs)
        if name == "jsonpath-as-json":
            return jp.execute_json(data, allow_missing_keys)
        return jp.execute(data, allow_missing_keys)
    if name in TEMPLATE_FORMATS:
        return _go_template(objs[0] if single and len(objs) == 1 else as_list(objs), name, arg, allow_missing_keys)
    if name in ("custom-columns", "custom-columns-file"):
        from minikctl.printers import custom_columns as cc

        columns = cc.parse_file(_read(arg)) if name == "custom-columns-file" else cc.parse_spec(arg)
        rows = cc.rows(columns, objs)
        # CustomColumnsPrinter prints the headers for every object it is given, an empty List included
        return table([h for h, _ in columns], rows, no_headers=no_headers, header_alone=not single or bool(objs))
    return tables(objs, wide=(name == "wide"), now_ms=now_ms, no_headers=no_headers, show_labels=show_labels,
                  label_columns=label_columns or [], show_kind=show_kind, all_namespaces=all_namespaces)


STREAMED = ("json", "yaml", "name")  # the formats ``stream`` writes


def stream(objs, fmt: str, write, *, show_managed_fields: bool = False, decode=None) -> None:
    """``render(list(objs), fmt)`` of a listing (not ``single``) for ``fmt`` in STREAMED, written through
    ``write`` as the printer goes: ``objs`` (an iterator) is read one object at a time, so a list of 50,000
    pods is never held whole, and the text is the same (the same printer runs over the List; its items are
    handed over lazily, ``_Lazy``).

    With ``decode``, an item of ``objs`` may also be an object as the store keeps it (``Api.iter_list`` with
    ``stored=True``), which ``decode`` turns into the object; ``-o json`` prints those from their text
    (``_stream_stored_json``)."""
    if decode is not None:
        if fmt == "json":
            _stream_stored_json(objs, write, decode, show_managed_fields)
            return
        objs = (o if type(o) is dict else decode(o) for o in objs)
    if not show_managed_fields and fmt != "name":
        from minikctl.printers.serialize import without_managed_fields

        objs = (without_managed_fields(o) for o in objs)
    if fmt == "name":
        for o in objs:
            write(ref(o) + "\n")
        return
    from minikctl.printers import serialize

    sink = serialize.Sink(fmt)
    sink.run(as_list(_Lazy(objs, sink, write)))
    write(sink.rest())


def _stream_stored_json(objs, write, decode, show_managed_fields: bool) -> None:
    """``stream(objs, "json")`` for items that may be stored objects: a stored object's text is printed from its
    text when ``printers/listjson`` can (the same bytes), else decoded and printed as any object. Written an
    item at a time, as ``stream`` writes (the List's end goes with its last item)."""
    from minikctl.kube import gofmt
    from minikctl.printers import listjson, serialize

    mark = "\ue000"
    head, tail = serialize.to_json(as_list([mark])).split(gofmt.json_string(mark))
    items = listjson.ListItems(show_managed_fields)
    text_of = items.text
    pending = None
    for o in objs:
        text = text_of(o[3]) if type(o) is tuple else None
        if text is None:
            if type(o) is not dict:
                o = decode(o)
            if not show_managed_fields:
                o = serialize.without_managed_fields(o)
            # an item's lines are the object's, two levels in (a JSON text holds no newline but between lines)
            text = gofmt.json_marshal(o, "    ").replace("\n", "\n        ")
        if pending is None:
            pending = head + text
        else:
            write(pending)
            pending = ",\n        " + text
    write(serialize.to_json(as_list([])) if pending is None else pending + tail)


class _Lazy(list):
    """A List's items as the printer reaches them: before each, what it wrote so far goes out."""

    def __init__(self, objs, sink, write) -> None:
        super().__init__()
        self.objs = iter(objs)
        self.first = next(self.objs, None)
        self.sink, self.write = sink, write

    def __len__(self) -> int:
        return 0 if self.first is None else 1

    def __iter__(self):
        if self.first is None:
            return
        pending, self.first = self.first, None
        yield pending
        for o in self.objs:
            self.write(self.sink.rest())
            yield o


def tables(objs: list[dict], *, wide: bool, now_ms: int, no_headers: bool, show_labels: bool,
           label_columns: list[str], show_kind: bool, all_namespaces: bool) -> str:
    """Human-readable tables, one per kind in order of appearance, separated by a blank line."""
    groups: dict[str, list[dict]] = {}
    for o in objs:
        groups.setdefault(o.get("kind", ""), []).append(o)
    show_kind = show_kind or len(groups) > 1
    parts = []
    for items in groups.values():
        headers, rows = table_cells(items, wide=wide, now_ms=now_ms, show_labels=show_labels,
                                    label_columns=label_columns, show_kind=show_kind, all_namespaces=all_namespaces)
        parts.append(table(headers, rows, no_headers=no_headers))
    return "\n".join(p for p in parts if p)


def table_cells(items: list[dict], *, wide: bool, now_ms: int, show_labels: bool = False,
                label_columns: list[str] | None = None, show_kind: bool = False,
                all_namespaces: bool = False) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the table for objects of one kind."""
    from minikctl.api import registry

    strat = registry.for_object(items[0]) if items else None
    row_fn = strat.row if strat is not None else (lambda o, n, w: [o["metadata"]["name"]])
    entries = ((row_fn(o, now_ms, wide), (o.get("metadata") or {}).get("namespace", ""),
                (o.get("metadata") or {}).get("labels") or {}, o) for o in items)
    return _assemble(strat, entries, wide=wide, show_labels=show_labels, label_columns=label_columns,
                     show_kind=show_kind, all_namespaces=all_namespaces)


def printed_table(strat, printed: list[tuple], *, wide: bool, no_headers: bool, show_labels: bool,
                  label_columns: list[str], show_kind: bool, all_namespaces: bool) -> str:
    """The table of one kind from its printed rows (``Api.list_printed``: namespace, name, cells, labels as
    JSON text, a dict or None), as ``tables`` prints the objects themselves."""
    import json

    def labels(value) -> dict:
        return (json.loads(value) if type(value) is str else value) or {}

    need_labels = show_labels or bool(label_columns)
    if not (need_labels or show_kind or all_namespaces):  # the kind's columns alone
        return table(_columns(strat, wide)[0], [cells for _ns, _name, cells, _lbl in printed], no_headers=no_headers)
    entries = ((cells, ns, labels(lbl) if need_labels else {}, name) for ns, name, cells, lbl in printed)
    headers, rows = _assemble(strat, entries, wide=wide, show_labels=show_labels, label_columns=label_columns,
                              show_kind=show_kind, all_namespaces=all_namespaces)
    return table(headers, rows, no_headers=no_headers)


def _assemble(strat, entries, *, wide: bool, show_labels: bool, label_columns: list[str] | None,
              show_kind: bool, all_namespaces: bool) -> tuple[list[str], list[list[str]]]:
    """The table of one kind (``strat``: its registry strategy, None for an unknown kind): ``entries`` are
    (the kind's row, namespace, labels, the object or its name) each; the columns kubectl's flags add."""
    headers, namespaced, name_column = _columns(strat, wide)
    keys = [k.strip() for spec in label_columns or [] for k in spec.split(",") if k.strip()]
    headers += [k.rsplit("/", 1)[-1].upper() for k in keys]
    if show_labels:
        headers.append("LABELS")
    if all_namespaces and namespaced:
        headers.insert(0, "NAMESPACE")
    rows = []
    for row, namespace, labels, what in entries:
        if show_kind and name_column is not None:
            row[name_column] = ref(what) if type(what) is dict else strat.res.ref(what)
        row += [labels.get(k, "") for k in keys]
        if show_labels:
            row.append(format_labels(labels))
        if all_namespaces and namespaced:
            row.insert(0, namespace)
        rows.append(row)
    return headers, rows


def _columns(strat, wide: bool) -> tuple[list[str], bool, int | None]:
    """The kind's table as its registry module prints it (the server-side printing of ``kubectl get``): headers,
    whether the kind is namespaced, the column of format "name" (kubectl's --show-kind prefixes it with the
    kind)."""
    if strat is None:
        return ["NAME"], True, 0
    if not wide:
        headers = list(strat.COLUMNS)
    else:
        headers = list(strat.WIDE_ORDER) if strat.WIDE_ORDER else list(strat.COLUMNS) + list(strat.WIDE_COLUMNS)
    return headers, strat.res.namespaced, strat.NAME_COLUMN[1 if wide else 0]


class WatchTable:
    """Rows printed one at a time with the column widths the first table established (tabwriter RememberWidths)."""

    def __init__(self, headers: list[str], rows: list[list[str]], no_headers: bool) -> None:
        body = ([] if no_headers else [headers]) + rows
        self.widths = [max(6, max((len(r[i]) for r in body), default=0) + 3) for i in range(len(headers) - 1)]

    def line(self, row: list[str]) -> str:
        from minikctl.printers.table import clean_cell

        cells = [clean_cell(c) for c in row]
        for i, cell in enumerate(cells[:-1]):
            if i < len(self.widths):
                self.widths[i] = max(self.widths[i], len(cell) + 3)
        return "".join(c.ljust(self.widths[i]) for i, c in enumerate(cells[:-1])) + cells[-1] + "\n"


def format_labels(labels: dict) -> str:
    if not labels:
        return "<none>"
    return ",".join(sorted(f"{k}={v}" for k, v in labels.items()))


def _go_template(data: dict, name: str, arg: str, allow_missing_keys: bool) -> str:
    """kubectl's GoTemplatePrinter.  On an execution error kubectl has already written the output so far and
    a debugging report to stdout; that text goes to stdout here too, before the error is raised."""
    if not arg:
        raise ClientError("template format specified but no template given")
    if name.endswith("file"):
        arg = _read_template(arg)
    from minikctl.printers import gotemplate as gt

    try:
        tmpl = gt.GoTemplate(arg)
    except gt.TemplateParseError as e:
        raise ClientError(f"error parsing template {arg}, {e}") from None
    try:
        return tmpl.execute(data, allow_missing_keys)
    except gt.TemplateExecError as e:
        import sys

        from minikctl.kube import gofmt

        sys.stdout.write(
            f"{e.partial}Error executing template: {e.message}. Printing more information for debugging the "
            f"template:\n\ttemplate was:\n\t\t{arg}\n\traw data was:\n\t\t{gofmt.json_marshal(data)}\n"
            f"\tobject given to template engine was:\n\t\t{gofmt.sprint(data)}\n\n"
        )
        raise ClientError(f"error executing template {gofmt.quote(arg)}: {e.message}") from None


def _read_template(path: str) -> str:
    """os.ReadFile for --template files, with Go's error text."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except IsADirectoryError:
        raise ClientError(f"error reading --template {path}, read {path}: is a directory") from None
    except OSError as e:
        why = (e.strerror or str(e))
        why = why[:1].lower() + why[1:]
        raise ClientError(f"error reading --template {path}, open {path}: {why}") from None


def _strip_quotes(s: str) -> str:
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1]
    return s


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as e:
        raise ClientError(f"error reading template {path}, {e.strerror}") from None

"""minikctl apply view-last-applied | set-last-applied | edit-last-applied: the
``kubectl.kubernetes.io/last-applied-configuration`` annotation that client-side apply keeps on every object.

kubectl/pkg/cmd/apply/apply_view_last_applied.go, apply_set_last_applied.go, apply_edit_last_applied.go (with
cmd/util/editor/editoptions.go, ApplyEditMode).
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

SET_CREATE_ANNOTATION = Opt(False, "--create-annotation",
                            help="Will create 'last-applied-configuration' annotations if current objects doesn't "
                                 "have one")
EDIT_HEADER = ("# Please edit the 'last-applied-configuration' annotations below.\n"
               "# Lines beginning with a '#' will be ignored, and an empty file will abort the edit.\n#\n")
NO_ANNOTATIONS = ("no last-applied-configuration annotation found on resources, to create the annotation, use "
                  "command `kubectl apply set-last-applied --create-annotation`")


def _annotation(obj: dict) -> str | None:
    from minikctl.api.server import LAST_APPLIED

    value = ((obj.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    return value if isinstance(value, str) else None


def annotation_of(obj: dict) -> str:
    """The annotation value GetApplyPatch (editoptions.go) writes for ``obj``: encodeToJSON, i.e. the object as
    compact JSON with sorted keys and the encoder's newline."""
    from minikctl.printers.serialize import to_compact_json

    return to_compact_json(obj) + "\n"


def go_json_indent(text: str, indent: str = "  ") -> str:
    """encoding/json.Indent(dst, src, "", indent): the tokens kept as they are (escapes, number spellings),
    leading whitespace dropped, trailing whitespace kept, empty objects and arrays left as ``{}`` / ``[]``."""
    import json

    body = text.lstrip(" \t\r\n")
    stripped = body.rstrip(" \t\r\n")
    json.loads(stripped)  # a malformed annotation fails as Indent does (ValueError)
    out: list[str] = []
    depth = 0
    i, n = 0, len(stripped)
    need_indent = False  # an opening bracket waits to see whether its value is empty
    while i < n:
        ch = stripped[i]
        if ch in " \t\r\n":
            i += 1
            continue
        if need_indent and ch not in "]}":
            need_indent = False
            depth += 1
            out.append("\n" + indent * depth)
        if ch == '"':
            j = i + 1
            while stripped[j] != '"':
                j += 2 if stripped[j] == "\\" else 1
            out.append(stripped[i:j + 1])
            i = j + 1
            continue
        if ch in "[{":
            out.append(ch)
            need_indent = True
        elif ch in "]}":
            if need_indent:  # empty: `{}` / `[]`
                need_indent = False
            else:
                depth -= 1
                out.append("\n" + indent * depth)
            out.append(ch)
        elif ch == ",":
            out.append(",\n" + indent * depth)
        elif ch == ":":
            out.append(": ")
        else:
            out.append(ch)
        i += 1
    return "".join(out) + body[len(stripped):]


def json_to_yaml(text: str) -> str:
    """sigs.k8s.io/yaml.JSONToYAML: the document through Go's generic maps, so every mapping's keys sorted."""
    import json

    from minikctl.printers.serialize import to_yaml

    def sort(v):
        if isinstance(v, dict):
            return {k: sort(v[k]) for k in sorted(v)}
        if isinstance(v, list):
            return [sort(x) for x in v]
        return v

    return to_yaml(sort(json.loads(text)))


def _targets(api, args, filename, recursive, selector, all_, namespace) -> list[tuple[dict, str]]:
    """The live objects a builder with ResourceTypeOrNameArgs, FilenameParam, LabelSelectorParam,
    SelectAllParam and Latest() visits: [(object, source)], source the file for -f inputs, "" otherwise."""
    from minikctl.cli import resource_args
    from minikctl.kube.errors import ClientError, MultiError, StatusError

    if all_ and selector:  # Builder.SelectAllParam after LabelSelectorParam (its message ends with a space)
        raise ClientError(f'found non-empty label selector "{selector}" with previously set \'all\' parameter. ')
    if filename and args:  # Builder.ResourceTypeOrNameArgs / Builder.Do with paths
        if any("/" in a for a in args):
            raise ClientError("resource/name arguments cannot be provided when a path is specified")
        raise ClientError("when paths, URLs, or stdin is provided as input, you may not specify resource arguments "
                          "as well")
    requests = resource_args.from_args(args or [])
    if selector and any(r.names for r in requests):  # Builder.visitBySelector
        raise ClientError("name cannot be provided when a selector is specified")
    if not requests and not filename:
        raise ClientError(resource_args.NO_ARGS)
    if any(not r.names for r in requests) and not (selector or all_):
        raise ClientError("resource(s) were provided, but no name was specified")
    ns = c.namespace_of(namespace)
    out: list[tuple[dict, str]] = []
    if filename:  # the files are read once (stdin cannot be read twice)
        missing = []
        for res, obj, source in resource_args.from_files(filename, recursive, resource_args.label_filter(selector)):
            meta = obj.get("metadata") or {}
            try:
                out.append((api.get(res, meta.get("namespace") or ns, meta.get("name", "")), source))
            except StatusError as e:
                missing.append(e)
        if missing:
            raise MultiError(missing)
    for req in requests:
        if req.names:
            out += [(api.get(req.res, ns, name), "") for name in req.names]
        else:
            out += [(o, "") for o in api.list(req.res, ns, selector or "")]
    return out


def view_last_applied(
    args: list[str] | None = Arg(None, help="TYPE [NAME | -l label] | TYPE/NAME", complete="resource_args"),
    all_: bool = Opt(False, "--all", help="Select all resources in the namespace of the specified resource types"),
    filename: list[str] | None = Opt(None, "--filename", "-f",
                                     help="Filename, directory, or URL to files that contains the last-applied-"
                                          "configuration annotations"),
    recursive: bool = c.RECURSIVE,
    selector: str | None = c.SELECTOR,
    output: str = Opt("yaml", "--output", "-o", help="Output format. Must be one of (yaml, json)"),
    namespace: str | None = c.NAMESPACE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """View the latest last-applied-configuration annotations of a resource/object."""
    from minikctl.kube.errors import ClientError

    configs: list[str] = []
    with c.session(store, tick, read_only=True) as cluster:
        # ViewLastAppliedOptions.Complete: an object without the annotation is an error only when it came from a
        # file (AddSourceToErr with a nil error returns nil for the others: they are skipped without a word)
        for obj, source in _targets(cluster.api, args, filename, recursive, selector, all_, namespace):
            config = _annotation(obj)
            if config is None:
                if source:
                    raise ClientError(f"error when no last-applied-configuration annotation found on resource: "
                                      f'{obj["metadata"].get("name", "")}\n "{source}": <nil>')
                continue
            configs.append(config)
    text: list[str] = []
    for config in configs:  # RunApplyViewLastApplied: the format is judged per annotation printed
        try:
            if output == "json":
                text.append(go_json_indent(config))
            elif output == "yaml":
                text.append(json_to_yaml(config))
            else:
                raise ClientError(f"Unexpected -o output mode: {output}, the flag 'output' must be one of yaml|json\n"
                                  "See 'minikctl apply view-last-applied -h' for help and examples")
        except ValueError as e:
            c.out("".join(text))
            raise ClientError(str(e)) from None
    c.out("".join(text))


def set_last_applied(
    filename: list[str] | None = Opt(None, "--filename", "-f",
                                     help="Filename, directory, or URL to files that contains the last-applied-"
                                          "configuration annotations"),
    create_annotation: bool = SET_CREATE_ANNOTATION,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    namespace: str | None = c.NAMESPACE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Set the last-applied-configuration annotation on a live object to match the contents of a file."""
    from minikctl.api.patching import merge_patch
    from minikctl.api.server import LAST_APPLIED
    from minikctl.cli import resource_args
    from minikctl.kube.errors import ClientError

    mode = c.parse_dry_run(dry_run)
    if output and output != "name":
        from minikctl.printers.output import check_format

        check_format(output)
    if not filename:
        raise ClientError(resource_args.NO_ARGS)
    docs = resource_args.load(filename, False)
    notes: list[str] = []
    done: list[tuple[dict, str]] = []
    with c.session(store, tick) as cluster:
        api = cluster.api
        todo: list[tuple] = []
        try:
            # SetLastAppliedOptions.Validate: every object is checked (and "no changes required" said) first
            for obj, source in docs:
                res, obj = resource_args.prepare(obj, source, namespace)
                wanted = annotation_of(obj)
                meta = obj["metadata"]
                live = api.get(res, meta.get("namespace", ""), meta.get("name", ""))
                original = _annotation(live)
                if original is None and not create_annotation:
                    raise ClientError(f"no last-applied-configuration annotation found on resource: "
                                      f"{meta.get('name', '')}, to create the annotation, run the command with "
                                      "--create-annotation")
                if original != wanted:
                    todo.append((live, wanted))
                else:
                    notes.append(f"set-last-applied {meta.get('name', '')}: no changes required.\n")
        except Exception:
            c.out("".join(notes))
            raise
        # RunSetLastApplied: a merge patch of the annotation alone; a client dry run prints the live object
        for live, wanted in todo:
            final = live
            if mode != "client":
                patched = merge_patch(live, {"metadata": {"annotations": {LAST_APPLIED: wanted}}})
                final, _ = api.update(live, patched, dry_run=mode == "server", verb="patching")
            done.append((final, c.result_line(final, "configured", output, mode)))
    c.out("".join(notes))
    for final, line in done:
        c.print_results([final], [line], output)


def edit_last_applied(
    args: list[str] | None = Arg(None, help="TYPE NAME or TYPE/NAME", complete="resource_args"),
    filename: list[str] | None = Opt(None, "--filename", "-f",
                                     help="Filename, directory, or URL to files to use to edit the resource"),
    recursive: bool = c.RECURSIVE,
    output: str | None = c.OUTPUT,
    namespace: str | None = c.NAMESPACE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Edit latest last-applied-configuration annotations of a resource/object."""
    import json
    import os
    import tempfile

    from minikctl.api.manifests import flatten_lists, parse_documents
    from minikctl.api.patching import merge_patch
    from minikctl.api.server import LAST_APPLIED
    from minikctl.cli.edit import _run_editor, _strip
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import for_kind

    fmt = output or "yaml"
    if fmt not in ("yaml", "json"):  # EditOptions.Complete: the editor's printer takes yaml or json only
        raise ClientError(f'unable to match a printer suitable for the output format "{fmt}", allowed formats are: '
                          "json,yaml")
    with c.session(store, tick, read_only=True) as cluster:
        found = _targets(cluster.api, args, filename, recursive, None, False, namespace)
    configs = [json.loads(a) for a in (_annotation(o) for o, _s in found) if a is not None]
    if not configs:
        raise ClientError(NO_ANNOTATIONS)
    shown = configs[0] if len(configs) == 1 else {"apiVersion": "v1", "items": configs, "kind": "List",
                                                 "metadata": {}}
    if fmt == "json":
        from minikctl.printers.serialize import to_json

        original = to_json(shown)
    else:
        original = json_to_yaml(json.dumps(shown))
    fd, path = tempfile.mkstemp(prefix="minikctl-edit-", suffix="." + fmt)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(EDIT_HEADER + original)
    _run_editor(path)
    with open(path, encoding="utf-8") as fh:
        edited = _strip(fh.read())
    if not edited.strip() or edited == original:
        os.unlink(path)
        c.err("Edit cancelled, no changes made.")
        return
    try:
        new_objs = flatten_lists(parse_documents(edited, path))
    except Exception as e:  # noqa: BLE001 - the buffer is kept, as kubectl's preservedFile does
        raise ClientError(f'The edited file had a syntax error: {e}\nA copy of your changes has been stored to "{path}"') \
            from None
    results, lines = [], []
    with c.session(store, "0") as cluster:  # the command's tick was taken by the read
        api = cluster.api
        for obj in new_objs:  # visitToApplyEditPatch: annotationPatch of every edited object
            if not isinstance(obj, dict):
                raise ClientError(f'A copy of your changes has been stored to "{path}"')
            res = for_kind(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
            meta = obj.get("metadata") or {}
            if res is None:
                raise ClientError(f'no matches for kind "{obj.get("kind")}" in version "{obj.get("apiVersion")}"')
            live = api.get(res, c.namespace_of(namespace), str(meta.get("name", "")))
            patched = merge_patch(live, {"metadata": {"annotations": {LAST_APPLIED: annotation_of(obj)}}})
            api.update(live, patched, verb="patching")
            results.append(obj)
            lines.append(c.result_line(obj, "edited", None))
    os.unlink(path)
    if output:
        for obj in results:
            c.print_results([obj], [], output)
    else:
        c.out("".join(line + "\n" for line in lines))

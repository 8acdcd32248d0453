"""minikctl edit (and create --edit): the object as YAML in $EDITOR, then the same update path as every other
write (kubectl pkg/cmd/edit/edit.go, pkg/cmd/util/editor/editoptions.go)."""

from __future__ import annotations


from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

HEADER = ("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
          "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
          "# reopened with the relevant failures.\n#\n")
WINDOWS_LINE_ENDINGS = Opt(False, "--windows-line-endings", help="Defaults to the line ending native to your "
                                                                  "platform.")


def _run_editor(path: str) -> None:
    import os
    import shlex
    import subprocess

    from minikctl.kube.errors import ClientError

    editor = os.environ.get("KUBE_EDITOR") or os.environ.get("EDITOR") or "vi"
    try:
        subprocess.run([*shlex.split(editor), path], check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        raise ClientError(f"there was a problem with the editor \"{editor}\": {e}") from None


def _strip(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("#"))


def check_edit_output(output: str | None) -> None:
    """The editor's printer knows JSON and YAML only (editPrinterOptions): anything else fails before the
    editor opens, when the buffer is printed."""
    from minikctl.kube.errors import ClientError

    if output and output not in ("json", "yaml"):
        raise ClientError(f'unable to match a printer suitable for the output format "{output}", allowed formats '
                          "are: json,yaml")


def buffer_for(obj: dict, output: str | None, windows: bool) -> tuple[str, str, str]:
    """(the file's suffix, its text, the object's text without the header) as EditOptions.Run writes them:
    YAML under the header, or JSON without it (-o json); CRLF line ends with --windows-line-endings."""
    from minikctl.printers.serialize import to_yaml

    if output == "json":
        from minikctl.printers import output as printer

        body = printer.render([obj], "json", now_ms=0, single=True)
        suffix, text = ".json", body
    else:
        body = to_yaml(obj)
        suffix, text = ".yaml", HEADER + body
    if windows:
        text = text.replace("\n", "\r\n")
    return suffix, text, body


def edit_file(obj: dict, output: str | None, windows: bool, what: str):
    """Open the editor on ``obj``; returns (edited object or None when the edit was cancelled, the file's path).
    A file that does not parse is reopened once with the error in its header."""
    import os
    import tempfile

    from minikctl.api.manifests import parse_documents
    from minikctl.kube.errors import MinikctlError

    suffix, text, original = buffer_for(obj, output, windows)
    fd, path = tempfile.mkstemp(prefix="minikctl-edit-", suffix=suffix)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    for attempt in range(2):
        _run_editor(path)
        with open(path, encoding="utf-8", newline="") as fh:
            edited = _strip(fh.read().replace("\r\n", "\n"))
        if edited == _strip(original):
            os.unlink(path)
            c.err("Edit cancelled, no changes made.")
            return None, path
        if not edited.strip():
            os.unlink(path)
            c.err("Edit cancelled, saved file was empty.")
            return None, path
        try:
            docs = parse_documents(edited, path)
            return (docs[0] if docs else None), path
        except MinikctlError as e:
            if attempt:
                raise
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(f'# {what} was not valid:\n# * <nil>: Invalid value: '
                         f'"The edited file failed validation": {e.render()}\n#\n' + HEADER + edited)
    return None, path  # pragma: no cover - the loop returns or raises


def patch_json(patch: dict) -> str:
    """json.Marshal of a patch: compact, keys sorted, HTML characters escaped."""
    import json

    text = json.dumps(patch, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def edit(
    args: list[str] | None = Arg(None, help="TYPE NAME or TYPE/NAME", complete="resource_args"),
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    output_patch: bool = Opt(False, "--output-patch", help="Output the patch if the resource is edited."),
    windows_line_endings: bool = WINDOWS_LINE_ENDINGS,
    record: bool = c.RECORD,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Edit a resource in $KUBE_EDITOR / $EDITOR; the change goes through the API server's update rules."""
    import os

    from minikctl.kube.errors import ClientError, StatusError
    from minikctl.cli import resource_args

    requests = resource_args.from_args(args or [])
    if not requests or not requests[0].names:
        raise ClientError("You must provide one or more resources by argument or filename.")
    check_edit_output(output)
    req = requests[0]
    ns = c.namespace_of(namespace)
    # the store is read, then edited with no lock held (an editor can stay open for hours), then written in a
    # command of its own; what changed meanwhile is merged as kubectl's patch would merge it
    with c.session(store, tick, read_only=True) as cluster:
        live = cluster.api.get(req.res, ns, req.names[0])
    from minikctl.printers.serialize import without_managed_fields

    # kubectl's editor shows no managedFields (OmitManagedFieldsPrinter)
    new, path = edit_file(without_managed_fields(live), output, windows_line_endings, f'{req.res.plural} "{req.names[0]}"')
    if new is None:
        return
    if isinstance(new, dict):
        # the buffer leaves managedFields out (extractManagedFields); they are put back before the diff
        live_meta, new_meta = live.get("metadata") or {}, new.get("metadata")
        if isinstance(new_meta, dict) and "managedFields" in live_meta and "managedFields" not in new_meta:
            new_meta["managedFields"] = live_meta["managedFields"]
    if new == live:  # visitToPatch: the same object (only formatting changed) is skipped
        os.unlink(path)
        c.print_results([live], [c.result_line(live, "skipped", output)], output)
        return
    if output_patch and isinstance(new, dict):
        from minikctl.api.patching import two_way_patch

        # visitToPatch prints the two-way strategic merge patch (original -> edited) it is about to send
        c.out(f"Patch: {patch_json(two_way_patch(live, new, kind=req.res.kind))}\n")
    with c.session(store, "0") as cluster:  # the command's tick was taken by the read
        api = cluster.api
        current = api.get(req.res, ns, req.names[0])
        rv = (current.get("metadata") or {}).get("resourceVersion")
        if isinstance(new, dict) and rv != (live.get("metadata") or {}).get("resourceVersion"):
            from minikctl.api.patching import strategic_merge_patch, three_way_patch

            patch = three_way_patch(live, new, current, kind=req.res.kind)
            new = strategic_merge_patch(current, patch, kind=req.res.kind)
            new.setdefault("metadata", {})["resourceVersion"] = rv
        live = current
        try:
            stored, changed = api.update(live, new, verb="patching")
        except StatusError as e:
            raise ClientError(f'{req.res.plural} "{req.names[0]}" is invalid\n'
                              f'{e.render()}\nA copy of your changes has been stored to "{path}"\n'
                              "error: Edit cancelled, no valid changes were saved.") from None
        os.unlink(path)
    c.print_results([stored], [c.result_line(stored, "edited", output)], output)


def edit_before_create(filename, recursive, namespace, output, validate, save_config, windows, store, tick) -> None:
    """create -f FILE --edit (RunEditOnCreate, EditBeforeCreateMode): each object of the files, with the
    command's namespace filled in, is opened in the editor by itself and created as edited ("created"; the dry
    run flag is not consulted). A cancelled edit creates nothing; a refused create keeps the edited file."""
    import os

    from minikctl.cli import resource_args
    from minikctl.cli.resource_args import prepare
    from minikctl.cli.writes import create_one
    from minikctl.kube.errors import ClientError, MinikctlError

    if not filename:
        raise ClientError("must specify one of -f and -k")
    check_edit_output(output)
    c.request_timeout_ms(c._global["request_timeout"])  # the builder's client comes before the editor
    objs = resource_args.load(filename, recursive)
    for obj, source in objs:
        try:
            _res, shown = prepare(obj, source, namespace)
        except MinikctlError:
            shown = obj
        meta = shown.get("metadata") or {}
        new, path = edit_file(shown, output, windows, f'{_res_word(shown)} "{meta.get("name", "")}"')
        if new is None:
            continue
        try:
            with c.session(store, tick, validate=validate) as cluster:
                res, new = prepare(new, "edited-file", namespace)
                _word, created = create_one(cluster.api, res, new, "", "none", save_config)
                warnings = list(cluster.api.warnings)
        except MinikctlError:
            if os.path.exists(path):
                c.err(f'A copy of your changes has been stored to "{path}"')
            raise
        os.unlink(path)
        for w in warnings:
            c.err(w)
        c.print_results([created], [c.result_line(created, "created", output)], output)


def _res_word(obj: dict) -> str:
    from minikctl.kube.kinds import for_kind

    res = for_kind(obj.get("apiVersion", ""), obj.get("kind", ""))
    return res.plural if res is not None else str(obj.get("kind", "")).lower()


COMMANDS = {"edit": edit}

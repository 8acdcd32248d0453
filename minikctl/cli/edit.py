"""minikctl edit: the object as YAML in $EDITOR, then the same update path as every other write."""

from __future__ import annotations


from minikctl.cli import common as c
from minikctl.cli.spec import Arg

HEADER = ("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
          "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
          "# reopened with the relevant failures.\n#\n")


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


def edit(
    args: list[str] | None = Arg(None, help="TYPE NAME or TYPE/NAME", complete="resource_args"),
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Edit a resource in $KUBE_EDITOR / $EDITOR; the change goes through the API server's update rules."""
    import os
    import tempfile

    from minikctl.kube.errors import ClientError, MinikctlError, StatusError
    from minikctl.api.manifests import parse_documents
    from minikctl.cli import resource_args
    from minikctl.printers.serialize import to_yaml

    requests = resource_args.from_args(args or [])
    if not requests or not requests[0].names:
        raise ClientError("You must provide one or more resources by argument or filename.")
    req = requests[0]
    ns = c.namespace_of(namespace)
    # the store is read, then edited with no lock held (an editor can stay open for hours), then written in a
    # command of its own; what changed meanwhile is merged as kubectl's patch would merge it
    with c.session(store, tick, read_only=True) as cluster:
        live = cluster.api.get(req.res, ns, req.names[0])
    from minikctl.printers.output import without_managed_fields

    live = without_managed_fields(live)  # kubectl's editor shows no managedFields (OmitManagedFieldsPrinter)
    original = to_yaml(live)
    fd, path = tempfile.mkstemp(prefix="minikctl-edit-", suffix=".yaml")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(HEADER + original)
    new = None
    for attempt in range(2):
        _run_editor(path)
        with open(path, encoding="utf-8") as fh:
            edited = _strip(fh.read())
        if not edited.strip() or edited == original:
            os.unlink(path)
            c.err("Edit cancelled, no changes made.")
            return
        try:
            docs = parse_documents(edited, path)
            new = docs[0] if docs else None
            break
        except MinikctlError as e:
            if attempt:
                raise
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(f'# {req.res.plural} "{req.names[0]}" was not valid:\n# * <nil>: Invalid value: '
                         f'"The edited file failed validation": {e.render()}\n#\n' + HEADER + edited)
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


COMMANDS = {"edit": edit}

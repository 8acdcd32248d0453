"""minikctl patch / label / annotate: one patch engine, then the API's update path (``set`` is in set.py)."""

from __future__ import annotations

import re

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

PATCH_TYPES = ("json", "merge", "strategic")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation "
    "is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


def apply_patch(obj: dict, patch, patch_type: str, kind: str) -> dict:
    from minikctl.api import patching

    if patch_type == "json":
        return patching.json_patch(obj, patch)
    if patch_type == "merge":
        return patching.merge_patch(obj, patch)
    return patching.strategic_merge_patch(obj, patch, kind=kind)


# kinds a v1.32 server's scheme registers per group/version beyond the served ones (enough to tell "no kind is
# registered" from "unknown conversion" for the kinds people type)
_REGISTERED = {
    "v1": {"Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node",
           "PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController",
           "ResourceQuota", "Secret", "Service", "ServiceAccount", "List", "Status", "DeleteOptions"},
    "apps/v1": {"ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "Scale"},
    "batch/v1": {"CronJob", "Job"},
}
_GO_PKG = {"": ("k8s.io/api/core/v1", "k8s.io/kubernetes/pkg/apis/core"),
           "apps": ("k8s.io/api/apps/v1", "k8s.io/kubernetes/pkg/apis/apps"),
           "batch": ("k8s.io/api/batch/v1", "k8s.io/kubernetes/pkg/apis/batch")}


def _patched_json(value) -> str:
    """The patched object as the server's JSON patcher re-marshals it (Go map order: sorted keys, HTML escaped)."""
    import json

    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def checked_type_meta(live: dict, new, patch_type: str) -> dict:
    """The apiVersion and kind of a patched object, as the API server's patch handler decodes them.

    A strategic merge patch is decoded field by field into the live object's type: what it says of apiVersion
    and kind is dropped. A JSON or merge patch is re-decoded from JSON: missing apiVersion/kind default to the
    live object's, another kind fails to convert (``The request is invalid: patch: Invalid value: ...``)."""
    from minikctl.kube.errors import ClientError, go_quote

    def refuse(detail: str):
        raise ClientError(f"The request is invalid: patch: Invalid value: {go_quote(_patched_json(new))}: {detail}",
                          plain=True)

    if not isinstance(new, dict):
        refuse(f"json: cannot unmarshal {_json_kind(new)} into Go value of type struct {{ APIVersion string "
               '"json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }')
    out = dict(new)
    if patch_type == "strategic":
        out["apiVersion"], out["kind"] = live.get("apiVersion"), live.get("kind")
        return out
    for key in ("apiVersion", "kind"):
        value = out.get(key)
        if value is not None and not isinstance(value, str):
            refuse(f"couldn't get version/kind; json parse error: json: cannot unmarshal {_json_kind(value)} into "
                   f"Go struct field .{key} of type string")
        if not value:
            out[key] = live.get(key)
    api_version, kind = out["apiVersion"], out["kind"]
    if (api_version, kind) == (live.get("apiVersion"), live.get("kind")):
        return out
    if kind not in _REGISTERED.get(api_version, ()):
        refuse(f'no kind "{kind}" is registered for version "{api_version}" in scheme '
               '"pkg/api/legacyscheme/scheme.go:30"')
    group = api_version.rpartition("/")[0]
    live_group = str(live.get("apiVersion", "")).rpartition("/")[0]
    src = _GO_PKG.get(group, (f"k8s.io/api/{group}/v1", ""))[0]
    dst = _GO_PKG.get(live_group, ("", f"k8s.io/kubernetes/pkg/apis/{live_group}"))[1]
    refuse(f"converting ({src}) {kind} to ({dst}) {live.get('kind')}: unknown conversion")


def _json_kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _targets(api, args: list[str], ns: str, all_: bool, selector: str | None, filename, recursive) -> list:
    from minikctl.cli import resource_args

    out = []
    if filename:
        found, missing = resource_args.live_from_files(api, filename, recursive, ns)
        if missing:
            raise missing[0]
        out += found
    for req in resource_args.from_args(args):
        if req.names:
            out += [(req.res, api.get(req.res, ns, n)) for n in req.names]
        elif all_ or selector:
            out += [(req.res, o) for o in api.list(req.res, ns, selector or "")]
    return out


def patch(
    args: list[str] | None = Arg(None, help="TYPE NAME or TYPE/NAME", complete="resource_args"),
    patch_text: str | None = Opt(None, "--patch", "-p", help="The patch, as JSON or YAML."),
    patch_file: str | None = Opt(None, "--patch-file", help="A file holding the patch."),
    patch_type: str = Opt("strategic", "--type", help="json, merge or strategic."),
    subresource: str | None = Opt(None, "--subresource", help="Patch the status subresource."),
    namespace: str | None = c.NAMESPACE,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    record: bool = c.RECORD,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Update fields of a resource using a strategic merge patch, a JSON merge patch, or a JSON patch."""
    from minikctl.kube.errors import ClientError
    from minikctl.api.jsonvalue import is_json, parse_json_value
    from minikctl.api.patching import check_patched

    if patch_text is not None and patch_file is not None:
        raise ClientError("cannot specify --patch and --patch-file together")
    if patch_text is None and patch_file is None:
        raise ClientError("must specify --patch or --patch-file containing the contents of the patch")
    if patch_type not in PATCH_TYPES:
        raise ClientError(f'--type must be one of [json merge strategic], not "{patch_type}"')
    if subresource not in (None, "", "status"):
        raise ClientError(f'invalid subresource value: "{subresource}". Must be one of [status scale resize]')
    if output:  # the printers are imported for an -o to check (no other patch line needs them)
        from minikctl.printers.output import check_format

        check_format(output)
    if patch_file is not None:
        try:
            with open(patch_file, encoding="utf-8") as fh:
                patch_text = fh.read()
        except OSError as e:
            raise ClientError(f"unable to read patch file: open {patch_file}: {e.strerror.lower()}") from None
    from minikctl.api.jsonvalue import PatchNumberError

    try:
        text = patch_text or ""
        if is_json(text):  # no YAML decoder loaded for a JSON patch
            body = parse_json_value(text)
        else:
            from minikctl.api.manifests import parse_value

            body = parse_value(text)
    except PatchNumberError as e:  # the server's JSON decoder refuses the number; its words depend on the type
        from minikctl.kube.errors import BadRequest

        raise BadRequest(e.message if patch_type == "strategic" else f"error decoding patch: {e.message}") from None
    mode = c.parse_dry_run(dry_run)
    lines, results = [], []
    # kubectl patch sends no fieldValidation: the server's default, Warn, drops unknown fields with a warning
    with c.session(store, tick, validate="warn") as cluster:
        api = cluster.api
        targets = _targets(api, args or [], c.namespace_of(namespace), False, None, filename, recursive)
        if not targets:
            raise ClientError("You must provide one or more resources by argument or filename.")
        for res, live in targets:
            new = checked_type_meta(live, apply_patch(live, body, patch_type, res.kind), patch_type)
            check_patched(res.kind, new, body, patch_type)
            stored, changed = api.update(live, new, dry_run=mode != "none", subresource=subresource or "")
            if c._global.get("change_cause") is not None and not subresource:
                # patch.go: MakeRecordMergePatch, a second patch with the change-cause annotation
                stored, _ = api.update(stored, c.record(dict(stored, metadata=dict(stored["metadata"]))),
                                       dry_run=mode != "none")
            results.append(stored)
            word = "patched" if changed else "patched (no change)"
            lines.append(c.result_line(stored, word, output, mode))
        warnings = list(api.warnings)
    for w in warnings:
        c.err(w)
    c.print_results(results, lines, output)


def _split_specs(args: list[str], what: str) -> tuple[list[str], list[str]]:
    """Resource arguments first, then key=value / key- pairs (cmdutil.GetResourcesAndPairs)."""
    from minikctl.kube.errors import ClientError

    res_args: list[str] = []
    specs: list[str] = []
    for a in args:
        if "=" in a or a.endswith("-"):
            specs.append(a)
        elif specs:
            raise ClientError(f"all resources must be specified before {what} changes: {a}")
        else:
            res_args.append(a)
    return res_args, specs


def _parse_specs(specs: list[str], what: str) -> tuple[dict, list[str]]:
    """parseLabels / cmdutil.ParsePairs: the changes asked for (their count is judged later, in Validate)."""
    from minikctl.kube.errors import ClientError

    sets, removes = {}, []
    for s in specs:
        if "=" in s:
            key, _, value = s.partition("=")
            if "=" in value or not key:
                raise ClientError(f"invalid {what} spec: {s}")
            if what == "label" and not _LABEL_VALUE.match(value):
                raise ClientError(f'invalid label value: "{s}": {_LABEL_VALUE_MSG}')
            sets[key] = value
        elif s.endswith("-") and len(s) > 1:
            removes.append(s[:-1])
        else:
            raise ClientError(f"unknown {what} spec: {s}")
    return sets, removes


def _validate_metadata_verb(what: str, res_args: list[str], filename, local: bool, mode: str, all_: bool,
                            selector: str | None, sets: dict, removes: list[str]) -> None:
    """LabelOptions.Validate (pkg/cmd/label/label.go) and the checks of AnnotateFlags.ToOptions
    (pkg/cmd/annotate/annotate.go), in their order; the two differ only in the file names they suggest."""
    from minikctl.kube.errors import ClientError

    example = "pod.yaml or --filename=pod.json" if what == "label" else "rsrc.yaml or --filename=rsrc.json"
    if all_ and selector:
        raise ClientError("cannot set --all and --selector at the same time")
    if local:
        if mode == "server":
            raise ClientError("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
        if res_args:
            raise ClientError(f"can only use local files by -f {example} when --local=true is set")
        if not filename:
            raise ClientError(f"one or more files must be specified as -f {example}")
    elif not res_args and not filename:
        raise ClientError("one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if not sets and not removes:
        raise ClientError(f"at least one {'label' if what == 'label' else 'annotation'} update is required")
    both = [k for k in removes if k in sets]
    if both and what == "label":
        raise ClientError("can not both modify and remove a label in the same command")
    if both:
        raise ClientError(f"can not both modify and remove the following annotation(s) in the same command: "
                          f"{', '.join(both)}")


def _change_metadata(obj: dict, field: str, what: str, sets: dict, removes: list[str], overwrite: bool) -> dict:
    """labelFunc / updateAnnotations on a copy of ``obj``: the changed copy, or the --overwrite refusal."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.treecopy import tree_copy

    new = tree_copy(obj)
    meta = new.setdefault("metadata", {})
    current = meta.get(field) or {}
    if not overwrite:
        clashes = [k for k, v in sets.items() if k in current and current[k] != v]
        if clashes and what == "label":
            k = clashes[0]
            raise ClientError(f"'{k}' already has a value ({current[k]}), and --overwrite is false")
        if clashes:
            listed = "; ".join(f"'{k}' already has a value ({current[k]})" for k in clashes)
            raise ClientError(f"--overwrite is false but found the following declared annotation(s): {listed}")
    current = dict(current)
    for k in removes:
        current.pop(k, None)
    current.update(sets)
    if current:
        meta[field] = current
    else:
        meta.pop(field, None)
    return new


def _label_word(old: dict, new: dict, overwrite: bool) -> str:
    """updateDataChangeMsg: the JSON of the object before and after (a shorter one without --overwrite: a label
    was taken off)."""
    import json

    before, after = json.dumps(old, separators=(",", ":")), json.dumps(new, separators=(",", ":"))
    if before == after:
        return "not labeled"
    return "unlabeled" if not overwrite and len(after) < len(before) else "labeled"


def _metadata_verb(what: str, args, namespace, all_, selector, overwrite, output, dry_run, filename, recursive,
                   local, store, tick) -> None:
    from minikctl.kube.errors import MinikctlError, MultiError
    from minikctl.kube.treecopy import tree_copy

    res_args, specs = _split_specs(args or [], what)
    sets, removes = _parse_specs(specs, what)
    field = "labels" if what == "label" else "annotations"
    mode = c.parse_dry_run(dry_run)
    _validate_metadata_verb(what, res_args, filename, local, mode, all_, selector, sets, removes)
    lines, results, errors = [], [], []
    if local:
        # a local builder reads the files and nothing else: no store, no server
        from minikctl.cli import resource_args

        for res, obj in resource_args.local_from_files(filename, recursive, namespace or c._global["namespace"]):
            try:
                new = _change_metadata(obj, field, what, sets, removes, overwrite)
            except MinikctlError as e:
                errors.append(e)
                continue
            word = "annotated" if what == "annotate" else _label_word(obj, new, overwrite)
            results.append(new)
            lines.append(c.result_line(new, word, output, mode))
        _print_each(results, lines, output, what)
        if errors:
            raise MultiError(errors)
        return
    with c.session(store, tick) as cluster:
        api = cluster.api
        targets = _targets(api, res_args, c.namespace_of(namespace), all_, selector, filename, recursive)
        for res, live in targets:
            try:
                new = _change_metadata(live, field, what, sets, removes, overwrite)
                if mode == "client":
                    # --dry-run=client: the object fetched, changed in memory and printed; nothing is sent
                    stored, changed = new, new != live
                else:
                    if what == "label":
                        lines += [f'label "{k}" not found.' for k in removes
                                  if k not in (live["metadata"].get(field) or {})]
                    word_new = new
                    new = c.record(tree_copy(new))  # o.Recorder.Record(obj) before the patch is made
                    with api.tx.savepoint():
                        stored, changed = api.update(live, new, dry_run=mode != "none", verb="patching")
            except MinikctlError as e:
                errors.append(e)
                continue
            results.append(stored)
            if what == "annotate":
                word = "annotated"
            elif not changed:
                word = "not labeled"
            else:
                word = _label_word(live, new if mode == "client" else word_new, overwrite)
            lines.append(c.result_line(stored, word, output, mode))
    _print_each(results, lines, output, what)
    if errors:
        raise MultiError(errors)


def _print_each(objs: list[dict], lines: list[str], output: str | None, what: str) -> None:
    """label and annotate print every object by itself (PrintObj in the visitor): no List around several.
    annotate has one printer for the whole run (the YAML printer's ``---`` between objects); label makes a new
    printer for every object (``o.ToPrinter(dataChangeMsg)`` in RunLabel), each printing its first object."""
    if not output or output == "name":
        c.out("".join(line + "\n" for line in lines))
        return
    from minikctl.printers import output as printer

    parts = [printer.render([o], output, now_ms=0, single=True) for o in objs]
    c.out(("---\n" if output == "yaml" and what == "annotate" else "").join(parts))


def _metadata_command(what: str, doc: str):
    """label and annotate: the same command over a different part of metadata."""
    def verb(
        args: list[str] | None = Arg(None, help="TYPE NAME KEY_1=VAL_1 ... KEY_N-", complete="resource_args"),
        namespace: str | None = c.NAMESPACE,
        all_: bool = c.ALL,
        selector: str | None = c.SELECTOR,
        overwrite: bool = Opt(False, "--overwrite", help="Allow values to be overwritten."),
        output: str | None = c.OUTPUT,
        dry_run: str | None = c.DRY_RUN,
        filename: list[str] | None = c.FILENAME,
        recursive: bool = c.RECURSIVE,
        local: bool = Opt(False, "--local", help=f"If true, {what} will NOT contact api-server but run locally."),
        record: bool = c.RECORD,
        store: str | None = c.STORE,
        tick: str | None = c.TICK,
    ) -> None:
        _metadata_verb(what, args, namespace, all_, selector, overwrite, output, dry_run, filename, recursive,
                       local, store, tick)

    verb.__doc__ = doc
    return verb


COMMANDS = {
    "patch": patch,
    "label": _metadata_command("label", "Update the labels on a resource."),
    "annotate": _metadata_command("annotate", "Update the annotations on a resource."),
}

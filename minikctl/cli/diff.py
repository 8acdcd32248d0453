"""minikctl diff: the live objects against what apply would make of them, through an external diff program.

kubectl/pkg/cmd/diff/diff.go: every document of the files is fetched (LIVE) and sent as a server dry run of
client-side apply (MERGED: a dry-run create when there is nothing live, else apply's three-way patch without the
last-applied annotation); both are written as YAML into two temporary directories, one file per object named
``<group.>version.Kind.namespace.name``, and ``KUBECTL_EXTERNAL_DIFF`` (default ``diff -u -N``) compares the
directories. Exit status: 0 no differences, 1 differences, more than 1 an error (cmdutil.CheckDiffErr).
"""

from __future__ import annotations

import os
import sys

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

DIFF_ERROR_EXIT = 2  # CheckDiffErr: kubectl's error exit code plus one, so that 1 keeps meaning "differences"
SENSITIVE_MASK, MASK_BEFORE, MASK_AFTER = "***", "*** (before)", "*** (after)"
_VALID_ARG = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-="


def object_name(obj: dict) -> str:
    """InfoObject.Name / getObjectName: ``<group.>version.Kind.namespace.name``."""
    group, _, version = str(obj.get("apiVersion", "")).rpartition("/")
    meta = obj.get("metadata") or {}
    return (f"{group}." if group else "") + f"{version}.{obj.get('kind', '')}.{meta.get('namespace', '')}.{meta.get('name', '')}"


def mask_secret(before: dict | None, after: dict | None) -> None:
    """Masker.run: a v1 Secret's data values become ``***``; a key present on both sides with different values
    becomes ``*** (before)`` / ``*** (after)`` so that the change still shows."""
    old = (before or {}).get("data") if isinstance((before or {}).get("data"), dict) else None
    new = (after or {}).get("data") if isinstance((after or {}).get("data"), dict) else None
    old, new = dict(old) if old is not None else None, dict(new) if new is not None else None
    for k in list(old or {}):
        if new is not None and k in new:
            if old[k] != new[k]:
                old[k], new[k] = MASK_BEFORE, MASK_AFTER
                continue
            new[k] = SENSITIVE_MASK
        old[k] = SENSITIVE_MASK
    for k in list(new or {}):
        if old is None or k not in old:
            new[k] = SENSITIVE_MASK
    if before is not None and old is not None:
        before["data"] = old
    if after is not None and new is not None:
        after["data"] = new


def _merged(api, res, local: dict, live: dict | None, source: str) -> dict:
    """InfoObject.Merged: the object as apply would leave it, from the server's dry run."""
    from minikctl.api.patching import strategic_merge_patch, three_way_patch
    from minikctl.api.server import LAST_APPLIED, last_applied_of
    from minikctl.cli.resource_args import copy_document

    if live is None:  # helper.CreateWithOptions, dry run
        return api.create(local, dry_run=True, source=source)
    # util.GetModifiedConfiguration(obj, annotate=false): the annotations map present, the annotation itself out
    modified = copy_document(local)
    annotations = modified["metadata"].get("annotations") or {}
    annotations.pop(LAST_APPLIED, None)
    modified["metadata"]["annotations"] = annotations
    patch = three_way_patch(last_applied_of(live), modified, live, kind=res.kind)
    if not patch:  # Patcher.patchSimple sends nothing for "{}": the live object is the answer
        return live
    merged = strategic_merge_patch(live, patch, kind=res.kind)
    merged["metadata"]["resourceVersion"] = live["metadata"].get("resourceVersion")  # the patcher's precondition
    stored, _ = api.update(live, merged, dry_run=True, source=source, verb="patching")
    return stored


def _collect(filename, recursive, namespace, selector, prune, prune_allowlist, tick, store):
    """[(file name, live or None, merged)] for the documents, then [(file name, object)] for what --prune would
    delete; warnings to print."""
    from minikctl.cli import apply as apply_cmd
    from minikctl.cli import resource_args
    from minikctl.kube.errors import ClientError

    kinds = apply_cmd.prune_resources(prune_allowlist) if prune else []
    docs = resource_args.load_selected(filename, recursive, selector)
    for _obj, _source, failed in docs:  # the builder's first error ends the visit
        if failed is not None:
            raise failed
    pairs, pruned, warnings = [], [], []
    with c.session(store, tick) as cluster:
        api = cluster.api
        applied = []
        for obj, source, _f in docs:
            res, local = resource_args.prepare(obj, source, namespace)
            meta = local["metadata"]
            if not meta.get("name"):  # info.Get: client-go refuses a request for an unnamed object
                raise ClientError("resource name may not be empty")
            live = api.find(res, meta.get("namespace", ""), meta.get("name", ""))
            with api.tx.savepoint():
                merged = _merged(api, res, local, live, source)
            pairs.append((object_name(local), live, merged))
            applied.append((res, meta.get("namespace", "") if res.namespaced else None,
                            (live or {}).get("metadata", {}).get("uid", "")))
            if live is not None and live["metadata"].get("deletionTimestamp"):  # apply.WarnIfDeleting
                warnings.append(f"Warning: Detected changes to resource {meta.get('name')} which is currently "
                                "being deleted.")
        if prune:
            enforced = c.namespace_of(namespace) if namespace or c._global["namespace"] else None
            objs = apply_cmd.pruner(kinds, selector, enforced, default_list=not prune_allowlist)(api, applied, "client")
            pruned = [(object_name(o), o) for o in objs]
        warnings += api.warnings
    return pairs, pruned, warnings


def _write(directory: str, name: str, obj: dict | None, show_managed_fields: bool, null: bool = False) -> None:
    """DiffVersion.Print: one file (mode 0700), the object as YAML; nothing for an absent object (``null``
    with ``null``)."""
    from minikctl.printers.serialize import to_yaml

    text = "null\n" if null else ""
    if obj is not None:
        if not show_managed_fields:
            obj = dict(obj, metadata={k: v for k, v in (obj.get("metadata") or {}).items() if k != "managedFields"})
        text = to_yaml(obj)
    fd = os.open(os.path.join(directory, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o700)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def diff_command(from_dir: str, to_dir: str) -> tuple[str, list[str]]:
    """DiffProgram.getCommand: KUBECTL_EXTERNAL_DIFF split on spaces, its arguments kept only when made of
    letters, digits, '-' and '='; else ``diff -u -N``."""
    env = os.environ.get("KUBECTL_EXTERNAL_DIFF", "")
    if not env:
        return "diff", ["diff", "-u", "-N", from_dir, to_dir]
    words = env.split(" ")
    args = [from_dir, to_dir]
    for word in words[1:]:
        if word and all(ch in _VALID_ARG for ch in word):
            args.append(word)
        # else: dropped with a klog warning ("invalid argument is ignored: ..."), which kubectl does not show
    return words[0], [words[0], *args]


def diff(
    args: list[str] | None = Arg(None, help="(none: the objects come from -f)"),
    filename: list[str] | None = Opt(None, "--filename", "-f",
                                     help="Filename, directory, or URL to files contains the configuration to diff"),
    recursive: bool = c.RECURSIVE,
    selector: str | None = c.SELECTOR,
    prune: bool = Opt(False, "--prune", help="Include resources that would be deleted by pruning. Can be used with "
                      "-l and default shows all resources would be pruned"),
    prune_allowlist: list[str] | None = Opt(None, "--prune-allowlist",
                                            help="Overwrite the default allowlist with <group/version/kind> for --prune"),
    show_managed_fields: bool = Opt(False, "--show-managed-fields", help="If true, include managed fields in the diff."),
    concurrency: str = Opt("1", "--concurrency", help="Number of objects to process in parallel when diffing against "
                           "the live version (one command's transaction here: the output is the same)."),
    namespace: str | None = c.NAMESPACE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> int:
    """Diff the live version against a would-be applied version (exit 0: none, 1: differences, >1: error)."""
    import shutil
    import subprocess
    import tempfile

    from minikctl.kube.errors import ClientError, MinikctlError

    try:
        digits = concurrency[1:] if concurrency[:1] in "+-" else concurrency
        if not (digits.isascii() and digits.isdigit()):  # pflag's Int: a usage error, exit 2 as every diff error
            raise ClientError(f'invalid argument "{concurrency}" for "--concurrency" flag: strconv.ParseInt: parsing '
                              f'"{concurrency}": invalid syntax\nSee \'minikctl diff -h\' for help and examples')
        if not filename:  # DiffOptions.Complete: RequireFilenameOrKustomize
            raise ClientError("must specify one of -f and -k")
        if args:  # validateArgs
            raise ClientError(f"Unexpected args: [{' '.join(args)}]\nSee 'minikctl diff -h' for help and examples")
        pairs, pruned, warnings = _collect(filename, recursive, namespace, selector, prune, prune_allowlist, tick,
                                           store)
    except MinikctlError as e:
        sys.stdout.flush()
        sys.stderr.write(e.render() + "\n")
        return DIFF_ERROR_EXIT
    for w in warnings:
        c.err(w)
    tmp = tempfile.gettempdir()
    live_dir = tempfile.mkdtemp(prefix="LIVE-", dir=tmp)
    merged_dir = tempfile.mkdtemp(prefix="MERGED-", dir=tmp)
    try:
        for name, live, merged in pairs:
            secret = merged.get("apiVersion") == "v1" and merged.get("kind") == "Secret"
            if secret:
                live = None if live is None else dict(live)
                merged = dict(merged)
                mask_secret(live, merged)
            # the Masker hands an absent live Secret on as a typed nil, which the printer marshals as `null`
            _write(live_dir, name, live, show_managed_fields, null=secret)
            _write(merged_dir, name, merged, show_managed_fields)
        for name, obj in pruned:  # what would be pruned is only on the LIVE side: the diff shows it removed
            _write(live_dir, name, obj, True)  # printed as listed: Differ.Diff's omitManagedFields is not on this path
        program, argv = diff_command(live_dir, merged_dir)
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            code = subprocess.run(argv, stdout=sys.stdout.fileno(), stderr=sys.stderr.fileno()).returncode
        except OSError as e:
            # k8s.io/utils/exec's ErrExecutableNotFound
            reason = "executable file not found in $PATH" if isinstance(e, FileNotFoundError) else str(e)
            c.err(f'error: failed to run "{program}": {reason}')
            return DIFF_ERROR_EXIT
        if code in (0, 1):
            return code
        if code < 0:
            c.err(f'error: failed to run "{program}": signal: {-code}')
        else:
            c.err(f'error: failed to run "{program}": exit status {code}')
        return DIFF_ERROR_EXIT
    finally:
        shutil.rmtree(live_dir, ignore_errors=True)
        shutil.rmtree(merged_dir, ignore_errors=True)


COMMANDS = {"diff": diff}

"""The per-object writes of apply, create and replace (kubectl's apply.go, create.go and replace.go): what each
sends for one manifest object, and the word its result line uses."""

from __future__ import annotations

from minikctl.cli import common as c


def annotated(obj: dict) -> dict:
    """The object with kubectl's last-applied-configuration annotation (compact sorted JSON of the file's object)."""
    from minikctl.api.server import LAST_APPLIED

    # new maps only along metadata.annotations: the rest is shared with ``obj`` and read, never changed (the API
    # server copies what it is sent)
    meta = obj.get("metadata") or {}
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k != LAST_APPLIED}
    plain = {**obj, "metadata": {**meta, "annotations": annotations}}
    return {**obj, "metadata": {**meta, "annotations": {**(meta.get("annotations") or {}),
                                                        LAST_APPLIED: _marshal(plain) + "\n"}}}


# the Go marshal of documents alike but for their names, split around the name: (the text before its string, the
# text after it), None for a template Go does not marshal; by the document's JSON with the name left out
_AROUND_NAME: dict = {}
_NAME_MARK = "\x00name\x00"  # no document's name: a DNS label (below) has no NUL


def _marshal(plain: dict) -> str:
    """``json.Marshal`` of the applied object (serialize.to_compact_json), once per template of a manifest's
    documents: Go's encoder writes a map's keys sorted and each value by itself, so the objects that differ only by
    ``metadata.name`` marshal to the same text around it, and a name that is a DNS label (lowercase letters,
    digits, '-') is written as it stands between quotes. Two documents are alike when Python's encoder writes
    them alike with the name left out: the same values of the same JSON types in the same order (1, 1.0 and
    true apart). Their maps' keys are strings, as the manifest decoders give them (api/manifests.py)."""
    from minikctl.api.stamp import _LABEL, ENABLED, _encode
    from minikctl.kube.gofmt import json_string
    from minikctl.printers.serialize import to_compact_json

    meta = plain["metadata"]
    name = meta.get("name")
    if not ENABLED or type(name) is not str or not _LABEL.fullmatch(name):
        return to_compact_json(plain)
    try:
        key = _encode({**plain, "metadata": {**meta, "name": ""}})
    except (TypeError, ValueError, RecursionError):
        return to_compact_json(plain)
    around = _AROUND_NAME.get(key, False)
    if around is False:
        around = None
        try:
            text = to_compact_json({**plain, "metadata": {**meta, "name": _NAME_MARK}})
        except (TypeError, ValueError, RecursionError):
            pass  # the document's own marshal below refuses it as Go does
        else:
            mark = json_string(_NAME_MARK)
            if text.count(mark) == 1:
                head, tail = text.split(mark)
                around = (head + '"', '"' + tail)
        if len(_AROUND_NAME) > 1000:
            _AROUND_NAME.clear()
        _AROUND_NAME[key] = around
    if around is None:
        return to_compact_json(plain)
    return around[0] + name + around[1]


def apply_one(api, res, obj, source, mode):
    from minikctl.kube.errors import ClientError
    from minikctl.api.patching import strategic_merge_patch, three_way_patch
    from minikctl.api.server import LAST_APPLIED, last_applied_of

    meta = obj["metadata"]
    if not meta.get("name"):
        if meta.get("generateName"):
            raise ClientError(f"from {meta['generateName']}: cannot use generate name with apply")
        raise ClientError(
            "error when retrieving current configuration of:\n"
            f'Resource: "{res.gvr}", GroupVersionKind: "/{res.api_version}, Kind={res.kind}"\n'
            f'Name: "", Namespace: "{meta.get("namespace", "")}"\n'
            f'from server for: "{source}": resource name may not be empty'
        )
    live = api.find(res, meta.get("namespace", ""), meta["name"])
    modified = annotated(obj)
    if live is None:
        created = api.create(modified, dry_run=mode != "none", source=source)
        return "created", modified if mode == "client" else created
    if mode == "client":
        return "configured", live
    if live["metadata"].get("deletionTimestamp"):
        api.warnings.append(f"Warning: Detected changes to resource {meta['name']} which is currently being deleted.")
    original = last_applied_of(live)
    if original is None and LAST_APPLIED not in (live["metadata"].get("annotations") or {}):
        api.warnings.append(
            f"Warning: resource {res.plural}/{meta['name']} is missing the {LAST_APPLIED} annotation which is "
            "required by kubectl apply. kubectl apply should only be used on resources created declaratively by "
            "either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically."
        )
    patch = three_way_patch(original, modified, live, kind=res.kind)
    if not patch:
        return "unchanged", live
    merged = strategic_merge_patch(live, patch, kind=res.kind)
    merged["metadata"]["resourceVersion"] = live["metadata"].get("resourceVersion")
    stored, _ = api.update(live, merged, dry_run=mode != "none", source=source, verb="patching")
    return "configured", stored


def create_one(api, res, obj, source, mode, save_config=False):
    if save_config:
        obj = annotated(obj)
    if mode != "client":
        obj = c.record(obj)  # create.go: o.Recorder.Record(info.Object) before the create
    created = api.create(obj, dry_run=mode != "none", source=source)
    return "created", obj if mode == "client" else created


def replace_one(api, res, obj, source, mode, save_config=False):
    from minikctl.kube.errors import NotFound

    meta = obj["metadata"]
    live = api.find(res, meta.get("namespace", ""), meta.get("name", ""))
    if save_config:  # replace.go: CreateOrUpdateAnnotation(SaveConfig) before the update
        obj = annotated(obj)
        meta = obj["metadata"]
    if live is None:
        raise NotFound(res.plural, meta.get("name", "")).with_source("replacing", source)
    stored, _ = api.update(live, obj, dry_run=mode != "none", source=source, verb="replacing")
    return "replaced", obj if mode == "client" else stored

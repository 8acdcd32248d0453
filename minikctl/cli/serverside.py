"""kubectl apply --server-side: the manifest goes to the server as an apply patch (api.Api.apply), then kubectl
keeps the last-applied annotation owned and moves client-side apply's ownership to its server-side manager
(``staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go``: ``saveLastApplyAnnotationIfNecessary``,
``migrateToSSAIfNecessary``; ``client-go/util/csaupgrade``)."""

from __future__ import annotations

CSA_MANAGER = "kubectl-client-side-apply"  # FieldManagerClientSideApply
SSA_MANAGER = "kubectl"  # fieldManagerServerSideApply
LAST_APPLIED_MANAGER = "kubectl-last-applied"  # fieldManagerLastAppliedAnnotation
_LAST_APPLIED_PATH = ("f:metadata", "f:annotations", "f:kubectl.kubernetes.io/last-applied-configuration")

# apply.go: what kubectl adds to a conflict the server reports
CONFLICT_ADVICE = """Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts"""


def field_manager_of(explicit: str | None, server_side: bool) -> str:
    """GetApplyFieldManagerFlag: the flag's value when given, else kubectl's manager for the kind of apply."""
    if explicit:
        return explicit
    return SSA_MANAGER if server_side else CSA_MANAGER


def check_flags(server_side: bool, force_conflicts: bool, mode: str) -> None:
    """ApplyOptions.Validate."""
    from minikctl.kube.errors import ClientError

    if force_conflicts and not server_side:
        raise ClientError("--force-conflicts only works with --server-side")
    if server_side and mode == "client":
        raise ClientError("--dry-run=client doesn't work with --server-side (did you mean --dry-run=server?)")


def apply_one(api, res, obj, source, mode, manager: str, force: bool):
    from minikctl.api.fieldmanager import ApplyConflict
    from minikctl.kube.errors import ClientError

    meta = obj["metadata"]
    if not meta.get("name"):
        raise ClientError(f"from {meta.get('generateName', '')}: cannot use generate name with apply"
                          if meta.get("generateName") else "resource name may not be empty")
    ns = meta.get("namespace", "") if res.namespaced else ""
    try:
        stored, _created = api.apply(res, ns, meta["name"], obj, manager=manager, force=force,
                                     dry_run=mode == "server", source=source)
    except ApplyConflict as e:
        raise ClientError(f"{e.message}\n{CONFLICT_ADVICE}") from None
    if mode != "server":
        stored = _keep_last_applied(api, res, stored, manager)
        if _migrate(api, stored, manager):
            # the original apply again: what the migration gave the manager and it no longer applies goes
            stored, _ = api.apply(res, ns, meta["name"], obj, manager=manager, force=force, source=source)
    return "serverside-applied", stored


def _keep_last_applied(api, res, obj: dict, manager: str) -> dict:
    """saveLastApplyAnnotationIfNecessary: with kubectl's own manager, an object that has the last-applied
    annotation and no applier owning it gets it applied by ``kubectl-last-applied``, so that the migration
    below does not leave it to be pruned."""
    from minikctl.api.fieldmanager import LAST_APPLIED, paths

    if manager != SSA_MANAGER:
        return obj
    meta = obj["metadata"]
    annotation = (meta.get("annotations") or {}).get(LAST_APPLIED)
    if annotation is None:
        return obj
    for e in meta.get("managedFields") or []:
        if e.get("operation") == "Apply" and _LAST_APPLIED_PATH in paths(e.get("fieldsV1") or {}):
            return obj
    just = {"apiVersion": obj["apiVersion"], "kind": obj["kind"],
            "metadata": {"name": meta["name"], "annotations": {LAST_APPLIED: annotation}}}
    if res.namespaced:
        just["metadata"]["namespace"] = meta.get("namespace", "")
    stored, _ = api.apply(res, meta.get("namespace", "") if res.namespaced else "", meta["name"], just,
                          manager=LAST_APPLIED_MANAGER)
    return stored


def upgraded_managed_fields(entries: list[dict], csa: str, ssa: str) -> list[dict]:
    """csaupgrade.upgradedManagedFields: the client-side apply manager's fields join the server-side manager's
    Apply entry (the CSA entry itself becomes it when there is none), less the last-applied annotation; the CSA
    entries go."""
    from minikctl.api.fieldmanager import from_paths, paths

    entries = [dict(e) for e in entries]

    def is_csa(e: dict) -> bool:
        return e.get("manager") == csa and e.get("operation") == "Update" and not e.get("subresource")

    target = next((i for i, e in enumerate(entries) if e.get("manager") == ssa and e.get("operation") == "Apply"
                   and not e.get("subresource")), None)
    if target is None:
        target = next((i for i, e in enumerate(entries) if is_csa(e)), None)
        if target is None:
            return entries
        entries[target]["operation"] = "Apply"
        entries[target]["manager"] = ssa
    fields = paths(entries[target].get("fieldsV1") or {})
    csa_entry = next((e for e in entries if is_csa(e)), None)
    if csa_entry is not None:
        fields |= paths(csa_entry.get("fieldsV1") or {})
    fields = {p for p in fields if p[:len(_LAST_APPLIED_PATH)] != _LAST_APPLIED_PATH}
    entries[target]["fieldsV1"] = from_paths(fields)
    return [e for e in entries if not is_csa(e)]


def _migrate(api, obj: dict, manager: str) -> bool:
    """migrateToSSAIfNecessary: the client-side managers are the Update entries that own the last-applied
    annotation; a JSON patch of managedFields when the upgrade changes them. True when it did."""
    from minikctl.api.fieldmanager import paths, sort_entries

    entries = obj["metadata"].get("managedFields") or []
    csa = sorted({e.get("manager", "") for e in entries if e.get("operation") == "Update"
                  and _LAST_APPLIED_PATH in paths(e.get("fieldsV1") or {})})
    upgraded = entries
    for name in csa:
        upgraded = upgraded_managed_fields(upgraded, name, manager)
    upgraded = sort_entries(upgraded)
    if upgraded == entries:
        return False
    new = {**obj, "metadata": {**obj["metadata"], "managedFields": upgraded}}
    api.update(obj, new, verb="patching", managed=upgraded)
    return True

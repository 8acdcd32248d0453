"""minikctl api-resources and api-versions: the resource types and group versions the store serves, as kubectl
prints them from discovery."""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Opt


def api_resources(
    output: str | None = Opt(None, "--output", "-o", help="Output format: wide or name."),
    no_headers: bool = Opt(False, "--no-headers", help="Do not print headers."),
    namespaced: bool | None = Opt(None, "--namespaced/--no-namespaced",
                                  help="Only namespaced (true) or only cluster-scoped (false) resources."),
    api_group: str | None = Opt(None, "--api-group", help="Only resources in this API group ('' is the core group)."),
    verbs: list[str] | None = Opt(None, "--verbs", help="Only resources that support these verbs."),
    sort_by: str | None = Opt(None, "--sort-by", help="Sort by name or kind."),
    cached: bool = Opt(False, "--cached", help="Accepted for compatibility (discovery is never remote here)."),
) -> None:
    """Print the supported API resources."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import RESOURCES
    from minikctl.printers.table import table

    if output not in (None, "", "wide", "name"):
        raise ClientError(f"--output {output} is not available")
    if sort_by not in (None, "", "name", "kind"):
        raise ClientError("--sort-by accepts only name or kind")
    wanted = {v for item in verbs or [] for v in item.split(",") if v}
    found = [r for r in RESOURCES
             if (namespaced is None or r.namespaced == namespaced)
             and (api_group is None or r.group == api_group)
             and wanted <= set(r.verbs.split(","))]
    # discovery's order (group, then name), then kubectl's stable sort on the --sort-by field (group by default)
    found.sort(key=lambda r: (r.group, r.plural))
    if sort_by in ("name", "kind"):
        found.sort(key=lambda r: r.kind if sort_by == "kind" else r.plural)
    if output == "name":
        c.out("".join(r.plural + (f".{r.group}" if r.group else "") + "\n" for r in found))
        return
    headers = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    rows = [[r.plural, ",".join(r.short), r.api_version, str(r.namespaced).lower(), r.kind] for r in found]
    if output == "wide":
        headers += ["VERBS", "CATEGORIES"]
        rows = [row + [r.verbs, r.categories] for row, r in zip(rows, found)]
    c.out(table(headers, rows, no_headers=no_headers))


def api_versions() -> None:
    """Print the supported API versions on the server, in the form of "group/version"."""
    from minikctl.kube.kinds import RESOURCES

    # kubectl api-versions (pkg/cmd/apiresources/apiversions.go): every group's versions from discovery, sorted
    # (sort.Strings); the core group is "v1"
    versions = sorted({r.api_version for r in RESOURCES})
    c.out("".join(v + "\n" for v in versions))


COMMANDS = {"api-resources": api_resources, "api-versions": api_versions}

"""Discovery documents generated from ``minikctl/kube/kinds.py``: what a v1.32 kube-apiserver answers on
``/api``, ``/api/v1``, ``/apis``, ``/apis/<group>`` and ``/apis/<group>/<version>``, and the aggregated form
(``apidiscovery.k8s.io/v2`` ``APIGroupDiscoveryList``) kubectl 1.32 asks for first."""

from __future__ import annotations

from minikctl.kube.kinds import RESOURCES, Resource

AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
AGGREGATED_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"

_GPU = ("get", "patch", "update")
# subresource -> (verbs, (group, version, kind) of what it answers; None: the parent's own kind)
SUBRESOURCES: dict[str, tuple[tuple[str, ...], tuple[str, str, str] | None]] = {
    "status": (_GPU, None),
    "scale": (_GPU, ("autoscaling", "v1", "Scale")),
    "binding": (("create",), ("", "v1", "Binding")),
    "eviction": (("create",), ("policy", "v1", "Eviction")),
    "log": (("get",), None),
    "exec": (("create", "get"), ("", "v1", "PodExecOptions")),
    "attach": (("create", "get"), ("", "v1", "PodAttachOptions")),
    "ephemeralcontainers": (_GPU, None),
    "finalize": (("update",), None),
}


def group_versions() -> list[tuple[str, str]]:
    """(group, version) served, core first, then the groups in the order of the table."""
    out: list[tuple[str, str]] = []
    for r in RESOURCES:
        gv = (r.group, r.version)
        if gv not in out:
            out.append(gv)
    return out


def resources_of(group: str, version: str) -> list[Resource]:
    return [r for r in RESOURCES if r.group == group and r.version == version]


def subresources_of(res: Resource) -> tuple[str, ...]:
    subs = tuple(res.subresources)
    if res.kind == "Pod" and "exec" in subs and "attach" not in subs:
        subs += ("attach",)  # served with exec (the same WebSocket streams)
    return subs


def _api_resource(res: Resource) -> dict:
    d: dict = {"name": res.plural, "singularName": res.singular, "namespaced": res.namespaced, "kind": res.kind,
               "verbs": res.verbs.split(",")}
    if res.short:
        d["shortNames"] = list(res.short)
    if res.categories:
        d["categories"] = res.categories.split(",")
    return d


def resource_list(group: str, version: str) -> dict | None:
    """APIResourceList of /api/v1 or /apis/<g>/<v>; None when not served."""
    items = resources_of(group, version)
    if not items:
        return None
    out = []
    for res in sorted(items, key=lambda r: r.plural):
        out.append(_api_resource(res))
        for sub in sorted(subresources_of(res)):
            verbs, kind = SUBRESOURCES.get(sub, (_GPU, None))
            entry: dict = {"name": f"{res.plural}/{sub}", "singularName": "", "namespaced": res.namespaced}
            if kind is not None and (kind[0], kind[1]) != (group, version):
                entry["group"], entry["version"] = kind[0], kind[1]
            entry["kind"] = kind[2] if kind else res.kind
            entry["verbs"] = list(verbs)
            out.append(entry)
    gv = f"{group}/{version}" if group else version
    doc = {"kind": "APIResourceList", "groupVersion": gv, "resources": out}
    if group:
        doc["apiVersion"] = "v1"
    return doc


def api_versions(address: str) -> dict:
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": address}]}


def _group(group: str) -> dict:
    versions = [{"groupVersion": f"{group}/{v}", "version": v} for g, v in group_versions() if g == group]
    return {"name": group, "versions": versions, "preferredVersion": versions[0]}


def api_group_list() -> dict:
    groups = []
    for g, _v in group_versions():
        if g and all(x["name"] != g for x in groups):
            groups.append(_group(g))
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group: str) -> dict | None:
    if not group or all(g != group for g, _ in group_versions()):
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_group(group)}


def _aggregated_resource(res: Resource) -> dict:
    d: dict = {"resource": res.plural,
               "responseKind": {"group": res.group, "version": res.version, "kind": res.kind},
               "scope": "Namespaced" if res.namespaced else "Cluster",
               "singularResource": res.singular, "verbs": res.verbs.split(",")}
    if res.short:
        d["shortNames"] = list(res.short)
    if res.categories:
        d["categories"] = res.categories.split(",")
    subs = []
    for sub in sorted(subresources_of(res)):
        verbs, kind = SUBRESOURCES.get(sub, (_GPU, None))
        g, v, k = kind if kind else (res.group, res.version, res.kind)
        subs.append({"subresource": sub, "responseKind": {"group": g, "version": v, "kind": k}, "verbs": list(verbs)})
    if subs:
        d["subresources"] = subs
    return d


def aggregated(legacy: bool, api_version: str = "apidiscovery.k8s.io/v2") -> dict:
    """The APIGroupDiscoveryList of /api (``legacy``: the core group) or /apis (every named group)."""
    items = []
    for g, v in group_versions():
        if bool(g) == legacy:
            continue
        resources = [_aggregated_resource(r) for r in sorted(resources_of(g, v), key=lambda r: r.plural)]
        version = {"version": v, "resources": resources, "freshness": "Current"}
        for item in items:
            if item["metadata"].get("name", "") == g:
                item["versions"].append(version)
                break
        else:
            meta: dict = {"creationTimestamp": None}
            if g:
                meta["name"] = g
            items.append({"metadata": meta, "versions": [version]})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": api_version, "metadata": {}, "items": items}

"""The paths of kube-apiserver's REST API as ``minikctl serve`` reads them: a ``Request`` as the handler received
it and the ``Route`` (resource, namespace, name, subresource, watch) its path names."""

from __future__ import annotations

from urllib.parse import unquote

from minikctl.kube.kinds import RESOURCES, Resource


# ---- routes -------------------------------------------------------------------------------------------------
class Request:
    __slots__ = ("method", "path", "query", "headers", "body", "handler")

    def __init__(self, method: str, path: str, query: dict, headers, body: bytes, handler) -> None:
        self.method, self.path, self.query, self.headers, self.body = method, path, query, headers, body
        self.handler = handler


class Route:
    __slots__ = ("res", "namespace", "name", "sub", "watch")

    def __init__(self, res: Resource, namespace: str | None, name: str | None, sub: str | None, watch: bool) -> None:
        self.res, self.namespace, self.name, self.sub, self.watch = res, namespace, name, sub, watch


_BY_GV: dict[tuple[str, str], dict[str, Resource]] = {}
for _r in RESOURCES:
    _BY_GV.setdefault((_r.group, _r.version), {})[_r.plural] = _r


def route(path: str) -> Route | None:
    parts = [unquote(p) for p in path.strip("/").split("/")] if path.strip("/") else []
    if len(parts) >= 3 and parts[0] == "api" and parts[1] == "v1":
        gv, rest_ = ("", "v1"), parts[2:]
    elif len(parts) >= 4 and parts[0] == "apis":
        gv, rest_ = (parts[1], parts[2]), parts[3:]
    else:
        return None
    table = _BY_GV.get(gv)
    if table is None:
        return None
    watch = False
    if rest_ and rest_[0] == "watch":  # the deprecated /watch/ paths
        watch, rest_ = True, rest_[1:]
    namespace = None
    if len(rest_) >= 3 and rest_[0] == "namespaces" and rest_[2] in table and table[rest_[2]].namespaced:
        namespace, rest_ = rest_[1], rest_[2:]
    if not rest_ or len(rest_) > 3 or rest_[0] not in table:
        return None
    res = table[rest_[0]]
    if res.namespaced and namespace is None and len(rest_) > 1:
        return None  # a namespaced object needs its namespace
    name = rest_[1] if len(rest_) > 1 else None
    sub = rest_[2] if len(rest_) > 2 else None
    if name == "":
        return None
    if sub is not None:
        from minikctl.serve.discovery import subresources_of

        if sub not in subresources_of(res):
            return None
    return Route(res, namespace, name, sub, watch)

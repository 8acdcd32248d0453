"""The resource types minikctl serves, and how kubectl's names map to them."""

from __future__ import annotations

from minikctl.kube.errors import ClientError


class Resource:
    """A resource type: its names, scope and what clients may do with it (one instance per type)."""

    __slots__ = ("kind", "plural", "singular", "short", "namespaced", "api_version", "writable", "updatable",
                 "verbs", "categories")

    def __init__(self, kind: str, plural: str, singular: str, short: tuple[str, ...], namespaced: bool,
                 api_version: str = "v1", writable: bool = True, updatable: bool = True,
                 verbs: str = "create,delete,deletecollection,get,list,patch,update,watch",
                 categories: str = "") -> None:
        self.kind, self.plural, self.singular, self.short = kind, plural, singular, short
        self.namespaced, self.api_version = namespaced, api_version
        self.writable = writable  # can be created from a manifest
        self.updatable = updatable  # can be patched / labelled / edited
        self.verbs, self.categories = verbs, categories  # as a 1.32 API server's discovery lists them

    def __repr__(self) -> str:
        return f"Resource({self.kind})"

    @property
    def group(self) -> str:
        return self.api_version.split("/")[0] if "/" in self.api_version else ""

    @property
    def gvr(self) -> str:
        """The `"/v1, Resource=pods"` form kubectl prints in selector errors."""
        group, _, version = self.api_version.rpartition("/")
        return f"{group}/{version}, Resource={self.plural}"

    def ref(self, name: str) -> str:
        """`pod/nginx` (or `deployment.apps/web`): the name printer's prefix."""
        prefix = self.kind.lower() + (f".{self.group}" if self.group else "")
        return f"{prefix}/{name}"


POD = Resource("Pod", "pods", "pod", ("po",), True, categories="all")
NAMESPACE = Resource("Namespace", "namespaces", "namespace", ("ns",), False,
                     verbs="create,delete,get,list,patch,update,watch")
EVENT = Resource("Event", "events", "event", ("ev",), True, writable=False, updatable=False)
NODE = Resource("Node", "nodes", "node", ("no",), False, writable=False)  # the engine's node: patch it to shape it

RESOURCES = (POD, NAMESPACE, EVENT, NODE)
_BY_NAME = {}
for _r in RESOURCES:
    for _n in (_r.plural, _r.singular, *_r.short, _r.kind.lower()):
        _BY_NAME[_n] = _r
# kubectl also accepts the fully qualified forms
for _r in RESOURCES:
    _BY_NAME[f"{_r.plural}.{_r.api_version.split('/')[-1]}"] = _r
_BY_KIND = {(r.api_version, r.kind): r for r in RESOURCES}


def resolve(name: str) -> Resource:
    """A resource type as typed on the command line (`pods`, `po`, `pod`, `ns`, ...)."""
    r = _BY_NAME.get(name.lower())
    if r is None:
        raise ClientError(f'the server doesn\'t have a resource type "{name}"')
    return r


def for_kind(api_version: str, kind: str) -> Resource | None:
    return _BY_KIND.get((api_version, kind))


def type_names() -> list[str]:
    """Words that complete after `get`/`describe`/`delete`."""
    out: list[str] = []
    for r in RESOURCES:
        out += [r.plural, r.singular, *r.short]
    return out

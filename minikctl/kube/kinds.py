"""The table of served kinds: names, scope, discovery data, and the registry module holding each one's strategy.

Adding a kind is one row here plus its module under ``minikctl/api/registry/`` (defaults, validation, update
rules, selectable fields, printing columns, delete rules). The discovery fields (short names, verbs,
categories) are what a v1.32 API server lists for the kind (its REST storage's ``ShortNames()``,
``Categories()`` and verbs), so ``api-resources`` and the name resolution of ``get``/``describe``/``delete``
read as kubectl's do.
"""

from __future__ import annotations

from minikctl.kube.errors import ClientError

ALL_VERBS = "create,delete,deletecollection,get,list,patch,update,watch"


class Resource:
    """A resource type: its names, scope and what clients may do with it (one instance per type)."""

    __slots__ = ("kind", "plural", "singular", "short", "namespaced", "api_version", "writable", "updatable",
                 "verbs", "categories", "module", "subresources")

    def __init__(self, kind: str, plural: str, singular: str, short: tuple[str, ...], namespaced: bool,
                 api_version: str = "v1", writable: bool = True, updatable: bool = True,
                 verbs: str = ALL_VERBS, categories: str = "", module: str = "",
                 subresources: tuple[str, ...] = ()) -> None:
        self.kind, self.plural, self.singular, self.short = kind, plural, singular, short
        self.namespaced, self.api_version = namespaced, api_version
        self.writable = writable  # can be created from a manifest
        self.updatable = updatable  # can be patched / labelled / edited
        self.verbs, self.categories = verbs, categories  # as a 1.32 API server's discovery lists them
        self.module = module or kind.lower()  # minikctl/api/registry/<module>.py
        self.subresources = subresources  # "status", "scale", ... (served through the same strategy)

    def __repr__(self) -> str:
        return f"Resource({self.kind})"

    @property
    def group(self) -> str:
        return self.api_version.split("/")[0] if "/" in self.api_version else ""

    @property
    def version(self) -> str:
        return self.api_version.rsplit("/", 1)[-1]

    @property
    def gvr(self) -> str:
        """The `"/v1, Resource=pods"` form kubectl prints in selector errors."""
        group, _, version = self.api_version.rpartition("/")
        return f"{group}/{version}, Resource={self.plural}"

    @property
    def qualified(self) -> str:
        """`deployments.apps` (kubectl's error messages name grouped resources this way), `pods` for core."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    def ref(self, name: str) -> str:
        """`pod/nginx` (or `deployment.apps/web`): the name printer's prefix."""
        prefix = self.kind.lower() + (f".{self.group}" if self.group else "")
        return f"{prefix}/{name}"


POD = Resource("Pod", "pods", "pod", ("po",), True, categories="all",
               subresources=("status", "binding", "eviction", "log", "exec", "ephemeralcontainers"))
NAMESPACE = Resource("Namespace", "namespaces", "namespace", ("ns",), False,
                     verbs="create,delete,get,list,patch,update,watch", subresources=("status", "finalize"))
EVENT = Resource("Event", "events", "event", ("ev",), True, writable=False, updatable=False)
NODE = Resource("Node", "nodes", "node", ("no",), False, subresources=("status",))
CONFIGMAP = Resource("ConfigMap", "configmaps", "configmap", ("cm",), True)
SECRET = Resource("Secret", "secrets", "secret", (), True)
SERVICEACCOUNT = Resource("ServiceAccount", "serviceaccounts", "serviceaccount", ("sa",), True)
DEPLOYMENT = Resource("Deployment", "deployments", "deployment", ("deploy",), True, "apps/v1", categories="all",
                      subresources=("status", "scale"))
REPLICASET = Resource("ReplicaSet", "replicasets", "replicaset", ("rs",), True, "apps/v1", categories="all",
                      subresources=("status", "scale"))
STATEFULSET = Resource("StatefulSet", "statefulsets", "statefulset", ("sts",), True, "apps/v1", categories="all",
                       subresources=("status", "scale"))
DAEMONSET = Resource("DaemonSet", "daemonsets", "daemonset", ("ds",), True, "apps/v1", categories="all",
                     subresources=("status",))
CONTROLLERREVISION = Resource("ControllerRevision", "controllerrevisions", "controllerrevision", (), True, "apps/v1")
JOB = Resource("Job", "jobs", "job", (), True, "batch/v1", categories="all", subresources=("status",))
CRONJOB = Resource("CronJob", "cronjobs", "cronjob", ("cj",), True, "batch/v1", categories="all",
                   subresources=("status",))
LEASE = Resource("Lease", "leases", "lease", (), True, "coordination.k8s.io/v1")
SERVICE = Resource("Service", "services", "service", ("svc",), True, categories="all", subresources=("status",))
ENDPOINTS = Resource("Endpoints", "endpoints", "endpoints", ("ep",), True)
ENDPOINTSLICE = Resource("EndpointSlice", "endpointslices", "endpointslice", (), True, "discovery.k8s.io/v1")

# the table: every served kind. `get all` lists the kinds of the all category in this order (kubectl's:
# pods, then the apps and batch kinds as discovery lists them)
RESOURCES = (POD, SERVICE, NAMESPACE, EVENT, NODE, CONFIGMAP, SECRET, SERVICEACCOUNT, ENDPOINTS, DAEMONSET,
             DEPLOYMENT, REPLICASET, STATEFULSET, CONTROLLERREVISION, CRONJOB, JOB, LEASE, ENDPOINTSLICE)

_BY_NAME: dict[str, Resource] = {}
_BY_KIND: dict[tuple[str, str], Resource] = {}
_KIND_ONLY: dict[str, Resource] = {}


def _index() -> None:
    for r in RESOURCES:
        for n in (r.plural, r.singular, *r.short, r.kind.lower()):
            _BY_NAME.setdefault(n, r)
    # kubectl also accepts the fully qualified forms: pods.v1, deployments.apps, deployments.v1.apps
    for r in RESOURCES:
        _BY_NAME[f"{r.plural}.{r.version}"] = r
        if r.group:
            _BY_NAME[f"{r.plural}.{r.group}"] = r
            _BY_NAME[f"{r.plural}.{r.version}.{r.group}"] = r
            _BY_NAME[f"{r.singular}.{r.group}"] = r
        _BY_KIND[(r.api_version, r.kind)] = r
        _KIND_ONLY.setdefault(r.kind, r)


_index()


def resolve(name: str) -> Resource:
    """A resource type as typed on the command line (`pods`, `po`, `pod`, `ns`, `deploy`, ...)."""
    r = _BY_NAME.get(name.lower())
    if r is None:
        raise ClientError(f'the server doesn\'t have a resource type "{name}"')
    return r


def for_kind(api_version: str, kind: str) -> Resource | None:
    return _BY_KIND.get((api_version, kind))


def object_ref(obj: dict) -> str:
    """How kubectl's name printer writes an object: ``pod/nginx``, ``deployment.apps/web`` (the kind in lower case
    for a kind minikctl does not serve)."""
    name = (obj.get("metadata") or {}).get("name", "")
    res = for_kind(obj.get("apiVersion", ""), obj.get("kind", ""))
    return res.ref(name) if res else f"{(obj.get('kind') or '').lower()}/{name}"


def by_kind(kind: str) -> Resource:
    """The served resource of a kind name (every served kind has one version)."""
    return _KIND_ONLY[kind]


def in_category(category: str) -> list[Resource]:
    """`all` and the other categories kubectl expands (`get all`)."""
    return [r for r in RESOURCES if category in r.categories.split(",")]


def type_names() -> list[str]:
    """Words that complete after `get`/`describe`/`delete`."""
    out: list[str] = []
    for r in RESOURCES:
        out += [r.plural, r.singular, *r.short]
    return out

"""minikctl describe: kubectl's describe layout (the describers are in minikctl/printers)."""

from __future__ import annotations


from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

NO_TYPE = ('You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of '
           "supported resources.")


def describe(
    args: list[str] | None = Arg(None, help="TYPE [NAME_PREFIX] or TYPE/NAME", complete="resource_args"),
    namespace: str | None = c.NAMESPACE,
    all_namespaces: bool = c.ALL_NAMESPACES,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    selector: str | None = c.SELECTOR,
    show_events: bool = Opt(True, "--show-events/--no-show-events", help="Show the events of the described objects."),
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Show details of a specific resource or group of resources."""
    from minikctl.kube.errors import ClientError, MinikctlError, MultiError, StatusError
    from minikctl.cli import resource_args

    args = args or []
    if not args and not filename:
        raise ClientError(NO_TYPE)
    requests = resource_args.from_args(args)
    if filename or (not all_namespaces and any(r.res.namespaced for r in requests)):
        ns = c.namespace_of(namespace, plain=not any(r.names for r in requests))
    else:
        ns = namespace or c._global["namespace"] or "default"  # not part of any request path
    objs: list[dict] = []
    errors: list[MinikctlError] = []
    with c.session(store, tick, read_only=True) as cluster:
        api = cluster.api
        if filename:
            found, errors = resource_args.live_from_files(api, filename, recursive, ns)
            objs += [obj for _res, obj in found]
        for req in requests:
            if not req.names:
                objs += api.list(req.res, None if all_namespaces else ns, selector or "")
                continue
            for name in req.names:
                try:
                    objs.append(api.get(req.res, ns, name))
                except StatusError as e:
                    # kubectl's fallback: `describe pod live` describes every pod whose name starts with it
                    matches = [o for o in api.list(req.res, ns) if o["metadata"]["name"].startswith(name)]
                    if e.reason == "NotFound" and len(args) == 2 and matches:
                        objs += matches
                    else:
                        errors.append(e)
        texts = [_describe_one(cluster, o, show_events) for o in objs]
    c.out("\n\n".join(texts) if len(texts) > 1 else "".join(texts))
    if not objs and not errors:
        c.err(f"No resources found in {ns} namespace.")
    if errors:
        raise MultiError(errors)


class _Ctx:
    """What kubectl's describers ask the server for: objects by kind and label selector, an object's events."""

    def __init__(self, cluster, show_events: bool) -> None:
        self.cluster = cluster
        self.now_ms = cluster.now_ms
        self.show_events = show_events

    def list(self, kind: str, namespace: str | None, selector: dict | None = None) -> list[dict]:
        from minikctl.kube.kinds import by_kind
        from minikctl.kube.selectors import selector_matches

        objs = self.cluster.api.list(by_kind(kind), namespace)
        if selector is None:
            return objs
        return [o for o in objs if selector_matches(selector, (o.get("metadata") or {}).get("labels") or {})]

    def get(self, kind: str, namespace: str | None, name: str) -> dict | None:
        from minikctl.kube.kinds import by_kind

        return self.cluster.api.find(by_kind(kind), namespace or "", name)

    def events(self, obj: dict, uid: str | None = None) -> list[dict] | None:
        """The events about ``obj`` (those whose involvedObject.uid is ``uid``, by default the object's), in the
        order the server lists them (namespace, then name); None with --show-events=false."""
        if not self.show_events:
            return None
        return server_order(self.cluster.tx.events_for(obj["metadata"].get("uid", "") if uid is None else uid))


def server_order(events: list[dict]) -> list[dict]:
    """Events as a list answers them: by namespace, then name (etcd's key order)."""
    return sorted(events, key=lambda e: ((e.get("metadata") or {}).get("namespace", ""),
                                         (e.get("metadata") or {}).get("name", "")))


def _describe_one(cluster, obj: dict, show_events: bool = True) -> str:
    from minikctl.printers import describe as d
    from minikctl.printers.describers import DESCRIBERS

    api = cluster.api
    now = api.now_ms
    kind = obj.get("kind")
    uid = obj["metadata"].get("uid", "")
    if kind == "Pod":
        events = server_order(api.tx.events_for(uid)) if show_events else None
        return d.describe_pod(obj, events, now, cluster.assumptions(obj))
    if kind == "Namespace":
        return d.describe_namespace(obj, now)
    describer = DESCRIBERS.get(kind)
    if describer is not None:
        return describer(obj, _Ctx(cluster, show_events))
    return d.describe_generic(obj, _Ctx(cluster, show_events))


COMMANDS = {"describe": describe}

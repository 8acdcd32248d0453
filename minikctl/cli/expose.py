"""minikctl expose (kubectl v0.32.4 ``pkg/cmd/expose/expose.go``, with ``polymorphichelpers``' canBeExposed,
mapBasedSelectorForObject, portsForObject and multiProtocolsForObject).

The object named (TYPE NAME, TYPE/NAME or -f) must be a Pod, Service, Deployment or ReplicaSet; its selector
(a pod's labels, a Service's selector, a workload's matchLabels) becomes the Service's unless ``--selector`` is
given, its ports (the containers' ports, a Service's ports) its ports unless ``--port`` is, its labels the
Service's unless ``--labels`` are. The Service is built as kubectl's generator builds it (``createService``:
several ports are named ``port-1``, ``port-2``; the target port is ``--target-port`` or the port itself), then
printed (``--dry-run=client``) or created through the API server, which defaults and allocates it.
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

DNS1035_MAX = 63  # validation.DNS1035LabelMaxLength: a longer object name is cut for the Service's


def _make_labels(labels: dict) -> str:
    """polymorphichelpers.MakeLabels (Go ranges over the map; the keys come sorted here)."""
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def _selector_for(obj: dict) -> str:
    """mapBasedSelectorForObject."""
    from minikctl.kube.errors import ClientError

    kind = obj.get("kind")
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    if kind == "Pod":
        if not meta.get("labels"):
            raise ClientError("the pod has no labels and cannot be exposed")
        return _make_labels(meta["labels"])
    if kind == "Service":
        if spec.get("selector") is None:
            raise ClientError("the service has no pod selector set")
        return _make_labels(spec["selector"])
    what = {"Deployment": "deployment", "ReplicaSet": "replicaset"}[kind]
    sel = spec.get("selector") or {}
    if not sel.get("matchLabels"):
        raise ClientError(f"invalid {what}: no selectors, therefore cannot be exposed")
    if sel.get("matchExpressions"):
        # %+v of []metav1.LabelSelectorRequirement
        reqs = " ".join(f"{{Key:{r.get('key', '')} Operator:{r.get('operator', '')} "
                        f"Values:[{' '.join(r.get('values') or [])}]}}" for r in sel["matchExpressions"])
        raise ClientError(f'couldn\'t convert expressions - "[{reqs}]" to map-based selector format')
    return _make_labels(sel["matchLabels"])


def _pod_spec(obj: dict) -> dict:
    if obj.get("kind") == "Pod":
        return obj.get("spec") or {}
    return ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}


def _ports_for(obj: dict) -> tuple[list[str], dict]:
    """portsForObject (distinct, in order) and multiProtocolsForObject (port -> its protocols)."""
    ports: list[str] = []
    protocols: dict[str, list[str]] = {}
    if obj.get("kind") == "Service":
        entries = [(p.get("port"), p.get("protocol")) for p in (obj.get("spec") or {}).get("ports") or []]
    else:
        entries = [(p.get("containerPort"), p.get("protocol")) for ctr in _pod_spec(obj).get("containers") or []
                   for p in ctr.get("ports") or []]
    for port, proto in entries:
        key = str(int(port or 0))
        if key not in ports:
            ports.append(key)
        proto = proto or "TCP"
        if proto not in protocols.setdefault(key, []):
            protocols[key].append(proto)
    return ports, protocols


def _parse_labels(spec: str) -> dict:
    """expose.go parseLabels: k=v pairs separated by commas, nothing else."""
    from minikctl.kube.errors import ClientError

    if not spec:
        raise ClientError("no label spec passed")
    out = {}
    for item in spec.split(","):
        kv = item.split("=")
        if len(kv) != 2:
            raise ClientError(f"unexpected label spec: {item}")
        if not kv[0]:
            raise ClientError("unexpected empty label key")
        out[kv[0]] = kv[1]
    return out


def build_service(name: str, selector: str, labels: str, port: str, ports: str, protocol: str,
                  protocols: dict, target_port: str, external_ip: str, type_: str, load_balancer_ip: str,
                  session_affinity: str, cluster_ip: str) -> dict:
    """createService: the Service kubectl sends (a typed object: its JSON prints in the Go struct's order)."""
    from minikctl.kube.errors import ClientError

    if not selector:
        raise ClientError("selector must be specified")
    sel = _parse_labels(selector)
    lab = _parse_labels(labels) if labels else None
    if not name:
        raise ClientError("name must be specified")
    text = ports or port
    out_ports: list[dict] = []
    if text:
        items = text.split(",")
        for i, item in enumerate(items):
            try:
                number = int(item, 10)
            except ValueError:
                raise ClientError(f'strconv.Atoi: parsing "{item}": invalid syntax') from None
            pname = f"port-{i + 1}" if len(items) > 1 else ""
            proto = protocol
            if not proto and not protocols:
                proto = "TCP"
            elif not proto and protocols:
                proto = "TCP"
                found = protocols.get(item)
                if found is not None:
                    if len(found) == 1:
                        proto = found[0]
                    else:
                        for p in found:
                            out_ports.append({"name": f"port-{i + 1}-{p.lower()}", "port": number, "protocol": p})
                        continue
            entry = {"port": number, "protocol": proto}
            if pname:
                entry = {"name": pname, **entry}
            out_ports.append(entry)
    if target_port:
        tp: int | str = int(target_port) if target_port.isdigit() else target_port  # intstr.Parse
        for p in out_ports:
            p["targetPort"] = tp
    else:
        for p in out_ports:
            p["targetPort"] = p["port"]
    meta: dict = {"name": name, "creationTimestamp": None}
    if lab:
        meta["labels"] = lab
    spec: dict = {}
    if out_ports:
        spec["ports"] = out_ports
    spec["selector"] = sel
    if external_ip:
        spec["externalIPs"] = [external_ip]
    if type_:
        spec["type"] = type_
    if type_ == "LoadBalancer" and load_balancer_ip:
        spec["loadBalancerIP"] = load_balancer_ip
    if session_affinity:
        if session_affinity not in ("None", "ClientIP"):
            raise ClientError(f"unknown session affinity: {session_affinity}")
        spec["sessionAffinity"] = session_affinity
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    return {"kind": "Service", "apiVersion": "v1", "metadata": meta, "spec": spec, "status": {"loadBalancer": {}}}


def expose(
    args: list[str] | None = Arg(None, help="TYPE NAME or TYPE/NAME", complete="resource_args"),
    port: str | None = Opt(None, "--port", help="The port that the service should serve on. Copied from the "
                                                "resource being exposed, if unspecified"),
    target_port: str | None = Opt(None, "--target-port", help="Name or number for the port on the container that "
                                                              "the service should direct traffic to. Optional."),
    name: str | None = Opt(None, "--name", help="The name for the newly created object."),
    type_: str | None = Opt(None, "--type", help="Type for this service: ClusterIP, NodePort, LoadBalancer, or "
                                                 "ExternalName. Default is 'ClusterIP'."),
    selector: str | None = Opt(None, "--selector", help="A label selector to use for this service. Only "
                               "equality-based selector requirements are supported. If empty (the default) infer "
                               "the selector from the replication controller or replica set.)"),
    protocol: str | None = Opt(None, "--protocol", help="The network protocol for the service to be created. "
                                                        "Default is 'TCP'."),
    cluster_ip: str | None = Opt(None, "--cluster-ip", help="ClusterIP to be assigned to the service. Leave empty "
                                 "to auto-allocate, or set to 'None' to create a headless service."),
    external_ip: str | None = Opt(None, "--external-ip", help="Additional external IP address (not managed by "
                                  "Kubernetes) to accept for the service."),
    labels: str | None = Opt(None, "--labels", "-l", help="Labels to apply to the service created by this call."),
    load_balancer_ip: str | None = Opt(None, "--load-balancer-ip", help="IP to assign to the LoadBalancer. If "
                                       "empty, an ephemeral IP will be created and used (cloud-provider specific)."),
    session_affinity: str | None = Opt(None, "--session-affinity", help="If non-empty, set the session affinity "
                                       "for the service to this; legal values: 'None', 'ClientIP'"),
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    save_config: bool = Opt(False, "--save-config", help="If true, the configuration of current object will be "
                            "saved in its annotation."),
    field_manager: str = Opt("kubectl-expose", "--field-manager", help="Name of the manager used to track field "
                                                                       "ownership."),
    namespace: str | None = c.NAMESPACE,
    record: bool = c.RECORD,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Expose a resource as a new Kubernetes service."""
    from minikctl.cli import resource_args
    from minikctl.cli.create_config import check_output, with_last_applied
    from minikctl.kube.errors import ClientError

    mode = c.parse_dry_run(dry_run)
    check_output(output)
    ns = c.namespace_of(namespace)
    if not args and not filename:
        raise ClientError("You must provide one or more resources by argument or filename.\n"
                          "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                          "   '<resource> <name>'\n   '<resource>'")
    text: list[str] = []
    with c.session(store, tick) as cluster:
        api = cluster.api
        api.field_manager = field_manager
        found: list[tuple] = []
        if filename:
            got, missing = resource_args.live_from_files(api, filename, recursive, ns)
            if missing:
                raise missing[0]
            found += got
        for req in resource_args.from_args(args or []):
            if not req.names:
                raise ClientError("resource(s) were provided, but no name was specified")
            for n in req.names:
                found.append((req.res, api.get(req.res, ns, n)))
        for res, obj in found:
            if res.kind not in ("Pod", "Service", "Deployment", "ReplicaSet"):
                raise ClientError(f"cannot expose a {res.kind}{'.' + res.group if res.group else ''}")
            default_name = obj["metadata"]["name"][:DNS1035_MAX]
            sel = selector or ""
            if not sel:
                try:
                    sel = _selector_for(obj)
                except ClientError as e:
                    raise ClientError("couldn't retrieve selectors via --selector flag or introspection: "
                                      + e.message) from None
            one, many = port or "", ""
            if not port:
                found_ports, _ = _ports_for(obj)
                if not found_ports:
                    if cluster_ip != "None":
                        raise ClientError("couldn't find port via --port flag or introspection")
                elif len(found_ports) == 1:
                    one = found_ports[0]
                else:
                    many = ",".join(found_ports)
            _, protocols = _ports_for(obj)
            lab = labels or _make_labels((obj.get("metadata") or {}).get("labels") or {})
            svc = build_service(name or default_name, sel, lab, one, many, protocol or "", protocols,
                                target_port or "", external_ip or "", type_ or "", load_balancer_ip or "",
                                session_affinity or "", cluster_ip or "")
            if record:
                c.record(svc)
            if mode == "client":
                if namespace:
                    svc["metadata"]["namespace"] = ns
                text.append(_printed(svc, output, mode, typed=True, now_ms=api.now_ms))
                continue
            if save_config:
                svc = with_last_applied(svc)
            sent = {**svc, "metadata": {k: v for k, v in svc["metadata"].items() if v is not None}}
            sent["metadata"]["namespace"] = ns
            created = api.create(sent, dry_run=mode != "none")
            text.append(_printed(created, output, mode, typed=False, now_ms=api.now_ms))
    c.out("".join(text))


def _printed(obj: dict, output: str | None, mode: str, *, typed: bool, now_ms: int) -> str:
    """PrintFlags("exposed"): ``service/NAME exposed``, or the object in the -o format."""
    from minikctl.printers import output as printer

    if not output:
        return printer.ref(obj) + " exposed" + c.dry_suffix(mode) + "\n"
    if output == "name":
        return printer.ref(obj) + "\n"
    if output == "json" and typed:
        from minikctl.printers.typed import typed_json

        return typed_json(obj)
    return printer.render([obj], output, now_ms=now_ms, single=True)


COMMANDS = {"expose": expose}

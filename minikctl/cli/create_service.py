"""kubectl create service clusterip|nodeport|loadbalancer|externalname: a Service from flags.

A port of kubectl 1.32's ``pkg/cmd/create/create_service.go``: ``--tcp`` pairs ``port[:targetPort]`` name their
ports (``80-8080``), the Service selects and is labelled ``app=<name>``; ``Validate`` refuses what it refuses
before anything is sent, and a server error reads ``failed to create <type> service: ...``. The rest (printing,
--dry-run, --save-config) is create_config.run_create's, as for the other ``create`` generators.
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.create_config import (
    ALLOW_MISSING,
    FIELD_MANAGER,
    SAVE_CONFIG,
    TEMPLATE,
    _early_checks,
    name_from_args,
    object_meta,
    run_create,
)
from minikctl.cli.spec import Arg, Group, Opt

TCP = Opt(None, "--tcp", help="Port pairs can be specified as '<port>:<targetPort>'.")


def _parse_ports(text: str) -> tuple[int, int | str]:
    """create_service.go parsePorts: the port (utilsnet.ParsePort, zero allowed), then the target port, a number
    (IsValidPortNum) or a name (IsValidPortName); none: the port itself."""
    from minikctl.api.validation import is_valid_port_name, is_valid_port_num
    from minikctl.kube.errors import ClientError

    parts = text.split(":")
    first = parts[0]
    if not first.isdigit():
        raise ClientError(f'strconv.ParseUint: parsing "{first}": invalid syntax')
    port = int(first)
    if port > 65535:
        raise ClientError(f'strconv.ParseUint: parsing "{first}": value out of range')
    if len(parts) == 1:
        return port, port
    target = parts[1]
    try:
        number = int(target)
    except ValueError:
        errs = is_valid_port_name(target)
        if errs:
            raise ClientError(",".join(errs)) from None
        return port, target
    errs = is_valid_port_num(number)
    if errs:
        raise ClientError(",".join(errs))
    return port, number


def _split(values: list[str] | None) -> list[str]:
    from minikctl.cli.create_config import split_slice

    return split_slice(values)


def _service(kind: str, args, tcp, cluster_ip, node_port, external_name, namespace, output, template,
             allow_missing_template_keys, dry_run, validate, save_config, store, tick, command: str) -> None:
    from minikctl.api.validation import is_dns1123_subdomain
    from minikctl.kube.errors import ClientError

    name = name_from_args(args, f"service {command}")
    _early_checks(dry_run, output, template, validate)
    pairs = _split(tcp)
    if cluster_ip == "None" and kind != "ClusterIP":
        raise ClientError("ClusterIP=None can only be used with ClusterIP service type")
    if cluster_ip != "None" and not pairs and kind != "ExternalName":
        raise ClientError("at least one tcp port specifier must be provided")
    if kind == "ExternalName" and is_dns1123_subdomain(external_name or ""):
        raise ClientError(f"invalid service external name {external_name or ''}")
    ports = []
    for pair in pairs:
        port, target = _parse_ports(pair)
        entry = {"name": pair.replace(":", "-"), "protocol": "TCP", "port": port, "targetPort": target}
        if node_port:
            entry["nodePort"] = node_port
        ports.append(entry)
    meta = object_meta(name, namespace)
    meta["labels"] = {"app": name}
    spec: dict = {}
    if ports:
        spec["ports"] = ports
    spec["selector"] = {"app": name}
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    spec["type"] = kind
    if external_name:
        spec["externalName"] = external_name
    obj = {"kind": "Service", "apiVersion": "v1", "metadata": meta, "spec": spec, "status": {"loadBalancer": {}}}
    run_create(obj, failure=f"failed to create {kind} service: ", namespace=namespace, output=output,
               dry_run=dry_run, validate=validate, save_config=save_config, template=template,
               allow_missing_template_keys=allow_missing_template_keys, store=store, tick=tick)


def create_service_clusterip(
    args: list[str] | None = Arg(None, help="NAME"),
    tcp: list[str] | None = TCP,
    clusterip: str | None = Opt(None, "--clusterip", help="Assign your own ClusterIP or set to 'None' for a "
                                                          "'headless' service (no loadbalancing)."),
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    template: str | None = TEMPLATE,
    allow_missing_template_keys: bool = ALLOW_MISSING,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = SAVE_CONFIG,
    field_manager: str = FIELD_MANAGER,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a ClusterIP service with the specified name."""
    _service("ClusterIP", args, tcp, clusterip or "", 0, "", namespace, output, template,
             allow_missing_template_keys, dry_run, validate, save_config, store, tick, "clusterip")


def create_service_nodeport(
    args: list[str] | None = Arg(None, help="NAME"),
    tcp: list[str] | None = TCP,
    node_port: int = Opt(0, "--node-port", help="Port used to expose the service on each node in a cluster."),
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    template: str | None = TEMPLATE,
    allow_missing_template_keys: bool = ALLOW_MISSING,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = SAVE_CONFIG,
    field_manager: str = FIELD_MANAGER,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a NodePort service with the specified name."""
    _service("NodePort", args, tcp, "", node_port, "", namespace, output, template, allow_missing_template_keys,
             dry_run, validate, save_config, store, tick, "nodeport")


def create_service_loadbalancer(
    args: list[str] | None = Arg(None, help="NAME"),
    tcp: list[str] | None = TCP,
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    template: str | None = TEMPLATE,
    allow_missing_template_keys: bool = ALLOW_MISSING,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = SAVE_CONFIG,
    field_manager: str = FIELD_MANAGER,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a LoadBalancer service with the specified name."""
    _service("LoadBalancer", args, tcp, "", 0, "", namespace, output, template, allow_missing_template_keys,
             dry_run, validate, save_config, store, tick, "loadbalancer")


def create_service_externalname(
    args: list[str] | None = Arg(None, help="NAME"),
    tcp: list[str] | None = TCP,
    external_name: str | None = Opt(None, "--external-name", help="External name of service"),
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    template: str | None = TEMPLATE,
    allow_missing_template_keys: bool = ALLOW_MISSING,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = SAVE_CONFIG,
    field_manager: str = FIELD_MANAGER,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create an ExternalName service with the specified name."""
    _service("ExternalName", args, tcp, "", 0, external_name or "", namespace, output, template,
             allow_missing_template_keys, dry_run, validate, save_config, store, tick, "externalname")


SERVICE_HELP = """Create a service using a specified subcommand.

Aliases:
service, svc

Available Commands:
  clusterip      Create a ClusterIP service
  externalname   Create an ExternalName service
  loadbalancer   Create a LoadBalancer service
  nodeport       Create a NodePort service

Usage:
  minikctl create service [flags] [options]

Use "minikctl create service <command> --help" for more information about a given command.
"""


def create_service(
    args: list[str] | None = Arg(None, help="(clusterip | externalname | loadbalancer | nodeport)"),
) -> int:
    """Create a service using a specified subcommand."""
    from minikctl.kube.errors import ClientError

    if args:
        from minikctl.cli.suggest import in_group

        raise ClientError(in_group(f'unknown command "{" ".join(args)}"', args[0], SERVICE.commands,
                                   "create service"), plain=True)
    c.out(SERVICE_HELP)
    return 0


SERVICE = Group("Create a service using a specified subcommand.",
                {"clusterip": create_service_clusterip, "externalname": create_service_externalname,
                 "loadbalancer": create_service_loadbalancer, "nodeport": create_service_nodeport},
                callback=create_service)

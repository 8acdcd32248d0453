"""kubectl create deployment (kubectl v0.32.4 ``pkg/cmd/create/create_deployment.go``): the Deployment kubectl
builds from its flags, created (or only printed with --dry-run=client)."""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt


def build_deployment(name: str, images: list[str], replicas: int, port: int, command: list[str],
                     namespace: str | None, suffix) -> dict:
    """createDeployment: labels app=<name>, one container per image (named after the image's last path element
    without tag or digest; ``_`` and ``.`` become ``-`` with a random suffix), the command on each, the port on
    the first. Keys in the typed struct's field order (what ``-o json`` prints for a client dry run)."""
    containers = []
    for image in images:
        cname = image.split("/")[-1]
        if ":" in cname:
            cname = cname.split(":")[0]
        if "@" in cname:
            cname = cname.split("@")[0]
        if "_" in cname or "." in cname:  # sanitizeAndUniquify
            cname = cname.replace("_", "-").replace(".", "-") + "-" + suffix(5)
        ct: dict = {"name": cname, "image": image}
        if command:
            ct["command"] = list(command)
        ct["resources"] = {}
        containers.append(ct)
    if port >= 0 and containers:
        first = containers[0]
        ordered = {k: first[k] for k in ("name", "image", "command") if k in first}
        ordered["ports"] = [{"containerPort": port}]
        ordered["resources"] = {}
        containers[0] = ordered
    labels = {"app": name}
    meta: dict = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["creationTimestamp"] = None
    meta["labels"] = dict(labels)
    return {"kind": "Deployment", "apiVersion": "apps/v1", "metadata": meta,
            "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"creationTimestamp": None, "labels": dict(labels)},
                                  "spec": {"containers": containers}},
                     "strategy": {}},
            "status": {}}


def create_deployment(
    args: list[str] | None = Arg(None, help="NAME [-- COMMAND [args...]]"),
    image: list[str] | None = Opt(None, "--image", help="Image names to run. A deployment can have multiple images "
                                                        "set for multi-container pod."),
    port: int = Opt(-1, "--port", help="The containerPort that this deployment exposes."),
    replicas: int = Opt(1, "--replicas", "-r", help="Number of replicas to create. Default is 1."),
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = Opt(False, "--save-config", help="Store the last-applied configuration annotation."),
    field_manager: str = Opt("kubectl-create", "--field-manager", help="Name of the manager used to track field "
                                                                       "ownership."),
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a deployment with the specified name."""
    import json

    from minikctl.kube.errors import ClientError, StatusError
    from minikctl.printers import output as printer

    if not image:
        raise ClientError('required flag(s) "image" not set')
    images = [i for item in image for i in item.split(",")]  # a StringSlice flag
    args = list(args or [])
    after = c.args_after_dash()
    names = args if after is None else args[:len(args) - after]
    if len(names) != 1:  # NameFromCommandArgs: exactly one argument before --
        raise ClientError(f"exactly one NAME is required, got {len(names)}\n"
                          "See 'minikctl create deployment -h' for help and examples")
    name, command = args[0], args[1:]
    if len(images) > 1 and command:
        raise ClientError("cannot specify multiple --image options and command")
    mode = c.parse_dry_run(dry_run)
    printer.check_format(output)
    with c.session(store, tick, validate=validate) as cluster:
        api = cluster.api
        deploy = build_deployment(name, images, replicas, port, command, namespace, api.tx.name_suffix)
        if save_config:  # CreateOrUpdateAnnotation: the typed object, compact, in struct field order
            value = json.dumps(deploy, separators=(",", ":"), ensure_ascii=False)
            value = value.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"
            deploy["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": value}
        sent = json.loads(json.dumps(deploy))
        sent["metadata"]["namespace"] = c.namespace_of(namespace)
        sent["metadata"].pop("creationTimestamp", None)
        sent.pop("status", None)
        created = sent
        if mode != "client":  # a client dry run never reaches the server
            try:
                created = api.create(sent, dry_run=mode != "none")
            except StatusError as e:
                raise ClientError(f"failed to create deployment: {e.server_message()}") from None
    if mode == "client":
        shown = deploy
        if output == "json":
            from minikctl.printers import serialize

            c.out(serialize.to_json(deploy, typed=True))  # the typed object kubectl built: struct field order
            return
    else:
        shown = created
    if output and output != "name":
        c.out(printer.render([shown], output, now_ms=0, single=True))
    else:
        c.out(printer.ref(created) + ("" if output == "name" else " created" + c.dry_suffix(mode)) + "\n")

"""kubectl create job|cronjob: the objects kubectl 1.32 builds from flags (``pkg/cmd/create/create_job.go``,
``create_cronjob.go``).

``create job NAME --image=IMG [-- COMMAND...]``: one container named after the Job, ``restartPolicy: Never``.
``create job NAME --from=cronjob/CJ``: the CronJob's job template, the ``cronjob.kubernetes.io/instantiate:
manual`` annotation and an owner reference to the CronJob (controller, without blockOwnerDeletion).
``create cronjob NAME --image=IMG --schedule=CRON [--restart=OnFailure|Never] [-- COMMAND...]``: the job
template named after the CronJob. ``--dry-run=client -o yaml|json`` prints the object kubectl would send.
"""

from __future__ import annotations

import sys

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

SAVE_CONFIG = Opt(False, "--save-config", help="Store the object's configuration in its last-applied annotation.")
FIELD_MANAGER = Opt("kubectl-create", "--field-manager", help="Name of the manager used to track field ownership.")


def _name_and_command(args: list[str], verb: str) -> tuple[str, list[str]]:
    """NameFromCommandArgs: exactly one NAME before ``--`` (cobra's ArgsLenAtDash); what follows is the command."""
    from minikctl.kube.errors import ClientError

    argv = sys.argv[1:]
    after_dash = len(argv) - argv.index("--") - 1 if "--" in argv else 0
    before = len(args) - after_dash
    if before != 1:
        raise ClientError(f"exactly one NAME is required, got {before}\nSee 'minikctl create {verb} -h' for help and "
                          "examples")
    return args[0], args[1:]


# ObjectMeta's field order (the order kubectl's typed objects print their metadata in)
_META_ORDER = ("name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
               "labels", "annotations", "ownerReferences", "finalizers")


def _ordered_meta(meta: dict) -> dict:
    return {k: meta[k] for k in _META_ORDER if k in meta}


def _with_last_applied(obj: dict) -> dict:
    """util.CreateOrUpdateAnnotation (--save-config): the object's JSON without the annotation (struct field order,
    Go's HTML escaping, a trailing newline) becomes its last-applied-configuration annotation."""
    import json

    from minikctl.api.server import LAST_APPLIED

    meta = dict(obj["metadata"])
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k != LAST_APPLIED}
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    plain = {**obj, "metadata": _ordered_meta(meta)}
    text = json.dumps(plain, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    meta["annotations"] = {**annotations, LAST_APPLIED: text + "\n"}
    return {**obj, "metadata": _ordered_meta(meta)}


# genericclioptions.PrintFlags without a table printer: what create's -o accepts
PRINT_FORMATS = ("go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json", "jsonpath-file", "name",
                 "template", "templatefile", "yaml")


def _check_output(output: str | None) -> None:
    from minikctl.kube.errors import ClientError

    if output and output.partition("=")[0] not in PRINT_FORMATS:
        raise ClientError(f'unable to match a printer suitable for the output format "{output}", allowed formats '
                          f"are: {','.join(PRINT_FORMATS)}")


def _send(verb: str, obj: dict, namespace: str | None, output: str | None, mode: str, validate: str,
          store: str | None, tick: str | None, build=None) -> None:
    """Create the object (or not, for a client dry run) and print it as kubectl's create does."""
    from minikctl.kube.errors import ClientError, StatusError
    from minikctl.printers import output as printer

    _check_output(output)
    ns = c.namespace_of(namespace)
    with c.session(store, tick, validate=validate) as cluster:
        api = cluster.api
        if build is not None:
            obj = build(api, ns)
        if mode == "client":
            shown = obj
        else:
            sent = {**obj, "metadata": {**{k: v for k, v in obj["metadata"].items() if v is not None},
                                        "namespace": ns}}
            try:
                shown = api.create(sent, dry_run=mode == "server")
            except StatusError as e:
                raise ClientError(f"failed to create {verb}: {e.server_message()}") from None
        c.flush_warnings(api)
        if output == "json" and mode == "client":
            from minikctl.printers import serialize

            c.out(serialize.to_json(shown, typed=True))
        elif output and output != "name":
            c.out(printer.render([shown], output, now_ms=api.now_ms, single=True))
        else:
            c.out(c.result_line(shown, "created", output, mode) + "\n")


def create_job(
    args: list[str] | None = Arg(None, help="NAME [-- COMMAND] [args...]"),
    image: str | None = Opt(None, "--image", help="Image name to run."),
    from_: str | None = Opt(None, "--from", help="The name of the resource to create a Job from (only cronjob is "
                            "supported)."),
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = SAVE_CONFIG,
    field_manager: str = FIELD_MANAGER,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a job with the specified name."""
    from minikctl.kube.errors import ClientError

    name, command = _name_and_command(list(args or []), "job")
    mode = c.parse_dry_run(dry_run)
    if bool(image) == bool(from_):
        raise ClientError("either --image or --from must be specified")
    if command and from_:
        raise ClientError("cannot specify --from and command")
    enforce = namespace  # kubectl sets metadata.namespace only when -n was given
    if image:
        job = _job(name, image, command, enforce)
        if save_config:
            job = _with_last_applied(job)
        _send("job", job, namespace, output, mode, validate, store, tick)
        return

    def from_cronjob(api, ns: str) -> dict:
        from minikctl.cli.resource_args import from_args
        from minikctl.kube.errors import NotFound

        if "/" not in from_:
            raise ClientError("from must be an existing cronjob")
        req = from_args([from_])[0]
        obj = api.find(req.res, ns, req.names[0])
        if obj is None:
            raise NotFound(req.res.qualified, req.names[0])
        if req.res.kind != "CronJob":
            raise ClientError(f"unknown object type *{_go_type(req.res)}")
        job = job_from_cronjob(name, obj, enforce)
        return _with_last_applied(job) if save_config else job

    _send("job", {}, namespace, output, mode, validate, store, tick, build=from_cronjob)


def _go_type(res) -> str:
    """The Go type kubectl names in "unknown object type": ``v1.Deployment``."""
    return f"{res.version}.{res.kind}"


def _job(name: str, image: str, command: list[str], namespace: str | None) -> dict:
    """createJob: Kind, APIVersion, ObjectMeta{Name}, one container, restartPolicy Never (struct field order)."""
    container: dict = {"name": name, "image": image}
    if command:
        container["command"] = list(command)
    container["resources"] = {}
    meta: dict = {"name": name, **({"namespace": namespace} if namespace else {}), "creationTimestamp": None}
    return {"kind": "Job", "apiVersion": "batch/v1", "metadata": meta,
            "spec": {"template": {"metadata": {"creationTimestamp": None},
                                  "spec": {"containers": [container], "restartPolicy": "Never"}}},
            "status": {}}


def job_from_cronjob(name: str, cronjob: dict, namespace: str | None) -> dict:
    """createJobFromCronJob: the job template's spec, its labels, its annotations plus
    ``cronjob.kubernetes.io/instantiate: manual``, and a controller owner reference without blockOwnerDeletion."""
    import json

    template = (cronjob.get("spec") or {}).get("jobTemplate") or {}
    tmeta = template.get("metadata") or {}
    annotations = {"cronjob.kubernetes.io/instantiate": "manual", **(tmeta.get("annotations") or {})}
    cmeta = cronjob["metadata"]
    meta: dict = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["creationTimestamp"] = None
    if tmeta.get("labels"):
        meta["labels"] = dict(tmeta["labels"])
    meta["annotations"] = annotations
    meta["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": cmeta["name"],
                                "uid": cmeta.get("uid", ""), "controller": True}]
    return {"kind": "Job", "apiVersion": "batch/v1", "metadata": meta,
            "spec": json.loads(json.dumps(template.get("spec") or {})), "status": {}}


def create_cronjob(
    args: list[str] | None = Arg(None, help="NAME [-- COMMAND] [args...]"),
    image: str | None = Opt(None, "--image", help="Image name to run."),
    schedule: str | None = Opt(None, "--schedule", help="A schedule in the Cron format the job should be run with."),
    restart: str | None = Opt(None, "--restart", help="job's restart policy. supported values: OnFailure, Never"),
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = SAVE_CONFIG,
    field_manager: str = FIELD_MANAGER,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a cron job with the specified name."""
    from minikctl.kube.errors import ClientError

    missing = [f'"{flag}"' for flag, value in (("image", image), ("schedule", schedule)) if value is None]
    if missing:
        raise ClientError(f"required flag(s) {', '.join(missing)} not set")
    name, command = _name_and_command(list(args or []), "cronjob")
    mode = c.parse_dry_run(dry_run)
    container: dict = {"name": name, "image": image}
    if command:
        container["command"] = list(command)
    container["resources"] = {}
    meta: dict = {"name": name, **({"namespace": namespace} if namespace else {}), "creationTimestamp": None}
    cronjob = {"kind": "CronJob", "apiVersion": "batch/v1", "metadata": meta,
               "spec": {"schedule": schedule,
                        "jobTemplate": {"metadata": {"name": name, "creationTimestamp": None},
                                        "spec": {"template": {"metadata": {"creationTimestamp": None},
                                                              "spec": {"containers": [container],
                                                                       "restartPolicy": restart or "OnFailure"}}}}},
               "status": {}}
    if save_config:
        cronjob = _with_last_applied(cronjob)
    _send("cronjob", cronjob, namespace, output, mode, validate, store, tick)

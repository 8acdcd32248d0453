"""minikctl create: from files (-f), or one object of a kind from flags (the subcommands).

Each subcommand lives with its family (create_config.py: namespace, configmap, secret, serviceaccount; the
workload families add theirs); SUBCOMMANDS is the table kubectl's ``create`` knows them by, aliases included.
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli import create_apps, create_batch, create_config, create_service
from minikctl.cli.spec import Arg, Group, Opt


def create(
    args: list[str] | None = Arg(None, help="(none: the objects come from -f)"),
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    namespace: str | None = c.NAMESPACE,
    selector: str | None = c.SELECTOR,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = Opt(False, "--save-config", help="Store the last-applied configuration annotation."),
    edit: bool = Opt(False, "--edit", help="Edit the API resource before creating"),
    windows_line_endings: bool = Opt(False, "--windows-line-endings", help="Only relevant if --edit=true. Defaults "
                                                                           "to the line ending native to your "
                                                                           "platform."),
    record: bool = c.RECORD,
    kustomize: str | None = c.KUSTOMIZE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a resource from a file or from stdin."""
    from minikctl.cli.apply import _run
    from minikctl.cli.writes import create_one
    from minikctl.kube.errors import ClientError

    if args:  # CreateOptions.Complete: a word that names no subcommand (and what it may have meant)
        from minikctl.cli.suggest import in_group

        raise ClientError(in_group(f"Unexpected args: [{' '.join(args)}]", args[0], SUBCOMMANDS, "create"), plain=True)
    c.check_kustomize(kustomize, filename, recursive)

    if edit:  # RunEditOnCreate
        from minikctl.cli.edit import edit_before_create

        edit_before_create(filename, recursive, namespace, output, validate, save_config, windows_line_endings,
                           store, tick)
        return
    _run("create", filename, recursive, namespace, output, dry_run, validate, store, tick,
         lambda api, res, obj, source, mode: create_one(api, res, obj, source, mode, save_config),
         selector=selector)


# kubectl create's subcommands (kubectl/pkg/cmd/create/create.go: NewCmdCreate's AddCommand list), aliases too
SUBCOMMANDS = {
    "namespace": create_config.create_namespace,
    "ns": create_config.create_namespace,
    "deployment": create_apps.create_deployment,
    "deploy": create_apps.create_deployment,
    "job": create_batch.create_job,
    "cronjob": create_batch.create_cronjob,
    "cj": create_batch.create_cronjob,
    "secret": create_config.SECRET,
    "configmap": create_config.create_configmap,
    "cm": create_config.create_configmap,
    "serviceaccount": create_config.create_serviceaccount,
    "sa": create_config.create_serviceaccount,
    "service": create_service.SERVICE,
    "svc": create_service.SERVICE,
}

COMMANDS = {"create": Group("Create a resource from a file or from stdin.", SUBCOMMANDS, callback=create)}

"""kubectl create namespace|configmap|secret|serviceaccount: one object from flags."""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg


def create_namespace(
    name: str = Arg(..., help="Name of the namespace."),
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a namespace with the specified name."""
    mode = c.parse_dry_run(dry_run)
    if output and output != "name":  # a bad format is refused before anything is written
        from minikctl.printers.output import check_format

        check_format(output)
    with c.session(store, tick) as cluster:
        api = cluster.api
        ns = api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}},
                        dry_run=mode != "none")
    c.print_results([ns], [c.result_line(ns, "created", output, mode)], output)

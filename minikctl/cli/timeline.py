"""minikctl timeline POD: what happened to a pod over virtual time (a chart on a terminal, a table otherwise)."""

from __future__ import annotations

import sys

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt


def timeline(
    args: list[str] = Arg(..., help="POD, pod NAME or pod/NAME", complete="pod_names"),
    namespace: str | None = c.NAMESPACE,
    chart: bool | None = Opt(None, "--chart/--table", help="Draw the picture (default: on a terminal)."),
    svg: str | None = Opt(None, "--svg", help="Write the picture to this file as SVG (nothing is printed)."),
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Show a pod's phase, conditions and container states over virtual time."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import POD
    from minikctl.printers import timeline as tl
    from minikctl.kube.timefmt import parse_rfc3339
    from minikctl.store import history

    if len(args) == 2 and args[0] in ("pod", "pods", "po"):
        name = args[1]
    elif len(args) == 1:
        name = args[0].split("/", 1)[1] if "/" in args[0] else args[0]
    else:
        raise ClientError("expected 'timeline (POD | pod NAME | pod/NAME)'")
    with c.session(store, tick, read_only=True) as cluster:
        api = cluster.api
        pod = api.get(POD, c.namespace_of(namespace), name)
        entries = history.entries(api.tx.conn, pod["metadata"]["uid"])
        now = api.now_ms
        events = api.tx.events_for(pod["metadata"]["uid"]) if (svg or chart is not False) else []
    created = parse_rfc3339(pod["metadata"]["creationTimestamp"])
    if svg:
        try:
            tl.chart(name, entries, created, now, events, svg=svg)
        except OSError as e:
            raise ClientError(f"cannot write {svg}: {e.strerror or e}") from None
    elif chart if chart is not None else sys.stdout.isatty():
        tl.chart(name, entries, created, now, events)
    else:
        c.out(tl.plain(entries, created))


COMMANDS = {"timeline": timeline}

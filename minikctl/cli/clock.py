"""minikctl clock show | advance DURATION: read and move the store's virtual time."""

from __future__ import annotations


from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Group


def show(store: str | None = c.STORE) -> None:
    """Print the virtual time (RFC 3339). Reading the clock does not move it."""
    from minikctl.kube.timefmt import rfc3339

    with c.session(store, "0", advance=False) as cluster:
        api = cluster.api
        now = api.now_ms
    c.out(rfc3339(now) + "\n")


def advance(
    duration: str = Arg(..., help="How far to move, e.g. 30s, 5m, 1h30m."),
    store: str | None = c.STORE,
) -> None:
    """Move virtual time forward by DURATION, letting every pod live through it; prints the new time."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.timefmt import parse_go_duration, rfc3339

    raw = duration + "s" if duration.isdigit() else duration
    try:
        ms = parse_go_duration(raw)
    except ValueError as e:
        raise ClientError(str(e)) from None
    if ms < 0:
        raise ClientError(f'invalid duration "{duration}": the clock only moves forward')
    with c.session(store, "0") as cluster:
        api = cluster.api
        from minikctl.kube.timefmt import MAX_CLOCK_MS

        if api.now_ms + ms > MAX_CLOCK_MS:
            raise ClientError(f"the virtual clock cannot pass {rfc3339(MAX_CLOCK_MS)} (a Kubernetes time has a "
                              f"four-digit year): it is {rfc3339(api.now_ms)}, so it can move "
                              f"{(MAX_CLOCK_MS - api.now_ms) // 1000}s more at most")
        cluster.advance_to(api.now_ms + ms)
        now = api.now_ms
    c.out(rfc3339(now) + "\n")


COMMANDS = {"clock": Group("Read and move the virtual clock.", {"show": show, "advance": advance})}

"""minikctl clock show | advance DURATION: read and move the store's virtual time."""

from __future__ import annotations

from typing import Optional

import typer

from minikctl.cli import common as c

clock_app = typer.Typer(help="Read and move the virtual clock.", rich_markup_mode=None, no_args_is_help=True)


@clock_app.command("show")
def show(store: Optional[str] = c.STORE) -> None:
    """Print the virtual time (RFC 3339). Reading the clock does not move it."""
    from minikctl.printers.durations import rfc3339

    with c.session(store, "0", advance=False) as api:
        now = api.now_ms
    c.out(rfc3339(now) + "\n")


@clock_app.command("advance")
def advance(
    duration: str = typer.Argument(..., help="How far to move, e.g. 30s, 5m, 1h30m."),
    store: Optional[str] = c.STORE,
) -> None:
    """Move virtual time forward by DURATION, letting every pod live through it; prints the new time."""
    from minikctl.api.errors import ClientError
    from minikctl.printers.durations import parse_go_duration, rfc3339

    raw = duration + "s" if duration.isdigit() else duration
    try:
        ms = parse_go_duration(raw)
    except ValueError as e:
        raise ClientError(str(e)) from None
    if ms < 0:
        raise ClientError(f'invalid duration "{duration}": the clock only moves forward')
    with c.session(store, "0") as api:
        api.advance_to(api.now_ms + ms)
        now = api.now_ms
    c.out(rfc3339(now) + "\n")


def register(app: typer.Typer) -> None:
    app.add_typer(clock_app, name="clock")

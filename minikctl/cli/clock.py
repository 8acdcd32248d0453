"""minikctl clock show | advance DURATION: read and move the store's virtual time."""

from __future__ import annotations


import os

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Group


def show(store: str | None = c.STORE) -> None:
    """Print the virtual time (RFC 3339). Reading the clock does not move it."""
    from minikctl.kube.timefmt import rfc3339

    with c.session(store, "0", advance=False, read_only=True) as cluster:
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
    from minikctl.kube.timefmt import MAX_CLOCK_MS

    # a long advance is committed in steps of about STEP_S of work, each at a quiet instant, each its own
    # transaction: between two steps every command that waited for the store gets its turn
    from minikctl.cli.progress import Bar

    target = None
    done = False
    bar = None
    try:
        with c.stepping(store) as mark:
            while not done:
                with c.session(store, "0") as cluster:
                    api = cluster.api
                    if target is None:
                        if api.now_ms + ms > MAX_CLOCK_MS:
                            raise ClientError(f"the virtual clock cannot pass {rfc3339(MAX_CLOCK_MS)} (a Kubernetes "
                                              f"time has a four-digit year): it is {rfc3339(api.now_ms)}, so it can "
                                              f"move {(MAX_CLOCK_MS - api.now_ms) // 1000}s more at most")
                        target = api.now_ms + ms
                        bar = Bar(api.now_ms, target, "clock advance")
                    done = cluster.advance_to(max(target, api.now_ms), wall_budget_s=STEP_S)
                    now = api.now_ms
                mark()
                bar.update(now)
    finally:
        if bar is not None:
            bar.close()
    c.out(rfc3339(now) + "\n")


STEP_S = 0.25  # wall time of one committed step of a clock advance


def run(
    speed: str | None = c.SPEED,
    store: str | None = c.STORE,
) -> None:
    """Let the cluster live in real time (× --speed) until Ctrl-C; prints the time reached when it stops.

    Virtual time follows the wall clock in short committed steps: other commands run meanwhile and see the cluster
    move (pods start, crash, restart) as a real one would. Nothing is printed while it runs."""
    from minikctl.kube.timefmt import MAX_CLOCK_MS, rfc3339

    pace = c.speed_of(speed or "1") if (speed or os.environ.get("MINIKCTL_SPEED")) else 1.0
    try:
        with c.session(store, "0", stream=True, speed=str(pace), own_interrupt=True) as cluster:
            cluster.run_until(lambda: False, MAX_CLOCK_MS, to_deadline=False)
    except KeyboardInterrupt:
        pass  # the step under way is undone; every committed one stays
    with c.session(store, "0", advance=False, read_only=True) as cluster:
        now = cluster.api.now_ms
    c.out(rfc3339(now) + "\n")


COMMANDS = {"clock": Group("Read and move the virtual clock.", {"show": show, "advance": advance, "run": run})}

"""The root command and the one error boundary: every failure becomes kubectl's text on stderr and exit code 1."""

from __future__ import annotations

import gc
import os
import sys
from typing import Optional

import typer

from minikctl.cli import apply as apply_cmd
from minikctl.cli import clock as clock_cmd
from minikctl.cli import delete as delete_cmd
from minikctl.cli import describe as describe_cmd
from minikctl.cli import edit as edit_cmd
from minikctl.cli import exec as exec_cmd
from minikctl.cli import get as get_cmd
from minikctl.cli import logs as logs_cmd
from minikctl.cli import patch as patch_cmd
from minikctl.cli import timeline as timeline_cmd
from minikctl.cli import version as version_cmd
from minikctl.cli import wait as wait_cmd
from minikctl.cli.common import STORE, TICK, set_globals

app = typer.Typer(
    name="minikctl",
    help="minikctl controls simulated Kubernetes Pods in a local store, the way kubectl controls a cluster.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def root(store: Optional[str] = STORE, tick: Optional[str] = TICK) -> None:
    """minikctl controls simulated Kubernetes Pods in a local store, the way kubectl controls a cluster."""
    set_globals(store, tick)


apply_cmd.register(app)
get_cmd.register(app)
describe_cmd.register(app)
delete_cmd.register(app)
patch_cmd.register(app)
edit_cmd.register(app)
wait_cmd.register(app)
logs_cmd.register(app)
exec_cmd.register(app)
timeline_cmd.register(app)
clock_cmd.register(app)
version_cmd.register(app)


def _command_path(args: list[str]) -> str:
    for a in args:
        if not a.startswith("-"):
            return a
    return ""


def _bool_flags(command) -> dict[str, str]:
    """Every boolean flag of the command tree: '--wait' -> its off switch ('--no-wait', or '' when off is the default)."""
    flags: dict[str, str] = {}
    for param in getattr(command, "params", []):
        if getattr(param, "is_bool_flag", False):
            off = param.secondary_opts[0] if param.secondary_opts else ""
            for opt in param.opts:
                flags[opt] = off
    for sub in getattr(command, "commands", {}).values():
        flags.update(_bool_flags(sub))
    return flags


def kubectl_bools(args: list[str], command) -> list[str]:
    """kubectl spells booleans `--wait=false`; click wants `--wait` / `--no-wait`. Rewrite them."""
    if not any("=" in a for a in args):
        return args
    flags = _bool_flags(command)
    out = []
    for a in args:
        name, eq, value = a.partition("=")
        if eq and name in flags and value.lower() in ("true", "false"):
            if value.lower() == "true":
                out.append(name)
            elif flags[name]:
                out.append(flags[name])
            continue
        out.append(a)
    return out


def main(argv: Optional[list[str]] = None) -> int:
    """Run minikctl; returns the exit code (0 ok, 1 any error, as kubectl)."""
    from typer._click import exceptions as cx

    from minikctl.api.errors import MinikctlError

    args = sys.argv[1:] if argv is None else list(argv)
    # A command is short-lived and decodes many small objects: with the default thresholds the cyclic GC
    # rescans them over and over (get pods on 10,000 pods: 1.5 s of json.loads instead of 0.7 s).
    gc.set_threshold(100_000, 1_000, 1_000)
    if "_MINIKCTL_COMPLETE" in os.environ:
        # shell completion (scripts and TAB requests) goes through typer's own protocol
        from typer.completion import completion_init

        completion_init()
    command = typer.main.get_command(app)
    args = kubectl_bools(args, command)
    try:
        rv = command.main(args, prog_name="minikctl", standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except cx.NoArgsIsHelpError as e:
        sys.stdout.write(e.ctx.get_help() + "\n")
        return 0
    except cx.NoSuchOption as e:
        cmd = _command_path(args)
        sys.stderr.write(f"error: unknown flag: {e.option_name}\nSee 'minikctl {cmd} --help' for usage.\n")
        return 1
    except cx.UsageError as e:
        cmd = _command_path(args)
        msg = e.format_message()
        sys.stderr.write(f"error: {msg}\nSee 'minikctl {cmd} -h' for help and examples\n".replace("minikctl  -h", "minikctl -h"))
        return 1
    except typer.Abort:
        return 1
    except MinikctlError as e:
        sys.stdout.flush()
        sys.stderr.write(e.render() + "\n")
        return 1
    except KeyboardInterrupt:
        return 1
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's flush at exit
        except OSError:
            pass
        return 1
    except typer.Exit as e:
        return e.exit_code
    except Exception as e:  # noqa: BLE001 - the last line of defence: a message, never a traceback
        if os.environ.get("MINIKCTL_DEBUG"):
            raise
        sys.stderr.write(f"error: internal error: {type(e).__name__}: {e} (MINIKCTL_DEBUG=1 shows the traceback; "
                         "the store was left unchanged)\n")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())

"""The root command and the one error boundary: every failure becomes kubectl's text on stderr and exit code 1."""

from __future__ import annotations

import gc
import os
import sys
from typing import Optional

import typer

from minikctl.cli.common import STORE, TICK, set_globals

# Each verb module registers its commands; a command line pays only for the module it uses (typer's
# command building costs ~2 ms per command, so building all of them on every run would cost ~30 ms).
VERB_MODULES = ("apply", "get", "describe", "delete", "patch", "edit", "wait", "logs", "exec", "timeline", "clock",
                "version")
COMMANDS = {"apply": "apply", "create": "apply", "replace": "apply", "get": "get", "describe": "describe",
            "delete": "delete", "patch": "patch", "label": "patch", "annotate": "patch", "edit": "edit",
            "wait": "wait", "logs": "logs", "exec": "exec", "timeline": "timeline", "clock": "clock",
            "version": "version"}
ROOT_VALUE_OPTIONS = ("--store", "--tick")


def root(store: Optional[str] = STORE, tick: Optional[str] = TICK) -> None:
    """minikctl controls simulated Kubernetes Pods in a local store, the way kubectl controls a cluster."""
    set_globals(store, tick)


def build_app(only: Optional[str] = None) -> typer.Typer:
    """The CLI; with ``only``, just the module that serves that command (the others are never imported)."""
    import importlib

    app = typer.Typer(
        name="minikctl",
        help="minikctl controls simulated Kubernetes Pods in a local store, the way kubectl controls a cluster.",
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        add_completion=False,
        no_args_is_help=True,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    for name in [COMMANDS[only]] if only in COMMANDS else VERB_MODULES:
        importlib.import_module(f"minikctl.cli.{name}").register(app)
    return app


def _subcommand(args: list[str]) -> Optional[str]:
    """The command word of a command line (skipping the root options), or None."""
    i = 0
    while i < len(args):
        a = args[i]
        if a in ROOT_VALUE_OPTIONS:
            i += 2
        elif a.startswith(tuple(o + "=" for o in ROOT_VALUE_OPTIONS)):
            i += 1
        else:
            return None if a.startswith("-") else a
    return None


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
    completing = "_MINIKCTL_COMPLETE" in os.environ
    command = typer.main.get_command(build_app(None if completing else _subcommand(args)))
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
        if msg.startswith("No such command"):
            sys.stderr.write(f'error: unknown command "{cmd}" for "minikctl"\nRun \'minikctl --help\' for usage.\n')
            return 1
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

"""The root command and the one error boundary: every failure becomes kubectl's text on stderr and exit code 1."""

from __future__ import annotations

import gc
import os
import sys

from minikctl.cli.commands import COMMANDS, lookup
from minikctl.cli.common import LOCK_TIMEOUT, STORE, TICK, set_command_line, set_globals

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~4 ms a command)
if TYPE_CHECKING:
    from typing import Any, Callable

ROOT_VALUE_OPTIONS = ("--store", "--tick", "--lock-timeout")
HELP = "minikctl controls simulated Kubernetes Pods in a local store, the way kubectl controls a cluster."


def root(store: str | None = STORE, tick: str | None = TICK, lock_timeout: str | None = LOCK_TIMEOUT) -> None:
    """minikctl controls simulated Kubernetes Pods in a local store, the way kubectl controls a cluster."""
    set_globals(store, tick, lock_timeout=lock_timeout)


def _typer_function(func: Callable, group: bool = False, call: Callable | None = None) -> Callable:
    """`func` as typer wants it: the same signature with typer's Option/Argument objects as defaults.

    A group's callback also takes typer's context and does nothing when a subcommand was named. With ``call``
    (tests), ``call(func)`` receives the arguments instead of ``func``.
    """
    import functools
    import inspect

    import typer

    from minikctl.cli.spec import Arg, Opt

    target = call(func) if call else func
    sig = inspect.signature(func)
    # a group's callback takes no positional arguments in click (they would swallow the subcommand's name):
    # typer hands it None for them, and the words no subcommand knows are judged in _run_typer
    dropped = [p.name for p in sig.parameters.values() if group and isinstance(p.default, Arg)]
    ps = [p.replace(default=p.default.to_typer()) if isinstance(p.default, (Opt, Arg)) else p
          for p in sig.parameters.values() if p.name not in dropped]
    if group:
        def wrapper(ctx: typer.Context, **kwargs: Any) -> Any:
            return None if ctx.invoked_subcommand else target(**kwargs, **dict.fromkeys(dropped))

        ps.insert(0, inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context))
    else:
        def wrapper(**kwargs: Any) -> Any:
            return target(**kwargs)

    functools.update_wrapper(wrapper, func)
    wrapper.__signature__ = sig.replace(parameters=ps)  # type: ignore[attr-defined]
    return wrapper


def examples(path: str) -> str | None:
    """The Examples: section kubectl 1.32's `--help` prints for a command (`rollout status`), as minikctl's."""
    import json

    from minikctl.cli.spec import Group

    words = path.split()
    node = lookup(words[0]) if words else None
    for i in range(1, len(words)):  # an alias (create deploy) shows its command's examples
        if not isinstance(node, Group) or words[i] not in node.commands:
            break
        decl = node.commands[words[i]]
        words[i] = next(w for w, d in node.commands.items() if d is decl)
        node = decl
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "help_examples.json")
    try:
        with open(here, encoding="utf-8") as fh:
            return json.load(fh).get(" ".join(words))
    except OSError:
        return None


def _help_classes():
    """typer's command and group classes with kubectl's Examples: section after the description."""
    from typer.core import TyperCommand, TyperGroup

    def format_help_text(self, ctx, formatter):
        super(type(self), self).format_help_text(ctx, formatter)
        text = examples(" ".join(ctx.command_path.split()[1:]))
        if text:
            formatter.write_paragraph()
            formatter.write("Examples:\n" + text)

    command = type("Command", (TyperCommand,), {"format_help_text": format_help_text})
    group = type("Group", (TyperGroup,), {"format_help_text": format_help_text})
    return command, group


def build_app(only: str | None = None, call: Callable | None = None):
    """The typer app; with ``only``, just that command (the others are never imported)."""
    import typer

    from minikctl.cli.spec import Group

    command_cls, group_cls = _help_classes()

    app = typer.Typer(
        name="minikctl",
        help=HELP,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        add_completion=False,
        no_args_is_help=True,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_typer_function(root, call=call))

    def group(node: Group):
        sub = typer.Typer(help=node.help, rich_markup_mode=None, no_args_is_help=node.callback is None, cls=group_cls)
        if node.callback:
            sub.callback(invoke_without_command=True)(_typer_function(node.callback, group=True, call=call))
        for name, func in node.commands.items():
            if isinstance(func, Group):
                sub.add_typer(group(func), name=name)
            else:
                sub.command(name, cls=command_cls)(_typer_function(func, call=call))
        return sub

    for word in [only] if only in COMMANDS else COMMANDS:
        node = lookup(word)
        if isinstance(node, Group):
            app.add_typer(group(node), name=word)
        else:
            app.command(word, cls=command_cls)(_typer_function(node, call=call))
    return app


def _subcommand(args: list[str]) -> str | None:
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


def kubectl_args(args: list[str]) -> list[str]:
    """The command line with kubectl's spellings (`--wait=false`, `-o=json`) turned into click's."""
    from minikctl.cli.argv import kubectl_spellings, option_table
    from minikctl.cli.spec import Group, params

    node = lookup(_subcommand(args) or "")
    funcs = [root]
    groups = [node] if node is not None else []
    while groups:
        node = groups.pop()
        if isinstance(node, Group):
            funcs += [node.callback] if node.callback else []
            groups += list(node.commands.values())
        else:
            funcs.append(node)
    return kubectl_spellings(args, option_table([p for f in funcs for p in params(f)]))


def _option_table(args: list[str]) -> dict:
    """Every option of the root and of the command this line names (its groups' callbacks too)."""
    from minikctl.cli.argv import option_table
    from minikctl.cli.spec import Group, params

    node = lookup(_subcommand(args) or "")
    funcs = [root]
    words = iter(a for a in args[args.index(_subcommand(args)) + 1:] if not a.startswith("-")) if node else iter(())
    while isinstance(node, Group):
        funcs += [node.callback] if node.callback else []
        node = node.commands.get(next(words, None))
    if node is not None:
        funcs.append(node)
    return option_table([p for f in funcs for p in params(f)])


def _record_flag(args: list[str]) -> None:
    """pflag's notice for a deprecated flag, once each time it is given, as the line is parsed (RecordFlags
    marks --record deprecated: "--record will be removed in the future")."""
    from minikctl.cli.common import RECORD_DEPRECATED

    word = _subcommand(args)
    if word is None:
        return
    given = 0
    for a in args:
        if a == "--":
            break
        given += a == "--record" or a.startswith("--record=")
    if given and "--record" in (_verb_options(word, args[args.index(word) + 1:]) or set()):
        sys.stderr.write((RECORD_DEPRECATED + "\n") * given)


def _verb_options(word: str, rest: list[str]) -> set[str] | None:
    """The option names the command ``word`` (its subcommand's, for a group) declares; None: not a command."""
    from minikctl.cli.spec import Group, params

    node = lookup(word)
    if node is None:
        return None
    funcs = []
    words = iter(a for a in rest if not a.startswith("-"))
    while isinstance(node, Group):  # create secret generic: groups within groups
        funcs += [node.callback] if node.callback else []
        node = node.commands.get(next(words, None))
    if node is not None:
        funcs.append(node)
    return {name for f in funcs for p in params(f) for name in (*p.on, *p.off)}


def _run_typer(args: list[str], only: str | None) -> Any:
    """Let typer read the command line: help, completion, and every usage error in kubectl's words."""
    import typer
    from typer._click import exceptions as cx

    command = typer.main.get_command(build_app(only))
    try:
        return command.main(args, prog_name="minikctl", standalone_mode=False)
    except cx.NoArgsIsHelpError as e:
        sys.stdout.write(e.ctx.get_help() + "\n")
        return 0
    except cx.NoSuchOption as e:
        # cobra's own error (kubectl 1.32 prints it with a capital E), with the command's full path
        cmd = " ".join(e.ctx.command_path.split()[1:]) if e.ctx is not None else _command_path(args)
        if cmd == "diff":  # diff.go SetFlagErrorFunc: a usage error through CheckDiffErr (exit 2; 1 means changes)
            sys.stderr.write(f"error: unknown flag: {e.option_name}\nSee 'minikctl diff -h' for help and examples\n")
            return 2
        sys.stderr.write(f"Error: unknown flag: {e.option_name}\nSee 'minikctl {cmd} --help' for usage.\n")
        return 1
    except cx.UsageError as e:
        cmd = _command_path(args)
        msg = e.format_message()
        if msg.startswith("No such command"):
            found = _group_arguments(args)
            if found is not None:
                return _callback_judges(found)
            sys.stderr.write(_unknown_command(args) + "\n")
            return 1
        sys.stderr.write(f"error: {msg}\nSee 'minikctl {cmd} -h' for help and examples\n".replace("minikctl  -h", "minikctl -h"))
        return 1
    except typer.Abort:
        return 1
    except typer.Exit as e:
        return e.exit_code


def _unknown_command(args: list[str]) -> str:
    """kubectl's words for a command word nothing declares, with cobra's suggestions.

    At the root, cobra's own error as kubectl 1.32 prints it (`Error: unknown command "gte" for "kubectl"`, then
    "Did you mean this?" and the close names); below a group, cmdutil.DefaultSubCommandRun's."""
    from minikctl.cli import suggest
    from minikctl.cli.spec import Group
    from minikctl.kube import gofmt

    words = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ROOT_VALUE_OPTIONS:
            i += 2
            continue
        if a == "--":
            break
        if not a.startswith("-"):
            words.append(a)
        i += 1
    if not words:
        return 'Error: unknown command "" for "minikctl"'
    node = lookup(words[0])
    if node is None:
        return (f'Error: unknown command {gofmt.quote(words[0])} for "minikctl"'
                + suggest.block(words[0], suggest.root_names(COMMANDS)))
    depth = 1
    while isinstance(node, Group) and depth < len(words) and words[depth] in node.commands:
        node = node.commands[words[depth]]
        depth += 1
    if not isinstance(node, Group) or depth >= len(words):
        return f'Error: unknown command {gofmt.quote(words[0])} for "minikctl"'
    return suggest.in_group(f"unknown command {gofmt.quote(' '.join(words[depth:]))}", words[depth], node.commands,
                            " ".join(words[:depth]))


def _group_arguments(args: list[str]):
    """For a word that names no subcommand of a group whose callback takes arguments (``create foo``): the
    callback and the words from that one on; None otherwise."""
    from minikctl.cli.spec import Group, params

    node = lookup(_subcommand(args) or "")
    words = [a for a in args if not a.startswith("-")]
    depth = 1
    while isinstance(node, Group) and depth < len(words):
        if words[depth] in node.commands:
            node = node.commands[words[depth]]
            depth += 1
            continue
        if node.callback is None or not any(p.kind == "args" for p in params(node.callback)):
            return None
        return node.callback, args[args.index(words[depth]):], " ".join(words[:depth])
    return None


def _callback_judges(found) -> int:
    """cobra's order for a command given arguments it has no subcommand for: its flags first (an unknown one is
    cobra's error), then the command itself judges the arguments (kubectl create: ``Unexpected args``)."""
    from minikctl.cli.argv import option_table
    from minikctl.cli.spec import params

    callback, rest, path = found
    known = option_table(params(callback))
    for a in rest:
        if a == "--":
            break
        name = a.partition("=")[0] if a.startswith("--") else a[:2]
        if a.startswith("-") and a != "-" and name not in known and name not in ("-h", "--help"):
            sys.stderr.write(f"Error: unknown flag: {name}\nSee 'minikctl {path} --help' for usage.\n")
            return 1
    from minikctl.cli.argv import _read, _Unsure

    values = {p.name: p.default for p in params(callback)}
    try:
        given, pos = _read(params(callback), rest, interspersed=True)
        values.update(given)
    except _Unsure:  # a flag typer should judge: the arguments are the callback's all the same
        pos = [a for a in rest if not a.startswith("-")]
    values["args"] = pos
    rv = callback(**values)
    return rv if isinstance(rv, int) else 0


# Deeply nested documents (up to manifests.MAX_DEPTH levels, as a patch or a file) recurse through copying,
# merging and encoding: each command runs on a thread with room for that, never into a RecursionError.
_RECURSION_LIMIT = 30_000
MAIN_THREAD_COMMANDS = ("serve", "port-forward")  # long-running servers stay on the main thread (signals, KeyboardInterrupt)
_STACK_BYTES = 512 * 1024 * 1024  # address space reserved for the thread's stack, not memory used


INTERACTIVE_COMMANDS = ("exec", "attach", "run", "debug")


def _on_terminal(args: list[str]) -> bool:
    """An interactive session on a terminal (``exec -it``): it reads lines with Python's ``input`` (line editing),
    and Ctrl-C at its prompt drops the line as a shell does: both are the main thread's."""
    if _subcommand(args) not in INTERACTIVE_COMMANDS:
        return False
    from minikctl.cli.interactive import stdin_is_terminal

    if not stdin_is_terminal():
        return False
    for a in args:
        if a == "--":
            break
        if a in ("--stdin", "--stdin=true") or (a[:1] == "-" and a[1:2] != "-" and "i" in a[1:]):
            return True
    return False


def _closed_streams() -> None:
    """A command started with its stdout or stderr closed (``minikctl get pods >&-``): Python has no stream there
    (None). kubectl writes to the closed descriptor, the writes fail, it ignores them and exits 0; here they go to
    /dev/null, which comes to the same."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))


def _clean_arg(arg: str) -> str:
    """A command-line argument as Go sees it: bytes that are not UTF-8 (Python's surrogate escapes) read as
    U+FFFD, so nothing downstream meets an unencodable string."""
    if arg.isascii():
        return arg
    try:
        return arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte (a caller's string)
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in arg)


def main(argv: list[str] | None = None) -> int:
    """Run minikctl; returns the exit code (0 ok, 1 any error, as kubectl)."""
    import threading

    _closed_streams()

    args = [_clean_arg(a) for a in (sys.argv[1:] if argv is None else list(argv))]
    result: list[int] = [1]

    finished = threading.Event()  # Thread.join interrupted by Ctrl-C can take a live thread for ended (3.11)

    def body() -> None:
        try:
            result[0] = _main(args)
        except SystemExit as e:  # typer's completion and help end with sys.exit, here on the worker thread
            code = e.code
            result[0] = code if isinstance(code, int) else (0 if code is None else 1)
        finally:
            finished.set()

    main_thread = _subcommand(args) in MAIN_THREAD_COMMANDS or _on_terminal(args)
    _notify_interrupt(main_thread)
    if main_thread:
        body()  # it installs signal handlers and waits for Ctrl-C: the main thread's business
        return result[0]
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
    try:
        old_size = threading.stack_size(_STACK_BYTES)
    except (ValueError, RuntimeError):  # a platform without settable thread stacks: run here
        body()
        return result[0]
    try:
        worker = threading.Thread(target=body, name="minikctl", daemon=True)
        worker.start()
    except RuntimeError:  # no thread could be started (a tight ulimit): run here, with the default stack
        threading.stack_size(old_size)
        body()
        sys.setrecursionlimit(old_limit)
        return result[0]
    finally:
        threading.stack_size(old_size)
    try:
        worker.join()
    except KeyboardInterrupt:
        code = _interrupted(finished)
        return result[0] if code is None else code
    finally:
        sys.setrecursionlimit(old_limit)
    return result[0]


def _notify_interrupt(main_thread: bool) -> None:
    """A minikctl started with SIGINT ignored (a job started by a non-interactive shell with ``&``; ``nohup``-like
    wrappers): Python then installs no KeyboardInterrupt handler and the signal stays ignored, which is Go's default
    too, so kubectl's plain verbs ignore it as well. But a kubectl verb that waits for Ctrl-C calls Go's
    ``signal.Notify`` (kubectl/pkg/util/interrupt ``Handler.Run``: get -w, rollout status; port-forward's own
    ``signal.Notify``), and "if the program was started with SIGHUP or SIGINT ignored, and Notify is called for
    either signal, a signal handler will be installed for that signal and it will no longer be ignored" (Go's
    os/signal package documentation). So: the servers on the main thread (port-forward, serve) get Python's handler
    back; for the others a handler that raises KeyboardInterrupt only while a verb kubectl runs under its interrupt
    handler streams (``common.STREAMING``: not ``by_signal``), and otherwise leaves the signal without effect."""
    import signal

    try:
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            return
        if main_thread:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            return

        def notified(signum, frame) -> None:
            from minikctl.cli import common

            if common.STREAMING["on"] and not common.STREAMING["by_signal"]:
                raise KeyboardInterrupt

        signal.signal(signal.SIGINT, notified)
    except (ValueError, OSError):  # not the main thread (minikctl called as a library): nothing to restore
        pass


def _interrupted(finished) -> int | None:
    """Ctrl-C. A command that does not stream dies with its transaction: nothing half-written is kept. One that
    streams stops at its next step (the step under way is undone, every step shown is committed), silently, and
    ends as kubectl would: exit code 1 where kubectl runs the verb under kubectl/pkg/util/interrupt (its handler
    with no final function calls os.Exit(1): get -w, rollout status), else killed by the signal (Go's default for
    SIGINT: logs -f, wait, delete --wait; a shell reports 130)."""
    from minikctl.cli import common

    if not common.STREAMING["on"]:
        return 1
    by_signal, own = common.STREAMING["by_signal"], common.STREAMING["own"]
    common._interrupted().set()
    try:
        finished.wait(5.0)
    except KeyboardInterrupt:
        pass
    if own and finished.is_set():
        return None  # the verb ended on its own terms (clock run: Ctrl-C is how it stops)
    if by_signal:
        import signal

        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        return 130
    return 1


# A command is short-lived and decodes many small objects: with the default thresholds the cyclic GC
# rescans them over and over (get pods on 10,000 pods: 1.5 s of json.loads instead of 0.7 s).
GC_THRESHOLDS = (100_000, 1_000, 1_000)


def _main(args: list[str]) -> int:
    from minikctl.kube.errors import MinikctlError
    from minikctl.cli.argv import parse

    set_command_line(args)
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        if args and args[0] in ("__complete", "__completeNoDesc"):
            # a TAB press: cobra's protocol, which kubectl's completion scripts speak
            from minikctl.cli import completion

            rv = completion.run(args)
        else:
            from minikctl.cli import common
            from minikctl.cli import globals as kubectl_globals

            # what one command line sets for its own run only (main may run several in one process)
            common._global.update(request_timeout=None, change_cause=None)
            args, taken, ignored = kubectl_globals.extract(args, _verb_options)
            if ignored:
                sys.stderr.write(kubectl_globals.warning(ignored) + "\n")
            if "namespace" in taken:
                set_globals(None, None, namespace=taken["namespace"])
            if "request_timeout" in taken:
                set_globals(None, None, request_timeout=taken["request_timeout"])
            raw = args
            _record_flag(args)
            args = kubectl_args(args)
            calls = parse(args, root, lookup)
            if calls is None:
                rv = _run_typer(args, _subcommand(args))
            else:
                if calls[-1][1].get("record") is True:
                    from minikctl.cli.argv import change_cause

                    set_globals(None, None, change_cause=change_cause("minikctl", raw, _option_table(raw)))
                for func, kwargs in calls:
                    rv = func(**kwargs)
        return rv if isinstance(rv, int) else 0
    except MinikctlError as e:
        sys.stdout.flush()
        sys.stderr.write(e.render() + "\n")
        return 1
    except KeyboardInterrupt:
        if os.environ.get("MINIKCTL_DEBUG"):
            raise
        return 1
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's flush at exit
        except OSError:
            pass
        return 1
    except Exception as e:  # noqa: BLE001 - the last line of defence: a message, never a traceback
        if os.environ.get("MINIKCTL_DEBUG"):
            raise
        known = _known_failure(e)
        sys.stdout.flush()
        if known is not None:
            sys.stderr.write(known.render() + "\n")
            return 1
        sys.stderr.write(f"error: internal error: {type(e).__name__}: {e} (MINIKCTL_DEBUG=1 shows the traceback; "
                         "the store was left unchanged)\n")
        return 1


def _known_failure(e: BaseException):
    """Failures of the machine rather than of minikctl, in words that say what happened and what to do."""
    import sqlite3

    from minikctl.kube.errors import ClientError

    if isinstance(e, sqlite3.Error):
        from minikctl.cli.common import _global
        from minikctl.store.db import store_error, store_path

        return store_error(store_path(_global["store"]), e)
    if isinstance(e, MemoryError):
        return ClientError("out of memory: the command needed more memory than this machine gave it; the store was "
                           "left unchanged")
    if isinstance(e, RecursionError):
        return ClientError("the input is nested too deeply to be processed; the store was left unchanged")
    # anything else: a damaged store (a corrupt page no query had touched, a row that is not what minikctl wrote)
    # is the likelier cause than a bug when SQLite's own check finds the store unsound
    from minikctl.store.damage import damaged
    from minikctl.store.db import OPENED, integrity_problem

    for path in dict.fromkeys(OPENED):
        problem = integrity_problem(path)
        if problem:
            return damaged(path, problem)
    return None


def run() -> None:
    """The process's entry point (the ``minikctl`` script, ``python -m minikctl``): ``main()``, then the process
    ends at once. The store is closed and committed by then and nothing else is left to do, so the interpreter's
    own shutdown (tearing down every imported module one object at a time, ~10 ms of a 100 ms command) is skipped;
    the output is flushed first. A thread that is still running (not a daemon), or output that cannot be
    flushed (a closed pipe), ends the normal way instead, which handles both."""
    code = main()
    import threading

    main_thread = threading.main_thread()
    if any(t is not main_thread and not t.daemon and t.is_alive() for t in threading.enumerate()):
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001 - the interpreter's exit reports it as it always did
        raise SystemExit(code) from None
    os._exit(code & 0xFF if isinstance(code, int) else 1)


if __name__ == "__main__":
    run()

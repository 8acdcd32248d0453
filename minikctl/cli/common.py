"""Shared pieces of the verbs: options every command takes, the command session, output helpers."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from minikctl.cli.spec import Opt

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~4 ms a command)
if TYPE_CHECKING:
    from typing import Callable, Iterator

    from minikctl.api.server import Api
    from minikctl.cluster import Cluster

# Options shared by the verbs (declared once; each verb lists the ones it takes).
NAMESPACE = Opt(None, "--namespace", "-n", help="The namespace scope for this request.")
ALL_NAMESPACES = Opt(False, "--all-namespaces", "-A", help="List across all namespaces.")
STORE = Opt(None, "--store", envvar="MINIKCTL_STORE", help="Path of the store file (default $MINIKCTL_HOME/store.db).")
TICK = Opt(None, "--tick", help="Virtual time each command advances first (default 1s, MINIKCTL_TICK; 0 freezes).")
OUTPUT = Opt(None, "--output", "-o", help="Output format: json|yaml|name|wide|jsonpath=...|custom-columns=...")
FILENAME = Opt(None, "--filename", "-f", help="Files, directories or - for stdin.")
RECURSIVE = Opt(False, "--recursive", "-R", help="Process the directory used in -f recursively.")
KUSTOMIZE = Opt(None, "--kustomize", "-k", help="Process a kustomization directory (not supported: minikctl has no "
                                                "kustomize; build it and pass the result with -f -).")
ALL = Opt(False, "--all", help="Select all resources of the type in the namespace.")
SELECTOR = Opt(None, "--selector", "-l", help="Label selector (e.g. -l key1=value1,key2=value2).")
FIELD_SELECTOR = Opt(None, "--field-selector", help="Field selector (e.g. --field-selector status.phase=Running).")
DRY_RUN = Opt(None, "--dry-run", help='Must be "none", "server", or "client".')
# genericclioptions.RecordFlags: deprecated (pflag prints RECORD_DEPRECATED when it is given, see app._main)
RECORD = Opt(False, "--record", help="Deprecated: record the command line in the kubernetes.io/change-cause "
                                     "annotation of the resource.")
RECORD_DEPRECATED = "Flag --record has been deprecated, --record will be removed in the future"
CHANGE_CAUSE = "kubernetes.io/change-cause"
VALIDATE = Opt("strict", "--validate", help="strict (or true), warn, ignore (or false).")

SPEED = Opt(None, "--speed", envvar="MINIKCTL_SPEED",
            help="While waiting, virtual seconds per wall second (default: 1 on a terminal, else time jumps from one "
                 "event to the next; given, it paces piped output too).")

LOCK_TIMEOUT = Opt(None, "--lock-timeout", envvar="MINIKCTL_LOCK_TIMEOUT",
                   help="How long to wait for another command that holds the store (default 120s; 0: do not wait).")

_global: dict[str, str | None] = {"store": None, "tick": None, "namespace": None, "lock_timeout": None,
                                  "request_timeout": None, "change_cause": None}
_command_line: list[str] = []


def set_command_line(args: list[str]) -> None:
    """The command line as typed (for what only its raw form tells, like where ``--`` was)."""
    _command_line[:] = args


def record(obj: dict) -> dict:
    """ChangeCauseRecorder.Record: with --record, the command line goes into the object's change-cause
    annotation (``obj`` is changed and returned); without it, nothing happens."""
    cause = _global.get("change_cause")
    if cause is not None and isinstance(obj, dict):
        meta = obj.setdefault("metadata", {})
        annotations = meta.get("annotations")
        meta["annotations"] = {**(annotations if isinstance(annotations, dict) else {}), CHANGE_CAUSE: cause}
    return obj


def args_after_dash() -> int | None:
    """How many arguments follow ``--`` on the command line (cobra's ArgsLenAtDash); None without ``--``."""
    if "--" not in _command_line:
        return None
    return len(_command_line) - _command_line.index("--") - 1


def set_globals(store: str | None, tick: str | None, lock_timeout: str | None = None,
                namespace: str | None = None, request_timeout: str | None = None,
                change_cause: str | None = None) -> None:
    if store:
        _global["store"] = store
    if tick is not None:
        _global["tick"] = tick
    if namespace is not None:  # kubectl's global -n given where the verb has none (cli/globals.py)
        _global["namespace"] = namespace
    if lock_timeout is not None:
        _global["lock_timeout"] = lock_timeout
    if request_timeout is not None:
        _global["request_timeout"] = request_timeout
    if change_cause is not None:
        _global["change_cause"] = change_cause


TIMEOUT_MESSAGE = ("Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a "
                   "corresponding time unit (e.g. 1s | 2m | 3h)")


def request_timeout_ms(value: str | None) -> int:
    """kubectl's --request-timeout in milliseconds (0: none), read as client-go's clientcmd.ParseTimeout
    (tools/clientcmd/helpers.go) reads it: a non-negative integer is seconds, else a Go duration (which may be
    negative: no timeout either); anything else is refused. An empty value is no timeout
    (DirectClientConfig.ClientConfig skips it)."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.timefmt import parse_go_duration

    if not value:
        return 0
    digits = value[1:] if value[:1] == "+" else value
    if digits.isascii() and digits.isdigit():  # strconv.ParseInt(duration, 10, 64), i >= 0
        if int(digits) >= 1 << 63:
            raise ClientError(TIMEOUT_MESSAGE)
        return int(digits) * 1000
    try:
        return max(0, parse_go_duration(value))
    except ValueError:
        raise ClientError(TIMEOUT_MESSAGE) from None


def lock_timeout_s() -> float | None:
    """--lock-timeout / MINIKCTL_LOCK_TIMEOUT in seconds (a Go duration, or bare seconds); None: the default."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.timefmt import parse_go_duration

    raw = _global.get("lock_timeout") or os.environ.get("MINIKCTL_LOCK_TIMEOUT")
    if not raw:
        return None
    raw = raw.strip()
    try:
        ms = parse_go_duration(raw + "s" if raw.isdigit() else raw)
    except ValueError as e:
        raise ClientError(f'invalid --lock-timeout "{raw}": {e}') from None
    return max(0, ms) / 1000


def tick_ms(tick: str | None) -> int:
    from minikctl.kube.errors import ClientError
    from minikctl.kube.timefmt import parse_go_duration

    raw = tick if tick is not None else _global["tick"]
    if raw is None:
        raw = os.environ.get("MINIKCTL_TICK", "1s")
    raw = raw.strip()
    if raw.isdigit():  # a bare number means seconds
        raw += "s"
    try:
        ms = parse_go_duration(raw)
    except ValueError as e:
        raise ClientError(f"invalid tick {raw!r}: {e}") from None
    if ms < 0:
        raise ClientError(f"invalid tick {raw!r}: must not be negative")
    return ms


def path_segment_errors(name: str) -> list[str]:
    """apimachinery's IsValidPathSegmentName: what a name or namespace may not be to sit in a request path."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


def namespace_of(namespace: str | None, *, plain: bool = False) -> str:
    """The namespace a command works in; one that cannot sit in a request path is refused as client-go's
    request builder refuses it (``invalid namespace "..": [may not be '..']``), before any request."""
    ns = namespace or _global["namespace"] or "default"
    problems = path_segment_errors(ns)
    if problems:
        from minikctl.kube.errors import ClientError, go_quote

        raise ClientError(f"invalid namespace {go_quote(ns)}: [{' '.join(problems)}]", plain=plain)
    return ns


def duration_flag(value: str, flag: str, command: str) -> int:
    """A Go duration flag's value in milliseconds; a bad one is refused as pflag does
    (``Error: invalid argument "x" for "--timeout" flag: time: invalid duration "x"``)."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.timefmt import parse_go_duration

    try:
        return parse_go_duration(value)
    except ValueError as e:
        raise ClientError(f'Error: invalid argument "{value}" for "{flag}" flag: {e}\n'
                          f"See 'minikctl {command} --help' for usage.", plain=True) from None


# A verb that waits (get -w, logs -f, wait, rollout status, delete --wait, clock run) streams: what it prints in a
# step is held until the step is committed, then written and flushed (a line shown is a state kept, even after
# Ctrl-C). STREAMING tells the error boundary (cli/app.main) that Ctrl-C should end the command at its next step
# (INTERRUPTED) and how kubectl ends it: exit code 1 where kubectl runs the verb under its interrupt handler
# (kubectl/pkg/util/interrupt: get -w, rollout status), killed by the signal where it does not (logs -f, wait).
STREAMING = {"on": False, "by_signal": False, "own": False}  # own: the verb handles Ctrl-C itself
_held: list[str] | None = None


def _interrupted():
    import threading

    global INTERRUPTED
    if INTERRUPTED is None:
        INTERRUPTED = threading.Event()
    return INTERRUPTED


INTERRUPTED = None


def publish() -> None:
    """Write what the committed steps printed, and flush it."""
    if _held:
        sys.stdout.write("".join(_held))
        _held.clear()
    sys.stdout.flush()


def speed_of(raw: str | None) -> float | None:
    """--speed / MINIKCTL_SPEED: virtual seconds per wall second; None: fast-forward (not a terminal, not given)."""
    from minikctl.kube.errors import ClientError

    if raw is None or raw == "":
        raw = os.environ.get("MINIKCTL_SPEED") or None
    if raw is None:
        try:
            return 1.0 if sys.stdout.isatty() else None
        except (ValueError, OSError):
            return None
    text = raw.strip().rstrip("x")
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (0 < value < float("inf")):
        raise ClientError(f'invalid --speed "{raw}": must be a positive number (virtual seconds per wall second)')
    return value


# kubectl's field manager per command: the default of its --field-manager flag (NewCmd*: AddFieldManagerFlagVar);
# a command without the flag sends none and the server names its User-Agent's product, "kubectl"
FIELD_MANAGERS = {"apply": "kubectl-client-side-apply", "create": "kubectl-create", "replace": "kubectl-replace",
                  "patch": "kubectl-patch", "label": "kubectl-label", "annotate": "kubectl-annotate",
                  "edit": "kubectl-edit", "run": "kubectl-run", "set": "kubectl-set", "rollout": "kubectl-rollout",
                  "expose": "kubectl-expose", "autoscale": "kubectl-autoscale", "taint": "kubectl-taint"}
_VERBS = frozenset(FIELD_MANAGERS) | {"scale", "delete", "get", "describe", "wait", "logs", "exec", "clock",
                                      "timeline", "top", "serve", "cordon", "uncordon", "drain"}


def field_manager() -> str:
    """The field manager of this command line: ``--field-manager``, else the command's kubectl default."""
    args = _command_line
    verb, sub = "", ""
    for i, a in enumerate(args):
        if a == "--":
            break
        if a == "--field-manager" and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--field-manager="):
            return a.split("=", 1)[1]
        if not verb and a in _VERBS:
            verb = a
        elif verb and not sub and not a.startswith("-"):
            sub = a
    if verb == "rollout" and sub == "undo":  # no --field-manager flag: the User-Agent's
        return "kubectl"
    return FIELD_MANAGERS.get(verb, "kubectl")


@contextmanager
def session(store: str | None = None, tick: str | None = None, *, validate: str = "strict",
            advance: bool = True, read_only: bool = False, local: bool = False, stream: bool = False,
            speed: str | None = None, by_signal: bool = False, own_interrupt: bool = False) -> Iterator["Cluster"]:
    """One command: open the store, begin the transaction, advance the clock by the tick, yield the cluster
    (``cluster.api`` is the API server; ``cluster`` moves virtual time).

    Commits when the block ends normally, after the cluster has reacted to what the command did. The tick is
    the cluster's, not the command's: a command refused with a kubectl-style error (``MinikctlError``) keeps the
    time that passed and what the cluster did in it, and nothing of its own (the verb runs in a savepoint, as a
    request of ``minikctl serve`` does); so ``until minikctl logs p; do sleep 1; done`` sees the container start.
    Any other exception rolls everything back. A ``read_only`` command whose tick wakes nothing reads a snapshot
    instead and waits for no other command (store/db.py ``read_snapshot``); it must then write nothing.

    ``stream``: a verb that waits; its ``run_until`` commits in steps (``cluster.Stream``), paced by ``speed``.
    """
    # kubectl parses --request-timeout when it first builds its REST client config (ClientConfig), i.e. after
    # the command's own argument checks and before the first request: here, before the store is opened
    if not local:  # a --local command builds no REST client: its --request-timeout is never read
        request_timeout_ms(_global["request_timeout"])
    ms = tick_ms(tick)
    pace = speed_of(speed) if stream else None
    if stream:
        global _held
        _held = []
        STREAMING.update(on=True, by_signal=by_signal, own=own_interrupt)
        try:
            with _session(store, ms, validate, advance, read_only, (pace,)) as cluster:
                yield cluster
        except BaseException:
            _held = None  # the step under way was undone: what it printed is not shown
            raise
        finally:
            STREAMING["on"] = False
        publish()
        _held = None
        return
    with _session(store, ms, validate, advance, read_only, None) as cluster:
        yield cluster


@contextmanager
def _session(store: str | None, ms: int, validate: str, advance: bool, read_only: bool,
             stream: tuple | None) -> Iterator["Cluster"]:
    from minikctl.cluster import Cluster, Stream
    from minikctl.kube.errors import MinikctlError
    from minikctl.store.db import open_store

    st = open_store(store or _global["store"])
    st.lock_timeout_s = lock_timeout_s()
    try:
        if read_only:
            from minikctl.store.static_dirs import has_manifests

            read_only = not has_manifests(st.path)  # the kubelets must read their static pod manifests
        snap = st.read_snapshot(ms if advance else 0) if read_only else None
        if snap is not None:
            try:
                yield Cluster(snap, validate=validate)
            except MinikctlError:
                st.end_snapshot(snap)  # the clock move is stored all the same
                raise
            except BaseException:
                st._rollback()
                raise
            st.end_snapshot(snap)
            return
        _warm(st.path, stream is not None)  # what the turn needs is loaded before the turn is taken
        refused: MinikctlError | None = None
        with st.transaction() as tx:
            cluster = Cluster(tx, validate=validate)
            cluster.api.field_manager = field_manager()
            cluster.contended = st.contended
            if advance:
                cluster.tick(ms)
            if stream is not None:
                cluster.stream = Stream(lambda t, pause: st.renew(t, lambda: (publish(), pause())),
                                        speed=stream[0], interrupted=_interrupted(),
                                        wanted=lambda: bool(_held) or st.contended())
            try:
                with tx.savepoint():
                    yield cluster
                    if advance:
                        cluster.settle()
            except MinikctlError as e:
                if not st.conn.in_transaction:  # SQLite gave the transaction up (a full disk): nothing to keep
                    raise
                refused = e  # the verb's writes are undone; the tick commits below
        if refused is not None:
            raise refused
    finally:
        st.close()


@contextmanager
def stepping(store: str | None) -> Iterator[Callable[[], None]]:
    """A command that writes in many short turns, one session each (``clock advance``): while it runs, a newcomer
    that looks at the queue between two of its turns sees the store in use (store/lock.py ``Ticket.in_use``). The
    command calls what this yields once its first session has opened the store (so nothing is written beside a
    path that is no store)."""
    from minikctl.store.db import store_path
    from minikctl.store.lock import Ticket

    ticket = Ticket(store_path(store or _global["store"]))
    marked = []

    def mark() -> None:
        if not marked:
            marked.append(True)
            try:
                ticket.stepping(True)
            except OSError:  # a queue that cannot be written: the next session says what is wrong
                pass

    try:
        yield mark
    finally:
        if marked:
            ticket.stepping(False)


def _warm(path: str, stream: bool) -> None:
    """When other commands use the store, this one will wait anyway: load what its turn will need first,
    so that the turn is spent on the work, not on imports (shorter turns for all: about 45 of a `label`'s 65 ms
    held were imports, measured uncontended). ``_TURN_MODULES`` is what a writing transaction that moves anything
    loads (the cluster's loop with its scheduler and kubelets, admission, the update rules, the pod's strategy,
    the printers of the result line, the simulated processes, every kind's strategy). A command that finds the
    store free loads only what it turns out to need (a label that changes nothing loads no engine). A streaming
    verb always loads them: its first step runs the engine."""
    from minikctl.store.lock import Ticket

    if not stream and not Ticket(path).in_use():
        return
    import importlib

    from minikctl.api.registry import strategy
    from minikctl.kube.kinds import RESOURCES

    for name in _TURN_MODULES:
        importlib.import_module(name)
    from minikctl.engine.controllers import SPECS

    for spec in SPECS:  # the loop builds its controllers when they have work (engine/controllers/__init__.py)
        spec.load()
    for res in RESOURCES:  # the controllers' informers read every kind through its strategy
        strategy(res)


# no jsonschema: only the validation of a new object's schema needs it (api/validation.py), and the update
# rules no longer do (api/schemacheck.py); a command that never creates would pay ~80 ms for nothing
_TURN_MODULES = ("minikctl.engine.loop", "minikctl.engine.controllers", "minikctl.engine.controllers.scheduler",
                 "minikctl.engine.kubelet", "minikctl.engine.kubelet.worker", "minikctl.engine.kubelet.config",
                 "minikctl.engine.network",
                 "minikctl.engine.behavior", "minikctl.api.validation", "minikctl.api.updates",
                 "minikctl.api.admission", "minikctl.api.defaults", "minikctl.api.fieldmanager",
                 "minikctl.api.schemacheck", "minikctl.api.registry", "minikctl.printers.output",
                 "minikctl.cli.resource_args")


def check_kustomize(kustomize: str | None, filename, recursive: bool) -> None:
    """-k: FilenameOptions.validate's rules (cmd/util/helpers.go), then minikctl's own refusal -- kubectl builds
    a kustomization with the kustomize library it embeds, and minikctl has none to build it with."""
    from minikctl.kube.errors import ClientError

    if kustomize is None:
        return
    if filename:
        raise ClientError("only one of -f or -k can be specified")
    if recursive:
        raise ClientError("the -k flag can't be used with -f or -R")
    raise ClientError(f'kustomize is not supported by minikctl: cannot process "{kustomize}" with -k; build it '
                      f"with \"kustomize build {kustomize}\" and pass the output with -f -")


def out(text: str) -> None:
    """Write text to stdout exactly (no added newline); held until its step commits while a verb streams."""
    if text:
        if _held is not None:
            _held.append(text)
        else:
            sys.stdout.write(text)


def out_bytes(data: bytes) -> None:
    """Write bytes to stdout exactly (a server's body as it was sent)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def err(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")


def flush_warnings(api: "Api") -> None:
    for w in api.warnings:
        err(w)
    api.warnings.clear()


def parse_dry_run(value: str | None) -> str:
    """kubectl's --dry-run: none|client|server; a bare --dry-run means client (deprecated form)."""
    from minikctl.kube.errors import ClientError

    if value is None or value == "none" or value == "false":
        return "none"
    if value in ("unchanged", "true", "client"):
        return "client"
    if value == "server":
        return "server"
    raise ClientError(f'Invalid dry-run value ({value}). Must be "none", "server", or "client".')


def result_line(obj: dict, word: str, output: str | None, mode: str = "none") -> str:
    """kubectl's line for one changed object: `pod/nginx created (dry run)`, or just `pod/nginx` with -o name."""
    from minikctl.kube.kinds import object_ref

    if output and output != "name":
        # a format the printer refuses must fail before the command's transaction commits, not after
        from minikctl.printers.output import check_format

        check_format(output)
    return object_ref(obj) + ("" if output == "name" else f" {word}{dry_suffix(mode)}")


def print_results(objs: list[dict], lines: list[str], output: str | None) -> None:
    """What a changing verb prints: the objects in an -o format, else its result lines."""
    if output and output != "name":
        from minikctl.printers.output import render

        out(render(objs, output, now_ms=0, single=len(objs) == 1))
    else:
        out("".join(line + "\n" for line in lines))


def dry_suffix(mode: str) -> str:
    return {"client": " (dry run)", "server": " (server dry run)"}.get(mode, "")

"""The user's side of an interactive session (``exec -i/-it``, ``attach -i``, ``run -i/-it``, ``debug -it``).

kubectl's streams (pkg/cmd/exec/exec.go ``StreamOptions.SetupTTY``): ``-i`` connects stdin; with ``-t`` as well and
a terminal on stdin the terminal is used raw and the remote shell draws its prompt and edits the line; ``-t`` with
stdin that is not a terminal prints ``Unable to use a TTY - input is not a terminal or the right kind of file`` and
goes on without one; ``-t`` without ``-i`` is dropped silently.

Here the simulated shell runs in the store's virtual clock, so the line is edited locally (Python's ``readline``
on a terminal) and sent whole. The store is never held while the prompt waits: the command commits its step and
reads the line with the store free (``Cluster.release``); each line then runs in new steps, and what its commands
take in virtual time (``sleep 5``) passes for the whole cluster (on a terminal paced to the wall clock, as every
verb that waits is). Piped input is read whole and given to the process as its stdin (a shell runs it as its
script), so ``echo 'exit 4' | minikctl exec -i p -- sh`` ends with 4.
"""

from __future__ import annotations

import os
import sys

from minikctl.cli import common as c

NO_TTY = "Unable to use a TTY - input is not a terminal or the right kind of file"
PROMPT_HINT = "If you don't see a command prompt, try pressing enter."
SHELLS = ("sh", "bash", "ash", "dash")


def stdin_is_terminal() -> bool:
    try:
        return os.isatty(sys.stdin.fileno())
    except (ValueError, OSError, AttributeError):
        return False


def setup_tty(stdin: bool, tty: bool, quiet: bool = False) -> bool:
    """SetupTTY: whether the session is on a raw terminal (the warning printed when -t cannot be had)."""
    if not stdin or not tty:
        return False
    if not stdin_is_terminal():
        if not quiet:
            c.err(NO_TTY)
        return False
    return True


def is_prompt_shell(argv: list[str]) -> bool:
    """A shell with no script (``sh``, ``bash -l``): it reads its commands from stdin."""
    if not argv or argv[0].rsplit("/", 1)[-1] not in SHELLS:
        return False
    return all(a.startswith("-") and a != "-c" and "c" not in a.lstrip("-") for a in argv[1:])


def read_piped() -> str:
    """All of stdin (a pipe or a file): the session's input, read before the store is opened."""
    try:
        data = sys.stdin.buffer.read()
    except (OSError, ValueError, AttributeError):
        return ""
    return data.decode("utf-8", "replace")


def _read_line(prompt: str):
    """One line from the terminal, with line editing; None at end of input (Ctrl-D). Ctrl-C drops the line."""
    try:
        import readline  # noqa: F401 - input() edits the line through it when it is loaded
    except ImportError:  # pragma: no cover - a Python without readline: plain input
        pass
    sys.stdout.flush()
    while True:
        try:
            return input(prompt)
        except EOFError:
            sys.stdout.write("\n" if prompt else "")
            return None
        except KeyboardInterrupt:  # the shell forgets the line and prompts again
            sys.stdout.write("\n")
            if not prompt:
                return "\x03"


def drive(cluster, session, *, hostname: str, started: bool = False) -> None:
    """A raw-terminal session: prompt, read a line with the store free, run it, until the process exits."""
    from minikctl.engine import sessions

    stream = cluster.stream
    if stream is not None:
        stream.start(cluster.now_ms)
    pending = ""
    if not started:
        c.out(session.start(cluster.loop, cluster.tx.get("Pod", session.ns, session.name)) or "")
    while not session.exited:
        if session.at_prompt:
            prompt = "> " if pending else sessions.prompt(session, hostname)
            line = cluster.release(lambda p=prompt: _read_line(p))
            if stream is not None and stream.paced:  # the cluster lived while the user typed (in committed steps)
                target = stream.virtual_now()
                cluster.run_until(lambda t=target: cluster.now_ms >= t, target)
            if line is None:
                c.out(session.end_of_input(cluster.loop))
                continue
            complete, text = session.feed(cluster.loop, pending + line + "\n")
            pending = "" if complete else pending + line + "\n"
            c.out(text)
            continue
        wake = session.wake_ms
        if wake is None:  # waiting for ever (a program reading stdin, `sleep infinity`): until the input ends
            line = cluster.release(lambda: _read_line(""))
            if line is None:
                c.out(session.end_of_input(cluster.loop))
            elif line == "\x03":
                c.out(session.interrupt(cluster.loop))
            continue
        with _ctrl_c() as pressed:
            cluster.run_until(lambda w=wake: cluster.now_ms >= w or pressed.is_set(), wake)
        if pressed.is_set():  # Ctrl-C: the line's command dies, the shell prompts again
            c.out("\n" + session.interrupt(cluster.loop))
            continue
        c.out(session.step(cluster.loop))


class _ctrl_c:
    """While a line runs: Ctrl-C is noted (an Event), never raised in the middle of a store step; the loop
    sees it at its next step. Off the main thread (no signal handlers there) it changes nothing."""

    def __enter__(self):
        import signal
        import threading

        self.pressed = threading.Event()
        self.installed = threading.current_thread() is threading.main_thread()
        self.old = signal.signal(signal.SIGINT, lambda *_: self.pressed.set()) if self.installed else None
        return self.pressed

    def __exit__(self, *exc) -> None:
        import signal

        if self.installed:
            # signal.signal answers None for a handler not installed from Python (readline's): Python's own then,
            # so that Ctrl-C at the next prompt raises KeyboardInterrupt in input() again
            signal.signal(signal.SIGINT, self.old if self.old is not None else signal.default_int_handler)


def run_piped(cluster, session, data: str, started: bool = False) -> None:
    """Piped input: the process reads it all, then its end; virtual time runs until the process exits (a day at
    most: a process that never ends is left running, as a closed stdin leaves it)."""
    if not started:
        c.out(session.start(cluster.loop, cluster.tx.get("Pod", session.ns, session.name)) or "")
    if data and session.at_prompt:
        _, text = session.feed(cluster.loop, data if data.endswith("\n") else data + "\n", last=True)
        c.out(text)
    limit = cluster.now_ms + 24 * 3600 * 1000
    while not session.exited:
        if session.at_prompt:
            if not session.closes_stdin:
                break  # detached: the container's stdin stays open for the next attach
            c.out(session.end_of_input(cluster.loop))
            continue
        wake = session.wake_ms
        if wake is None or wake > limit:
            break
        cluster.run_until(lambda w=wake: cluster.now_ms >= w, wake)
        c.out(session.step(cluster.loop))


def attach_streams(cluster, session, hostname: str, tty: bool, quiet: bool = False) -> bool:
    """An attach session (``attach -i``, ``run -i``, ``debug -i``): on a terminal with -t, the prompt (after
    kubectl's hint), else the piped input. True when it was on a raw terminal."""
    raw = setup_tty(True, tty, quiet)
    if not quiet:  # attach.go Run prints it whether or not there is a terminal
        c.err(PROMPT_HINT)
    if raw:
        drive(cluster, session, hostname=hostname, started=True)
    else:
        data = cluster.release(read_piped)
        run_piped(cluster, session, data or "", started=True)
    return raw

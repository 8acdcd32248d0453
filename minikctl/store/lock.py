"""Fair, visible turns at writing the store.

SQLite's own busy handler is not fair (a waiter sleeps and retries; a newcomer can win again and again) and says
nothing about who holds the store. Every writing command therefore first takes a ticket, in the order commands
arrive, in a queue directory beside the store (``store.db.queue/``):

* a ticket is a file named by a counter (taken under a brief ``flock`` of ``store.db.queue/counter``) holding the
  pid, the process's start time and the command line; the oldest live ticket holds the store;
* a waiter polls until its ticket is the oldest; a ticket whose process is gone (killed) is removed by whoever
  sees it; after ``NOTICE_S`` a waiter says once, on stderr, which command holds the store; past its timeout it
  gives up with the same words (``--lock-timeout``, ``MINIKCTL_LOCK_TIMEOUT``; default 120 s);
* a long command (``clock advance``) gives its turn back between steps: it takes a new ticket at the end of
  the queue, so every command that arrived meanwhile writes first.

Reads with nothing due take no ticket: they read a WAL snapshot (store/db.py, cli/common.session).
"""

from __future__ import annotations

import os
import sys
import time

NOTICE_S = 1.0
DEFAULT_TIMEOUT_S = 120.0


def _stat(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().decode("ascii", "replace").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _start_time(pid: int) -> str:
    """The process's start time (Linux /proc), so a reused pid is not taken for the ticket's owner."""
    fields = _stat(pid)
    return fields[19] if len(fields) > 19 else ""


def _alive(pid: int, started: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    fields = _stat(pid)
    if fields and fields[0] in ("Z", "X"):  # killed, not yet reaped by its parent: it holds nothing any more
        return False
    now = fields[19] if len(fields) > 19 else ""
    return not started or now in ("", started)


def describe_command(argv: list[str] | None = None) -> str:
    words = list(sys.argv[1:] if argv is None else argv)
    text = " ".join(w for w in words if not w.startswith("--store"))
    return text if len(text) <= 80 else text[:77] + "..."


def _write_entry(path: str, command: str) -> None:
    """A ticket or a stepping mark: the pid, the process's start time and the command line, never seen
    half-written (written aside, then renamed)."""
    pid = os.getpid()
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(f"{pid}\t{_start_time(pid)}\t{command}")
    os.replace(tmp, path)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class Ticket:
    """One command's place in the queue of a store (``with Ticket(path, ...)``, or ``acquire``/``release``)."""

    def __init__(self, store_path: str, timeout_s: float | None = None, command: str | None = None) -> None:
        self.dir = os.fspath(store_path) + ".queue"
        self.timeout_s = DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s
        self.command = describe_command() if command is None else command
        self.path: str | None = None
        self.waited_s = 0.0

    # -- the queue -------------------------------------------------------------------------------------------
    def _next_number(self) -> int:
        import fcntl

        os.makedirs(self.dir, exist_ok=True)
        fd = os.open(os.path.join(self.dir, "counter"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            n = int(raw) + 1 if raw.isdigit() else 1
            data = str(n).encode()
            os.pwrite(fd, data.ljust(32), 0)
            return n
        finally:
            os.close(fd)  # closing releases the flock

    def _entries(self) -> list[str]:
        try:
            return sorted(n for n in os.listdir(self.dir) if n.endswith(".ticket"))
        except FileNotFoundError:
            return []

    def _read(self, name: str) -> tuple[int, str, str] | None:
        try:
            with open(os.path.join(self.dir, name), encoding="utf-8", errors="replace") as f:
                pid, started, command = (f.read().split("\t", 2) + ["", "", ""])[:3]
            return int(pid), started, command.strip()
        except (OSError, ValueError):
            return None

    def _any_live(self, names, reap: bool = False) -> bool:
        """Whether one of these entries is a live command's (``reap``: those of commands that are gone are
        removed on the way)."""
        for name in names:
            info = self._read(name)
            if info is None:
                continue  # being written or just gone
            if _alive(info[0], info[1]):
                return True
            if reap:
                _remove(os.path.join(self.dir, name))
        return False

    def busy(self) -> bool:
        """Whether some live command holds or waits for the store."""
        return self._any_live(self._entries())

    def in_use(self) -> bool:
        """Whether some live command holds or waits for the store, or is a long command between two of its steps
        (a ``clock advance`` gives its turn back after each step and takes another at once: a newcomer that looks
        in between sees nobody in the queue, yet will wait). A mark left by a killed command is removed."""
        if self.busy():
            return True
        try:
            marks = [n for n in os.listdir(self.dir) if n.endswith(".stepping")]
        except FileNotFoundError:
            return False
        return self._any_live(marks, reap=True)

    def stepping(self, on: bool) -> None:
        """Say (``on``) or stop saying that this command runs in steps, turn after turn (``in_use``)."""
        path = os.path.join(self.dir, f"{os.getpid()}.stepping")
        if not on:
            _remove(path)
        elif not os.path.exists(path):
            _write_entry(path, self.command)

    def others_waiting(self) -> bool:
        """Whether a live command other than this ticket's holder waits for the store."""
        mine = os.path.basename(self.path) if self.path else None
        return self._any_live(entry for entry in self._entries() if entry != mine)

    def acquire(self, *, quiet: bool = False) -> None:
        """Wait for this command's turn (``quiet``: without the notice, for the next step of a command that
        already streams its output)."""
        n = self._next_number()
        name = f"{n:020d}.ticket"
        path = os.path.join(self.dir, name)
        pid = os.getpid()
        _write_entry(path, self.command)
        self.path = path
        started = time.monotonic()
        told = False
        pause = 0.002
        while True:
            holder = None
            for entry in self._entries():
                if entry == name:
                    break
                info = self._read(entry)
                if info is None:
                    continue  # being written or just gone
                if info[0] != pid and not _alive(info[0], info[1]):
                    _remove(os.path.join(self.dir, entry))  # its command was killed
                    continue
                holder = info
                break
            if holder is None:
                self.waited_s = time.monotonic() - started
                self._held_from = time.monotonic()
                return
            waited = time.monotonic() - started
            if waited > self.timeout_s:
                self.release()
                from minikctl.kube.errors import ClientError

                raise ClientError(f"another minikctl command (pid {holder[0]}: {holder[2]}) holds the store; gave up "
                                  f"after waiting {self.timeout_s:g}s (--lock-timeout)")
            if not told and not quiet and waited > NOTICE_S:
                told = True
                sys.stderr.write(f"another minikctl command (pid {holder[0]}: {holder[2]}) holds the store; "
                                 f"waiting for it (at most {self.timeout_s:g}s, --lock-timeout)\n")
                sys.stderr.flush()
            time.sleep(pause)
            pause = min(pause * 1.5, 0.02)

    def release(self) -> None:
        if self.path is not None and os.environ.get("MINIKCTL_LOCK_TRACE"):  # bench/robustness.py reads this
            held = time.monotonic() - getattr(self, "_held_from", time.monotonic())
            sys.stderr.write(f"lock: waited {self.waited_s:.3f}s held {held:.3f}s\n")
        if self.path is not None:
            _remove(self.path)
            self.path = None

    def __enter__(self) -> "Ticket":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

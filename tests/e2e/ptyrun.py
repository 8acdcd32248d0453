"""Drive the real CLI on a pseudo-terminal (stdin, stdout and stderr a TTY), as a user at a terminal would."""

from __future__ import annotations

import os
import select
import subprocess
import time


def _controlling_terminal() -> None:
    """In the child: a new session whose controlling terminal is the pty (its stdin), as a login shell's is, so
    that the byte Ctrl-C types (0x03) makes the terminal send SIGINT to the foreground process group."""
    import fcntl
    import termios

    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Pty:
    def __init__(self, argv: list[str], env: dict, timeout: float = 30.0, ctty: bool = False) -> None:
        self.master, slave = os.openpty()
        if ctty:  # keys typed on it act as on a user's terminal (Ctrl-C is a signal)
            self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                                         preexec_fn=_controlling_terminal)
        else:
            self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                                         start_new_session=True)
        os.close(slave)
        self.timeout = timeout
        self.seen = b""

    def _read(self, wait: float) -> bool:
        r, _, _ = select.select([self.master], [], [], wait)
        if not r:
            return False
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # the other end closed (the process ended)
            return False
        self.seen += chunk
        return bool(chunk)

    def expect(self, text: str) -> None:
        """Wait until ``text`` appears in the output after what was already expected."""
        end = time.monotonic() + self.timeout
        while text.encode() not in self.seen:
            if time.monotonic() > end or (not self._read(0.2) and self.proc.poll() is not None
                                          and not self._read(0.2)):
                raise AssertionError(f"waited for {text!r}; the terminal shows {self.seen.decode(errors='replace')!r}")
        self.seen = self.seen[self.seen.index(text.encode()) + len(text.encode()):]

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def finish(self) -> tuple[int, str]:
        """The exit code and what the terminal showed since the last ``expect``."""
        end = time.monotonic() + self.timeout
        while self.proc.poll() is None and time.monotonic() < end:
            self._read(0.2)
        while self._read(0.1):
            pass
        rc = self.proc.wait(5)
        os.close(self.master)
        return rc, self.seen.decode(errors="replace")

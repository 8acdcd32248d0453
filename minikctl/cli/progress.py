"""A progress bar on the terminal for a long move of virtual time (``clock advance``, ``wait``, ``delete --wait``).

It goes to stderr, only when stderr is a terminal, and only once the move has taken ``SHOW_AFTER_S`` of wall time
(``MINIKCTL_PROGRESS_AFTER`` seconds; a command that ends sooner never imports rich). It is transient: the line is
erased when the command ends, so what stays on the terminal is what the command printed. A pipe never gets it, and
neither does a command printing a machine format (the verb does not ask for one).
"""

from __future__ import annotations

import os
import sys
import time

SHOW_AFTER_S = 1.0


def _after_s() -> float:
    raw = os.environ.get("MINIKCTL_PROGRESS_AFTER", "")
    try:
        return max(0.0, float(raw)) if raw else SHOW_AFTER_S
    except ValueError:
        return SHOW_AFTER_S


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (ValueError, OSError, AttributeError):
        return False


class Bar:
    """``update(now_ms)`` as virtual time moves from ``start_ms`` to ``end_ms``; ``close()`` at the end."""

    def __init__(self, start_ms: int, end_ms: int, what: str) -> None:
        self.start_ms, self.end_ms, self.what = start_ms, max(end_ms, start_ms + 1), what
        self.enabled = _stderr_is_terminal()
        self.after = _after_s()
        self.t0 = time.monotonic()
        self._progress = None
        self._task = None

    def update(self, now_ms: int) -> None:
        if not self.enabled:
            return
        if self._progress is None:
            if time.monotonic() - self.t0 < self.after:
                return
            self._open()
        from minikctl.kube.timefmt import human_duration

        done = min(max(0, now_ms - self.start_ms), self.end_ms - self.start_ms)
        self._progress.update(self._task, completed=done,
                              reached=f"+{human_duration(done / 1000)} of {human_duration((self.end_ms - self.start_ms) / 1000)}")
        self._progress.refresh()

    def _open(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[reached]}"),
                                  TextColumn("virtual time,"), TimeElapsedColumn(), TextColumn("wall"),
                                  console=Console(stderr=True), transient=True, auto_refresh=False)
        self._task = self._progress.add_task(self.what, total=self.end_ms - self.start_ms, reached="")
        self._progress.start()

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

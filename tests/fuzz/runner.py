"""Run minikctl command lines in this process against one store, fast enough for a corpus of thousands.

``Runner(home).run(args, stdin)`` -> (exit code, stdout, stderr), with the same boundary as the console script
(``minikctl.cli.app.main``). The process-wide state a command line leaves (the root options) is reset before
each run, so every call is what a fresh process would do.
"""

from __future__ import annotations

import io
import os
import sqlite3
import sys


class _Stdin(io.TextIOWrapper):
    pass


class Runner:
    def __init__(self, home) -> None:
        self.home = str(home)
        os.makedirs(self.home, exist_ok=True)

    @property
    def db(self) -> str:
        return os.path.join(self.home, "store.db")

    def run(self, args: list[str], stdin: str | None = None, tick: str = "0") -> tuple[int, str, str]:
        from minikctl.cli import app, common

        common._global.update({"store": None, "tick": None, "namespace": None, "lock_timeout": None})
        saved_env = {k: os.environ.get(k) for k in ("MINIKCTL_HOME", "MINIKCTL_STORE", "MINIKCTL_TICK")}
        os.environ["MINIKCTL_HOME"] = self.home
        os.environ.pop("MINIKCTL_STORE", None)
        os.environ["MINIKCTL_TICK"] = tick
        out, err = io.StringIO(), io.StringIO()
        raw = (stdin or "").encode("utf-8", "surrogatepass")
        old = sys.stdin, sys.stdout, sys.stderr
        cwd = os.getcwd()
        os.chdir(self.home)  # a relative --store the arguments name lands in the temp home, not the checkout
        sys.stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", errors="replace")
        sys.stdout, sys.stderr = out, err
        try:
            code = app.main(list(args))
        finally:
            sys.stdin, sys.stdout, sys.stderr = old
            os.chdir(cwd)
            for k, v in saved_env.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return code, out.getvalue(), err.getvalue()

    def db_bytes(self) -> bytes:
        """The store's content (conftest.Cli.db_bytes)."""
        if not os.path.exists(self.db):
            return b""
        conn = sqlite3.connect(self.db)
        try:
            return "\n".join(conn.iterdump()).encode()
        finally:
            conn.close()

"""Shared fixtures: a real store in a temp directory, and the installed CLI run in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "minikctl" / "k8s_examples"  # the kubernetes.io examples, shipped in the package


def minikctl_argv() -> list[str]:
    """The installed console script beside this interpreter, else `python -m minikctl`."""
    script = Path(sys.executable).with_name("minikctl")
    if script.exists():
        return [str(script)]
    found = shutil.which("minikctl")
    return [found] if found else [sys.executable, "-m", "minikctl"]


class Cli:
    """Runs minikctl against one store directory; every call is a fresh process, as a user's would be."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.argv = minikctl_argv()

    def __call__(self, *args: str, input: str | None = None, tick: str | None = None, env: dict | None = None,
                 check: bool | None = None) -> subprocess.CompletedProcess:
        e = dict(os.environ)
        e.pop("MINIKCTL_STORE", None)
        e["MINIKCTL_HOME"] = str(self.home)
        e.pop("MINIKCTL_TICK", None)
        if tick is not None:
            e["MINIKCTL_TICK"] = tick
        e.update(env or {})
        done = subprocess.run([*self.argv, *args], input=input, capture_output=True, text=True, env=e, timeout=120)
        assert "Traceback" not in done.stderr, done.stderr
        if check is True:
            assert done.returncode == 0, done.stderr
        return done

    def ok(self, *args: str, **kw) -> str:
        done = self(*args, **kw)
        assert done.returncode == 0, f"minikctl {' '.join(args)} failed: {done.stderr}"
        return done.stdout

    def fail(self, *args: str, **kw) -> str:
        done = self(*args, **kw)
        assert done.returncode == 1, f"minikctl {' '.join(args)}: rc={done.returncode} out={done.stdout} err={done.stderr}"
        return done.stderr

    def db_bytes(self) -> bytes:
        """The store's content, for 'the store is unchanged' checks (WAL checkpointed by a read-only open)."""
        import sqlite3

        path = self.home / "store.db"
        conn = sqlite3.connect(path)
        try:
            return "\n".join(conn.iterdump()).encode()
        finally:
            conn.close()


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


@pytest.fixture
def manifest(tmp_path: Path):
    """Write a manifest file and return its path."""
    def write(text: str, name: str = "m.yaml") -> str:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return str(p)
    return write

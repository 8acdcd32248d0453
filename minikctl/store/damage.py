"""The error a damaged store gets: what happened and what to do (store/db.py and store/runtime.py raise it)."""

from __future__ import annotations

from minikctl.kube.errors import ClientError


def damaged(path: str, what: str) -> ClientError:
    return ClientError(f'the store "{path}" is damaged ({what}): move it aside to start a new one, e.g. '
                       f'mv "{path}" "{path}.damaged", or try to save what it holds with: sqlite3 "{path}" .recover')

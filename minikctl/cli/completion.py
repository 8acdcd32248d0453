"""Dynamic completion: resource types from a static list, object names straight from the store index.

A TAB press is a cold start of the whole program, so this reads names only (no JSON decoding,
no engine run, no write).
"""

from __future__ import annotations

import os

import typer


def _names(kind: str, namespace: str | None, prefix: str) -> list[str]:
    from minikctl.store.db import store_path

    import sqlite3

    path = store_path(None)
    if not os.path.exists(path):
        return []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            sql = "SELECT name FROM objects WHERE kind=? AND name >= ? AND name < ?"
            args = [kind, prefix, prefix + "\U0010ffff"]
            if namespace is not None:
                sql += " AND namespace=?"
                args.append(namespace)
            return [r[0] for r in conn.execute(sql + " ORDER BY name", args)]
        finally:
            conn.close()
    except sqlite3.Error:
        return []


def complete_resource_args(ctx: typer.Context, args: list[str], incomplete: str) -> list[str]:
    """`get po<TAB>` → types; `get pod n<TAB>` → pod names; `get pod/n<TAB>` → pod/names."""
    from minikctl.kube.kinds import resolve, type_names
    from minikctl.kube.errors import ClientError

    namespace = ctx.params.get("namespace") or "default"
    given = list(ctx.params.get("args") or [])
    if "/" in incomplete:
        type_, _, prefix = incomplete.partition("/")
        try:
            res = resolve(type_)
        except ClientError:
            return []
        return [f"{type_}/{n}" for n in _names(res.kind, namespace if res.namespaced else "", prefix)]
    if not given:
        return [t for t in type_names() if t.startswith(incomplete)]
    try:
        res = resolve(given[0].split(",")[0])
    except ClientError:
        return []
    return _names(res.kind, namespace if res.namespaced else "", incomplete)


def complete_pod_names(ctx: typer.Context, incomplete: str) -> list[str]:
    namespace = ctx.params.get("namespace") or "default"
    return _names("Pod", namespace, incomplete)

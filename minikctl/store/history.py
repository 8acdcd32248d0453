"""A bounded record of each pod's observable state over virtual time, for `minikctl timeline`.

Every time a pod is stored, a small summary (phase, conditions, each container's state, readiness and
restarts) is appended when it differs from the previous one. The engine may step a pod through several
instants before storing it, so the record holds what was stored, not every intermediate instant.
"""

from __future__ import annotations

import json
import sqlite3

MAX_ENTRIES = 2000  # per pod: the oldest are dropped beyond this

SCHEMA = """
CREATE TABLE IF NOT EXISTS history (
    uid TEXT NOT NULL, seq INTEGER NOT NULL, at_ms INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (uid, seq)
) WITHOUT ROWID
"""


def _state(cs: dict) -> str:
    state = cs.get("state") or {}
    if "running" in state:
        return "Running"
    if "terminated" in state:
        t = state["terminated"]
        return f"Terminated:{t.get('reason') or 'ExitCode'}({t.get('exitCode', 0)})"
    reason = (state.get("waiting") or {}).get("reason")
    return f"Waiting:{reason}" if reason else "Waiting"


def summary(pod: dict) -> dict:
    status = pod.get("status") or {}
    containers = {}
    for key, tag in (("initContainerStatuses", "init:"), ("containerStatuses", "")):
        for cs in status.get(key) or []:
            containers[tag + cs.get("name", "")] = [_state(cs), bool(cs.get("ready")), cs.get("restartCount", 0)]
    return {
        "phase": status.get("phase", ""),
        "deleting": bool((pod.get("metadata") or {}).get("deletionTimestamp")),
        "conditions": {c.get("type", ""): c.get("status", "") for c in status.get("conditions") or []},
        "containers": containers,
    }


def ensure(conn: sqlite3.Connection) -> None:
    conn.execute(SCHEMA)


def record(conn: sqlite3.Connection, pod: dict, at_ms: int, last_seen: dict | None = None) -> None:
    """Append the pod's summary when it changed. ``last_seen`` (uid -> (seq, body)) spares the lookup of
    the previous entry for pods already recorded in the same transaction."""
    uid = (pod.get("metadata") or {}).get("uid")
    if not uid:
        return
    body = json.dumps(summary(pod), separators=(",", ":"), sort_keys=True)
    last = last_seen.get(uid) if last_seen is not None else None
    if last is None:
        last = conn.execute("SELECT seq, body FROM history WHERE uid=? ORDER BY seq DESC LIMIT 1", (uid,)).fetchone()
    if last and last[1] == body:
        return
    seq = last[0] + 1 if last else 0
    conn.execute("INSERT INTO history (uid, seq, at_ms, body) VALUES (?, ?, ?, ?)", (uid, seq, at_ms, body))
    if last_seen is not None:
        last_seen[uid] = (seq, body)
    if seq >= MAX_ENTRIES:
        conn.execute("DELETE FROM history WHERE uid=? AND seq<=?", (uid, seq - MAX_ENTRIES))


def forget(conn: sqlite3.Connection, uid: str, last_seen: dict | None = None) -> None:
    conn.execute("DELETE FROM history WHERE uid=?", (uid,))
    if last_seen is not None:
        last_seen.pop(uid, None)


def entries(conn: sqlite3.Connection, uid: str) -> list[tuple[int, dict]]:
    rows = conn.execute("SELECT at_ms, body FROM history WHERE uid=? ORDER BY seq", (uid,))
    return [(r[0], json.loads(r[1])) for r in rows]

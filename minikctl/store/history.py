"""A bounded record of each pod's observable state over virtual time, for `minikctl timeline`.

Every time a pod is stored, a small summary (phase, conditions, each container's state, readiness and
restarts) is appended when it differs from the previous one. The engine may step a pod through several
instants before storing it, so the record holds what was stored, not every intermediate instant -- except the
cycles of a crash loop the kubelet jumps over at once, which it records with their own times
(``record_crash_loop``), so that the history is the same whatever the size of the advance.
"""

from __future__ import annotations

import json
import sqlite3

from minikctl.kube import jsontext

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


# json.dumps(s, separators=(",", ":"), sort_keys=True) with one encoder for every entry (json.dumps with options
# builds a new one per call); the same text
# (kube/jsontext.py: the stdlib's encoder set up once; no cycle check, a summary is built afresh)
_encode = jsontext.encoder(sort_keys=True, ensure_ascii=True)


def summary_text(pod: dict) -> str:
    """The text of the pod's summary, as ``record`` stores it."""
    return _encode(summary(pod))


def record(conn: sqlite3.Connection, pod: dict, at_ms: int, last_seen: dict | None = None,
           new: bool = False, text: str | None = None) -> None:
    """Append the pod's summary when it changed. ``last_seen`` (uid -> (seq, body, at)) spares the lookup of
    the previous entry for pods already recorded in the same transaction; ``new``: the pod was just created, its
    uid has no entry yet (no lookup either); ``text``: the summary as encoded (``summary_text(pod)``), when the
    writer knows it already (the pods of one template, api/stamp.py; a pod started at the same instant as its
    twin, kubelet/statustwins.py). An entry is never earlier than the one before it (the kubelet may have
    recorded the instants it fast-forwarded over, see ``record_crash_loop``)."""
    uid = (pod.get("metadata") or {}).get("uid")
    if not uid:
        return
    if new and last_seen is not None:
        last_seen.setdefault(uid, ())  # known to have none: _last does not look
    _append(conn, uid, _encode(summary(pod)) if text is None else text, at_ms, last_seen)


def _last(conn: sqlite3.Connection, uid: str, last_seen: dict | None):
    last = last_seen.get(uid) if last_seen is not None else None
    if last == ():  # a pod created in this transaction, nothing recorded yet
        return None
    if last is None or len(last) < 3:
        last = conn.execute("SELECT seq, body, at_ms FROM history WHERE uid=? ORDER BY seq DESC LIMIT 1",
                            (uid,)).fetchone()
    return last


def _append(conn: sqlite3.Connection, uid: str, body: str, at_ms: int, last_seen: dict | None) -> None:
    last = _last(conn, uid, last_seen)
    if last and last[1] == body:
        return
    seq = last[0] + 1 if last else 0
    at_ms = max(at_ms, last[2]) if last else at_ms
    conn.execute("INSERT INTO history (uid, seq, at_ms, body) VALUES (?, ?, ?, ?)", (uid, seq, at_ms, body))
    if last_seen is not None:
        last_seen[uid] = (seq, body, at_ms)
    if seq >= MAX_ENTRIES:
        conn.execute("DELETE FROM history WHERE uid=? AND seq<=?", (uid, seq - MAX_ENTRIES))


def _append_all(conn: sqlite3.Connection, uid: str, entries: list[tuple[str, int]], last_seen: dict | None) -> None:
    """``_append`` of each (body, at_ms) in turn (not when equal to the entry before it, never earlier than it), in
    one statement (and one more for the oldest beyond ``MAX_ENTRIES``)."""
    last = _last(conn, uid, last_seen)
    rows = []
    for body, at_ms in entries:
        if last and last[1] == body:
            continue
        seq = last[0] + 1 if last else 0
        last = (seq, body, max(at_ms, last[2]) if last else at_ms)
        rows.append((uid, seq, last[2], body))
    if not rows:
        return
    conn.executemany("INSERT INTO history (uid, seq, at_ms, body) VALUES (?, ?, ?, ?)", rows)
    if last_seen is not None:
        last_seen[uid] = last
    if last[0] >= MAX_ENTRIES:
        conn.execute("DELETE FROM history WHERE uid=? AND seq<=?", (uid, last[0] - MAX_ENTRIES))


CYCLES_KEPT = MAX_ENTRIES // 3  # a fast-forward over more crash-loop cycles shows the last ones


def record_crash_loop(conn: sqlite3.Connection, uid: str, containers: list[str], decision_ms: int, lag_ms: int,
                      cycles: list[tuple[int, int, int]], capped: tuple[int, int, int, int, int] | None = None,
                      last_seen: dict | None = None) -> None:
    """What a crash loop showed in the cycles the kubelet fast-forwarded over (engine/kubelet
    ``PodWorker.cycle_single``), so that the history reads as if each cycle had been stepped: at each back-off
    decision ``Waiting:CrashLoopBackOff``, at each restart ``Running``, at each exit ``Terminated``, each with its
    restart count, the pod's phase and conditions those of the last stepped cycle (``entries`` expands them).
    ``containers``: the entries' names of the containers looping (several when they loop in step: each cycle's
    states then show all of them restarted, exited, waiting together, each with its own state's text).

    ``cycles``: (restart, exit, restart count) of each cycle before the back-off is capped; ``capped``: (first
    restart, period, run, how many, restart count of the first) of the capped ones, all alike; ``decision_ms``:
    the decision being made (the first wait). One row holds them all (a day of a crash loop costs one row, not
    hundreds), then the state the pod is left in follows as an ordinary entry; the pod's own write after the
    fast-forward finds it recorded already."""
    rows = conn.execute("SELECT seq, body, at_ms FROM history WHERE uid=? ORDER BY seq DESC LIMIT 16", (uid,))
    running = terminated = None
    newest = None
    # an entry is decoded only when its text shows the container running or terminated (``_encode``: compact,
    # keys sorted, the container's entry starts with its state)
    keys = [json.dumps(name) + ':["' for name in containers]
    for row in rows:
        if newest is None:
            newest = row
            if last_seen is not None and len(last_seen.get(uid) or ()) < 3:
                last_seen[uid] = tuple(row)  # the newest entry: _append below need not look it up again
        if running is not None and terminated is not None:
            break  # the newest of each found: the older entries are not read
        body = row[1]
        if not any(key + "Running" in body or key + "Terminated" in body for key in keys):
            continue
        s = json.loads(body)
        sts = [(s.get("containers") or {}).get(name) for name in containers]
        if not all(sts):
            continue
        if running is None and all(st[0].startswith("Running") for st in sts):
            running = s
        if terminated is None and all(st[0].startswith("Terminated") for st in sts):
            terminated = s
    if terminated is None or not (cycles or capped):
        return
    runs = {exit_ms - restart for restart, exit_ms, _ in cycles} | ({capped[2]} if capped else set())
    if running is None and runs != {0}:
        return  # a container seen running whose running state is not in the record: nothing sure to add
    # one container's loop keeps the row's shape it had before several could loop
    names = {"container": containers[0]} if len(containers) == 1 else {"containers": list(containers)}
    loop = {**names, "decision": decision_ms, "lag": lag_ms, "cycles": [list(c) for c in cycles],
            "capped": list(capped) if capped else None, "running": running, "terminated": terminated}
    if capped:
        first, period, run, m, count = capped
        last_exit, last_count = first + (m - 1) * period + run, count + m - 1
    else:
        last_exit, last_count = cycles[-1][1], cycles[-1][2]
    # where the loop leaves it: waiting after the last exit (only its containers' map changes: copied, the rest
    # is encoded as it is)
    left = {**terminated, "containers": dict(terminated["containers"])}
    for name in containers:
        left["containers"][name] = ["Waiting:CrashLoopBackOff", False, last_count]
    _append_all(conn, uid, [(_encode({"crashloop": loop}), decision_ms), (_encode(left), last_exit + lag_ms)],
                last_seen)


def _expand_loop(loop: dict) -> list[tuple[int, dict]]:
    """The entries a ``record_crash_loop`` row stands for, in order (consecutive equal states once)."""
    names, lag = loop.get("containers") or [loop["container"]], loop["lag"]
    running, terminated = loop.get("running"), loop["terminated"]
    cycles = [tuple(c) for c in loop["cycles"]]
    if loop.get("capped"):
        first, period, run, m, count = loop["capped"]
        cycles += [(first + k * period, first + k * period + run, count + k) for k in range(max(0, m - CYCLES_KEPT), m)]
    cycles = cycles[-CYCLES_KEPT:]

    def state(template: dict, text: str | None, ready: bool | None, restarts: int) -> dict:
        # each container's text and readiness: given, else its own in the template
        s = json.loads(json.dumps(template))
        for name in names:
            own = template["containers"][name]
            s["containers"][name] = [own[0] if text is None else text, own[1] if ready is None else ready, restarts]
        return s

    out: list[tuple[int, dict]] = []

    def add(at: int, s: dict) -> None:
        if not out or out[-1][1] != s:
            out.append((at, s))

    wait_at, count = loop["decision"], (cycles[0][2] - 1 if cycles else 0)
    for restart, exit_ms, restarts in cycles:
        add(wait_at, state(terminated, "Waiting:CrashLoopBackOff", False, count))
        if restart != exit_ms and running is not None:
            add(restart, state(running, None, None, restarts))
        add(exit_ms, state(terminated, None, False, restarts))
        wait_at, count = exit_ms + lag, restarts
    add(wait_at, state(terminated, "Waiting:CrashLoopBackOff", False, count))
    return out


def forget(conn: sqlite3.Connection, uid: str, last_seen: dict | None = None) -> None:
    conn.execute("DELETE FROM history WHERE uid=?", (uid,))
    if last_seen is not None:
        last_seen.pop(uid, None)


def entries(conn: sqlite3.Connection, uid: str) -> list[tuple[int, dict]]:
    """The pod's recorded states in order, with the crash-loop cycles the kubelet jumped over expanded."""
    rows = conn.execute("SELECT at_ms, body FROM history WHERE uid=? ORDER BY seq", (uid,))
    out: list[tuple[int, dict]] = []
    for at, body in rows:
        s = json.loads(body)
        expanded = _expand_loop(s["crashloop"]) if "crashloop" in s else [(at, s)]
        for e in expanded:
            if not out or out[-1][1] != e[1]:
                out.append(e)
    return out

"""Container logs: what each container instance printed, outside the kubelet's runtime record.

A kubelet keeps a container's output in files under ``/var/log/pods`` (the CRI log format, one line
``<RFC3339Nano> <stream> <tag> <text>`` each) and rotates them: ``pkg/kubelet/logs/container_log_manager.go``
(``processContainer``) looks at every running container each ``containerLogMonitorInterval`` (10 s) and rotates
its file once it has reached ``containerLogMaxSize`` (10Mi), keeping ``containerLogMaxFiles`` (5) files.
``kubectl logs`` reads only the current file (``pkg/kubelet/kuberuntime/logs/logs.go`` ``ReadLogs`` opens the
container's log path; kubernetes.io, Concepts > Cluster Administration > Logging Architecture: "only the contents
of the latest log file are available through kubectl logs"). Rotated files are invisible to every command, so
the store keeps only the current file: a rotation drops the lines before it.

Two tables, written in the command's transaction (a crash loses nothing a commit did not also lose):

``log_streams``  one row per container instance (its container ID): the pod it belongs to (its logs go with it),
                 the number of lines written (``next_seq``), the size of the current file in bytes and the time
                 of its last line.
``logs``         the lines, keyed by (stream, ms, seq): appending is one insert, ``--tail`` reads the last rows,
                 ``--since`` starts at a time, ``-f`` reads past a line number, each an index range. An entry
                 of ``n`` > 1 lines is a *stretch*: lines the engine produces on demand when they are read
                 (``body`` is its description, the engine's JSON, stored deflated: a 2 KB JSON copy of the
                 process's state as a 0.9 KB blob; a store made before has it as text); it covers the times from
                 ``ms`` to its last line, before the next entry.

Rotation is checked at every multiple of ``MONITOR_MS`` of virtual time (the kubelet's monitor period), before
the lines of that instant: a file of ``MAX_BYTES`` or more is rotated if its container still runs then.
"""

from __future__ import annotations

import sqlite3
import zlib
from contextlib import contextmanager

SCHEMA = """
CREATE TABLE IF NOT EXISTS log_streams (
    id INTEGER PRIMARY KEY, instance TEXT NOT NULL UNIQUE, namespace TEXT NOT NULL, pod TEXT NOT NULL,
    next_seq INTEGER NOT NULL, bytes INTEGER NOT NULL, last_ms INTEGER
);
CREATE INDEX IF NOT EXISTS log_streams_pod ON log_streams (namespace, pod);
CREATE TABLE IF NOT EXISTS logs (
    stream INTEGER NOT NULL, ms INTEGER NOT NULL, seq INTEGER NOT NULL, n INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (stream, ms, seq)
) WITHOUT ROWID
"""

MAX_BYTES = 10 * 1024 * 1024  # containerLogMaxSize: 10Mi (KubeletConfiguration default)
MAX_FILES = 5  # containerLogMaxFiles: the current file and rotated ones (not readable through kubectl logs)
MONITOR_MS = 10_000  # containerLogMonitorInterval: 10s
# a line's size in the CRI log file: "2026-01-01T00:00:00.000000000Z stdout F " + text + "\n" (containerd writes
# the timestamp with nine fraction digits; "stdout" and "stderr" have the same length)
LINE_OVERHEAD = 41


def line_bytes(line: str) -> int:
    return len(line.encode("utf-8", "surrogatepass")) + LINE_OVERHEAD


def ensure(conn) -> None:
    """Create the tables in a store made before them."""
    for stmt in SCHEMA.strip().split(";"):
        if stmt.strip():
            conn.execute(stmt)


def next_monitor(ms: int) -> int:
    """The first monitor instant after ``ms``."""
    return (int(ms) // MONITOR_MS + 1) * MONITOR_MS


def rotated_between(bytes_: int, after_ms: int | None, until_ms: int) -> bool:
    """A file of ``bytes_`` whose last line came at ``after_ms``: is it rotated at a monitor instant in
    (after_ms, until_ms]?"""
    if bytes_ < MAX_BYTES or after_ms is None:
        return False
    return until_ms // MONITOR_MS > after_ms // MONITOR_MS


def _stream(conn, instance: str):
    return conn.execute("SELECT id, next_seq, bytes, last_ms FROM log_streams WHERE instance=?",
                        (instance,)).fetchone()


def _open(conn, instance: str, namespace: str, pod: str):
    row = _stream(conn, instance)
    if row is None:
        cur = conn.execute("INSERT INTO log_streams (instance, namespace, pod, next_seq, bytes, last_ms) "
                           "VALUES (?, ?, ?, 0, 0, NULL)", (instance, namespace, pod))
        row = (cur.lastrowid, 0, 0, None)
    return row


def append(tx, namespace: str, pod: str, instance: str, lines, new: bool = False) -> None:
    """Append [(ms, line)] (in time order) to the instance's log, rotating at the monitor instants. ``new``: the
    instance most likely has no log yet (its stream is then inserted without a look first; if it has one after
    all, it is read and appended to as usual)."""
    if not lines:
        return
    conn = tx.conn
    if new:
        sid, seq, size, last = None, 0, 0, None
    else:
        row = _stream(conn, instance)
        sid, seq, size, last = row if row is not None else (None, 0, 0, None)
    rows = []
    for ms, line in lines:
        ms = int(ms)
        if last is not None and size >= MAX_BYTES and ms // MONITOR_MS > last // MONITOR_MS:
            rows.clear()  # rotated at the monitor instant before this line: the current file starts here
            if sid is not None:
                conn.execute("DELETE FROM logs WHERE stream=?", (sid,))
            size = 0
        rows.append((ms, seq, line))
        seq += 1
        size += line_bytes(line)
        last = ms
    if sid is None:  # a new instance's first lines: its stream is inserted as it ends up
        cur = conn.execute("INSERT OR IGNORE INTO log_streams (instance, namespace, pod, next_seq, bytes, last_ms) "
                           "VALUES (?, ?, ?, ?, ?, ?)",
                           (instance, namespace, pod, seq, size, last))
        if not cur.rowcount:  # it had a log after all
            return append(tx, namespace, pod, instance, lines)
        sid = cur.lastrowid
    else:
        conn.execute("UPDATE log_streams SET next_seq=?, bytes=?, last_ms=? WHERE id=?", (seq, size, last, sid))
    if len(rows) == 1:  # a container's first line, most often: one statement, no list of one
        conn.execute("INSERT INTO logs (stream, ms, seq, n, body) VALUES (?, ?, ?, 1, ?)", (sid, *rows[0]))
    else:
        conn.executemany("INSERT INTO logs (stream, ms, seq, n, body) VALUES (?, ?, ?, 1, ?)",
                         [(sid, ms, n, line) for ms, n, line in rows])


def state(tx, instance: str) -> tuple[int, int, int | None] | None:
    """(lines written, bytes of the current file, time of the last line) of an instance's log, or None."""
    row = _stream(tx.conn, instance)
    return None if row is None else (row[1], row[2], row[3])


def append_stretch(tx, namespace: str, pod: str, instance: str, first_ms: int, last_ms: int, n: int, size: int,
                   body: str) -> None:
    """Append ``n`` lines produced on demand (their first at ``first_ms``, last at ``last_ms``, ``size`` bytes in
    all). The caller makes sure no rotation falls inside them (``rotated_between`` on the file before, and
    ``MAX_BYTES`` not reached before their last monitor instant)."""
    conn = tx.conn
    sid, seq, size0, last = _open(conn, instance, namespace, pod)
    if last is not None and rotated_between(size0, last, first_ms):
        conn.execute("DELETE FROM logs WHERE stream=?", (sid,))
        size0 = 0
    conn.execute("INSERT INTO logs (stream, ms, seq, n, body) VALUES (?, ?, ?, ?, ?)",
                 (sid, int(first_ms), seq, int(n), zlib.compress(body.encode("utf-8", "surrogatepass"))))
    conn.execute("UPDATE log_streams SET next_seq=?, bytes=?, last_ms=? WHERE id=?",
                 (seq + n, size0 + size, int(last_ms), sid))


def entries(tx, instance: str, *, end_ms: int, tail: int | None = None, since_ms: int | None = None,
            after_seq: int | None = None) -> list[tuple[int, int, int, str]]:
    """The entries (seq, ms, n, body) of the instance's current log file that hold the lines asked for (see
    ``_entries``), a stretch's description as its text."""
    rows = _entries(tx, instance, end_ms=end_ms, tail=tail, since_ms=since_ms, after_seq=after_seq)
    if any(type(r[3]) is bytes for r in rows):
        rows = [r if type(r[3]) is not bytes else (*r[:3], _text(r[3])) for r in rows]
    return rows


def _text(body: bytes) -> str:
    """A stretch's description as stored: deflated (zlib), its text as the engine gave it."""
    return zlib.decompress(body).decode("utf-8", "surrogatepass")


def _entries(tx, instance: str, *, end_ms: int, tail: int | None = None, since_ms: int | None = None,
             after_seq: int | None = None) -> list[tuple[int, int, int, str]]:
    """The entries (seq, ms, n, body) of the instance's current log file that hold the lines asked for, in
    order: the last ``tail`` lines, those at or after ``since_ms``, those numbered ``after_seq`` or more (each
    a superset: a stretch is whole). ``end_ms``: when the container stopped (or now): a file big enough is
    rotated at a monitor instant after its last line while the container still ran."""
    conn = getattr(tx, "conn", None)
    if conn is None:
        return []
    if tail is None and since_ms is None and after_seq is None:
        return _all_entries(conn, instance, end_ms, getattr(tx, "_log_rows", None))
    try:
        row = _stream(conn, instance)
    except Exception:  # a store made before the table (a read snapshot does not create it)
        return []
    if row is None:
        return []
    sid, _seq, size, last = row
    if rotated_between(size, last, end_ms):
        return []
    if tail is not None:
        out = []
        got = 0
        for seq, ms, n, body in conn.execute("SELECT seq, ms, n, body FROM logs WHERE stream=? "
                                             "ORDER BY ms DESC, seq DESC", (sid,)):
            if got >= tail:
                break
            out.append((seq, ms, n, body))
            got += n
        out.reverse()
        return out
    if after_seq is not None:
        prev = conn.execute("SELECT seq, ms, n, body FROM logs WHERE stream=? AND seq<=? AND seq+n>? "
                            "ORDER BY ms DESC, seq DESC LIMIT 1", (sid, after_seq, after_seq)).fetchone()
        start = prev[1] if prev else None
        if start is None:
            first = conn.execute("SELECT ms FROM logs WHERE stream=? AND seq>=? ORDER BY ms, seq LIMIT 1",
                                 (sid, after_seq)).fetchone()
            if first is None:
                return []
            start = first[0]
        return [r for r in conn.execute("SELECT seq, ms, n, body FROM logs WHERE stream=? AND ms>=? ORDER BY ms, seq",
                                        (sid, start)) if r[0] + r[2] > after_seq]
    if since_ms is not None:
        prev = conn.execute("SELECT seq, ms, n, body FROM logs WHERE stream=? AND ms<? ORDER BY ms DESC, seq DESC "
                            "LIMIT 1", (sid, since_ms)).fetchone()
        rows = list(conn.execute("SELECT seq, ms, n, body FROM logs WHERE stream=? AND ms>=? ORDER BY ms, seq",
                                 (sid, since_ms)))
        if prev is not None and prev[2] > 1:
            rows.insert(0, prev)
        return rows
    return list(conn.execute("SELECT seq, ms, n, body FROM logs WHERE stream=? ORDER BY ms, seq", (sid,)))


# one instance's stream and lines. Several instances are read one statement each: ``s.instance IN (...)`` (or an
# OR, or several in one UNION ALL ordered) makes SQLite build a temporary b-tree for the list at every execution
# (``OpenEphemeral`` in EXPLAIN; https://sqlite.org/opcode.html), which costs more than a second lookup; with one
# instance the lines come in the primary key's order, with no sort.
_SELECT_ALL = ("SELECT s.instance, s.bytes, s.last_ms, l.seq, l.ms, l.n, l.body, s.id, s.next_seq FROM log_streams s "
               "LEFT JOIN logs l ON l.stream = s.id WHERE s.instance=? ORDER BY l.ms, l.seq")


@contextmanager
def read_together(tx, instances):
    """Inside it, the whole logs of ``instances`` (read by ``entries`` with no bound) come from one query made
    here: a crash-loop check reads its two instances' logs at each back-off decision. Nothing may write their
    logs inside it. Yields what it read (for ``move_twins``): instance -> [(bytes, last_ms, seq, ms, n, body, stream
    id, next_seq)], one row with no line (seq to body None) for a stream without any."""
    ids = sorted(set(instances))
    found: dict = {i: [] for i in ids}
    try:
        for i in ids:
            found[i] = [row[1:] for row in tx.conn.execute(_SELECT_ALL, (i,))]
    except Exception:  # a store made before the table (a read snapshot does not create it)
        found = {}
    saved = getattr(tx, "_log_rows", None)
    tx._log_rows = found
    try:
        yield found
    finally:
        tx._log_rows = saved


def _all_entries(conn, instance: str, end_ms: int, read: dict | None = None) -> list[tuple[int, int, int, str]]:
    """Every entry of the instance's current file: the stream and its lines in one query (or from what
    ``read_together`` read)."""
    if read is not None and instance in read:
        rows = read[instance]
    else:
        try:
            rows = [r[1:] for r in conn.execute(_SELECT_ALL, (instance,))]
        except Exception:  # a store made before the table (a read snapshot does not create it)
            return []
    if not rows or rotated_between(rows[0][0], rows[0][1], end_ms):
        return []
    return [r[2:6] for r in rows if r[2] is not None]


def copy(tx, src: str, dst: str, namespace: str, pod: str, shift_ms: int) -> None:
    """A new instance's log as a copy of another's, every time moved by ``shift_ms`` (the crash-loop fast-forward:
    each skipped instance printed what the one it repeats printed)."""
    copies(tx, src, [(dst, shift_ms)], namespace, pod)


def copies(tx, src: str, targets: list, namespace: str, pod: str) -> None:
    """``copy`` to each (instance, shift_ms) of ``targets`` from the log ``src`` has now, in a few statements
    whatever their number (a crash loop's fast-forward makes two instances at each decision). A target that is
    ``src`` itself has its times moved in place, after the others are copied."""
    conn = tx.conn
    others = [(dst, shift) for dst, shift in targets if dst != src]
    names = [src] + [dst for dst, _ in others]
    found = {r[0]: r[1:] for r in conn.execute("SELECT instance, id, next_seq, bytes, last_ms FROM log_streams "
                                               f"WHERE instance IN ({','.join('?' * len(names))})", names)}
    row = found.get(src)
    if others:
        if len(found) > (row is not None):  # a target's log is there already: replaced
            drop(tx, names[1:])
        if row is not None:
            sid, seq, size, last = row
            conn.executemany("INSERT INTO log_streams (instance, namespace, pod, next_seq, bytes, last_ms) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             [(dst, namespace, pod, seq, size, None if last is None else last + shift)
                              for dst, shift in others])
            pairs = ",".join("(?, ?)" for _ in others)
            conn.execute(f"WITH t(instance, shift) AS (VALUES {pairs}) "
                         "INSERT INTO logs (stream, ms, seq, n, body) SELECT s.id, l.ms + t.shift, l.seq, l.n, l.body "
                         "FROM t JOIN log_streams s ON s.instance = t.instance JOIN logs l ON l.stream = ?",
                         [v for pair in others for v in pair] + [sid])
    for dst, shift in targets:
        if dst == src and row is not None and shift:
            # in place: every line's time moves (seq keeps the key unique)
            conn.execute("UPDATE logs SET ms = ms + ? WHERE stream=?", (shift, row[0]))
            conn.execute("UPDATE log_streams SET last_ms = last_ms + ? WHERE id=?", (shift, row[0]))


def move_twins(tx, read: dict, src: str, src_base: int, twin: str, twin_base: int, targets: list) -> bool:
    """``copies(tx, src, targets, ...)`` then ``drop`` of ``src`` and ``twin`` (those not among the targets), done
    by moving the two streams instead: when ``twin``'s log is ``src``'s seen from ``twin_base`` rather than
    ``src_base`` (every line, number and byte count alike, times moved by the difference), a copy of ``src`` moved by
    ``shift`` is ``twin`` moved by ``shift + src_base - twin_base``. Each stream takes a target's instance id (and
    moves its last time), then its lines move: a statement each per stream. The crash-loop fast-forward
    (``engine/kubelet/worker.py`` ``cycle_single``) replaces its two instances by two later ones, each printing
    what the one it repeats printed. ``read``: what ``read_together`` read for both. ``targets``: two (instance,
    shift) pairs; one may be ``src`` itself (kept). Returns False, having written nothing, when it cannot (the
    logs differ, a stream is missing, a target has a log already): the caller copies and drops."""
    a, b = read.get(src), read.get(twin)
    if not a or not b or src == twin or len(a) != len(b) or len(targets) != 2:
        return False
    d = src_base - twin_base
    a0, b0 = a[0], b[0]
    if a0[0] != b0[0] or a0[7] != b0[7] or (a0[1] is None) != (b0[1] is None) or (
            a0[1] is not None and a0[1] - b0[1] != d):
        return False  # bytes, lines written, last time
    for x, y in zip(a, b):
        if x[2] != y[2] or x[4] != y[4] or x[5] != y[5] or (x[3] is None) != (y[3] is None) or (
                x[3] is not None and x[3] - y[3] != d):
            return False  # seq, n, body, time
    (t0, s0), (t1, s1) = targets
    if t1 == src:
        (t0, s0), (t1, s1) = (t1, s1), (t0, s0)
    if t1 == src or t1 == twin or (t0 != src and t0 == twin):
        return False
    # src's stream becomes t0 (moved by s0), twin's becomes t1 (moved by s1 + d); one statement per stream (one
    # for both, ``WHERE id IN (?, ?)`` with a CASE, reads the whole table when it updates the key)
    moves = [(a0[6], t0, s0), (b0[6], t1, s1 + d)]
    conn = tx.conn
    try:
        conn.executemany("UPDATE log_streams SET instance=?, last_ms=last_ms+? WHERE id=?",
                         [(t, sh, sid) for sid, t, sh in moves])
    except sqlite3.IntegrityError:  # a target has a log already
        # the failing statement changed nothing; the first one, when the second failed, is undone
        conn.execute("UPDATE log_streams SET instance=?, last_ms=last_ms-? WHERE id=? AND instance=?",
                     (src, s0, a0[6], t0))
        return False
    # the lines, read already, are written again at their new times: an UPDATE of the key's ms would go through a
    # temporary b-tree (SQLite keeps the rows it moves from being seen again), a delete and an insert need none
    moved = [(sid, sh, rows) for (sid, _, sh), rows in zip(moves, (a, b)) if sh and rows[0][2] is not None]
    if moved:
        conn.executemany("DELETE FROM logs WHERE stream=?", [(sid,) for sid, _, _ in moved])
        conn.executemany("INSERT INTO logs (stream, ms, seq, n, body) VALUES (?, ?, ?, ?, ?)",
                         [(sid, r[3] + sh, r[2], r[4], r[5]) for sid, sh, rows in moved for r in rows])
    return True


def drop(tx, instances) -> None:
    """Forget the logs of these container instances (the kubelet removed them): two statements, run once per
    instance (a list, ``IN (...)``, would build a temporary b-tree at each execution: see ``_SELECT_ALL``)."""
    conn = tx.conn
    params = [(i,) for i in instances]
    if not params:
        return
    conn.executemany("DELETE FROM logs WHERE stream = (SELECT id FROM log_streams WHERE instance=?)", params)
    conn.executemany("DELETE FROM log_streams WHERE instance=?", params)


def drop_pod(tx, namespace: str, pod: str, keep=()) -> None:
    """Forget the logs of every instance of a pod (it was removed), but those in ``keep``."""
    ids = [r[0] for r in tx.conn.execute("SELECT instance FROM log_streams WHERE namespace=? AND pod=?",
                                         (namespace, pod)) if r[0] not in keep]
    drop(tx, ids)


def cut_stretch(tx, instance: str, seq: int, n: int, bytes_: int, last_ms: int | None) -> None:
    """Keep the first ``n`` lines of the stretch numbered ``seq`` (the last entry of the instance's log): the engine
    learnt that the rest will not be printed as described (the process was needed before they came)."""
    conn = tx.conn
    row = _stream(conn, instance)
    if row is None:
        return
    sid = row[0]
    if n <= 0:
        conn.execute("DELETE FROM logs WHERE stream=? AND seq=?", (sid, seq))
    else:
        conn.execute("UPDATE logs SET n=? WHERE stream=? AND seq=?", (n, sid, seq))
    conn.execute("UPDATE log_streams SET next_seq=?, bytes=?, last_ms=? WHERE id=?", (seq + max(0, n), bytes_,
                                                                                      last_ms, sid))

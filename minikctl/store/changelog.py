"""The change log: every write of an object, in resourceVersion order (ADDED, MODIFIED, DELETED).

Two views of the same log:

* the **feed** of one transaction (``Tx.feed``): :class:`Change` records in the order the writes happened.
  The cluster's loop hands them to the scheduler, the kubelets and the controllers (their informers), and
  ``get -w`` / ``wait`` read them as a watch would;
* the **table** ``changes``: one row per change, kept for the last :data:`KEEP` revisions, so a later
  command (or an HTTP watch) can ask "what happened after resourceVersion N". Rows carry no body but for
  DELETED (the object's last state, which can no longer be read): a watcher reads the current object.
  The oldest revision still in the table is in meta ``changes:oldest``; asking for an older one is the
  API server's 410 Gone.

This is the shape of the kube-apiserver's watch cache over etcd's revision history
(staging/src/k8s.io/apiserver/pkg/storage/cacher), reduced to one process.
"""

from __future__ import annotations

import json

ADDED, MODIFIED, DELETED = "ADDED", "MODIFIED", "DELETED"
KEEP = 20_000  # revisions kept in the table (rows are ~60 bytes; DELETED rows carry a body)

SCHEMA = """
CREATE TABLE IF NOT EXISTS changes (
    rv INTEGER PRIMARY KEY, type TEXT NOT NULL, kind TEXT NOT NULL, namespace TEXT NOT NULL,
    name TEXT NOT NULL, uid TEXT NOT NULL, body TEXT
)
"""


class Change:
    """One write. ``body`` is the object's JSON at that revision (a snapshot); ``obj`` is the dict that was
    written, which its writer may have changed since (fine for deciding whether to look, not for showing it).
    ``by`` names the writer (``kubelet``, ``replicaset-controller``, ... or "" for a user's command). ``facts``: what
    the transaction's ``facts`` function of the kind made of ``obj`` as it was written (None: no such function, a
    deletion, or it failed), the same as it makes of ``body`` decoded."""

    __slots__ = ("rv", "type", "kind", "namespace", "name", "uid", "body", "obj", "by", "facts")

    def __init__(self, rv: int, type_: str, kind: str, namespace: str, name: str, uid: str, body: str,
                 obj: dict, by: str) -> None:
        self.rv, self.type, self.kind, self.namespace, self.name = rv, type_, kind, namespace, name
        self.uid, self.body, self.obj, self.by = uid, body, obj, by
        self.facts = None

    def snapshot(self) -> dict:
        """The object as it was at this revision."""
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"Change({self.rv} {self.type} {self.kind} {self.namespace}/{self.name} by {self.by or 'user'})"


class Remade(Change):
    """A change whose object at its revision is made again by what made it rather than decoded from ``body``: a
    pod stamped from its template (api/stamp.py) is the template's tree with its own strings put in, which costs
    a third of decoding its text. ``remake(body)`` gives what ``json.loads(body)`` gives (the stamp checks it
    once per template against the body and decodes the body if it ever differs). ``source``: what made it (the
    template), for a reader that keeps what is a function of it (the scheduler: a pod's scheduling facts)."""

    __slots__ = ("remake", "source")

    def snapshot(self) -> dict:
        return self.remake(self.body)


def ensure(conn) -> None:
    conn.execute(SCHEMA)


def row(c: Change) -> tuple:
    """What the table keeps of a change (``write_rows``): its body only for a deletion (the other revisions' bodies
    are the objects' rows or gone). A transaction holds these until it writes them rather than the changes
    themselves: a change holds the dict that was written, and a long advance's thousands of pod status writes
    would keep every one of them alive until the commit."""
    return (c.rv, c.type, c.kind, c.namespace, c.name, c.uid, c.body if c.type == DELETED else None)


def write_rows(conn, rows: list[tuple]) -> None:
    """Persist the rows (``row``) of a transaction's changes (at commit, before a savepoint, or as a big apply
    goes)."""
    conn.executemany(
        "INSERT OR REPLACE INTO changes (rv, type, kind, namespace, name, uid, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows)


def compact(conn, revision: int, keep: int = KEEP) -> int | None:
    """Drop rows older than the last ``keep`` revisions; returns the oldest revision kept (None: nothing dropped)."""
    floor = revision - keep
    if floor <= 0:
        return None
    cur = conn.execute("DELETE FROM changes WHERE rv <= ?", (floor,))
    return floor + 1 if cur.rowcount else None


def since(conn, rv: int, kinds: tuple[str, ...] = ()) -> list[tuple]:
    """(rv, type, kind, namespace, name, uid, body-or-None) of the changes after ``rv``, oldest first."""
    sql = "SELECT rv, type, kind, namespace, name, uid, body FROM changes WHERE rv > ?"
    args: list = [rv]
    if kinds:
        sql += " AND kind IN (" + ",".join("?" * len(kinds)) + ")"
        args += list(kinds)
    return [tuple(r) for r in conn.execute(sql + " ORDER BY rv", args)]


def read_since(conn, rv: int, kinds: tuple[str, ...] = (), bodies: dict | None = None) -> list[Change]:
    """The changes after ``rv`` as a watcher sees them, each with the object's body at that revision: from
    ``bodies`` (revision -> body, what the reader itself wrote), else from the row (a DELETED row keeps the last
    state), else from the current object while it is still at that revision. A change whose body is gone is left
    out: a later change of the same object follows and speaks for it (its intermediate state was not kept)."""
    out = []
    for at, type_, kind, ns, name, uid, body in since(conn, rv, kinds):
        b = body or (bodies.get(at) if bodies else None)
        if b is None:
            row = conn.execute("SELECT rv, body FROM objects WHERE kind=? AND namespace=? AND name=?",
                               (kind, ns, name)).fetchone()
            if row is None or int(row[0]) != at:
                continue
            b = row[1]
        out.append(Change(at, type_, kind, ns, name, uid, b, None, ""))
    return out

"""Printed rows: for every stored object, the cells its ``get`` table prints, kept current on every write.

A table listing of 10,000 pods would otherwise decode 10,000 bodies (4-5 KB each) to print 60 bytes of each.
Instead every write (``Tx.create``/``update``/``delete``, the one write path) stores beside the object:

  cells    JSON ``[row, wide row]`` (``[row]`` when they are the same): the kind's ``row(obj, now, wide)`` (api/registry/<kind>.py), with each
           time-dependent part (AGE, RESTARTS' "(2m ago)") kept as its input, a placeholder that
           ``kube.timefmt.fill_times`` formats at the read's now
  labels   the object's labels (JSON, NULL when it has none): ``--show-labels``, ``-L``, label selectors
  fields   the kind's selectable fields that are not empty, but name and namespace (JSON): field selectors

The store knows no kind's printer: the API layer registers the function that computes them (``register``;
api/printed.py). ``rv`` is the object's resourceVersion when its row was computed: a read joins rows to objects
on it, so a row that is missing (an object written before the table existed, or by a writer without the
function) or stale is never used; the reader computes that object's row from its body instead.

Selectors run in SQL over ``labels`` and ``fields`` (``json_extract``), as the API server's storage filters
a list before the printer sees it (``staging/src/k8s.io/apiserver/pkg/storage`` ``SelectionPredicate``).
"""

from __future__ import annotations

import json

SCHEMA = """
CREATE TABLE IF NOT EXISTS rows (
    kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, rv INTEGER NOT NULL,
    cells TEXT NOT NULL, labels TEXT, fields TEXT,
    PRIMARY KEY (kind, namespace, name)
) WITHOUT ROWID
"""

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

# obj -> (cells, labels, fields) as JSON texts, or None when the object's row cannot be kept (computed on read)
_printer = None


def register(fn) -> None:
    """The API layer's printed-row function (api/printed.py): ``fn(obj) -> (cells, labels, fields) | None``."""
    global _printer
    _printer = fn


def printed(obj: dict, body: str) -> tuple | None:
    """What to store for ``obj`` (``body``: its stored JSON), or None (no printer, or a row the printer cannot
    keep)."""
    if _printer is None or "\\u0000" in body:  # a NUL in the object could be taken for a time placeholder
        return None
    return _printer(obj)


def ensure(conn) -> None:
    conn.execute(SCHEMA)


def write(conn, pending: dict) -> None:
    """Store the rows computed during the transaction: (kind, namespace, name) -> (rv, printed or None)."""
    puts = [(k, ns, n, rv, *p) for (k, ns, n), (rv, p) in pending.items() if p is not None]
    gone = [key for key, (_rv, p) in pending.items() if p is None]
    if gone:
        conn.executemany("DELETE FROM rows WHERE kind=? AND namespace=? AND name=?", gone)
    if puts:
        conn.executemany("INSERT OR REPLACE INTO rows (kind, namespace, name, rv, cells, labels, fields) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", puts)
    pending.clear()


def delete(conn, kind: str, namespace: str, name: str) -> None:
    conn.execute("DELETE FROM rows WHERE kind=? AND namespace=? AND name=?", (kind, namespace, name))


def rebuild(conn, kind: str | None = None) -> int:
    """Compute the row of every stored object (of ``kind``) whose row is missing or stale: a store made before
    the table existed gets its rows on its first writing command. Returns how many were written."""
    if _printer is None:
        return 0
    sql = ("SELECT o.kind, o.namespace, o.name, o.rv, o.body FROM objects o LEFT JOIN rows r ON r.kind=o.kind "
           "AND r.namespace=o.namespace AND r.name=o.name AND r.rv=o.rv WHERE r.rv IS NULL")
    args: tuple = ()
    if kind is not None:
        sql += " AND o.kind=?"
        args = (kind,)
    pending: dict = {}
    n = 0
    for k, ns, name, rv, body in conn.execute(sql, args).fetchall():
        try:
            obj = json.loads(body)
        except ValueError:
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("metadata"), dict):
            continue
        pending[(k, ns, name)] = (rv, printed(obj, body))
        n += 1
        if len(pending) >= 5000:
            write(conn, pending)
    write(conn, pending)
    return n


# ---- reading ------------------------------------------------------------------------------------------

_LABEL_OPS = ("=", "==", "!=", "in", "notin", "exists", "!")


def _path(key: str) -> str:
    """A JSON path naming one member whatever its characters (label keys hold '.', '/')."""
    return '$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def label_sql(requirements: list) -> tuple[list[str], list, list]:
    """SQL conditions on ``r.labels`` for a label selector's requirements (kube/selectors.Requirement), their
    arguments, and the requirements SQL does not take (Gt, Lt: checked on the decoded labels)."""
    conds: list[str] = []
    args: list = []
    rest = []
    for req in requirements:
        op, path = req.operator, _path(req.key)
        value = "json_extract(r.labels, ?)"
        if op in ("=", "==", "in"):
            conds.append(f"{value} IN ({','.join('?' * len(req.values))})")
            args += [path, *req.values]
        elif op in ("!=", "notin"):
            conds.append(f"({value} IS NULL OR {value} NOT IN ({','.join('?' * len(req.values))}))")
            args += [path, path, *req.values]
        elif op == "exists":
            conds.append("json_type(r.labels, ?) IS NOT NULL")
            args.append(path)
        elif op == "!":
            conds.append("json_type(r.labels, ?) IS NULL")
            args.append(path)
        else:
            rest.append(req)
    return conds, args, rest


_COLUMNS = {"metadata.name": "o.name", "metadata.namespace": "o.namespace"}  # fields the store has as columns


def field_sql(terms: list) -> tuple[list[str], list]:
    """SQL conditions on ``r.fields`` for a field selector's terms (kube/selectors.FieldTerm): a missing field
    is "" as in ``fields.Set``."""
    conds, args = [], []
    for t in terms:
        op = "=" if t.op == "=" else "!="
        column = _COLUMNS.get(t.field)
        if column is not None:
            conds.append(f"{column} {op} ?")
        else:
            conds.append(f"coalesce(json_extract(r.fields, ?), '') {op} ?")
            args.append(_path(t.field))
        args.append(t.value)
    return conds, args


def select(conn, kind: str, namespace: str | None, label_reqs: list = (), field_terms: list = ()):
    """The rows of ``kind`` (in ``namespace``; None: all), in namespace/name order, that the selectors may
    match: (namespace, name, cells, labels, body) with ``body`` only for an object whose row is missing or
    stale (its selectors are then the caller's to check), and the label requirements left to the caller."""
    lconds, largs, rest = label_sql(list(label_reqs))
    fconds, fargs = field_sql(list(field_terms))
    where = ["o.kind=?"]
    args: list = [kind]
    if namespace is not None:
        where.append("o.namespace=?")
        args.append(namespace)
    conds = lconds + fconds
    if conds:
        where.append("(r.rv IS NULL OR (" + " AND ".join(conds) + "))")
        args += largs + fargs
    sql = ("SELECT o.namespace, o.name, r.cells, r.labels, CASE WHEN r.rv IS NULL THEN o.body END "
           "FROM objects o LEFT JOIN rows r ON r.kind=o.kind AND r.namespace=o.namespace AND r.name=o.name "
           f"AND r.rv=o.rv WHERE {' AND '.join(where)} ORDER BY o.namespace, o.name")
    return conn.execute(sql, args), rest

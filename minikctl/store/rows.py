"""Printed rows: for every stored object, the cells its ``get`` table prints, kept current on every write.

A table listing of 10,000 pods would otherwise decode 10,000 bodies (4-5 KB each) to print 60 bytes of each.
Instead every write (``Tx.create``/``update``/``delete``, the one write path) stores in the same transaction:

  cells    the kind's ``row(obj, now, wide)`` (api/registry/<kind>.py), normal and wide (``pack``), with each
           time-dependent part (AGE, RESTARTS' "(2m ago)") kept as its input, a placeholder that
           ``kube.timefmt.fill_times`` formats at the read's now; NULL when the row is computed on read (no
           printer registered, a kind that keeps none, an odd object)
  labels   the object's labels (JSON, NULL when it has none): ``--show-labels``, ``-L``, label selectors
  fields   the kind's selectable fields that are not empty, but name and namespace (JSON): field selectors

The store knows no kind's printer: the API layer registers the function that computes them (``register``;
api/printed.py). Every object has its row (the table is the listing's index): a reader never joins the
objects' bodies, and reads a body only for a row whose cells are NULL.

The meta key ``rows`` holds the revision up to which the table is complete: each writing transaction of this
code moves it with ``revision``. A store written meanwhile by a minikctl that does not keep rows (or made
before the table existed) has them rebuilt by its next writing command, and read from the objects until then.

Selectors run in SQL over ``labels`` and ``fields`` (``json_extract``), as the API server's storage filters
a list before the printer sees it (``staging/src/k8s.io/apiserver/pkg/storage`` ``SelectionPredicate``).
"""

from __future__ import annotations

import json

from minikctl.kube import jsontext

SCHEMA = """
CREATE TABLE IF NOT EXISTS rows (
    kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, rv INTEGER NOT NULL,
    cells TEXT, labels TEXT, fields TEXT,
    PRIMARY KEY (kind, namespace, name)
) WITHOUT ROWID
"""

# check_circular=False: what is written is decoded JSON or built from it, never a cycle (the check keeps a dict
# of every container it enters; the bytes are the same: Lib/json/encoder.py JSONEncoder.iterencode)
_dumps = jsontext.encoder()  # json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode

# obj -> (cells, labels, fields) as texts, or None when the object's row cannot be kept (computed on read)
_printer = None


def register(fn) -> None:
    """The API layer's printed-row function (api/printed.py): ``fn(obj) -> (cells, labels, fields) | None``
    (None: the row is computed on read)."""
    global _printer
    _printer = fn


ROW = "\x1f"  # between a packed row's cells
WIDE = "\x1e"  # before each packed row: the normal one, then the wide one when it differs


def pack(cells: list[list[str]]) -> str | None:
    """Rows as one text (split, not JSON-decoded, when read); None when a cell holds a separator."""
    text = "".join(WIDE + ROW.join(row) for row in cells)
    if text.count(WIDE) != len(cells) or text.count(ROW) != sum(len(r) - 1 for r in cells):
        return None
    return text


def unpack(text: str, wide: bool) -> str:
    """The normal or wide row of a packed text, its cells still joined by ROW."""
    rows = text.split(WIDE)  # "", normal[, wide]
    return rows[2 if wide and len(rows) > 2 else 1]


def printed(obj: dict, body: str) -> tuple:
    """What to store for ``obj`` (``body``: its stored JSON): (cells, labels, fields), cells None when the
    row is computed on read."""
    found = _printer(obj) if _printer is not None and "\\u0000" not in body else None
    if found is not None:
        return found
    labels = (obj.get("metadata") or {}).get("labels")  # the selectors still find it
    return None, _dumps(labels) if labels and isinstance(labels, dict) else None, None


def ensure(conn) -> None:
    conn.execute(SCHEMA)


def write(conn, pending: dict) -> None:
    """Store the rows of the objects a transaction wrote: (kind, namespace, name) -> (rv, the body last
    written, or None for an object deleted). A row is computed from the body (never from a dict its writer
    may still change), once however often the object was written (a crash loop writes its pod ten times in an
    advance)."""
    puts = []
    for (k, ns, n), value in pending.items():
        if value[1] is not None:  # (rv, body) or (rv, body, its row computed already: ``of_object``)
            puts.append((k, ns, n, value[0], *(value[2] if len(value) > 2 else _printed_body(value[1]))))
    gone = [key for key, value in pending.items() if value[1] is None]
    if gone:
        conn.executemany("DELETE FROM rows WHERE kind=? AND namespace=? AND name=?", gone)
    if puts:
        conn.executemany("INSERT OR REPLACE INTO rows (kind, namespace, name, rv, cells, labels, fields) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", puts)
    pending.clear()


def of_object(obj: dict, body: str) -> tuple:
    """What ``write`` stores for the object ``body`` was just encoded from, computed from the object itself (a
    writer that knows it will not write the object again soon spares decoding its body later)."""
    if not isinstance(obj.get("metadata"), dict):
        return None, None, None
    return printed(obj, body)


def _printed_body(body: str) -> tuple:
    try:
        obj = json.loads(body)
    except ValueError:
        obj = None
    if not isinstance(obj, dict) or not isinstance(obj.get("metadata"), dict):
        return None, None, None
    return printed(obj, body)


def rebuild(conn) -> int:
    """Every object's row afresh (a store whose table is missing or behind its objects). Returns how many."""
    conn.execute("DELETE FROM rows")
    pending: dict = {}
    n = 0
    for k, ns, name, rv, body in conn.execute("SELECT kind, namespace, name, rv, body FROM objects"):
        pending[(k, ns, name)] = (rv, body)
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
    """SQL conditions on ``labels`` for a label selector's requirements (kube/selectors.Requirement), their
    arguments, and the requirements SQL does not take (Gt, Lt: checked on the decoded labels)."""
    conds: list[str] = []
    args: list = []
    rest = []
    for req in requirements:
        op, path = req.operator, _path(req.key)
        value = "json_extract(labels, ?)"
        if op in ("=", "==", "in"):
            conds.append(f"{value} IN ({','.join('?' * len(req.values))})")
            args += [path, *req.values]
        elif op in ("!=", "notin"):
            conds.append(f"({value} IS NULL OR {value} NOT IN ({','.join('?' * len(req.values))}))")
            args += [path, path, *req.values]
        elif op == "exists":
            conds.append("json_type(labels, ?) IS NOT NULL")
            args.append(path)
        elif op == "!":
            conds.append("json_type(labels, ?) IS NULL")
            args.append(path)
        else:
            rest.append(req)
    return conds, args, rest


_COLUMNS = {"metadata.name": "name", "metadata.namespace": "namespace"}  # fields the store has as columns


def field_sql(terms: list) -> tuple[list[str], list]:
    """SQL conditions on ``fields`` for a field selector's terms (kube/selectors.FieldTerm): a missing field
    is "" as in ``fields.Set``."""
    conds, args = [], []
    for t in terms:
        op = "=" if t.op == "=" else "!="
        column = _COLUMNS.get(t.field)
        if column is not None:
            conds.append(f"{column} {op} ?")
        else:
            conds.append(f"coalesce(json_extract(fields, ?), '') {op} ?")
            args.append(_path(t.field))
        args.append(t.value)
    return conds, args


def select(conn, kind: str, namespace: str | None, label_reqs: list = (), field_terms: list = (),
           bodies: bool = False):
    """The rows of ``kind`` (in ``namespace``; None: all), in namespace/name order, that the selectors may
    match: (namespace, name, cells, labels[, the object's body]); for a row whose ``cells`` are NULL the
    selectors are the caller's to check on the object. Also the label requirements SQL does not take (the
    caller checks them)."""
    lconds, largs, rest = label_sql(list(label_reqs))
    fconds, fargs = field_sql(list(field_terms))
    where = ["kind=?"]
    args: list = [kind]
    if namespace is not None:
        where.append("namespace=?")
        args.append(namespace)
    conds = lconds + fconds
    if conds:
        where.append("(cells IS NULL OR (" + " AND ".join(conds) + "))")
        args += largs + fargs
    sql = f"SELECT namespace, name, cells, labels FROM rows WHERE {' AND '.join(where)} ORDER BY namespace, name"
    if bodies:
        sql = (f"SELECT r.namespace, r.name, r.cells, r.labels, o.body FROM ({sql}) r JOIN objects o "
               "ON o.kind=? AND o.namespace=r.namespace AND o.name=r.name")
        args.append(kind)
    return conn.execute(sql, args), rest

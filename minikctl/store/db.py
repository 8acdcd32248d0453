"""The embedded store: one SQLite file, one ``BEGIN IMMEDIATE`` transaction per command.

Tables
  meta      key/value: format marker, seed, virtual clock (ms), revision counter, id counters.
  objects   every API object as compact JSON, keyed by (kind, namespace, name); ``rv`` mirrors
            ``metadata.resourceVersion``.
  changes   the change log: every write in revision order (store/changelog.py).
  runtime   the simulated cluster's hidden state (kubelets' pod records, nodes, controllers' timers), each
            row with its next wake-up time, indexed so that moving the clock touches only what is due
            (store/runtime.py).
  events    v1 Event objects, compact, with the columns needed to find an object's events, expire and watch them
            (store/events.py).
  history   a bounded summary of each pod's states over time, for ``timeline`` (store/history.py).
  rows      each object's printed ``get`` row, labels and selectable fields, written with it (store/rows.py).

objects, runtime and events are rowid tables, their key a unique index: their rows are kilobytes, which a
WITHOUT ROWID table (a b-tree that keeps about 1 KB of a row in its page, https://sqlite.org/withoutrowid.html
section 4) spreads over overflow pages left mostly empty (a running pod took 29 KiB of store instead of 23). A
store made before keeps its tables as they were: every statement is the same for both layouts.

Everything that looks random (UIDs, container IDs, name suffixes) is derived from the store's seed
and a counter, so the same commands on a fresh store give the same output.

The store knows nothing of kinds' rules: it keeps what the API server (minikctl/api) gives it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from functools import partial

from minikctl.kube import jsontext
from minikctl.kube.errors import ClientError
from minikctl.store import changelog, events, history, logs, rows, runtime
from minikctl.store.damage import damaged
from minikctl.store.changelog import ADDED, DELETED, MODIFIED, Change, Remade

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~4 ms a command)
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator

FORMAT = "minikctl-store/3"  # 2: runtime keyed by kind, the change log; 3: compact events (store/events.py)
DEFAULT_EPOCH_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z: the virtual clock of a new store
DEFAULT_SEED = "minikctl"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
    uid TEXT NOT NULL, rv INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (kind, namespace, name)
);
CREATE INDEX IF NOT EXISTS objects_uid ON objects (uid);
""" + ";".join((runtime.SCHEMA, events.SCHEMA, events.CORRELATOR, changelog.SCHEMA, rows.SCHEMA, logs.SCHEMA))

CLUSTER = ""  # namespace value used for cluster-scoped objects
# The page size of a new store. A row is never split between two pages (only its end, past the page's
# limit, goes to overflow pages: https://sqlite.org/fileformat2.html section 1.6), so 4 KiB pages hold one
# 2.7 KB pod object each and leave 1.4 KB unused, and a WITHOUT ROWID table spills rows over about 1 KB
# (https://sqlite.org/withoutrowid.html section 4) into overflow pages left mostly empty; 16 KiB pages hold six
# such objects, and a log's 2 KB stretch whole. A store made before keeps its page size.
PAGE_SIZE = 16384
BUSY_TIMEOUT_MS = 120_000  # SQLite's own wait for a busy file, behind the ticket lock (store/lock.py)
CHECK_ALWAYS_BYTES = 4 * 1024 * 1024  # stores up to this size get SQLite's quick_check on every writing command
CHECK_EVERY = 2000  # bigger ones once every this many revisions
ROWS_PENDING = 4096  # printed rows a transaction holds before it stores them (Tx._row_written)
# whether a transaction answers from what it wrote itself rather than read the store: the text of an object it wrote
# last (``get_with_body(like=change)``, ``Tx._last_rv``), the absence of events about an object it created
# (``Tx._no_events``); cleared by MINIKCTL_NO_STAMP=1, the tests' switch to the general path (api/stamp.py)
# the kinds a pod's admission reads from the store (api/server.py ``_admit_namespace``: NamespaceLifecycle;
# api/registry/pod.py ``default``: the ServiceAccount plugin); PriorityClasses are the built-in ones
# (api/admission.py), LimitRanges and ResourceQuotas are not modelled
READ_BY_ADMISSION = frozenset(("Namespace", "ServiceAccount"))
TRUST_WRITES = os.environ.get("MINIKCTL_NO_STAMP", "") in ("", "0")
# a uid's variant digit (8, 9, a or b) for the hex digit drawn in its place: '89ab'[int(digit, 16) % 4]
_VARIANT = {d: "89ab"[int(d, 16) % 4] for d in "0123456789abcdef"}


# one encoder for every write (json.dumps with options builds a new one per call); same bytes
# check_circular=False: what is written is decoded JSON or built from it, never a cycle (the check keeps a dict
# of every container it enters; the bytes are the same: Lib/json/encoder.py JSONEncoder.iterencode)
_dumps = jsontext.encoder()  # json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


def _projection(fields: tuple[str, ...]) -> str:
    """SQL building a JSON object with only ``fields`` (e.g. "metadata.name", "status") of each row's body."""
    tree: dict = {}
    for path in fields:
        if not all(part.replace("_", "").isalnum() for part in path.split(".")):
            raise ValueError(f"bad field path {path!r}")
        node = tree
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = None

    def build(node: dict, prefix: str) -> str:
        items = [f"'{k}', " + (build(v, f"{prefix}.{k}") if v else f"json_extract(body, '{prefix}.{k}')")
                 for k, v in node.items()]
        return "json_object(" + ", ".join(items) + ")"

    return build(tree, "$")


def store_path(explicit: str | None = None) -> str:
    """--store / MINIKCTL_STORE, else $MINIKCTL_HOME/store.db (default ~/.minikctl)."""
    if explicit:
        return os.path.expanduser(explicit)
    env = os.environ.get("MINIKCTL_STORE")
    if env:
        return os.path.expanduser(env)
    home = os.environ.get("MINIKCTL_HOME") or os.path.join(os.path.expanduser("~"), ".minikctl")
    return os.path.join(home, "store.db")


OPENED: list[str] = []  # the stores this process opened (the error boundary checks them after a failure)


def integrity_problem(path: str) -> str | None:
    """SQLite's quick_check of a store: None when it is sound, else what is wrong (first line)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            rows = conn.execute("PRAGMA quick_check(1)").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as e:
        return str(e)
    return None if rows == [("ok",)] else str(rows[0][0]) if rows else "no answer"


def _loads_row(path: str, text: str, what: str) -> dict:
    try:
        value = json.loads(text)
    except (ValueError, TypeError):
        raise damaged(path, f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise damaged(path, f"{what} is not a JSON object")
    return value


def store_error(path: str, e: BaseException) -> ClientError:
    """What a failure of SQLite (or of the disk under it) means for the user, and what to do about it."""
    text = str(e)
    low = text.lower()
    if "disk is full" in low or "database or disk is full" in low:
        return ClientError(f'the store "{path}" cannot be written: the disk is full ({text}); nothing was changed. '
                           "Free some space and run the command again")
    if "malformed" in low or "not a database" in low or "corrupt" in low:
        return damaged(path, text)
    if "could not decode" in low:  # a TEXT value that is no UTF-8: bytes of the file were overwritten
        return damaged(path, text.split(" with text ")[0])
    if "readonly" in low or "read-only" in low:
        return ClientError(f'the store "{path}" is read-only ({text}): nothing was changed')
    if "locked" in low or "busy" in low:
        return ClientError(f'the store "{path}" is held by another minikctl command ({text}); try again')
    if "i/o error" in low:
        return ClientError(f'the store "{path}" could not be read or written ({text}); nothing was changed. Check the '
                           "disk, or move the store aside to start a new one")
    return ClientError(f'the store "{path}" failed: {text}; nothing was changed')


class Store:
    """A connection to one store file."""

    def __init__(self, path: str) -> None:
        path = os.fspath(path)  # a pathlib.Path works too
        self.path = path
        OPENED.append(path)
        parent = os.path.dirname(path) or "."
        try:
            os.makedirs(parent, exist_ok=True)
        except OSError as e:
            raise ClientError(f'cannot create the store directory "{parent}": {e.strerror}') from None
        if os.path.exists(path):
            import stat

            try:
                mode = os.stat(path).st_mode
            except OSError as e:
                raise ClientError(f'the store "{path}" cannot be read: {e.strerror}') from None
            if not stat.S_ISREG(mode):
                # SQLite would write its journal beside it (/dev/null-journal) and fail at the first commit
                what = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
                raise ClientError(f'the store "{path}" is {what}: give --store the path of a file '
                                  "(a new one is created there)")
            if not os.access(path, os.R_OK | os.W_OK):
                raise ClientError(f'the store "{path}" is not readable and writable')
        try:
            new = not os.path.exists(path) or os.path.getsize(path) == 0
            self.conn = sqlite3.connect(path, timeout=120, isolation_level=None, check_same_thread=False)
            self.conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if new:  # before anything is written (WAL keeps the page size a file starts with): see PAGE_SIZE
                self.conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            pages = os.environ.get("MINIKCTL_TEST_MAX_PAGES")  # tests: a store that cannot grow (a full disk)
            if pages and pages.isdigit():
                self.conn.execute(f"PRAGMA max_page_count={int(pages)}")
        except sqlite3.DatabaseError as e:
            if "malformed" in str(e) or "full" in str(e) or "I/O" in str(e):
                raise store_error(path, e) from None
            raise ClientError(f'the store "{path}" is not a minikctl store ({e})') from None

    def close(self) -> None:
        self.conn.close()

    lock_timeout_s: float | None = None  # how long a writer waits for its turn (store/lock.py); None: the default

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator["Tx"]:
        """One command = one transaction. Rolled back on any exception (nothing half-done is kept).

        A writing transaction first waits for its turn in the store's queue (store/lock.py: fair, and it says who
        holds the store), then takes SQLite's write lock; a reading one reads a WAL snapshot and waits for no one."""
        if write:
            from minikctl.store.lock import Ticket

            self._ticket = Ticket(self.path, self.lock_timeout_s)
            self._ticket.acquire()
        try:
            with self._transaction(write) as tx:
                yield tx
        finally:
            if self._ticket is not None:
                if self._stepped:
                    self._ticket.stepping(False)
                    self._stepped = False
                self._ticket.release()
                self._ticket = None

    _ticket = None  # the writing transaction's turn (store/lock.py)
    _stepped = False  # this transaction said it runs in steps (renew)

    def contended(self) -> bool:
        """Whether another command waits for the store now."""
        return self._ticket is not None and self._ticket.others_waiting()

    def renew(self, tx: "Tx", pause: "Callable[[], None] | None" = None) -> None:
        """Commit what ``tx`` did so far and go on in a new transaction, the store released in between: a verb
        that waits (``get -w``, ``logs -f``, ``wait``) lives in short committed steps, and every command that
        arrived meanwhile writes before the next step (a new turn, at the end of the queue, as a ``clock advance``
        step takes). ``pause()`` runs while the store is free (it shows what the step printed, or sleeps).

        The same ``tx`` object goes on: its in-memory state is read afresh (another command may have written),
        and the savepoints it is inside are opened again at the new start (an error after this undoes only what
        came after it)."""
        tx.flush()
        tx.compact_changes()
        tx.flush_meta()
        self.conn.execute("COMMIT")
        if self._ticket is not None:
            if not self._stepped:  # between its steps, others see the store in use (lock.Ticket.in_use)
                self._ticket.stepping(True)
                self._stepped = True
            self._ticket.release()
        if pause is not None:
            pause()
        if self._ticket is not None:
            self._ticket.acquire(quiet=True)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as e:
            raise store_error(self.path, e) from None
        tx.renew()

    @contextmanager
    def _transaction(self, write: bool) -> Iterator["Tx"]:
        try:
            self.conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.DatabaseError as e:
            if "locked" in str(e) or "busy" in str(e):
                raise store_error(self.path, e) from None
            raise ClientError(f'the store "{self.path}" is not a minikctl store ({e})') from None
        tx = Tx(self.conn, self.path)
        try:
            tx.ensure_schema()
            if write:
                self._check_pages(tx)
                tx.ensure_rows()
            yield tx
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                tx.flush()
                tx.compact_changes()
                tx.flush_meta()
                self.conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def read_snapshot(self, tick_ms: int, *, busy_ok: bool = True) -> "Tx | None":
        """A read transaction on a WAL snapshot, for a command that only reads, when moving the clock by the tick
        wakes nothing (nothing due, the cluster bootstrapped): None when the command must write after all.
        The clock moves in the snapshot's memory only; ``bump_clock`` then stores it if no one wrote meanwhile."""
        try:
            self.conn.execute("BEGIN")
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError:
            self._rollback()
            return None
        if not {"meta", "objects", "runtime", "events", "changes", "history"} <= tables:
            self._rollback()
            return None
        tx = Tx(self.conn, self.path)
        tx._meta = dict(self.conn.execute("SELECT key, value FROM meta"))
        if tx._meta.get("format") != FORMAT or not tx._meta.get("bootstrap"):
            self._rollback()
            return None
        from minikctl.kube.timefmt import MAX_CLOCK_MS

        to = min(tx.now_ms + max(0, tick_ms), MAX_CLOCK_MS)
        if tx.next_due(to) is not None:
            from minikctl.store.lock import Ticket

            if not (busy_ok and Ticket(self.path).busy()):
                self._rollback()
                return None
            # the tick would wake something, but another command holds the store (a clock advance moving time
            # anyway): a read never waits, it shows the state last committed, as an API server would
            to = tx.now_ms
        tx.has_rows = "rows" in tables and tx._meta.get("rows") == tx._meta.get("revision")
        tx.read_only = True
        tx.snapshot = (tx.now_ms, to, tx.revision())
        tx._meta["clock_ms"] = str(to)
        return tx

    def end_snapshot(self, tx: "Tx") -> None:
        """End a read snapshot and store its clock move: a short write that waits for no one, done only when no
        command wrote since the snapshot and nothing became due (otherwise a writer moves the clock anyway)."""
        self._rollback()
        before, to, revision = tx.snapshot
        if to == before:
            return
        try:
            self.conn.execute("PRAGMA busy_timeout=0")
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error:
            return  # someone is writing: their command moves the clock
        finally:
            # the connection lives on (minikctl serve runs many requests over it): its next reader or writer
            # waits for a busy store again instead of failing with "database is locked"
            self.conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        try:
            self.conn.execute(
                "UPDATE meta SET value=? WHERE key='clock_ms' AND value=? "
                "AND (SELECT value FROM meta WHERE key='revision')=? "
                "AND NOT EXISTS (SELECT 1 FROM runtime WHERE wake_ms IS NOT NULL AND wake_ms <= ?)",
                (str(to), str(before), str(revision), to))
            self.conn.execute("COMMIT")
        except sqlite3.Error:
            self._rollback()

    def _check_pages(self, tx: "Tx") -> None:
        """SQLite's quick_check before a command writes: a page no query touches (the file's last one) can be
        corrupt while everything else answers. A small store is checked by every writing command; a big one
        (the check reads every page: ~70 ms per 10 MB) once every CHECK_EVERY revisions."""
        size = self.conn.execute("PRAGMA page_count").fetchone()[0] * self.conn.execute(
            "PRAGMA page_size").fetchone()[0]
        rev = int(tx.meta("revision", "0") or 0)
        if size > CHECK_ALWAYS_BYTES and rev - int(tx.meta("checked_revision", "0") or 0) < CHECK_EVERY:
            return
        rows = self.conn.execute("PRAGMA quick_check(1)").fetchall()
        if rows != [("ok",)]:
            raise damaged(self.path, str(rows[0][0]) if rows else "quick_check gave no answer")
        if size > CHECK_ALWAYS_BYTES:
            tx.set_meta("checked_revision", str(rev))

    def _rollback(self) -> None:
        """Undo the command's transaction; SQLite may have done it already (SQLITE_FULL, an I/O error), and a
        failure here must not hide the error that brought us here."""
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass


class Tx(runtime.RuntimeRecords, events.EventLog):
    """Everything a command may do to the store, inside its transaction."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._meta: dict[str, str] = {}
        self._dirty: set[str] = set()
        # events touched in this transaction, written back once (a crash loop aggregates the same few
        # events thousands of times per advance): dedup key -> [namespace, name, event, dirty]
        self._events: dict[tuple, list] = {}
        # stored events not yet in _events, read per involved object in one query (a pod's few
        # events are looked up together): dedup -> (namespace, name, body); _ev_uids = uids read
        self._ev_rows: dict[tuple, tuple] = {}
        self._ev_uids: set[str] = set()
        # uid -> its stored rows not decoded yet (store/events.py EventLog._pending)
        self._ev_raw: dict[str, list] = {}
        self._groups: dict[str, dict] = {}  # the event aggregator's view of each object read (store/events.py)
        self._history: dict[str, tuple] = {}  # uid -> last (seq, summary) recorded in this transaction
        # the revision of each object's last write in this transaction (create, update): while it is a change's,
        # the stored text is that change's and ``get_with_body(like=change)`` need not read it (the scheduler
        # reads each pod an apply -f created); forgotten when the object is deleted or restored, or a step undone
        self._last_rv: dict[tuple, int] = {}
        # the uids of the objects this transaction created with a uid it drew itself (``new_uid``): no stored event
        # or aggregator record names them until an event about one is flushed (store/events.py ``_cached_event``
        # need not look; each uid is drawn once, from the ``uid`` counter)
        self._no_events: set[str] = set()
        self._drawn_uid = ""  # the last uid ``new_uid`` drew
        # objects read through ``get_shared`` (admission's Namespace and ServiceAccount), until they are written
        self._shared: dict[tuple, dict] = {}
        # keys ``get`` found not stored, until they are created or a step is undone: ``exists`` answers from them
        # (apply -f looks a document's object up, then its create asks whether it exists)
        self._absent: set[tuple] = set()
        # the objects this transaction wrote whose printed rows are not yet stored (store/rows.py): computed
        # once per object when they are written, whatever the number of writes: (kind, namespace, name) ->
        # (rv, the body last written, or None when the object was deleted). Inside savepoints this is the
        # innermost step's; each open savepoint's frame holds the rows pending when it began (``savepoint``), so
        # that a step neither writes them (an apply of 10,000 pods computes each pod's row once, after the
        # scheduler's write, not once more per document) nor loses them when it is undone.
        self._rows: dict[tuple, tuple] = {}
        # the rows table is complete (its meta ``rows`` is the store's revision): reads may list it
        self.has_rows = False
        # while the engine advances (start_due_queue .. end_due_queue): the wake-up order is kept in
        # memory and runtime records are written back once, at the end, instead of at every step
        self._due: list | None = None  # heap of (wake_ms, kind, namespace, name); stale entries skipped
        self._due_bound = 0  # the queue holds every record due at or before this
        self._wakes: dict[tuple, int | None] = {}  # (kind, namespace, name) -> current wake_ms, for the queue
        self._rt: dict[tuple, tuple] = {}  # (kind, namespace, name) -> (wake_ms, body or None) not yet written
        # objects updated during the queue, written back with it: (kind, namespace, name) -> (rv, body);
        # _stored = keys read from the table during the queue (an update of those cannot miss)
        self._obj: dict[tuple, tuple] = {}
        self._obj_kinds: set[str] = set()  # the kinds of _obj's keys (list_current asks)
        # list_current's answers, kept until an object of their kind is written (every container start of a crash
        # loop reads its namespace's Services): (kind, namespace, fields) -> objects; _listed_kinds: their kinds
        self._listed: dict[tuple, list] = {}
        self._listed_kinds: set[str] = set()
        self._stored: set[tuple] = set()
        # the change log: ``feed`` holds this transaction's changes for the cluster's loop (it takes them);
        # ``_changes`` the rows of those not yet written to the table (``changelog.row``)
        self.feed: list[Change] = []
        self._changes: list[tuple] = []
        self.writer = ""  # who writes now: "" (a user's command) or a component (kubelet, a controller)
        # every change of the transaction in order, kept when a caller sets a list here (savepoint rollbacks
        # take theirs back): an in-process watch cache (minikctl serve) gets each revision's body from it
        self.journal: list[Change] | None = None
        self.read_only = False  # a read snapshot (Store.read_snapshot): nothing may be written
        # writes of the objects admission reads of a pod (READ_BY_ADMISSION), and steps undone: the stamps' test of
        # whether a template still holds (api/stamp.py ``environment``); ``stamps`` holds the templates
        self.admission_writes = 0
        self.stamps: dict = {}
        # kind -> what a component's informer reads of every object of that kind it lists, worked out from the
        # object as it is written (``Change.facts``) rather than from its text decoded again at the next list
        # (engine/controllers/informer.py): the function must read only what the JSON text keeps, and copy
        # what it keeps of the object (the writer may change the object afterwards)
        self.facts: dict[str, Callable[[dict], object]] = {}
        self.snapshot: tuple[int, int, int] | None = None
        self._savepoints: list[list] = []  # the open savepoints' saved state, innermost last

    # ---- schema and meta ---------------------------------------------------------------
    def ensure_schema(self) -> None:
        try:
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as e:
            raise ClientError(f'the store "{self.path}" is not a minikctl store ({e})') from None
        if "meta" not in tables:
            if tables:
                raise ClientError(f'the store "{self.path}" is not a minikctl store (unexpected tables)')
            for stmt in _SCHEMA.strip().split(";"):
                if stmt.strip():
                    self.conn.execute(stmt)
            seed = os.environ.get("MINIKCTL_SEED", DEFAULT_SEED)
            ttl = events.ttl_from_environment()
            for k, v in (("format", FORMAT), ("seed", seed), ("clock_ms", str(DEFAULT_EPOCH_MS)), ("revision", "0"),
                         ("event_ttl_ms", str(ttl))):
                self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (k, v))
        self._meta = dict(self.conn.execute("SELECT key, value FROM meta"))
        fmt = self._meta.get("format")
        if fmt == "minikctl-store/2" and not self.read_only:
            # the events table of format 2 (whole events, their dedup keys indexed) is rewritten compact; nothing
            # else differs (a read snapshot of such a store is not taken: Store.read_snapshot wants this format)
            events.migrate(self.conn)
            self.conn.execute("UPDATE meta SET value=? WHERE key='format'", (FORMAT,))
            self._meta["format"] = fmt = FORMAT
        if fmt != FORMAT:
            if fmt == "minikctl-store/1":
                raise ClientError(f'the store "{self.path}" was made by an older minikctl (format {fmt}; this one '
                                  f'reads {FORMAT}): move it aside to start a new one, e.g. mv "{self.path}" '
                                  f'"{self.path}.old"')
            raise ClientError(f'the store "{self.path}" is not a minikctl store (format {fmt!r})')
        if "correlator" not in tables and not self.read_only:
            events.ensure_correlator(self.conn)  # a store made before it (store/events.py)
        if "history" not in tables:
            history.ensure(self.conn)
        if "logs" not in tables and not self.read_only:
            logs.ensure(self.conn)  # a store made before the log table (its records carry their lines)
        if "rows" not in tables and not self.read_only:  # a read-only transaction writes nothing, not even this
            rows.ensure(self.conn)
            tables.add("rows")
        self.has_rows = "rows" in tables and self._meta.get("rows") == self._meta["revision"]

    def ensure_rows(self) -> None:
        """A writing transaction first makes the printed rows complete (store/rows.py): a store made before
        the table, or written since by a minikctl that does not keep it, gets every object's row again."""
        if not self.has_rows:
            rows.rebuild(self.conn)
            self.set_meta("rows", self._meta["revision"])
            self.has_rows = True

    def meta(self, key: str, default: str | None = None) -> str | None:
        return self._meta.get(key, default)

    def set_meta(self, key: str, value: str) -> None:
        self._meta[key] = value
        self._dirty.add(key)

    def del_meta(self, key: str) -> None:
        """The key is gone (a value kept only between two transactions)."""
        if self._meta.pop(key, None) is not None:
            self._dirty.discard(key)
            self.conn.execute("DELETE FROM meta WHERE key=?", (key,))

    def flush_meta(self) -> None:
        for key in sorted(self._dirty):
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, self._meta[key]))
        self._dirty.clear()

    def flush(self, *, rows: bool = True, changes: bool = True) -> None:
        """Write back everything kept in memory (events, runtime records, objects, with ``changes`` the change
        log, and with ``rows`` the printed rows)."""
        self.flush_events()
        self.flush_runtime()
        self.flush_objects()
        if changes and self._changes:
            changelog.write_rows(self.conn, self._changes)
            self._changes = []
        if rows:
            self.flush_rows()
            if self.has_rows and self._meta.get("rows") != self._meta["revision"]:
                self.set_meta("rows", self._meta["revision"])  # every write of this transaction kept its row

    def flush_rows(self, keep_fresh: bool = False) -> None:
        """Store the printed rows still pending (the open savepoints' too), before the rows table is read and
        at the end. A savepoint whose pending rows were written inside a later step gets them back as pending
        if that step is undone (``savepoint``).

        ``keep_fresh`` (the bound on pending rows reached, ``_row_written``): the rows of this step still to be
        computed from their bodies stay pending, up to half the bound: the object is likely to be written again
        soon with its row (an apply -f of 10,000 pods reaches the bound while the scheduler writes the status of the
        pods created since the last settle: each would be decoded and stored, then stored again). The table is
        the same once everything is stored: a key's last write is stored last, and nothing reads the table
        before storing all (``Api.list_printed``)."""
        kept: dict = {}
        if keep_fresh:
            kept = {k: v for k, v in self._rows.items() if len(v) == 2 and v[1] is not None}
            if len(kept) > ROWS_PENDING // 2:
                kept = {}
        frames = [f for f in self._savepoints if f[5] is None and f[4]]
        if not frames:
            if self._rows:
                if kept:
                    rows.write(self.conn, {k: v for k, v in self._rows.items() if k not in kept})
                    self._rows = kept
                else:
                    rows.write(self.conn, self._rows)
            return
        merged: dict = {}
        for f in frames:
            merged.update(f[4])
        merged.update(self._rows)
        for k in kept:
            del merged[k]
        rows.write(self.conn, merged)
        depth = len(self._savepoints)
        for f in frames:
            f[5] = depth  # written inside the step at this depth: pending again if it is undone
        self._rows = kept

    def _row_written(self, key: tuple, value: tuple) -> None:
        self._rows[key] = value
        if len(self._rows) >= ROWS_PENDING:  # bounded memory: a big apply stores them as it goes
            self.flush_rows(keep_fresh=TRUST_WRITES)

    def compact_changes(self, keep: int = changelog.KEEP) -> None:
        """Drop the change log's rows older than the last ``keep`` revisions (a watch from one gets 410 Gone)."""
        oldest = changelog.compact(self.conn, int(self._meta["revision"]), keep)
        if oldest is not None:
            self.set_meta("changes:oldest", str(oldest))

    def _savepoint_frame(self) -> list:
        # [meta, dirty meta keys, feed length, journal length, the rows pending when the step began, the depth
        # of the step in which those were written (None: still pending), the list of changes not yet written
        # when it began and their number]
        return [dict(self._meta), set(self._dirty), len(self.feed),
                len(self.journal) if self.journal is not None else 0, {}, None, self._changes, len(self._changes)]

    def renew(self) -> None:
        """After ``Store.renew`` began a new transaction: forget what was kept in memory (other commands may have
        written since), read the meta again, and open again the savepoints this transaction is inside."""
        keep = {k: v for k, v in self.__dict__.items() if k in ("journal", "watch_events", "_savepoints")}
        conn, path = self.conn, self.path
        self.__dict__.clear()  # whatever a component kept on the transaction too
        self.__init__(conn, path)
        self.__dict__.update(keep)
        self._meta = dict(self.conn.execute("SELECT key, value FROM meta"))
        self.has_rows = self._meta.get("rows") == self._meta["revision"]  # unless another minikctl wrote since
        self.ensure_rows()
        for frame in self._savepoints:
            self.conn.execute("SAVEPOINT step")
            frame[:] = self._savepoint_frame()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested all-or-nothing step: one object of a multi-object command fails without a trace.

        The changes not yet written stay so (an ``apply -f`` of 10,000 pods writes the log in batches, not one
        row per document): a write of the log replaces ``_changes`` by a new list and leaves the old one as it
        was, so that a step undone (its writes with it) takes back the list it began with, cut to its length."""
        self.flush(rows=False, changes=False)
        frame = self._savepoint_frame()  # Tx.renew refreshes it when the transaction is renewed inside the step
        frame[4], self._rows = self._rows, {}  # the rows pending so far stay pending, outside the step
        self._savepoints.append(frame)
        self.conn.execute("SAVEPOINT step")
        try:
            yield
        except BaseException:
            depth = len(self._savepoints)
            self._savepoints.pop()
            if not self.conn.in_transaction:  # SQLite undid the whole transaction (SQLITE_FULL): nothing to step back
                raise
            meta, dirty, fed, journaled, pending, _written, unwritten, n_unwritten = frame
            self.admission_writes += 1  # what the step wrote, a Namespace as much as a Pod, never happened
            self.conn.execute("ROLLBACK TO SAVEPOINT step")
            self.conn.execute("RELEASE SAVEPOINT step")
            self._meta, self._dirty = meta, dirty
            self._events.clear()
            self._ev_rows.clear()
            self._ev_uids.clear()
            self._ev_raw.clear()
            self._expired_floor = None  # the events the step's expiry deleted are back
            self._correlated = None  # and the aggregator's entries it remembered are gone
            self._obj.clear()  # written inside the step: rolled back with it
            self._last_rv.clear()
            self._obj_kinds.clear()
            self._listed.clear()  # read inside the step, perhaps after a write it undid
            self._listed_kinds.clear()
            # the step's rows never happened; those pending before it are pending again (written inside it, they
            # were rolled back with it), and so are the outer steps' that were written inside it
            self._rows = pending
            for f in self._savepoints:
                if f[5] is not None and f[5] >= depth:
                    f[5] = None
            self._rt.clear()
            self._history.clear()
            self._shared.clear()  # what was read in the step may have been written there
            self._absent.clear()  # what the step deleted (and found absent since) is back
            del self.feed[fed:]  # what the step wrote never happened
            if self.journal is not None:
                del self.journal[journaled:]
            del unwritten[n_unwritten:]  # the step's; those before it are to be written (again, if the step did)
            self._changes = unwritten
            raise
        else:
            depth = len(self._savepoints)
            self._savepoints.pop()
            self.conn.execute("RELEASE SAVEPOINT step")
            if frame[5] is None:  # the rows pending before the step, then the step's
                frame[4].update(self._rows)
                self._rows = frame[4]
            for f in self._savepoints:  # written inside the step: now inside the enclosing one
                if f[5] is not None and f[5] >= depth:
                    f[5] = depth - 1

    # ---- clock and deterministic identifiers ------------------------------------------
    @property
    def now_ms(self) -> int:
        return int(self._meta["clock_ms"])

    def set_now(self, ms: int) -> None:
        if ms != self.now_ms:
            self.set_meta("clock_ms", str(ms))

    def counter(self, name: str) -> int:
        """Next value of a named persistent counter (starting at 1)."""
        key = "counter:" + name
        meta = self._meta
        value = int(meta.get(key, "0")) + 1
        meta[key] = str(value)  # set_meta's two steps (three counters and a revision for every event recorded)
        self._dirty.add(key)
        return value

    _seeded: tuple | None = None  # (seed, its hash so far), for digest

    def digest(self, *parts: object) -> str:
        """64 hex chars derived from the seed and the given parts."""
        return self._digest_state(parts).hexdigest()

    def _digest_state(self, parts: tuple, seeded: tuple | None = None) -> object:
        """The hash ``digest`` has taken in once it has hashed ``parts`` (not yet read out), continuing from
        ``seeded`` (a state it gave, with the seed it was made with) when that is of the store's seed."""
        seed = self._meta["seed"]
        if seeded is None or seeded[0] != seed:
            seeded = self._seeded
            if seeded is None or seeded[0] != seed:
                from minikctl.kube.digest import sha256  # here, not at the top: read-only commands never need it

                seeded = self._seeded = (seed, sha256(seed.encode()))
        h = seeded[1].copy()  # the seed hashed once (a uid, a name suffix and an event's uid for every pod created)
        for p in parts:
            h.update(b"\0" + str(p).encode())
        return h

    def new_uid(self) -> str:
        meta = self._meta  # counter("uid"), its steps written out (a uid for every object and event made)
        n = int(meta.get("counter:uid", "0")) + 1
        meta["counter:uid"] = str(n)
        self._dirty.add("counter:uid")
        uid = self._drawn_uid = self.uid_at(n)
        return uid

    _uid_seeded: tuple | None = None  # (seed, the hash of the seed and "uid"), for uid_at

    def uid_at(self, n: int) -> str:
        """The uid ``new_uid`` gives when the uid counter reaches ``n``: ``digest("uid", n)`` in UUIDv4 shape (the
        seed and "uid" hashed once; what ``digest`` hashes next for an int is its decimal text)."""
        seed = self._meta["seed"]
        seeded = self._uid_seeded
        if seeded is None or seeded[0] != seed:
            seeded = self._uid_seeded = (seed, self._digest_state(("uid",)))
        state = seeded[1].copy()  # _digest_state((n,), seeded), its one part written out
        state.update(b"\0" + str(n).encode())
        h = state.hexdigest()
        # UUIDv4 shape: version nibble 4, variant 8-b
        return f"{h[0:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"

    def name_suffix(self, n: int = 5) -> str:
        """Like apiserver's generateName suffix: n characters from the non-vowel alphabet."""
        return self.suffix_at(self.counter("suffix"), n)

    def suffix_at(self, count: int, n: int = 5) -> str:
        """The suffix ``name_suffix`` gives when the suffix counter reaches ``count``."""
        alphabet = "bcdfghjklmnpqrstvwxz2456789"
        h = self.digest("suffix", count)
        value = int(h, 16)
        out = []
        for _ in range(n):
            value, r = divmod(value, len(alphabet))
            out.append(alphabet[r])
        return "".join(out)

    def next_rv(self) -> int:
        if self.held is not None:  # writes the engine holds back take their revisions first (kubelet/parked.py)
            self.held(False)
        meta = self._meta
        rv = int(meta["revision"]) + 1
        meta["revision"] = str(rv)  # set_meta's two steps
        self._dirty.add("revision")
        return rv

    # ---- objects ----------------------------------------------------------------------
    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        found = self.get_with_body(kind, namespace, name)
        return None if found is None else found[0]

    def get_with_body(self, kind: str, namespace: str, name: str,
                      like: Change | None = None, decode=None) -> tuple[dict, str] | None:
        """``get``, and the stored JSON the object was decoded from. ``like``: a change of the object this
        transaction made; while the stored text is still that change's, the object is the change's ``snapshot``
        (a stamped pod's is made without decoding, store/changelog.py ``Remade``). ``decode``: a function that
        gives what ``json.loads`` gives for the stored text, or None when it cannot (then it is decoded)."""
        if self._obj:
            pending = self._obj.get((kind, namespace, name))
            if pending is not None:
                obj = None if decode is None else decode(pending[1])
                return (json.loads(pending[1]) if obj is None else obj), pending[1]
        if like is not None and TRUST_WRITES and self._last_rv.get((kind, namespace, name)) == like.rv:
            if self._due is not None:
                self._stored.add((kind, namespace, name))
            return like.snapshot(), like.body
        row = self.conn.execute(
            "SELECT body FROM objects WHERE kind=? AND namespace=? AND name=?", (kind, namespace, name)
        ).fetchone()
        if row is None:
            self._absent.add((kind, namespace, name))
            return None
        if self._due is not None:
            self._stored.add((kind, namespace, name))
        if like is not None and like.body == row[0]:
            return like.snapshot(), row[0]
        obj = None if decode is None else decode(row[0])
        if obj is None:
            obj = _loads_row(self.path, row[0], f"the row of {kind} {namespace}/{name}")
        if not isinstance(obj.get("metadata"), dict):
            raise damaged(self.path, f"the row of {kind} {namespace}/{name} has no metadata")
        return obj, row[0]

    def peek(self, kind: str, namespace: str, name: str, paths: tuple[str, ...]) -> tuple | None:
        """A few fields of the stored object read in SQL (``json_extract``: a missing field or a JSON null is
        None; an object or a list is its JSON text), without decoding its body: the values in ``paths``' order,
        None when it is absent (the text held in memory, ``_obj``, is read the same way). Records what
        ``get_with_body`` records of the read."""
        key = (kind, namespace, name)
        if self._obj:
            pending = self._obj.get(key)
            if pending is not None:
                return self.conn.execute("SELECT " + ", ".join("json_extract(?1, ?)" for _ in paths),
                                         (pending[1], *paths)).fetchone()
        row = self.conn.execute(
            "SELECT " + ", ".join("json_extract(body, ?)" for _ in paths)
            + " FROM objects WHERE kind=? AND namespace=? AND name=?", (*paths, kind, namespace, name)).fetchone()
        if row is None:
            self._absent.add(key)
            return None
        if self._due is not None:
            self._stored.add(key)
        return row

    def get_shared(self, kind: str, namespace: str, name: str) -> dict | None:
        """``get`` for a caller that only reads what it gets (admission looks up the Namespace and the
        ServiceAccount of every pod created): the decoded object is kept for the transaction's next reads of it,
        until it is written (``create``, ``update``, ``delete``) or a savepoint is undone. The caller must not
        change it."""
        key = (kind, namespace, name)
        found = self._shared.get(key)
        if found is None:
            found = self.get(kind, namespace, name)
            if found is not None:
                self._shared[key] = found
        return found

    def flush_objects(self) -> None:
        """Write back the object updates kept in memory during the due queue (the objects table is then current;
        the printed rows are ``flush_rows``')."""
        if self._obj:
            self.conn.executemany("UPDATE objects SET rv=?, body=? WHERE kind=? AND namespace=? AND name=?",
                                  [(rv, body, k, ns, name) for (k, ns, name), (rv, body) in self._obj.items()])
            self._obj.clear()
            self._obj_kinds.clear()

    def exists(self, kind: str, namespace: str, name: str) -> bool:
        if (kind, namespace, name) in self._obj:
            return True
        if (kind, namespace, name) in self._absent:
            return False
        return self.conn.execute(
            "SELECT 1 FROM objects WHERE kind=? AND namespace=? AND name=?", (kind, namespace, name)
        ).fetchone() is not None

    def list(self, kind: str, namespace: str | None = None, fields: tuple[str, ...] = ()) -> list[dict]:
        """Objects of a kind, ordered by namespace then name (etcd key order).

        ``fields`` (dotted paths) projects each object to just those fields inside SQLite, so a caller
        that prints a few columns of 10,000 objects does not decode them whole; missing fields are None.
        """
        self.flush_objects()
        return self._select(kind, namespace, fields)

    def list_current(self, kind: str, namespace: str | None = None, fields: tuple[str, ...] = ()) -> list[dict]:
        """``list`` for a reader inside the engine's due queue (an exec probe's environment reads the Services):
        the queue's pending object updates are written back only when one of them is of this kind. They are kept
        in memory so that a pod updated many times in one advance is written once, and a read of another kind
        has no reason to write them now. The answer is kept until an object of the kind is written (every write of
        the transaction passes through create, update or delete): its callers read it and never change it."""
        key = (kind, namespace, fields)
        found = self._listed.get(key)
        if found is None:
            if kind in self._obj_kinds:
                self.flush_objects()
            found = self._listed[key] = self._select(kind, namespace, fields)
            self._listed_kinds.add(kind)
        return found

    def _written(self, kind: str) -> None:
        """An object of ``kind`` is written: list_current's answers for the kind are out of date."""
        self._listed = {k: v for k, v in self._listed.items() if k[0] != kind}
        self._listed_kinds.discard(kind)

    def _select(self, kind: str, namespace: str | None, fields: tuple[str, ...]) -> list[dict]:
        body = _projection(fields) if fields else "body"
        if namespace is None:
            rows = self.conn.execute(f"SELECT {body} FROM objects WHERE kind=? ORDER BY namespace, name", (kind,))
        else:
            rows = self.conn.execute(
                f"SELECT {body} FROM objects WHERE kind=? AND namespace=? ORDER BY name", (kind, namespace)
            )
        loads = json.loads
        try:
            out = [loads(r[0]) for r in rows]
        except (ValueError, TypeError):
            raise damaged(self.path, f"a row of the {kind} objects is not valid JSON") from None
        if not all(type(o) is dict and type(o.get("metadata")) is dict for o in out) or (
                "metadata.name" in fields and not all(type(o["metadata"].get("name")) is str for o in out)):
            raise damaged(self.path, f"a row of the {kind} objects is not an object with metadata")
        return out

    def scan(self, kind: str, namespace: str | None = None):
        """(namespace, name, body) of every object of a kind (in ``namespace``; None: all), in namespace/name
        order, as a cursor: the bodies are read one at a time (a listing of 50,000 objects holds one)."""
        self.flush_objects()
        if namespace is None:
            return self.conn.execute("SELECT namespace, name, body FROM objects WHERE kind=? ORDER BY namespace, name",
                                     (kind,))
        return self.conn.execute("SELECT namespace, name, body FROM objects WHERE kind=? AND namespace=? "
                                 "ORDER BY name", (kind, namespace))

    def names(self, kind: str, namespace: str | None = None, prefix: str = "") -> list[str]:
        """Names only (cheap: no JSON decoding), for completion."""
        self.flush_objects()
        sql = "SELECT name FROM objects WHERE kind=? AND name >= ? AND name < ?"
        args: list[Any] = [kind, prefix, prefix + "\U0010ffff"]
        if namespace is not None:
            sql += " AND namespace=?"
            args.append(namespace)
        return [r[0] for r in self.conn.execute(sql + " ORDER BY name", args)]

    def create(self, obj: dict, encode: Callable[[dict], str] | None = None,
               remake: Callable[[str, str, str], dict] | None = None, source: object = None,
               summary: str | None = None) -> dict:
        """Persist a new object; fills uid, resourceVersion and creationTimestamp. ``encode``: what gives the
        object's JSON once they are filled in, the very text the store's encoder would write (a pod stamped from
        a template, api/stamp.py: the template's text with the pod's own values put in). ``remake(creation
        timestamp, resourceVersion, body)``: what makes the stored object again, for the change's ``snapshot``
        (changelog.Remade), and ``source`` what made it (the change's). ``summary``: a pod's history summary
        (history.summary_text), when the writer knows it."""
        from minikctl.kube.timefmt import rfc3339

        meta = obj.setdefault("metadata", {})
        meta["uid"] = meta.get("uid") or self.new_uid()  # the API server fills it before admission
        meta["creationTimestamp"] = rfc3339(self.now_ms)
        rv = self.next_rv()
        meta["resourceVersion"] = str(rv)
        ns = meta.get("namespace", CLUSTER)
        if self._shared:
            self._shared.pop((obj["kind"], ns, meta["name"]), None)
        if self._absent:
            self._absent.discard((obj["kind"], ns, meta["name"]))
        body = _dumps(obj) if encode is None else encode(obj)
        if obj["kind"] in self._listed_kinds:
            self._written(obj["kind"])
        self.conn.execute(
            "INSERT INTO objects (kind, namespace, name, uid, rv, body) VALUES (?, ?, ?, ?, ?, ?)",
            (obj["kind"], ns, meta["name"], meta["uid"], rv, body),
        )
        self._row_written((obj["kind"], ns, meta["name"]), (rv, body))
        self._last_rv[(obj["kind"], ns, meta["name"])] = rv
        if meta["uid"] == self._drawn_uid and TRUST_WRITES:
            self._no_events.add(meta["uid"])
        if remake is None:
            self._log(Change(rv, ADDED, obj["kind"], ns, meta["name"], meta["uid"], body, obj, self.writer))
        else:
            change = Remade(rv, ADDED, obj["kind"], ns, meta["name"], meta["uid"], body, obj, self.writer)
            change.remake = partial(remake, meta["creationTimestamp"], meta["resourceVersion"])
            change.source = source
            self._log(change)
        if obj["kind"] == "Pod":
            history.record(self.conn, obj, self.now_ms, self._history, new=True, text=summary)
        return obj

    def update(self, obj: dict, *, row_now: bool = False, encode: Callable[[dict], str] | None = None,
               printed: Callable[[dict, str], tuple] | None = None, summary: str | None = None) -> dict:
        """Write a changed object back with a new resourceVersion. ``row_now``: the writer expects no other write
        of it soon, so its printed row is computed now from ``obj`` (not decoded again from the body at the next
        flush; an object written again before then gets its row from its last body as usual). ``encode``: what
        gives the object's JSON once its resourceVersion is set, the very text the store's encoder would write
        (the scheduler's status write of a pod whose stored text it has, engine/controllers/scheduler.py);
        ``printed(obj, body)``: what gives its printed row with ``row_now``, the very row ``rows.of_object``
        gives (the same scheduler's for the pods of one template; the kubelet's status write of a pod started at
        the same instant as its twin, kubelet/statustwins.py); ``summary``: Tx.create's."""
        meta = obj["metadata"]
        rv = self.next_rv()
        meta["resourceVersion"] = str(rv)
        ns = meta.get("namespace", CLUSTER)
        if self._shared:
            self._shared.pop((obj["kind"], ns, meta["name"]), None)
        body = _dumps(obj) if encode is None else encode(obj)
        if obj["kind"] in self._listed_kinds:
            self._written(obj["kind"])
        change = Change(rv, MODIFIED, obj["kind"], ns, meta["name"], meta.get("uid", ""), body, obj, self.writer)
        self._row_written((obj["kind"], ns, meta["name"]),
                          (rv, body, (rows.of_object if printed is None else printed)(obj, body)) if row_now
                          else (rv, body))
        if self._due is not None:
            key = (obj["kind"], ns, meta["name"])
            if key in self._obj or key in self._stored:  # known to be stored: written back with the queue
                self._obj[key] = (rv, body)
                self._obj_kinds.add(key[0])
                self._last_rv[key] = rv
                self._log(change)
                if obj["kind"] == "Pod":
                    history.record(self.conn, obj, self.now_ms, self._history, text=summary)
                return obj
        cur = self.conn.execute(
            "UPDATE objects SET rv=?, body=? WHERE kind=? AND namespace=? AND name=?",
            (rv, body, obj["kind"], ns, meta["name"]),
        )
        if cur.rowcount != 1:
            raise KeyError(f"{obj['kind']} {meta.get('namespace')}/{meta['name']} is not stored")
        self._last_rv[(obj["kind"], ns, meta["name"])] = rv
        self._log(change)
        if obj["kind"] == "Pod":
            history.record(self.conn, obj, self.now_ms, self._history, text=summary)
        return obj

    def delete(self, kind: str, namespace: str, name: str) -> dict | None:
        """Remove an object; returns its last state (None when there was none)."""
        pending = self._obj.pop((kind, namespace, name), None)  # the row itself is still there: deleted below
        self._last_rv.pop((kind, namespace, name), None)
        if kind in self._listed_kinds:
            self._written(kind)
        if self._shared:
            self._shared.pop((kind, namespace, name), None)
        self._stored.discard((kind, namespace, name))
        row = self.conn.execute("SELECT body FROM objects WHERE kind=? AND namespace=? AND name=?",
                                (kind, namespace, name)).fetchone()
        if row is None and pending is None:
            return None
        body = pending[1] if pending is not None else row[0]
        last = _loads_row(self.path, body, f"the row of {kind} {namespace}/{name}")
        uid = (last.get("metadata") or {}).get("uid", "")
        if kind == "Pod":
            history.forget(self.conn, uid, self._history)
        self.conn.execute("DELETE FROM objects WHERE kind=? AND namespace=? AND name=?", (kind, namespace, name))
        self._row_written((kind, namespace, name), (0, None))
        # a deletion is a revision of its own (etcd's delete revision), the object keeps its last resourceVersion
        rv = self.next_rv()
        self._log(Change(rv, DELETED, kind, namespace, name, uid, body, last, self.writer))
        return last

    def _log(self, change: Change) -> None:
        if change.kind in READ_BY_ADMISSION:
            self.admission_writes += 1
        if self.facts and change.type != DELETED:
            facts = self.facts.get(change.kind)
            if facts is not None:
                try:
                    change.facts = facts(change.obj)
                except Exception:  # an object its reader would not expect: read from its text, as before
                    change.facts = None
        self.feed.append(change)
        self._changes.append(changelog.row(change))
        if self.journal is not None:
            self.journal.append(change)
        if len(self._changes) >= 4096:  # a big apply: write the log as it goes, not 100,000 changes held to the end
            changelog.write_rows(self.conn, self._changes)
            self._changes = []

    def restore(self, kind: str, namespace: str, name: str, rv: int, obj: dict | None,
                body: str | None = None) -> None:
        """Store an object's body and revision as a run of the cluster would have left them, with no change of its
        own: the engine's skip over identical CronJob runs (engine/cronskip.py) sets what the skipped runs wrote
        last. The object must be stored and nothing else in the transaction hold a newer state of it. ``body``: the
        object's text, when the caller has it (``obj`` is then not read)."""
        self.restore_many([(kind, namespace, name, rv, _dumps(obj) if body is None else body)])

    def restore_many(self, rows: list) -> None:
        """``restore`` of each (kind, namespace, name, rv, body text) in turn, in one statement (a skip that moves a
        thousand pods at once: engine/flapskip.py)."""
        self.flush_objects()
        cur = self.conn.executemany("UPDATE objects SET rv=?, body=? WHERE kind=? AND namespace=? AND name=?",
                                    [(rv, body, kind, ns, name) for kind, ns, name, rv, body in rows])
        if cur.rowcount != len(rows):  # one row a key (the table's): as many as given when each is stored
            raise KeyError(f"{rows[0][0]} {rows[0][1]}/{rows[0][2]} is not stored" if len(rows) == 1
                           else "an object restored is not stored")
        for kind, ns, name, rv, body in rows:
            self._stored_quietly((kind, ns, name), rv, body)

    def _stored_quietly(self, key: tuple, rv: int, body: str | None) -> None:
        """What the transaction keeps of an object stored (``body``) or removed (None) with no change of its own
        (``restore``, ``place``, ``drop``): nothing read of it before holds, its printed row follows."""
        if self._shared:
            self._shared.pop(key, None)
        self._last_rv.pop(key, None)
        if key[0] in READ_BY_ADMISSION:
            self.admission_writes += 1
        if key[0] in self._listed_kinds:
            self._written(key[0])
        self._row_written(key, (rv, body))

    def place(self, kind: str, namespace: str, name: str, uid: str, rv: int, body: str) -> None:
        """Store a new object as a run of the cluster would have left it, with no change of its own: the runs the
        CronJobs' history limits keep at the end of a skip (engine/crontail.py). Its history entries, runtime
        record and logs are the caller's to write."""
        self.flush_objects()
        key = (kind, namespace, name)
        if self._absent:
            self._absent.discard(key)
        self.conn.execute("INSERT INTO objects (kind, namespace, name, uid, rv, body) VALUES (?, ?, ?, ?, ?, ?)",
                          (kind, namespace, name, uid, rv, body))
        self._stored_quietly(key, rv, body)

    def drop(self, kind: str, namespace: str, name: str) -> None:
        """Remove a stored object with no change of its own (the counterpart of ``place``), and a pod's history.
        Its runtime record and logs are the caller's to remove."""
        self.flush_objects()
        key = (kind, namespace, name)
        row = self.conn.execute("SELECT uid FROM objects WHERE kind=? AND namespace=? AND name=?", key).fetchone()
        if row is None:
            raise KeyError(f"{kind} {namespace}/{name} is not stored")
        if kind == "Pod":
            history.forget(self.conn, row[0], self._history)
        self.conn.execute("DELETE FROM objects WHERE kind=? AND namespace=? AND name=?", key)
        self._stored.discard(key)
        self._stored_quietly(key, 0, None)

    def history_moved(self) -> None:
        """The history table was appended to past what this transaction remembers of each pod's last entry (the
        engine's skip over repeating minutes, engine/flapskip.py): the next entry reads the last one again."""
        self._history.clear()

    def meta_items(self) -> dict[str, str]:
        """Every meta key and its value, as this transaction sees them."""
        return dict(self._meta)

    def revision(self) -> int:
        """The store's current revision (the resourceVersion of a list)."""
        return int(self._meta["revision"])

    def count(self, kind: str) -> int:
        self.flush_objects()
        return self.conn.execute("SELECT count(*) FROM objects WHERE kind=?", (kind,)).fetchone()[0]



def open_store(explicit: str | None = None) -> Store:
    return Store(store_path(explicit))

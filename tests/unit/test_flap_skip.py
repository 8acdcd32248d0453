"""A long advance over pods whose readiness flaps behind Services skips the minutes that repeat themselves
(``engine/flapskip.py``): the store is byte for byte what stepping every wake-up gives (store meta
``engine:profile`` = {"ffwd": false}), but for the change log, compacted up to the jump's revision (its rows after
that are stepping's), and the kubelet's ``ffwd_after`` marks and timer sequence numbers in the runtime records
(tests/unit/test_engine_flap.py compares those the same way). What the CLI prints agrees too.

The scenario: 20 pods flapping every 30 s behind 2 Services and one pod whose process wakes once, 12 minutes in
(a wake-up that does not move with the minutes: the jump ends before it and the minutes around it are stepped);
a long advance, a label patch moving one pod to the other Service, a second long advance, a third one (its first
minute is the first of the two learned: the containers have run for long).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from tests.unit.flap_world import FLAP, exec_ready, runtime_records, service, stepping, steps

LATE = "sleep 700; touch /tmp/ready; sleep 100000"


def run_scenario(path: str, ffwd: bool = True) -> None:
    st, step = steps(path)

    def first(cl) -> None:
        if not ffwd:
            stepping(cl.tx)
        for svc in ("s0", "s1"):
            cl.api.create(service(svc))
        for i in range(20):
            cl.api.create(exec_ready(f"p{i:02d}", FLAP, svc=f"s{i % 2}"))
        cl.api.create(exec_ready("late", LATE, svc="s1"))

    def advance(ms: int):
        return lambda cl: cl.advance_to(cl.now_ms + ms)

    def relabel(cl) -> None:
        old = cl.tx.get("Pod", "default", "p03")
        new = json.loads(json.dumps(old))
        new["metadata"]["labels"]["svc"] = "s0"
        cl.api.update(old, new)

    step(first)
    for fn in (advance(15_000), advance(25 * 60_000), relabel, advance(12_500), advance(15 * 60_000 + 7_000),
               advance(12 * 60_000)):
        step(fn)
    st.close()


def _tables(path: Path) -> tuple[list[str], list[tuple], str | None]:
    """The dump without the runtime records and the change log, the change log's rows, its oldest revision."""
    conn = sqlite3.connect(path)
    try:
        dump = [x for x in conn.iterdump() if not x.startswith(('INSERT INTO "runtime"', 'INSERT INTO "changes"'))
                and "engine:profile" not in x and "changes:oldest" not in x]
        changes = list(conn.execute("SELECT * FROM changes ORDER BY rv"))
        oldest = conn.execute("SELECT value FROM meta WHERE key='changes:oldest'").fetchone()
        return dump, changes, oldest[0] if oldest else None
    finally:
        conn.close()


JUMPS: list[int] = []  # minutes jumped by each skip of the fast run
LEARNED: list[int] = []  # ... and how long after the start of its advance each learned its minutes (ms)


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    from minikctl.engine import alike, flapskip

    assert alike.TEXT_MOVES  # the path the skip takes unless turned off
    jump = flapskip._Learned.jump
    text_moves = flapskip.text_moves

    def read(*args):
        found = text_moves(*args)
        if found is not None:
            TEXT_READ.append(1)
        return found

    def counted(self, tx, n):
        JUMPS.append(n)
        LEARNED.append(self.s2.now - STARTS[-1])
        return jump(self, tx, n)

    d = tmp_path_factory.mktemp("flapskip")
    out = {}
    skip = flapskip.skip

    def started(cluster, to_ms, give_way=None):
        STARTS.append(cluster.tx.now_ms)
        return skip(cluster, to_ms, give_way)

    STARTS: list[int] = []
    match = flapskip._Twins.match
    object_match = flapskip._ObjectTwins.match

    def matched(self, *args):
        found = match(self, *args)
        if found is not None:
            TWINS_USED.append(1)
        return found

    def object_matched(self, *args):
        found = object_match(self, *args)
        if found is not None:
            OBJECT_TWINS_USED.append(1)
        return found

    text_moved = flapskip.text_moved

    def moved_texts(z, spans, n, shift, memo=None):
        before = None if memo is None else len(memo)
        out = text_moved(z, spans, n, shift, memo)
        if memo is not None:
            LEAF_TEXTS_REUSED.append(len(spans) - (len(memo) - before))
        return out

    flapskip._Learned.jump = counted
    flapskip.text_moved = moved_texts
    flapskip.skip = started
    flapskip.text_moves = read
    flapskip._Twins.match = matched
    flapskip._ObjectTwins.match = object_matched
    try:
        for ffwd in (True, False):
            home = d / f"home-{ffwd}"
            home.mkdir()
            run_scenario(str(home / "store.db"), ffwd)
            out[ffwd] = home
    finally:
        flapskip._Learned.jump = jump
        flapskip.text_moved = text_moved
        flapskip.skip = skip
        flapskip.text_moves = text_moves
        flapskip._Twins.match = match
        flapskip._ObjectTwins.match = object_match
    return out


TEXT_READ: list[int] = []  # JSON columns whose moving values the fast run read in their texts
LEAF_TEXTS_REUSED: list[int] = []  # for each text the fast run's jumps moved: its leaf texts taken from the memo


@pytest.fixture(scope="module")
def decoded(stores, tmp_path_factory):
    """The fast run again with every learned value decoded (``alike.TEXT_MOVES`` off: MINIKCTL_NO_TEXT_MOVES=1);
    the fast run of ``stores`` read them in the texts (counted in TEXT_READ)."""
    from minikctl.engine import alike

    return _fast_run_with_off(tmp_path_factory, "flapskip-decoded", alike, "TEXT_MOVES")


def _fast_run_with_off(tmp_path_factory, label: str, module, switch: str):
    """The fast run in a new store with the module's switch off (put back after it); the store's directory."""
    home = tmp_path_factory.mktemp(label)
    saved = getattr(module, switch)
    setattr(module, switch, False)
    try:
        run_scenario(str(home / "store.db"), True)
    finally:
        setattr(module, switch, saved)
    return home


TWINS_USED: list[int] = []  # pods' runtime records the fast run compared as their group's twins


@pytest.fixture(scope="module")
def alone(stores, tmp_path_factory):
    """The fast run again with every pod's runtime record compared alone (``flapskip.TWINS`` off:
    MINIKCTL_NO_FLAP_TWINS=1); the fast run of ``stores`` compared most as twins (counted in TWINS_USED)."""
    from minikctl.engine import flapskip

    return _fast_run_with_off(tmp_path_factory, "flapskip-alone", flapskip, "TWINS")


def test_twins_store_what_records_compared_alone_store(stores, alone):
    """The pods' runtime records compared once per group of twins (``flapskip._Twins``: 20 pods whose pod IPs
    are of two lengths, 10.244.0.9 and 10.244.0.10) store what each compared alone stores, byte for byte."""
    assert len(TWINS_USED) >= 3 * 15, len(TWINS_USED)  # most of the 21 pods' records, at each of the three skips
    _same_stores(stores[True], alone)


OBJECT_TWINS_USED: list[int] = []  # pods' objects the fast run compared as their group's twins


@pytest.fixture(scope="module")
def objects_alone(stores, tmp_path_factory):
    """The fast run again with every pod's object compared alone (``flapskip.OBJECT_TWINS`` off:
    MINIKCTL_NO_FLAP_OBJECT_TWINS=1); the fast run of ``stores`` compared most as twins (OBJECT_TWINS_USED)."""
    from minikctl.engine import flapskip

    return _fast_run_with_off(tmp_path_factory, "flapskip-objects-alone", flapskip, "OBJECT_TWINS")


def test_object_twins_store_what_objects_compared_alone_store(stores, objects_alone):
    """The pods' objects compared once per group of twins (``flapskip._ObjectTwins``: each pod's resourceVersion
    a role of its own, the pods' IPs of two lengths) store what each compared alone stores, byte for byte."""
    assert len(OBJECT_TWINS_USED) >= 3 * 15, len(OBJECT_TWINS_USED)  # most of the 21 pods, at each of the skips
    _same_stores(stores[True], objects_alone)


@pytest.fixture(scope="module")
def leaf_texts_each(stores, tmp_path_factory):
    """The fast run again with each new leaf text of the jump made alone (``flapskip.LEAF_TEXTS`` off:
    MINIKCTL_NO_FLAP_LEAF_TEXTS=1)."""
    from minikctl.engine import flapskip

    return _fast_run_with_off(tmp_path_factory, "flapskip-leaf-texts", flapskip, "LEAF_TEXTS")


def test_leaf_texts_made_once_store_what_each_made_alone_stores(stores, leaf_texts_each):
    """The jump makes each new leaf text once per type and three values (``alike.text_moved``'s ``memo``: the twins'
    times and counts move alike) and stores what making each one alone stores, byte for byte."""
    assert sum(LEAF_TEXTS_REUSED) > 3 * 20, sum(LEAF_TEXTS_REUSED)  # leaf texts taken from the memo
    _same_stores(stores[True], leaf_texts_each)


@pytest.fixture(scope="module")
def history_by_pod(stores, tmp_path_factory):
    """The fast run again with the jump's history entries made pod by pod, then minute by minute
    (``flapskip._HISTORY_BY_POD``, the statement an SQLite older than 3.35 gets)."""
    from minikctl.engine import flapskip

    home = tmp_path_factory.mktemp("flapskip-history-by-pod")
    mp = pytest.MonkeyPatch()
    mp.setattr(flapskip, "_HISTORY_INSERT", flapskip._HISTORY_BY_POD)
    try:
        run_scenario(str(home / "store.db"), True)
    finally:
        mp.undo()
    return home


def test_history_entries_made_entry_by_entry_are_those_made_pod_by_pod(stores, history_by_pod):
    """The jump's history entries made each entry of the learned minute, then each minute (from a table made
    once, ``_HISTORY_BY_ENTRY``) are those made each pod, then each minute, then each entry (an automatic index on
    the pod): the same stores, byte for byte."""
    import sqlite3 as sql

    from minikctl.engine import flapskip

    if sql.sqlite_version_info < (3, 35, 0):
        pytest.skip("MATERIALIZED needs SQLite 3.35")
    assert flapskip._HISTORY_INSERT is flapskip._HISTORY_BY_ENTRY  # what the fast run of ``stores`` used
    assert JUMPS  # ... and it jumped
    _same_stores(stores[True], history_by_pod)


@pytest.fixture(scope="module")
def history_grouped(stores, tmp_path_factory):
    """The fast run again with each pod's newest history entry found by grouping every entry
    (``flapskip._HISTORY_GROUPED``: MINIKCTL_NO_FLAP_HISTORY_HEADS=1) rather than by walking the table's key."""
    from minikctl.engine import flapskip

    home = tmp_path_factory.mktemp("flapskip-history-grouped")
    mp = pytest.MonkeyPatch()
    mp.setattr(flapskip, "_HISTORY_HEADS", flapskip._HISTORY_GROUPED)
    try:
        run_scenario(str(home / "store.db"), True)
    finally:
        mp.undo()
    return home


def test_newest_history_entries_walked_store_what_grouped_store(stores, history_grouped):
    """Each pod's newest history entry read by walking the table's key from one pod to the next
    (``_HISTORY_WALKED``, what the fast run of ``stores`` used) stores what grouping every entry stores, byte for
    byte."""
    from minikctl.engine import flapskip

    assert flapskip._HISTORY_HEADS is flapskip._HISTORY_WALKED
    assert JUMPS
    _same_stores(stores[True], history_grouped)


def test_newest_history_entries_walked_are_those_grouped():
    """``_HISTORY_WALKED`` gives the rows ``_HISTORY_GROUPED`` gives, in the same order, on tables of many shapes:
    empty, one pod, pods whose uids are prefixes of each other or differ past ASCII, gaps in the sequence
    numbers, a pod with one entry, and random ones; and it finds the newest, not the first."""
    import random

    from minikctl.engine.flapskip import _HISTORY_GROUPED, _HISTORY_WALKED
    from minikctl.store.history import SCHEMA

    def both(rows):
        conn = sqlite3.connect(":memory:")
        conn.executescript(SCHEMA)
        conn.executemany("INSERT INTO history VALUES (?, ?, ?, ?)", [(u, s, s * 1000, "{}") for u, s in rows])
        try:
            walked, grouped = list(conn.execute(_HISTORY_WALKED)), list(conn.execute(_HISTORY_GROUPED))
        finally:
            conn.close()
        assert walked == grouped, (walked, grouped)
        return walked

    assert both([]) == []
    assert both([("u", 1), ("u", 2), ("u", 7)]) == [("u", 7)]
    assert both([("a", 1), ("ab", 3), ("ab", 2), ("a", 9), ("a\u00e9", 4), ("A", 5), ("b", 1), ("", 2)]) == [
        ("", 2), ("A", 5), ("a", 9), ("ab", 3), ("a\u00e9", 4), ("b", 1)]
    rnd = random.Random(12)
    for _ in range(20):
        uids = [f"{rnd.getrandbits(32):08x}-{i}" for i in range(rnd.randint(1, 40))]
        rows = {(rnd.choice(uids), rnd.randint(1, 3000)) for _ in range(rnd.randint(1, 400))}
        got = both(sorted(rows, key=lambda r: rnd.random()))
        newest: dict = {}
        for u, s in rows:
            newest[u] = max(s, newest.get(u, 0))
        assert got == sorted(newest.items())


def _same_stores(home: Path, other_home: Path) -> None:
    """The two stores' tables, change log and runtime records are the same, byte for byte."""
    assert _tables(home / "store.db") == _tables(other_home / "store.db")
    conn = sqlite3.connect(home / "store.db")
    other = sqlite3.connect(other_home / "store.db")
    try:
        query = "SELECT * FROM runtime ORDER BY kind, namespace, name"
        assert list(conn.execute(query)) == list(other.execute(query))
    finally:
        conn.close()
        other.close()


def test_skipped_minutes_store_what_stepping_stores(stores):
    fast, stepped = _tables(stores[True] / "store.db"), _tables(stores[False] / "store.db")
    assert fast[0] == stepped[0]
    assert runtime_records(stores[True]) == runtime_records(stores[False])
    assert stepped[2] is None
    # the change log is compacted up to the last jump: the rows it keeps are stepping's
    assert fast[2] is not None
    oldest = int(fast[2])
    assert fast[1] == [row for row in stepped[1] if row[0] >= oldest]
    assert len(fast[1]) < len(stepped[1])


def test_values_read_in_the_texts_store_what_decoded_values_store(stores, decoded):
    """The skip reads what moves in the records' texts (``alike.text_moves``) rather than in their decoded trees:
    the same store, change log and runtime records, byte for byte, as the same run with every value decoded."""
    assert len(TEXT_READ) >= 3 * 21, len(TEXT_READ)  # at least the pods' runtime records, at each skip
    _same_stores(stores[True], decoded)


def test_the_minutes_were_skipped(stores):
    """The first advance jumps up to the late pod's wake-up (minutes 3 to about 11), then steps; the second one,
    after the label patch, learns again and jumps; so does the third, a minute sooner."""
    assert len(JUMPS) == 3, JUMPS
    assert all(n >= 5 for n in JUMPS), JUMPS
    # the first advance starts with the pods, the second after the label patch: three minutes stepped; the third
    # learns from the store at its start and two minutes
    assert LEARNED == [3 * 60_000, 3 * 60_000, 2 * 60_000], LEARNED


@pytest.mark.parametrize("argv", [("get", "pods", "-o", "wide"), ("get", "endpointslices"), ("get", "endpoints"),
                                  ("describe", "pod", "p03"), ("describe", "pod", "late"), ("get", "events"),
                                  ("timeline", "p05")])
def test_skipped_minutes_print_alike(stores, argv):
    from tests.conftest import Cli

    seen = {ffwd: Cli(home).ok(*argv, tick="0") for ffwd, home in stores.items()}
    assert seen[True] == seen[False]
    assert seen[True]


def test_clock_advance_through_the_cli_stores_what_stepping_stores(tmp_path):
    """``minikctl clock advance`` (a streaming command: its steps commit at quiet instants) skips alike."""
    from minikctl.cluster import Cluster
    from minikctl.store.db import Store
    from tests.conftest import Cli

    homes = {}
    for ffwd in (True, False):
        home = homes[ffwd] = tmp_path / f"cli-{ffwd}"
        home.mkdir()
        st = Store(str(home / "store.db"))
        with st.transaction() as tx:
            cl = Cluster(tx)
            if not ffwd:
                stepping(tx)
            cl.api.create(service("s0"))
            for i in range(6):
                cl.api.create(exec_ready(f"p{i:02d}", FLAP, svc="s0"))
            # the containers running before the command: the skip is tried at the start of each of its committed
            # steps, and one that starts before them would let how far the first step got (wall time) decide
            cl.advance_to(cl.now_ms + 15_000)
        st.close()
        Cli(home).ok("clock", "advance", "20m", tick="0")
    fast, stepped = _tables(homes[True] / "store.db"), _tables(homes[False] / "store.db")
    # the rows in any order: the command's steps commit at quiet instants of the wall clock, and a meta key
    # written again (INSERT OR REPLACE) moves to the end of its table
    assert sorted(fast[0]) == sorted(stepped[0])
    assert runtime_records(homes[True]) == runtime_records(homes[False])
    assert fast[2] is not None and fast[1] == [row for row in stepped[1] if row[0] >= int(fast[2])]


def test_the_minutes_changes_compared_row_to_row():
    """``_Learned._changes_alike`` compares the two minutes' change-log rows in SQLite: equal when the second
    minute's rows are the first's moved by its revisions, not when a column, a row or a type differs."""
    from types import SimpleNamespace

    from minikctl.engine.alike import NotAlike
    from minikctl.engine.flapskip import _Learned
    from minikctl.store.changelog import SCHEMA

    def check(rows, dr=3, s=(0, 3, 6)):
        conn = sqlite3.connect(":memory:")
        conn.executescript(SCHEMA)
        conn.executemany("INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        learned = object.__new__(_Learned)
        learned.dr = dr
        states = [SimpleNamespace(revision=r) for r in s]
        _Learned._changes_alike(learned, SimpleNamespace(conn=conn), *states)

    minute = [("MODIFIED", "Pod", "default", "p0", "u0", '{"a":1}'), ("MODIFIED", "Pod", "default", "p1", "u1", None),
              ("MODIFIED", "Endpoints", "default", "s0", "u2", '{"b":"é"}')]
    alike = [(rv, *row) for rv, row in zip(range(1, 7), minute + minute)]
    check(alike)
    for i, col, value in ((4, 6, '{"a":2}'), (5, 6, ""), (6, 3, "p9"), (4, 1, "ADDED"), (6, 5, "u9")):
        rows = [list(r) for r in alike]
        rows[i - 1][col] = value
        with pytest.raises(NotAlike):
            check(rows)
    with pytest.raises(NotAlike):
        check(alike[:-1])  # a row fewer in the second minute
    with pytest.raises(NotAlike):
        check(alike[1:])  # ... and in the first
    added = [(rv, "ADDED", *row[1:]) for rv, row in zip(range(1, 7), minute + minute)]
    with pytest.raises(NotAlike):
        check(added)  # alike, but objects came
    with pytest.raises(NotAlike):
        check(alike, dr=2)


def test_moves_then_moved_is_ahead():
    """The jump makes each value n minutes on from what learning found moving (``alike.moves`` / ``moved``): the
    value ``ahead`` gives from the three boundaries, its dicts' keys in the same order, and the same refusals."""
    import random

    from minikctl.engine.alike import UNLIKE, ahead, dumps, moved, moves

    def tree(rng, depth):
        kind = rng.randrange(6 if depth < 4 else 3)
        if kind == 0:
            return rng.randrange(1000)
        if kind == 1:
            return rng.choice(["x", "12", "2026-12-07T04:00:00Z", "", "007"])
        if kind == 2:
            return rng.choice([None, True, False, 1.5])
        if kind in (3, 4):
            return {f"k{i}": tree(rng, depth + 1) for i in rng.sample(range(8), rng.randrange(5))}
        return [tree(rng, depth + 1) for _ in range(rng.randrange(4))]

    def step(rng, v, d):
        """v moved by d (numbers, digit strings and times alike), now and then something else."""
        if rng.random() < 0.02:
            return tree(rng, 3)
        if type(v) is dict:
            return {k: step(rng, x, d) for k, x in v.items()}
        if type(v) is list:
            return [step(rng, x, d) for x in v]
        if type(v) is int and v % 3 == 0:
            return v + d
        if v == "12":
            return str(12 + d)
        if v == "2026-12-07T04:00:00Z":
            return f"2026-12-07T04:{d:02d}:00Z"
        return v

    rng = random.Random(7)
    refused = 0
    for _ in range(400):
        a = tree(rng, 0)
        b, c = step(rng, a, 1), step(rng, a, 2)
        for n in (1, 5, 57):
            try:
                want = ahead(a, b, c, n, None)
            except UNLIKE as e:
                with pytest.raises(type(e)):
                    moved(moves(a, b, c, None), c, n, None)
                refused += 1
                continue
            got = moved(moves(a, b, c, None), c, n, None)
            assert got == want and dumps(got) == dumps(want)
    assert 0 < refused < 1000


def test_moves_read_in_the_texts_are_the_trees_moves():
    """``alike.text_moves`` reads in three texts what ``moves`` finds in their trees: when it tells (not None), it
    refuses what ``moves`` refuses (and only that), and the text it moves n minutes on (``text_moved``) is the
    encoding of what ``moved`` makes. Values with escaped quotes and backslashes, keys and strings holding the
    JSON delimiters, numbers written two ways (``1`` and ``1.0``), values that change shape."""
    import random

    texts = ["x", "12", "2026-12-07T04:00:00Z", "", "007", 'a"b', "c\\d", 'k:{\\"t\\":1}', "[1,2]", "e,f}", "n\nl",
             '\\"', "é"]

    def tree(rng, depth):
        kind = rng.randrange(6 if depth < 4 else 3)
        if kind == 0:
            return rng.randrange(1000)
        if kind == 1:
            return rng.choice(texts)
        if kind == 2:
            return rng.choice([None, True, False, 1.5, 1.0, -3])
        if kind in (3, 4):
            return {rng.choice(["k", 'q"', "a:b", "c,d", "\\"]) + str(i): tree(rng, depth + 1)
                    for i in rng.sample(range(8), rng.randrange(5))}
        return [tree(rng, depth + 1) for _ in range(rng.randrange(4))]

    def step(rng, v, d):
        """v moved by d (numbers, digit strings and times alike), now and then something else."""
        r = rng.random()
        if r < 0.02:
            return tree(rng, 3)
        if r < 0.03 and type(v) is int:
            return float(v)  # the same value, another text
        if type(v) is dict:
            return {k: step(rng, x, d) for k, x in v.items()}
        if type(v) is list:
            return [step(rng, x, d) for x in v]
        if type(v) is int and v % 3 == 0:
            return v + d
        if v == "12":
            return str(12 + d)
        if v == "2026-12-07T04:00:00Z":
            return f"2026-12-07T04:{d:02d}:00Z"
        return v

    rng = random.Random(11)
    seen = Counter()
    for _ in range(1500):
        a = tree(rng, 0)
        seen[_texts_move_as_trees(a, step(rng, a, 1), step(rng, a, 2), (1, 5, 57))] += 1
    assert seen["told"] > 500 and seen["refused"] > 20, seen


def _texts_move_as_trees(a, b, c, ns: tuple) -> str:
    """What ``alike.text_moves`` finds in the texts of three trees against what ``moves`` finds in the trees:
    "refused" (both refuse), "told" (the moved texts are the moved trees' texts, ``ns`` minutes on), or "none"
    (the texts are the same)."""
    from minikctl.engine.alike import UNLIKE, dumps, moved, moves, text_moved, text_moves

    x, y, z = dumps(a), dumps(b), dumps(c)
    try:
        m = moves(a, b, c, None)
    except UNLIKE as e:
        m = e
    try:
        found = text_moves(x, y, z, None)
    except UNLIKE:
        assert isinstance(m, Exception), (x, y, z)
        return "refused"
    if found is None:
        return "none"
    assert not isinstance(m, Exception), (x, y, z, m)
    for n in ns:
        assert text_moved(z, found[0], n, None) == dumps(moved(m, c, n, None)), (x, y, z, n)
    return "told"


def test_quotes_counted_in_parts_and_leaves_after_backslashes():
    """``alike.text_moves`` counts the quotes before a leaf's end in two parts, split where the texts first differ,
    unless a run of backslashes ends there: the parts' counts add up to the whole's wherever the split does not
    follow a backslash (and do not after one, which is why that case counts the whole again). Texts that differ
    right after backslashes and escaped quotes are read as the trees are (``moves``)."""
    import random

    from minikctl.engine.alike import _quotes

    rng = random.Random(5)
    split_after_backslash_differs = 0
    for _ in range(3000):
        z = "".join(rng.choice('ab"\\,') for _ in range(rng.randrange(1, 24)))
        start, end = 0, len(z)
        k = rng.randrange(0, end + 1)
        parts = _quotes(z, start, k) + _quotes(z, k, end)
        if k == 0 or z[k - 1] != "\\":
            assert parts == _quotes(z, start, end), (z, k)
        elif parts != _quotes(z, start, end):
            split_after_backslash_differs += 1
    assert split_after_backslash_differs > 10  # the case the reader leaves to the whole count

    heads = ['a\\', 'q"\\', '\\"', 'x\\\\', 'p\\"r"', "", 'k:{\\"t\\":1}']
    seen = Counter()
    for _ in range(600):
        keys = rng.sample(["s", "t", "u"], 3)
        head = rng.choice(heads)
        a = {keys[0]: head + rng.choice(["1", "2", "", "\n", '"']), keys[1]: 10, keys[2]: [head, 5]}
        b = {keys[0]: rng.choice([a[keys[0]], head + "9", head]), keys[1]: 11, keys[2]: [head, 6]}
        c = {keys[0]: rng.choice([b[keys[0]], a[keys[0]], head + "\\"]), keys[1]: 12, keys[2]: [head, 7]}
        seen[_texts_move_as_trees(a, b, c, (9,))] += 1
    assert seen["told"] > 100 and seen["refused"] > 100, seen


def test_marks_and_staying_timers_read_in_the_texts():
    """A runtime record's ``ffwd_after`` marks keep the last minute's value and its timers that stay at their
    instant bound the jump, whether the skip reads what moves in the texts or in the decoded records (the marks of
    a record of another shape, counted differently in its text, send it to the decoded path)."""
    from minikctl.engine import alike, flapskip
    from minikctl.engine.alike import dumps

    def record(minute: int, mark: int, extra: bool = False) -> str:
        proc = {"t": 1000 + 60 * minute, "ffwd_after": mark, "note": 'say "hi"\\'}
        rec = {"version": 2, "uid": "u", "timers": [{"at": 5000, "kind": "probe"}, {"at": 100 + 60 * minute}],
               "timer_seq": 3 + minute, "containers": {"c": {"current": {"process": proc}, "previous": None}}}
        if extra:
            rec["other"] = {"ffwd_after": 7}  # not a process's mark: _same_marks leaves it
        return dumps(rec)

    def learn(text: bool, extra: bool = False):
        learned = object.__new__(flapskip._Learned)
        learned.shift = None
        states = [{("Pod", "default", "p"): (1000 + 60 * i, record(i, mark, extra))}
                  for i, mark in enumerate((40, 95, 300))]  # marks that do not move alike
        saved = alike.TEXT_MOVES
        alike.TEXT_MOVES = text
        calls = []
        real = flapskip.text_moves
        flapskip.text_moves = lambda *a: calls.append(1) or real(*a)
        try:
            stay: list = []
            cols = learned._lasting(*states, marks=True, timers=stay)
        finally:
            alike.TEXT_MOVES = saved
            flapskip.text_moves = real
        return [learned._extrapolate(c, n) for c in cols.values() for n in (1, 9)], sorted(stay), \
            [col[0] for c in cols.values() for col in c], calls

    by_text, decoded = learn(True), learn(False)
    assert by_text[:2] == decoded[:2]
    assert by_text[1] == [5000]
    assert '"ffwd_after":300' in by_text[0][1][1] and '"t":1660' in by_text[0][1][1]
    assert by_text[2] == [0, 2] and decoded[2] == [0, 1] and by_text[3] and not decoded[3]
    other, plain = learn(True, extra=True), learn(False, extra=True)
    assert other[2] == [0, 1] and other[:2] == plain[:2]


def test_a_proc_timer_found_among_the_timers():
    """``flapskip._proc_timer`` looks for a ``proc`` timer in the records' timers (the text before ``timer_seq``),
    or in the whole record when it has no such key."""
    from types import SimpleNamespace

    from minikctl.engine.flapskip import _proc_timer
    from minikctl.store.runtime import SCHEMA

    def found(*bodies) -> bool:
        conn = sqlite3.connect(":memory:")
        conn.executescript(SCHEMA)
        conn.executemany("INSERT INTO runtime VALUES ('Pod', 'default', ?, NULL, ?)",
                         [(f"p{i}", json.dumps(b, separators=(",", ":"))) for i, b in enumerate(bodies)])
        return _proc_timer(SimpleNamespace(conn=conn))

    def rec(*kinds, after=None) -> dict:
        r = {"version": 2, "uid": "u", "released": False,
             "timers": [{"at": 1, "rank": 1, "seq": i, "kind": k} for i, k in enumerate(kinds)], "timer_seq": 3,
             "containers": {}}
        if after is not None:
            r["later"] = after
        return r

    assert found(rec("probe"), rec("sync", "proc"))
    assert not found(rec("probe"), rec("sync"))
    assert not found(rec("probe", after={"kind": "proc"}))  # not a timer
    assert not found()
    no_seq = rec("proc")
    del no_seq["timer_seq"]
    assert found(no_seq)
    assert not found({"version": 2, "timers": [], "x": "\"kind\":\"proc\""})  # in a string: escaped


def test_twins_placed_in_their_texts():
    """A twin's leaves that move and the places of its leaves that differ are those ``text_moves`` finds in its
    own texts, though its tokens (a name, a pod IP) are longer than its model's; texts that differ elsewhere, or a
    token inside an escape sequence, make no twin."""
    from minikctl.engine import flapskip
    from minikctl.engine.alike import dumps, text_moves

    def texts(name: str, ip: str, extra: str = "") -> list[str]:
        return [dumps({"uid": f"{name}-uid", "a": t, "host": f"{name} at {ip}", "b": t * 2, "ip": ip,
                       "vols": {name: {"c": t + 5}}, "x": extra, "at": f"2026-01-01T00:0{t}:00Z"})
                for t in (1, 2, 3)]

    def tokens(name: str, ip: str) -> list[str]:
        return [f"{name}-uid", ip, name]

    twins = flapskip._Twins(None)

    def twin_of(tokens: list, x: str, y: str, z: str):
        masked = twins.masked(tokens, x, y, z)
        entry = None if masked is None else twins.find(masked, tokens, x, y)
        return None if entry is None else twins.match(entry, tokens, x, y, z)

    model = texts("p0", "10.0.0.9")
    masked = twins.masked(tokens("p0", "10.0.0.9"), *model)
    twins.learn(masked, tokens("p0", "10.0.0.9"), *model[:2], False, {7})
    assert twins.find(masked, tokens("p0", "10.0.0.9"), *model[:2])[2] is not None
    for name, ip in (("p10", "10.0.0.10"), ("p0", "10.0.0.9"), ("q", "1.2.3.4"), ("p11", "10.0.0.11")):
        own = texts(name, ip)
        found = twin_of(tokens(name, ip), *own)
        spans, ends = text_moves(*own, None)
        assert found == (spans, ends, {7})
        assert len(spans) == 4
    other = texts("p10", "10.0.0.10", "more")
    assert twin_of(tokens("p10", "10.0.0.10"), *other) is None
    # the same last text, an earlier one that differs elsewhere: no twin either
    own = texts("p10", "10.0.0.10")
    assert twin_of(tokens("p10", "10.0.0.10"), other[0], *own[1:]) is None
    assert twin_of(tokens("p10", "10.0.0.10"), own[0], other[1], own[2]) is None
    # a token right after a backslash (inside the escape sequence \n of "n1\nx") makes no model
    escaped = [dumps({"n": "n1\nx", "a": t}) for t in (1, 2, 3)]
    masked = twins.masked(["nx"], *escaped)
    assert masked is not None and flapskip.MARK in masked
    twins.learn(masked, ["nx"], *escaped[:2], False, set())
    assert twins.find(masked, ["nx"], *escaped[:2])[2] is None


# ``flapskip._steady`` as it read each pod's text three times: the answer the one parse must give
_UNSTEADY_THREE_PARSES = (
    "SELECT 1 FROM objects WHERE kind='Pod' AND (json_type(body, '$.status.containerStatuses') IS NOT 'array' "
    "OR EXISTS (SELECT 1 FROM json_each(objects.body, '$.status.containerStatuses') AS c "
    "WHERE json_extract(c.value, '$.restartCount') > 0 OR json_type(c.value, '$.state.running') IS NULL) "
    "OR EXISTS (SELECT 1 FROM json_each(objects.body, '$.status.initContainerStatuses') AS c "
    "WHERE json_extract(c.value, '$.restartCount') > 0)) LIMIT 1")


def test_a_pod_is_steady_by_one_parse_as_by_three():
    """``_UNSTEADY`` reads both lists of statuses from one parse of each pod's text: the same answer as reading
    each from the text, for pods of every shape (lists missing, null, of another type, empty; statuses running,
    waiting, terminated, restarted, of odd types)."""
    from minikctl.engine.flapskip import _UNSTEADY

    running = {"name": "c", "restartCount": 0, "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}}
    statuses = [
        None, [], [running], [running, running], [dict(running, restartCount=1)], [dict(running, restartCount=0.5)],
        [dict(running, restartCount="2")], [dict(running, restartCount=None)], [{"name": "c"}],
        [dict(running, state={"waiting": {"reason": "CrashLoopBackOff"}})], [dict(running, state={"running": None})],
        [dict(running, state={"running": {}})], [dict(running, state={"terminated": {"exitCode": 0}})],
        [running, dict(running, restartCount=3)], [5], ["x"], [[running]], {"c": running}, "running", 0, {},
    ]
    inits = [None, [], [dict(running, restartCount=0)], [dict(running, restartCount=2)],
             [dict(running, state={"terminated": {"exitCode": 0}})], {"i": dict(running, restartCount=1)}, 7]
    bodies = [{"kind": "Pod"}, {"kind": "Pod", "status": None}, {"kind": "Pod", "status": "Running"},
              {"kind": "Pod", "status": []}]
    for cs in statuses:
        for ini in inits:
            status = {"phase": "Running"}
            if cs is not None:
                status["containerStatuses"] = cs
            if ini is not None:
                status["initContainerStatuses"] = ini
            bodies.append({"kind": "Pod", "status": status})
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE objects (kind TEXT, body TEXT)")

    def answer(query: str):
        try:
            return bool(conn.execute(query).fetchall())
        except sqlite3.OperationalError as e:  # a value that is not JSON where a status is read: both fail
            return str(e)

    answers = Counter()
    for body in bodies:
        conn.execute("DELETE FROM objects")
        conn.execute("INSERT INTO objects VALUES ('Pod', ?)", (json.dumps(body),))
        conn.execute("INSERT INTO objects VALUES ('Node', ?)", (json.dumps({"status": {}}),))
        want = answer(_UNSTEADY_THREE_PARSES)
        assert answer(_UNSTEADY) == want, body
        answers[want] += 1
    assert answers[True] > 100 and answers[False] >= 6, answers  # both answers, many ways


ODD_ANNOTATIONS = {"trailing": "x\\", "quoted": '"ready":false,\\"', "odd": "\u00e9\u2603 100% %s\u0001\u0000",
                   "ip": "10.244.0.3", "name": "p1", "time": "2026-01-01T00:10:00Z"}


def test_texts_with_escapes_skip_as_stepping(tmp_path):
    """Pods whose objects hold texts with escaped quotes and backslashes (one ending a string), control and
    non-ASCII characters, and constant texts that look like what moves (a pod IP, a pod's name, a time) skip
    alike: the fast run (values read in the texts, records compared as twins), the same with every value decoded
    (``alike.TEXT_MOVES`` off) and with every record compared alone (``flapskip.TWINS`` off) store what stepping
    stores, byte for byte (the change log from the jump's revision on, the runtime records without the kubelet's
    marks)."""
    from minikctl.engine import alike, flapskip

    def run(home: Path, ffwd: bool) -> None:
        home.mkdir()
        st, step = steps(str(home / "store.db"))

        def first(cl) -> None:
            if not ffwd:
                stepping(cl.tx)
            for svc in ("s0", "s1"):
                cl.api.create(service(svc))
            for i in range(4):
                pod = exec_ready(f"p{i}", FLAP, svc=f"s{i % 2}")
                pod["metadata"]["annotations"] = ODD_ANNOTATIONS
                cl.api.create(pod)

        step(first)
        for ms in (15_000, 25 * 60_000):
            step(lambda cl, ms=ms: cl.advance_to(cl.now_ms + ms))
        st.close()

    jumps, twins, read = [], [], []
    jump, match, text_moves = flapskip._Learned.jump, flapskip._Twins.match, flapskip.text_moves

    def counted(self, tx, n):
        jumps.append(n)
        return jump(self, tx, n)

    def matched(self, *args):
        found = match(self, *args)
        twins.append(found is not None)
        return found

    def moves(x, y, z, *args):
        found = text_moves(x, y, z, *args)
        if '\\"' in z:
            read.append(found is not None)
        return found

    mp = pytest.MonkeyPatch()
    mp.setattr(flapskip._Learned, "jump", counted)
    mp.setattr(flapskip._Twins, "match", matched)
    mp.setattr(flapskip, "text_moves", moves)
    try:
        run(tmp_path / "fast", True)
        assert jumps and any(twins)  # skipped, some records compared as twins
        # the texts with escaped quotes were read as texts (a quote miscounted would leave them to be decoded)
        assert len(read) >= 4 and all(read), read
        run(tmp_path / "slow", False)
        mp.setattr(alike, "TEXT_MOVES", False)
        run(tmp_path / "decoded", True)
        mp.setattr(alike, "TEXT_MOVES", True)
        mp.setattr(flapskip, "TWINS", False)
        run(tmp_path / "alone", True)
    finally:
        mp.undo()
    fast, stepped = _tables(tmp_path / "fast" / "store.db"), _tables(tmp_path / "slow" / "store.db")
    assert fast[0] == stepped[0]
    assert runtime_records(tmp_path / "fast") == runtime_records(tmp_path / "slow")
    assert fast[2] is not None and fast[1] == [row for row in stepped[1] if row[0] >= int(fast[2])]
    _same_stores(tmp_path / "fast", tmp_path / "decoded")
    _same_stores(tmp_path / "fast", tmp_path / "alone")


def test_revisions_of_another_length_skip_as_stepping(tmp_path):
    """Pods whose revisions cross from four digits to five (9999 -> 10000) in the minutes the skip learns from:
    their objects compared as twins of a model whose revisions have other lengths (``_ObjectTwins``: the
    resourceVersion's digits a role of their own, placed in each text by its own length) store what stepping
    stores, and what the same run with every object compared alone stores, byte for byte. The store's revision
    is set at the start so that 10,000 falls in the middle of the learned minutes (found by a first run from
    1,000, whose revisions keep four digits)."""
    from minikctl.engine import flapskip

    def run(home: Path, ffwd: bool, start: int) -> None:
        home.mkdir()
        st, step = steps(str(home / "store.db"))

        def first(cl) -> None:
            cl.tx.set_meta("revision", str(start))
            if not ffwd:
                stepping(cl.tx)
            cl.api.create(service("s0"))
            for i in range(6):
                cl.api.create(exec_ready(f"p{i}", FLAP, svc="s0"))

        step(first)
        for ms in (15_000, 16 * 60_000):
            step(lambda cl, ms=ms: cl.advance_to(cl.now_ms + ms))
        st.close()

    learned, crossed = [], []
    jump, match = flapskip._Learned.jump, flapskip._ObjectTwins.match

    def counted(self, tx, n):
        learned.append((self._before[0].revision, self.s2.revision))
        return jump(self, tx, n)

    def matched(self, entry, tokens, z, rvs):
        found = match(self, entry, tokens, z, rvs)
        if found is not None and len({len(r) for r in rvs}) > 1:
            crossed.append(rvs)
        return found

    mp = pytest.MonkeyPatch()
    mp.setattr(flapskip._Learned, "jump", counted)
    mp.setattr(flapskip._ObjectTwins, "match", matched)
    try:
        run(tmp_path / "probe", True, 1000)
        assert learned and learned[0][1] < 9000, learned  # four digits throughout
        s0, s2 = learned[0]
        start = 1000 + 10_000 - (s0 + s2) // 2
        learned.clear()
        run(tmp_path / "fast", True, start)
        assert learned and learned[0][0] < 10_000 <= learned[0][1], (start, learned)
        assert crossed, "no twin's revisions crossed to five digits"
        run(tmp_path / "slow", False, start)
        mp.setattr(flapskip, "OBJECT_TWINS", False)
        run(tmp_path / "alone", True, start)
    finally:
        mp.undo()
    fast, stepped = _tables(tmp_path / "fast" / "store.db"), _tables(tmp_path / "slow" / "store.db")
    assert fast[0] == stepped[0]
    assert runtime_records(tmp_path / "fast") == runtime_records(tmp_path / "slow")
    assert fast[2] is not None and fast[1] == [row for row in stepped[1] if row[0] >= int(fast[2])]
    _same_stores(tmp_path / "fast", tmp_path / "alone")


def test_what_the_twins_read_of_pods_by_sqlite_is_what_their_texts_decoded_give(stores):
    """``flapskip._pod_identities`` reads each pod's identity strings with SQLite (``json_extract``) rather than
    decoding its text: the twins' tokens of every pod (``_ObjectTwins.tokens``, and ``waketwins.tokens_of`` with its
    runtime record) are those of the text decoded, for the scenario's pods and pods of odd shapes (escapes,
    non-ASCII and control characters, fields missing, null or of another type); a pod stored at another revision
    is left out."""
    import copy
    from types import SimpleNamespace

    from minikctl.engine.flapskip import _ObjectTwins, _pod_identities
    from minikctl.engine.kubelet.waketwins import tokens_of

    store = sqlite3.connect(stores[True] / "store.db")
    try:
        rows = list(store.execute("SELECT kind, namespace, name, rv, body FROM objects WHERE kind='Pod'"))
        records = {(ns, n): b for ns, n, b in store.execute("SELECT namespace, name, body FROM runtime "
                                                             "WHERE kind='Pod'")}
    finally:
        store.close()
    base = json.loads(rows[0][4])
    odd = []
    for path, value in [
        (("metadata", "uid"), "\u00e9t\u00e9-\u2603"), (("metadata", "uid"), 'a"b'), (("metadata", "uid"), None),
        (("metadata", "name"), "x\\y"), (("metadata", "resourceVersion"), 12), (("metadata", "resourceVersion"), None),
        (("status", "podIP"), ""), (("status", "podIP"), None), (("status", "podIP"), "\u0001"),
        (("status", "containerStatuses"), None), (("status", "containerStatuses"), "c"),
        (("status", "containerStatuses"), [{"containerID": "\u00e9\\\"q"}, 5, {"containerID": None}]),
        (("status", "initContainerStatuses"), [{"containerID": "containerd://0123456789abcdef"}]),
        (("spec", "volumes"), None), (("spec", "volumes"), [{"name": "kube-api-access-\u00e9\u0002"}, "v"]),
        (("spec",), None), (("status",), None), (("metadata",), None), (("status",), "Running"),
    ]:
        pod = copy.deepcopy(base)
        at = pod
        for k in path[:-1]:
            at = at[k]
        if value is None:
            at.pop(path[-1], None)
            odd.append(copy.deepcopy(pod))
            at[path[-1]] = None  # null rather than missing
        else:
            at[path[-1]] = value
        odd.append(pod)
    for i, pod in enumerate(odd):
        rows.append(("Pod", "default", f"odd{i}", 7, json.dumps(pod, ensure_ascii=False, separators=(",", ":"))))
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE objects (kind TEXT, namespace TEXT, name TEXT, rv INTEGER, body TEXT)")
    conn.executemany("INSERT INTO objects VALUES (?, ?, ?, ?, ?)", rows)
    objects = {(k, ns, n): (rv, body) for k, ns, n, rv, body in rows}
    views = _pod_identities(SimpleNamespace(conn=conn), objects)
    assert len(views) == len(objects) - 7  # those whose metadata, spec or status is not an object left out
    some_record = next(iter(records.values()))
    found = Counter()
    for key, (_rv, body) in objects.items():
        pod = json.loads(body)
        if key not in views:
            assert any(type(pod.get(k)) is not dict for k in ("metadata", "spec", "status")), key
            continue
        want = _ObjectTwins.tokens(pod)
        assert _ObjectTwins.tokens(views[key]) == want, key
        record = records.get(key[1:], some_record)
        assert tokens_of(views[key], record) == tokens_of(pod, record), key
        found[want is not None] += 1
    assert found[True] >= 21 and found[False] >= 5, found  # tokens for most, none for some odd ones
    moved = {k: (rv + 1, body) for k, (rv, body) in objects.items()}
    assert _pod_identities(SimpleNamespace(conn=conn), moved) == {}
    conn.close()

"""A long advance skips the CronJob minutes that are alike (engine/cronskip.py) and leaves the store stepping leaves.

Each case runs twice on new stores: with the skip, and stepping every minute (store meta ``engine:profile`` =
{"ffwd": false}). The stores' dumps must be byte-identical: every object and printed row, runtime record, event
(names, uids, counts, times, resourceVersions), log line, history row and meta counter. The one difference the
skip makes is the change log's compaction (``changes:oldest``): the fast store keeps the rows from the revision
where the skip compacted it on, and those must be the stepped store's rows.

The event TTL is 15 minutes here (``MINIKCTL_EVENT_TTL``), so that an hour's advance has skipped minutes whose
events are still stored at its end and minutes whose events have expired.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from minikctl.cluster import Cluster
from minikctl.store.db import Store

from test_cronjob_steps import _cronjob  # one CronJob shape for both files

SPAN_MS = 60 * 60_000


STEADY = (
    _cronjob("hello", "date; echo Hello from the Kubernetes cluster"),
    _cronjob("fails", "echo giving up; exit 3"),
    _cronjob("hello-again", "echo again", successfulJobsHistoryLimit=1),
)
# a Job that outlives its minute (Forbid skips the next schedule times): no two minutes are alike
SLOW = _cronjob("slow", "sleep 90; echo late", concurrencyPolicy="Forbid")


def _world(home: Path, cronjobs, skip: bool, steps=(SPAN_MS,)) -> Store:
    home.mkdir(parents=True)
    st = Store(str(home / "store.db"))
    with st.transaction() as tx:
        cl = Cluster(tx)
        if not skip:
            tx.set_meta("engine:profile", json.dumps({"ffwd": False}))
        for cj in cronjobs:
            cl.api.create(cj)
        cl.settle()
    for span in steps:
        with st.transaction() as tx:
            Cluster(tx).advance_to(tx.now_ms + span)
    return st


def _oldest(st: Store) -> int:
    row = st.conn.execute("SELECT value FROM meta WHERE key='changes:oldest'").fetchone()
    return int(row[0]) if row else 0


def _dump(st: Store, oldest: int) -> list[str]:
    conn = st.conn
    out = []
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").fetchall():
        for row in sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr):
            if table == "changes" and row[0] < oldest:
                continue
            if table == "meta" and row[0] in ("changes:oldest", "engine:profile"):
                continue
            out.append(f"{table} {row!r}")
    return out


def _compare(fast: Store, slow: Store) -> None:
    oldest = _oldest(fast)
    a, b = _dump(fast, oldest), _dump(slow, oldest)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x == y


@pytest.fixture(scope="module")
def steady(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("MINIKCTL_EVENT_TTL", "15m")
    try:
        base = tmp_path_factory.mktemp("steady")
        fast = _world(base / "fast", STEADY, True)
        slow = _world(base / "slow", STEADY, False)
    finally:
        mp.undo()
    yield base, fast, slow
    fast.close()
    slow.close()


def test_steady_cronjobs_skip_and_match_stepping(steady):
    _base, fast, slow = steady
    revision = int(fast.conn.execute("SELECT value FROM meta WHERE key='revision'").fetchone()[0])
    # the skip happened: the change log was compacted well into the advance
    assert _oldest(fast) > revision // 2 > 0
    assert _oldest(slow) == 0
    _compare(fast, slow)
    # what the case holds: events of skipped minutes younger than the TTL, combined ones, failed runs
    events = fast.conn.execute("SELECT count(*), min(last_ms) FROM events").fetchone()
    now = int(fast.conn.execute("SELECT value FROM meta WHERE key='clock_ms'").fetchone()[0])
    assert events[0] > 50 and events[1] <= now - 14 * 60_000
    text = "\n".join(_dump(fast, 0))
    assert "(combined from similar events)" in text and "BackoffLimitExceeded" in text


def test_cli_reads_agree(steady):
    from tests.conftest import Cli

    base, _fast, _slow = steady
    fast, slow = Cli(base / "fast"), Cli(base / "slow")
    for args in (("get", "cronjobs,jobs,pods"), ("describe", "cronjob"), ("get", "events"),
                 ("logs", "job/" + _last_job(base / "fast", "hello"))):
        a, b = fast.ok(*args, tick="0"), slow.ok(*args, tick="0")
        assert a == b, args
        assert a.strip()


def _last_job(home: Path, cronjob: str) -> str:
    st = Store(str(home / "store.db"))
    try:
        names = [n for (n,) in st.conn.execute("SELECT name FROM objects WHERE kind='Job' AND name LIKE ?",
                                               (cronjob + "-2%",))]
    finally:
        st.close()
    return max(names)


def test_a_run_outliving_its_minute_is_stepped(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    fast = _world(tmp_path / "fast", STEADY[:1] + (SLOW,), True)
    slow = _world(tmp_path / "slow", STEADY[:1] + (SLOW,), False)
    assert _oldest(fast) == 0  # nothing skipped
    _compare(fast, slow)
    assert "JobAlreadyActive" in "\n".join(_dump(fast, 0))


def test_cut_advances_skip_alike(tmp_path, monkeypatch):
    """Advances of 45 and 75 minutes, as two ``clock advance`` commands: each may skip on its own."""
    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    steps = (45 * 60_000 + 130, 75 * 60_000 - 130)
    fast = _world(tmp_path / "fast", STEADY[:2], True, steps)
    slow = _world(tmp_path / "slow", STEADY[:2], False, steps)
    assert _oldest(fast) > 0
    _compare(fast, slow)


def test_a_step_that_others_wait_for_stops_learning(tmp_path, monkeypatch):
    """A step of ``clock advance`` (a wall budget) whose budget is spent while another command waits for the store
    commits what it stepped instead of learning on: it skips nothing, and the same step with nobody waiting does."""
    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    reached = {}
    for waiting in (True, False):
        home = tmp_path / str(waiting)
        st = _world(home, STEADY, skip=True, steps=())
        with st.transaction() as tx:
            cl = Cluster(tx)
            cl.contended = lambda waiting=waiting: waiting
            start = tx.now_ms
            cl.advance_to(start + SPAN_MS, wall_budget_s=0.0)
            moved = tx.now_ms - start
        reached[waiting] = (moved, _oldest(st))
        st.close()
    assert reached[True][1] == 0 and reached[True][0] < 5 * 60_000  # gave way within minutes, nothing compacted
    assert reached[False][1] > 0  # nobody waiting: the skip jumped (and compacted the change log)


def test_cronjobs_of_different_ages_skip_alike(tmp_path, monkeypatch):
    """CronJobs created minutes apart (their events combined from different minutes on, their history limits
    reached at different minutes), then an advance that skips: the stale Jobs' deletions name the Jobs they
    stand for in each CronJob's combined SuccessfulDelete event."""
    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    stores = {}
    for mode in ("fast", "slow"):
        st = _world(tmp_path / mode, STEADY[:1], mode == "fast", steps=(3 * 60_000 + 70,))
        with st.transaction() as tx:
            cl = Cluster(tx)
            for cj in STEADY[1:]:
                cl.api.create(cj)
            cl.settle()
        with st.transaction() as tx:
            Cluster(tx).advance_to(tx.now_ms + SPAN_MS)
        stores[mode] = st
    fast, slow = stores["fast"], stores["slow"]
    assert _oldest(fast) > 0  # skipped
    _compare(fast, slow)
    text = "\n".join(_dump(fast, 0))
    assert "(combined from similar events): Deleted job" in text
    fast.close()
    slow.close()


@pytest.mark.parametrize("first_steps", [(), (3 * 60_000 + 70,), (7 * 60_000 + 500,)])
def test_learned_while_events_are_combined(tmp_path, monkeypatch, first_steps):
    """The skip learns from minutes whose CronJob events client-go's EventAggregator does not combine yet
    (engine/cronskip.py ``_Warm``): CronJobs created at different minutes, one failing, the skip starting at
    their first, fourth or eighth minute. The stores match stepping's byte for byte."""
    from minikctl.engine import cronskip

    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    warm = []
    real = cronskip._Warm.__init__

    def init(self, *args):
        real(self, *args)
        warm.append(len(self.warming))

    monkeypatch.setattr(cronskip._Warm, "__init__", init)
    stores = {}
    for mode in ("fast", "slow"):
        st = _world(tmp_path / mode, STEADY[1:2], mode == "fast", steps=(2 * 60_000 + 30,))
        with st.transaction() as tx:
            cl = Cluster(tx)
            for cj in (STEADY[0], STEADY[2]):
                cl.api.create(cj)
            cl.settle()
        for span in first_steps + (SPAN_MS,):
            with st.transaction() as tx:
                Cluster(tx).advance_to(tx.now_ms + span)
        stores[mode] = st
    fast, slow = stores["fast"], stores["slow"]
    assert warm and warm[-1] > 0 and _oldest(fast) > 0  # learned while some keys were still combining, skipped
    _compare(fast, slow)
    fast.close()
    slow.close()


@pytest.mark.parametrize("limit", [4, 6, 9, 16])
def test_history_limits_above_the_learned_minutes(tmp_path, monkeypatch, limit):
    """History limits of 4, 6, 9 or 16 Jobs: a CronJob's first minutes create a Job and delete none, and two of
    them are alike, but the minutes after the limit is reached also delete a Job (more revisions, event names, a
    ``SuccessfulDelete`` event). The skip learns from those, not from the first ones (``_runs_steady``), and the
    store is stepping's. With 16 it learns for longer than ``LEARN_MINUTES`` and reads names older than
    ``Shift.WINDOW``'s 12 minutes (``_history_limit``)."""
    from minikctl.engine import cronskip

    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    jumps = []
    real = cronskip._jump

    def jump(cluster, learned, n, to_ms, runs=None):
        jumps.append(len(learned.stale))
        return real(cluster, learned, n, to_ms, runs)

    monkeypatch.setattr(cronskip, "_jump", jump)
    cronjobs = (_cronjob("hello", "date; echo Hello from the Kubernetes cluster", successfulJobsHistoryLimit=limit),
                _cronjob("fails", "echo giving up; exit 3", failedJobsHistoryLimit=limit))
    fast = _world(tmp_path / "fast", cronjobs, True, steps=(90 * 60_000,))
    slow = _world(tmp_path / "slow", cronjobs, False, steps=(90 * 60_000,))
    assert _oldest(fast) > 0  # skipped
    assert jumps == [2 * 2 * limit]  # one jump, from minutes where each CronJob keeps its limit's Jobs (and pods)
    _compare(fast, slow)
    fast.close()
    slow.close()


def _profiled_world(home: Path, cronjobs, profile: dict | None, span: int, stepped: list) -> Store:
    """``_world`` with the store meta ``engine:profile`` given, counting the virtual milliseconds that the engine's
    loop stepped in the advance (``Loop.run``: from the clock at its call to its end)."""
    home.mkdir(parents=True)
    st = Store(str(home / "store.db"))
    with st.transaction() as tx:
        cl = Cluster(tx)
        if profile is not None:
            tx.set_meta("engine:profile", json.dumps(profile))
        for cj in cronjobs:
            cl.api.create(cj)
        cl.settle()
    return _advanced(st, span, stepped)


def _advanced(st: Store, span: int, stepped: list) -> Store:
    """``st`` advanced by ``span`` in one transaction, each run of the loop's span appended to ``stepped``."""
    from minikctl.engine.loop import Loop

    real = Loop.run

    def run(self, to_ms, *args, **kwargs):
        start = self.tx.now_ms
        out = real(self, to_ms, *args, **kwargs)
        stepped.append(self.tx.now_ms - start)
        return out

    mp = pytest.MonkeyPatch()
    mp.setattr(Loop, "run", run)
    try:
        with st.transaction() as tx:
            Cluster(tx).advance_to(tx.now_ms + span)
    finally:
        mp.undo()
    return st


def _tail_writes(monkeypatch) -> list:
    """The number of objects each tail the jump writes (``crontail.Tail.write``) holds, in the list returned."""
    from minikctl.engine import crontail

    written: list = []
    real = crontail.Tail.write

    def write(self, tx, runs):
        written.append(len(runs[0]))
        return real(self, tx, runs)

    monkeypatch.setattr(crontail.Tail, "write", write)
    return written


@pytest.mark.parametrize("limit", [1, 3, 4, 6, 9, 16])
def test_the_jump_writes_the_runs_the_history_limits_keep(tmp_path, monkeypatch, limit):
    """The runs each CronJob keeps at the end of a skip are written by the jump (engine/crontail.py), not stepped:
    the store is stepping's byte for byte, and the skip with the tail stepped (``{"crontail": false}``)'s, and the
    loop stepped as many minutes fewer as the most Jobs a CronJob keeps (the minutes in which the history limits
    deleted the stale runs)."""
    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    written = _tail_writes(monkeypatch)
    cronjobs = (_cronjob("hello", "date; echo Hello from the Kubernetes cluster", successfulJobsHistoryLimit=limit),
                _cronjob("fails", "echo giving up; exit 3", failedJobsHistoryLimit=limit))
    span = 90 * 60_000
    stepped = {}
    stores = {}
    for mode, profile in (("fast", None), ("stepped_tail", {"crontail": False}), ("slow", {"ffwd": False})):
        stepped[mode] = []
        stores[mode] = _profiled_world(tmp_path / mode, cronjobs, profile, span, stepped[mode])
    fast, tail, slow = stores["fast"], stores["stepped_tail"], stores["slow"]
    assert written == [2 * 2 * limit]  # one jump, which wrote each CronJob's last runs (a Job and a pod each)
    assert _oldest(fast) > 0 and _oldest(fast) == _oldest(tail)  # both skipped, compacted at the same revision
    _compare(fast, slow)
    _compare(fast, tail)
    assert sum(stepped["slow"]) == span
    assert sum(stepped["stepped_tail"]) - sum(stepped["fast"]) == limit * 60_000
    for st in stores.values():
        st.close()


def test_the_tail_switch_from_the_environment(tmp_path, monkeypatch):
    """``MINIKCTL_NO_CRON_TAIL=1`` turns the tail off as ``{"crontail": false}`` does: the stale runs' minutes are
    stepped, and the store is the same."""
    from minikctl.engine import crontail

    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    span = 60 * 60_000
    stepped = {"on": [], "off": []}
    on = _profiled_world(tmp_path / "on", STEADY, None, span, stepped["on"])
    monkeypatch.setattr(crontail, "ENABLED", False)
    off = _profiled_world(tmp_path / "off", STEADY, None, span, stepped["off"])
    assert _oldest(on) == _oldest(off) > 0
    _compare(on, off)
    assert sum(stepped["off"]) - sum(stepped["on"]) == 3 * 60_000  # "hello" keeps 3 Jobs
    on.close()
    off.close()


def test_a_tail_undone_steps_the_stale_runs_minutes(tmp_path, monkeypatch):
    """A jump whose tail fails (here: NotAlike once the runs are written) is undone, and the jump without it is
    made: the stale runs' minutes are stepped, and the store is still stepping's."""
    from minikctl.engine import crontail
    from minikctl.engine.alike import NotAlike

    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    tried = []
    real = crontail.Tail.write

    def write(self, tx, runs):
        tried.append(len(runs[0]))
        real(self, tx, runs)
        raise NotAlike("refused")

    monkeypatch.setattr(crontail.Tail, "write", write)
    span = 60 * 60_000
    stepped = {"fast": [], "slow": []}
    fast = _profiled_world(tmp_path / "fast", STEADY[:2], None, span, stepped["fast"])
    slow = _profiled_world(tmp_path / "slow", STEADY[:2], {"ffwd": False}, span, stepped["slow"])
    assert tried and _oldest(fast) > 0  # the tail was tried, the skip happened without it
    _compare(fast, slow)
    fast.close()
    slow.close()


def _events_world(home: Path, warm: bool, fast: bool) -> Store:
    """The CronJobs of ``STEADY`` advanced by ``SPAN_MS`` with the skip (``fast``) or stepping: ``warm``, two of
    them created two and a half minutes after the first (the skip learns from the aggregator's minutes, ``_Warm``);
    else all at once and advanced 20 minutes first (``_Learned``)."""
    if not warm:
        return _world(home, STEADY, fast, steps=(20 * 60_000, SPAN_MS))
    st = _world(home, STEADY[1:2], fast, steps=(2 * 60_000 + 30,))
    with st.transaction() as tx:
        cl = Cluster(tx)
        for cj in (STEADY[0], STEADY[2]):
            cl.api.create(cj)
        cl.settle()
    with st.transaction() as tx:
        Cluster(tx).advance_to(tx.now_ms + SPAN_MS)
    return st


@pytest.mark.parametrize("warm", [False, True])
def test_the_jump_s_events_filled_into_texts(tmp_path, monkeypatch, warm):
    """The events of the skipped minutes are filled into a text made once per learned event
    (``alike.Shift.new_events``): each minute's rows are ``new_event``'s of every event younger than the TTL, and
    the store is the one the skip writes with ``new_event`` alone (``alike.EVENT_TEXTS`` off:
    MINIKCTL_NO_EVENT_TEXTS=1) and stepping's. ``warm``: learned while the CronJobs' events were still combining
    (``cronskip._WarmShift``: uids and event names by their rank among a minute's draws), else learned after 20
    minutes stepped (an advance too short to skip), when every event is (``alike.Shift``)."""
    from minikctl.engine import alike

    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    assert alike.EVENT_TEXTS  # the path the skip takes unless turned off
    filled = []
    real = alike.Shift.new_events

    def new_events(self, events, n, floor):
        events = list(events)
        rows = real(self, events, n, floor)
        expected = []
        for key, row in events:
            if row[2] + n * alike.MINUTE > floor:
                (ns, name), (uid, rv, last, body) = self.new_event(key, row, n)
                expected.append((ns, name, uid, rv, last, body))
        assert rows == expected
        # a message with what a format or the encoder treats apart: the same text as new_event's
        for key, row in events[:3]:
            b = json.loads(row[3])
            b[7] += ' 100% "done"\\ %s\n\u00e9'
            odd = (row[0], row[1], row[2], alike.dumps(b))
            (ns, name), (uid, rv, last, body) = self.new_event(key, odd, n)
            assert real(self, [(key, odd)], n, -1) == [(ns, name, uid, rv, last, body)]
        filled.append((type(self).__name__, len(rows)))
        return rows

    monkeypatch.setattr(alike.Shift, "new_events", new_events)
    stores = {}
    for mode, texts in (("texts", True), ("one_by_one", False), ("slow", None)):
        monkeypatch.setattr(alike, "EVENT_TEXTS", bool(texts))
        stores[mode] = _events_world(tmp_path / mode, warm, texts is not None)
        if mode == "texts":
            kinds = {k for k, _n in filled}
            assert kinds == {"_WarmShift" if warm else "Shift"} and sum(n for _k, n in filled) > 50
            filled.clear()
    assert not filled  # the one-by-one run did not take the texts
    assert _oldest(stores["texts"]) == _oldest(stores["one_by_one"]) > 0
    _compare(stores["texts"], stores["one_by_one"])
    _compare(stores["texts"], stores["slow"])
    for st in stores.values():
        st.close()


def _with_env(cronjob: dict, **fields) -> dict:
    """``cronjob`` with its container given the downward API's values (env name -> fieldPath)."""
    c = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    c["env"] = [{"name": k, "valueFrom": {"fieldRef": {"fieldPath": v}}} for k, v in fields.items()]
    return cronjob


def _in_namespace(cronjob: dict, namespace: str) -> dict:
    cronjob["metadata"]["namespace"] = namespace
    return cronjob


def _template_spec(cronjob: dict, **spec) -> dict:
    cronjob["spec"]["jobTemplate"]["spec"].update(spec)
    return cronjob


# the runs of the tail hold texts the golden cases above do not: log lines with quotes, backslashes, '%', non-ASCII
# and control characters (a NUL, an escape); the pod's own IP, uid and name printed (downward API, $HOSTNAME); a
# CronJob named as its container and another as its image; names and a pod IP printed as constant text; a
# CronJob in another namespace; and more pods than a node's 253 addresses (the IPs wrap: engine/nodes.py
# ``next_pod_ip``)
TAIL_TEXTS = {
    "odd_log_lines": [
        _cronjob("q", 'echo "a \\"q\\" b\\\\c 100% %s \u00e9 \u2603"; date'),
        _cronjob("ctl", "printf 'a\\000b\\001c\\033[1m\\\\ %%s\\n'; echo done; exit 3"),
    ],
    "own_values_printed": [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}},
        _in_namespace(_with_env(_cronjob("dw", 'echo "$POD_IP $POD_UID $POD_NAME $HOSTNAME"'),
                                POD_IP="status.podIP", POD_UID="metadata.uid", POD_NAME="metadata.name"), "other"),
        _cronjob("dw", "echo same name, default namespace"),
    ],
    "names_as_constant_text": [
        _cronjob("c", "echo c; echo c-2 Created container c"),
        _cronjob("busybox", "echo busybox:1.28 a-2 10.244.0.5"),
        _cronjob("a", "echo c-29453761 hello"),
    ],
    "pod_ips_wrap": [_cronjob(f"w{i}", "echo w") for i in range(5)],
}


@pytest.mark.parametrize("case", sorted(TAIL_TEXTS))
def test_the_tail_moves_texts_of_every_kind(tmp_path, monkeypatch, case):
    """The jump writes the tail (engine/crontail.py) of runs whose texts hold what ``TAIL_TEXTS`` says: the store is
    the one the skip leaves with the tail stepped (``{"crontail": false}``) and stepping's, byte for byte."""
    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    written = _tail_writes(monkeypatch)
    objects = TAIL_TEXTS[case]
    span = 80 * 60_000 if case == "pod_ips_wrap" else SPAN_MS
    stores = {}
    for mode, profile in (("fast", None), ("stepped_tail", {"crontail": False}), ("slow", {"ffwd": False})):
        stores[mode] = _profiled_world(tmp_path / mode, objects, profile, span, [])
        if mode == "fast":
            assert len(written) == 1 and written[0] > 0  # the tail was written
    fast = stores["fast"]
    assert _oldest(fast) > 0 and _oldest(fast) == _oldest(stores["stepped_tail"])
    _compare(fast, stores["stepped_tail"])
    _compare(fast, stores["slow"])
    text = "\n".join(_dump(fast, 0))
    if case == "own_values_printed":
        assert "10.244." in text and "'other'" in text
    if case == "pod_ips_wrap":  # more addresses handed out than the node has: they wrapped before the tail's runs
        last_ip = fast.conn.execute("SELECT body FROM runtime WHERE kind='Node'").fetchone()[0]
        assert json.loads(last_ip)["last_ip"] > 253
    for st in stores.values():
        st.close()


# runs the tail is not derived from (``crontail.Tail`` refuses them): a Job of two pods, a CronJob with a time
# zone (its Jobs' scheduled-timestamp annotation is written in the zone's offset, not moved as an RFC 3339 UTC
# time), a log line of seconds since the epoch (moves by 60 a minute, none of the steps a run's numbers move by)
TAIL_REFUSED = {
    "two_pods_a_job": [_template_spec(_cronjob("par", "echo p"), parallelism=2, completions=2),
                       _cronjob("hello", "echo h")],
    "time_zone": [_cronjob("t", "date", timeZone="Asia/Kolkata")],
    "epoch_seconds": [_cronjob("ep", "date +%s")],
}


@pytest.mark.parametrize("case", sorted(TAIL_REFUSED))
def test_runs_the_tail_refuses_are_stepped(tmp_path, monkeypatch, case):
    """When the runs kept at the end are not derived from the learned ones (``crontail.Tail`` raises NotAlike
    before the jump), the jump steps the stale runs' minutes: the store is the one the skip leaves with the tail
    off and stepping's."""
    from minikctl.engine import crontail
    from minikctl.engine.alike import NotAlike

    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    refused = []
    real = crontail.Tail.__init__

    def init(self, *args):
        try:
            real(self, *args)
        except NotAlike as e:
            refused.append(str(e))
            raise

    monkeypatch.setattr(crontail.Tail, "__init__", init)
    stores = {}
    for mode, profile in (("fast", None), ("stepped_tail", {"crontail": False}), ("slow", {"ffwd": False})):
        stores[mode] = _profiled_world(tmp_path / mode, TAIL_REFUSED[case], profile, SPAN_MS, [])
        if mode == "fast":
            assert refused  # the tail was refused
    fast = stores["fast"]
    assert _oldest(fast) > 0 and _oldest(fast) == _oldest(stores["stepped_tail"])  # skipped both ways
    _compare(fast, stores["stepped_tail"])
    _compare(fast, stores["slow"])
    for st in stores.values():
        st.close()


def test_pods_restarted_in_place_as_stepping(tmp_path, monkeypatch):
    """A CronJob whose Jobs restart their pod in place (OnFailure) until their backoffLimit: the Job controller
    deletes the last pod (a Job without a pod), its crash loop stepped as every pod a controller reacts to is
    (kubelet/worker.py ``jump_writes``). The Job controller sees each of the pod's writes at its instant, so its
    minutes are not alike enough to skip; whatever the skip does, the store is stepping's."""
    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    objects = [_template_spec(_cronjob("rs", "echo r; exit 1"), backoffLimit=2, template={"spec": {
        "restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox:1.28",
                                                      "command": ["sh", "-c", "echo r; exit 1"]}]}})]
    fast = _profiled_world(tmp_path / "fast", objects, None, SPAN_MS, [])
    slow = _profiled_world(tmp_path / "slow", objects, {"ffwd": False}, SPAN_MS, [])
    _compare(fast, slow)
    fast.close()
    slow.close()


def _bench_cronjob(name: str, **spec) -> dict:
    """The CronJob of bench/cronjob_speed.py: restartPolicy OnFailure, the default backoffLimit."""
    cj = _cronjob(name, "date; echo Hello from the Kubernetes cluster", **spec)
    job = cj["spec"]["jobTemplate"]["spec"]
    del job["backoffLimit"]
    job["template"]["spec"]["restartPolicy"] = "OnFailure"
    return cj


# CronJobs whose skip may learn from their first minutes that delete a Job (``cronskip._as_if_alike_before``):
# (the CronJobs created at once, those created after the first span, the first span); and the minutes the learning
# steps fewer than with it off
FIRST_DELETING = {
    "steady": ((STEADY, (), 0), 1),
    "bench": (([_bench_cronjob(f"cj{i}") for i in range(3)], (), 0), 1),
    "other_limits": (([_cronjob("two", "echo two", successfulJobsHistoryLimit=2),
                       _cronjob("five", "echo five; exit 3", failedJobsHistoryLimit=5),
                       _bench_cronjob("four", successfulJobsHistoryLimit=4)], (), 0), 1),
    "one_a_minute_later": ((STEADY[:2], STEADY[2:], 60_000), 1),
    "created_mid_minute": ((STEADY[:1], STEADY[1:], 90_500), 1),
    "every_two_minutes": (([_cronjob("two", "echo every two", schedule="*/2 * * * *"), STEADY[0]], (), 0), 0),
}


def _staged_world(home: Path, case: tuple, profile: dict | None, span: int, stepped: list) -> Store:
    """``_profiled_world`` of the CronJobs of ``case`` (``FIRST_DELETING``): some created after a first span."""
    first, later, wait = case
    st = _profiled_world(home, first, profile, wait, []) if wait else None
    if st is None:
        return _profiled_world(home, first, profile, span, stepped)
    with st.transaction() as tx:
        cl = Cluster(tx)
        for cj in later:
            cl.api.create(cj)
        cl.settle()
    return _advanced(st, span, stepped)


@pytest.mark.parametrize("case", sorted(FIRST_DELETING))
def test_learned_from_the_first_deleting_minutes(tmp_path, monkeypatch, case):
    """The skip learns from a CronJob's first two minutes that delete a Job, though the minute before them created
    one and deleted none (its writes at other revision offsets: ``cronskip._as_if_alike_before``), and steps a
    minute fewer than when it learns from the minutes after them (``MINIKCTL_NO_CRON_FIRST_DELETING=1``); the
    store is the same both ways, and stepping's, byte for byte. CronJobs with other history limits, created a
    minute or a minute and a half after the others, or scheduled every two minutes (never alike minute by minute:
    stepped all the way, as with it off)."""
    from minikctl.engine import cronskip

    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    objects, fewer = FIRST_DELETING[case]
    stepped: dict = {}
    stores = {}
    for mode, profile, on in (("fast", None, True), ("off", None, False), ("slow", {"ffwd": False}, True)):
        monkeypatch.setattr(cronskip, "FIRST_DELETING", on)
        stepped[mode] = []
        stores[mode] = _staged_world(tmp_path / mode, objects, profile, SPAN_MS, stepped[mode])
    fast, off, slow = stores["fast"], stores["off"], stores["slow"]
    if case != "every_two_minutes":
        assert _oldest(fast) > 0 and _oldest(off) > 0  # skipped both ways
    assert sum(stepped["off"]) - sum(stepped["fast"]) == fewer * 60_000
    _compare(fast, slow)
    _compare(off, slow)
    for st in stores.values():
        st.close()


@pytest.mark.parametrize("warm", [False, True])
def test_the_jump_s_event_plans(tmp_path, monkeypatch, warm):
    """The holes of the jump's event texts numbered once per skip and moved into a list each minute
    (``alike.Shift._event_plan``): each minute's rows are those of the memo made each minute
    (``alike.PLANNED_EVENTS`` off: MINIKCTL_NO_PLANNED_EVENTS=1), and the stores both ways are stepping's. ``warm``
    as in ``test_the_jump_s_events_filled_into_texts``."""
    from minikctl.engine import alike

    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    assert alike.PLANNED_EVENTS  # the path the skip takes unless turned off
    planned = []
    real = alike.Shift.new_events

    def new_events(self, events, n, floor):
        events = list(events)
        rows = real(self, events, n, floor)
        if alike.PLANNED_EVENTS:
            assert rows == self._new_events_by_spec(events, n, floor)
            planned.append(len(rows))
        return rows

    monkeypatch.setattr(alike.Shift, "new_events", new_events)
    stores = {}
    for mode, on in (("planned", True), ("by_spec", False), ("slow", None)):
        monkeypatch.setattr(alike, "PLANNED_EVENTS", bool(on))
        stores[mode] = _events_world(tmp_path / mode, warm, on is not None)
        if mode == "planned":
            assert sum(planned) > 50
            planned.clear()
    assert not planned  # the run with it off did not plan
    assert _oldest(stores["planned"]) == _oldest(stores["by_spec"]) > 0
    _compare(stores["planned"], stores["by_spec"])
    _compare(stores["planned"], stores["slow"])
    for st in stores.values():
        st.close()


def _label(name: str, value: str):
    def patch(cl):
        old = cl.tx.get("CronJob", "default", name)
        new = json.loads(json.dumps(old))
        new["metadata"].setdefault("labels", {})["touched"] = value
        cl.api.update(old, new)
    return patch


def _limit(name: str, field: str, value: int):
    def patch(cl):
        old = cl.tx.get("CronJob", "default", name)
        new = json.loads(json.dumps(old))
        new["spec"][field] = value
        cl.api.update(old, new)
    return patch


def _pod(name: str, script: str):
    def create(cl):
        cl.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
                       "spec": {"containers": [{"name": "c", "image": "busybox:1.28",
                                                "command": ["sh", "-c", script]}], "restartPolicy": "Never"}})
    return create


def _create(*cronjobs):
    def create(cl):
        for cj in cronjobs:
            cl.api.create(cj)
    return create


# (the CronJobs created first, [(a span stepped or skipped, then what is done in a transaction of its own)])
AROUND_FIRST_DELETING = {
    "created_the_minute_before": (STEADY, [(3 * 60_000 + 30_000, _create(_cronjob("late", "echo late")))]),
    "created_two_minutes_before": (STEADY[:1], [(2 * 60_000 + 10_000, _create(*STEADY[1:]))]),
    "other_limits_staggered": ((_cronjob("two", "echo two", successfulJobsHistoryLimit=2),),
                               [(60_000, _create(_cronjob("none", "echo none", successfulJobsHistoryLimit=0,
                                                          failedJobsHistoryLimit=0))),
                                (60_000, _create(_cronjob("fails2", "exit 2", failedJobsHistoryLimit=2)))]),
    "labelled_in_the_first_deleting_minute": (STEADY, [(4 * 60_000 + 20_000, _label("hello", "a"))]),
    "labelled_the_minute_before": (STEADY, [(3 * 60_000 + 20_000, _label("hello", "a"))]),
    "labelled_in_each_minute": (STEADY, [(2 * 60_000 + 20_000, _label("hello", "a")),
                                         (60_000, _label("hello", "b")), (60_000, _label("fails", "c"))]),
    "limit_raised": (STEADY, [(4 * 60_000 + 20_000, _limit("hello", "successfulJobsHistoryLimit", 5))]),
    "limit_lowered": (STEADY, [(5 * 60_000 + 20_000, _limit("hello", "successfulJobsHistoryLimit", 1))]),
    "suspended": (STEADY, [(3 * 60_000 + 20_000, _limit("hello", "suspend", True))]),
    "resumed": (STEADY + (_cronjob("paused", "echo p", suspend=True),),
                [(4 * 60_000 + 20_000, _limit("paused", "suspend", False))]),
    "forbid_and_replace": ((_cronjob("forbid", "echo f", concurrencyPolicy="Forbid"),
                            _cronjob("replace", "echo r", concurrencyPolicy="Replace"), STEADY[1]), []),
    "a_pod_started_the_minute_before": (STEADY, [(3 * 60_000 + 20_000, _pod("lasting", "sleep 100000")),
                                                 (50_000, _pod("flaky", "sleep 30; exit 1"))]),
    "time_zones": ((_cronjob("kolkata", "echo k", timeZone="Asia/Kolkata"), STEADY[0]),
                   [(60_000 + 40_000, _create(_cronjob("nepal", "exit 1", timeZone="Asia/Kathmandu")))]),
    "replace_slow": ((_cronjob("replace", "sleep 70; echo r", concurrencyPolicy="Replace"), STEADY[0]), []),
}


# the cases no skip learns from within the advance (a run outliving its minute, a pod that fails, a suspended
# CronJob's kept runs, a limit raised that the advance's minutes do not reach)
STEPPED_ALL_THE_WAY = {"a_pod_started_the_minute_before", "limit_raised", "replace_slow", "suspended"}


@pytest.mark.parametrize("case", sorted(AROUND_FIRST_DELETING))
def test_writes_around_the_first_deleting_minutes(tmp_path, monkeypatch, case):
    """The learning from a CronJob's first deleting minutes (``cronskip._as_if_alike_before``) next to writes that
    move the revisions of the minute before them or of those minutes (a CronJob created or labelled then, its
    limits or suspend changed, a pod started then), other history limits, Forbid and Replace: the store with it, with it off
    (MINIKCTL_NO_CRON_FIRST_DELETING=1) and stepping's, byte for byte."""
    from minikctl.engine import cronskip

    monkeypatch.setenv("MINIKCTL_EVENT_TTL", "15m")
    first, stages = AROUND_FIRST_DELETING[case]
    stores = {}
    for mode, profile, on in (("fast", None, True), ("off", None, False), ("slow", {"ffwd": False}, True)):
        monkeypatch.setattr(cronskip, "FIRST_DELETING", on)
        home = tmp_path / mode
        home.mkdir()
        st = stores[mode] = Store(str(home / "store.db"))
        with st.transaction() as tx:
            cl = Cluster(tx)
            if profile is not None:
                tx.set_meta("engine:profile", json.dumps(profile))
            for cj in first:
                cl.api.create(cj)
            cl.settle()
        for span, do in stages:
            with st.transaction() as tx:
                Cluster(tx).advance_to(tx.now_ms + span)
            with st.transaction() as tx:
                cl = Cluster(tx)
                do(cl)
                cl.settle()
        with st.transaction() as tx:
            Cluster(tx).advance_to(tx.now_ms + 40 * 60_000)
    if case not in STEPPED_ALL_THE_WAY:
        assert _oldest(stores["fast"]) > 0  # skipped: the comparison is of a jump's store
    _compare(stores["fast"], stores["slow"])
    _compare(stores["off"], stores["slow"])
    for st in stores.values():
        st.close()

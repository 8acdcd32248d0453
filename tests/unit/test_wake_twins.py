"""Pods that wake alike at one instant are worked once (engine/kubelet/waketwins.py): a store advanced with wake-ups
made from a twin's is byte for byte the store advanced with every wake-up worked the general way
(``MINIKCTL_NO_WAKE_TWINS=1``, ``waketwins.ENABLED`` cleared): objects, runtime records, events, history, change
log, logs, store meta; and the CLI prints the same.

The scenarios are the benches' at a small size, mixed with pods that must not share a model: readiness flapping
every 30 s behind two Services (bench/services_speed.py), with the flap skip (engine/flapskip.py) on and off; nginx
pods bound and settled, pulled and started in the advance (bench/chatty_speed.py ``big``); among them pods of
another image, of another command or script, of other labels, and pods created a second later."""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter

import pytest

from minikctl.cluster import Cluster
from minikctl.engine.kubelet import waketwins
from tests.conftest import Cli
from tests.unit.flap_world import FLAP, dump, exec_ready, runtime_records, service, stepping, steps

OTHER = "while true; do touch /tmp/ready; sleep 20; rm -f /tmp/ready; sleep 40; done"


def _rows(path) -> list:
    """Every table's rows, ordered by their columns, the runtime records as tests/unit/flap_world.py
    ``runtime_records`` compares them. A ``clock advance`` command stops at a quiet instant when its wall budget is
    spent (cli/clock.py STEP_S) and goes on in a new transaction (cluster.py ``advance_to``): where it stops moves
    the records' rows in their table, and the order and sequence numbers of a record's timers (its kubelet's own
    bookkeeping, which nothing outside it reads), whether or not wake-ups are made from twins."""
    conn = sqlite3.connect(path)
    try:
        out: list = [runtime_records(path.parent)]
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name != 'runtime' "
                                     "ORDER BY name"):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            out += [f"{table} {row!r}" for row in conn.execute(f"SELECT * FROM {table} ORDER BY {', '.join(cols)}")]
        return out
    finally:
        conn.close()


@pytest.fixture
def counted(monkeypatch):
    """Counts the wake-ups made from a model (``replayed``), and those worked as a model or its check."""
    seen: Counter = Counter()
    replay, traced = waketwins.WakeTwins._replay, waketwins.WakeTwins._traced

    def counted_replay(self, *args):
        done = replay(self, *args)
        seen["replayed" if done else "refused"] += 1
        return done

    def counted_traced(self, *args):
        trace = traced(self, *args)
        seen["fit" if trace.fit else "unfit"] += 1
        return trace

    monkeypatch.setattr(waketwins.WakeTwins, "_replay", counted_replay)
    monkeypatch.setattr(waketwins.WakeTwins, "_traced", counted_traced)
    return seen


def _flapping(path, twins: bool, ffwd: bool, monkeypatch) -> list[str]:
    monkeypatch.setattr(waketwins, "ENABLED", twins)
    st, step = steps(str(path))

    def first(cl) -> None:
        if not ffwd:
            stepping(cl.tx)
        for svc in ("s0", "s1"):
            cl.api.create(service(svc))
        for i in range(30):
            script = OTHER if i % 10 == 7 else FLAP  # another script: never a model of the others
            pod = exec_ready(f"p{i:02d}", script, svc=f"s{i % 2}")
            if i % 10 == 9:
                pod["spec"]["containers"][0]["image"] = "busybox:1.35"
            cl.api.create(pod)

    def later(cl) -> None:  # created a second later: its instants are its own
        for i in range(30, 34):
            cl.api.create(exec_ready(f"p{i:02d}", FLAP, svc="s0"))

    step(first)
    step(lambda cl: cl.advance_to(cl.now_ms + 1000))
    step(later)
    for ms in (15_000, 5 * 60_000 + 500, 12 * 60_000):
        step(lambda cl, ms=ms: cl.advance_to(cl.now_ms + ms))
    st.close()
    return dump(path)


@pytest.mark.parametrize("ffwd", [True, False])
def test_flapping_pods_store_what_stepping_gives(tmp_path, monkeypatch, counted, ffwd):
    on = _flapping(tmp_path / "on.db", True, ffwd, monkeypatch)
    made = counted["replayed"]
    assert made >= 150 and counted["fit"] >= 10  # most wake-ups made from a model
    off = _flapping(tmp_path / "off.db", False, ffwd, monkeypatch)
    assert counted["replayed"] == made  # switched off: none
    assert len(on) == len(off)
    assert on == off


def _nginx(name: str, image: str = "nginx:1.14.2", command: list | None = None) -> dict:
    c = {"name": "nginx", "image": image, "imagePullPolicy": "IfNotPresent"}
    if command:
        c["command"] = command
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [c], "restartPolicy": "Always"}}


def _starting(path, twins: bool, monkeypatch) -> list[str]:
    """bench/chatty_speed.py ``big`` at a small size: pods created and settled (bound, their pulls begun), then an
    advance pulls and starts them; pods of another image or command among them, two more created a second later."""
    monkeypatch.setattr(waketwins, "ENABLED", twins)
    st, step = steps(str(path))

    def first(cl) -> None:
        for i in range(40):
            if i % 8 == 3:
                cl.api.create(_nginx(f"n{i:02d}", image="nginx:1.15"))
            elif i % 8 == 5:
                cl.api.create(_nginx(f"n{i:02d}", command=["nginx", "-g", "daemon off;"]))
            else:
                cl.api.create(_nginx(f"n{i:02d}"))

    def later(cl) -> None:
        cl.advance_to(cl.now_ms + 1000)
        cl.api.create(_nginx("late-a"))
        cl.api.create(_nginx("late-b"))

    step(first)
    step(later)
    step(lambda cl: cl.advance_to(cl.now_ms + 60_000))
    st.close()
    return dump(path)


def test_starting_pods_store_what_stepping_gives(tmp_path, monkeypatch, counted):
    on = _starting(tmp_path / "on.db", True, monkeypatch)
    assert counted["replayed"] >= 20
    off = _starting(tmp_path / "off.db", False, monkeypatch)
    assert on == off


def test_a_model_whose_check_differs_is_given_up(tmp_path, monkeypatch, counted):
    """The first twin of a model is worked the general way and compared: a difference (here made up: every
    check differs) gives the model up, and its twins are worked the general way."""
    key = waketwins._Trace.key
    traces = []

    def differing(self):
        traces.append(self)
        return (len(traces), key(self))

    monkeypatch.setattr(waketwins._Trace, "key", differing)
    on = _starting(tmp_path / "on.db", True, monkeypatch)
    assert counted["replayed"] == 0 and counted["fit"] >= 4
    off = _starting(tmp_path / "off.db", False, monkeypatch)
    assert on == off


def test_profile_switch(tmp_path, monkeypatch, counted):
    """``engine:profile`` {"wake_twins": false} turns the models off."""
    monkeypatch.setattr(waketwins, "ENABLED", True)
    st, step = steps(str(tmp_path / "s.db"))

    def first(cl: Cluster) -> None:
        cl.tx.set_meta("engine:profile", '{"wake_twins": false}')
        for i in range(12):
            cl.api.create(_nginx(f"n{i:02d}"))

    step(first)
    step(lambda cl: cl.advance_to(cl.now_ms + 30_000))
    st.close()
    assert counted["replayed"] == 0 and counted["fit"] == 0


MANIFEST = "".join(f"""---
apiVersion: v1
kind: Pod
metadata:
  name: f{i:02d}
  labels: {{svc: s{i % 2}}}
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: ["sh", "-c", "{FLAP if i % 6 else OTHER}"]
    ports: [{{containerPort: 8080, name: http}}]
    readinessProbe:
      exec: {{command: ["cat", "/tmp/ready"]}}
      periodSeconds: 10
      failureThreshold: 1
""" for i in range(16)) + "".join(f"""---
apiVersion: v1
kind: Pod
metadata:
  name: w{i:02d}
spec:
  containers:
  - name: web
    image: nginx:1.14.2
""" for i in range(12)) + "".join(f"""---
apiVersion: v1
kind: Service
metadata:
  name: s{j}
spec:
  selector: {{svc: s{j}}}
  ports: [{{port: 80, targetPort: http}}]
""" for j in range(2))


def _session(cli: Cli, manifest, twins: bool) -> list:
    path = manifest(MANIFEST)
    env = {} if twins else {"MINIKCTL_NO_WAKE_TWINS": "1"}
    seen = []
    for args in (["apply", "-f", path], ["clock", "advance", "45s"], ["get", "pods", "-o", "wide"],
                 ["clock", "advance", "3m"], ["get", "pods", "-o", "wide"], ["get", "events"],
                 ["get", "endpoints"], ["logs", "w03"], ["describe", "pod", "f05"], ["describe", "pod", "w07"]):
        done = cli(*args, tick="0", env=env)
        seen.append((args, done.returncode, done.stdout, done.stderr))
    return seen + _rows(cli.home / "store.db")


def test_cli_prints_what_stepping_prints(tmp_path, manifest):
    on = _session(Cli(tmp_path / "on"), manifest, True)
    off = _session(Cli(tmp_path / "off"), manifest, False)
    assert on == off


# ---- a twin's events stored from bodies made as they are recorded (store/events.py record_event ``kept``) ---------


@pytest.fixture
def bodies(monkeypatch):
    """Counts the event bodies made as the events are recorded (store/events.py ``_fresh_body``)."""
    from minikctl.store import events

    made: Counter = Counter()
    fresh = events._fresh_body

    def counted(*args):
        body = fresh(*args)
        made["made" if body is not None else "none"] += 1
        return body

    monkeypatch.setattr(events, "_fresh_body", counted)
    batch, record = events.EventLog.record_events, events.EventLog.record_event

    def counted_batch(self, involved, calls):
        """The bodies of a run of events made as recorded (``record_events``): those it left to ``record_event``
        are counted by ``_fresh_body``, the others made from its pieces."""
        apart = [0]

        def one(*args, **kw):
            apart[0] += 1
            return record(self, *args, **kw)

        self.record_event = one
        try:
            batch(self, involved, calls)
        finally:
            del self.record_event
        made["made"] += len(calls) - apart[0]

    monkeypatch.setattr(events.EventLog, "record_events", counted_batch)
    return made


def _recorded(path, kept: bool) -> list:
    """Events recorded straight to the log, each kind of change after one: the same again (count 2), bumped, ten
    distinct messages (the aggregator's combined event), a field path, a host, a time off the second, a value of
    another type, and a flush between two writes of one event."""
    from minikctl.store.db import Store

    st = Store(path)
    pods = [{"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": f"p{i}", "namespace": "default", "uid": f"u{i}", "resourceVersion": str(7 + i)}}
            for i in range(4)]
    with st.transaction() as tx:
        Cluster(tx)
        t0 = tx.now_ms - tx.now_ms % 1000

        def rec(*args, **kw):
            tx.record_event(*args, **kw, kept=kept)

        rec(pods[0], "Normal", "Pulled", "pulled", "kubelet", "node-1", t0)
        rec(pods[0], "Normal", "Created", "created", "kubelet", "node-1", t0)
        rec(pods[0], "Normal", "Pulled", "pulled", "kubelet", "node-1", t0 + 2000)  # count 2
        rec(pods[1], "Warning", "Unhealthy", "probe failed", "kubelet", "", t0 + 1000, "spec.containers{c}")
        tx.bump_event(pods[1], "Warning", "Unhealthy", "probe failed", "kubelet", "spec.containers{c}", 5, t0 + 9000)
        for i in range(12):
            rec(pods[2], "Normal", "Says", f"message {i}", "test", "", t0 + i * 1000)
            if i == 9:
                tx.flush_events()  # the combined event stored as made
        rec(pods[3], "Normal", "Odd", "off the second", "kubelet", "node-1", t0 + 1500)
        rec(pods[3], "Normal", "Odd", "no host", "kubelet", None, t0)
        rec(pods[3], "Normal", "Once", "flushed", "kubelet", "node-1", t0)
        tx.flush_events()
        rec(pods[3], "Normal", "Once", "flushed", "kubelet", "node-1", t0 + 3000)
        rec(pods[3], "Normal", "Later", "after the flush", "kubelet", "node-1", t0 + 4000)
    st.close()
    conn = sqlite3.connect(path)
    try:
        return [*conn.execute("SELECT * FROM events ORDER BY namespace, name"),
                *conn.execute("SELECT key, value FROM meta ORDER BY key")]
    finally:
        conn.close()


def test_event_bodies_made_as_recorded_are_the_packed_ones(tmp_path, bodies):
    made = _recorded(tmp_path / "made.db", False)
    assert bodies["made"] >= 10 and bodies["none"] >= 2
    n = sum(bodies.values())
    packed = _recorded(tmp_path / "packed.db", True)
    assert sum(bodies.values()) == n
    assert len(made) >= 20
    assert made == packed


# ---- a twin's written pod made as a literal with its tokens in place (waketwins._tree_maker) ----------------------


@pytest.fixture
def trees(monkeypatch):
    """Counts the twins' pods made from a literal (``made``) and those decoded from the filled text."""
    seen: Counter = Counter()
    make = waketwins._tree_maker

    def counted(text, rv_role, rv_fixed=True, **kw):
        if not rv_fixed:  # a pod read's (counted by ``reads``)
            return make(text, rv_role, rv_fixed=False, **kw)
        maker = make(text, rv_role, **kw)
        seen["makers" if maker is not None else "no maker"] += 1
        if maker is None:
            return None

        def counting(tokens):
            tree = maker(tokens)
            seen["made" if tree is not None else "decoded"] += 1
            return tree
        return counting

    monkeypatch.setattr(waketwins, "_tree_maker", counted)
    return seen


def _masked(text: str) -> waketwins._Template:
    """A text with roles written {0}, {1}, ... as a masked text (its marks)."""
    import re

    return waketwins._Template(re.sub(r"\{(\d+)\}", lambda m: waketwins._MARKS[int(m.group(1))], text))


@pytest.mark.parametrize("text, tokens", [
    ('{"metadata":{"name":"{0}","uid":"{1}",{2}},"a":["x-{0}-y",1,2.5,true,null,{"{0}":"{1}{0}"}],"b":"\\u00e9\\n"}',
     ["p-01", "0a-1b", "", "ünï"]),
    ('{"k":"{0}","l":"{0}\\t{1}"}', ["a b", "c:d/e", ""]),
    ('{"k":"{0}","rv":{"x":1,{2}}}', ["é€", "x", ""]),
])
def test_a_tree_made_is_the_filled_text_decoded(text, tokens):
    import json

    t = _masked(text)
    maker = waketwins._tree_maker(t, 2)
    assert maker is not None
    filled = t.fill(waketwins._with_rv(tokens, 5, "0"))
    assert maker(tokens) == json.loads(filled)
    assert json.dumps(maker(tokens)) == json.dumps(json.loads(filled))  # the keys' order too


@pytest.mark.parametrize("text", [
    '{"n":1{0}}',  # a role in a number
    '{"s":"a\\{0}"}',  # a role behind a backslash
    '{"s":"\\udb80\\udc00{0}"}',  # the text holds a stand-in already (escaped)
    '[{"s":"{0}"}]',  # not an object
])
def test_no_tree_maker_where_a_role_is_not_in_a_string(text):
    assert waketwins._tree_maker(_masked(text), 2) is None


@pytest.mark.parametrize("token", ['a"b', "a\\b", "a\x02b"])
def test_tokens_a_string_does_not_hold_are_decoded(token):
    maker = waketwins._tree_maker(_masked('{"s":"{0}"}'), 2)
    assert maker(["ok"]) == {"s": "ok"}
    assert maker([token]) is None


@pytest.mark.parametrize("rv_fixed", [True, False])
def test_a_tree_made_for_a_text_alike_but_for_its_times(shapes, rv_fixed):
    """Texts alike but for their times (of other lengths, a time in a key, beside a role, in an array) share one
    compiled literal, each given its own times: the tree made is the filled text decoded. A text whose time is
    not in a string, or that holds a time's stand-in already, is made without the kept literal."""
    import json

    shape = ('{"metadata":{"name":"{0}",{2},"creationTimestamp":"%s"},"status":{"conditions":[{"t":"%s"},'
             '{"lastProbeTime":null,"x":"at %s by {0}"}],"%s":["%s","%s"]},"n":12}')
    texts = [shape % (("2026-12-07T10:00:00Z",) * 6),
             shape % ("2026-12-07T10:00:30Z", "2026-12-07T10:00:31.5Z", "2026-12-07T10:00:32.123456Z",
                      "2026-12-07T10:00:33Z", "2026-12-07T10:00:34Z", "2026-12-07T10:00:34Z"),
             shape % ("1999-01-01T00:00:00.000001Z", "2026-12-07T10:00:00Z", "x", "k", "9999-12-31T23:59:59Z",
                      "2026-12-07T10:00:00Z")]
    tokens = ["p-01", "0a-1b", '"resourceVersion":"17"' if rv_fixed else "17", "ünï"]
    for k, text in enumerate(texts):
        t = _masked(text)
        maker = waketwins._tree_maker(t, 2, rv_fixed=rv_fixed, shapes=True)
        assert maker is not None
        filled = t.fill(waketwins._with_rv(tokens, 5, "0")) if rv_fixed else t.fill(
            tokens[:2] + ['"resourceVersion":"17"'] + tokens[3:])
        assert json.dumps(maker(tokens)) == json.dumps(json.loads(filled))
        assert shapes["made"] == min(k, 1) and shapes["compiled"] == (1 if k < 2 else 2)
    # a stand-in of a time held already, a time in a number
    for text in ('{"n":2026-12-07T10:00:00Z,"s":"{0}"}', '{"s":"{0}\\udb80\\udcb4","t":"2026-12-07T10:00:00Z"}'):
        assert waketwins._tree_maker(_masked(text), 2, shapes=True) is None
    # a time's digits that are an escape's: the text made as it is
    t = _masked('{"s":"{0}","u":"\\u2026-12-07T10:00:00Z"}')
    maker = waketwins._tree_maker(t, 2, shapes=True)
    assert maker(["p-01"]) == json.loads(t.fill(["p-01"])) == {"s": "p-01", "u": "\u2026-12-07T10:00:00Z"}


# ---- a pod read made from a model's masked text (WakeTwins._read) --------------------------------------------------


@pytest.fixture
def reads(monkeypatch):
    """Counts the pods read made from a model's text (``made``) and those decoded (``decoded``)."""
    seen: Counter = Counter()
    read = waketwins.WakeTwins._read

    def counted(self, stored):
        tree = read(self, stored)
        seen["made" if tree is not None else "decoded"] += 1
        return tree

    monkeypatch.setattr(waketwins.WakeTwins, "_read", counted)
    return seen


@pytest.fixture
def shapes(monkeypatch):
    """Counts the tree makers found made for a text alike but for its times (``made``: waketwins ``_shapes``) and
    the literals compiled (``compiled``)."""
    seen: Counter = Counter()
    compiled = waketwins._compiled_tree

    class Kept(dict):
        def get(self, key, default=None):
            found = super().get(key, default)
            if found is not default:
                seen["made"] += 1
            return found

    def counted(probed, roles):
        seen["compiled"] += 1
        return compiled(probed, roles)

    monkeypatch.setattr(waketwins, "_shapes", Kept())
    monkeypatch.setattr(waketwins, "_compiled_tree", counted)
    return seen


# the cuts of a replayed wake-up's own cost, each with its switches: (the module's flag, the engine:profile key,
# the fixture counting its uses, what counts as a use, at least how many starting pods and flapping pods use it)
CUTS = {
    "event bodies": ("EVENT_BODIES", "twin_event_bodies", "bodies", ("made",), 60, 30),
    "trees": ("TREES", "twin_trees", "trees", ("made",), 20, 100),
    "reads": ("READ_TREES", "twin_read_trees", "reads", ("made", "decoded"), 20, 100),
    "tree shapes": ("TREE_SHAPES", "twin_tree_shapes", "shapes", ("made",), 1, 50),
    "ids as written": ("IDS_AS_WRITTEN", "wake_ids_as_written", "ids_written", ("made",), 0, 100),
    "lazy reads": ("LAZY_READS", "wake_lazy_reads", "lazy_reads", ("made",), 20, 100),
}


@pytest.fixture
def lazy_reads(monkeypatch):
    """Counts the pods read as their identity alone (``made``: waketwins ``_Lazy``) and those of them whose whole
    tree was made after all (``whole``), each compared with the tree the text decodes to."""
    seen: Counter = Counter()
    lazy = waketwins._Lazy

    class Counted(lazy):
        __slots__ = ()

        def __init__(self, pod, maker, values) -> None:
            super().__init__(pod, maker, values)
            seen["made"] += 1
            whole = maker(values)
            assert whole is not None
            assert waketwins._identity_of(whole) == pod
            assert json.dumps(waketwins._identity_of(whole)) == json.dumps(pod)  # (the keys' order too)

        def whole(self, found):
            seen["whole"] += 1
            got = super().whole(found)
            assert json.dumps(got[0]) == json.dumps(json.loads(found[1]))
            return got

    monkeypatch.setattr(waketwins, "_Lazy", Counted)
    return seen


@pytest.fixture
def ids_written(monkeypatch):
    """Counts the records whose IDs were taken as their twins' wake-ups wrote them (``made``), compared with the
    regex's (``_ids``) each time, and those found by it."""
    seen: Counter = Counter()
    known = waketwins._ids_as_written

    def counted(left, rt):
        got = known(left, rt)
        if got is not None:
            assert got == waketwins._ids(rt)
        seen["made" if got is not None else "found"] += 1
        return got

    monkeypatch.setattr(waketwins, "_ids_as_written", counted)
    return seen


@pytest.mark.parametrize("cut", list(CUTS))
def test_a_cut_stores_what_the_general_way_gives(tmp_path, monkeypatch, request, counted, cut):
    """Starting pods replayed with the cut and without it (``MINIKCTL_NO_TWIN_EVENT_BODIES``,
    ``MINIKCTL_NO_TWIN_TREES``, ``MINIKCTL_NO_TWIN_READ_TREES``): the same store, byte for byte (events' names,
    counters, times, revisions and counts; the pods written and read)."""
    flag, _key, fixture, _used, least, _ = CUTS[cut]
    uses = request.getfixturevalue(fixture)
    on = _starting(tmp_path / "on.db", True, monkeypatch)
    assert counted["replayed"] >= 20 and uses["made"] >= least
    monkeypatch.setattr(waketwins, flag, False)
    made = uses["made"]
    off = _starting(tmp_path / "off.db", True, monkeypatch)
    assert uses["made"] == made  # switched off: none
    assert counted["replayed"] >= 40
    assert len(on) == len(off)
    assert on == off


@pytest.mark.parametrize("ffwd", [True, False])
@pytest.mark.parametrize("cut", list(CUTS))
def test_a_cut_of_flapping_pods(tmp_path, monkeypatch, request, counted, cut, ffwd):
    flag, _key, fixture, _used, _, least = CUTS[cut]
    uses = request.getfixturevalue(fixture)
    monkeypatch.setattr(waketwins, flag, True)
    on = _flapping(tmp_path / "on.db", True, ffwd, monkeypatch)
    assert uses["made"] >= least
    monkeypatch.setattr(waketwins, flag, False)
    off = _flapping(tmp_path / "off.db", True, ffwd, monkeypatch)
    assert on == off


@pytest.mark.parametrize("cut", list(CUTS))
def test_a_cut_profile_switch(tmp_path, monkeypatch, request, counted, cut):
    """``engine:profile`` {key: false} turns the cut off (the twins stay on)."""
    _flag, key, fixture, used, _, _ = CUTS[cut]
    uses = request.getfixturevalue(fixture)
    monkeypatch.setattr(waketwins, "ENABLED", True)
    st, step = steps(str(tmp_path / "s.db"))

    def first(cl: Cluster) -> None:
        cl.tx.set_meta("engine:profile", '{"%s": false}' % key)
        for i in range(12):
            cl.api.create(_nginx(f"n{i:02d}"))

    step(first)
    step(lambda cl: cl.advance_to(cl.now_ms + 30_000))
    st.close()
    assert counted["replayed"] >= 5 and sum(uses[u] for u in used) == 0


def test_lazy_reads_turned_off_by_either_name(tmp_path, monkeypatch, counted, lazy_reads):
    """The lazy reads of a pod its twin wrote and of one read from a read maker are one cut: ``twin_lazy_reads``
    (the read makers' former name) turns it off as ``wake_lazy_reads`` does, and so does either environment name."""
    monkeypatch.setattr(waketwins, "ENABLED", True)
    st, step = steps(str(tmp_path / "s.db"))

    def first(cl: Cluster) -> None:
        cl.tx.set_meta("engine:profile", '{"twin_lazy_reads": false}')
        for i in range(12):
            cl.api.create(_nginx(f"n{i:02d}"))

    step(first)
    step(lambda cl: cl.advance_to(cl.now_ms + 30_000))
    st.close()
    assert counted["replayed"] >= 5 and lazy_reads["made"] == 0
    import subprocess
    import sys

    for env in ("MINIKCTL_NO_WAKE_LAZY_READS", "MINIKCTL_NO_TWIN_LAZY_READS"):
        out = subprocess.run([sys.executable, "-c", "from minikctl.engine.kubelet import waketwins as w; "
                              "print(w.LAZY_READS)"], env={**os.environ, env: "1"}, capture_output=True, text=True)
        assert out.stdout.strip() == "False", out.stderr


@pytest.mark.parametrize("stored", [
    '{"metadata":{"name":"q-7","uid":"9f",{2}},"a":["x-q-7-y"],"b":"9f"}',
    '{"metadata":{"name":"q-7","uid":"9f",{2}},"a":["x-q-7-y"],"b":"9f","c":1}',  # not the text's pieces
    '{"metadata":{"name":"q-7","uid":"9f",{2}},"a":["x-q-8-y"],"b":"9f"}',  # a role's places holding two strings
    '{"metadata":{"name":"q\\"7","uid":"9f",{2}},"a":["x-q\\"7-y"],"b":"9f"}',  # an escaped quote in a role
])
def test_a_pod_read_made_from_a_text_is_the_text_decoded(stored):
    import json

    masked = _masked('{"metadata":{"name":"{0}","uid":"{1}",{2}},"a":["x-{0}-y"],"b":"{1}"}')
    twins = waketwins.WakeTwins(None)
    twins._read_maker("".join(masked.parts[i] if i % 2 == 0 else waketwins._MARKS[ord(masked.parts[i]) - 65]
                              for i in range(len(masked.parts))), 2)
    assert len(twins.read_makers) == 1
    text = stored.replace("{2}", '"resourceVersion":"41"')
    made = twins._read(text)
    if made is not None:
        assert json.dumps(made) == json.dumps(json.loads(text))
        assert made["metadata"]["resourceVersion"] == "41"
    else:
        assert stored != '{"metadata":{"name":"q-7","uid":"9f",{2}},"a":["x-q-7-y"],"b":"9f"}'
    assert (made is not None) == (stored == '{"metadata":{"name":"q-7","uid":"9f",{2}},"a":["x-q-7-y"],"b":"9f"}')


@pytest.mark.parametrize("stored, how", [
    ('{"metadata":{"name":"q-7","uid":"9f",{2}},"a":["x-q-7-y"],"b":"9f"}', "written"),  # the text written
    ('{"metadata":{"name":"q-7","uid":"9f",{3}},"a":["x-q-7-y"],"b":"9f"}', "unfilled"),  # written again since
    ('{"metadata":{"name":"q-8","uid":"9f",{2}},"a":["x-q-8-y"],"b":"9f"}', "unfilled"),  # other tokens
    ('{"metadata":{"name":"q-7","uid":"9f",{2}},"a":["x-q-7-y"],"b":"9f","c":1}', None),  # not the text's pieces
])
def test_a_pod_read_from_the_text_its_twin_wrote(stored, how):
    """A twin's pod is read next from the masked text its wake-up wrote (``WakeTwins.written``): the text written is
    its tokens filled in (the maker's tree at once), another text is unfilled (``_unfill``), or decoded."""
    import json

    masked = _masked('{"metadata":{"name":"{0}","uid":"{1}",{2}},"a":["x-{0}-y"],"b":"{1}"}')
    twins = waketwins.WakeTwins(None)
    reader = twins._reader(waketwins.MARK.join(masked.parts), 2, masked)
    assert reader is not None and twins._reader(waketwins.MARK.join(masked.parts), 2) is reader  # made once
    twins.written[("default", "q-7")] = (reader, ["q-7", "9f", '"resourceVersion":"41"'], ["q-7", "9f", "41"])
    unfilled = []
    unfill = waketwins._unfill

    def counted(text, s):
        unfilled.append(s)
        return unfill(text, s)

    text = stored.replace("{2}", '"resourceVersion":"41"').replace("{3}", '"resourceVersion":"42"')
    twins._reading = ("default", "q-7")
    waketwins._unfill = counted
    try:
        made = twins._read(text)
    finally:
        waketwins._unfill = unfill
    assert (made is None) == (how is None)
    assert bool(unfilled) == (how != "written")
    if made is not None:
        assert json.dumps(made) == json.dumps(json.loads(text))
        assert made["metadata"]["resourceVersion"] == json.loads(text)["metadata"]["resourceVersion"]


def test_flapping_pods_are_read_from_the_texts_their_twins_wrote(tmp_path, monkeypatch, reads):
    """Most flapping pods are read from the text their twin's wake-up wrote at their last instant; the store is the
    one of pods decoded (``MINIKCTL_NO_TWIN_READ_TREES``) byte for byte."""
    read = waketwins.WakeTwins._read

    def counted(self, stored):
        written = self.written.get(self._reading) if self._reading is not None else None
        tree = read(self, stored)
        if tree is not None and written is not None and written[0][0].fill(written[1]) == stored:
            reads["written"] += 1
        return tree

    monkeypatch.setattr(waketwins.WakeTwins, "_read", counted)
    on = _flapping(tmp_path / "on.db", True, True, monkeypatch)
    assert reads["written"] >= 300 and reads["written"] * 3 > reads["made"] + reads["decoded"]
    monkeypatch.setattr(waketwins, "READ_TREES", False)
    written = reads["written"]
    off = _flapping(tmp_path / "off.db", True, True, monkeypatch)
    assert reads["written"] == written  # switched off: none
    assert on == off


def test_a_one_letter_token_that_is_a_marks_letter_is_not_masked():
    """A mark is MARK, a letter, MARK (the letters of roles 32 on are lowercase): a pod named by one such letter,
    masked after that role's mark, would rewrite the mark and the text would not come back. Such tokens are refused
    (the pod is worked the general way); a one-letter name whose letter no earlier mark uses is still masked."""
    from minikctl.engine.kubelet.statustwins import _Template

    ids = [f"{i:064x}" for i in range(1, 31)]  # 30 container IDs: the name is role 33, after the mark of "a" (32)
    record = "".join(f'"id":"{i}",' for i in ids)

    def pod(name):
        return {"metadata": {"name": name, "uid": "u-1", "resourceVersion": "7"}, "spec": {},
                "status": {"podIP": "10.244.0.9"}}

    assert waketwins.tokens_of(pod("a"), record) is None
    # what masking it would do: the text does not come back from its marks
    tokens = ids + ["u-1", '"resourceVersion":"7"', "10.244.0.9", "a"]
    text = '{"a":"' + ids[-1] + '","uid":"u-1","podIP":"10.244.0.9"}'  # the IP: role 32, mark of "a"
    masked = waketwins._mask(text, tokens)
    with pytest.raises((TypeError, IndexError, AssertionError)):
        assert _Template(masked).fill(tokens) == text
    late = waketwins.tokens_of(pod("z"), record)  # "z": role 57's letter, after the name's role
    assert late is not None and late[-1] == "z"
    assert _Template(waketwins._mask(text, late)).fill(late) == text


# ---- a twin's texts masked as the model's texts its last wake-up wrote them from (WakeTwins._as_written) ---------


def _as_written(masked_body: str, tokens: list[str], rv_role: int, twins=None):
    """The body filled from ``masked_body`` (its roles written {i}) with ``tokens``, a record filled from another,
    and what ``_as_written`` finds their masked texts to be (None: the body's not found so, it is masked)."""
    from minikctl.engine.kubelet.statustwins import _Template

    twins = twins or waketwins.WakeTwins(None)
    text = _Template(_marked(masked_body))
    record = _Template(_marked('{"uid":"{%d}"}' % (rv_role - 1)))
    body, rt = text.fill(tokens), record.fill(tokens)
    found = twins._as_written(("default", tokens[-1]), ((text, list(tokens)), (record, list(tokens))), body, rt,
                              tokens)
    if found[1] is not None:
        assert found[1] == waketwins._mask(rt, tokens)
    return body, rt, None if found[0] is None else found


def _marked(text: str) -> str:
    for i in range(10):
        text = text.replace("{%d}" % i, waketwins._MARKS[i])
    return text


# the body of a model, its roles: 0 a container ID, 1 the uid, 2 the resourceVersion with its key, 3 the pod IP,
# 4 the name (tokens_of's order, without the token volume)
BODY = ('{"metadata":{"name":"{4}","uid":"{1}",{2},"labels":{"app":"web"}},"spec":{"containers":[{"name":"c",'
        '"command":["sh","-c","touch /tmp/ready; sleep 30"]}],"hostname":"{4}"},"status":{"podIP":"{3}",'
        '"containerStatuses":[{"containerID":"containerd://{0}","ready":true}]}}')
CID = "3f" * 32


@pytest.mark.parametrize("name, found", [
    ("web-7", True),
    ("ready", False),  # a word of the pod's own command: masked there too
    ("sleep", False),
    ("30", False),  # a number of the command
    ("c", False),  # the container's name, a letter of a key
    ("p1", True),
    ("3f3f", False),  # within the container's ID
    ("containerd", False),
    ("a,b", False),  # a comma: where it is found is not looked at chunk by chunk
])
def test_as_written_is_what_masking_gives(name, found):
    tokens = [CID, "9d98-aa", '"resourceVersion":"41"', "10.244.0.7", name]
    body, rt, got = _as_written(BODY, tokens, 2)
    masked = (waketwins._mask(body, tokens), waketwins._mask(rt, tokens))
    assert (got is not None) == found
    if got is not None:
        assert got == masked
        assert got[0] == _marked(BODY)


def test_as_written_a_resource_version_found_elsewhere():
    """The resourceVersion (its key and value) found in another chunk of the text is masked there too: not found
    without masking; nor is a text whose other chunk holds the key with another value (the next revision's might be
    it); the key's word alone is no such place."""
    tokens = [CID, "9d98-aa", '"resourceVersion":"41"', "10.244.0.7", "web-7"]
    text = BODY.replace('"labels":{"app":"web"}', '"annotations":{"resourceVersion":"41"}')
    body, rt, got = _as_written(text, tokens, 2)
    assert got is None and waketwins._mask(body, tokens) != _marked(text)
    text = BODY.replace('"labels":{"app":"web"}', '"annotations":{"resourceVersion":"40"}')
    assert _as_written(text, tokens, 2)[2] is None
    text = BODY.replace('"labels":{"app":"web"}', '"annotations":{"x":"resourceVersion"}')
    body, rt, got = _as_written(text, tokens, 2)
    assert got == (waketwins._mask(body, tokens), waketwins._mask(rt, tokens)) and got[0] == _marked(text)


def test_as_written_names_prefixes_of_others_and_chunks_kept():
    """Pods whose names are prefixes of each other's, and of words of the text, read in turn through one
    WakeTwins: the chunks kept for one pod are not another's; each finding is what masking gives."""
    import random

    rnd = random.Random(7)
    twins = waketwins.WakeTwins(None)
    words = ["p1", "p10", "p100", "p1-0", "10", "0", "web", "41", "aa", "9d98"]
    hits = misses = 0
    for n in range(400):
        name = rnd.choice(words[:4])
        label = rnd.choice(words)
        rv = str(rnd.choice([41, 42, 100, 1000]))
        text = BODY.replace('"app":"web"', f'"app":"{label}","n":{n % 3}')
        tokens = [CID, "9d98-aa" if n % 5 else "a" * 7, '"resourceVersion":"%s"' % rv, "10.244.0.7", name]
        body, rt, got = _as_written(text, tokens, 2, twins)
        if got is None:
            misses += 1
        else:
            hits += 1
            assert got == (waketwins._mask(body, tokens), waketwins._mask(rt, tokens)), (name, label, rv)
    assert hits > 100 and misses > 50


def test_as_written_random_texts_are_what_masking_gives():
    """Texts and tokens of a few letters, to find tokens within each other, across chunks and in the text: each
    text found masked without masking is the masked text."""
    import random

    from minikctl.engine.kubelet.statustwins import _Template

    rnd = random.Random(11)
    hits = misses = 0
    for n in range(3000):
        tokens = ["".join(rnd.choice("ab1") for _ in range(rnd.randint(1, 3))) for _ in range(2)]
        tokens = [tokens[0] + "x", tokens[1] + "y", '"resourceVersion":"%d"' % rnd.randint(1, 3), "z" + tokens[0]]
        if len(set(tokens)) != len(tokens):
            continue
        pieces = []
        for _ in range(rnd.randint(2, 8)):
            pieces.append("".join(rnd.choice('ab1xyz,:"') for _ in range(rnd.randint(0, 4))))
            pieces.append("{%d}" % rnd.randint(0, 3))
        body_text = "".join(pieces)
        body, rt, got = _as_written(body_text, tokens + ["n"], 2)
        assert body == _Template(_marked(body_text)).fill(tokens)
        if got is None:
            misses += 1
        else:
            hits += 1
            assert got[0] == waketwins._mask(body, tokens + ["n"]) == _marked(body_text)
    assert hits > 100 and misses > 100


@pytest.fixture
def as_written(monkeypatch):
    """Counts the wake-ups whose texts were found masked as written (``found``, by pod) and those masked."""
    seen: Counter = Counter()
    found_as = waketwins.WakeTwins._as_written

    def counted(self, pod_key, *args):
        got = found_as(self, pod_key, *args)
        seen["found" if got is not None else "masked"] += 1
        if got is not None:
            seen[pod_key[1]] += 1
        return got

    monkeypatch.setattr(waketwins.WakeTwins, "_as_written", counted)
    return seen


def _written_between(path, monkeypatch, on: bool, twins: bool = True) -> list[str]:
    """Flapping pods, some named by words of their own command (``ready``, ``sleep``, ``30``) or prefixes of each
    other's names, stepped over 12 minutes in one advance, during which other writers act between two of their
    wake-ups: a label patched, an exec that changes a pod's record (its container's files), a pod's record written
    by a probe's exec of its own."""
    from minikctl.cluster import Cluster
    from minikctl.engine.kubelet import Kubelet, pod_exec

    monkeypatch.setattr(waketwins, "ENABLED", twins)
    monkeypatch.setattr(waketwins, "AS_WRITTEN", on)
    st, step = steps(str(path))
    names = ["g1", "g2", "g3", "p1", "p10", "p100", "p11", "ready", "sleep", "30", "touch", "p2", "p3", "p4"]
    done = set()
    due = Kubelet.due

    def acting(self, kind, ns, name, until, horizon):
        tx = self.tx
        if kind == "Pod" and name == "p2":
            t0 = tx._written_t0 = getattr(tx, "_written_t0", tx.now_ms)
            if tx.now_ms >= t0 + 95_000 and "label" not in done:
                done.add("label")
                pod = self.api.get(_pod_res(), "default", "p10")
                new = json.loads(json.dumps(pod))
                new["metadata"]["labels"]["extra"] = "x"
                self.api.update(pod, new)
            if tx.now_ms >= t0 + 185_000 and "exec" not in done:
                done.add("exec")
                pod = self.api.get(_pod_res(), "default", "p11")
                pod_exec(self.loop, pod, "c", ["touch", "/tmp/other"])
        return due(self, kind, ns, name, until, horizon)

    monkeypatch.setattr(Kubelet, "due", acting)

    def first(cl: Cluster) -> None:
        stepping(cl.tx)
        cl.api.create(service("s0"))
        for n in names:
            cl.api.create(exec_ready(n, FLAP, svc="s0"))

    step(first)
    step(lambda cl: cl.advance_to(cl.now_ms + 15_000))
    step(lambda cl: cl.advance_to(cl.now_ms + 12 * 60_000))
    st.close()
    assert done == {"label", "exec"}
    return dump(path)


def _pod_res():
    from minikctl.kube.kinds import for_kind

    return for_kind("v1", "Pod")


def test_texts_found_as_written_store_what_masking_gives(tmp_path, monkeypatch, counted, as_written):
    """The store with the twins' texts found masked as written, without (``MINIKCTL_NO_WAKE_AS_WRITTEN``) and
    with every wake-up worked the general way: byte for byte. The pods named by words of their own command are
    never found so, the others mostly are; those written by another between two wake-ups are masked next."""
    on = _written_between(tmp_path / "on.db", monkeypatch, True)
    assert counted["replayed"] >= 100 and as_written["found"] >= 60
    for name in ("ready", "sleep", "30", "touch"):
        assert as_written[name] == 0, as_written
    assert as_written["p10"] and as_written["p100"] and as_written["p1"]
    found = as_written["found"]
    off = _written_between(tmp_path / "off.db", monkeypatch, False)
    assert as_written["found"] == found  # switched off: none
    assert on == off
    assert on == _written_between(tmp_path / "stepped.db", monkeypatch, False, twins=False)


def test_as_written_profile_switch(tmp_path, monkeypatch, counted, as_written):
    """``engine:profile`` {"wake_as_written": false} turns it off (the twins stay on)."""
    monkeypatch.setattr(waketwins, "ENABLED", True)
    monkeypatch.setattr(waketwins, "AS_WRITTEN", True)
    st, step = steps(str(tmp_path / "s.db"))

    def first(cl: Cluster) -> None:
        stepping(cl.tx)
        cl.tx.set_meta("engine:profile", '{"ffwd": false, "wake_as_written": false}')
        for i in range(12):
            cl.api.create(exec_ready(f"p{i:02d}", FLAP))

    step(first)
    step(lambda cl: cl.advance_to(cl.now_ms + 5 * 60_000))
    st.close()
    assert counted["replayed"] >= 50 and as_written["found"] == 0


def test_texts_kept_as_written_are_the_texts_filled(tmp_path, monkeypatch, counted):
    """A twin's wake-up keeps the texts it wrote (``WakeTwins.after``'s third, ``written``'s fourth): its next
    wake-up compares the stored texts with them rather than filling the model's text again. Each kept text is that
    text filled with the tokens kept, and the store is the one of texts filled again (the kept ones dropped) and of
    the twins switched off, byte for byte."""
    checked: Counter = Counter()
    as_written, read = waketwins.WakeTwins._as_written, waketwins.WakeTwins._read

    def checking_as_written(self, pod_key, after, body, rt, tokens):
        for left in after:
            if left is not None and len(left) > 2:
                assert left[2] == left[0].fill(left[1])
                checked["after"] += 1
                checked["same"] += left[2] is (body if left is after[0] else rt)
        return as_written(self, pod_key, after, body, rt, tokens)

    def checking_read(self, stored):
        written = self.written.get(self._reading) if self._reading is not None else None
        if written is not None and len(written) > 3:
            assert written[3] == written[0][0].fill(written[1])
            checked["written"] += 1
        return read(self, stored)

    monkeypatch.setattr(waketwins.WakeTwins, "_as_written", checking_as_written)
    monkeypatch.setattr(waketwins.WakeTwins, "_read", checking_read)
    on = _flapping(tmp_path / "on.db", True, True, monkeypatch)
    assert checked["after"] >= 300 and checked["written"] >= 150 and checked["same"] >= 150, checked

    def dropped(self, pod_key, after, body, rt, tokens):  # the texts filled again, as before they were kept
        return as_written(self, pod_key, tuple(None if a is None else a[:2] for a in after), body, rt, tokens)

    def dropped_read(self, stored):
        written = self.written.get(self._reading) if self._reading is not None else None
        if written is not None:
            self.written[self._reading] = written[:3]
        return read(self, stored)

    monkeypatch.setattr(waketwins.WakeTwins, "_as_written", dropped)
    monkeypatch.setattr(waketwins.WakeTwins, "_read", dropped_read)
    again = _flapping(tmp_path / "again.db", True, True, monkeypatch)
    assert on == again
    assert on == _flapping(tmp_path / "off.db", False, True, monkeypatch)


@pytest.mark.parametrize("seed", range(6))
def test_ids_are_the_regex_matches(seed):
    """``_ids`` finds what ``_IDS.findall`` finds: records of keys, hex runs too short, too long, cut by a quote,
    matches side by side and keys within a match's reach."""
    import random

    rnd = random.Random(seed)
    bits = ['"id":"', '"spec_hash":"', '"', "id", '":"', ",", "{", "}", "spec_hash", "x"]
    for _ in range(400):
        text = []
        for _ in range(rnd.randint(0, 12)):
            if rnd.random() < 0.5:
                text.append(rnd.choice(bits))
            else:
                text.append("".join(rnd.choice("0123456789abcdef") for _ in range(rnd.choice([3, 15, 16, 17, 64, 65]))))
        text = "".join(text)
        assert waketwins._ids(text) == waketwins._IDS.findall(text), text
    record = '{"a":{"id":"' + "ab" * 8 + '","spec_hash":"' + "12" * 32 + '"},"b":{"id":"' + "c" * 65 + '"}}'
    assert waketwins._ids(record) == ["ab" * 8, "12" * 32]


def _ids_left(text: str, tokens: list[str]):
    """A record text with roles written {0}, {1}, ... filled with ``tokens``, as ``_replay`` leaves it: (its
    _Template, the tokens, the text filled, its ID roles)."""
    masked = _masked(text)
    return masked, tokens, masked.fill(tokens), waketwins._id_roles(masked)


HEX = "0123456789abcdef" * 2


@pytest.mark.parametrize("text, tokens, known", [
    ('{"c":{"id":"{0}","spec_hash":"{1}"},"n":"{2}"}', [HEX, HEX[:20], "web-1"], True),
    # a name that is hex, a name in a key, names that are parts of a key
    ('{"c":{"id":"{0}"},"n":"{1}","m":"{1}"}', [HEX, HEX[:16]], True),
    ('{"c":{"id":"{0}"},"{1}":"{2}"}', [HEX, "id", HEX[:18]], False),
    ('{"c":{"id":"{0}"},"spec_{1}":"' + HEX + '"}', [HEX, "hash", "x"], False),
    ('{"c":{"id":"{0}"},"{1}d":"' + HEX + '"}', [HEX, "i", "x"], False),
    ('{"c":{"id":"{0}"},"{1}":"' + HEX + '"}', [HEX, "pod-id", "x"], True),
    # an ID place's token that is not an ID; a token with a quote; a key that does not end its piece
    ('{"c":{"id":"{0}"}}', ["not-hex"], False),
    ('{"c":{"id":"{0}"},"n":"{1}"}', [HEX, 'a"id":"' + HEX], False),
    ('{"c":{"id":"x{0}"}}', [HEX], False),
    ('{"c":{"id":"{0}x"}}', [HEX], False),
    # a key right after an ID's closing quote (findall goes on after it), and one ending the text
    ('{"c":["id":"{0}"id":"{1}"]}', [HEX, HEX[:17]], False),
    ('{"c":"{0}","id":"', [HEX], False),
    # IDs repeated, and spec hashes
    ('{"a":{"id":"{0}","spec_hash":"{1}"},"b":{"id":"{0}","spec_hash":"{2}"}}', [HEX, HEX[:16], HEX[2:]], True),
])
def test_ids_as_written_are_the_regex_matches(text, tokens, known):
    left = _ids_left(text, tokens)
    got = waketwins._ids_as_written(left, left[2])
    assert (got is not None) == known
    if got is not None:
        assert got == waketwins._ids(left[2]) == waketwins._IDS.findall(left[2])
    assert waketwins._ids_as_written(left, left[2] + " ") is None  # not the text written


def test_ids_as_written_random_texts():
    """Texts of keys, quotes and hex runs around roles filled with hex runs, words of the keys and quotes: each
    record's IDs taken from its ID places are the regex's."""
    import random

    rnd = random.Random(5)
    bits = ['"id":"', '"spec_hash":"', '"', "id", '":"', ",", "spec_", "hash", "i", "x", HEX[:16]]
    words = [HEX[:16], HEX[:17], HEX, HEX + HEX, HEX[:15], "id", "d", ":", "hash", '"', "name", "ab" * 8, "a-b"]
    hits = misses = 0
    for _ in range(4000):
        tokens = list(dict.fromkeys(rnd.choice(words) for _ in range(4)))
        text = []
        for _ in range(rnd.randint(1, 10)):
            r = rnd.random()
            if r < 0.3:
                text.append('"id":"{%d}"' % rnd.randrange(len(tokens)))
            elif r < 0.6:
                text.append("{%d}" % rnd.randrange(len(tokens)))
            else:
                text.append(rnd.choice(bits))
        left = _ids_left("".join(text), tokens)
        got = waketwins._ids_as_written(left, left[2])
        if got is None:
            misses += 1
        else:
            hits += 1
            assert got == waketwins._IDS.findall(left[2]), left[2]
    assert hits > 300 and misses > 300


def test_ids_as_written_with_writers_between(tmp_path, monkeypatch, counted, ids_written):
    """Pods named by words of their command or prefixes of each other, their records written by an exec between
    two wake-ups: the IDs taken from the ID places (each compared with the regex's by the fixture) store what the
    regex gives (``MINIKCTL_NO_WAKE_IDS_AS_WRITTEN``), and what stepping gives."""
    monkeypatch.setattr(waketwins, "IDS_AS_WRITTEN", True)
    on = _written_between(tmp_path / "on.db", monkeypatch, True)
    assert counted["replayed"] >= 100 and ids_written["made"] >= 60 and ids_written["found"] >= 1
    made = ids_written["made"]
    monkeypatch.setattr(waketwins, "IDS_AS_WRITTEN", False)
    off = _written_between(tmp_path / "off.db", monkeypatch, True)
    assert ids_written["made"] == made  # switched off: none
    assert on == off
    assert on == _written_between(tmp_path / "stepped.db", monkeypatch, False, twins=False)


def test_ids_as_written_profile_switch(tmp_path, monkeypatch, counted, ids_written):
    """``engine:profile`` {"wake_ids_as_written": false} turns it off (the twins stay on); on, the same pods use it."""
    monkeypatch.setattr(waketwins, "ENABLED", True)
    monkeypatch.setattr(waketwins, "IDS_AS_WRITTEN", True)
    for off in (False, True):
        st, step = steps(str(tmp_path / f"s{off}.db"))

        def first(cl: Cluster) -> None:
            stepping(cl.tx)
            cl.tx.set_meta("engine:profile", '{"ffwd": false%s}' % (', "wake_ids_as_written": false' if off else ""))
            for i in range(12):
                cl.api.create(exec_ready(f"p{i:02d}", FLAP))

        step(first)
        step(lambda cl: cl.advance_to(cl.now_ms + 5 * 60_000))
        st.close()
        assert counted["replayed"] >= 50
        if not off:
            made = ids_written["made"]
            assert made >= 20
    assert ids_written["made"] == made


@pytest.mark.parametrize("rv", ["1", "123456789", "", "0x1", "١٢", "²", '7"', "7\\", "\u00e9", "12\n"])
def test_identity_tokens_resource_version_is_the_encoded_one(rv):
    """The resourceVersion's token is its key and the store's encoding of its value, whatever the value holds
    (digits of other scripts, quotes, escapes)."""
    from minikctl.engine.kubelet.statustwins import identity_tokens
    from minikctl.store.db import _dumps

    got = identity_tokens(["ab" * 8], {"name": "p", "uid": "u-1", "resourceVersion": rv}, {}, "10.0.0.1", 100)
    want = '"resourceVersion":' + _dumps(rv)
    if got is not None:
        assert got[2] == want
    else:
        assert not want.isprintable() or rv == ""


def test_a_tree_maker_refuses_tokens_a_string_does_not_hold_in_any_role():
    """A maker gives None when any token it reads holds a quote, a backslash or a control character, and a tree
    when only a token it does not read does."""
    text = _masked('{"a":"{0}","b":["{1}"],"c":{{3}}}')
    maker = waketwins._tree_maker(text, 3)
    assert maker is not None
    good = ["x", "y", '"bad"', '"resourceVersion":"1"']
    assert maker(good) == {"a": "x", "b": ["y"], "c": {"resourceVersion": "0"}}
    for bad in ('q"', "q\\", "q\n", "\x00"):
        assert maker([bad, "y", "", ""]) is None
        assert maker(["x", "y" + bad, "", ""]) is None


def _patched_between(path, twins: bool, monkeypatch) -> list[str]:
    """Flapping twins; in one transaction, between two advances: a user's update of a twin's labels and
    annotation, and an update of another twin's inside a savepoint that is undone (the store's text back to what
    its wake-up wrote, the kept texts of ``_as_written`` and ``_read`` left as they were)."""
    monkeypatch.setattr(waketwins, "ENABLED", twins)
    st, step = steps(str(path))

    def first(cl) -> None:
        for svc in ("s0", "s1"):
            cl.api.create(service(svc))
        for i in range(12):
            cl.api.create(exec_ready(f"p{i:02d}", FLAP, svc=f"s{i % 2}"))

    def touch(cl, name: str, value: str) -> None:
        old = cl.tx.get("Pod", "default", name)
        new = json.loads(json.dumps(old))
        new["metadata"]["labels"]["touched"] = value
        new["metadata"].setdefault("annotations", {})["note"] = value
        cl.api.update(old, new)

    def between(cl) -> None:
        cl.advance_to(cl.now_ms + 65_000)
        touch(cl, "p03", "a")
        try:
            with cl.tx.savepoint():
                touch(cl, "p05", "b")
                raise RuntimeError("undone")
        except RuntimeError:
            pass
        cl.advance_to(cl.now_ms + 30_000)
        touch(cl, "p03", "c")
        cl.advance_to(cl.now_ms + 3 * 60_000 + 250)

    step(first)
    step(lambda cl: cl.advance_to(cl.now_ms + 1000))
    step(between)
    step(lambda cl: cl.advance_to(cl.now_ms + 2 * 60_000))
    st.close()
    return dump(path)


def test_a_user_update_and_an_undone_one_between_twins_wake_ups(tmp_path, monkeypatch, counted):
    on = _patched_between(tmp_path / "on.db", True, monkeypatch)
    assert counted["replayed"] >= 20
    off = _patched_between(tmp_path / "off.db", False, monkeypatch)
    assert on == off

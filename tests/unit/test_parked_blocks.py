"""Twin parked probes settled as one block (``engine/kubelet/parked.py`` ``_Block``) leave the store byte for byte
as each park settled alone (MINIKCTL_NO_PARKED_BLOCKS=1, ``parked.BLOCKS`` False): never-ready pods probed at the
same instants among a pod whose readiness flaps behind a Service (its status, Endpoints and EndpointSlices
written between their probes, across many flips), also when that pod writes at one of their instants with a name
among theirs, when another pod is parked a period later with a name among theirs, when pods are probed at other
instants (blocks of their own), when a controller deletes one of them in the middle of an advance, and when events
are flushed in between. Every way a block parts (``_dissolve``) is met by a replay of random parks and cursors on
``Parked`` alone, compared event bump by event bump."""

from __future__ import annotations

import pytest

from minikctl.engine.kubelet import parked
from tests.unit.flap_world import FLAP, dump, exec_ready, service, steps

# advances shorter than the flapping skip's (engine/flapskip.py AFTER_MS): every minute stepped, the parks settled
ADVANCES = (35_000, 599_000, 10_000, 123_457, 599_999, 1)


def _never_ready(name: str, image: str = "nginx:1.14.2") -> dict:
    c = {"name": "c", "image": image, "readinessProbe": {
        "httpGet": {"path": "/", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 1,
        "successThreshold": 1, "failureThreshold": 3}}
    if image != "nginx:1.14.2":  # the flapping pod's image: started at its instant, probed at its instants
        c["command"] = ["sh", "-c", "while true; do sleep 3600; done"]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [c]}}


def _job(name: str, deadline_s: int) -> dict:
    tmpl = _never_ready(name)
    tmpl["spec"]["restartPolicy"] = "Never"
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": "default"},
            "spec": {"activeDeadlineSeconds": deadline_s, "backoffLimit": 0,
                     "template": {"metadata": {}, "spec": tmpl["spec"]}}}


def _create(case: str):
    def make(cl) -> None:
        cl.api.create(service("s", app="x"))
        # "among": the flapping pod's name among the never-ready pods', probed at their instants
        flap = exec_ready("n2x" if case == "among" else "flap", FLAP, app="x")
        if case == "among":  # probed twice as often: it writes at the others' instants and between them
            flap["spec"]["containers"][0]["readinessProbe"]["periodSeconds"] = 5
        cl.api.create(flap)
        for i in range(6):
            cl.api.create(_never_ready(f"n{i}", "busybox:1.36" if case == "among" else "nginx:1.14.2"))
        if case == "late":
            cl.api.create(_job("n1j", 95))  # deleted by the Job controller in the middle of an advance

    return make


def _late(cl) -> None:
    cl.api.create(_never_ready("n3y"))  # a period later: probed at the others' instants, its name among theirs


def _later(cl) -> None:
    cl.api.create(_never_ready("n4z"))  # a few seconds later: probed at instants of its own
    cl.api.create(_never_ready("m0"))


def _run(tmp_path, case: str, blocks: bool, monkeypatch) -> tuple[list, int]:
    monkeypatch.setattr(parked, "BLOCKS", blocks)
    made = []
    init = parked._Block.__init__

    def counting(self, *a) -> None:
        made.append(len(a[0]))
        init(self, *a)

    monkeypatch.setattr(parked._Block, "__init__", counting)
    path = tmp_path / f"{case}-{blocks}.db"
    st, step = steps(str(path))
    step(_create(case))
    step(lambda cl: cl.advance_to(cl.tx.now_ms + 25_000))
    if case == "late":
        step(_late)
        step(lambda cl: cl.advance_to(cl.tx.now_ms + 3_000))
        step(_later)
    for ms in ADVANCES:
        step(lambda cl: (cl.advance_to(cl.tx.now_ms + ms), cl.tx.flush_events()))
    st.close()
    return dump(path), len(made)


@pytest.mark.parametrize("case", ["busy", "among", "late"])
def test_blocks_store_as_parks_alone(tmp_path, monkeypatch, case):
    with_blocks, made = _run(tmp_path, case, True, monkeypatch)
    alone, none = _run(tmp_path, case, False, monkeypatch)
    assert made and not none  # the blocks were used, and only with the switch on
    assert len(with_blocks) == len(alone)
    for a, b in zip(with_blocks, alone):
        assert a == b


class _Tx:
    """What ``Parked`` uses of a transaction: the revision counter and the events' bumps (logged)."""

    def __init__(self) -> None:
        self.rev = 100
        self.held = None
        self.log: list = []

    def meta(self, key: str) -> str:
        assert key == "revision"
        return str(self.rev)

    def set_meta(self, key: str, value: str) -> None:
        assert key == "revision"
        self.rev = int(value)

    def bump_event(self, pod, etype, reason, message, source, fp, n, last, rv) -> None:
        self.log.append((pod, fp, n, last, rv))


class _Loop:
    def __init__(self) -> None:
        self.tx = _Tx()
        self.cursor = (0, "Pod", "", "")


class _Rec:
    containers: dict = {}


def _replay(seed: int, blocks: bool, monkeypatch) -> list:
    """Parks of a few phases and names (some probed at the same instants, some among others' names, some ending
    early), settled at cursors that fall between their instants, at them, among their names, with the events
    flushed and parks taken and parked again now and then: every event bump and the revision, in order."""
    import random

    monkeypatch.setattr(parked, "BLOCKS", blocks)
    rnd = random.Random(seed)
    loop = _Loop()
    ps = parked.Parked(loop)
    names = [f"p{i:02d}" for i in range(12)]
    t = 1_000_000
    log = loop.tx.log
    gone: dict = {}
    early = t + rnd.randrange(100_000, 2_000_000)

    phases = rnd.choice(((0,), (0, 0, 0, 1_000), (0, 0, 0, 1_000, 5_000)))
    periods = rnd.choice(((10_000,), (10_000, 10_000, 10_000, 5_000)))

    def park(name: str, at: int) -> None:
        phase = rnd.choice(phases)
        period = rnd.choice(periods)
        first = at - at % 10_000 + 10_000 + phase
        while first <= gone.get(name, 0):  # as the kubelet parks it again: after the run its timer made
            first += period
        end = rnd.choice((10**9, 10**9, early, first + rnd.randrange(0, 400_000)))  # the advance's end, a timer
        if first > end:
            return
        ps.add(parked.Park("ns", name, name, "c", "i", "readinessProbe", name, "m", first, period, end))

    for name in names:
        if rnd.random() < 0.8:
            park(name, t)
    for _ in range(300):
        t += rnd.choice((1_000, 3_000, 9_000, 10_000, 10_000, 20_000, 0))
        loop.cursor = (t, rnd.choice(("Pod", "Pod", "Endpoints", "Service")), "ns",
                       rnd.choice(names) + rnd.choice(("", "x")))
        r = rnd.random()
        if r < 0.6:
            ps.hold(False)
            loop.tx.rev += 1  # the write that needed the revision
        elif r < 0.7:
            ps.hold(True)
        elif r < 0.85:
            name = rnd.choice(names)
            if ps.has("ns", name):
                p = ps.parks[("ns", name)]
                ps.take("ns", name, _Rec())
                gone[name] = p.first + p.done * p.period  # its next run, which its own timer makes
            else:
                park(name, t)
        log.append(("rev", loop.tx.rev))
    loop.cursor = (t + 1, "", "", "")
    ps.settle_all(loop.cursor)
    ps.sync_events()
    log.append(("rev", loop.tx.rev))
    return log


def test_blocks_settle_as_parks_alone(monkeypatch):
    """Every way a block ends is met: the end of its runs, a cursor among its members, another park among them,
    a take of one of them, the events' flush (written up to date, kept)."""
    import sys

    ways = []
    lines = set()  # where in settle: its runs' end, a cursor among them, another among them
    dissolve, each = parked.Parked._dissolve, parked.Parked._settle_each

    def counting(self, b, push) -> None:
        caller = sys._getframe(1)
        ways.append((caller.f_code.co_name, push))
        lines.add(caller.f_lineno)
        dissolve(self, b, push)

    def counting_each(self, *a) -> bool:
        done = each(self, *a)
        ways.append(("each", done))
        return done

    monkeypatch.setattr(parked.Parked, "_dissolve", counting)
    monkeypatch.setattr(parked.Parked, "_settle_each", counting_each)
    for seed in range(60):
        with_blocks = _replay(seed, True, monkeypatch)
        assert with_blocks == _replay(seed, False, monkeypatch), seed
    assert {("settle", False), ("_settle_each", False), ("take", True), ("each", False)} <= set(ways)
    assert len(lines) >= 5


def _parted_among(blocks: bool, monkeypatch) -> tuple:
    """Parks a and c settled as a block; b, their twin with a name between theirs, parked later; a write at the
    block's instant with the cursor between b and c: the block parts there, and b comes off the heap after it."""
    monkeypatch.setattr(parked, "BLOCKS", blocks)
    loop = _Loop()
    ps = parked.Parked(loop)

    def park(name: str, first: int) -> parked.Park:
        return parked.Park("ns", name, name, "c", "i", "readinessProbe", name, "m", first, 10_000, 10**9)

    ps.add(park("a", 10_000))
    ps.add(park("c", 10_000))
    loop.cursor = (25_000, "Pod", "ns", "zz")
    ps.hold(False)
    loop.tx.rev += 1
    ps.add(park("b", 30_000))
    loop.cursor = (50_000, "Pod", "ns", "bb")
    ps.hold(False)
    loop.tx.rev += 1
    at_cursor = loop.tx.rev
    loop.cursor = (60_000, "", "", "")
    ps.settle_all(loop.cursor)
    ps.sync_events()
    return at_cursor, loop.tx.rev, sorted(loop.tx.log)


def test_a_parted_block_and_a_twin_among_its_members_settle_in_the_loops_order(monkeypatch):
    """The write at the cursor takes the revision after a's and b's probes at 50 s, before c's (c comes after the
    cursor's pod): the same revisions with blocks as each park alone."""
    alone = _parted_among(False, monkeypatch)
    assert alone[0] == 114
    assert _parted_among(True, monkeypatch) == alone

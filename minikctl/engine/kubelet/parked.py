"""Readiness probes that keep failing, run all at once and written when needed (``PodWorker.fast_forward_failing``).

A readiness probe that failed again while nothing can change its answer (a network probe while the container's
listeners stay as they are; an exec probe that only reads the pod's own files) fails the same way at every later
period until the pod's next own timer. Each of those probes writes the same ``Unhealthy`` event again: its count,
its lastTimestamp and a store revision (the event's resourceVersion). What those writes change is known in closed
form except one thing: which store revision each one takes, since every other write of the cluster (another pod's
status, an Endpoints update, another pod's probe) takes revisions between them, in the loop's total order
(``engine/loop.py``: wake-up instant, kind, namespace, name).

So the pod's record is given every one of those probes at once (``Park.apply``: failures, the probe's timer
after the last of them), and the probes are *parked* here: ``first`` (the first one's instant), the period and
``end`` (the last instant the answer is known: before the pod's next own timer, or the advance's target). The
loop's position (``Loop.cursor``: the record being served) says which of them have happened. Their writes wait
until something needs them:

- a write that takes a revision (``Tx.next_rv``, through ``Tx.held``): the parked probes before the cursor take
  theirs first, in the loop's order (``settle``);
- a flush of the events (their counts and times are read, or expire by the TTL): the parked probes so far are
  added to their events (``sync_events``);
- the pod's record read by anyone before ``end`` (``records.load``: a change of the pod, a
  deletion, a controller acting on it): the probes after the cursor did not happen, and are taken back from the
  record (``take``, ``Park.undo``);
- the end of the loop's run: every parked probe up to it has happened (``finish``).

The result is what probing every period gives, byte for byte, whatever the other pods do; the cost is a few
operations per parked probe and per write that needs it, not per period.

Pods probed at the same instants (started together, the same probe) are settled as one ``_Block``: at each of
their instants they take consecutive revisions in (namespace, name) order, so a settle moves the block by its runs
and the revision of its last member (``k``, ``top``) and its members' own counts are written when read
(``_Block.flush``: by the events' flush, a take, the run's end). A write between two of their instants (another
pod's status, its Endpoints) then costs the same for a thousand such pods as for one, not one step per pod; a
cursor that falls among the members at one of their instants, or another park probed among them, splits the block
into its parks again (``_dissolve``).

A crash loop's jumped cycles (``PodWorker.cycle_single``, docs/engine-time.md) wait here the same way (``Jump``):
their record, logs, event counts and history are moved at once, but each cycle's writes (events, the pod's
status) take their revisions in the loop's order when a write needs the next one (``settle_jumps``), each event
and the pod keeping the revision of their last write, the change log a row for each status write.
"""

from __future__ import annotations

import heapq
import os
import re
from bisect import bisect_right


# twin parks settled as one (``_Block``); MINIKCTL_NO_PARKED_BLOCKS=1 settles each park alone
# (tests/unit/test_parked_blocks.py compares the stores both ways)
BLOCKS = os.environ.get("MINIKCTL_NO_PARKED_BLOCKS", "") in ("", "0")
JUMPS_KEY = "kubelet:jumps"  # store meta: the jumped writes a run stopped early left waiting
# in a stored pod's text: its resourceVersion (metadata's is the first), the kubelet's status entry's time
_RV = re.compile(r'"resourceVersion":"\d+"')
_KUBELET_TIME = re.compile(r'("manager":"kubelet","operation":"Update","subresource":"status","time":")[^"]*(")')


class Park:
    """One pod's parked readiness probe: its probes at ``first``, ``first + period``, ... up to ``end``."""

    __slots__ = ("ns", "name", "pod", "cname", "iid", "key", "fp", "message", "first", "period", "end", "total",
                 "seq0", "timer_seq", "event_log", "cycle", "done", "applied", "last_rv", "block")

    def __init__(self, ns: str, name: str, pod: dict, cname: str, iid: str, key: str, fp: str, message: str,
                 first: int, period: int, end: int) -> None:
        self.ns, self.name, self.pod = ns, name, pod
        self.cname, self.iid, self.key, self.fp, self.message = cname, iid, key, fp, message
        self.first, self.period, self.end = first, period, end
        self.total = (end - first) // period + 1
        self.seq0 = 0  # the probe timer's seq before the park, and the record's last seq then
        self.timer_seq = 0
        self.event_log = None  # the record's crash-loop notes before the park (kept if no probe happens)
        self.cycle = None
        self.done = 0  # probes that happened (took their revision)
        self.applied = 0  # of them, those added to the event
        self.last_rv = 0  # the revision of the last one
        self.block = None  # the _Block it is settled in (``done`` and ``last_rv`` then written when read)

    def apply(self, rec, w) -> None:
        """The record as after every parked probe (what it is unless the park is taken early)."""
        from .records import R_PROBE

        for t in rec.timers:
            if t.kind == "probe" and t.instance == self.iid and t.container == self.cname and t.at == self.first:
                rec.timers.remove(t)
                self.seq0 = t.seq
                break
        self.timer_seq = rec.timer_seq
        self.event_log, self.cycle = rec.event_log, rec.cycle
        w.failures += self.total
        w.next_at = self.first + self.total * self.period
        rec.timer_seq += self.total - 1  # one timer armed per probe run
        rec.add_timer(w.next_at, R_PROBE, "probe", self.cname, self.iid, self.key)
        rec.event_log = None  # a crash-loop cycle being recorded cannot repeat these
        rec.cycle = None

    def undo(self, rec) -> None:
        """The probes from ``done`` on did not happen (the record is needed before): as stepping leaves it."""
        cr = rec.containers.get(self.cname)
        inst = cr.current if cr is not None else None
        w = inst.probes.get(self.key) if inst is not None and inst.id == self.iid else None
        if w is None:
            return
        gone = self.total - self.done
        w.failures -= gone
        w.next_at = self.first + self.done * self.period
        for t in rec.timers:
            if t.kind == "probe" and t.instance == self.iid and t.container == self.cname:
                t.at = w.next_at
                t.seq = self.timer_seq + self.done if self.done else self.seq0
        rec.timer_seq = self.timer_seq + self.done
        if not self.done:
            rec.event_log, rec.cycle = self.event_log, self.cycle


class Jump:
    """One pod's jumped crash-loop cycles: their writes in groups, one per instant (``PodWorker.jump_writes``). A
    group is (instant, writes), each write an event's key or None for the pod's status, the status last. The
    explicit cycles' groups are listed; the capped cycles' are ``cap_groups`` (offsets from a cycle's restart) at
    ``cap_first + i * cap_period`` for i < ``cap_count``."""

    __slots__ = ("ns", "name", "uid", "groups", "times", "sums", "cap_first", "cap_period", "cap_count",
                 "cap_groups", "cap_sums", "total", "done", "bumps", "per_cycle")

    def __init__(self, ns: str, name: str, uid: str, groups: list, cap: tuple | None, bumps: dict,
                 per_cycle: int) -> None:
        self.ns, self.name, self.uid = ns, name, uid
        self.groups = groups
        self.times = [g[0] for g in groups]
        self.sums = [0]
        for _, w in groups:
            self.sums.append(self.sums[-1] + len(w))
        if cap:
            self.cap_first, self.cap_period, self.cap_count, self.cap_groups = cap
        else:
            self.cap_first, self.cap_period, self.cap_count, self.cap_groups = 0, 1, 0, []
        self.cap_sums = [0]
        for _, w in self.cap_groups:
            self.cap_sums.append(self.cap_sums[-1] + len(w))
        self.total = len(groups) + self.cap_count * len(self.cap_groups)
        self.done = 0  # groups that took their revisions
        self.bumps = bumps  # event key -> its lastTimestamp after the jump
        self.per_cycle = per_cycle  # groups in a cycle: walking back that many meets every write's last

    @property
    def pod(self) -> dict:
        """What the event recorder keys the pod's events by."""
        return {"metadata": {"namespace": self.ns, "name": self.name, "uid": self.uid}}

    def to_json(self) -> dict:
        """What is left of the jump when a run stops before its end (a committed step of a long advance): the next
        run takes it up (``Parked.load``)."""
        cap = [self.cap_first, self.cap_period, self.cap_count, self.cap_groups] if self.cap_count else None
        return {"ns": self.ns, "name": self.name, "uid": self.uid, "groups": self.groups, "cap": cap,
                "bumps": [[k, at] for k, at in self.bumps.items()], "per_cycle": self.per_cycle, "done": self.done}

    @classmethod
    def from_json(cls, d: dict) -> "Jump":
        def groups(gs: list) -> list:
            return [(t, [None if w is None else tuple(w) for w in ws]) for t, ws in gs]

        cap = d["cap"]
        j = cls(d["ns"], d["name"], d["uid"], groups(d["groups"]),
                (cap[0], cap[1], cap[2], groups(cap[3])) if cap else None,
                {tuple(k): at for k, at in d["bumps"]}, d["per_cycle"])
        j.done = d["done"]
        return j

    def group(self, i: int) -> tuple:
        n = len(self.groups)
        if i < n:
            return self.groups[i]
        c, j = divmod(i - n, len(self.cap_groups))
        off, w = self.cap_groups[j]
        return self.cap_first + c * self.cap_period + off, w

    def upto(self, lim: int) -> int:
        """How many groups are at or before ``lim``."""
        k = bisect_right(self.times, lim)
        if k < len(self.groups) or not self.cap_count:
            return k
        for off, _ in self.cap_groups:
            if lim >= self.cap_first + off:
                k += min(self.cap_count, (lim - self.cap_first - off) // self.cap_period + 1)
        return k

    def writes(self, a: int, b: int) -> int:
        """Writes of the groups a..b-1."""
        return self._before(b) - self._before(a)

    def _before(self, i: int) -> int:
        n = len(self.groups)
        if i <= n:
            return self.sums[i]
        c, j = divmod(i - n, len(self.cap_groups))
        return self.sums[n] + c * self.cap_sums[-1] + self.cap_sums[j]


class _Block:
    """Parks probed at the same instants (the same next instant, period and end), in (namespace, name) order: at
    each instant they take consecutive revisions in that order (the loop's), so a settle moves them all by ``k``
    runs and the last member's last revision is ``top``. Their own ``done`` and ``last_rv`` lag by that much until
    ``flush``."""

    __slots__ = ("members", "at", "period", "end", "k", "top", "ns", "name", "last")

    def __init__(self, members: list, at: int, period: int, end: int) -> None:
        self.members = members
        self.at, self.period, self.end = at, period, end  # ``at``: the next instant
        self.k = 0  # runs taken since the members were written
        self.top = 0  # the revision the last member's last run took
        self.ns, self.name = members[0].ns, members[0].name  # its heap entry's: the first member's
        self.last = ("Pod", members[-1].ns, members[-1].name)
        for p in members:
            p.block = self

    def flush(self) -> None:
        k = self.k
        if k:
            base = self.top - len(self.members) + 1
            for j, p in enumerate(self.members):
                p.done += k
                p.last_rv = base + j
            self.k = 0


def _next_probe(p) -> tuple:
    """A park's or a block's place in the loop's order: its next probe's instant, then its (first) pod."""
    return (p.at if type(p) is _Block else p.first + p.done * p.period, p.ns, p.name)


class Parked:
    """The parked probes of one run of the loop (one per pod at most)."""

    def __init__(self, loop) -> None:
        self.loop = loop
        self.parks: dict[tuple[str, str], Park] = {}
        self.heap: list[tuple[int, str, str]] = []  # (next probe, namespace, name) of parks with probes to come
        self.blocks: dict[tuple[str, str], _Block] = {}  # by their first member: its heap entry is the block's
        self.jumps: dict[tuple[str, str], Jump] = {}
        self.jheap: list[tuple[int, str, str]] = []  # (next group, namespace, name) of jumps with writes to come

    @property
    def tx(self):
        return self.loop.tx

    def has(self, ns: str, name: str) -> bool:
        return (ns, name) in self.parks

    def first(self) -> tuple | None:
        """The next parked probe, (instant, "Pod", namespace, name): the loop's order passes through it."""
        heap, parks, blocks = self.heap, self.parks, self.blocks
        while heap:
            at, ns, name = heap[0]
            b = blocks.get((ns, name)) if blocks else None
            if b is not None:
                if b.at == at:
                    return (at, "Pod", ns, name)
            else:
                p = parks.get((ns, name))
                if p is not None and p.block is None and p.first + p.done * p.period == at:
                    return (at, "Pod", ns, name)
            heapq.heappop(heap)
        return None

    def _dissolve(self, b: _Block, push: bool) -> None:
        """The block's members are parks of their own again (written up to date); ``push``: its heap entry is
        still there (the first member's now), the others' are added."""
        b.flush()
        del self.blocks[(b.ns, b.name)]
        for p in b.members:
            p.block = None
        if push:
            for p in b.members[1:]:
                heapq.heappush(self.heap, (b.at, p.ns, p.name))

    def _dissolve_all(self) -> None:
        for b in list(self.blocks.values()):
            self._dissolve(b, True)

    def add(self, park: Park) -> None:
        old = self.parks.get((park.ns, park.name))
        if old is not None and old.block is not None:
            self._dissolve(old.block, True)
        self.parks[(park.ns, park.name)] = park
        heapq.heappush(self.heap, (park.first, park.ns, park.name))
        self.tx.held = self.hold

    def load(self) -> None:
        """A run begins: the jumps a run stopped early left (meta ``kubelet:jumps``) go on waiting here."""
        import json

        raw = self.tx.meta(JUMPS_KEY)
        if not raw:
            return
        self.tx.del_meta(JUMPS_KEY)
        for d in json.loads(raw):
            j = Jump.from_json(d)
            self.jumps[(j.ns, j.name)] = j
            heapq.heappush(self.jheap, (j.group(j.done)[0], j.ns, j.name))
        self.tx.held = self.hold

    def add_jump(self, jump: Jump) -> None:
        self.jumps[(jump.ns, jump.name)] = jump
        heapq.heappush(self.jheap, (jump.group(0)[0], jump.ns, jump.name))
        self.tx.held = self.hold

    def hold(self, events: bool) -> None:
        """Called by the store before a revision is taken (``events`` False) or the events are flushed (True)."""
        self.settle_all(self.loop.cursor)
        if events:
            self.sync_events()

    def settle_all(self, cursor: tuple) -> None:
        """The parked probes and the jumped writes before ``cursor``, in one order: each kind up to the other's
        next entry, in turn."""
        while self.jheap:
            nxt = self.first()
            if nxt is None:
                break
            j = self.jheap[0]
            jumped = (j[0], "Pod", j[1], j[2])
            if jumped >= cursor and nxt >= cursor:
                return
            if jumped < nxt:
                self.settle_jumps(min(cursor, nxt))
            else:
                self.settle(min(cursor, jumped))
        self.settle_jumps(cursor)
        self.settle(cursor)

    # ---- revisions ----------------------------------------------------------------------------
    def settle(self, cursor: tuple) -> None:
        """Every parked probe before ``cursor`` (wake, kind, namespace, name) takes its revision, in the loop's
        order: by instant, then by pod (one kind, ``Pod``). Counted in closed form: the probes of the last period
        are the only ones whose order decides a revision that is kept (each event keeps its last one). A block
        (``_Block``) is counted as its members would be, one after the other at each of its instants."""
        heap, parks, blocks = self.heap, self.parks, self.blocks
        if not heap or (heap[0][0], "Pod", heap[0][1], heap[0][2]) >= cursor:
            return
        highest = max(heap)
        highest = (highest[0], "Pod", highest[1], highest[2])
        for b in blocks.values():  # a block's entry reaches as far as its last member
            if b.at >= highest[0] and (b.at, *b.last) > highest:
                highest = (b.at, *b.last)
        whole = highest < cursor
        if whole:
            # every entry comes off: in the order popping gives (the heap's sorted order), without a pop each
            # (a thousand pods' probes parked at the same instants, a write between every two of them)
            entries = sorted(heap)
            heap.clear()
        else:
            entries = []
            while heap and (heap[0][0], "Pod", heap[0][1], heap[0][2]) < cursor:
                entries.append(heapq.heappop(heap))
        ct, rest = cursor[0], cursor[1:]
        batch = []
        parted = False  # a block's members put in the batch at its first member's place
        for at, ns, name in entries:
            b = blocks.get((ns, name)) if blocks else None
            if b is not None:
                if b.at != at:
                    continue
                if (ct - at) % b.period == 0 and (b.last < rest) != (("Pod", ns, name) < rest):
                    # the cursor among its members at one of their instants: they part there, each a park (those
                    # after the cursor back in the heap, when that instant is the cursor's)
                    self._dissolve(b, False)
                    parted = True
                    for p in b.members:
                        if (at, "Pod", p.ns, p.name) < cursor:
                            batch.append(p)
                        else:
                            heapq.heappush(heap, (at, p.ns, p.name))
                            whole = False
                else:
                    batch.append(b)
                continue
            p = parks.get((ns, name))
            if p is not None and p.block is None and p.first + p.done * p.period == at:
                batch.append(p)
        if not batch:
            return
        if parted:
            # in the loop's order again (instant, then pod): a twin that came off the heap after the parted block's
            # first member may fall among its members, and the twins' count below takes the batch in that order
            batch.sort(key=_next_probe)
        tx = self.tx
        first = batch[0]
        if len(batch) == 1 and type(first) is _Block:
            b, batch = first, first.members
            first, at = batch[0], b.at
        else:
            b = None
            at = None if type(first) is _Block else first.first + first.done * first.period
        if at is not None:
            period, end = first.period, first.end
        if b is not None or (at is not None and len(batch) > 1 and all(
                type(p) is Park and p.period == period and p.end == end and p.first + p.done * period == at
                for p in batch)):
            # pods probed at the same instants (started together): each takes the same runs, and at each
            # instant they take their revisions in the order they came off the heap (namespace, name)
            hi = ("Pod", batch[-1].ns, batch[-1].name) < rest
            lo = ("Pod", first.ns, first.name) < rest
            if hi == lo or (ct - at) % period:  # the same last run for all (a run at the cursor's instant: all
                lim = ct if hi else ct - 1  # before it, or all after)
                if end < lim:
                    lim = end
                k = (lim - at) // period + 1
                n = len(batch)
                rev0 = int(tx.meta("revision"))
                top = rev0 + k * n
                tx.set_meta("revision", str(top))
                nxt = at + k * period
                if BLOCKS:
                    if b is None:
                        b = _Block(batch, at, period, end)
                        blocks[(b.ns, b.name)] = b
                    b.k += k
                    b.top = top
                    b.at = nxt
                    if nxt <= end:
                        if whole:
                            heap.append((nxt, b.ns, b.name))
                        else:
                            heapq.heappush(heap, (nxt, b.ns, b.name))
                    else:
                        self._dissolve(b, False)
                    return
                for j, p in enumerate(batch):
                    p.done += k
                    p.last_rv = top - n + 1 + j
                if nxt <= end:
                    again = [(nxt, p.ns, p.name) for p in batch]
                    if whole:  # in order and alone in the heap: pushed one by one, they would stay in this order
                        heap.extend(again)
                    else:
                        for e in again:
                            heapq.heappush(heap, e)
                return
            # split by the cursor (settle cannot split a block: it parts when it comes off the heap)
        # each park (or block) its own runs
        if not self._settle_each(batch, ct, rest):
            # another park probed among a block's members: the blocks part, each member a park
            parts = []
            for p in batch:
                if type(p) is _Block:
                    self._dissolve(p, False)
                    parts += p.members
                else:
                    parts.append(p)
            self._settle_each(parts, ct, rest)

    def _settle_each(self, batch: list, ct: int, rest: tuple) -> bool:
        """``settle`` of parks and blocks that are not twins: each its own runs, up to the cursor (``ct``, ``rest``),
        and the revision of each one's last. False, with nothing done, when another's run falls among a block's
        members at one of their instants (their revisions are not consecutive then)."""
        heap, tx = self.heap, self.tx
        spans = []  # (park or block, its next run, its last run, runs, revisions a run)
        total = 0
        for p in batch:
            if type(p) is _Block:
                nxt, n = p.at, len(p.members)
            else:
                nxt, n = p.first + p.done * p.period, 1
            lim = ct if ("Pod", p.ns, p.name) < rest else ct - 1
            if p.end < lim:
                lim = p.end
            k = (lim - nxt) // p.period + 1
            spans.append((p, nxt, nxt + (k - 1) * p.period, k, n))
            total += k * n
        window = []
        if len(spans) > 1:
            # the probes from the earliest last one on, in order: a park's last probe is followed by those after it
            start = min(s[2] for s in spans)
            for i, (p, nxt, last, _k, _n) in enumerate(spans):
                at = nxt if nxt >= start else nxt + -(-(start - nxt) // p.period) * p.period
                while at <= last:
                    window.append((at, p.ns, p.name, i))
                    at += p.period
            window.sort()
            if self.blocks:
                for w, v in zip(window, window[1:]):
                    p = spans[w[3]][0]
                    if type(p) is _Block and w[0] == v[0] and ("Pod", v[1], v[2]) < p.last:
                        return False
        for p, nxt, last, k, n in spans:
            if type(p) is _Block:
                p.k += k
                p.at = last + p.period
                if p.at <= p.end:
                    heapq.heappush(heap, (p.at, p.ns, p.name))
            else:
                p.done += k
                if last + p.period <= p.end:
                    heapq.heappush(heap, (last + p.period, p.ns, p.name))
        rev0 = int(tx.meta("revision"))
        tx.set_meta("revision", str(rev0 + total))
        if len(spans) == 1:
            p = spans[0][0]
            if type(p) is _Block:
                p.top = rev0 + total
            else:
                p.last_rv = rev0 + total
        else:
            after = {}
            seen = 0  # revisions taken after an entry
            for at, ns, name, i in reversed(window):
                after[(at, ns, name)] = seen
                seen += spans[i][4]
            for p, _nxt, last, _k, _n in spans:
                rv = rev0 + total - after[(last, p.ns, p.name)]
                if type(p) is _Block:
                    p.top = rv
                else:
                    p.last_rv = rv
        for p, *_ in spans:
            if type(p) is _Block and p.at > p.end:
                self._dissolve(p, False)
        return True

    # ---- crash loops' jumped writes -------------------------------------------------------------
    def settle_jumps(self, cursor: tuple | None) -> None:
        """Every jumped write before ``cursor`` (None: all of them) takes its revision, in the loop's order (instant,
        then pod). Only the last writes decide what is kept: each event's and the pod's last revision, and the
        change log's rows above the revisions the commit compacts (``changelog.KEEP``); so the groups are walked
        back from the last one until every jump met its last writes and the walk is below that floor."""
        heap, jumps = self.jheap, self.jumps
        if not heap:
            return
        if cursor is not None and (heap[0][0], "Pod", heap[0][1], heap[0][2]) >= cursor:
            return
        import json

        from minikctl.kube.timefmt import rfc3339
        from minikctl.store import changelog

        batch = []  # (jump, first group, end group)
        while heap and (cursor is None or (heap[0][0], "Pod", heap[0][1], heap[0][2]) < cursor):
            _, ns, name = heapq.heappop(heap)
            j = jumps.get((ns, name))
            if j is None:
                continue
            if cursor is None:
                end = j.total
            else:
                ct, rest = cursor[0], cursor[1:]
                end = j.upto(ct if ("Pod", ns, name) < rest else ct - 1)
            end = max(end, j.done + 1)
            batch.append((j, j.done, end))
        tx = self.tx
        rev0 = int(tx.meta("revision"))
        total = sum(j.writes(a, b) for j, a, b in batch)
        top = rev0 + total
        tx.set_meta("revision", str(top))
        floor = top - changelog.KEEP
        # walk back: the latest group first, in the loop's order (instant, namespace, name)
        batch.sort(key=lambda e: (e[0].ns, e[0].name))
        walk = [(-(j.group(b - 1)[0]), -i, b - 1) for i, (j, a, b) in enumerate(batch)]
        heapq.heapify(walk)
        seen = [0] * len(batch)  # groups walked of each jump
        pending = len(batch)  # jumps that have not met their last writes yet
        rows: list = []
        below = False
        pod_rv: dict = {}
        event_rv: dict = {}
        while walk and (pending or top > floor or not below):
            _, i, g = heapq.heappop(walk)
            i = -i
            j, a, _b = batch[i]
            t, w = j.group(g)
            for k in range(len(w) - 1, -1, -1):
                key = w[k]
                if key is None:
                    if top > floor or not below:
                        rows.append((top, changelog.MODIFIED, "Pod", j.ns, j.name, j.uid, None))
                        below = below or top <= floor
                    if i not in pod_rv:
                        pod_rv[i] = (top, t)
                elif (i, key) not in event_rv:
                    event_rv[(i, key)] = top
                top -= 1
            seen[i] += 1
            if seen[i] == min(j.per_cycle, _b - a):
                pending -= 1
            if g > a:
                heapq.heappush(walk, (-(j.group(g - 1)[0]), -i, g - 1))
        rows.sort()
        tx._changes += rows
        for (i, key), rv in sorted(event_rv.items()):
            j = batch[i][0]
            tx.bump_event(j.pod, key[0], key[1], key[2], "kubelet", key[3], 0, j.bumps[key], rv=rv)
        if pod_rv:
            tx.flush_objects()
        for i, (rv, t) in sorted(pod_rv.items()):
            j = batch[i][0]
            row = tx.conn.execute("SELECT uid, body FROM objects WHERE kind='Pod' AND namespace=? AND name=?",
                                  (j.ns, j.name)).fetchone()
            if row is None or row[0] != j.uid:
                continue
            # the stored text with its two values replaced is the text of the object with them changed
            text, n = _RV.subn(f'"resourceVersion":"{rv}"', row[1], count=1)
            if n:
                text, n = _KUBELET_TIME.subn(rf"\g<1>{rfc3339(t)}\g<2>", text, count=1)
            if n:
                tx.restore("Pod", j.ns, j.name, rv, None, body=text)
                continue
            stored = json.loads(row[1])
            meta = stored["metadata"]
            meta["resourceVersion"] = str(rv)
            for entry in meta.get("managedFields") or []:
                if entry.get("manager") == "kubelet" and entry.get("subresource") == "status":
                    entry["time"] = rfc3339(t)
            tx.restore("Pod", j.ns, j.name, rv, stored)
        for j, a, b in batch:
            j.done = b
            if b < j.total:
                heapq.heappush(heap, (j.group(b)[0], j.ns, j.name))
            else:
                del jumps[(j.ns, j.name)]

    def sync_events(self) -> None:
        for b in self.blocks.values():
            b.flush()
        for p in self.parks.values():
            if p.applied < p.done:
                self._bump(p)

    def _bump(self, p: Park) -> None:
        n = p.done - p.applied
        last = p.first + (p.done - 1) * p.period
        self.tx.bump_event(p.pod, "Warning", "Unhealthy", p.message, "kubelet", p.fp, n, last, rv=p.last_rv)
        p.applied = p.done

    # ---- the pod's record ---------------------------------------------------------------------
    def take(self, ns: str, name: str, rec) -> bool:
        """The pod's record is needed at the cursor: the parked probe ends there. The record holds the park as if
        every probe happened (``Park.apply``): the ones still to come are taken back. True when the record changed
        (its reader saves it)."""
        p = self.parks.get((ns, name))
        if p is None:
            return False
        self.settle_all(self.loop.cursor)
        if p.block is not None:
            self._dissolve(p.block, True)
        del self.parks[(ns, name)]
        if p.applied < p.done:
            self._bump(p)
        if not self.parks:
            self.heap.clear()
            if not self.jumps:
                self.tx.held = None
        if p.done == p.total:
            return False
        p.undo(rec)
        return True

    def finish(self) -> None:
        """The run ends (the cursor after its last instant): every parked probe up to it happened; a park that
        goes further (a run stopped early) is taken back in its record."""
        from .records import load

        self.settle_all(self.loop.cursor)
        self._dissolve_all()
        if self.jumps:  # a run stopped early (its wall deadline): the next run takes the rest up (``load``)
            import json

            self.tx.set_meta(JUMPS_KEY, json.dumps([j.to_json() for _, j in sorted(self.jumps.items())]))
            self.jumps.clear()
            self.jheap.clear()
        self.sync_events()
        for (ns, name), p in list(self.parks.items()):
            if p.done == p.total:
                del self.parks[(ns, name)]
        for ns, name in list(self.parks):
            load(self.tx, ns, name)  # takes the park, saves the record
        self.parks.clear()
        self.tx.held = None
        self.heap.clear()

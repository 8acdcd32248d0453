"""A long advance over CronJobs whose every scheduled minute is the same: learned by stepping, then skipped.

``clock advance 24h`` over 100 CronJobs scheduled every minute is 144,000 runs (a Job, its pod scheduled, started
and finished, the Job complete, the history limit deleting the oldest Job, the garbage collector its pod, events),
and stepping each costs milliseconds. What is left of a run after the advance is little: counters (the revision,
the uid, name-suffix and event counters, a node's last pod IP), the CronJobs' status, their "(combined from similar
events)" events (client-go's EventCorrelator: their counts and times), the events younger than the event TTL
(store/events.py), and the objects of the last runs. So a long advance (``skip``):

1. steps the cluster minute by minute, from one minute boundary to the next, and keeps three consecutive states
   (``State``: meta, objects, runtime records, events, the log streams' ids, the change log's rows) until two
   minutes moved everything alike (``_Learned``): every counter by the same amount; every object, runtime record
   and event that lives on (the CronJobs, the node, the combined events) by the same arithmetic on each value
   (numbers, resourceVersions, RFC 3339 times, names that hold a uid, a name suffix or a scheduled minute);
   the new events of the second minute exactly those of the first shifted by a minute (the same function that
   writes the skipped minutes' events); the change log's rows too; and nothing else alive with a timer (the
   Jobs and pods of the last runs are finished, their records wait for nothing). In a CronJob's first minutes
   its events are not combined yet (from the tenth distinct one on), and each draws a uid and an event name that
   a later minute's does not: ``_Warm`` compares such minutes draw by draw and counts the skipped minutes' draws
   as the aggregator makes them. Until two minutes are alike either way it only steps. A CronJob's first minutes,
   before its history limits delete a Job every minute, are not learned from even when two of them are alike
   (``_runs_steady``: each CronJob controls as many Jobs at the three boundaries): the minutes after them also
   delete a Job, and take more revisions and event names than they did. The first two minutes that delete are
   learned from, though the one before them did not delete: the revisions its writes left at the first boundary
   are taken as an alike minute would leave them, and what the first minute read of them is checked as read
   (``_as_if_alike_before``).
2. moves the store by N minutes at once: the meta counters and the clock, the lasting objects (``Tx.restore``:
   the body and revision the N-th minute would leave, with no change of their own), the lasting runtime records,
   the combined events; writes the events of the skipped minutes still within the TTL; drops the events past it.
   The Jobs and pods of the last learned runs stay as they are ("stale": named after the minutes they ran) and
   their log streams get the ids the runs they stand for would have.
3. writes the runs each CronJob keeps once its history limits have deleted the stale ones, moving the jump on by
   those minutes (engine/crontail.py); when they cannot be derived from the learned runs, instead:
   steps on until the CronJobs' history limits have deleted every stale Job (and the garbage collector its
   pods): those deletions take the revisions, uids and events that the Jobs they stand for would have (nothing
   in them depends on a Job's name but the messages of the combined ``SuccessfulDelete`` events, which are then
   written with the names of the Jobs they stand for: ``_rename_stale``). Their changes are the one trace left
   that differs from stepping: the change log is then
   **compacted** up to that revision (``changes:oldest``), as kube-apiserver compacts etcd's history every 5
   minutes (``--etcd-compaction-interval``): a watch from an older resourceVersion gets 410 Gone, "too old
   resource version". This is the only difference from stepping, which keeps the last 20,000 revisions
   (store/changelog.py KEEP).

Everything from 2 on runs in a savepoint: when the stale objects are not all gone before the advance's end, it is
undone and the minutes are stepped. The skip is off while anything in this process watches (a tap: ``get -w``,
``wait``, events watched, the API server's journal) and with store meta ``engine:profile`` ``{"ffwd": false}``
(docs/engine-time.md), which the golden test (tests/unit/test_cronjob_skip.py) compares it with.
"""

from __future__ import annotations

import copy
import json
import os
from bisect import bisect_left
from typing import TYPE_CHECKING

from minikctl.engine import alike, crontail
from minikctl.engine.alike import (EVENT_NAME_COUNTER, MINUTE, UNLIKE, Names, NotAlike, Shift, State, ahead, counter,
                                   dumps, strict_json)

if TYPE_CHECKING:
    from typing import Callable

# learn from a CronJob's first minutes that delete a Job, though the minute before them did not
# (``_as_if_alike_before``); MINIKCTL_NO_CRON_FIRST_DELETING=1 learns from the minutes after them
# (tests/unit/test_cronjob_skip.py compares the two, and stepping)
FIRST_DELETING = os.environ.get("MINIKCTL_NO_CRON_FIRST_DELETING", "") in ("", "0")



class _CronState(State):
    """``State`` and the keys of the CronJobs' runs in it."""

    def __init__(self, tx, before: "_CronState | None" = None) -> None:
        super().__init__(tx, rows=False)  # the skip reads no printed row
        # the controller references read in this state, by the text they were read from (``_controller_ref``),
        # and those of the state a minute before (a finished run's Job and pod are the same text at the next
        # boundaries), until this state's runs are known
        self._refs: dict = {}
        self._known = None if before is None else before._refs
        self._runs: set | None = None
        self._jobs: dict | None = None
        self.records = None  # log streams, logs, history (engine/crontail.py), when the tail is built

    def runs(self) -> set:
        """``_runs`` of the state's objects, worked out once (each state is read by up to three learned minutes,
        each both ways)."""
        if self._runs is None:
            self._runs = _runs(self.objects, self._refs, self._known)
            self._known = None
        return self._runs

    def jobs_per_cronjob(self) -> dict:
        """How many Jobs each CronJob controls: (namespace, name) -> count."""
        if self._jobs is None:
            self._jobs = {}
            for kind, ns, name in self.runs():
                if kind == "Job":
                    owner = (ns, _controller_ref(self.objects[(kind, ns, name)][1], self._refs).get("name"))
                    self._jobs[owner] = self._jobs.get(owner, 0) + 1
        return self._jobs


def _controller(body: str, field: str = "kind") -> str | None:
    """The kind (or name) of an object's controller, from its JSON."""
    for ref in (json.loads(body).get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref.get(field)
    return None


def _uid(entry: "tuple | None") -> str | None:
    """The uid of an object as a State holds it ((rv, body) or None)."""
    return None if entry is None else (json.loads(entry[1]).get("metadata") or {}).get("uid")


def _runs(objects: dict, refs: dict | None = None, known: dict | None = None) -> set:
    """The keys of the CronJobs' runs: Jobs a CronJob controls and the pods those Jobs control."""
    jobs = set()
    pods = []
    for k, (_rv, body) in objects.items():
        if k[0] == "Job" or k[0] == "Pod":
            owner = _controller_ref(body, refs, known)
            if k[0] == "Job" and owner.get("kind") == "CronJob":
                jobs.add(k)
            elif k[0] == "Pod" and owner.get("kind") == "Job":
                pods.append((k, ("Job", k[1], owner.get("name"))))
    return jobs | {k for k, job in pods if job in jobs}


def _controller_ref(body: str, refs: dict | None = None, known: dict | None = None) -> dict:
    """An object's controller reference, from its JSON ({} when it has none); not to be changed by the caller.
    ``refs``: the references read so far, by the text they were read from, where this one is kept; ``known``:
    others read before (``_CronState``)."""
    if refs is not None:
        found = refs.get(body)
        if found is None and known is not None:
            found = known.get(body)
            if found is not None:
                refs[body] = found
        if found is not None:
            return found
    out = {}
    for ref in (json.loads(body).get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            out = ref
            break
    if refs is not None:
        refs[body] = out
    return out


def _revisions_alike(s0: State, s1: State, s2: State, lasting: set) -> None:
    """The objects that live on were written alike in both minutes, as far as their stored revisions tell: each
    one's moved by the same amount (``_lasting`` checks it again with the rest of the object). Read first: in a
    CronJob's first minutes, before its history limits delete a Job every minute, its revision moves by less in
    one minute than in the next, and the costlier comparisons need not be made."""
    o0, o1 = s0.objects, s1.objects
    for key in lasting:
        a, b = o0.get(key), o1.get(key)
        if a is not None and b is not None and s2.objects[key][0] - b[0] != b[0] - a[0]:
            raise NotAlike("a number moved unevenly")


def _as_if_alike_before(s0: _CronState, s1: _CronState, s2: _CronState, lasting: set) -> _CronState:
    """``s0`` with the revisions of the objects that live on as a minute like the two compared would have left
    them, where the minute before ``s0`` was not (a CronJob's last minute before its history limits delete a Job
    every minute: its writes come at other revision offsets, three fewer revisions per CronJob before it).

    An object's stored revision is its last write's. One written in both compared minutes at the same revision
    offset (its revision at ``s1`` within the first minute, at ``s2`` the minute's revisions later) moves by the
    minute's revisions a minute, whatever the minute before left: its revision at ``s0`` is then taken as the
    one such a minute leaves (``s1``'s less the minute's revisions), the rest of ``s0`` as read. What the first
    minute read of the revisions at ``s0`` (an event's involved object's) is checked against them as read
    (``_involved_alike``). Any other value of ``s0`` that the minute before left otherwise is still compared as
    read (NotAlike)."""
    dr = s2.revision - s1.revision
    if s1.revision - s0.revision != dr:
        return s0
    o0, o1, o2 = s0.objects, s1.objects, s2.objects
    moved = {}
    for key in lasting:
        a, b = o0.get(key), o1.get(key)
        if a is None or b is None:
            continue
        if o2[key][0] - b[0] == dr and b[0] > s0.revision and b[0] - a[0] != dr:
            # the body names its revision too (metadata.resourceVersion), as the store writes it
            body = strict_json(a[1])
            meta = body.get("metadata") if type(body) is dict else None
            if type(meta) is not dict or meta.get("resourceVersion") != str(a[0]):
                return s0
            meta["resourceVersion"] = str(b[0] - dr)
            moved[key] = (b[0] - dr, dumps(body))
    if not moved:
        return s0
    view = copy.copy(s0)
    view.objects = {**o0, **moved}
    return view


def _involved_alike(x1: int, x2: int, key: "tuple | None", s0: _CronState, s1: _CronState,
                    s2: _CronState) -> bool:
    """An event about an object that lives on, written in both minutes at one revision offset, names its object's
    resourceVersion alike: the second's is the first's moved by the minute's revisions, or each is the object's
    revision at its minute's start (``s0``, ``s1``, as read), which moves by the minute's revisions from ``s1`` on
    (written in both minutes at one offset: ``_as_if_alike_before``)."""
    dr = s2.revision - s1.revision
    if x2 == x1 + dr:
        return True
    if not FIRST_DELETING or key is None:
        return False
    a, b, c = s0.objects.get(key), s1.objects.get(key), s2.objects[key]
    return a is not None and b is not None and x1 == a[0] and x2 == b[0] and c[0] - b[0] == dr \
        and b[0] > s0.revision


def _run_pod_deleted(check: alike.Shift, s0: _CronState, s1: _CronState, t: str, kind: str, ns: str, first: str,
                     second: str) -> bool:
    """The garbage collector's deletion of a run's pod in both minutes, named otherwise than the minutes move names:
    the pod of a Job that the history limits delete, created in a minute whose suffix counter moved otherwise (a
    CronJob created a minute after the others: ``_as_if_alike_before``). Its name is in the change log alone,
    which the jump compacts; what the minutes did alike is delete the pod of the Job of the moved name, stored at
    the minute's start (its uid is checked as every deletion's is)."""
    if not FIRST_DELETING or t != "DELETED" or kind != "Pod":
        return False
    a, b = s0.objects.get((kind, ns, first)), s1.objects.get((kind, ns, second))
    if a is None or b is None:
        return False
    ra, rb = _controller_ref(a[1]), _controller_ref(b[1])
    job = ra.get("name")
    return ra.get("kind") == rb.get("kind") == "Job" and type(job) is str and check.token(job, 1) != job \
        and check.token(job, 1) == rb.get("name")


def _runs_steady(s0: _CronState, s1: _CronState, s2: _CronState) -> None:
    """Each CronJob controls as many Jobs at the three boundaries: its history limits (cleanupFinishedJobs) delete
    a finished Job every minute, as the minute creates one. Before the limits are reached a minute creates a Job
    and deletes none: such minutes may be alike, but the minutes after them, which also delete, are not what they
    repeat (they take more revisions, draw more event names, write ``SuccessfulDelete`` events)."""
    if not (s0.jobs_per_cronjob() == s1.jobs_per_cronjob() == s2.jobs_per_cronjob()):
        raise NotAlike("the CronJobs' Jobs still accumulate (their history limits delete none yet)")


class _Learned:
    """What two consecutive minutes (s0 → s1 → s2) did alike, or NotAlike."""

    def __init__(self, tx, names: Names, s0: State, s1: State, s2: State, ttl: int, window: int = 0) -> None:
        if not (s1.now - s0.now == s2.now - s1.now == MINUTE):
            raise NotAlike("not two minutes")
        if set(s0.meta) != set(s1.meta) or set(s1.meta) != set(s2.meta):
            raise NotAlike("meta keys changed")
        for key, v2 in s2.meta.items():  # the counters first: most minutes that are not alike differ there
            if v2 != s1.meta[key] or v2 != s0.meta[key]:
                ahead(s0.meta[key], s1.meta[key], v2, 1, None)
        _runs_steady(s0, s1, s2)
        self.s2 = s2
        self.ttl = ttl
        cronjobs = [k[2] for k in s2.objects if k[0] == "CronJob"]
        self.shift = shift = Shift(names, s1, s2, cronjobs, window)
        # the cheap checks before the bodies are compared: the minutes that are not alike yet (a CronJob's events
        # still being combined, a deleted Job from such a minute) mostly differ in their change log or new events
        self._changes_alike(tx, s0, s1, s2)
        new1 = {k: v for k, v in s1.events.items() if k not in s0.events}
        self.new = {k: v for k, v in s2.events.items() if k not in s1.events}
        if len(new1) != len(self.new):
            raise NotAlike("the minutes' new events differ")
        # the runs' Jobs and pods (stale after the jump) by their controllers; everything else lives on, unchanged
        # or moved alike
        self.stale = sorted(s2.runs())
        stale = set(self.stale)
        young = {json.loads(s2.objects[k][1])["metadata"]["uid"] for k in self.stale}
        for key, row in self.new.items():
            if row[0] not in young:
                raise NotAlike(f"a new event about an object that lives on: {key}")
        if dict(shift.new_event(k, v, 1) for k, v in new1.items()) != self.new:
            raise NotAlike("the minutes' new events differ")
        pods = self._runs_and_lasting(s0, s1, s2, set(s2.objects) - stale)
        # events: the lasting ones (the combined events) moved alike, the new ones are the last minute's shifted
        self.events = self._lasting(s0.events, s1.events, s2.events)
        for state, before in ((s1, s0), (s2, s1)):
            for key, row in before.events.items():
                if key not in state.events and row[2] > state.now - ttl:
                    raise NotAlike("an event deleted before its time")
        for key, vs in self.events.items():
            if vs[2][0] in young:
                raise NotAlike(f"an event of a run's object written again: {key}")
        self._streams(s0, s1, s2, pods)
        self._meta = (s0.meta, s1.meta)
        self._before = (s0, s1)

    def _runs_and_lasting(self, s0: State, s1: State, s2: State, lasting: set) -> set:
        """The runs (``stale``) finished, nothing but them came or went, the objects and runtime records that live
        on moved alike (``objects``, ``runtime``; ``shift`` set): the runs' pods, as (namespace, name)."""
        for key in self.stale:
            self._check_stale(key, s2)
        for state in (s0, s1):
            if set(state.objects) - state.runs() != lasting:
                raise NotAlike("objects other than the runs' came or went")
        pods = {(k[1], k[2]) for k in self.stale if k[0] == "Pod"}
        self.objects = self._lasting(s0.objects, s1.objects, {k: v for k, v in s2.objects.items() if k in lasting})
        lasting_rt = {k: v for k, v in s2.runtime.items() if not (k[0] == "Pod" and (k[1], k[2]) in pods)}
        for key, (wake, _body) in s2.runtime.items():
            if key not in lasting_rt and wake is not None:
                raise NotAlike(f"a run's pod has a timer: {key}")
        for key in lasting_rt:
            if key not in s0.runtime or key not in s1.runtime:
                raise NotAlike(f"a runtime record came: {key}")
        self.runtime = self._lasting(s0.runtime, s1.runtime, lasting_rt)
        for key, (wake, _body) in lasting_rt.items():
            if wake is not None and key not in self.runtime:
                raise NotAlike(f"a timer that does not move with the minutes: {key}")
        return pods

    def _streams(self, s0: State, s1: State, s2: State, pods: set) -> None:
        """The log streams: the runs' are the newest, their ids move by a step of their own each minute."""
        self.stream_step = max(s2.streams, default=0) - max(s1.streams, default=0)
        if self.stream_step != max(s1.streams, default=0) - max(s0.streams, default=0):
            raise NotAlike("log stream ids moved unevenly")
        self.streams = sorted((i for i, (ns, pod) in s2.streams.items() if (ns, pod) in pods), reverse=True)
        lasting_streams = [i for i, (ns, pod) in s2.streams.items() if (ns, pod) not in pods]
        if self.streams and lasting_streams and max(lasting_streams) > min(self.streams):
            raise NotAlike("a lasting log stream is newer than the runs'")

    def _lasting(self, m0: dict, m1: dict, m2: dict) -> dict:
        """The entries present at all three boundaries that changed: key -> (value at s1, value at s2, value at
        s0), checked to move alike (with a throwaway extrapolation)."""
        out = {}
        for key, v2 in m2.items():
            v0, v1 = m0.get(key), m1.get(key)
            if v0 is None or v1 is None or v0 == v1 == v2:
                continue
            self._extrapolate(v0, v1, v2, 1)
            out[key] = (v0, v1, v2)
        return out

    def _extrapolate(self, v0: tuple, v1: tuple, v2: tuple, n: int) -> tuple:
        out = []
        for x, y, z in zip(v0, v1, v2):
            if type(z) is str and z[:1] in "{[":
                out.append(dumps(ahead(strict_json(x), strict_json(y), strict_json(z), n, self.shift)))
            else:
                out.append(ahead(x, y, z, n, self.shift))
        return tuple(out)

    def _check_stale(self, key: tuple, s2: State) -> None:
        kind = key[0]
        obj = json.loads(s2.objects[key][1])
        refs = [r for r in (obj.get("metadata") or {}).get("ownerReferences") or [] if r.get("controller")]
        if obj["metadata"].get("deletionTimestamp") or len(refs) != 1:
            raise NotAlike(f"{key} is not a finished run's")
        status = obj.get("status") or {}
        if kind == "Job":
            done = any(c.get("type") in ("Complete", "Failed") and c.get("status") == "True"
                       for c in status.get("conditions") or [])
            if refs[0].get("kind") != "CronJob" or not done:
                raise NotAlike(f"{key} is not a finished run's")
        elif kind == "Pod":
            if refs[0].get("kind") != "Job" or status.get("phase") not in ("Succeeded", "Failed"):
                raise NotAlike(f"{key} is not a finished run's")
        else:
            raise NotAlike(f"{key} is neither a Job nor a pod")

    def _changes_alike(self, tx, s0: State, s1: State, s2: State) -> None:
        def rows(lo: int, hi: int) -> list:
            return list(tx.conn.execute("SELECT rv, type, kind, namespace, name, uid FROM changes "
                                        "WHERE rv > ? AND rv <= ? ORDER BY rv", (lo, hi)))

        first, second = rows(s0.revision, s1.revision), rows(s1.revision, s2.revision)
        shift = self.shift
        moved = [(rv + shift.dr, t, k, ns, shift.token(name, 1), shift.uid(uid, 1))
                 for rv, t, k, ns, name, uid in first]
        if moved == second:
            return
        if len(moved) != len(second):
            raise NotAlike("the minutes' changes differ")
        # A deletion's uid is the deleted object's, given when it was created: a Job the history limit deletes
        # was created minutes before (its uid from a minute whose counters moved otherwise, while the CronJob's
        # events were still being combined). What the minute did is the same when it deleted the object of the
        # shifted name that was stored at its start; the uids of the runs it deletes live on nowhere but in the
        # change log, which the skip compacts (``_jump``).
        for a, b, (_rv, t, k, ns, name, uid) in zip(moved, second, first):
            if a == b:
                continue
            if a[:5] != b[:5] or t != "DELETED" or _uid(s0.objects.get((k, ns, name))) != uid \
                    or _uid(s1.objects.get((k, ns, b[4]))) != b[5]:
                raise NotAlike("the minutes' changes differ")

    # ---- the jump -------------------------------------------------------------------------------------------
    def _meta_at(self, key: str, n: int) -> str:
        s0, s1 = self._before
        return ahead(s0.meta[key], s1.meta[key], self.s2.meta[key], n, self.shift)

    def jump(self, tx, n: int) -> None:
        """Move the store n minutes on from s2 (the clock at s2)."""
        s0, s1 = self._before
        s2 = self.s2
        shift = self.shift
        tx.flush()
        for key, v2 in s2.meta.items():
            v = self._meta_at(key, n)
            if v != v2:
                tx.set_meta(key, v)
        for key, vs in self.objects.items():
            rv, body = self._extrapolate(*vs, n)
            tx.restore(key[0], key[1], key[2], rv, json.loads(body))
        for key, vs in self.runtime.items():
            wake, body = self._extrapolate(*vs, n)
            tx.put_runtime(key[0], key[1], key[2], None, wake, body=body)
        conn = tx.conn
        step = n * self.stream_step
        for sid in self.streams:  # newest first: ids move up without meeting each other
            conn.execute("UPDATE log_streams SET id=? WHERE id=?", (sid + step, sid))
            conn.execute("UPDATE logs SET stream=? WHERE stream=?", (sid + step, sid))
        floor = s2.now + n * MINUTE - self.ttl
        for (ns, name), vs in self.events.items():
            uid, rv, last, body = self._extrapolate(*vs, n)
            conn.execute("UPDATE events SET rv=?, last_ms=?, body=? WHERE namespace=? AND name=?",
                         (rv, last, body, ns, name))
        conn.execute("DELETE FROM events WHERE last_ms <= ?", (floor,))
        rows = []
        first = max(1, min((floor - row[2]) // MINUTE + 1 for row in self.new.values())) if self.new else n + 1
        if alike.EVENT_TEXTS:
            for i in range(first, n + 1):
                rows += shift.new_events(self.new.items(), i, floor)
        else:
            for i in range(first, n + 1):
                for key, row in self.new.items():
                    if row[2] + i * MINUTE <= floor:
                        continue
                    (ns, name), (uid, rv, last, body) = shift.new_event(key, row, i)
                    rows.append((ns, name, uid, rv, last, body))
        conn.executemany("INSERT INTO events (namespace, name, involved_uid, rv, last_ms, body) "
                         "VALUES (?, ?, ?, ?, ?, ?)", rows)



# ---- learning while the CronJobs' events are still being combined ------------------------------------------------
class _Minute:
    """What one minute (``sa`` to ``sb``) drew from the uid and event counters, in the order it drew them: each
    object it created (its ADDED change) and each event it created, by revision (a write draws its uid, and its
    event counter, just before its revision). ``groups`` are the events about objects that live on (a CronJob's,
    while client-go's EventAggregator still writes each as an event of its own): by the aggregator's key (the
    object's uid, type, reason, source), the revision offset of the write and the event's key and row."""

    def __init__(self, tx, names: Names, sa: State, sb: State, lasting_uids: set) -> None:
        self.start = sa.revision
        u0, u1 = counter(sa.meta, "uid"), counter(sb.meta, "uid")
        e0, e1 = counter(sa.meta, "event"), counter(sb.meta, "event")
        names.cover(u0 + 1, u1, 0, -1)
        draws = [(rv, uid, None, None) for rv, uid in tx.conn.execute(
            "SELECT rv, uid FROM changes WHERE type='ADDED' AND rv > ? AND rv <= ?", (sa.revision, sb.revision))]
        self.new: dict = {}  # the events first written in the minute, but the groups': key -> row
        self.groups: dict = {}  # aggregator key -> (revision offset, event key, row, decoded body)
        for key, row in sb.events.items():
            if key in sa.events:
                continue
            b = json.loads(row[3])
            if type(b) is not list or b[0] not in (0, 1) or not (sa.revision < row[1] <= sb.revision):
                raise NotAlike("an event of another shape")
            count = int(key[1].rpartition(".")[2], 16) % EVENT_NAME_COUNTER
            group = None
            if row[0] in lasting_uids:
                if b[14] or b[4] != 1 or b[2] or b[3]:
                    raise NotAlike("an event about an object that lives on, of another shape")
                group = (row[0], b[5], b[6], b[8])
                if group in self.groups:
                    raise NotAlike("two events of one aggregator key in a minute")
                self.groups[group] = (row[1] - self.start, key, row, b)
            else:
                self.new[key] = row
            draws.append((row[1], b[1], count, group))
        draws.sort()
        if len(draws) != u1 - u0 or any(d[1] != names.uid_at(u0 + i + 1) for i, d in enumerate(draws)):
            raise NotAlike("the minute drew uids otherwise")
        counted = [d for d in draws if d[2] is not None]
        if len(counted) != e1 - e0 or any(d[2] != (e0 + i + 1) % EVENT_NAME_COUNTER for i, d in enumerate(counted)):
            raise NotAlike("the minute drew event names otherwise")
        # the draws every minute makes (the runs' objects and events): revision offset, uid, event counter
        self.steady = [(rv - self.start, uid, count) for rv, uid, count, group in draws if group is None]
        self.uid_rank = {uid: r for r, (_o, uid, _c) in enumerate(self.steady)}
        self.count_rank = {c: r for r, c in enumerate(c for _o, _u, c in self.steady if c is not None)}


class _WarmShift(Shift):
    """``Shift`` for minutes whose uid and event counters do not move alike (the CronJobs' events still drawing
    some): a uid or event name the template minute drew is the one of the same rank among the draws of the minute
    n later (``target(n)``); a recent uid from another minute has no place there (NotAlike)."""

    def __init__(self, names, s1, s2, cronjobs, template: _Minute, target, window: int = 0) -> None:
        super().__init__(names, s1, s2, cronjobs, window)
        self.template = template
        self.target = target  # n -> (uid of steady rank r, event counter of steady rank r)

    def _spec(self, text: str):
        r = self.template.uid_rank.get(text)
        if r is not None:
            return ("t", r)
        if text in self.uids:
            return ("x",)
        return super()._spec(text)

    def _moved(self, spec: tuple, n: int) -> str:
        if spec[0] == "t":
            return self.target(n)[0](spec[1])
        if spec[0] == "x":
            raise NotAlike("a uid of another minute")
        return super()._moved(spec, n)

    def uid(self, text: str, n: int) -> str:
        return self.token(text, n)

    def _uid_spec(self, text: str):
        return self._token_spec(text)

    def _count_key(self, count: int) -> int:
        r = self.template.count_rank.get(count)
        if r is None:
            raise NotAlike("an event name of another minute")
        return r

    def _counts(self, n: int):
        return self.target(n)[1]

    def event_name(self, name: str, n: int) -> str:
        head, _, hexed = name.rpartition(".")
        at, count = divmod(int(hexed, 16), EVENT_NAME_COUNTER)
        value = (at + n * MINUTE) * EVENT_NAME_COUNTER + self._counts(n)(self._count_key(count)) % EVENT_NAME_COUNTER
        return f"{self.token(head, n)}.{value:x}"


class _Warm(_Learned):
    """Two minutes alike but for the CronJobs' events that client-go's EventAggregator does not combine yet
    (``AGGREGATE_MAX_EVENTS`` distinct messages of one object, type, reason and source within 10 minutes: each of
    the first nine is an event of its own, the tenth creates the "(combined from similar events)" event, every
    later one is a write of that event). Such an event draws a uid and an event name where the same write in a
    later minute draws none, so the counters do not move alike: the minutes are compared draw by draw (``_Minute``:
    the runs' draws at the same revision offsets, the aggregator's writes at theirs), and the jump counts each
    minute's draws as the aggregator makes them (``AGGREGATE_MAX_EVENTS`` minus the distinct messages a key has
    so far), creates each key's combined event at the minute of its tenth message (its name, uid and time from
    that minute's draws), and writes the events of the skipped minutes from the learned minute's runs' draws.
    Learned from a CronJob's fifth minute (its first two that delete a Job: ``_as_if_alike_before``) instead of its
    sixteenth."""

    def __init__(self, tx, names: Names, s0: State, s1: State, s2: State, ttl: int, window: int = 0) -> None:
        from minikctl.store.events import AGGREGATE_INTERVAL_MS, AGGREGATE_MAX_EVENTS

        if not (s1.now - s0.now == s2.now - s1.now == MINUTE):
            raise NotAlike("not two minutes")
        if set(s0.meta) != set(s1.meta) or set(s1.meta) != set(s2.meta):
            raise NotAlike("meta keys changed")
        for key, v2 in s2.meta.items():
            if key not in ("counter:uid", "counter:event") and (v2 != s1.meta[key] or v2 != s0.meta[key]):
                ahead(s0.meta[key], s1.meta[key], v2, 1, None)
        self.s2 = s2
        self.ttl = ttl
        self._before = (s0, s1)
        _runs_steady(s0, s1, s2)
        self.stale = sorted(s2.runs())
        stale = set(self.stale)
        lasting = set(s2.objects) - stale
        real_s0 = s0
        if FIRST_DELETING:
            s0 = _as_if_alike_before(s0, s1, s2, lasting)
        _revisions_alike(s0, s1, s2, lasting)
        lasting_keys = {_uid(s2.objects[k]): k for k in lasting}
        lasting_uids = set(lasting_keys)
        m1 = _Minute(tx, names, s0, s1, lasting_uids)
        m2 = _Minute(tx, names, s1, s2, lasting_uids)
        if [(o, c is None) for o, _u, c in m1.steady] != [(o, c is None) for o, _u, c in m2.steady]:
            raise NotAlike("the minutes' runs drew otherwise")
        self.m2 = m2
        cronjobs = [k[2] for k in s2.objects if k[0] == "CronJob"]
        cronjob_uids = {_uid(v) for k, v in s2.objects.items() if k[0] == "CronJob"}
        # the minute after s1, as the learned one: what the check renders the first minute's runs' events into
        counted = [c for _o, _u, c in m2.steady if c is not None]
        check = _WarmShift(names, s1, s2, cronjobs, m1,
                           lambda n: ((lambda r: m2.steady[r][1]), (lambda r: counted[r])), window)
        self._changes_warm(tx, s0, s1, s2, check, m1, m2)
        self.check = check  # a minute from s1's runs to s2's (engine/crontail.py)
        if dict(check.new_event(k, v, 1) for k, v in m1.new.items()) != m2.new:
            raise NotAlike("the minutes' new events differ")
        # the aggregator's keys: every one writes once a minute at the same revision offset
        combined = {}  # key -> (event key, row) of its combined event
        plain: dict = {}  # key -> the messages and times of its events of their own
        for key, row in s2.events.items():
            if row[0] in lasting_uids:
                b = json.loads(row[3])
                if type(b) is not list or b[14]:
                    raise NotAlike("an event about an object that lives on, of another shape")
                group = (row[0], b[5], b[6], b[8])
                if b[0]:
                    if group in combined:
                        raise NotAlike("two combined events of one key")
                    combined[group] = (key, row)
                else:
                    plain.setdefault(group, []).append((b[7], row[2]))
        offsets = {}
        for group, (key, row) in combined.items():
            if not (s1.revision < row[1] <= s2.revision):
                raise NotAlike("a combined event not written in the minute")
            offsets[group] = row[1] - s1.revision
        for group, (offset, _key, _row, b) in m2.groups.items():
            if offsets.get(group, offset) != offset or (b[0] == 1) != (group in combined):
                raise NotAlike("an aggregator key written otherwise")
            offsets[group] = offset
        for group, (offset, _key, _row, _b) in m1.groups.items():
            if offsets.get(group) != offset:
                raise NotAlike("an aggregator key written otherwise")
        for group, offset in offsets.items():  # and each wrote in the first minute as in the second
            if group in m1.groups:
                continue
            key = combined[group][0] if group in combined else None
            if key is None or key not in s1.events or s1.events[key][1] - s0.revision != offset:
                raise NotAlike("an aggregator key written otherwise")
        self.warming = {}  # key -> (distinct messages so far, revision offset, the learned minute's event)
        for group, offset in offsets.items():
            if group in combined:
                continue
            # one event of its own a minute, each with a message of its own (a Job's name), all within the
            # aggregator's interval and the event TTL: the aggregator counts them all
            if group not in m2.groups or group not in m1.groups or group[0] not in cronjob_uids:
                raise NotAlike("an aggregator key written otherwise")
            mine = plain.get(group, [])
            times = sorted(t for _m, t in mine)
            k = len({m for m, _t in mine})
            if not mine or k != len(mine) or k >= AGGREGATE_MAX_EVENTS or ttl < AGGREGATE_INTERVAL_MS + 2 * MINUTE \
                    or any(b - a > 2 * MINUTE for a, b in zip(times, times[1:])) or s2.now - times[-1] > MINUTE \
                    or times[0] + ttl <= s2.now + (AGGREGATE_MAX_EVENTS - k + 1) * MINUTE:
                raise NotAlike("an aggregator key's events otherwise")
            o1, key1, row1, b1 = m1.groups[group]
            _o2, key2, row2, b2 = m2.groups[group]
            at1 = int(key1[1].rpartition(".")[2], 16) // EVENT_NAME_COUNTER
            at2 = int(key2[1].rpartition(".")[2], 16) // EVENT_NAME_COUNTER
            if b1[0] or b2[0] or b2[7] == b1[7] or check.text(b1[7], 1) != b2[7] or at2 != at1 + MINUTE \
                    or row2[2] != row1[2] + MINUTE \
                    or not _involved_alike(int(b1[13]), int(b2[13]), lasting_keys.get(group[0]), real_s0, s1, s2) \
                    or b1[5:7] + b1[8:13] + b1[14:] != b2[5:7] + b2[8:13] + b2[14:]:
                raise NotAlike("an aggregator key written otherwise")
            self.warming[group] = (k, offset, m2.groups[group])
        self.limit = AGGREGATE_MAX_EVENTS
        # the combined events created in the learned minutes move as the older ones do, written once a minute
        fresh = {v[0] for g, v in combined.items() if v[0] not in s0.events}
        self.fresh = {k: s2.events[k] for k in fresh}
        # the runs, the objects and records that live on, the older combined events: as _Learned
        self.shift = _WarmShift(names, s1, s2, cronjobs, m2, self._target, window)
        pods = self._runs_and_lasting(s0, s1, s2, lasting)
        self.events = self._lasting(s0.events, s1.events, s2.events)
        for key, vs in self.events.items():
            if vs[2][0] not in lasting_uids or json.loads(vs[2][3])[0] != 1:
                raise NotAlike(f"an event written again that is not a combined one: {key}")
        for state, before in ((s1, s0), (s2, s1)):
            for key, row in before.events.items():
                if key not in state.events and row[2] > state.now - ttl:
                    raise NotAlike("an event deleted before its time")
        self.new = m2.new
        self._streams(s0, s1, s2, pods)
        self._bases = [(counter(s2.meta, "uid"), counter(s2.meta, "event"))]
        self._targets: dict = {}

    def _changes_warm(self, tx, s0, s1, s2, check: _WarmShift, m1: _Minute, m2: _Minute) -> None:
        def rows(lo: int, hi: int) -> list:
            return list(tx.conn.execute("SELECT rv, type, kind, namespace, name, uid FROM changes "
                                        "WHERE rv > ? AND rv <= ? ORDER BY rv", (lo, hi)))

        first, second = rows(s0.revision, s1.revision), rows(s1.revision, s2.revision)
        dr = s2.revision - s1.revision
        if len(first) != len(second) or dr != s1.revision - s0.revision:
            raise NotAlike("the minutes' changes differ")
        for (rv, t, k, ns, name, uid), b in zip(first, second):
            if (rv + dr, t, k, ns, check.token(name, 1)) != b[:5] \
                    and not ((rv + dr, t, k, ns) == b[:4] and _run_pod_deleted(check, s0, s1, t, k, ns, name, b[4])):
                raise NotAlike("the minutes' changes differ")
            r = m1.uid_rank.get(uid)
            if r is not None:
                if m2.steady[r][1] != b[5]:
                    raise NotAlike("the minutes' changes differ")
            elif uid != b[5] and (t != "DELETED" or _uid(s0.objects.get((k, ns, name))) != uid
                                  or _uid(s1.objects.get((k, ns, b[4]))) != b[5]):
                raise NotAlike("the minutes' changes differ")

    # ---- the skipped minutes' draws --------------------------------------------------------------------------
    def _drawing(self, j: int) -> list:
        """The revision offsets of the aggregator's writes that draw in the j-th minute after s2."""
        return sorted(offset for k, offset, _e in self.warming.values() if k + j <= self.limit)

    def _base(self, j: int) -> tuple:
        """The uid and event counters at the start of the j-th minute after s2 (j >= 1)."""
        bases = self._bases
        steady_u = len(self.m2.steady)
        steady_e = len(self.m2.count_rank)
        while len(bases) < j:
            u, e = bases[-1]
            extra = len(self._drawing(len(bases)))
            if not extra and len(bases) > 1:  # no more draws of the aggregator: the rest is arithmetic
                k = len(bases) - 1
                u1, e1 = bases[k]
                return (u1 + (j - 1 - k) * steady_u, e1 + (j - 1 - k) * steady_e)
            bases.append((u + steady_u + extra, e + steady_e + extra))
        return bases[j - 1]

    def _target(self, n: int):
        """The j-th minute's draws of the runs, by rank: only for a minute the aggregator draws nothing in."""
        found = self._targets.get(n)
        if found is None:
            if self._drawing(n):
                raise NotAlike("a skipped minute's events while the aggregator still draws")
            u, e = self._base(n)
            names = self.shift.names
            found = self._targets[n] = ((lambda r: names.uid_at(u + r + 1)), (lambda r: e + r + 1))
        return found

    def _meta_at(self, key: str, n: int) -> str:
        if key == "counter:uid":
            return str(self._base(n + 1)[0])
        if key == "counter:event":
            return str(self._base(n + 1)[1])
        return super()._meta_at(key, n)

    def jump(self, tx, n: int) -> None:
        floor = self.s2.now + n * MINUTE - self.ttl
        dr = self.shift.dr
        names = self.shift.names
        tx.flush()
        rows = []  # written before the TTL's deletion (``_Learned.jump``) sees their learned times
        for (ns, name), (uid, rv, last, body) in self.fresh.items():
            b = json.loads(body)
            b[2] += n * MINUTE // 1000
            b[4] += n
            b[7] = self.shift.text(b[7], n)
            rows.append((rv + n * dr, last + n * MINUTE, dumps(b), ns, name))
        tx.conn.executemany("UPDATE events SET rv=?, last_ms=?, body=? WHERE namespace=? AND name=?", rows)
        super().jump(tx, n)
        steady = [o for o, _u, _c in self.m2.steady]
        steady_counted = [o for o, _u, c in self.m2.steady if c is not None]
        new = []
        for group, (k, offset, (_o, key, row, b)) in self.warming.items():
            j = self.limit - k  # the minute of its tenth distinct message: the combined event is created
            if j < 1 or j > n:
                raise NotAlike("a key combined outside the jump")
            _iuid, rv, last, _body = row
            if last + (j - 1) * MINUTE > floor:
                raise NotAlike("an event of its own of a skipped minute within the TTL")
            drawing = self._drawing(j)
            u, e = self._base(j)
            # the draws before the key's write (the lists are in revision order: ``_Minute``, ``_drawing``)
            before = bisect_left(drawing, offset)
            rank = bisect_left(steady, offset) + before
            count = bisect_left(steady_counted, offset) + before
            head, _, hexed = key[1].rpartition(".")
            at = int(hexed, 16) // EVENT_NAME_COUNTER + j * MINUTE  # the recorder's instant, not its second
            c = b.copy()
            c[0] = 1
            c[1] = names.uid_at(u + rank + 1)
            c[2] = (n - j) * MINUTE // 1000
            c[4] = n - j + 1
            c[7] = "(combined from similar events): " + self.shift.text(b[7], n)
            c[13] = str(int(b[13]) + j * dr)
            event = f"{head}.{at * EVENT_NAME_COUNTER + (e + count + 1) % EVENT_NAME_COUNTER:x}"
            new.append((key[0], event, row[0], rv + n * dr, last + n * MINUTE, dumps(c)))
        tx.conn.executemany("INSERT INTO events (namespace, name, involved_uid, rv, last_ms, body) "
                            "VALUES (?, ?, ?, ?, ?, ?)", new)


def eligible(cluster, to_ms: int) -> bool:
    """Whether a run to ``to_ms`` may skip CronJob minutes: long enough, nobody watching, not turned off."""
    tx = cluster.tx
    ttl = tx.event_ttl_ms()
    if ttl <= 0 or to_ms - tx.now_ms < ttl + 20 * MINUTE:
        return False
    if not unwatched(cluster):
        return False
    return cronjob_timer(tx)


def unwatched(cluster) -> bool:
    """Nothing in this process watches (a tap: ``get -w``, ``wait``; events watched; the API server's journal) and
    the fast paths are not turned off (store meta ``engine:profile`` ``{"ffwd": false}``): a skip may leave out the
    changes it jumps over. Shared with the skip over repeating minutes (engine/flapskip.py)."""
    tx = cluster.tx
    if cluster._taps or tx.watch_events or tx.journal is not None:
        return False
    raw = tx.meta("engine:profile")
    if raw:
        try:
            if json.loads(raw).get("ffwd") is False:
                return False
        except (ValueError, AttributeError):
            return False
    return True


def cronjob_timer(tx) -> bool:
    """Some CronJob waits for its next scheduled time."""
    return tx.conn.execute("SELECT 1 FROM runtime WHERE kind='CronJob' AND wake_ms IS NOT NULL LIMIT 1").fetchone() \
        is not None


LEARN_MINUTES = 20  # minutes stepped at most looking for two alike (a CronJob's events combine from the tenth on), or
# the largest history limit plus 8 (``_history_limit``)


def _history_limit(tx) -> int:
    """The most Jobs a CronJob keeps: the largest successfulJobsHistoryLimit or failedJobsHistoryLimit (defaults
    3 and 1: pkg/apis/batch/v1/defaults.go SetDefaults_CronJob). Its Jobs are that many minutes old at most, and
    its minutes are alike from the limit's third minute after its first run on (``_runs_steady``): the skip
    learns that long, and reads the names of runs that old (``Shift.WINDOW``)."""
    tx.flush_objects()
    row = tx.conn.execute(
        "SELECT max(coalesce(json_extract(body, '$.spec.successfulJobsHistoryLimit'), 3)), "
        "max(coalesce(json_extract(body, '$.spec.failedJobsHistoryLimit'), 1)) FROM objects WHERE kind='CronJob'"
    ).fetchone()
    return max((v for v in row if type(v) is int), default=3)


def skip(cluster, to_ms: int, give_way: "Callable[[], bool] | None" = None) -> None:
    """Step minute by minute until two minutes are alike, then jump as far as the advance allows and step until
    the stale runs are gone (see the module's docstring); the caller steps the rest to ``to_ms``. ``give_way()``
    true ends the learning early (the minutes stepped so far are kept): a command that another one waits for
    commits instead of learning on."""
    tx = cluster.tx
    ttl = tx.event_ttl_ms()
    cluster.loop.run(-(-tx.now_ms // MINUTE) * MINUTE)
    states = [_CronState(tx)]
    names = Names(tx)
    tail = crontail.enabled(tx)
    states[0].records = crontail.Records(tx) if tail else None
    limit = _history_limit(tx)
    window = limit + 4  # the oldest Job kept, the one deleted in the minute, a minute's margin each way
    for _ in range(max(LEARN_MINUTES, limit + 8)):
        if to_ms - tx.now_ms < ttl + 20 * MINUTE or (give_way is not None and give_way()):
            return
        cluster.loop.run(tx.now_ms + MINUTE)
        states = states[-2:] + [_CronState(tx, states[-1])]
        states[-1].records = crontail.Records(tx) if tail else None
        if len(states) < 3:
            continue
        try:
            learned = _Learned(tx, names, *states, ttl, window)
        except UNLIKE:  # a shape the skip does not know (an event named otherwise, a body of another form): stepped
            try:
                learned = _Warm(tx, names, *states, ttl, window)
            except UNLIKE:
                continue
        k = _tail_minutes(learned)
        n = (to_ms - tx.now_ms) // MINUTE - k
        if n * MINUTE >= ttl + MINUTE:  # the learned minutes' own events are past the TTL at the jump's end
            # the jump writes the runs the stale ones' minutes would leave (engine/crontail.py), or it is undone
            # and those minutes are stepped
            runs = _tail(tx, learned, states, n + k) if tail else None
            done = runs is not None and _jump(cluster, learned, n + k, to_ms, runs)
            if not done and not _jump(cluster, learned, n, to_ms) and isinstance(learned, _Warm):
                continue  # learned from the aggregator's minutes and undone: learn on
        return


def _owner(state: _CronState, key: tuple) -> str:
    """The name of a run's controller (a Job's CronJob, a pod's Job)."""
    return _controller_ref(state.objects[key][1], state._refs).get("name")


def _tail(tx, learned: _Learned, states: list, n: int) -> "tuple | None":
    """The runs the CronJobs keep n minutes after the last learned boundary, as the jump writes them
    (engine/crontail.py): (the ``Tail``, its runs), or None when they are not derived from the learned runs (the
    stale runs' minutes are then stepped)."""
    s1, s2 = states[1], states[2]
    try:
        tail = crontail.Tail(tx, learned, s1, s2, s1.records, s2.records, _owner)
        return tail, tail.build(n)
    except UNLIKE:
        return None


def _tail_minutes(learned: _Learned) -> int:
    """The minutes after the jump in which the CronJobs' history limits delete the stale Jobs: as many as the most
    Jobs a CronJob controls (``_jump``; the stale Jobs are the runs' Jobs of the last learned state)."""
    return max(learned.s2.jobs_per_cronjob().values(), default=0)


def _rename_stale(tx, learned: _Learned, n: int, since: int) -> None:
    """The events written since the jump that name a stale run, as they name the run it stands for.

    The history limits' deletions of the stale Jobs write the CronJobs' combined ``SuccessfulDelete`` events
    (client-go's EventAggregator: "(combined from similar events): Deleted job <name>", the latest message), and
    the name there is the stale Job's, a learned minute's, where stepping deleted the Job of the minute n later.
    Everything else of those deletions is the name's to no one: the revisions, the counts and times, the
    aggregator's record (once a group's combined event exists every later event is combined, whatever its
    message). So the messages are written as the n-th minute after would have, instead of stepping a minute
    more for the next deletions to write them again."""
    tx.flush()
    shift = learned.shift
    rows = []
    for ns, name, body in tx.conn.execute("SELECT namespace, name, body FROM events WHERE last_ms > ?", (since,)):
        b = json.loads(body)
        if type(b) is not list:
            continue
        message = shift.text(b[7], n)
        if message != b[7]:
            b[7] = message
            rows.append((dumps(b), ns, name))
    tx.conn.executemany("UPDATE events SET body=? WHERE namespace=? AND name=?", rows)


class _Undo(Exception):
    pass


def _jump(cluster, learned: _Learned, n: int, to_ms: int, runs: "tuple | None" = None) -> bool:
    """The jump and the stale runs' minutes, in a savepoint: False (undone) when the stale runs are not gone.
    ``runs``: the runs the stale ones' minutes leave (``_tail``), written by the jump instead of stepping them."""
    tx = cluster.tx
    start = tx.now_ms
    try:
        with tx.savepoint():
            cluster.drop_loop()  # the components' caches hold the learned minutes
            if runs is None:
                learned.jump(tx, n)
            else:
                streams = learned.streams
                learned.streams = []  # the stale runs' log streams are removed, not moved
                try:
                    learned.jump(tx, n)
                finally:
                    learned.streams = streams
            tx.set_now(start + n * MINUTE)
            if runs is not None:
                runs[0].write(tx, runs[1])
            else:
                while any(tx.exists(*key) for key in learned.stale):
                    if tx.now_ms + MINUTE > to_ms:
                        raise _Undo
                    cluster.loop.run(tx.now_ms + MINUTE)
                    tx.flush()
                _rename_stale(tx, learned, n, start + n * MINUTE)
            # the stale runs' deletions are in the change log: compacted up to here (the module's docstring)
            tx.compact_changes(keep=0)
    except (_Undo, *UNLIKE):
        cluster.drop_loop()
        return False
    return True

"""The runs the CronJobs' history limits keep at the end of a skip, written by the jump (engine/cronskip.py).

After the skip moves the store N minutes on, the Jobs and pods of the last learned runs (stale: named after the
minutes they ran) used to stay and be deleted by the history limits in the next minutes, stepped (as many minutes
as the most Jobs a CronJob keeps). Those minutes end with each CronJob keeping the runs of its last minutes, and
each of those is the newest learned run of that CronJob *shifted*: the run of the minute ``i`` minutes later is
the learned run with every value that differs between two consecutive runs of one CronJob moved ``i`` minutes on.
So the jump goes as far as stepping those minutes would and writes that end state itself (``Tail``): the stale
runs' objects, runtime records, log streams, logs and history entries are removed, the shifted runs' written
(with no change of their own: the change log is compacted up to there as before), the events of those minutes
written as every skipped minute's are (``_Learned.jump``).

How each value moves is learned from the CronJob's newest runs at the last two learned boundaries (``R1``, one
minute older, and ``R2``), value by value (``_moves``): what is equal stays; a number or a string of digits that
moved by the minute's revisions, its milliseconds, or the log stream ids a minute takes moves by as much a
minute; an RFC 3339 time or a ``date`` output line that moved by a minute moves a minute a minute; a text moves
when the one-minute shift of R1's text is R2's (``Text``: uids, Job names and pod names as ``alike.Shift`` moves
them, a generateName, a ServiceAccount token volume's name (``kube-api-access-`` and a name suffix of the suffix
counter), a container ID (``digest("container", pod uid, name, attempt)``, engine/kubelet/worker.py: the
store's digest of the moved uid), a container spec's hash (the kubelet's ``spec_hash`` of the moved pod's
container), a pod IP (the node's allocation counter, engine/nodes.py ``next_pod_ip``, moved by the pods the node
gets a minute)). A dict's key moves as a text does. Anything else (a value that changed in some other way, a Job
with other than one pod, an older run that changed between the boundaries, a CronJob whose newest run is not
the last learned minute's: a suspended one's) and the tail is not built: the jump stops where it did and the
stale runs' minutes are stepped, as before.

Off with ``engine:profile`` ``{"crontail": false}`` or ``MINIKCTL_NO_CRON_TAIL=1`` (tests/unit/test_cronjob_skip.py
compares the stores both ways, and with stepping).
"""

from __future__ import annotations

import calendar
import json
import os
import re

from minikctl.engine.alike import MINUTE, TOKEN, NotAlike, dumps, split_tokens, strict_json
from minikctl.kube.timefmt import parse_rfc3339, rfc3339

ENABLED = os.environ.get("MINIKCTL_NO_CRON_TAIL", "") in ("", "0")

_IP = re.compile(r"10\.244\.(\d{1,3})\.(\d{1,3})(?![\d.])")  # a pod IP of a node's CIDR (engine/nodes.py)
_PARTS = re.compile(_IP.pattern + "|" + TOKEN.pattern)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX16 = re.compile(r"[0-9a-f]{16}")
_DATE = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ 123]\d) "
                   r"(\d\d):(\d\d):(\d\d) UTC (\d{4})")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def enabled(tx) -> bool:
    """The tail is built by the jump: not turned off (``MINIKCTL_NO_CRON_TAIL``, ``engine:profile``
    ``{"crontail": false}``)."""
    if not ENABLED:
        return False
    raw = tx.meta("engine:profile")
    if raw:
        try:
            return json.loads(raw).get("crontail") is not False
        except (ValueError, AttributeError):
            return False
    return True


class Records:
    """The log streams, logs and history entries at a minute boundary, by pod (a run's are gone once the history
    limit deletes it, before the tail is built)."""

    def __init__(self, tx) -> None:
        conn = tx.conn
        self.streams: dict = {}
        for row in conn.execute("SELECT id, instance, namespace, pod, next_seq, bytes, last_ms FROM log_streams "
                                "ORDER BY id"):
            self.streams.setdefault((row[2], row[3]), []).append(list(row))
        self.logs: dict = {}
        for row in conn.execute("SELECT stream, ms, seq, n, body FROM logs ORDER BY stream, ms, seq"):
            self.logs.setdefault(row[0], []).append(list(row))
        self.history: dict = {}
        for row in conn.execute("SELECT uid, seq, at_ms, body FROM history ORDER BY uid, seq"):
            self.history.setdefault(row[0], []).append(list(row))


def _date_ms(text: str) -> int | None:
    m = _DATE.fullmatch(text)
    if m is None:
        return None
    s = calendar.timegm((int(m.group(7)), _MONTHS.index(m.group(2)) + 1, int(m.group(3)), int(m.group(4)),
                         int(m.group(5)), int(m.group(6)), 0, 0, 0))
    return s * 1000


def _date(ms: int) -> str:
    from minikctl.engine.behavior.process import _busybox_date  # what a container's ``date`` prints

    return _busybox_date(ms)


class Text:
    """Texts moved n minutes on: ``shift`` (an ``alike.Shift``) for the tokens it knows, and the run's own: a
    generateName, a token volume's name, a container ID, a container spec's hash, a pod IP (the module's
    docstring). ``hashes``: the spec hashes of the pod being written, by container name (``ctx``)."""

    def __init__(self, tx, shift, dip: dict) -> None:
        self.tx = tx
        self.shift = shift
        self.dip = dip  # node index (the IP's third number) -> pod IPs the node hands out a minute
        self.cids: dict = {}  # container ID -> (pod uid, container name, attempt)
        self.hashes: dict = {}  # spec hash -> container name
        self._parts: dict = {}

    def know_pod(self, pod: dict, rt: dict | None) -> None:
        from minikctl.engine.kubelet.worker import spec_hash

        uid = pod["metadata"]["uid"]
        spec = pod.get("spec") or {}
        for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
            self.hashes[spec_hash(c)] = c["name"]
        for name, cr in ((rt or {}).get("containers") or {}).items():
            for attempt in range(int(cr.get("restart_count") or 0) + 1):
                self.cids[self.tx.digest("container", uid, name, attempt)] = (uid, name, attempt)

    def _spec(self, tok: str):
        if tok.startswith("10.244."):
            m = _IP.fullmatch(tok)
            idx, y = int(m.group(1)), int(m.group(2))
            if idx in self.dip and 2 <= y <= 254:
                return ("ip", idx, y)
            return None
        if len(tok) == 64 and tok in self.cids:
            return ("c",) + self.cids[tok]
        if len(tok) == 16 and tok in self.hashes:
            return ("h", self.hashes[tok])
        shift = self.shift
        spec = shift._spec(tok)
        if spec is not None:
            return ("s", spec)
        if tok.endswith("-"):  # a generateName: a Job's name and a dash
            spec = shift._spec(tok[:-1])
            if spec is not None and spec[0] == "j":
                return ("g", spec)
        head, _, last = tok.rpartition("-")
        s = shift.suffixes.get(last)
        if head == "kube-api-access" and s is not None:  # the ServiceAccount admission's token volume
            return ("v", head, s)
        return None

    def _moved(self, spec: tuple, n: int, ctx: dict) -> str:
        kind = spec[0]
        shift = self.shift
        if kind == "s":
            return shift._moved(spec[1], n)
        if kind == "g":
            return shift._moved(spec[1], n) + "-"
        if kind == "v":
            return f"{spec[1]}-{shift.names.suffix_at(spec[2] + n * shift.ds)}"
        if kind == "c":
            return self.tx.digest("container", shift.token(spec[1], n), spec[2], spec[3])
        if kind == "h":
            return ctx[spec[1]]
        idx, y = spec[1], spec[2]
        return f"10.244.{idx}.{2 + (y - 2 + n * self.dip[idx]) % 253}"

    def text(self, text: str, n: int, ctx: dict) -> str:
        parts = self._parts.get(text)
        if parts is None:
            parts = self._parts[text] = split_tokens(text, _PARTS, self._spec)
        if len(parts) == 1:
            return text
        return "".join(p if type(p) is str else self._moved(p, n, ctx) for p in parts)


def _moves(b, c, steps: tuple, check: Text, ctx: dict):
    """How a value of the newest run (``c``) moves, from its value in the run a minute older (``b``): None where
    equal; (dict, [(index, key, key move or None, value move)], whether a key moves), (list, [(index, move)]),
    or a leaf: ("n", per minute) for a number, ("d", per minute) for digits, ("r", ms) for an RFC 3339 time,
    ("date", ms) for a ``date`` line, ("t",) for a text that ``check`` (the one-minute shift of the older run)
    moves. NotAlike otherwise."""
    if b == c:
        return None
    t = type(c)
    if type(b) is not t:
        raise NotAlike("a run's value changed type")
    if t is dict:
        if len(b) != len(c):
            raise NotAlike("a run's keys changed")
        out = []
        keys = False
        for i, ((kb, vb), (kc, vc)) in enumerate(zip(b.items(), c.items())):
            km = None
            if kb != kc:
                if check.text(kb, 1, ctx) != kc:
                    raise NotAlike("a run's key changed")
                km = ("t",)
                keys = True
            m = _moves(vb, vc, steps, check, ctx)
            if km is not None or m is not None:
                out.append((i, kc, km, m))
        return (dict, out, keys)
    if t is list:
        if len(b) != len(c):
            raise NotAlike("a run's list changed length")
        return (list, [(i, m) for i, (x, y) in enumerate(zip(b, c))
                       if (m := _moves(x, y, steps, check, ctx)) is not None])
    if t is int:
        if c - b in steps:
            return ("n", c - b)
        raise NotAlike("a run's number moved otherwise")
    if t is not str:
        raise NotAlike("a run's value changed")
    if b.isdigit() and c.isdigit() and str(int(c)) == c and str(int(b)) == b:
        if int(c) - int(b) in steps:
            return ("d", int(c) - int(b))
        raise NotAlike("a run's number moved otherwise")
    if c[10:11] == "T" and c[4:5] == "-":  # a time has its date first (parse_rfc3339's error is costly to make)
        try:
            tb, tc = parse_rfc3339(b), parse_rfc3339(c)
        except (ValueError, TypeError):
            tb = tc = None
        if tc is not None:
            if tc - tb == MINUTE and rfc3339(tc) == c and rfc3339(tb) == b:
                return ("r", MINUTE)
            raise NotAlike("a run's time moved otherwise")
    db, dc = _date_ms(b), _date_ms(c)
    if db is not None and dc is not None:
        if dc - db == MINUTE and _date(dc) == c and _date(db) == b:
            return ("date", MINUTE)
        raise NotAlike("a run's date line moved otherwise")
    if check.text(b, 1, ctx) == c:
        return ("t",)
    raise NotAlike(f"a run's text changed: {c[:80]!r}")


def _moved(m, c, n: int, text: Text, ctx: dict):
    """``c`` moved n minutes on as ``m`` (``_moves``) says."""
    if m is None:
        return c
    kind = m[0]
    if kind is dict:
        if not m[2]:  # the keys stay
            out = c.copy()
            for _i, k, _km, vm in m[1]:
                out[k] = _moved(vm, c[k], n, text, ctx)
            return out
        items = list(c.items())
        for i, k, km, vm in m[1]:
            if km is not None:
                k = text.text(k, n, ctx)
            items[i] = (k, _moved(vm, items[i][1], n, text, ctx))
        # a dict written in key order (sort_keys) would order the moved keys otherwise
        old = list(c)
        new = [k for k, _v in items]
        if sorted(range(len(old)), key=old.__getitem__) != sorted(range(len(new)), key=new.__getitem__):
            raise NotAlike("a moved key changes the keys' order")
        return dict(items)
    if kind is list:
        out = c.copy()
        for i, sub in m[1]:
            out[i] = _moved(sub, c[i], n, text, ctx)
        return out
    if kind == "n":
        return c + n * m[1]
    if kind == "d":
        return str(int(c) + n * m[1])
    if kind == "r":
        return rfc3339(parse_rfc3339(c) + n * m[1])
    if kind == "date":
        return _date(_date_ms(c) + n * m[1])
    return text.text(c, n, ctx)


class _Run:
    """A CronJob's newest run at a boundary: its Job and pod (rv, decoded body), their runtime records, the pod's
    log streams, logs and history entries."""

    def __init__(self, state, records: Records, job: tuple, pod: tuple) -> None:
        self.job_key, self.pod_key = job, pod
        jrv, jbody = state.objects[job]
        prv, pbody = state.objects[pod]
        self.job = [jrv, strict_json(jbody)]
        self.pod = [prv, strict_json(pbody)]
        rts = []
        for key in (job, pod):
            rt = state.runtime.get(key)
            if rt is not None and rt[0] is not None:
                raise NotAlike("a run's record has a timer")
            rts.append(None if rt is None else strict_json(rt[1]))
        self.job_rt, self.pod_rt = rts
        streams = records.streams.get((pod[1], pod[2]), [])
        self.rest = {"streams": streams, "logs": [records.logs.get(s[0], []) for s in streams],
                     "history": records.history.get(self.pod[1]["metadata"]["uid"], [])}


def _hashes(pod: dict) -> dict:
    from minikctl.engine.kubelet.worker import spec_hash

    spec = pod.get("spec") or {}
    return {c["name"]: spec_hash(c) for c in (spec.get("initContainers") or []) + (spec.get("containers") or [])}


class Tail:
    """The runs each CronJob keeps at the end of a jump of n minutes (its newest learned run moved as the last
    minutes move it), built before the jump (``build``) and written by it (``write``), or NotAlike."""

    def __init__(self, tx, learned, s1, s2, r1: Records, r2: Records, owner_of) -> None:
        self.stale = learned.stale
        # the older runs at s2 sat a minute more since s1 and are the same: a run stays as it finished
        for key in set(s1.runs()) & set(s2.runs()):
            if s1.objects[key] != s2.objects[key] or s1.runtime.get(key) != s2.runtime.get(key):
                raise NotAlike("a finished run changed")
            if key[0] == "Pod":
                if r1.streams.get(key[1:]) != r2.streams.get(key[1:]):
                    raise NotAlike("a finished run's logs changed")
                for s in r2.streams.get(key[1:], []):
                    if r1.logs.get(s[0]) != r2.logs.get(s[0]):
                        raise NotAlike("a finished run's logs changed")
        # the per-minute amounts a number of a run moves by: revisions, milliseconds, log stream ids
        self.steps = {learned.shift.dr, MINUTE, learned.stream_step} - {0}
        dip = {}
        for key, (_wake, body) in s2.runtime.items():
            if key[0] == "Node":
                a, b = json.loads(s1.runtime[key][1]), json.loads(body)
                dip[int(b["index"]) - 1] = int(b.get("last_ip", 0)) - int(a.get("last_ip", 0))
        check = getattr(learned, "check", learned.shift)  # a minute from s1's runs to s2's
        self.check = Text(tx, check, dip)
        self.text = Text(tx, learned.shift, dip)
        newest = {}  # CronJob -> (runs of s1, runs of s2): [(minute, Job key, pod key)]
        self.runs = {}
        for i, state in enumerate((s1, s2)):
            jobs = {}
            pods = {}
            for key in state.runs():
                owner = owner_of(state, key)
                if key[0] == "Job":
                    jobs[key] = owner
                else:
                    job = ("Job", key[1], owner)
                    if job in pods:
                        raise NotAlike("a Job with more than one pod")
                    pods[job] = key
            for job, cronjob in jobs.items():
                pod = pods.get(job)
                if pod is None:
                    raise NotAlike("a Job without a pod")
                minute = int(job[2][len(cronjob) + 1:])
                newest.setdefault((job[1], cronjob), [[], []])[i].append((minute, job, pod))
        count = s2.jobs_per_cronjob()
        for cj, (runs1, runs2) in newest.items():
            if not runs1 or not runs2 or len(runs2) != count.get(cj):
                raise NotAlike("a CronJob without runs at a boundary")
            m1, j1, p1 = max(runs1)
            m2, j2, p2 = max(runs2)
            if m2 != m1 + 1:  # no run in the learned minute (a suspended CronJob's runs stay): none to move on
                raise NotAlike("a CronJob whose newest run is not the learned minute's")
            a, b = _Run(s1, r1, j1, p1), _Run(s2, r2, j2, p2)
            for run in (a, b):
                self.check.know_pod(run.pod[1], run.pod_rt)
                self.text.know_pod(run.pod[1], run.pod_rt)
            self.runs[cj] = (a, b, len(runs2))
        self.moves = {}  # CronJob -> how its Job, pod, their records and the pod's logs and history move
        for cj, (a, b, _k) in self.runs.items():
            ctx = _hashes(b.pod[1])
            self.moves[cj] = tuple(_moves(x, y, self.steps, self.check, ctx) for x, y in (
                (a.job, b.job), (a.pod, b.pod), (a.job_rt, b.job_rt), (a.pod_rt, b.pod_rt), (a.rest, b.rest)))
        self.runs = {cj: (None, b, k) for cj, (_a, b, k) in self.runs.items()}  # the older runs are not read again

    def build(self, n: int) -> tuple:
        """(Once.) The runs kept n minutes after s2, as ``write`` stores them: the objects ((kind, namespace,
        name), uid, rv, text), their runtime records ((kind, namespace, name), text), the log streams', logs'
        and history's rows (texts rather than trees: they are held while the jump writes the events)."""
        objects, records, streams, lines, history = [], [], [], [], []
        text = self.text
        for cj, (_a, b, k) in self.runs.items():
            mj, mp, mjr, mpr, mrest = self.moves[cj]
            for i in range(k):
                at = n - i
                pod = _moved(mp, b.pod, at, text, {})  # a container's spec holds no spec hash
                ctx = _hashes(pod[1])
                job = _moved(mj, b.job, at, text, ctx)
                for (rv, body), rm, rt in ((job, mjr, b.job_rt), (pod, mpr, b.pod_rt)):
                    meta = body["metadata"]
                    key = (body["kind"], meta.get("namespace", ""), meta["name"])
                    objects.append((key, meta["uid"], rv, dumps(body)))
                    if rt is not None:
                        records.append((key, dumps(_moved(rm, rt, at, text, ctx))))
                rest = _moved(mrest, b.rest, at, text, ctx)
                streams += [tuple(s) for s in rest["streams"]]
                for rows in rest["logs"]:
                    lines += [tuple(r) for r in rows]
                history += [tuple(h) for h in rest["history"]]
        self.runs = self.moves = self.check = self.text = None  # built once: the trees are not held through the jump
        return objects, records, streams, lines, history

    def write(self, tx, runs: tuple) -> None:
        """Remove the stale runs and write ``runs`` (``build``), with no change of their own."""
        from minikctl.store import logs as store_logs

        conn = tx.conn
        tx.flush()
        for kind, ns, name in self.stale:
            tx.drop(kind, ns, name)
            tx.delete_runtime(kind, ns, name)
            if kind == "Pod":
                store_logs.drop_pod(tx, ns, name)
        objects, records, streams, lines, history = runs
        for key, uid, rv, body in objects:
            tx.place(*key, uid, rv, body)
        for key, body in records:
            tx.put_runtime(*key, None, None, body=body)
        conn.executemany("INSERT INTO log_streams (id, instance, namespace, pod, next_seq, bytes, last_ms) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", streams)
        conn.executemany("INSERT INTO logs (stream, ms, seq, n, body) VALUES (?, ?, ?, ?, ?)", lines)
        conn.executemany("INSERT INTO history (uid, seq, at_ms, body) VALUES (?, ?, ?, ?)", history)
        tx.history_moved()

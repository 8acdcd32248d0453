"""The kubelet's runtime record of a pod: typed records, kept in the store's ``runtime`` table as JSON.

One ``PodRecord`` per pod (runtime row kind ``Pod``) holds everything the simulated kubelet knows of the pod
that the API does not show: its pod worker's private timer queue, each container's instances (the running one
and the one before), back-off entries, probe workers, kills in progress. ``worker.PodWorker`` reads and writes
it; status is regenerated from it after each instant.

The JSON keys are the attribute names below. Times are virtual milliseconds since the Unix epoch (suffix ``_at``
or ``last_update``); ``?`` marks a value that may be null: the JSON then leaves the key out, as it does an empty
``probes`` or ``image_backoff`` map (every record is read and written at each wake-up of its pod: the smaller,
the faster). Plain classes with ``__slots__``: importing ``dataclasses`` would cost every command its ``inspect``
import; records are built without ``__init__`` when read, a call costing more than the assignments.

PodRecord
  version             2 (records of version 1, with one-letter keys, are read too: ``from_json``)
  uid                 the pod's UID: a record left by an older pod of the same name is not this pod's
  node                the node the kubelet runs it on; host_ip, pod_ip its addresses (null until admitted)
  started_at?         when the kubelet admitted it (``status.startTime``)
  requests?           what it holds on the node ({resource: quantity string}, the scheduler's accounting)
  released            its requests were given back to the node (terminal or gone)
  timers              [Timer]: the pod worker's queue; the store's wake-up of the row is the earliest
  timer_seq           the last ``Timer.seq`` handed out
  filesystem?         the pod's virtual filesystem (``behavior.vfs.PodFS.to_dict()``, the behavior package's)
  containers          {name: ContainerRecord}, init containers then regular ones, in spec order
  image_backoff       {image reference: BackOff}: image pull back-off (key ``<podUID>_<image>`` in the kubelet)
  termination?        Termination: a graceful deletion under way
  deadline_exceeded   ``activeDeadlineSeconds`` has passed
  killing             KillPod: nothing is left to run (or a failed init container under ``Never``)
  stopped             every container has stopped after a kill, a deletion or the deadline
  gone_at?            when the kubelet finished with the deleted pod (its API object is removed then)
  cycle?              CrashLoopCycle: the crash-loop fast-forward's mark at the last back-off decision
  event_log?          [EventNote] recorded since that mark (null: not recording, or too many to repeat)

ContainerRecord (one per container of the spec)
  kind                "init", "sidecar" (a restartable init container), "app" or "ephemeral" (started once, never
                      restarted, never ready)
  spec_hash           hash of the container's spec: a change restarts it and starts a fresh back-off history
  restart_count
  current?            InstanceRecord: the latest instance (running or exited)
  previous?           InstanceRecord: the one before it (``lastState``, ``logs -p``)
  waiting?            Waiting: why it is not running (CrashLoopBackOff, ErrImagePull, ...)
  back_off?           BackOff: the crash-loop back-off entry (``doBackOff``; key = pod, container, spec hash)
  back_off_exit_at?   the exit the last back-off decision was about (one ``BackOff`` event per exit)
  back_off_events?    BackOffEvents: the 10 s re-syncs of the current wait, counted lazily
  pull?               ImagePull under way (the pull blocks the pod worker: a spec change waits for it)
  initialized         an init container that completed (never run again in this sandbox)

InstanceRecord (one container instance = one container ID)
  id                  container ID (64 hex digits); attempt: restart_count when it was created
  started_at?         null for a StartError; finished_at? null while it runs
  exit_code?, reason, message      its termination (``state.terminated``)
  seen_at?            when the kubelet notices the exit (PLEG relist; at once for its own kills)
  process?            the interpreted process (``behavior.process``), null once it exited
  logs?               [[ms, line]]: lines a store made before the log table kept here; the worker moves them to
                      the table (``store/logs.py``, keyed by the instance's id) when it next loads the record
  started, ready      as in the container status
  probes              {"startupProbe" | "livenessProbe" | "readinessProbe": ProbeWorker}
  kill?               Kill under way
  image, image_id     what the status reports (``image``, ``imageID``)
  spec_hash?          hash of the container spec it was created from (the runtime's hash label): when the spec's
                      hash differs, the kubelet restarts it (``containerChanged``)
  poststart_error?    its postStart hook failed with this message, recorded when the hook returns
  assumptions         what the simulator assumed about it (describe's ``Simulated:`` line), once exited

Timer      at, rank (1 process, 2 probe, 3 kubelet: the order within an instant), seq (then creation order),
           kind ("sync" | "proc" | "probe" | "poststart": a postStart hook returns), container?, instance? (its id),
           probe? (the probe field)
BackOff    seconds (the current delay), last_update (client-go ``flowcontrol.Backoff`` entry)
BackOffEvents  counted_to (last re-sync counted), wait_end (when the wait ends), first (the decision)
ImagePull  image (the reference being pulled), spec_hash (of the spec the pull started from), done_at, succeeds,
           duration_ms
Kill       term_at (SIGTERM, after a preStop hook), kill_at (SIGKILL, end of the grace period), restart (the
           kubelet restarts it: liveness, startup, spec change), term_sent, prestop_fails (null, or when the preStop
           hook's failure is recorded: "when_done" at term_at, "when_stopped" when the container stops)
ProbeWorker  successes, failures (consecutive), result? (null before the first verdict), base (the first probe
           instant: started_at + initialDelaySeconds), period_ms, dormant (steady success: asleep until something
           changes in the pod), next_at
Termination  requested_at, deadline (the deletionTimestamp), grace_s
Waiting    reason, message
CrashLoopCycle  signature (hash of the record seen from the decision), anchor (the exit decided on),
           restart_counts ({container: restart_count} then)
EventNote  type, reason, message, field_path, at
"""

from __future__ import annotations

VERSION = 2
_new = object.__new__


class Timer:
    __slots__ = ("at", "rank", "seq", "kind", "container", "instance", "probe")

    def __init__(self, at: int, rank: int, seq: int, kind: str, container: str | None = None,
                 instance: str | None = None, probe: str | None = None) -> None:
        self.at = at
        self.rank = rank
        self.seq = seq
        self.kind = kind
        self.container = container
        self.instance = instance
        self.probe = probe

    def to_json(self) -> dict:
        d = {"at": self.at, "rank": self.rank, "seq": self.seq, "kind": self.kind}
        if self.container is not None:
            d["container"] = self.container
        if self.instance is not None:
            d["instance"] = self.instance
        if self.probe is not None:
            d["probe"] = self.probe
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Timer":
        t = _new(cls)  # without __init__: records are read often, a call costs more than the assignments
        t.at = d["at"]
        t.rank = d["rank"]
        t.seq = d["seq"]
        t.kind = d["kind"]
        get = d.get
        t.container = get("container")
        t.instance = get("instance")
        t.probe = get("probe")
        return t


class BackOff:
    __slots__ = ("seconds", "last_update")

    def __init__(self, seconds: int, last_update: int) -> None:
        self.seconds = seconds
        self.last_update = last_update

    def to_json(self) -> dict:
        return {"seconds": self.seconds, "last_update": self.last_update}

    @classmethod
    def from_json(cls, d: dict | None) -> "BackOff | None":
        return None if d is None else cls(d["seconds"], d["last_update"])


class BackOffEvents:
    __slots__ = ("counted_to", "wait_end", "first")

    def __init__(self, counted_to: int, wait_end: int, first: int) -> None:
        self.counted_to = counted_to
        self.wait_end = wait_end
        self.first = first

    def to_json(self) -> dict:
        return {"counted_to": self.counted_to, "wait_end": self.wait_end, "first": self.first}

    @classmethod
    def from_json(cls, d: dict | None) -> "BackOffEvents | None":
        return None if d is None else cls(d["counted_to"], d["wait_end"], d["first"])

    def shift(self, f) -> None:
        self.counted_to, self.wait_end, self.first = f(self.counted_to), f(self.wait_end), f(self.first)


class ImagePull:
    __slots__ = ("image", "spec_hash", "done_at", "succeeds", "duration_ms")

    def __init__(self, image: str | None, spec_hash: str | None, done_at: int, succeeds: bool,
                 duration_ms: int) -> None:
        self.image = image
        self.spec_hash = spec_hash
        self.done_at = done_at
        self.succeeds = succeeds
        self.duration_ms = duration_ms

    def to_json(self) -> dict:
        d = {"done_at": self.done_at, "succeeds": self.succeeds, "duration_ms": self.duration_ms}
        if self.image is not None:
            d["image"] = self.image
        if self.spec_hash is not None:
            d["spec_hash"] = self.spec_hash
        return d

    @classmethod
    def from_json(cls, d: dict | None) -> "ImagePull | None":
        if d is None:
            return None
        return cls(d.get("image"), d.get("spec_hash"), d["done_at"], d["succeeds"], d["duration_ms"])


class Kill:
    __slots__ = ("term_at", "kill_at", "restart", "term_sent", "prestop_fails")

    def __init__(self, term_at: int, kill_at: int, restart: bool, term_sent: bool = False,
                 prestop_fails: str | None = None) -> None:
        self.term_at = term_at
        self.kill_at = kill_at
        self.restart = restart
        self.term_sent = term_sent
        self.prestop_fails = prestop_fails

    def to_json(self) -> dict:
        d = {"term_at": self.term_at, "kill_at": self.kill_at, "restart": self.restart, "term_sent": self.term_sent}
        if self.prestop_fails is not None:
            d["prestop_fails"] = self.prestop_fails
        return d

    @classmethod
    def from_json(cls, d: dict | None) -> "Kill | None":
        if d is None:
            return None
        return cls(d["term_at"], d["kill_at"], d["restart"], d["term_sent"], d.get("prestop_fails"))


class ProbeWorker:
    __slots__ = ("successes", "failures", "result", "base", "period_ms", "dormant", "next_at")

    def __init__(self, result: bool | None, base: int, period_ms: int, next_at: int) -> None:
        self.successes = 0
        self.failures = 0
        self.result = result
        self.base = base
        self.period_ms = period_ms
        self.dormant = False
        self.next_at = next_at

    def to_json(self) -> dict:
        d = {"successes": self.successes, "failures": self.failures, "base": self.base, "period_ms": self.period_ms,
             "dormant": self.dormant, "next_at": self.next_at}
        if self.result is not None:
            d["result"] = self.result
        return d

    @classmethod
    def from_json(cls, d: dict) -> "ProbeWorker":
        w = _new(cls)
        w.successes = d["successes"]
        w.failures = d["failures"]
        w.result = d.get("result")
        w.base = d["base"]
        w.period_ms = d["period_ms"]
        w.dormant = d["dormant"]
        w.next_at = d["next_at"]
        return w


class Termination:
    __slots__ = ("requested_at", "deadline", "grace_s")

    def __init__(self, requested_at: int, deadline: int, grace_s: int) -> None:
        self.requested_at = requested_at
        self.deadline = deadline
        self.grace_s = grace_s

    def to_json(self) -> dict:
        return {"requested_at": self.requested_at, "deadline": self.deadline, "grace_s": self.grace_s}

    @classmethod
    def from_json(cls, d: dict | None) -> "Termination | None":
        return None if d is None else cls(d["requested_at"], d["deadline"], d["grace_s"])


class Waiting:
    __slots__ = ("reason", "message")

    def __init__(self, reason: str, message: str = "") -> None:
        self.reason = reason
        self.message = message

    def to_json(self) -> dict:
        return {"reason": self.reason, "message": self.message}

    @classmethod
    def from_json(cls, d: dict | None) -> "Waiting | None":
        return None if d is None else cls(d["reason"], d["message"])


class CrashLoopCycle:
    __slots__ = ("signature", "anchor", "restart_counts")

    def __init__(self, signature: str, anchor: int, restart_counts: dict[str, int]) -> None:
        self.signature = signature
        self.anchor = anchor
        self.restart_counts = restart_counts

    def to_json(self) -> dict:
        return {"signature": self.signature, "anchor": self.anchor, "restart_counts": self.restart_counts}

    @classmethod
    def from_json(cls, d: dict | None) -> "CrashLoopCycle | None":
        if d is None:
            return None
        c = _new(cls)
        c.signature = d["signature"]
        c.anchor = d["anchor"]
        c.restart_counts = d["restart_counts"]
        return c


class EventNote:
    __slots__ = ("type", "reason", "message", "field_path", "at")

    def __init__(self, type_: str, reason: str, message: str, field_path: str, at: int) -> None:
        self.type = type_
        self.reason = reason
        self.message = message
        self.field_path = field_path
        self.at = at

    def key(self) -> tuple[str, str, str, str]:
        """What identifies the event in the store (its count is bumped)."""
        return (self.type, self.reason, self.message, self.field_path)

    def to_json(self) -> dict:
        return {"type": self.type, "reason": self.reason, "message": self.message, "field_path": self.field_path,
                "at": self.at}

    @classmethod
    def from_json(cls, d: dict) -> "EventNote":
        e = _new(cls)
        e.type = d["type"]
        e.reason = d["reason"]
        e.message = d["message"]
        e.field_path = d["field_path"]
        e.at = d["at"]
        return e


class InstanceRecord:
    __slots__ = ("id", "attempt", "started_at", "finished_at", "exit_code", "reason", "message", "seen_at",
                 "process", "logs", "started", "ready", "probes", "kill", "image", "image_id", "spec_hash",
                 "poststart_error", "assumptions")

    def __init__(self, id_: str, attempt: int, started_at: int | None, image: str, image_id: str,
                 started: bool = False, spec_hash: str | None = None) -> None:
        self.id = id_
        self.attempt = attempt
        self.started_at = started_at
        self.finished_at: int | None = None
        self.exit_code: int | None = None
        self.reason = ""
        self.message = ""
        self.seen_at: int | None = None
        self.process: dict | None = None
        self.logs: list[list] = []
        self.started = started
        self.ready = False
        self.probes: dict[str, ProbeWorker] = {}
        self.kill: Kill | None = None
        self.image = image
        self.image_id = image_id
        self.spec_hash = spec_hash
        self.poststart_error: str | None = None
        self.assumptions: list[str] = []

    def to_json(self) -> dict:
        d = {"id": self.id, "attempt": self.attempt, "reason": self.reason, "message": self.message,
             "started": self.started, "ready": self.ready, "image": self.image,
             "image_id": self.image_id, "assumptions": self.assumptions}
        if self.logs:
            d["logs"] = self.logs
        v = self.started_at
        if v is not None:
            d["started_at"] = v
        v = self.finished_at
        if v is not None:
            d["finished_at"] = v
        v = self.exit_code
        if v is not None:
            d["exit_code"] = v
        v = self.seen_at
        if v is not None:
            d["seen_at"] = v
        v = self.process
        if v is not None:
            d["process"] = v
        if self.probes:
            d["probes"] = {k: w.to_json() for k, w in self.probes.items()}
        v = self.kill
        if v is not None:
            d["kill"] = v.to_json()
        v = self.spec_hash
        if v is not None:
            d["spec_hash"] = v
        v = self.poststart_error
        if v is not None:
            d["poststart_error"] = v
        return d

    @classmethod
    def from_json(cls, d: dict | None) -> "InstanceRecord | None":
        if d is None:
            return None
        i = _new(cls)
        i.id = d["id"]
        i.attempt = d["attempt"]
        i.reason = d["reason"]
        i.message = d["message"]
        i.logs = d.get("logs") or []
        i.started = d["started"]
        i.ready = d["ready"]
        i.image = d["image"]
        i.image_id = d["image_id"]
        i.assumptions = d["assumptions"]
        get = d.get
        i.started_at = get("started_at")
        i.finished_at = get("finished_at")
        i.exit_code = get("exit_code")
        i.seen_at = get("seen_at")
        i.process = get("process")
        pr = get("probes")
        i.probes = {k: ProbeWorker.from_json(w) for k, w in pr.items()} if pr else {}
        kill = get("kill")
        i.kill = None if kill is None else Kill.from_json(kill)
        i.spec_hash = get("spec_hash")
        i.poststart_error = get("poststart_error")
        return i

    def shift(self, f) -> None:
        """Every instant it holds passed through ``f``."""
        if self.started_at is not None:
            self.started_at = f(self.started_at)
        if self.finished_at is not None:
            self.finished_at = f(self.finished_at)
        if self.seen_at is not None:
            self.seen_at = f(self.seen_at)
        self.logs = [[f(ms), line] for ms, line in self.logs]
        if self.kill is not None:
            self.kill.term_at = f(self.kill.term_at)
            self.kill.kill_at = f(self.kill.kill_at)
        for w in self.probes.values():
            w.base = f(w.base)
            w.next_at = f(w.next_at)


class ContainerRecord:
    __slots__ = ("kind", "spec_hash", "restart_count", "current", "previous", "waiting", "back_off",
                 "back_off_exit_at", "back_off_events", "pull", "initialized")

    def __init__(self, kind: str, spec_hash: str) -> None:
        self.kind = kind
        self.spec_hash = spec_hash
        self.restart_count = 0
        self.current: InstanceRecord | None = None
        self.previous: InstanceRecord | None = None
        self.waiting: Waiting | None = None
        self.back_off: BackOff | None = None
        self.back_off_exit_at: int | None = None
        self.back_off_events: BackOffEvents | None = None
        self.pull: ImagePull | None = None
        self.initialized = False

    def to_json(self) -> dict:
        d = {"kind": self.kind, "spec_hash": self.spec_hash, "restart_count": self.restart_count,
             "initialized": self.initialized}
        v = self.current
        if v is not None:
            d["current"] = v.to_json()
        v = self.previous
        if v is not None:
            d["previous"] = v.to_json()
        v = self.waiting
        if v is not None:
            d["waiting"] = {"reason": v.reason, "message": v.message}
        v = self.back_off
        if v is not None:
            d["back_off"] = {"seconds": v.seconds, "last_update": v.last_update}
        v = self.back_off_exit_at
        if v is not None:
            d["back_off_exit_at"] = v
        v = self.back_off_events
        if v is not None:
            d["back_off_events"] = {"counted_to": v.counted_to, "wait_end": v.wait_end, "first": v.first}
        v = self.pull
        if v is not None:
            d["pull"] = v.to_json()
        return d

    @classmethod
    def from_json(cls, d: dict) -> "ContainerRecord":
        c = _new(cls)
        c.kind = d["kind"]
        c.spec_hash = d["spec_hash"]
        c.restart_count = d["restart_count"]
        c.initialized = d["initialized"]
        get = d.get
        v = get("current")
        c.current = None if v is None else InstanceRecord.from_json(v)
        v = get("previous")
        c.previous = None if v is None else InstanceRecord.from_json(v)
        v = get("waiting")
        if v is None:
            c.waiting = None
        else:
            w = c.waiting = _new(Waiting)
            w.reason = v["reason"]
            w.message = v["message"]
        v = get("back_off")
        if v is None:
            c.back_off = None
        else:
            b = c.back_off = _new(BackOff)
            b.seconds = v["seconds"]
            b.last_update = v["last_update"]
        c.back_off_exit_at = get("back_off_exit_at")
        v = get("back_off_events")
        if v is None:
            c.back_off_events = None
        else:
            e = c.back_off_events = _new(BackOffEvents)
            e.counted_to = v["counted_to"]
            e.wait_end = v["wait_end"]
            e.first = v["first"]
        v = get("pull")
        c.pull = None if v is None else ImagePull.from_json(v)
        return c

    def shift(self, f) -> None:
        if self.back_off is not None:
            self.back_off.last_update = f(self.back_off.last_update)
        if self.back_off_exit_at is not None:
            self.back_off_exit_at = f(self.back_off_exit_at)
        if self.back_off_events is not None:
            self.back_off_events.shift(f)
        if self.pull is not None:
            self.pull.done_at = f(self.pull.done_at)
        if self.current is not None:
            self.current.shift(f)
        if self.previous is not None:
            self.previous.shift(f)


class PodRecord:
    __slots__ = ("uid", "node", "host_ip", "pod_ip", "started_at", "requests", "released", "timers", "timer_seq",
                 "filesystem", "containers", "image_backoff", "termination", "deadline_exceeded", "killing",
                 "stopped", "gone_at", "cycle", "event_log", "volumes")

    def __init__(self, uid: str, containers: dict[str, ContainerRecord]) -> None:
        self.uid = uid
        self.node: str | None = None
        self.host_ip: str | None = None
        self.pod_ip: str | None = None
        self.started_at: int | None = None
        self.requests: dict | None = None
        self.released = False
        self.timers: list[Timer] = []
        self.timer_seq = 0
        self.filesystem: dict | None = None
        self.containers = containers
        self.image_backoff: dict[str, BackOff] = {}
        self.termination: Termination | None = None
        self.deadline_exceeded = False
        self.killing = False
        self.stopped = False
        self.gone_at: int | None = None
        self.cycle: CrashLoopCycle | None = None
        self.event_log: list[EventNote] | None = None
        # the volume manager's state of the pod's volumes: {"mounted": True}, or while a mount keeps failing
        # {"mounted": False, "attempts": N, "next": ms of the next try}; None before the first sync that mounts
        self.volumes: dict | None = None

    def to_json(self) -> dict:
        d = {"version": VERSION, "uid": self.uid, "released": self.released,
             "timers": [t.to_json() for t in self.timers], "timer_seq": self.timer_seq,
             "containers": {n: c.to_json() for n, c in self.containers.items()},
             "deadline_exceeded": self.deadline_exceeded, "killing": self.killing, "stopped": self.stopped}
        v = self.node
        if v is not None:
            d["node"] = v
        v = self.host_ip
        if v is not None:
            d["host_ip"] = v
        v = self.pod_ip
        if v is not None:
            d["pod_ip"] = v
        v = self.started_at
        if v is not None:
            d["started_at"] = v
        v = self.requests
        if v is not None:
            d["requests"] = v
        v = self.filesystem
        if v is not None:
            d["filesystem"] = v
        if self.image_backoff:
            d["image_backoff"] = {ref: b.to_json() for ref, b in self.image_backoff.items()}
        v = self.termination
        if v is not None:
            d["termination"] = v.to_json()
        v = self.gone_at
        if v is not None:
            d["gone_at"] = v
        v = self.cycle
        if v is not None:
            d["cycle"] = v.to_json()
        v = self.event_log
        if v is not None:
            d["event_log"] = [e.to_json() for e in v] if v else []
        v = self.volumes
        if v is not None:
            d["volumes"] = v
        return d

    @classmethod
    def from_json(cls, d: dict) -> "PodRecord":
        if d.get("version") != VERSION:
            d = from_v1(d)
        r = _new(cls)
        r.uid = d["uid"]
        r.released = d["released"]
        tf = Timer.from_json
        r.timers = [tf(t) for t in d["timers"]]
        r.timer_seq = d["timer_seq"]
        cf = ContainerRecord.from_json
        r.containers = {n: cf(c) for n, c in d["containers"].items()}
        r.deadline_exceeded = d["deadline_exceeded"]
        r.killing = d["killing"]
        r.stopped = d["stopped"]
        get = d.get
        r.node = get("node")
        r.host_ip = get("host_ip")
        r.pod_ip = get("pod_ip")
        r.started_at = get("started_at")
        r.requests = get("requests")
        r.filesystem = get("filesystem")
        ib = get("image_backoff")
        r.image_backoff = {ref: BackOff(b["seconds"], b["last_update"]) for ref, b in ib.items()} if ib else {}
        v = get("termination")
        r.termination = None if v is None else Termination.from_json(v)
        r.gone_at = get("gone_at")
        v = get("cycle")
        r.cycle = None if v is None else CrashLoopCycle.from_json(v)
        v = get("event_log")
        r.event_log = None if v is None else [EventNote.from_json(e) for e in v]
        r.volumes = get("volumes")
        return r

    def add_timer(self, at: int, rank: int, kind: str, container: str | None = None, instance: str | None = None,
                  probe: str | None = None) -> None:
        self.timer_seq += 1
        self.timers.append(Timer(int(at), rank, self.timer_seq, kind, container, instance, probe))

    def next_wake(self) -> int | None:
        return min((t.at for t in self.timers), default=None)

    def shift(self, f, ids: dict[str, str] | None = None) -> None:
        """Every instant the record holds passed through ``f`` (the fast-forward's jump), container ids renamed
        through ``ids``. The pod's own instants (admission, deletion) do not move."""
        for t in self.timers:
            t.at = f(t.at)
            if ids and t.instance is not None:
                t.instance = ids.get(t.instance, t.instance)
        for c in self.containers.values():
            c.shift(f)
        for b in self.image_backoff.values():
            b.last_update = f(b.last_update)


def load(tx, ns: str, name: str) -> PodRecord | None:
    """A pod's runtime record from the store (for the pod workers and for readers such as ``logs``); a failing
    probe parked for it (kubelet/parked.py, reached through ``tx.parked``) has its runs up to the loop's cursor
    taken into it first, and the record saved."""
    d = tx.get_runtime("Pod", ns, name)
    if d is None:
        return None
    rec = PodRecord.from_json(d)
    parked = getattr(tx, "parked", None)
    if parked is not None and parked.parks and parked.take(ns, name, rec):
        save(tx, ns, name, rec)
    return rec


# ---- version 1: the record before it was typed (one-letter keys, timers as lists) ---------------------------
def _v1_instance(i: dict | None) -> dict | None:
    if i is None:
        return None
    img = i.get("img") or {}
    kill = i.get("kill")
    return {"id": i["id"], "attempt": i["a"], "started_at": i.get("t0"), "finished_at": i.get("t1"),
            "exit_code": i.get("code"), "reason": i.get("reason", ""), "message": i.get("msg", ""),
            "seen_at": i.get("seen"), "process": i.get("proc"), "logs": i.get("logs") or [],
            "started": i.get("started", False), "ready": i.get("ready", False),
            "probes": {k: {"successes": w["s"], "failures": w["f"], "result": w["res"], "base": w["base"],
                           "period_ms": w["per"], "dormant": w["dorm"], "next_at": w["next"]}
                       for k, w in (i.get("pr") or {}).items()},
            "kill": None if not kill else {"term_at": kill["term"], "kill_at": kill["kill"],
                                           "restart": kill["restart"], "term_sent": kill["sent"],
                                           "prestop_fails": None},
            "image": img.get("image", ""), "image_id": img.get("imageID", ""), "spec_hash": None,
            "poststart_error": None,
            "assumptions": i.get("assume") or []}


def _v1_container(C: dict) -> dict:
    bo, acc, pull, wait = C.get("bo"), C.get("bo_acc"), C.get("pull"), C.get("wait")
    return {"kind": C["k"], "spec_hash": C["hash"], "restart_count": C["n"],
            "current": _v1_instance(C.get("cur")), "previous": _v1_instance(C.get("prev")),
            "waiting": None if not wait else {"reason": wait[0], "message": wait[1]},
            "back_off": None if not bo else {"seconds": bo[0], "last_update": bo[1]},
            "back_off_exit_at": C.get("bo_seen"),
            "back_off_events": None if not acc else {"counted_to": acc[0], "wait_end": acc[1], "first": acc[2]},
            "pull": None if not pull else {"image": None, "spec_hash": None, "done_at": pull["until"],
                                           "succeeds": pull["ok"], "duration_ms": pull["ms"]},
            "initialized": bool(C.get("ok"))}


def from_v1(R: dict) -> dict:
    """A version-1 record (stores made before the records were typed) in the version-2 JSON shape."""
    if R.get("v") != 1:
        raise ValueError(f"unknown pod runtime record version {R.get('version', R.get('v'))!r}")
    timers = []
    for ms, rank, seq, kind, args in R.get("t") or []:
        t = {"at": ms, "rank": rank, "seq": seq, "kind": kind}
        for key, a in zip(("container", "instance", "probe"), args):
            t[key] = a
        timers.append(t)
    term, cyc, log = R.get("term"), R.get("cyc"), R.get("evlog")
    return {"version": VERSION, "uid": R.get("uid", ""), "node": R.get("node"), "host_ip": R.get("hostIP"),
            "pod_ip": R.get("ip"), "started_at": R.get("start"), "requests": R.get("req"),
            "released": bool(R.get("rel")), "timers": timers, "timer_seq": R.get("seq", 0),
            "filesystem": R.get("fs"), "containers": {n: _v1_container(C) for n, C in (R.get("c") or {}).items()},
            "image_backoff": {ref: {"seconds": v[0], "last_update": v[1]} for ref, v in (R.get("ibo") or {}).items()},
            "termination": None if not term else {"requested_at": term["at"], "deadline": term["end"],
                                                  "grace_s": term["grace"]},
            "deadline_exceeded": bool(R.get("dl")), "killing": bool(R.get("killpod")), "stopped": bool(R.get("done")),
            "gone_at": R.get("gone"),
            # the signature was hashed from the old shape: it matches no new one (the next decision sets it again)
            "cycle": None if not cyc else {"signature": "", "anchor": cyc["anchor"], "restart_counts": cyc["n"]},
            "event_log": None if log is None else [{"type": e[0], "reason": e[1], "message": e[2], "field_path": e[3],
                                                    "at": e[4]} for e in log]}


R_PROC, R_PROBE, R_KUBELET = 1, 2, 3  # a timer's rank among those due at one instant: process, probe, kubelet


def save(tx, ns: str, name: str, rec: PodRecord) -> str:
    """Write the record; returns its JSON text (``Tx.put_runtime``)."""
    d = rec.to_json()
    body = _spliced(d)
    if body is not None:
        return tx.put_runtime("Pod", ns, name, None, rec.next_wake(), body=body)
    return tx.put_runtime("Pod", ns, name, d, rec.next_wake())


# ---- known parts ------------------------------------------------------------------------------------------------
# Most of a running pod's record is text that does not change from one wake-up to the next, and much of it is the
# same in every pod of a namespace: its processes' variables and exported names (the Service variables of every
# Service of the namespace), the files the kubelet wrote into its /etc and its projected volumes (the
# ServiceAccount's CA certificate, namespace and token). A part made of strings alone, a flat map or list, is
# looked up by its content (its keys and values in order): the second time a content is saved, by the same pod or
# another, it is encoded by itself and kept, and from then on its text goes in as it was encoded. ``_spliced``
# checks that the result is what encoding the record whole gives (a mark is found once, where it was put). A
# content seen once is not encoded apart: most pods of a big apply are saved once in an advance (pulled, started,
# nothing more to do), and encoding their own parts apart as well as splicing them in costs more than encoding
# them with the record.
_PARTS: dict = {}  # (dict or list, the part's items or values) -> its text, or None: saved once
_PARTS_KEPT = 16384


def _strings(part) -> bool:
    """A flat map of strings to strings, or a list of strings: equal to another only when encoded alike (with the
    order of its keys compared too)."""
    if type(part) is dict:
        return all(type(k) is str and type(v) is str for k, v in part.items())
    return type(part) is list and all(type(v) is str for v in part)


def _known_parts(d: dict) -> list:
    """(holder, key) of the parts of the record ``d`` that may be spliced."""
    out = []
    fs = d.get("filesystem")
    if type(fs) is dict:
        if "etc" in fs:
            out.append((fs, "etc"))
        vols = fs.get("volumes")
        if type(vols) is dict:
            for vol in vols.values():
                if type(vol) is dict and "files" in vol:
                    out.append((vol, "files"))
    from .procs import TwinDump

    for c in d["containers"].values():
        for slot in ("current", "previous"):
            i = c.get(slot)
            proc = None if i is None else i.get("process")
            if type(proc) is dict and type(proc) is not TwinDump:
                for key in ("vars", "exported"):
                    if key in proc:
                        out.append((proc, key))
    return out


def _part_text(part) -> str | None:
    """The text of ``part`` when a part of the same content (keys in the same order) was saved before: encoded the
    second time, then kept. None when it was not, or when it is not a part made of strings.

    Looked up before its values are checked: a content kept is made of strings alone, and a string is equal to
    nothing but a string with the same characters, so a part found equal to one is made of strings too (a part
    holding a list or a map has no hash and is no part). Only a content not kept yet is checked (``_strings``):
    a running pod's parts are the same at each of its wake-ups, and checking thousands of values a wake-up cost
    more than the lookup."""
    tp = type(part)
    if tp is dict:
        key = (dict, tuple(part.items()))
    elif tp is list:
        key = (list, tuple(part))
    else:
        return None
    try:
        text = _PARTS.get(key, _UNSEEN)
    except TypeError:  # a list or a map among its values (unhashable): not a part made of strings
        return None
    if text is not _UNSEEN and text is not None:
        return text
    if not _strings(part):
        return None
    if text is None:
        from .procs import _dumps

        text = _PARTS[key] = _dumps(part)
    elif text is _UNSEEN:
        if len(_PARTS) >= _PARTS_KEPT:
            _PARTS.clear()
        _PARTS[key] = None
        return None
    return text


_UNSEEN = object()


def _spliced(d: dict) -> str | None:
    """``d``'s JSON text with the processes copied from a twin and unchanged since (kubelet/procs.py
    ``twin_text``) and the known parts (above) spliced in as text rather than encoded again (most of a started
    container's record is its process); None when there is none, and the same bytes as encoding ``d`` whole."""
    from .procs import TwinDump, _dumps, twin_text

    found = []  # (holder, key, value, text)
    for c in d["containers"].values():
        for key in ("current", "previous"):
            i = c.get(key)
            if i is not None and type(i.get("process")) is TwinDump:
                text = twin_text(i["process"])
                if text is not None:
                    found.append((i, "process", i["process"], text))
    for holder, key in _known_parts(d):
        text = _part_text(holder[key])
        if text is not None:
            found.append((holder, key, holder[key], text))
    if not found:
        return None
    marks = []
    for n, (holder, key, _value, _text) in enumerate(found):
        holder[key] = f"\x00twin{n}\x00"
        marks.append(_dumps(holder[key]))
    try:
        body = _dumps(d)
    finally:
        for holder, key, value, _text in found:
            holder[key] = value
    if any(body.count(m) != 1 or "\\u0000twin" in text for m, (_h, _k, _v, text) in zip(marks, found)):
        return None  # a mark that is not only where it was put: encoded whole
    for m, (_h, _k, _v, text) in zip(marks, found):
        body = body.replace(m, text, 1)
    return body

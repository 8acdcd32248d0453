"""The simulated kubelet's pod worker: a discrete-event state machine per pod (``pod_workers.go`` + ``SyncPod``).

Per pod the kubelet keeps a hidden runtime record, a ``records.PodRecord`` (its shape is documented in
``records.py``; the store keeps it as JSON, ``load``/``save``), holding a private queue of ``Timer``s. A timer's
``rank`` orders what happens at one instant (docs/lifecycle.md §10.2): 1 process progress, 2 probes, 3 kubelet
reactions. The store's wake index holds the earliest timer of each pod, so ``advance`` only touches pods that
are due. Status is never hand-written: after each instant it is regenerated from the runtime record with the
kubelet's rules (``phase.py``) and written only when it changed.
"""

from __future__ import annotations

import json
import os
from operator import attrgetter
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Any

from minikctl.kube.digest import sha256
from minikctl.engine import network
from minikctl.engine.kubelet import containerlogs
from minikctl.engine.kubelet import phase as ph
from minikctl.store import history
from minikctl.engine.kubelet import procs
from minikctl.store import logs as store_logs
from minikctl.engine.kubelet.records import (R_KUBELET, R_PROBE, R_PROC, BackOff, BackOffEvents, ContainerRecord,
                                             CrashLoopCycle, EventNote, ImagePull, InstanceRecord, Kill, PodRecord,
                                             ProbeWorker, Timer, Waiting)

RHO = 1000  # kubelet observation delay (PLEG relist period)
BACKOFF_INITIAL = 10
BACKOFF_MAX = 300
MIN_GRACE_S = 2  # minimumGracePeriodInSeconds: a kill always leaves the container this long after SIGTERM
RESYNC_MS = 10_000  # pod worker requeue after a sync error (back-off): the kubelet looks again every 10 s
SCHED_RETRY_MS = 300_000
# steady loops (fast_forward_loop): a loop that is not steady is looked at again after this many of its sleeps; a
# stretch is at most this many iterations, and stops this many bytes short of the log's rotation size
FFWD_RETRY = 8
FFWD_MAX_ITERATIONS = 10_000_000
FFWD_LOG_MARGIN = 4096
# exec readiness probes that keep failing are jumped over like network ones (fast_forward_failing) when their
# command only reads the container's files, and the pod's volumes are its own
READ_ONLY_EXEC = {"cat", "test", "[", "ls", "grep", "head", "tail", "wc", "true", "false"}
POD_LOCAL_VOLUMES = {"emptyDir", "configMap", "secret", "downwardAPI", "projected"}
LAST_MS = 253_402_300_799_000  # kube.timefmt.MAX_CLOCK_MS

PROBE_TYPES = (("startupProbe", "Startup"), ("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"))
_TIMER_ORDER = attrgetter("at", "rank", "seq")


def _ts(ms: int) -> str:
    from minikctl.kube.timefmt import rfc3339

    return rfc3339(ms)


def _dur(ms: int) -> str:
    from minikctl.kube.timefmt import format_go_duration

    return format_go_duration(ms)


# json.dumps(x, sort_keys=True, separators=(",", ":")) with one encoder for every call (json.dumps with options
# builds a new one per call); the same text
_sorted_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def spec_hash(c: dict) -> str:
    return sha256(_sorted_dumps(c).encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# runtime record helpers


def new_record(pod: dict) -> PodRecord:
    meta = pod["metadata"]
    spec = pod.get("spec") or {}
    containers: dict[str, ContainerRecord] = {}
    for kind, key in (("init", "initContainers"), ("app", "containers"), ("ephemeral", "ephemeralContainers")):
        for cont in spec.get(key) or []:
            k = "sidecar" if kind == "init" and cont.get("restartPolicy") == "Always" else kind
            containers[cont["name"]] = ContainerRecord(k, spec_hash(cont))
    return PodRecord(meta.get("uid", ""), containers)




# ---------------------------------------------------------------------------------------------
# the per-pod context


class PodWorker:
    """One pod's kubelet work inside one transaction."""

    def __init__(self, api, pod: dict, rec: PodRecord, node=None, reads=None) -> None:
        self.api = api  # the kubelet's API client: status writes and events go through it
        self.tx = api.tx
        # where the ConfigMaps, Secrets and Services a container needs are read (the kubelet's listers,
        # controllers/informer.py CachedReads; the transaction itself without one)
        self.reads = reads if reads is not None else self.tx
        self.node = node  # the node's state (NodeState): its images
        self.pod = pod
        self.rec = rec
        self.ns = pod["metadata"].get("namespace", "default")
        self.name = pod["metadata"]["name"]
        self._fs = None
        self._procs: dict[str, Any] = {}
        self._dirty: set[str] = set()  # processes that may have changed since they were loaded
        self._images: dict[str, Any] = {}
        self.horizon = self.tx.now_ms  # advance's target: periodic cycles may be fast-forwarded up to it
        self.ff_anchor: int | None = None
        self._containers: list | None = None
        self._pending_ff: list = []  # failing probes to jump once the instant is settled (fast_forward_failing)
        self._started: str | None = None  # the instance this worker started, until its first lines are taken
        # the stored text ``pod`` was decoded from or last written as, when known (Kubelet.due): a status write
        # may then be made from a twin's (kubelet/statustwins.py); None once the pod is changed in place otherwise
        self._body: str | None = None
        for cr in rec.containers.values():
            for inst in (cr.current, cr.previous):
                if inst is not None and inst.logs:
                    containerlogs.move_legacy(self.tx, self.ns, self.name, inst)

    # -- helpers ------------------------------------------------------------------------------
    @property
    def now(self) -> int:
        return self.tx.now_ms

    @property
    def spec(self) -> dict:
        return self.pod.get("spec") or {}

    def containers(self) -> list[tuple[dict, ContainerRecord, str]]:
        """(spec container, its record, field path) for init containers then app containers (the spec and
        the record's containers do not change during a worker's life: made once)."""
        out = self._containers
        if out is not None:
            return out
        out = self._containers = []
        records = self.rec.containers
        for key, fp in (("initContainers", "spec.initContainers"), ("containers", "spec.containers"),
                        ("ephemeralContainers", "spec.ephemeralContainers")):
            for c in self.spec.get(key) or []:
                cr = records.get(c["name"])
                if cr is not None:
                    out.append((c, cr, f"{fp}{{{c['name']}}}"))
        return out

    def _fp(self, c: dict) -> str:
        return self.find(c["name"])[2]

    def find(self, name: str) -> tuple[dict, ContainerRecord, str]:
        for c, cr, fp in self.containers():
            if c["name"] == name:
                return c, cr, fp
        raise KeyError(name)

    def fs(self):
        if self._fs is None:
            self._fs = procs.load_podfs(self.rec.filesystem) if self.rec.filesystem else procs.new_podfs(self.pod)
        return self._fs

    def image(self, ref: str):
        img = self._images.get(ref)
        if img is None:
            img = self._images[ref] = procs.lookup_image(ref, os.path.dirname(self.tx.path))
        return img

    def proc(self, inst: InstanceRecord, write: bool = True):
        p = self._procs.get(inst.id)
        if p is None and inst.process is not None:
            if "ffwd" in inst.process:
                p = self._procs[inst.id] = self.catch_up(inst)
                self._dirty.add(inst.id)
            else:
                p = self._procs[inst.id] = procs.load_process(inst.process)
            network.attach(self, p)  # the pod's network namespace (engine/network.py)
        if write and p is not None:
            self._dirty.add(inst.id)
        return p

    def event(self, type_: str, reason: str, message: str, field_path: str = "", at: int | None = None) -> None:
        self.api.event(self.pod, type_, reason, message, "kubelet", self.rec.node or "",
                       at_ms=at, field_path=field_path)
        log = self.rec.event_log
        if log is not None:
            log.append(EventNote(type_, reason, message, field_path, self.now if at is None else at))
            if len(log) > 256:
                self.rec.event_log = None
                self.rec.cycle = None

    def log_view(self, inst: InstanceRecord, base: int) -> list:
        """The instance's log lines with their times relative to ``base`` (what the fast-forward compares)."""
        return [[ms - base, line] for _, ms, line in containerlogs.lines(self.tx, inst, now=self.now)]

    def profile(self) -> dict:
        """Timing knobs overriding lifecycle.md §10.3 (store meta ``engine:profile``, JSON):
        ``pull_ms`` = duration of every pull of an image not yet on the node; ``ffwd`` = false: steady loops are
        stepped one wake-up at a time, never fast-forwarded (what the fast-forward is tested against); ``twins`` =
        false: every container's process is interpreted from its start, none copied from a twin's (procs.start);
        ``crashloop`` = false: every crash-loop cycle is stepped, none jumped (``cycle_single``);
        ``ownedjump`` = false: a jumped crash loop of a ReplicaSet's pod writes the pod once (``jump_writes``)."""
        prof = getattr(self, "_profile", None)
        if prof is None:
            raw = self.tx.meta("engine:profile")
            prof = self._profile = json.loads(raw) if raw else {}
        return prof

    def need_sync(self, ms: int) -> None:
        ms = max(int(ms), self.now)
        for t in self.rec.timers:
            if t.at == ms and t.kind == "sync":
                return
        self.rec.add_timer(ms, R_KUBELET, "sync")

    def flush(self) -> None:
        """Persist processes and filesystem back into the record."""
        for c, cr, _ in self.containers():
            for inst in (cr.current, cr.previous):
                if inst is not None and inst.id in self._dirty and inst.id in self._procs:
                    inst.process = procs.dump_process(self._procs[inst.id])
        self._dirty.clear()
        if self._fs is not None:
            self.rec.filesystem = self._fs.to_dict()

    def close(self) -> None:
        """The worker is done (``Kubelet.finish_pod``): drop the references that tie it into cycles with what it
        made (a loaded process's network namespace, ``engine/network.py``, calls back into the worker, and so does
        the cluster view it keeps), so that it is freed by reference counting when the caller lets go of it rather
        than by the cyclic collector, whose pass over the young objects a long advance would otherwise pay every
        ~100,000 allocations (cli/app.py GC_THRESHOLDS). A later ``proc`` loads the process again from the record
        ``flush`` wrote."""
        self._procs = {}
        self._dirty = set()
        self._cluster_net = None

    # -- node image cache ---------------------------------------------------------------------
    def node_images(self) -> list[str]:
        return self.node.images if self.node is not None else []

    def add_node_image(self, normalized: str) -> None:
        if self.node is not None:
            self.node.add_image(normalized)

    # -- the loop -----------------------------------------------------------------------------
    def run_due(self, until_ms: int) -> None:
        """Process every timer with ms <= until_ms (including ones added meanwhile), in order."""
        budget = 100_000
        rec = self.rec
        while rec.timers and rec.gone_at is None:
            timers = rec.timers  # the fast-forward may replace the list
            timers.sort(key=_TIMER_ORDER)
            t = timers[0]
            if t.at > until_ms:
                break
            timers.pop(0)
            budget -= 1
            if budget < 0:
                raise RuntimeError(f"engine: no progress for pod {self.ns}/{self.name}")
            if t.at > self.now:
                self.tx.set_now(t.at)
            kind = t.kind
            if kind == "sync":
                self.sync()
                self.wake_dormant()
                if self.ff_anchor is not None:
                    anchor, self.ff_anchor = self.ff_anchor, None
                    if self.profile().get("crashloop") is False:
                        continue  # every cycle stepped (the golden tests' reference)
                    self._body = None  # the fast-forward moves the pod's condition times in place
                    self.cycle_single(anchor)
            elif kind == "proc":
                self.on_proc(t.container, t.instance)
                self.wake_dormant()
            elif kind == "probe":
                self.on_probe(t.container, t.instance, t.probe)
            elif kind == "poststart":
                self.on_poststart(t.container, t.instance)
                self.wake_dormant()

    # -- processes ----------------------------------------------------------------------------
    def on_proc(self, cname: str, iid: str) -> None:
        c, cr, fp = self.find(cname)
        inst = cr.current
        if inst is None or inst.id != iid or inst.finished_at is not None:
            return
        p = self.proc(inst)
        view = self.fs().view(cname, c.get("volumeMounts"), self.image(c.get("image", "")))
        p.step(self.now, view)
        self.after_proc(c, cr, inst, p)
        if not p.exited:
            self.fast_forward_loop(c, inst, p, view)

    # -- steady loops (behavior/periodic.py) --------------------------------------------------
    def fast_forward_loop(self, c: dict, inst: InstanceRecord, p, view) -> None:
        """After a wake-up of a process that blocked in a ``sleep`` again (or used up a CPU slice in a loop that
        never sleeps): when its loop is steady, the iterations
        to come are not run. The record keeps the process as it is now with the loop's description (key
        ``ffwd``); its log gets a stretch of lines printed on demand; its next wake-up is the one after the last
        iteration skipped. Whatever needs the process before then (``proc``) brings it to that instant
        (``catch_up``), so nothing else in the pod or the cluster has to be known in advance. The stretch stops
        short of the log's rotation size (a rotation falls between lines the kubelet stepped)."""
        blocked = p.blocked
        if not blocked or blocked.get("kind") not in ("sleep", "cpu") or getattr(p, "ffwd_after", 0) > self.now:
            return
        if self.profile().get("ffwd") is False:
            return  # stepped one wake-up at a time (the golden tests' reference)
        rec = self.rec
        if inst.kill is not None or rec.termination is not None or rec.deadline_exceeded or rec.killing:
            return
        for key, w in inst.probes.items():
            if w.dormant and "exec" in (c.get(key) or {}):
                return  # a dormant exec probe runs again after every wake-up: the container would be touched
        from minikctl.engine.behavior import periodic

        desc = periodic.analyse(p, view)
        if desc is None:
            p.ffwd_after = self.now + FFWD_RETRY * max(1000, (blocked.get("until") or self.now) - self.now)
            return
        st = store_logs.state(self.tx, inst.id)
        seq0, bytes0, last0 = st if st is not None else (0, 0, None)
        n = min(FFWD_MAX_ITERATIONS, (LAST_MS - desc["base"]["t"]) // (desc["sleep"] + desc["slice_ms"]) - 2)
        n = periodic.reach(desc, n)[0]
        # No rotation may fall inside a stretch: the kubelet rotates the file at the first monitor instant after it
        # reached containerLogMaxSize (store/logs.py). A stretch that fills the file may still run up to that
        # instant (the file grows past the size until then), so a fast writer is fast-forwarded between rotations.
        rotation = None
        if bytes0 >= store_logs.MAX_BYTES:
            rotation = store_logs.next_monitor(last0)
        else:
            fits, size = periodic.fit(desc, n, store_logs.MAX_BYTES - FFWD_LOG_MARGIN - bytes0)
            if fits < n:  # the size is reached in a later iteration, at or after its wake-up
                rotation = store_logs.next_monitor(periodic.wake(desc, fits + 1))
        if rotation is not None:
            n = min(n, max(0, periodic.woken_by(desc, rotation, n) - 1))
            while n and desc["lines"]:  # every line of the stretch comes before the rotation
                lines = periodic.iteration_lines(desc, n)
                if lines and lines[-1][0] < rotation:
                    break
                n -= 1
            size = periodic.size(desc, n)
        if n < 2:
            if rotation is not None:
                p.ffwd_after = rotation  # nothing to skip before the file is rotated
            return
        per = desc["lines"]
        if per:
            first = periodic.iteration_lines(desc, 1)
            last = periodic.iteration_lines(desc, n)
            store_logs.append_stretch(self.tx, self.ns, self.name, inst.id, first[0][0], last[-1][0], n * per, size,
                                      json.dumps(desc, separators=(",", ":")))
        d = dict(desc["base"])
        d["ffwd"] = {k: v for k, v in desc.items() if k != "base"}
        d["ffwd"].update(n=n, seq0=seq0, bytes0=bytes0, last0=last0)
        inst.process = d
        self._procs.pop(inst.id, None)
        self._dirty.discard(inst.id)
        nxt = periodic.wake(desc, n + 1)
        for t in rec.timers:
            if t.kind == "proc" and t.instance == inst.id:
                t.at = nxt

    def catch_up(self, inst: InstanceRecord):
        """The process of a fast-forwarded loop as stepping would have it now: the iterations woken by now run
        (the last one from its boundary, so that it stops where the clock is), the stretch keeps the ones before."""
        from minikctl.engine.behavior import periodic

        d = dict(inst.process)
        ff = d.pop("ffwd")
        desc = {"base": d, **{k: v for k, v in ff.items() if k not in ("n", "seq0", "bytes0", "last0")}}
        n = ff["n"]
        j = periodic.woken_by(desc, self.now, n)
        keep = max(0, j - 1)
        per = desc["lines"]
        if per:
            last = periodic.iteration_lines(desc, keep)[-1][0] if keep else ff["last0"]
            store_logs.cut_stretch(self.tx, inst.id, ff["seq0"], keep * per, ff["bytes0"] + periodic.size(desc, keep),
                                   last)
        p = periodic.boundary(desc, keep)
        for c, cr, _ in self.containers():
            if cr.current is inst:
                if j >= 1:
                    p.step(self.now, self.fs().view(c["name"], c.get("volumeMounts"), self.image(c.get("image", ""))))
                    self.take_logs(inst, p)
                self.rec.timers = [t for t in self.rec.timers if not (t.kind == "proc" and t.instance == inst.id)]
                if p.wake_ms is not None:
                    self.rec.add_timer(max(int(p.wake_ms), self.now), R_PROC, "proc", c["name"], inst.id)
                break
        inst.process = procs.dump_process(p)
        return p

    def after_proc(self, c: dict, cr: ContainerRecord, inst: InstanceRecord, p) -> None:
        self.take_logs(inst, p)
        if p.exited and getattr(p, "guard", ""):  # the simulator's host guard stopped it (behavior/process.py)
            self.event("Warning", "SimulationLimit", p.guard, f"spec.containers{{{c['name']}}}")
        if p.exited:
            at = p.exit_ms if p.exit_ms is not None else self.now
            self.on_exit(c, cr, inst, int(p.exit_code), p.reason or "", p.message or "", max(at, inst.started_at))
            return
        w = p.wake_ms
        if w is not None:
            at = max(int(w), self.now)
            for t in self.rec.timers:
                if t.kind == "proc" and t.at == at and t.instance == inst.id:
                    return  # already armed (a steady loop caught up with the clock armed it)
            self.rec.add_timer(at, R_PROC, "proc", c["name"], inst.id)

    def take_logs(self, inst: InstanceRecord, p) -> None:
        logs = p.logs
        if not logs:
            return
        new = self._started == inst.id  # its first lines: it has no log yet
        if new:
            self._started = None
        store_logs.append(self.tx, self.ns, self.name, inst.id,
                          [(int(e[0]), str(e[2]) if len(e) > 2 else str(e[1])) for e in logs], new=new)
        del logs[:]  # taken: the process keeps no copy (bounded memory in the record)

    def on_exit(self, c: dict, cr: ContainerRecord, inst: InstanceRecord, code: int, reason: str, message: str,
                at: int) -> None:
        inst.finished_at = at
        inst.exit_code = code
        if not reason or reason in ("Exited", "Signaled"):
            reason = "Completed" if code == 0 else "Error"
        inst.reason = reason
        inst.started = False
        inst.ready = False
        msg = self.termination_message(c, inst, code, message)
        inst.message = msg
        inst.probes = {}
        p = self._procs.pop(inst.id, None)
        if p is not None:
            inst.assumptions = list(getattr(p, "assumptions", []) or [])
        inst.process = None
        kill = inst.kill
        if kill is not None and kill.prestop_fails is not None:
            # a hook cut by the stop fails with its container (its exec session ends)
            kill.prestop_fails = None
            self.event("Warning", "FailedPreStopHook", "PreStopHook failed", self._fp(c), at)
        if cr.waiting is not None and cr.waiting.reason == "PostStartHookError" and not self.should_restart(cr, code):
            cr.waiting = None  # not to be restarted: it simply terminated
        if kill and kill.restart:
            inst.seen_at = at  # the kubelet killed it: it restarts in the same sync (no PLEG delay)
            self.need_sync(at)
        else:
            inst.seen_at = at + RHO
            self.need_sync(at + RHO)
        if cr.kind == "init" and code == 0:
            inst.ready = True

    def termination_message(self, c: dict, inst: InstanceRecord, code: int, fallback: str) -> str:
        path = c.get("terminationMessagePath", "/dev/termination-log")
        text = None
        try:
            view = self.fs().view(c["name"], c.get("volumeMounts"), self.image(c.get("image", "")))
            text = view.read(path)
        except Exception:
            text = None
        if text:
            return text[:4096]
        if c.get("terminationMessagePolicy") == "FallbackToLogsOnError" and code != 0:
            lines = [l for _, _, l in containerlogs.lines(self.tx, inst, now=self.now, tail=80)]
            tail = "\n".join(lines)
            return tail[-2048:] if tail else (fallback or "")
        return fallback or ""

    # -- starting containers ------------------------------------------------------------------
    def start_container(self, c: dict, cr: ContainerRecord, fp: str) -> str:
        """Image step then create+start. Returns 'started', 'pulling' or 'blocked'."""
        ref = c.get("image", "")
        img = self.image(ref)
        if img.invalid:
            cr.waiting = Waiting("InvalidImageName", img.invalid_message)
            self.event("Warning", "InspectFailed", img.invalid_message, fp)
            self.event("Warning", "Failed", "Error: InvalidImageName", fp)
            return "blocked"
        policy = c.get("imagePullPolicy", "IfNotPresent")
        present = img.exists and img.normalized in self.node_images()
        if policy == "Never" and not present:
            msg = f'Container image "{ref}" is not present with pull policy of Never'
            cr.waiting = Waiting("ErrImageNeverPull", msg)
            self.event("Warning", "ErrImageNeverPull", msg, fp)
            self.event("Warning", "Failed", "Error: ErrImageNeverPull", fp)
            return "blocked"
        if policy == "Always" or not present:
            bo = self.rec.image_backoff.get(ref)
            if bo and self.now - bo.last_update < bo.seconds * 1000:
                cr.waiting = Waiting("ImagePullBackOff", f'Back-off pulling image "{ref}"')
                self.event("Normal", "BackOff", f'Back-off pulling image "{ref}"', fp)
                self.event("Warning", "Failed", "Error: ImagePullBackOff", fp)
                self.need_sync(bo.last_update + bo.seconds * 1000)
                return "blocked"
            self.event("Normal", "Pulling", f'Pulling image "{ref}"', fp)
            dur = 0 if present else int(self.profile().get("pull_ms", img.pull_ms))
            cr.pull = ImagePull(ref, cr.spec_hash, self.now + dur, bool(img.exists), dur)
            if dur == 0:
                return self.finish_pull(c, cr, fp)
            self.need_sync(self.now + dur)
            return "pulling"
        self.event("Normal", "Pulled", f'Container image "{ref}" already present on machine', fp)
        return "blocked" if self.create_and_start(c, cr, fp) is False else "started"

    def finish_pull(self, c: dict, cr: ContainerRecord, fp: str) -> str:
        """The end of a pull. The pull blocked the sync that started it (``EnsureImageExists``): that sync goes on
        with the spec it started from, even when the pod's spec changed meanwhile (``set image`` during the pull);
        the next sync then sees a container of an older definition and restarts it."""
        pull = cr.pull
        cr.pull = None
        ref = pull.image if pull.image is not None else c.get("image", "")
        img = self.image(ref)
        if not pull.succeeds:
            err = img.pull_error or f'failed to pull image "{ref}"'
            self.event("Warning", "Failed", f'Failed to pull image "{ref}": {err}', fp)
            self.event("Warning", "Failed", "Error: ErrImagePull", fp)
            cr.waiting = Waiting("ErrImagePull", err)
            bo = self.rec.image_backoff.get(ref)
            if bo is None or self.now - bo.last_update > 2 * BACKOFF_MAX * 1000:
                b = BACKOFF_INITIAL
            else:
                b = min(bo.seconds * 2, BACKOFF_MAX)
            self.rec.image_backoff[ref] = BackOff(b, self.now)
            # a spec changed during the pull is the pod worker's pending update: synced at once
            self.need_sync(self.now if ref != c.get("image", "") else self.now + RHO)
            return "blocked"
        self.rec.image_backoff.pop(ref, None)
        self.add_node_image(img.normalized)
        d = _dur(pull.duration_ms)
        self.event("Normal", "Pulled",
                   f'Successfully pulled image "{ref}" in {d} ({d} including waiting). Image size: {img.size} bytes.',
                   fp)
        return "blocked" if self.create_and_start(c, cr, fp, ref, pull.spec_hash) is False else "started"

    def create_and_start(self, c: dict, cr: ContainerRecord, fp: str, ref: str | None = None,
                         spec_hash: str | None = None) -> None:
        """Create and start a new instance of ``c`` (with image ``ref`` and the spec of hash ``spec_hash`` when a
        pull started for an older definition)."""
        name = c["name"]
        from minikctl.engine.kubelet.config import CONFIG_RETRY_MS, env_references

        _cms, _secrets, config_error = env_references(self.reads, c, self.pod)
        if config_error is not None:
            # generateContainerConfig failed: CreateContainerConfigError, synced again after the back-off period
            cr.waiting = Waiting("CreateContainerConfigError", config_error)
            self.event("Warning", "Failed", f"Error: {config_error}", fp)
            self.need_sync(self.now + CONFIG_RETRY_MS)
            return False
        if ref is None or ref == c.get("image", ""):
            ref, spec_hash = c.get("image", ""), cr.spec_hash
        img = self.image(ref)
        restart = cr.current is not None
        if restart:
            cr.restart_count += 1
            if cr.previous is not None and cr.previous is not cr.current:
                store_logs.drop(self.tx, [cr.previous.id])  # the kubelet keeps the last dead instance only
            cr.previous = cr.current
            prev = cr.previous
            if prev is not None:
                prev.process = None  # the old process is gone; keep its record and logs only
                self._procs.pop(prev.id, None)
            self.fs().reset_container(name, img)
        attempt = cr.restart_count
        cid = self.tx.digest("container", self.rec.uid, name, attempt)
        view = self.fs().view(name, c.get("volumeMounts"), img)
        env = procs.env_for(c, self.pod, img, self.reads)
        argv = procs.argv_for(c, img, env)
        has_probe = {k: bool(c.get(k)) for k, _ in PROBE_TYPES}
        inst = InstanceRecord(cid, attempt, self.now, img.normalized or ref, img.image_id,
                              started=not has_probe["startupProbe"], spec_hash=spec_hash)
        cr.current = inst
        self._started = cid
        cr.waiting = None
        self.event("Normal", "Created", f"Created container: {name}", fp)
        # a container with stdin open (``run -i``, ``debug -i``; the CRI's ContainerConfig.Stdin) waits for input:
        # its shell sits at the prompt until someone attaches (engine/sessions.py)
        extra = {"stdin_open": True} if c.get("stdin") else {}
        creds = procs.credentials(c, self.pod, img)  # the securityContext's user and groups (None: the image's root)
        if creds is not None:
            extra["creds"] = creds
        twins = self.profile().get("twins") is not False
        p = procs.start(argv, env, img, self.now, procs.memory_limit(c), view, twins,
                        net=network.pod_network(self, name), **extra)
        procs.set_cpu_limit(p, c)
        if p.exited and p.reason == "StartError":
            # the runtime could not exec the process: StartError 128, then RunContainerError
            msg = procs.start_error_message(p.message or "")
            inst.started_at = None
            inst.finished_at = self.now
            inst.exit_code = 128
            inst.reason = "StartError"
            inst.message = msg
            inst.seen_at = self.now + RHO
            inst.assumptions = list(getattr(p, "assumptions", []) or [])
            cr.waiting = Waiting("RunContainerError", msg)
            self.event("Warning", "Failed", f"Error: {msg}", fp)
            self.need_sync(self.now + RHO)
            return
        self._procs[cid] = p
        self._dirty.add(cid)
        self.event("Normal", "Started", f"Started container {name}", fp)
        if cr.kind != "init" and inst.started and not has_probe["readinessProbe"]:
            inst.ready = True
        self.schedule_probes(c, inst)
        if spec_hash != cr.spec_hash:
            self.need_sync(self.now)  # the spec changed during the pull: the pending update, synced at once
        self.after_proc(c, cr, inst, p)
        if inst.finished_at is None and ((c.get("lifecycle") or {}).get("postStart")):
            self.run_poststart(c, cr, fp, inst)

    def run_poststart(self, c: dict, cr: ContainerRecord, fp: str, inst: InstanceRecord) -> None:
        """The postStart hook, run at once (its effects happen now). A failure is recorded when the hook returns
        (``startContainer``): ``FailedPostStartHook`` "PostStartHook failed" (the event leaves the handler's
        message out), then the container is killed with the message ``FailedPostStartHook``; the handler's
        message is the container's waiting message (reason ``PostStartHookError``) until its next start."""
        hook = c["lifecycle"]["postStart"]
        p = self.proc(inst)
        img = self.image(c.get("image", ""))
        pod = f"{self.name}_{self.ns}({self.rec.uid})"
        msg, dur = "", 0
        if "exec" in hook:
            from minikctl.kube.errors import go_quote

            cmd = [str(x) for x in hook["exec"].get("command") or []]
            view = self.fs().view(c["name"], c.get("volumeMounts"), img)
            code, out, dur = procs.run_exec(cmd, procs.env_for(c, self.pod, img, self.reads), view, img, self.now, None, p)
            if code == 126 and out.startswith("OCI runtime exec failed"):
                # the runtime could not start it: ExecSync fails (a gRPC error), no output
                exec_id = self.tx.digest("exec", inst.id, "postStart")
                err, out = (f'rpc error: code = Unknown desc = failed to exec in container: failed to start exec '
                            f'"{exec_id}": {out}'), ""
            else:
                # the CRI client's CodeExitError (its text carries stderr; the simulation has one stream)
                err = f"command '{' '.join(cmd)}' exited with {code}: {out}"
            if code != 0:
                msg = (f"Exec lifecycle hook ([{' '.join(cmd)}]) for Container \"{c['name']}\" in Pod \"{pod}\" "
                       f"failed - error: {err}, message: {go_quote(out)}")
        elif "httpGet" in hook:
            h = hook["httpGet"]
            host = h.get("host") or self.rec.pod_ip or ""
            port = self.port(c, h.get("port"))
            code, err = procs.http_get(p, port, h.get("path", "/"), self.now, host, h.get("scheme", "HTTP"))
            if code is None and "server gave HTTP response to HTTPS client" in (err or ""):
                # runHTTPHandler retries an HTTPS hook that got an HTTP answer over HTTP, and says so
                code2, _ = procs.http_get(p, port, h.get("path", "/"), self.now, host, "HTTP")
                if code2 is not None:
                    code = code2
                    self.event("Warning", "LifecycleHTTPFallback",
                               f"request to HTTPS lifecycle hook {host}:{port} got HTTP response, "
                               f"retry with HTTP succeeded")
            if code is None:  # only a failed request is an error, whatever the response's status
                msg = (f"HTTP lifecycle hook ({h.get('path', '')}) for Container \"{c['name']}\" in Pod \"{pod}\" "
                       f"failed - error: {err}")
        elif "sleep" in hook:
            dur = int(hook["sleep"].get("seconds", 0)) * 1000
        if p is not None and p.exited:
            self.after_proc(c, cr, inst, p)
            return
        if msg:
            inst.poststart_error = msg
            if dur > 0:
                self.rec.add_timer(self.now + int(dur), R_KUBELET, "poststart", c["name"], inst.id)
            else:
                self.poststart_failed(c, cr, fp, inst)

    def on_poststart(self, cname: str, iid: str) -> None:
        c, cr, fp = self.find(cname)
        inst = cr.current
        if inst is None or inst.id != iid or inst.finished_at is not None or inst.poststart_error is None:
            return
        self.poststart_failed(c, cr, fp, inst)

    def poststart_failed(self, c: dict, cr: ContainerRecord, fp: str, inst: InstanceRecord) -> None:
        msg, inst.poststart_error = inst.poststart_error, None
        self.event("Warning", "FailedPostStartHook", "PostStartHook failed", fp)
        cr.waiting = Waiting("PostStartHookError", msg)  # shown once it has stopped, until the next decision
        grace = int(self.spec.get("terminationGracePeriodSeconds", 30))
        # not a kill-and-restart in one sync: the next sync sees an exited container (back-off applies)
        self.kill(c, cr, fp, "FailedPostStartHook", grace, restart=False)

    # -- back-off -----------------------------------------------------------------------------
    def try_restart(self, c: dict, cr: ContainerRecord, fp: str) -> str:
        """``doBackOff`` then start (``kuberuntime_manager.go``, client-go ``flowcontrol.Backoff``).

        The back-off looks at the finish time F of the latest *exited* instance in the runtime status the sync
        read when it began. In the sync in which the kubelet killed the container itself (liveness, startup,
        definition change: kill and restart in one ``SyncPod``) that is the instance before, as the killed one was
        still running then; every later sync sees the killed one. Blocked (``now - F < backoff``), nothing is
        updated (no ``Next``), so the wait runs from the exit the later syncs see; allowed, ``Next`` doubles the
        delay (or starts at 10 s when there was no entry or it expired: ``F - lastUpdate > 2 * 300 s``) and sets
        ``lastUpdate = now``."""
        cur = cr.current
        killed_now = cur is not None and cur.kill is not None and cur.kill.restart and self.now <= cur.finished_at
        if killed_now:
            F = cr.previous.finished_at if cr.previous is not None else None
        else:
            F = cur.finished_at if cur else None
        if F is not None:
            bo = cr.back_off
            self.accrue_backoff_events(c, cr, fp)
            if bo and F - bo.last_update <= 2 * BACKOFF_MAX * 1000 and self.now - F < bo.seconds * 1000:
                pod = f"{self.name}_{self.ns}({self.rec.uid})"
                cr.waiting = Waiting("CrashLoopBackOff", f"back-off {_dur(bo.seconds * 1000)} restarting failed "
                                                         f"container={c['name']} pod={pod}")
                exit_at = cur.finished_at  # the exit every later decision looks at (F but in the kill sync)
                self.need_sync(exit_at + bo.seconds * 1000)
                if cr.back_off_exit_at != exit_at:
                    # first decision about this exit; the kubelet then re-syncs every 10 s while
                    # it waits, recording BackOff each time (accounted by accrue_backoff_events)
                    self.event("Warning", "BackOff",
                               f"Back-off restarting failed container {c['name']} in pod {pod}", fp)
                    cr.back_off_exit_at = exit_at
                    cr.back_off_events = BackOffEvents(self.now, exit_at + bo.seconds * 1000, self.now)
                    # a loop of the kubelet's own kills alternates blocked and immediate restarts once capped:
                    # not the simple loop the fast-forward extrapolates
                    if not killed_now and (bo.seconds >= BACKOFF_MAX or self.looping_alone() is cr):
                        self.ff_anchor = F
                return "blocked"
            if not bo or F - bo.last_update > 2 * BACKOFF_MAX * 1000:
                cr.back_off = BackOff(BACKOFF_INITIAL, self.now)
            else:
                cr.back_off = BackOff(min(bo.seconds * 2, BACKOFF_MAX), self.now)
        return self.start_container(c, cr, fp)

    def accrue_backoff_events(self, c: dict, cr: ContainerRecord, fp: str) -> None:
        """The BackOff events of the 10 s re-syncs during a back-off wait, added when the pod is
        next looked at (not one wake-up each): ticks at first + 10 s·i, before the wait ends."""
        acc = cr.back_off_events
        if not acc:
            return
        last, end = acc.counted_to, acc.wait_end
        limit = min(self.now, end - 1)
        k = (limit - last) // RESYNC_MS if limit > last else 0
        if k <= 0:
            return
        acc.counted_to = last + k * RESYNC_MS
        pod = f"{self.name}_{self.ns}({self.rec.uid})"
        self.tx.bump_event(self.pod, "Warning", "BackOff",
                           f"Back-off restarting failed container {c['name']} in pod {pod}", "kubelet", fp, k,
                           acc.counted_to)

    # -- kills --------------------------------------------------------------------------------
    def kill(self, c: dict, cr: ContainerRecord, fp: str, message: str, grace_s: int, restart: bool,
             prestop: bool = False) -> None:
        """``killContainer``: ``Killing``, the preStop hook (when asked and grace > 0), then SIGTERM, and SIGKILL
        when what is left of the grace period ends, never less than ``minimumGracePeriodInSeconds`` (2 s) after
        the SIGTERM. The hook's run time, in whole seconds, comes off the grace period."""
        inst = cr.current
        if inst is None or inst.finished_at is not None or inst.kill:
            return
        self.event("Normal", "Killing", message, fp)
        term_at, fails = self.now, None
        if prestop and grace_s > 0:
            term_at, fails = self.run_prestop(c, inst, grace_s)
        left = grace_s - (term_at - self.now) // 1000
        kill_at = term_at + max(left, MIN_GRACE_S) * 1000
        inst.kill = Kill(term_at, kill_at, restart, prestop_fails=fails)
        inst.probes = {k: v for k, v in inst.probes.items() if k == "readiness"} if not restart else {}
        if fails == "when_done" and term_at <= self.now:
            self.prestop_failed(inst, fp)
        if term_at <= self.now:
            self.send_term(c, cr, inst)
        else:
            self.need_sync(term_at)
        if inst.finished_at is None:
            self.need_sync(kill_at)

    def run_prestop(self, c: dict, inst: InstanceRecord, grace_s: int) -> tuple[int, str | None]:
        """Run the preStop hook at once (its effects happen now): (when the stop signal follows it, when its failure
        is recorded: None, "when_done" or "when_stopped"). ``executePreStopHook`` waits for the hook at most the
        grace period; a hook still running then is cut when the container stops."""
        hook = ((c.get("lifecycle") or {}).get("preStop")) or {}
        if not hook:
            return self.now, None
        limit = self.now + grace_s * 1000
        if "sleep" in hook:
            return min(self.now + int(hook["sleep"].get("seconds", 0)) * 1000, limit), None
        p = self.proc(inst)
        try:
            if "exec" in hook:
                img = self.image(c.get("image", ""))
                view = self.fs().view(c["name"], c.get("volumeMounts"), img)
                code, out, dur = procs.run_exec(hook["exec"].get("command") or [],
                                                procs.env_for(c, self.pod, img, self.reads, inst.started_at),
                                                view, img, self.now, grace_s, p)
                if code == -1:  # still running when the grace period ends
                    return limit, "when_stopped"
                return min(self.now + int(dur), limit), ("when_done" if code != 0 else None)
            if "httpGet" in hook:
                h = hook["httpGet"]
                code, _err = procs.http_get(p, self.port(c, h.get("port")), h.get("path", "/"), self.now,
                                            h.get("host") or self.rec.pod_ip or "", h.get("scheme", "HTTP"))
                # runHTTPHandler: only a failed request is an error, whatever the response's status
                return self.now, ("when_done" if code is None else None)
        except Exception:  # a hook the interpreter cannot run is treated as instantaneous
            pass
        return self.now, None

    def prestop_failed(self, inst: InstanceRecord, fp: str) -> None:
        """``executePreStopHook`` records the failure when the hook returns its error, without its message
        ("do not record the message in the event so that secrets won't leak")."""
        inst.kill.prestop_fails = None
        self.event("Warning", "FailedPreStopHook", "PreStopHook failed", fp)

    def send_term(self, c: dict, cr: ContainerRecord, inst: InstanceRecord) -> None:
        inst.kill.term_sent = True
        p = self.proc(inst)
        view = self.fs().view(c["name"], c.get("volumeMounts"), self.image(c.get("image", "")))
        p.signal("TERM", self.now, view)
        self.after_proc_signal(c, cr, inst, p)

    def send_kill(self, c: dict, cr: ContainerRecord, inst: InstanceRecord) -> None:
        p = self.proc(inst)
        view = self.fs().view(c["name"], c.get("volumeMounts"), self.image(c.get("image", "")))
        p.signal("KILL", self.now, view)
        if not p.exited:  # SIGKILL cannot be ignored
            self.take_logs(inst, p)
            self.on_exit(c, cr, inst, 137, "Error", "", self.now)
            return
        self.after_proc_signal(c, cr, inst, p)

    def after_proc_signal(self, c, cr, inst, p) -> None:
        # pending proc timers for this instance stay valid; add one for the new wake time
        self.after_proc(c, cr, inst, p)

    # -- probes -------------------------------------------------------------------------------
    def schedule_probes(self, c: dict, inst: InstanceRecord) -> None:
        for key, _ in PROBE_TYPES:
            probe = c.get(key)
            if not probe:
                continue
            if key != "startupProbe" and not inst.started:
                continue
            self.start_probe(c, inst, key, probe, inst.started_at)

    def start_probe(self, c: dict, inst: InstanceRecord, key: str, probe: dict, not_before: int,
                    strict: bool = False) -> None:
        base = inst.started_at + int(probe.get("initialDelaySeconds", 0)) * 1000
        period = max(1, int(probe.get("periodSeconds", 10))) * 1000
        first = base
        if first < not_before or (strict and first <= not_before):
            k = (not_before - base) // period + 1 if strict else -(-(not_before - base) // period)
            first = base + k * period
            if strict and first <= not_before:
                first += period
        init = {"readinessProbe": False, "livenessProbe": True, "startupProbe": None}[key]
        inst.probes[key] = ProbeWorker(init, base, period, first)
        self.rec.add_timer(first, R_PROBE, "probe", c["name"], inst.id, key)

    def wake_dormant(self) -> None:
        now = self.now
        for c, cr, _ in self.containers():
            inst = cr.current
            if inst is None or inst.finished_at is not None:
                continue
            for key, w in inst.probes.items():
                if w.dormant:
                    k = -(-(now - w.base) // w.period_ms)
                    w.dormant = False
                    w.next_at = w.base + max(0, k) * w.period_ms
                    self.rec.add_timer(w.next_at, R_PROBE, "probe", c["name"], inst.id, key)

    def port(self, c: dict, port) -> int:
        if isinstance(port, int):
            return port
        for p in c.get("ports") or []:
            if p.get("name") == port:
                return int(p.get("containerPort", 0))
        try:
            return int(port)
        except (TypeError, ValueError):
            return 0

    def run_probe(self, c: dict, inst: InstanceRecord, probe: dict) -> tuple[bool, str]:
        timeout = int(probe.get("timeoutSeconds", 1))
        if "exec" in probe:
            img = self.image(c.get("image", ""))
            view = self.fs().view(c["name"], c.get("volumeMounts"), img)
            argv = probe["exec"].get("command") or []
            if self.profile().get("ffwd") is not False:
                # a command that only reads files: one answer per state of them (procs.run_exec_reads); the main
                # process is loaded only to interpret it: a stored process that is not fast-forwarded is the one
                # loading it gives, and so is the record that writing it back would give (procs.dump_process)
                d = inst.process
                facts = procs.process_facts(d) if type(d) is dict and "ffwd" not in d \
                    and inst.id not in self._procs else None
                code, out = procs.run_exec_reads(
                    argv, lambda: procs.env_for(c, self.pod, img, self.reads, inst.started_at), view, img, self.now,
                    timeout, lambda: self.proc(inst, write=True), facts)
                return code == 0, out
            code, out, _ = procs.run_exec(argv, procs.env_for(c, self.pod, img, self.reads, inst.started_at), view,
                                          img, self.now, timeout, self.proc(inst, write=True))
            return code == 0, out
        self.proc(inst, write=False)
        p = network.pod_network(self, c["name"])  # network probes reach every container's ports: one namespace a pod
        ip = self.rec.pod_ip or ""
        if "httpGet" in probe:
            h = probe["httpGet"]
            code, msg = procs.http_get(p, self.port(c, h.get("port")), h.get("path", "/"), self.now, ip,
                                       h.get("scheme", "HTTP"))
            if code is None:
                return False, msg
            if 200 <= int(code) < 400:
                return True, msg or ""
            return False, msg or f"HTTP probe failed with statuscode: {code}"
        if "tcpSocket" in probe:
            ok, msg = procs.tcp_connect(p, self.port(c, probe["tcpSocket"].get("port")), self.now, ip)
            return bool(ok), msg or ""
        if "grpc" in probe:
            g = probe["grpc"]
            ok, msg = procs.grpc_check(p, int(g.get("port", 0)), g.get("service", ""), self.now, ip)
            return bool(ok), msg or ""
        return True, ""

    def on_probe(self, cname: str, iid: str, key: str) -> None:
        c, cr, fp = self.find(cname)
        inst = cr.current
        if inst is None or inst.id != iid or inst.finished_at is not None:
            return
        w = inst.probes.get(key)
        probe = c.get(key)
        if w is None or probe is None or w.dormant or w.next_at != self.now:
            return
        label = dict(PROBE_TYPES)[key]
        deleting = self.rec.termination is not None
        if deleting and key != "readinessProbe":
            inst.probes.pop(key, None)
            return
        ok, out = self.run_probe(c, inst, probe)
        changed = False
        if ok:
            w.successes += 1
            w.failures = 0
            if w.successes >= int(probe.get("successThreshold", 1)) and w.result is not True:
                w.result = True
                changed = True
        else:
            w.failures += 1
            w.successes = 0
            self.event("Warning", "Unhealthy", f"{label} probe failed: {out}", fp)
            if w.failures >= int(probe.get("failureThreshold", 3)) and w.result is not False:
                w.result = False
                changed = True
        if changed:
            self.apply_probe_result(c, cr, fp, inst, key, w.result)
            if key == "startupProbe" and w.result:
                inst.probes.pop(key, None)
                return
            if key in ("livenessProbe", "startupProbe") and w.result is False:
                return  # on hold until a new container instance
        if ok and not changed and w.result is True:
            # steady success: nothing changes until something else happens in the pod, or the
            # process's listeners change by themselves
            chg = None if "exec" in probe else procs.next_listener_change(self.proc(inst, False), self.now)
            if chg is None:
                w.dormant = True
                return
            k = -(-(chg - w.base) // w.period_ms)
            w.next_at = max(self.now + w.period_ms, w.base + k * w.period_ms)
            self.rec.add_timer(w.next_at, R_PROBE, "probe", cname, iid, key)
            return
        w.next_at = self.now + w.period_ms
        if not ok and not changed and w.result is False and key == "readinessProbe":
            self.fast_forward_failing(c, inst, w, probe, fp, f"{label} probe failed: {out}")
        self.rec.add_timer(w.next_at, R_PROBE, "probe", cname, iid, key)

    def fast_forward_failing(self, c: dict, inst: InstanceRecord, w: ProbeWorker, probe: dict, fp: str,
                             message: str) -> None:
        """A readiness probe that failed again, the container not ready: while nothing can change its answer (a
        network probe's answer depends only on the process's listeners; ``exec_reads_only``), every later probe
        fails the same way until the pod's next own timer. Those probes are parked (``kubelet/parked.py``) once
        the instant is settled: they happen at once, and their writes take the store revisions stepping gives
        them, between the other pods' writes, whenever a write or a read needs them."""
        if self.rec.termination is not None or self.profile().get("ffwd") is False:
            return
        tx = self.tx
        if tx.watch_events or getattr(tx, "parked", None) is None:
            return  # a watcher of events sees every probe's write
        ttl = int(tx.meta("event_ttl_ms", "0") or 0)
        if 0 < ttl <= w.period_ms:
            return  # the event may expire between two probes: each one decides whether it is a new one
        if "exec" in probe:
            if not self.exec_reads_only(probe):
                return
        else:
            p = self.proc(inst, False)
            if p is None or procs.next_listener_change(p, self.now) is not None:
                return
        # parked once the instant is settled (the status written at it comes before the later probes' writes)
        self._pending_ff.append((c["name"], inst.id, w, fp, message))

    def exec_reads_only(self, probe: dict) -> bool:
        """An exec probe whose answer is a function of the pod's files alone: one command that only reads them
        (``READ_ONLY_EXEC``, run without a shell), in a pod whose volumes no other pod writes. Its files change only
        when a process of the pod runs (a timer of the pod's own) or a component acts on the pod (a timer of
        another kind): until then, every probe fails the same way (an exec of a command that reads changes
        nothing in the container, ``behavior/process.py`` ``run_exec_timed``)."""
        argv = (probe.get("exec") or {}).get("command") or []
        if not argv or not isinstance(argv[0], str) or argv[0].rsplit("/", 1)[-1] not in READ_ONLY_EXEC:
            return False
        for v in self.spec.get("volumes") or []:
            if not (set(v) - {"name"}) <= POD_LOCAL_VOLUMES:
                return False
        return True

    def settled(self) -> None:
        """The instant is settled (status written): the failing probes found steady are parked now, up to the
        pod's next own timer or the advance's target (one a pod: another probe's timer bounds the first)."""
        pending, self._pending_ff = self._pending_ff, []
        parked = getattr(self.tx, "parked", None)
        if parked is None:
            return
        from .parked import Park

        rec = self.rec
        for cname, iid, w, fp, message in pending:
            if parked.has(self.ns, self.name) or (self.ns, self.name) in parked.jumps:
                return
            end = self.horizon
            armed = False
            for t in rec.timers:
                if t.kind == "probe" and t.instance == iid and t.container == cname and t.at == w.next_at:
                    armed = True
                elif t.at <= end:
                    end = t.at - 1  # the pod's own next event comes first
            if not armed or w.next_at > end:
                continue
            park = Park(self.ns, self.name, self.pod, cname, iid, "readinessProbe", fp, message, w.next_at,
                        w.period_ms, end)
            park.apply(rec, w)
            parked.add(park)

    def apply_probe_result(self, c, cr, fp, inst, key, res) -> None:
        if key == "readinessProbe":
            inst.ready = bool(res) and inst.started
        elif key == "startupProbe":
            if res:
                inst.started = True
                if not c.get("readinessProbe"):
                    inst.ready = cr.kind != "init"
                for k2 in ("livenessProbe", "readinessProbe"):
                    if c.get(k2):
                        self.start_probe(c, inst, k2, c[k2], self.now, strict=True)
                self.need_sync(self.now)  # a started sidecar lets the next init container start
            else:
                self.probe_kill(c, cr, fp, "startup")
        elif key == "livenessProbe" and res is False:
            self.probe_kill(c, cr, fp, "liveness")

    def probe_kill(self, c, cr, fp, what: str) -> None:
        probe = c.get("startupProbe" if what == "startup" else "livenessProbe") or {}
        grace = probe.get("terminationGracePeriodSeconds")
        if grace is None:
            grace = self.spec.get("terminationGracePeriodSeconds", 30)
        restart = self.should_restart(cr, 137)
        msg = f"Container {c['name']} failed {what} probe" + (", will be restarted" if restart else "")
        self.kill(c, cr, fp, msg, int(grace), restart=restart)
        self.need_sync(self.now)

    def should_restart(self, cr: ContainerRecord, code: int | None) -> bool:
        if cr.kind == "ephemeral":
            return False  # never restarted
        if cr.kind == "sidecar":
            return True
        policy = self.spec.get("restartPolicy", "Always")
        if cr.kind == "init":
            return policy != "Never" and code != 0
        if policy == "Always":
            return True
        if policy == "OnFailure":
            return code != 0
        return False

    # -- the sync -----------------------------------------------------------------------------
    def sync(self) -> None:
        now = self.now
        for c, cr, fp in self.containers():
            inst = cr.current
            if inst is None or inst.finished_at is not None:
                continue
            k = inst.kill
            if k:
                if k.prestop_fails == "when_done" and k.term_at <= now:
                    self.prestop_failed(inst, fp)
                if not k.term_sent and k.term_at <= now:
                    self.send_term(c, cr, inst)
                if inst.finished_at is None and k.kill_at <= now:
                    self.send_kill(c, cr, inst)
        # deadline
        rec = self.rec
        ads = self.spec.get("activeDeadlineSeconds")
        if ads is not None and rec.started_at is not None and not rec.deadline_exceeded and not self.terminal_phase():
            due = rec.started_at + int(ads) * 1000
            if now >= due:
                rec.deadline_exceeded = True
                self.event("Normal", "DeadlineExceeded",
                           "Pod was active on the node longer than the specified deadline")
            else:
                self.need_sync(due)
        if rec.deadline_exceeded or rec.termination is not None or rec.killing:
            self.stop_all()
            return
        if self.terminal_phase():
            return
        self.reconcile()

    def terminal_phase(self) -> bool:
        return (self.pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")

    def stop_all(self) -> None:
        """Kill every running container (regular first, sidecars once they are all gone)."""
        term = self.rec.termination
        grace = term.grace_s if term else int(self.spec.get("terminationGracePeriodSeconds", 30))
        for c, cr, fp in self.containers():
            cr.pull = None
            inst = cr.current
            if cr.kind == "sidecar" or inst is None or inst.finished_at is not None:
                continue
            if not inst.kill or inst.kill.restart:
                if inst.kill:
                    inst.kill.restart = False
                else:
                    self.kill(c, cr, fp, f"Stopping container {c['name']}", grace, restart=False, prestop=True)
        still = any(cr.kind != "sidecar" and cr.current and cr.current.finished_at is None
                    for _, cr, _ in self.containers())
        if not still:
            # sidecars last, in reverse order, with what is left of the grace period
            sidecars = [x for x in self.containers() if x[1].kind == "sidecar"]
            for c, cr, fp in reversed(sidecars):
                inst = cr.current
                if inst is not None and inst.finished_at is None and not inst.kill:
                    remaining = grace
                    if term:
                        remaining = max(2, (term.deadline - self.now + 999) // 1000)
                    self.kill(c, cr, fp, f"Stopping container {c['name']}", int(remaining), restart=False,
                              prestop=True)
        running = [cr for _, cr, _ in self.containers() if cr.current and cr.current.finished_at is None]
        if running:
            return
        self.rec.stopped = True
        if term is not None:
            last = max([cr.current.finished_at for _, cr, _ in self.containers() if cr.current]
                       + [term.requested_at])
            gone_at = last + RHO
            if self.now >= gone_at:
                self.rec.gone_at = self.now
            else:
                self.need_sync(gone_at)

    def mount_volumes(self) -> bool:
        """WaitForAttachAndMount before the pod's first container (kubelet/config.py): the configMap, secret,
        downwardAPI and projected volumes filled, or FailedMount and a retry after the back-off. True: mounted."""
        from minikctl.engine.kubelet import config

        st = self.rec.volumes
        if st is not None and st.get("mounted"):
            return True
        if any(cr.current is not None or cr.pull is not None for _, cr, _ in self.containers()):
            self.rec.volumes = {"mounted": True}  # a pod of an older store, already running
            return True
        if st is not None and self.now < st["next"]:
            self.need_sync(st["next"])
            return False
        error = config.mount_error(self.reads, self.pod)
        if error is not None:
            attempts = (st or {}).get("attempts", 0)
            delay = min(config.MOUNT_RETRY_INITIAL_MS * 2 ** attempts, config.MOUNT_RETRY_MAX_MS)
            self.event("Warning", "FailedMount", error)
            self.rec.volumes = {"mounted": False, "attempts": attempts + 1, "next": self.now + delay}
            self.need_sync(self.now + delay)
            return False
        fs = self.fs()
        for volume, files in config.volume_contents(self.reads, self.pod).items():
            fs.populate(volume, files)
        self.rec.volumes = {"mounted": True}
        return True

    def reconcile(self) -> None:
        """computePodActions + SyncPod: what to kill and what to start now."""
        if not self.mount_volumes():
            return
        now = self.now
        for c, cr, fp in self.containers():
            inst = cr.current
            if (cr.kind != "init" and inst is not None and inst.finished_at is None and inst.kill is None
                    and inst.spec_hash is not None and inst.spec_hash != cr.spec_hash):
                # created from an older definition (a pull for it ended after the spec changed): containerChanged
                what = f"Init container {c['name']} definition changed" if cr.kind == "sidecar" else \
                    f"Container {c['name']} definition changed, will be restarted"
                self.kill(c, cr, fp, what, int(self.spec.get("terminationGracePeriodSeconds", 30)), restart=True)
        for c, cr, fp in self.containers():
            pull = cr.pull
            if pull is not None:
                if pull.done_at <= now:
                    if self.finish_pull(c, cr, fp) == "started":
                        continue
                    return
                self.need_sync(pull.done_at)
                return  # serial pulls: nothing else starts while one pull runs
        # ephemeral containers first (SyncPod step 5: even when an init container fails), once each
        for c, cr, fp in self.containers():
            if cr.kind == "ephemeral" and cr.current is None:
                if self.start_container(c, cr, fp) == "pulling":
                    return
        policy = self.spec.get("restartPolicy", "Always")
        # the pod has been initialized once a regular container has run (hasAnyRegularContainerCreated)
        initialized = any(cr.current is not None for _, cr, _ in self.containers() if cr.kind == "app")
        # init containers, one at a time
        for c, cr, fp in self.containers():
            if cr.kind in ("app", "ephemeral"):
                break
            inst = cr.current
            if cr.kind == "sidecar":
                if inst is not None and inst.finished_at is None:
                    if not inst.started:
                        return
                    # computeInitContainerActions starts what follows a sidecar only once the runtime status the
                    # sync read shows it running: one relist (PLEG) after it started, not in the sync that
                    # started it
                    if not initialized and now < inst.started_at + RHO:
                        self.need_sync(inst.started_at + RHO)
                        return
                    continue
                if inst is not None:
                    if now < inst.seen_at:
                        self.need_sync(inst.seen_at)
                        return
                    if self.try_restart(c, cr, fp) != "started":
                        return
                else:
                    if self.start_container(c, cr, fp) != "started":
                        return
                inst = cr.current
                if inst.finished_at is None and inst.started:
                    if not initialized:
                        self.need_sync(now + RHO)
                        return
                    continue
                return
            if cr.initialized:
                continue
            if inst is None:
                self.start_container(c, cr, fp)
                if cr.current is None or cr.current.finished_at is None:
                    return
                inst = cr.current
            if inst.finished_at is None:
                return
            if now < inst.seen_at:
                self.need_sync(inst.seen_at)
                return
            if inst.exit_code == 0:
                cr.initialized = True
                continue
            if policy == "Never":
                self.rec.killing = True
                self.stop_all()
                return
            self.try_restart(c, cr, fp)
            return
        # regular containers, in spec order (each pull blocks the next)
        done_for_good = True
        for c, cr, fp in self.containers():
            if cr.kind != "app":
                continue
            inst = cr.current
            if inst is None:
                done_for_good = False
                if self.start_container(c, cr, fp) == "pulling":
                    return
                continue
            if inst.finished_at is None:
                done_for_good = False
                continue
            if now < inst.seen_at:
                done_for_good = False
                self.need_sync(inst.seen_at)
                continue
            force = inst.kill is not None and inst.kill.restart
            if force or self.should_restart(cr, inst.exit_code):
                done_for_good = False
                if self.try_restart(c, cr, fp) == "pulling":
                    return
        if done_for_good and any(cr.kind == "app" for _, cr, _ in self.containers()):
            # nothing left to keep or start: KillPod (sidecars are stopped, not restarted)
            self.rec.killing = True
            self.stop_all()

    # -- fast-forward over periodic cycles ---------------------------------------------------
    def looping_alone(self) -> ContainerRecord | None:
        """The pod's one container that ever ran, when every other one never did (nothing pulled, started or
        waited for: the app containers behind a crash-looping init container or sidecar): its crash loop is then
        that of a one-container pod (``cycle_single``), the others' statuses staying as they are. None otherwise."""
        found = None
        for cr in self.rec.containers.values():
            if cr.current is None and cr.previous is None and cr.pull is None and cr.waiting is None \
                    and cr.back_off is None and not cr.restart_count:
                continue
            if found is not None or cr.kind not in ("app", "init", "sidecar"):
                return None
            found = cr
        return found

    def looping(self) -> list | None:
        """The containers whose crash loop ``cycle_single`` jumps, as (name, record) pairs: the one looping alone
        (``looping_alone``), or every container of the pod when all are app containers waiting out the capped
        back-off after exits at one instant, each last restarted at one instant and as often as the others. One
        ``SyncPod`` then restarts each of them at the end of the same wait (``kuberuntime_manager.go``
        ``computePodActions``, ``doBackOff``), they run as long and exit together, cycle after cycle. None
        otherwise: the pod is stepped."""
        cr = self.looping_alone()
        if cr is not None:
            return [(name, c) for name, c in self.rec.containers.items() if c is cr]
        out = []
        shape = None
        for name, c in self.rec.containers.items():
            cur, bo = c.current, c.back_off
            if c.kind != "app" or cur is None or c.previous is None or not bo or bo.seconds < BACKOFF_MAX:
                return None
            s = (cur.finished_at, bo.seconds, bo.last_update, c.restart_count, cur.attempt)
            if shape is not None and s != shape:
                return None
            shape = s
            out.append((name, c))
        return out if len(out) > 1 else None

    def _instance_like(self, template: str, name: str, shift: int, attempt: int) -> InstanceRecord:
        """A copy of the instance whose JSON is ``template``, as container ``name``'s ``attempt``: its id that
        attempt's, its times ``shift`` ms on (a cycle ``cycle_single`` jumps over)."""
        inst = InstanceRecord.from_json(json.loads(template))
        inst.attempt = attempt
        inst.id = self.tx.digest("container", self.rec.uid, name, attempt)
        if inst.started_at is not None:
            inst.started_at += shift
        if inst.finished_at is not None:
            inst.finished_at += shift
        if inst.seen_at is not None:
            inst.seen_at += shift
        return inst

    def cycle_single(self, anchor: int) -> None:
        """Fast-forward for a pod with one container, or one container that ever ran (``looping_alone``: an init
        container crash-looping before the app containers), also before the back-off is capped; and for a pod
        whose several containers crash-loop in step once their back-off is capped (``looping``): each of them
        is then moved as a one-container pod's is, their writes interleaved as one ``SyncPod`` makes them.

        Called at each back-off decision (``anchor`` = the exit being backed off). When the record,
        with the back-off value masked and every instance seen from its own start, equals the
        one at the previous decision, each further cycle is known: restart at F + b, exit d later,
        b doubles up to the cap. Every whole cycle that ends before the horizon is applied at once.
        """
        rec = self.rec
        loop = self.looping()
        if loop is None or self.spec.get("activeDeadlineSeconds") is not None or rec.termination \
                or rec.deadline_exceeded:
            rec.cycle = None
            rec.event_log = None
            return
        self.flush()
        self._procs.clear()
        evs = rec.event_log
        prev = rec.cycle
        with store_logs.read_together(self.tx, [i.id for _, c in loop for i in (c.current, c.previous)
                                                if i is not None]) as read:
            sig = _signature(_masked(rec, anchor, self.log_view))
        rec.cycle = CrashLoopCycle(sig, anchor, {name: c.restart_count for name, c in loop})
        rec.event_log = []
        if (not prev or evs is None or prev.signature != sig
                or any(c.restart_count - prev.restart_counts.get(name, -1) != 1 for name, c in loop)):
            return
        if any(c.current is None or c.previous is None or c.current.finished_at != anchor or not c.back_off
               for _, c in loop):
            return
        name, cr = loop[0]  # the others' cycles are this one's (``looping``)
        cur, bo = cr.current, cr.back_off
        b, run = bo.seconds, anchor - bo.last_update
        if run < 0 or run > 2 * BACKOFF_MAX * 1000:
            return  # a run that long resets the back-off: not this simple loop
        lag = self.now - anchor  # the decision happens this long after each exit

        def backoffs(b_s: int) -> int:
            # BackOff events of one cycle: the re-syncs during the wait, then the next decision
            return -(-(b_s * 1000 - lag) // RESYNC_MS)

        exits = [anchor]
        restarts: list[int] = []
        cycles: list[tuple[int, int, int]] = []  # (restart, exit, restart count) of each cycle jumped over
        capped = None  # the capped cycles, all alike: (first restart, period, run, how many, first restart count)
        n = 0
        n_backoff = 0
        while True:
            if b >= BACKOFF_MAX and n >= 1:
                # capped: the remaining cycles all have the same length
                period = BACKOFF_MAX * 1000 + run
                m = (self.horizon - lag - exits[-1]) // period
                if m > 0:
                    capped = (exits[-1] + BACKOFF_MAX * 1000, period, run, m, cr.restart_count + n + 1)
                    n += m
                    n_backoff += m * backoffs(b)
                    exits.append(exits[-1] + m * period)
                    exits[-2] = exits[-1] - period
                    restarts.append(exits[-1] - run)
                break
            r = exits[-1] + b * 1000
            f = r + run
            if f + lag > self.horizon:
                break
            restarts.append(r)
            exits.append(f)
            cycles.append((r, f, cr.restart_count + n + 1))
            n += 1
            n_backoff += backoffs(b)
            b = min(2 * b, BACKOFF_MAX)
        if n < 1:
            return
        plan = self.jump_writes(evs, anchor, run, lag, cycles, capped)
        if plan is False:
            return  # a controller reacts to the pod's status between the cycles: they are stepped
        pod = f"{self.name}_{self.ns}({rec.uid})"
        # the timeline's history gets each cycle at its own instants, as if they had been stepped
        # (an init container's entry in the pod's summary is ``init:<name>``, history.summary)
        entries = [("init:" if c.kind in ("init", "sidecar") else "") + nm for nm, c in loop]
        history.record_crash_loop(self.tx.conn, rec.uid, entries, self.now, lag, cycles, capped,
                                  getattr(self.tx, "_history", None))
        shift = exits[-1] - anchor
        ids: dict[str, str] = {}
        for name, cr in loop:
            cur = cr.current
            template = json.dumps(cur.to_json())  # cur is replaced below: each new instance is a copy of it
            cr.restart_count += n
            new_cur = self._instance_like(template, name, exits[-1] - anchor, cur.attempt + n)
            new_prev = self._instance_like(template, name, exits[-2] - anchor, cur.attempt + n - 1)
            # each printed what cur printed (when n is 1, new_prev is cur: its times move in place, after the
            # copy); the previous instance printed it too, seen from its own start (the signature compares each
            # instance's lines from there): the two streams are moved to the new instances rather than copied then
            # dropped
            targets = [(new_cur.id, exits[-1] - anchor), (new_prev.id, exits[-2] - anchor)]
            if not store_logs.move_twins(self.tx, read, cur.id, _base(cur), cr.previous.id, _base(cr.previous),
                                         targets):
                store_logs.copies(self.tx, cur.id, targets, self.ns, self.name)
                store_logs.drop(self.tx, [i for i in (cur.id, cr.previous.id) if i not in (new_cur.id, new_prev.id)])
            ids[cur.id] = new_cur.id
            cr.current, cr.previous = new_cur, new_prev
            cr.back_off = BackOff(b, restarts[-1])
            cr.waiting = Waiting("CrashLoopBackOff",
                                 f"back-off {_dur(b * 1000)} restarting failed container={name} pod={pod}")
            cr.back_off_exit_at = exits[-1]
            cr.back_off_events = BackOffEvents(exits[-1] + lag, exits[-1] + b * 1000, exits[-1] + lag)
        rec.timers = [Timer(t.at + shift, t.rank, t.seq, t.kind, t.container, ids.get(t.instance, t.instance),
                            t.probe) for t in rec.timers if t.kind != "sync"]
        rec.add_timer(exits[-1] + b * 1000, R_KUBELET, "sync")
        times: dict[tuple, int] = {}
        last: dict[tuple, int] = {}
        for e in evs:
            key = e.key()
            times[key] = times.get(key, 0) + 1
            last[key] = max(last.get(key, e.at - anchor), e.at - anchor)
        bumps = []
        for key in sorted(times):
            if key[1] == "BackOff" and key[0] == "Warning":
                count, at = n_backoff, exits[-1] + lag  # depends on each cycle's back-off
            else:
                count, at = times[key] * n, exits[-1] + last[key]
            bumps.append((key, count, at))
        if plan is None:
            for key, count, at in bumps:
                self.tx.bump_event(self.pod, key[0], key[1], key[2], "kubelet", key[3], count, at)
        else:
            # the jumped cycles' writes take their revisions in the loop's order, when a write needs the next one
            # (kubelet/parked.py ``Jump``); their counts and times are the events' now
            from .parked import Jump

            for key, count, at in bumps:
                self.tx.bump_event(self.pod, key[0], key[1], key[2], "kubelet", key[3], count, at, keep_rv=True)
            explicit, cap, per_cycle = plan
            self.tx.parked.add_jump(Jump(self.ns, self.name, rec.uid, explicit, cap, {key: at for key, _, at in bumps},
                                         per_cycle))
        rec.cycle = CrashLoopCycle(sig, exits[-1], {nm: c.restart_count for nm, c in loop})
        # conditions that flipped during the last cycle (Ready while it ran) flipped in the last one too
        from minikctl.kube.timefmt import parse_rfc3339

        last_restart = bo.last_update
        for cond in (self.pod.get("status") or {}).get("conditions") or []:
            ltt = cond.get("lastTransitionTime")
            if ltt and cond.get("type") in ph.KUBELET_CONDITIONS and parse_rfc3339(ltt) >= last_restart - 999:
                cond["lastTransitionTime"] = _ts(parse_rfc3339(ltt) + shift)

    def jump_writes(self, evs: list, anchor: int, run: int, lag: int, cycles: list, capped: tuple | None):
        """The store writes stepping would make over the cycles ``cycle_single`` jumps, for ``parked.Jump``: they
        take their revisions in the loop's order when a write needs the next one (kubelet/parked.py). None when
        they cannot wait so (a watch of the store's changes, a probe of the pod parked): the jump then writes the
        pod once. False when a controller whose gate (engine/controllers/__init__.py) lets the pod's status write
        through (each jumped write would be a change it works on) may write for it: its writes depend on the
        instant of each of the pod's (a Deployment's Available condition, an Endpoints' last-change-trigger-time),
        so the cycles are stepped.

        A cycle (restart r, exit f = r + run, decision d = f + lag) writes, as the cycle learned before it did
        (``evs``, the events recorded since the last decision): at r, for each container in turn, its BackOff
        event's 10 s re-syncs accrued during the wait (``accrue_backoff_events``, when there was one) then its
        events of r (Pulled, Created, Started: ``try_restart``), then the pod's status; at f (when it is not r)
        its events, then the status; at d its events (each container's BackOff), then the status.
        Returns (the explicit cycles' groups, the capped cycles' (first restart, period, count, groups from a
        restart) or None, groups in a cycle), a group being (instant, writes), a write an event's key or None for
        the status."""
        tx = self.tx
        parked = getattr(tx, "parked", None)
        if parked is None or tx.watch_events or tx.journal is not None or parked.has(self.ns, self.name):
            return None
        from minikctl.store.changelog import MODIFIED, Change

        # a controller whose gate lets the pod's status write through would see each of the jumped writes, and
        # what it writes then depends on their instants: the cycles are stepped. The ReplicaSet controller writes
        # nothing for them when no ReplicaSet selects the orphan pod, or when the pod stays not ready (no run: the
        # container exits where it starts) and its ReplicaSet is settled (controllers/__init__.py
        # ``replica_set_syncs_write_nothing``); store meta ``engine:profile`` {"ownedjump": false} counts it as
        # acting
        ch = Change(0, MODIFIED, "Pod", self.ns, self.name, self.rec.uid, "", self.pod, "kubelet")
        if parked.loop.others_act_on(ch):
            from minikctl.engine.controllers import replica_set_syncs_write_nothing

            if self.profile().get("ownedjump") is False or parked.loop.others_act_on(ch, ("ReplicaSetController",)) \
                    or not replica_set_syncs_write_nothing(tx, self.pod, run > 0):
                return False
        restart = anchor - run
        at: dict = {restart: [], anchor: [], anchor + lag: []}
        for e in evs:
            if e.at not in at:
                return None  # an event at another instant of the cycle: not the shape counted here
            at[e.at].append(e.key())
        backoff = [k for k in at[anchor + lag] if k[0] == "Warning" and k[1] == "BackOff"]
        if not backoff:
            return None

        # at a restart each container in turn has its BackOff re-syncs accrued, then is started (its events);
        # at a decision each container's BackOff, in the same order
        backoff_of = {k[3]: k for k in backoff}
        if len(backoff_of) != len(backoff) or not backoff_of.keys() <= {k[3] for k in at[restart]}:
            return None

        def one(r: int, f: int, prev_decision: int) -> list:
            accrued = (r - 1 - prev_decision) // RESYNC_MS > 0
            writes: list = []
            seen = set()
            for k in at[restart]:
                if accrued and k[3] in backoff_of and k[3] not in seen:
                    writes.append(backoff_of[k[3]])
                seen.add(k[3])
                writes.append(k)
            groups = [(r, writes + [None])]
            if run:
                groups.append((f, at[anchor] + [None]))
            groups.append((f + lag, at[anchor + lag] + [None]))
            return groups

        explicit: list = []
        decision = anchor + lag
        for r, f, _ in cycles:
            explicit += one(r, f, decision)
            decision = f + lag
        cap = None
        if capped:
            first, period, crun, m, _ = capped
            cap = (first, period, m, [(t - first, w) for t, w in one(first, first + crun, first - BACKOFF_MAX * 1000
                                                                     + lag)])
        return explicit, cap, 3 if run else 2

    # -- status -------------------------------------------------------------------------------
    def container_status(self, c: dict, cr: ContainerRecord, has_init: bool) -> dict:
        inst = cr.current
        st: dict = {"image": c.get("image", ""), "imageID": "", "lastState": {}, "name": c["name"], "ready": False,
                    "restartCount": cr.restart_count, "started": False}
        default_wait = {"reason": "PodInitializing" if has_init else "ContainerCreating"}
        if inst is None:
            w = cr.waiting
            st["state"] = {"waiting": self._wait(w) if w else default_wait}
            if cr.kind == "ephemeral":
                st.pop("started", None)
            return st
        st["image"] = inst.image
        st["imageID"] = inst.image_id
        st["containerID"] = "containerd://" + inst.id
        prev = cr.previous
        if inst.finished_at is None:
            st["state"] = {"running": {"startedAt": _ts(inst.started_at)}}
            st["started"] = bool(inst.started)
            st["ready"] = bool(inst.ready)
            if prev is not None:
                st["lastState"] = {"terminated": self._term(prev)}
        elif cr.waiting and (cr.kind != "init" or not cr.initialized):
            st["state"] = {"waiting": self._wait(cr.waiting)}
            st["lastState"] = {"terminated": self._term(inst)}
        else:
            st["state"] = {"terminated": self._term(inst)}
            st["ready"] = cr.kind == "init" and inst.exit_code == 0
            if prev is not None:
                st["lastState"] = {"terminated": self._term(prev)}
        if cr.kind == "ephemeral":
            st["ready"] = False  # never ready; no startup probe, so no ``started`` (the prober sets it)
            st.pop("started", None)
        mounts = []
        for m in c.get("volumeMounts") or []:
            vm = {"mountPath": m.get("mountPath", ""), "name": m.get("name", "")}
            if m.get("readOnly"):
                vm["readOnly"] = True
                vm["recursiveReadOnly"] = "Disabled"
            mounts.append(vm)
        if mounts:
            st["volumeMounts"] = mounts
        return st

    @staticmethod
    def _wait(w: Waiting) -> dict:
        d = {}
        if w.message:
            d["message"] = w.message
        d["reason"] = w.reason
        return d

    @staticmethod
    def _term(inst: InstanceRecord) -> dict:
        d = {"containerID": "containerd://" + inst.id, "exitCode": inst.exit_code,
             "finishedAt": _ts(inst.finished_at)}
        if inst.message:
            d["message"] = inst.message
        if inst.reason:
            d["reason"] = inst.reason
        d["startedAt"] = _ts(inst.started_at) if inst.started_at is not None else _ts(0)  # StartError: zero time
        return d

    def build_status(self) -> dict:
        old = self.pod.get("status") or {}
        status = dict(old)
        spec = self.spec
        now_s = _ts(self.now)
        has_init = bool(spec.get("initContainers"))
        inits = [self.container_status(c, cr, has_init) for c, cr, _ in self.containers()
                 if cr.kind in ("init", "sidecar")]
        apps = [self.container_status(c, cr, has_init) for c, cr, _ in self.containers() if cr.kind == "app"]
        ephemeral = [self.container_status(c, cr, False) for c, cr, _ in self.containers() if cr.kind == "ephemeral"]
        started_any = any(cr.current is not None for _, cr, _ in self.containers() if cr.kind == "app")
        rec = self.rec
        terminal = bool(rec.stopped and (rec.termination is not None or rec.killing or rec.deadline_exceeded))
        phase = ph.get_phase(spec, inits, apps, terminal, started_any)
        if old.get("phase") in ("Succeeded", "Failed"):
            phase = old["phase"]
        if self.rec.deadline_exceeded:
            phase = "Failed"
            status["reason"] = "DeadlineExceeded"
            status["message"] = "Pod was active on the node longer than the specified deadline"
        if inits:
            status["initContainerStatuses"] = inits
        status["containerStatuses"] = apps
        if ephemeral:
            status["ephemeralContainerStatuses"] = ephemeral
        node_ip = self.rec.host_ip or ""
        if node_ip:
            status["hostIP"] = node_ip
            status["hostIPs"] = [{"ip": node_ip}]
        if self.rec.pod_ip:
            status["podIP"] = self.rec.pod_ip
            status["podIPs"] = [{"ip": self.rec.pod_ip}]
        if self.rec.started_at is not None:
            status["startTime"] = _ts(self.rec.started_at)
        status["phase"] = phase
        sandbox = phase not in ("Succeeded", "Failed") and self.rec.started_at is not None
        computed = ph.kubelet_conditions(spec, phase, inits, apps, sandbox, started_any)
        cr = [x for x in computed if x[0] == "ContainersReady"][0]
        ready = ph.ready_condition(spec, cr, old.get("conditions") or [])
        order = [x for x in computed if x[0] != "ContainersReady"] + [ready, cr, ("PodScheduled", True, "", "")]
        status["conditions"] = ph.merge_conditions(old.get("conditions") or [], order, now_s)
        return status

    def status_key(self) -> tuple:
        """Everything the generated status depends on (besides the pod object itself)."""
        rec = self.rec
        parts: list = [rec.deadline_exceeded, rec.stopped, bool(rec.termination), rec.killing, rec.pod_ip,
                       rec.started_at]
        for name in sorted(rec.containers):
            cr = rec.containers[name]
            cur, prev, w = cr.current, cr.previous, cr.waiting
            parts.append((name, cr.restart_count, (w.reason, w.message) if w else None, cr.initialized,
                          cur and (cur.id, cur.finished_at, cur.started, cur.ready, cur.message),
                          prev and prev.id))
        return tuple(parts)

    def write_status(self) -> None:
        if self.rec.gone_at is not None:
            return
        key = self.status_key()
        if key == getattr(self, "_status_key", None) and self.pod.get("status") is getattr(self, "_status_obj", None):
            return  # nothing the status is made of has changed since it was last generated
        status = self.build_status()
        old = self.pod.get("status") or {}
        if status != old:
            self.pod["status"] = status
            # a pod with no timer left (started, nothing to probe or restart) is not written again until something
            # changes it: its printed row is computed now, from the status at hand, not decoded from its body later
            # (Api.write_status ``settled``; the same row either way)
            body, self._body = self._body, None
            if body is not None and self.profile().get("twins") is not False:
                from . import statustwins

                self._body = statustwins.of(self.tx).write(self.api, self.pod, old, body, not self.rec.timers)
            else:
                self.api.write_status(self.pod, old, settled=not self.rec.timers)
        self._status_key = key
        self._status_obj = self.pod.get("status")


def _base(inst: InstanceRecord) -> int:
    """The instant ``_masked`` sees an instance from: its start, else its end."""
    if inst.started_at is not None:
        return inst.started_at
    return inst.finished_at or 0


def _signature(d: dict) -> str:
    return sha256(_sorted_dumps(d).encode()).hexdigest()


def _masked(rec: PodRecord, anchor: int, log_view) -> dict:
    """The record (JSON) as compared between two back-off decisions of a one-container pod: timers relative to
    the decision (kubelet syncs left out), each instance relative to its own start; back-off values, restart
    counts, attempts and ids left out, a waiting state reduced to its reason."""
    # to_json makes new dicts for everything changed below; the filesystem and process records (only
    # serialised) stay shared with the record rather than deep-copied
    d = rec.to_json()
    for k in ("timer_seq", "cycle", "event_log"):
        d.pop(k, None)
    d["timers"] = sorted([t.at - anchor, t.rank, t.kind, t.container or "", "?" if t.instance else "", t.probe or ""]
                         for t in rec.timers if t.kind != "sync")
    for name, cd in d["containers"].items():
        for k in ("restart_count", "back_off", "back_off_exit_at", "back_off_events"):
            cd.pop(k, None)
        w = cd.get("waiting")
        if w:
            cd["waiting"] = w["reason"]
        pull = cd.get("pull")
        if pull:
            pull["done_at"] -= anchor
        for key in ("current", "previous"):
            i = cd.get(key)
            if not i:
                continue
            base = i.get("started_at")
            if base is None:
                base = i.get("finished_at") or 0
            for k in ("started_at", "finished_at", "seen_at"):
                if k in i:
                    i[k] -= base
            i["logs"] = log_view(getattr(rec.containers[name], key), base)
            kill = i.get("kill")
            if kill:
                kill["term_at"] -= base
                kill["kill_at"] -= base
            for w in (i.get("probes") or {}).values():
                w["base"] -= base
                w["next_at"] -= base
            del i["id"], i["attempt"]
    for b in (d.get("image_backoff") or {}).values():
        b["last_update"] -= anchor
    return d

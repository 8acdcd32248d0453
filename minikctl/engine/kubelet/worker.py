"""The simulated kubelet's pod worker: a discrete-event state machine per pod (``pod_workers.go`` + ``SyncPod``).

Per pod the kubelet keeps a hidden runtime record (``tx.get_runtime("Pod", ...)``) holding a private timer
queue. Timers are ``[ms, rank, seq, kind, args]``; ``rank`` orders what happens at one instant
(docs/lifecycle.md §10.2): 1 process progress, 2 probes, 3 kubelet reactions. The
store's wake index holds the earliest timer of each pod, so ``advance`` only touches pods that
are due. Status is never hand-written: after each instant it is regenerated from the runtime
record with the kubelet's rules (``phase.py``) and written only when it changed.

Runtime record (JSON)::

  uid, node, ip, start        bind data (start = status.startTime in ms)
  t: [[ms, rank, seq, kind, args]], seq
  fs                          PodFS.to_dict()
  c: {name: C}                per container (init, sidecar or app)
  ibo: {image: [backoff_s, last_ms]}     image pull back-off
  term: {...}                 graceful deletion in progress;  dl: deadline exceeded
  C = {n: restartCount, cur: I|None, prev: I|None, wait: [reason, msg]|None,
       bo: [backoff_s, last_ms]|None, pull: {until, ok, ms}|None, ok: init done, hash}
  I = {id, a: attempt, t0, t1, code, reason, msg, seen, proc, logs: [[ms, line]],
       started, ready, pr: {probe type: worker}, kill: {...}|None, img: {image, imageID}}
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from minikctl.engine.kubelet import phase as ph
from minikctl.engine.kubelet import procs

RHO = 1000  # kubelet observation delay (PLEG relist period)
R_PROC, R_PROBE, R_KUBELET = 1, 2, 3
BACKOFF_INITIAL = 10
BACKOFF_MAX = 300
RESYNC_MS = 10_000  # pod worker requeue after a sync error (back-off): the kubelet looks again every 10 s
LOG_LINES = 10_000
SCHED_RETRY_MS = 300_000

PROBE_TYPES = (("startupProbe", "Startup"), ("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"))


def _ts(ms: int) -> str:
    from minikctl.kube.timefmt import rfc3339

    return rfc3339(ms)


def _dur(ms: int) -> str:
    from minikctl.kube.timefmt import format_go_duration

    return format_go_duration(ms)


def spec_hash(c: dict) -> str:
    return hashlib.sha256(json.dumps(c, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# runtime record helpers


def new_record(pod: dict) -> dict:
    meta = pod["metadata"]
    spec = pod.get("spec") or {}
    c: dict[str, dict] = {}
    for kind, key in (("init", "initContainers"), ("app", "containers")):
        for cont in spec.get(key) or []:
            k = "sidecar" if kind == "init" and cont.get("restartPolicy") == "Always" else kind
            c[cont["name"]] = {"k": k, "n": 0, "cur": None, "prev": None, "wait": None, "bo": None, "pull": None,
                               "ok": False, "hash": spec_hash(cont)}
    return {"v": 1, "uid": meta.get("uid", ""), "node": None, "ip": None, "start": None, "t": [], "seq": 0,
            "fs": None, "c": c, "ibo": {}, "term": None, "dl": False, "gone": None}


def add_timer(R: dict, ms: int, rank: int, kind: str, args: list | None = None) -> None:
    R["seq"] += 1
    R["t"].append([int(ms), rank, R["seq"], kind, args or []])


def next_wake(R: dict) -> int | None:
    return min((t[0] for t in R["t"]), default=None)


def save(tx, ns: str, name: str, R: dict) -> None:
    tx.put_runtime("Pod", ns, name, R, next_wake(R))


# ---------------------------------------------------------------------------------------------
# the per-pod context


class PodWorker:
    """One pod's kubelet work inside one transaction."""

    def __init__(self, api, pod: dict, R: dict, node=None) -> None:
        self.api = api  # the kubelet's API client: status writes and events go through it
        self.tx = api.tx
        self.node = node  # the node's state (NodeState): its images
        self.pod = pod
        self.R = R
        self.ns = pod["metadata"].get("namespace", "default")
        self.name = pod["metadata"]["name"]
        self._fs = None
        self._procs: dict[str, Any] = {}
        self._dirty: set[str] = set()  # processes that may have changed since they were loaded
        self._images: dict[str, Any] = {}
        self.horizon = self.tx.now_ms  # advance's target: periodic cycles may be fast-forwarded up to it
        self.ff_anchor: int | None = None

    # -- helpers ------------------------------------------------------------------------------
    @property
    def now(self) -> int:
        return self.tx.now_ms

    @property
    def spec(self) -> dict:
        return self.pod.get("spec") or {}

    def containers(self) -> list[tuple[dict, dict, str]]:
        """(spec container, C, field path) for init containers then app containers."""
        out = []
        for key, fp in (("initContainers", "spec.initContainers"), ("containers", "spec.containers")):
            for c in self.spec.get(key) or []:
                C = self.R["c"].get(c["name"])
                if C is not None:
                    out.append((c, C, f"{fp}{{{c['name']}}}"))
        return out

    def find(self, name: str) -> tuple[dict, dict, str]:
        for c, C, fp in self.containers():
            if c["name"] == name:
                return c, C, fp
        raise KeyError(name)

    def fs(self):
        if self._fs is None:
            self._fs = procs.load_podfs(self.R["fs"]) if self.R.get("fs") else procs.new_podfs(self.pod)
        return self._fs

    def image(self, ref: str):
        img = self._images.get(ref)
        if img is None:
            img = self._images[ref] = procs.lookup_image(ref, os.path.dirname(self.tx.path))
        return img

    def proc(self, inst: dict, write: bool = True):
        p = self._procs.get(inst["id"])
        if p is None and inst.get("proc") is not None:
            p = self._procs[inst["id"]] = procs.load_process(inst["proc"])
        if write and p is not None:
            self._dirty.add(inst["id"])
        return p

    def event(self, type_: str, reason: str, message: str, field_path: str = "", at: int | None = None) -> None:
        self.api.event(self.pod, type_, reason, message, "kubelet", self.R.get("node") or "",
                       at_ms=at, field_path=field_path)
        log = self.R.get("evlog")
        if log is not None:
            log.append([type_, reason, message, field_path, self.now if at is None else at])
            if len(log) > 256:
                self.R["evlog"] = None
                self.R["cyc"] = None

    def profile(self) -> dict:
        """Timing knobs overriding lifecycle.md §10.3 (store meta ``engine:profile``, JSON):
        ``pull_ms`` = duration of every pull of an image not yet on the node."""
        prof = getattr(self, "_profile", None)
        if prof is None:
            raw = self.tx.meta("engine:profile")
            prof = self._profile = json.loads(raw) if raw else {}
        return prof

    def need_sync(self, ms: int) -> None:
        ms = max(int(ms), self.now)
        for t in self.R["t"]:
            if t[0] == ms and t[3] == "sync":
                return
        add_timer(self.R, ms, R_KUBELET, "sync")

    def flush(self) -> None:
        """Persist processes and filesystem back into the record."""
        for c, C, _ in self.containers():
            for key in ("cur", "prev"):
                inst = C.get(key)
                if inst is not None and inst["id"] in self._dirty and inst["id"] in self._procs:
                    inst["proc"] = procs.dump_process(self._procs[inst["id"]])
        self._dirty.clear()
        if self._fs is not None:
            self.R["fs"] = self._fs.to_dict()

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
        while self.R["t"] and self.R.get("gone") is None:
            self.R["t"].sort(key=lambda t: (t[0], t[1], t[2]))
            t = self.R["t"][0]
            if t[0] > until_ms:
                break
            self.R["t"].pop(0)
            budget -= 1
            if budget < 0:
                raise RuntimeError(f"engine: no progress for pod {self.ns}/{self.name}")
            if t[0] > self.now:
                self.tx.set_now(t[0])
            kind, args = t[3], t[4]
            if kind == "sync":
                self.sync()
                self.wake_dormant()
                if self.ff_anchor is not None:
                    anchor, self.ff_anchor = self.ff_anchor, None
                    if len(self.R["c"]) == 1:
                        self.cycle_single(anchor)
                    else:
                        self.cycle(anchor)
            elif kind == "proc":
                self.on_proc(*args)
                self.wake_dormant()
            elif kind == "probe":
                self.on_probe(*args)

    # -- processes ----------------------------------------------------------------------------
    def on_proc(self, cname: str, iid: str) -> None:
        c, C, fp = self.find(cname)
        inst = C.get("cur")
        if inst is None or inst["id"] != iid or inst.get("t1") is not None:
            return
        p = self.proc(inst)
        view = self.fs().view(cname, c.get("volumeMounts"), self.image(c.get("image", "")))
        p.step(self.now, view)
        self.after_proc(c, C, inst, p)

    def after_proc(self, c: dict, C: dict, inst: dict, p) -> None:
        self.take_logs(inst, p)
        if p.exited and getattr(p, "guard", ""):  # the simulator's host guard stopped it (behavior/process.py)
            self.event("Warning", "SimulationLimit", p.guard, f"spec.containers{{{c['name']}}}")
        if p.exited:
            at = p.exit_ms if p.exit_ms is not None else self.now
            self.on_exit(c, C, inst, int(p.exit_code), p.reason or "", p.message or "", max(at, inst["t0"]))
            return
        w = p.wake_ms
        if w is not None:
            add_timer(self.R, max(int(w), self.now), R_PROC, "proc", [c["name"], inst["id"]])

    def take_logs(self, inst: dict, p) -> None:
        logs = p.logs
        if not logs:
            return
        inst["logs"].extend([int(e[0]), str(e[2]) if len(e) > 2 else str(e[1])] for e in logs)
        if len(inst["logs"]) > LOG_LINES:
            del inst["logs"][: len(inst["logs"]) - LOG_LINES]
        del logs[:]  # taken: the process keeps no copy (bounded memory in the record)

    def on_exit(self, c: dict, C: dict, inst: dict, code: int, reason: str, message: str, at: int) -> None:
        inst["t1"] = at
        inst["code"] = code
        if not reason or reason in ("Exited", "Signaled"):
            reason = "Completed" if code == 0 else "Error"
        inst["reason"] = reason
        inst["started"] = False
        inst["ready"] = False
        msg = self.termination_message(c, inst, code, message)
        inst["msg"] = msg
        inst["pr"] = {}
        p = self._procs.pop(inst["id"], None)
        if p is not None:
            inst["assume"] = list(getattr(p, "assumptions", []) or [])
        inst["proc"] = None
        kill = inst.get("kill")
        if kill and kill.get("restart"):
            inst["seen"] = at  # the kubelet killed it: it restarts in the same sync (no PLEG delay)
            self.need_sync(at)
        else:
            inst["seen"] = at + RHO
            self.need_sync(at + RHO)
        if C["k"] == "init" and code == 0:
            inst["ready"] = True

    def termination_message(self, c: dict, inst: dict, code: int, fallback: str) -> str:
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
            lines = [l for _, l in inst["logs"][-80:]]
            tail = "\n".join(lines)
            return tail[-2048:] if tail else (fallback or "")
        return fallback or ""

    # -- starting containers ------------------------------------------------------------------
    def start_container(self, c: dict, C: dict, fp: str) -> str:
        """Image step then create+start. Returns 'started', 'pulling' or 'blocked'."""
        ref = c.get("image", "")
        img = self.image(ref)
        if img.invalid:
            C["wait"] = ["InvalidImageName", img.invalid_message]
            self.event("Warning", "InspectFailed", img.invalid_message, fp)
            self.event("Warning", "Failed", "Error: InvalidImageName", fp)
            return "blocked"
        policy = c.get("imagePullPolicy", "IfNotPresent")
        present = img.exists and img.normalized in self.node_images()
        if policy == "Never" and not present:
            msg = f'Container image "{ref}" is not present with pull policy of Never'
            C["wait"] = ["ErrImageNeverPull", msg]
            self.event("Warning", "ErrImageNeverPull", msg, fp)
            self.event("Warning", "Failed", "Error: ErrImageNeverPull", fp)
            return "blocked"
        if policy == "Always" or not present:
            bo = self.R["ibo"].get(ref)
            if bo and self.now - bo[1] < bo[0] * 1000:
                C["wait"] = ["ImagePullBackOff", f'Back-off pulling image "{ref}"']
                self.event("Normal", "BackOff", f'Back-off pulling image "{ref}"', fp)
                self.event("Warning", "Failed", "Error: ImagePullBackOff", fp)
                self.need_sync(bo[1] + bo[0] * 1000)
                return "blocked"
            self.event("Normal", "Pulling", f'Pulling image "{ref}"', fp)
            dur = 0 if present else int(self.profile().get("pull_ms", img.pull_ms))
            C["pull"] = {"until": self.now + dur, "ok": bool(img.exists), "ms": dur}
            if dur == 0:
                return self.finish_pull(c, C, fp)
            self.need_sync(self.now + dur)
            return "pulling"
        self.event("Normal", "Pulled", f'Container image "{ref}" already present on machine', fp)
        self.create_and_start(c, C, fp)
        return "started"

    def finish_pull(self, c: dict, C: dict, fp: str) -> str:
        pull = C["pull"]
        C["pull"] = None
        ref = c.get("image", "")
        img = self.image(ref)
        if not pull["ok"]:
            err = img.pull_error or f'failed to pull image "{ref}"'
            self.event("Warning", "Failed", f'Failed to pull image "{ref}": {err}', fp)
            self.event("Warning", "Failed", "Error: ErrImagePull", fp)
            C["wait"] = ["ErrImagePull", err]
            bo = self.R["ibo"].get(ref)
            if bo is None or self.now - bo[1] > 2 * BACKOFF_MAX * 1000:
                b = BACKOFF_INITIAL
            else:
                b = min(bo[0] * 2, BACKOFF_MAX)
            self.R["ibo"][ref] = [b, self.now]
            self.need_sync(self.now + RHO)
            return "blocked"
        self.R["ibo"].pop(ref, None)
        self.add_node_image(img.normalized)
        d = _dur(pull["ms"])
        self.event("Normal", "Pulled",
                   f'Successfully pulled image "{ref}" in {d} ({d} including waiting). Image size: {img.size} bytes.',
                   fp)
        self.create_and_start(c, C, fp)
        return "started"

    def create_and_start(self, c: dict, C: dict, fp: str) -> None:
        name = c["name"]
        img = self.image(c.get("image", ""))
        restart = C["cur"] is not None
        if restart:
            C["prev"] = C["cur"]
            C["n"] += 1
            prev = C["prev"]
            if prev is not None:
                prev["proc"] = None  # the old process is gone; keep its record and logs only
                self._procs.pop(prev["id"], None)
            self.fs().reset_container(name, img)
        attempt = C["n"]
        cid = self.tx.digest("container", self.R["uid"], name, attempt)
        view = self.fs().view(name, c.get("volumeMounts"), img)
        env = procs.env_for(c, self.pod, img)
        argv = procs.argv_for(c, img, env)
        has_probe = {k: bool(c.get(k)) for k, _ in PROBE_TYPES}
        inst = {"id": cid, "a": attempt, "t0": self.now, "t1": None, "code": None, "reason": "", "msg": "",
                "seen": None, "proc": None, "logs": [], "nlog": 0,
                "started": not has_probe["startupProbe"], "ready": False, "pr": {}, "kill": None,
                "img": {"image": img.normalized or c.get("image", ""), "imageID": img.image_id}}
        C["cur"] = inst
        C["wait"] = None
        self.event("Normal", "Created", f"Created container: {name}", fp)
        p = procs.spawn(argv, env, img, self.now, procs.memory_limit(c), view)
        procs.set_cpu_limit(p, c)
        if p.exited and p.reason == "StartError":
            # the runtime could not exec the process: StartError 128, then RunContainerError
            msg = procs.start_error_message(p.message or "")
            inst.update({"t0": None, "t1": self.now, "code": 128, "reason": "StartError", "msg": msg,
                         "seen": self.now + RHO, "assume": list(getattr(p, "assumptions", []) or [])})
            C["wait"] = ["RunContainerError", msg]
            self.event("Warning", "Failed", f"Error: {msg}", fp)
            self.need_sync(self.now + RHO)
            return
        self._procs[cid] = p
        self._dirty.add(cid)
        self.event("Normal", "Started", f"Started container {name}", fp)
        if C["k"] != "init" and inst["started"] and not has_probe["readinessProbe"]:
            inst["ready"] = True
        self.schedule_probes(c, inst)
        self.after_proc(c, C, inst, p)
        if inst.get("t1") is None and ((c.get("lifecycle") or {}).get("postStart")):
            self.run_poststart(c, C, fp, inst)

    def run_poststart(self, c: dict, C: dict, fp: str, inst: dict) -> None:
        hook = c["lifecycle"]["postStart"]
        p = self.proc(inst)
        img = self.image(c.get("image", ""))
        pod = f"{self.name}_{self.ns}({self.R['uid']})"
        msg = ""
        if "exec" in hook:
            cmd = [str(x) for x in hook["exec"].get("command") or []]
            view = self.fs().view(c["name"], c.get("volumeMounts"), img)
            code, out, _ = procs.run_exec(cmd, procs.env_for(c, self.pod, img), view, img, self.now, None, p)
            if code != 0:
                from minikctl.kube.errors import go_quote

                msg = (f"Exec lifecycle hook ([{' '.join(cmd)}]) for Container \"{c['name']}\" in Pod \"{pod}\" "
                       f"failed - error: command '{' '.join(cmd)}' exited with {code}: {out}, message: {go_quote(out)}")
        elif "httpGet" in hook:
            h = hook["httpGet"]
            code, err = procs.http_get(p, self.port(c, h.get("port")), h.get("path", "/"), self.now,
                                       h.get("host") or self.R.get("ip") or "", h.get("scheme", "HTTP"))
            if code is None or not 200 <= int(code) < 400:
                msg = (f"HTTP lifecycle hook ({h.get('path', '/')}) for Container \"{c['name']}\" in Pod \"{pod}\" "
                       f"failed - error: {err}")
        if p is not None and p.exited:
            self.after_proc(c, C, inst, p)
            return
        if msg:
            self.event("Warning", "FailedPostStartHook", msg, fp)
            grace = int(self.spec.get("terminationGracePeriodSeconds", 30))
            # not a kill-and-restart in one sync: the next sync sees an exited container (back-off applies)
            self.kill(c, C, fp, "FailedPostStartHook", grace, restart=False)

    # -- back-off -----------------------------------------------------------------------------
    def try_restart(self, c: dict, C: dict, fp: str) -> str:
        cur = C["cur"]
        kill = (cur or {}).get("kill") or {}
        if kill.get("restart"):
            F = (C.get("prev") or {}).get("t1")
        else:
            F = cur.get("t1") if cur else None
        if F is not None:
            bo = C.get("bo")
            self.accrue_backoff_events(c, C, fp)
            if bo and F - bo[1] <= 2 * BACKOFF_MAX * 1000 and self.now - F < bo[0] * 1000:
                pod = f"{self.name}_{self.ns}({self.R['uid']})"
                C["wait"] = ["CrashLoopBackOff",
                             f"back-off {_dur(bo[0] * 1000)} restarting failed container={c['name']} pod={pod}"]
                self.need_sync(F + bo[0] * 1000)
                if C.get("bo_seen") != F:
                    # first decision about this exit; the kubelet then re-syncs every 10 s while
                    # it waits, recording BackOff each time (accounted by accrue_backoff_events)
                    self.event("Warning", "BackOff",
                               f"Back-off restarting failed container {c['name']} in pod {pod}", fp)
                    C["bo_seen"] = F
                    C["bo_acc"] = [self.now, F + bo[0] * 1000, self.now]  # last counted, wait end, first
                    if bo[0] >= BACKOFF_MAX or len(self.R["c"]) == 1:
                        self.ff_anchor = F
                return "blocked"
            if not bo or F - bo[1] > 2 * BACKOFF_MAX * 1000:
                C["bo"] = [BACKOFF_INITIAL, self.now]
            else:
                C["bo"] = [min(bo[0] * 2, BACKOFF_MAX), self.now]
        return self.start_container(c, C, fp)

    def accrue_backoff_events(self, c: dict, C: dict, fp: str) -> None:
        """The BackOff events of the 10 s re-syncs during a back-off wait, added when the pod is
        next looked at (not one wake-up each): ticks at first + 10 s·i, before the wait ends."""
        acc = C.get("bo_acc")
        if not acc:
            return
        last, end = acc[0], acc[1]
        limit = min(self.now, end - 1)
        k = (limit - last) // RESYNC_MS if limit > last else 0
        if k <= 0:
            return
        acc[0] = last + k * RESYNC_MS
        pod = f"{self.name}_{self.ns}({self.R['uid']})"
        self.tx.bump_event(self.pod, "Warning", "BackOff",
                           f"Back-off restarting failed container {c['name']} in pod {pod}", "kubelet", fp, k, acc[0])

    # -- kills --------------------------------------------------------------------------------
    def kill(self, c: dict, C: dict, fp: str, message: str, grace_s: int, restart: bool,
             prestop: bool = False) -> None:
        inst = C["cur"]
        if inst is None or inst.get("t1") is not None or inst.get("kill"):
            return
        self.event("Normal", "Killing", message, fp)
        term_at = self.now
        if prestop and grace_s > 0:
            term_at = self.run_prestop(c, inst, fp, grace_s)
        kill_at = self.now + grace_s * 1000
        if term_at > kill_at:
            kill_at = term_at + 2000
        inst["kill"] = {"term": term_at, "kill": kill_at, "restart": restart, "sent": False}
        inst["pr"] = {k: v for k, v in inst["pr"].items() if k == "readiness"} if not restart else {}
        if term_at <= self.now:
            self.send_term(c, C, inst)
        else:
            self.need_sync(term_at)
        if inst.get("t1") is None:
            self.need_sync(kill_at)

    def run_prestop(self, c: dict, inst: dict, fp: str, grace_s: int) -> int:
        hook = ((c.get("lifecycle") or {}).get("preStop")) or {}
        if not hook:
            return self.now
        if "sleep" in hook:
            return self.now + min(int(hook["sleep"].get("seconds", 0)), grace_s) * 1000
        p = self.proc(inst)
        try:
            if "exec" in hook:
                view = self.fs().view(c["name"], c.get("volumeMounts"), self.image(c.get("image", "")))
                img = self.image(c.get("image", ""))
                code, out, dur = procs.run_exec(hook["exec"].get("command") or [], procs.env_for(c, self.pod, img),
                                                view, img, self.now, grace_s, p)
                if code != 0:
                    self.event("Warning", "FailedPreStopHook",
                               f"PreStopHook failed: command {hook['exec'].get('command')!r} exited with {code}: {out}",
                               fp)
                return self.now + int(dur)
            if "httpGet" in hook and p is not None:
                h = hook["httpGet"]
                procs.http_get(p, self.port(c, h.get("port")), h.get("path", "/"), self.now, self.R.get("ip"),
                               h.get("scheme", "HTTP"))
        except Exception:  # a hook the interpreter cannot run is treated as instantaneous
            pass
        return self.now

    def send_term(self, c: dict, C: dict, inst: dict) -> None:
        inst["kill"]["sent"] = True
        p = self.proc(inst)
        view = self.fs().view(c["name"], c.get("volumeMounts"), self.image(c.get("image", "")))
        p.signal("TERM", self.now, view)
        self.after_proc_signal(c, C, inst, p)

    def send_kill(self, c: dict, C: dict, inst: dict) -> None:
        p = self.proc(inst)
        view = self.fs().view(c["name"], c.get("volumeMounts"), self.image(c.get("image", "")))
        p.signal("KILL", self.now, view)
        if not p.exited:  # SIGKILL cannot be ignored
            self.take_logs(inst, p)
            self.on_exit(c, C, inst, 137, "Error", "", self.now)
            return
        self.after_proc_signal(c, C, inst, p)

    def after_proc_signal(self, c, C, inst, p) -> None:
        # pending proc timers for this instance stay valid; add one for the new wake time
        self.after_proc(c, C, inst, p)

    # -- probes -------------------------------------------------------------------------------
    def schedule_probes(self, c: dict, inst: dict) -> None:
        for key, _ in PROBE_TYPES:
            probe = c.get(key)
            if not probe:
                continue
            if key != "startupProbe" and not inst["started"]:
                continue
            self.start_probe(c, inst, key, probe, inst["t0"])

    def start_probe(self, c: dict, inst: dict, key: str, probe: dict, not_before: int, strict: bool = False) -> None:
        base = inst["t0"] + int(probe.get("initialDelaySeconds", 0)) * 1000
        period = max(1, int(probe.get("periodSeconds", 10))) * 1000
        first = base
        if first < not_before or (strict and first <= not_before):
            k = (not_before - base) // period + 1 if strict else -(-(not_before - base) // period)
            first = base + k * period
            if strict and first <= not_before:
                first += period
        init = {"readinessProbe": False, "livenessProbe": True, "startupProbe": None}[key]
        inst["pr"][key] = {"s": 0, "f": 0, "res": init, "base": base, "per": period, "dorm": False, "next": first}
        add_timer(self.R, first, R_PROBE, "probe", [c["name"], inst["id"], key])

    def wake_dormant(self) -> None:
        now = self.now
        for c, C, _ in self.containers():
            inst = C.get("cur")
            if inst is None or inst.get("t1") is not None:
                continue
            for key, w in inst["pr"].items():
                if w.get("dorm"):
                    k = -(-(now - w["base"]) // w["per"])
                    w["dorm"] = False
                    w["next"] = w["base"] + max(0, k) * w["per"]
                    add_timer(self.R, w["next"], R_PROBE, "probe", [c["name"], inst["id"], key])

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

    def run_probe(self, c: dict, inst: dict, probe: dict) -> tuple[bool, str]:
        p = self.proc(inst, write="exec" in probe)  # network probes only read the listeners
        ip = self.R.get("ip") or ""
        timeout = int(probe.get("timeoutSeconds", 1))
        if "exec" in probe:
            img = self.image(c.get("image", ""))
            view = self.fs().view(c["name"], c.get("volumeMounts"), img)
            code, out, _ = procs.run_exec(probe["exec"].get("command") or [], procs.env_for(c, self.pod, img), view,
                                          img, self.now, timeout, p)
            return code == 0, out
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
        c, C, fp = self.find(cname)
        inst = C.get("cur")
        if inst is None or inst["id"] != iid or inst.get("t1") is not None:
            return
        w = inst["pr"].get(key)
        probe = c.get(key)
        if w is None or probe is None or w.get("dorm") or w.get("next") != self.now:
            return
        label = dict(PROBE_TYPES)[key]
        deleting = self.R.get("term") is not None
        if deleting and key != "readinessProbe":
            inst["pr"].pop(key, None)
            return
        ok, out = self.run_probe(c, inst, probe)
        changed = False
        if ok:
            w["s"] += 1
            w["f"] = 0
            if w["s"] >= int(probe.get("successThreshold", 1)) and w["res"] is not True:
                w["res"] = True
                changed = True
        else:
            w["f"] += 1
            w["s"] = 0
            self.event("Warning", "Unhealthy", f"{label} probe failed: {out}", fp)
            if w["f"] >= int(probe.get("failureThreshold", 3)) and w["res"] is not False:
                w["res"] = False
                changed = True
        if changed:
            self.apply_probe_result(c, C, fp, inst, key, w["res"])
            if key == "startupProbe" and w["res"]:
                inst["pr"].pop(key, None)
                return
            if key in ("livenessProbe", "startupProbe") and w["res"] is False:
                return  # on hold until a new container instance
        if ok and not changed and w["res"] is True:
            # steady success: nothing changes until something else happens in the pod, or the
            # process's listeners change by themselves
            chg = None if "exec" in probe else procs.next_listener_change(self.proc(inst, False), self.now)
            if chg is None:
                w["dorm"] = True
                return
            k = -(-(chg - w["base"]) // w["per"])
            w["next"] = max(self.now + w["per"], w["base"] + k * w["per"])
            add_timer(self.R, w["next"], R_PROBE, "probe", [cname, iid, key])
            return
        w["next"] = self.now + w["per"]
        add_timer(self.R, w["next"], R_PROBE, "probe", [cname, iid, key])

    def apply_probe_result(self, c, C, fp, inst, key, res) -> None:
        if key == "readinessProbe":
            inst["ready"] = bool(res) and inst["started"]
        elif key == "startupProbe":
            if res:
                inst["started"] = True
                if not c.get("readinessProbe"):
                    inst["ready"] = C["k"] != "init"
                for k2 in ("livenessProbe", "readinessProbe"):
                    if c.get(k2):
                        self.start_probe(c, inst, k2, c[k2], self.now, strict=True)
                self.need_sync(self.now)  # a started sidecar lets the next init container start
            else:
                self.probe_kill(c, C, fp, "startup")
        elif key == "livenessProbe" and res is False:
            self.probe_kill(c, C, fp, "liveness")

    def probe_kill(self, c, C, fp, what: str) -> None:
        probe = c.get("startupProbe" if what == "startup" else "livenessProbe") or {}
        grace = probe.get("terminationGracePeriodSeconds")
        if grace is None:
            grace = self.spec.get("terminationGracePeriodSeconds", 30)
        restart = self.should_restart(C, 137)
        msg = f"Container {c['name']} failed {what} probe" + (", will be restarted" if restart else "")
        self.kill(c, C, fp, msg, int(grace), restart=restart)
        self.need_sync(self.now)

    def should_restart(self, C: dict, code: int | None) -> bool:
        if C["k"] == "sidecar":
            return True
        policy = self.spec.get("restartPolicy", "Always")
        if C["k"] == "init":
            return policy != "Never" and code != 0
        if policy == "Always":
            return True
        if policy == "OnFailure":
            return code != 0
        return False

    # -- the sync -----------------------------------------------------------------------------
    def sync(self) -> None:
        now = self.now
        for c, C, fp in self.containers():
            inst = C.get("cur")
            if inst is None or inst.get("t1") is not None:
                continue
            k = inst.get("kill")
            if k:
                if not k["sent"] and k["term"] <= now:
                    self.send_term(c, C, inst)
                if inst.get("t1") is None and k["kill"] <= now:
                    self.send_kill(c, C, inst)
        # deadline
        ads = self.spec.get("activeDeadlineSeconds")
        if ads is not None and self.R.get("start") is not None and not self.R["dl"] and not self.terminal_phase():
            due = self.R["start"] + int(ads) * 1000
            if now >= due:
                self.R["dl"] = True
                self.event("Normal", "DeadlineExceeded", "Pod was active on the node longer than the specified deadline")
            else:
                self.need_sync(due)
        if self.R["dl"] or self.R.get("term") is not None or self.R.get("killpod"):
            self.stop_all()
            return
        if self.terminal_phase():
            return
        self.reconcile()

    def terminal_phase(self) -> bool:
        return (self.pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")

    def stop_all(self) -> None:
        """Kill every running container (regular first, sidecars once they are all gone)."""
        term = self.R.get("term")
        grace = term["grace"] if term else int(self.spec.get("terminationGracePeriodSeconds", 30))
        for c, C, fp in self.containers():
            C["pull"] = None
            inst = C.get("cur")
            if C["k"] == "sidecar" or inst is None or inst.get("t1") is not None:
                continue
            if not inst.get("kill") or inst["kill"].get("restart"):
                if inst.get("kill"):
                    inst["kill"]["restart"] = False
                else:
                    self.kill(c, C, fp, f"Stopping container {c['name']}", grace, restart=False, prestop=True)
        still = any(C["k"] != "sidecar" and C.get("cur") and C["cur"].get("t1") is None
                    for _, C, _ in self.containers())
        if not still:
            # sidecars last, in reverse order, with what is left of the grace period
            sidecars = [x for x in self.containers() if x[1]["k"] == "sidecar"]
            for c, C, fp in reversed(sidecars):
                inst = C.get("cur")
                if inst is not None and inst.get("t1") is None and not inst.get("kill"):
                    remaining = grace
                    if term:
                        remaining = max(2, (term["end"] - self.now + 999) // 1000)
                    self.kill(c, C, fp, f"Stopping container {c['name']}", int(remaining), restart=False,
                              prestop=True)
        running = [C for _, C, _ in self.containers() if C.get("cur") and C["cur"].get("t1") is None]
        if running:
            return
        self.R["done"] = True
        if term is not None:
            last = max([C["cur"]["t1"] for _, C, _ in self.containers() if C.get("cur")] + [term["at"]])
            gone_at = last + RHO
            if self.now >= gone_at:
                self.R["gone"] = self.now
            else:
                self.need_sync(gone_at)

    def reconcile(self) -> None:
        """computePodActions + SyncPod: what to start now."""
        now = self.now
        for c, C, fp in self.containers():
            pull = C.get("pull")
            if pull is not None:
                if pull["until"] <= now:
                    if self.finish_pull(c, C, fp) == "started":
                        continue
                    return
                self.need_sync(pull["until"])
                return  # serial pulls: nothing else starts while one pull runs
        policy = self.spec.get("restartPolicy", "Always")
        # init containers, one at a time
        for c, C, fp in self.containers():
            if C["k"] == "app":
                break
            inst = C.get("cur")
            if C["k"] == "sidecar":
                if inst is not None and inst.get("t1") is None:
                    if inst["started"]:
                        continue
                    return
                if inst is not None:
                    if now < inst["seen"]:
                        self.need_sync(inst["seen"])
                        return
                    if self.try_restart(c, C, fp) != "started":
                        return
                else:
                    if self.start_container(c, C, fp) != "started":
                        return
                inst = C["cur"]
                if inst.get("t1") is None and inst["started"]:
                    continue
                return
            if C["ok"]:
                continue
            if inst is None:
                self.start_container(c, C, fp)
                if C["cur"] is None or C["cur"].get("t1") is None:
                    return
                inst = C["cur"]
            if inst.get("t1") is None:
                return
            if now < inst["seen"]:
                self.need_sync(inst["seen"])
                return
            if inst["code"] == 0:
                C["ok"] = True
                continue
            if policy == "Never":
                self.R["killpod"] = True
                self.stop_all()
                return
            self.try_restart(c, C, fp)
            return
        # regular containers, in spec order (each pull blocks the next)
        done_for_good = True
        for c, C, fp in self.containers():
            if C["k"] != "app":
                continue
            inst = C.get("cur")
            if inst is None:
                done_for_good = False
                if self.start_container(c, C, fp) == "pulling":
                    return
                continue
            if inst.get("t1") is None:
                done_for_good = False
                continue
            if now < inst["seen"]:
                done_for_good = False
                self.need_sync(inst["seen"])
                continue
            force = (inst.get("kill") or {}).get("restart")
            if force or self.should_restart(C, inst["code"]):
                done_for_good = False
                if self.try_restart(c, C, fp) == "pulling":
                    return
        if done_for_good and any(C["k"] == "app" for _, C, _ in self.containers()):
            # nothing left to keep or start: KillPod (sidecars are stopped, not restarted)
            self.R["killpod"] = True
            self.stop_all()

    # -- fast-forward over periodic cycles ---------------------------------------------------
    def cycle(self, anchor: int) -> None:
        """Called at each capped crash-loop back-off decision. When the whole pod record, seen
        relative to this decision, equals the one of the previous cycle (same events too), the
        pod is in a steady loop: jump over every whole cycle that fits before the horizon, adding
        the restarts and event counts those cycles would have produced."""
        R = self.R
        if self.spec.get("activeDeadlineSeconds") is not None or R.get("term") or R.get("dl"):
            R["cyc"] = None
            R["evlog"] = None
            return
        self.flush()
        self._procs.clear()
        evs = R.get("evlog")
        prev = R.get("cyc")
        sig = hashlib.sha256(json.dumps(_map_times(R, lambda ms: ms - anchor, None), sort_keys=True,
                                        separators=(",", ":")).encode()).hexdigest()
        rel = sorted([e[0], e[1], e[2], e[3], e[4] - anchor] for e in (evs or []))
        counts = {name: C["n"] for name, C in R["c"].items()}
        R["cyc"] = {"sig": sig, "anchor": anchor, "n": counts, "ev": rel}
        R["evlog"] = []
        # the pod, seen from this decision, is where it was one cycle ago: from here it will do
        # exactly what it did since then (the events recorded in between), again and again
        if not prev or evs is None or prev.get("sig") != sig:
            return
        period = anchor - prev["anchor"]
        if period <= 0:
            return
        n = (self.horizon - self.now) // period - 1
        if n < 1:
            return
        shift = n * period
        deltas = {name: counts[name] - prev["n"].get(name, counts[name]) for name in counts}
        idmap: dict[str, str] = {}
        for name, C in R["c"].items():
            d = deltas[name] * n
            if not d:
                continue
            C["n"] += d
            for key in ("cur", "prev"):
                inst = C.get(key)
                if inst is None:
                    continue
                inst["a"] += d
                new_id = self.tx.digest("container", R["uid"], name, inst["a"])
                idmap[inst["id"]] = new_id
                inst["id"] = new_id
        shifted = _map_times(R, lambda ms: ms + shift, idmap)
        R.clear()
        R.update(shifted)
        last: dict[tuple, int] = {}
        times: dict[tuple, int] = {}
        for e in evs or []:
            key = (e[0], e[1], e[2], e[3])
            times[key] = times.get(key, 0) + 1
            last[key] = max(last.get(key, e[4]), e[4])
        by_fp = {fp: C for _, C, fp in self.containers()}
        for key in sorted(times):
            count = times[key] * n
            C = by_fp.get(key[3])
            if key[1] == "BackOff" and key[0] == "Warning" and C is not None and C.get("bo_acc"):
                # plus the 10 s re-syncs of each (capped) wait, accrued lazily when stepping
                acc = C["bo_acc"]
                count += times[key] * n * max(0, (acc[1] - 1 - acc[2]) // RESYNC_MS)
            self.tx.bump_event(self.pod, key[0], key[1], key[2], "kubelet", key[3], count, last[key] + shift)
        R["cyc"] = {"sig": sig, "anchor": anchor + shift, "n": {k: C["n"] for k, C in R["c"].items()}, "ev": rel}
        self.tx.set_now(self.now)  # the clock itself is moved by advance(), never backwards

    def cycle_single(self, anchor: int) -> None:
        """Fast-forward for a pod with one container, also before the back-off is capped.

        Called at each back-off decision (``anchor`` = the exit being backed off). When the record,
        with the back-off value masked and every instance seen from its own start, equals the
        one at the previous decision, each further cycle is known: restart at F + b, exit d later,
        b doubles up to the cap. Every whole cycle that ends before the horizon is applied at once.
        """
        R = self.R
        ((name, C),) = R["c"].items()
        if self.spec.get("activeDeadlineSeconds") is not None or R.get("term") or R.get("dl"):
            R["cyc"] = None
            R["evlog"] = None
            return
        self.flush()
        self._procs.clear()
        evs = R.get("evlog")
        prev = R.get("cyc")
        sig = hashlib.sha256(json.dumps(_masked(R, anchor), sort_keys=True,
                                        separators=(",", ":")).encode()).hexdigest()
        R["cyc"] = {"sig": sig, "anchor": anchor, "n": {name: C["n"]}, "ev": []}
        R["evlog"] = []
        if not prev or evs is None or prev.get("sig") != sig or C["n"] - prev["n"].get(name, -1) != 1:
            return
        cur, bo = C.get("cur"), C.get("bo")
        if cur is None or C.get("prev") is None or cur.get("t1") != anchor or not bo:
            return
        b, run = bo[0], anchor - bo[1]
        if run < 0 or run > 2 * BACKOFF_MAX * 1000:
            return  # a run that long resets the back-off: not this simple loop
        lag = self.now - anchor  # the decision happens this long after each exit
        def backoffs(b_s: int) -> int:
            # BackOff events of one cycle: the re-syncs during the wait, then the next decision
            return -(-(b_s * 1000 - lag) // RESYNC_MS)

        exits = [anchor]
        restarts: list[int] = []
        n = 0
        n_backoff = 0
        while True:
            if b >= BACKOFF_MAX and n >= 1:
                # capped: the remaining cycles all have the same length
                period = BACKOFF_MAX * 1000 + run
                m = (self.horizon - lag - exits[-1]) // period
                if m > 0:
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
            n += 1
            n_backoff += backoffs(b)
            b = min(2 * b, BACKOFF_MAX)
        if n < 1:
            return
        pod = f"{self.name}_{self.ns}({R['uid']})"
        template = json.dumps(cur)  # cur is replaced below: each new instance is a copy of it
        idmap: dict[str, str] = {}

        def instance(shift: int, attempt: int) -> dict:
            inst = json.loads(template)
            inst["a"] = attempt
            inst["id"] = self.tx.digest("container", R["uid"], name, attempt)
            for k in ("t0", "t1", "seen"):
                if inst.get(k) is not None:
                    inst[k] += shift
            inst["logs"] = [[ms + shift, line] for ms, line in inst.get("logs") or []]
            return inst

        C["n"] += n
        new_cur = instance(exits[-1] - anchor, cur["a"] + n)  # noqa: E501
        new_prev = instance(exits[-2] - anchor, cur["a"] + n - 1)
        idmap[cur["id"]] = new_cur["id"]
        C["cur"], C["prev"] = new_cur, new_prev
        C["bo"] = [b, restarts[-1]]
        C["wait"] = ["CrashLoopBackOff",
                     f"back-off {_dur(b * 1000)} restarting failed container={name} pod={pod}"]
        shift = exits[-1] - anchor
        C["bo_seen"] = exits[-1]
        C["bo_acc"] = [exits[-1] + lag, exits[-1] + b * 1000, exits[-1] + lag]
        R["t"] = [[t[0] + shift, t[1], t[2], t[3], [idmap.get(a, a) if isinstance(a, str) else a for a in t[4]]]
                  for t in R["t"] if t[3] != "sync"]
        add_timer(R, exits[-1] + b * 1000, R_KUBELET, "sync")
        times: dict[tuple, int] = {}
        last: dict[tuple, int] = {}
        for e in evs:
            key = (e[0], e[1], e[2], e[3])
            times[key] = times.get(key, 0) + 1
            last[key] = max(last.get(key, e[4] - anchor), e[4] - anchor)
        for key in sorted(times):
            if key[1] == "BackOff" and key[0] == "Warning":
                count, at = n_backoff, exits[-1] + lag  # depends on each cycle's back-off
            else:
                count, at = times[key] * n, exits[-1] + last[key]
            self.tx.bump_event(self.pod, key[0], key[1], key[2], "kubelet", key[3], count, at)
        R["cyc"] = {"sig": sig, "anchor": exits[-1], "n": {name: C["n"]}, "ev": []}
        # conditions that flipped during the last cycle (Ready while it ran) flipped in the last one too
        from minikctl.kube.timefmt import parse_rfc3339

        last_restart = bo[1]
        for cond in (self.pod.get("status") or {}).get("conditions") or []:
            ltt = cond.get("lastTransitionTime")
            if ltt and cond.get("type") in ph.KUBELET_CONDITIONS and parse_rfc3339(ltt) >= last_restart - 999:
                cond["lastTransitionTime"] = _ts(parse_rfc3339(ltt) + shift)

    # -- status -------------------------------------------------------------------------------
    def container_status(self, c: dict, C: dict, has_init: bool) -> dict:
        inst = C.get("cur")
        st: dict = {"image": c.get("image", ""), "imageID": "", "lastState": {}, "name": c["name"], "ready": False,
                    "restartCount": C["n"], "started": False}
        default_wait = {"reason": "PodInitializing" if has_init else "ContainerCreating"}
        if inst is None:
            w = C.get("wait")
            st["state"] = {"waiting": self._wait(w) if w else default_wait}
            return st
        st["image"] = inst["img"]["image"]
        st["imageID"] = inst["img"]["imageID"]
        st["containerID"] = "containerd://" + inst["id"]
        prev = C.get("prev")
        if inst.get("t1") is None:
            st["state"] = {"running": {"startedAt": _ts(inst["t0"])}}
            st["started"] = bool(inst["started"])
            st["ready"] = bool(inst["ready"])
            if prev is not None:
                st["lastState"] = {"terminated": self._term(prev)}
        elif C.get("wait") and (C["k"] != "init" or not C["ok"]):
            st["state"] = {"waiting": self._wait(C["wait"])}
            st["lastState"] = {"terminated": self._term(inst)}
        else:
            st["state"] = {"terminated": self._term(inst)}
            st["ready"] = C["k"] == "init" and inst["code"] == 0
            if prev is not None:
                st["lastState"] = {"terminated": self._term(prev)}
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
    def _wait(w: list) -> dict:
        d = {}
        if w[1]:
            d["message"] = w[1]
        d["reason"] = w[0]
        return d

    @staticmethod
    def _term(inst: dict) -> dict:
        d = {"containerID": "containerd://" + inst["id"], "exitCode": inst["code"],
             "finishedAt": _ts(inst["t1"])}
        if inst.get("msg"):
            d["message"] = inst["msg"]
        if inst.get("reason"):
            d["reason"] = inst["reason"]
        d["startedAt"] = _ts(inst["t0"]) if inst.get("t0") is not None else _ts(0)  # StartError: zero time
        return d

    def build_status(self) -> dict:
        old = self.pod.get("status") or {}
        status = dict(old)
        spec = self.spec
        now_s = _ts(self.now)
        has_init = bool(spec.get("initContainers"))
        inits = [self.container_status(c, C, has_init) for c, C, _ in self.containers() if C["k"] != "app"]
        apps = [self.container_status(c, C, has_init) for c, C, _ in self.containers() if C["k"] == "app"]
        started_any = any(C["cur"] is not None for _, C, _ in self.containers() if C["k"] == "app")
        terminal = bool(self.R.get("done") and (self.R.get("term") is not None or self.R.get("killpod")
                                                 or self.R.get("dl")))
        phase = ph.get_phase(spec, inits, apps, terminal, started_any)
        if old.get("phase") in ("Succeeded", "Failed"):
            phase = old["phase"]
        if self.R.get("dl"):
            phase = "Failed"
            status["reason"] = "DeadlineExceeded"
            status["message"] = "Pod was active on the node longer than the specified deadline"
        if inits:
            status["initContainerStatuses"] = inits
        status["containerStatuses"] = apps
        node_ip = self.R.get("hostIP") or ""
        if node_ip:
            status["hostIP"] = node_ip
            status["hostIPs"] = [{"ip": node_ip}]
        if self.R.get("ip"):
            status["podIP"] = self.R["ip"]
            status["podIPs"] = [{"ip": self.R["ip"]}]
        if self.R.get("start") is not None:
            status["startTime"] = _ts(self.R["start"])
        status["phase"] = phase
        sandbox = phase not in ("Succeeded", "Failed") and self.R.get("start") is not None
        computed = ph.kubelet_conditions(spec, phase, inits, apps, sandbox, started_any)
        cr = [x for x in computed if x[0] == "ContainersReady"][0]
        ready = ph.ready_condition(spec, cr, old.get("conditions") or [])
        order = [x for x in computed if x[0] != "ContainersReady"] + [ready, cr, ("PodScheduled", True, "", "")]
        status["conditions"] = ph.merge_conditions(old.get("conditions") or [], order, now_s)
        return status

    def status_key(self) -> tuple:
        """Everything the generated status depends on (besides the pod object itself)."""
        parts: list = [self.R.get("dl"), self.R.get("done"), bool(self.R.get("term")), self.R.get("killpod"),
                       self.R.get("ip"), self.R.get("start")]
        for name in sorted(self.R["c"]):
            C = self.R["c"][name]
            cur, prev = C.get("cur"), C.get("prev")
            parts.append((name, C["n"], tuple(C["wait"]) if C.get("wait") else None, C.get("ok"),
                          cur and (cur["id"], cur.get("t1"), cur.get("started"), cur.get("ready"), cur.get("msg")),
                          prev and prev["id"]))
        return tuple(parts)

    def write_status(self) -> None:
        if self.R.get("gone") is not None:
            return
        key = self.status_key()
        if key == getattr(self, "_status_key", None) and self.pod.get("status") is getattr(self, "_status_obj", None):
            return  # nothing the status is made of has changed since it was last generated
        status = self.build_status()
        if status != (self.pod.get("status") or {}):
            self.pod["status"] = status
            self.api.write_status(self.pod)
        self._status_key = key
        self._status_obj = self.pod.get("status")


def _map_times(R: dict, f, idmap: dict | None) -> dict:
    """A copy of the runtime record with every time passed through ``f``.

    ``idmap`` None = normalise for comparison (counters, ids and timer sequence numbers dropped);
    otherwise container ids are renamed through ``idmap``.
    """
    R2 = json.loads(json.dumps(R))
    norm = idmap is None
    for t in R2["t"]:
        t[0] = f(t[0])
        if norm:
            t[2] = 0
            t[4] = ["?" if isinstance(a, str) and len(a) == 64 else a for a in t[4]]
        else:
            t[4] = [idmap.get(a, a) if isinstance(a, str) else a for a in t[4]]
    if norm:
        R2["t"].sort()
        for k in ("seq", "cyc", "evlog"):
            R2.pop(k, None)
    for C in R2["c"].values():
        if C.get("bo"):
            C["bo"][1] = f(C["bo"][1])
        if C.get("bo_seen") is not None:
            C["bo_seen"] = f(C["bo_seen"])
        if C.get("bo_acc"):
            C["bo_acc"] = [f(x) for x in C["bo_acc"]]
        if C.get("pull"):
            C["pull"]["until"] = f(C["pull"]["until"])
        if norm:
            C.pop("n", None)
        for key in ("cur", "prev"):
            inst = C.get(key)
            if not inst:
                continue
            for k in ("t0", "t1", "seen"):
                if inst.get(k) is not None:
                    inst[k] = f(inst[k])
            inst["logs"] = [[f(ms), line] for ms, line in inst.get("logs") or []]
            if inst.get("kill"):
                for k in ("term", "kill"):
                    inst["kill"][k] = f(inst["kill"][k])
            for w in (inst.get("pr") or {}).values():
                w["base"] = f(w["base"])
                w["next"] = f(w["next"])
            if norm:
                inst.pop("id", None)
                inst.pop("a", None)
    for v in (R2.get("ibo") or {}).values():
        v[1] = f(v[1])
    return R2


def _masked(R: dict, anchor: int) -> dict:
    """The record as compared between two back-off decisions of a one-container pod: timers
    relative to the decision (kubelet syncs left out), each instance relative to its own start,
    back-off values, counters and ids left out."""
    # only for serialising (sort_keys): parts it changes are copied, the rest (the filesystem,
    # process records) is shared with R rather than deep-copied
    R2 = dict(R)
    for k in ("seq", "cyc", "evlog"):
        R2.pop(k, None)
    R2["t"] = sorted([t[0] - anchor, t[1], t[3], ["?" if isinstance(a, str) and len(a) == 64 else a for a in t[4]]]
                     for t in R["t"] if t[3] != "sync")
    cs = R2["c"] = dict(R["c"])
    for name, C in cs.items():
        C = cs[name] = dict(C)
        for k in ("n", "bo", "bo_seen", "bo_acc"):
            C.pop(k, None)
        if C.get("wait"):
            C["wait"] = C["wait"][0]
        if C.get("pull"):
            C["pull"] = dict(C["pull"])
            C["pull"]["until"] -= anchor
        for key in ("cur", "prev"):
            inst = C.get(key)
            if not inst:
                continue
            inst = C[key] = dict(inst)
            base = inst["t0"] if inst.get("t0") is not None else inst.get("t1") or 0
            for k in ("t0", "t1", "seen"):
                if inst.get(k) is not None:
                    inst[k] -= base
            inst["logs"] = [[ms - base, line] for ms, line in inst.get("logs") or []]
            if inst.get("kill"):
                inst["kill"] = dict(inst["kill"])
                for k in ("term", "kill"):
                    inst["kill"][k] -= base
            if inst.get("pr"):
                inst["pr"] = {pk: dict(w, base=w["base"] - base, next=w["next"] - base) for pk, w in inst["pr"].items()}
            inst.pop("id", None)
            inst.pop("a", None)
    if R2.get("ibo"):
        R2["ibo"] = {ref: [v[0], v[1] - anchor, *v[2:]] for ref, v in R2["ibo"].items()}
    return R2

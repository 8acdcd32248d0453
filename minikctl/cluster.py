"""One command's world: the API server inside the store transaction, and the loop that lets virtual time pass.

Every command (``cli/common.session``) opens a ``Cluster``, moves the clock by the tick (``tick``), does its
work through ``cluster.api``, and lets the cluster react to it (``settle``) before the transaction commits.
Verbs that wait for something (``wait``, ``delete --wait``, ``logs -f``, ``run -i``, ``get -w``) use one
mechanism, ``run_until``: virtual time moves from one wake-up to the next until the condition holds or the
deadline passes.

The engine is imported only when something is due or some change is waiting for a reaction: a read on a
quiet store costs no more than the read.
"""

from __future__ import annotations

from minikctl.api.server import Api

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

    from minikctl.store.db import Tx


SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


def bootstrap(tx: "Tx") -> bool:
    """What a new cluster has before anyone uses it: its four namespaces (the API server's bootstrap
    controller, ``pkg/controlplane/controller/systemnamespaces``) and node1 with its kubelet. True when the
    store was new (the cluster's controllers then react to these first objects: each namespace gets its
    ``default`` ServiceAccount and its ``kube-root-ca.crt`` ConfigMap)."""
    if tx.meta("bootstrap"):
        if not tx.meta("bootstrap:kubernetes-service"):  # a store made before Services were served
            _kubernetes_service(tx)
        return False
    for ns in SYSTEM_NAMESPACES:
        if tx.exists("Namespace", "", ns):
            continue
        tx.create({"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}},
                   "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
    from minikctl.engine import nodes

    if not tx.exists("Node", "", nodes.DEFAULT_NODE):
        nodes.bootstrap(tx)
    _kubernetes_service(tx)
    tx.set_meta("bootstrap", "1")
    return True


APISERVER_PORT = 8443  # the API server's secure port on node1 (minikube's; kubeadm's is 6443)


def _kubernetes_service(tx: "Tx") -> None:
    """The ``kubernetes`` Service in ``default``, its Endpoints and EndpointSlice, as the API server's own
    controllers keep them (pkg/controlplane/controller/kubernetesservice, the master endpoint reconciler): cluster
    IP 10.96.0.1 (the first of the service range), port 443 named https to the API server on node1."""
    from minikctl.engine import nodes

    tx.set_meta("bootstrap:kubernetes-service", "1")
    if tx.exists("Service", "default", "kubernetes"):
        return
    ip = nodes.node_ip(1)
    labels = {"component": "apiserver", "provider": "kubernetes"}
    tx.create({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "kubernetes", "namespace": "default", "labels": labels},
               "spec": {"clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "internalTrafficPolicy": "Cluster",
                        "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                        "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": APISERVER_PORT}],
                        "sessionAffinity": "None", "type": "ClusterIP"},
               "status": {"loadBalancer": {}}})
    tx.create({"apiVersion": "v1", "kind": "Endpoints",
               "metadata": {"name": "kubernetes", "namespace": "default",
                            "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
               "subsets": [{"addresses": [{"ip": ip}],
                            "ports": [{"name": "https", "port": APISERVER_PORT, "protocol": "TCP"}]}]})
    tx.create({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
               "metadata": {"name": "kubernetes", "namespace": "default",
                            "labels": {"kubernetes.io/service-name": "kubernetes"}},
               "addressType": "IPv4",
               "endpoints": [{"addresses": [ip], "conditions": {"ready": True}}],
               "ports": [{"name": "https", "port": APISERVER_PORT, "protocol": "TCP"}]})


STEP_S = 0.05  # wall time of work after which a step of a verb that waits ends if anyone waits or it printed
LONG_STEP_S = 0.25  # ... and after which it ends anyway (each commit costs a sync of the store)
PACED_STEP_S = 0.1  # at most this long between two steps while virtual time follows the wall clock
# an advance longer than the event TTL and this may skip identical CronJob minutes (engine/cronskip.py)
SKIP_AFTER_MS = 20 * 60_000
# ... and this may skip minutes that repeat themselves (engine/flapskip.py)
FLAP_SKIP_AFTER_MS = 10 * 60_000


class Stream:
    """How a verb that waits lets time pass (``Cluster.stream``): in short steps, each committed and the store
    released after it (``renew(tx, pause)``: commit, ``pause()`` while the store is free, begin again).

    Fast-forward (output not a terminal): virtual time jumps from one wake-up to the next as it always did, so the
    same commands print the same bytes; a step ends after ``STEP_S`` of work, at a quiet instant. Paced (a terminal,
    or ``--speed``): virtual time follows the wall clock × ``speed``, and the verb runs until its condition holds,
    its deadline or Ctrl-C, even when nothing is pending (as ``kubectl get -w`` does)."""

    def __init__(self, renew: "Callable", *, speed: float | None, interrupted,
                 wanted: "Callable[[], bool]" = lambda: True) -> None:
        import time

        self.renew = renew
        self.wanted = wanted  # another command waits for the store, or the step printed something
        self.paced = speed is not None
        self.speed = speed or 1.0
        self.interrupted = interrupted  # a threading.Event: Ctrl-C was pressed
        self.step_started = time.monotonic()
        self.origin: tuple[int, float] | None = None  # (virtual ms, wall instant) where paced time started

    def start(self, now_ms: int) -> None:
        import time

        if self.origin is None:
            self.origin = (now_ms, time.monotonic())

    def virtual_now(self) -> int:
        import time

        v0, w0 = self.origin
        return v0 + int((time.monotonic() - w0) * 1000 * self.speed)

    def pause(self, seconds: float) -> None:
        if seconds > 0:
            self.interrupted.wait(seconds)


def _events_since(tx: "Tx", since: int) -> list:
    """Events other commands recorded after revision ``since`` (events live in their own table, outside the change
    log; they take their resourceVersion from the same counter), as changes for a watch of events."""
    import json

    from minikctl.store import events
    from minikctl.store.changelog import ADDED, Change

    out = []
    for ev in events.since(tx.conn, since):
        meta = ev.get("metadata") or {}
        out.append(Change(int(meta.get("resourceVersion") or 0), ADDED, "Event", meta.get("namespace", ""),
                          meta.get("name", ""), meta.get("uid", ""),
                          json.dumps(ev, separators=(",", ":"), ensure_ascii=False), None, ""))
    return out


class Cluster:
    def __init__(self, tx: "Tx", *, validate: str = "strict") -> None:
        self.tx = tx
        self.api = Api(tx, validate=validate)
        self._loop = None
        self._taps: list[tuple[tuple[str, ...], list]] = []
        self._loop_skips = True  # a long advance may still look for CronJob minutes to skip (engine/cronskip.py)
        self._loop_skips_flaps = True  # ... and for minutes that repeat themselves (engine/flapskip.py)
        self.contended: "Callable[[], bool]" = lambda: False  # another command waits for the store (cli/common)
        self.stream: Stream | None = None
        self.progress: "Callable[[int], None] | None" = None  # told the virtual time reached (cli/progress.py)
        if bootstrap(tx):
            self.settle()  # the controllers start with the cluster: what they make of its first objects exists at once

    def drop_loop(self) -> None:
        """Forget the loop and its components' caches (the store was moved under them: engine/cronskip.py)."""
        self._loop = None

    @property
    def loop(self):
        if self._loop is None:
            from minikctl.engine.loop import Loop

            self._loop = Loop(self.api)
            for kinds, changes in self._taps:  # the watches of a streaming verb go on in the new step's loop
                self._loop.tap(kinds, changes)
        return self._loop

    @property
    def now_ms(self) -> int:
        return self.tx.now_ms

    # ---- virtual time -----------------------------------------------------------------------
    def advance_to(self, to_ms: int, wall_budget_s: float | None = None) -> bool:
        """Let the cluster live until ``to_ms`` (never backwards, never past the clock's last instant).

        With ``wall_budget_s`` it may stop early at a quiet instant (see ``Loop.run``): False then, and the caller
        commits and goes on in a new transaction."""
        from minikctl.kube.timefmt import MAX_CLOCK_MS

        to_ms = min(to_ms, MAX_CLOCK_MS)
        tx = self.tx
        if self._loop is None and not tx.feed and tx.next_due(to_ms) is None and not _static_pods(tx):
            tx.set_now(max(to_ms, tx.now_ms))  # nothing to do: the clock simply moves
            return True
        deadline = None
        if wall_budget_s is not None:
            import time

            deadline = time.monotonic() + wall_budget_s
        if (self._loop_skips or self._loop_skips_flaps) and not _skips_keep_aggregator(tx):
            self._loop_skips = self._loop_skips_flaps = False
        if to_ms - tx.now_ms > SKIP_AFTER_MS + tx.event_ttl_ms() and self._loop_skips:
            from minikctl.engine import cronskip

            self._loop_skips = False  # once per command step
            if cronskip.eligible(self, to_ms):
                contended = self.contended
                # a step of a command that gives way (clock advance) learns only while nobody waits for the store
                # once its budget is spent: the minutes it stepped stay, and the skip is tried again next step
                give_way = None if deadline is None else (lambda: time.monotonic() > deadline and contended())
                cronskip.skip(self, to_ms, give_way)
        if self._loop_skips_flaps and to_ms - tx.now_ms > FLAP_SKIP_AFTER_MS:
            from minikctl.engine import flapskip

            self._loop_skips_flaps = False  # once per command step
            if flapskip.eligible(self, to_ms):
                contended = self.contended
                give_way = None if deadline is None else (lambda: time.monotonic() > deadline and contended())
                flapskip.skip(self, to_ms, give_way)
        return self.loop.run(max(to_ms, tx.now_ms), deadline)

    def tick(self, tick_ms: int) -> None:
        """Start of every command: move the clock by the tick and let the world catch up."""
        self.advance_to(self.tx.now_ms + max(0, tick_ms))

    def settle(self) -> None:
        """End of a verb: the cluster reacts to what the verb did, at the same instant."""
        self.advance_to(self.tx.now_ms)

    def next_wake(self) -> int | None:
        due = self.tx.next_due(1 << 62)
        return None if due is None else int(due[0])

    def run_until(self, done: "Callable[[], bool]", deadline_ms: int, *, to_deadline: bool = True,
                  on_step: "Callable[[], None] | None" = None) -> bool:
        """Move virtual time from one wake-up to the next until ``done()`` holds (True) or the next wake-up is
        past ``deadline_ms`` (False; the clock then moves to the deadline unless ``to_deadline`` is False)."""
        self.settle()
        stream = self.stream
        if stream is not None:
            stream.start(self.tx.now_ms)
        while not done():
            if self.progress is not None:
                self.progress(self.tx.now_ms)
            nxt = self.next_wake()
            if stream is not None and stream.paced:
                target = min(stream.virtual_now(), deadline_ms)
                if nxt is None or nxt > target:
                    if target >= deadline_ms:
                        if to_deadline:
                            self.advance_to(max(self.tx.now_ms, deadline_ms))
                        return False
                    self.advance_to(max(target, self.tx.now_ms))  # nothing due yet: the clock follows the wall
                    until = min(deadline_ms, nxt if nxt is not None else deadline_ms)
                    wait_s = min(PACED_STEP_S, max(0.0, (until - target) / 1000 / stream.speed))
                    self.breathe(force=True, sleep_s=wait_s)
                    if on_step is not None:  # the clock moved: a followed log may have lines (a stretch's)
                        on_step()
                    continue
            elif nxt is None or nxt > deadline_ms:
                if to_deadline:
                    self.advance_to(max(self.tx.now_ms, deadline_ms))
                return False
            self.advance_to(max(nxt, self.tx.now_ms))
            if on_step is not None:
                on_step()
            if self.breathe() and on_step is not None:
                on_step()
        return True

    def breathe(self, *, force: bool = False, sleep_s: float = 0.0) -> bool:
        """At a quiet instant of a streaming verb: once the step has worked ``STEP_S`` (or ``force``), commit it,
        release the store (what the step printed is shown then, see ``cli/common.session``), and go on in a new
        step; the watches receive what other commands wrote meanwhile (True when there was something)."""
        import time

        stream = self.stream
        if stream is None:
            return False
        if stream.interrupted.is_set():
            raise KeyboardInterrupt  # Ctrl-C: the step under way is undone, the committed ones stay
        if not force:
            worked = time.monotonic() - stream.step_started
            if worked < STEP_S or (worked < LONG_STEP_S and not stream.wanted()):
                return False
        return self._renew(lambda: stream.pause(sleep_s))

    def release(self, wait: "Callable[[], object]"):
        """A streaming verb waits for something outside the cluster (an interactive session's next line): commit
        the step, call ``wait()`` while the store is free (other commands are never blocked by a prompt), then go
        on in a new step. Returns what ``wait()`` returned."""
        got: list = []
        if self.stream is None:  # not streaming: the transaction stays (a caller's choice; nothing waits long)
            return wait()
        self._renew(lambda: got.append(wait()))
        return got[0] if got else None

    def _renew(self, pause: "Callable[[], None]") -> bool:
        import time

        stream = self.stream
        since = self.tx.revision()
        stream.renew(self.tx, pause)
        self._loop = None  # the components start from the store again (another command may have written)
        came = False
        kinds = tuple(sorted({k for ks, _ in self._taps for k in ks}))
        if kinds:
            from minikctl.store.changelog import read_since

            others = read_since(self.tx.conn, since, kinds)
            if "Event" in kinds:
                others = sorted(others + _events_since(self.tx, since), key=lambda ch: ch.rv)
            for ks, changes in self._taps:
                new = [ch for ch in others if ch.kind in ks]
                changes += new
                came = came or bool(new)
            self.loop  # noqa: B018 - the taps listen again from here (and events are fed to them)
        stream.step_started = time.monotonic()
        if stream.interrupted.is_set():
            raise KeyboardInterrupt
        return came

    def watch(self, kinds: tuple[str, ...]) -> list:
        """A tap on the change log: the returned list receives every change of ``kinds`` from now on (across the
        steps of a streaming verb, including the changes other commands made between two steps)."""
        loop = self.loop
        changes: list = []
        self._taps.append((kinds, changes))
        return loop.tap(kinds, changes)

    # ---- what kubectl asks of a kubelet ----------------------------------------------------------
    def logs(self, pod: dict, container: str, previous: bool, **which) -> list:
        """A container's log lines (``engine.kubelet.pod_logs``: ``tail``, ``since_ms``, ``after_seq``,
        ``numbered``)."""
        from minikctl.engine.kubelet import pod_logs

        return pod_logs(self.tx, pod, container, previous, **which)

    def exec(self, pod: dict, container: str, argv: list[str], timeout_s: float | None = None,
             split: bool = False) -> tuple[int, str, int]:
        from minikctl.engine.kubelet import pod_exec

        self.settle()
        return pod_exec(self.loop, pod, container, argv, timeout_s, split)

    def assumptions(self, pod: dict) -> dict[str, list[str]]:
        from minikctl.engine.kubelet import pod_assumptions

        return pod_assumptions(self.tx, pod)


def _skips_keep_aggregator(tx) -> bool:
    """Whether the skips over alike minutes (engine/cronskip.py, engine/flapskip.py) leave the event aggregator's
    view as stepping does: they drop the events the TTL expires without the entries the aggregator still counts
    (store/events.py ``EventLog._remember``), and with a TTL at or under its 10-minute window there are such entries
    (the events of the last skipped minutes). Such a store steps its minutes."""
    from minikctl.store.events import AGGREGATE_INTERVAL_MS

    ttl = tx.event_ttl_ms()
    return ttl <= 0 or ttl > AGGREGATE_INTERVAL_MS


def _static_pods(tx) -> bool:
    """Whether the kubelets have static pod manifests to read (engine/kubelet/static.py)."""
    from minikctl.store.static_dirs import has_manifests

    return bool(getattr(tx, "path", None)) and has_manifests(tx.path)

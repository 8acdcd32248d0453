"""The one loop of the simulated cluster: changes and timers to the components that own them.

Components (the scheduler, the kubelets, the controllers) are ordinary clients of the API. Each one
  - watches some kinds: ``observe(change)`` sees every change of them (its informer) and queues work;
  - ``work()`` does the queued work at the current virtual instant, writing only through the API;
  - may own runtime records with wake-up times: ``due(kind, namespace, name, until, horizon)`` when one is due;
  - ``finish()`` writes back what it kept in memory during the run.

``run(to_ms)`` alternates two steps until nothing is left before ``to_ms``:
  1. drain the change log: hand every new change to its watchers, let each component with queued work do it
     (in the order of ``components``), and repeat while that work writes more; all at the same instant —
     controllers react at the instant they observe a change, as real ones do within milliseconds;
  2. move the clock to the earliest wake-up and hand it to the record's owner.
The order is total — (wake_ms, kind, namespace, name) for timers, change order and component order within
an instant — so the same commands always give the same history.
"""

from __future__ import annotations

import gc
import os
from itertools import islice

from minikctl.kube.errors import ClientError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

LAST_KIND = "\U0010ffff"  # sorts after every kind: a cursor after everything at its instant
MAX_ROUNDS = 10_000  # reactions at one instant before the loop gives up (components fighting each other)
RUN_FULL_COLLECTION_THRESHOLD = 100  # generation-1 collections between two full ones during a run (default 10)
# a pod change handed only to the watchers that are built, once the dormant controllers' gates turned away one
# alike (``Loop._route``): off with MINIKCTL_NO_GATE_ROUTES=1
ROUTES = os.environ.get("MINIKCTL_NO_GATE_ROUTES", "") in ("", "0")


def _defer_full_collections() -> tuple[int, int, int]:
    """Make CPython's full (generation 2) collections rarer while the loop runs; returns the thresholds to restore.

    A run builds large caches that live as long as it does (informers, the kubelets' records, decoded objects),
    and a full collection traverses every one of them: with the default thresholds (700, 10, 10) seventeen ran
    during a 1,000-pod Deployment's apply and rolling update (bench/deployment_speed.py) and took 2.3 s; with
    these, three to five. The young generations are
    collected as usual, and they are where the run's cycles die (in that rollout ~230,000 objects freed there);
    a full collection every 100 middle-generation collections instead of 10 still frees, during a long
    ``clock advance``, the few cycles that live longer (a few hundred objects a virtual minute with 100 CronJobs).
    The command's own thresholds (cli/app.py) are kept when they are already higher.
    ``gc.set_threshold``: https://docs.python.org/3/library/gc.html#gc.set_threshold (a collection of the
    oldest generation starts once the middle one was collected ``threshold2`` times)."""
    thresholds = gc.get_threshold()
    if thresholds[2] < RUN_FULL_COLLECTION_THRESHOLD:
        gc.set_threshold(thresholds[0], thresholds[1], RUN_FULL_COLLECTION_THRESHOLD)
    return thresholds


class Loop:
    def __init__(self, api) -> None:
        from minikctl.engine.controllers import SCHEDULER, SPECS
        from minikctl.engine.kubelet import Kubelet

        self.api = api
        self.tx = api.tx
        self.kubelet = Kubelet(self)
        # the scheduler and the controllers are built when they first have something to do
        # (controllers/__init__.py SPECS)
        self.components = [_Dormant(self, SCHEDULER), self.kubelet] + [_Dormant(self, spec) for spec in SPECS]
        # the record being served, (wake, kind, namespace, name): what happened before it in the total order
        # (the failing probes the kubelet runs at once, kubelet/parked.py, take their revisions by it)
        self.cursor: tuple = (self.tx.now_ms, "", "", "")
        # the ``run``'s wall deadline, for an owner that goes on by itself from one instant to the next (the
        # kubelet's pod stepped in memory): it stops there too once the deadline has passed
        self.wall_deadline: float | None = None
        self.watchers: dict[str, list] = {}
        self.anything: list = []
        self.owners: dict[str, object] = {}
        self._gates: dict[tuple, bool] = {}  # what the controllers' gates read of the store (``known``)
        # the spec each built component was woken from, by the component's id (built components live as long as
        # the loop, in ``components``): what ``others_act_on`` asks of a controller already built
        self._woken_from: dict[int, object] = {}
        # the components that may queue work (``has_work``), in the components' order: the dormant controllers,
        # the taps and the controllers whose work is all due records (``queues_work = False``) are not asked on
        # every round of ``dispatch``; made again when a component is woken or a tap added (None)
        self._workers: list | None = None
        # a pod change's route key -> the watchers it is handed to, with their places in its watchers' order
        # (``_route``); emptied when a controller is woken or a tap added (``_epoch`` counts them)
        self._routes: dict = {}
        self._epoch = 0
        for comp in self.components:
            for kind in comp.watches:
                if kind == "*":
                    self.anything.append(comp)
                else:
                    self.watchers.setdefault(kind, []).append(comp)
            for kind in comp.owns:
                self.owners[kind] = comp

    @property
    def scheduler(self):
        """The scheduler (the kubelets ask it what it bound in this run, and tell it of freed capacity)."""
        first = self.components[0]
        return self.wake(first) if isinstance(first, _Dormant) else first

    def wake(self, dormant: "_Dormant"):
        """Build a dormant controller and put it in its place (in the components' order, among the watchers of
        its kinds, as the owner of its records); returns it."""
        comp = dormant.spec.load()(self)
        self._woken_from[id(comp)] = dormant.spec
        for group in (self.components, self.anything, *self.watchers.values()):
            for i, c in enumerate(group):
                if c is dormant:
                    group[i] = comp
        for kind, c in self.owners.items():
            if c is dormant:
                self.owners[kind] = comp
        self._workers = None
        self._epoch += 1
        self._routes.clear()
        return comp

    def all_components(self) -> list:
        """Every component, the dormant controllers built (for a call each of them may answer)."""
        for c in list(self.components):
            if isinstance(c, _Dormant):
                self.wake(c)
        return self.components

    def known(self, key: tuple, read: "Callable[[], bool]") -> bool:
        """What a controller's gate read of the store (``read()``), read once for as long as this loop lives: every
        run of it, until the cluster makes a new one (``Cluster.drop_loop``, a streaming verb's next step, a new
        command). The store changes it depends on are changes that wake that controller (then its gate is asked no
        more), and until then the controller itself would have kept what it read in its informer's cache."""
        got = self._gates.get(key)
        if got is None:
            got = self._gates[key] = read()
        return got

    def any_of(self, kind: str, namespace: str) -> bool:
        """Whether an object of ``kind`` exists in ``namespace`` (may an orphan there have an owner?)."""
        return self.known((kind, namespace), lambda: bool(self.tx.list(kind, namespace, ("metadata.name",))))

    def others_act_on(self, ch, but: tuple = ()) -> bool:
        """Whether a component other than the kubelet and the scheduler might act on ``ch``, were it written now: a
        watcher of its kind (or of every kind) with no gate (a watch's tap), or a controller whose gate lets it
        through (controllers/__init__.py; a built controller is asked the gate of the spec it was woken from,
        ``wake``). A kubelet that would make many such writes at once asks (``PodWorker.jump_writes``): with nobody
        else to see them, they may take their revisions later; so does one stepping a pod in memory after each of
        its status writes (``Kubelet._due_pod``): a write someone acts on stops the stepping there. ``but``: the
        classes (``Spec.cls``) of controllers the caller has shown write nothing when they act on it."""
        woken_from = self._woken_from
        for c in (*self.anything, *self.watchers.get(ch.kind, ())):
            if c is self.kubelet or getattr(c, "name", "") == "scheduler":
                continue
            spec = c.spec if isinstance(c, _Dormant) else woken_from.get(id(c))
            if spec is not None and spec.cls in but:
                continue
            try:
                if spec is None or spec.gate is None or spec.gate(self, ch):
                    return True
            except Exception:
                return True
        return False

    def workers(self) -> list:
        """The components that may have work queued (see ``_workers``), in the components' order."""
        got = self._workers
        if got is None:
            got = self._workers = [c for c in self.components if getattr(c, "queues_work", True)]
        return got

    def pending(self) -> bool:
        return bool(self.tx.feed) or any(c.has_work() for c in self.workers())

    def dispatch(self) -> None:
        """Hand the new changes to their watchers and let the components react, until all is quiet."""
        tx = self.tx
        rounds = 0
        while True:
            if tx.feed:
                changes, tx.feed = tx.feed, []
                anything = self.anything
                routes = self._routes if ROUTES else None
                for ch in changes:
                    if routes is not None and ch.kind == "Pod":
                        key = _route_key(ch)
                        if key is not None:
                            self._route(ch, key)
                            continue
                    for comp in self.watchers.get(ch.kind, ()):
                        comp.observe(ch)
                    for comp in anything:
                        if ch.kind not in comp.watches:
                            comp.observe(ch)
            busy = [c for c in self._workers or self.workers() if c.has_work()]
            if not busy:
                if not tx.feed:
                    return
                continue
            for comp in busy:
                comp.work()
            rounds += 1
            if rounds > MAX_ROUNDS:
                raise ClientError("the simulated cluster does not settle: its components keep reacting to each "
                                  f"other at {tx.now_ms} ms ({', '.join(c.name for c in busy)})")

    def _hand(self, ch, part: int = 0, start: int = 0) -> None:
        """Hand ``ch`` to its watchers as ``dispatch`` does (the lists as they are while it goes), from the
        ``start``-th of its kind's watchers (``part`` 0) or of the watchers of every kind (1)."""
        kind = ch.kind
        if part == 0:
            for comp in islice(self.watchers.get(kind, ()), start, None):
                comp.observe(ch)
            start = 0
        for comp in islice(self.anything, start, None):
            if kind not in comp.watches:
                comp.observe(ch)

    def _route(self, ch, key: tuple) -> None:
        """Hand ``ch`` to its watchers as ``dispatch`` does, the dormant controllers whose gates turned away a change
        of the same ``key`` (``_route_key``) left out: they would turn it away too, doing nothing. A dormant
        controller's gate reads of a change only what the key holds and, of the store, what ``known`` keeps for as
        long as the loop lives (controllers/__init__.py gates); its answer for a key is the one it gave. The route
        of a key is learned from the first change of it, handed to every watcher, if no controller was woken
        meanwhile (then every dormant one turned it away); it is forgotten when one is woken or a tap added. A
        controller woken while a change goes its route (by a built watcher's observe) ends the route there: the
        change goes on to the watchers after that one as they are then, each dormant one asked its gate."""
        route = self._routes.get(key)
        epoch = self._epoch
        if route is None:
            self._hand(ch)
            if self._epoch == epoch:
                kind = ch.kind
                self._routes[key] = tuple(
                    [(0, i, c) for i, c in enumerate(self.watchers.get(kind, ())) if not isinstance(c, _Dormant)]
                    + [(1, i, c) for i, c in enumerate(self.anything)
                       if kind not in c.watches and not isinstance(c, _Dormant)])
            return
        for part, i, comp in route:
            comp.observe(ch)
            if self._epoch != epoch:
                self._hand(ch, part, i + 1)
                return

    def run(self, to_ms: int, wall_deadline: float | None = None) -> bool:
        """Let the cluster live until ``to_ms``: every change and every wake-up up to it, in order.

        With ``wall_deadline`` (a ``time.monotonic()`` instant) the run may stop early, between two instants once
        everything at the current one is done (the loop is quiet there): False, the clock at that instant, so
        that a long advance can be committed in steps. True when ``to_ms`` was reached."""
        tx = self.tx
        # before the due queue is read: its list of every record due is the run's first large allocation
        gc_thresholds = _defer_full_collections()
        try:
            own = tx.start_due_queue(to_ms)  # the order kept in memory, runtime records written back at the end
        except BaseException:
            gc.set_threshold(*gc_thresholds)
            raise
        reached = True
        self.cursor = (tx.now_ms, "", "", "")
        tx.parked = self.kubelet.parked
        tx.parked.load()  # the jumped writes a run stopped early left (kubelet/parked.py)
        self.wall_deadline = wall_deadline
        moved = False
        try:
            while True:
                self.dispatch()
                due = tx.next_due(to_ms)
                if due is None:
                    break
                # past the deadline, the run stops before a later instant — but not before its first one: a step
                # whose start alone took its budget (a loaded machine, a large store) still moves the clock
                if wall_deadline is not None and due[0] > tx.now_ms and moved:
                    import time

                    if time.monotonic() > wall_deadline:
                        reached = False
                        break
                moved = True
                wake, kind, ns, name = due
                if wake > tx.now_ms:
                    tx.set_now(wake)
                self.cursor = (wake, kind, ns, name)
                owner = self.owners.get(kind)
                if owner is None:
                    tx.set_wake(kind, ns, name, None)  # nobody serves it any more
                    continue
                owner.due(kind, ns, name, max(wake, tx.now_ms), to_ms)
            # after everything up to the target (or the instant where the run stops)
            self.cursor = (to_ms if reached else tx.now_ms, LAST_KIND, "", "")
        finally:
            self.wall_deadline = None
            for comp in self.components:
                comp.finish()
            if own:
                tx.end_due_queue()
            gc.set_threshold(*gc_thresholds)
        if reached and to_ms > tx.now_ms:
            tx.set_now(to_ms)
        return reached

    def tap(self, kinds: tuple[str, ...], changes: list | None = None) -> list:
        """A list that receives every later change of ``kinds`` (a watch, for ``get -w`` and ``wait``); ``changes``:
        the list of a tap of an earlier loop, that goes on here (a streaming verb's next step)."""
        tap = _Tap(kinds, changes)
        if "Event" in kinds:
            self.tx.watch_events = True
        self.components.append(tap)
        self._workers = None
        self._epoch += 1
        self._routes.clear()
        self.anything.append(tap)
        return tap.changes

    def next_wake(self) -> int | None:
        due = self.tx.next_due(1 << 62)
        return None if due is None else int(due[0])


def _route_key(ch) -> tuple | None:
    """What the dormant controllers' gates read of a pod change (controllers/__init__.py: the scheduler's, the garbage
    collector's, the namespace controller's, the owner gates', the Deployment's, the Job's, the taint eviction's and
    the endpoints controllers'), or None for a change they read more of: one whose pod has owner references, a
    deletion timestamp, finalizers or the Job controller's uid label (the gates read those fields themselves)."""
    obj = ch.obj
    meta = obj.get("metadata")
    spec = obj.get("spec")
    if type(meta) is not dict or type(spec) is not dict or meta.get("ownerReferences") \
            or meta.get("deletionTimestamp") or meta.get("finalizers"):
        return None
    labels = meta.get("labels")
    if labels and (type(labels) is not dict or labels.get(_JOB_CONTROLLER_UID)):
        return None
    node = spec.get("nodeName")
    if node is not None and type(node) is not str:
        return None
    return ch.type, ch.by == "scheduler", ch.namespace, node


_JOB_CONTROLLER_UID = "batch.kubernetes.io/controller-uid"  # controllers/__init__.py JOB_CONTROLLER_UID


class _Idle:
    """A component that queues no work and keeps nothing to write back: it only observes (or waits to be woken)."""

    __slots__ = ()
    queues_work = False  # never busy: ``Loop.workers`` leaves it out

    def has_work(self) -> bool:
        return False

    def work(self) -> None:
        pass

    def finish(self) -> None:
        pass


class _Dormant(_Idle):
    """A controller not built yet (``Loop.wake``): the changes its gate lets through and its due records wake it;
    until then it has no work and nothing to write back."""

    __slots__ = ("loop", "spec", "watches", "owns")

    def __init__(self, loop: Loop, spec) -> None:
        self.loop = loop
        self.spec = spec
        self.watches = spec.watches
        self.owns = spec.owns

    def observe(self, ch) -> None:
        gate = self.spec.gate
        if gate is None or gate(self.loop, ch):
            self.loop.wake(self).observe(ch)

    def due(self, kind: str, namespace: str, name: str, until: int, horizon: int | None) -> None:
        self.loop.wake(self).due(kind, namespace, name, until, horizon)


class _Tap(_Idle):
    """A watcher that only listens: what it sees is kept for its reader."""

    name = "watch"
    watches = ("*",)
    owns = ()

    def __init__(self, kinds: tuple[str, ...], changes: list | None = None) -> None:
        self.kinds = kinds
        self.changes: list = [] if changes is None else changes

    def observe(self, ch) -> None:
        if ch.kind in self.kinds:
            self.changes.append(ch)

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
    tx.set_meta("bootstrap", "1")
    return True


class Cluster:
    def __init__(self, tx: "Tx", *, validate: str = "strict") -> None:
        self.tx = tx
        self.api = Api(tx, validate=validate)
        self._loop = None
        if bootstrap(tx):
            self.settle()  # the controllers start with the cluster: what they make of its first objects exists at once

    @property
    def loop(self):
        if self._loop is None:
            from minikctl.engine.loop import Loop

            self._loop = Loop(self.api)
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
        while not done():
            nxt = self.next_wake()
            if nxt is None or nxt > deadline_ms:
                if to_deadline:
                    self.advance_to(max(self.tx.now_ms, deadline_ms))
                return False
            self.advance_to(max(nxt, self.tx.now_ms))
            if on_step is not None:
                on_step()
        return True

    def watch(self, kinds: tuple[str, ...]) -> list:
        """A tap on the change log: the returned list receives every change of ``kinds`` from now on."""
        return self.loop.tap(kinds)

    # ---- what kubectl asks of a kubelet ----------------------------------------------------------
    def logs(self, pod: dict, container: str, previous: bool) -> list[tuple[int, str]]:
        from minikctl.engine.kubelet import pod_logs

        return pod_logs(self.tx, pod, container, previous)

    def exec(self, pod: dict, container: str, argv: list[str], timeout_s: float | None = None) -> tuple[int, str, int]:
        from minikctl.engine.kubelet import pod_exec

        self.settle()
        return pod_exec(self.loop, pod, container, argv, timeout_s)

    def assumptions(self, pod: dict) -> dict[str, list[str]]:
        from minikctl.engine.kubelet import pod_assumptions

        return pod_assumptions(self.tx, pod)


def _static_pods(tx) -> bool:
    """Whether the kubelets have static pod manifests to read (engine/kubelet/static.py)."""
    from minikctl.engine.kubelet.static import has_manifests

    return bool(getattr(tx, "path", None)) and has_manifests(tx.path)

"""Interactive sessions with a container: ``exec -i`` (a process started in the container whose stdin is the
user's) and ``attach`` (the container's own process, when it keeps its stdin open: ``run -it``, ``debug -it``).

A session outlives the store transactions of the command that holds it: the command commits and releases the
store while it waits for the user's next line, then comes back in a new transaction. So nothing here keeps a
transaction's objects: every call takes the loop of the current step and finds the pod's record afresh.

An exec'd process is the session's own (the kubelet keeps no record of it, as a CRI runtime keeps none the kubelet
reads): it is stepped here, over the container's virtual filesystem, and what it writes is handed to the caller.
An attached process is the container's: the line goes into its stdin and the kubelet steps it like any other
moment of the container's life; what it writes is the container's log, read back through ``pod_logs``.

The wiring to a container (its record, its filesystem view, its environment) is the kubelet's streaming server's
(``pod_exec`` in ``engine/kubelet``, kubelet ``pkg/kubelet/cri/streaming/server.go`` ``serveExec``/``serveAttach``).
"""

from __future__ import annotations

from minikctl.kube.errors import BadRequest, StatusError


def prompt(session, hostname: str) -> str:
    """The shell's PS1 as the images' shells draw it for root: busybox ash's ``\\w \\$ `` (``/ # ``, ``~ # ``),
    bash's Debian default ``\\u@\\h:\\w\\$ `` (``root@web:/# ``), dash's ``# ``."""
    cwd = session.cwd
    home = session.home()
    shown = "~" + cwd[len(home):] if home and (cwd == home or cwd.startswith(home.rstrip("/") + "/")) else cwd
    if session.flavor == "bash":
        return f"root@{hostname}:{shown}# "
    if session.flavor == "dash":
        return "# "
    return f"{shown} # "


class Gone(Exception):
    """The container the session talks to stopped (or its pod went): the session ends."""


def _container(loop, ns: str, name: str, container: str):
    """(worker, container spec, its record, its running instance) for the pod's container, as the kubelet has
    them in this transaction; Gone when the pod or the instance is no more."""
    from minikctl.engine.kubelet import _kubelet_reachable
    from minikctl.engine.kubelet.records import load
    from minikctl.engine.kubelet.worker import PodWorker

    tx = loop.tx
    pod = tx.get("Pod", ns, name)
    rec = load(tx, ns, name)
    if pod is None or rec is None:
        raise Gone()
    _kubelet_reachable(tx, rec, "")
    kubelet = loop.kubelet
    k = PodWorker(kubelet.api, pod, rec, kubelet.node(rec.node or ""), kubelet.reads)
    try:
        c, cr, _ = k.find(container)
    except KeyError:
        raise Gone() from None
    inst = cr.current
    if inst is None or inst.finished_at is not None:
        raise Gone()
    return k, c, cr, inst


class ExecSession:
    """``exec -i POD -- ARGV``: the process, started at ``start``, held between the command's steps."""

    def __init__(self, ns: str, name: str, container: str, argv: list[str], stdin: str | None = None) -> None:
        """``stdin``: the whole input at once (a program that is not an interactive shell reads it as a file);
        None: the process keeps stdin open and a shell reads it line by line (``feed``)."""
        self.ns, self.name, self.container = ns, name, container
        self.argv = [str(a) for a in argv]
        self.stdin = stdin
        self.proc = None
        self.instance = ""
        self.closes_stdin = True  # the exec'd process's stdin ends with the session
        self.started_ms: int | None = None  # the container instance's start (its environment's Service links)

    def _with(self, loop, fn):
        from minikctl.engine.kubelet import procs

        try:
            k, c, cr, inst = _container(loop, self.ns, self.name, self.container)
        except Gone:
            if self.proc is None:
                raise BadRequest(f'unable to upgrade connection: container not found ("{self.container}")') from None
            raise
        if self.instance and inst.id != self.instance:
            raise Gone()  # the container restarted: the process exec'd into the old one died with it
        self.instance = inst.id
        img = k.image(c.get("image", ""))
        main = k.proc(inst)
        view = k.fs().view(self.container, c.get("volumeMounts"), img)
        self.started_ms = inst.started_at  # the container's environment is its creation's (Service links)
        result = fn(c, img, view, main, procs)
        if main is not None and main.exited:
            k.after_proc(c, cr, inst, main)
        k.wake_dormant()  # the filesystem may have changed: steady probes look again
        k.run_due(loop.tx.now_ms)
        loop.kubelet.finish_pod(k)
        return result

    def start(self, loop, pod: dict) -> str:
        """Start the process at the current instant; returns what it wrote at once. Raises BadRequest as
        ``pod_exec`` does when the container is not running."""
        from minikctl.engine.behavior.process import Process

        now = loop.tx.now_ms

        def spawn(c, img, view, main, procs):
            env = procs.env_for(c, pod, img, loop.tx, self.started_ms)
            p = Process.spawn(self.argv, env, img, now, getattr(main, "memory_limit", None),
                              stdin_open=self.stdin is None, cpu_limit=getattr(main, "cpu_share", None))
            p.is_exec = True
            # an exec'd process runs as the container's user (the runtime's exec uses the container's process spec)
            p.creds = getattr(main, "creds", None) if main is not None else procs.credentials(c, pod, img)
            if c.get("workingDir"):  # the runtime starts an exec'd process in the container's working directory
                p.cwd = c["workingDir"]
            if self.stdin is not None and not p.exited:
                p.stdin = [{"buf": self.stdin}]  # what it reads from stdin, then the end of it
            p.peer = main
            self.proc = p
            p.step(now, view)
            return p.drain_output()

        return self._with(loop, spawn)

    # -- what the caller asks -------------------------------------------------------------------------
    @property
    def exited(self) -> bool:
        return self.proc is None or self.proc.exited

    @property
    def exit_code(self) -> int:
        return int(self.proc.exit_code or 0) if self.proc is not None else 0

    @property
    def at_prompt(self) -> bool:
        return self.proc is not None and self.proc.at_prompt

    @property
    def wake_ms(self) -> int | None:
        return None if self.proc is None else self.proc.wake_ms

    @property
    def cwd(self) -> str:
        return self.proc.cwd if self.proc is not None else "/"

    @property
    def flavor(self) -> str:
        return self.proc.flavor if self.proc is not None else "busybox"

    def home(self) -> str:
        return str((self.proc.vars if self.proc is not None else {}).get("HOME", "/root"))

    def feed(self, loop, text: str, last: bool = False) -> tuple[bool, str]:
        """The shell at its prompt reads ``text`` and runs it up to the current instant: (False: incomplete,
        read more; what it wrote). ``last``: no more input follows (an incomplete construct is an error)."""
        now = loop.tx.now_ms
        accepted = [True]

        def run(c, img, view, main, procs):
            self.proc.peer = main
            accepted[0] = self.proc.read_line(text, now, last)
            self.proc.step(now, view)
            return self.proc.drain_output()

        out = self._with(loop, run)
        return accepted[0], out

    def step(self, loop) -> str:
        """Run the process up to the current instant; returns what it wrote."""
        now = loop.tx.now_ms

        def run(c, img, view, main, procs):
            self.proc.peer = main
            self.proc.step(now, view)
            return self.proc.drain_output()

        return self._with(loop, run)

    def interrupt(self, loop) -> str:
        """Ctrl-C while a line runs: the shell drops it and is back at its prompt."""
        now = loop.tx.now_ms

        def intr(c, img, view, main, procs):
            self.proc.interrupt_line(now)
            return self.proc.drain_output()

        return self._with(loop, intr)

    def end_of_input(self, loop) -> str:
        now = loop.tx.now_ms

        def eof(c, img, view, main, procs):
            self.proc.peer = main
            self.proc.end_of_input(now, view)
            return self.proc.drain_output()

        return self._with(loop, eof)


class AttachSession:
    """``attach -i`` (and ``run -it``, ``debug -it``): the container's own process reads the user's lines."""

    def __init__(self, ns: str, name: str, container: str) -> None:
        self.ns, self.name, self.container = ns, name, container
        self.instance = ""
        self.seen = 0
        self.exited = False
        self.exit_code = 0
        self.cwd = "/"
        self.flavor = "busybox"
        self._home = "/root"
        self.at_prompt = False
        self.wake_ms: int | None = None
        # stdinOnce: the runtime closes the container's stdin when the first attach ends (the shell reads its end
        # and exits); without it the stdin stays open for the next attach
        self.closes_stdin = False

    def home(self) -> str:
        return self._home

    def _with(self, loop, fn=None) -> str:
        from minikctl.engine.kubelet import pod_logs

        tx = loop.tx
        pod = tx.get("Pod", self.ns, self.name)
        try:
            k, c, cr, inst = _container(loop, self.ns, self.name, self.container)
        except Gone:
            self.exited = True
            self._exit_from(tx, pod)
            return self._new_logs(tx, pod, pod_logs, previous=True)
        if self.instance and inst.id != self.instance:
            self.exited = True
            self._exit_from(tx, pod)
            return self._new_logs(tx, pod, pod_logs, previous=True)
        if not self.instance:
            self.instance = inst.id
            self.seen = len(pod_logs(tx, pod, self.container, False))
        main = k.proc(inst)
        if main is None:
            self.exited = True
            return ""
        self.closes_stdin = bool(c.get("stdinOnce"))
        if fn is not None:
            img = k.image(c.get("image", ""))
            view = k.fs().view(self.container, c.get("volumeMounts"), img)
            fn(main, view)
            k.after_proc(c, cr, inst, main)
            k.wake_dormant()
            k.run_due(tx.now_ms)
        self.at_prompt, self.wake_ms = main.at_prompt, main.wake_ms
        self.cwd, self._home, self.flavor = main.cwd, str(main.vars.get("HOME", "/root")), main.flavor
        exited = main.exited
        loop.kubelet.finish_pod(k)
        text = self._new_logs(tx, tx.get("Pod", self.ns, self.name) or pod, pod_logs, previous=False)
        if exited:
            self.exited = True
            self.exit_code = int(main.exit_code or 0)
        return text

    def _exit_from(self, tx, pod) -> None:
        for cs in ((pod or {}).get("status") or {}).get("containerStatuses") or []:
            if cs.get("name") == self.container:
                term = (cs.get("lastState") or {}).get("terminated") or (cs.get("state") or {}).get("terminated")
                if term:
                    self.exit_code = int(term.get("exitCode") or 0)

    def _new_logs(self, tx, pod, pod_logs, previous: bool) -> str:
        if pod is None:
            return ""
        try:
            lines = pod_logs(tx, pod, self.container, previous)
        except StatusError:  # no such instance (yet): nothing it printed
            return ""
        new = lines[self.seen:]
        self.seen = len(lines)
        return "".join(f"{line}\n" for _, line in new)

    def start(self, loop, pod: dict) -> str:
        return self._with(loop)

    def step(self, loop) -> str:
        return self._with(loop)

    def feed(self, loop, text: str, last: bool = False) -> tuple[bool, str]:
        now = loop.tx.now_ms
        accepted = [True]

        def run(main, view):
            if main.at_prompt:
                accepted[0] = main.read_line(text, now, last)
                main.step(now, view)

        out = self._with(loop, run)
        return accepted[0], out

    def interrupt(self, loop) -> str:
        now = loop.tx.now_ms
        return self._with(loop, lambda main, view: main.interrupt_line(now))

    def end_of_input(self, loop) -> str:
        now = loop.tx.now_ms
        return self._with(loop, lambda main, view: main.end_of_input(now, view))

"""minikctl attach (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t]: attach to a container's own process.

kubectl 1.32's ``pkg/cmd/attach/attach.go``: ``Complete`` (one argument, a pod or TYPE/NAME whose pod is found as
exec finds it), ``Run`` (``cannot attach a container in a completed pod``, the TTY checks against the container's
``tty``, ``If you don't see a command prompt, try pressing enter.``, and after a session on a terminal with a
container that restarts, ``Session ended, resume using ...``). With ``-i`` the user's input goes to the container's
stdin: a shell started with stdin open (``run -i``, ``stdin: true``) reads it (cli/interactive.py); without it,
what the container prints from now on is shown until it stops.
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt


def attach(
    args: list[str] | None = Arg(None, help="(POD | TYPE/NAME)", complete="pod_names"),
    container: str | None = Opt(None, "--container", "-c", help="Container name (default: the first)."),
    stdin: bool = Opt(False, "--stdin", "-i", help="Pass stdin to the container."),
    tty: bool = Opt(False, "--tty", "-t", help="Stdin is a TTY."),
    quiet: bool = Opt(False, "--quiet", "-q", help="Only print output from the remote session."),
    pod_running_timeout: str = Opt("1m0s", "--pod-running-timeout", help="The length of (virtual) time to wait "
                                   "until at least one pod is running."),
    namespace: str | None = c.NAMESPACE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> int:
    """Attach to a process that is already running inside an existing container (simulated)."""
    from minikctl.cli import interactive
    from minikctl.cli.exec import attachable_pod, default_container
    from minikctl.cli.logs import _follow, _format
    from minikctl.engine.sessions import AttachSession
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import POD

    args = list(args or [])
    if len(args) == 0:
        raise ClientError("at least 1 argument is required for attach")
    if len(args) > 2:
        raise ClientError("expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw "
                          f"{len(args)}: [{' '.join(args)}]")
    with c.session(store, tick, stream=True, own_interrupt=True) as cluster:
        api = cluster.api
        ns = c.namespace_of(namespace)
        res, name = POD, args[-1]
        if len(args) == 2 or "/" in args[0]:
            from minikctl.kube.kinds import resolve

            type_, name = (args[0], args[1]) if len(args) == 2 else args[0].split("/", 1)
            res = resolve(type_)
        pod = attachable_pod(cluster, api.get(res, ns, name), pod_running_timeout)
        phase = (pod.get("status") or {}).get("phase")
        if phase in ("Succeeded", "Failed"):
            raise ClientError(f"cannot attach a container in a completed pod; current phase is {phase}")
        spec = pod.get("spec") or {}
        every = (spec.get("containers") or []) + (spec.get("initContainers") or []) + \
            (spec.get("ephemeralContainers") or [])
        if container:
            found = next((x for x in every if x.get("name") == container), None)
            if found is None:
                raise ClientError(f"cannot attach to the container: container {container} not found in pod "
                                  f"{pod['metadata']['name']}")
        else:
            container = default_container(pod)
            found = next(x for x in every if x.get("name") == container)
        if tty and not found.get("tty"):
            tty = False
            if not quiet:
                c.err(f"error: Unable to use a TTY - container {container} did not allocate one")
        elif not tty and found.get("tty"):
            tty = True  # a container with a TTY is always attached with one
        meta = pod["metadata"]
        session = AttachSession(meta["namespace"], meta["name"], container)
        text = session.start(cluster.loop, pod)
        if stdin and not session.exited and session.at_prompt:
            raw = interactive.attach_streams(cluster, session, meta["name"], tty, quiet)
            if raw and not quiet and spec.get("restartPolicy", "Always") == "Always":
                c.out(f"Session ended, resume using 'minikctl attach {meta['name']} -c {container} -i -t' command "
                      "when the pod is running\n")
            return 0
        if not quiet:
            c.err(interactive.PROMPT_HINT)
        c.out(text)
        shown: list = []
        sent = len(cluster.logs(pod, container, False))
        _follow(cluster, pod, container, sent, shown.extend)
        c.out(_format(shown, False, ""))
    return 0


COMMANDS = {"attach": attach}

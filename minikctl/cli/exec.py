"""minikctl exec (POD | TYPE/NAME) [-c CONTAINER] -- COMMAND [ARGS...]: run a command in a simulated container.

Nothing runs on the host: the command goes through the same interpreter as the container's own process, over the
container's virtual filesystem, so `exec web -- touch /tmp/healthy` changes what an exec probe sees next.

The command line, the errors and the default container are kubectl 1.32's (pkg/cmd/exec/exec.go ``Complete``,
``Validate``, ``Run``; pkg/cmd/util/podcmd ``FindOrDefaultContainerByName``; pkg/polymorphichelpers
``attachablePodForObject``).
"""

from __future__ import annotations

import sys

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

NO_DASH = "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead"
DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"

def exec_(
    args: list[str] | None = Arg(None, help="(POD | TYPE/NAME) -- COMMAND [ARGS...]", complete="pod_names"),
    container: str | None = Opt(None, "--container", "-c", help="Container name (default: the first)."),
    filename: list[str] | None = Opt(None, "--filename", "-f", help="to use to exec into the resource"),
    namespace: str | None = c.NAMESPACE,
    stdin: bool = Opt(False, "--stdin", "-i", help="Pass stdin to the container (piped input is the command's "
                                                   "stdin; a shell runs it as its script)."),
    tty: bool = Opt(False, "--tty", "-t", help="Stdin is a TTY: with -i on a terminal, a shell gives a prompt."),
    pod_running_timeout: str = Opt("1m0s", "--pod-running-timeout", help="The length of (virtual) time to wait "
                                   "until at least one pod is running."),
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> int:
    """Execute a command in a container (simulated)."""
    from minikctl.kube.errors import ClientError, UsageError

    args = list(args or [])
    dash = _args_len_at_dash(args)
    target = args[0] if args and dash != 0 else ""
    if dash > -1:
        command = args[dash:]
    elif len(args) > 1 or (args and filename):
        raise UsageError(NO_DASH, "exec")
    else:
        command = []
    if not target and not filename:
        raise ClientError("pod, type/name or --filename must be specified")
    if not command:
        raise ClientError("you must specify at least one command for the container")
    if target and filename:  # the builder: FilenameParam and ResourceNames together
        raise ClientError("resource/name arguments cannot be provided when a path is specified")
    if stdin:
        return _interactive(target, filename, namespace, container, pod_running_timeout, command, tty, store, tick)
    with c.session(store, tick) as cluster:
        pod, container = _target(cluster, target, filename, namespace, container, pod_running_timeout)
        code, (output, errors), _ms = cluster.exec(pod, container, command, split=True)
        if code == 126 and errors.startswith("OCI runtime exec failed:"):
            # containerd's CRI could not start the process: the kubelet's streaming server answers with an
            # internal error (exec.go ServeExec), which kubectl prints (no exit code of the command)
            api = cluster.api
            exec_id = api.tx.digest("exec", pod["metadata"].get("uid", ""), container, api.tx.now_ms)
            raise ClientError("Internal error occurred: error executing command in container: failed to exec in "
                              f'container: failed to start exec "{exec_id}": {errors}')
    c.out(output)  # the container's stdout and stderr on kubectl's own two (remotecommand's StreamOptions)
    if errors:
        sys.stderr.write(errors)
        sys.stderr.flush()
    if code != 0:
        c.err(f"command terminated with exit code {code}")
    return code


def _target(cluster, target: str, filename, namespace, container, pod_running_timeout) -> tuple[dict, str]:
    """The pod and the container the command runs in (Run: the builder, attachablePodForObject, the phase check,
    FindOrDefaultContainerByName)."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import POD

    api = cluster.api
    ns = c.namespace_of(namespace)
    if filename:
        # Run: the builder's object is the file's as written (no Latest()); attachablePodForObject takes a
        # pod's name from it (the pod is then fetched) or a workload's selector to find its pods
        from minikctl.cli import resource_args

        found = resource_args.local_from_files(filename, False, namespace or c._global["namespace"])
        if not found:
            raise ClientError("no objects passed to exec")
        res, obj = found[0]
        meta = obj.setdefault("metadata", {})
        if res.namespaced:
            meta.setdefault("namespace", ns)
        if obj.get("kind") == "Pod":
            obj = api.get(res, meta.get("namespace") or ns, meta.get("name", ""))
        pod = attachable_pod(cluster, obj, pod_running_timeout)
    else:
        res, name = POD, target
        if "/" in target:  # TYPE/NAME, as the resource builder reads it
            from minikctl.kube.kinds import resolve

            type_, _, name = target.partition("/")
            res = resolve(type_)
        pod = attachable_pod(cluster, api.get(res, ns, name), pod_running_timeout)
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise ClientError(f"cannot exec into a container in a completed pod; current phase is {phase}")
    if container is None:
        container = default_container(pod)
    return pod, container


def _interactive(target, filename, namespace, container, pod_running_timeout, command, tty, store, tick) -> int:
    """exec -i: the command reads the user's input (cli/interactive.py); -it on a terminal: a shell prompt."""
    from minikctl.cli import interactive
    from minikctl.engine.sessions import ExecSession, Gone
    from minikctl.kube.errors import ClientError

    with c.session(store, tick, stream=True, own_interrupt=True) as cluster:
        pod, container = _target(cluster, target, filename, namespace, container, pod_running_timeout)
        raw = interactive.setup_tty(True, tty)
        meta = pod["metadata"]
        prompt = raw and interactive.is_prompt_shell(command)
        data = None if prompt else cluster.release(interactive.read_piped)
        if data is not None and interactive.is_prompt_shell(command):
            session = ExecSession(meta["namespace"], meta["name"], container, command)
        else:
            session = ExecSession(meta["namespace"], meta["name"], container, command, stdin=data)
        try:
            if prompt:
                interactive.drive(cluster, session, hostname=meta["name"])
            else:
                interactive.run_piped(cluster, session, data or "")
        except Gone:
            code = 137  # the container stopped: the process exec'd into it was killed with it
        else:
            code = session.exit_code
            output = session.proc.message if session.proc is not None and session.proc.reason == "StartError" else ""
            if output:
                api = cluster.api
                exec_id = api.tx.digest("exec", meta.get("uid", ""), container, api.tx.now_ms)
                raise ClientError("Internal error occurred: error executing command in container: failed to exec "
                                  f'in container: failed to start exec "{exec_id}": OCI runtime exec failed: exec '
                                  f"failed: unable to start container process: {output}: unknown")
    if code != 0:
        c.err(f"command terminated with exit code {code}")
    return code


def _args_len_at_dash(args: list[str]) -> int:
    """cobra's ArgsLenAtDash for this command line (the reader records it; typer's does not, then a `--` on the
    command line is taken to follow the first argument)."""
    import sys

    from minikctl.cli import argv

    if argv.ARGS_LEN_AT_DASH is not None:
        return argv.ARGS_LEN_AT_DASH
    return min(1, len(args)) if "--" in sys.argv[1:] else -1


def attachable_pod(cluster, obj: dict, timeout: str) -> dict:
    """attachablePodForObject: a Pod is itself; a workload stands for the first of its pods (cli/podfor.py)."""
    if obj.get("kind", "") == "Pod":
        return obj
    from minikctl.cli import podfor

    return podfor.attachable_pod(cluster, obj, timeout)


def default_container(pod: dict) -> str:
    """FindOrDefaultContainerByName without a name: the default-container annotation's container if the pod has
    it, else the first container, with kubectl's notice when there were others to choose from."""
    spec = pod.get("spec") or {}
    containers = spec.get("containers") or []
    inits = spec.get("initContainers") or []
    ephemeral = spec.get("ephemeralContainers") or []
    wanted = ((pod.get("metadata") or {}).get("annotations") or {}).get(DEFAULT_CONTAINER_ANNOTATION)
    if wanted and any(ct.get("name") == wanted for ct in containers + inits + ephemeral):
        return wanted
    first = containers[0]["name"]
    if len(containers) > 1 or inits or ephemeral:
        names = ([ct["name"] for ct in containers] + [f"{ct['name']} (ephem)" for ct in ephemeral]
                 + [f"{ct['name']} (init)" for ct in inits])
        c.err(f'Defaulted container "{first}" out of: {", ".join(names)}')
    return first


COMMANDS = {"exec": exec_}

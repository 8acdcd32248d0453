"""minikctl exec POD [-c CONTAINER] -- COMMAND [ARGS...]: run a command in a simulated container.

Nothing runs on the host: the command goes through the same interpreter as the container's own process, over the
container's virtual filesystem, so `exec web -- touch /tmp/healthy` changes what an exec probe sees next.
"""

from __future__ import annotations


from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt


def exec_(
    args: list[str] = Arg(..., help="POD [--] COMMAND [ARGS...]", complete="pod_names"),
    container: str | None = Opt(None, "--container", "-c", help="Container name (default: the first)."),
    namespace: str | None = c.NAMESPACE,
    stdin: bool = Opt(False, "--stdin", "-i", help="Accepted for compatibility; stdin is not passed."),
    tty: bool = Opt(False, "--tty", "-t", help="Accepted for compatibility."),
    pod_running_timeout: str = Opt("1m0s", "--pod-running-timeout", help="The length of (virtual) time to wait "
                                   "until at least one pod is running."),
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> int:
    """Execute a command in a container (simulated)."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import POD, resolve

    res, target = POD, args[0]
    if "/" in args[0]:  # TYPE/NAME: a workload stands for one of its pods (AttachablePodForObject)
        type_, _, target = args[0].partition("/")
        res = resolve(type_)
    command = [a for a in args[1:]]
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise ClientError("you must specify at least one command for the container")
    with c.session(store, tick) as cluster:
        api = cluster.api
        pod = api.get(res, c.namespace_of(namespace), target)
        if res.kind != "Pod":
            from minikctl.cli import podfor

            pod = podfor.attachable_pod(cluster, pod, pod_running_timeout)
            target = pod["metadata"]["name"]
        names = [ct["name"] for ct in (pod.get("spec") or {}).get("containers") or []]
        if container is None:
            container = names[0]
            if len(names) > 1:
                c.err(f'Defaulted container "{container}" out of: {", ".join(names)}')
        elif container not in names:
            raise ClientError(f"container {container} not found in pod {target}")
        code, output, _ms = cluster.exec(pod, container, command)
    c.out(output)
    if code != 0:
        c.err(f"command terminated with exit code {code}")
    return code


COMMANDS = {"exec": exec_}

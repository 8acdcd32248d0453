"""minikctl logs: what the simulated processes printed, per container instance; -f follows in virtual time."""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

NO_POD = ("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
          "POD or TYPE/NAME is a required argument for the logs command\n"
          "See 'minikctl logs -h' for help and examples")


def _container_names(pod: dict) -> list[tuple[str, str]]:
    spec = pod.get("spec") or {}
    out = [(ct["name"], "") for ct in spec.get("containers") or []]
    out += [(ct["name"], " (init)") for ct in spec.get("initContainers") or []]
    out += [(ct["name"], " (ephem)") for ct in spec.get("ephemeralContainers") or []]
    return out


def _format(lines: list[tuple[int, int, str]], timestamps: bool, prefix: str) -> str:
    from minikctl.kube.timefmt import rfc3339_micro

    out = []
    for _seq, ms, line in lines:
        stamp = ""
        if timestamps:
            micro = rfc3339_micro(ms)  # 2026-01-01T00:00:00.000000Z
            stamp = micro[:-1] + "000Z "  # RFC3339Nano, as the kubelet writes it
        out.append(f"{prefix}{stamp}{line}\n")
    return "".join(out)


def logs(
    args: list[str] | None = Arg(None, help="POD or TYPE/NAME [CONTAINER]", complete="pod_names"),
    container: str | None = Opt(None, "--container", "-c", help="Print the logs of this container."),
    all_containers: bool = Opt(False, "--all-containers", help="Print the logs of every container."),
    previous: bool = Opt(False, "--previous", "-p", help="The previous terminated instance of the container."),
    tail: int = Opt(-1, "--tail", help="Lines of recent log to show (-1: all; 10 with -l)."),
    timestamps: bool = Opt(False, "--timestamps", help="Prefix each line with its RFC3339Nano timestamp."),
    follow: bool = Opt(False, "--follow", "-f", help="Follow the log as virtual time advances, until the container stops."),
    prefix: bool = Opt(False, "--prefix", help="Prefix each line with [pod/NAME/CONTAINER]."),
    since: str | None = Opt(None, "--since", help="Only lines newer than this virtual duration (5s, 2m, 3h)."),
    since_time: str | None = Opt(None, "--since-time", help="Only lines at or after this RFC3339 time."),
    limit_bytes: int = Opt(0, "--limit-bytes", help="At most this many bytes of log (0: no limit)."),
    all_pods: bool = Opt(False, "--all-pods", help="Get logs from all pod(s). Sets prefix to true."),
    pod_running_timeout: str = Opt("20s", "--pod-running-timeout", help="The length of (virtual) time to wait "
                                   "until at least one pod is running."),
    speed: str | None = c.SPEED,
    selector: str | None = c.SELECTOR,
    namespace: str | None = c.NAMESPACE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Print the logs of a container in a pod."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import POD

    args = list(args or [])
    if not args and not selector:
        raise ClientError(NO_POD)
    since_ms = _since(since)
    prefix = prefix or all_pods
    ns = c.namespace_of(namespace)
    with c.session(store, tick, read_only=not follow, stream=follow, speed=speed, by_signal=True) as cluster:
        api = cluster.api
        if selector:
            pods = api.list(POD, ns, selector)
            if tail == -1:
                tail = 10
            if not pods:
                c.err(f"No resources found in {ns} namespace.")
                return
        else:
            if len(args) > 1 and not container:
                container = args[1]
            pods = _target_pods(cluster, args[0], ns, pod_running_timeout, all_pods)
        if since_ms and since_time:
            raise ClientError("at most one of `sinceTime` or `sinceSeconds` may be specified")
        if limit_bytes < 0:
            raise ClientError("--limit-bytes must be greater than 0")
        start_ms = _since_start(api.now_ms, since_ms, since_time)
        for pod in pods:
            names = _container_names(pod)
            pname = pod["metadata"]["name"]
            if all_containers:
                chosen = [n for n, _ in names]
            elif container:
                if container not in [n for n, _ in names]:
                    raise ClientError(f"container {container} is not valid for pod {pname}")
                chosen = [container]
            else:
                default = ((pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
                           or names[0][0])
                if len(names) > 1 and not selector and not all_pods:
                    listed = ", ".join(n + tag for n, tag in names)
                    c.err(f'Defaulted container "{default}" out of: {listed}')
                chosen = [default]
            for cname in chosen:
                # the kubelet's order: the last --tail lines (of what exists when the request comes), then the
                # --since filter, then --limit-bytes (over the whole stream); the store reads only those lines
                lines = cluster.logs(pod, cname, previous, numbered=True, tail=tail if tail >= 0 else None,
                                     since_ms=start_ms if tail < 0 else None)
                tag = f"[pod/{pname}/{cname}] " if prefix else ""
                budget = [limit_bytes if limit_bytes else -1]

                def show(chunk: list, tag=tag, budget=budget) -> None:
                    if start_ms is not None:
                        chunk = [x for x in chunk if x[1] >= start_ms]
                    text = _format(chunk, timestamps, tag)
                    if budget[0] >= 0:
                        data = text.encode()[:budget[0]]
                        budget[0] -= len(data)
                        text = data.decode(errors="ignore")
                    c.out(text)

                show(lines)
                if follow and not previous:
                    last = lines if lines else cluster.logs(pod, cname, False, numbered=True, tail=1)
                    _follow(cluster, pod, cname, last[-1][0] + 1 if last else 0, show)


def _target_pods(cluster, arg: str, ns: str, timeout: str, all_pods: bool) -> list[dict]:
    """The builder's ``ResourceNames("pods", arg)``: POD or TYPE/NAME; a workload stands for its pods
    (polymorphichelpers.LogsForObject, cli/podfor.py)."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import POD, resolve

    res, name = POD, arg
    if "/" in arg:
        type_, _, name = arg.partition("/")
        res = resolve(type_)
    obj = cluster.api.find(res, ns, name)
    if obj is None:
        raise ClientError(f'error from server (NotFound): {res.qualified} "{name}" not found in namespace "{ns}"')
    if res.kind == "Pod":
        return [obj]
    from minikctl.cli import podfor

    return podfor.pods_for_logs(cluster, obj, timeout, all_pods)


def _since(since: str | None) -> int:
    """--since in milliseconds (0: not given); a bad duration is a flag error, as pflag reports it."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.timefmt import parse_go_duration

    if since is None:
        return 0
    try:
        ms = parse_go_duration(since)
    except ValueError as e:
        raise ClientError(f'Error: invalid argument "{since}" for "--since" flag: {e}\n'
                          "See 'minikctl logs --help' for usage.", plain=True) from None
    if ms < 0:
        raise ClientError("--since must be greater than 0")
    return ms


def _since_start(now_ms: int, since_ms: int, since_time: str | None) -> int | None:
    """The earliest line time to show: kubectl sends whole seconds (sinceSeconds rounded up, sinceTime truncated)."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.timefmt import parse_rfc3339

    if since_time:
        try:
            return parse_rfc3339(since_time) // 1000 * 1000
        except ValueError as e:
            raise ClientError(str(e)) from None
    if since_ms:
        return now_ms - -(-since_ms // 1000) * 1000
    return None


def _follow(cluster, pod: dict, cname: str, sent: int, show, limit_ms: int = 24 * 3600 * 1000) -> None:
    """Let virtual time run until the container instance stops (at most ``limit_ms``), showing each line it
    prints as the step that printed it commits (kubectl logs -f: the kubelet's stream of the instance)."""
    import time

    from minikctl.kube.errors import StatusError

    meta = pod["metadata"]
    key = ("Pod", meta.get("namespace", "default"), meta["name"])
    state = {"sent": sent, "polled": 0.0, "over": False, "instance": _instance(pod, cname)}

    def stopped() -> bool:
        live = cluster.tx.get(*key)
        return live is None or _stopped(live, cname) or state["over"]

    def poll(force: bool = True) -> None:
        if not force and time.monotonic() - state["polled"] < 0.02:
            return  # the log is read at most every 20 ms of work (it only grows; the last read takes the rest)
        state["polled"] = time.monotonic()
        live = cluster.tx.get(*key)
        if live is None:
            return
        current = _instance(live, cname)
        if state["instance"] is None:
            state["instance"] = current  # followed from before the container started (run --attach): its first
        elif current != state["instance"]:
            state["over"] = True  # a new instance: the followed one has ended
            return
        try:
            lines = cluster.logs(live, cname, False, numbered=True, after_seq=state["sent"])
        except StatusError:  # the instance is gone (a restart pending): it printed what we showed
            state["over"] = True
            return
        if lines:
            show(lines)
            state["sent"] = lines[-1][0] + 1

    # to the deadline when nothing wakes before it: a fast-forwarded loop prints without waking up (its lines are
    # those of the stretch up to the clock)
    cluster.run_until(stopped, cluster.now_ms + limit_ms, on_step=lambda: poll(False))
    poll()


def _instance(pod: dict, cname: str):
    """The container's current instance as its status shows it (its restart count and container ID)."""
    status = pod.get("status") or {}
    for cs in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []):
        if cs.get("name") == cname:
            return cs.get("restartCount"), cs.get("containerID")
    return None


def _stopped(pod: dict, cname: str) -> bool:
    status = pod.get("status") or {}
    for cs in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []):
        if cs.get("name") == cname:
            return "terminated" in (cs.get("state") or {})
    return False


COMMANDS = {"logs": logs}

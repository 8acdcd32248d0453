"""minikctl run NAME --image=IMAGE [-- ARGS...]: create a pod from flags, as kubectl run does (pkg/cmd/run/run.go).

The pod is the one kubectl's generator builds: one container named after the pod, label run=NAME unless
--labels is given, dnsPolicy ClusterFirst, the chosen restart policy. With --attach (or -i/-t) virtual time
runs until the container stops (a minute at most for restartPolicy Always) and its output is printed; with -i
and a shell that waits for input, the user's input is its stdin (a prompt on a terminal with -t: cli/interactive.py);
--rm then deletes the pod.
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

RESTART_POLICIES = ("Always", "OnFailure", "Never")
PULL_POLICIES = ("Always", "IfNotPresent", "Never", "")
SEE_HELP = "\nSee 'minikctl run -h' for help and examples"


def _pairs(items: list[str], error: str) -> list[tuple[str, str]]:
    """KEY=VALUE items in order (--env, --annotations); a missing `=` or key is `<error>: <item>`."""
    out = []
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise _client_error(f"{error}: {item}")
        out.append((key, value))
    return out


def _client_error(message: str, see_help: bool = False):
    from minikctl.kube.errors import ClientError

    return ClientError(message + (SEE_HELP if see_help else ""))


def build_pod(name: str, image: str, args: list[str], command: bool, env: list[str], port: str | None,
              labels: str | None, annotations: list[str], restart: str, pull_policy: str | None,
              privileged: bool, stdin: bool, tty: bool, namespace: str | None = None) -> dict:
    """The Pod kubectl run's generator makes from its flags (field order as its typed struct prints)."""
    container: dict = {"name": name, "image": image}
    if args:
        container["command" if command else "args"] = list(args)
    if port:
        digits = port[1:] if port[:1] in "+-" else port
        if not (digits.isascii() and digits.isdigit()):
            raise _client_error(f'strconv.Atoi: parsing "{port}": invalid syntax')
        if int(port) > 0:
            container["ports"] = [{"containerPort": int(port)}]
    if env:
        container["env"] = [{"name": key, "value": value} for key, value in _pairs(env, "invalid env")]
    container["resources"] = {}
    if stdin:
        container["stdin"] = True
        container["stdinOnce"] = True
    if tty:
        container["tty"] = True
    if pull_policy:
        container["imagePullPolicy"] = pull_policy
    if privileged:
        container["securityContext"] = {"privileged": True}
    meta: dict = {"name": name, **({"namespace": namespace} if namespace else {}), "creationTimestamp": None}
    if labels is None:
        meta["labels"] = {"run": name}
    else:
        parsed: dict[str, str] = {}
        for item in labels.split(","):
            key, eq, value = item.partition("=")
            if not eq:
                raise _client_error(f"unexpected label spec: {item}")
            parsed[key] = value
        meta["labels"] = parsed
    if annotations:
        meta["annotations"] = dict(_pairs(annotations, "invalid annotations format"))
    return {"kind": "Pod", "apiVersion": "v1", "metadata": meta,
            "spec": {"containers": [container], "restartPolicy": restart, "dnsPolicy": "ClusterFirst"},
            "status": {}}


_REFERENCE = None


def valid_image_reference(image: str) -> bool:
    """Whether ``image`` is a reference as github.com/distribution/reference's ReferenceRegexp (regexp.go) has
    it: [domain[:port]/]path-component[/path-component...][:tag][@digest], lower-case path components."""
    global _REFERENCE
    if _REFERENCE is None:
        import re

        alnum = "[a-z0-9]+"
        path_component = alnum + "(?:(?:[._]|__|[-]+)" + alnum + ")*"
        remote_name = path_component + "(?:/" + path_component + ")*"
        domain_component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
        host = "(?:" + domain_component + r"(?:\." + domain_component + ")*" + r"|\[(?:[a-fA-F0-9:]+)\])"
        name = "(?:" + host + "(?::[0-9]+)?/)?" + remote_name
        tag = r"[\w][\w.-]{0,127}"
        digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}"
        _REFERENCE = re.compile("(" + name + ")(?::(" + tag + "))?(?:@(" + digest + "))?", re.ASCII)
    return _REFERENCE.fullmatch(image) is not None


def run(
    args: list[str] | None = Arg(None, help="NAME [-- COMMAND] [ARGS...]"),
    image: str | None = Opt(None, "--image", help="The image for the container to run."),
    env: list[str] | None = Opt(None, "--env", help="Environment variables to set in the container (KEY=VALUE)."),
    port: str | None = Opt(None, "--port", help="The port the container exposes."),
    labels: str | None = Opt(None, "--labels", "-l", help="Comma separated labels (default run=NAME)."),
    annotations: list[str] | None = Opt(None, "--annotations", help="Annotations to apply to the pod."),
    restart: str = Opt("Always", "--restart", help="The restart policy: Always, OnFailure or Never."),
    image_pull_policy: str | None = Opt(None, "--image-pull-policy", help="The container's image pull policy."),
    command: bool = Opt(False, "--command", help="The extra arguments are the command, not the image's args."),
    privileged: bool = Opt(False, "--privileged", help="Run the container privileged."),
    overrides: str | None = Opt(None, "--overrides", help="An inline JSON merge patch for the generated object."),
    stdin: bool = Opt(False, "--stdin", "-i", help="Keep stdin open on the container and attach to it: its shell "
                                                   "reads your input."),
    tty: bool = Opt(False, "--tty", "-t", help="Allocate a TTY: with -i on a terminal, a shell prompt."),
    attach: bool = Opt(False, "--attach", help="Let virtual time run until the container stops (with --restart=Always: "
                       "at most 1m) and print its output."),
    rm: bool = Opt(False, "--rm", help="Delete the pod after an attached run."),
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    record: bool = c.RECORD,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> int:
    """Create and run a particular image in a pod."""
    from minikctl.kube.errors import BadRequest, ClientError
    from minikctl.printers import output as printer

    args = list(args or [])
    if image is None:
        raise ClientError('required flag(s) "image" not set')
    if not args:
        raise _client_error("NAME is required for run", see_help=True)
    if image and not valid_image_reference(image):  # run.go Run: reference.ReferenceRegexp.MatchString
        raise ClientError(f'Invalid image name "{image}": invalid reference format')
    if tty and not stdin:  # run.go Validate
        raise _client_error("-i/--stdin is required for containers with -t/--tty=true", see_help=True)
    if restart not in RESTART_POLICIES:
        raise _client_error(f"invalid restart policy: {restart}", see_help=True)
    if image_pull_policy is not None and image_pull_policy not in PULL_POLICIES:
        raise _client_error(f"invalid image pull policy: {image_pull_policy}", see_help=True)
    attached = attach or stdin or tty
    mode = c.parse_dry_run(dry_run)
    if mode != "none" and attached:
        raise _client_error("--dry-run=[server|client] can't be used with attached containers options (--attach, "
                            "--stdin, or --tty)", see_help=True)
    if rm and not attached:
        raise _client_error("--rm should only be used for attached containers", see_help=True)
    printer.check_format(output)
    name, rest = args[0], args[1:]
    pod = build_pod(name, image, rest, command, env or [], port, labels, annotations or [], restart,
                    image_pull_policy, privileged, stdin, tty, namespace)
    if overrides:
        pod = _override(pod, overrides)
    ns = c.namespace_of(namespace)
    sent = {**pod, "metadata": {**pod["metadata"], "namespace": ns}}
    if mode != "client":
        sent = c.record(sent)  # run.go createGeneratedObject: o.Recorder.Record(obj)
    with c.session(store, tick, stream=stdin, own_interrupt=stdin) as cluster:
        api = cluster.api
        try:
            created = api.create({**sent, "metadata": {k: v for k, v in sent["metadata"].items() if v is not None}},
                                 dry_run=mode != "none")
        except BadRequest as e:
            # kubectl decodes the overridden pod itself: a type error is its own, not the server's
            head = 'Pod in version "v1" cannot be handled as a Pod: '
            if overrides and e.message.startswith(head):
                raise ClientError(e.message[len(head):]) from None
            raise
        if mode == "client" and output == "json":
            from minikctl.printers import serialize

            c.out(serialize.to_json(pod, typed=True))  # kubectl prints the pod it built: struct field order
        elif output and output != "name":
            c.out(printer.render([pod if mode == "client" else created], output, now_ms=api.now_ms, single=True))
        elif output == "name" or not attached:
            c.out(printer.ref(created) + ("" if output == "name" else " created" + c.dry_suffix(mode)) + "\n")
        if not attached:
            return 0
        return _attach(cluster, created, restart, rm, stdin, tty)


def _attach_session(cluster, ns: str, name: str, cname: str, limit: int):
    """Once the container runs: a session with its process if that waits for input at a shell prompt, else
    None (its output is followed as logs are)."""
    from minikctl.engine.sessions import AttachSession

    def running() -> bool:
        pod = cluster.tx.get("Pod", ns, name) or {}
        status = pod.get("status") or {}
        if status.get("phase") in ("Succeeded", "Failed") or not pod:
            return True
        return any("running" in (cs.get("state") or {}) for cs in status.get("containerStatuses") or []
                   if cs.get("name") == cname)

    cluster.run_until(running, cluster.now_ms + limit, to_deadline=False)
    session = AttachSession(ns, name, cname)
    text = session.start(cluster.loop, cluster.tx.get("Pod", ns, name))
    if session.exited or not session.at_prompt:
        return None
    c.out(text)
    return session


_TYPE_META = ('struct { APIVersion string "json:\\"apiVersion,omitempty\\""; '
              'Kind string "json:\\"kind,omitempty\\"" }')


def _override(pod: dict, overrides: str) -> dict:
    """--overrides: an RFC 7386 merge patch onto the generated pod, with kubectl's errors."""
    import json

    from minikctl.kube.errors import ClientError
    from minikctl.api.patching import PatchError, merge_patch

    try:
        merged = merge_patch(pod, json.loads(overrides))
    except (ValueError, PatchError):
        raise ClientError("Invalid JSON Patch") from None
    if not isinstance(merged, dict):
        kind = {list: "array", str: "string", bool: "bool"}.get(type(merged), "number")
        raise ClientError(f"couldn't get version/kind; json parse error: json: cannot unmarshal {kind} into Go value "
                          f"of type {_TYPE_META}")
    return merged


def _attach(cluster, pod: dict, restart: str, rm: bool, stdin: bool = False, tty: bool = False) -> int:
    """Let the container run (in virtual time) until it stops, print what it wrote, then as kubectl run does.
    With -i and a container whose shell waits for input, the user's input is its stdin (cli/interactive.py):
    a prompt on a terminal with -t, else the piped input; kubectl run then attaches as ``kubectl attach`` does."""
    from minikctl.cli.logs import _follow, _format
    from minikctl.kube.kinds import POD

    meta = pod["metadata"]
    ns, name, cname = meta["namespace"], meta["name"], pod["spec"]["containers"][0]["name"]
    cluster.settle()
    # a container that never stops and reads no input is followed for a minute
    limit = 60_000 if restart == "Always" else 24 * 3600 * 1000
    session = _attach_session(cluster, ns, name, cname, limit) if stdin else None
    if session is not None:
        from minikctl.cli import interactive

        raw = interactive.attach_streams(cluster, session, name, tty)
        if raw and restart == "Always":  # attach.go Run; with --rm the pod is deleted right after
            c.out(f"Session ended, resume using 'minikctl attach {name} -c {cname} -i -t' command when the pod is "
                  "running\n")
        if restart != "Always":  # the shell has exited: the kubelet reports the container's end
            cluster.run_until(lambda: ((cluster.tx.get("Pod", ns, name) or {}).get("status") or {}).get("phase")
                              in ("Succeeded", "Failed"), cluster.now_ms + limit, to_deadline=False)
    else:
        shown: list = []
        _follow(cluster, pod, cname, 0, shown.extend, limit)
        c.out(_format(shown, False, ""))
    live = cluster.tx.get("Pod", ns, name) or pod
    if rm:
        cluster.api.delete(live)
        cluster.run_until(lambda: cluster.tx.get("Pod", ns, name) is None, 1 << 62, to_deadline=False)
        c.out(f'{POD.singular} "{name}" deleted\n')
    if restart == "Always":
        return 0
    status = live.get("status") or {}
    phase = status.get("phase")
    if phase == "Succeeded":
        return 0
    if phase != "Failed":
        c.err(f"error: pod {ns}/{name} left in phase {phase}")
        return 1
    term = next(((cs.get("state") or {}).get("terminated") for cs in status.get("containerStatuses") or []), None)
    if not term or not term.get("exitCode"):
        c.err(f"error: pod {ns}/{name} failed with unknown exit code")
        return 1
    c.err(f"pod {ns}/{name} terminated ({term.get('reason', '')})\n{term.get('message', '')}")
    return int(term["exitCode"])


COMMANDS = {"run": run}

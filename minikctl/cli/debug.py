"""minikctl debug POD --image=IMAGE [--target=C] [-i] [-t] [-- COMMAND...]: an ephemeral debug container.

kubectl 1.32's ``pkg/cmd/debug/debug.go``: ``Complete`` (arguments after ``--`` are the command, ``-i`` implies
``--attach``), ``Validate`` (its errors, the ``Targeting container`` notice, the legacy-profile warning),
``computeDebugContainerName`` (``debugger-`` and five characters of ``utilrand.String``, with its notice) and
``generateDebugContainer`` (name, image, pull policy, stdin, ``terminationMessagePolicy: File``, tty, target; the
command, or the arguments with ``--arguments-only``); the container goes in through the pod's
``ephemeralcontainers`` subresource (``debugByEphemeralContainer``), which applies the API server's rules. The
profiles' changes to an ephemeral container (``profiles.go``) are applied.

Not here: ``--copy-to`` and node debugging. With ``-i`` the container is created with stdin open and, once it runs,
its shell reads the user's input as ``attach -i`` gives it (a prompt on a terminal with ``-t``, else piped input;
cli/interactive.py); without ``-i`` it runs its command, whose output ``logs POD -c NAME`` shows.
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

PROFILES = ("legacy", "general", "baseline", "netadmin", "restricted", "sysadmin")
PULL_POLICIES = ("Always", "IfNotPresent", "Never", "")


def _profile_security(profile: str) -> dict | None:
    """What each profile sets on an ephemeral container (profiles.go, ``ephemeral`` cases)."""
    if profile == "netadmin":
        return {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}
    if profile == "sysadmin":
        return {"privileged": True}
    if profile == "restricted":
        return {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": True,
                "seccompProfile": {"type": "RuntimeDefault"}}
    return None


def debug(
    args: list[str] | None = Arg(None, help="POD [-- COMMAND [args...]]", complete="pod_names"),
    image: str = Opt("", "--image", help="Container image to use for debug container."),
    target: str = Opt("", "--target", help="When using an ephemeral container, target processes in this "
                                           "container name."),
    container: str = Opt("", "--container", "-c", help="Container name to use for debug container."),
    stdin: bool = Opt(False, "--stdin", "-i", help="Keep stdin open on the container(s) in the pod, even if nothing "
                                                   "is attached."),
    tty: bool = Opt(False, "--tty", "-t", help="Allocate a TTY for the debugging container (-it: a prompt)."),
    attach: bool | None = Opt(None, "--attach", help="If true, wait for the container to start running, and then "
                                                     "attach as if 'minikctl attach ...' were called."),
    quiet: bool = Opt(False, "--quiet", "-q", help="If true, suppress informational messages."),
    image_pull_policy: str = Opt("", "--image-pull-policy", help="The image pull policy for the container. If left "
                                 "empty, this value will not be specified by the client and defaulted by the server."),
    arguments_only: bool = Opt(False, "--arguments-only", help="If specified, everything after -- will be passed to "
                               "the new container as Args instead of Command."),
    profile: str = Opt("legacy", "--profile", help='Options are "legacy", "general", "baseline", "netadmin", '
                                                   '"restricted" or "sysadmin".'),
    copy_to: str = Opt("", "--copy-to", help="Create a copy of the target Pod with this name (not supported)."),
    namespace: str | None = c.NAMESPACE,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> int:
    """Create an ephemeral debugging container in a running pod (simulated)."""
    from minikctl.cli.exec import _args_len_at_dash
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import POD

    args = list(args or [])
    dash = _args_len_at_dash(args)
    names, command = (args[:dash], args[dash:]) if dash >= 0 else (args, [])
    # Validate, in kubectl's order
    if copy_to:
        raise ClientError("--copy-to is not supported by minikctl's debug yet")
    if not image:
        raise ClientError("you must specify --image when not using --copy-to.")
    from minikctl.engine.behavior.images import parse_reference

    try:
        parse_reference(image)
    except ValueError:
        raise ClientError(f'invalid image name "{image}": invalid reference format') from None
    if not names:
        raise ClientError("NAME or filename is required for debug")
    if image_pull_policy not in PULL_POLICIES:
        raise ClientError(f"invalid image pull policy: {image_pull_policy}")
    if profile not in PROFILES:
        raise ClientError(f"unknown profile: {profile}")
    notes = []
    if target and not quiet:
        notes.append(f'Targeting container "{target}". If you don\'t see processes from this container it may be '
                     "because the container runtime doesn't support this feature.\n")
    if tty and not stdin:
        raise ClientError("-i/--stdin is required for containers with -t/--tty=true")
    warning = ""
    if profile == "legacy":
        warning = ('--profile=legacy is deprecated and will be removed in the future. It is recommended to '
                   'explicitly specify a profile, for example "--profile=general".\n')
    if len(names) > 1:
        raise ClientError("minikctl's debug takes one pod")
    target_name = names[0]
    with c.session(store, tick, stream=stdin, own_interrupt=stdin) as cluster:
        api = cluster.api
        ns = c.namespace_of(namespace)
        res, name = POD, target_name
        if "/" in target_name:
            from minikctl.kube.kinds import resolve

            type_, _, name = target_name.partition("/")
            res = resolve(type_)
            if res is not POD:
                raise ClientError(f'"{res.kind}" not supported by minikctl\'s debug')
        pod = api.get(res, ns, name)
        spec = pod.get("spec") or {}
        taken = {x.get("name") for k in ("containers", "initContainers", "ephemeralContainers")
                 for x in spec.get(k) or []}
        cname = container
        if not cname:
            while not cname or cname in taken:
                cname = "debugger-" + cluster.tx.name_suffix(5)
            if not quiet:
                notes.append(f"Defaulting debug container name to {cname}.\n")
        ec: dict = {"name": cname, "image": image}
        if image_pull_policy:
            ec["imagePullPolicy"] = image_pull_policy
        ec["resources"] = {}
        if stdin:
            ec["stdin"] = True
        ec["terminationMessagePolicy"] = "File"
        if tty:
            ec["tty"] = True
        if target:
            ec["targetContainerName"] = target
        if command:
            ec["args" if arguments_only else "command"] = command
        sc = _profile_security(profile)
        if sc:
            ec["securityContext"] = sc
        new = dict(pod)
        new["spec"] = {**spec, "ephemeralContainers": list(spec.get("ephemeralContainers") or []) + [ec]}
        api.update(pod, new, subresource="ephemeralcontainers", verb="patching")
        c.out("".join(n for n in notes if n.startswith("Targeting")))
        if warning:
            c.err(warning)
        c.out("".join(n for n in notes if not n.startswith("Targeting")))
        if stdin:
            # debugByEphemeralContainer, then handleAttachPod: wait for the container to run, then attach to it
            from minikctl.cli import interactive
            from minikctl.cli.run import _attach_session

            cluster.settle()
            session = _attach_session(cluster, ns, name, cname, 60_000)
            if session is not None:
                interactive.attach_streams(cluster, session, name, tty, quiet)
                return 0
    if stdin or attach:
        c.err(f'the debug container {cname} has no shell waiting for input: run commands in it with "minikctl exec '
              f'{name} -c {cname} -- COMMAND", or read its output with "minikctl logs {name} -c {cname}"\n')
    return 0


COMMANDS = {"debug": debug}

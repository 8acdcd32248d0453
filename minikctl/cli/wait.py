"""minikctl wait: advance virtual time from one engine event to the next until a condition holds or --timeout passes."""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~4 ms a command)
if TYPE_CHECKING:
    from typing import Callable


def parse_condition(spec: str) -> tuple[str, Callable[[dict | None], bool]]:
    """--for=delete | create | condition=Type[=value] | jsonpath='{expr}'[=value] → (kind, predicate on the object)."""
    from minikctl.kube.errors import ClientError

    low = spec.lower()
    if low == "delete":
        return "delete", lambda obj: obj is None
    if low == "create":
        return "create", lambda obj: obj is not None
    if low.startswith("condition="):
        rest = spec[len("condition="):]
        ctype, _, value = rest.partition("=")
        value = value or "true"

        def has_condition(obj: dict | None) -> bool:
            if obj is None:
                return False
            meta_gen = obj["metadata"].get("generation")
            status = obj.get("status") or {}
            for cond in status.get("conditions") or []:
                if str(cond.get("type", "")).lower() == ctype.lower():
                    observed = cond.get("observedGeneration", status.get("observedGeneration"))
                    if meta_gen is not None and observed is not None and observed < meta_gen:
                        return False
                    return str(cond.get("status", "")).lower() == value.lower()
            return False

        return "condition", has_condition
    if low.startswith("jsonpath="):
        from minikctl.printers.jsonpath import WaitJSONPath

        waiter = WaitJSONPath(spec[len("jsonpath="):])
        return "jsonpath", lambda obj: obj is not None and waiter.check(obj)
    raise ClientError(f'unrecognized condition: "{spec}"')


def wait(
    args: list[str] | None = Arg(None, help="TYPE NAME or TYPE/NAME", complete="resource_args"),
    for_: str | None = Opt(None, "--for", help="delete | create | condition=Ready[=true] | jsonpath='{.status.phase}'=Running"),
    timeout: str = Opt("30s", "--timeout", help="Virtual time to wait (0: check once; negative: a week)."),
    namespace: str | None = c.NAMESPACE,
    all_namespaces: bool = c.ALL_NAMESPACES,
    all_: bool = c.ALL,
    selector: str | None = c.SELECTOR,
    field_selector: str | None = c.FIELD_SELECTOR,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    output: str | None = c.OUTPUT,
    speed: str | None = c.SPEED,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Wait for a specific condition on one or many resources, in virtual time."""
    from minikctl.kube.errors import ClientError, MultiError
    from minikctl.cli import resource_args
    from minikctl.kube.timefmt import parse_go_duration

    kind, pred = parse_condition(for_ or "")
    try:
        timeout_ms = parse_go_duration(timeout if not timeout.isdigit() else timeout + "s")
    except ValueError as e:
        raise ClientError(str(e)) from None
    if timeout_ms < 0:
        timeout_ms = 7 * 24 * 3600 * 1000
    ns = c.namespace_of(namespace)
    errors: list = []
    with c.session(store, tick, stream=timeout_ms != 0, speed=speed, by_signal=True) as cluster:
        api = cluster.api
        targets = []  # (res, ns, name, uid or None)
        if filename:
            for res, obj, _src in resource_args.from_files(filename, recursive):
                meta = obj.get("metadata") or {}
                targets.append((res, meta.get("namespace") or ns, meta.get("name", ""), None))
        for req in resource_args.from_args(args or []):
            if req.names:
                targets += [(req.res, ns, n, None) for n in req.names]
            else:
                scope = None if all_namespaces else ns
                for o in api.list(req.res, scope, selector or "", field_selector or ""):
                    targets.append((req.res, o["metadata"].get("namespace", ""), o["metadata"]["name"], o["metadata"].get("uid")))
        if not targets:
            raise ClientError("no matching resources found")
        deadline = api.now_ms + timeout_ms
        pending = []
        for t in targets:
            obj = api.find(t[0], t[1], t[2])
            if obj is None and kind == "delete":
                continue  # nothing to wait for; kubectl prints nothing
            if obj is None and kind in ("condition", "jsonpath"):
                errors.append(_not_found(t[0], t[2]))
                continue
            pending.append((t[0], t[1], t[2], obj["metadata"].get("uid") if obj else None))

        def current(t):
            obj = api.find(t[0], t[1], t[2])
            if obj is not None and kind == "delete" and t[3] and obj["metadata"].get("uid") != t[3]:
                return None  # replaced by a new object: the old one is gone
            return obj

        def check() -> bool:
            nonlocal pending
            still = []
            for t in pending:
                if pred(current(t)):  # shown as the step in which it held commits
                    c.out((t[0].ref(t[2]) if output == "name" else f"{t[0].ref(t[2])} condition met") + "\n")
                else:
                    still.append(t)
            pending = still
            return not pending

        if timeout_ms == 0:
            check()
        else:
            from minikctl.cli.progress import Bar

            bar = None if output else Bar(api.now_ms, deadline, "wait")
            cluster.progress = bar.update if bar is not None else None
            try:
                cluster.run_until(check, deadline)
            finally:
                cluster.progress = None
                if bar is not None:
                    bar.close()
    word = "condition not met for" if timeout_ms == 0 else "timed out waiting for the condition on"
    errors += [ClientError(f"{word} {t[0].plural}/{t[2]}") for t in pending]
    if errors:
        raise MultiError(errors)


def _not_found(res, name: str):
    from minikctl.kube.errors import NotFound

    return NotFound(res.plural, name)


COMMANDS = {"wait": wait}

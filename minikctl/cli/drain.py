"""minikctl cordon, uncordon, drain and taint: a node's maintenance verbs, as kubectl v1.32 runs them.

* cordon/uncordon (``pkg/cmd/drain/drain.go`` ``RunCordonOrUncordon``, ``pkg/drain/cordon.go``): a strategic merge
  patch of ``spec.unschedulable`` (true, or removed), ``node/NAME cordoned`` or ``already cordoned``.
* drain (``RunDrain``, ``pkg/drain/drain.go`` and ``filters.go``): cordon, then per node the pods bound to it
  (``spec.nodeName``, all namespaces, ``--pod-selector``) through drain's filters in their order — skip pods deleted
  long ago (``--skip-wait-for-delete-timeout``), DaemonSet pods (an error, or a warning with
  ``--ignore-daemonsets``), mirror pods (skipped), pods with emptyDir volumes (an error, or a warning with
  ``--delete-emptydir-data``), pods without a controller (an error, or a warning with ``--force``); a pod's status is
  the last filter that ran, so a warning followed by an "okay" is not shown, as in kubectl. Then each pod is evicted
  (the pods/eviction subresource: a delete with the drain's grace period; there are no PodDisruptionBudgets here)
  or, with ``--disable-eviction``, deleted, and virtual time runs until each is gone: kubectl polls every second
  and prints ``pod/NAME evicted`` when a poll finds it gone. The order is deterministic here (the list order for
  ``evicting pod``, the order they go for ``evicted``); kubectl evicts from one goroutine per pod, whose lines
  come in whatever order they race.
* taint (``pkg/cmd/taint/taint.go``, ``utils.go``): parse ``key[=value]:effect`` and ``key[:effect]-``, refuse a
  taint a node has already (same key and effect) without ``--overwrite``, and send the node's new ``spec.taints``
  (``tainted``, ``untainted`` or ``modified``). Field manager ``kubectl-taint``.

The error texts and their order are kubectl's: CheckErr's ``error: `` prefix, utilerrors' aggregates.
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

# pkg/drain/filters.go
DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
POLL_MS = 1_000  # waitForDelete's interval


def aggregate(messages: list[str]) -> str:
    """apimachinery's utilerrors.NewAggregate(...).Error(): one message as it is, several de-duplicated in
    brackets."""
    seen: list[str] = []
    for m in messages:
        if m not in seen:
            seen.append(m)
    return seen[0] if len(seen) == 1 else "[" + ", ".join(seen) + "]"


def _nodes(api, names: list[str], selector: str | None, command: str) -> list[dict]:
    """The nodes named, or selected by label (kubectl's builder: every name must exist, or nothing is done)."""
    from minikctl.kube.errors import UsageError
    from minikctl.kube.kinds import NODE

    if not names and selector is None:
        raise UsageError(f"USAGE: {command} NODE [flags]", command)
    if names and selector:
        raise UsageError("error: cannot specify both a node name and a --selector option", command)
    if names:
        return [api.get(NODE, "", n) for n in names]
    return api.list(NODE, None, selector or "")


def _cordon(cluster, nodes: list[dict], desired: bool, mode: str) -> list[dict]:
    """RunCordonOrUncordon: each node patched (unless client dry run) and its line printed."""
    import copy

    word = "cordoned" if desired else "uncordoned"
    out = []
    for node in nodes:
        if bool((node.get("spec") or {}).get("unschedulable")) == desired:
            c.out(f"node/{node['metadata']['name']} already {word}{c.dry_suffix(mode)}\n")
            out.append(node)
            continue
        if mode != "client":
            new = copy.deepcopy(node)
            spec = new.setdefault("spec", {})
            if desired:
                spec["unschedulable"] = True
            else:
                spec.pop("unschedulable", None)  # false is omitted: the two-way patch sends null
            node, _ = cluster.api.update(node, new, dry_run=mode == "server", verb="patching")
        c.out(f"node/{node['metadata']['name']} {word}{c.dry_suffix(mode)}\n")
        out.append(node)
    return out


def _cordon_verb(desired: bool):
    command = "cordon" if desired else "uncordon"

    def verb(
        nodes: list[str] | None = Arg(None, help="NODE", complete="nodes"),
        selector: str | None = c.SELECTOR,
        dry_run: str | None = c.DRY_RUN,
        store: str | None = c.STORE,
        tick: str | None = c.TICK,
    ) -> None:
        mode = c.parse_dry_run(dry_run)
        with c.session(store, tick) as cluster:
            _cordon(cluster, _nodes(cluster.api, nodes or [], selector, command), desired, mode)

    verb.__doc__ = "Mark node as unschedulable." if desired else "Mark node as schedulable."
    return verb


# ---- drain -----------------------------------------------------------------------------------------------------
def _controller(pod: dict) -> dict | None:
    for ref in (pod.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller") is True:
            return ref
    return None


def _pod_status(api, pod: dict, now_ms: int, opts: dict) -> tuple[bool, str, str]:
    """filterPods for one pod: (delete, reason, message) of the last filter that ran (makeFilters' order)."""
    from minikctl.kube.errors import StatusError
    from minikctl.kube.kinds import resolve
    from minikctl.kube.timefmt import parse_rfc3339

    meta = pod.get("metadata") or {}
    phase = (pod.get("status") or {}).get("phase")
    finished = phase in ("Succeeded", "Failed")
    okay = (True, "Okay", "")

    def skip_deleted():
        ts, skip = meta.get("deletionTimestamp"), opts["skip_wait"]
        if skip > 0 and ts and (now_ms - parse_rfc3339(ts)) // 1000 > skip:
            return False, "Skip", ""
        return okay

    def daemonset():
        ref = _controller(pod)
        if ref is None or ref.get("kind") != "DaemonSet" or finished:
            return okay
        try:
            api.get(resolve("daemonsets"), meta.get("namespace", "default"), ref.get("name", ""))
        except StatusError as e:
            if e.reason == "NotFound" and opts["force"]:
                return True, "Warning", e.message
            return False, "Error", e.message
        if not opts["ignore_daemonsets"]:
            return False, "Error", DAEMONSET_FATAL
        return False, "Warning", DAEMONSET_WARNING

    def mirror():
        return (False, "Skip", "") if MIRROR_ANNOTATION in (meta.get("annotations") or {}) else okay

    def local_storage():
        if not any("emptyDir" in (v or {}) for v in (pod.get("spec") or {}).get("volumes") or []) or finished:
            return okay
        if not opts["delete_emptydir_data"]:
            return False, "Error", LOCAL_STORAGE_FATAL
        return True, "Warning", LOCAL_STORAGE_WARNING

    def unreplicated():
        if finished or _controller(pod) is not None:
            return okay
        if opts["force"]:
            return True, "Warning", UNMANAGED_WARNING
        return False, "Error", UNMANAGED_FATAL

    status = okay
    for f in (skip_deleted, daemonset, mirror, local_storage, unreplicated):
        status = f()
        if not status[0]:
            break
    return status


def pods_for_deletion(api, node: str, opts: dict) -> tuple[list[dict], str, list[str]]:
    """GetPodsForDeletion: (the pods to evict, the warnings line, the errors), filtered as drain filters them."""
    from minikctl.kube.kinds import POD

    pods = [p for p in api.list(POD, None, opts["pod_selector"] or "")
            if (p.get("spec") or {}).get("nodeName") == node]
    warnings: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    chosen = []
    for p in pods:
        delete, reason, msg = _pod_status(api, p, api.now_ms, opts)
        ref = f"{p['metadata'].get('namespace', 'default')}/{p['metadata']['name']}"
        if delete:
            chosen.append(p)
        if reason == "Warning":
            warnings.setdefault(msg, []).append(ref)
        elif reason == "Error":
            errors.setdefault(msg or "unexpected error", []).append(ref)
    warning = "; ".join(f"{m}: {', '.join(refs)}" for m, refs in warnings.items())
    return chosen, warning, [f"cannot delete {m}: {', '.join(refs)}" for m, refs in errors.items()]


def drain(
    nodes: list[str] | None = Arg(None, help="NODE", complete="nodes"),
    force: bool = Opt(False, "--force", help="Continue even if there are pods that do not declare a controller."),
    ignore_daemonsets: bool = Opt(False, "--ignore-daemonsets", help="Ignore DaemonSet-managed pods."),
    delete_emptydir_data: bool = Opt(False, "--delete-emptydir-data",
                                     help="Continue even if there are pods using emptyDir (local data that will be "
                                          "deleted when the node is drained)."),
    grace_period: int = Opt(-1, "--grace-period", help="Period of time in seconds given to each pod to terminate "
                                                       "gracefully. If negative, the default value specified in the "
                                                       "pod will be used."),
    timeout: str = Opt("0s", "--timeout", help="The length of (virtual) time to wait before giving up, zero means "
                                               "infinite"),
    pod_selector: str | None = Opt(None, "--pod-selector", help="Label selector to filter pods on the node"),
    disable_eviction: bool = Opt(False, "--disable-eviction",
                                 help="Force drain to use delete, even if eviction is supported."),
    skip_wait_for_delete_timeout: int = Opt(0, "--skip-wait-for-delete-timeout",
                                            help="If pod DeletionTimestamp older than N seconds, skip waiting for "
                                                 "the pod.  Seconds must be greater than 0 to skip."),
    chunk_size: int = Opt(500, "--chunk-size", help="Return large lists in chunks rather than all at once."),
    dry_run: str | None = c.DRY_RUN,
    selector: str | None = c.SELECTOR,
    speed: str | None = c.SPEED,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Drain node in preparation for maintenance."""
    from minikctl.kube.errors import ClientError, MinikctlError
    from minikctl.kube.selectors import LabelSelector

    mode = c.parse_dry_run(dry_run)
    timeout_ms = c.duration_flag(timeout, "--timeout", "drain") if timeout else 0
    if pod_selector:
        try:
            LabelSelector.parse(pod_selector)
        except (MinikctlError, ValueError):
            raise ClientError("--pod-selector=<pod_selector> must be a valid label selector") from None
    opts = {"force": force, "ignore_daemonsets": ignore_daemonsets, "delete_emptydir_data": delete_emptydir_data,
            "pod_selector": pod_selector, "skip_wait": skip_wait_for_delete_timeout}
    fatal: list[str] = []
    with c.session(store, tick, stream=mode == "none", speed=speed) as cluster:
        api = cluster.api
        targets = _cordon(cluster, _nodes(api, nodes or [], selector, "drain"), True, mode)
        pending: list[str] = []
        for node in targets:
            name = node["metadata"]["name"]
            pods, warning, errors = pods_for_deletion(api, name, opts)
            if not errors:
                if warning:
                    c.err(f"Warning: {warning}")
                if mode == "client":
                    c.out("".join(f"evicting pod {p['metadata'].get('namespace', 'default')}/{p['metadata']['name']} "
                                  "(dry run)\n" for p in pods))
                else:
                    errors = _evict(cluster, pods, mode, grace_period, timeout_ms, disable_eviction,
                                    skip_wait_for_delete_timeout)
                    if errors:
                        left, _w, _e = pods_for_deletion(api, name, opts)
                        if left:
                            c.err(f'There are pending pods in node "{name}" when an error occurred: '
                                  f"{aggregate(errors)}")
                            for p in left:
                                c.err(f"pod/{p['metadata']['name']}")
            if not errors:
                c.out(f"node/{name} drained{c.dry_suffix(mode)}\n")
                continue
            message = aggregate(errors)
            c.err(f'error: unable to drain node "{name}" due to error: {message}, continuing command...')
            fatal.append(message)
            pending.append(name)
        if pending:
            c.err("There are pending nodes to be drained:\n" + "".join(f" {n}\n" for n in pending).rstrip("\n"))
    if fatal:
        # CheckErr prints an aggregate as MultipleErrors with no prefix: one line per error, no "error: "
        raise ClientError("\n".join(fatal), plain=True)


def _evict(cluster, pods: list[dict], mode: str, grace: int, timeout_ms: int, disable_eviction: bool,
           skip_wait: int) -> list[str]:
    """evictPods / deletePods: request each pod's end, then let virtual time run until each is gone (or replaced
    by a pod of the same name with another UID), printing each as a poll finds it gone; the errors."""
    import copy

    from minikctl.kube.errors import StatusError
    from minikctl.kube.kinds import POD
    from minikctl.kube.timefmt import parse_rfc3339

    api = cluster.api
    word = "deleted" if disable_eviction else "evicted"
    waiting: list[tuple[str, str, str]] = []
    errors: list[str] = []
    for p in pods:
        meta = p["metadata"]
        ns, name = meta.get("namespace", "default"), meta["name"]
        if not disable_eviction:
            c.out(f"evicting pod {ns}/{name}{' (server dry run)' if mode == 'server' else ''}\n")
        try:
            live = api.get(POD, ns, name)
            api.delete(copy.deepcopy(live), grace=grace if grace >= 0 else None, dry_run=mode == "server")
        except StatusError as e:
            if e.reason == "NotFound":
                continue
            errors.append(f'error when evicting pods/"{name}" -n "{ns}": {e.message}' if not disable_eviction
                          else e.message)
            continue
        if mode != "server":
            waiting.append((ns, name, meta.get("uid", "")))
    if mode == "server" or not waiting:
        return errors
    deadline = cluster.now_ms + (timeout_ms if timeout_ms > 0 else 168 * 3600 * 1000)
    left = list(waiting)
    next_poll = [cluster.now_ms]

    def poll() -> None:
        nonlocal left
        if cluster.now_ms < next_poll[0]:
            return
        next_poll[0] = cluster.now_ms + POLL_MS
        still = []
        for ns, name, uid in left:
            obj = cluster.tx.get("Pod", ns, name)
            if obj is None or obj["metadata"].get("uid") != uid:
                c.out(f"pod/{name} {word}\n")
                continue
            ts = obj["metadata"].get("deletionTimestamp")
            if skip_wait > 0 and ts and (cluster.now_ms - parse_rfc3339(ts)) // 1000 > skip_wait:
                c.out(f'Pod {name} has DeletionTimestamp older than {skip_wait} seconds, skipping\n')
                continue
            still.append((ns, name, uid))
        left = still

    poll()
    cluster.run_until(lambda: (poll(), not left)[1], deadline, on_step=poll)
    poll()
    for ns, name, _uid in left:
        if disable_eviction:
            errors.append("context deadline exceeded")
        else:
            errors.append(f'error when waiting for pod "{name}" in namespace "{ns}" to terminate: '
                          "context deadline exceeded")
    return errors


# ---- taint -----------------------------------------------------------------------------------------------------
EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def taint_string(t: dict) -> str:
    """corev1.Taint.ToString."""
    key, value, effect = t.get("key", ""), t.get("value", ""), t.get("effect", "")
    if not effect:
        return key if not value else f"{key}={value}:"
    return f"{key}:{effect}" if not value else f"{key}={value}:{effect}"


def parse_taint(spec: str) -> dict:
    """parseTaint: ``key``, ``key:effect`` or ``key=value:effect``."""
    from minikctl.kube.errors import ClientError
    from minikctl.kube.selectors import is_qualified_name, is_valid_label_value

    parts = spec.split(":")
    value, effect = "", ""
    if len(parts) == 1:
        key = parts[0]
    elif len(parts) == 2:
        effect = parts[1]
        if effect not in EFFECTS:
            raise ClientError(f"invalid taint effect: {effect}, unsupported taint effect")
        kv = parts[0].split("=")
        if len(kv) > 2:
            raise ClientError(f"invalid taint spec: {spec}")
        key = kv[0]
        if len(kv) == 2:
            value = kv[1]
            errs = is_valid_label_value(value)
            if errs:
                raise ClientError(f"invalid taint spec: {spec}, {'; '.join(errs)}")
    else:
        raise ClientError(f"invalid taint spec: {spec}")
    errs = is_qualified_name(key)
    if errs:
        raise ClientError(f"invalid taint spec: {spec}, {'; '.join(errs)}")
    out = {"key": key, "effect": effect}
    if value:
        out["value"] = value
    return out


def parse_taints(specs: list[str]) -> tuple[list[dict], list[dict]]:
    """parseTaints: the taints to add and the ones to remove (``...-``)."""
    from minikctl.kube.errors import ClientError

    add, remove = [], []
    seen: set[tuple[str, str]] = set()
    for spec in specs:
        if spec.endswith("-"):
            t = parse_taint(spec[:-1])
            remove.append({"key": t["key"], "effect": t["effect"]})
            continue
        t = parse_taint(spec)
        if not t["effect"]:
            raise ClientError(f"invalid taint spec: {spec}")
        if (t["effect"], t["key"]) in seen:
            raise ClientError("duplicated taints with the same key and effect: "
                              f"{{{t['key']} {t.get('value', '')} {t['effect']} <nil>}}")
        seen.add((t["effect"], t["key"]))
        add.append(t)
    return add, remove


def _matches(a: dict, b: dict) -> bool:
    """Taint.MatchTaint: the same key and effect."""
    return a.get("key") == b.get("key") and a.get("effect", "") == b.get("effect", "")


def reorganize(node: dict, overwrite: bool, add: list[dict], remove: list[dict]) -> tuple[str, list[dict]]:
    """updateTaints + reorganizeTaints: the operation word and the node's new taints."""
    from minikctl.kube.errors import ClientError

    old = list((node.get("spec") or {}).get("taints") or [])
    if not overwrite:
        exists = [t["key"] for t in add for o in old if t["key"] == o.get("key") and t["effect"] == o.get("effect")]
        if exists:
            raise ClientError(f"node {node['metadata']['name']} already has {','.join(exists)} taint(s) with same "
                              "effect(s) and --overwrite is false")
    new = [dict(t) for t in add]
    new += [o for o in old if not any(_matches(t, o) for t in add)]
    added = len(old) != len(new)
    errs, deleted = [], False
    for r in remove:
        before = len(new)
        if r["effect"]:
            new = [t for t in new if not _matches(r, t)]
        else:
            new = [t for t in new if t.get("key") != r["key"]]
        deleted = len(new) != before
        if not deleted:
            errs.append(f'taint "{taint_string(r)}" not found')
    if errs:
        raise ClientError(aggregate(errs))
    if (added and deleted) or overwrite:
        return "modified", new
    return ("tainted" if added else "untainted"), new


def taint(
    args: list[str] | None = Arg(None, help="NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N",
                                 complete="resource_args"),
    selector: str | None = c.SELECTOR,
    all_: bool = Opt(False, "--all", help="Select all nodes in the cluster"),
    overwrite: bool = Opt(False, "--overwrite", help="If true, allow taints to be overwritten, otherwise reject "
                                                     "taint updates that overwrite existing taints."),
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    field_manager: str = Opt("kubectl-taint", "--field-manager",
                             help="Name of the manager used to track field ownership."),
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Update the taints on one or more nodes."""
    import copy

    from minikctl.kube.errors import ClientError, MinikctlError, MultiError, UsageError
    from minikctl.kube.kinds import NODE, resolve

    mode = c.parse_dry_run(dry_run)
    resources, specs = [], []
    for a in args or []:
        is_taint = "=" in a or ":" in a or a.endswith("-")
        if is_taint:
            specs.append(a)
        elif specs:
            raise ClientError(f"all resources must be specified before taint changes: {a}")
        else:
            resources.append(a)
    if not resources:
        raise ClientError("one or more resources must be specified as <resource> <name>")
    if not specs:
        raise ClientError("at least one taint update is required")
    try:
        add, remove = parse_taints(specs)
    except ClientError as e:
        raise UsageError(e.message, "taint") from None
    kind = resources[0].lower()
    if resolve(kind.split(".", 1)[0]) is not NODE:
        raise ClientError(f"invalid resource type {kind}, only node types are supported")
    conflicts = [f"{r['key']}={r['effect']}" for t in add for r in remove
                 if t["key"] == r["key"] and (not r["effect"] or t["effect"] == r["effect"])]
    if conflicts:
        raise ClientError("can not both modify and remove the following taint(s) in the same command: "
                          + ", ".join(conflicts))
    if all_ and selector:
        raise ClientError("setting 'all' parameter with a non empty selector is prohibited")
    if not all_ and not selector and len(resources) < 2:
        raise ClientError("at least one resource name must be specified since 'all' parameter is not set")
    if output and output != "name":
        from minikctl.printers.output import check_format

        check_format(output)
    results, lines, errors = [], [], []
    with c.session(store, tick, validate=validate) as cluster:
        api = cluster.api
        api.field_manager = field_manager
        if all_ or selector:
            nodes = api.list(NODE, None, selector or "")
        else:
            nodes = []
            for n in resources[1:]:
                try:
                    nodes.append(api.get(NODE, "", n))
                except MinikctlError as e:
                    errors.append(e)
        for node in nodes:
            try:
                word, new_taints = reorganize(node, overwrite, add, remove)
                new = copy.deepcopy(node)
                if new_taints:
                    new.setdefault("spec", {})["taints"] = new_taints
                else:
                    (new.get("spec") or {}).pop("taints", None)
                if mode == "client":
                    stored = new
                else:
                    with api.tx.savepoint():
                        stored, _ = api.update(node, new, dry_run=mode == "server", verb="patching")
            except MinikctlError as e:
                errors.append(e)
                continue
            results.append(stored)
            # ToPrinter sets the operation after PrintFlagsWithDryRunStrategy added " (dry run)" to it: no suffix
            lines.append(c.result_line(stored, word, output))
            if output and output != "name":
                from minikctl.printers import output as printer

                c.out(printer.render([stored], output, now_ms=0, single=True))
            else:
                c.out(lines[-1] + "\n")
    if errors:
        raise MultiError(errors)


COMMANDS = {"cordon": _cordon_verb(True), "uncordon": _cordon_verb(False), "drain": drain, "taint": taint}

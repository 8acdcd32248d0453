"""minikctl set image|env|resources: change the pod template of any kind that has one (kubectl v0.32.4
``pkg/cmd/set``: set_image.go, set_env.go, set_resources.go, helper.go; the pod spec of each kind is found by
polymorphic.pod_spec_of, kubectl's ``updatePodSpecForObject``).

Each verb changes the objects it selects in memory, sends the changed ones as a patch (an object without a
change is skipped, and prints nothing), then prints ``<kind>/<name> image updated`` (``env updated``,
``resource requirements updated``) or the object in an -o format; per-object errors are collected and printed
after the successes, exit code 1.
"""

from __future__ import annotations

import copy
import re

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Group, Opt

ARGS = Arg(None, help="TYPE NAME ... CHANGES", complete="resource_args")
FIELD_MANAGER = Opt("kubectl-set", "--field-manager", help="Name of the manager used to track field ownership.")
LOCAL = Opt(False, "--local", help="If true, set will NOT contact api-server but run locally (needs -f).")
ALL = Opt(False, "--all", help="Select all resources, in the namespace of the specified resource types")
CONTAINERS = Opt("*", "--containers", "-c", help="The names of containers in the selected pod templates to change "
                                                  "- may use wildcards")


def _err(message: str):
    from minikctl.kube.errors import ClientError

    return ClientError(message, plain=message.startswith("error: "))


# cli-runtime resource/builder.go: missingResourceError and LocalResourceError
MISSING_RESOURCE = ("You must provide one or more resources by argument or filename.\n"
                    "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                    "   '<resource> <name>'\n   '<resource>'")
LOCAL_RESOURCE = ("you must specify resources by --filename when --local is set.\n"
                  "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'")


def infos(api, res_args: list[str], namespace: str, all_: bool, selector: str | None, filename, recursive,
          local: bool, local_ignores_args: bool = False, explicit_namespace: str | None = None) -> list[tuple]:
    """The builder of the set verbs: ResourceTypeOrNameArgs(--all, ...) then Latest(); with --local, the -f
    objects as read, untouched (no namespace is added: they are printed as the file has them). set image and
    set resources refuse resource arguments with --local (LocalResourceError); set env does not add them to
    its builder (``local_ignores_args``). Raises the first error (set verbs stop when the builder fails)."""
    from minikctl.cli import resource_args
    from minikctl.kube.errors import ClientError

    out = []
    if local:
        if res_args and not local_ignores_args:
            raise ClientError(LOCAL_RESOURCE)
        if not filename:
            raise ClientError(MISSING_RESOURCE)
        return resource_args.local_from_files(filename, recursive, explicit_namespace)
    if not filename and not res_args:
        raise ClientError(MISSING_RESOURCE)
    if filename:
        found, missing = resource_args.live_from_files(api, filename, recursive, namespace)
        if missing:
            raise missing[0]
        out += found
    for req in resource_args.from_args(res_args):
        if req.names:
            out += [(req.res, api.get(req.res, namespace, n)) for n in req.names]
        elif all_ or selector:
            out += [(req.res, o) for o in api.list(req.res, namespace, selector or "")]
        else:
            raise ClientError("resource(s) were provided, but no name was specified")
    return out


def object_name(res, obj: dict) -> str:
    """resource.Info.ObjectName(): ``<resource>/<name>``."""
    return f"{res.plural}/{obj['metadata']['name']}"


def split_pairs(args: list[str], pair_type: str) -> tuple[list[str], list[str]]:
    """cmdutil.GetResourcesAndPairs: resources first, then KEY=VALUE / KEY- pairs."""
    resources, pairs = [], []
    found = False
    for s in args:
        non_resource = ("=" in s and s[0] != "=") or (s.endswith("-") and s != "-")
        if non_resource:
            found = True
            pairs.append(s)
        elif found:
            raise _err(f"all resources must be specified before {pair_type} changes: {s}")
        else:
            resources.append(s)
    return resources, pairs


def parse_pairs(pairs: list[str], pair_type: str) -> dict[str, str]:
    """cmdutil.ParsePairs without removal."""
    out: dict[str, str] = {}
    invalid = []
    for p in pairs:
        if "=" in p and p[0] != "=":
            key, _, value = p.partition("=")
            out[key] = value
        else:
            invalid.append(p)
    if invalid:
        raise _err(f"invalid {pair_type} format: {', '.join(invalid)}")
    return out


def select_string(s: str, spec: str) -> bool:
    """selectString: ``*`` matches anything, other ``*`` are non-greedy wildcards (kubectl's own algorithm)."""
    if spec == "*":
        return True
    if "*" not in spec:
        return s == spec
    pos = 0
    parts = spec.split("*")
    for i, part in enumerate(parts):
        if not part:
            continue
        nxt = s[pos:].find(part)  # relative to pos, compared with pos as the Go code does
        if nxt < pos or (i == 0 and pos != 0) or (i == len(parts) - 1 and len(s) != len(part) + nxt):
            return False
        pos = nxt
    return True


def select_containers(containers: list[dict], spec: str | None) -> list[dict]:
    return [ct for ct in containers if select_string(ct.get("name", ""), spec if spec is not None else "*")]


def _apply_changes(api, targets: list[tuple], mutate, word: str, output: str | None, mode: str, local: bool,
                   failure: str, errors: list) -> list[str]:
    """The Run loop shared by the set verbs: mutate each object, patch the changed ones, print them."""
    from minikctl.cli import polymorphic as poly
    from minikctl.kube.errors import StatusError
    from minikctl.kube.treecopy import tree_copy

    text: list[str] = []
    for res, live in targets:
        new = tree_copy(live)
        try:
            changed = mutate(res, new)
        except poly.Refused as e:
            errors.append(_err(f"error: {object_name(res, live)} {e}\n"))
            continue
        if not changed or new == live:
            continue
        if local or mode == "client":
            from minikctl.printers.typed import typed_roundtrip

            shown = typed_roundtrip(new)  # the typed builder's object, changed in memory
        else:
            try:
                with api.tx.savepoint():  # CalculatePatches records the command line in the changed object
                    shown, _ = api.update(live, c.record(new), dry_run=mode == "server", verb="patching")
            except StatusError as e:
                errors.append(_err(f"{failure}{e.server_message()}"))
                continue
        text.append(render_object(shown, output, api.now_ms, f"{word}{c.dry_suffix(mode)}"))
    return text


def render_object(obj: dict, output: str | None, now_ms: int, operation: str) -> str:
    """What a verb prints of an object kubectl holds as a typed struct: the name printer's line, or the object in
    an -o format (JSON in the struct's field order)."""
    from minikctl.kube.kinds import object_ref

    if output == "json":
        from minikctl.printers.typed import typed_json

        return typed_json(obj)
    if output and output != "name":
        from minikctl.printers import output as printer

        return printer.render([obj], output, now_ms=now_ms, single=True)
    if output == "name":
        return object_ref(obj) + "\n"
    return f"{object_ref(obj)} {operation}\n"


def _finish(text: list[str], errors: list) -> None:
    from minikctl.kube.errors import MultiError

    c.out("".join(text))
    if errors:
        raise MultiError(errors)


# ---- set image -------------------------------------------------------------------------------------------------

def set_image(
    args: list[str] | None = Arg(None, help="TYPE NAME CONTAINER=IMAGE ... ('*' names every container)",
                                 complete="resource_args"),
    namespace: str | None = c.NAMESPACE,
    all_: bool = ALL,
    selector: str | None = c.SELECTOR,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    local: bool = LOCAL,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    field_manager: str = FIELD_MANAGER,
    record: bool = c.RECORD,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Update the image of a pod template."""
    from minikctl.cli import polymorphic as poly
    from minikctl.kube.errors import MultiError

    mode = c.parse_dry_run(dry_run)
    if output:  # the printers are imported for an -o to check (no other set image line needs them)
        from minikctl.printers.output import check_format

        check_format(output)
    res_args, pairs = split_pairs(args or [], "image")
    images = parse_pairs(pairs, "image")
    # Complete runs the builder before Validate: its refusals come first
    if local and res_args:
        raise _err("error: " + LOCAL_RESOURCE)
    if not res_args and not filename:
        raise _err("error: " + MISSING_RESOURCE)
    problems = []
    if all_ and selector:
        problems.append(_err("cannot set --all and --selector at the same time"))
    if not res_args and not filename:
        problems.append(_err("one or more resources must be specified as <resource> <name> or <resource>/<name>"))
    if not images:
        problems.append(_err("at least one image update is required"))
    elif len(images) > 1 and "*" in images:
        problems.append(_err("all containers are already specified by *, but saw more than one "
                             "container_name=container_image pairs"))
    if local and mode == "server":
        problems.append(_err("cannot specify --local and --dry-run=server - did you mean --dry-run=client?"))
    if problems:
        raise MultiError(problems)
    errors: list = []

    def mutate(res, obj: dict) -> bool:
        spec = poly.pod_spec_of(obj)
        for name, image in images.items():
            found = False
            for key in ("initContainers", "containers"):
                for ct in spec.get(key) or []:
                    if name in ("*", ct.get("name")):
                        ct["image"] = image
                        found = True
            if not found:
                errors.append(_err(f'error: unable to find container named "{name}"'))
        return True

    # --local asks nothing of the cluster: its clock does not move, nothing is written
    with c.session(store, tick, advance=not local, read_only=local, local=local) as cluster:
        api = cluster.api
        targets = infos(api, res_args, c.namespace_of(namespace), all_, selector, filename, recursive, local,
                        explicit_namespace=namespace or c._global["namespace"])
        text = _apply_changes(api, targets, mutate, "image updated", output, mode, local,
                              "failed to patch image update to pod template: ", errors)
    _finish(text, errors)


# ---- set env ---------------------------------------------------------------------------------------------------

_ENV_ARG = re.compile(r"(?s)^(.+)=(.*)$")
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_VALID_ENV_NAME_CHARS = re.compile(r"[^A-Za-z0-9_]")


def split_environment(args: list[str]) -> tuple[list[str], list[str]] | None:
    """envutil.SplitEnvironmentFromResources: resources first, then KEY=VALUE / KEY- (None: out of order)."""
    resources, env = [], []
    first = True
    for s in args:
        is_env = bool(_ENV_ARG.match(s)) or s.endswith("-")
        if is_env:
            first = False
            env.append(s)
        elif first:
            resources.append(s)
        else:
            return None
    return resources, env


def parse_env(specs: list[str], stdin) -> tuple[list[dict], list[str]]:
    """envutil.ParseEnv: KEY=VALUE (a valid C-identifier-ish name), KEY- (remove), ``-`` (read KEY=VALUE lines
    from stdin)."""
    env, remove, names = [], [], set()
    for spec in specs:
        if spec == "-":
            for line in stdin.read().splitlines():
                line = line.split("#", 1)[0]
                if "=" in line:
                    key, _, value = line.partition("=")
                    env.append({"name": key, "value": value})
        elif "=" in spec:
            key, _, value = spec.partition("=")
            if not _ENV_NAME.match(key):
                raise _err(f'"{key}" is not a valid key name: a valid environment variable name must consist of '
                           "alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. "
                           "'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is "
                           "'[-._a-zA-Z][-._a-zA-Z0-9]*')")
            names.add(key)
            env.append({"name": key, "value": value})
        elif spec.endswith("-"):
            remove.append(spec[:-1])
        else:
            raise _err(f"unknown environment variable: {spec}")
    if any(r in names for r in remove):
        raise _err("can not both modify and remove the same environment variable in the same command")
    return env, remove


def update_env(existing: list[dict], env: list[dict], remove: list[str]) -> list[dict]:
    """updateEnv: an added variable replaces every one of its name (in place), removal wins."""
    out: list[dict] = []
    covered = set(remove)
    by_name = {}
    for e in env:
        by_name.setdefault(e["name"], e)
    for e in existing:
        name = e.get("name")
        if name in covered:
            continue
        if name in by_name:
            covered.add(name)
            out.append(copy.deepcopy(by_name[name]))
            continue
        out.append(e)
    for e in env:
        if e["name"] in covered:
            continue
        covered.add(e["name"])
        out.append(copy.deepcopy(e))
    return out


def _env_ref_string(source: dict) -> str:
    """envutil.GetEnvVarRefString."""
    if source.get("configMapKeyRef") is not None:
        ref = source["configMapKeyRef"]
        return f"configmap {ref.get('name', '')}, key {ref.get('key', '')}"
    if source.get("secretKeyRef") is not None:
        ref = source["secretKeyRef"]
        return f"secret {ref.get('name', '')}, key {ref.get('key', '')}"
    if source.get("fieldRef") is not None:
        return f"field path {source['fieldRef'].get('fieldPath', '')}"
    if source.get("resourceFieldRef") is not None:
        ref = source["resourceFieldRef"]
        container = ref.get("containerName", "")
        return (f"resource field, container {container}, resource {ref.get('resource', '')}" if container
                else f"resource field {ref.get('resource', '')}")
    return "invalid valueFrom"


def set_env(
    args: list[str] | None = Arg(None, help="RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N (KEY- removes)",
                                 complete="resource_args"),
    containers: str | None = CONTAINERS,
    from_: str | None = Opt(None, "--from", help="The name of a resource from which to inject environment variables"),
    prefix: str | None = Opt(None, "--prefix", help="Prefix to append to variable names"),
    env_params: list[str] | None = Opt(None, "--env", "-e", help="Specify a key-value pair for an environment "
                                                                 "variable to set into each container."),
    keys: list[str] | None = Opt(None, "--keys", help="Comma-separated list of keys to import from specified "
                                                      "resource"),
    list_: bool = Opt(False, "--list", help="If true, display the environment and any changes in the standard "
                                            "format."),
    resolve: bool = Opt(False, "--resolve", help="If true, show secret or configmap references when listing "
                                                 "variables"),
    overwrite: bool = Opt(True, "--overwrite/--no-overwrite", help="If true, allow environment to be overwritten, "
                                                                   "otherwise reject updates that overwrite existing "
                                                                   "environment."),
    namespace: str | None = c.NAMESPACE,
    all_: bool = ALL,
    selector: str | None = c.SELECTOR,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    local: bool = LOCAL,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    field_manager: str = FIELD_MANAGER,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Update environment variables on a pod template."""
    import sys

    from minikctl.cli import polymorphic as poly
    from minikctl.cli import resource_args
    from minikctl.kube.errors import StatusError
    from minikctl.printers import output as printer

    if all_ and selector:
        raise _err("cannot set --all and --selector at the same time")
    split = split_environment(args or [])
    if split is None:
        raise _err(f"all resources must be specified before environment changes: {' '.join(args or [])}")
    res_args, env_args = split
    mode = c.parse_dry_run(dry_run)
    if local and mode == "server":
        raise _err("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
    if not filename and not res_args:
        raise _err("one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if list_ and output:
        raise _err("--list and --output may not be specified together")
    key_list = [k for item in keys or [] for k in item.split(",")]
    if key_list and not from_:
        raise _err("when specifying --keys, a configmap or secret must be provided with --from")
    printer.check_format(output)
    env, remove = parse_env(list(env_params or []) + env_args, sys.stdin)
    ns = c.namespace_of(namespace)
    errors: list = []
    text: list[str] = []
    # --local asks nothing of the cluster: its clock does not move, nothing is written
    with c.session(store, tick, advance=not local, read_only=local, local=local) as cluster:
        api = cluster.api
        if from_:
            for req in resource_args.from_args([from_]):
                sources = [api.get(req.res, ns, n) for n in req.names] if req.names else \
                    api.list(req.res, ns, selector or "") if (all_ or selector) else []
                for src in sources:
                    if src.get("kind") not in ("ConfigMap", "Secret"):
                        raise _err("unsupported resource specified in --from")
                    ref = "configMapKeyRef" if src["kind"] == "ConfigMap" else "secretKeyRef"
                    for key in sorted(src.get("data") or {}):
                        if key_list and key not in key_list:
                            continue
                        name = _VALID_ENV_NAME_CHARS.sub("_", key).upper()
                        if name != key:
                            c.err(f"Warning: key {key} transferred to {name}")
                        env.append({"name": name, "valueFrom": {ref: {"key": key, "name": src["metadata"]["name"]}}})
        if prefix:
            for e in env:
                e["name"] = prefix + e["name"]
        targets = infos(api, res_args, ns, all_, selector, filename, recursive, local, local_ignores_args=True,
                        explicit_namespace=namespace or c._global["namespace"])

        def mutate(res, obj: dict) -> bool:
            spec = poly.pod_spec_of(obj)
            chosen = select_containers(spec.get("containers") or [], containers) + \
                select_containers(spec.get("initContainers") or [], containers)
            if not chosen:
                c.err(f"Warning: {obj.get('kind')}/{obj['metadata']['name']} does not have any containers matching "
                      f'"{containers if containers is not None else "*"}"')
                return False
            for ct in chosen:
                if not overwrite:
                    for e in env:
                        cur = next((x for x in ct.get("env") or [] if x.get("name") == e["name"]), None)
                        if cur is not None and cur.get("value", "") != e.get("value", ""):
                            raise poly.Refused(f"'{cur['name']}' already has a value ({cur.get('value', '')}), and "
                                               "--overwrite is false")
                updated = update_env(ct.get("env") or [], env, remove)
                if updated:
                    ct["env"] = updated
                else:
                    ct.pop("env", None)
                if list_:
                    text.append(f"# {obj.get('kind')} {obj['metadata']['name']}, container {ct.get('name')}\n")
                    for e in updated:
                        if e.get("valueFrom") is None:
                            text.append(f"{e['name']}={e.get('value', '')}\n")
                        else:
                            text.append(f"# {e['name']} from {_env_ref_string(e['valueFrom'])}\n")
            return True

        if list_:
            for res, live in targets:
                try:
                    mutate(res, copy.deepcopy(live))
                except poly.Refused:
                    pass
            c.out("".join(text))
            return
        for res, live in targets:
            new = copy.deepcopy(live)
            try:
                if not mutate(res, new) or new == live:
                    continue
            except poly.Refused as e:
                errors.append(_err(f"error: {object_name(res, live)} {e}\n"))
                continue
            if local or mode == "client":
                from minikctl.printers.typed import typed_roundtrip

                shown = typed_roundtrip(new)  # the typed builder's object, changed in memory
            else:
                try:
                    with api.tx.savepoint():
                        shown, _ = api.update(live, new, dry_run=mode == "server", verb="patching")
                except StatusError as e:
                    errors.append(_err(f"failed to patch env update to pod template: {e.server_message()}"))
                    continue
                if not env and not env_args:
                    raise _err("at least one environment variable must be provided")
            text.append(render_object(shown, output, api.now_ms, f"env updated{c.dry_suffix(mode)}"))
    _finish(text, errors)


# ---- set resources ---------------------------------------------------------------------------------------------

def resource_list(spec: str | None) -> dict | None:
    """populateResourceListV1: ``cpu=100m,memory=256Mi`` as canonical quantities."""
    from minikctl.kube import quantity

    if not spec:
        return None
    out = {}
    for statement in spec.split(","):
        parts = statement.split("=")
        if len(parts) != 2:
            raise _err(f"Invalid argument syntax {statement}, expected <resource>=<value>")
        try:
            out[parts[0]] = quantity.canonical(parts[1])
        except ValueError as e:
            raise _err(str(e)) from None
    return out


def set_resources(
    args: list[str] | None = Arg(None, help="TYPE NAME", complete="resource_args"),
    limits: str | None = Opt(None, "--limits", help="The resource requirement limits for this container.  For "
                                                    "example, 'cpu=200m,memory=512Mi'."),
    requests: str | None = Opt(None, "--requests", help="The resource requirement requests for this container.  For "
                                                        "example, 'cpu=100m,memory=256Mi'."),
    containers: str | None = Opt("*", "--containers", "-c", help="The names of containers in the selected pod "
                                                                  "templates to change, all containers are selected "
                                                                  "by default - may use wildcards"),
    namespace: str | None = c.NAMESPACE,
    all_: bool = ALL,
    selector: str | None = c.SELECTOR,
    filename: list[str] | None = c.FILENAME,
    recursive: bool = c.RECURSIVE,
    local: bool = LOCAL,
    output: str | None = c.OUTPUT,
    dry_run: str | None = c.DRY_RUN,
    field_manager: str = FIELD_MANAGER,
    record: bool = c.RECORD,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Update resource requests/limits on objects with pod templates."""
    from minikctl.cli import polymorphic as poly
    from minikctl.printers import output as printer

    mode = c.parse_dry_run(dry_run)
    printer.check_format(output)
    ns = c.namespace_of(namespace)
    # --local asks nothing of the cluster: its clock does not move, nothing is written
    with c.session(store, tick, advance=not local, read_only=local, local=local) as cluster:
        api = cluster.api
        targets = infos(api, args or [], ns, all_, selector, filename, recursive, local,
                        explicit_namespace=namespace or c._global["namespace"])
        if local and mode == "server":
            raise _err("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
        if all_ and selector:
            raise _err("cannot set --all and --selector at the same time")
        if not limits and not requests:
            raise _err("you must specify an update to requests or limits (in the form of --requests/--limits)")
        lim, req = resource_list(limits), resource_list(requests)
        errors: list = []

        def mutate(res, obj: dict) -> bool:
            spec = poly.pod_spec_of(obj)
            chosen = select_containers(spec.get("containers") or [], containers) + \
                select_containers(spec.get("initContainers") or [], containers)
            if not chosen:
                errors.append(_err(f"error: unable to find container named {containers}"))
                return False
            for ct in chosen:
                resources = ct.setdefault("resources", {})
                if lim:
                    resources["limits"] = dict(resources.get("limits") or {}, **lim)
                if req:
                    resources["requests"] = dict(resources.get("requests") or {}, **req)
            return True

        text = _apply_changes(api, targets, mutate, "resource requirements updated", output, mode, local,
                              "failed to patch resources update to pod template ", errors)
    _finish(text, errors)


COMMANDS = {"set": Group("Set specific features on objects.", {"image": set_image, "env": set_env,
                                                                  "resources": set_resources})}

"""Shell completion the way kubectl does it: the shell asks the program.

kubectl's scripts (cobra's, spf13/cobra bash_completionsV2.go, zsh_completions.go, fish_completions.go,
powershell_completions.go) call back `kubectl __complete <words...> <word being completed>`; the program prints one
candidate a line (`name<TAB>description`), then `:<directive>` (cobra completions.go, ShellCompDirective), and on
stderr `Completion ended with directive: ...`. `minikctl __complete` answers the same protocol from the command
declarations (`spec.Opt`/`Arg`) and the store's index; what it completes follows kubectl 1.32's completion functions
(kubectl/pkg/util/completion/completion.go: ResourceTypeAndNameCompletionFunc, PodResourceNameCompletionFunc,
ContainerCompletionFunc; cmd/get/get.go's -o completion; cmd/util/helpers.go's -f completion).

A TAB press is a cold start of the whole program: this reads names from the store's index only (no engine run, no
write) and never imports typer.
"""

from __future__ import annotations

import os
import sqlite3

from minikctl.cli.spec import Arg

# cobra's ShellCompDirective bits
ERROR, NO_SPACE, NO_FILE_COMP, FILTER_FILE_EXT, FILTER_DIRS, KEEP_ORDER = 1, 2, 4, 8, 16, 32
DEFAULT = 0
_DIRECTIVE_NAMES = ((ERROR, "ShellCompDirectiveError"), (NO_SPACE, "ShellCompDirectiveNoSpace"),
                    (NO_FILE_COMP, "ShellCompDirectiveNoFileComp"),
                    (FILTER_FILE_EXT, "ShellCompDirectiveFilterFileExt"),
                    (FILTER_DIRS, "ShellCompDirectiveFilterDirs"), (KEEP_ORDER, "ShellCompDirectiveKeepOrder"))

SHELLS = ("bash", "zsh", "fish", "powershell")
# the -o values kubectl get completes (cli-runtime's PrintFlags.AllowedFormats, in get.go's order)
GET_FORMATS = ("json", "yaml", "name", "go-template", "go-template-file", "template", "templatefile", "jsonpath",
               "jsonpath-as-json", "jsonpath-file", "custom-columns", "custom-columns-file", "wide")
# what `logs`/`exec` offer beside pod names (completion.go, PodResourceNameCompletionFunc)
POD_OWNER_TYPES = ("daemonsets/", "deployments/", "pods/", "jobs/", "replicasets/", "replicationcontrollers/",
                   "services/", "statefulsets/")
# the types a command works on, where kubectl completes a fixed list rather than every served type
FIXED_TYPES = {
    ("rollout",): ("deployment", "daemonset", "statefulset"),
    ("scale",): ("deployment", "replicaset", "replicationcontroller", "statefulset"),
    ("set", "image"): ("daemonsets", "deployments", "pods", "cronjobs", "replicasets", "replicationcontrollers",
                       "statefulsets"),
    ("set", "env"): ("daemonsets", "deployments", "pods", "cronjobs", "replicasets", "replicationcontrollers",
                     "statefulsets"),
    ("set", "resources"): ("daemonsets", "deployments", "pods", "cronjobs", "replicasets", "replicationcontrollers",
                           "statefulsets"),
    ("top", "pod"): (),
}
DEFAULT_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
# flags every command takes (the root's own, and kubectl's -n where a verb does not declare it)
ROOT_FLAGS = (("--lock-timeout", "", "How long to wait for another command that holds the store"),
              ("--namespace", "-n", "If present, the namespace scope for this CLI request"),
              ("--store", "", "Path of the store file (default $MINIKCTL_HOME/store.db)"),
              ("--tick", "", "Virtual time each command advances first (default 1s; 0 freezes)"))


# -- what the store holds --------------------------------------------------------------------------------------------

def _connect(store: str | None):
    from minikctl.store.db import store_path

    path = store_path(store)
    if not os.path.exists(path):
        return None
    try:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return None


def _names(store: str | None, kind: str, namespace: str | None, prefix: str) -> list[str]:
    conn = _connect(store)
    if conn is None:
        return list(DEFAULT_NAMESPACES) if kind == "Namespace" else []
    try:
        sql = "SELECT name FROM objects WHERE kind=? AND name >= ? AND name < ?"
        args: list = [kind, prefix, prefix + "\U0010ffff"]
        if namespace is not None:
            sql += " AND namespace=?"
            args.append(namespace)
        return [r[0] for r in conn.execute(sql + " ORDER BY name", args)]
    except sqlite3.Error:
        return []
    finally:
        conn.close()


def _containers(store: str | None, namespace: str, pod: str) -> list[str]:
    import json

    conn = _connect(store)
    if conn is None:
        return []
    try:
        row = conn.execute("SELECT body FROM objects WHERE kind='Pod' AND namespace=? AND name=?",
                           (namespace, pod)).fetchone()
    except sqlite3.Error:
        row = None
    finally:
        conn.close()
    if row is None:
        return []
    spec = json.loads(row[0]).get("spec") or {}
    return [c["name"] for part in ("initContainers", "containers") for c in spec.get(part) or [] if "name" in c]


# -- reading the words typed so far ----------------------------------------------------------------------------------

class Typed:
    """The words before the one being completed, read against the command declarations."""

    def __init__(self) -> None:
        self.path: list[str] = []  # command words: ["rollout", "status"]
        self.node = None  # the declaration reached: None (root), a spec.Group or a command function
        self.args: list[str] = []  # positional words after the command path
        self.values: dict[str, str] = {}  # option name (as declared, e.g. --namespace) -> value
        self.pending: str | None = None  # a valued option waiting for its value (the word being completed)
        self.dashdash = False


def _options(node, name: str = "") -> dict[str, tuple[str, bool, str]]:
    """option word -> (canonical long name, takes a value, help) for a command function, with the root's flags."""
    from minikctl.cli.spec import Group, Opt, params

    table: dict[str, tuple[str, bool, str]] = {}
    for long, short, help_ in ROOT_FLAGS:
        table[long] = (long, True, help_)
        if short:
            table[short] = (long, True, help_)
    funcs = []
    if isinstance(node, Group):
        funcs = [node.callback] if node.callback else []
    elif node is not None:
        funcs = [node]
    for func in funcs:
        decls = [d for d in (func.__defaults__ or ()) if isinstance(d, Opt)]
        for p, decl in zip([p for p in params(func) if p.kind not in ("args", "arg")], decls):
            long = next((n for n in p.on if n.startswith("--")), p.on[0])
            for n in p.on:
                table[n] = (long, p.kind != "flag", (decl.help or "").rstrip("."))
            for n in p.off:  # --no-wait and the like: read, never offered
                table[n] = (n, False, "")
    for n in ("--help", "-h"):
        table.setdefault(n, ("--help", False, "help for " + (name or "minikctl")))
    return table


def read_words(words: list[str]) -> Typed:
    from minikctl.cli.commands import lookup
    from minikctl.cli.globals import SWITCHES, VALUED
    from minikctl.cli.spec import Group

    t = Typed()
    table = _options(None)
    i = 0
    while i < len(words):
        w = words[i]
        i += 1
        if t.dashdash:
            t.args.append(w)
            continue
        if w == "--":
            t.dashdash = True
            continue
        if w.startswith("-") and w != "-":
            name, eq, value = w.partition("=")
            if not name.startswith("--") and len(name) > 2 and not eq:  # -ndev
                name, value, eq = name[:2], name[2:], "="
            known = table.get(name)
            takes = known[1] if known else name in VALUED
            long = known[0] if known else name
            if name in SWITCHES:
                takes = False
            if takes and not eq:
                if i < len(words):
                    t.values[long] = words[i]
                    i += 1
                else:
                    t.pending = long
                continue
            t.values[long] = value if eq else "true"
            continue
        if t.node is None and not t.path:
            node = lookup(w)
            if node is None:
                t.args.append(w)
                t.path.append(w)
                t.node = False  # an unknown command: nothing more to offer
                continue
            t.path.append(w)
            t.node = node
            table = _options(node)
            continue
        if isinstance(t.node, Group) and w in t.node.commands and not t.args:
            t.path.append(w)
            t.node = t.node.commands[w]
            table = _options(t.node)
            continue
        t.args.append(w)
    return t


# -- what to offer ---------------------------------------------------------------------------------------------------

def _short(help_: str | None) -> str:
    """cobra's Short for a command: the first sentence, without its final period."""
    text = " ".join((help_ or "").split())
    first = text.split(". ")[0]
    return first.rstrip(".")


def _command_short(node) -> str:
    from minikctl.cli.spec import Group

    if isinstance(node, Group):
        return _short(node.help)
    return _short(node.__doc__)


def _commands(prefix: str, descriptions: bool) -> list[str]:
    """The root's commands; their descriptions cost importing every command module, so only when asked for."""
    from minikctl.cli.commands import COMMANDS, lookup

    out = []
    for word in sorted(COMMANDS):
        if word.startswith(prefix):
            out.append(f"{word}\t{_command_short(lookup(word))}" if descriptions else word)
    return out


def _flags(node, prefix: str, name: str) -> list[str]:
    """cobra's flag completion: long names; with a single `-`, each shorthand after its long name."""
    table = _options(node, name)
    by_long: dict[str, list[str]] = {}
    for word, (long, _takes, help_) in table.items():
        if long == word and not help_:
            continue  # an off switch
        by_long.setdefault(long, [])
        if word != long:
            by_long[long].append(word)
    helps = {long: table[long][2] if long in table else "" for long in by_long}
    out = []
    root = {f[0] for f in ROOT_FLAGS}
    # inherited (root) flags first, then the command's own, each sorted: cobra's order
    for long in sorted(by_long, key=lambda n: (n not in root, n)):
        if long.startswith(prefix):
            out.append(f"{long}\t{helps[long]}")
        if not prefix.startswith("--"):
            out += [f"{s}\t{helps[long]}" for s in by_long[long] if s.startswith(prefix)]
    return out


def _namespace(t: Typed) -> str:
    return t.values.get("--namespace") or "default"


def _types(verb_path: tuple[str, ...]) -> list[str]:
    """The resource types after `get ` (kubectl: api-resources -o name --verbs=get, discovery's order)."""
    from minikctl.kube.kinds import RESOURCES

    for key, fixed in FIXED_TYPES.items():
        if verb_path[:len(key)] == key:
            return list(fixed)
    found = sorted((r for r in RESOURCES if "get" in r.verbs.split(",")), key=lambda r: (r.group, r.plural))
    return [r.plural + (f".{r.group}" if r.group else "") for r in found]


def _resource(type_: str):
    from minikctl.kube.errors import ClientError
    from minikctl.kube.kinds import resolve

    try:
        return resolve(type_.split(".")[0] if "." in type_ and not type_.startswith(".") else type_)
    except ClientError:
        return None


def _names_of(t: Typed, type_: str, prefix: str) -> list[str]:
    out: list[str] = []
    for one in type_.split(","):
        res = _resource(one)
        if res is not None:
            out += _names(t.values.get("--store"), res.kind, _namespace(t) if res.namespaced else "", prefix)
    return list(dict.fromkeys(out))


def _resource_args(t: Typed, to_complete: str) -> list[str]:
    """ResourceTypeAndNameCompletionFunc: types, then names of the type (those not typed yet), or TYPE/NAME."""
    if "/" in to_complete and not t.args:
        type_, _, prefix = to_complete.partition("/")
        return [f"{type_}/{n}" for n in _names_of(t, type_, prefix)]
    if not t.args:
        return [w for w in _types(tuple(t.path)) if w.startswith(to_complete)]
    if "/" in t.args[0]:
        return []
    if tuple(t.path[:1]) in (("rollout",), ("scale",), ("edit",), ("patch",)) and len(t.args) > 1:
        return []  # one object at a time
    return [n for n in _names_of(t, t.args[0], to_complete) if n not in t.args[1:]]


def _pod_of(t: Typed) -> str | None:
    if not t.args:
        return None
    first = t.args[0]
    if "/" in first:
        type_, _, name = first.partition("/")
        res = _resource(type_)
        return name if res is not None and res.kind == "Pod" else None
    return first


def _pod_args(t: Typed, to_complete: str) -> list[str]:
    """PodResourceNameCompletionFunc (logs, exec): pod names and TYPE/ prefixes; for logs, then the containers."""
    if not t.args:
        if "/" in to_complete:
            type_, _, prefix = to_complete.partition("/")
            return [f"{type_}/{n}" for n in _names_of(t, type_, prefix)]
        pods = _names(t.values.get("--store"), "Pod", _namespace(t), to_complete)
        return pods + [p for p in POD_OWNER_TYPES if p.startswith(to_complete)]
    if t.path == ["logs"] and len(t.args) == 1:
        pod = _pod_of(t)
        return [c for c in _containers(t.values.get("--store"), _namespace(t), pod) if c.startswith(to_complete)] \
            if pod else []
    return []


def _flag_value(t: Typed, flag: str, to_complete: str) -> tuple[list[str], int]:
    if flag == "--namespace":
        return _names(t.values.get("--store"), "Namespace", "", to_complete), NO_FILE_COMP
    if flag == "--container":
        pod = _pod_of(t)
        found = _containers(t.values.get("--store"), _namespace(t), pod) if pod else []
        return [c for c in found if c.startswith(to_complete)], NO_FILE_COMP
    if flag == "--output" and t.path[:1] == ["get"]:
        return [f for f in GET_FORMATS if f.startswith(to_complete)], NO_FILE_COMP
    if flag == "--filename":
        return ["json", "yaml", "yml"], FILTER_FILE_EXT
    return [], DEFAULT


def complete(words: list[str], descriptions: bool = True) -> tuple[list[str], int]:
    """Candidates (`name` or `name<TAB>description`) and the directive for `__complete words...`."""
    from minikctl.cli.spec import Group

    *done, to_complete = words or [""]
    t = read_words(done)
    if t.pending:
        return _flag_value(t, t.pending, to_complete)
    if t.node is False:
        return [], NO_FILE_COMP
    if to_complete.startswith("-") and not t.dashdash:
        name, eq, value = to_complete.partition("=")
        if eq:
            known = _options(t.node).get(name)
            return _flag_value(t, known[0], value) if known else ([], NO_FILE_COMP)
        return _flags(t.node, to_complete, t.path[-1] if t.path else ""), NO_FILE_COMP
    if t.node is None:
        return _commands(to_complete, descriptions), NO_FILE_COMP
    if t.node is completion:
        return ([s for s in ("powershell", "bash", "zsh", "fish") if s.startswith(to_complete)]
                if not t.args else []), NO_FILE_COMP
    if isinstance(t.node, Group):
        if not t.args:
            from minikctl.cli.suggest import command_names

            # a subcommand's aliases (create deploy) share its declaration: offer its name only
            subs = [f"{w}\t{_command_short(t.node.commands[w])}" for w in sorted(command_names(t.node.commands))
                    if w.startswith(to_complete)]
            return subs, NO_FILE_COMP
        return [], NO_FILE_COMP
    arg = next((d for d in (t.node.__defaults__ or ()) if isinstance(d, Arg)), None)
    if arg is None or t.dashdash:
        return [], DEFAULT if t.dashdash else NO_FILE_COMP
    if arg.complete == "resource_args":
        return _resource_args(t, to_complete), NO_FILE_COMP
    if arg.complete == "pod_names":
        return _pod_args(t, to_complete), NO_FILE_COMP
    if arg.complete == "nodes":  # ResourceNameCompletionFunc(f, "node"): cordon, uncordon, drain
        return _names(t.values.get("--store"), "Node", None, to_complete), NO_FILE_COMP
    return [], DEFAULT


def run(args: list[str]) -> int:
    """`minikctl __complete ...` / `__completeNoDesc ...`: cobra's answer, on stdout; the directive's name on stderr."""
    import sys

    with_desc = args[0] == "__complete"
    try:
        found, directive = complete(args[1:], with_desc)
    except Exception:  # noqa: BLE001 - a TAB press never prints a traceback: cobra's error directive instead
        if os.environ.get("MINIKCTL_DEBUG"):
            raise
        found, directive = [], ERROR
    lines = [f if with_desc else f.split("\t")[0] for f in found]
    sys.stdout.write("".join(line + "\n" for line in lines) + f":{directive}\n")
    names = [n for bit, n in _DIRECTIVE_NAMES if directive & bit] or ["ShellCompDirectiveDefault"]
    sys.stderr.write(f"Completion ended with directive: {', '.join(names)}\n")
    return 0


# -- the scripts -----------------------------------------------------------------------------------------------------

def script(shell: str, prog: str = "minikctl") -> str:
    from minikctl.cli import completion_scripts

    return getattr(completion_scripts, shell.upper()).replace("@PROG@", prog)


def completion(args: list[str] | None = Arg(None, help="SHELL (bash, zsh, fish or powershell)")) -> None:
    """Output shell completion code for the specified shell (bash, zsh, fish, or powershell).

    The script calls back `minikctl __complete` on each TAB (kubectl's and cobra's protocol)."""
    import sys

    from minikctl.kube.errors import UsageError

    args = args or []  # completion.go RunCompletion's checks, in its order
    if not args:
        raise UsageError("Shell not specified.", "completion")
    if len(args) > 1:
        raise UsageError("Too many arguments. Expected only the shell type.", "completion")
    if args[0] not in SHELLS:
        raise UsageError(f'Unsupported shell type "{args[0]}".', "completion")
    sys.stdout.write(script(args[0]))


COMMANDS = {"completion": completion}

"""The one place where the kubelet talks to ``engine.behavior`` (processes, images, filesystems).

Keeping the calls here means the kubelet's logic does not depend on the interpreter's internals.
All imports are lazy so that importing the engine stays cheap.
"""

from __future__ import annotations

from minikctl.kube import jsontext

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Any


_IMAGES: dict = {}


USER_CATALOG = "images.json"  # beside the store file: the user's own catalog entries (same format as the built-in)


def lookup_image(ref: str, store_dir: str | None = None):
    """The catalog entry for ``ref``, with the user's catalog in ``store_dir`` on top of the built-in one
    (memoised: the catalogs do not change within a process)."""
    import os

    user = os.path.join(store_dir, USER_CATALOG) if store_dir else None
    key = (ref, user)
    img = _IMAGES.get(key)
    if img is None:
        from minikctl.engine.behavior.images import lookup_image as _lookup

        img = _IMAGES[key] = _lookup(ref, user if user and os.path.exists(user) else None)
    return img


def new_podfs(pod: dict):
    from minikctl.engine.behavior.vfs import PodFS

    return PodFS.new(pod)


def load_podfs(d: dict):
    from minikctl.engine.behavior.vfs import PodFS

    return PodFS.from_dict(d)


def memory_limit(container: dict) -> int | None:
    from minikctl.engine.behavior.argv import memory_bytes

    lim = ((container.get("resources") or {}).get("limits") or {}).get("memory")
    return memory_bytes(lim) if lim is not None else None


def env_for(container: dict, pod: dict, image, tx=None, started_ms: int | None = None) -> dict:
    """The container's environment; with ``tx`` its ConfigMap and Secret references are read from the store and
    the Services of its namespace that existed when the container instance started (``started_ms``; None: now)
    give their variables (kubelet/config.py), without it they are left out."""
    from minikctl.engine.behavior.argv import container_env

    if tx is None:
        return container_env(container, pod, image=image)
    from minikctl.engine.kubelet.config import env_references, service_links

    configmaps, secrets, _error = env_references(tx, container, pod)
    links = service_links(tx, pod, tx.now_ms if started_ms is None else started_ms)
    return container_env(container, pod, image=image, configmaps=configmaps, secrets=secrets, services=links)


def argv_for(container: dict, image, env: dict) -> list[str]:
    from minikctl.engine.behavior import argv as _argv

    if hasattr(_argv, "effective_argv_env"):
        return _argv.effective_argv_env(container, image, env)
    return _argv.effective_argv(container, image)


def _process_cls():
    import minikctl.engine.behavior as b

    cls = getattr(b, "Process", None)
    if cls is None:
        from minikctl.engine.behavior.process import Process as cls  # type: ignore[no-redef]
    return cls


def cpu_limit(container: dict) -> float | None:
    """limits.cpu in cores (the interpreter throttles its CPU time against it); None when not set."""
    from minikctl.kube.quantity import parse_quantity

    lim = ((container.get("resources") or {}).get("limits") or {}).get("cpu")
    try:
        return None if lim is None else float(parse_quantity(str(lim)))
    except (ValueError, ArithmeticError):
        return None


def set_cpu_limit(p, container: dict) -> None:
    """The process's CPU share from limits.cpu (behavior/process.py throttles its steps against it)."""
    cores = cpu_limit(container)
    if cores is not None and cores > 0 and hasattr(p, "cpu_share"):
        p.cpu_share = min(1.0, cores)


def credentials(container: dict, pod: dict, image) -> dict | None:
    """The user and groups the container's processes run with (behavior/argv.py ``credentials``)."""
    from minikctl.engine.behavior.argv import credentials as _credentials

    return _credentials(container, pod, image)


def spawn(argv: list[str], env: dict, image, now_ms: int, mem_limit: int | None, fs, stdin_open: bool = False,
          net=None, creds: dict | None = None) -> Any:
    """A new process, already run up to ``now_ms`` (whatever it does at its first instant); ``net`` is its pod's
    network namespace (engine/network.py), ``creds`` its user and groups (``credentials``)."""
    p = _process_cls().spawn(argv, env, image, now_ms, mem_limit, stdin_open=stdin_open)
    p.net = net
    p.creds = creds
    p.step(now_ms, fs)
    return p


def start(argv: list[str], env: dict, image, now_ms: int, mem_limit: int | None, fs, twins: bool = True,
          **kw) -> Any:
    """``spawn``, or with ``twins`` the copy of a process started by the same command at the same instant for a
    container alike but for its pod's name (``_twin``)."""
    key = _twin_key(argv, env, image, now_ms, mem_limit, kw.get("stdin_open", False), kw.get("creds")) \
        if twins else None
    if key is not None:
        p = _twin(key, env, image, fs, kw.get("net"))
        if p is not None:
            return p
    p = spawn(argv, env, image, now_ms, mem_limit, fs, **kw)
    if key is not None and type(p) is _process_cls():
        _keep_twin(key, p, env, image)
    return p


# ---- twins: the start of a server copied, not interpreted again ---------------------------------------------
# Ten thousand pods of one template whose pulls end at one instant start ten thousand processes that differ only
# in $HOSTNAME (the pod's hostname, which the container runtime puts in each container's environment). A process
# that never reads its environment, its files or its arguments' expansions ends its first instant in the same
# state whatever $HOSTNAME is: the program is exec'd directly (no shell, literal words), is an image's server or a
# program that waits forever (``server``/``forever`` models of the catalog), possibly behind the image's
# entrypoint wrapper (``wrapper``), and those models read neither (behavior/process.py ``_m_wrapper``,
# ``_m_server``, ``_m_forever``: their ``env`` argument is unused). Such a first state is kept (as the values of
# its stored JSON) and loaded for the next container started at the same instant from the same image, argv,
# memory limit and environment but $HOSTNAME, with its $HOSTNAME set; the stored record is the same bytes as
# interpreting it again (tests/unit/test_engine_start_many.py compares the two with ``engine:profile``
# ``{"twins": false}``).
_TWINS: dict = {}
_TWINS_MAX = 64
_TWIN_KINDS = ("server", "forever")


def _model_kind(image, argv: list) -> str | None:
    from minikctl.engine.behavior.images import program_model

    if not argv or not image.has_executable(argv[0]):
        return None
    model = program_model(image, argv[0].rsplit("/", 1)[-1])
    return model.get("kind") if isinstance(model, dict) else None


def _twin_key(argv: list, env: dict, image, now_ms: int, mem_limit, stdin_open: bool, creds) -> tuple | None:
    """The key a process's first instant is shared under, None when it may read what differs between twins (see
    above): a shell, an option or configuration file the wrapper would resolve, an ``nginx -s``/``-t``, a model
    other than a server or a program that waits forever."""
    from minikctl.engine.behavior.process import SHELLS

    if stdin_open or creds is not None or not argv or not hasattr(image, "has_executable"):
        return None
    argv = [str(a) for a in argv]
    if argv[0].rsplit("/", 1)[-1] in SHELLS:
        return None
    kind = _model_kind(image, argv)
    if kind == "wrapper":
        rest = argv[1:]
        if not rest or rest[0].startswith("-") or rest[0].endswith(".conf") or \
                rest[0].rsplit("/", 1)[-1] in SHELLS:
            return None
        kind = _model_kind(image, rest)
    if kind not in _TWIN_KINDS or "-s" in argv or "-t" in argv:
        return None
    return (tuple(argv), tuple((str(k), None if k == "HOSTNAME" else str(v)) for k, v in env.items()), id(image),
            int(now_ms), mem_limit)


def _keep_twin(key: tuple, p, env: dict, image) -> None:
    """Keep ``p``'s first state for its twins when it is what they will be: waiting forever, its $HOSTNAME as given
    and nowhere else in it (its lines are in its log buffer: written to the log fds it was exec'd with, which the
    kubelet takes next, ``PodWorker.take_logs``)."""
    import json
    import marshal

    blocked = p.blocked or {}
    if p.exited or p.shell or blocked.get("kind") != "forever" or blocked.get("until") is not None:
        return
    host = env.get("HOSTNAME")
    if host is not None and p.vars.get("HOSTNAME") != str(host):
        return
    text = json.dumps(dump_process(p), separators=(",", ":"))
    if host is not None and text.count(json.dumps(str(host))) != 1:
        return
    if len(_TWINS) >= _TWINS_MAX:
        _TWINS.clear()
    # kept as the values its stored JSON decodes to, marshalled: a copy of them (the same types, dicts in the same
    # order) is read back several times faster than the JSON text is decoded
    values = json.loads(text)
    state = marshal.dumps(values)
    splice = _splice(values, str(host)) if host is not None else None
    _TWINS[key] = (state, image, [int(x["port"]) for x in p.listeners], splice)


class TwinDump(dict):
    """``dump_process`` of a process copied from a twin (``_twin``): ``twin_text`` gives its JSON text without
    encoding it again while it is still the twin's state once its first lines were taken."""

    __slots__ = ("twin",)


# the store's encoder (store/runtime.py: the runtime records' text)
_dumps = jsontext.encoder()  # json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


def _splice(state: dict, host) -> tuple | None:
    """What ``twin_text`` needs of a twin's first state: (its values once its lines are taken, marshalled at
    version 0, which keeps every type, every dict's order and no references; the twin's $HOSTNAME; the state's
    JSON text before and after the $HOSTNAME value), None when the value is not found exactly once."""
    import marshal

    after = dict(state, logs=[])
    text = _dumps(after)
    token = _dumps(host)
    if text.count(token) != 1:
        return None
    i = text.index(token)
    return marshal.dumps(after, 0), host, text[:i], text[i + len(token):]


def twin_text(d) -> str | None:
    """The JSON text of ``d`` (a ``TwinDump``) as the store's encoder writes it, spliced from its twin's: when
    ``d`` with its twin's $HOSTNAME has the same values (types and orders included) as the twin's state after its
    first lines were taken, its text is the twin's with its own $HOSTNAME in place of the twin's. None otherwise
    (something changed it since: it is encoded as usual)."""
    import marshal

    twin = getattr(d, "twin", None)
    v = d.get("vars")
    if twin is None or type(v) is not dict or type(v.get("HOSTNAME")) is not str:
        return None
    after, host0, prefix, suffix = twin
    host = v["HOSTNAME"]
    v["HOSTNAME"] = host0
    try:
        same = marshal.dumps(dict(d), 0) == after
    except ValueError:  # not plain values (marshal takes no subclass): not the twin's
        same = False
    finally:
        v["HOSTNAME"] = host
    return prefix + _dumps(host) + suffix if same else None


def _twin(key: tuple, env: dict, image, fs, net) -> Any:
    """The process kept under ``key`` with this container's $HOSTNAME, None when there is none or its ports are
    taken by another container of the pod (the bind would fail: interpreted as usual)."""
    import marshal

    kept = _TWINS.get(key)
    if kept is None or kept[1] is not image:
        return None
    state, _image, ports, splice = kept
    if net is not None and any(net.bind_conflict(port, key[3]) for port in ports):
        return None
    d = marshal.loads(state)
    host = env.get("HOSTNAME")
    if host is not None:
        d["vars"]["HOSTNAME"] = str(host)
    p = load_process(d)
    if splice is not None:
        p._twin = splice  # its record's text may be spliced (``twin_text``)
    p._image_obj = image
    p.net = net
    p.creds = None
    if fs is not None:
        fs.creds = None  # what step() sets (vfs.ContainerFS.write)
    return p


def start_error_message(msg: str) -> str:
    try:
        from minikctl.engine.behavior.process import containerd_start_error
    except ImportError:  # pragma: no cover
        return msg
    return containerd_start_error(msg)


def load_process(d: dict) -> Any:
    """A process from its stored dict. ``d`` comes straight from ``json.loads`` and is not used
    again, so its parts are adopted without the deep copy ``Process.from_dict`` makes."""
    cls = _process_cls()
    fields = getattr(cls, "_FIELDS", None)
    if not fields:
        return cls.from_dict(d)
    p = cls()
    for k in fields:
        if k in d:
            setattr(p, k, d[k])
    if "image" in d:
        from minikctl.engine.behavior.images import expand_image

        p.image = expand_image(d["image"])
    return p


def dump_process(p) -> dict:
    """The process as a dict for the record (shallow: it is serialised right away)."""
    fields = getattr(type(p), "_FIELDS", None)
    if not fields:
        return p.to_dict()
    d = {k: getattr(p, k) for k in fields}
    if "exported" in d:
        d["exported"] = sorted(set(d["exported"]))
    if "image" in d:
        from minikctl.engine.behavior.images import compact_image

        d["image"] = compact_image(d["image"])  # the catalog's image as its reference
    twin = getattr(p, "_twin", None)
    if twin is not None:
        d = TwinDump(d)
        d.twin = twin
    return d


def _behavior_fn(name: str):
    import minikctl.engine.behavior as b

    fn = getattr(b, name, None)
    if fn is None:
        from minikctl.engine.behavior import process as p  # type: ignore

        fn = getattr(p, name)
    return fn


def run_exec(argv, env, fs, image, now_ms, timeout_s, proc=None, split: bool = False) -> tuple[int, str, int]:
    """(exit code, output, duration ms) of an exec inside the container (``split``: output is (stdout, stderr))."""
    code, out, ms = _behavior_fn("run_exec_timed")(argv, env, fs, image, now_ms, timeout_s, proc, split)
    return int(code), out, int(ms)


# ---- read-only exec probes: one answer per state of the files they read ---------------------------------------
# ``cat FILE...`` and ``test -e|-f|-d|-s FILE``, run without a shell (an exec probe's usual command), answer from
# the files they name alone: the interpreter's ``cat`` reads each file's text (and whether a missing one is a
# directory), ``test``'s unary operators whether it exists, is a file or a directory, and its text
# (behavior/process.py ``_b_cat``, ``_Test.unop``); neither reads the environment, the clock or the main process.
# So their answer (exit code and combined output) is interpreted once per image, credentials, limits, timeout and
# state of those files, and looked up afterwards: a thousand pods probing the same file every ten seconds cost a
# thousand look-ups rather than a thousand processes (bench/services_speed.py).
_READS: dict = {}  # key (``_reads_key``) -> (exit code, output)
_READS_KEPT = 4096
_READS_TEXT = 4096  # a file longer than this is read by the interpreter each time (the key would hold it)
_MODELS: dict = {}  # (id(image), program) -> (image, whether the image or the catalog models the program)
_TEST_OPS = ("-e", "-f", "-d", "-s")


def _reads_key(argv, fs, image, facts: tuple, timeout_s) -> tuple | None:
    """What the answer of ``argv`` depends on, or None when it is not such a command (anything else: options,
    relative paths, a program the catalog models, a long file). ``facts``: ``process_facts`` of the container's
    main process, whose user and limits an exec takes (behavior/process.py ``run_exec_timed``)."""
    if type(argv) is not list or len(argv) < 2 or not all(type(a) is str for a in argv):
        return None
    prog = argv[0]
    if prog == "cat":
        paths = argv[1:]
    elif prog == "test" and len(argv) == 3 and argv[1] in _TEST_OPS:
        paths = argv[2:]
    else:
        return None
    for path in paths:
        if path[:1] != "/" or path.startswith(("/proc/", "/sys/", "/dev/")) or path in ("/proc", "/sys", "/dev"):
            return None
    modelled = _MODELS.get((id(image), prog))
    if modelled is None:
        from minikctl.engine.behavior.images import program_model

        # the image is kept beside its id (the id of a live object is its own); a modelled program may read the
        # environment (``Process._command``)
        modelled = _MODELS[(id(image), prog)] = (image, prog != "test" and program_model(image, prog) is not None)
    if modelled[1]:
        return None
    state = []
    for path in paths:
        text = fs.read(path)
        if text is not None and len(text) > _READS_TEXT:
            return None
        state.append((text, fs.is_dir(path), fs.exists(path)))
    creds, memory_limit, cpu_share = facts
    return (tuple(argv), id(image), None if creds is None else repr(creds), memory_limit, cpu_share, timeout_s,
            tuple(state))


def process_facts(proc) -> tuple:
    """What an exec takes from the container's main process: its credentials, memory limit and CPU share (as a
    stored process dict holds them under the same names)."""
    if type(proc) is dict:
        return proc.get("creds"), proc.get("memory_limit"), proc.get("cpu_share")
    return getattr(proc, "creds", None), getattr(proc, "memory_limit", None), getattr(proc, "cpu_share", None)


def run_exec_reads(argv, env_of, fs, image, now_ms, timeout_s, proc_of, facts: tuple | None = None) -> tuple[int, str]:
    """``run_exec``'s (exit code, output) of a read-only exec probe (above), interpreted once per key: ``env_of()``
    and ``proc_of()`` give the environment and the container's main process when it is interpreted; ``facts``
    (``process_facts``) of that process when they are known without it (else ``proc_of()`` gives them)."""
    if facts is None:
        facts = process_facts(proc_of())
    key = _reads_key(argv, fs, image, facts, timeout_s)
    if key is not None:
        found = _READS.get(key)
        if found is not None:
            return found
    code, out, _ms = run_exec(argv, env_of(), fs, image, now_ms, timeout_s, proc_of())
    if key is not None and type(out) is str:
        if len(_READS) >= _READS_KEPT:
            _READS.clear()
        _READS[key] = (code, out)
    return code, out


def next_listener_change(proc, now_ms: int) -> int | None:
    """The next instant at which what the process answers on its ports may change by itself
    (a listener that opens later; agnhost's liveness handler flipping to 500 after 10 s)."""
    if proc is None or getattr(proc, "exited", False):
        return None
    best = None
    for d in getattr(proc, "listeners", None) or []:
        since = int(d.get("since_ms", 0) or 0)
        cands = [since]
        if d.get("kind") == "agnhost-liveness":
            cands.append(since + 10001)
        for t in cands:
            if t > now_ms and (best is None or t < best):
                best = t
    return best


def http_get(proc, port, path, now_ms, pod_ip, scheme):
    return _behavior_fn("http_get")(proc, port, path, now_ms, pod_ip, scheme)


def tcp_connect(proc, port, now_ms, pod_ip):
    return _behavior_fn("tcp_connect")(proc, port, now_ms, pod_ip)


def grpc_check(proc, port, service, now_ms, pod_ip):
    return _behavior_fn("grpc_check")(proc, port, service, now_ms, pod_ip)

"""The one place where the kubelet talks to ``engine.behavior`` (processes, images, filesystems).

Keeping the calls here means the kubelet's logic does not depend on the interpreter's internals.
All imports are lazy so that importing the engine stays cheap.
"""

from __future__ import annotations

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

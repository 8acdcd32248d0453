"""The one place where the kubelet talks to ``engine.behavior`` (processes, images, filesystems).

Keeping the calls here means the kubelet's logic does not depend on the interpreter's internals.
All imports are lazy so that importing the engine stays cheap.
"""

from __future__ import annotations

from typing import Any


def lookup_image(ref: str):
    from minikctl.engine.behavior.images import lookup_image as _lookup

    return _lookup(ref)


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


def env_for(container: dict, pod: dict, image) -> dict:
    from minikctl.engine.behavior.argv import container_env

    return container_env(container, pod, image=image)


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


def spawn(argv: list[str], env: dict, image, now_ms: int, mem_limit: int | None, fs) -> Any:
    cls = _process_cls()
    try:
        return cls.spawn(argv, env, image, now_ms, mem_limit, fs)
    except TypeError:
        return cls.spawn(argv, env, image, now_ms, mem_limit)


def load_process(d: dict) -> Any:
    return _process_cls().from_dict(d)


def _behavior_fn(name: str):
    import minikctl.engine.behavior as b

    fn = getattr(b, name, None)
    if fn is None:
        from minikctl.engine.behavior import process as p  # type: ignore

        fn = getattr(p, name)
    return fn


def run_exec(argv, env, fs, image, now_ms, timeout_s) -> tuple[int, str, int]:
    """(exit code, output, duration ms) of an exec inside the container."""
    res = _behavior_fn("run_exec")(argv, env, fs, image, now_ms, timeout_s)
    if isinstance(res, dict):
        return int(res.get("exit_code", res.get("code", 0))), res.get("output", ""), int(res.get("duration_ms", 0))
    code = getattr(res, "exit_code", None)
    if code is not None:
        out = getattr(res, "output", None)
        if out is None:
            out = (getattr(res, "stdout", "") or "") + (getattr(res, "stderr", "") or "")
        return int(code), out, int(getattr(res, "duration_ms", 0) or 0)
    seq = list(res)
    return int(seq[0]), seq[1] if len(seq) > 1 else "", int(seq[2]) if len(seq) > 2 else 0


def http_get(proc, port, path, now_ms, pod_ip, scheme):
    return _behavior_fn("http_get")(proc, port, path, now_ms, pod_ip, scheme)


def tcp_connect(proc, port, now_ms, pod_ip):
    return _behavior_fn("tcp_connect")(proc, port, now_ms, pod_ip)


def grpc_check(proc, port, service, now_ms, pod_ip):
    return _behavior_fn("grpc_check")(proc, port, service, now_ms, pod_ip)

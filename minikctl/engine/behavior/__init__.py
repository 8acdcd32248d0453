"""Container behaviour without running anything.

The kubelet simulation asks this package what a container *would* do:

* ``lookup_image(ref, user_catalog=None) -> Image``: the image catalog (``images.json``):
  existence, digest, size, pull time, ENTRYPOINT/CMD, executables, program models.
* ``effective_argv(container, image) -> list[str]``: command/args vs ENTRYPOINT/CMD,
  ``$(VAR)`` expansion (``$$`` escapes) with the container's literal env.
* ``container_env(container, pod, ...) -> dict[str, str]``: the process environment
  (literal env, fieldRef, resourceFieldRef, configMap/secret refs when given).
* ``PodFS.new(pod)`` / ``.view(container, mounts)`` -> ``ContainerFS``: the virtual filesystem;
  volumes are shared between the containers mounting them, the rest is private per container.
* ``Process.spawn(argv, env, image, now_ms, memory_limit)``: a simulated process. ``step(now_ms, fs)``
  runs it up to ``now_ms`` (never beyond); ``wake_ms`` says when it must be stepped next.
  ``signal("TERM"|"KILL", now_ms, fs)``, ``listening(now_ms)``, ``logs``, ``assumptions``.
* ``run_exec(argv, env, fs, image, now_ms, timeout_s) -> (exit_code, output)`` for exec probes,
  hooks and ``minikctl exec``; ``run_exec_timed`` also returns the virtual ms consumed.
* ``http_get`` / ``tcp_connect`` / ``grpc_check``: network probes answered by the process's listeners.

Everything is deterministic and JSON-serialisable (``to_dict()`` / ``from_dict()``).
Times are integer milliseconds of virtual time.
"""

from .argv import container_env, effective_argv, effective_argv_env, expand_k8s, memory_bytes, parse_quantity
from .images import Image, ImageRef, lookup_image, parse_reference
from .vfs import ContainerFS, FSError, PodFS

__all__ = [
    "Image", "ImageRef", "lookup_image", "parse_reference",
    "effective_argv", "effective_argv_env", "container_env", "expand_k8s", "memory_bytes", "parse_quantity",
    "PodFS", "ContainerFS", "FSError",
]

try:  # the interpreter lands in a follow-up commit; keep the package importable meanwhile
    from .process import (  # noqa: F401
        Listener, Process, grpc_check, http_get, run_exec, run_exec_timed, tcp_connect,
    )
    __all__ += ["Listener", "Process", "grpc_check", "http_get", "run_exec", "run_exec_timed", "tcp_connect"]
except ImportError:  # pragma: no cover
    pass

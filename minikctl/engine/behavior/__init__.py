"""Container behaviour without running anything.

The kubelet simulation asks this package what a container *would* do. Times are integer
milliseconds of virtual time (values below 2000-01-01 in Unix ms are read as offsets from
2025-01-01T00:00:00Z, e.g. for ``date``). Everything is deterministic and JSON-serialisable.

Images (``images.json``, data):
  ``lookup_image(ref, user_catalog=None) -> Image``: ``known``, ``exists`` (False -> the pull fails;
  ``pull_error`` is containerd's text: NotFound, or Docker Hub's ``pull access denied``),
  ``invalid``/``invalid_message`` (InvalidImageName), ``digest``, ``image_id``
  (``docker.io/library/nginx@sha256:...``), ``normalized`` (``docker.io/library/nginx:1.14.2``, the status
  ``image``), ``size``, ``pull_ms``, ``entrypoint``, ``cmd``, ``executables`` (None = anything), ``env``,
  ``files``, ``programs``, ``accounts`` (the image's users and groups). Which references exist is the rule in
  ``images.py``'s docstring: real upstream tags of catalogued repositories, the Docker Hub official names,
  unknown repositories run (``sha256(normalized reference)``) unless the catalog's ``unknown_images`` is "fail".
  ``argv.credentials(container, pod, image)``: the securityContext's uid, gid and groups (``id``, ``ls -l``).

Argv and env:
  ``effective_argv(container, image)``: command/args vs ENTRYPOINT/CMD, ``$(VAR)`` from the
  literal env (``$$`` escapes); ``effective_argv_env(container, image, env)`` with a resolved env.
  ``container_env(container, pod, *, configmaps=None, secrets=None, node_allocatable=None,
  image=None)``: image env, HOSTNAME, the ``kubernetes`` Service vars, envFrom, env (fieldRef,
  resourceFieldRef, configMapKeyRef/secretKeyRef from the given dicts; missing refs are skipped).

Filesystem:
  ``PodFS.new(pod)``; ``.view(container, mounts, image=None) -> ContainerFS``; ``.reset_container(
  name, image=None)``; ``.populate(volume, {relpath: text})`` for configMap/secret/downwardAPI
  volumes (``volume_files(volume, pod, configmaps=, secrets=, container=)`` computes them);
  ``.refresh_pod(pod)`` regenerates /etc/hosts once the pod has an IP.
  ``ContainerFS``: ``exists/is_file/is_dir/read/listdir/write(path, text, append=False)/remove(path,
  recursive=False)/mkdir``; changes raise ``FSError`` (``Read-only file system`` ...).
  The termination message is simply ``view.read(terminationMessagePath)``.

Processes:
  ``Process.spawn(argv, env, image, now_ms, memory_limit, stdin_open=False)`` then ``step(now_ms, fs)`` (runs all
  that is due at or before ``now_ms``); ``wake_ms`` (None = exited or blocked forever);
  ``exited/exit_code/exit_ms/reason/message`` (reason Completed | Error | OOMKilled | StartError;
  a missing executable: 128, ``exec: "<x>": executable file not found in $PATH`` at once; wrap it
  with ``containerd_start_error`` for the full runtime text); ``logs`` ([ms, stream, line], may be
  drained); ``assumptions``; ``signal("TERM"|"INT"|"QUIT"|"KILL", now_ms, fs)``; ``listening(now_ms)
  -> {port: Listener}``; ``to_dict()/from_dict()``. A ``tail -f`` follower has ``wake_ms`` None but
  picks up lines other containers append whenever it is stepped. ``proc.resolver`` (optional, not
  persisted; set it after ``spawn``/``from_dict``): ``name -> IP | None`` for ``nslookup``, e.g. from
  the store's Services via ``parse_service_dns(name, namespace)``; without it every name resolves
  (with an assumption note).

Shell (``shell.py`` compiles, ``process.py`` runs; busybox ash / dash semantics):
  commands, pipelines (nested too), lists, ``if``/``case``/``for``/``while``/``until``, subshells and
  ``{ }`` groups, parameter/command/arithmetic expansion, redirects and here-documents (``<<``, ``<<-``,
  quoted delimiters), functions (``name() { }``, ``local``, ``return``), ``trap``, ``eval``/``.``, and
  nested ``sh -c``/``sh FILE`` shells. Everything is resumable at any ``sleep``: the call stack is part of
  the JSON state. What the interpreter cannot model ends the script there with an ``assumptions`` note.

Exec, hooks and probes:
  ``run_exec(argv, env, fs, image, now_ms, timeout_s, proc=None) -> (code, output)`` and
  ``run_exec_timed(...) -> (code, output, ms)``: side effects happen at ``now_ms``; ``ms`` is the
  virtual time the command takes. Past the timeout (or blocking forever): ``(-1, 'command "<argv>"
  timed out', timeout_ms)``. Missing executable: ``(126, 'OCI runtime exec failed: ...', 0)``.
  ``proc`` = the container's main process (lets ``nginx -s quit`` / ``killall`` reach it).
  ``http_get(proc, port, path, now_ms, pod_ip, scheme="HTTP") -> (status|None, message)``,
  ``tcp_connect(proc, port, now_ms, pod_ip) -> (ok, message)``,
  ``grpc_check(proc, port, service, now_ms, pod_ip, timeout_s=1) -> (ok, message)``:
  messages are the kubelet's probe output ("" on success).
"""

from .argv import (
    container_env, effective_argv, effective_argv_env, expand_k8s, memory_bytes, parse_quantity, volume_files,
)
from .images import Image, ImageRef, lookup_image, parse_reference
from .vfs import ContainerFS, FSError, PodFS

__all__ = [
    "Image", "ImageRef", "lookup_image", "parse_reference",
    "effective_argv", "effective_argv_env", "container_env", "expand_k8s", "memory_bytes", "parse_quantity",
    "volume_files",
    "PodFS", "ContainerFS", "FSError",
]

from .process import (  # noqa: E402
    Listener, Process, containerd_start_error, grpc_check, http_get, parse_service_dns, run_exec, run_exec_timed,
    tcp_connect,
)

__all__ += ["Listener", "Process", "containerd_start_error", "grpc_check", "http_get", "parse_service_dns",
            "run_exec", "run_exec_timed", "tcp_connect"]

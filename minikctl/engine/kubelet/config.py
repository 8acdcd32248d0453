"""What a kubelet reads from other objects before it runs a pod's containers (kubernetes v1.32).

* **Volumes** (``pkg/kubelet/volumemanager``, ``WaitForAttachAndMount``; the configmap, secret, downwardapi and
  projected volume plugins): before any container of a pod is created, its configMap, secret, downwardAPI and
  projected volumes are filled from the store (``behavior/argv.py`` ``volume_files``). A ConfigMap or Secret that
  does not exist, or a key an ``items`` entry names that it lacks, fails the mount unless the source is
  ``optional``: the Warning ``FailedMount`` event "MountVolume.SetUp failed for volume "V" : configmap "X" not
  found", the pod stays ``ContainerCreating``, and the operation is tried again with the operation executor's
  exponential back-off (``pkg/util/goroutinemap/exponentialbackoff``: 500 ms, doubling, at most 2m2s) -- so the
  pod starts at the first try after the object is created.
* **Environment** (``kubelet_pods.go`` ``makeEnvironmentVariables``): ``envFrom`` and ``valueFrom`` references to
  a missing ConfigMap or Secret, or to a key they lack, are the container's ``CreateContainerConfigError`` with the
  kubelet's message (``configmap "X" not found``, ``couldn't find key K in ConfigMap NS/X``) and the Warning
  ``Failed`` "Error: <message>" event; the pod worker syncs the pod again after its back-off period (10 s,
  ``backOffPeriod`` in kubelet.go).

* **Service links** (``kubelet_pods.go`` ``getServiceEnvVarMap``, ``pkg/kubelet/envvars/envvars.go``
  ``FromServices``): with ``enableServiceLinks`` (the default) every Service of the pod's namespace that has a
  cluster IP (not headless, not ExternalName) gives the container ``NAME_SERVICE_HOST``, ``NAME_SERVICE_PORT``, one
  ``NAME_SERVICE_PORT_<PORTNAME>`` per named port and the Docker link variables (``NAME_PORT``,
  ``NAME_PORT_<port>_<PROTO>`` with ``_PROTO``, ``_PORT``, ``_ADDR``); ``kubernetes`` in ``default`` always. The
  environment is the container's from its creation: a Service created after the container started is not in it
  (kubernetes.io, "Connecting Applications with Services": the pods are recreated to see it). Here: the Services
  whose creationTimestamp is not after the container instance's start.

Volume contents are read once, when the volume is mounted; later changes of the ConfigMap or Secret are not
propagated into the running pod (a kubelet does that at its periodic sync).
"""

from __future__ import annotations

MOUNT_RETRY_INITIAL_MS = 500       # exponentialbackoff.initialDurationBeforeRetry
MOUNT_RETRY_MAX_MS = 122_000       # exponentialbackoff.maxDurationBeforeRetry (2m2s)
CONFIG_RETRY_MS = 10_000           # the pod worker's backOffPeriod after a sync error


def _data(tx, kind: str, ns: str, name: str) -> dict | None:
    obj = tx.get(kind, ns, name)
    if obj is None:
        return None
    return {**(obj.get("data") or {}), **({} if kind == "Secret" else (obj.get("binaryData") or {}))}


def _sources(volume: dict) -> list[tuple[str, dict]]:
    """(kind, source) of the ConfigMaps and Secrets a volume reads."""
    if volume.get("configMap"):
        return [("ConfigMap", volume["configMap"])]
    if volume.get("secret"):
        return [("Secret", volume["secret"])]
    out = []
    for src in (volume.get("projected") or {}).get("sources") or []:
        if isinstance(src, dict) and src.get("configMap"):
            out.append(("ConfigMap", src["configMap"]))
        elif isinstance(src, dict) and src.get("secret"):
            out.append(("Secret", src["secret"]))
    return out


def mount_error(tx, pod: dict) -> str | None:
    """The first volume that cannot be set up, as the FailedMount event says it; None when all can."""
    ns = pod["metadata"].get("namespace", "default")
    for v in (pod.get("spec") or {}).get("volumes") or []:
        if not isinstance(v, dict):
            continue
        for kind, src in _sources(v):
            name = src.get("secretName") if kind == "Secret" and "secretName" in src else src.get("name", "")
            data = _data(tx, kind, ns, name or "")
            word = "configmap" if kind == "ConfigMap" else "secret"
            if data is None:
                if src.get("optional"):
                    continue
                return f'MountVolume.SetUp failed for volume "{v.get("name")}" : {word} "{name}" not found'
            for item in src.get("items") or []:
                if isinstance(item, dict) and item.get("key") not in data and not src.get("optional"):
                    return (f'MountVolume.SetUp failed for volume "{v.get("name")}" : {word} references '
                            f'non-existent {"config " if kind == "ConfigMap" else "secret "}key: {item.get("key")}')
    return None


def volume_contents(tx, pod: dict, container: dict | None = None) -> dict[str, dict[str, str]]:
    """{volume name: {relative path: text}} of the pod's configMap, secret, downwardAPI and projected volumes."""
    from minikctl.engine.behavior.argv import volume_files

    ns = pod["metadata"].get("namespace", "default")
    configmaps: dict = {}
    secrets: dict = {}
    out = {}
    for v in (pod.get("spec") or {}).get("volumes") or []:
        if not isinstance(v, dict) or not any(k in v for k in ("configMap", "secret", "downwardAPI", "projected")):
            continue
        for kind, src in _sources(v):
            name = (src.get("secretName") if kind == "Secret" and "secretName" in src else src.get("name")) or ""
            target = configmaps if kind == "ConfigMap" else secrets
            if name not in target:
                data = _data(tx, kind, ns, name)
                if data is not None:
                    target[name] = data
        out[v["name"]] = volume_files(v, pod, configmaps=configmaps, secrets=secrets, container=container)
    return out


def service_links(tx, pod: dict, started_ms: int) -> dict[str, str]:
    """The Service variables of a container started at ``started_ms`` (FromServices order), the ``kubernetes``
    Service's excepted (behavior/argv.py gives those to every container). The answer is shared (callers must not
    change it)."""
    spec = pod.get("spec") or {}
    if spec.get("enableServiceLinks") is False:
        return {}
    ns = pod["metadata"].get("namespace", "default")
    derived = getattr(tx, "derived", None)  # the kubelet's CachedReads: kept until a Service of ns changes
    if derived is None:
        return _service_links(tx, ns, started_ms)
    # a container started after the newest Service was made sees them all: one answer for all of them
    newest = derived("Service", ns, "newest", lambda: _newest_service(tx, ns))
    key = ("links", None if started_ms >= newest else started_ms)
    return derived("Service", ns, key, lambda: _service_links(tx, ns, started_ms))


def _newest_service(tx, ns: str) -> int:
    """The creation instant of the namespace's newest Service (-1: none); one that cannot be read is left out, as
    ``_service_links`` leaves it out."""
    from minikctl.kube.timefmt import parse_rfc3339

    newest = -1
    for svc in tx.list_current("Service", ns, ("metadata.name", "metadata.creationTimestamp", "spec.clusterIP",
                                               "spec.ports")):
        try:
            newest = max(newest, parse_rfc3339((svc.get("metadata") or {}).get("creationTimestamp") or ""))
        except ValueError:
            continue
    return newest


def _service_links(tx, ns: str, started_ms: int) -> dict[str, str]:
    from minikctl.engine.behavior.argv import service_env
    from minikctl.kube.timefmt import parse_rfc3339

    out: dict[str, str] = {}
    for svc in tx.list_current("Service", ns, ("metadata.name", "metadata.creationTimestamp", "spec.clusterIP",
                                               "spec.ports")):
        meta, sspec = svc.get("metadata") or {}, svc.get("spec") or {}
        ip, ports, name = sspec.get("clusterIP"), sspec.get("ports") or [], meta.get("name") or ""
        if not ip or ip == "None" or not ports or (ns == "default" and name == "kubernetes"):
            continue  # v1helper.IsServiceIPSet; the master service is the built-in one
        try:
            created = parse_rfc3339(meta.get("creationTimestamp") or "")
        except ValueError:
            continue
        if created > started_ms:
            continue
        out.update(service_env(name, ip, ports))
    return out


def env_references(tx, container: dict, pod: dict) -> tuple[dict, dict, str | None]:
    """(configmaps, secrets) the container's environment reads, and the first error makeEnvironmentVariables
    stops at (None: the environment can be built)."""
    ns = pod["metadata"].get("namespace", "default")
    configmaps: dict = {}
    secrets: dict = {}

    def fetch(kind: str, name: str) -> dict | None:
        target = configmaps if kind == "ConfigMap" else secrets
        if name not in target:
            data = _data(tx, kind, ns, name)
            if data is None:
                return None
            target[name] = data
        return target[name]

    error = None
    for src in container.get("envFrom") or []:
        if not isinstance(src, dict):
            continue
        for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            ref = src.get(key)
            if ref and fetch(kind, ref.get("name", "")) is None and not ref.get("optional") and error is None:
                error = f'{kind.lower()} "{ref.get("name", "")}" not found'
    for e in container.get("env") or []:
        vf = (e or {}).get("valueFrom") if isinstance(e, dict) else None
        if not vf or error is not None:
            continue
        for kind, key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
            ref = vf.get(key)
            if not ref:
                continue
            data = fetch(kind, ref.get("name", ""))
            if ref.get("optional"):
                continue
            if data is None:
                error = f'{kind.lower()} "{ref.get("name", "")}" not found'
            elif ref.get("key") not in data:
                error = f"couldn't find key {ref.get('key')} in {kind} {ns}/{ref.get('name', '')}"
    return configmaps, secrets, error

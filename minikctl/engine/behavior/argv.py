"""Effective argv (command/args vs ENTRYPOINT/CMD) and the container environment."""

from __future__ import annotations

import base64
import math
import re

KUBERNETES_SERVICE_IP = "10.96.0.1"


def expand_k8s(s: str, env: dict[str, str]) -> str:
    """Kubernetes ``$(VAR)`` expansion: defined vars are replaced, undefined references are kept
    verbatim, ``$$`` is an escaped ``$`` (k8s.io/kubernetes third_party expansion rules)."""
    out = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c != "$" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        nxt = s[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
        elif nxt == "(":
            j = s.find(")", i + 2)
            if j < 0:
                out.append(s[i:])
                break
            name = s[i + 2:j]
            if name in env:
                out.append(env[name])
            else:
                out.append(s[i:j + 1])
            i = j + 1
        else:
            out.append("$" + nxt)
            i += 2
    return "".join(out)


def effective_argv(container: dict, image) -> list[str]:
    """command replaces ENTRYPOINT, args replaces CMD; only args -> ENTRYPOINT + args;
    neither -> the image defaults. ``$(VAR)`` is expanded with the container's literal env
    (values as given; use ``effective_argv_env`` to pass a fully resolved env)."""
    env: dict[str, str] = {}
    for e in container.get("env") or []:
        if isinstance(e, dict) and "name" in e and "valueFrom" not in e:
            env[e["name"]] = expand_k8s(str(e.get("value", "") or ""), env)
    return effective_argv_env(container, image, env)


def effective_argv_env(container: dict, image, env: dict[str, str]) -> list[str]:
    command = container.get("command")
    args = container.get("args")
    entry = list(getattr(image, "entrypoint", []) or [])
    cmd = list(getattr(image, "cmd", []) or [])
    if command:
        argv = list(command) + list(args or [])
    elif args:
        argv = entry + list(args)
    else:
        argv = entry + cmd
    return [expand_k8s(str(a), env) for a in argv]


# -- quantities (just enough for resourceFieldRef) ------------------------------------------
_SUFFIX = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
           "n": 10**-9, "u": 10**-6, "m": 10**-3, "": 1, "k": 10**3, "M": 10**6, "G": 10**9,
           "T": 10**12, "P": 10**15, "E": 10**18}
_QTY = re.compile(r"^([+-]?[0-9.]+)(?:[eE]([+-]?[0-9]+))?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")


def parse_quantity(q) -> float | None:
    """A Kubernetes quantity as a float (``100Mi`` -> 104857600, ``500m`` -> 0.5)."""
    if q is None:
        return None
    if isinstance(q, (int, float)):
        return float(q)
    m = _QTY.match(str(q).strip())
    if not m:
        return None
    from fractions import Fraction
    v = Fraction(m.group(1))
    if m.group(2):
        v *= Fraction(10) ** int(m.group(2))
    v *= Fraction(_SUFFIX[m.group(3) or ""])
    return float(v)


def memory_bytes(q) -> int | None:
    v = parse_quantity(q)
    return None if v is None else int(math.ceil(v))


def _resource_value(container: dict, resource: str, divisor, node_allocatable: dict) -> str:
    kind, _, res = resource.partition(".")
    resources = container.get("resources") or {}
    val = (resources.get(kind) or {}).get(res)
    if val is None and kind == "requests":
        val = (resources.get("limits") or {}).get(res)  # API defaulting: requests = limits
    if val is None and kind == "limits":
        val = node_allocatable.get(res)
    if val is None:
        val = "0"
    v = parse_quantity(val) or 0.0
    d = parse_quantity(divisor if divisor not in (None, "") else "1") or 1.0
    return str(int(math.ceil(v / d - 1e-12)) if v else 0)


def service_env(name: str, ip: str, ports: list) -> dict[str, str]:
    """A Service's variables in a container's environment (``pkg/kubelet/envvars/envvars.go`` ``FromServices``,
    in its order): ``NAME_SERVICE_HOST``, ``NAME_SERVICE_PORT`` (the first port), ``NAME_SERVICE_PORT_<PORTNAME>``
    per named port, then the Docker link variables ``NAME_PORT`` and ``NAME_PORT_<port>_<PROTO>`` with
    ``_PROTO``, ``_PORT``, ``_ADDR`` (``makeEnvVariableName``: upper case, '-' as '_')."""
    prefix = name.upper().replace("-", "_")
    out = {f"{prefix}_SERVICE_HOST": ip, f"{prefix}_SERVICE_PORT": str(ports[0].get("port"))}
    for sp in ports:
        if sp.get("name"):
            out[f"{prefix}_SERVICE_PORT_{sp['name'].upper().replace('-', '_')}"] = str(sp.get("port"))
    for i, sp in enumerate(ports):
        proto = sp.get("protocol") or "TCP"
        url = f"{proto.lower()}://{ip}:{sp.get('port')}"
        if i == 0:
            out[f"{prefix}_PORT"] = url
        pp = f"{prefix}_PORT_{sp.get('port')}_{proto.upper()}"
        out.update({pp: url, pp + "_PROTO": proto.lower(), pp + "_PORT": str(sp.get("port")), pp + "_ADDR": ip})
    return out


# the master Service every container sees (the ``kubernetes`` Service in ``default``, port 443 named https)
_KUBERNETES_ENV = service_env("kubernetes", KUBERNETES_SERVICE_IP,
                              [{"name": "https", "port": 443, "protocol": "TCP"}])


def container_env(container: dict, pod: dict, *, configmaps: dict | None = None, secrets: dict | None = None,
                  node_allocatable: dict | None = None, image=None,
                  service_env: bool = True, services: dict | None = None) -> dict[str, str]:
    """The environment a container's process sees, in a fixed order: image env (PATH ...),
    HOSTNAME, the default ``kubernetes`` Service variables and ``services`` (the other Services' variables),
    ``envFrom`` then ``env`` (spec order;
    ``$(VAR)`` expanded against what is already defined). fieldRef / resourceFieldRef are resolved
    best effort; configMapKeyRef / secretKeyRef / envFrom read ``configmaps`` / ``secrets``
    (name -> data dict; secret data base64 as in the API) and are skipped when absent (the kubelet
    reports CreateContainerConfigError itself)."""
    meta = pod.get("metadata", {}) or {}
    spec = pod.get("spec", {}) or {}
    configmaps = configmaps or {}
    secrets = secrets or {}
    node_allocatable = node_allocatable or {"cpu": "2", "memory": "8Gi", "ephemeral-storage": "100Gi"}
    env: dict[str, str] = {}
    if image is not None:
        env.update(getattr(image, "env", {}) or {})
    env["HOSTNAME"] = spec.get("hostname") or meta.get("name", "") or ""
    if service_env:
        env.update(_KUBERNETES_ENV)
        env.update(services or {})  # the namespace's other Services (engine/kubelet/config.py service_links)

    def secret_value(data: dict, key: str) -> str | None:
        if key not in data:
            return None
        try:
            return base64.b64decode(str(data[key])).decode("utf-8", "replace")
        except Exception:
            return str(data[key])

    for src in container.get("envFrom") or []:
        if not isinstance(src, dict):
            continue
        prefix = src.get("prefix", "") or ""
        if src.get("configMapRef"):
            data = configmaps.get(src["configMapRef"].get("name", ""))
            for k in sorted(data or {}):
                env[prefix + k] = str(data[k])
        elif src.get("secretRef"):
            data = secrets.get(src["secretRef"].get("name", ""))
            for k in sorted(data or {}):
                v = secret_value(data, k)
                if v is not None:
                    env[prefix + k] = v

    for e in container.get("env") or []:
        if not isinstance(e, dict) or "name" not in e:
            continue
        name = e["name"]
        vf = e.get("valueFrom")
        if not vf:
            env[name] = expand_k8s(str(e.get("value", "") or ""), env)
            continue
        val: str | None = None
        if vf.get("fieldRef"):
            val = field_ref(pod, vf["fieldRef"].get("fieldPath", ""))
        elif vf.get("resourceFieldRef"):
            rf = vf["resourceFieldRef"]
            target = container
            cname = rf.get("containerName")
            if cname:
                for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
                    if c.get("name") == cname:
                        target = c
            val = _resource_value(target, rf.get("resource", ""), rf.get("divisor"), node_allocatable)
        elif vf.get("configMapKeyRef"):
            ref = vf["configMapKeyRef"]
            data = configmaps.get(ref.get("name", "")) or {}
            if ref.get("key") in data:
                val = str(data[ref["key"]])
        elif vf.get("secretKeyRef"):
            ref = vf["secretKeyRef"]
            val = secret_value(secrets.get(ref.get("name", "")) or {}, ref.get("key", ""))
        if val is not None:
            env[name] = val
    return env


_SUBSCRIPT = re.compile(r"^metadata\.(labels|annotations)\['(.*)'\]$")


def credentials(container: dict, pod: dict, image=None) -> dict | None:
    """The user, group and supplementary groups the container's processes run with, or None for the image's
    default (root, and the groups ``/etc/group`` gives root).

    ``runAsUser``/``runAsGroup`` of the container's securityContext win over the pod's (kubernetes.io "Configure
    a Security Context for a Pod or Container"); without ``runAsGroup`` the group is 0. The supplementary groups
    are the primary group and those the image's ``/etc/group`` gives the user (containerd's ``WithAdditionalGIDs``),
    then the pod's ``fsGroup`` and ``supplementalGroups`` (kubelet ``determineEffectiveSecurityContext``); the kernel
    keeps them sorted (``setgroups``), which is the order ``id`` prints."""
    psc = (pod.get("spec") or {}).get("securityContext") or {}
    csc = container.get("securityContext") or {}

    def pick(key: str):
        v = csc.get(key, psc.get(key))
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    uid, gid = pick("runAsUser"), pick("runAsGroup")
    fs_group = psc.get("fsGroup") if isinstance(psc.get("fsGroup"), int) else None
    extra = [g for g in (psc.get("supplementalGroups") or []) if isinstance(g, int) and not isinstance(g, bool)]
    if uid is None and gid is None and fs_group is None and not extra:
        return None
    uid = 0 if uid is None else uid
    gid = 0 if gid is None else gid
    accounts = getattr(image, "accounts", None) or {}
    image_groups = (accounts.get("memberships") or {}).get(str(uid), [])
    if psc.get("supplementalGroupsPolicy") == "Strict":  # only the groups the pod names (KEP-3619)
        image_groups = []
    groups = sorted({gid, *image_groups, *([fs_group] if fs_group is not None else []), *extra})
    return {"uid": uid, "gid": gid, "groups": groups}


def field_ref(pod: dict, path: str) -> str | None:
    """Downward API fieldRef values (best effort; missing values -> "")."""
    meta = pod.get("metadata", {}) or {}
    spec = pod.get("spec", {}) or {}
    status = pod.get("status", {}) or {}
    m = _SUBSCRIPT.match(path)
    if m:
        return str((meta.get(m.group(1)) or {}).get(m.group(2), ""))
    simple = {
        "metadata.name": meta.get("name"), "metadata.namespace": meta.get("namespace", "default"),
        "metadata.uid": meta.get("uid"), "spec.nodeName": spec.get("nodeName"),
        "spec.serviceAccountName": spec.get("serviceAccountName") or "default",
        "status.hostIP": status.get("hostIP"), "status.podIP": status.get("podIP"),
    }
    if path in simple:
        return str(simple[path] or "")
    if path in ("status.podIPs", "status.hostIPs"):
        ips = status.get(path.split(".")[1]) or []
        return ",".join(str(x.get("ip", "")) for x in ips if isinstance(x, dict))
    if path in ("metadata.labels", "metadata.annotations"):
        d = meta.get(path.split(".")[1]) or {}
        return "\n".join(f'{k}="{d[k]}"' for k in sorted(d))
    return ""


def volume_files(volume: dict, pod: dict, *, configmaps: dict | None = None, secrets: dict | None = None,
                 container: dict | None = None, node_allocatable: dict | None = None) -> dict[str, str]:
    """Files the kubelet puts into a configMap / secret / downwardAPI / projected volume,
    as ``{relative path: text}`` for ``PodFS.populate``. Missing objects or keys are skipped
    (the kubelet reports mount errors itself). emptyDir/hostPath/PVC volumes give ``{}``."""
    configmaps = configmaps or {}
    secrets = secrets or {}
    node_allocatable = node_allocatable or {"cpu": "2", "memory": "8Gi", "ephemeral-storage": "100Gi"}
    spec = pod.get("spec", {}) or {}
    out: dict[str, str] = {}

    def from_data(data: dict | None, items, decode: bool) -> None:
        if data is None:
            return
        def val(k):
            v = data[k]
            if decode:
                try:
                    return base64.b64decode(str(v)).decode("utf-8", "replace")
                except Exception:
                    return str(v)
            return str(v)
        if items:
            for it in items:
                if isinstance(it, dict) and it.get("key") in data:
                    out[str(it.get("path") or it["key"])] = val(it["key"])
        else:
            for k in sorted(data):
                out[k] = val(k)

    def downward(items) -> None:
        for it in items or []:
            if not isinstance(it, dict) or not it.get("path"):
                continue
            if it.get("fieldRef"):
                v = field_ref(pod, it["fieldRef"].get("fieldPath", ""))
                out[it["path"]] = v if v is not None else ""
            elif it.get("resourceFieldRef"):
                rf = it["resourceFieldRef"]
                target = container or {}
                for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
                    if c.get("name") == rf.get("containerName"):
                        target = c
                out[it["path"]] = _resource_value(target, rf.get("resource", ""), rf.get("divisor"), node_allocatable)

    if volume.get("configMap"):
        cm = volume["configMap"]
        from_data(configmaps.get(cm.get("name", "")), cm.get("items"), False)
    elif volume.get("secret"):
        sc = volume["secret"]
        from_data(secrets.get(sc.get("secretName", "")), sc.get("items"), True)
    elif volume.get("downwardAPI"):
        downward(volume["downwardAPI"].get("items"))
    elif volume.get("projected"):
        for src in volume["projected"].get("sources") or []:
            if not isinstance(src, dict):
                continue
            if src.get("configMap"):
                from_data(configmaps.get(src["configMap"].get("name", "")), src["configMap"].get("items"), False)
            elif src.get("secret"):
                from_data(secrets.get(src["secret"].get("name", "")), src["secret"].get("items"), True)
            elif src.get("downwardAPI"):
                downward(src["downwardAPI"].get("items"))
            elif src.get("serviceAccountToken"):
                path = src["serviceAccountToken"].get("path") or "token"
                out[path] = "eyJhbGciOiJSUzI1NiJ9.simulated-service-account-token.signature"
    return out

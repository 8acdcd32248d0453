"""kubectl describe, in kubectl 1.32's layout: level-indented lines through Go's tabwriter (minwidth 0, padding 2)."""

from __future__ import annotations

from minikctl.kube.timefmt import human_duration, parse_rfc3339, rfc1123z
from minikctl.printers.tabwriter import tabwrite

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140


class Writer:
    """kubectl's PrefixWriter: LEVEL_n indents by 2n spaces; flush() ends every column block."""

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.done: list[str] = []

    def w(self, level: int, text: str) -> None:
        self.chunks.append("  " * level + text)

    def flush(self) -> None:
        self.done.append(tabwrite("".join(self.chunks), minwidth=0, padding=2))
        self.chunks = []

    def text(self) -> str:
        self.flush()
        return "".join(self.done)


def _since(ts: str | None, now_ms: int) -> str:
    if not ts:
        return "<unknown>"
    return human_duration((now_ms - parse_rfc3339(ts)) / 1000.0)


def _time(ts: str | None) -> str:
    return rfc1123z(parse_rfc3339(ts)) if ts else "Mon, 01 Jan 0001 00:00:00 +0000"


def labels_multiline(w: Writer, title: str, labels: dict | None, skip: tuple = ()) -> None:
    w.w(0, f"{title}:\t")
    keys = sorted(k for k in (labels or {}) if k not in skip)
    if not keys:
        w.w(0, "<none>\n")
        return
    for i, k in enumerate(keys):
        if i:
            w.w(0, "\t")
        w.w(0, f"{k}={labels[k]}\n")


def annotations_multiline(w: Writer, title: str, annotations: dict | None) -> None:
    w.w(0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED)
    if not keys:
        w.w(0, "<none>\n")
        return
    for i, key in enumerate(keys):
        if i:
            w.w(0, "\t")
        value = str(annotations[key])
        if value.endswith("\n"):
            value = value[:-1]
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.w(0, f"{key}:\n")
            for s in value.split("\n"):
                if len(s) > MAX_ANNOTATION_LEN - 2:
                    s = s[: MAX_ANNOTATION_LEN - 2] + "..."
                w.w(0, f"\t  {s}\n")
        else:
            w.w(0, f"{key}: {value}\n")


def tolerations_multiline(w: Writer, title: str, tolerations: list | None) -> None:
    w.w(0, f"{title}:\t")
    items = sorted(tolerations or [], key=lambda t: t.get("key", ""))
    if not items:
        w.w(0, "<none>\n")
        return
    for i, t in enumerate(items):
        if i:
            w.w(0, "\t")
        s = t.get("key", "")
        if t.get("value"):
            s += "=" + t["value"]
        if t.get("effect"):
            s += ":" + t["effect"]
        if t.get("operator") == "Exists" and not t.get("value"):
            s += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            s += f" for {t['tolerationSeconds']}s"
        w.w(0, s + "\n")


def probe_text(p: dict) -> str:
    attrs = (f"delay={p.get('initialDelaySeconds', 0)}s timeout={p.get('timeoutSeconds', 0)}s "
             f"period={p.get('periodSeconds', 0)}s #success={p.get('successThreshold', 0)} "
             f"#failure={p.get('failureThreshold', 0)}")
    if "exec" in p:
        return f"exec [{' '.join(str(a) for a in (p['exec'] or {}).get('command') or [])}] {attrs}"
    if "httpGet" in p:
        h = p["httpGet"] or {}
        port = str(h.get("port", ""))
        host = h.get("host", "")
        hostport = (f"[{host}]:{port}" if ":" in host else f"{host}:{port}") if port else host
        return f"http-get {str(h.get('scheme', 'HTTP')).lower()}://{hostport}{h.get('path', '')} {attrs}"
    if "tcpSocket" in p:
        t = p["tcpSocket"] or {}
        return f"tcp-socket {t.get('host', '')}:{t.get('port', '')} {attrs}"
    if "grpc" in p:
        g = p["grpc"] or {}
        return f"grpc <pod>:{g.get('port', '')} {g.get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _state(w: Writer, title: str, state: dict) -> None:
    if "running" in state:
        w.w(2, f"{title}:\tRunning\n")
        w.w(3, f"Started:\t{_time(state['running'].get('startedAt'))}\n")
    elif "terminated" in state:
        t = state["terminated"]
        w.w(2, f"{title}:\tTerminated\n")
        if t.get("reason"):
            w.w(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.w(3, f"Message:\t{t['message']}\n")
        w.w(3, f"Exit Code:\t{t.get('exitCode', 0)}\n")
        if t.get("signal", 0) > 0:
            w.w(3, f"Signal:\t{t['signal']}\n")
        w.w(3, f"Started:\t{_time(t.get('startedAt'))}\n")
        w.w(3, f"Finished:\t{_time(t.get('finishedAt'))}\n")
    else:
        w.w(2, f"{title}:\tWaiting\n")
        reason = (state.get("waiting") or {}).get("reason")
        if reason:
            w.w(3, f"Reason:\t{reason}\n")


def _env_value(pod: dict, container: dict, e: dict) -> str:
    src = e.get("valueFrom") or {}
    if "fieldRef" in src:
        path = src["fieldRef"].get("fieldPath", "")
        value = _field_value(pod, path)
        return f"{value} ({src['fieldRef'].get('apiVersion', 'v1')}:{path})"
    if "resourceFieldRef" in src:
        r = src["resourceFieldRef"]
        resource = r.get("resource", "")
        kind, _, name = resource.partition(".")
        value = ((container.get("resources") or {}).get(kind) or {}).get(name)
        if value is None:
            value = "node allocatable" if resource in ("limits.cpu", "limits.memory") else ""
        return f"{value} ({resource})"
    if "secretKeyRef" in src:
        s = src["secretKeyRef"]
        return f"<set to the key '{s.get('key', '')}' in secret '{s.get('name', '')}'>\tOptional: {str(bool(s.get('optional'))).lower()}"
    if "configMapKeyRef" in src:
        s = src["configMapKeyRef"]
        return f"<set to the key '{s.get('key', '')}' of config map '{s.get('name', '')}'>\tOptional: {str(bool(s.get('optional'))).lower()}"
    return ""


def _field_value(pod: dict, path: str) -> str:
    meta = pod.get("metadata") or {}
    if path.startswith("metadata.labels['") or path.startswith("metadata.annotations['"):
        which = "labels" if ".labels" in path else "annotations"
        key = path.split("['", 1)[1].rstrip("']")
        return str((meta.get(which) or {}).get(key, ""))
    table = {
        "metadata.name": meta.get("name", ""),
        "metadata.namespace": meta.get("namespace", ""),
        "metadata.uid": meta.get("uid", ""),
        "spec.nodeName": (pod.get("spec") or {}).get("nodeName", ""),
        "spec.serviceAccountName": (pod.get("spec") or {}).get("serviceAccountName", ""),
        "status.hostIP": (pod.get("status") or {}).get("hostIP", ""),
        "status.podIP": (pod.get("status") or {}).get("podIP", ""),
    }
    return str(table.get(path, ""))


def _containers(w: Writer, title: str, pod: dict, containers: list, statuses: list, notes: dict) -> None:
    w.w(0, f"{title}:{'' if containers else ' <none>'}\n")
    by_name = {s.get("name"): s for s in statuses or []}
    for ctr in containers:
        st = by_name.get(ctr.get("name"))
        w.w(1, f"{ctr.get('name', '')}:\n")
        if st is not None:
            w.w(2, f"Container ID:\t{st.get('containerID', '')}\n")
        w.w(2, f"Image:\t{ctr.get('image', '')}\n")
        if st is not None:
            w.w(2, f"Image ID:\t{st.get('imageID', '')}\n")
        ports = ", ".join(f"{p.get('containerPort')}/{p.get('protocol', 'TCP')}" for p in ctr.get("ports") or [])
        host_ports = ", ".join(f"{p.get('hostPort', 0)}/{p.get('protocol', 'TCP')}" for p in ctr.get("ports") or [])
        w.w(2, f"Ports:\t{ports}\n" if "," in ports else f"Port:\t{ports or '<none>'}\n")
        w.w(2, f"Host Ports:\t{host_ports}\n" if "," in host_ports else f"Host Port:\t{host_ports or '<none>'}\n")
        for key, label in (("command", "Command"), ("args", "Args")):
            if ctr.get(key):
                w.w(2, f"{label}:\n")
                for item in ctr[key]:
                    for line in str(item).split("\n"):
                        w.w(3, line + "\n")
        if st is not None:
            _state(w, "State", st.get("state") or {})
            last = st.get("lastState") or {}
            if last.get("terminated"):
                _state(w, "Last State", last)
            w.w(2, f"Ready:\t{'True' if st.get('ready') else 'False'}\n")
            w.w(2, f"Restart Count:\t{st.get('restartCount', 0)}\n")
        resources = ctr.get("resources") or {}
        for key, label in (("limits", "Limits"), ("requests", "Requests")):
            if resources.get(key):
                w.w(2, f"{label}:\n")
                for name in sorted(resources[key]):
                    w.w(3, f"{name}:\t{_quantity(resources[key][name])}\n")
        for key, label in (("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"), ("startupProbe", "Startup")):
            if ctr.get(key):
                w.w(2, f"{label}:\t{probe_text(ctr[key])}\n")
        if ctr.get("envFrom"):
            w.w(2, "Environment Variables from:\n")
            for e in ctr["envFrom"]:
                ref = e.get("configMapRef") or e.get("secretRef") or {}
                src = "ConfigMap" if "configMapRef" in e else "Secret"
                opt = str(bool(ref.get("optional"))).lower()
                prefix = f" with prefix '{e['prefix']}'" if e.get("prefix") else ""
                w.w(3, f"{ref.get('name', '')}\t{src}{prefix}\tOptional: {opt}\n")
        env = ctr.get("env") or []
        w.w(2, "Environment:" + ("\t<none>" if not env else "") + "\n")
        for e in env:
            if "valueFrom" not in e:
                for i, line in enumerate(str(e.get("value", "")).split("\n")):
                    w.w(3, f"{e.get('name', '')}:\t{line}\n" if i == 0 else f"\t{line}\n")
            else:
                w.w(3, f"{e.get('name', '')}:\t{_env_value(pod, ctr, e)}\n")
        mounts = sorted(ctr.get("volumeMounts") or [], key=lambda m: m.get("mountPath", ""))
        w.w(2, "Mounts:" + ("\t<none>" if not mounts else "") + "\n")
        for m in mounts:
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w.w(3, f"{m.get('mountPath', '')} from {m.get('name', '')} ({','.join(flags)})\n")
        for note in notes.get(ctr.get("name"), []):
            w.w(2, f"Simulated:\t{note}\n")


def _quantity(value) -> str:
    try:
        from minikctl.kube.quantity import canonical

        return canonical(value)
    except (ValueError, ImportError):
        return str(value)


def _text(default: str = ""):
    return lambda v: default if v in (None, "") else str(v)


def _bool(v) -> str:
    return str(bool(v)).lower()


# describeVolumes: per volume source, kubectl's type line and its (label, field, format) lines
_VOLUME_SOURCES = (
    ("hostPath", "HostPath (bare host directory volume)",
     (("Path", "path", _text()), ("HostPathType", "type", _text("<none>")))),
    ("emptyDir", "EmptyDir (a temporary directory that shares a pod's lifetime)",
     (("Medium", "medium", _text()), ("SizeLimit", "sizeLimit", _text("<unset>")))),
    ("configMap", "ConfigMap (a volume populated by a ConfigMap)",
     (("Name", "name", _text()), ("Optional", "optional", _bool))),
    ("secret", "Secret (a volume populated by a Secret)",
     (("SecretName", "secretName", _text()), ("Optional", "optional", _bool))),
    ("persistentVolumeClaim", "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
     (("ClaimName", "claimName", _text()), ("ReadOnly", "readOnly", _bool))),
    ("downwardAPI", "DownwardAPI (a volume populated by information about the pod)", ()),
    ("nfs", "NFS (an NFS mount that lasts the lifetime of a pod)",
     (("Server", "server", _text()), ("Path", "path", _text()), ("ReadOnly", "readOnly", _bool))),
)


def _volumes(w: Writer, volumes: list) -> None:
    if not volumes:
        w.w(0, "Volumes:\t<none>\n")
        return
    w.w(0, "Volumes:\n")
    for v in volumes:
        w.w(1, f"{v.get('name', '')}:\n")
        for key, title, lines in _VOLUME_SOURCES:
            if key in v:
                source = v[key] or {}
                w.w(2, f"Type:\t{title}\n")
                for label, field, fmt in lines:
                    w.w(2, f"{label}:\t{fmt(source.get(field))}\n")
                break
        else:
            if "projected" in v:
                _projected(w, v["projected"] or {})
            else:
                w.w(1, "<unknown>\n")


def _projected(w: Writer, projected: dict) -> None:
    w.w(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
    for src in projected.get("sources") or []:
        if "secret" in src:
            w.w(2, f"SecretName:\t{src['secret'].get('name', '')}\n")
            w.w(2, f"SecretOptionalName:\t{_opt(src['secret'].get('optional'))}\n")
        elif "downwardAPI" in src:
            w.w(2, "DownwardAPI:\ttrue\n")
        elif "configMap" in src:
            w.w(2, f"ConfigMapName:\t{src['configMap'].get('name', '')}\n")
            w.w(2, f"ConfigMapOptional:\t{_opt(src['configMap'].get('optional'))}\n")
        elif "serviceAccountToken" in src:
            w.w(2, f"TokenExpirationSeconds:\t{src['serviceAccountToken'].get('expirationSeconds', 3600)}\n")


def _opt(value) -> str:
    return "<nil>" if value is None else str(bool(value)).lower()


def events_section(w: Writer, events: list[dict], now_ms: int) -> None:
    if not events:
        w.w(0, "Events:\t<none>\n")
        return
    w.flush()
    w.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.w(1, "----\t------\t----\t----\t-------\n")
    for e in sorted(events, key=lambda e: parse_rfc3339(e["lastTimestamp"]) if e.get("lastTimestamp") else 0):
        first = _since(e.get("firstTimestamp"), now_ms)
        count = e.get("count", 1) or 1
        interval = f"{_since(e.get('lastTimestamp'), now_ms)} (x{count} over {first})" if count > 1 else first
        source = (e.get("source") or {}).get("component") or e.get("reportingComponent", "")
        w.w(1, f"{e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t{(e.get('message') or '').strip()}\n")


def describe_pod(pod: dict, events: list[dict], now_ms: int, notes: dict | None = None) -> str:
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    meta = pod.get("metadata") or {}
    w = Writer()
    w.w(0, f"Name:\t{meta.get('name', '')}\n")
    w.w(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.w(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.w(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.w(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.w(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    node = spec.get("nodeName")
    w.w(0, f"Node:\t{node}/{status.get('hostIP', '')}\n" if node else "Node:\t<none>\n")
    if status.get("startTime"):
        w.w(0, f"Start Time:\t{_time(status['startTime'])}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    phase = status.get("phase", "")
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.w(0, f"Status:\tTerminating (lasts {_since(meta['deletionTimestamp'], now_ms)})\n")
        w.w(0, f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 0)}s\n")
    else:
        w.w(0, f"Status:\t{phase}\n")
    if status.get("reason"):
        w.w(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.w(0, f"Message:\t{status['message']}\n")
    seccomp = (spec.get("securityContext") or {}).get("seccompProfile")
    if seccomp:
        w.w(0, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("localhostProfile"):
            w.w(0, f"LocalhostProfile:\t{seccomp['localhostProfile']}\n")
    w.w(0, f"IP:\t{status.get('podIP', '')}\n")
    ips = status.get("podIPs") or []
    if not ips:
        w.w(0, "IPs:\t<none>\n")
    else:
        w.w(0, "IPs:\n")
        for ip in ips:
            w.w(1, f"IP:\t{ip.get('ip', '')}\n")
    for ref in meta.get("ownerReferences") or []:
        if ref.get("controller"):
            w.w(0, f"Controlled By:\t{ref.get('kind')}/{ref.get('name')}\n")
            break
    if status.get("nominatedNodeName"):
        w.w(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    notes = notes or {}
    if spec.get("initContainers"):
        _containers(w, "Init Containers", pod, spec["initContainers"], status.get("initContainerStatuses"), notes)
    _containers(w, "Containers", pod, spec.get("containers") or [], status.get("containerStatuses"), notes)
    conditions = status.get("conditions") or []
    if spec.get("readinessGates"):
        w.w(0, "Readiness Gates:\n  Type\tStatus\n")
        for g in spec["readinessGates"]:
            value = next((c.get("status") for c in conditions if c.get("type") == g.get("conditionType")), "<none>")
            w.w(1, f"{g.get('conditionType', '')} \t{value} \n")
    if conditions:
        w.w(0, "Conditions:\n  Type\tStatus\n")
        for cnd in conditions:
            w.w(1, f"{cnd.get('type', '')} \t{cnd.get('status', '')} \n")
    _volumes(w, spec.get("volumes") or [])
    w.w(0, f"QoS Class:\t{status.get('qosClass', '')}\n")
    labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    events_section(w, events, now_ms)
    return w.text()


def describe_namespace(ns: dict, now_ms: int) -> str:
    meta = ns.get("metadata") or {}
    w = Writer()
    w.w(0, f"Name:\t{meta.get('name', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(0, f"Status:\t{(ns.get('status') or {}).get('phase', 'Active')}\n")
    w.w(0, "\nNo resource quota.\n\nNo LimitRange resource.\n")
    return w.text()


def describe_node(node: dict, events: list[dict], now_ms: int) -> str:
    meta = node.get("metadata") or {}
    status = node.get("status") or {}
    w = Writer()
    w.w(0, f"Name:\t{meta.get('name', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(0, f"CreationTimestamp:\t{_time(meta.get('creationTimestamp'))}\n")
    taints = (node.get("spec") or {}).get("taints") or []
    w.w(0, "Taints:\t" + ("<none>\n" if not taints else ""))
    for i, t in enumerate(taints):
        if i:
            w.w(0, "\t")
        w.w(0, f"{t.get('key', '')}{'=' + t['value'] if t.get('value') else ''}:{t.get('effect', '')}\n")
    w.w(0, f"Unschedulable:\t{str(bool((node.get('spec') or {}).get('unschedulable'))).lower()}\n")
    if status.get("conditions"):
        w.w(0, "Conditions:\n  Type\tStatus\tReason\tMessage\n  ----\t------\t------\t-------\n")
        for c in status["conditions"]:
            w.w(1, f"{c.get('type', '')} \t{c.get('status', '')} \t{c.get('reason', '')} \t{c.get('message', '')}\n")
    w.w(0, "Addresses:\n")
    for a in status.get("addresses") or []:
        w.w(1, f"{a.get('type', '')}:\t{a.get('address', '')}\n")
    for key, label in (("capacity", "Capacity"), ("allocatable", "Allocatable")):
        if status.get(key):
            w.w(0, f"{label}:\n")
            for name in sorted(status[key]):
                w.w(1, f"{name}:\t{status[key][name]}\n")
    events_section(w, events, now_ms)
    return w.text()

"""kubectl describe, in kubectl 1.32's layout: level-indented lines through Go's tabwriter (minwidth 0, padding 2).

The pieces the describers share (staging/src/k8s.io/kubectl/pkg/describe/describe.go, v1.32) live here: the
PrefixWriter, labels/annotations/tolerations blocks, the container printing of describeContainers (used by the pod
describer and by DescribePodTemplate alike), describeVolumes, DescribePodTemplate and DescribeEvents.  The workload
and config describers are in describe_workloads.py and describe_config.py.
"""

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
        """PrefixWriter.Write: the level's indent, then the text through printers.WriteEscaped (ESC and CR are
        shown as ``^[`` and ``\\r`` so an object cannot drive the terminal)."""
        line = "  " * level + text
        if "\x1b" in line or "\r" in line:
            line = line.replace("\x1b", "^[").replace("\r", "\\r")
        self.chunks.append(line)

    def flush(self) -> None:
        self.done.append(tabwrite("".join(self.chunks), minwidth=0, padding=2))
        self.chunks = []

    def text(self) -> str:
        self.flush()
        return "".join(self.done)


def _since(ts: str | None, now_ms: int) -> str:
    """translateTimestampSince / translateMicroTimestampSince."""
    if not ts:
        return "<unknown>"
    return human_duration((now_ms - parse_rfc3339(ts)) / 1000.0)


def time_text(ts: str | None) -> str:
    """A metav1.Time formatted with time.RFC1123Z (the zero time when unset)."""
    return rfc1123z(parse_rfc3339(ts)) if ts else "Mon, 01 Jan 0001 00:00:00 +0000"


def bool_text(value) -> str:
    """printBool: ``True``/``False``."""
    return "True" if value else "False"


def bool_ptr(value) -> str:
    """printBoolPtr: ``<unset>`` for a nil *bool."""
    return "<unset>" if value is None else bool_text(value)


def go_bool(value) -> str:
    """A Go bool through %v / %t: ``true``/``false``."""
    return "true" if value else "false"


def controlled_by(obj: dict) -> str:
    """printController: ``Kind/name`` of the controller owner reference, empty without one."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return f"{ref.get('kind', '')}/{ref.get('name', '')}"
    return ""


def labels_multiline(w: Writer, title: str, labels: dict | None, skip: tuple = ()) -> None:
    """printLabelsMultiline: ``title:\\t`` then the sorted ``k=v`` lines, ``<none>`` without any."""
    w.w(0, f"{title}:\t")
    keys = sorted(k for k in (labels or {}) if k not in skip)
    if not keys:
        w.w(0, "<none>\n")
        return
    for i, k in enumerate(keys):
        if i:
            w.w(0, "\t")
        w.w(0, f"{k}={labels[k]}\n")


def _byte_len(s: str) -> int:
    return len(s) if s.isascii() else len(s.encode("utf-8"))


def _shorten(s: str, max_len: int) -> str:
    """shorten(): Go slices the string's bytes."""
    if _byte_len(s) <= max_len:
        return s
    if s.isascii():
        return s[:max_len] + "..."
    return s.encode("utf-8")[:max_len].decode("utf-8", errors="replace") + "..."


def annotations_multiline(w: Writer, title: str, annotations: dict | None) -> None:
    """printAnnotationsMultiline: last-applied-configuration skipped; long (> 140 bytes with the key) or multi-line
    values on their own lines, each cut at 138 bytes."""
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
        if _byte_len(value) + _byte_len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.w(0, f"{key}:\n")
            for s in value.split("\n"):
                w.w(0, f"\t  {_shorten(s, MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.w(0, f"{key}: {value}\n")


def tolerations_multiline(w: Writer, title: str, tolerations: list | None) -> None:
    """printPodTolerationsMultiline."""
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


def topology_spread_constraints(w: Writer, constraints: list | None, space: str) -> None:
    """describeTopologySpreadConstraints: nothing without constraints; sorted by topologyKey."""
    if not constraints:
        return
    from minikctl.kube.selectors import format_label_selector

    w.w(0, f"{space}Topology Spread Constraints:\t")
    for i, tsc in enumerate(sorted(constraints, key=lambda c: c.get("topologyKey", ""))):
        if i:
            w.w(0, space + "\t")
        line = f"{tsc.get('topologyKey', '')}:{tsc.get('whenUnsatisfiable', '')} when max skew {tsc.get('maxSkew', 0)} is exceeded"
        if tsc.get("labelSelector") is not None:
            line += f" for selector {format_label_selector(tsc['labelSelector'])}"
        w.w(0, line + "\n")


def probe_text(p: dict) -> str:
    """DescribeProbe."""
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
        # url.URL{Scheme, Host, Path}.String(); the server defaults the scheme to HTTP
        scheme = str(h.get("scheme") or "").lower()
        path = str(h.get("path") or "")
        url = f"{scheme}:" if scheme else ""
        if (scheme or hostport) and (hostport or path):
            url += "//" + hostport
        if path and not path.startswith("/") and hostport:
            url += "/"
        return f"http-get {url}{path} {attrs}"
    if "tcpSocket" in p:
        t = p["tcpSocket"] or {}
        return f"tcp-socket {t.get('host', '')}:{t.get('port', '')} {attrs}"
    if "grpc" in p:
        g = p["grpc"] or {}
        return f"grpc <pod>:{g.get('port', '')} {g.get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _state(w: Writer, title: str, state: dict) -> None:
    """describeStatus."""
    if "running" in state:
        w.w(2, f"{title}:\tRunning\n")
        w.w(3, f"Started:\t{time_text((state['running'] or {}).get('startedAt'))}\n")
    elif "waiting" in state:
        w.w(2, f"{title}:\tWaiting\n")
        reason = (state.get("waiting") or {}).get("reason")
        if reason:
            w.w(3, f"Reason:\t{reason}\n")
    elif "terminated" in state:
        t = state["terminated"] or {}
        w.w(2, f"{title}:\tTerminated\n")
        if t.get("reason"):
            w.w(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.w(3, f"Message:\t{t['message']}\n")
        w.w(3, f"Exit Code:\t{t.get('exitCode', 0)}\n")
        if t.get("signal", 0) > 0:
            w.w(3, f"Signal:\t{t['signal']}\n")
        w.w(3, f"Started:\t{time_text(t.get('startedAt'))}\n")
        w.w(3, f"Finished:\t{time_text(t.get('finishedAt'))}\n")
    else:
        w.w(2, f"{title}:\tWaiting\n")


def _quantity_value(value, milli: bool) -> int:
    """Quantity.MilliValue() / Value(): the value scaled and rounded up (0 when unset)."""
    if value is None:
        return 0
    import math

    from minikctl.kube.quantity import parse_quantity

    v = parse_quantity(value)
    return math.ceil(v * 1000 if milli else v)


def resource_field_value(container: dict, ref: dict) -> str:
    """resourcehelper.ExtractContainerResourceValue: the container's limit or request, divided by the divisor
    (``1`` when unset or zero) and rounded up; empty for an unsupported resource."""
    resource = ref.get("resource", "")
    kind, _, name = resource.partition(".")
    if kind not in ("limits", "requests") or not (name in ("cpu", "memory", "ephemeral-storage")
                                                  or name.startswith("hugepages-")):
        return ""
    value = ((container.get("resources") or {}).get(kind) or {}).get(name)
    try:
        divisor = ref.get("divisor")
        cpu = name == "cpu"
        div = _quantity_value(divisor, cpu) if divisor is not None else 0
        if not div:
            div = 1000 if cpu else 1
        import math

        return str(math.ceil(_quantity_value(value, cpu) / div))
    except (ValueError, ZeroDivisionError):
        return ""


def _env_value(container: dict, e: dict, resolve) -> str:
    """One valueFrom env var of describeContainerEnvVars (the text after ``NAME:\\t``)."""
    src = e.get("valueFrom") or {}
    if "fieldRef" in src:
        ref = src["fieldRef"] or {}
        value = resolve(e) if resolve else ""
        return f"{value} ({ref.get('apiVersion', '')}:{ref.get('fieldPath', '')})"
    if "resourceFieldRef" in src:
        ref = src["resourceFieldRef"] or {}
        resource = ref.get("resource", "")
        value = resource_field_value(container, ref)
        if value == "0" and resource in ("limits.cpu", "limits.memory"):
            value = "node allocatable"
        return f"{value} ({resource})"
    if "secretKeyRef" in src:
        s = src["secretKeyRef"] or {}
        return f"<set to the key '{s.get('key', '')}' in secret '{s.get('name', '')}'>\tOptional: {go_bool(s.get('optional'))}"
    if "configMapKeyRef" in src:
        s = src["configMapKeyRef"] or {}
        return f"<set to the key '{s.get('key', '')}' of config map '{s.get('name', '')}'>\tOptional: {go_bool(s.get('optional'))}"
    return None


def pod_field_resolver(pod: dict):
    """EnvValueRetriever(pod): kubectl converts the field path with its own scheme, which has no field-label
    conversion for Pods, so only the default one applies: ``metadata.name`` and ``metadata.namespace`` resolve
    (whatever the fieldRef's apiVersion), every other path prints empty."""
    meta = pod.get("metadata") or {}

    def resolve(e: dict) -> str:
        ref = (e.get("valueFrom") or {}).get("fieldRef") or {}
        if str(ref.get("apiVersion") or "").count("/") > 1:  # schema.ParseGroupVersion fails
            return ""
        path = ref.get("fieldPath", "")
        if path in ("metadata.name", "metadata.namespace"):
            return str(meta.get(path.split(".", 1)[1], ""))
        return ""
    return resolve


def describe_resources(w: Writer, resources: dict | None, level: int) -> None:
    """describeResources: Limits then Requests, resource names sorted."""
    resources = resources or {}
    for key, label in (("limits", "Limits"), ("requests", "Requests")):
        if resources.get(key):
            w.w(level, f"{label}:\n")
            for name in sorted(resources[key]):
                w.w(level + 1, f"{name}:\t{quantity_text(resources[key][name])}\n")


def describe_containers(w: Writer, label: str, containers: list, statuses: list | None, resolve, space: str = "",
                        notes: dict | None = None) -> None:
    """describeContainers, shared by the pod describer (space "", statuses, a field resolver) and DescribePodTemplate
    (space "  ", no statuses: no IDs, states or restart counts; fieldRef values empty).  ``notes`` adds minikctl's
    ``Simulated:`` lines under a pod's containers."""
    w.w(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    by_name = {s.get("name"): s for s in statuses or []}
    name_indent = " " if space else ""
    notes = notes or {}
    for ctr in containers:
        st = by_name.get(ctr.get("name"))
        w.w(1, f"{name_indent}{ctr.get('name', '')}:\n")
        if st is not None:
            w.w(2, f"Container ID:\t{st.get('containerID', '')}\n")
        w.w(2, f"Image:\t{ctr.get('image', '')}\n")
        if st is not None:
            w.w(2, f"Image ID:\t{st.get('imageID', '')}\n")
        ports = ", ".join(f"{p.get('containerPort', 0)}/{p.get('protocol', '')}" for p in ctr.get("ports") or [])
        host_ports = ", ".join(f"{p.get('hostPort', 0)}/{p.get('protocol', '')}" for p in ctr.get("ports") or [])
        w.w(2, f"Ports:\t{ports}\n" if "," in ports else f"Port:\t{ports or '<none>'}\n")
        w.w(2, f"Host Ports:\t{host_ports}\n" if "," in host_ports else f"Host Port:\t{host_ports or '<none>'}\n")
        seccomp = (ctr.get("securityContext") or {}).get("seccompProfile")
        if seccomp is not None:
            w.w(2, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
            if seccomp.get("type") == "Localhost":
                w.w(3, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
        for key, title in (("command", "Command"), ("args", "Args")):
            if ctr.get(key):
                w.w(2, f"{title}:\n")
                for item in ctr[key]:
                    for line in str(item).split("\n"):
                        w.w(3, line + "\n")
        if st is not None:
            _state(w, "State", st.get("state") or {})
            last = st.get("lastState") or {}
            if last.get("terminated"):
                _state(w, "Last State", last)
            w.w(2, f"Ready:\t{bool_text(st.get('ready'))}\n")
            w.w(2, f"Restart Count:\t{st.get('restartCount', 0)}\n")
        describe_resources(w, ctr.get("resources"), 2)
        for key, title in (("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"), ("startupProbe", "Startup")):
            if ctr.get(key):
                w.w(2, f"{title}:\t{probe_text(ctr[key])}\n")
        if ctr.get("envFrom"):
            w.w(2, "Environment Variables from:\n")
            for e in ctr["envFrom"]:
                if e.get("configMapRef") is not None:
                    ref, src = e["configMapRef"] or {}, "ConfigMap"
                elif e.get("secretRef") is not None:
                    ref, src = e["secretRef"] or {}, "Secret"
                else:
                    ref, src = {}, ""
                prefix = f" with prefix '{e['prefix']}'" if e.get("prefix") else ""
                w.w(3, f"{ref.get('name', '')}\t{src}{prefix}\tOptional: {go_bool(ref.get('optional'))}\n")
        env = ctr.get("env") or []
        w.w(2, "Environment:" + ("\t<none>" if not env else "") + "\n")
        for e in env:
            if e.get("valueFrom") is None:
                for i, line in enumerate(str(e.get("value", "")).split("\n")):
                    w.w(3, f"{e.get('name', '')}:\t{line}\n" if i == 0 else f"\t{line}\n")
                continue
            value = _env_value(ctr, e, resolve)
            if value is not None:
                w.w(3, f"{e.get('name', '')}:\t{value}\n")
        mounts = ctr.get("volumeMounts") or []
        none = "\t<none>" if not mounts else ""
        w.w(2, f"Mounts:{none}\n")
        for m in sorted(mounts, key=lambda m: m.get("mountPath", "")):
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                from minikctl.kube import gofmt

                flags.append(f"path={gofmt.quote(m['subPath'])}")
            w.w(3, f"{m.get('mountPath', '')} from {m.get('name', '')} ({','.join(flags)})\n")
        if ctr.get("volumeDevices"):
            w.w(2, f"Devices:{none}\n")
            for d in sorted(ctr["volumeDevices"], key=lambda d: d.get("devicePath", "")):
                w.w(3, f"{d.get('devicePath', '')} from {d.get('name', '')}\n")
        for note in notes.get(ctr.get("name"), []):
            w.w(2, f"Simulated:\t{note}\n")


def quantity_text(value) -> str:
    try:
        from minikctl.kube.quantity import canonical

        return canonical(value)
    except (ValueError, ImportError):
        return str(value)


def _text(default: str = ""):
    """A string field; ``default`` for a nil pointer (an empty string prints as it is)."""
    return lambda v: default if v is None else str(v)


def _bool(v) -> str:
    return str(bool(v)).lower()


def _size_limit(v) -> str:
    """EmptyDir's SizeLimit: the quantity when set and above zero, else <unset>."""
    if v in (None, ""):
        return "<unset>"
    try:
        from minikctl.kube.quantity import parse_quantity

        if parse_quantity(v) <= 0:
            return "<unset>"
    except (ValueError, ImportError):
        pass
    return quantity_text(v)


# describeVolumes: per volume source, kubectl's type line and its (label, field, format) lines
_VOLUME_SOURCES = (
    ("hostPath", "HostPath (bare host directory volume)",
     (("Path", "path", _text()), ("HostPathType", "type", _text("<none>")))),
    ("emptyDir", "EmptyDir (a temporary directory that shares a pod's lifetime)",
     (("Medium", "medium", _text()), ("SizeLimit", "sizeLimit", _size_limit))),
    ("secret", "Secret (a volume populated by a Secret)",
     (("SecretName", "secretName", _text()), ("Optional", "optional", _bool))),
    ("configMap", "ConfigMap (a volume populated by a ConfigMap)",
     (("Name", "name", _text()), ("Optional", "optional", _bool))),
    ("nfs", "NFS (an NFS mount that lasts the lifetime of a pod)",
     (("Server", "server", _text()), ("Path", "path", _text()), ("ReadOnly", "readOnly", _bool))),
    ("persistentVolumeClaim", "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
     (("ClaimName", "claimName", _text()), ("ReadOnly", "readOnly", _bool))),
    ("image", "Image (a container image or OCI artifact)",
     (("Reference", "reference", _text()), ("PullPolicy", "pullPolicy", _text()))),
)


def describe_volumes(w: Writer, volumes: list | None, space: str = "") -> None:
    """describeVolumes (the sources minikctl knows; any other prints ``<unknown>`` as kubectl does for none)."""
    if not volumes:
        w.w(0, f"{space}Volumes:\t<none>\n")
        return
    w.w(0, f"{space}Volumes:\n")
    name_indent = " " if space else ""
    for v in volumes:
        w.w(1, f"{name_indent}{v.get('name', '')}:\n")
        for key, title, lines in _VOLUME_SOURCES:
            if v.get(key) is not None:
                source = v[key] or {}
                w.w(2, f"Type:\t{title}\n")
                for label, field, fmt in lines:
                    w.w(2, f"{label}:\t{fmt(source.get(field))}\n")
                break
        else:
            if v.get("downwardAPI") is not None:
                w.w(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n")
                w.w(2, "Items:\n")
                for item in (v["downwardAPI"] or {}).get("items") or []:
                    if item.get("fieldRef") is not None:
                        w.w(3, f"{(item['fieldRef'] or {}).get('fieldPath', '')} -> {item.get('path', '')}\n")
                    if item.get("resourceFieldRef") is not None:
                        w.w(3, f"{(item['resourceFieldRef'] or {}).get('resource', '')} -> {item.get('path', '')}\n")
            elif v.get("projected") is not None:
                _projected(w, v["projected"] or {})
            elif v.get("csi") is not None:
                csi = v["csi"] or {}
                w.w(2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n")
                w.w(2, f"Driver:\t{csi.get('driver', '')}\n")
                w.w(2, f"FSType:\t{csi.get('fsType') or ''}\n")
                w.w(2, f"ReadOnly:\t{_bool(csi.get('readOnly'))}\n")
                _csi_attributes(w, csi.get("volumeAttributes"))
            else:
                w.w(1, "<unknown>\n")


def _csi_attributes(w: Writer, attributes: dict | None) -> None:
    """printCSIPersistentVolumeAttributesMultiline."""
    w.w(2, "VolumeAttributes:\t")
    if not attributes:
        w.w(0, "<none>\n")
        return
    for i, key in enumerate(sorted(attributes)):
        if i:
            w.w(2, "")
            w.w(2, "\t")
        line = f"{key}={attributes[key]}"
        w.w(2, f"{line[:MAX_ANNOTATION_LEN]}...\n" if len(line) > MAX_ANNOTATION_LEN else f"{line}\n")


def _projected(w: Writer, projected: dict) -> None:
    w.w(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
    for src in projected.get("sources") or []:
        if src.get("secret") is not None:
            w.w(2, f"SecretName:\t{src['secret'].get('name', '')}\n")
            w.w(2, f"SecretOptionalName:\t{_opt(src['secret'].get('optional'))}\n")
        elif src.get("downwardAPI") is not None:
            w.w(2, "DownwardAPI:\ttrue\n")
        elif src.get("configMap") is not None:
            w.w(2, f"ConfigMapName:\t{src['configMap'].get('name', '')}\n")
            w.w(2, f"ConfigMapOptional:\t{_opt(src['configMap'].get('optional'))}\n")
        elif src.get("serviceAccountToken") is not None:
            w.w(2, f"TokenExpirationSeconds:\t{src['serviceAccountToken'].get('expirationSeconds', 3600)}\n")


def _opt(value) -> str:
    return "<nil>" if value is None else str(bool(value)).lower()


def describe_pod_template(w: Writer, template: dict | None) -> None:
    """DescribePodTemplate: the template's labels, annotations (only when it has some), service account, containers
    (no statuses), volumes, topology spread constraints, priority class, node selectors and tolerations, all indented
    under ``Pod Template:``."""
    w.w(0, "Pod Template:\n")
    if template is None:
        w.w(1, "<unset>")
        return
    meta = template.get("metadata") or {}
    spec = template.get("spec") or {}
    labels_multiline(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        annotations_multiline(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.w(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], None, None, "  ")
    describe_containers(w, "Containers", spec.get("containers") or [], None, None, "  ")
    describe_volumes(w, spec.get("volumes"), "  ")
    topology_spread_constraints(w, spec.get("topologySpreadConstraints"), "  ")
    if spec.get("priorityClassName"):
        w.w(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "  Tolerations", spec.get("tolerations"))


def _event_time(e: dict) -> int:
    """lastTimestamp in ms; the zero time (year 1) when unset."""
    return parse_rfc3339(e["lastTimestamp"]) if e.get("lastTimestamp") else -62135596800000


def sort_events(events: list[dict]) -> list[dict]:
    """sort.Sort(event.SortableEvents(...)) (kubectl pkg/util/event): Less is LastTimestamp.Before, the sort Go's
    pdqsort, started from the order the server listed them in (namespace, name). Up to 12 events ties keep that
    order; beyond, they come out as Go's sort leaves them."""
    from minikctl.printers.gosort import go_sort

    keyed = [(_event_time(e), e) for e in events]
    go_sort(keyed, lambda a, b: a[0] < b[0])
    return [e for _, e in keyed]


def describe_events(w: Writer, events: list[dict] | None, now_ms: int) -> None:
    """DescribeEvents: sorted by lastTimestamp (``sort_events``); Age is the first time seen (eventTime, else
    firstTimestamp), with ``(xN over …)`` for a series or a count above one; From is source.component, else
    reportingComponent."""
    if not events:
        w.w(0, "Events:\t<none>\n")
        return
    w.flush()
    w.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.w(1, "----\t------\t----\t----\t-------\n")
    for e in sort_events(events):
        first = _since(e.get("eventTime") or e.get("firstTimestamp"), now_ms)
        series = e.get("series")
        count = e.get("count") or 0
        if series is not None:
            interval = f"{_since(series.get('lastObservedTime'), now_ms)} (x{series.get('count', 0)} over {first})"
        elif count > 1:
            interval = f"{_since(e.get('lastTimestamp'), now_ms)} (x{count} over {first})"
        else:
            interval = first
        source = (e.get("source") or {}).get("component") or e.get("reportingComponent", "")
        w.w(1, f"{e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t{(e.get('message') or '').strip()}\n")



def describe_pod(pod: dict, events: list[dict] | None, now_ms: int, notes: dict | None = None) -> str:
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
        w.w(0, f"Start Time:\t{time_text(status['startTime'])}\n")
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
        if seccomp.get("type") == "Localhost":
            w.w(0, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
    w.w(0, f"IP:\t{status.get('podIP', '')}\n")
    ips = status.get("podIPs") or []
    if not ips:
        w.w(0, "IPs:\t<none>\n")
    else:
        w.w(0, "IPs:\n")
        for ip in ips:
            w.w(1, f"IP:\t{ip.get('ip', '')}\n")
    owner = controlled_by(pod)
    if owner:
        w.w(0, f"Controlled By:\t{owner}\n")
    if status.get("nominatedNodeName"):
        w.w(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("resources") is not None:
        w.w(0, "Resources:\n")
        describe_resources(w, spec["resources"], 1)
    notes = notes or {}
    resolve = pod_field_resolver(pod)
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses"),
                            resolve, "", notes)
    describe_containers(w, "Containers", spec.get("containers") or [], status.get("containerStatuses"), resolve, "",
                        notes)
    if spec.get("ephemeralContainers"):
        describe_containers(w, "Ephemeral Containers", spec["ephemeralContainers"],
                            status.get("ephemeralContainerStatuses"), resolve, "", notes)
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
    describe_volumes(w, spec.get("volumes"))
    w.w(0, f"QoS Class:\t{status.get('qosClass', '')}\n")
    labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    topology_spread_constraints(w, spec.get("topologySpreadConstraints"), "")
    if events is not None:  # None: --show-events=false
        describe_events(w, events, now_ms)
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


LABEL_NODE_ROLE_PREFIX = "node-role.kubernetes.io/"
NODE_LABEL_ROLE = "kubernetes.io/role"


def node_roles(node: dict) -> list[str]:
    """findNodeRoles: ``node-role.kubernetes.io/<role>`` label keys and a non-empty ``kubernetes.io/role`` value,
    sorted, without duplicates."""
    roles = set()
    for k, v in ((node.get("metadata") or {}).get("labels") or {}).items():
        if k.startswith(LABEL_NODE_ROLE_PREFIX):
            if k[len(LABEL_NODE_ROLE_PREFIX):]:
                roles.add(k[len(LABEL_NODE_ROLE_PREFIX):])
        elif k == NODE_LABEL_ROLE and v:
            roles.add(v)
    return sorted(roles)


def taint_text(t: dict) -> str:
    """Taint.ToString: ``key=value:effect``, ``key:effect`` without a value."""
    value = t.get("value") or ""
    return f"{t.get('key', '')}={value}:{t.get('effect', '')}" if value else f"{t.get('key', '')}:{t.get('effect', '')}"


def taints_multiline(w: Writer, title: str, taints: list | None) -> None:
    """printNodeTaintsMultiline: sorted by ``effect,key`` (sort.Slice)."""
    from minikctl.printers.gosort import go_sort

    w.w(0, f"{title}:\t")
    items = list(taints or [])
    if not items:
        w.w(0, "<none>\n")
        return

    def key(t: dict) -> str:
        return f"{t.get('effect', '')},{t.get('key', '')}"
    go_sort(items, lambda a, b: key(a) < key(b))
    for i, t in enumerate(items):
        if i:
            w.w(0, "\t")
        w.w(0, taint_text(t) + "\n")


class _Qty:
    """A resource.Quantity being added up as kubectl does: String() is the parsed string until an Add, then the
    canonical form in the format of the first non-zero addend."""

    __slots__ = ("value", "fmt", "text")

    def __init__(self, value, fmt: str, text: str | None) -> None:
        self.value, self.fmt, self.text = value, fmt, text

    @classmethod
    def parse(cls, s) -> "_Qty":
        from minikctl.kube.quantity import parse

        q = parse(s)
        return cls(q.value, q.format, str(q))

    def add(self, other: "_Qty") -> "_Qty":
        """Quantity.Add: a zero receiver takes the other's format."""
        return _Qty(self.value + other.value, other.fmt if self.value == 0 else self.fmt, None)

    def __str__(self) -> str:
        if self.text is not None:
            return self.text
        from minikctl.kube.quantity import Quantity

        return str(Quantity(self.value, self.fmt))

    def milli(self) -> int:
        """MilliValue(): rounded up."""
        import math

        return math.ceil(self.value * 1000)

    def whole(self) -> int:
        """Value(): rounded up."""
        import math

        return math.ceil(self.value)


_ZERO_QTY = _Qty(0, "DecimalSI", "0")


def _resource_list(rl: dict | None) -> dict[str, _Qty]:
    out = {}
    for name, value in (rl or {}).items():
        try:
            out[name] = _Qty.parse(value)
        except (ValueError, TypeError):
            continue
    return out


def _add_list(acc: dict, new: dict) -> None:
    """addResourceList."""
    for name, q in new.items():
        acc[name] = q if name not in acc else acc[name].add(q)


def _max_list(acc: dict, new: dict) -> None:
    """maxResourceList: the greater of each resource."""
    for name, q in new.items():
        if name not in acc or q.value > acc[name].value:
            acc[name] = q


def _max_of(a: dict, b: dict) -> dict:
    """max(a, b) of kubectl's resource helper: for keys in both, b's when a <= b."""
    out = {k: (b[k] if k in b and v.value <= b[k].value else v) for k, v in a.items()}
    for k, v in b.items():
        out.setdefault(k, v)
    return out


def pod_requests_and_limits(pod: dict) -> tuple[dict, dict]:
    """resourcehelper.PodRequestsAndLimits (kubectl 1.32 pkg/util/resource): containers summed, the largest init
    container (restartable ones, sidecars, add up with the containers), pod overhead; requests take a resized
    container's status resources into account."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    statuses = {cs.get("name"): cs for cs in status.get("containerStatuses") or []}
    reqs: dict = {}
    for c in spec.get("containers") or []:
        creqs = _resource_list((c.get("resources") or {}).get("requests"))
        cs = statuses.get(c.get("name"))
        if cs is not None and cs.get("resources") is not None:
            sreqs = _resource_list((cs.get("resources") or {}).get("requests"))
            creqs = sreqs if status.get("resize") == "Infeasible" else _max_of(creqs, sreqs)
        _add_list(reqs, creqs)
    limits: dict = {}
    for c in spec.get("containers") or []:
        _add_list(limits, _resource_list((c.get("resources") or {}).get("limits")))
    for key, acc in (("requests", reqs), ("limits", limits)):
        restartable: dict = {}
        init: dict = {}
        for c in spec.get("initContainers") or []:
            values = _resource_list((c.get("resources") or {}).get(key))
            if c.get("restartPolicy") == "Always":
                _add_list(acc, values)
                _add_list(restartable, values)
                values = dict(restartable)
            else:
                tmp: dict = {}
                _add_list(tmp, values)
                _add_list(tmp, restartable)
                values = tmp
            _max_list(init, values)
        _max_list(acc, init)
    overhead = _resource_list(spec.get("overhead"))
    if overhead:
        _add_list(reqs, overhead)
        for name, q in overhead.items():
            if name in limits and limits[name].value != 0:
                limits[name] = limits[name].add(q)
    return reqs, limits


def _percent(part: int, whole: int) -> int:
    """int64(float64(part) / float64(whole) * 100); a division by zero gives Go's +Inf or NaN, which amd64
    converts to the smallest int64."""
    if whole == 0:
        return -9223372036854775808
    return int(float(part) / float(whole) * 100)


def describe_node_resource(w: Writer, pods: list[dict], node: dict, now_ms: int) -> None:
    """describeNodeResource: the non-terminated pods with their requests and limits (in percent of allocatable),
    then the totals."""
    status = node.get("status") or {}
    w.w(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.w(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.w(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    allocatable = _resource_list(status.get("allocatable") if status.get("allocatable") else status.get("capacity"))
    a_cpu = allocatable.get("cpu", _ZERO_QTY).milli()
    a_mem = allocatable.get("memory", _ZERO_QTY).whole()
    for pod in pods:
        req, lim = pod_requests_and_limits(pod)
        cpu_req, cpu_lim = req.get("cpu", _ZERO_QTY), lim.get("cpu", _ZERO_QTY)
        mem_req, mem_lim = req.get("memory", _ZERO_QTY), lim.get("memory", _ZERO_QTY)
        meta = pod.get("metadata") or {}
        w.w(1, f"{meta.get('namespace', '')}\t{meta.get('name', '')}\t\t"
               f"{cpu_req} ({_percent(cpu_req.milli(), a_cpu)}%)\t{cpu_lim} ({_percent(cpu_lim.milli(), a_cpu)}%)\t"
               f"{mem_req} ({_percent(mem_req.whole(), a_mem)}%)\t{mem_lim} ({_percent(mem_lim.whole(), a_mem)}%)\t"
               f"{_since(meta.get('creationTimestamp'), now_ms)}\n")
    w.w(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.w(1, "Resource\tRequests\tLimits\n")
    w.w(1, "--------\t--------\t------\n")
    reqs: dict = {}
    limits: dict = {}
    for pod in pods:  # getPodsTotalRequestsAndLimits
        r, lim = pod_requests_and_limits(pod)
        _add_list(reqs, r)
        _add_list(limits, lim)

    def line(name: str, scale, whole: int, with_percent: bool = True) -> None:
        rq, lm = reqs.get(name, _ZERO_QTY), limits.get(name, _ZERO_QTY)
        if not with_percent:
            w.w(1, f"{name}\t{rq}\t{lm}\n")
            return
        pr = _percent(scale(rq), whole) if whole != 0 else 0
        pl = _percent(scale(lm), whole) if whole != 0 else 0
        w.w(1, f"{name}\t{rq} ({pr}%)\t{lm} ({pl}%)\n")

    line("cpu", _Qty.milli, a_cpu)
    line("memory", _Qty.whole, a_mem)
    line("ephemeral-storage", _Qty.whole, allocatable.get("ephemeral-storage", _ZERO_QTY).whole())
    hugepages = sorted(k for k in allocatable if k.startswith("hugepages-"))
    extended = sorted(k for k in allocatable if not k.startswith("hugepages-")
                      and k not in ("cpu", "memory", "ephemeral-storage", "pods"))
    for name in hugepages:
        line(name, _Qty.whole, allocatable[name].whole())
    for name in extended:
        line(name, _Qty.whole, 0, with_percent=False)


def describe_node_lease(w: Writer, lease: dict) -> None:
    """describeNodeLease."""
    spec = lease.get("spec") or {}
    w.w(0, "Lease:\n")
    w.w(1, f"HolderIdentity:\t{spec['holderIdentity'] if spec.get('holderIdentity') is not None else '<unset>'}\n")
    w.w(1, f"AcquireTime:\t{time_text(spec['acquireTime']) if spec.get('acquireTime') else '<unset>'}\n")
    w.w(1, f"RenewTime:\t{time_text(spec['renewTime']) if spec.get('renewTime') else '<unset>'}\n")


def describe_node(node: dict, ctx) -> str:
    """NodeDescriber + describeNode (kubectl 1.32): what the node is, its lease (``kube-node-lease/<name>``), its
    conditions, addresses, capacity, system info, the pods on it that are neither Succeeded nor Failed, and its
    events (those about its uid and, as the kubelet records them, those whose uid is its name)."""
    meta = node.get("metadata") or {}
    spec = node.get("spec") or {}
    status = node.get("status") or {}
    name = meta.get("name", "")
    w = Writer()
    w.w(0, f"Name:\t{name}\n")
    w.w(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(0, f"CreationTimestamp:\t{time_text(meta.get('creationTimestamp'))}\n")
    taints_multiline(w, "Taints", spec.get("taints"))
    w.w(0, f"Unschedulable:\t{go_bool(spec.get('unschedulable'))}\n")
    lease = ctx.get("Lease", "kube-node-lease", name)
    if lease is not None:
        describe_node_lease(w, lease)
    else:
        w.w(0, f'Lease:\tFailed to get lease: leases.coordination.k8s.io "{name}" not found\n')
    if status.get("conditions"):
        w.w(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.w(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            w.w(1, f"{c.get('type', '')} \t{c.get('status', '')} \t{time_text(c.get('lastHeartbeatTime'))} \t"
                   f"{time_text(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n")
    w.w(0, "Addresses:\n")
    for a in status.get("addresses") or []:
        w.w(1, f"{a.get('type', '')}:\t{a.get('address', '')}\n")
    for key, label in (("capacity", "Capacity"), ("allocatable", "Allocatable")):
        if status.get(key):
            w.w(0, f"{label}:\n")
            for res in sorted(status[key]):
                w.w(0, f"  {res}:\t{quantity_text(status[key][res])}\n")
    info = status.get("nodeInfo") or {}
    w.w(0, "System Info:\n")
    for label, field in (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                         ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                         ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                         ("Container Runtime Version", "containerRuntimeVersion"),
                         ("Kubelet Version", "kubeletVersion"), ("Kube-Proxy Version", "kubeProxyVersion")):
        w.w(0, f"  {label}:\t{info.get(field, '')}\n")
    if spec.get("podCIDR"):
        w.w(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.w(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.w(0, f"ProviderID:\t{spec['providerID']}\n")
    # spec.nodeName=N,status.phase!=Succeeded,status.phase!=Failed across namespaces, in the server's order
    pods = [p for p in ctx.list("Pod", None) if (p.get("spec") or {}).get("nodeName") == name
            and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
    describe_node_resource(w, pods, node, ctx.now_ms)
    events = ctx.events(node)
    if events is not None:
        by_name = ctx.events(node, uid=name) if name != meta.get("uid") else []
        describe_events(w, events + (by_name or []), ctx.now_ms)
    return w.text()


# ---------------------------------------------------------------------------------------------------------------
# the generic describer (kinds without a describer of their own, e.g. ControllerRevision)

_ACRONYMS = ("API", "URL", "UID", "OSB", "GUID")


def _camel_split(src: str) -> list[str]:
    """github.com/fatih/camelcase Split: runs of lower case, upper case, digits and other characters, an upper-case
    run handing its last letter to a following lower-case run ("PDFLoader" -> "PDF", "Loader")."""
    runs: list[list[str]] = []
    last = 0
    for ch in src:
        cls = 1 if ch.islower() else 2 if ch.isupper() else 3 if ch.isdigit() else 4
        if cls == last:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = cls
    for i in range(len(runs) - 1):
        if runs[i] and runs[i][0].isupper() and runs[i + 1] and runs[i + 1][0].islower():
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(r) for r in runs if r]


def _title(part: str) -> str:
    """strings.Title: the first letter of each word upper-cased."""
    out, prev_letter = [], False
    for ch in part:
        out.append(ch if prev_letter else ch.upper())
        prev_letter = ch.isalnum() or ch == "_"
    return "".join(out)


def smart_label(field: str) -> str:
    """smartLabelFor: ``apiVersion`` -> ``API Version``, ``ownerReferences`` -> ``Owner References``; a field with
    characters other than letters and "-" is printed as it is."""
    if any(not ch.isalpha() and ch != "-" for ch in field):
        return field
    parts = []
    for part in _camel_split(field):
        if part == "_":
            continue
        parts.append(part.upper() if part.upper() in _ACRONYMS else _title(part))
    return " ".join(parts)


_GENERIC_SKIP = (".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels",
                 ".metadata.annotations")


def _unstructured(w: Writer, level: int, content: dict, prefix: str) -> None:
    """printUnstructuredContent: fields sorted, maps and lists nested a level deeper, scalars as Go's %v."""
    from minikctl.kube.gofmt import sprint

    for field in sorted(content, key=lambda k: k.encode("utf-8")):
        value = content[field]
        path = f"{prefix}.{field}"
        if path in _GENERIC_SKIP:
            continue
        if isinstance(value, dict):
            w.w(level, f"{smart_label(field)}:\n")
            _unstructured(w, level + 1, value, path)
        elif isinstance(value, list):
            w.w(level, f"{smart_label(field)}:\n")
            for child in value:
                if isinstance(child, dict):
                    _unstructured(w, level + 1, child, path)
                else:
                    w.w(level + 1, f"{sprint(child)}\n")
        else:
            w.w(level, f"{smart_label(field)}:\t{sprint(value)}\n")


def describe_generic(obj: dict, ctx) -> str:
    """genericDescriber: name, namespace, labels, annotations, then every other field of the object
    (managedFields left out), then its events."""
    meta = obj.get("metadata") or {}
    w = Writer()
    w.w(0, f"Name:\t{meta.get('name', '')}\n")
    w.w(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    _unstructured(w, 0, obj, "")
    events = ctx.events(obj)
    if events is not None:
        describe_events(w, events, ctx.now_ms)
    return w.text()

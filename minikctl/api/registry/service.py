"""The Service (v1) registry module: ``pkg/registry/core/service`` (strategy.go, storage/alloc.go), the defaults of
``pkg/apis/core/v1/defaults.go`` (SetDefaults_Service), ``ValidateService``/``ValidateServiceUpdate`` of
``pkg/apis/core/validation/validation.go`` and ``printService`` of ``pkg/printers/internalversion/printers.go``.

Allocation, as the API server's service storage does it when the Service is created (``alloc.allocateCreate``):
a cluster IP from the service CIDR 10.96.0.0/12 for every type but ExternalName and headless (``clusterIP:
None``), a node port from 30000-32767 for each port of a NodePort or LoadBalancer Service. The real allocators
pick at random from the upper part of their range (the lower band is left to static assignments: KEP-3070,
KEP-3668); here the pick is a hash of the Service's uid, moved on past the values taken, so the same commands
give the same addresses. A requested address or port is checked against the range and the ones taken, with the
API server's messages. The ``kubernetes`` Service in ``default`` holds 10.96.0.1 (cluster.py bootstrap).
"""

from __future__ import annotations

import ipaddress
import re

from minikctl.kube.digest import sha256
from minikctl.api.registry import cells
from minikctl.kube import errors as E
from minikctl.kube.fields import field_getter

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")  # kube-apiserver --service-cluster-ip-range (kubeadm/minikube)
NODE_PORT_RANGE = (30000, 32767)  # --service-node-port-range
KUBERNETES_SERVICE_IP = "10.96.0.1"  # the first address of the range: the apiserver's own Service
TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
PROTOCOLS = ["SCTP", "TCP", "UDP"]

# serviceColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
WIDE_COLUMNS = ["SELECTOR"]


def external_ip(obj: dict) -> str:
    """getServiceExternalIP: externalIPs for ClusterIP and NodePort, the load balancer's ingress (else
    ``<pending>``) for LoadBalancer, the external name for ExternalName."""
    spec = obj.get("spec") or {}
    ext = [str(x) for x in spec.get("externalIPs") or []]
    kind = spec.get("type")
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(ext) if ext else "<none>"
    if kind == "LoadBalancer":
        ingress = ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        lb = [i.get("ip") or i.get("hostname") or "" for i in ingress if i.get("ip") or i.get("hostname")]
        both = lb + ext
        return ",".join(both) if both else "<pending>"
    if kind == "ExternalName":
        return str(spec.get("externalName") or "")
    return "<unknown>"


def port_string(ports: list) -> str:
    """makePortString: ``port/PROTOCOL``, ``port:nodePort/PROTOCOL`` with a node port, comma-separated."""
    out = []
    for p in ports or []:
        s = f"{p.get('port', 0)}/{p.get('protocol') or ''}"
        if int(p.get("nodePort") or 0) > 0:
            s = f"{p.get('port', 0)}:{p['nodePort']}/{p.get('protocol') or ''}"
        out.append(s)
    return ",".join(out)


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printService (v1.32 printers.go)."""
    spec = obj.get("spec") or {}
    ips = spec.get("clusterIPs") or []
    out = [cells.name(obj), str(spec.get("type") or ""), ips[0] if ips else "<none>", external_ip(obj),
           port_string(spec.get("ports")) or "<none>", cells.age(obj, now_ms)]
    if wide:
        out.append(cells.format_labels(spec.get("selector") or {}))
    return out


FIELDS = {"metadata.name": field_getter("metadata", "name"), "metadata.namespace": field_getter("metadata", "namespace")}


# ---------------------------------------------------------------------------------------------------------------
# defaults and allocation
def _externally_accessible(spec: dict) -> bool:
    """service.ExternallyAccessible: LoadBalancer, NodePort, or ClusterIP with external IPs."""
    t = spec.get("type")
    return t in ("LoadBalancer", "NodePort") or (t == "ClusterIP" and bool(spec.get("externalIPs")))


def set_defaults(obj: dict) -> None:
    """SetDefaults_Service (pkg/apis/core/v1/defaults.go)."""
    spec = obj.setdefault("spec", {})
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        cfg = spec.setdefault("sessionAffinityConfig", {}) or {}
        spec["sessionAffinityConfig"] = cfg
        cip = cfg.setdefault("clientIP", {}) or {}
        cfg["clientIP"] = cip
        cip.setdefault("timeoutSeconds", 10800)  # DefaultClientIPServiceAffinitySeconds
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for p in spec.get("ports") or []:
        if not isinstance(p, dict):
            continue
        if not p.get("protocol"):
            p["protocol"] = "TCP"
        if p.get("targetPort") in (None, 0, ""):
            p["targetPort"] = p.get("port", 0)
    if _externally_accessible(spec) and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and spec["type"] in ("NodePort", "LoadBalancer", "ClusterIP"):
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True


def _is_ip(text) -> bool:
    try:
        ipaddress.ip_address(str(text))
        return True
    except ValueError:
        return False


def _taken(api, exclude: tuple = ()) -> tuple[set, set]:
    """The cluster IPs and node ports the stored Services hold (the allocators' bitmaps)."""
    ips, ports = set(), set()
    if api.tx is None:
        return ips, ports
    for s in api.tx.list("Service", None, ("metadata.name", "metadata.namespace", "spec.clusterIPs", "spec.ports")):
        meta = s.get("metadata") or {}
        if (meta.get("namespace"), meta.get("name")) == exclude:
            continue
        spec = s.get("spec") or {}
        ips.update(ip for ip in spec.get("clusterIPs") or [] if ip and ip != "None")
        ports.update(int(p.get("nodePort") or 0) for p in spec.get("ports") or [] if p.get("nodePort"))
    return ips, ports


def _pick(seed: str, lo: int, size: int, taken) -> int | None:
    """A value of [lo, lo + size) from a hash of ``seed``, moved on past the taken ones."""
    start = int.from_bytes(sha256(seed.encode()).digest()[:8], "big") % size
    for i in range(size):
        v = lo + (start + i) % size
        if v not in taken:
            return v
    return None


def _ip_band(net) -> tuple[int, int]:
    """The dynamic band of a service CIDR (KEP-3070: the first min(max(16, size/16), 256) addresses are left to
    static assignment); the network and broadcast addresses are never handed out."""
    size = net.num_addresses
    static = min(max(16, size // 16), 256)
    return int(net.network_address) + static, size - static - 1


def _port_band() -> tuple[int, int]:
    lo, hi = NODE_PORT_RANGE
    size = hi - lo + 1
    static = min(max(16, size // 32), 128)  # KEP-3668: the node-port range's static band
    return lo + static, size - static


def allocate(obj: dict, api, old: dict | None = None) -> None:
    """The registry's allocation on create (``allocateCreate``) and update (``allocateUpdate``, which keeps the
    values already allocated when the request leaves them out: ``patchAllocatedValues``)."""
    spec = obj.setdefault("spec", {})
    meta = obj.get("metadata") or {}
    name = meta.get("name", "")
    old_spec = (old or {}).get("spec") or {}
    kind = spec.get("type")
    if old is not None and kind != "ExternalName" and old_spec.get("type") != "ExternalName":
        if not spec.get("clusterIP") and old_spec.get("clusterIP"):
            spec["clusterIP"] = old_spec["clusterIP"]
        if not spec.get("clusterIPs") and old_spec.get("clusterIPs"):
            spec["clusterIPs"] = list(old_spec["clusterIPs"])
        for k in ("ipFamilies", "ipFamilyPolicy"):
            if not spec.get(k) and old_spec.get(k):
                spec[k] = old_spec[k]
    if kind in ("NodePort", "LoadBalancer") and old is not None:
        old_ports = {(p.get("port"), p.get("protocol")): p.get("nodePort") for p in old_spec.get("ports") or []}
        for p in spec.get("ports") or []:
            if isinstance(p, dict) and not p.get("nodePort") and old_ports.get((p.get("port"), p.get("protocol"))):
                p["nodePort"] = old_ports[(p.get("port"), p.get("protocol"))]
    if old is not None and spec.get("clusterIP") != old_spec.get("clusterIP") and \
            spec.get("clusterIPs") == old_spec.get("clusterIPs") and spec.get("clusterIPs"):
        # normalizeClusterIPs on update: a changed clusterIP with the old clusterIPs moves clusterIPs[0] with it
        spec["clusterIPs"] = [spec["clusterIP"]] + list(spec["clusterIPs"][1:]) if spec.get("clusterIP") else None
        if spec["clusterIPs"] is None:
            del spec["clusterIPs"]
    # the strategy's normalizeClusterIPs: clusterIPs follows clusterIP when only that was given
    if spec.get("clusterIP") and not spec.get("clusterIPs"):
        spec["clusterIPs"] = [spec["clusterIP"]]
    if spec.get("clusterIPs") and not spec.get("clusterIP"):
        spec["clusterIP"] = spec["clusterIPs"][0]
    if kind == "ExternalName":
        return
    exclude = (meta.get("namespace"), name) if old is not None else ()
    taken_ips = taken_ports = None
    ip = spec.get("clusterIP")
    headless = ip == "None"
    if not spec.get("ipFamilies") and not (headless and not spec.get("selector")):
        spec["ipFamilies"] = ["IPv4"]
    if not spec.get("ipFamilyPolicy"):
        spec["ipFamilyPolicy"] = "RequireDualStack" if headless and not spec.get("selector") else "SingleStack"
    if not headless and (old is None or not old_spec.get("clusterIP")):
        taken_ips, taken_ports = _taken(api, exclude)
        if ip:
            if not _is_ip(ip):
                return  # validation names it
            if ipaddress.ip_address(ip) not in SERVICE_CIDR or ip in (str(SERVICE_CIDR.network_address),
                                                                       str(SERVICE_CIDR.broadcast_address)):
                raise E.Invalid("Service", name, [_raw(E.INVALID, "spec.clusterIPs", _go_strings([ip]),
                    f"failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. "
                    f"The range of valid IPs is {SERVICE_CIDR}")])
            if ip in taken_ips:
                raise E.Invalid("Service", name, [_raw(E.INVALID, "spec.clusterIPs", _go_strings([ip]),
                    f"failed to allocate IP {ip}: provided IP is already allocated")])
        else:
            lo, size = _ip_band(SERVICE_CIDR)
            taken_int = {int(ipaddress.ip_address(x)) for x in taken_ips if _is_ip(x)}
            v = _pick(meta.get("uid", name), lo, size, taken_int)
            if v is None:
                raise E.Invalid("Service", name, [E.invalid("spec.clusterIPs", "", "range is full")])
            ip = str(ipaddress.ip_address(v))
            spec["clusterIP"] = ip
            spec["clusterIPs"] = [ip]
    if kind in ("NodePort", "LoadBalancer") and spec.get("allocateLoadBalancerNodePorts", True) is not False:
        if taken_ports is None:
            taken_ips, taken_ports = _taken(api, exclude)
        lo, hi = NODE_PORT_RANGE
        mine = set()
        for i, p in enumerate(spec.get("ports") or []):
            if not isinstance(p, dict):
                continue
            np = p.get("nodePort")
            if np:
                if old is not None and np in {q.get("nodePort") for q in old_spec.get("ports") or []}:
                    mine.add(np)
                    continue
                if not isinstance(np, int) or not lo <= np <= hi:
                    raise E.Invalid("Service", name, [E.invalid(f"spec.ports[{i}].nodePort", np,
                        f"provided port is not in the valid range. The range of valid ports is {lo}-{hi}")])
                if np in taken_ports or np in mine:
                    raise E.Invalid("Service", name, [E.invalid(f"spec.ports[{i}].nodePort", np,
                                                                "provided port is already allocated")])
                mine.add(np)
        for i, p in enumerate(spec.get("ports") or []):
            if isinstance(p, dict) and not p.get("nodePort"):
                blo, bsize = _port_band()
                v = _pick(f"{meta.get('uid', name)}/{i}", blo, bsize, taken_ports | mine)
                if v is None:
                    raise E.Invalid("Service", name, [E.invalid(f"spec.ports[{i}].nodePort", 0, "range is full")])
                p["nodePort"] = v
                mine.add(v)


def _raw(type_: str, field: str, raw: str, detail: str = ""):
    from minikctl.api.validation import RawFieldError

    return RawFieldError(type_, field, raw, detail)


def _go_strings(items: list) -> str:
    return "[]string{" + ", ".join(E.go_quote(str(x)) for x in items) + "}"


def default(obj: dict, ctx) -> None:
    from minikctl.api import defaults

    set_defaults(obj)
    defaults.default_object("Service", obj, suffix=ctx.tx.name_suffix)
    allocate(obj, ctx)
    obj["status"] = {"loadBalancer": {}}  # the strategy's PrepareForCreate: an empty status


def prepare_update(old: dict, new: dict) -> dict:
    from minikctl.api import defaults, updates

    set_defaults(new)
    defaults.default_for_update("Service", new)
    new = updates.prepare_for_update("Service", old, new)
    new["status"] = old.get("status") or {"loadBalancer": {}}  # PrepareForUpdate keeps the status
    allocate(new, _NoStore(), old)
    return new


class _NoStore:
    """An update's allocation keeps what the Service holds and picks what it adds (a type changed to NodePort)
    without the store at hand: the strategy's update step is not given it (a collision is not checked there)."""

    tx = None


# ---------------------------------------------------------------------------------------------------------------
# validation
_DNS1035_RE = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")


def is_dns1035_label(value: str) -> list[str]:
    """IsDNS1035Label (apimachinery/pkg/util/validation)."""
    from minikctl.api.validation import max_len_error, regex_error

    errs = []
    if len(value.encode()) > 63:
        errs.append(max_len_error(63))
    if not _DNS1035_RE.fullmatch(value):
        errs.append(regex_error("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
                                "with an alphabetic character, and end with an alphanumeric character",
                                "[a-z]([-a-z0-9]*[a-z0-9])?", "my-name", "abc-123"))
    return errs


def validate(obj: dict) -> list:
    """ValidateService (the parts a Service of one IPv4 family reaches)."""
    from minikctl.api import validation as V

    errs = V.validate_object_meta(obj.get("metadata") or {}, True, is_dns1035_label)
    spec = obj.get("spec") or {}
    ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
    kind = spec.get("type") or ""
    headless = spec.get("clusterIP") == "None"
    if not ports and not headless and kind != "ExternalName":
        errs.append(E.required("spec.ports"))
    if kind == "LoadBalancer":
        for i, p in enumerate(ports):
            if p.get("port") == 10250:  # ports.KubeletPort
                errs.append(E.invalid(f"spec.ports[{i}]", 10250,
                                      "may not expose port 10250 externally since it is used by kubelet"))
    if kind == "ExternalName":
        if spec.get("clusterIP"):
            errs.append(E.forbidden("spec.clusterIP", "may not be set for ExternalName services"))
        if spec.get("externalName"):
            errs.extend(E.invalid("spec.externalName", spec["externalName"], m)
                        for m in V.is_dns1123_subdomain(str(spec["externalName"]).rstrip(".")))
        else:
            errs.append(E.required("spec.externalName"))
    names: set = set()
    for i, p in enumerate(ports):
        pp = f"spec.ports[{i}]"
        name = p.get("name") or ""
        if len(ports) > 1 and not name:
            errs.append(E.required(f"{pp}.name"))
        elif name:
            errs.extend(E.invalid(f"{pp}.name", name, m) for m in V.is_dns1123_label(name))
            if name in names:
                errs.append(E.duplicate(f"{pp}.name", name))
            names.add(name)
        port = p.get("port", 0)
        errs.extend(E.invalid(f"{pp}.port", port, m) for m in V.is_valid_port_num(int(port or 0)))
        proto = p.get("protocol") or ""
        if not proto:
            errs.append(E.required(f"{pp}.protocol"))
        elif proto not in PROTOCOLS:
            errs.append(E.not_supported(f"{pp}.protocol", proto, PROTOCOLS))
        tp = p.get("targetPort")
        if isinstance(tp, int):
            errs.extend(E.invalid(f"{pp}.targetPort", tp, m) for m in V.is_valid_port_num(tp))
        elif isinstance(tp, str):
            errs.extend(E.invalid(f"{pp}.targetPort", tp, m) for m in V.is_valid_port_name(tp))
        if p.get("appProtocol"):
            errs.extend(E.invalid(f"{pp}.appProtocol", p["appProtocol"], m)
                        for m in V.is_qualified_name(str(p["appProtocol"])))
    if spec.get("selector") is not None:
        errs.extend(V.validate_labels(spec.get("selector") or {}, "spec.selector"))
    aff = spec.get("sessionAffinity") or ""
    if not aff:
        errs.append(E.required("spec.sessionAffinity"))
    elif aff not in ("ClientIP", "None"):
        errs.append(E.not_supported("spec.sessionAffinity", aff, ["ClientIP", "None"]))
    elif aff == "None" and spec.get("sessionAffinityConfig") is not None:
        errs.append(E.forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"))
    if kind == "ExternalName" or (spec.get("clusterIP") or "") in ("", "None"):
        pass
    elif not _is_ip(spec["clusterIP"]):
        errs.append(E.invalid("spec.clusterIPs[0]", spec["clusterIP"],
                              "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
    if kind in ("NodePort", "LoadBalancer") and headless:
        errs.append(E.invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {kind} services"))
    for i, ip in enumerate(spec.get("externalIPs") or []):
        if not _is_ip(ip):
            errs.append(E.invalid(f"spec.externalIPs[{i}]", ip,
                                  "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
    if not kind:
        errs.append(E.required("spec.type"))
    elif kind not in TYPES:
        errs.append(E.not_supported("spec.type", kind, TYPES))
    if kind == "ClusterIP":
        for i, p in enumerate(ports):
            if p.get("nodePort"):
                errs.append(E.forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"))
    seen_np: set = set()
    for i, p in enumerate(ports):
        if p.get("nodePort"):
            key = (p.get("protocol"), p.get("nodePort"))
            if key in seen_np:
                errs.append(E.duplicate(f"spec.ports[{i}].nodePort", p["nodePort"]))
            seen_np.add(key)
    seen: set = set()
    for i, p in enumerate(ports):
        key = (p.get("protocol"), p.get("port"))
        if key in seen:
            errs.append(_raw(E.DUPLICATE, f"spec.ports[{i}]",
                                        f'core.ServicePort{{Name:"", Protocol:"{key[0]}", AppProtocol:(*string)(nil), '
                                        f'Port:{key[1]}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, '
                                        f'StrVal:""}}, NodePort:0}}'))
        seen.add(key)
    etp = spec.get("externalTrafficPolicy")
    if etp and kind not in ("NodePort", "LoadBalancer") and not spec.get("externalIPs"):
        errs.append(E.invalid("spec.externalTrafficPolicy", etp,
                              "may only be set for externally-accessible services"))
    elif etp and etp not in ("Cluster", "Local"):
        errs.append(E.not_supported("spec.externalTrafficPolicy", etp, ["Cluster", "Local"]))
    return errs


def validate_update(old: dict, new: dict) -> list:
    """ValidateServiceUpdate: the metadata rules, the cluster IPs that may not change once set, then
    ValidateService."""
    from minikctl.api import updates

    errs = updates.object_meta_update_errors(old, new)
    os_, ns_ = old.get("spec") or {}, new.get("spec") or {}
    if "ExternalName" not in (os_.get("type"), ns_.get("type")) and not (
            os_.get("clusterIP") == "None" and ns_.get("clusterIP") == "None"):
        old_ips, new_ips = os_.get("clusterIPs") or [], ns_.get("clusterIPs") or []
        if len(old_ips) == len(new_ips):
            for i, ip in enumerate(old_ips):
                if ip != new_ips[i]:
                    errs.append(_raw(E.INVALID, f"spec.clusterIPs[{i}]", _go_strings(new_ips),
                                                "may not change once set"))
    return errs + validate(new)

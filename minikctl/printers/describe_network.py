"""kubectl describe for Services, Endpoints and EndpointSlices, as kubectl 1.32 prints them.

Ports of staging/src/k8s.io/kubectl/pkg/describe/describe.go (kubectl v0.32.4): ServiceDescriber (its endpoints
read from the Service's EndpointSlices, ``formatEndpointSlices``), EndpointsDescriber and EndpointSliceDescriber.
Same ``describe_<kind>(obj, ctx) -> str`` shape and ``ctx`` as describe_workloads.py.
"""

from __future__ import annotations

from minikctl.printers.describe import Writer, annotations_multiline, describe_events, labels_multiline


def _header(w: Writer, obj: dict) -> None:
    meta = obj.get("metadata") or {}
    w.w(0, f"Name:\t{meta.get('name', '')}\n")
    w.w(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))


def _format_labels(labels: dict | None) -> str:
    """labels.FormatLabels."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def format_endpoint_slices(slices: list[dict], port_name: str | None) -> str:
    """formatEndpointSlices: ``ip:port`` of the ready endpoints (a missing ready condition counts as ready) for
    the slice ports of that name, at most three, then `` + N more...``; ``<none>`` without slices. As upstream,
    ``more`` is set once three are listed, even by an endpoint that is then skipped as not ready."""
    if not slices:
        return "<none>"
    listed: list[str] = []
    more, count = False, 0

    def ready(ep: dict) -> bool:
        r = (ep.get("conditions") or {}).get("ready")
        return r is None or bool(r)

    for sl in slices:
        eps = sl.get("endpoints") or []
        if not sl.get("ports"):
            for ep in eps:
                if len(listed) == 3:
                    more = True
                if not ready(ep):
                    continue
                if not more:
                    listed.append((ep.get("addresses") or [""])[0])
                count += 1
            continue
        for p in sl.get("ports") or []:
            if port_name is not None and (p.get("name") or "") != port_name:
                continue
            for ep in eps:
                if len(listed) == 3:
                    more = True
                if not ready(ep):
                    continue
                if not more:
                    addr = (ep.get("addresses") or [""])[0]
                    host = f"[{addr}]" if ":" in addr else addr
                    listed.append(f"{host}:{p.get('port', 0)}")
                count += 1
    text = ",".join(listed)
    return f"{text} + {count - 3} more..." if more else text


def describe_service(obj: dict, ctx) -> str:
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    slices = [s for s in ctx.list("EndpointSlice", meta.get("namespace"),
                                  {"matchLabels": {"kubernetes.io/service-name": meta.get("name", "")}})]
    w = Writer()
    _header(w, obj)
    w.w(0, f"Selector:\t{_format_labels(spec.get('selector'))}\n")
    w.w(0, f"Type:\t{spec.get('type') or ''}\n")
    if spec.get("ipFamilyPolicy") is not None:
        w.w(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    fams = spec.get("ipFamilies") or []
    w.w(0, f"IP Families:\t{','.join(fams) if fams else '<none>'}\n")
    w.w(0, f"IP:\t{spec.get('clusterIP') or ''}\n")
    ips = spec.get("clusterIPs") or []
    w.w(0, f"IPs:\t{','.join(ips) if ips else '<none>'}\n")
    if spec.get("externalIPs"):
        w.w(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.w(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.w(0, f"External Name:\t{spec['externalName']}\n")
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        parts = []
        for i in ingress:
            if i.get("ip"):
                parts.append(i["ip"] + (f" ({i['ipMode']})" if i.get("ipMode") else ""))
            else:
                parts.append(i.get("hostname") or "")
        w.w(0, f"LoadBalancer Ingress:\t{', '.join(parts)}\n")
    for sp in spec.get("ports") or []:
        name = sp.get("name") or "<unset>"
        proto = sp.get("protocol") or ""
        w.w(0, f"Port:\t{name}\t{sp.get('port', 0)}/{proto}\n")
        w.w(0, f"TargetPort:\t{sp.get('targetPort', 0)}/{proto}\n")
        if sp.get("nodePort"):
            w.w(0, f"NodePort:\t{name}\t{sp['nodePort']}/{proto}\n")
        w.w(0, f"Endpoints:\t{format_endpoint_slices(slices, sp.get('name') or '')}\n")
    w.w(0, f"Session Affinity:\t{spec.get('sessionAffinity') or ''}\n")
    if spec.get("externalTrafficPolicy"):
        w.w(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy") is not None:
        w.w(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.w(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.w(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    events = ctx.events(obj)
    if events is not None:
        describe_events(w, events, ctx.now_ms)
    return w.text()


def describe_endpoints(obj: dict, ctx) -> str:
    w = Writer()
    _header(w, obj)
    w.w(0, "Subsets:\n")
    for ss in obj.get("subsets") or []:
        addrs = ",".join(a.get("ip", "") for a in ss.get("addresses") or []) or "<none>"
        w.w(1, f"Addresses:\t{addrs}\n")
        nr = ",".join(a.get("ip", "") for a in ss.get("notReadyAddresses") or []) or "<none>"
        w.w(1, f"NotReadyAddresses:\t{nr}\n")
        if ss.get("ports"):
            w.w(1, "Ports:\n")
            w.w(2, "Name\tPort\tProtocol\n")
            w.w(2, "----\t----\t--------\n")
            for p in ss["ports"]:
                w.w(2, f"{p.get('name') or '<unset>'}\t{p.get('port', 0)}\t{p.get('protocol') or ''}\n")
        w.w(0, "\n")
    events = ctx.events(obj)
    if events is not None:
        describe_events(w, events, ctx.now_ms)
    return w.text()


def describe_endpointslice(obj: dict, ctx) -> str:
    w = Writer()
    _header(w, obj)
    w.w(0, f"AddressType:\t{obj.get('addressType') or ''}\n")
    ports = obj.get("ports") or []
    if not ports:
        w.w(0, "Ports: <unset>\n")
    else:
        w.w(0, "Ports:\n")
        w.w(1, "Name\tPort\tProtocol\n")
        w.w(1, "----\t----\t--------\n")
        for p in ports:
            name = p.get("name") or "<unset>"
            num = str(p["port"]) if p.get("port") is not None else "<unset>"
            w.w(1, f"{name}\t{num}\t{p.get('protocol') or ''}\n")
    eps = obj.get("endpoints") or []
    if not eps:
        w.w(0, "Endpoints: <none>\n")
    else:
        w.w(0, "Endpoints:\n")
        for ep in eps:
            w.w(1, f"- Addresses:\t{', '.join(ep.get('addresses') or []) or '<none>'}\n")
            w.w(2, "Conditions:\n")
            r = (ep.get("conditions") or {}).get("ready")
            w.w(3, f"Ready:\t{'<unset>' if r is None else str(bool(r)).lower()}\n")
            w.w(2, f"Hostname:\t{ep['hostname'] if ep.get('hostname') is not None else '<unset>'}\n")
            ref = ep.get("targetRef")
            if ref is not None:
                w.w(2, f"TargetRef:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
            w.w(2, f"NodeName:\t{ep['nodeName'] if ep.get('nodeName') is not None else '<unset>'}\n")
            w.w(2, f"Zone:\t{ep['zone'] if ep.get('zone') is not None else '<unset>'}\n")
    events = ctx.events(obj)
    if events is not None:
        describe_events(w, events, ctx.now_ms)
    return w.text()

"""The EndpointSlice (discovery.k8s.io/v1) registry module: ``pkg/registry/discovery/endpointslice`` and
``printEndpointSlice`` of ``pkg/printers/internalversion/printers.go``. The EndpointSlice controller
(engine/controllers/endpoints.py) keeps the slices of every Service with a selector."""

from __future__ import annotations

from minikctl.api.registry import cells

# endpointSliceColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
WIDE_COLUMNS: list[str] = []


def _with_more(items: list[str], count: int) -> str:
    """listWithMoreString: at most three, then `` + N more...``; ``<unset>`` when there is nothing."""
    text = ",".join(items[:3])
    if count > 3:
        return f"{text} + {count - 3} more..."
    return text or "<unset>"


def format_ports(ports: list | None) -> str:
    """formatDiscoveryPorts: the port number, else its name, else ``*``."""
    out = []
    for p in ports or []:
        if p.get("port") is not None:
            out.append(str(p["port"]))
        elif p.get("name") is not None:
            out.append(str(p["name"]))
        else:
            out.append("*")
    return _with_more(out, len(out))


def format_endpoints(endpoints: list | None) -> str:
    """formatDiscoveryEndpoints: every address of every endpoint, ready or not."""
    addrs = [a for ep in endpoints or [] for a in ep.get("addresses") or []]
    return _with_more(addrs, len(addrs))


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printEndpointSlice (v1.32 printers.go)."""
    return [cells.name(obj), str(obj.get("addressType") or ""), format_ports(obj.get("ports")),
            format_endpoints(obj.get("endpoints")), cells.age(obj, now_ms)]

"""The Endpoints (v1) registry module: ``pkg/registry/core/endpoint`` and ``printEndpoints`` of
``pkg/printers/internalversion/printers.go``. The endpoints controller (engine/controllers/endpoints.py) keeps one
per Service with a selector; the API server keeps the ``kubernetes`` one."""

from __future__ import annotations

from minikctl.api.registry import cells

# endpointColumnDefinitions in AddHandlers (kubernetes v1.32, pkg/printers/internalversion/printers.go)
COLUMNS = ["NAME", "ENDPOINTS", "AGE"]
WIDE_COLUMNS: list[str] = []


def format_endpoints(obj: dict) -> str:
    """formatEndpoints: ``ip:port`` for each port of each subset and each ready address, at most three, then
    `` + N more...``; ``<none>`` without subsets (not-ready addresses are not listed: an empty cell)."""
    subsets = obj.get("subsets") or []
    if not subsets:
        return "<none>"
    shown: list[str] = []
    count, more = 0, False
    for ss in subsets:
        addrs = [a.get("ip", "") for a in ss.get("addresses") or []]
        ports = ss.get("ports") or []
        if not ports:
            count += len(addrs)
            for ip in addrs:
                if len(shown) == 3:
                    more = True
                    break
                shown.append(ip)
            continue
        for p in ports:
            count += len(addrs)
            for ip in addrs:
                if len(shown) == 3:
                    more = True
                    break
                shown.append(f"[{ip}]:{p.get('port', 0)}" if ":" in ip else f"{ip}:{p.get('port', 0)}")
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if more else text


def row(obj: dict, now_ms: int, wide: bool) -> list[str]:
    """printEndpoints (v1.32 printers.go)."""
    return [cells.name(obj), format_endpoints(obj), cells.age(obj, now_ms)]

"""A port a simulated process listens on, and what it answers (the interpreter opens them in process.py; the pod
network of network.py and the kubelet's probes read them)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Listener:
    """An open port. ``protocol``: http | tcp | grpc. ``kind`` selects special behaviour
    (``agnhost-liveness``: /healthz 200 for the first 10 s after ``since_ms``, then 500)."""

    port: int
    protocol: str = "tcp"
    paths: dict = field(default_factory=dict)
    default_status: int = 200
    grpc_status: str = "SERVING"
    kind: str = ""
    since_ms: int = 0
    program: str = ""
    docroot: str = ""  # a static file server: GET answers the files under it (behavior/network.py)
    server: str = ""  # its Server token, in its error pages (nginx/1.27.3)

    def http_status(self, path: str, now_ms: int) -> int:
        p = path.split("?", 1)[0] or "/"
        if self.kind == "agnhost-liveness":
            if p == "/healthz":
                return 200 if now_ms - self.since_ms <= 10000 else 500
            if p == "/redirect":
                return 302
            return 404
        if p in self.paths:
            return int(self.paths[p])
        return int(self.default_status)

    def to_dict(self) -> dict:
        return {"port": self.port, "protocol": self.protocol, "paths": dict(self.paths),
                "default_status": self.default_status, "grpc_status": self.grpc_status,
                "kind": self.kind, "since_ms": self.since_ms, "program": self.program,
                **({"docroot": self.docroot, "server": self.server} if self.docroot or self.server else {})}

    @classmethod
    def from_dict(cls, d: dict) -> "Listener":
        return cls(**d)

"""A port a simulated process listens on, and what it answers (the interpreter opens them in process.py; the pod
network of network.py and the kubelet's probes read them)."""

from __future__ import annotations

from minikctl.kube.values import Value


class Listener(Value):
    """An open port. ``protocol``: http | tcp | grpc. ``kind`` selects special behaviour
    (``agnhost-liveness``: /healthz 200 for the first 10 s after ``since_ms``, then 500). ``docroot``: a static
    file server answers GET with the files under it (behavior/network.py); ``server``: its Server token, in its
    error pages (nginx/1.27.3)."""

    __slots__ = ("port", "protocol", "paths", "default_status", "grpc_status", "kind", "since_ms", "program",
                 "docroot", "server")
    _FIELDS = __slots__
    _DEFAULTS = {"protocol": "tcp", "paths": dict, "default_status": 200, "grpc_status": "SERVING", "kind": "",
                 "since_ms": 0, "program": "", "docroot": "", "server": ""}

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

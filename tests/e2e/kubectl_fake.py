"""Real kubectl against a minimal fake API server on loopback (discovery of the kinds minikctl serves, nothing stored).

Enough for kubectl's client-side work (`run`/`create`/`apply` with --dry-run=client and --validate=false),
so tests can compare minikctl's output with the real thing. Skips when kubectl is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KUBECTL = shutil.which("kubectl") or ("/usr/bin/kubectl" if os.path.exists("/usr/bin/kubectl") else None)

# the resources minikctl serves; their discovery entries (short names, verbs, categories, subresources) are a
# real 1.32 server's, from kubectl_oracle's hand-written copy, not minikctl's own tables
SERVED = {
    "v1": {"pods", "namespaces", "events", "nodes", "configmaps", "secrets", "serviceaccounts", "services",
           "endpoints"},
    "apps/v1": {"deployments", "replicasets", "statefulsets", "daemonsets", "controllerrevisions"},
    "batch/v1": {"jobs", "cronjobs"},
    "coordination.k8s.io/v1": {"leases"},
    "discovery.k8s.io/v1": {"endpointslices"},
}


def _served_discovery() -> dict:
    from kubectl_oracle import DISCOVERY as REAL

    def keep(gv: str, resources: list) -> list:
        return [r for r in resources if r["name"].split("/")[0] in SERVED.get(gv, ())]

    out = {"/api": REAL["/api"],
           "/api/v1": dict(REAL["/api/v1"], resources=keep("v1", REAL["/api/v1"]["resources"]))}
    groups = [g for g in REAL["/apis"]["groups"] if g["preferredVersion"]["groupVersion"] in SERVED]
    out["/apis"] = dict(REAL["/apis"], groups=groups)
    for g in groups:
        gv = g["preferredVersion"]["groupVersion"]
        out[f"/apis/{g['name']}"] = REAL[f"/apis/{g['name']}"]
        out[f"/apis/{gv}"] = dict(REAL[f"/apis/{gv}"], resources=keep(gv, REAL[f"/apis/{gv}"]["resources"]))
    return out


DISCOVERY = _served_discovery()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        found = DISCOVERY.get(self.path.split("?")[0])
        body = json.dumps(found or {"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": "not found",
                                    "reason": "NotFound", "code": 404}).encode()
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def fake_kubectl(tmp_path):
    """Yields run(*args) -> CompletedProcess of the real kubectl talking to the fake server."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = tmp_path / "kubeconfig"
    config.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": "fake", "cluster": {"server": f"http://127.0.0.1:{server.server_address[1]}"}}],
        "contexts": [{"name": "fake", "context": {"cluster": "fake", "namespace": "default", "user": "u"}}],
        "current-context": "fake", "users": [{"name": "u", "user": {}}]}))

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([KUBECTL, "--kubeconfig", str(config), *args], capture_output=True, text=True, timeout=60)

    try:
        yield run
    finally:
        server.shutdown()

"""Regenerate the client-side apply goldens (apply_expected.json) with the real kubectl.

kubectl apply needs an API server, so this script runs a minimal fake one on loopback
(discovery for pods, GET returns the case's live object, PATCH records the body) and captures
the strategic merge patch kubectl computes. "unchanged" cases record {} (kubectl sends nothing).

Usage: python tests/unit/golden/patching/regen_apply.py [/usr/bin/kubectl]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))

_STATE: dict = {"current": None, "patch": None}

sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "e2e"))
from kubectl_fake import DISCOVERY as _DISCOVERY  # noqa: E402  (the fake server's discovery documents)


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def _send(self, code: int, obj: dict) -> None:
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path in _DISCOVERY:
            return self._send(200, _DISCOVERY[path])
        if path.startswith("/api/v1/namespaces/default/pods/"):
            return self._send(200, _STATE["current"])
        return self._send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                "message": "not found", "reason": "NotFound", "code": 404})

    def do_PATCH(self):
        n = int(self.headers.get("Content-Length", 0))
        _STATE["patch"] = json.loads(self.rfile.read(n).decode())
        return self._send(200, _STATE["current"])


def main() -> None:
    kubectl = sys.argv[1] if len(sys.argv) > 1 else "/usr/bin/kubectl"
    with open(os.path.join(HERE, "apply_cases.json")) as f:
        cases = json.load(f)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    port = srv.server_address[1]
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = os.path.join(tmp, "kubeconfig")
        with open(kubeconfig, "w") as f:
            json.dump({
                "apiVersion": "v1", "kind": "Config",
                "clusters": [{"name": "fake", "cluster": {"server": f"http://127.0.0.1:{port}"}}],
                "contexts": [{"name": "fake", "context": {"cluster": "fake", "namespace": "default", "user": "u"}}],
                "current-context": "fake",
                "users": [{"name": "u", "user": {}}],
            }, f)
        for case in cases:
            _STATE["current"] = case["current"]
            _STATE["patch"] = None
            path = os.path.join(tmp, "f.json")
            with open(path, "w") as f:
                json.dump(case["file"], f)
            proc = subprocess.run(
                [kubectl, "apply", "--validate=false", "-f", path],
                capture_output=True, text=True, timeout=60, env=dict(os.environ, KUBECONFIG=kubeconfig),
            )
            out[case["name"]] = {
                "stdout": proc.stdout.strip(),
                "stderr": proc.stderr.strip(),
                "patch": _STATE["patch"] if _STATE["patch"] is not None else {},
            }
    srv.shutdown()
    with open(os.path.join(HERE, "apply_expected.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

"""TLS for ``serve --tls`` (a self-signed certificate made with the ``openssl`` command, kept next to the store)
and the kubeconfig ``serve --kubeconfig-out FILE`` writes."""

from __future__ import annotations

import base64
import json
import os
import shutil
import ssl
import subprocess

from minikctl.kube.errors import ClientError


def certificate(directory: str, host: str) -> tuple[str, str]:
    """(cert file, key file) of a self-signed certificate for ``host`` (and localhost/127.0.0.1), made once."""
    cert = os.path.join(directory, "serve-cert.pem")
    key = os.path.join(directory, "serve-key.pem")
    if os.path.exists(cert) and os.path.exists(key):
        return cert, key
    openssl = shutil.which("openssl")
    if openssl is None:
        raise ClientError("serve --tls needs the openssl command to make its self-signed certificate")
    os.makedirs(directory, exist_ok=True)
    names = ["DNS:localhost", "IP:127.0.0.1", "IP:::1"]
    if host not in ("localhost", "127.0.0.1", "::1", "0.0.0.0", "::", ""):
        names.append(("IP:" if host.replace(".", "").isdigit() or ":" in host else "DNS:") + host)
    done = subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "3650", "-subj", "/CN=minikctl",
         "-addext", "subjectAltName=" + ",".join(names), "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,digitalSignature,keyCertSign"],
        capture_output=True, text=True)
    if done.returncode != 0:
        raise ClientError(f"openssl could not make a certificate: {done.stderr.strip()}")
    os.chmod(key, 0o600)
    return cert, key


def ssl_context(cert: str, key: str) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def kubeconfig(url: str, ca_file: str | None = None, namespace: str = "default") -> dict:
    cluster: dict = {"server": url}
    if ca_file:
        with open(ca_file, "rb") as fh:
            cluster["certificate-authority-data"] = base64.b64encode(fh.read()).decode()
    return {"apiVersion": "v1", "kind": "Config", "preferences": {},
            "clusters": [{"name": "minikctl", "cluster": cluster}],
            # over https kubectl prompts for a user name unless the user has some credential: a token the
            # server ignores (it has no authentication)
            "users": [{"name": "minikctl", "user": {"token": "minikctl"} if ca_file else {}}],
            "contexts": [{"name": "minikctl", "context": {"cluster": "minikctl", "user": "minikctl",
                                                          "namespace": namespace}}],
            "current-context": "minikctl"}


def write_kubeconfig(path: str, config: dict) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(config, fh, indent=2)
        fh.write("\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)

"""minikctl port-forward: real local ports answered by a simulated pod's server (kubectl 1.32's
pkg/cmd/portforward and client-go's tools/portforward), and the errors it gives before forwarding anything,
compared with the real kubectl's against `minikctl serve` on a copy of the store."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from kubectl_oracle import KUBECTL
from test_node_maintenance import WORLD
from test_serve import Kubectl, Served
from tests.conftest import Cli

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - name: http
    port: 8080
    targetPort: 80
"""
PENDING = """apiVersion: v1
kind: Pod
metadata:
  name: stuck
spec:
  nodeSelector: {nowhere: "true"}
  containers:
  - name: c
    image: nginx:1.14.2
"""


def _world(tmp_path) -> Cli:
    cli = Cli(tmp_path / "mine")
    cli.ok("apply", "-f", "-", input=WORLD + "---\n" + SERVICE + "---\n" + PENDING, tick="0")
    cli.ok("clock", "advance", "30s", tick="0")
    return cli


class Forward:
    def __init__(self, cli: Cli, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("MINIKCTL_STORE", "MINIKCTL_TICK")}
        env.update(MINIKCTL_HOME=str(cli.home), MINIKCTL_TICK="0")
        self.proc = subprocess.Popen([*cli.argv, "port-forward", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        self.lines = [self.proc.stdout.readline() for _ in range(2)]
        m = re.match(r"Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)\n", self.lines[0])
        assert m, (self.lines, self.proc.stderr.read() if self.proc.poll() is not None else "")
        self.port = int(m.group(1))

    def get(self, path: str) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read().decode()
        finally:
            conn.close()

    def stop(self) -> tuple[int, str, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=20)
        return self.proc.returncode, out, err


def test_a_pod_port_serves_what_nginx_has(tmp_path):
    cli = _world(tmp_path)
    fwd = Forward(cli, "pod/lone", ":80")
    try:
        assert fwd.lines[1] == f"Forwarding from [::1]:{fwd.port} -> 80\n" or fwd.lines[1] == ""
        code, headers, body = fwd.get("/")
        assert code == 200 and "<title>Welcome to nginx!</title>" in body
        assert headers["Server"] == "nginx/1.14.2" and headers["Content-Length"] == str(len(body))
        code, _h, body = fwd.get("/missing.html")
        assert code == 404 and "<center>nginx/1.14.2</center>" in body
        cli.ok("exec", "lone", "--", "sh", "-c", "echo forwarded > /usr/share/nginx/html/hi.txt", tick="0")
        assert fwd.get("/hi.txt")[2] == "forwarded\n"
    finally:
        rc, out, err = fwd.stop()
    assert rc == 0 and "Traceback" not in err
    assert out.count(f"Handling connection for {fwd.port}\n") == 3


def test_a_service_forwards_to_its_pods_target_port(tmp_path):
    """translateServicePortToTargetPort: service port 8080 (named http) is container port 80 of a web pod."""
    cli = _world(tmp_path)
    fwd = Forward(cli, "svc/web", ":http")
    try:
        assert fwd.lines[0].endswith(" -> 80\n")
        code, _h, body = fwd.get("/")
        assert code == 200 and "Welcome to nginx!" in body
    finally:
        assert fwd.stop()[0] == 0


def test_forwarding_ends_when_the_pod_goes(tmp_path):
    cli = _world(tmp_path)
    fwd = Forward(cli, "lone", "0:80")
    cli.ok("delete", "pod", "lone", "--grace-period=0", "--force", tick="0")
    with pytest.raises((http.client.HTTPException, ConnectionError, OSError)):
        fwd.get("/")
    deadline = time.monotonic() + 20
    while fwd.proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    rc, _out, err = fwd.stop()
    assert rc == 1 and err.endswith("error: lost connection to pod\n")


def test_refusals_as_kubectl_gives_them(tmp_path):
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    cli = _world(tmp_path)
    home = tmp_path / "served"
    shutil.copytree(cli.home, home)
    served = Served(home, "--tick", "0")
    kubectl = Kubectl(served, tmp_path)
    try:
        for args in (("port-forward", "pod/lone"), ("port-forward",), ("port-forward", "pod/stuck", "8080:80"),
                     ("port-forward", "pod/nosuch", "80"), ("port-forward", "svc/web", "9999"),
                     ("port-forward", "pod/lone", "x:80"), ("port-forward", "pod/lone", "80:"),
                     ("port-forward", "pod/lone", "web"), ("port-forward", "svc/web", ":nope"),
                     ("port-forward", "pod/lone", "80", "--address", "banana")):
            theirs = kubectl(*args, timeout=30)
            mine = cli(*args, tick="0")
            assert (mine.returncode, mine.stdout, mine.stderr) == \
                (theirs.returncode, theirs.stdout, theirs.stderr.replace("kubectl ", "minikctl ")), args
    finally:
        served.stop()

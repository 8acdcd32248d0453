"""One network namespace per pod (kubernetes.io/docs/concepts/workloads/pods/#pod-networking: "containers in a Pod
share the network namespace, including the IP address and network ports ... can communicate with one another using
localhost"), and the two-container tutorial (kubernetes.io/docs/tasks/access-application-cluster/
communicate-containers-same-pod-shared-volume/): the file one container writes into a shared emptyDir is what the
nginx of the other serves."""

from __future__ import annotations

import pytest

from tests.conftest import Cli

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  volumes:
  - name: html
    emptyDir: {}
  containers:
  - name: nginx
    image: nginx:1.27.4
    volumeMounts:
    - {name: html, mountPath: /usr/share/nginx/html}
  - name: puller
    image: busybox:1.36
    command: ["sh", "-c", "echo hello from the puller > /pod-data/index.html; sleep 3600"]
    volumeMounts:
    - {name: html, mountPath: /pod-data}
    readinessProbe:
      tcpSocket: {port: 80}
    livenessProbe:
      httpGet: {port: 80, path: /}
---
apiVersion: v1
kind: Pod
metadata:
  name: clash
spec:
  containers:
  - {name: first, image: nginx:1.27.4}
  - {name: second, image: nginx:1.27.4}
---
apiVersion: v1
kind: Pod
metadata:
  name: py
spec:
  containers:
  - name: web
    image: python:3.12
    command: [sh, -c, "mkdir -p /srv && echo hello > /srv/hi.txt && cd /srv && python -m http.server 8080"]
  - name: listener
    image: busybox:1.36
    command: [nc, -lk, -p, "9000"]
  - name: side
    image: busybox:1.36
    command: [sleep, "3600"]
"""


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    root = tmp_path_factory.mktemp("net")
    cli = Cli(root / "home")
    (root / "pods.yaml").write_text(POD)
    cli.ok("apply", "-f", str(root / "pods.yaml"), tick="0")
    cli.ok("clock", "advance", "30s", tick="0")
    return cli


def test_a_sidecar_probing_localhost_reaches_the_other_containers_port(net: Cli):
    # the puller's tcpSocket/httpGet probes on port 80 reach nginx's listener in the same namespace: 2/2, no
    # restarts (before: "dial tcp 10.244.0.2:80: connect: connection refused", 1/2, killed by liveness)
    out = net.ok("get", "pod", "web", tick="0")
    assert out.split("\n")[1].split()[1:4] == ["2/2", "Running", "0"]
    assert "Unhealthy" not in net.ok("describe", "pod", "web", tick="0")


def test_nginx_serves_the_file_the_other_container_wrote(net: Cli):
    assert net.ok("exec", "web", "-c", "puller", "--", "wget", "-qO-", "http://localhost/", tick="0") == \
        "hello from the puller\n"
    assert net.ok("exec", "web", "-c", "nginx", "--", "curl", "-s", "http://localhost/", tick="0") == \
        "hello from the puller\n"


def test_a_missing_file_gets_nginx_404_page(net: Cli):
    # ngx_http_special_response.c: the error page, CRLF line ends, the server token of the image's version
    done = net("exec", "web", "-c", "nginx", "--", "curl", "-s", "http://localhost/nope.html", tick="0")
    assert done.returncode == 0
    assert done.stdout == (  # (read as text: the CRLFs arrive as newlines)
"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
                           "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.4</center>\r\n"
                           "</body>\r\n</html>\r\n").replace("\r\n", "\n")
    # busybox wget: no body, the status line, exit 1
    done = net("exec", "web", "-c", "puller", "--", "wget", "-qO-", "http://localhost/nope.html", tick="0")
    assert (done.returncode, done.stdout, done.stderr) == (  # the container's stderr on kubectl's
        1, "", "wget: server returned error: HTTP/1.1 404 Not Found\n" + "command terminated with exit code 1\n")


def test_a_port_nothing_listens_on_is_refused(net: Cli):
    done = net("exec", "web", "-c", "puller", "--", "nc", "-z", "localhost", "81", tick="0")
    assert (done.returncode, done.stdout) == (1, "")
    assert net("exec", "web", "-c", "puller", "--", "nc", "-z", "localhost", "80", tick="0").returncode == 0
    done = net("exec", "web", "-c", "puller", "--", "wget", "-qO-", "http://localhost:81/", tick="0")
    assert done.returncode == 1
    assert done.stderr == ("wget: can't connect to remote host (127.0.0.1): Connection refused\n"
                           "command terminated with exit code 1\n")
    done = net("exec", "web", "-c", "nginx", "--", "curl", "http://localhost:81/", tick="0")
    assert done.returncode == 7  # kubectl exec exits with the command's code
    assert done.stderr == ("curl: (7) Failed to connect to localhost port 81 after 0 ms: Couldn't connect to server\n"
                           "command terminated with exit code 7\n")


def test_a_second_bind_of_the_same_port_fails(net: Cli):
    # both containers are nginx on port 80: the second to start finds the port taken (EADDRINUSE), exits 1
    # and is restarted (CrashLoopBackOff), while the first serves
    logs = net.ok("logs", "clash", "-c", "second", tick="0")
    assert "nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)" in logs
    assert logs.rstrip("\n").endswith("nginx: [emerg] still could not bind()")
    line = net.ok("get", "pod", "clash", tick="0").split("\n")[1].split()
    assert line[1] == "1/2"


def test_python_http_server_and_nc_listen(net: Cli):
    # http.server serves its working directory; its 404 is HTTP/1.0 "File not found" (SimpleHTTPRequestHandler)
    assert net.ok("exec", "py", "-c", "side", "--", "wget", "-qO-", "http://localhost:8080/hi.txt", tick="0") == \
        "hello\n"
    listing = net.ok("exec", "py", "-c", "side", "--", "wget", "-qO-", "http://localhost:8080/", tick="0")
    assert '<li><a href="hi.txt">hi.txt</a></li>' in listing
    done = net("exec", "py", "-c", "side", "--", "wget", "-qO-", "http://localhost:8080/nope", tick="0")
    assert (done.returncode, done.stderr) == (1, "wget: server returned error: HTTP/1.0 404 File not found\n"
                                                 "command terminated with exit code 1\n")
    # nc -l in one container: the port is open for the others, and a second bind fails
    assert net("exec", "py", "-c", "side", "--", "nc", "-z", "localhost", "9000", tick="0").returncode == 0
    done = net("exec", "py", "-c", "side", "--", "nc", "-l", "-p", "9000", tick="0")
    assert (done.returncode, done.stderr) == (1, "nc: bind: Address already in use\n"
                                                 "command terminated with exit code 1\n")

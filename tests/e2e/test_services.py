"""Services end to end at exact virtual times: the endpoints follow readiness, cluster DNS and kube-proxy reach a
ready backend, a Service without one refuses, and the API server refuses invalid Services with its own messages.

Sources: kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes ("readinessProbe: ... If the
readiness probe fails, the EndpointSlice controller removes the Pod's IP address from the EndpointSlices of all
Services that match the Pod"); pkg/controller/endpoint (syncService) and pkg/controller/endpointslice
(podToEndpoint) for the addresses; kubernetes.io/docs/concepts/services-networking/dns-pod-service/ for the names;
pkg/proxy/iptables (a Service without endpoints gets a REJECT rule: connection refused); pkg/kubelet/network/dns
for resolv.conf; pkg/apis/core/validation ValidateService and pkg/registry/core/service for the refusals.
"""

from __future__ import annotations

import pytest

from tests.conftest import Cli

WORLD = """\
apiVersion: v1
kind: Pod
metadata:
  name: flip
  labels: {app: flip}
spec:
  containers:
  - name: nginx
    image: nginx:1.27.4
    readinessProbe:
      exec:
        command: [cat, /usr/share/nginx/html/ready]
      periodSeconds: 5
      failureThreshold: 1
---
apiVersion: v1
kind: Service
metadata:
  name: flip
spec:
  selector: {app: flip}
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: flip-all
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {app: flip}
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: nobody
spec:
  selector: {app: nothing-has-this}
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector: {app: web}
  ports:
  - {port: 80, name: web}
---
apiVersion: v1
kind: Service
metadata:
  name: web-np
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - {port: 8080, targetPort: web, nodePort: 30080}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27.4
        ports:
        - {containerPort: 80, name: web}
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: busybox
    image: busybox:1.36
    command: [sleep, "3600"]
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("services")
    cli = Cli(root / "home")
    (root / "world.yaml").write_text(WORLD)
    cli.ok("apply", "-f", str(root / "world.yaml"), tick="0")
    cli.ok("clock", "advance", "20s", tick="0")  # 00:00:20: flip runs (started at 2 s), not ready
    return cli


def run(cli: Cli, *args: str) -> str:
    return cli.ok(*args, tick="0")


def test_readiness_moves_the_pod_in_and_out_of_the_endpoints(world: Cli):
    ip = run(world, "get", "pod", "flip", "-o", "jsonpath={.status.podIP}")
    cluster_ip = run(world, "get", "svc", "flip", "-o", "jsonpath={.spec.clusterIP}")
    # 00:00:20: the probe (2 s, 7 s, 12 s, 17 s) has failed every time: a not-ready address only
    assert run(world, "get", "ep", "flip", "-o", "jsonpath={.subsets[0].notReadyAddresses[0].ip}") == ip
    assert run(world, "get", "ep", "flip").split("\n")[1].split() == ["flip", "20s"]  # an empty ENDPOINTS cell
    slice_ready = run(world, "get", "endpointslices", "-l", "kubernetes.io/service-name=flip",
                      "-o", "jsonpath={.items[0].endpoints[0].conditions.ready}")
    assert slice_ready == "false"
    # kube-proxy: no ready endpoint, the cluster IP refuses
    done = world("exec", "client", "--", "wget", "-qO-", "http://flip/ready", tick="0")
    assert (done.returncode, done.stderr) == (1, f"wget: can't connect to remote host ({cluster_ip}): "
                                                 "Connection refused\n" + "command terminated with exit code 1\n")
    # the file the probe reads appears: the probe at 00:00:22 succeeds, the endpoint is ready at that instant
    run(world, "exec", "flip", "--", "sh", "-c", "echo ok > /usr/share/nginx/html/ready")
    run(world, "clock", "advance", "2s")
    assert run(world, "get", "ep", "flip").split("\n")[1].split()[:2] == ["flip", f"{ip}:80"]
    ep = run(world, "get", "ep", "flip", "-o", "jsonpath={.metadata.annotations}")
    assert '"endpoints.kubernetes.io/last-change-trigger-time":"2026-01-01T00:00:22Z"' in ep
    assert run(world, "exec", "client", "--", "wget", "-qO-", "http://flip/ready") == "ok\n"
    # gone again: the probe at 00:00:27 fails (failureThreshold 1), the address leaves at 00:00:27, not before
    run(world, "exec", "flip", "--", "rm", "/usr/share/nginx/html/ready")
    run(world, "clock", "advance", "4s")  # 00:00:26
    assert run(world, "get", "ep", "flip", "-o", "jsonpath={.subsets[0].addresses[0].ip}") == ip
    run(world, "clock", "advance", "1s")  # 00:00:27
    assert run(world, "get", "ep", "flip", "-o", "jsonpath={.subsets[0].addresses}") == ""
    assert world("exec", "client", "--", "wget", "-qO-", "http://flip/", tick="0").returncode == 1


def test_publish_not_ready_addresses(world: Cli):
    # 00:00:27 on: flip is not ready, yet a Service with publishNotReadyAddresses lists it as ready
    # (syncService: tolerateUnreadyEndpoints; podToEndpoint: ready = publishNotReadyAddresses || ...), and its
    # headless name resolves to it
    ip = run(world, "get", "pod", "flip", "-o", "jsonpath={.status.podIP}")
    assert run(world, "get", "pod", "flip", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}") \
        == "False"
    assert run(world, "get", "ep", "flip-all", "-o", "jsonpath={.subsets[0].addresses[0].ip}") == ip
    slice_ep = run(world, "get", "endpointslices", "-l", "kubernetes.io/service-name=flip-all",
                   "-o", "jsonpath={.items[0].endpoints[0].conditions}")
    assert slice_ep == '{"ready":true,"serving":false,"terminating":false}'
    out = run(world, "exec", "client", "--", "nslookup", "flip-all")
    assert out.split("\n")[4] == f"Address 1: {ip} {ip.replace('.', '-')}.flip-all.default.svc.cluster.local"


def test_a_service_selecting_nothing_has_no_endpoints_and_refuses(world: Cli):
    assert run(world, "get", "ep", "nobody").split("\n")[1].split()[:2] == ["nobody", "<none>"]
    slices = run(world, "get", "endpointslices", "-l", "kubernetes.io/service-name=nobody")
    assert slices.split("\n")[1].split()[1:4] == ["IPv4", "<unset>", "<unset>"]  # the placeholder slice
    ip = run(world, "get", "svc", "nobody", "-o", "jsonpath={.spec.clusterIP}")
    done = world("exec", "client", "--", "nc", "-z", "nobody", "80", tick="0")
    assert (done.returncode, done.stdout) == (1, "")
    done = world("exec", "client", "--", "wget", "-qO-", "http://nobody.default.svc.cluster.local/", tick="0")
    assert done.stderr == (f"wget: can't connect to remote host ({ip}): Connection refused\n"
                           "command terminated with exit code 1\n")


@pytest.mark.parametrize("name", ["kubernetes", "kubernetes.default", "kubernetes.default.svc",
                                  "kubernetes.default.svc.cluster.local"])
def test_cluster_dns_names_of_a_service(world: Cli, name):
    # busybox 1.28's nslookup (kubernetes.io's DNS debugging page), CoreDNS's PTR name for the cluster IP
    out = run(world, "exec", "client", "--", "nslookup", name)
    assert out == ("Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
                   f"Name:      {name}\nAddress 1: 10.96.0.1 kubernetes.default.svc.cluster.local\n")


def test_a_missing_name_does_not_resolve(world: Cli):
    done = world("exec", "client", "--", "nslookup", "nope", tick="0")
    assert done.returncode == 1
    assert done.stderr == "nslookup: can't resolve 'nope'\ncommand terminated with exit code 1\n"
    done = world("exec", "client", "--", "wget", "-qO-", "http://nope/", tick="0")
    assert (done.returncode, done.stderr) == (1, "wget: bad address 'nope'\n" + "command terminated with exit code 1\n")


def test_headless_service_and_statefulset_pod_names(world: Cli):
    ips = {p: run(world, "get", "pod", p, "-o", "jsonpath={.status.podIP}") for p in ("web-0", "web-1")}
    out = run(world, "exec", "client", "--", "nslookup", "nginx")
    assert out.split("\n")[3:] == ["Name:      nginx",
                                   f"Address 1: {ips['web-0']} web-0.nginx.default.svc.cluster.local",
                                   f"Address 2: {ips['web-1']} web-1.nginx.default.svc.cluster.local", ""]
    out = run(world, "exec", "client", "--", "nslookup", "web-1.nginx")
    assert out.split("\n")[4] == f"Address 1: {ips['web-1']} web-1.nginx.default.svc.cluster.local"
    # the pod's own hosts file names it in its subdomain; the Endpoints carry its hostname
    assert run(world, "get", "ep", "nginx", "-o", "jsonpath={.subsets[0].addresses[*].hostname}") == "web-0 web-1"
    assert "<h1>Welcome to nginx!</h1>" in run(world, "exec", "client", "--", "wget", "-qO-", "http://web-0.nginx/")


def test_node_port_from_a_pod(world: Cli):
    # kube-proxy's KUBE-NODEPORTS rules: a node's address and the node port lead to a ready endpoint's target port
    # (named: the StatefulSet pods' port "web", 80); another port of the node refuses
    assert "<h1>Welcome to nginx!</h1>" in run(world, "exec", "client", "--", "wget", "-qO-", "http://192.168.49.2:30080/")
    done = world("exec", "client", "--", "wget", "-qO-", "http://192.168.49.2:30081/", tick="0")
    assert done.stderr == ("wget: can't connect to remote host (192.168.49.2): Connection refused\n"
                           "command terminated with exit code 1\n")
    ports = run(world, "get", "svc", "web-np", "-o", "wide").split("\n")[1].split()
    assert ports[1] == "NodePort" and ports[4] == "8080:30080/TCP" and ports[6] == "app=web"


def test_resolv_conf_as_the_kubelet_writes_it(world: Cli):
    assert run(world, "exec", "client", "--", "cat", "/etc/resolv.conf") == (
        "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n")


def test_the_kubernetes_service(world: Cli):
    out = run(world, "get", "svc", "kubernetes", "-o", "wide").split("\n")
    assert out[0].split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"]
    assert out[1].split()[:5] == ["kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP"]
    assert out[1].split()[6] == "<none>"
    assert run(world, "get", "ep", "kubernetes").split("\n")[1].split()[1] == "192.168.49.2:8443"


def test_invalid_services_get_the_api_servers_messages(world: Cli, tmp_path):
    before = world.db_bytes()
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  ports: [{port: 0, targetPort: 80}]\n")
    err = world.fail("apply", "-f", str(bad), tick="0")
    assert err == ('The Service "x" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, '
                   "inclusive\n")
    bad.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  selector: {app: a}\n")
    assert world.fail("create", "-f", str(bad), tick="0") == 'The Service "x" is invalid: spec.ports: Required value\n'
    bad.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  type: NodePort\n"
                   "  ports: [{port: 80, nodePort: 80}]\n")
    assert world.fail("create", "-f", str(bad), tick="0") == (
        'The Service "x" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid '
        "range. The range of valid ports is 30000-32767\n")
    bad.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  clusterIP: 10.96.0.1\n"
                   "  ports: [{port: 80}]\n")
    assert world.fail("create", "-f", str(bad), tick="0") == (
        'The Service "x" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP '
        "10.96.0.1: provided IP is already allocated\n")
    bad.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: 1x}\nspec:\n  ports: [{port: 80}, {port: 81}]\n")
    assert world.fail("create", "-f", str(bad), tick="0") == (
        'The Service "1x" is invalid: \n'
        "* metadata.name: Invalid value: \"1x\": a DNS-1035 label must consist of lower case alphanumeric characters "
        "or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
        "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')\n"
        "* spec.ports[0].name: Required value\n* spec.ports[1].name: Required value\n")
    err = world.fail("patch", "svc", "flip", "-p", '{"spec":{"clusterIP":"10.96.0.99"}}', tick="0")
    assert err.startswith('The Service "flip" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: '
                          "may not change once set")
    assert world.db_bytes() == before  # refusals leave the store as it was (the tick is 0)


def test_expose_errors(world: Cli):
    assert world.fail("expose", "pod", "client", "--port=80", tick="0") == (
        "error: couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot "
        "be exposed\n")
    assert world.fail("expose", "svc", "kubernetes", tick="0") == (
        "error: couldn't retrieve selectors via --selector flag or introspection: the service has no pod selector "
        "set\n")
    assert world.fail("expose", "statefulset", "web", tick="0") == "error: cannot expose a StatefulSet.apps\n"


MYAPP = """\
apiVersion: v1
kind: Pod
metadata:
  name: myapp-pod
  labels:
    app.kubernetes.io/name: MyApp
spec:
  containers:
  - name: myapp-container
    image: busybox:1.28
    command: ['sh', '-c', 'echo The app is running! && sleep 3600']
  initContainers:
  - name: init-myservice
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup myservice.default.svc.cluster.local; do echo waiting for myservice; sleep 2; done"]
  - name: init-mydb
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup mydb.default.svc.cluster.local; do echo waiting for mydb; sleep 2; done"]
"""

MYAPP_SERVICES = """\
apiVersion: v1
kind: Service
metadata:
  name: myservice
spec:
  ports:
  - protocol: TCP
    port: 80
    targetPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: mydb
spec:
  ports:
  - protocol: TCP
    port: 80
    targetPort: 9377
"""


def test_init_containers_wait_for_their_services(tmp_path):
    """kubernetes.io/docs/concepts/workloads/pods/init-containers/ (myapp-pod; the namespace is written out, the
    page reads it from the service-account files): Init:0/2 until the Services exist, then each init container's
    next `nslookup` (its 2 s loop) resolves."""
    cli = Cli(tmp_path / "home")
    (tmp_path / "myapp.yaml").write_text(MYAPP)
    (tmp_path / "services.yaml").write_text(MYAPP_SERVICES)
    cli.ok("apply", "-f", str(tmp_path / "myapp.yaml"), tick="0")
    cli.ok("clock", "advance", "6m", tick="0")  # init-myservice started at 1 s: its loop looks at odd seconds
    assert cli.ok("get", "pod", "myapp-pod", tick="0").split("\n")[1].split()[1:3] == ["0/1", "Init:0/2"]
    assert cli.ok("logs", "myapp-pod", "-c", "init-myservice", "--tail=2", tick="0") == (
        "nslookup: can't resolve 'myservice.default.svc.cluster.local'\nwaiting for myservice\n")
    cli.ok("apply", "-f", str(tmp_path / "services.yaml"), tick="0")  # 00:06:00
    # init-myservice's loop (started at 00:00:01) looks again at 00:06:01, resolves and exits; the kubelet starts
    # init-mydb, whose first nslookup resolves at 00:06:02; the app container runs at 00:06:03
    cli.ok("clock", "advance", "1s", tick="0")  # 00:06:01
    assert cli.ok("get", "pod", "myapp-pod", tick="0").split("\n")[1].split()[1:3] == ["0/1", "Init:1/2"]
    ip = cli.ok("get", "svc", "myservice", "-o", "jsonpath={.spec.clusterIP}", tick="0")
    assert cli.ok("logs", "myapp-pod", "-c", "init-myservice", "--tail=2", tick="0") == (
        f"Name:      myservice.default.svc.cluster.local\nAddress 1: {ip} myservice.default.svc.cluster.local\n")
    cli.ok("clock", "advance", "1s", tick="0")  # 00:06:02: both init containers done, the app container starting
    assert cli.ok("get", "pod", "myapp-pod", tick="0").split("\n")[1].split()[1:3] == ["0/1", "PodInitializing"]
    cli.ok("clock", "advance", "1s", tick="0")  # 00:06:03
    assert cli.ok("get", "pod", "myapp-pod", tick="0").split("\n")[1].split()[1:3] == ["1/1", "Running"]


def test_service_environment_variables_are_the_containers_from_its_start(tmp_path):
    """kubernetes.io, "Connecting Applications with Services" (Accessing the Service, Environment Variables): pods
    that ran before the Service have only the kubernetes Service's variables; once recreated they have the
    Service's (kubelet_pods.go getServiceEnvVarMap, envvars.go FromServices: host, port, named ports, Docker links).
    enableServiceLinks: false leaves out all but the kubernetes Service's; a headless Service gives none."""
    import pathlib

    examples = pathlib.Path(__file__).resolve().parents[2] / "minikctl" / "k8s_examples"
    manifest = examples / "service" / "networking" / "run-my-nginx.yaml"
    cli = Cli(tmp_path / "home")
    cli.ok("apply", "-f", str(manifest), tick="0")
    cli.ok("clock", "advance", "10s", tick="0")

    def service_vars(pod: str) -> dict:
        out = cli.ok("exec", pod, "--", "printenv", tick="0")
        return dict(ln.split("=", 1) for ln in out.splitlines() if "_SERVICE_" in ln or "_PORT" in ln)

    originals = cli.ok("get", "pods", "-l", "run=my-nginx", "-o", "jsonpath={.items[*].metadata.name}",
                       tick="0").split()
    first = originals[0]
    before = service_vars(first)
    assert {k for k in before if k.endswith("_SERVICE_HOST")} == {"KUBERNETES_SERVICE_HOST"}
    cli.ok("expose", "deployment/my-nginx", tick="0")
    cli.ok("create", "service", "clusterip", "headless-one", "--clusterip=None", tick="0")
    cli.ok("clock", "advance", "1s", tick="0")
    assert service_vars(first) == before  # the running containers keep the environment they started with
    ip = cli.ok("get", "svc", "my-nginx", "-o", "jsonpath={.spec.clusterIP}", tick="0")
    cli.ok("delete", "pod", first, tick="0")  # its ReplicaSet creates another, after the Service
    cli.ok("clock", "advance", "1m", tick="0")
    names = cli.ok("get", "pods", "-l", "run=my-nginx", "-o", "jsonpath={.items[*].metadata.name}", tick="0").split()
    (new,) = [n for n in names if n not in originals]
    after = service_vars(new)
    assert {k: v for k, v in after.items() if k.startswith("MY_NGINX_")} == {
        "MY_NGINX_SERVICE_HOST": ip, "MY_NGINX_SERVICE_PORT": "80",
        "MY_NGINX_PORT": f"tcp://{ip}:80", "MY_NGINX_PORT_80_TCP": f"tcp://{ip}:80",
        "MY_NGINX_PORT_80_TCP_PROTO": "tcp", "MY_NGINX_PORT_80_TCP_PORT": "80", "MY_NGINX_PORT_80_TCP_ADDR": ip}
    assert not any(k.startswith("HEADLESS_ONE") for k in after)
    cli.ok("run", "nolinks", "--image=busybox", "--overrides", '{"spec": {"enableServiceLinks": false}}', "--",
           "sleep", "1d", tick="0")
    cli.ok("clock", "advance", "10s", tick="0")
    assert {k for k in service_vars("nolinks") if k.endswith("_SERVICE_HOST")} == {"KUBERNETES_SERVICE_HOST"}

"""minikctl port-forward TYPE/NAME [LOCAL_PORT:]REMOTE_PORT...: real local ports that reach a simulated pod's server.

As kubectl v1.32 (``pkg/cmd/portforward/portforward.go``; client-go ``tools/portforward/portforward.go``): the
object's pod (``attachablePodForObject``: a pod, or the first active pod of a workload's or a Service's selector),
a Service's ports translated to its pods' target ports, named container ports looked up, the pod required to be
Running, then listeners on ``--address`` (``localhost``: 127.0.0.1 and ::1, whichever can be bound) that print
"Forwarding from ADDRESS:LOCAL -> REMOTE" and, for each connection, "Handling connection for LOCAL".

Nothing is tunnelled anywhere: each HTTP request that arrives is answered by the pod's simulated server, through
the pod network of ``engine/network.py`` (``ClusterNet.connect_pod``, ``behavior/network.http_request``) -- nginx
serves the files of its docroot as they are in the container's virtual filesystem. Each request reads the store
in a transaction of its own, with the clock following the wall clock as ``minikctl serve``'s does (the same
``serve/state.py``). A connection to a port nothing listens on is closed, with the error kubectl's forwarder logs;
a pod that goes away ends the command ("lost connection to pod"), as kubectl 1.32's does. Only HTTP is spoken.
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Opt

READ_LIMIT = 64 * 1024


def parse_ports(specs: list[str]) -> list[tuple[int, int]]:
    """parsePorts of client-go's portforward: ``LOCAL:REMOTE``, ``PORT`` (the same), ``:REMOTE`` (any local)."""
    from minikctl.kube.errors import ClientError

    out = []
    for spec in specs:
        parts = spec.split(":")
        if len(parts) == 2:
            local_s, remote_s = parts
            if local_s == "":
                local = 0
            else:
                local = _port(local_s, "local")
        else:
            local_s = remote_s = parts[0]
            local = _port(local_s, "local")
        remote = _port(remote_s, "remote")
        if remote == 0:
            raise ClientError("remote port must be > 0")
        out.append((local, remote))
    return out


def _port(text: str, which: str) -> int:
    from minikctl.kube.errors import ClientError

    try:
        value = int(text, 10)
        if not 0 <= value <= 65535:
            raise ValueError
    except ValueError:
        raise ClientError(f"error parsing {which} port '{text}': strconv.ParseUint: parsing \"{text}\": "
                          + ("value out of range" if text.lstrip("-").isdigit() else "invalid syntax")) from None
    return value


def _container_port(pod: dict, name: str) -> int:
    """util.LookupContainerPortNumberByName."""
    from minikctl.kube.errors import ClientError

    for ct in (pod.get("spec") or {}).get("containers") or []:
        for p in ct.get("ports") or []:
            if p.get("name") == name:
                return int(p.get("containerPort") or 0)
    raise ClientError(f"Pod '{pod['metadata']['name']}' does not have a named port '{name}'")


def translate(obj: dict, pod: dict, specs: list[str]) -> list[str]:
    """translateServicePortToTargetPort for a Service, convertPodNamedPortToNumber for anything else."""
    from minikctl.kube.errors import ClientError

    out = []
    for spec in specs:
        local, _, remote = spec.partition(":") if ":" in spec else (spec, "", spec)
        if obj.get("kind") == "Service":
            ports = (obj.get("spec") or {}).get("ports") or []
            if remote.isdigit():
                number = int(remote)
            else:
                sp = next((p for p in ports if p.get("name") == remote), None)
                if sp is None:
                    raise ClientError(f"Service '{obj['metadata']['name']}' does not have a named port '{remote}'")
                number = int(sp.get("port") or 0)
                if local == remote:
                    local = str(number)
            sp = next((p for p in ports if int(p.get("port") or 0) == number), None)
            if sp is None:
                raise ClientError(f"Service {obj['metadata']['name']} does not have a service port {number}")
            target = sp.get("targetPort", number)
            container = _container_port(pod, target) if isinstance(target, str) else int(target)
            remote = str(container)
        else:
            # checkUDPPortInPod runs first and looks a name up (an empty one too), then convertPodNamedPortToNumber
            if not remote.isdigit():
                remote = str(_container_port(pod, remote))
        out.append(remote if local == remote else f"{local}:{remote}")
    return out


def port_forward(
    args: list[str] | None = Arg(None, help="TYPE/NAME [LOCAL_PORT:]REMOTE_PORT [...]", complete="pod_names"),
    address: list[str] | None = Opt(None, "--address", help="Addresses to listen on (comma separated). Only "
                                                           "accepts IP addresses or localhost as a value."),
    pod_running_timeout: str = Opt("1m0s", "--pod-running-timeout",
                                   help="The length of (virtual) time to wait until at least one pod is running"),
    namespace: str | None = c.NAMESPACE,
    speed: str = Opt("1", "--speed", help="Virtual seconds per wall second while forwarding."),
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> int:
    """Forward one or more local ports to a pod."""
    from minikctl.cli import podfor
    from minikctl.kube.errors import ClientError, UsageError
    from minikctl.kube.kinds import POD, resolve

    args = args or []
    if len(args) < 2:
        raise UsageError("TYPE/NAME and list of ports are required for port-forward", "port-forward")
    ns = c.namespace_of(namespace)
    with c.session(store, tick) as cluster:
        api = cluster.api
        res, name = POD, args[0]
        if "/" in args[0]:
            type_, _, name = args[0].partition("/")
            res = resolve(type_)
        obj = api.get(res, ns, name)
        pod = obj if obj.get("kind") == "Pod" else podfor.attachable_pod(cluster, obj, pod_running_timeout)
        ports = translate(obj, pod, args[1:])
        pod = api.get(POD, ns, pod["metadata"]["name"])
        phase = (pod.get("status") or {}).get("phase")
        if phase != "Running":
            raise ClientError(f"unable to forward port because pod is not running. Current status={phase}")
    pairs = parse_ports(ports)
    try:
        pace = float(speed)
    except ValueError:
        raise ClientError(f'invalid argument "{speed}" for "--speed" flag: must be a number') from None
    forwarder = Forwarder(pod, pairs, _addresses(address or ["localhost"]), store, pace)
    return forwarder.run()


def _addresses(values: list[str]) -> list[tuple[str, int]]:
    """parseAddresses: localhost is 127.0.0.1 and ::1 (either may fail), an IP is itself."""
    import ipaddress
    import socket

    from minikctl.kube.errors import ClientError

    out = []
    for item in values:
        for a in item.split(","):
            if a == "localhost":
                out += [("127.0.0.1", socket.AF_INET), ("::1", socket.AF_INET6)]
                continue
            try:
                ip = ipaddress.ip_address(a)
            except ValueError:
                raise ClientError(f"{a} is not a valid IP") from None
            out.append((str(ip), socket.AF_INET6 if ip.version == 6 else socket.AF_INET))
    return out


class Forwarder:
    def __init__(self, pod: dict, pairs: list[tuple[int, int]], addresses: list, store: str | None,
                 speed: float) -> None:
        import threading

        from minikctl.serve.server import new_state
        from minikctl.serve.state import Pacer
        from minikctl.store.db import store_path

        self.pod = pod
        self.ns = pod["metadata"].get("namespace", "default")
        self.name = pod["metadata"]["name"]
        self.uid = pod["metadata"].get("uid", "")
        self.pairs = pairs
        self.addresses = addresses
        self.state = new_state(store_path(store or c._global["store"]), Pacer(speed))
        self.stop = threading.Event()
        self.lost = False
        self.print_lock = threading.Lock()

    def say(self, text: str, err: bool = False) -> None:
        import sys

        with self.print_lock:
            stream = sys.stderr if err else sys.stdout
            stream.write(text + "\n")
            stream.flush()

    def run(self) -> int:
        import signal
        import socket
        import threading

        from minikctl.kube.errors import ClientError

        sockets = []
        for local, remote in self.pairs:
            bound, errors, chosen = [], [], local
            for host, family in self.addresses:
                s = socket.socket(family, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind((host, chosen))
                    s.listen(16)
                except OSError as e:
                    s.close()
                    net = "tcp6" if family == socket.AF_INET6 else "tcp4"
                    errors.append(f"unable to create listener: Error listen {net} "
                                  f"{'[' + host + ']' if ':' in host else host}:{chosen}: {e.strerror or e}")
                    continue
                chosen = s.getsockname()[1]  # the port picked for ":REMOTE", kept for the other address
                bound.append(s)
                shown = f"[{host}]" if ":" in host else host
                self.say(f"Forwarding from {shown}:{chosen} -> {remote}")
            if not bound:
                for s in sockets:
                    s.close()
                raise ClientError(f"Unable to listen on any of the requested ports: [{{{local} {remote}}}]")
            if errors:
                self.say(f"Unable to listen on port {local}: Listeners failed to create with the following "
                         f"errors: [{', '.join(errors)}]", err=True)
            sockets += [(s, chosen, remote) for s in bound]
        for s, local, remote in sockets:
            threading.Thread(target=self._accept, args=(s, local, remote), daemon=True).start()
        signal.signal(signal.SIGTERM, lambda *_a: self.stop.set())
        try:
            while not self.stop.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            for s, _l, _r in sockets:
                s.close()
            self.state.close()
        if self.lost:
            raise ClientError("lost connection to pod")
        return 0

    def _accept(self, sock, local: int, remote: int) -> None:
        import threading

        while not self.stop.is_set():
            try:
                conn, _peer = sock.accept()
            except OSError:
                return
            self.say(f"Handling connection for {local}")
            threading.Thread(target=self._serve, args=(conn, local, remote), daemon=True).start()

    def _serve(self, conn, local: int, remote: int) -> None:
        try:
            buf = b""
            while not self.stop.is_set():
                while b"\r\n\r\n" not in buf:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    buf += chunk
                    if len(buf) > READ_LIMIT:
                        return
                head, _, buf = buf.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                if len(parts) != 3 or not parts[2].startswith("HTTP/"):
                    return  # not HTTP: the simulated servers speak nothing else
                headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
                length = int(headers.get("content-length", "0") or 0)
                while len(buf) < length:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    buf += chunk
                buf = buf[length:]
                answer = self._answer(parts[0], parts[1], local, remote)
                if answer is None:
                    return
                conn.sendall(answer)
                if headers.get("connection", "").lower() == "close" or parts[2] == "HTTP/1.0":
                    return
        except OSError:
            return
        finally:
            conn.close()

    def _answer(self, method: str, path: str, local: int, remote: int) -> bytes | None:
        """The pod's server's response to one request, or None (the connection is dropped) when nothing listens."""
        from minikctl.engine.behavior.network import REASONS, http_request
        from minikctl.engine.network import ClusterNet

        def fn(cluster):
            tx = cluster.tx
            pod = tx.get("Pod", self.ns, self.name)
            if pod is None or pod["metadata"].get("uid") != self.uid:
                return "lost"
            ip = (pod.get("status") or {}).get("podIP") or ""
            answer = ClusterNet(tx).connect_pod(ip, remote, cluster.now_ms)
            if answer is None:
                return None
            code, body = http_request(answer, path, cluster.now_ms)
            return code, body, str(getattr(answer.listener, "server", "") or ""), cluster.now_ms

        result = self.state.run(fn, write=False)
        if result == "lost":
            self.lost = True
            self.say(f"E0000 portforward.go:413] an error occurred forwarding {local} -> {remote}: error forwarding "
                     f"port {remote} to pod {self.uid}: pod not found", err=True)
            self.stop.set()
            return None
        if result is None:
            self.say(f"E0000 portforward.go:413] an error occurred forwarding {local} -> {remote}: error forwarding "
                     f"port {remote} to pod {self.uid}: failed to connect to localhost:{remote} inside the pod: "
                     "connect: connection refused", err=True)
            return None
        code, body, server, now_ms = result
        data = body.encode() if method != "HEAD" else b""
        head = [f"HTTP/1.1 {code} {REASONS.get(code, '')}"]
        if server:
            head.append(f"Server: {server}")
        head += [f"Date: {_http_date(now_ms)}", "Content-Type: text/html",
                 f"Content-Length: {len(body.encode())}", "Connection: keep-alive"]
        return ("\r\n".join(head) + "\r\n\r\n").encode() + data


def _http_date(ms: int) -> str:
    """RFC 7231's IMF-fixdate, as servers write Date."""
    import email.utils

    return email.utils.formatdate(ms / 1000, usegmt=True)


COMMANDS = {"port-forward": port_forward}

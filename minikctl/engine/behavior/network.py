"""A pod's network namespace, as the simulated programs see it.

Every container of a pod shares one network namespace (kubernetes.io, "Pods": "containers in a Pod share the
network namespace, including the IP address and network ports ... can communicate with one another using
localhost"). A ``PodNetwork`` is that namespace for one container: the ports every container of the pod listens
on (``listening``, which the kubelet's probes read), whether a port is already taken (``bind_conflict``: a second
bind fails with ``EADDRINUSE``), and connections from the container (``connect``) to ``localhost``, the pod's own
IP, another pod's IP or a Service's cluster IP, through the ``cluster`` the kubelet gives it (names and
addresses of the cluster: Services, their ready endpoints, other pods' listeners; see ``engine/network.py``).

What a connection reaches answers as the server would: nginx and httpd serve the files really in their
filesystem (the docroot of the image, or what another container wrote into a shared emptyDir), with their real
404 page; agnhost's ``serve-hostname``/``netexec`` answer the serving pod's hostname. Names outside the cluster
domain are not resolved by the simulation: ``external`` says so, and the tools keep their old assumption (the
URL answers a small simulated page).

Nothing here imports the engine: the kubelet builds a ``PodNetwork`` with callables over its own records.
"""

from __future__ import annotations

from minikctl.kube.digest import sha256


LOCAL_NAMES = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "ip6-localhost", "ip6-loopback"}
CLUSTER_DOMAIN = "cluster.local"
DNS_SERVER = "10.96.0.10"  # the kube-dns Service's cluster IP (the kubelet's clusterDNS)


class Answer:
    """What a connection found: the listener, the filesystem of the container serving it (None when the server
    does not read files), the serving pod's hostname, and the address actually dialled."""

    __slots__ = ("listener", "fs", "hostname", "ip")

    def __init__(self, listener, fs, hostname: str, ip: str) -> None:
        self.listener, self.fs, self.hostname, self.ip = listener, fs, hostname, ip


class PodNetwork:
    """One pod's network namespace seen from one of its containers.

    ``ports(now_ms)`` -> [(listener dict, container name)] for every running process of the pod;
    ``fs_for(container)`` -> that container's ``ContainerFS`` (a server reads its files through it);
    ``cluster`` (optional) resolves names and reaches other addresses: ``resolve(fqdn) -> [(ip, ptr name)]``,
    ``connect(ip, port, now_ms, client) -> Answer | None``, ``is_cluster_ip(ip)``.
    """

    def __init__(self, pod_ip: str, namespace: str, hostname: str, container: str, ports, fs_for,
                 cluster=None) -> None:
        self.pod_ip = pod_ip or ""
        self.namespace = namespace or "default"
        self.hostname = hostname
        self.container = container
        self._ports = ports
        self._fs_for = fs_for
        self.cluster = cluster

    # -- the namespace's own ports -----------------------------------------------------------------
    def _open(self, now_ms: int) -> dict:
        from .listener import Listener

        out: dict = {}
        for d, owner in self._ports(now_ms):
            if int(d.get("since_ms", 0) or 0) <= now_ms and int(d["port"]) not in out:
                out[int(d["port"])] = (Listener.from_dict(d), owner)
        return out

    def listening(self, now_ms: int) -> dict:
        """{port: Listener} over every container of the pod: what a probe on the pod IP or localhost reaches."""
        return {port: lo[0] for port, lo in self._open(now_ms).items()}

    def bind_conflict(self, port: int, now_ms: int) -> bool:
        """Whether another container of the pod already listens on ``port`` (a bind would fail EADDRINUSE)."""
        for d, owner in self._ports(now_ms):
            if int(d["port"]) == int(port) and owner != self.container:
                return True
        return False

    # -- names ----------------------------------------------------------------------------------------
    def search(self) -> list[str]:
        """The search list of the kubelet's resolv.conf for a ClusterFirst pod (pkg/kubelet/network/dns/dns.go,
        generateSearchesForDNSClusterFirst): <ns>.svc.<domain>, svc.<domain>, <domain>."""
        return [f"{self.namespace}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN]

    def external(self, host: str) -> bool:
        """A name or address outside the simulated cluster (the internet, which the simulation does not model):
        an address outside 10.0.0.0/8, or a dotted name that resolves to nothing and whose last label is not a
        namespace of the cluster (``example.com``, but not ``missing-svc.default``)."""
        h = host.rstrip(".").strip("[]")
        if h in LOCAL_NAMES:
            return False
        if _is_ipv4(h):
            return not h.startswith(("10.", "192.168.49."))  # the cluster's pods and Services, and its nodes
        if "." not in h:
            return False
        if self.cluster is None:
            return True
        if h.endswith("." + CLUSTER_DOMAIN) or h.endswith(".svc") or self.lookup(h):
            return False
        return not self.cluster.namespace_exists(h.rsplit(".", 1)[1])

    def lookup(self, host: str) -> list[tuple[str, str]]:
        """[(ip, name)] for ``host`` as the pod's resolver finds it: the search list first (ndots:5: every name
        with fewer than five dots), then the name as given; [] when nothing answers."""
        h = host.strip()
        if not h:
            return []
        if h.rstrip(".") in LOCAL_NAMES:
            return [("127.0.0.1", "localhost")]
        if _is_ipv4(h):
            return [(h, h)]
        if h == self.hostname:
            return [(self.pod_ip, h)] if self.pod_ip else []
        if self.cluster is None:
            return []
        names = [h.rstrip(".")] if h.endswith(".") else [f"{h}.{s}" for s in self.search()] + [h]
        for fqdn in names:
            found = self.cluster.resolve(fqdn)
            if found:
                return found
        return []

    def resolve(self, host: str) -> str | None:
        found = self.lookup(host)
        return found[0][0] if found else None

    # -- connections ----------------------------------------------------------------------------------
    def connect(self, ip: str, port: int, now_ms: int) -> Answer | None:
        """What a TCP connection to ``ip:port`` reaches at ``now_ms``; None: refused."""
        port = int(port)
        if ip in ("127.0.0.1", "0.0.0.0", "::1") or (ip and ip == self.pod_ip):
            hit = self._open(now_ms).get(port)
            if hit is None:
                return None
            return Answer(hit[0], self._fs_for(hit[1]), self.hostname, ip)
        if self.cluster is None:
            return None
        return self.cluster.connect(ip, port, now_ms, self.pod_ip)


def _is_ipv4(h: str) -> bool:
    parts = h.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts)


def pick(backends: list, client: str, now_ms: int, port: int):
    """kube-proxy picks a ready backend at random (iptables' statistic match); the simulation picks one
    deterministically from the client, the instant and the port, so the same commands give the same answer."""
    if not backends:
        return None
    h = sha256(f"{client}|{now_ms}|{port}".encode()).digest()
    return backends[int.from_bytes(h[:4], "big") % len(backends)]


# -- HTTP as the catalog's servers answer it ------------------------------------------------------------
def _nginx_version(listener) -> str:
    return str(getattr(listener, "server", "") or "nginx/1.27.3")


def _error_page(listener, code: int, reason: str) -> str:
    """nginx's built-in error page (src/http/ngx_http_special_response.c: the status line in <title> and <h1>,
    the server token under <hr>, CRLF line ends); httpd's is its own (ap_send_error_response)."""
    server = _nginx_version(listener)
    if server.startswith("Apache"):
        return ("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n"
                f"<title>{code} {reason}</title>\n</head><body>\n<h1>{reason}</h1>\n"
                "<p>The requested URL was not found on this server.</p>\n</body></html>\n")
    return (f"<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
            f"<center><h1>{code} {reason}</h1></center>\r\n<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n")


REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 403: "Forbidden", 404: "Not Found",
           500: "Internal Server Error", 503: "Service Unavailable"}


def http_request(answer: Answer, path: str, now_ms: int) -> tuple[int, str]:
    """(status, body) of ``GET path`` on what a connection reached."""
    lst = answer.listener
    path = path or "/"
    bare = path.split("?", 1)[0] or "/"
    root = getattr(lst, "docroot", "") or ""
    if root and answer.fs is not None and getattr(lst, "kind", "") != "python-http":
        fs = answer.fs
        target = root.rstrip("/") + bare
        if fs.is_dir(target):
            target = target.rstrip("/") + "/index.html"
        text = fs.read(target) if fs.is_file(target) else None
        if text is None:
            return 404, _error_page(lst, 404, "Not Found")
        return 200, text
    kind = getattr(lst, "kind", "")
    if kind == "python-http" and answer.fs is not None:
        return _python_http(lst, answer.fs, bare)
    if kind == "hostname":  # agnhost serve-hostname: every path answers the pod's hostname
        return 200, answer.hostname
    if kind == "netexec":  # agnhost netexec: /hostname, /echo?msg=, / answers NOW: <time>
        if bare == "/hostname":
            return 200, answer.hostname
        if bare == "/echo":
            q = path.split("?", 1)[1] if "?" in path else ""
            msg = next((kv.split("=", 1)[1] for kv in q.split("&") if kv.startswith("msg=")), "")
            return 200, msg
    code = lst.http_status(path, now_ms)
    if code >= 400:
        return code, ""
    return code, (f"<html><head><title>{bare}</title></head><body>simulated content of {answer.ip}:{lst.port}{bare}"
                  "</body></html>\n")


# -- the client programs (busybox wget and nc, curl, nslookup) over a PodNetwork ---------------------------
def split_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of ``http://host[:port]/path`` (no scheme: http)."""
    scheme = "http"
    rest = url
    if "://" in url:
        scheme, rest = url.split("://", 1)
        scheme = scheme.lower()
    hostport, _, path = rest.partition("/")
    host, port = hostport, (443 if scheme == "https" else 80)
    if hostport.startswith("[") and "]" in hostport:
        host = hostport[1:hostport.index("]")]
        tail = hostport[hostport.index("]") + 1:]
        if tail.startswith(":") and tail[1:].isdigit():
            port = int(tail[1:])
    elif ":" in hostport:
        h, _, p = hostport.rpartition(":")
        if p.isdigit():
            host, port = h, int(p)
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    return scheme, host, port, "/" + path


def status_line(listener, code: int) -> str:
    """The response's status line: http.server answers HTTP/1.0 with its own reason ("File not found")."""
    if getattr(listener, "kind", "") == "python-http":
        return f"HTTP/1.0 {code} " + {404: "File not found", 301: "Moved Permanently"}.get(code, REASONS.get(code, ""))
    return f"HTTP/1.1 {code} {REASONS.get(code, '')}".rstrip()


def fetch(net: PodNetwork, url: str, now_ms: int) -> tuple[str, object]:
    """One GET as a client does it: ("unresolved", None), ("refused", ip), ("ok", (status, body, ip, status
    line))."""
    _scheme, host, port, path = split_url(url)
    ip = net.resolve(host)
    if ip is None:
        return "unresolved", None
    ans = net.connect(ip, port, now_ms)
    if ans is None:
        return "refused", ip
    if getattr(ans.listener, "protocol", "tcp") != "http":
        return "reset", ip
    code, body = http_request(ans, path, now_ms)
    return "ok", (code, body, ip, status_line(ans.listener, code))


def nslookup_lines(net: PodNetwork, host: str) -> tuple[list[str], str | None]:
    """busybox 1.28 nslookup's output (the image of kubernetes.io's DNS debugging page) against CoreDNS: the
    server, then the name with each address and its PTR name; (lines, error) with error for a name that does
    not resolve."""
    head = [f"Server:    {DNS_SERVER}", f"Address 1: {DNS_SERVER} kube-dns.kube-system.svc.{CLUSTER_DOMAIN}", ""]
    found = net.lookup(host)
    if not found:
        return head, f"nslookup: can't resolve '{host}'"
    out = head + [f"Name:      {host}"]
    for i, (ip, ptr) in enumerate(found, 1):
        out.append(f"Address {i}: {ip} {ptr}".rstrip())
    return out, None


def _strerror_in_use(proc) -> str:
    """EADDRINUSE's text: glibc's "Address already in use", musl's (alpine) "Address in use"."""
    return "Address in use" if "alpine" in str((proc.image or {}).get("ref", "")) else "Address already in use"


def bind_failure(proc, program: str, port: int, table: dict, fs) -> None:
    """A server whose port another container of the pod holds: bind() fails with EADDRINUSE and it exits 1,
    saying so as that program does."""
    text = _strerror_in_use(proc)
    if program == "nginx":  # ngx_open_listening_sockets: five tries, then "still could not bind()"
        lines = [f"nginx: [emerg] bind() to 0.0.0.0:{port} failed (98: {text})"] * 5 + [
            "nginx: [emerg] still could not bind()"]
    elif program in ("python", "python3"):
        lines = ["Traceback (most recent call last):", f"OSError: [Errno 98] {text}"]
    elif program == "agnhost":
        lines = [f"listen tcp :{port}: bind: address already in use"]
    elif program == "redis-server":
        lines = [f"Warning: Could not create server TCP listening socket *:{port}: bind: {text}",
                 f"Failed listening on port {port} (tcp), aborting."]
    else:
        lines = [f"{program}: bind: {text}"]
    proc._errout(table, "".join(ln + "\n" for ln in lines), fs)
    proc.status = 1


def wget(proc, url: str, out_file, quiet: bool, table, fs) -> None:
    """busybox wget against the pod's network (networking/wget.c's messages)."""
    _scheme, host, port, path = split_url(url)
    hostport = url.split("://", 1)[-1].split("/", 1)[0]
    status, res = fetch(proc.net, url, proc.t)
    if status == "unresolved":
        proc._errout(table, f"wget: bad address '{hostport}'\n", fs)
        proc.status = 1
        return
    ip = res if status != "ok" else res[2]
    if not quiet:
        proc._errout(table, f"Connecting to {hostport} ({ip}:{port})\n", fs)
    if status == "refused":
        proc._errout(table, f"wget: can't connect to remote host ({ip}): Connection refused\n", fs)
        proc.status = 1
        return
    if status == "reset":
        proc._errout(table, "wget: error getting response: Connection reset by peer\n", fs)
        proc.status = 1
        return
    code, body, _, line = res
    if code >= 400:
        proc._errout(table, f"wget: server returned error: {line}\n", fs)
        proc.status = 1
        return
    if out_file is None:
        out_file = path.rstrip("/").rsplit("/", 1)[-1] or "index.html"
    wget_save(proc, body, out_file, quiet, table, fs)


def _write_file(proc, out_file: str, body: str, failure: str, code: int, table, fs) -> bool:
    """A client's download written to ``out_file``; on a filesystem error, ``failure`` (with ``{e}``, the error)
    on stderr and exit ``code``. True when it was written."""
    from .vfs import FSError, norm

    try:
        fs.write(norm(out_file, proc.cwd), body)
    except FSError as e:
        proc._errout(table, failure.format(e=e), fs)
        proc.status = code
        return False
    return True


def wget_save(proc, body: str, out_file: str, quiet: bool, table, fs) -> None:
    """busybox wget's ``-O FILE`` (or the URL's name; ``-O -``: stdout): the body written, and unless ``-q`` the
    lines networking/wget.c writes around it on stderr ("saving to '%s'" / "writing to stdout", the progress
    meter named by the file's last component, "'%s' saved" / "written to stdout")."""
    if out_file == "-":
        start, done = "writing to stdout", "written to stdout"
    else:
        if not _write_file(proc, out_file, body, f"wget: can't open '{out_file}': {{e}}\n", 1, table, fs):
            return
        start, done = f"saving to '{out_file}'", f"'{out_file}' saved"
    if not quiet:
        proc._errout(table, f"{start}\n", fs)
    if out_file == "-":
        proc._out(table, body, fs)
    if not quiet:
        proc._errout(table, f"{out_file.rsplit('/', 1)[-1]:<20} 100% "
                     f"|********************************| {len(body)}  0:00:00 ETA\n{done}\n", fs)
    proc.status = 0


def curl_deliver(proc, body: str, out_file: str | None, table, fs) -> None:
    """curl's output: to ``-o FILE`` (error 23 when it cannot be written) or to stdout."""
    if out_file:
        if not _write_file(proc, out_file, body, "curl: (23) Failure writing output to destination: {e}\n", 23,
                           table, fs):
            return
    else:
        proc._out(table, body, fs)
    proc.status = 0


def curl(proc, url: str, out_file, opts: set, table, fs) -> None:
    """curl against the pod's network (its error texts as curl 8 words them; -s hides them unless -S)."""
    _scheme, host, port, _path = split_url(url)
    show = "s" not in opts or "S" in opts
    status, res = fetch(proc.net, url, proc.t)
    if status == "unresolved":
        if show:
            proc._errout(table, f"curl: (6) Could not resolve host: {host}\n", fs)
        proc.status = 6
        return
    if status == "refused":
        if show:
            proc._errout(table, f"curl: (7) Failed to connect to {host} port {port} after 0 ms: "
                         "Couldn't connect to server\n", fs)
        proc.status = 7
        return
    if status == "reset":
        if show:
            proc._errout(table, "curl: (56) Recv failure: Connection reset by peer\n", fs)
        proc.status = 56
        return
    code, body = res[0], res[1]
    if code >= 400 and "f" in opts:
        if show:
            proc._errout(table, f"curl: (22) The requested URL returned error: {code}\n", fs)
        proc.status = 22
        return
    curl_deliver(proc, body, out_file, table, fs)


def nc(proc, argv: list, table, flags, fs) -> None:
    """busybox nc: ``-l [-p] PORT`` listens (for ever, as ``-lk`` does); ``[-z] HOST PORT`` connects (exit 0)
    or is refused (exit 1; "can't connect to remote host" unless -z)."""
    listen, zero, port, words = False, False, None, []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a.startswith("-") and len(a) > 1:
            letters = a[1:]
            for j, ch in enumerate(letters):
                if ch == "l":
                    listen = True
                elif ch == "z":
                    zero = True
                elif ch in "pwWqis":  # options with a value: the rest of the word, else the next word
                    val = letters[j + 1:] or (argv[i + 1] if i + 1 < len(argv) else "")
                    if not letters[j + 1:]:
                        i += 1
                    if ch == "p":
                        port = val
                    break
        else:
            words.append(a)
        i += 1
    if listen:
        port = port or (words[-1] if words else None)
        if port is None or not str(port).isdigit():
            proc._errout(table, "BusyBox v1.36.1 multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\n"
                         "nc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n", fs)
            proc.status = 1
            return
        if proc._open_listeners({"listeners": [{"port": int(port), "protocol": "tcp"}]}, "nc", table=table, fs=fs):
            proc._block(None, table, flags, kind="forever")
        return
    if len(words) < 2 or not words[1].isdigit():
        proc._errout(table, "BusyBox v1.36.1 multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\n"
                     "nc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n", fs)
        proc.status = 1
        return
    net = proc.net
    if net is None or net.external(words[0]):
        proc._note("nc: connections outside the cluster are assumed to succeed")
        proc.status = 0
        return
    ip = net.resolve(words[0])
    if ip is None:
        proc._errout(table, f"nc: bad address '{words[0]}'\n", fs)
        proc.status = 1
        return
    if net.connect(ip, int(words[1]), proc.t) is None:
        if not zero:
            proc._errout(table, f"nc: can't connect to remote host ({ip}): Connection refused\n", fs)
        proc.status = 1
        return
    proc.status = 0


_DEFAULT_VERSIONS = {"nginx": "1.27.3", "Apache": "2.4.62"}  # the latest tags as of Kubernetes 1.32's release


def server_token(template: str, image: dict) -> str:
    """A catalog server token (``nginx/{version}``) for the image that runs it: its tag when the tag is a
    version (``nginx:1.14.2`` -> nginx/1.14.2), else the release its ``latest`` was."""
    if "{version}" not in template:
        return template
    ref = str((image or {}).get("ref", "") or "")
    tag = ref.rsplit(":", 1)[1] if ":" in ref.rsplit("/", 1)[-1] else ""
    tag = tag.split("@", 1)[0].split("-", 1)[0]
    parts = tag.split(".")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        version = tag
    else:
        version = _DEFAULT_VERSIONS.get(template.split("/", 1)[0], "")
    return template.replace("{version}", version)


def python_http_server(proc, args: list, table, flags, fs) -> None:
    """``python -m http.server [PORT] [-d DIR] [-b ADDR]``: serves the directory (the working directory by default)
    on PORT (8000). Its "Serving HTTP on ..." line goes to a block-buffered stdout, so a container's log shows
    nothing of it, as on a cluster without ``-u``/PYTHONUNBUFFERED."""
    from .vfs import norm

    port, root, i = 8000, proc.cwd, 0
    while i < len(args):
        a = args[i]
        if a in ("-d", "--directory") and i + 1 < len(args):
            root = norm(args[i + 1], proc.cwd)
            i += 2
            continue
        if a in ("-b", "--bind", "-p", "--protocol") and i + 1 < len(args):
            i += 2
            continue
        if a.isdigit():
            port = int(a)
        i += 1
    if proc._open_listeners({}, "python", [{"port": port, "protocol": "http", "kind": "python-http",
                                            "docroot": root, "server": "SimpleHTTP/0.6 Python/3.12.8"}],
                            table=table, fs=fs):
        proc._block(None, table, flags, kind="forever")


def _python_http(lst, fs, path: str) -> tuple[int, str]:
    """http.server.SimpleHTTPRequestHandler: a file, a directory's index.html, else its listing; a missing path
    is its 404 error page (BaseHTTPRequestHandler.send_error, DEFAULT_ERROR_MESSAGE)."""
    from urllib.parse import unquote

    root = (getattr(lst, "docroot", "") or "/").rstrip("/")
    target = root + unquote(path)
    if fs.is_dir(target):
        if not path.endswith("/"):
            return 301, ""
        index = target.rstrip("/") + "/index.html"
        if fs.is_file(index):
            return 200, fs.read(index) or ""
        names = sorted(fs.listdir(target), key=str.lower)
        items = "".join(f'<li><a href="{n}{"/" if fs.is_dir(target.rstrip("/") + "/" + n) else ""}">'
                        f'{n}{"/" if fs.is_dir(target.rstrip("/") + "/" + n) else ""}</a></li>\n' for n in names)
        title = f"Directory listing for {unquote(path)}"
        return 200, ('<!DOCTYPE HTML>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                     f"<title>{title}</title>\n</head>\n<body>\n<h1>{title}</h1>\n<hr>\n<ul>\n{items}</ul>\n"
                     "<hr>\n</body>\n</html>\n")
    if fs.is_file(target):
        return 200, fs.read(target) or ""
    return 404, ('<!DOCTYPE HTML>\n<html lang="en">\n    <head>\n        <meta charset="utf-8">\n'
                 "        <title>Error response</title>\n    </head>\n    <body>\n        <h1>Error response</h1>\n"
                 "        <p>Error code: 404</p>\n        <p>Message: File not found.</p>\n"
                 "        <p>Error code explanation: 404 - Nothing matches the given URI.</p>\n    </body>\n"
                 "</html>\n")

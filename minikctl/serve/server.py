"""The HTTP side of ``minikctl serve``: a stdlib ``ThreadingHTTPServer`` (one thread per connection, HTTP/1.1
keep-alive), the routes of kube-apiserver, and the ``State`` every request goes through.

``State.run(fn)`` (serve/state.py) is one request's transaction; serve/routing.py reads the paths. Errors become the
apiserver's ``Status`` bodies; nothing ever answers with a traceback.
"""

from __future__ import annotations

import json
import socket
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from minikctl.kube import errors as E
from minikctl.serve import rest
from minikctl.serve.rest import MAX_BODY, MethodNotAllowed, NotFoundPath, Reply
from minikctl.serve.routing import Request, Route, route
from minikctl.serve.state import Pacer, State
DISCARD_LIMIT = 64 * 1024 * 1024  # the most of a too large body the server reads (and drops) before answering 413
KUBE_VERSION = {"major": "1", "minor": "32", "gitVersion": "v1.32.4", "gitCommit": "minikctl", "gitTreeState": "clean",
                "buildDate": "2025-04-22T16:03:52Z", "goVersion": "go1.23.6", "compiler": "gc",
                "platform": "linux/amd64"}


def new_state(store_path: str, pacer: Pacer, address: str = "") -> State:
    """The state a server's requests share, with its watch hub."""
    from minikctl.serve.watch import Hub

    state = State(store_path, pacer, address)
    state.hub = Hub(state)
    return state


def status_body(err: E.StatusError, rt: Route | None = None) -> dict:
    """The apiserver's Status for an error (``apierrors`` shapes: reason, details, causes, code)."""
    code = err.code or 500
    st: dict = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": err.server_message(), "reason": err.reason or "", "code": code}
    res = rt.res if rt is not None else None
    details: dict | None = None
    if isinstance(err, E.Invalid):
        details = {"name": err.name}
        if res is not None and res.group:
            details["group"] = res.group
        details["kind"] = err.kind
        reasons = {E.REQUIRED: "FieldValueRequired", E.INVALID: "FieldValueInvalid",
                   E.NOT_SUPPORTED: "FieldValueNotSupported", E.DUPLICATE: "FieldValueDuplicate",
                   E.FORBIDDEN: "FieldValueForbidden", E.TOO_LONG: "FieldValueTooLong",
                   E.TOO_MANY: "FieldValueTooMany", E.NOT_FOUND: "FieldValueNotFound", E.INTERNAL: "InternalError"}
        details["causes"] = [{"reason": reasons.get(c.type, "FieldValueInvalid"), "message": c.body(),
                              "field": c.field} for c in err.causes]
    elif isinstance(err, (E.NotFound, E.AlreadyExists, E.Conflict, E.Forbidden)) and res is not None:
        name = getattr(err, "name", None) or (rt.name if rt is not None else "") or ""
        if not name:
            import re

            m = re.search(r'"([^"]*)"', err.message)
            name = m.group(1) if m else ""
        if isinstance(err, E.NotFound) and getattr(err, "resource", "") == "namespaces":
            details = {"name": name, "kind": "namespaces"}
        else:
            details = {"name": name}
            if res.group:
                details["group"] = res.group
            details["kind"] = res.plural + (f"/{rt.sub}" if rt is not None and rt.sub and
                                            isinstance(err, E.Conflict) and rt.sub == "binding" else "")
        if hasattr(err, "causes") and callable(getattr(err, "causes")):
            details["causes"] = err.causes()
    elif isinstance(err, (NotFoundPath, MethodNotAllowed)):
        details = {}
    if details is not None:
        st["details"] = details
        # Go's field order: ... reason, details, code
        st = {k: st[k] for k in ("kind", "apiVersion", "metadata", "status", "message", "reason", "details", "code")}
    return st


def as_status_error(e: BaseException) -> E.StatusError:
    if isinstance(e, E.StatusError):
        return e
    if isinstance(e, E.ClientError):
        msg = e.message[7:] if e.message.startswith("error: ") else e.message
        if msg.startswith("no matches for kind"):
            return NotFoundPath()
        return E.BadRequest(msg)
    if isinstance(e, E.MultiError) and e.errors:
        return as_status_error(e.errors[0])
    if isinstance(e, RecursionError):
        return E.BadRequest("the request body is nested too deeply")
    err = E.StatusError(f"Internal error occurred: {type(e).__name__}: {e}")
    err.reason = "InternalError"
    err.code = 500
    return err


# ---- the handler --------------------------------------------------------------------------------------------
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "minikctl"
    sys_version = ""
    timeout = 60  # a client that sends nothing for a minute is dropped (slow clients never hold a transaction)
    server: "Server"

    def version_string(self) -> str:
        return "minikctl"

    def log_message(self, fmt, *args):  # noqa: D401 - quiet unless asked
        if self.server.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), fmt % args))

    def setup(self) -> None:
        if self.server.ssl_context is not None:
            self.request.settimeout(10)
            self.request.do_handshake()
        super().setup()
        try:
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    # every method goes through dispatch
    def do_GET(self): self.dispatch()  # noqa: E704
    def do_POST(self): self.dispatch()  # noqa: E704
    def do_PUT(self): self.dispatch()  # noqa: E704
    def do_PATCH(self): self.dispatch()  # noqa: E704
    def do_DELETE(self): self.dispatch()  # noqa: E704
    def do_HEAD(self): self.dispatch()  # noqa: E704
    def do_OPTIONS(self): self.dispatch()  # noqa: E704

    # ---- responses
    def send_bytes(self, code: int, body: bytes, content_type: str, headers: list | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache, private")
        for k, v in headers or []:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_reply(self, reply: Reply) -> None:
        body = reply.body
        if isinstance(body, (dict, list)):
            data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body or b""
        self.send_bytes(reply.code, data, reply.content_type, reply.headers)

    def send_error_status(self, err: E.StatusError, rt: Route | None = None) -> None:
        self.send_reply(Reply(err.code or 500, status_body(err, rt)))

    streaming = ""  # the content type of a chunked response under way (its status line is already sent)

    def start_stream(self, content_type: str, headers: list | None = None) -> None:
        self.streaming = content_type
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Transfer-Encoding", "chunked")
        for k, v in headers or []:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.flush()

    def write_chunk(self, data: bytes) -> None:
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

    def end_stream(self) -> None:
        try:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    # ---- requests
    def read_body(self) -> bytes:
        if (self.headers.get("Transfer-Encoding") or "").lower() == "chunked":
            out = bytearray()
            while True:
                line = self.rfile.readline(1024)
                try:
                    n = int(line.split(b";")[0].strip() or b"0", 16)
                except ValueError:
                    raise E.BadRequest("malformed chunked encoding") from None
                if n == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                if len(out) + n > MAX_BODY:
                    self.close_connection = True
                    raise rest.TooLarge(f"Request entity too large: limit is {MAX_BODY}")
                out += self.rfile.read(n)
                self.rfile.readline(1024)
            return bytes(out)
        raw = self.headers.get("Content-Length")
        if not raw:
            return b""
        try:
            n = int(raw)
        except ValueError:
            self.close_connection = True
            raise E.BadRequest("invalid Content-Length") from None
        if n > MAX_BODY:
            # read what was sent (up to a bound) so that the client, still writing, gets the 413 instead of a
            # broken pipe; the connection is not reused
            self.close_connection = True
            left = min(n, DISCARD_LIMIT)
            while left > 0:
                chunk = self.rfile.read(min(left, 1 << 16))
                if not chunk:
                    break
                left -= len(chunk)
            raise rest.TooLarge(f"Request entity too large: limit is {MAX_BODY}")
        data = self.rfile.read(n)
        if len(data) < n:
            self.close_connection = True
            raise E.BadRequest("the request body was cut short")
        return data

    def dispatch(self) -> None:
        rt: Route | None = None
        self.streaming = ""
        try:
            url = urlsplit(self.path)
            query = parse_qs(url.query, keep_blank_values=True)
            body = self.read_body() if self.command in ("POST", "PUT", "PATCH", "DELETE") else b""
            req = Request(self.command, url.path, query, self.headers, body, self)
            rt = route(url.path)
            reply = self.serve(req, rt)
            if reply is not None:
                self.send_reply(reply)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout, TimeoutError):
            self.close_connection = True
        except E.StatusError as e:
            self._safe_error(e, rt)
        except Exception as e:  # noqa: BLE001 - a Status, never a traceback on the wire
            if not isinstance(e, (E.MinikctlError, ValueError, RecursionError)):
                sys.stderr.write(f"minikctl serve: {self.command} {self.path}: {type(e).__name__}: {e}\n")
                if self.server.verbose:
                    traceback.print_exc()
            self._safe_error(as_status_error(e), rt)

    def _safe_error(self, err: E.StatusError, rt: Route | None) -> None:
        try:
            if self.streaming:
                # the status line went out with the stream: a watch ends with an ERROR event carrying the Status
                # (apiserver endpoints/handlers/watch.go), any other stream just ends; never a second response
                # inside the chunked body
                if self.streaming.startswith("application/json"):
                    event = {"type": "ERROR", "object": status_body(err, rt)}
                    self.write_chunk(json.dumps(event, separators=(",", ":")).encode() + b"\n")
                self.end_stream()
                self.close_connection = True
            else:
                self.send_error_status(err, rt)
        except OSError:
            self.close_connection = True

    def serve(self, req: Request, rt: Route | None) -> Reply | None:
        path = req.path.rstrip("/") or "/"
        state = self.server.state
        if rt is None:
            return self.serve_other(req, path)
        m = req.method
        if m == "HEAD":
            m = "GET"
        if rt.watch or (m == "GET" and rt.name is None and rest.q_bool(req, "watch")):
            if m != "GET":
                raise MethodNotAllowed()
            from minikctl.serve.watch import serve_watch

            serve_watch(state, req, rt)
            return None
        if rt.sub is None:
            if rt.name is None:
                handler = {"GET": rest.list_objects, "POST": rest.create, "DELETE": rest.delete_collection}.get(m)
            else:
                handler = {"GET": rest.get_object, "PUT": rest.update, "PATCH": rest.patch,
                           "DELETE": rest.delete}.get(m)
            if handler is None:
                raise MethodNotAllowed()
            return handler(state, req, rt)
        sub = rt.sub
        if sub in ("status", "ephemeralcontainers"):
            if m == "GET":
                return rest.get_object(state, req, rt)
            handler = {"PUT": rest.update, "PATCH": rest.patch}.get(m)
        elif sub == "scale":
            handler = rest.scale if m in ("GET", "PUT", "PATCH") else None
            if m == "PATCH":
                rest.patch_type(req)
        elif sub == "log":
            if m != "GET":
                raise MethodNotAllowed()
            from minikctl.serve.watch import serve_log

            serve_log(state, req, rt)
            return None
        elif sub == "binding":
            handler = rest.binding if m == "POST" else None
        elif sub == "eviction":
            handler = rest.eviction if m == "POST" else None
        elif sub == "finalize":
            handler = rest.finalize if m == "PUT" else None
        elif sub in ("exec", "attach"):
            from minikctl.serve.wsexec import serve_exec

            serve_exec(state, req, rt)
            return None
        else:
            handler = None
        if handler is None:
            raise MethodNotAllowed()
        return handler(state, req, rt)

    def serve_other(self, req: Request, path: str) -> Reply:
        from minikctl.serve import discovery

        if req.method not in ("GET", "HEAD"):
            if path.startswith(("/api", "/apis")):
                raise NotFoundPath()
            raise NotFoundPath()
        accept = req.headers.get("Accept") or ""
        if path in ("/healthz", "/readyz", "/livez") or path.startswith(("/healthz/", "/readyz/", "/livez/")):
            if rest.q(req, "verbose") is not None:
                name = path.strip("/").split("/")[0]
                text = "[+]ping ok\n[+]log ok\n[+]etcd ok\n" + f"{name} check passed\n"
                return Reply(200, text, "text/plain; charset=utf-8")
            return Reply(200, "ok", "text/plain; charset=utf-8")
        if path == "/version":
            return Reply(200, KUBE_VERSION)
        if path in ("/api", "/apis"):
            legacy = path == "/api"
            for part in accept.split(","):
                part = part.replace(" ", "")
                if part.startswith(discovery.AGGREGATED_V2):
                    return Reply(200, discovery.aggregated(legacy), discovery.AGGREGATED_V2)
                if part.startswith(discovery.AGGREGATED_V2BETA1):
                    return Reply(200, discovery.aggregated(legacy, "apidiscovery.k8s.io/v2beta1"),
                                 discovery.AGGREGATED_V2BETA1)
            if legacy:
                return Reply(200, discovery.api_versions(self.server.state.address))
            return Reply(200, discovery.api_group_list())
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) == 2:
            doc = discovery.resource_list("", parts[1])
            if doc is not None:
                return Reply(200, doc)
        if parts[0] == "apis" and len(parts) == 2:
            doc = discovery.api_group(parts[1])
            if doc is not None:
                return Reply(200, doc)
        if parts[0] == "apis" and len(parts) == 3:
            doc = discovery.resource_list(parts[1], parts[2])
            if doc is not None:
                return Reply(200, doc)
        if parts[0] == "openapi":
            from minikctl.serve import openapi

            if parts == ["openapi", "v2"]:
                if accept and "json" not in accept and "*/*" not in accept:
                    raise rest.NotAcceptable("only the following media types are accepted: application/json")
                return Reply(200, openapi.v2_document())
            if parts == ["openapi", "v3"]:
                return Reply(200, openapi.v3_root())
            if len(parts) > 2 and parts[1] == "v3":
                doc = openapi.v3_document("/".join(parts[2:]))
                if doc is not None:
                    return Reply(200, doc, headers=[("Etag", '"' + (rest.q(req, "hash") or "") + '"')])
        if path == "/":
            paths = ["/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v2", "/openapi/v3", "/readyz",
                     "/version"] + [f"/apis/{g}" for g in sorted({g for g, _ in discovery.group_versions() if g})]
            return Reply(200, {"paths": sorted(paths)})
        raise NotFoundPath()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], state: State, *, verbose: bool = False, ssl_context=None) -> None:
        self.state = state
        self.verbose = verbose
        self.ssl_context = ssl_context
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    def get_request(self):
        sock, addr = super().get_request()
        if self.ssl_context is not None:
            # the handshake happens in the connection's own thread (Handler.setup): a slow client never holds
            # the accept loop
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):  # a broken client is not worth a traceback
        if self.verbose:
            super().handle_error(request, client_address)

    def server_close(self) -> None:
        self.state.close()
        super().server_close()

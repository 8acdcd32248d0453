"""``pods/exec`` and ``pods/attach`` over WebSocket, the remotecommand protocols kubectl 1.32 speaks by default
(``v5.channel.k8s.io``, falling back to ``v4.channel.k8s.io``): binary messages whose first byte is the stream
(0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; v5's 255 closes a stream, which is how stdin ends).

The command runs in the simulated container (``cluster.exec``: the same interpreter and virtual filesystem as
``minikctl exec``). Without a TTY, stdin (``kubectl exec -i`` with piped input) is read to its end and given to
the command: a shell reads it as its script, any other command gets it as a here-document. With a TTY
(``kubectl exec -it POD -- sh``) the server runs a small line discipline (echo, backspace, Ctrl-C, Ctrl-D) and
gives each line typed to one shell process held for the session (engine/sessions.py), at its prompt: variables
and the working directory carry from line to line, ``exit N`` ends it with N. The exit status goes back on the error stream as a ``Status`` (``NonZeroExitCode``
with an ``ExitCode`` cause), which kubectl turns into its own exit code.

Attach streams what the container's main process prints from now on (its log), until it stops.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shlex
import socket
import struct
import threading

from minikctl.kube import errors as E
from minikctl.serve import rest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from minikctl.serve.routing import Request, Route
    from minikctl.serve.state import State

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
MAX_STDIN = 3 * 1024 * 1024


class Closed(Exception):
    pass


class WebSocket:
    """The server side of RFC 6455 over the handler's socket (frames from the client are masked)."""

    def __init__(self, handler) -> None:
        self.rfile = handler.rfile
        self.wfile = handler.wfile
        self.lock = threading.Lock()
        self.closed = False

    def _read(self, n: int) -> bytes:
        data = self.rfile.read(n)
        if data is None or len(data) < n:
            raise Closed()
        return data

    def recv(self) -> tuple[int, bytes]:
        """The next data message (opcode, payload); answers pings; Closed at a close frame or EOF."""
        message = b""
        opcode = None
        while True:
            b0, b1 = self._read(2)
            fin, op = b0 & 0x80, b0 & 0x0F
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            if n > MAX_STDIN:
                self.close(1009)
                raise Closed()
            mask = self._read(4) if b1 & 0x80 else b""
            payload = self._read(n) if n else b""
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if op == 0x8:
                self.close()
                raise Closed()
            if op == 0x9:
                self._send(0xA, payload)
                continue
            if op == 0xA:
                continue
            if op != 0:
                opcode = op
            message += payload
            if fin:
                return opcode or 2, message

    def _send(self, opcode: int, payload: bytes) -> None:
        head = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([n])
        elif n < 65536:
            head += bytes([126]) + struct.pack(">H", n)
        else:
            head += bytes([127]) + struct.pack(">Q", n)
        with self.lock:
            if self.closed and opcode != 0x8:
                return
            self.wfile.write(head + payload)
            self.wfile.flush()

    def send(self, stream: int, data: bytes) -> None:
        self._send(0x2, bytes([stream]) + data)

    def close(self, code: int = 1000) -> None:
        if self.closed:
            return
        try:
            self._send(0x8, struct.pack(">H", code))
        except OSError:
            pass
        self.closed = True


def _handshake(handler, protocol: str) -> None:
    key = handler.headers.get("Sec-WebSocket-Key") or ""
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    handler.send_response(101, "Switching Protocols")
    handler.send_header("Upgrade", "websocket")
    handler.send_header("Connection", "Upgrade")
    handler.send_header("Sec-WebSocket-Accept", accept)
    if protocol:
        handler.send_header("Sec-WebSocket-Protocol", protocol)
    handler.end_headers()
    handler.wfile.flush()


def _protocol(req: "Request") -> str | None:
    offered = [p.strip() for p in (req.headers.get("Sec-WebSocket-Protocol") or "").split(",") if p.strip()]
    for p in PROTOCOLS:
        if p in offered:
            return p
    return None


def exit_status(code: int, argv: list[str]) -> dict:
    if code == 0:
        return {"metadata": {}, "status": "Success"}
    return {"metadata": {}, "status": "Failure",
            "message": f"command terminated with non-zero exit code: error executing command [{' '.join(argv)}], "
                       f"exit code {code}",
            "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}}


def with_stdin(argv: list[str], text: str) -> list[str]:
    """The command to run for ``argv`` reading ``text`` on its standard input."""
    if not text:
        return argv
    shell = os.path.basename(argv[0]) in ("sh", "bash", "ash", "dash", "zsh")
    if shell and "-c" not in argv[1:]:
        return [argv[0], "-c", text]
    marker = "__MINIKCTL_STDIN__"
    while marker in text:
        marker += "_"
    body = text if text.endswith("\n") else text + "\n"
    return ["sh", "-c", " ".join(shlex.quote(a) for a in argv) + f" <<'{marker}'\n{body}{marker}\n"]


def serve_exec(state: "State", req: "Request", rt: "Route") -> None:
    handler = req.handler
    attach = rt.sub == "attach"
    argv = req.query.get("command") or []
    container = rest.q(req, "container")
    use_stdin = rest.q_bool(req, "stdin")
    tty = rest.q_bool(req, "tty")
    if not attach and not argv:
        raise E.BadRequest("you must specify at least one command for the container")
    upgrade = (req.headers.get("Upgrade") or "").lower()

    def check(cluster):
        pod = rest.find(cluster.api, rt.res, rt.namespace, rt.name)
        names = [c.get("name") for c in (pod.get("spec") or {}).get("containers") or []]
        cname = container or (names[0] if len(names) == 1 else None)
        if cname is None:
            raise E.BadRequest(f"a container name must be specified for pod {rt.name}, choose one of: "
                               f"[{' '.join(names)}]")
        if cname not in names:
            raise E.BadRequest(f"container {cname} is not valid for pod {rt.name}")
        status = pod.get("status") or {}
        phase = status.get("phase")
        if phase in ("Succeeded", "Failed"):
            raise E.BadRequest(f"cannot exec into a container in a completed pod; current phase is {phase}")
        running = any(cs.get("name") == cname and "running" in (cs.get("state") or {})
                      for cs in status.get("containerStatuses") or [])
        if not running:  # what the kubelet answers before any upgrade
            raise E.BadRequest(f'unable to upgrade connection: container not found ("{cname}")')
        return cname

    cname = state.run(check, write=False)
    if upgrade != "websocket":
        raise E.BadRequest("Upgrade request required")
    protocol = _protocol(req)
    if protocol is None:
        raise E.BadRequest("unable to upgrade: the client offers none of the supported subprotocols: "
                           + ", ".join(PROTOCOLS))
    _handshake(handler, protocol)
    handler.close_connection = True
    ws = WebSocket(handler)
    try:
        if attach and use_stdin and tty:
            _interactive(state, ws, rt, cname, [], attach=True)
        elif attach:
            _attach(state, ws, rt, cname)
        elif tty and use_stdin:
            _interactive(state, ws, rt, cname, argv)
        else:
            _run_once(state, ws, rt, cname, argv, use_stdin and protocol.startswith("v5"))
    except (Closed, OSError, socket.timeout):
        pass
    finally:
        ws.close()


def _exec(state: "State", rt: "Route", cname: str, argv: list[str], split: bool = False) -> tuple[int, str]:
    def fn(cluster):
        pod = rest.find(cluster.api, rt.res, rt.namespace, rt.name)
        code, out, _ms = cluster.exec(pod, cname, argv, split=split)
        return code, out

    return state.run(fn)


def _run_once(state: "State", ws: WebSocket, rt: "Route", cname: str, argv: list[str], read_stdin: bool) -> None:
    text = b""
    if read_stdin:
        while True:
            try:
                _op, msg = ws.recv()
            except Closed:
                break
            if not msg:
                continue
            if msg[0] == STDIN:
                text += msg[1:]
                if len(text) > MAX_STDIN:
                    break
            elif msg[0] == CLOSE and msg[1:2] == bytes([STDIN]):
                break
    try:
        code, (out, err) = _exec(state, rt, cname, with_stdin(argv, text.decode("utf-8", errors="replace")), True)
    except E.StatusError as e:
        ws.send(ERROR, json.dumps({"metadata": {}, "status": "Failure", "message": e.server_message(),
                                   "reason": e.reason or "InternalError", "code": e.code}).encode())
        return
    if out:
        ws.send(STDOUT, out.encode())
    if err:  # without a terminal the container's stderr has its own channel (remotecommand's streamProtocolV4)
        ws.send(STDERR, err.encode())
    ws.send(ERROR, json.dumps(exit_status(code, argv)).encode())


def _interactive(state: "State", ws: WebSocket, rt: "Route", cname: str, argv: list[str],
                 attach: bool = False) -> None:
    """A prompt over the simulated shell (the terminal is raw: the server echoes and edits the line). The shell is
    one process held across requests (engine/sessions.ExecSession), so its variables and working directory carry
    from line to line; each line runs in virtual time, which the server's clock brings (a ``sleep 5`` ends when
    the clock has moved 5 s).

    ``attach`` (``kubectl attach -it``, ``run -it`` through the server): the lines go to the container's own
    process (engine/sessions.AttachSession), as the CLI's attach gives them; a main process that reads no input
    (not a shell at its prompt) only has its output streamed, the keys typed go nowhere, as with a real runtime."""
    import time

    from minikctl.engine.sessions import AttachSession, ExecSession, Gone, prompt

    def out(text: str) -> None:
        if text:
            ws.send(STDOUT, text.replace("\r\n", "\n").replace("\n", "\r\n").encode())

    if attach:
        session = AttachSession(rt.namespace, rt.name, cname)
        state.run(lambda cluster: session.start(cluster.loop, rest.find(cluster.api, rt.res, rt.namespace,
                                                                          rt.name)), write=False)
        if not session.at_prompt or session.exited:
            return _attach(state, ws, rt, cname)
    else:
        shell = os.path.basename(argv[0]) in ("sh", "bash", "ash", "dash") and all(
            a.startswith("-") and "c" not in a.lstrip("-") for a in argv[1:])
        if not shell:  # not a shell reading its commands: run the command once, with no input
            code, text = _exec(state, rt, cname, argv)
            out(text)
            ws.send(ERROR, json.dumps(exit_status(code, argv)).encode())
            return
        session = ExecSession(rt.namespace, rt.name, cname, argv)

    def on(call):
        def fn(cluster):
            return call(cluster)
        return state.run(fn)

    def settle() -> None:
        """Until the line's commands are done (the shell back at its prompt) or it exits."""
        last_now = None
        while not session.exited and not session.at_prompt:
            wake = session.wake_ms
            if wake is None:
                return  # it reads stdin, or waits forever: the next input (or Ctrl-C, Ctrl-D) decides
            time.sleep(0.05)

            def step(cluster, wake=wake):
                nonlocal last_now
                if cluster.now_ms == last_now and cluster.now_ms < wake:  # a frozen clock (--tick): jump
                    cluster.run_until(lambda: cluster.now_ms >= wake, wake)
                last_now = cluster.now_ms
                return session.step(cluster.loop) if cluster.now_ms >= wake else ""

            out(on(step))

    def finish() -> None:  # an attach reports no exit code (the kubelet's attach stream ends, that is all)
        ws.send(ERROR, json.dumps(exit_status(0 if attach else session.exit_code, argv)).encode())

    try:
        if not attach:
            out(on(lambda cluster: session.start(cluster.loop, rest.find(cluster.api, rt.res, rt.namespace,
                                                                         rt.name))))
        settle()
        if session.exited:
            return finish()
        line = ""
        pending = ""
        out(prompt(session, rt.name))
        while True:
            try:
                _op, msg = ws.recv()
            except Closed:
                return
            if not msg or msg[0] != STDIN:
                if msg and msg[0] == CLOSE:
                    break
                continue
            for ch in msg[1:].decode("utf-8", errors="replace"):
                if ch in "\r\n":
                    out("\n")
                    text = pending + line + "\n"
                    line = ""
                    complete, shown = on(lambda cluster, text=text: session.feed(cluster.loop, text))
                    pending = "" if complete else text
                    out(shown)
                    settle()
                    if session.exited:
                        return finish()
                    out("> " if pending else prompt(session, rt.name))
                elif ch == "\x04":  # Ctrl-D
                    if not line:
                        out("\n")
                        out(on(lambda cluster: session.end_of_input(cluster.loop)))
                        settle()
                        return finish()
                elif ch == "\x03":  # Ctrl-C
                    line = pending = ""
                    out("^C\n" + prompt(session, rt.name))
                elif ch in ("\x7f", "\x08"):
                    if line:
                        line = line[:-1]
                        ws.send(STDOUT, b"\x08 \x08")
                elif ch == "\x15":  # Ctrl-U
                    ws.send(STDOUT, b"\x08 \x08" * len(line))
                    line = ""
                elif ch >= " " or ch == "\t":
                    line += ch
                    ws.send(STDOUT, ch.encode())
        if not attach or session.closes_stdin:  # a detaching attach leaves the container's stdin open
            out(on(lambda cluster: session.end_of_input(cluster.loop)))
        finish()
    except Gone:
        ws.send(ERROR, json.dumps(exit_status(137, argv)).encode())
    except E.StatusError as e:
        ws.send(ERROR, json.dumps({"metadata": {}, "status": "Failure", "message": e.server_message(),
                                   "reason": e.reason or "InternalError", "code": e.code}).encode())


def _attach(state: "State", ws: WebSocket, rt: "Route", cname: str) -> None:
    from minikctl.serve.watch import _stopped

    hub = state.hub
    key = ("Pod", rt.namespace or "default", rt.name)

    def poll(cluster):
        pod = cluster.tx.get(*key)
        if pod is None:
            return None, None
        try:
            return pod, cluster.logs(pod, cname, False)
        except E.StatusError:
            return pod, None

    pod, lines = state.run(poll, write=False)
    sent = len(lines or [])
    hub.subscribe()
    stop = threading.Event()

    def reader() -> None:  # answers pings and notices the client leaving
        try:
            while True:
                ws.recv()
        except (Closed, OSError, ValueError):
            stop.set()

    threading.Thread(target=reader, daemon=True).start()
    try:
        steps = hub.steps
        while not stop.is_set() and not state.closing.is_set():
            steps = hub.wait(steps, 1.0)
            pod, lines = state.run(poll, write=False, tick=False)
            if pod is None or lines is None or len(lines) < sent:
                break
            if len(lines) > sent:
                ws.send(STDOUT, "".join(line + "\n" for _ms, line in lines[sent:]).encode())
                sent = len(lines)
            if _stopped(pod, cname):
                break
        ws.send(ERROR, json.dumps({"metadata": {}, "status": "Success"}).encode())
    finally:
        hub.unsubscribe()

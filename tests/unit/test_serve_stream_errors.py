"""An error after a stream's status line is sent: a watch ends with an ERROR event, never a second response
written into the chunked body (apiserver endpoints/handlers/watch.go)."""
import io
import json

from minikctl.kube import errors as E
from minikctl.serve.server import Handler


def _handler(streaming: str) -> Handler:
    h = Handler.__new__(Handler)  # no socket: only the writing half is exercised
    h.wfile = io.BytesIO()
    h.streaming = streaming
    h.close_connection = False
    return h


def _chunks(raw: bytes) -> list[bytes]:
    out = []
    while raw:
        size, _, rest = raw.partition(b"\r\n")
        n = int(size, 16)
        out.append(rest[:n])
        assert rest[n:n + 2] == b"\r\n"
        raw = rest[n + 2:]
        if n == 0:
            break
    assert raw == b""
    return out


def test_a_watch_ends_with_an_error_event():
    h = _handler("application/json")
    err = E.StatusError("Internal error occurred: database is locked")
    err.reason, err.code = "InternalError", 500
    h._safe_error(err, None)
    first, last = _chunks(h.wfile.getvalue())
    event = json.loads(first)
    assert event["type"] == "ERROR" and event["object"]["code"] == 500
    assert event["object"]["message"] == "Internal error occurred: database is locked"
    assert last == b"" and h.close_connection


def test_a_log_stream_just_ends():
    h = _handler("text/plain")
    h._safe_error(E.StatusError("gone"), None)
    assert _chunks(h.wfile.getvalue()) == [b""] and h.close_connection

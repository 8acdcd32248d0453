"""Watches and followed logs: one pump for the whole server, the change log fanned out to every stream.

The ``Hub``'s pump thread is the only thing that moves virtual time while nobody sends requests: every step
(100 ms of wall time while someone watches or follows, 1 s otherwise) is one short transaction that lets the
cluster catch up with the wall clock (× speed) and reads the change log (the store's ``changes`` table) since
the last step. The store is released between steps, so CLI commands and other requests are never blocked for
longer than a step. Each change becomes an event with the object's body at that revision: taken from the
journal of the transaction that wrote it when it was this server (a request or a step), else from the table
(DELETED rows keep the last state), else from the current object when that is still at the revision (a later
change of the same object, written by another process, then speaks for both: its intermediate state is gone).

Events go into a ring (the watch cache); a watch replays the ring from its resourceVersion, then waits for the
next step. Older revisions still in the change log are read from it; older than that is the apiserver's
"too old resource version" (410 Expired, sent as an ERROR event as kube-apiserver does).
"""

from __future__ import annotations

import json
import select
import socket
import sys
import threading
import time
from collections import deque

from minikctl.kube import errors as E
from minikctl.serve import rest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from minikctl.serve.routing import Request, Route
    from minikctl.serve.state import State

RING = 20_000
ACTIVE_STEP_S = 0.1
IDLE_STEP_S = 1.0
BOOKMARK_EVERY_S = 10.0
DEFAULT_TIMEOUT_S = 1800


UNKNOWN = "?"  # the previous state of an object is not known (events read back from the change log)


class Event:
    __slots__ = ("rv", "type", "kind", "namespace", "name", "body", "prev", "_obj", "_prev_obj")

    def __init__(self, rv: int, type_: str, kind: str, namespace: str, name: str, body: str,
                 prev: str | None) -> None:
        self.rv, self.type, self.kind, self.namespace, self.name = rv, type_, kind, namespace, name
        self.body, self.prev = body, prev
        self._obj = self._prev_obj = None

    def obj(self) -> dict:
        if self._obj is None:
            self._obj = json.loads(self.body)
        return self._obj

    def prev_obj(self) -> dict | None:
        if self.prev is None or self.prev is UNKNOWN:
            return None
        if self._prev_obj is None:
            self._prev_obj = json.loads(self.prev)
        return self._prev_obj


class Hub:
    def __init__(self, state: "State") -> None:
        self.state = state
        self.cond = threading.Condition()
        self.ring: deque[Event] = deque(maxlen=RING)
        self.rv: int | None = None  # the last revision the pump has read
        self.base = 0  # every change after this revision is in the ring (or was coalesced away)
        self.bodies: dict[int, str] = {}
        self.objects: dict[tuple, str] = {}
        self.subscribers = 0
        self.steps = 0
        self.poke = threading.Event()
        self.thread: threading.Thread | None = None
        self.stopped = threading.Event()
        self.last_step = 0.0

    # ---- the pump
    def start(self) -> None:
        def load(cluster):
            tx = cluster.tx
            tx.flush()
            rows = tx.conn.execute("SELECT kind, namespace, name, body FROM objects").fetchall()
            return tx.revision(), {(k, ns, n): b for k, ns, n, b in rows}

        self.rv, self.objects = self.state.run(load)
        self.base = self.rv
        self.thread = threading.Thread(target=self._pump, name="minikctl-serve-pump", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.poke.set()
        with self.cond:
            self.cond.notify_all()

    def _pump(self) -> None:
        while not self.stopped.is_set():
            interval = ACTIVE_STEP_S if self.subscribers else IDLE_STEP_S
            self.poke.wait(interval)
            self.poke.clear()
            if self.stopped.is_set():
                break
            wait = 0.02 - (time.monotonic() - self.last_step)  # at most 50 steps a second
            if wait > 0:
                time.sleep(wait)
            try:
                self.step()
            except Exception as e:  # noqa: BLE001 - the pump must outlive a bad step
                sys.stderr.write(f"minikctl serve: watch step failed: {type(e).__name__}: {e}\n")
                time.sleep(0.5)

    def step(self) -> None:
        from minikctl.store import changelog

        self.last_step = time.monotonic()
        since = self.rv if self.rv is not None else 0

        def fn(cluster):
            tx = cluster.tx
            tx.flush()
            with self.cond:  # every writer of this server that committed has published its bodies
                cached = dict(self.bodies)
            cached.update((c.rv, c.body) for c in tx.journal or [])
            out = [(c.rv, c.type, c.kind, c.namespace, c.name, c.body)
                   for c in changelog.read_since(tx.conn, since, bodies=cached)]
            return out, tx.revision()

        rows, rv = self.state.run(fn, write=False, step=True)
        with self.cond:
            for r, type_, kind, ns, name, body in rows:
                key = (kind, ns, name)
                prev = self.objects.get(key)
                if type_ == "DELETED":
                    self.objects.pop(key, None)
                else:
                    self.objects[key] = body
                if len(self.ring) == RING:
                    self.base = self.ring.popleft().rv
                self.ring.append(Event(r, type_, kind, ns, name, body, prev))
            self.rv = max(rv, self.rv or 0)
            for k in [k for k in self.bodies if k <= self.rv]:
                del self.bodies[k]
            self.steps += 1
            self.cond.notify_all()

    def publish(self, journal: list, locked: bool = False) -> None:
        """Bodies of what a transaction of this server wrote, for the next step (``locked``: the caller holds
        ``cond``)."""
        if not locked:
            with self.cond:
                return self.publish(journal, locked=True)
        if self.rv is not None:
            for c in journal:
                if c.rv > self.rv:
                    self.bodies[c.rv] = c.body
        self.poke.set()

    # ---- subscribers
    def subscribe(self) -> None:
        with self.cond:
            self.subscribers += 1
        self.poke.set()

    def unsubscribe(self) -> None:
        with self.cond:
            self.subscribers -= 1

    def after(self, rv: int) -> tuple[list[Event], int | None]:
        """Events after ``rv`` from the ring; when the ring does not reach back that far, ([], base): the change
        log must give the events in (rv, base] first."""
        with self.cond:
            if rv < self.base:
                return [], self.base
            return [e for e in self.ring if e.rv > rv], None

    def wait(self, steps: int, timeout: float) -> int:
        with self.cond:
            if self.steps == steps and not self.stopped.is_set():
                self.cond.wait(timeout)
            return self.steps


def _history(state: "State", since: int, until: int, kinds: tuple[str, ...]) -> tuple[list[Event], int]:
    """Events in (since, until) from the change log itself (before the ring), and the oldest revision kept."""
    from minikctl.store import changelog

    def fn(cluster):
        tx = cluster.tx
        oldest = int(tx.meta("changes:oldest", "0") or 0)
        out = []
        if since + 1 < oldest:
            return out, oldest
        for c in changelog.read_since(tx.conn, since, kinds):
            if c.rv >= until:
                break
            out.append(Event(c.rv, c.type, c.kind, c.namespace, c.name, c.body, UNKNOWN))
        return out, oldest

    return state.run(fn, write=False, tick=False)


# ---- watch ------------------------------------------------------------------------------------------------
class Gone(Exception):
    pass


def client_gone(handler) -> bool:
    """The client closed its side (a watch or follower has nothing to read from it otherwise)."""
    try:
        sock = handler.connection
        r, _, _ = select.select([sock], [], [], 0)
        if not r:
            return False
        if hasattr(sock, "pending") and sock.pending():
            return False
        data = sock.recv(1, socket.MSG_PEEK)
        return data == b""
    except (OSError, ValueError):
        return True


def serve_watch(state: "State", req: "Request", rt: "Route") -> None:
    res = rt.res
    label = rest.q(req, "labelSelector", "") or ""
    field = rest.q(req, "fieldSelector", "") or ""
    if rt.name:
        field = f"metadata.name={rt.name}" + ("," + field if field else "")
    lsel, fsel = rest.selectors(res, label, field)
    rv_param = rest.q(req, "resourceVersion", "") or ""
    timeout = rest.q_int(req, "timeoutSeconds")
    bookmarks = rest.q_bool(req, "allowWatchBookmarks")
    send_initial = rest.q(req, "sendInitialEvents")
    want = rest.accept_kind(req)
    include = rest.q(req, "includeObject", "Metadata") or "Metadata"
    ns = rt.namespace if res.namespaced else None
    if rv_param and not rv_param.isdigit():
        raise E.BadRequest(f'invalid resource version: strconv.ParseUint: parsing "{rv_param}": invalid syntax')
    if send_initial is not None and send_initial.lower() in ("true", "1") and not bookmarks:
        raise rest.Invalid422('ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: '
                              'sendInitialEvents is forbidden for watch unless allowWatchBookmarks is true')
    handler = req.handler
    hub = state.hub
    deadline = time.monotonic() + (timeout if timeout and timeout > 0 else DEFAULT_TIMEOUT_S)
    headers_sent = [False]
    now_ms = [0]

    def matching(obj: dict | None) -> bool:
        if obj is None:
            return False
        if ns is not None and (obj.get("metadata") or {}).get("namespace") != ns:
            return False
        return rest.matches(lsel, fsel, obj)

    def plain_or(match):
        return None if (not want and lsel is None and fsel is None) else match

    def encode(type_: str, obj: dict) -> bytes:
        if want == "Table" and type_ not in ("BOOKMARK", "ERROR"):
            from minikctl.serve import tables

            obj = tables.table(res, [obj], now_ms[0], include,
                               {"resourceVersion": (obj.get("metadata") or {}).get("resourceVersion", "")},
                               headers=not headers_sent[0])
            headers_sent[0] = True
        elif want.startswith("PartialObjectMetadata") and type_ not in ("BOOKMARK", "ERROR"):
            from minikctl.serve.tables import partial_metadata

            obj = partial_metadata(obj)
        return json.dumps({"type": type_, "object": obj}, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"

    def bookmark(rv: int, initial_end: bool = False) -> bytes:
        meta: dict = {"resourceVersion": str(rv)}
        if initial_end:
            meta["annotations"] = {"k8s.io/initial-events-end": "true"}
        return encode("BOOKMARK", {"kind": res.kind, "apiVersion": res.api_version, "metadata": meta})

    hub.subscribe()
    try:
        initial: list[dict] = []
        if not rv_param or rv_param == "0" or (send_initial or "").lower() in ("true", "1"):
            def listing(cluster):
                objs = cluster.api.list(res, ns)
                return [o for o in objs if rest.matches(lsel, fsel, o)], cluster.tx.revision(), cluster.now_ms
            initial, cursor, now_ms[0] = state.run(listing, write=False)
            if rv_param and rv_param != "0" and int(rv_param) > cursor:
                cursor = int(rv_param)
        else:
            cursor = int(rv_param)
        handler.start_stream("application/json")
        if rv_param and rv_param != "0" and not initial:
            oldest = state.run(lambda cluster: int(cluster.tx.meta("changes:oldest", "0") or 0), write=False,
                               tick=False)
            if cursor + 1 < oldest:
                st = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                      "message": f"too old resource version: {rv_param} ({oldest - 1})", "reason": "Expired",
                      "code": 410}
                handler.write_chunk(json.dumps({"type": "ERROR", "object": st}, separators=(",", ":")).encode()
                                    + b"\n")
                handler.end_stream()
                return
        for obj in initial:
            handler.write_chunk(encode("ADDED", obj))
        if bookmarks and (send_initial or "").lower() in ("true", "1"):
            handler.write_chunk(bookmark(cursor, initial_end=True))
        steps = hub.steps
        last_bookmark = time.monotonic()
        if res.kind == "Event":
            _watch_events(state, handler, cursor, ns, matching, encode, deadline, {_key(o) for o in initial},
                          now_ms, want)
            return
        while True:
            events, older_from = hub.after(cursor)
            if older_from is not None:
                older, _oldest = _history(state, cursor, older_from + 1, (res.kind,))
                for ev in older:
                    cursor = _emit(handler, ev, cursor, plain_or(matching), encode, res.kind, ns, now_ms)
                cursor = max(cursor, older_from)
                continue
            if events:
                now_ms[0] = _clock(state, now_ms[0]) if want == "Table" else now_ms[0]
            for ev in events:
                cursor = _emit(handler, ev, cursor, plain_or(matching), encode, res.kind, ns, now_ms)
            left = deadline - time.monotonic()
            if left <= 0 or state.closing.is_set():
                break
            if bookmarks and time.monotonic() - last_bookmark >= BOOKMARK_EVERY_S:
                handler.write_chunk(bookmark(max(cursor, hub.rv or cursor)))
                last_bookmark = time.monotonic()
            if client_gone(handler):
                handler.close_connection = True
                return
            steps = hub.wait(steps, min(left, 1.0))
        handler.end_stream()
    except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout, TimeoutError, OSError):
        handler.close_connection = True
    finally:
        hub.unsubscribe()


def _key(obj: dict) -> tuple:
    meta = obj.get("metadata") or {}
    return meta.get("namespace", ""), meta.get("name", "")


def _watch_events(state: "State", handler, cursor: int, ns: str | None, matching, encode, deadline: float,
                  seen: set, now_ms, want: str) -> None:
    """Events live in their own table, outside the change log: each step, the events whose resourceVersion is
    past the cursor (new ones ADDED, repeats of known ones MODIFIED)."""
    hub = state.hub

    def newer(cluster):
        tx = cluster.tx
        tx.flush_events()
        from minikctl.store import events as stored_events

        return stored_events.since(tx.conn, cursor, ns), cluster.now_ms

    steps = hub.steps
    while time.monotonic() < deadline and not state.closing.is_set():
        events, now_ms[0] = state.run(newer, write=False, tick=False)
        events.sort(key=lambda e: int(e["metadata"].get("resourceVersion") or 0))
        for ev in events:
            cursor = max(cursor, int(ev["metadata"].get("resourceVersion") or 0))
            if not matching(ev):
                continue
            key = _key(ev)
            handler.write_chunk(encode("MODIFIED" if key in seen else "ADDED", ev))
            seen.add(key)
        if client_gone(handler):
            handler.close_connection = True
            return
        steps = hub.wait(steps, min(1.0, max(0.0, deadline - time.monotonic())))
    handler.end_stream()


def _clock(state: "State", fallback: int) -> int:
    try:
        return state.run(lambda cluster: cluster.now_ms, write=False, tick=False)
    except Exception:  # noqa: BLE001
        return fallback


def _emit(handler, ev: Event, cursor: int, matching, encode, kind: str, ns: str | None, now_ms) -> int:
    if ev.rv <= cursor:
        return cursor
    if ev.kind != kind or (ns is not None and ev.namespace != ns):
        return ev.rv
    if matching is None:  # no selectors, plain JSON: the stored body goes out as it is, never decoded
        type_ = ev.type if ev.type == "DELETED" or (ev.type == "MODIFIED" and ev.prev is not None) else "ADDED"
        handler.write_chunk(b'{"type":"%s","object":%s}\n' % (type_.encode(), ev.body.encode()))
        return ev.rv
    obj = ev.obj()
    if ev.type == "DELETED":
        if matching(obj):
            handler.write_chunk(encode("DELETED", obj))
        return ev.rv
    now = matching(obj)
    if ev.type == "ADDED" or ev.prev is None:
        was = False
    elif ev.prev is UNKNOWN:
        was = now
    else:
        was = matching(ev.prev_obj())
    if now and was:
        handler.write_chunk(encode("MODIFIED", obj))
    elif now:
        handler.write_chunk(encode("ADDED", obj))
    elif was:
        handler.write_chunk(encode("DELETED", obj))
    return ev.rv


# ---- logs ---------------------------------------------------------------------------------------------------
def _container_of(pod: dict, container: str | None) -> str:
    spec = pod.get("spec") or {}
    names = [c.get("name") for c in spec.get("containers") or []]
    inits = [c.get("name") for c in spec.get("initContainers") or []]
    ephem = [c.get("name") for c in spec.get("ephemeralContainers") or []]
    name = pod["metadata"]["name"]
    if container:
        if container not in names + inits + ephem:
            raise E.BadRequest(f"container {container} is not valid for pod {name}")
        return container
    if len(names) == 1:
        return names[0]
    msg = f"a container name must be specified for pod {name}, choose one of: [{' '.join(names)}]"
    if inits:
        msg += f" or one of the init containers: [{' '.join(inits)}]"
    raise E.BadRequest(msg)


def _stopped(pod: dict, cname: str) -> bool:
    status = pod.get("status") or {}
    for cs in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []) + \
            (status.get("ephemeralContainerStatuses") or []):
        if cs.get("name") == cname:
            return "terminated" in (cs.get("state") or {})
    return False


def _stamp(ms: int) -> str:
    from minikctl.kube.timefmt import rfc3339_micro

    return rfc3339_micro(ms)[:-1] + "000Z "


def serve_log(state: "State", req: "Request", rt: "Route") -> None:
    from minikctl.kube.timefmt import parse_rfc3339

    follow = rest.q_bool(req, "follow")
    previous = rest.q_bool(req, "previous")
    timestamps = rest.q_bool(req, "timestamps")
    tail = rest.q_int(req, "tailLines")
    since_s = rest.q_int(req, "sinceSeconds")
    since_time = rest.q(req, "sinceTime")
    limit = rest.q_int(req, "limitBytes")
    container = rest.q(req, "container")
    if tail is not None and tail < 0:
        raise rest.Invalid422('PodLogOptions "" is invalid: tailLines: Invalid value: ' + str(tail)
                              + ": must be greater than or equal to 0")
    if since_s is not None and since_s < 1:
        raise rest.Invalid422('PodLogOptions "" is invalid: sinceSeconds: Invalid value: ' + str(since_s)
                              + ": must be greater than 0")
    if limit is not None and limit < 1:
        raise rest.Invalid422('PodLogOptions "" is invalid: limitBytes: Invalid value: ' + str(limit)
                              + ": must be greater than 0")
    if since_s is not None and since_time:
        raise rest.Invalid422('PodLogOptions "" is invalid: : Forbidden: at most one of `sinceTime` or '
                              '`sinceSeconds` may be specified')
    start_ms = None
    if since_time:
        try:
            start_ms = parse_rfc3339(since_time) // 1000 * 1000
        except ValueError as e:
            raise E.BadRequest(str(e)) from None

    def first(cluster):
        pod = rest.find(cluster.api, rt.res, rt.namespace, rt.name)
        cname = _container_of(pod, container)
        return cname, cluster.logs(pod, cname, previous), cluster.now_ms

    cname, lines, now = state.run(first, write=False)
    if since_s is not None:
        start_ms = now - since_s * 1000
    budget = [limit if limit else -1]

    def text_of(chunk: list) -> bytes:
        if start_ms is not None:
            chunk = [(ms, line) for ms, line in chunk if ms >= start_ms]
        data = "".join((_stamp(ms) if timestamps else "") + line + "\n" for ms, line in chunk).encode()
        if budget[0] >= 0:
            data = data[:budget[0]]
            budget[0] -= len(data)
        return data

    shown = lines[-tail:] if tail else ([] if tail == 0 else lines)
    handler = req.handler
    if not follow or previous:
        handler.send_bytes(200, text_of(shown), "text/plain")
        return
    hub = state.hub
    key = ("Pod", rt.namespace or "default", rt.name)
    sent = len(lines)
    hub.subscribe()
    try:
        handler.start_stream("text/plain")
        handler.write_chunk(text_of(shown))
        steps = hub.steps

        def poll(cluster):
            pod = cluster.tx.get(*key)
            if pod is None:
                return None, None
            try:
                return pod, cluster.logs(pod, cname, False)
            except E.StatusError:
                return pod, None

        while budget[0] != 0 and not state.closing.is_set():
            steps = hub.wait(steps, 1.0)
            pod, now_lines = state.run(poll, write=False, tick=False)
            if pod is None or now_lines is None or len(now_lines) < sent:
                break
            if len(now_lines) > sent:
                handler.write_chunk(text_of(now_lines[sent:]))
                sent = len(now_lines)
            if _stopped(pod, cname):
                break
            if client_gone(handler):
                handler.close_connection = True
                return
        handler.end_stream()
    except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout, TimeoutError, OSError):
        handler.close_connection = True
    finally:
        hub.unsubscribe()

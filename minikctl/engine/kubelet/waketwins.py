"""A pod's wake-up made from a twin's: pods that wake alike at one instant are worked once.

A thousand pods applied from one template wake at the same instants and do the same thing at each (pull and start
their container, run a probe, step their process, write their status): their stored texts and runtime records are
equal but for a few strings the wake-up only copies -- the pod's name, uid, resourceVersion, pod IP, its
ServiceAccount token volume's name, its containers' IDs and spec hashes (the *tokens*; statustwins.py masks the
same ones in a status write). What one such wake-up does to the store goes through a handful of the transaction's
operations: the events it records (``Tx.record_event``), the status it writes (``Tx.update``), the record it
saves (``Tx.put_runtime``), the IDs it draws (``Tx.digest``, a hash of what it is given), and what it reads (its
pod, its record, store meta, the due queue).

So a pod's wake-up is worked the general way (``Kubelet._due_pod``) with those operations written down, masked
with its tokens (a *model*); a later wake-up at the same instant whose inputs mask to the same texts -- the pod's
stored text and record, the instant, the advance's bounds, the node's state, the kubelet's cached reads -- is the
model's operations done again with its own tokens put back, in its own place of the loop's order: its events are
recorded by the event recorder (their counts and names its own, the counters taken in order), its status written
by ``Tx.update`` (its revision the next one, its change logged for the controllers, its history entry and printed
row its own), its record saved. An ID drawn is drawn again from the twin's own inputs (a new token).

A model is kept only when everything its wake-up did is such an operation: any other write (a log line, a meta
key, another object, a deleted record, a wake set apart), a change of the node's state, of the kubelet's queues or
of a parked probe (parked.py), an event about another object, or a loop that stepped the pod past its first
instant (Kubelet._due_pod keeps stepping a pod alone in memory) gives it up. What the wake-up read is compared
before anything is done again: the store meta it read, and where the due queue puts the next record (the loop
must stop at the same place). A model is made from the second wake-up of its inputs (most have no twin), and the
first twin of a model is worked the general way too, its operations compared with the model's: a difference
gives the model up for the instant, its twins are worked the general way.

Off with ``engine:profile`` ``{"wake_twins": false}`` (or ``{"twins": false}``, every twin path) or
``MINIKCTL_NO_WAKE_TWINS=1``; tests/unit/test_wake_twins.py compares the stores both ways."""

from __future__ import annotations

import json
import os
import importlib
import re

from minikctl.engine.kubelet.statustwins import MARK, _Template
from minikctl.store.db import _dumps

ENABLED = os.environ.get("MINIKCTL_NO_WAKE_TWINS", "") in ("", "0")

_MISSING = object()
_SEEN = object()
_MAX_MODELS = 256
_MARKS = tuple(f"{MARK}{chr(65 + i)}{MARK}" for i in range(180))
_IDS = re.compile(r'"(?:id|spec_hash)":"([0-9a-f]{16,64})"')
# the loop's reasons to stop stepping a pod after its first instant that a twin meets the same way (Kubelet._due_pod)
_STOPS = ("nohorizon", "feed", "after", "other")
# the store meta a wake-up may read (the engine's profile, the events' TTL): the same for every twin of an instant
_META = ("engine:profile", "event_ttl_ms")
# what a traced wake-up may do; any other operation of the transaction gives the model up
_OPS = {"get_with_body", "runtime_text", "get_runtime", "meta", "record_event", "update", "next_due_other",
        "put_runtime", "digest"}
# what a wake-up may do to the store other than through the transaction's methods: a log line appended to one of
# its containers' logs is written down (``logs.append``); anything else done to or read of the logs (a stretch of
# a steady loop, a copy, a rotation's look at a log's size, the lines read for a termination message) or a crash
# loop's history written apart gives the model up
_OUTSIDE = (("minikctl.store.logs", ("append_stretch", "copy", "copies", "move_twins", "drop", "drop_pod",
                                     "cut_stretch", "state", "entries", "read_together")),
            ("minikctl.engine.kubelet.containerlogs", ("lines", "move_legacy")),
            ("minikctl.store.history", ("record_crash_loop",)))


class _Unfit(Exception):
    """The wake-up cannot be a model (or its twin cannot be made from one)."""


def tokens_of(pod: dict, body_rt: str) -> list[str] | None:
    """The strings a wake-up only copies, in a fixed order of roles: the containers' IDs and spec hashes as the
    record holds them (in their order there), the ServiceAccount token volume's name, the uid, the resourceVersion
    with its key, the pod IP, the name. None when they cannot be masked (each non-empty, printable, distinct)."""
    from minikctl.api.defaults import SERVICE_ACCOUNT_VOLUME

    meta = pod.get("metadata") or {}
    out = list(dict.fromkeys(_IDS.findall(body_rt)))
    spec = pod.get("spec")
    for v in spec.get("volumes") or () if type(spec) is dict else ():
        name = v.get("name") if type(v) is dict else None
        if type(name) is str and name.startswith(SERVICE_ACCOUNT_VOLUME + "-"):
            out.append(name)
    rv = meta.get("resourceVersion")
    if type(rv) is not str:
        return None
    status = pod.get("status")
    ip = status.get("podIP") if type(status) is dict else None
    out += [meta.get("uid"), '"resourceVersion":' + _dumps(rv), ip if ip else "\x02noip\x02", meta.get("name")]
    if len(out) > len(_MARKS) - 8 or len(set(out)) != len(out):
        return None
    for t in out:
        if type(t) is not str or not t or (not t.isprintable() and t != "\x02noip\x02"):
            return None
    return out


_RV_ROLE = -3  # the resourceVersion's place in the roles above (from the end, before the digests drawn)


def _mask(text: str, tokens: list[str]) -> str:
    for t, m in zip(tokens, _MARKS):
        text = text.replace(t, m)
    return text


def _with_rv(tokens: list[str], n_start: int, rv: str) -> list[str]:
    out = list(tokens)
    out[n_start + _RV_ROLE] = '"resourceVersion":' + _dumps(rv)
    return out


class _Trace:
    """The operations of one wake-up worked the general way, masked with its tokens (a model, or the check of one):
    ``ops`` [(name, masked args...)], ``reads``: the store meta read {key: value}, ``stop``: why the loop stopped,
    ``next`` the due queue's answer it stopped on."""

    def __init__(self, ns: str, name: str, pod: dict, tokens: list[str]) -> None:
        self.ns, self.name = ns, name
        self.uid = pod["metadata"].get("uid", "")
        self.tokens = tokens
        self.n_start = len(tokens)
        self.rv = pod["metadata"]["resourceVersion"]
        self.ops: list = []
        self.reads: dict = {}
        self.fit = True
        self.nxt = None
        self.stop = None

    def mask(self, text: str) -> str:
        return _mask(text, _with_rv(self.tokens, self.n_start, self.rv))

    def key(self) -> tuple:
        return tuple(self.ops), tuple(sorted(self.reads.items())), self.stop


class WakeTwins:
    """The models of one kubelet's wake-ups at the current instant."""

    def __init__(self, kubelet) -> None:
        self.kubelet = kubelet
        self.models: dict = {}  # masked inputs -> _Model, _SEEN, or None (worked the general way)
        self.at: int | None = None
        self._profile = (None, True)

    def enabled(self) -> bool:
        raw = self.kubelet.tx.meta("engine:profile")
        if raw != self._profile[0]:
            prof = json.loads(raw) if raw else {}
            self._profile = (raw, prof.get("wake_twins") is not False and prof.get("twins") is not False)
        return self._profile[1]

    def due(self, ns: str, name: str, until: int, horizon: int | None):
        """Work the pod's wake-up (True), from a model when there is one; otherwise the caller works it, given what
        was read of the pod: its (object, stored text) or None (not found), False when not read."""
        kl = self.kubelet
        tx = kl.tx
        if not ENABLED or not self.enabled():
            return False
        parked = kl.parked
        if parked.has(ns, name) or parked.jumps:
            return False
        found = tx.get_with_body("Pod", ns, name)
        rt = tx.runtime_text("Pod", ns, name)
        if found is None or rt is None:
            return found
        pod, body = found
        tokens = tokens_of(pod, rt)
        if tokens is None:
            return found
        if self.at != tx.now_ms or getattr(tx, "_wake_twins", None) is not self:
            self.models.clear()  # another instant, or a transaction renewed (Tx.renew drops what is kept on it)
            self.at = tx.now_ms
            tx._wake_twins = self
        key = (until, horizon, bool(tx.feed), _node_state(kl, rt), kl.reads_seq, tx.watch_events, tx.journal is None,
               getattr(tx, "parked", None) is None, kl.loop.wall_deadline is None,
               _mask(body, tokens), _mask(rt, tokens))
        model = self.models.get(key, _MISSING)
        if model is _MISSING:
            if len(self.models) < _MAX_MODELS:
                self.models[key] = _SEEN
            return found
        if model is None:
            return found
        if model is _SEEN or model.checked is False:
            trace = self._traced(ns, name, pod, tokens, until, horizon)
            if model is _SEEN:
                self.models[key] = _Model(trace) if trace.fit else None
            elif not trace.fit or trace.key() != model.trace.key():
                self.models[key] = None
            else:
                model.checked = True
            return True
        if not self._replay(model.trace, ns, name, pod, tokens):
            return found
        return True

    # ---- a wake-up worked the general way, its operations written down ------------------------------------------
    def _traced(self, ns, name, pod, tokens, until, horizon) -> _Trace:
        from minikctl.store import logs as store_logs

        kl = self.kubelet
        tx = kl.tx
        trace = _Trace(ns, name, pod, tokens)
        before = (_node_state(kl, None), len(kl.queue), len(kl.node_queue), kl.static_pending, len(kl.parked.parks),
                  kl.reads_seq)
        depth = [0]
        wrapped = []

        def wrap(op: str, fn):
            def traced(*args, **kw):
                if depth[0]:
                    return fn(*args, **kw)
                depth[0] += 1
                try:
                    if op not in _OPS:
                        trace.fit = False
                        return fn(*args, **kw)
                    return _record(trace, op, fn, args, kw)
                finally:
                    depth[0] -= 1
            return traced

        own = vars(tx)
        for op in dir(type(tx)):
            found = getattr(type(tx), op, None)
            if op.startswith("_") or op in own or not callable(found) or isinstance(found, type):
                continue  # the transaction's own methods only (not an attribute that holds a function)
            setattr(tx, op, wrap(op, getattr(tx, op)))
            wrapped.append(op)

        def unfit(fn):
            def outside(*args, **kw):
                trace.fit = False
                depth[0] += 1
                try:
                    return fn(*args, **kw)
                finally:
                    depth[0] -= 1
            return outside

        append = store_logs.append

        def log_append(tx_, namespace, pod, instance, lines, new=False):
            depth[0] += 1
            try:
                if depth[0] == 1:
                    try:
                        if tx_ is not tx or (namespace, pod) != (ns, name):
                            raise _Unfit
                        trace.ops.append(("log", _mask_arg(instance, trace),
                                          tuple((int(ms), _mask_arg(line, trace)) for ms, line in lines), bool(new)))
                    except (_Unfit, TypeError, ValueError):
                        trace.fit = False
                return append(tx_, namespace, pod, instance, lines, new)
            finally:
                depth[0] -= 1

        saved = []
        for module, names in _OUTSIDE:
            mod = importlib.import_module(module)
            for f in names:
                saved.append((mod, f, getattr(mod, f)))
                setattr(mod, f, unfit(getattr(mod, f)))
        saved.append((store_logs, "append", append))
        store_logs.append = log_append
        try:
            kl._due_pod(ns, name, until, horizon)
        finally:
            for op in wrapped:
                try:
                    delattr(tx, op)
                except AttributeError:
                    pass
            for mod, f, fn in saved:
                setattr(mod, f, fn)
        after = (_node_state(kl, None), len(kl.queue), len(kl.node_queue), kl.static_pending, len(kl.parked.parks),
                 kl.reads_seq)
        if before != after or kl.parked.has(ns, name) or kl.parked.jumps or kl.stopped_by not in _STOPS:
            trace.fit = False
        trace.stop = kl.stopped_by
        return trace

    # ---- a twin's wake-up made from its model ----------------------------------------------------------------
    def _replay(self, model: _Trace, ns, name, pod: dict, tokens: list[str]) -> bool:
        """Do the model's operations again with the pod's own tokens; False (nothing done) when what the model read
        is not what the pod reads: a store meta value, or where the due queue stops the pod's stepping."""
        from minikctl.store import logs as store_logs

        kl = self.kubelet
        tx = kl.tx
        for key, value in model.reads.items():
            if key[0] == "meta" and tx.meta(*key[1:]) != value:
                return False
        if model.stop == "other":
            nxt = model.nxt
            deadline = kl.loop.wall_deadline
            import time

            if not (deadline is not None and nxt > tx.now_ms and time.monotonic() > deadline):
                other = tx.next_due_other(nxt, "Pod", ns, name)
                if other is None or not tuple(other) < (nxt, "Pod", ns, name):
                    return False
        toks = list(tokens)
        n_start = len(tokens)
        m = pod["metadata"]
        meta = {k: m[k] for k in ("name", "namespace", "uid", "resourceVersion") if k in m}
        api = kl.api
        for op in model.ops:
            kind = op[0]
            if kind == "digest":
                toks.append(tx.digest(*[_fill_arg(a, toks) for a in op[1]]))
            elif kind == "event":
                involved = {"apiVersion": op[1], "kind": op[2], "metadata": dict(meta)}
                args = [_fill_arg(a, toks) for a in op[3]]
                tx.record_event(involved, *args)
            elif kind == "update":
                _, text, row_now, row, summary = op
                text = _tpl(text)
                filled = text.fill(_with_rv(toks, n_start, "0"))
                obj = json.loads(filled)
                written = {}

                def encode(o, text=text):
                    cur = _with_rv(toks, n_start, o["metadata"]["resourceVersion"])
                    written["toks"] = cur
                    return text.fill(cur)

                def printed(_o, _b, row=row):
                    cur = written["toks"]
                    return tuple(None if x is None else _tpl(x).fill(cur) for x in row)
                with api.writing():
                    tx.update(obj, row_now=row_now, encode=encode, printed=printed if row_now else None,
                              summary=_tpl(summary).fill(_with_rv(toks, n_start, obj["metadata"]["resourceVersion"])))
                m = obj["metadata"]
                meta = {k: m[k] for k in ("name", "namespace", "uid", "resourceVersion") if k in m}
                toks = _with_rv(toks, n_start, m["resourceVersion"])
            elif kind == "log":
                store_logs.append(tx, ns, name, _fill_arg(op[1], toks),
                                  [(ms, _fill_arg(line, toks)) for ms, line in op[2]], new=op[3])
            elif kind == "put_runtime":
                tx.put_runtime("Pod", ns, name, None, op[1], body=_tpl(op[2]).fill(toks))
        kl._records.pop((ns, name), None)
        return True


class _Model:
    __slots__ = ("trace", "checked")

    def __init__(self, trace: _Trace) -> None:
        self.trace = trace
        self.checked = False


_TEMPLATES: dict = {}  # a masked text -> its _Template (split once; the models of an instant share them)


def _tpl(text: str) -> _Template:
    found = _TEMPLATES.get(text)
    if found is None:
        if len(_TEMPLATES) > 4096:
            _TEMPLATES.clear()
        found = _TEMPLATES[text] = _Template(text)
    return found


def _node_state(kl, rt: str | None):
    """What a wake-up reads of its node's state (the kubelet's NodeState of every node: images, requests, addresses,
    whether stopped)."""
    return tuple((n, None if s is None else (s.version, tuple(s.images), s.last_ip, s.stopped_at, s.unschedulable))
                 for n, s in kl._nodes.items())


def _mask_arg(a, trace: _Trace):
    if type(a) is str:
        return ("s", trace.mask(a))
    if a is None or type(a) in (int, bool, float):
        return ("v", a)
    raise _Unfit


def _fill_arg(a, toks):
    return _tpl(a[1]).fill(toks) if a[0] == "s" else a[1]


def _record(trace: _Trace, op: str, fn, args, kw):
    """Do the operation ``op`` of a traced wake-up and write it down (masked) in ``trace``."""
    tx_name = (trace.ns, trace.name)
    if op in ("get_with_body", "runtime_text", "get_runtime"):
        if tuple(args[:3]) != ("Pod", *tx_name) or kw:
            trace.fit = False
        return fn(*args, **kw)
    if op == "meta":
        value = fn(*args, **kw)
        if kw or args[0] not in _META:
            trace.fit = False
        else:
            trace.reads[("meta", *args)] = value
        return value
    if op == "next_due_other":
        value = fn(*args, **kw)
        if kw or tuple(args[1:]) != ("Pod", *tx_name) or trace.nxt is not None:
            trace.fit = False
        trace.nxt = args[0]
        trace.ops.append(("next", args[0], None if value is None else tuple(value) < (args[0], "Pod", *tx_name)))
        return value
    try:
        if op == "digest":
            if kw:
                raise _Unfit
            masked = tuple(_mask_arg(a, trace) for a in args)
            value = fn(*args)
            if type(value) is not str or not value or value in trace.tokens or len(trace.tokens) >= len(_MARKS):
                trace.fit = False
            else:
                trace.ops.append(("digest", masked))
                trace.tokens.append(value)
            return value
        if op == "record_event":
            names = ("involved", "type_", "reason", "message", "component", "host", "at_ms", "field_path")
            given = dict(zip(names, args))
            given.update(kw)
            involved = given.pop("involved")
            meta = involved.get("metadata") or {}
            if (meta.get("name"), meta.get("namespace", "default"), meta.get("uid", "")) != (
                    trace.name, trace.ns, trace.uid) or meta.get("resourceVersion") != trace.rv:
                raise _Unfit
            rest = [given.get(n, d) for n, d in zip(names[1:], (None, None, None, None, "", None, ""))]
            trace.ops.append(("event", involved.get("apiVersion", "v1"), involved.get("kind", ""),
                              tuple(_mask_arg(a, trace) for a in rest)))
            return fn(*args, **kw)
        if op == "update":
            return _record_update(trace, fn, args, kw)
        if op == "put_runtime":
            kind, ns, name, _state, wake = (list(args) + [None] * 5)[:5]
            if (kind, ns, name) != ("Pod", *tx_name) or set(kw) - {"body"}:
                raise _Unfit
            text = fn(*args, **kw)
            trace.ops.append(("put_runtime", wake, trace.mask(text)))
            return text
    except _Unfit:
        trace.fit = False
        return fn(*args, **kw)
    trace.fit = False
    return fn(*args, **kw)


def _record_update(trace: _Trace, fn, args, kw):
    from minikctl.store import history, rows

    obj = args[0]
    meta = obj.get("metadata") or {}
    if len(args) > 1 or obj.get("kind") != "Pod" or (meta.get("name"), meta.get("namespace", "default")) != (
            trace.name, trace.ns):
        raise _Unfit
    row_now = kw.get("row_now", False)
    encode = kw.get("encode")
    printed = kw.get("printed")
    summary = kw.get("summary")
    seen = {}

    def enc(o):
        seen["body"] = text = _dumps(o) if encode is None else encode(o)
        return text

    def prn(o, b):
        seen["row"] = row = (rows.of_object if printed is None else printed)(o, b)
        return row

    if summary is None:
        summary = history._encode(history.summary(obj))
    out = fn(obj, row_now=row_now, encode=enc, printed=prn, summary=summary)
    trace.rv = obj["metadata"]["resourceVersion"]
    row = seen.get("row")
    if row_now and (row is None or any(x is not None and (type(x) is not str or MARK in x) for x in row)):
        trace.fit = False  # done already: not done again
        return out
    if MARK in seen["body"] or MARK in summary:
        trace.fit = False
        return out
    trace.ops.append(("update", trace.mask(seen["body"]), bool(row_now),
                      None if not row_now else tuple(None if x is None else trace.mask(x) for x in row),
                      trace.mask(summary)))
    return out

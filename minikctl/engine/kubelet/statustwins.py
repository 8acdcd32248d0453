"""The status write of a pod started at the same instant as its twin: its text, its managedFields, its printed
row and its history entry made from the twin's, with its own name, uid, resourceVersion, pod IP, container IDs and
token volume put in their places, not worked out again.

10,000 pods of one template applied together are pulled and started at one instant (bench/chatty_speed.py
``big``); each one's first Running status goes through the same comparison of the old and the new status for
the kubelet's managedFields entry (api/fieldmanager.py ``record_status``), the same encoding of the whole pod,
the same printed row (api/printed.py) and the same history summary (store/history.py). What tells two such
writes apart are a few strings the computation only copies (the *tokens*, ``_tokens``): the pod's name and uid,
its resourceVersion, its pod IP, its containers' IDs and the name of the ServiceAccount token volume admission
drew for it (``kube-api-access-xxxxx``).

A text is *masked*: each token replaced by a mark of its role (``MARK``, a control character the store's encoder
never writes unescaped, so putting the tokens back gives the text exactly). The first write of its kind is made
the general way and kept masked with its own tokens: the text it wrote, the managedFields it left, its row and
its summary (a *model*). A later write whose inputs mask to the same texts -- the pod's stored text (its spec,
metadata, managedFields and old status), its new status, at the same instant, by the same writer -- is its
model's outputs with the later pod's tokens put back: the computation reads the tokens only to copy them (a name
or uid into the text and the row, the pod IP into the row and into the key of the ``podIPs`` entry of the
managedFields, ``k:{"ip":...}``), so renaming them in the inputs renames them in the outputs. Two checks keep a
token that is also something else (a model whose name is a word of the row, say) from being renamed where it is
not a copy: a model is kept only when its managedFields hold none of its tokens but the pod IP in such a key, and
the first twin of every model is also written the general way, on a copy, and compared (text, managedFields,
row, summary): a difference gives the model up, its twins are written the general way.

The pod's stored text must be what the worker's pod was decoded from or last written as (``PodWorker._body``):
a worker that changes its pod in place otherwise (a crash loop's fast-forward shifting its conditions' times)
drops it. Off with ``engine:profile`` ``{"twins": false}`` (tests/unit/test_engine_start_many.py compares the
stores both ways)."""

from __future__ import annotations

import json

from minikctl.api.defaults import SERVICE_ACCOUNT_VOLUME
from minikctl.store import history, rows
from minikctl.store.db import _dumps
from minikctl.store.splice import Checked

_MISSING = object()
_SEEN = object()  # a key written once: its next write makes its model
# a token's role in a masked text: "\x01", a letter, "\x01" (the store's encoder escapes every control character;
# a printed row's own marks are NULs and its separators \x1e, \x1f: kube/timefmt.py Later, store/rows.py pack)
MARK = "\x01"
# the marks of 180 roles: enough for the kubelet's wake twins too (waketwins.py, whose tokens are a pod's and the
# digests its wake-up draws; engine/flapskip.py masks records with them), of which a status write uses the first
# _ROOM
_MARKS = tuple(f"{MARK}{chr(65 + i)}{MARK}" for i in range(180))
_ROOM = 26
_MAX_MODELS = 256  # the models of one instant (the pods of a few templates, each alike but for its tokens)


def _tokens(meta: dict, spec, status: dict) -> list[str] | None:
    """The strings a status write only copies, in a fixed order of roles (the containers' IDs, then those of
    ``identity_tokens``), or None when they cannot be masked."""
    ids = []
    for key in ("initContainerStatuses", "containerStatuses"):
        for cs in status.get(key) or ():
            cid = cs.get("containerID") if type(cs) is dict else None
            if cid is not None:
                ids.append(cid)
    return identity_tokens(ids, meta, spec, status.get("podIP"), _ROOM)


NO_IP = "\x02noip\x02"  # the pod IP's token of a pod that has none yet (waketwins.py masks such pods too)


def identity_tokens(ids: list, meta: dict, spec, ip, room: int) -> list[str] | None:
    """``ids`` (the containers' IDs, as the caller finds them), then the ServiceAccount token volume's name that
    admission drew for the pod, the uid, the resourceVersion with its key, the pod IP (or ``NO_IP``) and the name;
    None when they cannot be masked: more than ``room``, or one empty, not printable or not distinct, or one a
    single character that is the letter of an earlier role's mark (masking it would rewrite that mark). Masked in
    that order (a token found inside one masked before is left there, part of it), so that the marks put back give
    the text whatever the tokens hold."""
    out = list(ids)
    for v in spec.get("volumes") or () if type(spec) is dict else ():
        name = v.get("name") if type(v) is dict else None
        if type(name) is str and name.startswith(SERVICE_ACCOUNT_VOLUME + "-"):
            out.append(name)
    rv = meta.get("resourceVersion")
    if type(rv) is not str:
        return None
    out += [meta.get("uid"), '"resourceVersion":' + _dumps(rv), ip, meta.get("name")]
    if len(out) > room or len(set(out)) != len(out):
        return None
    for i, t in enumerate(out):
        if type(t) is not str or not t or (not t.isprintable() and t != NO_IP):
            return None
        if len(t) == 1 and 65 <= ord(t) < 65 + i:  # the letter of a mark put in before it (``_MARKS``)
            return None
    return out


def _mask(text: str, tokens: list[str]) -> str:
    for t, m in zip(tokens, _MARKS):
        text = text.replace(t, m)
    return text


class _Template:
    """A masked text split at its marks once (``MARK`` is found nowhere else in it): ``fill(tokens)`` puts each
    token back in place of its role's marks, the text ``_mask`` undone, in one join."""

    __slots__ = ("parts", "slots", "_roles")

    def __init__(self, text: str) -> None:
        parts = text.split(MARK)  # text, role, text, role, ..., text
        self.slots = [(i, ord(parts[i]) - 65) for i in range(1, len(parts), 2)]
        self.parts = parts
        self._roles = None

    def roles(self) -> tuple:
        """The roles of the slots, each once, in the order of their first places."""
        roles = self._roles
        if roles is None:
            roles = self._roles = tuple(dict.fromkeys(role for _, role in self.slots))
        return roles

    def fill(self, tokens: list[str]) -> str:
        out = list(self.parts)
        for i, role in self.slots:
            out[i] = tokens[role]
        return "".join(out)


def _with_rv(tokens: list[str], rv: str) -> list[str]:
    out = list(tokens)
    out[-3] = '"resourceVersion":' + _dumps(rv)
    return out


class StatusTwins:
    """The models of one transaction's kubelet status writes (``write``)."""

    def __init__(self) -> None:
        self.models: dict = {}  # masked inputs -> _Model, or None: written the general way
        self.at: int | None = None  # the instant of the models kept

    def write(self, api, pod: dict, old_status: dict, body: str, settled: bool) -> str:
        """``api.write_status(pod, old_status, settled=settled)`` of ``pod`` (its new status set; ``body``: its
        stored text, with the status it had); returns the text written."""
        tx = api.tx
        status = pod["status"]
        tokens = None
        if api.field_manager and type(status) is dict:
            tokens = _tokens(pod["metadata"], pod.get("spec"), status)
        if tokens is None:
            return _general(api, pod, old_status, settled)
        if self.at != tx.now_ms:
            self.models.clear()
            self.at = tx.now_ms
        status_text = _dumps(status)
        key = (_mask(body, tokens), _mask(status_text, tokens), api.field_manager, settled)
        model = self.models.get(key, _MISSING)
        if model is _MISSING or model is None or model is _SEEN:
            text = _general(api, pod, old_status, settled)
            # a model is made from a key's second write: most writes have no twin (a Job's pod, a crash loop's
            # restarts at instants of their own), and making a model costs more than a write
            if model is _SEEN:
                self.models[key] = _model(pod, text, tokens, settled)
            elif model is _MISSING and len(self.models) < _MAX_MODELS:
                self.models[key] = _SEEN
            return text
        managed = json.loads(model.managed.fill(tokens))
        row = tuple(None if x is None else x.fill(tokens) for x in model.row) if model.row is not None else None
        summary = model.summary.fill(tokens)
        if not model.check.passes(lambda: _same_as_general(api, body, status_text, old_status, tokens, model, managed,
                                                           row, summary)):
            self.models[key] = None
            return _general(api, pod, old_status, settled)
        written: list[str] = []

        def encode(obj: dict) -> str:
            written.append(model.body.fill(_with_rv(tokens, obj["metadata"]["resourceVersion"])))
            return written[-1]

        api.write_status(pod, old_status, settled=settled, encode=encode, managed=managed,
                         printed=lambda _obj, _body: row, summary=summary)
        return written[0]


def of(tx) -> StatusTwins:
    """The transaction's models (kept on it, as the components keep their state: ``Tx.renew`` drops them)."""
    found = getattr(tx, "_status_twins", None)
    if found is None:
        found = tx._status_twins = StatusTwins()
    return found


def _general(api, pod: dict, old_status: dict, settled: bool) -> str:
    """The status write the general way; the text the store's encoder wrote."""
    written: list[str] = []

    def encode(obj: dict) -> str:
        written.append(_dumps(obj))
        return written[-1]

    api.write_status(pod, old_status, settled=settled, encode=encode)
    return written[0]


class _Model:
    """What a write made the general way gives its twins: its text, managedFields, printed row (None when not
    settled) and history summary, masked with its tokens; ``check``: its first twin's write compared with the
    general way decides whether its twins are written from it (store/splice.py)."""

    __slots__ = ("body", "managed", "row", "summary", "check")

    def __init__(self, body: _Template, managed: _Template, row: tuple | None, summary: _Template) -> None:
        self.body, self.managed, self.row, self.summary = body, managed, row, summary
        self.check = Checked()


def _model(pod: dict, text: str, tokens: list[str], settled: bool) -> _Model | None:
    """What a write made the general way gives its twins (masked with its tokens, the resourceVersion it got),
    or None when its managedFields hold one of its tokens in a place that is not a copy (see the module's
    docstring)."""
    meta = pod["metadata"]
    out = _with_rv(tokens, meta["resourceVersion"])
    managed = meta.get("managedFields")
    if type(managed) is not list:
        return None
    managed_text = _dumps(managed)
    ip = tokens[-2]
    for i, t in enumerate(out):
        if i == len(out) - 2:
            if managed_text.count(ip) != managed_text.count('\\"ip\\":\\"' + ip + '\\"'):
                return None
        elif t in managed_text:
            return None
    row = None
    if settled:
        row = rows.of_object(pod, text)
        if any(x is not None and MARK in x for x in row):
            return None  # a cell holds the mark (a value with that control character): not masked
        row = tuple(None if x is None else _Template(_mask(x, out)) for x in row)
    summary = history._encode(history.summary(pod))
    return _Model(_Template(_mask(text, out)), _Template(_mask(managed_text, out)), row,
                  _Template(_mask(summary, out)))


def _same_as_general(api, body: str, status_text: str, old_status: dict, tokens: list[str], model: _Model,
                     managed: list, row: tuple | None, summary: str) -> bool:
    """Whether a stamped write is the one made the general way: the pod decoded from ``body`` given the new status
    and its managedFields entry by the field manager, encoded, its row and its summary computed, compared with what
    the model gives (under a resourceVersion of the comparison's own: the text holds it in one place)."""
    from minikctl.api import fieldmanager

    obj = json.loads(body)
    if obj.get("status") != old_status:
        return False
    obj["status"] = json.loads(status_text)
    res = api._resource_of(obj, updating=True)
    fieldmanager.record_status(res, fieldmanager.schema_for(res), old_status, obj, api.field_manager, api._now())
    obj["metadata"]["resourceVersion"] = "0"
    plain = _dumps(obj)
    if plain != model.body.fill(_with_rv(tokens, "0")) or obj["metadata"].get("managedFields") != managed:
        return False
    if history._encode(history.summary(obj)) != summary:
        return False
    return row is None or tuple(rows.of_object(obj, plain)) == row

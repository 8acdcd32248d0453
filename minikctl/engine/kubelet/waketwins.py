"""A pod's wake-up made from a twin's: pods that wake alike at one instant are worked once.

A thousand pods applied from one template wake at the same instants and do the same thing at each (pull and start
their container, run a probe, step their process, write their status): their stored texts and runtime records are
equal but for a few strings the wake-up only copies -- the pod's name, uid, resourceVersion, pod IP, its
ServiceAccount token volume's name, its containers' IDs and spec hashes (the *tokens*; statustwins.py masks the
same ones in a status write). What one such wake-up does to the store goes through a handful of the transaction's
operations: the events it records (``Tx.record_event``), the status it writes (``Tx.update``), the record it
saves (``Tx.put_runtime``), the IDs it draws (``Tx.digest``, a hash of what it is given), the log lines it appends
(store/logs.py ``append``), the failing readiness probe it parks (parked.py ``Parked.add``) or takes back as it
reads its record (``Parked.take``: every pod's parked probes before the loop's cursor happen, its own later ones
are taken out of its record), and what it reads (its pod, its record, its own parked probe, store meta, the due
queue).

So a pod's wake-up is worked the general way (``Kubelet._due_pod``) with those operations written down, masked
with its tokens (a *model*); a later wake-up at the same instant whose inputs mask to the same texts -- the pod's
stored text and record, the instant, the advance's bounds, the node's state, the kubelet's cached reads -- is the
model's operations done again with its own tokens put back, in its own place of the loop's order: its events are
recorded by the event recorder (their counts and names its own, the counters taken in order), its status written
by ``Tx.update`` (its revision the next one, its change logged for the controllers, its history entry and printed
row its own; its pod is one dict written in place, as the worker's is, so that a change logged and a parked probe
hold it as stepping's do), its record saved, its probe parked with its own pod, container and message. An ID drawn
is drawn again from the twin's own inputs (a new token).

A model is kept only when everything its wake-up did is such an operation: any other write (a log line, a meta
key, another object, a deleted record, a wake set apart), a change of the node's state, of the kubelet's queues or
of the parked probes but its own new one, an event about another object, or a loop that stepped the pod past its first
instant (Kubelet._due_pod keeps stepping a pod alone in memory) gives it up. What the wake-up read is compared
before anything is done again: the store meta it read, and where the due queue puts the next record (the loop
must stop at the same place). A model is made from the second wake-up of its inputs (most have no twin), and the
first twin of a model is worked the general way too, its operations compared with the model's: a difference
gives the model up for the instant, its twins are worked the general way.

Off with ``engine:profile`` ``{"wake_twins": false}`` (or ``{"twins": false}``, every twin path) or
``MINIKCTL_NO_WAKE_TWINS=1``; tests/unit/test_wake_twins.py compares the stores both ways.

What a twin costs beyond its operations is cut three ways, each with its own switch (profile key, environment):
its new events' stored bodies are made as they are recorded (store/events.py ``record_event`` ``kept``;
``twin_event_bodies``, ``MINIKCTL_NO_TWIN_EVENT_BODIES``); its written pod is made from the model's text as a
literal with its tokens in place (``_tree_maker``; ``twin_trees``, ``MINIKCTL_NO_TWIN_TREES``); and its pod is
read the same way from a recent model's masked text that its stored text fills (``_read``; ``twin_read_trees``,
``MINIKCTL_NO_TWIN_READ_TREES``); the literal of each is compiled once for the texts alike but for their times, a
model's at each instant (``_tree_maker`` ``shapes``; ``twin_tree_shapes``, ``MINIKCTL_NO_TWIN_TREE_SHAPES``). A pod
is read first from the masked text its last wake-up wrote it from if a twin's did (``written``:
a stored text that is that one filled with the tokens written needs no search for them), also while the write is
held in the transaction (store/db.py ``get_with_body``). Each gives what decoding and packing give; the tests
compare both ways. A twin's stored text and record, still what its last wake-up wrote from a model's masked texts,
are found to mask to those texts without masking them where its tokens are found only in their roles' places
(``_as_written``; ``wake_as_written``, ``MINIKCTL_NO_WAKE_AS_WRITTEN``); a record still as written gives its
containers' IDs from the model's ID places (``_id_roles``; ``wake_ids_as_written``,
``MINIKCTL_NO_WAKE_IDS_AS_WRITTEN``). A pod read from a kept masked text (the one its twin's wake-up wrote, or a
read maker's: ``_read``) is made as its identity alone (what ``tokens_of`` and ``_replay`` read of it), its whole tree
made only when it is used: a replay whose first use of the pod is its status write (the pod's dict cleared and given
the tree written) never makes it (``_Lazy``; ``wake_lazy_reads`` or ``twin_lazy_reads``,
``MINIKCTL_NO_WAKE_LAZY_READS`` or ``MINIKCTL_NO_TWIN_LAZY_READS``). A twin's run of new events (no other operation
but a digest between them) is recorded in one call (store/events.py ``record_events``; ``MINIKCTL_NO_EVENT_RUNS``,
tests/unit/test_event_runs.py)."""

from __future__ import annotations

import json
import os
import importlib
import re
import time

from minikctl.engine.kubelet.parked import Park

from minikctl.engine.kubelet.statustwins import _MARKS, MARK, NO_IP, _mask, _Template, identity_tokens
from minikctl.kube import jsontext
from minikctl.kube.treecopy import literal
from minikctl.store import logs as store_logs

ENABLED = os.environ.get("MINIKCTL_NO_WAKE_TWINS", "") in ("", "0")
# a twin's events stored from bodies made as they are recorded (store/events.py ``record_event`` ``kept``)
EVENT_BODIES = os.environ.get("MINIKCTL_NO_TWIN_EVENT_BODIES", "") in ("", "0")
# a twin's new events of one run (between two other operations) recorded together (store/events.py
# ``record_events``), with the event bodies made as they are recorded
EVENT_RUNS = os.environ.get("MINIKCTL_NO_EVENT_RUNS", "") in ("", "0")
# a twin's written pod made from its model's as a literal with its tokens in place (``_tree_maker``), not decoded
TREES = os.environ.get("MINIKCTL_NO_TWIN_TREES", "") in ("", "0")
# a pod read made from a recent model's masked text and the pieces the stored text holds in its roles' places
READ_TREES = os.environ.get("MINIKCTL_NO_TWIN_READ_TREES", "") in ("", "0")
# a twin's texts masked at its next wake-up as the model's texts its last one wrote them from (``_as_written``)
AS_WRITTEN = os.environ.get("MINIKCTL_NO_WAKE_AS_WRITTEN", "") in ("", "0")
# a tree maker made once for the masked texts alike but for their times (``_tree_maker``'s ``shapes``)
TREE_SHAPES = os.environ.get("MINIKCTL_NO_TWIN_TREE_SHAPES", "") in ("", "0")
# a twin's record as its last wake-up wrote it: its containers' IDs are the tokens in its ID places (``_id_roles``)
IDS_AS_WRITTEN = os.environ.get("MINIKCTL_NO_WAKE_IDS_AS_WRITTEN", "") in ("", "0")
# a pod read from a kept masked text (the one its twin's wake-up wrote, or a read maker's): only its identity made at
# once, the whole tree when it is used (``_Lazy``); either name turns it off
LAZY_READS = (os.environ.get("MINIKCTL_NO_WAKE_LAZY_READS", "") in ("", "0")
              and os.environ.get("MINIKCTL_NO_TWIN_LAZY_READS", "") in ("", "0"))
_MAX_CHUNKED = 64  # the masked texts of the models of an instant or two
_MAX_READ_MAKERS = 8
_MAX_READERS = 64

_MISSING = object()
_SEEN = object()
_SEP = "\x00"  # between texts masked together (_park_state)
_dumps = jsontext.encoder()  # the store's encoder (store/db.py ``_dumps``): texts compared with what it wrote
_MAX_MODELS = 256
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


_ID_KEYS = ('"id":"', '"spec_hash":"')


def _ids(text: str) -> list[str]:
    """``_IDS.findall(text)``, its matches found where they can start (the text's ``"id":"`` and ``"spec_hash":"``,
    with str.find) and tried there: the regex, scanning every character of a long record, costs several times more.
    A match starts with one of the two keys, so trying them in order from where the last match ended (the search
    findall does) finds the same matches."""
    out: list[str] = []
    find = text.find
    match = _IDS.match
    a = find(_ID_KEYS[0])
    b = find(_ID_KEYS[1])
    while a >= 0 or b >= 0:
        at = a if b < 0 or 0 <= a < b else b
        m = match(text, at)
        if m is None:
            pos = at + 1
        else:
            out.append(m.group(1))
            pos = m.end()
        if 0 <= a < pos:
            a = find(_ID_KEYS[0], pos)
        if 0 <= b < pos:
            b = find(_ID_KEYS[1], pos)
    return out


def tokens_of(pod: dict, body_rt: str, ids: list[str] | None = None) -> list[str] | None:
    """The strings a wake-up only copies, in a fixed order of roles: the containers' IDs and spec hashes as the
    record holds them (in their order there), then those of ``statustwins.identity_tokens`` (the ServiceAccount
    token volume's name, the uid, the resourceVersion with its key, the pod IP or ``NO_IP``, the name). None when
    they cannot be masked. ``ids``: what ``_ids(body_rt)`` gives, when known (``_ids_as_written``)."""
    status = pod.get("status")
    ip = status.get("podIP") if type(status) is dict else None
    return identity_tokens(list(dict.fromkeys(_ids(body_rt) if ids is None else ids)), pod.get("metadata") or {},
                           pod.get("spec"), ip if ip else NO_IP, len(_MARKS) - 8)


# what lies between the quotes of an ID's key (``_ID_KEYS``): a token found in a key of a filled text is one of these
_KEY_SEGMENTS = "spec_hash id :"
_HEX_ID = re.compile(r"[0-9a-f]{16,64}")


def _id_roles(text: "_Template") -> list[int] | None:
    """The roles of the ID places of a masked record (``_IDS``'s group where it is ``text``'s key, a mark, a quote), in
    the text's order, or None when the regex could find an ID elsewhere in the text filled whatever its tokens.

    Every ``"id":"`` and ``"spec_hash":"`` of the text's pieces must end its piece, the next a role's place and the
    piece after it begin with a quote; and none of those pieces may begin with a key (its quote would be the closing
    one of the match before: findall goes on after it). Filled with tokens that hold no quote and are not found
    within ``spec_hash``, ``id`` or ``:`` (``_ids_as_written`` checks them), a key of the filled text is one of the
    pieces': its quotes are the pieces' characters, so a token in it lies between two of its quotes, found within one
    of those words. A key followed by a token of 16 to 64 hex digits and a quote is a match of that token, found in
    the order of the places."""
    parts = text.parts
    roles: list[int] = []
    after_id = False
    last = len(parts) - 1
    for k in range(0, len(parts), 2):
        piece = parts[k]
        ends_key = False
        for key in _ID_KEYS:
            at = piece.find(key)
            while at >= 0:
                if (after_id and at == 0) or at + len(key) != len(piece) or k == last:
                    return None
                ends_key = True
                at = piece.find(key, at + 1)
        after_id = False
        if ends_key:
            if not parts[k + 2].startswith('"') or len(parts[k + 1]) != 1:
                return None
            roles.append(ord(parts[k + 1]) - 65)
            after_id = True
    return roles


def _ids_as_written(left: tuple | None, rt: str) -> list[str] | None:
    """``_ids(rt)`` for a record that is still the text its twin's wake-up wrote (``left``: the model's _Template,
    the tokens filled, the text filled, its ``_id_roles``), the tokens of its ID places; None when not known so."""
    if left is None or len(left) < 4 or left[3] is None or left[2] != rt:
        return None
    text, toks, roles = left[0], left[1], left[3]
    for role in text.roles():
        t = toks[role]
        if '"' in t or t in _KEY_SEGMENTS:
            return None
    match = _HEX_ID.fullmatch
    out = [toks[r] for r in roles]
    for t in out:
        if match(t) is None:
            return None
    return out


_RV_ROLE = -3  # the resourceVersion's place in the roles above (from the end, before the digests drawn)


def _with_rv(tokens: list[str], n_start: int, rv: str) -> list[str]:
    out = list(tokens)
    out[n_start + _RV_ROLE] = '"resourceVersion":' + _dumps(rv)
    return out


class _Trace:
    """The operations of one wake-up worked the general way, masked with its tokens (a model, or the check of one):
    ``ops`` [(name, masked args...)], ``reads``: the store meta read {key: value}, ``stop``: why the loop stopped,
    ``next`` the due queue's answer it stopped on."""

    def __init__(self, ns: str, name: str, pod: dict, tokens: list[str], body: str) -> None:
        self.ns, self.name = ns, name
        self.body = body  # the pod's text as last read or written
        self.pod_obj = None  # the worker's pod (its one dict, written in place)
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
        self._profile = (None, True, True, True, True, True, True, True, True)
        self.read_makers: list = []  # [(masked text as a _Template, its tree maker, rv role)], the latest first
        # (ns, name) -> the masked text a twin's pod was last written from (``_reader``'s), the tokens it was filled
        # with, the maker's (the resourceVersion's value in its role) and the text written: its next read tries it
        # first (the pods of a few models read in turn would miss in read_makers)
        self.written: dict = {}
        self._reading = None  # the pod ``_read`` is reading
        self._lazy_ok = False  # ``_read`` may give a pod's identity alone (``_Lazy``)
        self._lazy = None  # the _Lazy ``_read`` gave
        self._left = None  # what ``_replay`` left the pod's text and record as (``after``)
        self.readers: dict = {}  # (masked text, rv role) -> _reader's
        # (ns, name) -> what a twin's wake-up left its stored text and record as, each (the model's _Template it
        # was filled from, the tokens filled in, the text so filled as written) or None: ``_as_written``
        self.after: dict = {}
        # (ns, name) -> [its tokens but the resourceVersion, the chunks of a body and of a record found to hold
        # them only in their roles' places (``_Chunked.cold``)]: ``_as_written``
        self.clean: dict = {}
        self.chunked: dict = {}  # (_Template, rv role) -> _Chunked

    def enabled(self) -> bool:
        raw = self.kubelet.tx.meta("engine:profile")
        if raw != self._profile[0]:
            prof = json.loads(raw) if raw else {}
            self._profile = (raw, prof.get("wake_twins") is not False and prof.get("twins") is not False,
                             prof.get("twin_event_bodies") is not False, prof.get("twin_trees") is not False,
                             prof.get("twin_read_trees") is not False, prof.get("wake_as_written") is not False,
                             prof.get("twin_tree_shapes") is not False,
                             prof.get("wake_ids_as_written") is not False,
                             prof.get("wake_lazy_reads") is not False and prof.get("twin_lazy_reads") is not False)
        return self._profile[1]

    def due(self, ns: str, name: str, until: int, horizon: int | None):
        """Work the pod's wake-up (True), from a model when there is one; otherwise the caller works it, given what
        was read of the pod: its (object, stored text) or None (not found), False when not read."""
        kl = self.kubelet
        tx = kl.tx
        if not ENABLED or not self.enabled():
            return False
        parked = kl.parked
        if parked.jumps:
            return False
        self._reading = (ns, name)
        self._lazy_ok = LAZY_READS and self._profile[8]
        self._lazy = None
        try:
            found = tx.get_with_body("Pod", ns, name, decode=self._read if READ_TREES and self._profile[4] else None)
        finally:
            self._reading = None
            self._lazy_ok = False
        lazy = self._lazy
        if lazy is not None:
            self._lazy = None
            if found is None or found[0] is not lazy.pod:  # (not the text read: another's, or none)
                lazy = None
        rt = tx.runtime_text("Pod", ns, name)
        if found is None or rt is None:
            return found if lazy is None else lazy.whole(found)
        pod, body = found
        after = self.after.pop((ns, name), None)
        ids = None
        if after is not None and IDS_AS_WRITTEN and self._profile[7]:
            ids = _ids_as_written(after[1], rt)
        tokens = tokens_of(pod, rt, ids)
        if tokens is None:
            return found if lazy is None else lazy.whole(found)
        if self.at != tx.now_ms or getattr(tx, "_wake_twins", None) is not self:
            self.models.clear()  # another instant, or a transaction renewed (Tx.renew drops what is kept on it)
            self.at = tx.now_ms
            tx._wake_twins = self
        park = parked.parks.get((ns, name)) if parked.parks else None
        if park is not None:
            if park.block is not None:  # its counts as settled so far (parked.py ``_Block``)
                park.block.flush()
            park = _park_state(park, tokens)
            if park is None:
                return found if lazy is None else lazy.whole(found)
        masked = (None, None)
        if after is not None and AS_WRITTEN and self._profile[5]:
            masked = self._as_written((ns, name), after, body, rt, tokens)
        found_as = masked
        masked = (_mask(body, tokens) if masked[0] is None else masked[0],
                  _mask(rt, tokens) if masked[1] is None else masked[1])
        key = (until, horizon, bool(tx.feed), _node_state(kl, rt), kl.reads_seq, tx.watch_events, tx.journal is None,
               getattr(tx, "parked", None) is None, kl.loop.wall_deadline is None, park, *masked)
        model = self.models.get(key, _MISSING)
        if model is _MISSING:
            if len(self.models) < _MAX_MODELS:
                self.models[key] = _SEEN
            return found if lazy is None else lazy.whole(found)
        if model is None:
            return found if lazy is None else lazy.whole(found)
        if model is _SEEN or model.checked is False:
            trace = self._traced(ns, name, pod, body, tokens, until, horizon)
            if model is _SEEN:
                self.models[key] = _Model(trace) if trace.fit else None
                if trace.fit:
                    self._read_maker(key[-2], trace.n_start + _RV_ROLE)
            elif not trace.fit or trace.key() != model.trace.key():
                self.models[key] = None
            else:
                model.checked = True
            return True
        if lazy is not None and model.whole_pod:  # its pod held as it was read (a parked probe's)
            found = lazy.whole(found)
            pod, lazy = found[0], None
        if not self._replay(model, ns, name, pod, tokens):
            return found if lazy is None else lazy.whole(found)
        left = self._left
        self._left = None
        if left is not None and AS_WRITTEN and self._profile[5]:
            # a text the wake-up did not write is left as it was found: filled from the same masked text
            left = tuple(after[k] if w is None and found_as[k] is not None else w for k, w in enumerate(left))
            if left != (None, None):
                self.after[(ns, name)] = left
        return True

    # ---- a twin's texts masked as the model's texts its last wake-up wrote them from -----------------------------
    def _as_written(self, pod_key: tuple, after: tuple, body: str, rt: str, tokens: list[str]):
        """(``_mask(body, tokens)``, ``_mask(rt, tokens)``), each found without masking or None (it is masked).

        A twin's wake-up made from a model leaves its stored text and its record each as the model's masked text filled
        with its tokens (``(_Template, the tokens filled in, the text filled)``, _replay: the text written is kept, and
        the stored one compared with it, at once when it is the same string, not filled again), or, a text it does not
        write, as it found it, if it was found so. A text that is still the one filled (nothing else wrote it since),
        with the tokens filled in the ones it has now, masks to that masked text when every place a token is found in it
        is a place of its role: masking (statustwins.py ``_mask``) replaces each token in turn, in the roles' order, and
        a token is found in the text partly masked only where it is found in the filled text (a mark holds MARK, which
        no token does, and the letter of an earlier role, which no one-letter token is: ``identity_tokens``). A token
        found elsewhere too (a name that is also a word of the text, a token within another) is masked there too: such a
        text is masked. Where the tokens are found is looked at chunk by chunk (``_Chunked``): no token holds a comma,
        so each is found within a chunk; the chunks of a model's text that hold no resourceVersion are, from one instant
        to the next, those of the last one but for the few that change, and those a pod's tokens were looked for in
        already are not looked at again."""
        out = [None, None]
        for kind, left in enumerate(after):
            if left is None:
                continue
            text, toks = left[0], left[1]
            if toks != tokens:
                continue
            # the text filled, kept as it was written (``_replay``: the very string, compared at once) or filled
            if (left[2] if len(left) > 2 else text.fill(tokens)) != (body if kind == 0 else rt):
                continue
            chunked = self._chunked(text, len(tokens) + _RV_ROLE)
            if self._clean(pod_key, kind, chunked, tokens):
                out[kind] = chunked.masked
        return out[0], out[1]

    def _chunked(self, text: "_Template", rv_role: int):
        key = (text, rv_role)
        found = self.chunked.get(key, _MISSING)
        if found is _MISSING:
            if len(self.chunked) >= _MAX_CHUNKED:
                self.chunked.clear()
            found = self.chunked[key] = _Chunked(text, rv_role)
        return found

    def _clean(self, pod_key: tuple, kind: int, chunked: "_Chunked", tokens: list[str]) -> bool:
        """Whether each token is found in ``chunked``'s text filled with ``tokens`` only in its role's places (see
        ``_as_written``); the chunks holding no resourceVersion found so are kept as the pod's (``clean``)."""
        rv_role = chunked.rv_role
        rv = tokens[rv_role]
        if "," in rv or not rv.startswith(_RV_KEY):
            return False
        own = tuple(tokens[:rv_role]) + tuple(tokens[rv_role + 1:])
        state = self.clean.get(pod_key)
        if state is None or state[0] != own:
            if any("," in t for t in own):
                return False
            state = self.clean[pod_key] = [own, None, None]
        seen = state[1 + kind]
        if seen is not chunked.cold:
            # the chunks not looked at yet for this pod (those of its last text looked at were), the same for
            # the pods of one model: looked for once
            new = chunked.steps.get(seen)
            if new is None:
                if len(chunked.steps) >= 16:
                    chunked.steps.clear()
                new = chunked.steps[seen] = _Chunks(chunked.cold if seen is None else chunked.cold - seen)
            # the resourceVersion's key found in none of them, the resourceVersion (that key and its value) is found
            # in none whatever its value
            filled = new.found_in_place(tokens)
            if filled is None or _RV_KEY in filled:
                return False
            state[1 + kind] = chunked.cold
        # the chunks holding the resourceVersion's role: their fill changes with it
        return chunked.hot.found_in_place(tokens) is not None

    # ---- a pod read made from a model's text ------------------------------------------------------------------
    def _read_maker(self, masked: str, rv_role: int) -> None:
        """Keep the masked text a model's pod was read as, to make the pods of its twins from (``_read``)."""
        made = self._reader(masked, rv_role)
        if made is not None and not any(m is made for m in self.read_makers):
            self.read_makers.insert(0, made)
            del self.read_makers[_MAX_READ_MAKERS:]

    def _reader(self, masked: str, rv_role: int, text: "_Template | None" = None):
        """(``masked`` as a _Template, its tree maker with the resourceVersion's value a role, ``rv_role``), or None
        when it has none (_tree_maker): made once for a text, whether a model's pod was read as it (``_read_maker``)
        or a twin's pod written as it (``_replay``: its next read is tried with it first)."""
        key = (masked, rv_role)
        made = self.readers.get(key, _MISSING)
        if made is _MISSING:
            if len(self.readers) >= _MAX_READERS:
                self.readers.clear()
            text = _Template(masked) if text is None else text
            maker = _tree_maker(text, rv_role, rv_fixed=False, shapes=TREE_SHAPES and self._profile[6])
            made = self.readers[key] = None if maker is None else (text, maker, rv_role)
        return made

    def _read(self, stored: str):
        """What ``json.loads`` gives for a pod's stored text, made from a kept masked text the stored one fills
        (``_unfill``: the text is that one's pieces with the strings between them in the roles' places, so the
        tree made with those strings is the text decoded, _tree_maker), or None."""
        written = self.written.get(self._reading) if self._reading is not None else None
        if written is not None:
            # the pod's text as its twin's wake-up wrote it: the text written is that one filled with the tokens
            # written (their strings in the roles' places, as _unfill would find them), its tree the maker's
            made, toks, values = written[0], written[1], written[2]
            filled = written[3] if len(written) > 3 else made[0].fill(toks)  # (the text as written, kept)
            if filled != stored:
                values = _made_values(made, stored)
            if values is not None:
                tree = self._made(made[1], values)
                if tree is not None:
                    return tree
        for made in self.read_makers:
            values = _made_values(made, stored)
            if values is not None:
                tree = self._made(made[1], values)
                if tree is not None:
                    return tree
        return None

    def _made(self, maker, values):
        """The tree ``maker`` gives for ``values``: its identity alone where the read may be lazy (``_unmade``), or
        None when the maker gives none."""
        tree = self._unmade(maker, values) if self._lazy_ok else None
        return maker(values) if tree is None else tree

    def _unmade(self, maker, values):
        """The identity of the tree ``maker`` gives for ``values`` (``_tree_maker``'s ``identity``: None when the
        maker gives none, or has no identity), the tree left unmade till it is used (``_Lazy``, noted for ``due``)."""
        ident = getattr(maker, "identity", None)
        pod = None if ident is None else ident(values)
        if pod is not None:
            self._lazy = _Lazy(pod, maker, values)
        return pod

    # ---- a wake-up worked the general way, its operations written down ------------------------------------------
    def _traced(self, ns, name, pod, body, tokens, until, horizon) -> _Trace:
        kl = self.kubelet
        tx = kl.tx
        trace = _Trace(ns, name, pod, tokens, body)
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
        parked = kl.parked
        add = parked.add
        parks = []

        def park_add(park):
            # a failing readiness probe parked once the instant is settled (PodWorker.settled): made again with the
            # twin's own pod, container and message; its record's crash-loop notes must be none (they are the
            # record's, not written down here)
            try:
                if (park.ns, park.name) != (ns, name) or park.event_log is not None or park.cycle is not None \
                        or park.done or park.applied or park.last_rv or parks or _dumps(park.pod) != trace.body:
                    raise _Unfit  # (its pod as last written or read: the one a twin's park is given)
                trace.ops.append(("park", _mask_arg(park.cname, trace),
                                  _mask_arg(park.iid, trace), _mask_arg(park.key, trace), _mask_arg(park.fp, trace),
                                  _mask_arg(park.message, trace), park.first, park.period, park.end, park.seq0,
                                  park.timer_seq))
                parks.append(park)
            except (_Unfit, TypeError, ValueError):
                trace.fit = False
            return add(park)

        take = parked.take
        taken = []

        def park_take(ns_, name_, rec):
            # its own parked probe taken back as its record is read (Kubelet.load_record, records.load): the probes
            # before the loop's cursor happen (every pod's), the rest are taken out of the record
            depth[0] += 1
            try:
                if depth[0] == 1:
                    if (ns_, name_) != (ns, name) or taken or trace.ops:
                        trace.fit = False
                    elif parked.has(ns, name):
                        taken.append(True)
                        trace.ops.append(("take",))
                return take(ns_, name_, rec)
            finally:
                depth[0] -= 1

        parked.add = park_add
        parked.take = park_take
        try:
            kl._due_pod(ns, name, until, horizon)
        finally:
            del parked.add
            del parked.take
            for op in wrapped:
                try:
                    delattr(tx, op)
                except AttributeError:
                    pass
            for mod, f, fn in saved:
                setattr(mod, f, fn)
        after = (_node_state(kl, None), len(kl.queue), len(kl.node_queue), kl.static_pending, len(kl.parked.parks),
                 kl.reads_seq)
        if parks or taken:  # its own park taken back, or added: as written down
            before = before[:4] + (before[4] + len(parks) - len(taken),) + before[5:]
        if parks:
            if kl.parked.parks.get((ns, name)) is not parks[0] or parks[0].pod is not trace.pod_obj:
                trace.fit = False
        elif kl.parked.has(ns, name):
            trace.fit = False
        if before != after or kl.parked.jumps or kl.stopped_by not in _STOPS:
            trace.fit = False
        trace.stop = kl.stopped_by
        return trace

    # ---- a twin's wake-up made from its model ----------------------------------------------------------------
    def _replay(self, made: "_Model", ns, name, pod: dict, tokens: list[str]) -> bool:
        """Do the model's operations again with the pod's own tokens; False (nothing done) when what the model read
        is not what the pod reads: a store meta value, or where the due queue stops the pod's stepping."""
        kl = self.kubelet
        tx = kl.tx
        model = made.trace
        for key, value in model.reads.items():
            if key[0] == "meta" and tx.meta(*key[1:]) != value:
                return False
        if model.stop == "other":
            nxt = model.nxt
            deadline = kl.loop.wall_deadline
            if not (deadline is not None and nxt > tx.now_ms and time.monotonic() > deadline):
                other = tx.next_due_other(nxt, "Pod", ns, name)
                if other is None or not tuple(other) < (nxt, "Pod", ns, name):
                    return False
        toks = list(tokens)
        n_start = len(tokens)
        body_left = rt_left = None  # the pod's text and record as written, from a model's text (_as_written)
        m = pod["metadata"]
        meta = {k: m[k] for k in ("name", "namespace", "uid", "resourceVersion") if k in m}
        api = kl.api
        parked = kl.parked
        kept = not (EVENT_BODIES and self._profile[2])
        trees = TREES and self._profile[3]
        reads = READ_TREES and self._profile[4]
        # the events of a run of them (a digest between two draws nothing of the store) recorded together
        # (store/events.py ``record_events``): [apiVersion, kind, [their arguments]]
        run = None
        runs = not kept and EVENT_RUNS
        for op in made.ops:
            kind = op[0]
            if kind == "digest":
                toks.append(tx.digest(*[v.fill(toks) if t else v for t, v in op[1]]))
                continue
            if kind == "event":
                args = [v.fill(toks) if t else v for t, v in op[3]]
                if not runs:
                    involved = {"apiVersion": op[1], "kind": op[2], "metadata": dict(meta)}
                    tx.record_event(involved, *args, kept=kept)
                    continue
                if run is not None and (run[0] != op[1] or run[1] != op[2]):
                    tx.record_events({"apiVersion": run[0], "kind": run[1], "metadata": dict(meta)}, run[2])
                    run = None
                if run is None:
                    run = [op[1], op[2], []]
                run[2].append(args)
                continue
            if run is not None:
                tx.record_events({"apiVersion": run[0], "kind": run[1], "metadata": dict(meta)}, run[2])
                run = None
            if kind == "update":
                _, text, row_now, row, summary, made_trees = op
                tree = None
                if trees:
                    maker = made_trees.get(n_start, _MISSING)
                    if maker is _MISSING:
                        maker = made_trees[n_start] = _tree_maker(text, n_start + _RV_ROLE,
                                                                  shapes=TREE_SHAPES and self._profile[6])
                    if maker is not None:
                        tree = maker(toks)
                if tree is None:
                    tree = json.loads(text.fill(_with_rv(toks, n_start, "0")))
                # the pod's one dict, written in place as the worker writes its pod (a change logged holds it, a
                # parked probe too: a later write is seen through them, as stepping's are)
                obj = pod
                obj.clear()
                obj.update(tree)
                written = {}

                def encode(o, text=text):
                    cur = _with_rv(toks, n_start, o["metadata"]["resourceVersion"])
                    written["toks"] = cur
                    written["text"] = filled = text.fill(cur)
                    return filled

                def printed(_o, _b, row=row):
                    cur = written["toks"]
                    return tuple(None if x is None else x.fill(cur) for x in row)
                # (``api.writing()`` inline: the store's writes inside are the kubelet's)
                wtx = api.tx
                prev, wtx.writer = wtx.writer, api.writer
                try:
                    tx.update(obj, row_now=row_now, encode=encode, printed=printed if row_now else None,
                              summary=summary.fill(toks))
                finally:
                    wtx.writer = prev
                m = obj["metadata"]
                meta = {k: m[k] for k in ("name", "namespace", "uid", "resourceVersion") if k in m}
                toks = _with_rv(toks, n_start, m["resourceVersion"])
                body_left = (text, toks, written["text"])  # (the text written kept: ``_as_written``, ``_read``)
                if reads:  # the text written: the pod's next read is tried with it first (``_read``)
                    reader = made_trees.get(("read", n_start), _MISSING)
                    if reader is _MISSING:
                        reader = self._reader(MARK.join(text.parts), n_start + _RV_ROLE, text)
                        made_trees[("read", n_start)] = reader
                    if reader is None:
                        self.written.pop((ns, name), None)
                    else:
                        values = list(toks)
                        values[n_start + _RV_ROLE] = m["resourceVersion"]
                        self.written[(ns, name)] = (reader, toks, values, written["text"])
            elif kind == "log":
                t, v = op[1]
                store_logs.append(tx, ns, name, v.fill(toks) if t else v,
                                  [(ms, v.fill(toks) if t else v) for ms, (t, v) in op[2]], new=op[3])
            elif kind == "put_runtime":
                filled = op[2].fill(toks)
                tx.put_runtime("Pod", ns, name, None, op[1], body=filled)
                rt_left = (op[2], toks, filled, op[3])
            elif kind == "take":
                parked.take(ns, name, _NO_RECORD)  # the record as the model's take left it: written below
            elif kind == "park":
                _, cname, iid, key, fp, message, first, period, end, seq0, timer_seq = op
                p = Park(ns, name, pod, *[v.fill(toks) if t else v for t, v in (cname, iid, key, fp, message)],
                         first, period, end)
                p.seq0, p.timer_seq = seq0, timer_seq
                parked.add(p)
        if run is not None:
            tx.record_events({"apiVersion": run[0], "kind": run[1], "metadata": dict(meta)}, run[2])
        kl._records.pop((ns, name), None)
        self._left = (body_left, rt_left)
        return True


class _Lazy:
    """A pod read from a kept masked text (``WakeTwins._read``: the text its twin's wake-up wrote, or a read
    maker's the stored text fills), its tree made when it is used: ``pod`` holds its identity alone (what
    ``tokens_of`` and ``_replay`` read of it: the metadata's name, namespace, uid and resourceVersion, the volumes'
    names, the pod IP; ``_tree_maker``'s ``identity``), as the tree holds them.
    A wake-up made from a model whose first use of the pod is a status write (``_replay``: the pod's dict is
    cleared and given the tree written) never uses the rest, nor does a probe parked with the pod (``Park.pod`` is
    read for its uid alone: store/events.py ``bump_event``, from parked.py); any other use is given the whole tree
    (``whole``), the one the maker gives for the same values."""

    __slots__ = ("pod", "maker", "values")

    def __init__(self, pod: dict, maker, values: list[str]) -> None:
        self.pod, self.maker, self.values = pod, maker, values

    def whole(self, found: tuple) -> tuple:
        return self.maker(self.values), found[1]


def _made_values(made: tuple, stored: str) -> dict | None:
    """The values of a read maker's (masked text, tree maker, rv role) roles that ``stored`` holds, the
    resourceVersion's its value: the maker gives the tree of ``stored`` for them (see ``_read``); or None."""
    text, maker, rv_role = made
    values = _unfill(text, stored)
    if values is None:
        return None
    rv = values.get(rv_role)
    if rv is not None:  # the role holds the pair, '"resourceVersion":"<value>"'; the tree, its value
        if not (rv.startswith('"resourceVersion":"') and rv.endswith('"') and len(rv) > 20):
            return None
        values[rv_role] = rv[19:-1]
    return values


class _Model:
    """A wake-up's trace, its first twin's check (``checked``), and its operations made ready to be filled
    (``ops``: each masked text split at its marks once, a string without a mark kept as it is)."""

    __slots__ = ("trace", "checked", "ops", "whole_pod")

    def __init__(self, trace: _Trace) -> None:
        self.trace = trace
        self.checked = False
        self.ops = [_compiled(op) for op in trace.ops]
        # a twin's pod as read is used whole by an operation other than these before a status written replaces it
        # (``_Lazy``); a probe parked holds it for its uid alone (store/events.py ``bump_event``, parked.py)
        self.whole_pod = False
        for op in trace.ops:
            if op[0] == "update":
                break
            if op[0] not in ("event", "digest", "take", "next", "put_runtime", "log", "park"):
                self.whole_pod = True
                break


def _filler(a):
    """A masked argument made ready: (True, its _Template) or (False, the value itself)."""
    if a[0] == "s" and MARK in a[1]:
        return True, _Template(a[1])
    return False, a[1]


def _compiled(op: tuple) -> tuple:
    kind = op[0]
    if kind == "digest":
        return kind, tuple(_filler(a) for a in op[1])
    if kind == "event":
        return kind, op[1], op[2], tuple(_filler(a) for a in op[3])
    if kind == "update":
        _, text, row_now, row, summary = op
        return kind, _Template(text), row_now, None if row is None else tuple(
            None if x is None else _Template(x) for x in row), _Template(summary), {}
    if kind == "log":
        return kind, _filler(op[1]), tuple((ms, _filler(line)) for ms, line in op[2]), op[3]
    if kind == "put_runtime":
        text = _Template(op[2])
        return kind, op[1], text, _id_roles(text)
    if kind == "park":
        return (kind, *[_filler(a) for a in op[1:6]], *op[6:])
    return op


_PROBE = 0xF0000  # a role's stand-in while its tree is made: a character of a private use plane, one per role
_PROBES = re.compile("([\U000F0000-\U000F00FF])")
_UNSAFE = re.compile('["\\\\\x00-\x1f]')  # what a JSON string does not hold as it is


def _unfill(text: "_Template", stored: str) -> dict | None:
    """The strings ``stored`` holds in the places of ``text``'s roles ({role: string}) when ``stored`` is
    ``text``'s pieces in order with a string between each two (one string for every place of a role), else None.
    Filling ``text`` with them gives ``stored`` back."""
    parts = text.parts
    if not stored.startswith(parts[0]):
        return None
    pos = len(parts[0])
    last = len(parts) - 1
    out: dict = {}
    for k in range(1, last, 2):
        role = ord(parts[k]) - 65
        lit = parts[k + 1]
        if k + 1 == last:
            end = len(stored) - len(lit)
            if end < pos or not stored.endswith(lit):
                return None
        elif not lit:
            return None  # two roles side by side: where one ends is not said
        else:
            end = stored.find(lit, pos)
            if end < 0:
                return None
        value = stored[pos:end]
        if out.setdefault(role, value) != value:
            return None
        pos = end + len(lit)
    return out


def _string(v: str, found: list) -> str:
    """A string of a tree written for ``_tree_maker``'s literal (kube/treecopy.py ``literal``): its pieces and the
    tokens of the roles whose stand-ins it holds (noted in ``found``; a time's stand-in, ``_TIMES_AT`` on, is the
    time's place in the maker's second argument)."""
    pieces = _PROBES.split(v)
    if len(pieces) == 1:
        return repr(v)
    out = []
    for j, piece in enumerate(pieces):
        if j % 2:
            role = ord(piece) - _PROBE
            found.append(role)
            out.append(f"t[{role}]" if role < _TIMES_AT else f"c[{role - _TIMES_AT}]")
        elif piece:
            out.append(repr(piece))
    return "(" + "+".join(out) + ")"


# the times a masked text holds in its pieces (metav1.Time and MicroTime as apimachinery's
# pkg/apis/meta/v1/time.go and micro_time.go write them: RFC 3339 in UTC, seconds or microseconds): the texts of
# one model's wake-ups at two instants differ in them, the rest of the text alike
_TIMES = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?Z")
_TIMES_AT = len(_MARKS)  # the stand-in of a text's k-th time: role _TIMES_AT + k (below 256, the probes' range)
# the shapes of a few minutes' models and of the pods they write: bench/services_speed.py makes 70 (with 64 kept,
# a third of them were compiled again once the cache was cleared)
_MAX_SHAPES = 256
_shapes: dict = {}  # the text with its roles' and times' stand-ins -> (compiled literal, its roles) or None


def _tree_maker(text: "_Template", rv_role: int, rv_fixed: bool = True, shapes: bool = False):
    """A function of a twin's tokens that gives what ``json.loads`` gives for the model's masked text ``text``
    filled with them (the resourceVersion's role filled with revision "0", as the write then sets its own): the
    decoded tree written as a Python literal (kube/treecopy.py ``literal``), each string that holds a role made
    of its pieces and the token. It returns None (the caller decodes the filled text) for tokens that a JSON
    string does not hold as they are (a quote, a backslash, a control character): any other token is decoded to
    itself where it stands in a string, so the filled text decodes to that tree. The maker is None when a role
    stands elsewhere than in a string or a key (in a number, across an escape: the text, each role filled with
    its stand-in, does not decode, or decodes to other stand-ins than the roles put). ``rv_fixed`` False: the
    resourceVersion's role is the value's place, its token the value (a pod read, ``WakeTwins._read``).

    ``shapes``: the times found in the text's pieces (``_TIMES``) are given stand-ins too, as roles whose values
    are the times found, and the literal compiled for the text so written is kept (``_shapes``): a text alike but
    for its times (a model's at a later instant) is written the same, so its maker is that literal given its own
    times. A time is made only of characters a JSON string holds as they are, so the proof above holds for them
    as for tokens; a text whose times do not all stand in strings is made without their stand-ins."""
    parts = list(text.parts)
    roles = []
    for i, role in text.slots:
        if role == rv_role and rv_fixed:
            parts[i] = '"resourceVersion":"0"'
        elif role == rv_role:
            parts[i] = '"resourceVersion":"' + chr(_PROBE + role) + '"'
            roles.append(role)
        else:
            parts[i] = chr(_PROBE + role)
            roles.append(role)
    if any(r >= _TIMES_AT for r in roles):
        return None
    times: list[str] = []
    if shapes:
        def stand_in(m):
            if len(times) >= 256 - _TIMES_AT:
                return m.group(0)
            times.append(m.group(0))
            return chr(_PROBE + _TIMES_AT + len(times) - 1)

        timed = list(parts)
        for i in range(0, len(parts), 2):
            timed[i] = _TIMES.sub(stand_in, parts[i])
        key = probed = "".join(timed)
        made = _shapes.get(key, _MISSING)
        if made is _MISSING:
            made = _compiled_tree(key, roles + [_TIMES_AT + k for k in range(len(times))])
            if len(_shapes) >= _MAX_SHAPES:
                _shapes.clear()
            _shapes[key] = made
        if made is None and times:  # a time not in a string: the text made as it is
            times = []
            made = _compiled_tree(probed := "".join(parts), roles)
    else:
        made = _compiled_tree(probed := "".join(parts), roles)
    if made is None:
        return None
    made, used = made
    unsafe = _UNSAFE.search

    def maker(tokens: list[str]):
        for r in used:
            if unsafe(tokens[r]):
                return None
        return made(tokens, times)

    if not rv_fixed and LAZY_READS:
        ident = _identities.get(probed, _MISSING)
        if ident is _MISSING:
            ident = _compiled_identity(probed)
            if len(_identities) >= _MAX_SHAPES:
                _identities.clear()
            _identities[probed] = ident
        if ident is not None:
            def identity(tokens: list[str]):
                """The pod's identity as ``maker(tokens)`` holds it (``_Lazy``), or None when the maker gives none."""
                for r in used:
                    if unsafe(tokens[r]):
                        return None
                return ident(tokens, times)

            maker.identity = identity
    return maker


_identities: dict = {}  # the text with its roles' and times' stand-ins -> its identity's literal or None


def _identity_of(tree: dict) -> dict | None:
    """What ``tokens_of`` and ``WakeTwins._replay`` read of a pod (``_Lazy``), as ``tree`` holds it: the metadata's
    name, namespace, uid and resourceVersion, each volume's name, the pod IP; None for a tree of another shape."""
    meta = tree.get("metadata")
    if type(meta) is not dict:
        return None
    out: dict = {"metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion") if k in meta}}
    if "spec" in tree:
        spec = tree["spec"]
        if type(spec) is not dict:
            return None
        out["spec"] = part = {}
        if "volumes" in spec:
            volumes = spec["volumes"]
            if type(volumes) is not list or any(type(v) is not dict for v in volumes):
                return None
            part["volumes"] = [{"name": v["name"]} if "name" in v else {} for v in volumes]
    if "status" in tree:
        status = tree["status"]
        if type(status) is not dict:
            return None
        out["status"] = {"podIP": status["podIP"]} if "podIP" in status else {}
    return out


def _compiled_identity(probed: str):
    """``lambda t, c:`` the identity (``_identity_of``) of the tree of ``probed`` as a literal, its stand-ins the
    tokens ``t`` and times ``c`` (``_compiled_tree``'s), or None."""
    try:
        tree = json.loads(probed)
    except ValueError:
        return None
    part = _identity_of(tree) if type(tree) is dict else None
    if part is None:
        return None
    try:
        code = literal(part, lambda v: _string(v, []))
        return eval(compile("lambda t, c: " + code, "<twin identity>", "eval"))  # noqa: S307 - our own literal
    except (ValueError, SyntaxError, RecursionError, MemoryError):
        return None


def _compiled_tree(probed: str, roles: list[int]):
    """(``lambda t, c:`` the tree of ``probed`` as a literal, its stand-ins the tokens ``t`` and times ``c``; the
    token roles it reads), or None (see ``_tree_maker``)."""
    try:
        tree = json.loads(probed)
    except ValueError:
        return None
    if type(tree) is not dict:
        return None
    found: list[int] = []
    try:
        code = literal(tree, lambda v: _string(v, found))
        if sorted(found) != sorted(roles):
            return None  # a stand-in the text held already, or one lost
        made = eval(compile("lambda t, c: " + code, "<twin tree>", "eval"))  # noqa: S307 - our own literal
    except (ValueError, SyntaxError, RecursionError, MemoryError):
        return None
    return made, sorted({r for r in roles if r < _TIMES_AT})


_RV_KEY = '"resourceVersion":"'


class _Chunked:
    """A model's masked text cut at its commas (``_as_written``): ``masked`` the text, ``cold`` its chunks that hold
    no mark of the resourceVersion's role (``rv_role``), ``hot`` those that do (_Chunks); ``steps``: {the chunks of
    a text looked at before (``cold``, or None): those of ``cold`` not among them (_Chunks)}."""

    __slots__ = ("masked", "cold", "hot", "rv_role", "steps")

    def __init__(self, text: "_Template", rv_role: int) -> None:
        self.masked = MARK.join(text.parts)
        self.rv_role = rv_role
        rv_mark = _MARKS[rv_role]
        chunks = set(self.masked.split(","))
        self.hot = _Chunks(c for c in chunks if rv_mark in c)
        self.cold = frozenset(c for c in chunks if rv_mark not in c)
        self.steps: dict = {}


class _Chunks:
    """Chunks of a masked text, joined by commas (``text``, a _Template), how many places each role has in them
    (``places``) and how many tokens fill them (``needs``: one more than the last role; None: not marks)."""

    __slots__ = ("text", "places", "needs")

    def __init__(self, chunks) -> None:
        self.text = text = _Template(",".join(chunks))
        places: dict = {}
        for _, role in text.slots:
            places[role] = places.get(role, 0) + 1
        self.places = places
        marks = all(len(text.parts[i]) == 1 and role >= 0 for i, role in text.slots)
        self.needs = (max(places) + 1 if places else 0) if marks else None

    def found_in_place(self, tokens: list[str]) -> str | None:
        """The chunks filled with ``tokens`` when each token is found in them only in its role's places, else None.
        Its places are places it is found in, so it is found nowhere else when it is found as many times as it
        has places (overlapping finds counted too)."""
        places = self.places
        if self.needs is None or self.needs > len(tokens):
            return None
        filled = self.text.fill(tokens) if places else self.text.parts[0]
        for role, t in enumerate(tokens):
            want = places.get(role) if places else None
            if want is None:
                if t in filled:
                    return None
                continue
            at = filled.find(t)
            k = 0
            while at >= 0:
                k += 1
                if k > want:
                    return None
                at = filled.find(t, at + 1)
            if k != want:
                return None
        return filled


class _NoRecord:
    """The record a twin's parked probe is taken back from: none to change (Park.undo finds no container); the
    model's record, as its take left it, is what the twin saves."""

    containers: dict = {}


_NO_RECORD = _NoRecord()


def _park_state(p, tokens: list[str]) -> tuple | None:
    """What a pod's own parked probe is, masked with its tokens (its pod aside: only its own identity is read of
    it), or None when it carries a crash loop's notes (kept in the park, not written down)."""
    if p.event_log is not None or p.cycle is not None:
        return None
    texts = (p.cname, p.iid, p.key, p.fp, p.message)
    if any(type(t) is not str or MARK in t or _SEP in t for t in texts):
        return None
    # masked as one text, its pieces apart by a character no token holds (tokens are printable, or NO_IP): no
    # token is found across two of them, so the masked text's pieces are the texts masked one by one
    return (p.first, p.period, p.end, p.total, p.done, p.applied, p.seq0, p.timer_seq,
            _mask(_SEP.join(texts), tokens))


def _node_state(kl, rt: str | None):
    """What a wake-up reads of its node's state (the kubelet's NodeState of every node: images, requests, addresses,
    whether stopped)."""
    return tuple((n, None if s is None else (s.version, tuple(s.images), s.last_ip, s.stopped_at, s.unschedulable))
                 for n, s in kl._nodes.items())


def _mask_arg(a, trace: _Trace):
    """An argument of an operation, masked: ("s", its masked text) or ("v", a number, a boolean or None). A text
    holding the mark's character itself (a log line may) cannot be masked."""
    if type(a) is str:
        if MARK in a:
            raise _Unfit
        return ("s", trace.mask(a))
    if a is None or type(a) in (int, bool, float):
        return ("v", a)
    raise _Unfit


def _record(trace: _Trace, op: str, fn, args, kw):
    """Do the operation ``op`` of a traced wake-up and write it down (masked) in ``trace``."""
    tx_name = (trace.ns, trace.name)
    if op in ("get_with_body", "runtime_text", "get_runtime"):
        if tuple(args[:3]) != ("Pod", *tx_name) or kw:
            trace.fit = False
        value = fn(*args, **kw)
        if op == "get_with_body":
            if trace.pod_obj is not None or value is None or value[1] != trace.body:
                trace.fit = False
            else:
                trace.pod_obj = value[0]
        return value
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
    if len(args) > 1 or obj is not trace.pod_obj or obj.get("kind") != "Pod" or (
            meta.get("name"), meta.get("namespace", "default")) != (trace.name, trace.ns):
        raise _Unfit  # (the worker's pod, written in place: a twin's is too)
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
    trace.body = seen["body"]
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

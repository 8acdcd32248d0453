"""The default scheduler (kube-scheduler's default profile), an ordinary client of the API.

It sees pods without a node through the change log and binds each to the best node (the ``pods/binding``
subresource). Filters, in the default profile's order (the first failing plugin names a node's reason):
NodeUnschedulable, NodeName, TaintToleration, NodeAffinity (nodeSelector + required node affinity),
NodeResourcesFit (requests; a pod's request is max(sum of containers, biggest init step) plus overhead).
Scores of the feasible nodes (``pkg/scheduler/framework/plugins``): NodeResourcesFit LeastAllocated and
NodeResourcesBalancedAllocation over cpu and memory with the non-zero defaults (100m, 200Mi) for containers
without requests, TaintToleration (PreferNoSchedule taints) and NodeAffinity (preferred terms); ties go to
the first node by name (kube-scheduler picks among ties at random).

A pod that fits nowhere gets the Unschedulable condition and a FailedScheduling event, and is tried again when
the cluster changes (a node is added or changed, a pod gives its resources back) or after 5 minutes
(``podMaxInUnschedulablePodsDuration``). Its queue is a runtime record (kind ``Scheduler``).
"""

from __future__ import annotations

import json
import os
from fractions import Fraction
from functools import lru_cache

from minikctl.kube.selectors import requirement_of
from minikctl.store import history, rows
from minikctl.store.changelog import DELETED, Remade
from minikctl.store.splice import Checked

SCHEDULER = "default-scheduler"
RETRY_MS = 300_000
RECORD = ("Scheduler", "", "unschedulable")
DEFAULT_MILLI_CPU = Fraction(1, 10)  # schedutil.DefaultMilliCPURequest (100m)
DEFAULT_MEMORY = Fraction(200 * 1024 * 1024)  # schedutil.DefaultMemoryRequest (200Mi)


_sig = json.JSONEncoder(sort_keys=True, default=str).encode  # a pod's scheduling signature (json.dumps with these
# options makes an encoder a call)
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode  # the store's (runtime records)
# a node's score is shared with every node alike in what ``score`` reads of it (``Scheduler._score_key``); the tests'
# switch back to a score per node (MINIKCTL_NO_SHARED_SCORES=1): tests/unit/test_scheduler_shared_scores.py
SHARED_SCORES = os.environ.get("MINIKCTL_NO_SHARED_SCORES", "") in ("", "0")


class Scheduler:
    name = "scheduler"
    watches = ("Pod", "Node")
    owns = ("Scheduler",)

    def __init__(self, loop) -> None:
        self.loop = loop
        self.tx = loop.tx
        self.api = loop.api.as_writer("scheduler")
        # pods to try now, in arrival order, with the change that queued each (its stored text: _status_text)
        self.queue: dict[tuple, object] = {}
        # the splices of status writes' texts (``_status_text``) and of bindings' (``_bind_text``), each checked once
        self._spliced = Checked()
        self._bound = Checked()
        # pods bound in this run whose kubelet has not taken them yet: their requests are already on the node
        self.assumed: dict[tuple, tuple] = {}  # (namespace, name, uid) -> (node, requests)
        self._retry: dict[str, int] | None = None  # "namespace/name" -> when to try again
        self._all_due: int | None = None  # the instant capacity_changed made every entry due, until one is put later
        self._texts: dict[str, tuple] = {}  # "namespace/name" -> (when, its entry's JSON text in the record)
        self._nodes: dict[str, dict] | None = None  # name -> Node, once read (kept current by observe)
        self._allocs: dict[tuple, dict] = {}  # (node, resourceVersion) -> its parsed allocatable
        # (node, resourceVersion, what is bound to it, the pod's scheduling fields) -> filter verdict / score
        self._filtered: dict[tuple, tuple] = {}
        self._scores: dict[tuple, object] = {}
        self._facts: dict[str, tuple] = {}  # a pod's scheduling signature -> what _pod_facts derives from it
        # what is a function of a stamped pod's template (api/stamp.py), for the pods still as stamped: the
        # template -> _pod_facts; (template, message, now, creationTimestamp) -> the printed row's pieces (_row_stamp)
        self._source_facts: dict = {}
        self._row_stamps: dict = {}
        # the template -> its status's text, (template, message, now) -> the status's text after the condition
        # (_status_text)
        self._status_tails: dict = {}
        self._summaries: dict = {}  # (template, message, now) -> the history summary after the condition
        self._used: dict[str, tuple] = {}  # node -> (its state, the state's version, _used_key)
        # (node, resourceVersion, with its labels) -> what ``score`` reads of it (_score_key)
        self._score_nodes: dict[tuple, str] = {}

    @staticmethod
    def _remember(cache: dict, key: tuple, value) -> None:
        if len(cache) > 50_000:
            cache.clear()
        cache[key] = value

    # ---- the unschedulable queue ----------------------------------------------------------------
    def retry(self) -> dict[str, int]:
        if self._retry is None:
            rec = self.tx.get_runtime(*RECORD)
            self._retry = dict((rec or {}).get("pods") or {})
            self._all_due = None
        return self._retry

    def _save_retry(self) -> None:
        # written once per round of the loop (has_work / work / due / finish), not once per pod: with thousands of
        # unschedulable pods the record is large, and writing it per pod made apply quadratic (issue 11)
        self._dirty = True

    def _flush_retry(self) -> None:
        if not getattr(self, "_dirty", False):
            return
        self._dirty = False
        retry = self.retry()
        if not retry:
            if self.tx.get_runtime(*RECORD) is not None:
                self.tx.delete_runtime(*RECORD)
            return
        # {"pods": {key: when, ...}} with the keys sorted, as the store's encoder writes it: joined from each
        # entry's text, kept while the entry does not change (an apply of 100,000 pods that fit nowhere writes
        # the record after every 1,000 of them: re-encoding it all each time took ~8 % of it)
        texts = self._texts
        if len(texts) > 2 * len(retry) + 1024:
            texts.clear()
        parts = []
        for key in sorted(retry):
            at = retry[key]
            known = texts.get(key)
            if known is None or known[0] != at:
                known = texts[key] = (at, _dumps({key: at})[1:-1])
            parts.append(known[1])
        self.tx.put_runtime(*RECORD, None, min(retry.values()), body='{"pods":{' + ",".join(parts) + "}}")

    def capacity_changed(self) -> None:
        """Something that may let an unschedulable pod fit happened: try them all now."""
        retry = self.retry()
        if retry:
            now = self.tx.now_ms
            if self._all_due == now:
                return  # every entry is due already: no entry was given a later time since (a pod freed per call)
            self._all_due = now
            changed = False
            for key, at in retry.items():
                if at > now:
                    retry[key] = now
                    changed = True
            if changed:  # a second change at the same instant finds them all due already
                self._save_retry()

    def finish(self) -> None:
        self._flush_retry()

    # ---- the informer ----------------------------------------------------------------------------
    def nodes(self) -> list[dict]:
        """The Node objects, read once per run and kept current from the change log (an informer's cache)."""
        if self._nodes is None:
            self._nodes = {n["metadata"]["name"]: n for n in self.tx.list("Node")}
        return [self._nodes[k] for k in sorted(self._nodes)]

    def _alloc(self, node: dict) -> dict:
        key = (node["metadata"]["name"], node["metadata"].get("resourceVersion"))
        found = self._allocs.get(key)
        if found is None:
            found = self._allocs[key] = allocatable(node)
        return found

    def observe(self, ch) -> None:
        if ch.kind == "Node":
            if self._nodes is not None:
                if ch.type == DELETED:
                    self._nodes.pop(ch.name, None)
                else:
                    self._nodes[ch.name] = ch.snapshot()
            self.capacity_changed()
            return
        key = f"{ch.namespace}/{ch.name}"
        if ch.type == DELETED:
            if key in self.retry():
                del self._retry[key]
                self._save_retry()
            return
        if ch.by == self.name:
            return
        spec = ch.obj.get("spec") or {}
        if spec.get("nodeName") or (ch.obj.get("metadata") or {}).get("deletionTimestamp"):
            return
        if key in self.retry():
            return  # waiting for the cluster to change
        self.queue[(ch.namespace, ch.name)] = ch

    def has_work(self) -> bool:
        self._flush_retry()
        return bool(self.queue)

    def work(self) -> None:
        while self.queue:
            key = next(iter(self.queue))
            ch = self.queue.pop(key)
            found = self.tx.get_with_body("Pod", *key, like=ch)
            if found is not None:
                pod, body = found
                # the text of the change that queued it, if the pod is still that write (the same characters: a
                # text this store's encoder wrote in this transaction), for the status write (_status_text); and
                # the template it was stamped from, if that write was a stamp
                same = ch is not None and ch.body == body
                self.schedule(pod, body if same else None, ch.source if same and type(ch) is Remade else None)
        self._flush_retry()

    def due(self, kind: str, ns: str, name: str, until: int, horizon: int | None) -> None:
        retry = self.retry()
        now = self.tx.now_ms
        for key in sorted((k for k, t in retry.items() if t <= now), key=lambda k: (retry[k], k)):
            del retry[key]
            pns, pname = key.split("/", 1)
            pod = self.tx.get("Pod", pns, pname)
            if pod is not None:
                self.schedule(pod)
        self._save_retry()
        self._flush_retry()

    # ---- one scheduling cycle --------------------------------------------------------------------
    def schedule(self, pod: dict, body: str | None = None, source=None) -> None:
        """Bind ``pod`` to the best node, or record why it fits nowhere (and try again later). ``body``: the pod's
        stored text as the store's encoder wrote it, if known; ``source``: the template that text was stamped
        from (api/stamp.py), if it was."""
        from minikctl.api.registry import pod as pods

        spec = pod.get("spec") or {}
        meta = pod["metadata"]
        if spec.get("nodeName") or meta.get("deletionTimestamp"):
            return
        key = f"{meta.get('namespace', 'default')}/{meta['name']}"
        now = self.tx.now_ms
        if spec.get("schedulingGates"):
            cond = {"lastProbeTime": None, "lastTransitionTime": None,
                    "message": "Scheduling is blocked due to non-empty scheduling gates", "reason": "SchedulingGated",
                    "status": "False", "type": "PodScheduled"}
            if pods.set_condition(pod, cond, now):
                self.api.write_status(pod)
            return
        kubelet = self.loop.kubelet
        # a stamped pod's spec is its template's but for the token volume's name, which no fact reads
        facts = self._source_facts.get(source) if source is not None else None
        if facts is None:
            facts = self._pod_facts(pod)
            if source is not None:
                self._remember(self._source_facts, source, facts)
        sig, req, full, nz = facts
        feasible: list[tuple] = []
        failures: list[tuple[list[str], bool]] = []
        for node in self.nodes():
            name = node["metadata"]["name"]
            state = kubelet.node(name)
            if state is None:
                continue  # not registered yet: no kubelet to run anything
            # a node's verdict depends only on the node, what is bound to it and the pod's scheduling fields:
            # the pods of one template, and retries, reuse it
            used_key = self._used_key(name, state)
            ckey = (name, node["metadata"].get("resourceVersion"), used_key, sig)
            verdict = self._filtered.get(ckey)
            if verdict is None:
                verdict = filter_node(pod, node, state.requested, req, self._alloc(node))
                self._remember(self._filtered, ckey, verdict)
            reasons, helps = verdict
            if reasons:
                failures.append((reasons, helps))
            else:
                feasible.append((node, state, ckey))
        if not feasible:
            msg = unschedulable_message(failures)
            cond = {"lastProbeTime": None, "lastTransitionTime": None, "message": msg, "reason": "Unschedulable",
                    "status": "False", "type": "PodScheduled"}
            encode = (self._status_text(pod, body, (source, msg, now) if source is not None else None)
                      if body is not None and not self._spliced.off else None)
            pod.setdefault("status", {}).setdefault("phase", "Pending")
            printed = summary = None
            if source is not None:
                printed = self._row_stamp((source, msg, now, meta.get("creationTimestamp")), meta["name"])
            if pods.set_condition(pod, cond, now):
                if source is not None:  # its history summary: of its status, the same for each such pod
                    summary = self._summaries.get((source, msg, now))
                    if summary is None:
                        summary = history.summary_text(pod)
                        self._remember(self._summaries, (source, msg, now), summary)
                self.api.write_status(pod, settled=True, encode=encode, printed=printed, summary=summary)
            self.api.event(pod, "Warning", "FailedScheduling", msg, SCHEDULER)
            self.retry()[key] = now + RETRY_MS
            self._all_due = None
            self._save_retry()
            return
        best = None
        for node, state, ckey in feasible:
            skey = (self._score_key(node, bool(spec.get("affinity"))), ckey[2], sig) if SHARED_SCORES else ckey
            value = self._scores.get(skey)
            if value is None:
                value = score(pod, node, state.requested, req, nz, self._alloc(node))
                self._remember(self._scores, skey, value)
            # the highest score wins; among equal scores the first node by name (nodes() is in name order)
            if best is None or value > best[0]:
                best = (value, node, state)
        _, node, state = best
        name = node["metadata"]["name"]
        self.api.event(pod, "Normal", "Scheduled", f"Successfully assigned {key} to {name}", SCHEDULER)
        if self.retry().pop(key, None) is not None:
            self._save_retry()
        state.add_requests(full, 1)
        self.assumed[(meta.get("namespace", "default"), meta["name"], meta.get("uid"))] = (name, full)
        pods.bind(self.api, pod, name, encode=self._bind_text(pod, body, name) if body is not None else None)

    def _status_text(self, pod: dict, body: str, stamped: tuple | None = None):
        """What writes the JSON of ``pod`` after its status changed (and the store gave it a new resourceVersion),
        from ``body``, its text before: the store's encoder writes an object's members one after the other, so
        when ``status`` is the pod's last member and ``"resourceVersion":"<its value>"`` occurs once in the text,
        the new text is the old one with those two values written anew. A pod that fits nowhere is rewritten so
        once per scheduling attempt: the rest of it (its spec, its managedFields, a third of it) is not encoded
        again. None when the text is not laid out so. The first text made so is compared with the encoder's own
        (and the splicing given up for good if they differ: store/splice.py ``Checked``).

        ``stamped``: (the template, the message, now) of a pod still as stamped from its template (api/stamp.py):
        its status is the template's, and after the Unschedulable condition of that message at that instant it
        is the same for every such pod, so both texts are encoded once per key."""
        from minikctl.api.stamp import ENABLED
        from minikctl.store.db import _dumps

        status = pod.get("status")
        if not ENABLED:  # the tests' switch to the general path (api/stamp.py)
            return None
        meta = pod["metadata"]
        rv = meta.get("resourceVersion")
        if type(status) is not dict or type(rv) is not str or next(reversed(pod)) != "status":
            return None
        tail = self._status_tails.get(stamped[0]) if stamped is not None else None
        if tail is None:
            tail = ',"status":' + _dumps(status) + "}"
            if stamped is not None:
                self._remember(self._status_tails, stamped[0], tail)
        mark = '"resourceVersion":' + _dumps(rv)
        at = body.find(mark)
        if not body.endswith(tail) or at < 0 or body.find(mark, at + 1) >= 0 or at + len(mark) > len(body) - len(tail):
            return None
        head, middle = body[:at], body[at + len(mark):len(body) - len(tail)]

        def encode(obj: dict) -> str:
            after = self._status_tails.get(stamped) if stamped is not None else None
            if after is None:
                after = ',"status":' + _dumps(obj["status"]) + "}"
                if stamped is not None:
                    self._remember(self._status_tails, stamped, after)
            return self._spliced.text(head + '"resourceVersion":' + _dumps(obj["metadata"]["resourceVersion"])
                                      + middle + after, obj)

        return encode

    def _bind_text(self, pod: dict, body: str, node: str):
        """What writes the JSON of ``pod`` once bound to ``node`` (api/registry/pod.py ``bind``: ``spec.nodeName`` set,
        the PodScheduled condition, a new resourceVersion), from ``body``, its text before, asked before the binding
        changes the pod. When the pod has no ``nodeName`` key, a non-empty ``spec`` just before ``status``, its last
        member, and ``"resourceVersion":"<its value>"`` occurs once in the text, the store's encoder writes the
        bound pod as the old text with the new resourceVersion, ``"nodeName"`` as the spec's last member (a new key
        of a dict comes last) and the new status: the rest (metadata, managedFields, the spec, most of the pod) is
        not encoded again for each pod bound. None when the text is not laid out so; the first text made so is
        compared with the encoder's own (and the splicing given up for good if they differ: ``Checked``)."""
        from minikctl.api.stamp import ENABLED
        from minikctl.store.db import _dumps

        if not ENABLED or self._bound.off:  # the tests' switch to the general path (api/stamp.py)
            return None
        spec, status, rv = pod.get("spec"), pod.get("status"), pod["metadata"].get("resourceVersion")
        if type(spec) is not dict or not spec or "nodeName" in spec or type(status) is not dict \
                or type(rv) is not str or list(pod)[-2:] != ["spec", "status"]:
            return None
        tail = '},"status":' + _dumps(status) + "}"
        mark = '"resourceVersion":' + _dumps(rv)
        at = body.find(mark)
        if not body.endswith(tail) or at < 0 or body.find(mark, at + 1) >= 0 or at + len(mark) > len(body) - len(tail):
            return None
        head, middle = body[:at], body[at + len(mark):len(body) - len(tail)]
        bound = ',"nodeName":' + _dumps(node) + '},"status":'

        def encode(obj: dict) -> str:
            return self._bound.text(head + '"resourceVersion":' + _dumps(obj["metadata"]["resourceVersion"]) + middle
                                    + bound + _dumps(obj["status"]) + "}", obj)

        return encode

    def _row_stamp(self, key: tuple, name: str):
        """The printed row (store/rows.py) of a pod stamped from a template (api/stamp.py) that fits nowhere, as
        Tx.update's ``printed``: the pods of one template differ only by their name, uid, last-applied
        annotation, token volume and revisions, and of those the pod's row (registry/pod.py ``row``: NAME ...
        AGE) and its labels and fields show only the name; the rest is the template's status after the same
        condition (``key``: the template, the message, the instant, the creation time the AGE cell holds). The
        first pod's row is computed and cut around its name; the second's is computed too and compared with
        the first's with its name put in; then the cuts are trusted (and never again if the comparison fails)."""
        if self._row_stamps.get(key) is False:
            return None

        def printed(obj: dict, body: str) -> tuple:
            got = self._row_stamps.get(key)
            if got is not None and got[1]:
                return tuple(None if p is None else name.join(p) for p in got[2])
            row = rows.of_object(obj, body)
            if got is None:
                self._remember(self._row_stamps, key, (name, False,
                                                       tuple(None if t is None else t.split(name) for t in row)))
            else:
                stamped = tuple(None if p is None else name.join(p) for p in got[2])
                self._row_stamps[key] = (got[0], True, got[2]) if stamped == row and got[0] != name else False
            return row

        return printed

    def _pod_facts(self, pod: dict) -> tuple:
        """(signature, requests, node_requests, non-zero requests as Fractions) of a pod: functions of the fields
        its signature holds (tolerations, node selection, the containers' resources and kinds, overhead), so
        the pods of one template share them."""
        spec = pod.get("spec") or {}
        sig = _sig([spec.get("tolerations"), spec.get("nodeSelector"), spec.get("affinity"),
                    [c.get("resources") for c in spec.get("containers") or []],
                    [(c.get("resources"), c.get("restartPolicy")) for c in spec.get("initContainers") or []],
                    spec.get("overhead")])
        facts = self._facts.get(sig)
        if facts is None:
            req = pod_requests(pod)
            full = node_requests(pod)
            nz = {k: Fraction(v) for k, v in _nonzero(pod).items()}
            facts = (sig, req, full, nz)
            self._remember(self._facts, sig, facts)
        return facts

    def _score_key(self, node: dict, labels: bool) -> str:
        """What ``score`` reads of a node, as text: its allocatable cpu and memory, its taints and, for a pod with
        an affinity (``labels``: only preferred node affinity terms read them), its labels; not its name. With
        what is bound to the node (``_used_key``) and the pod's scheduling signature it keys the score: nodes made
        alike that hold as many pods of one template score alike, so a Deployment's pods spread over 10 such nodes
        are scored about once a pod bound, not once a node a pod (``pkg/scheduler/framework/plugins``: the plugins
        read the node's allocatable, requested, taints and labels, and the pod's requests, tolerations and
        affinity)."""
        meta = node["metadata"]
        key = (meta["name"], meta.get("resourceVersion"), labels)
        found = self._score_nodes.get(key)
        if found is None:
            alloc = self._alloc(node)
            found = _sig([str(alloc.get("cpu")), str(alloc.get("memory")), (node.get("spec") or {}).get("taints"),
                          meta.get("labels") if labels else None])
            self._remember(self._score_nodes, key, found)
        return found

    def _used_key(self, name: str, state) -> tuple:
        """What is bound to a node, hashable: (numerator, denominator) pairs, as hashing a Fraction itself costs
        a modular inverse; recomputed only when the node's requests changed."""
        got = self._used.get(name)
        if got is not None and got[0] is state and got[1] == state.version:
            return got[2]
        used_key = tuple(sorted((k, v.numerator, v.denominator) for k, v in state.requested.items()))
        self._used[name] = (state, state.version, used_key)
        return used_key


def node_requests(pod: dict) -> dict[str, str]:
    """What a pod takes of its node, as the node's state counts it: its requests, one pod, and the non-zero
    requests the scoring plugins count."""
    full = {k: str(v) for k, v in pod_requests(pod).items()}
    full["#pods"] = "1"
    full.update(_nonzero(pod))
    return full


def _nonzero(pod: dict) -> dict[str, str]:
    """schedutil.GetNonzeroRequests summed over the containers: what the scoring plugins count."""
    cpu = mem = Fraction(0)
    for c in (pod.get("spec") or {}).get("containers") or []:
        r = _requests(c)
        cpu += r.get("cpu") or DEFAULT_MILLI_CPU
        mem += r.get("memory") or DEFAULT_MEMORY
    return {"#nonzero:cpu": str(cpu), "#nonzero:memory": str(mem)}


def score(pod: dict, node: dict, used: dict, req: dict, nz: dict | None = None, alloc: dict | None = None) -> Fraction:
    """The weighted sum of the default score plugins (weights: fit 1, balanced 1, taints 3, affinity 2).

    ``nz`` (the pod's non-zero requests as Fractions, by "#nonzero:<res>") and ``alloc`` (the node's allocatable,
    parsed) may be given by a caller that scores one pod on many nodes."""
    if alloc is None:
        alloc = allocatable(node)
    if nz is None:
        nz = {k: Fraction(v) for k, v in _nonzero(pod).items()}
    fractions = []
    least = Fraction(0)
    for res in ("cpu", "memory"):
        cap = alloc.get(res, Fraction(0))
        want = Fraction(used.get(f"#nonzero:{res}", 0)) + nz[f"#nonzero:{res}"]
        if cap <= 0:
            fractions.append(Fraction(1))
            continue
        least += max(Fraction(0), (cap - want) * 100 / cap)
        fractions.append(min(Fraction(1), want / cap))
    least /= 2
    mean = sum(fractions) / len(fractions)
    var = sum((f - mean) ** 2 for f in fractions) / len(fractions)
    balanced = (1 - Fraction(var) ** Fraction(1, 2) if var else Fraction(1)) * 100 if var else Fraction(100)
    prefer = [t for t in (node.get("spec") or {}).get("taints") or []
              if t.get("effect") == "PreferNoSchedule" and not _tolerates((pod.get("spec") or {}).get("tolerations"), t)]
    taints = Fraction(100) - min(Fraction(100), Fraction(len(prefer) * 100))
    affinity = Fraction(0)
    terms = ((((pod.get("spec") or {}).get("affinity") or {}).get("nodeAffinity") or {})
             .get("preferredDuringSchedulingIgnoredDuringExecution") or [])
    labels = (node.get("metadata") or {}).get("labels") or {}
    for t in terms:
        pref = t.get("preference") or {}
        if all(_matches(labels, e) for e in pref.get("matchExpressions") or []):
            affinity += int(t.get("weight", 0))
    return least + balanced + 3 * taints + 2 * affinity


_Q: dict = {}  # quantity text -> Fraction (immutable, so shared): a scheduling cycle parses the same few values


def _q(v) -> Fraction:
    found = _Q.get(v)
    if found is not None:
        return found
    from minikctl.kube.quantity import parse_quantity

    try:
        out = parse_quantity(v)
    except Exception:  # validated objects only reach here; be lenient anyway
        out = Fraction(0)
    if len(_Q) < 4096 and isinstance(v, (str, int)):
        _Q[v] = out
    return out


def _requests(c: dict) -> dict[str, Fraction]:
    res = c.get("resources") or {}
    req = dict(res.get("requests") or {})
    for k, v in (res.get("limits") or {}).items():  # API defaulting copies limits into missing requests
        req.setdefault(k, v)
    return {k: _q(v) for k, v in req.items()}


def pod_requests(pod: dict) -> dict[str, Fraction]:
    spec = pod.get("spec") or {}
    total: dict[str, Fraction] = {}
    for c in spec.get("containers") or []:
        for k, v in _requests(c).items():
            total[k] = total.get(k, Fraction(0)) + v
    sidecars: dict[str, Fraction] = {}
    init_max: dict[str, Fraction] = {}
    for c in spec.get("initContainers") or []:
        r = _requests(c)
        if c.get("restartPolicy") == "Always":
            for k, v in r.items():
                total[k] = total.get(k, Fraction(0)) + v
                sidecars[k] = sidecars.get(k, Fraction(0)) + v
            step = dict(sidecars)
        else:
            step = {k: v + sidecars.get(k, Fraction(0)) for k, v in r.items()}
            for k, v in sidecars.items():
                step.setdefault(k, v)
        for k, v in step.items():
            init_max[k] = max(init_max.get(k, Fraction(0)), v)
    for k, v in init_max.items():
        total[k] = max(total.get(k, Fraction(0)), v)
    for k, v in ((spec.get("overhead") or {})).items():
        total[k] = total.get(k, Fraction(0)) + _q(v)
    return total


def _tolerates(tolerations: list[dict], taint: dict) -> bool:
    for t in tolerations or []:
        if t.get("effect") and t.get("effect") != taint.get("effect"):
            continue
        key = t.get("key", "")
        if key and key != taint.get("key"):
            continue
        op = t.get("operator", "Equal")
        if op == "Exists":
            return True
        if not key:
            continue
        if t.get("value", "") == taint.get("value", ""):
            return True
    return False


def _matches(labels: dict, expr: dict) -> bool:
    req = requirement_of(expr)
    return req is not None and req.matches(labels)


def _affinity_ok(pod: dict, node: dict) -> bool:
    labels = (node.get("metadata") or {}).get("labels") or {}
    spec = pod.get("spec") or {}
    for k, v in (spec.get("nodeSelector") or {}).items():
        if labels.get(k) != v:
            return False
    req = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
           .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    terms = req.get("nodeSelectorTerms")
    if terms:
        name = (node.get("metadata") or {}).get("name")
        ok_any = False
        for term in terms:
            exprs = term.get("matchExpressions") or []
            fields = term.get("matchFields") or []
            if not exprs and not fields:
                continue
            if all(_matches(labels, e) for e in exprs) and all(
                    _matches({"metadata.name": name}, f) for f in fields):
                ok_any = True
                break
        if not ok_any:
            return False
    return True


def _go_quote_taint(t: dict) -> str:
    return "{" + t.get("key", "") + ": " + t.get("value", "") + "}"


def allocatable(node: dict) -> dict:
    return {k: _q(v) for k, v in ((node.get("status") or {}).get("allocatable") or {}).items()}


def filter_node(pod: dict, node: dict, used: dict, want: dict | None = None,
                alloc: dict | None = None) -> tuple[list[str], bool]:
    """Reasons the node does not fit (empty = fits) and whether preemption could help.

    ``used``: what the pods already bound to the node request, with their count under "#pods"; ``want`` (the
    pod's requests) and ``alloc`` (the node's allocatable, parsed) may be given by a caller that has them."""
    spec = pod.get("spec") or {}
    nspec = node.get("spec") or {}
    if nspec.get("unschedulable") and not _tolerates(
            spec.get("tolerations"), {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}):
        return ["node(s) were unschedulable"], False
    untolerated = [t for t in nspec.get("taints") or []
                   if t.get("effect") in ("NoSchedule", "NoExecute") and not _tolerates(spec.get("tolerations"), t)]
    if untolerated:
        return ["node(s) had untolerated taint " + _go_quote_taint(untolerated[0])], False
    if not _affinity_ok(pod, node):
        return ["node(s) didn't match Pod's node affinity/selector"], False
    if alloc is None:
        alloc = allocatable(node)
    reasons = []
    if Fraction(used.get("#pods", 0)) + 1 > alloc.get("pods", Fraction(110)):
        reasons.append("Too many pods")
    if want is None:
        want = pod_requests(pod)
    for k in sorted(want):
        if want[k] == 0:
            continue
        if k in ("cpu", "memory", "ephemeral-storage") or k in alloc:
            if Fraction(used.get(k, 0)) + want[k] > alloc.get(k, Fraction(0)):
                reasons.append(f"Insufficient {k}")
        elif k.startswith("hugepages-") or "/" in k:
            reasons.append(f"Insufficient {k}")
    return reasons, bool(reasons)


def unschedulable_message(failures: list[tuple[list[str], bool]]) -> str:
    """FitError.Error(): the reasons counted over the nodes, then what preemption found on each."""
    return _unschedulable_message(tuple((tuple(reasons), helps) for reasons, helps in failures))


@lru_cache(maxsize=1024)  # every pod of a full cluster fails alike: its message is worked out once
def _unschedulable_message(failures: tuple[tuple[tuple[str, ...], bool], ...]) -> str:
    n = len(failures)
    if n == 0:
        return "no nodes available to schedule pods"
    counts: dict[str, int] = {}
    pre: dict[str, int] = {}
    for reasons, helps in failures:
        for r in reasons:
            counts[r] = counts.get(r, 0) + 1
        p = "No preemption victims found for incoming pod" if helps else "Preemption is not helpful for scheduling"
        pre[p] = pre.get(p, 0) + 1
    parts = sorted(f"{c} {r}" for r, c in counts.items())
    pparts = sorted(f"{c} {r}" for r, c in pre.items())
    return (f"0/{n} nodes are available: " + ", ".join(parts) + ". "
            f"preemption: 0/{n} nodes are available: " + ", ".join(pparts) + ".")

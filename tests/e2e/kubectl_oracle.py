"""The real kubectl reading given objects from a read-only fake API server on loopback: a test oracle.

    with kubectl_oracle(tmp_path, objects=objects_from_store(db)) as kubectl:
        done = kubectl("describe", "pod", "nginx")        # subprocess.CompletedProcess (text)
        assert done.stdout == minikctl_describe_output

The server (stdlib ``http.server`` on 127.0.0.1, an ephemeral port, one per ``with``) answers:

* discovery as a v1.32 kube-apiserver does, for core v1 (pods with their subresources, namespaces,
  nodes, events, configmaps, secrets, serviceaccounts, services, endpoints, replicationcontrollers,
  resourcequotas, limitranges), apps/v1, batch/v1, coordination.k8s.io/v1, events.k8s.io/v1 and
  discovery.k8s.io/v1. The tables below are written out by hand from upstream's ``api/discovery/*.json``
  (v1.32 shape: no ``pods/resize``, no ``pods/checkpoint``) and the registries' ``ShortNames()`` /
  ``Categories()``, never from minikctl's own tables, so a comparison is not circular. kubectl first asks
  for aggregated discovery (``Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
  ...,application/json``); the server answers the legacy documents with ``Content-Type: application/json``
  and kubectl falls back to ``/api/v1`` and ``/apis/<group>/<version>`` by itself.
* GET of one object, LIST in a namespace and across namespaces (``labelSelector`` with the set-based
  syntax, ``fieldSelector`` with ``=``, ``==``, ``!=`` over the fields each kind supports), the
  ``status``/``ephemeralcontainers`` subresources, ``scale`` as an autoscaling/v1 Scale; lists are
  ``<Kind>List`` with ``metadata.resourceVersion``, items in etcd key order (namespace, then name) and,
  as a real server sends them, without ``apiVersion``/``kind`` on the items; missing things get a
  kube-apiserver-shaped 404 ``Status``. Events are served at core v1 and, converted, at events.k8s.io/v1.
  Every other method is refused (405): the server is read-only. No watch, no logs, no OpenAPI.

Limits to keep in mind when choosing what to compare:

* ``kubectl get`` asks for ``as=Table`` in its Accept header; the server replies with plain JSON (no
  Table), so kubectl prints its client-side fallback (NAME and AGE only). The server-side table columns
  (READY, STATUS, RESTARTS, ... and ``-o wide``) therefore CANNOT be oracle-checked this way; every other
  output (``-o yaml|json|name|jsonpath|custom-columns|go-template``, ``--sort-by``, ``describe``) is
  printed by kubectl itself from the objects and can.
* kubectl prints ages against the wall clock. Compare outputs with ages only when the store's virtual
  clock was moved to about the real time and the ages are coarse (days): see test_kubectl_oracle.py.

* ``/version`` says v1.32.4. It matters: /usr/bin/kubectl is the Cloud SDK's dispatcher, which asks
  ``/version?timeout=5s`` first and runs the kubectl of the server's minor version (a server saying 1.30 gets
  kubectl 1.30.x).

What kubectl 1.32 asks for, beyond discovery and the object itself (``-v=8``; ``Oracle.requests`` records it):

* describe pod: ``GET /api/v1/namespaces/NS/events?fieldSelector=involvedObject.name=N,involvedObject.namespace=NS,
  involvedObject.uid=UID`` (no kind term for pods; the other describers add ``involvedObject.kind=KIND``; the
  order of the terms varies from run to run). Events always come from core v1, never from events.k8s.io.
* describe node: ``/api/v1/pods?fieldSelector=spec.nodeName=N,status.phase!=Succeeded,status.phase!=Failed``,
  events twice (``involvedObject.uid=UID`` then ``involvedObject.uid=N``, both with ``involvedObject.namespace=``
  empty), ``/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/N``.
* describe namespace: ``resourcequotas`` and ``limitranges`` in it (a 404 would print the same "No ..." lines).
* describe deployment: ``replicasets?labelSelector=<its selector>`` and events; replicaset, statefulset,
  daemonset: ``pods?labelSelector=<selector>`` and events; job, cronjob, configmap, endpoints, lease,
  endpointslice: events only; service: ``endpointslices?labelSelector=kubernetes.io/service-name=N`` and
  events; serviceaccount: ``secrets`` and events; secret: nothing more.
* get: ``?limit=500`` (no ``continue`` is ever returned), Accept ``as=Table`` only for the table output.

kubectl's discovery cache goes to a directory of this oracle's own (``KUBECACHEDIR``), so a server on a
reused port never sees another server's cached discovery. Skips cleanly: ``KUBECTL`` is None when kubectl
is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

KUBECTL = shutil.which("kubectl") or ("/usr/bin/kubectl" if os.path.exists("/usr/bin/kubectl") else None)

# ---------------------------------------------------------------------------------------------------------
# discovery (hand-written from kubernetes/kubernetes api/discovery/*.json at the 1.32 shape)

_RW = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
_NS = ("create", "delete", "get", "list", "patch", "update", "watch")  # namespaces: no deletecollection
_GPU = ("get", "patch", "update")
_CG = ("create", "get")
_PROXY = ("create", "delete", "get", "patch", "update")


def _r(name: str, singular: str, namespaced: bool, kind: str, verbs: tuple, short: tuple = (),
       categories: tuple = (), hash: str = "", group: str = "", version: str = "") -> dict:
    """One APIResource, keys in the Go struct's order (name, singularName, namespaced, group, version, kind,
    verbs, shortNames, categories, storageVersionHash), empty ones left out as the server does."""
    d: dict = {"name": name, "singularName": singular, "namespaced": namespaced}
    if group:
        d["group"], d["version"] = group, version
    d["kind"], d["verbs"] = kind, list(verbs)
    if short:
        d["shortNames"] = list(short)
    if categories:
        d["categories"] = list(categories)
    if hash:
        d["storageVersionHash"] = hash
    return d


ALL = ("all",)

CORE_V1 = [
    _r("configmaps", "configmap", True, "ConfigMap", _RW, ("cm",), hash="qFsyl6wFWjQ="),
    _r("endpoints", "endpoints", True, "Endpoints", _RW, ("ep",), hash="fWeeMqaN/OA="),
    _r("events", "event", True, "Event", _RW, ("ev",), hash="r2yiGXH7wu8="),
    _r("limitranges", "limitrange", True, "LimitRange", _RW, ("limits",), hash="EBKMFVe6cwo="),
    _r("namespaces", "namespace", False, "Namespace", _NS, ("ns",), hash="Q3oi5N2YM8M="),
    _r("namespaces/finalize", "", False, "Namespace", ("update",)),
    _r("namespaces/status", "", False, "Namespace", _GPU),
    _r("nodes", "node", False, "Node", _RW, ("no",), hash="XwShjMxG9Fs="),
    _r("nodes/proxy", "", False, "NodeProxyOptions", _PROXY),
    _r("nodes/status", "", False, "Node", _GPU),
    _r("pods", "pod", True, "Pod", _RW, ("po",), ALL, hash="xPOwRZ+Yhw8="),
    _r("pods/attach", "", True, "PodAttachOptions", _CG),
    _r("pods/binding", "", True, "Binding", ("create",)),
    _r("pods/ephemeralcontainers", "", True, "Pod", _GPU),
    _r("pods/eviction", "", True, "Eviction", ("create",), group="policy", version="v1"),
    _r("pods/exec", "", True, "PodExecOptions", _CG),
    _r("pods/log", "", True, "Pod", ("get",)),
    _r("pods/portforward", "", True, "PodPortForwardOptions", _CG),
    _r("pods/proxy", "", True, "PodProxyOptions", _PROXY),
    _r("pods/status", "", True, "Pod", _GPU),
    _r("replicationcontrollers", "replicationcontroller", True, "ReplicationController", _RW, ("rc",), ALL,
       hash="Jond2If31h0="),
    _r("replicationcontrollers/scale", "", True, "Scale", _GPU, group="autoscaling", version="v1"),
    _r("replicationcontrollers/status", "", True, "ReplicationController", _GPU),
    _r("resourcequotas", "resourcequota", True, "ResourceQuota", _RW, ("quota",), hash="8uhSgffRX6w="),
    _r("resourcequotas/status", "", True, "ResourceQuota", _GPU),
    _r("secrets", "secret", True, "Secret", _RW, hash="S6u1pOWzb84="),
    _r("serviceaccounts", "serviceaccount", True, "ServiceAccount", _RW, ("sa",), hash="pbx9ZvyFpBE="),
    _r("serviceaccounts/token", "", True, "TokenRequest", ("create",), group="authentication.k8s.io",
       version="v1"),
    _r("services", "service", True, "Service", _RW, ("svc",), ALL, hash="0/CO1lhkEBI="),
    _r("services/proxy", "", True, "ServiceProxyOptions", _PROXY),
    _r("services/status", "", True, "Service", _GPU),
]

_SCALE = dict(group="autoscaling", version="v1")
APPS_V1 = [
    _r("controllerrevisions", "controllerrevision", True, "ControllerRevision", _RW, hash="85nkx63pcBU="),
    _r("daemonsets", "daemonset", True, "DaemonSet", _RW, ("ds",), ALL, hash="dd7pWHUlMKQ="),
    _r("daemonsets/status", "", True, "DaemonSet", _GPU),
    _r("deployments", "deployment", True, "Deployment", _RW, ("deploy",), ALL, hash="8aSe+NMegvE="),
    _r("deployments/scale", "", True, "Scale", _GPU, **_SCALE),
    _r("deployments/status", "", True, "Deployment", _GPU),
    _r("replicasets", "replicaset", True, "ReplicaSet", _RW, ("rs",), ALL, hash="P1RzHs8/mWQ="),
    _r("replicasets/scale", "", True, "Scale", _GPU, **_SCALE),
    _r("replicasets/status", "", True, "ReplicaSet", _GPU),
    _r("statefulsets", "statefulset", True, "StatefulSet", _RW, ("sts",), ALL, hash="H+vl74LkKdo="),
    _r("statefulsets/scale", "", True, "Scale", _GPU, **_SCALE),
    _r("statefulsets/status", "", True, "StatefulSet", _GPU),
]
BATCH_V1 = [
    _r("cronjobs", "cronjob", True, "CronJob", _RW, ("cj",), ALL, hash="sd5LIXh4Fjs="),
    _r("cronjobs/status", "", True, "CronJob", _GPU),
    _r("jobs", "job", True, "Job", _RW, categories=ALL, hash="mudhfqk/qZY="),
    _r("jobs/status", "", True, "Job", _GPU),
]
COORDINATION_V1 = [_r("leases", "lease", True, "Lease", _RW, hash="gqkMMb/YqFM=")]
EVENTS_V1 = [_r("events", "event", True, "Event", _RW, ("ev",), hash="r2yiGXH7wu8=")]
DISCOVERY_V1 = [_r("endpointslices", "endpointslice", True, "EndpointSlice", _RW, hash="Nx3SIv6I0mE=")]

# (group, version, resources) in the order a 1.32 server lists its groups under /apis
GROUPS = [
    ("apps", "v1", APPS_V1),
    ("events.k8s.io", "v1", EVENTS_V1),
    ("batch", "v1", BATCH_V1),
    ("coordination.k8s.io", "v1", COORDINATION_V1),
    ("discovery.k8s.io", "v1", DISCOVERY_V1),
]

DISCOVERY: dict[str, dict] = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": CORE_V1},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
         "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}} for g, v, _ in GROUPS]},
}
for _g, _v, _res in GROUPS:
    DISCOVERY[f"/apis/{_g}"] = {"kind": "APIGroup", "apiVersion": "v1", "name": _g,
                                "versions": [{"groupVersion": f"{_g}/{_v}", "version": _v}],
                                "preferredVersion": {"groupVersion": f"{_g}/{_v}", "version": _v}}
    DISCOVERY[f"/apis/{_g}/{_v}"] = {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{_g}/{_v}",
                                     "resources": _res}

VERSION = {"major": "1", "minor": "32", "gitVersion": "v1.32.4", "gitCommit": "", "gitTreeState": "clean",
           "buildDate": "2025-04-22T16:03:52Z", "goVersion": "go1.23.6", "compiler": "gc", "platform": "linux/amd64"}

# ---------------------------------------------------------------------------------------------------------
# field selectors: the fields each kind's registry makes selectable (metadata.name/namespace for all)


def _get(obj: dict, path: str) -> str:
    cur: object = obj
    for part in path.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    if cur is None:
        return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


def _pod_ip(pod: dict) -> str:
    ips = (pod.get("status") or {}).get("podIPs") or []
    return ips[0].get("ip", "") if ips else _get(pod, "status.podIP")


_SELF = None  # a field whose value is the object's field of the same path
FIELDS: dict[tuple[str, str], dict] = {  # (group, resource) -> field label -> getter or _SELF
    ("", "pods"): {"spec.nodeName": _SELF, "spec.restartPolicy": _SELF, "spec.schedulerName": _SELF,
                   "spec.serviceAccountName": _SELF, "spec.hostNetwork": lambda o: _get(o, "spec.hostNetwork") or "false",
                   "status.phase": _SELF, "status.podIP": _pod_ip, "status.nominatedNodeName": _SELF},
    ("", "nodes"): {"spec.unschedulable": lambda o: _get(o, "spec.unschedulable") or "false"},
    ("", "namespaces"): {"status.phase": _SELF},
    ("", "secrets"): {"type": _SELF},
    ("", "replicationcontrollers"): {"status.replicas": lambda o: _get(o, "status.replicas") or "0"},
    ("apps", "replicasets"): {"status.replicas": lambda o: _get(o, "status.replicas") or "0"},
    ("batch", "jobs"): {"status.successful": lambda o: _get(o, "status.succeeded") or "0"},
    ("", "events"): {**{f"involvedObject.{f}": _SELF for f in
                        ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")},
                     "reason": _SELF, "reportingComponent": _SELF, "type": _SELF,
                     "source": lambda o: _get(o, "source.component") or _get(o, "reportingComponent")},
    # events.k8s.io: its field labels are converted to the core ones and matched on the stored (core) event
    ("events.k8s.io", "events"): {**{f"regarding.{f}": f"involvedObject.{f}" for f in
                                     ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion",
                                      "fieldPath")},
                                  "reason": "reason", "reportingController": "reportingComponent", "type": "type",
                                  "source": "source"},
}


class _BadRequest(Exception):
    pass


def parse_field_selector(s: str) -> list[tuple[str, str, str]]:
    """fields.ParseSelector: comma-separated ``key=value``, ``key==value``, ``key!=value`` terms; a backslash
    escapes ``\\``, ``,`` and ``=`` in values. Returns (key, op, value) with op '=' or '!='."""
    terms, cur, i = [], "", 0
    while i < len(s):  # split on unescaped commas, keeping escapes for the value unescaping below
        if s[i] == "\\" and i + 1 < len(s):
            cur += s[i:i + 2]
            i += 2
            continue
        if s[i] == ",":
            terms.append(cur)
            cur = ""
        else:
            cur += s[i]
        i += 1
    terms.append(cur)
    out = []
    for term in terms:
        if not term:
            continue
        for j in range(len(term)):
            op = next((o for o in ("!=", "==", "=") if term.startswith(o, j)), None)
            if op:
                key, raw = term[:j], term[j + len(op):]
                break
        else:
            raise _BadRequest(f"invalid selector: '{s}'; can't understand '{term}'")
        value, k = "", 0
        while k < len(raw):
            if raw[k] == "\\" and k + 1 < len(raw) and raw[k + 1] in "\\,=":
                value += raw[k + 1]
                k += 2
                continue
            if raw[k] in ",=":
                raise _BadRequest(f"invalid field selector: invalid field value: '{raw}'")
            value += raw[k]
            k += 1
        out.append((key, "!=" if op == "!=" else "=", value))
    return out


def _field_matcher(group: str, resource: str, s: str):
    terms = parse_field_selector(s)
    table = FIELDS.get((group, resource), {})
    checks = []
    for key, op, value in terms:
        if key in ("metadata.name", "metadata.namespace"):
            getter = (lambda k: lambda o: _get(o, k))(key)
        elif key in table:
            g, field = table[key], key
            if isinstance(g, str):  # an events.k8s.io label, converted to the core event's field
                g, field = FIELDS[("", "events")][g], g
            getter = g if g is not _SELF else (lambda k: lambda o: _get(o, k))(field)
        else:
            raise _BadRequest(f"field label not supported: {key}")
        checks.append((getter, op, value))
    return lambda obj: all((getter(obj) == value) == (op == "=") for getter, op, value in checks)


# ---------------------------------------------------------------------------------------------------------
# label selectors: labels.Parse's grammar (=, ==, !=, in, notin, exists, !key, gt, lt), independent of minikctl

def _lex(s: str) -> list[str]:
    toks, i = [], 0
    while i < len(s):
        c = s[i]
        if c.isspace():
            i += 1
        elif s.startswith(("!=", "=="), i):
            toks.append(s[i:i + 2])
            i += 2
        elif c in "=!(),<>":
            toks.append(c)
            i += 1
        else:
            j = i
            while j < len(s) and not s[j].isspace() and s[j] not in "=!(),<>":
                j += 1
            toks.append(s[i:j])
            i = j
    return toks


def parse_label_selector(s: str) -> list[tuple[str, str, list[str]]]:
    """(key, op, values) requirements; op is one of exists, !, =, !=, in, notin, gt, lt."""
    toks, reqs, i = _lex(s), [], 0

    def bad(why: str):
        raise _BadRequest(f"unable to parse requirement: {why}")

    def ident(k: int) -> str:
        if k >= len(toks) or toks[k] in ("=", "==", "!=", "!", "(", ")", ",", "<", ">"):
            bad(f"found '{toks[k] if k < len(toks) else ''}', expected: identifier")
        return toks[k]

    while i < len(toks):
        if toks[i] == "!":
            reqs.append((ident(i + 1), "!", []))
            i += 2
        else:
            key = ident(i)
            i += 1
            op = toks[i] if i < len(toks) else ","
            if op == ",":
                reqs.append((key, "exists", []))
            elif op in ("=", "==", "!="):
                i += 1
                value = toks[i] if i < len(toks) and toks[i] not in (",", "(", ")", "=", "!", "<", ">") else ""
                if value:
                    i += 1
                reqs.append((key, "!=" if op == "!=" else "=", [value]))
            elif op in ("<", ">"):
                value = ident(i + 1)
                if not value.lstrip("-").isdigit():
                    bad(f"for 'Gt', 'Lt' operators, the value must be an integer")
                reqs.append((key, "gt" if op == ">" else "lt", [value]))
                i += 2
            elif op in ("in", "notin"):
                i += 1
                if i >= len(toks) or toks[i] != "(":
                    bad(f"found '{toks[i] if i < len(toks) else ''}', expected: '('")
                i += 1
                values = []
                while i < len(toks) and toks[i] != ")":
                    if toks[i] == ",":
                        if not values or values[-1] is None:
                            values.append("")
                        values.append(None)
                    else:
                        values.append(toks[i])
                    i += 1
                if i >= len(toks):
                    bad("found '', expected: ')'")
                values = [v for v in values if v is not None] or [""]
                reqs.append((key, op, values))
                i += 1
            else:
                bad(f"found '{op}', expected: in, notin, =, ==, !=, gt, lt")
        if i < len(toks):
            if toks[i] != ",":
                bad(f"found '{toks[i]}', expected: ','")
            i += 1
    return reqs


def label_matches(reqs: list[tuple[str, str, list[str]]], labels: dict) -> bool:
    for key, op, values in reqs:
        has = key in labels
        v = labels.get(key)
        if op == "exists":
            ok = has
        elif op == "!":
            ok = not has
        elif op in ("=", "in"):
            ok = has and v in values
        elif op in ("!=", "notin"):
            ok = not has or v not in values
        else:  # gt / lt
            try:
                n = int(v) if has else None
            except ValueError:
                n = None
            ok = n is not None and (n > int(values[0]) if op == "gt" else n < int(values[0]))
        if not ok:
            return False
    return True


# ---------------------------------------------------------------------------------------------------------
# objects


def _to_events_v1(ev: dict) -> dict:
    """A core v1 Event as events.k8s.io/v1 serves it (the apiserver's conversion; empty fields omitted)."""
    out: dict = {"kind": "Event", "apiVersion": "events.k8s.io/v1", "metadata": ev.get("metadata", {}),
                 "eventTime": ev.get("eventTime")}
    for new, old in (("series", "series"), ("reportingController", "reportingComponent"),
                     ("reportingInstance", "reportingInstance"), ("action", "action"), ("reason", "reason"),
                     ("regarding", "involvedObject"), ("related", "related"), ("note", "message"),
                     ("type", "type"), ("deprecatedSource", "source"),
                     ("deprecatedFirstTimestamp", "firstTimestamp"), ("deprecatedLastTimestamp", "lastTimestamp"),
                     ("deprecatedCount", "count")):
        value = ev.get(old)
        if value not in (None, "", {}, 0):
            out[new] = value
    if isinstance(out.get("series"), dict):
        out["series"] = {"count": out["series"].get("count", 0),
                         "lastObservedTime": out["series"].get("lastObservedTime")}
    return out


def _resource_index() -> dict[tuple[str, str], tuple[str, str, dict]]:
    """(apiVersion, kind) -> (group, resource, APIResource) for every top-level resource."""
    idx = {("v1", r["kind"]): ("", r["name"], r) for r in CORE_V1 if "/" not in r["name"]}
    for g, v, resources in GROUPS:
        for r in resources:
            if "/" not in r["name"] and g != "events.k8s.io":  # events.k8s.io events are served converted
                idx[(f"{g}/{v}", r["kind"])] = (g, r["name"], r)
    return idx


def _status(code: int, reason: str, message: str, details: dict | None = None) -> dict:
    st = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
          "reason": reason}
    if details is not None:
        st["details"] = details
    st["code"] = code
    return st


def _discovery_without(groups: tuple[str, ...]) -> dict[str, dict]:
    """DISCOVERY with some API groups left out (a server that does not serve them)."""
    if not groups:
        return DISCOVERY
    out = {path: doc for path, doc in DISCOVERY.items()
           if not any(path == f"/apis/{g}" or path.startswith(f"/apis/{g}/") for g in groups)}
    out["/apis"] = dict(DISCOVERY["/apis"], groups=[g for g in DISCOVERY["/apis"]["groups"] if g["name"] not in groups])
    return out


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, objects: list[dict], without_groups: tuple[str, ...] = ()) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.discovery = _discovery_without(without_groups)
        idx = _resource_index()
        self.objects: dict[tuple[str, str], list[dict]] = {}
        rv = 0
        for obj in objects:
            key = idx.get((obj.get("apiVersion"), obj.get("kind")))
            if key is None:
                raise ValueError(f"kubectl_oracle serves no {obj.get('apiVersion')}/{obj.get('kind')}")
            self.objects.setdefault(key[:2], []).append(obj)
            try:
                rv = max(rv, int(obj.get("metadata", {}).get("resourceVersion") or 0))
            except ValueError:
                pass
        for items in self.objects.values():  # etcd key order: /registry/<resource>/<namespace>/<name>
            items.sort(key=lambda o: (o["metadata"].get("namespace", "").encode(), o["metadata"]["name"].encode()))
        self.resource_version = str(rv)
        self.resources = {("", r["name"]): r for r in CORE_V1}
        for g, _v, resources in GROUPS:
            if g not in without_groups:
                self.resources.update({(g, r["name"]): r for r in resources})
        self.versions = {"": "v1", **{g: v for g, v, _ in GROUPS if g not in without_groups}}
        self.requests: list[dict] = []
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        # headers and body go out as two writes: without this, Nagle's algorithm and the client's delayed
        # ACK hold the second one ~40 ms on every kept-alive request
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _send(self, code: int, obj: dict) -> None:
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _refuse(self):
        self._record()
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        self._send(405, _status(405, "MethodNotAllowed",
                                "the server does not allow this method on the requested resource", {}))

    do_POST = do_PUT = do_PATCH = do_DELETE = _refuse

    def _record(self) -> tuple[str, dict]:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        with self.server.lock:
            self.server.requests.append({"method": self.command, "path": url.path, "query": query,
                                         "accept": self.headers.get("Accept", "")})
        return url.path, query

    def do_GET(self):
        path, query = self._record()
        if path in self.server.discovery:
            return self._send(200, self.server.discovery[path])
        if path == "/version":
            return self._send(200, VERSION)
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts[0] == "api" and len(parts) >= 3 and parts[1] == "v1":
            group, rest = "", parts[2:]
        elif parts[0] == "apis" and len(parts) >= 4 and self.server.versions.get(parts[1]) == parts[2]:
            group, rest = parts[1], parts[3:]
        else:
            return self._send(404, _status(404, "NotFound", "the server could not find the requested resource", {}))
        namespace = None
        if len(rest) >= 3 and rest[0] == "namespaces" and (group, rest[2]) in self.server.resources \
                and self.server.resources[(group, rest[2])]["namespaced"]:
            namespace, rest = rest[1], rest[2:]
        resource, name, sub = rest[0], (rest[1] if len(rest) > 1 else None), (rest[2] if len(rest) > 2 else None)
        info = self.server.resources.get((group, resource))
        if info is None or len(rest) > 3 or (sub and (group, f"{resource}/{sub}") not in self.server.resources):
            return self._send(404, _status(404, "NotFound", "the server could not find the requested resource", {}))
        if query.get("watch") in ("1", "true"):
            return self._send(405, _status(405, "MethodNotAllowed", "kubectl_oracle does not serve watches", {}))
        qualified = f"{resource}.{group}" if group else resource
        store_group = "" if group == "events.k8s.io" else group
        items = self.server.objects.get((store_group, resource), [])
        convert = _to_events_v1 if group == "events.k8s.io" else (lambda o: o)
        if name is None:
            try:
                reqs = parse_label_selector(query.get("labelSelector", ""))
                fmatch = _field_matcher(group, resource, query.get("fieldSelector", ""))
            except _BadRequest as e:
                return self._send(400, _status(400, "BadRequest", str(e)))
            found = [o for o in items if (namespace is None or o["metadata"].get("namespace") == namespace)
                     and label_matches(reqs, o["metadata"].get("labels") or {}) and fmatch(o)]
            version = self.server.versions[group]
            body = {"kind": info["kind"] + "List", "apiVersion": f"{group}/{version}" if group else version,
                    "metadata": {"resourceVersion": self.server.resource_version},
                    "items": [{k: v for k, v in convert(o).items() if k not in ("apiVersion", "kind")}
                              for o in found]}
            return self._send(200, body)
        for o in items:
            if o["metadata"]["name"] == name and (not info["namespaced"] or o["metadata"].get("namespace") == namespace):
                if sub == "scale":
                    return self._send(200, _scale(o))
                if sub not in (None, "status", "ephemeralcontainers"):
                    break
                return self._send(200, convert(o))
        else:
            details = {"name": name, **({"group": group} if group else {}), "kind": resource}
            return self._send(404, _status(404, "NotFound", f'{qualified} "{name}" not found', details))
        return self._send(404, _status(404, "NotFound", "the server could not find the requested resource", {}))


def _scale(obj: dict) -> dict:
    """The autoscaling/v1 Scale of a workload (its /scale subresource)."""
    meta = obj["metadata"]
    sel = ((obj.get("spec") or {}).get("selector") or {})
    labels = sel.get("matchLabels", {}) if "matchLabels" in sel or "matchExpressions" in sel else sel
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                         if k in meta},
            "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 0)},
            "status": {"replicas": (obj.get("status") or {}).get("replicas", 0),
                       "selector": ",".join(f"{k}={v}" for k, v in sorted(labels.items()))}}


# ---------------------------------------------------------------------------------------------------------
# the public API


class Oracle:
    """kubectl(*args) -> CompletedProcess of the real kubectl against the server; ``requests`` lists what it
    asked (method, path, query, accept), ``url`` and ``kubeconfig`` are there for anything else."""

    def __init__(self, server: _Server, workdir: Path, namespace: str) -> None:
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        workdir.mkdir(parents=True, exist_ok=True)
        self.kubeconfig = workdir / "kubeconfig"
        self.cache_dir = workdir / "kube-cache"
        self.kubeconfig.write_text(json.dumps({
            "apiVersion": "v1", "kind": "Config",
            "clusters": [{"name": "oracle", "cluster": {"server": self.url}}],
            "contexts": [{"name": "oracle", "context": {"cluster": "oracle", "namespace": namespace, "user": "u"}}],
            "current-context": "oracle", "users": [{"name": "u", "user": {}}]}))

    @property
    def requests(self) -> list[dict]:
        with self.server.lock:
            return list(self.server.requests)

    def clear_requests(self) -> None:
        with self.server.lock:
            self.server.requests.clear()

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None,
                 timeout: float = 60) -> subprocess.CompletedProcess:
        e = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "KUBECTL_EXTERNAL_DIFF")}
        e["KUBECACHEDIR"] = str(self.cache_dir)
        e.update(env or {})
        return subprocess.run([KUBECTL, "--kubeconfig", str(self.kubeconfig), *args], input=input,
                              capture_output=True, text=True, env=e, timeout=timeout)


@contextmanager
def kubectl_oracle(tmp_path, objects=(), events=(), *, namespace: str = "default", without_groups=()):
    """Serve ``objects`` (and ``events``: core v1 Event objects) to the real kubectl while the block runs.

    Yields an ``Oracle``: call it like kubectl, ``kubectl("describe", "pod", "nginx")``. ``without_groups`` leaves
    API groups out of discovery, as a server that does not serve them (e.g. ``("events.k8s.io",)``: minikctl's).
    """
    server = _Server([*objects, *events], tuple(without_groups))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Oracle(server, Path(tmp_path) / f"kubectl-oracle-{server.server_address[1]}", namespace)
    finally:
        server.shutdown()
        server.server_close()


def _rows(conn: sqlite3.Connection, table: str) -> list[dict]:
    """Every row of ``table`` as {column: value}, read by column name (the store's schema may grow)."""
    cur = conn.execute(f'SELECT * FROM "{table}"')
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur]


def _event(row: dict) -> dict:
    """An event row: its body is compact (minikctl/store/events.py ``unpack`` makes it whole again), or the whole
    event in a store of an older layout."""
    body = json.loads(row["body"])
    if isinstance(body, dict) and "apiVersion" in body:
        return body
    from minikctl.store import events

    return events.unpack(row["namespace"], row["name"], row["involved_uid"], row["rv"], row["last_ms"],
                         row["body"])[0]


def _read_store(store_db_path, tables: tuple[str, ...]) -> list[dict]:
    """The ``body`` of every row of ``tables``, opened read-only (a plain open if a read-only one can't read a
    WAL store whose -shm file is missing)."""
    path = Path(store_db_path).resolve()
    if not path.exists():
        raise FileNotFoundError(path)
    for uri, mode in ((True, f"file:{path}?mode=ro"), (False, str(path))):
        conn = sqlite3.connect(mode, uri=uri)
        try:
            return [_event(r) if t == "events" else json.loads(r["body"]) for t in tables for r in _rows(conn, t)]
        except sqlite3.OperationalError:
            if not uri:
                raise
        finally:
            conn.close()
    raise AssertionError("unreachable")


def events_from_store(store_db_path) -> list[dict]:
    """The store's core v1 Events (table ``events``, column ``body``)."""
    return _read_store(store_db_path, ("events",))


def objects_from_store(store_db_path, *, include_events: bool = True) -> list[dict]:
    """The API objects of a minikctl store (table ``objects``, column ``body``: compact JSON), read straight
    from its SQLite file with the stdlib; its Events too unless ``include_events=False``."""
    return _read_store(store_db_path, ("objects", "events") if include_events else ("objects",))

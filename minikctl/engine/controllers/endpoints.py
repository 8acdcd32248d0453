"""The endpoints and EndpointSlice controllers: the pods behind each Service with a selector.

``EndpointsController`` is ``pkg/controller/endpoint`` (endpoints_controller.go ``syncService``): one ``v1``
Endpoints named after the Service, its subsets built from the pods the selector matches that have an IP and are not
terminal (``endpointutil.ShouldPodBeInEndpoints``; a pod being deleted only with ``publishNotReadyAddresses``), a
ready pod under ``addresses``, a pod that is not ready under ``notReadyAddresses`` (all under ``addresses`` with
``publishNotReadyAddresses``), one entry per Service port with the port resolved on the pod (``podutil.FindPort``:
a named ``targetPort`` is the container port of that name; a pod without it is left out of that port), then
repacked (``endpoints.RepackSubsets``: pods with the same ports share a subset, addresses sorted by IP).

``EndpointSliceController`` is ``pkg/controller/endpointslice`` (reconciler.go): the slices of a Service, labelled
``kubernetes.io/service-name`` and ``endpointslice.kubernetes.io/managed-by``, owned by the Service, one endpoint
per pod with its ``ready``/``serving``/``terminating`` conditions (``podToEndpoint``: terminating pods stay, not
ready), grouped by their resolved ports; a Service with no pod gets a placeholder slice with no endpoints. A
slice holds at most 100 endpoints (``--max-endpoints-per-slice``).

Both react to a Service's changes and to the changes of the pods its selector matches (before or after the
change), and sync each queued Service once, at the end of the instant, after every pod change of that instant:
the batching of their work queues (a Service synced once for all the pod changes that queued it meanwhile). Their informers are caches of the pods and Services
they saw, per namespace, so a pod's readiness flapping costs a look at that namespace's Services and one sync of
the Services it belongs to, not a listing of every pod. A readiness probe that fails takes the pod out of
``addresses`` (and makes its slice endpoint ``ready: false``): kube-proxy and cluster DNS stop sending it
traffic (kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes).
"""

from __future__ import annotations

import os

from minikctl.store.changelog import DELETED

TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"  # v1.EndpointsLastChangeTriggerTime
SERVICE_NAME_LABEL = "kubernetes.io/service-name"  # discovery.LabelServiceName
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"  # discovery.LabelManagedBy
MANAGED_BY = "endpointslice-controller.k8s.io"
HEADLESS_LABEL = "service.kubernetes.io/headless"  # v1.IsHeadlessService
MAX_PER_SLICE = 100  # kube-controller-manager --max-endpoints-per-slice
# one informer cache for both controllers (``_Informers.of``); MINIKCTL_NO_SHARED_INFORMERS=1 gives each its own
SHARED_INFORMERS = os.environ.get("MINIKCTL_NO_SHARED_INFORMERS", "") in ("", "0")
# a pod's entries carried to its new view when only its state changed (``_carry``); MINIKCTL_NO_CARRIED_ENTRIES=1
# makes them again for every view. tests/unit/test_endpoints_informer.py compares the stores both ways.
CARRIED_ENTRIES = os.environ.get("MINIKCTL_NO_CARRIED_ENTRIES", "") in ("", "0")
# what ``_pod_view`` reads of a pod: the informers' first listing of a namespace's pods (``_Informers.pods``) reads
# only these, each pod's text parsed by SQLite and the fields built into a short text (``Tx.list``'s projection),
# rather than each text whole (a pod's managedFields and most of its spec and status are not read): a thousand
# pods' views in 50 ms rather than 110. MINIKCTL_NO_VIEW_FIELDS=1 reads them whole; tests/unit/
# test_endpoints_informer.py compares the views both ways and the stores.
VIEW_FIELDS = ("metadata.name", "metadata.uid", "metadata.labels", "metadata.deletionTimestamp", "spec.containers",
               "spec.nodeName", "spec.hostname", "spec.subdomain", "status.podIP", "status.phase",
               "status.conditions")
LISTED_FIELDS = os.environ.get("MINIKCTL_NO_VIEW_FIELDS", "") in ("", "0")


def _pod_view(pod: dict, old: dict | None = None) -> dict:
    """What the controllers read of a pod (kept by their informer); ``old``: its view before, whose address's sort
    key is kept when the address is the same."""
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    ports: dict = {}
    for c in spec.get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") and p["name"] not in ports:
                ports[p["name"]] = (int(p.get("containerPort") or 0), p.get("protocol") or "TCP")
    ip = status.get("podIP") or ""
    ipkey = old["ipkey"] if old is not None and old["ip"] == ip else _ip_key(ip)
    return {"name": meta.get("name", ""), "uid": meta.get("uid", ""), "labels": meta.get("labels") or {},
            "ip": ip, "ipkey": ipkey, "phase": status.get("phase") or "",
            "ready": any(c.get("type") == "Ready" and c.get("status") == "True"
                         for c in status.get("conditions") or []),
            "deleting": bool(meta.get("deletionTimestamp")), "node": spec.get("nodeName") or "",
            "hostname": spec.get("hostname") or "", "subdomain": spec.get("subdomain") or "", "ports": ports}


SAME, STATE, OTHER = 0, 1, 2  # how a pod's new informer view differs from its old one (``_view_change``)
_STATE = ("ready", "phase", "deleting")  # what a pod's entries are made again for when only it changed (``_carry``)


def _view_change(old: dict, new: dict) -> int:
    """How a pod's new informer view differs from its old one, in one pass over its fields (the entries the
    controllers memoized on the old view, ``_ep`` and ``_slice``, aside): SAME, every field ``_pod_view`` reads
    equal; STATE, only its state (``_STATE``: readiness, phase, deletion); OTHER, anything else.

    SAME queues nothing. Upstream decides a pod update in ``endpointutil.GetServicesToUpdateOnPodChange``
    (pkg/controller/util/endpoint/controller_utils.go): a change counts when ``podEndpointsChanged`` (deletion
    timestamp, readiness, IPs) or the labels, hostname or subdomain changed; the view also holds the phase, node
    and named ports the syncs read (``_should_be_in_endpoints``, ``find_port``), so a change of one of them queues
    the Services too. STATE lets the new view keep the old one's entries (``_carry``)."""
    state = False
    for k, v in new.items():
        if old.get(k) != v:
            if k not in _STATE:
                return OTHER
            state = True
    return STATE if state else SAME


def _carry(old: dict, new: dict) -> None:
    """Give a pod's new view the entries the controllers made from its old one when only its state changed
    (``_view_change`` STATE): the Endpoints' address and ports of a pod read none of them, and the slices' entries
    are kept per state (``EndpointSliceController._entry``), so a pod whose readiness flaps has its entries made
    once per state instead of at every sync."""
    for memo in ("_ep", "_slice"):
        got = old.get(memo)
        if got is not None:
            new[memo] = got


def find_port(pod: dict, sp: dict) -> int | None:
    """podutil.FindPort: a named targetPort is the pod's container port of that name and protocol; a number is
    itself (None: the pod has no such port)."""
    tp = sp.get("targetPort", sp.get("port"))
    if isinstance(tp, str):
        hit = pod["ports"].get(tp)
        if hit is None or hit[1] != (sp.get("protocol") or "TCP"):
            return None
        return hit[0]
    return int(tp or 0)


def _ip_key(ip: str):
    """An address's place in RepackSubsets' order (the bytes of the IP)."""
    parts = ip.split(".")
    if len(parts) == 4 and all(p.isdigit() for p in parts):
        return (0, tuple(int(p) for p in parts))
    import ipaddress  # here: only an address that is not dotted IPv4 needs it (its import costs ~1.5 ms a write)

    try:
        return (1, ipaddress.ip_address(ip).packed)
    except ValueError:
        return (2, ip.encode())


def _rfc3339_nano(ms: int) -> str:
    """time.RFC3339Nano of a virtual instant (trailing zeros of the fraction dropped, as Go prints it)."""
    from minikctl.kube.timefmt import rfc3339

    base = rfc3339(ms - ms % 1000)
    frac = ms % 1000
    if not frac:
        return base
    return base[:-1] + "." + f"{frac:03d}".rstrip("0") + "Z"


class _Informers:
    """The Services and pods both controllers read, per namespace, which pods each Service selects (kept as pods
    and Services change): one cache for the two, as kube-controller-manager gives both controllers their listers
    from one SharedInformerFactory (NewEndpointController and NewController take ``podInformer`` and
    ``serviceInformer`` from it: pkg/controller/endpoint/endpoints_controller.go,
    pkg/controller/endpointslice/endpointslice_controller.go). Each change is applied once (``apply``), by
    whichever controller observes it first; the Services it queues are kept for the other one. Kept on the loop
    (``of``)."""

    def __init__(self, tx) -> None:
        self.tx = tx
        self._services: dict[str, dict] = {}  # ns -> {name: service}
        self._pods: dict[str, dict] = {}  # ns -> {name: pod view}
        self._members: dict[tuple, set] = {}  # (ns, service) -> names of the pods its selector matches
        self._selecting: dict[str, dict] = {}  # ns -> {labels' items: the Services that select them} (``selecting``)
        self._last: tuple = (None, None)  # (the change last applied, the Services it queues)

    @staticmethod
    def of(loop) -> "_Informers":
        if not SHARED_INFORMERS:
            return _Informers(loop.tx)
        got = getattr(loop, "service_informers", None)
        if got is None:
            got = loop.service_informers = _Informers(loop.tx)
        return got

    def services(self, ns: str) -> dict:
        got = self._services.get(ns)
        if got is None:
            got = self._services[ns] = {s["metadata"]["name"]: s for s in self.tx.list("Service", ns)}
        return got

    def listed(self, ns: str) -> bool:
        """Whether the pods of ``ns`` are cached."""
        return ns in self._pods

    def pods(self, ns: str) -> dict:
        got = self._pods.get(ns)
        if got is None:
            listed = self.tx.list("Pod", ns, VIEW_FIELDS if LISTED_FIELDS else ())
            got = self._pods[ns] = {p["metadata"]["name"]: _pod_view(p) for p in listed}
        return got

    def members(self, ns: str, name: str, svc: dict) -> set:
        key = (ns, name)
        got = self._members.get(key)
        if got is None:
            sel = (svc.get("spec") or {}).get("selector") or {}
            got = self._members[key] = {n for n, p in self.pods(ns).items() if sel and _matches(sel, p["labels"])}
        return got

    def apply(self, ch) -> list:
        """Bring the caches up to ``ch`` (once a change) and return the names of the Services it queues: a Service's
        own; for a pod, the Services whose selector matched it before or matches it now, when something the
        controllers read of it changed (none when its namespace's pods are not cached)."""
        last = self._last
        if last[0] is ch:
            return last[1]
        got = self._apply(ch)
        self._last = (ch, got)
        return got

    def _apply(self, ch) -> list:
        ns = ch.namespace
        if ch.kind == "Service":
            if ns in self._services:
                if ch.type == DELETED:
                    self._services[ns].pop(ch.name, None)
                else:
                    self._services[ns][ch.name] = ch.snapshot()
            self._members.pop((ns, ch.name), None)  # its selector may have changed: matched again when synced
            self._selecting.pop(ns, None)
            return [ch.name]
        cache = self._pods.get(ns)
        if cache is None:
            return []
        old = cache.get(ch.name)
        new = None if ch.type == DELETED else _pod_view(ch.obj, old)
        change = OTHER
        if new is None:
            cache.pop(ch.name, None)
            if old is None:
                return []
        else:
            if old is not None:
                change = _view_change(old, new)
                if change == SAME:
                    # nothing the controllers read of the pod changed (updatePod: podEndpointsChanged and the
                    # labels): no Service is queued, and the view kept holds its entries already made (``_entry``)
                    return []
                if change == STATE and CARRIED_ENTRIES:
                    _carry(old, new)
            cache[ch.name] = new
        if change == STATE or (old is not None and new is not None and old["labels"] == new["labels"]):
            # the same labels (a status change: readiness, IP, phase): the same Services select it before and
            # after, and their groups already hold it
            return self.selecting(ns, new["labels"])
        out = []
        for name, svc in self.services(ns).items():
            sel = (svc.get("spec") or {}).get("selector")
            if not sel:
                continue
            now_in = new is not None and _matches(sel, new["labels"])
            was_in = old is not None and _matches(sel, old["labels"])
            if not (now_in or was_in):
                continue
            group = self._members.get((ns, name))
            if group is not None:
                if now_in:
                    group.add(ch.name)
                else:
                    group.discard(ch.name)
            out.append(name)
        return out

    def selecting(self, ns: str, labels: dict) -> list[str]:
        """The Services of ``ns`` whose selector matches ``labels``, in the informer's order, kept per set of labels
        until a Service of the namespace changes: a thousand pods with a handful of label sets have their
        readiness changes matched against the Services a handful of times."""
        memo = self._selecting.get(ns)
        if memo is None:
            memo = self._selecting[ns] = {}
        key = tuple(sorted(labels.items()))
        got = memo.get(key)
        if got is None:
            got = memo[key] = [name for name, svc in self.services(ns).items()
                               if (sel := (svc.get("spec") or {}).get("selector")) and _matches(sel, labels)]
        return got


class _ServicePods:
    """What both controllers do alike: their informers (``_Informers``, shared) and work queue, Services queued by
    key."""

    name = ""
    watches = ("Service", "Pod")
    queue_kind = ""  # the runtime records of its work queue: one per queued Service, due at the instant queued
    queues_work = False  # its work is all due records (``due``): the loop's dispatch does not ask ``has_work``

    def __init__(self, loop) -> None:
        self.loop = loop
        self.tx = loop.tx
        self.api = loop.api.as_writer(self.name)
        self.owns = (self.queue_kind,)
        self._queued: set = set()  # (ns, name, instant) already queued
        self.informers = _Informers.of(loop)
        # the namespaces whose pods this controller has read (its own informer would have listed them): a pod
        # change elsewhere finds it cold (``observe``), though the other controller may have read them already
        self._warm: set = set()

    # -- informers -------------------------------------------------------------------------------------
    def services(self, ns: str) -> dict:
        return self.informers.services(ns)

    def pods(self, ns: str) -> dict:
        self._warm.add(ns)
        return self.informers.pods(ns)

    def members(self, ns: str, name: str, svc: dict) -> set:
        self._warm.add(ns)
        return self.informers.members(ns, name, svc)

    def observe(self, ch) -> None:
        ns = ch.namespace
        informers = self.informers
        queued = informers.apply(ch)
        if ch.kind == "Pod" and ns not in self._warm:
            # a cold informer (the first pod change of the namespace this controller sees in this command): the
            # pod's labels before the change are not known to it, so every Service of the namespace with a
            # selector is synced once
            selecting = [name for name, svc in informers.services(ns).items()
                         if (svc.get("spec") or {}).get("selector")]
            for name in selecting:
                self.enqueue(ns, name)
            if selecting:  # no Service here selects pods (the kubernetes Service has no selector): nothing to read
                self.pods(ns)
            return
        for name in queued:
            self.enqueue(ns, name)

    # -- the work queue on the virtual clock ------------------------------------------------------------------
    def enqueue(self, ns: str, name: str) -> None:
        """queue.Add: the Service is synced once at the end of the current instant, after every pod change of that
        instant (the loop runs the ``Pod`` records of an instant before this queue's, whose kind sorts after
        them), as the controller's work queue coalesces the events that arrive while a key waits."""
        now = self.tx.now_ms
        key = (ns, name, now)
        if key in self._queued:
            return
        self._queued.add(key)
        rec = self.tx.get_runtime(self.queue_kind, ns, name)
        if rec is None or rec.get("at") != now:
            self.tx.put_runtime(self.queue_kind, ns, name, {"at": now}, now)

    def has_work(self) -> bool:
        return False

    def work(self) -> None:
        pass

    def due(self, kind, namespace, name, until, horizon) -> None:
        self.tx.delete_runtime(kind, namespace, name)
        self._queued.discard((namespace, name, self.tx.now_ms))
        self.sync(namespace, name, self.services(namespace).get(name))

    def finish(self) -> None:
        pass

    def selected(self, svc: dict) -> list[dict]:
        ns = svc["metadata"].get("namespace", "default")
        pods = self.pods(ns)
        return [pods[n] for n in sorted(self.members(ns, svc["metadata"]["name"], svc)) if n in pods]

    def sync(self, ns: str, name: str, svc: dict | None) -> None:
        raise NotImplementedError


def _managed(obj: dict) -> bool:
    labels = (obj.get("metadata") or {}).get("labels") or {}
    return labels.get(MANAGED_BY_LABEL) == MANAGED_BY and bool(labels.get(SERVICE_NAME_LABEL))


def _matches(selector: dict, labels: dict) -> bool:
    """A Service's selector is a map: every key equal (labels.Set(selector).AsSelectorPreValidated())."""
    return all(labels.get(k) == v for k, v in selector.items())


def _should_be_in_endpoints(pod: dict, include_terminating: bool) -> bool:
    """endpointutil.ShouldPodBeInEndpoints."""
    if pod["phase"] in ("Succeeded", "Failed"):
        return False
    if not pod["ip"]:
        return False
    return include_terminating or not pod["deleting"]


def _should_set_hostname(pod: dict, svc: dict) -> bool:
    """endpointutil.ShouldSetHostname: the pod's hostname when its subdomain is the Service's name."""
    return bool(pod["hostname"]) and pod["subdomain"] == svc["metadata"]["name"]


def _target_ref(pod: dict, ns: str) -> dict:
    return {"kind": "Pod", "namespace": ns, "name": pod["name"], "uid": pod["uid"]}


def _service_labels(svc: dict) -> dict:
    labels = {k: v for k, v in ((svc.get("metadata") or {}).get("labels") or {}).items()
              if k not in (SERVICE_NAME_LABEL, MANAGED_BY_LABEL)}
    if (svc.get("spec") or {}).get("clusterIP") == "None":
        labels[HEADLESS_LABEL] = ""
    return labels


class EndpointsController(_ServicePods):
    name = "endpoint-controller"
    watches = ("Service", "Pod", "Endpoints")
    queue_kind = "Service/endpoints"

    def __init__(self, loop) -> None:
        super().__init__(loop)
        self._current: dict[tuple, dict | None] = {}  # (ns, name) -> its Endpoints as last read or written

    def observe(self, ch) -> None:
        if ch.kind == "Endpoints":
            if ch.by != self.name:
                self._current.pop((ch.namespace, ch.name), None)
                if ch.type == DELETED:  # someone deleted it: the controller puts it back
                    self.enqueue(ch.namespace, ch.name)
            return
        super().observe(ch)

    def _entry(self, pod: dict, svc: dict, ports_spec: list) -> tuple | None:
        """(address, ports) of a pod for a Service, memoized on the pod's informer view (a new view when the pod
        changes); None when the pod has none of the Service's ports."""
        memo = pod.setdefault("_ep", {})
        key = svc["metadata"]["name"]
        hit = memo.get(key)
        if hit is not None and hit[0] is ports_spec:
            return hit[1]
        addr = {"ip": pod["ip"]}
        if _should_set_hostname(pod, svc):
            addr["hostname"] = pod["hostname"]
        if pod["node"]:
            addr["nodeName"] = pod["node"]
        addr["targetRef"] = _target_ref(pod, svc["metadata"].get("namespace", "default"))
        ports = []
        for sp in ports_spec:
            port = find_port(pod, sp)
            if port is None:
                continue
            ep = {"port": port, "protocol": sp.get("protocol") or "TCP"}
            if sp.get("name"):
                ep = {"name": sp["name"], **ep}
            if sp.get("appProtocol"):
                ep["appProtocol"] = sp["appProtocol"]
            ports.append(ep)
        out = None if (ports_spec and not ports) else (addr, ports, tuple(tuple(sorted(p.items())) for p in ports))
        memo[key] = (ports_spec, out)
        return out

    def sync(self, ns: str, name: str, svc: dict | None) -> None:
        key = (ns, name)
        if key in self._current:
            current = self._current[key]
        else:
            current = self._current[key] = self.tx.get("Endpoints", ns, name)
        if svc is None or not (svc.get("spec") or {}).get("selector") or \
                (svc.get("spec") or {}).get("type") == "ExternalName":
            # the Service is gone: its Endpoints go; a Service without a selector has user-managed Endpoints; an
            # ExternalName Service gets none from this controller (syncService, issues.k8s.io/105986)
            if svc is None and current is not None:
                self.api.delete(current)
                self._current[key] = None
            return
        spec = svc.get("spec") or {}
        ports_spec = spec.get("ports") or []
        publish = bool(spec.get("publishNotReadyAddresses"))
        groups: dict[tuple, dict] = {}  # in the order of their first address: RepackSubsets sorts by IP
        pods = sorted(self.selected(svc), key=lambda p: p["ipkey"])
        for pod in pods:
            if not _should_be_in_endpoints(pod, publish):
                continue
            entry = self._entry(pod, svc, ports_spec)
            if entry is None:
                continue
            addr, ports, pkey = entry
            g = groups.get(pkey)
            if g is None:
                g = groups[pkey] = {"addresses": [], "notReadyAddresses": [], "ports": ports}
            g["addresses" if (publish or pod["ready"]) else "notReadyAddresses"].append(addr)
        subsets = []
        for g in groups.values():
            ss: dict = {}
            if g["addresses"]:
                ss["addresses"] = g["addresses"]
            if g["notReadyAddresses"]:
                ss["notReadyAddresses"] = g["notReadyAddresses"]
            if g["ports"]:
                ss["ports"] = g["ports"]
            subsets.append(ss)
        labels = _service_labels(svc)
        if current is not None:
            cur_labels = (current.get("metadata") or {}).get("labels") or {}
            if (current.get("subsets") or []) == subsets and cur_labels == labels:
                return
            meta = dict(current["metadata"])
            if labels:
                meta["labels"] = labels
            else:
                meta.pop("labels", None)
            meta["annotations"] = {**(meta.get("annotations") or {}), TRIGGER_TIME: _rfc3339_nano(self.tx.now_ms)}
            new = {k: v for k, v in current.items() if k not in ("metadata", "subsets")}
            new["metadata"] = meta
            if subsets:
                new["subsets"] = subsets
            # built from what it read, as the controllers' status writes are: stored as given
            stored, _ = self.api.update(current, new, verb="updating", trusted=True)
            self._current[key] = stored
            return
        meta = {"name": name, "namespace": ns}
        if labels:
            meta["labels"] = labels
        meta["annotations"] = {TRIGGER_TIME: _rfc3339_nano(self.tx.now_ms)}
        obj = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta}
        if subsets:
            obj["subsets"] = subsets
        self._current[key] = self.api.create(obj)


class EndpointSliceController(_ServicePods):
    name = "endpointslice-controller"
    watches = ("Service", "Pod", "EndpointSlice")
    queue_kind = "Service/endpointslices"

    def __init__(self, loop) -> None:
        super().__init__(loop)
        self._own: dict | None = None  # (ns, name) -> the managed slices (its informer's lister), read once

    def observe(self, ch) -> None:
        if ch.kind == "EndpointSlice":
            if ch.by == self.name:
                return  # its own writes are already in its cache
            obj = None if ch.type == DELETED else ch.snapshot()
            if self._own is not None:
                self._own.pop((ch.namespace, ch.name), None)
                if obj is not None and _managed(obj):
                    self._own[(ch.namespace, ch.name)] = obj
            svc = (((obj or ch.obj or {}).get("metadata") or {}).get("labels") or {}).get(SERVICE_NAME_LABEL)
            if svc:
                self.enqueue(ch.namespace, svc)
            return
        super().observe(ch)

    def _entry(self, pod: dict, svc: dict, ports_spec: list, publish: bool) -> tuple:
        """(ports, their key, endpoint) of a pod for a Service (podToEndpoint, getEndpointPorts), memoized on the
        pod's informer view (a new view when the pod changes)."""
        memo = pod.setdefault("_slice", {})
        # the conditions read the pod's state: its entries for each state kept (``_carry``)
        mkey = (svc["metadata"]["name"], publish, pod["ready"], pod["deleting"])
        hit = memo.get(mkey)
        if hit is not None and hit[0] is ports_spec:
            return hit[1]
        ports = []
        for sp in ports_spec:
            port = find_port(pod, sp)
            if port is None:
                continue
            ep = {"name": sp.get("name") or "", "port": port, "protocol": sp.get("protocol") or "TCP"}
            if sp.get("appProtocol"):
                ep["appProtocol"] = sp["appProtocol"]
            ports.append(ep)
        serving = pod["ready"]
        terminating = pod["deleting"]
        endpoint = {"addresses": [pod["ip"]],
                    "conditions": {"ready": publish or (serving and not terminating), "serving": serving,
                                   "terminating": terminating}}
        if _should_set_hostname(pod, svc):
            endpoint["hostname"] = pod["hostname"]
        if pod["node"]:
            endpoint["nodeName"] = pod["node"]
        endpoint["targetRef"] = _target_ref(pod, svc["metadata"].get("namespace", "default"))
        out = (ports, tuple(tuple(sorted(p.items())) for p in ports), endpoint)
        memo[mkey] = (ports_spec, out)
        return out

    def _slices(self, ns: str, name: str) -> list[dict]:
        if self._own is None:
            self._own = {(s["metadata"].get("namespace", ""), s["metadata"]["name"]): s
                         for s in self.tx.list("EndpointSlice") if _managed(s)}
        return sorted((s for (sns, _), s in self._own.items()
                       if sns == ns and s["metadata"]["labels"].get(SERVICE_NAME_LABEL) == name),
                      key=lambda s: s["metadata"]["name"])

    def sync(self, ns: str, name: str, svc: dict | None) -> None:
        if svc is None:
            return  # the garbage collector deletes the slices with their owner
        spec = svc.get("spec") or {}
        if not spec.get("selector") or spec.get("type") == "ExternalName":
            return
        publish = bool(spec.get("publishNotReadyAddresses"))
        ports_spec = spec.get("ports") or []
        groups: dict[tuple, list] = {}
        ports_of: dict[tuple, list] = {}
        for pod in self.selected(svc):
            if not _should_be_in_endpoints(pod, True):
                continue
            ports, key, endpoint = self._entry(pod, svc, ports_spec, publish)
            ports_of[key] = ports
            groups.setdefault(key, []).append(endpoint)
        wanted: list[tuple[list, list]] = []  # (ports, endpoints) of each slice
        for key in sorted(groups):
            eps = groups[key]
            for i in range(0, len(eps), MAX_PER_SLICE):
                wanted.append((ports_of[key], eps[i:i + MAX_PER_SLICE]))
        if not wanted:
            wanted.append(([], []))  # the placeholder slice of a Service with no endpoints
        labels = _service_labels(svc)
        labels[SERVICE_NAME_LABEL] = name
        labels[MANAGED_BY_LABEL] = MANAGED_BY
        existing = self._slices(ns, name)
        unused = list(existing)
        for ports, eps in wanted:
            # reuse a slice with the same ports (the reconciler's slicesByAddressTypeAndPorts), else create one
            cur = next((s for s in unused if (s.get("ports") or []) == ports), None)
            if cur is None and unused:
                cur = unused[0]
            body = {"addressType": "IPv4"}
            if eps:
                body["endpoints"] = eps
            if ports:
                body["ports"] = ports
            if cur is not None:
                unused.remove(cur)
                same = ((cur.get("endpoints") or []) == eps and (cur.get("ports") or []) == ports
                        and ((cur.get("metadata") or {}).get("labels") or {}) == labels)
                if same:
                    continue
                meta = dict(cur["metadata"])
                meta["labels"] = labels
                meta["annotations"] = {**(meta.get("annotations") or {}),
                                       TRIGGER_TIME: _rfc3339_nano(self.tx.now_ms)}
                new = {k: v for k, v in cur.items() if k not in ("metadata", "endpoints", "ports")}
                new["metadata"] = meta
                new.update(body)
                stored, _ = self.api.update(cur, new, verb="updating", trusted=True)
                self._own[(ns, cur["metadata"]["name"])] = stored
            else:
                from minikctl.engine.controllers.base import new_controller_ref

                meta = {"generateName": f"{name}-", "namespace": ns, "labels": labels,
                        "annotations": {TRIGGER_TIME: _rfc3339_nano(self.tx.now_ms)},
                        "ownerReferences": [new_controller_ref(svc)]}
                if not eps:
                    meta.pop("annotations")
                made = self.api.create({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                                        "metadata": meta, **body})
                self._own[(ns, made["metadata"]["name"])] = made
        for s in unused:
            self._own.pop((ns, s["metadata"]["name"]), None)
            self.api.delete(s)

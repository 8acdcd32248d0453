"""The cluster's network as the kubelet hands it to a pod's processes: one network namespace per pod, cluster
DNS and kube-proxy.

``pod_network(worker, container)`` is the ``behavior.network.PodNetwork`` of one container of the pod a kubelet
worker runs: the ports of every running container of the pod (kubernetes.io, "Pods": the containers of a Pod
share its network namespace), their filesystems (a server reads its files through them) and ``ClusterNet``,
which answers what lies outside the pod:

- names: CoreDNS's kubernetes plugin (coredns/plugin/kubernetes, the records of
  kubernetes.io/docs/concepts/services-networking/dns-pod-service/): ``<svc>.<ns>.svc.cluster.local`` is the
  Service's cluster IP, or for a headless Service (``clusterIP: None``) the addresses of its ready endpoints;
  ``<hostname>.<svc>.<ns>.svc.cluster.local`` is the endpoint of that hostname (a StatefulSet's pods under its
  governing Service); PTR names as CoreDNS answers them (``svc.ns.svc.cluster.local`` for a cluster IP,
  ``hostname.svc...`` or ``10-244-0-5.svc...`` for an endpoint).
- connections: a Service's cluster IP and port (or a node's address and a node port) lead, as kube-proxy's rules do, to one ready endpoint of its
  EndpointSlices (chosen deterministically, ``behavior.network.pick``); no ready endpoint is kube-proxy's
  REJECT rule (connection refused); a pod IP reaches that pod's listeners.

The kubelet's hooks: ``PodWorker.proc``/``create_and_start`` set ``process.net`` and ``run_probe`` asks the pod's
namespace for its ports (engine/kubelet/worker.py).
"""

from __future__ import annotations

_SUFFIX = ".svc.cluster.local"  # behavior.network.CLUSTER_DOMAIN (imported lazily: the interpreter is large)


def pod_network(worker, container: str):
    """The network namespace of ``worker``'s pod, seen from ``container`` (a ``behavior.network.PodNetwork``)."""
    from minikctl.engine.behavior.network import PodNetwork

    def ports(now_ms: int) -> list:
        out = []
        for c, cr, _fp in worker.containers():
            inst = cr.current
            if inst is None or inst.finished_at is not None:
                continue
            p = worker.proc(inst, write=False)
            if p is None or p.exited:
                continue
            out += [(d, c["name"]) for d in p.listeners]
        return out

    def fs_for(name: str):
        c = worker.find(name)[0]
        return worker.fs().view(name, c.get("volumeMounts"), worker.image(c.get("image", "")))

    spec = worker.pod.get("spec") or {}
    cluster = getattr(worker, "_cluster_net", None)
    if cluster is None:
        cluster = worker._cluster_net = ClusterNet(worker.tx, worker)
    return PodNetwork(worker.rec.pod_ip or "", worker.ns, spec.get("hostname") or worker.name, container, ports,
                      fs_for, cluster)


def attach(worker, p, container: str | None = None) -> None:
    """Give a process its pod's network namespace (not persisted: set each time it is loaded)."""
    if p is None:
        return
    if container is None:
        for c, cr, _fp in worker.containers():
            if cr.current is not None and worker._procs.get(cr.current.id) is p:
                container = c["name"]
                break
        else:
            return
    p.net = pod_network(worker, container)


class ClusterNet:
    """Services, endpoints and pods of the store, read once per transaction (the kubelet's view of a moment)."""

    def __init__(self, tx, worker=None) -> None:
        self.tx = tx
        self.worker = worker
        self._rev = None
        self._ips: dict = {}
        self._pods: dict = {}
        self._node_ports: dict = {}  # node port -> (ns, service, its port)
        self._nodes: set = set()  # the nodes' InternalIPs

    def _index(self) -> None:
        rev = self.tx.revision()
        if rev == self._rev:
            return
        self._rev = rev
        self._ips = {}
        self._node_ports = {}
        for s in self.tx.list("Service", None, ("metadata.name", "metadata.namespace", "spec.clusterIP",
                                                "spec.ports")):
            key = (s["metadata"].get("namespace", ""), s["metadata"]["name"])
            ip = (s.get("spec") or {}).get("clusterIP")
            if ip and ip != "None":
                self._ips[ip] = key
            for p in (s.get("spec") or {}).get("ports") or []:
                if p.get("nodePort") and (p.get("protocol") or "TCP") == "TCP":
                    self._node_ports[int(p["nodePort"])] = key + (int(p.get("port") or 0),)
        self._nodes = {a.get("address") for n in self.tx.list("Node", None, ("metadata.name", "status.addresses"))
                       for a in (n.get("status") or {}).get("addresses") or [] if a.get("type") == "InternalIP"}
        self._pods = {}
        for p in self.tx.list("Pod", None, ("metadata.name", "metadata.namespace", "status.podIP")):
            ip = (p.get("status") or {}).get("podIP")
            if ip:
                self._pods.setdefault(ip, (p["metadata"].get("namespace", ""), p["metadata"]["name"]))

    def endpoints(self, ns: str, svc: str, ready_only: bool = True) -> list[dict]:
        """The endpoints of a Service's EndpointSlices: [{ip, hostname, ports: {name: (port, protocol)}}]."""
        out = []
        for sl in self.tx.list("EndpointSlice", ns):
            if ((sl.get("metadata") or {}).get("labels") or {}).get("kubernetes.io/service-name") != svc:
                continue
            ports = {p.get("name") or "": (int(p.get("port") or 0), p.get("protocol") or "TCP")
                     for p in sl.get("ports") or []}
            for ep in sl.get("endpoints") or []:
                if ready_only and (ep.get("conditions") or {}).get("ready") is False:
                    continue
                for ip in ep.get("addresses") or []:
                    out.append({"ip": ip, "hostname": ep.get("hostname") or "", "ports": ports})
        out.sort(key=lambda e: e["ip"])
        return out

    # -- DNS -------------------------------------------------------------------------------------------
    def namespace_exists(self, name: str) -> bool:
        return self.tx.exists("Namespace", "", name)

    def resolve(self, fqdn: str) -> list[tuple[str, str]]:
        name = fqdn.rstrip(".")
        if not name.endswith(_SUFFIX):
            return []
        parts = name[: -len(_SUFFIX)].split(".")
        if len(parts) not in (2, 3):
            return []
        host = parts[0] if len(parts) == 3 else ""
        svc_name, ns = parts[-2], parts[-1]
        svc = self.tx.get("Service", ns, svc_name)
        if svc is None:
            return []
        spec = svc.get("spec") or {}
        base = f"{svc_name}.{ns}{_SUFFIX}"
        if spec.get("type") == "ExternalName":
            return []
        if spec.get("clusterIP") not in (None, "", "None"):
            return [] if host else [(spec["clusterIP"], base)]
        # headless: the endpoints themselves (publishNotReadyAddresses publishes the not-ready ones too)
        eps = self.endpoints(ns, svc_name, ready_only=not spec.get("publishNotReadyAddresses"))
        out = []
        for e in eps:
            if host and e["hostname"] != host:
                continue
            label = e["hostname"] or e["ip"].replace(".", "-")
            out.append((e["ip"], f"{label}.{base}"))
        return out

    # -- connections -----------------------------------------------------------------------------------
    def connect(self, ip: str, port: int, now_ms: int, client: str):
        self._index()
        svc = self._ips.get(ip)
        if svc is not None:
            return self._via_service(svc, ip, port, now_ms, client)
        if ip in self._nodes:
            # a node's address: kube-proxy's NodePort rules (KUBE-NODEPORTS), else nothing listens there
            hit = self._node_ports.get(int(port))
            return None if hit is None else self._via_service(hit[:2], ip, hit[2], now_ms, client)
        return self.connect_pod(ip, port, now_ms)

    def _via_service(self, svc: tuple, ip: str, port: int, now_ms: int, client: str):
        from minikctl.engine.behavior.network import pick

        ns, name = svc
        obj = self.tx.get("Service", ns, name)
        sp = next((p for p in (obj or {}).get("spec", {}).get("ports") or []
                   if int(p.get("port") or 0) == port and (p.get("protocol") or "TCP") == "TCP"), None)
        if sp is None:
            return None
        pname = sp.get("name") or ""
        backends = [(e["ip"], e["ports"][pname][0]) for e in self.endpoints(ns, name) if pname in e["ports"]]
        chosen = pick(backends, client, now_ms, port)
        if chosen is None:
            return None  # kube-proxy's REJECT for a Service without endpoints
        return self.connect_pod(chosen[0], chosen[1], now_ms)

    def connect_pod(self, ip: str, port: int, now_ms: int):
        """What ``ip:port`` answers (a ``behavior.network.Answer``), None: refused."""
        self._index()
        key = self._pods.get(ip)
        if key is None:
            return None
        ns, name = key
        w = self.worker
        if w is not None and (w.ns, w.name) == key:
            return pod_network(w, "").connect(ip, port, now_ms)
        from minikctl.engine.behavior.network import Answer
        from minikctl.engine.behavior.listener import Listener
        from minikctl.engine.kubelet.records import PodRecord

        d = self.tx.get_runtime("Pod", ns, name)  # the kubelet's record of the pod (engine/kubelet/records.py)
        rec = None if d is None else PodRecord.from_json(d)
        if rec is None:
            return None
        for cname, cr in rec.containers.items():
            inst = cr.current
            if inst is None or inst.finished_at is not None or not inst.process or inst.process.get("exited"):
                continue
            for d in inst.process.get("listeners") or []:
                if int(d["port"]) == int(port) and int(d.get("since_ms", 0) or 0) <= now_ms:
                    pod = self.tx.get("Pod", ns, name) or {}
                    return Answer(Listener.from_dict(d), _remote_fs(rec, pod, cname), _hostname(pod, name), ip)
        return None


def _hostname(pod: dict, name: str) -> str:
    return (pod.get("spec") or {}).get("hostname") or name


def _remote_fs(rec, pod: dict, cname: str):
    """Another pod's container filesystem as its kubelet last saved it (read only)."""
    if not rec.filesystem:
        return None
    from minikctl.engine.behavior.vfs import PodFS

    spec = pod.get("spec") or {}
    c = next((c for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])
              if c.get("name") == cname), {})
    return PodFS.from_dict(rec.filesystem).view(cname, c.get("volumeMounts"))

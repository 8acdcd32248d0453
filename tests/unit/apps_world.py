"""A store and its cluster for the apps/v1 controller tests: each ``step`` is one command's transaction (tick,
what the command does through the API, settle), as cli/common.session runs it."""

from __future__ import annotations

import copy

from minikctl.cluster import Cluster
from minikctl.store.db import DEFAULT_EPOCH_MS, Store

EPOCH = DEFAULT_EPOCH_MS


class World:
    def __init__(self, path) -> None:
        self.store = Store(str(path / "store.db"))

    def step(self, action=None, tick_ms: int = 0):
        """One command: ``action(cluster)``'s result, after the cluster has reacted at the same instant."""
        with self.store.transaction() as tx:
            cluster = Cluster(tx)
            cluster.tick(tick_ms)
            out = action(cluster) if action is not None else None
            cluster.settle()
            return out

    def at(self, ms_after_epoch: int) -> None:
        """Let the cluster live until EPOCH + ms."""
        self.step(lambda cl: cl.advance_to(EPOCH + ms_after_epoch))

    def now(self) -> int:
        return self.step(lambda cl: cl.now_ms - EPOCH)

    def create(self, obj: dict) -> dict:
        return self.step(lambda cl: cl.api.create(copy.deepcopy(obj)))

    def change(self, kind: str, name: str, fn, namespace: str = "default", subresource: str = "") -> dict:
        def act(cl):
            live = cl.tx.get(kind, namespace, name)
            new = copy.deepcopy(live)
            fn(new)
            return cl.api.update(live, new, subresource=subresource)[0]
        return self.step(act)

    def delete(self, kind: str, name: str, namespace: str = "default", **kw):
        return self.step(lambda cl: cl.api.delete(cl.tx.get(kind, namespace, name), **kw))

    def get(self, kind: str, name: str, namespace: str = "default") -> dict | None:
        return self.step(lambda cl: cl.tx.get(kind, namespace, name))

    def list(self, kind: str, namespace: str = "default") -> list[dict]:
        return self.step(lambda cl: cl.tx.list(kind, namespace))

    def pods(self, namespace: str = "default", active: bool = True) -> list[dict]:
        pods = self.list("Pod", namespace)
        if active:
            pods = [p for p in pods if not p["metadata"].get("deletionTimestamp")
                    and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
        return pods

    def events(self, involved: dict | None = None, reason: str | None = None) -> list[tuple]:
        """(type, reason, message, source component, count) of the events, oldest first."""
        def read(cl):
            evs = cl.tx.list_events("default")
            evs.sort(key=lambda e: (e.get("firstTimestamp") or "", e["metadata"]["name"]))
            return evs
        out = []
        for e in self.step(read):
            if involved is not None and e["involvedObject"].get("uid") != involved["metadata"]["uid"]:
                continue
            if reason is not None and e.get("reason") != reason:
                continue
            out.append((e.get("type"), e.get("reason"), e.get("message"), e["source"].get("component"),
                        e.get("count")))
        return out


def replicaset(name: str = "frontend", replicas: int = 3, image: str = "nginx:1.14.2", **spec) -> dict:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name, "labels": {"tier": name}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"tier": name}},
                     "template": {"metadata": {"labels": {"tier": name}},
                                  "spec": {"containers": [{"name": "c", "image": image}]}}, **spec}}


def deployment(name: str = "nginx-deployment", replicas: int = 3, image: str = "nginx:1.14.2", **spec) -> dict:
    """The kubernetes.io tutorial's Deployment (controllers/nginx-deployment.yaml, label app=nginx)."""
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": {"app": "nginx"}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "nginx"}},
                     "template": {"metadata": {"labels": {"app": "nginx"}},
                                  "spec": {"containers": [{"name": "nginx", "image": image,
                                                           "ports": [{"containerPort": 80}]}]}}, **spec}}


def ready(pod: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])

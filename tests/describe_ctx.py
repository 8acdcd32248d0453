"""An in-memory ``ctx`` for the describers of minikctl/printers/describe_workloads.py and describe_config.py.

``MemoryCtx(objects, events, now_ms)``: ``list`` filters by kind, namespace and a metav1.LabelSelector dict;
``events`` finds the Events about an object the way kubectl's searchEvents does (involvedObject kind, name,
namespace and uid, the object's or the one given), in the server's order (namespace, name); ``show_events=False`` makes ``events`` answer None (``--show-events=false``).
"""

from __future__ import annotations

from minikctl.kube.selectors import LabelSelector


class MemoryCtx:
    def __init__(self, objects=(), events=(), now_ms: int = 0, *, show_events: bool = True) -> None:
        self.objects = list(objects)
        self._events = list(events)
        self.now_ms = now_ms
        self.show_events = show_events

    def list(self, kind: str, namespace: str | None, selector: dict | None = None) -> list[dict]:
        match = LabelSelector.from_match(selector) if selector is not None else None
        out = []
        for obj in self.objects:
            meta = obj.get("metadata") or {}
            if obj.get("kind") != kind or (namespace is not None and meta.get("namespace") != namespace):
                continue
            if match is not None and not match.matches(meta.get("labels") or {}):
                continue
            out.append(obj)
        return sorted(out, key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))

    def get(self, kind: str, namespace: str | None, name: str) -> dict | None:
        for obj in self.list(kind, namespace):
            if obj["metadata"]["name"] == name:
                return obj
        return None

    def events(self, obj: dict, uid: str | None = None) -> list[dict] | None:
        if not self.show_events:
            return None
        meta = obj.get("metadata") or {}
        uid = meta.get("uid") if uid is None else uid
        found = []
        for ev in self._events:
            inv = ev.get("involvedObject") or {}
            if (inv.get("kind") == obj.get("kind") and inv.get("name") == meta.get("name")
                    and inv.get("namespace", "") == meta.get("namespace", "")
                    and (not uid or inv.get("uid", "") == uid)):
                found.append(ev)
        return sorted(found, key=lambda e: (e["metadata"].get("namespace", ""), e["metadata"]["name"]))

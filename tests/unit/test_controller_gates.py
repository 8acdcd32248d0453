"""The loop builds a controller only when it has something to do (engine/controllers/__init__.py SPECS, Loop.wake).

Three things keep that invisible: each spec names the kinds its controller watches and owns; each gate lets
through every change that a newly built controller would do anything with (checked here at every change a gate
turned away, against a controller built for the purpose); and a scenario of workloads, orphans, adoptions,
deletions in every propagation, Services and a namespace's deletion ends in the same store, byte for byte, whether
the controllers are built when needed or all at the start of every run.
"""

from __future__ import annotations

import copy
import sqlite3

import pytest

from apps_world import World, deployment, replicaset
from minikctl.engine import loop as L
from minikctl.engine.controllers import JOB_CONTROLLER_UID, JOB_TRACKING_FINALIZER, SCHEDULER, SPECS, Spec


def test_the_specs_name_what_the_controllers_watch_and_own(tmp_path):
    world = World(tmp_path)

    def check(cl):
        comps = cl.loop.all_components()
        assert [type(c).__name__ for c in comps] == [SCHEDULER.cls, "Kubelet"] + [s.cls for s in SPECS]
        del comps[1]
        for comp, spec in zip(comps, (SCHEDULER, *SPECS)):
            assert tuple(comp.watches) == spec.watches, spec.cls
            assert tuple(comp.owns) == spec.owns, spec.cls

    world.step(check)


def test_the_gates_markers_are_the_controllers():
    from minikctl.engine.controllers import GC_FINALIZERS, garbagecollector, job

    assert JOB_TRACKING_FINALIZER == job.TRACKING_FINALIZER
    assert JOB_CONTROLLER_UID == job.CONTROLLER_UID
    assert GC_FINALIZERS == (garbagecollector.FOREGROUND, garbagecollector.ORPHAN)


def _orphan(name: str, labels: dict, node: str | None = None, **meta) -> dict:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels, **meta},
           "spec": {"containers": [{"name": "c", "image": "nginx:1.14.2"}]}}
    if node:
        pod["spec"]["nodeName"] = node
    return pod


def _job(name: str) -> dict:
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
            "spec": {"template": {"spec": {"restartPolicy": "Never",
                                           "containers": [{"name": "c", "image": "busybox:1.36",
                                                           "command": ["sh", "-c", "exit 0"]}]}}}}


def _sts(name: str) -> dict:
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name},
            "spec": {"replicas": 1, "serviceName": name, "selector": {"matchLabels": {"sts": name}},
                     "template": {"metadata": {"labels": {"sts": name}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx:1.14.2"}]}}}}


def _ds(name: str) -> dict:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": name},
            "spec": {"selector": {"matchLabels": {"ds": name}},
                     "template": {"metadata": {"labels": {"ds": name}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx:1.14.2"}]}}}}


def _service(name: str, selector: dict | None) -> dict:
    spec = {"ports": [{"port": 80}]}
    if selector:
        spec["selector"] = selector
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec}


def _relabel(labels: dict):
    def fn(obj):
        obj["metadata"]["labels"] = labels
    return fn


def _scenario(world: World) -> None:
    world.create(_orphan("lone", {"a": "1"}))  # no workload anywhere: every gate turns it away
    world.change("Pod", "lone", _relabel({"a": "2"}))
    world.at(30_000)
    world.create(replicaset("frontend", replicas=2))
    world.create(_orphan("stray", {"tier": "other"}))
    world.change("Pod", "stray", _relabel({"tier": "frontend"}))  # adopted: the ReplicaSet has one too many
    world.at(40_000)
    world.create(deployment(replicas=2))
    world.at(60_000)
    world.change("Deployment", "nginx-deployment", lambda d: d["spec"]["template"]["spec"]["containers"][0]
                 .update(image="nginx:1.16.1"))
    world.at(90_000)
    world.create(_service("web", {"app": "nginx"}))
    world.create(_service("plain", None))
    world.create(_sts("db"))
    world.create(_ds("agent"))
    world.at(120_000)
    for name in [p["metadata"]["name"] for p in world.pods()]:
        if name.startswith("frontend-"):  # released: its labels no longer match
            world.change("Pod", name, _relabel({"tier": "gone"}))
            break
    world.create(_job("once"))
    world.create(_orphan("tracked", {JOB_CONTROLLER_UID: "nobody"}, finalizers=[JOB_TRACKING_FINALIZER]))
    world.at(180_000)
    world.delete("Pod", "lone")
    world.delete("ReplicaSet", "frontend", propagation="Orphan")
    world.at(200_000)
    world.delete("Deployment", "nginx-deployment", propagation="Foreground")
    world.delete("StatefulSet", "db")
    world.at(230_000)
    tolerant = _orphan("tolerant", {"a": "1"}, "node1")
    tolerant["spec"]["tolerations"] = [{"key": "maintenance", "operator": "Exists", "effect": "NoExecute",
                                        "tolerationSeconds": 20}]
    world.create(tolerant)
    world.change("Node", "node1", lambda n: n["spec"].update(taints=[{"key": "maintenance", "effect": "NoExecute"}]),
                 namespace="")
    world.change("Pod", "tolerant", _relabel({"a": "2"}))
    world.at(240_000)
    world.change("Node", "node1", lambda n: n["spec"].pop("taints"), namespace="")
    world.at(260_000)
    world.step(lambda cl: cl.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "scratch"}}))
    world.step(lambda cl: cl.api.create(dict(_orphan("x", {"tier": "frontend"}), metadata={
        "name": "x", "namespace": "scratch", "labels": {"tier": "frontend"}})))
    world.step(lambda cl: cl.api.delete(cl.tx.get("Namespace", "", "scratch")))
    world.at(400_000)


def _dump(path) -> list:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return [(t, sorted(map(repr, conn.execute(f"SELECT * FROM {t}")))) for t in tables]
    finally:
        conn.close()


class _Refused(AssertionError):
    pass


def _checked_observe(self, ch) -> None:
    """_Dormant.observe that also checks every change its gate turns away: a controller built now does nothing
    with it (no work, no write of any kind)."""
    gate = self.spec.gate
    if gate is None or gate(self.loop, ch):
        self.loop.wake(self).observe(ch)
        return
    loop = self.loop
    tx = loop.tx
    comp = self.spec.load()(loop)

    def refuse(*args, **kwargs):
        raise _Refused(f"{self.spec.cls} writes on a {ch.type} {ch.kind} {ch.namespace}/{ch.name} its gate let pass")

    saved = {}
    for name in ("create", "update", "delete", "put_runtime", "delete_runtime", "set_wake", "set_meta"):
        saved[name] = getattr(tx, name)
        setattr(tx, name, refuse)
    try:
        comp.observe(ch)
    finally:
        for name, fn in saved.items():
            setattr(tx, name, fn)
    assert not comp.has_work(), f"{self.spec.cls} has work from a {ch.type} {ch.kind} {ch.namespace}/{ch.name}"
    _checked_observe.turned_away += 1


_checked_observe.turned_away = 0


def test_controllers_built_when_needed_write_what_controllers_built_at_once_write(tmp_path, monkeypatch):
    lazy = tmp_path / "lazy"
    eager = tmp_path / "eager"
    lazy.mkdir()
    eager.mkdir()
    monkeypatch.setattr(L._Dormant, "observe", _checked_observe)
    _scenario(World(lazy))
    assert _checked_observe.turned_away > 20  # the gates had changes to turn away

    init = L.Loop.__init__

    def eager_init(self, api):
        init(self, api)
        self.all_components()

    monkeypatch.setattr(L.Loop, "__init__", eager_init)
    _scenario(World(eager))
    assert _dump(lazy / "store.db") == _dump(eager / "store.db")


_RS_REF = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "r", "uid": "u", "controller": True}]


@pytest.mark.parametrize("obj, type_, wanted", [
    (_orphan("p", {"a": "b"}, "node1"), "MODIFIED", set()),  # a label on a running pod
    (_orphan("p", {"a": "b"}, "node1"), "ADDED", set()),
    (_orphan("p", {"a": "b"}), "ADDED", {"Scheduler"}),
    (_orphan("p", {"a": "b"}, "node1"), "DELETED", {"Scheduler", "GarbageCollector", "NamespaceController"}),
    (_orphan("p", {}, "node1", ownerReferences=_RS_REF), "ADDED", {"GarbageCollector", "ReplicaSetController"}),
    (_orphan("p", {}, "node1", ownerReferences=_RS_REF), "DELETED",
     {"Scheduler", "GarbageCollector", "NamespaceController", "ReplicaSetController", "DeploymentController"}),
    (_orphan("p", {}, "node1", finalizers=[JOB_TRACKING_FINALIZER]), "MODIFIED", {"JobController"}),
])
def test_what_a_pod_change_wakes_on_a_store_with_no_workloads(tmp_path, obj, type_, wanted):
    import json

    from minikctl.store.changelog import Change

    world = World(tmp_path)

    def run(cl):
        loop = L.Loop(cl.api)  # a run's loop, nothing built yet
        body = copy.deepcopy(obj)
        body["metadata"]["namespace"] = "default"
        ch = Change(1, type_, "Pod", "default", "p", "uid-p", json.dumps(body), body, "")
        woke = set()
        for comp in list(loop.watchers["Pod"]) + list(loop.anything):
            if isinstance(comp, L._Dormant) and (comp.spec.gate is None or comp.spec.gate(loop, ch)):
                woke.add(comp.spec.cls)
        return woke

    assert world.step(run) == wanted


@pytest.mark.parametrize("finalizers, wanted", [([], False), ([JOB_TRACKING_FINALIZER], True)])
def test_a_built_controller_is_asked_the_gate_it_was_woken_by_whatever_its_class_is_named(
        tmp_path, finalizers, wanted):
    """Loop.others_act_on asks a controller already built the gate of the spec it was built from, not the spec
    whose ``cls`` happens to name its class: a Job controller whose class goes by another name still turns away
    a label on a running orphan, and still lets through an orphan carrying its tracking finalizer."""
    import json

    from minikctl.engine.controllers.job import JobController
    from minikctl.store.changelog import Change

    class RenamedJobController(JobController):
        pass

    class _Renamed(Spec):
        __slots__ = ()

        def load(self):
            return RenamedJobController

    world = World(tmp_path)

    def run(cl):
        loop = L.Loop(cl.api)
        job = next(c for c in loop.watchers["Pod"] if isinstance(c, L._Dormant) and c.spec.cls == "JobController")
        job.spec = _Renamed("job", "JobController", job.spec.watches, job.spec.owns, job.spec.gate)
        loop.all_components()
        assert any(type(c) is RenamedJobController for c in loop.watchers["Pod"])
        body = _orphan("p", {"a": "b"}, "node1", finalizers=finalizers)
        body["metadata"]["namespace"] = "default"
        ch = Change(1, "MODIFIED", "Pod", "default", "p", "uid-p", json.dumps(body), body, "")
        return loop.others_act_on(ch)

    assert world.step(run) == wanted


def test_pod_changes_routed_past_the_gates_write_what_every_watcher_asked_writes(tmp_path, monkeypatch):
    """Loop._route (MINIKCTL_NO_GATE_ROUTES): a pod change handed only to the built watchers once the dormant
    controllers' gates turned away one of its key leaves the store as handing each change to every watcher does,
    over the scenario of workloads, orphans, adoptions and deletions above (orphans at the start, as many pods
    applied alone are)."""
    hits = []
    route = L.Loop._route

    def counted(self, ch, key):
        hits.append(key in self._routes)
        route(self, ch, key)

    monkeypatch.setattr(L.Loop, "_route", counted)
    dumps = []
    for on in (True, False):
        monkeypatch.setattr(L, "ROUTES", on)
        path = tmp_path / str(on)
        path.mkdir()
        world = World(path)
        world.step(lambda cl: [cl.api.create(_orphan(f"alone{k}", {"a": str(k)})) for k in range(8)])
        world.at(20_000)
        _scenario(world)
        dumps.append(_dump(path / "store.db"))
    assert sum(hits) > 10 and not all(hits)
    assert dumps[0] == dumps[1]


def test_a_controller_woken_while_a_change_goes_its_route_sees_the_change(tmp_path):
    """A built watcher that wakes a dormant controller as it observes a routed change: the change goes on to the
    watchers after it as they are then (the woken controller observes it, its gate not asked), as ``dispatch``
    hands a change to every watcher of the lists as they are."""
    import json

    from minikctl.store.changelog import Change

    world = World(tmp_path)

    def run(cl):
        loop = L.Loop(cl.api)
        seen = []

        class Waker(L._Idle):
            watches = ("Pod",)
            owns = ()

            def observe(self, ch):
                seen.append(("waker", ch.rv))
                if ch.rv == 3:
                    job = next(c for c in loop.watchers["Pod"] if isinstance(c, L._Dormant)
                               and c.spec.cls == "JobController")
                    built = loop.wake(job)
                    built.observe = lambda ch: seen.append(("job", ch.rv))

        loop.watchers["Pod"].insert(0, Waker())
        for rv in (1, 2, 3, 4):
            body = _orphan("p", {"a": "b"}, "node1")
            body["metadata"]["namespace"] = "default"
            loop._route(Change(rv, "MODIFIED", "Pod", "default", "p", "uid-p", json.dumps(body), body, ""),
                        ("MODIFIED", False, "default", "node1"))
        return seen

    seen = world.step(run)
    assert [s for s in seen if s[0] == "waker"] == [("waker", rv) for rv in (1, 2, 3, 4)]
    assert [s for s in seen if s[0] == "job"] == [("job", 3), ("job", 4)]

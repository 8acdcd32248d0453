"""The endpoints controllers' pod informer (minikctl/engine/controllers/endpoints.py ``_ServicePods.observe``): a pod
update queues the Services that select it only when something the endpoints read of the pod changed, as
``endpointutil.GetServicesToUpdateOnPodChange`` decides upstream (pkg/controller/util/endpoint/controller_utils.go,
``podEndpointsChanged``). A view the controllers already synced from carries their memoized entries: those must
not make every later write of the pod look like a change."""

from __future__ import annotations

import copy

import pytest

from minikctl.cluster import Cluster
from minikctl.engine.controllers.endpoints import EndpointsController, EndpointSliceController
from minikctl.store.db import Store
from tests.unit.flap_world import exec_ready, service

READY = "touch /tmp/ready; sleep 3600"


def _synced(monkeypatch) -> list:
    seen: list = []
    for cls in (EndpointsController, EndpointSliceController):
        orig = cls.sync

        def sync(self, ns, name, svc, _orig=orig):
            seen.append((self.name, ns, name))
            return _orig(self, ns, name, svc)

        monkeypatch.setattr(cls, "sync", sync)
    return seen


def test_a_pod_write_the_endpoints_do_not_read_queues_no_service(tmp_path, monkeypatch):
    synced = _synced(monkeypatch)
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        cl = Cluster(tx)
        cl.api.create(service("web"))
        cl.api.create(exec_ready("p", READY, svc="web"))
        cl.settle()
        cl.advance_to(tx.now_ms + 20_000)  # running, its first probe passed: ready, synced from the warm informer
        ep = tx.get("Endpoints", "default", "web")
        assert [a["targetRef"]["name"] for a in ep["subsets"][0]["addresses"]] == ["p"]
        assert any(who == "endpoint-controller" for who, _, _ in synced)
        # someone else empties the Endpoints: the controller does not watch Endpoints updates (only deletions,
        # onEndpointsDelete), so it is synced again only when a pod or the Service gives it a reason
        edited = copy.deepcopy(ep)
        edited.pop("subsets")
        cl.api.update(ep, edited)
        cl.settle()
        synced.clear()
        pod = tx.get("Pod", "default", "p")
        annotated = copy.deepcopy(pod)
        annotated["metadata"]["annotations"] = {"note": "unrelated"}
        cl.api.update(pod, annotated)
        cl.settle()
        assert synced == []
        assert "subsets" not in tx.get("Endpoints", "default", "web")
        # a change the endpoints read (the pod's readiness, written False here and set back by its kubelet, which
        # the status manager owns) queues its Service again in both controllers, which put the address back
        pod = tx.get("Pod", "default", "p")
        unready = copy.deepcopy(pod)
        for c in unready["status"]["conditions"]:
            if c["type"] == "Ready":
                c["status"] = "False"
        cl.api.write_status(unready)
        cl.settle()
        assert {who for who, _, _ in synced} == {"endpoint-controller", "endpointslice-controller"}
        ep = tx.get("Endpoints", "default", "web")
        assert [a["targetRef"]["name"] for a in ep["subsets"][0]["addresses"]] == ["p"]
    st.close()


def test_one_controller_awake_before_the_other_shares_the_informer(tmp_path, monkeypatch):
    """The Endpoints controller woken alone (its Endpoints deleted by someone) reads the pods into the informers the
    two share; the EndpointSlice controller woken later by a pod change still finds the namespace new to it and
    syncs every Service there that selects pods, as its own informer, cold, would have it do."""
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        cl = Cluster(tx)
        cl.api.create(service("web"))
        cl.api.create(service("api"))
        cl.api.create(service("other"))  # selects no pod: synced only by a cold informer
        cl.api.create(exec_ready("p", READY, svc="web"))
        cl.advance_to(tx.now_ms + 20_000)
    with st.transaction() as tx:  # a new command: a new loop, every controller dormant
        synced = _synced(monkeypatch)
        cl = Cluster(tx)
        cl.api.delete(tx.get("Endpoints", "default", "web"))
        cl.settle()
        assert synced == [("endpoint-controller", "default", "web")]
        assert [a["targetRef"]["name"] for a in tx.get("Endpoints", "default", "web")["subsets"][0]["addresses"]] \
            == ["p"]
        synced.clear()
        pod = tx.get("Pod", "default", "p")
        moved = copy.deepcopy(pod)
        moved["metadata"]["labels"] = {"svc": "api"}
        cl.api.update(pod, moved)
        cl.settle()
        # the Endpoints controller, warm, syncs the two Services the pod left and joined; the slice controller,
        # cold, every Service of the namespace with a selector
        assert sorted(synced) == [("endpoint-controller", "default", "api"), ("endpoint-controller", "default", "web"),
                                  ("endpointslice-controller", "default", "api"),
                                  ("endpointslice-controller", "default", "other"),
                                  ("endpointslice-controller", "default", "web")]
        assert "subsets" not in tx.get("Endpoints", "default", "web")
        assert [a["targetRef"]["name"] for a in tx.get("Endpoints", "default", "api")["subsets"][0]["addresses"]] \
            == ["p"]
        slices = {s["metadata"]["labels"]["kubernetes.io/service-name"]: s for s in tx.list("EndpointSlice", "default")}
        assert [e["targetRef"]["name"] for e in slices["api"]["endpoints"]] == ["p"]
        assert "endpoints" not in slices["web"]
    st.close()


def test_shared_informers_and_carried_entries_store_what_separate_ones_store(tmp_path, monkeypatch):
    """The flapping-pods scenario of test_engine_flap.py (a relabelled pod, a pod's file removed by an exec, pods
    never ready) run with the informers shared and the entries carried across state changes, and with neither
    (MINIKCTL_NO_SHARED_INFORMERS, MINIKCTL_NO_CARRIED_ENTRIES): the stores' dumps are equal line for line."""
    from minikctl.engine.controllers import endpoints
    from tests.unit.test_engine_flap import run_scenario

    assert endpoints.SHARED_INFORMERS and endpoints.CARRIED_ENTRIES  # the path taken unless turned off
    assert endpoints.LISTED_FIELDS
    fast = run_scenario(str(tmp_path / "fast.db"))
    monkeypatch.setattr(endpoints, "SHARED_INFORMERS", False)
    monkeypatch.setattr(endpoints, "CARRIED_ENTRIES", False)
    monkeypatch.setattr(endpoints, "LISTED_FIELDS", False)
    plain = run_scenario(str(tmp_path / "plain.db"))
    assert len(fast) == len(plain)
    assert [i for i, (a, b) in enumerate(zip(fast, plain)) if a != b] == []


def test_the_informers_listing_reads_every_field_of_a_pod_its_view_reads(tmp_path):
    """The informers list a namespace's pods projected to ``VIEW_FIELDS`` (``_Informers.pods``): the views are
    those of the pods read whole, for pods of many shapes (several containers and named ports, a hostname and
    subdomain, no labels, not scheduled, ready or not, being deleted); and every one of the fields is needed (the
    pods here make some view differ without it), so a field the view reads and the listing leaves out fails."""
    from minikctl.engine.controllers.endpoints import VIEW_FIELDS, _pod_view

    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        cl = Cluster(tx)
        cl.api.create(service("web"))
        cl.api.create(exec_ready("ready", READY, svc="web"))
        cl.api.create(exec_ready("never", "sleep 3600", svc="web"))
        named = exec_ready("named", READY, svc="web", tier="a")
        named["spec"]["hostname"] = "h1"
        named["spec"]["subdomain"] = "web"
        named["spec"]["containers"].append({"name": "d", "image": "busybox:1.36", "command": ["sleep", "3600"],
                                            "ports": [{"containerPort": 9090, "name": "metrics",
                                                       "protocol": "UDP"}]})
        cl.api.create(named)
        bare = exec_ready("bare", READY)
        bare["metadata"].pop("labels")
        cl.api.create(bare)
        going = exec_ready("going", READY, svc="web")
        going["metadata"]["finalizers"] = ["example.com/hold"]
        cl.api.create(going)
        cl.advance_to(tx.now_ms + 20_000)
        cl.api.delete(tx.get("Pod", "default", "going"))
        cl.settle()
        unscheduled = exec_ready("unscheduled", READY, svc="web")
        unscheduled["spec"]["nodeSelector"] = {"nowhere": "true"}
        cl.api.create(unscheduled)
        cl.settle()

        def views(fields: tuple) -> list:
            return [_pod_view(p) for p in tx.list("Pod", "default", fields)]

        whole = views(())
        assert views(VIEW_FIELDS) == whole
        assert {v["ready"] for v in whole} == {True, False} and any(v["deleting"] for v in whole)
        for field in VIEW_FIELDS:
            assert views(tuple(f for f in VIEW_FIELDS if f != field)) != whole, field
    st.close()


@pytest.mark.parametrize("shared", [True, False])
def test_one_controller_awake_first_either_way(tmp_path, monkeypatch, shared):
    from minikctl.engine.controllers import endpoints

    monkeypatch.setattr(endpoints, "SHARED_INFORMERS", shared)
    test_one_controller_awake_before_the_other_shares_the_informer(tmp_path, monkeypatch)

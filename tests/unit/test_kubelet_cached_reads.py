"""The kubelet reads the ConfigMaps, Secrets, Services and Nodes its pods need through a cache kept for the life of
the cluster's loop (controllers/informer.py ``CachedReads``): what one pod read must never hide a later change from
the next pod, whether the change was observed through the loop or written since its last dispatch."""

from __future__ import annotations

from pathlib import Path

import pytest

from minikctl.cluster import Cluster
from minikctl.store.db import Store


@pytest.fixture
def store(tmp_path: Path):
    st = Store(str(tmp_path / "store.db"))
    yield st
    st.close()


def pod(name: str, **spec) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"],
                                     "volumeMounts": [{"name": "cfg", "mountPath": "/cfg"}]}],
                     "volumes": [{"name": "cfg", "configMap": {"name": "cfg"}}], **spec}}


def configmap(value: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "default"},
            "data": {"value": value}}


def service(name: str, ip: str) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
            "spec": {"clusterIP": ip, "ports": [{"port": 80, "protocol": "TCP"}]}}


def run(cl: Cluster, name: str, argv: list[str]) -> str:
    p = cl.tx.get("Pod", "default", name)
    assert (p.get("status") or {}).get("phase") == "Running", p.get("status")
    code, out, _ = cl.exec(p, "c", argv)
    assert code == 0, out
    return out


def read_one_then_change_it(tx) -> Cluster:
    """Pod ``a`` running with the ConfigMap's "one" read (and cached), then the ConfigMap changed to "two"."""
    cl = Cluster(tx)
    cl.api.create(configmap("one"))
    cl.api.create(pod("a"))
    cl.run_until(lambda: False, tx.now_ms + 60_000)
    assert run(cl, "a", ["cat", "/cfg/value"]) == "one"
    live = tx.get("ConfigMap", "default", "cfg")
    cl.api.update(live, {**live, "data": {"value": "two"}})
    return cl


def test_a_configmap_changed_between_two_pods_of_one_loop_is_read_again(store):
    with store.transaction() as tx:
        cl = read_one_then_change_it(tx)
        cl.settle()  # the change goes through the loop
        cl.api.create(pod("b"))
        cl.run_until(lambda: False, tx.now_ms + 60_000)
        assert run(cl, "b", ["cat", "/cfg/value"]) == "two"
        assert run(cl, "a", ["cat", "/cfg/value"]) == "one"  # mounted once, when the pod started


def test_a_change_written_since_the_last_dispatch_is_seen(store):
    with store.transaction() as tx:
        cl = read_one_then_change_it(tx)
        cl.api.create(pod("b"))  # both changes wait in the feed: the kubelet reads the ConfigMap before observing it
        reads = cl.loop.kubelet.reads
        assert reads.get("ConfigMap", "default", "cfg")["data"] == {"value": "two"}
        cl.run_until(lambda: False, tx.now_ms + 60_000)
        assert run(cl, "b", ["cat", "/cfg/value"]) == "two"


def started_env(cl: Cluster, name: str) -> list[str]:
    """The environment the container's process started with (it prints it first)."""
    p = cl.tx.get("Pod", "default", name)
    assert (p.get("status") or {}).get("phase") == "Running", p.get("status")
    return [line for _, line in cl.logs(p, "c", False)]


def test_a_service_created_between_two_pods_gives_the_second_its_links(store):
    with store.transaction() as tx:
        cl = Cluster(tx)
        cl.api.create(configmap("one"))
        env_pod = {"command": ["sh", "-c", "env; sleep 3600"]}
        for name in ("a", "b", "c"):
            p = pod(name)
            p["spec"]["containers"][0].update(env_pod)
            if name == "a":
                cl.api.create(p)
                cl.run_until(lambda: False, tx.now_ms + 60_000)
                cl.api.create(service("web", "10.96.0.50"))
            elif name == "b":
                cl.tick(1000)
                cl.api.create(p)
                cl.run_until(lambda: False, tx.now_ms + 60_000)
                cl.api.delete(tx.get("Service", "default", "web"))
            else:
                cl.tick(1000)
                cl.api.create(p)
                cl.run_until(lambda: False, tx.now_ms + 60_000)
        assert not any(line.startswith("WEB_SERVICE_HOST=") for line in started_env(cl, "a"))
        assert "WEB_SERVICE_HOST=10.96.0.50" in started_env(cl, "b")
        assert not any(line.startswith("WEB_SERVICE_HOST=") for line in started_env(cl, "c"))


def test_a_pod_record_rolled_back_with_a_step_is_read_again(store):
    """The kubelet keeps the records it wrote decoded; a step undone after it wrote one (a savepoint) puts the
    stored text back, and the record is read from it again."""
    with store.transaction() as tx:
        cl = Cluster(tx)
        cl.api.create(configmap("one"))
        cl.api.create(pod("a"))
        cl.run_until(lambda: False, tx.now_ms + 60_000)
        started = tx.get("Pod", "default", "a")["status"]["containerStatuses"][0]["state"]
        with pytest.raises(RuntimeError):
            with tx.savepoint():
                cl.api.delete(tx.get("Pod", "default", "a"))
                cl.settle()  # its kubelet starts stopping the container: the record says so
                assert tx.get("Pod", "default", "a")["metadata"].get("deletionTimestamp")
                raise RuntimeError("the step fails")
        live = tx.get("Pod", "default", "a")  # a change of the pod: its kubelet syncs it, from its record
        assert not live["metadata"].get("deletionTimestamp")
        cl.api.update(live, {**live, "metadata": {**live["metadata"], "labels": {"synced": "yes"}}})
        cl.run_until(lambda: False, tx.now_ms + 60_000)
        now = tx.get("Pod", "default", "a")
        assert now["status"]["phase"] == "Running"
        assert now["status"]["containerStatuses"][0]["state"] == started
        assert run(cl, "a", ["cat", "/cfg/value"]) == "one"

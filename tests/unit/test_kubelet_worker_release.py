"""A pod worker is freed by reference counting once the kubelet is done with it (``PodWorker.close``, called by
``Kubelet.finish_pod``): its loaded processes hold their pod's network namespace, which calls back into the
worker, so without ``close`` every worker of an advance waited for the cyclic collector."""

from __future__ import annotations

import gc
import weakref

import pytest

from minikctl.cluster import Cluster
from minikctl.engine.kubelet import worker as worker_mod
from minikctl.store.db import Store


def _probe(delay: int) -> dict:
    return {"httpGet": {"path": "/", "port": 80, "scheme": "HTTP"}, "initialDelaySeconds": delay,
            "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3}


def _pod(name: str, container: dict) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [container]}}


PODS = {
    "probed": {"name": "nginx", "image": "nginx:1.14.2", "ports": [{"containerPort": 80}],
               "livenessProbe": _probe(5), "readinessProbe": _probe(0)},
    "crash": {"name": "crash", "image": "busybox:1.36", "command": ["sh", "-c", "echo boom; exit 1"]},
}


@pytest.mark.parametrize("kind", sorted(PODS))
def test_workers_are_freed_without_the_cyclic_collector(tmp_path, monkeypatch, kind):
    made: list = []
    init = worker_mod.PodWorker.__init__

    def tracked(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(weakref.ref(self))

    monkeypatch.setattr(worker_mod.PodWorker, "__init__", tracked)
    st = Store(str(tmp_path / "s.db"))
    try:
        with st.transaction() as tx:
            cl = Cluster(tx)
            for i in range(3):
                cl.api.create(_pod(f"p{i}", PODS[kind]))
            cl.settle()
            cl.advance_to(tx.now_ms + 10_000)
        enabled = gc.isenabled()
        gc.collect()
        gc.disable()
        try:
            made.clear()
            with st.transaction() as tx:
                cl = Cluster(tx)
                cl.advance_to(tx.now_ms + 600_000)  # probes go dormant; the crash loop is fast-forwarded
                assert made, "the advance ran no pod worker"
                alive = [r for r in made if r() is not None]
                assert not alive, f"{len(alive)} of {len(made)} pod workers outlived their work"
        finally:
            if enabled:
                gc.enable()
    finally:
        st.close()

"""The virtual clock: the per-command tick, and advancing through the API."""

from __future__ import annotations

import pytest

from minikctl.kube.errors import ClientError
from minikctl.cluster import Cluster
from minikctl.cli.common import tick_ms
from minikctl.store.db import DEFAULT_EPOCH_MS, Store


@pytest.mark.parametrize("raw, ms", [("1s", 1000), ("0", 0), ("5", 5000), ("1m30s", 90_000), ("250ms", 250)])
def test_tick_values(raw, ms):
    assert tick_ms(raw) == ms


def test_tick_from_environment(monkeypatch):
    monkeypatch.setenv("MINIKCTL_TICK", "2s")
    assert tick_ms(None) == 2000
    monkeypatch.delenv("MINIKCTL_TICK")
    assert tick_ms(None) == 1000


@pytest.mark.parametrize("raw", ["abc", "-1s"])
def test_bad_ticks(raw):
    with pytest.raises(ClientError):
        tick_ms(raw)


def test_tick_then_settle_moves_time_and_runs_the_engine(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        cluster = Cluster(tx)
        cluster.tick(1000)
        assert tx.now_ms == DEFAULT_EPOCH_MS + 1000
        cluster.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                    "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "60"]}]}})
        cluster.settle()
        assert tx.get("Pod", "default", "p")["spec"]["nodeName"] == "node1"  # scheduled at once
        cluster.advance_to(tx.now_ms + 90_000)
        pod = tx.get("Pod", "default", "p")
        assert pod["status"]["containerStatuses"][0]["restartCount"] == 1  # slept 60 s, exited, restarted
        assert tx.now_ms == DEFAULT_EPOCH_MS + 91_000

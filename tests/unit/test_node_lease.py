"""coordination.k8s.io/v1 Lease and the kubelet's node lease.

The kubelet's node lease controller (k8s.io/component-helpers/apimachinery/lease/controller.go ``newLease``, the
kubelet's ``setNodeOwnerFunc``) creates ``kube-node-lease/<node>`` when the node registers: holderIdentity the
node's name, leaseDurationSeconds 40, no acquireTime, owned by the Node; it renews every 10 s (a quarter of the
duration). minikctl computes the renewals on read (api/registry/lease.py ``present``). The printed columns are
printLease's (pkg/printers/internalversion/printers.go, v1.32): NAME HOLDER AGE.
"""

from __future__ import annotations

from minikctl.api.registry import lease
from minikctl.cluster import Cluster
from minikctl.kube.kinds import LEASE, NODE, resolve
from minikctl.kube.timefmt import parse_rfc3339
from minikctl.store.db import open_store


def _lease(renew: str = "2026-01-01T00:00:00.000000Z", **meta) -> dict:
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": "node1", "namespace": "kube-node-lease", "creationTimestamp": "2026-01-01T00:00:00Z",
                         "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": "node1", "uid": "u"}],
                         **meta},
            "spec": {"holderIdentity": "node1", "leaseDurationSeconds": 40, "renewTime": renew}}


T0 = parse_rfc3339("2026-01-01T00:00:00Z")


def test_kind_row():
    assert resolve("leases") is LEASE and resolve("lease") is LEASE and resolve("leases.coordination.k8s.io") is LEASE
    assert LEASE.short == () and LEASE.namespaced and LEASE.api_version == "coordination.k8s.io/v1"
    assert lease.COLUMNS == ["NAME", "HOLDER", "AGE"]
    assert lease.row(_lease(), T0 + 90_000, False) == ["node1", "node1", "90s"]
    unheld = _lease()
    del unheld["spec"]["holderIdentity"]
    assert lease.row(unheld, T0, True) == ["node1", "", "0s"]


def test_renewals_every_ten_seconds_on_read():
    stored = _lease()
    assert lease.present(stored, T0 + 9_999) is stored
    assert lease.present(stored, T0 + 10_000)["spec"]["renewTime"] == "2026-01-01T00:00:10.000000Z"
    assert lease.present(stored, T0 + 3_600_000 + 9_999)["spec"]["renewTime"] == "2026-01-01T01:00:00.000000Z"
    assert stored["spec"]["renewTime"] == "2026-01-01T00:00:00.000000Z"  # the stored object is left alone


def test_only_a_kubelet_held_node_lease_is_renewed():
    other_ns = _lease(namespace="default")
    assert lease.present(other_ns, T0 + 60_000) is other_ns
    not_owned = _lease(ownerReferences=[])
    assert lease.present(not_owned, T0 + 60_000) is not_owned
    released = _lease()
    released["spec"]["holderIdentity"] = "someone-else"
    assert lease.present(released, T0 + 60_000) is released


def test_node_leases_from_registration(tmp_path):
    st = open_store(str(tmp_path / "s.db"))
    with st.transaction() as tx:
        cluster = Cluster(tx)
        api = cluster.api
        node1 = api.get(NODE, "", "node1")
        got = api.get(LEASE, "kube-node-lease", "node1")
        assert got["spec"] == {"holderIdentity": "node1", "leaseDurationSeconds": 40,
                               "renewTime": "2026-01-01T00:00:00.000000Z"}
        assert got["metadata"]["ownerReferences"] == [{"apiVersion": "v1", "kind": "Node", "name": "node1",
                                                       "uid": node1["metadata"]["uid"]}]
        api.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node2"}})
        cluster.advance_to(tx.now_ms + 25_000)
        leases = api.list(LEASE, None)
        assert [(o["metadata"]["name"], o["spec"]["renewTime"]) for o in leases] == [
            ("node1", "2026-01-01T00:00:20.000000Z"), ("node2", "2026-01-01T00:00:20.000000Z")]
        assert api.find(LEASE, "kube-node-lease", "node2")["spec"]["holderIdentity"] == "node2"
    st.close()

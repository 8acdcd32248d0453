"""A snapshot read that stores its clock move leaves the connection waiting for a busy store again: minikctl serve
keeps one connection for many requests, and a busy_timeout left at 0 made later ones fail with "database is
locked" whenever another command held the file."""
from minikctl.cluster import Cluster
from minikctl.store.db import BUSY_TIMEOUT_MS, Store


def test_end_snapshot_restores_the_busy_timeout(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    with store.transaction() as tx:
        Cluster(tx).settle()
    tx = store.read_snapshot(1000)
    assert tx is not None
    store.end_snapshot(tx)
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
    store.close()

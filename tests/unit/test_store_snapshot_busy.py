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


def test_a_read_transaction_leaves_expired_events_to_the_next_writer(tmp_path):
    """The event TTL's DELETE needs the write lock; a read transaction (serve's GET) cannot wait for it, so it
    must not try: with another connection writing, it used to fail with "database is locked"."""
    import sqlite3

    store = Store(str(tmp_path / "s.db"))
    with store.transaction() as tx:
        Cluster(tx).settle()
        tx.set_meta("event_ttl_ms", "1")  # every stored event is past its TTL
    writer = sqlite3.connect(str(tmp_path / "s.db"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        tx = store.read_snapshot(0)
        assert tx is not None and tx.read_only
        tx.flush_events()  # no DELETE attempted: nothing raised
        store.end_snapshot(tx)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    store.close()

"""CronJobs over a long ``clock advance``: one advance and the same span cut into many leave byte-identical stores.

``clock advance`` commits a long run in steps at quiet instants (docs/ARCHITECTURE.md, "Locks and failures"), and a
user may as well advance a minute at a time: every scheduled run (the Job, its pod started and finished, the Job
complete, the history limit deleting the oldest Job, the garbage collector its pod, the events) must then be what
one long run gives, down to the meta counters (revision, uid and name-suffix counters), the change log's rows, the
events' counts and times (the CronJob's "(combined from similar events)" ones, client-go's EventCorrelator) and
the runtime records. Any way of skipping scheduled runs in a long advance is held to these dumps.

The cases: a Job that succeeds (``successfulJobsHistoryLimit`` 3), one that fails (``failedJobsHistoryLimit`` 1,
``backoffLimit`` 0), and one that outlives its minute under ``concurrencyPolicy: Forbid`` (``JobAlreadyActive``),
over 90 virtual minutes, so that the first events have passed the event TTL (an hour, store/events.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from minikctl.cluster import Cluster
from minikctl.store.db import Store

SPAN_MS = 90 * 60_000


def _cronjob(name: str, script: str, **spec) -> dict:
    s = {"schedule": "* * * * *", "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
         "jobTemplate": {"spec": {"backoffLimit": 0, "template": {"spec": {
             "containers": [{"name": "c", "image": "busybox:1.28", "command": ["sh", "-c", script]}],
             "restartPolicy": "Never"}}}}}
    s.update(spec)
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name, "namespace": "default"},
            "spec": s}


CRONJOBS = (
    _cronjob("hello", "date; echo Hello from the Kubernetes cluster"),
    _cronjob("fails", "echo giving up; exit 3"),
    _cronjob("slow", "sleep 90; echo late", concurrencyPolicy="Forbid"),
)


def _world(home: Path, steps: list[int]) -> Store:
    """A new store with the CronJobs, then one transaction per span of ``steps`` (ms), as that many
    ``clock advance`` commands would."""
    home.mkdir(parents=True)
    st = Store(str(home / "store.db"))
    with st.transaction() as tx:
        cl = Cluster(tx)
        for cj in CRONJOBS:
            cl.api.create(cj)
        cl.settle()
    for span in steps:
        with st.transaction() as tx:
            Cluster(tx).advance_to(tx.now_ms + span)
    return st


def _dump(st: Store) -> list[str]:
    """Every row of every table (objects, printed rows, runtime records, events, the change log, logs, history,
    meta), in a fixed order."""
    conn = st.conn
    out = []
    tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    for table in tables:
        for row in sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr):
            out.append(f"{table} {row!r}")
    return out


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("cronjobs")
    cuts = {
        "one": [SPAN_MS],
        "minutes": [60_000] * (SPAN_MS // 60_000),
        # off the minute: the cuts fall between a Job's creation (100 ms after its minute) and its pod's end
        "uneven": [37 * 60_000 + 130, 20 * 60_000 + 7_000, SPAN_MS - 57 * 60_000 - 7_130],
    }
    homes = {}
    for name, steps in cuts.items():
        assert sum(steps) == SPAN_MS
        st = _world(base / name, steps)
        homes[name] = (base / name, _dump(st))
        st.close()
    return homes


@pytest.mark.parametrize("cut", ["minutes", "uneven"])
def test_cut_advance_leaves_the_same_store(worlds, cut):
    one, other = worlds["one"][1], worlds[cut][1]
    assert len(one) == len(other)
    for a, b in zip(one, other):
        assert a == b


def test_the_case_covers_what_it_should(worlds):
    rows = worlds["one"][1]
    text = "\n".join(rows)
    assert "JobAlreadyActive" in text  # Forbid skipped a schedule time
    assert '"BackoffLimitExceeded"' in text or "BackoffLimitExceeded" in text  # a Job failed
    assert "(combined from similar events)" in text  # the CronJobs' events aggregated
    jobs = [r for r in rows if r.startswith("objects ('Job'")]
    assert len(jobs) <= 3 + 1 + 3 + 1 + 1  # history limits hold (and at most one Forbid Job running)


def test_cli_reads_agree(worlds):
    from tests.conftest import Cli

    clis = {name: Cli(home) for name, (home, _rows) in worlds.items()}
    for args in (("get", "cronjobs,jobs,pods"), ("describe", "cronjob"), ("get", "events")):
        outs = {name: cli.ok(*args, tick="0") for name, cli in clis.items()}
        assert outs["one"] == outs["minutes"] == outs["uneven"], args
        assert outs["one"].strip()

"""The CronJob and Job controllers' status writes take the object as stored from what their sync read (the sync's
object with the status it had then) while the store still holds the text the sync decoded, rather than decoding
that text again (engine/controllers/cronjob.py and job.py ``read``, ``_write_status``; the Job's second write of a
sync from the text its first wrote). CronJobs of every concurrency policy, a failing
one with its history limit deleting Jobs, a suspended one, one whose name is a prefix of another's, a schedule
changed, a Job deleted by the user (MissingJob) and one created by the user with a CronJob's controller reference
(UnexpectedJob), run with it and with it switched off (MINIKCTL_NO_STAMP=1), leave stores equal table by table,
row by row; and the switch is what decides it: CronJobs and Jobs are taken as stored only with it on."""

from __future__ import annotations

import json

from tests.unit.test_stamp_golden import applied_and_advanced, dump


def _cronjob(name: str, *, policy: str = "Allow", command: str = "date", limit: int = 2,
             schedule: str = "* * * * *") -> str:
    return f"""---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {name}
spec:
  schedule: "{schedule}"
  concurrencyPolicy: {policy}
  successfulJobsHistoryLimit: {limit}
  failedJobsHistoryLimit: 1
  jobTemplate:
    spec:
      backoffLimit: 0
      template:
        spec:
          containers:
          - name: c
            image: busybox:1.28
            command: [/bin/sh, -c, "{command}"]
          restartPolicy: Never
"""


CRONJOBS = (_cronjob("cj") + _cronjob("cj-longer") + _cronjob("forbid", policy="Forbid", command="sleep 150")
            + _cronjob("replace", policy="Replace", command="sleep 100") + _cronjob("fails", command="exit 1", limit=1)
            + _cronjob("every-two", schedule="*/2 * * * *"))


def _run(tmp_path, monkeypatch, on: bool) -> tuple[list, int]:
    from minikctl.api import stamp
    from minikctl.cluster import Cluster
    from minikctl.store.db import Tx

    monkeypatch.setattr(stamp, "ENABLED", on)
    served = []
    real = Tx.get_with_body

    def get_with_body(self, kind, namespace, name, like=None, decode=None):
        if kind in ("CronJob", "Job") and decode is not None:
            inner = decode

            def decode(text):
                got = inner(text)
                served.append((kind, got is not None))
                return got
        return real(self, kind, namespace, name, like=like, decode=decode)

    monkeypatch.setattr(Tx, "get_with_body", get_with_body)
    path = tmp_path / ("on.db" if on else "off.db")
    store = applied_and_advanced(path, CRONJOBS, 185_000)
    with store.transaction() as tx:
        cl = Cluster(tx)
        cj = tx.get("CronJob", "default", "cj")
        new = json.loads(json.dumps(cj))
        new["spec"]["suspend"] = True
        cl.api.update(cj, new)
        two = tx.get("CronJob", "default", "every-two")
        new = json.loads(json.dumps(two))
        new["spec"]["schedule"] = "*/3 * * * *"
        cl.api.update(two, new)
        active = (tx.get("CronJob", "default", "forbid").get("status") or {}).get("active") or []
        assert active, "the Forbid CronJob's Job still runs"
        cl.api.delete(tx.get("Job", "default", active[0]["name"]), propagation="Background")
        owner = tx.get("CronJob", "default", "cj-longer")
        cl.api.create({"apiVersion": "batch/v1", "kind": "Job", "metadata": {
            "name": "by-hand", "namespace": "default", "ownerReferences": [{
                "apiVersion": "batch/v1", "kind": "CronJob", "name": "cj-longer", "uid": owner["metadata"]["uid"],
                "controller": True, "blockOwnerDeletion": True}]},
            "spec": {"template": {"spec": {
                "containers": [{"name": "c", "image": "busybox", "command": ["sleep", "500"]}],
                "restartPolicy": "Never"}}}})
        cl.settle()
    with store.transaction() as tx:
        Cluster(tx).advance_to(tx.now_ms + 245_000)
    store.close()
    return dump(path), served


def test_cronjob_status_writes_from_what_the_sync_read(tmp_path, monkeypatch):
    on, served_on = _run(tmp_path, monkeypatch, True)
    monkeypatch.undo()
    off, served_off = _run(tmp_path, monkeypatch, False)
    assert len(on) == len(off)
    for a, b in zip(on, off):
        assert a == b
    # the comparison is not empty: with the switch on, status writes took the CronJob as the sync read it
    assert served_on.count(("CronJob", True)) >= 20
    assert served_on.count(("Job", True)) >= 20
    assert served_off == []
    events = " ".join(line for line in on if line.startswith("events "))
    for reason in ("SawCompletedJob", "SuccessfulDelete", "MissingJob", "UnexpectedJob"):
        assert reason in events, reason

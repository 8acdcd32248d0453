"""A workload's created spec FieldsV1 kept by its spec with its label values blanked (api/fieldmanager.py
``_labels_masked``: a Job's selector and template labels hold its name and uid, a ReplicaSet's its template's hash)
is the set worked out for each spec alone: CronJobs whose pod templates differ in their label values only (one of
them an empty string), a CronJob with a label more, Deployments (their ReplicaSets) and a Job of a manual selector,
run for four minutes with the masking and with it switched off (``fieldmanager.LABELS_MASKED``, as
MINIKCTL_NO_SPEC_LABELS_MASKED=1 clears it), leave stores equal row by row; with it, the Jobs' sets are worked out
once per shape rather than once per Job."""

from __future__ import annotations

from tests.unit.test_stamp_golden import applied_and_advanced, dump


def _cronjob(name: str, labels: str) -> str:
    return f"""---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {name}
spec:
  schedule: "* * * * *"
  successfulJobsHistoryLimit: 2
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {labels}
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            command: [/bin/sh, -c, date]
          restartPolicy: OnFailure
"""


def _deployment(name: str, app: str) -> str:
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 1
  selector:
    matchLabels: {{app: {app}}}
  template:
    metadata:
      labels: {{app: {app}}}
    spec:
      containers:
      - name: c
        image: busybox
"""


MANIFEST = "".join(_cronjob(f"cj{i}", f"{{tier: t{i}}}") for i in range(3)) + _cronjob("blank", '{tier: ""}') + \
    _cronjob("more", "{tier: t0, extra: x}") + _deployment("d0", "a") + _deployment("d1", "b") + """---
apiVersion: batch/v1
kind: Job
metadata:
  name: manual
spec:
  manualSelector: true
  selector:
    matchLabels: {own: manual}
  template:
    metadata:
      labels: {own: manual}
    spec:
      containers: [{name: c, image: busybox, command: [sleep, "1"]}]
      restartPolicy: Never
"""


def _run(tmp_path, monkeypatch, masked: bool) -> tuple[list, int]:
    """The store after the manifest and four minutes, and how many workload specs' sets were worked out."""
    from minikctl.api import fieldmanager

    monkeypatch.setattr(fieldmanager, "LABELS_MASKED", masked)
    worked = []
    zero_fs = fieldmanager._zero_fs

    def counted(zero, new, schema, node):
        if isinstance(new, dict) and "template" in new and "selector" in new:
            worked.append(1)
        return zero_fs(zero, new, schema, node)

    monkeypatch.setattr(fieldmanager, "_zero_fs", counted)
    for sch in list(fieldmanager._schemas.values()):
        if isinstance(sch, fieldmanager.Schema):
            sch._created.clear()  # what an earlier test kept
    path = tmp_path / f"masked-{masked}.db"
    store = applied_and_advanced(path, MANIFEST, 4 * 60_000 + 30_000)
    store.close()
    monkeypatch.undo()
    return dump(path), len(worked)


def test_specs_kept_by_their_masked_labels_store_what_each_alone_stores(tmp_path, monkeypatch):
    on, worked_on = _run(tmp_path, monkeypatch, True)
    off, worked_off = _run(tmp_path, monkeypatch, False)
    assert on == off
    # the 20 Jobs of the CronJobs (five a minute) and the manual Job each worked out alone without the masking; with
    # it, the Jobs of one shape share a set (four of the five CronJobs' are alike, the fifth has a label more)
    assert worked_off >= 21 and worked_on <= 4, (worked_on, worked_off)
    assert any('"tier":""' in line for line in on if line.startswith("objects ('Job'"))

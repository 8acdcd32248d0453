"""A Job's pods stamped from one template across Jobs (api/stamp.py ``owner_tokens``: the pods of Jobs that differ
by their Job's name and uid alone) are what admitting each of them gives. CronJobs every minute in two namespaces,
a Job of a generateName, an Indexed Job (deleted with its pods orphaned while they run: the Job controller takes
their finalizers off, engine/controllers/job.py ``_untracked``), a Job of three pods at once, Jobs whose pods fit
nowhere, run with stamping and with it switched off
(MINIKCTL_NO_STAMP=1), with the default ServiceAccount changed between runs (its pull secrets go into the pods
admission makes) and a Namespace added, leave stores equal table by table, row by row, and print the same lines
with the same exit codes. In one transaction too, with the ServiceAccount changed between two minutes' pods (the
templates no longer hold: ``Tx.admission_writes``)."""

from __future__ import annotations

import json

from tests.conftest import Cli
from tests.unit.test_stamp_golden import count_stamped, dump


def _cronjob(name: str, namespace: str = "default", schedule: str = "* * * * *", image: str = "busybox:1.28") -> str:
    return f"""---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {name}
  namespace: {namespace}
spec:
  schedule: "{schedule}"
  successfulJobsHistoryLimit: 2
  failedJobsHistoryLimit: 1
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: {image}
            command: [/bin/sh, -c, date]
          restartPolicy: OnFailure
"""


CRONJOBS = "".join(_cronjob(f"cj{i}") for i in range(4)) + _cronjob("longer-name-cj") + \
    _cronjob("other-image", image="busybox:1.36") + """---
apiVersion: v1
kind: Namespace
metadata:
  name: away
""" + _cronjob("cj0", "away") + _cronjob("cj1", "away")

JOBS = """---
apiVersion: batch/v1
kind: Job
metadata:
  generateName: gen-
spec:
  template:
    spec:
      containers: [{name: c, image: busybox, command: [sleep, "1"]}]
      restartPolicy: Never
---
apiVersion: batch/v1
kind: Job
metadata:
  name: indexed
spec:
  completionMode: Indexed
  completions: 3
  parallelism: 3
  template:
    spec:
      containers: [{name: c, image: busybox, command: [sleep, "1"]}]
      restartPolicy: Never
---
apiVersion: batch/v1
kind: Job
metadata:
  name: three
spec:
  completions: 3
  parallelism: 3
  template:
    spec:
      containers: [{name: c, image: busybox, command: [sleep, "1"]}]
      restartPolicy: Never
"""


def _nowhere(name: str, parallelism: int) -> str:
    """A Job whose pods fit on no node (the scheduler's status write of each, and its printed row)."""
    return f"""---
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
  completions: {parallelism}
  parallelism: {parallelism}
  template:
    spec:
      nodeSelector: {{disk: none}}
      containers: [{{name: c, image: busybox, command: [sleep, "1"]}}]
      restartPolicy: Never
"""


# four pods of one Job (a template checked with its own pods), then Jobs of the same template
NOWHERE = _nowhere("pp", 4) + _nowhere("qq", 1) + _nowhere("rr", 1) + _nowhere("ss", 1)

LATER = """---
apiVersion: v1
kind: Namespace
metadata:
  name: later
""" + _cronjob("cj0", "later") + _cronjob("cj1", "later")


def _session(cli: Cli, manifest, stamp: bool) -> list:
    cronjobs, jobs, later = manifest(CRONJOBS, "cj.yaml"), manifest(JOBS, "jobs.yaml"), manifest(LATER, "later.yaml")
    nowhere = manifest(NOWHERE, "nowhere.yaml")
    env = {} if stamp else {"MINIKCTL_NO_STAMP": "1"}
    seen = []
    for args in (["apply", "-f", cronjobs], ["clock", "advance", "3m"], ["create", "-f", jobs],
                 ["delete", "job", "indexed", "--cascade=orphan"],  # its running pods orphaned: finalizers taken off
                 ["patch", "serviceaccount", "default", "-p", '{"imagePullSecrets":[{"name":"pull"}]}'],
                 ["clock", "advance", "2m"], ["apply", "-f", later], ["clock", "advance", "3m"],
                 ["create", "-f", nowhere], ["get", "pods", "--show-labels"],
                 ["get", "pods", "-A", "-o", "wide"], ["get", "jobs", "-A"], ["get", "events", "-A"]):
        done = cli(*args, env=env)
        seen.append((args, done.returncode, done.stdout, done.stderr))
    return seen + dump(cli.home / "store.db")


def test_job_pods_stamped_store_what_admission_gives(tmp_path, manifest):
    stamped = _session(Cli(tmp_path / "stamped"), manifest, True)
    general = _session(Cli(tmp_path / "general"), manifest, False)
    assert len(stamped) == len(general)
    for a, b in zip(stamped, general):
        assert a == b
    assert any("pull" in line for line in stamped if isinstance(line, str) and line.startswith("objects "))


def _advance_with_a_changed_account(tmp_path, monkeypatch, stamp_on: bool) -> tuple[list, list]:
    """Four minutes of CronJobs in one transaction, the default ServiceAccount patched after the second; the
    store and the names ``Api._stamped`` made."""
    from minikctl.api import stamp
    from minikctl.cluster import Cluster
    from minikctl.api.manifests import parse_documents
    from minikctl.store.db import Store

    monkeypatch.setattr(stamp, "ENABLED", stamp_on)
    made = count_stamped(monkeypatch)
    store = Store(tmp_path / ("on.db" if stamp_on else "off.db"))
    with store.transaction() as tx:
        cl = Cluster(tx)
        for doc in parse_documents(CRONJOBS, "cj.yaml"):
            cl.api.create(doc)
        cl.settle()
    with store.transaction() as tx:
        cl = Cluster(tx)
        cl.advance_to(tx.now_ms + 120_000)
        sa = tx.get("ServiceAccount", "default", "default")
        new = json.loads(json.dumps(sa))
        new["imagePullSecrets"] = [{"name": "pull"}]
        cl.api.update(sa, new)
        cl.advance_to(tx.now_ms + 150_000)
    store.close()
    return dump(tmp_path / ("on.db" if stamp_on else "off.db")), list(made)


def test_a_changed_account_in_the_transaction_is_admitted_again(tmp_path, monkeypatch):
    on, made = _advance_with_a_changed_account(tmp_path, monkeypatch, True)
    off, none = _advance_with_a_changed_account(tmp_path, monkeypatch, False)
    assert none == []
    assert on == off
    # the comparison is not empty: of the four CronJobs of one shape, the pods of the first two each minute are
    # admitted (a template made, then checked), the other two stamped, before and after the ServiceAccount changed;
    # the pods made after it carry its pull secret
    minutes = sorted({n.split("-")[1] for n in made})
    assert len(minutes) == 4 and sorted(n.rpartition("-")[0] for n in made) == sorted(
        f"cj{i}-{m}" for i in (2, 3) for m in minutes)
    assert any('"imagePullSecrets":[{"name":"pull"}]' in line for line in on if line.startswith("objects ('Pod'"))


def _job_pod(job: str, uid: str) -> dict:
    """A pod request as the Job controller makes it (engine/controllers/job.py, base.py ``pod_from_template``)."""
    labels = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": job, "controller-uid": uid,
              "job-name": job}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"generateName": f"{job}-", "namespace": "default", "labels": labels,
                         "finalizers": ["batch.kubernetes.io/job-tracking"],
                         "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": job, "uid": uid,
                                              "controller": True, "blockOwnerDeletion": True}]},
            "spec": {"containers": [{"name": "c", "image": "busybox", "imagePullPolicy": "Always",
                                     "terminationMessagePath": "/dev/termination-log",
                                     "terminationMessagePolicy": "File", "resources": {}}],
                     "restartPolicy": "Never", "dnsPolicy": "ClusterFirst", "securityContext": {},
                     "terminationGracePeriodSeconds": 30, "schedulerName": "default-scheduler"}}


def _pods_at_one_instant(tmp_path, monkeypatch, stamp_on: bool, change) -> tuple[list, list]:
    """Pods of eight Jobs created at one instant by the Job controller's writer, ``change(api)`` made after the
    fourth (a write admission reads, or not); the store and the names ``Api._stamped`` made."""
    from minikctl.api import stamp
    from minikctl.cluster import Cluster
    from minikctl.store.db import Store

    monkeypatch.setattr(stamp, "ENABLED", stamp_on)
    made = count_stamped(monkeypatch)
    path = tmp_path / f"{change.__name__}-{stamp_on}.db"
    store = Store(path)
    with store.transaction() as tx:
        cl = Cluster(tx)
        cl.settle()
    with store.transaction() as tx:
        cl = Cluster(tx)
        api = cl.api.as_writer("job-controller")
        for i in range(8):
            if i == 4:
                change(cl.api)
            api.create(_job_pod(f"job-{i}", f"0000000{i}-1111-4222-8333-444444444444"))
    store.close()
    return dump(path), list(made)


def _pull_secret(api) -> None:
    sa = api.tx.get("ServiceAccount", "default", "default")
    new = json.loads(json.dumps(sa))
    new["imagePullSecrets"] = [{"name": "pull"}]
    api.update(sa, new)


def _config_map(api) -> None:
    api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "default"}})


def test_a_write_admission_reads_ends_the_templates_and_others_do_not(tmp_path, monkeypatch):
    for change, stamped in ((_pull_secret, ["job-2", "job-3", "job-6", "job-7"]),
                            (_config_map, ["job-2", "job-3", "job-4", "job-5", "job-6", "job-7"])):
        on, made = _pods_at_one_instant(tmp_path, monkeypatch, True, change)
        off, none = _pods_at_one_instant(tmp_path, monkeypatch, False, change)
        assert none == [] and on == off
        assert [n.rpartition("-")[0] for n in made] == stamped
        pods = [line for line in on if line.startswith("objects ('Pod'")]
        assert len(pods) == 8 and sum('"imagePullSecrets":[{"name":"pull"}]' in p for p in pods) == (
            4 if change is _pull_secret else 0)

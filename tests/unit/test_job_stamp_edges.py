"""Job pods stamped across Jobs (api/stamp.py ``owner_tokens``) in the cases where the owner's name and uid could be
taken for something else: each scenario creates Job-owned pod requests one after another in one transaction, as
the Job controller's writer does, and is run with stamping and with it switched off (``stamp.ENABLED``, as
MINIKCTL_NO_STAMP=1 clears it); the stores must be equal row by row and each create must give the same answer
(the object's name or the error's text). The scenarios: a Job recreated with its name and a new uid between two
pods, Job names beyond 57 characters (the generateName cut at 58: the owner's name no longer whole in the pod's
name), names that are prefixes of each other, the Job's name also in a container's command or in a template label
of another key, its uid in a label of another key, one template's pods in two namespaces, pods created by a user
(no writer) that name a Job as their controller, dry-run creates between, the ServiceAccount or the Namespace
deleted (the next pods refused), a Namespace's labels changed between two pods, and a generated name taken by
another pod after the template was made (that pod refused)."""

from __future__ import annotations

import json

import pytest

from tests.unit.test_stamp_golden import applied_and_advanced, count_stamped, dump, run_steps, same_both_ways


def _uid(i: int) -> str:
    return f"{i:08x}-1111-4222-8333-444444444444"


def job_pod(job: str, uid: str, namespace: str = "default", labels: dict | None = None,
            command: list | None = None) -> dict:
    """A pod request as the Job controller makes it (engine/controllers/job.py, base.py ``pod_from_template``)."""
    own = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": job, "controller-uid": uid,
           "job-name": job}
    container = {"name": "c", "image": "busybox", "imagePullPolicy": "Always",
                 "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                 "resources": {}}
    if command is not None:
        container["command"] = command
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"generateName": f"{job}-", "namespace": namespace, "labels": {**(labels or {}), **own},
                         "finalizers": ["batch.kubernetes.io/job-tracking"],
                         "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": job, "uid": uid,
                                              "controller": True, "blockOwnerDeletion": True}]},
            "spec": {"containers": [container], "restartPolicy": "Never", "dnsPolicy": "ClusterFirst",
                     "securityContext": {}, "terminationGracePeriodSeconds": 30,
                     "schedulerName": "default-scheduler"}}


def _run(tmp_path, monkeypatch, label: str, stamp_on: bool, steps) -> tuple[list, list, list]:
    return run_steps(tmp_path, monkeypatch, label, stamp_on, steps, writer="job-controller", by_writer="pod",
                     namespaces=("away",), made_by=count_stamped)


def _same(tmp_path, monkeypatch, label: str, steps) -> tuple[list, list]:
    return same_both_ways(_run, tmp_path, monkeypatch, label, steps)


def _jobs(names, namespace: str = "default", first: int = 0, **kw) -> list:
    return [("pod", job_pod(n, _uid(first + i), namespace, **kw)) for i, n in enumerate(names)]


def test_a_job_recreated_with_its_name_and_a_new_uid(tmp_path, monkeypatch):
    # job-a twice more with new uids, then job-b again with its first uid
    steps = _jobs(["job-a", "job-b", "job-c"]) + [("pod", job_pod(n, _uid(u))) for n, u in
                                                  (("job-a", 10), ("job-a", 11), ("job-b", 1), ("job-d", 3))]
    made, answers = _same(tmp_path, monkeypatch, "recreated", steps)
    assert len(made) >= 3, made


def test_job_names_beyond_the_generated_names_cut(tmp_path, monkeypatch):
    # the generateName (the Job's name and "-") cut at 58 characters: a CronJob of 52 characters makes Jobs of 61
    long = [f"{c * 52}-2900{i:04d}" for i, c in enumerate("abcde")]
    exact = [f"{c * 57}" for c in "fgh"]  # the generateName of 58 characters, whole
    steps = _jobs(long) + _jobs(exact, first=10)
    made, answers = _same(tmp_path, monkeypatch, "long", steps)
    assert len(made) == 4, made  # the first two of each length admitted, the rest stamped
    assert all(len(n) == 63 for n in made), made


def test_job_names_prefixes_of_each_other(tmp_path, monkeypatch):
    steps = _jobs(["run", "run-1", "run-12", "runs", "run-2", "run-123", "run-13", "rum"])
    _same(tmp_path, monkeypatch, "prefixes", steps)


def test_the_jobs_name_elsewhere_in_its_pods(tmp_path, monkeypatch):
    names = [f"job-{c}{c}" for c in "abcdef"]
    steps = []
    for i, n in enumerate(names):  # the Job's name in a command: keyed by the whole request (one key per Job)
        steps.append(("pod", job_pod(n, _uid(i), command=["echo", n])))
    for i, n in enumerate(names):  # in a label of another key (the template's own labels equal the Job's name)
        steps.append(("pod", job_pod(n, _uid(20 + i), labels={"app": n})))
    for i, n in enumerate(names):  # the uid in a label of another key
        steps.append(("pod", job_pod(n, _uid(40 + i), labels={"owner": _uid(40 + i)})))
    for i, n in enumerate(names):  # one constant label that is one Job's name
        steps.append(("pod", job_pod(n, _uid(60 + i), labels={"app": "job-cc"})))
    made, answers = _same(tmp_path, monkeypatch, "elsewhere", steps)
    assert len(made) >= 8, made


def test_one_template_in_two_namespaces_and_by_a_user(tmp_path, monkeypatch):
    names = [f"job-{c}{c}" for c in "abcdef"]
    steps = []
    for i, n in enumerate(names):
        steps.append(("pod", job_pod(n, _uid(i), "default" if i % 2 else "away")))
    for i, n in enumerate(names):
        steps.append(("user", job_pod(n, _uid(20 + i), "away")))
    made, answers = _same(tmp_path, monkeypatch, "namespaces", steps)
    # one of each namespace's three Jobs' pods stamped; of the user's six, four
    assert len(made) == 6, made


def test_dry_runs_between(tmp_path, monkeypatch):
    names = [f"job-{c}{c}" for c in "abcdef"]
    steps = []
    for i, n in enumerate(names):
        steps.append(("pod", job_pod(n, _uid(i))))
        steps.append(("dry", job_pod(n, _uid(30 + i))))
    made, answers = _same(tmp_path, monkeypatch, "dry", steps)
    assert len(made) >= 3, made


def _delete_account(cl) -> str:
    sa = cl.tx.get("ServiceAccount", "away", "default")
    cl.api.delete(sa)
    return "deleted"


def _label_namespace(cl) -> str:
    ns = cl.tx.get("Namespace", "", "away")
    new = json.loads(json.dumps(ns))
    new["metadata"]["labels"] = {**(new["metadata"].get("labels") or {}),
                                 "pod-security.kubernetes.io/enforce": "restricted"}
    cl.api.update(ns, new)
    return "labelled"


def _delete_namespace(cl) -> str:
    cl.api.delete(cl.tx.get("Namespace", "", "away"))
    return "terminating"


@pytest.mark.parametrize("change", [_delete_account, _label_namespace, _delete_namespace])
def test_an_account_deleted_or_a_namespace_labelled_or_deleted_between(tmp_path, monkeypatch, change):
    names = [f"job-{c}{c}" for c in "abcdefgh"]
    steps = _jobs(names[:4], "away")
    steps.append(("do", change))
    steps += _jobs(names[4:], "away", first=4)
    made, answers = _same(tmp_path, monkeypatch, change.__name__, steps)
    assert len(made) >= 2, made
    # a pod after its account is gone is refused (by a stamp too, were the template still used)
    refused = [a for a in answers[5:] if a.startswith("Forbidden")]
    assert len(refused) == (0 if change is _label_namespace else 4), answers


def _take_next_name(cl) -> str:
    """A pod named as the next generated name of Job ``job-dd``'s pod will be (no token volume: no suffix drawn)."""
    name = "job-dd-" + cl.tx.suffix_at(int(cl.tx.meta("counter:suffix") or "0") + 1)
    cl.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
                   "spec": {"automountServiceAccountToken": False, "containers": [{"name": "c", "image": "busybox"}]}})
    return name


def test_a_generated_name_taken_after_the_template_was_made(tmp_path, monkeypatch):
    names = [f"job-{c}{c}" for c in "abcdef"]
    steps = _jobs(names[:3]) + [("do", _take_next_name)] + _jobs(names[3:], first=3)
    made, answers = _same(tmp_path, monkeypatch, "taken", steps)
    assert answers[4].startswith("AlreadyExists") and answers[4].endswith(f'"{answers[3]}" already exists'), answers
    assert "job-cc" in made[0] and len(made) >= 2, made  # stamped before and after the refusal


def _long_cronjob(name: str, own: bool) -> str:
    """A CronJob of ``name`` (52 characters at most: its Jobs' names, with the minute, reach 61, and their pods'
    generateName is cut at 58) whose jobTemplate has labels of its own; ``own``: its pods carry its name (a prefix
    of each Job's) as a label and in an annotation (a template of its own), else a constant label."""
    labels = f"{{app: {name}}}" if own else "{app: long}"
    annotations = f"{{from: {name}}}" if own else "{from: cron}"
    return f"""---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {name}
spec:
  schedule: "* * * * *"
  successfulJobsHistoryLimit: 2
  jobTemplate:
    metadata:
      labels: {{team: a, cron: {name}}}
    spec:
      template:
        metadata:
          labels: {labels}
          annotations: {annotations}
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            command: [/bin/sh, -c, date]
          restartPolicy: OnFailure
"""


LONG_CRONJOBS = "".join(_long_cronjob(c * 52, False) for c in "abcd") + "".join(
    _long_cronjob(c * 49, True) for c in "efgh")


def _long_cronjobs_advanced(tmp_path, monkeypatch, stamp_on: bool) -> tuple[list, list]:
    from minikctl.api import stamp

    monkeypatch.setattr(stamp, "ENABLED", stamp_on)
    made = count_stamped(monkeypatch)
    path = tmp_path / f"long-cronjobs-{stamp_on}.db"
    store = applied_and_advanced(path, LONG_CRONJOBS, 4 * 60_000 + 30_000)
    store.close()
    monkeypatch.undo()
    return dump(path), list(made)


def test_cronjobs_of_long_names_with_their_name_in_their_pods(tmp_path, monkeypatch):
    on, made = _long_cronjobs_advanced(tmp_path, monkeypatch, True)
    off, none = _long_cronjobs_advanced(tmp_path, monkeypatch, False)
    assert none == []
    assert on == off
    # each minute, the pods of the four CronJobs of 52 characters share a template: two admitted, two stamped (their
    # names cut); those of the others, which carry their CronJob's name, are each a template of its own
    assert len(made) == 2 * 4 and all(len(n) == 63 and n[0] in "cd" for n in made), made


def _user_pod(name: str, account: str = "") -> str:
    sa = f"  serviceAccountName: {account}\n" if account else ""
    return f"""---
apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
{sa}  containers:
  - name: c
    image: busybox
    envFrom: [{{configMapRef: {{name: conf}}}}]
    volumeMounts: [{{name: s, mountPath: /s}}]
  volumes: [{{name: s, secret: {{secretName: creds}}}}]
"""


def _objects(i: int) -> str:
    return f"""---
apiVersion: v1
kind: ConfigMap
metadata:
  name: conf{i}
data: {{a: "{i}"}}
---
apiVersion: v1
kind: Secret
metadata:
  name: creds{i}
stringData: {{a: "{i}"}}
---
apiVersion: v1
kind: Service
metadata:
  name: svc{i}
spec:
  ports: [{{port: 80}}]
"""


# pods of one template among writes that admission does not read (a template holds through them) and a
# ServiceAccount that enforces mountable secrets, made between the pods that name it (a template ends there: the
# pods after it refused, the secret their volume names not being the account's)
STREAM = "".join(_user_pod(f"p{i}") + _objects(i) for i in range(4)) + "".join(
    _user_pod(f"r{i}", "restricted") for i in range(3)) + """---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: restricted
  annotations: {kubernetes.io/enforce-mountable-secrets: "true"}
""" + "".join(_user_pod(f"r{i}", "restricted") for i in range(3, 6)) + "".join(_user_pod(f"q{i}") for i in range(3))


def test_a_stream_of_pods_among_other_writes(tmp_path, manifest, monkeypatch, capsys):
    from minikctl.cli import app
    from tests.conftest import Cli

    seen = {}
    for stamp_on in (True, False):
        cli = Cli(tmp_path / f"stream-{stamp_on}")
        env = {} if stamp_on else {"MINIKCTL_NO_STAMP": "1"}
        out = []
        for args in (["create", "serviceaccount", "restricted"], ["apply", "-f", manifest(STREAM, "stream.yaml")],
                     ["get", "pods"]):
            done = cli(*args, env=env)
            out.append((args, done.returncode, done.stdout, done.stderr))
        seen[stamp_on] = out + dump(cli.home / "store.db")
    assert seen[True] == seen[False]
    assert "forbidden" in seen[True][1][3] and "p3" in seen[True][2][2], seen[True][:3]
    # not empty: the same commands in this process, the pods ``Api._stamped`` made
    made = count_stamped(monkeypatch)
    monkeypatch.setenv("MINIKCTL_HOME", str(tmp_path / "counted"))
    monkeypatch.delenv("MINIKCTL_STORE", raising=False)
    assert app._main(["create", "serviceaccount", "restricted"]) == 0
    assert app._main(["apply", "-f", manifest(STREAM, "stream.yaml")]) == 1
    capsys.readouterr()
    # p2 and p3 stamped through the ConfigMaps, Secrets and Services written before them; r2 and q2 each after two
    # pods of its template admitted (r3 to r5 refused once the account changed: no template of theirs holds)
    assert made == ["p2", "p3", "r2", "q2"], made

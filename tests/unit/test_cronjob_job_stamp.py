"""The Jobs a CronJob creates, stamped from one admitted Job (api/stamp.py ``job_key``, ``JobTemplate``), are what
admitting each of them gives. Each scenario is run with stamping and with it switched off (``stamp.ENABLED``, as
MINIKCTL_NO_STAMP=1 clears it); the stores must be equal row by row and each create must give the same answer
(the object's name or the error's text). Requests made one after another at one instant by the CronJob
controller's writer (``job_from_template``): CronJobs whose names are prefixes of one another, whose names are
also in what admission writes for every Job or in the request's constant parts, of two
jobTemplates interleaved, in a namespace named like one of them, a CronJob deleted and recreated with its name
(a new uid), Jobs created by a user between (one of them taking the name of a CronJob's next Job: that create
refused), dry-run creates, the Namespace deleted between two Jobs (the next ones refused). And the whole engine:
CronJobs of several templates every minute, a user's Job taking a scheduled name, a CronJob deleted and
recreated, over minutes in one transaction (tests/unit/test_job_stamp_golden.py runs CronJobs over several
commands)."""

from __future__ import annotations

from tests.unit.test_stamp_golden import dump, run_steps, same_both_ways, spy

MINUTE = 29_000_000 * 60_000  # a scheduled minute (ms since the epoch)


def _uid(i: int) -> str:
    return f"{i:08x}-1111-4222-8333-444444444444"


def cronjob(name: str, uid: str, namespace: str = "default", command: str = "date", image: str = "busybox:1.28"
            ) -> dict:
    return {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": name, "namespace": namespace, "uid": uid},
            "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {
                "containers": [{"name": "hello", "image": image, "command": ["/bin/sh", "-c", command]}],
                "restartPolicy": "OnFailure"}}}}}}


def job_request(name: str, uid: int, namespace: str = "default", **kw) -> dict:
    """A Job request as the CronJob controller makes it (engine/controllers/cronjob.py ``job_from_template``)."""
    from minikctl.engine.controllers.cronjob import job_from_template

    return job_from_template(cronjob(name, _uid(uid), namespace, **kw), MINUTE)


def count_job_stamps(monkeypatch) -> list:
    """The names of the Jobs ``Api._job_stamped`` makes, in order, from now on in this test."""
    from minikctl.api.server import Api

    return spy(monkeypatch, Api, "_job_stamped",
               lambda got, self, template, sent, owner: None if got is None else got["metadata"]["name"])


def _run(tmp_path, monkeypatch, label: str, stamp_on: bool, steps) -> tuple[list, list, list]:
    return run_steps(tmp_path, monkeypatch, label, stamp_on, steps, writer="cronjob-controller", by_writer="job",
                     namespaces=("away", "cj1", "n1", "n2"), made_by=count_job_stamps)


def _same(tmp_path, monkeypatch, label: str, steps) -> tuple[list, list]:
    return same_both_ways(_run, tmp_path, monkeypatch, label, steps)


def _jobs(names, namespace: str = "default", first: int = 0, **kw) -> list:
    return [("job", job_request(n, first + i, namespace, **kw)) for i, n in enumerate(names)]


def test_the_jobs_of_one_template_are_stamped(tmp_path, monkeypatch):
    # the first admitted (a template made), the second admitted and checked, the rest stamped
    made, answers = _same(tmp_path, monkeypatch, "plain", _jobs([f"cj{i:03d}" for i in range(6)]))
    assert made == [f"cj{i:03d}-29000000" for i in range(2, 6)], made


def test_cronjob_names_prefixes_of_each_other(tmp_path, monkeypatch):
    names = ["cj", "cj1", "cj10", "cj-1", "cj2", "cj11", "c", "cj100", "cj3", "cj12", "cj-2", "cj4"]
    made, answers = _same(tmp_path, monkeypatch, "prefixes", _jobs(names))
    assert made, made


def test_cronjob_names_in_what_admission_writes(tmp_path, monkeypatch):
    # names found in no request but in what admission writes for every Job (the default terminationMessagePath
    # "/dev/termination-log", the field manager "kube-controller-manager"): the first one's template marks them
    # there too, the second one's stamp differs from its admission, and the key is given up; names in the requests
    # themselves (the container's name, the image, the annotation's key and time) make keys of their own
    names = ["dev", "log", "abc", "abd", "manager", "managex", "managey", "hello", "busybox", "2001", "batch", "v1",
             "cronjob", "kube"]
    made, answers = _same(tmp_path, monkeypatch, "constants", _jobs(names))
    assert made == [], made


def test_two_templates_interleaved_and_a_namespace_named_like_a_cronjob(tmp_path, monkeypatch):
    steps = []
    for i in range(8):
        steps += _jobs([f"aa{i}"], first=i, command="date") + _jobs([f"bb{i}"], first=20 + i, command="echo hi")
    # a CronJob named like the namespace it is in: not keyed; those whose names hold the namespace's are
    steps += _jobs(["cj1", "cj1x", "cj1y", "cj1z"], namespace="cj1", first=40)
    steps += _jobs(["cc1", "cc2", "cc3"], namespace="cj1", first=50)
    # CronJobs each named like its namespace, the third namespace absent: its Job refused, never stamped
    steps += [("job", job_request(n, 60 + i, n)) for i, n in enumerate(("n1", "n2", "n3"))]
    made, answers = _same(tmp_path, monkeypatch, "templates", steps)
    assert answers[-1].startswith("NotFound"), answers
    assert sorted(made) == sorted([f"aa{i}-29000000" for i in range(2, 8)] + [f"bb{i}-29000000" for i in range(2, 8)]
                                  + ["cj1z-29000000", "cc3-29000000"]), made


def test_a_cronjob_recreated_users_jobs_and_a_refused_create(tmp_path, monkeypatch):
    user = job_request("cj005", 99)
    user["metadata"].pop("ownerReferences")
    steps = _jobs(["cj000", "cj001", "cj002"])
    steps += [("job", job_request("cj001", 101))]  # recreated: its name, a new uid (the name of its Job taken)
    steps += [("job", job_request("cj003", 102))]
    steps += [("user", user)]  # a user's Job taking the name of cj005's next Job
    steps += [("user", job_request("cj004", 4))]  # a user's create of what the CronJob would create
    steps += [("job", job_request("cj004", 4)), ("job", job_request("cj005", 5)), ("job", job_request("cj006", 6))]
    steps += [("dry", job_request("cj007", 7)), ("job", job_request("cj007", 7))]
    steps += [("do", lambda cl: cl.api.delete(cl.tx.get("Job", "default", "cj000-29000000"))),
              ("job", job_request("cj000", 200))]  # recreated after its Job was deleted: stamped with the new uid
    made, answers = _same(tmp_path, monkeypatch, "recreated", steps)
    assert answers[3].startswith("AlreadyExists") and answers[7].startswith("AlreadyExists"), answers
    assert answers[8].startswith("AlreadyExists"), answers
    assert "cj000-29000000" in made and "cj003-29000000" in made and "cj006-29000000" in made, made


def test_the_namespace_deleted_between_two_jobs(tmp_path, monkeypatch):
    def delete_namespace(cl):
        cl.api.delete(cl.tx.get("Namespace", "", "away"))
        return "deleted"

    steps = _jobs(["cj000", "cj001", "cj002", "cj003"], namespace="away") + [("do", delete_namespace)] \
        + _jobs(["cj004", "cj005"], namespace="away", first=4)
    made, answers = _same(tmp_path, monkeypatch, "namespace", steps)
    assert made == ["cj002-29000000", "cj003-29000000"], made
    assert all("forbidden" in a or "not found" in a for a in answers[-2:]), answers


# ---- the whole engine ------------------------------------------------------------------------------------------
def _engine_cronjob(name: str, namespace: str = "default", command: str = "date") -> dict:
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name, "namespace": namespace},
            "spec": {"schedule": "* * * * *", "successfulJobsHistoryLimit": 2, "failedJobsHistoryLimit": 1,
                     "jobTemplate": {"spec": {"template": {"spec": {
                         "containers": [{"name": "hello", "image": "busybox:1.28",
                                         "command": ["/bin/sh", "-c", command]}],
                         "restartPolicy": "OnFailure"}}}}}}


def _engine(tmp_path, monkeypatch, stamp_on: bool) -> tuple[list, list]:
    from minikctl.api import stamp
    from minikctl.cluster import Cluster
    from minikctl.store.db import Store

    monkeypatch.setattr(stamp, "ENABLED", stamp_on)
    made = count_job_stamps(monkeypatch)
    path = tmp_path / f"engine-{stamp_on}.db"
    store = Store(path)
    with store.transaction() as tx:
        cl = Cluster(tx)
        cl.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "away"}})
        for name in ("cj", "cj1", "cj2", "cj3", "cj10", "cj11", "cj12"):
            cl.api.create(_engine_cronjob(name))
        for name in ("ee1", "ee2", "ee3", "ee4"):
            cl.api.create(_engine_cronjob(name, command="exit 1"))
        for name in ("cj1", "cj2", "cj3", "away"):
            cl.api.create(_engine_cronjob(name, "away"))
        cl.settle()

    def steps(cl, tx):
        cl.advance_to(tx.now_ms + 150_000)
        # a user's Job taking the name of cj2's next Job (its create refused), and one between runs
        nxt = (tx.now_ms // 60_000 + 1) * 60_000
        cl.api.create({"apiVersion": "batch/v1", "kind": "Job",
                       "metadata": {"name": f"cj2-{nxt // 60_000}", "namespace": "default"},
                       "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}],
                                                      "restartPolicy": "Never"}}}})
        yield
        cl.advance_to(tx.now_ms + 90_000)
        cj = tx.get("CronJob", "default", "cj11")
        cl.api.delete(cj)
        cl.settle()
        cl.api.create(_engine_cronjob("cj11"))  # recreated: its name, a new uid
        yield
        cl.advance_to(tx.now_ms + 180_000)

    with store.transaction() as tx:
        cl = Cluster(tx)
        for _ in steps(cl, tx):
            pass
    store.close()
    monkeypatch.undo()
    return dump(path), list(made)


def test_cronjobs_every_minute_in_the_engine(tmp_path, monkeypatch):
    on, made = _engine(tmp_path, monkeypatch, True)
    off, none = _engine(tmp_path, monkeypatch, False)
    assert none == []
    assert on == off
    # the comparison is not empty: each minute, of the CronJobs of one template and names of one length, the
    # Jobs after the first two are stamped
    assert len(made) >= 10, made
    assert any(n.startswith("cj12-") for n in made) and not any(n.startswith("cj-") for n in made), made


def test_a_cronjob_name_that_admission_reads_in_the_image_tag(tmp_path, monkeypatch):
    # the image's tag is the CronJob's name: defaulting reads it (imagePullPolicy Always for ":latest",
    # pkg/apis/core/v1/defaults.go SetDefaults_Container), so the Job of the CronJob named "latest" is not the
    # others' with the names exchanged
    names = ["cjob01", "cjob02", "cjob03", "latest", "cjob04"]
    steps = [("job", job_request(n, i, image=f"registry.local/app:{n}")) for i, n in enumerate(names)]
    made, answers = _same(tmp_path, monkeypatch, "tag", steps)
    assert made == [], made  # the name elsewhere than in the Job's name and owner reference: not keyed


def test_a_cronjob_name_that_validation_reads_as_a_port_name(tmp_path, monkeypatch):
    # a container port named like the CronJob: an IANA service name must hold a letter
    # (k8s.io/apimachinery/pkg/util/validation IsValidPortName), which a DNS label need not, so the Job of the
    # CronJob named "123" is refused where the others are admitted
    steps = []
    for i, n in enumerate(["cj1", "cj2", "cj3", "123", "cj4"]):
        request = job_request(n, i)
        container = request["spec"]["template"]["spec"]["containers"][0]
        container["ports"] = [{"name": n, "containerPort": 8080}]
        steps.append(("job", request))
    made, answers = _same(tmp_path, monkeypatch, "port", steps)
    assert answers[3].startswith("Invalid"), answers
    assert made == [], made


def test_job_names_at_and_past_the_label_value_limit(tmp_path, monkeypatch):
    # a Job's name is its pods' job-name label value, 63 characters at most: CronJobs named with 54 characters
    # make Jobs at the limit (stamped from the third on), with 55 past it (each refused, none stamped)
    at = [f"c{i:02d}" + "x" * 51 for i in range(4)]
    past = [f"d{i:02d}" + "x" * 52 for i in range(4)]
    made, answers = _same(tmp_path, monkeypatch, "limit", _jobs(at) + _jobs(past, first=10))
    assert made == [f"{n}-29000000" for n in at[2:]], made
    assert all(a.startswith("Invalid") for a in answers[4:]), answers

"""A stamped Job's stored text is put together from its template's text around the creation time and
resourceVersion the store sets (api/stamp.py ``JobTemplate.stamped``) rather than encoded from the object. The
scenarios of tests/unit/test_cronjob_job_stamp.py (Jobs of one template, of two interleaved, names prefixes of one
another, a CronJob recreated, users' Jobs between, a refused create, the namespace deleted between two Jobs; the
whole engine over minutes) run with it and with it switched off (MINIKCTL_NO_JOB_STAMP_TEXTS=1, stamping on both
times) leave stores equal row by row and give the same answers; and the switch is what decides it: the texts are
put together only with it on, and were checked against the encoder's."""

from __future__ import annotations

from tests.unit.test_cronjob_job_stamp import _engine, _jobs, _run, job_request
from tests.unit.test_stamp_golden import spy


def _texts(monkeypatch, on: bool) -> list:
    """Sets the switch; the stamps ``JobTemplate.stamped`` makes from now on: (with a text put together?)."""
    from minikctl.api import stamp

    monkeypatch.setattr(stamp, "JOB_TEXTS", on)
    return spy(monkeypatch, stamp.JobTemplate, "stamped",
               lambda got, self, uid, owner: (got[1] is not None, self.encoded.state))


def _same(tmp_path, monkeypatch, label: str, steps) -> list:
    texts_on = _texts(monkeypatch, True)
    on, answers_on, made_on = _run(tmp_path / "on", monkeypatch, label, True, steps)
    texts_off = _texts(monkeypatch, False)
    off, answers_off, made_off = _run(tmp_path / "off", monkeypatch, label, True, steps)
    monkeypatch.undo()
    assert answers_on == answers_off
    assert made_on == made_off
    assert on == off
    assert all(not put for put, _ in texts_off), texts_off
    return texts_on


def test_jobs_of_templates_interleaved_and_recreated(tmp_path, monkeypatch):
    for d in ("on", "off"):
        (tmp_path / d).mkdir()
    user = job_request("cj005", 99)
    user["metadata"].pop("ownerReferences")
    steps = []
    for i in range(6):
        steps += _jobs([f"aa{i}"], first=i, command="date") + _jobs([f"bb{i}"], first=20 + i, command="echo hi")
    steps += _jobs(["cj", "cj1", "cj10", "cj-1", "cj2", "cj11", "c", "cj100"], first=30)
    steps += _jobs(["cj000", "cj001", "cj002"], first=50)
    steps += [("job", job_request("cj001", 101)), ("job", job_request("cj003", 102)), ("user", user)]
    steps += [("job", job_request("cj004", 4)), ("job", job_request("cj005", 5)), ("job", job_request("cj006", 6))]
    steps += [("dry", job_request("cj007", 7)), ("job", job_request("cj007", 7))]
    steps += [("do", lambda cl: cl.api.delete(cl.tx.get("Job", "default", "cj000-29000000"))),
              ("job", job_request("cj000", 200))]
    texts = _same(tmp_path, monkeypatch, "mixed", steps)
    # the comparison is not empty: stamps' texts put together, the first of each template checked against the
    # encoder's (its check's state 0 as it is made, 1 from then on: the same text), none given up (-1)
    assert sum(1 for put, _ in texts if put) >= 10, texts
    assert texts[0] == (True, 0) and (True, 1) in texts and all(state >= 0 for _, state in texts), texts


def test_the_namespace_deleted_between_two_jobs(tmp_path, monkeypatch):
    for d in ("on", "off"):
        (tmp_path / d).mkdir()

    def delete_namespace(cl):
        cl.api.delete(cl.tx.get("Namespace", "", "away"))
        return "deleted"

    steps = _jobs(["cj000", "cj001", "cj002", "cj003"], namespace="away") + [("do", delete_namespace)] \
        + _jobs(["cj004", "cj005"], namespace="away", first=4)
    texts = _same(tmp_path, monkeypatch, "namespace", steps)
    assert texts and all(put for put, _ in texts), texts


def test_cronjobs_every_minute_in_the_engine(tmp_path, monkeypatch):
    for d in ("on", "off"):
        (tmp_path / d).mkdir()
    texts_on = _texts(monkeypatch, True)
    on, made_on = _engine(tmp_path / "on", monkeypatch, True)
    texts_off = _texts(monkeypatch, False)
    off, made_off = _engine(tmp_path / "off", monkeypatch, True)
    monkeypatch.undo()
    assert made_on == made_off
    assert on == off
    assert sum(1 for put, _ in texts_on if put) >= 10, texts_on
    assert (True, 1) in texts_on and all(state >= 0 for _, state in texts_on), texts_on
    assert texts_off and not any(put for put, _ in texts_off), texts_off

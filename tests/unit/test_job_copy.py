"""The Job and CronJob controllers copy what they have just read from the store with ``tree_copy``
(engine/controllers/job.py and cronjob.py ``_copy_read``) instead of a JSON round trip: the stores must be byte for
byte what the round trip gives.

The CronJobs of test_cronjob_steps.py (a run that succeeds, one that fails, one that outlives its minute) over a
quarter of an hour, minute by minute: every Job's and CronJob's status writes, every pod's tracking finalizer taken
off, the history limits' deletions; once with each copy. The Job controller's copy of a status it has just written
decodes the text stored for it (``job._copy_written``), and builds that status's object on the Job it read with only its
metadata copied (``status_base``, the CronJob controller's too): each pinned against its plain copy the same way."""

from __future__ import annotations

import json

from minikctl.engine.controllers import cronjob, job
from test_cronjob_steps import _dump, _world

STEPS = [60_000] * 15


def test_tree_copy_of_a_read_object_gives_the_json_round_trips_store(tmp_path, monkeypatch):
    fast = _dump(_world(tmp_path / "fast", STEPS))
    for module in (job, cronjob):
        monkeypatch.setattr(module, "_copy_read", lambda obj: json.loads(json.dumps(obj)))
    slow = _dump(_world(tmp_path / "slow", STEPS))
    assert len(fast) == len(slow)
    assert fast == slow


def test_a_written_jobs_copy_decoded_from_its_stored_text_gives_the_json_round_trips_store(tmp_path, monkeypatch):
    """``job._copy_written`` (the Job controller's status write decodes the text it just stored) against
    ``_copy``'s JSON round trip of the object written."""
    decoded = []
    real = job._copy_written

    def counting(stored, feed):
        decoded.append(bool(feed) and feed[-1].obj is stored)
        return real(stored, feed)

    monkeypatch.setattr(job, "_copy_written", counting)
    fast = _dump(_world(tmp_path / "fast", STEPS))
    assert sum(decoded) > 20  # the Jobs' status writes took the decoding
    monkeypatch.setattr(job, "_copy_written", lambda stored, feed: job._copy(stored))
    slow = _dump(_world(tmp_path / "slow", STEPS))
    assert len(fast) == len(slow)
    assert fast == slow


def test_a_status_write_on_the_read_object_with_its_metadata_copied_gives_the_full_copys_store(tmp_path,
                                                                                                 monkeypatch):
    """``status_base`` (the Job's and the CronJob's status writes share the read object's spec) against
    ``_copy_read``."""
    based = []
    for module in (job, cronjob):
        def counting(live, real=module.status_base):
            based.append(live["kind"])
            return real(live)

        monkeypatch.setattr(module, "status_base", counting)
    fast = _dump(_world(tmp_path / "fast", STEPS))
    assert based.count("Job") > 20 and based.count("CronJob") > 5
    for module in (job, cronjob):
        monkeypatch.setattr(module, "status_base", module._copy_read)
    slow = _dump(_world(tmp_path / "slow", STEPS))
    assert len(fast) == len(slow)
    assert fast == slow

"""The CronJob controller: a port of ``pkg/controller/cronjob/cronjob_controllerv2.go`` and ``utils.go`` (v1.32).

``sync`` is the real one's: the CronJob's Jobs (those whose controller reference names it), the oldest finished
ones beyond ``successfulJobsHistoryLimit``/``failedJobsHistoryLimit`` deleted (``cleanupFinishedJobs``: a
Background deletion, the garbage collector then deletes their pods), the active list kept current
(``SawCompletedJob``, ``MissingJob``, ``UnexpectedJob``, ``lastSuccessfulTime``), then ``syncCronJob``: the most
recent unmet schedule time (``mostRecentScheduleTime``; more than 100 missed is ``TooManyMissedTimes``), too late
for ``startingDeadlineSeconds`` (``MissSchedule``), already done, ``Forbid`` with a Job still active
(``JobAlreadyActive``), ``Replace`` (the active Jobs deleted), else a Job named ``<cronjob>-<minutes since the
epoch>`` from the template (``getJobFromTemplate2``, with the ``batch.kubernetes.io/cronjob-scheduled-timestamp``
annotation) and ``SuccessfulCreate``.

Timing: the controller wakes at the next schedule time plus 100 ms (``nextScheduleTimeDuration`` and its
``nextScheduleDelta``), so a Job is created 100 ms after its scheduled minute -- at every scheduled instant of a
long ``clock advance``, each one a wake-up on the virtual clock. A change of the CronJob or of one of its Jobs
syncs it at once (a schedule change waits for the new schedule's next time, ``updateCronJob``). Schedules without
``timeZone`` run in UTC (the controller manager's local time on a cluster). The runtime record (kind ``CronJob``)
keeps the wake-up and the schedule it was computed for.
"""

from __future__ import annotations

import datetime as _dt
import json

from minikctl.engine.controllers.base import Controller, as_stored, controller_ref, new_controller_ref, \
    status_base
from minikctl.kube import cron
from minikctl.kube import errors as E
from minikctl.kube.timefmt import parse_rfc3339, rfc3339
from minikctl.kube.treecopy import tree_copy
from minikctl.store.changelog import ADDED, DELETED

WRITER = "cronjob-controller"
SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp"  # batchv1.CronJobScheduledTimestampAnnotation
NEXT_SCHEDULE_DELTA_MS = 100  # nextScheduleDelta
NONE_MISSED, FEW_MISSED, MANY_MISSED = 0, 1, 2


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _copy_read(obj):
    """A copy of what was just read from the store (decoded from its stored JSON, held nowhere else): only dicts,
    lists, strings, numbers, booleans and None, no node twice, so ``tree_copy`` (kube/treecopy.py) gives what a
    JSON round trip gives, at a third of the cost (every sync copies its CronJob's status, every status write
    the live CronJob)."""
    return tree_copy(obj)


def _finished_status(job: dict) -> str | None:
    """getFinishedStatus: the type of the Complete/Failed condition that is True."""
    for c in (job.get("status") or {}).get("conditions") or []:
        if c.get("type") in ("Complete", "Failed") and c.get("status") == "True":
            return c["type"]
    return None


def _go_quote(s: str) -> str:
    return E.go_quote(s)


def format_schedule(cj: dict) -> str:
    """formatSchedule: the schedule, prefixed with ``TZ=<timeZone> `` when a loadable time zone is set."""
    spec = cj.get("spec") or {}
    schedule = spec.get("schedule") or ""
    if "TZ" in schedule:
        return schedule
    tz = spec.get("timeZone")
    if tz is not None:
        if cron.zone(tz) is None:
            return schedule
        return f"TZ={tz} {schedule}"
    return schedule


def most_recent_schedule_time(cj: dict, now_ms: int, sched: cron.Schedule, include_deadline: bool):
    """mostRecentScheduleTime: (earliest time, most recent unmet schedule time or None, missed kind, error)."""
    meta, spec, status = _meta(cj), cj.get("spec") or {}, cj.get("status") or {}
    earliest = parse_rfc3339(meta["creationTimestamp"])
    missed = NONE_MISSED
    if status.get("lastScheduleTime"):
        earliest = parse_rfc3339(status["lastScheduleTime"])
    if include_deadline and spec.get("startingDeadlineSeconds") is not None:
        deadline = now_ms - int(spec["startingDeadlineSeconds"]) * 1000
        if deadline > earliest:
            earliest = deadline
    t1 = sched.next(earliest)
    t2 = sched.next(t1) if t1 is not None else None
    if t1 is not None and now_ms < t1:
        return earliest, None, missed, None
    if t1 is not None and t2 is not None and now_ms < t2:
        return earliest, t1, missed, None
    between_s = 0 if t1 is None or t2 is None else (t2 - t1 + 500) // 1000  # Round(time.Second)
    if between_s < 1:
        return earliest, None, missed, "time difference between two schedules is less than 1 second"
    elapsed_s = (now_ms - t1) // 1000
    number_missed = elapsed_s // between_s + 1
    potential = t1 + (number_missed - 2) * between_s * 1000
    most_recent = None
    t = sched.next(potential)
    while t is not None and t <= now_ms:
        most_recent = t
        t = sched.next(t)
    if number_missed > 100:
        missed = MANY_MISSED
    elif number_missed > 0:
        missed = FEW_MISSED
    return earliest, most_recent, missed, None


def next_schedule_time_duration(cj: dict, now_ms: int, sched: cron.Schedule) -> int | None:
    """nextScheduleTimeDuration: ms until the next schedule time after the most recent one, plus 100 ms."""
    earliest, most_recent, missed, err = most_recent_schedule_time(cj, now_ms, sched, False)
    if err is not None:
        most_recent = now_ms
    elif most_recent is None:
        most_recent = earliest if missed == NONE_MISSED else now_ms
    nxt = sched.next(most_recent)
    if nxt is None:
        return None  # no time within five years (the zero time)
    return nxt + NEXT_SCHEDULE_DELTA_MS - now_ms


def job_name(cj: dict, scheduled_ms: int) -> str:
    """getJobName: ``<cronjob>-<scheduled time in minutes since the epoch>``."""
    return f"{_meta(cj)['name']}-{scheduled_ms // 1000 // 60}"


def _rfc3339_in(ms: int, tz_name: str | None) -> str:
    """time.Time.In(loc).Format(time.RFC3339): ``Z`` in UTC, ``+01:00`` elsewhere."""
    tz = cron.zone(tz_name) or _dt.timezone.utc
    t = _dt.datetime.fromtimestamp(ms // 1000, tz)
    off = int(t.utcoffset().total_seconds())
    if off == 0:
        suffix = "Z"
    else:
        sign = "+" if off > 0 else "-"
        off = abs(off)
        suffix = f"{sign}{off // 3600:02d}:{off % 3600 // 60:02d}"
    return t.strftime("%Y-%m-%dT%H:%M:%S") + suffix


def _rfc1123z(ms: int) -> str:
    """time.RFC1123Z of a UTC time: ``Mon, 02 Jan 2006 15:04:05 +0000``."""
    t = _dt.datetime.fromtimestamp(ms // 1000, _dt.timezone.utc)
    return t.strftime("%a, %d %b %Y %H:%M:%S +0000")


def job_from_template(cj: dict, scheduled_ms: int) -> dict:
    """getJobFromTemplate2."""
    template = (cj.get("spec") or {}).get("jobTemplate") or {}
    tmeta = template.get("metadata") or {}
    annotations = dict(tmeta.get("annotations") or {})
    annotations[SCHEDULED_TIMESTAMP] = _rfc3339_in(scheduled_ms, (cj.get("spec") or {}).get("timeZone"))
    meta: dict = {"name": job_name(cj, scheduled_ms), "namespace": _meta(cj).get("namespace", "default")}
    if tmeta.get("labels"):
        meta["labels"] = dict(tmeta["labels"])
    meta["annotations"] = annotations
    meta["ownerReferences"] = [new_controller_ref(cj)]
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
            "spec": json.loads(json.dumps(template.get("spec") or {}))}


def _job_start_key(job: dict):
    """byJobStartTime: by startTime (none last), then by name."""
    start = (job.get("status") or {}).get("startTime")
    return (0, parse_rfc3339(start), _meta(job).get("name", "")) if start else (1, 0, _meta(job).get("name", ""))


def job_ref(job: dict) -> dict:
    """ref.GetReference of a Job (an ObjectReference, as status.active lists them)."""
    meta = _meta(job)
    return {"apiVersion": "batch/v1", "kind": "Job", "name": meta["name"], "namespace": meta.get("namespace", ""),
            "resourceVersion": meta.get("resourceVersion", ""), "uid": meta.get("uid", "")}


class CronJobController(Controller):
    """pkg/controller/cronjob (ControllerV2)."""

    name = WRITER
    KEEPS_TEXT = True  # its status writes take the CronJob as stored from what the sync read (``_write_status``)
    kind = "CronJob"
    owned = ("Job",)

    def __init__(self, loop) -> None:
        super().__init__(loop)
        # jobs by (namespace, name of their controller); built from the store on first use, kept from the log
        self._jobs_by_owner: dict[tuple, dict[str, None]] | None = None
        self._job_owner: dict[tuple, tuple] = {}
        self._seen: dict[tuple, dict] = {}  # (ns, name) -> the Job as last observed (the informer's cache)
        self._uids: dict[tuple, str | None] = {}  # (ns, name) -> uid of the CronJobs seen (resolveControllerRef)
        self._recs: dict[tuple, dict] = {}  # runtime records read in this run (only this controller writes them)
        self._read: tuple[dict, str] | None = None  # the CronJob the sync works on as read (``last_read``)

    # ---- the informers ---------------------------------------------------------------------------------------
    def observe(self, ch) -> None:
        if ch.kind == "Job":
            if ch.type == DELETED:
                self._seen.pop((ch.namespace, ch.name), None)
            else:
                self._seen[(ch.namespace, ch.name)] = ch.obj
            if self._jobs_by_owner is not None:
                self._index_job((ch.namespace, ch.name), None if ch.type == DELETED else ch.obj)
            ref = controller_ref(ch.obj)
            if ref is not None and ref.get("kind") == "CronJob":
                if self._cronjob_uid(ch.namespace, ref.get("name", "")) == ref.get("uid"):  # resolveControllerRef
                    self.enqueue(ch.namespace, ref.get("name", ""))
            return
        if ch.kind != self.kind:
            return
        self._uids[(ch.namespace, ch.name)] = None if ch.type == DELETED else ch.uid
        if ch.type == ADDED or ch.type == DELETED:
            self.enqueue(ch.namespace, ch.name)
            return
        # updateCronJob: a new schedule or time zone waits for its next time; anything else syncs now
        rec = self._record(ch.namespace, ch.name)
        spec = ch.obj.get("spec") or {}
        if "schedule" in rec and (rec.get("schedule") != spec.get("schedule")
                                  or rec.get("timeZone") != spec.get("timeZone")):
            try:
                sched = cron.parse(format_schedule(ch.obj))
            except ValueError:
                self.event(ch.obj, "Warning", "UnParseableCronJobSchedule",
                           f"unparseable schedule for cronjob: {spec.get('schedule')}")
                return
            wait = next_schedule_time_duration(ch.obj, self.tx.now_ms, sched)
            if wait is not None:
                self.wake_at(ch.namespace, ch.name, self.tx.now_ms + max(0, wait))
            return
        self.enqueue(ch.namespace, ch.name)

    def _cronjob_uid(self, namespace: str, name: str) -> str | None:
        key = (namespace, name)
        if key not in self._uids:
            cj = self.tx.get("CronJob", namespace, name)
            self._uids[key] = None if cj is None else _meta(cj).get("uid")
        return self._uids[key]

    # ---- the index of Jobs by their controller's name ------------------------------------------------------------
    def _index(self) -> dict:
        if self._jobs_by_owner is None:
            self._jobs_by_owner = {}
            self.tx.flush_objects()
            for ns, name, refs in self.tx.conn.execute(
                    "SELECT namespace, name, json_extract(body, '$.metadata.ownerReferences') FROM objects "
                    "WHERE kind='Job'"):
                owner = None
                for ref in json.loads(refs) if refs else []:
                    if ref.get("controller"):
                        owner = ref.get("name")
                        break
                if owner is not None:
                    self._job_owner[(ns, name)] = (ns, owner)
                    self._jobs_by_owner.setdefault((ns, owner), {})[name] = None
        return self._jobs_by_owner

    def _index_job(self, key: tuple, job: dict | None) -> None:
        old = self._job_owner.pop(key, None)
        if old is not None:
            self._jobs_by_owner.get(old, {}).pop(key[1], None)
        ref = controller_ref(job) if job is not None else None
        if ref is not None:
            owner = (key[0], ref.get("name"))
            self._job_owner[key] = owner
            self._jobs_by_owner.setdefault(owner, {})[key[1]] = None

    def jobs_to_be_reconciled(self, cj: dict) -> list[dict]:
        """getJobsToBeReconciled: the Jobs whose controller reference names this CronJob."""
        ns, name = _meta(cj).get("namespace", "default"), _meta(cj)["name"]
        out = []
        for job_name_ in sorted(self._index().get((ns, name), {})):
            job = self._seen.get((ns, job_name_))  # read only: deletions fetch the live object
            if job is None:
                job = self._seen[(ns, job_name_)] = self.tx.get("Job", ns, job_name_)
            if job is not None:
                out.append(job)
        return out

    # ---- timers -------------------------------------------------------------------------------------------------
    def _record(self, namespace: str, name: str) -> dict:
        key = (namespace, name)
        rec = self._recs.get(key)
        if rec is None:
            rec = self._recs[key] = self.tx.get_runtime(self.kind, namespace, name) or {}
        return rec

    def wake_at(self, namespace: str, name: str, at_ms: int) -> None:
        rec = self._record(namespace, name)
        if rec.get("wake") is not None and rec["wake"] <= at_ms:
            return
        rec["wake"] = int(at_ms)
        self.tx.put_runtime(self.kind, namespace, name, rec, int(at_ms))

    def due(self, kind: str, namespace: str, name: str, until: int, horizon: int | None) -> None:
        rec = self._record(namespace, name)
        rec.pop("wake", None)
        self.tx.put_runtime(kind, namespace, name, rec, None)
        self.sync(namespace, name, self.read(namespace, name))

    # ---- sync -------------------------------------------------------------------------------------------------
    def sync(self, namespace: str, name: str, cj: dict | None) -> None:
        if cj is None:
            self._recs[(namespace, name)] = {}
            self.tx.delete_runtime(self.kind, namespace, name)
            return
        # the CronJob and its stored text as read (``last_read``), for its status write (``_write_status``): the
        # sync changes its status alone, in place or by ``_delete_from_active``, which replaces ``active``
        read, self.last_read = self.last_read, None
        self._read = read if read is not None and read[0] is cj and isinstance(cj.get("status"), dict) else None
        jobs = self.jobs_to_be_reconciled(cj)
        # ``cj`` is the sync's own copy: every caller (Controller.work, due) passes what it just read from the store
        old_status = _copy_read(cj.get("status") or {})
        cj.setdefault("status", {})
        finished = [_finished_status(j) for j in jobs]  # what both read of each Job, worked out once
        update = self.cleanup_finished_jobs(cj, jobs, finished)
        requeue, updated = self.sync_cronjob(cj, jobs, finished)
        if update or updated:
            self._write_status(cj, old_status)
        rec = self._record(namespace, name)
        spec = cj.get("spec") or {}
        if rec.get("schedule") != spec.get("schedule") or rec.get("timeZone") != spec.get("timeZone"):
            rec["schedule"] = spec.get("schedule")
            rec["timeZone"] = spec.get("timeZone")
            self.tx.put_runtime(self.kind, namespace, name, rec, rec.get("wake"))
        if requeue is not None:
            self.wake_at(namespace, name, self.tx.now_ms + max(0, requeue))

    def _write_status(self, cj: dict, old_status: dict) -> None:
        status = cj.get("status") or {}
        if not status.get("active"):
            status.pop("active", None)
        if status == old_status:
            return
        read, self._read = self._read, None
        # the store still holding the text the sync read, the CronJob stored is ``cj`` with the status it had then
        decode = as_stored(cj, read[1], old_status) if read is not None else None
        found = self.tx.get_with_body("CronJob", _meta(cj).get("namespace", "default"), _meta(cj)["name"],
                                      decode=decode)
        live = None if found is None else found[0]
        if live is None:
            return
        new = status_base(live)
        new["status"] = status
        self.api.update(live, new, subresource="status", verb="patching", trusted=True)

    def cleanup_finished_jobs(self, cj: dict, jobs: list[dict], finished: list) -> bool:
        """cleanupFinishedJobs / removeOldestJobs. ``finished``: ``_finished_status`` of each of ``jobs``."""
        spec = cj.get("spec") or {}
        if spec.get("failedJobsHistoryLimit") is None and spec.get("successfulJobsHistoryLimit") is None:
            return False
        succeeded = [j for j, f in zip(jobs, finished) if f == "Complete"]
        failed = [j for j, f in zip(jobs, finished) if f == "Failed"]
        update = False
        for group, key in ((succeeded, "successfulJobsHistoryLimit"), (failed, "failedJobsHistoryLimit")):
            if spec.get(key) is None:
                continue
            extra = len(group) - int(spec[key])
            if extra <= 0:
                continue
            for job in sorted(group, key=_job_start_key)[:extra]:
                if self.delete_job(cj, job):
                    update = True
        return update

    def delete_job(self, cj: dict, job: dict) -> bool:
        """deleteJob: the Job (Background: the garbage collector deletes its pods) and its active reference."""
        live = self.tx.get("Job", _meta(job).get("namespace", "default"), _meta(job)["name"])
        try:
            if live is None:
                raise E.NotFound("jobs.batch", _meta(job)["name"])
            self.api.delete(live, propagation="Background")
        except E.MinikctlError as e:
            msg = e.server_message() if isinstance(e, E.StatusError) else str(e)
            self.event(cj, "Warning", "FailedDelete", f"Deleted job: {msg}")
            return False
        self._delete_from_active(cj, _meta(job).get("uid"))
        self.event(cj, "Normal", "SuccessfulDelete", f"Deleted job {_meta(job)['name']}")
        return True

    @staticmethod
    def _delete_from_active(cj: dict, uid: str) -> None:
        status = cj.setdefault("status", {})
        status["active"] = [r for r in status.get("active") or [] if r.get("uid") != uid]

    def sync_cronjob(self, cj: dict, jobs: list[dict], finished_of: list) -> tuple[int | None, bool]:
        """syncCronJob: (ms until the next sync or None, whether the status changed). ``finished_of``:
        ``_finished_status`` of each of ``jobs``."""
        now = self.tx.now_ms
        status = cj.setdefault("status", {})
        spec = cj.get("spec") or {}
        update = False
        children = set()
        for j, finished in zip(jobs, finished_of):
            uid = _meta(j).get("uid")
            children.add(uid)
            found = any(r.get("uid") == uid for r in status.get("active") or [])
            if not found and finished is None:
                self.event(cj, "Warning", "UnexpectedJob",
                           f"Saw a job that the controller did not create or forgot: {_meta(j)['name']}")
            elif found and finished is not None:
                self._delete_from_active(cj, uid)
                self.event(cj, "Normal", "SawCompletedJob", f"Saw completed job: {_meta(j)['name']}, status: {finished}")
                update = True
            elif finished == "Complete":
                done = (j.get("status") or {}).get("completionTime")
                last = status.get("lastSuccessfulTime")
                if last is None and done is not None:
                    status["lastSuccessfulTime"] = done
                    update = True
                elif done is not None and last is not None and parse_rfc3339(done) > parse_rfc3339(last):
                    status["lastSuccessfulTime"] = done
                    update = True
        for ref in list(status.get("active") or []):
            if ref.get("uid") in children:
                continue
            if self.tx.get("Job", ref.get("namespace", ""), ref.get("name", "")) is None:
                self.event(cj, "Normal", "MissingJob", f"Active job went missing: {ref.get('name')}")
                self._delete_from_active(cj, ref.get("uid"))
                update = True
        if _meta(cj).get("deletionTimestamp"):
            return None, update
        tz = spec.get("timeZone")
        if tz is not None and cron.zone(tz) is None:
            self.event(cj, "Warning", "UnknownTimeZone", f"invalid timeZone: {_go_quote(tz)}: unknown time zone {tz}")
            return None, update
        if spec.get("suspend") is True:
            return None, update
        schedule = spec.get("schedule") or ""
        if "TZ" in schedule:
            self.event(cj, "Warning", "UnsupportedSchedule",
                       f"CRON_TZ or TZ used in schedule {_go_quote(schedule)} is not officially supported, see "
                       "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details")
        try:
            sched = cron.parse(format_schedule(cj))
        except ValueError as e:
            self.event(cj, "Warning", "UnparseableSchedule", f"unparseable schedule: {_go_quote(schedule)} : {e}")
            return None, update
        # nextScheduleTime
        _earliest, scheduled, missed, err = most_recent_schedule_time(cj, now, sched, True)
        if scheduled is not None and scheduled <= now and missed == MANY_MISSED:
            self.event(cj, "Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease "
                       ".spec.startingDeadlineSeconds or check clock skew")
        if scheduled is not None and scheduled > now:
            scheduled = None
        if err is not None and scheduled is None:
            self.event(cj, "Warning", "InvalidSchedule", f"invalid schedule: {schedule} : {err}")
            return None, update
        if scheduled is None:
            return next_schedule_time_duration(cj, now, sched), update
        deadline = spec.get("startingDeadlineSeconds")
        if deadline is not None and scheduled + int(deadline) * 1000 < now:
            self.event(cj, "Warning", "MissSchedule", f"Missed scheduled time to start a job: {_rfc1123z(scheduled)}")
            return next_schedule_time_duration(cj, now, sched), update
        name = job_name(cj, scheduled)
        last = status.get("lastScheduleTime")
        if any(r.get("name") == name and r.get("namespace") == _meta(cj).get("namespace")
               for r in status.get("active") or []) or (last and parse_rfc3339(last) // 1000 == scheduled // 1000):
            return next_schedule_time_duration(cj, now, sched), update
        policy = spec.get("concurrencyPolicy")
        if policy == "Forbid" and status.get("active"):
            self.event(cj, "Normal", "JobAlreadyActive",
                       "Not starting job because prior execution is running and concurrency policy is Forbid")
            return next_schedule_time_duration(cj, now, sched), update
        if policy == "Replace":
            for ref in list(status.get("active") or []):
                job = self.tx.get("Job", ref.get("namespace", ""), ref.get("name", ""))
                if job is None:
                    self.event(cj, "Warning", "FailedGet",
                               f"Get job: jobs.batch {_go_quote(ref.get('name', ''))} not found")
                    return None, update
                if not self.delete_job(cj, job):
                    return None, update
                update = True
        request = job_from_template(cj, scheduled)
        try:
            created = self.api.create(request)
        except E.AlreadyExists:
            created = self.tx.get("Job", request["metadata"]["namespace"], request["metadata"]["name"])
            ref = controller_ref(created or {})
            if created is None or ref is None or ref.get("uid") != _meta(cj).get("uid"):
                return None, update
            if any(r.get("uid") == _meta(created).get("uid") for r in status.get("active") or []):
                return None, update
        except E.MinikctlError as e:
            msg = e.server_message() if isinstance(e, E.StatusError) else str(e)
            self.event(cj, "Warning", "FailedCreate", f"Error creating job: {msg}")
            # the real controller retries with its rate limiter; here the next try is the next schedule time
            return next_schedule_time_duration(cj, now, sched), update
        else:
            self.event(cj, "Normal", "SuccessfulCreate", f"Created job {_meta(created)['name']}")
        status.setdefault("active", []).append(job_ref(created))
        status["lastScheduleTime"] = rfc3339(scheduled)
        return next_schedule_time_duration(cj, now, sched), True

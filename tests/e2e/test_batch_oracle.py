"""The Jobs, CronJobs and pods minikctl's controllers produce, printed by minikctl and by the real kubectl 1.32 reading
the same objects (kubectl_oracle.py): describe, -o yaml|json|name|jsonpath|custom-columns. Same clock trick as
test_kubectl_oracle.py: the objects are made 30.5 days before the wall clock, so every age prints in days."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from kubectl_oracle import KUBECTL, kubectl_oracle, objects_from_store
from tests.conftest import Cli

MANIFESTS = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: hello
spec:
  template:
    # This is the pod template
    spec:
      containers:
      - name: hello
        image: busybox:1.28
        command: ['sh', '-c', 'echo "Hello, Kubernetes!" && sleep 3600']
      restartPolicy: OnFailure
    # The pod template ends here
---
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  backoffLimit: 4
  ttlSecondsAfterFinished: 86400000
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
---
apiVersion: batch/v1
kind: Job
metadata:
  name: fails
spec:
  backoffLimit: 1
  activeDeadlineSeconds: 600
  template:
    spec:
      containers:
      - {name: main, image: busybox:1.28, command: [sh, -c, exit 3]}
      restartPolicy: Never
---
apiVersion: batch/v1
kind: Job
metadata:
  name: indexed-job
spec:
  completions: 5
  parallelism: 3
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: worker
        image: busybox:1.28
        command: [sh, -c, 'echo $JOB_COMPLETION_INDEX; sleep $((JOB_COMPLETION_INDEX * 20))']
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hourly
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command: [/bin/sh, -c, date; echo Hello from the Kubernetes cluster]
          restartPolicy: OnFailure
"""

AGE = dt.timedelta(days=30, hours=12)


def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))


def _move_clock_to(cli: Cli, when: dt.datetime) -> None:
    seconds = int((when - _parse_time(cli.ok("clock", "show", tick="0"))).total_seconds())
    if seconds > 0:
        cli.ok("clock", "advance", f"{seconds}s", tick="0")


class World:
    def __init__(self, cli: Cli, kubectl) -> None:
        self.cli, self.kubectl = cli, kubectl

    def same(self, *args: str) -> None:
        with ThreadPoolExecutor(1) as pool:
            real = pool.submit(self.kubectl, *args, env={"TZ": "UTC"})
            ours = self.cli(*args, tick="0", env={"TZ": "UTC"})
            real = real.result()
        assert real.returncode == 0 or real.stderr, f"kubectl {args} failed silently"
        assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, real.stderr)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    root = tmp_path_factory.mktemp("batch-oracle")
    cli = Cli(root / "home")
    born = dt.datetime.now(dt.timezone.utc) - AGE
    born = born.replace(second=0, microsecond=0)
    # the store keeps its events (a real API server drops them an hour after their last write, --event-ttl): the
    # comparisons print month-old events
    if born < _parse_time(cli.ok("clock", "show", tick="0", env={"MINIKCTL_EVENT_TTL": "0"})):
        pytest.skip("the wall clock is too close to (or before) a new store's virtual epoch")
    _move_clock_to(cli, born)
    (root / "batch.yaml").write_text(MANIFESTS)
    cli.ok("apply", "-f", str(root / "batch.yaml"), tick="0")
    cli.ok("create", "job", "manual", "--from=cronjob/hourly", tick="0")
    cli.ok("clock", "advance", "21m", tick="0")  # four CronJob runs, the indexed Job done, `fails` failed
    # a month of runs every 5 minutes is not what this compares: the CronJob is suspended before the clock moves
    cli.ok("patch", "cronjob", "hourly", "-p", '{"spec":{"suspend":true}}', tick="0")
    _move_clock_to(cli, dt.datetime.now(dt.timezone.utc))
    with kubectl_oracle(root, objects=objects_from_store(root / "home" / "store.db")) as kubectl:
        yield World(cli, kubectl)


JOBS = ("hello", "pi", "fails", "indexed-job", "manual")


@pytest.mark.parametrize("args", [
    *(("job", name) for name in JOBS),
    ("jobs",),
    ("cronjob", "hourly"),
    ("cj",),
    ("pods", "-l", "job-name=hello"),
    ("pods", "-l", "job-name=indexed-job"),
], ids=" ".join)
def test_describe(world, args):
    world.same("describe", *args)


@pytest.mark.parametrize("args", [
    *(("job", name, "-o", "yaml") for name in JOBS),
    ("jobs", "-o", "json"),
    ("cronjob", "hourly", "-o", "yaml"),
    ("cronjobs", "-o", "json"),
    ("pods", "-l", "job-name=hello", "-o", "yaml"),
    ("pods", "-l", "job-name=indexed-job", "-o", "json"),
    ("pods", "-l", "job-name=fails", "-o", "yaml"),
    ("jobs,cronjobs", "-o", "name"),
    ("all", "-o", "name"),
    ("jobs", "-o", "jsonpath={range .items[*]}{.metadata.name}{' '}{.status.succeeded}{' '}"
                   "{.status.conditions[-1:].type}{'\\n'}{end}"),
    ("jobs", "-o", "custom-columns=NAME:.metadata.name,START:.status.startTime,DONE:.status.completionTime,"
                   "FAILED:.status.failed,INDEXES:.status.completedIndexes"),
    ("cronjob", "hourly", "-o", "jsonpath={.status.active[*].name} {.status.lastScheduleTime}"),
    ("pods", "--sort-by=.metadata.creationTimestamp", "-o", "name"),
], ids=" ".join)
def test_get(world, args):
    world.same("get", *args)

"""Jobs and CronJobs through the real CLI: the pod-template example's Job from apply to delete (issue 8's "done
when"), create job|cronjob against the real kubectl's generated objects (kubectl_fake.py), logs/exec of a
workload's pod (polymorphichelpers), wait on a Job's condition, a CronJob creating Jobs on schedule."""

from __future__ import annotations

import re

import pytest

from kubectl_fake import KUBECTL, fake_kubectl

HELLO = """\
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
"""

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


def test_the_pod_template_example_runs_as_on_a_cluster(cli, manifest):
    """apply, get jobs, get pods (hello-xxxxx), logs job/hello, describe job hello, delete job hello (its pod goes
    after its grace period): concepts/workloads/pods/#pod-templates with kubectl 1.32's outputs."""
    path = manifest(HELLO)
    assert cli.ok("apply", "-f", path, tick="0") == "job.batch/hello created\n"
    assert cli.ok("get", "jobs", tick="1s") == ("NAME    STATUS    COMPLETIONS   DURATION   AGE\n"
                                                 "hello   Running   0/1           1s         1s\n")
    pods = cli.ok("get", "pods", tick="1s").splitlines()
    assert pods[0] == "NAME          READY   STATUS    RESTARTS   AGE"
    assert re.fullmatch(r"hello-[bcdfghjklmnpqrstvwxz2456789]{5}   1/1     Running   0          2s", pods[1])
    pod = pods[1].split()[0]
    assert cli.ok("logs", "job/hello", tick="0") == "Hello, Kubernetes!\n"
    assert cli.ok("logs", pod, tick="0") == "Hello, Kubernetes!\n"
    described = cli.ok("describe", "job", "hello", tick="0")
    assert "Pods Statuses:    1 Active (1 Ready) / 0 Succeeded / 0 Failed\n" in described
    assert "\n                  job-name=hello\n" in described
    assert re.search(rf"  Normal  SuccessfulCreate  \d+s    job-controller  Created pod: {pod}\n$", described)
    done = cli("delete", "job", "hello", tick="0")
    assert (done.returncode, done.stdout, done.stderr) == (0, 'job.batch "hello" deleted\n', "")
    assert "Terminating" in cli.ok("get", "pod", pod, tick="0")
    cli.ok("clock", "advance", "31s", tick="0")  # terminationGracePeriodSeconds (30): sh ignores SIGTERM
    gone = cli("get", "pods", tick="0")
    assert (gone.stdout, gone.stderr) == ("", "No resources found in default namespace.\n")


def test_a_job_runs_to_completion_and_wait_sees_it(cli, manifest):
    path = manifest("""\
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: busybox:1.28, command: [sh, -c, 'sleep 5; echo 3.14159']}]
""")
    cli.ok("apply", "-f", path, tick="0")
    assert cli.ok("wait", "--for=condition=complete", "job/pi", "--timeout=60s", tick="0") == \
        "job.batch/pi condition met\n"
    row = cli.ok("get", "job", "pi", "--no-headers", tick="0").split()
    assert row[:3] == ["pi", "Complete", "1/1"]
    assert cli.ok("logs", "job/pi", tick="0") == "3.14159\n"
    failed = cli("wait", "--for=condition=failed", "job/pi", "--timeout=5s", tick="0")
    assert failed.returncode == 1 and failed.stderr == "error: timed out waiting for the condition on jobs/pi\n"


def test_logs_of_a_job_with_several_pods_use_the_first_one(cli):
    """logsForObject: with several pods, "Found N pods, using pod/X" on stderr (ByLogging order); --all-pods prints
    them all, prefixed."""
    cli.ok("create", "job", "par", "--image=busybox:1.28", "--", "sh", "-c", "echo $HOSTNAME; sleep 600", tick="0")
    cli.ok("patch", "job", "par", "-p", '{"spec":{"parallelism":2}}', tick="0")
    cli.ok("clock", "advance", "5s", tick="0")
    names = cli.ok("get", "pods", "-o", "name", tick="0").split()
    assert len(names) == 1  # completions 1: never more pods than remaining completions
    cli.ok("apply", "-f", "-", tick="0", input="""\
apiVersion: batch/v1
kind: Job
metadata: {name: two}
spec:
  parallelism: 2
  completions: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox:1.28, command: [sh, -c, 'echo $HOSTNAME; sleep 600']}]
""")
    cli.ok("clock", "advance", "5s", tick="0")
    out = cli("logs", "job/two", tick="0")
    pods = sorted(p["name"] for p in _pods(cli, "two"))
    first = out.stderr.removeprefix("Found 2 pods, using pod/").strip()
    assert out.stderr.startswith("Found 2 pods, using pod/") and first in pods
    assert out.stdout == f"{first}\n"
    both = cli.ok("logs", "job/two", "--all-pods", tick="0")
    assert sorted(both.splitlines()) == sorted(f"[pod/{p}/c] {p}" for p in pods)
    assert cli.ok("exec", "job/two", "--", "echo", "hi", tick="0") == "hi\n"


def _pods(cli, job: str) -> list[dict]:
    import json

    return [p["metadata"] for p in json.loads(cli.ok("get", "pods", "-l", f"job-name={job}", "-o", "json",
                                                     tick="0"))["items"]]


def test_logs_of_kinds_without_pods_and_missing_objects(cli):
    cli.ok("create", "cronjob", "cj", "--image=busybox", "--schedule=0 0 1 1 *", tick="0")
    assert cli.fail("logs", "cronjob/cj", tick="0") == \
        "error: cannot get the logs from *v1.CronJob: selector for *v1.CronJob not implemented\n"
    assert cli.fail("logs", "job/nope", tick="0") == \
        'error: error from server (NotFound): jobs.batch "nope" not found in namespace "default"\n'
    assert cli.fail("exec", "cronjob/cj", "--", "true", tick="0") == \
        "error: cannot attach to *v1.CronJob: selector for *v1.CronJob not implemented\n"


def test_a_cronjob_creates_jobs_on_schedule(cli):
    """create cronjob, then the schedule's minutes pass in one `clock advance`: a Job per minute, the history
    limits keeping three, LAST SCHEDULE and ACTIVE in the row."""
    assert cli.ok("create", "cronjob", "hello", "--image=busybox:1.28", "--schedule=*/1 * * * *", "--", "sh", "-c",
                  "date; echo Hello from the Kubernetes cluster", tick="0") == "cronjob.batch/hello created\n"
    cli.ok("clock", "advance", "5m30s", tick="0")
    jobs = cli.ok("get", "jobs", "-o", "name", tick="0").split()
    assert len(jobs) == 3
    minutes = sorted(int(j.rsplit("-", 1)[1]) for j in jobs)
    assert minutes == list(range(minutes[0], minutes[0] + 3))
    row = cli.ok("get", "cronjob", "hello", "--no-headers", tick="0").split()
    assert row == ["hello", "*/1", "*", "*", "*", "*", "<none>", "False", "0", "30s", "5m30s"]
    logs = cli.ok("logs", f"job/{jobs[-1].split('/')[1]}", tick="0").splitlines()
    assert logs[-1] == "Hello from the Kubernetes cluster"
    manual = cli.ok("create", "job", "manual", "--from=cronjob/hello", "-o", "yaml", tick="0")
    assert "cronjob.kubernetes.io/instantiate: manual" in manual and "kind: CronJob" in manual


CREATE_CASES = [
    ["job", "my-job", "--image=busybox"],
    ["job", "my-job", "--image=busybox", "--", "date"],
    ["job", "x", "--image=busybox", "-n", "kube-system", "--save-config", "--", "sh", "-c", "a<b&&c"],
    ["cronjob", "my-cj", "--image=busybox", "--schedule=*/1 * * * *"],
    ["cronjob", "my-cj", "--image=busybox", "--schedule=*/1 * * * *", "--restart=Never", "--", "date", "-u"],
    ["cj", "x", "--image=b", "--schedule=@hourly", "--save-config"],
]

CREATE_ERRORS = [
    ["job", "--image=busybox"],
    ["job", "x"],
    ["job", "x", "--image=b", "--from=cronjob/y"],
    ["job", "x", "--from=cronjob/y", "--", "date"],
    ["job", "a", "b", "--image=b"],
    ["job", "x", "--image=b", "-o", "wide"],
]


def _with(args: list[str], *flags: str) -> list[str]:
    cut = args.index("--") if "--" in args else len(args)
    return [*args[:cut], *flags, *args[cut:]]


@needs_kubectl
@pytest.mark.parametrize("args", CREATE_CASES, ids=" ".join)
@pytest.mark.parametrize("fmt", [[], ["-o", "yaml"], ["-o", "json"], ["-o", "name"]], ids=lambda f: "-".join(f) or "text")
def test_create_dry_run_matches_kubectl(cli, tmp_path, args, fmt):
    """create_job.go createJob / create_cronjob.go createCronJob, printed as kubectl 1.32 prints them."""
    with fake_kubectl(tmp_path) as kubectl:
        real = kubectl("create", *_with(args, "--dry-run=client", *fmt))
    assert real.returncode == 0, real.stderr
    assert cli.ok("create", *_with(args, "--dry-run=client", *fmt)) == real.stdout
    assert cli("get", "jobs,cronjobs", "-A").stdout == ""  # a dry run creates nothing


@needs_kubectl
@pytest.mark.parametrize("args", CREATE_ERRORS, ids=" ".join)
def test_create_errors_match_kubectl(cli, tmp_path, args):
    with fake_kubectl(tmp_path) as kubectl:
        real = kubectl("create", *_with(args, "--dry-run=client"))
    assert real.returncode == 1
    assert cli.fail("create", *_with(args, "--dry-run=client")) == \
        real.stderr.replace("kubectl create", "minikctl create")


def test_create_job_errors_from_the_server(cli):
    cli.ok("create", "job", "x", "--image=busybox", tick="0")
    assert cli.fail("create", "job", "x", "--image=busybox", tick="0") == \
        'error: failed to create job: jobs.batch "x" already exists\n'
    assert cli.fail("create", "job", "y", "--from=cronjob/none", tick="0") == \
        'Error from server (NotFound): cronjobs.batch "none" not found\n'
    assert cli.fail("create", "cronjob", "c", "--image=b", tick="0") == 'error: required flag(s) "schedule" not set\n'
    bad = cli.fail("create", "cronjob", "c", "--image=b", "--schedule=61 * * * *", tick="0")
    assert bad == ('error: failed to create cronjob: CronJob.batch "c" is invalid: spec.schedule: Invalid value: '
                   '"61 * * * *": end of range (61) above maximum (59): 61\n')

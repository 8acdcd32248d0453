"""Issue 13: time moves even when a command is refused, and the verbs that wait stream without holding the store."""

from __future__ import annotations

import json


def test_a_refused_command_keeps_its_tick_and_the_polling_loop_converges(cli):
    """`until minikctl logs p; do sleep 1; done` ends: each refused `logs` still moves the clock by its tick, and the
    kubelet starts the container in one of those ticks."""
    cli.ok("run", "nginx", "--image=nginx")
    assert cli.ok("clock", "show") == "2026-01-01T00:00:01Z\n"
    attempts = 0
    while True:
        attempts += 1
        done = cli("logs", "nginx")
        if done.returncode == 0:
            break
        assert "is waiting to start: ContainerCreating" in done.stderr
        assert attempts < 5, "the container never started: the refused commands did not move the clock"
    assert attempts == 2
    assert "Configuration complete" in done.stdout
    assert cli.ok("clock", "show") == "2026-01-01T00:00:03Z\n"


def test_a_refused_write_leaves_the_objects_untouched_but_the_clock_moves(cli, manifest):
    cli.ok("run", "quiet", "--image=busybox", "--", "sleep", "999999")
    cli.ok("clock", "advance", "1m")
    before = json.loads(cli.ok("get", "pods", "-o", "json", tick="0"))
    clock = cli.ok("clock", "show")
    err = cli.fail("label", "pod", "missing", "x=y")
    assert 'pods "missing" not found' in err
    bad = manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n")
    assert "spec.containers[0].image: Required value" in cli.fail("apply", "-f", bad)
    after = json.loads(cli.ok("get", "pods", "-o", "json", tick="0"))
    assert after == before
    assert clock == "2026-01-01T00:01:01Z\n"
    assert cli.ok("clock", "show") == "2026-01-01T00:01:03Z\n"


# ---- item 1: the verbs that wait stream in short committed steps ------------------------------------------------
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

CHATTY = ["run", "chatty", "--image=busybox", "--", "sh", "-c", "while true; do echo tick; sleep 1; done"]
# a loop the engine cannot fast-forward (it writes a file): a day of it takes the watch long enough to run beside
STEPPED = ["run", "chatty", "--image=busybox", "--", "sh", "-c",
           "while true; do echo tick > /tmp/t; cat /tmp/t; sleep 1; done"]
CRASH = ["run", "crash", "--image=busybox", "--", "sh", "-c", "sleep 2; exit 3"]


def _spawn(cli, *args: str) -> subprocess.Popen:
    env = dict(os.environ, MINIKCTL_HOME=str(cli.home))
    env.pop("MINIKCTL_TICK", None)
    env.pop("MINIKCTL_SPEED", None)
    env.pop("PYTHONUNBUFFERED", None)  # the lines must come because minikctl flushes them, not by the environment
    # as a terminal's foreground job: SIGINT at its default, whatever the shell that started the tests did with it
    return subprocess.Popen([*cli.argv, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _stop(proc: subprocess.Popen) -> tuple[str, str]:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    return proc.communicate(timeout=60)


def test_a_watch_streams_and_other_commands_run_beside_it(cli):
    """get -w over a day of crash loops, output piped: its lines arrive while it runs, and a write and a read in
    parallel finish about as fast as without it (before: they waited for the whole watch)."""
    cli.ok(*STEPPED)
    cli.ok(*CRASH)
    cli.ok("run", "quiet", "--image=busybox", "--", "sleep", "9999999")
    watcher = _spawn(cli, "get", "pods", "-w", "--request-timeout=24h")
    try:
        assert watcher.stdout.readline().startswith("NAME ")
        assert watcher.stdout.readline()
        for i in range(3):
            started = time.monotonic()
            done = cli("--lock-timeout=10s", "label", "pod", "quiet", f"round={i}", "--overwrite",
                       env={"MINIKCTL_LOCK_TRACE": "1"})
            label_s = time.monotonic() - started
            assert done.returncode == 0, done.stderr
            waited = float(done.stderr.split("lock: waited ", 1)[1].split("s", 1)[0])
            assert waited < 1.0  # the watch's step ends within ~0.1 s of a writer arriving (before: the whole watch)
            started = time.monotonic()
            assert "quiet" in cli.ok("get", "pods")
            get_s = time.monotonic() - started
            assert watcher.poll() is None, "the watch should still be running"
            assert label_s < 8 and get_s < 8  # process start-up on a busy machine; the lock wait is ~0.1 s
        # the watcher saw the label made between two of its steps (another command's change, from the log)
        line = ""
        deadline = time.monotonic() + 30
        while "quiet" not in line and time.monotonic() < deadline:
            line = watcher.stdout.readline()
        assert line.startswith("quiet ")
    finally:
        out, err = _stop(watcher)
    # Ctrl-C: kubectl's interrupt handler exits with 1, silently (kubectl/pkg/util/interrupt)
    assert watcher.returncode == 1 and err == ""
    assert "round=2" in cli.ok("get", "pod", "quiet", "--show-labels")


def test_ctrl_c_keeps_every_step_shown(cli):
    """A paced watch (--speed: virtual time follows the wall clock) interrupted after it showed the pod Running:
    the state it showed is committed."""
    cli.ok("run", "nginx", "--image=nginx")
    watcher = _spawn(cli, "get", "pods", "-w", "--speed", "2")
    try:
        seen = []
        while not any(" Running " in s for s in seen):
            line = watcher.stdout.readline()
            assert line, "the watch ended before the pod ran"
            seen.append(line)
        assert watcher.poll() is None  # paced: it goes on while nothing is pending, as kubectl get -w does
    finally:
        out, err = _stop(watcher)
    assert watcher.returncode == 1 and err == ""
    assert "Running" in cli.ok("get", "pod", "nginx", tick="0")


def test_logs_follow_streams_line_by_line_and_ctrl_c_ends_it_as_the_signal(cli):
    cli.ok("run", "counter", "--image=busybox", "--", "sh", "-c",
           "i=0; while true; do i=$((i+1)); echo line $i; sleep 1; done")
    cli.ok("clock", "advance", "3s")
    follower = _spawn(cli, "logs", "-f", "counter", "--speed", "4")
    try:
        first = follower.stdout.readline()
        assert first == "line 1\n"
        later = [follower.stdout.readline() for _ in range(6)]
        assert later == [f"line {i}\n" for i in range(2, 8)]
        assert follower.poll() is None
    finally:
        out, err = _stop(follower)
    # kubectl logs -f has no interrupt handler: it dies of SIGINT (a shell says 130)
    assert follower.returncode == -signal.SIGINT and err == ""
    assert "line 7" in cli.ok("logs", "counter")


def test_piped_output_is_the_same_bytes_as_one_transaction_gave(cli):
    """Output not a terminal: virtual time jumps from event to event as before; the steps change nothing printed."""
    cli.ok("run", "nginx", "--image=nginx")
    assert cli.ok("get", "pods", "-w") == ("NAME    READY   STATUS              RESTARTS   AGE\n"
                                           "nginx   0/1     ContainerCreating   0          1s\n"
                                           "nginx   1/1     Running             0          2s\n")
    cli.ok("run", "chatty", "--image=busybox", "--", "sh", "-c", "for i in 1 2 3; do echo tick $i; sleep 1; done")
    assert cli.ok("logs", "-f", "chatty") == "tick 1\ntick 2\ntick 3\n"
    cli.ok(*CRASH)
    first = cli.ok("get", "pods", "-w", "--request-timeout=5m")
    assert first.count("crash ") > 6
    # the same commands on a new store print the same bytes
    other = type(cli)(cli.home.parent / "again")
    other.ok("run", "nginx", "--image=nginx")
    other.ok("get", "pods", "-w")
    other.ok("run", "chatty", "--image=busybox", "--", "sh", "-c", "for i in 1 2 3; do echo tick $i; sleep 1; done")
    other.ok("logs", "-f", "chatty")
    other.ok(*CRASH)
    assert other.ok("get", "pods", "-w", "--request-timeout=5m") == first


def test_wait_sees_a_deletion_made_by_another_command(cli):
    cli.ok("run", "quiet", "--image=busybox", "--", "sleep", "9999999")
    waiter = _spawn(cli, "wait", "--for=delete", "pod/quiet", "--timeout=1h", "--speed", "1")
    try:
        time.sleep(1.5)
        assert waiter.poll() is None
        cli.ok("delete", "pod", "quiet", "--now", "--wait=false")
        out, err = waiter.communicate(timeout=60)
    finally:
        _stop(waiter)
    assert waiter.returncode == 0, err
    assert out == "pod/quiet condition met\n"


def test_clock_run_lets_the_cluster_live_until_ctrl_c(cli):
    cli.ok(*CHATTY)
    runner = _spawn(cli, "clock", "run", "--speed", "10")
    try:
        time.sleep(3)
        assert runner.poll() is None
        shown = cli.ok("logs", "chatty")
    finally:
        out, err = _stop(runner)
    assert runner.returncode == 0, err
    assert shown.count("tick") >= 5
    assert out.endswith("Z\n") and out == cli.ok("clock", "show", tick="0")


def test_a_bad_speed_is_refused(cli):
    assert 'invalid --speed "fast"' in cli.fail("get", "pods", "-w", "--speed", "fast")


def test_a_watch_of_events_sees_the_events_of_another_command(cli):
    cli.ok("run", "first", "--image=busybox", "--", "sleep", "9999999")
    watcher = _spawn(cli, "get", "events", "-w", "--speed", "1")
    try:
        assert watcher.stdout.readline().startswith("LAST SEEN")
        time.sleep(1)
        cli.ok("run", "second", "--image=busybox", "--", "sleep", "9999999")
        line = ""
        deadline = time.monotonic() + 30
        while "pod/second" not in line and time.monotonic() < deadline:
            line = watcher.stdout.readline()
        # the scheduler's event was recorded by the other command (the watch's own steps record the kubelet's)
        assert "Scheduled" in line and "pod/second" in line
    finally:
        _stop(watcher)
    assert watcher.returncode == 1


def _spawn_ignoring_sigint(cli, *args: str) -> subprocess.Popen:
    """As a non-interactive shell starts a job with ``&``: SIGINT ignored from the start (inherited over exec)."""
    env = dict(os.environ, MINIKCTL_HOME=str(cli.home))
    env.pop("MINIKCTL_TICK", None)
    env.pop("MINIKCTL_SPEED", None)
    return subprocess.Popen([*cli.argv, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))


def test_started_with_sigint_ignored_a_watch_still_stops_on_ctrl_c_and_logs_f_does_not(cli):
    """Go leaves an ignored SIGINT ignored unless the program calls signal.Notify for it, which kubectl's interrupt
    handler does (kubectl/pkg/util/interrupt, under get -w) and logs -f does not (os/signal package docs)."""
    cli.ok("run", "counter", "--image=busybox", "--", "sh", "-c",
           "i=0; while true; do i=$((i+1)); echo line $i; sleep 1; done")
    watcher = _spawn_ignoring_sigint(cli, "get", "pods", "-w", "--speed", "4")
    follower = _spawn_ignoring_sigint(cli, "logs", "-f", "counter", "--speed", "4")
    try:
        assert watcher.stdout.readline().startswith("NAME ")
        assert follower.stdout.readline() == "line 1\n"
        follower.send_signal(signal.SIGINT)
        watcher.send_signal(signal.SIGINT)
        assert watcher.wait(timeout=60) == 1  # kubectl's handler: exit 1, silently
        assert watcher.stderr.read() == ""
        for i in range(2, 5):  # the ignored signal changed nothing: the lines go on
            assert follower.stdout.readline() == f"line {i}\n"
        assert follower.poll() is None
    finally:
        for p in (watcher, follower):
            if p.poll() is None:
                p.terminate()
            p.communicate(timeout=60)
    assert follower.returncode == -signal.SIGTERM

"""minikctl timeline: the recorded history of a pod, as a table when not on a terminal."""

from __future__ import annotations


def test_timeline_of_a_crash_looping_pod(cli, manifest):
    cli.ok("apply", "-f", manifest(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: c\n"
        "    image: busybox:1.36\n    command: [sh, -c, 'sleep 2; exit 3']\n"))
    for _ in range(6):
        cli.ok("get", "pods")
    out = cli.ok("timeline", "crash", tick="0").splitlines()
    assert out[0].split()[:4] == ["TIME", "AFTER", "PHASE", "CONDITIONS"]
    assert out[0].split()[-1] == "C"
    body = "\n".join(out[1:])
    assert "Running" in body and "Terminated:Error(3)" in body
    # one row per recorded change, in time order
    times = [line.split()[0] for line in out[1:]]
    assert times == sorted(times)
    # the chart is only drawn on request or on a terminal, with rich
    chart = cli.ok("timeline", "pod/crash", "--chart", tick="0")
    assert "pod/crash" in chart and "phase" in chart


def test_timeline_of_missing_pod(cli):
    assert cli.fail("timeline", "nope") == 'Error from server (NotFound): pods "nope" not found\n'


LIVENESS = "https://k8s.io/examples/pods/probe/exec-liveness.yaml"
PICTURE_ENV = {"COLUMNS": "120", "NO_COLOR": "1"}


def _lane(picture: str, name: str) -> str:
    return next(line for line in picture.splitlines() if line.startswith(name + " "))


def test_liveness_restarts_are_separate_instances_after_one_big_advance(cli):
    """kubernetes.io's exec-liveness pod restarted 4 times in one `clock advance`: 5 instances, each restart
    drawn where it happened (the picture is built from the recorded changes, not from when commands ran)."""
    cli.ok("apply", "-f", LIVENESS, tick="0")
    cli.ok("clock", "advance", "5m", tick="0")
    assert " 4 (" in cli.ok("get", "pods", tick="0")
    picture = cli.ok("timeline", "liveness-exec", "--chart", tick="0", env=PICTURE_ENV)
    assert "5 instances" in picture
    lane = _lane(picture, "liveness")
    assert lane.count("┃") == 4  # each restart starts a new segment
    assert "\x1b[" not in picture  # NO_COLOR (and not a terminal): characters, not colours
    assert "█" in lane and "states: █ running, ready" in picture and "! Unhealthy" in picture
    assert "Unhealthy ×" in picture and "Killing ×4" in picture


def test_on_a_terminal_colour_unless_no_color(cli):
    import os

    from ptyrun import Pty

    cli.ok("apply", "-f", LIVENESS, tick="0")
    cli.ok("clock", "advance", "2m", tick="0")
    env = dict(os.environ, MINIKCTL_HOME=str(cli.home), MINIKCTL_TICK="0", COLUMNS="120")
    env.pop("NO_COLOR", None)
    term = Pty([*cli.argv, "timeline", "liveness-exec"], env)
    rc, coloured = term.finish()
    assert rc == 0 and "\x1b[32m" in coloured and "█" in coloured  # the picture is the default on a terminal
    term = Pty([*cli.argv, "timeline", "liveness-exec"], {**env, "NO_COLOR": "1"})
    rc, plain = term.finish()
    assert rc == 0 and "\x1b[32m" not in plain and "█" in plain and "┃" in plain


def test_the_same_history_whatever_the_size_of_the_advances(tmp_path):
    from tests.conftest import Cli

    one, many = Cli(tmp_path / "one"), Cli(tmp_path / "many")
    for c in (one, many):
        c.ok("apply", "-f", LIVENESS, tick="0")
    one.ok("clock", "advance", "5m", tick="0")
    for _ in range(10):
        many.ok("clock", "advance", "30s", tick="0")
    assert one.ok("timeline", "liveness-exec", tick="0") == many.ok("timeline", "liveness-exec", tick="0")
    assert (one.ok("timeline", "liveness-exec", "--chart", tick="0", env=PICTURE_ENV)
            == many.ok("timeline", "liveness-exec", "--chart", tick="0", env=PICTURE_ENV))


def test_quiet_stretches_are_compressed_and_said(cli, manifest):
    cli.ok("apply", "-f", manifest(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: once\nspec:\n  restartPolicy: Never\n  containers:\n"
        "  - name: c\n    image: busybox\n    command: [sh, -c, 'sleep 20; echo ok']\n"), tick="0")
    cli.ok("clock", "advance", "6h", tick="0")
    picture = cli.ok("timeline", "once", "--chart", tick="0", env=PICTURE_ENV)
    assert "≈" in picture and "with no change compressed" in picture
    lane = _lane(picture, "c")
    # 20 s of running take most of the width; 6 h of nothing take a few cells
    assert lane.count("█") > 60 and lane.rstrip().endswith("▁")


def test_svg(cli, tmp_path):
    cli.ok("apply", "-f", LIVENESS, tick="0")
    cli.ok("clock", "advance", "2m", tick="0")
    out = tmp_path / "t.svg"
    assert cli.ok("timeline", "liveness-exec", "--svg", str(out), tick="0") == ""
    text = out.read_text()
    assert text.startswith("<svg") and "liveness" in text
    err = cli.fail("timeline", "liveness-exec", "--svg", str(tmp_path / "no" / "such" / "t.svg"), tick="0")
    assert err.startswith("error: cannot write ")


def test_a_fast_forwarded_crash_loop_keeps_its_restart_times(tmp_path):
    """The kubelet jumps over whole crash-loop cycles in one long advance; the timeline still shows each restart
    at its instant, exactly as when time moved 5 s per command (no cycle jumped over)."""
    from tests.conftest import Cli

    one, stepped = Cli(tmp_path / "one"), Cli(tmp_path / "stepped")
    for c in (one, stepped):
        c.ok("run", "crash", "--image=busybox", "--", "sh", "-c", "sleep 2; exit 3", tick="0")
    one.ok("clock", "advance", "2m", tick="0")
    for _ in range(24):
        stepped.ok("clock", "advance", "5s", tick="0")
    table = one.ok("timeline", "crash", tick="0")
    assert table == stepped.ok("timeline", "crash", tick="0")
    restarts = [line.split()[1] for line in table.splitlines() if "Running (ready, restarts=" in line]
    assert restarts == ["+4s", "+16s", "+38s", "+80s"]  # back-off 10 s, 20 s, 40 s after each 2 s run
    picture = one.ok("timeline", "crash", "--chart", tick="0", env=PICTURE_ENV)
    assert "5 instances" in picture and _lane(picture, "crash").count("┃") == 4

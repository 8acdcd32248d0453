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

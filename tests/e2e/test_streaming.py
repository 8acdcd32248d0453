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

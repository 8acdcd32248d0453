"""The pod behaviours kubernetes.io documents for its own examples, through the CLI, at the exact times of the
default timing profile (lifecycle.md §10.3: image pulls 1 s, PLEG reaction 1 s, first restart immediate,
SIGKILL at the end of a 30 s grace period). MINIKCTL_TICK=0 so only `clock advance` moves time."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="corpus not present")


def _at(cli, seconds: int) -> None:
    """Move the clock to `seconds` after the store's epoch (where the pods were created)."""
    now = cli.ok("clock", "show", tick="0").strip()
    mm, ss = int(now[14:16]), int(now[17:19])
    delta = seconds - (int(now[11:13]) * 3600 + mm * 60 + ss)
    assert delta >= 0
    if delta:
        cli.ok("clock", "advance", f"{delta}s", tick="0")


def _row(cli, name: str, *ns: str) -> list[str]:
    import re

    return re.split(r"\s{2,}", cli.ok("get", "pod", name, "--no-headers", *ns, tick="0").strip())


def _events(cli, name: str, *ns: str) -> str:
    text = cli.ok("describe", "pod", name, *ns, tick="0")
    return text[text.index("Events:"):]


def test_liveness_exec_restart_timeline(cli):
    """pods/probe/exec-liveness.yaml: probes from start+5 s every 5 s; the file goes at start+30 s; three failures
    kill the container at start+40 s; the shell ignores SIGTERM, so it dies at the end of the 30 s grace period and
    is restarted at once: RESTARTS 1 at 71 s."""
    cli.ok("apply", "-f", str(CORPUS / "pods/probe/exec-liveness.yaml"), tick="0")
    _at(cli, 30)
    assert "Unhealthy" not in _events(cli, "liveness-exec")
    assert _row(cli, "liveness-exec")[:4] == ["liveness-exec", "1/1", "Running", "0"]
    _at(cli, 40)
    assert "Unhealthy  4s (x2 over 9s)" in _events(cli, "liveness-exec")
    _at(cli, 41)
    events = _events(cli, "liveness-exec")
    assert ("Warning  Unhealthy  0s (x3 over 10s)  kubelet            Liveness probe failed: cat: can't open "
            "'/tmp/healthy': No such file or directory") in events
    assert "Normal   Killing    0s                kubelet            Container liveness failed liveness probe, will be restarted" in events
    _at(cli, 70)
    assert _row(cli, "liveness-exec")[:4] == ["liveness-exec", "1/1", "Running", "0"]
    _at(cli, 71)
    assert _row(cli, "liveness-exec")[:4] == ["liveness-exec", "1/1", "Running", "1 (0s ago)"]
    last = json.loads(cli.ok("get", "pod", "liveness-exec", "-o", "jsonpath={.status.containerStatuses[0].lastState}",
                             tick="0"))
    assert last["terminated"]["exitCode"] == 137 and last["terminated"]["reason"] == "Error"
    assert last["terminated"]["finishedAt"] == "2026-01-01T00:01:11Z"


def test_init_container_progression(cli):
    """pods/init-containers.yaml: Init:0/1 while the init container runs, PodInitializing once it has finished
    (noticed 1 s later, then nginx's image takes 2 s to pull), then Running."""
    cli.ok("apply", "-f", str(CORPUS / "pods/init-containers.yaml"), tick="0")
    seen = []
    for t in range(6):
        _at(cli, t)
        seen.append(_row(cli, "init-demo")[2])
    assert seen == ["Init:0/1", "PodInitializing", "PodInitializing", "PodInitializing", "Running", "Running"]
    described = cli.ok("describe", "pod", "init-demo", tick="0")
    assert "Init Containers:\n  install:\n" in described
    assert "      Reason:       Completed\n      Exit Code:    0\n" in described


def test_oomkilled_loop(cli):
    """pods/resource/memory-request-limit-2.yaml: stress allocates 250M under a 100Mi limit: OOMKilled (137),
    restarted, OOMKilled again, then CrashLoopBackOff with a BackOff event."""
    cli.ok("create", "namespace", "mem-example", tick="0")
    cli.ok("apply", "-f", str(CORPUS / "pods/resource/memory-request-limit-2.yaml"), tick="0")
    statuses = []
    for t in range(1, 8):
        _at(cli, t)
        statuses.append(_row(cli, "memory-demo-2", "-n", "mem-example")[2])
    assert statuses[:5] == ["Running", "OOMKilled", "Running", "OOMKilled", "CrashLoopBackOff"]
    pod = json.loads(cli.ok("get", "pod", "memory-demo-2", "-n", "mem-example", "-o", "json", tick="0"))
    last = pod["status"]["containerStatuses"][0]["lastState"]["terminated"]
    assert (last["reason"], last["exitCode"]) == ("OOMKilled", 137)
    assert "Back-off restarting failed container memory-demo-2-ctr in pod memory-demo-2_mem-example(" in \
        _events(cli, "memory-demo-2", "-n", "mem-example")


def test_unschedulable_requests(cli):
    """pods/resource/memory-request-limit-3.yaml asks for 1000Gi: Pending for good, FailedScheduling."""
    cli.ok("create", "namespace", "mem-example", tick="0")
    cli.ok("apply", "-f", str(CORPUS / "pods/resource/memory-request-limit-3.yaml"), tick="0")
    cli.ok("clock", "advance", "10m", tick="0")
    assert _row(cli, "memory-demo-3", "-n", "mem-example")[:4] == ["memory-demo-3", "0/1", "Pending", "0"]
    assert ("Warning  FailedScheduling  " in _events(cli, "memory-demo-3", "-n", "mem-example"))
    assert "0/1 nodes are available: 1 Insufficient memory." in _events(cli, "memory-demo-3", "-n", "mem-example")
    cond = cli.ok("get", "pod", "memory-demo-3", "-n", "mem-example", "-o",
                  'jsonpath={.status.conditions[?(@.type=="PodScheduled")].reason}', tick="0")
    assert cond == "Unschedulable"


def test_termination_message(cli):
    """debug/termination.yaml: after 10 s the container writes "Sleep expired" and exits 0; with restartPolicy
    Always it restarts and the message stays under lastState.terminated."""
    cli.ok("apply", "-f", str(CORPUS / "debug/termination.yaml"), tick="0")
    _at(cli, 12)
    last = json.loads(cli.ok("get", "pod", "termination-demo", "-o",
                             "jsonpath={.status.containerStatuses[0].lastState.terminated}", tick="0"))
    assert last["message"] == "Sleep expired\n"
    assert last["exitCode"] == 0 and last["reason"] == "Completed"


def test_same_script_twice_is_byte_identical(tmp_path):
    from tests.conftest import Cli

    outputs = []
    for home in (tmp_path / "one", tmp_path / "two"):
        c = Cli(home)
        text = c.ok("apply", "-f", str(CORPUS / "pods/probe/exec-liveness.yaml"))
        text += c.ok("clock", "advance", "3m")
        text += c.ok("get", "pods", "-o", "wide")
        text += c.ok("describe", "pod", "liveness-exec")
        text += c.ok("get", "events")
        text += c.ok("get", "pod", "liveness-exec", "-o", "json")
        outputs.append(text)
    assert outputs[0] == outputs[1]


def test_node_capacity_is_configurable_and_rescheduling_follows(cli):
    """The unschedulable pod schedules once the node advertises enough memory (as `kubectl patch node
    --subresource=status` fakes capacity on a real cluster); bad node updates are refused."""
    cli.ok("create", "namespace", "mem-example", tick="0")
    cli.ok("apply", "-f", str(CORPUS / "pods/resource/memory-request-limit-3.yaml"), tick="0")
    cli.ok("clock", "advance", "10s", tick="0")
    assert _row(cli, "memory-demo-3", "-n", "mem-example")[2] == "Pending"
    assert cli.ok("patch", "node", "node1", "--subresource=status", "-p",
                  '{"status":{"allocatable":{"memory":"2000Gi"},"capacity":{"memory":"2000Gi"}}}', tick="0") == \
        "node/node1 patched\n"
    cli.ok("clock", "advance", "5s", tick="0")
    assert _row(cli, "memory-demo-3", "-n", "mem-example")[2] == "Running"
    assert "Invalid value: \"lots\"" in cli.fail("patch", "node", "node1", "--subresource=status", "-p",
                                                 '{"status":{"allocatable":{"cpu":"lots"}}}', tick="0")
    err = cli.fail("patch", "node", "node1", "-p", '{"spec":{"taints":[{"key":"x","effect":"Bogus"}]}}', tick="0")
    assert 'spec.taints[0].effect: Unsupported value: "Bogus"' in err

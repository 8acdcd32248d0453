"""Printers: printPod's READY/STATUS/RESTARTS (kubectl-ux.md §3.2 cases), the tabwriter, describe's layout."""

from __future__ import annotations

import pytest

from minikctl.kube.timefmt import parse_rfc3339
from minikctl.api.registry.pod import row as pod_row
from minikctl.printers.table import table
from minikctl.printers.tabwriter import tabwrite

NOW = parse_rfc3339("2026-01-01T12:00:00Z")


def ago(seconds: int) -> str:
    from minikctl.kube.timefmt import rfc3339

    return rfc3339(NOW - seconds * 1000)


R = {"running": {"startedAt": "2026-01-01T00:00:00Z"}}


def W(reason: str = "") -> dict:
    return {"waiting": {"reason": reason}} if reason else {"waiting": {}}


def T(reason: str, code: int, signal: int = 0) -> dict:
    t = {"exitCode": code, "reason": reason}
    if signal:
        t["signal"] = signal
    return {"terminated": t}


def cs(name, state=None, rc=0, ready=False, last=None, started=None):
    s = {"name": name, "restartCount": rc, "ready": ready}
    if state is not None:
        s["state"] = state
    if last is not None:
        s["lastState"] = {"terminated": {"finishedAt": ago(last), "exitCode": 1}}
    if started is not None:
        s["started"] = started
    return s


def pod(containers=1, inits=(), phase="Running", statuses=(), init_statuses=(), conditions=(), reason="", deleting=False):
    p = {"metadata": {"name": "p"},
         "spec": {"containers": [{"name": f"c{i + 1}"} for i in range(containers)],
                  "initContainers": [dict(i) for i in inits]},
         "status": {"phase": phase, "containerStatuses": list(statuses),
                    "initContainerStatuses": list(init_statuses), "conditions": list(conditions)}}
    if reason:
        p["status"]["reason"] = reason
    if deleting:
        p["metadata"]["deletionTimestamp"] = ago(0)
    return p


CASES = [
    # (#, pod, READY, STATUS, RESTARTS) from printers_test.go TestPrintPod & friends
    (1, pod(2, phase="podPhase", statuses=[cs("c1", R, 3, True), cs("c2", None, 3)]), "1/2", "podPhase", "6"),
    (2, pod(2, phase="podPhase", statuses=[cs("c1", R, 3, True), cs("c2", W("ContainerWaitingReason"), 3)]),
     "1/2", "ContainerWaitingReason", "6"),
    (3, pod(2, phase="podPhase", statuses=[cs("c1", W("ContainerWaitingReason"), 3),
                                          cs("c2", T("ContainerTerminatedReason", 1), 3)]),
     "0/2", "ContainerWaitingReason", "6"),
    (5, pod(2, phase="podPhase", reason="podReason", statuses=[cs("c1", R, 3, True), cs("c2", None, 3, True)]),
     "1/2", "podReason", "6"),
    (6, pod(2, statuses=[cs("c1", T("Completed", 0), 3, True), cs("c2", R, 3, True)]), "1/2", "NotReady", "6"),
    (7, pod(2, statuses=[cs("c1", T("Completed", 0), 3, True), cs("c2", R, 3, True)],
            conditions=[{"type": "Ready", "status": "True"}]), "1/2", "Running", "6"),
    (8, pod(1, inits=[{"name": "i1"}], phase="Pending", init_statuses=[cs("i1", R, 3, last=10)],
            statuses=[cs("c1", W())]), "0/1", "Init:0/1", "3 (10s ago)"),
    (10, pod(1, inits=[{"name": "i1"}, {"name": "i2"}], phase="Pending",
             init_statuses=[cs("i1", T("", 0)), cs("i2", R, 3, last=10)]), "0/1", "Init:1/2", "3 (10s ago)"),
    (12, pod(1, inits=[{"name": "i1"}], init_statuses=[cs("i1", T("", 0), 2, last=120)],
             statuses=[cs("c1", R, 4, last=20)]), "0/1", "Running", "4 (20s ago)"),
    (15, pod(2, statuses=[cs("c1", R, 6, True, last=5 * 86400), cs("c2", R, 3, True, last=20 * 86400)]),
     "2/2", "Running", "9 (5d ago)"),
    (16, pod(2, phase="podPhase", conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]),
     "0/2", "SchedulingGated", "0"),
    (18, pod(1, phase="Failed", statuses=[cs("c1", T("Error", 1))]), "0/1", "Error", "0"),
    (19, pod(1, phase="Succeeded", statuses=[cs("c1", T("Completed", 0))], deleting=True), "0/1", "Completed", "0"),
    (20, pod(1, statuses=[cs("c1", R)], deleting=True), "0/1", "Terminating", "0"),
    (22, pod(1, inits=[{"name": "s1", "restartPolicy": "Always"}, {"name": "s2", "restartPolicy": "Always"}],
             phase="Pending", init_statuses=[cs("s1", R, 3, last=10, started=False), cs("s2", W(), started=False)],
             conditions=[{"type": "Initialized", "status": "False"}]), "0/3", "Init:0/2", "3 (10s ago)"),
    (24, pod(1, inits=[{"name": "s1", "restartPolicy": "Always"}, {"name": "s2", "restartPolicy": "Always"}],
             init_statuses=[cs("s1", R, 3, last=10, started=True), cs("s2", R, started=True)],
             statuses=[cs("c1", R, 4, True, last=20)], conditions=[{"type": "Initialized", "status": "True"}]),
     "1/3", "Running", "7 (10s ago)"),
    ("T3", pod(1, statuses=[cs("c1", T("", 3))]), "0/1", "ExitCode:3", "0"),
    ("S9", pod(1, statuses=[cs("c1", T("", 0, signal=9))]), "0/1", "Signal:9", "0"),
    ("IE", pod(1, inits=[{"name": "i1"}], phase="Pending", init_statuses=[cs("i1", T("Error", 1))]),
     "0/1", "Init:Error", "0"),
    ("IC", pod(1, inits=[{"name": "i1"}], phase="Pending", init_statuses=[cs("i1", W("CrashLoopBackOff"))]),
     "0/1", "Init:CrashLoopBackOff", "0"),
    ("IS", pod(1, inits=[{"name": "i1"}], phase="Pending", init_statuses=[cs("i1", T("", 143, signal=15))]),
     "0/1", "Init:Signal:15", "0"),
]


@pytest.mark.parametrize("case", CASES, ids=[str(c[0]) for c in CASES])
def test_print_pod(case):
    _, p, ready, status, restarts = case
    row = pod_row(p, NOW)
    assert row[1:4] == [ready, status, restarts]
    assert row[4] == "<unknown>"  # no creationTimestamp


def test_wide_columns():
    p = pod(1, statuses=[cs("c1", R, ready=True)])
    p["spec"]["nodeName"] = "test1"
    p["spec"]["readinessGates"] = [{"conditionType": "a"}, {"conditionType": "b"}, {"conditionType": "c"}]
    p["status"]["podIPs"] = [{"ip": "1.1.1.1"}, {"ip": "2001:db8::"}]
    p["status"]["nominatedNodeName"] = "node1"
    p["status"]["conditions"] = [{"type": "a", "status": "True"}]
    assert pod_row(p, NOW, wide=True)[5:] == ["1.1.1.1", "test1", "node1", "1/3"]
    assert pod_row(pod(1), NOW, wide=True)[5:] == ["<none>", "<none>", "<none>", "<none>"]


def test_table_layout_matches_kubectl():
    rows = [["done", "0/1", "Completed", "0", "3h4m"], ["liveness-exec", "1/1", "Running", "2 (41s ago)", "3m10s"]]
    assert table(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], rows) == (
        "NAME            READY   STATUS      RESTARTS      AGE\n"
        "done            0/1     Completed   0             3h4m\n"
        "liveness-exec   1/1     Running     2 (41s ago)   3m10s\n")
    assert table(["NAME"], []) == ""
    assert table(["A", "B"], [["x\ny", "z"]], no_headers=True) == "x...   z\n"


def test_tabwriter_blocks_end_at_lines_without_tabs():
    text = "Image:\tnginx\nArgs:\n  a\nState:\tRunning\n  Started:\tnow\n"
    assert tabwrite(text, minwidth=0, padding=2) == (
        "Image:  nginx\nArgs:\n  a\nState:      Running\n  Started:  now\n")


def test_describe_events_age_and_counts():
    from minikctl.printers.describe import describe_pod

    p = pod(1, statuses=[cs("c1", R, ready=True)])
    p["metadata"].update(namespace="default", creationTimestamp=ago(300))
    events = [
        {"type": "Warning", "reason": "Unhealthy", "message": "Liveness probe failed: x ", "count": 6,
         "firstTimestamp": ago(148), "lastTimestamp": ago(53), "source": {"component": "kubelet"}},
        {"type": "Normal", "reason": "Scheduled", "message": "Successfully assigned default/p to node1", "count": 1,
         "firstTimestamp": ago(193), "lastTimestamp": ago(193), "source": {"component": "default-scheduler"}},
    ]
    text = describe_pod(p, events, NOW)
    assert text.endswith(
        "Events:\n"
        "  Type     Reason     Age                  From               Message\n"
        "  ----     ------     ----                 ----               -------\n"
        "  Normal   Scheduled  3m13s                default-scheduler  Successfully assigned default/p to node1\n"
        "  Warning  Unhealthy  53s (x6 over 2m28s)  kubelet            Liveness probe failed: x\n")
    assert "Conditions:" not in text  # no conditions in status: no section
    assert "\nAnnotations:  <none>\nStatus:       Running\n" in text

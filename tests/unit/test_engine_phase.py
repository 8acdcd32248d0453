"""getPhase cases of kubelet_pods_test.go (lifecycle.md §1.4) and the condition rules."""

import pytest

from minikctl.engine.kubelet.phase import get_phase, kubelet_conditions, ready_condition


def running(n):
    return {"name": n, "state": {"running": {}}}


def started(n):
    return {"name": n, "state": {"running": {}}, "started": True}


def stopped(n):
    return {"name": n, "state": {"terminated": {"exitCode": 0}}}


succeeded = stopped


def failed(n):
    return {"name": n, "state": {"terminated": {"exitCode": -1}}}


def waiting(n):
    return {"name": n, "state": {"waiting": {}}}


def waiting_last(n, code):
    return {"name": n, "state": {"waiting": {}}, "lastState": {"terminated": {"exitCode": code}}}


def spec(policy, inits=(), sidecars=(), regular=("A", "B")):
    s = {"restartPolicy": policy, "containers": [{"name": n} for n in regular]}
    init = [{"name": n} for n in inits] + [{"name": n, "restartPolicy": "Always"} for n in sidecars]
    if init:
        s["initContainers"] = init
    return s


CASES = [
    # (id, spec, init statuses, statuses, terminal, initialized, expected)
    (1, spec("Always"), [], [], False, False, "Pending"),
    (2, spec("Always"), [], [running("A"), running("B")], False, False, "Running"),
    (3, spec("Always"), [], [stopped("A"), stopped("B")], False, False, "Running"),
    (4, spec("Always"), [], [succeeded("A"), succeeded("B")], True, False, "Succeeded"),
    (5, spec("Always"), [], [succeeded("A"), failed("B")], True, False, "Failed"),
    (6, spec("Always"), [], [running("A"), stopped("B")], False, False, "Running"),
    (7, spec("Always"), [], [running("A")], False, False, "Pending"),
    (8, spec("Always"), [], [running("A"), waiting("B")], False, False, "Pending"),
    (9, spec("Always"), [], [running("A"), waiting_last("B", 0)], False, False, "Running"),
    (10, spec("Always", inits=["X"]), [running("X")], [], False, False, "Pending"),
    (11, spec("Always", inits=["X"]), [failed("X")], [], False, False, "Pending"),
    (12, spec("Always", inits=["X"]), [waiting_last("X", -1)], [], False, False, "Pending"),
    (13, spec("Always", inits=["X"]), [succeeded("X")], [running("A"), running("B")], False, False, "Running"),
    (14, spec("Never"), [], [succeeded("A"), succeeded("B")], False, False, "Succeeded"),
    (15, spec("Never"), [], [failed("A"), failed("B")], False, False, "Failed"),
    (16, spec("Never"), [], [running("A"), succeeded("B")], False, False, "Running"),
    (17, spec("Never"), [], [running("A")], False, False, "Pending"),
    (18, spec("Never", inits=["X"]), [failed("X")], [], False, False, "Failed"),
    (19, spec("Never", inits=["X"]), [waiting_last("X", -1)], [], False, False, "Failed"),
    (20, spec("Never", inits=["X"]), [waiting_last("X", 0)], [], False, False, "Pending"),
    (21, spec("OnFailure"), [], [succeeded("A"), succeeded("B")], False, False, "Succeeded"),
    (22, spec("OnFailure"), [], [failed("A"), failed("B")], False, False, "Running"),
    (23, spec("OnFailure"), [], [running("A"), waiting_last("B", 0)], False, False, "Running"),
    (24, spec("Always", sidecars=["Y"]), [running("Y")], [], False, False, "Pending"),
    (25, spec("Always", sidecars=["Y"]), [started("Y")], [running("A")], False, True, "Pending"),
    (26, spec("Always", sidecars=["Y"]), [started("Y")], [running("A"), running("B")], False, True, "Running"),
    (27, spec("Always", sidecars=["Y"]), [stopped("Y")], [running("A"), running("B")], False, True, "Running"),
    (28, spec("Always", sidecars=["Y"]), [failed("Y")], [succeeded("A"), succeeded("B")], True, True, "Succeeded"),
    (29, spec("Always", sidecars=["Y"]), [running("Y")], [running("A"), running("B")], False, False, "Pending"),
    (30, spec("Never", sidecars=["Y"]), [started("Y")], [succeeded("A"), succeeded("B")], False, True, "Running"),
    (31, spec("Never", sidecars=["Y"]), [succeeded("Y")], [succeeded("A"), succeeded("B")], False, True, "Succeeded"),
    (32, spec("Never", sidecars=["Y"]), [failed("Y")], [succeeded("A"), succeeded("B")], False, True, "Succeeded"),
    (33, spec("Always", inits=["X"], sidecars=["Y"], regular=["A"]), [running("X"), running("Y")], [running("A")],
     False, False, "Pending"),
    (34, spec("Always", inits=["X"], sidecars=["Y"], regular=["A"]), [succeeded("X"), running("Y")], [stopped("A")],
     False, True, "Running"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"row{c[0]}" for c in CASES])
def test_get_phase_matches_kubelet_tests(case):
    _, sp, inits, regs, terminal, initialized, expected = case
    assert get_phase(sp, inits, regs, terminal, initialized) == expected


def test_unready_message_lists_names_space_separated():
    sp = spec("Always")
    sts = [dict(running("A"), ready=False), dict(running("B"), ready=False)]
    conds = kubelet_conditions(sp, "Running", [], sts, True, True)
    cr = [c for c in conds if c[0] == "ContainersReady"][0]
    assert cr == ("ContainersReady", False, "ContainersNotReady", "containers with unready status: [A B]")
    assert ready_condition(sp, cr, []) == ("Ready", False, "ContainersNotReady", "containers with unready status: [A B]")


def test_readiness_gate_messages():
    sp = dict(spec("Always", regular=["A"]), readinessGates=[{"conditionType": "g1"}, {"conditionType": "g2"}])
    ok = ("ContainersReady", True, "", "")
    r = ready_condition(sp, ok, [{"type": "g2", "status": "False"}])
    assert r == ("Ready", False, "ReadinessGatesNotReady",
                 'corresponding condition of pod readiness gate "g1" does not exist., '
                 'the status of pod readiness gate "g2" is not "True", but False')
    assert ready_condition(sp, ok, [{"type": "g1", "status": "True"}, {"type": "g2", "status": "True"}])[1]


def test_initialized_incomplete_and_completed():
    sp = spec("Always", inits=["a", "b"], regular=["app"])
    conds = kubelet_conditions(sp, "Pending", [running("a")], [], True, False)
    init = [c for c in conds if c[0] == "Initialized"][0]
    assert init == ("Initialized", False, "ContainersNotInitialized",
                    "containers with unknown status: [b], containers with incomplete status: [a]")
    conds = kubelet_conditions(sp, "Succeeded", [succeeded("a"), succeeded("b")], [succeeded("app")], False, True)
    assert ("Initialized", True, "PodCompleted", "") in conds
    assert ("ContainersReady", False, "PodCompleted", "") in conds

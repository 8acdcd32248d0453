"""``periodic.analyse`` refuses a loop whose first instruction after its sleep is not pure without running copies
of it (``_impure_wake``): at every boundary of these loops its answer is the one running the copies gives."""

from __future__ import annotations

import json

import pytest

from minikctl.engine.behavior import periodic
from minikctl.engine.kubelet import procs

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default", "uid": "u"},
       "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}}

SCRIPTS = [
    "while true; do touch /tmp/ready; sleep 30; rm -f /tmp/ready; sleep 30; done",
    "while true; do echo hi; sleep 1; done",
    "i=0; while true; do echo $i; i=$((i+1)); sleep 1; done",
    "while true; do date > /tmp/x; sleep 5; done",
    "while true; do sleep 1; echo a >> /tmp/log; done",
    "while true; do echo up; sleep 2; touch /tmp/a; sleep 1; done",
    "while true; do sleep 1; done",
    "while :; do i=$((i+1)); done",
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_same_answer_as_running_copies(script, monkeypatch):
    img = procs.lookup_image("busybox:1.36")
    fs = procs.new_podfs(POD)
    view = fs.view("c", [], img)
    p = procs.spawn(["sh", "-c", script], {}, img, 1_000_000, None, view)
    seen = 0
    for _ in range(12):
        if p.exited or not p.blocked or p.blocked.get("until") is None:
            break
        quick = periodic.analyse(p, view)
        with monkeypatch.context() as m:
            m.setattr(periodic, "_impure_wake", lambda _p: False)
            full = periodic.analyse(p, view)
        assert json.dumps(quick, sort_keys=True) == json.dumps(full, sort_keys=True), script
        seen += periodic._impure_wake(p)
        p.step(p.blocked["until"], view)
    if "touch" in script or "rm" in script:
        assert seen

"""Issue 11, finding 2: the simulated container has a CPU and a memory, and the host has guards."""

from __future__ import annotations

from minikctl.engine.behavior import PodFS, Process, lookup_image, run_exec_timed
from minikctl.engine.behavior import process as P

BB = lookup_image("registry.k8s.io/busybox:1.27.2")
PY = lookup_image("python:3.12")
PERL = lookup_image("perl")


def view():
    return PodFS.new({"metadata": {"name": "p", "namespace": "default"},
                      "spec": {"containers": [{"name": "c", "image": "busybox"}]}}).view("c", [], image=BB)


def run(script: str, until: int = 3_600_000, memory: int | None = None, image=BB, argv=None) -> Process:
    p = Process.spawn(argv or ["sh", "-c", script], {}, image, 0, memory)
    fs = view()
    t = 0
    while not p.exited and t < until:
        p.step(t, fs)
        w = p.wake_ms
        if w is None:
            break
        t = max(w, t + 1)
    p.step(until, fs)
    return p


def out(p: Process) -> list[str]:
    return [line[2] for line in p.logs]


def test_arithmetic_wraps_at_64_bits():
    p = run("echo $((2**2**40)) $((9223372036854775807+1)) $((1<<64)) $((-9223372036854775808/-1)) $((0777)) "
            "$((99999999999999999999999))")
    assert out(p) == ["0 -9223372036854775808 1 -9223372036854775808 511 9223372036854775807"]
    p = run("echo $((2**-1))")
    assert p.exit_code == 2 and "exponent less than 0" in out(p)[0] and "4300" not in out(p)[0]


def test_a_doubling_string_is_oom_killed_at_its_limit():
    p = run("x=a; while true; do x=$x$x; done", memory=64 * 1024 * 1024)
    assert (p.exit_code, p.reason) == (137, "OOMKilled")
    assert not p.guard


def test_without_a_limit_the_host_guard_stops_it():
    p = run("x=a; while true; do x=$x$x; done")
    assert (p.exit_code, p.reason) == (137, "Error")
    assert p.guard.startswith("minikctl stopped the container: its shell data reached")


def test_recursion_doubling_arguments_is_bounded():
    p = run("f(){ f $1$1; }; f x", memory=16 * 1024 * 1024)
    assert (p.exit_code, p.reason) == (137, "OOMKilled")


def test_steps_take_cpu_time_throttled_by_limits_cpu():
    script = "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo done"
    full = run(script)
    assert out(full) == ["done"]
    throttled = Process.spawn(["sh", "-c", script], {}, BB, 0, None, cpu_limit=0.1)
    fs = view()
    t = 0
    while not throttled.exited:
        throttled.step(t, fs)
        t = throttled.wake_ms or t + 1
    assert full.exit_ms > 500  # ~100,000 steps: about a CPU-second
    assert 9 * full.exit_ms <= throttled.exit_ms <= 11 * full.exit_ms
    assert full.cpu_ns == throttled.cpu_ns


def test_a_chatty_loop_is_stopped_by_the_host_guard():
    p = run("while true; do echo x; sleep 0.001; done", until=10 ** 9)
    assert p.exited and p.guard and "in one command" in p.guard


def test_python_bignums_are_modelled_not_computed():
    p = run("", argv=["python3", "-c", "print(9**9**9)"], image=PY, memory=256 * 1024 * 1024)
    assert p.exited and p.exit_code == 1 and out(p)[-1].startswith("ValueError: Exceeds the limit (4300 digits)")
    p = run("", argv=["python3", "-c", "print(9**9**9)"], image=PY, memory=64 * 1024 * 1024)
    assert (p.exit_code, p.reason) == (137, "OOMKilled")
    p = run("", argv=["python3", "-c", "print(2**100)"], image=PY)
    assert out(p) == [str(2 ** 100)]


def test_perl_bpi_is_bounded():
    p = run("", argv=["perl", "-Mbignum=bpi", "-wle", "print bpi(99999999)"], image=PERL, until=10 ** 12)
    assert p.exit_code == 0 and len(out(p)[0]) == P.PI_MAX_DIGITS + 1


def test_exec_probes_and_hooks_share_the_budgets():
    main = Process.spawn(["sleep", "9999"], {}, BB, 0, 32 * 1024 * 1024)
    code, output, _ms = run_exec_timed(["sh", "-c", "x=a; while true; do x=$x$x; done"], {}, view(), BB, 0, 10, main)
    assert code == 137
    code, output, _ms = run_exec_timed(["sh", "-c", "echo $((2**64))"], {}, view(), BB, 0, 10, main)
    assert (code, output) == (0, "0\n")

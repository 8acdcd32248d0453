"""The simulated shell's interactive mode (Process.read_line): one shell process reading line after line, as an
``exec -it``/``attach`` session gives them (engine/sessions.py)."""

import json

from minikctl.engine.behavior import PodFS, Process, lookup_image

BB = lookup_image("registry.k8s.io/busybox:1.27.2")


def view():
    return PodFS.new({"metadata": {"name": "p"}, "spec": {}}).view("c", [], image=BB)


def shell():
    p = Process.spawn(["sh"], {"GREETING": "hi"}, BB, 0, None, stdin_open=True)
    assert p.at_prompt
    return p


def line(p, fs, text, now=0):
    assert p.read_line(text + "\n", now)
    p.step(now, fs)
    return p.drain_output()


def test_state_carries_from_line_to_line():
    fs, p = view(), shell()
    assert line(p, fs, "cd /tmp; X=1; f() { echo f$1; }") == ""
    assert p.at_prompt and p.cwd == "/tmp"
    assert line(p, fs, "echo $X $GREETING; f 2; pwd") == "1 hi\nf2\n/tmp\n"
    assert line(p, fs, "echo data > file") == "" and fs.read("/tmp/file") == "data\n"


def test_a_line_that_sleeps_takes_virtual_time():
    fs, p = view(), shell()
    assert line(p, fs, "echo a; sleep 5; echo b", now=1000) == "a\n"
    assert not p.at_prompt and p.wake_ms == 6000
    p.step(6000, fs)
    assert p.drain_output() == "b\n" and p.at_prompt


def test_incomplete_input_asks_for_more_and_errors_keep_the_prompt():
    fs, p = view(), shell()
    assert not p.read_line("if true\n", 0)  # an open construct: the caller reads a continuation line
    assert p.read_line("if true\nthen echo yes; fi\n", 0)
    p.step(0, fs)
    assert p.drain_output() == "yes\n"
    assert line(p, fs, "fi") == "sh: syntax error: unexpected 'fi'\n"
    assert p.at_prompt and p.status == 2
    assert p.read_line("if true\n", 0, last=True)  # no more input comes: an error
    assert "end of file" in p.drain_output()


def test_exit_and_end_of_input():
    fs, p = view(), shell()
    line(p, fs, "exit 4")
    assert p.exited and p.exit_code == 4
    p = shell()
    line(p, fs, "false")
    p.end_of_input(0, fs)  # Ctrl-D: the last status
    assert p.exited and p.exit_code == 1


def test_interrupt_drops_the_running_line():
    fs, p = view(), shell()
    line(p, fs, "cd /tmp; (cd /; sleep 100; echo never)")
    assert not p.at_prompt
    p.interrupt_line(2000)
    assert p.at_prompt and p.status == 130 and p.cwd == "/tmp"
    assert line(p, fs, "echo $?", now=2000) == "130\n"


def test_survives_persistence_at_the_prompt():
    fs, p = view(), shell()
    line(p, fs, "Y=kept")
    p = Process.from_dict(json.loads(json.dumps(p.to_dict())))
    assert p.at_prompt and line(p, fs, "echo $Y") == "kept\n"

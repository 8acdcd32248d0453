"""Interactive sessions through the real CLI: exec -i with piped input, exec -it on a terminal (a pseudo-terminal
here), the store free while the prompt waits, virtual time moved by what each line's commands take."""

from __future__ import annotations

import os
import time

import pytest

from ptyrun import Pty
from tests.conftest import Cli

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: bb
spec:
  containers:
  - name: main
    image: busybox
    command: [sh, -c, "sleep 3600000"]
    env: [{name: GREETING, value: hello}]
    workingDir: /srv
"""


@pytest.fixture()
def store(tmp_path):
    cli = Cli(tmp_path / "home")
    (tmp_path / "pod.yaml").write_text(POD)
    cli.ok("apply", "-f", str(tmp_path / "pod.yaml"), tick="0")
    cli.ok("clock", "advance", "10s", tick="0")
    return cli


def _env(cli: Cli, **extra: str) -> dict:
    env = dict(os.environ, MINIKCTL_HOME=str(cli.home), MINIKCTL_TICK="0", MINIKCTL_SPEED="1000")
    env.update(extra)
    env.pop("MINIKCTL_STORE", None)
    return env


def test_piped_exit_code(store):
    done = store("exec", "-i", "bb", "--", "sh", input="exit 4\n", tick="0")
    assert done.returncode == 4
    assert done.stderr == "command terminated with exit code 4\n"


def test_piped_script_runs_in_the_container(store):
    script = "echo hi\necho $GREETING\npwd\ncd /tmp\nif true\nthen echo yes\nfi\necho kept > /tmp/f\n"
    done = store("exec", "-i", "bb", "--", "sh", input=script, tick="0")
    assert (done.returncode, done.stdout, done.stderr) == (0, "hi\nhello\n/srv\nyes\n", "")
    assert store.ok("exec", "bb", "--", "cat", "/tmp/f", tick="0") == "kept\n"  # the write persists


def test_piped_stdin_of_a_program(store):
    assert store.ok("exec", "-i", "bb", "--", "cat", input="a\nb\n", tick="0") == "a\nb\n"
    store.ok("exec", "-i", "bb", "--", "sh", "-c", "cat > /tmp/in", input="data\n", tick="0")
    assert store.ok("exec", "bb", "--", "cat", "/tmp/in", tick="0") == "data\n"


def test_without_i_stdin_is_not_read(store):
    done = store("exec", "bb", "--", "sh", input="exit 4\n", tick="0")
    assert (done.returncode, done.stdout) == (0, "")


def test_piped_sleep_moves_virtual_time(store):
    before = store.ok("clock", "show", tick="0")
    store.ok("exec", "-i", "bb", "--", "sh", input="sleep 5; echo slept\n", tick="0")
    after = store.ok("clock", "show", tick="0")
    assert (int(after[17:19]) - int(before[17:19])) % 60 == 5, (before, after)


def test_piped_syntax_error(store):
    done = store("exec", "-i", "bb", "--", "sh", input="if true\n", tick="0")
    assert done.returncode == 2
    assert "syntax error" in done.stdout + done.stderr


def test_tty_without_a_terminal_warns(store):
    done = store("exec", "-it", "bb", "--", "sh", input="echo x\n", tick="0")
    assert done.returncode == 0 and done.stdout == "x\n"
    assert done.stderr == "Unable to use a TTY - input is not a terminal or the right kind of file\n"


def test_t_without_i_is_dropped(store):
    done = store("exec", "-t", "bb", "--", "echo", "x", input="exit 4\n", tick="0")
    assert (done.returncode, done.stdout, done.stderr) == (0, "x\n", "")


def test_terminal_session(store):
    term = Pty([*store.argv, "exec", "-it", "bb", "--", "sh"], _env(store))
    term.expect("/srv # ")
    term.send("cd /tmp; echo $GREETING > g\n")
    term.expect("/tmp # ")
    term.send("cat g; sleep 5\n")
    term.expect("hello")
    term.expect("/tmp # ")
    term.send("exit 3\n")
    rc, shown = term.finish()
    assert rc == 3
    assert "command terminated with exit code 3" in shown
    assert store.ok("exec", "bb", "--", "cat", "/tmp/g", tick="0") == "hello\n"


def test_terminal_ctrl_d_and_continuation(store):
    term = Pty([*store.argv, "exec", "-it", "bb", "--", "sh"], _env(store))
    term.expect("/srv # ")
    term.send("if true\n")
    term.expect("> ")
    term.send("then echo inside; fi\n")
    term.expect("inside")
    term.expect("/srv # ")
    term.send("false\n")
    term.expect("/srv # ")
    term.send("\x04")  # Ctrl-D: the shell exits with its last status
    rc, shown = term.finish()
    assert rc == 1
    assert "command terminated with exit code 1" in shown


def test_the_prompt_holds_no_lock(store):
    """While the prompt waits, other commands run at once (the session committed its step)."""
    term = Pty([*store.argv, "exec", "-it", "bb", "--", "sh"], _env(store))
    term.expect("/srv # ")
    started = time.monotonic()
    out = store.ok("get", "pods", env={"MINIKCTL_LOCK_TIMEOUT": "0"})
    assert "bb" in out and time.monotonic() - started < 10
    store.ok("clock", "advance", "1m", env={"MINIKCTL_LOCK_TIMEOUT": "0"})
    term.send("exit\n")
    rc, _ = term.finish()
    assert rc == 0


def test_unknown_pod_is_refused(store):
    before = store.db_bytes()
    err = store.fail("exec", "-it", "nope", "--", "sh", input="", tick="0")
    assert err == 'Error from server (NotFound): pods "nope" not found\n'
    assert store.db_bytes() == before


def test_progress_bar_on_a_terminal_never_on_a_pipe(store):
    """A clock advance that takes long shows a transient bar on a terminal's stderr; a pipe gets only the time.
    (MINIKCTL_PROGRESS_AFTER=0 shows it at once, instead of after a second of wall time.)"""
    env = _env(store, MINIKCTL_PROGRESS_AFTER="0")
    term = Pty([*store.argv, "clock", "advance", "10m"], env)
    rc, shown = term.finish()
    assert rc == 0
    assert "clock advance" in shown and "virtual time" in shown and "━" in shown
    done = store("clock", "advance", "10m", env={"MINIKCTL_PROGRESS_AFTER": "0"})
    assert done.returncode == 0 and done.stderr == "" and done.stdout.count("\n") == 1
    # wait on a terminal shows one; with a machine format it does not
    store.ok("exec", "bb", "--", "rm", "-f", "/nothing", tick="0")
    term = Pty([*store.argv, "wait", "--for=condition=Nope", "pod/bb", "--timeout=20s"], env)
    rc, shown = term.finish()
    assert rc == 1 and "wait" in shown and "━" in shown
    term = Pty([*store.argv, "wait", "--for=condition=Nope", "pod/bb", "--timeout=20s", "-o", "name"], env)
    rc, shown = term.finish()
    assert rc == 1 and "━" not in shown


def test_run_it_rm_on_a_terminal(store):
    term = Pty([*store.argv, "run", "shell", "-it", "--rm", "--restart=Never", "--image=busybox", "--", "sh"],
               _env(store))
    term.expect("If you don't see a command prompt, try pressing enter.")
    term.expect("/ # ")
    term.send("echo $HOSTNAME; touch /tmp/x; ls /tmp\n")
    term.expect("shell")
    term.expect("/ # ")
    term.send("exit 7\n")
    rc, shown = term.finish()
    assert rc == 7
    assert 'pod "shell" deleted' in shown
    assert "shell" not in store.ok("get", "pods", tick="0")


def test_run_i_piped(store):
    done = store("run", "p", "-i", "--rm", "--restart=Never", "--image=busybox", "--", "sh",
                 input="echo piped\nexit 3\n", tick="0")
    assert done.returncode == 3
    assert done.stdout == 'piped\npod "p" deleted\n'
    assert done.stderr.startswith("If you don't see a command prompt, try pressing enter.\n")


def test_attach_to_a_shell_that_waits(store):
    store.ok("apply", "-f", "-", input="apiVersion: v1\nkind: Pod\nmetadata: {name: waiter}\nspec:\n  containers:\n"
             "  - {name: waiter, image: busybox, command: [sh], stdin: true}\n", tick="0")
    store.ok("clock", "advance", "5s", tick="0")
    assert " Running " in store.ok("get", "pod", "waiter", tick="0")  # its shell waits for input
    done = store("attach", "waiter", "-i", input="echo attached; echo $HOSTNAME; cd /tmp\n", tick="0")
    assert done.returncode == 0 and done.stdout == "attached\nwaiter\n"
    # no stdinOnce: stdin stays open, the same shell (in /tmp now) reads the next attach's input
    done = store("attach", "waiter", "-i", input="pwd\n", tick="0")
    assert done.returncode == 0 and done.stdout == "/tmp\n"
    assert " 0 " in store.ok("get", "pod", "waiter", tick="0")  # never restarted
    term = Pty([*store.argv, "attach", "waiter", "-it"], _env(store))
    term.expect("error: Unable to use a TTY - container waiter did not allocate one")
    term.send("echo via-terminal\n")
    term.send("\x04")  # the end of the input (no raw terminal: the lines are read until Ctrl-D)
    rc, shown = term.finish()
    assert rc == 0 and "via-terminal\r\n" in shown.split("enter.", 1)[-1]


def test_debug_it_on_a_terminal(store):
    term = Pty([*store.argv, "debug", "bb", "-it", "--image=busybox", "--profile=general"], _env(store))
    term.expect("Defaulting debug container name to debugger-")
    term.expect("If you don't see a command prompt, try pressing enter.")
    term.expect("/ # ")
    term.send("echo in-debugger\n")
    term.expect("in-debugger")
    term.expect("/ # ")
    term.send("exit\n")
    rc, _ = term.finish()
    assert rc == 0
    assert '"exitCode":0' in store.ok("get", "pod", "bb", "-o", "jsonpath={.status.ephemeralContainerStatuses}",
                                      tick="0")


def test_ctrl_c_ends_the_running_line_not_the_session(store):
    import signal

    term = Pty([*store.argv, "exec", "-it", "bb", "--", "sh"], _env(store, MINIKCTL_SPEED="1"))
    term.expect("/srv # ")
    term.send("sleep 100; echo not-reached\n")
    time.sleep(1.5)
    term.proc.send_signal(signal.SIGINT)  # what the terminal sends on Ctrl-C
    term.expect("/srv # ")
    term.send("echo status $?\n")
    term.expect("status 130")
    term.expect("/srv # ")
    term.send("exit\n")
    rc, shown = term.finish()
    assert rc == 0 and "not-reached" not in shown


def test_ctrl_c_at_the_prompt_drops_the_line(store):
    """Ctrl-C while the prompt waits: the line typed so far is dropped, the shell stays."""
    import signal

    term = Pty([*store.argv, "exec", "-it", "bb", "--", "sh"], _env(store, MINIKCTL_SPEED="1"))
    term.expect("/srv # ")
    term.send("echo never")
    time.sleep(0.5)
    term.proc.send_signal(signal.SIGINT)
    term.expect("/srv # ")
    term.send("echo after\n")
    term.expect("\r\nafter\r\n")  # not "neverecho after": the dropped text is gone
    term.send("exit\n")
    rc, _shown = term.finish()
    assert rc == 0


def test_ctrl_c_typed_on_the_terminal_after_an_interrupted_line(store):
    """The keys as a user types them on a terminal that is the session's controlling terminal: Ctrl-C (0x03) ends
    the running line; at the next prompt, the first Ctrl-C drops an empty line, the next one drops typed text (each
    one counts, none is lost to the previous line's handler). The keys come a moment after the prompt, as a
    person's do: a SIGINT that arrives while readline draws its prompt, before it waits for input, is acted on
    only at the next key (CPython's readline checks signals when its select() is interrupted)."""
    term = Pty([*store.argv, "exec", "-it", "bb", "--", "sh"], _env(store, MINIKCTL_SPEED="1"), ctty=True)
    term.expect("/srv # ")
    term.send("sleep 100; echo not-reached\n")
    time.sleep(1.5)
    term.send("\x03")
    term.expect("/srv # ")
    time.sleep(0.5)
    term.send("\x03")  # at an empty prompt: a new prompt
    term.expect("/srv # ")
    time.sleep(0.5)
    term.send("echo never")
    time.sleep(0.5)
    term.send("\x03")
    term.expect("/srv # ")
    term.send("echo status $?\n")
    term.expect("\r\nstatus 130\r\n")  # not "neverecho status": the dropped text is gone
    term.expect("/srv # ")
    term.send("exit\n")
    rc, shown = term.finish()
    assert rc == 0 and "not-reached" not in shown


def test_run_t_without_i_is_refused_as_kubectl_does(store):
    import shutil
    import subprocess

    ours = store("run", "x", "-t", "--restart=Bad", "--image=busybox", tick="0")
    assert ours.returncode == 1
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    real = subprocess.run([kubectl, "run", "x", "-t", "--restart=Bad", "--image=busybox"], capture_output=True,
                          text=True, env={**os.environ, "KUBECONFIG": "/dev/null"})
    assert ours.stderr == real.stderr.replace("'kubectl run", "'minikctl run")

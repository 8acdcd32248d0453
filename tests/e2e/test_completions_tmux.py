"""Completion in tmux, for bash, zsh and fish, loaded the way the README and `minikctl completion --help` say
(`source <(minikctl completion bash)`, the same for zsh after compinit, `minikctl completion fish | source`): a
real terminal multiplexer, keys sent to it (TAB included), and what its pane shows read back."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid

import pytest

from test_completions import POD, _env, needs_script

SHELLS = {
    "bash": (["bash", "--norc", "--noprofile", "-i"], ["source <(minikctl completion bash)"]),
    "zsh": (["zsh", "-f", "-i"], ["autoload -U compinit && compinit -u", "source <(minikctl completion zsh)"]),
    "fish": (["fish", "--no-config", "-i"], ["minikctl completion fish | source"]),
}


class Pane:
    def __init__(self, argv: list[str], env: dict) -> None:
        self.socket = f"minikctl-{uuid.uuid4().hex[:8]}"
        self.env = env
        command = " ".join(argv)
        self.tmux("new-session", "-d", "-s", "t", "-x", "160", "-y", "30", f"exec {command}")

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True, text=True,
                              env=self.env, timeout=20)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def type(self, text: str, *keys: str) -> None:
        if text:
            self.tmux("send-keys", "-t", "t", "-l", text)
        for k in keys:
            self.tmux("send-keys", "-t", "t", k)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, text: str, timeout: float = 20) -> str:
        end = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < end:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never shown; the pane:\n{shown}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, env=self.env)


@needs_script
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_tab_completes_in_tmux(shell, cli, manifest):
    argv, setup = SHELLS[shell]
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{shell} is not installed")
    cli.ok("apply", "-f", manifest(POD), tick="0")
    env = _env(cli)
    env.update(TERM="xterm", PS1="$ ", HOME=str(cli.home), XDG_CONFIG_HOME=str(cli.home / "config"),
               XDG_DATA_HOME=str(cli.home / "data"), fish_greeting="")
    os.makedirs(env["XDG_CONFIG_HOME"], exist_ok=True)
    pane = Pane(argv, env)
    try:
        for line in setup + ["echo READY-$((6*7))" if shell != "fish" else "echo READY-(math 6 \\* 7)"]:
            pane.type(line, "Enter")
        pane.wait_for("READY-42")
        pane.type("clear", "Enter")
        pane.type("minikctl get po", "Tab")
        pane.wait_for("minikctl get pods")
        pane.type(" ", "C-u")
        pane.type("clear", "Enter")
        pane.type("minikctl logs web -c si", "Tab")
        pane.wait_for("minikctl logs web -c sidecar")
    finally:
        pane.close()

"""Shell completion: cobra's `__complete` protocol (spf13/cobra completions.go) as kubectl 1.32 answers it, and the
scripts driven by real shells (bash, and zsh/fish when installed) at a terminal, TAB included."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FILES = {"bash": "minikctl.bash", "zsh": "_minikctl", "fish": "minikctl.fish"}

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
  - name: setup
    image: busybox
    command: [sh, -c, 'true']
  containers:
  - name: nginx
    image: nginx
  - name: sidecar
    image: busybox
    command: [sleep, '3600']
"""


def complete(cli, *words: str) -> tuple[list[str], str, str]:
    """(candidate lines, directive line, stderr) of `minikctl __complete words...`."""
    done = cli("__complete", *words)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    return lines[:-1], lines[-1], done.stderr


@pytest.fixture
def world(cli, manifest):
    cli.ok("create", "namespace", "dev", tick="0")
    cli.ok("apply", "-f", manifest(POD), tick="0")
    cli.ok("apply", "-f", manifest(POD.replace("name: web\n", "name: api\n", 1)), "-n", "dev", tick="0")
    return cli


def test_scripts_are_current():
    """completions/ must equal what `minikctl completion <shell>` prints (regenerate: tools/gen_completions.py)."""
    for shell, name in FILES.items():
        fresh = subprocess.run([sys.executable, "-m", "minikctl", "completion", shell], capture_output=True,
                               text=True, check=True).stdout
        assert (REPO / "completions" / name).read_text() == fresh, f"{name} is stale: run tools/gen_completions.py"
    # zsh reads the tag on the first line of a file in $fpath, nowhere else
    assert (REPO / "completions" / "_minikctl").read_text().startswith("#compdef minikctl\n")


def test_completion_verb(cli):
    assert cli.ok("completion", "bash").count("__start_minikctl()") == 1
    assert cli.ok("completion", "powershell").startswith("# powershell completion for minikctl")
    # completion.go RunCompletion's errors
    assert cli.fail("completion") == "error: Shell not specified.\nSee 'minikctl completion -h' for help and examples\n"
    assert cli.fail("completion", "tcsh") == ('error: Unsupported shell type "tcsh".\n'
                                              "See 'minikctl completion -h' for help and examples\n")
    assert cli.fail("completion", "bash", "zsh") == ("error: Too many arguments. Expected only the shell type.\n"
                                                     "See 'minikctl completion -h' for help and examples\n")


def test_protocol_commands_and_flags(cli):
    found, directive, err = complete(cli, "")
    assert directive == ":4" and err == "Completion ended with directive: ShellCompDirectiveNoFileComp\n"
    names = [f.split("\t")[0] for f in found]
    assert names == sorted(names) and {"get", "completion", "rollout"} <= set(names)
    assert "get\tDisplay one or many resources" in found  # cobra: the Short, no final period
    assert complete(cli, "g")[0] == ["get\tDisplay one or many resources"]
    assert complete(cli, "gte")[:2] == ([], ":4")
    assert [f.split("\t")[0] for f in complete(cli, "rollout", "")[0]] == [
        "history", "pause", "restart", "resume", "status", "undo"]
    # aliases (create deploy) are not offered beside their command
    create = [f.split("\t")[0] for f in complete(cli, "create", "")[0]]
    assert "deployment" in create and "deploy" not in create
    assert complete(cli, "completion", "")[0] == ["powershell", "bash", "zsh", "fish"]
    out = cli("__completeNoDesc", "get", "--out")
    assert out.stdout == "--output\n--output-watch-events\n:4\n"
    short = [f.split("\t")[0] for f in complete(cli, "get", "-")[0]]
    assert short.index("-o") == short.index("--output") + 1 and "--no-allow-missing-template-keys" not in short


def test_protocol_values(world):
    cli = world
    formats = ["json", "yaml", "name", "go-template", "go-template-file", "template", "templatefile", "jsonpath",
               "jsonpath-as-json", "jsonpath-file", "custom-columns", "custom-columns-file", "wide"]
    assert complete(cli, "get", "-o", "")[:2] == (formats, ":4")
    assert complete(cli, "get", "pods", "-o=j")[0] == ["json", "jsonpath", "jsonpath-as-json", "jsonpath-file"]
    assert complete(cli, "get", "-n", "")[0] == ["default", "dev", "kube-node-lease", "kube-public", "kube-system"]
    assert complete(cli, "-n", "d")[0] == ["default", "dev"]
    assert complete(cli, "get", "--namespace=kube-s")[0] == ["kube-system"]
    assert complete(cli, "apply", "-f", "")[:2] == (["json", "yaml", "yml"], ":8")
    # resource types (api-resources -o name --verbs=get), then names of the type not typed yet, or TYPE/NAME
    types = complete(cli, "get", "")[0]
    assert types[:3] == ["configmaps", "endpoints", "events"] and "deployments.apps" in types and "services" in types
    assert "endpointslices.discovery.k8s.io" in types
    assert complete(cli, "get", "po")[0] == ["pods"]
    assert complete(cli, "get", "pod", "")[0] == ["web"]
    assert complete(cli, "get", "pod", "web", "")[0] == []
    assert complete(cli, "get", "pod", "-n", "dev", "")[0] == ["api"]
    assert complete(cli, "-n", "dev", "describe", "pods", "")[0] == ["api"]
    assert complete(cli, "delete", "pod/")[0] == ["pod/web"]
    assert complete(cli, "rollout", "status", "")[0] == ["deployment", "daemonset", "statefulset"]
    # logs/exec: pods and TYPE/ prefixes; a pod's containers for -c (and for logs' second word)
    assert complete(cli, "logs", "")[0][:2] == ["web", "daemonsets/"]
    assert complete(cli, "logs", "web", "-c", "")[0] == ["setup", "nginx", "sidecar"]
    assert complete(cli, "exec", "-n", "dev", "api", "-c", "s")[0] == ["setup", "sidecar"]
    assert complete(cli, "logs", "pod/web", "--container=n")[0] == ["nginx"]
    assert complete(cli, "logs", "web", "")[0] == ["setup", "nginx", "sidecar"]


def test_tab_costs_no_typer_and_no_store_write(tmp_path):
    probe = "import sys\nfrom minikctl.cli.app import main\nmain(sys.argv[1:])\nprint('typer' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe, "__complete", "get", "pod", ""], capture_output=True,
                          text=True, env=dict(os.environ, MINIKCTL_HOME=str(tmp_path)))
    assert done.stdout.splitlines()[-1] == "False"
    assert not (tmp_path / "store.db").exists()


# -- real shells at a terminal ---------------------------------------------------------------------------------------

def _terminal(argv: list[str], env: dict, setup: list[str], typed: str, until: str | None = None,
              settle: float = 0.5, wait: float = 30.0) -> str:
    """What a shell at a pseudo-terminal echoes after ``setup`` lines, for the keys ``typed`` (TAB included)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the shell
        os.execvpe(argv[0], argv, env)

    def read(seconds: float, until: str | None = None) -> str:
        buf = b""
        end = time.time() + seconds
        while time.time() < end:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                buf += chunk
                if until and until in buf.decode(errors="replace"):
                    break
        return buf.decode(errors="replace")

    try:
        for line in setup:
            os.write(fd, line.encode() + b"\n")
        os.write(fd, b"echo SET''UP-DONE\n")
        read(20, until="SETUP-DONE")
        read(settle)
        os.write(fd, typed.encode())
        return read(wait, until=until)
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


def _env(cli) -> dict:
    env = dict(os.environ, MINIKCTL_HOME=str(cli.home), PS1="$ ", TERM="dumb", INPUTRC="/dev/null")
    env.pop("MINIKCTL_STORE", None)
    env["PATH"] = os.pathsep.join([str(Path(cli.argv[0]).parent), env.get("PATH", "")]) if len(cli.argv) == 1 \
        else env.get("PATH", "")
    return env


needs_script = pytest.mark.skipif(not (Path(sys.executable).with_name("minikctl")).exists() and
                                  not shutil.which("minikctl"), reason="the minikctl command is not installed")


@needs_script
@pytest.mark.parametrize("typed, line", [
    ("k get po\t", "k get pods "),
    ("k get pod w\t", "k get pod web "),
    ("k -n d\tv\t", "k -n dev "),
    ("k get pods --namespace=kube-s\t", "k get pods --namespace=kube-system "),
    ("k logs web -c si\t", "k logs web -c sidecar "),
    ("minikctl rollout sta\t", "minikctl rollout status "),
    ("minikctl get pods -o=jsonpath-a\t", "minikctl get pods -o=jsonpath-as-json "),
])
def test_bash_at_a_terminal_with_the_alias(world, typed, line):
    """The documented alias (kubectl's `complete -o default -F __start_kubectl k`) completes as the command does."""
    setup = [f"source {REPO / 'completions' / 'minikctl.bash'}", "alias k=minikctl",
             "complete -o default -F __start_minikctl k"]
    shown = _terminal(["bash", "--norc", "--noprofile", "-i"], _env(world), setup, typed, until=line)
    assert shown.replace("\x07", "").endswith(line), repr(shown)


@needs_script
def test_bash_falls_back_to_files_only_where_kubectl_does(world, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "pod.yaml").write_text(POD)
    (work / "notes.txt").write_text("x")
    setup = [f"source {REPO / 'completions' / 'minikctl.bash'}", f"cd {work}"]
    env = _env(world)
    assert _terminal(["bash", "--norc", "--noprofile", "-i"], env, setup, "minikctl apply -f \t",
                     until="pod.yaml ").endswith(
        "minikctl apply -f pod.yaml ")
    # nothing to offer and no file names (NoFileComp): the line stays as typed
    shown = _terminal(["bash", "--norc", "--noprofile", "-i"], env, setup, "minikctl get pod web no\t", wait=2)
    assert shown.replace("\x07", "").endswith("minikctl get pod web no")


@needs_script
@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
@pytest.mark.parametrize("typed, line", [
    ("minikctl get po\t", "minikctl get pods "),
    ("k get pods --namespace=kube-s\t", "k get pods --namespace=kube-system "),
    ("k logs web -c si\t", "k logs web -c sidecar "),
])
def test_zsh_at_a_terminal(world, typed, line):
    setup = ["PS1='$ '", "autoload -U compinit && compinit -u", f"source {REPO / 'completions' / '_minikctl'}",
             "alias k=minikctl"]
    shown = _terminal(["zsh", "-f", "-i"], _env(world), setup, typed, until=line)
    assert line in shown, repr(shown)


@needs_script
@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes(world):
    script = REPO / "completions" / "minikctl.fish"
    asks = ["minikctl get po", "minikctl get pods --namespace=kube-s", "minikctl logs web -c s", "minikctl g"]
    program = f"source {script}; " + "; ".join(f'complete -C "{a}"; echo ==' for a in asks)
    done = subprocess.run(["fish", "--no-config", "-c", program], capture_output=True, text=True, env=_env(world),
                          timeout=60)
    answers = [part.strip().splitlines() for part in done.stdout.split("==")[:-1]]
    assert answers == [["pods"], ["--namespace=kube-system"], ["setup", "sidecar"],
                       ["get\tDisplay one or many resources"]]


@needs_script
@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_alias_with_complete_aliases(world):
    """With `setopt complete_aliases` zsh hands the alias itself to the completer, which runs what it stands for."""
    setup = ["PS1='$ '", "autoload -U compinit && compinit -u", "setopt complete_aliases",
             f"source {REPO / 'completions' / '_minikctl'}", "alias k=minikctl", "compdef _minikctl k"]
    shown = _terminal(["zsh", "-f", "-i"], _env(world), setup, "k logs web -c si\t", until="sidecar ")
    assert "k logs web -c sidecar " in shown, repr(shown)

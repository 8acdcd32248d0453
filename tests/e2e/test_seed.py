"""The seed scenario from the README, through the installed CLI in subprocesses."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_seed_scenario(cli):
    nginx = str(EXAMPLES / "nginx.yaml")
    assert cli.ok("apply", "-f", nginx) == "pod/nginx created\n"
    first = cli.ok("get", "pods").splitlines()
    assert first[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert first[1].split()[:4] == ["nginx", "0/1", "ContainerCreating", "0"]
    second = cli.ok("get", "pods").splitlines()
    assert second[1].split()[:4] == ["nginx", "1/1", "Running", "0"]

    described = cli.ok("describe", "pod", "nginx")
    for needle in ("Name:             nginx\n", "Namespace:        default\n", "Status:           Running\n",
                   "    Image:          nginx:1.14.2\n", "    Port:           80/TCP\n", "    State:          Running\n",
                   "QoS Class:                   BestEffort\n",
                   "Successfully assigned default/nginx to node1", 'Pulling image "nginx:1.14.2"',
                   "Created container: nginx", "Started container nginx"):
        assert needle in described, needle

    out = cli.ok("patch", "pod", "nginx", "-p", '{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}')
    assert out == "pod/nginx patched\n"
    assert cli.ok("get", "pod", "nginx", "-o", "jsonpath={.spec.containers[0].image}") == "nginx:1.25"

    done = cli("delete", "pod", "nginx", "--grace-period=0", "--force")
    assert done.returncode == 0
    assert done.stdout == 'pod "nginx" force deleted\n'
    assert done.stderr.startswith("Warning: Immediate deletion does not wait for confirmation")
    gone = cli("get", "pods")
    assert gone.stdout == "" and gone.stderr == "No resources found in default namespace.\n"


def test_same_commands_same_output(tmp_path, cli):
    """Two fresh stores driven by the same commands print byte-identical output."""
    from tests.conftest import Cli

    nginx = str(EXAMPLES / "nginx.yaml")
    outputs = []
    for home in (tmp_path / "a", tmp_path / "b"):
        c = Cli(home)
        text = c.ok("apply", "-f", nginx)
        text += c.ok("get", "pods", "-o", "yaml")
        text += c.ok("describe", "pod", "nginx")
        text += c.ok("delete", "pod", "nginx")
        outputs.append(text)
    assert outputs[0] == outputs[1]
    assert "uid:" in outputs[0]

"""A command pays only for what it uses: read-only verbs never import the heavy packages."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("jsonschema", "ruamel", "rich", "pydantic")

PROBE = """
import json, sys
from minikctl.cli.app import main
rc = main(sys.argv[1:])
heavy = sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in %r})
sys.stderr.write('\\nHEAVY=' + json.dumps(heavy) + '\\n')
""" % (HEAVY,)


def _heavy_after(tmp_path, *args: str) -> list[str]:
    env = dict(os.environ, MINIKCTL_HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env)
    line = [l for l in done.stderr.splitlines() if l.startswith("HEAVY=")][-1]
    return json.loads(line[len("HEAVY="):])


def test_get_and_describe_stay_light(tmp_path):
    assert _heavy_after(tmp_path, "get", "pods") == []
    assert _heavy_after(tmp_path, "version") == []
    assert _heavy_after(tmp_path, "clock", "show") == []


def test_plain_command_lines_never_import_typer(tmp_path):
    """typer (~60-75 ms of imports) is only for help, completion and usage errors; argv.py reads the rest."""
    def typer_loaded(*args: str) -> bool:
        probe = "import sys\nfrom minikctl.cli.app import main\nmain(sys.argv[1:])\nprint('typer' in sys.modules)"
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True,
                              env=dict(os.environ, MINIKCTL_HOME=str(tmp_path)))
        return done.stdout.strip().splitlines()[-1] == "True"

    for args in (["get", "pods"], ["get", "pods", "-o=name", "--watch=false"], ["describe", "pods"],
                 ["delete", "pod", "x", "--ignore-not-found", "--grace-period=0", "--force"], ["version"],
                 ["clock", "show"], ["--tick", "0", "wait", "--for=delete", "pod/x", "--timeout=0"]):
        assert not typer_loaded(*args), args
    assert typer_loaded("get", "--help")  # the probe does see typer when it is used
    assert typer_loaded("get", "pods", "--no-such-flag")


def test_get_does_not_load_completion_explain_or_suggestions(tmp_path):
    """TAB completion, explain (the OpenAPI documents) and the "Did you mean" machinery load only when used."""
    probe = ("import sys\nfrom minikctl.cli.app import main\nmain(sys.argv[1:])\n"
             "print(sorted(m for m in sys.modules if m in ('minikctl.cli.completion', 'minikctl.cli.explain', "
             "'minikctl.cli.suggest', 'minikctl.serve.openapi', 'minikctl.api.examples')))")
    for args in (["get", "pods"], ["describe", "pods"], ["version"]):
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True,
                              env=dict(os.environ, MINIKCTL_HOME=str(tmp_path)))
        assert done.stdout.strip().splitlines()[-1] == "[]", (args, done.stdout, done.stderr)


def test_a_label_loads_only_the_engine_it_needs(tmp_path):
    """A write wakes the loop, but a label of a running pod that nothing owns is work for the kubelet alone: the
    loop builds a controller only when it has something to do (engine/controllers/__init__.py), and nothing parses
    a quantity."""
    env = dict(os.environ, MINIKCTL_HOME=str(tmp_path), MINIKCTL_TICK="0")
    run = [sys.executable, "-c", "import sys\nfrom minikctl.cli.app import main\nsys.exit(main(sys.argv[1:]))"]
    for args in (["run", "p", "--image=nginx:1.14.2"], ["clock", "advance", "30s"]):
        subprocess.run([*run, *args], env=env, check=True, capture_output=True)
    # controllers/informer.py is the read cache the kubelet shares with the controllers, not a controller
    probe = ("import sys\nfrom minikctl.cli.app import main\nrc = main(sys.argv[1:])\n"
             "print(rc, sorted(m for m in sys.modules if (m.startswith('minikctl.engine.controllers.') "
             "and m != 'minikctl.engine.controllers.informer') "
             "or m in ('fractions', 'decimal', 'minikctl.engine.kubelet.worker')))")
    done = subprocess.run([sys.executable, "-c", probe, "label", "pod", "p", "a=b"], capture_output=True, text=True,
                          env=env)
    assert done.stdout.strip().splitlines()[-1] == "0 ['minikctl.engine.kubelet.worker']", done.stderr

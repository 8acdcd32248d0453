"""Every command's --help carries the Examples: section kubectl 1.32's `--help` prints for it (the Example field of
each kubectl/pkg/cmd/<verb>/<verb>.go command), as data in minikctl/cli/help_examples.json."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = json.loads((REPO / "minikctl" / "cli" / "help_examples.json").read_text())
MINIKCTL_ONLY = ("clock", "timeline", "serve")  # commands kubectl has not: their examples are minikctl's own


def _section(text: str) -> str | None:
    lines = text.split("\n")
    if "Examples:" not in lines:
        return None
    out = []
    for line in lines[lines.index("Examples:") + 1:]:
        if line == "":
            break
        out.append(line)
    return "\n".join(out) + "\n"


def test_every_kubectl_verb_minikctl_has_is_covered():
    for path in ("get", "describe", "delete", "apply", "replace", "create", "create deployment", "create secret tls",
                 "patch", "label", "annotate", "edit", "wait", "logs", "exec", "attach", "run", "scale", "rollout",
                 "rollout undo", "set image", "set env", "top pod", "api-resources", "version", "completion", "explain"):
        assert path in DATA, path
    import re

    program = re.compile(r"(?<![\w./-])kubectl(?=[\s'\"]|$)")  # the program, not kubectl.kubernetes.io/...
    assert not any(program.search(text) for path, text in DATA.items() if path.split()[0] not in MINIKCTL_ONLY)
    for path in ("clock", "clock show", "clock advance", "timeline", "serve"):  # minikctl's own, same layout
        assert DATA[path].startswith("  # ") and DATA[path].endswith("\n"), path


@pytest.mark.parametrize("path", sorted(DATA))
def test_help_prints_the_examples(cli, path):
    shown = cli.ok(*path.split(), "--help")
    assert _section(shown) == DATA[path]
    # after the description, before the arguments and options, as kubectl places it
    assert shown.index("Examples:") < shown.index("Options:")


def test_an_alias_shows_its_commands_examples(cli):
    assert _section(cli.ok("create", "deploy", "--help")) == DATA["create deployment"]
    assert _section(cli.ok("top", "po", "--help")) == DATA["top pod"]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_the_data_is_kubectls_current_text(tmp_path):
    """tools/gen_help_examples.py run now gives the committed file (kubectl 1.32's text, kubectl -> minikctl)."""
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import gen_help_examples
    finally:
        sys.path.pop(0)
    version = subprocess.run(["kubectl", "version", "--client", "-o", "json"], capture_output=True, text=True)
    if '"minor": "32' not in version.stdout:
        pytest.skip("the kubectl on PATH is not 1.32")
    for path, text in DATA.items():
        if path.split()[0] in MINIKCTL_ONLY:
            assert gen_help_examples.own(path) == text, path
        else:
            assert gen_help_examples.examples("kubectl", path) == text, path

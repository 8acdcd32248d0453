"""Regenerate minikctl/cli/help_examples.json from kubectl 1.32: `python tools/gen_help_examples.py [KUBECTL]`.

For every command minikctl has that kubectl has too, the Examples: section of `kubectl <command> --help`, with
`kubectl` turned into `minikctl`; `--help` prints it (cli/app.py). Commands kubectl lacks (clock, timeline, serve)
and kubectl commands without examples are left out.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

OUT = Path(__file__).resolve().parent.parent / "minikctl" / "cli" / "help_examples.json"
PROGRAM = re.compile(r"(?<![\w./-])kubectl(?=[\s'\"]|$)")
# the completion examples' file names, which carry the program's name too
FILE_NAMES = {"bash_completion.d/kubectl": "bash_completion.d/minikctl", "/_kubectl": "/_minikctl",
              "completions/kubectl.fish": "completions/minikctl.fish"}


def command_paths() -> list[str]:
    from minikctl.cli.app import COMMANDS, lookup
    from minikctl.cli.spec import Group
    from minikctl.cli.suggest import command_names

    out: list[str] = []

    def walk(path: str, node) -> None:
        out.append(path)
        if isinstance(node, Group):
            for name in command_names(node.commands):
                walk(f"{path} {name}", node.commands[name])

    for word in COMMANDS:
        walk(word, lookup(word))
    return out


def examples(kubectl: str, path: str) -> str | None:
    done = subprocess.run([kubectl, *path.split(), "--help"], capture_output=True, text=True)
    if done.returncode != 0:
        return None
    lines = done.stdout.split("\n")
    try:
        start = lines.index("Examples:") + 1
    except ValueError:
        return None
    block: list[str] = []
    for line in lines[start:]:
        if line == "":  # the blank line that ends the section (lines inside it are "  ")
            break
        block.append(line)
    text = PROGRAM.sub("minikctl", "\n".join(block)) + "\n"
    for old, new in FILE_NAMES.items():
        text = text.replace(old, new)
    return text


def main() -> int:
    kubectl = sys.argv[1] if len(sys.argv) > 1 else "kubectl"
    found = {}
    for path in command_paths():
        text = examples(kubectl, path)
        if text:
            found[path] = text
    OUT.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(found)} commands' examples to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Regenerate minikctl/cli/help_examples.json from kubectl 1.32: `python tools/gen_help_examples.py [KUBECTL]`.

For every command minikctl has that kubectl has too, the Examples: section of `kubectl <command> --help`, with
`kubectl` turned into `minikctl`; `--help` prints it (cli/app.py). The commands kubectl lacks (clock, timeline,
serve) get minikctl's own examples, written below in the same layout.
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


# minikctl's own commands, in kubectl's layout (two spaces, a comment line, the command, a blank line between)
OWN = {
    "clock": ("Print the virtual time", "minikctl clock show",
              "Let two and a half minutes pass for every pod, then see where they are",
              "minikctl clock advance 2m30s && minikctl get pods"),
    "clock show": ("Print the virtual time (RFC 3339)", "minikctl clock show"),
    "clock advance": ("Move the clock an hour and a half forward; prints the new time", "minikctl clock advance 1h30m",
                      "Let a liveness probe fail a few times, then look at the restarts",
                      "minikctl clock advance 45s && minikctl get pod liveness-exec"),
    "timeline": ("Show how pod nginx went through its phases and conditions", "minikctl timeline nginx",
                 "The same as a table, for a pod in namespace dev", "minikctl timeline pod/web -n dev --table"),
    "serve": ("Serve the store's API on a free port and write a kubeconfig for it",
              "minikctl serve --kubeconfig-out ./kubeconfig",
              "Then, in another shell, use kubectl (or any client) against it",
              "kubectl --kubeconfig ./kubeconfig get pods",
              "Serve HTTPS on port 6443, with the clock running ten times faster than the wall clock",
              "minikctl serve --tls --port 6443 --speed 10"),
}


def own(path: str) -> str | None:
    pairs = OWN.get(path)
    if not pairs:
        return None
    blocks = []
    for comment, command in zip(pairs[::2], pairs[1::2]):
        blocks.append(f"  # {comment}\n  {command}\n")
    return "  \n".join(blocks)


def command_paths() -> list[str]:
    from minikctl.cli.commands import COMMANDS, lookup
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
        text = own(path) or examples(kubectl, path)
        if text:
            found[path] = text
    OUT.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(found)} commands' examples to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""cobra's "Did you mean this?" for a command word it does not know (spf13/cobra command.go: findSuggestions,
SuggestionsFor, and ld in cobra.go).

A command is suggested when its name is within Levenshtein distance 2 of the word typed (case ignored), when its
name starts with the word, or when the word is one of its SuggestFor words. The order is the order in which the
parent added its commands (kubectl's command groups), not alphabetical.
"""

from __future__ import annotations

MINIMUM_DISTANCE = 2  # cobra's default SuggestionsMinimumDistance

# kubectl's root commands in the order NewKubectlCommand adds them (the groups of `kubectl --help`), then the
# commands only minikctl has
ROOT_ORDER = ("create", "expose", "run", "set", "explain", "get", "edit", "delete", "rollout", "scale", "autoscale",
              "certificate", "cluster-info", "top", "cordon", "uncordon", "drain", "taint", "describe", "logs",
              "attach", "exec", "port-forward", "proxy", "cp", "auth", "debug", "events", "diff", "apply", "patch",
              "replace", "wait", "kustomize", "label", "annotate", "completion", "api-resources", "api-versions",
              "config", "plugin", "version", "timeline", "clock", "serve")
# cobra.Command.SuggestFor of kubectl's commands (get.go, wait.go, delete.go)
SUGGEST_FOR = {"get": ("list", "ps"), "wait": ("list", "ps"), "delete": ("rm",)}


def distance(a: str, b: str) -> int:
    """Levenshtein distance, case ignored (cobra's ld with ignoreCase)."""
    a, b = a.lower(), b.lower()
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[len(b)]


def suggestions(typed: str, names: list[str]) -> list[str]:
    out = []
    for name in names:
        if distance(typed, name) <= MINIMUM_DISTANCE or name.lower().startswith(typed.lower()):
            out.append(name)
        out += [name for word in SUGGEST_FOR.get(name, ()) if word.lower() == typed.lower()]
    return out


def block(typed: str, names: list[str]) -> str:
    """The text cobra appends to "unknown command ...": empty when nothing is close."""
    found = suggestions(typed, names)
    if not found:
        return ""
    return "\n\nDid you mean this?\n" + "".join(f"\t{name}\n" for name in found)


def root_names(commands) -> list[str]:
    return sorted(commands, key=lambda w: ROOT_ORDER.index(w) if w in ROOT_ORDER else len(ROOT_ORDER))


def command_names(commands: dict) -> list[str]:
    """A group's subcommands by their names, aliases left out (an alias shares its command's declaration and is
    listed after its name: deployment, deploy), in the group's order."""
    named: dict[int, str] = {}
    for word, decl in commands.items():
        named.setdefault(id(decl), word)
    return list(named.values())


def in_group(message: str, typed: str, commands: dict, path: str) -> str:
    """kubectl's error for a word no subcommand of ``path`` has (cmdutil.DefaultSubCommandRun's "unknown command",
    create's "Unexpected args"), with cobra's suggestions between it and the usage hint."""
    text = "error: " + message + block(typed, command_names(commands))
    return text.rstrip("\n") + ("\n" if text.endswith("\n") else "") + f"\nSee 'minikctl {path} -h' for help and examples"

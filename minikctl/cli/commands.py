"""The command words and the module that declares each one (the root command, completion and help read it)."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

# The module that declares each command; a command line imports only the one it names.
COMMANDS = {"apply": "apply", "create": "create", "replace": "apply", "get": "get", "describe": "describe",
            "delete": "delete", "patch": "patch", "label": "patch", "annotate": "patch", "set": "set", "edit": "edit",
            "wait": "wait", "logs": "logs", "exec": "exec", "run": "run", "timeline": "timeline",
            "clock": "clock", "version": "version", "api-resources": "api_resources", "api-versions": "api_resources", "top": "top",
            "rollout": "rollout", "scale": "scale", "serve": "serve", "diff": "diff", "completion": "completion",
            "explain": "explain", "node": "node", "debug": "debug", "cordon": "drain", "uncordon": "drain",
            "drain": "drain", "taint": "drain", "events": "events",
            "expose": "expose", "attach": "attach", "port-forward": "portforward"}


def lookup(word: str) -> Any:
    """The declaration of a command word: its function, or a `spec.Group`; None for an unknown word."""
    module = COMMANDS.get(word)
    if not module:
        return None
    name = f"minikctl.cli.{module}"
    __import__(name)  # importlib.import_module without importing importlib (and warnings) on every command
    return sys.modules[name].COMMANDS[word]

"""An unknown command word gets cobra's "Did you mean this?" (spf13/cobra command.go findSuggestions and
SuggestionsFor: Levenshtein distance <= 2 ignoring case, a prefix, or a SuggestFor word), in the text kubectl 1.32
prints: at the root cobra's `Error: unknown command ... for "kubectl"`; below a group kubectl's own error
(cmdutil.DefaultSubCommandRun, create's "Unexpected args"), with the suggestions before its usage hint."""

from __future__ import annotations

import pytest

from minikctl.cli.suggest import distance, suggestions, root_names
from minikctl.cli.commands import COMMANDS


@pytest.mark.parametrize("a, b, d", [("gte", "get", 2), ("", "abc", 3), ("GET", "get", 0), ("kitten", "sitting", 3),
                                     ("rm", "run", 2), ("logs", "lgs", 1)])
def test_distance(a, b, d):
    assert distance(a, b) == d


@pytest.mark.parametrize("typed, found", [
    # what kubectl 1.32 suggests, less the commands minikctl does not have (cp, expose, ...), then minikctl's own
    # commands (node)
    ("gte", ["get"]), ("ge", ["set", "get"]), ("de", ["set", "get", "delete", "describe", "debug", "node"]),
    ("rm", ["run", "delete"]), ("list", ["get", "wait"]), ("ps", ["get", "wait"]), ("stop", ["top"]),
    ("lo", ["top", "logs"]), ("completio", ["completion"]), ("xyzzy", []), ("GET", ["set", "get"]),
])
def test_root_suggestions_in_kubectls_order(typed, found):
    assert suggestions(typed, root_names(COMMANDS)) == found


def test_root_error_text(cli):
    done = cli("gte", "pods")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == 'Error: unknown command "gte" for "minikctl"\n\nDid you mean this?\n\tget\n\n'
    assert cli.fail("--tick", "0", "rm", "x") == \
        'Error: unknown command "rm" for "minikctl"\n\nDid you mean this?\n\trun\n\tdelete\n\n'
    assert cli.fail("xyzzy") == 'Error: unknown command "xyzzy" for "minikctl"\n'


@pytest.mark.parametrize("line, text", [
    (["rollout", "stauts"], 'error: unknown command "stauts"\n\nDid you mean this?\n\tstatus\n\n'
                            "See 'minikctl rollout -h' for help and examples\n"),
    (["rollout", "stauts", "deploy/x"], 'error: unknown command "stauts deploy/x"\n\nDid you mean this?\n\tstatus\n\n'
                                        "See 'minikctl rollout -h' for help and examples\n"),
    (["create", "deploymnt", "x"], "error: Unexpected args: [deploymnt x]\n\nDid you mean this?\n"
                                                    "\tdeployment\n\nSee 'minikctl create -h' for help and examples\n"),
    (["create", "secret", "genric", "s"], 'error: unknown command "genric s"\n\nDid you mean this?\n\tgeneric\n\n'
                                          "See 'minikctl create secret -h' for help and examples\n"),
    (["top", "nod"], 'error: unknown command "nod"\n\nDid you mean this?\n\tpod\n\tnode\n\n'
                     "See 'minikctl top -h' for help and examples\n"),
    # nothing close: exactly kubectl's text
    (["clock", "zzz"], "error: unknown command \"zzz\"\nSee 'minikctl clock -h' for help and examples\n"),
    (["create", "widget", "x"], "error: Unexpected args: [widget x]\nSee 'minikctl create -h' for help and examples\n"),
])
def test_subcommand_errors(cli, line, text):
    assert cli.fail(*line) == text

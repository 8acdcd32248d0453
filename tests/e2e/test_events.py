"""minikctl events: kubectl 1.32's `kubectl events` (pkg/cmd/events/events.go, event_printer.go).

The real kubectl runs the same command against `minikctl serve --tick 0` on a copy of the store. kubectl computes
LAST SEEN against the wall clock and minikctl against the virtual one, so the table comparisons leave that column
out (its values are checked on their own below); everything else — order (Go's sort.Sort by last seen), types,
reasons, objects, messages, the errors, the -o printers — must be the same bytes.
"""

from __future__ import annotations

import re
import shutil

import pytest

from kubectl_oracle import KUBECTL
from test_node_maintenance import WORLD
from test_serve import Kubectl, Served
from tests.conftest import Cli

CRASH = """apiVersion: v1
kind: Pod
metadata:
  name: crash
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: [sh, -c, "sleep 1; exit 3"]
"""


def _world(tmp_path) -> Cli:
    cli = Cli(tmp_path / "mine")
    cli.ok("apply", "-f", "-", input=WORLD + "---\n" + CRASH, tick="0")
    cli.ok("clock", "advance", "3m", tick="0")
    return cli


@pytest.fixture
def pair(tmp_path):
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    cli = _world(tmp_path)
    home = tmp_path / "served"
    shutil.copytree(cli.home, home)
    served = Served(home, "--tick", "0")
    yield cli, Kubectl(served, tmp_path)
    assert "Traceback" not in served.stop()


def _without_age(text: str, column: int) -> list[list[str]]:
    return [[c for i, c in enumerate(re.split(r" {3,}", line)) if i != column] for line in text.splitlines()]


def test_tables_as_kubectl_prints_them(pair):
    cli, kubectl = pair
    for args, age in ((("events",), 0), (("events", "-A"), 1), (("events", "--for", "pod/crash"), 0),
                      (("events", "--for", "deployment.apps/web"), 0), (("events", "--types=Warning"), 0),
                      (("events", "--for", "pod/lone", "--no-headers"), 0)):
        theirs, mine = kubectl(*args), cli(*args, tick="0")
        assert (mine.returncode, mine.stderr) == (theirs.returncode, theirs.stderr), args
        assert _without_age(mine.stdout, age) == _without_age(theirs.stdout, age), args
        assert len(mine.stdout.splitlines()) > 1 or "--no-headers" in args


def test_printers_and_errors_as_kubectl(pair):
    cli, kubectl = pair
    for args in (("events", "--for", "deploy/web", "-o", "json"), ("events", "-o", "yaml", "--for", "node/node2"),
                 ("events", "-o", "name"), ("events", "--for", "pod/lone", "-o", "jsonpath={.items[*].reason}"),
                 ("events", "--for", "pod/crash", "-o", "go-template={{range .items}}{{.count}} {{end}}"),
                 ("events", "-n", "kube-system"), ("events", "--types=Normal,Bogus"), ("events", "--for", "lone"),
                 ("events", "--for", "pod/a/b"), ("events", "--for", "foo/x"), ("events", "-o", "wide"),
                 ("events", "-o", "custom-columns=R:.reason"), ("events", "--for", "pod/nosuch"),
                 ("events", "-A", "--types", "warning")):
        theirs, mine = kubectl(*args), cli(*args, tick="0")
        if args == ("events", "-A", "--types", "warning"):  # a table: LAST SEEN left out
            assert _without_age(mine.stdout, 1) == _without_age(theirs.stdout, 1)
            continue
        assert (mine.returncode, mine.stdout, mine.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr), args


def test_last_seen_is_virtual_time_with_repeats(tmp_path):
    cli = _world(tmp_path)
    out = cli.ok("events", "--for", "pod/lone", tick="0")
    assert out.splitlines()[1:] == [
        '3m          Normal   Pulling   Pod/lone   Pulling image "nginx:1.14.2"',
        "2m58s       Normal   Pulled    Pod/lone   Successfully pulled image \"nginx:1.14.2\" in 2s (2s including "
        "waiting). Image size: 44710204 bytes.",
        "2m58s       Normal   Created   Pod/lone   Created container: c",
        "2m58s       Normal   Started   Pod/lone   Started container c"]
    crash = cli.ok("events", "--for", "pod/crash", "--types", "Warning", tick="0").splitlines()
    assert re.match(r"\d+s \(x\d+ over 2m5\ds\) +Warning +BackOff +Pod/crash +Back-off restarting failed container c "
                    r"in pod crash_default\(", crash[1]), crash


def test_watch_streams_new_events_with_remembered_column_widths(tmp_path):
    """runWatch: every existing event first (as the watch's initial ADDED events), then each new or updated one,
    through one tabwriter that keeps its columns at least as wide as before (RememberWidths)."""
    cli = Cli(tmp_path / "mine")
    cli.ok("apply", "-f", "-", input=CRASH, tick="0")
    cli.ok("clock", "advance", "2s", tick="0")
    out = cli.ok("events", "-w", "--for", "pod/crash", "--request-timeout", "40s", tick="0").splitlines()
    assert out[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    reasons = [re.split(r" {3,}", line)[2] for line in out[1:]]
    assert reasons[:5] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    assert "BackOff" in reasons and reasons.count("Created") >= 2  # repeats come again, counted
    assert any(re.match(r"\d+s \(x2 over \d+s\)", line) for line in out)
    # the REASON column never gets narrower than "Scheduled" made it
    starts = {line.index(" Pod/crash") for line in out[1:]}
    assert min(starts) >= out[1].index(" Pod/crash")
    # piped, the watch fast-forwards to the last wake-up inside --request-timeout (as get -w does)
    assert "2026-01-01T00:00:30Z" < cli.ok("clock", "show", tick="0").strip() <= "2026-01-01T00:00:42Z"

"""Pods whose readiness flaps behind Services (``bench/services_speed.py`` in small): the store after a few advances
is byte for byte the store that stepping every wake-up gives (store meta ``engine:profile`` = {"ffwd": false}),
and the store this scenario gave before the kubelet's and the endpoints controllers' speed work (``GOLDEN``: the
digest of every table's rows, ``changes`` and ``rows`` included). What the CLI prints of it (``get pods``,
``get endpointslices``, ``describe pod``, ``get events``) agrees too.

The scenario: 20 pods whose container makes and removes the file its exec readiness probe reads every 30 s, behind
2 Services; one pod whose flap is not a whole number of probe periods (20 s up, 45 s down); in the middle, one pod
moved to the other Service by a label patch and one pod's file removed by an exec; among them, 12 pods whose
readiness probe never passes (parked, ``kubelet/parked.py``: their probes take their revisions between the
flapping pods' writes).

Regenerate ``GOLDEN`` (only for an intended change of behaviour): ``python tests/unit/test_engine_flap.py``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.unit.flap_world import FLAP, exec_ready, runtime_records, service, stepping, steps

ODD = "while true; do touch /tmp/ready; sleep 20; rm -f /tmp/ready; sleep 45; done"

# (number of dump lines, sha256 of the dump) of the scenario as stepped before the speed work (since then, the
# schema has the event correlator's table, store/events.py: one line more, the rows the same)
GOLDEN = (2583, "be22565e1bbdfd65405798549b9c3123361dfe520e77652a04af9ead688bf806")


def _pod(name: str, svc: str, script: str) -> dict:
    return exec_ready(name, script, svc=svc)


def _never_ready(name: str, svc: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": {"svc": svc}},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.14.2", "ports": [{"containerPort": 80,
                                                                                       "name": "http"}],
                                     "readinessProbe": {"httpGet": {"path": "/", "port": 8080},
                                                        "periodSeconds": 10}}]}}


def run_scenario(path: str, ffwd: bool = True) -> list[str]:
    """Run the scenario in a new store at ``path``; the store's dump (``sqlite3.Connection.iterdump``)."""
    st, step = steps(path)

    def first(cl) -> None:
        if not ffwd:
            stepping(cl.tx)
        for svc in ("s0", "s1"):
            cl.api.create(service(svc))
        for i in range(20):
            cl.api.create(_pod(f"p{i:02d}", f"s{i % 2}", FLAP))
        cl.api.create(_pod("odd", "s0", ODD))
        for i in range(12):  # readiness probes that never pass, parked among the flapping pods' writes
            cl.api.create(_never_ready(f"n{i:02d}", f"s{i % 2}"))

    def advance(ms: int):
        return lambda cl: cl.advance_to(cl.now_ms + ms)

    def relabel(cl) -> None:
        old = cl.tx.get("Pod", "default", "p03")
        new = json.loads(json.dumps(old))
        new["metadata"]["labels"]["svc"] = "s0"
        cl.api.update(old, new)

    def remove_file(cl) -> None:
        cl.exec(cl.tx.get("Pod", "default", "p04"), "c", ["rm", "-f", "/tmp/ready"])

    step(first)
    for fn in (advance(15_000), advance(7 * 60_000 + 3_000), relabel, advance(12_500), remove_file,
               advance(13 * 60_000)):
        step(fn)
    st.close()
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _digest(dump: list[str]) -> tuple[int, str]:
    return len(dump), hashlib.sha256("\n".join(dump).encode()).hexdigest()


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    d = tmp_path_factory.mktemp("flap")
    out = {}
    for ffwd in (True, False):
        home = d / f"home-{ffwd}"
        home.mkdir()
        out[ffwd] = (home, run_scenario(str(home / "store.db"), ffwd))
    return out


_runtime = runtime_records


def test_flapping_pods_store_what_stepping_stores(stores):
    (fast_home, fast), (stepped_home, stepped) = stores[True], stores[False]

    def rest(dump: list[str]) -> list[str]:  # the profile's meta row is stepping's own
        return [x for x in dump if "engine:profile" not in x and not x.startswith('INSERT INTO "runtime"')]

    assert rest(fast) == rest(stepped)
    assert _runtime(fast_home) == _runtime(stepped_home)


def test_flapping_pods_store_the_golden(stores):
    assert _digest(stores[True][1]) == GOLDEN


@pytest.mark.parametrize("argv", [("get", "pods", "-o", "wide"), ("get", "endpointslices"), ("get", "endpoints"),
                                  ("describe", "pod", "p03"), ("describe", "pod", "odd"), ("get", "events")])
def test_flapping_pods_print_alike(stores, argv):
    from tests.conftest import Cli

    seen = {ffwd: Cli(home).ok(*argv, tick="0") for ffwd, (home, _dump) in stores.items()}
    assert seen[True] == seen[False]
    assert seen[True]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        print(_digest(run_scenario(str(Path(d) / "s.db"))))

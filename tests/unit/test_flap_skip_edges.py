"""The flapping-minutes skip's twins of pods' objects (engine/flapskip.py ``_ObjectTwins``) where a pod's identity
strings or its revision could be taken for something else: pods whose names are prefixes of each other (p, p1,
p10, p100), a label whose value is one pod's name (that pod's own name there, the others' a constant), an
annotation whose key is ``resourceVersion`` (the text ``"resourceVersion":"7"`` in the metadata, a second time) and
one holding that text escaped, and a label patch between two advances that makes one pod's object differ from its
former twins. The fast run, stepping (store meta ``engine:profile`` {"ffwd": false}), and the fast run with each of
this round's switches off (MINIKCTL_NO_FLAP_OBJECT_TWINS, MINIKCTL_NO_FLAP_POD_FIELDS, MINIKCTL_NO_FLAP_LEAF_TEXTS)
store the same, byte for byte (the change log from the jump's revision on, the runtime records without the
kubelet's marks, as tests/unit/test_flap_skip.py compares them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.flap_world import FLAP, exec_ready, runtime_records, service, stepping, steps
from tests.unit.test_flap_skip import _same_stores, _tables

NAMES = ("p", "p1", "p10", "p100", "p11", "q1")
DECOYS = {"resourceVersion": "7", "copy": '{"metadata":{"resourceVersion":"8"}}'}


def _run(home: Path, ffwd: bool) -> None:
    home.mkdir()
    st, step = steps(str(home / "store.db"))

    def first(cl) -> None:
        if not ffwd:
            stepping(cl.tx)
        cl.api.create(service("s0"))
        cl.api.create(service("s1"))
        for i, name in enumerate(NAMES):
            pod = exec_ready(name, FLAP, svc=f"s{i % 2}", peer="p1")
            pod["metadata"]["annotations"] = dict(DECOYS)
            cl.api.create(pod)

    def relabel(cl) -> None:
        old = cl.tx.get("Pod", "default", "p10")
        new = json.loads(json.dumps(old))
        new["metadata"]["labels"]["svc"] = "s1"
        cl.api.update(old, new)

    step(first)
    for fn in (lambda cl: cl.advance_to(cl.now_ms + 15_000), lambda cl: cl.advance_to(cl.now_ms + 14 * 60_000),
               relabel, lambda cl: cl.advance_to(cl.now_ms + 12 * 60_000 + 5_000)):
        step(fn)
    st.close()


def test_prefix_names_and_decoy_revisions_skip_as_stepping(tmp_path):
    from minikctl.engine import flapskip

    jumps, twins = [], []
    jump, match = flapskip._Learned.jump, flapskip._ObjectTwins.match

    def counted(self, tx, n):
        jumps.append(n)
        return jump(self, tx, n)

    def matched(self, entry, tokens, z, rvs):
        found = match(self, entry, tokens, z, rvs)
        if found is not None:
            twins.append(tokens[-1])  # the pod's name
        return found

    mp = pytest.MonkeyPatch()
    mp.setattr(flapskip._Learned, "jump", counted)
    mp.setattr(flapskip._ObjectTwins, "match", matched)
    try:
        _run(tmp_path / "fast", True)
        assert len(jumps) >= 2, jumps  # both advances skipped
        # pods whose names extend others' compared as twins
        assert {"p11", "p100"} <= set(twins), twins
        _run(tmp_path / "slow", False)
        for switch in ("OBJECT_TWINS", "POD_FIELDS", "LEAF_TEXTS"):
            mp.setattr(flapskip, switch, False)
            _run(tmp_path / switch, True)
            mp.setattr(flapskip, switch, True)
    finally:
        mp.undo()
    fast, stepped = _tables(tmp_path / "fast" / "store.db"), _tables(tmp_path / "slow" / "store.db")
    assert fast[0] == stepped[0]
    assert runtime_records(tmp_path / "fast") == runtime_records(tmp_path / "slow")
    assert fast[2] is not None and fast[1] == [row for row in stepped[1] if row[0] >= int(fast[2])]
    for switch in ("OBJECT_TWINS", "POD_FIELDS", "LEAF_TEXTS"):
        _same_stores(tmp_path / "fast", tmp_path / switch)

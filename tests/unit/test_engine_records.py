"""The kubelet's typed runtime records (``minikctl/engine/kubelet/records.py``).

``golden/engine/records_v1.json`` holds the pod records of the scripted scenario of ``test_engine_equivalence``
twice: ``v1`` as the engine wrote them before the records were typed (one-letter keys, timers as lists), and
``v2`` as the typed engine wrote them for the same scenario (the same commands ended in byte-identical
objects, events and history). Both without what the behavior package owns (process records, filesystems,
the crash-loop signature), as in the equivalence golden.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from minikctl.engine.kubelet.records import PodRecord, from_v1

PAIRS = json.loads((Path(__file__).parent / "golden" / "engine" / "records_v1.json").read_text())


def _canonical(x):
    """A record's JSON with what is left out as null or empty also left out (the shape of the fixture's time wrote
    nulls, empty maps and empty log lists)."""
    if isinstance(x, dict):
        return {k: _canonical(v) for k, v in x.items()
                if v is not None and not (k in ("probes", "image_backoff") and v == {})
                and not (k == "logs" and v == [])}  # lines live in the log table now (store/logs.py)
    if isinstance(x, list):
        return [_canonical(v) for v in x]
    return x


def _restored(d: dict) -> dict:
    """A v2 record of the fixture with the parts it leaves out (the behavior package's) put back."""
    d = json.loads(json.dumps(d))
    d.setdefault("filesystem", None)
    if d.get("cycle") is not None:
        d["cycle"].setdefault("signature", "")
    return d


def _complete(d: dict) -> dict:
    return _canonical(_restored(d))


@pytest.mark.parametrize("pair", PAIRS, ids=[p["key"][2] for p in PAIRS])
def test_record_round_trip(pair):
    want = _complete(pair["v2"])
    rec = PodRecord.from_json(json.loads(json.dumps(want)))
    assert rec.to_json() == want
    assert json.loads(json.dumps(rec.to_json())) == want  # plain JSON: the store keeps it as text
    assert PodRecord.from_json(_restored(pair["v2"])).to_json() == want  # read with its nulls written out


@pytest.mark.parametrize("pair", PAIRS, ids=[p["key"][2] for p in PAIRS])
def test_version_1_record_reads_as_the_typed_engine_wrote_it(pair):
    """A store made before the records were typed keeps working: each old record reads as the record the typed
    engine wrote after the same commands (the crash-loop signature, hashed from the old shape, is dropped)."""
    got = PodRecord.from_json(pair["v1"]).to_json()
    want = _complete(pair["v2"])
    assert got == want  # the v1 record's signature reads as "" (it matches no new one)
    assert from_v1(pair["v1"])["version"] == 2


def test_record_names_explain_themselves():
    """Spot checks of the shape on a pod that crash-looped for a day (one-letter keys are gone)."""
    pair = next(p for p in PAIRS if p["key"][2] == "loop-00")
    rec = PodRecord.from_json(_complete(pair["v2"]))
    c = rec.containers["crash"]
    assert (c.kind, c.restart_count, c.back_off.seconds) == ("app", pair["v1"]["c"]["crash"]["n"], 300)
    assert c.current.exit_code == 1 and c.current.reason == "Error" and c.previous.attempt == c.current.attempt - 1
    assert c.waiting.reason == "CrashLoopBackOff"
    assert [t.kind for t in rec.timers] == ["sync"] and rec.next_wake() == rec.timers[0].at
    assert all(len(k) > 2 for k in rec.to_json()) and all(len(k) > 2 for k in c.to_json())


def test_unknown_record_version_is_refused():
    with pytest.raises(ValueError, match="unknown pod runtime record version"):
        PodRecord.from_json({"version": 3})


def test_records_module_does_not_import_dataclasses():
    import subprocess
    import sys

    code = "import sys; import minikctl.engine.kubelet.worker; print('dataclasses' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False"]  # importing dataclasses costs a command ~10-17 ms (it imports inspect)

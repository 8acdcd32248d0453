"""The store's JSON encoders set up once (kube/jsontext.py) write the texts ``json.JSONEncoder.encode`` writes: value
by value, and a whole store advanced with them is byte for byte the store advanced with ``MINIKCTL_NO_JSON_ONCE=1``
(the encoders are made at import: each run is its own interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from minikctl.kube import jsontext

ROOT = Path(__file__).resolve().parents[2]

VALUES = [
    {"z": 1, "a": [1.5, -0.0, 1e-7, 1e300, 2 ** 70, -3], "m": {"é": "ü\u2028\u2029", "": None, "t": True}},
    ["\x00\x1f\"\\/\t\n", "日本語", "\ud83d\ude00", "😀", "", 0, False],
    "a string \"quoted\" é",
    3.141592653589793,
    12345678901234567890,
    None,
    [],
    {},
    {"b": {"c": {"d": [[[]]]}}, "a": [{"y": 1, "x": 2}]},
]


@pytest.mark.parametrize("sort_keys", [False, True])
@pytest.mark.parametrize("ensure_ascii", [False, True])
def test_the_text_of_every_value_is_the_stdlibs(sort_keys, ensure_ascii):
    plain = json.JSONEncoder(separators=(",", ":"), sort_keys=sort_keys, ensure_ascii=ensure_ascii,
                             check_circular=False).encode
    once = jsontext.encoder(sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    # this interpreter has the C encoder: the encoder made once is taken (not the stdlib's encode)
    assert getattr(once, "__self__", None) is None
    for v in VALUES:
        assert once(v) == plain(v), v
    with pytest.raises(TypeError):
        once({"x": object()})


def test_the_switch_takes_the_stdlibs_encode(monkeypatch):
    monkeypatch.setenv("MINIKCTL_NO_JSON_ONCE", "1")
    assert isinstance(jsontext.encoder().__self__, json.JSONEncoder)


_SCENARIO = """
import json, sys
import pytest
from tests.unit import test_wake_twins as t
from minikctl.store import db
from tests.unit.flap_world import dump, steps

print(getattr(db._dumps, "__self__", None) is None)
out = {}
mp = pytest.MonkeyPatch()
out["starting"] = t._starting(__import__("pathlib").Path(sys.argv[1]) / "starting.db", True, mp)
out["flapping"] = t._flapping(__import__("pathlib").Path(sys.argv[1]) / "flapping.db", True, True, mp)
st, step = steps(sys.argv[1] + "/odd.db")
pod = t._nginx("odd")
pod["metadata"]["annotations"] = {"note": "\\u00e9t\\u00e9 \\u2028 \\U0001F600 \\\\ \\"q\\"", "n": "1.50"}
step(lambda cl: cl.api.create(pod))
step(lambda cl: cl.advance_to(cl.now_ms + 30_000))
st.close()
out["odd"] = dump(sys.argv[1] + "/odd.db")
json.dump(out, open(sys.argv[1] + "/dump.json", "w"))
"""


def _run(tmp: Path, switched_off: bool) -> tuple[str, dict]:
    tmp.mkdir()
    env = dict(os.environ)
    env.pop("MINIKCTL_NO_JSON_ONCE", None)
    if switched_off:
        env["MINIKCTL_NO_JSON_ONCE"] = "1"
    done = subprocess.run([sys.executable, "-c", _SCENARIO, str(tmp)], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip(), json.loads((tmp / "dump.json").read_text())


def test_a_store_advanced_is_the_one_the_stdlibs_encode_writes(tmp_path):
    fast, on = _run(tmp_path / "on", False)
    plain, off = _run(tmp_path / "off", True)
    assert (fast, plain) == ("True", "False")  # each run took the encoder it was meant to
    assert set(on) == set(off) == {"starting", "flapping", "odd"}
    for key in on:
        assert len(on[key]) > 50
        assert on[key] == off[key], key
    assert any("\u00e9t\u00e9" in line for line in on["odd"])  # written as it is (not escaped)

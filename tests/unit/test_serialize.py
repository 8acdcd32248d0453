"""kubectl-exact JSON / YAML output (minikctl.printers.serialize).

The goldens under golden/serialize were produced by the real kubectl v1.32
(``regen.py``); when /usr/bin/kubectl exists, a few extra inputs are also
compared live.
"""

from __future__ import annotations

import json
import math
import os
import pathlib
import shutil
import subprocess

import pytest

from minikctl.printers.serialize import (
    go_json_float,
    go_yaml_float,
    plain_resolves_to_str,
    to_compact_json,
    to_json,
    to_yaml,
    to_yaml_stream,
)

GOLDEN = pathlib.Path(__file__).parent / "golden" / "serialize"
CASES = sorted(p.name[: -len(".in.json")] for p in GOLDEN.glob("*.in.json"))
KUBECTL = shutil.which("kubectl") or ("/usr/bin/kubectl" if os.path.exists("/usr/bin/kubectl") else None)


def test_golden_cases_present():
    assert len(CASES) >= 20
    for c in ("scalars", "layout", "tricky"):
        assert c in CASES


@pytest.mark.parametrize("case", CASES)
def test_golden_json(case):
    obj = json.loads((GOLDEN / f"{case}.in.json").read_text())
    assert to_json(obj) == (GOLDEN / f"{case}.out.json").read_text()


@pytest.mark.parametrize("case", CASES)
def test_golden_yaml(case):
    obj = json.loads((GOLDEN / f"{case}.in.json").read_text())
    assert to_yaml(obj) == (GOLDEN / f"{case}.out.yaml").read_text()


def _kubectl(obj, fmt, tmp_path):
    p = tmp_path / "in.json"
    p.write_text(json.dumps(obj, ensure_ascii=False))
    r = subprocess.run(
        [KUBECTL, "patch", "--local", "-f", str(p), "-p", "{}", "--type", "merge", "-o", fmt],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


LIVE = [
    {"msg": "x " * 100, "k": [("y" * 79) + " z", "a " + "b" * 90 + " c"]},
    {"deep": {"a": {"b": {"c": {"d": ["q " * 45, {"e": "r " * 45}]}}}}},
    {"quotes": ["it's " * 20, "a: b " * 20, '"dq" ' * 20, "#x " * 30]},
    {"lits": ["a\n", "a\n\n", "\n", " a\n", "a \nb", "a\n b\n", "x\ty\n"]},
    {"z: 9": "\n_+/**09 ._ .\n"},
    {"n": [0.5, 2.5e-7, 1e300, -1.25e-300, 12345678.9, 1e6, 1.0e15, 0.1 + 0.2]},
    {"s": ["1e1", "1E1", "+1e+1", ".1", "0.", "-.1e-2", "0b1", "0B1", "0X1f", "0O7", "Yes", "yES", "NULL", "nULL"]},
]


@pytest.mark.skipif(KUBECTL is None, reason="kubectl not installed")
@pytest.mark.parametrize("idx", range(len(LIVE)))
def test_live_against_kubectl(idx, tmp_path):
    obj = {"apiVersion": "example.com/v1", "kind": "Foo", "metadata": {"name": "x"}, "spec": LIVE[idx]}
    assert to_yaml(obj) == _kubectl(obj, "yaml", tmp_path)
    assert to_json(obj) == _kubectl(obj, "json", tmp_path)


def test_json_escaping_and_layout():
    assert to_json({"b": "<a & b>", "a": []}) == '{\n    "a": [],\n    "b": "\\u003ca \\u0026 b\\u003e"\n}\n'
    assert to_json({"x": {}}) == '{\n    "x": {}\n}\n'
    assert to_json({"u": "é😀\u2028\x01\x7f\b\f"}) == '{\n    "u": "é😀\\u2028\\u0001\x7f\\b\\f"\n}\n'
    assert to_json([1, None, True]) == "[\n    1,\n    null,\n    true\n]\n"


def test_compact_json():
    obj = {"spec": {"containers": [{"name": "a", "image": "nginx"}]}, "apiVersion": "v1", "n": 1.0, "h": "<"}
    assert to_compact_json(obj) == '{"apiVersion":"v1","h":"\\u003c","n":1,"spec":{"containers":[{"image":"nginx","name":"a"}]}}'


def test_field_order_for_typed_list():
    out = to_json({"apiVersion": "v1", "items": [], "kind": "List", "metadata": {}},
                  field_order=["kind", "apiVersion", "metadata", "items"])
    assert out == '{\n    "kind": "List",\n    "apiVersion": "v1",\n    "metadata": {},\n    "items": []\n}\n'


def test_go_floats():
    assert go_json_float(1.0) == "1"
    assert go_json_float(0.000001) == "0.000001"
    assert go_json_float(1e-7) == "1e-7"
    assert go_json_float(1e21) == "1e+21"
    assert go_json_float(123456789.0) == "123456789"
    assert go_json_float(-2.5) == "-2.5"
    assert go_yaml_float(1e-6) == "1e-06"
    assert go_yaml_float(1234567.5) == "1.2345675e+06"
    assert go_yaml_float(100000.5) == "100000.5"
    assert go_yaml_float(math.inf) == ".inf"
    assert go_yaml_float(-math.inf) == "-.inf"
    assert go_yaml_float(math.nan) == ".nan"
    with pytest.raises(ValueError):
        go_json_float(math.nan)


def test_plain_resolution_yaml11():
    for s in ("80", "true", "yes", "Y", "off", "~", "null", "", "1e3", "0x1F", "0o17", "08", ".5",
              "2024-01-01", "2024-01-01T00:00:00Z", "1_000", "+1", "0b101", ".inf"):
        assert not plain_resolves_to_str(s), s
    for s in ("nginx", "yess", "-", "1.2.3", "2024-13-01", ".Nan", "<<", "0x", "v1", "True1"):
        assert plain_resolves_to_str(s), s


def test_yaml_basic_shapes():
    assert to_yaml({}) == "{}\n"
    assert to_yaml({"a": [], "b": {}, "c": None}) == "a: []\nb: {}\nc: null\n"
    assert to_yaml({"a": ["x", {"b": 1, "a": [2]}]}) == "a:\n- x\n- a:\n  - 2\n  b: 1\n"
    assert to_yaml({"s": "80", "t": "True", "p": "a: b"}) == "p: 'a: b'\ns: \"80\"\nt: \"True\"\n"
    assert to_yaml({"m": "one\ntwo\n", "n": "one\ntwo"}) == "m: |\n  one\n  two\n\"n\": |-\n  one\n  two\n"
    assert to_yaml({"f": 1.0, "g": 0.5, "i": 3}) == "f: 1\ng: 0.5\ni: 3\n"


def test_regex_scalar_analysis_matches_char_loop():
    import itertools

    from minikctl.printers import serialize as S

    alphabet = ["a", " ", ":", "-", "#", "?", ".", "\t", "\n", "\r", "\x85", "\u2028", "'", "é", "\ufeff",
                "\x00", "\x01", "😀", ",", "[", "---"]
    fields = ("multiline", "block_plain", "single_ok", "block_ok")
    for n in range(4):
        for combo in itertools.product(alphabet, repeat=n):
            s = "".join(combo)
            a, b = S._analyze(s), S._analyze_loop(s)
            assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields], repr(s)


def test_yaml_literal_as_last_value_has_no_extra_blank_line():
    assert to_yaml({"a": "x\n"}) == "a: |\n  x\n"
    assert to_yaml({"a": "x\n\n"}) == "a: |+\n  x\n\n"
    assert to_yaml({"a": {"b": "\nx\n"}}) == "a:\n  b: |2\n\n    x\n"


def test_yaml_folds_long_plain():
    s = " ".join(["word"] * 30)
    out = to_yaml({"k": s})
    first, second = out.splitlines()
    assert len(first) > 80 and second.startswith("  ")
    assert first[3:] + " " + second[2:] == s


def test_yaml_natural_key_order():
    out = to_yaml({"a10": 1, "a9": 2, "a_": 3, "aZ": 4})
    assert [ln.split(":")[0] for ln in out.splitlines()] == ["a_", "a9", "a10", "aZ"]


def test_yaml_stream_separator():
    assert to_yaml_stream([{"a": 1}, {"b": 2}]) == "a: 1\n---\nb: 2\n"


def test_output_independent_of_dict_order():
    a = {"x": 1, "a": {"q": 1, "b": [1]}, "m": "s"}
    b = {"m": "s", "a": {"b": [1], "q": 1}, "x": 1}
    assert to_yaml(a) == to_yaml(b)
    assert to_json(a) == to_json(b)
    assert to_compact_json(a) == to_compact_json(b)

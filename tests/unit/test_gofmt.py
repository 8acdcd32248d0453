"""minikctl.kube.gofmt: Go's value renderings (expected texts are what Go 1.23 prints)."""

import math
import re

import pytest

from minikctl.kube import gofmt as G


@pytest.mark.parametrize(
    "f, text",
    [
        (0.0, "0"),
        (-0.0, "-0"),
        (1.0, "1"),
        (-2.5, "-2.5"),
        (100000.0, "100000"),
        (123456.7, "123456.7"),
        (999999.0, "999999"),
        (1e6, "1e+06"),
        (1234567.5, "1.2345675e+06"),
        (0.0001, "0.0001"),
        (0.00012, "0.00012"),
        (1e-05, "1e-05"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e21, "1e+21"),
        (1e100, "1e+100"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (math.nan, "NaN"),
        (math.inf, "+Inf"),
        (-math.inf, "-Inf"),
    ],
)
def test_format_float_g(f, text):
    assert G.format_float(f) == text


def test_format_float_e_and_f():
    assert G.format_float(1500.0, "e") == "1.5e+03"
    assert G.format_float(0.0, "e") == "0e+00"
    assert G.format_float(1e-7, "f") == "0.0000001"
    assert G.format_float(1e21, "f") == "1000000000000000000000"
    assert G.format_float(-12.25, "f") == "-12.25"
    with pytest.raises(ValueError):
        G.format_float(1.0, "x")


def test_format_float_32():
    # strconv.FormatFloat(f, 'g', -1, 32): shortest digits at float32 width
    assert G.format_float(0.1, bits=32) == "0.1"
    assert G.format_float(16777217.0, bits=32) == "1.6777216e+07"
    assert G.format_float(3.14159265358979, bits=32) == "3.1415927"
    assert G.format_float(1e-50, bits=32) == "0"
    assert G.format_float(-1e-50, bits=32) == "-0"
    assert G.format_float(1e39, bits=32) == "+Inf"
    assert G.format_float(65504.0, bits=32) == "65504"


def test_shortest_digits():
    assert G.shortest_digits(1.5) == ("15", 1)
    assert G.shortest_digits(-0.001) == ("1", -2)
    assert G.shortest_digits(1500.0) == ("15", 4)
    assert G.shortest_digits(2.5e-7) == ("25", -6)
    assert G.shortest_digits(1e22) == ("1", 23)


@pytest.mark.parametrize(
    "f, text",
    [
        (1.0, "1"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (2.5e-7, "2.5e-7"),
        (1e-10, "1e-10"),
        (123456789.0, "123456789"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (-1.5e300, "-1.5e+300"),
        (-0.0, "-0"),
    ],
)
def test_json_float(f, text):
    assert G.json_float(f) == text


def test_json_float_unsupported():
    for f, name in ((math.nan, "NaN"), (math.inf, "+Inf"), (-math.inf, "-Inf")):
        with pytest.raises(ValueError, match="json: unsupported value: " + re.escape(name)):
            G.json_float(f)


def test_quote_go():
    assert G.quote("") == '""'
    assert G.quote('say "hi"\\') == '"say \\"hi\\"\\\\"'
    assert G.quote("a\tb\nc\rd") == '"a\\tb\\nc\\rd"'
    assert G.quote("\a\b\f\v") == '"\\a\\b\\f\\v"'
    assert G.quote("\x00\x1b\x7f") == '"\\x00\\x1b\\x7f"'
    assert G.quote("héllo 日本 😀") == '"héllo 日本 😀"'
    # non-printable non-ASCII characters are escaped as \u / \U
    assert G.quote("\u200b\u0085") == '"\\u200b\\u0085"'
    assert G.quote("\U000e0001") == '"\\U000e0001"'


def test_quote_ascii_escapes_only():
    # the field-error variant: only ASCII escapes, named ones limited to \n \t \r
    kw = {"named_escapes": False, "escape_unprintable": False}
    assert G.quote("\a\b\f\v", **kw) == '"\\x07\\x08\\x0c\\x0b"'
    assert G.quote("a\tb\n\"", **kw) == '"a\\tb\\n\\""'
    assert G.quote("\u200b", **kw) == '"\u200b"'
    assert G.quote("\x7f", **kw) == '"\\x7f"'


def test_rune_repr():
    assert G.rune_repr("#") == "U+0023 '#'"
    assert G.rune_repr("\n") == "U+000A"
    assert G.rune_repr("é") == "U+00E9 'é'"


def test_json_string():
    assert G.json_string("plain") == '"plain"'
    assert G.json_string("<a href='x'>&</a>") == '"\\u003ca href=\'x\'\\u003e\\u0026\\u003c/a\\u003e"'
    assert G.json_string("\u2028\u2029") == '"\\u2028\\u2029"'
    assert G.json_string('q"\\') == '"q\\"\\\\"'
    assert G.json_string("\b\f\n\r\t\x00\x01\x1f\x7f") == '"\\b\\f\\n\\r\\t\\u0000\\u0001\\u001f\x7f"'
    assert G.json_string("日本") == '"日本"'
    # a lone surrogate is invalid UTF-8 in Go and becomes U+FFFD, unless asked to keep it
    assert G.json_string("a\ud800b") == '"a\ufffdb"'
    assert G.json_string("a\ud800<", replace_invalid=False) == '"a\ud800\\u003c"'


def test_json_marshal_compact():
    v = {"b": [1, 2.5, None, True], "a": {"y": "x<y", "x": {}}, "c": []}
    assert G.json_marshal(v) == '{"a":{"x":{},"y":"x\\u003cy"},"b":[1,2.5,null,true],"c":[]}'
    assert G.json_marshal("s") == '"s"'
    assert G.json_marshal(None) == "null"


def test_json_marshal_indent():
    v = {"kind": "Pod", "items": [1, {"a": False}], "empty": {}, "none": []}
    assert G.json_marshal(v, "    ") == (
        '{\n    "empty": {},\n    "items": [\n        1,\n        {\n            "a": false\n        }\n    ],\n'
        '    "kind": "Pod",\n    "none": []\n}'
    )
    assert G.json_marshal([1, 2], "  ") == "[\n  1,\n  2\n]"
    assert G.json_marshal({}, "  ") == "{}"


def test_json_marshal_key_order():
    v = {"apiVersion": "v1", "items": [], "kind": "List", "metadata": {}}
    out = G.json_marshal(v, "    ", key_order=["kind", "apiVersion", "metadata", "items", "missing"])
    assert out == '{\n    "kind": "List",\n    "apiVersion": "v1",\n    "metadata": {},\n    "items": []\n}'


def test_json_marshal_unstructured_numbers_and_types():
    assert G.json_marshal([2**63 - 1, 2**63, -(2**63) - 1]) == "[9223372036854775807,9223372036854776000,-9223372036854776000]"
    assert G.json_marshal(-0.0) == "0"
    with pytest.raises(TypeError):
        G.json_marshal({1: "a"})
    with pytest.raises(TypeError):
        G.json_marshal({1: "a"}, "  ")
    with pytest.raises(TypeError):
        G.json_marshal(object())
    with pytest.raises(ValueError):
        G.json_marshal([math.inf])


def test_json_marshal_lenient():
    assert G.json_marshal([2**64, -0.0, "\ud800"], lenient=True) == '[18446744073709551616,-0,"\ud800"]'
    assert G.json_marshal({2: "b", 10: "a"}, lenient=True) == '{"10":"a","2":"b"}'
    assert G.json_marshal((1, 2), "  ", lenient=True) == "[\n  1,\n  2\n]"


class _Odd:
    def __str__(self):
        return "<odd>"


def test_json_marshal_lenient_other_objects():
    assert G.json_marshal(_Odd(), lenient=True) == '"\\u003codd\\u003e"'


def test_sprint():
    assert G.sprint(None) == "<nil>"
    assert G.sprint(True) == "true"
    assert G.sprint("x y") == "x y"
    assert G.sprint(3) == "3"
    assert G.sprint(1e6) == "1e+06"
    assert G.sprint(-0.0) == "-0"
    assert G.sprint({"b": [1, "x", None], "a": True, "f": 1.5}) == "map[a:true b:[1 x <nil>] f:1.5]"
    assert G.sprint([]) == "[]"
    assert G.sprint({}) == "map[]"
    assert G.sprint([[1, 2], {"k": {"z": 0.5}}]) == "[[1 2] map[k:map[z:0.5]]]"
    assert G.sprint(2**64) == "18446744073709551616"


def test_sprint_decoded_json_variant():
    kw = {"int64_only": True, "negative_zero": False}
    assert G.sprint(2**64, **kw) == "1.8446744073709552e+19"
    assert G.sprint(2**63 - 1, **kw) == "9223372036854775807"
    assert G.sprint([-0.0, {"a": -0.0}], **kw) == "[0 map[a:0]]"
    assert G.sprint({"x": [2**70]}, **kw) == "map[x:[1.1805916207174113e+21]]"


def test_sharp_v():
    assert G.sharp_v(None) == "interface {}(nil)"
    assert G.sharp_v("a\tb") == '"a\\tb"'
    assert G.sharp_v(2.0) == "2"
    assert G.sharp_v(False) == "false"
    assert G.sharp_v({"b": [1, "x"], "a": None}) == (
        'map[string]interface {}{"a":interface {}(nil), "b":[]interface {}{1, "x"}}'
    )
    assert G.sharp_v([]) == "[]interface {}{}"


def test_type_name():
    assert [G.type_name(v) for v in (None, True, 1, 1.5, "s", {}, [])] == [
        "interface {}", "bool", "int64", "float64", "string", "map[string]interface {}", "[]interface {}",
    ]
    assert G.type_name(None, "<nil>") == "<nil>"


def test_no_dict_order_dependence():
    a = {"b": 1, "a": {"d": 2, "c": 3}}
    b = {"a": {"c": 3, "d": 2}, "b": 1}
    for fn in (G.sprint, G.sharp_v, G.json_marshal, lambda v: G.json_marshal(v, "  ")):
        assert fn(a) == fn(b)


@pytest.mark.skipif(not __import__("shutil").which("kubectl"), reason="kubectl not installed")
def test_json_marshal_indent_matches_kubectl(tmp_path):
    """kubectl's own -o json of an unstructured object (kubectl patch --local needs no cluster)."""
    import json
    import subprocess

    doc = (
        '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","annotations":{"x":"<a&b>\\u2028\\u0001\\u007f é"}},'
        '"spec":{"containers":[{"name":"c","image":"i"}],"xf":[1.5e-7,1e21,1e20,0.000001,123456789.0,-0.0,1e300,'
        "2.5e-300,100,12345678901234567890]}}"
    )
    f = tmp_path / "p.json"
    f.write_text(doc, encoding="utf-8")
    r = subprocess.run(["kubectl", "patch", "--local", "-f", str(f), "-p", "{}", "--type", "merge", "-o", "json"],
                       capture_output=True, text=True, encoding="utf-8", timeout=60)
    if r.returncode != 0:
        pytest.skip("kubectl patch --local unavailable: " + r.stderr.strip())
    assert G.json_marshal(json.loads(doc), "    ") + "\n" == r.stdout


def _like_kubectl_decoding(v):
    """Unstructured JSON decoding: integral numbers within int64 become int64 (so -0.0 is 0)."""
    if isinstance(v, dict):
        return {k: _like_kubectl_decoding(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_like_kubectl_decoding(x) for x in v]
    if isinstance(v, float) and v.is_integer() and G.INT64_MIN <= v <= G.INT64_MAX:
        return int(v)
    if isinstance(v, int) and not isinstance(v, bool) and not G.INT64_MIN <= v <= G.INT64_MAX:
        return float(v)
    return v


@pytest.mark.skipif(not __import__("shutil").which("kubectl"), reason="kubectl not installed")
def test_sprint_matches_kubectl_jsonpath(tmp_path):
    """kubectl -o jsonpath prints each matched value with %v."""
    import json
    import subprocess

    doc = (
        '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"b":"x y","a":"<&>"}},'
        '"spec":{"containers":[{"name":"c","image":"i","args":["p","q"]}],'
        '"xf":[1.5e-7,1e21,1e20,0.000001,123456789.0,-0.0,1e300,2.5e-300,100,12345678901234567890,0.5,1e6,999999,'
        'true,"s",{"k":[1,{"z":false}]}]}}'
    )
    f = tmp_path / "p.json"
    f.write_text(doc, encoding="utf-8")
    r = subprocess.run(["kubectl", "patch", "--local", "-f", str(f), "-p", "{}", "--type", "merge", "-o",
                        "jsonpath={.spec.xf[*]}|{.metadata.labels}|{.spec.containers[0].args[*]}"],
                       capture_output=True, text=True, encoding="utf-8", timeout=60)
    if r.returncode != 0:
        pytest.skip("kubectl patch --local unavailable: " + r.stderr.strip())
    d = _like_kubectl_decoding(json.loads(doc))
    # jsonpath prints maps and lists as JSON (and null as null), everything else with %v
    mine = " ".join(
        G.json_marshal(x, lenient=True) if isinstance(x, (dict, list)) else G.sprint(x) for x in d["spec"]["xf"]
    )
    assert r.stdout == mine + "|" + G.json_marshal(d["metadata"]["labels"]) + "|p q"


@pytest.mark.skipif(not __import__("shutil").which("kubectl"), reason="kubectl not installed")
def test_quote_matches_kubectl(tmp_path):
    """kubectl quotes a failing jsonpath template with %q."""
    import subprocess

    f = tmp_path / "p.json"
    f.write_text('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}', encoding="utf-8")
    tmpl = 'a\t\a\x01\x7f"\\é\u200b\U000e0001 \u00a0{.spec.nope}'
    r = subprocess.run(["kubectl", "patch", "--local", "-f", str(f), "-p", "{}", "--type", "merge",
                        "--allow-missing-template-keys=false", "-o", "jsonpath=" + tmpl],
                       capture_output=True, text=True, encoding="utf-8", timeout=60)
    if "error executing jsonpath" not in r.stderr:
        pytest.skip("kubectl patch --local unavailable: " + r.stderr.strip())
    assert r.stderr.startswith("error: error executing jsonpath " + G.quote(tmpl) + ": ")


@pytest.mark.skipif(not __import__("shutil").which("kubectl"), reason="kubectl not installed")
def test_sharp_v_matches_kubectl(tmp_path):
    """kubectl shows the object given to a failing jsonpath with %#v."""
    import json
    import subprocess

    doc = ('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a\\t\\u00e9","labels":{"b":"x"}},'
           '"spec":{"n":null,"l":[1,2.5,true,[]],"e":{}}}')
    f = tmp_path / "q.json"
    f.write_text(doc, encoding="utf-8")
    r = subprocess.run(["kubectl", "patch", "--local", "-f", str(f), "-p", "{}", "--type", "merge",
                        "--allow-missing-template-keys=false", "-o", "jsonpath={.nope}"],
                       capture_output=True, text=True, encoding="utf-8", timeout=60)
    if "object given to jsonpath engine was:" not in r.stderr:
        pytest.skip("kubectl patch --local unavailable: " + r.stderr.strip())
    assert "\n\t\t" + G.sharp_v(json.loads(doc)) + "\n" in r.stderr


def test_indented_json_fast_path_writes_what_the_general_one_does():
    """json_marshal(v, indent) of decoded JSON takes _indented_plain: the same text as _indented, for random
    values with every kind of scalar, escapes, big and small ints, floats, tuples and empty containers."""
    import random

    rnd = random.Random(7)
    chars = ["a", "<", ">", "&", "\u2028", "\n", "\t", "\x00", "\x7f", "é", "😀", '"', "\\", "{", "]", " ", "\ud800"]

    def gen(d=0):
        r = rnd.random()
        if d > 6 or r < 0.3:
            return rnd.choice([None, True, False, 0, -1, 2**63 - 1, 2**63, -2**63 - 1, 1.5, -0.0, 1e21, 7,
                               "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 5))), "x" * 120])
        if r < 0.65:
            return {"".join(rnd.choice(chars) for _ in range(rnd.randint(0, 3))): gen(d + 1)
                    for _ in range(rnd.randint(0, 4))}
        items = [gen(d + 1) for _ in range(rnd.randint(0, 3))]
        return tuple(items) if rnd.random() < 0.2 else items

    for _ in range(3000):
        v = gen()
        reference: list[str] = []
        G._indented(v, "", "    ", reference, False)
        assert G.json_marshal(v, "    ") == "".join(reference)
        assert G.json_marshal(v, "  ") == "".join(G._indented(v, "", "  ", r := [], False) or r)
    with pytest.raises(TypeError):
        G.json_marshal({1: 2}, "    ")

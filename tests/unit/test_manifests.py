"""Manifest input (minikctl.api.manifests).

Expected values and error texts were observed with the real kubectl v1.32
(``kubectl patch --local -f FILE -p '{}' --type merge -o json``).  When kubectl
is installed, part of the shared example corpus is also compared live.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import time

import pytest

from minikctl.api import manifests as M
from minikctl.kube.errors import ClientError, MultiError
from minikctl.api.manifests import flatten_lists, parse_documents, parse_value, read_sources, resolve_plain
from minikctl.printers.serialize import to_json

KUBECTL = shutil.which("kubectl") or ("/usr/bin/kubectl" if os.path.exists("/usr/bin/kubectl") else None)
CORPUS = pathlib.Path(__file__).resolve().parents[2] / "minikctl" / "k8s_examples"


def err(text: str, source: str = "f.yaml") -> str:
    with pytest.raises(ClientError) as ei:
        parse_documents(text, source)
    return ei.value.render()


# ---------------------------------------------------------------------------
# read_sources
# ---------------------------------------------------------------------------


def test_read_file_any_extension(tmp_path):
    p = tmp_path / "pod.txt"
    p.write_text("a: 1\n")
    assert read_sources([str(p)]) == [(str(p), "a: 1\n")]


def test_read_directory_lexical_with_extensions(tmp_path):
    d = tmp_path / "d"
    (d / "sub").mkdir(parents=True)
    for name in ("b.yaml", "a.json", "c.yml", "z.txt", "A.yaml"):
        (d / name).write_text(name)
    (d / "sub" / "s.yaml").write_text("s")
    got = [os.path.basename(s) for s, _ in read_sources([str(d)])]
    assert got == ["A.yaml", "a.json", "b.yaml", "c.yml"]
    got = [os.path.relpath(s, d) for s, _ in read_sources([str(d)], recursive=True)]
    assert got == ["A.yaml", "a.json", "b.yaml", "c.yml", "sub/s.yaml"]


def test_missing_paths_checked_before_reading(tmp_path):
    ok = tmp_path / "ok.yaml"
    ok.write_text("a: 1")
    calls = []
    with pytest.raises(ClientError) as ei:
        read_sources([str(ok), "nothere.yaml"], stdin_text=lambda: calls.append(1) or "")
    assert ei.value.render() == 'error: the path "nothere.yaml" does not exist'
    with pytest.raises(MultiError) as ei:
        read_sources(["nope1", "nope2"])
    assert ei.value.render() == 'the path "nope1" does not exist\nthe path "nope2" does not exist'


def test_empty_directory_error(tmp_path):
    d = tmp_path / "empty"
    d.mkdir()
    with pytest.raises(ClientError) as ei:
        read_sources([str(d)])
    assert ei.value.render() == f"error: error reading [{d}]: recognized file extensions are [.json .yaml .yml]"
    full = tmp_path / "full"
    full.mkdir()
    (full / "x.yaml").write_text("a: 1")
    # a later empty directory is not an error once something was found
    assert len(read_sources([str(full), str(d)])) == 1


def test_stdin_and_stdin_twice(tmp_path):
    assert read_sources(["-"], stdin_text=lambda: "a: 1\n") == [("STDIN", "a: 1\n")]
    with pytest.raises(ClientError) as ei:
        read_sources(["-", "-"], stdin_text=lambda: "")
    assert ei.value.render() == "error: standard input cannot be used for multiple arguments"


def test_glob(tmp_path):
    for n in ("b.yaml", "a.yaml", "c.txt"):
        (tmp_path / n).write_text(n)
    got = [os.path.basename(s) for s, _ in read_sources([str(tmp_path / "*.yaml")])]
    assert got == ["a.yaml", "b.yaml"]
    with pytest.raises(ClientError) as ei:
        read_sources([str(tmp_path / "nomatch*.yaml")])
    assert "does not exist" in ei.value.render()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text("a: 1")
    p.chmod(0)
    with pytest.raises(ClientError) as ei:
        read_sources([str(p)])
    assert ei.value.render() == f"error: open {p}: permission denied"


# ---------------------------------------------------------------------------
# YAML 1.1 values
# ---------------------------------------------------------------------------

YAML11 = """\
spec:
  a: yes
  b: 1e3
  c: 0o17
  d: 2026-01-01
  e: 12:30
  f: 0x1F
  g: 1.0
  h: 1.5
  i: 1_000
  j: ~
  k: 08
  l: 1e21
  m: 0.0000001
  o: On
  p: "yes"
  q: 'on'
  r: 2024-01-01T00:00:00Z
  s: -0b11
  t: .5
  u: .Nan
  v: 99999999999999999999
  w: null
  x: 0777
  yy: +12
  z: Off
"""


def test_yaml11_scalars():
    spec = parse_documents(YAML11, "f")[0]["spec"]
    assert spec == {
        "a": True, "b": 1000, "c": 15, "d": "2026-01-01", "e": "12:30", "f": 31, "g": 1, "h": 1.5,
        "i": 1000, "j": None, "k": 8, "l": 1e21, "m": 1e-7, "o": True, "p": "yes", "q": "on",
        "r": "2024-01-01T00:00:00Z", "s": -3, "t": 0.5, "u": ".Nan", "v": 1e20, "w": None,
        "x": 511, "yy": 12, "z": False,
    }
    assert type(spec["b"]) is int and type(spec["g"]) is int and type(spec["l"]) is float


def test_non_string_keys_become_strings():
    doc = parse_documents("yes: 1\nn: 2\n1.5: 3\n0.1: 4\n2: 5\n1e3: 6\n0x10: 7\n.inf: 8\n123456789.5: 9\n2024-01-01: 10\n", "f")[0]
    assert doc == {"true": 1, "false": 2, "1.5": 3, "0.1": 4, "2": 5, "1000": 6, "16": 7, ".inf": 8,
                   "1.2345679e+08": 9, "2024-01-01": 10}


def test_resolve_plain():
    assert resolve_plain("nginx") == "nginx"
    assert resolve_plain("Y") is True and resolve_plain("NO") is False
    assert resolve_plain("1.2.3") == "1.2.3"
    assert resolve_plain("2024-13-01") == "2024-13-01"
    assert resolve_plain("0b101") == 5
    assert resolve_plain("-") == "-"


def test_multi_document_skips_empty_comment_and_null():
    text = "---\na: 1\n---#c\n---   \n\n# only comment\n---\nnull\n---\nb: 2\n...\n"
    assert parse_documents(text, "f") == [{"a": 1}, {"b": 2}]
    assert parse_documents("", "f") == []
    assert parse_documents("# nothing\n", "f") == []


def test_literal_blocks_and_separator_inside():
    doc = parse_documents("spec:\n  x: |\n    ---\n    y\n  z: |-\n    a\n\n    b\n  w: >\n    folded\n    text\n", "f")[0]
    assert doc == {"spec": {"x": "---\ny\n", "z": "a\n\nb", "w": "folded text\n"}}


def test_anchors_merge_and_duplicates():
    assert parse_documents("a: &x {p: 1}\nb: *x\n", "f")[0] == {"a": {"p": 1}, "b": {"p": 1}}
    assert parse_documents("s:\n  <<: {a: 1, b: 2}\n  b: 3\n", "f")[0] == {"s": {"a": 1, "b": 3}}
    assert parse_documents("s:\n  b: 3\n  <<: {a: 1, b: 2}\n", "f")[0] == {"s": {"a": 1, "b": 2}}
    assert parse_documents("s:\n  a: 1\n  a: 2\n", "f")[0] == {"s": {"a": 2}}
    doc = parse_documents("a: &x [1]\nb: *x\n", "f")[0]
    doc["a"].append(2)
    assert doc["b"] == [1]  # aliases are copies, not shared


def test_tags_and_escapes():
    assert parse_documents('a: !!int "3"\nb: !foo x\nc: "it\\\'s"\n', "f")[0] == {"a": 3, "b": "x", "c": "it's"}
    text = 'a: !foo\nb: !!str 1\nc: !!int "3"\nd: !!float 2\ne: !!null ~\nf: !!bool yes\ng: !!timestamp 2001-01-01\n'
    assert parse_documents(text, "f")[0] == {"a": "", "b": "1", "c": 3, "d": 2, "e": None, "f": True, "g": "2001-01-01"}
    assert err("a: !!null x\n").endswith("yaml: cannot decode !!str `x` as a !!null")
    assert err("a: !!bool 1\n").endswith("yaml: cannot decode !!int `1` as a !!bool")


def test_tabs_like_go_yaml():
    text = "apiVersion: v1\nkind: Foo\nmetadata:\t\n  name: x\nspec:\n  a: Po\td\n  b:\tc\n  c: x \t# comment\n  d: [a,\tb]\n"
    assert parse_documents(text, "f")[0]["spec"] == {"a": "Po\td", "b": "c", "c": "x", "d": ["a", "b"]}


def test_block_scalar_styles_and_multiline():
    doc = parse_documents('a: b\nc: "x\n  y"\nd: |+\n  k\n\ne: >-\n  f\n  g\nh: |\n \n  j\n', "f")[0]
    assert doc == {"a": "b", "c": "x y", "d": "k\n\n", "e": "f g", "h": "\nj\n"}


def test_flatten_lists():
    objs = [{"kind": "List", "items": [{"kind": "Pod", "metadata": {"name": "a"}},
                                       {"kind": "PodList", "items": [{"kind": "Pod"}]}]},
            {"kind": "Pod", "metadata": {"name": "b"}}]
    assert [o["kind"] for o in flatten_lists(objs)] == ["Pod", "Pod", "Pod"]
    assert flatten_lists([{"kind": "List"}]) == [{"kind": "List"}]


# ---------------------------------------------------------------------------
# errors (texts observed with kubectl 1.32)
# ---------------------------------------------------------------------------

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        (POD + "  name: x\n bad: 1\n", "yaml: line 4: did not find expected key"),
        (POD + "\tname: x\n", "yaml: line 4: found character that cannot start any token"),
        (POD + "  name: x\n\tc: d\n", "yaml: line 5: found a tab character that violates indentation"),
        (POD + "  name: x: y\n", "yaml: line 4: mapping values are not allowed in this context"),
        ("a: [1, 2\nb: 3\n", "yaml: line 1: did not find expected ',' or ']'"),
        ("a: {b: 1\n", "yaml: line 1: did not find expected ',' or '}'"),
        ('a: "abc\n', "yaml: line 2: found unexpected end of stream"),
        ("a: 'x\n", "yaml: line 2: found unexpected end of stream"),
        ("a: *foo\n", "yaml: unknown anchor 'foo' referenced"),
        ("a:\n  - x\n  y: 1\n", "yaml: line 2: did not find expected '-' indicator"),
        ("a: b\n- c\n", "yaml: line 1: did not find expected key"),
        ("key: @x\n", "yaml: found character that cannot start any token"),
        ("a: |\n  x\n y\n", "yaml: line 2: did not find expected key"),
        ("spec: &a [*a]\n", "yaml: anchor 'a' value contains itself"),
        ("spec: \x01\n", "yaml: control characters are not allowed"),
        ("spec:\n  a: .inf\n", "json: unsupported value: +Inf"),
        ("spec:\n  ~: 1\n", "unsupported map key of type: %!s(<nil>), key: <nil>, value: 1"),
        ("a:\n  periodSeconds: |-10\n", "yaml: line 2: did not find expected comment or line break"),
        ("a: 1\nb: x y\n  z: q\n", "yaml: line 3: mapping values are not allowed in this context"),
        ("!{\n  a: 1\n}\n", "yaml: did not find expected whitespace or line break"),
        ("a:\n  b: c\n  d", "yaml: line 4: could not find expected ':'"),
        ("spec:\n  a: 1\n:      b: 2\n  c: 3\n", "yaml: line 2: did not find expected key"),
        ("a:\n  *aname: x\n", "yaml: unknown anchor 'aname' referenced"),
        ("a: 'x", "yaml: line 2: found unexpected end of stream"),
        ('a: "x', "yaml: line 2: found unexpected end of stream"),
        ("a:\n  b: [1, 2", "yaml: line 2: did not find expected ',' or ']'"),
        ("a:\n  b: {x: 1", "yaml: line 2: did not find expected ',' or '}'"),
        # a syntax error wins over a map-key error found earlier in the document
        ("~: 1\na: b\n- c\n", "yaml: line 2: did not find expected key"),
    ],
)
def test_yaml_errors(text, expected):
    assert err(text) == "error: error parsing f.yaml: error converting YAML to JSON: " + expected


def test_yaml_error_lines_are_relative_to_the_document():
    text = "apiVersion: v1\nkind: Pod\n---\n" + POD + "  name: x\n bad: 1\n"
    assert err(text) == "error: error parsing f.yaml: error converting YAML to JSON: yaml: line 4: did not find expected key"


def test_bad_separator():
    assert err("a: 1\n--- x\nb: 2\n") == "error: error parsing f.yaml: invalid Yaml document separator: x"


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"apiVersion": "v1",\n "kind": "Pod", }', "json: offset 38: invalid character '}' looking for beginning of object key string"),
        ('  {"a": tru}', "json: offset 12: invalid character '}' in literal true (expecting 'e')"),
        ('{"a": 1} {"b": 2', "unexpected EOF"),
        ('{"a": [1 2]}', "json: offset 10: invalid character '2' after array element"),
        ('{"a" 1}', "json: offset 6: invalid character '1' after object key"),
        ('{"a": "x\ny"}', "json: offset 9: invalid character '\\n' in string literal"),
        ('{"a": "\\q"}', "json: offset 9: invalid character 'q' in string escape code"),
        ('{"a": -x}', "json: offset 8: invalid character 'x' in numeric literal"),
        ('{"é": 1,}', "json: offset 10: invalid character '}' looking for beginning of object key string"),
        ('{"a": é}', "json: offset 7: invalid character 'Ã' looking for beginning of value"),
        ('{"a\\u12pb": 1}', "json: offset 8: invalid character 'p' in \\u hexadecimal character escape"),
        ('{"a": [1e ]}', "json: offset 10: invalid character ' ' in exponent of numeric literal"),
        ('{"a": 3.x}', "json: offset 9: invalid character 'x' after decimal point in numeric literal"),
        ('{"a": NaN}', "json: offset 7: invalid character 'N' looking for beginning of value"),
        ('{"a": -Infinity}', "json: offset 8: invalid character 'I' in numeric literal"),
    ],
)
def test_json_errors(text, expected):
    assert err(text, "f.json") == "error: error parsing f.json: " + expected


def test_json_stream_and_numbers():
    docs = parse_documents('{"a": 1.0, "b": 99999999999999999999}\n{"c": [1, 2]}', "f.json")
    assert docs == [{"a": 1.0, "b": 1e20}, {"c": [1, 2]}]
    assert isinstance(docs[0]["a"], float)


# ---------------------------------------------------------------------------
# limits
# ---------------------------------------------------------------------------


def test_billion_laughs_refused_quickly():
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for x, y in zip("bcdefghi", "abcdefgh"):
        text += f"{x}: &{x} [" + ",".join([f"*{y}"] * 9) + "]\n"
    t = time.perf_counter()
    assert err(text).endswith("yaml: document contains excessive aliasing")
    assert time.perf_counter() - t < 3


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,
        "".join("  " * i + f"k{i}:\n" for i in range(1100)) + "  " * 1100 + "v: 1\n",
        "a: " + "[" * 1200 + "]" * 1200 + "\n",
    ],
)
def test_deep_nesting_refused(text):
    t = time.perf_counter()
    assert err(text).endswith(f"exceeded max depth of {M.MAX_DEPTH}")
    assert time.perf_counter() - t < 3


def test_deep_json_refused():
    assert err('{"a":' * 5000 + "1" + "}" * 5000, "f.json").endswith("exceeded max depth of 1000")
    assert parse_documents('{"a":' * 500 + "1" + "}" * 500, "f.json")


def test_oversized_document_refused(monkeypatch):
    monkeypatch.setattr(M, "MAX_DOCUMENT_BYTES", 1000)
    assert "larger than 1000 bytes" in err("a: " + "x" * 2000 + "\n")
    assert "larger than 1000 bytes" in err('{"a": "' + "x" * 2000 + '"}', "f.json")


# ---------------------------------------------------------------------------
# parse_value (kubectl patch -p)
# ---------------------------------------------------------------------------


def test_parse_value():
    assert parse_value('{"metadata":{"labels":{"a":"b"}}}') == {"metadata": {"labels": {"a": "b"}}}
    assert parse_value("metadata: {labels: {a: yes}}") == {"metadata": {"labels": {"a": True}}}
    assert parse_value('[{"op":"remove","path":"/a"}]') == [{"op": "remove", "path": "/a"}]
    assert parse_value("- a") == ["a"]
    for bad in ("{a: 1", '{"a": 1', '{"a":1} {"b":2}'):
        with pytest.raises(ClientError) as ei:
            parse_value(bad)
        assert ei.value.render() == "error: invalid JSON document"
    with pytest.raises(ClientError) as ei:
        parse_value("a: [1")
    assert ei.value.render() == "error: unable to parse \"a: [1\": yaml: line 1: did not find expected ',' or ']'"
    with pytest.raises(ClientError) as ei:
        parse_value("a: b: c")
    assert ei.value.render() == 'error: unable to parse "a: b: c": yaml: mapping values are not allowed in this context'


# ---------------------------------------------------------------------------
# fast path == full path
# ---------------------------------------------------------------------------

SNIPPETS = [
    YAML11,
    "a:\n- b\n- c: 1\n  d: [x, \"y\", 'z']\n-\n  - nested\n",
    "k: v # comment\n# c\nl: 'it''s'\nm: \"tab\\tnl\\n\\u00e9\"\nn: {}\no: []\n",
    "a: |\n  line1\n\n  line2\n   indented\nb: |-\n  x\nc: end\n",
    "list:\n  - name: a\n    value: \"1\"\n  - name: b\n    valueFrom:\n      fieldRef:\n        fieldPath: metadata.name\n",
    "a: x[0]\nb: http://h:80/p\nc: -x\nd: a,b\ne: 'q' # c\n",
    "a:\n  b:\n    c:\n      d: 1\n  e: 2\nf: 3\n",
    "yes: on\nno: off\n1: 2\n",
    "a: |\n  x\n  y",
]


FLOW_SNIPPETS = [
    '{\n  apiVersion: "v1",\n  kind: "Pod",\n  metadata: {name: "x", labels: {app: "web",},},\n  spec: {\n    containers: [{\n      name: "c",\n      command: ["sh", "-c", "echo \\"hi\\"\\n"],\n      ports: [{containerPort: 80}],\n    }],\n  },\n}\n',
    '# comment\n{"a": 1, "b": [true, null, 1.5, "x"], c: yes, d: \'it\'\'s\', "e": {}, f: []}\n',
    "[1, 2, {a: b}]\n",
]


def _fast(text):
    return M._fast_finish(M._fast_parser(text).document())


@pytest.mark.parametrize("text", SNIPPETS + FLOW_SNIPPETS)
def test_fast_equals_full(text):
    fast = _fast(text)
    full = M._slow_document(text)
    assert fast == full
    assert to_json(fast) == to_json(full)


def _corpus_files(limit=None):
    if not CORPUS.exists():
        return []
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    return files[:limit] if limit else files


@pytest.mark.skipif(not CORPUS.exists(), reason="corpus not available")
def test_corpus_fast_equals_full():
    checked = 0
    for f in _corpus_files():
        text = f.read_text()
        if M._is_json_stream(text):
            continue
        for chunk, _ in M.split_yaml_documents(text):
            try:
                fast = _fast(chunk)
            except (M._Bail, M._Fail):
                continue
            assert fast == M._slow_document(chunk), f
            checked += 1
    assert checked > 200


@pytest.mark.skipif(KUBECTL is None or not CORPUS.exists(), reason="kubectl or corpus not available")
def test_corpus_against_kubectl():
    files = _corpus_files()[::12]
    for f in files:
        r = subprocess.run([KUBECTL, "patch", "--local", "-f", str(f), "-p", "{}", "--type", "merge", "-o", "json"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            continue
        docs = flatten_lists(parse_documents(f.read_text(), str(f)))
        assert "".join(to_json(d) for d in docs) == r.stdout, f


def test_thousand_pods_parse_fast():
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-{i}\n  labels:\n    app: web\n"
        "spec:\n  containers:\n  - name: nginx\n    image: nginx:1.27\n    ports:\n    - containerPort: 80\n"
        "    command: [\"sh\", \"-c\", \"sleep 3600\"]\n    env:\n    - name: A\n      value: \"1\"\n"
        "    resources:\n      limits:\n        cpu: 500m\n        memory: 128Mi\n  restartPolicy: Always\n"
    )
    text = "---\n".join(pod.format(i=i) for i in range(1000))
    t = time.perf_counter()
    docs = parse_documents(text, "pods.yaml")
    elapsed = time.perf_counter() - t
    assert len(docs) == 1000 and docs[999]["metadata"]["name"] == "web-999"
    assert elapsed < 2.5, elapsed


@pytest.mark.skipif(not CORPUS.exists(), reason="corpus not available")
def test_thousand_kyaml_pods_parse_fast():
    doc = (CORPUS / "admin/dns/busybox.yaml").read_text()
    text = "\n".join(doc.replace('name: "busybox"', f'name: "busybox-{i}"') for i in range(1000))
    t = time.perf_counter()
    docs = parse_documents(text, "pods.yaml")
    elapsed = time.perf_counter() - t
    assert len(docs) == 1000 and docs[7]["metadata"]["name"] == "busybox-7"
    assert elapsed < 2.5, elapsed


def test_crlf_documents_match_lf_and_full_parser():
    lf = SNIPPETS[4] + "z: |\n  a\n  b\n"
    crlf = lf.replace("\n", "\r\n")
    assert parse_documents(crlf, "f") == parse_documents(lf, "f") == [M._slow_document(crlf)]

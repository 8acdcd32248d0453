"""A pod's runtime record saved with its known parts spliced in as text (kubelet/records.py ``_spliced``: the
processes' variables and exported names, the /etc files and the volumes' files) is the text encoding it whole
gives, whatever changed between two saves: a value, the order of keys, a string turned into a number or a
boolean, a mark's text inside a value."""

from __future__ import annotations

import copy

from minikctl.engine.kubelet import records
from minikctl.engine.kubelet.procs import _dumps


def _record() -> dict:
    return {"version": 2, "containers": {"c": {"current": {"process": {
        "vars": {"PATH": "/bin", "HOSTNAME": "p", "S0_SERVICE_HOST": "10.96.0.10"},
        "exported": ["HOSTNAME", "PATH", "S0_SERVICE_HOST"], "pc": 4, "t": 1000}}, "previous": None}},
        "filesystem": {"volumes": {"v": {"files": {"/ca.crt": "x\n", "/token": "t"}, "dirs": []}},
                       "private": {"c": {"files": {"/tmp/ready": ""}}},
                       "etc": {"/etc/hostname": "p\n", "/etc/hosts": "127.0.0.1\tlocalhost\n"}}}


def _changes():
    yield lambda d: None
    yield lambda d: d["containers"]["c"]["current"]["process"]["vars"].update(PATH="/usr/bin")
    yield lambda d: d["containers"]["c"]["current"]["process"].update(
        vars={"HOSTNAME": "p", "PATH": "/usr/bin", "S0_SERVICE_HOST": "10.96.0.10"})
    yield lambda d: d["filesystem"]["etc"].update({"/etc/hostname": 1})
    yield lambda d: d["filesystem"]["etc"].update({"/etc/hostname": True})
    yield lambda d: d["filesystem"]["etc"].update({"/etc/hostname": "1"})
    yield lambda d: d["filesystem"]["volumes"]["v"]["files"].update({"/token": "\x00twin0\x00"})
    yield lambda d: d["filesystem"]["volumes"]["v"]["files"].update({"/token": "t"})
    yield lambda d: d["containers"]["c"]["current"]["process"]["exported"].append("X")
    yield lambda d: d["containers"]["c"]["current"]["process"]["exported"].__setitem__(0, 0)
    yield lambda d: d["filesystem"].pop("etc")
    yield lambda d: d["containers"]["c"].update(previous=copy.deepcopy(d["containers"]["c"]["current"]))


def test_spliced_is_encoded_whole():
    d = _record()
    spliced = 0
    for change in _changes():
        change(d)
        for _ in range(3):  # a content is spliced from its second save, encoded apart once
            body = records._spliced(d)
            assert body is None or body == _dumps(d)
            spliced += body is not None
    assert spliced


def test_parts_shared_between_pods():
    """A part is looked up by its content: a second pod whose volume files and exported names are the first's
    gets their text spliced from its first save; the same files in another order, or with a value of another
    type, are encoded as they are."""
    records._PARTS.clear()
    first = _record()
    assert records._spliced(first) is None  # every part seen once: nothing spliced, encoded whole
    second = _record()
    second["containers"]["c"]["current"]["process"]["vars"]["HOSTNAME"] = "q"
    second["filesystem"]["etc"]["/etc/hostname"] = "q\n"
    body = records._spliced(second)  # the volume's files and the exported names: the first pod's content
    assert body is not None and body == _dumps(second)
    third = _record()
    files = third["filesystem"]["volumes"]["v"]["files"]
    third["filesystem"]["volumes"]["v"]["files"] = dict(reversed(list(files.items())))
    third["containers"]["c"]["current"]["process"]["exported"] = ["HOSTNAME", "PATH", 1]
    body = records._spliced(third)
    assert body is None or body == _dumps(third)
    for d in (first, second, third):
        body = records._spliced(d)
        assert body is not None and body == _dumps(d)


def test_part_looked_up_before_its_values_are_checked():
    """A content kept (made of strings, saved twice) is found by a lookup alone; a part equal to it but for a value
    of another type (a number, a boolean, a list) is not given its text, whether or not it can be hashed."""
    records._PARTS.clear()
    kept = {"/etc/hostname": "1\n", "/etc/hosts": "127.0.0.1\tlocalhost\n"}
    assert records._part_text(dict(kept)) is None  # seen once
    assert records._part_text(dict(kept)) == _dumps(kept)  # the second time: encoded apart, then kept
    assert records._part_text(dict(kept)) == _dumps(kept)
    for other in ({**kept, "/etc/hostname": 1}, {**kept, "/etc/hostname": True}, {**kept, "/etc/hostname": ["1\n"]},
                  {**kept, "/etc/hostname": {"a": "1\n"}}, dict(reversed(list(kept.items())))):
        for _ in range(3):
            text = records._part_text(other)
            assert text is None or text == _dumps(other)
            assert text != _dumps(kept)
    assert records._part_text(["a", "b"]) is None and records._part_text(["a", "b"]) == '["a","b"]'
    assert records._part_text(["a", 1]) is None and records._part_text(["a", 1]) is None
    assert records._part_text("a") is None

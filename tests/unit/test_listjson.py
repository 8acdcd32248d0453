"""``get -o json`` of stored objects printed from their text (printers/listjson.py) is the text the general printer
writes for the decoded objects (``printers/output.stream`` over dicts), whatever the objects hold: escapes,
unicode, numbers Go prints otherwise than Python, managedFields wherever they are, keys in any order."""

from __future__ import annotations

import copy
import json

import pytest

from minikctl.kube import gofmt
from minikctl.printers import listjson
from minikctl.printers import output as printer
from minikctl.printers.serialize import without_managed_fields
from minikctl.store.db import _dumps  # the store's own encoding of an object

STRINGS = ["plain", "héllo wörld", "中文", "😀 astral", "line\u2028sep\u2029para", "<b>&amp;</b>", "%s %d %% %(x)s",
           '"quoted"', "back\\slash", '\\"', "tab\tnl\nret\r", "\x00\x01\x1f", "del\x7f", "\b\f", "", " ",
           "\ue000\ue001 stand-ins", "nbsp\u00a0zwj\u200d", "k:{\"ip\":\"10.0.0.1\"}", "[web]: {x}, y"]
KEYS = ["z", "a", "é", "A", "_", "k:{\"type\":\"Ready\"}", "%", "<", "", "\u2028", "f:metadata", "10", "9"]
NUMBERS = [0, -1, 42, 2**53, 2**63 - 1, 2**63, -2**63, -2**63 - 1, 10**20, 1.5, 1.0, -0.0, 1e21, 1e-7, True, False,
           None, 123456789012345678, 1234567890123456789]


def pod(i: int, extra: dict | None = None) -> dict:
    obj = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": f"p{i}", "namespace": "default", "labels": {"app": "x", "n": str(i)},
                        "uid": f"uid-{i}", "resourceVersion": str(100 + i),
                        "managedFields": [{"manager": "kubelet", "operation": "Update", "fieldsV1": {
                            "f:status": {f'k:{{"ip":"10.0.0.{i}"}}': {".": {}}}}}],
                        "annotations": {"note": f"<{i}> & more"}},
           "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}],
                    "tolerations": [], "securityContext": {}, "nodeName": "node1"},
           "status": {"phase": "Running", "podIP": f"10.0.0.{i}", "restartCount": 0}}
    if extra:
        obj["spec"]["extra"] = extra
    return obj


def variants() -> list[list[dict]]:
    """Families of objects; the objects of a family share their frame (they differ in string values only)."""
    families = [[pod(i) for i in range(4)]]
    for s in STRINGS:
        families.append([pod(i, {"s": s + str(i), "list": [s, s * 2]}) for i in range(3)])
    for k in KEYS:
        families.append([pod(i, {k: str(i), "m": {k: {"x": k}}}) for i in range(3)])
    for n in NUMBERS:
        families.append([pod(i, {"n": n, "l": [n, {"v": n}]}) for i in range(3)])
    # the same keys inserted in other orders; managedFields before or after the other keys, absent, not a list
    reordered = []
    for i in range(3):
        o = pod(i)
        meta = o["metadata"]
        o["metadata"] = {k: meta[k] for k in reversed(list(meta))}
        o["status"] = {k: o["status"][k] for k in sorted(o["status"], reverse=True)}
        reordered.append(o)
    families.append(reordered)
    families.append([{k: v for k, v in pod(i).items()} | {"metadata": {"name": f"p{i}"}} for i in range(3)])
    families.append([pod(i) | {"metadata": {"name": f"p{i}", "managedFields": f"text {i}"}} for i in range(3)])
    families.append([pod(i) | {"metadata": {"name": f"p{i}", "managedFields": []}} for i in range(3)])
    families.append([pod(i) | {"metadata": f"not an object {i}"} for i in range(3)])
    families.append([pod(i) | {"managedFields": [{"a": str(i)}]} for i in range(3)])  # not metadata's: printed
    families.append([pod(i, {"template": {"metadata": {"managedFields": [{"a": str(i)}]}}}) for i in range(3)])
    # one frame, managedFields at one place in one object and at another in the next (the other key there)
    families.append([{"kind": "X", "metadata": {"managedFields": [{"a": "1"}], "x": [{"b": "2"}]}},
                     {"kind": "X", "metadata": {"x": [{"a": "1"}], "managedFields": [{"b": "2"}]}},
                     {"kind": "X", "metadata": {"managedFields": [{"a": "3"}], "x": [{"b": "4"}]}},
                     {"kind": "X", "metadata": {"x": [{"a": "5"}], "managedFields": [{"b": "6"}]}}])
    # one frame, other keys: each its own plan
    families.append([{"kind": "X", "metadata": {"labels": {k: "v"}}} for k in ("a", "b", "c", "a", "b", "c")])
    deep: dict = {"leaf": "x"}
    for _ in range(60):
        deep = {"d": [deep, {}], "e": []}
    families.append([pod(i, deep) for i in range(3)])
    families.append([{}, {}, {}])
    return families


def _stored(objs: list[dict]) -> list[tuple]:
    return [("Pod", "default", f"o{i}", _dumps(o)) for i, o in enumerate(objs)]


def _decode(item: tuple) -> dict:
    return json.loads(item[3])


def test_a_lone_surrogate_is_printed_as_go_prints_invalid_utf8():
    objs = [pod(i, {"s": f"a\ud800b{i}"}) for i in range(3)]
    written: list[str] = []
    printer.stream(iter(("Pod", "default", f"o{i}", json.dumps(o, ensure_ascii=False)) for i, o in enumerate(objs)),
                   "json", written.append, decode=_decode)
    assert "".join(written) == printer.render(objs, "json", now_ms=0)


@pytest.mark.parametrize("managed", [False, True])
def test_printed_from_the_stored_text_as_from_the_objects(managed):
    families = variants()
    for fam in families:
        expected = printer.render(fam, "json", now_ms=0, show_managed_fields=managed)
        written: list[str] = []
        printer.stream(iter(_stored(fam)), "json", written.append, show_managed_fields=managed, decode=_decode)
        assert "".join(written) == expected, fam[0]
        assert len(written) == len(fam)
    # all of them in one listing (one ListItems learning many frames), mixed with decoded objects
    objs = [o for fam in families for o in fam]
    items = [o if i % 7 == 3 else item for i, (o, item) in enumerate(zip(objs, _stored(objs)))]
    expected = printer.render(objs, "json", now_ms=0, show_managed_fields=managed)
    written = []
    printer.stream(iter(items), "json", written.append, show_managed_fields=managed, decode=_decode)
    assert "".join(written) == expected


def _item(obj: dict, managed: bool) -> str:
    return gofmt.json_marshal(obj if managed else without_managed_fields(obj), "    ").replace("\n", "\n        ")


def test_objects_sharing_a_frame_are_printed_from_their_text():
    """What the fast path takes (it is not all falling back): after a frame's first object, the objects of a
    family without floats, big numbers or foreign escapes are printed from a plan."""
    items = listjson.ListItems()
    for i in range(5):
        got = items.text(_dumps(pod(i)))
        assert (got is None) == (i == 0)
        if got is not None:
            assert got == _item(pod(i), False)
    for s in STRINGS:
        items = listjson.ListItems()
        texts = [items.text(_dumps(pod(i, {"s": s + str(i)}))) for i in range(3)]
        if "\ue000" in s:  # the private-use characters the text's escapes stand for while it is split
            assert texts == [None] * 3
            continue
        assert texts[1:] == [_item(pod(i, {"s": s + str(i)}), False) for i in (1, 2)], s
    for n in (1.5, 1.0, -0.0, 1e21, 2**63, 1234567890123456789):  # Go prints these otherwise: the general way
        items = listjson.ListItems()
        assert [items.text(_dumps(pod(i, {"n": n}))) for i in range(3)] == [None] * 3


@pytest.mark.parametrize("text", ['{"a":}', '{"a" : 1}', "[1,2]", '"s"', '{"a":1}x', '{"a":1,"a":2}', '{"a":1',
                                  '{"a":"x\\y"}', '{"a":"\\u0041"}', '{"a":"\\/"}', '{"a":"x\ty"}', '{"a":01}',
                                  '{"a":-0}', '{"a":NaN}', '{"a":Infinity}', '{"a":1e5}', '{"a":tru}', '{1:2}',
                                  '{"a""b":1}', '{"a":{"b":1}}}', "", '{"a":"\ud800"}', '{"a":"\\ud800"}',
                                  '{"a":"\\u000a"}', '{"a":"\\u001F"}', '{"a":"\\u0009"}'])
def test_what_is_not_the_stores_json_is_printed_the_general_way(text):
    items = listjson.ListItems()
    assert [items.text(text) for _ in range(3)] == [None] * 3


def test_a_listing_of_all_different_objects_stops_trying():
    items = listjson.ListItems()
    objs = [pod(i, {"l": ["x"] * i}) for i in range(listjson.GIVE_UP + 10)]
    assert all(items.text(_dumps(o)) is None for o in objs)
    assert items.off
    expected = printer.render(objs, "json", now_ms=0)
    written: list[str] = []
    printer.stream(iter(_stored(objs)), "json", written.append, decode=_decode)
    assert "".join(written) == expected


def test_nothing_listed():
    written: list[str] = []
    printer.stream(iter(()), "json", written.append, decode=_decode)
    assert "".join(written) == printer.render([], "json", now_ms=0)


def test_a_plan_keeps_no_object():
    """A plan holds the frame's text, not the objects it was made from (a listing of 50,000 holds one)."""
    items = listjson.ListItems()
    first, second = copy.deepcopy(pod(1)), pod(2)
    items.text(_dumps(first))
    items.text(_dumps(second))
    (getter, plans, _skip), = items.frames.values()
    (fmt, _values), = plans.values()
    assert "p2" not in fmt and "10.0.0.2" not in fmt

"""--sort-by as kubectl 1.32 sorts (pkg/cmd/get/sorter.go: SortObjects, RuntimeSort.Less, isLess) with Go 1.23's
sort.Sort (src/sort/zsortinterface.go, pdqsort). The orders below were checked against the real kubectl 1.32
through tests/e2e/kubectl_oracle.py (see test_kubectl_oracle.py and test_sort_by_like_kubectl_at_scale there)."""

import random

import pytest

from minikctl.kube.errors import ClientError
from minikctl.printers.gosort import go_sort
from minikctl.printers.sorting import MISSING, SortFieldNotFound, Unsortable, is_less, key_less, sort_objects


def pod(name, **extra):
    p = {"metadata": {"name": name}}
    for k, v in extra.items():
        p.setdefault("status", {})[k] = v
    return p


def names(objs):
    return [o["metadata"]["name"] for o in objs]


def test_sort_by_name_all_expression_forms():
    objs = [pod("c"), pod("a"), pod("b")]
    for expr in (".metadata.name", "metadata.name", "{.metadata.name}", "{metadata.name}"):
        assert names(sort_objects(objs, expr)) == ["a", "b", "c"]


def test_ints_numerically():
    objs = [pod("a", n=10), pod("b", n=9), pod("c", n=100), pod("d", n=-1)]
    assert names(sort_objects(objs, ".status.n")) == ["d", "b", "a", "c"]


def test_floats_numerically():
    objs = [pod("a", n=1.5), pod("b", n=0.5), pod("c", n=0.25)]
    assert names(sort_objects(objs, ".status.n")) == ["c", "b", "a"]


def test_restart_count_first_value_of_path():
    objs = [
        {"metadata": {"name": "x"}, "status": {"containerStatuses": [{"restartCount": 3}, {"restartCount": 0}]}},
        {"metadata": {"name": "y"}, "status": {"containerStatuses": [{"restartCount": 1}]}},
        {"metadata": {"name": "z"}, "status": {}},
    ]
    assert names(sort_objects(objs, ".status.containerStatuses[0].restartCount")) == ["z", "y", "x"]
    # several values: only the first counts
    assert names(sort_objects(objs, ".status.containerStatuses[*].restartCount")) == ["z", "y", "x"]


def test_missing_values_are_less_even_than_each_other():
    """RuntimeSort.Less returns true when the left value is missing, whatever the right one: Go's insertion sort
    then moves every missing object in front of the ones before it (a, c, b, d -> d, b, then the values)."""
    objs = [pod("a", v="2"), pod("b"), pod("c", v="1"), pod("d")]
    assert names(sort_objects(objs, ".status.v")) == ["d", "b", "c", "a"]
    # test_kubectl_oracle's pods in list order (default/done, envpod, init, web, other/db), by a label 2 have
    objs = [{"metadata": {"name": n, "labels": {"tier": t} if t else {}}}
            for n, t in (("done", ""), ("envpod", ""), ("init", "be"), ("web", "fe"), ("db", ""))]
    assert names(sort_objects(objs, ".metadata.labels.tier")) == ["db", "envpod", "done", "init", "web"]


def test_equal_keys_up_to_twelve_keep_their_order():
    objs = [pod("z", p="Running"), pod("a", p="Pending"), pod("m", p="Running"), pod("b", p="Pending")]
    assert names(sort_objects(objs, ".status.p")) == ["a", "b", "z", "m"]


def test_quantities_when_both_parse():
    objs = [pod("a", q="1Gi"), pod("b", q="500Mi"), pod("c", q="2G"), pod("d", q="100m")]
    assert names(sort_objects(objs, ".status.q")) == ["d", "b", "a", "c"]
    objs = [pod("a", q="250m"), pod("b", q="1"), pod("c", q="1500m")]
    assert names(sort_objects(objs, ".status.q")) == ["a", "b", "c"]
    assert is_less("2", "10") and not is_less("10", "2")  # both quantities
    assert not is_less("1Ki", "1024") and not is_less("1024", "1Ki")  # equal quantities: neither is less


def test_strings_byte_by_byte():
    """kubernetes/kubernetes#124514 removed the natural order: strings that are not both quantities compare as
    Go strings (bytes)."""
    objs = [pod("web-10"), pod("web-9"), pod("web-1"), pod("api")]
    assert names(sort_objects(objs, ".metadata.name")) == ["api", "web-1", "web-10", "web-9"]
    assert is_less("591b6c2e-1", "94dc0a1f-2")
    assert is_less("Z", "a") and is_less("a10", "a9") and is_less("", "a")
    assert is_less("é", "ü") and is_less("z", "é")  # UTF-8 byte order


def test_timestamps_compare_as_text():
    objs = [pod("x", t="2025-01-01T10:00:00+05:00"), pod("y", t="2025-01-01T06:00:00Z")]
    assert names(sort_objects(objs, ".status.t")) == ["y", "x"]


def test_null_before_values():
    objs = [pod("a", v="x"), pod("b", v=None)]
    assert names(sort_objects(objs, ".status.v")) == ["b", "a"]
    assert not is_less(None, None) and is_less(None, 1) and not is_less(1, None)


@pytest.mark.parametrize("a,b,detail", [
    (True, False, "unsortable type: bool"),
    ([1], [2], "unsortable type: []interface {}"),
    ({"a": 1}, {"a": 2}, "unsortable type: map[string]interface {}"),
    (1, 1.5, "unsortable interface: interface"),
    ("1", 1, "unsortable interface: interface"),
])
def test_unsortable_values(a, b, detail):
    with pytest.raises(Unsortable) as e:
        is_less(a, b)
    assert e.value.detail == detail


def test_missing_left_never_reaches_is_less():
    assert key_less(MISSING, True) and key_less(MISSING, MISSING) and not key_less(True, MISSING)


def test_field_not_found_anywhere():
    with pytest.raises(SortFieldNotFound) as e:
        sort_objects([pod("a"), pod("b")], ".foo")
    assert e.value.render() == 'error: couldn\'t find any field with path "{.foo}" in the list of objects'
    assert sort_objects([], ".foo") == []


def test_bad_expression():
    with pytest.raises(ClientError):
        sort_objects([pod("a")], "{.a}{.b}")
    with pytest.raises(ClientError) as e:
        sort_objects([pod("a")], ".a[x]")
    assert e.value.message == "invalid array index x"


def test_index_error_is_the_bare_jsonpath_error():
    """SortObjects returns findJSONPathResults' error as it is (kubectl: 'error: array index out of bounds: ...')."""
    objs = [{"metadata": {"name": "a"}, "status": {"containerStatuses": []}}]
    with pytest.raises(ClientError) as e:
        sort_objects(objs, ".status.containerStatuses[0].restartCount")
    assert e.value.render() == "error: array index out of bounds: index 0, length 0"


def test_huge_exponent_is_not_expanded():
    objs = [pod("a", q="1e99999999"), pod("b", q="1e3")]
    assert names(sort_objects(objs, ".status.q")) == ["b", "a"]  # and it must not hang


# ---- Go's sort.Sort ---------------------------------------------------------------------------------------

def _go_sorted(keys):
    items = list(enumerate(keys))
    go_sort(items, lambda x, y: x[1] < y[1])
    return items


def test_go_sort_sorts():
    rng = random.Random(7)
    for n in (0, 1, 2, 12, 13, 49, 50, 51, 200, 1000):
        for gen in (lambda: rng.randrange(10 ** 6), lambda: rng.randrange(3)):
            keys = [gen() for _ in range(n)]
            assert [k for _, k in _go_sorted(keys)] == sorted(keys)
    keys = list(range(300))
    assert [k for _, k in _go_sorted(keys)] == keys
    assert [k for _, k in _go_sorted(keys[::-1])] == keys


def test_go_sort_is_not_stable_past_twelve():
    """13 elements with ties: pdqsort's partitioning moves equal keys (kubectl 1.32 printed exactly this order for
    13 pods labelled with these keys, sorted with --sort-by; up to 12, insertion sort keeps equal keys in order)."""
    keys = [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1]
    assert [i for i, _ in _go_sorted(keys)] == [8, 1, 9, 0, 4, 5, 3, 7, 6, 2, 10, 11, 12]
    assert [i for i, _ in _go_sorted(keys[:12])] == sorted(range(12), key=lambda i: keys[i])
    assert [i for i, _ in _go_sorted([0] * 13)] == list(range(13))  # already sorted: partialInsertionSort

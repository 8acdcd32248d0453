import pytest

from minikctl.kube.errors import ClientError
from minikctl.printers.sorting import SortFieldNotFound, compare_values, natural_less, sort_objects


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


def test_floats_and_mixed_numbers():
    objs = [pod("a", n=1.5), pod("b", n=1), pod("c", n=0.25)]
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


def test_missing_sort_first_and_stay_stable():
    objs = [pod("a", v="2"), pod("b"), pod("c", v="1"), pod("d")]
    assert names(sort_objects(objs, ".status.v")) == ["b", "d", "c", "a"]


def test_stable_for_equal_keys():
    objs = [pod("z", p="Running"), pod("a", p="Pending"), pod("m", p="Running"), pod("b", p="Pending")]
    assert names(sort_objects(objs, ".status.p")) == ["a", "b", "z", "m"]


def test_quantities_when_both_parse():
    objs = [pod("a", q="1Gi"), pod("b", q="500Mi"), pod("c", q="2G"), pod("d", q="100m")]
    assert names(sort_objects(objs, ".status.q")) == ["d", "b", "a", "c"]
    objs = [pod("a", q="250m"), pod("b", q="1"), pod("c", q="1500m")]
    assert names(sort_objects(objs, ".status.q")) == ["a", "b", "c"]


def test_strings_natural_order():
    objs = [pod("web-10"), pod("web-9"), pod("web-1"), pod("api")]
    assert names(sort_objects(objs, ".metadata.name")) == ["api", "web-1", "web-9", "web-10"]


def test_timestamps_chronologically():
    objs = [
        pod("a", t="2025-01-02T00:00:00Z"),
        pod("b", t="2024-12-31T23:59:59Z"),
        pod("c", t="2025-01-01T12:00:00Z"),
    ]
    assert names(sort_objects(objs, ".status.t")) == ["b", "c", "a"]
    # offsets are honoured, not compared as text
    objs = [pod("x", t="2025-01-01T10:00:00+05:00"), pod("y", t="2025-01-01T06:00:00Z")]
    assert names(sort_objects(objs, ".status.t")) == ["x", "y"]


def test_null_before_values():
    objs = [pod("a", v="x"), pod("b", v=None)]
    assert names(sort_objects(objs, ".status.v")) == ["b", "a"]


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


def test_index_error_is_reported():
    objs = [{"metadata": {"name": "a"}, "status": {"containerStatuses": []}}]
    with pytest.raises(ClientError) as e:
        sort_objects(objs, ".status.containerStatuses[0].restartCount")
    assert "array index out of bounds: index 0, length 0" in e.value.message


@pytest.mark.parametrize(
    "a,b,less",
    [
        ("a", "b", True),
        ("b", "a", False),
        ("a2", "a10", True),
        ("a10", "a2", False),
        ("a01", "a1", False),
        ("a1", "a01", True),
        ("1", "a", True),
        ("a", "1", False),
        ("", "a", True),
        ("abc", "ab", False),
        ("x-9-y", "x-10-a", True),
        ("Z", "a", True),
    ],
)
def test_natural_less(a, b, less):
    assert natural_less(a, b) is less


def test_compare_values():
    assert compare_values(1, 2) == -1
    # equal quantities fall back to the natural string order
    assert compare_values("1Ki", "1024") == -1
    assert compare_values("1024", "1Ki") == 1
    assert compare_values("1Gi", "1Gi") == 0
    assert compare_values("2", "10") == -1
    assert compare_values(True, False) == 1
    assert compare_values([1, 2], [1, 3]) == -1


def test_huge_exponent_is_not_expanded():
    objs = [pod("a", q="1e99999999"), pod("b", q="1e3")]
    # not treated as a quantity (natural order instead), and it must not hang
    assert names(sort_objects(objs, ".status.q")) == ["b", "a"]

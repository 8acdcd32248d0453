import pytest

from minikctl.kube.errors import ClientError
from minikctl.printers.custom_columns import cell, escape_terminal, headers, parse_file, parse_spec, rows
from minikctl.printers.jsonpath import JSONPath

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}},
    "spec": {
        "containers": [
            {
                "name": "c1",
                "image": "nginx",
                "ports": [{"containerPort": 80}],
                "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}},
            },
            {"name": "c2", "image": "busybox"},
        ]
    },
    "status": {"phase": "Running", "x": None, "f": 2.5, "ok": True},
}


def test_parse_spec_normalises_expressions():
    cols = parse_spec("NAME:.metadata.name,IMG:spec.containers[*].image,A:{metadata.labels},B:{.status.phase}")
    assert cols == [
        ("NAME", "{.metadata.name}"),
        ("IMG", "{.spec.containers[*].image}"),
        ("A", "{.metadata.labels}"),
        ("B", "{.status.phase}"),
    ]
    assert headers(cols) == ["NAME", "IMG", "A", "B"]


def test_headers_kept_as_given():
    cols = parse_spec("name:.metadata.name,Pod Phase:.status.phase,:.kind")
    assert headers(cols) == ["name", "Pod Phase", ""]


def test_header_split_on_first_colon_only():
    assert parse_spec("T:.metadata.annotations.a:b") == [("T", "{.metadata.annotations.a:b}")]


@pytest.mark.parametrize(
    "spec,msg",
    [
        ("", "custom-columns format specified but no custom columns given"),
        ("NAME", "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"),
        ("NAME:.a,B", "unexpected custom-columns spec: B, expected <header>:<json-path-expr>"),
        (
            "NAME:{.a}{.b}",
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'",
        ),
    ],
)
def test_parse_spec_errors(spec, msg):
    with pytest.raises(ClientError) as e:
        parse_spec(spec)
    assert e.value.render() == "error: " + msg


def test_rows_formatting():
    cols = parse_spec(
        "NAME:.metadata.name,L:metadata.labels,C:{.spec.containers[*].name},P:{spec.containers[0].ports},"
        "X:.nope,LIM:.spec.containers[0].resources,N:.status.x,F:.status.f,B:.status.ok"
    )
    assert rows(cols, [POD]) == [
        [
            "web",
            "map[app:web tier:front]",
            "c1,c2",
            "[map[containerPort:80]]",
            "<none>",
            "map[limits:map[cpu:500m memory:1Gi]]",
            "<nil>",
            "2.5",
            "true",
        ]
    ]


def test_rows_several_objects_and_missing():
    other = {"metadata": {"name": "bare"}}
    cols = parse_spec("NAME:.metadata.name,IMAGES:.spec.containers[*].image")
    assert rows(cols, [POD, other]) == [["web", "nginx,busybox"], ["bare", "<none>"]]


def test_cell_errors_are_raw_engine_errors():
    cols = parse_spec("C:.spec.containers[5]")
    with pytest.raises(ClientError) as e:
        rows(cols, [POD])
    assert e.value.render() == "error: array index out of bounds: index 5, length 2"
    with pytest.raises(ClientError) as e:
        rows(parse_spec("C:.a[x]"), [POD])
    assert e.value.render() == "error: invalid array index x"


def test_cell_direct():
    assert cell(JSONPath("{.status.phase}"), POD) == "Running"


def test_escape_terminal():
    assert escape_terminal("a\x1b[31mb\rc") == "a^[[31mb\\rc"
    pod = {"metadata": {"name": "x\x1b]0;"}}
    assert rows(parse_spec("N:.metadata.name"), [pod]) == [["x^[]0;"]]


def test_parse_file():
    cols = parse_file("NAME   KIND\n.metadata.name {.kind}\n")
    assert cols == [("NAME", "{.metadata.name}"), ("KIND", "{.kind}")]
    assert rows(cols, [POD]) == [["web", "Pod"]]


@pytest.mark.parametrize(
    "text,msg",
    [
        (
            "",
            "invalid template, missing header line. Expected format is one line of space separated headers, "
            "one line of space separated column specs.",
        ),
        (
            "NAME KIND\n",
            "invalid template, missing spec line. Expected format is one line of space separated headers, "
            "one line of space separated column specs.",
        ),
        ("NAME KIND\n.metadata.name\n", "number of headers (2) and field specifications (1) don't match"),
    ],
)
def test_parse_file_errors(text, msg):
    with pytest.raises(ClientError) as e:
        parse_file(text)
    assert e.value.message == msg

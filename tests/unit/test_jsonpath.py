import json

import pytest

from minikctl.kube.errors import ClientError
from minikctl.printers.jsonpath import (
    JSONPath,
    JSONPathError,
    go_float,
    go_json,
    go_sharp_v,
    go_sprint,
    relaxed,
)


def run(tmpl, data, allow=True):
    return JSONPath(tmpl).execute(data, allow_missing_keys=allow)


TYPES = {
    "bools": [True, False, True, False],
    "integers": [1, 2, 3, 4],
    "floats": [1.0, 2.2, 3.3, 4.0],
    "strings": ["one", "two", "three", "four"],
    "interfaces": [True, "one", 1, 1.1],
    "maps": [
        {"name": "one", "value": 1},
        {"name": "two", "value": 2.02},
        {"name": "three", "value": 3.03},
        {"name": "four", "value": 4.04},
    ],
}


# client-go jsonpath_test.go TestTypesInput (maps print with sorted keys)
@pytest.mark.parametrize(
    "tmpl,want",
    [
        ("{ .bools }", "[true,false,true,false]"),
        ("{ .bools[0] }", "true"),
        ("{ .bools[-1] }", "false"),
        ("{ .bools[0:2] }", "true false"),
        ("{ .bools[:2] }", "true false"),
        ("{ .bools[:4:2] }", "true true"),
        ("{ .integers }", "[1,2,3,4]"),
        ("{ .integers[-2] }", "3"),
        ("{ .integers[:4:2] }", "1 3"),
        ("{ .floats }", "[1,2.2,3.3,4]"),
        ("{ .floats[0] }", "1"),
        ("{ .floats[-2] }", "3.3"),
        ("{ .floats[:4:2] }", "1 3.3"),
        ("{ .strings }", '["one","two","three","four"]'),
        ("{ .strings[-2] }", "three"),
        ("{ .strings[:4:2] }", "one three"),
        ("{ .interfaces }", '[true,"one",1,1.1]'),
        ("{ .interfaces[0:2] }", "true one"),
        ("{ .interfaces[:4:2] }", "true 1"),
        ("{ .maps[0] }", '{"name":"one","value":1}'),
        ("{ .maps[-2] }", '{"name":"three","value":3.03}'),
        ("{ .maps[::2] }", '{"name":"one","value":1} {"name":"three","value":3.03}'),
        ("{ .maps[1::2] }", '{"name":"two","value":2.02} {"name":"four","value":4.04}'),
    ],
)
def test_types_input(tmpl, want):
    assert run(tmpl, TYPES, allow=False) == want


STORE = {
    "Name": "jsonpath",
    "Book": [
        {"Category": "reference", "Author": "Nigel Rees", "Title": "Sayings of the Centurey", "Price": 8.95},
        {"Category": "fiction", "Author": "Evelyn Waugh", "Title": "Sword of Honour", "Price": 12.99},
        {"Category": "fiction", "Author": "Herman Melville", "Title": "Moby Dick", "Price": 8.99},
    ],
    "Bicycle": [
        {"Color": "red", "Price": 19.95, "IsNew": True},
        {"Color": "green", "Price": 20.01, "IsNew": False},
    ],
    "Labels": {"engieer": 10, "web/html": 15, "k8s-app": 20},
    "Employees": {"jason": "manager", "dan": "clerk"},
}


@pytest.mark.parametrize(
    "tmpl,data,want",
    [
        ("hello jsonpath", None, "hello jsonpath"),
        ("{..}", [1, 2, 3], "[1,2,3]"),
        ("{[?(@<5)]}", [2, 6, 3, 7], "2 3"),
        ('{"{"}', None, "{"),
        ("{[1,3,4]}", [0, 1, 2, 3, 4], "1 3 4"),
        ("{[0:2]}", ["Monday", "Tudesday"], "Monday Tudesday"),
        ("hello {.Name}", STORE, "hello jsonpath"),
        ("{$.Labels.web/html}", STORE, "15"),
        ("{$.Employees.jason}", STORE, "manager"),
        ("{.Labels.k8s-app}", STORE, "20"),
        ("{.Bicycle[*].Color}", STORE, "red green"),
        ("{.Book[*].Author}", STORE, "Nigel Rees Evelyn Waugh Herman Melville"),
        # Go walks maps in random order; here keys are sorted, so Bicycle comes before Book
        ("{..Price}", STORE, "19.95 20.01 8.95 12.99 8.99"),
        ("{...Price}", STORE, "19.95 20.01 8.95 12.99 8.99"),
        (
            '{range .Bicycle[*]}{ "{" }{ @.* }{ "} " }{end}',
            STORE,
            "{red true 19.95} {green false 20.01} ",
        ),
        (
            '{range .Bicycle[*]}{ @ }{ " " }{end}',
            STORE,
            '{"Color":"red","IsNew":true,"Price":19.95} {"Color":"green","IsNew":false,"Price":20.01} ',
        ),
        ("{.Book[-1:]}", STORE, '{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}'),
        ("{..Book[2]}", STORE, '{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}'),
        ("{.Bicycle[?(@.IsNew==true)].Color}", STORE, "red"),
    ],
)
def test_store(tmpl, data, want):
    assert run(tmpl, data, allow=False) == want


def test_missing_keys_allowed():
    assert run("{.hello}", STORE) == ""
    assert run("before-{.hello}after", STORE) == "before-after"


@pytest.mark.parametrize(
    "tmpl,err",
    [
        ("{hello}", "unrecognized identifier hello"),
        ("{.hello}", "hello is not found"),
        ("{.Labels[0]}", "map[string]interface {} is not array or slice"),
        ("{.Book[?(@.Price<>10)]}", "unrecognized filter operator <>"),
        ("{range .Labels.*}{@}{end}{end}", "not in range, nothing to end"),
        ("{.Name[0]}", "string is not array or slice"),
        ("{.Labels[?(@.x)]}", "map[engieer:10 k8s-app:20 web/html:15] is not array or slice and cannot be filtered"),
        ("{.Book[?(@.Price > 1)]}", "incompatible types for comparison"),
        ("{.Book[?(@.Title > 1)]}", "incompatible types for comparison"),
        ("{.Bicycle[?(@.IsNew < true)]}", "invalid type for comparison"),
        ("{[?(@.Book == 1)]}", "STORE_NOT_LIST"),
    ],
)
def test_execution_errors(tmpl, err):
    if err == "STORE_NOT_LIST":
        with pytest.raises(JSONPathError) as e:
            JSONPath(tmpl).find_results([STORE])
        assert e.value.raw == "invalid type for comparison"
        return
    with pytest.raises(JSONPathError) as e:
        JSONPath(tmpl).find_results(STORE, allow_missing_keys=False)
    assert e.value.raw == err


def test_superrecursive_is_a_parse_error():
    with pytest.raises(JSONPathError) as e:
        JSONPath("{............................................................Price}")
    assert e.value.raw == "invalid multiple recursive descent"


POINTS = [
    {"id": "i1", "x": 4, "y": -5},
    {"id": "i2", "x": -2, "y": -5, "z": 1},
    {"id": "i3", "x": 8, "y": 3},
    {"id": "i4", "x": -6, "y": -1},
    {"id": "i5", "x": 0, "y": 2, "z": 1},
    {"id": "i6", "x": 1, "y": 4},
]


def test_json_input():
    assert run("{[?(@.z)].id}", POINTS, allow=False) == "i2 i5"
    assert run("{[0]['id']}", POINTS, allow=False) == "i1"
    assert run("{[?(@.x>=1)].id}", POINTS) == "i1 i3 i6"
    assert run("{[?(@.x<=0)].id}", POINTS) == "i2 i4 i5"
    assert run("{[?(@.x!=0)].id}", POINTS) == "i1 i2 i3 i4 i6"
    assert run("{[?(@.x<-2)].id}", POINTS) == "i4"
    assert run("{[?(@.x==@.y)].id}", POINTS) == ""


NODES = {
    "kind": "List",
    "items": [
        {
            "kind": "None",
            "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
            "status": {
                "capacity": {"cpu": "4"},
                "ready": True,
                "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}],
            },
        },
        {
            "kind": "None",
            "metadata": {"name": "127.0.0.2", "labels": {"kubernetes.io/hostname": "127.0.0.2"}},
            "status": {
                "capacity": {"cpu": "8"},
                "ready": False,
                "addresses": [
                    {"type": "LegacyHostIP", "address": "127.0.0.2"},
                    {"type": "another", "address": "127.0.0.3"},
                ],
            },
        },
    ],
    "users": [
        {"name": "myself", "user": {}},
        {"name": "e2e", "user": {"username": "admin", "password": "secret"}},
    ],
}


@pytest.mark.parametrize(
    "tmpl,want",
    [
        ("{range .items[*]}{.metadata.name}, {end}{.kind}", "127.0.0.1, 127.0.0.2, List"),
        ('{range .items[*]}{.metadata.name}{"\\t"}{end}', "127.0.0.1\t127.0.0.2\t"),
        ("{.items[*].status.addresses[*].address}", "127.0.0.1 127.0.0.2 127.0.0.3"),
        ("{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}", "127.0.0.1, 127.0.0.2, 127.0.0.3, "),
        ("{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"),
        ("{.items[*]['metadata.name', 'status.capacity']}", '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}'),
        ("{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}", '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] '),
        ('{.users[?(@.name=="e2e")].user.password}', "secret"),
        ("{.items[0].metadata.labels.kubernetes\\.io/hostname}", "127.0.0.1"),
        ('{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}', "None"),
        ("{.items[?(@..ready==true)].metadata.name}", "127.0.0.1"),
        # sorted map walk makes the recursive order deterministic
        ("{..name}", "127.0.0.1 127.0.0.2 myself e2e"),
    ],
)
def test_kubernetes(tmpl, want):
    assert run(tmpl, NODES, allow=False) == want


def test_empty_range():
    data = {"items": []}
    assert run("{range .items[*]}{.metadata.name}{end}", data) == ""
    assert (
        run('{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}', data)
        == ""
    )


NESTED = {
    "items": [
        {
            "metadata": {"name": "pod1"},
            "spec": {
                "containers": [
                    {"name": "foo", "another": [{"name": "value1"}, {"name": "value2"}]},
                    {"name": "bar", "another": [{"name": "value1"}, {"name": "value2"}]},
                ]
            },
        },
        {
            "metadata": {"name": "pod2"},
            "spec": {"containers": [{"name": "baz", "another": [{"name": "value1"}, {"name": "value2"}]}]},
        },
    ]
}


def test_nested_ranges():
    t1 = '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}'
    assert run(t1, NESTED, False) == "pod1:foo,bar,+pod2:baz,+"
    t2 = (
        '{range .items[*]}{.metadata.name}{"~"}{range @.spec.containers[*]}{.name}{":"}'
        '{range @.another[*]}{.name}{","}{end}{"+"}{end}{"#"}{end}'
    )
    assert run(t2, NESTED, False) == "pod1~foo:value1,value2,+bar:value1,value2,+#pod2~baz:value1,value2,+#"
    t3 = (
        '{range .items[*]}{.metadata.name}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}'
        '{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\n"}{end}'
    )
    assert run(t3, NESTED, False) == "pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n"


def test_range_without_end_runs_body_then_once_more_outside():
    # kubectl 1.32: '{range .spec.containers[*]}{.name}{"\n"}' prints 'c1\nc2\n\n'
    assert run('{range .spec.containers[*]}{.name}{"\\n"}', POD) == "c1\nc2\n\n"
    assert run("{range .items[*]}{.metadata.name};", NESTED) == "pod1;pod2;;"
    with pytest.raises(JSONPathError) as e:
        run('{range .spec.containers[*]}{.name}{"\\n"}', POD, allow=False)
    assert e.value.raw == "name is not found"


def test_outer_resumes_after_most_recent_end():
    t = "{range .items[*]}{range .spec.containers[*]}{.name},{end}|{.metadata.name}"
    # outer range has no end: after the items loop, processing resumes after the inner {end}
    assert run(t, NESTED) == "foo,bar,|pod1baz,|pod2|"


def test_number_kinds_do_not_mix():
    data = {"items": [{"n": 3, "f": 3.0}]}
    with pytest.raises(JSONPathError) as e:
        run("{.items[?(@.n==3.0)]}", data)
    assert e.value.raw == "incompatible types for comparison"
    with pytest.raises(JSONPathError):
        run("{.items[?(@.f==3)]}", data)
    assert run("{.items[?(@.f==3.0)].n}", data) == "3"
    assert run("{.items[?(@.n==3)].f}", data) == "3"


ANNOTATED = {
    "kind": "List",
    "items": [
        {"kind": "Pod", "metadata": {"name": "pod1", "annotations": {"color": "blue"}}},
        {"kind": "Pod", "metadata": {"name": "pod2"}},
        {"kind": "Pod", "metadata": {"name": "pod3", "annotations": {"color": "green"}}},
        {"kind": "Pod", "metadata": {"name": "pod4", "annotations": {"color": "blue"}}},
    ],
}


def test_filter_partial_matches():
    t = '{.items[?(@.metadata.annotations.color=="blue")].metadata.name}'
    assert run(t, ANNOTATED, True) == "pod1 pod4"
    with pytest.raises(JSONPathError) as e:
        run(t, ANNOTATED, False)
    assert e.value.raw == "annotations is not found"


CONTAINERS4 = {"spec": {"containers": [{"name": f"fake{i}"} for i in range(4)]}}
CONTAINERS6 = {"spec": {"containers": [{"name": f"fake{i}"} for i in range(6)]}}


@pytest.mark.parametrize(
    "idx,want",
    [
        ("0", "fake0"),
        ("0:0", ""),
        ("0:-1", "fake0 fake1 fake2"),
        ("-1", "fake3"),
        ("-1:", "fake3"),
        ("-2", "fake2"),
        ("-2:", "fake2 fake3"),
        ("-3", "fake1"),
        ("-4", "fake0"),
        ("-4:", "fake0 fake1 fake2 fake3"),
        ("5:5", ""),
        ("-5:-5", ""),
        ("-1:0", "ERR"),
        ("-5", "ERR"),
        ("3:1", "ERR"),
        ("-1:-2", "ERR"),
    ],
)
def test_negative_index(idx, want):
    t = "{.spec.containers[" + idx + "].name}"
    if want == "ERR":
        with pytest.raises(JSONPathError):
            run(t, CONTAINERS4, False)
    else:
        assert run(t, CONTAINERS4, False) == want


@pytest.mark.parametrize(
    "idx,want",
    [
        ("0:", "fake0 fake1 fake2 fake3 fake4 fake5"),
        ("0:6:", "fake0 fake1 fake2 fake3 fake4 fake5"),
        ("0:6:1", "fake0 fake1 fake2 fake3 fake4 fake5"),
        ("1:4:2", "fake1 fake3"),
        ("1:4:3", "fake1"),
        ("1:4:4", "fake1"),
        ("0:6:2", "fake0 fake2 fake4"),
        ("0:6:3", "fake0 fake3"),
        ("0:6:5", "fake0 fake5"),
        ("0:6:6", "fake0"),
    ],
)
def test_step(idx, want):
    assert run("{.spec.containers[" + idx + "].name}", CONTAINERS6, False) == want


def test_step_errors():
    for idx in ("0:6:0", "0:6:-1"):
        with pytest.raises(JSONPathError) as e:
            run("{.spec.containers[" + idx + "].name}", CONTAINERS6, False)
        assert e.value.raw == "step must be > 0"


def test_running_pods_filter_without_at():
    data = {
        "kind": "List",
        "items": [
            {"kind": "Pod", "metadata": {"name": "pod1"}, "status": {"phase": "Running"}},
            {"kind": "Pod", "metadata": {"name": "pod2"}, "status": {"phase": "Running"}},
            {"kind": "Pod", "metadata": {"name": "pod3"}, "status": {"phase": "Running"}},
            {"resourceVersion": ""},
        ],
    }
    t = '{range .items[?(.status.phase=="Running")]}{.metadata.name}{" is Running\\n"}{end}'
    assert run(t, data) == "pod1 is Running\npod2 is Running\npod3 is Running\n"


# --- outputs observed from kubectl 1.32 (`kubectl patch --local -o jsonpath=...`)

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "name": "web",
        "labels": {"app": "web", "tier": "front"},
        "annotations": {"a/b": "x<y>&z"},
    },
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
    "status": {
        "phase": "Running",
        "conditions": [{"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}],
    },
}


@pytest.mark.parametrize(
    "tmpl,want",
    [
        ("{.}", ""),
        ("{.metadata.labels}", '{"app":"web","tier":"front"}'),
        ("{.metadata.annotations}", '{"a/b":"x\\u003cy\\u003e\\u0026z"}'),
        ("{.spec.containers[*].name}", "c1 c2"),
        ("{.metadata.nope}", ""),
        ('{.spec.containers[?(@.name=="c2")].image}', "busybox"),
        ("{..name}", "web c1 c2"),
        (
            '{.metadata.name}{"\\n"}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}'
            '{.spec.containers[0].ports}{"\\n"}{.spec.containers[-1:].name}',
            'web\nTrue\n[{"containerPort":80}]\nc2',
        ),
        ("{.metadata.labels.*}", "web front"),
        ("{.spec.containers[*]['name','image']}", "c1 c2 nginx busybox"),
        ("{.metadata.name.*}", "119 101 98"),
        ("{.spec.containers[?(@.ports[0].containerPort > 1)].name}", "c1"),
        ("{$.kind}/{@.metadata.name}", "Pod/web"),
        ("{ .kind }", "Pod"),
        ("{'single'}{\"\\u00e9\\x41\\101\"}", "singleéAA"),
    ],
)
def test_observed_kubectl(tmpl, want):
    assert run(tmpl, POD) == want


@pytest.mark.parametrize(
    "tmpl,raw",
    [
        ("{.metadata.name", "unclosed action"),
        ('{.spec.containers[*]["name","image"]}', 'invalid array index "name"'),
        ('{.spec.containers[?(@.name =~ "c")].name}', "unrecognized character in action: U+007E '~'"),
        ("{.a[x]}", "invalid array index x"),
        ("{.a[}", "unterminated array"),
        ('{"abc}', "unterminated quoted string"),
        ("{#}", "unrecognized character in action: U+0023 '#'"),
        ("{.a[?(@.x]}", "unterminated filter"),
        ("{.a[?(@.x)}", "unclosed array expect ]"),
        ("{\t}", "unrecognized character in action: U+0009"),
        ("{.a[1:x]}", "invalid array index 1:x"),
        ('{"\\q"}', 'unquote string "\\q" error invalid syntax'),
        ("{-}", "cannot parse number -"),
        ("{1.2.3}", "cannot parse number 1.2.3"),
    ],
)
def test_parse_errors(tmpl, raw):
    with pytest.raises(JSONPathError) as e:
        JSONPath(tmpl)
    assert e.value.raw == raw
    assert e.value.render() == f"error: error parsing jsonpath {tmpl}, {raw}"
    assert isinstance(e.value, ClientError)


SHARP = (
    'map[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":'
    'map[string]interface {}{"a/b":"x<y>&z"}, "labels":map[string]interface {}{"app":"web", "tier":"front"}, '
    '"name":"web"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":'
    '"nginx", "name":"c1", "ports":[]interface {}{map[string]interface {}{"containerPort":80}}, "resources":'
    'map[string]interface {}{"limits":map[string]interface {}{"cpu":"500m", "memory":"1Gi"}}}, '
    'map[string]interface {}{"image":"busybox", "name":"c2"}}}, "status":map[string]interface {}{"conditions":'
    '[]interface {}{map[string]interface {}{"status":"True", "type":"Ready"}, map[string]interface {}{"status":'
    '"True", "type":"PodScheduled"}}, "phase":"Running"}}'
)


def test_execution_error_text_matches_kubectl():
    with pytest.raises(JSONPathError) as e:
        run("{.metadata.nope}", POD, allow=False)
    assert e.value.raw == "nope is not found"
    assert e.value.render() == (
        'error: error executing jsonpath "{.metadata.nope}": Error executing template: nope is not found. '
        "Printing more information for debugging the template:\n"
        "\ttemplate was:\n\t\t{.metadata.nope}\n"
        "\tobject given to jsonpath engine was:\n\t\t" + SHARP + "\n\n"
    )


@pytest.mark.parametrize(
    "tmpl,raw",
    [
        ("{.spec.containers[5]}", "array index out of bounds: index 5, length 2"),
        ("{.spec.containers[1:5]}", "array index out of bounds: index 4, length 2"),
        ("{.spec.containers[3:1]}", "array index out of bounds: index 3, length 2"),
        ("{.spec.containers[-3]}", "array index out of bounds: index -1, length 2"),
        ("{.spec.containers[0:2:0]}", "step must be > 0"),
        ("{.metadata[0]}", "map[string]interface {} is not array or slice"),
        ("{.spec.containers[?(@.ports[0].containerPort > 1.5)].name}", "incompatible types for comparison"),
        ("{.spec.containers[?(@.name > 1)].name}", "incompatible types for comparison"),
        ("{hello}", "unrecognized identifier hello"),
        ("{end}", "not in range, nothing to end"),
        ("{..[0]}", "map[string]interface {} is not array or slice"),
        (
            "{.metadata[?(@.name)]}",
            "map[annotations:map[a/b:x<y>&z] labels:map[app:web tier:front] name:web] is not array or slice and cannot be filtered",
        ),
    ],
)
def test_observed_execution_errors(tmpl, raw):
    with pytest.raises(JSONPathError) as e:
        run(tmpl, POD)
    assert e.value.raw == raw
    assert e.value.message.startswith(f'error executing jsonpath "{tmpl}": Error executing template: {raw}. ')


def test_scalars_and_null():
    data = {"x": None, "f": 1.5, "e": 1e21, "small": 1e-7, "u": "é\u2028<\b\f\x01", "i": 7, "t": True}
    assert run("{.x}|{.f}|{.e}|{.small}|{.i}|{.t}", data) == "null|1.5|1e+21|1e-07|7|true"
    assert run("{.u}", data) == "é\u2028<\b\f\x01"
    assert run("{$}", {"s": data}) == (
        '{"s":{"e":1e+21,"f":1.5,"i":7,"small":1e-7,"t":true,"u":"é\\u2028\\u003c\\b\\f\\u0001","x":null}}'
    )


def test_find_results_raw_values():
    res = JSONPath("{.spec.containers[*].name}{.status}x").find_results(POD)
    assert res[0] == ["c1", "c2"]
    assert res[1] == [POD["status"]]
    assert res[2] == ["x"]
    assert JSONPath("{.nope}").find_results(POD) == [[]]


def test_execute_json():
    out = JSONPath("{.spec.containers[*].name}").execute_json(POD)
    assert out == '[\n    "c1",\n    "c2"\n]\n'
    # observed with kubectl 1.32 -o jsonpath-as-json: one indented array per result group
    out = JSONPath("x{.status.f}{.status.emptym}{.status.empty}{.spec.containers[0].ports}").execute_json(OBJ)
    assert out == (
        '[\n    "x"\n]\n[\n    2.75\n]\n[\n    {}\n]\n[\n    []\n]\n'
        '[\n    [\n        {\n            "containerPort": 80,\n            "protocol": "TCP"\n        },\n'
        '        {\n            "containerPort": 443\n        }\n    ]\n]\n'
    )
    assert JSONPath("{.nope}").execute_json(POD) == "[]\n"


def test_go_float():
    assert go_float(1e6) == "1e+06"
    assert go_float(123456.0) == "123456"
    assert go_float(1234567.0) == "1.234567e+06"
    assert go_float(1e-5) == "1e-05"
    assert go_float(0.0001) == "0.0001"
    assert go_float(100.0) == "100"
    assert go_float(-2.5) == "-2.5"
    assert go_json(1e6) == "1000000"
    assert go_json(1e-7) == "1e-7"


def test_go_sprint_and_sharp_v():
    v = {"b": [1, "x", None], "a": {"z": True, "y": 2.5}}
    assert go_sprint(v) == "map[a:map[y:2.5 z:true] b:[1 x <nil>]]"
    assert go_sharp_v(v) == (
        'map[string]interface {}{"a":map[string]interface {}{"y":2.5, "z":true}, '
        '"b":[]interface {}{1, "x", interface {}(nil)}}'
    )
    assert json.loads(go_json(v)) == v


@pytest.mark.parametrize(
    "expr,want",
    [
        ("metadata.name", "{.metadata.name}"),
        (".metadata.name", "{.metadata.name}"),
        ("{metadata.name}", "{.metadata.name}"),
        ("{.metadata.name}", "{.metadata.name}"),
        (".status.containerStatuses[0].restartCount", "{.status.containerStatuses[0].restartCount}"),
        ("", ""),
    ],
)
def test_relaxed(expr, want):
    assert relaxed(expr) == want


def test_relaxed_errors():
    for bad in ("{.a}{.b}", "{.a", "a}"):
        with pytest.raises(ClientError) as e:
            relaxed(bad)
        assert e.value.message == (
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"
        )


# --- generated once from kubectl 1.32.4: kubectl patch --local -f obj.json -p '{}' -o jsonpath=TEMPLATE
# (OBJ below is obj.json; ('ERR', text) is the engine error inside kubectl's message)
OBJ = {'apiVersion': 'v1',
 'kind': 'Pod',
 'metadata': {'name': 'web-1',
              'namespace': 'default',
              'labels': {'app': 'web'},
              'annotations': {'kubernetes.io/desc': 'hello world', 'n': '5'}},
 'spec': {'containers': [{'name': 'c1',
                          'image': 'nginx:1.25',
                          'ports': [{'containerPort': 80, 'protocol': 'TCP'}, {'containerPort': 443}],
                          'args': ['-a', 'b c'],
                          'env': [{'name': 'A', 'value': '1'}, {'name': 'B'}]},
                         {'name': 'c2', 'image': 'busybox', 'command': ['sh', '-c', 'echo "hi"\n']}],
          'nodeName': 'node01',
          'hostNetwork': False,
          'priority': 0},
 'status': {'phase': 'Running',
            'podIP': '10.0.0.1',
            'startTime': '2025-01-01T00:00:00Z',
            'conditions': [{'type': 'Ready', 'status': 'True'},
                           {'type': 'Initialized', 'status': 'False', 'reason': 'X'}],
            'containerStatuses': [{'name': 'c1',
                                   'ready': True,
                                   'restartCount': 3,
                                   'state': {'running': {'startedAt': '2025-01-01T00:00:01Z'}}},
                                  {'name': 'c2',
                                   'ready': False,
                                   'restartCount': 0,
                                   'state': {'waiting': {'reason': 'CrashLoopBackOff'}}}],
            'f': 2.75,
            'big': 12345678901,
            'neg': -4,
            'empty': [],
            'emptym': {},
            't': True}}

OBSERVED = [
    ('{.metadata.name}', 'web-1'),
    ('{.metadata.annotations.kubernetes\\.io/desc}', 'hello world'),
    ("{.metadata.annotations['kubernetes\\.io/desc']}", 'hello world'),
    ('{.spec.containers[*].ports[*].containerPort}', '80 443'),
    ('{.spec.containers[0].ports[?(@.containerPort==443)]}', '{"containerPort":443}'),
    ('{.spec.containers[0].ports[?(@.protocol)]}', '{"containerPort":80,"protocol":"TCP"}'),
    ('{.spec.containers[0].ports[?(@.protocol=="TCP")].containerPort}', '80'),
    ('{.spec.containers[0].args}', '["-a","b c"]'),
    ('{.spec.containers[1].command}', '["sh","-c","echo \\"hi\\"\\n"]'),
    ('{.spec.containers[1].command[2]}', 'echo "hi"\n'),
    ('{.spec.containers[0].env[?(@.value)].name}', 'A'),
    ('{.spec.containers[0].env[?(@.value=="1")].name}', 'A'),
    ('{.spec.containers[0].env[?(@.value!="1")].name}', ''),
    ('{.status.containerStatuses[?(@.ready==false)].name}', 'c2'),
    ('{.status.containerStatuses[?(@.restartCount>1)].name}', 'c1'),
    ('{.status.containerStatuses[?(@.restartCount>=0)].name}', 'c1 c2'),
    ('{.status.containerStatuses[?(@.restartCount<3)].name}', 'c2'),
    ('{.status.containerStatuses[?(@.restartCount<=3)].name}', 'c1 c2'),
    ('{.status.containerStatuses[?(@.restartCount!=3)].name}', 'c2'),
    ('{.status.containerStatuses[*].state.waiting.reason}', 'CrashLoopBackOff'),
    ('{.status.containerStatuses[*].state}', '{"running":{"startedAt":"2025-01-01T00:00:01Z"}} {"waiting":{"reason":"CrashLoopBackOff"}}'),
    ("{.status.conditions[?(@.type=='Ready')].status}", 'True'),
    ('{.status.conditions[?(@.status=="False")].reason}', 'X'),
    ('{range .status.conditions[*]}{.type}={.status}{"\\n"}{end}', 'Ready=True\nInitialized=False\n'),
    ('{range .spec.containers[*]}{.name}{range .ports[*]}:{.containerPort}{end};{end}', 'c1:80:443;c2;'),
    ('{.status.f}', '2.75'),
    ('{.status.big}', '12345678901'),
    ('{.status.neg}', '-4'),
    ('{.status.empty}', '[]'),
    ('{.status.emptym}', '{}'),
    ('{.status.t}', 'true'),
    ('{.status.empty[0]}', ('ERR', 'array index out of bounds: index 0, length 0')),
    ('{.status.empty[*]}', ''),
    ('{.status.emptym.x}', ''),
    ('{.spec.hostNetwork}', 'false'),
    ('{.spec.priority}', '0'),
    ('{$.kind}', 'Pod'),
    ('{@.kind}', 'Pod'),
    ('{.kind}{.apiVersion}', 'Podv1'),
    ('{"a\\tb"}', 'a\tb'),
    ("{'x'}", 'x'),
    ('{.spec.containers[-1].name}', 'c2'),
    ('{.spec.containers[0:1].name}', 'c1'),
    ('{.spec.containers[:1].name}', 'c1'),
    ('{.spec.containers[1:].name}', 'c2'),
    ('{.spec.containers[::-1].name}', ('ERR', 'step must be > 0')),
    ('{.spec.containers[0][0]}', ('ERR', 'map[string]interface {} is not array or slice')),
    ('{.spec.containers[5:7].name}', ('ERR', 'array index out of bounds: index 5, length 2')),
    ('{.spec.containers[2:2].name}', ''),
    ('{.spec.containers[0,1].name}', 'c1 c2'),
    ('{.spec.containers[0, 1].name}', 'c1 c2'),
    ("{.spec.containers[0]['name','image']}", 'c1 nginx:1.25'),
    ("{.spec.containers[*]['name']}", 'c1 c2'),
    ('{.spec.containers[?(@.name=="c1")].ports[0].containerPort}', '80'),
    ('{.spec.containers[?(@.ports)].name}', 'c1'),
    ('{.spec.containers[?(@.name=="c1")]}', '{"args":["-a","b c"],"env":[{"name":"A","value":"1"},{"name":"B"}],"image":"nginx:1.25","name":"c1","ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443}]}'),
    ('{.status.containerStatuses[?(@.state.running)].name}', 'c1'),
    ('{.status.containerStatuses[?(@.state.running.startedAt>"2024")].name}', 'c1'),
    ('{..restartCount}', '3 0'),
    ('{..containerPort}', '80 443'),
    ('{.spec..name}', 'c1 A B c2'),
    ('{.status.conditions[?(@.type=="Ready")]}', '{"status":"True","type":"Ready"}'),
    ('{.status.conditions[?(@.type==Ready)]}', ('ERR', 'unrecognized identifier Ready')),
    ('{.status.conditions[?(@.type=="Ready"&&@.status=="True")]}', ('ERR', "unrecognized character in action: U+0026 '&'")),
    ('{.status.containerStatuses[?(@.ready==true)].name}', 'c1'),
    ('{.status.containerStatuses[?(@.ready=="true")].name}', ('ERR', 'incompatible types for comparison')),
    ('{.status.containerStatuses[?(@.restartCount==3.0)].name}', ('ERR', 'incompatible types for comparison')),
    ('{.status.containerStatuses[?(@.restartCount>-1)].name}', 'c1 c2'),
    ('{.status[?(@.x)]}', ('ERR', 'map[big:12345678901 conditions:[map[status:True type:Ready] map[reason:X status:False type:Initialized]] containerStatuses:[map[name:c1 ready:true restartCount:3 state:map[running:map[startedAt:2025-01-01T00:00:01Z]]] map[name:c2 ready:false restartCount:0 state:map[waiting:map[reason:CrashLoopBackOff]]]] empty:[] emptym:map[] f:2.75 neg:-4 phase:Running podIP:10.0.0.1 startTime:2025-01-01T00:00:00Z t:true] is not array or slice and cannot be filtered')),
    ('{.metadata.name.x}', ''),
    ('{.metadata.labels.app.x}', ''),
    ('{range .spec.containers[*]}{.name}{"\\n"}', 'c1\nc2\n\n'),
    ('{range .items[*]}{.x}{end}', ''),
    ('{end}', ('ERR', 'not in range, nothing to end')),
    ('{.spec.containers[?(@.name=="c1")].args[1]}', 'b c'),
    ('{.spec.containers[*].env[*].value}', '1'),
    ('{.spec.containers[0].env[1].value}', ''),
    ('{.status.containerStatuses[0].state.running.startedAt}', '2025-01-01T00:00:01Z'),
    ('x{.metadata.name}y{.metadata.namespace}z', 'xweb-1ydefaultz'),
    ('{.spec.containers[0].image} {.spec.containers[1].image}', 'nginx:1.25 busybox'),
    ('{"\\u00e9"}{"\\x41"}{"\\101"}{\'\\\'\'}', "éAA'"),
    ('{.spec.containers[1].command[1:]}', '-c echo "hi"\n'),
    ('{.spec.containers[1].command[-2:]}', '-c echo "hi"\n'),
    ('{ .metadata.name }', 'web-1'),
    ('{.metadata.name }', 'web-1'),
    ('{range .spec.containers[*]}{range .ports[*]}{.containerPort},{end}{end}', '80,443,'),
    ('{range .status.empty[*]}{.x}{end}done', 'done'),
    ('{.spec.containers[0].ports[1].protocol}', ''),
    ('{.spec.containers[*].ports[?(@.containerPort>100)].containerPort}', '443'),
    ('{[0]}', ('ERR', 'map[string]interface {} is not array or slice')),
    ('{.status.containerStatuses[-1:].name}', 'c2'),
    ('{.spec.containers[1:2:3].name}', 'c2'),
    ('{.spec.containers[?(@.name == "c2")].name}', 'c2'),
    ('{.spec.containers[?( @.name=="c2" )].name}', 'c2'),
    ('{.spec.containers[?(@.image=~"nginx")].name}', ('ERR', "unrecognized character in action: U+007E '~'")),
    ('{.spec.containers[?(@.name<"c2")].name}', 'c1'),
    ("{.spec['containers'][0]['name']}", 'c1'),
    ('{.metadata.labels}{.metadata.annotations}', '{"app":"web"}{"kubernetes.io/desc":"hello world","n":"5"}'),
    ('{.spec.containers[0].ports}', '[{"containerPort":80,"protocol":"TCP"},{"containerPort":443}]'),
    ('{.metadata.name}{.nope}{.metadata.namespace}', 'web-1default'),
    ('{.spec.containers[99]}', ('ERR', 'array index out of bounds: index 99, length 2')),
    ('{.spec.containers[?(@.nope=="x")].name}', ''),
    ('{.status.phase} {.status.podIP}', 'Running 10.0.0.1'),
    ('{range .spec.containers[*]}{range .ports[*]}{.containerPort},{end}|{.name}', '80,443,|c1|c2|'),
    ('{range .spec.containers[*]}{.name}{range .ports[*]}{.containerPort},{end}', 'c180,443,c2'),
    ('{range .spec.containers[*]}{.name}{end}{range .status.conditions[*]}{.type}{end}', 'c1c2ReadyInitialized'),
    ('{range .spec.containers[*]}{end}{.kind}', 'Pod'),
    ('{range .nope[*]}{.x}{end}{.kind}', 'Pod'),
    ('{range .spec.containers[*]}{.name}{end}{end}', ('ERR', 'not in range, nothing to end')),
    ('{.status.f}{.status.containerStatuses[?(@.restartCount==3)].name}', '2.75c1'),
    ('{.spec.containers[*].ports[*]}', '{"containerPort":80,"protocol":"TCP"} {"containerPort":443}'),
    ('{.status.conditions[*].type}{"|"}{.status.conditions[*][\'type\',\'status\']}', 'Ready Initialized|Ready Initialized True False'),
    ('{..state.waiting}', '{"reason":"CrashLoopBackOff"}'),
    ('{.status.containerStatuses[*]..reason}', 'CrashLoopBackOff'),
    ('{.spec.containers[?(@.args[0]=="-a")].name}', 'c1'),
    ('{.spec.containers[?(@.args[*]=="-a")].name}', ('ERR', 'can only compare one element at a time')),
    ('{.metadata.annotations.n}', '5'),
    ('{.spec.containers[0].env[?(@.name=="B")].value}', ''),
]


@pytest.mark.parametrize("tmpl,want", OBSERVED)
def test_differential_against_kubectl(tmpl, want):
    if isinstance(want, tuple):
        with pytest.raises(JSONPathError) as e:
            JSONPath(tmpl).execute(OBJ)
        assert e.value.raw == want[1]
    else:
        assert JSONPath(tmpl).execute(OBJ) == want


# --- kubectl wait --for=jsonpath=... (kubectl-ux.md 6.2, kubectl pkg/cmd/wait/json.go)
from minikctl.printers.jsonpath import WaitJSONPath  # noqa: E402


def test_wait_jsonpath_value():
    w = WaitJSONPath("{.status.phase}=Running")
    assert w.expression == "{.status.phase}" and w.value == "Running"
    assert w.check(POD)
    assert not WaitJSONPath("{.status.phase}=Pending").check(POD)
    assert WaitJSONPath(".status.phase='Running'").check(POD)
    assert WaitJSONPath('status.phase="Running"').check(POD)
    assert WaitJSONPath("{.spec.containers[0].ports[0].containerPort}=80").check(POD)
    assert WaitJSONPath('{.status.conditions[?(@.type=="Ready")].status}=True').check(POD)


def test_wait_jsonpath_exists_and_missing():
    assert WaitJSONPath("{.status.phase}").check(POD)
    assert WaitJSONPath("{.status.phase}").value is None
    assert not WaitJSONPath("{.status.nope}").check(POD)
    assert not WaitJSONPath("{.status.nope}=x").check(POD)


@pytest.mark.parametrize(
    "spec,msg",
    [
        (
            "{.a}=1=2",
            "jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 "
            "or --for=jsonpath='{.status.readyReplicas}'",
        ),
        ("{.a}=", "jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3"),
        ("{.a}=''", "jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3"),
        ("", "jsonpath expression cannot be empty"),
        ("{.a[}", "unterminated array"),
    ],
)
def test_wait_jsonpath_spec_errors(spec, msg):
    with pytest.raises(ClientError) as e:
        WaitJSONPath(spec)
    assert e.value.message == msg


@pytest.mark.parametrize(
    "spec,msg",
    [
        ("{.spec.containers[*].name}=c1", "given jsonpath expression matches more than one value"),
        ("{.metadata.labels}=x", "jsonpath leads to a nested object or list which is not supported"),
        ("{.spec.containers[7].name}=x", "array index out of bounds: index 7, length 2"),
    ],
)
def test_wait_jsonpath_check_errors(spec, msg):
    with pytest.raises(ClientError) as e:
        WaitJSONPath(spec).check(POD)
    assert e.value.message == msg

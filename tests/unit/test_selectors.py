import pytest

from minikctl.kube.errors import BadRequest
from minikctl.api.registry.namespace import FIELDS as NAMESPACE_FIELDS
from minikctl.api.registry.pod import FIELDS as POD_FIELDS
from minikctl.kube.selectors import (
    FieldSelector,
    LabelSelector,
    Requirement,
    is_qualified_name,
    is_valid_label_value,
    parse_list_selectors,
    selector_error,
)

KEY_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
    "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


# apimachinery labels/selector_test.go TestSelectorParse (good strings and their canonical form)
@pytest.mark.parametrize(
    "s,canonical",
    [
        ("x=a,y=b,z=c", "x=a,y=b,z=c"),
        ("", ""),
        ("x!=a,y=b", "x!=a,y=b"),
        ("x=", "x="),
        ("x= ", "x="),
        ("x=,z= ", "x=,z="),
        ("x= ,z= ", "x=,z="),
        ("!x", "!x"),
        ("x>1", "x>1"),
        ("x>1,z<5", "x>1,z<5"),
        ("x in (a,b)", "x in (a,b)"),
        ("x in (b,a)", "x in (a,b)"),
        ("x in (a,b,a)", "x in (a,b)"),
        ("x notin ( a , b )", "x notin (a,b)"),
        ("x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"),
        ("z=b,x=a", "x=a,z=b"),
        ("x==a", "x==a"),
        ("  a  ", "a"),
        ("in in (in)", "in in (in)"),
        ("notin notin (in,notin)", "notin notin (in,notin)"),
        ("example.com/app=web", "example.com/app=web"),
        ("test in (liveness),run notin (x)", "run notin (x),test in (liveness)"),
        ("a\t=\tb", "a=b"),
        ("x in (,a)", "x in (,a)"),
        ("x in (a,)", "x in (,a)"),
    ],
)
def test_parse_good(s, canonical):
    assert str(LabelSelector.parse(s)) == canonical


@pytest.mark.parametrize(
    "s,msg",
    [
        ("x=a||y=b", 'unable to parse requirement: values[0][x]: Invalid value: "a||y": ' + VALUE_MSG),
        ("x==a==b", "found '==', expected: ',' or 'end of string'"),
        ("!x=a", "found '=', expected: ',' or 'end of string'"),
        (
            "x<a",
            'unable to parse requirement: values[0]: Invalid value: "a": '
            "for 'Gt', 'Lt' operators, the value must be an integer",
        ),
        (
            "x>1.1",
            'unable to parse requirement: values[0]: Invalid value: "1.1": '
            "for 'Gt', 'Lt' operators, the value must be an integer",
        ),
        ("x>-1", 'unable to parse requirement: values[0][x]: Invalid value: "-1": ' + VALUE_MSG),
        ("!!!", "unable to parse requirement: found '!', expected: identifier"),
        ("-ltier", 'unable to parse requirement: <nil>: Invalid value: "-ltier": ' + KEY_MSG),
        ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("x gt 1", "unable to parse requirement: found 'gt', expected: in, notin, =, ==, !=, gt, lt"),
        ("a=(x)", "unable to parse requirement: found '(', expected: identifier"),
        ("x in (a", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"),
        ("x in a", "unable to parse requirement: found 'a' expected: '('"),
        ("x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
        ("a,", "found '', expected: identifier after ','"),
        ("a,,b", "found ',', expected: identifier after ','"),
        (",a", "found ',', expected: !, identifier, or 'end of string'"),
        ("=a", "found '=', expected: !, identifier, or 'end of string'"),
        ("a=b c", "found 'c', expected: ',' or 'end of string'"),
        ("!", "unable to parse requirement: found '', expected: identifier"),
        ("!=a", "found '!=', expected: !, identifier, or 'end of string'"),
        ("a/b/c", 'unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must consist of '
         "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
         "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
         "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' "
         "(e.g. 'example.com/MyName')"),
        ("x=" + "v" * 64, "unable to parse requirement: values[0][x]: Invalid value: \"" + "v" * 64
         + '": must be no more than 63 characters'),
    ],
)
def test_parse_bad(s, msg):
    with pytest.raises(BadRequest) as e:
        LabelSelector.parse(s)
    assert e.value.message == msg


LABELS = {"app": "web", "tier": "front", "n": "5"}


@pytest.mark.parametrize(
    "s,want",
    [
        ("", True),
        ("app=web", True),
        ("app==web", True),
        ("app=api", False),
        ("app!=api", True),
        ("missing!=x", True),  # != matches objects without the key
        ("app!=web", False),
        ("app in (api,web)", True),
        ("app in (api)", False),
        ("missing in (x)", False),
        ("app notin (api)", True),
        ("app notin (web)", False),
        ("missing notin (x)", True),  # notin matches absent keys
        ("app", True),
        ("missing", False),
        ("!app", False),
        ("!missing", True),
        ("n>4", True),
        ("n>5", False),
        ("n<6", True),
        ("app>1", False),  # not an integer label value
        ("missing<10", False),
        ("app=web,tier=front", True),
        ("app=web,tier=back", False),
        ("app=", False),
        ("missing=", False),
    ],
)
def test_matches(s, want):
    assert LabelSelector.parse(s).matches(LABELS) is want


def test_matches_empty_labels():
    assert LabelSelector.parse("!x").matches(None)
    assert LabelSelector.parse("x notin (a)").matches({})
    assert not LabelSelector.parse("x").matches({})
    assert LabelSelector.parse("x=").matches({"x": ""})


def test_from_match():
    sel = LabelSelector.from_match(
        {
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["front", "edge"]},
                {"key": "canary", "operator": "DoesNotExist"},
                {"key": "env", "operator": "NotIn", "values": ["prod"]},
                {"key": "zone", "operator": "Exists"},
            ],
        }
    )
    assert str(sel) == "app=web,!canary,env notin (prod),tier in (edge,front),zone"
    assert sel.matches({"app": "web", "tier": "edge", "zone": "a"})
    assert not sel.matches({"app": "web", "tier": "edge", "zone": "a", "canary": "1"})
    assert not sel.matches({"app": "web", "tier": "back", "zone": "a"})
    assert not sel.matches({"app": "web", "tier": "edge", "zone": "a", "env": "prod"})


def test_from_match_everything_and_nothing():
    assert LabelSelector.from_match({}).matches({"a": "b"})
    assert LabelSelector.from_match({"matchLabels": {}}).empty()
    assert not LabelSelector.from_match(None).matches({})
    assert not LabelSelector.from_match(None).empty()


def test_from_match_errors():
    with pytest.raises(BadRequest) as e:
        LabelSelector.from_match({"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]})
    assert e.value.message == '"Gt" is not a valid label selector operator'
    with pytest.raises(BadRequest) as e:
        LabelSelector.from_match({"matchExpressions": [{"key": "a", "operator": "In", "values": []}]})
    assert e.value.message == "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"
    with pytest.raises(BadRequest) as e:
        LabelSelector.from_match({"matchLabels": {"-x": "y"}})
    assert e.value.message == 'key: Invalid value: "-x": ' + KEY_MSG
    with pytest.raises(BadRequest) as e:
        LabelSelector.from_match({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]})
    assert e.value.message == (
        'values: Invalid value: ["x"]: values set must be empty for exists and does not exist'
    )


def test_requirement_new_aggregates():
    with pytest.raises(BadRequest) as e:
        Requirement.new("-k", "=", ["a b"])
    assert e.value.message.startswith('[key: Invalid value: "-k": ')
    assert 'values[0][-k]: Invalid value: "a b": ' in e.value.message


def test_validation_helpers():
    assert is_qualified_name("app") == []
    assert is_qualified_name("example.com/app") == []
    assert is_qualified_name("/app") == ["prefix part must be non-empty"]
    assert is_qualified_name("Example.com/app")[0].startswith("prefix part a lowercase RFC 1123 subdomain")
    assert is_qualified_name("a/")[0] == "name part must be non-empty"
    assert is_qualified_name("a" * 64) == ["name part must be no more than 63 characters"]
    assert is_valid_label_value("") == []
    assert is_valid_label_value("a.b_c-d") == []
    assert is_valid_label_value("-a") == [VALUE_MSG]


# --- field selectors

POD = {
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {"nodeName": "node01", "restartPolicy": "Always", "schedulerName": "default-scheduler",
             "serviceAccountName": "default"},
    "status": {"phase": "Running", "podIP": "10.0.0.5", "podIPs": [{"ip": "10.0.0.5"}, {"ip": "fd00::5"}]},
}


@pytest.mark.parametrize(
    "s,want",
    [
        ("", True),
        ("status.phase=Running", True),
        ("status.phase==Running", True),
        ("status.phase!=Running", False),
        ("status.phase=Running,spec.nodeName=node01", True),
        ("status.phase=Running,spec.nodeName=node02", False),
        ("metadata.name=web,metadata.namespace=default", True),
        ("spec.hostNetwork=false", True),
        ("spec.hostNetwork=true", False),
        ("status.podIP=10.0.0.5", True),
        ("status.nominatedNodeName=", True),
        ("status.nominatedNodeName!=", False),
        ("spec.restartPolicy=Always,spec.schedulerName=default-scheduler,spec.serviceAccountName=default", True),
        ("spec.host=node01", True),
    ],
)
def test_field_selector_matches(s, want):
    assert FieldSelector.parse(s, POD_FIELDS).matches(POD) is want


def test_field_selector_host_network_true():
    pod = {"spec": {"hostNetwork": True}}
    assert FieldSelector.parse("spec.hostNetwork=true", POD_FIELDS).matches(pod)


def test_field_selector_string_and_escapes():
    sel = FieldSelector.parse("status.phase!=Running,metadata.name=a\\,b", POD_FIELDS)
    assert str(sel) == "metadata.name=a\\,b,status.phase!=Running"
    assert sel.matches({"metadata": {"name": "a,b"}, "status": {"phase": "Pending"}})
    assert str(FieldSelector.parse("spec.host=n1", POD_FIELDS)) == "spec.nodeName=n1"


@pytest.mark.parametrize(
    "s,msg",
    [
        ("foo=bar", "field label not supported: foo"),
        ("status.phase=Running,spec.containers=x", "field label not supported: spec.containers"),
        ("status.phase", "invalid selector: 'status.phase'; can't understand 'status.phase'"),
        ("status.phase in (Running)", "invalid selector: 'status.phase in (Running)'; can't understand 'status.phase in (Running)'"),
        ("metadata.name=a=b", "invalid field selector: unescaped character in value: ="),
        ("metadata.name=a\\x", "invalid field selector: invalid escape sequence: \\x"),
        ("metadata.name=a\\", "invalid field selector: invalid escape sequence: \\"),
        ("status.phase =Running", "field label not supported: status.phase "),
    ],
)
def test_field_selector_errors(s, msg):
    with pytest.raises(BadRequest) as e:
        FieldSelector.parse(s, POD_FIELDS)
    assert e.value.message == msg


def test_namespace_fields():
    ns = {"metadata": {"name": "kube-system"}, "status": {"phase": "Active"}}
    assert FieldSelector.parse("status.phase=Active", NAMESPACE_FIELDS).matches(ns)
    with pytest.raises(BadRequest) as e:
        FieldSelector.parse("metadata.namespace=x", NAMESPACE_FIELDS)
    assert e.value.message == "field label not supported: metadata.namespace"


def test_selector_error_wording():
    err = selector_error("/v1, Resource=pods", "", "foo=bar", "field label not supported: foo")
    assert err.render() == (
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", '
        'field selector "foo=bar": field label not supported: foo'
    )
    assert selector_error("/v1, Resource=pods", "", "", "boom").render() == (
        'Error from server (BadRequest): Unable to list "/v1, Resource=pods": boom'
    )


def test_parse_list_selectors():
    lsel, fsel = parse_list_selectors("app=web", "status.phase=Running", POD_FIELDS)
    assert lsel.matches({"app": "web"}) and fsel.matches(POD)
    with pytest.raises(BadRequest) as e:
        parse_list_selectors("-ltier", "foo=bar", POD_FIELDS)
    assert e.value.message == (
        'Unable to find "/v1, Resource=pods" that match label selector "-ltier", field selector "foo=bar": '
        'unable to parse requirement: <nil>: Invalid value: "-ltier": ' + KEY_MSG
    )
    with pytest.raises(BadRequest) as e:
        parse_list_selectors("", "foo=bar", POD_FIELDS)
    assert e.value.message.endswith(": field label not supported: foo")

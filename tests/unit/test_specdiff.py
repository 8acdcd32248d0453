"""The diff appended to the pod-update Forbidden error shows only the forbidden changes, in PodSpec field order."""

from minikctl.api.specdiff import spec_diff

OLD = {"containers": [{"name": "c", "image": "a:1"}], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
       "activeDeadlineSeconds": 30}


def test_allowed_changes_do_not_show():
    new = {**OLD, "containers": [{"name": "c", "image": "a:2"}], "activeDeadlineSeconds": 10}
    assert spec_diff(OLD, new) == ""


def test_forbidden_change_with_elided_identical_fields():
    new = {**OLD, "containers": [{"name": "c", "image": "a:2"}], "restartPolicy": "Never"}
    assert spec_diff(OLD, new) == (
        "  core.PodSpec{\n"
        "  \t... // 4 identical fields\n"
        '- \tRestartPolicy:                 "Always",\n'
        '+ \tRestartPolicy:                 "Never",\n'
        "  \t... // 29 identical fields\n"
        "  }\n")


def test_host_flags_live_in_the_security_context():
    new = {**OLD, "hostNetwork": True}
    text = spec_diff(OLD, new)
    assert '+ \tSecurityContext:               {"hostNetwork": true},' in text

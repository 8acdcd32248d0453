"""Table rows of the workload and config kinds (minikctl/api/registry/<kind>.py), against the cases of the upstream
pkg/printers/internalversion/printers_test.go (kubernetes v1.32): TestPrintDeployment, TestPrintDaemonSet(List),
TestPrintJob(List), TestPrintCronJob(List), TestPrintReplicaSet(List), TestPrintStatefulSet,
TestPrintControllerRevision, TestPrintConfigMap, TestPrintSecret, TestPrintServiceAccount.

Go's ``time.Now().Add(1.9e9)`` (1.9 s in the future) is NOW + 1900 ms here; int64 cells are their decimal text.
"""

from __future__ import annotations

import importlib

import pytest

from minikctl.kube.timefmt import rfc3339

NOW = 1_750_000_000_000
SOON = rfc3339(NOW + 1900)  # prints as "0s"
MIN = 60_000


def at(offset_ms: int) -> str:
    # rfc3339 has seconds precision: keep offsets whole seconds (or the 1.9 s of SOON, which truncates to 1 s ahead)
    return rfc3339(NOW + offset_ms)


def kind(name: str):
    return importlib.import_module(f"minikctl.api.registry.{name}")


TWO_CONTAINERS = {"spec": {"containers": [{"name": "fake-container1", "image": "fake-image1"},
                                          {"name": "fake-container2", "image": "fake-image2"}]}}
JOB_CONTAINERS = {"spec": {"containers": [{"name": "fake-job-container1", "image": "fake-job-image1"},
                                          {"name": "fake-job-container2", "image": "fake-job-image2"}]}}


def meta(name: str, created: str | None = SOON, **more) -> dict:
    m = {"name": name, **more}
    if created:
        m["creationTimestamp"] = created
    return m


def test_columns():
    expected = {
        "deployment": (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]),
        "replicaset": (["NAME", "DESIRED", "CURRENT", "READY", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]),
        "statefulset": (["NAME", "READY", "AGE"], ["CONTAINERS", "IMAGES"]),
        "daemonset": (["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"],
                      ["CONTAINERS", "IMAGES", "SELECTOR"]),
        "controllerrevision": (["NAME", "CONTROLLER", "REVISION", "AGE"], []),
        "job": (["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]),
        "cronjob": (["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"],
                    ["CONTAINERS", "IMAGES", "SELECTOR"]),
        "configmap": (["NAME", "DATA", "AGE"], []),
        "secret": (["NAME", "TYPE", "DATA", "AGE"], []),
        "serviceaccount": (["NAME", "SECRETS", "AGE"], []),
    }
    for name, (columns, wide) in expected.items():
        module = kind(name)
        assert (module.COLUMNS, module.WIDE_COLUMNS) == (columns, wide), name


DEPLOYMENT = {"metadata": meta("test1"),
              "spec": {"replicas": 5, "template": TWO_CONTAINERS, "selector": {"matchLabels": {"foo": "bar"}}},
              "status": {"replicas": 10, "updatedReplicas": 2, "availableReplicas": 1, "unavailableReplicas": 4}}


def test_print_deployment():
    row = kind("deployment").row
    assert row(DEPLOYMENT, NOW, False) == ["test1", "0/5", "2", "1", "0s"]
    assert row(DEPLOYMENT, NOW, True) == ["test1", "0/5", "2", "1", "0s", "fake-container1,fake-container2",
                                          "fake-image1,fake-image2", "foo=bar"]


def test_deployment_selector_is_the_selector_string_not_format_label_selector():
    row = kind("deployment").row
    empty = {**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"], "selector": {}}}
    assert row(empty, NOW, True)[-1] == ""
    bad = {**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"],
                                  "selector": {"matchExpressions": [{"key": "a", "operator": "Has"}]}}}
    assert row(bad, NOW, True)[-1] == "<invalid>"
    exprs = {**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"], "selector": {
        "matchLabels": {"app": "web"},
        "matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe", "be"]},
                             {"key": "canary", "operator": "DoesNotExist"}]}}}
    assert row(exprs, NOW, True)[-1] == "app=web,!canary,tier in (be,fe)"


DAEMONSET = {"metadata": meta("test1"),
             "spec": {"template": TWO_CONTAINERS, "selector": {"matchLabels": {"foo": "bar"}}},
             "status": {"currentNumberScheduled": 2, "desiredNumberScheduled": 3, "numberReady": 1,
                        "updatedNumberScheduled": 2, "numberAvailable": 0}}


def test_print_daemonset():
    row = kind("daemonset").row
    assert row(DAEMONSET, NOW, False) == ["test1", "3", "2", "1", "2", "0", "<none>", "0s"]
    assert row(DAEMONSET, NOW, True) == ["test1", "3", "2", "1", "2", "0", "<none>", "0s",
                                         "fake-container1,fake-container2", "fake-image1,fake-image2", "foo=bar"]


def test_print_daemonset_list():
    second = {"metadata": meta("daemonset2"), "spec": {"template": {}, "selector": {"matchLabels": {"foo": "bar"}}},
              "status": {"currentNumberScheduled": 4, "desiredNumberScheduled": 2, "numberReady": 9,
                         "updatedNumberScheduled": 3, "numberAvailable": 3}}
    first = {**DAEMONSET, "metadata": meta("daemonset1")}
    row = kind("daemonset").row
    assert [row(d, NOW, False) for d in (first, second)] == [
        ["daemonset1", "3", "2", "1", "2", "0", "<none>", "0s"],
        ["daemonset2", "2", "4", "9", "3", "3", "<none>", "0s"]]


def test_daemonset_node_selector_is_format_labels():
    ds = {**DAEMONSET, "spec": {**DAEMONSET["spec"], "template": {
        "spec": {"nodeSelector": {"kubernetes.io/os": "linux", "disk": "ssd"}, "containers": []}}}}
    assert kind("daemonset").row(ds, NOW, False)[6] == "disk=ssd,kubernetes.io/os=linux"


def job(name: str, *, created: str = SOON, completions=None, parallelism=None, succeeded=0, start=None,
        completion=None, conditions=(), deleting=False, template=None, selector=None) -> dict:
    spec: dict = {}
    if completions is not None:
        spec["completions"] = completions
    if parallelism is not None:
        spec["parallelism"] = parallelism
    if template is not None:
        spec["template"] = template
    if selector is not None:
        spec["selector"] = selector
    status: dict = {"succeeded": succeeded}
    if start:
        status["startTime"] = start
    if completion:
        status["completionTime"] = completion
    if conditions:
        status["conditions"] = [{"type": t, "status": "True"} for t in conditions]
    m = meta(name, created)
    if deleting:
        m["deletionTimestamp"] = SOON
    return {"metadata": m, "spec": spec, "status": status}


TEN_YEARS_AGO = at(-10 * 365 * 24 * 60 * MIN)


@pytest.mark.parametrize("obj, wide, expected", [
    (job("job1", completions=2, succeeded=1, template=JOB_CONTAINERS,
         selector={"matchLabels": {"job-label": "job-lable-value"}}), False, ["job1", "Running", "1/2", "", "0s"]),
    (job("job1", completions=2, succeeded=1, template=JOB_CONTAINERS,
         selector={"matchLabels": {"job-label": "job-label-value"}}), True,
     ["job1", "Running", "1/2", "", "0s", "fake-job-container1,fake-job-container2", "fake-job-image1,fake-job-image2",
      "job-label=job-label-value"]),
    (job("job2", created=TEN_YEARS_AGO), False, ["job2", "Running", "0/1", "", "10y"]),
    (job("job3", created=TEN_YEARS_AGO, start=at(MIN), completion=at(31 * MIN)), False,
     ["job3", "Running", "0/1", "30m", "10y"]),
    (job("job4", created=TEN_YEARS_AGO, start=at(-20 * MIN)), False, ["job4", "Running", "0/1", "20m", "10y"]),
    (job("job5", conditions=["Complete"]), False, ["job5", "Complete", "0/1", "", "0s"]),
    (job("job6", conditions=["Failed"]), False, ["job6", "Failed", "0/1", "", "0s"]),
    (job("job7", conditions=["Suspended"]), False, ["job7", "Suspended", "0/1", "", "0s"]),
    (job("job8", conditions=["FailureTarget"]), False, ["job8", "FailureTarget", "0/1", "", "0s"]),
    (job("job9", deleting=True), False, ["job9", "Terminating", "0/1", "", "0s"]),
])
def test_print_job(obj, wide, expected):
    assert kind("job").row(obj, NOW, wide) == expected


def test_print_job_list():
    items = [job("job1", completions=2, succeeded=1, template=JOB_CONTAINERS),
             job("job2", completions=2, succeeded=2, template=JOB_CONTAINERS, start=at(-20 * MIN))]
    assert [kind("job").row(j, NOW, False) for j in items] == [["job1", "Running", "1/2", "", "0s"],
                                                                 ["job2", "Running", "2/2", "20m", "0s"]]


def test_job_status_precedence_and_completions_without_completions():
    row = kind("job").row
    # Complete beats Failed beats Terminating beats Suspended beats FailureTarget; a False condition does not count
    assert row(job("j", conditions=["Failed", "Complete"], deleting=True), NOW, False)[1] == "Complete"
    assert row(job("j", conditions=["Suspended"], deleting=True), NOW, False)[1] == "Terminating"
    assert row(job("j", conditions=["FailureTarget", "Suspended"]), NOW, False)[1] == "Suspended"
    falsy = job("j")
    falsy["status"]["conditions"] = [{"type": "Complete", "status": "False"}, {"type": "Complete", "status": "True"}]
    assert row(falsy, NOW, False)[1] == "Running"  # hasJobCondition: the first condition of the type decides
    # 1.32 prints no SuccessCriteriaMet status
    assert row(job("j", conditions=["SuccessCriteriaMet"]), NOW, False)[1] == "Running"
    assert row(job("j", parallelism=3, succeeded=1), NOW, False)[2] == "1/1 of 3"
    assert row(job("j", parallelism=1), NOW, False)[2] == "0/1"
    assert row(job("j", completions=5, parallelism=3, succeeded=4), NOW, False)[2] == "4/5"
    no_age = job("j")
    del no_age["metadata"]["creationTimestamp"]
    assert row(no_age, NOW, False)[4] == "<unknown>"


def cronjob(name: str, *, created: str = SOON, time_zone=None, last=SOON, suspend=False, template=True,
            selector=True, schedule="0/5 * * * ?", active=0) -> dict:
    job_spec: dict = {"completions": 2}
    if template:
        job_spec["template"] = JOB_CONTAINERS
    if selector:
        job_spec["selector"] = {"matchLabels": {"a": "b"}}
    spec: dict = {"schedule": schedule, "jobTemplate": {"spec": job_spec}}
    if suspend is not None:
        spec["suspend"] = suspend
    if time_zone is not None:
        spec["timeZone"] = time_zone
    status: dict = {}
    if last:
        status["lastScheduleTime"] = last
    if active:
        status["active"] = [{"kind": "Job", "name": f"{name}-{i}", "namespace": "default"} for i in range(active)]
    return {"metadata": meta(name, created), "spec": spec, "status": status}


@pytest.mark.parametrize("obj, wide, expected", [
    (cronjob("cronjob1"), False, ["cronjob1", "0/5 * * * ?", "<none>", "False", "0", "0s", "0s"]),
    (cronjob("cronjob1", time_zone="LOCAL"), False, ["cronjob1", "0/5 * * * ?", "LOCAL", "False", "0", "0s", "0s"]),
    (cronjob("cronjob1"), True, ["cronjob1", "0/5 * * * ?", "<none>", "False", "0", "0s", "0s",
                                 "fake-job-container1,fake-job-container2", "fake-job-image1,fake-job-image2", "a=b"]),
    (cronjob("cronjob2", created=at(-5 * MIN), last=at(-30_000), template=False, selector=False), False,
     ["cronjob2", "0/5 * * * ?", "<none>", "False", "0", "30s", "5m"]),
    (cronjob("cronjob3", created=at(-5 * MIN), last=None, template=False, selector=False), False,
     ["cronjob3", "0/5 * * * ?", "<none>", "False", "0", "<none>", "5m"]),
])
def test_print_cronjob(obj, wide, expected):
    assert kind("cronjob").row(obj, NOW, wide) == expected


def test_print_cronjob_list():
    items = [cronjob("cronjob1", time_zone="LOCAL", template=False),
             cronjob("cronjob2", schedule="4/5 1 1 1 ?", last=at(-20 * MIN), template=False)]
    assert [kind("cronjob").row(c, NOW, False) for c in items] == [
        ["cronjob1", "0/5 * * * ?", "LOCAL", "False", "0", "0s", "0s"],
        ["cronjob2", "4/5 1 1 1 ?", "<none>", "False", "0", "20m", "0s"]]


def test_cronjob_suspend_active_and_wide_selector():
    row = kind("cronjob").row
    assert row(cronjob("c", suspend=None), NOW, False)[3] == "<unset>"
    assert row(cronjob("c", suspend=True, active=2), NOW, False)[3:5] == ["True", "2"]
    assert row(cronjob("c", selector=False), NOW, True)[-1] == "<none>"


REPLICASET = {"metadata": meta("test1"),
              "spec": {"replicas": 5, "template": TWO_CONTAINERS, "selector": {"matchLabels": {"foo": "bar"}}},
              "status": {"replicas": 5, "readyReplicas": 2}}


def test_print_replicaset():
    row = kind("replicaset").row
    assert row(REPLICASET, NOW, False) == ["test1", "5", "5", "2", "0s"]
    assert row(REPLICASET, NOW, True) == ["test1", "5", "5", "2", "0s", "fake-container1,fake-container2",
                                          "fake-image1,fake-image2", "foo=bar"]


def test_print_replicaset_list():
    first = {**REPLICASET, "metadata": meta("replicaset1")}
    first["spec"] = {k: v for k, v in REPLICASET["spec"].items() if k != "selector"}
    second = {"metadata": meta("replicaset2"),
              "spec": {"replicas": 4, "template": {}, "selector": {"matchLabels": {"foo": "bar"}}},
              "status": {"replicas": 3, "readyReplicas": 1}}
    row = kind("replicaset").row
    assert [row(r, NOW, False) for r in (first, second)] == [["replicaset1", "5", "5", "2", "0s"],
                                                             ["replicaset2", "4", "3", "1", "0s"]]
    # FormatLabelSelector: a nil selector selects nothing and prints <none>
    assert row(first, NOW, True)[-1] == "<none>"


def test_print_statefulset():
    sts = {"metadata": meta("test1"), "spec": {"replicas": 5, "template": TWO_CONTAINERS},
           "status": {"replicas": 5, "readyReplicas": 2}}
    row = kind("statefulset").row
    assert row(sts, NOW, False) == ["test1", "2/5", "0s"]
    assert row(sts, NOW, True) == ["test1", "2/5", "0s", "fake-container1,fake-container2", "fake-image1,fake-image2"]


@pytest.mark.parametrize("owners, revision, expected", [
    ([{"controller": True, "apiVersion": "apps/v1", "kind": "DaemonSet", "name": "foo"}], 1,
     ["test1", "daemonset.apps/foo", "1", "0s"]),
    ([{"controller": False, "kind": "ABC", "name": "foo"}], 2, ["test1", "<none>", "2", "0s"]),
    ([], 3, ["test1", "<none>", "3", "0s"]),
    (None, 4, ["test1", "<none>", "4", "0s"]),
    # a core kind has no group: the lower-cased kind alone
    ([{"apiVersion": "v1", "kind": "Pod", "name": "p"},
      {"controller": True, "apiVersion": "v1", "kind": "ReplicationController", "name": "rc"}], 5,
     ["test1", "replicationcontroller/rc", "5", "0s"]),
])
def test_print_controller_revision(owners, revision, expected):
    m = meta("test1")
    if owners is not None:
        m["ownerReferences"] = owners
    assert kind("controllerrevision").row({"metadata": m, "revision": revision}, NOW, False) == expected


@pytest.mark.parametrize("obj, expected", [
    ({"metadata": meta("configmap1")}, ["configmap1", "0", "0s"]),
    ({"metadata": meta("configmap2"), "data": {"foo": "bar"}}, ["configmap2", "1", "0s"]),
    ({"metadata": meta("configmap3"), "data": {"foo": "bar"}, "binaryData": {"bin": "YmluYXJ5IGRhdGE="}},
     ["configmap3", "2", "0s"]),
])
def test_print_configmap(obj, expected):
    assert kind("configmap").row(obj, NOW, False) == expected


@pytest.mark.parametrize("obj, expected", [
    ({"metadata": meta("secret1"), "type": "kubernetes.io/service-account-token",
      "data": {"token": "c2VjcmV0IGRhdGE="}}, ["secret1", "kubernetes.io/service-account-token", "1", "0s"]),
    ({"metadata": meta("secret1"), "type": "kubernetes.io/service-account-token"},
     ["secret1", "kubernetes.io/service-account-token", "0", "0s"]),
])
def test_print_secret(obj, expected):
    assert kind("secret").row(obj, NOW, False) == expected


@pytest.mark.parametrize("obj, expected", [
    ({"metadata": meta("sa1"), "secrets": []}, ["sa1", "0", "0s"]),
    ({"metadata": meta("sa1"), "secrets": [{"name": "Secret1"}, {"name": "Secret2"}],
      "imagePullSecrets": [{"name": "pull"}]}, ["sa1", "2", "0s"]),
])
def test_print_service_account(obj, expected):
    assert kind("serviceaccount").row(obj, NOW, False) == expected


def test_format_label_selector():
    from minikctl.kube.selectors import format_label_selector, selector_string

    assert format_label_selector(None) == "<none>"
    assert format_label_selector({}) == "<none>"
    assert format_label_selector({"matchLabels": {"b": "2", "a": "1"}}) == "a=1,b=2"
    assert format_label_selector({"matchExpressions": [{"key": "k", "operator": "NotIn", "values": ["y", "x"]},
                                                       {"key": "e", "operator": "Exists"}]}) == "e,k notin (x,y)"
    assert format_label_selector({"matchExpressions": [{"key": "k", "operator": "Bogus"}]}) == "<error>"
    assert selector_string({"matchLabels": {"app": "web"}}) == "app=web"


DAY = 24 * 3600 * 1000
_PODREF = {"kind": "Pod", "name": "Pod Name", "fieldPath": "spec.containers{foo}"}
_DEPREF = {"kind": "Deployment", "name": "Deployment Name", "fieldPath": "spec.containers{foo}"}


def _event(name, ref, **fields) -> dict:
    return {"metadata": {"name": name}, "involvedObject": ref, "reason": "Event Reason", "message": "Message Data",
            **fields}


@pytest.mark.parametrize("ev, wide, expected", [
    # TestPrintEvent (v1.32 printers_test.go), the cases in order
    (_event("event1", _PODREF, source={"component": "kubelet"}, firstTimestamp=at(-3 * DAY),
            lastTimestamp=at(-2 * DAY), count=6, type="Normal"), False,
     ["2d", "Normal", "Event Reason", "pod/Pod Name", "Message Data"]),
    (_event("event2", _DEPREF, source={"component": "kubelet", "host": "Node1"}, firstTimestamp=at(-3 * DAY),
            lastTimestamp=at(-2 * DAY), count=6, type="Warning"), True,
     ["2d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1",
      "Message Data", "3d", "6", "event2"]),
    (_event("event3", _DEPREF, source={"component": "kubelet", "host": "Node1"}, eventTime=at(-3 * DAY),
            lastTimestamp=at(-3 * DAY), count=1, type="Warning"), True,
     ["3d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1",
      "Message Data", "3d", "1", "event3"]),
    (_event("event4", _DEPREF, source={"component": "kubelet", "host": "Node1"}, eventTime=at(-3 * DAY),
            firstTimestamp=at(-3 * DAY), count=1, type="Warning"), True,
     ["3d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1",
      "Message Data", "3d", "1", "event4"]),
    (_event("event6", _DEPREF, source={"component": "kubelet", "host": "Node1"}, eventTime=at(-3 * DAY),
            series={"count": 2, "lastObservedTime": at(-2 * DAY)}, type="Warning"), True,
     ["2d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1",
      "Message Data", "3d", "2", "event6"]),
    (_event("event7", _DEPREF, source={"component": "kubelet", "host": "Node1"}, eventTime=at(-3 * DAY),
            type="Warning"), True,
     ["3d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1",
      "Message Data", "3d", "1", "event7"]),
    (_event("event2", _DEPREF, reportingComponent="kubelet", reportingInstance="test", firstTimestamp=at(-3 * DAY),
            lastTimestamp=at(-2 * DAY), count=6, type="Warning"), True,
     ["2d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, test",
      "Message Data", "3d", "6", "event2"]),
    # no name in the involved object: the kind alone; no times at all: <unknown>
    (_event("e", {"kind": "Node"}, type="Normal"), True,
     ["<unknown>", "Normal", "Event Reason", "node", "", "", "Message Data", "<unknown>", "1", "e"]),
])
def test_print_event(ev, wide, expected):
    assert kind("event").row(ev, NOW, wide) == expected


def test_event_wide_headers_in_the_servers_order():
    from minikctl.printers.output import table_cells

    ev = {"apiVersion": "v1", "kind": "Event", **_event("event1", _PODREF, type="Normal", count=2,
                                                        lastTimestamp=at(-DAY), firstTimestamp=at(-2 * DAY))}
    headers, rows = table_cells([ev], wide=True, now_ms=NOW, show_kind=True)
    assert headers == ["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN",
                       "COUNT", "NAME"]
    assert rows == [["24h", "Normal", "Event Reason", "pod/Pod Name", "spec.containers{foo}", "", "Message Data",
                     "2d", "2", "event/event1"]]  # --show-kind: the column of format "name" gets the kind
    headers, rows = table_cells([ev], wide=False, now_ms=NOW, show_kind=True)
    assert headers == ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"] and rows[0][0] == "24h"


def test_print_lease():
    lease = {"metadata": meta("node1"), "spec": {"holderIdentity": "node1"}}
    assert kind("lease").row(lease, NOW, False) == ["node1", "node1", "0s"]
    assert kind("lease").row({"metadata": meta("l", created=None), "spec": {}}, NOW, False) == ["l", "", "<unknown>"]

"""Update validation of every served kind: ValidateDeploymentUpdate, ValidateReplicaSetUpdate,
ValidateStatefulSetUpdate, ValidateDaemonSetUpdate (pkg/apis/apps/validation), ValidateJobUpdate,
ValidateCronJobUpdate (pkg/apis/batch/validation), ValidateConfigMapUpdate, ValidateSecretUpdate,
ValidateServiceAccountUpdate (pkg/apis/core/validation), with the strategies' selector checks and
PrepareForUpdate (pkg/registry/{apps,batch,core}/*/strategy.go), v1.32."""

from __future__ import annotations

import copy

from minikctl.api import defaults
from minikctl.api.updates import prepare_for_update, validate_update

SEL_ERR = ('spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, '
           "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable")


def stored(kind: str, api: str, spec: dict, name: str = "web", **top) -> dict:
    obj = {"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": "default", "uid": "u-1"},
           "spec": spec, **top}
    defaults.default_object(kind, obj, suffix=lambda n: "abcde"[:n])
    obj["metadata"].update(resourceVersion="5", creationTimestamp="2024-01-01T00:00:00Z")
    return obj


def tmpl(labels=None, **spec) -> dict:
    return {"metadata": {"labels": labels or {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}], **spec}}


def update(old: dict, mutate) -> tuple[dict, list[str]]:
    new = copy.deepcopy(old)
    mutate(new)
    kind = old["kind"]
    new = prepare_for_update(kind, old, new)
    return new, [str(e) for e in validate_update(kind, old, new)]


def deployment() -> dict:
    return stored("Deployment", "apps/v1", {"selector": {"matchLabels": {"app": "web"}}, "template": tmpl()})


# ---- Deployment ------------------------------------------------------------------------------

def test_deployment_selector_is_immutable():
    # deploymentStrategy.ValidateUpdate: ValidateImmutableField(newDeployment.Spec.Selector, ...)
    old = deployment()

    def change(d):
        d["spec"]["selector"] = {"matchLabels": {"app": "other"}}
        d["spec"]["template"]["metadata"]["labels"] = {"app": "other"}

    _, errs = update(old, change)
    assert errs == [SEL_ERR]


def test_deployment_spec_rules_run_on_update_and_generation_bumps():
    old = deployment()
    new, errs = update(old, lambda d: d["spec"].update(replicas=3))
    assert errs == [] and new["metadata"]["generation"] == 2
    new, errs = update(old, lambda d: d["metadata"].setdefault("annotations", {}).update(a="b"))
    assert new["metadata"]["generation"] == 2  # annotations are copied to ReplicaSets: they bump it too
    new, errs = update(old, lambda d: d["metadata"].setdefault("labels", {}).update(a="b"))
    assert new["metadata"]["generation"] == 1
    _, errs = update(old, lambda d: d["spec"].update(replicas=-1))
    assert errs == ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]


def test_deployment_status_is_kept():
    old = deployment()
    old["status"] = {"replicas": 1}
    new, _ = update(old, lambda d: d.update(status={"replicas": 9}))
    assert new["status"] == {"replicas": 1}


# ---- ReplicaSet ------------------------------------------------------------------------------

def test_replicaset_selector_is_immutable():
    old = stored("ReplicaSet", "apps/v1", {"selector": {"matchLabels": {"app": "web"}}, "template": tmpl()})

    def change(d):
        d["spec"]["selector"] = {"matchLabels": {"app": "other"}}
        d["spec"]["template"]["metadata"]["labels"] = {"app": "other"}

    assert update(old, change)[1] == [SEL_ERR]
    assert update(old, lambda d: d["spec"].update(replicas=4))[1] == []


# ---- StatefulSet -----------------------------------------------------------------------------

def statefulset() -> dict:
    return stored("StatefulSet", "apps/v1", {"selector": {"matchLabels": {"app": "web"}}, "template": tmpl(),
                                             "serviceName": "web"})


def test_statefulset_frozen_fields():
    old = statefulset()
    for ok in (lambda d: d["spec"].update(replicas=5), lambda d: d["spec"].update(minReadySeconds=3),
               lambda d: d["spec"]["template"]["spec"]["containers"][0].update(image="nginx:1.28"),
               lambda d: d["spec"].update(ordinals={"start": 2})):
        assert update(old, ok)[1] == []
    for bad in (lambda d: d["spec"].update(serviceName="other"), lambda d: d["spec"].update(revisionHistoryLimit=3),
                lambda d: d["spec"].update(podManagementPolicy="Parallel")):
        assert update(old, bad)[1] == [
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
            "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"]


# ---- DaemonSet -------------------------------------------------------------------------------

def test_daemonset_template_generation_and_selector():
    old = stored("DaemonSet", "apps/v1", {"selector": {"matchLabels": {"app": "web"}}, "template": tmpl()})
    assert old["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "1"
    new, errs = update(old, lambda d: d["spec"]["template"]["spec"]["containers"][0].update(image="nginx:2"))
    assert errs == []
    assert new["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "2"
    assert new["metadata"]["generation"] == 2
    new, _ = update(old, lambda d: d["spec"].update(minReadySeconds=5))
    assert new["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "1"
    assert new["metadata"]["generation"] == 2

    def change(d):
        d["spec"]["selector"] = {"matchLabels": {"app": "other"}}
        d["spec"]["template"]["metadata"]["labels"] = {"app": "other"}

    assert update(old, change)[1] == [SEL_ERR]


# ---- Job -------------------------------------------------------------------------------------

def job(**spec) -> dict:
    return stored("Job", "batch/v1", {"template": tmpl(labels={"app": "j"}, restartPolicy="Never"), **spec},
                  name="pi")


def test_job_template_is_immutable():
    old = job()
    _, errs = update(old, lambda d: d["spec"]["template"]["spec"]["containers"][0].update(image="perl:2"))
    assert len(errs) == 1 and errs[0].startswith("spec.template: Invalid value: core.PodTemplateSpec")
    assert errs[0].endswith(": field is immutable")


def test_suspended_unstarted_job_may_change_scheduling_directives():
    # validationOptionsForJob: AllowMutableSchedulingDirectives = suspended && notStarted
    old = job(suspend=True)
    _, errs = update(old, lambda d: d["spec"]["template"]["spec"].update(nodeSelector={"zone": "a"}))
    assert errs == []
    old["status"] = {"startTime": "2024-01-01T00:00:01Z"}
    _, errs = update(old, lambda d: d["spec"]["template"]["spec"].update(nodeSelector={"zone": "a"}))
    assert errs and errs[0].startswith("spec.template: Invalid value:")


def test_job_completions_selector_and_mode():
    old = job(completions=3, parallelism=3)
    assert update(old, lambda d: d["spec"].update(completions=4))[1] == [
        "spec.completions: Invalid value: 4: field is immutable"]
    assert update(old, lambda d: d["spec"].update(parallelism=1))[1] == []
    idx = job(completionMode="Indexed", completions=3, parallelism=3)
    assert update(idx, lambda d: d["spec"].update(completions=5, parallelism=5))[1] == []
    assert update(idx, lambda d: d["spec"].update(completions=5))[1] == [
        "spec.completions: Invalid value: 5: can only be modified in tandem with spec.parallelism"]
    errs = update(old, lambda d: d["spec"].update(completionMode="Indexed"))[1]
    assert 'spec.completionMode: Invalid value: "Indexed": field is immutable' in errs


# ---- CronJob ---------------------------------------------------------------------------------

def test_cronjob_update_skips_name_limit_and_checks_schedule():
    name = "a" * 53
    old = stored("CronJob", "batch/v1", {"schedule": "*/5 * * * *",
                                         "jobTemplate": {"spec": {"template": tmpl(restartPolicy="OnFailure")}}},
                 name=name)
    assert update(old, lambda d: d["spec"].update(suspend=True))[1] == []
    assert update(old, lambda d: d["spec"].update(schedule="CRON_TZ=UTC * * * * *"))[1] == [
        'spec.schedule: Invalid value: "CRON_TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use '
        "timeZone field instead"]
    new, _ = update(old, lambda d: d["spec"].update(suspend=True))
    assert new["metadata"]["generation"] == 2


# ---- ConfigMap / Secret / ServiceAccount ------------------------------------------------------

def test_immutable_config_map():
    old = stored("ConfigMap", "v1", None, name="c")
    old.pop("spec")
    old.update(data={"a": "1"}, immutable=True)
    assert update(old, lambda d: d["data"].update(a="2"))[1] == [
        "data: Forbidden: field is immutable when `immutable` is set"]
    assert update(old, lambda d: d.update(immutable=False))[1] == [
        "immutable: Forbidden: field is immutable when `immutable` is set"]
    assert update(old, lambda d: d.update(binaryData={"b": "eA=="}))[1] == [
        "binaryData: Forbidden: field is immutable when `immutable` is set"]
    assert update(old, lambda d: d["metadata"].setdefault("labels", {}).update(x="y"))[1] == []
    mutable = copy.deepcopy(old)
    mutable.pop("immutable")
    assert update(mutable, lambda d: d["data"].update(a="2"))[1] == []
    assert "generation" not in update(mutable, lambda d: d["data"].update(a="2"))[0]["metadata"]


def test_secret_type_and_immutable():
    old = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "default", "uid": "u"},
           "type": "Opaque", "data": {"a": "YQ=="}, "immutable": True}
    assert update(old, lambda d: d.update(type="kubernetes.io/tls"))[1] == [
        'type: Invalid value: "kubernetes.io/tls": field is immutable',
        "data[tls.crt]: Required value", "data[tls.key]: Required value"]
    assert update(old, lambda d: d["data"].update(a="Yg=="))[1] == [
        "data: Forbidden: field is immutable when `immutable` is set"]


def test_service_account_update():
    old = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa", "namespace": "default",
                                                                      "uid": "u"}}
    assert update(old, lambda d: d["metadata"].update(labels={"a": "b"}))[1] == []
    assert update(old, lambda d: d["metadata"].update(uid="other"))[1] == [
        'metadata.uid: Invalid value: "other": field is immutable']


def test_pod_dispatch_includes_full_validation():
    old = stored("Pod", "v1", {"containers": [{"name": "c", "image": "nginx"}]}, name="p")
    _, errs = update(old, lambda d: d["metadata"].update(labels={"bad key": "v"}))
    assert errs and all("metadata.labels" in e for e in errs)
    new, errs = update(old, lambda d: d["spec"]["containers"][0].update(image="nginx:2"))
    assert errs == [] and "generation" not in new["metadata"]  # pod generation is not bumped in v1.32


def test_default_for_update_applies_scheme_defaults_only():
    # decoding an update runs SetDefaults_* (apps/v1, batch/v1 defaults.go) but no PrepareForCreate/admission
    body = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi", "namespace": "default"},
            "spec": {"template": tmpl(labels={"app": "j"}, restartPolicy="Never")}}
    defaults.default_for_update("Job", body)
    assert "selector" not in body["spec"] and "generation" not in body["metadata"] and "status" not in body
    assert body["spec"]["backoffLimit"] == 6 and body["spec"]["completionMode"] == "NonIndexed"
    dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
           "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": tmpl()}}
    defaults.default_for_update("Deployment", dep)
    assert dep["spec"]["strategy"]["rollingUpdate"] == {"maxUnavailable": "25%", "maxSurge": "25%"}
    assert "generation" not in dep["metadata"] and "status" not in dep


def test_full_update_pipeline_for_a_deployment_replace():
    old = deployment()
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": tmpl(), "replicas": 2}}
    defaults.default_for_update("Deployment", body)
    new = prepare_for_update("Deployment", old, body)
    assert validate_update("Deployment", old, new) == []
    assert new["metadata"]["generation"] == 2 and new["metadata"]["uid"] == "u-1"

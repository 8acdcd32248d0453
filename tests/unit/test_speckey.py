"""api/speckey.py: the pods of one template share a spec key, and what is kept by it gives each pod its own
answer (its token volume's name, its own errors)."""

from __future__ import annotations

import copy

from minikctl.api import fieldmanager
from minikctl.api.speckey import PLACEHOLDER, spec_key
from minikctl.api.validation import validate_pod_spec
from minikctl.kube.kinds import for_kind


def admitted(token: str, **extra) -> dict:
    mount = {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": token, "readOnly": True}
    spec = {"containers": [{"name": "c", "image": "busybox", "imagePullPolicy": "Always",
                            "terminationMessagePath": "/dev/termination-log",
                            "terminationMessagePolicy": "File", "volumeMounts": [mount]}],
            "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
            "securityContext": {}, "serviceAccount": "default", "serviceAccountName": "default",
            "terminationGracePeriodSeconds": 30,
            "volumes": [{"name": token, "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}}]}
    spec.update(extra)
    return spec


def test_pods_of_one_template_share_a_key_and_keep_their_spec():
    a, b = admitted("kube-api-access-bcdfh"), admitted("kube-api-access-xwz24")
    before = copy.deepcopy(a)
    ka, kb = spec_key(a), spec_key(b)
    assert ka is not None and kb is not None
    assert ka[0] == kb[0] and PLACEHOLDER in ka[0]
    assert (ka[1], kb[1]) == ("kube-api-access-bcdfh", "kube-api-access-xwz24")
    assert a == before and list(a["volumes"][0]) == ["name", "projected"]  # put back, in its place


def test_no_key_when_the_rename_would_not_be_the_same_everywhere():
    # the generated name also elsewhere (an env value), or the placeholder already there: no key
    env = admitted("kube-api-access-bcdfh")
    env["containers"][0]["env"] = [{"name": "V", "value": "kube-api-access-bcdfh"}]
    assert spec_key(env) is None
    taken = admitted("kube-api-access-bcdfh")
    taken["containers"][0]["args"] = [PLACEHOLDER]
    assert spec_key(taken) is None
    assert spec_key({"containers": [{"name": "c", "image": object()}]}) is None  # not JSON
    plain = {"containers": [{"name": "c", "image": "busybox"}]}  # no token volume: the JSON itself
    assert spec_key(plain) == ('{"containers":[{"name":"c","image":"busybox"}]}', "")


def test_validation_kept_by_key_still_refuses_what_differs():
    good = admitted("kube-api-access-bcdfh")
    assert validate_pod_spec(good, "spec", "p1", is_pod=True) == []
    assert validate_pod_spec(admitted("kube-api-access-qrstv"), "spec", "p2", is_pod=True) == []
    bad = admitted("kube-api-access-bcdfg")
    bad["containers"][0]["volumeMounts"][0]["name"] = "kube-api-access-zzzzz"  # a mount of no volume
    errs = validate_pod_spec(bad, "spec", "p3", is_pod=True)
    assert [str(e) for e in errs] == ['spec.containers[0].volumeMounts[0].name: Not found: "kube-api-access-zzzzz"']


def test_created_spec_fields_name_each_pods_own_volume():
    res = for_kind("v1", "Pod")
    schema = fieldmanager.schema_for(res)
    sets = []
    for token in ("kube-api-access-bcdfh", "kube-api-access-xwz24"):
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
               "spec": admitted(token)}
        fieldmanager.record_update(res, schema, None, pod, "kubectl", "", "2026-01-01T00:00:00Z")
        sets.append(pod["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"])
    assert 'k:{"name":"kube-api-access-bcdfh"}' in sets[0]["f:volumes"]
    assert 'k:{"name":"kube-api-access-xwz24"}' in sets[1]["f:volumes"]
    assert str(sets[0]).replace("bcdfh", "xwz24") == str(sets[1])
    sets[0]["f:volumes"].clear()  # each call has maps of its own
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
           "spec": admitted("kube-api-access-bcdfh")}
    fieldmanager.record_update(res, schema, None, pod, "kubectl", "", "2026-01-01T00:00:00Z")
    assert pod["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]["f:volumes"]


def test_again_gives_the_last_answer_only_for_that_very_spec():
    a = admitted("kube-api-access-bcdfh")
    b = admitted("kube-api-access-xwz24", dnsPolicy="Default")
    first = spec_key(a)
    other = spec_key(b, again=True)  # not the spec last asked about: worked out
    assert other is not None and other[0] != first[0]
    assert spec_key(a) == first
    a["dnsPolicy"] = "None"  # (a caller must not change it in between: the answer given is the one it had)
    assert spec_key(a, again=True) == first
    assert spec_key(a, again=True) != first  # given back once only: then the spec is read again


def _job_spec(uid: str, name: str, **labels) -> dict:
    return {"backoffLimit": 6, "completionMode": "NonIndexed", "completions": 1, "manualSelector": False,
            "parallelism": 1, "podReplacementPolicy": "TerminatingOrFailed",
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}},
            "suspend": False,
            "template": {"metadata": {"labels": {"batch.kubernetes.io/controller-uid": uid,
                                                 "batch.kubernetes.io/job-name": name, "controller-uid": uid,
                                                 "job-name": name, **labels}},
                         "spec": {"containers": [{"name": "hello", "image": "busybox:1.28"}],
                                  "restartPolicy": "OnFailure"}}}


def test_created_spec_fields_of_workloads_keyed_without_their_label_values():
    # a Job's selector and template labels hold its uid and name: Jobs that differ only there share one kept set
    # (fieldmanager._labels_masked), and each gets exactly the set worked out for it alone
    res = for_kind("batch/v1", "Job")
    schema = fieldmanager.schema_for(res)
    node = schema.field(fieldmanager._ROOT, "spec")
    specs = [_job_spec("3f1c2a9e-0000-4000-8000-000000000001", "cj000-29453762"),
             _job_spec("3f1c2a9e-0000-4000-8000-000000000002", "cj017-29453763"),
             _job_spec("3f1c2a9e-0000-4000-8000-000000000003", "cj000-29453764", extra=""),  # a label more
             _job_spec("3f1c2a9e-0000-4000-8000-000000000004", "cj000-29453765", extra="x")]
    specs[3]["selector"]["matchExpressions"] = [{"key": "a", "operator": "Exists"}]
    schema._created.clear()
    for spec in specs:
        kept = fieldmanager._created_spec_fs(copy.deepcopy(spec), schema, node)
        alone = fieldmanager._zero_fs(fieldmanager._ZERO["spec"], spec, schema, node)
        assert kept == alone
    assert len(schema._created) == 3  # the first two share a key; a label more, a selector otherwise: their own
    assert "f:extra" in str(fieldmanager._created_spec_fs(specs[2], schema, node))
    # a label value that is not a string: keyed by the spec itself, and left as it is
    odd = _job_spec("u", "n")
    odd["template"]["metadata"]["labels"]["n"] = 1
    assert fieldmanager._labels_masked(odd) is odd
    pod = admitted("kube-api-access-bcdfh")
    assert fieldmanager._labels_masked(pod) is pod
    masked = fieldmanager._labels_masked(specs[0])
    assert masked["template"]["metadata"]["labels"]["job-name"] == "" and specs[0]["template"]["metadata"]["labels"][
        "job-name"] == "cj000-29453762"  # a copy: the spec keeps its values

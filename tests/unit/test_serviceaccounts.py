"""ServiceAccounts: the ServiceAccount controller, the root CA publisher and the ServiceAccount admission plugin,
driven through ``minikctl.cluster.Cluster`` on a temporary store.

Upstream (kubernetes v1.32):
  - pkg/controller/serviceaccount/serviceaccounts_controller.go (syncNamespace, serviceAccountDeleted)
  - pkg/controller/certificates/rootcacertpublisher/publisher.go (syncNamespace, configMapDeleted/Updated)
  - plugin/pkg/admission/serviceaccount/admission.go (Admit, Validate, shouldAutomount,
    mountServiceAccountToken, limitSecretReferences)
"""

from __future__ import annotations

import pytest

from minikctl.cluster import SYSTEM_NAMESPACES, Cluster
from minikctl.engine.controllers.rootcacert import CONFIGMAP, DESCRIPTION, DESCRIPTION_ANNOTATION, ROOT_CA
from minikctl.kube import errors as E
from minikctl.store.db import DEFAULT_EPOCH_MS, Store

TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"


@pytest.fixture
def cluster(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        yield Cluster(tx)
    st.close()


def pod(name: str, **spec) -> dict:
    spec.setdefault("containers", [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": spec.pop("ns", "default")},
            "spec": spec}


def sa(name: str, ns: str = "default", **fields) -> dict:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": ns}, **fields}


# ---- serviceaccounts_controller.go ---------------------------------------------------------------------------
def test_a_new_cluster_has_a_default_account_and_the_root_ca_in_each_namespace(cluster):
    """The four namespaces of a new store get theirs before any command (the first settle is at bootstrap)."""
    tx = cluster.tx
    assert tx.now_ms == DEFAULT_EPOCH_MS
    for ns in SYSTEM_NAMESPACES:
        account = tx.get("ServiceAccount", ns, "default")
        assert account["metadata"]["creationTimestamp"] == "2026-01-01T00:00:00Z"
        assert set(account) == {"apiVersion", "kind", "metadata"}  # created bare: no secrets, no token
        cm = tx.get("ConfigMap", ns, CONFIGMAP)
        assert cm["data"] == {"ca.crt": ROOT_CA}
        assert cm["metadata"]["annotations"] == {DESCRIPTION_ANNOTATION: DESCRIPTION}


def test_a_new_namespace_gets_its_default_account_at_the_same_instant(cluster):
    api, tx = cluster.api, cluster.tx
    cluster.advance_to(tx.now_ms + 5000)
    api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    cluster.settle()
    created = tx.get("ServiceAccount", "dev", "default")["metadata"]["creationTimestamp"]
    assert created == tx.get("Namespace", "", "dev")["metadata"]["creationTimestamp"] == "2026-01-01T00:00:05Z"
    assert tx.get("ConfigMap", "dev", CONFIGMAP) is not None


def test_a_deleted_default_account_is_recreated_others_are_not(cluster):
    api, tx = cluster.api, cluster.tx
    api.create(sa("robot"))
    old_uid = tx.get("ServiceAccount", "default", "default")["metadata"]["uid"]
    api.delete(tx.get("ServiceAccount", "default", "default"))
    api.delete(tx.get("ServiceAccount", "default", "robot"))
    cluster.settle()
    again = tx.get("ServiceAccount", "default", "default")
    assert again is not None and again["metadata"]["uid"] != old_uid
    assert tx.get("ServiceAccount", "default", "robot") is None


def test_a_terminating_namespace_gets_nothing_back(cluster):
    """syncNamespace returns for a namespace that is not Active; the publisher's create is refused."""
    api, tx = cluster.api, cluster.tx
    api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "gone"}})
    cluster.settle()
    api.delete(tx.get("Namespace", "", "gone"))
    cluster.settle()
    assert tx.get("Namespace", "", "gone") is None
    assert tx.list("ServiceAccount", "gone") == [] and tx.list("ConfigMap", "gone") == []


def test_the_root_ca_configmap_is_put_back(cluster):
    """configMapUpdated / configMapDeleted: its data and description annotation are restored."""
    api, tx = cluster.api, cluster.tx
    cm = tx.get("ConfigMap", "default", CONFIGMAP)
    changed = {**cm, "data": {"ca.crt": "nope"}, "metadata": {**cm["metadata"], "annotations": {"x": "y"}}}
    api.update(cm, changed)
    cluster.settle()
    cm = tx.get("ConfigMap", "default", CONFIGMAP)
    assert cm["data"] == {"ca.crt": ROOT_CA}
    assert cm["metadata"]["annotations"] == {"x": "y", DESCRIPTION_ANNOTATION: DESCRIPTION}
    api.delete(cm)
    cluster.settle()
    assert tx.get("ConfigMap", "default", CONFIGMAP)["metadata"]["uid"] != cm["metadata"]["uid"]


# ---- plugin/pkg/admission/serviceaccount/admission.go ---------------------------------------------------------
def test_a_pod_naming_a_missing_account_is_refused(cluster):
    with pytest.raises(E.Forbidden) as err:
        cluster.api.create(pod("p", serviceAccountName="robot"))
    assert err.value.render() == ('Error from server (Forbidden): pods "p" is forbidden: error looking up service '
                                  'account default/robot: serviceaccount "robot" not found')
    assert cluster.tx.get("Pod", "default", "p") is None


def test_the_refusal_names_a_generated_pod_by_its_generate_name(cluster):
    """admission.NewForbidden's extractResourceName: the server generates the name after mutating admission."""
    body = pod("", serviceAccount="gone")
    body["metadata"] = {"generateName": "web-", "namespace": "default"}
    with pytest.raises(E.Forbidden) as err:
        cluster.api.create(body)
    assert err.value.message == ('pods "web-" is forbidden: error looking up service account default/gone: '
                                 'serviceaccount "gone" not found')


def test_the_deprecated_service_account_field_names_the_account(cluster):
    api = cluster.api
    api.create(sa("robot"))
    made = api.create(pod("p", serviceAccount="robot"))
    assert made["spec"]["serviceAccountName"] == made["spec"]["serviceAccount"] == "robot"


def test_default_account_and_token_volume(cluster):
    made = cluster.api.create(pod("p", initContainers=[{"name": "i", "image": "busybox:1.36"}]))
    spec = made["spec"]
    assert spec["serviceAccountName"] == spec["serviceAccount"] == "default"
    (vol,) = spec["volumes"]
    assert vol["name"].startswith("kube-api-access-")
    assert [s for src in vol["projected"]["sources"] for s in src] == ["serviceAccountToken", "configMap",
                                                                       "downwardAPI"]
    for c in spec["initContainers"] + spec["containers"]:
        assert c["volumeMounts"] == [{"mountPath": TOKEN_PATH, "name": vol["name"], "readOnly": True}]


@pytest.mark.parametrize("pod_says, sa_says, mounted", [
    (None, None, True), (None, False, False), (None, True, True),
    (True, False, True), (False, True, False), (False, None, False)])
def test_should_automount(cluster, pod_says, sa_says, mounted):
    """shouldAutomount: the pod's automountServiceAccountToken wins, then the account's, then true."""
    api = cluster.api
    api.create(sa("robot", **({} if sa_says is None else {"automountServiceAccountToken": sa_says})))
    spec = {"serviceAccountName": "robot"}
    if pod_says is not None:
        spec["automountServiceAccountToken"] = pod_says
    made = api.create(pod("p", **spec))
    assert ("volumes" in made["spec"]) is mounted
    assert ("volumeMounts" in made["spec"]["containers"][0]) is mounted


def test_an_existing_kube_api_access_volume_is_the_token_volume(cluster):
    """mountServiceAccountToken: a volume named kube-api-access-* is reused, no second one is added; a container
    that already mounts something at the token path is left alone."""
    made = cluster.api.create(pod(
        "p", volumes=[{"name": "kube-api-access-mine", "emptyDir": {}}],
        containers=[{"name": "a", "image": "busybox:1.36"},
                    {"name": "b", "image": "busybox:1.36",
                     "volumeMounts": [{"name": "kube-api-access-mine", "mountPath": TOKEN_PATH}]}]))
    spec = made["spec"]
    assert spec["volumes"] == [{"name": "kube-api-access-mine", "emptyDir": {}}]
    assert spec["containers"][0]["volumeMounts"] == [{"mountPath": TOKEN_PATH, "name": "kube-api-access-mine",
                                                      "readOnly": True}]
    assert spec["containers"][1]["volumeMounts"] == [{"name": "kube-api-access-mine", "mountPath": TOKEN_PATH}]


def test_the_accounts_pull_secrets_when_the_pod_has_none(cluster):
    api = cluster.api
    api.create(sa("puller", imagePullSecrets=[{"name": "regcred"}]))
    assert api.create(pod("a", serviceAccountName="puller"))["spec"]["imagePullSecrets"] == [{"name": "regcred"}]
    own = api.create(pod("b", serviceAccountName="puller", imagePullSecrets=[{"name": "mine"}]))
    assert own["spec"]["imagePullSecrets"] == [{"name": "mine"}]


def test_enforce_mountable_secrets(cluster):
    """limitSecretReferences, when the account says kubernetes.io/enforce-mountable-secrets: "true"."""
    api = cluster.api
    api.create(sa("strict", secrets=[{"name": "ok"}],
                  metadata={"name": "strict", "namespace": "default",
                            "annotations": {"kubernetes.io/enforce-mountable-secrets": "true"}}))
    api.create(pod("fine", serviceAccountName="strict", volumes=[{"name": "v", "secret": {"secretName": "ok"}}]))
    with pytest.raises(E.Forbidden) as err:
        api.create(pod("vol", serviceAccountName="strict", volumes=[{"name": "v", "secret": {"secretName": "no"}}]))
    assert err.value.message == ('pods "vol" is forbidden: volume with secret.secretName="no" is not allowed because '
                                 "service account strict does not reference that secret")
    env = [{"name": "c", "image": "busybox:1.36",
            "env": [{"name": "P", "valueFrom": {"secretKeyRef": {"name": "no", "key": "k"}}}]}]
    with pytest.raises(E.Forbidden) as err:
        api.create(pod("env", serviceAccountName="strict", containers=env))
    assert err.value.message.endswith('container c with envVar P referencing secret.secretName="no" is not allowed '
                                      "because service account strict does not reference that secret")
    with pytest.raises(E.Forbidden) as err:
        api.create(pod("pull", serviceAccountName="strict", imagePullSecrets=[{"name": "x"}]))
    assert err.value.message.endswith('imagePullSecrets[0].name="x" is not allowed because service account strict '
                                      "does not reference that imagePullSecret")


def test_mirror_pods(cluster):
    """A mirror pod gets no account and no token, and may reference neither."""
    api = cluster.api
    mirror = {"kubernetes.io/config.mirror": "abc"}
    body = pod("m", nodeName="node1")  # validation: a mirror pod must name its node
    body["metadata"]["annotations"] = mirror
    made = api.create(body)
    assert "serviceAccountName" not in made["spec"] and "volumes" not in made["spec"]
    body = pod("m2", serviceAccountName="default", nodeName="node1")
    body["metadata"]["annotations"] = mirror
    with pytest.raises(E.Forbidden) as err:
        api.create(body)
    assert err.value.message == 'pods "m2" is forbidden: a mirror pod may not reference service accounts'


def test_a_pod_in_a_new_namespace_is_admitted_at_once(cluster):
    """The account exists at the instant the namespace does, so a pod created right after is admitted."""
    api = cluster.api
    api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    cluster.settle()
    assert api.create(pod("p", ns="dev"))["spec"]["serviceAccountName"] == "default"

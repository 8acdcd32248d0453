"""Ephemeral containers: the ``ephemeralcontainers`` subresource, the kubelet running them, ``debug``.

Sources (kubernetes v1.32): pkg/registry/core/pod/strategy.go (``podEphemeralContainersStrategy``,
``dropNonEphemeralContainerUpdates``), pkg/apis/core/validation/validation.go (``ValidatePodEphemeralContainersUpdate``,
``validateEphemeralContainers``, ``allowedEphemeralContainerFields``), pkg/kubelet/kuberuntime/kuberuntime_manager.go
(``computePodActions``/``SyncPod``: ephemeral containers started once, before init containers, never restarted),
staging/src/k8s.io/kubectl/pkg/cmd/debug/debug.go (``Validate``, ``computeDebugContainerName``,
``generateDebugContainer``, ``debugByEphemeralContainer``) and kubernetes.io "Ephemeral Containers" /
"Debug Running Pods" (an ephemeral container cannot be changed or removed, has no ports, probes or resources).
"""

from __future__ import annotations

import copy
import re

import pytest

from minikctl.cluster import Cluster
from minikctl.kube import errors as E
from minikctl.store.db import DEFAULT_EPOCH_MS, Store

T0 = DEFAULT_EPOCH_MS


@pytest.fixture
def cl(tmp_path):
    st = Store(tmp_path / "s.db")
    with st.transaction() as tx:
        c = Cluster(tx)
        c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default"},
                      "spec": {"containers": [{"name": "web", "image": "nginx"}]}})
        c.advance_to(T0 + 10_000)
        yield c


def pod(cl):
    return cl.tx.get("Pod", "default", "web")


def add(cl, *ecs, base=None):
    old = pod(cl)
    new = copy.deepcopy(base or old)
    new["spec"]["ephemeralContainers"] = list(new["spec"].get("ephemeralContainers") or []) + list(ecs)
    stored, _ = cl.api.update(old, new, subresource="ephemeralcontainers")
    cl.settle()
    return stored


def invalid(cl, *ecs, base=None) -> str:
    with pytest.raises(E.Invalid) as e:
        add(cl, *ecs, base=base)
    return e.value.render()


def test_added_through_the_subresource_and_run_once(cl):
    stored = add(cl, {"name": "debugger-abcde", "image": "busybox", "command": ["sh", "-c", "echo hi; exit 3"],
                      "targetContainerName": "web", "terminationMessagePolicy": "File", "resources": {}})
    ec = stored["spec"]["ephemeralContainers"][0]
    # decoding's defaults, as for any container
    assert (ec["imagePullPolicy"], ec["terminationMessagePath"]) == ("Always", "/dev/termination-log")
    cl.advance_to(T0 + 3_600_000)
    p = pod(cl)
    st = p["status"]["ephemeralContainerStatuses"]
    assert len(st) == 1 and st[0]["name"] == "debugger-abcde"
    assert st[0]["state"]["terminated"]["exitCode"] == 3 and st[0]["restartCount"] == 0  # never restarted
    assert st[0]["ready"] is False and "started" not in st[0]
    # the pod itself is untouched: still Running and Ready, its own container never restarted
    assert p["status"]["phase"] == "Running"
    assert [c["name"] for c in p["status"]["containerStatuses"]] == ["web"]
    assert next(c for c in p["status"]["conditions"] if c["type"] == "Ready")["status"] == "True"
    assert [line for _, line in cl.logs(p, "debugger-abcde", False)] == ["hi"]
    events = [(e["reason"], e["message"], e["involvedObject"].get("fieldPath"))
              for e in cl.tx.events_for(p["metadata"]["uid"])]
    assert ("Started", "Started container debugger-abcde", "spec.ephemeralContainers{debugger-abcde}") in events


def test_the_subresource_takes_only_ephemeral_containers(cl):
    old = pod(cl)
    new = copy.deepcopy(old)
    new["metadata"].setdefault("labels", {})["x"] = "y"
    new["spec"]["containers"][0]["image"] = "nginx:1.27"
    new["spec"]["ephemeralContainers"] = [{"name": "dbg", "image": "busybox"}]
    stored, _ = cl.api.update(old, new, subresource="ephemeralcontainers")
    assert stored["spec"]["containers"][0]["image"] == "nginx"
    assert "labels" not in stored["metadata"]
    assert [c["name"] for c in stored["spec"]["ephemeralContainers"]] == ["dbg"]


def test_the_api_servers_rules(cl):
    msg = invalid(cl, {"name": "d1", "image": "busybox", "ports": [{"containerPort": 80}],
                       "readinessProbe": {"exec": {"command": ["true"]}}, "resources": {"limits": {"cpu": "1"}},
                       "volumeMounts": [{"name": "v", "mountPath": "/v", "subPath": "x"}]})
    assert "spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container" in msg
    assert "spec.ephemeralContainers[0].resources: Forbidden: cannot be set for an Ephemeral Container" in msg
    assert "spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container" in msg
    assert "spec.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral" in msg
    assert 'spec.ephemeralContainers[0].targetContainerName' not in msg
    assert 'Not found: "nope"' in invalid(cl, {"name": "d1", "image": "busybox", "targetContainerName": "nope"})
    assert 'Duplicate value: "web"' in invalid(cl, {"name": "web", "image": "busybox"})
    add(cl, {"name": "d1", "image": "busybox", "command": ["sleep", "9999"]})
    base = pod(cl)
    gone = copy.deepcopy(base)
    gone["spec"]["ephemeralContainers"] = []
    msg = invalid(cl, base=gone)
    assert 'spec.ephemeralContainers: Forbidden: existing ephemeral containers "d1" may not be removed' in msg
    changed = copy.deepcopy(base)
    changed["spec"]["ephemeralContainers"][0]["image"] = "alpine"
    msg = invalid(cl, base=changed)
    assert 'spec.ephemeralContainers[d1]: Forbidden: existing ephemeral containers "d1" may not be changed' in msg
    assert [c["name"] for c in pod(cl)["spec"]["ephemeralContainers"]] == ["d1"]  # the store unchanged


def test_static_pods_take_none(cl):
    cl.api.create({"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "m", "namespace": "default",
                                "annotations": {"kubernetes.io/config.mirror": "h"}},
                   "spec": {"nodeName": "node1", "containers": [{"name": "c", "image": "nginx"}]}})
    old = cl.tx.get("Pod", "default", "m")
    new = copy.deepcopy(old)
    new["spec"]["ephemeralContainers"] = [{"name": "d", "image": "busybox"}]
    with pytest.raises(E.Invalid) as e:
        cl.api.update(old, new, subresource="ephemeralcontainers")
    assert "Forbidden: static pods do not support ephemeral containers" in e.value.render()


def test_not_through_the_pod_itself(cl):
    old = pod(cl)
    new = copy.deepcopy(old)
    new["spec"]["ephemeralContainers"] = [{"name": "d", "image": "busybox"}]
    with pytest.raises(E.Invalid):
        cl.api.update(old, new)


def test_debug_command(cli):
    cli.ok("run", "web", "--image=nginx")
    cli.ok("clock", "advance", "5s")
    done = cli("debug", "web", "--image=busybox", "--target=web", "--", "sh", "-c", "echo hi")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ('Targeting container "web". If you don\'t see processes from this container it may be '
                        "because the container runtime doesn't support this feature.")
    m = re.fullmatch(r"Defaulting debug container name to (debugger-[bcdfghjklmnpqrstvwxz2456789]{5})\.", lines[1])
    assert m, lines
    assert done.stderr == ('--profile=legacy is deprecated and will be removed in the future. It is recommended to '
                           'explicitly specify a profile, for example "--profile=general".\n')
    name = m.group(1)
    cli.ok("clock", "advance", "5s")
    assert cli.ok("logs", "web", "-c", name) == "hi\n"
    spec = cli.ok("get", "pod", "web", "-o", "jsonpath={.spec.ephemeralContainers[0]}")
    assert '"targetContainerName":"web"' in spec and '"command":["sh","-c","echo hi"]' in spec
    assert "Ephemeral Containers:\n  " + name + ":" in cli.ok("describe", "pod", "web")


def test_debug_refusals_leave_the_store_alone(cli):
    cli.ok("run", "web", "--image=nginx")
    before = cli.db_bytes()
    assert cli.fail("debug", "web", "--tick=0") == "error: you must specify --image when not using --copy-to.\n"
    assert cli.fail("debug", "web", "-t", "--image=busybox", "--tick=0") == \
        "error: -i/--stdin is required for containers with -t/--tty=true\n"
    assert 'Error from server (NotFound): pods "nope" not found' in cli.fail("debug", "nope", "--image=busybox",
                                                                              "--tick=0")
    err = cli.fail("debug", "web", "--image=busybox", "-c", "web", "--profile=general", "--tick=0")
    assert err == 'The Pod "web" is invalid: spec.ephemeralContainers[0].name: Duplicate value: "web"\n'
    assert cli.db_bytes() == before

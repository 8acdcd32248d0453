"""The ReplicaSet controller's facts of a pod taken as the pod is written (store/db.py ``Tx.facts``,
engine/controllers/informer.py ``Informer(written=...)``) are those of its text decoded at the next sync: a
Deployment created, rolled, undone, scaled down and up, an orphan pod adopted by a ReplicaSet (which then has one
too many), its pods relabelled out of it (released), run with the facts from writes and with every pod decoded again, leaves stores equal table by
table, row by row, and prints the same lines."""

from __future__ import annotations

from tests.unit.test_deployment_stamp_golden import DEPLOYMENT
from tests.unit.test_stamp_golden import dump

ORPHAN = """apiVersion: v1
kind: Pod
metadata:
  name: stray
  labels: {app: plain}
spec:
  containers:
  - name: c
    image: nginx:1.14.2
"""


def _session(tmp_path, monkeypatch, capsys, manifest, from_writes: bool) -> list:
    from minikctl.cli import app
    from minikctl.engine.controllers.informer import Informer

    monkeypatch.setattr(Informer, "FROM_WRITES", from_writes)
    monkeypatch.setenv("MINIKCTL_HOME", str(tmp_path / ("writes" if from_writes else "decoded")))
    monkeypatch.delenv("MINIKCTL_STORE", raising=False)
    path, orphan = manifest(DEPLOYMENT), manifest(ORPHAN, "orphan.yaml")
    seen = []
    for args in (["apply", "-f", path], ["rollout", "status", "deployment/web"],
                 ["set", "image", "deployment/web", "c=nginx:1.16.1"], ["rollout", "status", "deployment/web"],
                 ["rollout", "undo", "deployment/web"], ["rollout", "status", "deployment/web"],
                 ["scale", "deployment/web", "--replicas=9"], ["apply", "-f", orphan],
                 ["clock", "advance", "20s"], ["get", "pods", "-l", "app=plain"],
                 ["label", "pods", "-l", "app=plain", "app=gone", "--overwrite"], ["clock", "advance", "5s"],
                 ["get", "pods", "-l", "app=gone", "-o", "jsonpath={.items[*].metadata.ownerReferences}"],
                 ["scale", "rs/plain", "--replicas=4"], ["clock", "advance", "40s"],
                 ["scale", "deployment/web", "--replicas=25"], ["rollout", "status", "deployment/web"],
                 ["get", "pods", "-A", "-o", "wide"], ["get", "rs", "-A"]):
        code = app._main(args)
        out = capsys.readouterr()
        seen.append((args, code, out.out, out.err))
    return seen + dump(tmp_path / ("writes" if from_writes else "decoded") / "store.db")


def test_facts_from_writes_store_what_decoding_gives(tmp_path, monkeypatch, capsys, manifest):
    writes = _session(tmp_path, monkeypatch, capsys, manifest, True)
    decoded = _session(tmp_path, monkeypatch, capsys, manifest, False)
    assert len(writes) == len(decoded)
    for a, b in zip(writes, decoded):
        assert a == b


def test_written_facts_are_the_decoded_facts():
    """``_written_pod_facts`` (one pass, copies) gives what ``_pod_facts`` gives of the pod's text decoded: several
    Ready conditions (the first one's time counts, any True one makes the pod ready), a condition without a time,
    owner references with and without ``controller``, no status, terminal phases, a deletion."""
    import json
    import random

    from minikctl.engine.controllers.replicaset import _pod_facts, _written_pod_facts

    conds = [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:02Z"},
             {"type": "Ready", "status": "False", "lastTransitionTime": "2026-01-01T00:00:05Z"},
             {"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}, {"status": "True"}]
    refs = [{"uid": "a", "controller": True}, {"uid": "b"}, {"uid": "c", "controller": False},
            {"uid": "d", "controller": True}]
    rnd = random.Random(7)
    for _ in range(3000):
        pod: dict = {"metadata": {}, "status": {}}
        if rnd.random() < .8:
            pod["metadata"]["labels"] = {"a": "b"} if rnd.random() < .5 else {}
        if rnd.random() < .5:
            pod["metadata"]["ownerReferences"] = rnd.sample(refs, rnd.randint(0, 3))
        if rnd.random() < .2:
            pod["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:09Z"
        if rnd.random() < .8:
            pod["status"]["conditions"] = rnd.sample(conds, rnd.randint(0, 4))
        if rnd.random() < .7:
            pod["status"]["phase"] = rnd.choice(["Running", "Failed", "Succeeded", "Pending"])
        if rnd.random() < .1:
            pod["status"] = None
        if rnd.random() < .5:
            pod["metadata"]["uid"] = rnd.choice(["u1", "u2"])
        if rnd.random() < .5:
            pod["spec"] = {"nodeName": "node2"} if rnd.random() < .5 else {}
        written = _written_pod_facts(pod)
        assert written == _pod_facts(json.loads(json.dumps(pod)))
        if written[1] is not None:  # copies: the writer changing its object afterwards changes nothing
            assert written[1] is not next(r for r in pod["metadata"]["ownerReferences"] if r.get("controller"))


def test_facts_are_taken_only_in_the_namespaces_the_informer_read():
    """The transaction's facts function (``Tx.facts``) works the facts out only for an object of a namespace
    the informer has listed: elsewhere (bare pods, a Job's, of namespaces no ReplicaSet lists) nothing reads them,
    and the namespace's first list reads the store."""
    from minikctl.engine.controllers.informer import Informer

    class Tx:
        facts: dict = {}
        feed: list = []

        def list(self, kind, namespace):
            return [{"metadata": {"name": "p", "namespace": namespace, "resourceVersion": "3"}}]

    tx = Tx()
    taken = []
    informer = Informer(tx, "Pod", lambda o: ("decoded", o["metadata"]["name"]),
                        lambda o: taken.append(o["metadata"]["name"]) or ("written", o["metadata"]["name"]))
    on_write = tx.facts["Pod"]
    assert on_write({"metadata": {"name": "q", "namespace": "a"}}) is None and taken == []
    assert informer.list("a", facts=informer.facts) == [(tx.list("Pod", "a")[0], ("decoded", "p"))]
    assert on_write({"metadata": {"name": "q", "namespace": "a"}}) == ("written", "q") and taken == ["q"]
    assert on_write({"metadata": {"name": "r", "namespace": "b"}}) is None and taken == ["q"]

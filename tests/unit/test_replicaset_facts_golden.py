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

"""A Deployment's pods stamped from the ReplicaSet's template (api/stamp.py ``generated_key``: the pods a controller
names by generateName) are what admitting each of them gives: a 30-replica Deployment created, rolled to a new
image, undone, scaled down and up, beside a ReplicaSet of its own (annotations, no token volume) and a Deployment
in a namespace the same apply creates, run with stamping and with it switched off (MINIKCTL_NO_STAMP=1), leaves
stores equal table by table, row by row, and prints the same lines with the same exit codes."""

from __future__ import annotations

from tests.conftest import Cli
from tests.unit.test_stamp_golden import dump

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 30
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx:1.14.2
        ports: [{containerPort: 80}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: plain
spec:
  replicas: 7
  selector:
    matchLabels: {app: plain}
  template:
    metadata:
      labels: {app: plain}
      annotations: {note: a}
    spec:
      automountServiceAccountToken: false
      containers:
      - name: c
        image: busybox
        command: [sleep, "3600"]
---
apiVersion: v1
kind: Namespace
metadata:
  name: other
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: away
  namespace: other
spec:
  replicas: 6
  selector:
    matchLabels: {app: away}
  template:
    metadata:
      labels: {app: away}
    spec:
      containers:
      - name: c
        image: nginx
"""


def _session(cli: Cli, manifest, stamp: bool) -> list:
    path = manifest(DEPLOYMENT)
    env = {} if stamp else {"MINIKCTL_NO_STAMP": "1"}
    seen = []
    for args in (["apply", "-f", path], ["rollout", "status", "deployment/web"],
                 ["set", "image", "deployment/web", "c=nginx:1.16.1"], ["rollout", "status", "deployment/web"],
                 ["rollout", "undo", "deployment/web"], ["rollout", "status", "deployment/web"],
                 ["scale", "deployment/web", "--replicas=9"], ["scale", "rs/plain", "--replicas=12"],
                 ["clock", "advance", "40s"], ["scale", "deployment/web", "--replicas=25"],
                 ["rollout", "status", "deployment/web"], ["get", "pods", "-A", "-o", "wide"],
                 ["get", "events", "-A"]):
        done = cli(*args, env=env)
        seen.append((args, done.returncode, done.stdout, done.stderr))
    return seen + dump(cli.home / "store.db")


def test_controller_pods_stamped_store_what_admission_gives(tmp_path, manifest):
    stamped = _session(Cli(tmp_path / "stamped"), manifest, True)
    general = _session(Cli(tmp_path / "general"), manifest, False)
    assert len(stamped) == len(general)
    for a, b in zip(stamped, general):
        assert a == b


def test_controller_pods_are_stamped(tmp_path, monkeypatch, manifest, capsys):
    """The comparison above is not empty: the ReplicaSets' pods past the second of a sync are stamped, and their
    bindings written as their texts spliced (engine/controllers/scheduler.py ``_bind_text``)."""
    from minikctl.cli import app
    from tests.unit.test_stamp_golden import count_stamped

    stamped = count_stamped(monkeypatch)
    from minikctl.engine.controllers.scheduler import Scheduler

    bound = []
    real_text = Scheduler._bind_text

    def text(self, pod, body, node):
        got = real_text(self, pod, body, node)
        bound.append((got is not None, self))
        return got

    monkeypatch.setattr(Scheduler, "_bind_text", text)
    monkeypatch.setenv("MINIKCTL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MINIKCTL_STORE", raising=False)
    app._main(["apply", "-f", manifest(DEPLOYMENT)])
    capsys.readouterr()
    assert len([n for n in stamped if n.startswith("web-")]) == 28
    assert len([n for n in stamped if n.startswith("plain-")]) == 5
    # every binding's text spliced into the pod's (the scheduler binds the 43 pods as they come), the first checked
    # against the encoder's
    assert len(bound) == 43 and all(made for made, _s in bound) and {s._bound.state for _m, s in bound} == {1}


def test_a_template_is_made_at_a_keys_second_pod(tmp_path, monkeypatch, manifest, capsys):
    """A key's first pod leaves its text (``_Seen``), not a template: a Job's pod, keyed apart from every other run's,
    makes none. The second pod makes the template and is checked against it, the rest are stamped, as before."""
    from minikctl.api import stamp
    from minikctl.cli import app
    from tests.unit.test_stamp_golden import count_stamped

    stamped = count_stamped(monkeypatch)
    made = []
    real_init = stamp.Template.__init__

    def init(self, env, text, namespace, token_paths, *owner):
        made.append(text)
        real_init(self, env, text, namespace, token_paths, *owner)

    monkeypatch.setattr(stamp.Template, "__init__", init)
    monkeypatch.setenv("MINIKCTL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MINIKCTL_STORE", raising=False)
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {{generateName: {0}-}}\nspec:\n  containers: [{{name: c, image: nginx}}]\n"
    app._main(["create", "-f", manifest("---\n".join([pod.format("a")] * 4 + [pod.format("b")]))])
    capsys.readouterr()
    assert len(made) == 1 and '"generateName":"a-"' in made[0]
    assert len(stamped) == 2 and all(n.startswith("a-") for n in stamped)

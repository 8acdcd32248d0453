"""Pods stamped from a template (api/stamp.py) are what admitting each of them gives: the same commands run with
stamping and with it switched off (MINIKCTL_NO_STAMP=1) leave stores equal table by table, row by row, and print
the same lines with the same exit codes. The manifests mix what the stamp must not take for a template: pods of
three templates interleaved, names of another length, an invalid name, a mistyped document, a duplicate, a pod
whose spec names its own token volume, a Deployment (its pods are the controller's, named by generateName: a
template of their own), unknown fields under --validate=warn, a second apply of the same file and of a changed
one, create -f and server-side apply, more pods than the node takes (the scheduler's status writes of those that
fit nowhere)."""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess

from tests.conftest import Cli


def _pod(name: str, image: str, extra: str = "") -> str:
    return (f"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: x\n"
            f"spec:\n  containers:\n  - name: web\n    image: {image}\n{extra}")


LIMITS = "    resources:\n      limits:\n        cpu: 0.5\n"
MANIFEST = "".join(_pod(f"p-{i:03d}", f"nginx:1.{i % 3}", LIMITS if i % 4 == 0 else "") for i in range(40)) + \
    _pod("p-long-name-0", "nginx:1.0") + _pod("p-long-name-1", "nginx:1.0") + _pod("Bad_Name", "nginx:1.0") + \
    _pod("p-001", "nginx:1.1") + _pod("p-x", "nginx:1.0") + _pod("p-y", "nginx:1.0") + """---
apiVersion: v1
kind: Pod
metadata:
  name: typed
spec:
  containers: x
---
apiVersion: v1
kind: Pod
metadata:
  name: own-token
spec:
  containers:
  - name: web
    image: nginx
    volumeMounts: [{name: kube-api-access-abcde, mountPath: /t}]
  volumes: [{name: kube-api-access-abcde, emptyDir: {}}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dep
spec:
  replicas: 3
  selector:
    matchLabels: {app: dep}
  template:
    metadata:
      labels: {app: dep}
    spec:
      containers:
      - name: c
        image: busybox
""" + "".join(_pod(f"q-{i:03d}", "nginx:1.0") for i in range(12))

UNKNOWN = "".join(_pod(f"w-{i:02d}", "nginx:1.0", "    colour: red\n") for i in range(6))
SERVER_SIDE = "".join(_pod(f"s-{i:02d}", "nginx:1.0") for i in range(6))
MANY = "".join(_pod(f"r-{i:03d}", "nginx:1.0") for i in range(120))  # beyond the node's 110 pods: some fit nowhere
CREATED = "".join(_pod(f"c-{i:02d}", "busybox:1.36") for i in range(8)) + _pod("c-00", "busybox:1.36")


def dump(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        out = []
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            out += [f"{table} {row!r}" for row in conn.execute(f"SELECT * FROM {table} ORDER BY {', '.join(cols)}")]
        return out
    finally:
        conn.close()


def _session(cli: Cli, manifest, tick: str | None, stamp: bool) -> list:
    path = manifest(MANIFEST)
    changed = manifest(MANIFEST.replace("nginx:1.1", "nginx:1.7"), "changed.yaml")
    unknown = manifest(UNKNOWN, "unknown.yaml")
    server_side = manifest(SERVER_SIDE, "ss.yaml")
    created = manifest(CREATED, "created.yaml")
    many = manifest(MANY, "many.yaml")
    env = {} if stamp else {"MINIKCTL_NO_STAMP": "1"}
    seen = []
    for args in (["apply", "-f", path], ["apply", "-f", path], ["apply", "-f", changed, "-o", "name"],
                 ["apply", "-f", unknown, "--validate=warn"], ["apply", "-f", unknown],
                 ["apply", "--server-side", "-f", server_side], ["create", "-f", created, "--save-config"],
                 ["create", "-f", created], ["apply", "-f", many], ["apply", "-f", many]):
        done: subprocess.CompletedProcess = cli(*args, tick=tick, env=env)
        seen.append((args, done.returncode, done.stdout, done.stderr))
    return seen + dump(cli.home / "store.db")


def test_stamped_pods_store_what_admission_gives(tmp_path, manifest):
    for tick in ("0", None):
        stamped = _session(Cli(tmp_path / f"stamped-{tick}"), manifest, tick, True)
        general = _session(Cli(tmp_path / f"general-{tick}"), manifest, tick, False)
        assert len(stamped) == len(general)
        for a, b in zip(stamped, general):
            assert a == b


def spy(monkeypatch, owner, name: str, note) -> list:
    """``owner``'s ``name`` (a function, or a method of a class) called as before from now on in this test, and
    after each call what ``note(result, *arguments)`` gives appended to the list returned, in call order (a note
    of None: nothing appended)."""
    real = getattr(owner, name)
    notes: list = []

    def spied(*args, **kwargs):
        got = real(*args, **kwargs)
        entry = note(got, *args, **kwargs)
        if entry is not None:
            notes.append(entry)
        return got

    monkeypatch.setattr(owner, name, spied)
    return notes


def count_stamped(monkeypatch) -> list:
    """The names of the pods ``Api._stamped`` makes, in order, from now on in this test."""
    from minikctl.api.server import Api

    return spy(monkeypatch, Api, "_stamped",
               lambda got, self, template, sent: None if got is None else got["metadata"]["name"])


def run_steps(tmp_path, monkeypatch, label: str, stamp_on: bool, steps, *, writer: str, by_writer: str,
              namespaces: tuple, made_by) -> tuple[list, list, list]:
    """A store made with ``namespaces`` and then ``steps`` in one transaction, stamping on or off
    (``stamp.ENABLED``, as MINIKCTL_NO_STAMP=1 clears it). ``steps``: (how, what) in order: (``by_writer``, request)
    created by the controller ``writer``, ("user", request) without a writer, ("dry", request) a dry-run create by
    the writer, ("do", fn(cluster)) anything else. The store, each step's answer (the object's name, a dry run's
    object, an error's text), what ``made_by(monkeypatch)`` noted (the stamps made)."""
    from minikctl.api import stamp
    from minikctl.cluster import Cluster
    from minikctl.kube import errors as E
    from minikctl.store.db import Store

    monkeypatch.setattr(stamp, "ENABLED", stamp_on)
    made = made_by(monkeypatch)
    path = tmp_path / f"{label}-{stamp_on}.db"
    store = Store(path)
    with store.transaction() as tx:
        cl = Cluster(tx)
        for ns in namespaces:
            cl.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        cl.settle()
    answers = []
    with store.transaction() as tx:
        cl = Cluster(tx)
        api_of_writer = cl.api.as_writer(writer)
        cl.api.field_manager = "kubectl-create"  # a user's create (cli/common.py)
        for how, what in steps:
            try:
                if how == "do":
                    got = what(cl)
                else:
                    api = api_of_writer if how in (by_writer, "dry") else cl.api
                    got = api.create(copy.deepcopy(what), dry_run=how == "dry")
                    got = json.dumps(got, sort_keys=True) if how == "dry" else got["metadata"]["name"]
            except E.StatusError as err:
                got = f"{type(err).__name__}: {err}"
            answers.append(got)
    store.close()
    monkeypatch.undo()
    return dump(path), answers, list(made)


def applied_and_advanced(path, manifest: str, span_ms: int):
    """A store at ``path`` with the objects of ``manifest`` (YAML documents) created and settled, then advanced
    ``span_ms`` in a transaction of its own."""
    from minikctl.api.manifests import parse_documents
    from minikctl.cluster import Cluster
    from minikctl.store.db import Store

    store = Store(path)
    with store.transaction() as tx:
        cl = Cluster(tx)
        for doc in parse_documents(manifest, "m.yaml"):
            cl.api.create(doc)
        cl.settle()
    with store.transaction() as tx:
        Cluster(tx).advance_to(tx.now_ms + span_ms)
    return store


def same_both_ways(run, tmp_path, monkeypatch, label: str, steps) -> tuple[list, list]:
    """``run`` (a ``run_steps``) with stamping and without: the same store and answers, and no stamp made without;
    the stamps made with it and the answers."""
    on, answers_on, made = run(tmp_path, monkeypatch, label, True, steps)
    off, answers_off, none = run(tmp_path, monkeypatch, label, False, steps)
    assert none == []
    assert answers_on == answers_off
    assert on == off
    return made, answers_on


def test_the_pods_of_a_template_are_stamped(tmp_path, manifest, monkeypatch, capsys):
    """The comparison above is not empty: the first pod of a template is admitted, the second admitted and checked
    against its stamp, the rest stamped; names of another length are another template; a step undone (a refused
    document) makes every template begin again. The scheduler makes the stamped pods again from their template
    and stamps the rows of those that fit nowhere."""
    from minikctl.cli import app

    stamped = count_stamped(monkeypatch)
    from minikctl.api import stamp
    from minikctl.engine.controllers.scheduler import Scheduler
    from minikctl.store.changelog import Remade
    from minikctl.store.db import Store

    spliced = spy(monkeypatch, Scheduler, "_status_text", lambda got, self, *args: (got is not None, self))
    remade = spy(monkeypatch, Remade, "snapshot", lambda got, self: (self.name, self.source.remade.state))
    rowed = spy(monkeypatch, Scheduler, "_row_stamp", lambda got, self, key, name: (name, got is not None, self))
    made = spy(monkeypatch, stamp, "maker", lambda got, value: got is not None)

    read_rows = []  # the rows of objects the scheduler's work reads, and the events of an object read
    in_work = []
    real_init, real_work = Store.__init__, Scheduler.work

    def init(self, path):
        real_init(self, path)
        self.conn.set_trace_callback(lambda sql: read_rows.append(sql) if (in_work and sql.startswith(
            "SELECT body FROM objects WHERE kind='Pod' AND namespace=")) or "FROM events WHERE involved_uid" in sql
            else None)

    def work(self):
        in_work.append(1)
        try:
            real_work(self)
        finally:
            in_work.pop()

    monkeypatch.setattr(Store, "__init__", init)
    monkeypatch.setattr(Scheduler, "work", work)
    monkeypatch.setenv("MINIKCTL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MINIKCTL_STORE", raising=False)
    monkeypatch.setenv("MINIKCTL_TICK", "0")
    assert app._main(["apply", "-f", manifest(MANIFEST)]) == 1  # the refused documents
    assert "Traceback" not in capsys.readouterr().err
    seen: dict = {}
    expected = []
    for i in range(40):  # six templates: the image (i % 3) and the limits (i % 4 == 0)
        key = (i % 3, i % 4 == 0)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 2:
            expected.append(f"p-{i:03d}")
    # the documents refused after them undid their steps: the q-* pods (p-003's template) begin again
    expected += [f"q-{i:03d}" for i in range(2, 12)]
    assert [n for n in stamped if not n.startswith("dep-")] == expected
    # the Deployment's three pods, named by generateName: the first admitted, the second checked, the third stamped
    assert len([n for n in stamped if n.startswith("dep-")]) == 1
    assert [n for n, _r in remade if not n.startswith("dep-")] == expected
    remade.clear()
    read_rows.clear()
    assert app._main(["apply", "-f", manifest(MANY, "many.yaml")]) == 0
    # the pods it queued are still as this transaction wrote them: read from their changes, not their rows; and
    # the events of the pods the transaction created are not looked for (FailedScheduling)
    assert read_rows == []
    capsys.readouterr()
    # the pods beyond the node's 110 fit nowhere: their status writes are spliced into their texts, the first
    # checked against the encoder's
    assert spliced and all(made for made, _s in spliced) and {s._spliced.state for _m, s in spliced} == {1}
    # the scheduler took each stamped pod from its template's tree, not from its text (each template's first
    # compared with the text), and the rows of the stamped pods that fit nowhere were the first one's with their
    # own names put in, once the second one's was computed and found the same
    assert [n for n, _r in remade] == [f"r-{i:03d}" for i in range(2, 120)] and {r for _n, r in remade} == {1}
    # (the two p-* pods of the first file that fit nowhere are each their template's only one)
    assert [n for n, _m, _s in rowed] == ["p-032", "p-036"] + [f"r-{i:03d}" for i in range(52, 120)]
    last = rowed[-1][2]
    assert [v[1] for v in last._row_stamps.values()] == [True]
    # the r-* pods' template, copied more than MAKE_AFTER times, is copied by its compiled function from then on
    assert made == [True] and stamp.MAKE_AFTER < 118


def test_last_applied_of_documents_alike_is_their_own_marshal():
    """apply's annotation, marshalled once per template of documents (cli/writes._marshal), is each document's
    own Go marshal: escapes, numbers of each JSON type, a name that is also a value elsewhere, names that are
    not DNS labels, a value Go refuses (refused again for every document)."""
    import pytest

    from minikctl.api.server import LAST_APPLIED
    from minikctl.cli import writes
    from minikctl.printers.serialize import to_compact_json

    docs = [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a-1", "labels": {"x": "<&>"}},
         "spec": {"containers": [{"name": "web", "image": "n", "args": ["\u2028", 1.5, 1e20, 10 ** 30, -0.0]}]}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bb", "annotations": {"n": "bb"}},
         "spec": {"x": [None, True, 1, 1.0]}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": "a-1", "name": "a-1"},
         "spec": {"nodeSelector": {"name": "a-1"}}},
    ]
    for _round in range(3):
        for doc in docs:
            for name in ("a-1", "zz", "a-2", "q" * 63, "0", "Cap", "a.b", "\u00e9"):
                sent = {**doc, "metadata": {**doc["metadata"], "name": name}}
                got = writes.annotated(sent)["metadata"]["annotations"][LAST_APPLIED]
                plain = {**sent, "metadata": {**sent["metadata"],
                                              "annotations": dict(sent["metadata"].get("annotations") or {})}}
                assert got == to_compact_json(plain) + "\n"
    bad = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "spec": {"f": float("nan")}}
    for _round in range(2):
        with pytest.raises(ValueError, match="unsupported value: NaN"):
            writes.annotated(bad)


def test_documents_alike_decode_as_each_alone():
    """A stream's documents that differ only by their names (api/manifests._Alike) give what decoding each gives:
    names that YAML reads otherwise (yes, on, 1e3), quoted names, a name also in a comment, names of other
    lengths, numbers of each type."""
    import json

    from minikctl.api import manifests, stamp

    def pods(names, fmt):
        return "".join(fmt.format(n=n) for n in names)

    names = ["ab-1", "ab-2", "ab-3", "yes", "no1", "ab-4", "1ab", "a123", "on", "off", "nul", "ab-5", "x", "y", "n"]
    streams = [
        MANIFEST,
        pods(names, "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {n}\n  labels: {{a: '{n}'}}\nspec:\n"
                    "  containers:\n  - name: web\n    image: nginx\n"),
        pods(names + ["1e3", "e13"], "---\nkind: Pod\nmetadata:\n  name: '{n}'\nspec:\n  nodeSelector: {{k: v}}\n"),
        pods(["ab-1", "ab-2", "ab-3"], "---\nkind: Pod\nmetadata:\n  name: {n}\n  # {n}\n"),
        pods(["ab-1", "ab-2", "ab-3", "ab-4"], "---\nkind: Pod\nmetadata: {{name: {n}, x: 1.0, y: 1, z: true}}\n"),
    ]
    for text in streams:
        got = {}
        for enabled in (True, False):
            stamp.ENABLED = enabled
            try:
                got[enabled] = [(json.dumps(v), repr(e)) for v, e in manifests.iter_documents(text, "m.yaml")]
            finally:
                stamp.ENABLED = True
        assert got[True] == got[False]


def test_many_documents_put_off_young_collections_and_restore_them(monkeypatch):
    """apply/create/replace -f of a file of many documents run with a higher young-generation GC threshold
    (cli/apply._fewer_collections), and the command's thresholds come back afterwards, also when the run fails."""
    import gc

    import pytest

    from minikctl.cli import apply

    before = gc.get_threshold()
    try:
        gc.set_threshold(100_000, 1_000, 1_000)
        with apply._fewer_collections(apply.SETTLE_EVERY - 1):
            assert gc.get_threshold() == (100_000, 1_000, 1_000)
        with pytest.raises(RuntimeError):
            with apply._fewer_collections(apply.SETTLE_EVERY):
                assert gc.get_threshold() == (apply.YOUNG_THRESHOLD, 1_000, 1_000)
                raise RuntimeError
        assert gc.get_threshold() == (100_000, 1_000, 1_000)
    finally:
        gc.set_threshold(*before)


def test_a_transaction_keeps_a_bounded_number_of_templates():
    """A long advance over CronJobs keys every Job's pod apart (its template names its Job): the templates kept
    stay at ``KEPT``, the oldest let go first, a key written again the newest."""
    from minikctl.api import stamp

    templates: dict = {}
    for i in range(stamp.KEPT + 50):
        stamp._keep(templates, ("k", i), i)
        if i == stamp.KEPT:  # ("k", 0) is let go by then; ("k", 1) is the oldest
            stamp._keep(templates, ("k", 1), "again")
    assert len(templates) == stamp.KEPT
    assert ("k", 0) not in templates and ("k", 2) not in templates and templates[("k", 1)] == "again"
    assert list(templates)[-1] == ("k", stamp.KEPT + 49)


def test_rows_left_pending_at_the_bound_store_the_same_table(tmp_path, monkeypatch, capsys):
    """The bound on pending printed rows reached while the scheduler writes the status of pods created since the
    last settle (store/db.py ``flush_rows(keep_fresh=True)``: their rows stay pending, not decoded and stored
    twice): the store is the same as with every pending row stored at the bound (``TRUST_WRITES`` off), with a
    small bound and settles inside the file, pods bound, pods that fit nowhere and pods nothing writes again, a
    refused document among them, and a second apply."""
    from minikctl.cli import apply, app
    from minikctl.store import db, rows

    monkeypatch.setattr(apply, "SETTLE_EVERY", 15)
    monkeypatch.setattr(db, "ROWS_PENDING", 40)
    monkeypatch.delenv("MINIKCTL_STORE", raising=False)
    monkeypatch.setenv("MINIKCTL_TICK", "0")
    decoded = spy(monkeypatch, rows, "_printed_body", lambda got, body: 1)
    unfit = "".join(_pod(f"u-{i:03d}", "nginx:1.0", "  nodeSelector: {disk: none}\n") for i in range(60))
    # pods bound to a node that does not exist: nothing writes them again
    elsewhere = "".join(_pod(f"e-{i:03d}", "nginx:1.0", "  nodeName: elsewhere\n") for i in range(12))
    text = MANY[:len(MANY) // 2] + _pod("Bad_Name", "nginx:1.0") + unfit + elsewhere + MANY[len(MANY) // 2:]
    path = tmp_path / "many.yaml"
    path.write_text(text)
    seen = {}
    for trust in (True, False):
        monkeypatch.setattr(db, "TRUST_WRITES", trust)
        monkeypatch.setenv("MINIKCTL_HOME", str(tmp_path / f"home-{trust}"))
        store = tmp_path / f"home-{trust}" / "store.db"
        decoded.clear()
        codes = [app._main(["apply", "-f", str(path)]), app._main(["apply", "-f", str(path)])]
        seen[trust] = (codes, capsys.readouterr(), dump(store), len(decoded))
    assert seen[True][:3] == seen[False][:3] and seen[True][0] == [1, 1]
    assert seen[True][3] < seen[False][3]  # fewer rows decoded from their bodies

"""The printed rows the store keeps beside every object (store/rows.py) print what the objects print.

A store with objects of every kind, built by the real CLI, is listed both ways at several virtual instants
after the writes: the kind's table from the objects (``printers.output.tables``) and from the rows
(``cli.get._printed_tables``), for every flag that changes a table, and with selectors evaluated in SQL
against the same selectors applied to the objects."""

from __future__ import annotations

import json
import sqlite3

import pytest

from minikctl.api.server import Api
from minikctl.cli.get import _printed_tables
from minikctl.kube import kinds
from minikctl.kube.errors import StatusError
from minikctl.printers import output as printer
from minikctl.store.db import Store

WORLD = """
apiVersion: v1
kind: Pod
metadata: {name: crash, labels: {app: x, tier: "3"}}
spec:
  containers: [{name: c, image: busybox, command: [sh, -c, "sleep 2; exit 3"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: inits, labels: {app: "y"}}
spec:
  initContainers:
  - {name: side, image: busybox, restartPolicy: Always, command: [sh, -c, "sleep 3600"]}
  - {name: setup, image: busybox, command: [sh, -c, "sleep 5"]}
  containers: [{name: main, image: nginx}]
  readinessGates: [{conditionType: example.com/gate}]
---
apiVersion: v1
kind: Pod
metadata: {name: done, labels: {tier: "10"}}
spec:
  restartPolicy: Never
  containers: [{name: c, image: busybox, command: [sh, -c, "echo hi"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: slow, namespace: other, labels: {app: x}}
spec:
  terminationGracePeriodSeconds: 600
  containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, labels: {app: x}}
data: {a: "1", b: "2"}
---
apiVersion: v1
kind: Secret
metadata: {name: s}
stringData: {k: v}
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: [sh, -c, "sleep 30"]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cj}
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: c, image: busybox, command: [sh, -c, "echo tick"]}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: sts}}
  serviceName: web
  template:
    metadata: {labels: {app: sts}}
    spec: {containers: [{name: nginx, image: nginx}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds}
spec:
  selector: {matchLabels: {app: ds}}
  template:
    metadata: {labels: {app: ds}}
    spec: {containers: [{name: agent, image: busybox, command: [sh, -c, "sleep 3600"]}]}
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from tests.conftest import Cli

    home = tmp_path_factory.mktemp("printed")
    cli = Cli(home)
    (home / "w.yaml").write_text(WORLD)
    cli.ok("create", "namespace", "other")
    cli.ok("apply", "-f", str(home / "w.yaml"))
    cli.ok("create", "deployment", "dep", "--image=nginx", "--replicas=2")
    cli.ok("create", "serviceaccount", "robot")
    cli.ok("clock", "advance", "3m")
    cli.ok("delete", "pod", "slow", "-n", "other", "--wait=false")
    cli.ok("label", "node", "node1", "node-role.kubernetes.io/worker=")
    cli.ok("clock", "advance", "20s")
    return home / "store.db"


FLAGS = [dict(), dict(wide=True), dict(show_labels=True), dict(label_columns=["app,tier"]),
         dict(all_namespaces=True), dict(show_kind=True, wide=True, no_headers=True),
         dict(all_namespaces=True, show_labels=True, wide=True)]


def _both(api, res, flags, selector="", field_selector=""):
    flags = dict(dict(wide=False, no_headers=False, show_labels=False, label_columns=[], show_kind=False,
                      all_namespaces=False), **flags)
    scope = None if flags["all_namespaces"] else "default"
    objs = api.list(res, scope if res.namespaced else None, selector, field_selector)
    wide = flags.pop("wide")
    expected = printer.tables(objs, wide=wide, now_ms=api.now_ms, **flags)
    req = type("Req", (), {"res": res, "names": []})
    got = _printed_tables(api, [req], scope, selector, field_selector, wide, **flags)
    return expected, got


@pytest.mark.parametrize("later_ms", [0, 61_000, 3_600_000 * 30])
def test_every_kind_prints_the_same_from_rows(world, later_ms):
    st = Store(world)
    try:
        with st.transaction() as tx:
            api = Api(tx)
            tx.set_now(tx.now_ms + later_ms)
            kept = {k for (k,) in tx.conn.execute("SELECT DISTINCT kind FROM rows")}
            assert {"Pod", "Deployment", "ReplicaSet", "Job", "CronJob", "StatefulSet", "DaemonSet", "ConfigMap",
                    "Secret", "ServiceAccount", "Namespace", "Node", "ControllerRevision"} <= kept
            for res in kinds.RESOURCES:
                for flags in FLAGS:
                    expected, got = _both(api, res, flags)
                    assert got == expected, (res.kind, flags)
            pods = _both(api, kinds.POD, dict(wide=True, all_namespaces=True))[1]
            assert "ago)" in pods and "Terminating" in pods and "Init:" in pods or "Running" in pods
            raise RuntimeError("roll back the clock move")
    except RuntimeError:
        pass
    finally:
        st.close()


SELECTORS = [("app=x", ""), ("app==x", ""), ("app!=x", ""), ("app in (x,y)", ""), ("app notin (x)", ""),
             ("app", ""), ("!app", ""), ("tier>4", ""), ("tier<4,app", ""), ("app=x,tier", ""),
             ("", "status.phase=Running"), ("", "status.phase!=Running,spec.nodeName=node1"),
             ("", "metadata.name=crash"), ("", "metadata.namespace!=default"), ("", "spec.host=node1"),
             ("app", "spec.restartPolicy=Always"), ("", "status.podIP="), ("", "metadata.name=a\\,b")]


@pytest.mark.parametrize("selector,field_selector", SELECTORS)
def test_selectors_in_sql_select_what_the_objects_match(world, selector, field_selector):
    st = Store(world)
    try:
        with st.transaction(write=False) as tx:
            api = Api(tx)
            for res in (kinds.POD, kinds.CONFIGMAP, kinds.NODE):
                if field_selector.startswith(("status", "spec")) and res is not kinds.POD:
                    continue
                for flags in (dict(), dict(all_namespaces=True, show_labels=True)):
                    try:
                        expected, got = _both(api, res, flags, selector, field_selector)
                    except StatusError as e:
                        with pytest.raises(StatusError) as printed:
                            api.list_printed(res, None, selector, field_selector)
                        assert str(printed.value) == str(e) and "not supported" in str(e)
                        continue
                    assert got == expected, (res.kind, selector, field_selector, flags)
    finally:
        st.close()


def test_a_bad_selector_is_refused_as_before(world):
    st = Store(world)
    try:
        with st.transaction(write=False) as tx:
            api = Api(tx)
            for sel, fsel in (("app=(", ""), ("", "status.nope=1"), ("a b", "")):
                with pytest.raises(StatusError) as listed:
                    api.list(kinds.POD, "default", sel, fsel)
                with pytest.raises(StatusError) as printed:
                    api.list_printed(kinds.POD, "default", sel, fsel)
                assert str(printed.value) == str(listed.value)
    finally:
        st.close()


def _copy(world, tmp_path, name):
    import shutil

    copy = tmp_path / name
    st = Store(world)
    st.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    st.close()
    shutil.copy(world, copy)
    return copy


def test_a_row_kept_without_cells_is_computed_from_the_object(world, tmp_path):
    copy = _copy(world, tmp_path, "nulls.db")
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE rows SET cells = NULL WHERE name IN ('crash', 'done')")
    conn.commit()
    conn.close()
    st = Store(copy)
    try:
        with st.transaction(write=False) as tx:
            api = Api(tx)
            assert tx.has_rows
            for sel in ("", "app", "!app", "tier>4", "app=x"):
                expected, got = _both(api, kinds.POD, dict(show_labels=True), sel)
                assert got == expected
            assert "crash" in _both(api, kinds.POD, {})[1]
    finally:
        st.close()


def test_rows_behind_the_objects_are_not_read_and_are_rebuilt_by_the_next_write(world, tmp_path):
    """A store written by a minikctl that keeps no rows: its meta ``rows`` stays behind the revision."""
    copy = _copy(world, tmp_path, "behind.db")
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE rows SET cells = replace(cells, 'crash', 'stale') WHERE name='crash'")
    conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) - 1 WHERE key='rows'")
    conn.commit()
    conn.close()
    st = Store(copy)
    try:
        snap = st.read_snapshot(0)
        assert snap is not None and not snap.has_rows
        expected, got = _both(Api(snap), kinds.POD, {})
        assert got == expected and "stale" not in got
        st._rollback()
        with st.transaction() as tx:
            assert tx.has_rows
            assert "stale" not in tx.conn.execute("SELECT cells FROM rows WHERE name='crash'").fetchone()[0]
        snap = st.read_snapshot(0)
        assert snap.has_rows
        st._rollback()
    finally:
        st.close()


def test_a_store_without_the_rows_table_gets_it_on_its_first_write(world, tmp_path):
    copy = _copy(world, tmp_path, "old.db")
    conn = sqlite3.connect(copy)
    conn.execute("DROP TABLE rows")
    conn.execute("DELETE FROM meta WHERE key='rows'")
    conn.commit()
    conn.close()
    st = Store(copy)
    try:
        snap = st.read_snapshot(0)
        assert snap is not None and not snap.has_rows
        api = Api(snap)
        expected, got = _both(api, kinds.POD, dict(wide=True))
        assert got == expected and "crash" in got
        st._rollback()
        from minikctl.serve.state import _read_transaction

        with _read_transaction(st) as tx:  # minikctl serve's reads write nothing, not even the new table
            assert not tx.has_rows
            expected, got = _both(Api(tx), kinds.POD, {})
            assert got == expected and "crash" in got
        assert "rows" not in {r[0] for r in st.conn.execute("SELECT name FROM sqlite_master")}
        with st.transaction() as tx:
            n = tx.conn.execute("SELECT count(*) FROM rows").fetchone()[0]
            assert n == tx.conn.execute("SELECT count(*) FROM objects").fetchone()[0] > 20
            assert tx.conn.execute("SELECT kind FROM rows WHERE cells IS NULL").fetchall() == [("Lease",)]
            api = Api(tx)
            for res in (kinds.POD, kinds.DEPLOYMENT, kinds.NODE):
                expected, got = _both(api, res, dict(wide=True, show_labels=True))
                assert got == expected
    finally:
        st.close()


@pytest.mark.parametrize("fmt", ["json", "yaml", "name"])
def test_a_streamed_listing_is_the_rendered_one(world, fmt):
    """get -o json|yaml|name writes a listing as it reads it (printers/output.stream): the same bytes as the
    List rendered whole, for every kind, with selectors, managedFields shown or not."""
    st = Store(world)
    try:
        with st.transaction(write=False) as tx:
            api = Api(tx)
            cases = [([res], "", "") for res in kinds.RESOURCES]
            cases += [([kinds.POD, kinds.CONFIGMAP, kinds.DEPLOYMENT], "", ""), ([kinds.POD], "app", ""),
                      ([kinds.POD, kinds.CONFIGMAP], "app=x", ""), ([kinds.POD], "tier>4", ""),
                      ([kinds.POD], "", "status.phase=Running"), ([kinds.SECRET], "nope", "")]
            for res_list, sel, fsel in cases:
                for scope in ("default", None):
                    for managed in (False, True):
                        objs = [o for res in res_list for o in api.list(res, scope, sel, fsel)]
                        expected = printer.render(objs, fmt, now_ms=api.now_ms, show_managed_fields=managed)
                        for stored in (False, True):  # -o json prints stored objects from their text
                            written: list[str] = []
                            printer.stream((o for res in res_list
                                            for o in api.iter_list(res, scope, sel, fsel, stored=stored)), fmt,
                                           written.append, show_managed_fields=managed,
                                           decode=api.decode_stored if stored else None)
                            assert "".join(written) == expected, (res_list, sel, fsel, scope, managed, stored)
                            if fmt != "name" and len(objs) > 1:
                                assert len(written) == len(objs)  # written item by item, not at the end
    finally:
        st.close()


def test_get_o_name_lists_from_the_rows(world, tmp_path):
    """get -o name reads no object: kind/name from the printed rows, in the listing's order."""
    import os
    import subprocess

    from tests.conftest import minikctl_argv

    copy = _copy(world, tmp_path, "names.db")
    env = dict(os.environ, MINIKCTL_STORE=str(copy), MINIKCTL_TICK="0")
    st = Store(copy)
    try:
        with st.transaction(write=False) as tx:
            api = Api(tx)
            for args, res_list, scope, sel in (
                    (["pods,cm", "-A"], [kinds.POD, kinds.CONFIGMAP], None, ""),
                    (["all"], [r for r in kinds.RESOURCES if "all" in r.categories], "default", ""),
                    (["pods", "-l", "app"], [kinds.POD], "default", "app"),
                    (["nodes,leases", "-A"], [kinds.NODE, kinds.LEASE], None, "")):
                expected = printer.render([o for r in res_list for o in api.list(r, scope if r.namespaced else None,
                                                                                 sel)], "name", now_ms=0)
                done = subprocess.run([*minikctl_argv(), "get", *args, "-o", "name"], env=env, capture_output=True,
                                      text=True)
                assert done.returncode == 0 and done.stdout == expected and expected, (args, done.stderr)
    finally:
        st.close()


def test_a_renewed_transaction_keeps_its_rows_without_rebuilding_them(world, tmp_path):
    """A verb that waits commits in steps (Store.renew): each step goes on with the rows as they are, and its
    writes keep them complete."""
    from minikctl.store import rows as rows_mod

    copy = _copy(world, tmp_path, "renew.db")
    st = Store(copy)
    rebuilt = []
    real = rows_mod.rebuild
    rows_mod.rebuild = lambda conn: rebuilt.append(1) or real(conn)
    try:
        with st.transaction() as tx:
            api = Api(tx)
            st.renew(tx)
            pod = api.get(kinds.POD, "default", "crash")
            pod["metadata"]["labels"]["renewed"] = "yes"
            api.update(api.get(kinds.POD, "default", "crash"), pod)
            st.renew(tx)
            assert tx.has_rows
            expected, got = _both(api, kinds.POD, dict(show_labels=True))
            assert got == expected and "renewed=yes" in got
        assert rebuilt == []
        snap = st.read_snapshot(0)
        assert snap.has_rows
        st._rollback()
    finally:
        rows_mod.rebuild = real
        st.close()


def test_a_streamed_listing_with_nothing_found_and_ignore_not_found_prints_nothing(world, tmp_path):
    """printGeneric: with --ignore-not-found and no object, -o json|yaml print nothing (not an empty List);
    without it, the empty List."""
    import os
    import subprocess

    from tests.conftest import minikctl_argv

    env = dict(os.environ, MINIKCTL_STORE=str(_copy(world, tmp_path, "empty.db")), MINIKCTL_TICK="0")
    for fmt in ("json", "yaml"):
        run = [*minikctl_argv(), "get", "pods,cm", "-l", "nope", "-o", fmt]
        quiet = subprocess.run(run + ["--ignore-not-found"], env=env, capture_output=True, text=True)
        assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
        empty = subprocess.run(run, env=env, capture_output=True, text=True)
        assert empty.returncode == 0 and empty.stdout == printer.render([], fmt, now_ms=0)


def _cm(name: str, value: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default",
                                                                 "labels": {"v": value}}, "data": {"k": value}}


def _stored_rows(path) -> dict:
    conn = sqlite3.connect(path)
    try:
        return {r[2]: r[3:] for r in conn.execute("SELECT * FROM rows WHERE kind='ConfigMap' AND labels IS NOT NULL")}
    finally:
        conn.close()


def test_rows_pending_across_savepoints_are_stored_once_and_never_lost(tmp_path):
    """Rows pending when a step began stay pending through it, also when a read inside the step stored them and
    the step is then undone (SQLite undid that write); the step's own rows go with it; what is committed is
    exactly what a rebuild from the objects computes."""
    from minikctl.api import printed  # noqa: F401  (registers the printer)
    from minikctl.store import rows

    path = tmp_path / "s.db"
    st = Store(path)
    res = kinds.for_kind("v1", "ConfigMap")

    class Undo(Exception):
        pass

    with st.transaction() as tx:
        from minikctl.cluster import Cluster

        api = Cluster(tx).api  # a bootstrapped cluster: its namespaces (and their kube-root-ca.crt ConfigMaps)
        api.create(_cm("before", "1"))  # pending before every step
        with tx.savepoint():  # an outer step, as a command's
            api.create(_cm("outer", "1"))
            api.create(_cm("outer-only", "1"))  # pending in the outer step, never written again
            with pytest.raises(Undo):
                with tx.savepoint():  # a document of an apply, undone
                    api.create(_cm("undone", "1"))
                    listed = api.list_printed(res, "default", "v")  # a read stores every pending row, inside the step
                    assert {r[1] for r in listed} == {"before", "outer", "outer-only", "undone"}
                    raise Undo
            with tx.savepoint():  # a document that goes through: the earlier rows are still pending
                api.update(tx.get("ConfigMap", "default", "outer"), _cm("outer", "2"))
                api.create(_cm("kept", "1"))
            assert {r[1] for r in api.list_printed(res, "default", "v")} == {"before", "outer", "outer-only", "kept"}
        with pytest.raises(Undo):
            with tx.savepoint():  # undone after a read inside it stored the rows of the released steps
                api.list_printed(res, "default")
                api.create(_cm("late", "1"))
                raise Undo
    st.close()
    kept = _stored_rows(path)
    assert set(kept) == {"before", "outer", "outer-only", "kept"}
    assert json.loads(kept["outer"][2]) == {"v": "2"}  # the labels of the last write
    conn = sqlite3.connect(path)
    try:
        stored = sorted(conn.execute("SELECT * FROM rows"))
        rows.rebuild(conn)
        assert sorted(conn.execute("SELECT * FROM rows")) == stored
        conn.rollback()
    finally:
        conn.close()


def test_a_row_computed_at_the_write_is_the_one_computed_from_the_body(tmp_path):
    """Tx.update(row_now=True) (the scheduler's write of a pod that fits nowhere) stores the row the body gives;
    a later write of the object in the same transaction gets its row from its own body."""
    from minikctl.cluster import Cluster

    def stored(row_now: bool, again: bool) -> list:
        st = Store(tmp_path / f"r{row_now}{again}.db")
        with st.transaction() as tx:
            api = Cluster(tx).api
            pod = api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a": "b"}},
                              "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
            pod = tx.get("Pod", "default", "p")
            pod["status"]["conditions"] = [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]
            tx.update(pod, row_now=row_now)
            if again:
                pod["metadata"]["labels"]["a"] = "c"
                tx.update(pod)
        rows = sqlite3.connect(st.path).execute(
            "SELECT kind, namespace, name, rv, cells, labels, fields FROM rows WHERE kind='Pod'").fetchall()
        st.close()
        return rows

    assert stored(True, False) == stored(False, False)
    again = stored(True, True)
    assert again == stored(False, True)
    assert again[0][5] == '{"a":"c"}'  # the later write's own row

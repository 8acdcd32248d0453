"""Many pods started in one advance (bench/chatty_speed.py ``big``): a finished pod worker lets go of what points
back at it (``PodWorker.close``), so starting a pod leaves nothing to the cyclic garbage collector, and the store
is what it was when the collector freed them.

The mixed case: 50 pods of one template, 6 of another, 4 with a readiness probe, one alike but for an env var, 5 of
other templates, one with an init container, one whose image fails to pull, created as ``apply -f`` leaves them
(bound, pulls begun), then ``clock advance 1m`` and 5m more (the pull back-off, the init container's end). The
stores made with and without ``close`` are compared table by table, byte for byte, and so are those made with and
without the twins (``engine:profile`` ``{"twins": false}``: every process interpreted from its start, none copied
from a twin's, kubelet/procs.py ``start``; every status write made the general way, none from a twin's,
kubelet/statustwins.py)."""

from __future__ import annotations

import gc

import pytest

from minikctl.cluster import Cluster
from minikctl.engine.kubelet.worker import PodWorker
from minikctl.store.db import Store
from tests.unit.flap_world import dump


def _pod(name: str, containers: list, init: list | None = None) -> dict:
    spec = {"containers": containers}
    if init:
        spec["initContainers"] = init
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default",
                                                            "labels": {"app": name.rstrip("0123456789")}},
            "spec": spec}


def _pods(loops: bool = True) -> list[dict]:
    pods = [_pod(f"web{i:02d}", [{"name": "nginx", "image": "nginx:1.14.2"}]) for i in range(50)]
    if loops:  # a steady loop: its fast-forward's look at two iterations runs on copies of the process
        pods.append(_pod("counter", [{"name": "c", "image": "busybox:1.28", "command": [
            "sh", "-c", 'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done']}]))
    pods += [
        _pod("sleeper", [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]),
        _pod("crasher", [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "echo boom; exit 1"]}]),
        _pod("probed", [{"name": "nginx", "image": "nginx:1.14.2", "readinessProbe": {
            "httpGet": {"path": "/", "port": 80}, "periodSeconds": 10}}]),
        _pod("pair", [{"name": "a", "image": "nginx:1.14.2"},
                      {"name": "b", "image": "busybox:1.36", "command": ["sh", "-c", "echo b; sleep 600"]}]),
        _pod("with-init", [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "echo app; sleep 3600"]}],
             init=[{"name": "init", "image": "busybox:1.36", "command": ["sh", "-c", "echo init; sleep 2"]}]),
        _pod("bad-image", [{"name": "bad", "image": "nginx:nope"}]),
    ]
    # a second template (its status twins are its own), a pod of the first one but for an env var, and probed
    # twins (not settled when first written: their readiness comes with the probe)
    pods += [_pod(f"api{i}", [{"name": "api", "image": "nginx:1.14.2", "ports": [{"containerPort": 80}]}])
             for i in range(6)]
    pods.append(_pod("web-env", [{"name": "nginx", "image": "nginx:1.14.2", "env": [{"name": "X", "value": "1"}]}]))
    pods += [_pod(f"ready{i}", [{"name": "nginx", "image": "nginx:1.14.2", "readinessProbe": {
        "httpGet": {"path": "/", "port": 80}, "periodSeconds": 10}}]) for i in range(4)]
    return pods


def _without_profile(dump: list[str]) -> list[str]:
    return [line for line in dump if "engine:profile" not in line]


def _run(path, garbage: list | None = None, loops: bool = True, profile: str | None = None) -> list[str]:
    st = Store(str(path))
    with st.transaction() as tx:
        if profile is not None:
            tx.set_meta("engine:profile", profile)
        cl = Cluster(tx)
        for p in _pods(loops):
            cl.api.create(p)
        cl.settle()
    for ms in (60_000, 300_000):
        with st.transaction() as tx:
            cl = Cluster(tx)
            if garbage is not None and ms == 60_000:  # the pulls and starts: what they leave to the collector
                gc.collect()
                gc.set_debug(gc.DEBUG_SAVEALL)
                try:
                    cl.advance_to(tx.now_ms + ms)
                    gc.collect()  # the cluster (its loop, its kubelet) is still alive here: only what was dropped
                finally:
                    gc.set_debug(0)
                    garbage += gc.garbage
                    del gc.garbage[:]
            else:
                cl.advance_to(tx.now_ms + ms)
    st.close()
    return dump(path)


def test_starting_pods_leaves_no_cycles(tmp_path):
    garbage: list = []
    _run(tmp_path / "s.db", garbage, loops=False)
    kinds = sorted({type(o).__name__ for o in garbage})
    assert not [o for o in garbage if type(o).__name__ in ("PodWorker", "Process", "ClusterNet", "PodNetwork",
                                                            "PodRecord", "Change")], kinds
    assert len(garbage) < 20, kinds  # not a cycle per pod started


def test_the_store_is_what_it_was_with_the_cycles(tmp_path, monkeypatch):
    closed = _run(tmp_path / "closed.db")
    monkeypatch.setattr(PodWorker, "close", lambda self: None)
    left = _run(tmp_path / "left.db")
    assert len(closed) == len(left)
    for a, b in zip(closed, left):
        assert a == b


@pytest.mark.parametrize("n", [3])
def test_a_closed_worker_is_not_needed_again(tmp_path, n):
    """What the kubelet does with a pod after its worker closed (the next advance, an exec, the logs) reads the
    record afresh: the pods run on."""
    st = Store(str(tmp_path / "s.db"))
    with st.transaction() as tx:
        cl = Cluster(tx)
        for i in range(n):
            cl.api.create(_pod(f"web{i}", [{"name": "nginx", "image": "nginx:1.14.2"}]))
        cl.settle()
        cl.advance_to(tx.now_ms + 60_000)
        pods = tx.list("Pod")
        assert [p["status"]["phase"] for p in pods] == ["Running"] * n
        assert all(c["ready"] for p in pods for c in p["status"]["containerStatuses"])
        assert cl.logs(pods[0], "nginx", False)[-1][1].endswith("ready for start up")
    st.close()


def _general_wake_ups(monkeypatch) -> None:
    """Every pod's wake-up worked the general way, none made from a twin's (kubelet/waketwins.py): a wake-up made
    from a model copies the model's texts, and the tests below count what the general way does (their stores with
    wake-ups made from twins are compared in tests/unit/test_wake_twins.py)."""
    from minikctl.engine.kubelet import waketwins

    monkeypatch.setattr(waketwins, "ENABLED", False)


def test_twins_start_as_each_one_alone(tmp_path, monkeypatch):
    """The 50 nginx pods whose pulls end at one instant: the first one's process is interpreted, the others are
    its copies with their own $HOSTNAME; the store is byte for byte the one where each is interpreted."""
    _general_wake_ups(monkeypatch)
    from minikctl.engine.kubelet import procs

    copied = []
    twin = procs._twin
    monkeypatch.setattr(procs, "_twin", lambda *a: copied.append(twin(*a)) or copied[-1])
    procs._TWINS.clear()
    on = _run(tmp_path / "on.db", profile='{"twins": true}')
    assert sum(p is not None for p in copied) >= 49
    n = len(copied)
    off = _run(tmp_path / "off.db", profile='{"twins": false}')
    assert len(copied) == n  # not asked with the switch off
    strip = [line for line in on if "engine:profile" not in line]
    assert len(strip) == len(on) - 1
    assert strip == [line for line in off if "engine:profile" not in line]


def test_a_twin_changed_since_its_start_is_encoded_whole():
    """A copied process's record text is spliced from its twin's only while its values (types and dicts' orders
    included) are the twin's: anything else is encoded as usual, the same bytes as encoding it whole."""
    import json

    from minikctl.engine.kubelet import procs

    _dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    img = procs.lookup_image("nginx:1.14.2")
    argv = procs.argv_for({"name": "nginx", "image": "nginx:1.14.2"}, img, {})
    procs._TWINS.clear()
    ps = [procs.start(argv, {"PATH": "/usr/bin", "HOSTNAME": f"web{i}"}, img, 1_000, None, None) for i in range(3)]
    assert getattr(ps[0], "_twin", None) is None and ps[1]._twin is not None  # the first one is interpreted
    dumps = []
    for p in ps:
        del p.logs[:]  # taken by the kubelet (PodWorker.take_logs)
        dumps.append(procs.dump_process(p))
    plain = [_dumps(dict(d)) for d in dumps]
    assert plain[1] == plain[0].replace('"web0"', '"web1"')
    assert procs.twin_text(dumps[1]) == plain[1]
    assert dumps[1]["vars"]["HOSTNAME"] == "web1"  # given back after the comparison
    ps[1].vars["X"] = "1"  # changed since: not the twin's
    assert procs.twin_text(dumps[1]) is None
    ps[2].cpu_share = 1  # the same value, another type (its JSON differs: 1, not 1.0)
    assert procs.twin_text(procs.dump_process(ps[2])) is None
    v = ps[2].vars  # the same values in another order
    ps[2].cpu_share = 1.0
    assert procs.twin_text(procs.dump_process(ps[2])) is not None
    ps[2].vars = dict(reversed(list(v.items())))
    assert procs.twin_text(procs.dump_process(ps[2])) is None


def test_status_writes_of_twins_are_stamped(tmp_path, monkeypatch):
    """The first Running status of the pods started at one instant: two writes per template (and per pod alike but
    for something the write does not only copy) are made the general way (the second makes the model), the others
    from it; the store is byte for
    byte the one where each is made the general way, and the first stamped write was compared with it."""
    _general_wake_ups(monkeypatch)
    from minikctl.engine.kubelet import statustwins

    general, stamped = [], []
    plain, write = statustwins._general, statustwins.StatusTwins.write
    monkeypatch.setattr(statustwins, "_general", lambda *a: general.append(a[1]["metadata"]["name"]) or plain(*a))
    monkeypatch.setattr(statustwins.StatusTwins, "write",
                        lambda self, api, pod, *a: stamped.append(pod["metadata"]["name"]) or write(self, api, pod, *a))
    checked = []
    same = statustwins._same_as_general
    monkeypatch.setattr(statustwins, "_same_as_general", lambda *a: checked.append(same(*a)) or checked[-1])
    on = _run(tmp_path / "on.db", profile='{"twins": true}')
    assert checked and all(checked)
    fast = [n for n in stamped if n not in general]
    assert len([n for n in fast if n.startswith("web")]) >= 48 and "web-env" not in fast
    assert len([n for n in fast if n.startswith("api")]) >= 4
    n = len(stamped)
    off = _run(tmp_path / "off.db", profile='{"twins": false}')
    assert len(stamped) == n  # not asked with the switch off
    assert _without_profile(on) == _without_profile(off)


def test_a_model_whose_stamped_write_differs_is_given_up(tmp_path, monkeypatch):
    """A model that would give another text than the general way (here: one whose text was changed) is caught by the
    comparison of its first twin's write, and its twins are then written the general way."""
    _general_wake_ups(monkeypatch)
    from minikctl.engine.kubelet import statustwins

    model, same, checked = statustwins._model, statustwins._same_as_general, []

    def wrong(pod, text, tokens, settled):
        found = model(pod, text, tokens, settled)
        if found is not None:
            found.body.parts[-1] += " "
        return found

    monkeypatch.setattr(statustwins, "_model", wrong)
    monkeypatch.setattr(statustwins, "_same_as_general", lambda *a: checked.append(same(*a)) or checked[-1])
    on = _run(tmp_path / "on.db", loops=False, profile='{"twins": true}')
    assert checked and not any(checked)
    off = _run(tmp_path / "off.db", loops=False, profile='{"twins": false}')
    assert _without_profile(on) == _without_profile(off)


def test_tokens_are_masked_only_when_they_undo_exactly():
    from minikctl.engine.kubelet import statustwins

    meta = {"name": "web1", "uid": "u-1", "resourceVersion": "7"}
    status = {"podIP": "10.244.0.9", "containerStatuses": [{"containerID": "containerd://abc"}]}
    tokens = statustwins._tokens(meta, {}, status)
    assert tokens == ["containerd://abc", "u-1", '"resourceVersion":"7"', "10.244.0.9", "web1"]
    text = '{"name":"web1","uid":"u-1","resourceVersion":"7","ip":"10.244.0.9","id":"containerd://abc"}'
    masked = statustwins._mask(text, tokens)
    assert "web1" not in masked and statustwins._Template(masked).fill(tokens) == text
    assert statustwins._tokens({**meta, "name": "u-1"}, {}, status) is None  # the uid's
    assert statustwins._tokens({**meta, "name": "web\n1"}, {}, status) is None  # not printable
    assert statustwins._tokens({**meta, "resourceVersion": 7}, {}, status) is None
    inside = statustwins._tokens({**meta, "name": "u"}, {}, status)  # inside the uid: masked after it
    assert statustwins._Template(statustwins._mask(text, inside)).fill(inside) == text


def test_records_with_shared_parts_are_the_records_encoded_whole(tmp_path, monkeypatch):
    """The runtime records of the pods started in the advance, saved with their parts (the projected volume's files,
    the exported names, /etc) spliced from an equal part of another pod (kubelet/records.py ``_spliced``, ``_PARTS``
    looked up by content): the store is byte for byte the one where every record is encoded whole (``_spliced``
    turned off), and parts were spliced."""
    _general_wake_ups(monkeypatch)
    from minikctl.engine.kubelet import records

    records._PARTS.clear()
    parts = []
    part_text = records._part_text
    monkeypatch.setattr(records, "_part_text", lambda part: parts.append(part_text(part)) or parts[-1])
    on = _run(tmp_path / "on.db")
    assert sum(text is not None for text in parts) >= 100  # each nginx pod's volume files and exported names
    monkeypatch.setattr(records, "_spliced", lambda d: None)  # the general path: each record encoded whole
    off = _run(tmp_path / "off.db")
    assert len(on) == len(off)
    assert on == off

"""Static pods: the kubelet's file source (``pkg/kubelet/config/file.go``, ``config/common.go``) and mirror pods
(``pkg/kubelet/pod/mirror_client.go``, the static-pod branch of ``Kubelet.SyncPod``), v1.32.

Each node's kubelet reads ``nodes/NODE/manifests/`` beside the store file (``$MINIKCTL_HOME/nodes/NODE/manifests/``
by default) at every command that runs the cluster: every ``.yaml``, ``.yml`` or ``.json`` file there (dot files
are ignored, as the kubelet ignores them) holding one v1 Pod is a static pod of that node. As
``applyDefaults`` does, its name gets the suffix ``-NODE``, its namespace defaults to ``default``, it is bound to
the node, its UID is a hash of the manifest, the node and the file (an MD5, like the kubelet's), with the
annotations ``kubernetes.io/config.hash`` (that UID), ``kubernetes.io/config.seen`` (when the kubelet first
saw it) and ``kubernetes.io/config.source: file``; it tolerates every NoExecute taint.

The kubelet runs it itself and shows it in the API as a mirror pod (``CreateMirrorPod``): a copy with
``kubernetes.io/config.mirror`` set to the hash, controlled by the Node (``ownerReferences``). The kubelet's
record of the pod is keyed by the hash, so that the mirror pod can go and come back without touching the
containers: a mirror pod deleted through the API (or being deleted) is removed at once and created again
(``DeleteMirrorPod`` with grace 0, then ``CreateMirrorPod``); a file that changes is a new pod (the old one's
mirror goes with it); a file removed stops the pod and deletes its mirror. A file that is not a valid single Pod
is skipped (the kubelet logs it) and never blocks anything else; so is a pod whose namespace does not exist.
A stopped kubelet reads nothing.
"""

from __future__ import annotations

import json
import os

from minikctl.kube.digest import md5
from minikctl.store.static_dirs import manifests_root

MIRROR = "kubernetes.io/config.mirror"
HASH = "kubernetes.io/config.hash"
SEEN = "kubernetes.io/config.seen"
SOURCE = "kubernetes.io/config.source"
KIND = "StaticPods"  # runtime record: {"pods": {"ns/name": {"hash", "node", "seen"}}}
SUFFIXES = (".yaml", ".yml", ".json")


def record_uid(pod: dict) -> str:
    """The UID the kubelet knows a pod by: a mirror pod's is its static pod's (the config hash)."""
    meta = pod.get("metadata") or {}
    return (meta.get("annotations") or {}).get(MIRROR) or meta.get("uid", "")


def is_mirror(pod: dict) -> bool:
    return MIRROR in ((pod.get("metadata") or {}).get("annotations") or {})


def _seen_text(ms: int) -> str:
    """Go's time.RFC3339Nano: fractional seconds without trailing zeros."""
    from minikctl.kube.timefmt import rfc3339

    base = rfc3339(ms)
    frac = ms % 1000
    return base if not frac else base[:-1] + ("." + f"{frac:03d}").rstrip("0") + "Z"


def read_node_manifests(root: str, node: str) -> dict[str, tuple[str, dict]]:
    """{ns/name: (hash, pod)} of the valid static pods in one node's directory."""
    from minikctl.api.manifests import parse_documents

    d = os.path.join(root, node, "manifests")
    out: dict[str, tuple[str, dict]] = {}
    try:
        names = sorted(os.listdir(d))
    except OSError:
        return out
    for fname in names:
        if fname.startswith(".") or not fname.endswith(SUFFIXES):
            continue
        path = os.path.join(d, fname)
        try:
            with open(path, encoding="utf-8") as f:
                docs = [x for x in parse_documents(f.read(), path) if x is not None]
        except Exception:  # noqa: BLE001 - an unreadable or malformed file is skipped, as the kubelet skips it
            continue
        if len(docs) != 1 or not isinstance(docs[0], dict):
            continue
        pod = docs[0]
        meta = pod.get("metadata")
        if pod.get("kind") != "Pod" or pod.get("apiVersion") != "v1" or not isinstance(meta, dict) \
                or not isinstance(meta.get("name"), str) or not meta["name"] or not isinstance(pod.get("spec"), dict):
            continue
        ns = meta.get("namespace") or "default"
        name = f"{meta['name']}-{node}"
        h = md5(json.dumps(pod, sort_keys=True).encode() + f"host:{node}file:{path}".encode()).hexdigest()
        out.setdefault(f"{ns}/{name}", (h, pod))
    return out


def mirror_pod(pod: dict, node: dict, h: str, seen_ms: int) -> dict:
    """The static pod as the kubelet defaults it (``applyDefaults``) and mirrors it (``CreateMirrorPod``)."""
    pod = json.loads(json.dumps(pod))
    name = node["metadata"]["name"]
    meta = pod["metadata"]
    meta["name"] = f"{meta['name']}-{name}"
    meta["namespace"] = meta.get("namespace") or "default"
    for k in ("uid", "resourceVersion", "creationTimestamp", "generateName", "ownerReferences", "managedFields"):
        meta.pop(k, None)
    ann = dict(meta.get("annotations") or {})
    ann.update({HASH: h, SEEN: _seen_text(seen_ms), SOURCE: "file", MIRROR: h})
    meta["annotations"] = ann
    meta["ownerReferences"] = [{"apiVersion": "v1", "kind": "Node", "name": name,
                                "uid": node["metadata"].get("uid", ""), "controller": True}]
    spec = pod["spec"]
    spec["nodeName"] = name
    tols = list(spec.get("tolerations") or [])
    tols.append({"operator": "Exists", "effect": "NoExecute"})
    spec["tolerations"] = tols
    pod.pop("status", None)
    return pod


def sync(kubelet) -> None:
    """Compare every running kubelet's manifests with what it runs; create, recreate and remove mirror pods."""
    from minikctl.kube import errors as E

    tx = kubelet.tx
    root = manifests_root(tx.path)
    rec = tx.get_runtime(KIND, "", "")
    known: dict = dict((rec or {}).get("pods") or {})
    if rec is None and not os.path.isdir(root):
        return
    want: dict[str, tuple[str, str, dict]] = {}
    running = set()
    for node in tx.list("Node"):
        name = node["metadata"]["name"]
        state = kubelet.node(name)
        if state is None:
            continue
        if state.stopped_at is not None:
            running.add(name)  # keeps what it runs, reads nothing
            continue
        for key, (h, pod) in read_node_manifests(root, name).items():
            want.setdefault(key, (name, h, pod))
    changed = False
    for key, info in list(known.items()):
        if info["node"] in running:
            continue
        w = want.get(key)
        if w is None or w[1] != info["hash"]:
            _remove(kubelet, key, info)
            del known[key]
            changed = True
    for key, (node_name, h, pod) in want.items():
        ns, name = key.split("/", 1)
        info = known.get(key)
        if info is None:
            info = known[key] = {"hash": h, "node": node_name, "seen": tx.now_ms}
            changed = True
        mirror = tx.get("Pod", ns, name)
        if mirror is not None and record_uid(mirror) == h and not mirror["metadata"].get("deletionTimestamp"):
            if tx.get_runtime("Pod", ns, name) is None:
                kubelet.queue[(ns, name)] = None  # not running yet (its kubelet was stopped)
            continue
        if mirror is not None:
            if not is_mirror(mirror) and record_uid(mirror) != h:
                continue  # a pod of the API by that name: the mirror cannot be created (AlreadyExists)
            kubelet.api.delete(mirror, grace=0)  # DeleteMirrorPod
        node = tx.get("Node", "", node_name)
        try:
            kubelet.api.create(mirror_pod(pod, node, h, info["seen"]))
        except E.MinikctlError:
            continue  # a namespace that does not exist, an invalid pod: the kubelet logs it and goes on
        kubelet.queue[(ns, name)] = None  # its pod worker (its own writes are not observed)
    if changed:
        if known:
            tx.put_runtime(KIND, "", "", {"pods": known}, None)
        else:
            tx.delete_runtime(KIND, "", "")


def _remove(kubelet, key: str, info: dict) -> None:
    """The file is gone (or changed): the static pod stops, its mirror pod is deleted."""
    tx = kubelet.tx
    ns, name = key.split("/", 1)
    from .records import load

    rec = load(tx, ns, name)
    if rec is not None and rec.uid == info["hash"]:
        kubelet.release(rec)
        tx.delete_runtime("Pod", ns, name)
    mirror = tx.get("Pod", ns, name)
    if mirror is not None and record_uid(mirror) == info["hash"]:
        kubelet.api.delete(mirror, grace=0)

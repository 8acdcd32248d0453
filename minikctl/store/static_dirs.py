"""Where each node's static pod manifests live: ``nodes/<node>/manifests/`` beside the store file.

Kept here, below the engine, so that a read can ask whether any exist without importing the kubelet
(engine/kubelet/static.py reads them)."""

from __future__ import annotations

import os


def manifests_root(store_path: str) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(store_path)), "nodes")


def has_manifests(store_path: str) -> bool:
    """Whether any node has a static pod directory (a read must then let the kubelets look at it)."""
    root = manifests_root(store_path)
    try:
        return any(os.path.isdir(os.path.join(root, n, "manifests")) for n in os.listdir(root))
    except OSError:
        return False

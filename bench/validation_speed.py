"""Validations per second: the create pipeline (decode checks, unknown fields, defaulting,
validation) over the corpus Pods and over a synthetic list of 1,000 Pods, side by side with the
schema-only peer `kubernetes-validate` (strict, v1.32) on the same documents when it is installed
(`pip install kubernetes-validate`; it is not a dependency of minikctl).

    .venv/bin/python bench/validation_speed.py
"""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minikctl.api import defaults, validation  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "minikctl" / "k8s_examples"


def admit(doc: dict) -> int:
    kind = doc["kind"]
    if validation.decode_errors(kind, doc) or validation.unknown_fields(kind, doc):
        return 1
    doc.setdefault("metadata", {}).setdefault("namespace", "default")
    defaults.default_object(kind, doc, suffix=lambda n: "abcde"[:n])
    return len(validation.validate(kind, doc))


def corpus_pods() -> list[dict]:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    pods = []
    for path in sorted(CORPUS.rglob("*.yaml")):
        try:
            docs = list(yaml.load_all(path.read_text()))
        except Exception:
            continue
        pods.extend(d for d in docs if isinstance(d, dict) and d.get("kind") == "Pod" and d.get("apiVersion") == "v1")
    return pods


def synthetic(n: int) -> list[dict]:
    out = []
    for i in range(n):
        out.append({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"pod-{i}", "labels": {"app": f"app-{i % 7}", "tier": "web"}},
            "spec": {
                "containers": [{
                    "name": "main", "image": f"nginx:1.{i % 30}",
                    "ports": [{"containerPort": 80, "name": "http"}],
                    "env": [{"name": "INDEX", "value": str(i)}],
                    "resources": {"requests": {"cpu": "100m", "memory": "64Mi"},
                                  "limits": {"cpu": "200m", "memory": "128Mi"}},
                    "readinessProbe": {"httpGet": {"path": "/", "port": "http"}},
                    "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                }],
                "volumes": [{"name": "data", "emptyDir": {}}],
            },
        })
    return out


def peer_admit(doc: dict) -> int:
    """kubernetes-validate's library call, strict, against the 1.32 schemas (what its CLI does per document)."""
    import kubernetes_validate

    try:
        kubernetes_validate.validate(doc, "1.32", strict=True)
    except kubernetes_validate.ValidationError:
        return 1
    return 0


def measure(label: str, docs: list[dict], rounds: int, fn=admit) -> float:
    total = 0
    bad = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for d in docs:
            bad += fn(copy.deepcopy(d)) > 0
            total += 1
    elapsed = time.perf_counter() - start
    rate = total / elapsed
    print(f"{label}: {total} validations in {elapsed:.3f} s = {rate:,.0f} validations/s ({bad} rejected)")
    return rate


def main() -> None:
    validation.validator_for("Pod")  # warm the schema cache
    admit(copy.deepcopy(synthetic(1)[0]))
    try:
        import kubernetes_validate  # noqa: F401
        peer = True
    except ImportError:
        peer = False
        print("kubernetes-validate is not installed: no side-by-side figures")
    sets = []
    if CORPUS.is_dir():
        pods = corpus_pods()
        sets.append((f"corpus pods ({len(pods)} documents x 5)", pods, 5))
    sets.append(("synthetic 1,000-pod list", synthetic(1000), 1))
    for label, docs, rounds in sets:
        ours = measure("minikctl  " + label, docs, rounds)
        if peer:
            theirs = measure("k8s-validate " + label, docs, rounds, peer_admit)
            print(f"  minikctl / kubernetes-validate throughput: {ours / theirs:.1f}x")


if __name__ == "__main__":
    main()

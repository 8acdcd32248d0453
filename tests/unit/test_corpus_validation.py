"""Every example manifest of a kind we have a schema for goes through the create pipeline
(decode checks, unknown fields, defaulting, validation). Documents INDEX.tsv marks as broken
in a way the API server rejects must fail; all others must pass."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from minikctl.api import defaults, validation

CORPUS = Path(__file__).resolve().parents[2] / "minikctl" / "k8s_examples"

API_VERSIONS = {
    "Pod": "v1", "Namespace": "v1", "Deployment": "apps/v1", "ReplicaSet": "apps/v1", "StatefulSet": "apps/v1",
    "DaemonSet": "apps/v1", "Job": "batch/v1", "CronJob": "batch/v1",
    "ConfigMap": "v1", "Secret": "v1", "ServiceAccount": "v1",
}

# INDEX.tsv statuses the API server accepts anyway: an image reference is never validated, and the
# deprecated seccomp/AppArmor annotations only draw a warning.
ACCEPTED_STATUSES = ("placeholder image reference", "uses deprecated/ignored annotation")

# Marked "ok" in INDEX.tsv, but a v1.32 API server rejects them: they use fields added after 1.32
# (or, for the capacity-reservation example, put podAffinityTerm fields one level too high).
REJECTED_BY_132 = {
    "deployments/deployment-with-capacity-reservation.yaml": "unknown field",
    "pods/emptydir-volume-mode.yaml": "unknown field",
    "pods/pod-with-numeric-toleration.yaml": "Unsupported value",
    "pods/restart-policy/restart-all-containers.yaml": "unknown field",
    "pods/security/security-context-7.yaml": "unknown field",
    "pods/storage/projected-podcertificate.yaml": "unknown field",
}


def _index() -> dict[str, str]:
    text = (CORPUS / "INDEX.tsv").read_text()
    return {row["path"]: row["status"] for row in csv.DictReader(io.StringIO(text), delimiter="\t")}


def _load(path: Path) -> list:
    try:
        from minikctl.api.manifests import parse_documents  # the YAML-1.1-exact loader, when present
    except ImportError:
        parse_documents = None
    text = path.read_text()
    if parse_documents is not None:
        return [d for d in parse_documents(text, str(path)) if d is not None]
    from ruamel.yaml import YAML

    return [d for d in YAML(typ="safe", pure=True).load_all(text) if d is not None]


def admit(doc: dict, n: int = 0) -> list[str]:
    """The create pipeline for one document; returns the problems (empty when it would be created)."""
    kind = doc.get("kind")
    if not doc.get("apiVersion"):
        return ["apiVersion not set"]
    if doc.get("apiVersion") != API_VERSIONS[kind]:
        return [f'no matches for kind "{kind}" in version "{doc.get("apiVersion")}"']
    problems = validation.decode_errors(kind, doc)
    if problems:
        return problems
    unknown = validation.unknown_fields(kind, doc)
    if unknown:
        return [f'unknown field "{u}"' for u in unknown]
    meta = doc.setdefault("metadata", {})
    if kind != "Namespace":
        meta.setdefault("namespace", "default")
    meta.setdefault("uid", f"00000000-0000-0000-0000-{n:012d}")
    defaults.default_object(kind, doc, suffix=lambda k: "abcde"[:k])
    return [str(e) for e in validation.validate(kind, doc)]


def _cases():
    if not CORPUS.is_dir():
        return []
    return sorted(_index().items())


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not present")
def test_corpus():
    checked = rejected = accepted = 0
    failures = []
    for rel, status in _cases():
        path = CORPUS / rel
        if not path.is_file():
            continue
        broken = status != "ok" and not status.startswith(ACCEPTED_STATUSES)
        newer = REJECTED_BY_132.get(rel)
        try:
            docs = _load(path)
        except Exception as exc:  # YAML errors count as rejection
            if not broken:
                failures.append(f"{rel}: parse error {exc}")
            else:
                rejected += 1
            continue
        relevant = [d for d in docs if isinstance(d, dict) and d.get("kind") in API_VERSIONS]
        if not relevant:
            if broken and any(isinstance(d, dict) and not d.get("apiVersion") for d in docs):
                rejected += 1
            continue
        problems = []
        for i, doc in enumerate(relevant):
            checked += 1
            problems.extend(admit(doc, i))
        if newer:
            if not any(newer in p for p in problems):
                failures.append(f"{rel}: expected a 1.32 rejection ({newer}), got {problems[:3]}")
            else:
                rejected += 1
        elif broken and not problems:
            failures.append(f"{rel}: marked {status!r} but accepted")
        elif not broken and problems:
            failures.append(f"{rel}: rejected: {problems[:3]}")
        elif broken:
            rejected += 1
        else:
            accepted += 1
    print(f"corpus: {checked} documents checked, {accepted} files accepted, {rejected} broken files rejected")
    assert not failures, "\n".join(failures)
    assert accepted > 50

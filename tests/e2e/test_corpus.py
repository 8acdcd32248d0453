"""Every manifest of the kubernetes.io example corpus goes through `apply`: applied, or refused kubectl-style.

In-process through the CLI's real entry point (one fresh store per manifest), to keep 260 applies fast.
"""

from __future__ import annotations

import contextlib
import csv
import io

import pytest

from tests.conftest import CORPUS

# INDEX.tsv statuses that describe input a v1.32 API server (or kubectl) refuses
BROKEN = ("yaml-error", "missing-apiVersion", "missing-metadata.name", "schema-invalid", "removed-apiVersion",
          "templated-name", "ephemeralContainers set at create time")

# Pod manifests written for Kubernetes releases after 1.32: a v1.32 API server refuses their new fields
NEWER_THAN_132 = {
    "pods/emptydir-volume-mode.yaml": 'unknown field "spec.volumes[0].emptyDir.mode"',
    "pods/pod-with-numeric-toleration.yaml": 'Unsupported value: "Gt"',
    "pods/restart-policy/restart-all-containers.yaml": 'unknown field "spec.initContainers[1].restartPolicyRules"',
    "pods/security/security-context-7.yaml": 'unknown field "spec.containers[0].securityContext.cgroupOptions"',
    "pods/storage/projected-podcertificate.yaml": 'unknown field "spec.volumes[0].projected.sources[0].podCertificate"',
}

pytestmark = pytest.mark.skipif(not (CORPUS / "INDEX.tsv").exists(), reason="corpus not present")


def _rows():
    if not (CORPUS / "INDEX.tsv").exists():
        return []
    with open(CORPUS / "INDEX.tsv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _apply(store: str, path: str) -> tuple[int, str, str]:
    from minikctl.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(["--store", store, "apply", "-f", path])
    return rc, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["path"])
def test_corpus_manifest(tmp_path, row):
    rc, out, err = _apply(str(tmp_path / "s.db"), str(CORPUS / row["path"]))
    assert rc in (0, 1)
    assert "Traceback" not in err
    broken = any(row["status"].startswith(b) or b in row["status"] for b in BROKEN)
    if broken:
        assert rc == 1, f"{row['path']} ({row['status']}) was accepted: {out}"
    if rc == 1:
        for line in err.strip().splitlines():
            assert line.startswith(("error:", "Error from server", "The ", "* ", "ensure CRDs", "Warning:",
                                    "resource mapping not found", "Resource:", "Name:", "from server for:")), line
    if row["path"] in NEWER_THAN_132:
        assert rc == 1 and NEWER_THAN_132[row["path"]] in err
        return
    kinds = set(row["kinds"].split(","))
    missing_class = [d for d in row["external_refs"].split(";") if d.startswith("PriorityClass/") and "defined-in-file" not in d]
    missing_account = [d.split("/", 1)[1] for d in row["external_refs"].split(";")
                       if d.startswith("ServiceAccount/") and "defined-in-file" not in d and d != "ServiceAccount/default"]
    if kinds == {"Pod"} and missing_account:
        # the ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount, Admit) refuses an account the
        # namespace lacks (a new cluster has only each namespace's `default`)
        assert rc == 1 and f'serviceaccount "{missing_account[0]}" not found' in err, err
        return
    if kinds == {"Pod"} and missing_class:
        # the Priority admission plugin (plugin/pkg/admission/priority) refuses a class the cluster lacks
        assert rc == 1 and f"no PriorityClass with name {missing_class[0].split('/', 1)[1]} was found" in err, err
        return
    if not broken and kinds == {"Pod"} and "namespace" not in (CORPUS / row["path"]).read_text():
        assert rc == 0, err
        assert out.strip().endswith("created")

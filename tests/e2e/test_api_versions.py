"""minikctl api-versions against the real kubectl's `api-versions` through `minikctl serve` (discovery of the same
kinds table): the same lines, sorted as kubectl sorts them (pkg/cmd/apiresources/apiversions.go)."""

from __future__ import annotations

import pytest

from kubectl_oracle import KUBECTL
from test_serve import Kubectl, Served
from tests.conftest import Cli


def test_api_versions_as_kubectl(tmp_path):
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    cli = Cli(tmp_path / "home")
    mine = cli.ok("api-versions", tick="0")
    served = Served(tmp_path / "served", "--tick", "0")
    try:
        theirs = Kubectl(served, tmp_path).ok("api-versions")
    finally:
        served.stop()
    assert mine == theirs
    assert mine.splitlines()[-1] == "v1" and "apps/v1" in mine.splitlines()

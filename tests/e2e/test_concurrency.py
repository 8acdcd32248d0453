"""Many minikctl processes at once never lose or corrupt an object."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor


def test_50_parallel_applies(cli, tmp_path):
    files = []
    for i in range(50):
        p = tmp_path / f"p{i}.yaml"
        p.write_text(f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.14.2\n")
        files.append(str(p))

    def run(path: str) -> subprocess.CompletedProcess:
        return cli("apply", "-f", path)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(run, files))
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results if r.returncode]
    pods = json.loads(cli.ok("get", "pods", "-o", "json"))["items"]
    assert sorted(p["metadata"]["name"] for p in pods) == sorted(f"p{i}" for i in range(50))
    versions = [p["metadata"]["resourceVersion"] for p in pods]
    uids = [p["metadata"]["uid"] for p in pods]
    assert len(set(versions)) == 50 and len(set(uids)) == 50

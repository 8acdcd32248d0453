"""Regenerate the patch goldens from the real kubectl (``kubectl patch --local``).

Usage: python tests/unit/golden/patching/regen.py [/usr/bin/kubectl]
Reads cases.json (inputs) and writes expected.json (kubectl's output or error text).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run_kubectl(kubectl: str, target: dict, patch, ptype: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(target, f)
        path = f.name
    try:
        proc = subprocess.run(
            [kubectl, "patch", "--local", "-f", path, "--type", ptype, "-p", json.dumps(patch), "-o", "json"],
            capture_output=True, text=True, timeout=30,
        )
    finally:
        os.unlink(path)
    if proc.returncode == 0:
        return {"result": json.loads(proc.stdout)}
    return {"error": proc.stderr.strip()}


def main() -> None:
    kubectl = sys.argv[1] if len(sys.argv) > 1 else "/usr/bin/kubectl"
    with open(os.path.join(HERE, "cases.json")) as f:
        data = json.load(f)
    bases = data["bases"]
    out = {}
    for case in data["cases"]:
        target = bases[case["base"]]
        out[case["name"]] = run_kubectl(kubectl, target, case["patch"], case.get("type", "strategic"))
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

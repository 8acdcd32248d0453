"""Regenerate the serialize goldens from the real kubectl (v1.32).

For every ``<name>.in.json`` here, kubectl prints the object back with
``kubectl patch --local -f <in> -p '{}' --type merge -o json|yaml``; the outputs
are stored as ``<name>.out.json`` and ``<name>.out.yaml``.  ``--corpus`` first
copies single-document examples from the shared corpus (converted to JSON by
kubectl itself) in as extra inputs.

    .venv/bin/python tests/unit/golden/serialize/regen.py [--corpus]
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
KUBECTL = "/usr/bin/kubectl"
CORPUS = pathlib.Path(__file__).resolve().parents[4] / "minikctl" / "k8s_examples"


def kubectl_print(path: pathlib.Path, fmt: str) -> str:
    r = subprocess.run(
        [KUBECTL, "patch", "--local", "-f", str(path), "-p", "{}", "--type", "merge", "-o", fmt],
        capture_output=True, text=True, check=True,
    )
    return r.stdout


def add_corpus(limit: int = 60) -> None:
    rows = (CORPUS / "INDEX.tsv").read_text().splitlines()[1:]
    n = 0
    for row in rows:
        cols = row.split("\t")
        path, n_docs, status = cols[0], cols[2], cols[6]
        if status != "ok" or n_docs != "1":
            continue
        src = CORPUS / path
        name = "corpus-" + path.replace("/", "-").rsplit(".", 1)[0]
        try:
            text = kubectl_print(src, "json")
        except subprocess.CalledProcessError:
            continue
        (HERE / f"{name}.in.json").write_text(text)
        n += 1
        if n >= limit:
            break


def main() -> None:
    if "--corpus" in sys.argv:
        add_corpus()
    for inp in sorted(HERE.glob("*.in.json")):
        stem = inp.name[: -len(".in.json")]
        (HERE / f"{stem}.out.json").write_text(kubectl_print(inp, "json"))
        (HERE / f"{stem}.out.yaml").write_text(kubectl_print(inp, "yaml"))


if __name__ == "__main__":
    main()

"""The regression corpus (corpus.jsonl, made by make_corpus.py): every input ends with exit code 0 or 1, never an
internal error or a traceback, and an input refused outright (exit 1, nothing on stdout) leaves the store byte for
byte as it was. Runs in-process against a copy of one seeded store per input."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from runner import Runner

CORPUS = Path(__file__).with_name("corpus.jsonl")
SEED = """apiVersion: v1
kind: Pod
metadata: {name: ok, labels: {app: ok}}
spec:
  containers:
  - name: c
    image: busybox
    command: [sh, -c, 'echo started; sleep 999999999']
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx:1.14.2}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {k: v}
"""


def load_corpus() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    home = tmp_path_factory.mktemp("fuzz-seed")
    r = Runner(home)
    code, _out, err = r.run(["apply", "-f", "-"], SEED, tick="1s")
    assert code == 0, err
    assert r.run(["clock", "advance", "30s"])[0] == 0
    import sqlite3

    conn = sqlite3.connect(r.db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return r, Path(r.db).read_bytes(), r.db_bytes()


def _restore(r: Runner, raw: bytes) -> None:
    for suffix in ("-wal", "-shm"):
        try:
            os.remove(r.db + suffix)
        except FileNotFoundError:
            pass
    Path(r.db).write_bytes(raw)


def test_corpus_is_big_enough():
    assert len(load_corpus()) >= 1000


def test_corpus(seeded, tmp_path):
    r, raw, dump = seeded
    work = Runner(tmp_path / "home")
    failures = []
    started = time.monotonic()
    slow = []
    for i, item in enumerate(load_corpus()):
        _restore(work, raw)
        t0 = time.monotonic()
        code, out, err = work.run(item["args"], item.get("stdin"))
        if time.monotonic() - t0 > 2:
            slow.append(f"#{i} {time.monotonic() - t0:.1f}s {item['args'][:6]!r}")
        bad = None
        if code not in (0, 1):
            bad = f"exit code {code}"
        elif "internal error" in err or "Traceback" in err:
            bad = "internal error"
        elif code == 1 and not out and work.db_bytes() != dump:
            bad = "refused, yet the store changed"
        if bad:
            failures.append(f"#{i} {bad}: {item['args']!r} stdin={str(item.get('stdin'))[:120]!r}\n   {err[:300]}")
    took = time.monotonic() - started
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])
    print(f"corpus: {len(load_corpus())} inputs in {took:.1f}s; slow: {slow}")
    shutil.rmtree(tmp_path / "home", ignore_errors=True)

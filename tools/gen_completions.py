"""Regenerate completions/ from the CLI itself: `python tools/gen_completions.py`.

Each file is what `minikctl completion <shell>` prints (the wheel installs them where bash-completion, zsh and
fish look); tests/e2e/test_completions.py fails when a committed file differs from a fresh one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FILES = {"bash": "minikctl.bash", "zsh": "_minikctl", "fish": "minikctl.fish"}


def generate(shell: str) -> str:
    done = subprocess.run([sys.executable, "-m", "minikctl", "completion", shell], capture_output=True, text=True,
                          check=True)
    return done.stdout


def main() -> int:
    out = Path(__file__).resolve().parent.parent / "completions"
    for shell, name in FILES.items():
        (out / name).write_text(generate(shell), encoding="utf-8")
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

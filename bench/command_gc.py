"""The cyclic garbage collector's thresholds every minikctl command runs with (minikctl/cli/app.py
``GC_THRESHOLDS``, set by ``_main``), for benches that time an engine call in their own process: with the
interpreter's defaults, collections land in the timed part that the command does not pay (the CronJob bench's
24 h advance: ~570 young and 4 full collections, 0.3-0.4 s)."""

from __future__ import annotations

import gc


def collect_as_a_command() -> None:
    from minikctl.cli.app import GC_THRESHOLDS

    gc.set_threshold(*GC_THRESHOLDS)

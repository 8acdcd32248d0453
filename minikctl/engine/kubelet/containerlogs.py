"""A container instance's log as the kubelet serves it (``GET /containerLogs``): the lines of its current log file
(``store/logs.py``), with the stretches the engine fast-forwarded (``behavior/periodic.py``) printed on demand."""

from __future__ import annotations

import json

from minikctl.store import logs as store_logs


def lines(tx, inst, *, now: int, tail: int | None = None, since_ms: int | None = None,
          after_seq: int | None = None) -> list[tuple[int, int, str]]:
    """[(seq, ms, line)] of ``inst`` (an ``InstanceRecord``): all of them, the last ``tail``, those at or after
    ``since_ms``, or those numbered ``after_seq`` and later."""
    end = inst.finished_at if inst.finished_at is not None else now
    out: list[tuple[int, int, str]] = []
    legacy = inst.logs  # a record from before the log table, not yet moved into it
    if legacy:
        out = [(i - len(legacy), int(ms), line) for i, (ms, line) in enumerate(legacy)]
    for seq, ms, n, body in store_logs.entries(tx, inst.id, end_ms=end, tail=tail, since_ms=since_ms,
                                               after_seq=after_seq):
        if n == 1:
            out.append((seq, ms, body))
            continue
        first = 0
        count = n
        if tail is not None:
            first = max(0, n - tail)  # only the end of a long stretch is asked for
            count = n - first
        elif after_seq is not None and after_seq > seq:
            first = after_seq - seq
            count = n - first
        from minikctl.engine.behavior import periodic

        if since_ms is not None and tail is None and after_seq is None:
            first = periodic.first_line_at(json.loads(body), since_ms)  # the lines before it are not asked for
            count = n - first
        for i, (t, line) in enumerate(periodic.render(json.loads(body), first, count)):
            out.append((seq + first + i, t, line))
    if tail is not None:
        out = out[-tail:] if tail > 0 else []
    if since_ms is not None:
        out = [x for x in out if x[1] >= since_ms]
    if after_seq is not None:
        out = [x for x in out if x[0] >= after_seq]
    return out


def move_legacy(tx, ns: str, name: str, inst) -> None:
    """Lines a record of an older store carries move to the log table."""
    if inst.logs:
        store_logs.append(tx, ns, name, inst.id, [(int(ms), line) for ms, line in inst.logs])
        inst.logs = []

"""A container instance's log as the kubelet serves it (``GET /containerLogs``): the lines of its current log file
(``store/logs.py``), with the stretches a steady loop's fast-forward left (``behavior/periodic.py``) printed on
demand. A stretch may reach past the clock (the process is ahead of it until someone needs it): only its lines
printed by ``now`` are shown."""

from __future__ import annotations

import json

from minikctl.store import logs as store_logs


def lines(tx, inst, *, now: int, tail: int | None = None, since_ms: int | None = None,
          after_seq: int | None = None) -> list[tuple[int, int, str]]:
    """[(seq, ms, line)] of ``inst`` (an ``InstanceRecord``): all of them, the last ``tail``, those at or after
    ``since_ms``, or those numbered ``after_seq`` and later."""
    end = inst.finished_at if inst.finished_at is not None else now
    got = _lines(tx, inst, now, end, tail, since_ms, after_seq)
    if tail is not None and len(got) < tail:
        got = _lines(tx, inst, now, end, None, since_ms, after_seq)  # a stretch ahead of the clock hid some
    if tail is not None:
        got = got[-tail:] if tail > 0 else []
    return got


def _lines(tx, inst, now, end, tail, since_ms, after_seq) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    legacy = inst.logs  # a record from before the log table, not yet moved into it
    if legacy:
        out = [(i - len(legacy), int(ms), line) for i, (ms, line) in enumerate(legacy)]
    for seq, ms, n, body in store_logs.entries(tx, inst.id, end_ms=end, tail=tail, since_ms=since_ms,
                                               after_seq=after_seq):
        if n == 1:
            if ms <= now:
                out.append((seq, ms, body))
            continue
        from minikctl.engine.behavior import periodic

        desc = json.loads(body)
        n = periodic.visible(desc, n, now)
        first = 0
        if tail is not None:
            first = max(0, n - tail)  # only the end of a long stretch is asked for
        elif after_seq is not None and after_seq > seq:
            first = min(n, after_seq - seq)
        elif since_ms is not None:
            first = periodic.first_line_at(desc, since_ms, n)
        for i, (t, line) in enumerate(periodic.render(desc, first, n - first)):
            out.append((seq + first + i, t, line))
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

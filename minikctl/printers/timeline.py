"""`minikctl timeline`: a pod's phase, conditions and container states over virtual time.

Plain text (a kubectl-style table, one row per recorded change) everywhere; on a terminal, a rich
chart with one bar per condition and per container. This is the only module that imports rich.
"""

from __future__ import annotations

from minikctl.kube.timefmt import human_duration, rfc3339
from minikctl.printers.table import table

CONDITIONS = ("PodScheduled", "PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready")


def _offset(ms: int, start: int) -> str:
    return "+" + human_duration((ms - start) / 1000.0)


def _container_cell(state: list) -> str:
    text, ready, restarts = state
    flags = []
    if ready:
        flags.append("ready")
    if restarts:
        flags.append(f"restarts={restarts}")
    return text + (f" ({', '.join(flags)})" if flags else "")


def rows(entries: list[tuple[int, dict]], created_ms: int) -> tuple[list[str], list[list[str]]]:
    names: list[str] = []
    for _, s in entries:
        for n in s["containers"]:
            if n not in names:
                names.append(n)
    headers = ["TIME", "AFTER", "PHASE", "CONDITIONS"] + [n.upper() for n in names]
    out = []
    for at, s in entries:
        true = [c for c in CONDITIONS if s["conditions"].get(c) == "True"]
        phase = s["phase"] + (" (deleting)" if s.get("deleting") else "")
        row = [rfc3339(at), _offset(at, created_ms), phase or "<none>", ",".join(true) or "<none>"]
        row += [_container_cell(s["containers"][n]) if n in s["containers"] else "-" for n in names]
        out.append(row)
    return headers, out


def plain(entries: list[tuple[int, dict]], created_ms: int) -> str:
    headers, body = rows(entries, created_ms)
    return table(headers, body)


_STATE_STYLE = (("Running", "green"), ("Waiting", "yellow"), ("Terminated:Completed", "blue"), ("Terminated", "red"))


def _style(text: str) -> str:
    for prefix, style in _STATE_STYLE:
        if text.startswith(prefix):
            return style
    return "white"


def chart(pod_name: str, entries: list[tuple[int, dict]], created_ms: int, now_ms: int) -> None:
    """Draw the rich chart on the terminal."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    width = max(20, console.width - 34)
    span = max(1, now_ms - created_ms)

    def bar(segments: list[tuple[int, str, str]]) -> Text:
        text = Text()
        for i, (start, label, style) in enumerate(segments):
            end = segments[i + 1][0] if i + 1 < len(segments) else now_ms
            cells = max(1, round((end - start) / span * width))
            text.append((label[:cells]).ljust(cells, "─" if style == "dim" else " "), style=f"black on {style}"
                        if style != "dim" else "dim")
        return text

    grid = Table(title=f"pod/{pod_name}: {human_duration(span / 1000)} of virtual time", show_header=True,
                 header_style="bold", box=None, expand=False)
    grid.add_column("", no_wrap=True)
    grid.add_column(f"{rfc3339(created_ms)} → {rfc3339(now_ms)}", no_wrap=True)
    phases = [(at, s["phase"], {"Running": "green", "Pending": "yellow", "Succeeded": "blue"}.get(s["phase"], "red"))
              for at, s in entries]
    grid.add_row("phase", bar(_squash(phases)))
    for cond in CONDITIONS:
        segs = [(at, s["conditions"].get(cond, "-"), "green" if s["conditions"].get(cond) == "True" else
                 ("red" if s["conditions"].get(cond) == "False" else "dim")) for at, s in entries]
        grid.add_row(cond, bar(_squash(segs)))
    names: list[str] = []
    for _, s in entries:
        names += [n for n in s["containers"] if n not in names]
    for n in names:
        segs = []
        for at, s in entries:
            st = s["containers"].get(n)
            label = st[0].split(":", 1)[-1] if st else "-"
            segs.append((at, label, _style(st[0]) if st else "dim"))
        grid.add_row(n, bar(_squash(segs)))
    console.print(grid)


def _squash(segments: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []
    for seg in segments:
        if not out or (out[-1][1], out[-1][2]) != (seg[1], seg[2]):
            out.append(seg)
    return out

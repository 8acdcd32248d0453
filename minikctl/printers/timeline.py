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


# The picture: one lane per container, each cell one state, with a character of its own (readable without colour,
# NO_COLOR) and a colour; a container's instances (restarts) alternate shades and each starts with a bar.
STATES = (  # key, character, style, legend
    ("ready", "█", "green", "running, ready"),
    ("running", "▓", "dark_green", "running, not ready"),
    ("creating", "░", "yellow", "waiting"),
    ("backoff", "~", "red", "back-off"),
    ("completed", "▁", "blue", "completed"),
    ("failed", "×", "red", "error/OOMKilled"),
)
_CHAR = {k: ch for k, ch, _, _ in STATES}
_COLOR = {k: st for k, _, st, _ in STATES}
MARKERS = (  # event reason -> marker (on the lane under the container's)
    ("Pulling", "p"), ("Pulled", "P"), ("Started", "S"), ("Unhealthy", "!"), ("Killing", "K"), ("BackOff", "B"),
    ("Failed", "F"), ("OOMKilling", "O"),
)
_MARK = dict(MARKERS)
QUIET_CELLS = 3  # a compressed quiet stretch of the axis
NICE_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400, 7 * 86400)


def _kind(state: list | None) -> str | None:
    if not state:
        return None
    text, ready = state[0], state[1]
    if text.startswith("Running"):
        return "ready" if ready else "running"
    if text.startswith("Terminated"):
        return "completed" if text.startswith("Terminated:Completed") else "failed"
    if "BackOff" in text or "ErrImage" in text or "Err" in text.split(":", 1)[-1][:3]:
        return "backoff"
    return "creating"


class Axis:
    """Virtual time to cells: linear, except that quiet stretches (long gaps between two things that happened)
    take QUIET_CELLS each, so the picture spends its width where something changes."""

    def __init__(self, start: int, end: int, moments: list[int], width: int) -> None:
        self.start, self.end = start, max(end, start + 1)
        points = sorted({start, self.end, *[m for m in moments if start <= m <= self.end]})
        span = self.end - self.start
        gaps = [(a, b) for a, b in zip(points, points[1:])]
        quiet = [(a, b) for a, b in gaps if b - a > span / 4 and b - a >= 10 * 60_000]
        busy_ms = span - sum(b - a for a, b in quiet)
        cells = max(10, width - QUIET_CELLS * len(quiet))
        self.quiet = quiet
        self.width = cells + QUIET_CELLS * len(quiet)
        self.scale = cells / max(1, busy_ms)  # cells per ms outside the quiet stretches

    def cell(self, t: int) -> int:
        t = min(max(t, self.start), self.end)
        x = 0.0
        prev = self.start
        for a, b in self.quiet:
            if t <= a:
                break
            x += (a - prev) * self.scale
            if t < b:
                return min(self.width - 1, int(x + (t - a) / (b - a) * QUIET_CELLS))
            x += QUIET_CELLS
            prev = b
        x += (t - prev) * self.scale
        return min(self.width - 1, int(x))

    def in_quiet(self, cell: int) -> bool:
        return any(self.cell(a) <= cell < self.cell(a) + QUIET_CELLS for a, _ in self.quiet)

    def ticks(self) -> list[tuple[int, str]]:
        busy_s = (self.width - QUIET_CELLS * len(self.quiet)) / self.scale / 1000 if self.scale else 1
        per_cell_s = busy_s / max(1, self.width - QUIET_CELLS * len(self.quiet))
        step = next((s for s in NICE_STEPS_S if s / per_cell_s >= 10), NICE_STEPS_S[-1])
        out: list[tuple[int, str]] = []
        t = 0
        while self.start + t * 1000 <= self.end:
            at = self.start + t * 1000
            if not any(a < at < b for a, b in self.quiet):
                out.append((self.cell(at), "+" + human_duration(t)))
            t += step
        for a, b in self.quiet:  # each quiet stretch resumes with its own label
            out.append((self.cell(b), "+" + human_duration((b - self.start) / 1000)))
        return sorted(out)


def _lane(axis: Axis, pieces: list[tuple[int, int, str | None, int]]) -> list[tuple[str, str]]:
    """Cells of a lane from (start, end, kind, instance) pieces: (character, style) per cell."""
    cells: list[tuple[str, str]] = [(" ", "")] * axis.width
    last_instance = None
    for start, end, kind, instance in pieces:
        if kind is None:
            last_instance = None
            continue
        a, b = axis.cell(start), max(axis.cell(start) + 1, axis.cell(end))
        shade = "" if instance % 2 else " dim"
        for x in range(a, min(b, axis.width)):
            cells[x] = (_CHAR[kind], _COLOR[kind] + (shade if kind in ("ready", "running") else ""))
        if kind in ("ready", "running") and last_instance is not None and instance != last_instance and a < axis.width:
            cells[a] = ("┃", "bold white")  # a new instance of the container: a restart
        if kind in ("ready", "running"):
            last_instance = instance
    return cells


def _pieces(entries: list[tuple[int, dict]], name: str, now_ms: int) -> list[tuple[int, int, str | None, int]]:
    """(start, end, state kind, instance number) of one container, from the recorded changes."""
    out: list[tuple[int, int, str | None, int]] = []
    for i, (at, s) in enumerate(entries):
        end = entries[i + 1][0] if i + 1 < len(entries) else now_ms
        st = s["containers"].get(name)
        kind = _kind(st)
        instance = (st[2] if st else 0) + (0 if kind in ("backoff",) else 1)
        if out and out[-1][2] == kind and out[-1][3] == instance:
            out[-1] = (out[-1][0], end, kind, instance)
        else:
            out.append((at, end, kind, instance))
    return out


def picture(pod_name: str, entries: list[tuple[int, dict]], created_ms: int, now_ms: int,
            events: list[dict], width: int):
    """The timeline as a rich renderable: a lane for the phase and Ready, one per container with its instances,
    one of event markers under it, a time axis (quiet stretches compressed) and a legend."""
    from rich.console import Group
    from rich.text import Text

    from minikctl.kube.timefmt import parse_rfc3339

    names: list[str] = []
    for _, s in entries:
        names += [n for n in s["containers"] if n not in names]
    marks: dict[str, list[tuple[int, str, int]]] = {n: [] for n in names}
    counts: dict[str, dict[str, int]] = {n: {} for n in names}
    moments = [at for at, _ in entries]
    for ev in events:
        path = (ev.get("involvedObject") or {}).get("fieldPath") or ""
        reason = ev.get("reason") or ""
        name = path[path.find("{") + 1:-1] if "{" in path else ""
        key = name if name in marks else ("init:" + name if "init:" + name in marks else None)
        if key is None or reason not in _MARK:
            continue
        count = int(ev.get("count") or 1)
        counts[key][reason] = counts[key].get(reason, 0) + count
        for stamp in {ev.get("firstTimestamp"), ev.get("lastTimestamp")} - {None, ""}:
            try:
                t = parse_rfc3339(stamp)
            except ValueError:
                continue
            marks[key].append((t, reason, count))
            moments.append(t)
    label_w = max([len("phase"), len("Ready")] + [len(n) + 2 for n in names]) + 1
    axis = Axis(created_ms, now_ms, moments, max(20, width - label_w - 1))
    lines: list[Text] = [Text(f"pod/{pod_name}: {human_duration(max(0, now_ms - created_ms) / 1000)} of virtual "
                              f"time, {rfc3339(created_ms)} → {rfc3339(now_ms)}", style="bold")]

    def row(label: str, cells: list[tuple[str, str]]) -> Text:
        t = Text(label.ljust(label_w))
        for ch, st in cells:
            t.append(ch, style=st or None)
        return t

    phase_style = {"Running": "green", "Pending": "yellow", "Succeeded": "blue"}
    phase_char = {"Running": "█", "Pending": "░", "Succeeded": "▁"}
    cells: list[tuple[str, str]] = [(" ", "")] * axis.width
    ready = list(cells)
    for i, (at, s) in enumerate(entries):
        end = entries[i + 1][0] if i + 1 < len(entries) else now_ms
        a, b = axis.cell(at), max(axis.cell(at) + 1, axis.cell(end))
        ph = s["phase"]
        for x in range(a, min(b, axis.width)):
            cells[x] = (phase_char.get(ph, "×"), phase_style.get(ph, "red"))
            r = s["conditions"].get("Ready")
            ready[x] = ("█", "green") if r == "True" else (("·", "red") if r == "False" else (" ", ""))
    lines.append(row("phase", cells))
    lines.append(row("Ready", ready))
    for n in names:
        pieces = _pieces(entries, n, now_ms)
        lines.append(row(n, _lane(axis, pieces)))
        lane: list[tuple[str, str]] = [(" ", "")] * axis.width
        for t, reason, _ in sorted(marks[n]):
            x = axis.cell(t)
            lane[x] = (_MARK[reason], "bold red" if reason in ("Unhealthy", "Killing", "BackOff", "Failed",
                                                               "OOMKilling") else "cyan")
        lines.append(row("", lane))
        instances = sorted({p[3] for p in pieces if p[2] in ("ready", "running", "completed", "failed")})
        summary = ", ".join(f"{r} ×{c}" for r, c in counts[n].items())
        lines.append(Text(" " * label_w + f"{len(instances)} instance{'s' if len(instances) != 1 else ''}"
                          + (f"; events: {summary}" if summary else ""), style="dim"))
    # the axis: ticks, and the quiet stretches said in words
    rule = ["─"] * axis.width
    labels = [" "] * axis.width
    for x, text in axis.ticks():
        at = min(x, axis.width - len(text))  # the last label ends at the right edge
        if 0 <= at and x < axis.width and all(c == " " for c in labels[max(0, at - 1):at + len(text)]):
            rule[x] = "┬"
            labels[at:at + len(text)] = list(text)
    for a, _ in axis.quiet:
        for x in range(axis.cell(a), min(axis.width, axis.cell(a) + QUIET_CELLS)):
            rule[x] = "≈"
    lines.append(Text(" " * label_w + "".join(rule), style="dim"))
    lines.append(Text(" " * label_w + "".join(labels)))
    for a, b in axis.quiet:
        lines.append(Text(" " * label_w + f"≈ {human_duration((b - a) / 1000)} with no change compressed "
                          f"(+{human_duration((a - created_ms) / 1000)} to +{human_duration((b - created_ms) / 1000)})",
                          style="dim"))
    items = [(ch, st, text) for _, ch, st, text in STATES] + [("┃", "bold white", "restart: a new instance")]
    lines += _legend("states: ", items, width)
    lines += _legend("events: ", [(ch, "cyan", reason) for reason, ch in MARKERS], width)
    return Group(*lines)


def _legend(title: str, items: list[tuple[str, str, str]], width: int) -> list:
    """Legend lines: each item (character, style, meaning) whole, wrapped under the title at ``width``."""
    from rich.text import Text

    lines = [Text(title)]
    for ch, style, text in items:
        if lines[-1].cell_len + len(text) + 3 > width and lines[-1].cell_len > len(title):
            lines.append(Text(" " * len(title)))
        lines[-1].append(ch, style=style)
        lines[-1].append(f" {text}  ")
    return lines


def chart(pod_name: str, entries: list[tuple[int, dict]], created_ms: int, now_ms: int,
          events: list[dict] | None = None, svg: str | None = None) -> None:
    """Draw the picture on the terminal (or, with ``svg``, into that file: rich's recording console)."""
    import io

    from rich.console import Console

    if svg:
        console = Console(record=True, file=io.StringIO(), width=120, force_terminal=True)
    else:
        console = Console()
    console.print(picture(pod_name, entries, created_ms, now_ms, events or [], console.width))
    if svg:
        console.save_svg(svg, title=f"minikctl timeline {pod_name}")

"""kubectl's table printer: cells joined by TABs through Go's tabwriter with minwidth 6, padding 3."""

from __future__ import annotations

from minikctl.printers.tabwriter import tabwrite

_CUT = ("\n", "\r", "\f")


def clean_cell(value: str) -> str:
    """Cells are cut at the first newline-like character and end with '...' (tableprinter); TABs would split cells."""
    if "\n" in value or "\r" in value or "\f" in value:
        value = value[: min(i for i in (value.find(ch) for ch in _CUT) if i >= 0)] + "..."
    return value.replace("\t", " ") if "\t" in value else value


def table(headers: list[str], rows: list[list[str]], *, no_headers: bool = False, header_alone: bool = False) -> str:
    """The rows (and headers) aligned in columns, ending with a newline; empty when there are no rows (unless
    ``header_alone``: the header line is printed even then)."""
    if not rows and (no_headers or not header_alone):
        return ""
    body = [headers] if not no_headers else []
    for r in rows:
        text = "".join(r)  # most rows need no cleaning: one look at all their cells
        body.append([clean_cell(c) for c in r] if "\n" in text or "\r" in text or "\f" in text or "\t" in text
                    else r)
    ncols = len(body[0])
    if all(len(r) == ncols for r in body):
        # every line has every column: one block per column, so tabwriter's widths are simply the maxima
        widths = [max(6, max(map(len, column)) + 3) for column in list(zip(*body))[:-1]]
        line = "".join(f"%-{w}s" for w in widths) + "%s\n"  # each cell left-justified to its column's width
        return "".join([line % tuple(r) for r in body])
    return tabwrite("".join("\t".join(r) + "\n" for r in body), minwidth=6, padding=3)

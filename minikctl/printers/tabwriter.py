"""Go's text/tabwriter (left-aligned, space padding), which both kubectl's tables and describe go through.

A cell is text terminated by a TAB; the text after a line's last TAB is not part of any column.
A column block is a run of consecutive lines that all have a cell in that column; each block is
as wide as its widest cell plus the padding (at least minwidth). A line without that cell ends
the block, which is why describe's sections align independently.
"""

from __future__ import annotations


def tabwrite(text: str, *, minwidth: int, padding: int) -> str:
    lines = text.split("\n")
    trailing_newline = lines and lines[-1] == ""
    if trailing_newline:
        lines.pop()
    cells = [line.split("\t") for line in lines]
    out: list[str] = []
    _format(cells, 0, len(cells), [], minwidth, padding, out)
    return "\n".join(out) + ("\n" if trailing_newline else "")


def _format(cells: list[list[str]], line0: int, line1: int, widths: list[int], minwidth: int, padding: int,
            out: list[str]) -> None:
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(cells[this]) - 1:
            this += 1
            continue
        _write(cells, line0, this, widths, out)
        line0 = this
        width = minwidth
        while this < line1 and column < len(cells[this]) - 1:
            w = len(cells[this][column]) + padding
            if w > width:
                width = w
            this += 1
        widths.append(width)
        _format(cells, line0, this, widths, minwidth, padding, out)
        widths.pop()
        line0 = this
    _write(cells, line0, line1, widths, out)


def _write(cells: list[list[str]], line0: int, line1: int, widths: list[int], out: list[str]) -> None:
    for i in range(line0, line1):
        row = cells[i]
        parts = []
        for j, cell in enumerate(row):
            if j < len(widths) and j < len(row) - 1:
                parts.append(cell + " " * (widths[j] - len(cell)))
            else:
                parts.append(cell)
        out.append("".join(parts))

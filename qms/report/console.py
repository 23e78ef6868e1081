"""Where text goes: a console for the terminal, or for a file, a pipe or a CI log, and tables that never cut a word.

In a terminal a table fits the screen, and only at spaces: an id, a commit id, a date or a role is one word and
never folds; when even the words do not fit, the lines run past the edge and the terminal wraps them. Anywhere
else (`qms history QP-01 > h.txt`, a CI log) nothing is wrapped or cut, ever: that text is the record.
"""

from __future__ import annotations

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

UNBOUNDED = 1_000_000  # columns: wide enough for any line of any record


def console(stderr: bool = False) -> Console:
    """A console for stdout (or stderr): the terminal's width in a terminal, no width at all anywhere else."""
    out = Console(highlight=False, stderr=stderr)
    if not out.is_terminal:
        out.width = UNBOUNDED
    return out


def print_table(out: Console, table: Table) -> None:
    """Print `table` so that no word of any cell is folded or cut, in a terminal or not."""
    options = out.options.update_width(UNBOUNDED)
    if Measurement.get(out, options, table).maximum <= out.width:
        out.print(table)  # it fits as it is (always so in a file, a pipe or a CI log)
        return
    # Rich shares a narrow screen out evenly, even a commit id's column: give each column its widths here instead.
    spans = []
    for column in table.columns:
        cells = [Measurement.get(out, options, cell) for cell in [column.header, *column.cells]]
        widest = max(cell.maximum for cell in cells)
        spans.append((widest if column.no_wrap else max(cell.minimum for cell in cells), widest))
    padding = sum(table._get_padding_width(index) for index in range(len(table.columns)))
    widths = [least for least, _ in spans]
    spare = max(out.width - padding - sum(widths), 0)
    by_need = sorted(range(len(spans)), key=lambda index: spans[index][1] - spans[index][0])
    for done, index in enumerate(by_need):  # an even share of what is left, the modest columns first
        given = min(spare // (len(by_need) - done), spans[index][1] - widths[index])
        widths[index] += given
        spare -= given
    for column, width in zip(table.columns, widths):
        column.width = width
    screen = out.width
    out.width = max(screen, sum(widths) + padding)  # wider than the screen: the terminal wraps the lines
    try:
        out.print(table)
    finally:
        out.width = screen

"""Where text goes and how tables fit there: a terminal (colour, its own width up to MAX_WIDTH)
or a pipe or file (plain, no width at all).

A pipe has no width to wrap to, so nothing there is wrapped or cut: `dpt goal list | grep`
finds every row whole. At a terminal a table too wide for it gives way in its free-text
columns first (notes, what you tried: they wrap), then in its widest cells, which are
shortened with an ellipsis; a title is never split over two lines. The full text is always in
the JSON and in a pipe.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Collection, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

MAX_WIDTH = 100
PIPE_WIDTH = 1_000_000
"""A console's width in a pipe or a file: wider than any line, so nothing wraps."""
NOTHING = "—"
"""The placeholder of an empty cell, in every table."""

_GAP = 3
"""Columns between two cells: padding, the separator, padding (SIMPLE_HEAD, no edge)."""
_WRAP_MIN = 10
"""A free-text column is wrapped down to this width before any other cell is shortened."""
_TITLE_MIN = 16
"""Then the widest cells (titles, paths) are shortened, down to this width, before the short
ones (times, counts) are."""
_CELL_MIN = 4


def terminal_console(most: int | None = MAX_WIDTH) -> Console:
    """stdout as rich sees it: colour on a terminal (NO_COLOR honoured), its width up to
    `most` (a report reads best at MAX_WIDTH; a lone table may take the whole terminal)."""
    console = Console(highlight=False, emoji=False)
    console.width = min(console.width, most or console.width)
    return console


def plain(draw: Callable[[Console], None], width: int = PIPE_WIDTH) -> str:
    """What `draw` prints, for a pipe or a file: no escape codes, no trailing blanks, and no
    wrapping unless a `width` is given (an editor's message box has one)."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, no_color=True, width=width,
                      highlight=False, emoji=False)
    draw(console)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _shrink(widths: list[int], room: int, allowed: Sequence[bool], floor: int) -> None:
    """Narrow the widest allowed column by one until the widths fit `room` or reach `floor`."""
    while sum(widths) > room:
        candidates = [i for i, w in enumerate(widths) if allowed[i] and w > floor]
        if not candidates:
            return
        widths[max(candidates, key=lambda i: widths[i])] -= 1


def fit_widths(natural: Sequence[int], wrap: Sequence[bool], room: int) -> list[int]:
    """Column widths within `room`: free-text columns give way first, then the widest."""
    widths = list(natural)
    _shrink(widths, room, wrap, _WRAP_MIN)
    for floor in (_TITLE_MIN, _CELL_MIN):
        _shrink(widths, room, [True] * len(widths), floor)
    return widths


def fitted_table(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int, *,
                 wrap: Collection[str] = (), styles: Sequence[str] = ()) -> Table:
    """A table no wider than `width`; only the columns named in `wrap` may take two lines."""
    natural = [max(cell_len(line) for cell in (name, *(row[i] for row in rows))
                   for line in cell.split("\n"))
               for i, name in enumerate(columns)]
    free = [name in wrap for name in columns]
    widths = fit_widths(natural, free, width - _GAP * (len(columns) - 1))
    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for name, column_width, wraps in zip(columns, widths, free, strict=True):
        grid.add_column(name, width=column_width, no_wrap=not wraps,
                        overflow="fold" if wraps else "ellipsis")
    for index, row in enumerate(rows):
        grid.add_row(*(Text(cell) for cell in row),
                     style=styles[index] if index < len(styles) else "")
    return grid

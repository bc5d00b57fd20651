"""The terminal report: a document printed with rich, in colour on a terminal and as plain
text (no escape codes) when piped or written to a file. Fits 80 columns."""

from __future__ import annotations

import io
import sys

from rich import box
from rich.console import Console
from rich.rule import Rule
from rich.table import Table as RichTable
from rich.text import Text

from dptelemetry.limits import shown
from dptelemetry.render.document import (
    Bullets,
    Document,
    Paragraph,
    Section,
    StripBlock,
    Table,
)
from dptelemetry.render.strip import ASCII, UNICODE, Glyphs, Strip

MAX_WIDTH = 100
FILE_WIDTH = 80

TONES = {"comfort": "green", "learning": "yellow", "panic": "bold red", "good": "bold green",
         "bad": "red"}


def glyphs_for(encoding: str | None) -> Glyphs:
    """Unicode marks where the output can encode them, ASCII otherwise."""
    return UNICODE if (encoding or "").lower().replace("-", "").startswith("utf") else ASCII


def terminal_console() -> Console:
    """stdout as rich sees it: colour on a terminal (NO_COLOR honoured), at most MAX_WIDTH."""
    console = Console(highlight=False, emoji=False)
    console.width = min(console.width, MAX_WIDTH)
    return console


def plain_text(document: Document, width: int = FILE_WIDTH) -> str:
    """The report without escape codes or trailing blanks: for pipes and files."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, no_color=True, width=width,
                      highlight=False, emoji=False)
    print_document(console, document)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def stdout_glyphs() -> Glyphs:
    return glyphs_for(getattr(sys.stdout, "encoding", None))


def _strip_styles(glyphs: Glyphs) -> dict[str, str]:
    styles = {glyphs.pause: "yellow", glyphs.green: "bold green", glyphs.red: "bold red",
              glyphs.other: "dim", glyphs.commit: "magenta", glyphs.logged: "bold yellow",
              glyphs.detected: "yellow"}
    styles.update({c: "cyan" for c in glyphs.typing[1:]})
    return styles


def _strip(strip: Strip) -> list[Text]:
    letters = {letter: TONES[zone] for zone, letter in strip.glyphs.zones}
    styles = _strip_styles(strip.glyphs)
    lines = [Text(" " * 8 + strip.axis, style="dim", no_wrap=True, overflow="crop")]
    for lane in strip.lanes:
        line = Text(f"{lane.name:<8}", style="bold", no_wrap=True, overflow="crop")
        lane_styles = letters if lane.name == "zone" else styles
        for cell in lane.cells.rstrip():
            line.append(cell, style=lane_styles.get(cell, ""))
        lines.append(line)
    return lines


def _table(table: Table) -> RichTable:
    grid = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                     header_style="bold")
    for column in table.columns:
        grid.add_column(column, overflow="fold")
    for i, row in enumerate(table.rows):
        tone = table.tones[i] if table.tones else None
        grid.add_row(*(Text(shown(cell)) for cell in row), style=TONES.get(tone or "", ""))
    return grid


def _bullets(bullets: Bullets) -> RichTable:
    grid = RichTable.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for item in bullets.items:
        grid.add_row("-", Text(shown(item)))
    return grid


def _section(console: Console, section: Section) -> None:
    console.print()
    console.print(Rule(Text(shown(section.title), style="bold"), align="left", style="dim"))
    for block in section.blocks:
        if isinstance(block, Paragraph):
            console.print(Text(shown(block.text), style=TONES.get(block.tone or "", "")))
        elif isinstance(block, Bullets):
            console.print(_bullets(block))
        elif isinstance(block, Table):
            console.print(_table(block))
        elif isinstance(block, StripBlock):
            for line in _strip(block.strip):
                console.print(line)
    if section.note:
        console.print(Text(shown(section.note), style="dim italic"))


def print_document(console: Console, document: Document) -> None:
    console.print(Text(shown(document.title), style="bold"))
    console.print(Text(shown(document.headline)))
    for section in document.sections:
        _section(console, section)
    if document.footer:
        console.print()
        for line in document.footer:
            console.print(Text(shown(line), style="dim"))

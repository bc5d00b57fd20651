"""The terminal report: a document printed with rich, in colour on a terminal (fitted to its
width) and as plain text (no escape codes, nothing wrapped) when piped or written to a file."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.rule import Rule
from rich.table import Table as RichTable
from rich.text import Text

from dptelemetry.limits import shown
from dptelemetry.render.blocks import Bullets, Document, Paragraph, Section, StripBlock, Table
from dptelemetry.render.console import MAX_WIDTH, PIPE_WIDTH, fitted_table, plain
from dptelemetry.render.strip import ASCII, UNICODE, Glyphs, Strip

RULE_WIDTH = 80
"""A section's rule where the output has no width of its own (a pipe, a file)."""

TONES = {"comfort": "green", "learning": "yellow", "panic": "bold red", "good": "bold green"}


def glyphs_for(encoding: str | None) -> Glyphs:
    """Unicode marks where the output can encode them, ASCII otherwise."""
    return UNICODE if (encoding or "").lower().replace("-", "").startswith("utf") else ASCII


def plain_text(document: Document, width: int = PIPE_WIDTH) -> str:
    """The report without escape codes or trailing blanks: for pipes and files."""
    return plain(lambda console: print_document(console, document), width)


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


def _table(table: Table, width: int) -> RichTable:
    return fitted_table(table.columns, [[shown(cell) for cell in row] for row in table.rows],
                        width, wrap=table.wrap,
                        styles=[TONES.get(tone or "", "") for tone in table.tones])


def _bullets(bullets: Bullets) -> RichTable:
    grid = RichTable.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for item in bullets.items:
        grid.add_row("-", Text(shown(item)))
    return grid


def _section(console: Console, section: Section) -> None:
    console.print()
    console.print(Rule(Text(shown(section.title), style="bold"), align="left", style="dim"),
                  width=console.width if console.width <= MAX_WIDTH else RULE_WIDTH)
    for block in section.blocks:
        if isinstance(block, Paragraph):
            console.print(Text(shown(block.text), style=TONES.get(block.tone or "", "")))
        elif isinstance(block, Bullets):
            console.print(_bullets(block))
        elif isinstance(block, Table):
            console.print(_table(block, console.width))
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

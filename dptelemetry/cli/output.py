"""What the report commands share: reading a day from the command line, and writing a
document or text to the terminal, a pipe or a file."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Collection, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dptelemetry import clock
from dptelemetry.errors import DptError
from dptelemetry.private_files import write_private

if TYPE_CHECKING:
    from dptelemetry.render.blocks import Document
    from dptelemetry.render.strip import Glyphs

DocumentFor = Callable[["Glyphs"], "Document"]
"""Builds a document for a glyph set (Unicode, or ASCII where the output cannot encode it)."""


def today() -> date:
    """The local date now, by the clock events are stamped with."""
    from dptelemetry.analysis.days import local_date

    return local_date(clock.now())


FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)
"""The days a report can end on: from where timestamps begin to a year before the calendar
ends, so a report's window (its week, its history) never runs off either end."""


def parse_day(ctx: click.Context, param: click.Parameter, value: str) -> date:
    words = {"today": 0, "yesterday": 1}
    if value.lower() in words:
        return today() - timedelta(days=words[value.lower()])
    try:
        if len(value) != 10:
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date: use YYYY-MM-DD, today or yesterday") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise click.BadParameter(f"{value!r} is out of range: give a day from {FIRST_DAY} "
                                 f"to {LAST_DAY}")
    return day


DATE_OPTION = click.option(
    "--date", "day", default="today", show_default=True, callback=parse_day,
    metavar="YYYY-MM-DD|today|yesterday", help="The (last) day to report on, in local time.")
OUTPUT_OPTION = click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of stdout.")


def cannot_write(output: object, exc: OSError) -> DptError:
    """The one line for an output that cannot be written (missing folder, no access, a full
    disk); `-` is standard output."""
    where = "standard output" if str(output) == "-" else output
    return DptError(f"cannot write {where}: {exc.strerror or exc}")


def write_output(text: str, output: Path | None) -> None:
    """`text` to `output` (readable by you only: it holds your practice data), or to stdout
    when it is None or `-`."""
    try:
        if output is None or str(output) == "-":
            click.echo(text, nl=False)
        else:
            write_private(output, text)
    except BrokenPipeError:
        raise  # the reader left: the entry point's to handle
    except OSError as exc:
        raise cannot_write(output or "-", exc) from None


def write_document(document_for: DocumentFor, fmt: str, output: Path | None) -> None:
    """A document as `text` (colour on a terminal, plain text elsewhere) or `markdown`."""
    from dptelemetry.render import text
    from dptelemetry.render.console import terminal_console
    from dptelemetry.render.strip import UNICODE

    to_stdout = output is None or str(output) == "-"
    glyphs = text.stdout_glyphs() if to_stdout else UNICODE
    if fmt == "markdown":
        from dptelemetry.render.markdown import render_markdown

        write_output(render_markdown(document_for(glyphs)), output)
    elif to_stdout and sys.stdout.isatty():
        text.print_document(terminal_console(), document_for(glyphs))
    else:
        write_output(text.plain_text(document_for(glyphs)), output)


def write_table(columns: Sequence[str], rows: Sequence[Sequence[str]],
                wrap: Collection[str] = ()) -> None:
    """A table to stdout: fitted to a terminal's width, whole rows in a pipe."""
    from dptelemetry.render.console import fitted_table, plain, terminal_console

    if sys.stdout.isatty():
        console = terminal_console(most=None)
        console.print(fitted_table(columns, rows, console.width, wrap=wrap))
    else:
        write_output(plain(lambda console: console.print(
            fitted_table(columns, rows, console.width, wrap=wrap))), None)


def write_report(fmt: str, output: Path | None, *, json: Callable[[], str],
                 html: Callable[[], str], document: DocumentFor, page_name: str) -> None:
    """A report in `fmt`: its JSON text, its HTML page, or its document as text or
    markdown (each made only when asked for). An HTML page meant for a terminal, where it
    would be noise, goes to `page_name` in the data home's reports/ folder instead."""
    if fmt == "json":
        write_output(json(), output)
    elif fmt == "html" and output is None and sys.stdout.isatty():
        page = reports_file(page_name)
        write_output(html(), page)
        click.echo(f"Wrote {page}: open it in a browser.")
    elif fmt == "html":
        write_output(html(), output)
    else:
        write_document(document, fmt, output)


def reports_file(name: str) -> Path:
    """`name` (made safe as a file name) in the data home's private reports/ folder."""
    from dptelemetry.config import data_home
    from dptelemetry.private_files import private_dir

    try:
        folder = private_dir(data_home(), "reports")
    except OSError as exc:
        raise cannot_write(data_home() / "reports", exc) from None
    return folder / (re.sub(r"[^\w.-]+", "-", name).strip("-") + ".html")

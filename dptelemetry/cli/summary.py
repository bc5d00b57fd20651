"""`dpt summary`: one day's (or week's) practice summary in text, markdown, JSON or HTML."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dptelemetry import clock
from dptelemetry.errors import DptError

if TYPE_CHECKING:
    from dptelemetry.analysis.week import WeekSummary
    from dptelemetry.render.document import DayReport

FORMATS = ("text", "markdown", "json", "html")


def today() -> date:
    """The local date now, by the clock events are stamped with."""
    from dptelemetry.analysis.days import local_date

    return local_date(clock.now())


def parse_day(ctx: click.Context, param: click.Parameter, value: str) -> date:
    words = {"today": 0, "yesterday": 1}
    if value.lower() in words:
        return today() - timedelta(days=words[value.lower()])
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date: use YYYY-MM-DD, today or yesterday") from None


def write_output(text: str, output: Path | None) -> None:
    """`text` to `output`, or to stdout when it is None or `-`."""
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DptError(f"cannot write {output}: {exc.strerror or exc}") from None


def read_report(day: date, week: bool, with_week: bool) -> DayReport | WeekSummary:
    """The day's report (with its week when `with_week`), or the week ending on `day`."""
    from dptelemetry.analysis.next_session import next_session
    from dptelemetry.analysis.summary import summarize_day
    from dptelemetry.analysis.week import summarize_week
    from dptelemetry.cli.common import cli_config, cli_store
    from dptelemetry.plugins import get_plugin_manager
    from dptelemetry.render.document import DayReport

    config = cli_config()
    with cli_store() as store:
        manager = get_plugin_manager(config)
        report: DayReport | WeekSummary
        if week:
            report = summarize_week(store, day, config, manager=manager)
        else:
            daily = summarize_day(store, day, config, manager=manager)
            weekly = (summarize_week(store, day, config, manager=manager, known=daily)
                      if with_week and daily.sessions else None)
            report = DayReport(daily, next_session(daily), weekly)
    for failure in manager.failures:
        click.echo(f"dpt: warning: plugin {failure.plugin} failed in {failure.hook}: "
                   f"{failure.error}", err=True)
    return report


def render(report: DayReport | WeekSummary, fmt: str, output: Path | None) -> None:
    from dptelemetry.render.document import as_document

    if fmt == "json":
        from dptelemetry.render.json import render_json

        write_output(render_json(report), output)
    elif fmt == "html":
        from dptelemetry.render.html import render_html

        write_output(render_html(report), output)
    elif fmt == "markdown":
        from dptelemetry.render.markdown import render_markdown

        write_output(render_markdown(as_document(report)), output)
    else:
        from dptelemetry.render import text
        from dptelemetry.render.strip import UNICODE

        to_stdout = output is None or str(output) == "-"
        if to_stdout and sys.stdout.isatty():
            text.print_document(text.terminal_console(),
                                as_document(report, text.stdout_glyphs()))
        else:
            glyphs = text.stdout_glyphs() if to_stdout else UNICODE
            write_output(text.plain_text(as_document(report, glyphs)), output)


def html_file(day: date, week: bool) -> Path:
    """Where HTML goes when stdout is a terminal: a page printed there would be noise."""
    from dptelemetry.config import data_home

    folder = data_home() / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"dpt-{'week' if week else 'summary'}-{day.isoformat()}.html"


@click.command()
@click.option("--date", "day", default="today", show_default=True, callback=parse_day,
              metavar="YYYY-MM-DD|today|yesterday", help="The day to summarize (local time).")
@click.option("--week", is_flag=True,
              help="Summarize the seven days ending on --date instead of one day.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for the terminal, markdown for a journal, json for scripts (schema: "
                   "docs/summary-json.md), html for a self-contained page with charts.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of stdout. HTML meant for a terminal goes to a file "
                   "in the data home's reports/ folder instead.")
def summary(day: date, week: bool, fmt: str, output: Path | None) -> None:
    """Summarize a day of practice: goals, sessions and their zones, typing and pauses,
    test runs, commits, stuck moments, strain signals with their evidence, and one change
    to try next session. Every number names the thresholds that produced it.

    These are signals, not diagnoses."""
    if fmt == "html" and output is None and sys.stdout.isatty():
        output = html_file(day, week)
        render(read_report(day, week, with_week=True), fmt, output)
        click.echo(f"Wrote {output}: open it in a browser.")
        return
    render(read_report(day, week, with_week=fmt == "html"), fmt, output)

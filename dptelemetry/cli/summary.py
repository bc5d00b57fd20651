"""`dpt summary`: one day's (or week's) practice summary in text, markdown, JSON or HTML."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dptelemetry.cli.output import DATE_OPTION, OUTPUT_OPTION, write_report

if TYPE_CHECKING:
    from dptelemetry.analysis.week import WeekSummary
    from dptelemetry.render.blocks import Document
    from dptelemetry.render.document import DayReport
    from dptelemetry.render.strip import Glyphs

FORMATS = ("text", "markdown", "json", "html")


def read_report(day: date, week: bool, with_week: bool) -> DayReport | WeekSummary:
    """The day's report (with its week when `with_week`), or the week ending on `day`."""
    from dptelemetry.analysis.day_cache import DayCache
    from dptelemetry.cli.common import cli_config, cli_reader
    from dptelemetry.render.reports import day_report

    config = cli_config()
    with cli_reader() as store:
        cache = DayCache(store, config)
        if week:
            from dptelemetry.analysis.week import week_ending

            report: DayReport | WeekSummary = week_ending(cache, day)
        else:
            report = day_report(cache, day, with_week)
    for failure in cache.plugin_failures:
        click.echo(f"dpt: warning: plugin {failure.plugin} failed in {failure.hook}: "
                   f"{failure.error}", err=True)
    # The report lives until this process ends: spare it the collector's walks while it is
    # rendered (a full collection during the HTML charts walked a busy day's edits, 0.1 s).
    gc.freeze()
    return report


def render(report: DayReport | WeekSummary, fmt: str, output: Path | None,
           page_name: str) -> None:
    def json() -> str:
        from dptelemetry.render.json import render_json

        return render_json(report)

    def html() -> str:
        from dptelemetry.render.html import render_html

        return render_html(report)

    def document(glyphs: Glyphs) -> Document:
        from dptelemetry.render.document import as_document

        return as_document(report, glyphs)

    write_report(fmt, output, json=json, html=html, document=document, page_name=page_name)


@click.command()
@DATE_OPTION
@click.option("--week", is_flag=True,
              help="Summarize the seven days ending on --date instead of one day.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for the terminal, markdown for a journal, json for scripts (schema: "
                   "docs/summary-json.md), html for a self-contained page with charts.")
@OUTPUT_OPTION
def summary(day: date, week: bool, fmt: str, output: Path | None) -> None:
    """Summarize a day of practice: goals, sessions and their zones, typing and pauses,
    test runs, commits, stuck moments, strain signals with their evidence, and one change
    to try next session. Every number names the thresholds that produced it.

    HTML meant for a terminal goes to a file in the data home's reports/ folder instead.
    These are signals, not diagnoses."""
    render(read_report(day, week, with_week=fmt == "html"), fmt, output,
           f"dpt-{'week' if week else 'summary'}-{day.isoformat()}")

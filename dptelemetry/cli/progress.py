"""`dpt progress`: practice over weeks, months or quarters, and the trend of each measure."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from dptelemetry.cli.output import DATE_OPTION, OUTPUT_OPTION, write_report

DEFAULT_WEEKS = 12
SLOW_DAYS = 30
"""Days to summarize for the first time above which `dpt progress` says it will take a while."""


@click.command()
@click.option("--weeks", type=click.IntRange(1, 520), help="The last N weeks (Monday to "
              f"Sunday); the default, with N = {DEFAULT_WEEKS}.")
@click.option("--months", type=click.IntRange(1, 120), help="The last N calendar months.")
@click.option("--quarters", type=click.IntRange(1, 40), help="The last N calendar quarters.")
@DATE_OPTION
@click.option("--format", "fmt", type=click.Choice(("text", "markdown", "json", "html")),
              default="text", show_default=True,
              help="text for the terminal, markdown for a journal, json for scripts (schema: "
                   "docs/drills-json.md), html for a page with a chart per measure.")
@OUTPUT_OPTION
def progress(weeks: int | None, months: int | None, quarters: int | None, day: date,
             fmt: str, output: Path | None) -> None:
    """Practice over the last weeks, months or quarters, up to --date: practice time and
    sessions against a consistency target (default 3-4 sessions of 45-60 minutes a week),
    learning- and panic-zone time, drills and attempts, median rating, median time to
    green and EQ, each with its trend.

    Days are read from their summaries; a day summarized for the first time costs what
    `dpt summary` of it costs, and finished days are kept, so later runs are quick."""
    from dptelemetry.analysis.day_cache import DayCache
    from dptelemetry.analysis.days import local_date
    from dptelemetry.analysis.progress import Grain, spans
    from dptelemetry.analysis.progress import progress as progress_of
    from dptelemetry.cli.common import cli_config, cli_reader

    given = [(g, n) for g, n in ((Grain.WEEK, weeks), (Grain.MONTH, months),
                                  (Grain.QUARTER, quarters)) if n is not None]
    if len(given) > 1:
        raise click.UsageError("give one of --weeks, --months and --quarters")
    grain, count = given[0] if given else (Grain.WEEK, DEFAULT_WEEKS)
    config = cli_config()
    with cli_reader() as store:
        cache = DayCache(store, config)
        first = spans(grain, count, day)[0][0]
        recorded = store.first_recorded()
        if recorded is not None:  # days before the first record cost nothing to read
            first = max(first, local_date(recorded, cache.tz))
        if (day - first).days > SLOW_DAYS and sys.stderr.isatty():
            click.echo(f"dpt: reading {(day - first).days + 1} days (the first time a day is "
                       "read it is summarized, once)...", err=True)
        report = progress_of(cache, grain, count, day, config.progress)
    from dptelemetry.render import progress as render

    write_report(fmt, output, json=lambda: render.render_progress_json(report),
                 html=lambda: render.render_progress_html(report),
                 document=lambda glyphs: render.progress_document(report),
                 page_name=f"dpt-progress-{grain.value}-{day.isoformat()}")

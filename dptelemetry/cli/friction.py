"""`dpt friction`: the pattern of stuck moments over the last days."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import click

from dptelemetry.cli.common import WholeNumber
from dptelemetry.cli.output import DATE_OPTION, OUTPUT_OPTION, write_document, write_output


@click.command()
@click.option("--days", type=WholeNumber(1, 366), default=7, show_default=True,
              help="How many days to look at, ending on --date.")
@DATE_OPTION
@click.option("--format", "fmt", type=click.Choice(("text", "markdown", "json")),
              default="text", show_default=True, help="Output format.")
@OUTPUT_OPTION
def friction(days: int, day: date, fmt: str, output: Path | None) -> None:
    """Where you got stuck over the last days: when (hour of day), where (files and goals)
    and how you got out (the first impulse you logged, and what you did next). Counts
    moments logged with `dpt stuck` and those detected after red runs."""
    from dptelemetry.analysis.friction import friction_of
    from dptelemetry.analysis.reader import read_timeline
    from dptelemetry.cli.common import cli_config, cli_reader
    from dptelemetry.goals import load_goals
    from dptelemetry.render.friction import friction_data, friction_document

    config = cli_config()
    with cli_reader() as store:
        goals = load_goals(store)
        timelines = [read_timeline(store, day - timedelta(days=back), config.thresholds,
                                   goals=goals)
                     for back in range(days - 1, -1, -1)]
    found = friction_of(timelines)
    if fmt == "json":
        from dptelemetry.render.json import json_text

        write_output(json_text(friction_data(found, None)), output)
    else:
        write_document(lambda glyphs: friction_document(
            found, config.thresholds, None, glyphs.typing[-1]), fmt, output)

"""`dpt drill list|show|rename`, `dpt goal again`, and what `dpt goal start|end` say about
drill attempts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from dptelemetry import clock
from dptelemetry.cli.common import cli_config, cli_reader, cli_store
from dptelemetry.cli.output import OUTPUT_OPTION, write_document, write_report
from dptelemetry.clock import local_time
from dptelemetry.drills import LEVERS, Change, start_report

if TYPE_CHECKING:
    from dptelemetry.goals import Goal

F = TypeVar("F", bound=Callable[..., Any])


def attempt_options(function: F) -> F:
    """--change and --constraint, as `goal start` and `goal again` take them."""
    function = click.option(
        "--constraint", "constraints", multiple=True, metavar="TEXT",
        help="A condition this attempt works under, e.g. 'no debugger' (repeatable).")(function)
    return click.option(
        "--change", "changes", multiple=True, nargs=2, metavar="LEVER TEXT",
        type=(click.Choice(LEVERS), str),
        help="What this attempt changes since the previous one: LEVER is one of "
             f"{', '.join(LEVERS)} (repeatable, but change one thing at a time).")(function)


def as_changes(pairs: Sequence[tuple[str, str]]) -> tuple[Change, ...]:
    return tuple(Change(lever, text) for lever, text in pairs)


def report_start(new: Goal, ended: Sequence[Goal], goals: Sequence[Goal], now: float) -> None:
    """What `goal start` and `goal again` print: goals ended on the way, the new goal, and
    for an attempt its number and any warning about what it changed."""
    lines, warnings = start_report(new, ended, goals, now, at=local_time(now))
    for line in lines:
        click.echo(line)
    for warning in warnings:
        click.echo(f"dpt: warning: {warning}", err=True)


@click.command()
@click.argument("name", required=False)
@click.option("--title", metavar="TEXT", help="A new title instead of the latest attempt's.")
@click.option("--target", metavar="TEXT", help="Success criterion ('' for none).")
@click.option("--weakness", metavar="TEXT", help="The weak spot ('' for none).")
@click.option("--timebox", metavar="DURATION", help="How long, e.g. 45m.")
@attempt_options
@click.option("--no-constraints", is_flag=True,
              help="Drop the latest attempt's constraints instead of keeping them.")
def again(name: str | None, title: str | None, target: str | None, weakness: str | None,
          timebox: str | None, changes: tuple[tuple[str, str], ...],
          constraints: tuple[str, ...], no_constraints: bool) -> None:
    """Start the next attempt of drill NAME (default: the drill practised last) with the
    latest attempt's title, target, weak spot, time box and constraints; options replace
    them. Say what you changed with --change LEVER TEXT."""
    from dptelemetry.cli.goal import timebox_seconds
    from dptelemetry.config import data_home
    from dptelemetry.goals import load_goals, start_again

    now = clock.now()
    seconds = None if timebox is None else timebox_seconds(timebox)
    with cli_store() as store:
        new, ended = start_again(
            store, data_home(), name, now=now, title=title, target=target, weakness=weakness,
            timebox=seconds, changes=as_changes(changes),
            constraints=() if no_constraints else constraints or None)
        goals = load_goals(store)
    report_start(new, ended, goals, now)


@click.group()
def drill() -> None:
    """Drills: repeated exercises whose attempts are compared, one change at a time."""


@drill.command(name="list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def list_drills(fmt: str) -> None:
    """Each drill with its attempts, last date, latest rating and the rating's trend."""
    from dptelemetry.goals import load_goals
    from dptelemetry.render.drills import drill_rows
    from dptelemetry.render.json import json_text

    with cli_reader() as store:
        rows = drill_rows(load_goals(store))
    if fmt == "json":
        click.echo(json_text([row.to_json() for row in rows]), nl=False)
        return
    if not rows:
        click.echo("No drills yet. Make a goal an attempt of one: "
                   "dpt goal start TITLE --drill NAME")
        return
    from dptelemetry.render.blocks import Document, Section, Table, plural
    from dptelemetry.render.drills import LIST_COLUMNS, LIST_NOTE

    table = Table(LIST_COLUMNS, tuple(row.cells() for row in rows))
    headline = (f"{plural(len(rows), 'drill')}, "
                f"{plural(sum(r.attempts for r in rows), 'attempt')}")
    write_document(lambda glyphs: Document("Drills", headline, (
        Section("drills", "By the day practised last", (table,), LIST_NOTE),)), "text", None)


@drill.command()
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "html"]),
              default="text", show_default=True,
              help="text for the terminal, markdown for a journal, json for scripts (schema: "
                   "docs/drills-json.md), html for a page with a chart per measure.")
@OUTPUT_OPTION
def show(name: str, fmt: str, output: Path | None) -> None:
    """Every attempt of drill NAME side by side: time, test runs, time to first green, red
    streaks, EQ and RED, stuck moments, strain signals, zones, commits, rating, what changed
    and the constraints; the first against the latest; and for each change, the attempts
    after it against those before."""
    from dptelemetry.analysis.day_cache import DayCache
    from dptelemetry.analysis.drills import drill_report
    from dptelemetry.errors import DptError
    from dptelemetry.goals import load_goals

    config = cli_config()
    with cli_reader() as store:
        goals = load_goals(store)
        report = drill_report(goals, name, DayCache(store, config, goals=goals))
    if report is None:
        raise DptError(f"no drill named {name!r} (dpt drill list shows them)")
    from dptelemetry.render import drills

    def html() -> str:
        from dptelemetry.render.drill_html import render_drill_html

        return render_drill_html(report)

    write_report(fmt, output, json=lambda: drills.render_drill_json(report), html=html,
                 document=lambda glyphs: drills.drill_document(report),
                 page_name=f"dpt-drill-{name}")


@drill.command()
@click.argument("old")
@click.argument("new")
@click.option("--merge", is_flag=True,
              help="NEW is a drill already: make the two one drill, attempts numbered by date.")
def rename(old: str, new: str, merge: bool) -> None:
    """Rename drill OLD to NEW, with all its attempts (recorded as an event, so exports and
    other machines rename it too). Attempts started later under OLD make a new drill."""
    from dptelemetry.goals import load_goals, rename_drill

    with cli_store() as store:
        moving, joined = rename_drill(store, old, new, now=clock.now(), merge=merge)
        goals = load_goals(store)
    name = next(g.drill for g in goals if g.id == moving[0].id)
    count = len(moving) + len(joined)
    if joined:
        click.echo(f"Merged '{moving[-1].drill}' ({len(moving)} attempts) into '{name}' "
                   f"({len(joined)} attempts): {count} attempts, numbered by date.")
    else:
        click.echo(f"Renamed '{moving[-1].drill}' to '{name}' ({count} attempts).")

"""`dpt goal start|status|end|list`."""

from __future__ import annotations

import json
from contextlib import suppress
from typing import Any

import click

from dptelemetry import clock
from dptelemetry.cli.common import WholeNumber, cli_reader, cli_store
from dptelemetry.cli.drill import (
    again,
    as_changes,
    attempt_options,
    report_start,
)
from dptelemetry.clock import local_time
from dptelemetry.config import data_home
from dptelemetry.durations import format_countdown, format_duration, parse_timebox
from dptelemetry.goal_file import GoalFile
from dptelemetry.goals import (
    Goal,
    active_goal,
    end_goal,
    load_goals,
    start_goal,
    sync_active_goal_file,
)
from dptelemetry.status_line import DEFAULT_WIDTH, MIN_WIDTH, status_line


def timebox_seconds(value: str) -> float:
    """A time box as given on the command line, in seconds; click.BadParameter if it is
    not one."""
    try:
        return parse_timebox(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--timebox'") from None


def _timebox(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    return None if value is None else timebox_seconds(value)


@click.group()
def goal() -> None:
    """Start, check and end deliberate-practice goals (one active at a time)."""


goal.add_command(again)


@goal.command()
@click.argument("title")
@click.option("--target", metavar="TEXT", help="Success criterion, e.g. 'green in 5 cycles'.")
@click.option("--weakness", metavar="TEXT", help="The weak spot this goal works on.")
@click.option("--timebox", metavar="DURATION", callback=_timebox,
              help="How long to practise, 1m to 24h, e.g. 45m or 1h30m.")
@click.option("--drill", metavar="NAME",
              help="Make the goal the next attempt of this drill (a repeated exercise).")
@attempt_options
def start(title: str, target: str | None, weakness: str | None, timebox: float | None,
          drill: str | None, changes: tuple[tuple[str, str], ...],
          constraints: tuple[str, ...]) -> None:
    """Start a goal; a goal still active is ended first. With --drill it is an attempt of
    that drill (`dpt goal again` starts the next one)."""
    now = clock.now()
    with cli_store() as store:
        new, ended = start_goal(store, data_home(), title, now=now, target=target,
                                weakness=weakness, timebox=timebox, drill=drill,
                                changes=as_changes(changes), constraints=constraints)
        goals = load_goals(store) if new.drill else []
    report_start(new, ended, goals, now)


def _goal_json(g: Goal, now: float) -> dict[str, Any]:
    """The goal for scripts; `time_left_s` only while it runs (an ended goal has none left)."""
    from dptelemetry.analysis.days import iso

    data: dict[str, Any] = {
        "id": g.id, "title": g.title, "target": g.target, "weakness": g.weakness,
        "started": iso(g.started), "ended": iso(g.ended) if g.ended else None,
        "elapsed_s": round(g.elapsed(now), 1), "timebox_s": g.timebox,
        "drill": g.drill, "attempt": g.attempt,
        "changes": [{"lever": c.lever, "text": c.text} for c in g.changes],
        "constraints": list(g.constraints),
    }
    if g.active:
        left = g.time_left(now)
        data["time_left_s"] = None if left is None else round(left, 1)
    return {**data, "rating": g.rating, "note": g.note}


def _box_text(g: Goal, now: float) -> str:
    left = g.time_left(now)
    if left is None or g.timebox is None:
        return "no time box"
    if left >= 0:
        return f"{format_countdown(left)} left of {format_duration(g.timebox)}"
    return f"over the {format_duration(g.timebox)} time box by {format_duration(-left)}"


_FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                       show_default=True, help="Output format.")


@goal.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "line"]), default="text",
              show_default=True,
              help="Output format; `line`: one short line for status lines (nothing without a "
                   "goal), read from the goal file, fast enough to poll.")
@click.option("--width", type=click.IntRange(min=MIN_WIDTH), default=DEFAULT_WIDTH,
              show_default=True, help="With --format line: how much of the title to show.")
def status(fmt: str, width: int) -> None:
    """Show the active goal: how long it has run and the time left in its box."""
    now = clock.now()
    with cli_reader() as store:
        current = active_goal(load_goals(store))
        if fmt == "line":
            # The line is normally answered from the goal file before this CLI loads (see
            # status_line.py); it lands here when that file lacks the goal's start, and
            # mends it where the data home lets it: a status line never fails for that.
            with suppress(OSError):
                sync_active_goal_file(store, data_home())
    if fmt == "line":
        if current is not None:
            click.echo(status_line(GoalFile(current.title, current.id, current.started,
                                            current.timebox), now, width))
        return
    if fmt == "json":
        click.echo(json.dumps(_goal_json(current, now) if current else None))
        return
    if current is None:
        click.echo("No active goal. Start one with: dpt goal start TITLE")
        return
    click.echo(f"Goal: {current.title}")
    click.echo(f"Running {format_duration(current.elapsed(now))} since "
               f"{local_time(current.started)}; {_box_text(current, now)}.")
    if current.target:
        click.echo(f"Target: {current.target}")
    if current.weakness:
        click.echo(f"Weak spot: {current.weakness}")
    if current.drill:
        click.echo(f"Drill: {current.drill}, attempt {current.attempt}")


@goal.command()
@click.option("--rating", type=WholeNumber(1, 10), help="How it went, 1 (poorly) to 10.")
@click.option("--note", metavar="TEXT", help="What you learned or will change.")
def end(rating: int | None, note: str | None) -> None:
    """End the active goal with a self-rating and a note."""
    now = clock.now()
    with cli_store() as store:
        done = end_goal(store, data_home(), now=now, rating=rating, note=note)
    rated = f", rated {rating}/10" if rating else ""
    click.echo(f"Ended '{done.title}' after {format_duration(done.elapsed(now))}{rated}.")
    if done.drill is not None:
        from dptelemetry.render.drills import attempt_ended_lines

        for line in attempt_ended_lines(data_home(), done, now):
            click.echo(line)


@goal.command(name="list")
@_FORMAT
def list_goals(fmt: str) -> None:
    """List goals, newest first, with duration, time box and rating."""
    now = clock.now()
    with cli_reader() as store:
        goals = list(reversed(load_goals(store)))
    if fmt == "json":
        click.echo(json.dumps([_goal_json(g, now) for g in goals], indent=2))
        return
    if not goals:
        click.echo("No goals yet. Start one with: dpt goal start TITLE")
        return
    from dptelemetry.cli.output import write_table
    from dptelemetry.limits import shown
    from dptelemetry.render.console import NOTHING

    write_table(("started", "goal", "duration", "time box", "rating", "note"), [(
        local_time(g.started, "%Y-%m-%d %H:%M"),
        shown(g.title) + (" (active)" if g.active else ""),
        format_duration(g.elapsed(now)),
        format_duration(g.timebox) if g.timebox else NOTHING,
        f"{g.rating}/10" if g.rating else NOTHING,
        shown(g.note or ""),
    ) for g in goals], wrap=("note",))

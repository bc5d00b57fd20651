"""`dpt goal start|status|end|list`."""

from __future__ import annotations

import json
from typing import Any

import click

from dptelemetry import clock
from dptelemetry.cli.common import cli_store, local_time
from dptelemetry.cli.drill import (
    again,
    as_changes,
    attempt_options,
    report_start,
)
from dptelemetry.config import data_home
from dptelemetry.durations import format_duration, parse_duration
from dptelemetry.goals import Goal, active_goal, end_goal, load_goals, start_goal


def timebox_seconds(value: str) -> float:
    """A time box as given on the command line, in seconds; click.BadParameter if it is
    not one."""
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--timebox'") from None
    if seconds <= 0:
        raise click.BadParameter("a time box must be longer than zero",
                                 param_hint="'--timebox'")
    return seconds


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
              help="How long to practise, e.g. 45m or 1h30m.")
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
    return {
        "id": g.id, "title": g.title, "target": g.target, "weakness": g.weakness,
        "started": local_time(g.started, "%Y-%m-%dT%H:%M:%S%z"),
        "ended": local_time(g.ended, "%Y-%m-%dT%H:%M:%S%z") if g.ended else None,
        "elapsed_s": round(g.elapsed(now), 1), "timebox_s": g.timebox,
        "time_left_s": None if g.time_left(now) is None else round(g.time_left(now) or 0, 1),
        "rating": g.rating, "note": g.note, "drill": g.drill, "attempt": g.attempt,
        "changes": [{"lever": c.lever, "text": c.text} for c in g.changes],
        "constraints": list(g.constraints),
    }


def _box_text(g: Goal, now: float) -> str:
    left = g.time_left(now)
    if left is None or g.timebox is None:
        return "no time box"
    if left >= 0:
        return f"{format_duration(left)} left of {format_duration(g.timebox)}"
    return f"over the {format_duration(g.timebox)} time box by {format_duration(-left)}"


_FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                       show_default=True, help="Output format.")


@goal.command()
@_FORMAT
def status(fmt: str) -> None:
    """Show the active goal: how long it has run and the time left in its box."""
    now = clock.now()
    with cli_store() as store:
        current = active_goal(load_goals(store))
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
@click.option("--rating", type=click.IntRange(1, 10), help="How it went, 1 (poorly) to 10.")
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
    with cli_store() as store:
        goals = list(reversed(load_goals(store)))
    if fmt == "json":
        click.echo(json.dumps([_goal_json(g, now) for g in goals], indent=2))
        return
    if not goals:
        click.echo("No goals yet. Start one with: dpt goal start TITLE")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("started", "goal", "duration", "time box", "rating", "note"):
        table.add_column(column, overflow="fold")
    for g in goals:
        table.add_row(
            local_time(g.started, "%Y-%m-%d %H:%M"),
            g.title + (" (active)" if g.active else ""),
            format_duration(g.elapsed(now)),
            format_duration(g.timebox) if g.timebox else "-",
            f"{g.rating}/10" if g.rating else "-",
            g.note or "",
        )
    Console().print(table)

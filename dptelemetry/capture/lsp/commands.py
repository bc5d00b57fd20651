"""The commands an editor can bind to keys (`workspace/executeCommand`), each answering a line
of text for the editor to show.

Arguments come either in order (`["Bowling kata", "45m"]`) or as one object
(`[{"title": "Bowling kata", "timebox": "45m"}]`), whichever the editor makes easier. These run
in a worker thread: they open the store, which the event loop never waits on.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dptelemetry.config import Config
from dptelemetry.drills import Change, start_report
from dptelemetry.durations import format_duration, parse_timebox
from dptelemetry.errors import DptError
from dptelemetry.events import utf8_safe
from dptelemetry.goals import Goal, end_goal, load_goals, start_again, start_goal
from dptelemetry.store import open_store
from dptelemetry.stuck import IMPULSES, log_stuck

GOAL_START = "dpt.goal.start"
GOAL_END = "dpt.goal.end"
GOAL_AGAIN = "dpt.goal.again"
STUCK = "dpt.stuck"
SUMMARY = "dpt.summary"
FLUSH = "dpt.flush"
SESSION = "dpt.session"
SOURCE = "lsp"


class CommandArgumentError(DptError):
    """Arguments the command cannot use; the editor gets this message back."""


def arguments(command: str, args: Sequence[Any], names: Sequence[str]) -> dict[str, Any]:
    """Arguments by name, from positional values or from one object. An empty value counts
    as left out: an editor prompt the user skipped."""
    if len(args) == 1 and isinstance(args[0], dict):
        given = dict(args[0])
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise CommandArgumentError(
                f"{command}: unknown argument {', '.join(unknown)} (takes {', '.join(names)})")
    elif len(args) > len(names):
        raise CommandArgumentError(
            f"{command}: takes at most {len(names)} arguments ({', '.join(names)})")
    else:
        given = dict(zip(names, args, strict=False))
    return {k: v for k, v in given.items() if v is not None and v != ""}  # "" = left out


def _text(command: str, name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise CommandArgumentError(f"{command}: {name} must be text")
    return utf8_safe(value)


_ATTEMPT = ("drill", "change", "constraints")
"""What `dpt.goal.start` takes after the goal's own fields, as `dpt goal start` does:
`change` one {lever, text} object or a list of them, `constraints` one text or a list."""


def _timebox(command: str, given: dict[str, Any]) -> float | None:
    if "timebox" not in given:
        return None
    try:
        return parse_timebox(given["timebox"])
    except ValueError as exc:
        raise CommandArgumentError(
            f"{command}: timebox must be a length of time like 45m or 1h30m; {exc}") from None


def _changes(command: str, value: Any) -> tuple[Change, ...]:
    items = value if isinstance(value, list) else [] if value is None else [value]
    if not all(isinstance(c, dict) and set(c) == {"lever", "text"} for c in items):
        raise CommandArgumentError(f"{command}: change must be {{\"lever\": ..., \"text\": ...}} "
                                   f"or a list of them")
    return tuple(Change(str(c["lever"]), _text(command, "change text", c["text"]) or "")
                 for c in items)


def _constraints(command: str, value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    return tuple(_text(command, "constraints", c) or "" for c in items)


def _started(goal: Goal, ended: Sequence[Goal], goals: Sequence[Goal], now: float) -> str:
    lines, warnings = start_report(goal, ended, goals, now)
    return "\n".join(lines + [f"Warning: {w}." for w in warnings])


def start(home: Path, now: float, args: Sequence[Any]) -> tuple[str, Goal]:
    given = arguments(GOAL_START, args, ("title", "timebox", "target", "weakness", *_ATTEMPT))
    title = _text(GOAL_START, "title", given.get("title"))
    if not title:
        raise CommandArgumentError(f"{GOAL_START}: a goal needs a title")
    timebox = _timebox(GOAL_START, given)
    with open_store(home) as store:
        goal, ended = start_goal(
            store, home, title, now=now, timebox=timebox, source=SOURCE,
            target=_text(GOAL_START, "target", given.get("target")),
            weakness=_text(GOAL_START, "weakness", given.get("weakness")),
            drill=_text(GOAL_START, "drill", given.get("drill")),
            changes=_changes(GOAL_START, given.get("change")),
            constraints=_constraints(GOAL_START, given.get("constraints")) or ())
        goals = load_goals(store) if goal.drill else []
    return _started(goal, ended, goals, now), goal


def again(home: Path, now: float, args: Sequence[Any]) -> tuple[str, Goal]:
    """The next attempt of a drill, as `dpt goal again` starts it."""
    given = arguments(GOAL_AGAIN, args, ("drill", "change", "constraints", "title", "timebox",
                                         "target", "weakness"))
    with open_store(home) as store:
        goal, ended = start_again(
            store, home, _text(GOAL_AGAIN, "drill", given.get("drill")), now=now,
            title=_text(GOAL_AGAIN, "title", given.get("title")),
            target=_text(GOAL_AGAIN, "target", given.get("target")),
            weakness=_text(GOAL_AGAIN, "weakness", given.get("weakness")),
            timebox=_timebox(GOAL_AGAIN, given),
            changes=_changes(GOAL_AGAIN, given.get("change")),
            constraints=_constraints(GOAL_AGAIN, given.get("constraints")), source=SOURCE)
        goals = load_goals(store)
    return _started(goal, ended, goals, now), goal


def end(home: Path, now: float, args: Sequence[Any]) -> str:
    given = arguments(GOAL_END, args, ("rating", "note"))
    rating = given.get("rating")
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int)):
        raise CommandArgumentError(f"{GOAL_END}: rating must be a whole number from 1 to 10")
    with open_store(home) as store:
        goal = end_goal(store, home, now=now, rating=rating, source=SOURCE,
                        note=_text(GOAL_END, "note", given.get("note")))
    rated = f", rated {goal.rating}/10" if goal.rating is not None else ""
    lines = [f"Ended '{goal.title}' after {format_duration(goal.elapsed(now))}{rated}."]
    if goal.drill is not None:
        from dptelemetry.render.drills import attempt_ended_lines

        lines += attempt_ended_lines(home, goal, now)
    return "\n".join(lines)


def stuck(home: Path, now: float, args: Sequence[Any]) -> str:
    given = arguments(STUCK, args, ("text", "impulse"))
    text = _text(STUCK, "text", given.get("text"))
    if not text or not text.split():
        raise CommandArgumentError(f"{STUCK}: say what you were trying to do")
    impulse = given.get("impulse")
    if impulse is not None and impulse not in IMPULSES:
        raise CommandArgumentError(f"{STUCK}: impulse must be one of {', '.join(IMPULSES)}")
    with open_store(home) as store:
        log_stuck(store, text, now=now, impulse=impulse, source=SOURCE)
    return "Stuck moment logged" + (f" (first impulse: {impulse})." if impulse else ".")


def summary(home: Path, now: float) -> str:
    """Today's summary as plain text, as `dpt summary` prints it when piped."""
    from dptelemetry.render.reports import summary_text  # the analysis loads only when asked

    return summary_text(home, now)


def session(home: Path, now: float, config: Config) -> str:
    """The session so far, from today's timeline (`feedback/session_view.py`)."""
    from dptelemetry.analysis.days import local_date
    from dptelemetry.analysis.reader import read_timeline
    from dptelemetry.capture.lsp.feedback.session_view import session_text
    from dptelemetry.goal_file import read_active_goal_file

    with open_store(home) as store:
        timeline = read_timeline(store, local_date(now), config.thresholds,
                                 goals=load_goals(store))
    return session_text(timeline, read_active_goal_file(home), now)

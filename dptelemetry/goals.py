"""Deliberate-practice goals: at most one active, each start and end an event in the store.

Goals are not a table: they are folded from `goal_start`/`goal_end` events, so exporting and
importing events moves goals between machines too. The active goal is mirrored to a tiny
file in the data home (`goal_file.py`), written atomically, so the git hook shims, the status
line and the language server can read it without opening the store.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from dptelemetry.durations import TIMEBOX_RANGE, TIMEBOX_WORDS
from dptelemetry.errors import DptError
from dptelemetry.events import Event, EventKind, new_event_id, utf8_safe
from dptelemetry.goal_file import ACTIVE_GOAL_FILE, goal_file_text
from dptelemetry.limits import (
    GOAL_NOTE,
    GOAL_TARGET,
    GOAL_TITLE,
    GOAL_WEAKNESS,
    check_text,
)
from dptelemetry.store.db import Store

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class NoActiveGoalError(DptError):
    pass


@dataclass(frozen=True)
class Goal:
    id: str
    title: str
    started: float
    target: str | None = None
    weakness: str | None = None
    timebox: float | None = None
    """Seconds, when the goal has a time box."""
    ended: float | None = None
    rating: int | None = None
    note: str | None = None

    @property
    def active(self) -> bool:
        return self.ended is None

    def elapsed(self, now: float) -> float:
        return max(0.0, (self.ended if self.ended is not None else now) - self.started)

    def time_left(self, now: float) -> float | None:
        """Seconds left in the time box (negative once overrun); None without a box."""
        return None if self.timebox is None else self.timebox - self.elapsed(now)


def one_line(text: str) -> str:
    """Control characters and line breaks become single spaces, undecodable bytes `\\xNN`:
    a title is one safe line of UTF-8."""
    return " ".join(_CONTROL.sub(" ", utf8_safe(text)).split())


def _text(payload: Mapping[str, object], key: str) -> str | None:
    """A text field as a goal shows it; a store from before the event schema may hold
    anything there."""
    value = payload.get(key)
    return value if isinstance(value, str) else None


def goals_from_events(events: Iterable[Event]) -> list[Goal]:
    """Fold goal events (any order, any extra kinds) into goals, oldest first."""
    goals: dict[str, Goal] = {}
    ends: list[Event] = []
    for event in sorted(events, key=lambda e: e.ts):
        if event.kind == EventKind.GOAL_START and event.goal_id:
            p = event.payload
            timebox = p.get("timebox_s")
            goals[event.goal_id] = Goal(
                id=event.goal_id,
                title=one_line(str(p.get("title", ""))) or "(untitled)",
                started=event.ts,
                target=_text(p, "target"),
                weakness=_text(p, "weakness"),
                timebox=float(timebox) if isinstance(timebox, (int, float)) else None,
            )
        elif event.kind == EventKind.GOAL_END:
            ends.append(event)
    for event in ends:
        goal = goals.get(event.goal_id or "")
        if goal is not None and goal.ended is None:
            rating = event.payload.get("rating")
            goals[goal.id] = replace(
                goal, ended=event.ts,
                rating=rating if isinstance(rating, int) else None,
                note=_text(event.payload, "note"),
            )
    return sorted(goals.values(), key=lambda g: g.started)


def active_goal(goals: Iterable[Goal]) -> Goal | None:
    """The most recently started goal that has not ended."""
    open_goals = [g for g in goals if g.active]
    return open_goals[-1] if open_goals else None


def goal_titled(goals: Iterable[Goal], title: str, at: float) -> Goal | None:
    """The goal a `Practice-Goal` trailer written at `at` names: of the goals with that
    title, the one running at `at`, else the last started before it, else the first after.
    """
    named = sorted((g for g in goals if g.title == one_line(title)), key=lambda g: g.started)
    running = [g for g in named if g.started <= at and (g.ended is None or at <= g.ended)]
    before = [g for g in named if g.started <= at]
    if running or before:
        return (running or before)[-1]
    return named[0] if named else None


def load_goals(store: Store) -> list[Goal]:
    return goals_from_events(store.goal_history())


def start_goal(
    store: Store,
    home: Path,
    title: str,
    *,
    now: float,
    target: str | None = None,
    weakness: str | None = None,
    timebox: float | None = None,
    source: str = "cli",
) -> tuple[Goal, list[Goal]]:
    """Start a goal, ending any that is still open first. Returns (new goal, ended goals).

    Every text is one line, within its limit (dptelemetry/limits.py), checked before anything
    is written."""
    clean = check_text(GOAL_TITLE, one_line(title))
    if not clean:
        raise DptError("a goal needs a title")
    payload: dict[str, object] = {"title": clean}
    for key, value, limit in (("target", target, GOAL_TARGET),
                              ("weakness", weakness, GOAL_WEAKNESS)):
        if value is not None and one_line(value):
            payload[key] = check_text(limit, one_line(value))
    if timebox is not None:
        low, high = TIMEBOX_RANGE
        if not low <= timebox <= high:
            raise DptError(TIMEBOX_WORDS)
        payload["timebox_s"] = timebox
    ended = [_end(store, goal, now=now, rating=None, note=None, source=source, reason="replaced")
             for goal in load_goals(store) if goal.active]
    goal_id = new_event_id(now)
    store.append([Event(kind=EventKind.GOAL_START.value, ts=now, source=source,
                        payload=payload, goal_id=goal_id, id=goal_id)])
    sync_active_goal_file(store, home)
    return next(g for g in load_goals(store) if g.id == goal_id), ended


def end_goal(
    store: Store,
    home: Path,
    *,
    now: float,
    rating: int | None = None,
    note: str | None = None,
    source: str = "cli",
) -> Goal:
    """End the active goal with an optional self-rating (1-10) and note."""
    if rating is not None and not 1 <= rating <= 10:
        raise DptError(f"a rating is 1 to 10, not {rating}")
    if note is not None:
        check_text(GOAL_NOTE, note)
    goal = active_goal(load_goals(store))
    if goal is None:
        raise NoActiveGoalError("no active goal to end (start one with: dpt goal start TITLE)")
    ended = _end(store, goal, now=now, rating=rating, note=note, source=source, reason="ended")
    sync_active_goal_file(store, home)
    return ended


def _end(store: Store, goal: Goal, *, now: float, rating: int | None, note: str | None,
         source: str, reason: str) -> Goal:
    now = max(now, goal.started)
    payload: dict[str, object] = {"reason": reason}
    if rating is not None:
        payload["rating"] = rating
    if note:
        payload["note"] = note
    store.append([Event(kind=EventKind.GOAL_END.value, ts=now, source=source,
                        payload=payload, goal_id=goal.id)])
    return replace(goal, ended=now, rating=rating, note=note or None)


def sync_active_goal_file(store: Store, home: Path) -> Goal | None:
    """Make the `active-goal` file say what the store says; returns the active goal."""
    goal = active_goal(load_goals(store))
    path = home / ACTIVE_GOAL_FILE
    if goal is None:
        path.unlink(missing_ok=True)
        return None
    fd, tmp = tempfile.mkstemp(prefix=".active-goal.", dir=home)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(goal_file_text(one_line(goal.title), goal.id, goal.started, goal.timebox))
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return goal


"""Deliberate-practice goals: at most one active, each start and end an event in the store.

A goal started with a drill is an attempt of it (`dptelemetry.drills`): its drill's name and
attempt number are folded from the same events, renames included.

Goals are not a table: they are folded from `goal_start`/`goal_end` events, so exporting and
importing events moves goals between machines too. The active goal is mirrored to a tiny
file in the data home (`goal_file.py`), written atomically, so the git hook shims, the status
line and the language server can read it without opening the store. Starting or ending a goal
and rewriting that file happen under one lock (`_goal_lock`), so two at once can neither
leave two goals active nor leave the file naming the one that lost.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dptelemetry.drills import (
    CONSTRAINTS_MAX,
    LEVERS,
    NAME_MAX,
    Change,
    Rename,
    Started,
    changes_from,
    constraints_from,
    drill_from,
    drill_key,
    latest_attempt,
    number_attempts,
    rename_from,
)
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
from dptelemetry.private_files import write_private_atomic
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
    end_reason: str | None = None
    """`ended`, or `replaced` when starting another goal ended it."""
    drill: str | None = None
    """The drill's name now (after renames), when the goal is an attempt of one."""
    attempt: int | None = None
    """Its number among the drill's attempts, by start time."""
    changes: tuple[Change, ...] = ()
    """What this attempt changed since the previous one."""
    constraints: tuple[str, ...] = ()

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
    starts: list[Event] = []
    ends: dict[str, Event] = {}
    renames: list[Rename] = []
    for event in sorted(events, key=lambda e: e.ts):
        if event.kind == EventKind.GOAL_START and event.goal_id:
            starts.append(event)
        elif event.kind == EventKind.GOAL_END and event.goal_id:
            ends.setdefault(event.goal_id, event)  # the first end is the one that counts
        elif event.kind == EventKind.DRILL_RENAME:
            rename = rename_from(event.ts, event.payload)
            if rename is not None:
                renames.append(rename)
    attempts = number_attempts(
        (Started(e.goal_id, e.ts, drill) for e in starts
         if e.goal_id and (drill := drill_from(e.payload)) is not None), renames)
    goals = {e.goal_id: _goal(e, ends.get(e.goal_id), attempts.get(e.goal_id))
             for e in starts if e.goal_id}
    return sorted(goals.values(), key=lambda g: g.started)


def _goal(start: Event, end: Event | None, attempt: tuple[str, int] | None) -> Goal:
    """A goal from its start, its end if it has one, and its drill and attempt number."""
    p = start.payload
    timebox = p.get("timebox_s")
    done: Mapping[str, Any] = {} if end is None else end.payload
    rating, reason = done.get("rating"), done.get("reason")
    return Goal(
        id=start.goal_id or start.id,
        title=one_line(str(p.get("title", ""))) or "(untitled)",
        started=start.ts,
        target=_text(p, "target"),
        weakness=_text(p, "weakness"),
        timebox=float(timebox) if isinstance(timebox, (int, float)) else None,
        ended=None if end is None else end.ts,
        rating=rating if isinstance(rating, int) else None,
        note=_text(done, "note"),
        end_reason=reason if isinstance(reason, str) else None,
        drill=None if attempt is None else attempt[0],
        attempt=None if attempt is None else attempt[1],
        changes=changes_from(p),
        constraints=constraints_from(p),
    )


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
    drill: str | None = None,
    changes: Sequence[Change] = (),
    constraints: Sequence[str] = (),
    source: str = "cli",
) -> tuple[Goal, list[Goal]]:
    """Start a goal, ending any that is still open first. Returns (new goal, ended goals).

    With a `drill` the goal is its next attempt; `changes` (what changed since the previous
    attempt) need a drill, `constraints` do not. Every text is one line, within its limit
    (dptelemetry/limits.py), checked before anything is written."""
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
    payload.update(drill_fields(drill, changes, constraints))
    goal_id = new_event_id(now)
    with _goal_lock(home):
        endings = [_ending(goal, now=now, rating=None, note=None, source=source,
                           reason="replaced") for goal in load_goals(store) if goal.active]
        store.append([*(event for event, _ in endings),
                      Event(kind=EventKind.GOAL_START.value, ts=now, source=source,
                            payload=payload, goal_id=goal_id, id=goal_id)])
        goals = load_goals(store)
        _write_goal_file(home, active_goal(goals))
    return next(g for g in goals if g.id == goal_id), [goal for _, goal in endings]


def _short_text(what: str, text: str) -> str:
    clean = one_line(text)
    if not clean:
        raise DptError(f"{what} is empty")
    if len(clean) > NAME_MAX:
        raise DptError(f"{what} is {len(clean)} characters long; at most {NAME_MAX} are kept")
    return clean


def drill_fields(drill: str | None, changes: Sequence[Change],
                 constraints: Sequence[str]) -> dict[str, object]:
    """The goal_start payload fields for a drill attempt, checked: DptError says what is
    wrong (an unknown lever, a change without a drill, an empty or over-long text)."""
    fields: dict[str, object] = {}
    if drill is not None:
        fields["drill"] = _short_text("the drill name", drill)
    if changes:
        if drill is None:
            raise DptError("a change is made between attempts of a drill: add --drill NAME")
        for change in changes:
            if change.lever not in LEVERS:
                raise DptError(f"a change's lever is one of {', '.join(LEVERS)}, "
                               f"not {change.lever!r}")
        fields["changes"] = [{"lever": c.lever, "text": _short_text(f"the {c.lever} change",
                                                                     c.text)}
                             for c in changes]
    if constraints:
        if len(constraints) > CONSTRAINTS_MAX:
            raise DptError(f"{len(constraints)} constraints; at most {CONSTRAINTS_MAX}")
        fields["constraints"] = [_short_text("a constraint", c) for c in constraints]
    return fields


def rename_drill(store: Store, old: str, new: str, *, now: float, merge: bool = False,
                 source: str = "cli") -> tuple[list[Goal], list[Goal]]:
    """Rename the drill known as `old` to `new`, for every attempt it has; returns (its
    attempts, the attempts `new` already had, now merged with them: needs `merge`)."""
    goals = load_goals(store)
    moving = [g for g in goals if g.drill is not None and drill_key(g.drill) == drill_key(old)]
    if not moving:
        raise DptError(f"no drill named {one_line(old)!r} (dpt drill list shows them)")
    name = _short_text("the new drill name", new)
    if moving[-1].drill == name:
        raise DptError(f"the drill is already named {name!r}")
    joined = [] if drill_key(name) == drill_key(old) else [
        g for g in goals if g.drill is not None and drill_key(g.drill) == drill_key(name)]
    if joined and not merge:
        raise DptError(f"a drill named {joined[-1].drill!r} exists ({len(joined)} attempts); "
                       f"to make the two one drill, add --merge")
    store.append([Event(kind=EventKind.DRILL_RENAME.value, ts=now, source=source,
                        payload={"from": moving[-1].drill, "to": name})])
    return moving, joined


def start_again(
    store: Store,
    home: Path,
    name: str | None = None,
    *,
    now: float,
    title: str | None = None,
    target: str | None = None,
    weakness: str | None = None,
    timebox: float | None = None,
    changes: Sequence[Change] = (),
    constraints: Sequence[str] | None = None,
    source: str = "cli",
) -> tuple[Goal, list[Goal]]:
    """The next attempt of drill `name` (else of the drill practised last), with the latest
    attempt's title, target, weak spot, time box and constraints where no value is given
    (an empty text clears one)."""
    latest = latest_attempt(load_goals(store), name)
    if latest is None:
        raise DptError(f"no drill named {one_line(name)!r} (dpt drill list shows them)" if name
                       else "no drill attempt yet: start one with dpt goal start TITLE "
                            "--drill NAME")
    return start_goal(
        store, home, latest.title if title is None else title, now=now,
        target=latest.target if target is None else target,
        weakness=latest.weakness if weakness is None else weakness,
        timebox=latest.timebox if timebox is None else timebox, drill=latest.drill,
        changes=changes, constraints=latest.constraints if constraints is None else constraints,
        source=source)


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
    with _goal_lock(home):
        goal = active_goal(load_goals(store))
        if goal is None:
            raise NoActiveGoalError("no active goal to end (start one with: dpt goal start "
                                    "TITLE)")
        event, ended = _ending(goal, now=now, rating=rating, note=note, source=source,
                               reason="ended")
        store.append([event])
        _write_goal_file(home, active_goal(load_goals(store)))
    return ended


def _ending(goal: Goal, *, now: float, rating: int | None, note: str | None, source: str,
            reason: str) -> tuple[Event, Goal]:
    """The goal_end event that ends `goal`, and the goal as it ends."""
    now = max(now, goal.started)
    payload: dict[str, object] = {"reason": reason}
    if rating is not None:
        payload["rating"] = rating
    if note:
        payload["note"] = note
    return (Event(kind=EventKind.GOAL_END.value, ts=now, source=source, payload=payload,
                  goal_id=goal.id),
            replace(goal, ended=now, rating=rating, note=note or None))


def sync_active_goal_file(store: Store, home: Path) -> Goal | None:
    """Make the `active-goal` file say what the store says; returns the active goal."""
    with _goal_lock(home):
        goal = active_goal(load_goals(store))
        _write_goal_file(home, goal)
    return goal


@contextmanager
def _goal_lock(home: Path) -> Iterator[None]:
    """Held while goals change and `active-goal` follows them: an flock on the data home
    folder itself (no lock file to leave behind; a process that dies lets go of it)."""
    fd = os.open(home, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write_goal_file(home: Path, goal: Goal | None) -> None:
    path = home / ACTIVE_GOAL_FILE
    if goal is None:
        path.unlink(missing_ok=True)
    else:
        write_private_atomic(path, goal_file_text(one_line(goal.title), goal.id, goal.started,
                                                  goal.timebox))

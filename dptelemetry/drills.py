"""Drills: repeated exercises (a kata, an incident replay) whose goals are numbered attempts.

A drill is not a table either. It is a name on `goal_start` events (payload `drill`), with
what the attempt changed since the one before (`changes`: lever and text) and the conditions
it ran under (`constraints`), so older stores and exports read unchanged. Names are compared
by `drill_key`: case and spacing do not make a second drill. Attempts are numbered per drill
by their start time, so an attempt imported from another machine takes its place in the row.

A rename is an event too (`drill_rename`, payload `from` and `to`): at its instant, the
drill known by `from` takes the name `to`, with every attempt it had. Attempts started later
under the old name belong to a new drill of that name (the name became free); a rename onto
a drill that exists merges the two, and their attempts are numbered together by time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from dptelemetry.durations import format_duration

if TYPE_CHECKING:
    from dptelemetry.goals import Goal

LEVERS = ("difficulty", "feedback", "timebox", "constraint")
"""What one attempt may change since the previous one (deliberate practice's variables:
how hard, where the feedback comes from, how long; and the conditions worked under)."""

NAME_MAX = 200
"""Characters in a drill name, a change's text or a constraint."""
CONSTRAINTS_MAX = 20
"""Constraints on one attempt."""


@dataclass(frozen=True)
class Change:
    """What an attempt changed since the previous attempt of its drill."""

    lever: str
    """One of LEVERS."""
    text: str


class Rename(NamedTuple):
    ts: float
    old: str
    new: str


def drill_key(name: str) -> str:
    """What makes two drill names the same drill: case and runs of spaces do not count."""
    return " ".join(name.casefold().split())


def changes_from(payload: Mapping[str, Any]) -> tuple[Change, ...]:
    """The `changes` of a goal_start payload; entries that are not {lever, text} with a known
    lever are left out (a store may hold events written by other tools)."""
    found = payload.get("changes")
    if not isinstance(found, list):
        return ()
    return tuple(Change(c["lever"], c["text"]) for c in found
                 if isinstance(c, dict) and c.get("lever") in LEVERS
                 and isinstance(c.get("text"), str))


def constraints_from(payload: Mapping[str, Any]) -> tuple[str, ...]:
    found = payload.get("constraints")
    if not isinstance(found, list):
        return ()
    return tuple(c for c in found if isinstance(c, str) and c)


def drill_from(payload: Mapping[str, Any]) -> str | None:
    name = payload.get("drill")
    return name if isinstance(name, str) and drill_key(name) else None


def rename_from(ts: float, payload: Mapping[str, Any]) -> Rename | None:
    old, new = payload.get("from"), payload.get("to")
    if isinstance(old, str) and isinstance(new, str) and drill_key(old) and drill_key(new):
        return Rename(ts, old, new)
    return None


class Started(NamedTuple):
    """A goal start as numbering sees it."""

    goal_id: str
    ts: float
    drill: str


def number_attempts(starts: Iterable[Started],
                    renames: Iterable[Rename]) -> dict[str, tuple[str, int]]:
    """goal id -> (the drill's name now, attempt number), for goals started with a drill.

    Starts and renames are replayed in time order (a rename at the very instant of a start
    comes after it). The name shown is the one the drill's latest attempt carries."""
    timeline: list[tuple[float, int, Started | Rename]] = [
        *((s.ts, 0, s) for s in starts), *((r.ts, 1, r) for r in renames)]
    timeline.sort(key=lambda item: (item[0], item[1]))
    current: dict[str, str] = {}
    order: list[Started] = []
    for _, _, item in timeline:
        if isinstance(item, Started):
            current[item.goal_id] = item.drill
            order.append(item)
            continue
        old = drill_key(item.old)
        for goal_id, name in current.items():
            if drill_key(name) == old:
                current[goal_id] = item.new
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    numbered: dict[str, tuple[str, int]] = {}
    for start in order:  # already in time order
        key = drill_key(current[start.goal_id])
        counts[key] = counts.get(key, 0) + 1
        names[key] = current[start.goal_id]
        numbered[start.goal_id] = (key, counts[key])
    return {goal_id: (names[key], number) for goal_id, (key, number) in numbered.items()}


def latest_attempt(goals: Iterable[Goal], name: str | None = None) -> Goal | None:
    """The latest attempt of drill `name` (any case and spacing), or of any drill."""
    key = None if name is None else drill_key(name)
    found = [g for g in goals if g.drill is not None and key in (None, drill_key(g.drill))]
    return max(found, key=lambda g: g.started, default=None)


def attempt_lines(goal: Goal) -> list[str]:
    """How a started attempt is announced: its number, what it changed, its constraints."""
    lines = [f"Attempt {goal.attempt} of drill '{goal.drill}'."]
    lines += [f"Changed: {c.lever}: {c.text}" for c in goal.changes]
    lines += [f"Constraint: {c}" for c in goal.constraints]
    return lines


def start_report(new: Goal, ended: Iterable[Goal], goals: Iterable[Goal], now: float,
                 at: str = "") -> tuple[list[str], list[str]]:
    """What starting a goal says, in the CLI and the editor alike: the goals ended on the
    way, the new goal (`at` its local time, when given), and for an attempt its number,
    changes and constraints; and the warnings about what the attempt changed."""
    lines = [f"Ended '{old.title}' after {format_duration(old.elapsed(now))} (unrated)."
             for old in ended]
    box = f" with a {format_duration(new.timebox)} time box" if new.timebox else ""
    lines.append(f"Started '{new.title}'{f' at {at}' if at else ''}{box}.")
    if new.drill is None:
        return lines, []
    previous = latest_attempt([g for g in goals if g.id != new.id], new.drill)
    return lines + attempt_lines(new), attempt_warnings(new, previous)


def _box(seconds: float | None) -> str:
    return "none" if seconds is None else format_duration(seconds)


def attempt_warnings(goal: Goal, previous: Goal | None) -> list[str]:
    """What an experiment of one change at a time needs to hear about this attempt: more
    than one change, a change with nothing before it, a time box or constraints that
    differ from the previous attempt's without a change saying so."""
    levers = [c.lever for c in goal.changes]
    found = []
    if len(levers) > 1:
        found.append(f"{len(levers)} changes at once ({', '.join(levers)}): if this attempt "
                     f"goes better or worse, it cannot tell which change did it")
    if previous is None:
        if levers:
            found.append("this is the drill's first attempt: its change has no earlier "
                         "attempt to be compared with")
        return found
    if goal.timebox != previous.timebox and "timebox" not in levers:
        found.append(f"the time box is {_box(goal.timebox)}, attempt {previous.attempt} had "
                     f"{_box(previous.timebox)}, but no --change timebox says so: the "
                     f"comparison of changes will not know")
    if set(goal.constraints) != set(previous.constraints) and "constraint" not in levers:
        found.append(f"the constraints differ from attempt {previous.attempt}'s, but no "
                     f"--change constraint says so: the comparison of changes will not know")
    return found

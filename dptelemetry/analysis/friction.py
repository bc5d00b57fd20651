"""Where practice snags, over several days: every stuck moment (logged with `dpt stuck` or
detected after a red run) with when it happened, the file and goal it happened in, and how
the developer got out of it: the first impulse they logged, and what they did next.

This is the "instrument your struggle" exercise: a pattern to look at, not a score.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from dptelemetry.analysis.timeline import File, StuckMoment, Timeline, file_name
from dptelemetry.events import EventKind

NO_GOAL = "(no goal)"
NO_FILE = "(unknown file)"
NOT_GIVEN = "(not given)"
BREAK = "took a break"
_FOCUS = frozenset({EventKind.OPEN.value, EventKind.SAVE.value})
_STEPS = {
    EventKind.TEST_RUN.value: "ran the tests",
    EventKind.COMMIT.value: "committed",
    EventKind.GOAL_START.value: "changed the goal",
    EventKind.GOAL_END.value: "ended the goal",
    EventKind.STUCK.value: "logged a stuck moment",
}


@dataclass(frozen=True)
class FrictionMoment:
    day: date
    start: float
    hour: int
    """The local hour of day it began in (0-23)."""
    seconds: float
    """The silence of a detected moment; 0 for a logged one."""
    detected: bool
    text: str | None
    impulse: str | None
    path: str | None
    """The file in focus: the last one edited, opened or saved before the moment."""
    repo: str | None
    """The repository that file is in."""
    goal: str | None
    """The title of the goal active then."""
    next_step: str
    """What came first after it: edited the same file, switched to another file, pasted or
    generated code, ran the tests, committed, ... or took a break (nothing within
    idle_timeout)."""


_MISSING = {"path": NO_FILE, "goal": NO_GOAL, "impulse": NOT_GIVEN}


@dataclass(frozen=True)
class Tally:
    value: str
    logged: int
    detected: int

    @property
    def total(self) -> int:
        return self.logged + self.detected


@dataclass(frozen=True)
class Friction:
    days: tuple[date, ...]
    """The days looked at, oldest first."""
    moments: tuple[FrictionMoment, ...]

    def files(self) -> list[str | None]:
        """Each moment's file as it is named: its path, and its repository beside it when
        the moments' files come from several repositories."""
        repos = {m.repo for m in self.moments if m.path is not None}
        return [None if m.path is None else file_name((m.repo, m.path), repos)
                for m in self.moments]

    def tally(self, key: str) -> list[Tally]:
        """Moments per value of `path` (the file), `goal`, `impulse` or `next_step`, most
        first."""
        logged: Counter[str] = Counter()
        detected: Counter[str] = Counter()
        values = self.files() if key == "path" else [getattr(m, key) for m in self.moments]
        for m, value in zip(self.moments, values, strict=True):
            (detected if m.detected else logged)[_MISSING[key] if value is None else value] += 1
        names = sorted(set(logged) | set(detected),
                       key=lambda v: (-(logged[v] + detected[v]), v))
        return [Tally(v, logged[v], detected[v]) for v in names]

    def by_hour(self) -> list[Tally]:
        """Moments per local hour of day, in clock order, hours without any left out."""
        hours = sorted({m.hour for m in self.moments})
        return [Tally(f"{h:02d}:00", sum(1 for m in self.moments
                                         if m.hour == h and not m.detected),
                      sum(1 for m in self.moments if m.hour == h and m.detected))
                for h in hours]

    @property
    def active_days(self) -> int:
        return len({m.day for m in self.moments})


def _focus(timeline: Timeline) -> tuple[list[float], list[File]]:
    """Instants at which a file came into focus, and the file."""
    points = sorted([(e.ts, (e.repo, e.path)) for e in timeline.edits if e.path is not None]
                    + [(e.ts, (e.repo, e.path)) for e in timeline.events
                       if e.kind in _FOCUS and e.path is not None],
                    key=itemgetter(0))  # a file outside any repository has no repo to compare
    return [ts for ts, _ in points], [file for _, file in points]


def _next_step(timeline: Timeline, edit_stamps: Sequence[float], moment: StuckMoment,
               file: File | None) -> str:
    """The first thing done after the moment: from the activity that ended a detected
    silence, or from just after a logged one."""
    if moment.detected:
        i = bisect_left(edit_stamps, moment.end)
        other = next((e for e in timeline.events if e.ts >= moment.end
                      and e.kind in (*_STEPS, *_FOCUS)), None)
    else:
        i = bisect_right(edit_stamps, moment.start)
        other = next((e for e in timeline.events if e.ts > moment.start
                      and e.kind in (*_STEPS, *_FOCUS)), None)
    limit = moment.end + timeline.thresholds.idle_timeout
    edit = timeline.edits[i] if i < len(edit_stamps) and edit_stamps[i] < limit else None
    if other is not None and other.ts < limit and (edit is None or other.ts < edit.ts):
        if other.kind in _FOCUS:
            return ("stayed in the same file" if (other.repo, other.path) == file
                    else "switched to another file")
        return _STEPS[other.kind]
    if edit is None:
        return BREAK
    if edit.assisted:
        return "pasted or generated code"
    return "edited the same file" if edit.file == file else "switched to another file"


def moments_of(timeline: Timeline) -> list[FrictionMoment]:
    """The day's stuck moments with their hour, file, goal and next step."""
    stamps, files = _focus(timeline)
    edit_stamps = [e.ts for e in timeline.edits]
    found = []
    for m in timeline.stuck:
        i = bisect_right(stamps, m.start) - 1
        repo, path = files[i] if i >= 0 else (None, None)
        goal = timeline.goal_at(m.start)
        found.append(FrictionMoment(
            day=timeline.day, start=m.start, hour=timeline.local_time(m.start).hour,
            seconds=m.seconds, detected=m.detected, text=m.text, impulse=m.impulse,
            path=path, repo=repo, goal=goal.title if goal else None,
            next_step=_next_step(timeline, edit_stamps, m,
                                 None if path is None else (repo, path))))
    return found


def friction_of(timelines: Sequence[Timeline]) -> Friction:
    return Friction(days=tuple(t.day for t in timelines),
                    moments=tuple(m for t in timelines for m in moments_of(t)))

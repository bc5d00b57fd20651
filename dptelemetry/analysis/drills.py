"""A drill's attempts side by side: each attempt's numbers, first against latest, and for each
change the attempts after it against those before.

Every number of an attempt comes from the daily summaries of the days it ran on (the same
timeline, plugins and zones as `dpt summary`), taken inside the attempt's span: from its
start to its end (or now, while it runs). An attempt across midnight reads both days. Test
runs and stuck moments count where they start inside the span; a struggle signal counts when
its window overlaps it, any other (fatigue, goal drift: they may speak of the whole day or of
another goal) only when its window lies inside the span; active time and zone minutes are
the session time inside it. Commits are
those of its days tagged with it (`timeline.tagged_goal`), as each day's summary counts them
for its goal.

Comparisons are descriptive. Attempts are few and days differ in a hundred ways, so a
difference between medians is reported with how many attempts stand on each side, and below
two a side it is not read at all; nothing here claims a change caused anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Generic, TypeVar

from dptelemetry.analysis.builder import red_streaks_of
from dptelemetry.analysis.day_cache import DayCache, DayDigest
from dptelemetry.analysis.days import day_bounds, local_date
from dptelemetry.analysis.next_session import Recommendation, from_signal, from_zone, strongest
from dptelemetry.analysis.signals import Lever, Signal
from dptelemetry.analysis.stats import median
from dptelemetry.analysis.summary import TestRunStats, run_stats
from dptelemetry.analysis.timeline import (
    Commit,
    StuckMoment,
    TestRun,
    goals_during,
    tagged_goal,
)
from dptelemetry.analysis.zones import Zone, held_most
from dptelemetry.drills import Change, drill_key
from dptelemetry.goals import Goal

MIN_SIDE = 2
"""Attempts each side of a change needs before its medians are compared at all."""

LEVER_OF = {Lever.DIFFICULTY: "difficulty", Lever.FEEDBACK: "feedback",
            Lever.TIME_BLOCK: "timebox"}
"""A summary's lever as `--change` names it."""


@dataclass(frozen=True)
class Attempt:
    """One attempt of a drill and what happened in it."""

    goal: Goal
    end: float
    """The end of its span: when it ended, or now while it runs."""
    active_seconds: float
    zone_seconds: dict[str, float]
    """Session time inside the span per zone (comfort, learning, panic)."""
    runs: TestRunStats
    first_green_s: float | None
    """From the attempt's start to the end of its first green run."""
    stuck: tuple[StuckMoment, ...]
    signals: tuple[Signal, ...]
    """Struggle signals overlapping the span and others inside it, most severe first."""
    commits: int
    """Commits of its days tagged with the attempt: recorded under its goal id, or (older
    records without one) with a trailer naming its title while it ran."""
    learning_block: float = 0.0
    """Its longest stretch of learning-zone session time (seconds)."""

    @property
    def number(self) -> int:
        assert self.goal.attempt is not None
        return self.goal.attempt

    @property
    def status(self) -> str:
        """open, rated, unrated (ended without a rating) or replaced (another goal started
        before it was ended): the last two are abandoned attempts."""
        if self.goal.ended is None:
            return "open"
        if self.goal.rating is not None:
            return "rated"
        return "replaced" if self.goal.end_reason == "replaced" else "unrated"

    @property
    def stuck_logged(self) -> int:
        return sum(1 for m in self.stuck if not m.detected)

    @property
    def stuck_detected(self) -> int:
        return sum(1 for m in self.stuck if m.detected)


T = TypeVar("T")


@dataclass(frozen=True)
class Measure(Generic[T]):
    """A number read off each of a row of things (attempts, periods), for comparing them."""

    key: str
    label: str
    value: Callable[[T], float | None]
    better: int = 0
    """-1: lower reads as better; 1: higher does; 0: neither (more is not better or worse)."""
    unit: str = "count"
    """count, seconds, ratio, rate or rating: how renderers print it."""


def _zone(name: str) -> Callable[[Attempt], float | None]:
    return lambda a: a.zone_seconds[name]


MEASURES: tuple[Measure[Attempt], ...] = (
    Measure("active_seconds", "active time", lambda a: a.active_seconds, unit="seconds"),
    Measure("runs", "test runs", lambda a: a.runs.total),
    Measure("red_runs", "red runs", lambda a: a.runs.failed),
    Measure("first_green_s", "time to first green", lambda a: a.first_green_s, -1, "seconds"),
    Measure("longest_red_streak", "longest red streak", lambda a: a.runs.longest_red_streak,
            -1),
    Measure("error_quotient", "EQ", lambda a: a.runs.error_quotient, -1, "ratio"),
    Measure("repeated_error_density", "RED", lambda a: a.runs.repeated_error_density, -1,
            "ratio"),
    Measure("stuck_logged", "stuck (logged)", lambda a: a.stuck_logged, -1),
    Measure("stuck_detected", "stuck (detected)", lambda a: a.stuck_detected, -1),
    Measure("signals", "strain signals", lambda a: len(a.signals), -1),
    Measure("comfort_seconds", "comfort zone", _zone("comfort"), unit="seconds"),
    Measure("learning_seconds", "learning zone", _zone("learning"), unit="seconds"),
    Measure("panic_seconds", "panic zone", _zone("panic"), -1, "seconds"),
    Measure("commits", "commits", lambda a: a.commits),
    Measure("rating", "self-rating", lambda a: a.goal.rating, 1, "rating"),
)


@dataclass(frozen=True)
class Side:
    """The attempts on one side of a comparison that have the measure, and their median."""

    attempts: tuple[int, ...]
    median: float | None


@dataclass(frozen=True)
class Comparison:
    measure: Measure[Attempt]
    before: Side
    after: Side

    @property
    def readable(self) -> bool:
        return len(self.before.attempts) >= MIN_SIDE and len(self.after.attempts) >= MIN_SIDE

    @property
    def direction(self) -> int:
        """1 higher after, -1 lower, 0 the same; 0 too when it cannot be read."""
        if not self.readable or self.before.median is None or self.after.median is None:
            return 0
        return (self.after.median > self.before.median) - (self.after.median < self.before.median)


@dataclass(frozen=True)
class ChangeEffect:
    """One change, and each measure over the finished attempts before it against those from
    it on."""

    attempt: int
    change: Change
    comparisons: tuple[Comparison, ...]
    later_changes: tuple[int, ...]
    """Attempts after this one that changed something else too: the "after" side mixes
    them in."""


@dataclass(frozen=True)
class DrillReport:
    name: str
    attempts: tuple[Attempt, ...]
    """Oldest first."""
    effects: tuple[ChangeEffect, ...] = field(default=())

    @property
    def finished(self) -> tuple[Attempt, ...]:
        return tuple(a for a in self.attempts if a.goal.ended is not None)

    def first_and_latest(self) -> tuple[Attempt, Attempt] | None:
        """The first finished attempt and the latest finished one, when they differ."""
        done = self.finished
        return (done[0], done[-1]) if len(done) >= 2 else None


def attempts_of(goals: Iterable[Goal], name: str) -> list[Goal]:
    key = drill_key(name)
    return [g for g in goals if g.drill is not None and drill_key(g.drill) == key]


def _days(start: float, end: float, cache: DayCache) -> list[date]:
    first = local_date(start, cache.tz)
    last = local_date(max(start, end - 0.001), cache.tz)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _inside(start: float, end: float, ts: float) -> bool:
    return start <= ts < end


def _about(signal: Signal, start: float, end: float) -> bool:
    """Whether a signal of the attempt's days speaks of the attempt: a struggle signal whose
    window overlaps its span, another only inside it (a day without a goal, another goal's
    overrun is not this attempt's)."""
    if signal.struggle:
        return signal.start < end and signal.end >= start
    return start <= signal.start and signal.end <= end


def attempt_of(goal: Goal, cache: DayCache) -> Attempt:
    """The attempt's numbers, from the summaries of the days its span touches."""
    start = goal.started
    end = goal.ended if goal.ended is not None else max(cache.now, start)
    digests: list[DayDigest] = [cache.digest(day) for day in _days(start, end, cache)]
    runs: list[TestRun] = []
    commits: list[Commit] = []
    zones = {z.value: 0.0 for z in Zone}
    learning_block = 0.0
    for digest in digests:
        runs += [r for r in digest.runs if _inside(start, end, r.start)]
        day_goals = goals_during(cache.goals, *day_bounds(digest.date, cache.tz))  # as the
        commits += [c for c in digest.commits  # day's summary links them
                    if tagged_goal(c, day_goals) == goal.id]
        for session in digest.sessions:
            inside = max(0.0, min(end, session.end) - max(start, session.start))
            zones[session.zone.value] += inside
            if session.zone is Zone.LEARNING:
                learning_block = max(learning_block, inside)
    green = next((r for r in runs if r.green), None)
    signals = sorted((s for d in digests for s in d.signals if _about(s, start, end)),
                     key=lambda s: (-s.severity, s.start, s.name))
    return Attempt(
        goal=goal, end=end, active_seconds=sum(zones.values()), zone_seconds=zones,
        runs=run_stats(runs, red_streaks_of(runs)),
        first_green_s=None if green is None else green.end - start,
        stuck=tuple(m for d in digests for m in d.stuck_moments
                    if _inside(start, end, m.start)),
        signals=tuple(signals), commits=len(commits), learning_block=learning_block)


def _side(attempts: Sequence[Attempt], measure: Measure[Attempt]) -> Side:
    having = [(a.number, v) for a in attempts if (v := measure.value(a)) is not None]
    return Side(tuple(n for n, _ in having), median(v for _, v in having))


def compare(before: Sequence[Attempt], after: Sequence[Attempt]) -> tuple[Comparison, ...]:
    return tuple(Comparison(m, _side(before, m), _side(after, m)) for m in MEASURES)


def change_effects(attempts: Sequence[Attempt]) -> tuple[ChangeEffect, ...]:
    """For each change, the finished attempts before the attempt that made it against the
    finished attempts from it on (the open attempt is left out: its numbers still grow)."""
    done = [a for a in attempts if a.goal.ended is not None]
    effects = []
    for attempt in attempts:
        later = tuple(a.number for a in attempts
                      if a.number > attempt.number and a.goal.changes)
        for change in attempt.goal.changes:
            effects.append(ChangeEffect(
                attempt.number, change,
                compare([a for a in done if a.number < attempt.number],
                        [a for a in done if a.number >= attempt.number]), later))
    return tuple(effects)


def drill_report(goals: Sequence[Goal], name: str, cache: DayCache) -> DrillReport | None:
    """The drill called `name` (any case and spacing), or None when there is none."""
    chosen = attempts_of(goals, name)
    if not chosen:
        return None
    attempts = tuple(attempt_of(g, cache) for g in chosen)
    assert chosen[-1].drill is not None
    return DrillReport(chosen[-1].drill, attempts, change_effects(attempts))


def retune(attempt: Attempt) -> Recommendation | None:
    """The one variable to change next time: the attempt's strongest signal's own
    suggestion, else what the zone that held most of its time asks for; None without
    activity."""
    top = strongest(attempt.signals)
    if top is not None:
        return from_signal(top)
    zone = held_most((Zone(z), s) for z, s in attempt.zone_seconds.items() if s > 0)
    if zone is None:
        return None
    return from_zone(zone, attempt.zone_seconds[zone.value] / attempt.active_seconds,
                     attempt.learning_block, attempt.goal.timebox or 0.0)

"""Progress over weeks, months or quarters: practice time and sessions against a consistency
target, the learning and panic zones, drills and attempts, ratings, time to green and EQ, and
the trend of each.

Each day is read from its summary (the store's cache of finished days, `analysis.day_cache`),
so every figure is the sum, count or median of what the daily summaries of its days say.
Weeks run Monday to Sunday; months and quarters are calendar ones; the period holding the
last day is counted up to that day only. Periods that ended before the first recorded event
(all but the last in an empty store) are left out: a week before dptelemetry was installed
is not a week without practice, and counting it as one would drag every median and trend
down.

A trend compares the latest finished period with the median of the finished periods before
it; with fewer than MIN_BEFORE of those it is not read. It is a direction, not a verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum

from dptelemetry.analysis.day_cache import DayCache, DayFigures
from dptelemetry.analysis.days import local_date
from dptelemetry.analysis.drills import Measure
from dptelemetry.analysis.stats import median
from dptelemetry.analysis.zones import Zone
from dptelemetry.config import Progress as Target
from dptelemetry.drills import drill_key
from dptelemetry.goals import Goal

MIN_BEFORE = 2
"""Finished periods before the latest that a trend needs."""


class Grain(str, Enum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


def _period_start(day: date, grain: Grain) -> date:
    if grain is Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain is Grain.MONTH:
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def _next_start(start: date, grain: Grain) -> date:
    if grain is Grain.WEEK:
        return start + timedelta(days=7)
    months = 1 if grain is Grain.MONTH else 3
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def label(start: date, grain: Grain) -> str:
    if grain is Grain.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if grain is Grain.MONTH:
        return f"{start:%Y-%m}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def spans(grain: Grain, count: int, last: date) -> list[tuple[date, date]]:
    """The `count` periods up to the one holding `last`, oldest first: (first day, last day),
    the final one ending on `last`."""
    starts = [_period_start(last, grain)]
    for _ in range(count - 1):
        starts.insert(0, _period_start(starts[0] - timedelta(days=1), grain))
    return [(s, min(_next_start(s, grain) - timedelta(days=1), last)) for s in starts]


@dataclass(frozen=True)
class Period:
    label: str
    first: date
    last: date
    """The last day counted: the period's end, or the report's last day."""
    complete: bool
    """The whole period is counted and over (its last day is before today)."""
    active_seconds: float = 0.0
    active_days: int = 0
    sessions: int = 0
    target_sessions: int = 0
    """Sessions at least as long as the target's shortest session."""
    zone_seconds: dict[str, float] = field(default_factory=lambda: {z.value: 0.0 for z in Zone})
    drills: int = 0
    """Drills with an attempt started in the period."""
    attempts: int = 0
    ratings: tuple[int, ...] = ()
    """Of the goals started in the period, the rated ones."""
    times_to_green: tuple[float, ...] = ()
    eq_pairs: int = 0
    """Pairs of consecutive runs (code changed between them) on days with an EQ."""
    eq_total: float = 0.0

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def target_sessions_per_week(self) -> float:
        return self.target_sessions * 7 / self.days

    @property
    def median_rating(self) -> float | None:
        return median(self.ratings)

    @property
    def median_time_to_green(self) -> float | None:
        return median(self.times_to_green)

    @property
    def error_quotient(self) -> float | None:
        """Jadud's EQ over all the period's pairs: the days' EQs weighted by their pairs."""
        return self.eq_total / self.eq_pairs if self.eq_pairs else None


def consistency(period: Period, target: Target) -> str:
    """below, within or above the target's range of sessions a week."""
    low, high = target.sessions_per_week
    per_week = period.target_sessions_per_week
    return "below" if per_week < low else "above" if per_week > high else "within"


def period_of(first: date, last: date, grain: Grain, complete: bool,
              days: Sequence[DayFigures], goals: Sequence[Goal], target: Target,
              cache: DayCache) -> Period:
    """A period's figures from those of its days and the goals started in it."""
    sessions = [s for d in days for s in d.sessions]
    zones = {z.value: sum(s.active_seconds for s in sessions if s.zone is z) for z in Zone}
    started = [g for g in goals if first <= local_date(g.started, cache.tz) <= last]
    attempts = [g.drill for g in started if g.drill is not None]
    return Period(
        label=label(first, grain), first=first, last=last, complete=complete,
        active_seconds=sum(d.active_seconds for d in days),
        active_days=sum(1 for d in days if d.active_seconds > 0),
        sessions=len(sessions),
        target_sessions=sum(1 for s in sessions
                            if s.active_seconds >= target.session_length[0]),
        zone_seconds=zones, drills=len({drill_key(name) for name in attempts}),
        attempts=len(attempts),
        ratings=tuple(g.rating for g in started if g.rating is not None),
        times_to_green=tuple(t for d in days for t in d.times_to_green),
        eq_pairs=sum(d.eq_pairs for d in days), eq_total=sum(d.eq_total for d in days))


MEASURES: tuple[Measure[Period], ...] = (
    Measure("active_seconds", "practice time", lambda p: p.active_seconds,
                    unit="seconds"),
    Measure("sessions", "sessions", lambda p: p.sessions),
    Measure("target_sessions_per_week", "target-length sessions a week",
                    lambda p: p.target_sessions_per_week, unit="rate"),
    Measure("learning_seconds", "learning zone", lambda p: p.zone_seconds["learning"],
                    unit="seconds"),
    Measure("panic_seconds", "panic zone", lambda p: p.zone_seconds["panic"], -1,
                    "seconds"),
    Measure("drills", "drills", lambda p: p.drills),
    Measure("attempts", "attempts", lambda p: p.attempts),
    Measure("median_rating", "median rating", lambda p: p.median_rating, 1, "rating"),
    Measure("median_time_to_green_s", "median time to green",
                    lambda p: p.median_time_to_green, -1, "seconds"),
    Measure("error_quotient", "EQ", lambda p: p.error_quotient, -1, "ratio"),
)


@dataclass(frozen=True)
class Trend:
    measure: Measure[Period]
    latest: Period | None
    """The latest finished period with a value."""
    before: tuple[Period, ...]
    """The finished periods before it that have a value."""

    @property
    def readable(self) -> bool:
        return self.latest is not None and len(self.before) >= MIN_BEFORE

    @property
    def before_median(self) -> float | None:
        return median(v for p in self.before if (v := self.measure.value(p)) is not None)

    @property
    def direction(self) -> int:
        if not self.readable or self.latest is None:
            return 0
        now, then = self.measure.value(self.latest), self.before_median
        if now is None or then is None:
            return 0
        return (now > then) - (now < then)


def trend_of(measure: Measure[Period], periods: Sequence[Period]) -> Trend:
    having = [p for p in periods if p.complete and measure.value(p) is not None]
    if not having:
        return Trend(measure, None, ())
    return Trend(measure, having[-1], tuple(having[:-1]))


@dataclass(frozen=True)
class ProgressReport:
    grain: Grain
    periods: tuple[Period, ...]
    target: Target
    asked: int = 0
    """Periods asked for: more than `periods` when the records begin later."""
    first_recorded: date | None = None
    """The day of the first recorded event, None for an empty store."""

    def trends(self) -> list[Trend]:
        return [trend_of(m, self.periods) for m in MEASURES]


def progress(cache: DayCache, grain: Grain, count: int, last: date,
             target: Target) -> ProgressReport:
    """The `count` periods up to the one holding `last`, from the one holding the first
    recorded event; a period is complete when its last day is over and counted."""
    today = local_date(cache.now, cache.tz)
    recorded = cache.store.first_recorded()
    since = None if recorded is None else local_date(recorded, cache.tz)
    kept = [(first, end) for first, end in spans(grain, count, last)
            if end >= min(since or last, last)]
    periods = []
    for first, end in kept:
        days = [cache.figures(first + timedelta(days=n)) for n in range((end - first).days + 1)]
        whole = _next_start(first, grain) - timedelta(days=1)
        periods.append(period_of(first, end, grain, end == whole and whole < today,
                                 days, cache.goals, target, cache))
    return ProgressReport(grain, tuple(periods), target, count, since)

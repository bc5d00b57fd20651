"""Seven days at a glance: each day's active time per zone and its strain, for trends.

Each day is summarized exactly as `dpt summary --date` would (same plugins, same baselines;
finished days come from the store's cache, `analysis.day_cache`), then reduced to a
`DayTrend` row; nothing here compares you with anyone but yourself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dptelemetry.analysis.day_cache import DayCache
from dptelemetry.analysis.next_session import (
    Recommendation,
    from_signal,
    from_zone,
    learning_time,
    strongest,
)
from dptelemetry.analysis.signals import Signal
from dptelemetry.analysis.summary import DaySummary
from dptelemetry.analysis.zones import Zone, held_most

WEEK_DAYS = 7


@dataclass(frozen=True)
class DayTrend:
    date: date
    active_seconds: float
    zone_seconds: Mapping[str, float]
    """Active seconds per zone (comfort, learning, panic; all three keys)."""
    zone: Zone | None
    sessions: int
    runs: int
    red_runs: int
    stuck_moments: int
    signals: tuple[str, ...]
    """Signal names, most severe first."""
    strain: float
    """The highest severity among signals that count toward zones (0: none)."""
    struggle_signals: int
    """How many of the signals count toward zones."""


@dataclass(frozen=True)
class SignalTally:
    """How one signal showed up over the week."""

    name: str
    days: int
    times: int
    max_severity: float


def day_trend(summary: DaySummary) -> DayTrend:
    zones = {z.value: 0.0 for z in Zone}
    for session in summary.sessions:
        zones[session.zone.zone.value] += session.active_seconds
    return DayTrend(
        date=summary.date, active_seconds=summary.active_seconds, zone_seconds=zones,
        zone=summary.zone, sessions=len(summary.sessions), runs=summary.test_runs.total,
        red_runs=summary.test_runs.failed, stuck_moments=len(summary.stuck_moments),
        signals=tuple(s.name for s in summary.signals),
        strain=max((s.severity for s in summary.signals if s.struggle), default=0.0),
        struggle_signals=sum(1 for s in summary.signals if s.struggle),
    )


@dataclass(frozen=True)
class WeekSummary:
    days: tuple[DayTrend, ...]
    """Oldest first, one per calendar day, days without activity included."""
    signals: tuple[Signal, ...]
    """Every signal of the week, in day order."""
    learning_block: float
    """The longest learning-zone session of the week (seconds)."""
    learning_box: float
    """The longest time box of a goal worked on in a learning-zone session (seconds)."""

    @property
    def start(self) -> date:
        return self.days[0].date

    @property
    def end(self) -> date:
        return self.days[-1].date

    @property
    def active_seconds(self) -> float:
        return sum(d.active_seconds for d in self.days)

    def zone_seconds(self) -> dict[str, float]:
        return {z.value: sum(d.zone_seconds[z.value] for d in self.days) for z in Zone}

    @property
    def zone(self) -> Zone | None:
        """The zone that held most of the week's active time (a tie goes to the harder)."""
        return held_most((Zone(z), s) for z, s in self.zone_seconds().items() if s > 0)

    def tallies(self) -> list[SignalTally]:
        """Signals by the number of days they appeared on, then by severity."""
        found: dict[str, SignalTally] = {}
        for day in self.days:
            for name in dict.fromkeys(day.signals):
                old = found.get(name, SignalTally(name, 0, 0, 0.0))
                found[name] = SignalTally(name, old.days + 1, old.times, old.max_severity)
        for signal in self.signals:
            old = found[signal.name]
            found[signal.name] = SignalTally(signal.name, old.days, old.times + 1,
                                             max(old.max_severity, signal.severity))
        return sorted(found.values(), key=lambda t: (-t.days, -t.max_severity, t.name))

    def next_session(self) -> Recommendation | None:
        """Follow the signal seen on most days (its strongest instance); else the zone."""
        tallies = self.tallies()
        if tallies:
            top = tallies[0]
            signal = strongest([s for s in self.signals if s.name == top.name])
            assert signal is not None
            return from_signal(signal, f", on {top.days} of {len(self.days)} days")
        zone = self.zone
        if zone is None:
            return None
        return from_zone(zone, self.zone_seconds()[zone.value] / self.active_seconds,
                         self.learning_block, self.learning_box)


@dataclass(frozen=True)
class WeekDay:
    """What a week takes from one day's summary."""

    trend: DayTrend
    signals: tuple[Signal, ...]
    learning_block: float
    """The day's longest learning-zone session (seconds; 0 without one)."""
    learning_box: float
    """The longest time box of a goal active in a learning-zone session (seconds; 0: none)."""


def week_day(summary: DaySummary) -> WeekDay:
    return WeekDay(day_trend(summary), summary.signals, *learning_time(summary))


def week_from(days: Sequence[WeekDay]) -> WeekSummary:
    return WeekSummary(
        days=tuple(d.trend for d in days),
        signals=tuple(sig for d in days for sig in d.signals),
        learning_block=max((d.learning_block for d in days), default=0.0),
        learning_box=max((d.learning_box for d in days), default=0.0),
    )


def week_ending(cache: DayCache, last: date, known: DaySummary | None = None) -> WeekSummary:
    """The WEEK_DAYS days ending on `last`; `known` is reused when it is one of them, the
    others come from `cache` (kept finished days, or summarized as `dpt summary` would)."""
    return week_from([
        week_day(known) if known is not None and known.date == day else week_day(cache.summary(day))
        for day in (last - timedelta(days=back) for back in range(WEEK_DAYS - 1, -1, -1))
    ])

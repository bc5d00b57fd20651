"""Finished days kept as what they summarize to.

A past day's summary rarely changes, yet making it reads every keystroke of the day and the
baselines of the two weeks before. So once a day has ended, its `DaySummary` (with the parts
of its timeline that renderers draw) is kept in the store as JSON and served while nothing
that shaped it changed: the events of the day and of the LOOKBACK_DAYS before it (its
baselines), by the per-hour stamps; the versions, thresholds, plugin releases, the files of
the plugins' modules (code edited in place keeps its release) and their settings, and the
day's goals (their drills and attempt numbers too), by the key. A day that has not
ended is summarized afresh each time. `dpt summary`, its week, `dpt drill show` and
`dpt progress` all read days through here.

Drills and progress need a few figures of a day, not its bursts and pauses: each kept day
also has its `DayDigest` (what drills read), made from the same summary, and the part of it
without test runs, the `DayFigures` that progress reads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict
from datetime import date, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from dptelemetry import __version__, clock
from dptelemetry.analysis.days import day_bounds
from dptelemetry.analysis.error_measures import error_quotient
from dptelemetry.analysis.history import LOOKBACK_DAYS
from dptelemetry.analysis.signals import Signal
from dptelemetry.analysis.summary import DaySummary
from dptelemetry.analysis.timeline import (
    Commit,
    Session,
    StuckMoment,
    TestRun,
    Timeline,
    changed_runs,
    failure_sets,
    goals_during,
    verdict_runs,
)
from dptelemetry.analysis.zones import Zone
from dptelemetry.config import Config
from dptelemetry.entry_points import plugin_releases, plugin_sources
from dptelemetry.goals import Goal, load_goals
from dptelemetry.store import Store, StoreError

if TYPE_CHECKING:  # the plugin manager is made on a cache miss, not before
    from dptelemetry.analysis.signals import PluginFailure
    from dptelemetry.plugins import StrainPluginManager

T = TypeVar("T")
Part = TypeVar("Part", bound="DayFigures")
Slot = tuple[float, float, str, int]
"""A day's start, end, key and stamp."""
MIN_EQ_RUNS = 3
"""Runs with code changed between them a day needs for its EQ (as in the daily summary)."""


class SessionSpan(msgspec.Struct, frozen=True):
    start: float
    end: float
    active_seconds: float
    zone: Zone


class DayFigures(msgspec.Struct, frozen=True):
    """A day as progress counts it."""

    date: date
    active_seconds: float = 0.0
    sessions: tuple[SessionSpan, ...] = ()
    times_to_green: tuple[float, ...] = ()
    """Each red streak that ended green: from its first red run to the end of the green."""
    eq_pairs: int = 0
    """Pairs of consecutive runs with code changed between them, when the day has an EQ."""
    eq_total: float = 0.0
    """The day's EQ times its pairs: summed over days and divided by the pairs, the EQ of
    all their pairs."""


class DayDigest(DayFigures, frozen=True):
    """A day as drills read it: the figures, and what happened when."""

    runs: tuple[TestRun, ...] = ()
    commits: tuple[Commit, ...] = ()
    stuck_moments: tuple[StuckMoment, ...] = ()
    signals: tuple[Signal, ...] = ()


def digest_of(summary: DaySummary) -> DayDigest:
    timeline = summary.timeline
    assert timeline is not None
    changed = changed_runs(verdict_runs(timeline.runs))
    eq = error_quotient(failure_sets(changed)) if len(changed) >= MIN_EQ_RUNS else None
    pairs = 0 if eq is None else len(changed) - 1
    return DayDigest(
        date=summary.date, active_seconds=summary.active_seconds,
        sessions=tuple(SessionSpan(s.start, s.end, s.active_seconds, s.zone.zone)
                       for s in summary.sessions),
        times_to_green=tuple(s.time_to_green for s in timeline.red_streaks
                             if s.time_to_green is not None),
        eq_pairs=pairs, eq_total=0.0 if eq is None else eq * pairs,
        runs=timeline.runs, commits=timeline.commits, stuck_moments=summary.stuck_moments,
        signals=summary.signals)


def _no_tz(kind: type, value: Any) -> Any:
    """Zones are never stored (the reader's own is put back); any other odd type is an error."""
    if value is None:
        return None
    raise msgspec.ValidationError(f"{kind} is not stored")


_DECODERS: dict[type[Any], Callable[[str | bytes], Any]] = {}


def decoder(kind: type[T]) -> Callable[[str | bytes], T]:
    """A JSON decoder for `kind`, made once and only when first needed."""
    if kind not in _DECODERS:
        _DECODERS[kind] = msgspec.json.Decoder(kind, dec_hook=_no_tz).decode
    return _DECODERS[kind]


_ENCODE = msgspec.json.Encoder().encode


def drawn(timeline: Timeline) -> Timeline:
    """The timeline without what only analysis reads (edits, raw events, file switches,
    instants of activity); sessions keep their span. Renderers read the rest."""
    return dataclasses.replace(
        timeline, tz=None, events=(), edits=(), assisted=(), switches=(), activity=(),
        sessions=tuple(Session(s.index, s.start, s.end) for s in timeline.sessions))


def _storable(summary: DaySummary) -> DaySummary:
    assert summary.timeline is not None
    return dataclasses.replace(summary, tz=None, timeline=drawn(summary.timeline))


def _in_zone(summary: DaySummary, tz: tzinfo | None) -> DaySummary:
    timeline = summary.timeline
    return dataclasses.replace(summary, tz=tz, timeline=None if timeline is None
                               else dataclasses.replace(timeline, tz=tz))


def releases_key(config: Config, home: Path) -> str:
    """Names everything that shapes a day's summary but its events and goals: this version,
    the thresholds, the plugins that would load (entry point, release, and the files of
    their modules: sizes and times, for code edited without a new release) and their
    settings. Read from the plugins' metadata and files, without importing them."""
    text = json.dumps([__version__, asdict(config.thresholds), plugin_releases(config, home),
                       plugin_sources(config, home), config.plugins.settings],
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class DayCache:
    """Days of one store, summarized at most once while they stay as they are."""

    def __init__(self, store: Store, config: Config, tz: tzinfo | None = None,
                 manager: StrainPluginManager | None = None, now: float | None = None,
                 goals: list[Goal] | None = None) -> None:
        self.store, self.config, self.tz = store, config, tz
        self._manager = manager
        self.now = clock.now() if now is None else now
        self.goals = load_goals(store) if goals is None else goals
        self.key = releases_key(config, store.path.parent)
        self.summarized: list[date] = []
        """The days this cache had to summarize (not served from the store)."""
        self._digests: dict[tuple[date, type[Any]], DayFigures] = {}
        self._made: dict[date, DaySummary] = {}
        """Days summarized here: a day that is not kept (not over, a plugin failed) is
        summarized once per cache, whichever of summary, digest and figures asks."""

    @property
    def manager(self) -> StrainPluginManager:
        if self._manager is None:
            from dptelemetry.plugins import get_plugin_manager

            self._manager = get_plugin_manager(self.config)
        return self._manager

    @property
    def plugin_failures(self) -> list[PluginFailure]:
        """What went wrong in plugins while summarizing; none when nothing was summarized."""
        return [] if self._manager is None else self._manager.failures

    def _slot(self, day: date) -> Slot:
        start, end = day_bounds(day, self.tz)
        stamp = self.store.span_stamp(day_bounds(day - timedelta(days=LOOKBACK_DAYS),
                                                 self.tz)[0], end)
        goals = repr(goals_during(self.goals, start, end)).encode()
        return start, end, hashlib.sha256(self.key.encode() + goals).hexdigest()[:16], stamp

    def _read(self, day: date, part: str, kind: type[T]) -> tuple[Slot, T | None]:
        slot = self._slot(day)
        text = self.store.cached_day_summary(*slot, part) if slot[1] <= self.now else None
        if text is not None:
            with suppress(msgspec.MsgspecError):  # written by another version: summarize
                return slot, decoder(kind)(text)
        return slot, None

    def summary(self, day: date) -> DaySummary:
        """The day's summary, as `summarize_day` makes it."""
        slot, found = self._read(day, "summary", DaySummary)
        return _in_zone(found, self.tz) if found is not None else self._summarize(day, slot)

    def digest(self, day: date) -> DayDigest:
        """What drills read of the day."""
        return self._part(day, DayDigest)

    def figures(self, day: date) -> DayFigures:
        """What progress reads of the day."""
        return self._part(day, DayFigures)

    def _part(self, day: date, kind: type[Part]) -> Part:
        """The day's digest or figures; a day without events is not summarized at all."""
        if (day, kind) not in self._digests:
            start, end = day_bounds(day, self.tz)
            found: DayFigures = kind(day)
            if self.store.span_stamp(start, end):
                part = "digest" if kind is DayDigest else "figures"
                slot, kept = self._read(day, part, kind)
                found = kept if kept is not None else digest_of(self._summarize(day, slot))
            self._digests[day, kind] = found
        return self._digests[day, kind]  # type: ignore[return-value]

    def _summarize(self, day: date, slot: Slot) -> DaySummary:
        from dptelemetry.analysis.summary import summarize_day

        if day in self._made:
            return self._made[day]
        summary = self._made[day] = summarize_day(self.store, day, self.config, self.tz,
                                                  self.manager)
        self.summarized.append(day)
        if slot[1] <= self.now and not summary.plugin_failures:
            self._save(slot, summary)
        return summary

    def _save(self, slot: Slot, summary: DaySummary) -> None:
        # A read-only or busy store only means summarizing again next time; a summary whose
        # plugin data JSON cannot carry back (a tuple, a bool where a number was) is not kept.
        with suppress(StoreError, TypeError, msgspec.MsgspecError):
            kept = _storable(summary)
            text = _ENCODE(kept).decode()
            back = decoder(DaySummary)(text)
            if back == kept and back.timeline == kept.timeline:
                digest = _ENCODE(digest_of(summary))
                figures = _ENCODE(decoder(DayFigures)(digest))  # the digest's first fields
                self.store.save_day_summary(*slot, text, digest.decode(), figures.decode())

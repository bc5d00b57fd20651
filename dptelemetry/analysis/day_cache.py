"""Finished days kept as what they summarize to.

A past day's summary rarely changes, yet making it reads every keystroke of the day and the
baselines of the two weeks before. So once a day has ended, its `DaySummary` (with the parts
of its timeline that renderers draw) is kept in the store as JSON and served while nothing
that shaped it changed: the events of the day and of the LOOKBACK_DAYS before it (its
baselines), by the per-hour stamps; the versions, thresholds, plugin releases and settings
and the day's goals (their drills and attempt numbers too), by the key. A day that has not
ended is summarized afresh each time. `dpt summary`, its week, `dpt drill show` and
`dpt progress` all read days through here.

Drills and progress need a few parts of a day, not its bursts and pauses: `DayDigest` decodes
only those from the same JSON (msgspec skips the rest without building it).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict
from datetime import date, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from dptelemetry import __version__, clock
from dptelemetry.analysis.days import day_bounds
from dptelemetry.analysis.history import LOOKBACK_DAYS
from dptelemetry.analysis.signals import Signal
from dptelemetry.analysis.summary import DaySummary, GoalWork, SessionSummary
from dptelemetry.analysis.timeline import (
    Commit,
    Session,
    StuckMoment,
    TestRun,
    Timeline,
    goals_during,
)
from dptelemetry.config import Config
from dptelemetry.goals import Goal, load_goals
from dptelemetry.plugins import plugin_releases
from dptelemetry.store import Store, StoreError

if TYPE_CHECKING:  # the plugin manager is made on a cache miss, not before
    from dptelemetry.plugins import PluginFailure, StrainPluginManager

T = TypeVar("T")
Slot = tuple[float, float, str, int]
"""A day's start, end, key and stamp."""


class DigestTimeline(msgspec.Struct):
    runs: tuple[TestRun, ...] = ()
    commits: tuple[Commit, ...] = ()


class DayDigest(msgspec.Struct):
    """What drills and progress read of a day's summary."""

    date: date
    start: float
    end: float
    active_seconds: float
    sessions: tuple[SessionSummary, ...]
    goals: tuple[GoalWork, ...]
    stuck_moments: tuple[StuckMoment, ...]
    signals: tuple[Signal, ...]
    timeline: DigestTimeline | None = None


def _no_tz(kind: type, value: Any) -> Any:
    """Zones are never stored (the reader's own is put back); any other odd type is an error."""
    if value is None:
        return None
    raise msgspec.ValidationError(f"{kind} is not stored")


_DECODE_SUMMARY = msgspec.json.Decoder(DaySummary, dec_hook=_no_tz).decode
_DECODE_DIGEST = msgspec.json.Decoder(DayDigest, dec_hook=_no_tz).decode
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


def releases_key(config: Config) -> str:
    """Names everything that shapes a day's summary but its events and goals: this version,
    the thresholds, the plugins that would load (entry point, release) and their settings.
    Read from the plugins' metadata, without importing them."""
    text = json.dumps([__version__, asdict(config.thresholds), plugin_releases(config),
                       config.plugins.settings], sort_keys=True, default=str)
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
        self.key = releases_key(config)
        self.summarized: list[date] = []
        """The days this cache had to summarize (not served from the store)."""
        self._digests: dict[date, DayDigest] = {}

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

    def _read(self, day: date, decode: Callable[[str], T]) -> tuple[Slot, T | None]:
        slot = self._slot(day)
        start, end, key, stamp = slot
        text = self.store.cached_day_summary(start, end, key, stamp) if end <= self.now else None
        if text is not None:
            with suppress(msgspec.MsgspecError):  # written by another version: summarize
                return slot, decode(text)
        return slot, None

    def summary(self, day: date) -> DaySummary:
        """The day's summary, as `summarize_day` makes it."""
        slot, found = self._read(day, _DECODE_SUMMARY)
        return _in_zone(found, self.tz) if found is not None else self._summarize(day, slot)

    def digest(self, day: date) -> DayDigest:
        """What drills and progress read of the day; a day without events is not summarized
        at all."""
        if day in self._digests:
            return self._digests[day]
        start, end = day_bounds(day, self.tz)
        if self.store.span_stamp(start, end) == 0:
            digest = DayDigest(day, start, end, 0.0, (), (), (), ())
        else:
            slot, found = self._read(day, _DECODE_DIGEST)
            digest = found or _DECODE_DIGEST(_ENCODE(_storable(self._summarize(day, slot))))
        self._digests[day] = digest
        return digest

    def _summarize(self, day: date, slot: Slot) -> DaySummary:
        from dptelemetry.analysis.summary import summarize_day

        summary = summarize_day(self.store, day, self.config, self.tz, self.manager)
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
            back = _DECODE_SUMMARY(text)
            if back == kept and back.timeline == kept.timeline:
                self.store.save_day_summary(*slot, text)

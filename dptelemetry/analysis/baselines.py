"""Your own history for one day's summary: past days' metric samples, cached in the store.

Rebuilding two weeks of timelines for every summary would cost two weeks of reading; instead
each day's samples (`dpt_day_metrics`) are kept in the store with the day's stamp (which grows
whenever an event for that day is stored), and reused while the stamp still matches and the
same versions, thresholds and settings computed them. Only days whose events changed since are
rebuilt.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta, tzinfo

from dptelemetry.analysis.day_cache import releases_key
from dptelemetry.analysis.days import day_bounds
from dptelemetry.analysis.history import LOOKBACK_DAYS, DayMetrics, History
from dptelemetry.analysis.reader import read_timeline
from dptelemetry.analysis.timeline import Timeline
from dptelemetry.config import Config
from dptelemetry.goals import Goal
from dptelemetry.plugins import StrainPluginManager
from dptelemetry.store import Store, StoreError


def day_metrics(store: Store, timeline: Timeline, key: str, stamp: int,
                manager: StrainPluginManager, config: Config) -> DayMetrics:
    """The plugins' samples for this timeline, saved for later days' baselines."""
    metrics = manager.day_metrics(timeline, config)
    with suppress(StoreError):  # a read-only or busy store only means recomputing next time
        store.save_day_metrics(timeline.start, timeline.end, key, stamp, metrics)
    return metrics


def load_history(store: Store, day: date, config: Config, manager: StrainPluginManager,
                 goals: list[Goal], tz: tzinfo | None = None,
                 lookback: int = LOOKBACK_DAYS) -> History:
    """Samples from the `lookback` days before `day`, from the cache or rebuilt."""
    key = releases_key(config, store.path.parent)  # as kept days are: plugin files too
    days: dict[date, DayMetrics] = {}
    for back in range(lookback, 0, -1):
        past = day - timedelta(days=back)
        start, end = day_bounds(past, tz)
        stamp = store.span_stamp(start, end)
        if stamp == 0:
            continue
        cached = store.cached_day_metrics(start, end, key, stamp)
        if cached is not None:
            metrics: DayMetrics = cached
        else:
            timeline = read_timeline(store, past, config.thresholds, tz, goals)
            metrics = day_metrics(store, timeline, key, stamp, manager, config)
        if any(metrics.values()):
            days[past] = metrics
    return History(days)

"""Your own past, for baselines: per-day samples of the metrics plugins choose to keep.

Every study in the research note that found an effect compared a person with themselves, so
once a week of your history holds a metric a plugin keeps samples of (`dpt_day_metrics`),
that plugin may flag at your p90 (warning) and p95 (strong) instead of its cold-start limits
(a published figure or a design choice); limits you set in your config always hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from dptelemetry.analysis.signals import Limits
from dptelemetry.analysis.stats import percentile

MIN_DAYS = 7
"""Days with samples of a metric before your own baseline replaces the cold-start limits."""
LOOKBACK_DAYS = 14
FLOOR = 0.5
"""Your baseline may lower the cold-start warning limit to half of it, not further: after calm
weeks a small wobble should not become a signal."""

DayMetrics = Mapping[str, Sequence[float]]


@dataclass(frozen=True)
class History:
    days: Mapping[date, DayMetrics] = field(default_factory=dict)
    """Metric samples per past day (only days that had any)."""

    def samples(self, metric: str) -> list[float]:
        return [value for metrics in self.days.values() for value in metrics.get(metric, ())]

    def days_with(self, metric: str) -> int:
        return sum(1 for metrics in self.days.values() if metrics.get(metric))

    def limits(self, metric: str, cold_start: Limits) -> Limits:
        """Your p90/p95 of `metric` once MIN_DAYS days hold it, else `cold_start`; limits
        you set in your config always hold."""
        days = self.days_with(metric)
        if days < MIN_DAYS or cold_start.set_by_you:
            return cold_start
        samples = self.samples(metric)
        p90 = percentile(samples, 90) or 0.0
        p95 = percentile(samples, 95) or 0.0
        warn = max(p90, cold_start.warn * FLOOR)
        # Where p95 does not rise above the warning limit, keep the cold-start spacing.
        spacing = cold_start.strong / cold_start.warn if cold_start.warn > 0 else 1.0
        strong = p95 if p95 > warn else warn * spacing
        return Limits(warn, strong, f"your p90/p95 over {days} days")

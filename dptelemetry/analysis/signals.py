"""What strain plugins report: signals, and optional extra sections for the summary.

A signal is a sign of strain, not a diagnosis: it carries the numbers behind it, the limit it
crossed and where that limit comes from, and one suggestion that changes one thing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dptelemetry.config import Config

WARN = 0.5
"""Severity at the warning limit; it rises linearly to 1.0 at the strong limit."""
STRONG = 1.0


class Lever(str, Enum):
    """The one variable a suggestion asks to change (deliberate-practice levers)."""

    DIFFICULTY = "difficulty"
    FEEDBACK = "feedback"
    TIME_BLOCK = "time_block"


@dataclass(frozen=True)
class Suggestion:
    lever: Lever
    text: str


@dataclass(frozen=True)
class Threshold:
    """The limit a signal crossed: `observed` of `metric` reached `value`."""

    metric: str
    value: float
    observed: float
    basis: str
    """Where the limit comes from: a study's distribution, a design default, your own p90."""


def severity(observed: float, warn: float, strong: float) -> float | None:
    """None below `warn`; 0.5 at `warn`, rising linearly to 1.0 at `strong` and above."""
    if observed < warn:
        return None
    if strong <= warn or observed >= strong:
        return STRONG
    return WARN + (STRONG - WARN) * (observed - warn) / (strong - warn)


@dataclass(frozen=True)
class Limits:
    """A warning and a strong limit for one metric (higher is worse), and their source."""

    warn: float
    strong: float
    basis: str

    @classmethod
    def configured(cls, config: Config, plugin: str, defaults: Mapping[str, Any], warn: str,
                   strong: str, basis: str, scale: float = 1.0) -> Limits:
        """The limits in settings `warn` and `strong` of `[plugins.<plugin>]` (times `scale`,
        60 for minutes); `basis` holds while both keep their defaults."""
        values = [config.plugin_setting(plugin, key, defaults[key]) for key in (warn, strong)]
        changed = values != [defaults[warn], defaults[strong]]
        return cls(values[0] * scale, values[1] * scale,
                   f"set in [plugins.{plugin}] {warn}/{strong}" if changed else basis)

    def severity(self, observed: float) -> float | None:
        return severity(observed, self.warn, self.strong)

    def crossed(self, metric: str, observed: float) -> Threshold:
        """The highest of the two limits that `observed` reached."""
        value = self.strong if observed >= self.strong else self.warn
        return Threshold(metric, value, observed, self.basis)


@dataclass(frozen=True)
class Signal:
    name: str
    severity: float
    """0-1: 0.5 at the warning limit, 1.0 at the strong one."""
    start: float
    end: float
    """The time window the evidence comes from (epoch seconds)."""
    summary: str
    """One line in numbers: what happened."""
    evidence: Mapping[str, float | int | str]
    threshold: Threshold
    suggestion: Suggestion
    struggle: bool = True
    """It says the work is too hard right now, so it counts toward the session's zone.
    Fatigue and goal drift say something else and do not."""
    plugin: str = ""
    """Who reported it; the plugin manager fills it in."""

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a signal needs a name")
        if not (0.0 <= self.severity <= 1.0) or math.isnan(self.severity):
            raise ValueError(f"signal {self.name}: severity {self.severity} is not in 0-1")
        if self.end < self.start:
            raise ValueError(f"signal {self.name}: its window ends before it starts")

    @property
    def strong(self) -> bool:
        return self.severity >= STRONG


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that raised, returned the wrong thing or could not be loaded: named in the
    summary and skipped (the plugin manager records it)."""

    plugin: str
    hook: str
    """The hook that failed, or `load` when the plugin could not be loaded at all."""
    error: str


@dataclass(frozen=True)
class Section:
    """An extra part of the daily summary from a plugin: lines to print, data for JSON."""

    key: str
    title: str
    lines: tuple[str, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)

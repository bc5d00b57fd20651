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

    def line(self) -> str:
        """As the summary prints it, and the editor's nudge repeats it."""
        return f"Try ({self.lever.value.replace('_', ' ')}): {self.text}"


class Moment(str, Enum):
    """Strain that the language server can see as it happens, so the editor can nudge then."""

    RED_STRETCH = "red_stretch"
    """A red stretch whose active time reaches the rule's `limit_s`."""
    STUCK = "stuck"
    """A detected stuck moment: a silence of `long_pause` right after a red run."""


@dataclass(frozen=True)
class NudgeRule:
    """When the editor may nudge for one of a plugin's signals, and with which suggestion
    (the one the summary prints for that signal)."""

    moment: Moment
    signal: str
    suggestion: Suggestion
    limit_s: float = 0.0
    """For RED_STRETCH: the active seconds of red that the signal flags."""


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
    set_by_you: bool = False
    """Set in your config: then your own baseline does not replace them (`History.limits`)."""

    @classmethod
    def configured(cls, config: Config, plugin: str, defaults: Mapping[str, Any], warn: str,
                   strong: str, basis: str, scale: float = 1.0) -> Limits:
        """The limits in settings `warn` and `strong` of `[plugins.<plugin>]` (times `scale`,
        60 for minutes). The basis says which applied: a setting in your config, or the
        default and `basis`, where the default comes from."""
        values = [config.plugin_setting(plugin, key, defaults[key]) for key in (warn, strong)]
        given = [key for key in (warn, strong) if config.sets(plugin, key, defaults[key])]
        if not given:
            return cls(values[0] * scale, values[1] * scale, f"default: {basis}")
        rest = [f"; {key} is the default: {basis}" for key in (warn, strong) if key not in given]
        return cls(values[0] * scale, values[1] * scale,
                   f"set in [plugins.{plugin}] {'/'.join(given)}{''.join(rest)}", True)

    def severity(self, observed: float) -> float | None:
        return severity(observed, self.warn, self.strong)

    def crossed(self, metric: str, observed: float) -> Threshold:
        """The highest of the two limits that `observed` reached (a strong limit set under
        the warning limit is reached with it)."""
        value = max((v for v in (self.warn, self.strong) if observed >= v), default=self.warn)
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
    runs: tuple[float, ...] = ()
    """When the test runs its evidence rests on started (epoch seconds; none for evidence
    that is not runs): signals sharing a run are one behaviour seen by several plugins and
    count once toward a zone."""

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

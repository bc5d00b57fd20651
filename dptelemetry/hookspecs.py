"""The whole plugin API: what a strain plugin receives, what it may return.

A plugin is a module (or object) with functions named after these hooks, each decorated with
`@dptelemetry.hookimpl`, registered in the `dptelemetry` entry-point group of its package:

    [project.entry-points.dptelemetry]
    my_signal = "my_package.my_signal"

The entry-point name is the plugin's name: `plugins.disabled` in the config blocks it, and
`[plugins.<name>]` holds its settings (read them with `config.plugin_settings(name, defaults)`;
`Limits.configured(...)` reads a warning and a strong limit and says where they came from).
An implementation may take any subset of a hook's arguments, but none with a default value
(pluggy never passes those). Each implementation is called on its own: one that raises is
named in the summary and skipped. Hook wrappers are not supported for that reason.

A file is a `File`, (repository root or None, path inside it), wherever a timeline names one
(`Edit.file`, `EditBurst.files`, `FileSwitch.from_file` and `to_file`): two repositories that
both hold `src/app.py` hold two files. `file_name(file, repos)` writes one for people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pluggy

from dptelemetry.analysis.error_measures import (
    Repeat,
    error_quotient,
    repeated_error_density,
    repeats,
)
from dptelemetry.analysis.history import History
from dptelemetry.analysis.signals import (
    STRONG,
    WARN,
    Lever,
    Limits,
    Moment,
    NudgeRule,
    Section,
    Signal,
    Suggestion,
    Threshold,
    severity,
)
from dptelemetry.analysis.stats import median, percentile
from dptelemetry.analysis.timeline import (
    Commit,
    Edit,
    EditBurst,
    Episode,
    File,
    FileSwitch,
    Pause,
    PauseBin,
    RedStreak,
    Session,
    StuckMoment,
    TestRun,
    Timeline,
    active_spans,
    changed_runs,
    failure_sets,
    file_name,
    verdict_runs,
)
from dptelemetry.analysis.zones import Zone, ZoneVerdict
from dptelemetry.config import Config
from dptelemetry.durations import format_duration
from dptelemetry.entry_points import GROUP

PROJECT = GROUP
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = [
    "PROJECT",
    "STRONG",
    "WARN",
    "Commit",
    "Config",
    "Edit",
    "EditBurst",
    "Episode",
    "File",
    "FileSwitch",
    "History",
    "Lever",
    "Limits",
    "Moment",
    "NudgeRule",
    "Pause",
    "PauseBin",
    "RedStreak",
    "Repeat",
    "Section",
    "Session",
    "Signal",
    "StuckMoment",
    "Suggestion",
    "TestRun",
    "Threshold",
    "Timeline",
    "Zone",
    "ZoneVerdict",
    "active_spans",
    "changed_runs",
    "error_quotient",
    "failure_sets",
    "file_name",
    "format_duration",
    "hookimpl",
    "hookspec",
    "median",
    "percentile",
    "repeated_error_density",
    "repeats",
    "severity",
    "verdict_runs",
]


@hookspec
def dpt_strain_signals(  # type: ignore[empty-body]
    timeline: Timeline, config: Config, history: History
) -> Sequence[Signal]:
    """Signs of strain in the day's timeline, each with its numbers, limit and suggestion.

    `history` holds your own past samples of the metrics from `dpt_day_metrics`; use
    `history.limits(metric, cold_start)` to compare with your p90 once a week of it exists
    (limits set in the config, `Limits.configured`, hold regardless).
    """


@hookspec
def dpt_day_metrics(  # type: ignore[empty-body]
    timeline: Timeline, config: Config
) -> Mapping[str, Sequence[float]]:
    """Samples of your metrics for one day (for example one per session), kept per day so that
    later days can compare with your own baseline. Prefix the names with your plugin's name."""


@hookspec
def dpt_summary_sections(  # type: ignore[empty-body]
    timeline: Timeline, config: Config, signals: Sequence[Signal]
) -> Sequence[Section]:
    """Extra sections for the daily summary."""


@hookspec(firstresult=True)
def dpt_zone(
    session: Session, timeline: Timeline, signals: Sequence[Signal], config: Config
) -> ZoneVerdict | None:
    """Classify one session (comfort, learning, panic) with its reason; None leaves it to the
    next plugin and finally to the default rule (dptelemetry.analysis.zones)."""


@hookspec
def dpt_plugin_settings() -> Mapping[str, object]:  # type: ignore[empty-body]
    """This plugin's settings and their defaults, shown by `dpt plugins`."""


@hookspec
def dpt_nudge_rules(config: Config) -> Sequence[NudgeRule]:  # type: ignore[empty-body]
    """Which of your signals can be seen while they happen (a `Moment`), each with the
    suggestion your summary prints for it: `dpt lsp` shows it in the editor at that moment
    (at most one nudge per `feedback.nudge_interval`)."""

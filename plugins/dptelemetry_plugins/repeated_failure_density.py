"""Repeated failure density: Becker's RED per failure signature over a session's runs.

The same test failing the same way run after run is the clearest sign of spinning wheels.
Warns when one signature fails `streak_warn` runs in a row (three repeats add 2.25 to RED) or
when the session's RED reaches the warning limit.

Limits: RED 6.62 and 15.41, the p90 and p95 of the published CS1 RED values (see BASIS), then
your baseline of the per-session RED; the streak of 4 is a design choice, no baseline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dptelemetry import hookimpl
from dptelemetry.hookspecs import (
    WARN,
    Config,
    History,
    Lever,
    Limits,
    Repeat,
    Signal,
    Suggestion,
    TestRun,
    Threshold,
    Timeline,
    failure_sets,
    repeated_error_density,
    repeats,
    verdict_runs,
)

NAME = "repeated_failure_density"
METRIC = f"{NAME}.session"
DEFAULTS: Mapping[str, object] = {"warn": 6.62, "strong": 15.41, "streak_warn": 4}
BASIS = ("p90 / p95, to two decimals, of the 1,644 per-student CS1 RED values published "
         "with Svabensky et al., ITiCSE 2024")


@hookimpl
def dpt_plugin_settings() -> Mapping[str, object]:
    return DEFAULTS


@hookimpl
def dpt_day_metrics(timeline: Timeline) -> Mapping[str, Sequence[float]]:
    values = []
    for session in timeline.sessions:
        runs = verdict_runs(session.runs)
        if len(runs) >= 2:
            values.append(repeated_error_density(failure_sets(runs)))
    return {METRIC: values}


@hookimpl
def dpt_strain_signals(timeline: Timeline, config: Config, history: History) -> list[Signal]:
    settings = config.plugin_settings(NAME, DEFAULTS)
    limits = history.limits(METRIC, Limits.configured(config, NAME, DEFAULTS, "warn", "strong",
                                                      BASIS))
    signals = []
    for session in timeline.sessions:
        runs = verdict_runs(session.runs)
        sets = failure_sets(runs)
        found = repeats(sets)
        if not found:
            continue
        density = repeated_error_density(sets)
        longest = max(found, key=lambda r: (r.length, -r.first))
        by_density = limits.severity(density)
        by_streak = WARN if longest.length >= settings["streak_warn"] else None
        if by_density is None and by_streak is None:
            continue
        threshold = (
            limits.crossed("repeated_failure_density", density) if by_density is not None
            else Threshold("longest_repeat", settings["streak_warn"], longest.length,
                           "set in [plugins.repeated_failure_density] streak_warn"
                           if config.sets(NAME, "streak_warn", DEFAULTS["streak_warn"])
                           else "default: a design choice: 3 repeats in a row add 2.25 to RED"))
        signals.append(_signal(runs, longest, density, max(by_density or 0, by_streak or 0),
                               threshold, whole_session=by_density is not None))
    return signals


def _signal(runs: list[TestRun], longest: Repeat[tuple[str, str]], density: float,
            level: float, threshold: Threshold, whole_session: bool) -> Signal:
    """The signal for a session's runs; it rests on all of them when the session's RED
    crossed its limit, else on the repeat that crossed the streak limit."""
    test, error = longest.signature
    stretch = runs[longest.first:longest.first + longest.length]
    return Signal(
        name=NAME, severity=level, start=stretch[0].start, end=stretch[-1].end,
        summary=f"{test} failed with {error} in {longest.length} runs in a row; "
                f"RED {density:.1f} over {len(runs)} runs",
        evidence={"red": round(density, 4), "red_per_run": round(density / len(runs), 4),
                  "runs": len(runs), "longest_repeat": longest.length, "test": test,
                  "error": error},
        threshold=threshold,
        suggestion=Suggestion(Lever.FEEDBACK, f"Run only {test} and read its whole error "
                              "message before the next change."),
        runs=tuple(r.start for r in (runs if whole_session else stretch)),
    )

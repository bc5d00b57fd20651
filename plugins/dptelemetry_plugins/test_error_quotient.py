"""Test Error Quotient: Jadud's EQ over a session's consecutive test runs.

A run's failure signatures play the part of compiler error types. As in ProgSnap2Analysis, a
run with no edit since the previous one is dropped (the same code ran again), and at least
three runs are needed: with fewer, the quotient says nothing.

Limits: 0.36 and 0.55, the p95 and p99 of the published CS1 compile EQ values (see BASIS),
then your baseline of the per-session TEQ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dptelemetry import hookimpl
from dptelemetry.hookspecs import (
    Config,
    History,
    Lever,
    Limits,
    Signal,
    Suggestion,
    TestRun,
    Timeline,
    changed_runs,
    error_quotient,
    failure_sets,
    verdict_runs,
)

NAME = "test_error_quotient"
METRIC = f"{NAME}.session"
DEFAULTS: Mapping[str, object] = {"warn": 0.36, "strong": 0.55, "min_runs": 3}
BASIS = ("p95 / p99, to two decimals, of the 1,694 per-student CS1 compile EQ values "
         "published with Svabensky et al., ITiCSE 2024")


def teq_of(runs: Sequence[TestRun], min_runs: int) -> float | None:
    """The error quotient of a session's changed runs, once there are enough of them."""
    if len(runs) < max(2, min_runs):
        return None
    return error_quotient(failure_sets(runs))


@hookimpl
def dpt_plugin_settings() -> Mapping[str, object]:
    return DEFAULTS


@hookimpl
def dpt_day_metrics(timeline: Timeline, config: Config) -> Mapping[str, Sequence[float]]:
    min_runs = config.plugin_setting(NAME, "min_runs", DEFAULTS["min_runs"])
    values = [teq_of(changed_runs(verdict_runs(s.runs)), min_runs) for s in timeline.sessions]
    return {METRIC: [v for v in values if v is not None]}


@hookimpl
def dpt_strain_signals(timeline: Timeline, config: Config, history: History) -> list[Signal]:
    settings = config.plugin_settings(NAME, DEFAULTS)
    limits = history.limits(METRIC, Limits.configured(config, NAME, DEFAULTS, "warn", "strong",
                                                      BASIS))
    signals = []
    for session in timeline.sessions:
        verdicts = verdict_runs(session.runs)
        runs = changed_runs(verdicts)
        teq = teq_of(runs, settings["min_runs"])
        level = None if teq is None else limits.severity(teq)
        if teq is None or level is None:
            continue
        reds = sum(1 for r in runs if r.red)
        signals.append(Signal(
            name=NAME, severity=level, start=runs[0].start, end=runs[-1].end,
            summary=f"test error quotient {teq:.2f} over {len(runs)} changed runs "
                    f"({reds} red): failures kept following failures",
            evidence={"teq": round(teq, 4), "runs": len(runs), "red_runs": reds,
                      "unchanged_reruns_dropped": len(verdicts) - len(runs)},
            threshold=limits.crossed("test_error_quotient", teq),
            suggestion=Suggestion(Lever.DIFFICULTY, "Shrink the step: go back to the last "
                                  "green run and write a test that fails for one reason only."),
            runs=tuple(r.start for r in runs),
        ))
    return signals

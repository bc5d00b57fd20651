"""Rerun without edits: running the same failing tests again with (almost) nothing changed.

A chain is consecutive red runs, each starting less than `max_gap_s` after the previous one
ended, with fewer than `max_chars` characters edited in between and the same failures.

Limits: a chain of 3 (the research note's S5) and 5 (a design choice), then your baseline of
the longest chain of each session with a red run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dptelemetry import hookimpl
from dptelemetry.hookspecs import (
    Config,
    History,
    Lever,
    Limits,
    Session,
    Signal,
    Suggestion,
    TestRun,
    Timeline,
    verdict_runs,
)

NAME = "rerun_without_edits"
METRIC = f"{NAME}.longest_chain"
DEFAULTS: Mapping[str, object] = {"max_gap_s": 30, "max_chars": 20, "warn": 3, "strong": 5}
BASIS = ("a chain of 3 from the research note (S5), after Jadud's rapid, minimally "
         "changed recompiles")


def chains(session: Session, max_gap: float, max_chars: int) -> list[list[TestRun]]:
    found: list[list[TestRun]] = []
    chain: list[TestRun] = []
    for run in verdict_runs(session.runs):
        prev = chain[-1] if chain else None
        if (prev is not None and run.red and run.start - prev.end < max_gap
                and run.edited_chars < max_chars and run.signatures == prev.signatures):
            chain.append(run)
            continue
        if len(chain) > 1:
            found.append(chain)
        chain = [run] if run.red else []
    if len(chain) > 1:
        found.append(chain)
    return found


def longest_chain(session: Session, settings: Mapping[str, Any]) -> list[TestRun]:
    found = chains(session, settings["max_gap_s"], settings["max_chars"])
    return max(found, key=len, default=[])


@hookimpl
def dpt_plugin_settings() -> Mapping[str, object]:
    return DEFAULTS


@hookimpl
def dpt_day_metrics(timeline: Timeline, config: Config) -> Mapping[str, Sequence[float]]:
    settings = config.plugin_settings(NAME, DEFAULTS)
    return {METRIC: [float(len(longest_chain(s, settings))) for s in timeline.sessions
                     if any(r.red for r in s.runs)]}


@hookimpl
def dpt_strain_signals(timeline: Timeline, config: Config, history: History) -> list[Signal]:
    settings = config.plugin_settings(NAME, DEFAULTS)
    limits = history.limits(METRIC, Limits.configured(config, NAME, DEFAULTS, "warn", "strong",
                                                      BASIS))
    signals = []
    for session in timeline.sessions:
        chain = longest_chain(session, settings)
        level = limits.severity(len(chain)) if chain else None
        if level is None:
            continue
        edited = sum(r.edited_chars for r in chain[1:])
        signals.append(Signal(
            name=NAME, severity=level, start=chain[0].start, end=chain[-1].end,
            summary=f"{len(chain)} runs in a row with the same failures and {edited} "
                    f"characters edited between them",
            evidence={"runs": len(chain), "chars_edited": edited,
                      "seconds": round(chain[-1].end - chain[0].start, 1),
                      "failures": len(chain[0].signatures)},
            threshold=limits.crossed("rerun_chain", len(chain)),
            suggestion=Suggestion(Lever.FEEDBACK, "Before rerunning, change one thing or add "
                                  "one check that can tell you something new."),
            runs=tuple(r.start for r in chain),
        ))
    return signals

"""Stuck stretches: long red stretches, and long silences right after red runs.

A red stretch runs from the first red run after green to the green run that ends it (Zorro's
episode boundary); what counts is the active time inside it. A stretch whose failing count
fell over its last three runs is making progress and is flagged only at the strong limit.

Limits: red_stretch 20 and 45 min of active red time (the research note's S3), then your
baseline of red stretches; pause_after_red 2 and 4 silences, design choices, no baseline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dptelemetry import hookimpl
from dptelemetry.hookspecs import (
    STRONG,
    Config,
    History,
    Lever,
    Limits,
    Moment,
    NudgeRule,
    RedStreak,
    Session,
    Signal,
    Suggestion,
    Timeline,
    format_duration,
)

NAME = "stuck_stretches"
STRETCH_METRIC = f"{NAME}.red_stretch_s"
DEFAULTS: Mapping[str, object] = {
    "red_warn_minutes": 20, "red_strong_minutes": 45,
    "pauses_after_red_warn": 2, "pauses_after_red_strong": 4,
}
STRETCH_BASIS = ("20 / 45 min from the research note (S3), on Zorro's episode boundaries "
                 "(its 3 x your median episode is left out)")
PAUSE_BASIS = "a design choice: several long silences right after red runs in one session"
RED_STRETCH_TRY = Suggestion(Lever.TIME_BLOCK, "Time-box red stretches: set a 20-minute timer; "
                             "when it rings, revert to the last green run and take a smaller "
                             "step.")
PAUSE_AFTER_RED_TRY = Suggestion(Lever.FEEDBACK, "After a red run, add one assertion or print "
                                 "that shows the failing value, then rerun, instead of "
                                 "reasoning in silence.")


def stretch_end(streak: RedStreak, session: Session) -> float:
    """Where the stretch stops counting: its green run's end, or, still red, the session's."""
    return streak.recovered_by.end if streak.recovered_by else max(streak.end, session.end)


def red_seconds(timeline: Timeline, session: Session, streak: RedStreak) -> float:
    return timeline.active_seconds_between(streak.start, stretch_end(streak, session))


def progressing(streak: RedStreak) -> bool:
    last = streak.runs[-3:]
    return len(last) == 3 and len(last[-1].signatures) < len(last[0].signatures)


@hookimpl
def dpt_plugin_settings() -> Mapping[str, object]:
    return DEFAULTS


def _stretch_limits(config: Config) -> Limits:
    return Limits.configured(config, NAME, DEFAULTS, "red_warn_minutes", "red_strong_minutes",
                             STRETCH_BASIS, scale=60)


@hookimpl
def dpt_nudge_rules(config: Config) -> list[NudgeRule]:
    """Both signals can be seen as they happen: nudge at the red stretch's warning limit, and
    at each stuck moment (the summary flags several; one is worth a word while it lasts)."""
    return [NudgeRule(Moment.RED_STRETCH, "red_stretch", RED_STRETCH_TRY,
                      limit_s=_stretch_limits(config).warn),
            NudgeRule(Moment.STUCK, "pause_after_red", PAUSE_AFTER_RED_TRY)]


@hookimpl
def dpt_day_metrics(timeline: Timeline) -> Mapping[str, Sequence[float]]:
    return {STRETCH_METRIC: [red_seconds(timeline, session, streak)
                             for session in timeline.sessions
                             for streak in session.red_streaks]}


@hookimpl
def dpt_strain_signals(timeline: Timeline, config: Config, history: History) -> list[Signal]:
    limits = history.limits(STRETCH_METRIC, _stretch_limits(config))
    pause_limits = Limits.configured(config, NAME, DEFAULTS, "pauses_after_red_warn",
                                     "pauses_after_red_strong", PAUSE_BASIS)
    signals = []
    for session in timeline.sessions:
        for streak in session.red_streaks:
            seconds = red_seconds(timeline, session, streak)
            level = limits.severity(seconds)
            if level is None or (level < STRONG and progressing(streak)):
                continue
            state = "before going green" if streak.recovered_by else "and still red"
            signals.append(Signal(
                name="red_stretch", severity=level, start=streak.start,
                end=stretch_end(streak, session),
                summary=f"red for {format_duration(seconds)} of active time over "
                        f"{len(streak.runs)} runs {state}",
                evidence={"red_active_s": round(seconds, 1), "red_runs": len(streak.runs),
                          "recovered": int(streak.recovered_by is not None),
                          "failing_at_end": len(streak.runs[-1].signatures)},
                threshold=limits.crossed("red_active_s", seconds),
                suggestion=RED_STRETCH_TRY,
                runs=tuple(r.start for r in streak.runs),
            ))
        detected = [m for m in session.stuck if m.detected]
        level = pause_limits.severity(len(detected))
        if level is not None:
            longest = max(m.seconds for m in detected)
            silenced = {m.start for m in detected}  # each began as a red run ended
            signals.append(Signal(
                name="pause_after_red", severity=level, start=detected[0].start,
                end=detected[-1].end,
                summary=f"{len(detected)} long silences right after red runs (longest "
                        f"{format_duration(longest)})",
                evidence={"pauses": len(detected), "longest_s": round(longest, 1),
                          "total_s": round(sum(m.seconds for m in detected), 1)},
                threshold=pause_limits.crossed("pauses_after_red", len(detected)),
                suggestion=PAUSE_AFTER_RED_TRY,
                runs=tuple(r.start for r in session.runs if r.red and r.end in silenced),
            ))
    return signals

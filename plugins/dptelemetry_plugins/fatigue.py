"""Fatigue: long stretches without a break, work late at night, a pace that sags.

Research note, S8. Late hours: commits made around and after midnight were buggier in Linux
and PostgreSQL (Eyolfson, Tan & Lam, MSR 2011). The 90-minute stretch and the 70 % pace are
design defaults, not literature values; every limit here is a design choice with no personal
baseline. These signals say "rest", not "too hard", so they do not count toward a session's
zone.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from datetime import time
from typing import Any

from dptelemetry import hookimpl
from dptelemetry.hookspecs import (
    Config,
    Lever,
    Limits,
    Session,
    Signal,
    Suggestion,
    Timeline,
    active_spans,
    format_duration,
    median,
)

NAME = "fatigue"
DEFAULTS: Mapping[str, object] = {
    "stretch_warn_minutes": 90, "stretch_strong_minutes": 120, "break_minutes": 5,
    "late_from_hour": 23, "late_until_hour": 5, "late_warn_minutes": 15,
    "late_strong_minutes": 60, "decline_warn": 0.3, "decline_strong": 0.5,
    "pause_growth": 1.5, "edge_minutes": 30,
}
STRETCH_BASIS = "a design choice (research note S8)"
LATE_BASIS = "a design choice; late commits were buggier (Eyolfson et al., MSR 2011)"
DECLINE_BASIS = "a design choice (research note S8)"
REST = Suggestion(Lever.TIME_BLOCK, "Work in blocks of at most 90 minutes: set a timer and "
                  "take a 10-minute break away from the screen when it rings.")


def longest_stretch(timeline: Timeline, session: Session, gap: float) -> tuple[float, float]:
    """(start, end) of the longest run of activity with no gap of `gap` seconds or more."""
    points = timeline.activity[bisect_left(timeline.activity, session.start):
                               bisect_right(timeline.activity, session.end)]
    return max(active_spans(points, gap), key=lambda s: s[1] - s[0])


def pace(session: Session, start: float, end: float) -> tuple[float, float | None]:
    """Typed characters per minute in [start, end], and the median pause starting there."""
    typed = sum(b.inserted for b in session.bursts if start <= b.start <= end)
    pauses = [p.seconds for p in session.pauses if start <= p.start <= end]
    return typed / ((end - start) / 60), median(pauses)


def late_spans(timeline: Timeline, settings: Mapping[str, Any]) -> list[tuple[float, float]]:
    """The parts of the day from midnight to `late_until_hour` and from `late_from_hour` on."""
    return [(timeline.start, timeline.at_clock(time(settings["late_until_hour"]))),
            (timeline.at_clock(time(settings["late_from_hour"])), timeline.end)]


@hookimpl
def dpt_plugin_settings() -> Mapping[str, object]:
    return DEFAULTS


@hookimpl
def dpt_strain_signals(timeline: Timeline, config: Config) -> list[Signal]:
    settings = config.plugin_settings(NAME, DEFAULTS)
    late = _late(timeline, config, settings)
    return [*_stretches(timeline, config, settings), *_slowing(timeline, config, settings),
            *([late] if late else [])]


def _stretches(timeline: Timeline, config: Config,
               settings: Mapping[str, Any]) -> list[Signal]:
    limits = Limits.configured(config, NAME, DEFAULTS, "stretch_warn_minutes",
                               "stretch_strong_minutes", STRETCH_BASIS, scale=60)
    signals = []
    for session in timeline.sessions:
        start, end = longest_stretch(timeline, session, settings["break_minutes"] * 60.0)
        level = limits.severity(end - start)
        if level is None:
            continue
        signals.append(Signal(
            name="long_stretch", severity=level, start=start, end=end,
            summary=f"{format_duration(end - start)} of work without a break of "
                    f"{settings['break_minutes']} min or more",
            evidence={"stretch_s": round(end - start, 1)},
            threshold=limits.crossed("stretch_s", end - start),
            suggestion=REST, struggle=False,
        ))
    return signals


def _slowing(timeline: Timeline, config: Config, settings: Mapping[str, Any]) -> list[Signal]:
    edge = settings["edge_minutes"] * 60.0
    limits = Limits.configured(config, NAME, DEFAULTS, "decline_warn", "decline_strong",
                               DECLINE_BASIS)
    signals = []
    for session in timeline.sessions:
        if session.active_seconds < 2 * edge:
            continue
        first_pace, first_pause = pace(session, session.start, session.start + edge)
        last_pace, last_pause = pace(session, session.end - edge, session.end)
        if not first_pace or first_pause is None or last_pause is None:
            continue
        decline = 1 - last_pace / first_pace
        level = limits.severity(decline)
        if level is None or last_pause < settings["pause_growth"] * first_pause:
            continue
        signals.append(Signal(
            name="slowing_down", severity=level, start=session.end - edge, end=session.end,
            summary=f"typing pace fell to {1 - decline:.0%} of the session's first "
                    f"{settings['edge_minutes']} min and pauses grew "
                    f"{last_pause / first_pause:.1f}x",
            evidence={"first_chars_per_min": round(first_pace, 2),
                      "last_chars_per_min": round(last_pace, 2),
                      "first_median_pause_s": first_pause, "last_median_pause_s": last_pause},
            threshold=limits.crossed("pace_decline", decline),
            suggestion=Suggestion(Lever.TIME_BLOCK, "End the session when your pace drops: "
                                  "stop here and begin the next session with the failing test."),
            struggle=False,
        ))
    return signals


def _late(timeline: Timeline, config: Config, settings: Mapping[str, Any]) -> Signal | None:
    limits = Limits.configured(config, NAME, DEFAULTS, "late_warn_minutes",
                               "late_strong_minutes", LATE_BASIS, scale=60)
    spans = late_spans(timeline, settings)
    seconds = sum(timeline.active_seconds_between(a, b) for a, b in spans)
    level = limits.severity(seconds)
    if level is None:
        return None
    late = [s for s in timeline.sessions
            if any(s.start < b and s.end > a for a, b in spans)]
    return Signal(
        name="late_hours", severity=level, start=late[0].start, end=late[-1].end,
        summary=f"{format_duration(seconds)} of active time between "
                f"{settings['late_from_hour']:02d}:00 and {settings['late_until_hour']:02d}:00",
        evidence={"late_active_s": round(seconds, 1)},
        threshold=limits.crossed("late_active_s", seconds),
        suggestion=Suggestion(Lever.TIME_BLOCK, f"Plan tomorrow's practice block to end "
                              f"well before {settings['late_from_hour']:02d}:00."),
        struggle=False,
    )

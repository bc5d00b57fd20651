"""One recommendation for the next session that changes one variable, as deliberate practice
asks: the difficulty, the feedback, or the time block.

It comes from the strongest signal when there is one (its own suggestion, with its numbers
as the reason) and otherwise from the zone that held most of the active time: comfort asks
for a harder task, panic for a smaller step, learning for more time at the same edge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from dptelemetry.analysis.signals import STRONG, Lever, Signal
from dptelemetry.analysis.summary import DaySummary
from dptelemetry.analysis.zones import Zone
from dptelemetry.durations import format_duration

EXTRA_TIME = 15 * 60.0
"""How much a learning-zone recommendation lengthens the time block."""


@dataclass(frozen=True)
class Recommendation:
    lever: Lever
    text: str
    """What to do differently, in one or two sentences."""
    because: str
    """The evidence it comes from, in numbers."""
    source: str
    """The signal it follows (its name), or `zone:<zone>`."""
    timebox: float | None = None
    """The time block it asks for, in seconds, when it names one."""


def severity_word(severity: float) -> str:
    return "strong" if severity >= STRONG else "warning"


def from_signal(signal: Signal, seen: str = "") -> Recommendation:
    """The signal's own suggestion; `seen` tells how often it came up, when that matters."""
    return Recommendation(
        lever=signal.suggestion.lever, text=signal.suggestion.text,
        because=f"{signal.name} ({severity_word(signal.severity)}{seen}): {signal.summary}",
        source=signal.name)


def from_zone(zone: Zone, share: float, learning_block: float, box: float) -> Recommendation:
    """The zone's lever; `share` is the part of active time spent in it, `learning_block` the
    longest stretch of active time in the learning zone and `box` the longest time box of a
    goal worked on there (seconds; 0 without one): staying longer means a block longer than
    both."""
    held = f"{share:.0%} of active time in the {zone.value} zone and no strain signal"
    if zone is Zone.COMFORT:
        return Recommendation(
            Lever.DIFFICULTY, "Raise the difficulty one notch (a harder variant of the task, "
            "or one new constraint) and keep the time block and the feedback as they were.",
            held, f"zone:{zone.value}")
    if zone is Zone.PANIC:
        return Recommendation(
            Lever.DIFFICULTY, "Lower the difficulty one notch: split the task so that each "
            "step can go green within a few minutes, and keep everything else the same.",
            held, f"zone:{zone.value}")
    block = math.ceil((max(learning_block, box) + EXTRA_TIME) / 300) * 300
    return Recommendation(
        Lever.TIME_BLOCK, f"Keep the difficulty and the feedback: you were at your edge. "
        f"Stay there longer: plan a {format_duration(block)} time block.",
        held + f"; longest learning session {format_duration(learning_block)}"
        + (f", in a {format_duration(box)} time box" if box else ""),
        f"zone:{zone.value}", block)


def strongest(signals: Sequence[Signal]) -> Signal | None:
    """The most severe signal, the earliest among equals."""
    return min(signals, key=lambda s: (-s.severity, s.start), default=None)


def learning_time(summary: DaySummary) -> tuple[float, float]:
    """The day's longest learning-zone session and the longest time box of a goal active in
    a learning-zone session (seconds; 0 without one)."""
    learning = [s for s in summary.sessions if s.zone.zone is Zone.LEARNING]
    box = max((g.timebox_s for g in summary.goals if g.timebox_s and any(
        g.started < s.end and (g.ended is None or g.ended > s.start) for s in learning)),
        default=0.0)
    return max((s.active_seconds for s in learning), default=0.0), box


def next_session(summary: DaySummary) -> Recommendation | None:
    """The day's recommendation; None for a day without activity."""
    top = strongest(summary.signals)
    if top is not None:
        return from_signal(top)
    if summary.zone is None or summary.active_seconds <= 0:
        return None
    held = sum(s.active_seconds for s in summary.sessions if s.zone.zone is summary.zone)
    return from_zone(summary.zone, held / summary.active_seconds, *learning_time(summary))

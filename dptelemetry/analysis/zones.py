"""The default zone rule: is a session comfort, learning or panic, and why, in numbers.

The zones are the Learning Zone Model (Senninger, after Rohnke): too easy to grow, at the edge,
overwhelmed. No study gives numeric boundaries for interaction data, so these are design
choices to be checked against how the day felt; a plugin can replace them (`dpt_zone`).

- panic: a strain signal at its strong limit; or two different strain signals starting within
  30 minutes of each other; or a red stretch still open at the session's end after 30 minutes.
- learning: otherwise, at least 20 % of the session's test runs red, or one strain signal.
- comfort: everything else (few or no red runs and no strain signal).

Only signals that say the work is too hard (`Signal.struggle`) count; fatigue does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from dptelemetry.analysis.signals import Signal
from dptelemetry.analysis.stats import median
from dptelemetry.analysis.timeline import Session, verdict_runs
from dptelemetry.durations import format_duration

PAIR_WINDOW = 30 * 60.0
OPEN_RED_PANIC = 30 * 60.0
LEARNING_RED_SHARE = 0.2
DEFAULT_RULE = "default rule"


class Zone(str, Enum):
    COMFORT = "comfort"
    LEARNING = "learning"
    PANIC = "panic"


@dataclass(frozen=True)
class ZoneVerdict:
    zone: Zone
    reason: str
    """One line that names the numbers behind the verdict."""
    numbers: Mapping[str, float] = field(default_factory=dict)
    by: str = DEFAULT_RULE
    """The rule that decided: the default rule, or the plugin that replaced it."""


def session_signals(session: Session, signals: Iterable[Signal]) -> list[Signal]:
    """Strain signals whose window overlaps the session."""
    return [s for s in signals
            if s.struggle and s.start <= session.end and s.end >= session.start]


def _paired(signals: Sequence[Signal]) -> tuple[Signal, Signal] | None:
    ordered = sorted(signals, key=lambda s: s.start)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1:]:
            if second.start - first.start >= PAIR_WINDOW:
                break
            if second.name != first.name:
                return first, second
    return None


def classify(session: Session, signals: Iterable[Signal]) -> ZoneVerdict:
    """The default rule (module docstring) for one session."""
    verdicts = verdict_runs(session.runs)
    reds = sum(1 for r in verdicts if r.red)
    share = reds / len(verdicts) if verdicts else 0.0
    struggle = session_signals(session, signals)
    recovered = [s for s in session.red_streaks
                 if s.recovered_by is not None and s.recovered_by.start <= session.end]
    open_red = max((session.end - s.start for s in session.red_streaks
                    if s not in recovered), default=0.0)
    to_green = median(s.time_to_green or 0.0 for s in recovered)
    numbers = {
        "runs": float(len(verdicts)), "red_runs": float(reds), "red_share": share,
        "red_streaks": float(len(session.red_streaks)), "back_to_green": float(len(recovered)),
        "open_red_s": open_red, "strain_signals": float(len(struggle)),
        "strong_signals": float(sum(1 for s in struggle if s.strong)),
    }
    runs_text = (f"{reds} of {len(verdicts)} runs red ({share:.0%})" if verdicts
                 else "no test runs")
    strong = [s for s in struggle if s.strong]
    if strong:
        return ZoneVerdict(Zone.PANIC, f"strong signal {strong[0].name}: {strong[0].summary}",
                           numbers)
    pair = _paired(struggle)
    if pair:
        gap = format_duration(abs(pair[1].start - pair[0].start))
        return ZoneVerdict(Zone.PANIC, f"two strain signals {gap} apart: {pair[0].name} and "
                                       f"{pair[1].name}", numbers)
    if open_red >= OPEN_RED_PANIC:
        return ZoneVerdict(Zone.PANIC, f"still red {format_duration(open_red)} after the "
                                       f"stretch began, at the session's end; {runs_text}",
                           numbers)
    greens = (f"{len(recovered)} of {len(session.red_streaks)} red stretches back to green"
              + (f" (median {format_duration(to_green)})" if to_green is not None else ""))
    if share >= LEARNING_RED_SHARE or struggle:
        named = f"; signal {struggle[0].name}" if struggle else "; no strain signal"
        return ZoneVerdict(Zone.LEARNING, f"{runs_text}, {greens}{named}", numbers)
    return ZoneVerdict(Zone.COMFORT, f"{runs_text}, no strain signal", numbers)


def day_zone(sessions: Sequence[Session], verdicts: Sequence[ZoneVerdict]) -> Zone | None:
    """The zone that held most of the day's active time (a tie goes to the harder zone)."""
    weight: dict[Zone, tuple[float, int]] = {}
    for session, verdict in zip(sessions, verdicts, strict=True):
        seconds, count = weight.get(verdict.zone, (0.0, 0))
        weight[verdict.zone] = (seconds + session.active_seconds, count + 1)
    order = list(Zone)
    return max(weight, key=lambda z: (*weight[z], order.index(z))) if weight else None

"""The default zone rule: is a session comfort, learning or panic, and why, in numbers.

The zones are the Learning Zone Model (Senninger, after Rohnke): too easy to grow, at the edge,
overwhelmed. No study gives numeric boundaries for interaction data, so these are design
choices to be checked against how the day felt (their limits are in `[thresholds]`); a plugin
can replace them (`dpt_zone`).

- panic: a struggle signal at its strong limit; or two different struggle signals, not resting
  on the same test runs, starting less than `panic_signal_window` (30 min) apart; or a red
  stretch still open at the session's end `panic_open_red` (30 min) after it began.
- learning: otherwise, at least `learning_red_share` (20 %) of the session's test runs red, or
  a struggle signal.
- comfort: everything else (few or no red runs and no struggle signal).

Only struggle signals count: those that say the work is too hard (`Signal.struggle`); fatigue
and goal drift do not. Signals that rest on the same test runs (`Signal.runs`) are one
behaviour seen by several plugins, so they count once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from dptelemetry.analysis.signals import Signal
from dptelemetry.analysis.stats import median
from dptelemetry.analysis.timeline import Session, verdict_runs
from dptelemetry.config import Thresholds
from dptelemetry.durations import format_duration

DEFAULT_RULE = "default rule"
DEFAULT_LIMITS = Thresholds()


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
    """Struggle signals whose window overlaps the session."""
    return [s for s in signals
            if s.struggle and s.start <= session.end and s.end >= session.start]


def counted(signals: Sequence[Signal]) -> list[Signal]:
    """As many of the signals as can be taken with no two resting on a shared test run
    (`Signal.runs`; a signal on no run is always taken): each behaviour once. Taken by the
    latest run they rest on, earliest first, which finds the most when each rests on a
    stretch of runs. Sharing is direct, never through a third signal: one resting on every
    run of the session (an EQ) must not fold two separate stretches into one."""
    taken: list[Signal] = []
    used: set[float] = set()
    for signal in sorted(signals, key=lambda s: (max(s.runs, default=s.start), s.start)):
        if not used & set(signal.runs):
            taken.append(signal)
            used |= set(signal.runs)
    return taken


def _paired(signals: Sequence[Signal], window: float) -> tuple[Signal, Signal] | None:
    """Two different signals resting on no shared run, starting less than `window` apart."""
    ordered = sorted(signals, key=lambda s: s.start)
    for k, first in enumerate(ordered):
        for second in ordered[k + 1:]:
            if second.start - first.start >= window:
                break
            if second.name != first.name and not set(first.runs) & set(second.runs):
                return first, second
    return None


def _names(signals: Sequence[Signal]) -> str:
    names = list(dict.fromkeys(s.name for s in signals))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _struggle_words(struggle: Sequence[Signal], taken: Sequence[Signal]) -> str:
    """The session's struggle signals, and how they were counted."""
    if not struggle:
        return "no struggle signal"
    named = _names(struggle)
    if len(struggle) == 1:
        return f"struggle signal {named}"
    return (f"struggle signals {named}"
            + (f", counted as {len(taken)}: signals on the same test runs count once"
               if len(taken) < len(struggle) else ""))


def classify(session: Session, signals: Iterable[Signal],
             thresholds: Thresholds = DEFAULT_LIMITS) -> ZoneVerdict:
    """The default rule (module docstring) for one session, with the zone limits in
    `thresholds`."""
    verdicts = verdict_runs(session.runs)
    reds = sum(1 for r in verdicts if r.red)
    share = reds / len(verdicts) if verdicts else 0.0
    struggle = session_signals(session, signals)
    taken = counted(struggle)
    recovered = [s for s in session.red_streaks
                 if s.recovered_by is not None and s.recovered_by.start <= session.end]
    open_red = max((session.end - s.start for s in session.red_streaks
                    if s not in recovered), default=0.0)
    to_green = median(s.time_to_green or 0.0 for s in recovered)
    numbers = {
        "runs": float(len(verdicts)), "red_runs": float(reds), "red_share": share,
        "red_streaks": float(len(session.red_streaks)), "back_to_green": float(len(recovered)),
        "open_red_s": open_red, "struggle_signals": float(len(struggle)),
        "struggle_counted": float(len(taken)),
        "strong_signals": float(sum(1 for s in struggle if s.strong)),
    }
    # the share cut down to a whole percent, so it never shows the limit it has not reached
    runs_text = (f"{reds} of {len(verdicts)} runs red ({reds * 100 // len(verdicts)}%)"
                 if verdicts else "no test runs")
    strong = [s for s in struggle if s.strong]
    if strong:
        return ZoneVerdict(Zone.PANIC, f"strong signal {strong[0].name}: {strong[0].summary}",
                           numbers)
    pair = _paired(struggle, thresholds.panic_signal_window)
    if pair:
        gap = format_duration(abs(pair[1].start - pair[0].start))
        return ZoneVerdict(Zone.PANIC, f"two struggle signals {gap} apart: {pair[0].name} "
                                       f"and {pair[1].name}", numbers)
    if open_red >= thresholds.panic_open_red:
        return ZoneVerdict(Zone.PANIC, f"still red {format_duration(open_red)} after the "
                                       f"stretch began, at the session's end; {runs_text}",
                           numbers)
    greens = (f"{len(recovered)} of {len(session.red_streaks)} red stretches back to green"
              + (f" (median {format_duration(to_green)})" if to_green is not None else ""))
    if share >= thresholds.learning_red_share or struggle:
        return ZoneVerdict(Zone.LEARNING,
                           f"{runs_text}, {greens}; {_struggle_words(struggle, taken)}", numbers)
    return ZoneVerdict(Zone.COMFORT, f"{runs_text}, no struggle signal", numbers)


def held_most(times: Iterable[tuple[Zone, float]]) -> Zone | None:
    """The zone that held the most time, summed over (zone, seconds) pairs; a tie goes to
    the harder zone; None without pairs. The day's, the week's and a drill attempt's zone."""
    held: dict[Zone, float] = {}
    for zone, seconds in times:
        held[zone] = held.get(zone, 0.0) + seconds
    order = list(Zone)
    return max(held, key=lambda z: (held[z], order.index(z)), default=None)


def day_zone(sessions: Sequence[Session], verdicts: Sequence[ZoneVerdict]) -> Zone | None:
    """The zone that held most of the day's active time (a tie goes to the harder zone)."""
    return held_most((v.zone, s.active_seconds)
                     for s, v in zip(sessions, verdicts, strict=True))

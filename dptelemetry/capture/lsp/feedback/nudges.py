"""When strain deserves a word in the editor, and which word: a nudge at the moment of strain.

Two moments can be seen while they happen (`Moment`): a detected stuck moment (a silence of
`long_pause`, short of a break, right after a red run) and a red stretch whose active time
reaches its signal's limit. The strain plugins say which signal each moment is, its limit and
its suggestion (`dpt_nudge_rules`), so the nudge repeats the summary's own "Try" line. At most
one nudge per `nudge_interval`, and one per stuck moment or red stretch.

Pure but for one callable that reads activity from the store; the time is always an argument,
so tests run minutes of practice in microseconds.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dptelemetry.analysis.signals import Moment, NudgeRule
from dptelemetry.analysis.timeline import TestRun, active_spans
from dptelemetry.clock import local_time
from dptelemetry.config import Thresholds
from dptelemetry.durations import format_duration
from dptelemetry.events import Event, EventKind

ActivityReader = Callable[[float, float], list[float]]
"""(start, end) -> the instants of every activity in [start, end), sorted."""
STRETCH_CHECK = 30.0
"""How often a long red stretch's active time is read again while it nears its limit."""


@dataclass(frozen=True)
class Nudge:
    rule: NudgeRule
    at: float
    observed_s: float
    limit_s: float
    text: str

    def event(self, goal_id: str | None) -> Event:
        """The `nudge` event that records it (docs/events.md)."""
        payload: dict[str, Any] = {"signal": self.rule.signal, "moment": self.rule.moment.value,
                                   "observed_s": round(self.observed_s, 1),
                                   "limit_s": round(self.limit_s, 1)}
        return Event(kind=EventKind.NUDGE.value, ts=self.at, source="lsp", payload=payload,
                     goal_id=goal_id)


def active_seconds(points: Sequence[float], start: float, end: float, gap: float) -> float:
    """How much of [start, end] lies inside sessions made of `points` (sorted) split at gaps
    of `gap`: a red stretch's active time, as the summary counts it."""
    return sum(max(0.0, min(end, b) - max(start, a)) for a, b in active_spans(points, gap))


class StrainWatch:
    def __init__(self, rules: Sequence[NudgeRule], thresholds: Thresholds,
                 interval: float) -> None:
        self.rules = {r.moment: r for r in reversed(rules)}  # the first for a moment wins
        self._thresholds = thresholds
        self._interval = interval
        self.runs: list[TestRun] = []
        """Runs that gave a verdict (red or green), by start."""
        self.last_nudge: float | None = None
        self._done: set[tuple[Moment, float]] = set()
        """(moment, its red run's end or its stretch's start): nudged or found not stuck."""
        self._next_stretch_check = 0.0

    def add(self, runs: Sequence[TestRun]) -> None:
        for run in runs:
            if run.outcome != "other":
                insort(self.runs, run, key=lambda r: (r.start, r.end))

    def stretch(self) -> list[TestRun]:
        """The red runs since the last green one (empty when green or no runs)."""
        found: list[TestRun] = []
        for run in reversed(self.runs):
            if not run.red:
                break
            found.append(run)
        return found[::-1]

    def check(self, now: float, last_edit: float | None,
              activity: ActivityReader) -> Nudge | None:
        """The nudge due now, if any (and it counts as shown)."""
        if self.last_nudge is not None and now - self.last_nudge < self._interval:
            return None
        stretch = self.stretch()
        if not stretch:
            return None
        nudge = (self._stuck(stretch, now, last_edit, activity)
                 or self._long_stretch(stretch, now, last_edit, activity))
        if nudge is not None:
            self.last_nudge = now
        return nudge

    def _stuck(self, stretch: list[TestRun], now: float, last_edit: float | None,
               activity: ActivityReader) -> Nudge | None:
        rule = self.rules.get(Moment.STUCK)
        red = stretch[-1]
        key = (Moment.STUCK, red.end)
        silence = now - red.end
        t = self._thresholds
        if rule is None or key in self._done or silence < t.long_pause:
            return None
        self._done.add(key)
        if silence >= t.idle_timeout or (last_edit is not None and last_edit > red.end):
            return None  # a break, or typing since: not a stuck moment
        if any(p > red.end for p in activity(red.end, now + 1)):
            return None
        failing = len(red.signatures)
        text = (f"{format_duration(silence)} of silence right after a red run "
                f"({failing} failing). {rule.suggestion.line()}")
        return Nudge(rule, now, silence, t.long_pause, text)

    def _long_stretch(self, stretch: list[TestRun], now: float, last_edit: float | None,
                      activity: ActivityReader) -> Nudge | None:
        rule = self.rules.get(Moment.RED_STRETCH)
        start = stretch[0].start
        key = (Moment.RED_STRETCH, start)
        if (rule is None or key in self._done or now - start < rule.limit_s
                or now < self._next_stretch_check):
            return None
        self._next_stretch_check = now + STRETCH_CHECK
        points = sorted([*activity(start, now + 1), *(r.end for r in stretch),
                         *([last_edit] if last_edit is not None and last_edit >= start else [])])
        red = active_seconds(points, start, now, self._thresholds.idle_timeout)
        if red < rule.limit_s:
            return None
        self._done.add(key)
        text = (f"Red for {format_duration(red)} of active time since {local_time(start)}, over "
                f"{len(stretch)} runs (the {rule.signal} limit is "
                f"{format_duration(rule.limit_s)}). {rule.suggestion.line()}")
        return Nudge(rule, now, red, rule.limit_s, text)

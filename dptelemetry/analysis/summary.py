"""One day's strain summary: the numbers, the signals, the zones, as one typed object.

`summarize_day` reads the store; `summarize` is pure given a timeline, the plugins and your
history. Renderers (text, markdown, JSON, HTML) present a `DaySummary`; `to_dict()` gives the
JSON shape (DESIGN: Summary JSON) with seconds for durations and ISO 8601 with the local
offset for instants.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo
from enum import Enum
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from dptelemetry.analysis.days import day_bounds, iso
from dptelemetry.analysis.error_measures import error_quotient, repeated_error_density
from dptelemetry.analysis.history import History
from dptelemetry.analysis.signals import PluginFailure, Section, Signal
from dptelemetry.analysis.stats import median, percentile
from dptelemetry.analysis.timeline import (
    Edit,
    Pause,
    PauseBin,
    RedStreak,
    Session,
    StuckMoment,
    TestRun,
    Timeline,
    changed_runs,
    failure_sets,
    tagged_goal,
    verdict_runs,
)
from dptelemetry.analysis.zones import Zone, ZoneVerdict, classify, day_zone
from dptelemetry.config import Config, Thresholds
from dptelemetry.events import EventKind
from dptelemetry.goals import load_goals
from dptelemetry.store import Store

if TYPE_CHECKING:  # a summary served from the cache loads no plugin
    from dptelemetry.plugins import StrainPluginManager


@dataclass(frozen=True)
class BurstStats:
    count: int
    edits: int
    """Typed edits inside bursts (assisted edits are counted apart)."""
    inserted: int
    deleted: int
    median_s: float | None
    """Median burst length."""


LONGEST_PAUSES = 5
"""How many of the longest pauses a summary names, with their minute stamps and files."""


@dataclass(frozen=True)
class PauseSpot:
    """One pause inside work and where it fell: the file typed in last before it and the
    file typed in first after it, each a repository and a path (None where the editor gave
    none)."""

    start: float
    end: float
    seconds: float
    bin: PauseBin
    path_before: str | None
    path_after: str | None
    repo_before: str | None = None
    repo_after: str | None = None


@dataclass(frozen=True)
class PauseStats:
    """Pauses between bursts. count, median, p90 and max describe the pauses inside work
    (short, medium, long); breaks are only counted in `bins`."""

    count: int
    median_s: float | None
    p90_s: float | None
    max_s: float | None
    long: tuple[Pause, ...]
    """The pauses in the long bin themselves: when work stopped for 2-15 minutes."""
    bins: Mapping[str, int]
    """Count per bin: short, medium, long, break."""
    longest: tuple[PauseSpot, ...] = ()
    """The LONGEST_PAUSES longest pauses inside work, longest first."""


@dataclass(frozen=True)
class TestRunStats:
    __test__ = False  # not a pytest test class

    total: int
    failed: int
    """Red runs."""
    green: int
    other: int
    """Interrupted, no tests collected, usage errors."""
    longest_red_streak: int
    median_time_to_green_s: float | None
    error_quotient: float | None
    """Jadud's EQ over the day's runs with code changes between them (None below 3)."""
    repeated_error_density: float
    """Becker's RED over the day's red and green runs, per failure signature."""


@dataclass(frozen=True)
class CommitStats:
    total: int
    tagged: int
    """With a Practice-Goal trailer."""


@dataclass(frozen=True)
class AssistedStats:
    """Edits that inserted more than a person types at once: pastes, code actions, agents."""

    count: int
    inserted: int
    share: float
    """Of all inserted characters, the assisted part (0-1)."""


@dataclass(frozen=True)
class GoalWork:
    """A goal that was active during the day and what happened under it."""

    id: str
    title: str
    active_seconds: float
    commits: int
    """Commits whose trailer names this goal: linked by the goal id they were recorded
    with, by the trailer's title only for commits recorded without one."""
    started: float
    ended: float | None
    timebox_s: float | None
    rating: int | None
    drill: str | None = None
    """The drill the goal is an attempt of (`dpt goal start --drill`), and which attempt."""
    attempt: int | None = None


NUDGE_FOLLOW_S = 600.0
"""A nudge counts as followed by green when a green run ended within this long after it."""


@dataclass(frozen=True)
class NudgeFollowUp:
    """A strain nudge the editor showed (a `nudge` event) and what followed it: the first
    green run that ended after it, which ended the red stretch it was about."""

    ts: float
    signal: str
    observed_s: float | None
    """The number the nudge gave: seconds of red, or of silence."""
    green_after_s: float | None
    """From the nudge to the end of that green run; None if none came that day."""
    green_within_10m: bool


@dataclass(frozen=True)
class SessionSummary:
    index: int
    start: float
    end: float
    active_seconds: float
    bursts: int
    runs: int
    red_runs: int
    zone: ZoneVerdict
    signals: tuple[str, ...]
    """Names of the signals whose window overlaps the session."""


@dataclass(frozen=True)
class DaySummary:
    date: date
    start: float
    end: float
    tz: tzinfo | None
    """The zone the day was read in (None: the system's local zone)."""
    thresholds: Thresholds
    active_seconds: float
    sessions: tuple[SessionSummary, ...]
    bursts: BurstStats
    pauses: PauseStats
    test_runs: TestRunStats
    commits: CommitStats
    goals: tuple[GoalWork, ...]
    stuck_moments: tuple[StuckMoment, ...]
    """Logged with `dpt stuck` and detected (a long silence right after a red run)."""
    signals: tuple[Signal, ...]
    """Most severe first."""
    zone: Zone | None
    """The zone that held most of the day's active time; None without sessions."""
    assisted: AssistedStats
    sections: tuple[Section, ...] = ()
    nudges: tuple[NudgeFollowUp, ...] = ()
    """Strain nudges shown in the editor, in time order."""
    plugin_failures: tuple[PluginFailure, ...] = ()
    plugins: tuple[str, ...] = ()
    """The plugins that ran."""
    baseline_days: int = 0
    """Past days whose samples fed personal baselines."""
    timeline: Timeline | None = field(default=None, repr=False, compare=False)
    """The timeline summarized, for renderers that draw the day (not part of `to_dict`)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data; instants as ISO 8601 in the day's zone, durations in seconds."""
        data = {f.name: _plain(getattr(self, f.name), self.tz, f.name)
                for f in dataclasses.fields(self) if f.name not in ("tz", "date", "timeline")}
        data["date"] = self.date.isoformat()
        return data


_INSTANTS = frozenset({"start", "end", "ts", "started", "ended", "runs"})


def _plain(value: Any, tz: tzinfo | None, name: str = "") -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return iso(value, tz) if name in _INSTANTS else value
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: _plain(getattr(value, f.name), tz, f.name)
                for f in dataclasses.fields(value)}
        if isinstance(value, (Pause, StuckMoment)):
            data["seconds"] = value.seconds
        return data
    if isinstance(value, Mapping):
        return {str(k): _plain(v, tz) for k, v in value.items()}
    if isinstance(value, (tuple, list, frozenset, set)):
        return [_plain(v, tz, name) for v in value]
    return str(value)


def _longest_pauses(timeline: Timeline, pauses: Sequence[Pause]) -> tuple[PauseSpot, ...]:
    longest = sorted(pauses, key=lambda p: (-p.seconds, p.start))[:LONGEST_PAUSES]
    spots = []
    for p in longest:
        # A pause runs from a burst's last typed edit to the next burst's first one.
        before = _typed_edit(timeline.edits,
                             bisect_right(timeline.edits, p.start, key=_TS) - 1, -1)
        after = _typed_edit(timeline.edits, bisect_left(timeline.edits, p.end, key=_TS), 1)
        spots.append(PauseSpot(p.start, p.end, p.seconds, p.bin, before.path, after.path,
                               before.repo, after.repo))
    return tuple(spots)


def _typed_edit(edits: Sequence[Edit], index: int, step: int) -> Edit:
    """The first edit from `index` on (step 1) or back (step -1) that is not assisted."""
    while edits[index].assisted:
        index += step
    return edits[index]


_TS = attrgetter("ts")


def _pause_stats(timeline: Timeline) -> PauseStats:
    inside = [p for p in timeline.pauses if p.bin is not PauseBin.BREAK]
    working = [p.seconds for p in inside]
    bins = {b.value: sum(1 for p in timeline.pauses if p.bin is b) for b in PauseBin}
    return PauseStats(
        count=len(working), median_s=median(working), p90_s=percentile(working, 90),
        max_s=max(working, default=None),
        long=tuple(p for p in timeline.pauses if p.bin is PauseBin.LONG), bins=bins,
        longest=_longest_pauses(timeline, inside),
    )


def run_stats(runs: Sequence[TestRun], streaks: Sequence[RedStreak]) -> TestRunStats:
    """The figures of a stretch of test runs (in time order) and their red streaks: a day's,
    or a drill attempt's."""
    verdicts = verdict_runs(runs)
    changed = changed_runs(verdicts)
    recovered = [s.time_to_green for s in streaks if s.time_to_green is not None]
    return TestRunStats(
        total=len(runs), failed=sum(1 for r in verdicts if r.red),
        green=sum(1 for r in verdicts if r.green),
        other=len(runs) - len(verdicts),
        longest_red_streak=max((len(s.runs) for s in streaks), default=0),
        median_time_to_green_s=median(recovered),
        error_quotient=error_quotient(failure_sets(changed)) if len(changed) >= 3 else None,
        repeated_error_density=repeated_error_density(failure_sets(verdicts)),
    )


def _goal_work(timeline: Timeline) -> tuple[GoalWork, ...]:
    seconds = timeline.goal_seconds()
    commits = Counter(tagged_goal(c, timeline.goals) for c in timeline.commits)
    return tuple(
        GoalWork(id=g.id, title=g.title, active_seconds=seconds.get(g.id, 0.0),
                 commits=commits[g.id], started=g.started, ended=g.ended,
                 timebox_s=g.timebox, rating=g.rating,
                 drill=g.drill, attempt=g.attempt)
        for g in timeline.goals
    )


def _assisted(timeline: Timeline) -> AssistedStats:
    assisted = timeline.assisted
    inserted = sum(e.inserted for e in assisted)
    everything = inserted + sum(b.inserted for b in timeline.bursts)  # bursts: every typed edit
    return AssistedStats(len(assisted), inserted, inserted / everything if everything else 0.0)


def _nudges(timeline: Timeline) -> tuple[NudgeFollowUp, ...]:
    greens = [r for r in timeline.runs if r.green]
    found = []
    for event in timeline.events:
        if event.kind != EventKind.NUDGE.value:
            continue
        after = next((r.end - event.ts for r in greens if r.end > event.ts), None)
        observed = event.payload.get("observed_s")
        found.append(NudgeFollowUp(
            event.ts, str(event.payload.get("signal", "")),
            float(observed) if isinstance(observed, (int, float)) else None,
            after, after is not None and after <= NUDGE_FOLLOW_S))
    return tuple(found)


def _session_summary(session: Session, verdict: ZoneVerdict,
                     signals: Sequence[Signal]) -> SessionSummary:
    runs = verdict_runs(session.runs)
    return SessionSummary(
        index=session.index, start=session.start, end=session.end,
        active_seconds=session.active_seconds, bursts=len(session.bursts),
        runs=len(session.runs), red_runs=sum(1 for r in runs if r.red), zone=verdict,
        signals=tuple(s.name for s in signals
                      if s.start <= session.end and s.end >= session.start),
    )


def summarize(timeline: Timeline, config: Config, manager: StrainPluginManager,
              history: History, failures_from: int = 0) -> DaySummary:
    """The day's summary from its timeline: plugins' signals, zones, and all the numbers.

    Its plugin failures are those of loading and those from `failures_from` on: a manager
    that summarizes many days blames no day for another's."""
    signals = sorted(manager.strain_signals(timeline, config, history),
                     key=lambda s: (-s.severity, s.start, s.name))
    verdicts = [manager.zone(s, timeline, signals, config)
                or classify(s, signals, config.thresholds) for s in timeline.sessions]
    sections = manager.summary_sections(timeline, config, signals)
    bursts = timeline.bursts
    return DaySummary(
        date=timeline.day, start=timeline.start, end=timeline.end, tz=timeline.tz,
        thresholds=timeline.thresholds, active_seconds=timeline.active_seconds,
        sessions=tuple(_session_summary(s, v, signals)
                       for s, v in zip(timeline.sessions, verdicts, strict=True)),
        bursts=BurstStats(len(bursts), sum(b.edits for b in bursts),
                          sum(b.inserted for b in bursts), sum(b.deleted for b in bursts),
                          median(b.seconds for b in bursts)),
        pauses=_pause_stats(timeline),
        test_runs=run_stats(timeline.runs, timeline.red_streaks),
        commits=CommitStats(len(timeline.commits),
                            sum(1 for c in timeline.commits if c.goal is not None)),
        goals=_goal_work(timeline),
        stuck_moments=timeline.stuck,
        signals=tuple(signals),
        zone=day_zone(timeline.sessions, verdicts),
        assisted=_assisted(timeline),
        sections=tuple(sections),
        nudges=_nudges(timeline),
        plugin_failures=tuple(f for n, f in enumerate(manager.failures)
                              if n >= failures_from or f.hook == "load"),
        plugins=tuple(sorted(n for n, o in manager.origins.items() if o.status == "loaded")),
        baseline_days=len(history.days),
        timeline=timeline,
    )


def summarize_day(store: Store, day: date, config: Config, tz: tzinfo | None = None,
                  manager: StrainPluginManager | None = None) -> DaySummary:
    """Read one local day (and the history its baselines need) from the store."""
    # Imported here: a summary served from the cache of finished days reads no events.
    from dptelemetry.analysis.baselines import day_metrics, load_history
    from dptelemetry.analysis.day_cache import releases_key
    from dptelemetry.analysis.reader import paused_gc, read_timeline
    from dptelemetry.plugins import get_plugin_manager

    manager = manager or get_plugin_manager(config)
    failures_from = len(manager.failures)
    goals = load_goals(store)
    history = load_history(store, day, config, manager, goals, tz)
    start, end = day_bounds(day, tz)
    stamp = store.span_stamp(start, end)
    with paused_gc():
        timeline = read_timeline(store, day, config.thresholds, tz, goals)
        if stamp:
            day_metrics(store, timeline, releases_key(config, store.path.parent), stamp,
                        manager, config)
        return summarize(timeline, config, manager, history, failures_from)

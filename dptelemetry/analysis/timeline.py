"""One local day of events, read as what happened: bursts, pauses, sessions, test runs.

Pure functions over events (no I/O), so every number a summary prints can be rebuilt by hand
from the events and the thresholds (DESIGN: Vocabulary). Boundaries are half-open and a gap
exactly on a threshold falls in the bin above it: a gap of `burst_gap` ends a burst and is a
short pause; a gap of `idle_timeout` is a break and ends a session.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, tzinfo
from enum import Enum
from itertools import pairwise
from typing import Any, NamedTuple

from dptelemetry.analysis.days import at_local, day_bounds, local_datetime
from dptelemetry.config import Thresholds
from dptelemetry.events import Event, EventKind
from dptelemetry.goals import Goal

# Editor lifecycle, not the developer: it neither starts nor extends a session.
_NOT_ACTIVITY = frozenset({EventKind.LSP_START.value, EventKind.LSP_STOP.value})
_FOCUS_KINDS = frozenset({EventKind.EDIT.value, EventKind.OPEN.value, EventKind.SAVE.value})
UNKNOWN_FAILURE = "(unknown failure)"


class PauseBin(str, Enum):
    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"
    BREAK = "break"


def pause_bin(seconds: float, thresholds: Thresholds) -> PauseBin | None:
    """The bin of a gap between bursts; None below `burst_gap` (the gap is inside a burst)."""
    if seconds >= thresholds.idle_timeout:
        return PauseBin.BREAK
    if seconds >= thresholds.long_pause:
        return PauseBin.LONG
    if seconds >= thresholds.medium_pause:
        return PauseBin.MEDIUM
    if seconds >= thresholds.burst_gap:
        return PauseBin.SHORT
    return None


class Edit(NamedTuple):
    """One recorded change: sizes and place only, never text."""

    ts: float
    path: str | None
    inserted: int
    deleted: int
    line: int | None
    """First line touched, 0-based, where the editor said."""
    lines: int
    assisted: bool
    """One change inserted more than `assisted_edit_chars`: a paste, code action or agent."""


@dataclass(frozen=True, slots=True)
class EditBurst:
    """A maximal run of typed edits whose gaps are all below `burst_gap`."""

    start: float
    end: float
    edits: int
    inserted: int
    deleted: int
    paths: tuple[str, ...]

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Pause:
    """The gap between two bursts, binned."""

    start: float
    end: float
    bin: PauseBin

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class TestRun:
    """One run of a test suite; `signatures` are its (test id, exception type) failures."""

    __test__ = False  # not a pytest test class

    start: float
    end: float
    outcome: str
    """`green`, `red` or `other` (interrupted, no tests, usage error)."""
    signatures: frozenset[tuple[str, str]]
    passed: int
    failed: int
    errors: int
    exit_code: int | None
    runner: str
    edited_chars: int
    """Characters inserted plus deleted since the previous run started (or the day began)."""

    @property
    def red(self) -> bool:
        return self.outcome == "red"

    @property
    def green(self) -> bool:
        return self.outcome == "green"


@dataclass(frozen=True, slots=True)
class RedStreak:
    """Consecutive red runs (runs with outcome `other` neither break nor join a streak)."""

    runs: tuple[TestRun, ...]
    recovered_by: TestRun | None
    """The green run that ended the streak; None if the day ended red."""

    @property
    def start(self) -> float:
        return self.runs[0].start

    @property
    def end(self) -> float:
        return self.recovered_by.end if self.recovered_by else self.runs[-1].end

    @property
    def time_to_green(self) -> float | None:
        """From the first red run's start to the end of the green run that ended it."""
        return None if self.recovered_by is None else self.recovered_by.end - self.start


@dataclass(frozen=True, slots=True)
class Episode:
    """The work between two all-green runs (Zorro/Besouro): it ends at a green run."""

    start: float
    end: float
    runs: tuple[TestRun, ...]
    green: bool
    """False for the day's last episode when it never reached green."""

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Commit:
    ts: float
    sha: str
    goal: str | None
    """The `Practice-Goal` trailer value, if the commit carried one."""
    files: int
    insertions: int
    deletions: int


@dataclass(frozen=True, slots=True)
class FileSwitch:
    ts: float
    from_path: str
    to_path: str


@dataclass(frozen=True, slots=True)
class StuckMoment:
    """Logged with `dpt stuck`, or detected: a long pause right after a red run."""

    start: float
    end: float
    detected: bool
    text: str | None = None
    impulse: str | None = None

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Session:
    """Activity with no gap of `idle_timeout` or more; its parts are those that start in it."""

    index: int
    start: float
    end: float
    edits: tuple[Edit, ...] = ()
    bursts: tuple[EditBurst, ...] = ()
    pauses: tuple[Pause, ...] = ()
    runs: tuple[TestRun, ...] = ()
    red_streaks: tuple[RedStreak, ...] = ()
    commits: tuple[Commit, ...] = ()
    switches: tuple[FileSwitch, ...] = ()
    stuck: tuple[StuckMoment, ...] = ()

    @property
    def active_seconds(self) -> float:
        return self.end - self.start

    @property
    def typed(self) -> tuple[Edit, ...]:
        return tuple(e for e in self.edits if not e.assisted)


@dataclass(frozen=True)
class Timeline:
    """A local day read from its events; what strain plugins receive."""

    day: date
    start: float
    end: float
    tz: tzinfo | None
    """None: the system's local zone."""
    thresholds: Thresholds
    events: tuple[Event, ...] = ()
    edits: tuple[Edit, ...] = ()
    bursts: tuple[EditBurst, ...] = ()
    pauses: tuple[Pause, ...] = ()
    sessions: tuple[Session, ...] = ()
    runs: tuple[TestRun, ...] = ()
    red_streaks: tuple[RedStreak, ...] = ()
    episodes: tuple[Episode, ...] = ()
    commits: tuple[Commit, ...] = ()
    switches: tuple[FileSwitch, ...] = ()
    stuck: tuple[StuckMoment, ...] = ()
    goals: tuple[Goal, ...] = ()
    """Goals active at some point of the day, oldest first."""
    activity: tuple[float, ...] = ()
    """Every instant the developer did something (test runs: start and end), sorted."""

    @property
    def active_seconds(self) -> float:
        return sum(s.active_seconds for s in self.sessions)

    @property
    def assisted(self) -> tuple[Edit, ...]:
        return tuple(e for e in self.edits if e.assisted)

    def local_time(self, ts: float) -> datetime:
        return local_datetime(ts, self.tz)

    def at_clock(self, clock: time) -> float:
        """The instant this day's wall clock shows `clock` (epoch seconds)."""
        return at_local(self.day, clock, self.tz)

    def session_at(self, ts: float) -> Session | None:
        """The session whose [start, end] holds `ts`."""
        return next((s for s in self.sessions if s.start <= ts <= s.end), None)

    def active_seconds_between(self, start: float, end: float) -> float:
        """How much of [start, end] lies inside sessions."""
        return sum(max(0.0, min(end, s.end) - max(start, s.start)) for s in self.sessions)

    def goal_at(self, ts: float) -> Goal | None:
        """The goal active at `ts`: the latest started before it and not yet ended."""
        active = [g for g in self.goals
                  if g.started <= ts and (g.ended is None or ts < g.ended)]
        return active[-1] if active else None

    def goal_seconds(self) -> dict[str | None, float]:
        """Active seconds per goal id (None: no goal active), summing to `active_seconds`."""
        edges = sorted({t for g in self.goals for t in (g.started, g.ended) if t is not None})
        totals: dict[str | None, float] = {}
        for session in self.sessions:
            cuts = [session.start, *(t for t in edges if session.start < t < session.end),
                    session.end]
            for a, b in pairwise(cuts):
                goal = self.goal_at(a)
                key = goal.id if goal else None
                totals[key] = totals.get(key, 0.0) + (b - a)
        return totals


def _number(payload: Mapping[str, Any], key: str) -> int:
    value = payload.get(key)
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _edit(event: Event, thresholds: Thresholds) -> Edit:
    p = event.payload
    inserted = _number(p, "inserted")
    flagged = p.get("assisted")
    line = p.get("line")
    return Edit(
        ts=event.ts,
        path=event.path,
        inserted=inserted,
        deleted=_number(p, "deleted"),
        line=line if isinstance(line, int) and not isinstance(line, bool) else None,
        lines=max(1, _number(p, "lines")),
        # The capture point judged each change on its own; without its verdict, judge the
        # event's total size against the threshold in force now.
        assisted=flagged if isinstance(flagged, bool)
        else inserted > thresholds.assisted_edit_chars,
    )


def _signatures(payload: Mapping[str, Any], outcome: str) -> frozenset[tuple[str, str]]:
    raw = payload.get("failures")
    found = frozenset(
        (str(item[0]), str(item[1])) for item in (raw if isinstance(raw, list) else ())
        if isinstance(item, (list, tuple)) and len(item) == 2
    )
    if outcome == "red" and not found:
        # A red run whose failures are unknown (a non-zero exit without counts) still failed:
        # one signature naming its exit code keeps it a failure for EQ and RED.
        return frozenset({(UNKNOWN_FAILURE, f"exit code {payload.get('exit_code')}")})
    return found


def _test_run(event: Event, day_end: float, edited_chars: int) -> TestRun:
    p = event.payload
    outcome = p.get("outcome")
    outcome = outcome if outcome in ("green", "red") else "other"
    duration = p.get("duration_s")
    seconds = float(duration) if isinstance(duration, (int, float)) and duration > 0 else 0.0
    exit_code = p.get("exit_code")
    runner = p.get("runner")
    return TestRun(
        start=event.ts,
        end=min(event.ts + seconds, day_end),
        outcome=outcome,
        signatures=_signatures(p, outcome),
        passed=_number(p, "passed"),
        failed=_number(p, "failed"),
        errors=_number(p, "errors"),
        exit_code=exit_code if isinstance(exit_code, int) else None,
        runner=runner if isinstance(runner, str) else "unknown",
        edited_chars=edited_chars,
    )


def _commit(event: Event) -> Commit:
    p = event.payload
    goal = p.get("goal")
    return Commit(ts=event.ts, sha=str(p.get("sha", "")),
                  goal=goal if isinstance(goal, str) and goal else None,
                  files=_number(p, "files"), insertions=_number(p, "insertions"),
                  deletions=_number(p, "deletions"))


def bursts_of(edits: Sequence[Edit], burst_gap: float) -> list[EditBurst]:
    """Group typed edits (in time order) into bursts."""
    bursts: list[EditBurst] = []
    group: list[Edit] = []
    for edit in edits:
        if group and edit.ts - group[-1].ts >= burst_gap:
            bursts.append(_burst(group))
            group = []
        group.append(edit)
    if group:
        bursts.append(_burst(group))
    return bursts


def _burst(group: list[Edit]) -> EditBurst:
    paths = tuple(dict.fromkeys(e.path for e in group if e.path is not None))
    return EditBurst(start=group[0].ts, end=group[-1].ts, edits=len(group),
                     inserted=sum(e.inserted for e in group),
                     deleted=sum(e.deleted for e in group), paths=paths)


def pauses_between(bursts: Sequence[EditBurst], thresholds: Thresholds) -> list[Pause]:
    pauses = []
    for before, after in pairwise(bursts):
        found = pause_bin(after.start - before.end, thresholds)
        if found is not None:
            pauses.append(Pause(before.end, after.start, found))
    return pauses


def session_spans(points: Sequence[float], idle_timeout: float) -> list[tuple[float, float]]:
    """(start, end) of each session over sorted activity instants."""
    spans: list[tuple[float, float]] = []
    for ts in points:
        if spans and ts - spans[-1][1] < idle_timeout:
            spans[-1] = (spans[-1][0], ts)
        else:
            spans.append((ts, ts))
    return spans


def verdict_runs(runs: Iterable[TestRun]) -> list[TestRun]:
    """The runs that gave a verdict (red or green), each with `edited_chars` counted since
    the previous verdict run, so an interrupted run in between hides no edits."""
    found: list[TestRun] = []
    carried = 0
    for run in runs:
        carried += run.edited_chars
        if run.outcome != "other":
            found.append(replace(run, edited_chars=carried) if carried != run.edited_chars
                         else run)
            carried = 0
    return found


def red_streaks_of(runs: Sequence[TestRun]) -> list[RedStreak]:
    streaks: list[RedStreak] = []
    reds: list[TestRun] = []
    for run in runs:
        if run.red:
            reds.append(run)
        elif run.green and reds:
            streaks.append(RedStreak(tuple(reds), run))
            reds = []
    if reds:
        streaks.append(RedStreak(tuple(reds), None))
    return streaks


def episodes_of(runs: Sequence[TestRun], first_start: float) -> list[Episode]:
    """Split the verdict runs at each green run; the first episode starts at `first_start`."""
    episodes: list[Episode] = []
    pending: list[TestRun] = []
    start = first_start
    for run in runs:
        if run.outcome == "other":
            continue
        pending.append(run)
        if run.green:
            episodes.append(Episode(start, run.end, tuple(pending), green=True))
            pending, start = [], run.end
    if pending:
        episodes.append(Episode(start, pending[-1].end, tuple(pending), green=False))
    return episodes


def _switches(events: Sequence[Event]) -> list[FileSwitch]:
    switches = []
    current: str | None = None
    for event in events:
        if event.kind in _FOCUS_KINDS and event.path is not None:
            if current is not None and event.path != current:
                switches.append(FileSwitch(event.ts, current, event.path))
            current = event.path
    return switches


def _detected_stuck(runs: Sequence[TestRun], points: Sequence[float],
                    thresholds: Thresholds) -> list[StuckMoment]:
    """Long pauses right after a red run: nothing happened from its end for long_pause up to
    (not including) idle_timeout; a longer silence is a break."""
    found = []
    for run in runs:
        if not run.red:
            continue
        i = bisect_right(points, run.end)
        if i < len(points):
            gap = points[i] - run.end
            if thresholds.long_pause <= gap < thresholds.idle_timeout:
                found.append(StuckMoment(run.end, points[i], detected=True))
    return found


class _Cutter:
    """Items in time order, cut by the instant each starts at."""

    def __init__(self, items: Sequence[Any], starts: Iterable[float]) -> None:
        self.items = items
        self.starts = list(starts)

    def __call__(self, lo: float, hi: float) -> tuple[Any, ...]:
        return tuple(self.items[bisect_left(self.starts, lo):bisect_right(self.starts, hi)])


def _sessions(spans: Sequence[tuple[float, float]], edits: list[Edit],
              bursts: list[EditBurst], pauses: list[Pause], runs: list[TestRun],
              streaks: list[RedStreak], commits: list[Commit], switches: list[FileSwitch],
              stuck: list[StuckMoment]) -> tuple[Session, ...]:
    """Each session with the parts that start in it."""
    cut_edits = _Cutter(edits, (e.ts for e in edits))
    cut_bursts = _Cutter(bursts, (b.start for b in bursts))
    cut_pauses = _Cutter(pauses, (p.start for p in pauses))
    cut_runs = _Cutter(runs, (r.start for r in runs))
    cut_streaks = _Cutter(streaks, (s.start for s in streaks))
    cut_commits = _Cutter(commits, (c.ts for c in commits))
    cut_switches = _Cutter(switches, (w.ts for w in switches))
    cut_stuck = _Cutter(stuck, (m.start for m in stuck))
    return tuple(
        Session(
            index, a, b, edits=cut_edits(a, b), bursts=cut_bursts(a, b),
            # A pause is a session's only if it ends there too; a break between two is not.
            pauses=tuple(p for p in cut_pauses(a, b) if p.end <= b),
            runs=cut_runs(a, b), red_streaks=cut_streaks(a, b), commits=cut_commits(a, b),
            switches=cut_switches(a, b), stuck=cut_stuck(a, b),
        )
        for index, (a, b) in enumerate(spans)
    )


def build_timeline(
    events: Iterable[Event],
    thresholds: Thresholds,
    day: date,
    tz: tzinfo | None = None,
    goals: Iterable[Goal] = (),
) -> Timeline:
    """Read the events of one local day (others are ignored) into a Timeline."""
    start, end = day_bounds(day, tz)
    todays = sorted((e for e in events if start <= e.ts < end), key=lambda e: e.ts)
    edits: list[Edit] = []
    runs: list[TestRun] = []
    commits: list[Commit] = []
    logged: list[StuckMoment] = []
    points: list[float] = []
    edited_since_run = 0
    for event in todays:
        kind = event.kind
        if kind not in _NOT_ACTIVITY:
            points.append(event.ts)
        if kind == EventKind.EDIT.value:
            edit = _edit(event, thresholds)
            edits.append(edit)
            edited_since_run += edit.inserted + edit.deleted
        elif kind == EventKind.TEST_RUN.value:
            run = _test_run(event, end, edited_since_run)
            runs.append(run)
            points.append(run.end)
            edited_since_run = 0
        elif kind == EventKind.COMMIT.value:
            commits.append(_commit(event))
        elif kind == EventKind.STUCK.value:
            text, impulse = event.payload.get("text"), event.payload.get("impulse")
            logged.append(StuckMoment(event.ts, event.ts, detected=False,
                                      text=text if isinstance(text, str) else None,
                                      impulse=impulse if isinstance(impulse, str) else None))
    points.sort()
    bursts = bursts_of([e for e in edits if not e.assisted], thresholds.burst_gap)
    pauses = pauses_between(bursts, thresholds)
    spans = session_spans(points, thresholds.idle_timeout)
    streaks = red_streaks_of(runs)
    switches = _switches(todays)
    stuck = sorted([*logged, *_detected_stuck(runs, points, thresholds)], key=lambda s: s.start)
    verdicts = [r for r in runs if r.outcome != "other"]
    first_verdict = verdicts[0].start if verdicts else start
    episode_start = next((a for a, b in spans if a <= first_verdict <= b), first_verdict)
    day_goals = tuple(g for g in sorted(goals, key=lambda g: g.started)
                      if g.started < end and (g.ended is None or g.ended > start))
    return Timeline(
        day=day, start=start, end=end, tz=tz, thresholds=thresholds, events=tuple(todays),
        edits=tuple(edits), bursts=tuple(bursts), pauses=tuple(pauses),
        sessions=_sessions(spans, edits, bursts, pauses, runs, streaks, commits, switches,
                           stuck),
        runs=tuple(runs), red_streaks=tuple(streaks),
        episodes=tuple(episodes_of(runs, episode_start)), commits=tuple(commits),
        switches=tuple(switches), stuck=tuple(stuck), goals=day_goals, activity=tuple(points),
    )

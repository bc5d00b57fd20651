"""One local day read as what happened: edit bursts, pauses, sessions, test runs, streaks.

These are the domain types strain plugins receive (built by `analysis.builder`), so every
number a summary prints can be rebuilt by hand from the events and the thresholds (DESIGN:
Vocabulary). Boundaries are half-open and a gap exactly on a threshold falls in the bin above
it: a gap of `burst_gap` ends a burst and is a short pause; a gap of `idle_timeout` is a break
and ends a session.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, tzinfo
from enum import Enum
from itertools import compress, islice, pairwise, repeat
from operator import ge, sub
from typing import NamedTuple

from dptelemetry.analysis.days import at_local, local_datetime
from dptelemetry.config import Thresholds
from dptelemetry.events import Event
from dptelemetry.goals import Goal, goal_titled

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


def gap_indices(points: Sequence[float], gap: float) -> list[int]:
    """The indices i where `points[i] - points[i - 1] >= gap`, over instants in time order;
    found without Python code per instant, as a day holds hundreds of thousands of them."""
    steps = map(sub, islice(points, 1, None), points)
    return list(compress(range(1, len(points)), map(ge, steps, repeat(gap))))


def active_spans(points: Sequence[float], gap: float) -> list[tuple[float, float]]:
    """(first, last) instant of each run of instants (in time order) with no gap of `gap`
    or more: the day's sessions for `idle_timeout`, its stretches without a break for less."""
    cuts = gap_indices(points, gap)
    return [(points[a], points[b - 1]) for a, b in pairwise([0, *cuts, len(points)]) if b > a]


File = tuple[str | None, str]
"""A file as analysis tells files apart: (repository root, path inside it). Two repositories
that both hold `src/app.py` hold two files."""


def file_name(file: File, repos: Collection[str | None]) -> str:
    """A file's path, with its repository beside it (`src/app.py in /code/app`) when the
    files it is named among come from more than one repository (`repos`: theirs)."""
    repo, path = file
    return path if repo is None or len(set(repos)) < 2 else f"{path} in {repo}"


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
    repo: str | None = None
    """The repository (or workspace folder) `path` is inside, where the editor said."""

    @property
    def file(self) -> File | None:
        return None if self.path is None else (self.repo, self.path)


@dataclass(frozen=True, slots=True)
class EditBurst:
    """A maximal run of typed edits whose gaps are all below `burst_gap`."""

    start: float
    end: float
    edits: int
    inserted: int
    deleted: int
    files: tuple[File, ...]
    """The files typed in, in the order first typed in, each its repository and path."""

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
    goal_id: str | None = None
    """The goal the commit was recorded under (the trailer's goal, else the active one)."""


@dataclass(frozen=True, slots=True)
class FileSwitch:
    """Work moved from one file to another (edits, opens and saves tell which)."""

    ts: float
    from_path: str
    to_path: str
    from_repo: str | None = None
    to_repo: str | None = None

    @property
    def from_file(self) -> File:
        return (self.from_repo, self.from_path)

    @property
    def to_file(self) -> File:
        return (self.to_repo, self.to_path)


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
    """Every event of the day except edits (those are `edits`), in time order."""
    edits: tuple[Edit, ...] = ()
    """Every edit, typed and assisted, in time order."""
    assisted: tuple[Edit, ...] = ()
    """The assisted edits alone: counted apart so practice effort stays the developer's own."""
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

    def local_time(self, ts: float) -> datetime:
        return local_datetime(ts, self.tz)

    def at_clock(self, clock: time) -> float:
        """The instant this day's wall clock shows `clock` (epoch seconds)."""
        return at_local(self.day, clock, self.tz)

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


def tagged_goal(commit: Commit, goals: Sequence[Goal]) -> str | None:
    """The id of the goal a tagged commit counts for: the one it was recorded under, else
    (an older record) the goal its trailer names at the commit's time. The daily summary
    and a drill's attempts count commits by it, so `dpt goal again` (which reuses the title)
    never moves a commit to another attempt."""
    if commit.goal is None:
        return None
    if commit.goal_id is not None:
        return commit.goal_id
    named = goal_titled(goals, commit.goal, commit.ts)
    return named.id if named else None


def goals_during(goals: Iterable[Goal], start: float, end: float) -> tuple[Goal, ...]:
    """Goals active at some point of [start, end), oldest first."""
    return tuple(g for g in sorted(goals, key=lambda g: g.started)
                 if g.started < end and (g.ended is None or g.ended > start))


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


def changed_runs(verdicts: Sequence[TestRun]) -> list[TestRun]:
    """Verdict runs without the reruns of unchanged code (the first always counts): the
    compile events Jadud's error quotient pairs up."""
    return [r for i, r in enumerate(verdicts) if i == 0 or r.edited_chars > 0]


def failure_sets(runs: Iterable[TestRun]) -> list[frozenset[tuple[str, str]]]:
    """Each run's failure signatures, none for a green run: the error types that the error
    quotient and the repeated error density compare."""
    return [r.signatures if r.red else frozenset() for r in runs]

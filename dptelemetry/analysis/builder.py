"""Builds a day's Timeline from its events: pure functions, no I/O.

Edits are most of a day's events (one per keystroke), so they are decoded once into compact
`Edit` tuples and every later step works on those in time order; the other events stay
`Event`s. `build_timeline` takes plain events (what tests write); `assemble_timeline` takes
edits already decoded, which is how the store reader saves building 200,000 Event objects.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, tzinfo
from itertools import compress, islice, pairwise, repeat
from operator import add, is_not, itemgetter, lt, ne, not_, or_
from typing import Any

from dptelemetry.analysis.days import day_bounds
from dptelemetry.analysis.timeline import (
    UNKNOWN_FAILURE,
    Commit,
    Edit,
    EditBurst,
    Episode,
    FileSwitch,
    Pause,
    RedStreak,
    Session,
    StuckMoment,
    TestRun,
    Timeline,
    active_spans,
    gap_indices,
    goals_during,
    pause_bin,
)
from dptelemetry.config import Thresholds
from dptelemetry.events import NOT_ACTIVITY, Event, EventKind
from dptelemetry.goals import Goal

EDIT = EventKind.EDIT.value
# Besides edits, the events that show which file the developer is in.
_FOCUS_KINDS = frozenset({EventKind.OPEN.value, EventKind.SAVE.value})


def _number(payload: Mapping[str, Any], key: str) -> int:
    value = payload.get(key)
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else 0
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def edit_from(ts: float, path: str | None, payload: Mapping[str, Any],
              thresholds: Thresholds, repo: str | None) -> Edit:
    """Decode one edit event's payload (docs/events.md), tolerating missing fields."""
    inserted = _number(payload, "inserted")
    line = payload.get("line")
    return Edit(
        ts=ts,
        path=path,
        inserted=inserted,
        deleted=_number(payload, "deleted"),
        line=line if isinstance(line, int) and not isinstance(line, bool) else None,
        lines=max(1, _number(payload, "lines")),
        assisted=inserted > thresholds.assisted_edit_chars,
        repo=repo,
    )


def assisted_flags(inserted: Iterable[int], thresholds: Thresholds) -> list[bool]:
    """Which edits are assisted, judged now by their stored size against the
    `assisted_edit_chars` in force, so changing the limit reclassifies every day. The
    payload's own `assisted` is the capture point's verdict at its limit then: a record,
    not used here."""
    return list(map(lt, repeat(thresholds.assisted_edit_chars), inserted))


_EDIT_FIELDS = ("inserted", "deleted", "line", "lines")


def decode_edits(stamps: Sequence[float], paths: Sequence[str | None],
                 payloads: Sequence[Mapping[str, Any]], thresholds: Thresholds,
                 repos: Sequence[str | None]) -> list[Edit]:
    """`edit_from` for a day of edits at once. A day can hold 200,000 of them, so when every
    payload is well formed (the usual case) the fields are taken column by column in C, and
    only a day with an odd payload goes through `edit_from` one by one."""
    try:
        columns = [list(map(itemgetter(key), payloads)) for key in _EDIT_FIELDS]
    except (KeyError, TypeError):
        columns = []
    if columns and all(set(map(type, column)) <= {int} for column in columns) and (
            min(columns[3], default=1) > 0):
        rows = zip(stamps, paths, *columns, assisted_flags(columns[0], thresholds), repos,
                   strict=True)
        return list(map(tuple.__new__, repeat(Edit), rows))
    return [edit_from(ts, path, payload, thresholds, repo)
            for ts, path, payload, repo in zip(stamps, paths, payloads, repos, strict=True)]


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


def test_run_from(event: Event, day_end: float, edited_chars: int) -> TestRun:
    """One `test_run` event as a TestRun (its end cut at `day_end`)."""
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
                  deletions=_number(p, "deletions"), goal_id=event.goal_id)


def _stuck(event: Event) -> StuckMoment:
    text, impulse = event.payload.get("text"), event.payload.get("impulse")
    return StuckMoment(event.ts, event.ts, detected=False,
                       text=text if isinstance(text, str) else None,
                       impulse=impulse if isinstance(impulse, str) else None)


def bursts_of(edits: Sequence[Edit], stamps: Sequence[float],
              burst_gap: float) -> list[EditBurst]:
    """Group typed edits (in time order; `stamps` are their instants) into bursts."""
    cuts = gap_indices(stamps, burst_gap)
    return [_burst(edits[a:b]) for a, b in pairwise([0, *cuts, len(edits)]) if b > a]


_TS, _PATH, _INSERTED, _DELETED = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)
_ASSISTED, _REPO = itemgetter(6), itemgetter(7)
_FILE = itemgetter(7, 1)
"""An edit's (repository, path), as `Edit.file` gives it, without a call per edit."""


def _burst(group: Sequence[Edit]) -> EditBurst:
    files = tuple(f for f in dict.fromkeys(map(_FILE, group)) if f[1] is not None)
    return EditBurst(start=group[0].ts, end=group[-1].ts, edits=len(group),
                     inserted=sum(map(_INSERTED, group)), deleted=sum(map(_DELETED, group)),
                     files=files)


def pauses_between(bursts: Sequence[EditBurst], thresholds: Thresholds) -> list[Pause]:
    pauses = []
    for before, after in pairwise(bursts):
        found = pause_bin(after.start - before.end, thresholds)
        if found is not None:
            pauses.append(Pause(before.end, after.start, found))
    return pauses


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


def switches_of(edits: Sequence[Edit], stamps: Sequence[float],
                others: Sequence[Event]) -> list[FileSwitch]:
    """Changes of file (repository and path) along edits (at `stamps`), opens and saves, in
    time order.

    Only two kinds of edit can change the file: the first of a run of edits on one file, and
    the first edit after an open or save; the rest repeat the file before them. So the walk
    covers those and the opens and saves, not every keystroke."""
    focus = [(e.ts, (e.repo, e.path)) for e in others
             if e.kind in _FOCUS_KINDS and e.path is not None]
    paths, repos = list(map(_PATH, edits)), list(map(_REPO, edits))
    if None in paths:
        located = list(map(is_not, paths, repeat(None)))
        paths, repos, stamps = (list(compress(column, located))
                                for column in (paths, repos, stamps))
    changed = map(or_, map(ne, islice(paths, 1, None), paths),
                  map(ne, islice(repos, 1, None), repos))
    starts = [0, *compress(range(1, len(paths)), changed)]
    after_focus = {bisect_left(stamps, ts) for ts, _ in focus}  # edits at ts come after it
    seen = sorted([*focus, *((stamps[i], (repos[i], paths[i]))
                             for i in sorted({*starts, *after_focus}) if i < len(paths))],
                  key=itemgetter(0))
    return [FileSwitch(ts, before[1], after[1], before[0], after[0])
            for (_, before), (ts, after) in pairwise(seen) if after != before]


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


def _sessions(spans: Sequence[tuple[float, float]], edits: Sequence[Edit],
              edit_ts: list[float],
              bursts: list[EditBurst], pauses: list[Pause], runs: list[TestRun],
              streaks: list[RedStreak], commits: list[Commit], switches: list[FileSwitch],
              stuck: list[StuckMoment]) -> tuple[Session, ...]:
    """Each session with the parts that start in it."""
    cut_edits = _Cutter(edits, edit_ts)
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
    edit_events = [e for e in todays if e.kind == EDIT]
    edits = decode_edits([e.ts for e in edit_events], [e.path for e in edit_events],
                         [e.payload for e in edit_events], thresholds,
                         [e.repo for e in edit_events])
    return assemble_timeline(day, tz, thresholds, edits,
                             [e for e in todays if e.kind != EDIT], goals)


def assemble_timeline(
    day: date,
    tz: tzinfo | None,
    thresholds: Thresholds,
    edits: Sequence[Edit],
    others: Sequence[Event],
    goals: Iterable[Goal] = (),
) -> Timeline:
    """The Timeline from the day's decoded edits and its other events, each in time order."""
    start, end = day_bounds(day, tz)
    edit_ts = list(map(_TS, edits))
    runs: list[TestRun] = []
    points: list[float] = []
    previous = float("-inf")
    for event in others:
        if event.kind in NOT_ACTIVITY:
            continue
        points.append(event.ts)
        if event.kind == EventKind.TEST_RUN.value:
            # characters edited after the previous run started, up to this one's start
            since = edits[bisect_right(edit_ts, previous):bisect_right(edit_ts, event.ts)]
            chars = sum(map(add, map(_INSERTED, since), map(_DELETED, since)))
            runs.append(test_run_from(event, end, chars))
            points.append(runs[-1].end)
            previous = event.ts
    points = sorted([*edit_ts, *points])
    commits = [_commit(e) for e in others if e.kind == EventKind.COMMIT.value]
    flags = list(map(_ASSISTED, edits))
    assisted = list(compress(edits, flags))
    if assisted:
        typed = list(map(not_, flags))
        bursts = bursts_of(list(compress(edits, typed)), list(compress(edit_ts, typed)),
                           thresholds.burst_gap)
    else:
        bursts = bursts_of(edits, edit_ts, thresholds.burst_gap)
    pauses = pauses_between(bursts, thresholds)
    spans = active_spans(points, thresholds.idle_timeout)
    streaks = red_streaks_of(runs)
    switches = switches_of(edits, edit_ts, others)
    stuck = sorted([*(_stuck(e) for e in others if e.kind == EventKind.STUCK.value),
                    *_detected_stuck(runs, points, thresholds)], key=lambda s: s.start)
    verdicts = [r for r in runs if r.outcome != "other"]
    first_verdict = verdicts[0].start if verdicts else start
    episode_start = next((a for a, b in spans if a <= first_verdict <= b), first_verdict)
    return Timeline(
        day=day, start=start, end=end, tz=tz, thresholds=thresholds, events=tuple(others),
        edits=tuple(edits), assisted=tuple(assisted), bursts=tuple(bursts), pauses=tuple(pauses),
        sessions=_sessions(spans, edits, edit_ts, bursts, pauses, runs, streaks, commits,
                           switches, stuck),
        runs=tuple(runs), red_streaks=tuple(streaks),
        episodes=tuple(episodes_of(runs, episode_start)), commits=tuple(commits),
        switches=tuple(switches), stuck=tuple(stuck), goals=goals_during(goals, start, end),
        activity=tuple(points),
    )

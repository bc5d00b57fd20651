"""Churn: deleting nearly as much as you write while the tests keep running, and rewriting
the same lines again and again.

- churn: in a `window_minutes` window with at least `min_runs` test runs, deleted / (inserted +
  deleted) typed characters, when the net growth stays under `max_net_chars` (research note,
  S4; Carter & Dewan: editing falls relative to running when stuck; Epp 2011 and Vizer 2009:
  deletions rise with stress).
- rewrite_loop: one line changed (something deleted there) in many separate bursts.

Limits: churn 0.45 (the research note's S4) and 0.6 (a design choice), then your baseline of
each session's worst window; rewrite_loop 8 and 15 bursts, design choices, no baseline.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, not_
from typing import Any

from dptelemetry import hookimpl
from dptelemetry.hookspecs import (
    Config,
    History,
    Lever,
    Limits,
    Session,
    Signal,
    Suggestion,
    Timeline,
    file_name,
)

NAME = "churn"
METRIC = f"{NAME}.window"
DEFAULTS: Mapping[str, object] = {
    "warn": 0.45, "strong": 0.6, "window_minutes": 10, "min_runs": 3, "max_net_chars": 200,
    "rewrite_warn": 8, "rewrite_strong": 15,
}
CHURN_BASIS = "0.45 from the research note (S4); the strong limit is a design choice"
REWRITE_BASIS = "a design choice: the same line rewritten in many separate bursts"
MAX_LINES = 20
"""Lines of one deleting edit that count as rewritten; a larger deletion is a clean-up."""
_TS, _PATH, _DELETED = attrgetter("ts"), attrgetter("path"), attrgetter("deleted")
_REPO = attrgetter("repo")
_LINE, _LINES, _ASSISTED = attrgetter("line"), attrgetter("lines"), attrgetter("assisted")


@dataclass(frozen=True)
class Window:
    start: float
    end: float
    inserted: int
    deleted: int
    runs: int

    @property
    def churn(self) -> float:
        return self.deleted / (self.inserted + self.deleted)


def worst_window(session: Session, settings: Mapping[str, Any]) -> Window | None:
    """The window (anchored at each burst) with the highest churn that qualifies."""
    length = settings["window_minutes"] * 60.0
    bursts = session.bursts
    run_starts = [r.start for r in session.runs]
    worst: Window | None = None
    inserted = deleted = 0
    j = 0
    for burst in bursts:
        while j < len(bursts) and bursts[j].start < burst.start + length:
            inserted += bursts[j].inserted
            deleted += bursts[j].deleted
            j += 1
        runs = (bisect_left(run_starts, burst.start + length)
                - bisect_left(run_starts, burst.start))
        if (inserted + deleted and runs >= settings["min_runs"]
                and abs(inserted - deleted) < settings["max_net_chars"]):
            window = Window(burst.start, min(burst.start + length, session.end), inserted,
                            deleted, runs)
            if worst is None or window.churn > worst.churn:
                worst = window
        inserted -= burst.inserted
        deleted -= burst.deleted
    return worst


@dataclass(frozen=True)
class Rewrites:
    repo: str | None
    path: str
    line: int
    bursts: int
    start: float
    end: float


def most_rewritten(session: Session) -> Rewrites | None:
    """The line changed (something deleted there) in the most separate bursts of the session;
    a file is its repository and path.

    Edits come in time order, so an edit with the file, lines and burst of an earlier one
    adds nothing; those repeats (most deletions in a day of typing) are dropped in C first."""
    starts = [b.start for b in session.bursts]
    edits = session.edits
    deleting = list(compress(edits, map(_DELETED, edits)))
    deleting = list(compress(deleting, map(not_, map(_ASSISTED, deleting))))  # typed ones
    after = map(bisect_right, repeat(starts), map(_TS, deleting))  # 1 + the burst's index
    places = dict.fromkeys(zip(map(_REPO, deleting), map(_PATH, deleting), map(_LINE, deleting),
                               map(_LINES, deleting), after, strict=True))
    touched: dict[tuple[str | None, str, int], list[int]] = defaultdict(list)
    for repo, path, first, count, burst in places:
        if first is None or path is None:
            continue
        for line in range(first, first + min(count, MAX_LINES)):
            seen = touched[repo, path, line]
            if not seen or seen[-1] != burst:
                seen.append(burst)
    if not touched:
        return None
    (repo, path, line), afters = max(touched.items(), key=lambda item: len(item[1]))
    return Rewrites(repo, path, line, len(afters), session.bursts[afters[0] - 1].start,
                    session.bursts[afters[-1] - 1].end)


@hookimpl
def dpt_plugin_settings() -> Mapping[str, object]:
    return DEFAULTS


@hookimpl
def dpt_day_metrics(timeline: Timeline, config: Config) -> Mapping[str, Sequence[float]]:
    settings = config.plugin_settings(NAME, DEFAULTS)
    windows = [worst_window(s, settings) for s in timeline.sessions]
    return {METRIC: [w.churn for w in windows if w is not None]}


@hookimpl
def dpt_strain_signals(timeline: Timeline, config: Config, history: History) -> list[Signal]:
    settings = config.plugin_settings(NAME, DEFAULTS)
    limits = history.limits(METRIC, Limits.configured(config, NAME, DEFAULTS, "warn", "strong",
                                                      CHURN_BASIS))
    rewrite_limits = Limits.configured(config, NAME, DEFAULTS, "rewrite_warn", "rewrite_strong",
                                       REWRITE_BASIS)
    signals = []
    for session in timeline.sessions:
        window = worst_window(session, settings)
        level = limits.severity(window.churn) if window else None
        if window and level is not None:
            signals.append(Signal(
                name=NAME, severity=level, start=window.start, end=window.end,
                summary=f"deleted {window.deleted} of {window.inserted + window.deleted} "
                        f"characters typed ({window.churn:.0%}) over {window.runs} test runs "
                        f"in {settings['window_minutes']} min",
                evidence={"churn": round(window.churn, 4), "inserted": window.inserted,
                          "deleted": window.deleted, "runs": window.runs,
                          "net": window.inserted - window.deleted},
                threshold=limits.crossed("churn", window.churn),
                suggestion=Suggestion(Lever.DIFFICULTY, "Step back to the last green run and "
                                      "pick a smaller next test before writing more code."),
            ))
        rewrites = most_rewritten(session)
        level = rewrite_limits.severity(rewrites.bursts) if rewrites else None
        if rewrites and level is not None:
            repos = {e.repo for e in session.edits if e.path is not None}  # untitled: none
            named = file_name((rewrites.repo, rewrites.path), repos)
            where = f"line {rewrites.line + 1} of {named}"
            signals.append(Signal(
                name="rewrite_loop", severity=level, start=rewrites.start, end=rewrites.end,
                summary=f"{where} rewritten in {rewrites.bursts} separate bursts",
                evidence={"path": rewrites.path, "line": rewrites.line + 1,
                          "bursts": rewrites.bursts,
                          # named when the session's files come from several repositories
                          **({"repo": rewrites.repo} if rewrites.repo and len(repos) > 1
                             else {})},
                threshold=rewrite_limits.crossed("rewrites", rewrites.bursts),
                suggestion=Suggestion(Lever.FEEDBACK, f"Write a test that pins down what "
                                      f"{where} must do before changing it again."),
            ))
    return signals

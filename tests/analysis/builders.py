"""Days written event by event, so each test knows its answers by construction.

Times are seconds after the day's local midnight; pick halves and wholes so that every gap
is exact in binary floating point.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, timezone, tzinfo
from pathlib import Path
from typing import Any

from dptelemetry.analysis.builder import build_timeline
from dptelemetry.analysis.days import day_bounds
from dptelemetry.analysis.timeline import Timeline
from dptelemetry.config import Thresholds
from dptelemetry.events import Event, new_event_id
from dptelemetry.goals import Goal, goals_from_events

DAY = date(2024, 5, 6)
MIN = 60.0


@dataclass
class DayBuilder:
    day: date = DAY
    tz: tzinfo | None = timezone.utc
    thresholds: Thresholds = field(default_factory=Thresholds)
    events: list[Event] = field(default_factory=list)

    @property
    def start(self) -> float:
        return day_bounds(self.day, self.tz)[0]

    def at(self, offset: float) -> float:
        return self.start + offset

    def add(self, kind: str, offset: float, source: str = "lsp", path: str | None = None,
            goal_id: str | None = None, repo: str = "/repo", **payload: Any) -> Event:
        """One event; `repo` is the repository of `path` (none without a path)."""
        event = Event(kind=kind, ts=self.at(offset), source=source, payload=payload,
                      path=path, goal_id=goal_id, repo=repo if path else None)
        self.events.append(event)
        return event

    def edit(self, offset: float, inserted: int = 1, deleted: int = 0, path: str = "a.py",
             line: int = 0, lines: int = 1, assisted: bool | None = False,
             repo: str = "/repo") -> Event:
        payload: dict[str, Any] = {"language": "python", "inserted": inserted,
                                   "deleted": deleted, "line": line, "lines": lines}
        if assisted is not None:
            payload["assisted"] = assisted
        return self.add("edit", offset, path=path, repo=repo, **payload)

    def edits(self, offsets: Iterable[float], **kw: Any) -> None:
        for offset in offsets:
            self.edit(offset, **kw)

    def run(self, offset: float, outcome: str, failures: Sequence[tuple[str, str]] = (),
            duration: float = 1.0, exit_code: int | None = None) -> Event:
        code = exit_code if exit_code is not None else {"green": 0, "red": 1}.get(outcome, 2)
        return self.add("test_run", offset, source="pytest", runner="pytest", outcome=outcome,
                        exit_code=code, duration_s=duration, passed=3,
                        failed=len(failures), errors=0,
                        failures=[list(f) for f in failures])

    def red(self, offset: float, *tests: str, duration: float = 1.0) -> Event:
        return self.run(offset, "red", [(t, "AssertionError") for t in tests or ("t1",)],
                        duration=duration)

    def green(self, offset: float, duration: float = 1.0) -> Event:
        return self.run(offset, "green", duration=duration)

    def commit(self, offset: float, goal: str | None = None,
               goal_id: str | None = None) -> Event:
        """A commit with the trailer `goal`, recorded under the goal `goal_id`."""
        return self.add("commit", offset, source="git", goal_id=goal_id, sha="0" * 40,
                        branch="main", goal=goal, files=1, insertions=3, deletions=1)

    def goal(self, offset: float, title: str, timebox: float | None = None,
             **fields: Any) -> Event:
        """A goal_start; `fields` are more payload fields (drill, changes, constraints)."""
        payload: dict[str, Any] = {"title": title, **fields}
        if timebox is not None:
            payload["timebox_s"] = timebox
        goal_id = new_event_id(self.at(offset))  # a goal's id is its goal_start event's id
        event = Event(kind="goal_start", ts=self.at(offset), source="cli", payload=payload,
                      goal_id=goal_id, id=goal_id)
        self.events.append(event)
        return event

    def end_goal(self, offset: float, goal: Event, **payload: Any) -> Event:
        return self.add("goal_end", offset, source="cli", goal_id=goal.goal_id,
                        **{"reason": "ended", **payload})

    def goals(self) -> list[Goal]:
        return goals_from_events(self.events)

    def timeline(self, **kw: Any) -> Timeline:
        return build_timeline(self.events, kw.pop("thresholds", self.thresholds), self.day,
                              self.tz, goals=self.goals(), **kw)


def store_unchecked(path: Path, events: Iterable[Event]) -> None:
    """Write events straight into the store file, as a version before the event schema did:
    for readers that must still cope with what such a store may hold."""
    rows = [(round(e.ts * 1000), e.id, e.kind, e.source, e.goal_id, e.repo, e.path,
             json.dumps(e.payload, ensure_ascii=False, separators=(",", ":")))
            for e in events]
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.executemany("INSERT INTO events (ts_ms, id, kind, source, goal_id, repo, path, "
                         "payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

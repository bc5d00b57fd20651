"""Drills built event by event with known times, imported through `dpt import`, so every
number `dpt drill show` and `dpt progress` print can be worked out by hand (the answers are
in test_show.py and test_progress.py, with the working).

Times are written as ISO 8601 instants. The days, in UTC (the CLI runs with TZ=UTC):

- Mon 2024-05-06, attempt 1 of drill "kata": 09:00-09:20, box 30m, constraint "no debugger";
  edits, a red run of test_a at 09:02, a green one at 09:04, a tagged commit; rated 4.
- Tue 2024-05-07 23:50 to Wed 00:20, attempt 2 (changes the time box to 45m): three red runs
  of test_b around midnight, green at 00:06; a stuck moment logged at 23:59; a silence of
  179 s after the first red run (detected), of 119 s after the third (not: long_pause is
  120 s); rated 6.
- Wed 2024-05-08 12:00: `dpt drill rename kata bowling` (run by the test, through the CLI).
- Thu 2024-05-09, attempt 3 of "bowling" (changes the difficulty): three red runs of test_c
  (EQ 1.0: a strong test_error_quotient signal, panic), then replaced at 10:30 by the goal
  "reading" (no drill) before any rating: abandoned.
- Fri 2024-05-10, attempt 4: red, green, green; ended without a rating: abandoned.
- Mon 2024-05-13, attempt 5 of "Bowling" (the same drill: case does not count; changes the
  feedback): red at 09:02, green at 09:04, then silence until it ends at 09:30, rated 8.
- Tue 2024-05-14, attempt 1 of a new drill "kata" (the name is free again): no runs; rated 7.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from dptelemetry.events import Event, to_jsonl
from tests.analysis.builders import DayBuilder

EPOCH = date(1970, 1, 1)


def at(text: str) -> float:
    """An ISO 8601 instant as epoch seconds."""
    return datetime.fromisoformat(text).timestamp()


def events_builder() -> DayBuilder:
    """A builder whose offsets are epoch seconds: `b.edit(at("..."))`."""
    return DayBuilder(day=EPOCH, tz=timezone.utc)


def attempt(b: DayBuilder, start: str, drill: str, *, timebox: float | None = 2700.0,
            title: str = "Bowling kata", **fields: Any) -> Event:
    return b.goal(at(start), title, timebox=timebox, drill=drill, **fields)


NO_DEBUGGER = ["no debugger"]


def bowling_before_rename() -> DayBuilder:
    b = events_builder()
    a1 = attempt(b, "2024-05-06T09:00:00+00:00", "kata", timebox=1800.0,
                 constraints=NO_DEBUGGER)
    b.edits([at("2024-05-06T09:01:00+00:00"), at("2024-05-06T09:01:02+00:00")])
    b.red(at("2024-05-06T09:02:00+00:00"), "test_a")
    b.edit(at("2024-05-06T09:03:00+00:00"))
    b.green(at("2024-05-06T09:04:00+00:00"))
    b.edit(at("2024-05-06T09:10:00+00:00"))
    b.commit(at("2024-05-06T09:10:30+00:00"), goal="Bowling kata")
    b.end_goal(at("2024-05-06T09:20:00+00:00"), a1, rating=4)

    a2 = attempt(b, "2024-05-07T23:50:00+00:00", "kata", constraints=NO_DEBUGGER,
                 changes=[{"lever": "timebox", "text": "45m instead of 30m"}])
    b.edit(at("2024-05-07T23:51:00+00:00"))
    b.red(at("2024-05-07T23:52:00+00:00"), "test_b")
    b.edit(at("2024-05-07T23:55:00+00:00"))
    b.red(at("2024-05-07T23:58:00+00:00"), "test_b")
    b.add("stuck", at("2024-05-07T23:59:00+00:00"), source="cli", text="mocking the clock",
          impulse="search")
    b.edit(at("2024-05-08T00:02:00+00:00"))
    b.red(at("2024-05-08T00:03:00+00:00"), "test_b")
    b.edit(at("2024-05-08T00:05:00+00:00"))
    b.green(at("2024-05-08T00:06:00+00:00"))
    b.end_goal(at("2024-05-08T00:20:00+00:00"), a2, rating=6)
    return b


RENAMED_AT = "2024-05-08T12:00:00+00:00"


def bowling_after_rename() -> DayBuilder:
    b = events_builder()
    a3 = attempt(b, "2024-05-09T10:00:00+00:00", "bowling", constraints=NO_DEBUGGER,
                 changes=[{"lever": "difficulty", "text": "spares and strikes"}])
    b.edit(at("2024-05-09T10:00:30+00:00"))
    b.red(at("2024-05-09T10:01:00+00:00"), "test_c")
    b.edit(at("2024-05-09T10:02:00+00:00"))
    b.red(at("2024-05-09T10:03:00+00:00"), "test_c")
    b.edit(at("2024-05-09T10:04:00+00:00"))
    b.red(at("2024-05-09T10:05:00+00:00"), "test_c")
    b.end_goal(at("2024-05-09T10:30:00+00:00"), a3, reason="replaced")
    reading = b.goal(at("2024-05-09T10:30:00+00:00"), "reading")
    b.edit(at("2024-05-09T10:35:00+00:00"))
    b.end_goal(at("2024-05-09T10:40:00+00:00"), reading)

    a4 = attempt(b, "2024-05-10T09:00:00+00:00", "bowling", constraints=NO_DEBUGGER)
    b.edit(at("2024-05-10T09:00:30+00:00"))
    b.red(at("2024-05-10T09:01:00+00:00"), "test_d")
    b.edit(at("2024-05-10T09:02:00+00:00"))
    b.green(at("2024-05-10T09:03:00+00:00"))
    b.edit(at("2024-05-10T09:04:00+00:00"))
    b.green(at("2024-05-10T09:05:00+00:00"))
    b.end_goal(at("2024-05-10T09:15:00+00:00"), a4)

    a5 = attempt(b, "2024-05-13T09:00:00+00:00", "Bowling", constraints=NO_DEBUGGER,
                 changes=[{"lever": "feedback", "text": "run only the failing test"}])
    b.edit(at("2024-05-13T09:01:00+00:00"))
    b.red(at("2024-05-13T09:02:00+00:00"), "test_e")
    b.edit(at("2024-05-13T09:03:00+00:00"))
    b.green(at("2024-05-13T09:04:00+00:00"))
    b.end_goal(at("2024-05-13T09:30:00+00:00"), a5, rating=8)

    k1 = attempt(b, "2024-05-14T09:00:00+00:00", "kata", timebox=None, title="Kata")
    b.edit(at("2024-05-14T09:05:00+00:00"))
    b.end_goal(at("2024-05-14T09:10:00+00:00"), k1, rating=7)
    return b


ONLY_TEQ = ("[plugins]\ndisabled = [\"repeated_failure_density\", \"stuck_stretches\", "
            "\"rerun_without_edits\", \"churn\", \"file_thrash\", \"fatigue\", \"goal_drift\"]\n")
"""Config keeping one strain plugin, so the signals and zones are known by construction."""


def write_jsonl(path: Path, events: list[Event]) -> Path:
    path.write_text("".join(to_jsonl(e) + "\n" for e in events), encoding="utf-8")
    return path

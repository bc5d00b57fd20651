"""Practice days written event by event into the isolated store, so every figure a report
prints is known by construction. Times are seconds after local midnight (UTC in these tests:
the CLI runs with TZ=UTC)."""

from __future__ import annotations

from pathlib import Path

from dptelemetry.store import open_store
from tests.analysis.builders import DAY, MIN, DayBuilder

HOUR = 60 * MIN
UTC_ENV = {"TZ": "UTC"}


def practice_day() -> DayBuilder:
    """Two sessions under the goal "bowling kata" (45 min box, ended at 14:05:50 rated 6).

    09:00-09:30 (session 1): six cycles of 5 min, each 4 edits in a.py, a red run of
    test_c{n}, 3 edits in bowling.py, a green run; a commit after cycles 2 and 5. Cycle 3's
    red run is followed by 3.5 minutes of silence (a detected stuck moment), and at 09:08 the
    developer logs "mocking the clock" with impulse search. One 500-character paste at 09:29.

    14:00-14:05:50 (session 2): six runs a minute apart, edits before each, all red on
    test_x but the fifth: a test error quotient of 0.6 (a strong signal: panic).
    """
    day = DayBuilder(day=DAY)
    goal = day.goal(9 * HOUR - MIN, "bowling kata", timebox=45 * MIN)
    for cycle in range(6):
        t = 9 * HOUR + cycle * 5 * MIN
        day.edits([t + k for k in range(4)], inserted=6, path="a.py", line=cycle)
        day.red(t + 30, f"test_c{cycle}")
        fix = t + 60 + (180 if cycle == 3 else 0)
        day.edits([fix + k for k in range(3)], inserted=4, deleted=1, path="bowling.py")
        day.green(fix + 30)
        if cycle in (2, 5):
            day.commit(fix + 45, goal="bowling kata")
    day.add("stuck", 9 * HOUR + 8 * MIN, source="cli", text="mocking the clock",
            impulse="search")
    day.edit(9 * HOUR + 29 * MIN, inserted=500, assisted=True, path="a.py")
    for i, mark in enumerate("xxxx-x"):
        t = 14 * HOUR + i * MIN
        day.edit(t, inserted=30, path="frame.py")
        day.red(t + 30, "test_x") if mark == "x" else day.green(t + 30)
    day.commit(14 * HOUR + 5 * MIN + 40)
    day.add("goal_end", 14 * HOUR + 5 * MIN + 50, source="cli", goal_id=goal.goal_id,
            reason="ended", rating=6, note="smaller steps helped")
    return day


def store_days(home: Path, *days: DayBuilder) -> None:
    with open_store(home) as store:
        for day in days:
            store.append(day.events)

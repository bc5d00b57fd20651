"""The drill page's tables from attempts built by hand, so each cell is known."""

from __future__ import annotations

from dptelemetry.analysis.drills import Attempt, DrillReport
from dptelemetry.analysis.summary import TestRunStats
from dptelemetry.goals import Goal
from dptelemetry.render.blocks import Table
from dptelemetry.render.drills import drill_document

NO_RUNS = TestRunStats(0, 0, 0, 0, 0, None, None, 0.0)


def attempt(number: int, zones: dict[str, float]) -> Attempt:
    start = 1_715_000_000.0 + number * 86_400
    goal = Goal(id=f"g{number}", title="Bowling kata", started=start, ended=start + 3600,
                rating=5, drill="kata", attempt=number)
    return Attempt(goal=goal, end=start + 3600, active_seconds=sum(zones.values()),
                   zone_seconds=zones, runs=NO_RUNS, first_green_s=None, stuck=(),
                   signals=(), commits=0)


def test_zone_minutes_are_cut_down_never_rounded_up() -> None:
    report = DrillReport("kata", (
        attempt(1, {"comfort": 30.0, "learning": 1799.5, "panic": 89.9}),
        attempt(2, {"comfort": 0.0, "learning": 1800.0, "panic": 150.0})))
    strain = next(s for s in drill_document(report).sections if s.key == "strain")
    [table] = [b for b in strain.blocks if isinstance(b, Table)]
    assert [row[-1] for row in table.rows] == ["<1/29/1", "0/30/2"]

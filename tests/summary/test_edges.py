"""Numbers at the edges, on days built so that each printed figure is known by hand: a length
printed beside the bin or limit it is compared with never crosses it, and sentences stay true
for tiny days and boxes (issue 11)."""

from __future__ import annotations

import re
from pathlib import Path

from dptelemetry.analysis.next_session import next_session
from dptelemetry.analysis.summary import DaySummary
from dptelemetry.analysis.zones import Zone
from dptelemetry.render.document import DayReport, day_document
from dptelemetry.render.text import plain_text
from tests.analysis.builders import DAY, DayBuilder
from tests.analysis.test_summary import summary_of
from tests.summary.conftest import Summary
from tests.summary.days import store_days

NINE = 9 * 3600.0


def rendered(summary: DaySummary) -> str:
    """The text report, wide enough that no line wraps."""
    return plain_text(day_document(DayReport(summary, next_session(summary))), width=2000)


def test_pause_lengths_print_inside_their_bins(dpt_home: Path) -> None:
    day = DayBuilder()
    t = NINE
    for gap in (29.999, 119.999, 120.0):  # short, medium, long: each just at or under an edge
        day.edit(t)
        t += gap
    day.edit(t)
    summary = summary_of(dpt_home, day)
    assert [(p.bin.value, int(p.seconds)) for p in summary.pauses.longest] == [
        ("long", 120), ("medium", 119), ("short", 29)]
    text = rendered(summary)
    assert re.search(r"09:02-09:04\s+2m\s+long", text)
    assert re.search(r"09:00-09:02\s+1m\s+medium", text)  # was "2m" beside "medium"
    assert re.search(r"09:00-09:00\s+29s\s+short", text)  # was "30s" beside "short"


def red_stretch_open_for(seconds: float) -> DayBuilder:
    """Red from 09:00 (test_a), red again (test_b) ending `seconds` after 09:00, typing
    every 100 s between: one red stretch, open at the session's end; two runs, so no EQ."""
    day = DayBuilder()
    day.edit(NINE - 10, inserted=5, line=1)
    day.red(NINE, "test_a")
    for k in range(1, int(seconds // 100) + 1):
        day.edit(NINE + k * 100 - 50, inserted=5, line=k + 1)
    day.red(NINE + seconds - 1.0, "test_b", duration=1.0)
    return day


def test_red_for_thirty_minutes_is_printed_only_at_thirty_minutes(tmp_path: Path) -> None:
    under = summary_of(tmp_path / "under", red_stretch_open_for(1799.999))
    at = summary_of(tmp_path / "at", red_stretch_open_for(1800.0))
    [stretch_under] = [s for s in under.signals if s.name == "red_stretch"]
    [stretch_at] = [s for s in at.signals if s.name == "red_stretch"]
    assert stretch_under.summary.startswith("red for 29m of active time")  # was "30 min"
    assert stretch_at.summary.startswith("red for 30m of active time")
    assert under.sessions[0].zone.zone is Zone.LEARNING
    assert at.sessions[0].zone.zone is Zone.PANIC
    assert "still red 30m after the stretch began" in at.sessions[0].zone.reason
    assert "red for 29m of active time over 2 runs and still red" in rendered(under)


def test_a_one_second_time_box_reads_as_one(tmp_path: Path) -> None:
    day = DayBuilder()
    day.goal(NINE, "tiny", timebox=1)
    day.edits([NINE + k for k in range(1, 12, 2)])  # active 09:00:00-09:00:11
    summary = summary_of(tmp_path / "home", day)
    [overrun] = [s for s in summary.signals if s.name == "timebox_overrun"]
    # was "had a 0-minute box and took 0 active minutes today"
    assert overrun.summary == "goal 'tiny' had a 1s time box and took 11s of active time today"


def test_a_short_learning_day_shows_its_learning_minute_in_the_week(
        summary: Summary, dpt_home: Path) -> None:
    day = DayBuilder()
    day.edit(NINE)
    day.red(NINE + 10, "test_a")  # ends 09:00:11: one session of 11 s, 1 of 1 runs red
    store_days(dpt_home, day)
    result = summary("--date", DAY.isoformat(), "--week")
    assert result.returncode == 0, result.stderr
    assert re.search(r"Mon 6\s+11s\s+learning\s+0/<1/0\s", result.stdout)  # was 0/0/0


def test_a_longer_block_is_longer_than_the_goals_box(tmp_path: Path) -> None:
    day = DayBuilder()
    day.goal(NINE, "kata", timebox=25 * 60)
    for k, run in enumerate((day.red, day.green, day.green)):  # 1 of 3 runs red: learning
        day.edit(NINE + 100 * k + 50, inserted=5, line=k)
        run(NINE + 100 * k + 90)
    summary = summary_of(tmp_path / "home", day)
    assert summary.signals == ()
    assert [s.zone.zone for s in summary.sessions] == [Zone.LEARNING]
    rec = next_session(summary)
    assert rec is not None
    assert rec.text.endswith("plan a 40m time block.")  # the 25m box + 15m; was 20m
    assert rec.because.endswith("longest learning session 4m, in a 25m time box")

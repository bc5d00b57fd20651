"""Timelines built from days whose bursts, pauses, sessions and runs are known exactly."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dptelemetry.analysis.builder import build_timeline
from dptelemetry.analysis.timeline import UNKNOWN_FAILURE, PauseBin
from dptelemetry.config import Thresholds
from tests.analysis.builders import MIN, DayBuilder


def test_an_empty_day_has_nothing_and_no_active_time() -> None:
    timeline = DayBuilder().timeline()
    assert (timeline.sessions, timeline.bursts, timeline.pauses, timeline.runs) == ((),) * 4
    assert (timeline.episodes, timeline.red_streaks, timeline.stuck) == ((),) * 3
    assert timeline.active_seconds == 0
    assert timeline.goal_seconds() == {}


def test_one_edit_is_one_burst_in_one_session_of_no_length() -> None:
    day = DayBuilder()
    day.edit(3600, inserted=4)
    timeline = day.timeline()
    [burst] = timeline.bursts
    assert (burst.start, burst.end, burst.edits, burst.inserted) == (day.at(3600),) * 2 + (1, 4)
    [session] = timeline.sessions
    assert session.active_seconds == 0
    assert timeline.pauses == ()


def test_gaps_exactly_on_a_threshold_fall_in_the_bin_above() -> None:
    day = DayBuilder()
    # gaps: 4.5 (same burst), then 5 | 29.5 | 30 | 119.5 | 120 | 899.5 | 900
    offsets = [0, 4.5, 9.5, 39, 69, 188.5, 308.5, 1208, 2108]
    day.edits(offsets)
    timeline = day.timeline()
    assert [(b.start - day.start, b.end - day.start) for b in timeline.bursts] == [
        (0, 4.5), (9.5, 9.5), (39, 39), (69, 69), (188.5, 188.5), (308.5, 308.5),
        (1208, 1208), (2108, 2108)]
    assert [p.bin for p in timeline.pauses] == [
        PauseBin.SHORT, PauseBin.SHORT, PauseBin.MEDIUM, PauseBin.MEDIUM, PauseBin.LONG,
        PauseBin.LONG, PauseBin.BREAK]
    assert [p.seconds for p in timeline.pauses] == [5, 29.5, 30, 119.5, 120, 899.5, 900]
    first, second = timeline.sessions
    assert (first.start - day.start, first.end - day.start) == (0, 1208)
    assert (second.start - day.start, second.end - day.start) == (2108, 2108)
    assert timeline.active_seconds == 1208
    # the break belongs to neither session
    assert len(first.pauses) == 6 and second.pauses == ()


def test_thresholds_come_from_the_config() -> None:
    day = DayBuilder(thresholds=Thresholds(burst_gap=2, medium_pause=10, long_pause=20,
                                           idle_timeout=40))
    day.edits([0, 1.5, 4, 14, 34, 74])
    timeline = day.timeline()
    assert [p.bin for p in timeline.pauses] == [
        PauseBin.SHORT, PauseBin.MEDIUM, PauseBin.LONG, PauseBin.BREAK]
    assert len(timeline.sessions) == 2


def test_a_test_run_keeps_the_session_going_until_it_ends() -> None:
    day = DayBuilder()
    day.edit(0)
    day.green(10, duration=100)  # ends at 110
    day.edit(110 + 899.5)  # 899.5 s after the run ended: same session
    day.edit(110 + 899.5 + 900)  # a break: new session
    timeline = day.timeline()
    assert [(s.start - day.start, s.end - day.start) for s in timeline.sessions] == [
        (0, 1009.5), (1909.5, 1909.5)]
    assert timeline.sessions[0].runs == timeline.runs


def test_editor_start_and_stop_are_not_activity() -> None:
    day = DayBuilder()
    day.add("lsp_start", 0, server_version="1")
    day.edit(600)
    day.add("lsp_stop", 1200, reason="eof")
    assert [(s.start, s.end) for s in day.timeline().sessions] == [(day.at(600),) * 2]


def test_a_day_ends_at_local_midnight() -> None:
    day = DayBuilder()
    day.edit(24 * 3600 - 0.5)
    day.edit(24 * 3600)  # the next day's first instant
    timeline = day.timeline()
    assert [e.ts - day.start for e in timeline.edits] == [24 * 3600 - 0.5]
    tomorrow = build_timeline(day.events, day.thresholds, day.day + timedelta(days=1), day.tz)
    assert [e.ts - day.start for e in tomorrow.edits] == [24 * 3600]


def test_a_spring_dst_day_measures_real_time_not_wall_clock() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    day = DayBuilder(day=date(2024, 3, 31), tz=berlin)
    before = datetime(2024, 3, 31, 1, 59, tzinfo=berlin).timestamp()
    after = datetime(2024, 3, 31, 3, 1, tzinfo=berlin).timestamp()  # 2 real minutes later
    late = datetime(2024, 3, 31, 23, 30, tzinfo=berlin).timestamp()
    for ts in (before, after, late):
        day.edit(ts - day.start)
    timeline = day.timeline()
    assert timeline.end - timeline.start == 23 * 3600
    assert [s.active_seconds for s in timeline.sessions] == [120, 0]
    assert [p.bin for p in timeline.pauses] == [PauseBin.LONG, PauseBin.BREAK]
    assert timeline.local_time(after).hour == 3


def test_an_autumn_dst_day_keeps_its_25th_hour() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    day = DayBuilder(day=date(2024, 10, 27), tz=berlin)
    day.edit(24.5 * 3600)  # 23:30 local on a 25-hour day
    assert len(day.timeline().edits) == 1


def test_red_streaks_episodes_and_time_to_green() -> None:
    day = DayBuilder()
    day.green(0)
    day.edit(20, inserted=7, deleted=2)
    day.red(30, "t1")
    day.red(60, "t1")
    day.run(70, "other")  # interrupted: neither breaks nor joins the streak
    day.red(90, "t1", "t2")
    day.edit(100, inserted=5)
    day.green(120, duration=10)
    day.red(200)
    timeline = day.timeline()
    first, last = timeline.red_streaks
    assert [r.start - day.start for r in first.runs] == [30, 60, 90]
    assert first.recovered_by is not None and first.time_to_green == 130 - 30
    assert len(last.runs) == 1 and last.recovered_by is None and last.time_to_green is None
    assert [(e.start - day.start, e.end - day.start, len(e.runs), e.green)
            for e in timeline.episodes] == [(0, 1, 1, True), (1, 130, 4, True),
                                            (130, 201, 1, False)]
    assert [r.edited_chars for r in timeline.runs] == [0, 9, 0, 0, 0, 5, 0]
    assert timeline.runs[4].signatures == {("t1", "AssertionError"), ("t2", "AssertionError")}


def test_a_red_run_without_known_failures_still_counts_as_failed() -> None:
    day = DayBuilder()
    day.run(0, "red", failures=(), exit_code=3)
    [run] = day.timeline().runs
    assert run.red and run.signatures == {(UNKNOWN_FAILURE, "exit code 3")}


def test_assisted_edits_are_counted_apart_from_bursts() -> None:
    day = DayBuilder()
    day.edit(0, inserted=3)
    day.edit(1, inserted=900, assisted=True)  # over the threshold, as capture said too
    day.edit(2, inserted=201, assisted=None)  # no verdict recorded: judged the same way
    day.edit(3, inserted=200, assisted=None)  # exactly on it: typed
    timeline = day.timeline()
    assert [e.inserted for e in timeline.assisted] == [900, 201]
    [burst] = timeline.bursts
    assert (burst.edits, burst.inserted) == (2, 203)
    assert timeline.sessions[0].active_seconds == 3


def test_file_switches_follow_edits_opens_and_saves() -> None:
    day = DayBuilder()
    day.edit(0, path="a.py")
    day.edit(1, path="a.py")
    day.edit(2, path="b.py")
    day.add("open", 3, path="c.py", language="python", lines=10)
    day.add("save", 4, path="c.py")
    day.add("close", 5, path="b.py")
    day.edit(6, path="a.py")
    assert [(w.from_path, w.to_path) for w in day.timeline().switches] == [
        ("a.py", "b.py"), ("b.py", "c.py"), ("c.py", "a.py")]


@pytest.mark.parametrize(("silence", "detected"), [(119.5, False), (120, True),
                                                   (899.5, True), (900, False)])
def test_a_long_silence_right_after_a_red_run_is_a_detected_stuck_moment(
    silence: float, detected: bool
) -> None:
    day = DayBuilder()
    day.edit(0)
    day.red(10, duration=5)  # ends at 15
    day.edit(15 + silence)
    stuck = day.timeline().stuck
    assert [(m.start - day.start, m.seconds, m.detected) for m in stuck] == (
        [(15, silence, True)] if detected else [])


def test_logged_stuck_moments_keep_what_was_written() -> None:
    day = DayBuilder()
    day.add("stuck", 60, source="cli", text="recursion base case", impulse="search")
    [moment] = day.timeline().stuck
    assert (moment.detected, moment.text, moment.impulse) == (False, "recursion base case",
                                                             "search")


def test_active_time_is_split_by_the_goal_in_force() -> None:
    day = DayBuilder()
    day.edit(0)
    goal = day.goal(10 * MIN, "bowling kata")
    day.edit(20 * MIN)
    day.end_goal(30 * MIN, goal)
    day.edit(40 * MIN)
    timeline = day.timeline()
    assert timeline.goal_seconds() == {None: 20 * MIN, goal.goal_id: 20 * MIN}
    assert timeline.active_seconds == 40 * MIN
    assert timeline.goal_at(day.at(15 * MIN)).title == "bowling kata"  # type: ignore[union-attr]
    assert timeline.goal_at(day.at(30 * MIN)) is None


def test_parts_belong_to_the_session_they_start_in() -> None:
    day = DayBuilder()
    day.edits([0, 1, 2])
    day.red(10)
    day.commit(20, goal="kata")
    day.edits([3000, 3001])
    day.green(3010)
    first, second = day.timeline().sessions
    assert (len(first.edits), len(first.bursts), len(first.runs), len(first.commits)) == (
        3, 1, 1, 1)
    assert (len(second.edits), len(second.runs), len(second.red_streaks)) == (2, 1, 0)
    assert len(first.red_streaks) == 1


def test_file_switches_match_a_walk_over_every_event() -> None:
    """switches_of skips keystrokes that cannot change the file; compare with the plain walk
    over every edit, open and save, on random days."""
    rng = random.Random(6)
    for _ in range(200):
        day = DayBuilder()
        for i in range(rng.randint(0, 40)):
            path = rng.choice(["a.py", "b.py", "c.py", None])
            kind = rng.choice(["edit", "edit", "edit", "open", "save", "close"])
            offset = i * rng.choice([0.5, 1, 1])  # some share an instant
            if kind == "edit":
                day.add("edit", offset, path=path, inserted=1, deleted=0, line=0, lines=1,
                        assisted=False)
            else:
                day.add(kind, offset, path=path)
        expected = []
        current = None
        for event in sorted(day.events, key=lambda e: (e.ts, e.kind == "edit")):
            if event.kind in ("edit", "open", "save") and event.path is not None:
                if current is not None and event.path != current:
                    expected.append((event.ts, current, event.path))
                current = event.path
        assert [(w.ts, w.from_path, w.to_path) for w in day.timeline().switches] == expected


def test_a_burst_names_its_files_with_their_repositories() -> None:
    """The same path in two repositories is two files, as everywhere a timeline names one."""
    day = DayBuilder()
    day.edit(3600, path="src/app.py", repo="/code/one")
    day.edit(3601, path="src/app.py", repo="/code/two")
    day.edit(3602, path="src/app.py", repo="/code/one")
    day.edit(3603, path="README.md", repo="/code/two")
    [burst] = day.timeline().bursts
    assert burst.files == (("/code/one", "src/app.py"), ("/code/two", "src/app.py"),
                           ("/code/two", "README.md"))

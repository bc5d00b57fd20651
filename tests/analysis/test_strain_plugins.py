"""The built-in strain plugins, reached through their entry points, on days built so that the
signal each must give (or not give) is known exactly."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from dptelemetry.analysis.history import History
from dptelemetry.analysis.signals import Signal
from dptelemetry.config import load_config
from dptelemetry.plugins import get_plugin_manager
from tests.analysis.builders import DAY, MIN, DayBuilder


def signals(day: DayBuilder, tmp_path: Path, toml: str = "",
            history: History | None = None) -> list[Signal]:
    path = tmp_path / "config.toml"
    path.write_text(toml)
    config = load_config(path)
    manager = get_plugin_manager(config)
    found = manager.strain_signals(day.timeline(), config, history or History())
    assert manager.failures == []
    return found


def named(found: list[Signal], name: str) -> list[Signal]:
    return [s for s in found if s.name == name]


def calm_day() -> DayBuilder:
    """Test-first in short cycles at 10:00 under a goal with a box: type, red, fix, green."""
    day = DayBuilder()
    start = 10 * 3600.0
    goal = day.goal(start - 60, "bowling kata", timebox=60 * MIN)
    for cycle in range(12):
        t = start + cycle * 180
        day.edits([t + k for k in range(4)], inserted=5, line=cycle * 3)
        day.red(t + 20, f"test_case_{cycle}")
        day.edits([t + 60 + k for k in range(3)], inserted=4, deleted=1, line=cycle * 3 + 1,
                  path="bowling.py")
        day.green(t + 90)
        if cycle % 4 == 3:
            day.commit(t + 120, goal="bowling kata")
    day.end_goal(start + 12 * 180, goal)
    return day


def test_a_calm_day_gives_no_strain_signal(tmp_path: Path) -> None:
    assert signals(calm_day(), tmp_path) == []


def test_an_empty_day_gives_no_signal(tmp_path: Path) -> None:
    assert signals(DayBuilder(), tmp_path) == []


def teq_day(pattern: str, day_of: date = DAY) -> DayBuilder:
    """One run a minute from 00:10: x red with test_x, - green; each run after an edit."""
    day = DayBuilder(day=day_of)
    for i, mark in enumerate(pattern):
        day.edit(i * 60 + 600, inserted=30)
        day.red(i * 60 + 630, "test_x") if mark == "x" else day.green(i * 60 + 630)
    return day


def test_teq_between_the_limits_scales_severity(tmp_path: Path) -> None:
    [signal] = named(signals(teq_day("xx-xx"), tmp_path), "test_error_quotient")
    assert signal.evidence["teq"] == 0.5
    assert signal.severity == pytest.approx(0.5 + 0.5 * (0.5 - 0.36) / (0.55 - 0.36))
    assert (signal.threshold.value, signal.threshold.observed) == (0.36, 0.5)
    assert "ITiCSE 2024" in signal.threshold.basis
    assert signal.suggestion.lever.value == "difficulty"


def test_teq_drops_reruns_of_unchanged_code_and_needs_three_runs(tmp_path: Path) -> None:
    day = DayBuilder()
    day.edit(0, inserted=10)
    day.red(10, "test_x")
    day.red(20, "test_x")  # nothing edited since: the same code ran again
    day.edit(30)
    day.green(40)
    assert named(signals(day, tmp_path), "test_error_quotient") == []


def test_teq_limits_come_from_the_config(tmp_path: Path) -> None:
    toml = "[plugins.test_error_quotient]\nwarn = 0.6\nstrong = 0.9\n"
    assert named(signals(teq_day("xx-xx"), tmp_path, toml), "test_error_quotient") == []
    [signal] = named(signals(teq_day("xxxx"), tmp_path, toml), "test_error_quotient")
    assert signal.severity == 1.0
    assert signal.threshold.basis == "set in [plugins.test_error_quotient] warn/strong"


def test_a_setting_of_the_wrong_type_falls_back_to_its_default(tmp_path: Path) -> None:
    toml = '[plugins.test_error_quotient]\nwarn = "high"\n'
    [signal] = named(signals(teq_day("xx-xx"), tmp_path, toml), "test_error_quotient")
    assert signal.threshold.value == 0.36


def history_of(metric: str, value: float, days: int) -> History:
    today = date(2024, 5, 6)
    return History({today - timedelta(days=d + 1): {metric: [value]} for d in range(days)})


def test_a_week_of_your_own_history_replaces_the_population_limit(tmp_path: Path) -> None:
    metric = "test_error_quotient.session"
    week = history_of(metric, 0.9, 7)
    assert named(signals(teq_day("xx-xx"), tmp_path, history=week), "test_error_quotient") == []
    [signal] = named(signals(teq_day("xxxx"), tmp_path, history=week), "test_error_quotient")
    assert signal.threshold.basis == "your p90/p95 over 7 days"
    six_days = history_of(metric, 0.9, 6)
    assert named(signals(teq_day("xx-xx"), tmp_path, history=six_days), "test_error_quotient")


def test_your_baseline_lowers_a_limit_to_half_of_it_at_most(tmp_path: Path) -> None:
    calm_week = history_of("test_error_quotient.session", 0.0, 14)
    # xx--- : one pair of five both red -> 0.25, above half of 0.36
    [signal] = named(signals(teq_day("xx---"), tmp_path, history=calm_week),
                     "test_error_quotient")
    assert signal.threshold.value == pytest.approx(0.18)
    # x-x-x : no pair both red -> 0, never a signal
    assert named(signals(teq_day("x-x-x"), tmp_path, history=calm_week),
                 "test_error_quotient") == []


def test_the_same_failure_four_runs_in_a_row_warns(tmp_path: Path) -> None:
    [signal] = named(signals(teq_day("xxxx"), tmp_path), "repeated_failure_density")
    assert signal.severity == 0.5
    assert signal.evidence["red"] == pytest.approx(9 / 4, abs=1e-4)
    assert (signal.threshold.metric, signal.threshold.value, signal.threshold.observed) == (
        "longest_repeat", 4, 4)
    assert signal.evidence["test"] == "test_x"
    assert "test_x" in signal.suggestion.text
    assert named(signals(teq_day("xxx-xxx"), tmp_path), "repeated_failure_density") == []


def test_red_density_above_the_published_p90_scales_severity(tmp_path: Path) -> None:
    [signal] = named(signals(teq_day("x" * 10), tmp_path), "repeated_failure_density")
    red = 81 / 10
    assert signal.evidence["red"] == pytest.approx(red, abs=1e-4)
    assert signal.severity == pytest.approx(0.5 + 0.5 * (red - 6.62) / (15.41 - 6.62))
    assert signal.threshold.metric == "repeated_failure_density"


def red_stretch(minutes: int, failing: list[int] | None = None) -> DayBuilder:
    """Red runs every 4 minutes from 09:00 with edits between, green after `minutes`."""
    day = DayBuilder()
    start = 9 * 3600.0
    runs = minutes // 4
    for i in range(runs):
        day.edit(start + i * 240 - 30, inserted=10)
        count = failing[i] if failing else 1
        day.red(start + i * 240, *[f"t{k}" for k in range(count)])
        day.edit(start + i * 240 + 60, inserted=10)
        day.edit(start + i * 240 + 100, inserted=10)
        day.edit(start + i * 240 + 170, inserted=10)
    day.green(start + minutes * 60, duration=1)
    return day


def test_a_long_red_stretch_is_flagged_with_its_active_time(tmp_path: Path) -> None:
    [signal] = named(signals(red_stretch(24), tmp_path), "red_stretch")
    seconds = 24 * 60 + 1
    assert signal.evidence["red_active_s"] == seconds
    assert signal.severity == pytest.approx(0.5 + 0.5 * (seconds - 1200) / (2700 - 1200))
    assert signal.suggestion.lever.value == "time_block"
    assert named(signals(red_stretch(16), tmp_path), "red_stretch") == []


def test_a_red_stretch_that_makes_progress_is_left_alone_below_strong(tmp_path: Path) -> None:
    falling = [5, 5, 5, 3, 2, 1]
    assert named(signals(red_stretch(24, falling), tmp_path), "red_stretch") == []
    [strong] = named(signals(red_stretch(48, [5] * 9 + [3, 2, 1]), tmp_path), "red_stretch")
    assert strong.severity == 1.0


def pauses_after_red(count: int) -> DayBuilder:
    day = DayBuilder()
    for i in range(count):
        t = 9 * 3600.0 + i * 600
        day.edit(t, inserted=10)
        day.red(t + 10, "t1", duration=2)
        day.edit(t + 12 + 150, inserted=10)  # 150 s of silence after the red run
    return day


@pytest.mark.parametrize(("count", "severity"), [(1, None), (2, 0.5), (3, 0.75), (4, 1.0)])
def test_long_silences_right_after_red_runs(tmp_path: Path, count: int,
                                            severity: float | None) -> None:
    found = named(signals(pauses_after_red(count), tmp_path), "pause_after_red")
    assert [s.severity for s in found] == ([] if severity is None else [severity])
    if found:
        assert found[0].evidence["longest_s"] == 150


def reruns(count: int, edit_between: int = 0) -> DayBuilder:
    day = DayBuilder()
    day.edit(590, inserted=50)
    for i in range(count):
        if i and edit_between:
            day.edit(600 + i * 12 - 2, inserted=edit_between)
        day.red(600 + i * 12, "test_x", duration=2)
    return day


def test_reruns_without_edits_form_a_chain(tmp_path: Path) -> None:
    [signal] = named(signals(reruns(3), tmp_path), "rerun_without_edits")
    assert (signal.severity, signal.evidence["runs"], signal.evidence["chars_edited"]) == (
        0.5, 3, 0)
    [strong] = named(signals(reruns(5, edit_between=4), tmp_path), "rerun_without_edits")
    assert (strong.severity, strong.evidence["chars_edited"]) == (1.0, 16)
    assert named(signals(reruns(3, edit_between=20), tmp_path), "rerun_without_edits") == []


def churn_day(deleted: int) -> DayBuilder:
    """Ten bursts in 10 minutes, 10 characters typed in each, `deleted` in all; 3 runs."""
    day = DayBuilder()
    for i in range(10):
        day.edit(600 + i * 60, inserted=10, deleted=deleted // 10, line=i * 10)
    for i in range(3):
        day.red(620 + i * 120, "test_x")
    return day


def test_churn_in_a_window_with_runs(tmp_path: Path) -> None:
    [signal] = named(signals(churn_day(90), tmp_path), "churn")
    assert (signal.evidence["inserted"], signal.evidence["deleted"]) == (100, 90)
    assert signal.severity == pytest.approx(0.5 + 0.5 * (90 / 190 - 0.45) / 0.15)
    assert named(signals(churn_day(80), tmp_path), "churn") == []  # 80/180 < 0.45


def test_the_same_line_rewritten_in_many_bursts(tmp_path: Path) -> None:
    day = DayBuilder()
    for i in range(8):
        day.edit(600 + i * 30, inserted=3, deleted=2, line=41, path="game.py")
        day.edit(610 + i * 30, inserted=3, line=i + 100, path="game.py")
    [signal] = named(signals(day, tmp_path), "rewrite_loop")
    assert signal.evidence == {"path": "game.py", "line": 42, "bursts": 8}
    assert signal.severity == 0.5
    assert "line 42 of game.py" in signal.suggestion.text


def thrash_day(switches: int, green: bool = False) -> DayBuilder:
    day = DayBuilder()
    for i in range(switches + 1):
        day.add("open" if i % 3 else "save", 600 + i * 20, path=f"f{i % 4}.py")
    if green:
        day.green(700)
    return day


def test_file_thrash(tmp_path: Path) -> None:
    [signal] = named(signals(thrash_day(12), tmp_path), "file_thrash")
    assert (signal.severity, signal.evidence["switches"], signal.evidence["files"]) == (
        0.5, 12, 4)
    assert named(signals(thrash_day(11), tmp_path), "file_thrash") == []
    assert named(signals(thrash_day(12, green=True), tmp_path), "file_thrash") == []


def steady(day: DayBuilder, start: float, minutes: float, every: float = 60) -> None:
    for i in range(int(minutes * 60 / every) + 1):
        day.edit(start + i * every, inserted=5)


def test_a_long_stretch_without_a_break(tmp_path: Path) -> None:
    day = DayBuilder()
    steady(day, 9 * 3600.0, 95)
    [signal] = named(signals(day, tmp_path), "long_stretch")
    assert signal.severity == pytest.approx(0.5 + 0.5 * 5 / 30)
    assert not signal.struggle
    broken = DayBuilder()
    steady(broken, 9 * 3600.0, 45)
    steady(broken, 9 * 3600.0 + 50 * MIN, 45)  # a 5-minute break after 45 minutes
    assert named(signals(broken, tmp_path), "long_stretch") == []


def test_late_hours_are_local_hours(tmp_path: Path) -> None:
    day = DayBuilder()
    steady(day, 23.5 * 3600, 20)
    [signal] = named(signals(day, tmp_path), "late_hours")
    assert signal.evidence["late_active_s"] == 20 * MIN
    assert signal.severity == pytest.approx(0.5 + 0.5 * 5 / 45)
    early = DayBuilder()
    steady(early, 22 * 3600.0, 20)
    steady(early, 4.5 * 3600, 10)  # 04:30-04:40: 10 late minutes, under the limit
    assert named(signals(early, tmp_path), "late_hours") == []


def test_a_pace_that_sags_towards_the_end(tmp_path: Path) -> None:
    day = DayBuilder()
    steady(day, 9 * 3600.0, 40, every=20)  # 15 characters a minute, 20 s pauses
    steady(day, 9 * 3600.0 + 40 * MIN + 60, 30, every=60)  # 5 a minute, 60 s pauses
    [signal] = named(signals(day, tmp_path), "slowing_down")
    assert signal.severity == 1.0
    assert (signal.evidence["first_median_pause_s"], signal.evidence["last_median_pause_s"]) == (
        20, 60)


def test_goal_drift(tmp_path: Path) -> None:
    day = DayBuilder()
    steady(day, 9 * 3600.0, 40)
    for i in range(3):
        day.commit(9 * 3600.0 + i * 600)
    goal = day.goal(11 * 3600.0, "kata", timebox=30 * MIN)
    steady(day, 11 * 3600.0, 40)
    day.end_goal(11 * 3600.0 + 40 * MIN, goal)
    found = {s.name: s for s in signals(day, tmp_path)}
    assert found["no_goal"].severity == pytest.approx(0.5)  # 40 of 80 minutes: 50 %
    assert found["untagged_commits"].severity == 1.0
    assert found["timebox_overrun"].evidence["active_s"] == 40 * MIN
    assert found["timebox_overrun"].severity == pytest.approx(0.5 + 0.5 * (4 / 3 - 1.25) / 0.75)
    assert not any(s.struggle for s in found.values())

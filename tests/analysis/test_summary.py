"""The daily summary read from a real store: every number checkable against the events."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from dptelemetry import hookimpl
from dptelemetry.analysis import baselines
from dptelemetry.analysis.builder import build_timeline
from dptelemetry.analysis.days import day_bounds
from dptelemetry.analysis.reader import read_timeline
from dptelemetry.analysis.signals import Section
from dptelemetry.analysis.summary import DaySummary, summarize_day
from dptelemetry.analysis.zones import Zone
from dptelemetry.config import load_config
from dptelemetry.store import migrations, open_store
from tests.analysis.builders import DAY, MIN, DayBuilder
from tests.analysis.test_strain_plugins import calm_day, teq_day

DESIGN_KEYS = {"date", "thresholds", "active_seconds", "sessions", "bursts", "pauses",
               "test_runs", "commits", "goals", "stuck_moments", "signals", "zone", "assisted"}


def summary_of(home: Path, *days: DayBuilder, toml: str = "") -> DaySummary:
    config_path = home.parent / "summary-config.toml"
    config_path.write_text(toml)
    with open_store(home) as store:
        for day in days:
            store.append(day.events)
        return summarize_day(store, days[-1].day, load_config(config_path), days[-1].tz)


def test_a_calm_day_in_numbers(dpt_home: Path) -> None:
    day = calm_day()
    day.edit(-1, inserted=3)  # yesterday: not part of this day
    summary = summary_of(dpt_home, day)
    assert summary.signals == ()
    assert summary.plugin_failures == ()
    [session] = summary.sessions
    assert session.active_seconds == 12 * 180 + 60  # goal start (09:59) to goal end
    assert summary.active_seconds == session.active_seconds
    assert (summary.test_runs.total, summary.test_runs.failed, summary.test_runs.green) == (
        24, 12, 12)
    assert summary.test_runs.longest_red_streak == 1
    assert summary.test_runs.median_time_to_green_s == 71
    assert summary.test_runs.error_quotient == 0
    assert (summary.commits.total, summary.commits.tagged) == (3, 3)
    assert summary.bursts.count == 24 and summary.bursts.inserted == 12 * (20 + 12)
    # within a cycle 57 s (t+3 to t+60), between cycles 118 s (t+62 to t+180)
    assert summary.pauses.bins == {"short": 0, "medium": 23, "long": 0, "break": 0}
    assert (summary.pauses.median_s, summary.pauses.p90_s, summary.pauses.max_s) == (57, 118,
                                                                                    118)
    [goal] = summary.goals
    assert (goal.title, goal.active_seconds, goal.commits) == ("bowling kata",
                                                               session.active_seconds, 3)
    assert summary.zone is Zone.LEARNING and session.zone.zone is Zone.LEARNING
    assert summary.stuck_moments == ()
    assert summary.assisted.count == 0


def test_to_dict_is_json_with_the_design_keys(dpt_home: Path) -> None:
    day = teq_day("xxxx")
    day.edit(700, inserted=500, assisted=True)
    data = summary_of(dpt_home, day).to_dict()
    assert set(data) >= DESIGN_KEYS
    assert {"count", "median_s", "p90_s", "max_s", "long", "bins"} <= set(data["pauses"])
    assert {"total", "failed", "longest_red_streak", "median_time_to_green_s"} <= set(
        data["test_runs"])
    assert {"total", "tagged"} <= set(data["commits"])
    assert data["date"] == "2024-05-06"
    assert data["zone"] == "panic"
    assert data["signals"][0]["start"].startswith("2024-05-06T00:1")
    assert data["signals"][0]["start"].endswith("+00:00")
    assert data["assisted"] == {"count": 1, "inserted": 500, "share": 500 / 620}
    assert json.loads(json.dumps(data)) == data


def test_a_raising_plugin_is_named_in_the_summary(dpt_home: Path,
                                                  installed_extras: Path) -> None:
    summary = summary_of(dpt_home, teq_day("xxxx"))
    assert ("raiser", "dpt_strain_signals") in {(f.plugin, f.hook)
                                                for f in summary.plugin_failures}
    assert {"test_error_quotient", "repeated_failure_density", "always"} <= {
        s.plugin for s in summary.signals}
    assert [s.severity for s in summary.signals] == sorted(
        (s.severity for s in summary.signals), reverse=True)


def past_days(pattern: str, count: int) -> list[DayBuilder]:
    """The `count` days before DAY, oldest first, each like teq_day(pattern)."""
    return [teq_day(pattern, DAY - timedelta(days=back)) for back in range(count, 0, -1)]


def test_a_week_of_history_sets_your_own_limits(dpt_home: Path) -> None:
    today = teq_day("xx-xx")  # TEQ 0.5: above the population's 0.36
    assert [s.name for s in summary_of(dpt_home, today).signals
            if s.name == "test_error_quotient"] == ["test_error_quotient"]
    summary = summary_of(dpt_home, *past_days("xxxx", 7), today)  # your TEQ is usually 1.0
    assert summary.baseline_days == 7
    assert "test_error_quotient" not in {s.name for s in summary.signals}


def counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    """The day (second argument) of every call of `module.name`, which still does its work."""
    calls: list[Any] = []
    real: Callable[..., Any] = getattr(module, name)

    def count(*args: Any, **kw: Any) -> Any:
        calls.append(args[1])
        return real(*args, **kw)

    monkeypatch.setattr(module, name, count)
    return calls


def counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    return counting(monkeypatch, baselines, "read_timeline")


def test_past_days_are_read_once_then_served_from_the_cache(
    dpt_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = past_days("xxxx", 3)
    today = teq_day("xx-xx")
    builds = counting_builds(monkeypatch)
    summary_of(dpt_home, *history, today)
    assert builds == [d.day for d in history]
    builds.clear()
    summary_of(dpt_home, today)
    assert builds == []
    late = history[1]
    late.events.clear()
    late.edit(12 * 3600.0)  # an event arrives late for that day
    builds.clear()
    summary_of(dpt_home, late, today)
    assert builds == [history[1].day]


def test_changing_a_threshold_recomputes_the_cache(
    dpt_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = past_days("xxxx", 2)
    today = teq_day("xx-xx")
    summary_of(dpt_home, *history, today)
    builds = counting_builds(monkeypatch)
    summary_of(dpt_home, today, toml="[thresholds]\nburst_gap = 3\n")
    assert builds == [d.day for d in history]


def test_a_day_with_no_events_has_an_empty_summary(dpt_home: Path) -> None:
    summary = summary_of(dpt_home, DayBuilder())
    assert (summary.sessions, summary.signals, summary.zone) == ((), (), None)
    assert summary.active_seconds == 0
    assert summary.pauses.median_s is None and summary.test_runs.error_quotient is None
    assert summary.to_dict()["zone"] is None


def test_the_store_migrates_to_the_metrics_cache_keeping_events(dpt_home: Path) -> None:
    day = calm_day()
    with open_store(dpt_home, target_version=2) as store:
        store.append(day.events)
        assert store.schema_version() == 2
    with open_store(dpt_home) as store:
        assert store.schema_version() == migrations.LATEST
        assert store.count() == len(day.events)
        assert summarize_day(store, day.day, load_config(), day.tz).test_runs.total == 24
        assert store.span_stamp(day.start, day.start + 24 * 3600) == len(day.events)


def test_active_time_is_summed_over_sessions(dpt_home: Path) -> None:
    day = DayBuilder()
    day.edits([0, 10 * MIN])
    day.edits([40 * MIN, 45 * MIN])
    assert summary_of(dpt_home, day).active_seconds == 15 * MIN


def test_a_zone_plugin_replaces_the_default_rule_in_the_summary(dpt_home: Path) -> None:
    from dptelemetry.plugins import get_plugin_manager
    from tests.analysis.test_plugins import FirstZone

    day = teq_day("xxxx")
    config = load_config()
    manager = get_plugin_manager(config)
    manager.register(FirstZone(), name="first_zone")
    with open_store(dpt_home) as store:
        store.append(day.events)
        summary = summarize_day(store, day.day, config, day.tz, manager=manager)
    [session] = summary.sessions
    assert (session.zone.zone, session.zone.by) == (Zone.COMFORT, "first_zone")
    assert summary.zone is Zone.COMFORT


def test_the_fast_store_reader_gives_the_timeline_of_the_plain_builder(dpt_home: Path) -> None:
    rng = random.Random(7)
    with open_store(dpt_home) as store:
        for n in range(30):
            day = DayBuilder(day=DAY + timedelta(days=n))
            t = rng.uniform(0, 3600) // 1
            for _ in range(rng.randint(0, 300)):
                t += rng.choice([0.5, 1, 2, 4.5, 5, 30, 150, 1000])
                roll = rng.random()
                if roll < 0.8:
                    day.edit(t, inserted=rng.randint(0, 3), deleted=rng.randint(0, 1),
                             path=rng.choice(["a.py", "b.py"]), line=rng.randint(0, 5),
                             assisted=rng.choice([False, False, True, None]))
                elif roll < 0.9:
                    day.red(t, rng.choice(["t1", "t2"]), duration=rng.choice([0.5, 3]))
                elif roll < 0.95:
                    day.green(t)
                else:
                    day.add(rng.choice(["open", "save", "stuck"]), t, path="c.py")
            store.append(day.events)
            start, end = day_bounds(day.day, day.tz)
            plain = build_timeline(store.events_between(start, end), day.thresholds, day.day,
                                   day.tz)
            assert read_timeline(store, day.day, day.thresholds, day.tz) == plain


ODD_EDIT_PAYLOADS: list[dict[str, Any]] = [
    {"inserted": 2.7, "deleted": 1},  # a float count: truncated, as edit_from does
    {"inserted": True, "deleted": 0},  # a bool is not a count
    {"inserted": 250, "deleted": 0},  # no verdict on assisted: judged by today's limit
    {"inserted": 3, "lines": 0},  # at least one line
    {"inserted": 3, "line": 3.0, "lines": -2},  # a float line is no line
    {"inserted": 1, "line": None, "assisted": None},
    {},
    {"inserted": 1, "deleted": 0, "line": 4, "lines": 1, "assisted": 1, "extra": [1, 2]},
    {"inserted": "12", "deleted": 10**30},  # exact, however large
    {"inserted": float("nan"), "deleted": float("inf")},  # JSON's NaN: no count, no crash
]


@pytest.mark.parametrize("odd", ODD_EDIT_PAYLOADS)
def test_the_fast_store_reader_decides_odd_payloads_as_the_plain_builder(
        dpt_home: Path, odd: dict[str, Any]) -> None:
    day = DayBuilder()
    day.edit(10, inserted=2, line=1)
    day.add("edit", 11, path="a.py", **odd)
    day.edit(12, inserted=300, assisted=None)
    with open_store(dpt_home) as store:
        store.append(day.events)
        start, end = day_bounds(day.day, day.tz)
        plain = build_timeline(store.events_between(start, end), day.thresholds, day.day,
                               day.tz)
        fast = read_timeline(store, day.day, day.thresholds, day.tz)
    assert fast == plain
    assert [tuple(map(type, e)) for e in fast.edits] == [
        tuple(map(type, e)) for e in plain.edits]  # True stays a bool, not 1
    assert [e.assisted for e in fast.edits] == [False, plain.edits[1].assisted, True]


def test_edits_that_reach_the_reader_out_of_order_are_read_again_in_order(
        dpt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dptelemetry.store.db import KindColumns, Store

    day = DayBuilder()
    day.edit(10, path="a.py")
    day.edit(20, path="b.py")
    day.green(30)

    def reversed_columns(store: Store, start: float, end: float,
                         kind: str) -> tuple[KindColumns, list[Any]]:
        columns, others = real(store, start, end, kind)
        return KindColumns(*(json.dumps(json.loads(text)[::-1]) for text in columns)), others

    real = Store.split_between
    monkeypatch.setattr(Store, "split_between", reversed_columns)
    with open_store(dpt_home) as store:
        store.append(day.events)
        timeline = read_timeline(store, day.day, day.thresholds, day.tz)
    assert [(e.ts, e.path) for e in timeline.edits] == [(day.at(10), "a.py"),
                                                         (day.at(20), "b.py")]
    assert [e.kind for e in timeline.events] == ["test_run"]


class RunCount:
    @hookimpl
    def dpt_summary_sections(self, timeline: Any, signals: Any) -> list[Section]:
        return [Section("run_count", "Test runs by outcome",
                        lines=(f"{len(timeline.runs)} runs, {len(signals)} signals",),
                        data={"runs": len(timeline.runs)})]


class BrokenSection:
    @hookimpl
    def dpt_summary_sections(self) -> list[Section]:
        raise ValueError("no section today")


def test_plugins_add_summary_sections(dpt_home: Path) -> None:
    from dptelemetry.plugins import get_plugin_manager

    day = teq_day("xxxx")
    config = load_config()
    manager = get_plugin_manager(config)
    manager.register(RunCount(), name="run_count")
    manager.register(BrokenSection(), name="broken_section")
    with open_store(dpt_home) as store:
        store.append(day.events)
        summary = summarize_day(store, day.day, config, day.tz, manager=manager)
    [section] = summary.sections
    assert section.lines == (f"4 runs, {len(summary.signals)} signals",)
    assert summary.to_dict()["sections"] == [{
        "key": "run_count", "title": "Test runs by outcome",
        "lines": [section.lines[0]], "data": {"runs": 4}}]
    assert [(f.plugin, f.hook, f.error) for f in summary.plugin_failures] == [
        ("broken_section", "dpt_summary_sections", "ValueError: no section today")]

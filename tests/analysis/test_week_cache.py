"""A week view summarizes six earlier days; each day's row is kept in the store and reused
only while nothing that shaped it changed: its events, its baselines' days, its goals, the
thresholds."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from dptelemetry.analysis import week
from dptelemetry.analysis.summary import summarize_day
from dptelemetry.analysis.week import WeekSummary, summarize_week, week_of
from dptelemetry.config import load_config
from dptelemetry.plugins import get_plugin_manager
from dptelemetry.store import migrations, open_store
from tests.analysis.builders import DAY, DayBuilder
from tests.analysis.test_strain_plugins import calm_day, teq_day
from tests.analysis.test_summary import counting

WEEK = [DAY - timedelta(days=back) for back in range(6, -1, -1)]
DAY_TZ = DayBuilder().tz


def a_week() -> list[DayBuilder]:
    days = [teq_day("xx-xx" if n % 2 else "xxxx", day) for n, day in enumerate(WEEK)]
    days[-1] = calm_day()
    return days


def counting_summaries(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    return counting(monkeypatch, week, "summarize_day")


def stored(home: Path, days: list[DayBuilder]) -> None:
    with open_store(home) as store:
        for day in days:
            store.append(day.events)


def both_ways(home: Path, toml: str = "") -> tuple[WeekSummary, WeekSummary]:
    """The week as summarize_week gives it, and summarized afresh day by day."""
    config_path = home.parent / "week-config.toml"
    config_path.write_text(toml)
    config = load_config(config_path)
    manager = get_plugin_manager(config)
    with open_store(home) as store:
        served = summarize_week(store, DAY, config, DAY_TZ, manager)
        fresh = week_of([summarize_day(store, day, config, DAY_TZ, manager) for day in WEEK])
    return served, fresh


def test_past_days_are_summarized_once_then_served_from_the_store(
        dpt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored(dpt_home, a_week())
    summaries = counting_summaries(monkeypatch)
    served, fresh = both_ways(dpt_home)
    assert summaries == WEEK
    assert served == fresh
    assert {s.name for s in served.signals} >= {"test_error_quotient"}  # the rows carry signals
    summaries.clear()
    served, fresh = both_ways(dpt_home)
    assert summaries == []
    assert served == fresh


def test_a_late_event_recomputes_its_day_and_the_days_whose_baselines_hold_it(
        dpt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored(dpt_home, a_week())
    both_ways(dpt_home)
    late = DayBuilder(day=WEEK[3])
    late.red(5 * 3600.0, "test_late")
    stored(dpt_home, [late])
    summaries = counting_summaries(monkeypatch)
    served, fresh = both_ways(dpt_home)
    assert summaries == WEEK[3:]
    assert served == fresh


def test_ending_a_goal_recomputes_the_days_it_was_active(
        dpt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    days = a_week()
    goal = days[2].goal(60.0, "spares", timebox=60.0)  # still open: it runs over every day
    stored(dpt_home, days[:-1])
    before, _ = both_ways(dpt_home)
    ended = DayBuilder(day=DAY)
    ended.end_goal(23 * 3600.0, goal)  # tonight: the earlier days' overrun now ends later
    stored(dpt_home, [ended])
    summaries = counting_summaries(monkeypatch)
    served, fresh = both_ways(dpt_home)
    assert summaries == WEEK[2:]  # its days, and today
    assert served == fresh
    assert served.signals != before.signals


def test_changing_a_threshold_recomputes_every_day(
        dpt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored(dpt_home, a_week())
    both_ways(dpt_home)
    summaries = counting_summaries(monkeypatch)
    served, fresh = both_ways(dpt_home, toml="[thresholds]\nburst_gap = 3\n")
    assert summaries == WEEK
    assert served == fresh


def test_a_row_that_does_not_decode_is_summarized_again(
        dpt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored(dpt_home, a_week())
    both_ways(dpt_home)
    with open_store(dpt_home) as store:
        store._conn.execute("UPDATE day_trends SET trend = '{\"trend\": 1}'")
    summaries = counting_summaries(monkeypatch)
    served, fresh = both_ways(dpt_home)
    assert summaries == WEEK
    assert served == fresh


def test_the_store_migrates_to_the_week_cache_keeping_events_and_metrics(
        dpt_home: Path) -> None:
    day = calm_day()
    with open_store(dpt_home, target_version=3) as store:
        store.append(day.events)
        store.save_day_metrics(day.start, day.start + 86400, "k", 7, {"teq": [0.5]})
    with open_store(dpt_home) as store:
        assert store.schema_version() == migrations.LATEST
        assert store.count() == len(day.events)
        assert store.cached_day_metrics(day.start, day.start + 86400, "k", 7) == {"teq": [0.5]}
        assert store.cached_day_trend(day.start, day.start + 86400, "k", 7) is None
        store.save_day_trend(day.start, day.start + 86400, "k", 7, "{}")
        assert store.cached_day_trend(day.start, day.start + 86400, "k", 7) == "{}"
        assert store.cached_day_trend(day.start, day.start + 86400, "k", 8) is None

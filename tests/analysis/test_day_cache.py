"""Finished days are kept as what they summarize to, and served only while nothing that
shaped them changed: their events, their baselines' days, their goals (drills and attempt
numbers too), the thresholds. A week view, `dpt drill show` and `dpt progress` read days this
way; a day that has not ended is summarized afresh every time."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from dptelemetry import hookimpl
from dptelemetry.analysis import summary as summary_module
from dptelemetry.analysis.day_cache import DayCache, DayFigures, digest_of
from dptelemetry.analysis.summary import summarize_day
from dptelemetry.analysis.week import WeekSummary, week_day, week_ending, week_from
from dptelemetry.config import load_config
from dptelemetry.events import Event
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
    return counting(monkeypatch, summary_module, "summarize_day")


def stored(home: Path, days: list[DayBuilder]) -> None:
    with open_store(home) as store:
        for day in days:
            store.append(day.events)


def both_ways(home: Path, toml: str = "") -> tuple[WeekSummary, WeekSummary]:
    """The week as week_ending gives it through the cache, and summarized afresh day by
    day."""
    config_path = home.parent / "week-config.toml"
    config_path.write_text(toml)
    config = load_config(config_path)
    manager = get_plugin_manager(config)
    with open_store(home) as store:
        served = week_ending(DayCache(store, config, DAY_TZ, manager), DAY)
        fresh = week_from([week_day(summarize_day(store, day, config, DAY_TZ, manager))
                           for day in WEEK])
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


def test_a_served_summary_equals_a_fresh_one_with_what_renderers_draw(
        dpt_home: Path) -> None:
    stored(dpt_home, a_week())
    config = load_config()
    with open_store(dpt_home) as store:
        first = DayCache(store, config, DAY_TZ)
        made = first.summary(DAY)
        again = DayCache(store, config, DAY_TZ)
        served = again.summary(DAY)
    assert first.summarized == [DAY] and again.summarized == []
    assert served == made and served.tz is DAY_TZ
    assert made.timeline is not None and served.timeline is not None
    for part in ("bursts", "pauses", "runs", "red_streaks", "commits", "stuck", "goals"):
        assert getattr(served.timeline, part) == getattr(made.timeline, part), part
    assert served.timeline.tz is DAY_TZ
    assert [(s.start, s.end) for s in served.timeline.sessions] == [
        (s.start, s.end) for s in made.timeline.sessions]


def test_a_day_that_has_not_ended_is_never_kept(dpt_home: Path) -> None:
    stored(dpt_home, [calm_day()])
    config = load_config()
    start = DayBuilder().start
    with open_store(dpt_home) as store:
        for _ in range(2):
            cache = DayCache(store, config, DAY_TZ, now=start + 20 * 3600)
            cache.summary(DAY)
            assert cache.summarized == [DAY]
        assert store._conn.execute("SELECT count(*) FROM day_summaries").fetchone()[0] == 0
        ended = DayCache(store, config, DAY_TZ, now=start + 24 * 3600)
        ended.summary(DAY)
        assert store._conn.execute("SELECT count(*) FROM day_summaries").fetchone()[0] == 1


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


def test_an_attempt_numbered_anew_recomputes_the_days_that_name_it(
        dpt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An earlier attempt imported from another machine makes Friday's attempt the second."""
    friday = DayBuilder(day=WEEK[4])
    goal = friday.goal(9 * 3600.0, "kata", drill="bowling")
    friday.end_goal(10 * 3600.0, goal)
    stored(dpt_home, [friday])
    config = load_config()
    with open_store(dpt_home) as store:
        [work] = DayCache(store, config, DAY_TZ).summary(WEEK[4]).goals
        assert (work.drill, work.attempt) == ("bowling", 1)
    earlier = DayBuilder(day=WEEK[0])
    first = earlier.goal(9 * 3600.0, "kata", drill="Bowling")
    earlier.end_goal(10 * 3600.0, first)
    stored(dpt_home, [earlier])
    with open_store(dpt_home) as store:
        cache = DayCache(store, config, DAY_TZ)
        [work] = cache.summary(WEEK[4]).goals
        assert (work.drill, work.attempt) == ("bowling", 2)
        assert cache.summarized == [WEEK[4]]


@pytest.mark.parametrize("toml", ["[thresholds]\nburst_gap = 3\n",
                                  "[thresholds]\nlearning_red_share = 0.5\n",
                                  '[thresholds]\npanic_open_red = "10m"\n',
                                  "[plugins.test_error_quotient]\nwarn = 0.3\n",
                                  '[plugins]\ndisabled = ["fatigue"]\n'])
def test_a_changed_threshold_or_plugin_recomputes_every_day(
        dpt_home: Path, monkeypatch: pytest.MonkeyPatch, toml: str) -> None:
    stored(dpt_home, a_week())
    both_ways(dpt_home)
    summaries = counting_summaries(monkeypatch)
    served, fresh = both_ways(dpt_home, toml=toml)
    assert summaries == WEEK
    assert served == fresh


def test_a_plugin_edited_without_a_new_release_recomputes_every_day(
        dpt_home: Path, monkeypatch: pytest.MonkeyPatch, installed_extras: Path) -> None:
    """An editable install or a checkout on the path: the code changes, the release not."""
    stored(dpt_home, a_week())
    toml = '[plugins]\ndisabled = ["raiser", "broken", "typo", "wrong_type"]\n'
    both_ways(dpt_home, toml=toml)
    summaries = counting_summaries(monkeypatch)
    both_ways(dpt_home, toml=toml)
    assert summaries == []  # kept
    always = installed_extras / "strain_extras" / "always.py"
    always.write_text(always.read_text().replace("always there", "always here, edited"))
    served, fresh = both_ways(dpt_home, toml=toml)
    assert summaries == WEEK
    assert served == fresh


def test_a_kept_day_is_served_without_loading_plugins(
        dpt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored(dpt_home, a_week())
    both_ways(dpt_home, toml='[plugins]\ndisabled = ["fatigue"]\n')
    made: list[object] = []
    monkeypatch.setattr("dptelemetry.plugins.get_plugin_manager",
                        made.append)  # a cache hit needs no manager
    with open_store(dpt_home) as store:
        cache = DayCache(store, load_config(dpt_home.parent / "week-config.toml"), DAY_TZ)
        cache.summary(WEEK[0])
    assert made == [] and cache.plugin_failures == []


def test_a_row_that_does_not_decode_is_summarized_again(
        dpt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored(dpt_home, a_week())
    both_ways(dpt_home)
    with open_store(dpt_home) as store:
        store._conn.execute("UPDATE day_summaries SET summary = '{\"date\": 1}'")
    summaries = counting_summaries(monkeypatch)
    served, fresh = both_ways(dpt_home)
    assert summaries == WEEK
    assert served == fresh


def test_the_store_migrates_to_the_day_cache_keeping_events_and_metrics(
        dpt_home: Path) -> None:
    day = calm_day()
    with open_store(dpt_home, target_version=4) as store:
        store.append(day.events)
        store.save_day_metrics(day.start, day.start + 86400, "k", 7, {"teq": [0.5]})
    with open_store(dpt_home) as store:
        assert store.schema_version() == migrations.LATEST == 6
        assert store.count() == len(day.events)
        assert store.cached_day_metrics(day.start, day.start + 86400, "k", 7) == {"teq": [0.5]}
        assert store.cached_day_summary(day.start, day.start + 86400, "k", 7) is None
        store.save_day_summary(day.start, day.start + 86400, "k", 7, "{}", "[]", "0")
        assert store.cached_day_summary(day.start, day.start + 86400, "k", 7) == "{}"
        assert store.cached_day_summary(day.start, day.start + 86400, "k", 7, "digest") == "[]"
        assert store.cached_day_summary(day.start, day.start + 86400, "k", 7, "figures") == "0"
        assert store.cached_day_summary(day.start, day.start + 86400, "k", 8) is None
        tables = {r[0] for r in store._conn.execute("SELECT name FROM sqlite_master")}
        assert "day_trends" not in tables


def test_drill_renames_are_read_through_the_goal_history_index(dpt_home: Path) -> None:
    now = time.time()
    with open_store(dpt_home) as store:
        store.append([Event(kind="drill_rename", ts=now, source="cli",
                            payload={"from": "a", "to": "b"})])
        [rename] = store.goal_history()
        plan = " ".join(str(row) for row in store._conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM events WHERE kind IN "
            "('goal_start', 'goal_end', 'drill_rename') ORDER BY ts_ms, id"))
    assert rename.kind == "drill_rename"
    assert "events_goal_history" in plan


def test_drills_and_progress_read_each_kept_day_as_its_digest(dpt_home: Path) -> None:
    """The digest kept beside a day's summary is the one made from it afresh; progress's
    part of it is the same figures; a day without events is never summarized."""
    stored(dpt_home, a_week())
    config = load_config()
    with open_store(dpt_home) as store:
        made = {day: digest_of(summarize_day(store, day, config, DAY_TZ)) for day in WEEK}
        DayCache(store, config, DAY_TZ).digest(DAY)  # summarizes and keeps it
        cache = DayCache(store, config, DAY_TZ)
        assert cache.digest(DAY) == made[DAY]
        figures = cache.figures(DAY)
        assert (figures.active_seconds, figures.sessions, figures.times_to_green,
                figures.eq_pairs, figures.eq_total) == (
            made[DAY].active_seconds, made[DAY].sessions, made[DAY].times_to_green,
            made[DAY].eq_pairs, made[DAY].eq_total)
        empty = DAY + timedelta(days=30)
        assert cache.figures(empty) == DayFigures(empty)
        assert cache.summarized == []
    teq = made[WEEK[1]]  # xx-xx: 5 changed runs, EQ (11 + 0 + 0 + 11) / 11 / 4
    assert (teq.eq_pairs, teq.eq_total) == (4, pytest.approx(0.5 * 4))


class FailsOnOneDay:
    """A third-party plugin that raises on one day only."""

    def __init__(self, day: date) -> None:
        self.day = day

    @hookimpl
    def dpt_strain_signals(self, timeline: Any) -> list[Any]:
        if timeline.day == self.day:
            raise RuntimeError(f"boom on {self.day}")
        return []


def test_a_plugin_failure_belongs_to_its_day_and_a_day_is_summarized_once(
        dpt_home: Path) -> None:
    """One manager summarizes many days (a week, progress, drills): a failure on one day
    was blamed on every later one, and kept them all from being kept; a day that is not
    kept was summarized again for its summary, its digest and its figures."""
    stored(dpt_home, a_week())
    config = load_config()
    manager = get_plugin_manager(config)
    manager.register(FailsOnOneDay(WEEK[0]), name="fails_once")
    with open_store(dpt_home) as store:
        cache = DayCache(store, config, DAY_TZ, manager)
        failed, after = cache.summary(WEEK[0]), cache.summary(WEEK[1])
        cache.digest(WEEK[0])
        cache.figures(WEEK[0])
        assert cache.summarized == [WEEK[0], WEEK[1]]
        assert [f.error for f in failed.plugin_failures] == [f"RuntimeError: boom on {WEEK[0]}"]
        assert after.plugin_failures == ()
        again = DayCache(store, config, DAY_TZ, manager)
        again.summary(WEEK[1])
        assert again.summarized == []  # kept the first time

"""The next-session recommendation changes one lever, chosen from the strongest signal or,
without one, from the day's zone; and the week's from its most frequent signal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from dptelemetry.analysis.next_session import next_session
from dptelemetry.analysis.signals import Lever
from dptelemetry.analysis.week import week_day, week_from
from tests.analysis.builders import DAY, MIN, DayBuilder
from tests.analysis.test_strain_plugins import calm_day, teq_day
from tests.analysis.test_summary import summary_of


def test_the_strongest_signal_decides(dpt_home: Path) -> None:
    summary = summary_of(dpt_home, teq_day("xxxx-x"))
    rec = next_session(summary)
    assert rec is not None
    top = summary.signals[0]
    assert (rec.lever, rec.text, rec.source) == (top.suggestion.lever, top.suggestion.text,
                                                 top.name)
    assert rec.because.startswith(f"{top.name} (strong): {top.summary}")


def test_learning_without_signals_asks_for_a_longer_block(dpt_home: Path) -> None:
    summary = summary_of(dpt_home, calm_day())  # 37 minutes, learning, no signal
    rec = next_session(summary)
    assert rec is not None and rec.lever is Lever.TIME_BLOCK
    assert rec.source == "zone:learning"
    assert "plan a 1h15m time block" in rec.text  # the 60m box + 15m, up to whole 5 min
    assert rec.because.startswith("100% of active time in the learning zone")


def test_comfort_asks_for_a_harder_task(dpt_home: Path) -> None:
    day = DayBuilder()
    day.edits([600 + 10 * k for k in range(30)], inserted=4)
    rec = next_session(summary_of(dpt_home, day))
    assert rec is not None and (rec.lever, rec.source) == (Lever.DIFFICULTY, "zone:comfort")
    assert rec.text.startswith("Raise the difficulty")


def test_no_activity_no_recommendation(dpt_home: Path) -> None:
    assert next_session(summary_of(dpt_home, DayBuilder())) is None


def test_the_week_follows_the_signal_seen_on_most_days(dpt_home: Path) -> None:
    days = [summary_of(dpt_home, teq_day("xx-xx", DAY - timedelta(days=back)))
            for back in (2, 1)]
    days.append(summary_of(dpt_home, calm_day()))
    week = week_from([week_day(d) for d in days])
    [first, *_] = week.tallies()
    assert (first.name, first.days, first.times) == ("test_error_quotient", 2, 2)
    rec = week.next_session()
    assert rec is not None and rec.source == "test_error_quotient"
    assert "on 2 of 3 days" in rec.because
    assert [d.zone.value if d.zone else None for d in week.days] == ["learning", "learning",
                                                                    "learning"]
    assert week.active_seconds == sum(d.active_seconds for d in days)


def test_longest_pauses_name_their_files(dpt_home: Path) -> None:
    day = DayBuilder()
    day.edit(0, path="a.py")
    day.edit(1, path="b.py")           # burst 1 ends in b.py
    day.edit(1 + 5 * MIN, path="c.py")  # a 5-minute pause, then c.py
    day.edit(2 + 5 * MIN, path="d.py")
    day.edit(2 + 6 * MIN, path="e.py")  # a 1-minute pause from d.py
    spots = summary_of(dpt_home, day).pauses.longest
    assert [(s.seconds, s.path_before, s.path_after, s.bin.value) for s in spots] == [
        (300, "b.py", "c.py", "long"), (60, "d.py", "e.py", "medium")]

"""The default zone rule on sessions and signals whose numbers are known."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dptelemetry.analysis.signals import Lever, Signal, Suggestion, Threshold
from dptelemetry.analysis.timeline import Session
from dptelemetry.analysis.zones import Zone, classify, day_zone
from dptelemetry.config import Thresholds
from tests.analysis.builders import MIN, DayBuilder
from tests.analysis.test_summary import summary_of


def signal(name: str, start: float, severity: float = 0.5, struggle: bool = True) -> Signal:
    return Signal(name=name, severity=severity, start=start, end=start + 60, summary=name,
                  evidence={}, threshold=Threshold(name, 1, 1, "test"),
                  suggestion=Suggestion(Lever.FEEDBACK, "x"), struggle=struggle)


def session_with(pattern: str, spacing: float = 60) -> tuple[DayBuilder, Session]:
    """Runs one a minute from 09:00: r red, g green, with an edit before each."""
    day = DayBuilder()
    for i, mark in enumerate(pattern):
        t = 9 * 3600 + i * spacing
        day.edit(t - 10, inserted=5)
        day.red(t) if mark == "r" else day.green(t)
    [session] = day.timeline().sessions
    return day, session


def test_all_green_and_no_signal_is_comfort() -> None:
    _, session = session_with("ggggg")
    verdict = classify(session, [])
    assert verdict.zone is Zone.COMFORT
    assert verdict.reason == "0 of 5 runs red (0%), no struggle signal"
    assert verdict.numbers["red_share"] == 0


def test_a_fifth_of_runs_red_is_learning() -> None:
    _, session = session_with("gggrg")
    verdict = classify(session, [])
    assert verdict.zone is Zone.LEARNING
    assert verdict.reason == ("1 of 5 runs red (20%), 1 of 1 red stretches back to green "
                              "(median 1m); no struggle signal")
    _, fewer = session_with("ggggrg")  # 1 of 6 is under 20 %
    assert classify(fewer, []).zone is Zone.COMFORT


def test_one_strain_signal_makes_learning_and_a_strong_one_panic() -> None:
    _, session = session_with("ggggg")
    assert classify(session, [signal("churn", session.start)]).zone is Zone.LEARNING
    verdict = classify(session, [signal("churn", session.start, severity=1.0)])
    assert verdict.zone is Zone.PANIC
    assert verdict.reason == "strong signal churn: churn"


def test_two_different_signals_within_30_minutes_are_panic() -> None:
    _, session = session_with("g" * 40)
    near = [signal("churn", session.start), signal("file_thrash", session.start + 29 * MIN)]
    verdict = classify(session, near)
    assert verdict.zone is Zone.PANIC
    assert verdict.reason == "two struggle signals 29m apart: churn and file_thrash"
    far = [signal("churn", session.start), signal("file_thrash", session.start + 30 * MIN)]
    assert classify(session, far).zone is Zone.LEARNING
    same = [signal("churn", session.start), signal("churn", session.start + 60)]
    assert classify(session, same).zone is Zone.LEARNING


def test_signals_that_are_not_about_difficulty_do_not_count() -> None:
    _, session = session_with("ggggg")
    tired = [signal("long_stretch", session.start, severity=1.0, struggle=False)]
    assert classify(session, tired).zone is Zone.COMFORT


def test_signals_outside_the_session_do_not_count() -> None:
    _, session = session_with("ggggg")
    assert classify(session, [signal("churn", session.end + 1, 1.0)]).zone is Zone.COMFORT


def test_a_red_stretch_still_open_after_30_minutes_is_panic() -> None:
    _, session = session_with("g" + "r" * 31)
    verdict = classify(session, [])
    assert verdict.zone is Zone.PANIC
    assert verdict.numbers["open_red_s"] == 30 * MIN + 1
    _, shorter = session_with("g" + "r" * 30)
    assert classify(shorter, []).zone is Zone.LEARNING


def test_the_day_takes_the_zone_that_held_most_active_time() -> None:
    day = DayBuilder()
    day.edits([0, 600])  # 10 minutes
    day.edits([3000, 3600, 4200])  # 20 minutes
    sessions = day.timeline().sessions
    verdicts = [classify(s, []) for s in sessions]
    assert day_zone(sessions, verdicts) is Zone.COMFORT
    panic = classify(sessions[1], [signal("x", sessions[1].start, 1.0)])
    assert day_zone(sessions, [verdicts[0], panic]) is Zone.PANIC
    assert day_zone((), []) is None


def test_signals_on_the_same_runs_count_once(tmp_path: Path) -> None:
    """Four reruns of one failing test within 61 s, nothing edited between: the rerun chain
    and the repeated failure are one behaviour, not two signals 0 s apart."""
    day = DayBuilder()
    day.edit(9 * 3600 - 30, inserted=20)
    for i in range(4):
        day.red(9 * 3600 + 20 * i, "test_x")
    summary = summary_of(tmp_path / "home", day)
    starts = tuple(day.at(9 * 3600 + 20 * i) for i in range(4))
    assert [(s.name, s.runs) for s in summary.signals] == [
        ("rerun_without_edits", starts), ("repeated_failure_density", starts)]
    verdict = summary.sessions[0].zone
    assert verdict.zone is Zone.LEARNING  # was panic: "two strain signals 0s apart"
    assert verdict.reason == (
        "4 of 4 runs red (100%), 0 of 1 red stretches back to green; struggle signals "
        "rerun_without_edits and repeated_failure_density, counted as 1: signals on the "
        "same test runs count once")
    assert (verdict.numbers["struggle_signals"], verdict.numbers["struggle_counted"]) == (2, 1)


def test_signals_on_different_runs_still_pair() -> None:
    _, session = session_with("g" * 40)
    first = replace(signal("churn", session.start), runs=(session.start,))
    other = replace(signal("file_thrash", session.start + 60), runs=(session.start + 60,))
    assert classify(session, [first, other]).zone is Zone.PANIC
    shared = replace(other, runs=(session.start + 60, session.start))
    assert classify(session, [first, shared]).zone is Zone.LEARNING


def test_a_signal_on_every_run_does_not_fold_two_stretches_into_one() -> None:
    """An EQ rests on every run of the session: it shares runs with a red stretch early and
    a rerun chain late, but those two share none and still make panic; more evidence of
    strain never makes a milder zone."""
    _, session = session_with("g" * 12)
    runs = tuple(r.start for r in session.runs)
    early = replace(signal("red_stretch", runs[0]), runs=runs[0:4])
    late = replace(signal("rerun_without_edits", runs[5]), runs=runs[5:9])
    eq = replace(signal("test_error_quotient", runs[0]), runs=runs)
    for signals in ([early, late], [early, late, eq]):
        verdict = classify(session, signals)
        assert verdict.zone is Zone.PANIC, signals
        assert verdict.reason.startswith("two struggle signals 5m apart: red_stretch and "
                                         "rerun_without_edits")
    assert classify(session, [early, late, eq]).numbers["struggle_counted"] == 2


def test_the_zone_limits_come_from_the_thresholds() -> None:
    _, session = session_with("gggrg")  # 1 of 5 runs red: 20 %
    assert classify(session, [], Thresholds(learning_red_share=0.25)).zone is Zone.COMFORT
    _, red = session_with("g" + "r" * 12)  # red for 11 min 1 s at the session's end
    assert classify(red, []).zone is Zone.LEARNING
    verdict = classify(red, [], Thresholds(panic_open_red=660))
    assert verdict.zone is Zone.PANIC and verdict.reason.startswith("still red 11m after")
    _, wide = session_with("g" * 40)
    apart = [signal("churn", wide.start), signal("file_thrash", wide.start + 35 * MIN)]
    assert classify(wide, apart).zone is Zone.LEARNING
    assert classify(wide, apart, Thresholds(panic_signal_window=36 * MIN)).zone is Zone.PANIC


def test_the_day_the_week_and_a_drill_attempt_break_a_tie_alike() -> None:
    """Two comfort sessions of 5 minutes against one learning session of 10: the same time,
    so each goes to the harder zone (the day once preferred the zone with more sessions)."""
    from dptelemetry.analysis.drills import Attempt, retune
    from dptelemetry.analysis.summary import TestRunStats
    from dptelemetry.analysis.week import DayTrend, WeekSummary
    from dptelemetry.goals import Goal

    day = DayBuilder()
    day.edits([0, 300])
    day.edits([1800, 2100])
    day.edits([3600, 4200])
    sessions = day.timeline().sessions
    assert [s.active_seconds for s in sessions] == [300, 300, 600]
    comfort = classify(sessions[0], [])
    learning = classify(sessions[2], [signal("x", sessions[2].start)])
    assert learning.zone is Zone.LEARNING
    assert day_zone(sessions, [comfort, comfort, learning]) is Zone.LEARNING

    seconds = {"comfort": 600.0, "learning": 600.0, "panic": 0.0}
    trend = DayTrend(day.day, 1200, seconds, None, 3, 0, 0, 0, (), 0.0, 0)
    assert WeekSummary((trend,), (), 0.0, 0.0).zone is Zone.LEARNING
    goal = Goal("g", "kata", 0.0, ended=1200.0, rating=2, drill="kata", attempt=1)
    attempt = Attempt(goal, 1200.0, 1200.0, seconds, TestRunStats(0, 0, 0, 0, 0, None, None, 0),
                      None, (), (), 0)
    advice = retune(attempt)
    assert advice is not None and advice.source == "zone:learning"

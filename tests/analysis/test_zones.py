"""The default zone rule on sessions and signals whose numbers are known."""

from __future__ import annotations

from dptelemetry.analysis.signals import Lever, Signal, Suggestion, Threshold
from dptelemetry.analysis.timeline import Session
from dptelemetry.analysis.zones import Zone, classify, day_zone
from tests.analysis.builders import MIN, DayBuilder


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
    assert verdict.reason == "0 of 5 runs red (0%), no strain signal"
    assert verdict.numbers["red_share"] == 0


def test_a_fifth_of_runs_red_is_learning() -> None:
    _, session = session_with("gggrg")
    verdict = classify(session, [])
    assert verdict.zone is Zone.LEARNING
    assert verdict.reason == ("1 of 5 runs red (20%), 1 of 1 red stretches back to green "
                              "(median 1m); no strain signal")
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
    assert verdict.reason == "two strain signals 29m apart: churn and file_thrash"
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

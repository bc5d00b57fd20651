"""The live-feedback modules on their own, with a clock the test sets: minutes of practice
(one progress report a minute, the 20-minute nudge interval, a 20-minute red stretch) run in
microseconds. The end-to-end behaviour is in test_feedback.py."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from dptelemetry_plugins.stuck_stretches import PAUSE_AFTER_RED_TRY, RED_STRETCH_TRY

from dptelemetry.analysis.signals import Moment, NudgeRule
from dptelemetry.analysis.timeline import TestRun
from dptelemetry.capture.lsp.active_goal import ActiveGoal
from dptelemetry.capture.lsp.feedback.loop import FeedbackLoop
from dptelemetry.capture.lsp.feedback.nudges import StrainWatch, active_seconds
from dptelemetry.capture.lsp.feedback.runs import LONGEST_RUN, LOOKBACK, RunFeed
from dptelemetry.capture.lsp.feedback.session_view import session_text
from dptelemetry.capture.lsp.feedback.timebox import ProgressView, progress_view
from dptelemetry.config import Config, Feedback, Thresholds, load_config
from dptelemetry.events import Event
from dptelemetry.goal_file import ACTIVE_GOAL_FILE, GoalFile, goal_file_text
from dptelemetry.plugins import get_plugin_manager
from dptelemetry.store import open_store
from tests.analysis.builders import MIN, DayBuilder

T0 = 1_700_000_000.0


@dataclass
class Recorded:
    """A Channel and an EventSink that keep what they were given."""

    calls: list[tuple[str, str, object]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def begin(self, token: str, view: ProgressView) -> None:
        self.calls.append(("begin", token, view))

    def report(self, token: str, view: ProgressView) -> None:
        self.calls.append(("report", token, view))

    def end(self, token: str) -> None:
        self.calls.append(("end", token, None))

    def show(self, text: str) -> None:
        self.calls.append(("show", "", text))

    def put(self, event: Event) -> None:
        self.events.append(event)

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.calls]


G1, G2 = "a1" * 16, "b2" * 16
"""Goal ids as the goal file holds them: 32 hex digits."""


def write_goal(home: Path, goal_id: str, started: float, timebox: float | None,
               title: str = "Bowling kata") -> None:
    home.mkdir(exist_ok=True)
    (home / ACTIVE_GOAL_FILE).write_text(goal_file_text(title, goal_id, started, timebox))


def make_loop(home: Path, feedback: Feedback | None = None, progress: bool = True
              ) -> tuple[FeedbackLoop, Recorded]:
    recorded = Recorded()
    config = Config(feedback=feedback or Feedback())
    loop = FeedbackLoop(home, ActiveGoal(home), config, recorded, clock=lambda: T0,
                        last_edit=lambda: None)
    loop.attach(recorded, progress)
    return loop, recorded


def test_progress_reports_at_most_once_a_minute_and_at_once_when_the_goal_changes(
        tmp_path: Path) -> None:
    write_goal(tmp_path, G1, T0, 45 * MIN)
    loop, seen = make_loop(tmp_path)
    for second in range(0, 150, 1):  # two and a half minutes, one tick a second
        loop.tick(T0 + second)
    assert seen.kinds() == ["begin", "report", "report"]
    assert [(c[2].message, c[2].percentage) for c in seen.calls] == [  # type: ignore[union-attr]
        ("45m left", 0), ("44m left", 2), ("43m left", 4)]
    write_goal(tmp_path, G2, T0 + 150, None, title="Next kata")
    loop.tick(T0 + 150.5)
    assert seen.kinds()[3:] == ["end", "begin"]
    assert seen.calls[3][1] == f"dpt-goal-{G1}" and seen.calls[4][1] == f"dpt-goal-{G2}"
    assert seen.calls[4][2] == ProgressView("Next kata", "0s", None)
    (tmp_path / ACTIVE_GOAL_FILE).unlink()
    loop.tick(T0 + 151)
    assert seen.calls[-1] == ("end", f"dpt-goal-{G2}", None)
    loop.tick(T0 + 300)
    assert len(seen.calls) == 6


def test_the_box_running_out_is_said_once_per_goal(tmp_path: Path) -> None:
    write_goal(tmp_path, G1, T0, 30 * MIN)
    loop, seen = make_loop(tmp_path)
    for minute in range(0, 40):
        loop.tick(T0 + minute * MIN)
    shown = [c[2] for c in seen.calls if c[0] == "show"]
    assert shown == ["Time box over: 'Bowling kata' has run 30m of its 30m box. End it with a "
                     "rating: `dpt goal end --rating 1-10` in a terminal, or the dpt.goal.end "
                     "command."]
    write_goal(tmp_path, G2, T0 + 40 * MIN, 60.0)
    loop.tick(T0 + 42 * MIN)
    loop.tick(T0 + 43 * MIN)
    assert sum(1 for c in seen.calls if c[0] == "show") == 2


def test_settings_off_and_a_client_without_progress_hear_nothing(tmp_path: Path) -> None:
    write_goal(tmp_path, G1, T0 - 60 * MIN, 30 * MIN)
    quiet, heard = make_loop(tmp_path, Feedback(progress=False, timebox_message=False,
                                                nudges=False))
    no_capability, heard_too = make_loop(tmp_path, Feedback(timebox_message=False),
                                         progress=False)
    for loop in (quiet, no_capability):
        loop.tick(T0)
        loop.tick(T0 + 120)
        assert loop.goal.id == G1  # the recorder's goal id is kept fresh all the same
    assert heard.calls == [] and heard_too.calls == []


def test_a_goal_file_from_an_older_version_is_rewritten_from_the_store(
        tmp_path: Path, dpt_home: Path) -> None:
    from dptelemetry.goals import start_goal
    from dptelemetry.store import open_store

    with open_store(dpt_home) as store:
        goal, _ = start_goal(store, dpt_home, "Old format", now=T0, timebox=600)
    (dpt_home / ACTIVE_GOAL_FILE).write_text(f"Old format\n{goal.id}\n")
    loop, seen = make_loop(dpt_home)
    loop.tick(T0 + 60)
    assert seen.calls == []  # no start known: nothing shown, the file rewritten
    loop.tick(T0 + 61)
    assert seen.calls == [("begin", f"dpt-goal-{goal.id}", ProgressView("Old format",
                                                                        "9m left", 10))]


def run(start: float, outcome: str, end: float | None = None, failing: int = 1) -> TestRun:
    signatures = frozenset((f"t{i}", "AssertionError") for i in range(failing))
    return TestRun(start, end if end is not None else start + 1, outcome,
                   signatures if outcome == "red" else frozenset(), 3,
                   failing if outcome == "red" else 0, 0, 1 if outcome == "red" else 0,
                   "pytest", 0)


STUCK = NudgeRule(Moment.STUCK, "pause_after_red", PAUSE_AFTER_RED_TRY)
STRETCH = NudgeRule(Moment.RED_STRETCH, "red_stretch", RED_STRETCH_TRY, limit_s=20 * MIN)
THRESHOLDS = Thresholds()  # long_pause 2 min, idle_timeout 15 min


def nothing(start: float, end: float) -> list[float]:
    return []


def test_a_silence_of_long_pause_after_a_red_run_gets_one_nudge_then_the_interval_holds(
) -> None:
    watch = StrainWatch([STUCK, STRETCH], THRESHOLDS, interval=20 * MIN)
    watch.add([run(T0, "green"), run(T0 + 60, "red", failing=2)])
    red_end = T0 + 61
    assert watch.check(red_end + 119, None, nothing) is None  # 1:59 of silence
    nudge = watch.check(red_end + 120, None, nothing)
    assert nudge is not None and nudge.rule is STUCK
    assert nudge.text == ("2m of silence right after a red run (2 failing). "
                          + PAUSE_AFTER_RED_TRY.line())
    assert nudge.event(G1).payload == {"signal": "pause_after_red", "moment": "stuck",
                                         "observed_s": 120.0, "limit_s": 120.0}
    assert watch.check(red_end + 121, None, nothing) is None  # once per stuck moment
    watch.add([run(T0 + 300, "red")])  # stuck again, inside the interval
    assert watch.check(T0 + 301 + 180, None, nothing) is None
    watch.add([run(T0 + 25 * MIN, "red")])  # and again, after it
    later = watch.check(T0 + 25 * MIN + 1 + 120, None, nothing)
    assert later is not None and later.rule is STUCK


@pytest.mark.parametrize(("last_edit", "activity", "silence"), [
    (T0 + 62.0, [], 130),              # typed in this editor after the red run
    (None, [T0 + 90.0], 130),          # activity elsewhere (another editor, a commit)
    (None, [], 16 * MIN),              # a silence that long is a break, not stuck
])
def test_no_stuck_nudge_after_typing_elsewhere_or_a_break(
        last_edit: float | None, activity: list[float], silence: float) -> None:
    watch = StrainWatch([STUCK], THRESHOLDS, interval=20 * MIN)
    watch.add([run(T0, "red")])
    assert watch.check(T0 + 1 + silence, last_edit, lambda a, b: activity) is None


def test_a_red_stretch_is_nudged_when_its_active_time_reaches_the_limit() -> None:
    watch = StrainWatch([STUCK, STRETCH], THRESHOLDS, interval=20 * MIN)
    watch.add([run(T0, "green"), run(T0 + 60, "red"), run(T0 + 10 * MIN, "red")])
    typing = [T0 + 60 + s for s in range(0, 25 * 60, 30)]  # steady work, never silent 2 min
    reads: list[float] = []

    def activity(start: float, end: float) -> list[float]:
        reads.append(end)
        return [t for t in typing if start <= t < end]

    assert watch.check(T0 + 60 + 19 * MIN, typing[-1], activity) is None
    assert reads == []  # not even 20 minutes of wall time: nothing to read
    nudge = watch.check(T0 + 60 + 20 * MIN, typing[-1], activity)
    assert nudge is not None and nudge.rule is STRETCH
    assert nudge.observed_s == 20 * MIN
    assert nudge.text.startswith("Red for 20m of active time since ")
    assert nudge.text.endswith("over 2 runs (the red_stretch limit is 20m). "
                               + RED_STRETCH_TRY.line())
    assert watch.check(T0 + 60 + 45 * MIN, typing[-1], activity) is None  # once a stretch


def test_a_break_inside_a_red_stretch_does_not_count_toward_its_limit() -> None:
    watch = StrainWatch([STRETCH], THRESHOLDS, interval=20 * MIN)
    watch.add([run(T0, "red")])
    points = [T0 + s for s in range(0, 10 * 60, 30)] + [
        T0 + 40 * MIN + s for s in range(0, 9 * 60, 30)]  # 10 min, a 30-min break, 9 min

    def activity(start: float, end: float) -> list[float]:
        return [t for t in points if start <= t < end]

    reads: list[float] = []

    def counted(start: float, end: float) -> list[float]:
        reads.append(end)
        return activity(start, end)

    assert watch.check(T0 + 49 * MIN, points[-1], counted) is None
    assert watch.check(T0 + 49 * MIN + 29, points[-1], counted) is None
    assert len(reads) == 1  # a stretch short of its limit is read again 30 s later, not before
    assert active_seconds(sorted(points), T0, T0 + 49 * MIN, 15 * MIN) == pytest.approx(
        (10 * 60 - 30) + (9 * 60 - 30))


def test_the_built_in_plugin_gives_the_rules_with_its_configured_limit(
        tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[plugins.stuck_stretches]\nred_warn_minutes = 15\n")
    config = load_config(path)
    rules = get_plugin_manager(config).nudge_rules(config)
    assert set(rules) == {replace(STRETCH, limit_s=15 * MIN), STUCK}
    off = load_config(path, overrides={"plugins": {"disabled": ["stuck_stretches"]}})
    assert get_plugin_manager(off).nudge_rules(off) == []


def test_feedback_settings_from_the_config_with_a_bad_value_falling_back(
        tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[feedback]\nprogress = false\nnudge_interval = "soon"\n')
    config = load_config(path, overrides={"feedback": {"nudges": False}})
    assert config.feedback == Feedback(progress=False, nudges=False)
    [warning] = config.warnings
    assert "feedback.nudge_interval = 'soon'" in warning and "using the default" in warning
    rows = {key: (value, source) for key, value, source in config.effective()}
    assert rows["feedback.nudge_interval"] == ('"20m"', "default")
    assert rows["feedback.nudges"] == ("false", "options")


def test_progress_words_with_and_without_a_box() -> None:
    goal = GoalFile("A very long goal title that no status bar can hold at all", "g",
                    T0, 30 * MIN)
    assert progress_view(goal, T0 + 7 * MIN) == ProgressView(
        "A very long goal title that no status b…", "23m left", 23)
    assert progress_view(goal, T0 + 42 * MIN).message == "12m over"
    assert progress_view(GoalFile("x", "g", T0), T0 + 14 * MIN) == ProgressView(
        "x", "14m", None)


def test_the_session_so_far_in_a_few_lines() -> None:
    day = DayBuilder()
    day.edits(range(0, 600, 10))
    day.green(300)
    day.edits(range(615, 690, 10))
    day.red(690, "t1", "t2")  # ends at 691; then silence until 905: a detected stuck moment
    day.add("nudge", 900, signal="pause_after_red", moment="stuck", observed_s=200.0,
            limit_s=120.0)  # not activity: the silence goes on through it
    day.edit(905)
    timeline = day.timeline()
    goal = GoalFile("Bowling kata", "g", day.at(0), 45 * MIN)
    lines = session_text(timeline, goal, day.at(910)).splitlines()
    started = lines[0].split()[2].rstrip(":")
    assert lines == [
        f"Session since {started}: 15m active; test runs: 1 green, 1 red.",
        f"Red stretch: since {lines[1].split()[3].rstrip(',')}, 3m of active time; red runs: "
        f"1, failing now: 2.",
        "Stuck moments: 1 detected, 0 logged; nudges shown: 1.",
        "Goal: Bowling kata: 30m left of 45m.",
    ]
    later = session_text(timeline, None, day.at(905 + 15 * MIN)).splitlines()
    assert later[0].startswith("No session in progress (the last ended at ")
    assert later[1] == "Goal: none (start one with dpt goal start TITLE --timebox 45m)."


def test_the_run_feed_looks_back_as_far_as_the_longest_run_not_to_the_server_start(
        dpt_home: Path) -> None:
    """Its reads stay small however long the server runs: two hours in, a run that started
    three quarters of an hour ago and ended now is read; one stamped near the server's start
    (stored now, say imported) is no live feedback any more."""
    day = DayBuilder()
    start = day.at(0)
    feed = RunFeed(dpt_home, start)
    earlier = [day.red(-LOOKBACK + 60), day.red(60)]
    with open_store(dpt_home) as store:
        store.append(earlier)
    assert [r.start for r in feed.new_runs(start + 120)] == [e.ts for e in earlier]
    assert feed.new_runs(start + 180) == []
    for minute in range(1, 121):  # the server reads while its own writer stores edits
        with open_store(dpt_home) as store:
            store.append([day.edit(minute * MIN)])
        assert feed.new_runs(start + minute * MIN + 10) == []
    late = [day.red(120), day.red(2 * 3600 - LONGEST_RUN * 0.75)]
    with open_store(dpt_home) as store:
        store.append(late)
    assert [r.start for r in feed.new_runs(start + 2 * 3600 + 20)] == [late[1].ts]
    feed.close()


def test_join_waits_for_a_tick_in_flight(tmp_path: Path) -> None:
    """The server's end stops the loop and joins it before it closes the writer, so a tick
    in flight cannot put a nudge after that."""
    in_tick, go_on = threading.Event(), threading.Event()

    def slow_clock() -> float:
        in_tick.set()
        go_on.wait(30)
        return T0

    loop = FeedbackLoop(tmp_path, ActiveGoal(tmp_path), Config(), Recorded(), clock=slow_clock,
                        last_edit=lambda: None)
    loop.start()
    assert in_tick.wait(30)
    loop.stop()
    joining = threading.Thread(target=loop.join, args=(30,))
    joining.start()
    joining.join(0.5)
    assert joining.is_alive(), "join returned while the tick was still running"
    go_on.set()
    joining.join(30)
    assert not joining.is_alive()
    assert not loop._thread.is_alive()

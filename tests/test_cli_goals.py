"""`dpt goal` and `dpt stuck` end to end, through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import RunDpt

from dptelemetry.goal_file import ACTIVE_GOAL_FILE
from dptelemetry.store import open_store
from tests.storefaults import write_lock_held


def test_goal_lifecycle_reports_elapsed_and_time_left(run_dpt: RunDpt, dpt_home: Path) -> None:
    started = run_dpt("goal", "start", "Bowling kata", "--timebox", "45m",
                      "--target", "green in 5 cycles", "--weakness", "naming",
                      env={"DPT_CLOCK_OFFSET": "-600"})
    assert started.returncode == 0, started.stderr
    assert "Started 'Bowling kata'" in started.stdout
    assert "45m time box" in started.stdout

    status = run_dpt("goal", "status")
    assert status.returncode == 0
    assert "Goal: Bowling kata" in status.stdout
    assert "Running 10m" in status.stdout
    assert "35m left of 45m" in status.stdout  # 34m59s: a countdown rounds up
    assert "Target: green in 5 cycles" in status.stdout
    assert "Weak spot: naming" in status.stdout

    over = run_dpt("goal", "status", "--format", "json", env={"DPT_CLOCK_OFFSET": "3000"})
    data = json.loads(over.stdout)
    assert data["title"] == "Bowling kata"
    assert 3590 < data["elapsed_s"] < 3610
    assert data["time_left_s"] < -850

    ended = run_dpt("goal", "end", "--rating", "7", "--note", "naming is hard")
    assert ended.returncode == 0, ended.stderr
    assert "rated 7/10" in ended.stdout

    listed = run_dpt("goal", "list", "--format", "json")
    [goal] = json.loads(listed.stdout)
    assert goal["rating"] == 7
    assert goal["note"] == "naming is hard"
    assert 590 < goal["elapsed_s"] < 700
    assert run_dpt("goal", "status").stdout.startswith("No active goal")


def test_starting_a_goal_ends_the_active_one_and_says_so(run_dpt: RunDpt) -> None:
    run_dpt("goal", "start", "first")
    second = run_dpt("goal", "start", "second")
    assert "Ended 'first'" in second.stdout
    assert "Started 'second'" in second.stdout
    goals = json.loads(run_dpt("goal", "list", "--format", "json").stdout)
    assert [(g["title"], g["ended"] is None) for g in goals] == [("second", True),
                                                                 ("first", False)]
    text = run_dpt("goal", "list").stdout
    assert "second (active)" in text
    assert "first" in text


def test_active_goal_file_mirrors_the_store_as_one_safe_line(
    run_dpt: RunDpt, dpt_home: Path
) -> None:
    run_dpt("goal", "start", "tidy\nSigned-off-by: mallory\x1b[31m")
    title, goal_id, started, timebox = (dpt_home / ACTIVE_GOAL_FILE).read_text().splitlines()
    assert title == "tidy Signed-off-by: mallory [31m"
    assert float(started) > 0 and timebox == ""  # no time box
    with open_store(dpt_home) as store:
        assert [e.id for e in store.goal_history()] == [goal_id]
    run_dpt("goal", "end")
    assert not (dpt_home / ACTIVE_GOAL_FILE).exists()


_START_ON_CUE = """
import sys
from dptelemetry.cli import main
sys.argv = ["dpt", "goal", "start", sys.argv[1]]
sys.stdin.read()  # every process loaded and waiting: they start at once
main()
"""


def test_goals_started_at_once_leave_one_active_and_the_goal_file_names_it(
        run_dpt: RunDpt, dpt_home: Path) -> None:
    assert run_dpt("goal", "start", "Before").returncode == 0
    starts = [subprocess.Popen([sys.executable, "-c", _START_ON_CUE, f"Kata {n}"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for n in range(8)]
    with write_lock_held(dpt_home):  # each reads the goals, then all write at once
        for start in starts:
            assert start.stdin is not None
            start.stdin.close()
        time.sleep(1)  # time to read them (a shorter wait only makes the test milder)
    for start in starts:
        assert start.wait(timeout=120) == 0, start.stderr.read() if start.stderr else ""
    listed = run_dpt("goal", "list", "--format", "json")
    goals = json.loads(listed.stdout)
    assert len(goals) == 9
    [active] = [g for g in goals if g["ended"] is None]
    assert (dpt_home / ACTIVE_GOAL_FILE).read_text().splitlines()[:2] == [active["title"],
                                                                         active["id"]]


def test_stuck_moment_is_logged_with_impulse_and_goal(run_dpt: RunDpt, dpt_home: Path) -> None:
    run_dpt("goal", "start", "parsers")
    result = run_dpt("stuck", "mocking the clock", "--impulse", "search")
    assert result.returncode == 0, result.stderr
    assert "first impulse: search" in result.stdout
    with open_store(dpt_home) as store:
        [event] = [e for e in store.iter_events() if e.kind == "stuck"]
        [goal] = store.goal_history()
    assert event.payload == {"text": "mocking the clock", "impulse": "search"}
    assert event.goal_id == goal.goal_id


def test_a_title_with_undecodable_bytes_is_stored_and_mirrored(run_dpt: RunDpt,
                                                               dpt_home: Path) -> None:
    """A Latin-1 shell hands `dpt` bytes that are not UTF-8: the goal still starts, and
    the hooks' goal file gets the same visible title."""
    started = run_dpt("goal", "start", os.fsdecode(b"caf\xe9 kata"))
    assert started.returncode == 0, started.stderr
    assert (dpt_home / "active-goal").read_text().splitlines()[0] == "caf\\xe9 kata"
    assert "caf\\xe9 kata" in run_dpt("goal", "status").stdout


@pytest.mark.parametrize(("args", "message"), [
    (["goal", "start", "t" * 10_000], "a goal title is at most 200 characters; this one has "
                                      "10,000"),
    (["goal", "start", "kata", "--target", "x " * 501], "a goal's target is at most 500"),
    (["goal", "start", "kata", "--weakness", "w" * 501], "a goal's weak spot is at most 500"),
    (["goal", "end", "--note", "n" * 2001], "a goal's note is at most 2,000 characters"),
    (["stuck", "s" * 1001], "a stuck moment's text is at most 1,000 characters"),
])
def test_a_text_over_its_limit_is_one_clear_line_and_changes_nothing(
        run_dpt: RunDpt, dpt_home: Path, args: list[str], message: str) -> None:
    assert run_dpt("goal", "start", "the goal before").returncode == 0
    before = (dpt_home / ACTIVE_GOAL_FILE).read_text()
    with open_store(dpt_home) as store:
        count = store.count()

    result = run_dpt(*args)

    assert result.returncode == 1
    assert result.stderr.startswith(f"dpt: error: {message}")
    assert len(result.stderr.splitlines()) == 1
    with open_store(dpt_home) as store:
        assert store.count() == count
    assert (dpt_home / ACTIVE_GOAL_FILE).read_text() == before


def test_texts_at_their_limit_are_kept_whole(run_dpt: RunDpt, dpt_home: Path) -> None:
    title = "t" * 200
    assert run_dpt("goal", "start", title, "--target", "x" * 500).returncode == 0
    assert run_dpt("stuck", "s" * 1000).returncode == 0
    assert run_dpt("goal", "end", "--note", "n" * 2000).returncode == 0
    with open_store(dpt_home) as store:
        stored = {e.kind: e.payload for e in store.iter_events()}
    assert stored["goal_start"]["title"] == title
    assert stored["stuck"]["text"] == "s" * 1000
    assert stored["goal_end"]["note"] == "n" * 2000
    listed = json.loads(run_dpt("goal", "list", "--format", "json").stdout)
    assert (listed[0]["title"], listed[0]["note"]) == (title, "n" * 2000)


def test_goal_texts_of_the_wrong_type_in_an_old_store_are_left_out(run_dpt: RunDpt,
                                                                    dpt_home: Path) -> None:
    # before the event schema, `dpt import` let a number in as a note: goal list exited 70
    from tests.analysis.builders import DayBuilder, store_unchecked

    day = DayBuilder()
    goal = day.goal(0, "kata")
    day.add("goal_end", 60, source="cli", goal_id=goal.goal_id, note=5, rating=7)
    with open_store(dpt_home) as store:
        store_unchecked(store.path, day.events)
    result = run_dpt("goal", "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [(g["title"], g["note"], g["rating"]) for g in json.loads(result.stdout)] == [
        ("kata", None, 7)]
    assert run_dpt("goal", "list").returncode == 0

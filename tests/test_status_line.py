"""`dpt goal status --format line`: one short line for status lines, answered from the goal
file before the CLI loads, and the same through the CLI for every other spelling."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest
from conftest import RunDpt

from dptelemetry.goal_file import ACTIVE_GOAL_FILE, GoalFile, read_active_goal_file
from dptelemetry.home import APP_NAME, data_home_dir
from dptelemetry.status_line import fast_main, status_line
from tests.storefaults import read_only

T0 = 1_700_000_000.0


@pytest.mark.parametrize(("goal", "now", "line"), [
    (GoalFile("Bowling kata", "g", T0, 1800), T0 + 7 * 60, "Bowling kata: 23m left"),
    (GoalFile("Bowling kata", "g", T0, 1800), T0 + 42 * 60, "Bowling kata: 12m over"),
    (GoalFile("Bowling kata", "g", T0), T0 + 14 * 60, "Bowling kata: 14m"),
    (GoalFile("Roman numerals, test first, tiny steps only", "g", T0, 3600), T0,
     "Roman numerals, test first, t…: 1h00m left"),
])
def test_the_line(goal: GoalFile, now: float, line: str) -> None:
    assert status_line(goal, now) == line


def test_the_line_from_the_cli_fast_and_full_paths_alike(run_dpt: RunDpt,
                                                         dpt_home: Path) -> None:
    assert run_dpt("goal", "status", "--format", "line").stdout == ""  # no goal: nothing
    assert run_dpt("goal", "start", "Bowling kata, test first", "--timebox", "45m",
                   env={"DPT_CLOCK_OFFSET": "-600"}).returncode == 0
    for args in (["--format", "line"], ["--format=line", "--width", "12"],
                 ["--width=12", "--format", "json", "--format", "line"]):
        fast = run_dpt("goal", "status", *args)
        assert fast.returncode == 0 and fast.stderr == ""
        width = 12 if "12" in " ".join(args) else 30
        assert fast.stdout == ("Bowling kata, test first: 35m left\n" if width == 30
                               else "Bowling kat…: 35m left\n")
    bad = run_dpt("goal", "status", "--format", "line", "--width", "2")
    assert bad.returncode == 2 and "2 is not in the range x>=4" in bad.stderr
    assert run_dpt("goal", "end").returncode == 0
    assert run_dpt("goal", "status", "--format", "line").stdout == ""


@pytest.mark.parametrize("argv", [
    ["goal", "status"], ["goal", "status", "--format", "json"], ["goal", "status", "--help"],
    ["goal", "status", "--format", "line", "--width", "3"], ["goal", "status", "--format"],
    ["goal", "list", "--format", "line"], ["goal", "status", "--format", "line", "x"],
])
def test_anything_but_the_line_is_left_to_the_full_cli(argv: list[str]) -> None:
    assert fast_main(argv) is None


def test_a_goal_file_from_an_older_version_is_rewritten_by_the_full_cli(
        run_dpt: RunDpt, dpt_home: Path) -> None:
    assert run_dpt("goal", "start", "Old kata", "--timebox", "20m").returncode == 0
    goal = read_active_goal_file(dpt_home)
    assert goal is not None and goal.started is not None and goal.timebox == 1200
    (dpt_home / ACTIVE_GOAL_FILE).write_text(f"Old kata\n{goal.goal_id}\n")  # lines 1-2 only
    assert fast_main(["goal", "status", "--format", "line"]) is None
    assert run_dpt("goal", "status", "--format", "line").stdout == "Old kata: 20m left\n"
    assert read_active_goal_file(dpt_home) == goal


def test_the_line_from_an_older_goal_file_is_shown_in_a_read_only_data_home(
        run_dpt: RunDpt, dpt_home: Path) -> None:
    assert run_dpt("goal", "start", "Old kata", "--timebox", "20m").returncode == 0
    goal = read_active_goal_file(dpt_home)
    assert goal is not None
    (dpt_home / ACTIVE_GOAL_FILE).write_text(f"Old kata\n{goal.goal_id}\n")  # lines 1-2 only
    with read_only(dpt_home):
        done = run_dpt("goal", "status", "--format", "line")
    assert (done.returncode, done.stdout, done.stderr) == (0, "Old kata: 20m left\n", "")


def test_the_fast_path_imports_neither_click_nor_the_store(run_dpt: RunDpt) -> None:
    assert run_dpt("goal", "start", "kata", "--timebox", "5m").returncode == 0
    code = ("import sys; before = set(sys.modules)\n"
            "from dptelemetry.__main__ import main\n"
            "sys.argv = ['dpt', 'goal', 'status', '--format', 'line']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(set(sys.modules) - before))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[0] == "kata: 5m left"
    heavy = {"click", "sqlite3", "platformdirs", "pathlib", "re", "typing", "dataclasses",
             "json", "collections"}
    assert heavy.isdisjoint(ast.literal_eval(out[1]))


@pytest.mark.parametrize("env", [
    {"HOME": "/home/ada"},
    {"HOME": "/home/ada/", "XDG_DATA_HOME": ""},
    {"HOME": "/", "XDG_DATA_HOME": "relative/data"},
    {"HOME": "/home/ada", "XDG_DATA_HOME": "/srv/data"},
    {"HOME": "relative", "XDG_DATA_HOME": "/srv/data"},
])
def test_the_default_data_home_is_platformdirs_answer(
        env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DPT_HOME")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert data_home_dir() == platformdirs.user_data_dir(APP_NAME, appauthor=False)

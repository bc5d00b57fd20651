"""Tables through the real CLI, in a pipe and at a terminal (a pty of a given width).

In a pipe nothing is wrapped: every row is one line with every cell whole, so grep finds it.
At a terminal a table fits the width: free-text columns wrap first, then the widest cells
are shortened with an ellipsis; a title is never split over two lines.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RunDpt
from testrun_helpers import run_in_terminal

from tests.summary.days import HOUR, MIN, UTC_ENV, DayBuilder, store_days

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LONG = ("Bowling kata, test first, in the smallest steps I can take, with no mocks and no "
        "debugger whatsoever")
MEDIUM = "Roman numerals: one rule per pass"
LAST_WORD = "whatsoever"  # of LONG, and in nothing else a listing or a summary prints
NOTE = ("naming was hard; the frame scoring took three tries and the strike test should have "
        "come before the spare one")
DPT = [sys.executable, "-m", "dptelemetry"]


@pytest.fixture
def goals(run_dpt: RunDpt) -> None:
    for title in (LONG, MEDIUM):
        assert run_dpt("goal", "start", title, "--timebox", "45m").returncode == 0
        assert run_dpt("goal", "end", "--rating", "7", "--note", NOTE).returncode == 0
    assert run_dpt("goal", "start", "no box yet").returncode == 0


def visible_lines(output: bytes) -> list[str]:
    return ANSI.sub("", output.decode()).replace("\r", "").splitlines()


def test_goal_list_through_grep_finds_every_full_title(goals: None) -> None:
    for title in (LONG, MEDIUM):
        listing = subprocess.Popen([*DPT, "goal", "list"], stdout=subprocess.PIPE)
        grep = subprocess.run(["grep", "-F", title], stdin=listing.stdout,
                              capture_output=True, text=True, check=False)
        assert listing.wait() == 0
        [row] = grep.stdout.splitlines()
        assert f"{title}  " in row and row.endswith(NOTE)  # the note whole too, same line


def test_goal_list_in_a_pipe_uses_one_placeholder(run_dpt: RunDpt, goals: None) -> None:
    out = run_dpt("goal", "list").stdout
    [row] = [line for line in out.splitlines() if "no box yet (active)" in line]
    assert row.split()[-2:] == ["—", "—"]  # no time box, no rating: as the summary says it
    assert " - " not in out


@pytest.mark.parametrize("columns", [60, 80, 100, 160])
def test_goal_list_at_a_terminal_fits_and_never_splits_a_title(goals: None,
                                                               columns: int) -> None:
    status, output = run_in_terminal([*DPT, "goal", "list"], columns=columns)
    assert status == 0
    lines = visible_lines(output)
    assert max(len(line) for line in lines) <= columns
    for title in (LONG, MEDIUM):
        [row] = [line for line in lines if title[:4] in line]
        # whole, or its beginning and an ellipsis; the rest of it on no other line
        assert title in row or any(title[:cut] + "…" in row for cut in range(3, len(title)))
        assert not any(title.rsplit(maxsplit=1)[-1] in line for line in lines if line != row)
    # A title is worth more than a note: the note wraps before the medium title is cut.
    if columns >= 100:
        assert any(MEDIUM in line for line in lines)


def test_at_a_wide_terminal_nothing_is_cut(goals: None) -> None:
    status, output = run_in_terminal([*DPT, "goal", "list"], columns=300)
    assert status == 0
    lines = visible_lines(output)
    assert any(LONG in line and line.rstrip().endswith(NOTE) for line in lines)
    assert "…" not in "".join(lines)


def long_title_day() -> DayBuilder:
    """One goal with a long title: edits 10:00-10:10, a red and a green run, a commit tagged
    with the goal, a logged stuck moment with a long text."""
    day = DayBuilder()
    goal = day.goal(10 * HOUR - MIN, LONG, timebox=45 * MIN)
    day.edits([10 * HOUR + k * 30 for k in range(20)], inserted=5)
    day.red(10 * HOUR + 4 * MIN, "test_frame")
    day.green(10 * HOUR + 9 * MIN)
    day.commit(10 * HOUR + 10 * MIN, goal=LONG)
    day.add("stuck", 10 * HOUR + 5 * MIN, source="cli", text=NOTE, impulse="search")
    day.end_goal(10 * HOUR + 11 * MIN, goal)
    return day


def test_summary_tables_in_a_pipe_keep_titles_whole(run_dpt: RunDpt, dpt_home: Path) -> None:
    store_days(dpt_home, long_title_day())
    result = run_dpt("summary", "--date", "2024-05-06", env=UTC_ENV)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if LONG in line]
    assert len(rows) == 2  # the Goals row and the Commits row, each one line
    assert re.search(rf"^{re.escape(LONG)}\s+09:59\s+", rows[0])
    assert re.search(rf"^10:10\s+00000000\s+{re.escape(LONG)}\s+\+3 -1 in 1 file$", rows[1])
    assert any(line.endswith(f"{NOTE}   search") for line in result.stdout.splitlines())


@pytest.mark.parametrize("columns", [80, 100])
def test_summary_tables_at_a_terminal_shorten_titles_and_wrap_free_text(
        dpt_home: Path, monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    store_days(dpt_home, long_title_day())
    monkeypatch.setenv("TZ", "UTC")
    status, output = run_in_terminal([*DPT, "summary", "--date", "2024-05-06"],
                                     columns=columns)
    assert status == 0
    lines = visible_lines(output)
    assert max(len(line) for line in lines) <= columns
    rows = [line for line in lines if line.startswith(LONG[:20]) or "00000000" in line]
    assert len(rows) == 2 and all("…" in row for row in rows)
    assert not any(LAST_WORD in line for line in lines)
    stuck = "\n".join(lines[lines.index(next(x for x in lines if "What you tried" in x)):])
    assert all(word in stuck for word in NOTE.split())  # wrapped, not cut

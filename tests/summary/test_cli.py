"""`dpt summary` at its edges: empty days, bad dates, relative dates, files it cannot write."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from dptelemetry.store import open_store
from tests.analysis.builders import DAY, DayBuilder, store_unchecked
from tests.conftest import RunDpt
from tests.summary.conftest import Summary, validate
from tests.summary.days import HOUR, UTC_ENV, store_days
from tests.testrun_helpers import run_in_terminal


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_day_without_events_gets_a_short_friendly_report(summary: Summary, fmt: str) -> None:
    result = summary("--date", "2024-05-06", "--format", fmt)
    assert result.returncode == 0 and result.stderr == ""
    assert "Nothing recorded on this day." in result.stdout
    assert "dpt demo" in result.stdout
    assert len(result.stdout.splitlines()) < 25


def test_an_empty_day_is_valid_json_with_zeros(summary: Summary,
                                               schema: dict[str, Any]) -> None:
    result = summary("--date", "2024-05-06", "--format", "json")
    data = json.loads(result.stdout)
    validate(data, schema)
    assert (data["active_seconds"], data["sessions"], data["zone"], data["next_session"]) == (
        0, [], None, None)


@pytest.mark.parametrize("bad", ["2024-13-01", "tomorrow", "2024-5-6", "20240506", ""])
def test_a_bad_date_is_one_line_and_exit_2(summary: Summary, bad: str) -> None:
    result = summary("--date", bad)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "is not a date: use YYYY-MM-DD, today or yesterday" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_format_is_a_usage_error(summary: Summary) -> None:
    result = summary("--format", "pdf")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_today_and_yesterday_follow_the_clock(summary: Summary, dpt_home: Path) -> None:
    day = DayBuilder()
    day.edit(10 * HOUR)
    store_days(dpt_home, day)
    # DPT_CLOCK_OFFSET moves "now" to the next day at noon (UTC), where the CLI's today is.
    import time

    noon_after = day.start + 36 * HOUR
    env = {"DPT_CLOCK_OFFSET": str(noon_after - time.time())}
    yesterday = json.loads(summary("--date", "yesterday", "--format", "json", env=env).stdout)
    today = json.loads(summary("--date", "today", "--format", "json", env=env).stdout)
    assert (yesterday["date"], len(yesterday["sessions"])) == (DAY.isoformat(), 1)
    assert (today["date"], today["sessions"]) == ("2024-05-07", [])


def test_a_file_it_cannot_write_is_one_line_and_exit_1(summary: Summary,
                                                       tmp_path: Path) -> None:
    result = summary("--output", str(tmp_path / "missing" / "day.txt"))
    assert result.returncode == 1
    assert result.stderr.startswith("dpt: error: cannot write ")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("command", "name"), [
    (["summary"], "dpt-summary-2024-05-06.html"),
    (["progress", "--weeks", "2"], "dpt-progress-week-2024-05-06.html"),  # was printed there
])
def test_html_meant_for_a_terminal_goes_to_a_file(dpt_home: Path, command: list[str],
                                                  name: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    status, output = run_in_terminal([sys.executable, "-m", "dptelemetry", *command,
                                      "--date", "2024-05-06", "--format", "html"])
    assert status == 0
    page = dpt_home / "reports" / name
    assert f"Wrote {page}: open it in a browser." in output.decode().replace("\r\n", " ")
    assert page.read_text().startswith("<!DOCTYPE html>")
    assert b"<html" not in output


def test_friction_as_markdown(run_dpt: RunDpt) -> None:
    result = run_dpt("friction", "--days", "2", "--format", "markdown")
    assert result.returncode == 0
    assert result.stdout.startswith("# Friction · ") and "## No stuck moments" in result.stdout


def test_the_strip_of_a_short_day_says_when_it_is(summary: Summary, dpt_home: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Three minutes of work, 09:01:10 to 09:03:50: too short for a round tick (every 10
    minutes at 1-minute columns), so the first column's time labels the strip."""
    day = DayBuilder()
    day.edits([9 * HOUR + 70 + k * 20 for k in range(9)])
    day.red(9 * HOUR + 235, "test_a")
    store_days(dpt_home, day)
    piped = summary("--date", "2024-05-06").stdout.splitlines()
    monkeypatch.setenv("TZ", "UTC")
    status, output = run_in_terminal([sys.executable, "-m", "dptelemetry", "summary",
                                      "--date", "2024-05-06"], columns=80)
    assert status == 0
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output.decode()).replace("\r", "")
    for lines in (piped, shown.splitlines()):
        typing = next(i for i, line in enumerate(lines) if line.startswith("typing"))
        assert lines[typing - 1] == " " * 8 + "09:01"
        assert lines[typing].rstrip() == "typing  " + "█" * 3


def test_a_huge_text_from_an_old_store_is_shown_cut(run_dpt: RunDpt, dpt_home: Path) -> None:
    # A store written before the text limits may hold a stuck note of megabytes, and rich
    # wraps a text in time that grows with its square (2 MB: 6 s): the text report shows the
    # first 2,000 characters of any one text (benchmarks/long_texts.py times it).
    day = DayBuilder()
    day.goal(5, "g" * 300_000)
    day.edits([10, 11, 12])
    day.add("stuck", 20, source="cli", text="stuck " * 50_000)
    with open_store(dpt_home) as store:
        store_unchecked(store.path, day.events)

    for command in (["summary", "--date", DAY.isoformat()], ["goal", "list"]):
        result = run_dpt(*command, env=UTC_ENV)
        assert result.returncode == 0, result.stderr
        assert 2_000 < len(result.stdout) < 20_000
        assert "…" in result.stdout

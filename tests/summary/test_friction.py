"""`dpt friction` over days whose stuck moments, files, goals and next steps are known by
construction."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from dptelemetry.render.document import DISCLAIMER
from tests.analysis.builders import DAY, MIN, DayBuilder
from tests.conftest import RunDpt
from tests.summary.days import HOUR, UTC_ENV, store_days


def two_days() -> list[DayBuilder]:
    """Day 1 (DAY - 1), goal "parser" from 08:00:
      09:00 logged in lexer.py, impulse search; next: a test run at 09:01.
      09:30 red run after editing lexer.py, then 4 min of silence, then an edit in
            parser.py (detected; next: switched to another file).
      15:00 logged in parser.py, impulse ask; next: a paste at 15:02.
    Day 2 (DAY), no goal:
      09:10 logged, no impulse, in notes.md; nothing follows (a break).
      09:40 red run after editing notes.md, 3 min silence, edit notes.md (same file)."""
    first = DayBuilder(day=DAY - timedelta(days=1))
    goal = first.goal(8 * HOUR, "parser")
    first.edit(9 * HOUR - 30, path="lexer.py")
    first.add("stuck", 9 * HOUR, source="cli", text="tokenizing strings", impulse="search")
    first.green(9 * HOUR + MIN)
    first.edit(9 * HOUR + 29 * MIN, path="lexer.py")
    first.red(9 * HOUR + 30 * MIN)
    first.edit(9 * HOUR + 34 * MIN + 1, path="parser.py")
    first.edit(15 * HOUR - 60, path="parser.py")
    first.add("stuck", 15 * HOUR, source="cli", text="precedence", impulse="ask")
    first.edit(15 * HOUR + 2 * MIN, path="parser.py", inserted=900, assisted=True)
    first.end_goal(16 * HOUR, goal)
    second = DayBuilder(day=DAY)
    second.edit(9 * HOUR + 9 * MIN, path="notes.md")
    second.add("stuck", 9 * HOUR + 10 * MIN, source="cli", text="what next")
    second.edit(9 * HOUR + 39 * MIN, path="notes.md")
    second.red(9 * HOUR + 40 * MIN)
    second.edit(9 * HOUR + 44 * MIN, path="notes.md")
    return [first, second]


def friction_json(run_dpt: RunDpt, *args: str) -> dict[str, Any]:
    result = run_dpt("friction", "--date", DAY.isoformat(), "--format", "json", *args,
                     env=UTC_ENV)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_friction_knows_when_where_and_how(run_dpt: RunDpt, dpt_home: Path) -> None:
    store_days(dpt_home, *two_days())
    data = friction_json(run_dpt)
    assert (data["kind"], data["start"], data["end"]) == ("friction", "2024-04-30",
                                                          "2024-05-06")
    assert [(m["day"], m["start"][11:16], m["detected"], m["path"], m["goal"], m["impulse"],
             m["next_step"]) for m in data["moments"]] == [
        ("2024-05-05", "09:00", False, "lexer.py", "parser", "search", "ran the tests"),
        ("2024-05-05", "09:30", True, "lexer.py", "parser", None, "switched to another file"),
        ("2024-05-05", "15:00", False, "parser.py", "parser", "ask",
         "pasted or generated code"),
        ("2024-05-06", "09:10", False, "notes.md", None, None, "took a break"),
        ("2024-05-06", "09:40", True, "notes.md", None, None, "edited the same file"),
    ]
    assert data["by_hour"] == [{"value": "09:00", "logged": 2, "detected": 2},
                               {"value": "15:00", "logged": 1, "detected": 0}]
    assert data["by_goal"] == [{"value": "parser", "logged": 2, "detected": 1},
                               {"value": "(no goal)", "logged": 1, "detected": 1}]
    assert data["impulses"][0] == {"value": "(not given)", "logged": 1, "detected": 2}
    assert data["moments"][1]["seconds"] == 4 * MIN


def test_days_limits_the_window(run_dpt: RunDpt, dpt_home: Path) -> None:
    store_days(dpt_home, *two_days())
    data = friction_json(run_dpt, "--days", "1")
    assert data["start"] == data["end"] == "2024-05-06"
    assert len(data["moments"]) == 2


def test_friction_text_reads_as_a_pattern(run_dpt: RunDpt, dpt_home: Path) -> None:
    store_days(dpt_home, *two_days())
    result = run_dpt("friction", "--date", DAY.isoformat(), env=UTC_ENV)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Friction · Tue 30 Apr 2024 to Mon 6 May 2024 (7 days)\n")
    assert "5 stuck moments: 3 logged, 2 detected, on 2 of 7 days" in out
    assert "09:00   4         ████" in out
    assert "\nsearch          1" in out
    # A pipe has no width: nothing is wrapped to a made-up one (this was "fits 80 columns").
    assert len(DISCLAIMER) > 80 and f"\n{DISCLAIMER}\n" in out


def test_no_stuck_moments_is_friendly(run_dpt: RunDpt) -> None:
    result = run_dpt("friction", "--days", "3", env=UTC_ENV)
    assert result.returncode == 0
    assert "None logged or detected in these days." in result.stdout


def test_bad_days_is_a_usage_error(run_dpt: RunDpt) -> None:
    result = run_dpt("friction", "--days", "0")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1

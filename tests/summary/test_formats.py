"""`dpt summary` in each format on practice_day(), whose figures are known by construction
(see tests/summary/days.py), run through the real CLI."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import pytest

from dptelemetry.render.document import DISCLAIMER
from tests.summary.conftest import Summary, validate
from tests.testrun_helpers import run_in_terminal

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
DAY = "2024-05-06"

pytestmark = pytest.mark.usefixtures("known_day")


def day_json(summary: Summary) -> dict[str, Any]:
    result = summary("--date", DAY, "--format", "json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_json_holds_the_known_figures_and_validates(summary: Summary,
                                                    schema: dict[str, Any]) -> None:
    data = day_json(summary)
    validate(data, schema)
    assert (data["schema_version"], data["kind"], data["date"]) == (1, "day", DAY)
    assert data["active_seconds"] == 30 * 60 + 350
    assert [s["zone"]["zone"] for s in data["sessions"]] == ["learning", "panic"]
    assert data["zone"] == "learning"
    runs = data["test_runs"]
    assert (runs["total"], runs["failed"], runs["green"], runs["longest_red_streak"]) == (
        18, 11, 7, 4)
    assert data["commits"] == {"total": 3, "tagged": 2}
    assert data["pauses"]["bins"] == {"short": 0, "medium": 11, "long": 5, "break": 1}
    assert (data["pauses"]["median_s"], data["pauses"]["p90_s"]) == (60, 238)
    first = data["pauses"]["longest"][0]
    assert (first["start"], first["seconds"], first["path_before"], first["path_after"]) == (
        f"{DAY}T09:01:02+00:00", 238, "bowling.py", "a.py")
    assert [(m["detected"], m["start"], m["text"], m["impulse"])
            for m in data["stuck_moments"]] == [
        (False, f"{DAY}T09:08:00+00:00", "mocking the clock", "search"),
        (True, f"{DAY}T09:15:31+00:00", None, None)]
    assert data["assisted"]["count"] == 1 and data["assisted"]["inserted"] == 500
    [goal] = data["goals"]
    assert (goal["title"], goal["timebox_s"], goal["rating"], goal["commits"]) == (
        "bowling kata", 2700, 6, 2)
    assert [s["name"] for s in data["signals"]][:2] == ["test_error_quotient",
                                                        "repeated_failure_density"]
    assert data["next_session"]["lever"] == "difficulty"
    assert data["next_session"]["source"] == "test_error_quotient"
    assert len(data["timeline"]["runs"]) == 18 and len(data["timeline"]["commits"]) == 3
    assert data["thresholds"]["burst_gap"] == 5


def test_text_piped_is_plain_and_unwrapped(summary: Summary) -> None:
    result = summary("--date", DAY)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert not ANSI.search(out)
    # A pipe has no width: nothing is wrapped to a made-up one (this was "fits 80 columns").
    assert len(DISCLAIMER) > 80 and f"\n{DISCLAIMER}\n" in out
    assert "35m active in 2 sessions" in out
    for title in ("Next session", "Goals", "Sessions and zones", "The day", "Typing and pauses",
                  "Test runs", "Commits", "Stuck moments", "Assisted edits", "Strain signals"):
        assert re.search(rf"^{title} ─", out, re.M), title
    assert "Change one thing, the difficulty" in out
    assert "18 runs: 11 red, 7 green." in out
    assert "Longest red streak: 4 runs in a row" in out
    assert "3 commits, 2 tagged with a practice goal." in out
    assert re.search(r"09:08\s+logged\s+—\s+mocking the clock\s+search", out)
    assert re.search(r"09:15\s+detected\s+3m", out)
    assert re.search(r"09:01-09:05\s+3m\s+long\s+bowling\.py → a\.py", out)
    assert re.search(r"medium\s+30s-2m\s+11", out)
    assert "1 assisted edit inserted 500 characters, 56% of all" in out
    assert out.index("1. test_error_quotient · strong 1.00") < out.index(
        "2. repeated_failure_density · warning 0.50")
    assert "reached 0.6 against a limit of 0.55" in out
    assert "burst gap 5s; pauses short 5s-30s" in out
    assert "signals, not diagnoses" in out


def test_text_strip_places_the_day(summary: Summary) -> None:
    out = summary("--date", DAY).stdout
    lines = {line[:8].strip(): line[8:] for line in out.splitlines()
             if line[:8].strip() in ("typing", "red", "green", "commits", "stuck", "zone")}
    assert set(lines) == {"typing", "red", "green", "commits", "stuck", "zone"}
    axis = next(line for line in out.splitlines() if line.startswith(" " * 9 + "09:00"))
    # 5-minute columns from 08:55: column 1 is 09:00, column 61 is 14:00.
    assert axis[8:].index("09:00") == 1 and axis[8:].index("14:00") == 61
    assert lines["zone"].rstrip() == "L" * 7 + " " * 54 + "PP"
    assert lines["red"].rstrip() == " " + "✗" * 6 + " " * 54 + "✗✗"
    assert lines["commits"].rstrip() == "   ◆  ◆" + " " * 55 + "◆"
    assert lines["stuck"].rstrip() == "  ! ?"


def test_text_on_a_terminal_has_colour_and_fits_80_columns(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("NO_COLOR", raising=False)
    status, output = run_in_terminal([sys.executable, "-m", "dptelemetry", "summary",
                                      "--date", DAY])
    assert status == 0
    out = output.decode()
    assert ANSI.search(out), "no colour on a terminal"
    visible = ANSI.sub("", out).replace("\r", "")
    assert max(len(line) for line in visible.splitlines()) <= 80
    assert "35m active in 2 sessions" in visible


def test_markdown_has_the_same_content(summary: Summary) -> None:
    result = summary("--date", DAY, "--format", "markdown")
    assert result.returncode == 0, result.stderr
    md = result.stdout
    assert md.startswith("# Practice summary · Mon 6 May 2024\n")
    assert "**35m active in 2 sessions" in md
    assert "## Strain signals" in md and "## Next session" in md
    assert "| Goal | Started | Active | Time box | Rating | Commits |" in md
    assert "| bowling kata | 08:59 | 35m | 45m, took 5h06m (over by 4h21m) | 6/10 | 2 |" in md
    assert "| 09:08 | logged | — | mocking the clock | search |" in md
    assert re.search(r"```text\n {9}09:00.*\ntyping", md)
    assert not ANSI.search(md)


def test_output_file_gets_plain_text(summary: Summary, tmp_path: Any) -> None:
    target = tmp_path / "day.md"
    result = summary("--date", DAY, "--format", "markdown", "--output", str(target))
    assert result.returncode == 0 and result.stdout == ""
    assert target.read_text().startswith("# Practice summary")
    text_file = tmp_path / "day.txt"
    assert summary("--date", DAY, "-o", str(text_file)).returncode == 0
    assert "35m active" in text_file.read_text() and not ANSI.search(text_file.read_text())


def test_week_lists_seven_days(summary: Summary, schema: dict[str, Any]) -> None:
    result = summary("--date", "2024-05-08", "--week")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Practice week · Thu 2 May 2024 to Wed 8 May 2024")
    assert "35m active on 1 of 7 days · mostly learning zone" in out
    assert re.search(r"Mon 6\s+35m\s+learning\s+0/30/5\s+18 \(11\)\s+2\s+2 \(2\)\s+1\.00", out)
    assert re.search(r"test_error_quotient\s+1 of 7\s+1\s+strong 1\.00", out)
    data = json.loads(summary("--date", "2024-05-08", "--week", "--format", "json").stdout)
    validate(data, schema)
    assert data["days"][0]["date"] == "2024-05-02"
    assert data["zone_seconds"] == {"comfort": 0, "learning": 1800, "panic": 350}
    assert data["next_session"]["source"] == "test_error_quotient"


def test_json_is_the_same_when_the_day_is_read_back_from_the_cache(summary: Summary) -> None:
    """The first summary of a past day keeps it in the store; the second reads it from there
    (where a number field comes back as a float) and must print exactly the same."""
    first = summary("--date", "2024-05-06", "--format", "json").stdout
    again = summary("--date", "2024-05-06", "--format", "json").stdout
    assert again == first
    assert '"passed": 3,' in first  # whole numbers print whole


def test_renderers_of_a_day_or_a_drill_never_import_the_week_module() -> None:
    """A day's text, markdown or JSON without its week, and a drill's page, load no week
    module: a kept day's summary in a new process is that much quicker."""
    import subprocess

    code = ("import sys, dptelemetry.render.document, dptelemetry.render.json, "
            "dptelemetry.render.drills, dptelemetry.render.reports; "
            "print('dptelemetry.analysis.week' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"

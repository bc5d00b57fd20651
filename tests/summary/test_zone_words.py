"""Zones say what they rest on, in every format, through the real CLI: which signals count
toward zones wherever signals are counted, and the zone limits, which are configurable like
every other threshold (issue 11, items 5 and 6)."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from tests.analysis.builders import DAY, DayBuilder
from tests.conftest import RunDpt
from tests.summary.conftest import Summary, validate
from tests.summary.days import HOUR, practice_day, store_days

DATE = DAY.isoformat()


def tired_day() -> DayBuilder:
    """From 09:00, 100 minutes of typing, an edit a minute, no goal and no test run: a long
    stretch without a break (fatigue: 100 min, a warning) and no goal (100 % of the active
    time: strong); neither counts toward zones, so the session is comfort."""
    day = DayBuilder()
    day.edits([9 * HOUR + 60 * k for k in range(101)], inserted=3)
    return day


def words(text: str) -> str:
    """The text with every run of white space (line wraps included) as one space."""
    return " ".join(text.split())


def outputs(summary: Summary) -> dict[str, str]:
    found = {}
    for form in ("text", "markdown", "html", "json"):
        result = summary("--date", DATE, "--format", form)
        assert result.returncode == 0, result.stderr
        found[form] = html.unescape(result.stdout) if form == "html" else result.stdout
    return found


def test_every_format_says_which_signals_count_toward_zones(
        summary: Summary, dpt_home: Path, schema: dict[str, Any]) -> None:
    store_days(dpt_home, tired_day())
    shown = outputs(summary)
    data = json.loads(shown["json"])
    validate(data, schema)
    assert [(s["name"], s["struggle"]) for s in data["signals"]] == [
        ("no_goal", False), ("long_stretch", False)]
    [session] = data["sessions"]
    assert session["zone"]["zone"] == "comfort"
    assert session["zone"]["reason"] == "no test runs, no struggle signal"  # was "strain"
    assert (session["zone"]["numbers"]["struggle_signals"],
            session["zone"]["numbers"]["struggle_counted"]) == (0, 0)
    for form in ("text", "markdown", "html"):
        text = words(shown[form])
        # was "2 strain signals" beside a zone with "no strain signal"
        assert "0 commits · 2 strain signals (none counts toward zones)" in text, form
        assert "1. no_goal · strong 1.00 · 09:00-10:40 · does not count toward zones" in text
        assert "Struggle signals are those that say the work is too hard (all but fatigue " \
               "and goal drift)" in text, form


def test_the_zone_limits_are_printed_with_the_zones_and_come_from_the_config(
        summary: Summary, run_dpt: RunDpt, dpt_home: Path, schema: dict[str, Any]) -> None:
    store_days(dpt_home, practice_day())
    default = json.loads(summary("--date", DATE, "--format", "json").stdout)
    assert {k: default["thresholds"][k] for k in (
        "learning_red_share", "panic_open_red", "panic_signal_window")} == {
        "learning_red_share": 0.2, "panic_open_red": 1800, "panic_signal_window": 1800}
    assert default["sessions"][0]["zone"]["zone"] == "learning"  # 6 of 12 runs red: 50 %
    Path(os.environ["DPT_CONFIG"]).write_text(
        '[thresholds]\nlearning_red_share = 0.6\npanic_open_red = "10m"\n'
        'panic_signal_window = "45m"\n')
    shown = outputs(summary)
    data = json.loads(shown["json"])
    validate(data, schema)
    assert {k: data["thresholds"][k] for k in (
        "learning_red_share", "panic_open_red", "panic_signal_window")} == {
        "learning_red_share": 0.6, "panic_open_red": 600, "panic_signal_window": 2700}
    assert data["sessions"][0]["zone"]["zone"] == "comfort"  # 50 % is under 60 %
    for form in ("text", "markdown", "html"):
        text = words(shown[form])
        assert ("two different struggle signals starting less than 45m apart "
                "(panic_signal_window)") in text, form
        assert "still open at the session's end 10m after it began (panic_open_red)" in text
        assert "at least 60% of the session's runs red (learning_red_share)" in text, form
    rows = {line.split()[0]: line.split()[1:] for line in run_dpt("config").stdout.splitlines()
            if line.startswith("thresholds.")}
    assert rows["thresholds.learning_red_share"] == ["0.6", os.environ["DPT_CONFIG"]]
    assert rows["thresholds.panic_open_red"] == ['"10m"', os.environ["DPT_CONFIG"]]
    assert rows["thresholds.panic_signal_window"] == ['"45m"', os.environ["DPT_CONFIG"]]


def test_a_zone_limit_out_of_range_falls_back_with_one_warning(run_dpt: RunDpt) -> None:
    Path(os.environ["DPT_CONFIG"]).write_text('[thresholds]\nlearning_red_share = 2\n')
    shown = run_dpt("config")
    assert shown.returncode == 0
    assert "learning_red_share = 2 must be a share above 0 and at most 1" in shown.stderr
    assert any(line.split()[:3] == ["thresholds.learning_red_share", "0.2", "default"]
               for line in shown.stdout.splitlines())

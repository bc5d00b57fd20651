"""Nudges shown in the editor, as the summary reports them: each with what followed it (did
the red stretch end within 10 minutes?), in every format; a nudge is not activity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.analysis.builders import MIN
from tests.summary.conftest import Summary, validate
from tests.summary.days import HOUR, practice_day, store_days

DAY = "2024-05-06"


def nudged_day(home: Path) -> None:
    """practice_day() and two nudges: 2 minutes into the silence after cycle 3's red run
    (the green run that ends it comes 2 minutes later), and after the last red run of the
    afternoon (no green run follows)."""
    day = practice_day()
    day.add("nudge", 9 * HOUR + 17 * MIN + 31, signal="pause_after_red", moment="stuck",
            observed_s=120.0, limit_s=120.0)
    day.add("nudge", 14 * HOUR + 5 * MIN + 45, signal="red_stretch", moment="red_stretch",
            observed_s=1230.5, limit_s=1200.0)
    store_days(home, day)


def test_nudges_in_json_with_what_followed(summary: Summary, dpt_home: Path,
                                           schema: dict[str, Any]) -> None:
    nudged_day(dpt_home)
    data = json.loads(summary("--date", DAY, "--format", "json").stdout)
    validate(data, schema)
    assert data["nudges"] == [
        {"ts": f"{DAY}T09:17:31+00:00", "signal": "pause_after_red", "observed_s": 120.0,
         "green_after_s": 120.0, "green_within_10m": True},
        {"ts": f"{DAY}T14:05:45+00:00", "signal": "red_stretch", "observed_s": 1230.5,
         "green_after_s": None, "green_within_10m": False},
    ]
    # not activity: the silence after cycle 3's red run still runs until the next edit
    detected = [m for m in data["stuck_moments"] if m["detected"]]
    assert [(m["start"], m["seconds"]) for m in detected] == [(f"{DAY}T09:15:31+00:00", 209)]
    assert data["active_seconds"] == 30 * 60 + 350


def test_nudges_in_text_markdown_and_html(summary: Summary, dpt_home: Path) -> None:
    nudged_day(dpt_home)
    text = summary("--date", DAY).stdout
    assert "Nudges in the editor" in text
    assert "2 nudges shown; the red stretch ended within 10m after 1." in text
    assert "green 2m later" in text and "no green run after it" in text
    markdown = summary("--date", DAY, "--format", "markdown").stdout
    assert "| 09:17 | pause_after_red | 2m | green 2m later |" in markdown
    html = summary("--date", DAY, "--format", "html", "--output", "-").stdout
    assert "Nudges in the editor" in html and "red_stretch" in html


def test_a_day_without_nudges_has_no_nudge_section(summary: Summary, dpt_home: Path) -> None:
    store_days(dpt_home, practice_day())
    assert "Nudges in the editor" not in summary("--date", DAY).stdout
    assert json.loads(summary("--date", DAY, "--format", "json").stdout)["nudges"] == []

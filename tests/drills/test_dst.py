"""An attempt across the jump to summer time (Europe/Berlin, 2024-03-31: 02:00 CET becomes
03:00 CEST), imported with known times and shown through the CLI in that zone.

01:50 CET (00:50Z) start; edit 01:55 CET (00:55Z); red 03:02 CEST (01:02Z); edit 03:05 CEST
(01:05Z); green 03:08 CEST (01:08:00-01Z); end 03:20 CEST (01:20Z), rated 5. The wall clock
says 90 minutes; the session is 00:50Z-01:20Z, 1800 s (no gap reaches 15 min: the longest is
01:08:01-01:20, 719 s). First green: 01:08:01 - 00:50 = 1081 s; learning (1 red of 2)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.drills.conftest import Dpt, load_schema, validate
from tests.drills.scenario import at, attempt, events_builder, write_jsonl

BERLIN = "Europe/Berlin"


def test_an_attempt_across_the_summer_time_jump(dpt: Dpt, tmp_path: Path) -> None:
    b = events_builder()
    goal = attempt(b, "2024-03-31T01:50:00+01:00", "night kata", timebox=3600.0)
    b.edit(at("2024-03-31T01:55:00+01:00"))
    b.red(at("2024-03-31T03:02:00+02:00"), "test_n")
    b.edit(at("2024-03-31T03:05:00+02:00"))
    b.green(at("2024-03-31T03:08:00+02:00"))
    b.end_goal(at("2024-03-31T03:20:00+02:00"), goal, rating=5)
    dpt("import", str(write_jsonl(tmp_path / "dst.jsonl", b.events)))
    data = json.loads(dpt("drill", "show", "night kata", "--format", "json", tz=BERLIN).stdout)
    validate(data, load_schema("drill.schema.json"))
    [one] = data["attempts"]
    assert (one["started"], one["ended"]) == ("2024-03-31T01:50:00+01:00",
                                              "2024-03-31T03:20:00+02:00")
    assert (one["active_seconds"], one["first_green_s"], one["zone_seconds"]["learning"],
            one["test_runs"]["total"], one["test_runs"]["failed"]) == (1800, 1081, 1800, 2, 1)
    week = json.loads(dpt("progress", "--weeks", "1", "--date", "2024-03-31", "--format",
                          "json", tz=BERLIN).stdout)
    validate(week, load_schema("progress.schema.json"))
    [period] = week["periods"]
    assert (period["label"], period["first"], period["last"], period["days"],
            period["active_seconds"], period["attempts"], period["ratings"]) == (
        "2024-W13", "2024-03-25", "2024-03-31", 7, 1800, 1, [5])

"""Drill attempts through the real CLI: what `goal start --drill` and `goal again` record and
say, the warnings an experiment of one change at a time needs, closing the loop at `goal end`
with real test runs (`dpt run`), renames, and export/import."""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from dptelemetry.store import open_store
from tests.conftest import RunDpt
from tests.drills.conftest import Dpt, load_schema, validate

MON = "2024-05-06T09:00:00+00:00"


def minute(n: int) -> str:
    """Steps a minute apart: the CLI's clock is set per command, to a few milliseconds."""
    return f"2024-05-21T12:{n:02d}:00+00:00"


def starts(home: Path) -> list[dict[str, Any]]:
    with open_store(home) as store:
        return [dict(e.payload) for e in store.goal_history() if e.kind == "goal_start"]


def test_start_records_the_drill_fields_in_the_goal_event(dpt: Dpt, dpt_home: Path) -> None:
    out = dpt("goal", "start", "Bowling kata", "--drill", "bowling", "--timebox", "30m",
              "--constraint", "no debugger", "--constraint", "256 MB ceiling").stdout
    assert out.splitlines()[1:] == ["Attempt 1 of drill 'bowling'.",
                                    "Constraint: no debugger", "Constraint: 256 MB ceiling"]
    assert starts(dpt_home) == [{"title": "Bowling kata", "timebox_s": 1800.0,
                                 "drill": "bowling",
                                 "constraints": ["no debugger", "256 MB ceiling"]}]
    assert "Drill: bowling, attempt 1" in dpt("goal", "status").stdout
    [listed] = json.loads(dpt("goal", "list", "--format", "json").stdout)
    assert (listed["drill"], listed["attempt"], listed["changes"], listed["constraints"]) == (
        "bowling", 1, [], ["no debugger", "256 MB ceiling"])
    plain = dpt("goal", "start", "Reading", now=minute(1)).stdout
    assert "Attempt" not in plain and starts(dpt_home)[-1] == {"title": "Reading"}


def test_two_changes_at_once_are_recorded_with_a_warning(dpt: Dpt, dpt_home: Path) -> None:
    dpt("goal", "start", "kata", "--drill", "bowling", now=minute(1))
    second = dpt("goal", "start", "kata", "--drill", "Bowling", "--change", "difficulty",
                 "spares", "--change", "feedback", "only the failing test", now=minute(2))
    assert "Attempt 2 of drill 'Bowling'." in second.stdout
    assert second.stderr == ("dpt: warning: 2 changes at once (difficulty, feedback): if this "
                             "attempt goes better or worse, it cannot tell which change did it"
                             "\n")
    assert starts(dpt_home)[-1]["changes"] == [
        {"lever": "difficulty", "text": "spares"},
        {"lever": "feedback", "text": "only the failing test"}]


def test_changes_nobody_declared_are_pointed_out(dpt: Dpt) -> None:
    first = dpt("goal", "start", "kata", "--drill", "bowling", "--change", "difficulty", "x",
                now=minute(1))
    assert "first attempt: its change has no earlier attempt" in first.stderr
    quiet = dpt("goal", "start", "kata", "--drill", "bowling", "--change", "difficulty", "y",
                now=minute(2))
    assert quiet.stderr == ""
    boxed = dpt("goal", "start", "kata", "--drill", "bowling", "--timebox", "20m",
                "--constraint", "no mouse", now=minute(3))
    assert "the time box is 20m, attempt 2 had none, but no --change timebox says so" in (
        boxed.stderr)
    assert "the constraints differ from attempt 2's, but no --change constraint says so" in (
        boxed.stderr)


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--change", "difficulty", "harder"], 1,
     "dpt: error: a change is made between attempts of a drill: add --drill NAME"),
    (["--drill", "k", "--change", "mood", "calmer"], 2, "'mood' is not one of 'difficulty', "
     "'feedback', 'timebox', 'constraint'"),
    (["--drill", "k", "--change", "difficulty"], 2, "Option '--change' requires 2 arguments"),
    (["--drill", "   "], 1, "dpt: error: the drill name is empty"),
    (["--drill", "d" * 201], 1, "the drill name is 201 characters long; at most 200"),
])
def test_bad_drill_options_are_one_line_and_record_nothing(
        dpt: Dpt, dpt_home: Path, args: list[str], code: int, message: str) -> None:
    result = dpt("goal", "start", "kata", *args, code=code)
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (dpt_home / "events.sqlite3").exists() or starts(dpt_home) == []


def test_again_repeats_the_latest_attempt_with_overrides(dpt: Dpt, dpt_home: Path) -> None:
    dpt("goal", "start", "Bowling kata", "--drill", "bowling", "--timebox", "30m",
        "--target", "green in 5 cycles", "--weakness", "naming", "--constraint", "no debugger",
        now=minute(1))
    dpt("goal", "start", "Parser", "--drill", "parser", now=minute(2))
    again = dpt("goal", "again", "BOWLING", "--change", "timebox", "45m", "--timebox", "45m",
                now=minute(3))
    assert again.stdout.splitlines()[0].startswith("Ended 'Parser' after ")  # about 1m
    assert again.stdout.splitlines()[1:] == [
        "Started 'Bowling kata' at 12:03 with a 45m time box.",
        "Attempt 2 of drill 'bowling'.", "Changed: timebox: 45m", "Constraint: no debugger"]
    assert again.stderr == ""
    assert starts(dpt_home)[-1] == {
        "title": "Bowling kata", "target": "green in 5 cycles", "weakness": "naming",
        "timebox_s": 2700.0, "drill": "bowling",
        "changes": [{"lever": "timebox", "text": "45m"}], "constraints": ["no debugger"]}
    dpt("goal", "again", "--title", "Bowling, spares", "--target", "", "--no-constraints",
        now=minute(4))
    assert starts(dpt_home)[-1] == {"title": "Bowling, spares", "weakness": "naming",
                                    "timebox_s": 2700.0, "drill": "bowling"}
    dpt("goal", "again", "--constraint", "no mouse", now=minute(5))
    assert starts(dpt_home)[-1]["constraints"] == ["no mouse"]


def test_again_without_a_drill_says_how_to_start_one(dpt: Dpt) -> None:
    assert dpt("goal", "again", code=1).stderr == (
        "dpt: error: no drill attempt yet: start one with dpt goal start TITLE --drill NAME\n")
    dpt("goal", "start", "kata", "--drill", "bowling", now=minute(1))
    assert dpt("goal", "again", "nope", code=1).stderr == (
        "dpt: error: no drill named 'nope' (dpt drill list shows them)\n")


def red(dpt: Dpt, now: str) -> None:
    dpt("run", "--", sys.executable, "-c", "raise SystemExit(1)", now=now, code=1)


def green(dpt: Dpt, now: str) -> None:
    dpt("run", "--", sys.executable, "-c", "pass", now=now)


def test_a_low_rating_names_one_variable_and_the_exact_next_command(
        dpt: Dpt, run_dpt: RunDpt) -> None:
    """Real test runs through `dpt run`: four red runs of unchanged code in a row, then a
    green one. The attempt is rated 4: the loop closes with one change, and the printed
    command starts attempt 2 with it."""
    dpt("goal", "start", "Bowling kata", "--drill", "bowling", "--timebox", "30m", now=MON)
    for minute in range(1, 5):
        red(dpt, f"2024-05-06T09:{minute:02d}:00+00:00")
    green(dpt, "2024-05-06T09:08:00+00:00")
    ended = dpt("goal", "end", "--rating", "4", now="2024-05-06T09:20:00+00:00").stdout
    lines = ended.splitlines()
    # 20 minutes by the offset clock, give or take the two commands' start-up: cut down, 19m
    # or 20m
    assert re.match(r"Ended 'Bowling kata' after (19|20)m, rated 4/10\.", lines[0])
    assert lines[1] == ("Rated 4, at or below 6 (drills.retune_rating): change one variable "
                        "next time.")
    assert lines[2].startswith("The ")
    lever = lines[2].split()[1].rstrip(":")
    assert lever in ("difficulty", "feedback", "timebox")
    assert lines[3].startswith("Next time: dpt goal again bowling --change " + lever)
    command = shlex.split(lines[3].removeprefix("Next time: "))
    assert command[0] == "dpt"
    again = dpt(*command[1:], now="2024-05-07T09:00:00+00:00")
    assert "Attempt 2 of drill 'bowling'." in again.stdout
    assert again.stderr == ""  # exactly one change, and a declared one
    shown = json.loads(dpt("drill", "show", "bowling", "--format", "json",
                           now="2024-05-07T09:30:00+00:00").stdout)
    first, second = shown["attempts"]
    assert (first["test_runs"]["total"], first["test_runs"]["failed"],
            first["test_runs"]["longest_red_streak"], first["rating"]) == (5, 4, 4, 4)
    assert first["first_green_s"] == pytest.approx(8 * 60, abs=5)
    assert [c["lever"] for c in second["changes"]] == [lever]
    assert second["status"] == "open"


def test_a_high_rating_says_nothing_more_and_no_rating_is_noted(dpt: Dpt,
                                                                tmp_path: Path) -> None:
    dpt("goal", "start", "kata", "--drill", "bowling", now=MON)
    green(dpt, "2024-05-06T09:05:00+00:00")
    ended = dpt("goal", "end", "--rating", "7", now="2024-05-06T09:20:00+00:00").stdout
    assert len(ended.splitlines()) == 1
    dpt("goal", "again", now="2024-05-07T09:00:00+00:00")
    unrated = dpt("goal", "end", now="2024-05-07T09:20:00+00:00").stdout.splitlines()
    assert unrated[1] == ("Attempt 2 of 'bowling' ended without a rating: drill show lists "
                          "it, but rating comparisons leave it out.")
    config = tmp_path / "dpt-config.toml"
    config.write_text(config.read_text() + "[drills]\nretune_rating = 8\n")
    dpt("goal", "again", now="2024-05-08T09:00:00+00:00")
    green(dpt, "2024-05-08T09:05:00+00:00")
    raised = dpt("goal", "end", "--rating", "7", now="2024-05-08T09:20:00+00:00").stdout
    assert "at or below 8 (drills.retune_rating)" in raised


def test_rename_merge_and_the_old_name_freed(dpt: Dpt, dpt_home: Path) -> None:
    dpt("goal", "start", "kata", "--drill", "bowlng", now=MON)
    dpt("goal", "start", "kata", "--drill", "bowling", now="2024-05-07T09:00:00+00:00")
    refused = dpt("drill", "rename", "bowlng", "bowling", code=1,
                  now="2024-05-08T09:00:00+00:00")
    assert refused.stderr == ("dpt: error: a drill named 'bowling' exists (1 attempts); to make "
                              "the two one drill, add --merge\n")
    merged = dpt("drill", "rename", "bowlng", "bowling", "--merge",
                 now="2024-05-08T09:00:00+00:00")
    assert merged.stdout == ("Merged 'bowlng' (1 attempts) into 'bowling' (1 attempts): "
                             "2 attempts, numbered by date.\n")
    dpt("goal", "start", "kata", "--drill", "bowlng", now="2024-05-09T09:00:00+00:00")
    rows = json.loads(dpt("drill", "list", "--format", "json").stdout)
    assert [(r["name"], r["attempts"]) for r in rows] == [("bowlng", 1), ("bowling", 2)]
    assert dpt("drill", "rename", "nope", "x", code=1).stderr == (
        "dpt: error: no drill named 'nope' (dpt drill list shows them)\n")
    renamed = dpt("drill", "rename", "BOWLING", "Bowling Kata",
                  now="2024-05-10T09:00:00+00:00").stdout
    assert renamed == "Renamed 'bowling' to 'Bowling Kata' (2 attempts).\n"
    with open_store(dpt_home) as store:
        renames = [e.payload for e in store.goal_history() if e.kind == "drill_rename"]
    assert renames == [{"from": "bowlng", "to": "bowling"},
                       {"from": "bowling", "to": "Bowling Kata"}]


def test_export_and_import_carry_drills_and_renames(dpt: Dpt, bowling: None, tmp_path: Path,
                                                    run_dpt: RunDpt) -> None:
    exported = tmp_path / "all.jsonl"
    dpt("export", "-o", str(exported))
    lines = [json.loads(line) for line in exported.read_text().splitlines()]
    assert [e["payload"] for e in lines if e["kind"] == "drill_rename"] == [
        {"from": "kata", "to": "bowling"}]
    before = dpt("drill", "show", "bowling", "--format", "json").stdout
    elsewhere = tmp_path / "elsewhere"
    moved = run_dpt("import", str(exported), env={"DPT_HOME": str(elsewhere)})
    assert moved.returncode == 0, moved.stderr
    after = run_dpt("drill", "show", "bowling", "--format", "json",
                    env={"DPT_HOME": str(elsewhere), "TZ": "UTC"}).stdout
    assert json.loads(after)["attempts"] == json.loads(before)["attempts"]


def test_an_export_from_before_drills_reads_unchanged(dpt: Dpt, tmp_path: Path) -> None:
    old = tmp_path / "old.jsonl"
    old.write_text(
        '{"id":"018f4d20b4207727922a18e9bde90c13","ts":"2024-05-06T08:59:00.000+00:00",'
        '"kind":"goal_start","source":"cli","goal_id":"018f4d20b4207727922a18e9bde90c13",'
        '"repo":null,"path":null,"payload":{"title":"bowling kata","timebox_s":2700}}\n')
    dpt("import", str(old))
    [goal] = json.loads(dpt("goal", "list", "--format", "json").stdout)
    assert goal["title"] == "bowling kata"
    assert "No drills yet" in dpt("drill", "list").stdout


def test_commits_count_for_the_attempt_they_were_recorded_under(dpt: Dpt,
                                                               tmp_path: Path) -> None:
    """`goal again` reuses the title, so the trailer cannot tell attempts apart: an amend
    made during attempt 2 keeps attempt 1's goal id and counts for attempt 1, in the day's
    summary and in drill show alike. A commit recorded without a goal id (an older record)
    counts for the attempt its trailer's title names at its time."""
    from tests.drills.scenario import at, attempt, events_builder, write_jsonl

    b = events_builder()
    a1 = attempt(b, "2024-05-06T09:00:00+00:00", "kata")
    b.edit(at("2024-05-06T09:05:00+00:00"))
    b.commit(at("2024-05-06T09:10:00+00:00"), goal="Bowling kata", goal_id=a1.goal_id)
    b.end_goal(at("2024-05-06T09:20:00+00:00"), a1, rating=5)
    a2 = attempt(b, "2024-05-06T09:30:00+00:00", "kata")
    b.edit(at("2024-05-06T09:31:00+00:00"))
    b.commit(at("2024-05-06T09:32:00+00:00"), goal="Bowling kata", goal_id=a1.goal_id)
    b.commit(at("2024-05-06T09:40:00+00:00"), goal="Bowling kata")  # no goal id
    b.end_goal(at("2024-05-06T09:50:00+00:00"), a2, rating=6)
    dpt("import", str(write_jsonl(tmp_path / "day.jsonl", b.events)))
    day = json.loads(dpt("summary", "--date", "2024-05-06", "--format", "json").stdout)
    drill = json.loads(dpt("drill", "show", "kata", "--format", "json").stdout)
    assert [(g["attempt"], g["commits"]) for g in day["goals"]] == [(1, 2), (2, 1)]
    assert [(a["attempt"], a["commits"]) for a in drill["attempts"]] == [(1, 2), (2, 1)]


def test_an_attempt_takes_no_signal_about_the_rest_of_its_day(dpt: Dpt, tmp_path: Path) -> None:
    """An hour of practice without a goal, then a short attempt: the day's no_goal signal
    spans the whole day but is not the attempt's, so ending it rated low does not say
    "start each practice block with a goal"; the day's summary keeps the signal."""
    from tests.drills.scenario import at, attempt, events_builder, write_jsonl

    (tmp_path / "dpt-config.toml").write_text("")  # every plugin, goal_drift too
    b = events_builder()
    b.edits([at("2024-05-06T08:00:00+00:00") + 120 * k for k in range(31)])
    attempt(b, "2024-05-06T09:05:00+00:00", "kata")
    b.edits([at("2024-05-06T09:05:00+00:00") + 60 * k for k in range(10)])
    dpt("import", str(write_jsonl(tmp_path / "day.jsonl", b.events)))
    ended = dpt("goal", "end", "--rating", "2", now="2024-05-06T09:15:00+00:00").stdout
    assert "practice block with a goal" not in ended
    assert "The difficulty: Raise the difficulty one notch" in ended  # its comfort zone
    day = json.loads(dpt("summary", "--date", "2024-05-06", "--format", "json",
                         now="2024-05-07T12:00:00+00:00").stdout)
    assert "no_goal" in [s["name"] for s in day["signals"]]
    shown = json.loads(dpt("drill", "show", "kata", "--format", "json").stdout)
    assert shown["attempts"][0]["signals"] == []


def test_drills_and_progress_answer_while_a_writer_holds_the_lock(dpt: Dpt, bowling: None,
                                                                  dpt_home: Path) -> None:
    """They only read, as `dpt summary` does: another process writing (the editor's server,
    a long import) does not make them wait or fail."""
    from tests.storefaults import write_lock_held

    with write_lock_held(dpt_home):
        listed = json.loads(dpt("drill", "list", "--format", "json").stdout)
        shown = json.loads(dpt("drill", "show", "bowling", "--format", "json").stdout)
        progress = json.loads(dpt("progress", "--date", "2024-05-19", "--weeks", "3",
                                  "--format", "json").stdout)
    assert [row["name"] for row in listed] == ["kata", "Bowling"]
    assert len(shown["attempts"]) == 5
    assert sum(p["attempts"] for p in progress["periods"]) == 6


def test_an_empty_store_shows_the_last_period_only(dpt: Dpt) -> None:
    result = dpt("progress", "--weeks", "4", "--format", "json")
    data = json.loads(result.stdout)
    validate(data, load_schema("progress.schema.json"))
    assert (data["periods_asked"], data["first_recorded"], len(data["periods"])) == (4, None, 1)
    text = dpt("progress", "--weeks", "4").stdout
    assert "0s of practice over 1 week (of the 4 asked for: nothing is recorded yet)" in text

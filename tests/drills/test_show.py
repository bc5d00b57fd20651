"""`dpt drill show` on the scenario of scenario.py, through the real CLI: every number
against the working below, done by hand from the events.

Sessions run from the first to the last activity with no gap of 15 min (goal starts and ends
are activity, a drill rename is not); an attempt's active time is session time inside
[start, end). Zones with only test_error_quotient loaded: panic on its strong signal, else
learning from 20 % red runs.

1 Mon: one session 09:00:00-09:20:00 = 1200 s (longest gap 09:10:30-09:20:00). Runs red
  09:02:00, green 09:04:00-01: first green 241 s, red streak 1, to green 121 s; 2 changed runs:
  no EQ; RED 0. Learning (1 red of 2). Commit 09:10:30 tagged "Bowling kata". Rated 4.
2 Tue 23:50-Wed 00:20: Tue 23:50:00-23:59:00 = 540 s + Wed 00:02:00-00:20:00 = 1080 s = 1620.
  Red 23:52, 23:58, 00:03, green 00:06:00-01: one streak of 3 across midnight, to green
  00:06:01 - 23:52:00 = 841 s; first green 00:06:01 - 23:50:00 = 961 s. EQ over 4 changed runs:
  (11 + 11 + 0) / 11 / 3 = 2/3; RED: test_b 3 runs in a row, 2^2/3 = 4/3. Stuck: logged 23:59;
  detected 23:52:01-23:55:00 (179 s), not 00:03:01-00:05:00 (119 s < 120). Learning. Rated 6.
3 Thu 10:00-10:30 (replaced): session 10:00:00-10:05:01 = 301 s (then 25 min of silence: the
  session at 10:30 is the next goal's). Three red runs: EQ 1.0 (strong signal: panic), RED 4/3,
  streak 3, no green. Abandoned without a rating.
4 Fri 09:00-09:15: one session, 900 s. Red, green 09:03:00-01 (first green 181 s), green: EQ
  over 3 changed runs 0.0, RED 0; learning (1 red of 3). Ended without a rating.
5 Mon 13th 09:00-09:30: session 09:00:00-09:04:01 = 241 s; red, green: first green 241 s; no
  EQ; learning. Rated 8.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.drills.conftest import Dpt, load_schema, validate

pytestmark = pytest.mark.usefixtures("bowling")

THIRD = pytest.approx(1 / 3)
EXPECTED = [
    # attempt, status, active, (runs, red, green), first green, streak, EQ, RED,
    # stuck (logged, detected), signals, (comfort, learning, panic), commits, rating
    (1, "rated", 1200, (2, 1, 1), 241, 1, None, 0, (0, 0), [], (0, 1200, 0), 1, 4),
    (2, "rated", 1620, (4, 3, 1), 961, 3, pytest.approx(2 / 3), pytest.approx(4 / 3), (1, 1),
     [], (0, 1620, 0), 0, 6),
    (3, "replaced", 301, (3, 3, 0), None, 3, 1.0, pytest.approx(4 / 3), (0, 0),
     ["test_error_quotient"], (0, 0, 301), 0, None),
    (4, "unrated", 900, (3, 1, 2), 181, 1, 0.0, 0, (0, 0), [], (0, 900, 0), 0, None),
    (5, "rated", 241, (2, 1, 1), 241, 1, None, 0, (0, 0), [], (0, 241, 0), 0, 8),
]


def shown(dpt: Dpt, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(dpt("drill", "show", "bowling", "--format", "json",
                                          *args).stdout)
    return data


def test_every_attempt_matches_the_hand_computation(dpt: Dpt) -> None:
    data = shown(dpt)
    validate(data, load_schema("drill.schema.json"))
    assert data["name"] == "Bowling"  # the latest attempt's spelling of the renamed drill
    got = [(a["attempt"], a["status"], a["active_seconds"],
            (a["test_runs"]["total"], a["test_runs"]["failed"], a["test_runs"]["green"]),
            a["first_green_s"], a["test_runs"]["longest_red_streak"],
            a["test_runs"]["error_quotient"], a["test_runs"]["repeated_error_density"],
            (a["stuck"]["logged"], a["stuck"]["detected"]), [s["name"] for s in a["signals"]],
            tuple(a["zone_seconds"][z] for z in ("comfort", "learning", "panic")),
            a["commits"], a["rating"])
           for a in data["attempts"]]
    assert got == EXPECTED
    assert [a["test_runs"]["median_time_to_green_s"] for a in data["attempts"]] == [
        121, 841, None, 121, 121]
    assert [(a["started"], a["ended"]) for a in data["attempts"]][1] == (
        "2024-05-07T23:50:00+00:00", "2024-05-08T00:20:00+00:00")
    assert [a["timebox_s"] for a in data["attempts"]] == [1800, 2700, 2700, 2700, 2700]
    assert [[c["lever"] for c in a["changes"]] for a in data["attempts"]] == [
        [], ["timebox"], ["difficulty"], [], ["feedback"]]
    assert {tuple(a["constraints"]) for a in data["attempts"]} == {("no debugger",)}
    [teq] = data["attempts"][2]["signals"]
    assert (teq["severity"], teq["lever"], teq["start"]) == (
        1.0, "difficulty", "2024-05-09T10:01:00+00:00")


def test_first_against_latest_are_attempts_1_and_5(dpt: Dpt) -> None:
    pair = shown(dpt)["first_vs_latest"]
    assert (pair["first"], pair["latest"]) == (1, 5)
    values = pair["values"]
    assert values["active_seconds"] == [1200, 241]
    assert values["first_green_s"] == [241, 241]
    assert values["rating"] == [4, 8]
    assert values["commits"] == [1, 0]


def comparisons(change: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {c["measure"]: (c["before"]["attempts"], c["before"]["median"],
                           c["after"]["attempts"], c["after"]["median"], c["readable"],
                           c["direction"], c["reading"])
            for c in change["comparisons"]}


def test_each_change_is_read_only_with_two_attempts_a_side(dpt: Dpt) -> None:
    timebox, difficulty, feedback = shown(dpt)["changes"]
    assert (timebox["attempt"], timebox["lever"], timebox["later_changes"]) == (
        2, "timebox", [3, 5])
    assert not any(c["readable"] for c in timebox["comparisons"])  # attempt 1 alone before
    assert not any(c["readable"] for c in feedback["comparisons"])  # attempt 5 alone after
    assert {c["reading"] for c in feedback["comparisons"]} == {"too few attempts to tell"}
    got = comparisons(difficulty)
    assert (difficulty["attempt"], difficulty["later_changes"]) == (3, [5])
    # before: attempts 1-2; from it on: 3-5 (3 replaced and 4 unrated still count, but
    # have no rating; 3 has no green run)
    assert got["active_seconds"] == ([1, 2], 1410, [3, 4, 5], 301, True, -1, "lower after")
    assert got["first_green_s"] == ([1, 2], 601, [4, 5], 211, True, -1,
                                    "lower after (better)")
    assert got["longest_red_streak"] == ([1, 2], 2, [3, 4, 5], 1, True, -1,
                                         "lower after (better)")
    assert got["repeated_error_density"][1:] == (pytest.approx(2 / 3), [3, 4, 5], 0, True, -1,
                                                 "lower after (better)")
    assert got["runs"][-1] == "the same after"
    assert got["error_quotient"] == ([2], pytest.approx(2 / 3), [3, 4], 0.5, False, 0,
                                     "too few attempts to tell")
    assert got["rating"] == ([1, 2], 5, [5], 8, False, 0, "too few attempts to tell")


def test_text_shows_the_same_numbers_modestly(dpt: Dpt) -> None:
    out = dpt("drill", "show", "BOWLING").stdout
    assert out.startswith("Drill · Bowling\n5 attempts from Mon 6 May 2024 to Mon 13 May 2024 "
                          "· latest 8/10 (#5) · 3 changes\n")
    assert re.search(r"^2\s+Tue 07 May 2024 23:50\s+45m\s+27m\s+6/10\s+timebox$", out, re.M)
    assert re.search(r"^3\s+Thu 09 May 2024 10:00\s+45m\s+5m\s+replaced unrated\s+difficulty",
                     out, re.M)
    assert re.search(r"^4\s+.*\s+ended unrated\s+—$", out, re.M)
    assert re.search(r"^2\s+4 \(3\)\s+16m\s+3\s+0\.67\s+1\.33\s+0$", out, re.M)
    assert re.search(r"^3\s+0/0\s+test_error_quotient\s+0/0/5$", out, re.M)
    assert re.search(r"^time to first green\s+4m\s+4m\s+the same$", out, re.M)
    assert re.search(r"^self-rating\s+4/10\s+8/10\s+higher \(better\)$", out, re.M)
    prose = " ".join(out.split())
    assert ("Attempt 3 changed the difficulty: spares and strikes. Before: #1, #2; from it on: "
            "#3, #4, #5.") in prose
    assert "Too few attempts to tell: 1 before and 4 from it on (2 a side needed)." in prose
    assert "not what it caused" in prose and "never with other people" in prose
    assert "significan" not in prose


def test_markdown_has_the_tables(dpt: Dpt) -> None:
    md = dpt("drill", "show", "bowling", "--format", "markdown").stdout
    assert md.startswith("# Drill · Bowling\n")
    assert "| # | Runs (red) | First green | Longest red | EQ | RED | Commits |" in md
    assert "| 1 | 2 (1) | 4m | 1 | — | 0.00 | 1 |" in md


def test_a_renamed_drill_keeps_its_attempts_and_frees_the_old_name(dpt: Dpt) -> None:
    rows = json.loads(dpt("drill", "list", "--format", "json").stdout)
    assert [(r["name"], r["attempts"], r["first"], r["last"], r["latest_rating"], r["trend"])
            for r in rows] == [("kata", 1, "2024-05-14", "2024-05-14", 7, None),
                               ("Bowling", 5, "2024-05-06", "2024-05-13", 8, "up")]
    kata = json.loads(dpt("drill", "show", "kata", "--format", "json").stdout)
    assert [(a["attempt"], a["title"], a["active_seconds"]) for a in kata["attempts"]] == [
        (1, "Kata", 600)]


def test_an_unknown_drill_is_one_line(dpt: Dpt) -> None:
    result = dpt("drill", "show", "nope", code=1)
    assert result.stderr == "dpt: error: no drill named 'nope' (dpt drill list shows them)\n"

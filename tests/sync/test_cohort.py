"""`dpt cohort report`: the mentor's view, checked against the learners' own summaries and
against cohorts written by construction."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.summary.browser import Chromium
from tests.summary.days import practice_day
from tests.sync.conftest import Home
from tests.sync.test_share import _at, _today, secret_day, store

SINCE = "2024-05-01"
TODAY = _today("2024-05-08")


def report(run: Home, source: str, *args: str) -> dict[str, Any]:
    """The cohort report as JSON, since SINCE unless `args` ask for the week."""
    since = [] if "--week" in args else ["--since", SINCE]
    done = run("cohort", "report", source, *since, "--format", "json", *args, env=TODAY)
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_every_number_matches_the_learners_own_summaries(home, remote: str,
                                                         tmp_path: Path) -> None:
    learners = {"alice": practice_day(), "bob": secret_day()}
    for name, day in learners.items():
        run = home(name)
        store(run, tmp_path, day)
        run("goal", "start", f"{name}'s later goal", env=_today("2024-05-07"))
        run("goal", "end", "--rating", "3", env=_today("2024-05-07"))
        run("share", "init", remote, "--as", name)
        run("share", "--since", SINCE, env=TODAY)
    mentor = home("mentor")
    data = report(mentor, remote)
    assert (data["start"], data["end"]) == (SINCE, "2024-05-08")
    assert [x["name"] for x in data["learners"]] == ["alice", "bob"]
    for row in data["learners"]:
        own = [json.loads(home(row["name"])("summary", "--date", d, "--format", "json").stdout)
               for d in ("2024-05-06", "2024-05-07")]
        sessions = [s for day in own for s in day["sessions"]]
        assert row["practice_seconds"] == pytest.approx(sum(d["active_seconds"] for d in own))
        assert row["sessions"] == len(sessions)
        for zone in ("comfort", "learning", "panic"):
            assert row["zone_seconds"][zone] == pytest.approx(sum(
                s["active_seconds"] for s in sessions if s["zone"]["zone"] == zone))
        assert row["ratings"] == [6, 3]  # the kata's end on the 6th, the later goal's on the 7th
        stuck = [m for day in own for m in day["stuck_moments"]]
        assert row["stuck_moments"] == {"logged": sum(not m["detected"] for m in stuck),
                                        "detected": sum(m["detected"] for m in stuck)}
        assert row["last_active"] == max(d["date"] for d in own if d["active_seconds"])
        top = max((s for day in own for s in day["signals"]), key=lambda s: s["severity"])
        assert row["strongest_signals"][0]["severity"] == top["severity"]
        assert [d["date"] for d in row["days"]] == ["2024-05-06", "2024-05-07"]
    # the same numbers from a folder (a clone the mentor keeps) as from the URL
    clone = tmp_path / "cohort-clone"
    subprocess.run(["git", "clone", "-q", remote, str(clone)], check=True)
    assert report(mentor, str(clone))["learners"] == data["learners"]


def _day(day: date, sessions: list[tuple[str, float]], goals: list[dict[str, Any]] = (),
         stuck: int = 0) -> dict[str, Any]:
    return {"schema_version": 1, "kind": "day", "date": day.isoformat(),
            "active_seconds": sum(s for _, s in sessions),
            "sessions": [{"index": i, "active_seconds": s, "zone": {"zone": z}}
                         for i, (z, s) in enumerate(sessions)],
            "test_runs": {"total": 4, "failed": 1}, "goals": list(goals),
            "stuck_moments": [{"detected": False}] * stuck, "signals": []}


def _write(root: Path, learner: str, days: list[dict[str, Any]]) -> None:
    folder = root / "learners" / learner / "days"
    folder.mkdir(parents=True)
    for day in days:
        (folder / f"{day['date']}.json").write_text(json.dumps(day))


def _goal(n: int, rating: int, ended: date, drill: str | None = None) -> dict[str, Any]:
    """A goal started and ended on the same day, as a shared day holds it."""
    return {"id": f"g{n}", "title": f"goal {n}", "rating": rating, "drill": drill,
            "started": f"{ended.isoformat()}T09:00:00+00:00",
            "ended": f"{ended.isoformat()}T10:00:00+00:00"}


def test_flags_on_a_cohort_built_by_construction(home, tmp_path: Path) -> None:
    root = tmp_path / "cohort"
    end = date(2024, 5, 8)
    d = [end - timedelta(days=n) for n in range(12)]  # d[0] is the period's last day
    _write(root, "calm", [_day(d[1], [("comfort", 1800), ("learning", 1800)])])
    _write(root, "panicky", [_day(d[2], [("learning", 2160), ("panic", 1440)], stuck=2)])
    _write(root, "away", [_day(d[10], [("learning", 3000)])])
    _write(root, "sinking", [_day(d[11], [("learning", 600)], [_goal(1, 8, d[11])]),
                             _day(d[5], [("learning", 600)], [_goal(2, 6, d[5], "kata")]),
                             _day(d[1], [("learning", 600)], [_goal(3, 5, d[1], "kata")])])
    rows = {x["name"]: x for x in report(home("mentor"), str(root), "--week")["learners"]}
    assert rows["calm"]["flags"] == []
    assert rows["calm"]["practice_seconds"] == 3600
    assert rows["panicky"]["flags"] == [
        "panic-heavy: 24 of 60 practice minutes in the panic zone (40%, flagged from 30%)"]
    assert rows["panicky"]["stuck_moments"] == {"logged": 2, "detected": 0}
    assert rows["away"]["flags"] == ["no practice for 10 days (last 2024-04-28)"]
    assert rows["away"]["days"] == [] and rows["away"]["practice_seconds"] == 0
    assert rows["sinking"]["flags"] == ["ratings falling: 8 → 6 → 5 over the last 3 rated goals"]
    assert rows["sinking"]["ratings"] == [6, 5]  # those of the week; the flag looks further back
    assert (rows["sinking"]["drills"], rows["sinking"]["attempts"]) == (1, 2)
    both = home("mentor")("cohort", "report", str(root), "--week", "--since", SINCE,
                          env=TODAY, check=False)  # --since used to win without a word
    assert (both.returncode, both.stderr.splitlines()[0]) == (
        2, "dpt cohort report: give --week or --since, not both (see 'dpt cohort report "
           "--help')")

    mentor = home("mentor")
    markdown = mentor("cohort", "report", str(root), "--format", "markdown", env=TODAY).stdout
    assert "| panicky | 60 | 2 | 0/36/24 | 0/0 | — |" in markdown
    assert "- sinking: ratings falling: 8 → 6 → 5 over the last 3 rated goals" in markdown
    assert "## calm" in markdown  # a page for every learner
    text = mentor("cohort", "report", str(root), env=TODAY).stdout
    assert headings(text) == ["Learners", "Flags", "away", "panicky", "sinking"]  # flagged
    one = mentor("cohort", "report", str(root), "--learner", "calm", env=TODAY).stdout
    assert headings(one) == ["Learners", "Flags", "calm"]
    unknown = mentor("cohort", "report", str(root), "--learner", "zed", env=TODAY, check=False)
    assert unknown.returncode == 2 and "no learner zed" in unknown.stderr


def headings(text: str) -> list[str]:
    """The section titles of a text report (a title, then a rule to the right margin)."""
    return re.findall(r"^(\S+) ─{3,}$", text, re.MULTILINE)


def test_the_html_is_static_and_renders(home, tmp_path: Path) -> None:
    root = tmp_path / "cohort"
    _write(root, "ana<script>", [_day(date(2024, 5, 6), [("panic", 2400)])])
    page = tmp_path / "cohort.html"
    home("mentor")("cohort", "report", str(root), "--format", "html", "--output", str(page),
                   env=TODAY)
    html = page.read_text()
    assert "<script" not in html and "&lt;script&gt;" in html
    browser = Chromium(tmp_path / "chromium-profile")
    try:
        visit = browser.visit(page.as_uri())
    finally:
        browser.close()
    assert visit.errors == []
    assert visit.requests == [page.as_uri()]


def test_a_cohort_from_a_newer_version_or_no_cohort_is_one_line(home, tmp_path: Path) -> None:
    root = tmp_path / "cohort"
    (root / "learners" / "ana").mkdir(parents=True)
    (root / "learners" / "ana" / "learner.json").write_text('{"format": 7, "name": "ana"}')
    mentor = home("mentor")
    done = mentor("cohort", "report", str(root), check=False)
    assert done.returncode == 1 and "written by a newer dptelemetry (format 7" in done.stderr
    empty = mentor("cohort", "report", str(tmp_path), check=False)
    assert empty.returncode == 1 and "holds no learners/ folder" in empty.stderr


def test_minutes_and_shares_are_cut_down_never_rounded_up(home, tmp_path: Path) -> None:
    """As the summary prints durations: a figure never shows a minute or a percent that was
    not reached (29.99 minutes is 29, half a minute is <1)."""
    root = tmp_path / "cohort"
    _write(root, "edgy", [_day(date(2024, 5, 6),
                               [("comfort", 30), ("learning", 1799.5), ("panic", 1290)])])
    mentor = home("mentor")
    [row] = report(mentor, str(root))["learners"]
    assert row["flags"] == [
        "panic-heavy: 21 of 51 practice minutes in the panic zone (41%, flagged from 30%)"]
    markdown = mentor("cohort", "report", str(root), "--format", "markdown", env=TODAY).stdout
    assert "| edgy | 51 | 3 | <1/29/21 | 0/0 | — |" in markdown
    assert "| 2024-05-06 | 51 | 3 |" in markdown


@pytest.mark.parametrize(("name", "text", "why"), [
    ("days/2024-05-06.json", "[1, 2]", "a JSON list, not an object"),
    ("days/2024-05-06.json", '{"active_seconds": 60}', "no 'date'"),
    ("days/2024-05-06.json", '{"date": "2024-05-06", "sessions": [7]}', "'int' object"),
    ("days/2024-05-06.json", '{"date": "2024-05-06", "goals": [{"id": "g", "rating": 5, '
                             '"ended": "yesterday"}]}', "Invalid isoformat string"),
    ("learner.json", '"ana"', "a JSON str, not an object"),
])
def test_a_file_not_as_share_writes_it_is_named_in_one_line(home, tmp_path: Path, name: str,
                                                            text: str, why: str) -> None:
    root = tmp_path / "cohort"
    _write(root, "calm", [_day(date(2024, 5, 6), [("comfort", 1800)])])
    bad = root / "learners" / "odd" / name
    bad.parent.mkdir(parents=True)
    bad.write_text(text)
    done = home("mentor")("cohort", "report", str(root), env=TODAY, check=False)
    assert done.returncode == 1, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"dpt: error: {bad}: not a file `dpt share` writes (")
    assert why in line


def test_drills_attempts_and_ratings_are_counted_as_progress_counts_them(
        home, remote: str, tmp_path: Path) -> None:
    """Of the goals started in the period: a goal started the day before it is left out
    though it ended inside it; a goal shared on two days counts once; a drill shared under
    two spellings (before and after its latest attempt) is one drill."""
    alice = home("alice")
    alice("share", "init", remote, "--as", "alice")
    for start, end, title, drill, rating in (
            ("2024-05-05T23:30", "2024-05-06T00:30", "warm-up", "Warm", "9"),
            ("2024-05-06T09:00", "2024-05-06T09:30", "kata one", "Kata", "4")):
        alice("goal", "start", title, "--drill", drill, env=_at(start))
        alice("goal", "end", "--rating", rating, env=_at(end))
    alice("share", "--since", "2024-05-05", env=_at("2024-05-06T20:00:00"))
    for start, end, title, drill, rating in (
            ("2024-05-07T09:00", "2024-05-07T09:30", "kata two", " KATA ", "6"),
            ("2024-05-07T23:30", "2024-05-08T00:30", "bowling", "Bowling", "2")):
        alice("goal", "start", title, "--drill", drill, env=_at(start))
        alice("goal", "end", "--rating", rating, env=_at(end))
    alice("share", env=_at("2024-05-08T12:00:00"))
    done = home("mentor")("cohort", "report", remote, "--since", "2024-05-06", "--format",
                          "json", env=TODAY)
    [row] = json.loads(done.stdout)["learners"]
    progress = json.loads(alice("progress", "--date", "2024-05-08", "--weeks", "1",
                                "--format", "json", env=TODAY).stdout)
    [week] = progress["periods"]
    assert (week["first"], week["last"]) == ("2024-05-06", "2024-05-08")
    assert (row["drills"], row["attempts"], row["ratings"]) == (2, 3, [4, 6, 2])
    assert (week["drills"], week["attempts"], week["ratings"]) == (2, 3, [4, 6, 2])
    assert row["median_rating"] == week["median_rating"] == 4

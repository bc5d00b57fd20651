"""`dpt log`: commits grouped by their Practice-Goal trailer, timed where the store knows the
goal. The goals are written with exact timestamps and the commits carry exact dates, so
every duration below is known by construction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gitrepo import Git, RunDpt, commit_events, commit_file

from dptelemetry.goals import end_goal, start_goal
from dptelemetry.store import open_store

BASE = 1_790_000_000  # 2026-09-21, a fixed past moment


def at(git: Git, name: str, subject: str, offset: int, *extra: str) -> None:
    stamp = f"@{BASE + offset} +0000"
    done = commit_file(git, name, f"{subject}\n", "-m", subject, *extra,
                       env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
    assert done.returncode == 0, done.stderr


@pytest.fixture
def history(installed: Path, git: Git, dpt_home: Path) -> Git:
    """untagged base; 'Bowling kata' 0..1800 s with commits at 600 and 1500; 'Parser' from
    3600 with a commit at 3900; a commit whose trailer names a goal from another machine."""
    at(git, "base.txt", "base", -100)
    with open_store(dpt_home) as store:
        start_goal(store, dpt_home, "Bowling kata", now=BASE)
    at(git, "f1.txt", "frame one", 600)
    at(git, "f2.txt", "frame two", 1500)
    with open_store(dpt_home) as store:
        end_goal(store, dpt_home, now=BASE + 1800, rating=7)
        start_goal(store, dpt_home, "Parser", now=BASE + 3600)
    at(git, "p.txt", "parser work", 3900)
    at(git, "e.txt", "imported", 4000, "-m", "Practice-Goal: From elsewhere")
    commit_events(dpt_home, 5)
    return git


def log_json(run_dpt: RunDpt, repo: Path, *args: str) -> list[dict[str, Any]]:
    done = run_dpt("log", "--repo", str(repo), "--format", "json", *args)
    assert done.returncode == 0, done.stderr
    result: list[dict[str, Any]] = json.loads(done.stdout)
    return result


def summary(groups: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(g["title"], g["time_between_commits_s"],
             [(c["subject"], c["since_previous_s"]) for c in g["commits"]]) for g in groups]


def test_commits_per_goal_with_time_between_commits(history: Git, installed: Path,
                                                    run_dpt: RunDpt) -> None:
    groups = log_json(run_dpt, installed)
    assert summary(groups) == [
        ("Bowling kata", 1500.0, [("frame one", 600.0), ("frame two", 900.0)]),
        ("Parser", 300.0, [("parser work", 300.0)]),
        ("From elsewhere", 0.0, [("imported", None)]),
    ]
    bowling = groups[0]
    assert bowling["goal_elapsed_s"] == 1800.0
    assert bowling["goal_ended"] is not None
    assert groups[2]["goal_id"] is None


def test_all_adds_the_untagged_commits_last(history: Git, installed: Path,
                                            run_dpt: RunDpt) -> None:
    groups = log_json(run_dpt, installed, "--all")
    assert [g["title"] for g in groups] == ["Bowling kata", "Parser", "From elsewhere", None]
    assert [c["subject"] for c in groups[-1]["commits"]] == ["base"]


def test_text_output(history: Git, installed: Path, run_dpt: RunDpt) -> None:
    done = run_dpt("log", "--repo", str(installed), "--goal", "Bowling kata")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Bowling kata: 2 commits over 25m; goal ended after 30m, rated 7/10"
    assert len(lines) == 3
    assert lines[1].split()[3:] == ["+10m", "frame", "one"]
    assert lines[2].split()[3:] == ["+15m", "frame", "two"]
    sha = history("rev-parse", "HEAD~2").stdout.strip()
    assert lines[2].split()[2] == sha[:9]


def test_the_goal_link_follows_a_rewritten_commit(history: Git, installed: Path,
                                                  run_dpt: RunDpt, dpt_home: Path) -> None:
    history("rebase", "-i", "HEAD~4", env={
        "GIT_SEQUENCE_EDITOR": "sed -i 's/^pick/reword/'",
        "GIT_EDITOR": "sed -i '1s/$/ (reworded)/'",
    })
    commit_events(dpt_home, 9)
    assert summary(log_json(run_dpt, installed)) == [
        ("Bowling kata", 1500.0, [("frame one (reworded)", 600.0),
                                  ("frame two (reworded)", 900.0)]),
        ("Parser", 300.0, [("parser work (reworded)", 300.0)]),
        ("From elsewhere", 0.0, [("imported (reworded)", None)]),
    ]


def test_without_a_usable_store_the_trailers_still_answer(history: Git, installed: Path,
                                                          run_dpt: RunDpt,
                                                          dpt_home: Path) -> None:
    (dpt_home / "events.sqlite3").write_bytes(b"garbage" * 1000)
    done = run_dpt("log", "--repo", str(installed))
    assert done.returncode == 0
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("dpt: warning: the store")
    assert "Parser: 1 commit (this goal is not in the store)" in done.stdout


def test_bad_requests_are_one_line(history: Git, installed: Path, run_dpt: RunDpt) -> None:
    unknown = run_dpt("log", "--repo", str(installed), "--goal", "Nope")
    assert unknown.returncode == 1
    assert unknown.stderr == (f"dpt: error: no commit in {installed.resolve()} is tagged "
                              "'Practice-Goal: Nope'\n")
    both = run_dpt("log", "--repo", str(installed), "--goal", "Parser", "--all")
    assert both.returncode == 2
    assert both.stderr.count("\n") == 1


def test_a_repository_without_tagged_commits(repo: Path, git: Git, run_dpt: RunDpt) -> None:
    empty = run_dpt("log", "--repo", str(repo))
    assert empty.returncode == 0
    assert "No commit in" in empty.stdout
    assert commit_file(git, "a.txt", "a\n", "-m", "untagged").returncode == 0
    assert log_json(run_dpt, repo) == []


def test_attempts_of_a_drill_are_grouped_under_it(installed: Path, git: Git, dpt_home: Path,
                                                  run_dpt: RunDpt) -> None:
    """Two attempts of one drill (same title, as `dpt goal again` makes them) and a plain
    goal between them: each attempt keeps its own commits, gathered under the drill."""
    with open_store(dpt_home) as store:
        start_goal(store, dpt_home, "Bowling kata", now=BASE, drill="bowling")
    at(git, "a.txt", "first try", 600)
    commit_events(dpt_home, 1)  # recorded while its attempt is the active goal
    with open_store(dpt_home) as store:
        end_goal(store, dpt_home, now=BASE + 1800, rating=5)
        start_goal(store, dpt_home, "Parser", now=BASE + 2000)
    at(git, "p.txt", "parser work", 2100)
    commit_events(dpt_home, 2)
    with open_store(dpt_home) as store:
        start_goal(store, dpt_home, "Bowling kata", now=BASE + 3600, drill="bowling")
    at(git, "b.txt", "second try", 3900)
    at(git, "c.txt", "second try, more", 4200)
    commit_events(dpt_home, 4)
    groups = log_json(run_dpt, installed)
    assert [(g["drill"], g["attempt"], g["title"], [c["subject"] for c in g["commits"]])
            for g in groups] == [
        ("bowling", 1, "Bowling kata", ["first try"]),
        (None, None, "Parser", ["parser work"]),
        ("bowling", 2, "Bowling kata", ["second try", "second try, more"])]
    text = run_dpt("log", "--repo", str(installed)).stdout.splitlines()
    assert text[0] == "Drill 'bowling': 3 commits in 2 attempts"
    assert text[1].startswith("  attempt 1: Bowling kata: 1 commit over 10m; goal ended")
    assert text[3].startswith("  attempt 2: Bowling kata: 2 commits over 10m; goal running")
    assert text[6].startswith("Parser: 1 commit over ")

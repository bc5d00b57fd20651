"""The detached recorder: `commit` events with the right facts, rewritten commits that keep
their goal, and commits that go through whatever state dptelemetry is in."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from gitrepo import Git, RunDpt, commit_events, commit_file, goal_trailers, wait_for_recorders

from dptelemetry.goal_file import read_active_goal_file
from dptelemetry.store import open_store

GOAL = "Bowling kata"


def active_goal_id(home: Path) -> str:
    found = read_active_goal_file(home)
    assert found is not None
    return found.goal_id


def test_commit_event_has_sha_branch_goal_and_counts(installed: Path, git: Git,
                                                    start_goal: Callable[..., None],
                                                    dpt_home: Path) -> None:
    start_goal(GOAL)
    (installed / "keep.txt").write_text("1\n2\n3\n4\n")
    (installed / "gone.txt").write_text("x\ny\n")
    git("add", ".")
    assert git("commit", "-q", "-m", "setup", check=False).returncode == 0
    (installed / "keep.txt").write_text("1\nTWO\n3\n4\n5\n6\n")
    (installed / "new.txt").write_text("n\n")
    git("rm", "-q", "gone.txt")
    git("add", ".")
    assert git("commit", "-q", "-m", "change", check=False).returncode == 0
    by_sha = {e.payload["sha"]: e for e in commit_events(dpt_home, 2)}
    setup = by_sha[git("rev-parse", "HEAD~1").stdout.strip()]
    change = by_sha[git("rev-parse", "HEAD").stdout.strip()]
    assert (setup.payload["files"], setup.payload["insertions"]) == (2, 6)
    assert change.kind == "commit"
    assert change.source == "git"
    assert change.repo == str(installed.resolve())
    assert change.goal_id == active_goal_id(dpt_home)
    assert change.payload == {
        "sha": git("rev-parse", "HEAD").stdout.strip(), "branch": "main", "goal": GOAL,
        "files": 3, "insertions": 4, "deletions": 3, "rewritten_from": None, "merge": False,
    }


def test_an_untagged_commit_has_no_goal(installed: Path, git: Git, dpt_home: Path) -> None:
    assert commit_file(git, "a.txt", "a\n", "-m", "no goal").returncode == 0
    (event,) = commit_events(dpt_home, 1)
    assert event.goal_id is None
    assert event.payload["goal"] is None


def test_merge_commit_counts_against_its_first_parent(installed: Path, git: Git,
                                                      dpt_home: Path) -> None:
    assert commit_file(git, "a.txt", "a\n", "-m", "base").returncode == 0
    git("checkout", "-q", "-b", "topic")
    assert commit_file(git, "t.txt", "1\n2\n", "-m", "topic").returncode == 0
    git("checkout", "-q", "main")
    assert commit_file(git, "m.txt", "m\n", "-m", "main").returncode == 0
    git("merge", "--no-ff", "--no-edit", "topic")
    head = git("rev-parse", "HEAD").stdout.strip()
    (merge,) = [e for e in commit_events(dpt_home, 4) if e.payload["sha"] == head]
    assert merge.payload["merge"] is True
    assert merge.payload["branch"] == "main"
    assert (merge.payload["files"], merge.payload["insertions"]) == (1, 2)
    # a fast-forward makes no commit here: nothing new is recorded
    git("checkout", "-q", "-b", "ahead")
    assert commit_file(git, "f.txt", "f\n", "-m", "ahead").returncode == 0
    git("checkout", "-q", "main")
    git("merge", "-q", "--ff-only", "ahead")
    assert len(commit_events(dpt_home, 5)) == 5


def test_amend_keeps_the_goal_link_from_old_sha_to_new(installed: Path, git: Git,
                                                       start_goal: Callable[..., None],
                                                       dpt_home: Path) -> None:
    start_goal(GOAL)
    first_goal = active_goal_id(dpt_home)
    assert commit_file(git, "a.txt", "a\n", "-m", "first").returncode == 0
    old = git("rev-parse", "HEAD").stdout.strip()
    (original,) = commit_events(dpt_home, 1)
    start_goal("Another goal")
    (installed / "a.txt").write_text("a\nb\n")
    git("add", "a.txt")
    git("commit", "--amend", "--no-edit")
    new = git("rev-parse", "HEAD").stdout.strip()
    events = commit_events(dpt_home, 2)
    assert original in events
    (amended,) = [e for e in events if e != original]
    assert amended.payload["sha"] == new
    assert amended.payload["rewritten_from"] == old
    assert amended.payload["goal"] == GOAL
    assert amended.goal_id == first_goal
    assert amended.payload["insertions"] == 2


def test_rebase_records_each_rewritten_commit_with_its_old_goal(
        installed: Path, git: Git, start_goal: Callable[..., None], dpt_home: Path) -> None:
    start_goal(GOAL)
    goal_a = active_goal_id(dpt_home)
    for n in range(3):
        assert commit_file(git, f"{n}.txt", f"{n}\n", "-m", f"commit {n}").returncode == 0
    before = git("rev-list", "--reverse", "HEAD").stdout.split()
    commit_events(dpt_home, 3)
    start_goal("Another goal")
    git("rebase", "-i", "--root", env={
        "GIT_SEQUENCE_EDITOR": "sed -i 's/^pick/reword/'",
        "GIT_EDITOR": "sed -i '1s/$/ (reworded)/'",
    })
    after = git("rev-list", "--reverse", "HEAD").stdout.split()
    events = commit_events(dpt_home, 6)
    rewrites = {e.payload["sha"]: e for e in events if e.payload["rewritten_from"]}
    assert set(rewrites) == set(after)
    for old, new in zip(before, after, strict=True):
        assert rewrites[new].payload["rewritten_from"] == old
        assert rewrites[new].goal_id == goal_a
        assert rewrites[new].payload["goal"] == GOAL
    assert len(events) == 6  # the replayed commits were not also recorded as new ones


def test_the_install_time_data_home_is_used_without_dpt_home(
        installed: Path, git: Git, start_goal: Callable[..., None], dpt_home: Path) -> None:
    start_goal(GOAL)
    env = {k: v for k, v in os.environ.items() if k != "DPT_HOME"}
    done = commit_file(git, "a.txt", "a\n", "-m", "subject", env={"DPT_HOME": ""})
    assert done.returncode == 0, done.stderr
    assert goal_trailers(git) == [GOAL]
    assert len(commit_events(dpt_home, 1)) == 1
    assert env  # the commit ran with DPT_HOME empty: the shim fell back to the baked home


def test_a_broken_store_never_fails_a_commit_and_nothing_is_lost(
        installed: Path, git: Git, start_goal: Callable[..., None], dpt_home: Path,
        run_dpt: RunDpt) -> None:
    start_goal(GOAL)
    store = dpt_home / "events.sqlite3"
    good = store.read_bytes()
    store.write_bytes(b"this is not a database" * 100)
    first = commit_file(git, "a.txt", "a\n", "-m", "while broken")
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""  # the recorder runs detached: its problem shows next time
    assert goal_trailers(git) == [GOAL]
    wait_for_recorders(dpt_home)
    assert len(list((dpt_home / "spool").glob("*.jsonl"))) == 1
    second = commit_file(git, "b.txt", "b\n", "-m", "still broken")
    assert second.returncode == 0
    lines = second.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("dptelemetry: an earlier commit: store unavailable")
    wait_for_recorders(dpt_home)
    store.write_bytes(good)
    with open_store(dpt_home) as opened:  # the next opening ingests the spool
        shas = {e.payload["sha"] for e in opened.events_between(0, 2**40, kinds=["commit"])}
    assert shas == set(git("rev-list", "HEAD").stdout.split())


def test_no_dptelemetry_to_record_with_is_one_warning(installed: Path, git: Git,
                                                      start_goal: Callable[..., None],
                                                      tmp_path: Path) -> None:
    start_goal(GOAL)
    shim = installed / ".git" / "hooks" / "post-commit"
    shim.write_text(shim.read_text().replace("DPT_INSTALL_PACKAGE=", "DPT_INSTALL_PACKAGE=/gone #"))
    bare_path = tmp_path / "bin"
    bare_path.mkdir()
    for tool in ("git", "sh", "cat", "rm", "mv", "tr", "sed"):
        found = shutil.which(tool)
        assert found is not None
        (bare_path / tool).symlink_to(found)
    done = commit_file(git, "a.txt", "a\n", "-m", "subject", env={"PATH": str(bare_path)})
    assert done.returncode == 0
    assert goal_trailers(git) == [GOAL]  # the trailer needs no Python
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("dptelemetry: commit not recorded: dptelemetry is gone")


def test_a_data_home_that_cannot_be_written_is_one_warning(installed: Path, git: Git,
                                                           tmp_path: Path) -> None:
    not_a_dir = tmp_path / "home-is-a-file"
    not_a_dir.write_text("")
    done = commit_file(git, "a.txt", "a\n", "-m", "subject", env={"DPT_HOME": str(not_a_dir)})
    assert done.returncode == 0
    assert done.stderr == (f"dptelemetry: the data home {not_a_dir} is not a writable "
                           "directory: this commit waits in a private temporary directory "
                           "until it is\n")  # not the install's data home: its path is unknown


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only directory")
def test_a_read_only_data_home_is_one_warning(installed: Path, git: Git,
                                              start_goal: Callable[..., None],
                                              dpt_home: Path) -> None:
    start_goal(GOAL)
    dpt_home.chmod(0o500)
    try:
        done = commit_file(git, "a.txt", "a\n", "-m", "subject")
    finally:
        dpt_home.chmod(0o700)
    assert done.returncode == 0
    assert goal_trailers(git) == [GOAL]
    assert "is not a writable directory" in done.stderr
    assert done.stderr.count("\n") == 1


def test_the_commit_never_waits_for_the_recorder(installed: Path, git: Git,
                                                 tmp_path: Path) -> None:
    """A recorder that never ends: `git commit`, its output captured through pipes, still
    returns, because the recorder holds neither git's process nor its pipes."""
    pidfile = tmp_path / "recorder.pid"
    slow = tmp_path / "slow-python"
    slow.write_text(f"#!/bin/sh\necho $$ > {pidfile}\nexec sleep 120\n")
    slow.chmod(0o755)
    shim = installed / ".git" / "hooks" / "post-commit"
    shim.write_text(re.sub(r"^DPT_INSTALL_PYTHON=.*$", f"DPT_INSTALL_PYTHON={slow}",
                           shim.read_text(), flags=re.MULTILINE))
    try:
        done = commit_file(git, "a.txt", "a\n", "-m", "subject")  # pipes; times out at 60 s
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 30
        while not pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(int(pidfile.read_text()), 0)  # still running after the commit returned
    finally:
        if pidfile.exists():
            os.kill(int(pidfile.read_text()), signal.SIGTERM)


def test_a_store_that_fails_in_another_way_still_keeps_the_commit(
        installed: Path, git: Git, start_goal: Callable[..., None], dpt_home: Path) -> None:
    """Not a StoreError: an old schema's timestamp that cannot be read makes reading the
    goals raise. The commit is still recorded."""
    start_goal(GOAL)
    with closing(sqlite3.connect(dpt_home / "events.sqlite3")) as conn, conn:
        conn.execute("UPDATE events SET ts_ms = 'yesterday' WHERE kind = 'goal_start'")
    done = commit_file(git, "a.txt", "a\n", "-m", "subject")
    assert done.returncode == 0, done.stderr
    wait_for_recorders(dpt_home)
    with closing(sqlite3.connect(dpt_home / "events.sqlite3")) as conn:
        shas = [json.loads(payload)["sha"] for (payload,) in conn.execute(
            "SELECT payload FROM events WHERE kind = 'commit'")]
    assert shas == [git("rev-parse", "HEAD").stdout.strip()]


def test_a_config_file_that_is_not_toml_never_costs_a_commit(
        installed: Path, git: Git, start_goal: Callable[..., None], dpt_home: Path) -> None:
    start_goal(GOAL)
    config = Path(os.environ["DPT_CONFIG"])
    config.write_text("x = = [\n")
    first = commit_file(git, "a.txt", "a\n", "-m", "one")
    assert (first.returncode, first.stderr) == (0, "")
    (event,) = commit_events(dpt_home, 1)
    assert event.goal_id == active_goal_id(dpt_home)
    warning = dpt_home / "hook-warning"
    assert warning.stat().st_mode & 0o777 == 0o600  # it names paths
    config.unlink()
    second = commit_file(git, "b.txt", "b\n", "-m", "two")
    assert second.returncode == 0
    assert second.stderr == (
        f"dptelemetry: an earlier commit: config file {config} is not valid TOML: Invalid "
        "value (at line 1, column 5); using the defaults, with paths stored hashed until it "
        "is fixed\n")
    assert len(commit_events(dpt_home, 2)) == 2

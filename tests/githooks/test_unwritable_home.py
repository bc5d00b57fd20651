"""A data home that cannot take a write (under a regular file; on a really full disk): every
commit still goes through, the user is told once a commit, and every commit that can be kept
is kept elsewhere and recorded once the home works again."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from gitrepo import Git, RunDpt, commit_file, goal_trailers, wait_for_recorders
from smalldisk import SmallDisk

from dptelemetry import fallback
from dptelemetry.store import open_store

GOAL = "Bowling kata"


def install(repo: Path, run_dpt: RunDpt, home: Path) -> None:
    done = run_dpt("hooks", "install", "--repo", str(repo), env={"DPT_HOME": str(home)})
    assert done.returncode == 0, done.stderr


def recorded_shas(home: Path) -> set[str]:
    with open_store(home) as store:  # opening it reads back what waited elsewhere
        return {e.payload["sha"] for e in store.events_between(0, 2**40, kinds=["commit"])}


def leftovers(*directories: Path) -> list[Path]:
    """Partial files a failed write left behind."""
    return [p for d in directories for p in d.rglob("*.tmp")]


def test_a_data_home_under_a_regular_file_is_said_once_a_commit_and_loses_nothing(
        repo: Path, git: Git, run_dpt: RunDpt, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    home = blocker / "home"
    install(repo, run_dpt, home)
    env = {"DPT_HOME": str(home)}
    waits = Path(os.environ["XDG_RUNTIME_DIR"]) / fallback.name(home)
    said = (f"dptelemetry: the data home {home} is not a writable directory: this commit "
            f"waits in {waits} until it is\n")
    for name in ("a.txt", "b.txt"):
        done = commit_file(git, name, "x\n", "-m", name, env=env)
        assert done.returncode == 0
        assert done.stderr == said  # the second commit's line is not doubled by the first's
        wait_for_recorders(home)
    assert len(list((waits / "spool").glob("*.jsonl"))) == 2
    status = run_dpt("hooks", "status", "--repo", str(repo), env=env)
    assert (f"waiting in {waits}: 2 batch(es) the data home could not take; any dpt command "
            "stores them once it can\n") in status.stdout

    blocker.unlink()
    assert recorded_shas(home) == set(git("rev-list", "HEAD").stdout.split())
    assert list((waits / "spool").iterdir()) == []


def test_a_full_disk_loses_no_commit_and_the_next_commit_says_why(
        repo: Path, git: Git, run_dpt: RunDpt, small_disk: SmallDisk,
        start_goal: Callable[..., None]) -> None:
    home = small_disk.path / "home"
    env = {"DPT_HOME": str(home)}
    install(repo, run_dpt, home)
    start_goal(GOAL, env=env)
    assert commit_file(git, "a.txt", "a\n", "-m", "before", env=env).returncode == 0
    wait_for_recorders(home)

    small_disk.fill()
    first = commit_file(git, "b.txt", "b\n", "-m", "full", env=env)
    assert (first.returncode, first.stderr) == (0, "")  # sh cannot see a full disk cheaply
    assert goal_trailers(git) == [GOAL]
    wait_for_recorders(home)
    assert not (home / "hook-warning").exists()  # no empty file
    waits = fallback.directory(home)
    assert waits is not None and waits.is_relative_to(os.environ["XDG_RUNTIME_DIR"])
    assert (waits / "hook-warning").stat().st_mode & 0o777 == 0o600
    second = commit_file(git, "c.txt", "c\n", "-m", "still full", env=env)
    assert second.returncode == 0
    [line] = second.stderr.splitlines()
    assert line.startswith(f"dptelemetry: an earlier commit: could not record in {home} (")
    assert f"no space is left on the device of the data home {home}" in line
    assert line.endswith(f"kept in {waits} until it can")
    wait_for_recorders(home)
    assert leftovers(home, waits) == []

    small_disk.free()
    assert recorded_shas(home) == set(git("rev-list", "HEAD").stdout.split())


def test_with_nowhere_to_keep_it_the_loss_is_still_said(
        repo: Path, git: Git, run_dpt: RunDpt, small_disk: SmallDisk,
) -> None:
    home = small_disk.path / "home"
    runtime = small_disk.path / "run"  # the fallback on the same full disk
    runtime.mkdir(mode=0o700)
    env = {"DPT_HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)}
    install(repo, run_dpt, home)
    assert run_dpt("goal", "start", GOAL, env=env).returncode == 0
    small_disk.fill()
    assert commit_file(git, "a.txt", "a\n", "-m", "lost", env=env).returncode == 0
    wait_for_recorders(home)
    assert (home / "hook-warning").read_bytes() == b""
    assert (home / "hook-warning").stat().st_mode & 0o777 == 0o600
    status = run_dpt("hooks", "status", "--repo", str(repo), env=env)
    assert "last recorder problem: not recorded, reason unknown\n" in status.stdout
    done = commit_file(git, "b.txt", "b\n", "-m", "said", env=env)
    assert done.returncode == 0
    assert done.stderr == ("dptelemetry: an earlier commit: not recorded, and the reason could "
                           "not be written either (is the disk full?)\n")
    wait_for_recorders(home)
    assert leftovers(small_disk.path) == []


def test_a_warning_file_that_is_a_link_is_neither_shown_nor_removed(
        repo: Path, git: Git, run_dpt: RunDpt, tmp_path: Path) -> None:
    """The shim reads the warning the recorder left as a file of its own; a link put there
    (to a file of someone else's) is not followed, and what it points to stays."""
    home = tmp_path / "home"
    install(repo, run_dpt, home)
    target = tmp_path / "not-a-warning"
    target.write_text("SECRET line of another file\n")
    home.mkdir(mode=0o700, exist_ok=True)
    (home / "hook-warning").symlink_to(target)
    done = commit_file(git, "a.txt", "x\n", "-m", "a", env={"DPT_HOME": str(home)})
    wait_for_recorders(home)
    assert done.returncode == 0
    assert "SECRET" not in done.stderr
    assert target.read_text() == "SECRET line of another file\n"

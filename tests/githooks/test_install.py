"""`dpt hooks install|uninstall|status`: where the shims go, what happens to hooks already
there, and that commits still work in every set-up."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepo import Git, RunDpt, commit_events, commit_file, git_in, goal_trailers

from dptelemetry.capture.githooks import HOOKS

GOAL = "Bowling kata"


def write_hook(path: Path, body: str) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o750)
    return path.read_bytes()


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mode) for p in sorted(directory.iterdir())}


def test_install_is_idempotent_and_status_says_current(repo: Path, run_dpt: RunDpt) -> None:
    first = run_dpt("hooks", "install", "--repo", str(repo))
    assert first.returncode == 0, first.stderr
    hooks = repo / ".git" / "hooks"
    assert f"Installed in {hooks}" in first.stdout
    written = snapshot(hooks)
    for hook in HOOKS:
        assert os.access(hooks / hook, os.X_OK)
    again = run_dpt("hooks", "install", "--repo", str(repo))
    assert again.returncode == 0
    assert "Already installed and current" in again.stdout
    assert snapshot(hooks) == written
    status = run_dpt("hooks", "status", "--repo", str(repo))
    assert status.returncode == 0
    assert f"hooks directory: {hooks}" in status.stdout
    assert status.stdout.count("installed, current") == len(HOOKS)


def test_existing_hooks_are_chained_with_their_exit_status_and_restored(
        repo: Path, git: Git, run_dpt: RunDpt, start_goal: Callable[..., None],
        tmp_path: Path) -> None:
    hooks = repo / ".git" / "hooks"
    log = tmp_path / "legacy.log"
    before = snapshot(hooks)
    originals = {
        "prepare-commit-msg": write_hook(hooks / "prepare-commit-msg",
                                         'printf "\\nTicket: T-1\\n" >> "$1"'),
        "commit-msg": write_hook(hooks / "commit-msg",
                                 'grep -q "forbidden" "$1" && { echo "no!" >&2; exit 3; }; exit 0'),
        "post-rewrite": write_hook(hooks / "post-rewrite", f'{{ echo "$1"; cat; }} >> "{log}"'),
    }
    done = run_dpt("hooks", "install", "--repo", str(repo))
    assert done.returncode == 0, done.stderr
    assert "Kept your prepare-commit-msg as prepare-commit-msg.dpt-legacy" in done.stdout
    status = run_dpt("hooks", "status", "--repo", str(repo)).stdout
    assert "(runs commit-msg.dpt-legacy first)" in status

    start_goal(GOAL)
    assert commit_file(git, "a.txt", "a\n", "-m", "subject").returncode == 0
    body = git("log", "-1", "--format=%B").stdout
    assert "Ticket: T-1" in body
    assert goal_trailers(git) == [GOAL]

    refused = commit_file(git, "b.txt", "b\n", "-m", "forbidden words")
    assert refused.returncode == 1  # git's own status for a failed commit-msg hook
    assert refused.stderr == "no!\n"
    assert git("rev-list", "--count", "HEAD").stdout == "1\n"
    msg = tmp_path / "msg"
    msg.write_text("forbidden\n")
    direct = subprocess.run([str(hooks / "commit-msg"), str(msg)], cwd=repo, check=False)
    assert direct.returncode == 3  # the shim passes the chained hook's status on

    old = git("rev-parse", "HEAD").stdout.strip()
    git("commit", "--amend", "--no-edit")
    new = git("rev-parse", "HEAD").stdout.strip()
    assert log.read_text() == f"amend\n{old} {new}\n"

    gone = run_dpt("hooks", "uninstall", "--repo", str(repo))
    assert gone.returncode == 0, gone.stderr
    assert "Put back: prepare-commit-msg, commit-msg, post-rewrite." in gone.stdout
    after = snapshot(hooks)
    for hook, content in originals.items():
        assert after.pop(hook) == (content, (hooks / hook).stat().st_mode)
        assert (hooks / hook).stat().st_mode & 0o777 == 0o750
    assert after == before
    assert not any(p.name.endswith(".dpt-legacy") for p in hooks.iterdir())


def test_uninstall_without_previous_hooks_leaves_the_directory_as_before(
        repo: Path, run_dpt: RunDpt) -> None:
    hooks = repo / ".git" / "hooks"
    before = snapshot(hooks)
    assert run_dpt("hooks", "install", "--repo", str(repo)).returncode == 0
    assert run_dpt("hooks", "uninstall", "--repo", str(repo)).returncode == 0
    assert snapshot(hooks) == before
    again = run_dpt("hooks", "uninstall", "--repo", str(repo))
    assert again.returncode == 0
    assert "No dptelemetry hooks in" in again.stdout


def test_install_refuses_when_a_foreign_hook_and_a_legacy_copy_both_exist(
        repo: Path, run_dpt: RunDpt) -> None:
    hooks = repo / ".git" / "hooks"
    write_hook(hooks / "commit-msg", "exit 0")
    write_hook(hooks / "commit-msg.dpt-legacy", "exit 1")
    before = snapshot(hooks)
    done = run_dpt("hooks", "install", "--repo", str(repo))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("dpt: error: both ")
    assert snapshot(hooks) == before


def test_relative_core_hooks_path_is_honoured(repo: Path, git: Git, run_dpt: RunDpt,
                                             start_goal: Callable[..., None],
                                             dpt_home: Path) -> None:
    git("config", "core.hooksPath", ".githooks")
    done = run_dpt("hooks", "install", "--repo", str(repo))
    assert done.returncode == 0, done.stderr
    assert (repo / ".githooks" / "prepare-commit-msg").is_file()
    assert not (repo / ".git" / "hooks" / "prepare-commit-msg").exists()
    start_goal(GOAL)
    assert commit_file(git, "a.txt", "a\n", "-m", "subject").returncode == 0
    assert goal_trailers(git) == [GOAL]
    assert len(commit_events(dpt_home, 1)) == 1


def test_a_hooks_path_outside_the_repository_needs_force(repo: Path, git: Git, run_dpt: RunDpt,
                                                        tmp_path: Path) -> None:
    shared = tmp_path / "shared-hooks"
    git("config", "core.hooksPath", str(shared))
    refused = run_dpt("hooks", "install", "--repo", str(repo))
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1
    assert "--force" in refused.stderr
    assert not shared.exists()
    forced = run_dpt("hooks", "install", "--repo", str(repo), "--force")
    assert forced.returncode == 0, forced.stderr
    assert (shared / "post-commit").is_file()


def test_linked_worktree_shares_the_hooks_and_records(repo: Path, git: Git, run_dpt: RunDpt,
                                                     start_goal: Callable[..., None],
                                                     dpt_home: Path, tmp_path: Path) -> None:
    assert commit_file(git, "a.txt", "a\n", "-m", "base").returncode == 0
    tree = tmp_path / "tree"
    git("worktree", "add", "-q", "-b", "feature", str(tree))
    done = run_dpt("hooks", "install", "--repo", str(tree))
    assert done.returncode == 0, done.stderr
    assert (repo / ".git" / "hooks" / "post-commit").is_file()
    start_goal(GOAL)
    wt = git_in(tree)
    assert commit_file(wt, "b.txt", "b\nc\n", "-m", "in the worktree").returncode == 0
    assert goal_trailers(wt) == [GOAL]
    (event,) = commit_events(dpt_home, 1)
    assert event.payload["sha"] == wt("rev-parse", "HEAD").stdout.strip()
    assert event.payload["branch"] == "feature"
    assert event.repo == str(tree.resolve())
    assert (event.payload["files"], event.payload["insertions"]) == (1, 2)


def test_status_spots_an_outdated_shim(installed: Path, run_dpt: RunDpt) -> None:
    shim = installed / ".git" / "hooks" / "post-commit"
    text = shim.read_text()
    shim.write_text(text.replace("DPT_INSTALL_PYTHON=", "DPT_INSTALL_PYTHON=/gone/python #"))
    (installed / ".git" / "hooks" / "commit-msg").unlink()
    status = run_dpt("hooks", "status", "--repo", str(installed)).stdout
    assert "post-commit         installed, outdated: records with /gone/python, which is gone" \
        in status
    assert "commit-msg          not installed" in status
    assert "To install or update: dpt hooks install" in status
    assert run_dpt("hooks", "install", "--repo", str(installed)).returncode == 0
    status = run_dpt("hooks", "status", "--repo", str(installed)).stdout
    assert status.count("current") == len(HOOKS)


def test_global_install_uses_a_template_and_leaves_existing_repositories_alone(
        repo: Path, git: Git, run_dpt: RunDpt, start_goal: Callable[..., None],
        tmp_path: Path, dpt_home: Path) -> None:
    own = write_hook(repo / ".git" / "hooks" / "commit-msg", "exit 0")
    before = snapshot(repo / ".git" / "hooks")
    done = run_dpt("hooks", "install", "--global")
    assert done.returncode == 0, done.stderr
    template = dpt_home / "git-template"
    assert git("config", "--global", "init.templateDir").stdout.strip() == str(template)
    assert "Existing repositories: run 'dpt hooks install' in each." in done.stdout
    assert snapshot(repo / ".git" / "hooks") == before
    assert (repo / ".git" / "hooks" / "commit-msg").read_bytes() == own

    fresh = tmp_path / "fresh"
    git("init", "-q", str(fresh))
    assert (fresh / ".git" / "hooks" / "prepare-commit-msg").is_file()
    start_goal(GOAL)
    new = git_in(fresh)
    assert commit_file(new, "a.txt", "a\n", "-m", "subject").returncode == 0
    assert goal_trailers(new) == [GOAL]
    status = run_dpt("hooks", "status", "--global").stdout
    assert f"init.templateDir:   {template}" in status
    assert status.count("installed, current") == len(HOOKS)

    gone = run_dpt("hooks", "uninstall", "--global")
    assert gone.returncode == 0, gone.stderr
    assert git("config", "--global", "init.templateDir", check=False).returncode == 1
    assert not template.exists()
    later = tmp_path / "later"
    git("init", "-q", str(later))
    assert not (later / ".git" / "hooks" / "prepare-commit-msg").exists()


def test_global_install_adds_to_a_template_the_user_already_has(
        git: Git, run_dpt: RunDpt, tmp_path: Path) -> None:
    template = tmp_path / "my-template"
    theirs = write_hook(template / "hooks" / "post-commit", "echo theirs")
    git("config", "--global", "init.templateDir", str(template))
    assert run_dpt("hooks", "install", "--global").returncode == 0
    assert (template / "hooks" / "post-commit.dpt-legacy").read_bytes() == theirs
    assert run_dpt("hooks", "uninstall", "--global").returncode == 0
    assert git("config", "--global", "init.templateDir").stdout.strip() == str(template)
    assert sorted(p.name for p in (template / "hooks").iterdir()) == ["post-commit"]
    assert (template / "hooks" / "post-commit").read_bytes() == theirs


@pytest.mark.parametrize("args", [["hooks", "install"], ["hooks", "status"], ["log"]])
def test_outside_a_repository_is_one_line_and_exit_1(run_dpt: RunDpt, tmp_path: Path,
                                                     args: list[str]) -> None:
    done = run_dpt(*args, "--repo", str(tmp_path))
    assert done.returncode == 1
    assert done.stderr == f"dpt: error: not a git repository: {tmp_path}\n"


def test_repo_and_global_together_is_a_usage_error(run_dpt: RunDpt, repo: Path) -> None:
    done = run_dpt("hooks", "install", "--global", "--repo", str(repo))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1

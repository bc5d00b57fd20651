"""What sync and sharing ask of git, on real repositories: a clone private to its owner, and
a rebase that cannot apply undone with git's words (a mentor changed a learner's file)."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from dptelemetry.sync import gitrepo
from tests.sync.conftest import Home, bare_repo


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t",
                    *args], check=True, capture_output=True)


def test_a_first_sync_or_share_on_a_new_machine_makes_a_private_data_home(
        home, remote: str, tmp_path: Path) -> None:
    laptop: Home = home("laptop")
    laptop("sync", "init", remote)
    laptop("share", "init", bare_repo(tmp_path / "cohort.git"), "--as", "ada")
    for folder in (tmp_path / "laptop", tmp_path / "laptop" / "sync",
                   tmp_path / "laptop" / "share"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_a_rebase_that_cannot_apply_is_undone_and_said(tmp_path: Path) -> None:
    url = bare_repo(tmp_path / "cohort.git")
    mentor, learner = tmp_path / "mentor", tmp_path / "learner"
    subprocess.run(["git", "clone", "-q", url, str(mentor)], check=True, capture_output=True)
    (mentor / "day.json").write_text("shared\n")
    git(mentor, "add", ".")
    git(mentor, "commit", "-qm", "first")
    git(mentor, "push", "-q", "origin", "HEAD:main")
    gitrepo.clone(url, learner, "learner-ada")
    (learner / "day.json").write_text("shared again, offline\n")  # a commit not pushed yet
    with gitrepo.open_clone(learner) as repo:
        gitrepo.commit(repo, ["day.json"], "offline")
    (mentor / "day.json").write_text("the mentor's note\n")
    git(mentor, "commit", "-qam", "mentor")
    git(mentor, "push", "-q", "origin", "HEAD:main")

    with gitrepo.open_clone(learner) as repo, pytest.raises(gitrepo.RemoteError) as refused:
        gitrepo.pull(repo)
    assert "cannot put this machine's commits on top of what the remote holds" in str(
        refused.value)
    assert not (learner / ".git" / "rebase-merge").exists()
    assert (learner / "day.json").read_text() == "shared again, offline\n"
    with gitrepo.open_clone(learner) as repo:
        assert repo.head.is_detached is False and gitrepo.unpushed(repo) == 1

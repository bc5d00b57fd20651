"""Fixtures for the git hook tests: a fresh repository, hooks installed, a goal started."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gitrepo import Git, RunDpt, git_in, wait_for_recorders


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    git_in(path)("init", "-q")
    return path


@pytest.fixture
def git(repo: Path) -> Git:
    return git_in(repo)


@pytest.fixture
def installed(repo: Path, run_dpt: RunDpt) -> Path:
    """`repo`, with the hooks installed through the CLI."""
    done = run_dpt("hooks", "install", "--repo", str(repo))
    assert done.returncode == 0, done.stderr
    return repo


@pytest.fixture
def start_goal(run_dpt: RunDpt) -> Callable[..., None]:
    def start(title: str, env: dict[str, str] | None = None) -> None:
        done = run_dpt("goal", "start", title, env=env)
        assert done.returncode == 0, done.stderr

    return start


@pytest.fixture(autouse=True)
def _recorders_done(dpt_home: Path) -> Iterator[None]:
    """Detached recorders finish before the temporary data home goes away."""
    yield
    wait_for_recorders(dpt_home)

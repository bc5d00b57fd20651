"""The pre-commit framework route: the hooks from `.pre-commit-hooks.yaml`, installed by
pre-commit itself, do what `dpt hooks install` does."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from gitrepo import Git, commit_events, commit_file, goal_trailers

MANIFEST = Path(__file__).parents[2] / ".pre-commit-hooks.yaml"
GOAL = "Bowling kata"


def pre_commit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False,
                          env=os.environ)


def test_the_manifest_is_valid(tmp_path: Path) -> None:
    done = pre_commit("validate-manifest", str(MANIFEST), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def with_pre_commit(repo: Path, git: Git, tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch) -> Path:
    """`repo` using our manifest's hooks as local ones (no clone, no virtualenv to build)."""
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-cache"))
    hooks = yaml.safe_load(MANIFEST.read_text())
    for hook in hooks:
        hook["language"] = "system"
        hook["entry"] = hook["entry"].replace("dpt ", f"{sys.executable} -m dptelemetry ", 1)
    config = repo / ".pre-commit-config.yaml"
    config.write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}))
    stages = sorted({stage for hook in hooks for stage in hook["stages"]})
    types = [arg for stage in stages for arg in ("-t", stage)]
    done = pre_commit("install", *types, cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    git("add", ".pre-commit-config.yaml")
    return repo


def test_trailer_guard_and_recording_through_pre_commit(
        with_pre_commit: Path, git: Git, start_goal: Callable[..., None],
        dpt_home: Path) -> None:
    start_goal(GOAL)
    done = commit_file(git, "a.txt", "a\n", "-m", "subject")
    assert done.returncode == 0, done.stdout + done.stderr
    assert goal_trailers(git) == [GOAL]
    empty = commit_file(git, "b.txt", "b\n", env={"GIT_EDITOR": "true"})
    assert empty.returncode != 0
    assert "Aborting commit due to empty commit message." in empty.stdout + empty.stderr
    old = git("rev-parse", "HEAD").stdout.strip()
    git("commit", "-q", "--amend", "--no-edit")
    new = git("rev-parse", "HEAD").stdout.strip()
    events = {e.payload["sha"]: e for e in commit_events(dpt_home, 2)}
    assert events[old].payload["goal"] == GOAL
    assert events[new].payload["rewritten_from"] == old
    assert events[new].goal_id == events[old].goal_id is not None


def test_dpt_hooks_run_loads_no_store(repo: Path, tmp_path: Path) -> None:
    """It runs on every commit under pre-commit: the shim it runs needs no store (which
    loads sqlite3, msgspec and the event schema)."""
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text("subject\n")
    code = ("import sys\n"
            "from dptelemetry.cli import main\n"
            "sys.argv = ['dpt', 'hooks', 'run', 'prepare-commit-msg', sys.argv[1]]\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
            "print(code, sorted(m for m in ('dptelemetry.store', 'msgspec', 'sqlite3')\n"
            "                   if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(message)], cwd=repo,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout == "0 []\n", done.stderr

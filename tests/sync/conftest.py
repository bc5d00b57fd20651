"""Machines, learners and mentors as separate data homes, and git remotes as bare
repositories reached over file:// (real git, no network)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RunDpt

Home = Callable[..., "subprocess.CompletedProcess[str]"]


def bare_repo(path: Path) -> str:
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    return path.as_uri()


@pytest.fixture
def remote(tmp_path: Path) -> str:
    """An empty bare repository, as a file:// URL."""
    return bare_repo(tmp_path / "remote.git")


@pytest.fixture
def home(tmp_path: Path, run_dpt: RunDpt) -> Callable[[str], Home]:
    """`home("laptop")("sync")` runs `dpt sync` with the data home of machine "laptop"."""

    def machine(name: str) -> Home:
        def run(*args: str, env: dict[str, str] | None = None,
                check: bool = True) -> subprocess.CompletedProcess[str]:
            done = run_dpt(*args, env={"DPT_HOME": str(tmp_path / name), "TZ": "UTC",
                                       "GIT_TERMINAL_PROMPT": "0", **(env or {})})
            if check:
                assert done.returncode == 0, f"dpt {' '.join(args)}: {done.stderr}"
            return done
        return run

    return machine


def event_ids(run: Home) -> list[str]:
    return [json.loads(line)["id"] for line in run("export").stdout.splitlines()]


def journal_lines(url: str, tmp_path: Path) -> list[str]:
    """Every event line the remote holds, read from a fresh clone."""
    clone = tmp_path / f"check-{len(list(tmp_path.glob('check-*')))}"
    subprocess.run(["git", "clone", "-q", url, str(clone)], check=True)
    return [line for path in sorted((clone / "events").glob("*/*.jsonl"))
            for line in path.read_text().splitlines()]

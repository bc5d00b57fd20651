"""The data home is 0700 and every file in it 0600 (owner-only), whichever command creates
them; files written with --output/-o are too; a store that is a symbolic link is refused."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from conftest import RunDpt
from testrun_helpers import run_in_terminal

from dptelemetry.store import store_path
from tests.lsp.rawlsp import start_server


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most systems give (022): files others may read unless made private."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def loose(home: Path) -> list[str]:
    """Everything under `home` (and itself) that someone other than its owner may use."""
    found = [home, *home.rglob("*")]
    return sorted(f"{path.relative_to(home.parent)} {stat.S_IMODE(path.lstat().st_mode):o}"
                  for path in found if path.lstat().st_mode & 0o077)


def test_the_language_server_makes_a_private_data_home(dpt_home: Path, tmp_path: Path) -> None:
    server, client = start_server()
    try:
        client.initialize()
        client.open((tmp_path / "a.py").as_uri(), "x = 1\n")
        client.flush()
        client.request("shutdown")
        client.notify("exit")
        server.wait(20)
    finally:
        server.kill()
    assert (dpt_home / "logs").is_dir()
    assert loose(dpt_home) == []


def test_hooks_install_global_keeps_its_template_private(run_dpt: RunDpt,
                                                         dpt_home: Path) -> None:
    done = run_dpt("hooks", "install", "--global")
    assert done.returncode == 0, done.stderr
    hooks = next(dpt_home.rglob("post-commit")).parent
    assert os.access(hooks / "post-commit", os.X_OK)
    assert loose(dpt_home) == []
    assert run_dpt("hooks", "uninstall", "--global").returncode == 0


def test_an_html_summary_for_a_terminal_is_a_private_file(run_dpt: RunDpt,
                                                          dpt_home: Path) -> None:
    assert run_dpt("goal", "start", "kata").returncode == 0
    dpt_home.chmod(0o700)  # made so by the store already; the reports folder is new
    status, output = run_in_terminal([sys.executable, "-m", "dptelemetry", "summary",
                                      "--format", "html"])
    assert status == 0, output
    [page] = (dpt_home / "reports").iterdir()
    assert page.suffix == ".html"
    assert loose(dpt_home) == []


def test_a_fresh_html_summary_makes_a_private_data_home(dpt_home: Path) -> None:
    status, output = run_in_terminal([sys.executable, "-m", "dptelemetry", "summary",
                                      "--format", "html"])
    assert status == 0, output
    assert loose(dpt_home) == []


@pytest.mark.parametrize("args", [["export", "-o"], ["summary", "--format", "json", "-o"],
                                  ["summary", "--format", "html", "--output"]])
def test_files_written_with_output_are_private(run_dpt: RunDpt, tmp_path: Path,
                                               args: list[str]) -> None:
    assert run_dpt("goal", "start", "kata").returncode == 0
    target = tmp_path / "out" / "file"
    target.parent.mkdir()
    target.write_text("an older export, readable by all\n")
    target.chmod(0o644)
    done = run_dpt(*args, str(target))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() != "an older export, readable by all\n"


def test_a_store_others_could_read_is_tightened_and_the_user_told(run_dpt: RunDpt,
                                                                   dpt_home: Path) -> None:
    assert run_dpt("goal", "start", "kata").returncode == 0
    with closing(sqlite3.connect(store_path(dpt_home))) as reader:  # as a running server
        reader.execute("SELECT count(*) FROM events").fetchone()
        files = [p for p in dpt_home.iterdir() if p.name.startswith("events.sqlite3")]
        assert len(files) == 3  # with its -wal and -shm
        for path in files:
            path.chmod(0o644)
        dpt_home.chmod(0o755)

        done = run_dpt("goal", "status")

    assert done.returncode == 0
    assert done.stderr.startswith("dpt: note: ") and len(done.stderr.splitlines()) == 1
    assert all(str(path) in done.stderr for path in [dpt_home, *files])
    assert loose(dpt_home) == []
    assert run_dpt("goal", "status").stderr == ""  # said once


def test_a_store_that_is_a_symbolic_link_is_refused(run_dpt: RunDpt, dpt_home: Path,
                                                    tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    assert run_dpt("goal", "start", "kata", env={"DPT_HOME": str(elsewhere)}).returncode == 0
    dpt_home.mkdir(mode=0o700)
    store_path(dpt_home).symlink_to(store_path(elsewhere))
    before = store_path(elsewhere).read_bytes()

    done = run_dpt("goal", "status")

    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"dpt: error: {store_path(dpt_home)} is a symbolic link (to {store_path(elsewhere)}); "
        "dptelemetry keeps its store only in the data home itself: replace the link with the "
        "file it points to, or set DPT_HOME to its folder"]
    assert store_path(elsewhere).read_bytes() == before

"""Shared fixtures. Every test gets its own data home, config path, runtime directory (the
fallback for events the data home cannot take) and git identity, and no GIT_* variables leak
in from a hook that might be running the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from smalldisk import SmallDisk, UnwritableHome

from dptelemetry.store import open_store

RunDpt = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture(autouse=True)
def dpt_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated DPT_HOME (and DPT_CONFIG, and git config) for every test."""
    home = tmp_path / "dpt-home"
    monkeypatch.setenv("DPT_HOME", str(home))
    runtime = tmp_path / "run"  # where events wait when the data home cannot take them
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("DPT_CONFIG", str(tmp_path / "dpt-config.toml"))
    for name in ("DPT_CLOCK_OFFSET", "DPT_DEBUG", "DPT_RUN"):  # DPT_RUN: under `dpt run`
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith("GIT_"):
            monkeypatch.delenv(name)
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Practice Tester\n\temail = tester@example.invalid\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return home


@pytest.fixture
def run_dpt(dpt_home: Path) -> RunDpt:
    """Run the real CLI (`python -m dptelemetry ...`) as a subprocess."""

    def run(
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dptelemetry", *args],
            capture_output=True,
            text=True,
            input=input,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            timeout=timeout,
            check=False,
        )

    return run


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A mounted tmpfs (needs root, or CAP_SYS_ADMIN; skipped without)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs",
                               str(mount)], capture_output=True, text=True, check=False)
        problem = done.stderr.strip() if done.returncode else ""
    except OSError as exc:
        problem = str(exc)
    if problem:
        pytest.skip(f"cannot mount a tmpfs here ({problem}); the tests with a data home "
                    "under a regular file cover the same paths")
    try:
        yield SmallDisk(mount)
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False)  # recorders may linger


@pytest.fixture(params=["data home under a file", "full disk"])
def unwritable_home(request: pytest.FixtureRequest, tmp_path: Path) -> UnwritableHome:
    """A data home that takes no write: under a regular file, then on a full disk (which
    already holds a store, as a home that filled up would)."""
    if request.param == "full disk":
        disk: SmallDisk = request.getfixturevalue("small_disk")
        home = disk.path / "home"
        open_store(home).close()
        disk.fill()
        return UnwritableHome(home, f"no space is left on the device of the data home {home}",
                              disk.free)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    home = blocker / "home"
    return UnwritableHome(home, f"the data home {home} is not a writable directory",
                          blocker.unlink)

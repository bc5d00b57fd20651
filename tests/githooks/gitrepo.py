"""Helpers for real repositories: run git, commit a file, read trailers, wait for events.

Every git process inherits the environment the autouse `dpt_home` fixture prepared (GIT_*
scrubbed, a temporary global gitconfig with an identity, an isolated DPT_HOME).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from dptelemetry.events import Event
from dptelemetry.store import open_store

Git = Callable[..., "subprocess.CompletedProcess[str]"]
RunDpt = Callable[..., "subprocess.CompletedProcess[str]"]


def git_in(repo: Path) -> Git:
    def git(*args: str, env: dict[str, str] | None = None, input: str | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **(env or {})},
                              input=input, capture_output=True, text=True, timeout=60,
                              check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed ({done.returncode}):\n"
                                 f"{done.stdout}\n{done.stderr}")
        return done

    return git


def commit_file(git: Git, name: str, text: str, *args: str,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Write and stage `name`, then `git commit ARGS` (not checked: callers look at rc)."""
    path = Path(git("rev-parse", "--show-toplevel").stdout.strip()) / name
    path.write_text(text)
    git("add", name)
    return git("commit", *args, env=env, check=False)


def message(git: Git, rev: str = "HEAD") -> str:
    return git("log", "-1", "--format=%B", rev).stdout


def goal_trailers(git: Git, rev: str = "HEAD") -> list[str]:
    """The Practice-Goal values git itself parses from the commit message."""
    out = git("log", "-1", "--format=%(trailers:key=Practice-Goal,valueonly,separator=%x00)",
              rev).stdout.rstrip("\n")
    return out.split("\0") if out else []


def commit_events(home: Path, count: int, timeout: float = 30.0) -> list[Event]:
    """Wait (bounded) until the detached recorders have stored `count` commit events."""
    deadline = time.monotonic() + timeout
    found: list[Event] = []
    while time.monotonic() < deadline:
        if (home / "events.sqlite3").exists():
            with open_store(home, ingest_spool=False) as store:
                found = store.events_between(0, 2**40, kinds=["commit"])
            if len(found) >= count:
                wait_for_recorders(home)  # no stray extra event may follow
                with open_store(home, ingest_spool=False) as store:
                    return store.events_between(0, 2**40, kinds=["commit"])
        time.sleep(0.1)
    raise AssertionError(f"expected {count} commit events, found {len(found)}: {found}")


def wait_for_recorders(home: Path, timeout: float = 15.0) -> None:
    """Until no detached recorder for this data home is running (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _recorder_running(home):
        time.sleep(0.05)


def _recorder_running(home: Path) -> bool:
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes()
            if b"hooks\0record" not in cmdline:
                continue
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if f"DPT_HOME={home}\0".encode() in environ:
            return True
    return False

"""Plays the demo day (`day.DAY`) through the real capture paths, into a data home of its own.

- Test runs are real pytest sessions (the pytest plugin records them), or `dpt run -- python
  -m unittest` where pytest is not installed; each runs on a snapshot of the code as it was
  at that step, so several can run at once.
- Commits are real `git commit`s in a fresh repository with `dpt hooks install`: the
  prepare-commit-msg hook adds the Practice-Goal trailer, post-commit records the commit.
- One burst of typing per session goes through `dpt lsp` over stdio (`editor.py`); the other
  bursts are replayed into the store as the server records them (`source` "demo"), because a
  language server stamps edits as they arrive and a day of pauses cannot be waited out.
- Goals and stuck moments go through the functions `dpt goal` and `dpt stuck` call.

Every process gets `DPT_CLOCK_OFFSET` so that its events land at the step's time of the
chosen day. Processes that record in the background (the pytest plugin's and the hooks'
recorders) are waited for before a goal changes and at the end, since they read the active
goal when they record.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as wall_time
from pathlib import Path

from dptelemetry.analysis.days import at_local, day_bounds
from dptelemetry.demo import kata
from dptelemetry.demo.day import (
    DAY,
    GAME_FILE,
    TESTS_FILE,
    Commit,
    EndGoal,
    Paste,
    Run,
    StartGoal,
    Step,
    Stuck,
    Type,
    TypeInEditor,
)
from dptelemetry.demo.editor import type_into
from dptelemetry.durations import parse_duration
from dptelemetry.errors import DptError
from dptelemetry.events import Event, EventKind
from dptelemetry.goals import active_goal, end_goal, load_goals, start_goal
from dptelemetry.private_files import private_dir
from dptelemetry.store import open_store
from dptelemetry.stuck import log_stuck

KEY_GAPS = (0.8, 1.3, 2.1, 0.6, 1.7, 1.1)
"""Seconds between replayed keystrokes, in turn: all inside one burst (burst_gap 5 s)."""
SETTLE_TIMEOUT = 90.0
"""How long to wait for background recorders before going on without them."""
PROCESS_TIMEOUT = 120.0


@dataclass
class Progress:
    runs: int = 0
    commits: int = 0
    editor_sessions: int = 0
    replayed_edits: int = 0
    missing: list[str] = field(default_factory=list)
    """What did not arrive in time or could not run."""


def _keys(step: Type) -> list[tuple[int, int, bool]]:
    """(inserted, deleted, assisted) of each keystroke: deletions spread through the burst."""
    every = step.keys // step.deletes if step.deletes else 0
    return [(0, 1, False) if every and k % every == every - 1 and k // every < step.deletes
            else (step.chars, 0, False) for k in range(step.keys)]


class DayRecorder:
    def __init__(self, folder: Path, day: date, runner: str,
                 say: Callable[[str], None] = lambda _: None) -> None:
        self.folder = folder
        self.home = folder / "data"
        self.project = folder / "bowling-kata"
        self.config = folder / "config.toml"
        self.day = day
        self.runner = runner
        self.say = say
        self.start, self.end = day_bounds(day)
        self.progress = Progress()
        self._tasks: list[asyncio.Task[None]] = []
        self._slots = asyncio.Semaphore(max(2, min(4, os.cpu_count() or 2)))
        self._state: tuple[tuple[str, ...], str] = ((), "empty")
        self._git = shutil.which("git")

    # -- time and environment ---------------------------------------------------------------

    def at(self, clock: str) -> float:
        """`HH:MM[:SS]` on the demo day, by the local wall clock (right on DST days too)."""
        return at_local(self.day, wall_time.fromisoformat(clock))

    def env(self, clock: str | None = None) -> dict[str, str]:
        """The environment of every process the demo starts: its own data home and config,
        a git identity of its own, no pytest settings from outside; the clock shifted so that
        now is `clock` on the demo day."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("GIT_", "DPT_", "PYTEST_"))}
        env.update({
            "DPT_HOME": str(self.home), "DPT_CONFIG": str(self.config),
            "GIT_CONFIG_GLOBAL": str(self.folder / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1",
        })
        if clock is not None:
            now = self.at(clock)
            env["DPT_CLOCK_OFFSET"] = repr(now - time.time())
            stamp = f"{round(now)} {datetime.fromtimestamp(now).astimezone():%z}"
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
        return env

    async def _run(self, *command: str, cwd: Path, clock: str | None = None,
                   check: bool = True) -> None:
        """Run `command`; with `check`, a failure stops the demo with its first error line
        (test runs are not checked: red ones exit non-zero)."""
        process = await asyncio.create_subprocess_exec(
            *command, cwd=cwd, env=self.env(clock), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        _, err = await asyncio.wait_for(process.communicate(), PROCESS_TIMEOUT)
        if check and process.returncode:
            lines = err.decode(errors="replace").strip().splitlines() or ["(no message)"]
            raise DptError(f"demo: `{' '.join(Path(c).name for c in command[:4])}` failed: "
                           f"{lines[-1][:200]}")

    def _background(self, work: Callable[[], Awaitable[None]]) -> None:
        async def limited() -> None:
            async with self._slots:
                await work()

        self._tasks.append(asyncio.create_task(limited()))

    # -- set-up -------------------------------------------------------------------------------

    async def prepare(self) -> None:
        private_dir(self.home)
        self.project.mkdir()
        self.config.write_text("# dpt demo: defaults for everything\n")
        (self.folder / "gitconfig").write_text(
            "[user]\n\tname = Demo Developer\n\temail = demo@example.invalid\n"
            "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
        (self.project / "pytest.ini").write_text("[pytest]\n")
        if self._git is None:
            self.progress.missing.append("git is not installed: no commits")
            return
        await self._run(self._git, "init", "-q", cwd=self.project)
        (self.project / ".git" / "info" / "exclude").write_text("runs/\n")
        await self._run(sys.executable, "-m", "dptelemetry", "hooks", "install",
                        cwd=self.project)

    # -- the steps ----------------------------------------------------------------------------

    async def play(self, steps: tuple[Step, ...] = DAY) -> Progress:
        await self.prepare()
        for step in steps:
            await self.step(step)
        await self.settle()
        return self.progress

    async def step(self, step: Step) -> None:
        if isinstance(step, (StartGoal, EndGoal)):
            await self.settle()
            self._goal(step)
            self.say(f"  {step.at}  " + (f"goal started: {step.title} ({step.timebox} box)"
                                         if isinstance(step, StartGoal)
                                         else f"goal ended, rated {step.rating}/10"))
        elif isinstance(step, Stuck):
            with open_store(self.home) as store:
                log_stuck(store, step.text, now=self.at(step.at), impulse=step.impulse,
                          source="cli")
        elif isinstance(step, (Type, Paste)):
            self._replay(step)
        elif isinstance(step, TypeInEditor):
            self.progress.editor_sessions += 1
            self._background(lambda: self._editor(step))
        elif isinstance(step, Run):
            self.progress.runs += 1
            self._state = (step.tests, step.game)
            snapshot = self._snapshot(self.progress.runs)
            self._background(lambda: self._test_run(step, snapshot))
        elif isinstance(step, Commit):
            await self._commit(step)

    def _goal(self, step: StartGoal | EndGoal) -> None:
        with open_store(self.home) as store:
            if isinstance(step, StartGoal):
                start_goal(store, self.home, step.title, now=self.at(step.at),
                           target=step.target, weakness=step.weakness,
                           timebox=parse_duration(step.timebox))
            else:
                end_goal(store, self.home, now=self.at(step.at), rating=step.rating,
                         note=step.note)

    def _replay(self, step: Type | Paste) -> None:
        """Edits as the language server writes them (docs/events.md), at the step's time."""
        with open_store(self.home) as store:
            goal = active_goal(load_goals(store))
            ts = self.at(step.at)
            sizes = [(step.chars, 0, True)] if isinstance(step, Paste) else _keys(step)
            events = []
            for k, (inserted, deleted, assisted) in enumerate(sizes):
                events.append(Event(
                    kind=EventKind.EDIT.value, ts=ts, source="demo",
                    goal_id=goal.id if goal else None, repo=str(self.project), path=step.path,
                    payload={"language": "python", "inserted": inserted, "deleted": deleted,
                             "line": step.line + k // 12, "lines": 1, "assisted": assisted}))
                ts += KEY_GAPS[k % len(KEY_GAPS)]
            store.append(events)
        self.progress.replayed_edits += len(sizes)

    async def _editor(self, step: TypeInEditor) -> None:
        try:
            await asyncio.wait_for(type_into(self.project, step.path, step.opened, step.text,
                                             self.env(step.at)), PROCESS_TIMEOUT)
        except (OSError, TimeoutError, RuntimeError) as exc:
            self.progress.missing.append(f"editor session at {step.at}: {exc}")

    def _write_code(self, folder: Path) -> None:
        tests, game = self._state
        (folder / TESTS_FILE).write_text(kata.tests(*tests))
        (folder / GAME_FILE).write_text(kata.GAMES[game])

    def _snapshot(self, number: int) -> Path:
        """The code as it is now, in a folder of its own inside the repository (ignored by
        git), so that test ids read the same in every run."""
        folder = self.project / "runs" / f"{number:02d}"
        folder.mkdir(parents=True)
        self._write_code(folder)
        (folder / "pytest.ini").write_text("[pytest]\n")
        return folder

    async def _test_run(self, step: Run, folder: Path) -> None:
        command: tuple[str, ...]
        if self.runner == "pytest":
            command = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                       "-p", "dptelemetry.capture.pytest_plugin")
        else:
            command = (sys.executable, "-m", "dptelemetry", "run", "--", sys.executable,
                       "-m", "unittest", "-q")
        await self._run(*command, cwd=folder, clock=step.at, check=False)

    async def _commit(self, step: Commit) -> None:
        if self._git is None:
            return
        self._write_code(self.project)
        await self._run(self._git, "add", "-A", cwd=self.project)
        await self._run(self._git, "commit", "-q", "-m", step.message, cwd=self.project,
                        clock=step.at)
        self.progress.commits += 1
        self.say(f"  {step.at}  commit: {step.message}")

    # -- waiting for the background -----------------------------------------------------------

    def _stored(self) -> tuple[int, int]:
        with open_store(self.home) as store:
            events = store.events_between(self.start, self.end,
                                          kinds=(EventKind.TEST_RUN.value,
                                                 EventKind.COMMIT.value))
        runs = sum(1 for e in events if e.kind == EventKind.TEST_RUN.value)
        return runs, len(events) - runs

    async def settle(self) -> None:
        """Wait for the processes started so far and for what they record in the background."""
        tasks, self._tasks = self._tasks, []
        await asyncio.gather(*tasks)
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while True:
            runs, commits = self._stored()
            if runs >= self.progress.runs and commits >= self.progress.commits:
                return
            if time.monotonic() > deadline:
                self.progress.missing.append(
                    f"{self.progress.runs - runs} test runs and "
                    f"{self.progress.commits - commits} commits not recorded in time")
                return
            await asyncio.sleep(0.2)

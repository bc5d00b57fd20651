"""A test run as the store keeps it: one `test_run` event per run of a test suite.

Shared by the pytest plugin's recorder process and `dpt run`; each calls `record_test_run`
once, when the run has ended. It never raises, because a test session must never fail
because of us (DESIGN: Reliability). The payload follows docs/events.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dptelemetry.capture.testrun_limits import MAX_FAILURES, MAX_TEST_ID
from dptelemetry.limits import MAX_NAME

GREEN, RED, OTHER = "green", "red", "other"
COUNT_FIELDS = ("passed", "failed", "errors", "skipped", "xfailed", "xpassed")

FailureSignature = tuple[str, "str | None"]
"""(test id, exception type); the type is None when a test failed without an exception."""


@dataclass
class TestCounts:
    """How many tests ended each way; None where the runner's output does not say."""

    __test__ = False  # not a pytest test class, despite the name

    passed: int | None = 0
    failed: int | None = 0
    errors: int | None = 0
    skipped: int | None = 0
    xfailed: int | None = None
    xpassed: int | None = None
    failures: list[FailureSignature] | None = field(default_factory=list)
    """Failure signatures, at most MAX_FAILURES; None where the output has none to give."""

    def add_failure(self, test_id: str, exception_type: str | None) -> None:
        if self.failures is None:
            self.failures = []
        if len(self.failures) < MAX_FAILURES:
            self.failures.append((test_id[:MAX_TEST_ID],
                                  None if exception_type is None else exception_type[:MAX_NAME]))

    @property
    def red(self) -> bool:
        return bool(self.failed or self.errors)

    @property
    def ran_none(self) -> bool:
        """The runner said no test ran: nothing passed, failed, errored, xfailed or xpassed
        (skipped tests ran nothing either). False while the passes are unknown."""
        ran = (self.passed, self.failed, self.errors, self.xfailed, self.xpassed)
        return self.passed is not None and not any(ran)


def outcome(exit_code: int, counts: TestCounts | None, interrupted: bool = False) -> str:
    """green, red or other (docs/events.md), from the exit code and whatever counts we have.

    A failure seen is red even when the run was then interrupted (pytest -x, a collection
    error); an interrupted run without one is other. A crash (killed by a signal nobody sent
    to stop it) is red; a non-zero exit is red only when no counts explain it otherwise.
    A run in which no test ran is never green, whatever its exit code says.
    """
    if counts is not None and counts.red:
        return RED
    if interrupted:
        return OTHER
    if exit_code == 0:
        return OTHER if counts is not None and counts.ran_none else GREEN
    if exit_code < 0 or counts is None:
        return RED
    return OTHER


def repository_root(start: Path) -> Path | None:
    """The nearest folder from `start` upwards that holds `.git` (a dir, or a worktree's file).

    A few stat calls instead of a `git` process: this runs at the end of every test session.
    """
    for folder in (start, *start.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return None


@dataclass
class TestRun:
    """One finished run, everything known about it where it ran."""

    __test__ = False

    source: str
    """`pytest` (the plugin) or `run` (`dpt run`)."""
    runner: str
    started: float
    """Epoch seconds from `dptelemetry.clock`."""
    duration: float
    exit_code: int
    """Negative: killed by that signal."""
    counts: TestCounts | None
    directory: Path
    """Where the run happened; the repository root is found from here."""
    interrupted: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TestRun:
        """A run as the pytest plugin hands it to the recorder: these fields, with `counts`
        an object of the count fields plus `failures`, a list of [test id, type]."""
        counts = data.pop("counts")
        if counts is not None:
            failures = counts.pop("failures")
            counts = TestCounts(**counts, failures=None if failures is None else [])
            for test_id, kind in failures or ():
                counts.add_failure(str(test_id), None if kind is None else str(kind))
        return cls(**{**data, "counts": counts, "directory": Path(data["directory"])})

    def payload(self) -> dict[str, object]:
        payload: dict[str, object] = {
            "runner": self.runner,
            "outcome": outcome(self.exit_code, self.counts, self.interrupted),
            "exit_code": self.exit_code,
            "duration_s": round(self.duration, 3),
        }
        if self.counts is not None:
            for name in COUNT_FIELDS:
                value = getattr(self.counts, name)
                if value is not None:
                    payload[name] = value
            if self.counts.failures is not None:
                payload["failures"] = [list(f) for f in self.counts.failures]
        return payload


def record_test_run(run: TestRun) -> list[str]:
    """Store the run as one `test_run` event, fail-open.

    Returns the warning lines for the host to print, each once: config problems (a broken
    config file means defaults, never a lost run), and why the store could not take the
    run and where it waits instead. `capture.pytest = false` in the config turns off
    recording from the pytest plugin (`dpt run` is always asked for).
    """
    try:
        from dptelemetry.config import data_home, load_config
        from dptelemetry.events import Event, EventKind
        from dptelemetry.goal_file import read_active_goal_file
        from dptelemetry.privacy import private_event
        from dptelemetry.store import record_fail_open

        config = load_config()
        warnings = [f"dptelemetry: {warning}" for warning in config.warnings]
        if run.source == "pytest" and not config.capture.pytest:
            return warnings
        home = data_home()
        goal = read_active_goal_file(home)
        root = repository_root(run.directory)
        event = Event(
            kind=EventKind.TEST_RUN.value,
            ts=run.started,
            source=run.source,
            payload=run.payload(),
            goal_id=goal.goal_id if goal else None,
            repo=str(root) if root else None,
        )
        kept = record_fail_open([private_event(event, config.privacy.hash_paths)], home)
        return warnings + ([kept.warning] if kept.warning else [])
    except Exception as exc:
        return [f"dptelemetry: test run not recorded ({exc})"]

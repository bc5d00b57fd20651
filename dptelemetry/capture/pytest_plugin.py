"""The pytest plugin: every pytest session becomes one `test_run` event.

It loads through the `pytest11` entry point wherever dptelemetry is installed, so it must cost
next to nothing. At start-up it imports only modules pytest has already imported. During the
session it counts outcomes in memory. When the session ends it notes the run, and as pytest
closes (`pytest_unconfigure`, last) it hands the run to a detached recorder process
(`dptelemetry.capture.pytest_recorder`), which reads the config and writes the one event: importing
the store here would cost twice the plugin's 10 ms budget. What went wrong there (a broken
config, a full disk) is shown at the end of the next session when nobody could read it then
(stderr not a terminal): the recorder leaves it in the plugin's folder of pytest's cache.
Under pytest-xdist only the controller records; each worker just names, on a failing report,
the exception behind it, because only the worker still has the exception object.
`-p no:dptelemetry` or `capture.pytest = false` in the config turns it off.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from dptelemetry.capture.pytest_recorder import Recorder

EXCEPTION_ATTRIBUTE = "dptelemetry_exception"
"""Set on failing reports: the exception's class name. Travels with the report to the
xdist controller, which has only the serialised report."""

WARNINGS_FILE = "recorder-warnings"
_PREFIX = "dptelemetry: "

_NOT_A_TEST_RUN = ("collectonly", "showfixtures", "show_fixtures_per_test", "setuponly",
                   "setupplan")
"""Options that make a session show information instead of running tests."""


def _exception_name(exc: BaseException) -> str:
    # A module that fails to import is reported as pytest's CollectError raised from the
    # real error (ImportError, SyntaxError, ...): the real one is the signature.
    if isinstance(exc, pytest.Collector.CollectError) and exc.__cause__ is not None:
        exc = exc.__cause__
    return type(exc).__name__


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed and call.excinfo is not None:
        setattr(report, EXCEPTION_ATTRIBUTE, _exception_name(call.excinfo.value))
    return report


def pytest_exception_interact(
    node: pytest.Item | pytest.Collector,
    call: pytest.CallInfo[object],
    report: pytest.CollectReport | pytest.TestReport,
) -> None:
    # Collection errors: called before pytest_collectreport, which xdist forwards.
    if isinstance(report, pytest.CollectReport) and call.excinfo is not None:
        setattr(report, EXCEPTION_ATTRIBUTE, _exception_name(call.excinfo.value))


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker: the controller records
        return
    config.pluginmanager.register(SessionTally(config), "dptelemetry-session")


def _category(report: pytest.TestReport) -> str | None:
    """The count a report adds to, as pytest's own terminal summary counts it."""
    if hasattr(report, "wasxfail"):  # set by pytest's xfail support
        if report.skipped:
            return "xfailed"
        if report.passed:
            return "xpassed"
    if report.failed:
        return "failed" if report.when == "call" else "errors"
    if report.skipped:
        return "skipped"
    return "passed" if report.when == "call" else None


class SessionTally:
    """One session's outcomes, counted in memory and handed to the recorder at its end."""

    def __init__(self, config: pytest.Config) -> None:
        self._config = config
        self._started: float | None = None
        self._counts = dict.fromkeys(("passed", "failed", "errors", "skipped", "xfailed",
                                      "xpassed"), 0)
        self._failures: list[tuple[str, str | None]] = []
        self._run: dict[str, Any] | None = None
        self.recorder: Recorder | None = None

    def pytest_sessionstart(self) -> None:
        self._started = time.perf_counter()

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self._counts["errors"] += 1
            self._note_failure(report)
        elif report.skipped:
            self._counts["skipped"] += 1

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        category = _category(report)
        if category is not None:
            self._counts[category] += 1
            if category in ("failed", "errors"):
                self._note_failure(report)

    def _note_failure(self, report: pytest.TestReport | pytest.CollectReport) -> None:
        self._failures.append((report.nodeid, getattr(report, EXCEPTION_ATTRIBUTE, None)))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self._started is None:
            return
        option = self._config.option
        if any(getattr(option, name, False) for name in _NOT_A_TEST_RUN):
            return
        duration = time.perf_counter() - self._started
        self._run = self._note_run(int(exitstatus), duration)

    def _note_run(self, exit_code: int, duration: float) -> dict[str, Any] | None:
        """The run as the recorder reads it (`TestRun.from_json`); None inside `dpt run`."""
        from dptelemetry import clock
        from dptelemetry.capture.testrun_limits import MAX_FAILURES, RECORDED_BY_DPT_RUN

        if os.environ.get(RECORDED_BY_DPT_RUN):
            return None  # `dpt run` records the command around this session
        return {
            "source": "pytest",
            "runner": "pytest",
            "started": clock.now() - duration,
            "duration": duration,
            "exit_code": exit_code,
            "counts": {**self._counts, "failures": self._failures[:MAX_FAILURES]},
            "directory": str(self._config.rootpath),
            "interrupted": exit_code == pytest.ExitCode.INTERRUPTED,
        }

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self) -> None:
        # As late as pytest allows: the recorder's start-up then overlaps nothing of pytest's
        # but the interpreter's own exit.
        if self._run is None:
            return
        from dptelemetry.capture.pytest_recorder import WARNINGS_TO, start_recorder

        self._run[WARNINGS_TO] = self._show_earlier_warnings()
        try:
            self.recorder = start_recorder(self._run)
        except OSError as exc:
            sys.stderr.write(
                f"dptelemetry: test run not recorded (cannot start the recorder: {exc})\n")

    def _show_earlier_warnings(self) -> str | None:
        """Print what an earlier session's recorder left; returns where this one's may go
        (None without pytest's cache)."""
        from dptelemetry.capture import deferred

        cache = getattr(self._config, "cache", None)
        try:
            path = cache.mkdir("dptelemetry") / WARNINGS_FILE if cache else None
        except OSError:
            return None
        left = deferred.take(path) if path else None
        for line in (left or "").splitlines():
            sys.stderr.write(f"dptelemetry: the last test run: {line.removeprefix(_PREFIX)}\n")
        return str(path) if path else None

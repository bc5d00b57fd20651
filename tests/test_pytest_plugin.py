"""The pytest plugin, through real pytest sessions run by `pytester`.

Our own suite runs with `-p no:dptelemetry` (pyproject addopts). The sessions pytester starts
have their own rootdir without that ini, so the plugin loads there exactly as for a user:
through the `pytest11` entry point of the installed package. Nothing here names the plugin
with `-p`; `test_the_plugin_loads_through_the_entry_point` checks that.

The plugin hands each run to a detached recorder process. In-process sessions (`session`)
wait for it through the plugin's handle on it, so "nothing was recorded" is checked after
the recorder finished. A real SIGINT and the clock offset (read once per process) need a
fresh pytest process; there the test waits for the event to arrive (`wait_for_run`).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from smalldisk import UnwritableHome
from testrun_helpers import only_run, recorded_runs, run_in_terminal

from dptelemetry.capture.testrun_limits import MAX_FAILURES
from dptelemetry.events import Event
from dptelemetry.goals import start_goal
from dptelemetry.store import open_store, store_path
from dptelemetry.store.spool import SPOOL_DIR

pytest_plugins = ("pytester",)

MIXED = """
import pytest

class LedgerError(Exception):
    pass

@pytest.fixture
def broken_setup():
    raise RuntimeError("setup")

@pytest.fixture
def broken_teardown():
    yield
    raise OSError("teardown")

def test_passes():
    pass

def test_assert():
    assert 1 == 2

def test_custom():
    raise LedgerError("no")

def test_setup_error(broken_setup):
    pass

def test_teardown_error(broken_teardown):
    pass

@pytest.mark.skip
def test_skipped():
    pass

@pytest.mark.xfail
def test_xfailed():
    assert False

@pytest.mark.xfail
def test_xpassed():
    pass

@pytest.mark.xfail(strict=True)
def test_strict_xpass():
    pass
"""


@pytest.fixture(autouse=True)
def inner_ini(pytester: pytest.Pytester) -> None:
    """The inner sessions' own ini (pytest-asyncio warns when this option is unset)."""
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")


class RecorderWaiter:
    """A plugin for the inner session: at its end, waits for the recorder it started."""

    def __init__(self) -> None:
        self.exit_status: int | None = None

    @pytest.hookimpl(wrapper=True)
    def pytest_unconfigure(self, config: pytest.Config) -> Generator[None, None, None]:
        yield  # the plugin starts its recorder in its own pytest_unconfigure
        tally = config.pluginmanager.get_plugin("dptelemetry-session")
        recorder = getattr(tally, "recorder", None)
        if recorder is not None:
            # This host lives on after the session, so it lets the recorder go itself.
            recorder.release()
            self.exit_status = recorder.process.wait(timeout=60)


def session(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, int | None]:
    """An in-process session; (its result, its recorder's exit status or None if none ran)."""
    waiter = RecorderWaiter()
    result = pytester.runpytest(*args, plugins=[waiter])
    return result, waiter.exit_status


def wait_for_run(home: Path) -> Event:
    """The one run a pytest subprocess recorded, once its detached recorder stored it."""
    deadline = time.monotonic() + 60
    while not (runs := recorded_runs(home)) and time.monotonic() < deadline:
        time.sleep(0.05)
    [run] = runs
    return run


def payload(home: Path) -> dict[str, Any]:
    return dict(only_run(home).payload)


def test_the_plugin_loads_through_the_entry_point(pytester: pytest.Pytester) -> None:
    result, recorder = session(pytester, "--trace-config")
    result.stdout.fnmatch_lines(["*dptelemetry.capture.pytest_plugin*"])
    assert recorder == 0


def test_a_passing_session_is_one_green_run(
    pytester: pytest.Pytester, dpt_home: Path
) -> None:
    subprocess.run(["git", "init", "-q", str(pytester.path)], check=True)
    with open_store(dpt_home) as store:
        goal, _ = start_goal(store, dpt_home, "Kata", now=1_000.0)
    pytester.makepyfile("def test_one(): pass\ndef test_two(): pass\n")

    result, recorder = session(pytester)

    result.assert_outcomes(passed=2)
    assert recorder == 0
    run = only_run(dpt_home)
    assert run.source == "pytest"
    assert run.goal_id == goal.id
    assert run.repo == str(pytester.path)
    assert run.payload == {
        "runner": "pytest", "outcome": "green", "exit_code": 0,
        "duration_s": run.payload["duration_s"],
        "passed": 2, "failed": 0, "errors": 0, "skipped": 0, "xfailed": 0, "xpassed": 0,
        "failures": [],
    }
    assert 0 <= run.payload["duration_s"] < 60
    assert "dptelemetry" not in result.stderr.str()


def test_every_outcome_is_counted_as_pytest_counts_it(
    pytester: pytest.Pytester, dpt_home: Path
) -> None:
    pytester.makepyfile(test_mixed=MIXED)

    result, _ = session(pytester)

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    expected = {"passed": 2, "failed": 3, "errors": 2, "skipped": 1, "xfailed": 1,
                "xpassed": 1}
    result.assert_outcomes(**expected)  # what pytest's own summary says
    data = payload(dpt_home)
    assert {k: data[k] for k in expected} == expected
    assert data["outcome"] == "red"
    assert data["exit_code"] == 1
    assert sorted(map(tuple, data["failures"]), key=str) == sorted([
        ("test_mixed.py::test_assert", "AssertionError"),
        ("test_mixed.py::test_custom", "LedgerError"),
        ("test_mixed.py::test_setup_error", "RuntimeError"),
        ("test_mixed.py::test_teardown_error", "OSError"),
        ("test_mixed.py::test_strict_xpass", None),
    ], key=str)
    # Signatures only: never output or tracebacks.
    assert "teardown" not in str(data).replace("test_teardown_error", "")


def test_a_collection_error_is_red_with_the_real_exception(
    pytester: pytest.Pytester, dpt_home: Path
) -> None:
    pytester.makepyfile(test_fine="def test_fine(): pass\n",
                        test_imports="import no_such_module_here\n",
                        test_syntax="def test_(:\n")

    result, _ = session(pytester)

    assert result.ret == pytest.ExitCode.INTERRUPTED
    data = payload(dpt_home)
    assert data["outcome"] == "red"
    assert data["exit_code"] == 2
    assert (data["errors"], data["passed"]) == (2, 0)
    assert sorted(map(tuple, data["failures"])) == [
        ("test_imports.py", "ModuleNotFoundError"),
        ("test_syntax.py", "SyntaxError"),
    ]


def test_stopping_at_the_first_failure_is_red(
    pytester: pytest.Pytester, dpt_home: Path
) -> None:
    pytester.makepyfile("def test_a(): pass\ndef test_b(): 1/0\ndef test_c(): pass\n")

    result, _ = session(pytester, "-x")

    assert result.ret == 1
    data = payload(dpt_home)
    assert (data["outcome"], data["passed"], data["failed"]) == ("red", 1, 1)
    assert data["failures"] == [["test_stopping_at_the_first_failure_is_red.py::test_b",
                                 "ZeroDivisionError"]]


def test_an_interrupted_session_is_other(pytester: pytest.Pytester, dpt_home: Path) -> None:
    pytester.makepyfile("""
        import os, signal
        def test_a(): pass
        def test_b(): os.kill(os.getpid(), signal.SIGINT)
        def test_c(): pass
    """)

    result = pytester.runpytest_subprocess()

    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*KeyboardInterrupt*"])
    data = wait_for_run(dpt_home).payload
    assert (data["outcome"], data["exit_code"], data["passed"], data["failed"]) == (
        "other", 2, 1, 0)


def test_no_tests_is_other(pytester: pytest.Pytester, dpt_home: Path) -> None:
    pytester.makepyfile("def helper(): pass\n")
    result, _ = session(pytester)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert payload(dpt_home)["outcome"] == "other"


def test_a_session_whose_every_test_was_skipped_ran_none_and_is_other(
        pytester: pytest.Pytester, dpt_home: Path) -> None:
    pytester.makepyfile("import pytest\n@pytest.mark.skip\ndef test_one(): pass\n")
    result, _ = session(pytester)
    assert result.ret == pytest.ExitCode.OK  # pytest calls it a success: nothing failed
    data = payload(dpt_home)
    assert (data["outcome"], data["passed"], data["skipped"]) == ("other", 0, 1)


@pytest.mark.parametrize("option", ["--collect-only", "--fixtures", "--setup-plan"])
def test_sessions_that_run_no_tests_are_not_recorded(
    pytester: pytest.Pytester, dpt_home: Path, option: str
) -> None:
    pytester.makepyfile("def test_one(): pass\n")
    result, recorder = session(pytester, option)
    assert (result.ret, recorder) == (0, None)
    assert recorded_runs(dpt_home) == []


def test_under_xdist_only_the_controller_records(
    pytester: pytest.Pytester, dpt_home: Path
) -> None:
    pytester.makepyfile(test_mixed=MIXED, test_more="""
        import pytest
        @pytest.mark.parametrize("n", range(10))
        def test_many(n):
            assert n != 7
    """)

    result, recorder = session(pytester, "-n", "2")

    result.stdout.fnmatch_lines(["*2 workers*"])
    assert recorder == 0
    expected = {"passed": 11, "failed": 4, "errors": 2, "skipped": 1, "xfailed": 1,
                "xpassed": 1}
    result.assert_outcomes(**expected)
    data = payload(dpt_home)  # exactly one event, after the only recorder finished
    assert {k: data[k] for k in expected} == expected
    # The exception names came from the workers, on the reports they sent.
    assert ["test_more.py::test_many[7]", "AssertionError"] in data["failures"]
    assert ["test_mixed.py::test_custom", "LedgerError"] in data["failures"]


def test_p_no_dptelemetry_turns_it_off(pytester: pytest.Pytester, dpt_home: Path) -> None:
    pytester.makepyfile("def test_one(): pass\n")
    result, recorder = session(pytester, "-p", "no:dptelemetry")
    result.assert_outcomes(passed=1)
    assert recorder is None
    assert recorded_runs(dpt_home) == []


def test_the_config_switch_turns_it_off(pytester: pytest.Pytester, dpt_home: Path) -> None:
    Path(os.environ["DPT_CONFIG"]).write_text("[capture]\npytest = false\n")
    pytester.makepyfile("def test_one(): pass\n")
    result, recorder = session(pytester)
    result.assert_outcomes(passed=1)
    assert recorder == 0  # it read the switch and stored nothing
    assert recorded_runs(dpt_home) == []
    assert "dptelemetry" not in result.stderr.str()


def test_inside_dpt_run_the_plugin_leaves_recording_to_it(
    pytester: pytest.Pytester, dpt_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DPT_RUN", "1")
    pytester.makepyfile("def test_one(): pass\n")
    result, recorder = session(pytester)
    result.assert_outcomes(passed=1)
    assert recorder is None
    assert recorded_runs(dpt_home) == []


def test_paths_are_hashed_when_the_config_says_so(
    pytester: pytest.Pytester, dpt_home: Path
) -> None:
    Path(os.environ["DPT_CONFIG"]).write_text("[privacy]\nhash_paths = true\n")
    (pytester.path / ".git").mkdir()
    pytester.makepyfile("def test_one(): pass\n")
    session(pytester)
    repo = only_run(dpt_home).repo
    assert repo is not None
    assert repo.startswith("sha256:")
    assert str(pytester.path) not in repo


def test_the_start_time_comes_from_the_dpt_clock(
    pytester: pytest.Pytester, dpt_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DPT_CLOCK_OFFSET", "-86400")
    pytester.makepyfile("def test_one(): pass\n")
    before = time.time()
    pytester.runpytest_subprocess()
    run = wait_for_run(dpt_home)
    assert before - 86400 - 1 < run.ts < time.time() - 86400


def test_failure_signatures_are_capped_but_counts_are_not(
    pytester: pytest.Pytester, dpt_home: Path
) -> None:
    pytester.makepyfile("""
        import pytest
        @pytest.mark.parametrize("n", range(250))
        def test_n(n):
            assert False
    """)
    session(pytester, "-q", "--tb=no")
    data = payload(dpt_home)
    assert data["failed"] == 250
    assert len(data["failures"]) == MAX_FAILURES


@pytest.mark.parametrize("tests, exit_code", [
    ("def test_ok(): pass\n", 0),
    ("def test_bad(): assert 0\n", 1),
])
def test_a_corrupt_store_never_changes_the_session(
    pytester: pytest.Pytester, dpt_home: Path, tests: str, exit_code: int
) -> None:
    dpt_home.mkdir()
    store_path(dpt_home).write_bytes(b"this is not a database" * 100)
    pytester.makepyfile(tests)

    result, recorder = session(pytester)

    assert result.ret == exit_code
    assert recorder == 1  # it warned (to a terminal only; this stderr is not one)
    assert "dptelemetry" not in result.stderr.str()
    [spooled] = (dpt_home / SPOOL_DIR).glob("*.jsonl")
    assert json.loads(spooled.read_text())["kind"] == "test_run"


@pytest.mark.parametrize("break_it, warning", [
    ("corrupt store", "store unavailable"),
    ("data home is a file", "until it can"),
    ("config is not TOML", "is not valid TOML: Expected ']' at the end of a table declaration "
                           "(at line 1, column 9)"),
])
def test_in_a_terminal_a_broken_store_costs_one_warning_line_and_nothing_else(
    pytester: pytest.Pytester, dpt_home: Path, break_it: str, warning: str
) -> None:
    if break_it == "corrupt store":
        dpt_home.mkdir()
        store_path(dpt_home).write_bytes(b"garbage" * 1000)
    elif break_it == "data home is a file":
        dpt_home.write_text("not a folder")
    else:
        Path(os.environ["DPT_CONFIG"]).write_text("[capture\npytest = false\n")
    pytester.makepyfile("def test_bad(): assert 0\n")

    status, raw = run_in_terminal([sys.executable, "-m", "pytest"], pytester.path)
    output = raw.decode()

    assert status == 1
    assert "1 failed" in output
    lines = [line for line in output.splitlines() if line.startswith("dptelemetry:")]
    assert len(lines) == 1, output
    assert warning in lines[0]


def test_the_recorder_reads_the_run_from_stdin_and_says_what_went_wrong(
    dpt_home: Path
) -> None:
    recorder = [sys.executable, "-m", "dptelemetry.capture.pytest_recorder"]
    bad = subprocess.run(recorder, input="{not json", capture_output=True, text=True,
                         check=False)
    assert bad.returncode == 1
    assert bad.stderr.startswith("dptelemetry: test run not recorded (unreadable run")
    assert len(bad.stderr.splitlines()) == 1


def test_a_config_file_that_is_not_toml_never_costs_a_run_and_is_said_once(
    pytester: pytest.Pytester, dpt_home: Path
) -> None:
    """In a pipe nobody reads the recorder's stderr when it is done: the next session says
    what it met, once."""
    config = Path(os.environ["DPT_CONFIG"])
    config.write_text("x = = [\n")
    pytester.makepyfile("def test_one(): pass\n")

    first, recorder = session(pytester)
    assert (first.ret, recorder) == (0, 1)
    assert "dptelemetry" not in first.stderr.str()
    assert len(recorded_runs(dpt_home)) == 1

    second, _ = session(pytester)
    said = [line for line in second.stderr.lines if "dptelemetry" in line]
    assert said == [f"dptelemetry: the last test run: config file {config} is not valid TOML: "
                    "Invalid value (at line 1, column 5); using the defaults, with paths "
                    "stored hashed until it is fixed"]
    assert len(recorded_runs(dpt_home)) == 2

    config.unlink()
    third, recorder = session(pytester)
    assert [line for line in third.stderr.lines if "dptelemetry" in line] == said
    fourth, recorder = session(pytester)
    assert recorder == 0
    assert "dptelemetry" not in fourth.stderr.str()
    assert len(recorded_runs(dpt_home)) == 4


def test_the_warnings_file_is_never_read_or_written_through_a_symbolic_link(
    pytester: pytest.Pytester, dpt_home: Path
) -> None:
    Path(os.environ["DPT_CONFIG"]).write_text("x = = [\n")  # the recorder leaves a warning
    pytester.makepyfile("def test_one(): pass\n")
    victim = pytester.path.parent / "victim"
    victim.write_text("not a warning\n")
    victim.chmod(0o644)
    warnings = pytester.path / ".pytest_cache" / "d" / "dptelemetry" / "recorder-warnings"
    warnings.parent.mkdir(parents=True)
    warnings.symlink_to(victim)

    result, recorder = session(pytester)
    assert (result.ret, recorder) == (0, 1)
    assert "dptelemetry" not in result.stderr.str()
    assert (victim.read_text(), stat.S_IMODE(victim.stat().st_mode)) == ("not a warning\n",
                                                                         0o644)
    assert not warnings.is_symlink() and stat.S_IMODE(warnings.stat().st_mode) == 0o600
    assert "is not valid TOML" in warnings.read_text()
    assert [p.name for p in warnings.parent.iterdir()] == ["recorder-warnings"]


def test_a_data_home_that_cannot_take_the_run_keeps_it_and_the_next_session_says_so(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, unwritable_home: UnwritableHome
) -> None:
    home = unwritable_home.home
    monkeypatch.setenv("DPT_HOME", str(home))
    pytester.makepyfile("def test_one(): pass\n")

    first, recorder = session(pytester)
    assert (first.ret, recorder) == (0, 1)
    assert "dptelemetry" not in first.stderr.str()
    second, _ = session(pytester)
    [said] = [line for line in second.stderr.lines if "dptelemetry" in line]
    assert said.startswith(f"dptelemetry: the last test run: could not record in {home} (")
    assert unwritable_home.why in said
    assert said.endswith("until it can")
    assert not home.is_dir() or list(home.rglob("*.tmp")) == []

    unwritable_home.mend()
    open_store(home).close()  # any opening of the store reads back what waited
    assert len(recorded_runs(home)) == 2

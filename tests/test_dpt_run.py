"""`dpt run -- CMD ...` end to end, through the real CLI in a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import RunDpt
from smalldisk import SmallDisk
from testrun_helpers import only_run, recorded_runs, run_in_terminal

from dptelemetry import fallback
from dptelemetry.capture.runner import TAIL_BYTES
from dptelemetry.store import open_store, store_path

PY = sys.executable


def dpt_command(*args: str) -> list[str]:
    return [PY, "-m", "dptelemetry", "run", "--", *args]


def test_a_passing_command_is_a_green_run(run_dpt: RunDpt, dpt_home: Path,
                                          tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "sub").mkdir()

    result = run_dpt("run", "--", PY, "-c", "print('hello')", cwd=tmp_path / "sub")

    assert (result.returncode, result.stdout, result.stderr) == (0, "hello\n", "")
    run = only_run(dpt_home)
    assert run.source == "run"
    assert run.repo == str(tmp_path)
    assert run.payload == {"runner": "unknown", "outcome": "green", "exit_code": 0,
                           "duration_s": run.payload["duration_s"]}


def test_input_output_and_exit_status_pass_through(run_dpt: RunDpt, dpt_home: Path) -> None:
    script = ("import sys; data = sys.stdin.read(); sys.stdout.write(data.upper()); "
              "sys.stderr.write('warning: careful\\n'); sys.exit(3)")

    result = run_dpt("run", "--", PY, "-c", script, input="some input\nmore\n")

    assert result.returncode == 3
    assert result.stdout == "SOME INPUT\nMORE\n"
    assert result.stderr == "warning: careful\n"
    payload = only_run(dpt_home).payload
    assert (payload["outcome"], payload["exit_code"]) == ("red", 3)


def test_stdout_and_stderr_into_one_file_keep_their_order(tmp_path: Path) -> None:
    script = ("import sys\nfor i in range(200):\n"
              "    (sys.stdout if i % 2 else sys.stderr).write(f'{i}\\n')\n"
              "    (sys.stdout if i % 2 else sys.stderr).flush()\n")
    with (tmp_path / "log").open("wb") as log:
        status = subprocess.run(dpt_command(PY, "-c", script), stdout=log,
                                stderr=subprocess.STDOUT, check=False).returncode
    assert status == 0
    assert (tmp_path / "log").read_text() == "".join(f"{i}\n" for i in range(200))


@pytest.mark.parametrize("sig, outcome", [
    (signal.SIGKILL, "red"),    # a crash, as far as anyone can tell
    (signal.SIGSEGV, "red"),
    (signal.SIGTERM, "other"),  # someone stopped it
])
def test_a_command_killed_by_a_signal_exits_as_a_shell_reports_it(
    run_dpt: RunDpt, dpt_home: Path, sig: signal.Signals, outcome: str
) -> None:
    result = run_dpt("run", "--", PY, "-c",
                     f"import os; os.kill(os.getpid(), {int(sig)})")

    assert result.returncode == 128 + sig
    payload = only_run(dpt_home).payload
    assert (payload["exit_code"], payload["outcome"]) == (-sig, outcome)


def test_a_command_that_does_not_exist_exits_127(run_dpt: RunDpt, dpt_home: Path) -> None:
    result = run_dpt("run", "--", "no-such-command-anywhere", "--flag")
    assert result.returncode == 127
    assert result.stdout == ""
    assert result.stderr == "dpt: no-such-command-anywhere: command not found\n"
    assert recorded_runs(dpt_home) == []


def test_a_command_that_is_not_executable_exits_126(run_dpt: RunDpt, tmp_path: Path,
                                                    dpt_home: Path) -> None:
    script = tmp_path / "check.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    result = run_dpt("run", "--", str(script))
    assert result.returncode == 126
    assert result.stderr == f"dpt: {script}: permission denied\n"
    assert recorded_runs(dpt_home) == []


def test_no_command_is_a_usage_error(run_dpt: RunDpt) -> None:
    result = run_dpt("run")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1


def test_pytest_inside_dpt_run_is_recorded_once_with_its_counts(
    run_dpt: RunDpt, dpt_home: Path, tmp_path: Path
) -> None:
    (tmp_path / "test_ledger.py").write_text(textwrap.dedent("""
        import pytest
        def test_ok(): pass
        def test_bad(): assert 1 == 2
        def test_zero(): 1 / 0
        @pytest.mark.skip
        def test_later(): pass
    """))

    result = run_dpt("run", "--", PY, "-m", "pytest", "-p", "no:cacheprovider", cwd=tmp_path)

    assert result.returncode == 1
    assert "2 failed, 1 passed, 1 skipped" in result.stdout
    run = only_run(dpt_home)  # the plugin inside left the recording to dpt run
    assert run.source == "run"
    payload = run.payload
    assert (payload["runner"], payload["outcome"]) == ("pytest", "red")
    assert (payload["passed"], payload["failed"], payload["skipped"]) == (1, 2, 1)
    assert sorted(map(tuple, payload["failures"])) == [
        ("test_ledger.py::test_bad", "AssertionError"),
        ("test_ledger.py::test_zero", "ZeroDivisionError"),
    ]


def test_unittest_counts_come_from_its_stderr(
    run_dpt: RunDpt, dpt_home: Path, tmp_path: Path
) -> None:
    (tmp_path / "test_ledger.py").write_text(textwrap.dedent("""
        import unittest
        class Ledger(unittest.TestCase):
            def test_ok(self): pass
            def test_bad(self): self.assertEqual(1, 2)
    """))

    result = run_dpt("run", "--", PY, "-m", "unittest", cwd=tmp_path)

    assert result.returncode == 1
    payload = only_run(dpt_home).payload
    assert (payload["runner"], payload["passed"], payload["failed"]) == ("unittest", 1, 1)
    assert payload["failures"] == [["test_ledger.Ledger.test_bad", "AssertionError"]]


def test_unittest_that_ran_no_tests_is_not_green(
    run_dpt: RunDpt, dpt_home: Path, tmp_path: Path
) -> None:
    """Python 3.11's unittest says "Ran 0 tests ... OK" and exits 0 in a folder without
    tests (3.12 and later say "NO TESTS RAN" and exit 5): nothing ran, so nothing is green."""
    (tmp_path / "ledger.py").write_text("def add(a, b):\n    return a + b\n")

    result = run_dpt("run", "--", PY, "-m", "unittest", cwd=tmp_path)

    assert "Ran 0 tests" in result.stderr
    payload = only_run(dpt_home).payload
    assert (payload["runner"], payload["outcome"], payload["passed"], payload["exit_code"]) == (
        "unittest", "other", 0, result.returncode)


def test_long_output_passes_through_whole_and_early_summaries_still_count(
    run_dpt: RunDpt, dpt_home: Path
) -> None:
    result_line = ("test result: ok. 2 passed; 0 failed; 1 ignored; 0 measured; "
                   "0 filtered out; finished in 0.00s")
    script = (f"print({result_line!r})\n"
              f"for i in range({TAIL_BYTES // 10}): print(f'{{i:09d}}' * 3)\n"
              f"print({result_line!r})\n")

    result = run_dpt("run", "--", PY, "-c", script)

    lines = result.stdout.splitlines()
    assert len(lines) == TAIL_BYTES // 10 + 2
    assert lines[1] == "000000000" * 3
    assert lines[-2] == f"{TAIL_BYTES // 10 - 1:09d}" * 3
    payload = only_run(dpt_home).payload
    assert (payload["runner"], payload["passed"], payload["skipped"]) == ("cargo", 4, 2)


def test_a_background_process_holding_the_output_does_not_keep_dpt_waiting(
    run_dpt: RunDpt, dpt_home: Path
) -> None:
    # Without the drain limit this would wait the full 60 s and hit the timeout.
    result = run_dpt("run", "--", "sh", "-c", "sleep 60 & echo started", timeout=30)
    assert (result.returncode, result.stdout) == (0, "started\n")
    assert only_run(dpt_home).payload["outcome"] == "green"


def test_ctrl_c_stops_the_command_and_the_run_is_other(dpt_home: Path) -> None:
    script = "import sys, time\nprint('ready', flush=True)\ntime.sleep(60)\n"
    process = subprocess.Popen(dpt_command(PY, "-c", script), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    assert process.stdout is not None
    assert process.stdout.readline() == b"ready\n"
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    _, stderr = process.communicate(timeout=30)

    assert process.returncode == 128 + signal.SIGINT
    assert b"KeyboardInterrupt" in stderr
    payload = only_run(dpt_home).payload
    assert (payload["outcome"], payload["exit_code"]) == ("other", -signal.SIGINT)


def test_through_a_terminal_the_command_still_sees_one_and_bytes_pass_unchanged(
    dpt_home: Path
) -> None:
    script = ("import sys; print(sys.stdout.isatty(), sys.stderr.isatty()); "
              "print('\\x1b[31mred\\x1b[0m')")
    status, output = run_in_terminal(dpt_command(PY, "-c", script))

    assert status == 0
    assert output == b"True True\n\x1b[31mred\x1b[0m\n"
    assert only_run(dpt_home).payload["outcome"] == "green"


def test_a_broken_store_changes_nothing_but_one_warning_line(
    run_dpt: RunDpt, dpt_home: Path
) -> None:
    dpt_home.mkdir()
    store_path(dpt_home).write_bytes(b"garbage" * 1000)

    result = run_dpt("run", "--", PY, "-c", "print('out'); raise SystemExit(4)")

    assert (result.returncode, result.stdout) == (4, "out\n")
    [warning] = result.stderr.splitlines()
    assert warning.startswith("dptelemetry: store unavailable")


_COUNT_INTERRUPTS = """
import signal, sys, time
seen = []
signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
print("ready", flush=True)
deadline = time.monotonic() + 20
while not seen and time.monotonic() < deadline:
    time.sleep(0.01)
time.sleep(0.5)  # a second SIGINT, if any, arrives meanwhile
with open(sys.argv[1], "w") as out:
    out.write(str(len(seen)))
sys.exit((int(sys.argv[2]) if len(sys.argv) > 2 else 130) if seen else 1)
"""


def test_sigint_sent_to_dpt_run_reaches_the_command_once_and_the_run_is_kept(
    dpt_home: Path, tmp_path: Path
) -> None:
    count = tmp_path / "interrupts"
    process = subprocess.Popen(dpt_command(PY, "-c", _COUNT_INTERRUPTS, str(count)),
                               stdout=subprocess.PIPE, start_new_session=True)
    assert process.stdout is not None
    assert process.stdout.readline() == b"ready\n"
    os.kill(process.pid, signal.SIGINT)  # to dpt alone, as a supervisor or `kill -INT` does
    process.communicate(timeout=30)

    assert count.read_text() == "1"
    assert process.returncode == 130
    payload = only_run(dpt_home).payload
    assert (payload["outcome"], payload["exit_code"]) == ("other", 130)


_TAKE_TERMINAL = """
import fcntl, os, sys, termios
fcntl.ioctl(0, termios.TIOCSCTTY, 0)
os.execv(sys.argv[1], sys.argv[1:])
"""


def ctrl_c_at_a_terminal(script: str, *args: str) -> tuple[int, bytes]:
    """`dpt run` of a Python `script` in a session of its own whose controlling terminal is
    a pty; once it prints `ready`, Ctrl-C is typed. Returns (exit status, all output)."""
    ours, theirs = os.openpty()
    process = subprocess.Popen(
        [PY, "-c", _TAKE_TERMINAL, *dpt_command(PY, "-c", script, *args)],
        stdin=theirs, stdout=theirs, stderr=theirs, start_new_session=True)
    os.close(theirs)
    output = b""
    while b"ready" not in output:
        output += os.read(ours, 1024)
    os.write(ours, b"\x03")  # the terminal sends SIGINT to its foreground process group
    try:
        while chunk := os.read(ours, 1024):
            output += chunk
    except OSError:  # EIO: the session is over
        pass
    os.close(ours)
    return process.wait(30), output


def test_ctrl_c_typed_at_a_terminal_reaches_the_command_once(
    dpt_home: Path, tmp_path: Path
) -> None:
    count = tmp_path / "interrupts"
    status, _ = ctrl_c_at_a_terminal(_COUNT_INTERRUPTS, str(count))

    assert status == 130
    assert count.read_text() == "1"
    assert only_run(dpt_home).payload["exit_code"] == 130


@pytest.mark.parametrize(("exit_code", "outcome"), [(0, "green"), (130, "other")])
def test_a_command_that_catches_ctrl_c_is_interrupted_only_if_it_exits_as_interrupted(
    dpt_home: Path, tmp_path: Path, exit_code: int, outcome: str
) -> None:
    count = tmp_path / "interrupts"
    status, _ = ctrl_c_at_a_terminal(_COUNT_INTERRUPTS, str(count), str(exit_code))

    assert status == exit_code
    assert count.read_text() == "1"  # it caught the one Ctrl-C and went on to its end
    payload = only_run(dpt_home).payload
    assert (payload["outcome"], payload["exit_code"]) == (outcome, exit_code)


def test_a_config_file_that_is_not_toml_is_one_warning_and_the_run_is_recorded(
    run_dpt: RunDpt, dpt_home: Path
) -> None:
    config = Path(os.environ["DPT_CONFIG"])
    config.write_text("x = = [\n")

    result = run_dpt("run", "--", "true")

    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == (
        f"dptelemetry: config file {config} is not valid TOML: Invalid value (at line 1, "
        "column 5); using the defaults, with paths stored hashed until it is fixed\n")
    assert only_run(dpt_home).payload["outcome"] == "green"


def test_a_data_home_under_a_regular_file_keeps_the_run_for_later_and_says_so(
    run_dpt: RunDpt, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    home = blocker / "home"

    result = run_dpt("run", "--", PY, "-c", "raise SystemExit(3)", env={"DPT_HOME": str(home)})

    assert result.returncode == 3
    waits = Path(os.environ["XDG_RUNTIME_DIR"]) / fallback.name(home)
    [warning] = result.stderr.splitlines()
    assert warning.startswith(f"dptelemetry: could not record in {home} (DPT_HOME {home} "
                              f"cannot be a folder: {blocker} is a file")
    assert warning.endswith(f"the data home {home} is not a writable directory); kept in "
                            f"{waits} until it can")
    blocker.unlink()
    open_store(home).close()  # any opening of the store reads back what waited
    assert only_run(home).payload["exit_code"] == 3


def test_on_a_full_disk_the_run_waits_elsewhere_and_no_partial_file_is_left(
    run_dpt: RunDpt, small_disk: SmallDisk
) -> None:
    home = small_disk.path / "home"
    env = {"DPT_HOME": str(home)}
    assert run_dpt("run", "--", "true", env=env).returncode == 0
    small_disk.fill()

    result = run_dpt("run", "--", "false", env=env)

    assert result.returncode == 1
    [warning] = result.stderr.splitlines()
    assert warning.startswith(f"dptelemetry: could not record in {home} (")
    assert f"no space is left on the device of the data home {home}" in warning
    assert list(home.rglob("*.tmp")) == []
    small_disk.free()
    assert sorted(run.payload["exit_code"] for run in recorded_runs(home)) == [0, 1]

"""Stores one test run for the pytest plugin, in a process of its own.

Storing a run means importing the config, the store and sqlite3: about 20 ms of CPU on the
reference machine (benchmarks/README.md), twice the plugin's whole budget. So as the pytest
session closes, the plugin starts this module detached, hands it the run as JSON on stdin and
returns at once; this process stores the run fail-open, as the git hooks' post-commit
recorder does.

It also keeps out of the host's way. On two cores, even a Python process merely starting up
while pytest shut down made that shutdown longer. So the recorder starts as a small `sh`
(at nice 10) that only reads its input; the host holds that input open until the host
process exits, when the kernel closes it (or until the host lets go, see `Recorder`). Only
then does Python start and store the run.

The plugin uses `start_recorder`; `python -m dptelemetry.capture.pytest_recorder < run.json` works
too. It exits 0 when the run was stored without a problem (or capture is switched off), 1
after saying what went wrong: on its stderr when that is a terminal, else in the file the run
names as `WARNINGS_TO` (the plugin's folder in pytest's cache), which the next session shows.
"""

from __future__ import annotations

import os
import sys
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess

NICE = ("nice", "-n", "10")
WAIT_FOR_HOST = 'run=$(cat) && printf "%s\\n" "$run" | exec "$0" -c "$1"'
"""sh: read the run until the input ends (the host exited or let go), then start Python."""
START = "import sys; from dptelemetry.capture.pytest_recorder import main; sys.exit(main())"
WARNINGS_TO = "warnings_to"
"""In the run handed over: the file for warnings nobody is there to read now, or None."""


class Recorder:
    """A started recorder: the process, and the end of its input the host still holds.

    The held end is a bare descriptor, not inherited by later children, closed by the kernel
    when the host exits. A host that lives on lets go with `release()`, or when it drops
    this object (pytest run inside a notebook), so the run is stored then.
    """

    def __init__(self, process: subprocess.Popen[bytes], held: int) -> None:
        self.process = process
        self._release = weakref.finalize(self, os.close, held)
        self._release.atexit = False  # at exit, the kernel closes it after everything else

    def release(self) -> None:
        """Let the recorder go now instead of when this process exits."""
        self._release()


def start_recorder(run: dict[str, Any]) -> Recorder:
    """Start the recorder for `run` (the layout `TestRun.from_json` reads) and return
    without waiting for it.

    It runs in a session of its own, so a Ctrl-C typed after the tests does not stop it. Its
    warning line, if any, goes to our stderr only when that is a terminal: a program reading
    our output through a pipe would otherwise wait for the recorder before seeing the end.
    Raises OSError if it cannot be started.
    """
    import json
    import subprocess

    options: dict[str, Any] = {
        "stdin": subprocess.PIPE,
        "stdout": subprocess.DEVNULL,
        "stderr": None if os.isatty(2) else subprocess.DEVNULL,
        "start_new_session": True,
    }
    try:
        process = subprocess.Popen(
            [*NICE, "sh", "-c", WAIT_FOR_HOST, sys.executable, START], **options)
    except FileNotFoundError:  # no `nice` or `sh` here: start Python at once
        process = subprocess.Popen([sys.executable, "-c", START], **options)
    assert process.stdin is not None
    with process.stdin:
        process.stdin.write(json.dumps(run).encode())
        process.stdin.flush()
        held = os.dup(process.stdin.fileno())
    return Recorder(process, held)


def main() -> int:
    import json
    from pathlib import Path

    from dptelemetry.capture import deferred
    from dptelemetry.capture.testrun import TestRun, record_test_run

    warnings_to = None
    try:
        data = json.load(sys.stdin.buffer)
        warnings_to = data.pop(WARNINGS_TO, None)
        run = TestRun.from_json(data)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        warnings = [f"dptelemetry: test run not recorded (unreadable run: {exc})"]
    else:
        warnings = record_test_run(run)
    if not warnings:
        return 0
    text = "".join(f"{line}\n" for line in warnings)
    if warnings_to and not os.isatty(2):
        try:
            deferred.leave(Path(warnings_to), text)
            return 1
        except OSError:
            pass
    sys.stderr.write(text)
    return 1


if __name__ == "__main__":
    sys.exit(main())

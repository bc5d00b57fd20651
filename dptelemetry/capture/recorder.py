"""Stores one test run for the pytest plugin, in a process of its own.

Storing a run means importing the config, the store and sqlite3: about 20 ms of CPU on the
reference machine (benchmarks/README.md), twice the plugin's whole budget. So at session
end the plugin starts this module detached, hands it the run as JSON on stdin and returns
at once; this process stores the run fail-open, as the git hooks' post-commit recorder does.

Run as `python -m dptelemetry.capture.recorder` (at nice 10); exits 0 when the run was stored
(or capture is switched off), 1 after printing the one warning line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dptelemetry.capture.testrun import TestRun

MODULE = "dptelemetry.capture.recorder"


def start_recorder(run: TestRun) -> subprocess.Popen[bytes]:
    """Start the recorder for `run` and return without waiting for it.

    It runs in a session of its own, so a Ctrl-C typed after the tests does not stop it. Its
    warning line, if any, goes to our stderr only when that is a terminal: a program reading
    our output through a pipe would otherwise wait for the recorder before seeing the end.
    Raises OSError if it cannot be started.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", MODULE],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=None if os.isatty(2) else subprocess.DEVNULL,
        start_new_session=True,
    )
    assert process.stdin is not None
    with process.stdin:
        process.stdin.write(json.dumps(run.to_json()).encode())
    return process


def main() -> int:
    # Background work: give the CPU to whatever the developer runs next.
    os.nice(10)
    from dptelemetry.capture.testrun import TestRun, record_test_run

    try:
        run = TestRun.from_json(json.load(sys.stdin.buffer))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        warning: str | None = f"dptelemetry: test run not recorded (unreadable run: {exc})"
    else:
        warning = record_test_run(run)
    if warning:
        print(warning, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

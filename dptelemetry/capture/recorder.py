"""Stores one test run for the pytest plugin, in a process of its own.

Storing a run means importing the config, the store and sqlite3: about 20 ms of CPU on the
reference machine (benchmarks/README.md), twice the plugin's whole budget. So as the pytest
session closes, the plugin starts this module detached, hands it the run as one JSON line on
stdin and returns at once; this process stores the run fail-open, as the git hooks'
post-commit recorder does.

It also keeps out of the host's way: on two cores a recorder busy with its imports while
pytest was still shutting down made that shutdown markedly longer. So it runs at a low
priority, and the host keeps the recorder's stdin open until the host process exits (the
kernel closes it then); only at that end of input, or after HOST_EXIT_WAIT, does the
recorder do its work.

Run as `python -m dptelemetry.capture.recorder`; exits 0 when the run was stored (or capture
is switched off), 1 after printing the one warning line.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dptelemetry.capture.testrun import TestRun

MODULE = "dptelemetry.capture.recorder"
NICE = ("nice", "-n", "10")
HOST_EXIT_WAIT = 5.0
"""Seconds the recorder waits for its host to exit; one that lives on (pytest run inside a
notebook or another long-lived program) delays its recordings by this much."""


class Recorder:
    """A started recorder: the process, and the end of its input the host still holds."""

    def __init__(self, process: subprocess.Popen[bytes], held: int) -> None:
        self.process = process
        self._held: int | None = held

    def release(self) -> None:
        """Let the recorder go now instead of when this process exits."""
        if self._held is not None:
            os.close(self._held)
            self._held = None


def start_recorder(run: TestRun) -> Recorder:
    """Start the recorder for `run` and return without waiting for it.

    It runs in a session of its own, so a Ctrl-C typed after the tests does not stop it. Its
    warning line, if any, goes to our stderr only when that is a terminal: a program reading
    our output through a pipe would otherwise wait for the recorder before seeing the end.
    Raises OSError if it cannot be started.
    """
    command = [sys.executable, "-m", MODULE]
    options: dict[str, Any] = {
        "stdin": subprocess.PIPE,
        "stdout": subprocess.DEVNULL,
        "stderr": None if os.isatty(2) else subprocess.DEVNULL,
        "start_new_session": True,
    }
    try:
        process = subprocess.Popen([*NICE, *command], **options)
    except FileNotFoundError:  # no `nice` on this system
        process = subprocess.Popen(command, **options)
    assert process.stdin is not None
    with process.stdin:
        process.stdin.write(json.dumps(run.to_json()).encode() + b"\n")
        process.stdin.flush()
        # A bare descriptor, not inherited by later children, that nothing closes before
        # the kernel does at exit (a file object could be closed by interpreter shutdown).
        held = os.dup(process.stdin.fileno())
    return Recorder(process, held)


def _read_run() -> bytes:
    """The one line the host wrote; read from the descriptor, with no buffer in between."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(0, 65536)
        if not chunk:
            break
        data += chunk
    return data


def _wait_for_host() -> None:
    """Until our input ends (the host exited, or released us), at most HOST_EXIT_WAIT."""
    while select.select([0], [], [], HOST_EXIT_WAIT)[0]:
        if not os.read(0, 4096):
            return
    # Timed out: the host lives on; record anyway.


def main() -> int:
    line = _read_run()
    _wait_for_host()
    from dptelemetry.capture.testrun import TestRun, record_test_run

    try:
        run = TestRun.from_json(json.loads(line))
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

"""What the test-run tests share: reading back recorded runs, running under a terminal."""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import termios
import tty
from pathlib import Path

from dptelemetry.events import Event
from dptelemetry.store import open_store, store_path


def recorded_runs(home: Path) -> list[Event]:
    if not store_path(home).exists():
        return []
    with open_store(home) as store:
        return [e for e in store.iter_events() if e.kind == "test_run"]


def only_run(home: Path) -> Event:
    [run] = recorded_runs(home)
    return run


def run_in_terminal(argv: list[str], cwd: Path | None = None,
                    columns: int | None = None) -> tuple[int, bytes]:
    """Run argv with one pty (in raw mode) as its stdout and stderr; `columns` wide (the
    pty's size and COLUMNS) when given.

    Returns (exit status, every byte written to the pty, by anyone): the pty reads to its end
    only when every process holding it closed it, a detached one included.
    """
    ours, theirs = os.openpty()
    tty.setraw(theirs)
    env = None
    if columns is not None:
        fcntl.ioctl(theirs, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        env = {**os.environ, "COLUMNS": str(columns)}
    process = subprocess.Popen(argv, stdout=theirs, stderr=theirs, cwd=cwd, env=env)
    os.close(theirs)
    output = b""
    while True:
        try:
            chunk = os.read(ours, 65536)
        except OSError:  # EIO: every writer has closed it
            break
        if not chunk:
            break
        output += chunk
    os.close(ours)
    return process.wait(timeout=60), output

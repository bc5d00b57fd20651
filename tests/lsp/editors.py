"""Real editors in a scripted session: the file they edit and the events they leave."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from dptelemetry.events import Event

from .lspclient import stored

README = Path(__file__).parents[2] / "README.md"
TEXT = "first line\nsecond line\nthird\n"
EDITED = "line\nthird\n"
"""What every session script does to TEXT: type " typed" at the end of line 1, delete
"second " on line 2, then delete line 1 with its line break."""
EACH_CHANGE = [(1, 0, 0)] * 6 + [(0, len("second "), 1), (0, len("first line typed\n"), 0)]
"""Those edits as (inserted, deleted, line) from a client that sends each change as made."""


def edit_in_editor(argv: list[str], source: Path, home: Path,
                   env: Mapping[str, str] = {}) -> tuple[list[Event], str]:
    """Run the editor's session script on `source` (in a new git repository); return the
    events once the server has ended, and what the editor printed."""
    subprocess.run(["git", "init", "-q", str(source.parent)], check=True)
    source.write_text(TEXT)
    full_env = {**os.environ, "DPT_TEST_FILE": str(source), "DPT_TEST_PYTHON": sys.executable,
                # `dpt`, and the other servers of the README set-ups, as installed with us
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                **env}
    result = subprocess.run(argv, env=full_env, cwd=source.parent, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert source.read_text() == EDITED
    deadline = time.monotonic() + 15  # the server may still be writing as the editor quits
    while not stored(home, "lsp_stop") and time.monotonic() < deadline:
        time.sleep(0.1)
    return stored(home), result.stdout + result.stderr


def edit_counts(events: list[Event]) -> list[tuple[int, int, int]]:
    """(inserted, deleted, line) of each edit event."""
    return [(e.payload["inserted"], e.payload["deleted"], e.payload["line"])
            for e in events if e.kind == "edit"]


def edit_in_emacs(session: Path, setup_marker: str, source: Path, home: Path,
                  tmp_path: Path) -> tuple[list[Event], str]:
    """Run an Emacs session script in batch mode with the README's init.el after
    `<!-- setup_marker -->`."""
    init = readme_setup(setup_marker, tmp_path, "init.el")
    return edit_in_editor(["emacs", "--batch", "-l", str(session)], source, home,
                          env={"DPT_TEST_INIT": str(init)})


def readme_setup(marker: str, tmp_path: Path, name: str) -> Path:
    """The README's code block after `<!-- marker -->`, written to tmp_path/name."""
    found = re.search(rf"<!-- {marker} -->\n```\w+\n(.*?)```", README.read_text(), re.DOTALL)
    assert found, f"README.md lost its {marker} block"
    init = tmp_path / name
    init.write_text(found.group(1))
    return init


def with_our_path(env: Mapping[str, str] = {}) -> dict[str, str]:
    """The environment with `dpt`, as installed with us, first on PATH."""
    return {**os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", **env}


_CONTROL = re.compile(rb"\x1b(\[[0-9;?>=]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78])")


def screen_shows(argv: list[str], wanted: str, cwd: Path, timeout: float = 30.0,
                 columns: int = 160) -> bool:
    """Run a terminal program in a pty of `columns` and tell whether what it draws comes to
    show `wanted` before `timeout` (escape sequences left out); then kill it."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its terminal is the pty
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, columns, 0, 0))
        os.chdir(cwd)
        os.execvpe(argv[0], argv, {**with_our_path(), "TERM": "xterm"})
    drawn = b""
    deadline = time.monotonic() + timeout
    try:
        while wanted.encode() not in _CONTROL.sub(b"", drawn) and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    drawn += os.read(fd, 65536)
                except OSError:  # the program ended
                    break
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    return wanted.encode() in _CONTROL.sub(b"", drawn)


def needs_editor(available: bool, reason: str) -> pytest.MarkDecorator:
    """Skip without the editor; with DPT_REQUIRE_EDITORS=1 (.ci/run installs them all) a
    missing one fails the run instead of skipping its tests unseen."""
    if not available and os.environ.get("DPT_REQUIRE_EDITORS") == "1":
        pytest.fail(f"{reason}, and DPT_REQUIRE_EDITORS=1", pytrace=False)
    return pytest.mark.skipif(not available, reason=reason)


def emacs_has(package: str) -> bool:
    """Whether Emacs is installed with `package` (after its packages are activated)."""
    if shutil.which("emacs") is None:
        return False
    probe = subprocess.run(["emacs", "--batch", "--eval", "(progn (package-activate-all) "
                            f"(require '{package}))"], capture_output=True, timeout=60,
                           check=False)
    return probe.returncode == 0

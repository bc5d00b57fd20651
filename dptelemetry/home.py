"""Where dptelemetry keeps its data, found with `os` alone: the status line needs it and must
start fast, and importing platformdirs costs more than the whole rest of that line (see
benchmarks/README.md, "Status line")."""

from __future__ import annotations

import os
import sys

APP_NAME = "dptelemetry"


def _linux_data_dir() -> str | None:
    """platformdirs' user data dir on Linux, for the usual environment: `$XDG_DATA_HOME` if
    absolute, else `$HOME/.local/share`; None where platformdirs must decide (tests check the
    two agree)."""
    if not sys.platform.startswith("linux"):
        return None
    base = os.environ.get("XDG_DATA_HOME", "")
    if not base.startswith("/"):
        home = os.environ.get("HOME", "")
        if not home.startswith("/"):
            return None
        base = home.rstrip("/") + "/.local/share"
    return os.path.join(base, APP_NAME)  # noqa: PTH118 (no pathlib: see the module's doc)


def data_home_dir() -> str:
    """`DPT_HOME`, else the platform's user data dir."""
    env = os.environ.get("DPT_HOME")
    if env:
        return os.path.expanduser(env)  # noqa: PTH111 (no pathlib: see the module's doc)
    found = _linux_data_dir()
    if found is not None:
        return found
    import platformdirs

    return platformdirs.user_data_dir(APP_NAME, appauthor=False)

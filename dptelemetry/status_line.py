"""`dpt goal status --format line`: the active goal in one short line for status lines.

tmux polls it every few seconds and shell prompts run it before every prompt, so it reads the
`active-goal` file (never the store) and imports nothing beyond `os`, `sys`, `time` and three
small modules of ours. `dptelemetry.__main__` answers the command here, before `click` and the
rest of the CLI load; any other spelling, `--help` or a bad value goes to the full CLI, which
gives the same line through `status_line` (and rewrites a file an older version left without
the goal's start).
"""

from __future__ import annotations

import sys

from dptelemetry import clock
from dptelemetry.durations import format_countdown, format_duration
from dptelemetry.goal_file import GoalFile, read_active_goal_file
from dptelemetry.home import data_home_dir

DEFAULT_WIDTH = 30
"""How many characters of the title the line keeps."""
MIN_WIDTH = 4
ELLIPSIS = "…"


def shorten(title: str, width: int) -> str:
    return title if len(title) <= width else title[:width - 1].rstrip() + ELLIPSIS


def time_text(goal: GoalFile, now: float) -> str:
    """`23m left`, `12m over`, or the time since the start when there is no box."""
    left = goal.time_left(now)
    if left is None:
        return format_duration(now - (goal.started or now))
    return f"{format_countdown(left)} left" if left >= 0 else f"{format_duration(-left)} over"


def status_line(goal: GoalFile, now: float, width: int = DEFAULT_WIDTH) -> str:
    return f"{shorten(goal.title, width)}: {time_text(goal, now)}"


def _width(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) >= MIN_WIDTH else None


def _wanted_width(args: list[str]) -> int | None:
    """The width if `args` (after `goal status`) ask for the line and nothing else, the way
    click would read them (the last `--format` wins); None for anything else."""
    fmt, width = None, DEFAULT_WIDTH
    items = iter(args)
    for arg in items:
        name, eq, value = arg.partition("=")
        if name not in ("--format", "--width"):
            return None
        if not eq:
            value = next(items, "")
        if name == "--format":
            fmt = value
        elif (checked := _width(value)) is None:
            return None
        else:
            width = checked
    return width if fmt == "line" else None


def fast_main(argv: list[str]) -> int | None:
    """Answer `dpt goal status --format line [--width N]` from the goal file and return the
    exit code; None when the full CLI must answer instead."""
    if argv[:2] != ["goal", "status"] or (width := _wanted_width(argv[2:])) is None:
        return None
    try:
        goal = read_active_goal_file(data_home_dir())
    except Exception:  # no home to be found: the full CLI says why
        return None
    if goal is not None and goal.started is None:
        return None  # written by an older version: the CLI reads the store and rewrites it
    if goal is not None:
        sys.stdout.buffer.write(status_line(goal, clock.now(), width).encode() + b"\n")
        sys.stdout.flush()
    return 0

"""The active goal mirrored to a small file in the data home, for readers that must not open
the store: the git hook shims (plain `sh`), `dpt goal status --format line` (polled by status
lines, so it must start fast) and the language server (which watches it for goals started
anywhere).

`active-goal` holds the title on line 1 (one clean line: the shims read only this line), the
goal's id on line 2, its start on line 3 (epoch seconds) and its time box on line 4 (seconds;
empty without one). Files written before lines 3 and 4 existed read as a goal whose start is
unknown. Only `goals.py` writes it, atomically, whenever the store's active goal changes.

Kept to `os` alone: importing anything heavier would cost the status line its start-up budget.
"""

from __future__ import annotations

import math
import os

ACTIVE_GOAL_FILE = "active-goal"


class GoalFile:
    """What the file says about the active goal."""

    __slots__ = ("goal_id", "started", "timebox", "title")

    def __init__(self, title: str, goal_id: str, started: float | None = None,
                 timebox: float | None = None) -> None:
        self.title = title
        self.goal_id = goal_id
        self.started = started
        """None when an older dptelemetry wrote the file."""
        self.timebox = timebox
        """Seconds, when the goal has a time box."""

    def _key(self) -> tuple[str, str, float | None, float | None]:
        return self.title, self.goal_id, self.started, self.timebox

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GoalFile) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"GoalFile({self.title!r}, {self.goal_id!r}, {self.started!r}, {self.timebox!r})"

    def time_left(self, now: float) -> float | None:
        """Seconds left in the box (negative once over); None without a box or a start."""
        if self.timebox is None or self.started is None:
            return None
        return self.timebox - max(0.0, now - self.started)


def goal_file_text(title: str, goal_id: str, started: float, timebox: float | None) -> str:
    box = "" if timebox is None else repr(float(timebox))
    return f"{title}\n{goal_id}\n{float(started)!r}\n{box}\n"


def _number(lines: list[str], index: int) -> float | None:
    try:
        value = float(lines[index])
    except (IndexError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _is_goal_id(text: str) -> bool:
    """32 lowercase hex digits (events.EVENT_ID, without importing re)."""
    return len(text) == 32 and not text.strip("0123456789abcdef")


def read_active_goal_file(home: str | os.PathLike[str]) -> GoalFile | None:
    """The active goal as the file says, without opening the store; None if no goal."""
    try:
        with open(os.path.join(home, ACTIVE_GOAL_FILE), encoding="utf-8") as fh:  # noqa: PTH118, PTH123 (pathlib costs the status line 5 ms)
            lines = fh.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) < 2 or not lines[0] or not _is_goal_id(lines[1]):
        return None  # not a file `goals.sync_active_goal_file` wrote
    return GoalFile(lines[0], lines[1], _number(lines, 2), _number(lines, 3))

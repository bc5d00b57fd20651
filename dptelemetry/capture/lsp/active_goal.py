"""The active goal as the server knows it, kept fresh off the editor's path.

`dpt goal start` in a terminal (or another editor, or `dpt goal again`) changes the goal while
the server runs; `goals.py` mirrors every change to the small `active-goal` file. The
server's feedback thread calls `poll` every second: one `stat`, and a read only when the file
changed. Handlers read `id` (O(1), no disk access), so events carry the goal seen at most
about a second ago; goals started through the server's own commands are known at once.
"""

from __future__ import annotations

from pathlib import Path

from dptelemetry.goal_file import ACTIVE_GOAL_FILE, GoalFile, read_active_goal_file

_Stamp = tuple[int, int, int]


class ActiveGoal:
    def __init__(self, home: Path) -> None:
        self._path = home / ACTIVE_GOAL_FILE
        self._home = home
        self._stamp: _Stamp | None = None
        self.goal: GoalFile | None = None
        self.id: str | None = None
        """The goal id now: read by the handlers."""
        self.poll()

    def set(self, goal_id: str | None) -> None:
        self.id = goal_id

    def _file_stamp(self) -> _Stamp | None:
        try:
            st = self._path.stat()
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def poll(self) -> None:
        """Re-read the file if it changed."""
        stamp = self._file_stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        self.goal = None if stamp is None else read_active_goal_file(self._home)
        self.id = self.goal.goal_id if self.goal else None

"""The active goal's id as the server's events carry it, kept fresh off the editor's path.

`dpt goal start` in a terminal changes the goal while the server runs. Reading the small
`active-goal` file is cheap but still a disk access, so a keystroke never does it: a
background thread re-reads the file once a second, and events carry the goal it last saw
(at most about a second stale). Goals started through the server's own commands are known
at once.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from dptelemetry.goals import read_active_goal_file


class ActiveGoal:
    def __init__(self, home: Path, interval: float = 1.0) -> None:
        self._home = home
        self._interval = interval
        self.id: str | None = self._read()
        """The goal id now: read by the handlers, O(1), no disk access."""
        threading.Thread(target=self._poll, name="dpt-goal", daemon=True).start()

    def set(self, goal_id: str | None) -> None:
        self.id = goal_id

    def _read(self) -> str | None:
        found = read_active_goal_file(self._home)
        return found[1] if found else None

    def _poll(self) -> None:
        while True:
            time.sleep(self._interval)
            self.id = self._read()

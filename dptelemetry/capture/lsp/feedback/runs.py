"""Test runs as the store has them, for a server that cannot see them happen.

The pytest plugin and `dpt run` write runs from their own processes; the server reads them
back in its feedback thread, at most every few seconds and cheaply: nothing at all while no
other connection has committed (`PRAGMA data_version`; the server's own writer is another
connection, so this holds only while nobody types), else the ids of recent runs from their
own index, and only the runs not seen before. A run is stamped with its start and written at
its end, so "recent" is the last `LONGEST_RUN`, and at first reaches back `LOOKBACK` before
the server started.
"""

from __future__ import annotations

import logging
from pathlib import Path

from dptelemetry.analysis.builder import test_run_from
from dptelemetry.analysis.timeline import TestRun
from dptelemetry.events import NOT_ACTIVITY
from dptelemetry.store import Store, open_store, store_path

logger = logging.getLogger(__name__)
LOOKBACK = 3600.0
"""A red stretch that began this long before the server started still counts."""
LONGEST_RUN = 3600.0
"""A run is looked for until this long after its start: one that takes longer and ends
after the server started is not seen."""


class RunFeed:
    """Owned by one thread: its SQLite connection is."""

    def __init__(self, home: Path, started: float) -> None:
        self._home = home
        self._since = started - LOOKBACK
        self._store: Store | None = None
        self._inode: int | None = None
        self._version: int | None = None
        self._seen: dict[str, float] = {}
        """The runs read since `_since`, by id: their start."""

    def _open(self) -> Store | None:
        """The store, reopened when its file was replaced or deleted under us."""
        try:
            inode = store_path(self._home).stat().st_ino
        except OSError:
            inode = None
        if self._store is not None and inode == self._inode:
            return self._store
        self.close()
        if inode is None:
            return None
        self._store = open_store(self._home, ingest_spool=False)
        self._inode = inode
        return self._store

    def new_runs(self, now: float) -> list[TestRun]:
        """Runs stored since the last call, in time order; [] when the store is unusable."""
        try:
            store = self._open()
            if store is None:
                return []
            version = store.data_version()
            if version == self._version:
                return []
            self._version = version
            fresh = [i for i in store.test_run_ids(self._since) if i not in self._seen]
            events = store.events_with_ids(fresh) if fresh else []
        except Exception as exc:
            logger.warning("feedback: cannot read test runs: %s", type(exc).__name__)
            self.close()
            return []
        if now - LONGEST_RUN > self._since:  # what is older is read: the next read skips it
            self._since = now - LONGEST_RUN
            self._seen = {i: ts for i, ts in self._seen.items() if ts >= self._since}
        self._seen.update((e.id, e.ts) for e in events)
        return [test_run_from(e, float("inf"), 0) for e in events]

    def activity(self, start: float, end: float) -> list[float]:
        """When the developer did something in [start, end): every capture point's events."""
        try:
            store = self._open()
            return [] if store is None else store.activity_stamps(start, end, NOT_ACTIVITY)
        except Exception as exc:
            logger.warning("feedback: cannot read activity: %s", type(exc).__name__)
            self.close()
            return []

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
        self._store = None
        self._inode = None
        self._version = None

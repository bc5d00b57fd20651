"""The batched writer: the editor never waits on the disk.

`put` is one lock-free queue append. One thread owns the SQLite connection and commits
batches at least every `max_delay` seconds, on `flush`, and on `close`, so a killed process
loses at most the last second of events. A batch that cannot be committed within
`lock_wait` (another process holds the write lock) or at all (a damaged or unwritable store)
goes to the spool at once (fail-open), and the error is reported once through `on_error`;
the next batch tries the store again, and the first one that gets in imports the spool.

The store file is checked around each batch: one deleted or replaced under the open
connection (moved aside, a new data home) is noticed, reported, and recreated, and the batch
goes into the file at the store's path, never only into an unlinked one.

A batch that cannot be kept in the data home (a full disk, a home that is not a writable
directory) waits in the fallback directory instead, and the report says where.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path

from dptelemetry import fallback
from dptelemetry.config import data_home
from dptelemetry.events import Event, EventFormatError
from dptelemetry.schema import valid_events
from dptelemetry.store.db import Store, open_store
from dptelemetry.store.spool import ingest, spool_events

_STOP = object()
LOCK_WAIT = 0.2
"""Seconds a batch waits for the write lock before it is spooled instead."""
REPLACED = ("dptelemetry: the store file was deleted or replaced while this process was "
            "writing to it; a new store was created in its place and writing goes on there")


class BatchWriter:
    def __init__(
        self,
        home: Path | None = None,
        *,
        max_delay: float = 0.5,
        max_batch: int = 5000,
        lock_wait: float = LOCK_WAIT,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.home = home or data_home()
        self.max_delay = max_delay
        self.max_batch = max_batch
        self.lock_wait = lock_wait
        self.written = 0
        self.spooled = 0
        self._on_error = on_error
        self._reported: set[str] = set()
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._urgent = threading.Event()
        self._behind = False
        self._store: Store | None = None
        self._file: tuple[int, int] | None = None
        """(device, inode) of the store file when it was opened"""
        self._spool_waiting = True  # spooled by us or others: import when the store lets us
        self._thread = threading.Thread(target=self._run, name="dpt-writer", daemon=True)
        self._thread.start()

    def put(self, event: Event) -> None:
        """Queue one event; O(1), never blocks, never touches the disk."""
        self._queue.put(event)

    def flush(self, timeout: float | None = 10.0) -> bool:
        """Block until everything queued before this call is written (or spooled)."""
        done = threading.Event()
        self._queue.put(done)
        self._urgent.set()
        return done.wait(timeout)

    def close(self, timeout: float | None = 10.0) -> None:
        """Write everything queued, then stop the thread and close the store."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._urgent.set()
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            batch, flushed, stop = self._collect()
            if batch:
                self._write(batch)
            for done in flushed:
                done.set()
            if stop:
                self._close_store()
                return

    def _collect(self) -> tuple[list[Event], list[threading.Event], bool]:
        """Wait for one item, then let more gather for up to `max_delay` (less when a flush
        or stop asks, none when the last batch was full), then take what is queued.

        Gathering does not wait on the queue itself: a writer woken by every `put` costs the
        caller's thread a GIL hand-off per event, which a language server pays per keystroke.
        """
        batch: list[Event] = []
        flushed: list[threading.Event] = []
        item = self._queue.get()
        if isinstance(item, Event) and not self._behind:
            self._urgent.wait(self.max_delay)
            self._urgent.clear()
        while True:
            if item is _STOP:
                return batch, flushed, True
            if isinstance(item, threading.Event):
                flushed.append(item)
                return batch, flushed, False
            assert isinstance(item, Event)
            batch.append(item)
            self._behind = len(batch) >= self.max_batch
            if self._behind:
                return batch, flushed, False
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return batch, flushed, False

    def _write(self, batch: list[Event]) -> None:
        try:
            for _ in range(2):  # again if the file was replaced while we wrote into it
                store = self._open()
                store.append(batch)
                if _identity(store.path) == self._file:
                    break
            self.written += len(batch)
        except EventFormatError:  # a capture bug, never the store's: keep the others
            batch = self._valid(batch)
            if batch:
                self._write(batch)
            return
        except Exception as exc:
            self._close_store()
            self._spool(self._valid(batch), fallback.explain(self.home, exc))
            return
        if self._spool_waiting:
            try:
                ingest(store, self.home)
                self._spool_waiting = False
            except Exception:  # still locked: the next batch tries again
                pass

    def _open(self) -> Store:
        """The open store, reopened (recreated) if its file is no longer at its path."""
        replaced = self._store is not None and _identity(self._store.path) != self._file
        if replaced:  # SQLite neither checkpoints nor deletes the -wal of a moved file
            self._close_store()
        if self._store is None:
            self._store = open_store(self.home, timeout=self.lock_wait, ingest_spool=False)
            self._file = _identity(self._store.path)
            if replaced and self._on_error is not None:
                self._on_error(REPLACED)
        return self._store

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def _valid(self, batch: list[Event]) -> list[Event]:
        """The events of `batch` that follow the event schema; the others are reported and
        left out, so they cost neither the batch nor, once spooled, its import."""
        valid, problems = valid_events(batch)
        if problems:
            self._report(f"dptelemetry: events left out, they break the event schema "
                         f"({len(problems)} of this batch; {problems[0]})")
        return valid

    def _spool(self, batch: list[Event], reason: str) -> None:
        if not batch:
            return
        try:
            kept = spool_events(self.home, batch)
            self.spooled += len(batch)
            self._spool_waiting = True
        except Exception as exc:
            self._report(f"dptelemetry: cannot record events ({reason}) nor keep them for "
                         f"later ({exc}); {len(batch)} lost")
            return
        self._report(f"dptelemetry: cannot write the store ({reason}); events wait in "
                     f"{kept.parent} until it can take them")

    def _report(self, message: str) -> None:
        key = message.split("(", maxsplit=1)[0]
        if self._on_error is not None and key not in self._reported:
            self._reported.add(key)
            self._on_error(message)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


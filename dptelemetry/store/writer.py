"""The batched writer: the editor never waits on the disk.

`put` is one lock-free queue append. One thread owns the SQLite connection and commits
batches at least every `max_delay` seconds, on `flush`, and on `close`, so a killed process
loses at most the last `max_delay` of events. If the store cannot be written, the batch goes
to the spool instead (in the data home, or in the fallback directory when the home cannot take
it: fail-open), and the error is reported once through `on_error`, saying why and where the
events wait.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path

from dptelemetry.config import data_home
from dptelemetry.events import Event
from dptelemetry.store import fallback
from dptelemetry.store.db import Store, open_store
from dptelemetry.store.spool import spool_events

_STOP = object()


class BatchWriter:
    def __init__(
        self,
        home: Path | None = None,
        *,
        max_delay: float = 0.5,
        max_batch: int = 5000,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.home = home or data_home()
        self.max_delay = max_delay
        self.max_batch = max_batch
        self.written = 0
        self.spooled = 0
        self._on_error = on_error
        self._reported: set[str] = set()
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._urgent = threading.Event()
        self._behind = False
        self._store: Store | None = None
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
                if self._store is not None:
                    self._store.close()
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
            if self._store is None:
                self._store = open_store(self.home)
            self._store.append(batch)
            self.written += len(batch)
            return
        except Exception as exc:
            reason = fallback.explain(self.home, exc)
            if self._store is not None:
                self._store.close()
                self._store = None
        try:
            kept = spool_events(self.home, batch)
            self.spooled += len(batch)
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

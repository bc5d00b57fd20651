"""The read path: reports open the store without ever waiting for the write lock, and see
every event, those still waiting in the spool included.

A report must work while another process holds the write lock, while events wait in the
spool, and when the data home is read-only (a backup, a mounted copy, a full disk). So a
reader changes the store only when that costs no waiting: it migrates an older schema and
imports the spool if the lock is free now; otherwise it migrates a private in-memory copy,
and it merges the spooled events into what its own connection reads (temporary views that
shadow the tables by name, so every query of `Store` sees them).

Opening: read-write where the file allows it (SQLite then keeps its WAL index in the
`-shm` file beside the store), else read-only (needs the `-shm` to exist or be creatable),
else immutable: the only way to read a WAL-mode file in a read-only folder after a clean
close, when no `-shm` is left. Immutable ignores any `-wal` file, so it is used only when
there is none (then the main file holds every committed event).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from dptelemetry.config import data_home
from dptelemetry.events import Event
from dptelemetry.store import migrations, spool
from dptelemetry.store.db import _COLUMNS, _PLACES, Store, _row, _sqlite_errors, refuse_newer
from dptelemetry.store.errors import StoreError
from dptelemetry.store.files import (
    refuse_a_file_as_home,
    refuse_links,
    store_path,
    tighten_store,
    tightened_note,
)

LOCK_WAIT = 0.1
"""Seconds a reader's own small writes (caches, migration, spool import) wait for the lock."""
_MODES = ("mode=rw", "mode=ro", "mode=ro&immutable=1")
_CANNOT_WRITE = ("readonly", "unable to open", "disk I/O error")
"""What SQLite says when a mode needs a write the data home refuses (the `-shm` file cannot
be made: a read-only folder; a full disk, which it calls a disk I/O error)."""


def open_reader(home: Path | None = None) -> Store:
    """The store for reading, whatever state it and the data home are in. Raises
    StoreError only for a store that cannot be read at all (damaged, newer schema)."""
    home = home or data_home()
    refuse_a_file_as_home(home)
    path = store_path(home)
    refuse_links(path)
    tightened = tighten_store(path)
    notes = [tightened_note(tightened)] if tightened else []
    conn, writable = _connect(path)
    try:
        with _sqlite_errors(path):
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            refuse_newer(version, path)
            if version < migrations.LATEST:
                migrated = _migrate(conn, version) if writable else None
                if migrated is None:
                    conn, writable = _memory_copy(conn, version), False
                else:
                    notes += migrated
        store = Store(conn, path)
        store.notes = notes
        if writable:
            with suppress(StoreError, OSError):  # locked or read-only: merged below instead
                spool.ingest(store, home)
        _merge(conn, path, spool.waiting(home))
    except BaseException:
        conn.close()
        raise
    return store


def _connect(path: Path) -> tuple[sqlite3.Connection, bool]:
    """A connection to the file in the first mode that can read it, and whether that mode
    may write; an empty in-memory store when there is no file yet."""
    if not path.exists():
        return _in_memory(sqlite3.connect(":memory:", isolation_level=None), 0), False
    problem = ""
    for mode in _MODES:
        if "immutable" in mode and _has_wal(path):
            break
        conn = None
        try:
            conn = sqlite3.connect(f"{path.absolute().as_uri()}?{mode}", uri=True,
                                   timeout=LOCK_WAIT, isolation_level=None)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the WAL
            return conn, mode == "mode=rw"
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            problem = str(exc)
            if not any(word in problem for word in _CANNOT_WRITE):
                with _sqlite_errors(path):
                    raise
    raise StoreError(f"the store {path} cannot be read: {problem}")


def _has_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except FileNotFoundError:
        return False


def _migrate(conn: sqlite3.Connection, version: int) -> list[str] | None:
    """Migrate in place if the lock is free now, returning the migration's notes; None if it
    is not, or if the file cannot be written (read-only, disk full)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return None
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        notes = migrations.migrate(conn, version)
        conn.execute("COMMIT")
    except sqlite3.OperationalError:
        conn.execute("ROLLBACK")
        return None
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return notes


def _memory_copy(conn: sqlite3.Connection, version: int) -> sqlite3.Connection:
    """The store copied into memory and migrated there; `conn` is closed."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.backup(memory)
    finally:
        conn.close()
    return _in_memory(memory, version)


def _in_memory(memory: sqlite3.Connection, version: int) -> sqlite3.Connection:
    memory.execute("BEGIN")
    migrations.migrate(memory, version)
    memory.execute("COMMIT")
    return memory


def _merge(conn: sqlite3.Connection, path: Path, events: Sequence[Event]) -> None:
    """Show `events` through this connection's `events` and `event_hours`, next to the stored
    ones. An event already stored (imported meanwhile by another process) counts once:
    each query compares ids at its own moment."""
    if not events:
        return
    rows = {event.id: _row(event) for event in events}
    with _sqlite_errors(path):
        conn.execute(f"CREATE TEMP TABLE spooled AS SELECT {_COLUMNS} FROM main.events LIMIT 0")
        conn.executemany(f"INSERT INTO temp.spooled ({_COLUMNS}) VALUES ({_PLACES})",
                         rows.values())
        conn.execute("CREATE TEMP VIEW unstored AS SELECT * FROM temp.spooled "
                     "WHERE id NOT IN (SELECT id FROM main.events)")
        conn.execute(f"CREATE TEMP VIEW events AS SELECT {_COLUMNS} FROM main.events "
                     "UNION ALL SELECT * FROM temp.unstored")
        conn.execute("CREATE TEMP VIEW event_hours AS SELECT hour, sum(events) AS events FROM "
                     "(SELECT hour, events FROM main.event_hours UNION ALL "
                     "SELECT ts_ms / 3600000, 1 FROM temp.unstored) GROUP BY hour")

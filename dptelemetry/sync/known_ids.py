"""The ids of the events a practice journal holds (`journal-ids.sqlite3` in the data home):
derived data that tells `dpt sync` which of the store's events the journal lacks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from dptelemetry.events import Event


class KnownIds:
    """The ids of every event the journal holds that this machine has seen (sent or
    received), as 16-byte keys. Derived data: once it is lost, the next sync reads the whole
    journal again to rebuild it (importing skips what the store holds) before it looks for
    anything to send, so nothing is sent twice."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None)
        path.chmod(0o600)
        self._conn.execute("CREATE TABLE IF NOT EXISTS ids (id BLOB PRIMARY KEY) WITHOUT ROWID")

    def __enter__(self) -> KnownIds:
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.close()

    @contextmanager
    def pending(self) -> Iterator[None]:
        """Ids added inside count only once the block ends without error: ids of lines that
        never reached a commit must be sent again."""
        self._conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def is_empty(self) -> bool:
        return self._conn.execute("SELECT 1 FROM ids LIMIT 1").fetchone() is None

    def unknown(self, events: list[Event]) -> list[Event]:
        keys = [bytes.fromhex(e.id) for e in events]
        known: set[bytes] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            known.update(row[0] for row in self._conn.execute(
                f"SELECT id FROM ids WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        return [e for e, key in zip(events, keys, strict=True) if key not in known]

    def add(self, ids: Iterable[str]) -> None:
        self._conn.executemany("INSERT OR IGNORE INTO ids VALUES (?)",
                               ((bytes.fromhex(i),) for i in ids))

"""The one local SQLite file every capture point writes into and every report reads.

Several writers at once (language servers, hooks, pytest, the CLI) lose nothing: WAL, a busy
timeout, and short `BEGIN IMMEDIATE` transactions, so the write lock is taken up front and the
timeout applies. Its files on disk (private, never a link, set aside as one) are
`dptelemetry/store/files.py`'s.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from dptelemetry.config import data_home
from dptelemetry.events import Event, utf8_safe
from dptelemetry.schema import check_envelope, stored_payload
from dptelemetry.store import migrations
from dptelemetry.store.errors import StoreCorruptError, StoreError, StoreTooNewError
from dptelemetry.store.files import (
    create_private,
    refuse_a_file_as_home,
    store_files,
    store_path,
    tightened_note,
)

_COLUMNS = "ts_ms, id, kind, source, goal_id, repo, path, payload"
_PLACES = ", ".join("?" * len(_COLUMNS.split(", ")))
_INSERT = f"INSERT OR IGNORE INTO events ({_COLUMNS}) VALUES ({_PLACES})"
_GOAL_KINDS = "kind IN ('goal_start', 'goal_end', 'drill_rename')"  # as the partial index
_TEST_RUNS = "kind = 'test_run'"  # must match the partial index (schema 5)


class KindColumns(NamedTuple):
    """One kind of event in a span, column by column, each a JSON array in time order."""

    stamps: str
    """ts in ms"""
    paths: str
    payloads: str
    """each payload's JSON text, as stored"""
    repos: str


def _row(event: Event) -> tuple[Any, ...]:
    """The event as a row, once it follows the event schema (EventFormatError otherwise)."""
    check_envelope(event)
    return (round(event.ts * 1000), event.id, event.kind, utf8_safe(event.source),
            event.goal_id, _optional_utf8(event.repo), _optional_utf8(event.path),
            stored_payload(event.kind, event.payload))


def _optional_utf8(text: str | None) -> str | None:
    return None if text is None else utf8_safe(text)


def _event(row: tuple[Any, ...]) -> Event:
    return Event(kind=row[2], ts=row[0] / 1000, source=row[3], payload=json.loads(row[7]),
                 goal_id=row[4], repo=row[5], path=row[6], id=row[1])


@contextmanager
def _sqlite_errors(path: Path) -> Iterator[None]:
    """Turn sqlite's exceptions into one line a user can act on."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise StoreError(
                f"the store {path} is locked by another writer; try again in a moment"
            ) from None
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            _, wal, shm = store_files(path)
            raise StoreCorruptError(
                f"the store {path} is damaged ({text}); it was left untouched. To start a new "
                f"one, set it aside with the {wal.name} and {shm.name} beside it, which may "
                "hold its last events: `dpt store set-aside` moves the three together; or "
                "restore it from a backup or export"
            ) from None
        raise StoreError(f"the store {path} cannot be used: {text}") from None


class Store:
    """An open store. Use as a context manager; every write is one short transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self.notes: list[str] = []
        """What the user should hear about this opening, one line each (the CLI prints
        them): files others could read, now private; what a migration could not carry."""

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def append(self, events: Iterable[Event], chunk: int = 10_000) -> int:
        """Insert events, skipping ids already stored; returns how many were new.

        Every event is checked against the event schema first: one that does not follow it
        raises EventFormatError and nothing is written. Large inputs are written in chunks,
        each its own short transaction.
        """
        rows = [_row(event) for event in events]
        added = 0
        for start in range(0, len(rows), chunk):
            added += self._insert(rows[start:start + chunk])
        return added

    def append_all_or_nothing(self, events: Iterable[Event], chunk: int = 10_000
                              ) -> tuple[int, int]:
        """Insert every event or none, however many, holding few of them in memory at a
        time; returns (how many were new, how many were given).

        The events are streamed into a temporary table (a file SQLite deletes as it opens
        it, so a killed process leaves nothing behind) in short transactions that take no
        lock on the store, then copied into the store in one transaction. An error in
        `events` (EventFormatError from the schema, or whatever the iterable raises) or a
        kill at any point before that transaction commits leaves the store as it was.
        """
        conn = self._conn
        with _sqlite_errors(self.path):
            conn.execute("PRAGMA temp_store = FILE")
            conn.execute(f"CREATE TEMP TABLE incoming AS SELECT {_COLUMNS} FROM events "
                         "WHERE 0")
        try:
            given = 0
            rows = map(_row, events)
            while batch := list(islice(rows, chunk)):
                with _sqlite_errors(self.path):
                    conn.execute("BEGIN")
                    conn.executemany(f"INSERT INTO temp.incoming VALUES ({_PLACES})", batch)
                    conn.execute("COMMIT")
                given += len(batch)
            with self._transaction():
                added: int = conn.execute(f"INSERT OR IGNORE INTO events ({_COLUMNS}) "
                                          f"SELECT {_COLUMNS} FROM temp.incoming "
                                          "ORDER BY ts_ms, id").rowcount
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.execute("DROP TABLE temp.incoming")
        return added, given

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction, taking the write lock up front."""
        with _sqlite_errors(self.path):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def _insert(self, rows: list[tuple[Any, ...]]) -> int:
        # rowcount counts the rows this statement inserted, not the trigger's own writes
        with self._transaction() as conn:
            return conn.executemany(_INSERT, rows).rowcount

    def _select(self, where: str = "", params: Iterable[Any] = ()) -> Iterator[Event]:
        sql = f"SELECT {_COLUMNS} FROM events {where} ORDER BY ts_ms, id"
        with _sqlite_errors(self.path):
            cursor = self._conn.execute(sql, tuple(params))
            while rows := cursor.fetchmany(5000):
                for row in rows:
                    yield _event(row)

    def events_between(
        self, start: float, end: float, kinds: Collection[str] | None = None,
        exclude: Collection[str] = (),
    ) -> list[Event]:
        """Events with `start <= ts < end` (epoch seconds), in time order; only `kinds` if
        given, never those in `exclude`."""
        where = "WHERE ts_ms >= ? AND ts_ms < ?"
        params: list[Any] = [round(start * 1000), round(end * 1000)]
        for names, test in ((kinds, "IN"), (exclude, "NOT IN")):
            if names:
                where += f" AND kind {test} ({', '.join('?' * len(names))})"
                params.extend(names)
        return list(self._select(where, params))

    def payloads_between(self, start: float, end: float,
                         kind: str) -> list[tuple[int, str | None, str | None, str]]:
        """(ts in ms, repo, path, payload JSON text) of one kind of event, in time order:
        for readers that decode a day of keystrokes in bulk without building Events."""
        with _sqlite_errors(self.path):
            rows: list[tuple[int, str | None, str | None, str]] = self._conn.execute(
                "SELECT ts_ms, repo, path, payload FROM events WHERE ts_ms >= ? AND ts_ms < ? "
                "AND kind = ? ORDER BY ts_ms, id",
                (round(start * 1000), round(end * 1000), kind),
            ).fetchall()
        return rows

    def split_between(self, start: float, end: float,
                      kind: str) -> tuple[KindColumns, list[Event]]:
        """The events with `start <= ts < end` in one pass over their rows: those of `kind`
        as JSON arrays that SQLite concatenates (so no Python object is made per row for a
        day's 200,000 keystrokes), every other one as an Event, in time order.

        The arrays follow the rows in the order the scan meets them, which is the primary
        key's (the table is clustered by it), not a documented promise: readers check it on
        the stamps."""
        with _sqlite_errors(self.path):
            row = self._conn.execute(
                "SELECT '[' || ifnull(group_concat(ts_ms) FILTER (WHERE kind = ?1), '') || ']', "
                "json_group_array(path) FILTER (WHERE kind = ?1), "
                "'[' || ifnull(group_concat(payload) FILTER (WHERE kind = ?1), '') || ']', "
                f"json_group_array(json_array({_COLUMNS})) FILTER (WHERE kind <> ?1), "
                "json_group_array(repo) FILTER (WHERE kind = ?1) "
                "FROM events WHERE ts_ms >= ?2 AND ts_ms < ?3",
                (kind, round(start * 1000), round(end * 1000)),
            ).fetchone()
        others = sorted(map(_event, json.loads(row[3])), key=lambda e: (e.ts, e.id))
        return KindColumns(row[0], row[1], row[2], row[4]), others

    def events_with_ids(self, ids: Iterable[str]) -> list[Event]:
        """The stored events among `ids`, in time order (looked up through the id index)."""
        wanted = list(dict.fromkeys(ids))
        found: list[Event] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            found.extend(self._select(f"WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        return sorted(found, key=lambda e: (e.ts, e.id))

    def iter_events(self) -> Iterator[Event]:
        """Every event, in time order, streamed."""
        return self._select()

    def goal_history(self) -> list[Event]:
        """All goal_start, goal_end and drill_rename events, in time order (read through a
        small index)."""
        return list(self._select(f"WHERE {_GOAL_KINDS}"))

    def test_run_ids(self, start: float) -> list[str]:
        """The ids of the test runs with `ts >= start`, read from their index alone (no row
        is visited)."""
        with _sqlite_errors(self.path):
            return [row[0] for row in self._conn.execute(
                f"SELECT id FROM events WHERE {_TEST_RUNS} AND ts_ms >= ?",
                (round(start * 1000),))]

    def activity_stamps(self, start: float, end: float, exclude: Collection[str]) -> list[float]:
        """The instants (epoch seconds, in order) of the events with `start <= ts < end`,
        except those of kinds in `exclude`."""
        marks = ", ".join("?" * len(exclude))
        with _sqlite_errors(self.path):
            return [row[0] / 1000 for row in self._conn.execute(
                f"SELECT ts_ms FROM events WHERE ts_ms >= ? AND ts_ms < ? "
                f"AND kind NOT IN ({marks}) ORDER BY ts_ms",
                (round(start * 1000), round(end * 1000), *exclude))]

    def data_version(self) -> int:
        """Changes whenever another connection commits: reading it costs no query."""
        with _sqlite_errors(self.path):
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def span_stamp(self, start: float, end: float) -> int:
        """A number that grows whenever an event with `start <= ts < end` is stored (the
        events stored in the span's whole hours, ever); 0 while there are none. Cheap: it
        reads a per-hour count, not the events."""
        with _sqlite_errors(self.path):
            total = self._conn.execute(
                "SELECT total(events) FROM event_hours WHERE hour >= ? AND hour < ?",
                (int(start // 3600), -int(-end // 3600)),
            ).fetchone()[0]
        return int(total)

    def hour_counts(self) -> dict[int, int]:
        """Events stored per hour since the epoch (UTC), ever: what changed since an earlier
        look is the hours whose count moved. Cheap: one small table."""
        with _sqlite_errors(self.path):
            return dict(self._conn.execute("SELECT hour, events FROM event_hours").fetchall())

    def first_recorded(self) -> float | None:
        """When the first event happened; None for an empty store. Cheap: the per-hour
        counts find its hour, and only that hour's events are looked at."""
        with _sqlite_errors(self.path):
            hour = self._conn.execute("SELECT min(hour) FROM event_hours").fetchone()[0]
            if hour is None:
                return None
            ms = self._conn.execute("SELECT min(ts_ms) FROM events WHERE ts_ms >= ? AND "
                                    "ts_ms < ?", (hour * 3_600_000, (hour + 1) * 3_600_000)
                                    ).fetchone()[0]
        return hour * 3600.0 if ms is None else float(ms) / 1000

    def cached_day_metrics(
        self, start: float, end: float, key: str, stamp: int
    ) -> dict[str, list[float]] | None:
        """Metrics saved for this span by the same `key` while it had the same stamp."""
        text = self._cached("day_metrics", start, end, key, stamp, "metrics")
        if text is None:
            return None
        metrics: dict[str, list[float]] = json.loads(text)
        return metrics

    def save_day_metrics(
        self, start: float, end: float, key: str, stamp: int,
        metrics: Mapping[str, Sequence[float]],
    ) -> None:
        text = json.dumps({name: list(values) for name, values in metrics.items()},
                          separators=(",", ":"))
        self._save("day_metrics", start, end, key, stamp, {"metrics": text})

    def cached_day_summary(self, start: float, end: float, key: str, stamp: int,
                           part: str = "summary") -> str | None:
        """A day's summary (JSON), or one of its digests (`part`: `digest`, `figures`),
        saved by the same `key` at the same stamp."""
        if part not in ("summary", "digest", "figures"):
            raise ValueError(f"no part {part!r} of a day's summary is kept")
        return self._cached("day_summaries", start, end, key, stamp, part)

    def save_day_summary(self, start: float, end: float, key: str, stamp: int,
                         summary: str, digest: str, figures: str) -> None:
        self._save("day_summaries", start, end, key, stamp,
                   {"figures": figures, "digest": digest, "summary": summary})

    def _cached(self, table: str, start: float, end: float, key: str, stamp: int,
                column: str) -> str | None:
        """The text kept in `column`, and only that column: a kept day's summary is ten
        times its digests (which come first in the row, so reading them skips it)."""
        with _sqlite_errors(self.path):
            row = self._conn.execute(
                f"SELECT {column} FROM {table} WHERE start_ms = ? AND end_ms = ? "
                "AND key = ? AND stamp = ?",
                (round(start * 1000), round(end * 1000), key, stamp),
            ).fetchone()
        return None if row is None else str(row[0])

    def _save(self, table: str, start: float, end: float, key: str, stamp: int,
              texts: Mapping[str, str]) -> None:
        names = ", ".join(texts)
        with self._transaction() as conn:
            conn.execute(f"INSERT OR REPLACE INTO {table} (start_ms, end_ms, key, stamp, {names}) "
                         f"VALUES (?, ?, ?, ?{', ?' * len(texts)})",
                         (round(start * 1000), round(end * 1000), key, stamp, *texts.values()))

    def count(self) -> int:
        with _sqlite_errors(self.path):
            return int(self._conn.execute("SELECT count(*) FROM events").fetchone()[0])

    def schema_version(self) -> int:
        with _sqlite_errors(self.path):
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])


def open_store(
    home: Path | None = None,
    *,
    timeout: float = 5.0,
    ingest_spool: bool = True,
    target_version: int = migrations.LATEST,
) -> Store:
    """Open (creating or migrating as needed) the store in the data home.

    A damaged file or one written by a newer dptelemetry raises StoreError without a single
    byte of it being changed. `target_version` exists for migration tests.
    """
    home = home or data_home()
    refuse_a_file_as_home(home)
    path = store_path(home)
    try:
        tightened = create_private(path)
    except OSError as exc:
        raise StoreError(f"cannot create the store {path}: {exc.strerror or exc}") from None
    with _sqlite_errors(path):
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        notes = _prepare(conn, path, timeout, target_version)
    except BaseException:
        conn.close()
        raise
    store = Store(conn, path)
    if tightened:
        notes.insert(0, tightened_note(tightened))
    store.notes = notes
    if ingest_spool:
        from dptelemetry.store.spool import ingest

        try:
            ingest(store, home)
        except BaseException:
            store.close()
            raise
    return store


def refuse_newer(version: int, path: Path) -> None:
    """A store written by a newer dptelemetry is left alone: StoreTooNewError."""
    if version > migrations.LATEST:
        raise StoreTooNewError(
            f"the store {path} was written by a newer dptelemetry (schema {version}, "
            f"this one knows up to {migrations.LATEST}); upgrade dptelemetry to use it"
        )


def _prepare(conn: sqlite3.Connection, path: Path, timeout: float, target: int) -> list[str]:
    """Settings, and migration up to `target`; returns the migration's notes for the user."""
    with _sqlite_errors(path):
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        refuse_newer(version, path)
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if version >= target:
            return []
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            notes = migrations.migrate(conn, version, target) if version < target else []
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return notes

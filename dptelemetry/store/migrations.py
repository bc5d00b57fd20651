"""The store's schema history. Version N is reached by running steps 1..N in order.

Each step runs inside the caller's transaction, so a migration either completes or leaves
the store as it was. Never edit a released step; add a new one. (Step 2 was amended once,
for stores it could not migrate at all: see `_v2_clustered_by_time`.) A step may return
notes for the user: what it could not carry over, and where that was kept.

Timestamps without a UTC offset: every event is stamped in UTC, so a schema-1 stamp with
no offset is read as UTC, never in the local time zone of whoever migrates the store
(docs/events.md). An import line must carry its offset (`events.from_json`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timezone

from dptelemetry.schema import END_MS, FIRST_MS

UNREADABLE_V1 = "unreadable_v1_events"
"""Rows of a schema-1 store whose time could not be read, kept as they were."""


def _v1_prototype(conn: sqlite3.Connection) -> None:
    """The prototype layout: ISO text timestamps, rowid table."""
    conn.execute(
        """CREATE TABLE events (
            id TEXT PRIMARY KEY,
            ts TEXT NOT NULL,
            kind TEXT NOT NULL,
            source TEXT NOT NULL,
            goal_id TEXT,
            repo TEXT,
            path TEXT,
            payload TEXT NOT NULL DEFAULT '{}'
        )"""
    )
    conn.execute("CREATE INDEX events_ts ON events(ts)")


def _v2_clustered_by_time(conn: sqlite3.Connection) -> list[str]:
    """Integer milliseconds, rows clustered by time: a day is one contiguous range even in
    a year-sized store. A partial index keeps goal history cheap to read.

    Amended after release for stores it could not migrate: a row whose time cannot be read
    (or lies outside 1970-9999) used to fail the migration, so every command failed; it is
    now kept aside, as it was, in `unreadable_v1_events`. Stores it migrated are unchanged."""
    conn.execute(
        """CREATE TABLE events_v2 (
            ts_ms INTEGER NOT NULL,
            id TEXT NOT NULL,
            kind TEXT NOT NULL,
            source TEXT NOT NULL,
            goal_id TEXT,
            repo TEXT,
            path TEXT,
            payload TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (ts_ms, id)
        ) WITHOUT ROWID"""
    )
    rows = conn.execute(
        "SELECT ts, id, kind, source, goal_id, repo, path, payload FROM events"
    )
    unreadable: list[tuple[object, ...]] = []
    naive = 0

    def readable() -> Iterator[tuple[object, ...]]:
        nonlocal naive
        for row in rows:
            try:
                ms, had_offset = _iso_to_ms(row[0])
            except (TypeError, ValueError, OverflowError):
                unreadable.append(row)
                continue
            naive += not had_offset
            yield (ms, *row[1:])

    conn.executemany("INSERT INTO events_v2 VALUES (?, ?, ?, ?, ?, ?, ?, ?)", readable())
    notes = []
    if naive:
        times = "time" if naive == 1 else "times"
        notes.append(f"migrating the store from schema 1: read {naive} event {times} with no "
                     "UTC offset as UTC, the time zone every event is stamped in")
    if unreadable:
        conn.execute(f"CREATE TABLE {UNREADABLE_V1} AS SELECT ts, id, kind, source, goal_id, "
                     "repo, path, payload FROM events WHERE 0")
        conn.executemany(f"INSERT INTO {UNREADABLE_V1} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         unreadable)
        events = "event" if len(unreadable) == 1 else "events"
        notes.append(f"migrating the store from schema 1: left out {len(unreadable)} {events} "
                     f"whose time cannot be read (such as {str(unreadable[0][0])[:40]!r}), "
                     f"kept as they were in the table {UNREADABLE_V1}")
    conn.execute("DROP TABLE events")
    conn.execute("ALTER TABLE events_v2 RENAME TO events")
    conn.execute("CREATE UNIQUE INDEX events_id ON events(id)")
    conn.execute(
        "CREATE INDEX events_goal_history ON events(kind, ts_ms) "
        "WHERE kind IN ('goal_start', 'goal_end')"
    )
    return notes


def _v3_day_metrics(conn: sqlite3.Connection) -> None:
    """Per-day metric samples for personal baselines, cached, so that a summary never re-reads
    two weeks of events; and a count of events per hour, kept by a trigger for every writer,
    which tells in microseconds whether a day's cached samples still match its events.

    `day_metrics` is derived data: deleting rows only costs recomputation. `stamp` is the sum
    of `event_hours` over the day's hours when the samples were computed; `key` names what
    computed them (versions, thresholds, settings)."""
    conn.execute(
        """CREATE TABLE day_metrics (
            start_ms INTEGER NOT NULL,
            end_ms INTEGER NOT NULL,
            key TEXT NOT NULL,
            stamp INTEGER NOT NULL,
            metrics TEXT NOT NULL,
            PRIMARY KEY (start_ms, end_ms)
        ) WITHOUT ROWID"""
    )
    conn.execute("CREATE TABLE event_hours (hour INTEGER PRIMARY KEY, events INTEGER NOT NULL)")
    conn.execute("INSERT INTO event_hours SELECT ts_ms / 3600000, count(*) FROM events "
                 "GROUP BY ts_ms / 3600000")
    conn.execute(
        """CREATE TRIGGER events_per_hour AFTER INSERT ON events BEGIN
            INSERT INTO event_hours VALUES (NEW.ts_ms / 3600000, 1)
                ON CONFLICT (hour) DO UPDATE SET events = events + 1;
        END"""
    )


def _v4_day_trends(conn: sqlite3.Connection) -> None:
    """Each summarized day's row of the week view, cached: a week (or the HTML page's trend)
    summarizes six earlier days, which rarely change once over.

    Derived data like `day_metrics`. A day's row also depends on the days its baselines come
    from, so `stamp` sums `event_hours` over the day and the lookback days before it; `key`
    names what computed it, including the goals active that day."""
    conn.execute(
        """CREATE TABLE day_trends (
            start_ms INTEGER NOT NULL,
            end_ms INTEGER NOT NULL,
            key TEXT NOT NULL,
            stamp INTEGER NOT NULL,
            trend TEXT NOT NULL,
            PRIMARY KEY (start_ms, end_ms)
        ) WITHOUT ROWID"""
    )


def _v5_test_run_index(conn: sqlite3.Connection) -> None:
    """A small index of test runs: a language server asks every few seconds for the runs
    stored since it last looked, which must not walk the keystrokes in between."""
    conn.execute("CREATE INDEX events_test_runs ON events(ts_ms) WHERE kind = 'test_run'")


def _v6_drills_and_day_summaries(conn: sqlite3.Connection) -> None:
    """Drill renames join the goal-history index (goals are folded from it, and a rename
    changes their attempts' drill); and finished days are kept as what they summarize to.

    `day_summaries` replaces `day_trends`: the week's row is one of the things a day's
    summary gives. `digest` holds what drills read of the same summary, `figures` what
    progress reads; they come first, so reading them never walks the summary's overflow
    pages. A rowid table: with rows this large, a WITHOUT ROWID one took 0.5 ms a lookup
    instead of 0.006 ms (measured on 365 kept days). Derived data like `day_metrics`;
    `stamp` and `key` as in `day_trends`."""
    conn.execute("DROP INDEX events_goal_history")
    conn.execute(
        "CREATE INDEX events_goal_history ON events(kind, ts_ms) "
        "WHERE kind IN ('goal_start', 'goal_end', 'drill_rename')"
    )
    conn.execute("DROP TABLE day_trends")
    conn.execute(
        """CREATE TABLE day_summaries (
            start_ms INTEGER NOT NULL,
            end_ms INTEGER NOT NULL,
            key TEXT NOT NULL,
            stamp INTEGER NOT NULL,
            figures TEXT NOT NULL,
            digest TEXT NOT NULL,
            summary TEXT NOT NULL,
            PRIMARY KEY (start_ms, end_ms)
        )"""
    )




def _iso_to_ms(text: str) -> tuple[int, bool]:
    """(ms since the epoch, whether `text` had an offset); no offset means UTC."""
    stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    had_offset = stamp.tzinfo is not None
    ms = round(stamp.replace(tzinfo=stamp.tzinfo or timezone.utc).timestamp() * 1000)
    if not FIRST_MS <= ms < END_MS:
        raise ValueError(f"{text!r} is not between 1970 and 9999")
    return ms, had_offset


STEPS: tuple[Callable[[sqlite3.Connection], list[str] | None], ...] = (
    _v1_prototype,
    _v2_clustered_by_time,
    _v3_day_metrics,
    _v4_day_trends,
    _v5_test_run_index,
    _v6_drills_and_day_summaries,
)
LATEST = len(STEPS)


def migrate(conn: sqlite3.Connection, current: int, target: int = LATEST) -> list[str]:
    """Run the steps from `current` up to `target` and record the new version; returns the
    steps' notes for the user."""
    notes: list[str] = []
    for step in STEPS[current:target]:
        notes += step(conn) or []
    conn.execute(f"PRAGMA user_version = {int(target)}")
    return notes

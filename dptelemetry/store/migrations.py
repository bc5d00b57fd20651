"""The store's schema history. Version N is reached by running steps 1..N in order.

Each step runs inside the caller's transaction, so a migration either completes or leaves
the store as it was. Never edit a released step; add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime


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


def _v2_clustered_by_time(conn: sqlite3.Connection) -> None:
    """Integer milliseconds, rows clustered by time: a day is one contiguous range even in
    a year-sized store. A partial index keeps goal history cheap to read."""
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
    conn.executemany(
        "INSERT INTO events_v2 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ((_iso_to_ms(row[0]), *row[1:]) for row in rows),
    )
    conn.execute("DROP TABLE events")
    conn.execute("ALTER TABLE events_v2 RENAME TO events")
    conn.execute("CREATE UNIQUE INDEX events_id ON events(id)")
    conn.execute(
        "CREATE INDEX events_goal_history ON events(kind, ts_ms) "
        "WHERE kind IN ('goal_start', 'goal_end')"
    )


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


def _v5_drills_and_day_summaries(conn: sqlite3.Connection) -> None:
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


def _iso_to_ms(text: str) -> int:
    return round(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


STEPS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1_prototype,
    _v2_clustered_by_time,
    _v3_day_metrics,
    _v4_day_trends,
    _v5_drills_and_day_summaries,
)
LATEST = len(STEPS)


def migrate(conn: sqlite3.Connection, current: int, target: int = LATEST) -> None:
    """Run the steps from `current` up to `target` and record the new version."""
    for step in STEPS[current:target]:
        step(conn)
    conn.execute(f"PRAGMA user_version = {int(target)}")

"""Reading commands (goal status and list, summary, export) never wait for the write lock,
see the events still waiting in the spool, and work in a read-only data home."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dptelemetry import clock, fallback
from dptelemetry.events import Event, new_event_id
from dptelemetry.store import open_reader, open_store, record_fail_open, store_path
from dptelemetry.store.migrations import LATEST
from dptelemetry.store.spool import SPOOL_DIR, spool_events
from tests.conftest import RunDpt
from tests.storefaults import read_only, write_lock_held


def _goal(title: str, ts: float) -> Event:
    goal_id = new_event_id(ts)
    return Event(kind="goal_start", ts=ts, source="cli", payload={"title": title},
                 goal_id=goal_id, id=goal_id)


def _stuck(ts: float) -> Event:
    return Event(kind="stuck", ts=ts, source="cli", payload={"text": "mocking the clock"})


def _spool_one_claimed(home: Path, events: list[Event]) -> Path:
    """A spool file that another process has claimed and is importing right now."""
    path = spool_events(home, events)
    claimed = path.with_name(f"{path.name.split('.')[0]}.claimed-0123abcd")
    path.replace(claimed)
    return claimed


def _exported_ids(run_dpt: RunDpt) -> list[str]:
    done = run_dpt("export")
    assert done.returncode == 0, done.stderr
    return [json.loads(line)["id"] for line in done.stdout.splitlines()]


def test_reading_commands_answer_while_a_writer_holds_the_lock_and_see_the_spool(
    run_dpt: RunDpt, dpt_home: Path
) -> None:
    assert run_dpt("goal", "start", "Stored kata").returncode == 0
    now = clock.now()
    waiting = [_stuck(now)]
    spool_events(dpt_home, waiting)
    claimed = [_goal("Spooled kata", now)]  # started after the stored one
    _spool_one_claimed(dpt_home, claimed)
    with write_lock_held(dpt_home):
        status = run_dpt("goal", "status", "--format", "json")
        listed = run_dpt("goal", "list", "--format", "json")
        ids = _exported_ids(run_dpt)
        summary = run_dpt("summary", "--format", "json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["title"] == "Spooled kata"
    assert [g["title"] for g in json.loads(listed.stdout)] == ["Spooled kata", "Stored kata"]
    assert {e.id for e in waiting + claimed} <= set(ids)
    assert len(ids) == len(set(ids)) == 3
    assert summary.returncode == 0, summary.stderr
    assert len(json.loads(summary.stdout)["stuck_moments"]) == 1


def test_reading_commands_read_past_spooled_events_that_break_the_schema(
    run_dpt: RunDpt, dpt_home: Path
) -> None:
    now = clock.now()
    good = _stuck(now)
    breaking = Event(kind="stuck", ts=now + 1, source="cli", payload={"impulse": "panic"})
    spool_events(dpt_home, [good, breaking])  # as a version before the schema wrote them
    with write_lock_held(dpt_home):
        ids = _exported_ids(run_dpt)
        summary = run_dpt("summary", "--format", "json")
    assert ids == [good.id]
    assert summary.returncode == 0, summary.stderr
    assert len(json.loads(summary.stdout)["stuck_moments"]) == 1


def test_a_reader_imports_the_spool_when_the_lock_is_free(dpt_home: Path) -> None:
    events = [_stuck(1_700_000_000.0)]
    with open_store():
        pass
    spool_events(dpt_home, events)
    with open_reader() as store:
        assert list(store.iter_events()) == events
    assert list((dpt_home / SPOOL_DIR).iterdir()) == []
    with open_store() as store:
        assert list(store.iter_events()) == events


def test_an_event_imported_meanwhile_is_read_once(dpt_home: Path) -> None:
    events = [_stuck(1_700_000_000.0), _stuck(1_700_000_001.0)]
    with open_store() as store:
        store.append(events[:1])  # imported, but its claimed file not yet removed
    _spool_one_claimed(dpt_home, events)
    with write_lock_held(dpt_home), open_reader() as store:
        assert list(store.iter_events()) == events
        assert store.span_stamp(1_699_999_000.0, 1_700_003_600.0) == 2


def test_reading_commands_work_in_a_read_only_data_home(
    run_dpt: RunDpt, dpt_home: Path
) -> None:
    assert run_dpt("goal", "start", "Read-only kata").returncode == 0
    assert run_dpt("stuck", "the fixture").returncode == 0
    spooled = [_stuck(clock.now())]
    spool_events(dpt_home, spooled)
    # a clean close leaves no -wal or -shm: SQLite cannot make its WAL index here
    assert sorted(p.name for p in dpt_home.iterdir()) == ["active-goal", "events.sqlite3",
                                                          "spool"]
    with read_only(dpt_home):
        status = run_dpt("goal", "status")
        listed = run_dpt("goal", "list")
        ids = _exported_ids(run_dpt)
        summary = run_dpt("summary", "--format", "json")
    assert status.returncode == 0, status.stderr
    assert "Read-only kata" in status.stdout
    assert listed.returncode == 0, listed.stderr
    assert "Read-only kata" in listed.stdout
    assert len(ids) == 3 and spooled[0].id in ids
    assert summary.returncode == 0, summary.stderr
    assert len(json.loads(summary.stdout)["stuck_moments"]) == 2


def test_an_older_schema_is_read_without_the_lock_or_a_writable_home(
    run_dpt: RunDpt, dpt_home: Path
) -> None:
    events = [_stuck(1_700_000_000.0)]
    with open_store(target_version=LATEST - 1) as store:
        store.append(events)
    with read_only(dpt_home):
        assert _exported_ids(run_dpt) == [events[0].id]
    with write_lock_held(dpt_home):
        assert _exported_ids(run_dpt) == [events[0].id]
        assert _schema(dpt_home) == LATEST - 1  # read from a copy, the file left alone
    with open_reader() as store:  # the lock is free: migrated in place
        assert list(store.iter_events()) == events
    assert _schema(dpt_home) == LATEST


@contextmanager
def _refusing_writes(fault: str, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A data home with a store in it that takes no write (read-only; a full disk)."""
    if fault == "read-only":
        home: Path = request.getfixturevalue("dpt_home")
        open_store(home).close()
        with read_only(home):
            yield home
        return
    disk = request.getfixturevalue("small_disk")
    home = disk.path / "home"
    open_store(home).close()
    disk.fill()
    try:
        yield home
    finally:
        disk.free()


@pytest.mark.parametrize("fault", ["read-only", "full disk"])
def test_reading_commands_see_the_events_waiting_in_the_fallback_directory(
    run_dpt: RunDpt, request: pytest.FixtureRequest, fault: str
) -> None:
    now = clock.now()
    events = [_goal("Fallback kata", now), _stuck(now + 1)]
    with _refusing_writes(fault, request) as home:
        kept = record_fail_open(events, home)
        assert not kept.lost, kept.warning
        waits = fallback.directory(home)
        assert waits is not None and len(list((waits / SPOOL_DIR).iterdir())) == 1
        env = {"DPT_HOME": str(home)}
        exported = run_dpt("export", env=env)
        status = run_dpt("goal", "status", "--format", "json", env=env)
    assert exported.returncode == 0, exported.stderr
    assert [json.loads(line)["id"] for line in exported.stdout.splitlines()] == [
        e.id for e in events]
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["title"] == "Fallback kata"


def _schema(home: Path) -> int:
    conn = sqlite3.connect(store_path(home))
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()

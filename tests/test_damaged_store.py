"""A damaged or odd store, through the real CLI: the advice names every file of the store and
`dpt store set-aside` moves them as one; a schema-1 row whose time cannot be read is kept
aside with one warning instead of failing every command; a time with no offset is UTC."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

from conftest import RunDpt

from dptelemetry.events import new_event_id
from dptelemetry.store import open_store, store_path
from dptelemetry.store.files import store_files
from dptelemetry.store.migrations import UNREADABLE_V1

KILLED_WRITER = textwrap.dedent("""
    import os, signal
    from dptelemetry.stuck import log_stuck
    from dptelemetry.store import open_store
    with open_store() as store:
        for i in range(50):
            log_stuck(store, f"moment {i}", now=1_700_000_000 + i)
        os.kill(os.getpid(), signal.SIGKILL)  # no checkpoint: the 50 live in the -wal only
""")


def _count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])


def test_set_aside_moves_the_store_with_the_log_that_holds_its_last_events(
        run_dpt: RunDpt, dpt_home: Path) -> None:
    assert run_dpt("goal", "start", "kata").returncode == 0
    subprocess.run([sys.executable, "-c", KILLED_WRITER], check=False)
    main, wal, shm = store_files(store_path(dpt_home))
    assert wal.stat().st_size > 0

    done = run_dpt("store", "set-aside")

    assert done.returncode == 0, done.stderr
    [kept] = [p for p in dpt_home.iterdir()
              if ".set-aside-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert done.stdout.startswith(f"Set the store aside as {kept}, {kept}-shm, {kept}-wal;")
    assert sorted(p.name for p in dpt_home.iterdir() if p.name.startswith(kept.name)) == [
        kept.name, f"{kept.name}-shm", f"{kept.name}-wal"]
    assert not main.exists() and not wal.exists() and not shm.exists()
    assert _count(kept) == 1 + 50  # the goal, and the 50 that lived only in the -wal
    assert run_dpt("stuck", "a new store").returncode == 0
    assert _count(main) == 1


def test_a_damaged_store_names_all_three_files_and_how_to_move_them(
        run_dpt: RunDpt, dpt_home: Path) -> None:
    assert run_dpt("goal", "start", "kata").returncode == 0
    main = store_path(dpt_home)
    main.write_bytes(b"\0garbage, not SQLite" * 500)

    done = run_dpt("goal", "status")

    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert f"the store {main} is damaged" in line
    assert "events.sqlite3-wal and events.sqlite3-shm" in line
    assert "`dpt store set-aside` moves the three together" in line
    assert run_dpt("store", "set-aside").returncode == 0
    assert run_dpt("goal", "start", "again").returncode == 0


def _v1_store(home: Path, stamps: list[str]) -> list[str]:
    """A schema-1 (prototype) store holding one stuck moment at each of `stamps`."""
    with open_store(home, target_version=1):
        pass
    ids = [new_event_id(1_700_000_000 + i) for i in range(len(stamps))]
    with closing(sqlite3.connect(store_path(home))) as conn, conn:
        conn.executemany("INSERT INTO events VALUES (?, ?, 'stuck', 'cli', NULL, NULL, NULL, ?)",
                         [(i, ts, json.dumps({"text": f"at {ts}"}))
                          for i, ts in zip(ids, stamps, strict=True)])
    return ids


def test_a_schema_1_time_that_cannot_be_read_is_kept_aside_with_one_warning(
        run_dpt: RunDpt, dpt_home: Path) -> None:
    ids = _v1_store(dpt_home, ["2023-11-14T22:13:20+00:00", "yesterday",
                               "2023-11-14T22:14:20+00:00", "99999-01-01T00:00:00"])

    first = run_dpt("goal", "status")

    assert first.returncode == 0, first.stderr
    [warning] = first.stderr.splitlines()
    assert warning.startswith("dpt: note: migrating the store from schema 1: left out 2 events "
                              "whose time cannot be read (such as 'yesterday')")
    assert UNREADABLE_V1 in warning
    assert run_dpt("goal", "status").stderr == ""  # migrated once, said once
    exported = run_dpt("export")
    assert exported.returncode == 0
    assert [json.loads(line)["id"] for line in exported.stdout.splitlines()] == [ids[0], ids[2]]
    with closing(sqlite3.connect(store_path(dpt_home))) as conn:
        kept = conn.execute(f"SELECT id, ts FROM {UNREADABLE_V1} ORDER BY ts").fetchall()
    assert kept == [(ids[3], "99999-01-01T00:00:00"), (ids[1], "yesterday")]


def test_a_schema_1_time_without_an_offset_is_utc_in_any_time_zone(
        run_dpt: RunDpt, dpt_home: Path) -> None:
    _v1_store(dpt_home, ["2023-11-14T22:13:20.250"])

    done = run_dpt("export", env={"TZ": "America/New_York"})

    assert done.returncode == 0
    assert json.loads(done.stdout)["ts"] == "2023-11-14T22:13:20.250+00:00"
    assert done.stderr == ("dpt: note: migrating the store from schema 1: read 1 event time "
                           "with no UTC offset as UTC, the time zone every event is stamped "
                           "in\n")

"""The store: creation, migration, concurrent writers, batching, the fail-open spool."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path
from typing import cast

import pytest

from dptelemetry.events import Event, EventFormatError, EventKind, new_event_id
from dptelemetry.store import (
    Store,
    StoreCorruptError,
    StoreError,
    StoreTooNewError,
    migrations,
    open_store,
    record_fail_open,
    store_path,
)
from dptelemetry.store.spool import SPOOL_DIR, ingest, pending, spool_events
from dptelemetry.store.writer import BatchWriter
from tests.storefaults import write_lock_held


def _edit(ts: float, inserted: int = 1) -> Event:
    return Event(kind=EventKind.EDIT.value, ts=ts, source="lsp", path="src/app.py",
                 repo="/work/repo", payload={"language": "python", "inserted": inserted,
                                             "deleted": 0, "line": 3, "lines": 1,
                                             "assisted": False})


def test_store_is_created_private_in_a_private_home(dpt_home: Path) -> None:
    with open_store() as store:
        store.append([_edit(1_700_000_000.0)])
        assert store.schema_version() == migrations.LATEST
    assert stat.S_IMODE(store_path(dpt_home).stat().st_mode) == 0o600
    assert stat.S_IMODE(dpt_home.stat().st_mode) == 0o700


def test_events_round_trip_with_millisecond_times_and_ids() -> None:
    events = [_edit(1_700_000_000.123 + i, inserted=i) for i in range(5)]
    with open_store() as store:
        assert store.append(events) == 5
        assert store.append(events) == 0, "an id already stored is skipped"
        assert store.events_between(1_700_000_000.123, 1_700_000_003.123) == events[:3]
        assert store.events_between(0, 2e9, kinds=["save"]) == []
        assert list(store.iter_events()) == events


def test_event_ids_are_uuid7_and_sort_by_time() -> None:
    ids = [new_event_id(1_700_000_000 + i / 1000) for i in range(200)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 200
    assert all(i[12] == "7" and i[16] in "89ab" for i in ids)


def test_events_of_one_millisecond_read_back_in_the_order_they_happened() -> None:
    # Neovim sends keystrokes well under a millisecond apart; their ids keep them in order.
    events = [_edit(1_700_000_000.5, inserted=i) for i in range(300)]
    with open_store() as store:
        store.append(reversed(events))
        assert [e.payload["inserted"] for e in store.iter_events()] == list(range(300))


def test_migration_from_the_v1_prototype_keeps_every_event(dpt_home: Path) -> None:
    with open_store(target_version=1) as old:
        assert old.schema_version() == 1
    rows = [(new_event_id(1_700_000_000 + i), f"2023-11-14T22:13:{20 + i:02d}.250+00:00",
             "edit", "lsp", None, "/r", f"f{i}.py", json.dumps({"inserted": i}))
            for i in range(30)]
    with closing(sqlite3.connect(store_path(dpt_home))) as conn, conn:
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    with open_store() as store:
        assert store.schema_version() == migrations.LATEST
        migrated = list(store.iter_events())
    assert [(e.id, e.path, e.payload["inserted"]) for e in migrated] == [
        (r[0], r[6], i) for i, r in enumerate(rows)
    ]
    assert migrated[0].ts == pytest.approx(1_700_000_000.250)
    assert migrated[-1].ts == pytest.approx(1_700_000_029.250)


def test_a_newer_schema_is_refused_and_left_byte_for_byte(dpt_home: Path) -> None:
    with open_store() as store:
        store.append([_edit(1_700_000_000.0)])
    with closing(sqlite3.connect(store_path(dpt_home))) as conn:
        conn.execute("PRAGMA user_version = 99")
    before = store_path(dpt_home).read_bytes()
    with pytest.raises(StoreTooNewError, match="newer dptelemetry"):
        open_store()
    assert store_path(dpt_home).read_bytes() == before


def test_a_corrupt_store_is_refused_and_left_byte_for_byte(dpt_home: Path) -> None:
    dpt_home.mkdir(parents=True)
    store_path(dpt_home).write_bytes(b"this is not a database" * 100)
    before = store_path(dpt_home).read_bytes()
    with pytest.raises(StoreCorruptError, match="left untouched"):
        open_store()
    assert store_path(dpt_home).read_bytes() == before


WRITER = textwrap.dedent(
    """
    import sys
    from dptelemetry.events import Event
    from dptelemetry.store import open_store
    from dptelemetry.store.writer import BatchWriter

    mode, tag = sys.argv[1], sys.argv[2]
    events = [Event(kind="edit", ts=1_700_000_000 + i / 100, source=tag,
                    payload={"inserted": i}) for i in range(10_000)]
    if mode == "batched":
        writer = BatchWriter(max_delay=0.05, on_error=print)
        for event in events:
            writer.put(event)
        writer.close()
    else:
        with open_store() as store:
            for start in range(0, len(events), 20):
                store.append(events[start:start + 20])
    """
)


def test_two_processes_writing_ten_thousand_events_each_lose_none(dpt_home: Path) -> None:
    with open_store():
        pass  # create and migrate first, so both writers race only on inserts
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, mode, tag],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for mode, tag in (("batched", "one"), ("small-transactions", "two"))]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out == "", out
    with open_store() as store:
        events = list(store.iter_events())
    assert len(events) == 20_000
    assert {e.source for e in events} == {"one", "two"}
    assert sorted(e.payload["inserted"] for e in events if e.source == "one") == list(
        range(10_000))
    assert not (dpt_home / SPOOL_DIR).exists()


def test_batched_writer_flushes_on_request_and_on_close(dpt_home: Path) -> None:
    writer = BatchWriter(max_delay=30)
    first = [_edit(1_700_000_000 + i) for i in range(3)]
    for event in first:
        writer.put(event)
    assert writer.flush()
    with open_store() as store:
        assert list(store.iter_events()) == first
    writer.put(_edit(1_700_000_100))
    writer.close()
    with open_store() as store:
        assert store.count() == 4
    assert writer.written == 4


def test_batched_writer_spools_when_the_store_is_unusable_and_loses_nothing(
    dpt_home: Path,
) -> None:
    dpt_home.mkdir(parents=True)
    store_path(dpt_home).write_bytes(b"garbage" * 1000)
    errors: list[str] = []
    writer = BatchWriter(on_error=errors.append)
    events = [_edit(1_700_000_000 + i) for i in range(50)]
    for event in events:
        writer.put(event)
    writer.close()
    assert writer.spooled == 50
    assert len(errors) == 1 and f"events wait in {dpt_home / SPOOL_DIR} until" in errors[0]

    store_path(dpt_home).unlink()
    with open_store() as store:
        assert list(store.iter_events()) == events
    assert list((dpt_home / SPOOL_DIR).iterdir()) == []


def test_an_event_that_breaks_the_schema_never_costs_the_others(dpt_home: Path) -> None:
    bad = Event(kind=EventKind.EDIT.value, ts=1_700_000_000.5, source="lsp",
                payload={"inserted": -1})
    with open_store() as store, pytest.raises(EventFormatError, match=r"payload\.inserted"):
        store.append([_edit(1_700_000_000.0), bad])  # a direct append: all or nothing
    errors: list[str] = []
    writer = BatchWriter(on_error=errors.append)  # capture: the others are written
    for event in (_edit(1_700_000_001.0), bad, _edit(1_700_000_002.0)):
        writer.put(event)
    writer.close()
    assert errors == ["dptelemetry: events left out, they break the event schema (1 of this "
                      "batch; edit event: payload.inserted: expected `int` >= 0)"]
    warning = record_fail_open([bad, _edit(1_700_000_003.0)]).warning
    assert warning == ("dptelemetry: not recorded: edit event: payload.inserted: expected "
                       "`int` >= 0")
    with open_store() as store:
        assert [e.ts for e in store.iter_events()] == [1_700_000_001.0, 1_700_000_002.0,
                                                       1_700_000_003.0]


def test_a_batch_the_store_cannot_take_is_spooled_without_the_events_that_break_the_schema(
    dpt_home: Path,
) -> None:
    dpt_home.mkdir(parents=True)
    store_path(dpt_home).write_bytes(b"garbage" * 1000)
    good = [_edit(1_700_000_000.0), _edit(1_700_000_001.0)]
    errors: list[str] = []
    writer = BatchWriter(on_error=errors.append)
    for event in (good[0], _edit(1_700_000_000.5, inserted=-1), good[1]):
        writer.put(event)
    writer.close()
    assert writer.spooled == 2
    assert errors[0] == ("dptelemetry: events left out, they break the event schema (1 of "
                         "this batch; edit event: payload.inserted: expected `int` >= 0)")
    store_path(dpt_home).unlink()
    with open_store() as store:
        assert list(store.iter_events()) == good
    assert list((dpt_home / SPOOL_DIR).iterdir()) == []


def test_lines_of_a_spool_file_that_are_no_valid_events_never_cost_the_others(
    dpt_home: Path,
) -> None:
    good = [_edit(1_700_000_000.0), _edit(1_700_000_002.0)]
    breaking = _edit(1_700_000_001.0, inserted=-1)  # as a version before the schema wrote
    path = spool_events(dpt_home, [good[0], breaking, good[1]])
    lines = path.read_bytes().splitlines()
    unknown_kind = json.dumps({**json.loads(lines[0]), "kind": "telepathy"}).encode()
    path.write_bytes(b"\n".join([lines[0], b"{not json", lines[1], b"\xff\xfe",
                                 unknown_kind, lines[2]]) + b"\n")
    with open_store() as store:
        assert list(store.iter_events()) == good
    [bad] = (dpt_home / SPOOL_DIR).iterdir()
    assert bad.name.endswith(".bad") and stat.S_IMODE(bad.stat().st_mode) == 0o600
    assert bad.read_bytes().splitlines() == [b"{not json", lines[1], b"\xff\xfe",
                                             unknown_kind]
    with open_store() as store:
        assert store.count() == 2, "a set-aside file is not retried forever"


_OPEN_STORE = """
import sys
from pathlib import Path
from dptelemetry.store import StoreError, open_store
try:
    with open_store(Path(sys.argv[1]), timeout=60) as store:
        print(store.count())
except StoreError as exc:
    print(exc)
"""


def _claims(home: Path) -> list[Path]:
    return [p for p in (home / SPOOL_DIR).iterdir() if ".claimed-" in p.name]


def test_a_file_spooled_long_ago_is_not_taken_for_an_abandoned_claim_while_imported(
    dpt_home: Path,
) -> None:
    open_store().close()
    event = _edit(1_700_000_000.0)
    path = spool_events(dpt_home, [event])
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    with write_lock_held(dpt_home) as holder:
        importer = subprocess.Popen([sys.executable, "-c", _OPEN_STORE, str(dpt_home)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not _claims(dpt_home) and importer.poll() is None:  # it waits for the lock
            assert time.monotonic() < deadline, "the importer never claimed the file"
            time.sleep(0.01)
        assert pending(dpt_home) == [], "claimed a moment ago, not abandoned"
        with open_store(dpt_home, timeout=0.1) as other:  # a second opening leaves it alone
            assert other.count() == 0
        assert holder.stdin is not None
        holder.stdin.close()  # the lock is free: the importer goes on
        out, err = importer.communicate(timeout=60)
    assert (out, err) == ("1\n", "")
    with open_store() as store:
        assert list(store.iter_events()) == [event]
    assert list((dpt_home / SPOOL_DIR).iterdir()) == []


class _LockedAfterATakeover:
    """A store that another process's import overtakes: while this one waits for the write
    lock, the other claims the same file, and the wait ends in "locked"."""

    def append(self, events: list[Event]) -> int:
        [claimed] = _claims(Path(os.environ["DPT_HOME"]))
        claimed.replace(claimed.with_name(f"{claimed.name.split('.')[0]}.claimed-other"))
        raise StoreError("the store is locked by another writer; try again in a moment")


def test_an_import_whose_claim_was_taken_over_fails_as_locked_and_loses_nothing(
    dpt_home: Path,
) -> None:
    event = _edit(1_700_000_000.0)
    spool_events(dpt_home, [event])
    with pytest.raises(StoreError, match="locked"):
        ingest(cast(Store, _LockedAfterATakeover()), dpt_home)
    [taken] = (dpt_home / SPOOL_DIR).iterdir()
    assert taken.name.endswith(".claimed-other")
    an_hour_ago = time.time() - 3600
    os.utime(taken, (an_hour_ago, an_hour_ago))  # its process died: an abandoned claim
    with open_store() as store:
        assert list(store.iter_events()) == [event]


def _open_files(path: Path) -> int:
    """How many of this process's file descriptors are open on `path`."""
    fds = Path("/proc/self/fd")
    return sum(1 for fd in fds.iterdir() if os.path.realpath(fd) == str(path))


def test_an_opening_whose_spool_import_fails_leaves_no_connection_open(
    dpt_home: Path,
) -> None:
    open_store().close()
    spool_events(dpt_home, [_edit(1_700_000_000.0)])
    with write_lock_held(dpt_home):
        before = _open_files(store_path(dpt_home))
        with pytest.raises(StoreError, match="locked") as raised:
            open_store(dpt_home, timeout=0.1)
        assert raised.traceback  # the failed opening's frames are still referenced here
        assert _open_files(store_path(dpt_home)) == before


def test_record_fail_open_spools_and_warns_once_when_locked(dpt_home: Path) -> None:
    with open_store():
        pass
    blocker = sqlite3.connect(store_path(dpt_home), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        kept = record_fail_open([_edit(1_700_000_000.0)], timeout=0.1)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    warning = kept.warning
    assert not kept.lost
    assert warning is not None and "\n" not in warning and "spool" in warning
    with open_store() as store:
        assert store.count() == 1


def test_an_unreadable_spool_file_is_set_aside_not_deleted(dpt_home: Path) -> None:
    good = spool_events(dpt_home, [_edit(1_700_000_000.0)])
    bad = good.with_name("0-bad.jsonl")
    bad.write_text("{not json\n")
    with open_store() as store:
        assert store.count() == 1
    leftovers = [p.name for p in (dpt_home / SPOOL_DIR).iterdir()]
    assert len(leftovers) == 1 and leftovers[0].endswith(".bad")
    with open_store() as store:
        assert store.count() == 1, "a set-aside file is not retried forever"


def test_store_file_is_never_created_group_readable_even_with_a_loose_umask(
    dpt_home: Path,
) -> None:
    old = os.umask(0)
    try:
        with open_store() as store:
            store.append([_edit(1_700_000_000.0)])
            wal = store_path(dpt_home).with_name("events.sqlite3-wal")
            assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    finally:
        os.umask(old)
    assert stat.S_IMODE(store_path(dpt_home).stat().st_mode) == 0o600


def test_an_undecodable_name_never_costs_the_batch(dpt_home: Path) -> None:
    odd = "caf\udce9.py"  # a Latin-1 file name decoded with surrogateescape
    events = [Event(kind=EventKind.STUCK.value, ts=1_700_000_000.0, source="cli",
                    path=odd, payload={"text": f"renaming {odd}"}),
              _edit(1_700_000_001.0)]
    with open_store() as store:
        assert store.append(events) == 2
        stored = list(store.iter_events())
    assert stored[0].path == "caf\\xe9.py"  # as the language server stores the same name
    assert stored[0].payload["text"] == f"renaming {odd}"
    spool_events(dpt_home, events)  # the fail-open path must not choke on it either
    with open_store() as store:
        assert store.count() == 2
    assert list((dpt_home / SPOOL_DIR).iterdir()) == []  # read back, not set aside as bad

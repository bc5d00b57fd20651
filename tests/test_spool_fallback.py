"""The spool when the data home cannot take a write: events wait in the private fallback
directory and come back with the next opening of the store; a failed write leaves nothing
half-written behind; a fallback directory someone else made is never used."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from smalldisk import SmallDisk

from dptelemetry import fallback
from dptelemetry.events import Event, EventKind
from dptelemetry.store import open_store, record_fail_open
from dptelemetry.store.spool import SPOOL_DIR, spool_events


def _edits(count: int) -> list[Event]:
    return [Event(kind=EventKind.EDIT.value, ts=1_700_000_000.0 + n, source="lsp",
                  payload={"language": "python", "inserted": 1, "deleted": 0, "line": 0,
                           "lines": 1, "assisted": False}) for n in range(count)]


def _stored(home: Path) -> int:
    with open_store(home) as store:
        return store.count()


def test_events_kept_in_the_fallback_come_back_once(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    home = blocker / "home"
    kept = record_fail_open(_edits(3), home)
    assert not kept.lost
    waits = fallback.directory(home)
    assert waits is not None and waits.parent.parent == Path(os.environ["XDG_RUNTIME_DIR"])
    assert (waits.parent.stat().st_mode & 0o777, waits.stat().st_mode & 0o777) == (0o700, 0o700)
    [spooled] = (waits / SPOOL_DIR).iterdir()
    assert spooled.stat().st_mode & 0o777 == 0o600
    blocker.unlink()
    assert _stored(home) == 3
    assert _stored(home) == 3
    assert list((waits / SPOOL_DIR).iterdir()) == []


def test_a_failed_write_on_a_full_disk_leaves_no_partial_file(
        small_disk: SmallDisk, monkeypatch: pytest.MonkeyPatch) -> None:
    home = small_disk.path / "home"
    runtime = small_disk.path / "run"  # the fallback full too
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    open_store(home).close()
    small_disk.fill()
    with pytest.raises(OSError) as raised:
        spool_events(home, _edits(200))
    assert str(raised.value) == (f"cannot spool in {home}: No space left on device; nor in "
                                 f"{runtime}: No space left on device")
    kept = record_fail_open(_edits(1), home)
    assert kept.lost
    assert kept.warning is not None and kept.warning.startswith("dptelemetry: not recorded: ")
    assert list(small_disk.path.rglob("*.tmp")) == []


def test_partial_files_a_crash_left_are_cleared_and_fresh_ones_left_alone(
        dpt_home: Path) -> None:
    spool = dpt_home / SPOOL_DIR
    spool.mkdir(parents=True)
    stale, fresh = spool / "1-stale.tmp", spool / "2-fresh.tmp"
    stale.write_text("")
    fresh.write_text("")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    open_store(dpt_home).close()
    assert sorted(p.name for p in spool.iterdir()) == ["2-fresh.tmp"]


def test_a_half_written_set_aside_file_a_crash_left_is_cleared_not_imported(
        dpt_home: Path) -> None:
    spool = dpt_home / SPOOL_DIR
    spool.mkdir(parents=True)
    half = spool / ".1-a.claimed-b.bad.c0ffee.tmp"  # write_private_atomic's temporary name
    half.write_text('{"not": "an event"')
    an_hour_ago = time.time() - 3600
    os.utime(half, (an_hour_ago, an_hour_ago))
    open_store(dpt_home).close()
    assert list(spool.iterdir()) == []


def test_a_fallback_directory_someone_else_made_is_never_used(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    home = blocker / "home"
    planted = Path(os.environ["XDG_RUNTIME_DIR"]) / fallback.name(home) / SPOOL_DIR
    planted.mkdir(parents=True)
    planted.parent.parent.chmod(0o777)  # as a directory made by another user would be
    (planted / "1-planted.jsonl").write_text(
        spool_line := '{"id": "x", "kind": "edit", "ts": 1, "source": "lsp", "payload": {}}\n')
    kept = record_fail_open(_edits(1), home)
    assert kept.lost
    assert kept.warning is not None and "is not a private directory of this user" in kept.warning
    blocker.unlink()
    assert _stored(home) == 0
    assert (planted / "1-planted.jsonl").read_text() == spool_line


def test_a_filesystem_that_counts_no_inodes_is_not_called_full(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """btrfs, vfat and many FUSE filesystems report 0 of 0 inodes: that is no full disk."""
    real = os.statvfs(tmp_path)
    fields = dict(zip(("f_bsize", "f_frsize", "f_blocks", "f_bfree", "f_bavail", "f_files",
                       "f_ffree", "f_favail", "f_flag", "f_namemax"), real, strict=True))

    def statvfs(path: object, **counts: int) -> os.statvfs_result:
        return os.statvfs_result(tuple({**fields, **counts}.values()))

    monkeypatch.setattr(os, "statvfs", lambda p: statvfs(p, f_files=0, f_ffree=0, f_favail=0))
    assert fallback.home_problem(tmp_path / "home") is None
    monkeypatch.setattr(os, "statvfs", lambda p: statvfs(p, f_favail=0))
    assert fallback.home_problem(tmp_path / "home") == (
        f"no space is left on the device of the data home {tmp_path / 'home'}")

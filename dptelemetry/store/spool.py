"""The fail-open fallback: events that could not reach the store wait here as JSONL files.

A writer that finds the store locked, damaged or unwritable drops its batch into
`DPT_HOME/spool/` as one complete file (written under a temporary name, then renamed), so a
reader never sees half a file; where the data home cannot take even that (a full disk, a
home that is not a writable directory), into the same layout in the fallback directory
(`dptelemetry.fallback`). A write that fails leaves no partial file behind. The next
store opening claims each file, from both places, by renaming it and imports it; event ids
make a repeated import harmless, so nothing is lost or doubled. A line that is no event
following the event schema is set aside in a `.bad` file, never deleted, and costs no other
line. An import that finds the store locked gives the file back under its old name at
once. Readers that cannot import (`waiting`) read every file without claiming it, those
another process is importing right now included.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from dptelemetry import fallback
from dptelemetry.events import Event, from_json, to_jsonl
from dptelemetry.private_files import private_dir, write_private_atomic
from dptelemetry.schema import valid_events

if TYPE_CHECKING:
    from dptelemetry.store.db import Store

SPOOL_DIR = "spool"
_STALE_CLAIM_SECONDS = 120.0


def spool_events(home: Path, events: Iterable[Event]) -> Path:
    """Write the events to a new spool file, in the data home or else in the fallback
    directory; returns its path. OSError, saying why for both places, when neither works."""
    batch = list(events)
    try:
        return _write(home / SPOOL_DIR, batch)
    except OSError as exc:
        in_home = f"cannot spool in {home}: {exc.strerror or exc}"
    try:
        return _write(fallback.make_directory(home) / SPOOL_DIR, batch)
    except OSError as exc:
        raise OSError(f"{in_home}; nor in {fallback.base()}: {exc.strerror or exc}") from None


def _write(directory: Path, events: list[Event]) -> Path:
    private_dir(directory.parent, directory.name)
    path = directory / f"{time.time_ns()}-{uuid.uuid4().hex}.jsonl"
    write_private_atomic(path, "".join(to_jsonl(event) + "\n" for event in events))
    return path


def _directories(home: Path) -> list[Path]:
    elsewhere = fallback.directory(home)
    return [home / SPOOL_DIR] + ([elsewhere / SPOOL_DIR] if elsewhere else [])


def pending(home: Path) -> list[Path]:
    """Spool files waiting to be imported (complete ones, and claims abandoned by a crash),
    in the data home and in the fallback directory. Removes temporary files a crash left."""
    return _spool_files(home, importing=True)


def _spool_files(home: Path, *, importing: bool) -> list[Path]:
    """The complete spool files and the claimed ones, in the data home and in the fallback
    directory, in the order they were written. `importing`: only the claims abandoned by a
    crash (others are being imported right now), and temporary files a crash left are
    removed; else every claim, and nothing is changed."""
    now = time.time()
    found = []
    for directory in _directories(home):
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            claim = ".claimed-" in entry.name and not entry.name.endswith((".bad", ".tmp"))
            if entry.name.endswith(".jsonl") or (claim and not importing):
                found.append(Path(entry.path))
                continue
            if not importing or not (claim or entry.name.endswith(".tmp")):
                continue
            try:
                stale = now - entry.stat().st_mtime > _STALE_CLAIM_SECONDS
            except FileNotFoundError:
                continue
            if stale and claim:
                found.append(Path(entry.path))
            elif stale:
                Path(entry.path).unlink(missing_ok=True)  # its writer died long ago
    return sorted(found, key=lambda path: path.name)


def ingest(store: Store, home: Path) -> int:
    """Import every pending spool file into `store`; returns the number of new events.

    The lines that cannot be read as events following the event schema (a capture bug, a
    file from an older version) are set aside in a `*.bad` file beside it (never deleted);
    the others are imported. A file that cannot be read at all is set aside whole.
    """
    added = 0
    for path in pending(home):
        claimed = path.with_name(f"{path.name.split('.')[0]}.claimed-{uuid.uuid4().hex}")
        try:
            path.replace(claimed)
            # A rename keeps the time a file was written: without this, a file spooled
            # long ago would look like an abandoned claim to others the moment we claim it.
            os.utime(claimed)
            events, bad = _parse(claimed)
        except FileNotFoundError:
            continue  # another process claimed it first
        except OSError:
            _rename(claimed, f"{claimed.name}.bad")
            continue
        try:
            added += store.append(events)
        except BaseException:
            # Locked or failing: give the file back now, not after the stale-claim wait
            _rename(claimed, f"{claimed.name.split('.')[0]}.jsonl")
            raise
        if bad:
            _set_aside(claimed, bad)
        claimed.unlink(missing_ok=True)
    return added


def _rename(claimed: Path, name: str) -> None:
    """Rename our claim, unless another process took it over (it judged it abandoned)."""
    with suppress(FileNotFoundError):
        claimed.replace(claimed.with_name(name))


def _set_aside(claimed: Path, lines: list[bytes]) -> None:
    """Keep `lines` in `<claimed>.bad`; where that cannot be written, the whole file."""
    bad = claimed.with_name(f"{claimed.name}.bad")
    try:
        write_private_atomic(bad, b"".join(line + b"\n" for line in lines))
    except OSError:
        _rename(claimed, bad.name)


def waiting(home: Path) -> list[Event]:
    """Every event in the spool, claimed files included, without claiming any: what a reader
    that cannot import adds to the store's events. Lines that are no event following the
    schema, and unreadable files, are left to `ingest`."""
    events: list[Event] = []
    read: set[str] = set()
    for _ in range(3):  # a file renamed while we read is found again under its new name
        renamed = False
        for path in _spool_files(home, importing=False):
            if path.name in read:
                continue
            try:
                events += _parse(path)[0]
            except FileNotFoundError:
                renamed = True
                continue
            except OSError:
                pass
            read.add(path.name)
        if not renamed:
            break
    return events


def _parse(path: Path) -> tuple[list[Event], list[bytes]]:
    """The file's events that follow the event schema, and its other lines as they are."""
    parsed: list[tuple[bytes, Event | None]] = []
    for line in path.read_bytes().splitlines():
        if not line.strip():
            continue
        try:
            parsed.append((line, from_json(json.loads(line.decode("utf-8")))))
        except (ValueError, RecursionError):  # not UTF-8, not JSON (or nested too deep), not
            # an event (EventFormatError)
            parsed.append((line, None))
    valid, _ = valid_events(event for _, event in parsed if event is not None)
    kept = {id(event) for event in valid}
    return valid, [line for line, event in parsed if event is None or id(event) not in kept]

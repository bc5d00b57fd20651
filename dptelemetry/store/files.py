"""The store's files on disk: `events.sqlite3` and the `-wal` and `-shm` SQLite keeps beside
it, which are one store. Created 0600 in a 0700 data home and tightened to that when found
looser (dptelemetry/private_files.py), never used through a symbolic link, and set aside
together.
"""

from __future__ import annotations

import os
from pathlib import Path

from dptelemetry.config import data_home
from dptelemetry.private_files import PRIVATE_FILE, private_dir, tighten
from dptelemetry.store.errors import StoreError

STORE_FILENAME = "events.sqlite3"


def store_path(home: Path | None = None) -> Path:
    return (home or data_home()) / STORE_FILENAME


def store_files(path: Path) -> tuple[Path, Path, Path]:
    """The store and the two files SQLite keeps beside it: they are one store, and the
    last committed events may be in the `-wal` file alone."""
    return path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")


def set_aside(home: Path, stamp: str) -> list[Path]:
    """Rename the store's files (those there are) to `events.sqlite3.set-aside-STAMP` and its
    `-wal` and `-shm`, so they stay one store SQLite can open; returns the new names. The
    `-wal` goes first: a store opened meanwhile must not meet its old log (SQLite would
    discard the events only that log holds)."""
    path = store_path(home)
    current = store_files(path)
    renamed = store_files(path.with_name(f"{path.name}.set-aside-{stamp}"))
    if any(os.path.lexists(name) for name in renamed):
        raise StoreError(f"{renamed[0]} exists already; try again in a second")
    moved = []
    for index in (1, 2, 0):
        if os.path.lexists(current[index]):
            current[index].rename(renamed[index])
            moved.append(renamed[index])
    if not moved:
        raise StoreError(f"there is no store at {path} to set aside")
    return sorted(moved)


def refuse_links(path: Path) -> None:
    """A store that is a symbolic link is refused: its events would live wherever the link
    points."""
    for name in store_files(path):
        if name.is_symlink():
            raise StoreError(f"{name} is a symbolic link (to {name.readlink()}); dptelemetry "
                             "keeps its store only in the data home itself: replace the link "
                             "with the file it points to, or set DPT_HOME to its folder")


def tighten_store(path: Path) -> list[Path]:
    """The data home and store files that others could read, now tightened."""
    return [name for name in (path.parent, *store_files(path)) if tighten(name)]


def tightened_note(paths: list[Path]) -> str:
    return (f"{', '.join(map(str, paths))} could be read by other users; now only you can "
            "(they hold your practice data)")


def create_private(path: Path) -> list[Path]:
    """Create the store 0600 in a 0700 data home if it is not there; returns the folder and
    files of an existing one that others could read, now tightened (`refuse_links` first)."""
    refuse_links(path)
    tightened = [path.parent] if tighten(path.parent) else []
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, PRIVATE_FILE)
    except FileExistsError:
        return tightened + tighten_store(path)
    os.close(fd)
    return tightened


def refuse_a_file_as_home(home: Path) -> None:
    """A data home that is a file, or lies under one, is said to be so (creating the store
    in it would only say "File exists" or "Not a directory")."""
    named = os.environ.get("DPT_HOME")
    name = "DPT_HOME" if named and Path(named).expanduser() == home else "the data home"
    for folder in (home, *home.parents):
        if folder.is_dir():
            return
        if folder == home and folder.exists():
            raise StoreError(f"{name} is a file, not a folder: {home}")
        if folder.exists():
            raise StoreError(f"{name} {home} cannot be a folder: {folder} is a file")

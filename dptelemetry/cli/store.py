"""`dpt store set-aside`: move a damaged store out of the way as the one set of files it is.

SQLite keeps the last committed events of a store in `events.sqlite3-wal` until it copies
them into `events.sqlite3`; moving the main file alone loses them (a new store started next
to an old log discards it). This renames all three together, so the old store can still be
opened, recovered (`sqlite3 FILE .recover`) or sent with a bug report.
"""

from __future__ import annotations

import time

import click

from dptelemetry.config import data_home
from dptelemetry.store import set_aside as set_files_aside


@click.group()
def store() -> None:
    """The store itself: the events.sqlite3 file in the data home."""


@store.command(name="set-aside")
def set_aside() -> None:
    """Rename the store and the -wal and -shm files beside it to
    events.sqlite3.set-aside-DATE-TIME (and its -wal, -shm): kept whole, out of the way. The
    next command that records starts a new store. Stop `dpt lsp` first."""
    moved = set_files_aside(data_home(), time.strftime("%Y%m%d-%H%M%S"))
    click.echo(f"Set the store aside as {', '.join(map(str, moved))}; "
               "the next event starts a new store.")

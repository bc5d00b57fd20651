"""The store keeps events: one SQLite file, a batched writer, a fail-open spool, and a read
path (`open_reader`) that never waits for the write lock."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dptelemetry.events import Event
from dptelemetry.schema import valid_events
from dptelemetry.store.db import KindColumns, Store, open_store
from dptelemetry.store.errors import StoreCorruptError, StoreError, StoreTooNewError
from dptelemetry.store.files import set_aside, store_path
from dptelemetry.store.read import open_reader
from dptelemetry.store.spool import spool_events

__all__ = [
    "KindColumns",
    "Store",
    "StoreCorruptError",
    "StoreError",
    "StoreTooNewError",
    "open_reader",
    "open_store",
    "record_fail_open",
    "set_aside",
    "store_path",
]


def record_fail_open(
    events: Sequence[Event], home: Path | None = None, timeout: float = 1.0
) -> str | None:
    """Write events for a host that must never fail because of us (hooks, pytest).

    Returns None when stored, else one warning line for the host to print; in that case the
    events wait in the spool and reach the store on its next opening. An event that breaks
    the event schema (a capture bug) is left out, and the warning says why.
    """
    from dptelemetry.config import data_home

    try:
        home = home or data_home()
    except Exception as exc:
        return f"dptelemetry: cannot find the data home ({exc}); nothing recorded"
    events, problems = valid_events(events)
    left_out = f"dptelemetry: not recorded: {problems[0]}" if problems else None
    try:
        with open_store(home, timeout=timeout) as store:
            store.append(events)
        return left_out
    except Exception as exc:
        reason = exc
    try:
        spool_events(home, events)
    except Exception as exc:
        return f"dptelemetry: not recorded ({reason}; spool failed: {exc})"
    return f"dptelemetry: store unavailable ({reason}); kept in the spool for later"

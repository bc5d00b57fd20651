"""The store keeps events: one SQLite file, a batched writer, a fail-open spool, and a read
path (`open_reader`) that never waits for the write lock."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from dptelemetry import fallback
from dptelemetry.events import Event, EventFormatError
from dptelemetry.schema import valid_events
from dptelemetry.store.db import KindColumns, Store, open_store
from dptelemetry.store.errors import StoreCorruptError, StoreError, StoreTooNewError
from dptelemetry.store.files import set_aside, store_path
from dptelemetry.store.read import open_reader
from dptelemetry.store.spool import spool_events

__all__ = [
    "Kept",
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


class Kept(NamedTuple):
    """What became of events handed to `record_fail_open`."""

    warning: str | None
    """None when they were stored; else one line for the host to show."""
    lost: bool = False
    """Neither stored nor kept anywhere for later."""


def record_fail_open(
    events: Sequence[Event], home: Path | None = None, timeout: float = 1.0
) -> Kept:
    """Write events for a host that must never fail because of us (hooks, pytest).

    When the store cannot take them, they wait in the spool (in the data home, or in the
    fallback directory when the home cannot take even that) and reach the store on its next
    opening; the warning says so, and why. An event that
    breaks the event schema (a capture bug) is left out, and the warning says why.
    """
    from dptelemetry.config import data_home

    try:
        home = home or data_home()
    except Exception as exc:
        return Kept(f"dptelemetry: cannot find the data home ({exc}); nothing recorded", True)
    problem = ""
    try:
        with open_store(home, timeout=timeout) as store:
            try:
                store.append(events)  # checks each event against the schema
            except EventFormatError:  # a capture bug: keep the others
                events, problem = _valid(events)
                store.append(events)
        return Kept(f"dptelemetry: not recorded: {problem}" if problem else None,
                    lost=not events)
    except Exception as exc:
        reason = fallback.explain(home, exc)
    events, problem = _valid(events)
    left_out = f"; not recorded: {problem}" if problem else ""
    if not events:
        return Kept(f"dptelemetry: not recorded: {problem}" if problem else None, True)
    try:
        kept = spool_events(home, events)
    except Exception as exc:
        return Kept(f"dptelemetry: not recorded: {reason}; {exc}", True)
    if kept.is_relative_to(home):
        return Kept(f"dptelemetry: store unavailable ({reason}); kept in the spool for "
                    f"later{left_out}")
    return Kept(f"dptelemetry: could not record in {home} ({reason}); kept in "
                f"{kept.parent.parent} until it can{left_out}")


def _valid(events: Sequence[Event]) -> tuple[list[Event], str]:
    """The events that follow the schema, and what is wrong with the first that does not."""
    valid, problems = valid_events(events)
    return valid, problems[0] if problems else ""

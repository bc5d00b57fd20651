"""Reads one local day from the store into a Timeline, fast enough for a 200,000-event day.

Keystroke edits are fetched as raw rows and decoded straight into `Edit` tuples (orjson), so
no Event object is built for them; everything else is read as Events. The cyclic garbage
collector is paused meanwhile: hundreds of thousands of new tuples would otherwise set off
collection after collection, each walking every live object, for no cycle to find.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, tzinfo
from typing import Any

import orjson

from dptelemetry.analysis.builder import EDIT, assemble_timeline, decode_edits
from dptelemetry.analysis.days import day_bounds
from dptelemetry.analysis.timeline import Timeline
from dptelemetry.config import Thresholds
from dptelemetry.goals import Goal
from dptelemetry.store import Store


def read_timeline(store: Store, day: date, thresholds: Thresholds, tz: tzinfo | None = None,
                  goals: Iterable[Goal] = ()) -> Timeline:
    start, end = day_bounds(day, tz)
    with paused_gc():
        rows = store.payloads_between(start, end, EDIT)
        edits = decode_edits([ms / 1000 for ms, _, _ in rows], [path for _, path, _ in rows],
                             _load_all([text for _, _, text in rows]), thresholds)
        others = store.events_between(start, end, exclude=(EDIT,))
        return assemble_timeline(day, tz, thresholds, edits, others, goals)


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside (reference counting still frees everything)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load_all(texts: list[str]) -> list[Any]:
    loads = orjson.loads
    try:
        return [loads(text) for text in texts]
    except orjson.JSONDecodeError:  # NaN or Infinity somewhere, which only the stdlib reads
        return [json.loads(text) for text in texts]

"""What the store offers analysis: lean reads, per-hour stamps, the per-day metrics cache."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from dptelemetry.store import open_store, store_path
from tests.analysis.builders import DayBuilder


def test_lean_reads_of_one_kind_or_all_but_one(dpt_home: Path) -> None:
    day = DayBuilder()
    day.edit(10, inserted=4, path="a.py")
    day.green(20)
    day.add("save", 30, path="a.py")
    with open_store(dpt_home) as store:
        store.append(day.events)
        rows = store.payloads_between(day.start, day.start + 3600, "edit")
        assert [(ms, repo, path, json.loads(text)["inserted"])
                for ms, repo, path, text in rows] == [
            (round(day.at(10) * 1000), "/repo", "a.py", 4)]
        others = store.events_between(day.start, day.start + 3600, exclude=("edit",))
        assert [e.kind for e in others] == ["test_run", "save"]
        assert [e.kind for e in store.events_between(
            day.start, day.start + 3600, kinds=("edit", "save"), exclude=("save",))] == ["edit"]


def test_the_stamp_grows_with_every_event_stored_in_the_span(dpt_home: Path) -> None:
    day = DayBuilder()
    hour = day.start, day.start + 3600
    with open_store(dpt_home) as store:
        assert store.span_stamp(*hour) == 0
        store.append([day.edit(10)])
        store.append([day.edit(3599.5)])
        store.append([day.edit(3600)])  # the next hour
        assert store.span_stamp(*hour) == 2
        store.append(day.events)  # already stored: ignored, and not counted again
        assert store.span_stamp(*hour) == 2
    with sqlite3.connect(store_path(dpt_home)) as conn:  # another writer, no dptelemetry code
        conn.execute("INSERT INTO events VALUES (?, ?, 'edit', 'x', NULL, NULL, NULL, '{}')",
                     (round(day.at(20) * 1000), "f" * 32))
    with open_store(dpt_home) as store:
        assert store.span_stamp(*hour) == 3


def test_cached_metrics_are_returned_only_for_the_same_key_and_stamp(dpt_home: Path) -> None:
    with open_store(dpt_home) as store:
        store.save_day_metrics(0, 86400, "k1", 5, {"teq": [0.5, 1.0]})
        assert store.cached_day_metrics(0, 86400, "k1", 5) == {"teq": [0.5, 1.0]}
        assert store.cached_day_metrics(0, 86400, "k1", 6) is None
        assert store.cached_day_metrics(0, 86400, "k2", 5) is None
        store.save_day_metrics(0, 86400, "k2", 6, {"teq": []})
        assert store.cached_day_metrics(0, 86400, "k1", 5) is None
        assert store.cached_day_metrics(0, 86400, "k2", 6) == {"teq": []}


def test_reading_a_day_pauses_the_garbage_collector_and_restores_it(dpt_home: Path) -> None:
    import gc

    import pytest

    from dptelemetry.analysis.reader import paused_gc

    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # it was off before: leave it off
    finally:
        gc.enable()

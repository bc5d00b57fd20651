"""The daily summary of one day of 200,000 events, from a store that holds a year.

    python benchmarks/summary_200k.py [--store DIR] [--days 365] [--rebuild] [--repeat 5]

Builds (once, then reuses) a synthetic store in benchmarks/results/year-store/: `--days` days
of practice ending on 2025-06-20, about 75,000 events on weekdays and 5,000 on weekends (about
20 million for a year), with 2025-06-18 holding 200,000, 06-19 10,000 and 06-20 50,000. Days
are UTC days; each has a goal, and those of the last 100 days are attempts of one drill.
Then, in one process:

- cold: the cache of per-day metrics emptied, so two weeks of history are read and rebuilt;
- one day missing from the cache (yesterday's, the usual case for a summary of today);
- warm: every past day cached; each day size (10k, 50k, 200k) summarised in turn, `--repeat`
  rounds interleaved, medians reported;
- where the warm 200k time goes: reading events, building the timeline, plugins, history.

Each summary creates its plugin manager as `dpt summary` would. Times are wall clock and the
process's CPU time: on a shared machine the first includes waiting for a core.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta, timezone
from pathlib import Path
from typing import Any

from dptelemetry.analysis.baselines import load_history
from dptelemetry.analysis.builder import EDIT, assemble_timeline
from dptelemetry.analysis.days import day_bounds
from dptelemetry.analysis.reader import edits_from_columns, paused_gc, read_span
from dptelemetry.analysis.summary import summarize, summarize_day
from dptelemetry.config import Config
from dptelemetry.goals import load_goals
from dptelemetry.plugins import get_plugin_manager
from dptelemetry.store import open_store, store_path

UTC = timezone.utc
TARGET = date(2025, 6, 18)
LAST = date(2025, 6, 20)
SIZES = {TARGET: 200_000, date(2025, 6, 19): 10_000, date(2025, 6, 20): 50_000}
BLOCKS = [(9 * 3600, 10.75 * 3600), (11 * 3600, 12.5 * 3600), (13.5 * 3600, 15.5 * 3600),
          (16 * 3600, 18 * 3600)]
"""Work blocks of a day (seconds after midnight): 7 h 15 min of practice."""
FILES = ["src/game.py", "src/frame.py", "tests/test_game.py", "tests/test_frame.py",
         "src/score.py"]


def day_size(day: date, rng: random.Random) -> int:
    if day in SIZES:
        return SIZES[day]
    return 5_000 if day.weekday() >= 5 else rng.randint(60_000, 90_000)


DRILL_DAYS = 100
"""The goals of the last DRILL_DAYS days are attempts of one drill, every tenth changing one
thing (for benchmarks/drills_progress.py)."""
LEVERS = ("difficulty", "feedback", "timebox", "constraint")


def goal_payload(day: date) -> str:
    """The day's goal: from LAST - DRILL_DAYS on, an attempt of the drill "bowling kata"."""
    attempt = DRILL_DAYS - (LAST - day).days
    if attempt < 1:
        return '{"title":"bowling kata","timebox_s":2700}'
    change = (f',"changes":[{{"lever":"{LEVERS[attempt // 10 % 4]}","text":"step {attempt}"}}]'
              if attempt % 10 == 0 else "")
    return ('{"title":"bowling kata","timebox_s":2700,"drill":"bowling kata",'
            f'"constraints":["no debugger"]{change}}}')


def day_rows(day: date, n: int, rng: random.Random, serial: Iterator[int]) -> list[tuple[Any, ...]]:
    """One day's rows as the store keeps them: edits mostly, with saves, file switches, a test
    run every 90 s (red twice, then green), a commit every 30 min, a goal for the day."""
    start = day_bounds(day, UTC)[0]
    span = sum(b - a for a, b in BLOCKS)
    rows: list[tuple[Any, ...]] = []

    def add(offset: float, kind: str, source: str, payload: str, path: str | None = None,
            goal: str | None = None) -> None:
        ms = round((start + offset) * 1000)
        rows.append((ms, f"{ms:012x}7{next(serial):019x}", kind, source, goal,
                     "/home/dev/kata" if path else None, path, payload))

    goal_id = f"{round(start * 1000):012x}7{next(serial):019x}"
    ms = round((start + BLOCKS[0][0] - 60) * 1000)
    rows.append((ms, goal_id, "goal_start", "cli", goal_id, None, None, goal_payload(day)))
    others = 0
    for a, b in BLOCKS:
        t = a
        cycle = 0
        while t + 90 < b:
            outcome = "green" if cycle % 3 == 2 else "red"
            failures = ('[]' if outcome == "green"
                        else f'[["tests/test_game.py::test_{cycle % 7}","AssertionError"]]')
            add(t + 60, "test_run", "pytest",
                f'{{"runner":"pytest","outcome":"{outcome}","exit_code":'
                f'{0 if outcome == "green" else 1},"duration_s":1.4,"passed":12,"failed":'
                f'{0 if outcome == "green" else 1},"errors":0,"failures":{failures}}}',
                goal=goal_id)
            add(t + 30, "save", "lsp", "{}", FILES[cycle % 5], goal_id)
            add(t + 45, "open", "lsp", '{"language":"python","lines":300}',
                FILES[(cycle + 1) % 5], goal_id)
            if cycle % 20 == 19:
                add(t + 70, "commit", "git", '{"sha":"' + "ab" * 20 + '","branch":"main",'
                    '"goal":"bowling kata","files":2,"insertions":30,"deletions":4}',
                    goal=goal_id)
            others += 3 + (cycle % 20 == 19)
            t += 90
            cycle += 1
    edits = max(0, n - others - 2)
    offsets = sorted(rng.uniform(0, span) for _ in range(edits))
    for offset in offsets:
        block_offset = offset
        for a, b in BLOCKS:
            if block_offset < b - a:
                when = a + block_offset
                break
            block_offset -= b - a
        assisted = rng.random() < 0.0005
        inserted = 800 if assisted else rng.choice((1, 1, 1, 1, 2, 0))
        deleted = 0 if inserted else 1
        add(when, "edit", "lsp",
            f'{{"language":"python","inserted":{inserted},"deleted":{deleted},'
            f'"line":{rng.randrange(400)},"lines":1,"assisted":{"true" if assisted else "false"}}}',
            FILES[int(when / 300) % 5], goal_id)
    add(BLOCKS[-1][1] + 60, "goal_end", "cli", '{"reason":"ended","rating":7}', goal=goal_id)
    rows.sort()
    return rows


def build_store(home: Path, days: int) -> None:
    """Write the synthetic year with bulk inserts (one transaction per day)."""
    home.mkdir(parents=True, exist_ok=True)
    with open_store(home):
        pass  # create and migrate
    rng = random.Random(2025)
    serial = iter(range(1, 1 << 62))
    conn = sqlite3.connect(store_path(home), isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    begin = time.perf_counter()
    total = 0
    first = LAST - timedelta(days=days - 1)
    for i in range(days):
        day = first + timedelta(days=i)
        rows = day_rows(day, day_size(day, rng), rng, serial)
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        total += len(rows)
        if i % 30 == 0:
            print(f"  {day}: {total:,} events so far, {time.perf_counter() - begin:.0f} s")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    print(f"built {total:,} events over {days} days in {time.perf_counter() - begin:.0f} s; "
          f"{store_path(home).stat().st_size / 1e9:.2f} GB")


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def summary_seconds(home: Path, day: date) -> tuple[float, float]:
    config = Config()
    with open_store(home) as store:
        wall, cpu, summary = timed(lambda: summarize_day(store, day, config, UTC))
    assert not summary.plugin_failures, summary.plugin_failures
    return wall, cpu


def clear_cache(home: Path, day: date | None = None) -> None:
    with sqlite3.connect(store_path(home)) as conn:
        if day is None:
            conn.execute("DELETE FROM day_metrics")
        else:
            conn.execute("DELETE FROM day_metrics WHERE start_ms = ?",
                         (round(day_bounds(day, UTC)[0] * 1000),))


def breakdown(home: Path) -> dict[str, tuple[float, float]]:
    """The steps of a warm 200k summary, one by one: (wall, CPU) seconds each."""
    config = Config()
    start, end = day_bounds(TARGET, UTC)
    parts: dict[str, tuple[float, float]] = {}

    def step(name: str, fn: Callable[[], Any]) -> Any:
        wall, cpu, result = timed(fn)
        parts[name] = (wall, cpu)
        return result

    with open_store(home) as store, paused_gc():  # as read_timeline and summarize_day do
        manager = step("plugin manager", lambda: get_plugin_manager(config))
        goals = step("goal history", lambda: load_goals(store))
        history = step("history (14 days, cached)",
                       lambda: load_history(store, TARGET, config, manager, goals, UTC))
        edits, others = step("read the day, an hour at a time (read_span)",
                             lambda: read_span(store, start, end, config.thresholds))
        columns, _ = step("  of which, in one pass: SQLite (JSON arrays, Events)",
                          lambda: store.split_between(start, end, EDIT))
        step("  and decoding the edits (msgspec, Edit tuples)",
             lambda: edits_from_columns(columns, config.thresholds))
        timeline = step("assemble timeline", lambda: assemble_timeline(
            TARGET, UTC, config.thresholds, edits, others, goals))
        step("plugins: signals", lambda: manager.strain_signals(timeline, config, history))
        step("plugins: day metrics", lambda: manager.day_metrics(timeline, config))
        step("summarize (signals, zones, stats)",
             lambda: summarize(timeline, config, manager, history))
    return parts


def report(label: str, times: list[tuple[float, float]]) -> None:
    walls, cpus = [w for w, _ in times], [c for _, c in times]
    print(f"  {label}: wall {statistics.median(walls):.3f} s (min {min(walls):.3f}, "
          f"max {max(walls):.3f}), CPU {statistics.median(cpus):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path,
                        default=Path(__file__).parent / "results" / "year-store")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    home: Path = args.store
    if args.rebuild or not store_path(home).exists():
        if store_path(home).exists():
            for suffix in ("", "-wal", "-shm"):
                Path(f"{store_path(home)}{suffix}").unlink(missing_ok=True)
        build_store(home, args.days)
    with open_store(home) as store:
        print(f"store: {store.count():,} events, "
              f"{store_path(home).stat().st_size / 1e9:.2f} GB")
        for day in sorted(SIZES):
            print(f"  {day}: {store.span_stamp(*day_bounds(day, UTC)):,} events")

    print(f"load average before: {os.getloadavg()}")
    clear_cache(home)
    report("cold (14 past days rebuilt)", [summary_seconds(home, TARGET)])
    clear_cache(home, TARGET - timedelta(days=1))
    report("one past day rebuilt", [summary_seconds(home, TARGET)])
    for day in SIZES:  # warm every day's history
        summary_seconds(home, day)
    rounds: dict[date, list[tuple[float, float]]] = {day: [] for day in SIZES}
    for _ in range(args.repeat):
        for day in sorted(SIZES, key=SIZES.__getitem__):
            rounds[day].append(summary_seconds(home, day))
    print(f"warm, medians of {args.repeat} interleaved rounds:")
    for day in sorted(SIZES, key=SIZES.__getitem__):
        report(f"{SIZES[day]:>7,} events", rounds[day])
    print("where the warm 200k summary goes (wall, CPU):")
    for part, (wall, cpu) in breakdown(home).items():
        print(f"  {part:<54} {wall:.3f} s  {cpu:.3f} s")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

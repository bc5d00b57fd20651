"""Finished days served as what they summarize to: a past day's summary, `dpt drill show`
over 100 attempts and `dpt progress --months 12`, each a new process, on the year store.

    python benchmarks/drills_progress.py [--store DIR] [--repeat 7] [--skip-first-runs]

The store is the one benchmarks/summary_200k.py builds (run that first): a year ending on
2025-06-20, about 20 million events, 2025-06-18 holding 200,000, each day's goal an attempt of
the drill "bowling kata" over the last 100 days. Every figure is the wall time of a whole
command in a new process (`python -m dptelemetry ...`, TZ=UTC, default config), against two
floors measured in the same rounds: `python -c pass` (the interpreter alone) and a plain row
fetch (a process that opens the store with sqlite3 and fetches the 200,000-event day's rows,
nothing else). Rounds are interleaved, so a busy neighbour slows every variant alike.

First, once each, the costs that caches hide:
- the 200,000-event day never summarized, nothing cached (its 14 baseline days rebuilt);
- the same day never summarized, its baseline days' samples kept (the usual first look at
  a past day);
- `dpt progress --months 12` with no day kept: every day of the year summarized once.
Then `--repeat` rounds of: pass, row fetch, the day's summary kept, the day's summary not
kept (its row deleted before each run), drill show, progress.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta, timezone
from pathlib import Path
from typing import TypeVar

from dptelemetry.analysis.days import day_bounds
from dptelemetry.store import open_store, store_path

T = TypeVar("T")
UTC = timezone.utc
TARGET = date(2025, 6, 18)
LAST = date(2025, 6, 20)
DRILL = "bowling kata"


def env(home: Path) -> dict[str, str]:
    return {**os.environ, "DPT_HOME": str(home), "DPT_CONFIG": str(home / "absent.toml"),
            "TZ": "UTC"}


def wall(argv: list[str], home: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env(home), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr}")
    return took


def dpt(*args: str) -> list[str]:
    return [sys.executable, "-m", "dptelemetry", *args]


def row_fetch(home: Path) -> list[str]:
    start, end = (round(t * 1000) for t in day_bounds(TARGET, UTC))
    code = (f"import sqlite3; c = sqlite3.connect({str(store_path(home))!r}); "
            f"rows = c.execute('SELECT * FROM events WHERE ts_ms >= ? AND ts_ms < ?', "
            f"({start}, {end})).fetchall(); assert len(rows) > 190000")
    return [sys.executable, "-c", code]


def forget(home: Path, table: str, day: date | None = None) -> None:
    with sqlite3.connect(store_path(home)) as conn:
        if day is None:
            conn.execute(f"DELETE FROM {table}")
        else:
            conn.execute(f"DELETE FROM {table} WHERE start_ms = ?",
                         (round(day_bounds(day, UTC)[0] * 1000),))


SUMMARY = dpt("summary", "--date", TARGET.isoformat())
DRILL_SHOW = dpt("drill", "show", DRILL)
PROGRESS = dpt("progress", "--months", "12", "--date", LAST.isoformat())


def breakdown(home: Path) -> dict[str, float]:
    """Where a warm run's time goes, in this process (CPU seconds, one pass each)."""
    from dptelemetry.analysis.day_cache import DayCache
    from dptelemetry.analysis.drills import drill_report
    from dptelemetry.analysis.progress import Grain, progress, spans
    from dptelemetry.config import load_config
    from dptelemetry.goals import load_goals
    from dptelemetry.render.document import day_document
    from dptelemetry.render.reports import day_report
    from dptelemetry.render.text import plain_text

    config = load_config(home / "absent.toml")
    parts: dict[str, float] = {}

    def step(name: str, fn: Callable[[], T]) -> T:
        began = time.process_time()
        result = fn()
        parts[name] = time.process_time() - began
        return result

    with open_store(home) as store:
        goals = step("goal history (load_goals)", lambda: load_goals(store))
        cache = DayCache(store, config, UTC, goals=goals)
        step("the day cache's key (plugin releases from metadata)",
             lambda: DayCache(store, config, UTC, goals=goals))
        report = step("a kept 200,000-event day: read and decode its summary",
                      lambda: day_report(cache, TARGET))
        document = step("  its document", lambda: day_document(report))
        step("  its text (rich)", lambda: plain_text(document))
        first = spans(Grain.MONTH, 12, LAST)[0][0]
        days = [first + timedelta(days=n) for n in range((LAST - first).days + 1)]
        year = DayCache(store, config, UTC, goals=goals)
        step(f"{len(days)} kept days (12 months): read and decode what progress reads",
             lambda: [year.figures(d) for d in days])
        step("  and what drills read (each day's runs too)",
             lambda: [year.digest(d) for d in days])
        if year.summarized:
            print(f"  ({len(year.summarized)} days were not kept and were summarized)")
        step("drill show's report (100 attempts, days kept)",
             lambda: drill_report(goals, DRILL, DayCache(store, config, UTC, goals=goals)))
        step("progress --months 12's report (days kept)",
             lambda: progress(DayCache(store, config, UTC, goals=goals), Grain.MONTH, 12, LAST,
                              config.progress))
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path,
                        default=Path(__file__).parent / "results" / "year-store")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-first-runs", action="store_true",
                        help="Only the rounds (caches as they are, warmed if need be).")
    args = parser.parse_args()
    home: Path = args.store
    if not store_path(home).exists():
        raise SystemExit(f"no store in {home}: run benchmarks/summary_200k.py first")
    with open_store(home) as store:
        events = store.count()
        attempts = sum(1 for e in store.goal_history()
                       if e.kind == "goal_start" and e.payload.get("drill") == DRILL)
    print(f"store: {events:,} events; drill '{DRILL}': {attempts} attempts")
    print(f"load average before: {os.getloadavg()}")
    results: dict[str, list[float]] = {}
    if not args.skip_first_runs:
        forget(home, "day_summaries")
        forget(home, "day_metrics")
        results["summary, nothing cached (14 baseline days rebuilt)"] = [wall(SUMMARY, home)]
        forget(home, "day_summaries", TARGET)
        results["summary, the day not kept, baselines kept"] = [wall(SUMMARY, home)]
        forget(home, "day_summaries")
        results["progress --months 12, no day kept (first run)"] = [wall(PROGRESS, home)]
    for warm in (SUMMARY, DRILL_SHOW, PROGRESS):
        wall(warm, home)
    rounds = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "plain row fetch of the 200,000-event day": row_fetch(home),
        "summary of the 200,000-event day, kept": SUMMARY,
        "summary of the 200,000-event day, not kept (baselines kept)": SUMMARY,
        f"drill show ({attempts} attempts)": DRILL_SHOW,
        "progress --months 12": PROGRESS,
    }
    for name in rounds:
        results.setdefault(name, [])
    for _ in range(args.repeat):
        for name, argv in rounds.items():
            if "not kept" in name:
                forget(home, "day_summaries", TARGET)
            results[name].append(wall(argv, home))
    print(f"load average after: {os.getloadavg()}")
    base = statistics.median(results["python -c pass"])
    fetch = statistics.median(results["plain row fetch of the 200,000-event day"])
    print(f"{'what':<62} {'median':>8} {'min':>7} {'x pass':>7} {'x fetch':>8}")
    for name, times in results.items():
        mid = statistics.median(times)
        print(f"{name:<62} {mid:7.3f}s {min(times):6.3f}s {mid / base:7.1f} "
              f"{mid / fetch:8.2f}  (n={len(times)})")
    print("where a warm run goes, in one process (CPU):")
    parts = breakdown(home)
    for part, seconds in parts.items():
        print(f"  {part:<60} {seconds:.3f} s")
    out = Path(__file__).parent / "results" / "drills_progress.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"events": events, "attempts": attempts, "times": results,
                               "breakdown": parts, "load": os.getloadavg()}, indent=2))


if __name__ == "__main__":
    main()

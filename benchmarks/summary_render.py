"""What presenting a summary costs on top of computing it, per format, for a day of 200,000
events (the synthetic store of summary_200k.py: 2025-06-18 holds 200,000 events).

    python benchmarks/summary_render.py [--store DIR] [--days 8] [--repeat 5]

In one process, after one warm-up summary: the analysis alone (`summarize_day`), then each
renderer on that summary (text, markdown, JSON; HTML with its four charts, from a week
summarized once beforehand, outside the timings), `--repeat` rounds interleaved, medians
reported. Then the real CLI (`dpt summary --format F` in a new process, TZ=UTC) for each
format, interleaved: that includes Python's start-up and the imports each format needs
(matplotlib for HTML).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from summary_200k import TARGET, build_store

from dptelemetry.analysis.day_cache import DayCache
from dptelemetry.analysis.next_session import next_session
from dptelemetry.analysis.summary import DaySummary, summarize_day
from dptelemetry.analysis.week import week_ending
from dptelemetry.config import Config
from dptelemetry.plugins import get_plugin_manager
from dptelemetry.render.document import DayReport, day_document
from dptelemetry.render.json import render_json
from dptelemetry.render.markdown import render_markdown
from dptelemetry.render.text import plain_text
from dptelemetry.store import open_store, store_path

UTC = timezone.utc


def wall(fn: Callable[[], Any]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path,
                        default=Path(__file__).parent / "results" / "render-store")
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not store_path(args.store).exists():
        build_store(args.store, args.days)
    config = Config()
    with open_store(args.store) as store:
        summarize_day(store, TARGET, config, UTC)  # warm the per-day metric cache
        summary: DaySummary = summarize_day(store, TARGET, config, UTC)
        week = week_ending(DayCache(store, config, UTC), TARGET, known=summary)
        events = store.count()
    report = DayReport(summary, next_session(summary), week)
    timeline = summary.timeline
    day_events = len(timeline.events) + len(timeline.edits) if timeline else 0
    print(f"{TARGET}: {day_events:,} events in the day, {events:,} in the store")

    from dptelemetry.render.html import render_html

    render_html(report)  # import matplotlib and Jinja2 once, outside the timings

    def analysis() -> None:
        with open_store(args.store) as store:
            summarize_day(store, TARGET, config, UTC, get_plugin_manager(config))

    steps: dict[str, Callable[[], Any]] = {
        "analysis: summarize_day (warm cache)": analysis,
        "text (document + rich, plain)": lambda: plain_text(day_document(report)),
        "markdown": lambda: render_markdown(day_document(report)),
        "json": lambda: render_json(report),
        "html (4 SVG charts + template)": lambda: render_html(report),
    }
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(args.repeat):
        for name, fn in steps.items():
            times[name].append(wall(fn))
    base = statistics.median(times["analysis: summarize_day (warm cache)"])
    print(f"\nin process, median of {args.repeat} interleaved rounds:")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<40} {median * 1000:8.1f} ms  ({median / base:.2f}x analysis)")

    env = {**os.environ, "DPT_HOME": str(args.store), "TZ": "UTC",
           "DPT_CONFIG": str(args.store / "none.toml")}
    cli: dict[str, list[float]] = {f: [] for f in ("text", "markdown", "json", "html")}
    for _ in range(args.repeat):
        for fmt, runs in cli.items():
            command = [sys.executable, "-m", "dptelemetry", "summary", "--date", str(TARGET),
                       "--format", fmt]
            runs.append(wall(lambda command=command: subprocess.run(  # type: ignore[misc]
                command, env=env, check=True, stdout=subprocess.DEVNULL)))
    print(f"\nthe CLI in a new process (`dpt summary --format F`), median of {args.repeat}:")
    text = statistics.median(cli["text"])
    for fmt, values in cli.items():
        median = statistics.median(values)
        print(f"  {fmt:<10} {median:6.2f} s  ({median / text:.2f}x text)")


if __name__ == "__main__":
    main()

"""`dpt cohort report` over a large cohort: 500 learners x 90 days of shared summaries.

    python benchmarks/cohort_report.py [--learners 500] [--days 90] [--dir DIR]

Makes one realistic shared day (the summary benchmark's synthetic day of `--events` events,
summarized and cut to the shared fields exactly as `dpt share` does), writes it as every
learner's file for every day (dates changed), then times the real CLI in new processes:
the default week, and `--since` over all the days, in text, JSON and HTML.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from summary_200k import day_rows

from dptelemetry.config import Config
from dptelemetry.plugins import get_plugin_manager
from dptelemetry.render.json import day_data
from dptelemetry.render.reports import read_day
from dptelemetry.store import open_store
from dptelemetry.sync.shared_fields import DAY, allowed

END = date(2025, 6, 20)


def shared_day(home: Path, events: int) -> dict[str, object]:
    with open_store(home) as store:
        store._conn.executemany(  # bulk rows, as the summary benchmark writes them
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            day_rows(END, events, random.Random(1), iter(range(1, 1 << 62))))
        config = Config()
        data = day_data(read_day(store, END, config, get_plugin_manager(config)))
    shaped: dict[str, object] = allowed(data, DAY)
    return shaped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="dpt-cohort-bench-"))
    template = shared_day(root / "home", args.events)
    text = json.dumps(template, indent=1, sort_keys=True)
    cohort = root / "cohort"
    for n in range(args.learners):
        folder = cohort / "learners" / f"learner{n:03d}" / "days"
        folder.mkdir(parents=True, exist_ok=True)
        for k in range(args.days):
            day = END - timedelta(days=k)
            (folder / f"{day}.json").write_text(text.replace(END.isoformat(), day.isoformat()))
    files = args.learners * args.days
    print(f"cohort: {args.learners} learners x {args.days} days = {files:,} files of "
          f"{len(text) / 1000:.1f} kB")
    since = (END - timedelta(days=args.days - 1)).isoformat()
    offset = str(time.mktime((END + timedelta(days=1)).timetuple()) - 12 * 3600 - time.time())
    env = {**os.environ, "DPT_HOME": str(root / "mentor"), "DPT_CLOCK_OFFSET": offset,
           "TZ": "UTC"}
    for label, extra in (("week", []), (f"--since {since}", ["--since", since])):
        for fmt in ("text", "json", "html"):
            times = []
            for _ in range(args.repeat):
                begin = time.perf_counter()
                subprocess.run([sys.executable, "-m", "dptelemetry", "cohort", "report",
                                str(cohort), "--format", fmt, *extra], env=env, check=True,
                               stdout=subprocess.DEVNULL)
                times.append(time.perf_counter() - begin)
            print(f"{label:>18} {fmt:>5}: median {statistics.median(times):.2f} s "
                  f"(of {args.repeat})")


if __name__ == "__main__":
    main()

"""`dpt sync` of a year of events: the first sync, then an incremental one of one more day.

    python benchmarks/sync_journal.py [--days 365] [--per-day 5000] [--dir DIR]

Builds a store of `--days` days ending on 2025-06-20 with `--per-day` events each (the
summary benchmark's synthetic days: edits, saves, opens, test runs, commits, a goal), a bare
repository as the journal (file://), and runs the real CLI in new processes:

- first sync: every event of the year sent;
- one more day of `--per-day` events recorded, then an incremental sync;
- a sync with nothing new.

Reports wall time, events sent and the size of the thin pack that carried the new commits
(what the push sent).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from summary_200k import LAST, day_rows

from dptelemetry.store import open_store, store_path


def add_days(home: Path, first: date, days: int, per_day: int, seed: int) -> int:
    with open_store(home):
        pass
    rng = random.Random(seed)
    serial = iter(range(seed << 40, 1 << 62))
    conn = sqlite3.connect(store_path(home), isolation_level=None)
    total = 0
    for i in range(days):
        rows = day_rows(first + timedelta(days=i), per_day, rng, serial)
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        total += len(rows)
    conn.close()
    return total


def head(bare: Path) -> str:
    done = subprocess.run(["git", "--git-dir", str(bare), "rev-parse", "-q", "--verify", "main"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip()


def pushed_bytes(bare: Path, old: str, new: str) -> int:
    """The size of the thin pack that carries old..new: what a push of it sends."""
    if not new or new == old:
        return 0
    revs = f"{new}\n" + (f"^{old}\n" if old else "")
    done = subprocess.run(["git", "--git-dir", str(bare), "pack-objects", "--revs", "--thin",
                           "--stdout", "-q"], input=revs.encode(), capture_output=True,
                          check=True)
    return len(done.stdout)


def dpt(home: Path, *args: str) -> tuple[float, str]:
    begin = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dptelemetry", *args], capture_output=True,
                          text=True, check=True, env={**os.environ, "DPT_HOME": str(home)})
    return time.perf_counter() - begin, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=5000)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="dpt-sync-bench-"))
    home, bare = root / "home", root / "journal.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    first = LAST - timedelta(days=args.days - 1)
    begin = time.perf_counter()
    total = add_days(home, first, args.days, args.per_day, 1)
    print(f"store: {total:,} events over {args.days} days, built in "
          f"{time.perf_counter() - begin:.0f} s; {store_path(home).stat().st_size / 1e6:.0f} MB")
    dpt(home, "sync", "init", bare.as_uri())
    for label, before in (("first sync", None), ("one more day", args.per_day), ("nothing new", 0)):
        if before:
            add_days(home, LAST + timedelta(days=1), 1, args.per_day, 2)
        old = head(bare)
        seconds, said = dpt(home, "sync")
        sent = pushed_bytes(bare, old, head(bare))
        print(f"{label}: {seconds:.2f} s wall; pushed {sent / 1e6:.3f} MB; {said}")


if __name__ == "__main__":
    main()
